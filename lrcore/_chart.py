"""A schedule as a terminal chart of Unicode block characters (standard library only).

Shared by ``lrcore show`` and ``examples/quickstart.py``.

>>> import lrcore
>>> print("\\n".join(chart(lrcore.Linear(start_value=0.0, end_value=1.0, steps=7), 7, width=8, height=2)))
1.00e+00 ┤    ▁▃▆█
0.00e+00 ┤ ▂▅▇████
         └────────
          0      7
"""

from __future__ import annotations

from typing import Any, Callable

__all__ = ["BLOCKS", "chart", "default_last_step", "phases_until"]

BLOCKS = " ▁▂▃▄▅▆▇█"  # 0/8 .. 8/8 of a cell


def chart(schedule: Callable[[int], float], last_step: int, width: int = 60, height: int = 12) -> list[str]:
    """The schedule over steps 0..last_step as `height` rows of block characters, plus an x axis.

    Column c shows the value at step ``round(c * last_step / (width - 1))``; each cell holds
    eight levels, so the curve has ``8 * height`` levels between the smallest and largest value.
    The top row is labelled with the largest value, the bottom row with the smallest; the last
    line labels the first and last step.
    """
    width, height = max(2, width), max(2, height)
    steps = [round(c * last_step / (width - 1)) for c in range(width)]
    values = [schedule(t) for t in steps]
    lo, hi = min(values), max(values)
    if lo == hi:  # a constant: bars from 0 up to it
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    span = (hi - lo) or 1.0
    levels = [round((v - lo) / span * 8 * height) for v in values]
    labels = [f"{hi:.2e}"] + [""] * (height - 2) + [f"{lo:.2e}"]
    pad = max(len(s) for s in labels)
    rows = []
    for r in range(height):
        floor = (height - 1 - r) * 8  # levels below this row
        cells = "".join(BLOCKS[min(8, max(0, n - floor))] for n in levels)
        rows.append(f"{labels[r]:>{pad}} ┤{cells}")
    rows.append(" " * pad + " └" + "─" * width)
    left, right = "0", str(last_step)
    rows.append(" " * (pad + 2) + left + right.rjust(width - len(left)))
    return rows


def default_last_step(schedule: object) -> int:
    """The last step worth showing: the duration plus 10%, or three periods (at least 100 steps)."""
    d = getattr(schedule, "duration", None)
    if d is None:
        horizon = getattr(schedule, "_default_horizon", lambda: 100)()
        return max(100, horizon)
    if d == 0:
        return 100
    return d + max(1, d // 10)


PROBE_STEPS = 10_000
MAX_PHASES = 50_000


def phases_until(schedule: Any, last_step: int) -> tuple[list, int]:
    """``schedule.describe()`` over steps 0..last_step, and the step it stops at.

    A schedule can have a phase per step (restarts every step); where the phases of the first
    PROBE_STEPS steps extrapolate to more than MAX_PHASES, only those steps are described.
    """
    probe = min(last_step + 1, PROBE_STEPS)
    phases = schedule.describe(until=probe)
    if probe == last_step + 1 or len(phases) * (last_step + 1) / probe <= MAX_PHASES:
        return (phases if probe == last_step + 1 else schedule.describe(until=last_step + 1)), last_step + 1
    return phases, probe
