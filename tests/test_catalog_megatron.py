"""lrcore.catalog.megatron against the real megatron.core OptimizerParamScheduler (megatron-core 0.16.1).

Every test builds the real scheduler on a torch AdamW's param groups (all it touches), which
calls ``step(0)`` in its constructor, then calls ``step(increment)`` once per optimizer update as
Megatron's training loop does, and reads the group's ``lr`` and ``weight_decay`` after each call.
Update k ran at ``num_steps = k * increment``. The comparison is
``|megatron - lrcore| <= 1e-12 * |megatron| + atol`` with atol ``AMP_ATOL`` = an ulp or so of
the amplitude (``max_lr - min_lr``, ``end_wd - start_wd``): Megatron's ``1 + cos``, ``2 * 0.5**r
- 1`` and ``1 - sqrt(r)`` cancel near the end of a decay (and its rising wd cosine near the
start); lrcore's forms do not. Elsewhere the atol is 0.

Forms: iteration-based (Megatron's training.py multiplies every count by the global batch
size G and steps by G: the catalog takes the counts in iterations and steps by 1) and
sample-based (the counts are samples and the catalog's schedule is read at k * G).
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import lrcore
from lrcore.catalog import megatron as M
from lrcore.testing import assert_close, catalog_kwargs

torch = pytest.importorskip("torch")
core = pytest.importorskip("megatron.core.optimizer_param_scheduler")

RTOL = 1e-12
_WD = dict(start_wd=0.0, end_wd=0.0, wd_incr_steps=1, wd_incr_style="constant")


def AMP_ATOL(amplitude: float) -> float:
    return 2.0**-50 * abs(amplitude)


def run_megatron(kw: dict, updates: int, increment: int = 1) -> list:
    """(lr, weight_decay) of the group after the constructor's step(0), then after each step(increment)."""
    p = torch.nn.Parameter(torch.zeros(1))
    o = torch.optim.AdamW([p], lr=1.0)
    sched = core.OptimizerParamScheduler(o, **{"init_lr": 0.0, "min_lr": 0.0, "lr_warmup_steps": 0,
                                               "lr_decay_style": "linear", **_WD, **kw})
    g = o.param_groups[0]
    out = [(g["lr"], g["weight_decay"])]
    for _ in range(updates):
        o.step()
        sched.step(increment)
        out.append((g["lr"], g["weight_decay"]))
    return out


def lrs(values: list):
    return lambda t: values[t][0]


def wds(values: list):
    return lambda t: values[t][1]


def lr_atol(kw: dict) -> float:
    return AMP_ATOL(kw["max_lr"] - kw.get("min_lr", 0.0))


# ------------------------------------------------------------------------------ lr

@given(kw=catalog_kwargs(M.OptimizerParamScheduler))
def test_lr_matches_megatron_per_step(kw):
    k = kw["lr_decay_steps"] + 20
    real = run_megatron(kw, k)
    assert_close(lrs(real), M.OptimizerParamScheduler(**kw), steps=k + 1, rtol=RTOL, atol=lr_atol(kw))


@given(kw=catalog_kwargs(M.OptimizerParamScheduler), g=st.sampled_from([2, 8, 384]))
def test_iteration_based_form(kw, g):
    """Megatron's training.py: counts in iterations times the global batch size, step(global batch size)."""
    # not the inverse square root without a warmup: its max(W, 1) is one sample there (see below)
    assume(not (kw["lr_decay_style"] == "inverse-square-root" and kw["lr_warmup_steps"] == 0))
    samples = {key: (v * g if key in ("lr_warmup_steps", "lr_decay_steps", "wsd_decay_steps") and v is not None
                     else v) for key, v in kw.items()}
    k = kw["lr_decay_steps"] + 10
    real = run_megatron(samples, k, increment=g)
    # the same exact ratios for linear, cosine and WSD; the inverse square root rounds sqrt(W g) / sqrt(n g)
    assert_close(lrs(real), M.OptimizerParamScheduler(**kw), steps=k + 1, rtol=RTOL, atol=lr_atol(kw))


@given(kw=catalog_kwargs(M.OptimizerParamScheduler), g=st.integers(2, 50))
def test_sample_based_form_runs_on_a_sample_clock(kw, g):
    """Counts in samples (not multiples of the batch): update k is the schedule at k * g samples."""
    k = kw["lr_decay_steps"] // g + 5
    real = run_megatron(kw, k, increment=g)
    s = M.OptimizerParamScheduler(**kw)
    assert_close(lrs(real), lambda t: s(t * g), steps=k + 1, rtol=RTOL, atol=lr_atol(kw))
    assert_close(lrs(real), lambda t: float(s.evaluate([t * g])[0]), steps=k + 1, rtol=RTOL, atol=lr_atol(kw))


