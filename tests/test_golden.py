"""Golden values: every primitive against an independent reference, and the peers' famous configurations.

Expected values never come from lrcore. Each primitive has a reference function below, written
in plain Python ``math`` from the formula the peer publishes (PEERS.md, DESIGN.md section 3):
torch's CyclicLR code path, torch OneCycleLR's phase loop, Megatron's WSD, paddle's Noam, optax's
schedules, timm's tanh... Both ``s(t)`` and ``s.evaluate(...)`` are compared with it to rtol 1e-12,
over fixed configurations and hypothesis-drawn parameters.

Where the reference formula itself loses digits (a difference of nearly equal numbers), the
comparison adds an absolute tolerance of 1e-12 times the schedule's value range (see `_atol`);
every such place says why. The second half of the file checks lrcore trees that express the
peers' famous configurations against the numbers PEERS.md printed from running the peers,
to the number of digits printed.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

import lrcore
from lrcore import (
    WSD,
    Clamp,
    Constant,
    Cosine,
    Cyclic,
    Exponential,
    Geometric,
    Interpolate,
    InverseSqrt,
    InverseTime,
    Linear,
    MultiStep,
    Noam,
    OneCycle,
    Piecewise,
    Polynomial,
    Quantize,
    Restart,
    Sequential,
    Shift,
    Stretch,
    Tanh,
    Warmup,
    Warp,
)
from nodes import NODES

RTOL = 1e-12


# ----------------------------------------------------------------------------------------------
# Comparison helpers


def _atol(*values: float) -> float:
    """1e-12 times the value range, for references that cancel (the range bounds the lost digits)."""
    return 1e-12 * max(abs(v) for v in values)


def grid(duration: int, *, mult: int = 3, dense: int = 400, points: int = 400) -> list:
    """Steps 0..mult*duration: every step up to `dense`, a stride beyond, and the neighbourhood of
    the duration and of the end (so long schedules stay cheap but boundaries are always covered)."""
    top = mult * max(duration, 1) + 2
    out = set(range(min(top, dense)))
    if top > dense:
        stride = max(1, (top - dense) // points)
        out.update(range(dense, top, stride))
    for c in (duration, top - 1):
        out.update(t for t in range(c - 3, c + 4) if 0 <= t < top)
    return sorted(out)


def unambiguous(steps, every, staircase):
    """Steps where floor(t / every) does not depend on how t / every is rounded (see
    test_staircase_float_every_floors_like_the_peers): all of them for an int `every`."""
    if not staircase or isinstance(every, int):
        return steps
    out = []
    for t in steps:
        q = t / every
        if t == 0 or abs(q - round(q)) > 8 * math.ulp(max(q, 1.0)):
            out.append(t)
    return out


def check(s, ref, steps, *, rtol: float = RTOL, atol: float = 0.0) -> None:
    """s(t), s.evaluate(list) and s.evaluate(float64 array) all equal ref(t) to rtol (+ atol)."""
    steps = list(steps)
    want = [ref(t) for t in steps]
    vec = s.evaluate(steps)
    assert isinstance(vec, np.ndarray) and vec.dtype == np.float64 and vec.shape == (len(steps),)
    vec_f = s.evaluate(np.asarray(steps, dtype=np.float64))
    bad = []
    for i, (t, w) in enumerate(zip(steps, want)):
        # below the smallest normal float64 relative precision is gone by definition (subnormals,
        # which XLA flushes to 0): as in test_eval_path_parity, such a reference accepts any value below it
        tol = atol + rtol * abs(w) + (2.2250738585072014e-308 if abs(w) < 2.2250738585072014e-308 else 0.0)
        got_s = s(t)
        assert type(got_s) is float
        for how, got in (("s(t)", got_s), ("evaluate(list)", float(vec[i])), ("evaluate(f64)", float(vec_f[i]))):
            if not abs(got - w) <= tol:
                bad.append(f"t={t} {how}: got {got!r}, want {w!r} (|diff|={abs(got - w):.3e} > tol={tol:.3e})")
    assert not bad, f"{s!r}\n" + "\n".join(bad[:10]) + (f"\n... {len(bad)} mismatches" if len(bad) > 10 else "")


def check_printed(s, steps, printed, decimals: int = 6) -> None:
    """lrcore values equal numbers printed (rounded to `decimals` places) by the real peers."""
    steps = list(steps)
    assert len(steps) == len(printed)
    tol = 0.5 * 10.0**-decimals + 1e-15
    vec = s.evaluate(steps)
    bad = []
    for i, (t, p) in enumerate(zip(steps, printed)):
        for how, got in (("s(t)", s(t)), ("evaluate", float(vec[i]))):
            if not abs(got - p) <= tol:
                bad.append(f"t={t} {how}: got {got!r}, printed {p!r}")
    assert not bad, f"{s!r}\n" + "\n".join(bad)


# ----------------------------------------------------------------------------------------------
# Strategies

values = st.floats(min_value=0.0, max_value=10.0, allow_nan=False, allow_infinity=False)
pos_values = st.floats(min_value=1e-6, max_value=10.0, allow_nan=False, allow_infinity=False)
signed_values = st.floats(min_value=-10.0, max_value=10.0, allow_nan=False, allow_infinity=False)
n_steps = st.integers(min_value=1, max_value=2000)


# ----------------------------------------------------------------------------------------------
# References: plain `math`, from the published formulas


def ref_linear(t, start, end, steps):
    # optax linear_schedule: (I - E) * (1 - clip(t, 0, T) / T) + E
    c = min(t, steps)
    return (start - end) * (1 - c / steps) + end


def ref_polynomial(t, start, end, steps, power):
    # optax polynomial_schedule / paddle PolynomialDecay (cycle=False)
    c = min(t, steps)
    return (start - end) * (1 - c / steps) ** power + end


def ref_cosine(t, start, steps, end, power):
    # DESIGN.md 3 / optax cosine_decay_schedule (alpha = end / start), exponent = power
    c = min(t, steps)
    return end + (start - end) * ((1 + math.cos(math.pi * c / steps)) / 2) ** power


def ref_exponential(t, start, factor, every, staircase):
    # optax exponential_decay / keras ExponentialDecay: I * rate ** (t / T), floored if staircase
    e = math.floor(t / every) if staircase else t / every
    return start * factor**e


def ref_geometric(t, start, end, steps):
    # fastai SchedExp (fastai/callback/schedule.py): start * (end / start) ** pos, pos = min(t, steps) / steps
    pos = min(t, steps) / steps
    return start * (end / start) ** pos


def ref_multistep(t, start, milestones, factor):
    # torch MultiStepLR closed form: base * gamma ** #{m <= t}
    return start * factor ** sum(1 for m in milestones if m <= t)


def ref_piecewise(t, vals, bounds):
    # paddle PiecewiseDecay: values[i] for the first i with t < boundaries[i], else values[-1]
    for i, b in enumerate(bounds):
        if t < b:
            return vals[i]
    return vals[-1]


def ref_interpolate(t, bounds, vals, shape):
    # optax piecewise_interpolate_schedule (its _linear_interpolate / _cosine_interpolate), ends held
    if t <= bounds[0]:
        return vals[0]
    for i in range(len(bounds) - 1):
        if t < bounds[i + 1]:
            pct = (t - bounds[i]) / (bounds[i + 1] - bounds[i])
            a, b = vals[i], vals[i + 1]
            if shape == "linear":
                return a + (b - a) * pct
            return b + (a - b) / 2.0 * (math.cos(math.pi * pct) + 1)
    return vals[-1]


def ref_inverse_sqrt(t, start, timescale, power=0.5):
    # HF get_inverse_sqrt_schedule after warmup (W = 0): 1 / sqrt((t + timescale) / timescale);
    # another power: NeMo _noam_hold_annealing, lr * W**rate / (t - hold)**rate with t - hold = u + W
    if power == 0.5:
        return start / math.sqrt((t + timescale) / timescale)
    return start * timescale**power / (t + timescale) ** power


def ref_inverse_time(t, start, rate, every, staircase, power=1.0):
    # keras InverseTimeDecay: I / (1 + rate * t / D), floored if staircase; with power -1
    # DeepSpeed's LRRangeTest: min_lr * (1 + step_rate * interval)
    p = math.floor(t / every) if staircase else t / every
    if power == -1.0:
        return start * (1 + rate * p)
    return start / (1 + rate * p) ** power


def ref_noam(t, d_model, warmup, scale):
    # paddle NoamDecay.get_lr
    a = 1 if t == 0 else t**-0.5
    b = warmup**-1.5 * t
    return scale * d_model**-0.5 * min(a, b)


def ref_tanh(t, start, steps, end, lower, upper):
    # timm TanhLRScheduler._get_lr (one cycle), holding from t = steps on
    tr = min(t, steps) / steps
    return end + 0.5 * (start - end) * (1 - math.tanh(lower * (1.0 - tr) + upper * tr))


def ref_cyclic(t, low, high, up, down, mode, gamma):
    # torch CyclicLR.get_lr, verbatim
    down = up if down is None else down
    total_size = float(up + down)
    step_ratio = float(up) / total_size
    cycle = math.floor(1 + t / total_size)
    x = 1.0 + t / total_size - cycle
    if x <= step_ratio:
        scale_factor = x / step_ratio
    else:
        scale_factor = (x - 1) / (step_ratio - 1)
    base_height = (high - low) * scale_factor
    if mode == "triangular":
        return low + base_height * 1.0
    if mode == "triangular2":
        return low + base_height * (1 / (2.0 ** (cycle - 1)))
    return low + base_height * gamma**t  # exp_range: scale_mode 'iterations'


def ref_onecycle(t, peak, total, pct_start, div, final_div, anneal, three_phase):
    # torch OneCycleLR.get_lr phase loop, verbatim; lrcore holds the final value from N - 1 on
    # (torch extrapolates at t = N and raises after), so the step is capped at N - 1.
    initial = peak / div
    low = initial / final_div
    if three_phase:
        phases = [
            (float(pct_start * total) - 1, initial, peak),
            (float(2 * pct_start * total) - 2, peak, initial),
            (total - 1, initial, low),
        ]
    else:
        phases = [(float(pct_start * total) - 1, initial, peak), (total - 1, peak, low)]

    def cos_anneal(start, end, pct):
        return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)

    def lin_anneal(start, end, pct):
        return (end - start) * pct + start

    fn = cos_anneal if anneal == "cos" else lin_anneal
    step_num = min(t, total - 1)
    start_step = 0
    for i, (end_step, start, end) in enumerate(phases):
        if step_num <= end_step or i == len(phases) - 1:
            pct = (step_num - start_step) / (end_step - start_step)
            return fn(start, end, pct)
        start_step = end_step
    raise AssertionError


def ref_wsd(t, peak, warmup, stable, decay, start, end, shape):
    # Megatron OptimizerParamScheduler.get_lr with lr_decay_style="WSD":
    # init_lr=start, max_lr=peak, min_lr=end, lr_warmup_steps=W, lr_decay_steps=W+S+D, wsd_decay_steps=D.
    n, total = t, warmup + stable + decay
    if warmup > 0 and n <= warmup:
        return start + (peak - start) * float(n) / float(warmup)
    if n > total:
        return end
    anneal_start = total - decay
    if n <= anneal_start:
        coeff = 1.0
    else:
        r = (n - anneal_start) / decay
        coeff = {
            "linear": 1.0 - r,
            "cosine": 0.5 * (math.cos(math.pi * r) + 1.0),
            "exponential": 2.0 * (0.5**r) - 1.0,
            "1-sqrt": 1.0 - math.sqrt(r),
        }[shape]
    return end + coeff * (peak - end)


def ref_warm_restarts(n, base, T_0, T_mult, eta_min):
    # torch CosineAnnealingWarmRestarts driven by step() (the integer path, which has no rounding
    # bug): T_cur += 1; if T_cur >= T_i: T_cur -= T_i; T_i *= T_mult. Values for steps 0..n-1.
    out, T_cur, T_i = [], 0, T_0
    for _ in range(n):
        out.append(eta_min + (base - eta_min) * (1 + math.cos(math.pi * T_cur / T_i)) / 2)
        T_cur += 1
        if T_cur >= T_i:
            T_cur -= T_i
            T_i *= T_mult
    return out


def ref_timm_cosine(t, base, t_initial, lr_min, cycle_mul, cycle_decay, cycle_limit):
    # timm CosineLRScheduler._get_lr (no warmup, k_decay = 1); an integer cycle index is taken
    # from exact integer arithmetic instead of timm's float log (same cycles, no rounding).
    if cycle_mul != 1:
        i, start, length = 0, 0, t_initial
        while t >= start + length:
            start += length
            length *= cycle_mul
            i += 1
        t_i, t_curr = length, t - start
    else:
        i = t // t_initial
        t_i, t_curr = t_initial, t - t_initial * i
    if i < cycle_limit:
        lr_max = base * cycle_decay**i
        return lr_min + 0.5 * (lr_max - lr_min) * (1 + math.cos(math.pi * t_curr / t_i))
    return lr_min


def ref_keras_restarts(t, initial, first, t_mul, m_mul, alpha):
    # keras CosineDecayRestarts.__call__, with the cycle index taken exactly (integer t_mul)
    i, start, length = 0, 0, first
    while t >= start + length:
        start += length
        length *= t_mul
        i += 1
    frac = (t - start) / length
    m_fac = m_mul**i
    cosine_decayed = 0.5 * m_fac * (1.0 + math.cos(math.pi * frac))
    return initial * ((1 - alpha) * cosine_decayed + alpha)


# ----------------------------------------------------------------------------------------------
# Constant


@pytest.mark.parametrize("v", [0.0, 0.1, 1e-300, -3.5, 7.0])
def test_constant_fixed(v):
    s = Constant(value=v)
    check(s, lambda t: v, grid(10), rtol=0.0)
    assert s(2**53) == v and s(12345.5) == v


@given(v=st.floats(min_value=-1e300, max_value=1e300, allow_nan=False), t=st.integers(0, 2**53))
def test_constant_hypothesis(v, t):
    s = Constant(value=v)
    assert s(t) == v
    assert s.evaluate([0, t, t // 2]).tolist() == [v, v, v]


# ----------------------------------------------------------------------------------------------
# Linear


@pytest.mark.parametrize("start,end,steps", [(1 / 3, 1.0, 5), (1.0, 0.0, 4), (0.0, 1.0, 7), (0.1, 0.1, 3), (2.0, -1.0, 1)])
def test_linear_fixed(start, end, steps):
    s = Linear(start_value=start, end_value=end, steps=steps)
    # The reference's 1 - t/T cancels near the end (lrcore computes (T - t)/T there): atol.
    check(s, lambda t: ref_linear(t, start, end, steps), grid(steps), atol=_atol(start, end))


@given(start=signed_values, end=signed_values, steps=n_steps)
def test_linear_hypothesis(start, end, steps):
    s = Linear(start_value=start, end_value=end, steps=steps)
    # 1 - c/T in the reference cancels near the end: absolute tolerance on the value range.
    check(s, lambda t: ref_linear(t, start, end, steps), grid(steps), atol=_atol(start, end))


# ----------------------------------------------------------------------------------------------
# Cosine (power 1 and 2)


@pytest.mark.parametrize("power", [1.0, 2.0])
@pytest.mark.parametrize("start,steps,end", [(1.0, 10, 0.1), (1.0, 4, 0.1), (0.1, 1000, 1e-3), (1.0, 1, 0.0), (3e-4, 997, 0.0)])
def test_cosine_fixed(start, steps, end, power):
    s = Cosine(start_value=start, steps=steps, end_value=end, power=power)
    # The reference's 1 + cos(pi p) cancels near p = 1 (its absolute error there is ~1e-16, a large
    # relative error of a value close to `end`); lrcore computes (1 + cos(pi p)) / 2 as
    # sin(pi r / 2)**2 with r = 1 - p, which is more accurate there. So: absolute tolerance of
    # 1e-12 times the value range on top of rtol.
    check(s, lambda t: ref_cosine(t, start, steps, end, power), grid(steps), atol=_atol(start, end))


@given(start=values, end=values, steps=n_steps, power=st.sampled_from([1.0, 2.0]) | st.floats(0.5, 4.0))
def test_cosine_hypothesis(start, end, steps, power):
    s = Cosine(start_value=start, steps=steps, end_value=end, power=power)
    # 1 + cos(pi p) cancels near the end in the reference (lrcore: sin(pi r/2)**2): atol on the range.
    check(s, lambda t: ref_cosine(t, start, steps, end, power), grid(steps), atol=_atol(start, end))


# ----------------------------------------------------------------------------------------------
# Polynomial


@pytest.mark.parametrize("start,end,steps,power",
                         [(1.0, 0.0, 5, 1.0), (1.0, 0.0, 4, 2.0), (1.0, 1e-4, 10, 0.5), (1.0, 0.1, 3, 1.0)])
def test_polynomial_fixed(start, end, steps, power):
    s = Polynomial(start_value=start, end_value=end, steps=steps, power=power)
    # 1 - c/T cancels near the end in the reference: atol on the value range.
    check(s, lambda t: ref_polynomial(t, start, end, steps, power), grid(steps), atol=_atol(start, end))


@given(start=values, end=values, steps=n_steps, power=st.floats(0.5, 4.0))
def test_polynomial_hypothesis(start, end, steps, power):
    s = Polynomial(start_value=start, end_value=end, steps=steps, power=power)
    # 1 - c/T cancels near the end in the reference: atol on the value range.
    check(s, lambda t: ref_polynomial(t, start, end, steps, power), grid(steps), atol=_atol(start, end))


# ----------------------------------------------------------------------------------------------
# Exponential (plain and staircase, int and float every)


@pytest.mark.parametrize("staircase", [False, True])
@pytest.mark.parametrize("start,factor,every", [(1.0, 0.5, 1), (1.0, 0.9, 1), (1.0, 0.1, 3), (1.0, 0.5, 2),
                                                (0.3, 0.5, 2.5), (1.0, 0.7, 0.75), (2.0, 1.0, 1)])
def test_exponential_fixed(start, factor, every, staircase):
    s = Exponential(start_value=start, factor=factor, every=every, staircase=staircase)
    check(s, lambda t: ref_exponential(t, start, factor, every, staircase), grid(60))


@given(start=values, factor=st.floats(0.5, 1.0), every=st.integers(1, 50) | st.floats(0.25, 50.0), staircase=st.booleans())
def test_exponential_hypothesis(start, factor, every, staircase):
    s = Exponential(start_value=start, factor=factor, every=every, staircase=staircase)
    check(s, lambda t: ref_exponential(t, start, factor, every, staircase), unambiguous(grid(500), every, staircase))


# ----------------------------------------------------------------------------------------------
# Geometric (fastai SchedExp; the exponential LR range test)


@pytest.mark.parametrize("start,end,steps", [(1e-7, 10.0, 100), (1.0, 0.01, 10), (0.1, 1e-6, 1), (-1.0, -1e-3, 7),
                                             (3e-4, 3e-4, 5), (1e-8, 1.0, 1000)])
def test_geometric_fixed(start, end, steps):
    s = Geometric(start_value=start, end_value=end, steps=steps)
    # the reference rounds pos and then raises the rounded ratio: |pos log(end / start)| ulps, not more
    check(s, lambda t: ref_geometric(t, start, end, steps), grid(steps), rtol=RTOL)
    assert s(0) == start and s(steps) == end and s(steps + 1) == end  # exact at both ends


@given(start=pos_values, end=pos_values, steps=n_steps, sign=st.sampled_from([1.0, -1.0]))
def test_geometric_hypothesis(start, end, steps, sign):
    s = Geometric(start_value=sign * start, end_value=sign * end, steps=steps)
    check(s, lambda t: ref_geometric(t, sign * start, sign * end, steps), grid(steps))


def test_geometric_famous_lr_finder_values():
    # fastai's lr_find(start_lr=1e-7, end_lr=10, num_it=100): SchedExp over pct_train = i / 100,
    # so lr_i = 1e-7 * 1e8 ** (i / 100): 1e-7 * 10 ** (8 i / 100), decade by decade every 12.5 steps
    s = Geometric(start_value=1e-7, end_value=10.0, steps=100)
    for t, want in ((0, 1e-7), (25, 1e-5), (50, 1e-3), (75, 1e-1), (100, 10.0), (12.5, 1e-6), (137, 10.0)):
        assert s(t) == pytest.approx(want, rel=RTOL) and float(s.evaluate([t])[0]) == pytest.approx(want, rel=RTOL)


# ----------------------------------------------------------------------------------------------
# MultiStep


@pytest.mark.parametrize("milestones,factor", [([3, 6, 9], 0.1), ([2, 5], 0.1), ([0], 0.5), ([1, 2, 3, 4], 2.0)])
def test_multistep_fixed(milestones, factor):
    s = MultiStep(start_value=1.0, milestones=milestones, factor=factor)
    check(s, lambda t: ref_multistep(t, 1.0, milestones, factor), grid(milestones[-1]))


@given(start=values, milestones=st.lists(st.integers(0, 600), min_size=1, max_size=6, unique=True).map(sorted),
       factor=st.floats(0.01, 2.0))
def test_multistep_hypothesis(start, milestones, factor):
    s = MultiStep(start_value=start, milestones=milestones, factor=factor)
    steps = sorted(set(grid(milestones[-1])) | {m + d for m in milestones for d in (-1, 0, 1) if m + d >= 0})
    check(s, lambda t: ref_multistep(t, start, milestones, factor), steps)


# ----------------------------------------------------------------------------------------------
# Piecewise


def test_piecewise_fixed():
    vals, bounds = [1.0, 0.5, 0.1], [2, 4]
    s = Piecewise(values=vals, boundaries=bounds)
    check(s, lambda t: ref_piecewise(t, vals, bounds), grid(4), rtol=0.0)


@given(bounds=st.lists(st.integers(1, 600), min_size=1, max_size=6, unique=True).map(sorted), data=st.data())
def test_piecewise_hypothesis(bounds, data):
    vals = data.draw(st.lists(signed_values, min_size=len(bounds) + 1, max_size=len(bounds) + 1))
    s = Piecewise(values=vals, boundaries=bounds)
    steps = sorted(set(grid(bounds[-1])) | {b + d for b in bounds for d in (-1, 0, 1)})
    check(s, lambda t: ref_piecewise(t, vals, bounds), steps, rtol=0.0)


# ----------------------------------------------------------------------------------------------
# Interpolate (linear and cosine)


@pytest.mark.parametrize("shape", ["linear", "cosine"])
@pytest.mark.parametrize("bounds,vals", [([0, 4, 8], [1.0, 0.5, 0.05]), ([0, 3, 10], [0.04, 1.0, 4e-6]), ([5, 6], [0.0, 1.0]),
                                         ([0, 3, 8, 10], [0.04, 1.0, 0.04, 4e-6])])
def test_interpolate_fixed(bounds, vals, shape):
    s = Interpolate(boundaries=bounds, values=vals, shape=shape)
    # The reference's cos(pi p) + 1 cancels near each knot's right end: atol on the value range.
    check(s, lambda t: ref_interpolate(t, bounds, vals, shape), grid(bounds[-1]), atol=_atol(*vals))


@given(bounds=st.lists(st.integers(0, 500), min_size=2, max_size=6, unique=True).map(sorted),
       shape=st.sampled_from(["linear", "cosine"]), data=st.data())
def test_interpolate_hypothesis(bounds, shape, data):
    vals = data.draw(st.lists(signed_values, min_size=len(bounds), max_size=len(bounds)))
    s = Interpolate(boundaries=bounds, values=vals, shape=shape)
    steps = sorted(set(grid(bounds[-1])) | {b + d for b in bounds for d in (-1, 0, 1) if b + d >= 0})
    # cos(pi p) + 1 (and a + (b - a) p) lose digits next to the knots: atol on the value range.
    check(s, lambda t: ref_interpolate(t, bounds, vals, shape), steps, atol=_atol(*vals))


# ----------------------------------------------------------------------------------------------
# InverseSqrt


@pytest.mark.parametrize("start,timescale", [(1.0, 3), (1.0, 4), (0.5, 10_000), (2.0, 0.5)])
def test_inverse_sqrt_fixed(start, timescale):
    s = InverseSqrt(start_value=start, timescale_steps=timescale)
    check(s, lambda t: ref_inverse_sqrt(t, start, timescale), grid(200))


@given(start=values, timescale=st.integers(1, 10_000) | st.floats(0.01, 1e4))
def test_inverse_sqrt_hypothesis(start, timescale):
    s = InverseSqrt(start_value=start, timescale_steps=timescale)
    check(s, lambda t: ref_inverse_sqrt(t, start, timescale), grid(2000))


# (start, timescale, power) -> values at t = 0, 1, 4, 12, 96 (NeMo NoamHoldAnnealing's decay: decay_rate = power)
INVERSE_POWER_PRINTED = {  # by hand: 4/(t+4); 18/(t+3)**2; (t+1)**-0.25
    (1.0, 4, 1.0): [1.0, 0.8, 0.5, 0.25, 0.04],
    (2.0, 3, 2.0): [2.0, 1.125, 0.367347, 0.08, 0.001837],
    (1.0, 1, 0.25): [1.0, 0.840896, 0.668740, 0.526640, 0.318645],
}


@pytest.mark.parametrize("start,timescale,power", sorted(INVERSE_POWER_PRINTED))
def test_inverse_sqrt_power_printed(start, timescale, power):
    s = InverseSqrt(start_value=start, timescale_steps=timescale, power=power)
    check_printed(s, [0, 1, 4, 12, 96], INVERSE_POWER_PRINTED[(start, timescale, power)])
    check(s, lambda t: ref_inverse_sqrt(t, start, timescale, power), grid(200))


@given(start=values, timescale=st.integers(1, 10_000) | st.floats(0.01, 1e4), power=st.floats(0.05, 4.0))
def test_inverse_sqrt_power_hypothesis(start, timescale, power):
    s = InverseSqrt(start_value=start, timescale_steps=timescale, power=power)
    check(s, lambda t: ref_inverse_sqrt(t, start, timescale, power), grid(2000))


# ----------------------------------------------------------------------------------------------
# InverseTime (plain and staircase)


@pytest.mark.parametrize("staircase", [False, True])
@pytest.mark.parametrize("start,rate,every", [(1.0, 0.5, 1), (1.0, 1.0, 1), (0.1, 0.5, 10), (1.0, 0.3, 2.5), (1.0, 0.0, 1)])
def test_inverse_time_fixed(start, rate, every, staircase):
    s = InverseTime(start_value=start, rate=rate, every=every, staircase=staircase)
    check(s, lambda t: ref_inverse_time(t, start, rate, every, staircase), grid(100))


@given(start=values, rate=st.floats(0.0, 10.0), every=st.integers(1, 50) | st.floats(0.25, 50.0), staircase=st.booleans(),
       power=st.sampled_from([1.0, -1.0]))
def test_inverse_time_hypothesis(start, rate, every, staircase, power):
    s = InverseTime(start_value=start, rate=rate, every=every, staircase=staircase, power=power)
    check(s, lambda t: ref_inverse_time(t, start, rate, every, staircase, power), unambiguous(grid(500), every, staircase))


_DECIMAL_EVERY = [1.1, 0.1, 0.3, 2.2, 0.7, 1.7, 3.3, 0.15, 0.2, 1.3]


@pytest.mark.parametrize("every", _DECIMAL_EVERY)
def test_staircase_float_every_floors_like_the_peers(every):
    # A staircase exponent is floor(t / every). For a float `every` that is not a binary fraction,
    # t / every can land within an ulp of an integer, and then float32, float64 and the decimal
    # reading of `every` may disagree (that is why the hypothesis tests skip those steps). Where
    # they all agree, lrcore must give the same floor: e.g. t = 187, every = 1.1: keras'
    # floor(t / decay_steps) is 170 in float32 and float64, and 187 / 1.1 = 170 in decimal.
    exp_s = Exponential(start_value=1.0, factor=0.5, every=every, staircase=True)
    inv_s = InverseTime(start_value=1.0, rate=1.0, every=every, staircase=True)
    bad = []
    for t in range(3000):
        f64 = math.floor(t / every)
        f32 = int(np.floor(np.float32(t) / np.float32(every)))
        dec = math.floor(Fraction(t) / Fraction(str(every)))
        if f64 == f32 == dec:
            if not math.isclose(exp_s(t), 0.5**f64, rel_tol=1e-12) or inv_s(t) != 1.0 / (1.0 + f64):
                bad.append((t, f64, math.log2(1.0 / exp_s(t)) if exp_s(t) else None))
    assert not bad, f"every={every}: (t, peers' floor, lrcore's exponent): {bad[:8]} ... {len(bad)} steps"


# ----------------------------------------------------------------------------------------------
# Noam


def test_noam_paddle_table():
    # PEERS.md 1.2: NoamDecay(d_model=1, warmup_steps=2) verified 0, .354, .707, .577, .5
    s = Noam(d_model=1, warmup_steps=2)
    check_printed(s, range(5), [0.0, 0.354, 0.707, 0.577, 0.5], decimals=3)
    check(s, lambda t: ref_noam(t, 1, 2, 1.0), grid(50))


@given(d_model=st.integers(1, 4096) | st.floats(0.5, 4096.0), warmup=st.integers(1, 4000), scale=values)
def test_noam_hypothesis(d_model, warmup, scale):
    s = Noam(d_model=d_model, warmup_steps=warmup, scale=scale)
    check(s, lambda t: ref_noam(t, d_model, warmup, scale), grid(warmup))


# ----------------------------------------------------------------------------------------------
# Tanh


def test_tanh_timm_table():
    # PEERS.md timm run: TanhLRScheduler(t_initial=10, lb=-7, ub=3), t = 0..9. timm drops to lr_min
    # at t = t_initial (cycle_limit); lrcore holds the value at `steps`, so compare t < 10.
    s = Tanh(start_value=1.0, steps=10)
    printed = [0.999999, 0.999994, 0.999955, 0.999665, 0.997527, 0.982014, 0.880797, 0.5, 0.119203, 0.017986]
    check_printed(s, range(10), printed)
    check(s, lambda t: ref_tanh(t, 1.0, 10, 0.0, -7.0, 3.0), grid(10), atol=_atol(1.0))


@given(start=values, end=values, steps=n_steps, lower=st.floats(-10.0, 5.0), width=st.floats(0.1, 15.0))
def test_tanh_hypothesis(start, end, steps, lower, width):
    upper = lower + width
    assume(upper > lower)
    s = Tanh(start_value=start, steps=steps, end_value=end, lower=lower, upper=upper)
    # 1 - tanh(x) cancels for large x in the reference (and in lrcore alike): atol on the range.
    check(s, lambda t: ref_tanh(t, start, steps, end, lower, upper), grid(steps), atol=_atol(start, end))


@pytest.mark.parametrize("upper", [3.0, 6.822265625, 10.0, 15.0])
def test_tanh_relative_accuracy_near_end(upper):
    # At the end of a Tanh decay the value is end + (start - end) * (1 - tanh(upper)) / 2, a small
    # difference once upper is a few units: 1 - tanh(x) computed as written loses
    # ~exp(2x) * 1e-16 relative (timm's formula does too). Written as 2 / (1 + exp(2x)) it is exact
    # to a few ulp, and then the scalar and numpy paths agree to rtol 1e-12 (DESIGN.md 9), as the
    # sin(pi r / 2)**2 form of the cosine does.
    s = Tanh(start_value=1.0, steps=4, lower=-1.0, upper=upper)
    for t in (3, 4, 9):
        x = -1.0 * (1.0 - min(t, 4) / 4) + upper * (min(t, 4) / 4)
        want = 1.0 / (1.0 + math.exp(2.0 * x))  # 0.5 * (1 - tanh(x)), well conditioned
        for how, got in (("s(t)", s(t)), ("evaluate", float(s.evaluate([t])[0]))):
            assert abs(got - want) <= RTOL * want, (t, how, got, want, abs(got - want) / want)


# ----------------------------------------------------------------------------------------------
# Cyclic (all three modes)


@pytest.mark.parametrize("mode,gamma", [("triangular", 1.0), ("triangular2", 1.0), ("exp_range", 0.9), ("exp_range", 0.999)])
@pytest.mark.parametrize("up,down", [(4, 2), (2, None), (1, 1), (3, 4), (2000, None), (7, 1)])
def test_cyclic_fixed(up, down, mode, gamma):
    s = Cyclic(low_value=0.1, high_value=1.0, up_steps=up, down_steps=down, mode=mode, gamma=gamma)
    period = up + (up if down is None else down)
    # torch's x = 1 + t/S - cycle carries the rounding of t/S (amplified by 1/r at the peak):
    # atol on the value range.
    check(s, lambda t: ref_cyclic(t, 0.1, 1.0, up, down, mode, gamma), grid(period, mult=4), atol=_atol(0.1, 1.0))


@given(low=values, high=values, up=st.integers(1, 300), down=st.none() | st.integers(1, 300),
       mode=st.sampled_from(["triangular", "triangular2", "exp_range"]), gamma=st.floats(0.9, 1.0))
def test_cyclic_hypothesis(low, high, up, down, mode, gamma):
    s = Cyclic(low_value=low, high_value=high, up_steps=up, down_steps=down, mode=mode, gamma=gamma)
    period = up + (up if down is None else down)
    # torch's x = 1 + t/S - cycle carries the rounding of t/S: atol on the value range.
    check(s, lambda t: ref_cyclic(t, low, high, up, down, mode, gamma), grid(period, mult=3), atol=_atol(low, high))


# ----------------------------------------------------------------------------------------------
# OneCycle (cos, linear, three_phase, pct_start=0.25)


@pytest.mark.parametrize("anneal", ["cos", "linear"])
@pytest.mark.parametrize("total,pct,three", [(10, 0.3, False), (10, 0.25, False), (10, 0.3, True), (8, 0.3, False),
                                             (1000, 0.25, False), (1000, 0.3, True), (37, 0.1, True)])
def test_onecycle_fixed(total, pct, three, anneal):
    s = OneCycle(peak_value=1.0, total_steps=total, pct_start=pct, anneal=anneal, three_phase=three)
    # The cos anneal's cos(pi p) + 1 cancels near each phase end, and the linear anneal's
    # (end - start) * p + start near p = 1: atol on the value range (the peak).
    check(s, lambda t: ref_onecycle(t, 1.0, total, pct, 25.0, 1e4, anneal, three), grid(total), atol=_atol(1.0))


@given(peak=pos_values, total=st.integers(2, 3000), pct=st.floats(0.01, 0.99), div=st.floats(1.0, 100.0),
       final_div=st.floats(1.0, 1e5), anneal=st.sampled_from(["cos", "linear"]), three=st.booleans())
def test_onecycle_hypothesis(peak, total, pct, div, final_div, anneal, three):
    e1 = pct * float(total) - 1.0
    ends = (e1, 2.0 * pct * float(total) - 2.0, total - 1.0) if three else (e1, total - 1.0)
    assume(all(b > a for a, b in zip((0.0, *ends), ends)))
    s = OneCycle(peak_value=peak, total_steps=total, pct_start=pct, div_factor=div, final_div_factor=final_div,
                 anneal=anneal, three_phase=three)
    # cos(pi p) + 1 and (end - start) p + start cancel near phase ends: atol on the range (peak).
    check(s, lambda t: ref_onecycle(t, peak, total, pct, div, final_div, anneal, three), grid(total), atol=_atol(peak))


# ----------------------------------------------------------------------------------------------
# WSD (all four decay shapes, with and without warmup)


@pytest.mark.parametrize("shape", ["linear", "cosine", "exponential", "1-sqrt"])
@pytest.mark.parametrize("warmup,stable,decay,start,end", [(3, 3, 4, 0.0, 0.1), (0, 5, 10, 0.0, 0.0), (0, 0, 7, 0.0, 0.01),
                                                             (2, 3, 4, 0.1, 0.1), (100, 800, 100, 1e-5, 1e-4)])
def test_wsd_fixed(warmup, stable, decay, start, end, shape):
    s = WSD(peak_value=1.0, warmup_steps=warmup, stable_steps=stable, decay_steps=decay, start_value=start,
            end_value=end, decay_shape=shape)
    # Megatron's coefficients 1 - r, (cos(pi r) + 1) / 2, 2 * 0.5**r - 1 and 1 - sqrt(r) all cancel
    # near r = 1 (lrcore writes them in terms of the remaining fraction): atol on the value range.
    check(s, lambda t: ref_wsd(t, 1.0, warmup, stable, decay, start, end, shape), grid(warmup + stable + decay),
          atol=_atol(1.0, start, end))


@given(peak=values, warmup=st.integers(0, 500), stable=st.integers(0, 500), decay=st.integers(1, 1000),
       start=values, end=values, shape=st.sampled_from(["linear", "cosine", "exponential", "1-sqrt"]))
def test_wsd_hypothesis(peak, warmup, stable, decay, start, end, shape):
    s = WSD(peak_value=peak, warmup_steps=warmup, stable_steps=stable, decay_steps=decay, start_value=start,
            end_value=end, decay_shape=shape)
    # Megatron's decay coefficients cancel near r = 1: atol on the value range.
    check(s, lambda t: ref_wsd(t, peak, warmup, stable, decay, start, end, shape), grid(warmup + stable + decay),
          atol=_atol(peak, start, end))


# ----------------------------------------------------------------------------------------------
# Combinators against peer references (hypothesis)


@given(base=pos_values, eta_min=values, T_0=st.integers(1, 50), T_mult=st.integers(1, 4))
def test_restart_vs_torch_warm_restarts_loop(base, eta_min, T_0, T_mult):
    s = Restart(Cosine(start_value=base, steps=T_0, end_value=eta_min), period_steps=T_0, period_mult=float(T_mult))
    n = min(1500, T_0 * (1 + T_mult + T_mult**2 + T_mult**3) + 3)
    want = ref_warm_restarts(n, base, T_0, T_mult, eta_min)
    # 1 + cos(pi T_cur / T_i) cancels near each cycle's end in torch's formula: atol on the range.
    check(s, lambda t: want[t], range(n), atol=_atol(base, eta_min))


@given(base=pos_values, lr_min=st.floats(0.0, 1e-3), t_initial=st.integers(1, 40), cycle_mul=st.integers(1, 3),
       cycle_decay=st.floats(0.1, 1.0), cycle_limit=st.integers(1, 4))
@example(base=1.0000000000000002e-06, lr_min=1e-06, t_initial=1, cycle_mul=2, cycle_decay=0.5, cycle_limit=2)
def test_restart_vs_timm_cosine(base, lr_min, t_initial, cycle_mul, cycle_decay, cycle_limit):
    # timm's cycle_decay scales the peak only: decay_mode="peak"; after cycle_limit cycles, lr_min.
    # (base == lr_min, a flat child, is the separate test below.)
    assume(base != lr_min)
    s = Restart(Cosine(start_value=base, steps=t_initial, end_value=lr_min), period_steps=t_initial,
                period_mult=float(cycle_mul), decay=cycle_decay, limit=cycle_limit, decay_mode="peak")
    total = sum(t_initial * cycle_mul**k for k in range(cycle_limit))
    # 1 + cos cancels near cycle ends in timm's formula: atol on the range. "peak" reads the shape
    # from the child's value v, e + (v - e) * rho with rho = (base * decay**k - e) / (base - e): v's
    # rounding (an ulp of the range) is amplified by |rho|, huge where base is close to lr_min (a
    # long-profile draw: base an ulp above lr_min = 1e-6, rho = -2.4e15, 2.5e-7 off at t = 2)
    rho = max(abs(base * cycle_decay**k - lr_min) / abs(base - lr_min) for k in range(cycle_limit))
    check(s, lambda t: ref_timm_cosine(t, base, t_initial, lr_min, cycle_mul, cycle_decay, cycle_limit),
          grid(total, mult=2), atol=_atol(base, lr_min) + 2 * rho * math.ulp(max(base, lr_min)))


def test_restart_peak_mode_flat_child_and_timm_via_arithmetic():
    # "peak" mode rescales the child's own shape w = (v - end) / (start - end); a child that
    # starts where it ends has no shape, so it repeats unchanged (documented on Restart).
    base, t_initial, decay = 0.5, 4, 0.5
    flat = Restart(Cosine(start_value=base, steps=t_initial, end_value=base), period_steps=t_initial, decay=decay,
                   limit=3, decay_mode="peak")
    assert [flat(t) for t in range(14)] == [base] * 14
    # timm CosineLRScheduler(lr=x, lr_min=x, cycle_decay=0.5) runs cycle i as a cosine from x * 0.5**i
    # back to x: lr_min + (x * 0.5**i - lr_min) * w, written with arithmetic on restarts.
    unit = Restart(Cosine(start_value=1.0, steps=t_initial), period_steps=t_initial, limit=3)
    timm = (Constant(value=base) + Restart(Cosine(start_value=base, steps=t_initial), period_steps=t_initial,
                                           decay=decay, limit=3) + unit * -base)
    check(timm, lambda t: ref_timm_cosine(t, base, t_initial, base, 1, decay, 3), range(14), atol=_atol(base))


@given(initial=pos_values, first=st.integers(1, 40), t_mul=st.integers(1, 3), m_mul=st.floats(0.1, 1.0),
       alpha=st.floats(0.0, 0.5))
def test_restart_vs_keras_cosine_decay_restarts(initial, first, t_mul, m_mul, alpha):
    # keras' m_mul scales only the part above the floor alpha * initial: decay_mode="above_end".
    s = Restart(Cosine(start_value=initial, steps=first, end_value=alpha * initial), period_steps=first,
                period_mult=float(t_mul), decay=m_mul, decay_mode="above_end")
    n = min(1200, first * (1 + t_mul + t_mul**2 + t_mul**3))
    check(s, lambda t: ref_keras_restarts(t, initial, first, t_mul, m_mul, alpha), range(n), atol=_atol(initial))


@given(init=values, peak=pos_values, warmup=st.integers(1, 300), decay_steps=st.integers(1, 1000), end=values,
       exponent=st.sampled_from([1.0, 2.0]))
def test_warmup_cosine_vs_optax_formula(init, peak, warmup, decay_steps, end, exponent):
    # optax warmup_cosine_decay_schedule = join([linear(init -> peak, W), cosine_decay(peak, D - W,
    # alpha = end / peak, exponent)], [W]); the D of optax includes the warmup.
    s = Warmup(Cosine(start_value=peak, steps=decay_steps, end_value=end, power=exponent), warmup_steps=warmup,
               start_value=init)

    def ref(t):
        if t < warmup:
            return ref_linear(t, init, peak, warmup)
        c = min(t - warmup, decay_steps)
        alpha = end / peak
        return peak * ((1 - alpha) * (0.5 * (1 + math.cos(math.pi * c / decay_steps))) ** exponent + alpha)

    check(s, ref, grid(warmup + decay_steps), atol=_atol(init, peak, end))


@given(boundaries=st.lists(st.integers(1, 400), min_size=1, max_size=3, unique=True).map(sorted), data=st.data())
def test_sequential_vs_optax_join(boundaries, data):
    # optax join_schedules: out = s0(t); for (b_i, s_i): out = where(t < b_i, out, s_i(t - b_i)).
    n = len(boundaries) + 1
    kinds = data.draw(st.lists(st.sampled_from(["linear", "cosine", "exp", "const"]), min_size=n, max_size=n))
    params = data.draw(st.lists(st.tuples(values, values, st.integers(1, 300)), min_size=n, max_size=n))
    parts, refs = [], []
    for kind, (a, b, k) in zip(kinds, params):
        if kind == "linear":
            parts.append(Linear(start_value=a, end_value=b, steps=k))
            refs.append(lambda t, a=a, b=b, k=k: ref_linear(t, a, b, k))
        elif kind == "cosine":
            parts.append(Cosine(start_value=a, steps=k, end_value=b))
            refs.append(lambda t, a=a, b=b, k=k: ref_cosine(t, a, k, b, 1.0))
        elif kind == "exp":
            parts.append(Exponential(start_value=a, factor=0.99))
            refs.append(lambda t, a=a: ref_exponential(t, a, 0.99, 1, False))
        else:
            parts.append(Constant(value=a))
            refs.append(lambda t, a=a: a)
    s = Sequential(parts=parts, boundaries=boundaries)

    def ref(t):
        out = refs[0](t)
        for b, r in zip(boundaries, refs[1:]):
            if t >= b:
                out = r(t - b)
        return out

    steps = sorted(set(grid(boundaries[-1] + 300, mult=1)) | {b + d for b in boundaries for d in (-1, 0, 1)})
    check(s, ref, steps, atol=_atol(*(v for p in params for v in p[:2])))


# ----------------------------------------------------------------------------------------------
# Famous configurations: lrcore trees vs the numbers PEERS.md printed from running the peers.
# (name, schedule, steps, printed values, decimals printed)

_T = range(12)  # the torch table: t = 0..11

FAMOUS = [
    # --- torch 2.13 table of first values ("Extra runs supporting the tables"), base lr 1.0
    ("torch LambdaLR(0.9**e)", Exponential(start_value=1.0, factor=0.9), _T,
     [1.0, 0.9, 0.81, 0.729, 0.6561, 0.59049, 0.531441, 0.478297, 0.430467, 0.38742, 0.348678, 0.313811], 6),
    ("torch StepLR(3, 0.1) as MultiStep", MultiStep(start_value=1.0, milestones=[3, 6, 9], factor=0.1), _T,
     [1.0, 1.0, 1.0, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001, 0.001], 6),
    ("torch StepLR(3, 0.1) as Exponential staircase", Exponential(start_value=1.0, factor=0.1, every=3, staircase=True), _T,
     [1.0, 1.0, 1.0, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001, 0.001], 6),
    ("torch MultiStepLR([2,5,5]) as Piecewise", Piecewise(values=[1.0, 0.1, 0.001], boundaries=[2, 5]), _T,
     [1.0, 1.0, 0.1, 0.1, 0.1, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001], 6),
    ("torch MultiStepLR([2,5,5]) as MultiStep product",
     MultiStep(start_value=1.0, milestones=[2, 5], factor=0.1) * MultiStep(start_value=1.0, milestones=[5], factor=0.1), _T,
     [1.0, 1.0, 0.1, 0.1, 0.1, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001], 6),
    ("torch ConstantLR() as Piecewise", Piecewise(values=[1 / 3, 1.0], boundaries=[5]), _T,
     [0.333333, 0.333333, 0.333333, 0.333333, 0.333333, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], 6),
    ("torch LinearLR()", Linear(start_value=1 / 3, end_value=1.0, steps=5), _T,
     [0.333333, 0.466667, 0.6, 0.733333, 0.866667, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], 6),
    ("torch LinearLR(1, 0, 4)", Linear(start_value=1.0, end_value=0.0, steps=4), _T,
     [1.0, 0.75, 0.5, 0.25, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], 6),
    ("torch ExponentialLR(0.5)", Exponential(start_value=1.0, factor=0.5), _T,
     [1.0, 0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.007812, 0.003906, 0.001953, 0.000977, 0.000488], 6),
    ("torch PolynomialLR()", Polynomial(start_value=1.0, end_value=0.0, steps=5), _T,
     [1.0, 0.8, 0.6, 0.4, 0.2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], 6),
    ("torch PolynomialLR(4, 2)", Polynomial(start_value=1.0, end_value=0.0, steps=4, power=2.0), _T,
     [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], 6),
    ("torch CosineAnnealingLR(4, 0.1) t<=4", Cosine(start_value=1.0, steps=4, end_value=0.1), range(5),
     [1.0, 0.868198, 0.55, 0.231802, 0.1], 6),
    # torch's CosineAnnealingLR is periodic past T_max: a cosine down-and-up, repeated
    ("torch CosineAnnealingLR(4, 0.1) periodic",
     Restart(Interpolate(boundaries=[0, 4, 8], values=[1.0, 0.1, 1.0], shape="cosine"), period_steps=8), _T,
     [1.0, 0.868198, 0.55, 0.231802, 0.1, 0.231802, 0.55, 0.868198, 1.0, 0.868198, 0.55, 0.231802], 6),
    ("torch CosineAnnealingWarmRestarts(T_0=3, eta_min=0.1)",
     Restart(Cosine(start_value=1.0, steps=3, end_value=0.1), period_steps=3), _T,
     [1.0, 0.775, 0.325, 1.0, 0.775, 0.325, 1.0, 0.775, 0.325, 1.0, 0.775, 0.325], 6),
    ("torch CyclicLR(0.1, 1, up=2)", Cyclic(low_value=0.1, high_value=1.0, up_steps=2), _T,
     [0.1, 0.55, 1.0, 0.55, 0.1, 0.55, 1.0, 0.55, 0.1, 0.55, 1.0, 0.55], 6),
    ("torch OneCycleLR(max_lr=1, total_steps=8)", OneCycle(peak_value=1.0, total_steps=8), range(8),
     [0.04, 0.819275, 0.971942, 0.811746, 0.555984, 0.283061, 0.076642, 4e-06], 6),
    # --- 2(e) CyclicLR / OneCycleLR (torch == paddle)
    ("torch CyclicLR up=4 down=2 triangular", Cyclic(low_value=0.1, high_value=1.0, up_steps=4, down_steps=2), range(20),
     [0.1, 0.325, 0.55, 0.775, 1.0, 0.55, 0.1, 0.325, 0.55, 0.775, 1.0, 0.55, 0.1, 0.325, 0.55, 0.775, 1.0, 0.55, 0.1, 0.325], 6),
    ("torch CyclicLR up=4 down=2 triangular2",
     Cyclic(low_value=0.1, high_value=1.0, up_steps=4, down_steps=2, mode="triangular2"), range(20),
     [0.1, 0.325, 0.55, 0.775, 1.0, 0.55, 0.1, 0.2125, 0.325, 0.4375, 0.55, 0.325, 0.1, 0.15625, 0.2125, 0.26875, 0.325,
      0.2125, 0.1, 0.128125], 6),
    ("torch CyclicLR up=4 down=2 exp_range(0.9)",
     Cyclic(low_value=0.1, high_value=1.0, up_steps=4, down_steps=2, mode="exp_range", gamma=0.9), range(20),
     [0.1, 0.3025, 0.4645, 0.592075, 0.69049, 0.36572, 0.1, 0.207617, 0.29371, 0.361509, 0.413811, 0.241215, 0.1,
      0.157192, 0.202946, 0.238977, 0.266772, 0.175047, 0.1, 0.130394], 6),
    ("torch OneCycleLR(1, 10) cos", OneCycle(peak_value=1.0, total_steps=10), range(10),
     [0.04, 0.52, 1.0, 0.950485, 0.811746, 0.611262, 0.388742, 0.188258, 0.049519, 4e-06], 6),
    ("torch OneCycleLR(1, 10) linear", OneCycle(peak_value=1.0, total_steps=10, anneal="linear"), range(10),
     [0.04, 0.52, 1.0, 0.857143, 0.714287, 0.57143, 0.428574, 0.285717, 0.142861, 4e-06], 6),
    ("torch OneCycleLR(1, 10, pct_start=0.25)", OneCycle(peak_value=1.0, total_steps=10, pct_start=0.25), range(10),
     [0.04, 0.76, 0.989074, 0.904509, 0.750001, 0.552266, 0.345494, 0.165438, 0.043231, 4e-06], 6),
    ("torch OneCycleLR(1, 10) three_phase", OneCycle(peak_value=1.0, total_steps=10, three_phase=True), range(10),
     [0.04, 0.52, 1.0, 0.52, 0.04, 0.036181, 0.026182, 0.013822, 0.003823, 4e-06], 6),
    # --- 2(b) torch SequentialLR(LinearLR(0.1, 5), CosineAnnealingLR(T_max=10), [5]); torch is periodic
    # past T_max and lrcore holds, so t <= 15 only
    ("torch SequentialLR(LinearLR, CosineAnnealingLR)",
     Sequential(parts=[Linear(start_value=0.1, end_value=1.0, steps=5), Cosine(start_value=1.0, steps=10)]), range(16),
     [0.1, 0.28, 0.46, 0.64, 0.82, 1.0, 0.9755282581, 0.9045084972, 0.7938926261, 0.6545084972, 0.5, 0.3454915028,
      0.2061073739, 0.0954915028, 0.0244717419, 0.0], 10),
    ("torch SequentialLR as Warmup(start 0.1)", Warmup(Cosine(start_value=1.0, steps=10), warmup_steps=5, start_value=0.1),
     range(16),
     [0.1, 0.28, 0.46, 0.64, 0.82, 1.0, 0.9755282581, 0.9045084972, 0.7938926261, 0.6545084972, 0.5, 0.3454915028,
      0.2061073739, 0.0954915028, 0.0244717419, 0.0], 10),
    ("torch SequentialLR(ConstantLR(0.5,3), ExponentialLR(0.9))",
     Sequential(parts=[Constant(value=0.5), Exponential(start_value=1.0, factor=0.9)], boundaries=[3]), range(8),
     [0.5, 0.5, 0.5, 1.0, 0.9, 0.81, 0.729, 0.6561], 10),
    # --- 2(c) CosineAnnealingWarmRestarts(T_0=2, T_mult=2)
    ("torch CosineAnnealingWarmRestarts(T_0=2, T_mult=2)",
     Restart(Cosine(start_value=1.0, steps=2), period_steps=2, period_mult=2.0), range(16),
     [1.0, 0.5, 1.0, 0.853553, 0.5, 0.146447, 1.0, 0.96194, 0.853553, 0.691342, 0.5, 0.308658, 0.146447, 0.03806, 1.0,
      0.990393], 6),
    # --- 2(d) paddle LinearWarmup
    ("paddle LinearWarmup(CosineAnnealingDecay(1, 10), 5, 0, 1)", Warmup(Cosine(start_value=1.0, steps=10), warmup_steps=5),
     range(16),
     [0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 0.975528, 0.904508, 0.793893, 0.654508, 0.5, 0.345492, 0.206107, 0.095492, 0.024472,
      0.0], 6),
    ("paddle LinearWarmup(StepDecay(0.5, 3, 0.1), 4, 0, 1.0)",
     Sequential(parts=[Linear(start_value=0.0, end_value=1.0, steps=4),
                       Exponential(start_value=0.5, factor=0.1, every=3, staircase=True)], boundaries=[4]), range(12),
     [0.0, 0.25, 0.5, 0.75, 0.5, 0.5, 0.5, 0.05, 0.05, 0.05, 0.005, 0.005], 6),
    ("paddle LinearWarmup(0.3, 3, 0, 0.3)", Warmup(Constant(value=0.3), warmup_steps=3), range(6),
     [0.0, 0.1, 0.2, 0.3, 0.3, 0.3], 6),
    ("paddle LinearWarmup(ExponentialDecay(1, 0.5), 2)", Warmup(Exponential(start_value=1.0, factor=0.5), warmup_steps=2),
     range(6), [0.0, 0.5, 1.0, 0.5, 0.25, 0.125], 6),
    ("paddle PiecewiseDecay([2,4], [1,.5,.1])", Piecewise(values=[1.0, 0.5, 0.1], boundaries=[2, 4]), range(6),
     [1.0, 1.0, 0.5, 0.5, 0.1, 0.1], 6),
    # --- 2(f) optax
    ("optax join([linear(0->1,5), cosine(1,10,alpha=.1)],[5])",
     Sequential(parts=[Linear(start_value=0.0, end_value=1.0, steps=5), Cosine(start_value=1.0, steps=10, end_value=0.1)]),
     [0, 3, 4, 5, 6, 14, 15, 16, 30], [0.0, 0.6, 0.8, 1.0, 0.977975, 0.122025, 0.1, 0.1, 0.1], 6),
    ("optax warmup_cosine_decay_schedule(0,1,5,15,0.1)",
     Warmup(Cosine(start_value=1.0, steps=10, end_value=0.1), warmup_steps=5), range(18),
     [0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 0.977975, 0.914058, 0.814503, 0.689058, 0.55, 0.410942, 0.285497, 0.185942, 0.122025,
      0.1, 0.1, 0.1], 6),
    ("optax cosine_decay_schedule(1, 10, alpha=0.1)", Cosine(start_value=1.0, steps=10, end_value=0.1), range(13),
     [1.0, 0.977975, 0.914058, 0.814503, 0.689058, 0.55, 0.410942, 0.285497, 0.185942, 0.122025, 0.1, 0.1, 0.1], 6),
    ("optax cosine_decay_schedule(1, 2, exponent=2)", Cosine(start_value=1.0, steps=2, power=2.0), range(3),
     [1.0, 0.25, 0.0], 6),
    ("optax piecewise_constant_schedule(1, {3:.1, 6:.5})", Piecewise(values=[1.0, 0.1, 0.1 * 0.5], boundaries=[3, 6]),
     range(9), [1.0, 1.0, 1.0, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05], 6),
    ("optax exponential_decay(1, 2, .5, begin=3, staircase, end=.1)",
     Clamp(Shift(Exponential(start_value=1.0, factor=0.5, every=2, staircase=True), steps=3), min_value=0.1), range(13),
     [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125, 0.1, 0.1], 6),
    ("optax piecewise_interpolate_schedule('linear', 1, {4:.5, 8:.1})",
     Interpolate(boundaries=[0, 4, 8], values=[1.0, 0.5, 0.5 * 0.1]), range(11),
     [1.0, 0.875, 0.75, 0.625, 0.5, 0.3875, 0.275, 0.1625, 0.05, 0.05, 0.05], 6),
    ("optax cosine_onecycle_schedule(10, 1)",
     Interpolate(boundaries=[0, 3, 10], values=[1.0 / 25.0, 1.0, 1.0 / (25.0 * 1e4)], shape="cosine"), range(12),
     [0.04, 0.28, 0.76, 1.0, 0.950485, 0.811746, 0.611262, 0.388742, 0.188258, 0.049519, 4e-06, 4e-06], 6),
    ("optax linear_onecycle_schedule(10, 1)",
     Interpolate(boundaries=[0, 3, 8, 10], values=[1.0 / 25.0, 1.0, 1.0 / 25.0, 1.0 / (25.0 * 1e4)]), range(12),
     [0.04, 0.36, 0.68, 1.0, 0.808, 0.616, 0.424, 0.232, 0.04, 0.020002, 4e-06, 4e-06], 6),
    ("optax sgdr_schedule(2 x {0, 1, 2, 6})",
     Sequential(parts=[Warmup(Cosine(start_value=1.0, steps=4), warmup_steps=2),
                       Warmup(Cosine(start_value=1.0, steps=4), warmup_steps=2)]), range(14),
     [0.0, 0.5, 1.0, 0.853553, 0.5, 0.146447, 0.0, 0.5, 1.0, 0.853553, 0.5, 0.146447, 0.0, 0.0], 6),
    # --- Megatron (1.8 / "Extra runs"): init 0, max 1, min 0.1, W=3, D=10, n = 0..13
    ("Megatron constant", Warmup(Constant(value=1.0), warmup_steps=3), range(14),
     [0.0, 0.333333, 0.666667, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], 6),
    ("Megatron linear", Warmup(Linear(start_value=1.0, end_value=0.1, steps=7), warmup_steps=3), range(14),
     [0.0, 0.333333, 0.666667, 1.0, 0.871429, 0.742857, 0.614286, 0.485714, 0.357143, 0.228571, 0.1, 0.1, 0.1, 0.1], 6),
    ("Megatron cosine", Warmup(Cosine(start_value=1.0, steps=7, end_value=0.1), warmup_steps=3), range(14),
     [0.0, 0.333333, 0.666667, 1.0, 0.955436, 0.83057, 0.650134, 0.449866, 0.26943, 0.144564, 0.1, 0.1, 0.1, 0.1], 6),
    ("Megatron inverse-square-root",
     Sequential(parts=[Linear(start_value=0.0, end_value=1.0, steps=3), InverseSqrt(start_value=1.0, timescale_steps=3),
                       Constant(value=0.1)], boundaries=[3, 11]), range(14),
     [0.0, 0.333333, 0.666667, 1.0, 0.866025, 0.774597, 0.707107, 0.654654, 0.612372, 0.57735, 0.547723, 0.1, 0.1, 0.1], 6),
    ("Megatron inverse-square-root W=0",
     Sequential(parts=[Constant(value=1.0), InverseSqrt(start_value=1.0, timescale_steps=1), Constant(value=0.1)],
                boundaries=[1, 11]), range(14),
     [1.0, 1.0, 0.707107, 0.57735, 0.5, 0.447214, 0.408248, 0.377964, 0.353553, 0.333333, 0.316228, 0.1, 0.1, 0.1], 6),
    *[(f"Megatron WSD wsd_decay_steps=4 {shape}",
       WSD(peak_value=1.0, warmup_steps=3, stable_steps=3, decay_steps=4, end_value=0.1, decay_shape=shape), range(14),
       [0.0, 0.333333, 0.666667, 1.0, 1.0, 1.0, 1.0, *tail, 0.1, 0.1, 0.1, 0.1], 6)
      for shape, tail in [("linear", [0.775, 0.55, 0.325]), ("cosine", [0.868198, 0.55, 0.231802]),
                          ("exponential", [0.713614, 0.472792, 0.270286]), ("1-sqrt", [0.55, 0.363604, 0.220577])]],
    # --- HF transformers (W=3, N=10), through LambdaLR with base lr 1.0
    ("HF get_cosine_schedule_with_warmup(3, 10) up to N", Warmup(Cosine(start_value=1.0, steps=7), warmup_steps=3), range(11),
     [0.0, 0.333333, 0.666667, 1.0, 0.950484, 0.811745, 0.61126, 0.38874, 0.188255, 0.049516, 0.0], 6),
    ("HF get_linear_schedule_with_warmup(3, 10)", Warmup(Linear(start_value=1.0, end_value=0.0, steps=7), warmup_steps=3),
     range(13), [0.0, 0.333333, 0.666667, 1.0, 0.857143, 0.714286, 0.571429, 0.428571, 0.285714, 0.142857, 0.0, 0.0, 0.0], 6),
    ("HF get_constant_schedule_with_warmup(3)", Warmup(Constant(value=1.0), warmup_steps=3), range(13),
     [0.0, 0.333333, 0.666667] + [1.0] * 10, 6),
    ("HF get_inverse_sqrt_schedule(3)", Warmup(InverseSqrt(start_value=1.0, timescale_steps=3), warmup_steps=3), range(13),
     [0.0, 0.333333, 0.666667, 1.0, 0.866025, 0.774597, 0.707107, 0.654654, 0.612372, 0.57735, 0.547723, 0.522233, 0.5], 6),
    ("HF get_cosine_with_min_lr_schedule_with_warmup(rate 0.1) up to N",
     Warmup(Cosine(start_value=1.0, steps=7, end_value=0.1), warmup_steps=3), range(11),
     [0.0, 0.333333, 0.666667, 1.0, 0.955436, 0.83057, 0.650134, 0.449866, 0.26943, 0.144564, 0.1], 6),
    *[(f"HF get_wsd_schedule(2, 4, stable 3, {shape}, min_lr_ratio 0.1)",
       WSD(peak_value=1.0, warmup_steps=2, stable_steps=3, decay_steps=4, start_value=0.1, end_value=0.1, decay_shape=shape),
       range(11), [0.1, 0.55, 1.0, 1.0, 1.0, 1.0, *tail, 0.1, 0.1], 6)
      for shape, tail in [("linear", [0.775, 0.55, 0.325]), ("cosine", [0.868198, 0.55, 0.231802]),
                          ("1-sqrt", [0.55, 0.363604, 0.220577])]],
    ("HF wsd warmup_type=cosine", Warmup(Constant(value=1.0), warmup_steps=4, start_value=0.1, shape="cosine"), range(5),
     [0.1, 0.231802, 0.55, 0.868198, 1.0], 6),
    ("HF wsd warmup_type=1-sqrt", Warmup(Constant(value=1.0), warmup_steps=4, start_value=0.1, shape="1-sqrt"), range(5),
     [0.1, 0.220577, 0.363604, 0.55, 1.0], 6),
    # --- DeepSpeed 0.19.8, run with a torch SGD as its engine steps it (first update at
    # get_lr(-1)); warmup_num_steps W: the log ramp ln(1 + t) / ln(W) after one step at the start
    ("DeepSpeed WarmupLR(0, 1, 4, log)", Shift(Warmup(Constant(value=1.0), warmup_steps=3, shape="log"), steps=1),
     range(7), [0.0, 0.0, 0.5, 0.792481, 1.0, 1.0, 1.0], 6),
    ("DeepSpeed WarmupLR(0.1, 1, 4, linear)",
     Shift(Warmup(Constant(value=1.0), warmup_steps=4, start_value=0.1), steps=1),
     range(7), [0.1, 0.1, 0.325, 0.55, 0.775, 1.0, 1.0], 6),
    ("DeepSpeed LRRangeTest(1e-3, step_size 2, rate 1, staircase)",
     InverseTime(start_value=1e-3, rate=1.0, every=2, staircase=True, power=-1.0),
     range(7), [0.001, 0.001, 0.002, 0.002, 0.003, 0.003, 0.004], 6),
    ("DeepSpeed LRRangeTest(1e-3, step_size 2, rate 0.5)", InverseTime(start_value=1e-3, rate=0.5, every=2, power=-1.0),
     range(7), [0.001, 0.00125, 0.0015, 0.00175, 0.002, 0.00225, 0.0025], 6),
    # --- T5 rsqrt (NeMo T5InverseSquareRootAnnealing(constant_steps=4), up to max_steps=10)
    ("T5 rsqrt: 1/sqrt(max(t, 4))",
     Sequential(parts=[Constant(value=4**-0.5), InverseSqrt(start_value=4**-0.5, timescale_steps=4)], boundaries=[4]),
     range(11), [0.5, 0.5, 0.5, 0.5, 0.5, 0.447214, 0.408248, 0.377964, 0.353553, 0.333333, 0.316228], 6),
    # --- timm
    ("timm CosineLRScheduler(t_initial=4, cycle_limit=3, cycle_decay=0.5)",
     Restart(Cosine(start_value=1.0, steps=4), period_steps=4, decay=0.5, limit=3, decay_mode="peak"), range(14),
     [1.0, 0.853553, 0.5, 0.146447, 0.5, 0.426777, 0.25, 0.073223, 0.25, 0.213388, 0.125, 0.036612, 0.0, 0.0], 6),
    ("timm CosineLRScheduler(t_initial=2, cycle_mul=2, cycle_limit=3)",
     Restart(Cosine(start_value=1.0, steps=2), period_steps=2, period_mult=2.0, limit=3), range(16),
     [1.0, 0.5, 1.0, 0.853553, 0.5, 0.146447, 1.0, 0.96194, 0.853553, 0.691342, 0.5, 0.308658, 0.146447, 0.03806, 0.0,
      0.0], 6),
    ("timm CosineLRScheduler(10, lr_min=0.1, warmup 3 from 0.01, prefix)",
     Warmup(Cosine(start_value=1.0, steps=10, end_value=0.1), warmup_steps=3, start_value=0.01), range(16),
     [0.01, 0.34, 0.67, 1.0, 0.977975, 0.914058, 0.814503, 0.689058, 0.55, 0.410942, 0.285497, 0.185942, 0.122025, 0.1,
      0.1, 0.1], 6),
    ("timm CosineLRScheduler(10, lr_min=0.1, warmup 3 from 0.01, no prefix)",
     Warmup(Cosine(start_value=1.0, steps=10, end_value=0.1), warmup_steps=3, start_value=0.01, prefix=False), range(16),
     [0.01, 0.34, 0.67, 0.814503, 0.689058, 0.55, 0.410942, 0.285497, 0.185942, 0.122025, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1], 6),
    ("timm PolyLRScheduler(10, power=0.5)", Polynomial(start_value=1.0, end_value=0.0, steps=10, power=0.5), range(12),
     [1.0, 0.948683, 0.894427, 0.83666, 0.774597, 0.707107, 0.632456, 0.547723, 0.447214, 0.316228, 0.0, 0.0], 6),
    # --- keras (numpy shim run)
    ("keras ExponentialDecay(1, 2, 0.5)", Exponential(start_value=1.0, factor=0.5, every=2), range(6),
     [1.0, 0.707107, 0.5, 0.353553, 0.25, 0.176777], 6),
    ("keras ExponentialDecay(1, 2, 0.5, staircase)", Exponential(start_value=1.0, factor=0.5, every=2, staircase=True),
     range(6), [1.0, 1.0, 0.5, 0.5, 0.25, 0.25], 6),
    ("keras PiecewiseConstantDecay([2,4], [1,.5,.1]) (boundary keeps the old value)",
     Piecewise(values=[1.0, 0.5, 0.1], boundaries=[3, 5]), range(7), [1.0, 1.0, 1.0, 0.5, 0.5, 0.1, 0.1], 6),
    ("keras PolynomialDecay(1, 3, 0.1)", Polynomial(start_value=1.0, end_value=0.1, steps=3), range(6),
     [1.0, 0.7, 0.4, 0.1, 0.1, 0.1], 6),
    ("keras InverseTimeDecay(1, 1, 0.5)", InverseTime(start_value=1.0, rate=0.5), range(4), [1.0, 0.666667, 0.5, 0.4], 6),
    ("keras CosineDecay(0, 10, alpha=.1, warmup_target=1, warmup_steps=5)",
     Warmup(Cosine(start_value=1.0, steps=10, end_value=0.1), warmup_steps=5), range(18),
     [0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 0.977975, 0.914058, 0.814503, 0.689058, 0.55, 0.410942, 0.285497, 0.185942, 0.122025,
      0.1, 0.1, 0.1], 6),
    ("keras CosineDecayRestarts(1, 2, t_mul=2, m_mul=0.5)",
     Restart(Cosine(start_value=1.0, steps=2), period_steps=2, period_mult=2.0, decay=0.5, decay_mode="above_end"), range(15),
     [1.0, 0.5, 0.5, 0.426777, 0.25, 0.073223, 0.25, 0.240485, 0.213388, 0.172835, 0.125, 0.077165, 0.036612, 0.009515,
      0.125], 6),
    # --- NeMo (max_steps=10, warmup 3, min_lr 0.1): the warmup-free cosine
    ("NeMo CosineAnnealing warmup_steps=0", Cosine(start_value=1.0, steps=10, end_value=0.1), range(14),
     [1.0, 0.977975, 0.914058, 0.814503, 0.689058, 0.55, 0.410942, 0.285497, 0.185942, 0.122025, 0.1, 0.1, 0.1, 0.1], 6),
    ("NeMo WarmupHoldAnnealOneMinusSquareRoot (after warmup)",
     Sequential(parts=[Constant(value=1.0), WSD(peak_value=1.0, warmup_steps=0, stable_steps=2, decay_steps=5,
                                                end_value=0.0, decay_shape="1-sqrt"), Constant(value=0.1)],
                boundaries=[3, 10]), range(3, 14),
     [1.0, 1.0, 1.0, 0.552786, 0.367544, 0.225403, 0.105573, 0.1, 0.1, 0.1, 0.1], 6),
]


@pytest.mark.parametrize("name,s,steps,printed,decimals", FAMOUS, ids=[f[0] for f in FAMOUS])
def test_famous_configuration(name, s, steps, printed, decimals):
    check_printed(s, steps, printed, decimals)


# ----------------------------------------------------------------------------------------------
# Restart epochs where torch/paddle's math.log rounding gives eta_min (PEERS.md 2c): lrcore must
# give the base value exactly.


@pytest.mark.parametrize("T_0,T_mult,epochs", [
    (1, 3, [1, 4, 13, 40, 121, 364, 1093]),
    (10, 3, [10, 40, 130, 400, 1210, 3640, 10930]),
    (1, 10, [1, 11, 111, 1111, 11111, 111111, 1111111]),
])
def test_warm_restart_epochs_exact(T_0, T_mult, epochs):
    s = Restart(Cosine(start_value=1.0, steps=T_0), period_steps=T_0, period_mult=float(T_mult))
    for e in epochs:
        assert s(e) == 1.0, (T_0, T_mult, e, s(e))
    assert s.evaluate(epochs).tolist() == [1.0] * len(epochs)
    # and the epochs torch/paddle get wrong, named in PEERS.md
    bad = {(1, 3): [121], (10, 3): [1210], (1, 10): [111, 111111]}[(T_0, T_mult)]
    for e in bad:
        assert s(e) == 1.0 and float(s.evaluate([e])[0]) == 1.0
    # the step before a restart is the last step of the previous cycle (torch's integer path)
    want = ref_warm_restarts(epochs[3] + 2, 1.0, T_0, T_mult, 0.0)
    check(s, lambda t: want[t], range(epochs[3] + 2), atol=1e-12)


# ----------------------------------------------------------------------------------------------
# The node table (tests/nodes.py): every instance of every primitive against its peer formula
# above, and golden values for every node (a new node is a table entry plus its golden values).


def _golden_polynomial(s):
    assert not s.cycle, "ref_polynomial is the peers' cycle=False formula"
    return (lambda t: ref_polynomial(t, s.start_value, s.end_value, s.steps, s.power), grid(s.steps),
            _atol(s.start_value, s.end_value))


# name -> s -> (reference, steps, atol): the atol where the reference cancels, as in the tests above
GOLDEN_FORMULAS = {
    "Constant": lambda s: (lambda t: s.value, grid(10), 0.0),
    "Linear": lambda s: (lambda t: ref_linear(t, s.start_value, s.end_value, s.steps), grid(s.steps),
                         _atol(s.start_value, s.end_value)),
    "Cosine": lambda s: (lambda t: ref_cosine(t, s.start_value, s.steps, s.end_value, s.power), grid(s.steps),
                         _atol(s.start_value, s.end_value)),
    "Polynomial": _golden_polynomial,
    "Exponential": lambda s: (lambda t: ref_exponential(t, s.start_value, s.factor, s.every, s.staircase),
                              unambiguous(grid(60), s.every, s.staircase), 0.0),
    "Geometric": lambda s: (lambda t: ref_geometric(t, s.start_value, s.end_value, s.steps), grid(s.steps), 0.0),
    "MultiStep": lambda s: (lambda t: ref_multistep(t, s.start_value, s.milestones, s.factor),
                            grid(s.milestones[-1]), 0.0),
    "Piecewise": lambda s: (lambda t: ref_piecewise(t, s.values, s.boundaries), grid(s.boundaries[-1]), 0.0),
    "Interpolate": lambda s: (lambda t: ref_interpolate(t, s.boundaries, s.values, s.shape),
                              grid(s.boundaries[-1]), _atol(*s.values)),
    "InverseSqrt": lambda s: (lambda t: ref_inverse_sqrt(t, s.start_value, s.timescale_steps, s.power), grid(200), 0.0),
    "InverseTime": lambda s: (lambda t: ref_inverse_time(t, s.start_value, s.rate, s.every, s.staircase, s.power),
                              unambiguous(grid(100), s.every, s.staircase), 0.0),
    "Noam": lambda s: (lambda t: ref_noam(t, s.d_model, s.warmup_steps, s.scale), grid(s.warmup_steps), 0.0),
    "Tanh": lambda s: (lambda t: ref_tanh(t, s.start_value, s.steps, s.end_value, s.lower, s.upper), grid(s.steps),
                       _atol(s.start_value, s.end_value)),
    "Cyclic": lambda s: (lambda t: ref_cyclic(t, s.low_value, s.high_value, s.up_steps, s.down_steps, s.mode, s.gamma),
                         grid(s.up_steps + (s.up_steps if s.down_steps is None else s.down_steps), mult=4),
                         _atol(s.low_value, s.high_value)),
    "OneCycle": lambda s: (lambda t: ref_onecycle(t, s.peak_value, s.total_steps, s.pct_start, s.div_factor,
                                                  s.final_div_factor, s.anneal, s.three_phase),
                           grid(s.total_steps), _atol(s.peak_value)),
    "WSD": lambda s: (lambda t: ref_wsd(t, s.peak_value, s.warmup_steps, s.stable_steps, s.decay_steps, s.start_value,
                                        s.end_value, s.decay_shape),
                      grid(s.warmup_steps + s.stable_steps + s.decay_steps),
                      _atol(s.peak_value, s.start_value, s.end_value)),
}
# The pointwise and time-changing combinators that no famous configuration uses, over the
# references above: the combinator's formula written out here (DESIGN.md 3).
def _lin(t):
    return ref_linear(t, 0.0, 1.0, 10)


def _cos(t):
    return ref_cosine(t, 1.0, 10, 0.1, 1.0)


_LIN, _COS = Linear(start_value=0.0, end_value=1.0, steps=10), Cosine(start_value=1.0, steps=10, end_value=0.1)
COMBINATOR_GOLDEN = [
    ("Sum linear + cosine", _LIN + _COS, lambda t: _lin(t) + _cos(t), 0.0),
    ("Minimum(linear, cosine, 0.3)", lrcore.minimum(_LIN, _COS, 0.3), lambda t: min(_lin(t), _cos(t), 0.3), 0.0),
    ("Maximum(linear, cosine)", lrcore.maximum(_LIN, _COS), lambda t: max(_lin(t), _cos(t)), 0.0),
    ("Shift(linear, 1.5): max(t - 1.5, 0)", Shift(_LIN, steps=1.5), lambda t: _lin(max(t - 1.5, 0.0)), _atol(1.0)),
    ("Shift(linear, -0.25): t + 0.25", Shift(_LIN, steps=-0.25), lambda t: _lin(t + 0.25), _atol(1.0)),
    ("Stretch(linear, 2.5): t / 2.5", Stretch(_LIN, factor=2.5), lambda t: _lin(t / 2.5), _atol(1.0)),
    ("Stretch(cosine, 3): t / 3", Stretch(_COS, factor=3), lambda t: _cos(t / 3), _atol(1.0)),
    ("Quantize(cosine, 3): floor(t / 3) * 3", Quantize(_COS, every=3), lambda t: _cos(t // 3 * 3), _atol(1.0)),
    # timm's k_decay: the child at steps * (t / steps) ** k below steps, at t after
    ("Warp(cosine, 10, k=2)", Warp(_COS, steps=10, exponent=2.0), lambda t: _cos(10 * (t / 10) ** 2 if t < 10 else t),
     _atol(1.0)),
    ("Warp(linear, 10, k=0.5)", Warp(_LIN, steps=10, exponent=0.5), lambda t: _lin(10 * (t / 10) ** 0.5 if t < 10 else t),
     _atol(1.0)),
]


@pytest.mark.parametrize("name,s,ref,atol", COMBINATOR_GOLDEN, ids=[c[0] for c in COMBINATOR_GOLDEN])
def test_combinator_golden(name, s, ref, atol):
    check(s, ref, grid(40), atol=atol)


# The nodes whose golden values live elsewhere, or that have none.
GOLDEN_ELSEWHERE = {
    "Function": "none: a user's function, its values are the user's",
    "Plateau": "tests/test_plateau.py: against torch's ReduceLROnPlateau and paddle's ReduceOnPlateau",
    "PlateauSchedule": "tests/test_plateau.py: a schedule times a plateau rule, against torch and paddle",
}


def _node_types(s):
    yield type(s).__name__
    for c in s.children():
        yield from _node_types(c)


@pytest.mark.parametrize("name", sorted(GOLDEN_FORMULAS))
def test_table_instances_match_the_peer_formulas(name):
    for s in NODES[name].instances:
        ref, steps, atol = GOLDEN_FORMULAS[name](s)
        check(s, ref, steps, atol=atol)


def test_every_node_of_the_table_has_golden_values():
    in_famous = {n for _, s, *_ in FAMOUS + COMBINATOR_GOLDEN for n in _node_types(s)}
    missing = sorted(set(NODES) - set(GOLDEN_FORMULAS) - in_famous - set(GOLDEN_ELSEWHERE))
    assert not missing, f"nodes without golden values: {missing}"
