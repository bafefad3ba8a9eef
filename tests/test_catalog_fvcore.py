"""lrcore.catalog.fvcore against the real fvcore schedulers (fvcore 0.1.5.post20221221) and detectron2.

detectron2 cannot be installed here, so its ``WarmupParamScheduler`` and ``LRMultiplier`` are
re-written below from facebookresearch/detectron2 ``detectron2/solver/lr_scheduler.py`` at
commit 606437e6008b3e91acfff572061dbd1d71110087 (the version with ``rescale_interval``), as
plain Python on top of the REAL fvcore classes: the warmup is a real
``CompositeParamScheduler``, and ``LRMultiplier`` a real torch ``LRScheduler`` whose
``get_lr`` is ``base_lr * multiplier(last_epoch / max_iter)``, stepped with a real SGD
optimizer the way detectron2's loop steps it (read the lr, ``optimizer.step()``,
``scheduler.step()``). Values are compared at rtol 1e-12 plus an atol of a few ulp of the
largest value, for fvcore's ``1 + cos(pi w)`` near w = 1 and the rounding of a rescaled where.
Steps run 0 .. max_iter - 1 (at where = 1 fvcore's Constant raises).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

torch = pytest.importorskip("torch")
fv = pytest.importorskip("fvcore.common.param_scheduler")

import lrcore  # noqa: E402
from lrcore.catalog import fvcore as F  # noqa: E402
from lrcore.testing import assert_close, catalog_kwargs, trajectory  # noqa: E402

RTOL = 1e-12
EPS = 2.0**-52


# ------------------------------------------- detectron2, re-written from its source (see above)

def d2_warmup(scheduler, warmup_factor, warmup_length, warmup_method="linear", rescale_interval=False):
    """detectron2's WarmupParamScheduler: a real fvcore CompositeParamScheduler."""
    end_value = scheduler(0.0) if rescale_interval else scheduler(warmup_length)
    start_value = warmup_factor * scheduler(0.0)
    if warmup_method == "constant":
        warmup = fv.ConstantParamScheduler(start_value)
    else:
        warmup = fv.LinearParamScheduler(start_value, end_value)
    return fv.CompositeParamScheduler([warmup, scheduler],
                                      interval_scaling=["rescaled", "rescaled" if rescale_interval else "fixed"],
                                      lengths=[warmup_length, 1 - warmup_length])


class D2LRMultiplier(torch.optim.lr_scheduler.LRScheduler):
    """detectron2's LRMultiplier: lr = base_lr * multiplier(last_epoch / max_iter)."""

    def __init__(self, optimizer, multiplier, max_iter, last_iter=-1):
        self._multiplier, self._max_iter = multiplier, max_iter
        super().__init__(optimizer, last_epoch=last_iter)

    def state_dict(self):
        return {"base_lrs": self.base_lrs, "last_epoch": self.last_epoch}

    def get_lr(self):
        m = self._multiplier(self.last_epoch / self._max_iter)
        return [base_lr * m for base_lr in self.base_lrs]


def d2_run(multiplier, max_iter, lr=0.1):
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    return trajectory(D2LRMultiplier(opt, multiplier, max_iter), max_iter)


def check(pair, M, lr=0.1, scale=1.0):
    ref, tree = pair
    s = F.LRMultiplier(lr=lr, multiplier=tree, max_iter=M)
    assert_close(d2_run(ref, M, lr).__getitem__, s, steps=M, rtol=RTOL, atol=32 * EPS * lr * scale)
    assert lrcore.loads(lrcore.dumps(s)) == s


# ------------------------------------------------------------- pairs: (fvcore object, lrcore tree)

vals = st.one_of(st.sampled_from([1.0, 0.1, 0.01, 1e-4]), st.floats(1e-4, 2.0))


