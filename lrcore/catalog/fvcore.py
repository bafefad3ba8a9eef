"""fvcore's ``ParamScheduler`` classes and detectron2's ``WarmupParamScheduler`` / ``LRMultiplier``, as lrcore trees.

fvcore's schedulers are functions of the training progress ``where`` in [0, 1). Each
constructor here takes the fvcore class's own parameters plus ``max_iter`` (the name
detectron2's ``LRMultiplier`` uses), and returns a `lrcore.Schedule` of the step whose value
at step t is fvcore's value at ``where = t / max_iter``, the quotient ``LRMultiplier`` forms
from its ``last_epoch``. ``LRMultiplier(lr=..., multiplier=..., max_iter=...)`` is then the
lr detectron2's training loop applies at update t: ``lr * multiplier(t / max_iter)``
(detectron2 steps it after each iteration; right after construction it holds t = 0).
Children of `CompositeParamScheduler` and `WarmupParamScheduler`, and the multiplier of
`LRMultiplier`, are results of this module built with the same ``max_iter`` (checked), or any
lrcore schedule of the step. Nothing here imports fvcore, detectron2 or torch.

Where fvcore compares ``where`` with its ``WHERE_EPSILON = 1e-6`` (MultiStep, Step and
Composite pick a piece by ``where + 1e-6``), the piece of every integer step is found at
construction by evaluating fvcore's own comparison in floating point, so the jumps fall
on exactly the steps fvcore's fall on. At ``where >= 1`` (``t >= max_iter``) fvcore's
Constant and Step raise and its formulas extrapolate; here each value holds from
``t = max_iter`` on (Exponential keeps decaying: it is `lrcore.Exponential`).

>>> from lrcore.catalog import fvcore as F
>>> m = F.WarmupParamScheduler(F.MultiStepParamScheduler(values=[1.0, 0.1, 0.01], milestones=[6, 8],
...                            num_updates=10, max_iter=10), warmup_factor=0.001, warmup_length=2 / 10, max_iter=10)
>>> s = F.LRMultiplier(lr=0.02, multiplier=m, max_iter=10)
>>> [f"{s(t):.5f}" for t in range(10)]
['0.00002', '0.01001', '0.02000', '0.02000', '0.02000', '0.02000', '0.00200', '0.00200', '0.00020', '0.00020']
"""

from __future__ import annotations

import bisect
import math

from .._base import Schedule
from .._combinators import Product, Sequential, Shift, Stretch
from .._errors import ScheduleError, ScheduleTypeError, check_choice, check_int, check_list, check_real, check_steps, renamed
from .._primitives import Constant, Cosine, Exponential, Linear, Piecewise, Polynomial

TYPE_CHECKING = False  # typing is not imported at run time
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

__all__ = [
    "ConstantParamScheduler", "CosineParamScheduler", "ExponentialParamScheduler", "LinearParamScheduler",
    "MultiStepParamScheduler", "PolynomialDecayParamScheduler", "StepParamScheduler",
    "StepWithFixedGammaParamScheduler", "CompositeParamScheduler", "WarmupParamScheduler", "LRMultiplier",
]

WHERE_EPSILON = 1e-6  # fvcore's ParamScheduler.WHERE_EPSILON

# the max_iter each result of this module was built with (a result is a value: equal trees
# built with different max_iter are the same function of where only if they do not use it)
_BUILT: dict[Schedule, set[int]] = {}


# ------------------------------------------------------------------------------ helpers

def _max_iter(node: str, x: Any) -> int:
    return check_steps(node, "max_iter", x, low=1)


def _made(s: Schedule, max_iter: int) -> Schedule:
    _BUILT.setdefault(s, set()).add(max_iter)
    return s


def _child(node: str, field: str, s: Any, max_iter: int) -> Schedule:
    if not isinstance(s, Schedule):
        raise ScheduleTypeError(node, field, "a schedule (a result of lrcore.catalog.fvcore, or any lrcore schedule "
                                "of the step)", s)
    built = _BUILT.get(s)
    if built is not None and max_iter not in built:
        raise ScheduleError(node, field, f"a schedule built with max_iter={max_iter} (this one was built with "
                            f"max_iter={sorted(built)[0]}: its where = t / max_iter differs)", s)
    return s


