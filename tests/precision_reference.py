"""An independent reference for every lrcore node, in mpmath at 50 significant digits.

Each formula is written here again from the documentation (DESIGN.md, the docstrings), in the
plainest form, with exact rational steps and mpmath functions: nothing is shared with the
engine but the parameters, which are taken as the exact binary values they hold. ``ref(s, t)``
is the value of schedule ``s`` at step ``t`` (an int) as an ``mpmath.mpf``.

>>> import lrcore
>>> float(ref(lrcore.Cosine(start_value=1.0, steps=4), 2))
0.5
"""

from __future__ import annotations

import math
from typing import Any, Callable

import mpmath
from mpmath import mpf

import lrcore

mpmath.mp.dps = 50

__all__ = ["ref", "ulp_error", "REFERENCES"]


def _x(v: Any) -> mpf:
    return mpf(v)  # a float's exact binary value, an int exactly


def _ramp_weight(shape: str, p: mpf, length: mpf = mpf(1)) -> mpf:
    """The end's weight of a warmup ramp at progress p (of a ramp `length` steps long)."""
    if shape == "linear":
        return p
    if shape == "cosine":
        return (1 - mpmath.cos(mpmath.pi * p)) / 2
    if shape == "log":
        return mpmath.log(1 + p * length) / mpmath.log(1 + length)
    return 1 - mpmath.sqrt(1 - p)  # "1-sqrt"


def _decay_coeff(shape: str, p: mpf) -> mpf:
    """Megatron's decay shapes: the peak's share at progress p."""
    if shape == "linear":
        return 1 - p
    if shape == "cosine":
        return (1 + mpmath.cos(mpmath.pi * p)) / 2
    if shape == "exponential":
        return 2 * mpf("0.5") ** p - 1
    return 1 - mpmath.sqrt(p)  # "1-sqrt"


def _restart_table(s: lrcore.Restart, t: mpf) -> tuple[int, mpf, mpf]:
    """(k, start, length) of the cycle holding t (the last cycle if past the limit)."""
    p, m = _x(s.period_steps), _x(s.period_mult)
    if m == 1:
        k = int(mpmath.floor(t / p))
        if s.limit is not None:
            k = min(k, s.limit - 1)
        return k, k * p, p
    start, k = 0.0, 0  # the table of cycle starts: float64 sums of the float64 lengths, as documented
    while True:
        length = float(s.period_steps * s.period_mult**k)
        if t < _x(start + length) or (s.limit is not None and k == s.limit - 1):
            return k, _x(start), _x(length)
        start += length
        k += 1


def ref(s: Any, t: Any, children: str = "exact") -> mpf:
    """The value of `s` at step `t`, at 50 digits.

    ``children="exact"``: the whole tree at 50 digits. ``children="float64"``: a combinator's
    children enter with the float64 values lrcore computes for them (at the child's time, itself
    rounded to float64 where the documented formula computes it), so the error measured is the
    node's own.
    """
    t = mpf(t)

    def sub(child: Any, x: Any) -> mpf:
        if children == "float64":
            return mpf(child(float(x)))
        return ref(child, x, children)

    n = type(s).__name__
    if n not in REFERENCES:
        raise TypeError(f"no reference for {n}")
    return REFERENCES[n](s, t, sub)


#: The reference formula of each node, by class name: ``fn(s, t, sub)`` with ``t`` an mpf and
#: ``sub(child, x)`` the value of a child at time ``x`` (at 50 digits, or lrcore's float64).
REFERENCES: dict[str, Callable[[Any, mpf, Callable[[Any, Any], mpf]], mpf]] = {}


def _reference(*names: str) -> Callable:
    def put(fn: Callable) -> Callable:
        for n in names:
            REFERENCES[n] = fn
        return fn

    return put


