"""Composer's ``composer.optim.scheduler`` under its own class names and parameters, as lrcore trees.

Each function is the Composer scheduler of the same name, with its parameters and defaults,
plus ``lr`` (the optimizer's lr: Composer's schedulers return a multiplier ``alpha`` of it)
and ``ssr`` (the Trainer's ``scale_schedule_ratio``). Nothing here imports Composer or torch.

**Time arguments** (``t_max``, ``t_warmup``, ``step_size``, ``milestones``, ...) take
Composer's time strings and become lrcore durations, so the tree stays unresolved until
``s.resolve(total_steps=..., steps_per_epoch=..., samples_per_step=..., tokens_per_step=...)``:

=============  ==============================  ==========================================
Composer       lrcore                          resolved with
=============  ==============================  ==========================================
``"500ba"``    500 steps (an int)              (nothing)
``"2ep"``      ``"2ep"``                       ``steps_per_epoch`` (Composer's dataloader_len)
``"0.1dur"``   ``"10%"``                       ``total_steps`` (Composer's max_duration)
``"1000sp"``   ``"1ksp"``                      ``samples_per_step``
``"3e4tok"``   ``"30ktok"``                    ``tokens_per_step``
=============  ==============================  ==========================================

An int is a number of batches. ``total_steps`` is the run's length in batches *after*
``scale_schedule_ratio`` (Composer scales ``max_duration`` itself by it).

**scale_schedule_ratio.** Composer's ``compile_composer_scheduler(scheduler, state, ssr)``
passes ``ssr`` to every call, and ``_convert_time`` scales batches, epochs (as batches),
samples and tokens by it, truncating: ``int(value * ssr)``; a ``dur`` time is not scaled
(``max_duration`` already is). The warmup schedulers convert ``t_warmup`` without ``ssr``;
``scale_warmup=True`` scales only the ramp's length, not where the warmup ends, so with
``ssr < 1`` the ramp reaches its peak early and holds it until the unscaled ``t_warmup``,
and with ``ssr > 1`` it is cut at ``t_warmup`` part way up. The trees here do the same.

**The step.** Composer's Trainer (``step_schedulers_every_batch``) builds a ``LambdaLR``
(which sets ``lr * alpha`` at ``state.timestamp`` batch 0) and, after each batch, calls
``scheduler.step()`` *before* it advances ``state.timestamp``: the rate set after batch b is
``alpha`` at timestamp b, and it is used by batch b + 1. So update t runs at
``lr * alpha(max(t - 1, 0))``: updates 0 and 1 share a rate. Each tree is that:
``Shift(body, steps=1)``, and ``s.schedule`` (the body) is ``lr * alpha`` as a function of
Composer's timestamp (batch b), what ``scheduler(state, ssr)`` returns times lr.

**Where the numbers can differ from Composer's** (documented, pinned in the tests):

* Rounding. Composer turns a time into batches with ``int()`` of a float product
  (``int(0.1 * 1005) = 100``; ``int(0.29 * 100) = 28``, the float product being
  28.999999999999996); lrcore rounds the exact product to the nearest int, halves up (101
  and 29). They agree wherever the product is a whole number and exact in float.
  Samples and tokens count in steps of ``samples_per_step`` / ``tokens_per_step``: Composer
  compares the sample or token count itself, lrcore a rounded step count, the same when the
  time is a multiple of the per-step count.
* ``CosineAnnealingWarmRestartsScheduler`` with a non-integer ``t_mult``: Composer truncates
  each cycle's length (``int(t_mult * previous)``), lrcore's `lrcore.Restart` keeps
  ``t_0 * t_mult**k``; the same for whole ``t_mult``.
* The warmup schedulers raise at Composer's first call where ``t_max``, converted to
  batches, is shorter than the run (``max_duration``): their decay must span the run. Here
  a shorter decay holds its end value.

Where Composer would fail (a zero period, a multiplier that decays to a zero cycle, a unit
with no step count), the catalog raises at construction, naming the parameter. A time in
epochs, samples or tokens has no step count until the run gives one, so its check waits for
``resolve`` (when an adapter attaches the schedule), whose error names the lrcore field and the
scaled spelling: ``decay_period="1ep"`` with ``ssr=0.03125`` is ``every='0.03125ep'``, and with
10 batches per epoch, 0.3125 steps, rounded to 0, refused (Composer divides by 0 there).

>>> from lrcore.catalog import composer as C
>>> s = C.CosineAnnealingWithWarmupScheduler(lr=1.0, t_warmup="0.1dur", alpha_f=0.1)
>>> sorted({d.needs for _, d in s.unresolved})
['total_steps']
>>> r = s.resolve(total_steps=100)
>>> [f"{r(t):.4f}" for t in (0, 1, 5, 10, 11, 56, 101, 200)]
['0.0000', '0.0000', '0.4000', '0.9000', '1.0000', '0.5500', '0.1000', '0.1000']
"""

