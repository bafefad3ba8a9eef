"""lrcore.catalog.transformers against the real transformers.optimization, stepped side by side.

Every test builds the real schedule (a torch ``LambdaLR``) on an SGD optimizer with one param
group whose lr is the drawn lr, calls ``optimizer.step(); scheduler.step()`` k times and
compares the group's lr after each call (t = 0 right after construction) with the catalog
schedule at t: ``|hf - lrcore| <= 1e-12 * |hf| + atol``. atol is 0 except where transformers
computes a value by cancellation, and then it is a bound on transformers' own rounding:

* ``cos_atol``: ``0.5 * (1 + cos(x))`` near its zero has an absolute error of about an ulp
  of 1 (lrcore computes it as ``sin(...)**2``, without cancellation), and the argument
  ``x = 2 pi c (t - W) / L`` carries a rounding of a few ulp of x, which grows with t.
  Bound: ``amplitude * eps * (4 + 2 |x|)``; measured at most 0.17 of it (1500 random cases).
* ``ZERO_ATOL``: where a factor crosses 0 (a negative lr_end or min_lr_ratio), an ulp of its
  range.
"""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

import lrcore
from lrcore import Function, PlateauSchedule, Product
from lrcore.catalog import transformers as C
from lrcore.testing import assert_close, trajectory

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
from transformers import optimization as O  # noqa: E402

EPS = 2.0**-52
RTOL = 1e-12


# ------------------------------------------------------------------------------ harness

