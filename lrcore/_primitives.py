"""The primitives: leaves of a schedule tree, each one formula written against the op set.

Symbols in the formulas: t is the step (0 is the first optimizer update); every parameter is
a keyword argument, validated at construction.
"""

from __future__ import annotations

import math
TYPE_CHECKING = False  # typing is not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Any, Callable

from . import ops as _ops
from ._base import INF, Schedule, Segment
from ._compile import FormulaError
from ._errors import ScheduleError, ScheduleTypeError
from ._functions import EMPTY_PARAMS, Params, check_params, function_named, name_of
from ._node import MAX_STEPS, field, register
from ._math import DECAY_SHAPES, Interval, blend, cosine, exact_step, cycle_of, decay_weights, floor_div, interval, power, power_of_ratio, power_weights, quotient_error, ramp, weights

__all__ = [
    "Constant", "Linear", "Cosine", "Polynomial", "Exponential", "Geometric", "MultiStep", "Piecewise",
    "Interpolate", "InverseSqrt", "InverseTime", "Noam", "Tanh", "Cyclic", "OneCycle", "WSD",
    "Function",
]

_MAX_PERIODS = 10_000  # a periodic node details at most this many periods of a window, then one segment


def _finite_product(value: float, factor: float, power: int) -> bool:
    try:
        return math.isfinite(value * factor**power)
    except OverflowError:
        return False


def _periods(node: Schedule, lo: float, hi: float, period: int, parts: tuple[tuple[int, str], ...]) -> list[Segment]:
    """Segments of a periodic node over ``[lo, hi)``: ``parts`` = ((offset, kind), ...) per period."""
    start = math.floor(lo / period) * period
    if (hi - start) / period > _MAX_PERIODS:
        return [Segment(0.0, INF, type(node).__name__.lower(), node.formula)]
    out = []
    while start < hi:
        ends = [o for o, _ in parts[1:]] + [period]
        out += [Segment(float(start + o), float(start + e), kind, node.formula) for (o, kind), e in zip(parts, ends)]
        start += period
    return out


@register
class Constant(Schedule):
    """The same value at every step: ``value``.

    >>> Constant(value=0.1)(123)
    0.1
    """

    value: float

    def formula(self, step: Any, xp: Any) -> Any:
        return self.value

    @property
    def duration(self) -> int:
        return 0


def _polynomial(step: Any, start: float, end: float, steps: int, power: float, xp: Any, cycle: bool = False) -> Any:
    # (start - end) * r**power + end with r = 1 - min(t, L) / L, computed directly; L = steps,
    # or with `cycle` steps * ceil(t / steps) (steps at t = 0).
    # A decay (|end| <= |start|) is written so, from the end nearer 0: where they share a sign
    # both terms do too, and it is exactly `start` at r = 1 wherever end + (start - end) is
    # (checked); otherwise the blend start * r**power + end * (1 - r**power), whose second
    # weight is computed without cancellation.
    if cycle:
        # the steps left to the next multiple of `steps` (all of them at t = 0), exact by fmod:
        # L = t + rest itself can be beyond 2**53, where it is rounded
        d = float(steps)
        u = xp.fmod(step, d)
        iv = Interval.of(step, xp.where(u <= 0.0, xp.where(step > 0.0, 0.0, d), d - u), xp)  # u >= 0: exact in paddle too
    else:
        iv = interval(step, 0.0, steps, xp)
    if abs(end) <= abs(start):
        w = xp.pow(iv.r, power) if power != 1.0 else iv.r  # the start's weight
        d_end = exact_step(end, start, xp)
        if d_end is not None:
            return end + d_end * w
        return start * w + end * (1.0 - w)  # exact ends; 1 - w is inexact only where it weighs the smaller end
    return blend(start, end, power_weights(iv.r, iv.p, power, xp))


@register
class Linear(Schedule):
    """A straight line from ``start_value`` to ``end_value`` over ``steps`` steps, then ``end_value``.

    ``value(t) = (start - end) * (1 - min(t, steps) / steps) + end`` (optax's linear_schedule).

    >>> s = Linear(start_value=0.0, end_value=1.0, steps=4)
    >>> [f"{s(t):.2f}" for t in (0, 1, 4, 9)]
    ['0.00', '0.25', '1.00', '1.00']
    """

    start_value: float
    end_value: float
    steps: int = field(ge=1, duration=True)

    def formula(self, step: Any, xp: Any) -> Any:
        return _polynomial(step, self.start_value, self.end_value, self.steps, 1.0, xp)

    @property
    def duration(self) -> int:
        return self.steps