@pytest.mark.parametrize("style", ["exponential", "linear", "cosine", "minus_sqrt"])
@pytest.mark.parametrize("w,d,wsd", [(3, 10, 4), (0, 10, 10), (5, 10, 8), (0, 10, 12), (4, 10, 0), (2, 10, 9)])
def test_wsd_styles_and_anneal_inside_the_warmup(style, w, d, wsd):
    kw = dict(max_lr=1.0, min_lr=0.1, init_lr=0.05, lr_warmup_steps=w, lr_decay_steps=d, lr_decay_style="WSD",
              wsd_decay_steps=wsd, lr_wsd_decay_style=style)
    real = run_megatron(kw, d + 5)
    assert_close(lrs(real), M.OptimizerParamScheduler(**kw), steps=d + 6, rtol=RTOL, atol=lr_atol(kw))


def test_inverse_square_root_drops_to_min_lr_past_the_decay_steps():
    """Megatron checks n > lr_decay_steps before the inverse square root: a drop, kept."""
    kw = dict(max_lr=1.0, min_lr=0.1, lr_warmup_steps=3, lr_decay_steps=10, lr_decay_style="inverse-square-root")
    s = M.OptimizerParamScheduler(**kw)
    real = run_megatron(kw, 13)
    assert [round(v, 4) for v, _ in real] == [round(s(n), 4) for n in range(14)] == \
        [0.0, 0.3333, 0.6667, 1.0, 0.866, 0.7746, 0.7071, 0.6547, 0.6124, 0.5774, 0.5477, 0.1, 0.1, 0.1]


def test_inverse_square_root_without_warmup_is_per_sample():
    """With lr_warmup_steps = 0 Megatron's ``sqrt(max(W, 1))`` is one *sample* in an iteration-based
    run (its counter counts samples): max_lr / sqrt(k * G) at update k, not max_lr / sqrt(k).
    That schedule is the sample-clock form (counts in samples, read at k * G)."""
    kw = dict(max_lr=1.0, lr_decay_steps=100, lr_decay_style="inverse-square-root")
    g = 8
    real = run_megatron(dict(kw, lr_decay_steps=100 * g), 50, increment=g)
    s = M.OptimizerParamScheduler(**dict(kw, lr_decay_steps=100 * g))
    assert_close(lrs(real), lambda t: s(t * g), steps=51, rtol=RTOL, atol=0)
    assert real[2][0] == pytest.approx(1.0 / 4.0, rel=1e-15)  # 1 / sqrt(2 * 8), where per update it would be 1 / sqrt(2)


# ------------------------------------------------------------------------------ weight decay

@given(kw=catalog_kwargs(M.OptimizerParamScheduler_weight_decay))
def test_weight_decay_matches_megatron(kw):
    k = kw["wd_incr_steps"] + 20
    real = run_megatron(dict(max_lr=0.1, lr_decay_steps=10, **kw), k)
    w = M.OptimizerParamScheduler_weight_decay(**kw)
    assert_close(wds(real), w, steps=k + 1, rtol=RTOL, atol=AMP_ATOL(kw["end_wd"] - kw["start_wd"]))


def test_one_set_of_arguments_builds_both():
    kw = dict(init_lr=0.0, max_lr=6e-4, min_lr=6e-5, lr_warmup_steps=2000, lr_decay_steps=300000,
              lr_decay_style="cosine", start_wd=0.01, end_wd=0.1, wd_incr_steps=300000, wd_incr_style="linear")
    lr, wd = M.OptimizerParamScheduler(**kw), M.OptimizerParamScheduler_weight_decay(**kw)
    assert lr(2000) == 6e-4 and wd(0) == 0.01 and wd(300000) == 0.1


# ------------------------------------------------------------------------------ famous configurations

FAMOUS = [
    # GPT-3 175B as Megatron's examples run it: cosine to 10% with a warmup, counts in samples
    # (--lr-decay-samples 126,953,125 --lr-warmup-samples 183,105, global batch 1536)
    ("GPT-3 175B (samples)", dict(max_lr=0.6e-4, min_lr=0.6e-5, lr_warmup_steps=183105, lr_decay_steps=126953125,
                                  lr_decay_style="cosine", start_wd=0.1, end_wd=0.1, wd_incr_steps=146484375,
                                  wd_incr_style="constant"), 1536, 600),
    # GPT-2 345M in iterations (--lr 1.5e-4 --min-lr 1e-5 --lr-decay-iters 320000 --lr-warmup-fraction .01)
    ("GPT-2 345M (iterations)", dict(max_lr=1.5e-4, min_lr=1e-5, lr_warmup_steps=3200, lr_decay_steps=320000,
                                     lr_decay_style="cosine"), 1, 4000),
    ("WSD 1-sqrt cooldown", dict(max_lr=3e-4, min_lr=3e-5, lr_warmup_steps=100, lr_decay_steps=1000,
                                 lr_decay_style="WSD", wsd_decay_steps=200, lr_wsd_decay_style="minus_sqrt"), 1, 1100),
    ("T5 inverse square root", dict(max_lr=1e-2, min_lr=1e-5, lr_warmup_steps=10000, lr_decay_steps=1000000,
                                    lr_decay_style="inverse-square-root"), 1, 300),
    ("weight decay 0.01 -> 0.1 cosine", dict(max_lr=1e-3, lr_decay_steps=5000, start_wd=0.01, end_wd=0.1,
                                              wd_incr_steps=5000, wd_incr_style="cosine"), 1, 5100),
]