def run_hf(make, lr: float, k: int) -> list:
    """The group's lr after construction and after each of k ``optimizer.step(); scheduler.step()``
    (lrcore.testing's `trajectory` steps it; `assert_close(values, schedule, steps=len(values),
    rtol=RTOL, atol=...)` compares them, with an atol of t where the rounding grows with t, and
    skip= for the steps where transformers' hard restarts may round to the previous cycle)."""
    p = torch.nn.Parameter(torch.zeros(1))
    o = torch.optim.SGD([p], lr=lr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = make(o)
    return trajectory(sched, k + 1)


def cos_atol(amplitude: float, cycles: float, w: int, length: int, shift: int = 0):
    """transformers' rounding of ``(1 + cos(x)) / 2`` times the amplitude, x its argument at t."""
    return lambda t: abs(amplitude) * EPS * (4 + 2 * abs(2 * math.pi * cycles * (t - w + shift) / length))


# --------------------------------------------------------------------------- strategies

lrs = st.one_of(st.sampled_from([1.0, 0.1, 5e-5, 3e-4, 0.0]), st.floats(1e-6, 10.0))
pos_lrs = st.one_of(st.sampled_from([1.0, 0.1, 5e-5, 3e-4]), st.floats(1e-6, 10.0))
warmups = st.one_of(st.sampled_from([0, 1, 2]), st.integers(0, 40))
totals = st.integers(0, 150)
ks = st.integers(0, 320)
cycles = st.one_of(st.sampled_from([0.5, 0.5, 1.0, 2.0, 0.25, 1.5, 3.0, 0.0, -0.5, 0.3]), st.floats(0.01, 4.0))
min_rates = st.one_of(st.sampled_from([0.0, 0.1, 0.01, 0.5, 1.0]), st.floats(0.0, 1.0))


# ------------------------------------------------------------------------ each schedule

@given(lr=lrs, k=st.integers(0, 50))
def test_constant(lr, k):
    hv = run_hf(lambda o: O.get_constant_schedule(o), lr, k)
    assert_close(hv, C.get_constant_schedule(lr=lr), steps=len(hv), rtol=RTOL)
    assert_close(hv, C.get_scheduler("constant", lr=lr, num_warmup_steps=7, num_training_steps=3,
                                       scheduler_specific_kwargs={"anything": 1}), steps=len(hv), rtol=RTOL)


@given(lr=lrs, w=warmups, k=ks)
def test_constant_with_warmup(lr, w, k):
    hv = run_hf(lambda o: O.get_constant_schedule_with_warmup(o, num_warmup_steps=w), lr, k)
    assert_close(hv, C.get_constant_schedule_with_warmup(lr=lr, num_warmup_steps=w), steps=len(hv), rtol=RTOL)


@given(lr=lrs, w=warmups, n=totals, k=ks)
def test_linear_with_warmup(lr, w, n, k):
    hv = run_hf(lambda o: O.get_linear_schedule_with_warmup(o, w, n), lr, k)
    assert_close(hv, C.get_linear_schedule_with_warmup(lr=lr, num_warmup_steps=w, num_training_steps=n), steps=len(hv),
                 rtol=RTOL)


@given(lr=lrs, w=warmups, n=totals, c=cycles, k=ks)
def test_cosine_with_warmup_is_not_clamped_after_n(lr, w, n, c, k):
    hv = run_hf(lambda o: O.get_cosine_schedule_with_warmup(o, w, n, num_cycles=c), lr, k)
    s = C.get_cosine_schedule_with_warmup(lr=lr, num_warmup_steps=w, num_training_steps=n, num_cycles=c)
    assert_close(hv, s, steps=len(hv), rtol=RTOL, atol=cos_atol(lr, c, w, max(1, n - w)))


def test_cosine_rises_again_after_n_peers_1_4():
    """PEERS.md 1.4 (W=3, N=10): 0 at N, then .0495, .188, ... and back to 1 at 2N - W."""
    s = C.get_cosine_schedule_with_warmup(lr=1.0, num_warmup_steps=3, num_training_steps=10)
    hv = run_hf(lambda o: O.get_cosine_schedule_with_warmup(o, 3, 10), 1.0, 20)
    assert_close(hv, s, steps=len(hv), rtol=RTOL, atol=cos_atol(1.0, 0.5, 3, 7))
    assert s(10) == 0.0 and hv[10] == 0.0
    assert f"{s(11):.4f}" == "0.0495" and f"{s(12):.4f}" == "0.1883"
    assert s(17) == 1.0 and s(3) == 1.0
    one = C.get_cosine_schedule_with_warmup(lr=1.0, num_warmup_steps=0, num_training_steps=10, num_cycles=1)
    assert one(5) == 0.0 and one(10) == 1.0  # a full down-and-up wave over [W, N]


def hard_restart_steps(c: float, w: int, length: int, k: int, ulps: int = 0) -> set:
    """Steps where the exact cycle position ``c (t - W) / L`` is a whole number below c (a restart),
    or, with `ulps`, within that many ulps of one."""
    out = set()
    for t in range(w + 1, min(k, w + length - 1) + 1):
        x = Fraction(c) * (t - w) / length
        if abs(x - round(x)) <= ulps * math.ulp(float(x)):
            out.add(t)
    return out


@given(lr=lrs, w=warmups, n=totals, c=st.one_of(st.sampled_from([1, 2, 3, 4, 5, 0.5, 1.5, 0]), st.floats(0.01, 6.0)),
       k=ks)
@example(lr=1.0, w=0, n=38, c=5.999999999999999, k=19)  # a long-profile draw: a position an ulp below 3 cycles
def test_cosine_with_hard_restarts(lr, w, n, c, k):
    hv = run_hf(lambda o: O.get_cosine_with_hard_restarts_schedule_with_warmup(o, w, n, num_cycles=c), lr, k)
    s = C.get_cosine_with_hard_restarts_schedule_with_warmup(lr=lr, num_warmup_steps=w, num_training_steps=n,
                                                             num_cycles=c)
    length = max(1, n - w)
    restarts = hard_restart_steps(c, w, length, k)
    # A position within a few ulps of a whole cycle is a jump an ulp of time away: lrcore's
    # Stretch by the rounded period L / c snaps a multiple that rounds onto the step (so that
    # L / c * c steps is a restart), transformers rounds c * p. Either side of the jump is right
    # (a draw: c = 5.999999999999999, L = 38, t = 19, position 2.9999999999999996).
    near = hard_restart_steps(c, w, length, k, ulps=4) - restarts
    assert_close(hv, s, steps=len(hv), rtol=RTOL, atol=lambda t: abs(lr) * EPS * (4 + 2 * math.pi),
                 skip=restarts | near)
    for t in restarts:
        # a restart: lrcore gives exactly lr; transformers too, unless its (c * p) % 1.0 rounded
        # to just below 1, which gives the end of the previous cycle (0) instead
        assert s(t) == lr
        assert hv[t] == pytest.approx(lr, rel=1e-12) or abs(hv[t]) <= abs(lr) * 1e-30
    for t in near:  # the start of a cycle (lr) or the end of the last one (0), on both sides
        for v in (s(t), hv[t]):
            assert v == pytest.approx(lr, rel=1e-12) or abs(v) <= abs(lr) * 1e-12


def test_hard_restarts_rounding_quirk_at_a_restart():
    """num_cycles=47, N - W = 47: every step is a restart; transformers' (47 * (3/47)) % 1.0 is 0.99999..."""
    hv = run_hf(lambda o: O.get_cosine_with_hard_restarts_schedule_with_warmup(o, 0, 47, num_cycles=47), 1.0, 48)
    s = C.get_cosine_with_hard_restarts_schedule_with_warmup(lr=1.0, num_warmup_steps=0, num_training_steps=47,
                                                             num_cycles=47)
    assert [s(t) for t in range(47)] == [1.0] * 47 and s(47) == 0.0
    assert hv[3] == 0.0 and hv[1] == 1.0 and hv[47] == 0.0
    wrong = [t for t in range(47) if hv[t] != 1.0]
    assert 3 in wrong and len(wrong) < 47 // 2  # measured: 15 of the 46 restarts


@given(lr=pos_lrs, w=warmups, n=totals, end=st.one_of(st.sampled_from([0.0, 1e-7, 0.1, 0.5]), st.floats(-0.5, 0.99)),
       power=st.one_of(st.sampled_from([1.0, 0.0, 0.5, 2.0, 3.0]), st.floats(0.0, 4.0)), k=ks)
def test_polynomial_decay_with_warmup(lr, w, n, end, power, k):
    assume(n != w)
    lr_end = end * lr if end not in (1e-7,) else 1e-7
    assume(lr > lr_end)
    hv = run_hf(lambda o: O.get_polynomial_decay_schedule_with_warmup(o, w, n, lr_end=lr_end, power=power), lr, k)
    s = C.get_polynomial_decay_schedule_with_warmup(lr=lr, num_warmup_steps=w, num_training_steps=n, lr_end=lr_end,
                                                    power=power)
    assert_close(hv, s, steps=len(hv), rtol=RTOL, atol=4 * EPS * (lr + abs(lr_end)))


def test_polynomial_checks_as_transformers():
    with pytest.raises(ValueError, match="lr_end"):
        C.get_polynomial_decay_schedule_with_warmup(lr=1e-7, num_warmup_steps=0, num_training_steps=5)
    with pytest.raises(ValueError):
        O.get_polynomial_decay_schedule_with_warmup(torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1e-7),
                                                    0, 5)
    # N == W: transformers divides by zero at t = W; refused at construction here
    with pytest.raises(ZeroDivisionError):
        run_hf(lambda o: O.get_polynomial_decay_schedule_with_warmup(o, 3, 3), 1.0, 3)
    with pytest.raises(ValueError, match="num_training_steps"):
        C.get_polynomial_decay_schedule_with_warmup(lr=1.0, num_warmup_steps=3, num_training_steps=3)