from __future__ import annotations

import re
from fractions import Fraction

from .._base import Schedule
from .._combinators import Restart, Sequential, Shift
from .._errors import ScheduleError, ScheduleTypeError, check_bool, check_list, check_real, renamed
from .._primitives import Constant, Cosine, Exponential, Interpolate, Linear, MultiStep, Piecewise, Polynomial

TYPE_CHECKING = False  # typing is not imported at run time
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

__all__ = ["StepScheduler", "MultiStepScheduler", "ConstantScheduler", "LinearScheduler", "ExponentialScheduler",
           "CosineAnnealingScheduler", "CosineAnnealingWarmRestartsScheduler", "PolynomialScheduler",
           "MultiStepWithWarmupScheduler", "ConstantWithWarmupScheduler", "LinearWithWarmupScheduler",
           "CosineAnnealingWithWarmupScheduler", "PolynomialWithWarmupScheduler"]

# Composer's TimeUnit values, in its enum order (its time-string regex alternates them so)
_UNITS = ("iter", "ep", "ba", "sp", "tok", "dur", "sec")
_TIME = re.compile(r"^(.+)(" + "|".join(_UNITS) + r")$", re.IGNORECASE)
_WHAT = ("a Composer time string ('500ba', '2ep', '0.1dur', '1000sp', '3e4tok') or an int of batches")


# ------------------------------------------------------------------------------ helpers

def _decimal(x: Fraction) -> str:
    """The exact decimal spelling of a fraction whose denominator is 2**a * 5**b."""
    sign, x = ("-" if x < 0 else ""), abs(x)
    k = 0
    while (x * 10**k).denominator != 1:
        k += 1
    digits = str(int(x * 10**k)).rjust(k + 1, "0")
    return sign + (f"{digits[:-k]}.{digits[-k:]}" if k else digits)


class _Time:
    """A Composer time argument, parsed: ``value`` (exact) in ``unit`` ("ba", "ep", "dur", "sp", "tok")."""

    __slots__ = ("value", "unit")

    def __init__(self, value: Fraction, unit: str) -> None:
        self.value, self.unit = value, unit

    def scaled(self, ssr: float) -> "_Time":
        """Composer's ``_convert_time`` with ``ssr``: ``int(value * ssr)`` in float for ba/sp/tok (epochs
        become batches first, so an epoch count is scaled exactly and rounded at `resolve`); dur unscaled."""
        if ssr == 1.0 or self.unit == "dur":
            return self
        if self.unit == "ep":
            return _Time(self.value * Fraction(repr(ssr)), "ep")
        return _Time(Fraction(int(int(self.value) * ssr)), self.unit)

    def lrcore(self, sign: int = 1) -> int | str:
        """The lrcore duration: an int of steps, or a duration string."""
        v = sign * self.value
        if self.unit == "ba":
            return int(v)
        return _decimal(v) + self.unit