@st.composite
def leaves(draw, M, steps=True):
    kind = draw(st.sampled_from(["const", "cos", "exp", "lin", "poly"] + (["multistep", "step", "gamma"] if steps else [])))
    if kind == "const":
        v = draw(vals)
        return fv.ConstantParamScheduler(v), F.ConstantParamScheduler(v, max_iter=M)
    if kind in ("cos", "lin"):
        a, b = draw(vals), draw(vals)
        cls = (fv.CosineParamScheduler, F.CosineParamScheduler) if kind == "cos" else (fv.LinearParamScheduler,
                                                                                      F.LinearParamScheduler)
        return cls[0](a, b), cls[1](a, b, max_iter=M)
    if kind == "exp":
        a, d = draw(vals), draw(st.floats(0.01, 1.0))
        return fv.ExponentialParamScheduler(a, d), F.ExponentialParamScheduler(a, d, max_iter=M)
    if kind == "poly":
        a, p = draw(vals), draw(st.sampled_from([0.0, 0.5, 0.9, 1.0, 2.0]))
        return fv.PolynomialDecayParamScheduler(a, p), F.PolynomialDecayParamScheduler(a, p, max_iter=M)
    if kind == "step":
        v = draw(st.lists(vals, min_size=1, max_size=5))
        n = draw(st.integers(1, 500))
        return fv.StepParamScheduler(n, v), F.StepParamScheduler(n, v, max_iter=M)
    if kind == "gamma":
        kw = dict(base_value=draw(vals), num_decays=draw(st.integers(1, 4)), gamma=draw(st.floats(0.05, 0.9)),
                  num_updates=draw(st.integers(1, 500)))
        return fv.StepWithFixedGammaParamScheduler(**kw), F.StepWithFixedGammaParamScheduler(**kw, max_iter=M)
    v = draw(st.lists(vals, min_size=1, max_size=4))
    n = draw(st.integers(len(v), 1000))
    ms = draw(st.lists(st.integers(1, n - 1), min_size=len(v) - 1, max_size=len(v) - 1, unique=True).map(sorted)) \
        if n > 1 else []
    if len(ms) != len(v) - 1:
        v = v[:len(ms) + 1]
    form = draw(st.sampled_from(["both", "milestones", "num_updates"]))
    if form == "milestones" and not ms:
        # fvcore derives num_updates from the last two milestones: with one value there is one
        # milestone and it raises (a CI draw: "Milestone must be smaller than ... num_updates=4")
        form = "num_updates"
    if form == "num_updates" and math.ceil(n / len(v)) * (len(v) - 1) >= n:
        # fvcore's equispaced milestones, ceil(n / k) * i, would reach num_updates (a CI draw:
        # n = 4 with 3 values gives [2, 4]); fvcore raises there, so draw the explicit form
        form = "both"
    if form == "both":
        kw = dict(values=v, milestones=ms, num_updates=n)
    elif form == "milestones":
        kw = dict(values=v, milestones=ms + [n])
    else:
        kw = dict(values=v, num_updates=n)
    return fv.MultiStepParamScheduler(**kw), F.MultiStepParamScheduler(**kw, max_iter=M)


@st.composite
def composites(draw, M):
    k = draw(st.integers(1, 4))
    scaling = draw(st.lists(st.sampled_from(["rescaled", "fixed"]), min_size=k, max_size=k))
    # step schedulers only where they see the global where (see CompositeParamScheduler's docstring)
    kids = [draw(leaves(M, steps=sc == "fixed")) for sc in scaling]
    cuts = sorted(draw(st.lists(st.integers(1, 999), min_size=k - 1, max_size=k - 1, unique=True)))
    lengths = [(b - a) / 1000 for a, b in zip([0] + cuts, cuts + [1000])]
    ref = fv.CompositeParamScheduler([c[0] for c in kids], list(lengths), scaling)
    tree = F.CompositeParamScheduler([c[1] for c in kids], list(lengths), scaling, max_iter=M)
    return ref, tree


iters = st.integers(1, 400)


@given(data=st.data(), M=iters, lr=vals)
def test_every_param_scheduler(data, M, lr):
    check(data.draw(leaves(M)), M, lr, scale=4.0)


@given(data=st.data(), M=iters, lr=vals)
def test_composite_fixed_and_rescaled(data, M, lr):
    check(data.draw(composites(M)), M, lr, scale=4.0)


@given(data=st.data(), M=st.integers(2, 400), lr=vals, factor=st.sampled_from([0.001, 0.1, 1.0 / 3]),
       method=st.sampled_from(["linear", "constant"]), rescale=st.booleans())