@given(lr=lrs, w=warmups, ts=st.one_of(st.none(), st.integers(1, 200), st.floats(0.5, 300.0)), k=ks)
def test_inverse_sqrt(lr, w, ts, k):
    hv = run_hf(lambda o: O.get_inverse_sqrt_schedule(o, w, timescale=ts), lr, k)
    assert_close(hv, C.get_inverse_sqrt_schedule(lr=lr, num_warmup_steps=w, timescale=ts), steps=len(hv), rtol=RTOL)


@given(lr=pos_lrs, w=warmups, n=totals, c=cycles, r=min_rates, by_rate=st.booleans(), k=ks)
def test_cosine_with_min_lr(lr, w, n, c, r, by_rate, k):
    kw = {"min_lr_rate": r} if by_rate else {"min_lr": r * lr}
    hv = run_hf(lambda o: O.get_cosine_with_min_lr_schedule_with_warmup(o, w, n, num_cycles=c, **kw), lr, k)
    s = C.get_cosine_with_min_lr_schedule_with_warmup(lr=lr, num_warmup_steps=w, num_training_steps=n, num_cycles=c,
                                                      **kw)
    assert_close(hv, s, steps=len(hv), rtol=RTOL, atol=cos_atol(lr * (1 - r), c, w, max(1, n - w)))


@given(lr=pos_lrs, w=warmups, n=totals, c=cycles, r=min_rates, by_rate=st.booleans(),
       warm=st.one_of(st.none(), st.sampled_from([0.0, 0.1, 0.5]), st.floats(0.0, 1.0)), k=ks)
