"""Timing for the benchmark cases: contenders alternate in one process; medians and their ratio.

The machine may be shared and noisy, so absolute times drift while ratios hold: every
comparison runs its contenders in turn, round after round (the order flips every round), and
reports the median time of each and the ratio of the medians. The garbage collector is off
inside a timed run, as in ``timeit``.

A contender is a *runner*: ``run(n) -> seconds`` does any set-up it needs (a fresh scheduler,
say) outside its own clock and returns the time ``n`` operations took.
"""

from __future__ import annotations

import gc
import os
import statistics
import time
from dataclasses import dataclass
from typing import Callable

__all__ = ["Config", "Row", "FULL", "SMOKE", "loop", "alternate", "ratio_row", "value_row", "fmt_time"]

Runner = Callable[[int], float]


@dataclass(frozen=True)
class Config:
    """How big and how often: `FULL` for ``make bench``, `SMOKE` for the test that keeps the suite alive."""

    repeat: int  # rounds of every comparison (medians are taken over them)
    torch_steps: int  # scheduler steps per timed run
    paddle_steps: int
    optax_calls: int  # jitted calls per timed run (runs: 4 * repeat, as these ratios are the finest)
    numpy_steps: int  # steps evaluated at once
    scalar_calls: int  # s(t) calls per timed run
    import_rounds: int  # interpreter starts per contender
    smoke: bool = False


FULL = Config(repeat=15, torch_steps=2_000, paddle_steps=4_000, optax_calls=250, numpy_steps=10_000_000,
              scalar_calls=100_000, import_rounds=21)
SMOKE = Config(repeat=1, torch_steps=3, paddle_steps=3, optax_calls=2, numpy_steps=1_000, scalar_calls=2,
               import_rounds=1, smoke=True)


@dataclass(frozen=True)
class Row:
    """One line of RESULTS.md. ``lrcore`` and ``native`` are measured values in ``unit``;
    ``native`` may be None where the target is absolute; ``limit`` is the target: a bound on
    the ratio (``kind="ratio"``) or on the lrcore value itself (``kind="value"``)."""

    group: str
    case: str
    lrcore: float
    native: float | None
    unit: str
    limit: float
    kind: str = "ratio"
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.native is None or self.native == 0:
            return None
        return self.lrcore / self.native

    @property
    def met(self) -> bool:
        got = self.ratio if self.kind == "ratio" else self.lrcore
        return got is not None and got <= self.limit


def fmt_time(seconds: float, unit: str) -> str:
    scale = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}[unit]
    v = seconds * scale
    return f"{v:.3g}" if v < 100 else f"{v:.0f}"


def loop(fn: Callable[[], object], setup: Callable[[], object] | None = None) -> Runner:
    """A runner calling ``fn()`` n times (after ``setup()``, untimed, if given)."""

    def run(n: int) -> float:
        if setup is not None:
            setup()
        it = range(n)
        t0 = time.perf_counter()
        for _ in it:
            fn()
        return time.perf_counter() - t0

    return run


def alternate(runners: dict[str, Runner], n: int, repeat: int) -> dict[str, float]:
    """Median seconds per operation of each runner over ``repeat`` rounds of ``n`` operations.

    Every round runs every runner once, in an order that is reversed every other round, so a
    slow spell of the machine hits all of them alike. One untimed warm-up run comes first.
    """
    names = list(runners)
    times: dict[str, list[float]] = {k: [] for k in names}
    for k in names:
        runners[k](max(1, min(n, 10)))  # warm-up: imports, caches, compilation
    gc_was = gc.isenabled()
    try:
        for r in range(repeat):
            order = names if r % 2 == 0 else names[::-1]
            for k in order:
                gc.disable()  # no gc.collect(): with the frameworks loaded it takes ~0.3 s
                try:
                    times[k].append(runners[k](n) / n)
                finally:
                    if gc_was:
                        gc.enable()
    finally:
        if gc_was:
            gc.enable()
    return {k: statistics.median(v) for k, v in times.items()}


def ratio_row(group: str, case: str, lrcore: Runner, native: Runner, n: int, cfg: Config, *, limit: float,
              unit: str = "us", note: str = "") -> Row:
    """Time ``lrcore`` against ``native``, alternating, and make a ratio row."""
    med = alternate({"lrcore": lrcore, "native": native}, n, cfg.repeat)
    return Row(group, case, med["lrcore"], med["native"], unit, limit, "ratio", note)


def value_row(group: str, case: str, value: float, *, limit: float, unit: str, native: float | None = None,
              note: str = "") -> Row:
    """A row whose target bounds the lrcore value itself (``native`` shown for reference)."""
    return Row(group, case, value, native, unit, limit, "value", note)


def load() -> str:
    """The 1/5/15-minute load averages and the number of CPUs, for the report header."""
    try:
        a, b, c = os.getloadavg()
        return f"load average {a:.2f} / {b:.2f} / {c:.2f} on {os.cpu_count()} CPUs"
    except OSError:  # pragma: no cover - not on every platform
        return f"{os.cpu_count()} CPUs"
