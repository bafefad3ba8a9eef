"""lrcore.catalog.deepspeed against the real deepspeed.runtime.lr_schedules (deepspeed 0.19.8), stepped as its engine steps them.

Every test builds the real scheduler on a torch optimizer with one param group (Adam for
OneCycle's betas, SGD otherwise), reads the group's lr right after construction (update 0)
and after each ``optimizer.step(); scheduler.step()`` (update t: DeepSpeed's engine steps the
scheduler after each optimizer step), and compares update t with the catalog schedule at
step t. The comparison is ``|deepspeed - lrcore| <= 1e-12 * |deepspeed| + atol``, where atol
is 0 except for DeepSpeed's own rounding, stated where it is used:

* ``AMP_ATOL``: WarmupCosineLR's ``(1 + cos(pi p)) / 2`` near p = 1 has an absolute error of an
  ulp of 1 (times the rate); lrcore's cosine does not cancel there.
* ``cycle_atol``: OneCycle's position ``x = 1 + b / S - floor(1 + b / S)`` is rounded to half an
  ulp of 1, and its halves divide it by ``step_ratio = F / S`` (rising) or ``x - 1`` by
  ``step_ratio - 1`` (falling, which adds the rounding of step_ratio): an error in the scale up
  to ``S / min(F, S2) * 2**-52`` plus its own ulps, so the bound on the lr is
  ``|max - min| * S / min(F, S2) * 2**-51`` (measured over 40 random cycles: 0.6 of it; a
  quarter of the steps bit for bit).
"""

from __future__ import annotations

import logging
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrcore
from lrcore.catalog import deepspeed as D
from lrcore.testing import assert_close, catalog_kwargs

torch = pytest.importorskip("torch")
ds = pytest.importorskip("deepspeed.runtime.lr_schedules")
logging.getLogger("DeepSpeed").setLevel(logging.ERROR)  # "get_learning rate before it has started", per run

RTOL = 1e-12


def AMP_ATOL(amplitude: float) -> float:
    return 2.0**-50 * abs(amplitude)


def run_ds(make, k: int, *, lr: float = 1.0, adam: bool = False) -> list:
    """(lr, betas) of the group for updates 0..k: after construction, then after each
    ``optimizer.step(); scheduler.step()``."""
    p = torch.nn.Parameter(torch.zeros(1))
    o = torch.optim.Adam([p], lr=lr) if adam else torch.optim.SGD([p], lr=lr)
    sched = make(o)
    g = o.param_groups[0]
    out = [(g["lr"], tuple(g["betas"]) if adam else None)]
    for _ in range(k):
        o.step()
        sched.step()
        out.append((g["lr"], tuple(g["betas"]) if adam else None))
    return out


def lrs(values: list):
    return lambda t: values[t][0]


def beta0(values: list):
    return lambda t: values[t][1][0]


def _horizon(kw: dict) -> int:
    """Steps covering every phase and some of what follows."""
    w = max(2, kw.get("warmup_num_steps", 1000))
    return max(w, kw.get("total_num_steps", 0)) + 40


# ----------------------------------------------------------------------------- warmups

@given(kw=catalog_kwargs(D.WarmupLR))
def test_warmup_lr_matches_deepspeed(kw):
    k = _horizon(kw)
    real = run_ds(lambda o: ds.WarmupLR(o, **kw), k)
    assert_close(lrs(real), D.WarmupLR(**kw), steps=k + 1, rtol=RTOL, atol=0)


@given(lr=st.floats(1e-4, 1.0), w=st.integers(1, 50), kind=st.sampled_from(["log", "linear"]))
def test_warmup_lr_max_none_takes_the_optimizer_lr(lr, w, kind):
    real = run_ds(lambda o: ds.WarmupLR(o, warmup_num_steps=w, warmup_type=kind), w + 5, lr=lr)
    assert_close(lrs(real), D.WarmupLR(lr=lr, warmup_num_steps=w, warmup_type=kind), steps=w + 6, rtol=RTOL, atol=0)


@given(kw=catalog_kwargs(D.WarmupDecayLR))
def test_warmup_decay_lr_matches_deepspeed(kw):
    k = _horizon(kw)
    real = run_ds(lambda o: ds.WarmupDecayLR(o, **kw), k)
    assert_close(lrs(real), D.WarmupDecayLR(**kw), steps=k + 1, rtol=RTOL, atol=0)