def test_detectron2_warmup(data, M, lr, factor, method, rescale):
    ref, tree = data.draw(leaves(M, steps=not rescale))
    wl = data.draw(st.integers(0, M - 1)) / M  # detectron2's build_lr_scheduler: WARMUP_ITERS / MAX_ITER
    pair = (d2_warmup(ref, factor, wl, method, rescale),
            F.WarmupParamScheduler(tree, factor, wl, method, rescale, max_iter=M))
    check(pair, M, lr, scale=4.0)


def test_detectron2_famous_configs():
    # detectron2's build_lr_scheduler, WarmupMultiStepLR: Mask R-CNN 1x (BASE_LR 0.02, STEPS
    # (60000, 80000), MAX_ITER 90000, WARMUP_FACTOR 0.001, WARMUP_ITERS 1000), shortened 100x
    M, steps, lr = 900, [600, 800], 0.02
    ref = d2_warmup(fv.MultiStepParamScheduler(values=[0.1**k for k in range(3)], milestones=steps, num_updates=M),
                    0.001, 10 / M)
    tree = F.WarmupParamScheduler(F.MultiStepParamScheduler(values=[0.1**k for k in range(3)], milestones=steps,
                                                            num_updates=M, max_iter=M), 0.001, 10 / M, max_iter=M)
    got = F.LRMultiplier(lr=lr, multiplier=tree, max_iter=M)
    want = d2_run(ref, M, lr)
    assert_close(want.__getitem__, got, steps=M, rtol=RTOL, atol=0)
    # golden values, from detectron2's formulas by hand: 0.02 * (0.001 + 0.999 * t / 10) then the steps
    for t, v in [(0, 2e-5), (5, 0.02 * (0.001 * 0.5 + 0.5)), (10, 0.02), (599, 0.02), (600, 0.002), (800, 0.0002)]:
        assert got(t) == pytest.approx(v, rel=1e-12)
    # WarmupCosineLR (BASE_LR_END 0): cosine of the global where after a linear warmup to its value there
    ref = d2_warmup(fv.CosineParamScheduler(1, 0.0), 0.001, 10 / M)
    tree = F.WarmupParamScheduler(F.CosineParamScheduler(1, 0.0, max_iter=M), 0.001, 10 / M, max_iter=M)
    got = F.LRMultiplier(lr=lr, multiplier=tree, max_iter=M)
    assert_close(d2_run(ref, M, lr).__getitem__, got, steps=M, rtol=RTOL, atol=8 * EPS * lr)
    assert got(10) == pytest.approx(lr * 0.5 * (1 + math.cos(math.pi * 10 / M)), rel=1e-12)


def test_epsilon_boundaries_fall_where_fvcores_do():
    # StepParamScheduler with 3 values over 3 steps: where + 1e-6 makes t = 1 and 2 exact jumps
    s = F.StepParamScheduler(num_updates=3, values=[1.0, 2.0, 3.0], max_iter=3)
    ref = fv.StepParamScheduler(3, [1.0, 2.0, 3.0])
    assert [s(t) for t in range(3)] == [ref(t / 3) for t in range(3)] == [1.0, 2.0, 3.0]
    # at where = 1 fvcore's index runs off the end; the last value holds here
    with pytest.raises(IndexError, match="list index out of range"):
        ref(1.0)
    assert s(3) == s(10) == 3.0
    # a composite boundary on an exact step: the next scheduler runs there
    c = F.CompositeParamScheduler([F.ConstantParamScheduler(1.0, max_iter=4), F.ConstantParamScheduler(2.0, max_iter=4)],
                                  lengths=[0.5, 0.5], interval_scaling=["fixed", "fixed"], max_iter=4)
    assert [c(t) for t in range(4)] == [1.0, 1.0, 2.0, 2.0]
    with pytest.raises(RuntimeError, match="must be in"):
        fv.ConstantParamScheduler(1.0)(1.0)


