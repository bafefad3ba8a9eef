"""timm's ``timm.scheduler`` classes under their own names and parameters, as lrcore trees.

Each constructor takes the parameters of the timm class of the same name, with the base rate
``lr`` (the param group's lr) instead of the optimizer, and returns a `lrcore.Schedule` whose
value at step t is the lr timm's scheduler sets for index t: with
``t_in_epochs=True`` timm's ``step(t)``, called at the end of each epoch, sets the lr of epoch
t; with ``t_in_epochs=False`` ``step_update(t)``, called after each update, sets the lr of
update t. At t = 0 the value is what timm's constructor writes (``warmup_lr_init`` with a
warmup, else ``lr``), as in every fresh timm run: for TanhLRScheduler and a MultiStep whose
first milestone is 0 or 1 that differs from ``_get_lr(0)``. Values are absolute, as timm's.
Nothing here imports timm or torch.

Time units: timm counts t in epochs (``t_in_epochs=True``, the default) or in updates. Give
``updates_per_epoch=n`` (only with ``t_in_epochs=True``) to step the result once per
optimizer update while timm's counts stay in epochs: the value at update u is the value of
epoch ``floor(u / n)`` (a `lrcore.Quantize` of a `lrcore.Stretch`), exactly the lr timm's
``step(epoch)`` leaves in place for the whole epoch. Without it, step the result once per
epoch (or per update with ``t_in_epochs=False``).

Warmup (``warmup_t`` steps from ``warmup_lr_init``): timm's line ``warmup_lr_init + t * (target -
warmup_lr_init) / warmup_t`` towards ``lr`` (TanhLRScheduler without prefix: towards the
value at ``warmup_t``). ``warmup_prefix=True`` starts the schedule after it (at its own
t = 0); ``warmup_prefix=False`` overlays it on the first ``warmup_t`` steps of the
schedule, which then continues from where it is, with a jump (cosine: .67 -> .8145 for
t_initial=10, lr_min=0.1, warmup_t=3, warmup_lr_init=0.01, lr=1).

Cycles (``t_initial``, ``cycle_mul``, ``cycle_decay``, ``cycle_limit``): cycle i lasts
``t_initial * cycle_mul**i`` steps and peaks at ``lr * cycle_decay**i``; after
``cycle_limit`` cycles the value is ``lr_min``: a `lrcore.Restart` (with a ``cycle_decay``,
the sum of a decayed restart of the peak part and one of the ``lr_min`` part). timm finds the cycle
with ``floor(log(...))``, which at some cycle starts rounds to the cycle before (cycle_mul=3,
t_initial=2: at t = 242 timm gives lr_min, the end of cycle 4, where cycle 5 starts); this
uses the exact cycle starts. ``cycle_mul`` must be >= 1 (timm's shrinking cycles end in a
math domain error).

Noise (``noise_range_t`` and the ``noise_*`` arguments) is left out: a random perturbation
is not a function of the step that every library computes alike. ``noise_range_t`` other
than None raises; the other ``noise_*`` arguments are accepted and, as in timm without a
noise range, do nothing. ``initialize`` is accepted and unused (the base rate is ``lr``).

``k_decay != 1`` (cosine and poly: ``t_curr**k / t_i**k``) warps each cycle's time by a
power: the cycle is ``Warp(Cosine(...), steps=t_initial, exponent=k_decay)`` (a `lrcore.Warp`;
`lrcore.Polynomial` for poly), stretched to each cycle's length by the `lrcore.Restart`.
Every tree here is plain lrcore nodes, so ``lrcore.from_config(s.to_config()) == s``.

>>> from lrcore.catalog import timm as T
>>> s = T.CosineLRScheduler(lr=1.0, t_initial=10, lr_min=0.1, warmup_t=3, warmup_lr_init=0.01)
>>> [f"{s(t):.4f}" for t in range(5)]
['0.0100', '0.3400', '0.6700', '0.8145', '0.6891']
"""

from __future__ import annotations

import math

from .._base import Schedule
from .._combinators import Quantize, Restart, Sequential, Stretch, Sum, Warmup, Warp
from .._errors import MAX_STEPS, check_steps, ScheduleError, ScheduleTypeError, check_bool, check_list, renamed, check_int, check_real
from .._plateau import PlateauSchedule
from .._primitives import Constant, Cosine, Exponential, Linear, MultiStep, Piecewise, Polynomial, Tanh

