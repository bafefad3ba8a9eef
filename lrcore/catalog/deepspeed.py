"""DeepSpeed's ``deepspeed.runtime.lr_schedules`` under their own names and parameters, as lrcore trees.

Each constructor takes the parameters of the DeepSpeed class of the same name (the optimizer
left out; one call per param group where DeepSpeed takes per-group lists) and returns a
`lrcore.Schedule` whose value at step t is the lr DeepSpeed's engine trains update t with
(t = 0 the first update). The engine builds the scheduler, whose constructor writes
``get_lr()`` at ``last_batch_iteration = -1`` into the optimizer, and calls
``scheduler.step()`` after every optimizer step: update t runs at iteration ``t - 1``. So
every schedule here starts with DeepSpeed's value at iteration -1 (the minimum lr; 0.0 for
WarmupCosineLR) and then follows its formulas one step late. Resuming
(``last_batch_iteration``) is the same function further on: it is not a parameter here.
Nothing here imports DeepSpeed or torch.

``warmup_num_steps`` W is raised to at least 2, as DeepSpeed does. The warmup ramps, with
i = t - 1 the iteration: "log" (the default) ``ln(i + 1) / ln(W)`` for i < W, a
`lrcore.Warmup` of shape "log" over W - 1 steps; "linear" ``i / W`` for i < W, which reaches
the peak one step after the ramp's last value ``(W - 1) / W``. DeepSpeed falls back to "log"
with a warning for any other ``warmup_type``; here that is an error.

>>> from lrcore.catalog import deepspeed as D
>>> s = D.WarmupLR(warmup_min_lr=0.0, warmup_max_lr=1.0, warmup_num_steps=4)
>>> [f"{s(t):.4f}" for t in range(6)]
['0.0000', '0.0000', '0.5000', '0.7925', '1.0000', '1.0000']
"""

from __future__ import annotations

import math
from typing import Any

from .._base import Schedule
from .._combinators import Clamp, Product, Sequential, Shift, Warmup
from .._errors import ScheduleError, ScheduleTypeError, check_bool, check_choice, check_int, check_real, check_steps, renamed
from .._primitives import Constant, Cosine, InverseTime, Linear, Piecewise

__all__ = ["WarmupLR", "WarmupDecayLR", "WarmupCosineLR", "OneCycle", "OneCycle_momentum", "LRRangeTest"]

_WARMUP_TYPES = ("log", "linear")
_MAX_STAIRS = 100_000  # the stairs of a half cycle are a table of values


# ------------------------------------------------------------------------------ helpers

def _number(node: str, field: str, x: Any, **bounds: Any) -> float:
    if isinstance(x, (list, tuple)):
        raise ScheduleTypeError(node, field, "a number (DeepSpeed's lists are per param group: call once per group)", x)
    return check_real(node, field, x, **bounds)


def _lr(node: str, field: str, x: Any) -> float:
    return _number(node, field, x, low=0.0)


def _warmup(node: str, warmup_num_steps: Any, warmup_type: Any) -> tuple[int, int, str]:
    """(W, the ramp's length, the ramp's shape): W = max(2, warmup_num_steps)."""
    n = check_steps(node, "warmup_num_steps", warmup_num_steps)
    kind = check_choice(node, "warmup_type", warmup_type, _WARMUP_TYPES)
    w = max(2, n)
    return w, (w - 1 if kind == "log" else w), kind


def _ramp(low: float, high: float, length: int, kind: str) -> Warmup:
    """From `low` at iteration 0 to `high`: ``ln(1 + i) / ln(1 + length)`` or ``i / length``, then `high`."""
    return Warmup(Constant(value=high), warmup_steps=length, start_value=low, shape=kind)


# ------------------------------------------------------------------------------ warmups

