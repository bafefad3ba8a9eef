"""lrcore.catalog.timm against timm's formulas, written out here as timm's ``_get_lr`` code.

timm cannot be imported here (it needs torchvision), so each reference below is a plain
transcription of the ``_get_lr`` of ``timm/scheduler/{cosine,tanh,poly,step,multistep}_lr.py``
(main, PEERS.md 1.5), noise left out, and PlateauLRScheduler's ``step`` on torch's real
``ReduceLROnPlateau``. A fresh timm run sets the lr of index 0 in the constructor
(``warmup_lr_init`` with a warmup, else the base lr) and ``_get_lr(t)`` for t >= 1
(``step(t)`` at the end of epoch t - 1): `fresh` does the same.

The comparison is ``|timm - lrcore| <= 1e-12 * |timm| + atol`` with atol a bound on timm's
rounding where it cancels: ``0.5 * (lr_max - lr_min) * (1 + cos(x))`` near x = pi, where
the cycle position ``t_curr ** k / t_i ** k`` (a few ulp) moves it by up to
``amplitude * eps * 8`` (measured below 0.01 of that). Where timm's ``floor(log(...))`` puts a
cycle start in the cycle before, the test checks that it does exactly that (the cycle index
one lower, at an exact cycle start) and that lrcore follows the exact cycles.
"""

from __future__ import annotations

import bisect
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import lrcore
from lrcore import Function, PlateauSchedule
from lrcore.catalog import timm as C

EPS = 2.0**-52
RTOL = 1e-12


# ----------------------------------------------------------------- timm, transcribed

class Ref:
    """timm's CosineLRScheduler / TanhLRScheduler / PolyLRScheduler ``_get_lr`` for one param group.

    ``exact=True`` finds the cycle from its start (the sum of the lengths before it) instead of
    timm's ``floor(log(...))``.
    """

    def __init__(self, kind, base, t_initial, lr_min=0.0, cycle_mul=1.0, cycle_decay=1.0, cycle_limit=1,
                 warmup_t=0, warmup_lr_init=0.0, warmup_prefix=False, k_decay=1.0, power=0.5, lb=-7.0, ub=3.0,
                 exact=False):
        self.kind, self.base, self.t_initial, self.lr_min = kind, base, t_initial, lr_min
        self.cycle_mul, self.cycle_decay, self.cycle_limit = cycle_mul, cycle_decay, cycle_limit
        self.warmup_t, self.warmup_lr_init, self.warmup_prefix = warmup_t, warmup_lr_init, warmup_prefix
        self.k_decay, self.power, self.lb, self.ub, self.exact = k_decay, power, lb, ub, exact
        self.index_of = {}
        if warmup_t:
            t_v = base if (kind != "tanh" or warmup_prefix) else self._get_lr(warmup_t)
            self.warmup_step = (t_v - warmup_lr_init) / warmup_t

    def _cycle(self, t):
        if self.exact:  # cycle i lasts T * mul**i; starts summed in order (lrcore's table)
            i, start, length = 0, 0.0, float(self.t_initial)
            while start + length <= t:
                start += length
                i += 1
                length = float(self.t_initial * self.cycle_mul ** i)
            return i, length, t - start
        if self.cycle_mul != 1:
            i = math.floor(math.log(1 - t / self.t_initial * (1 - self.cycle_mul), self.cycle_mul))
            t_i = self.cycle_mul ** i * self.t_initial
            t_curr = t - (1 - self.cycle_mul ** i) / (1 - self.cycle_mul) * self.t_initial
        else:
            i = t // self.t_initial
            t_i = self.t_initial
            t_curr = t - (self.t_initial * i)
        return i, t_i, t_curr

    def _get_lr(self, t):
        if t < self.warmup_t:
            return self.warmup_lr_init + t * self.warmup_step
        if self.warmup_prefix:
            t = t - self.warmup_t
        i, t_i, t_curr = self._cycle(t)
        self.index_of[t] = (i, t_curr)
        if i >= self.cycle_limit:
            return self.lr_min
        lr_max = self.base * self.cycle_decay ** i
        k = self.k_decay
        if self.kind == "cosine":
            return self.lr_min + 0.5 * (lr_max - self.lr_min) * (1 + math.cos(math.pi * t_curr ** k / t_i ** k))
        if self.kind == "poly":
            return self.lr_min + (lr_max - self.lr_min) * (1 - t_curr ** k / t_i ** k) ** self.power
        tr = t_curr / t_i
        return self.lr_min + 0.5 * (lr_max - self.lr_min) * (1 - math.tanh(self.lb * (1. - tr) + self.ub * tr))