def _time(node: str, field: str, x: Any) -> _Time:
    """A Composer time argument (``Time.from_timestring``'s grammar), or an int of batches."""
    if isinstance(x, bool) or not isinstance(x, (int, str)):
        raise ScheduleTypeError(node, field, _WHAT, x)
    if isinstance(x, int):
        if x < 0:
            raise ScheduleError(node, field, "an int >= 0 (batches)", x)
        return _Time(Fraction(x), "ba")
    m = _TIME.match(x.strip())
    if m is None:
        raise ScheduleError(node, field, _WHAT, x)
    unit = m.group(2).lower()
    if unit in ("iter", "sec"):
        raise ScheduleError(node, field, f"{_WHAT}; '{unit}' ({'iterations' if unit == 'iter' else 'wall-clock seconds'}) "
                            "has no step count", x)
    if not re.fullmatch(r"[0-9.eE+-]+", m.group(1)):
        raise ScheduleError(node, field, _WHAT, x)
    try:
        value = Fraction(m.group(1))  # exact: Composer reads float(value); "3e4" and "0.1" both parse
    except (ValueError, ZeroDivisionError):
        raise ScheduleError(node, field, _WHAT, x) from None
    if value < 0:
        raise ScheduleError(node, field, "a time >= 0", x)
    if unit != "dur" and value.denominator != 1:
        raise ScheduleError(node, field, f"a whole number of {unit} (Composer: units {unit} require integer values)", x)
    return _Time(value, unit)


def _lr(node: str, lr: Any) -> float:
    return check_real(node, "lr", lr, low=0.0)


def _ssr(node: str, ssr: Any) -> float:
    return check_real(node, "ssr", ssr, low=0.0, low_open=True)


def _steps(node: str, field: str, t: _Time, low: int) -> int | str:
    """`t` as lrcore's duration; a step count already known must be >= low (Composer divides by it)."""
    d = t.lrcore()
    if isinstance(d, int) and d < low:
        raise ScheduleError(node, field, f"a time of at least {low} batch{'es' if low != 1 else ''} after "
                            "scale_schedule_ratio (Composer divides by it)", d)
    return d


def _trainer(body: Schedule) -> Schedule:
    """Update t runs at Composer's alpha at timestamp max(t - 1, 0) (the module docstring)."""
    return Shift(body, steps=1)


def _warm(node: str, lr: float, peak: float, t_warmup: int | str, ssr: float, scale_warmup: Any, after: Schedule,
          absolute: bool) -> Schedule:
    """A linear ramp 0 -> ``lr * peak`` over the (optionally ssr-scaled) warmup, cut at the unscaled
    ``t_warmup``; then `after`, on time since the warmup (``absolute``: on Composer's own time)."""
    check_bool(node, "scale_warmup", scale_warmup)
    w = _time(node, "t_warmup", t_warmup)
    ends = w.lrcore()
    if isinstance(ends, int) and ends == 0:
        return after  # Composer: `timestamp < 0` never holds
    ramp_len = _steps(node, "t_warmup", w.scaled(ssr) if scale_warmup else w, 1)
    with renamed(node, steps="t_warmup"):
        ramp = Linear(start_value=0.0, end_value=lr * peak, steps=ramp_len)
    if absolute:
        after = Shift(after, steps=w.lrcore(sign=-1))
    with renamed(node, boundaries="t_warmup"):
        return Sequential(parts=[ramp, after], boundaries=[ends])


def _t_max_after_warmup(node: str, t_warmup: int | str, t_max: int | str, ssr: float) -> tuple[_Time, _Time | None]:
    """``(t_warmup, t_max)`` as lrcore durations (t_max scaled by ssr), or None for t_max if it is
    known to end at or before the warmup (Composer then holds the post-warmup start value)."""
    w = _time(node, "t_warmup", t_warmup)
    m = _time(node, "t_max", t_max).scaled(ssr)
    if w.unit == m.unit and m.value <= w.value:
        return w, None
    return w, m


# ---------------------------------------------------------------------- the schedulers

def StepScheduler(*, lr: float, step_size: int | str, gamma: float = 0.1, ssr: float = 1.0) -> Schedule:
    """Composer ``StepScheduler``: ``alpha(b) = gamma ** floor(b / step_size)``.

    A staircase `lrcore.Exponential`; ``gamma`` in (0, 1] (a growing one has no finite value
    at every step).

    >>> s = StepScheduler(lr=1.0, step_size="2ba", gamma=0.5)
    >>> [s(t) for t in range(6)]
    [1.0, 1.0, 1.0, 0.5, 0.5, 0.25]
    """
    n = "StepScheduler"
    lr, ssr = _lr(n, lr), _ssr(n, ssr)
    every = _steps(n, "step_size", _time(n, "step_size", step_size).scaled(ssr), 1)
    with renamed(n, factor="gamma", every="step_size"):
        return _trainer(Exponential(start_value=lr, factor=gamma, every=every, staircase=True))