@register
class Polynomial(Schedule):
    """Polynomial decay: ``(start - end) * (1 - min(t, steps) / steps) ** power + end``.

    ``cycle=True`` (TensorFlow, Keras and paddle's PolynomialDecay): the decay length grows to
    the next multiple of ``steps`` instead of holding, ``L = steps * ceil(t / steps)`` (``steps``
    at t = 0), and ``value(t) = (start - end) * (1 - t / L) ** power + end``: ``end`` at every
    multiple of steps, then up again to the value of one long decay over ``[0, L]``.

    >>> s = Polynomial(start_value=1.0, end_value=0.0, steps=4, power=2.0)
    >>> [f"{s(t):.4f}" for t in (0, 1, 2, 4, 5)]
    ['1.0000', '0.5625', '0.2500', '0.0000', '0.0000']
    >>> s = Polynomial(start_value=1.0, end_value=0.1, steps=3, cycle=True)
    >>> [f"{s(t):.2f}" for t in range(9)]
    ['1.00', '0.70', '0.40', '0.10', '0.40', '0.25', '0.10', '0.30', '0.20']

    The rising power ``start + (end - start) * p ** power`` (fastai's SchedPoly: flat at the
    start where this is flat at the end) is a line on warped time,
    ``Warp(Linear(start_value, end_value, steps), steps=steps, exponent=power)``:

    >>> from lrcore import Warp
    >>> s = Warp(Linear(start_value=0.0, end_value=1.0, steps=4), steps=4, exponent=2.0)
    >>> [f"{s(t):.4f}" for t in range(5)]
    ['0.0000', '0.0625', '0.2500', '0.5625', '1.0000']
    """

    start_value: float
    end_value: float
    steps: int = field(ge=1, duration=True)
    power: float = field(1.0, gt=0.0)
    cycle: bool = False

    def formula(self, step: Any, xp: Any) -> Any:
        return _polynomial(step, self.start_value, self.end_value, self.steps, self.power, xp, self.cycle)

    @property
    def duration(self) -> int | None:
        return None if self.cycle else self.steps

    def segments(self, lo: float, hi: float) -> list[Segment]:
        if not self.cycle:
            return super().segments(lo, hi)
        # cycle k >= 1 decays on (k * steps, (k + 1) * steps]: for the integer steps it holds,
        # it starts one step in
        d, f = self.steps, self.formula
        k = max(1, math.floor(lo / d))
        if (hi - k * d) / d > _MAX_PERIODS:
            return [Segment(0.0, INF, "polynomial", f)]
        out = [Segment(0.0, d + 1.0, "polynomial", f)] if k == 1 else []
        while k * d + 1 < hi or not out:
            out.append(Segment(k * d + 1.0, (k + 1) * d + 1.0, f"cycle {k} polynomial", f))
            k += 1
        if out[0].start > 0.0:
            out[0] = Segment(0.0, out[0].end, out[0].kind, f)  # a timeline starts at 0
        return out


@register
class Cosine(Schedule):
    """Cosine decay from ``start_value`` to ``end_value`` over ``steps`` steps, then ``end_value``.

    ``value(t) = end + (start - end) * ((1 + cos(pi * min(t, steps) / steps)) / 2) ** power``

    It is computed as the blend ``start * w**power + end * (1 - w**power)`` with
    ``w = sin(pi r / 2)**2`` and ``1 - w = sin(pi p / 2)**2`` (p the progress, r = 1 - p): the
    same numbers without the cancellations of ``1 + cos`` near the end or of ``end + ...``
    when end is the larger value, so every array library agrees to a few ulp everywhere (the
    peers' ``1 + cos`` form can be off by 1e-11 relative in the last steps).

    >>> s = Cosine(start_value=1.0, steps=10, end_value=0.1)
    >>> [f"{s(t):.4f}" for t in (0, 5, 10, 20)]
    ['1.0000', '0.5500', '0.1000', '0.1000']
    """

    start_value: float
    steps: int = field(ge=1, duration=True)
    end_value: float = 0.0
    power: float = field(1.0, gt=0.0)

    def formula(self, step: Any, xp: Any) -> Any:
        if self.power == 1.0:
            return cosine(step, self.start_value, self.end_value, 0.0, self.steps, xp)
        wa, wb = weights("cosine", interval(step, 0.0, self.steps, xp), xp)
        return blend(self.start_value, self.end_value, power_weights(wa, wb, self.power, xp))

    @property
    def duration(self) -> int:
        return self.steps


