"""scalar: ``s(t)``, the eager Python path, in microseconds per call.

``Warmup(Cosine)`` at a step in each phase (target at most 1 us), and a 5-node tree,
``Warmup(Restart(Cosine)) * 2`` (target at most 3 us). The native column is the same schedule
hand-written in plain Python with ``math`` (for reference; the targets are absolute).
"""

from __future__ import annotations

import math
import time
from typing import Any, Callable, Iterator

from _timing import Config, Row, alternate

PEAK, END, W, D = 3e-4, 3e-5, 1_000, 9_000


def warmup_cosine() -> tuple[Any, Callable[[float], float]]:
    import lrcore

    s = lrcore.Warmup(lrcore.Cosine(start_value=PEAK, steps=D, end_value=END), warmup_steps=W)

    def by_hand(t: float) -> float:
        if t < W:
            return PEAK * t / W
        return END + (PEAK - END) * 0.5 * (1.0 + math.cos(math.pi * min(t - W, D) / D))

    return s, by_hand


def five_nodes() -> tuple[Any, Callable[[float], float]]:
    """Product(Warmup(Restart(Cosine)), Constant): SGDR cycles of 1000, 2000, ... steps, each
    peak half the last, after a 500-step warmup, times 2."""
    import lrcore

    cos = lrcore.Cosine(start_value=1e-3, steps=1_000, end_value=1e-5)
    s = lrcore.Warmup(lrcore.Restart(cos, period_steps=1_000, period_mult=2.0, decay=0.5), warmup_steps=500) * 2.0

    def by_hand(t: float) -> float:
        if t < 500:
            return 2.0 * 1e-3 * t / 500
        u = t - 500
        k = math.floor(math.log2(u / 1000 + 1))
        start, length = 1000 * (2**k - 1), 1000 * 2**k
        return 2.0 * 0.5**k * (1e-5 + (1e-3 - 1e-5) * 0.5 * (1 + math.cos(math.pi * (u - start) / length)))

    return s, by_hand


def nodes(s: Any) -> int:
    return 1 + sum(nodes(c) for c in s.children())


def _runner(fn: Callable[[Any], float], t: Any) -> Callable[[int], float]:
    def run(n: int) -> float:
        it = range(n)
        t0 = time.perf_counter()
        for _ in it:
            fn(t)
        return time.perf_counter() - t0

    return run


def rows(cfg: Config) -> Iterator[Row]:
    for label, build, steps, limit in (
        ("Warmup(Cosine)", warmup_cosine, (("warmup", 500), ("cosine", 5_000), ("past the end", 50_000),
                                           ("float step", 5_000.5)), 1e-6),
        ("5-node tree Warmup(Restart(Cosine)) * 2", five_nodes, (("warmup", 250), ("cycle 2", 2_500),
                                                                 ("cycle 5", 20_000)), 3e-6),
    ):
        s, by_hand = build()
        assert label.startswith("Warmup(Cosine)") or nodes(s) == 5, nodes(s)
        for phase, t in steps:
            assert math.isclose(s(t), by_hand(t), rel_tol=1e-9), (label, t, s(t), by_hand(t))
            med = alternate({"lrcore": _runner(s, t), "native": _runner(by_hand, t)}, cfg.scalar_calls, cfg.repeat)
            yield Row("scalar", f"`s(t)`, {label}, {phase} (t={t!r}); native: hand-written Python", med["lrcore"],
                      med["native"], "us", limit, "value")