def _at_where(s: Schedule, where: float, max_iter: int) -> float:
    """fvcore's ``scheduler(where)`` on a tree of the step: at the step k with ``k / max_iter == where``
    (detectron2's ``WARMUP_ITERS / MAX_ITER``: the where of step k, so fvcore's own comparisons at
    it are those of step k), else at the fractional step ``where * max_iter``."""
    k = round(where * max_iter)
    return s(k) if k / max_iter == where else s(where * max_iter)


def _first(pred: Callable[[int], bool], hi: int) -> int:
    """The first integer t in [0, hi] with pred(t) (pred false then true), or hi + 1."""
    lo, top = 0, hi + 1
    while lo < top:
        mid = (lo + top) // 2
        if pred(mid):
            top = mid
        else:
            lo = mid + 1
    return lo


def _table(values: list[float], index_at: Callable[[int], int], hi: int) -> Schedule:
    """The step function ``values[index_at(t)]`` (index_at non-decreasing in t, constant from hi on)."""
    vals = [values[index_at(0)]]
    bounds: list[int] = []
    for i in range(index_at(0) + 1, index_at(hi) + 1):
        b = _first(lambda t: index_at(t) >= i, hi)
        if bounds and b == bounds[-1]:
            vals[-1] = values[index_at(b)]
            continue
        bounds.append(b)
        vals.append(values[index_at(b)])
    return Constant(value=vals[0]) if not bounds else Piecewise(values=vals, boundaries=bounds)


def _values(node: str, values: Any) -> list[float]:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise ScheduleTypeError(node, "values", "a non-empty list of numbers", values)
    out = [check_real(node, f"values[{i}]", v) for i, v in enumerate(check_list(node, "values", values))]
    if not out:
        raise ScheduleError(node, "values", "a non-empty list of numbers", [])
    return out


# ---------------------------------------------------------------------- the schedulers

def ConstantParamScheduler(value: float, *, max_iter: int) -> Constant:
    """fvcore ``ConstantParamScheduler``: ``value`` at every where (fvcore raises at where >= 1; held here).

    >>> ConstantParamScheduler(0.5, max_iter=100)(7)
    0.5
    """
    n = "ConstantParamScheduler"
    M = _max_iter(n, max_iter)
    return _made(Constant(value=check_real(n, "value", value)), M)  # type: ignore[return-value]


def CosineParamScheduler(start_value: float, end_value: float, *, max_iter: int) -> Cosine:
    """fvcore ``CosineParamScheduler``: ``end + (start - end) * (1 + cos(pi * where)) / 2``, then ``end_value``.

    A `lrcore.Cosine` over ``max_iter`` steps, which computes it without fvcore's cancellation
    of ``1 + cos`` near where = 1 (fvcore's value there carries an absolute error of about
    1e-16 * |start - end|).

    >>> s = CosineParamScheduler(1.0, 0.1, max_iter=10)
    >>> [f"{s(t):.4f}" for t in (0, 5, 10, 12)]
    ['1.0000', '0.5500', '0.1000', '0.1000']
    """
    n = "CosineParamScheduler"
    M = _max_iter(n, max_iter)
    a, b = check_real(n, "start_value", start_value), check_real(n, "end_value", end_value)
    return _made(Cosine(start_value=a, steps=M, end_value=b), M)  # type: ignore[return-value]


def ExponentialParamScheduler(start_value: float, decay: float, *, max_iter: int) -> Schedule:
    """fvcore ``ExponentialParamScheduler``: ``start_value * decay ** where``.

    A `lrcore.Exponential` with ``factor=decay`` every ``max_iter`` steps (it keeps decaying
    past where = 1, as fvcore's formula). ``decay`` in (0, 1]: a growing exponential (fvcore
    allows ``decay > 1``) has no lrcore node yet.

    >>> s = ExponentialParamScheduler(2.0, 0.02, max_iter=10)
    >>> [f"{s(t):.4f}" for t in (0, 5, 10)]
    ['2.0000', '0.2828', '0.0400']
    """
    n = "ExponentialParamScheduler"
    M = _max_iter(n, max_iter)
    a = check_real(n, "start_value", start_value)
    d = check_real(n, "decay", decay, low=0.0, high=1.0, low_open=True)
    if d == 1.0:
        return _made(Constant(value=a), M)
    return _made(Exponential(start_value=a, factor=d, every=M), M)