TYPE_CHECKING = False  # typing is not imported at run time
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

__all__ = ["CosineLRScheduler", "TanhLRScheduler", "StepLRScheduler", "MultiStepLRScheduler", "PolyLRScheduler",
           "PlateauLRScheduler"]


# ------------------------------------------------------------------------------ helpers

def _lr(node: str, x: Any) -> float:
    if isinstance(x, (list, tuple)):
        raise ScheduleTypeError(node, "lr", "a number (timm's base_values are per param group: call once per group)", x)
    return check_real(node, "lr", x, low=0.0)



def _no_noise(node: str, noise_range_t: Any) -> None:
    if noise_range_t is not None:
        raise ScheduleError(node, "noise_range_t", "None: lrcore leaves timm's noise out (a random "
                            "perturbation of the lr is not a function of the step)", noise_range_t)


def _epochs(node: str, s: Schedule, t_in_epochs: Any, updates_per_epoch: Any) -> Schedule:
    """Per-epoch values stepped per update: ``s(floor(u / n))`` at update u."""
    t_in_epochs = check_bool(node, "t_in_epochs", t_in_epochs)
    if updates_per_epoch is None:
        return s
    n = check_steps(node, "updates_per_epoch", updates_per_epoch, low=1)
    if not t_in_epochs:
        raise ScheduleError(node, "updates_per_epoch", "None when t_in_epochs=False (timm's counts are "
                            "then in updates already)", n)
    if n == 1:
        return s
    with renamed(node, factor="updates_per_epoch", every="updates_per_epoch"):
        return Quantize(Stretch(s, factor=n), every=n)


def _warm(body: Schedule, w: int, init: float, prefix: bool, target: float) -> Schedule:
    """timm's warmup ``init + t (target - init) / w`` for t < w, then `body` (after it or overlaid)."""
    if w == 0:
        return body
    if prefix:
        if body(0) == target:
            return Warmup(body, warmup_steps=w, start_value=init)
        return Sequential(parts=[Linear(start_value=init, end_value=target, steps=w), body], boundaries=[w])
    if body(0) != target:  # a ramp towards target: give the overlaid schedule that value at 0, unseen after
        body = Warmup(body, warmup_steps=w, start_value=target, prefix=False)
    return Warmup(body, warmup_steps=w, start_value=init, prefix=False)


def _fresh(s: Schedule, lr: float, w: int) -> Schedule:
    """t = 0 is the lr timm's constructor writes: ``lr`` without a warmup (``_get_lr(0)`` may differ)."""
    if w == 0 and s(0) != lr:
        return Warmup(s, warmup_steps=1, start_value=lr, prefix=False)
    return s


def _cycles(node: str, child: Callable[[float, float], Schedule], lr: float, lr_min: float, t_initial: int,
            cycle_mul: float, cycle_decay: float, cycle_limit: int) -> Schedule:
    """timm's cycles: ``child(start, end)`` is one cycle over t_initial steps, ``end`` at its end."""
    if cycle_limit == 0:
        return Constant(value=lr_min)
    names = dict(period_steps="t_initial", period_mult="cycle_mul", decay="cycle_decay", limit="cycle_limit")
    limit: int | None = cycle_limit
    fit = (MAX_STEPS // t_initial if cycle_mul == 1.0 else
           math.log1p(MAX_STEPS * (cycle_mul - 1.0) / t_initial) / math.log(cycle_mul))
    if cycle_limit > fit and cycle_decay <= 1.0:
        limit = None  # the cycles never run out before step 2**53
    with renamed(node, **names):
        one = child(lr, lr_min)
        if limit == 1:
            return one

        def restart(s: Schedule, decay: float = 1.0, mode: str = "all") -> Restart:
            return Restart(s, period_steps=t_initial, period_mult=cycle_mul, decay=decay, limit=limit, decay_mode=mode)

        if cycle_decay == 1.0:
            return restart(one)
        # lr_min + (lr * decay**i - lr_min) w = lr * decay**i * w + lr_min * (1 - w), w the cycle's shape:
        # two restarts, the first decayed. (Restart's decay_mode="peak" rescales the cycle's value
        # around lr_min, which loses digits when lr_min is close to lr; this sum does not.)
        peak = restart(child(lr, 0.0), cycle_decay)
        return peak if lr_min == 0.0 else Sum(terms=(peak, restart(child(0.0, lr_min))))