@_reference("Constant")
def _constant(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    return _x(s.value)


@_reference("Linear", "Polynomial")
def _linear(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    a, b, S = _x(s.start_value), _x(s.end_value), _x(s.steps)
    power = _x(getattr(s, "power", 1.0))
    if getattr(s, "cycle", False):  # the length grows to the next multiple of S
        L = S * max(mpmath.ceil(_x(t) / S), 1)
        return (a - b) * (1 - _x(t) / L) ** power + b
    return (a - b) * (1 - min(t, S) / S) ** power + b


@_reference("Cosine")
def _cosine(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    a, b, S = _x(s.start_value), _x(s.end_value), _x(s.steps)
    return b + (a - b) * ((1 + mpmath.cos(mpmath.pi * min(t, S) / S)) / 2) ** _x(s.power)


@_reference("Exponential")
def _exponential(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    e = t / _x(s.every)
    if s.staircase:
        # a fractional `every` floors the float64 quotient, the peers' rule (lrcore._math.floor_div)
        e = mpmath.floor(e) if float(s.every) == int(s.every) else _x(math.floor(float(t) / s.every))
    return _x(s.start_value) * _x(s.factor) ** e


@_reference("Geometric")
def _geometric(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    a, b, S = _x(s.start_value), _x(s.end_value), _x(s.steps)
    return a * (b / a) ** (min(t, S) / S)


@_reference("MultiStep")
def _multi_step(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    k = sum(1 for m in s.milestones if m <= t)
    return _x(s.start_value) * _x(s.factor) ** k


@_reference("Piecewise")
def _piecewise(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    return _x(s.values[sum(1 for b in s.boundaries if b <= t)])


@_reference("Interpolate")
def _interpolate(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    b, v = [_x(x) for x in s.boundaries], [_x(x) for x in s.values]
    if t <= b[0]:
        return v[0]
    if t >= b[-1]:
        return v[-1]
    i = max(j for j in range(len(b)) if b[j] <= t)
    p = (t - b[i]) / (b[i + 1] - b[i])
    w = p if s.shape == "linear" else (1 - mpmath.cos(mpmath.pi * p)) / 2
    return v[i] + (v[i + 1] - v[i]) * w


@_reference("InverseSqrt")
def _inverse_sqrt(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    ts = _x(s.timescale_steps)
    return _x(s.start_value) * ((t + ts) / ts) ** -_x(s.power)


@_reference("InverseTime")
def _inverse_time(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    e = t / _x(s.every)
    if s.staircase:
        # a fractional `every` floors the float64 quotient, the peers' rule (lrcore._math.floor_div)
        e = mpmath.floor(e) if float(s.every) == int(s.every) else _x(math.floor(float(t) / s.every))
    return _x(s.start_value) / (1 + _x(s.rate) * e) ** _x(s.power)


@_reference("Noam")
def _noam(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    W = _x(s.warmup_steps)
    return _x(s.scale) * _x(s.d_model) ** mpf(-0.5) * min(max(t, mpf(1)) ** mpf(-0.5), t * W ** mpf(-1.5))


@_reference("Tanh")
def _tanh(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    S, a, b = _x(s.steps), _x(s.start_value), _x(s.end_value)
    p = min(t, S) / S
    return b + (a - b) / 2 * (1 - mpmath.tanh(_x(s.lower) * (1 - p) + _x(s.upper) * p))


@_reference("Cyclic")
def _cyclic(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    up = _x(s.up_steps)
    down = up if s.down_steps is None else _x(s.down_steps)
    S = up + down
    k = mpmath.floor(t / S)
    u = t - k * S
    f = u / up if u <= up else (S - u) / down
    scale = 1 if s.mode == "triangular" else mpf("0.5") ** k if s.mode == "triangular2" else _x(s.gamma) ** t
    return _x(s.low_value) + (_x(s.high_value) - _x(s.low_value)) * f * scale


@_reference("OneCycle")
def _one_cycle(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    N, pct = _x(s.total_steps), _x(s.pct_start)
    peak = _x(s.peak_value)
    init = peak / _x(s.div_factor)
    low = init / _x(s.final_div_factor)
    # the phase ends are documented as the float64 numbers pct*N - 1 (and 2*pct*N - 2), as in torch
    n, q = float(s.total_steps), s.pct_start
    if s.three_phase:
        ends, vals = [_x(q * n - 1.0), _x(2.0 * q * n - 2.0), N - 1], [init, peak, init, low]
    else:
        ends, vals = [_x(q * n - 1.0), N - 1], [init, peak, low]
    tt = min(t, N - 1)
    start = mpf(0)
    for i, e in enumerate(ends):
        if tt <= e:
            p = (tt - start) / (e - start)
            a, b = vals[i], vals[i + 1]
            if s.anneal == "cos":
                return b + (a - b) / 2 * (1 + mpmath.cos(mpmath.pi * p))
            return a + (b - a) * p
        start = e
    raise AssertionError("unreachable")


@_reference("WSD")
def _wsd(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    W, S, D = _x(s.warmup_steps), _x(s.stable_steps), _x(s.decay_steps)
    a, peak, b = _x(s.start_value), _x(s.peak_value), _x(s.end_value)
    if t < W:
        return a + (peak - a) * t / W
    if t <= W + S:
        return peak
    p = min((t - W - S) / D, mpf(1))
    return b + (peak - b) * _decay_coeff(s.decay_shape, p)


@_reference("Sequential")
def _sequential(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    if s.boundaries is not None:
        starts = [0, *s.boundaries]
    else:
        starts = [0]
        for part in s.parts[:-1]:
            starts.append(starts[-1] + part.duration)
    i = max(j for j in range(len(starts)) if starts[j] <= t)
    return sub(s.parts[i], t - starts[i])


@_reference("Warmup")
def _warmup(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    W = _x(s.warmup_steps)
    if t < W:
        a, target = _x(s.start_value), sub(s.schedule, 0)
        return a + (target - a) * _ramp_weight(s.shape, t / W, W)
    return sub(s.schedule, t - W if s.prefix else t)


@_reference("Restart")
def _restart(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    D = _x(s.schedule.duration)
    k, start, length = _restart_table(s, t)
    u = t - start
    # the local time u * D / L_k is a float64 number (the documented formula), strictly below D
    local = D if (s.limit is not None and u >= length) else \
        min(_x(float(float(u) * float(D)) / float(length)), _x(math.nextafter(float(D), 0.0)))
    v = sub(s.schedule, local)
    d = _x(s.decay)
    if d == 1:
        return v
    if s.decay_mode == "all":
        return v * d**k
    peak, end = sub(s.schedule, 0), sub(s.schedule, D)
    if s.decay_mode == "above_end" or peak == end:
        return end + (v - end) * d**k
    return end + (v - end) * (peak * d**k - end) / (peak - end)


@_reference("Clamp")
def _clamp(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    v = sub(s.schedule, t)
    if s.min_value is not None:
        v = max(v, _x(s.min_value))
    if s.max_value is not None:
        v = min(v, _x(s.max_value))
    return v


@_reference("Product")
def _product(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    out = mpf(1)
    for f in s.factors:
        out *= sub(f, t)
    return out


@_reference("Sum")
def _sum(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    return mpmath.fsum(sub(x, t) for x in s.terms)


@_reference("Minimum")
def _minimum(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    return min(sub(x, t) for x in s.schedules)


@_reference("Maximum")
def _maximum(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    return max(sub(x, t) for x in s.schedules)


@_reference("Shift")
def _shift(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    return sub(s.schedule, max(t - s.steps, mpf(0)))


@_reference("Stretch")
def _stretch(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    # the documented time t / factor, a float64, snapped to the integer k where k * factor
    # rounds to t (lrcore._math.exact_div, the formula's own rule)
    from lrcore import ops as _ops
    from lrcore._math import exact_div

    return sub(s.schedule, _x(float(exact_div(float(t), s.factor, _ops.scalar))))


@_reference("Warp")
def _warp(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    if t >= s.steps:
        return sub(s.schedule, t)
    # the documented time steps * (t / steps) ** exponent, a float64 number (as Stretch's
    # t / factor), as the formula computes it (sqrt and products for 0.5, 2, 3, 4); that this
    # time is itself within a few ulp of the exact one is test_precision's warp_time test
    from lrcore import ops as _ops

    return sub(s.schedule, _x(float(s._time(float(t), _ops.scalar))))


@_reference("Quantize")
def _quantize(s: Any, t: mpf, sub: Callable[[Any, Any], mpf]) -> mpf:
    e = _x(s.every)
    return sub(s.schedule, mpmath.floor(t / e) * e)


def _ulp(x: float) -> float:
    import math

    return math.ulp(max(abs(x), 2.2250738585072014e-308))


def ulp_error(value: float, reference: mpf, scale: float = 0.0) -> float:
    """|value - reference| in units of the last place of max(|reference|, scale) (float64).

    ``scale`` is the size of the values the formula combines (see test_precision); where the
    exact value is far smaller than those (a sum that cancels, a blend passing near 0), an
    error of a few ulp *of them* is all any float64 evaluation can promise.
    """
    r = float(reference)
    return float(abs(mpf(value) - reference) / mpf(_ulp(max(abs(r), abs(scale)))))
