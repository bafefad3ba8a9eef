"""lrcore.RangeTest and lrcore.suggest_lr against Lightning's finder (installed: run for real) and fastai's (transcribed).

Lightning 2.6.6: its ``_ExponentialLR`` / ``_LinearLR`` schedulers are driven on a real torch
optimizer, and ``_LRFinder.suggestion()`` is called on an ``_LRFinder`` holding the same
``results`` that `suggest_lr` reads. fastai cannot be installed (torchvision): its suggestion
functions ``valley``, ``slide``, ``minimum``, ``steep`` and the tail of ``Learner.lr_find`` are
transcribed verbatim below from fastai/fastai ``fastai/callback/schedule.py`` (commit
0a049e8a90b86d70860f68072698245a1ee787ca), with ``LRFinder.after_batch``'s stop rule, and run on
torch tensors as fastai runs them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from lightning.pytorch.tuner.lr_finder import _ExponentialLR, _LinearLR, _LRFinder

import lrcore
from lrcore.testing import assert_close

RTOL = 1e-12
# fastai's slide runs np.interp on torch tensors (for its plot point): numpy 2 warns about torch's __array_wrap__
pytestmark = pytest.mark.filterwarnings("ignore:__array_wrap__ must accept context:DeprecationWarning")


# ------------------------------------------------------------------- fastai, verbatim

def valley(lrs:list, losses:list, num_it:int):
    "Suggests a learning rate from the longest valley and returns its index"
    n = len(losses)
    max_start, max_end = 0,0

    # find the longest valley
    lds = [1]*n
    for i in range(1,n):
        for j in range(0,i):
            if (losses[i] < losses[j]) and (lds[i] < lds[j] + 1):
                lds[i] = lds[j] + 1
            if lds[max_end] < lds[i]:
                max_end = i
                max_start = max_end - lds[max_end]

    sections = (max_end - max_start) / 3
    idx = max_start + int(sections) + int(sections/2)

    return float(lrs[idx]), (float(lrs[idx]), losses[idx])


def slide(lrs:list, losses:list, num_it:int, lr_diff:int=15, thresh:float=.005, adjust_value:float=1.):
    "Suggests a learning rate following an interval slide rule and returns its index"
    losses = losses.numpy()  # to_np
    loss_grad = np.gradient(losses)

    r_idx = -1
    l_idx = r_idx - lr_diff
    local_min_lr = lrs[l_idx]
    while (l_idx >= -len(losses)) and (abs(loss_grad[r_idx] - loss_grad[l_idx]) > thresh):
        local_min_lr = lrs[l_idx]
        r_idx -= 1
        l_idx -= 1

    suggestion = float(local_min_lr) * adjust_value
    idx = np.interp(np.log10(suggestion), np.log10(lrs), losses)
    return suggestion, (suggestion, idx)


def minimum(lrs:list, losses:list, num_it:int):
    "Suggests a learning rate one-tenth the minumum before divergance and returns its index"
    lr_min = lrs[losses.argmin()].item()
    loss_idx = losses[min(range(len(lrs)), key=lambda i: abs(lrs[i]-lr_min))]
    return lr_min/10, (lr_min, loss_idx)


def steep(lrs:list, losses:list, num_it:int) -> (float, tuple):
    "Suggests a learning rate when the slope is the steepest and returns its index"
    grads = (losses[1:]-losses[:-1]) / (lrs[1:].log()-lrs[:-1].log())
    lr_steep = lrs[grads.argmin()].item()
    loss_idx = losses[min(range(len(lrs)), key=lambda i: abs(lrs[i]-lr_steep))]
    return lr_steep, (lr_steep, loss_idx)


FASTAI = {"valley": valley, "slide": slide, "minimum": minimum, "steep": steep}


def fastai_recorded(losses, stop_div=True):
    """LRFinder.after_batch: best_loss, then cancel after a smoothed loss above 4 * best (kept: the
    Recorder has logged it already)."""
    best_loss, out = float('inf'), []
    for loss in losses:
        out.append(loss)
        if loss < best_loss: best_loss = loss
        if loss > 4*best_loss and stop_div: break
    return out


def fastai_lr_find(rec_lrs, rec_losses, num_it, func, dtype=torch.float32):
    """The tail of Learner.lr_find on the recorder's lists (fastai's `tensor` of a list of floats
    is float32; `dtype` float64 gives the same code in float64)."""
    lrs, losses = torch.tensor(rec_lrs[num_it//10:-5], dtype=dtype), torch.tensor(rec_losses[num_it//10:-5], dtype=dtype)
    nan_idxs = torch.nonzero(torch.isnan(losses.view(-1)))
    if len(nan_idxs) > 0:
        drop_idx = min(nan_idxs)
        lrs = lrs[:drop_idx]
        losses = losses[:drop_idx]
    return func(lrs, losses, num_it)[0]


# ------------------------------------------------------------------- loss curves

def curve(n, center, width, blowup, noise, seed):
    """A range test's loss: a sigmoid drop, then a blow-up, plus noise."""
    rng = np.random.default_rng(seed)
    i = np.arange(n)
    base = 2.0 - 1.5 / (1 + np.exp(-(i - center) / width)) + blowup * np.maximum(i - center - 2 * width, 0) ** 2
    return [float(v) for v in base + noise * rng.standard_normal(n)]


