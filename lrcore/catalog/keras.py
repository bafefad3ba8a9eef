"""Keras 3's ``keras.optimizers.schedules`` (3.15) under Keras's own names, as lrcore trees.

``lrcore.catalog.keras.CosineDecay(initial_learning_rate=0.1, decay_steps=1000)`` returns a
`lrcore.Schedule` whose value at step t is what ``keras.optimizers.schedules.CosineDecay(...)(t)``
returns for the optimizer's iteration count t (0 for the first update): same parameter names
and defaults, Keras's conventions and quirks. Every Keras schedule is absolute
and pure, so these are too; a Keras schedule's config goes over unchanged,
``CosineDecay(**keras_schedule.get_config())`` (``name`` is accepted and ignored). Drive a
Keras optimizer with ``lrcore.adapters.keras.as_schedule(schedule)``. This module is pure
lrcore: it never imports keras (or numpy).

Steps are the optimizer's integer iteration counts. Where Keras accepts a value that has no
finite schedule or that lrcore cannot represent, the condition is stricter and says so: a
``decay_rate`` outside (0, 1] (a growing exponential), a negative inverse-time rate,
``t_mul < 1`` (Keras's restarts run out after finitely many steps and give NaN) or
``m_mul > 1``. Step counts that index a schedule (``decay_steps`` of the polynomial and cosine
decays, ``warmup_steps``, ``first_decay_steps``, ``boundaries``) must be whole numbers
(``1000.0`` is taken as 1000).

Where Keras's arithmetic loses digits, lrcore computes the same function without the loss:
the ``1 + cos`` of the cosine decays (an absolute ~eps * rate near each minimum), the
warmup's ``(target - initial) * p + initial``, and the restart count of
`CosineDecayRestarts`, ``floor(log(1 - f (1 - t_mul)) / log(t_mul))``, which lands on the
wrong cycle at some restart steps (the test shows them). Under the jax backend Keras 3.15
computes ``ops.cos`` of a float64 tensor in float32 (``result_type(float64, float)`` is
float32 there), so its cosine decays are float32-accurate even with ``floatx`` float64.

>>> from lrcore.catalog import keras as K
>>> s = K.CosineDecay(initial_learning_rate=0.0, decay_steps=4, warmup_target=1.0, warmup_steps=2)
>>> [f"{s(t):.4f}" for t in range(8)]
['0.0000', '0.5000', '1.0000', '0.8536', '0.5000', '0.1464', '0.0000', '0.0000']
"""

from __future__ import annotations

from numbers import Integral, Real

from .._base import Schedule
from .._combinators import Restart, Warmup
from .._errors import MAX_STEPS, ScheduleError, ScheduleTypeError, check_bool, check_list, renamed, check_real
from .._primitives import (
    Cosine,
    Exponential,
    InverseTime,
    Piecewise,
    Polynomial,
)

TYPE_CHECKING = False  # typing is not imported at run time
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

__all__ = [
    "ExponentialDecay", "PiecewiseConstantDecay", "PolynomialDecay", "InverseTimeDecay",
    "CosineDecay", "CosineDecayRestarts",
]


# ----------------------------------------------------------------------------- checks

def _whole(fn: str, field: str, x: Any, low: int = 1) -> int:
    """A step count: an int, or a float with an integer value (Keras's docs write ``1.0``)."""
    what = f"a whole number >= {low} and <= {MAX_STEPS}"
    if isinstance(x, bool) or not isinstance(x, Real):
        raise ScheduleTypeError(fn, field, what, x)
    if not isinstance(x, Integral):
        xf = float(x)
        if not xf.is_integer():
            raise ScheduleError(fn, field, what, x)
        x = int(xf)
    if not low <= int(x) <= MAX_STEPS:
        raise ScheduleError(fn, field, what, x)
    return int(x)


def _divisor(fn: str, field: str, x: Any) -> float | int:
    """A ``decay_steps`` that only divides the step: any number > 0 (Keras: ``decay_steps > 0``)."""
    if isinstance(x, Integral) and not isinstance(x, bool) and 1 <= int(x) <= MAX_STEPS:
        return int(x)
    v = check_real(fn, field, x, low=0.0, low_open=True)
    return int(v) if v.is_integer() and v <= MAX_STEPS else v


def _name(fn: str, name: Any) -> None:
    if not isinstance(name, str):
        raise ScheduleTypeError(fn, "name", "a str (Keras's name scope; not used by lrcore)", name)


# ----------------------------------------------------------------------------- schedules

def ExponentialDecay(initial_learning_rate: float, decay_steps: float, decay_rate: float,
                     staircase: bool = False, name: str = "ExponentialDecay") -> Schedule:
    """keras ExponentialDecay: ``I * decay_rate ** (t / decay_steps)``, the exponent floored if ``staircase``.

    ``decay_steps`` is any number > 0 (it only divides the step). ``decay_rate`` must be in
    (0, 1]; Keras also takes a growing rate > 1, which has no finite value at every step.

    >>> s = ExponentialDecay(initial_learning_rate=1.0, decay_steps=2, decay_rate=0.5, staircase=True)
    >>> [s(t) for t in range(6)]
    [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    """
    fn = "ExponentialDecay"
    _name(fn, name)
    lr = check_real(fn, "initial_learning_rate", initial_learning_rate)
    d = _divisor(fn, "decay_steps", decay_steps)
    rate = check_real(fn, "decay_rate", decay_rate, low=0.0, high=1.0, low_open=True)
    return Exponential(start_value=lr, factor=rate, every=d, staircase=check_bool(fn, "staircase", staircase))