@given(kw=catalog_kwargs(D.WarmupCosineLR))
def test_warmup_cosine_lr_matches_deepspeed(kw):
    k = _horizon(kw)
    args = {key: v for key, v in kw.items() if key != "lr"}
    real = run_ds(lambda o: ds.WarmupCosineLR(o, **args), k, lr=kw["lr"])
    assert_close(lrs(real), D.WarmupCosineLR(**kw), steps=k + 1, rtol=RTOL, atol=AMP_ATOL(kw["lr"]))


def test_warmup_cosine_lr_quirks_pinned():
    """Update 0 runs at lr 0 (DeepSpeed's ratio before the start), and the ``+ 1``: the first
    update after a log warmup is already below the peak."""
    kw = dict(lr=0.1, total_num_steps=10, warmup_num_steps=4, cos_min_ratio=0.0)
    real = [v for v, _ in run_ds(lambda o: ds.WarmupCosineLR(o, **{k: v for k, v in kw.items() if k != "lr"}), 12,
                                 lr=0.1)]
    s = D.WarmupCosineLR(**kw)
    assert real[0] == s(0) == 0.0
    assert real[4] == pytest.approx(0.1, rel=1e-15) and s(4) == 0.1  # ln(4) / ln(4): the peak
    p = 1 / 6  # (i - W + 1) / (T - W) at i = 4
    assert real[5] == pytest.approx(0.1 * (1 + math.cos(math.pi * p)) / 2, rel=1e-15)
    assert s(5) == pytest.approx(real[5], rel=RTOL) and s(5) < 0.1
    assert s(11) == real[11] == 0.0


# ----------------------------------------------------------------------------- OneCycle

def cycle_atol(kw: dict) -> float:
    f = kw.get("cycle_first_step_size", 2000)
    s2 = kw.get("cycle_second_step_size")
    s2 = f if s2 is None else s2
    return abs(kw["cycle_max_lr"] - kw["cycle_min_lr"]) * (f + s2) / min(f, s2 or f) * 2.0**-51


def _one_cycle_steps(kw: dict) -> int:
    f = kw.get("cycle_first_step_size", 2000)
    s2 = kw.get("cycle_second_step_size")
    return f + (f if s2 is None else s2) + 3 * max(1, kw.get("decay_step_size", 0)) + 5


@given(kw=catalog_kwargs(D.OneCycle))
def test_one_cycle_lr_and_momentum_match_deepspeed(kw):
    k = _one_cycle_steps(kw)
    real = run_ds(lambda o: ds.OneCycle(o, **kw), k, adam=True)
    assert_close(lrs(real), D.OneCycle(**kw), steps=k + 1, rtol=RTOL, atol=cycle_atol(kw))
    mom_atol = abs(kw["cycle_max_mom"] - kw["cycle_min_mom"]) / max(1e-300, abs(kw["cycle_max_lr"] - kw["cycle_min_lr"]))
    assert_close(beta0(real), D.OneCycle_momentum(**kw), steps=k + 1, rtol=RTOL, atol=cycle_atol(kw) * mom_atol)
    assert all(b[1] == 0.99 for _, b in real)  # DeepSpeed's beta2, whatever Adam had


def test_one_cycle_momentum_quirks_pinned():
    """Update 0 runs at cycle_min_mom (DeepSpeed's constructor), update 1 near cycle_max_mom; beta2 becomes 0.99."""
    kw = dict(cycle_min_lr=0.01, cycle_max_lr=0.1, cycle_first_step_size=4, cycle_min_mom=0.85, cycle_max_mom=0.95)
    real = run_ds(lambda o: ds.OneCycle(o, **kw), 10, adam=True)
    m = D.OneCycle_momentum(**kw)
    assert real[0][1] == (0.85, 0.99) and m(0) == 0.85
    assert real[1][1][0] == pytest.approx(0.95 - 0.1 / 4, rel=1e-15) and m(1) == pytest.approx(0.925, rel=1e-15)
    assert [m(t) for t in (4, 8, 9)] == pytest.approx([0.85, 0.95, 0.95], rel=1e-15)