def test_cosine_warmup_with_min_lr_lr_rate(lr, w, n, c, r, by_rate, warm, k):
    kw = {"min_lr_rate": r} if by_rate else {"min_lr": r * lr}
    hv = run_hf(lambda o: O.get_cosine_with_min_lr_schedule_with_warmup_lr_rate(
        o, w, n, num_cycles=c, warmup_lr_rate=warm, **kw), lr, k)
    s = C.get_cosine_with_min_lr_schedule_with_warmup_lr_rate(lr=lr, num_warmup_steps=w, num_training_steps=n,
                                                              num_cycles=c, warmup_lr_rate=warm, **kw)
    assert_close(hv, s, steps=len(hv), rtol=RTOL, atol=cos_atol(lr * (1 - r), c, w, max(1, n - w), shift=1))


def test_lr_rate_variant_peaks_one_step_early_peers_1_4():
    """PEERS.md 1.4: the peak at t = W - 1 and the minimum at t = N - 1 (W=3, N=10)."""
    s = C.get_cosine_with_min_lr_schedule_with_warmup_lr_rate(lr=1.0, num_warmup_steps=3, num_training_steps=10,
                                                              min_lr_rate=0.1)
    hv = run_hf(lambda o: O.get_cosine_with_min_lr_schedule_with_warmup_lr_rate(o, 3, 10, min_lr_rate=0.1), 1.0, 12)
    assert_close(hv, s, steps=len(hv), rtol=RTOL, atol=cos_atol(0.9, 0.5, 3, 7, shift=1))
    vals = [s(t) for t in range(12)]
    assert vals.index(max(vals)) == 2 and vals[2] == 1.0
    assert vals.index(min(vals)) == 9 and vals[9] == pytest.approx(0.1, rel=1e-15)
    assert vals[0] == pytest.approx(1 / 3, rel=1e-15)


def test_lr_rate_variant_without_warmup_starts_past_the_peak():
    """W = 0: transformers evaluates the wave at t + 1: a Shift by -1, storable in a config."""
    s = C.get_cosine_with_min_lr_schedule_with_warmup_lr_rate(lr=1.0, num_warmup_steps=0, num_training_steps=4,
                                                              min_lr_rate=0.0)
    assert isinstance(s.factors[1], lrcore.Shift) and s.factors[1].steps == -1
    assert [f"{s(t):.4f}" for t in range(6)] == ['0.8536', '0.5000', '0.1464', '0.0000', '0.1464', '0.5000']
    assert lrcore.from_config(s.to_config()) == s
    assert s.fingerprint == C.get_cosine_with_min_lr_schedule_with_warmup_lr_rate(
        lr=1.0, num_warmup_steps=0, num_training_steps=4, min_lr_rate=0.0).fingerprint


wsd_kinds = st.sampled_from(["linear", "cosine", "1-sqrt"])


@given(lr=lrs, w=warmups, d=st.integers(0, 60), n=st.one_of(st.none(), st.integers(0, 150)),
       stable=st.one_of(st.none(), st.integers(-30, 60)), wt=wsd_kinds, dt=wsd_kinds,
       m=st.one_of(st.sampled_from([0.0, 0.0, 0.1, 0.01, 1.0]), st.floats(0.0, 1.0), st.floats(-0.3, 1.5)),
       c=st.one_of(st.just(0.5), cycles), k=ks)
def test_wsd(lr, w, d, n, stable, wt, dt, m, c, k):
    assume(n is not None or stable is not None)
    kw = dict(num_training_steps=n, num_stable_steps=stable, warmup_type=wt, decay_type=dt, min_lr_ratio=m,
              num_cycles=c)
    hv = run_hf(lambda o: O.get_wsd_schedule(o, w, d, **kw), lr, k)
    s = C.get_wsd_schedule(lr=lr, num_warmup_steps=w, num_decay_steps=d, **kw)
    assert_close(hv, s, steps=len(hv), rtol=RTOL,
                 atol=cos_atol(lr * (1 + abs(m)), c, 0, max(1, d)) if dt == "cosine" else 4 * EPS * abs(lr) * (1 + abs(m)))