def PiecewiseConstantDecay(boundaries: Sequence[float], values: Sequence[float], name: str = "PiecewiseConstant") -> Schedule:
    """keras PiecewiseConstantDecay: ``values[0]`` while ``t <= boundaries[0]``, ``values[i]`` while
    ``boundaries[i-1] < t <= boundaries[i]``, ``values[-1]`` after the last boundary.

    **The boundary step keeps the old value** (optax and paddle switch at t == boundary): on
    integer steps this is lrcore's `Piecewise` with every boundary moved one step later.
    Boundaries are strictly increasing whole numbers >= 0; ``len(values) == len(boundaries) + 1``.

    >>> s = PiecewiseConstantDecay(boundaries=[2, 4], values=[1.0, 0.5, 0.1])
    >>> [s(t) for t in range(7)]
    [1.0, 1.0, 1.0, 0.5, 0.5, 0.1, 0.1]
    """
    fn = "PiecewiseConstantDecay"
    _name(fn, name)
    if isinstance(boundaries, (str, bytes)) or not hasattr(boundaries, "__len__"):
        raise ScheduleTypeError(fn, "boundaries", "a non-empty list of whole numbers", boundaries)
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise ScheduleTypeError(fn, "values", "a list of numbers", values)
    b = [_whole(fn, f"boundaries[{i}]", x, low=0) for i, x in enumerate(check_list(fn, "boundaries", boundaries))]
    if not b:
        raise ScheduleError(fn, "boundaries", "a non-empty list of whole numbers", list(boundaries))
    if any(y <= x for x, y in zip(b, b[1:])):
        raise ScheduleError(fn, "boundaries", "strictly increasing", list(boundaries))
    if b[-1] >= MAX_STEPS:
        raise ScheduleError(fn, "boundaries", f"a list of whole numbers < {MAX_STEPS}", list(boundaries))
    v = [check_real(fn, f"values[{i}]", x) for i, x in enumerate(check_list(fn, "values", values))]
    if len(v) != len(b) + 1:
        raise ScheduleError(fn, "values", f"a list of len(boundaries) + 1 = {len(b) + 1} numbers", list(values))
    return Piecewise(values=v, boundaries=[x + 1 for x in b])


def PolynomialDecay(initial_learning_rate: float, decay_steps: int, end_learning_rate: float = 0.0001,
                    power: float = 1.0, cycle: bool = False, name: str = "PolynomialDecay") -> Schedule:
    """keras PolynomialDecay: ``(I - E) * (1 - t' / D') ** power + E``, D = ``decay_steps``, E = ``end_learning_rate``.

    ``cycle=False``: ``t' = min(t, D)``, ``D' = D`` (then E holds).
    ``cycle=True``: ``t' = t``, ``D' = D * ceil(t / D)`` (``D`` at t = 0), as paddle's
    PolynomialDecay: cycle k (``kD < t <= (k+1)D``) starts at ``(I - E) (1/(k+1)) ** power + E``
    and the value is E at every multiple of D: lrcore's ``Polynomial(..., cycle=True)``.

    >>> s = PolynomialDecay(initial_learning_rate=1.0, decay_steps=3, end_learning_rate=0.1)
    >>> [f"{s(t):.2f}" for t in range(6)]
    ['1.00', '0.70', '0.40', '0.10', '0.10', '0.10']
    >>> s = PolynomialDecay(initial_learning_rate=1.0, decay_steps=3, end_learning_rate=0.1, cycle=True)
    >>> [f"{s(t):.2f}" for t in range(9)]
    ['1.00', '0.70', '0.40', '0.10', '0.40', '0.25', '0.10', '0.30', '0.20']
    """
    fn = "PolynomialDecay"
    _name(fn, name)
    lr = check_real(fn, "initial_learning_rate", initial_learning_rate)
    d = _whole(fn, "decay_steps", decay_steps)
    end = check_real(fn, "end_learning_rate", end_learning_rate)
    p = check_real(fn, "power", power, low=0.0, low_open=True)
    return Polynomial(start_value=lr, end_value=end, steps=d, power=p, cycle=check_bool(fn, "cycle", cycle))