def LinearParamScheduler(start_value: float, end_value: float, *, max_iter: int) -> Linear:
    """fvcore ``LinearParamScheduler``: ``end * where + start * (1 - where)``, then ``end_value``.

    >>> s = LinearParamScheduler(0.0001, 0.01, max_iter=100)
    >>> [f"{s(t):.6f}" for t in (0, 50, 100)]
    ['0.000100', '0.005050', '0.010000']
    """
    n = "LinearParamScheduler"
    M = _max_iter(n, max_iter)
    a, b = check_real(n, "start_value", start_value), check_real(n, "end_value", end_value)
    return _made(Linear(start_value=a, end_value=b, steps=M), M)  # type: ignore[return-value]


def PolynomialDecayParamScheduler(base_value: float, power: float, *, max_iter: int) -> Schedule:
    """fvcore ``PolynomialDecayParamScheduler``: ``base_value * (1 - where) ** power``, then 0.

    ``power >= 0`` (``power=0`` is the constant ``base_value``, as ``x ** 0 == 1`` in fvcore).

    >>> s = PolynomialDecayParamScheduler(0.1, 2.0, max_iter=10)
    >>> [f"{s(t):.4f}" for t in (0, 5, 10)]
    ['0.1000', '0.0250', '0.0000']
    """
    n = "PolynomialDecayParamScheduler"
    M = _max_iter(n, max_iter)
    base = check_real(n, "base_value", base_value)
    p = check_real(n, "power", power, low=0.0)
    if p == 0.0:
        return _made(Constant(value=base), M)
    return _made(Polynomial(start_value=base, end_value=0.0, steps=M, power=p), M)


def MultiStepParamScheduler(values: Sequence[float], num_updates: int | None = None,
                            milestones: Sequence[int] | None = None, *,
                            max_iter: int) -> Schedule:
    """fvcore ``MultiStepParamScheduler``: ``values[bisect_right(milestones, int((where + 1e-6) * num_updates))]``.

    ``num_updates`` None: the last milestone is num_updates; ``milestones`` None: spaced
    ``ceil(num_updates / len(values))`` apart (fvcore's rules and checks). The jumps fall on the
    steps where fvcore's index changes (found at construction): a `lrcore.Piecewise`.

    >>> s = MultiStepParamScheduler(values=[1.0, 0.1, 0.01], milestones=[30, 60, 90], max_iter=9)
    >>> [s(t) for t in range(0, 10)]
    [1.0, 1.0, 1.0, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.01]
    """
    n = "MultiStepParamScheduler"
    M = _max_iter(n, max_iter)
    vals = _values(n, values)
    if num_updates is None and milestones is None:
        raise ScheduleError(n, "num_updates", "an int when milestones is None (fvcore: they cannot both be None)", None)
    if num_updates is not None:
        num_updates = check_steps(n, "num_updates", num_updates, low=1)
    if milestones is None:
        width = math.ceil(num_updates / float(len(vals)))  # type: ignore[operator]
        ms = [width * (i + 1) for i in range(len(vals) - 1)]
    else:
        if isinstance(milestones, (str, bytes)) or not hasattr(milestones, "__iter__"):
            raise ScheduleTypeError(n, "milestones", "a list of ints", milestones)
        ms = [check_steps(n, f"milestones[{i}]", m) for i, m in enumerate(check_list(n, "milestones", milestones))]
        want = len(vals) - (num_updates is not None)
        if len(ms) != want:
            raise ScheduleError(n, "milestones", f"a list of {want} ints (len(values){' - 1' if want < len(vals) else ''})",
                                ms)
    if num_updates is None:
        num_updates, ms = ms[-1], ms[:-1]
    if num_updates < len(vals):
        raise ScheduleError(n, "num_updates", f"an int >= len(values) = {len(vals)}", num_updates)
    if any(b <= a for a, b in zip([0, *ms], ms)) or any(m >= num_updates for m in ms):
        raise ScheduleError(n, "milestones", f"strictly increasing ints in [1, num_updates = {num_updates})", ms)
    N = num_updates

    def index_at(t: int) -> int:
        return bisect.bisect_right(ms, int((min(t, M) / M + WHERE_EPSILON) * N))

    return _made(_table(vals, index_at, M), M)


