"""fastai's schedules (``fastai/callback/schedule.py``) under their own names, as lrcore trees of the step.

fastai's schedule functions are functions of ``pos``, the fraction of training done, in
[0, 1]: ``SchedLin(start, end)(pos)`` and so on, glued by ``combine_scheds(pcts, scheds)``.
Its ``ParamScheduler`` sets every hyperparameter to ``f(pct_train)`` before each training
batch, where ``pct_train`` is the fraction of the ``N = n_epoch * n_iter`` training batches
done (``n_iter = len(dls.train)``): so update t (t = 0 the first) gets ``f(t / N)``, the first
``f(0)`` and the last ``f((N - 1) / N)``. Here every entry takes the number of updates ``pos``
runs over: ``steps=N`` for the schedule functions and `combine_scheds`, ``n_epoch`` and
``steps_per_epoch`` (fastai's ``n_iter``) for the ``fit_*`` policies, and its value at update t
is ``f(t / N)``. From ``t = N`` on (after fastai's training ends) the value at ``pos = 1``
holds. Values are absolute rates (momentums for `fit_one_cycle_momentum`).

``pos`` is ``t / N`` exactly. fastai accumulates it (``pct_train += 1 / N`` after each batch,
reset to ``epoch / n_epoch`` at each epoch start), which drifts by an ulp or so per batch, and
`combine_scheds` compares and rescales it in float32 (fastai's ``tensor`` of the ``pcts``):
fastai's rates differ from these by up to about 1e-7 of the rate range, and where float32
rounding moves a step across a part boundary fastai starts that part one step earlier or later
(measured and pinned in tests/test_catalog_fastai.py).

One parameter group per call: fastai's ``slice`` / per-group arrays of ``lr_max`` are one call
per group. ``lr_max=None`` in fastai means the Learner's lr, ``1e-3`` by default: that is the
default here.

>>> from lrcore.catalog import fastai as F
>>> s = F.fit_one_cycle(1, lr_max=1e-2, steps_per_epoch=8)
>>> [f"{s(t):.2e}" for t in (0, 1, 2, 5, 7, 8)]
['4.00e-04', '5.20e-03', '1.00e-02', '5.00e-03', '6.70e-04', '1.00e-07']
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .._base import Schedule
from .._combinators import Restart, Sequential, Shift, Stretch, Warp
from .._errors import MAX_STEPS, ScheduleError, ScheduleTypeError, check_int, check_list, check_real, check_steps, renamed
from .._primitives import Constant, Cosine, Geometric, Linear

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["SchedLin", "SchedCos", "SchedNo", "SchedExp", "SchedPoly", "combine_scheds", "combined_cos",
           "fit_one_cycle", "fit_one_cycle_momentum", "fit_flat_cos", "fit_sgdr", "LRFinder"]


def _value(node: str, name: str, x: Any) -> float:
    if isinstance(x, (list, tuple, slice)):
        raise ScheduleTypeError(node, name, "a number (fastai's per-group values and slices: call once per "
                                "parameter group)", x)
    return check_real(node, name, x)


# ------------------------------------------------------------------- schedule functions

def SchedLin(start: float, end: float, *, steps: int = 1) -> Schedule:
    """fastai ``SchedLin``: ``start + pos * (end - start)``, ``pos = min(t, steps) / steps``.

    ``steps`` is the number of updates pos runs over (in `combine_scheds` each part is stretched
    to its share, so it can be left at 1).

    >>> s = SchedLin(1.0, 0.0, steps=4)
    >>> [s(t) for t in (0, 1, 4, 5)]
    [1.0, 0.75, 0.0, 0.0]
    """
    n = "SchedLin"
    start, end = _value(n, "start", start), _value(n, "end", end)
    steps = check_steps(n, "steps", steps)
    return Linear(start_value=start, end_value=end, steps=steps)


def SchedCos(start: float, end: float, *, steps: int = 1) -> Schedule:
    """fastai ``SchedCos``: ``start + (1 + cos(pi * (1 - pos))) * (end - start) / 2``, either direction.

    >>> s = SchedCos(0.0, 1.0, steps=4)
    >>> [f"{s(t):.4f}" for t in (0, 1, 2, 4)]
    ['0.0000', '0.1464', '0.5000', '1.0000']
    """
    n = "SchedCos"
    start, end = _value(n, "start", start), _value(n, "end", end)
    steps = check_steps(n, "steps", steps)
    return Cosine(start_value=start, steps=steps, end_value=end)


def SchedNo(start: float, end: float, *, steps: int = 1) -> Schedule:
    """fastai ``SchedNo``: ``start`` at every pos (``end`` is not used, as in fastai).

    >>> SchedNo(0.5, 0.1, steps=10)(7)
    0.5
    """
    n = "SchedNo"
    start = _value(n, "start", start)
    _value(n, "end", end)
    check_steps(n, "steps", steps)
    return Constant(value=start)


def SchedExp(start: float, end: float, *, steps: int = 1) -> Schedule:
    """fastai ``SchedExp``: ``start * (end / start) ** pos`` (a `lrcore.Geometric`).

    start and end are nonzero with the same sign (fastai divides by start).

    >>> s = SchedExp(1e-3, 1e-1, steps=2)
    >>> [f"{s(t):.0e}" for t in range(3)]
    ['1e-03', '1e-02', '1e-01']
    """
    n = "SchedExp"
    start, end = _value(n, "start", start), _value(n, "end", end)
    steps = check_steps(n, "steps", steps)
    with renamed(n, start_value="start", end_value="end"):
        return Geometric(start_value=start, end_value=end, steps=steps)


def SchedPoly(start: float, end: float, power: float, *, steps: int = 1) -> Schedule:
    """fastai ``SchedPoly``: ``start + (end - start) * pos ** power``, a rising power of pos.

    That is a line whose time is warped by the power: ``Warp(Linear(start, end, steps),
    steps=steps, exponent=power)`` (`lrcore.Warp`), a plain `lrcore.Linear` for power 1; power
    0 is fastai's constant ``end`` (``pos ** 0 == 1``); a negative power has no value at pos 0.

    >>> s = SchedPoly(0.0, 1.0, 2.0, steps=4)
    >>> [f"{s(t):.4f}" for t in range(5)]
    ['0.0000', '0.0625', '0.2500', '0.5625', '1.0000']
    """
    n = "SchedPoly"
    start, end = _value(n, "start", start), _value(n, "end", end)
    power = check_real(n, "power", power, low=0.0)
    steps = check_steps(n, "steps", steps)
    if power == 0.0:
        return Constant(value=end)
    line = Linear(start_value=start, end_value=end, steps=steps)
    return line if power == 1.0 else Warp(line, steps=steps, exponent=power)


# ------------------------------------------------------------------------- combining

def _first_step_at(c: float, total: int) -> int:
    """The first update t with ``t / total >= c`` (the float64 quotient, as pos is compared)."""
    t = max(0, math.ceil(c * total))
    while t > 0 and (t - 1) / total >= c:
        t -= 1
    while t / total < c:
        t += 1
    return t


def _part(s: Schedule, c0: float, c1: float, start: int, total: int, last: bool) -> Schedule:
    """`s` as a function of ``(t / total - c0) / (c1 - c0)``, in the local time ``t - start`` of a Sequential."""
    d = s.duration
    if TYPE_CHECKING:  # for mypy only: combine_scheds lets through only parts with a finite duration
        assert d is not None
    if d == 0:
        return s  # a constant: no time to map
    # pos - c0 = (t - a) / total with a = c0 * total: the child's time is d (u + start - a) / span
    a, span = c0 * total, (c1 - c0) * total
    if span < 1.0:
        # shorter than a step: at most its first update falls inside, then (last part) pos = 1 holds
        first = Constant(value=s(d * min(1.0, (start - a) / span)))
        end = Constant(value=s(d))
        if not last or first == end:
            return first
        return Sequential(parts=[first, end], boundaries=[1])
    factor = span / d
    out = s if factor == 1.0 else Stretch(s, factor=factor)
    shift = a - start  # in (-1, 0]: the part began that much before its first update
    return out if shift == 0.0 else Shift(out, steps=shift)


def combine_scheds(pcts: Sequence[float], scheds: Sequence[Schedule], *, steps: int) -> Schedule:
    """fastai ``combine_scheds``: ``scheds[i]`` over the fraction ``pcts[i]`` of the ``steps`` updates.

    With ``c_i = pcts[0] + ... + pcts[i-1]``, part i runs from the first update whose
    ``pos = t / steps`` is ``>= c_i`` and is ``scheds[i]`` at its own position
    ``(pos - c_i) / pcts[i]``; the last part holds its end from ``t = steps`` on. ``pcts`` are
    numbers >= 0 whose ``sum`` is exactly 1.0 (fastai asserts both); a part with ``pcts[i] == 0``
    is never used, as in fastai. ``scheds`` are lrcore schedules: fastai's schedule functions
    from this module (their ``steps`` can be left at 1: each part is stretched to its share) or
    any schedule with a finite duration (its duration is its pos = 1). Not float32 as in fastai:
    see the module docstring.

    >>> s = combine_scheds([0.25, 0.75], [SchedLin(0.0, 1.0), SchedCos(1.0, 0.0)], steps=8)
    >>> [f"{s(t):.4f}" for t in range(9)]
    ['0.0000', '0.5000', '1.0000', '0.9330', '0.7500', '0.5000', '0.2500', '0.0670', '0.0000']
    """
    n = "combine_scheds"
    steps = check_steps(n, "steps", steps)
    pcts = check_list(n, "pcts", pcts, "a list of numbers >= 0 summing to 1.0")
    pcts = [check_real(n, f"pcts[{i}]", p, low=0.0) for i, p in enumerate(pcts)]
    scheds = check_list(n, "scheds", scheds, "a list of lrcore schedules, one per pct")
    if not pcts or sum(pcts) != 1.0:
        raise ScheduleError(n, "pcts", "a list of numbers >= 0 whose sum is 1.0 (fastai asserts sum(pcts) == 1.)",
                            pcts)
    if len(scheds) != len(pcts):
        raise ScheduleError(n, "scheds", f"a list of {len(pcts)} schedules, one per pct", scheds)
    for i, s in enumerate(scheds):
        if not isinstance(s, Schedule):
            raise ScheduleTypeError(n, f"scheds[{i}]", "an lrcore Schedule (fastai's schedule functions are in "
                                    "lrcore.catalog.fastai)", s)
        if s.duration is None:
            raise ScheduleError(n, f"scheds[{i}]", "a schedule with a finite duration (its pos = 1)", s)
    edges, c = [], 0.0
    for p in pcts:
        edges.append(c)
        c += p
    edges.append(1.0)
    parts: list[Schedule] = []
    starts: list[int] = []
    for i, (s, p) in enumerate(zip(scheds, pcts)):
        if p == 0.0:
            continue  # fastai never selects a part of width 0
        b = _first_step_at(edges[i], steps)
        part = _part(s, edges[i], edges[i + 1], b, steps, i == len(pcts) - 1 or not any(pcts[i + 1:]))
        if starts and b == starts[-1]:  # the part before got no update: this one replaces it
            parts[-1] = part
        else:
            parts.append(part)
            starts.append(b)
    if len(parts) == 1:
        return parts[0]
    return Sequential(parts=parts, boundaries=starts[1:])


def combined_cos(pct: float, start: float, middle: float, end: float, *, steps: int) -> Schedule:
    """fastai ``combined_cos``: cosine from ``start`` to ``middle`` over the fraction ``pct``, then to ``end``.

    ``combine_scheds([pct, 1 - pct], [SchedCos(start, middle), SchedCos(middle, end)], steps=steps)``.

    >>> s = combined_cos(0.5, 0.0, 1.0, 0.0, steps=4)
    >>> [f"{s(t):.2f}" for t in range(5)]
    ['0.00', '0.50', '1.00', '0.50', '0.00']
    """
    n = "combined_cos"
    pct = check_real(n, "pct", pct, low=0.0, high=1.0)
    start, middle, end = _value(n, "start", start), _value(n, "middle", middle), _value(n, "end", end)
    with renamed(n, pcts="pct"):
        return combine_scheds([pct, 1 - pct], [SchedCos(start, middle), SchedCos(middle, end)], steps=steps)


# ---------------------------------------------------------------------------- policies

def _total(node: str, n_epoch: Any, steps_per_epoch: Any) -> int:
    """``n_epoch * steps_per_epoch``, at most 2**53."""
    epochs = check_steps(node, "n_epoch", n_epoch)
    spe = check_steps(node, "steps_per_epoch", steps_per_epoch)
    if epochs * spe > MAX_STEPS:
        raise ScheduleError(node, "n_epoch", f"such that n_epoch * steps_per_epoch <= {MAX_STEPS} "
                            f"(steps_per_epoch = {spe})", epochs)
    return epochs * spe


def _pct(node: str, pct_start: Any) -> float:
    return check_real(node, "pct_start", pct_start, low=0.0, high=1.0)


def fit_one_cycle(n_epoch: int, lr_max: float = 1e-3, div: float = 25.0, div_final: float = 1e5,
                  pct_start: float = 0.25, *, steps_per_epoch: int) -> Schedule:
    """The lr of fastai ``Learner.fit_one_cycle``: a cosine up from ``lr_max / div`` to ``lr_max``
    over the fraction ``pct_start`` of the updates, then a cosine down to ``lr_max / div_final``.

    ``combined_cos(pct_start, lr_max / div, lr_max, lr_max / div_final)`` over
    ``n_epoch * steps_per_epoch`` updates. The momentum is `fit_one_cycle_momentum`.

    >>> s = fit_one_cycle(2, lr_max=0.1, steps_per_epoch=10)
    >>> [f"{s(t):.3e}" for t in (0, 5, 19, 20)]
    ['4.000e-03', '1.000e-01', '1.094e-03', '1.000e-06']
    """
    n = "fit_one_cycle"
    total = _total(n, n_epoch, steps_per_epoch)
    lr_max = _value(n, "lr_max", lr_max)
    div = check_real(n, "div", div, low=0.0, low_open=True)
    div_final = check_real(n, "div_final", div_final, low=0.0, low_open=True)
    pct = _pct(n, pct_start)
    with renamed(n, pct="pct_start", start="lr_max", middle="lr_max", end="lr_max"):
        return combined_cos(pct, lr_max / div, lr_max, lr_max / div_final, steps=total)


def fit_one_cycle_momentum(n_epoch: int, moms: Sequence[float] = (0.95, 0.85, 0.95), pct_start: float = 0.25, *,
                           steps_per_epoch: int) -> Schedule:
    """The momentum of fastai ``Learner.fit_one_cycle``: ``combined_cos(pct_start, *moms)``.

    From ``moms[0]`` down to ``moms[1]`` while the lr rises, up to ``moms[2]`` while it falls
    (fastai's ``Learner.moms``, default ``(0.95, 0.85, 0.95)``; it sets Adam's ``beta1``, SGD's momentum).

    >>> m = fit_one_cycle_momentum(1, steps_per_epoch=8)
    >>> [f"{m(t):.4f}" for t in (0, 2, 5, 8)]
    ['0.9500', '0.8500', '0.9000', '0.9500']
    """
    n = "fit_one_cycle_momentum"
    total = _total(n, n_epoch, steps_per_epoch)
    moms = check_list(n, "moms", moms, "a list of 3 numbers (start, middle, end)")
    if len(moms) != 3:
        raise ScheduleError(n, "moms", "a list of 3 numbers (start, middle, end)", moms)
    moms = [check_real(n, f"moms[{i}]", m) for i, m in enumerate(moms)]
    pct = _pct(n, pct_start)
    with renamed(n, pct="pct_start", start="moms[0]", middle="moms[1]", end="moms[2]"):
        return combined_cos(pct, *moms, steps=total)


def fit_flat_cos(n_epoch: int, lr: float = 1e-3, div_final: float = 1e5, pct_start: float = 0.75, *,
                 steps_per_epoch: int) -> Schedule:
    """The lr of fastai ``Learner.fit_flat_cos``: ``lr`` for the fraction ``pct_start``, then a cosine
    down to ``lr / div_final``: ``combined_cos(pct_start, lr, lr, lr / div_final)``.

    >>> s = fit_flat_cos(1, lr=0.1, steps_per_epoch=8)
    >>> [f"{s(t):.4f}" for t in (0, 5, 6, 7, 8)]
    ['0.1000', '0.1000', '0.1000', '0.0500', '0.0000']
    """
    n = "fit_flat_cos"
    total = _total(n, n_epoch, steps_per_epoch)
    lr = _value(n, "lr", lr)
    div_final = check_real(n, "div_final", div_final, low=0.0, low_open=True)
    pct = _pct(n, pct_start)
    with renamed(n, pct="pct_start", start="lr", middle="lr", end="lr"):
        return combined_cos(pct, lr, lr, lr / div_final, steps=total)


def fit_sgdr(n_cycles: int, cycle_len: int, lr_max: float = 1e-3, cycle_mult: int = 2, *,
             steps_per_epoch: int) -> Schedule:
    """The lr of fastai ``Learner.fit_sgdr``: ``n_cycles`` cosines from ``lr_max`` to 0, cycle i
    lasting ``cycle_len * cycle_mult**i`` epochs (``n_epoch = cycle_len * (cycle_mult**n_cycles - 1)
    // (cycle_mult - 1)`` in all).

    A `lrcore.Restart` of ``Cosine(lr_max -> 0)`` with ``limit=n_cycles``, each cycle starting
    exactly at its epoch; 0 holds after the last. fastai needs ``cycle_mult >= 2`` (it divides
    by ``cycle_mult - 1``) and its ``pcts`` to sum to exactly 1.0 (asserted): both are checked.

    >>> s = fit_sgdr(2, 1, lr_max=1.0, steps_per_epoch=2)
    >>> [f"{s(t):.4f}" for t in range(7)]
    ['1.0000', '0.5000', '1.0000', '0.8536', '0.5000', '0.1464', '0.0000']
    """
    n = "fit_sgdr"
    n_cycles = check_steps(n, "n_cycles", n_cycles)
    cycle_len = check_steps(n, "cycle_len", cycle_len)
    lr_max = _value(n, "lr_max", lr_max)
    cycle_mult = check_int(n, "cycle_mult", cycle_mult, low=2)
    n_epoch = cycle_len * (cycle_mult**n_cycles - 1) // (cycle_mult - 1)
    with renamed(n, n_epoch="n_cycles"):
        spe = _total(n, n_epoch, steps_per_epoch) // n_epoch
    pcts = [cycle_len * cycle_mult**i / n_epoch for i in range(n_cycles)]
    if sum(pcts) != 1.0:
        raise ScheduleError(n, "n_cycles", f"such that fastai's pcts sum to 1.0 (fastai's fit_sgdr asserts it; "
                            f"these sum to {sum(pcts)!r})", n_cycles)
    period = cycle_len * spe
    cycle = Cosine(start_value=lr_max, steps=period)
    if n_cycles == 1:
        return cycle
    return Restart(cycle, period_steps=period, period_mult=float(cycle_mult), limit=n_cycles)


def LRFinder(start_lr: float = 1e-7, end_lr: float = 10.0, num_it: int = 100) -> Schedule:
    """The lr of fastai's ``LRFinder`` (``Learner.lr_find``): ``SchedExp(start_lr, end_lr)`` at
    ``pos = t / num_it``, so ``Geometric(start_lr, end_lr, steps=num_it)``.

    fastai runs updates 0 .. num_it - 1 (it stops after num_it batches, or earlier once the
    smoothed loss exceeds 4 times its best): the last lr is ``end_lr ** ((num_it - 1) / num_it)
    * start_lr ** (1 / num_it)``, not ``end_lr``. ``num_it < 6`` is raised to 6, as in fastai.
    See `lrcore.RangeTest` and `lrcore.suggest_lr`.

    >>> s = LRFinder(1e-7, 10.0, 100)
    >>> [f"{s(t):.1e}" for t in (0, 50, 99)]
    ['1.0e-07', '1.0e-03', '8.3e+00']
    """
    n = "LRFinder"
    start_lr, end_lr = _value(n, "start_lr", start_lr), _value(n, "end_lr", end_lr)
    num_it = max(6, check_steps(n, "num_it", num_it))
    with renamed(n, start_value="start_lr", end_value="end_lr", steps="num_it"):
        return Geometric(start_value=start_lr, end_value=end_lr, steps=num_it)
