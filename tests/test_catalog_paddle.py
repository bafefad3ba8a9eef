"""lrcore.catalog.paddle against the real paddle.optimizer.lr schedulers, stepped side by side.

Every class: hypothesis draws paddle's parameters, the paddle scheduler is stepped with
``step()`` (its value after k steps is the rate of update k) beside the catalog schedule, and
the two agree to rtol 1e-12. Where paddle's own arithmetic loses digits the allowance is the
size of that loss, derived in the helper that computes it (each says why):

* ``1 + cos(x)`` near its minimum (CosineAnnealingWarmRestarts, OneCycleLR, the closed form of
  CosineAnnealingDecay): cos has an absolute rounding of ~eps, so the value one of
  ~eps * amplitude; lrcore computes ``sin(pi r / 2)**2`` instead, which has none.
* ``1 - t / D`` (PolynomialDecay): absolute ~eps; near the end of a decay that is all the digits.
* ``1 + t / S - cycle`` (CyclicLR): absolute ~eps * t / S.
* recursions (CosineAnnealingDecay's and LinearLR's ``step()``): the measured drift, PEERS.md 2a.

Where paddle is wrong (the restart rounding of CosineAnnealingWarmRestarts.step(epoch),
PEERS.md 2c) the tests show the exact step and that lrcore gives the right value.
"""

from __future__ import annotations

import math
import warnings

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import lrcore
from lrcore.catalog import paddle as C
from lrcore.testing import assert_close, trajectory

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # "No ccache found", printed by paddle's import
    paddle = pytest.importorskip("paddle")
P = paddle.optimizer.lr

EPS = 2.0**-52
RTOL = 1e-12
TINY = 1e-300  # both sides underflow to subnormals below this: compared absolutely

rates = st.floats(1e-6, 10.0)
small_ints = st.integers(1, 60)


def paddle_atol(extra):
    """`assert_close`'s atol (a function of the step and both values) for paddle, side a, against
    lrcore: extra(t, paddle_value), an allowance for paddle's own rounding that depends on the
    step, plus TINY. Stepping and comparing are lrcore.testing's (`trajectory`: ``last_lr``, then
    ``step()``; `assert_close`: ``|paddle - lrcore| <= atol + 1e-12 * max(|paddle|, |lrcore|)``)."""
    return lambda t, a, b: extra(t, a) + TINY


def _steps(n, far=()):
    return list(range(n)) + sorted(set(f for f in far if f >= n))


def at_epoch(ps_factory):
    """A function of e: a fresh paddle scheduler's value after ``step(e)`` (pure paddle
    schedulers, no recursion, computed at far epochs; compared at ``sorted(set(epochs))``)."""
    def value(e):
        ps = ps_factory()
        ps.step(e)
        return ps()
    return value


# ----------------------------------------------------------------------------- the pure ones


@given(d=st.integers(1, 4096), w=st.integers(1, 10_000), lr=st.floats(0.0, 10.0),
       far=st.lists(st.integers(0, 10**9), max_size=5))
def test_noam_decay(d, w, lr, far):
    s = C.NoamDecay(d_model=d, warmup_steps=w, learning_rate=lr)
    assert_close(P.NoamDecay(d, w, lr), s, _steps(40), rtol=RTOL, atol=TINY)
    assert_close(at_epoch(lambda: P.NoamDecay(d, w, lr)), s, sorted(set(far + [w - 1, w, w + 1])), rtol=RTOL, atol=TINY)
    assert s(0) == 0.0


@given(data=st.data(), n=st.integers(1, 6), extra_values=st.integers(0, 2))
def test_piecewise_decay(data, n, extra_values):
    b = sorted(data.draw(st.sets(st.integers(1, 200), min_size=n, max_size=n)))
    v = data.draw(st.lists(st.floats(0.0, 10.0), min_size=n + 1 + extra_values, max_size=n + 1 + extra_values))
    s = C.PiecewiseDecay(boundaries=b, values=v)
    assert_close(P.PiecewiseDecay(b, v), s, _steps(b[-1] + 3), rtol=RTOL, atol=TINY)
    assert s(b[-1] + 10**6) == v[-1]  # paddle's values[-1], also with surplus values


@given(lr=rates, gamma=st.floats(1e-6, 5.0), far=st.lists(st.integers(0, 10**6), max_size=5))
def test_natural_exp_decay(lr, gamma, far):
    # exp(-gamma t) vs 0.5 ** (t / (ln 2 / gamma)): ~1.5 gamma t ulp, under 745 * 1.5 ulp before underflow
    s = C.NaturalExpDecay(learning_rate=lr, gamma=gamma)
    assert_close(P.NaturalExpDecay(lr, gamma), s, _steps(100), rtol=RTOL, atol=TINY)
    assert_close(at_epoch(lambda: P.NaturalExpDecay(lr, gamma)), s, sorted(set(far + [int(700 / gamma)])),
                 rtol=RTOL, atol=TINY)


@given(lr=rates, gamma=st.floats(0.0, 100.0), far=st.lists(st.integers(0, 10**12), max_size=5))
def test_inverse_time_decay(lr, gamma, far):
    s = C.InverseTimeDecay(learning_rate=lr, gamma=gamma)
    assert_close(P.InverseTimeDecay(lr, gamma), s, _steps(100), rtol=RTOL, atol=TINY)
    assert_close(at_epoch(lambda: P.InverseTimeDecay(lr, gamma)), s, sorted(set(far)), rtol=RTOL, atol=TINY)


@given(lr=rates, gamma=st.floats(1e-3, 0.999999), far=st.lists(st.integers(0, 10**6), max_size=5))
def test_exponential_decay(lr, gamma, far):
    s = C.ExponentialDecay(learning_rate=lr, gamma=gamma)
    assert_close(P.ExponentialDecay(lr, gamma), s, _steps(100), rtol=RTOL, atol=TINY)
    assert_close(at_epoch(lambda: P.ExponentialDecay(lr, gamma)), s, sorted(set(far)), rtol=RTOL, atol=TINY)


@given(lr=rates, ms=st.lists(st.integers(0, 300), max_size=6, unique=True), gamma=st.floats(1e-3, 0.999))
def test_multi_step_decay(lr, ms, gamma):
    ms = sorted(ms)
    s = C.MultiStepDecay(learning_rate=lr, milestones=ms, gamma=gamma)
    assert_close(P.MultiStepDecay(lr, ms, gamma), s, _steps((ms[-1] if ms else 0) + 3), rtol=RTOL, atol=TINY)


