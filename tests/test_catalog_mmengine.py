"""lrcore.catalog.mmengine against the real mmengine 0.10.7 schedulers, stepped as its runner steps them.

mmengine's ParamSchedulerHook steps iteration-based schedulers (``by_epoch=False``) after every
training iteration and epoch-based ones after every epoch (``epoch_length`` iterations), each
after ``optimizer.step()``; `run` does the same with a real torch optimizer and reads the
param group (``lr``, ``momentum``, or Adam's ``betas[0]``) before each update. mmengine's
schedulers are chainable recursions (``1 + cos`` ratios, repeated products), so the values are
compared at rtol 1e-12 plus an atol of a few ulp of the base value per step.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

torch = pytest.importorskip("torch")
S = pytest.importorskip("mmengine.optim.scheduler")

import lrcore  # noqa: E402
from lrcore.catalog import mmengine as M  # noqa: E402
from lrcore.testing import assert_close, catalog_kwargs  # noqa: E402

RTOL = 1e-12
EPS = 2.0**-52


def run(configs, steps, base, epoch_length=1, param="lr", adam=False):
    """The value mmengine's runner leaves for updates 0 .. steps-1 (configs: mmengine dicts)."""
    p = torch.nn.Parameter(torch.zeros(1))
    if param == "lr":
        opt = torch.optim.SGD([p], lr=base, momentum=0.9)
    elif adam:
        opt = torch.optim.Adam([p], lr=0.1, betas=(base, 0.999))
    else:
        opt = torch.optim.SGD([p], lr=0.1, momentum=base)
    scheds = []
    for c in configs:
        c = dict(c)
        cls = getattr(S, c.pop("type"))
        if c.pop("convert_to_iter_based", False):
            scheds.append(cls.build_iter_from_epoch(opt, epoch_length=epoch_length, **c))
        else:
            scheds.append(cls(opt, **c))
    out = []
    for t in range(steps):
        g = opt.param_groups[0]
        out.append(g["lr"] if param == "lr" else (g["betas"][0] if adam else g["momentum"]))
        opt.step()
        for s in scheds:
            if not s.by_epoch:
                s.step()
        if (t + 1) % epoch_length == 0:
            for s in scheds:
                if s.by_epoch:
                    s.step()
    return out


def check(configs, base, steps, epoch_length=None, param="lr", adam=False, scale=1.0):
    want = run(configs, steps, base, epoch_length or 1, param, adam)
    got = M.param_scheduler(configs, epoch_length=epoch_length, **{param: base})
    assert_close(want.__getitem__, got, steps=steps, rtol=RTOL, atol=steps * 8 * EPS * base * scale)
    assert lrcore.loads(lrcore.dumps(got)) == got
    return got


bases = st.one_of(st.sampled_from([0.1, 0.02, 1.0, 0.9]), st.floats(1e-3, 1.0))
window = st.tuples(st.integers(0, 30), st.integers(1, 60)).map(lambda be: (be[0], be[0] + be[1]))


@st.composite
def one_config(draw, by_epoch=None, kinds=None):
    kind = draw(st.sampled_from(kinds or ["ConstantLR", "LinearLR", "ExponentialLR", "StepLR", "MultiStepLR",
                                          "PolyLR", "CosineAnnealingLR", "CosineRestartLR"]))
    b, e = draw(window)
    c = dict(type=kind, begin=b, end=e, by_epoch=draw(st.booleans()) if by_epoch is None else by_epoch)
    if kind == "ConstantLR":
        c["factor"] = draw(st.floats(0.05, 1.0))
    elif kind == "LinearLR":
        c.update(start_factor=draw(st.floats(0.01, 1.0)), end_factor=draw(st.floats(0.0, 1.0)))
    elif kind == "ExponentialLR":
        c["gamma"] = draw(st.floats(0.5, 1.0))
    elif kind == "StepLR":
        c.update(step_size=draw(st.integers(1, 10)), gamma=draw(st.floats(0.1, 1.0)))
    elif kind == "MultiStepLR":
        c.update(milestones=draw(st.lists(st.integers(0, 40), max_size=4)), gamma=draw(st.floats(0.1, 1.0)))
    elif kind == "PolyLR":
        c.update(eta_min=draw(st.sampled_from([0.0, 1e-4])), power=draw(st.sampled_from([0.5, 1.0, 2.0])))
    elif kind == "CosineAnnealingLR":
        c.update(T_max=draw(st.integers(1, 40)), eta_min=draw(st.sampled_from([0.0, 1e-4])))
    else:
        k = draw(st.integers(1, 3))
        c.update(periods=draw(st.lists(st.integers(1, 15), min_size=k, max_size=k)),
                 restart_weights=draw(st.lists(st.floats(0.1, 1.0), min_size=k, max_size=k)),
                 eta_min=draw(st.sampled_from([0.0, 1e-4])))
    return c


@given(c=one_config(by_epoch=False), base=bases)
def test_each_lr_scheduler_per_iteration(c, base):
    check([c], base, 100)


@given(c=one_config(by_epoch=True), base=bases, L=st.integers(1, 4), convert=st.booleans())
def test_each_lr_scheduler_per_epoch_and_converted(c, base, L, convert):
    if convert:
        c["convert_to_iter_based"] = True
    check([c], base, 120, epoch_length=L)