@register
class Exponential(Schedule):
    """Exponential decay: ``start * factor ** (t / every)``; the exponent is floored if ``staircase``.

    ``factor`` is in (0, 1]: a growing exponential has no finite value at every step (bound
    one with `Clamp` of a decay instead, or use `Piecewise`).

    >>> s = Exponential(start_value=1.0, factor=0.5, every=2, staircase=True)
    >>> [s(t) for t in range(5)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    start_value: float
    factor: float = field(gt=0.0, le=1.0)
    every: int | float = field(1, gt=0.0, duration=True)
    staircase: bool = False

    def formula(self, step: Any, xp: Any) -> Any:
        if self.staircase:
            return self.start_value * power(self.factor, floor_div(step, self.every, xp), xp)
        return power_of_ratio(self.factor, step, self.every, xp, scale=self.start_value)

    @property
    def duration(self) -> int | None:
        return 0 if self.factor == 1.0 else None


_TINY = 2.2250738585072014e-308  # the smallest normal float64


@register
class Geometric(Schedule):
    """Geometric interpolation, the exponential set by its end points: from ``start_value`` to
    ``end_value`` over ``steps`` steps, then ``end_value``.

    ``value(t) = start * (end / start) ** (min(t, steps) / steps)``: a straight line on a log
    scale (fastai's SchedExp, the exponential LR range test of fastai and Lightning, fairseq
    tri_stage's decay). ``start_value`` and ``end_value`` are nonzero with the same sign; it
    grows where ``|end| > |start|`` and decays otherwise.

    It is computed from the nearer end, ``end * (start / end) ** (1 - p)`` past the middle, so
    it is exactly start at 0 and exactly end from ``steps`` on, and in float64 the rounding of
    the exponent is added back (`quotient_error`): within about 2 ulp wherever the ratio is.

    >>> s = Geometric(start_value=1e-7, end_value=10.0, steps=8)
    >>> [f"{s(t):.1e}" for t in (0, 1, 4, 8, 9)]
    ['1.0e-07', '1.0e-06', '1.0e-03', '1.0e+01', '1.0e+01']
    """

    start_value: float
    end_value: float
    steps: int = field(ge=1, duration=True)

    def validate(self) -> None:
        a, b = self.start_value, self.end_value
        if a == 0.0:
            raise ScheduleError("Geometric", "start_value", "nonzero (the value is start_value * (end_value / "
                                "start_value) ** p)", a)
        if b == 0.0 or (b > 0.0) != (a > 0.0):
            raise ScheduleError("Geometric", "end_value", f"nonzero, with the sign of start_value = {a!r}", b)
        r = b / a
        if not (_TINY <= r <= 1.0 / _TINY and _TINY <= a / b <= 1.0 / _TINY):
            raise ScheduleError("Geometric", "end_value", f"such that end_value / start_value (start_value = {a!r}) "
                                "and its inverse are finite, normal numbers", b)

    def formula(self, step: Any, xp: Any) -> Any:
        a, b, length = self.start_value, self.end_value, float(self.steps)
        if a == b:
            return a
        iv = interval(step, 0.0, length, xp)
        near = iv.near_start
        k = xp.where(near, iv.m, iv.rest)  # the steps from the nearer end
        q = k / iv.den
        v = xp.where(near, a, b) * xp.pow(xp.where(near, b / a, a / b), q)
        if xp.double:
            # base**(k / L) = base**q * base**(k / L - q): the second factor is 1 + e log(base)
            log_base = xp.where(near, math.log(b / a), math.log(a / b))
            v = v + v * (quotient_error(k, q, length, xp) * log_base)
        return v

    @property
    def duration(self) -> int:
        return self.steps


@register
class MultiStep(Schedule):
    """``start * factor ** (number of milestones <= t)``: the new value applies at t == milestone.

    >>> s = MultiStep(start_value=1.0, milestones=[2, 4], factor=0.1)
    >>> [f"{s(t):.2f}" for t in range(6)]
    ['1.00', '1.00', '0.10', '0.10', '0.01', '0.01']
    """

    start_value: float
    milestones: tuple[int, ...] = field(increasing=True, duration=True)
    factor: float = field(gt=0.0)

    def validate(self) -> None:
        if not _finite_product(self.start_value, self.factor, len(self.milestones)):
            raise ScheduleError("MultiStep", "factor", "small enough that start_value * factor**len(milestones) is finite", self.factor)

    @property
    def _values(self) -> tuple[float, ...]:
        return self._cached("_c_values", lambda: tuple(self.start_value * self.factor**i
                                                       for i in range(len(self.milestones) + 1)))

    def formula(self, step: Any, xp: Any) -> Any:
        # start * factor**i, each value computed once in Python (exactly torch's base * gamma**i)
        return xp.lookup(self.milestones, self._values, step)

    @property
    def duration(self) -> int:
        return self.milestones[-1]

    def segments(self, lo: float, hi: float) -> list[Segment]:
        edges = (0.0, *map(float, self.milestones), INF)
        return [Segment(a, b, "constant", None) for a, b in zip(edges, edges[1:]) if b > a]


@register
class Piecewise(Schedule):
    """``values[i]`` on ``[boundaries[i-1], boundaries[i])``: the new value applies at t == boundary.

    >>> s = Piecewise(values=[1.0, 0.5, 0.1], boundaries=[2, 4])
    >>> [s(t) for t in range(6)]
    [1.0, 1.0, 0.5, 0.5, 0.1, 0.1]
    """

    values: tuple[float, ...]
    boundaries: tuple[int, ...] = field(ge=1, increasing=True, duration=True)

    def validate(self) -> None:
        if len(self.values) != len(self.boundaries) + 1:
            raise ScheduleError("Piecewise", "values", f"a list of len(boundaries) + 1 = {len(self.boundaries) + 1} numbers", list(self.values))

    def formula(self, step: Any, xp: Any) -> Any:
        return xp.lookup(self.boundaries, self.values, step)

    @property
    def duration(self) -> int:
        return self.boundaries[-1]

    def segments(self, lo: float, hi: float) -> list[Segment]:
        edges = (0.0, *map(float, self.boundaries), INF)
        return [Segment(a, b, "constant", None) for a, b in zip(edges, edges[1:])]


@register
class Interpolate(Schedule):
    """Through the knots ``(boundaries[i], values[i])``, ``shape`` "linear" or "cosine"; ends held.

    Between knots i and i+1, with ``p = (t - b[i]) / (b[i+1] - b[i])``:
    linear ``v[i] + (v[i+1] - v[i]) * p``; cosine ``v[i] + (v[i+1] - v[i]) * (1 - cos(pi p)) / 2``.

    >>> s = Interpolate(boundaries=[0, 4, 8], values=[1.0, 0.5, 0.1])
    >>> [f"{s(t):.4f}" for t in (0, 2, 4, 6, 8, 10)]
    ['1.0000', '0.7500', '0.5000', '0.3000', '0.1000', '0.1000']
    """

    boundaries: tuple[int, ...] = field(increasing=True, duration=True)
    values: tuple[float, ...]
    shape: str = field("linear", choices=("linear", "cosine"))

    def validate(self) -> None:
        b, v = self.boundaries, self.values
        if len(b) < 2:
            raise ScheduleError("Interpolate", "boundaries", "a list of at least 2 ints", list(b))
        if len(v) != len(b):
            raise ScheduleError("Interpolate", "values", f"a list of len(boundaries) = {len(b)} numbers", list(v))

    def formula(self, step: Any, xp: Any) -> Any:
        # Segment i = number of inner knots <= t, so t before the first knot is in segment 0
        # at p = 0 and t past the last in the last segment at p = 1: both ends held exactly.
        b, v = self.boundaries, self.values
        inner = b[1:-1]
        x0 = xp.lookup(inner, b[:-1], step)
        length = xp.lookup(inner, tuple(float(hi - lo) for lo, hi in zip(b, b[1:])), step)
        y0, y1 = xp.lookup(inner, v[:-1], step), xp.lookup(inner, v[1:], step)
        return blend(y0, y1, weights(self.shape, interval(step, x0, length, xp), xp), xp)

    @property
    def duration(self) -> int:
        return self.boundaries[-1]

    def segments(self, lo: float, hi: float) -> list[Segment]:
        b, f = tuple(map(float, self.boundaries)), self.formula
        out = [] if b[0] == 0 else [Segment(0.0, b[0], "constant", None)]
        out += [Segment(b[i], b[i + 1], self.shape, f) for i in range(len(b) - 1)]
        return out + [Segment(b[-1], INF, "constant", None)]


@register
class InverseSqrt(Schedule):
    """Inverse square-root decay: ``start / sqrt((t + timescale) / timescale)`` (HF, T5).

    ``power`` generalises the root: ``start * ((t + timescale) / timescale) ** -power`` (0.5
    by default; NeMo's NoamHoldAnnealing decays with ``power=decay_rate`` after its hold).
    T5's ``1/sqrt(max(t, W))`` is ``Sequential([Constant(W**-0.5), InverseSqrt(W**-0.5, W)], [W])``.

    >>> s = InverseSqrt(start_value=1.0, timescale_steps=4)
    >>> [f"{s(t):.4f}" for t in (0, 4, 12)]
    ['1.0000', '0.7071', '0.5000']
    >>> s = InverseSqrt(start_value=1.0, timescale_steps=4, power=1.0)
    >>> [f"{s(t):.4f}" for t in (0, 4, 12)]
    ['1.0000', '0.5000', '0.2500']
    """

    start_value: float
    timescale_steps: float = field(gt=0.0, duration=True)
    power: float = field(0.5, gt=0.0)

    def formula(self, step: Any, xp: Any) -> Any:
        ts = float(self.timescale_steps)
        if self.power == 0.5:
            return self.start_value / xp.sqrt((step + ts) / ts)
        # start * ts**p * (t + ts)**-p: t + ts is exact (an integer step plus the timescale) below
        # 2**53 - ts, so the power is taken of an exact number and the error does not grow with
        # p (above, the sum's half ulp becomes p half ulps); the constant is one rounding (the
        # quotient form where it over- or underflows)
        c = _scaled_power(self.start_value, ts, self.power)
        if c is None:
            return self.start_value * xp.pow((step + ts) / ts, -self.power)
        return c * xp.pow(step + ts, -self.power)

    @property
    def duration(self) -> None:
        return None


def _scaled_power(start: float, base: float, p: float) -> float | None:
    """``start * base**p`` if it and ``base**-p`` are normal float64 numbers, else None."""
    try:
        c, lo = start * base**p, base**-p
    except OverflowError:
        return None
    ok = math.isfinite(c) and (c == 0.0 or abs(c) >= 2.2250738585072014e-308) and lo >= 2.2250738585072014e-308
    return c if ok else None


@register
class InverseTime(Schedule):
    """Inverse time decay: ``start / (1 + rate * t / every)``, ``t / every`` floored if ``staircase``.

    ``power=1`` (the default) is that, keras' and paddle's InverseTimeDecay. ``power=-1`` is its
    reciprocal, a straight line that grows without end, ``start * (1 + rate * t / every)``
    (DeepSpeed's LRRangeTest, and the momentum of its OneCycle after the cycle). Other powers
    of ``1 + t / timescale`` are `InverseSqrt`'s (``power=``, with ``timescale = every / rate``).

    >>> s = InverseTime(start_value=1.0, rate=1.0)
    >>> [f"{s(t):.4f}" for t in (0, 1, 3)]
    ['1.0000', '0.5000', '0.2500']
    >>> g = InverseTime(start_value=0.001, rate=1.0, every=100, staircase=True, power=-1.0)
    >>> [f"{g(t):.4f}" for t in (0, 99, 100, 250)]
    ['0.0010', '0.0010', '0.0020', '0.0030']
    """

    start_value: float
    rate: float = field(ge=0.0)
    every: int | float = field(1, gt=0.0, duration=True)
    staircase: bool = False
    power: float = 1.0

    def validate(self) -> None:
        if self.power not in (1.0, -1.0):
            raise ScheduleError("InverseTime", "power", "1.0 (the decay) or -1.0 (the linear growth); other powers "
                                "of 1 + t / timescale are InverseSqrt's", self.power)
        if self.power < 0.0 and not math.isfinite(abs(self.start_value) * (1.0 + self.rate * (MAX_STEPS / float(self.every)))):
            raise ScheduleError("InverseTime", "rate", "small enough that the growth start_value * (1 + rate * 2**53 "
                                "/ every) is finite", self.rate)

    def formula(self, step: Any, xp: Any) -> Any:
        e = floor_div(step, self.every, xp) if self.staircase else step / float(self.every)
        q = 1.0 + self.rate * e
        return self.start_value / q if self.power == 1.0 else self.start_value * q

    @property
    def duration(self) -> int | None:
        return 0 if self.rate == 0.0 else None


@register
class Noam(Schedule):
    """The Transformer's schedule (paddle NoamDecay): ``scale * d_model**-0.5 * min(max(t, 1)**-0.5, t * warmup**-1.5)``.

    The value at t = 0 is 0, as in paddle.

    >>> s = Noam(d_model=1, warmup_steps=2)
    >>> [f"{s(t):.4f}" for t in range(5)]
    ['0.0000', '0.3536', '0.7071', '0.5774', '0.5000']
    """

    d_model: float = field(gt=0.0)
    warmup_steps: int = field(ge=1, duration=True)
    scale: float = 1.0

    def formula(self, step: Any, xp: Any) -> Any:
        ramp = step * float(self.warmup_steps) ** -1.5
        decay = xp.maximum(step, 1.0) ** -0.5
        return self.scale * self.d_model**-0.5 * xp.minimum(decay, ramp)

    @property
    def duration(self) -> None:
        return None


@register
class Tanh(Schedule):
    """timm's tanh decay over ``steps`` steps, then holding its value at ``steps``.

    ``p = min(t, steps) / steps``;
    ``value = end + (start - end) / 2 * (1 - tanh(lower * (1 - p) + upper * p))``.
    Note ``value(0)`` is ``0.999999...·start``, not start (as in timm).

    >>> s = Tanh(start_value=1.0, steps=10)
    >>> [f"{s(t):.4f}" for t in (0, 5, 10)]
    ['1.0000', '0.9820', '0.0025']
    """

    start_value: float
    steps: int = field(ge=1, duration=True)
    end_value: float = 0.0
    lower: float = -7.0
    upper: float = field(3.0, gt="lower")

    def formula(self, step: Any, xp: Any) -> Any:
        iv = interval(step, 0.0, self.steps, xp)
        x = self.lower * iv.r + self.upper * iv.p
        # The start's weight (1 - tanh x) / 2 = 1 / (1 + exp(2x)) and the end's 1 / (1 + exp(-2x)),
        # written with e = exp(-2|x|) <= 1: no overflow, and no cancellation where tanh(x) -> 1.
        e = xp.exp(-2.0 * xp.maximum(x, -x))
        small, big = e / (1.0 + e), 1.0 / (1.0 + e)
        pos = x >= 0.0
        return blend(self.start_value, self.end_value, (xp.where(pos, small, big), xp.where(pos, big, small)))

    @property
    def duration(self) -> int:
        return self.steps


@register
class Cyclic(Schedule):
    """torch/paddle CyclicLR: a triangle between ``low_value`` and ``high_value``.

    With ``S = up + down``, cycle ``k = floor(t / S)`` (exact up to 2**53) and ``u = t - k S``:
    ``f = u / up`` if ``u <= up`` else ``(S - u) / down``; ``value = low + (high - low) * f * scale``,
    scale = 1 ("triangular"), ``0.5**k`` ("triangular2"), ``gamma**t`` ("exp_range").

    >>> s = Cyclic(low_value=0.1, high_value=1.0, up_steps=4, down_steps=2)
    >>> [f"{s(t):.3f}" for t in range(7)]
    ['0.100', '0.325', '0.550', '0.775', '1.000', '0.550', '0.100']
    """

    low_value: float
    high_value: float
    up_steps: int = field(ge=1, duration=True)
    down_steps: int | None = field(None, ge=1, duration=True)
    mode: str = field("triangular", choices=("triangular", "triangular2", "exp_range"))
    gamma: float = field(1.0, gt=0.0, le=1.0)

    @property
    def _down(self) -> int:
        return self.up_steps if self.down_steps is None else self.down_steps

    def formula(self, step: Any, xp: Any) -> Any:
        up, down = float(self.up_steps), float(self._down)
        period = up + down
        k, u = cycle_of(step, period, xp)
        low, high, rising = self.low_value, self.high_value, u <= up
        if self.mode == "triangular" and abs(high) < abs(low):
            # from the end nearer 0 (as `cosine`): the top, with g = 1 - f the distance from it,
            # so a cycle down to a small high does not cancel there
            g = xp.where(rising, (up - u) / up, (u - up) / down)
            d = exact_step(high, low, xp)
            return high + d * g if d is not None else low * g + high * (1.0 - g)
        f = xp.where(rising, u / up, (period - u) / down)
        if self.mode == "triangular":
            d = exact_step(low, high, xp)
            return low + d * f if d is not None else high * f + low * (1.0 - f)
        amp = (high - low) * f
        if self.mode == "triangular2":
            amp = amp * power(0.5, k, xp)
        elif self.mode == "exp_range":
            amp = amp * power(self.gamma, step, xp)
        return self.low_value + amp

    @property
    def duration(self) -> None:
        return None

    def segments(self, lo: float, hi: float) -> list[Segment]:
        return _periods(self, lo, hi, self.up_steps + self._down, ((0, "cyclic up"), (self.up_steps, "cyclic down")))


def _anneal(start: float, end: float, t: Any, t0: float, t1: float, kind: str, xp: Any) -> Any:
    # torch OneCycleLR's two strategies, from `start` at step t0 to `end` at step t1.
    if kind == "cos":
        return cosine(t, start, end, t0, t1 - t0, xp, end=t1)
    return blend(start, end, weights("linear", interval(t, t0, t1 - t0, xp, end=t1), xp))


@register
class OneCycle(Schedule):
    """torch OneCycleLR: up from ``peak/div_factor`` to ``peak``, then down to ``peak/div_factor/final_div_factor``.

    Phase ends are the floats ``pct_start*N - 1`` and ``N - 1`` (three phases:
    ``pct_start*N - 1``, ``2*pct_start*N - 2``, ``N - 1``, going back to the initial value in
    between), with ``N = total_steps``; a step belongs to the first phase whose end it does not
    exceed. Inside a phase, ``p = (t - start) / (end - start)`` and the value anneals by cosine
    or linearly. From ``N - 1`` on the final value holds (torch extrapolates at t = N and
    raises after; ``lrcore.catalog.torch`` keeps that).

    >>> s = OneCycle(peak_value=1.0, total_steps=10)
    >>> [f"{s(t):.6f}" for t in (0, 1, 2, 9)]
    ['0.040000', '0.520000', '1.000000', '0.000004']
    """

    peak_value: float
    total_steps: int = field(ge=2, duration=True)
    pct_start: float = field(0.3, gt=0.0, lt=1.0)
    div_factor: float = field(25.0, gt=0.0)
    final_div_factor: float = field(1e4, gt=0.0)
    anneal: str = field("cos", choices=("cos", "linear"))
    three_phase: bool = False

    def validate(self) -> None:
        n = "OneCycle"
        if not all(math.isfinite(v) and (v == 0.0 or abs(v) > 1e-300) for v in self._values()):
            raise ScheduleError(n, "div_factor", "such that peak_value / div_factor / final_div_factor is a finite, "
                                "normal number", self.div_factor)
        ends = self._ends()
        if not all(b > a for a, b in zip((0.0, *ends), ends)):
            lim = "(N + 1) / (2 N)" if self.three_phase else "1"
            raise ScheduleError(n, "pct_start", f"such that every phase is longer than 0 steps "
                                f"(1 < pct_start * total_steps, pct_start < {lim})", self.pct_start)

    def _ends(self) -> tuple[float, ...]:
        n, pct = float(self.total_steps), self.pct_start
        if self.three_phase:
            return (pct * n - 1.0, 2.0 * pct * n - 2.0, n - 1.0)
        return (pct * n - 1.0, n - 1.0)

    def _values(self) -> tuple[float, ...]:
        init = self.peak_value / self.div_factor
        low = init / self.final_div_factor
        return (init, self.peak_value, init, low) if self.three_phase else (init, self.peak_value, low)

    def formula(self, step: Any, xp: Any) -> Any:
        ends, vals = self._ends(), self._values()
        t = xp.minimum(step, ends[-1])
        out = None
        starts = (0.0, *ends[:-1])
        for i in reversed(range(len(ends))):
            v = _anneal(vals[i], vals[i + 1], t, starts[i], ends[i], self.anneal, xp)
            out = v if out is None else xp.where(t <= ends[i], v, out)
        return out

    @property
    def duration(self) -> int:
        return self.total_steps - 1

    def segments(self, lo: float, hi: float) -> list[Segment]:
        # a phase holds the steps up to its end e inclusive: the next starts just above e
        f, ends = self.formula, self._ends()
        edges = [0.0] + [math.nextafter(e, INF) for e in ends[:-1]] + [ends[-1]]
        names = ("warmup", "anneal", "annihilate") if self.three_phase else ("warmup", "anneal")
        out = [Segment(edges[i], edges[i + 1], f"onecycle {names[i]}", f) for i in range(len(names))]
        return out + [Segment(ends[-1], INF, "constant", None)]


@register
class WSD(Schedule):
    """Warmup-stable-decay: a linear warmup, a plateau at ``peak_value``, a decay to ``end_value``.

    ``t < W``: ``start + (peak - start) * t / W``; ``W <= t <= W + S``: peak; then with
    ``p = min((t - W - S) / D, 1)``: ``end + (peak - end) * d(p)``, where d is Megatron's
    decay shape: "linear" ``1 - p``, "cosine" ``(1 + cos(pi p)) / 2``, "exponential"
    ``2 * 0.5**p - 1``, "1-sqrt" ``1 - sqrt(p)`` (Megatron's ``lr_wsd_decay_style`` names them
    linear, cosine, exponential and minus_sqrt; ``lrcore.catalog.megatron`` is tested against it).

    >>> s = WSD(peak_value=1.0, warmup_steps=2, stable_steps=2, decay_steps=4, end_value=0.1)
    >>> [f"{s(t):.3f}" for t in range(10)]
    ['0.000', '0.500', '1.000', '1.000', '1.000', '0.775', '0.550', '0.325', '0.100', '0.100']
    """

    peak_value: float
    warmup_steps: int = field(ge=0, duration=True)
    stable_steps: int = field(ge=0, duration=True)
    decay_steps: int = field(ge=1, duration=True)
    start_value: float = 0.0
    end_value: float = 0.0
    decay_shape: str = field("linear", choices=DECAY_SHAPES)

    def formula(self, step: Any, xp: Any) -> Any:
        w, hold = float(self.warmup_steps), float(self.warmup_steps + self.stable_steps)
        if self.decay_shape == "cosine":
            out = cosine(step, self.peak_value, self.end_value, hold, float(self.decay_steps), xp)
        else:
            iv = interval(step, hold, float(self.decay_steps), xp)
            out = blend(self.peak_value, self.end_value, decay_weights(self.decay_shape, iv, xp))
        out = xp.where(step <= hold, self.peak_value, out)
        if w:
            out = xp.where(step < w, ramp(step, self.start_value, self.peak_value, w, "linear", xp), out)
        return out

    @property
    def duration(self) -> int:
        return self.warmup_steps + self.stable_steps + self.decay_steps

    def segments(self, lo: float, hi: float) -> list[Segment]:
        f, w, s, d = self.formula, float(self.warmup_steps), float(self.warmup_steps + self.stable_steps), float(self.duration)
        out = [Segment(0.0, w, "warmup linear", f)] if w else []
        out += [Segment(w, s, "stable", None)] if s > w else []
        return out + [Segment(s, d, f"decay {self.decay_shape}", f), Segment(d, INF, "constant", None)]


def _accepts_xp(fn: Callable[..., Any]) -> bool:
    import inspect  # on use: it costs milliseconds to import

    try:
        return "xp" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def _check_fn(node: str, name: str, value: Any) -> Any:
    """A callable, or a registered function's name; a registered callable is stored as its name."""
    if isinstance(value, str):
        if function_named(value) is None:
            raise ScheduleError(node, name, "a callable or the name of a function registered with "
                                "lrcore.register_function (import the module that registers it first)", value)
        return value
    if not callable(value):
        raise ScheduleTypeError(node, name, "a callable", value)
    return name_of(value) or value


def _check_params(node: str, name: str, value: Any) -> Params:
    return check_params(node, name, value)


@register
class Function(Schedule):
    """A user function of the step: ``fn(step, **params)`` or, to run on every array library, ``fn(step, xp, **params)``.

    Fields: ``fn``, a callable or the name of a function registered with
    `lrcore.register_function` (a registered callable is stored as its name, so both spellings
    are equal); ``params``, keyword arguments for it, plain data (numbers, strings, bools,
    None, lists and dicts of those; default none), kept read-only (lists as tuples).

    A function without an ``xp`` parameter runs on Python numbers and numpy arrays only
    (element by element); one with it gets the op namespace (``xp.cos``, ``xp.where``, ...)
    and runs everywhere, jax.jit included. Its duration is unknown (None). In a config:

    * a named function is ``{"type": "Function", "name": "myproj.warmup", "params": {...}}``
      and loads, without ``allow_functions``, wherever the name is registered;
    * any other is an import reference ``{"type": "Function", "fn": "module:qualname"}``
      (plus ``"params"`` if any), loaded back only with ``allow_functions=True``; a lambda,
      closure or ``functools.partial`` cannot be stored (its fingerprint is still exact).

    >>> Function(fn=abs)(3)
    3.0
    >>> import lrcore
    >>> @lrcore.register_function("docs.linear_warmup")
    ... def linear_warmup(step, warmup):
    ...     return min(1.0, (step + 1) / warmup)
    >>> s = Function("docs.linear_warmup", params={"warmup": 100})
    >>> s(49), s.to_config()
    (0.5, {'type': 'Function', 'name': 'docs.linear_warmup', 'params': {'warmup': 100}})
    """

    fn: Callable[..., Any] = field(check=_check_fn)  # or the name of a registered function
    params: Params = field(EMPTY_PARAMS, check=_check_params)

    def validate(self) -> None:
        if not self.params:
            return
        import inspect  # on use: it costs milliseconds to import

        try:
            sig = inspect.signature(self._c_fn)
        except (TypeError, ValueError):  # a builtin without a signature: its call will tell
            return
        try:
            sig.bind(0.0, **({"xp": None} if "xp" in sig.parameters else {}), **self.params)
        except TypeError as e:
            raise ScheduleError("Function", "params", f"keyword arguments the function accepts ({e})",
                                self.params.plain()) from None

    def formula(self, step: Any, xp: Any) -> Any:
        fn = self._c_fn
        if not self._c_xp:
            return xp.apply(self._c_call, step)  # s(step) calls it as it is, whatever Python it uses
        params = self.params
        if xp.name != "trace":
            return fn(step, xp=xp, **params)
        try:  # compiled into s(step) like any formula, if it is written with the ops of xp only
            return fn(step, xp=xp, **params)
        except FormulaError:  # it uses Python on the step: s(step) calls it on the plain-math ops
            return xp.apply(lambda t: fn(t, xp=_ops.scalar, **params), step)

    @property
    def _c_fn(self) -> Callable[..., Any]:
        """The callable: `fn` itself, or the function registered under its name."""
        fn = self.fn
        if not isinstance(fn, str):
            return fn
        got = function_named(fn)
        if got is None:  # unpickled in a process that did not register it
            raise ScheduleError("Function", "fn", "the name of a registered function (import the module that "
                                "calls lrcore.register_function for it)", fn)
        return got

    @property
    def _c_call(self) -> Callable[..., Any]:
        """The function of the step alone: `fn` or ``partial(fn, **params)``."""
        def make() -> Callable[..., Any]:
            if not self.params:
                return self._c_fn
            from functools import partial

            return partial(self._c_fn, **self.params)

        return self._cached("_c_call_fn", make)

    @property
    def _c_xp(self) -> bool:
        return self._cached("_c_accepts_xp", lambda: _accepts_xp(self._c_fn))

    @property
    def duration(self) -> None:
        return None


def function_of(node: str, field_: str, fn: Any) -> Function:
    """A catalog's user function as a `Function`: a callable, a registered function's name, or a
    `Function` itself (how params are given); errors name the catalog's class and argument."""
    if isinstance(fn, Function):
        return fn
    if isinstance(fn, (list, tuple)):
        raise ScheduleTypeError(node, field_, "a callable (lists are per param group in torch: call once "
                                "per group)", fn)
    if not isinstance(fn, str) and not callable(fn):
        raise ScheduleTypeError(node, field_, "a callable", fn)
    from ._errors import renamed

    with renamed(node, fn=field_):
        return Function(fn)