def StepParamScheduler(num_updates: int | float, values: Sequence[float], *, max_iter: int) -> Schedule:
    """fvcore ``StepParamScheduler``: ``values[int((where + 1e-6) * len(values))]``: equal shares of the run.

    ``num_updates`` is checked (> 0) and unused, as in fvcore. fvcore's index reaches
    ``len(values)`` (an IndexError) from ``where >= 1 - 1e-6`` on; the last value holds here.

    >>> s = StepParamScheduler(num_updates=120, values=[0.1, 0.01, 0.001, 0.0001], max_iter=8)
    >>> [s(t) for t in range(9)]
    [0.1, 0.1, 0.01, 0.01, 0.001, 0.001, 0.0001, 0.0001, 0.0001]
    """
    n = "StepParamScheduler"
    M = _max_iter(n, max_iter)
    check_real(n, "num_updates", num_updates, low=0.0, low_open=True)
    vals = _values(n, values)
    k = len(vals)

    def index_at(t: int) -> int:
        return min(int((min(t, M) / M + WHERE_EPSILON) * k), k - 1)

    return _made(_table(vals, index_at, M), M)


def StepWithFixedGammaParamScheduler(base_value: float, num_decays: int, gamma: float, num_updates: int, *,
                                     max_iter: int) -> Schedule:
    """fvcore ``StepWithFixedGammaParamScheduler``: `StepParamScheduler` over ``base_value * gamma**k``, k = 0..num_decays.

    The values are fvcore's running products (``values[-1] * gamma``).

    >>> s = StepWithFixedGammaParamScheduler(base_value=0.1, num_decays=3, gamma=0.1, num_updates=120, max_iter=8)
    >>> [f"{s(t):.4f}" for t in (0, 2, 4, 7)]
    ['0.1000', '0.0100', '0.0010', '0.0001']
    """
    n = "StepWithFixedGammaParamScheduler"
    M = _max_iter(n, max_iter)
    base = check_real(n, "base_value", base_value, low=0.0, low_open=True)
    g = check_real(n, "gamma", gamma, low=0.0, low_open=True)
    k = check_steps(n, "num_decays", num_decays, low=1)
    check_steps(n, "num_updates", num_updates, low=1)
    vals = [base]
    for _ in range(k):
        vals.append(vals[-1] * g)
    if not math.isfinite(vals[-1]):
        raise ScheduleError(n, "gamma", f"small enough that base_value * gamma**num_decays is finite "
                            f"(num_decays={k})", gamma)
    with renamed("StepParamScheduler"):
        return StepParamScheduler(num_updates=num_updates, values=vals, max_iter=M)