def test_rescaled_interval_between_steps_uses_a_fractional_shift():
    c = F.CompositeParamScheduler([F.ConstantParamScheduler(0.5, max_iter=7), F.LinearParamScheduler(1.0, 0.0, max_iter=7)],
                                  lengths=[0.3, 0.7], interval_scaling=["rescaled", "rescaled"], max_iter=7)
    ref = fv.CompositeParamScheduler([fv.ConstantParamScheduler(0.5), fv.LinearParamScheduler(1.0, 0.0)],
                                     lengths=[0.3, 0.7], interval_scaling=["rescaled", "rescaled"])
    shifts = [n for n in _walk(c) if isinstance(n, lrcore.Shift)]
    assert shifts and shifts[0].steps != int(shifts[0].steps)  # 2.1 steps in, at step 3
    for t in range(8):
        assert c(t) == pytest.approx(ref(min(t, 7) / 7) if t < 7 else 0.0, rel=1e-12, abs=1e-16)
    assert lrcore.from_config(c.to_config()) == c


def _walk(s):
    yield s
    for f in lrcore.fields(s) if hasattr(lrcore, "fields") else ():
        v = getattr(s, f.name)
        for x in (v if isinstance(v, tuple) else (v,)):
            if isinstance(x, lrcore.Schedule):
                yield from _walk(x)


@pytest.mark.parametrize("call, match", [
    (lambda: F.CosineParamScheduler(1.0, 0.0, max_iter=0), r"max_iter.*>= 1.*max_iter=0"),
    (lambda: F.ExponentialParamScheduler(1.0, 2.0, max_iter=10), r"decay.*<= 1.0.*decay=2.0"),
    (lambda: F.MultiStepParamScheduler([1.0, 0.1], max_iter=10), r"num_updates.*milestones is None"),
    (lambda: F.MultiStepParamScheduler([1.0, 0.1], milestones=[5], max_iter=10), r"milestones.*a list of 2 ints"),
    (lambda: F.MultiStepParamScheduler([1.0, 0.1, 0.01], milestones=[5, 3], num_updates=10, max_iter=10),
     r"strictly increasing"),
    (lambda: F.CompositeParamScheduler([F.ConstantParamScheduler(1.0, max_iter=4)], [0.5], ["fixed"], max_iter=4),
     r"lengths.*summing to 1"),
    (lambda: F.CompositeParamScheduler([F.ConstantParamScheduler(1.0, max_iter=4)], [1.0], ["stretched"], max_iter=4),
     r"interval_scaling\[0\].*'rescaled'"),
    (lambda: F.CompositeParamScheduler([F.LinearParamScheduler(1.0, 0.0, max_iter=5)], [1.0], ["fixed"], max_iter=4),
     r"schedulers\[0\].*built with max_iter=4.*max_iter=5"),
    (lambda: F.LRMultiplier(lr=[0.1, 0.2], multiplier=F.ConstantParamScheduler(1.0, max_iter=4), max_iter=4),
     r"lr.*per param group"),
    (lambda: F.WarmupParamScheduler(F.ConstantParamScheduler(1.0, max_iter=4), 0.1, 1.5, max_iter=4),
     r"warmup_length.*<= 1.0"),
    (lambda: F.WarmupParamScheduler(F.ConstantParamScheduler(1.0, max_iter=4), 0.1, 0.5, "exp", max_iter=4),
     r"warmup_method.*'linear'"),
])
def test_bad_arguments_name_the_parameter(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


@given(data=st.data(), name=st.sampled_from(["ConstantParamScheduler", "CosineParamScheduler",
                                             "ExponentialParamScheduler", "LinearParamScheduler",
                                             "PolynomialDecayParamScheduler", "StepParamScheduler",
                                             "StepWithFixedGammaParamScheduler", "MultiStepParamScheduler",
                                             "CompositeParamScheduler", "WarmupParamScheduler", "LRMultiplier"]))
def test_catalog_kwargs_draw_valid_arguments(data, name):
    fn = getattr(F, name)
    s = fn(**data.draw(catalog_kwargs(fn)))
    assert isinstance(s, lrcore.Schedule)
    assert lrcore.from_config(s.to_config()) == s
    assert not any(isinstance(n, lrcore.Function) for n in _walk(s))


def test_fixed_gamma_that_overflows_names_gamma():
    """Regression (found by the bad-input fuzzer): a gamma whose running product overflows was
    refused by the StepParamScheduler it fed, naming `values[105]`; the message names gamma."""
    with pytest.raises(lrcore.ScheduleError, match=r"^StepWithFixedGammaParamScheduler: `gamma` must be small enough"):
        F.StepWithFixedGammaParamScheduler(base_value=0.5, num_decays=200, gamma=1e10, num_updates=300, max_iter=300)