def test_wsd_shapes_and_quirks():
    # a linear warmup with a plain decay is one lrcore.WSD node; it starts at min_lr_ratio
    s = C.get_wsd_schedule(lr=1.0, num_warmup_steps=4, num_decay_steps=4, num_training_steps=12, min_lr_ratio=0.2)
    assert isinstance(s.factors[1], lrcore.WSD) and s(0) == 0.2
    # N < W + D: a negative stable phase enters the decay at p = -S / D (here 0.5 at t = W)
    s = C.get_wsd_schedule(lr=1.0, num_warmup_steps=2, num_decay_steps=4, num_training_steps=4, decay_type="linear")
    hv = run_hf(lambda o: O.get_wsd_schedule(o, 2, 4, num_training_steps=4, decay_type="linear"), 1.0, 6)
    assert_close(hv, s, steps=len(hv), rtol=RTOL)
    assert [s(t) for t in range(6)] == [0.0, 0.5, 0.5, 0.25, 0.0, 0.0]
    assert any(isinstance(n, lrcore.Shift) and n.steps == -2 for n in _walk(s))  # the decay entered 2 steps in
    assert lrcore.from_config(s.to_config()) == s
    # num_cycles=1 waves down and up over the decay, then jumps to m
    s = C.get_wsd_schedule(lr=1.0, num_warmup_steps=0, num_decay_steps=4, num_stable_steps=0, num_cycles=1.0,
                           min_lr_ratio=0.1)
    assert [f"{s(t):.2f}" for t in range(6)] == ['1.00', '0.55', '0.10', '0.55', '0.10', '0.10']
    with pytest.raises(ValueError, match="num_training_steps"):
        C.get_wsd_schedule(lr=1.0, num_warmup_steps=1, num_decay_steps=1)
    with pytest.raises(ValueError, match="warmup_type"):
        C.get_wsd_schedule(lr=1.0, num_warmup_steps=1, num_decay_steps=1, num_training_steps=3, warmup_type="exp")


@given(lr=pos_lrs, mode=st.sampled_from(["min", "max"]), factor=st.sampled_from([0.1, 0.5, 0.9]),
       patience=st.integers(0, 3), cooldown=st.integers(0, 2),
       metrics=st.lists(st.sampled_from([1.0, 0.9, 1.1, 0.5, 2.0]), min_size=1, max_size=30))
def test_reduce_lr_on_plateau(lr, mode, factor, patience, cooldown, metrics):
    kw = dict(mode=mode, factor=factor, patience=patience, cooldown=cooldown)
    p = torch.nn.Parameter(torch.zeros(1))
    o = torch.optim.SGD([p], lr=lr)
    hf = O.get_scheduler("reduce_lr_on_plateau", o, scheduler_specific_kwargs=kw)
    s = C.get_scheduler("reduce_lr_on_plateau", lr=lr, scheduler_specific_kwargs=kw)
    assert isinstance(s, PlateauSchedule)
    # the lr at t, then optimizer.step(); hf.step(metrics[t]) (and s.update(state, metrics[t]))
    assert_close(hf, s, steps=len(metrics) + 1, metrics=metrics, rtol=RTOL, atol=0)


# ------------------------------------------------------------------------- get_scheduler

NAMES = ["linear", "cosine", "cosine_with_restarts", "polynomial", "constant", "constant_with_warmup",
         "inverse_sqrt", "cosine_with_min_lr", "cosine_warmup_with_min_lr", "warmup_stable_decay"]


def specific(name: str, data) -> dict:
    if name in ("cosine", "cosine_with_min_lr", "cosine_warmup_with_min_lr") and data.draw(st.booleans()):
        kw = {"num_cycles": data.draw(cycles)}
    elif name == "cosine_with_restarts" and data.draw(st.booleans()):
        kw = {"num_cycles": data.draw(st.integers(0, 5))}
    elif name == "polynomial":
        kw = {"lr_end": data.draw(st.sampled_from([1e-7, 1e-9, 0.0])), "power": data.draw(st.sampled_from([1.0, 2.0, 0.5]))}
    elif name == "inverse_sqrt" and data.draw(st.booleans()):
        kw = {"timescale": data.draw(st.integers(1, 100))}
    elif name == "warmup_stable_decay":
        kw = {"num_decay_steps": data.draw(st.integers(0, 40)), "decay_type": data.draw(wsd_kinds),
              "warmup_type": data.draw(wsd_kinds), "min_lr_ratio": data.draw(min_rates)}
    else:
        kw = {}
    if name in ("cosine_with_min_lr", "cosine_warmup_with_min_lr"):
        kw["min_lr_rate"] = data.draw(min_rates)
    return kw