def MultiStepScheduler(*, lr: float, milestones: Sequence[int | str], gamma: float = 0.1, ssr: float = 1.0) -> Schedule:
    """Composer ``MultiStepScheduler``: ``alpha(b) = gamma ** (number of milestones <= b)``.

    Milestones in batches are sorted (Composer counts them in any order); they must be distinct,
    and milestones in other units must be given in increasing order.

    >>> s = MultiStepScheduler(lr=1.0, milestones=["2ba", "4ba"], gamma=0.1)
    >>> [f"{s(t):.2f}" for t in range(7)]
    ['1.00', '1.00', '1.00', '0.10', '0.10', '0.01', '0.01']
    """
    n = "MultiStepScheduler"
    lr, ssr = _lr(n, lr), _ssr(n, ssr)
    return _trainer(_multistep(lr, milestones, gamma, ssr))


def _multistep(lr: float, milestones: Sequence[int | str], gamma: float, ssr: float) -> Schedule:
    """`MultiStepScheduler` on Composer's own time (before `_trainer`'s shift); errors name it."""
    n = "MultiStepScheduler"
    ms = [_time(n, f"milestones[{i}]", m).scaled(ssr).lrcore()
          for i, m in enumerate(check_list(n, "milestones", milestones))]
    if not ms:
        raise ScheduleError(n, "milestones", "a non-empty list of times", milestones)
    if all(isinstance(m, int) for m in ms):
        if len(set(ms)) != len(ms):
            raise ScheduleError(n, "milestones", "distinct times (a repeated milestone is gamma twice at once; "
                                "give gamma**2 by another milestone list)", list(milestones))
        ms = sorted(ms)
    with renamed(n, factor="gamma"):
        return MultiStep(start_value=lr, milestones=ms, factor=gamma)


def ConstantScheduler(*, lr: float, alpha: float = 1.0, t_max: int | str = "1dur", ssr: float = 1.0) -> Schedule:
    """Composer ``ConstantScheduler``: ``alpha`` while ``b < t_max``, then 1.

    >>> s = ConstantScheduler(lr=1.0, alpha=0.5, t_max="3ba")
    >>> [s(t) for t in range(6)]
    [0.5, 0.5, 0.5, 0.5, 1.0, 1.0]
    """
    n = "ConstantScheduler"
    lr, ssr = _lr(n, lr), _ssr(n, ssr)
    a = check_real(n, "alpha", alpha, low=0.0)
    t = _time(n, "t_max", t_max).scaled(ssr).lrcore()
    if isinstance(t, int) and t == 0:
        return _trainer(Constant(value=lr))
    with renamed(n, boundaries="t_max"):
        return _trainer(Piecewise(values=[lr * a, lr], boundaries=[t]))


def LinearScheduler(*, lr: float, alpha_i: float = 1.0, alpha_f: float = 0.0, t_max: int | str = "1dur",
                    ssr: float = 1.0) -> Schedule:
    """Composer ``LinearScheduler``: ``alpha(b) = alpha_i + (alpha_f - alpha_i) * min(b / t_max, 1)``.

    >>> s = LinearScheduler(lr=1.0, t_max="4ba")
    >>> [s(t) for t in range(7)]
    [1.0, 1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    """
    n = "LinearScheduler"
    lr, ssr = _lr(n, lr), _ssr(n, ssr)
    ai, af = check_real(n, "alpha_i", alpha_i, low=0.0), check_real(n, "alpha_f", alpha_f, low=0.0)
    t = _steps(n, "t_max", _time(n, "t_max", t_max).scaled(ssr), 1)
    with renamed(n, steps="t_max"):
        return _trainer(Linear(start_value=lr * ai, end_value=lr * af, steps=t))


