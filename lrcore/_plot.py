"""Schedules drawn with matplotlib (the ``plot`` extra), for notebooks and ``lrcore plot``.

matplotlib (and numpy) are imported only when something is drawn. Long ranges are sampled
(about 4000 points), always including both sides of every phase boundary, so jumps stay
vertical and short phases visible.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from ._chart import default_last_step, phases_until

__all__ = ["plot", "save_figure", "sample_steps", "MissingMatplotlib"]

ALL_STEPS_UP_TO = 20_000
SAMPLES = 4000


class MissingMatplotlib(ImportError):
    """matplotlib is not installed."""


def _require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise MissingMatplotlib("plotting needs matplotlib: pip install 'lrcore[plot]' (or pip install matplotlib)") from None


def sample_steps(schedule: Any, last_step: int) -> list[int]:
    """Every step 0..last_step when there are few, else an even sample plus each phase's edges."""
    if last_step + 1 <= ALL_STEPS_UP_TO:
        return list(range(last_step + 1))
    picked = {round(i * last_step / (SAMPLES - 1)) for i in range(SAMPLES)}
    phases, _ = phases_until(schedule, last_step)
    for p in phases[:SAMPLES]:
        picked.update(t for t in (p.start - 1, p.start) if 0 <= t <= last_step)
    return sorted(picked)


def _base_schedule(schedule: Any) -> Any:
    """A plain schedule; ``schedule * Plateau`` is drawn before any reduction."""
    return getattr(schedule, "schedule", schedule) if not hasattr(schedule, "evaluate") else schedule


def plot(schedule: Any, ax: Any = None, steps: int | Iterable[int] | None = None, *, label: str | None = None,
         log: bool = False, **line_kwargs: Any) -> Any:
    """Draw `schedule` on `ax` (default: pyplot's current Axes) and return the Axes.

    ``steps``: the last step drawn (an int; default the duration plus 10%, or three periods),
    or the steps themselves. ``log`` sets a logarithmic y axis; other keywords go to
    ``ax.plot`` (``color``, ``linewidth``, ...).
    """
    _require_matplotlib()
    import numpy as np

    s = _base_schedule(schedule)
    if steps is None or isinstance(steps, int):
        last = default_last_step(s) if steps is None else steps
        if isinstance(last, bool) or last < 1:
            raise ValueError(f"plot: `steps` must be an int >= 1 (the last step drawn), got steps={steps!r}")
        xs = sample_steps(s, last)
    else:
        xs = sorted(int(t) for t in steps)
        if not xs:
            raise ValueError("plot: `steps` must not be empty")
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    x = np.asarray(xs, dtype=np.int64)
    ax.plot(x, s.evaluate(x), label=label, **line_kwargs)
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
