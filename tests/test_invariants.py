"""Invariants over generated schedules (hypothesis): what the contract promises for every parameter.

* continuity where promised: a prefix Warmup ramps to where its schedule begins, a Linear ->
  Cosine Sequential with matching values joins, WSD joins at every phase boundary, Interpolate
  passes through its knots exactly;
* end values: finite decays hold their value at ``duration`` exactly from then on, and Linear,
  Cosine, Polynomial and WSD reach ``end_value`` exactly;
* Clamp bounds always hold;
* Restart: periodic for period_mult=1, exact cycle starts for period_mult=2, 3 and 10 up to 2**53;
* boundaries picked exactly next to 2**53 (MultiStep, Piecewise, Cyclic);
* ``duration``: the value is constant from ``s.duration`` on, for random trees of primitives
  and combinators.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrcore import (
    WSD,
    Clamp,
    Constant,
    Cosine,
    Cyclic,
    Exponential,
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
    maximum,
    minimum,
)

N53 = 2**53
DECAY_SHAPES = ["linear", "cosine", "exponential", "1-sqrt"]
RAMP_SHAPES = ["linear", "cosine", "1-sqrt", "log"]


def ulps(x: float, n: int = 4) -> float:
    return n * math.ulp(abs(x)) if x else n * math.ulp(1e-300)


# ----------------------------------------------------------------------------------------------
# Strategies: values, leaves and random trees

v = st.floats(min_value=-2.0, max_value=5.0, allow_nan=False, allow_infinity=False)
pos = st.floats(min_value=1e-4, max_value=5.0, allow_nan=False, allow_infinity=False)
small = st.integers(min_value=1, max_value=60)


@st.composite
def onecycles(draw):
    return OneCycle(peak_value=draw(pos), total_steps=draw(st.integers(10, 80)), pct_start=draw(st.floats(0.15, 0.45)),
                    div_factor=draw(st.floats(1.0, 50.0)), final_div_factor=draw(st.floats(1.0, 1e4)),
                    anneal=draw(st.sampled_from(["cos", "linear"])), three_phase=draw(st.booleans()))


@st.composite
def multisteps(draw):
    ms = sorted(draw(st.lists(st.integers(0, 60), min_size=1, max_size=4, unique=True)))
    return MultiStep(start_value=draw(v), milestones=ms, factor=draw(st.floats(0.05, 2.0)))


@st.composite
def piecewises(draw):
    bs = sorted(draw(st.lists(st.integers(1, 60), min_size=1, max_size=4, unique=True)))
    return Piecewise(values=draw(st.lists(v, min_size=len(bs) + 1, max_size=len(bs) + 1)), boundaries=bs)


@st.composite
def interpolates(draw):
    bs = sorted(draw(st.lists(st.integers(0, 60), min_size=2, max_size=5, unique=True)))
    return Interpolate(boundaries=bs, values=draw(st.lists(v, min_size=len(bs), max_size=len(bs))),
                       shape=draw(st.sampled_from(["linear", "cosine"])))


finite_leaves = st.one_of(
    st.builds(Constant, value=v),
    st.builds(Linear, start_value=v, end_value=v, steps=small),
    st.builds(Cosine, start_value=v, steps=small, end_value=v, power=st.sampled_from([1.0, 2.0, 0.5])),
    st.builds(Polynomial, start_value=v, end_value=v, steps=small, power=st.floats(0.5, 3.0)),
    st.builds(Tanh, start_value=v, steps=small, end_value=v),
    st.builds(WSD, peak_value=v, warmup_steps=st.integers(0, 20), stable_steps=st.integers(0, 20), decay_steps=small,
              start_value=v, end_value=v, decay_shape=st.sampled_from(DECAY_SHAPES)),
    onecycles(),
    multisteps(),
    piecewises(),
    interpolates(),
    st.builds(Exponential, start_value=v, factor=st.just(1.0)),
    st.builds(InverseTime, start_value=v, rate=st.just(0.0)),
)

unbounded_leaves = st.one_of(
    st.builds(Exponential, start_value=v, factor=st.floats(0.5, 0.999), every=st.integers(1, 10) | st.floats(0.5, 10.0),
              staircase=st.booleans()),
    st.builds(InverseSqrt, start_value=v, timescale_steps=st.integers(1, 100)),
    st.builds(InverseTime, start_value=v, rate=st.floats(0.01, 2.0)),
    st.builds(Noam, d_model=st.integers(1, 512), warmup_steps=small),
    st.builds(Cyclic, low_value=v, high_value=v, up_steps=small, down_steps=st.none() | small,
              mode=st.sampled_from(["triangular", "triangular2", "exp_range"]), gamma=st.floats(0.9, 1.0)),
)


def _has_steps(s) -> bool:
    return s.duration is not None and s.duration >= 1


def _extend(kids, *, finite: bool):
    @st.composite
    def sequentials(draw):
        parts = draw(st.lists(kids, min_size=2, max_size=3))
        if all(_has_steps(p) for p in parts[:-1]) and draw(st.booleans()):
            return Sequential(parts=parts)
        bs = sorted(draw(st.lists(st.integers(1, 80), min_size=len(parts) - 1, max_size=len(parts) - 1, unique=True)))
        return Sequential(parts=parts, boundaries=bs)

    @st.composite
    def restarts(draw):
        child = draw(kids.filter(_has_steps))
        mult = draw(st.sampled_from([1.0, 1.5, 2.0, 3.0]))
        limit = draw(st.integers(1, 3)) if finite else draw(st.none() | st.integers(1, 3))
        mode = draw(st.sampled_from(["all", "above_end", "peak"]))
        decay = draw(st.floats(0.1, 1.0))
        return Restart(child, period_steps=draw(st.integers(1, 30)), period_mult=mult, decay=decay, limit=limit,
                       decay_mode=mode)

    @st.composite
    def clamps(draw):
        child = draw(kids)
        lo, hi = sorted(draw(st.tuples(v, v)))
        which = draw(st.sampled_from(["both", "min", "max"]))
        return Clamp(child, min_value=None if which == "max" else lo, max_value=None if which == "min" else hi)

    return st.one_of(
        st.builds(Warmup, schedule=kids, warmup_steps=small, start_value=v, shape=st.sampled_from(RAMP_SHAPES),
                  prefix=st.booleans()),
        clamps(),
        st.lists(kids, min_size=2, max_size=3).map(lambda ks: math.prod(ks[1:], start=ks[0])),
        st.lists(kids, min_size=2, max_size=3).map(lambda ks: sum(ks[1:], start=ks[0])),
        st.lists(kids, min_size=2, max_size=3).map(lambda ks: minimum(*ks)),
        st.lists(kids, min_size=2, max_size=3).map(lambda ks: maximum(*ks)),
        st.builds(Shift, schedule=kids, steps=st.integers(0, 30)),
        st.builds(Stretch, schedule=kids, factor=st.integers(1, 5) | st.floats(0.3, 4.0)),
        st.builds(Quantize, schedule=kids, every=st.integers(1, 7)),
        sequentials(),
        restarts(),
    )


finite_trees = st.recursive(finite_leaves, lambda kids: _extend(kids, finite=True), max_leaves=5)
any_trees = st.recursive(st.one_of(finite_leaves, unbounded_leaves), lambda kids: _extend(kids, finite=False), max_leaves=5)


# ----------------------------------------------------------------------------------------------
# Continuity where promised


@given(child=any_trees, w=st.integers(1, 200), start=v, shape=st.sampled_from(RAMP_SHAPES))
def test_warmup_prefix_reaches_schedule_start(child, w, start, shape):
    s = Warmup(child, warmup_steps=w, start_value=start, shape=shape)
    target = child(0)
    # after the ramp the schedule runs from its own step 0
    assert s(w) == target
    for k in (1, 2, 7, 50):
        assert s(w + k) == child(k)
    # the ramp's limit at t = W is the schedule's start: start + (target - start) * 1 (one rounding
    # of a + (b - a); exact when the ramp starts at 0)
    phase = s.describe(until=w + 1)[0]
    assert (phase.start, phase.end) == (0, w)
    scale = max(abs(start), abs(target))
    assert abs(phase.end_value - target) <= ulps(scale, 2), (phase.end_value, target)
    if start == 0.0:
        assert phase.end_value == target
    assert abs(phase.jump) <= ulps(scale, 2)
    # approaching W from the left (float steps): |s(W - eps) - target| <= slope * eps (the 1-sqrt
    # ramp has an infinite slope at its end: sqrt(eps / W) there)
    for eps in (1e-3, 1e-6, 1e-9):
        eps = w - (w - eps)  # the distance the float step really has
        f = math.sqrt(eps / w) if shape == "1-sqrt" else (math.pi / 2) * eps / w
        assert abs(s(w - eps) - target) <= abs(target - start) * f * 1.01 + ulps(scale), (eps, s(w - eps), target)
    # the ramp stays between its ends
    lo, hi = min(start, target), max(start, target)
    for t in range(w):
        assert lo - ulps(scale) <= s(t) <= hi + ulps(scale)


@given(a=v, b=v, e=v, n=st.integers(1, 500), m=st.integers(1, 500), boundaries=st.booleans())
def test_sequential_linear_cosine_continuous(a, b, e, n, m, boundaries):
    lin, cos = Linear(start_value=a, end_value=b, steps=n), Cosine(start_value=b, steps=m, end_value=e)
    s = Sequential(parts=[lin, cos], boundaries=[n] if boundaries else None)
    assert s.duration == n + m
    # the left piece reaches b exactly at its end; the right one starts at e + (b - e) * 1
    left = s.describe(until=n + 1)[0]
    assert (left.start, left.end) == (0, n) and left.end_value == b
    scale = max(abs(a), abs(b), abs(e))
    assert abs(s(n) - b) <= ulps(scale, 2)
    assert abs(left.jump) <= ulps(scale, 2)
    for eps in (1e-3, 1e-7):
        lo, hi = n - eps, n + eps
        assert abs(s(lo) - b) <= abs(a - b) * (n - lo) / n * 1.01 + ulps(scale)
        assert abs(s(hi) - b) <= abs(b - e) * (math.pi / 2) * (hi - n) / m * 1.01 + ulps(scale)
    assert s(n - 1) == lin(n - 1) and s(n + 1) == cos(1)


@given(peak=v, w=st.integers(0, 300), hold=st.integers(0, 300), d=st.integers(1, 300), start=v, end=v,
       shape=st.sampled_from(DECAY_SHAPES))
def test_wsd_continuous_at_every_phase_boundary(peak, w, hold, d, start, end, shape):
    s = WSD(peak_value=peak, warmup_steps=w, stable_steps=hold, decay_steps=d, start_value=start, end_value=end,
            decay_shape=shape)
    scale = max(abs(peak), abs(start), abs(end))
    assert s(w + hold) == peak and s(w + hold + d) == end
    if w:
        assert s(w) == peak
        assert s(0) == start
    for p in s.describe():
        if p.jump is not None:
            assert abs(p.jump) <= ulps(scale), s.describe()
    # float steps on both sides of each boundary; the largest slope is at most range * pi/2 / len,
    # except 1-sqrt right after the decay starts (sqrt(eps / D))
    slope = max(abs(peak - start) / max(w, 1), abs(peak - end) * 1.6 / d)
    for b in sorted({w, w + hold, w + hold + d} - {0}):
        for side in (-1e-9, 1e-9):
            t = b + side
            eps = abs(t - b)  # the distance the float step really has
            bound = 1.01 * (slope * eps + abs(peak - end) * math.sqrt(eps / d)) + ulps(scale)
            assert abs(s(t) - s(b)) <= bound, (b, side, s(t), s(b))


@given(data=st.data(), shape=st.sampled_from(["linear", "cosine"]))
def test_interpolate_through_knots_exactly(data, shape):
    bs = sorted(data.draw(st.lists(st.integers(0, 2**40), min_size=2, max_size=8, unique=True)))
    vs = data.draw(st.lists(st.floats(-1e6, 1e6), min_size=len(bs), max_size=len(bs)))
    s = Interpolate(boundaries=bs, values=vs, shape=shape)
    for b, val in zip(bs, vs):
        assert s(b) == val, (b, s(b), val)
    assert s.evaluate(bs).tolist() == vs
    # ends held
    assert s(0) == vs[0] and s(bs[-1] + 1) == vs[-1] and s(3 * bs[-1] + 7) == vs[-1]
    # between two knots the value stays between them
    for (b0, v0), (b1, v1) in zip(zip(bs, vs), zip(bs[1:], vs[1:])):
        for t in {b0 + 1, (b0 + b1) // 2, b1 - 1} - {b0, b1}:
            lo, hi = min(v0, v1), max(v0, v1)
            tol = ulps(max(abs(v0), abs(v1)))  # v0 + (v1 - v0) f rounds on the scale of the knots
            assert lo - tol <= s(t) <= hi + tol


# ----------------------------------------------------------------------------------------------
# End values


_FINITE_DECAYS = st.one_of(
    st.builds(Linear, start_value=v, end_value=v, steps=st.integers(1, 10**6)),
    st.builds(Cosine, start_value=v, steps=st.integers(1, 10**6), end_value=v,
              power=st.sampled_from([1.0, 2.0]) | st.floats(0.3, 4.0)),
    st.builds(Polynomial, start_value=v, end_value=v, steps=st.integers(1, 10**6), power=st.floats(0.3, 4.0)),
    st.builds(WSD, peak_value=v, warmup_steps=st.integers(0, 1000), stable_steps=st.integers(0, 1000),
              decay_steps=st.integers(1, 10**6), start_value=v, end_value=v, decay_shape=st.sampled_from(DECAY_SHAPES)),
    st.builds(Tanh, start_value=v, steps=st.integers(1, 10**6), end_value=v, lower=st.floats(-10.0, -1.0),
              upper=st.floats(0.0, 10.0)),
    onecycles(),
)


@given(s=_FINITE_DECAYS)
def test_end_value_held_exactly(s):
    d = s.duration
    held = s(d)
    later = [d, d + 1, d + 2, d + 17, 2 * d + 3, 10 * d, 10 * d + 1, 2**40, N53]
    assert [s(t) for t in later] == [held] * len(later)
    vec = s.evaluate(np.asarray(later, dtype=np.float64))
    assert (vec == vec[0]).all()
    # scalar vs numpy: rtol 1e-12 on the value range (near its end a Tanh value is a small
    # difference, 1 - tanh(x); its relative accuracy is test_tanh_relative_accuracy_near_end's)
    assert abs(float(vec[0]) - held) <= 1e-12 * max(abs(held), abs(s(0))) + ulps(held)
    if isinstance(s, (Linear, Cosine, Polynomial, WSD)):
        # they reach end_value exactly at the duration (scalar and numpy paths)
        assert held == s.end_value
        assert float(vec[0]) == s.end_value
    if isinstance(s, OneCycle):
        # the final value (torch: (end - start) * 1 + start for the linear anneal, so it rounds on
        # the scale of the phase's start value)
        low = s.peak_value / s.div_factor / s.final_div_factor
        assert abs(held - low) <= ulps(max(low, abs(s.peak_value)))
        if s.anneal == "cos":
            assert held == low


# ----------------------------------------------------------------------------------------------
# Clamp


@given(child=any_trees, lo=v, hi=v, which=st.sampled_from(["both", "min", "max"]))
def test_clamp_bounds_always_respected(child, lo, hi, which):
    lo, hi = min(lo, hi), max(lo, hi)
    s = Clamp(child, min_value=None if which == "max" else lo, max_value=None if which == "min" else hi)
    steps = list(range(0, 300)) + [0.5, 1.25, 99.75, 1e6 + 0.5, 2**40, N53]
    vals = [s(t) for t in steps] + s.evaluate(steps).tolist()
    for x in vals:
        assert not math.isnan(x)
        if which != "max":
            assert x >= lo
        if which != "min":
            assert x <= hi


# ----------------------------------------------------------------------------------------------
# Restart


@given(child=finite_trees.filter(_has_steps), period=st.integers(1, 60), decay=st.floats(0.1, 0.999))
def test_restart_period_mult_1_periodic(child, period, decay):
    s = Restart(child, period_steps=period)
    ts = list(range(0, 3 * period)) + [2**50 + j for j in range(0, 2 * period, max(1, period // 5))]
    for t in ts:
        assert s(t + period) == s(t), (t, s(t + period), s(t))
    a = s.evaluate(ts)
    b = s.evaluate([t + period for t in ts])
    assert (a == b).all()
    # cycle starts give the child's start exactly
    for k in (0, 1, 5, 2**40 // period):
        assert s(k * period) == child(0)
    # with a decay, each cycle is the previous one scaled: "all" scales the value, "above_end" the
    # part above the child's end value e, "peak" moves the start to s(0) * decay**k
    start, e = child(0), child(child.duration)
    s_all = Restart(child, period_steps=period, decay=decay, decay_mode="all")
    # the magnitudes the restarts actually take (a child that is itself a Restart with a limit
    # can hold a value its first steps do not show: a CI draw was 0, 0 there and 3.87 later)
    scale = max(abs(start), abs(e), *(abs(child(t)) for t in range(child.duration + 1)),
                *(abs(child(t)) for t in range(4 * period)), *(abs(s_all(t)) for t in range(4 * period)))
    tol = 1e-13 * scale + 1e-300
    s_above = Restart(child, period_steps=period, decay=decay, decay_mode="above_end")
    s_peak = Restart(child, period_steps=period, decay=decay, decay_mode="peak")
    for t in range(0, 3 * period):
        assert abs(s_all(t + period) - decay * s_all(t)) <= tol, (t, s_all(t + period), decay * s_all(t))
        assert abs((s_above(t + period) - e) - decay * (s_above(t) - e)) <= tol, (t, s_above(t + period), s_above(t))
    for k in range(4):
        if start != e:  # a child that starts where it ends: test_restart_peak_mode_flat_child_vs_timm
            assert abs(s_peak(k * period) - start * decay**k) <= tol, (k, s_peak(k * period), start * decay**k)
        assert abs(s_all(k * period) - start * decay**k) <= tol


@given(child=finite_trees.filter(_has_steps), period=st.integers(1, 50))
def test_restart_period_mult_2_cycle_starts(child, period):
    s = Restart(child, period_steps=period, period_mult=2.0)
    start = child(0)
    k, starts = 0, []
    while period * (2**k - 1) <= 2**50:
        starts.append(period * (2**k - 1))
        k += 1
    for b in starts:
        assert s(b) == start, (b, s(b), start)
    assert s.evaluate(starts).tolist() == [s(b) for b in starts]
    assert all(x == s.evaluate([starts[0]])[0] for x in s.evaluate(starts))


@given(period=st.integers(1, 50), a=v, e=v, cosine=st.booleans())
def test_restart_period_mult_2_last_step_of_each_cycle(period, a, e, cosine):
    child = Cosine(start_value=a, steps=period, end_value=e) if cosine else Linear(start_value=a, end_value=e, steps=period)
    s = Restart(child, period_steps=period, period_mult=2.0)
    k = 1
    while period * (2**k - 1) <= 2**50:
        b, length = period * (2**k - 1), period * 2 ** (k - 1)
        # the step before a cycle start is the last step of the previous cycle: the child at
        # (L - 1) / L of its duration, not the next cycle's start
        r = 1.0 / length
        want = e + (a - e) * (math.sin(math.pi * r / 2) ** 2 if cosine else r)
        assert abs(s(b - 1) - want) <= 1e-12 * max(abs(a), abs(e)), (b, s(b - 1), want)
        assert s(b) == child(0)
        k += 1


def _restart_epochs(t0: int, mult: int) -> list:
    out, b, length = [], 0, t0
    while b <= N53:
        out.append(b)
        b, length = b + length, length * mult
    return out


@pytest.mark.parametrize("t0,mult", [(1, 3), (10, 3), (1, 10), (3, 10), (1, 2), (7, 2), (5, 5)])
def test_restart_epochs_exact_up_to_2_53(t0, mult):
    # Cycle k starts at B_k = t0 (mult**k - 1) / (mult - 1); torch/paddle's float log misplaces some
    # of these (PEERS.md 2c). Every B_k <= 2**53 must give the start value exactly, B_k - 1 the last
    # step of the previous cycle and B_k + 1 the first step after the start.
    s = Restart(Cosine(start_value=1.0, steps=t0), period_steps=t0, period_mult=float(mult))
    epochs = _restart_epochs(t0, mult)
    assert epochs[-1] > N53 / mult
    for k, b in enumerate(epochs):
        assert b == t0 * (mult**k - 1) // (mult - 1)
        assert s(b) == 1.0, (k, b, s(b))
        length = t0 * mult**k
        if length > 1:
            assert abs(s(b + 1) - math.cos(math.pi / (2 * length)) ** 2) <= 1e-12, (k, b + 1, s(b + 1))
        if k:
            prev = t0 * mult ** (k - 1)
            assert abs(s(b - 1) - math.sin(math.pi / (2 * prev)) ** 2) <= 1e-12, (k, b - 1, s(b - 1))
    arr = np.asarray(epochs, dtype=np.float64)
    assert (s.evaluate(arr) == 1.0).all()
    assert (s.evaluate(epochs) == 1.0).all()
    # the last step of every cycle longer than one step is at most the cosine's midpoint
    # (exactly it for a cycle of two steps)
    before = s.evaluate(np.asarray([b - 1 for b, k in zip(epochs[1:], range(len(epochs))) if t0 * mult**k > 1],
                                   dtype=np.float64))
    assert (before <= 0.5 + 1e-15).all(), before


# ----------------------------------------------------------------------------------------------
# Boundaries picked exactly next to 2**53


def test_multistep_and_piecewise_at_2_53():
    ms = [N53 - 10, N53 - 2]
    steps = [N53 - 11, N53 - 10, N53 - 9, N53 - 3, N53 - 2, N53 - 1, N53]
    m = MultiStep(start_value=1.0, milestones=ms, factor=0.5)
    want = [1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]
    assert [m(t) for t in steps] == want
    assert m.evaluate(steps).tolist() == want
    assert m.evaluate(np.asarray(steps, dtype=np.float64)).tolist() == want
    assert m.duration == N53 - 2
    p = Piecewise(values=[3.0, 2.0, 1.0], boundaries=ms)
    want = [3.0, 2.0, 2.0, 2.0, 1.0, 1.0, 1.0]
    assert [p(t) for t in steps] == want
    assert p.evaluate(steps).tolist() == want
    assert p.evaluate(np.asarray(steps, dtype=np.float64)).tolist() == want


@given(low=v, high=v, mode=st.sampled_from(["triangular", "triangular2", "exp_range"]))
def test_cyclic_at_2_53(low, high, mode):
    # up 3, down 4: period 7. Troughs (exactly low_value) at multiples of 7, the last step of a
    # cycle a quarter of the way up, the peak 3 steps after a trough.
    s = Cyclic(low_value=low, high_value=high, up_steps=3, down_steps=4, mode=mode, gamma=0.5)
    kmax = N53 // 7
    scale = max(abs(low), abs(high))
    for k in range(kmax - 4, kmax + 1):
        t = 7 * k
        assert s(t) == low, (t, s(t))
        if mode == "triangular":
            assert abs(s(t - 1) - (low + (high - low) * 0.25)) <= ulps(scale), (t - 1, s(t - 1))
            assert abs(s(t - 4) - high) <= ulps(scale), (t - 4, s(t - 4))
            assert abs(s(t - 6) - (low + (high - low) / 3)) <= ulps(scale), (t - 6, s(t - 6))
        else:  # the cycle scale 0.5**k (or gamma**t) is 0 this far out
            assert s(t - 1) == low and s(t - 4) == low
    ts = np.asarray([7 * k for k in range(kmax - 4, kmax + 1)], dtype=np.float64)
    assert (s.evaluate(ts) == low).all()
    if mode == "triangular":
        got = s.evaluate(ts - 1.0)
        assert np.all(np.abs(got - (low + (high - low) * 0.25)) <= ulps(scale))


def test_restart_period_mult_1_at_2_53():
    # the child filling the period, and one stretched onto it
    for child, period in ((Linear(start_value=1.0, end_value=0.0, steps=7), 7),
                          (Linear(start_value=1.0, end_value=0.0, steps=3), 7)):
        s = Restart(child, period_steps=period)
        kmax = N53 // period
        for k in range(kmax - 3, kmax + 1):
            t = k * period
            assert s(t) == 1.0
            assert abs(s(t - 1) - 1.0 / period) <= 1e-15
        ts = np.asarray([k * period for k in range(kmax - 3, kmax + 1)], dtype=np.float64)
        assert (s.evaluate(ts) == 1.0).all()
        assert np.all(np.abs(s.evaluate(ts - 1.0) - 1.0 / period) <= 1e-15)


# ----------------------------------------------------------------------------------------------
# duration: constant from s.duration on


@given(s=finite_trees)
def test_duration_value_constant_from_then_on(s):
    d = s.duration
    assert isinstance(d, int) and d >= 0
    later = [d, d + 1, d + 17, 10 * d, 10 * d + 3, d + 1000]
    vals = [s(t) for t in later]
    assert vals == [vals[0]] * len(vals), (d, list(zip(later, vals)))
    vec = s.evaluate(later)
    assert (vec == vec[0]).all(), (d, list(zip(later, vec.tolist())))
    assert abs(float(vec[0]) - vals[0]) <= 1e-12 * abs(vals[0]) + 1e-12


@given(s=finite_trees)
def test_shift_adds_to_duration(s):
    # a Shift's duration adds its steps: the shifted schedule is constant from there on, at s's held value
    d = s.duration
    sh = Shift(s, steps=5)
    assert sh.duration == d + 5
    assert sh(d + 5) == sh(10 * (d + 5)) == s(d)