def ExponentialScheduler(*, lr: float, gamma: float, decay_period: int | str = "1ep", ssr: float = 1.0) -> Schedule:
    """Composer ``ExponentialScheduler``: ``alpha(b) = gamma ** (b / decay_period)``.

    >>> s = ExponentialScheduler(lr=1.0, gamma=0.5, decay_period="2ba")
    >>> [f"{s(t):.4f}" for t in range(4)]
    ['1.0000', '1.0000', '0.7071', '0.5000']
    """
    n = "ExponentialScheduler"
    lr, ssr = _lr(n, lr), _ssr(n, ssr)
    every = _steps(n, "decay_period", _time(n, "decay_period", decay_period).scaled(ssr), 1)
    with renamed(n, factor="gamma", every="decay_period"):
        return _trainer(Exponential(start_value=lr, factor=gamma, every=every))


def CosineAnnealingScheduler(*, lr: float, t_max: int | str = "1dur", alpha_f: float = 0.0, ssr: float = 1.0) -> Schedule:
    """Composer ``CosineAnnealingScheduler``: ``alpha(b) = alpha_f + (1 - alpha_f) (1 + cos(pi tau)) / 2``,
    ``tau = min(b / t_max, 1)``.

    >>> s = CosineAnnealingScheduler(lr=1.0, t_max="4ba")
    >>> [f"{s(t):.4f}" for t in range(7)]
    ['1.0000', '1.0000', '0.8536', '0.5000', '0.1464', '0.0000', '0.0000']
    """
    n = "CosineAnnealingScheduler"
    lr, ssr = _lr(n, lr), _ssr(n, ssr)
    af = check_real(n, "alpha_f", alpha_f, low=0.0)
    t = _steps(n, "t_max", _time(n, "t_max", t_max).scaled(ssr), 1)
    with renamed(n, steps="t_max"):
        return _trainer(Cosine(start_value=lr, steps=t, end_value=lr * af))


def CosineAnnealingWarmRestartsScheduler(*, lr: float, t_0: int | str, t_mult: float = 1.0, alpha_f: float = 0.0,
                                         ssr: float = 1.0) -> Schedule:
    """Composer ``CosineAnnealingWarmRestartsScheduler``: the cosine of `CosineAnnealingScheduler` in
    cycles, the first ``t_0`` long, each next one ``t_mult`` times the last.

    ``alpha(b) = alpha_f + (1 - alpha_f) (1 + cos(pi tau_i)) / 2``, ``tau_i`` the fraction of
    cycle i elapsed. A `lrcore.Restart`. ``t_mult >= 1`` (below 1 Composer's cycles shrink to
    zero length and it raises); a non-integer ``t_mult`` differs (module docstring).

    >>> s = CosineAnnealingWarmRestartsScheduler(lr=1.0, t_0="2ba", t_mult=2.0)
    >>> [f"{s(t):.3f}" for t in range(8)]
    ['1.000', '1.000', '0.500', '1.000', '0.854', '0.500', '0.146', '1.000']
    """
    n = "CosineAnnealingWarmRestartsScheduler"
    lr, ssr = _lr(n, lr), _ssr(n, ssr)
    af = check_real(n, "alpha_f", alpha_f, low=0.0)
    mult = check_real(n, "t_mult", t_mult, low=1.0)
    t0 = _steps(n, "t_0", _time(n, "t_0", t_0).scaled(ssr), 1)
    with renamed(n, period_steps="t_0", period_mult="t_mult"):
        return _trainer(Restart(Cosine(start_value=lr, steps=1, end_value=lr * af), period_steps=t0,
                                period_mult=mult))


def PolynomialScheduler(*, lr: float, power: float, t_max: int | str = "1dur", alpha_f: float = 0.0,
                        ssr: float = 1.0) -> Schedule:
    """Composer ``PolynomialScheduler``: ``alpha(b) = alpha_f + (1 - alpha_f) (1 - tau) ** power``,
    ``tau = min(b / t_max, 1)``; ``power > 0``.

    >>> s = PolynomialScheduler(lr=1.0, power=2.0, t_max="4ba")
    >>> [f"{s(t):.4f}" for t in range(7)]
    ['1.0000', '1.0000', '0.5625', '0.2500', '0.0625', '0.0000', '0.0000']
    """
    n = "PolynomialScheduler"
    lr, ssr = _lr(n, lr), _ssr(n, ssr)
    af = check_real(n, "alpha_f", alpha_f, low=0.0)
    t = _steps(n, "t_max", _time(n, "t_max", t_max).scaled(ssr), 1)
    with renamed(n, steps="t_max"):
        return _trainer(Polynomial(start_value=lr, end_value=lr * af, steps=t, power=power))


