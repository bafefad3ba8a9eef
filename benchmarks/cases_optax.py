"""optax: the jitted call of ``as_schedule(catalog X)`` against ``jit(optax X)``, and compiled size.

The same keyword arguments (tests/test_adapter_optax.py REPRESENTATIVE) build
``lrcore.catalog.optax.X`` and ``optax.X``; both are jitted on an int32 count (float32, CPU)
and a timed call is ``f(count).block_until_ready()`` at a count that moves through the
schedule. Targets: time ratio at most 1.05; HLO instructions (every instruction of the
optimised module, fused bodies included, as the test counts them) at most 1.0, except
exponential_decay with staircase, larger by design: optax's ``floor(t / every)`` becomes
``floor(t * (1 / every))`` under XLA and is one stair short at some exact multiples (jitted
``exponential_decay(1.0, 41, 0.5, staircase=True)`` gives 1.0 at count 41); lrcore divides
truly and corrects the floor, six instructions more (see tests/test_adapter_optax.py).
"""

from __future__ import annotations

import re
import time
from typing import Any, Callable, Iterator

from _timing import Config, Row, alternate

CASES: dict[str, dict] = {
    "constant_schedule": dict(value=0.1),
    "linear_schedule": dict(init_value=1.0, end_value=0.01, transition_steps=100, transition_begin=10),
    "polynomial_schedule": dict(init_value=1.0, end_value=0.01, power=2.0, transition_steps=100, transition_begin=10),
    "piecewise_constant_schedule": dict(init_value=1.0, boundaries_and_scales={30: 0.1, 60: 0.1, 90: 0.5}),
    "piecewise_interpolate_schedule": dict(interpolate_type="cosine", init_value=1.0,
                                           boundaries_and_scales={30: 0.1, 60: 0.1, 90: 0.5}),
    "exponential_decay": dict(init_value=1.0, transition_steps=10, decay_rate=0.9, transition_begin=5, staircase=True,
                              end_value=0.01),
    "cosine_decay_schedule": dict(init_value=1.0, decay_steps=100, alpha=0.1, exponent=1.0),
    "cosine_onecycle_schedule": dict(transition_steps=100, peak_value=1.0),
    "linear_onecycle_schedule": dict(transition_steps=100, peak_value=1.0),
    "warmup_constant_schedule": dict(init_value=0.0, peak_value=1.0, warmup_steps=10),
    "warmup_cosine_decay_schedule": dict(init_value=0.0, peak_value=1.0, warmup_steps=10, decay_steps=100, end_value=0.01),
    "warmup_exponential_decay_schedule": dict(init_value=0.0, peak_value=1.0, warmup_steps=10, transition_steps=10,
                                              decay_rate=0.9, end_value=0.01),
    "sgdr_schedule": dict(cosine_kwargs=[dict(init_value=0.0, peak_value=1.0, warmup_steps=5, decay_steps=50)] * 3),
}

# Larger than optax by design (see the module docstring): the bound is the measured size.
LARGER_BY_DESIGN = {"exponential_decay": "exact stairs: optax's jitted floor(t * (1/every)) is a stair short "
                                         "at some multiples; lrcore divides truly (+6 instructions)"}

_INSTRUCTION = re.compile(r"^\s*(?:ROOT\s+)?%\S+\s*=\s", re.M)


def hlo_instructions(f: Callable) -> int:
    """Instructions in the optimised HLO of ``jit(f)`` on an int32 count (the counter of tests/test_adapter_optax.py)."""
    import jax
    import jax.numpy as jnp

    return len(_INSTRUCTION.findall(jax.jit(f).lower(jnp.int32(7)).compile().as_text()))


def runner(f: Callable, counts: list) -> Callable[[int], float]:
    """``n`` calls of the jitted ``f`` on pre-made device counts, each waited for."""

    def run(n: int) -> float:
        cs = (counts * (n // len(counts) + 1))[:n]
        t0 = time.perf_counter()
        for c in cs:
            f(c).block_until_ready()
        return time.perf_counter() - t0

    return run


def rows(cfg: Config) -> Iterator[Row]:
    import jax
    import jax.numpy as jnp
    import optax

    from lrcore.adapters.optax import as_schedule
    from lrcore.catalog import optax as C

    old = bool(jax.config.jax_enable_x64)
    jax.config.update("jax_enable_x64", False)  # optax's default: float32 values, int32 counts
    try:
        counts = [jnp.int32(c) for c in range(0, 160, 7)]
        for name, kw in CASES.items():
            ours, theirs = as_schedule(getattr(C, name)(**kw)), getattr(optax, name)(**kw)
            f, g = jax.jit(ours), jax.jit(theirs)
            # short runs, many rounds: the two dispatch paths see the same moments of the machine
            med = alternate({"lrcore": runner(f, counts), "native": runner(g, counts)}, cfg.optax_calls,
                            4 * cfg.repeat)
            yield Row("optax", f"`jit(as_schedule({name}))` call", med["lrcore"], med["native"], "us", 1.05)
            a, b = hlo_instructions(ours), hlo_instructions(theirs)
            yield Row("optax", f"{name}: HLO instructions", a, b, "count", 1.0, "ratio",
                      LARGER_BY_DESIGN.get(name, ""))
    finally:
        jax.config.update("jax_enable_x64", old)