def WarmupLR(*, lr: float | None = None, warmup_min_lr: float = 0.0, warmup_max_lr: float | None = None,
             warmup_num_steps: int = 1000, warmup_type: str = "log") -> Shift:
    """DeepSpeed ``WarmupLR``: from ``warmup_min_lr`` up to ``warmup_max_lr`` over W steps, then flat.

    With W = max(2, warmup_num_steps), i = t - 1 and ``delta = max - min``:
    ``t = 0``: min; ``i < W``: ``min + delta * ln(i + 1) / ln(W)`` ("log") or
    ``min + delta * i / W`` ("linear"); then max. ``warmup_max_lr=None`` is the optimizer's
    lr, given here as ``lr``.

    >>> s = WarmupLR(warmup_min_lr=0.1, warmup_max_lr=1.0, warmup_num_steps=4, warmup_type="linear")
    >>> [f"{s(t):.4f}" for t in range(7)]
    ['0.1000', '0.1000', '0.3250', '0.5500', '0.7750', '1.0000', '1.0000']
    """
    n = "WarmupLR"
    if warmup_max_lr is None:
        if lr is None:
            raise ScheduleError(n, "warmup_max_lr", "a number >= 0.0, or None with lr= (the optimizer's lr, "
                                "which DeepSpeed takes then)", warmup_max_lr)
        warmup_max_lr = lr
        high = _lr(n, "lr", lr)
    else:
        high = _lr(n, "warmup_max_lr", warmup_max_lr)
        if lr is not None:
            _lr(n, "lr", lr)
    low = _lr(n, "warmup_min_lr", warmup_min_lr)
    _, length, kind = _warmup(n, warmup_num_steps, warmup_type)
    return Shift(_ramp(low, high, length, kind), steps=1)


def WarmupDecayLR(*, total_num_steps: int, warmup_min_lr: float = 0.0, warmup_max_lr: float = 0.001,
                  warmup_num_steps: int = 1000, warmup_type: str = "log") -> Shift:
    """DeepSpeed ``WarmupDecayLR``: `WarmupLR`, then a straight line down to ``warmup_min_lr`` at ``total_num_steps``.

    With W = max(2, warmup_num_steps), T = total_num_steps and i = t - 1: the warmup of
    `WarmupLR` for i < W, then ``min + delta * max(0, (T - i) / max(1, T - W))``: the peak
    at i = W, min from i = T on (and from i = W on when T <= W, where DeepSpeed only warns).

    >>> s = WarmupDecayLR(total_num_steps=8, warmup_max_lr=1.0, warmup_num_steps=4, warmup_type="linear")
    >>> [f"{s(t):.4f}" for t in range(11)]
    ['0.0000', '0.0000', '0.2500', '0.5000', '0.7500', '1.0000', '0.7500', '0.5000', '0.2500', '0.0000', '0.0000']
    """
    n = "WarmupDecayLR"
    total = check_steps(n, "total_num_steps", total_num_steps, low=0)
    low = _lr(n, "warmup_min_lr", warmup_min_lr)
    high = _lr(n, "warmup_max_lr", warmup_max_lr)
    w, length, kind = _warmup(n, warmup_num_steps, warmup_type)
    decay = Linear(start_value=high, end_value=low, steps=total - w) if total > w else Constant(value=low)
    return Shift(Sequential(parts=[_ramp(low, high, length, kind), decay], boundaries=[w]), steps=1)