def _cycle_args(node: str, t_initial: Any, lr_min: Any, cycle_mul: Any, cycle_decay: Any,
                cycle_limit: Any) -> tuple[int, float, float, float, int]:
    t_initial = check_steps(node, "t_initial", t_initial, low=1)
    lr_min = check_real(node, "lr_min", lr_min, low=0.0)
    cycle_mul = check_real(node, "cycle_mul", cycle_mul, low=1.0)
    cycle_decay = check_real(node, "cycle_decay", cycle_decay, low=0.0, low_open=True)
    cycle_limit = check_steps(node, "cycle_limit", cycle_limit, low=0)
    return t_initial, lr_min, cycle_mul, cycle_decay, cycle_limit


def _warmup_args(node: str, warmup_t: Any, warmup_lr_init: Any, warmup_prefix: Any) -> tuple[int, float, bool]:
    return (check_steps(node, "warmup_t", warmup_t, low=0), check_real(node, "warmup_lr_init", warmup_lr_init, low=0.0),
            check_bool(node, "warmup_prefix", warmup_prefix))


# ---------------------------------------------------------------------- the schedulers

def CosineLRScheduler(*, lr: float, t_initial: int, lr_min: float = 0.0, cycle_mul: float = 1.0,
                      cycle_decay: float = 1.0, cycle_limit: int = 1, warmup_t: int = 0, warmup_lr_init: float = 0.0,
                      warmup_prefix: bool = False, t_in_epochs: bool = True, noise_range_t: None = None,
                      noise_pct: float = 0.67, noise_std: float = 1.0, noise_seed: int = 42, k_decay: float = 1.0,
                      initialize: bool = True, updates_per_epoch: int | None = None) -> Schedule:
    """timm ``CosineLRScheduler``: cosine cycles from ``lr * cycle_decay**i`` down to ``lr_min``.

    In cycle i (length ``t_i``, position ``t_curr``):
    ``lr_min + (lr * cycle_decay**i - lr_min) * (1 + cos(pi * t_curr**k / t_i**k)) / 2``;
    ``lr_min`` after ``cycle_limit`` cycles. Warmup, cycles, time units and noise: see the
    module docstring.

    >>> s = CosineLRScheduler(lr=1.0, t_initial=4, cycle_limit=2, cycle_decay=0.5)
    >>> [f"{s(t):.3f}" for t in range(10)]
    ['1.000', '0.854', '0.500', '0.146', '0.500', '0.427', '0.250', '0.073', '0.000', '0.000']
    """
    n = "CosineLRScheduler"
    _no_noise(n, noise_range_t)
    lr = _lr(n, lr)
    t_initial, lr_min, cycle_mul, cycle_decay, cycle_limit = _cycle_args(n, t_initial, lr_min, cycle_mul,
                                                                         cycle_decay, cycle_limit)
    w, init, prefix = _warmup_args(n, warmup_t, warmup_lr_init, warmup_prefix)
    k = check_real(n, "k_decay", k_decay, low=0.0, low_open=True)

    def child(a: float, b: float) -> Schedule:
        cycle = Cosine(start_value=a, steps=t_initial, end_value=b)
        return cycle if k == 1.0 else Warp(cycle, steps=t_initial, exponent=k)

    body = _cycles(n, child, lr, lr_min, t_initial, cycle_mul, cycle_decay, cycle_limit)
    return _epochs(n, _fresh(_warm(body, w, init, prefix, lr), lr, w), t_in_epochs, updates_per_epoch)