def CompositeParamScheduler(schedulers: Sequence[Schedule], lengths: Sequence[float], interval_scaling: Sequence[str], *,
                            max_iter: int) -> Schedule:
    """fvcore ``CompositeParamScheduler``: the schedulers in turn, scheduler i over a share ``lengths[i]`` of the run.

    fvcore picks the first i with ``where + 1e-6 <= lengths[0] + ... + lengths[i]`` (so at an
    exact boundary the next one runs; the last runs to the end). ``interval_scaling[i]``:
    "rescaled" runs scheduler i on its own progress ``(where - start_i) / lengths[i]`` (it
    starts and ends as if it were alone); "fixed" on the global ``where``. Lengths sum to 1
    within 1e-3, the last adjusted, as fvcore does.

    Built as a `lrcore.Sequential` whose boundaries are the steps where fvcore's choice changes:
    a fixed part is the scheduler shifted back to global time (`lrcore.Shift` by ``-start``),
    a rescaled one is stretched by ``lengths[i]`` (`lrcore.Stretch`) after a fractional
    `lrcore.Shift` by the distance from its interval's start (``start_i * max_iter``, between two
    steps in general) to the first step it runs at. Where fvcore's epsilon makes that first step
    come before ``start_i * max_iter`` (``max_iter`` near 10**6 and up, or a boundary within
    ``1e-6 * max_iter`` steps after an integer), fvcore runs the rescaled scheduler at a slightly
    negative where (it extrapolates); here it starts at its value at 0. A step scheduler
    (MultiStep, Step) in a rescaled interval runs on fractional steps of its own; its jumps are
    at the first of its steps whose index fvcore's comparison raises, so where the interval's
    progress lands between that step and the one before, fvcore jumps one step earlier.

    >>> s = CompositeParamScheduler([ConstantParamScheduler(0.42, max_iter=10),
    ...                              CosineParamScheduler(0.42, 1e-4, max_iter=10)],
    ...                             lengths=[0.3, 0.7], interval_scaling=["rescaled", "rescaled"], max_iter=10)
    >>> [f"{s(t):.4f}" for t in (0, 2, 3, 6, 10)]
    ['0.4200', '0.4200', '0.4200', '0.2568', '0.0001']
    """
    n = "CompositeParamScheduler"
    M = _max_iter(n, max_iter)
    if isinstance(schedulers, (Schedule, str, bytes)) or not hasattr(schedulers, "__iter__"):
        raise ScheduleTypeError(n, "schedulers", "a non-empty list of schedules", schedulers)
    kids = [_child(n, f"schedulers[{i}]", s, M) for i, s in enumerate(check_list(n, "schedulers", schedulers))]
    if not kids:
        raise ScheduleError(n, "schedulers", "a non-empty list of schedules (fvcore: at least one)", [])
    if isinstance(lengths, (str, bytes)) or not hasattr(lengths, "__iter__"):
        raise ScheduleTypeError(n, "lengths", "a list of numbers >= 0", lengths)
    lens = [check_real(n, f"lengths[{i}]", x, low=0.0) for i, x in enumerate(check_list(n, "lengths", lengths))]
    if len(lens) != len(kids):
        raise ScheduleError(n, "lengths", f"a list of len(schedulers) = {len(kids)} numbers", lens)
    if abs(sum(lens) - 1.0) >= 1e-3:
        raise ScheduleError(n, "lengths", "numbers summing to 1 (within 1e-3)", lens)
    if sum(lens) != 1.0:
        lens[-1] = 1.0 - sum(lens[:-1])  # fvcore's adjustment
    if isinstance(interval_scaling, (str, bytes)) or not hasattr(interval_scaling, "__iter__"):
        raise ScheduleTypeError(n, "interval_scaling", "a list of 'rescaled' / 'fixed', one per scheduler",
                                interval_scaling)
    scaling = [check_choice(n, f"interval_scaling[{i}]", x, ("rescaled", "fixed"))
               for i, x in enumerate(check_list(n, "interval_scaling", interval_scaling))]
    if len(scaling) != len(kids):
        raise ScheduleError(n, "interval_scaling", f"a list of len(schedulers) = {len(kids)} strings", scaling)
    totals, acc = [], 0.0
    for x in lens:  # fvcore's running_total, summed in its order
        acc += x
        totals.append(acc)

    def index_at(t: int) -> int:
        where, i = t / M, 0
        while where + WHERE_EPSILON > totals[i] and i < len(kids) - 1:
            i += 1
        return i

    parts: list[Schedule] = []
    bounds: list[int] = []
    last = index_at(M + 1)
    for i in range(index_at(0), last + 1):
        b = _first(lambda t: index_at(t) >= i, M + 1)
        if index_at(b) != i:
            continue  # no step runs scheduler i
        if scaling[i] == "fixed":
            part = kids[i] if b == 0 else Shift(kids[i], steps=-b)
        else:
            if lens[i] == 0.0:
                raise ScheduleError(n, f"lengths[{i}]", "> 0 for a rescaled scheduler that runs (fvcore divides "
                                    f"by its length at step {b})", lens[i])
            start = totals[i] - lens[i]  # fvcore's scheduler_start
            delta = (b - start * M) / lens[i]  # its local time at its first step, in steps of max_iter
            part = kids[i] if delta == 0.0 else Shift(kids[i], steps=-delta)
            part = part if lens[i] == 1.0 else Stretch(part, factor=lens[i])
        if parts:
            bounds.append(b)
        parts.append(part)
    if len(parts) == 1:
        return _made(parts[0], M)
    return _made(Sequential(parts=parts, boundaries=bounds), M)