@given(lr=rates, size=st.integers(1, 500), gamma=st.floats(1e-3, 0.999), far=st.lists(st.integers(0, 10**7), max_size=5))
def test_step_decay(lr, size, gamma, far):
    s = C.StepDecay(learning_rate=lr, step_size=size, gamma=gamma)
    assert_close(P.StepDecay(lr, size, gamma), s, _steps(50), rtol=RTOL, atol=TINY)
    assert_close(at_epoch(lambda: P.StepDecay(lr, size, gamma)), s, sorted(set(far + [size - 1, size, 7 * size])),
                 rtol=RTOL, atol=TINY)


def _lambda_family(a, b, k):
    return [lambda e: a**e, lambda e: 1.0 / (1.0 + b * e), lambda e: max(0.0, 1.0 - e / k), lambda e: a ** (e // k)]


@given(lr=rates, a=st.floats(0.5, 1.0), b=st.floats(0.0, 2.0), k=st.integers(1, 50), i=st.integers(0, 3))
def test_lambda_decay(lr, a, b, k, i):
    fn = _lambda_family(a, b, k)[i]
    assert_close(P.LambdaDecay(lr, fn), C.LambdaDecay(learning_rate=lr, lr_lambda=fn), _steps(80), rtol=RTOL, atol=TINY)


@given(lr=rates, a=st.floats(0.9, 1.0), b=st.floats(0.0, 0.05), k=st.integers(1, 20), i=st.integers(0, 3))
def test_multiplicative_decay(lr, a, b, k, i):
    fns = [lambda e: a, lambda e: a + b * (e % 3) / 3, lambda e: 1.0 - b / (1 + e), lambda e: a if e % k == 0 else 1.0]
    fn = fns[i]
    s = C.MultiplicativeDecay(learning_rate=lr, lr_lambda=fn)
    assert_close(P.MultiplicativeDecay(lr, fn), s, _steps(120),
                 rtol=RTOL, atol=TINY)  # same products in the same order: equal floats
    # evaluated backwards, and as an array, it recomputes the same numbers
    ref = [s(t) for t in range(30)]
    assert [s(t) for t in reversed(range(30))] == ref[::-1]
    assert s.evaluate(list(range(30))).tolist() == ref


# ----------------------------------------------------------------------------- PolynomialDecay

def _poly_allowance(lr, end, power, decay_steps, cycle):
    """paddle's ``1 - t'/D'`` is off by up to 2**-52 absolutely (its quotient's rounding); the
    value then moves by |lr - end| times the change of ``w**power`` over that interval."""

    def extra(t, v):
        if cycle:
            dd = decay_steps * (1 if t == 0 else math.ceil(t / decay_steps))
            w = 1.0 - t / dd
        else:
            w = 1.0 - min(t, decay_steps) / decay_steps
        hi, lo = min(w + EPS, 1.0) ** power, max(w - EPS, 0.0) ** power
        wp = w**power
        return abs(lr - end) * (max(hi - wp, wp - lo) + 16 * EPS * wp) + 4 * EPS * abs(end)
    return extra


@given(lr=rates, d=st.integers(1, 3000), end_frac=st.floats(0.0, 2.0), power=st.floats(0.1, 5.0),
       far=st.lists(st.integers(0, 10**6), max_size=4))
def test_polynomial_decay(lr, d, end_frac, power, far):
    end = lr * end_frac
    s = C.PolynomialDecay(learning_rate=lr, decay_steps=d, end_lr=end, power=power)
    extra = _poly_allowance(lr, end, power, d, False)
    assert_close(P.PolynomialDecay(lr, d, end, power), s, _steps(40, [d - 2, d - 1, d, d + 1]),
                 rtol=RTOL, atol=paddle_atol(extra))
    assert_close(at_epoch(lambda: P.PolynomialDecay(lr, d, end, power)), s, sorted(set(far + [d // 2, d - 1])),
                 rtol=RTOL, atol=paddle_atol(extra))


@given(lr=rates, d=st.integers(1, 40), end_frac=st.floats(0.0, 2.0), power=st.sampled_from([1.0, 1.0, 2.0, 0.9, 0.5]),
       far=st.lists(st.integers(0, 10**6), max_size=4))
def test_polynomial_decay_cycle(lr, d, end_frac, power, far):
    end = lr * end_frac
    s = C.PolynomialDecay(learning_rate=lr, decay_steps=d, end_lr=end, power=power, cycle=True)
    extra = _poly_allowance(lr, end, power, d, True)
    assert_close(P.PolynomialDecay(lr, d, end, power, cycle=True), s, _steps(8 * d + 3),
                 rtol=RTOL, atol=paddle_atol(extra))
    assert_close(at_epoch(lambda: P.PolynomialDecay(lr, d, end, power, cycle=True)), s,
                 sorted(set(far + [1000 * d, 1000 * d + 1])),
                 rtol=RTOL, atol=paddle_atol(extra))
    # end_lr exactly at every multiple of decay_steps
    assert all(s(k * d) == end for k in (1, 2, 3, 977))


@pytest.mark.parametrize("power", [1.0, 0.9, 2.0])
def test_polynomial_decay_cycle_is_one_storable_node(power):
    s = C.PolynomialDecay(learning_rate=1.0, decay_steps=5, end_lr=0.0, power=power, cycle=True)
    assert s == lrcore.Polynomial(start_value=1.0, end_value=0.0, steps=5, power=power, cycle=True)
    assert lrcore.from_config(s.to_config()) == s
    import numpy as np

    ref = [s(t) for t in range(40)]
    assert np.allclose(s.evaluate(np.arange(40)), ref, rtol=1e-15, atol=0)


def _nodes(s):
    yield s
    for c in s.children():
        yield from _nodes(c)


# ----------------------------------------------------------------------------- cosine family

def _cos_allowance(amp):
    """paddle's (1 + cos(x)) / 2 has an absolute rounding of ~2**-53 (cos's), lrcore's
    sin**2 form none: up to a few eps * amplitude apart."""
    return lambda t, v: 8 * EPS * abs(amp)


@given(lr=rates, t_max=st.integers(1, 400), eta_frac=st.sampled_from([0.0, 0.001, 0.1, 0.5, 1.0, 1.5]))
def test_cosine_annealing_decay_first_period(lr, t_max, eta_frac):
    """paddle's recursion stays within rtol 1e-12 (plus ~eps * amplitude) of the closed form up to T_max."""
    eta = lr * eta_frac
    s = C.CosineAnnealingDecay(learning_rate=lr, T_max=t_max, eta_min=eta)
    assert_close(P.CosineAnnealingDecay(lr, t_max, eta), s, _steps(t_max + 1),
                 rtol=RTOL, atol=paddle_atol(_cos_allowance(lr - eta)))


def _recursive_cos_allowance(lr, eta, t_max):
    """After each minimum the recursion restarts from ``1 - cos(pi/T)`` (or divides by
    ``1 + cos(pi (T-1)/T)``), quantities of ~(pi/T)**2 that cos gives to an absolute ~eps: a
    relative error up to eps (2T/pi)**2 in (v - eta_min), carried on; one per minimum passed."""

    def extra(t, v):
        minima = (t + t_max) // (2 * t_max)
        return abs(lr - eta) * EPS * (8 + (2 * t_max / math.pi) ** 2 * minima)
    return extra


@given(lr=rates, t_max=st.integers(1, 300), eta_frac=st.sampled_from([0.0, 0.001, 0.1, 0.5]), periods=st.integers(2, 6))
def test_cosine_annealing_decay_periodic_within_recursion_drift(lr, t_max, eta_frac, periods):
    eta = lr * eta_frac
    s = C.CosineAnnealingDecay(learning_rate=lr, T_max=t_max, eta_min=eta)
    assert_close(P.CosineAnnealingDecay(lr, t_max, eta), s, _steps(2 * t_max * periods + 1),
                 rtol=RTOL, atol=paddle_atol(_recursive_cos_allowance(lr, eta, t_max)))
    # paddle's step(epoch) is the closed form: no recursion, but cos(pi t / T) of the whole angle,
    # which is rounded to ~t/T ulp (lrcore reduces t modulo 2T exactly first)
    far = lambda t, v: 8 * EPS * abs(lr - eta) + abs(lr - eta) * math.pi * EPS * t / t_max  # noqa: E731
    assert_close(at_epoch(lambda: P.CosineAnnealingDecay(lr, t_max, eta)), s,
                 sorted(set([t_max * periods + 3, 10**6 + 7])),
                 rtol=RTOL, atol=paddle_atol(far))


def test_cosine_annealing_decay_measured_drift_peers_2a():
    """PEERS.md 2a, re-measured: T_max=1000, lr=1, eta_min=0, 100k steps of paddle's recursion.

    lrcore is the exact closed form (checked with mpmath below); paddle's values carry the
    absolute ~eps of its 1 + cos near every minimum (1e-11 relative there, even in the first
    half-period), and the recursion carries that error on, period after period."""
    mpmath = pytest.importorskip("mpmath")
    t_max, n = 1000, 100_000
    ps, s = P.CosineAnnealingDecay(1.0, t_max, 0.0), C.CosineAnnealingDecay(learning_rate=1.0, T_max=t_max)
    values = trajectory(ps, n)
    ours = s.evaluate(range(n))
    first = max(abs(ours[t] - values[t]) for t in range(t_max + 1))
    everywhere = max(abs(ours[t] - values[t]) for t in range(n))
    assert first <= 2 * EPS  # within the first half-period: cos's own rounding, no drift yet
    assert 1e-12 < everywhere < 5e-11  # measured 4.5e-11: the recursion drifts, the closed form does not
    assert values[2 * t_max] != 1.0 and s(2 * t_max) == 1.0  # paddle: 0.999999999999999 at t = 2T
    mpmath.mp.dps = 40
    for t in (1, 500, 999, 1001, 1999, 88000 - 1, 88546):
        exact = float((1 + mpmath.cos(mpmath.pi * t / t_max)) / 2)
        assert abs(s(t) - exact) <= 4 * EPS * exact, t
    exact = float((1 + mpmath.cos(mpmath.pi * 999 / t_max)) / 2)
    assert abs(values[999] - exact) > 1e-12 * exact  # paddle, near the minimum in the first period


@given(lr=rates, t0=st.integers(1, 50), mult=st.integers(1, 4), eta_frac=st.sampled_from([0.0, 0.01, 0.5]))
def test_cosine_annealing_warm_restarts(lr, t0, mult, eta_frac):
    eta = lr * eta_frac
    s = C.CosineAnnealingWarmRestarts(learning_rate=lr, T_0=t0, T_mult=mult, eta_min=eta)
    n = min(3000, t0 * (1 + mult + mult**2 + mult**3) + 2)
    assert_close(P.CosineAnnealingWarmRestarts(lr, t0, mult, eta), s, _steps(n),
                 rtol=RTOL, atol=paddle_atol(_cos_allowance(lr - eta)))


def _restarts(t0, mult, limit):
    b, k, out = 0, 0, []
    while b <= limit:
        out.append(b)
        b += t0 * mult**k
        k += 1
    return out


@pytest.mark.parametrize("t0, mult, wrong", [(1, 3, [121, 29524]), (10, 3, [1210]), (1, 10, [111, 111111]),
                                             (2, 3, [242, 59048]), (3, 5, [])])
def test_warm_restarts_paddle_step_epoch_misses_restarts_peers_2c(t0, mult, wrong):
    """paddle's step(epoch) takes n = int(log(epoch/T_0 (T_mult-1) + 1, T_mult)), which rounds
    down at these restarts (all of them up to step 200000): eta_min instead of the rate. Its
    step() path and lrcore are right."""
    lr = 1.0
    s = C.CosineAnnealingWarmRestarts(learning_rate=lr, T_0=t0, T_mult=mult)
    found = []
    for r in _restarts(t0, mult, 2 * 10**5):
        ps = P.CosineAnnealingWarmRestarts(lr, t0, mult)
        ps.step(r)
        assert s(r) == lr  # lrcore: every restart starts at the rate
        if ps() != lr:
            assert ps() == 0.0 and ps.T_cur == ps.T_i  # paddle: the previous cycle's end, eta_min
            found.append(r)
    assert found == wrong
    # the step() path agrees with lrcore right through the first wrong restart
    assert_close(P.CosineAnnealingWarmRestarts(lr, t0, mult), s, (wrong or [300])[0] + 1, rtol=RTOL, atol=8 * EPS * lr)


def test_linear_warmup_over_warm_restarts_inherits_paddle_restart_bug():
    """LinearWarmup steps its inner scheduler with step(t - W): paddle's wrapped SGDR hits 2c."""
    w = 5
    ps = P.LinearWarmup(P.CosineAnnealingWarmRestarts(1.0, 1, 3), w, 0.0, 1.0)
    s = C.LinearWarmup(learning_rate=C.CosineAnnealingWarmRestarts(learning_rate=1.0, T_0=1, T_mult=3),
                       warmup_steps=w, start_lr=0.0, end_lr=1.0)
    tv = trajectory(ps, w + 200)
    bad = [(t, v, s(t)) for t, v in enumerate(tv) if abs(v - s(t)) > 8 * EPS + RTOL * abs(v)]
    assert bad == [(w + 121, 0.0, 1.0)]


# ----------------------------------------------------------------------------- one-cycle, cyclic, linear

@given(peak=rates, n=st.integers(2, 400), div=st.floats(1.0, 1e3), end_frac=st.sampled_from([0.0, 1e-4, 1e-2, 0.5]),
       pct=st.floats(0.01, 0.99), anneal=st.sampled_from(["cos", "linear"]), three=st.booleans())
def test_one_cycle_lr(peak, n, div, end_frac, pct, anneal, three):
    if three:
        pct = pct / 2.0
    assume(pct * n > 1.0 and (not three or pct < 0.5))
    assume(not three or 2 * pct * n - 2 > pct * n - 1)
    end = peak * end_frac
    s = C.OneCycleLR(max_learning_rate=peak, total_steps=n, divide_factor=div, end_learning_rate=end,
                     phase_pct=pct, anneal_strategy=anneal, three_phase=three)
    ps = P.OneCycleLR(peak, n, div, end, pct, anneal, three)
    assert_close(ps, s, _steps(n + 1),
                 rtol=RTOL, atol=paddle_atol(_cos_allowance(max(peak, end))))  # t = N: paddle's extrapolation, the same
    with pytest.raises(ValueError, match="total steps"):
        ps.step()  # paddle raises past N; lrcore holds end_learning_rate
    assert s(n + 1) == s(n + 10**6) == end
    assert s(n - 1) == pytest.approx(end, rel=1e-15, abs=0.0)


@given(base=st.floats(0.0, 2.0), peak=st.floats(0.0, 2.0), up=st.integers(1, 60), down=st.none() | st.integers(1, 60),
       mode=st.sampled_from(["triangular", "triangular2", "exp_range"]), gamma=st.floats(0.9, 1.0),
       far=st.lists(st.integers(0, 10**7), max_size=4))
def test_cyclic_lr(base, peak, up, down, mode, gamma, far):
    s = C.CyclicLR(base_learning_rate=base, max_learning_rate=peak, step_size_up=up, step_size_down=down,
                   mode=mode, exp_gamma=gamma)
    size = up + (up if down is None else down)
    up_pct = up / size

    def extra(t, v):
        """paddle's phase 1 + t/S - cycle carries ~(1 + 2t/S) * 2**-53 absolutely (lrcore's is exact)."""
        k = t // size
        scale = 1.0 if mode == "triangular" else 0.5**k if mode == "triangular2" else gamma**t
        return abs(peak - base) * scale * (4 + 4 * t / size) * EPS / min(up_pct, 1 - up_pct)

    assert_close(P.CyclicLR(base, peak, up, down, mode=mode, exp_gamma=gamma), s, _steps(3 * size + 2),
                 rtol=RTOL, atol=paddle_atol(extra))
    if mode == "triangular2":  # paddle's 2.0 ** (cycle - 1) overflows after 1024 cycles (next test)
        far = [f for f in far if f // size < 1024]
    assert_close(at_epoch(lambda: P.CyclicLR(base, peak, up, down, mode=mode, exp_gamma=gamma)), s, sorted(set(far)),
                 rtol=RTOL, atol=paddle_atol(extra))


def test_cyclic_lr_triangular2_paddle_overflows_after_1024_cycles():
    """paddle's triangular2 scale is 1 / 2.0 ** (cycle - 1): OverflowError from cycle 1025 on,
    so training past 1024 cycles stops; lrcore's 0.5 ** k just reaches 0 (the base rate)."""
    ps = P.CyclicLR(0.1, 1.0, 1, mode="triangular2")
    s = C.CyclicLR(base_learning_rate=0.1, max_learning_rate=1.0, step_size_up=1, mode="triangular2")
    ps.step(2 * 1023 + 1)  # cycle 1024: still fine
    assert ps() == s(2 * 1023 + 1) == 0.1 + 0.9 * 0.5**1023
    with pytest.raises(OverflowError):
        ps.step(2 * 1024 + 1)
    assert s(2 * 1024 + 1) == s(10**15 + 1) == 0.1


@given(base=st.floats(0.0, 1.0), peak=st.floats(0.0, 2.0), up=st.integers(1, 30), down=st.none() | st.integers(1, 30),
       scale_mode=st.sampled_from(["cycle", "iterations"]), i=st.integers(0, 2))
def test_cyclic_lr_scale_fn(base, peak, up, down, scale_mode, i):
    fn = [lambda x: 1.0 / x if x else 1.0, lambda x: 0.99**x, lambda x: 1.0 / (1.0 + 0.01 * x)][i]
    s = C.CyclicLR(base_learning_rate=base, max_learning_rate=peak, step_size_up=up, step_size_down=down,
                   scale_fn=fn, scale_mode=scale_mode)
    size = up + (up if down is None else down)
    extra = lambda t, v: abs(peak - base) * (4 + 4 * t / size) * EPS * size / min(up, size - up)  # noqa: E731
    assert_close(P.CyclicLR(base, peak, up, down, scale_fn=fn, scale_mode=scale_mode), s, _steps(3 * size + 2),
                 rtol=RTOL, atol=paddle_atol(extra))


@given(lr=rates, n=st.integers(1, 2000), sf=st.floats(1e-6, 1.0), ef=st.floats(0.0, 1.0))
def test_linear_lr(lr, n, sf, ef):
    s = C.LinearLR(learning_rate=lr, total_steps=n, start_factor=sf, end_factor=ef)

    def extra(t, v):
        """paddle's recursion multiplies ~t ratios, each rounded: measured < 0.04 eps (t+1) lr max(sf, ef)."""
        return 2 * EPS * (min(t, n) + 1) * lr * max(sf, ef)

    steps = _steps(min(n, 300) + 3, [n - 1, n, n + 1, n + 5]) if n < 300 else _steps(n + 3)
    assert_close(P.LinearLR(lr, n, sf, ef), s, steps, rtol=RTOL, atol=paddle_atol(extra))
    assert s(0) == lr * sf  # exact, as paddle's first value


# ----------------------------------------------------------------------------- LinearWarmup

inner_specs = st.sampled_from(["float", "step", "exp", "cos", "poly", "linear"])


def _inner(kind, lr, size):
    if kind == "float":
        return lr, lr
    if kind == "step":
        return P.StepDecay(lr, size, 0.5), C.StepDecay(learning_rate=lr, step_size=size, gamma=0.5)
    if kind == "exp":
        return P.ExponentialDecay(lr, 0.95), C.ExponentialDecay(learning_rate=lr, gamma=0.95)
    if kind == "cos":
        return P.CosineAnnealingDecay(lr, size, 0.1 * lr), C.CosineAnnealingDecay(learning_rate=lr, T_max=size, eta_min=0.1 * lr)
    if kind == "poly":
        return P.PolynomialDecay(lr, size, 0.0, 2.0), C.PolynomialDecay(learning_rate=lr, decay_steps=size, end_lr=0.0, power=2.0)
    return P.LinearLR(lr, size, 0.5, 1.0), C.LinearLR(learning_rate=lr, total_steps=size, start_factor=0.5)


@given(kind=inner_specs, lr=rates, size=small_ints, w=st.integers(1, 50), start_frac=st.floats(0.0, 0.9),
       end_frac=st.sampled_from([1.0, 1.0, 0.5, 2.0]))
def test_linear_warmup(kind, lr, size, w, start_frac, end_frac):
    end = lr * end_frac
    start = end * start_frac
    assume(end > start)
    p_inner, c_inner = _inner(kind, lr, size)
    s = C.LinearWarmup(learning_rate=c_inner, warmup_steps=w, start_lr=start, end_lr=end)
    # the inner values: paddle's closed form (cosine: eps * amplitude), or its recursion (LinearLR)
    extra = lambda t, v: 8 * EPS * lr + (2 * EPS * (t + 1) * lr if kind == "linear" else 0.0)  # noqa: E731
    assert_close(P.LinearWarmup(p_inner, w, start, end), s, _steps(w + 3 * size + 3),
                 rtol=RTOL, atol=paddle_atol(extra))
    assert s(w - 1) < end  # the warmup never reaches end_lr


# ----------------------------------------------------------------------------- ReduceOnPlateau

metric_streams = st.lists(st.one_of(st.floats(0.0, 10.0), st.sampled_from([1.0, 2.0, 5.0])), min_size=1, max_size=80)


@given(lr=rates, mode=st.sampled_from(["min", "max", "MIN"]), factor=st.floats(0.01, 0.99), patience=st.integers(0, 5),
       threshold=st.sampled_from([0.0, 1e-4, 0.1]), threshold_mode=st.sampled_from(["rel", "abs"]),
       cooldown=st.integers(0, 4), min_frac=st.sampled_from([0.0, 0.01, 0.3]), epsilon=st.sampled_from([0.0, 1e-8, 1e-3]),
       metrics=metric_streams, walk=st.booleans())
def test_reduce_on_plateau_against_paddle(lr, mode, factor, patience, threshold, threshold_mode, cooldown, min_frac,
                                          epsilon, metrics, walk):
    if walk:  # a noisy trend, so improvements also come during cooldown (where paddle's rule differs from torch's)
        acc, out = 10.0, []
        for m in metrics:
            acc += (m - 5.0) / 5.0
            out.append(acc)
        metrics = out
    kw = dict(mode=mode, factor=factor, patience=patience, threshold=threshold, threshold_mode=threshold_mode,
              cooldown=cooldown, min_lr=lr * min_frac, epsilon=epsilon)
    ps, cs = P.ReduceOnPlateau(lr, **kw), C.ReduceOnPlateau(learning_rate=lr, **kw)
    state = cs.init()
    assert cs.value(0, state) == ps()
    for m in metrics:
        ps.step(m)
        state = cs.update(state, m)
        want, got = ps(), cs.value(0, state)
        assert abs(got - want) <= RTOL * want, (m, want, got)
        assert state.num_bad == ps.num_bad_epochs and state.cooldown == ps.cooldown_counter
        assert state.best == ps.best


def test_reduce_on_plateau_cooldown_is_paddles_peers_2g():
    """PEERS.md 2g: an improvement during cooldown is ignored by paddle (torch would take it)."""
    metrics = [10, 11, 11, 11, 5, 6, 7, 8, 9, 9.5]
    kw = dict(factor=0.5, patience=2, cooldown=2)
    ps, cs = P.ReduceOnPlateau(1.0, **kw), C.ReduceOnPlateau(learning_rate=1.0, **kw)
    state, got, want = cs.init(), [], []
    for m in metrics:
        ps.step(m)
        state = cs.update(state, m)
        want.append(ps())
        got.append(cs.value(0, state))
    assert got == want == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25]


# ----------------------------------------------------------------------------- names, checks, configs

def test_every_paddle_scheduler_is_in_the_catalog():
    assert set(P.__all__) - {"LRScheduler"} == set(C.__all__)


def test_node_based_schedules_round_trip_through_config():
    made = [
        C.NoamDecay(d_model=16, warmup_steps=4), C.PiecewiseDecay(boundaries=[2], values=[1.0, 0.5]),
        C.NaturalExpDecay(learning_rate=0.1, gamma=0.1), C.InverseTimeDecay(learning_rate=0.1, gamma=0.1),
        C.PolynomialDecay(learning_rate=0.1, decay_steps=10), C.PolynomialDecay(learning_rate=0.1, decay_steps=10, cycle=True),
        C.LinearWarmup(learning_rate=C.CosineAnnealingDecay(learning_rate=0.1, T_max=5), warmup_steps=3, start_lr=0.0, end_lr=0.2),
        C.ExponentialDecay(learning_rate=0.1, gamma=0.9), C.MultiStepDecay(learning_rate=0.1, milestones=[3, 5]),
        C.StepDecay(learning_rate=0.1, step_size=3), C.CosineAnnealingDecay(learning_rate=0.1, T_max=7, eta_min=0.01),
        C.OneCycleLR(max_learning_rate=0.1, total_steps=20),
        C.OneCycleLR(max_learning_rate=0.1, total_steps=20, end_learning_rate=0.0),
        C.CyclicLR(base_learning_rate=0.01, max_learning_rate=0.1, step_size_up=3), C.LinearLR(learning_rate=0.1, total_steps=4),
        C.CosineAnnealingWarmRestarts(learning_rate=0.1, T_0=3, T_mult=2), C.ReduceOnPlateau(learning_rate=0.1),
    ]
    for s in made:
        back = lrcore.loads(lrcore.dumps(s))
        assert back == s and back.fingerprint == s.fingerprint


def test_function_based_schedules_have_stable_fingerprints():
    fn = lambda e: 0.95  # noqa: E731
    a, b = C.MultiplicativeDecay(learning_rate=0.5, lr_lambda=fn), C.MultiplicativeDecay(learning_rate=0.5, lr_lambda=fn)
    assert a.fingerprint == b.fingerprint  # no memory address in it
    assert a.fingerprint != C.MultiplicativeDecay(learning_rate=0.4, lr_lambda=fn).fingerprint
    assert "0x" not in repr(a.fn)


def _paddle_raises(make):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            make()
    except Exception:  # noqa: BLE001 - paddle raises TypeError, ValueError or AssertionError
        return True
    return False


class Accepts:
    """A paddle call that paddle accepts: the condition is lrcore's own (no finite or expressible schedule)."""

    def __init__(self, make):
        self.make = make


# (catalog call, the same call to paddle, error type, message)
BAD = [
    (lambda: C.NoamDecay(d_model=0, warmup_steps=10), lambda: P.NoamDecay(0, 10), ValueError,
     "NoamDecay: `d_model` must be a number > 0.0, got d_model=0"),
    (lambda: C.NoamDecay(d_model=8, warmup_steps=0),
     lambda: P.NoamDecay(8, 0), ValueError, "NoamDecay: `warmup_steps` must be an int >= 1"),
    (lambda: C.PiecewiseDecay(boundaries=[], values=[1.0]), lambda: P.PiecewiseDecay([], [1.0]), ValueError,
     "PiecewiseDecay: `boundaries` must be a non-empty list of ints, got boundaries=\\[\\]"),
    (lambda: C.PiecewiseDecay(boundaries=[2, 4], values=[1.0, 0.5]), lambda: P.PiecewiseDecay([2, 4], [1.0, 0.5]),
     ValueError, "PiecewiseDecay: `values` must be a list of more than len\\(boundaries\\) = 2 numbers"),
    (lambda: C.PiecewiseDecay(boundaries=[4, 2], values=[1.0, 0.5, 0.1]),
     Accepts(lambda: P.PiecewiseDecay([4, 2], [1.0, 0.5, 0.1])), ValueError,
     "PiecewiseDecay: `boundaries` must be strictly increasing"),
    (lambda: C.NaturalExpDecay(learning_rate=0.1, gamma=0.0), lambda: P.NaturalExpDecay(0.1, 0.0), ValueError,
     "NaturalExpDecay: `gamma` must be a number > 0.0, got gamma=0.0"),
    (lambda: C.NaturalExpDecay(learning_rate=-0.1, gamma=0.1), lambda: P.NaturalExpDecay(-0.1, 0.1), ValueError,
     "NaturalExpDecay: `learning_rate` must be a number >= 0.0, got learning_rate=-0.1"),
    (lambda: C.InverseTimeDecay(learning_rate="0.1", gamma=0.1), lambda: P.InverseTimeDecay("0.1", 0.1), TypeError,
     "InverseTimeDecay: `learning_rate` must be a number >= 0.0, got learning_rate='0.1'"),
    (lambda: C.PolynomialDecay(learning_rate=0.1, decay_steps=0), lambda: P.PolynomialDecay(0.1, 0), ValueError,
     "PolynomialDecay: `decay_steps` must be an int >= 1"),
    (lambda: C.PolynomialDecay(learning_rate=0.1, decay_steps=2.5), lambda: P.PolynomialDecay(0.1, 2.5), TypeError,
     "PolynomialDecay: `decay_steps` must be an int >= 1"),
    (lambda: C.PolynomialDecay(learning_rate=0.1, decay_steps=5, power=0.0), lambda: P.PolynomialDecay(0.1, 5, power=0.0),
     ValueError, "PolynomialDecay: `power` must be a number > 0.0, got power=0.0"),
    (lambda: C.LinearWarmup(learning_rate=0.1, warmup_steps=0, start_lr=0.0, end_lr=0.1),
     lambda: P.LinearWarmup(0.1, 0, 0.0, 0.1), ValueError, "LinearWarmup: `warmup_steps` must be an int >= 1"),
    (lambda: C.LinearWarmup(learning_rate=0.1, warmup_steps=3, start_lr=0.1, end_lr=0.1),
     lambda: P.LinearWarmup(0.1, 3, 0.1, 0.1), ValueError, "LinearWarmup: `end_lr` must be a number > start_lr = 0.1, got end_lr=0.1"),
    (lambda: C.LinearWarmup(learning_rate=0.1, warmup_steps=3, start_lr=-0.1, end_lr=0.1),
     lambda: P.LinearWarmup(0.1, 3, -0.1, 0.1), ValueError, "LinearWarmup: `start_lr` must be a number >= 0.0"),
    (lambda: C.LinearWarmup(learning_rate="x", warmup_steps=3, start_lr=0.0, end_lr=0.1),
     lambda: P.LinearWarmup("x", 3, 0.0, 0.1), TypeError, "LinearWarmup: `learning_rate` must be a number or an lrcore Schedule"),
    (lambda: C.ExponentialDecay(learning_rate=0.1, gamma=1.0), lambda: P.ExponentialDecay(0.1, 1.0), ValueError,
     "ExponentialDecay: `gamma` must be a number > 0.0 and < 1.0, got gamma=1.0"),
    (lambda: C.MultiStepDecay(learning_rate=0.1, milestones=[3, 2]), lambda: P.MultiStepDecay(0.1, [3, 2]), ValueError,
     "MultiStepDecay: `milestones` must be strictly increasing, got milestones=\\[3, 2\\]"),
    (lambda: C.MultiStepDecay(learning_rate=0.1, milestones=5), lambda: P.MultiStepDecay(0.1, 5), TypeError,
     "MultiStepDecay: `milestones` must be a list or tuple of ints, got milestones=5"),
    (lambda: C.MultiStepDecay(learning_rate=0.1, milestones=[3], gamma=1.5), lambda: P.MultiStepDecay(0.1, [3], 1.5),
     ValueError, "MultiStepDecay: `gamma` must be a number > 0.0 and < 1.0, got gamma=1.5"),
    (lambda: C.MultiStepDecay(learning_rate=0.1, milestones=[3], gamma=0.0),
     Accepts(lambda: P.MultiStepDecay(0.1, [3], 0.0)), ValueError,
     "MultiStepDecay: `gamma` must be a number > 0.0 and < 1.0, got gamma=0.0"),
    (lambda: C.StepDecay(learning_rate=0.1, step_size=2.0), lambda: P.StepDecay(0.1, 2.0), TypeError,
     "StepDecay: `step_size` must be an int >= 1"),
    (lambda: C.StepDecay(learning_rate=0.1, step_size=0), lambda: P.StepDecay(0.1, 0), ValueError,
     "StepDecay: `step_size` must be an int >= 1"),
    (lambda: C.LambdaDecay(learning_rate=0.1, lr_lambda=0.5), lambda: P.LambdaDecay(0.1, 0.5), TypeError,
     "LambdaDecay: `lr_lambda` must be a callable, got lr_lambda=0.5"),
    (lambda: C.MultiplicativeDecay(learning_rate=0.1, lr_lambda=None), lambda: P.MultiplicativeDecay(0.1, None), TypeError,
     "MultiplicativeDecay: `lr_lambda` must be a callable, got lr_lambda=None"),
    (lambda: C.CosineAnnealingDecay(learning_rate=0.1, T_max=10.0), lambda: P.CosineAnnealingDecay(0.1, 10.0), TypeError,
     "CosineAnnealingDecay: `T_max` must be an int >= 1"),
    (lambda: C.CosineAnnealingDecay(learning_rate=0.1, T_max=0), lambda: P.CosineAnnealingDecay(0.1, 0), ValueError,
     "CosineAnnealingDecay: `T_max` must be an int >= 1"),
    (lambda: C.CosineAnnealingDecay(learning_rate=0.1, T_max=5, eta_min="0"), lambda: P.CosineAnnealingDecay(0.1, 5, "0"),
     TypeError, "CosineAnnealingDecay: `eta_min` must be a finite number, got eta_min='0'"),
    (lambda: C.OneCycleLR(max_learning_rate=0.1, total_steps=10, phase_pct=1), lambda: P.OneCycleLR(0.1, 10, phase_pct=1),
     TypeError, "OneCycleLR: `phase_pct` must be a float, got phase_pct=1"),
    (lambda: C.OneCycleLR(max_learning_rate=0.1, total_steps=10, phase_pct=1.5), lambda: P.OneCycleLR(0.1, 10, phase_pct=1.5),
     ValueError, "OneCycleLR: `phase_pct` must be a number > 0.0 and < 1.0, got phase_pct=1.5"),
    (lambda: C.OneCycleLR(max_learning_rate=0.1, total_steps=10, phase_pct=0.5, three_phase=True),
     lambda: P.OneCycleLR(0.1, 10, phase_pct=0.5, three_phase=True), ValueError,
     "OneCycleLR: `phase_pct` must be a number > 0.0 and < 0.5, got phase_pct=0.5"),
    (lambda: C.OneCycleLR(max_learning_rate=0.1, total_steps=0), lambda: P.OneCycleLR(0.1, 0), ValueError,
     "OneCycleLR: `total_steps` must be an int >= 2"),
    (lambda: C.OneCycleLR(max_learning_rate=0.1, total_steps=10, end_learning_rate=-1.0),
     lambda: P.OneCycleLR(0.1, 10, end_learning_rate=-1.0), ValueError, "OneCycleLR: `end_learning_rate` must be a number >= 0.0"),
    (lambda: C.OneCycleLR(max_learning_rate=0.1, total_steps=10, anneal_strategy="exp"),
     lambda: P.OneCycleLR(0.1, 10, anneal_strategy="exp"), ValueError,
     "OneCycleLR: `anneal_strategy` must be one of 'cos', 'linear', got anneal_strategy='exp'"),
    (lambda: C.OneCycleLR(max_learning_rate=0.1, total_steps=10, phase_pct=0.1),
     lambda: P.OneCycleLR(0.1, 10, phase_pct=0.1), ValueError,
     "OneCycleLR: `phase_pct` must be such that every phase is longer than 0 steps"),
    (lambda: C.CyclicLR(base_learning_rate=0.1, max_learning_rate=1.0, step_size_up=0),
     lambda: P.CyclicLR(0.1, 1.0, 0), ValueError, "CyclicLR: `step_size_up` must be an int >= 1"),
    (lambda: C.CyclicLR(base_learning_rate=0.1, max_learning_rate=1.0, step_size_up=2, step_size_down=0),
     lambda: P.CyclicLR(0.1, 1.0, 2, 0), ValueError, "CyclicLR: `step_size_down` must be an int >= 1"),
    (lambda: C.CyclicLR(base_learning_rate=0.1, max_learning_rate=1.0, step_size_up=2, exp_gamma=1),
     lambda: P.CyclicLR(0.1, 1.0, 2, exp_gamma=1), TypeError, "CyclicLR: `exp_gamma` must be a float, got exp_gamma=1"),
    (lambda: C.CyclicLR(base_learning_rate=0.1, max_learning_rate=-1.0, step_size_up=2),
     lambda: P.CyclicLR(0.1, -1.0, 2), ValueError, "CyclicLR: `max_learning_rate` must be a number >= 0.0"),
    (lambda: C.CyclicLR(base_learning_rate=0.1, max_learning_rate=1.0, step_size_up=2, mode="sine"),
     lambda: P.CyclicLR(0.1, 1.0, 2, mode="sine"), ValueError, "CyclicLR: `mode` must be one of 'triangular'"),
    (lambda: C.CyclicLR(base_learning_rate=0.1, max_learning_rate=1.0, step_size_up=2, scale_fn=abs, scale_mode="x"),
     lambda: P.CyclicLR(0.1, 1.0, 2, scale_fn=abs, scale_mode="x"), ValueError,
     "CyclicLR: `scale_mode` must be one of 'cycle', 'iterations'"),
    (lambda: C.CyclicLR(base_learning_rate=0.1, max_learning_rate=1.0, step_size_up=2, exp_gamma=1.5),
     Accepts(lambda: P.CyclicLR(0.1, 1.0, 2, exp_gamma=1.5)), ValueError,
     "CyclicLR: `exp_gamma` must be a number > 0.0 and <= 1.0, got exp_gamma=1.5"),
    (lambda: C.LinearLR(learning_rate=0.1, total_steps=5, start_factor=0.0), lambda: P.LinearLR(0.1, 5, 0.0), ValueError,
     "LinearLR: `start_factor` must be a number > 0.0 and <= 1.0, got start_factor=0.0"),
    (lambda: C.LinearLR(learning_rate=0.1, total_steps=5, end_factor=1.5), lambda: P.LinearLR(0.1, 5, end_factor=1.5),
     ValueError, "LinearLR: `end_factor` must be a number >= 0.0 and <= 1.0, got end_factor=1.5"),
    (lambda: C.LinearLR(learning_rate=0.1, total_steps=0), lambda: P.LinearLR(0.1, 0), ValueError,
     "LinearLR: `total_steps` must be an int >= 1"),
    (lambda: C.CosineAnnealingWarmRestarts(learning_rate=0.1, T_0=0), lambda: P.CosineAnnealingWarmRestarts(0.1, 0),
     ValueError, "CosineAnnealingWarmRestarts: `T_0` must be an int >= 1"),
    (lambda: C.CosineAnnealingWarmRestarts(learning_rate=0.1, T_0=2, T_mult=0),
     lambda: P.CosineAnnealingWarmRestarts(0.1, 2, 0), ValueError, "CosineAnnealingWarmRestarts: `T_mult` must be an int >= 1"),
    (lambda: C.CosineAnnealingWarmRestarts(learning_rate=0.1, T_0=2, T_mult=1.5),
     lambda: P.CosineAnnealingWarmRestarts(0.1, 2, 1.5), TypeError, "CosineAnnealingWarmRestarts: `T_mult` must be an int >= 1"),
    (lambda: C.ReduceOnPlateau(learning_rate=0.1, mode="avg"), lambda: P.ReduceOnPlateau(0.1, mode="avg"), ValueError,
     "ReduceOnPlateau: `mode` must be one of 'min', 'max', got mode='avg'"),
    (lambda: C.ReduceOnPlateau(learning_rate=0.1, factor=1.0), lambda: P.ReduceOnPlateau(0.1, factor=1.0), ValueError,
     "ReduceOnPlateau: `factor` must be a number > 0.0 and < 1.0, got factor=1.0"),
    (lambda: C.ReduceOnPlateau(learning_rate=0.1, threshold_mode="pct"), lambda: P.ReduceOnPlateau(0.1, threshold_mode="pct"),
     ValueError, "ReduceOnPlateau: `threshold_mode` must be one of 'rel', 'abs', got threshold_mode='pct'"),
    (lambda: C.ReduceOnPlateau(learning_rate="0.1"), lambda: P.ReduceOnPlateau("0.1"), TypeError,
     "ReduceOnPlateau: `learning_rate` must be a number >= 0.0, got learning_rate='0.1'"),
    (lambda: C.ReduceOnPlateau(learning_rate=0.1, patience=-1), Accepts(lambda: P.ReduceOnPlateau(0.1, patience=-1)), ValueError,
     "ReduceOnPlateau: `patience` must be an int >= 0"),
]


@pytest.mark.parametrize("make, peer, exc, match", BAD, ids=[m for *_, m in BAD])
def test_invalid_parameters_raise_in_lrcore_template(make, peer, exc, match):
    with pytest.raises(exc, match=match):
        make()
    if isinstance(peer, Accepts):  # lrcore's stricter condition: paddle builds it
        assert not _paddle_raises(peer.make)
    else:  # a condition of paddle's own: paddle refuses the same call
        assert _paddle_raises(peer)


def test_defaults_are_paddles():
    import inspect

    for name in C.__all__:
        ours = inspect.signature(getattr(C, name)).parameters
        theirs = {k: v for k, v in inspect.signature(getattr(P, name)).parameters.items()
                  if k not in ("last_epoch", "verbose")}
        assert list(ours) == list(theirs), name
        for k, p in theirs.items():
            assert ours[k].default == p.default, (name, k)


PURE = """
import json, sys
from lrcore.catalog import paddle as C
made = [C.NoamDecay(d_model=16, warmup_steps=4), C.NaturalExpDecay(learning_rate=0.1, gamma=0.1),
        C.PolynomialDecay(learning_rate=0.1, decay_steps=10, power=0.5, cycle=True),
        C.PolynomialDecay(learning_rate=0.1, decay_steps=10, cycle=True),
        C.LinearWarmup(learning_rate=C.CosineAnnealingDecay(learning_rate=0.1, T_max=5), warmup_steps=3,
                       start_lr=0.0, end_lr=0.2),
        C.MultiplicativeDecay(learning_rate=0.5, lr_lambda=lambda e: 0.9), C.OneCycleLR(max_learning_rate=0.1, total_steps=20),
        C.CyclicLR(base_learning_rate=0.0, max_learning_rate=1.0, step_size_up=2, scale_fn=lambda x: 1 / x),
        C.CosineAnnealingWarmRestarts(learning_rate=0.1, T_0=3, T_mult=2)]
values = [s(t) for s in made for t in range(30)]
p = C.ReduceOnPlateau(learning_rate=0.1)
p.update(p.init(), 1.0)
print(json.dumps(sorted(m for m in ("numpy", "paddle", "torch", "jax") if m in sys.modules)))
"""


def test_catalog_imports_no_framework():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", PURE], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("make", [
    lambda: C.NoamDecay(d_model=64, warmup_steps=40, learning_rate=2.0),
    lambda: C.PiecewiseDecay(boundaries=[30, 70], values=[1.0, 0.5, 0.1]),
    lambda: C.NaturalExpDecay(learning_rate=0.5, gamma=0.03),
    lambda: C.InverseTimeDecay(learning_rate=0.5, gamma=0.3),
    lambda: C.PolynomialDecay(learning_rate=0.5, decay_steps=60, end_lr=0.01, power=0.7),
    lambda: C.PolynomialDecay(learning_rate=0.5, decay_steps=13, end_lr=0.01, cycle=True),
    lambda: C.PolynomialDecay(learning_rate=0.5, decay_steps=13, end_lr=0.01, power=2.0, cycle=True),
    lambda: C.LinearWarmup(learning_rate=C.CosineAnnealingDecay(learning_rate=0.5, T_max=20), warmup_steps=9,
                           start_lr=0.01, end_lr=0.4),
    lambda: C.ExponentialDecay(learning_rate=0.5, gamma=0.97),
    lambda: C.MultiStepDecay(learning_rate=0.5, milestones=[0, 40, 90]),
    lambda: C.StepDecay(learning_rate=0.5, step_size=7),
    lambda: C.CosineAnnealingDecay(learning_rate=0.5, T_max=17, eta_min=0.001),
    lambda: C.OneCycleLR(max_learning_rate=0.5, total_steps=100, three_phase=True, phase_pct=0.2),
    lambda: C.OneCycleLR(max_learning_rate=0.5, total_steps=100, end_learning_rate=0.0, anneal_strategy="linear"),
    lambda: C.CyclicLR(base_learning_rate=0.01, max_learning_rate=0.5, step_size_up=6, step_size_down=3, mode="exp_range",
                       exp_gamma=0.99),
    lambda: C.LinearLR(learning_rate=0.5, total_steps=50, start_factor=0.01),
    lambda: C.LinearLR(learning_rate=0.5, total_steps=50, start_factor=1.0, end_factor=0.1),
    lambda: C.CosineAnnealingWarmRestarts(learning_rate=0.5, T_0=5, T_mult=3, eta_min=0.01),
], ids=lambda f: "")
def test_catalog_trees_evaluate_on_paddle_tensors(make):
    """DESIGN 9: the same numbers as the scalar path, on paddle float64 tensors (and float32 to float32 rounding)."""
    s = make()
    steps = list(range(150)) + [999, 12345, 10**6]
    want = [s(t) for t in steps]
    got64 = s.evaluate(paddle.to_tensor(steps, dtype="float64"))
    assert got64.dtype == paddle.float64
    for t, a, b in zip(steps, want, got64.numpy().tolist()):
        assert abs(a - b) <= RTOL * abs(a) + TINY, (t, a, b)
    got32 = s.evaluate(paddle.to_tensor(steps, dtype="int64"), dtype=paddle.float32)
    assert got32.dtype == paddle.float32
    for t, a, b in zip(steps, want, got32.numpy().tolist()):
        assert abs(a - b) <= 1e-5 * abs(a) + 1e-6, (t, a, b)