def test_one_cycle_with_sgd_writes_no_momentum():
    """DeepSpeed turns cycle_momentum off for an optimizer without betas; the lr is the same."""
    kw = dict(cycle_min_lr=0.01, cycle_max_lr=0.1, cycle_first_step_size=3)
    real = run_ds(lambda o: ds.OneCycle(o, **kw), 8)
    assert_close(lrs(real), D.OneCycle(**kw), steps=9, rtol=RTOL, atol=cycle_atol(kw))


# ----------------------------------------------------------------------------- LRRangeTest

@given(kw=catalog_kwargs(D.LRRangeTest))
def test_lr_range_test_is_bit_exact(kw):
    size = kw["lr_range_test_step_size"]
    k = 3 * size + 7
    real = run_ds(lambda o: ds.LRRangeTest(o, **kw), k)
    assert_close(lrs(real), D.LRRangeTest(**kw), steps=k + 1, rtol=0, atol=0)  # min * (1 + rate * t / size)


# ----------------------------------------------------------------------------- famous configurations

FAMOUS = [
    # the scheduler blocks of DeepSpeed's documentation and tutorials (ds_config "scheduler": {"params": ...})
    ("WarmupLR docs", D.WarmupLR, dict(warmup_min_lr=0.0, warmup_max_lr=0.001, warmup_num_steps=1000), 1300),
    ("WarmupLR linear", D.WarmupLR, dict(warmup_min_lr=1e-5, warmup_max_lr=3e-4, warmup_num_steps=500,
                                         warmup_type="linear"), 700),
    ("WarmupDecayLR docs", D.WarmupDecayLR, dict(total_num_steps=10000, warmup_min_lr=0.0, warmup_max_lr=0.001,
                                                 warmup_num_steps=1000), 10100),
    ("WarmupCosineLR", D.WarmupCosineLR, dict(lr=3e-4, total_num_steps=5000, warmup_num_steps=500), 5100),
    ("1-Cycle tutorial", D.OneCycle, dict(cycle_first_step_size=1000, cycle_first_stair_count=500,
                                          cycle_second_step_size=1000, cycle_second_stair_count=500,
                                          decay_step_size=1000, cycle_min_lr=0.0001, cycle_max_lr=0.0010,
                                          decay_lr_rate=0.001, cycle_min_mom=0.85, cycle_max_mom=0.99,
                                          decay_mom_rate=0.0), 4000),
    ("LR range test tutorial", D.LRRangeTest, dict(lr_range_test_min_lr=0.0001, lr_range_test_step_size=200,
                                                   lr_range_test_step_rate=5, lr_range_test_staircase=False), 2000),
]


@pytest.mark.parametrize("name,fn,kw,k", FAMOUS, ids=[f[0] for f in FAMOUS])
def test_famous_configurations(name, fn, kw, k):
    args = {key: v for key, v in kw.items() if key != "lr"}
    real = run_ds(lambda o: getattr(ds, fn.__name__)(o, **args), k, lr=kw.get("lr", 1.0), adam=fn is D.OneCycle)
    atol = {"WarmupCosineLR": AMP_ATOL(kw.get("lr", 1.0)), "OneCycle": 0.0}.get(fn.__name__, 0.0)
    if fn is D.OneCycle:
        atol = cycle_atol(kw)
        assert_close(beta0(real), D.OneCycle_momentum(**kw), steps=k + 1, rtol=RTOL, atol=atol)
    assert_close(lrs(real), fn(**kw), steps=k + 1, rtol=RTOL, atol=atol)
    s = fn(**kw)
    assert lrcore.from_config(s.to_config()) == s
    assert "Function" not in repr(s)


def test_golden_values():
    """A few values of the famous configurations, as DeepSpeed 0.19.8 gave them (6 digits)."""
    w = D.WarmupLR(warmup_min_lr=0.0, warmup_max_lr=0.001, warmup_num_steps=1000)
    assert [round(w(t), 9) for t in (0, 1, 2, 10, 100, 999, 1000, 1001)] == \
        [0.0, 0.0, 0.000100343, 0.000333333, 0.000666667, 0.000999855, 0.001, 0.001]
    c = D.OneCycle(cycle_first_step_size=1000, cycle_first_stair_count=500, cycle_second_step_size=1000,
                   cycle_second_stair_count=500, decay_step_size=1000, cycle_min_lr=0.0001, cycle_max_lr=0.0010,
                   decay_lr_rate=0.001)
    assert [round(c(t), 9) for t in (0, 1, 2, 3, 1000, 1001, 2000, 3000)] == \
        [0.0001, 0.0001, 0.0001018, 0.0001018, 0.001, 0.0009982, 0.0001, 9.99e-05]