def MultiStepWithWarmupScheduler(*, lr: float, t_warmup: int | str, milestones: Sequence[int | str], gamma: float = 0.1,
                                 scale_warmup: bool = False, ssr: float = 1.0) -> Schedule:
    """Composer ``MultiStepWithWarmupScheduler``: ``alpha(b) = b / t_warmup`` while ``b < t_warmup``,
    then `MultiStepScheduler`'s ``gamma ** (number of milestones <= b)`` (milestones on the run's
    own time, so one inside the warmup applies from its end).

    >>> s = MultiStepWithWarmupScheduler(lr=1.0, t_warmup="2ba", milestones=["4ba"], gamma=0.1)
    >>> [f"{s(t):.2f}" for t in range(7)]
    ['0.00', '0.00', '0.50', '1.00', '1.00', '0.10', '0.10']
    """
    n = "MultiStepWithWarmupScheduler"
    lr, ssr = _lr(n, lr), _ssr(n, ssr)
    after = _multistep(lr, milestones, gamma, ssr)
    return _trainer(_warm(n, lr, 1.0, t_warmup, ssr, scale_warmup, after, absolute=True))


def ConstantWithWarmupScheduler(*, lr: float, t_warmup: int | str, alpha: float = 1.0, t_max: int | str = "1dur",
                                scale_warmup: bool = False, ssr: float = 1.0) -> Schedule:
    """Composer ``ConstantWithWarmupScheduler``: ``alpha * b / t_warmup`` while ``b < t_warmup``, then
    ``alpha`` (it is `LinearWithWarmupScheduler` with ``alpha_i = alpha_f = alpha``: ``alpha`` also
    after ``t_max``, unlike `ConstantScheduler`'s 1).

    >>> s = ConstantWithWarmupScheduler(lr=1.0, t_warmup="2ba", alpha=0.5)
    >>> [s(t) for t in range(5)]
    [0.0, 0.0, 0.25, 0.5, 0.5]
    """
    n = "ConstantWithWarmupScheduler"
    lr, ssr = _lr(n, lr), _ssr(n, ssr)
    a = check_real(n, "alpha", alpha, low=0.0)
    _t_max_after_warmup(n, t_warmup, t_max, ssr)  # validated as Composer reads it
    return _trainer(_warm(n, lr, a, t_warmup, ssr, scale_warmup, Constant(value=lr * a), absolute=False))


def _decay_after_warmup(node: str, lr: float, start: float, end: float, t_warmup: int | str, t_max: int | str, ssr: float,
                        shape: str) -> Schedule:
    """From ``lr * start`` at ``t_warmup`` to ``lr * end`` at ``t_max`` (both on the run's time), by `shape`."""
    w, m = _t_max_after_warmup(node, t_warmup, t_max, ssr)
    if m is None:
        return Constant(value=lr * start)  # Composer: frac = 0.0 when t_max <= t_warmup
    with renamed(node, boundaries="t_max"):
        return Interpolate(boundaries=[w.lrcore(), m.lrcore()], values=[lr * start, lr * end], shape=shape)