def TanhLRScheduler(*, lr: float, t_initial: int, lb: float = -7.0, ub: float = 3.0, lr_min: float = 0.0,
                    cycle_mul: float = 1.0, cycle_decay: float = 1.0, cycle_limit: int = 1, warmup_t: int = 0,
                    warmup_lr_init: float = 0.0, warmup_prefix: bool = False, t_in_epochs: bool = True,
                    noise_range_t: None = None, noise_pct: float = 0.67, noise_std: float = 1.0, noise_seed: int = 42,
                    initialize: bool = True, updates_per_epoch: int | None = None) -> Schedule:
    """timm ``TanhLRScheduler``: tanh cycles, ``lr_min + (lr_max - lr_min) (1 - tanh(lb (1 - tr) + ub tr)) / 2``.

    ``tr = t_curr / t_i``, ``lr_max = lr * cycle_decay**i``; ``lr_min`` after ``cycle_limit``
    cycles. A cycle starts at ``0.999999 lr_max`` (tanh(-7)), not lr_max; without a warmup
    t = 0 is ``lr`` (what timm's constructor writes) and t = 1 the formula. Without
    ``warmup_prefix`` the warmup heads for the value at ``warmup_t`` (continuous); with it,
    for ``lr``. `lrcore.Tanh` cycles, each followed by ``lr_min`` at its end.

    >>> s = TanhLRScheduler(lr=1.0, t_initial=10)
    >>> [f"{s(t):.6f}" for t in (0, 1, 5, 9, 10)]
    ['1.000000', '0.999994', '0.982014', '0.017986', '0.000000']
    """
    n = "TanhLRScheduler"
    _no_noise(n, noise_range_t)
    lr = _lr(n, lr)
    t_initial, lr_min, cycle_mul, cycle_decay, cycle_limit = _cycle_args(n, t_initial, lr_min, cycle_mul,
                                                                         cycle_decay, cycle_limit)
    w, init, prefix = _warmup_args(n, warmup_t, warmup_lr_init, warmup_prefix)
    lb = check_real(n, "lb", lb)
    ub = check_real(n, "ub", ub)
    if not lb < ub:
        raise ScheduleError(n, "ub", f"a number > lb ({lb!r})", ub)

    def child(a: float, b: float) -> Schedule:
        shape = Tanh(start_value=a, steps=t_initial, end_value=b, lower=lb, upper=ub)
        return Sequential(parts=[shape, Constant(value=b)], boundaries=[t_initial])

    body = _cycles(n, child, lr, lr_min, t_initial, cycle_mul, cycle_decay, cycle_limit)
    target = lr if prefix or w == 0 else body(w)
    return _epochs(n, _fresh(_warm(body, w, init, prefix, target), lr, w), t_in_epochs, updates_per_epoch)


def PolyLRScheduler(*, lr: float, t_initial: int, power: float = 0.5, lr_min: float = 0.0, cycle_mul: float = 1.0,
                    cycle_decay: float = 1.0, cycle_limit: int = 1, warmup_t: int = 0, warmup_lr_init: float = 0.0,
                    warmup_prefix: bool = False, t_in_epochs: bool = True, noise_range_t: None = None,
                    noise_pct: float = 0.67, noise_std: float = 1.0, noise_seed: int = 42, k_decay: float = 1.0,
                    initialize: bool = True, updates_per_epoch: int | None = None) -> Schedule:
    """timm ``PolyLRScheduler``: ``lr_min + (lr * cycle_decay**i - lr_min) * (1 - t_curr**k / t_i**k) ** power``.

    ``lr_min`` after ``cycle_limit`` cycles; ``power`` >= 0. A `lrcore.Polynomial` per cycle
    (in a `lrcore.Warp` for ``k_decay != 1``).

    >>> s = PolyLRScheduler(lr=1.0, t_initial=4, power=2.0)
    >>> [f"{s(t):.4f}" for t in range(6)]
    ['1.0000', '0.5625', '0.2500', '0.0625', '0.0000', '0.0000']
    """
    n = "PolyLRScheduler"
    _no_noise(n, noise_range_t)
    lr = _lr(n, lr)
    t_initial, lr_min, cycle_mul, cycle_decay, cycle_limit = _cycle_args(n, t_initial, lr_min, cycle_mul,
                                                                         cycle_decay, cycle_limit)
    w, init, prefix = _warmup_args(n, warmup_t, warmup_lr_init, warmup_prefix)
    power = check_real(n, "power", power, low=0.0)
    k = check_real(n, "k_decay", k_decay, low=0.0, low_open=True)

    def child(a: float, b: float) -> Schedule:
        if power == 0.0:  # (1 - x) ** 0 == 1 inside the cycle
            return Piecewise(values=[a, b], boundaries=[t_initial])
        cycle = Polynomial(start_value=a, end_value=b, steps=t_initial, power=power)
        return cycle if k == 1.0 else Warp(cycle, steps=t_initial, exponent=k)

    body = _cycles(n, child, lr, lr_min, t_initial, cycle_mul, cycle_decay, cycle_limit)
    return _epochs(n, _fresh(_warm(body, w, init, prefix, lr), lr, w), t_in_epochs, updates_per_epoch)