@given(c=one_config(by_epoch=False), base=st.floats(0.5, 0.99), adam=st.booleans())
def test_each_momentum_scheduler_writes_momentum_or_betas(c, base, adam):
    c = dict(c, type=c["type"].replace("LR", "Momentum"))
    check([c], base, 80, param="momentum", adam=adam)


@given(base=bases, w=st.integers(1, 30), total=st.integers(31, 90), eta=st.sampled_from([0.0, 1e-5]),
       start=st.floats(0.001, 0.5))
def test_classic_warmup_then_cosine(base, w, total, eta, start):
    cfg = [dict(type="LinearLR", start_factor=start, by_epoch=False, begin=0, end=w),
           dict(type="CosineAnnealingLR", T_max=total - w, eta_min=eta, by_epoch=False, begin=w, end=total)]
    check(cfg, base, total + 10)


def test_mmdet_famous_configs():
    # mmdet faster-rcnn 1x: per-iteration linear warmup over a per-epoch MultiStepLR (12 epochs,
    # milestones 8 and 11), 5 iterations per epoch here
    cfg = [dict(type="LinearLR", start_factor=0.001, by_epoch=False, begin=0, end=7),
           dict(type="MultiStepLR", begin=0, end=12, by_epoch=True, milestones=[8, 11], gamma=0.1)]
    s = check(cfg, 0.02, 70, epoch_length=5)
    # golden values by hand: 0.02 * (0.001 + 0.999 * t / 6) for t < 7, then 0.02, 0.002 from epoch 8
    for t, v in [(0, 2e-5), (3, 0.02 * (0.001 + 0.999 * 0.5)), (6, 0.02), (39, 0.02), (40, 0.002), (55, 0.0002)]:
        assert s(t) == pytest.approx(v, rel=1e-12)
    # mmpretrain / mmseg style: warmup by epoch converted to iterations, then cosine by epoch, converted
    cfg = [dict(type="LinearLR", start_factor=1e-3, by_epoch=True, begin=0, end=2, convert_to_iter_based=True),
           dict(type="CosineAnnealingLR", T_max=8, eta_min=1e-5, by_epoch=True, begin=2, end=10,
                convert_to_iter_based=True)]
    check(cfg, 0.1, 60, epoch_length=5)
    # mmseg PolyLR over iterations
    check([dict(type="PolyLR", eta_min=1e-4, power=0.9, begin=0, end=80, by_epoch=False)], 0.01, 90)
    # OneCycleLR
    check([dict(type="OneCycleLR", eta_max=0.1, total_steps=50, by_epoch=False)], 0.1, 50, scale=0.1)


def test_cosine_past_its_minimum_restarts_from_the_initial_value():
    # after a warmup that stops below the base, mmengine's recursion goes back up to `base`, not v_in
    cfg = [dict(type="ConstantLR", factor=0.5, by_epoch=False, begin=0, end=3),
           dict(type="CosineAnnealingLR", T_max=4, eta_min=0.01, by_epoch=False, begin=3, end=30)]
    check(cfg, 0.2, 30)


@given(base=st.sampled_from([0.1, 1.0]), factor=st.floats(0.1, 0.9), patience=st.integers(0, 3),
       metrics=st.lists(st.floats(0.0, 10.0), min_size=5, max_size=25))
def test_reduce_on_plateau(base, factor, patience, metrics):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=base, momentum=0.9)
    ref = S.ReduceOnPlateauLR(opt, factor=factor, patience=patience)
    want = []
    for m in metrics:
        want.append(opt.param_groups[0]["lr"])
        ref.step({"loss": m})
    s = M.ReduceOnPlateauLR(lr=base, factor=factor, patience=patience)
    st_, got = s.init(), []
    for t, m in enumerate(metrics):
        got.append(s.value(t, st_))
        st_ = s.update(st_, m)
    assert got == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("call, match", [
    (lambda: M.LinearLR(lr=0.1, start_factor=0.0), r"start_factor.*> 0.0"),
    (lambda: M.StepLR(lr=0.1, step_size=0), r"step_size.*>= 1"),
    (lambda: M.CosineRestartLR(lr=0.1, periods=[2]), r"eta_min.*exactly one"),
    (lambda: M.ConstantLR(lr=0.1, begin=5, end=5), r"end.*> begin = 5"),
    (lambda: M.LinearLR(lr=0.1, by_epoch=False, convert_to_iter_based=True, epoch_length=2),
     r"convert_to_iter_based.*by_epoch=False"),
    (lambda: M.param_scheduler([dict(type="CosineAnnealingLR", T_max=5, eta_min=0.1, by_epoch=False),
                                dict(type="LinearLR", by_epoch=False, end=3)], lr=0.1), r"overlaps"),
    (lambda: M.param_scheduler([dict(type="LinearLR", by_epoch=False, end=3)], momentum=0.9), r"type.*Momentum"),
    (lambda: M.param_scheduler([dict(type="LinearLR", by_epoch=False), dict(type="StepLR", step_size=2)], lr=0.1),
     r"epoch_length.*mixed"),
    (lambda: M.ExponentialLR(lr=[0.1]), r"lr.*per param group"),
])
def test_bad_arguments_name_the_parameter(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


@given(data=st.data(), name=st.sampled_from(sorted(n for n in M.__all__ if n not in ("INF",))))
def test_catalog_kwargs_draw_valid_arguments(data, name):
    fn = getattr(M, name)
    s = fn(**data.draw(catalog_kwargs(fn)))
    assert isinstance(s, (lrcore.Schedule, lrcore.PlateauSchedule))
