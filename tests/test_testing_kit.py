"""lrcore.testing (the public kit) and lrcore.compare, against the real frameworks.

Every framework object here is the real one (torch, paddle, jax/optax in this process; Keras in a
subprocess with KERAS_BACKEND=jax, as tests/test_adapter_keras.py runs it). Expected values come
from the formulas or from the peers' own schedulers, never from lrcore alone.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrcore
import lrcore.catalog as catalog
from lrcore.testing import TOLERANCES, assert_close, catalog_kwargs, schedules, trajectory
from lrcore.testing._catalog import NO_FORM
from lrcore.testing._strategies import boundaries_of

ROOT = Path(__file__).resolve().parent.parent


def cosine(t: int, lr: float = 0.1, n: int = 100, low: float = 0.0) -> float:
    return low + (lr - low) * (1 + math.cos(math.pi * min(t, n) / n)) / 2


# ------------------------------------------------------------------------------ trajectory

def test_trajectory_of_a_real_torch_scheduler_steps_it_like_a_training_loop():
    torch = pytest.importorskip("torch")
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    assert trajectory(sched, [0, 2, 3, 7]) == [0.1, 0.1, 0.05, 0.025]
    assert sched.last_epoch == 7  # stepped up to the last step asked for, no further


def test_torch_plateau_is_fed_the_metrics_and_matches_the_catalog():
    torch = pytest.importorskip("torch")
    metrics = [1.0, 0.9, 0.95, 0.97, 0.99, 0.5, 0.6, 0.7, 0.8, 0.9]
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1)
    want = trajectory(sched, 11, metrics=metrics)
    assert want[:4] == [0.1] * 4 and want[4] == 0.05  # two bad epochs after 0.9, then a reduction
    ps = catalog.torch.ReduceLROnPlateau(lr=0.1, factor=0.5, patience=1)
    assert trajectory(ps, 11, metrics=metrics) == want
    assert_close(ps, torch.optim.lr_scheduler.ReduceLROnPlateau(
        torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1), factor=0.5, patience=1), 11, metrics=metrics)
    with pytest.raises(ValueError, match=r"driven by a metric: pass `metrics`"):
        trajectory(ps, 3)
    with pytest.raises(ValueError, match=r"`metrics` has 2 values, but stepping to the last step needs 3"):
        trajectory(ps, 4, metrics=[1.0, 2.0])


def test_paddle_scheduler_against_the_catalog():
    paddle = pytest.importorskip("paddle")
    sched = paddle.optimizer.lr.CosineAnnealingDecay(learning_rate=0.1, T_max=50)
    got = trajectory(sched, 51)
    assert got[0] == 0.1 and got[50] == pytest.approx(0.0, abs=1e-15)
    assert_close(catalog.paddle.CosineAnnealingDecay(learning_rate=0.1, T_max=50),
                 paddle.optimizer.lr.CosineAnnealingDecay(learning_rate=0.1, T_max=50), steps=120)


def test_paddle_plateau():
    paddle = pytest.importorskip("paddle")
    metrics = [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5]
    sched = paddle.optimizer.lr.ReduceOnPlateau(learning_rate=1.0, factor=0.5, patience=1)
    assert_close(catalog.paddle.ReduceOnPlateau(learning_rate=1.0, factor=0.5, patience=1), sched, 8, metrics=metrics)


@pytest.mark.parametrize("jit", [False, True])
def test_optax_x64(jax_x64, jit):
    optax = pytest.importorskip("optax")
    f = optax.cosine_decay_schedule(init_value=0.1, decay_steps=100)
    f = jax_x64.jit(f) if jit else f
    got = trajectory(f, [0, 50, 100, 150])
    assert got == pytest.approx([cosine(t) for t in (0, 50, 100, 150)], rel=1e-12, abs=1e-300)
    assert_close(f, catalog.optax.cosine_decay_schedule(init_value=0.1, decay_steps=100), steps=160)


def test_optax_float32_gets_the_float32_tolerance(jax_x32):
    optax = pytest.importorskip("optax")
    f = jax_x32.jit(optax.warmup_cosine_decay_schedule(init_value=0.0, peak_value=0.1, warmup_steps=10, decay_steps=100))
    s = catalog.optax.warmup_cosine_decay_schedule(init_value=0.0, peak_value=0.1, warmup_steps=10, decay_steps=100)
    assert_close(f, s, steps=120)  # float32: within 16 float32 ulp
    with pytest.raises(AssertionError, match=r"steps differ \(rtol=1e-12, atol=0\.0, ulps=0\):\n  first step \d+: a="):
        assert_close(f, s, steps=120, rtol=1e-12)


def test_adapters_are_stepped_as_their_framework():
    torch = pytest.importorskip("torch")
    from lrcore.adapters.torch import ScheduleLR

    s = lrcore.Warmup(lrcore.Cosine(start_value=0.1, steps=90, end_value=1e-3), warmup_steps=10)
    opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    assert_close(s, ScheduleLR(opt, s), steps=120, rtol=0.0)  # bit for bit
    assert lrcore.compare(s, ScheduleLR(torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0), s), 120).equal


KERAS = textwrap.dedent("""
    import json, keras, lrcore
    from lrcore.catalog import keras as C
    from lrcore.testing import assert_close, trajectory
    k = keras.optimizers.schedules.CosineDecay(0.1, decay_steps=100, alpha=0.01)
    s = C.CosineDecay(0.1, decay_steps=100, alpha=0.01)
    assert_close(k, s, steps=150)
    try:
        assert_close(k, s, steps=150, rtol=1e-12)
    except AssertionError as e:
        report = str(e)
    print(json.dumps({"values": trajectory(k, [0, 50, 100]), "report": report}))
