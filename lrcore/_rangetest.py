"""The learning-rate range test: `RangeTest`, the rising schedule, and `suggest_lr`, reading its losses.

Plain Python: `suggest_lr` takes any sequences of numbers (lists, numpy arrays, torch
tensors: each element is read with ``float``) and imports nothing.
"""

from __future__ import annotations

import math
TYPE_CHECKING = False  # typing is not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Any, Sequence

from ._base import Schedule
from ._combinators import Quantize
from ._errors import ScheduleError, ScheduleTypeError, check_choice, check_list, check_real, check_steps, renamed
from ._primitives import Geometric, Linear

__all__ = ["RangeTest", "suggest_lr", "SUGGEST_METHODS"]

SUGGEST_METHODS = ("valley", "steep", "minimum", "slide", "gradient")


def RangeTest(start_value: float, end_value: float, steps: int, shape: str = "exponential",
              staircase: int | None = None) -> Schedule:
    """The rate of an LR range test: from ``start_value`` up to ``end_value`` at t = ``steps``.

    ``shape="exponential"`` (the default) is `lrcore.Geometric`, ``start * (end / start) **
    (t / steps)``: evenly spaced on a log scale; ``"linear"`` is `lrcore.Linear`. Both reach
    ``end_value`` exactly at ``steps`` and hold it after. ``staircase=k`` holds each value for
    k steps (`lrcore.Quantize`: the value of step ``k * floor(t / k)``), as DeepSpeed's
    LRRangeTest staircase does. Run it for ``steps + 1`` updates to try ``end_value`` too.

    The peers' finders, as schedules: fastai's ``lr_find(start_lr, end_lr, num_it)`` is
    ``RangeTest(start_lr, end_lr, num_it)`` run for num_it updates (its last rate is one step
    short of end_lr); Lightning's ``Tuner.lr_find(min_lr, max_lr, num_training)`` uses min_lr
    at update 0 and ``RangeTest(min_lr, max_lr, num_training)`` at ``t + 1`` for t >= 1
    (it skips one step, and reaches max_lr at t = num_training - 1). Read the losses with
    `suggest_lr`.

    >>> s = RangeTest(1e-7, 10.0, steps=8)
    >>> [f"{s(t):.0e}" for t in (0, 1, 4, 8)]
    ['1e-07', '1e-06', '1e-03', '1e+01']
    >>> s = RangeTest(0.0, 1.0, steps=4, shape="linear", staircase=2)
    >>> [s(t) for t in range(6)]
    [0.0, 0.0, 0.5, 0.5, 1.0, 1.0]
    """
    n = "RangeTest"
    start_value = check_real(n, "start_value", start_value)
    end_value = check_real(n, "end_value", end_value)
    steps = check_steps(n, "steps", steps)
    shape = check_choice(n, "shape", shape, ("exponential", "linear"))
    if staircase is not None:
        staircase = check_steps(n, "staircase", staircase)
    if shape == "exponential":
        with renamed(n):
            out: Schedule = Geometric(start_value=start_value, end_value=end_value, steps=steps)
    else:
        out = Linear(start_value=start_value, end_value=end_value, steps=steps)
    return out if staircase is None or staircase == 1 else Quantize(out, every=staircase)


def _floats(name: str, xs: Any) -> list[float]:
    xs = check_list("suggest_lr", name, xs, "a sequence of numbers")
    out: list[float] = []
    for i, x in enumerate(xs):
        if isinstance(x, (str, bytes, bool)) or not hasattr(x, "__float__"):
            raise ScheduleTypeError("suggest_lr", f"{name}[{i}]", "a number", x)
        try:
            out.append(float(x))
        except (TypeError, ValueError, OverflowError):
            raise ScheduleTypeError("suggest_lr", f"{name}[{i}]", "a number", x) from None
    return out


def _smooth(losses: list[float], beta: float) -> list[float]:
    """The debiased running average fastai's Recorder and Lightning's finder record."""
    avg, out = 0.0, []
    for i, x in enumerate(losses):
        avg = beta * avg + (1 - beta) * x
        out.append(avg / (1 - beta ** (i + 1)))
    return out