class RefStep:
    """timm's StepLRScheduler (``multi=False``) and MultiStepLRScheduler ``_get_lr``."""

    def __init__(self, base, decay_t, decay_rate=1.0, warmup_t=0, warmup_lr_init=0.0, warmup_prefix=True,
                 multi=False):
        self.base, self.decay_t, self.decay_rate, self.multi = base, decay_t, decay_rate, multi
        self.warmup_t, self.warmup_lr_init, self.warmup_prefix = warmup_t, warmup_lr_init, warmup_prefix
        if warmup_t:
            self.warmup_step = (base - warmup_lr_init) / warmup_t

    def _get_lr(self, t):
        if t < self.warmup_t:
            return self.warmup_lr_init + t * self.warmup_step
        if self.warmup_prefix:
            t = t - self.warmup_t
        if self.multi:
            return self.base * (self.decay_rate ** bisect.bisect_right(self.decay_t, t + 1))
        return self.base * (self.decay_rate ** (t // self.decay_t))


def fresh(ref, k: int) -> list:
    """The lr of indices 0..k in a fresh timm run: the constructor's value, then ``_get_lr(t)``."""
    first = ref.warmup_lr_init if ref.warmup_t else ref.base
    return [first] + [ref._get_lr(t) for t in range(1, k + 1)]


def assert_matches(ref_values: list, schedule, *, atol=0.0, skip=()) -> None:
    for t, a in enumerate(ref_values):
        if t in skip:
            continue
        b = schedule(t)
        tol = RTOL * abs(a) + (atol(t) if callable(atol) else atol)
        assert abs(a - b) <= tol, f"t={t}: timm {a!r} lrcore {b!r}, |diff| {abs(a - b):.3e} > {tol:.3e}"


def check_cycles(kind, lr, k, atol, **kw):
    """lrcore against timm's formula with exact cycles; timm's own values agree except where its
    floor(log) rounds a cycle start into the cycle before (or its t_curr rounds differently right at a
    start), which is checked to be just that."""
    kw_sched = {key: v for key, v in kw.items()}
    make = {"cosine": C.CosineLRScheduler, "poly": C.PolyLRScheduler, "tanh": C.TanhLRScheduler}[kind]
    s = make(lr=lr, **kw_sched)
    ref_kw = {key: v for key, v in kw.items()}
    exact, timm = Ref(kind, lr, exact=True, **ref_kw), Ref(kind, lr, **ref_kw)
    ev, tv = fresh(exact, k), fresh(timm, k)
    assert_matches(ev, s, atol=atol)
    off = [t for t in range(k + 1) if tv[t] != ev[t] and abs(tv[t] - ev[t]) > RTOL * abs(ev[t]) + atol(t)]
    shift = kw.get("warmup_t", 0) if kw.get("warmup_prefix") else 0
    for t in off:
        (i_timm, _), (i_exact, cur_exact) = timm.index_of[t - shift], exact.index_of[t - shift]
        # at a cycle start (to rounding: a cycle_mul an ulp off 3 puts a start 4e-16 before t = 4,
        # which t_curr ** k_decay with k_decay < 1 magnifies)
        assert i_timm in (i_exact - 1, i_exact) and cur_exact <= 1e-9 * max(1, t), (t, i_timm, i_exact, cur_exact)
    return s, off


def cos_atol(lr, lr_min, decay=1.0, limit=1):
    amp = max(abs(lr * decay ** i - lr_min) for i in range(max(1, limit)))
    return lambda t: 8 * EPS * amp


# --------------------------------------------------------------------------- strategies

lrs = st.one_of(st.sampled_from([1.0, 0.1, 5e-4, 0.0]), st.floats(1e-5, 10.0))
lr_min_fracs = st.one_of(st.sampled_from([0.0, 0.0, 0.01, 0.1, 1.0, 2.0]), st.floats(0.0, 1.5))
# timm's floor(log(1 - t / T (1 - mul), mul)) is ill-conditioned as mul -> 1 (mul = 1 + 2**-52,
# t_initial=3: it puts t = 2 in cycle 1), so drawn multipliers keep away from 1
muls = st.one_of(st.sampled_from([1.0, 1.0, 2.0, 1.5, 3.0]), st.floats(1.05, 3.0))
decays = st.one_of(st.sampled_from([1.0, 1.0, 0.5, 0.1, 0.9]), st.floats(0.05, 1.5))
limits = st.one_of(st.sampled_from([1, 1, 2, 3]), st.integers(0, 6))
warmup_ts = st.one_of(st.just(0), st.integers(0, 12))
inits = st.sampled_from([0.0, 1e-5, 0.1, 2.0])  # times lr, and absolute
k_decays = st.one_of(st.sampled_from([1.0, 1.0, 1.0, 0.5, 2.0]), st.floats(0.3, 3.0))
ks = st.integers(0, 250)


def cycle_kwargs(t_initial, lr, lr_min, mul, decay, limit, w, init, prefix):
    return dict(t_initial=t_initial, lr_min=lr_min * lr, cycle_mul=mul, cycle_decay=decay, cycle_limit=limit,
                warmup_t=w, warmup_lr_init=init * lr if init != 1e-5 else init, warmup_prefix=prefix)


# --------------------------------------------------------------------- cycle schedulers

@given(lr=lrs, t_initial=st.integers(1, 40), lr_min=lr_min_fracs, mul=muls, decay=decays, limit=limits,
       w=warmup_ts, init=inits, prefix=st.booleans(), k_decay=k_decays, k=ks)
def test_cosine(lr, t_initial, lr_min, mul, decay, limit, w, init, prefix, k_decay, k):
    kw = cycle_kwargs(t_initial, lr, lr_min, mul, decay, limit, w, init, prefix)
    s, _ = check_cycles("cosine", lr, k, cos_atol(lr, kw["lr_min"], decay, limit), k_decay=k_decay, **kw)
    assert isinstance(s, lrcore.Schedule)


@given(lr=lrs, t_initial=st.integers(1, 40), lr_min=lr_min_fracs, mul=muls, decay=decays, limit=limits,
       w=warmup_ts, init=inits, prefix=st.booleans(), k_decay=k_decays,
       power=st.one_of(st.sampled_from([0.5, 1.0, 2.0, 0.0]), st.floats(0.1, 4.0)), k=ks)
def test_poly(lr, t_initial, lr_min, mul, decay, limit, w, init, prefix, k_decay, power, k):
    kw = cycle_kwargs(t_initial, lr, lr_min, mul, decay, limit, w, init, prefix)
    check_cycles("poly", lr, k, cos_atol(lr, kw["lr_min"], decay, limit), k_decay=k_decay, power=power, **kw)


@given(lr=lrs, t_initial=st.integers(1, 40), lr_min=lr_min_fracs, mul=muls, decay=decays, limit=limits,
       w=warmup_ts, init=inits, prefix=st.booleans(),
       bounds=st.one_of(st.just((-7.0, 3.0)), st.tuples(st.floats(-8.0, 0.0), st.floats(0.5, 5.0))), k=ks)
def test_tanh(lr, t_initial, lr_min, mul, decay, limit, w, init, prefix, bounds, k):
    kw = cycle_kwargs(t_initial, lr, lr_min, mul, decay, limit, w, init, prefix)
    check_cycles("tanh", lr, k, cos_atol(lr, kw["lr_min"], decay, limit), lb=bounds[0], ub=bounds[1], **kw)


def test_cosine_warmup_overlay_jumps_peers_1_5():
    """PEERS.md 1.5: warmup_prefix=False overwrites the first steps of the cosine: .67 -> .8145."""
    s = C.CosineLRScheduler(lr=1.0, t_initial=10, lr_min=0.1, warmup_t=3, warmup_lr_init=0.01)
    assert [f"{s(t):.4f}" for t in range(5)] == ["0.0100", "0.3400", "0.6700", "0.8145", "0.6891"]
    jumps = [p for p in s.describe(until=12) if p.jump]
    assert jumps and jumps[0].end == 3
    # with the prefix, the cosine starts at lr at t = warmup_t instead
    p = C.CosineLRScheduler(lr=1.0, t_initial=10, lr_min=0.1, warmup_t=3, warmup_lr_init=0.01, warmup_prefix=True)
    assert p(3) == 1.0 and p(13) == pytest.approx(0.1, rel=1e-15)


def test_cycle_index_rounding_quirk():
    """timm's floor(log(1 + 242 / 2 * 2, 3)) is 4, so t = 242 (the start of cycle 5) gets cycle 4's end."""
    kw = dict(t_initial=2, cycle_mul=3.0, cycle_limit=8, cycle_decay=0.5)
    s, off = check_cycles("cosine", 1.0, 300, cos_atol(1.0, 0.0, 0.5, 8), **kw)
    assert 242 in off
    assert Ref("cosine", 1.0, **kw)._get_lr(242) == 0.0
    assert s(242) == 0.5**5 and s(241) == pytest.approx(0.0, abs=1e-3)


def test_tanh_first_value_and_warmup_targets():
    # t = 0 is the lr timm's constructor writes; its formula gives 0.9999992 lr there (tanh(-7))
    s = C.TanhLRScheduler(lr=1.0, t_initial=10)
    assert s(0) == 1.0 and Ref("tanh", 1.0, 10)._get_lr(0) == pytest.approx(0.99999917, rel=1e-8)
    # without the prefix the warmup heads for the value at warmup_t: continuous
    s = C.TanhLRScheduler(lr=1.0, t_initial=10, warmup_t=4, warmup_lr_init=0.1)
    assert_matches(fresh(Ref("tanh", 1.0, 10, warmup_t=4, warmup_lr_init=0.1), 12), s)
    phases = s.describe(until=12)
    assert phases[0].end == 4 and phases[0].jump == 0.0  # continuous at warmup_t
    assert phases[1].jump == pytest.approx(-0.00247262, rel=1e-5)  # the cycle ends on lr_min (tanh(3) != 1)


@given(t_initial=st.integers(1, 20), mul=st.sampled_from([1.0, 2.0]), limit=st.integers(1, 4))
def test_cycle_limit_zero_and_flat_cycles(t_initial, mul, limit):
    # cycle_limit=0: lr_min from t = 1 (t = 0 is the constructor's lr)
    s = C.CosineLRScheduler(lr=1.0, t_initial=t_initial, lr_min=0.2, cycle_limit=0)
    assert [s(t) for t in range(4)] == [1.0, 0.2, 0.2, 0.2]
    # lr_min == lr with a cycle decay is not flat in timm: lr_min + (lr decay**i - lr_min) w
    kw = dict(t_initial=t_initial, lr_min=1.0, cycle_mul=mul, cycle_decay=0.5, cycle_limit=limit)
    check_cycles("cosine", 1.0, 80, cos_atol(1.0, 1.0, 0.5, limit), **kw)
    # lr_min close to lr: no digits lost (Restart's decay_mode="peak" loses 3e-12 relative here)
    for kind in ("cosine", "poly", "tanh"):
        kw = dict(t_initial=t_initial, lr_min=0.99999, cycle_mul=mul, cycle_decay=0.5, cycle_limit=limit)
        check_cycles(kind, 1.0, 80, cos_atol(1.0, 0.99999, 0.5, limit), **kw)


def test_k_decay_is_a_warp_and_storable():
    for make, kind in ((C.CosineLRScheduler, "cosine"), (C.PolyLRScheduler, "poly")):
        s = make(lr=1.0, t_initial=10, k_decay=2.0, cycle_limit=3, cycle_decay=0.5, lr_min=0.01)
        assert any(isinstance(n, lrcore.Warp) for n in _walk(s))
        assert not any(isinstance(n, Function) for n in _walk(s))
        assert_matches(fresh(Ref(kind, 1.0, 10, k_decay=2.0, cycle_limit=3, cycle_decay=0.5, lr_min=0.01), 35), s,
                       atol=8 * EPS)
        assert lrcore.loads(lrcore.dumps(s)) == s
        # the warped time is exactly t_initial at each cycle's end: timm's cos(pi) there, lr_min
        assert s(10 - 1) > 0.01 and s(30) == 0.01
    assert not any(isinstance(n, lrcore.Warp) for n in _walk(C.CosineLRScheduler(lr=1.0, t_initial=10)))


def _walk(s):
    yield s
    for c in s.children():
        yield from _walk(c)


_CYCLE_KW = dict(t_initial=st.integers(1, 40), lr_min=st.sampled_from([0.0, 1e-3, 0.1]), cycle_mul=muls,
                 cycle_decay=decays, cycle_limit=limits, warmup_t=warmup_ts, warmup_lr_init=st.sampled_from([0.0, 1e-4]),
                 warmup_prefix=st.booleans(), t_in_epochs=st.just(True),
                 updates_per_epoch=st.one_of(st.none(), st.integers(1, 5)))
_WARM_KW = dict(warmup_t=warmup_ts, warmup_lr_init=st.sampled_from([0.0, 1e-4]), warmup_prefix=st.booleans(),
                updates_per_epoch=st.one_of(st.none(), st.integers(1, 5)))
CATALOG_DRAWS = {
    "CosineLRScheduler": st.fixed_dictionaries(dict(_CYCLE_KW, k_decay=k_decays)),
    "PolyLRScheduler": st.fixed_dictionaries(dict(_CYCLE_KW, k_decay=k_decays,
                                                  power=st.sampled_from([0.0, 0.5, 1.0, 2.5]))),
    "TanhLRScheduler": st.fixed_dictionaries(dict(_CYCLE_KW, lb=st.sampled_from([-7.0, -3.0]),
                                                  ub=st.sampled_from([3.0, 1.0]))),
    "StepLRScheduler": st.fixed_dictionaries(dict(_WARM_KW, decay_t=st.one_of(st.integers(1, 9), st.just(2.4)),
                                                  decay_rate=st.sampled_from([1.0, 0.5, 0.1]))),
    "MultiStepLRScheduler": st.fixed_dictionaries(dict(_WARM_KW, decay_t=st.lists(st.integers(0, 30), max_size=4).map(sorted),
                                                       decay_rate=st.sampled_from([1.0, 0.5, 0.1]))),
    "PlateauLRScheduler": st.fixed_dictionaries(dict(warmup_t=warmup_ts, warmup_lr_init=st.sampled_from([0.0, 1e-4]),
                                                     decay_rate=st.sampled_from([0.1, 0.5]), patience_t=st.integers(0, 5),
                                                     mode=st.sampled_from(["min", "max"]),
                                                     updates_per_epoch=st.one_of(st.none(), st.integers(1, 5)))),
}


def test_every_scheduler_has_a_draw():
    assert set(CATALOG_DRAWS) == set(C.__all__)


@given(data=st.data(), name=st.sampled_from(sorted(CATALOG_DRAWS)), lr=lrs)
def test_every_scheduler_round_trips_through_its_config(data, name, lr):
    """Every timm tree (k_decay included) is plain lrcore nodes: stored and loaded, equal and with equal values."""
    s = getattr(C, name)(lr=lr, **data.draw(CATALOG_DRAWS[name]))
    assert not any(isinstance(n, Function) for n in _walk(s.schedule if isinstance(s, PlateauSchedule) else s))
    back = lrcore.from_config(s.to_config())
    assert back == s and back.fingerprint == s.fingerprint
    assert lrcore.loads(lrcore.dumps(s)) == s
    if not isinstance(s, PlateauSchedule):
        steps = list(range(0, 120, 7))
        assert [back(t) for t in steps] == [s(t) for t in steps]


# ---------------------------------------------------------------------- step schedulers

@given(lr=lrs, decay_t=st.one_of(st.integers(1, 30), st.sampled_from([0.5, 1.5, 2.4, 2.5, 0.75, 7.25])),
       rate=st.one_of(st.sampled_from([1.0, 0.1, 0.5, 0.97]), st.floats(0.05, 1.0)), w=warmup_ts, init=inits,
       prefix=st.booleans(), k=ks)
def test_step(lr, decay_t, rate, w, init, prefix, k):
    ref = RefStep(lr, decay_t, rate, warmup_t=w, warmup_lr_init=init * lr, warmup_prefix=prefix)
    s = C.StepLRScheduler(lr=lr, decay_t=decay_t, decay_rate=rate, warmup_t=w, warmup_lr_init=init * lr,
                          warmup_prefix=prefix)
    assert_matches(fresh(ref, k), s)


def test_step_fractional_decay_t_floor_quirk():
    """timm's Python ``t // 1.1`` floors the exact quotient by the binary 1.1 (a little above 1.1):
    11 // 1.1 == 9.0, so timm's 10th decay comes at t = 12; lrcore's floor(t / 1.1) gives it at 11."""
    s = C.StepLRScheduler(lr=1.0, decay_t=1.1, decay_rate=0.5)
    tv = fresh(RefStep(1.0, 1.1, 0.5), 60)
    off = [t for t in range(61) if abs(tv[t] - s(t)) > RTOL * tv[t]]
    assert 11 // 1.1 == 9.0 and s(11) == pytest.approx(0.5**10, rel=1e-15) and tv[11] == 0.5**9
    assert off == [11, 22, 44]  # multiples of 11 (1.1 k a whole number) where t / 1.1 rounds up to k
    assert_matches(tv, s, skip=off)
    assert_matches(fresh(RefStep(1.0, 2.4, 0.5), 300), C.StepLRScheduler(lr=1.0, decay_t=2.4, decay_rate=0.5))
    # 2.4 is stored a little below 2.4: no difference


@given(lr=lrs, decay_t=st.lists(st.integers(-2, 60), max_size=6).map(sorted),
       rate=st.one_of(st.sampled_from([1.0, 0.1, 0.5]), st.floats(0.05, 2.0)), w=warmup_ts, init=inits,
       prefix=st.booleans(), k=st.integers(0, 120))
def test_multistep(lr, decay_t, rate, w, init, prefix, k):
    ref = RefStep(lr, decay_t, rate, warmup_t=w, warmup_lr_init=init * lr, warmup_prefix=prefix, multi=True)
    s = C.MultiStepLRScheduler(lr=lr, decay_t=decay_t, decay_rate=rate, warmup_t=w, warmup_lr_init=init * lr,
                               warmup_prefix=prefix)
    assert_matches(fresh(ref, k), s)


def test_multistep_decays_one_step_early_peers_1_5():
    """PEERS.md 1.5: decay_t=[3, 6] decays at t = 2 and t = 5 (torch's MultiStepLR at 3 and 6)."""
    s = C.MultiStepLRScheduler(lr=1.0, decay_t=[3, 6], decay_rate=0.1)
    vals = [s(t) for t in range(8)]
    assert [t for t in range(1, 8) if vals[t] < vals[t - 1]] == [2, 5]
    # a milestone at 1 counts from t = 0 in the formula, but t = 0 is the constructor's lr
    s = C.MultiStepLRScheduler(lr=1.0, decay_t=[1, 4], decay_rate=0.5)
    assert [s(t) for t in range(5)] == [1.0, 0.5, 0.5, 0.25, 0.25]
    with pytest.raises(ValueError, match="sorted"):
        C.MultiStepLRScheduler(lr=1.0, decay_t=[6, 3], decay_rate=0.1)


# --------------------------------------------------------------------------- plateau


@given(lr=st.sampled_from([0.1, 1.0, 3e-4]), mode=st.sampled_from(["min", "max"]),
       rate=st.sampled_from([0.1, 0.5]), patience=st.integers(0, 3), cooldown=st.integers(0, 2),
       w=st.integers(0, 4), init=st.sampled_from([0.0, 1e-4]), lr_min=st.sampled_from([0.0, 0.02]),
       metrics=st.lists(st.sampled_from([1.0, 0.9, 1.1, 0.5, 2.0]), min_size=1, max_size=25))
def test_plateau_against_torch_reduce_lr_on_plateau(lr, mode, rate, patience, cooldown, w, init, lr_min, metrics):
    torch = pytest.importorskip("torch")
    p = torch.nn.Parameter(torch.zeros(1))
    o = torch.optim.SGD([p], lr=lr)
    inner = torch.optim.lr_scheduler.ReduceLROnPlateau(o, patience=patience, factor=rate, threshold=1e-4,
                                                       cooldown=cooldown, mode=mode, min_lr=lr_min)
    g = o.param_groups[0]
    step = (lr - init) / w if w else 1
    if w:
        g["lr"] = init
    s = C.PlateauLRScheduler(lr=lr, decay_rate=rate, patience_t=patience, cooldown_t=cooldown, warmup_t=w,
                             warmup_lr_init=init, lr_min=lr_min, mode=mode)
    assert isinstance(s, PlateauSchedule)
    state = s.init()
    for epoch, m in enumerate(metrics):
        a, b = g["lr"], s.value(epoch, state)
        assert abs(a - b) <= RTOL * abs(a), (epoch, a, b)
        # timm's step(epoch + 1, metric) at the end of the epoch
        if epoch + 1 <= w:
            g["lr"] = init + (epoch + 1) * step
        else:
            inner.step(m)
            state = s.update(state, m)
    assert C.PlateauLRScheduler(lr=0.1).plateau.mode == "max"  # timm's default


# ------------------------------------------------------------------ time units, noise

@given(kind=st.sampled_from(["cosine", "tanh", "poly", "step", "multistep"]), n=st.integers(1, 7),
       w=st.integers(0, 4), prefix=st.booleans())
def test_updates_per_epoch_holds_each_epoch_value(kind, n, w, prefix):
    make = {
        "cosine": lambda **k: C.CosineLRScheduler(lr=1.0, t_initial=6, lr_min=0.01, cycle_limit=3, **k),
        "tanh": lambda **k: C.TanhLRScheduler(lr=1.0, t_initial=6, cycle_limit=2, **k),
        "poly": lambda **k: C.PolyLRScheduler(lr=1.0, t_initial=6, **k),
        "step": lambda **k: C.StepLRScheduler(lr=1.0, decay_t=2, decay_rate=0.5, **k),
        "multistep": lambda **k: C.MultiStepLRScheduler(lr=1.0, decay_t=[1, 3], decay_rate=0.5, **k),
    }[kind]
    per_epoch = make(warmup_t=w, warmup_lr_init=0.01, warmup_prefix=prefix)
    per_update = make(warmup_t=w, warmup_lr_init=0.01, warmup_prefix=prefix, updates_per_epoch=n)
    # timm's train loop: the lr step(epoch) sets holds for every update of that epoch
    assert [per_update(u) for u in range(25 * n)] == [per_epoch(u // n) for u in range(25 * n)]
    assert make(warmup_t=w, warmup_lr_init=0.01, warmup_prefix=prefix, t_in_epochs=False) == per_epoch
    with pytest.raises(ValueError, match="t_in_epochs=False"):
        make(t_in_epochs=False, updates_per_epoch=n + 1)


def test_noise_is_refused_and_other_options_checked():
    with pytest.raises(ValueError, match="noise"):
        C.CosineLRScheduler(lr=0.1, t_initial=10, noise_range_t=(2, 8))
    with pytest.raises(ValueError, match="noise"):
        C.PlateauLRScheduler(lr=0.1, noise_range_t=5)
    # timm ignores the other noise_* arguments without a noise range; so does lrcore
    assert C.StepLRScheduler(lr=0.1, decay_t=3, noise_pct=0.5, noise_std=2.0, noise_seed=1) == \
        C.StepLRScheduler(lr=0.1, decay_t=3)
    with pytest.raises(ValueError, match="cycle_mul"):
        C.CosineLRScheduler(lr=0.1, t_initial=10, cycle_mul=0.5)
    with pytest.raises(ValueError, match="ub"):
        C.TanhLRScheduler(lr=0.1, t_initial=10, lb=3.0, ub=-7.0)
    with pytest.raises(ValueError, match="t_initial"):
        C.PolyLRScheduler(lr=0.1, t_initial=0)
    with pytest.raises(TypeError, match="per param group"):
        C.StepLRScheduler(lr=[0.1, 0.2], decay_t=3)


@pytest.mark.parametrize("make", [
    lambda: C.CosineLRScheduler(lr=0.1, t_initial=7, lr_min=1e-3, cycle_mul=1.5, cycle_decay=0.5, cycle_limit=4,
                                warmup_t=3, warmup_lr_init=1e-4),
    lambda: C.TanhLRScheduler(lr=0.1, t_initial=5, lr_min=1e-3, cycle_decay=0.7, cycle_limit=3, warmup_t=2,
                              warmup_lr_init=1e-4, updates_per_epoch=3),
    lambda: C.PolyLRScheduler(lr=0.1, t_initial=9, power=2.0, k_decay=1.5, cycle_limit=2),
    lambda: C.MultiStepLRScheduler(lr=0.1, decay_t=[2, 5, 5], decay_rate=0.5, warmup_t=2, warmup_lr_init=1e-3),
])
def test_every_array_library_agrees(make, jax_x64):
    np = pytest.importorskip("numpy")
    torch = pytest.importorskip("torch")
    s = make()
    ref = [s(t) for t in range(40)]
    np.testing.assert_allclose(s.evaluate(list(range(40))), ref, rtol=1e-13, atol=1e-17)
    np.testing.assert_allclose(s.evaluate(torch.arange(40, dtype=torch.float64)).numpy(), ref, rtol=1e-13, atol=1e-17)
    jnp = jax_x64.numpy
    got = jax_x64.jit(s.evaluate)(jnp.arange(40, dtype=jnp.float64))
    np.testing.assert_allclose(np.asarray(got), ref, rtol=1e-13, atol=1e-17)