def WarmupParamScheduler(scheduler: Schedule, warmup_factor: float, warmup_length: float, warmup_method: str = "linear",
                         rescale_interval: bool = False, *, max_iter: int) -> Schedule:
    """detectron2 ``WarmupParamScheduler``: a warmup over the first ``warmup_length`` of the run, then ``scheduler``.

    The warmup starts at ``warmup_factor * scheduler(0)`` and is constant ("constant") or
    linear ("linear") up to ``scheduler(warmup_length)``; the scheduler then runs on the global
    where (``rescale_interval=False``: a "fixed" interval, so the warmup replaces its first
    ``warmup_length``) or, with ``rescale_interval=True``, rescaled onto the rest of the run (the
    warmup then ends at ``scheduler(0)``). A `CompositeParamScheduler` of the two, as detectron2
    builds it (detectron2 ``detectron2/solver/lr_scheduler.py``). ``warmup_length`` is a share
    of the run in [0, 1]; detectron2's ``build_lr_scheduler`` passes ``WARMUP_ITERS / MAX_ITER``.

    >>> c = CosineParamScheduler(1.0, 0.0, max_iter=10)
    >>> s = WarmupParamScheduler(c, warmup_factor=0.1, warmup_length=0.2, max_iter=10)
    >>> [f"{s(t):.4f}" for t in (0, 1, 2, 5, 10)]
    ['0.1000', '0.5023', '0.9045', '0.5000', '0.0000']
    """
    n = "WarmupParamScheduler"
    M = _max_iter(n, max_iter)
    s = _child(n, "scheduler", scheduler, M)
    factor = check_real(n, "warmup_factor", warmup_factor)
    wl = check_real(n, "warmup_length", warmup_length, low=0.0, high=1.0)
    method = check_choice(n, "warmup_method", warmup_method, ("linear", "constant"))
    if not isinstance(rescale_interval, bool):
        raise ScheduleTypeError(n, "rescale_interval", "a bool", rescale_interval)
    start = factor * s(0)
    end = s(0) if rescale_interval else _at_where(s, wl, M)
    warm = (ConstantParamScheduler(start, max_iter=M) if method == "constant" else
            LinearParamScheduler(start, end, max_iter=M))
    with renamed(n, lengths="warmup_length"):
        return CompositeParamScheduler([warm, s], lengths=[wl, 1 - wl],
                                       interval_scaling=["rescaled", "rescaled" if rescale_interval else "fixed"],
                                       max_iter=M)


def LRMultiplier(*, lr: float, multiplier: Schedule, max_iter: int, last_iter: int = -1) -> Product:
    """detectron2 ``LRMultiplier``: ``lr * multiplier(t / max_iter)`` at update t: ``Constant(lr) * multiplier``.

    ``lr`` is the param group's initial lr (one call per group); ``multiplier`` a result of this
    module built with the same ``max_iter``. ``last_iter`` (a resume point, an int >= -1) does
    not change the value at any step: detectron2's ``get_lr`` is the closed form of
    ``last_epoch``, and its ``state_dict`` holds only ``base_lrs`` and ``last_epoch``.

    >>> s = LRMultiplier(lr=0.1, multiplier=LinearParamScheduler(1.0, 0.0, max_iter=4), max_iter=4)
    >>> [f"{s(t):.3f}" for t in range(5)]
    ['0.100', '0.075', '0.050', '0.025', '0.000']
    """
    n = "LRMultiplier"
    M = _max_iter(n, max_iter)
    if isinstance(lr, (list, tuple)):
        raise ScheduleTypeError(n, "lr", "a number (detectron2's base_lrs are per param group: call once per group)", lr)
    lr = check_real(n, "lr", lr, low=0.0)
    m = _child(n, "multiplier", multiplier, M)
    check_int(n, "last_iter", last_iter, low=-1)
    return Product(factors=(Constant(value=lr), m))