def _stop(losses: list[float], factor: float) -> int:
    """The length of the run the divergence rule leaves: it stops after the first i >= 1 whose
    loss exceeds ``factor`` times the best loss before it (that loss is kept)."""
    best = math.inf
    for i, x in enumerate(losses):
        if i >= 1 and x > factor * best:
            return i + 1
        if x < best or i == 0:
            best = x
    return len(losses)


def _valley(lrs: list[float], losses: list[float]) -> float:
    # fastai `valley`: the middle of the longest run of decreasing losses (a longest
    # decreasing subsequence, O(n**2) as fastai), at 1/3 + 1/6 of its length
    n = len(losses)
    max_start, max_end = 0, 0
    lds = [1] * n
    for i in range(1, n):
        for j in range(0, i):
            if losses[i] < losses[j] and lds[i] < lds[j] + 1:
                lds[i] = lds[j] + 1
            if lds[max_end] < lds[i]:
                max_end = i
                max_start = max_end - lds[max_end]
    sections = (max_end - max_start) / 3
    return lrs[max_start + int(sections) + int(sections / 2)]


def _gradient(xs: list[float], fs: list[float]) -> list[float]:
    """d f / d x at each point: one-sided at the ends, second-order central inside (numpy's and
    torch's ``gradient`` with coordinates)."""
    n = len(fs)
    out = [(fs[1] - fs[0]) / (xs[1] - xs[0])]
    for i in range(1, n - 1):
        h0, h1 = xs[i] - xs[i - 1], xs[i + 1] - xs[i]
        a, b, c = -h1 / (h0 * (h0 + h1)), (h1 - h0) / (h0 * h1), h0 / (h1 * (h0 + h1))
        out.append(a * fs[i - 1] + b * fs[i] + c * fs[i + 1])
    out.append((fs[-1] - fs[-2]) / (xs[-1] - xs[-2]))
    return out


def _slide(lrs: list[float], losses: list[float], lr_diff: int, thresh: float, adjust_value: float) -> float:
    # fastai `slide`: from the end, slide a window of lr_diff points left until the loss
    # gradients at its two ends differ by at most thresh; the lr at its left end
    g = [losses[1] - losses[0]] + [(losses[i + 1] - losses[i - 1]) / 2 for i in range(1, len(losses) - 1)] + \
        [losses[-1] - losses[-2]]
    n = len(losses)
    r_idx = -1
    l_idx = r_idx - lr_diff
    local_min_lr = lrs[l_idx]
    while l_idx >= -n and abs(g[r_idx] - g[l_idx]) > thresh:
        local_min_lr = lrs[l_idx]
        r_idx -= 1
        l_idx -= 1
    return local_min_lr * adjust_value