curves = st.builds(curve, n=st.integers(30, 110), center=st.floats(8.0, 80.0), width=st.floats(1.0, 10.0),
                   blowup=st.sampled_from([0.0, 0.001, 0.05]), noise=st.sampled_from([0.0, 0.001, 0.02]),
                   seed=st.integers(0, 2**16))


def geometric_lrs(n, lo=1e-7, hi=10.0):
    s = lrcore.RangeTest(lo, hi, steps=n)
    return [s(t) for t in range(n)]


# ------------------------------------------------------------------------ RangeTest

@given(lo=st.floats(1e-8, 1e-3), hi=st.floats(1e-2, 10.0), n=st.integers(1, 500))
def test_range_test_is_the_exponential_through_both_ends(lo, hi, n):
    s = lrcore.RangeTest(lo, hi, steps=n)
    assert s(0) == lo and s(n) == hi and s(n + 7) == hi
    assert_close(s, lambda t: lo * (hi / lo) ** (min(t, n) / n), steps=n + 3, rtol=1e-13)


@given(lo=st.floats(0.0, 1e-3), hi=st.floats(1e-2, 10.0), n=st.integers(1, 500), k=st.integers(1, 20))
def test_range_test_linear_staircase(lo, hi, n, k):
    s = lrcore.RangeTest(lo, hi, steps=n, shape="linear", staircase=k)
    lin = lambda t: lo + (hi - lo) * min(t, n) / n  # noqa: E731
    assert_close(s, lambda t: lin(t // k * k), steps=n + 2 * k, rtol=1e-12, atol=1e-15 * hi)


@pytest.mark.parametrize("mode,cls", [("exponential", _ExponentialLR), ("linear", _LinearLR)])
@pytest.mark.parametrize("lo,hi,n", [(1e-8, 1.0, 100), (1e-6, 0.1, 37), (1e-4, 10.0, 2)])
def test_lightnings_finder_schedule_is_a_range_test_one_step_ahead(mode, cls, lo, hi, n):
    # Lightning: min_lr at update 0, then its scheduler's r = (t + 1) / num_training
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lo)
    real = cls(opt, hi, n)
    rt = lrcore.RangeTest(lo, hi, steps=n, shape=mode)
    ours = lrcore.Sequential(parts=[lrcore.Constant(value=lo), lrcore.Shift(rt, steps=-2)], boundaries=[1])
    assert_close(ours, real, steps=n, rtol=1e-12, atol=1e-15 * hi)


def test_range_test_bad_arguments():
    with pytest.raises(ValueError, match=r"^RangeTest: `end_value` must be nonzero, with the sign of start_value"):
        lrcore.RangeTest(1e-7, 0.0, steps=10)
    with pytest.raises(ValueError, match=r"^RangeTest: `start_value` must be nonzero"):
        lrcore.RangeTest(0.0, 1.0, steps=10)  # fine with shape="linear"
    assert lrcore.RangeTest(0.0, 1.0, steps=10, shape="linear")(5) == 0.5
    with pytest.raises(ValueError, match=r"^RangeTest: `shape` must be one of 'exponential', 'linear', got shape='log'"):
        lrcore.RangeTest(1e-7, 1.0, steps=10, shape="log")
    with pytest.raises(ValueError, match=r"^RangeTest: `staircase` must be an int >= 1"):
        lrcore.RangeTest(1e-7, 1.0, steps=10, staircase=0)
    with pytest.raises(ValueError, match=r"^RangeTest: `steps` must be an int >= 1"):
        lrcore.RangeTest(1e-7, 1.0, steps=0)


# ----------------------------------------------------------------------- suggest_lr

@settings(max_examples=30)
@given(losses=curves, method=st.sampled_from(["valley", "minimum", "steep", "slide"]),
       num_it=st.sampled_from([None, 100]))
def test_suggest_lr_equals_fastai(losses, method, num_it):
    n = len(losses)
    lrs = geometric_lrs(n)
    planned = n if num_it is None else num_it
    rec = fastai_recorded(losses)
    rec_lrs = lrs[:len(rec)]
    kept = len(rec[planned // 10:-5])
    assume(kept >= (17 if method == "slide" else 2))
    want = fastai_lr_find(rec_lrs, rec, planned, FASTAI[method], dtype=torch.float64)
    got = lrcore.suggest_lr(lrs, losses, method, num_it=num_it)
    assert got == want


@settings(max_examples=30)
@given(losses=curves, skip_begin=st.sampled_from([None, 0, 3]), skip_end=st.sampled_from([None, 1, 4]),
       mode=st.sampled_from(["exponential", "linear"]))
def test_suggest_lr_gradient_equals_lightning(losses, skip_begin, skip_end, mode):
    n = len(losses)
    s = lrcore.RangeTest(1e-7, 1.0, steps=n, shape=mode)
    lrs = [s(t + 1) for t in range(n)]  # increasing (a linear test from 1e-7 too)
    finder = _LRFinder(mode, 1e-7, 1.0, n)
    finder.results = {"lr": lrs, "loss": losses}
    kw = {k: v for k, v in (("skip_begin", skip_begin), ("skip_end", skip_end)) if v is not None}
    # Lightning's own suggestion(), its tensors in float64 (by default torch.tensor of the lists is
    # float32, whose rounding of the losses can outweigh their differences: see the golden test)
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        want = finder.suggestion(**kw)
    finally:
        torch.set_default_dtype(default)
    assume(want is not None)
    assert lrcore.suggest_lr(lrs, losses, "gradient", stop_factor=None, **kw) == want


def test_golden_lightning_float32():
    # Lightning as it runs (float32 tensors) on a clean curve: the same point
    n = 100
    lrs = [lrcore.RangeTest(1e-8, 1.0, steps=n)(t + 1) for t in range(n)]
    losses = curve(n, 50.0, 6.0, 0.01, 0.0, 0)
    finder = _LRFinder("exponential", 1e-8, 1.0, n)
    finder.results = {"lr": lrs, "loss": losses}
    assert lrcore.suggest_lr(lrs, losses, "gradient", stop_factor=None) == finder.suggestion()


def test_gradient_is_torchs_with_coordinates():
    x = [1e-7 * 10 ** (i / 7) for i in range(30)]
    f = curve(30, 12.0, 3.0, 0.01, 0.01, 5)
    from lrcore._rangetest import _gradient

    want = torch.gradient(torch.tensor(f, dtype=torch.float64), spacing=[torch.tensor(x, dtype=torch.float64)])[0]
    assert _gradient(x, f) == pytest.approx(want.tolist(), rel=1e-10)


def test_divergence_rule_and_smoothing():
    lrs = geometric_lrs(40)
    losses = [1.0 - 0.01 * i for i in range(20)] + [10.0] + [0.1] * 19  # diverges at 20: 10 > 4 * 0.81
    from lrcore._rangetest import _smooth, _stop

    assert _stop(losses, 4.0) == 21 and _stop(losses, 20.0) == 40
    assert fastai_recorded(losses) == losses[:21]
    # the debiased running average of Lightning's _LRCallback (beta = 0.98; fastai's Recorder
    # computes the same as a torch.lerp)
    avg, want = 0.0, []
    for i, x in enumerate(losses):
        avg = 0.98 * avg + (1 - 0.98) * x
        want.append(avg / (1 - 0.98 ** (i + 1)))
    assert _smooth(losses, 0.98) == want
    # the point after the divergence is never seen: minimum is the lowest loss before it
    assert lrcore.suggest_lr(lrs, losses, "minimum", skip_begin=0, skip_end=0) == lrs[19] / 10
    assert lrcore.suggest_lr(lrs, losses, "minimum", skip_begin=0, skip_end=0, stop_factor=None) == lrs[21] / 10


def test_golden_fastai_float32():
    # a noiseless curve: fastai's float32 suggestions are the float32 rounding of lrcore's
    losses = curve(100, 40.0, 5.0, 0.01, 0.0, 0)
    lrs = geometric_lrs(100)
    rec = fastai_recorded(losses)
    for m in ("valley", "minimum"):
        want = fastai_lr_find(lrs[:len(rec)], rec, 100, FASTAI[m])
        got = lrcore.suggest_lr(lrs, losses, m)
        assert want == pytest.approx(got, rel=6e-8), m
    # steep: near the steepest point the slopes agree to float32 rounding, and fastai's float32
    # picks the point before (its float64 code picks lrcore's)
    got = lrcore.suggest_lr(lrs, losses, "steep")
    assert fastai_lr_find(lrs[:len(rec)], rec, 100, steep, dtype=torch.float64) == got
    assert fastai_lr_find(lrs[:len(rec)], rec, 100, steep) == pytest.approx(lrs[lrs.index(got) - 1], rel=6e-8)
    assert lrcore.suggest_lr(lrs, losses, "slide") == pytest.approx(
        fastai_lr_find(lrs[:len(rec)], rec, 100, slide), rel=6e-8)


def test_suggest_lr_bad_arguments():
    lrs, losses = geometric_lrs(50), curve(50, 20.0, 3.0, 0.0, 0.0, 1)
    with pytest.raises(ValueError, match=r"^suggest_lr: `method` must be one of 'valley', 'steep', 'minimum', 'slide', "
                                         r"'gradient', got method='fast'$"):
        lrcore.suggest_lr(lrs, losses, "fast")
    with pytest.raises(ValueError, match=r"^suggest_lr: `losses` must be a sequence as long as lrs \(50\), got "):
        lrcore.suggest_lr(lrs, losses[:-1])
    with pytest.raises(ValueError, match=r"^suggest_lr: `lrs\[3\]` must be a finite number > 0, got lrs\[3\]=-1.0$"):
        lrcore.suggest_lr(lrs[:3] + [-1.0] + lrs[4:], losses)
    with pytest.raises(ValueError, match=r"^suggest_lr: `lrs` must be increasing for method='steep'"):
        lrcore.suggest_lr([1e-3] * 50, losses, "steep")
    with pytest.raises(ValueError, match=r"^suggest_lr: `losses` must be at least 16 points left"):
        lrcore.suggest_lr(lrs[:20], losses[:20], "slide")
    with pytest.raises(TypeError, match=r"^suggest_lr: `losses\[2\]` must be a number, got losses\[2\]='x'$"):
        lrcore.suggest_lr(lrs[:5], [1.0, 2.0, "x", 1.0, 1.0])
    with pytest.raises(ValueError, match=r"^suggest_lr: `stop_factor` must be a number >= 1.0, got stop_factor=0.5$"):
        lrcore.suggest_lr(lrs, losses, stop_factor=0.5)
    # numpy arrays and torch tensors are read element by element
    assert lrcore.suggest_lr(np.array(lrs), torch.tensor(losses, dtype=torch.float64)) == lrcore.suggest_lr(lrs, losses)
