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
from typing import Any

import mpmath
from mpmath import mpf

import lrcore

mpmath.mp.dps = 50

__all__ = ["ref", "ulp_error"]


def _x(v: Any) -> mpf:
    return mpf(v)  # a float's exact binary value, an int exactly


def _ramp_weight(shape: str, p: mpf) -> mpf:
    """The end's weight of a warmup ramp at progress p."""
    if shape == "linear":
        return p
    if shape == "cosine":
        return (1 - mpmath.cos(mpmath.pi * p)) / 2
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


def ref(s: Any, t: Any, children: str = "exact") -> mpf:  # noqa: C901 - one branch per node type, on purpose
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
    if n == "Constant":
        return _x(s.value)
    if n in ("Linear", "Polynomial"):
        a, b, S = _x(s.start_value), _x(s.end_value), _x(s.steps)
        power = _x(getattr(s, "power", 1.0))
        if getattr(s, "cycle", False):  # the length grows to the next multiple of S
            L = S * max(mpmath.ceil(_x(t) / S), 1)
            return (a - b) * (1 - _x(t) / L) ** power + b
        return (a - b) * (1 - min(t, S) / S) ** power + b
    if n == "Cosine":
        a, b, S = _x(s.start_value), _x(s.end_value), _x(s.steps)
        return b + (a - b) * ((1 + mpmath.cos(mpmath.pi * min(t, S) / S)) / 2) ** _x(s.power)
    if n == "Exponential":
        e = t / _x(s.every)
        if s.staircase:
            # a fractional `every` floors the float64 quotient, the peers' rule (lrcore._math.floor_div)
            e = mpmath.floor(e) if float(s.every) == int(s.every) else _x(math.floor(float(t) / s.every))
        return _x(s.start_value) * _x(s.factor) ** e
    if n == "MultiStep":
        k = sum(1 for m in s.milestones if m <= t)
        return _x(s.start_value) * _x(s.factor) ** k
    if n == "Piecewise":
        return _x(s.values[sum(1 for b in s.boundaries if b <= t)])
    if n == "Interpolate":
        b, v = [_x(x) for x in s.boundaries], [_x(x) for x in s.values]
        if t <= b[0]:
            return v[0]
        if t >= b[-1]:
            return v[-1]
        i = max(j for j in range(len(b)) if b[j] <= t)
        p = (t - b[i]) / (b[i + 1] - b[i])
        w = p if s.shape == "linear" else (1 - mpmath.cos(mpmath.pi * p)) / 2
        return v[i] + (v[i + 1] - v[i]) * w
    if n == "InverseSqrt":
        ts = _x(s.timescale_steps)
        return _x(s.start_value) / mpmath.sqrt((t + ts) / ts)
    if n == "InverseTime":
        e = t / _x(s.every)
        if s.staircase:
            # a fractional `every` floors the float64 quotient, the peers' rule (lrcore._math.floor_div)
            e = mpmath.floor(e) if float(s.every) == int(s.every) else _x(math.floor(float(t) / s.every))
        return _x(s.start_value) / (1 + _x(s.rate) * e)
    if n == "Noam":
        W = _x(s.warmup_steps)
        return _x(s.scale) * _x(s.d_model) ** mpf(-0.5) * min(max(t, mpf(1)) ** mpf(-0.5), t * W ** mpf(-1.5))
    if n == "Tanh":
        S, a, b = _x(s.steps), _x(s.start_value), _x(s.end_value)
        p = min(t, S) / S
        return b + (a - b) / 2 * (1 - mpmath.tanh(_x(s.lower) * (1 - p) + _x(s.upper) * p))
    if n == "Cyclic":
        up = _x(s.up_steps)
        down = up if s.down_steps is None else _x(s.down_steps)
        S = up + down
        k = mpmath.floor(t / S)
        u = t - k * S
        f = u / up if u <= up else (S - u) / down
        scale = 1 if s.mode == "triangular" else mpf("0.5") ** k if s.mode == "triangular2" else _x(s.gamma) ** t
        return _x(s.low_value) + (_x(s.high_value) - _x(s.low_value)) * f * scale
    if n == "OneCycle":
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
    if n == "WSD":
        W, S, D = _x(s.warmup_steps), _x(s.stable_steps), _x(s.decay_steps)
        a, peak, b = _x(s.start_value), _x(s.peak_value), _x(s.end_value)
        if t < W:
            return a + (peak - a) * t / W
        if t <= W + S:
            return peak
        p = min((t - W - S) / D, mpf(1))
        return b + (peak - b) * _decay_coeff(s.decay_shape, p)
    if n == "Sequential":
        if s.boundaries is not None:
            starts = [0, *s.boundaries]
        else:
            starts = [0]
            for part in s.parts[:-1]:
                starts.append(starts[-1] + part.duration)
        i = max(j for j in range(len(starts)) if starts[j] <= t)
        return sub(s.parts[i], t - starts[i])
    if n == "Warmup":
        W = _x(s.warmup_steps)
        if t < W:
            a, target = _x(s.start_value), sub(s.schedule, 0)
            return a + (target - a) * _ramp_weight(s.shape, t / W)
        return sub(s.schedule, t - W if s.prefix else t)
    if n == "Restart":
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
    if n == "Clamp":
        v = sub(s.schedule, t)
        if s.min_value is not None:
            v = max(v, _x(s.min_value))
        if s.max_value is not None:
            v = min(v, _x(s.max_value))
        return v
    if n == "Product":
        out = mpf(1)
        for f in s.factors:
            out *= sub(f, t)
        return out
    if n == "Sum":
        return mpmath.fsum(sub(x, t) for x in s.terms)
    if n == "Minimum":
        return min(sub(x, t) for x in s.schedules)
    if n == "Maximum":
        return max(sub(x, t) for x in s.schedules)
    if n == "Shift":
        return sub(s.schedule, max(t - s.steps, mpf(0)))
    if n == "Stretch":
        # the documented time t / factor, a float64, snapped to the integer k where k * factor
        # rounds to t (lrcore._math.exact_div, the formula's own rule)
        from lrcore import ops as _ops
        from lrcore._math import exact_div

        return sub(s.schedule, _x(float(exact_div(float(t), s.factor, _ops.scalar))))
    if n == "Warp":
        if t >= s.steps:
            return sub(s.schedule, t)
        # the documented time steps * (t / steps) ** exponent, a float64 number (as Stretch's
        # t / factor), as the formula computes it (sqrt and products for 0.5, 2, 3, 4); that this
        # time is itself within a few ulp of the exact one is test_precision's warp_time test
        from lrcore import ops as _ops

        return sub(s.schedule, _x(float(s._time(float(t), _ops.scalar))))
    if n == "Quantize":
        e = _x(s.every)
        return sub(s.schedule, mpmath.floor(t / e) * e)
    raise TypeError(f"no reference for {n}")


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