@given(data=st.data(), name=st.sampled_from(NAMES), lr=pos_lrs, w=warmups, n=st.integers(1, 150), k=ks)
def test_get_scheduler_every_name(data, name, lr, w, n, k):
    assume(not (name == "polynomial" and n == w))
    kw = specific(name, data)
    hv = run_hf(lambda o: O.get_scheduler(name, o, num_warmup_steps=w, num_training_steps=n,
                                          scheduler_specific_kwargs=kw), lr, k)
    s = C.get_scheduler(name, lr=lr, num_warmup_steps=w, num_training_steps=n, scheduler_specific_kwargs=kw)
    assert isinstance(s, Product) and s.factors[0] == lrcore.Constant(value=lr)
    c = kw.get("num_cycles", 0.5 if name != "cosine_with_restarts" else 1)
    span = max(1, kw["num_decay_steps"]) if name == "warmup_stable_decay" else max(1, n - w)
    restarts = name == "cosine_with_restarts"
    assert_close(hv, s, steps=len(hv), rtol=RTOL, atol=(lambda t: lr * EPS * 20) if restarts else
                 cos_atol(lr, c, w, span, shift=2), skip=hard_restart_steps(c, w, span, k) if restarts else None)


def test_get_scheduler_dispatch_quirks():
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    # constant_with_warmup ignores the kwargs in both
    O.get_scheduler("constant_with_warmup", opt, num_warmup_steps=2, scheduler_specific_kwargs={"bogus": 1})
    s = C.get_scheduler("constant_with_warmup", lr=0.1, num_warmup_steps=2, scheduler_specific_kwargs={"bogus": 1})
    assert s(1) == 0.05
    # a missing num_warmup_steps / num_training_steps is a ValueError in both
    for name, kw in (("linear", {}), ("cosine", {"num_warmup_steps": 2})):
        with pytest.raises(ValueError, match="requires"):
            O.get_scheduler(name, opt, **kw)
        with pytest.raises(ValueError, match="requires"):
            C.get_scheduler(name, lr=0.1, **kw)
    # mismatched kwargs are a TypeError in both
    with pytest.raises(TypeError):
        O.get_scheduler("linear", opt, 1, 5, scheduler_specific_kwargs={"num_cycles": 2})
    with pytest.raises(TypeError):
        C.get_scheduler("linear", lr=0.1, num_warmup_steps=1, num_training_steps=5,
                        scheduler_specific_kwargs={"num_cycles": 2})
    # inverse_sqrt takes the kwargs, warmup_stable_decay a None num_training_steps
    s = C.get_scheduler("inverse_sqrt", lr=1.0, num_warmup_steps=2, scheduler_specific_kwargs={"timescale": 8})
    assert s(10) == pytest.approx(1 / math.sqrt(2), rel=1e-15)
    s = C.get_scheduler("warmup_stable_decay", lr=1.0, num_warmup_steps=1,
                        scheduler_specific_kwargs={"num_decay_steps": 2, "num_stable_steps": 1})
    assert s(2) == 1.0 and s(4) == 0.0
    # a SchedulerType is accepted; an unknown name is a ValueError
    assert C.get_scheduler(transformers.SchedulerType.LINEAR, lr=1.0, num_warmup_steps=0, num_training_steps=2)(1) == 0.5
    with pytest.raises(ValueError, match="name.*valid SchedulerType"):
        C.get_scheduler("nope", lr=1.0)
    # greedy (GreedyLR raises the lr too) and Adafactor's schedule have no lrcore form
    with pytest.raises(NotImplementedError, match="GreedyLR"):
        C.get_scheduler("greedy", lr=0.1)
    with pytest.raises(NotImplementedError):
        C.get_adafactor_schedule(initial_lr=0.1)


def test_every_transformers_factory_has_a_catalog_entry():
    names = {n for n in dir(O) if n.startswith("get_") and "schedule" in n}
    assert names <= set(C.__all__), names - set(C.__all__)
    assert set(C.SCHEDULER_NAMES) == {t.value for t in transformers.SchedulerType}