@pytest.mark.parametrize("name,kw,g,k", FAMOUS, ids=[f[0] for f in FAMOUS])
def test_famous_configurations(name, kw, g, k):
    real = run_megatron(kw, k, increment=g)
    s = M.OptimizerParamScheduler(**kw)
    sample = (lambda t: s(t * g)) if g > 1 else s
    assert_close(lrs(real), sample, steps=k + 1, rtol=RTOL, atol=lr_atol(kw))
    if "wd_incr_style" in kw:
        w = M.OptimizerParamScheduler_weight_decay(**kw)
        assert_close(wds(real), (lambda t: w(t * g)) if g > 1 else w, steps=k + 1, rtol=RTOL,
                     atol=AMP_ATOL(kw["end_wd"] - kw["start_wd"]))
    assert lrcore.from_config(s.to_config()) == s and "Function" not in repr(s)


def test_golden_values_gpt3_cosine():
    """Megatron's GPT-3 style cosine (warmup 2000, decay 300000), values as Megatron gives them."""
    s = M.OptimizerParamScheduler(max_lr=6e-4, min_lr=6e-5, lr_warmup_steps=2000, lr_decay_steps=300000,
                                  lr_decay_style="cosine")
    assert [f"{s(n):.6e}" for n in (0, 1, 1000, 2000, 2001, 151000, 300000, 400000)] == \
        ["0.000000e+00", "3.000000e-07", "3.000000e-04", "6.000000e-04", "6.000000e-04", "3.300000e-04",
         "6.000000e-05", "6.000000e-05"]


# ------------------------------------------------------------------------------ errors

@pytest.mark.parametrize("kw,match", [
    (dict(max_lr=0.1, min_lr=0.2, lr_decay_steps=10), r"`max_lr` must be a number >= 0.2, got max_lr=0.1"),
    (dict(max_lr=0.1, min_lr=-1.0, lr_decay_steps=10), r"`min_lr` must be a number >= 0.0"),
    (dict(max_lr=0.1, init_lr=0.2, lr_decay_steps=10), r"`init_lr` must be a number >= 0.0 and <= 0.1"),
    (dict(max_lr=0.1, lr_decay_steps=0), r"`lr_decay_steps` must be an int >= 1"),
    (dict(max_lr=0.1, lr_decay_steps=10, lr_warmup_steps=10), r"`lr_warmup_steps` must be < lr_decay_steps = 10"),
    (dict(max_lr=0.1, lr_decay_steps=10, lr_warmup_steps=2.5), r"`lr_warmup_steps` must be an int >= 0"),
    (dict(max_lr=0.1, lr_decay_steps=10, lr_decay_style="poly"), r"`lr_decay_style` must be one of 'constant'"),
    (dict(max_lr=0.1, lr_decay_steps=10, lr_decay_style="WSD"), r"`wsd_decay_steps` must be an int >= 0 with"),
    (dict(max_lr=0.1, lr_decay_steps=10, lr_decay_style="WSD", wsd_decay_steps=3),
     r"`lr_wsd_decay_style` must be one of 'exponential', 'linear', 'cosine', 'minus_sqrt' with"),
    (dict(max_lr=0.1, lr_decay_steps=10, override_opt_param_scheduler=True),
     r"`override_opt_param_scheduler` must be False while use_checkpoint_opt_param_scheduler is True"),
    (dict(max_lr=0.1, lr_decay_steps=10, start_wd=0.1, end_wd=0.01, wd_incr_steps=5, wd_incr_style="linear"),
     r"`end_wd` must be a number >= 0.1"),
])
def test_bad_arguments_name_the_parameter(kw, match):
    with pytest.raises((ValueError, TypeError), match=match):
        M.OptimizerParamScheduler(**kw)


def test_weight_decay_bad_arguments():
    with pytest.raises(ValueError, match=r"`end_wd` must be == start_wd = 0.01 with wd_incr_style='constant'"):
        M.OptimizerParamScheduler_weight_decay(start_wd=0.01, end_wd=0.1, wd_incr_steps=5, wd_incr_style="constant")
    with pytest.raises(ValueError, match=r"`wd_incr_steps` must be an int >= 1"):
        M.OptimizerParamScheduler_weight_decay(start_wd=0.0, end_wd=0.1, wd_incr_steps=0, wd_incr_style="cosine")