def WarmupCosineLR(*, lr: float, total_num_steps: int, warmup_min_ratio: float = 0.0, warmup_num_steps: int = 1000,
                   cos_min_ratio: float = 0.0001, warmup_type: str = "log") -> Product:
    """DeepSpeed ``WarmupCosineLR``: ``lr`` times a ratio warming up to 1, then a cosine to ``cos_min_ratio``.

    With W = max(2, warmup_num_steps), T = total_num_steps, i = t - 1: ``t = 0``: 0 (DeepSpeed's
    ratio before the start, which its constructor writes: the first update runs at lr 0);
    ``i < W``: ``wmin + (1 - wmin) * ramp`` (the ramps of `WarmupLR`); then, with the ``+ 1``
    that makes the first step after the warmup already lower than 1,
    ``p = min(1, (i - W + 1) / max(1, T - W))`` and
    ``max(0, cmin + (1 - cmin) * (1 + cos(pi p)) / 2)`` (the floor at 0 matters only for a
    negative ``cos_min_ratio``).

    >>> s = WarmupCosineLR(lr=1.0, total_num_steps=8, warmup_num_steps=4, cos_min_ratio=0.1)
    >>> [f"{s(t):.4f}" for t in range(11)]
    ['0.0000', '0.0000', '0.5000', '0.7925', '1.0000', '0.8682', '0.5500', '0.2318', '0.1000', '0.1000', '0.1000']
    """
    n = "WarmupCosineLR"
    base = _lr(n, "lr", lr)
    total = check_steps(n, "total_num_steps", total_num_steps, low=0)
    wmin = _number(n, "warmup_min_ratio", warmup_min_ratio, low=0.0)
    cmin = _number(n, "cos_min_ratio", cos_min_ratio)
    w, length, kind = _warmup(n, warmup_num_steps, warmup_type)
    decay: Schedule = Shift(Cosine(start_value=1.0, steps=max(1, total - w), end_value=cmin), steps=-1)
    if cmin < 0.0:
        decay = Clamp(decay, min_value=0.0)
    ratio = Sequential(parts=[_ramp(wmin, 1.0, length, kind), decay], boundaries=[w])
    return Product(factors=(Constant(value=base), Sequential(parts=[Constant(value=0.0), ratio], boundaries=[1])))


# ------------------------------------------------------------------------------ OneCycle