def test_validation_messages():
    with pytest.raises(ValueError, match="num_warmup_steps` must be an int >= 0"):
        C.get_linear_schedule_with_warmup(lr=0.1, num_warmup_steps=-1, num_training_steps=5)
    with pytest.raises(ValueError, match="only one of min_lr or min_lr_rate"):
        C.get_cosine_with_min_lr_schedule_with_warmup(lr=0.1, num_warmup_steps=0, num_training_steps=5, min_lr=0.01,
                                                      min_lr_rate=0.1)
    with pytest.raises(ValueError, match="one of min_lr or min_lr_rate"):
        C.get_cosine_with_min_lr_schedule_with_warmup(lr=0.1, num_warmup_steps=0, num_training_steps=5)
    with pytest.raises(TypeError, match="per param group"):
        C.get_constant_schedule(lr=[0.1, 0.2])
    with pytest.raises(ValueError, match="timescale"):
        C.get_inverse_sqrt_schedule(lr=0.1, num_warmup_steps=0, timescale=0)
    with pytest.raises(ValueError, match="num_cycles"):
        C.get_cosine_with_hard_restarts_schedule_with_warmup(lr=0.1, num_warmup_steps=0, num_training_steps=5,
                                                             num_cycles=-1)
    with pytest.raises(ValueError, match="at most 2\\*\\*53 steps"):  # a wave too slow to represent
        C.get_cosine_schedule_with_warmup(lr=0.1, num_warmup_steps=0, num_training_steps=5, num_cycles=1e-300)


# ------------------------------------------------------------------- arrays, adapters

@pytest.mark.parametrize("make", [
    lambda: C.get_cosine_schedule_with_warmup(lr=0.1, num_warmup_steps=3, num_training_steps=17, num_cycles=0.7),
    lambda: C.get_cosine_with_hard_restarts_schedule_with_warmup(lr=0.1, num_warmup_steps=2, num_training_steps=19,
                                                                 num_cycles=3),
    lambda: C.get_cosine_with_min_lr_schedule_with_warmup_lr_rate(lr=0.1, num_warmup_steps=0, num_training_steps=9,
                                                                  min_lr_rate=0.1),
    lambda: C.get_wsd_schedule(lr=0.1, num_warmup_steps=2, num_decay_steps=6, num_training_steps=5,
                               warmup_type="cosine", decay_type="1-sqrt", min_lr_ratio=0.05),
])
def test_every_array_library_agrees(make, jax_x64):
    np = pytest.importorskip("numpy")
    s = make()
    steps = list(range(40))
    ref = [s(t) for t in steps]
    np.testing.assert_allclose(s.evaluate(steps), ref, rtol=1e-13, atol=1e-17)
    np.testing.assert_allclose(s.evaluate(torch.arange(40, dtype=torch.float64)).numpy(), ref, rtol=1e-13, atol=1e-17)
    jnp = jax_x64.numpy
    got = jax_x64.jit(s.evaluate)(jnp.arange(40, dtype=jnp.float64))
    np.testing.assert_allclose(np.asarray(got), ref, rtol=1e-13, atol=1e-17)


def test_adapter_drives_torch_like_transformers():
    from lrcore.adapters.torch import ScheduleLR

    s = C.get_scheduler("cosine", lr=3e-4, num_warmup_steps=5, num_training_steps=40)
    p = torch.nn.Parameter(torch.zeros(1))
    o1, o2 = torch.optim.AdamW([p], lr=3e-4), torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=3e-4)
    a, b = ScheduleLR(o1, s), O.get_scheduler("cosine", o2, num_warmup_steps=5, num_training_steps=40)
    for _ in range(45):  # get_last_lr() after each step: `trajectory` reads the group's lr instead
        assert abs(a.get_last_lr()[0] - b.get_last_lr()[0]) <= 1e-12 * b.get_last_lr()[0] + 3e-4 * 8 * EPS
        o1.step()
        o2.step()
        a.step()
        b.step()


# --------------------------------------------------------------------------- config round trips

def _walk(s):
    yield s
    for c in s.children():
        yield from _walk(c)