def StepLRScheduler(*, lr: float, decay_t: float, decay_rate: float = 1.0, warmup_t: int = 0,
                    warmup_lr_init: float = 0.0, warmup_prefix: bool = True, t_in_epochs: bool = True,
                    noise_range_t: None = None, noise_pct: float = 0.67, noise_std: float = 1.0, noise_seed: int = 42,
                    initialize: bool = True, updates_per_epoch: int | None = None) -> Schedule:
    """timm ``StepLRScheduler``: ``lr * decay_rate ** (t // decay_t)`` (after the warmup, by default a prefix).

    ``decay_t`` > 0 may be fractional (timm's EfficientNet recipes use 2.4): an
    `lrcore.Exponential` staircase, ``floor(t / decay_t)``. timm's Python ``t // decay_t``
    floors the exact quotient by the binary ``decay_t`` instead, which for decimals stored a
    little above their value applies each k-th decay one step late where ``k * decay_t`` is
    a whole number (decay_t=1.1: timm's 10th decay at t = 12, this one at t = 11); decay_t
    2.4 or any integer agree everywhere. ``decay_rate`` in (0, 1] (default 1: no decay).

    >>> s = StepLRScheduler(lr=1.0, decay_t=2, decay_rate=0.5)
    >>> [s(t) for t in range(6)]
    [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    """
    n = "StepLRScheduler"
    _no_noise(n, noise_range_t)
    lr = _lr(n, lr)
    w, init, prefix = _warmup_args(n, warmup_t, warmup_lr_init, warmup_prefix)
    if isinstance(decay_t, int) and not isinstance(decay_t, bool):
        decay_t = check_steps(n, "decay_t", decay_t, low=1)
    else:
        decay_t = check_real(n, "decay_t", decay_t, low=0.0, low_open=True)
    rate = check_real(n, "decay_rate", decay_rate, low=0.0, high=1.0, low_open=True)
    with renamed(n, every="decay_t", factor="decay_rate"):
        body = Exponential(start_value=lr, factor=rate, every=decay_t, staircase=True) if rate < 1.0 \
            else Constant(value=lr)
    return _epochs(n, _fresh(_warm(body, w, init, prefix, lr), lr, w), t_in_epochs, updates_per_epoch)


def MultiStepLRScheduler(*, lr: float, decay_t: Sequence[int], decay_rate: float = 1.0, warmup_t: int = 0,
                         warmup_lr_init: float = 0.0, warmup_prefix: bool = True, t_in_epochs: bool = True,
                         noise_range_t: None = None, noise_pct: float = 0.67, noise_std: float = 1.0,
                         noise_seed: int = 42, initialize: bool = True, updates_per_epoch: int | None = None) -> Schedule:
    """timm ``MultiStepLRScheduler``: ``lr * decay_rate ** bisect_right(decay_t, t + 1)``: one step early.

    timm counts the milestones ``<= t + 1``, so each decay applies at ``milestone - 1``
    (decay_t=[3, 6] decays at t = 2 and t = 5; torch's MultiStepLR at 3 and 6). ``decay_t``
    is a sorted list of ints (timm assumes it is sorted); a milestone listed twice counts
    twice; milestones <= 1 apply from t = 0, except that without a warmup t = 0 is ``lr``,
    which timm's constructor writes. An `lrcore.MultiStep` (a `lrcore.Piecewise` with
    repeated milestones).

    >>> s = MultiStepLRScheduler(lr=1.0, decay_t=[3, 6], decay_rate=0.1)
    >>> [f"{s(t):.2f}" for t in range(7)]
    ['1.00', '1.00', '0.10', '0.10', '0.10', '0.01', '0.01']
    """
    n = "MultiStepLRScheduler"
    _no_noise(n, noise_range_t)
    lr = _lr(n, lr)
    w, init, prefix = _warmup_args(n, warmup_t, warmup_lr_init, warmup_prefix)
    if isinstance(decay_t, (str, bytes)) or not hasattr(decay_t, "__iter__"):
        raise ScheduleTypeError(n, "decay_t", "a sorted list of ints", decay_t)
    ms = [check_int(n, f"decay_t[{i}]", m, low=-MAX_STEPS, high=MAX_STEPS) for i, m in enumerate(check_list(n, "decay_t", decay_t))]
    if any(b < a for a, b in zip(ms, ms[1:])):
        raise ScheduleError(n, "decay_t", "sorted (timm bisects it)", list(decay_t))
    rate = check_real(n, "decay_rate", decay_rate, low=0.0, low_open=True)
    at = [max(m - 1, 0) for m in ms]  # counted from t = m - 1
    if rate == 1.0 or not at:
        body: Schedule = Constant(value=lr)
    else:
        with renamed(n, factor="decay_rate", start_value="lr"):
            if len(set(at)) == len(at):
                body = MultiStep(start_value=lr, milestones=at, factor=rate)
            else:
                counts: dict[int, int] = {}
                for m in at:
                    counts[m] = counts.get(m, 0) + 1
                first = counts.pop(0, 0)
                if not counts:
                    body = Constant(value=lr * rate**first)
                else:
                    values, seen = [lr * rate**first], first
                    for b in sorted(counts):
                        seen += counts[b]
                        values.append(lr * rate**seen)
                    body = Piecewise(values=values, boundaries=sorted(counts))
    return _epochs(n, _fresh(_warm(body, w, init, prefix, lr), lr, w), t_in_epochs, updates_per_epoch)