def _stairs(length: int, count: int, value: Any, falling: bool) -> Schedule:
    """Piecewise values over ``u = 0 .. length - 1`` of a half cycle with `count` stairs.

    The stair index is DeepSpeed's ``floor(u * count / length)`` (rising) or
    ``floor((length - u) * count / length)`` (falling); it changes at ``ceil(k * length / count)``
    (rising) or ``length - ceil(k * length / count) + 1`` (falling), found in integers;
    ``value(index)`` is DeepSpeed's value for it.
    """
    if count <= length:
        marks = {-(-k * length // count) for k in range(1, count + 1)}
        if falling:
            marks = {length - m + 1 for m in marks}
        cuts = sorted(m for m in marks if 0 < m < length)
    else:  # more stairs than steps: every step may be a stair of its own
        cuts = list(range(1, length))

    def index(u: int) -> int:
        return (length - u) * count // length if falling else u * count // length

    keep, values = [], [value(index(0))]
    for c in cuts:
        v = value(index(c))
        if v != values[-1]:
            keep.append(c)
            values.append(v)
    if not keep:  # one stair over the whole half
        return Constant(value=values[0])
    return Piecewise(values=values, boundaries=keep)


def _one_cycle(n: str, low: float, high: float, first: Any, second: Any, first_stairs: Any, second_stairs: Any,
               after: Schedule) -> Sequential:
    """The cycle from `low` up to `high` and back, then `after` (in its own time from the cycle's end).

    ``value(scale) = low + (high - low) * scale``, DeepSpeed's ``cycle_min + base_height`` (for
    the momentum `low` is the maximum: ``cycle_max_mom - (cycle_max_mom - cycle_min_mom) * scale``).
    """
    f = check_steps(n, "cycle_first_step_size", first)
    s2 = f if second is None else check_steps(n, "cycle_second_step_size", second, low=0)
    n1 = check_int(n, "cycle_first_stair_count", first_stairs, low=-2**63)
    n2 = n1 if second_stairs is None else check_int(n, "cycle_second_stair_count", second_stairs, low=-2**63)
    for name, count, length in (("cycle_first_stair_count", n1, f), ("cycle_second_stair_count", n2, s2)):
        if count > 0 and min(count, length) > _MAX_STAIRS:
            raise ScheduleError(n, name, f"at most {_MAX_STAIRS} stairs over the half cycle (<= 0: none)", count)

    def value(count: int) -> Any:
        return lambda k: low + (high - low) * (k / count)

    up: Schedule = _stairs(f, n1, value(n1), False) if n1 > 0 else Linear(start_value=low, end_value=high, steps=f)
    parts, bounds = [up], [f]
    if s2 > 0:
        down: Schedule = (_stairs(s2, n2, value(n2), True) if n2 > 0 else
                          Linear(start_value=high, end_value=low, steps=s2))
        parts.append(down)
        bounds.append(f + s2)
    return Sequential(parts=[*parts, after], boundaries=bounds)


def _one_cycle_decay(n: str, decay_step_size: Any, rate_name: str, rate: Any) -> tuple[int, float]:
    size = check_steps(n, "decay_step_size", decay_step_size, low=0)
    r = _number(n, rate_name, rate, low=0.0)
    return size, r


def OneCycle(*, cycle_min_lr: float, cycle_max_lr: float, decay_lr_rate: float = 0.0,
             cycle_first_step_size: int = 2000, cycle_second_step_size: int | None = None,
             cycle_first_stair_count: int = 0, cycle_second_stair_count: int | None = None,
             decay_step_size: int = 0, cycle_momentum: bool = True, cycle_min_mom: float = 0.8,
             cycle_max_mom: float = 0.9, decay_mom_rate: float = 0.0) -> Sequential:
    """DeepSpeed ``OneCycle`` (the lr): up from ``cycle_min_lr`` to ``cycle_max_lr`` and back, then a decay.

    With F, S2 the two step sizes (S2 = F if None), S = F + S2 and b = t the batch position
    (DeepSpeed's ``last_batch_iteration + 1``): ``scale = b / F`` for b <= F, ``(S - b) / S2`` up
    to S, and ``lr = min + (max - min) * scale``; a stair count k > 0 holds each of k stairs
    flat, ``scale = floor(b k / F) / k`` (``floor((S - b) k / S2) / k`` going down; a count <= 0,
    as DeepSpeed's command-line default -1, is no stairs). From t = S on: ``min / (1 +
    decay_lr_rate * (t - S) / decay_step_size)`` (a `lrcore.InverseTime`), or ``min`` when
    ``decay_lr_rate`` or ``decay_step_size`` is 0. The momentum arguments are those of
    `OneCycle_momentum`, accepted (and checked) here so both take the same arguments.

    DeepSpeed computes the position as ``1 + b / S - floor(1 + b / S)``, which rounds to half an
    ulp of 1 (an error up to about ``(max - min) * S / min(F, S2) * 2**-52`` in the lr); this
    is the exact position.

    >>> s = OneCycle(cycle_min_lr=0.1, cycle_max_lr=1.0, cycle_first_step_size=3, decay_lr_rate=0.5, decay_step_size=2)
    >>> [f"{s(t):.4f}" for t in range(10)]
    ['0.1000', '0.4000', '0.7000', '1.0000', '0.7000', '0.4000', '0.1000', '0.0800', '0.0667', '0.0571']
    """
    n = "OneCycle"
    low, high = _lr(n, "cycle_min_lr", cycle_min_lr), _lr(n, "cycle_max_lr", cycle_max_lr)
    size, rate = _one_cycle_decay(n, decay_step_size, "decay_lr_rate", decay_lr_rate)
    check_bool(n, "cycle_momentum", cycle_momentum)
    _number(n, "cycle_min_mom", cycle_min_mom)
    _number(n, "cycle_max_mom", cycle_max_mom)
    _number(n, "decay_mom_rate", decay_mom_rate, low=0.0)
    after = Constant(value=low) if size == 0 or rate == 0.0 else InverseTime(start_value=low, rate=rate, every=size)
    return _one_cycle(n, low, high, cycle_first_step_size, cycle_second_step_size, cycle_first_stair_count,
                      cycle_second_stair_count, after)


def OneCycle_momentum(*, cycle_min_lr: float, cycle_max_lr: float, decay_lr_rate: float = 0.0,
                      cycle_first_step_size: int = 2000, cycle_second_step_size: int | None = None,
                      cycle_first_stair_count: int = 0, cycle_second_stair_count: int | None = None,
                      decay_step_size: int = 0, cycle_momentum: bool = True, cycle_min_mom: float = 0.8,
                      cycle_max_mom: float = 0.9, decay_mom_rate: float = 0.0) -> Sequential:
    """The ``betas[0]`` DeepSpeed's ``OneCycle`` writes; arguments as `OneCycle`.

    Inverse to the lr over the same cycle: ``cycle_max_mom - (cycle_max_mom - cycle_min_mom) *
    scale``, then ``cycle_max_mom * (1 + decay_mom_rate * (t - S) / decay_step_size)``, a
    line that grows without end (a `lrcore.InverseTime` of power -1), or ``cycle_max_mom``
    when ``decay_mom_rate`` or ``decay_step_size`` is 0.

    Two DeepSpeed quirks, kept: its constructor writes ``cycle_min_mom`` (not the cycle's start,
    ``cycle_max_mom``), so update 0 runs at ``cycle_min_mom`` and update 1 near
    ``cycle_max_mom``; and every write sets ``betas = (momentum, 0.99)``, replacing the
    optimizer's beta2 with 0.99 (not part of this schedule). DeepSpeed cycles ``betas`` only for
    optimizers that have them (Adam and its kin); for others (SGD) it turns ``cycle_momentum``
    off with a warning. ``cycle_momentum=False`` raises here (DeepSpeed then leaves the
    momentum alone).

    >>> m = OneCycle_momentum(cycle_min_lr=0.1, cycle_max_lr=1.0, cycle_first_step_size=2)
    >>> [f"{m(t):.3f}" for t in range(7)]
    ['0.800', '0.850', '0.800', '0.850', '0.900', '0.900', '0.900']
    """
    n = "OneCycle_momentum"
    _lr(n, "cycle_min_lr", cycle_min_lr)
    _lr(n, "cycle_max_lr", cycle_max_lr)
    _one_cycle_decay(n, decay_step_size, "decay_lr_rate", decay_lr_rate)
    if not check_bool(n, "cycle_momentum", cycle_momentum):
        raise ScheduleError(n, "cycle_momentum", "True for a momentum schedule (with False, DeepSpeed leaves "
                            "the optimizer's betas as they are)", cycle_momentum)
    low_m, high_m = _number(n, "cycle_min_mom", cycle_min_mom), _number(n, "cycle_max_mom", cycle_max_mom)
    size, rate = _one_cycle_decay(n, decay_step_size, "decay_mom_rate", decay_mom_rate)
    with renamed(n, rate="decay_mom_rate", start_value="cycle_max_mom"):
        after: Schedule = (Constant(value=high_m) if size == 0 or rate == 0.0 else
                           InverseTime(start_value=high_m, rate=rate, every=size, power=-1.0))
    cycle = _one_cycle(n, high_m, low_m, cycle_first_step_size, cycle_second_step_size, cycle_first_stair_count,
                       cycle_second_stair_count, after)
    return Sequential(parts=[Constant(value=low_m), Shift(cycle, steps=-1)], boundaries=[1])


# ------------------------------------------------------------------------------ range test

def LRRangeTest(*, lr_range_test_min_lr: float = 1e-3, lr_range_test_step_size: int = 2000,
                lr_range_test_step_rate: float = 1.0, lr_range_test_staircase: bool = False) -> InverseTime:
    """DeepSpeed ``LRRangeTest``: ``min_lr * (1 + step_rate * t / step_size)``, growing without end.

    ``t / step_size`` is floored with ``lr_range_test_staircase``: the lr then rises every
    ``step_size`` steps. A `lrcore.InverseTime` of power -1 (DeepSpeed's
    ``(last_batch_iteration + 1) / step_size`` is t / step_size for update t).

    >>> s = LRRangeTest(lr_range_test_min_lr=0.001, lr_range_test_step_size=100)
    >>> [f"{s(t):.4f}" for t in (0, 50, 100, 1000)]
    ['0.0010', '0.0015', '0.0020', '0.0110']
    """
    n = "LRRangeTest"
    low = _lr(n, "lr_range_test_min_lr", lr_range_test_min_lr)
    size = check_steps(n, "lr_range_test_step_size", lr_range_test_step_size)
    rate = _number(n, "lr_range_test_step_rate", lr_range_test_step_rate, low=0.0)
    stairs = check_bool(n, "lr_range_test_staircase", lr_range_test_staircase)
    with renamed(n, rate="lr_range_test_step_rate", start_value="lr_range_test_min_lr"):
        return InverseTime(start_value=low, rate=rate, every=size, staircase=stairs, power=-1.0)
