"""A schedule as a terminal chart of Unicode block characters, drawn from each column's envelope.

Shared by ``lrcore show``, ``lrcore plot`` (`lrcore._plot`) and ``examples/quickstart.py``.
A column covers every step nearest to it, and shows the smallest and largest value over those
steps (its envelope), so a schedule that cycles faster than the columns never aliases into slow
waves, and the axis labels are the true extremes over the range. Cells below a column's
smallest value are full (``█``), cells its values sweep through are shaded (``░``), and the
top cell shows the largest value in eighths (`` ▁▂▃▄▅▆▇█``).

>>> import lrcore
>>> print("\\n".join(chart(lrcore.Linear(start_value=0.0, end_value=1.0, steps=7), 7, width=8, height=2)))
1.00e+00 ┤    ▁▃▆█
0.00e+00 ┤ ▂▅▇████
         └────────
          0      7
>>> cyc = lrcore.Cyclic(low_value=0.0, high_value=1.0, up_steps=1)   # 0, 1, 0, 1, ...
>>> print("\\n".join(chart(cyc, 99, width=10, height=2)))
1.00e+00 ┤██████████
0.00e+00 ┤░░░░░░░░░░
         └──────────
          0       99
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

__all__ = ["BLOCKS", "BAND", "Envelope", "chart", "columns", "envelope", "default_last_step", "phases_until"]

BLOCKS = " ▁▂▃▄▅▆▇█"  # 0/8 .. 8/8 of a cell
BAND = "░"  # a cell the values sweep through within the column (not all of them reach above it)

# How many steps are read to draw a chart. Up to EXACT_STEPS every step is evaluated (numpy,
# in blocks that follow the timeline: about 0.5 s for 2**23 steps); without numpy, up to
# EXACT_STEPS_PYTHON with s(t). Beyond, SAMPLED_STEPS are read: each column at its ends, at both
# sides of every phase boundary in it, and in runs of RUN consecutive steps spread over it (so a
# period of up to RUN steps is seen whole), and the chart says so.
EXACT_STEPS = 1 << 23
EXACT_STEPS_PYTHON = 1 << 19
NUMPY_FROM = 1 << 16  # fewer steps are evaluated with s(t): `lrcore show` imports no numpy for them
CHUNK = 1 << 20  # steps per numpy evaluation
RUN = 64
SAMPLED_STEPS = 1 << 18  # steps read in all where not every step is


class Envelope:
    """Per column ``(start, end)`` of steps: the values at its first and last step, its smallest
    and largest value, and whether every step was read (``exact``)."""

    __slots__ = ("spans", "first", "last", "low", "high", "exact", "read")

    def __init__(self, spans: list[tuple[int, int]], first: list[float], last: list[float], low: list[float],
                 high: list[float], exact: bool, read: int) -> None:
        self.spans, self.first, self.last, self.low, self.high = spans, first, last, low, high
        self.exact, self.read = exact, read


def columns(last_step: int, width: int) -> list[tuple[int, int]]:
    """The steps ``[start, end)`` of each of `width` columns over steps 0..last_step.

    Column c sits at step ``c * last_step / (width - 1)`` and covers the steps nearest to it;
    where columns are more than steps, a column covers its nearest step.

    >>> columns(10, 3), columns(2, 5)
    ([(0, 3), (3, 8), (8, 11)], [(0, 1), (1, 2), (1, 2), (2, 3), (2, 3)])
    """
    n = width - 1
    if last_step < n:
        return [(t, t + 1) for t in (c * last_step * 2 // n + 1 >> 1 for c in range(width))]  # round half up
    # column c starts at the first step t with t * n / last >= c - 1/2
    edges = [0] + [-(-(2 * c - 1) * last_step // (2 * n)) for c in range(1, width)] + [last_step + 1]
    return list(zip(edges, edges[1:]))


def _numpy() -> Any:
    try:
        import numpy
    except ImportError:
        return None
    return numpy


def envelope(schedule: Any, spans: list[tuple[int, int]], *, exact_steps: int | None = None) -> Envelope:
    """The `Envelope` of `schedule` over `spans`, sorted ``(start, end)`` step ranges.

    Every step is read while the spans hold at most `exact_steps` steps (default EXACT_STEPS
    with numpy, EXACT_STEPS_PYTHON without); beyond, each span is read at its ends, at both
    sides of each boundary of the schedule's timeline in it, and in runs of RUN consecutive
    steps spread over it, and ``exact`` is False.

    >>> import lrcore
    >>> e = envelope(lrcore.Cyclic(low_value=0.0, high_value=1.0, up_steps=2), [(0, 3), (3, 10)])
    >>> e.low, e.high, e.first, e.last, e.exact
    ([0.0, 0.0], [1.0, 1.0], [0.0, 0.5], [1.0, 0.5], True)
    """
    total = spans[-1][1] - spans[0][0]
    has_evaluate = hasattr(schedule, "evaluate")
    np = _numpy() if has_evaluate and total > NUMPY_FROM else None
    budget = exact_steps if exact_steps is not None else (EXACT_STEPS if np is not None else EXACT_STEPS_PYTHON)
    f = getattr(schedule, "scalar_fn", schedule)
    first: list[float] = []
    last: list[float] = []
    low: list[float] = []
    high: list[float] = []
    if total <= budget:
        read = total
        if np is None:
            for a, b in spans:
                v = [f(t) for t in range(a, b)]
                first.append(v[0])
                last.append(v[-1])
                low.append(min(v))
                high.append(max(v))
        else:
            _exact_numpy(schedule, spans, np, first, last, low, high)
        return Envelope(spans, first, last, low, high, True, read)
    quota = max(4 * RUN, (SAMPLED_STEPS if exact_steps is None else budget) // len(spans))
    edges = _timeline_edges(schedule, spans[0][0], spans[-1][1], quota * len(spans))
    read, exact = 0, True
    for a, b in spans:
        if b - a <= quota:
            steps: Any = range(a, b)
        else:
            exact = False
            inner = edges[_bisect(edges, a + 1):_bisect(edges, b)][: quota // 4]
            runs = max(2, (quota - 2 * len(inner)) // RUN)  # the first run starts at a, the last ends at b
            starts = [a + (b - RUN - a) * i // (runs - 1) for i in range(runs)]
            steps = sorted({t for s0 in starts for t in range(s0, s0 + RUN)}.union(*((e - 1, e) for e in inner)))
        read += len(steps)
        if np is None:
            v = [f(t) for t in steps]
            first.append(v[0])
            last.append(v[-1])
            low.append(min(v))
            high.append(max(v))
        else:
            w = schedule.evaluate(steps if isinstance(steps, range) else np.asarray(steps, dtype=np.int64))
            first.append(float(w[0]))
            last.append(float(w[-1]))
            low.append(float(w.min()))
            high.append(float(w.max()))
    return Envelope(spans, first, last, low, high, exact, read)


def _bisect(xs: list[int], x: int) -> int:
    import bisect

    return bisect.bisect_left(xs, x)


def _timeline_edges(schedule: Any, lo: int, hi: int, quota: int) -> list[int]:
    """The first integer step of each segment of the timeline in (lo, hi), while they are few."""
    import math

    segments = getattr(schedule, "segments", None)
    if segments is None:
        return []
    out = sorted({math.ceil(g.start) for g in segments(float(lo), float(hi)) if lo < g.start < hi})
    return out if len(out) <= quota else []


def _exact_numpy(schedule: Any, spans: list[tuple[int, int]], np: Any, first: list[float], last: list[float],
                 low: list[float], high: list[float]) -> None:
    """Every step of the spans, evaluated in chunks of about CHUNK steps along the timeline."""
    i, n = 0, len(spans)
    while i < n:
        a = spans[i][0]
        j = i
        while j + 1 < n and spans[j + 1][1] - a <= CHUNK and spans[j + 1][0] >= spans[j][1]:
            j += 1
        b = spans[j][1]
        if j == i and b - a > CHUNK:  # one long span: chunk by chunk
            lo: float | None = None
            hi: float | None = None
            for c in range(a, b, CHUNK):
                v = schedule.evaluate(range(c, min(b, c + CHUNK)))
                if c == a:
                    first.append(float(v[0]))
                m, x = float(v.min()), float(v.max())
                lo, hi = (m, x) if lo is None or hi is None else (min(lo, m), max(hi, x))
            if TYPE_CHECKING:  # for mypy only: b - a > CHUNK, so the loop ran
                assert lo is not None and hi is not None
            last.append(float(v[-1]))
            low.append(lo)
            high.append(hi)
            i += 1
            continue
        v = schedule.evaluate(range(a, b))
        starts = np.asarray([s - a for s, _ in spans[i:j + 1]], dtype=np.int64)
        ends = np.asarray([e - a - 1 for _, e in spans[i:j + 1]], dtype=np.int64)
        first += v[starts].tolist()
        last += v[ends].tolist()
        low += np.minimum.reduceat(v, starts).tolist()
        high += np.maximum.reduceat(v, starts).tolist()
        i = j + 1


def chart(schedule: Callable[[int], float], last_step: int, width: int = 60, height: int = 12) -> list[str]:
    """The schedule over steps 0..last_step as `height` rows of block characters, plus an x axis.

    Each column shows the envelope of the steps it covers (see `columns` and `envelope`): full
    cells up to its smallest value, shaded cells up to the cell of its largest value, and that
    cell filled to the largest value in eighths, so the curve has ``8 * height`` levels between
    the smallest and the largest value of the whole range, which label the top and bottom rows.
    The last line labels the first and last step. Where not every step was read (more than
    EXACT_STEPS), a first line says how the columns were read.
    """
    width, height = max(2, width), max(2, height)
    env = envelope(schedule, columns(last_step, width))
    lo, hi = min(env.low), max(env.high)
    if lo == hi:  # a constant: bars from 0 up to it
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    span = (hi - lo) or 1.0
    top = 8 * height
    tops = [round((v - lo) / span * top) for v in env.high]
    # cells wholly below a column's smallest value (rounded to the nearest cell edge) are full
    full = [round((v - lo) / span * height) for v in env.low]
    labels = [f"{hi:.2e}"] + [""] * (height - 2) + [f"{lo:.2e}"]
    pad = max(len(s) for s in labels)
    rows = []
    if not env.exact:
        per = (last_step + 1) // width
        rows.append(f"(not every step read: each column covers about {per} steps, its min and max are read at "
                    f"{env.read // width} of them: its ends, both sides of each phase boundary, runs of {RUN} steps)")
    for r in range(height):
        cell = height - 1 - r  # cells below this row
        line = []
        for n, k in zip(tops, full):
            if n <= 8 * cell:
                line.append(" ")
            elif n <= 8 * cell + 8:  # the cell of the largest value
                line.append(BLOCKS[n - 8 * cell])
            else:
                line.append(BLOCKS[8] if cell < k else BAND)
        rows.append(f"{labels[r]:>{pad}} ┤{''.join(line)}")
    rows.append(" " * pad + " └" + "─" * width)
    left, right = "0", str(last_step)
    rows.append(" " * (pad + 2) + left + right.rjust(width - len(left)))
    return rows


def default_last_step(schedule: object) -> int:
    """The last step worth showing: the duration plus 10%, or three periods (at least 100 steps)."""
    d: int | None = getattr(schedule, "duration", None)
    if d is None:
        horizon: int = getattr(schedule, "_default_horizon", lambda: 100)()
        return max(100, horizon)
    if d == 0:
        return 100
    return d + max(1, d // 10)


PROBE_STEPS = 10_000
MAX_PHASES = 50_000


def phases_until(schedule: Any, last_step: int) -> tuple[list[Any], int]:
    """``schedule.describe()`` over steps 0..last_step, and the step it stops at.

    A schedule can have a phase per step (restarts every step); where the phases of the first
    PROBE_STEPS steps extrapolate to more than MAX_PHASES, only those steps are described.
    """
    probe = min(last_step + 1, PROBE_STEPS)
    phases = schedule.describe(until=probe)
    if probe == last_step + 1 or len(phases) * (last_step + 1) / probe <= MAX_PHASES:
        return (phases if probe == last_step + 1 else schedule.describe(until=last_step + 1)), last_step + 1
    return phases, probe