def PlateauLRScheduler(*, lr: float, decay_rate: float = 0.1, patience_t: int = 10, threshold: float = 1e-4,
                       cooldown_t: int = 0, warmup_t: int = 0, warmup_lr_init: float = 0.0, lr_min: float = 0.0,
                       mode: str = "max", noise_range_t: None = None, noise_type: str = "normal",
                       noise_pct: float = 0.67, noise_std: float = 1.0, noise_seed: int | None = None, initialize: bool = True,
                       updates_per_epoch: int | None = None) -> PlateauSchedule:
    """timm ``PlateauLRScheduler``: a linear warmup, then torch's ``ReduceLROnPlateau`` (default ``mode="max"``).

    ``Warmup(Constant(lr), warmup_t, warmup_lr_init) * Plateau(...)``, a `lrcore.PlateauSchedule`
    in epochs: the warmup includes t = ``warmup_t`` (``lr`` there), and ReduceLROnPlateau gets
    ``patience=patience_t``, ``factor=decay_rate``, ``threshold``, ``cooldown=cooldown_t``,
    ``mode`` and ``min_lr=lr_min`` (``threshold_mode="rel"``, ``eps=1e-8``, torch's defaults).
    timm ignores the metrics of epochs up to ``warmup_t`` (``step(epoch, metric)`` only warms
    up there): give ``update`` (or the adapter's ``step(metric)``) only the metrics of later
    epochs. timm steps it per epoch only (its ``step_update`` does nothing); with
    ``updates_per_epoch`` the warmup is held per epoch for a per-update adapter.

    >>> s = PlateauLRScheduler(lr=0.1, patience_t=0, decay_rate=0.5, mode="min")
    >>> st = s.update(s.update(s.init(), 1.0), 2.0)
    >>> s.value(2, st)
    0.05
    """
    from .torch import ReduceLROnPlateau

    n = "PlateauLRScheduler"
    _no_noise(n, noise_range_t)
    lr = _lr(n, lr)
    w = check_steps(n, "warmup_t", warmup_t, low=0)
    init = check_real(n, "warmup_lr_init", warmup_lr_init, low=0.0)
    with renamed(n, factor="decay_rate", patience="patience_t", cooldown="cooldown_t", min_lr="lr_min"):
        plateau = ReduceLROnPlateau(lr=lr, mode=mode, factor=decay_rate, patience=patience_t, threshold=threshold,
                                    cooldown=cooldown_t, min_lr=lr_min).plateau
    warm = Warmup(Constant(value=lr), warmup_steps=w, start_value=init) if w else Constant(value=lr)
    return PlateauSchedule(schedule=_epochs(n, warm, True, updates_per_epoch), plateau=plateau)
