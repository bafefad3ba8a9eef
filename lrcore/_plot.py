"""Schedules drawn with matplotlib (the ``plot`` extra), for notebooks and ``lrcore plot``.

matplotlib (and numpy) are imported only when something is drawn. Up to ALL_STEPS_UP_TO steps
every step is drawn. A longer range is cut into COLUMNS columns (also at every phase boundary,
so jumps stay vertical and short phases visible), and each column is drawn from its envelope
(`lrcore._chart.envelope`, every step read): its first and last value at its first and last
step, and its smallest and largest value between them. The line's extent over each column is
exactly the range of values there, so a schedule that cycles faster than the columns is drawn
as the band it sweeps, never as a slow wave that does not exist.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from ._chart import default_last_step, envelope, phases_until

__all__ = ["plot", "save_figure", "plot_columns", "plot_points", "MissingMatplotlib"]

ALL_STEPS_UP_TO = 20_000
COLUMNS = 1000
MAX_EDGES = 4000  # phase boundaries that cut columns


class MissingMatplotlib(ImportError):
    """matplotlib is not installed."""


def _require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise MissingMatplotlib("plotting needs matplotlib: pip install 'lrcore[plot]' (or pip install matplotlib)") from None


def plot_columns(schedule: Any, last_step: int) -> list[tuple[int, int]]:
    """The columns ``[start, end)`` that cover steps 0..last_step: one per step up to
    ALL_STEPS_UP_TO steps, else COLUMNS even ones, also cut at each phase boundary (where the
    range has at most MAX_EDGES phases: a faster cycle is drawn as its envelope).

    >>> import lrcore
    >>> cols = plot_columns(lrcore.MultiStep(start_value=1.0, milestones=[30_001], factor=0.1), 100_000)
    >>> len(cols), cols[0], [c for c in cols if 29_900 < c[1] < 30_200]
    (1001, (0, 100), [(29900, 30000), (30000, 30001), (30001, 30100)])
    """
    if last_step + 1 <= ALL_STEPS_UP_TO:
        return [(t, t + 1) for t in range(last_step + 1)]
    edges = {c * (last_step + 1) // COLUMNS for c in range(COLUMNS)}
    phases, until = phases_until(schedule, last_step)
    if until > last_step and len(phases) <= MAX_EDGES:
        edges.update(p.start for p in phases if 0 < p.start <= last_step)
    ends = sorted(edges) + [last_step + 1]
    return list(zip(ends, ends[1:]))


def plot_points(schedule: Any, last_step: int) -> tuple[list[float], list[float]]:
    """The (x, y) points `plot` draws over steps 0..last_step: for each column of `plot_columns`,
    its first value at its first step, its smallest and largest value in the middle (where they
    are not already its first or last value), and its last value at its last step.

    >>> import lrcore
    >>> s = lrcore.Cyclic(low_value=0.0, high_value=1.0, up_steps=2)      # 0, 0.5, 1, 0.5, 0, ...
    >>> xs, ys = plot_points(s, 99_999)                                     # columns of 100 steps
    >>> list(zip(xs[:4], ys[:4]))
    [(0.0, 0.0), (49.5, 1.0), (99.0, 0.5), (100.0, 0.0)]
    """
    cols = plot_columns(schedule, last_step)
    env = envelope(schedule, cols)
    xs: list[float] = []
    ys: list[float] = []
    for (a, b), v0, v1, lo, hi in zip(cols, env.first, env.last, env.low, env.high):
        xs.append(float(a))
        ys.append(v0)
        mid = (a + b - 1) / 2
        inner = [v for v in ((lo, hi) if v0 <= v1 else (hi, lo)) if v not in (v0, v1)]
        xs += [mid] * len(inner)
        ys += inner
        if b - 1 > a:
            xs.append(float(b - 1))
            ys.append(v1)
    return xs, ys


def _base_schedule(schedule: Any) -> Any:
    """A plain schedule; ``schedule * Plateau`` is drawn before any reduction."""
    return getattr(schedule, "schedule", schedule) if not hasattr(schedule, "evaluate") else schedule


def plot(schedule: Any, ax: Any = None, steps: int | Iterable[int] | None = None, *, label: str | None = None,
         log: bool = False, **line_kwargs: Any) -> Any:
    """Draw `schedule` on `ax` (default: pyplot's current Axes) and return the Axes.

    ``steps``: the last step drawn (an int; default the duration plus 10%, or three periods:
    every step, or over a long range each column's smallest and largest value, see
    `plot_points`), or the steps themselves. ``log`` sets a logarithmic y axis; other keywords go to
    ``ax.plot`` (``color``, ``linewidth``, ...).
    """
    _require_matplotlib()
    import numpy as np

    s = _base_schedule(schedule)
    if steps is None or isinstance(steps, int):
        last = default_last_step(s) if steps is None else steps
        if isinstance(last, bool) or last < 1:
            raise ValueError(f"plot: `steps` must be an int >= 1 (the last step drawn), got steps={steps!r}")
        x, y = plot_points(s, last)
    else:
        xs = sorted(int(t) for t in steps)
        if not xs:
            raise ValueError("plot: `steps` must not be empty")
        x, y = np.asarray(xs, dtype=np.int64), None
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    ax.plot(x, s.evaluate(x) if y is None else y, label=label, **line_kwargs)
    ax.set_xlabel("step")
    ax.set_ylabel("learning rate")
    if log:
        ax.set_yscale("log")
    ax.grid(True, alpha=0.3)
    return ax


def save_figure(schedules: Sequence[Any], labels: Sequence[str], path: str, *, steps: int | None = None,
                log: bool = False, title: str | None = None, size: tuple[float, float] = (8.0, 4.5),
                dpi: int = 100) -> None:
    """One figure with every schedule, saved to `path` (.png or .svg), without pyplot's global state."""
    _require_matplotlib()
    from matplotlib.figure import Figure

    if steps is None:
        steps = max(default_last_step(_base_schedule(s)) for s in schedules)
    fig = Figure(figsize=size, dpi=dpi, layout="constrained")
    ax = fig.subplots()
    for s, label in zip(schedules, labels):
        plot(s, ax=ax, steps=steps, label=label, log=log)
    ax.set_xlim(0, steps)
    if title:
        ax.set_title(title)
    ax.legend(loc="best", fontsize="small")
    fig.savefig(path)