""")


def test_keras_schedule_in_a_subprocess():
    if importlib.util.find_spec("keras") is None:  # not imported here: keras picks its backend at import
        pytest.skip("keras is not installed")
    pytest.importorskip("jax")
    env = dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS="cpu", PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", KERAS], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["values"] == pytest.approx([cosine(t, low=0.001) for t in (0, 50, 100)], rel=1e-6)
    assert "phase cosine [0, 100)" in out["report"]


# ---------------------------------------------------------------------- the failure report

def test_report_names_first_and_worst_step_values_ulps_and_phases():
    s = lrcore.Warmup(lrcore.Cosine(start_value=0.1, steps=90), warmup_steps=10)
    other = lambda t: s(t) if t < 30 else s(t) * (1 + 1e-9 * (t - 29))  # noqa: E731 - drifts from step 30
    with pytest.raises(AssertionError) as info:
        assert_close(s, other, steps=60)
    text = str(info.value)
    assert text.startswith("30 of 60 steps differ (rtol=1e-12, atol=0.0, ulps=0):")
    first = f"first step 30: a={s(30)!r} b={other(30)!r}"
    worst = f"worst step 59: a={s(59)!r} b={other(59)!r}"
    assert first in text and worst in text
    assert text.count("; phase cosine [10, 100)") == 2
    import lrcore._compare as C
    assert f"ulps={C.ulp_distance(s(59), other(59))}" in text


def test_ulps_and_rtol_atol_tolerances():
    s = lrcore.Constant(value=0.1)
    one_up = math.nextafter(0.1, 1.0)
    assert_close(s, lambda t: one_up, steps=3, ulps=1)
    assert_close(s, lambda t: one_up, steps=3, atol=2e-17)
    with pytest.raises(AssertionError, match=r"first step 0: a=0\.1 b=0\.10000000000000002 .* ulps=1; phase constant \[0, inf\)\n"):
        assert_close(s, lambda t: one_up, steps=[0], ulps=0.5)


def test_tolerance_table_is_the_documented_one():
    from lrcore.testing import _assert

    assert TOLERANCES["float64"].rtol == TOLERANCES["jax_x64"].rtol == 1e-12
    assert TOLERANCES["float32"].rtol == 16 * 2.0**-23
    for line in ("rtol 1e-12, atol 0", "rtol 1e-12, atol 2.2e-308", "rtol 16 float32 ulp"):
        assert line in _assert.__doc__


# ---------------------------------------------- step-dependent tolerances, skip=, values

def drifting(s, rate: float):
    """`s` with a relative drift that grows linearly with the step (as a recursive peer drifts)."""
    return lambda t: s(t) * (1 + rate * t)


def test_atol_as_a_function_of_the_step():
    s = lrcore.Cosine(start_value=0.1, steps=400, end_value=0.01)
    peer = lambda t: s(t) + 2.0**-50 * t  # noqa: E731 - an absolute drift, plus the rounding of the sum
    assert_close(s, peer, steps=500, rtol=0.0, atol=lambda t: 2.0**-50 * t + 2.0**-56)
    with pytest.raises(AssertionError) as info:  # a constant atol that fits the first 100 steps does not fit later
        assert_close(s, peer, steps=500, rtol=0.0, atol=2.0**-50 * 100 + 2.0**-56)
    text = str(info.value)
    assert text.startswith(f"399 of 500 steps differ (rtol=0.0, atol={2.0**-50 * 100 + 2.0**-56!r}, ulps=0):")
    assert "first step 101: " in text and f"allowed={2.0**-50 * 100 + 2.0**-56!r} " in text
    with pytest.raises(AssertionError) as info:  # one step beyond what the callable allows
        assert_close(s, peer, steps=500, rtol=0.0, atol=lambda t: 2.0**-50 * t + 2.0**-56 if t != 250 else 0.0)
    assert str(info.value).startswith("1 of 500 steps differ (rtol=0.0, atol=test_atol_as_a_function_of_the_step."
                                      "<locals>.<lambda>(...), ulps=0):\n  first step 250: ")
    assert "allowed=0.0 " in str(info.value)


def test_rtol_as_a_function_of_the_step_and_tolerance_of_the_values():
    s = lrcore.Exponential(start_value=1.0, factor=0.5)
    peer = drifting(s, 1e-13)
    assert_close(s, peer, steps=200, rtol=lambda t: 1.01e-13 * t)
    with pytest.raises(AssertionError, match=r"^1 of 200 steps differ"):
        assert_close(s, peer, steps=200, rtol=lambda t: 1.01e-13 * t if t != 150 else 0.99e-13 * t)
    # f(t, a, b): an interval around the b side, [b - 0.01, b + 0.02], as an asymmetric bound
    lo, hi = 0.01, 0.02
    band = lambda t, a, b: hi if a > b else lo  # noqa: E731
    assert_close(lambda t: 0.5 + 0.019 * (t % 2) - 0.0099 * (t % 3 == 0), lambda t: 0.5, steps=12, atol=band)
    with pytest.raises(AssertionError, match=r"first step 0: a=0\.4899 b=0\.5 .* allowed=0\.01 "):
        assert_close(lambda t: 0.4899, lambda t: 0.5, steps=3, atol=band)
    assert_close([1.0, 2.0], [1.0, 2.5], steps=[3, 7], atol={3: 0.0, 7: 0.5}.__getitem__)  # no signature: f(t)
    with pytest.raises(AssertionError, match=r"first step 7: .* allowed=0\.4 "):
        assert_close([1.0, 2.0], [1.0, 2.5], steps=[3, 7], atol={3: 0.0, 7: 0.4}.__getitem__)
    seen = []
    assert_close([1.0, 2.0], [1.0, 2.5], steps=[3, 7], atol=lambda t, a, b: seen.append((t, a, b)) or 0.5)
    assert seen == [(7, 2.0, 2.5)]  # called only where the values differ, with the step and both values


@pytest.mark.parametrize("tol, err, match", [
    (lambda t: -1.0, ValueError, r"`atol\(t\)` must be a number >= 0 \(at step 1\), got atol\(t\)=-1\.0"),
    (lambda t, a, b: math.nan, ValueError, r"`atol\(t, a, b\)` must be a number >= 0 \(at step 1\), got atol\(t, a, b\)=nan"),
    (lambda t: "0.1", TypeError, r"`atol\(t\)` must be a number >= 0 \(at step 1\), got atol\(t\)='0\.1'"),
    (lambda t, a: 0.0, TypeError, r"`atol` must be a number >= 0, a callable of the step f\(t\) or of the step and both values f\(t, a, b\), got atol=<function"),
    (-0.5, ValueError, r"`atol` must be a number >= 0, got atol=-0\.5"),
])
def test_bad_tolerances_name_the_parameter(tol, err, match):
    with pytest.raises(err, match=match):
        assert_close(lambda t: 0.1, lambda t: 0.1 + t * 1e-9, steps=3, atol=tol)


def test_skip_steps_and_the_report_lists_them():
    """A peer wrong at known steps (here: every restart, as a peer that computes the cycle index
    with floor(log) is): skip them by set or predicate; the rest must still agree."""
    s = lrcore.Restart(lrcore.Cosine(start_value=1.0, steps=10), period_steps=10)
    restarts = {10, 20, 30}
    peer = lambda t: 0.0 if t in restarts else s(t)  # noqa: E731
    assert_close(s, peer, steps=35, skip=restarts)
    assert_close(s, peer, steps=35, skip=lambda t: t > 0 and t % 10 == 0)
    assert_close(s, peer, steps=range(5, 35, 5), skip=range(10, 31, 10))
    with pytest.raises(AssertionError) as info:
        assert_close(s, peer, steps=35, skip={10, 30})
    text = str(info.value)
    assert text.startswith("1 of 35 steps differ (rtol=1e-12, atol=0.0, ulps=0):\n  first step 20: a=1.0 b=0.0 ")
    assert text.endswith("\n  skipped 2 steps: [10, 30]")
    with pytest.raises(AssertionError, match=r"\n  skipped 12 steps: \[1, 3, 5, 7, 9, 11, 13, 15, 17, 19, \.\.\.\]$"):
        assert_close(s, peer, steps=25, skip=lambda t: t % 2 == 1)
    with pytest.raises(TypeError, match=r"`skip` must be a collection of steps or a predicate of the step, got skip=5"):
        assert_close(s, peer, steps=3, skip=5)
    r = lrcore.compare(s, peer, steps=35, skip=restarts)
    assert r.equal and r.skipped == (10, 20, 30) and r.max_abs == 0.0 and r.max_abs_step is None
    r = lrcore.compare(s, peer, steps=35, skip={10})
    assert not r.equal and r.first_step == 20 and r.skipped == (10,) and r.max_abs == 1.0


def test_values_computed_elsewhere_are_a_side():
    np = pytest.importorskip("numpy")
    s = lrcore.Warmup(lrcore.Cosine(start_value=0.1, steps=90), warmup_steps=10)
    steps = [0, 5, 10, 55, 100, 10**9]
    assert trajectory(s.evaluate(steps), steps) == [s(t) for t in steps]
    assert_close(s.evaluate(steps), s, steps=steps, rtol=0.0)  # numpy float64: bit for bit
    assert_close(tuple(s(t) for t in range(50)), s, steps=50, rtol=0.0)
    f32 = s.evaluate(np.asarray(steps, dtype=np.float32), dtype=np.float32)
    assert_close(f32, s, steps=steps)  # a float32 array gets the float32 default tolerance
    with pytest.raises(AssertionError, match=r"rtol=1e-12"):
        assert_close(f32, s, steps=steps, rtol=1e-12)
    with pytest.raises(ValueError, match=r"a sequence of values is the values at `steps`, one per step: got 6 values "
                                         r"for 5 steps"):
        assert_close(s.evaluate(steps), s, steps=5)
    with pytest.raises(AssertionError, match=r"^numpy vs s\(t\): 1 of 3 steps differ"):
        assert_close([0.0, 0.05, 0.2], s, steps=[0, 5, 10], msg="numpy vs s(t)")


# ------------------------------------------------------------------------- read= momentum

def test_read_momentum_of_torch_sgd_and_adam_betas():
    torch = pytest.importorskip("torch")
    L = torch.optim.lr_scheduler
    kw = dict(max_lr=1.0, total_steps=100, base_momentum=0.8, max_momentum=0.95)
    for opt in (torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9),
                torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=0.1)):
        sched = L.OneCycleLR(opt, **kw)
        m = trajectory(sched, [0, 29, 99], read="momentum")  # torch: the phases end at steps 29 and 99
        assert m == pytest.approx([0.95, 0.8, 0.95], rel=1e-15)
        key = "momentum" if "momentum" in opt.param_groups[0] else "betas"
        assert (opt.param_groups[0][key] if key == "momentum" else opt.param_groups[0][key][0]) == m[-1]
    sgd = lambda: torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)  # noqa: E731
    assert_close(L.OneCycleLR(sgd(), **kw), catalog.torch.OneCycleLR_momentum(**kw), steps=101, read="momentum",
                 rtol=1e-12, atol=2.0**-50 * 0.15)
    assert_close(catalog.torch.CyclicLR_momentum(base_lr=0.1, max_lr=1.0, step_size_up=4),
                 L.CyclicLR(sgd(), base_lr=0.1, max_lr=1.0, step_size_up=4), steps=30, read="momentum",
                 rtol=1e-12, atol=1e-15)
    with pytest.raises(AssertionError, match=r"^5 of 5 steps differ .*\n  first step 0: a=0\.04000"):  # the lr (max_lr / 25)
        assert_close(L.OneCycleLR(sgd(), **kw), catalog.torch.OneCycleLR_momentum(**kw), steps=5, rtol=1e-12)


def test_read_another_key_and_group_and_the_errors():
    torch = pytest.importorskip("torch")
    from lrcore.adapters.torch import ScheduleLR

    p, q = torch.nn.Parameter(torch.zeros(1)), torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.AdamW([{"params": [p]}, {"params": [q], "lr": 0.5}], lr=0.1, weight_decay=0.01)
    wd = lrcore.Linear(start_value=0.01, end_value=0.0, steps=10)
    s = lrcore.Cosine(start_value=1.0, steps=10)
    assert_close(ScheduleLR(opt, s, extra={"weight_decay": wd}), wd, steps=12, read="weight_decay", group=1, rtol=0.0)
    opt2 = torch.optim.SGD([{"params": [p]}, {"params": [q], "lr": 0.5}], lr=0.1)
    assert trajectory(torch.optim.lr_scheduler.StepLR(opt2, 2, gamma=0.5), 4, group=1) == [0.5, 0.5, 0.25, 0.25]
    sched = torch.optim.lr_scheduler.StepLR(torch.optim.SGD([p], lr=0.1), 2)
    with pytest.raises(ValueError, match=r"`read`: param group 0 has no 'betas' \(it has .*dampening.*lr.*\), "
                                         r"got read='betas'"):
        trajectory(sched, 3, read="betas")
    with pytest.raises(ValueError, match=r"`group` must be the index of a param group \(the optimizer has 1\), got group=3"):
        trajectory(sched, 3, group=3)
    with pytest.raises(ValueError, match=r"`read`: a lrcore schedule gives one value per step, its lr; only a torch "
                                         r"LRScheduler's param groups hold other hyperparameters, got read='momentum'"):
        trajectory(s, 3, read="momentum")
    with pytest.raises(ValueError, match=r"`read`: only a torch LRScheduler side has hyperparameters beside the lr, "
                                         r"got read='momentum'"):
        assert_close(s, lambda t: s(t), steps=3, read="momentum")


# ------------------------------------------------------------------------------ compare

def test_compare_result():
    a = lrcore.catalog.torch.StepLR(lr=0.1, step_size=10, gamma=0.5)
    b = lrcore.Linear(start_value=0.1, end_value=0.0, steps=40)
    r = lrcore.compare(a, b, steps=51)
    av = [0.1 * 0.5 ** (t // 10) for t in range(51)]
    bv = [0.1 * (1 - min(t, 40) / 40) for t in range(51)]
    d = [abs(x - y) for x, y in zip(av, bv)]
    assert not r.equal and r.first_step == 1
    assert r.max_abs_step == d.index(max(d)) and r.max_abs == pytest.approx(max(d), rel=1e-12)
    assert r.max_rel == 1.0 and r.max_rel_step == 40
    assert lrcore.compare(a, a, steps=[0, 5, 10**6]).equal
    assert lrcore.compare(a, lambda t: a(t) * (1 + 1e-13), 30, rtol=1e-12).equal
    with pytest.raises(ValueError, match=r"compare: `rtol` must be a number >= 0 or a callable, got rtol=-1"):
        lrcore.compare(a, a, 3, rtol=-1)
    with pytest.raises(ValueError, match=r"`steps` must be increasing ints >= 0, got 3 at index 1"):
        lrcore.compare(a, a, [5, 3])


def test_nothing_heavy_is_imported():
    code = ("import sys, lrcore; r = lrcore.compare(lrcore.Constant(value=1.0), lambda t: 1.0, 5); "
            "import lrcore.testing; from lrcore.testing import assert_close; assert_close(lambda t: 1.0, lambda t: 1.0, 3); "
            "print(sorted(m for m in ('numpy', 'torch', 'jax', 'paddle', 'keras', 'hypothesis', 'lrcore.testing._strategies') "
            "if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


# ------------------------------------------------------------------------------ strategies

def _walk(s):
    yield s
    for c in s.children():
        yield from _walk(c)


@lrcore.register(package="kit_test")
class Budget(lrcore.Schedule):
    """A custom node: declared fields only (bounds naming an earlier field included)."""

    peak_value: float = lrcore.field(gt=0.0)
    end_value: float = lrcore.field(0.0, ge=0.0, le="peak_value")
    budget: int = lrcore.field(ge=1)
    shape: str = lrcore.field("cosine", choices=("linear", "cosine"))

    def formula(self, t, xp):
        r = xp.div(xp.maximum(float(self.budget) - t, 0.0), float(self.budget))
        if self.shape == "cosine":
            r = xp.sin(0.5 * math.pi * r) ** 2
        return self.end_value + (self.peak_value - self.end_value) * r

    @property
    def duration(self):
        return self.budget


@settings(max_examples=40)
@given(schedules(max_depth=2, nodes=[Budget, lrcore.Linear, lrcore.Warmup, lrcore.Restart], max_steps=300))
def test_schedules_with_a_custom_node_from_its_fields(s):
    kinds = {type(n) for n in _walk(s)}
    assert kinds <= {Budget, lrcore.Linear, lrcore.Warmup, lrcore.Restart, lrcore.Sequential, lrcore.Constant}
    for n in _walk(s):
        if isinstance(n, Budget):
            assert 1 <= n.budget <= 300 and 0.0 <= n.end_value <= n.peak_value
    assert lrcore.loads(lrcore.dumps(s)) == s
    assert math.isfinite(s(max(boundaries_of(s)) + 1))


@settings(max_examples=30)
@given(schedules(max_depth=3, max_steps=500))
def test_max_steps_caps_every_step_parameter(s):
    for n in _walk(s):
        for name in ("steps", "warmup_steps", "decay_steps", "stable_steps", "total_steps", "up_steps"):
            v = getattr(n, name, None)
            if isinstance(v, int) and not isinstance(n, (lrcore.Shift,)):
                assert v <= 500, (name, n)
        for name in ("milestones", "boundaries"):
            assert all(b <= 500 for b in getattr(n, name, None) or ())


@settings(max_examples=20)
@given(schedules(max_depth=1, nodes={Budget: st.builds(Budget, peak_value=st.just(1.0), budget=st.integers(5, 9)),
                                     lrcore.Warmup: None}))
def test_a_given_strategy_is_used_for_a_custom_node(s):
    b = s.schedule if isinstance(s, lrcore.Warmup) else s
    assert isinstance(b, Budget) and b.peak_value == 1.0 and 5 <= b.budget <= 9


def test_schedules_bad_arguments():
    with pytest.raises(ValueError, match=r"`nodes` needs at least one node without schedule fields"):
        schedules(nodes=[lrcore.Warmup])
    with pytest.raises(ValueError, match=r"`max_steps` must be >= 100, got max_steps=5"):
        schedules(max_steps=5)


def _constructors():
    out = []
    for m in catalog.__all__:
        mod = importlib.import_module(f"lrcore.catalog.{m}")
        for name in mod.__all__:
            fn = getattr(mod, name)
            if callable(fn) and not inspect.isclass(fn) and f"{m}.{name}" not in NO_FORM:
                out.append(pytest.param(fn, id=f"{m}.{name}"))
    return out


@pytest.mark.parametrize("fn", _constructors())
def test_catalog_kwargs_always_construct(fn):
    @settings(max_examples=25)
    @given(catalog_kwargs(fn))
    def run(kwargs):
        s = fn(**kwargs)
        assert isinstance(s, (lrcore.Schedule, lrcore.PlateauSchedule)) or type(s).__name__ == "OptaxPlateau"

    run()


def test_catalog_kwargs_refuses_a_constructor_with_no_form():
    with pytest.raises(ValueError, match=r"get_greedy_schedule has no lrcore form"):
        catalog_kwargs(catalog.transformers.get_greedy_schedule)


@settings(max_examples=15)
@given(kwargs=catalog_kwargs(catalog.torch.CosineAnnealingWarmRestarts))
def test_catalog_kwargs_drive_a_real_torch_scheduler(kwargs):
    torch = pytest.importorskip("torch")
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=kwargs["lr"])
    real = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, **{k: v for k, v in kwargs.items() if k != "lr"})
    assert_close(real, catalog.torch.CosineAnnealingWarmRestarts(**kwargs), steps=200, atol=2.0**-50 * kwargs["lr"],
                 rtol=1e-12)