# ----------------------------------------------------------------------------- errors

@pytest.mark.parametrize("make,match", [
    (lambda: D.WarmupLR(), r"WarmupLR: `warmup_max_lr` must be a number >= 0.0, or None with lr="),
    (lambda: D.WarmupLR(warmup_max_lr=0.1, warmup_type="exp"), r"WarmupLR: `warmup_type` must be one of 'log', 'linear', got warmup_type='exp'"),
    (lambda: D.WarmupLR(warmup_max_lr=0.1, warmup_num_steps=0), r"`warmup_num_steps` must be an int >= 1"),
    (lambda: D.WarmupLR(warmup_max_lr=[0.1, 0.2]), r"lists are per param group"),
    (lambda: D.WarmupDecayLR(total_num_steps=-1), r"WarmupDecayLR: `total_num_steps` must be an int >= 0 and <= 9007199254740992, got total_num_steps=-1"),
    (lambda: D.WarmupCosineLR(lr=0.1, total_num_steps=10, warmup_min_ratio=-0.1), r"`warmup_min_ratio` must be a number >= 0.0"),
    (lambda: D.OneCycle(cycle_min_lr=0.1, cycle_max_lr=1.0, cycle_first_step_size=0), r"OneCycle: `cycle_first_step_size` must be an int >= 1"),
    (lambda: D.OneCycle(cycle_min_lr=0.1, cycle_max_lr=1.0, decay_lr_rate=-1.0), r"`decay_lr_rate` must be a number >= 0.0"),
    (lambda: D.OneCycle_momentum(cycle_min_lr=0.1, cycle_max_lr=1.0, cycle_momentum=False), r"OneCycle_momentum: `cycle_momentum` must be True"),
    (lambda: D.LRRangeTest(lr_range_test_step_size=2.5), r"LRRangeTest: `lr_range_test_step_size` must be an int >= 1"),
    (lambda: D.LRRangeTest(lr_range_test_step_rate=-1.0), r"`lr_range_test_step_rate` must be a number >= 0.0"),
])
def test_bad_arguments_name_the_parameter(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


def test_catalog_tree_drives_a_torch_optimizer_as_deepspeed_does():
    """The catalog tree through lrcore's torch adapter, stepped as any torch scheduler: DeepSpeed's lrs."""
    from lrcore.adapters.torch import ScheduleLR

    kw = dict(lr=1e-3, total_num_steps=300, warmup_num_steps=50)
    real = run_ds(lambda o: ds.WarmupCosineLR(o, **{k: v for k, v in kw.items() if k != "lr"}), 320, lr=1e-3)
    p = torch.nn.Parameter(torch.zeros(1))
    sched = ScheduleLR(torch.optim.Adam([p], lr=1e-3), D.WarmupCosineLR(**kw))
    assert_close(lrs(real), sched, steps=321, rtol=RTOL, atol=AMP_ATOL(1e-3))


def test_stair_counts_are_bounded_and_many_stairs_match_deepspeed():
    """More stairs than steps: every step its own stair, as DeepSpeed's floor gives; a table past 100,000 is refused."""
    kw = dict(cycle_min_lr=0.01, cycle_max_lr=0.1, cycle_first_step_size=7, cycle_first_stair_count=50,
              cycle_second_step_size=5, cycle_second_stair_count=3)
    real = run_ds(lambda o: ds.OneCycle(o, **kw), 20, adam=True)
    assert_close(lrs(real), D.OneCycle(**kw), steps=21, rtol=RTOL, atol=cycle_atol(kw))
    with pytest.raises(ValueError, match=r"OneCycle: `cycle_first_stair_count` must be at most 100000 stairs"):
        D.OneCycle(cycle_min_lr=0.01, cycle_max_lr=0.1, cycle_first_step_size=10**6, cycle_first_stair_count=10**6)