def InverseTimeDecay(initial_learning_rate: float, decay_steps: float, decay_rate: float,
                     staircase: bool = False, name: str = "InverseTimeDecay") -> Schedule:
    """keras InverseTimeDecay: ``I / (1 + decay_rate * t / decay_steps)``, ``t / decay_steps`` floored if ``staircase``.

    ``decay_steps`` is any number > 0; ``decay_rate`` must be >= 0 (a negative one reaches a
    division by zero).

    >>> s = InverseTimeDecay(initial_learning_rate=1.0, decay_steps=2, decay_rate=1.0)
    >>> [f"{s(t):.4f}" for t in (0, 1, 2, 6)]
    ['1.0000', '0.6667', '0.5000', '0.2500']
    """
    fn = "InverseTimeDecay"
    _name(fn, name)
    lr = check_real(fn, "initial_learning_rate", initial_learning_rate)
    d = _divisor(fn, "decay_steps", decay_steps)
    rate = check_real(fn, "decay_rate", decay_rate, low=0.0)
    return InverseTime(start_value=lr, rate=rate, every=d, staircase=check_bool(fn, "staircase", staircase))


def CosineDecay(initial_learning_rate: float, decay_steps: int, alpha: float = 0.0, name: str = "CosineDecay",
                warmup_target: float | None = None, warmup_steps: int = 0) -> Schedule:
    """keras CosineDecay: an optional linear warmup, then ``peak * ((1 - alpha) * (1 + cos(pi c / D)) / 2 + alpha)``.

    D = ``decay_steps``, W = ``warmup_steps``. Without ``warmup_target``: peak = I
    (``initial_learning_rate``), ``c = min(t, D)``, and W is ignored. With it: peak = the
    target; for t < W the value is ``I + (target - I) * t / W``; then ``c = min(t - W, D)``.
    **decay_steps excludes the warmup** (optax's warmup_cosine_decay_schedule includes it):
    the value reaches ``alpha * peak`` at t = W + D and holds. With a target and W = 0 the
    decay starts from the target at t = 0 (I is not used).

    >>> s = CosineDecay(initial_learning_rate=1.0, decay_steps=4, alpha=0.1)
    >>> [f"{s(t):.4f}" for t in range(6)]
    ['1.0000', '0.8682', '0.5500', '0.2318', '0.1000', '0.1000']
    """
    fn = "CosineDecay"
    _name(fn, name)
    lr = check_real(fn, "initial_learning_rate", initial_learning_rate)
    d = _whole(fn, "decay_steps", decay_steps)
    a = check_real(fn, "alpha", alpha)
    w = _whole(fn, "warmup_steps", warmup_steps, low=0)
    if warmup_target is None:
        return Cosine(start_value=lr, steps=d, end_value=lr * a)
    target = check_real(fn, "warmup_target", warmup_target)
    decay = Cosine(start_value=target, steps=d, end_value=target * a)
    if w == 0:
        return decay
    return Warmup(decay, warmup_steps=w, start_value=lr)


def CosineDecayRestarts(initial_learning_rate: float, first_decay_steps: int, t_mul: float = 2.0,
                        m_mul: float = 1.0, alpha: float = 0.0, name: str = "SGDRDecay") -> Schedule:
    """keras CosineDecayRestarts (SGDR): cycle i lasts ``first_decay_steps * t_mul**i`` steps;
    inside it, at fraction f of the cycle, ``I * ((1 - alpha) * m_mul**i * (1 + cos(pi f)) / 2 + alpha)``.

    ``alpha * I`` is the floor of every cycle and is not scaled by ``m_mul``: only the part
    above it is (lrcore's `Restart` with ``decay_mode="above_end"``). ``t_mul`` must be >= 1
    (Keras's ``t_mul < 1`` runs out of cycles after a finite number of steps and returns NaN),
    and ``m_mul`` in [0, 1] (0: one decay, then ``alpha * I`` holds). A ``t_mul`` so close to 1
    that more than 100000 cycles start before step 2**53 is rejected by `Restart`.

    Keras finds the cycle as ``floor(log(1 - f0 (1 - t_mul)) / log(t_mul))`` with
    ``f0 = t / first_decay_steps``; at some restart steps that rounds to the cycle before
    (whose end, ``alpha * I``, Keras then returns instead of the new peak). lrcore places every
    restart exactly (a table of cycle starts).

    >>> s = CosineDecayRestarts(initial_learning_rate=1.0, first_decay_steps=2, t_mul=2.0, m_mul=0.5)
    >>> [f"{s(t):.4f}" for t in range(8)]
    ['1.0000', '0.5000', '0.5000', '0.4268', '0.2500', '0.0732', '0.2500', '0.2405']
    """
    fn = "CosineDecayRestarts"
    _name(fn, name)
    lr = check_real(fn, "initial_learning_rate", initial_learning_rate)
    first = _whole(fn, "first_decay_steps", first_decay_steps)
    tm = check_real(fn, "t_mul", t_mul, low=1.0)
    mm = check_real(fn, "m_mul", m_mul, low=0.0, high=1.0)
    a = check_real(fn, "alpha", alpha)
    cycle = Cosine(start_value=lr, steps=first, end_value=lr * a)
    if mm == 0.0:  # m_mul**i is 0 from the second cycle on: alpha * I, where the first one ends
        return cycle
    with renamed(fn, period_mult="t_mul", decay="m_mul"):
        return Restart(cycle, period_steps=first, period_mult=tm, decay=mm, decay_mode="above_end")