_W_N = dict(num_warmup_steps=warmups, num_training_steps=totals)
_MIN = dict(num_cycles=cycles, min_lr_rate=min_rates)
CATALOG_DRAWS = {
    "get_constant_schedule": st.fixed_dictionaries({}),
    "get_constant_schedule_with_warmup": st.fixed_dictionaries(dict(num_warmup_steps=warmups)),
    "get_linear_schedule_with_warmup": st.fixed_dictionaries(_W_N),
    "get_cosine_schedule_with_warmup": st.fixed_dictionaries(dict(_W_N, num_cycles=cycles)),
    "get_cosine_with_hard_restarts_schedule_with_warmup": st.fixed_dictionaries(
        dict(_W_N, num_cycles=st.one_of(st.sampled_from([0, 1, 2, 3]), st.floats(0.01, 6.0)))),
    "get_polynomial_decay_schedule_with_warmup": st.fixed_dictionaries(
        dict(_W_N, lr_end=st.sampled_from([0.0, 1e-7, -0.1]), power=st.sampled_from([0.0, 1.0, 2.0, 0.5])),
    ).filter(lambda kw: kw["num_training_steps"] != kw["num_warmup_steps"]),
    "get_inverse_sqrt_schedule": st.fixed_dictionaries(
        dict(num_warmup_steps=warmups, timescale=st.one_of(st.none(), st.integers(1, 200), st.floats(0.5, 300.0)))),
    "get_cosine_with_min_lr_schedule_with_warmup": st.fixed_dictionaries(dict(_W_N, **_MIN)),
    "get_cosine_with_min_lr_schedule_with_warmup_lr_rate": st.fixed_dictionaries(
        dict(_W_N, **_MIN, warmup_lr_rate=st.one_of(st.none(), st.sampled_from([0.0, 0.1, 0.5])))),
    "get_wsd_schedule": st.fixed_dictionaries(dict(
        num_warmup_steps=warmups, num_decay_steps=st.integers(0, 60), num_training_steps=st.integers(0, 150),
        num_stable_steps=st.one_of(st.none(), st.integers(-30, 60)), warmup_type=st.sampled_from(["linear", "cosine", "1-sqrt"]),
        decay_type=st.sampled_from(["linear", "cosine", "1-sqrt"]), min_lr_ratio=st.sampled_from([0.0, 0.1, -0.2, 1.2]),
        num_cycles=st.sampled_from([0.5, 1.0, 0.25]))),
    "get_reduce_on_plateau_schedule": st.fixed_dictionaries(dict(
        mode=st.sampled_from(["min", "max"]), factor=st.sampled_from([0.1, 0.5]), patience=st.integers(0, 5))),
}
NO_FORM = {"get_greedy_schedule", "get_adafactor_schedule", "get_scheduler"}  # no tree / a dispatcher


def test_every_schedule_has_a_draw():
    assert set(CATALOG_DRAWS) == {n for n in C.__all__ if n.startswith("get_")} - NO_FORM


@given(data=st.data(), name=st.sampled_from(sorted(CATALOG_DRAWS)), lr=pos_lrs)
def test_every_schedule_round_trips_through_its_config(data, name, lr):
    """No Function anywhere: each tree is stored and loaded back equal, with equal values (W = 0 lr-rate and
    negative-stable WSD included: Shift with negative steps)."""
    s = getattr(C, name)(lr=lr, **data.draw(CATALOG_DRAWS[name]))
    plain = s.schedule if isinstance(s, PlateauSchedule) else s
    assert not any(isinstance(n, Function) for n in _walk(plain))
    back = lrcore.from_config(s.to_config())
    assert back == s and back.fingerprint == s.fingerprint
    assert lrcore.loads(lrcore.dumps(s)) == s
    steps = list(range(0, 200, 3))
    assert [back.schedule(t) if plain is not s else back(t) for t in steps] == [plain(t) for t in steps]


def test_the_advanced_trees_are_stored_as_negative_shifts():
    cases = [C.get_cosine_with_min_lr_schedule_with_warmup_lr_rate(lr=0.1, num_warmup_steps=0, num_training_steps=9,
                                                                   min_lr_rate=0.1),
             C.get_wsd_schedule(lr=0.1, num_warmup_steps=3, num_decay_steps=8, num_stable_steps=-5)]
    for s in cases:
        shifts = [n.steps for n in _walk(s) if isinstance(n, lrcore.Shift)]
        assert shifts and all(k < 0 for k in shifts)
        assert lrcore.loads(lrcore.dumps(s)) == s


def test_get_scheduler_names_bad_specific_kwargs() -> None:
    """Found by test_fuzz_bad_input's fuzzing (kept as a regression case): not a dict of keyword arguments."""
    for bad in (object(), "x", [1]):
        with pytest.raises(TypeError, match=r"^get_scheduler: `scheduler_specific_kwargs` must be a dict"):
            C.get_scheduler("cosine_with_restarts", lr=0.1, num_warmup_steps=1, num_training_steps=10,
                            scheduler_specific_kwargs=bad)