def LinearWithWarmupScheduler(*, lr: float, t_warmup: int | str, alpha_i: float = 1.0, alpha_f: float = 0.0,
                              t_max: int | str = "1dur", scale_warmup: bool = False, ssr: float = 1.0) -> Schedule:
    """Composer ``LinearWithWarmupScheduler``: ``alpha_i * b / t_warmup`` while ``b < t_warmup``, then
    ``alpha_i + (alpha_f - alpha_i) * tau_w``, ``tau_w = min((b - t_warmup) / (t_max - t_warmup), 1)``
    (0 if ``t_max <= t_warmup``): ``t_max`` is the end of the decay, counted from the run's start.

    >>> s = LinearWithWarmupScheduler(lr=1.0, t_warmup="2ba", t_max="6ba")
    >>> [s(t) for t in range(9)]
    [0.0, 0.0, 0.5, 1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    """
    n = "LinearWithWarmupScheduler"
    lr, ssr = _lr(n, lr), _ssr(n, ssr)
    ai, af = check_real(n, "alpha_i", alpha_i, low=0.0), check_real(n, "alpha_f", alpha_f, low=0.0)
    after = _decay_after_warmup(n, lr, ai, af, t_warmup, t_max, ssr, "linear")
    return _trainer(_warm(n, lr, ai, t_warmup, ssr, scale_warmup, after, absolute=True))


def CosineAnnealingWithWarmupScheduler(*, lr: float, t_warmup: int | str, t_max: int | str = "1dur", alpha_f: float = 0.0,
                                       scale_warmup: bool = False, ssr: float = 1.0) -> Schedule:
    """Composer ``CosineAnnealingWithWarmupScheduler``: ``b / t_warmup`` while ``b < t_warmup``, then
    ``alpha_f + (1 - alpha_f) (1 + cos(pi tau_w)) / 2``, ``tau_w`` as in `LinearWithWarmupScheduler`.

    >>> s = CosineAnnealingWithWarmupScheduler(lr=1.0, t_warmup="2ba", t_max="6ba")
    >>> [f"{s(t):.4f}" for t in range(9)]
    ['0.0000', '0.0000', '0.5000', '1.0000', '0.8536', '0.5000', '0.1464', '0.0000', '0.0000']
    """
    n = "CosineAnnealingWithWarmupScheduler"
    lr, ssr = _lr(n, lr), _ssr(n, ssr)
    af = check_real(n, "alpha_f", alpha_f, low=0.0)
    after = _decay_after_warmup(n, lr, 1.0, af, t_warmup, t_max, ssr, "cosine")
    return _trainer(_warm(n, lr, 1.0, t_warmup, ssr, scale_warmup, after, absolute=True))


def PolynomialWithWarmupScheduler(*, lr: float, t_warmup: int | str, power: float = 2.0, t_max: int | str = "1dur",
                                  alpha_f: float = 0.0, scale_warmup: bool = False, ssr: float = 1.0) -> Schedule:
    """Composer ``PolynomialWithWarmupScheduler``: ``b / t_warmup`` while ``b < t_warmup``, then
    ``alpha_f + (1 - alpha_f) (1 - tau_w) ** power``, ``tau_w`` as in `LinearWithWarmupScheduler`.

    The decay lasts ``t_max - t_warmup``, so the two must be in the same unit here (Composer
    compares them after turning both into its max_duration's unit); give ``t_max`` as
    ``"90ep"`` rather than ``"1dur"`` with an epoch warmup, for example.

    >>> s = PolynomialWithWarmupScheduler(lr=1.0, t_warmup="2ba", t_max="6ba")
    >>> [f"{s(t):.4f}" for t in range(9)]
    ['0.0000', '0.0000', '0.5000', '1.0000', '0.5625', '0.2500', '0.0625', '0.0000', '0.0000']
    """
    n = "PolynomialWithWarmupScheduler"
    lr, ssr = _lr(n, lr), _ssr(n, ssr)
    af = check_real(n, "alpha_f", alpha_f, low=0.0)
    w, m = _t_max_after_warmup(n, t_warmup, t_max, ssr)
    if m is None:
        after: Schedule = Constant(value=lr)
    else:
        if m.unit != w.unit:
            raise ScheduleError(n, "t_max", f"a time in the unit of t_warmup ({t_warmup!r}): the decay lasts "
                                "t_max - t_warmup", t_max)
        with renamed(n, steps="t_max"):
            after = Polynomial(start_value=lr, end_value=lr * af, steps=_Time(m.value - w.value, m.unit).lrcore(),
                               power=power)
    return _trainer(_warm(n, lr, 1.0, t_warmup, ssr, scale_warmup, after, absolute=False))