def suggest_lr(lrs: Sequence[float], losses: Sequence[float], method: str = "valley", *,
               stop_factor: float | None = 4.0, beta: float | None = None, num_it: int | None = None,
               skip_begin: int | None = None, skip_end: int | None = None, lr_diff: int = 15,
               thresh: float = 0.005, adjust_value: float = 1.0) -> float:
    """A learning rate suggested by the losses of a range test (`RangeTest`): fastai's rules and Lightning's.

    ``lrs[i]`` is the rate of update i and ``losses[i]`` its loss. In order:

    1. ``beta``: if given, the losses are smoothed first, ``avg = beta * avg + (1 - beta) * loss``,
       divided by ``1 - beta**(i + 1)`` (fastai and Lightning record these, with beta = 0.98);
    2. the divergence rule: the run stops after the first ``i >= 1`` whose loss is above
       ``stop_factor`` times the best loss before it, that loss kept (fastai's ``stop_div`` and
       Lightning's ``early_stop_threshold``, both 4); ``stop_factor=None`` keeps every point;
    3. ``skip_begin`` / ``skip_end`` points are dropped at both ends: for fastai's methods
       ``num_it // 10`` (num_it: the planned number of updates, ``len(lrs)`` by default) and 5,
       then everything from the first NaN loss on; for "gradient", Lightning's 10 and 1, then
       every non-finite loss;
    4. ``method``:

       * "valley" (fastai's default): the longest run of decreasing losses, 1/2 of the way
         through it (``start + int(len / 3) + int(len / 6)``);
       * "steep" (fastai): the rate of the steepest descent of the loss per unit of ``log(lr)``,
         ``argmin (loss[i+1] - loss[i]) / (log lr[i+1] - log lr[i])``;
       * "minimum" (fastai): a tenth of the rate at the lowest loss;
       * "slide" (fastai; ``lr_diff``, ``thresh``, ``adjust_value``): sliding a window of
         ``lr_diff`` points left from the end until the loss slopes at its ends differ by at
         most ``thresh``, the rate at its left end;
       * "gradient" (Lightning's ``suggestion()``): the steepest descent of the loss per unit of
         lr, ``argmin d loss / d lr`` with second-order central differences.

    fastai and Lightning compute these on float32 tensors: where two candidates tie to float32
    rounding they may pick the other one (and fastai returns the rate rounded to float32).
    "steep" and "gradient" need increasing rates (no staircase repeats).

    >>> lrs = [1e-4 * 10 ** (i / 10) for i in range(50)]
    >>> losses = [2.0 - 1.5 / (1 + math.exp(-(i - 25) / 3)) + (0.1 * (i - 40) ** 2 if i > 40 else 0) for i in range(50)]
    >>> f"{suggest_lr(lrs, losses):.2e}", f"{suggest_lr(lrs, losses, 'minimum'):.2e}"
    ('1.00e-02', '7.94e-02')
    """
    n = "suggest_lr"
    method = check_choice(n, "method", method, SUGGEST_METHODS)
    if stop_factor is not None:
        stop_factor = check_real(n, "stop_factor", stop_factor, low=1.0)
    if beta is not None:
        beta = check_real(n, "beta", beta, low=0.0, high=1.0, high_open=True)
    planned = None if num_it is None else check_steps(n, "num_it", num_it)
    skip_begin = None if skip_begin is None else check_steps(n, "skip_begin", skip_begin, low=0)
    skip_end = None if skip_end is None else check_steps(n, "skip_end", skip_end, low=0)
    lr_diff = check_steps(n, "lr_diff", lr_diff)
    thresh = check_real(n, "thresh", thresh, low=0.0)
    adjust_value = check_real(n, "adjust_value", adjust_value)
    xs, fs = _floats("lrs", lrs), _floats("losses", losses)
    if len(xs) != len(fs):
        raise ScheduleError(n, "losses", f"a sequence as long as lrs ({len(xs)})", f"{len(fs)} numbers")
    for i, x in enumerate(xs):
        if not (math.isfinite(x) and x > 0):
            raise ScheduleError(n, f"lrs[{i}]", "a finite number > 0", x)
    if method in ("steep", "gradient") and any(b <= a for a, b in zip(xs, xs[1:])):
        raise ScheduleError(n, "lrs", f"increasing for method={method!r} (it divides by their differences)", lrs)
    if beta is not None:
        fs = _smooth(fs, beta)
    if planned is None:
        planned = len(xs)
    if stop_factor is not None:
        keep = _stop(fs, stop_factor)
        xs, fs = xs[:keep], fs[:keep]
    fastai = method != "gradient"
    b = (planned // 10 if fastai else 10) if skip_begin is None else skip_begin
    e = (5 if fastai else 1) if skip_end is None else skip_end
    xs, fs = xs[b:max(b, len(xs) - e)], fs[b:max(b, len(fs) - e)]
    if fastai:
        cut = next((i for i, f in enumerate(fs) if math.isnan(f)), len(fs))
        xs, fs = xs[:cut], fs[:cut]
    else:
        xs, fs = [x for x, f in zip(xs, fs) if math.isfinite(f)], [f for f in fs if math.isfinite(f)]
    need = lr_diff + 1 if method == "slide" else 2
    if len(fs) < need:
        raise ScheduleError(n, "losses", f"at least {need} points left after the divergence rule and skipping "
                            f"{b} at the start and {e} at the end (a longer run, or smaller skips)", f"{len(fs)} points")
    if method == "valley":
        return _valley(xs, fs)
    if method == "minimum":
        return xs[fs.index(min(fs))] / 10
    if method == "slide":
        return _slide(xs, fs, lr_diff, thresh, adjust_value)
    if method == "steep":
        g = [(f1 - f0) / (math.log(x1) - math.log(x0)) for x0, x1, f0, f1 in zip(xs, xs[1:], fs, fs[1:])]
    else:
        g = _gradient(xs, fs)
    return xs[g.index(min(g))]
