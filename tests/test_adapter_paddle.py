"""lrcore.adapters.paddle.ScheduleLR inside real paddle optimizers, checkpoints and static programs."""

from __future__ import annotations

import copy
import doctest
import json
import math
import os
import pickle
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lrcore
from lrcore.catalog import paddle as C

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # "No ccache found", printed by paddle's import
    paddle = pytest.importorskip("paddle")
from lrcore.adapters import paddle as adapter  # noqa: E402
from lrcore.adapters.paddle import PlateauScheduleLR, ScheduleChangedError, ScheduleLR  # noqa: E402

P = paddle.optimizer.lr
ROOT = Path(__file__).resolve().parent.parent
RTOL = 1e-12


def warmup_cosine(steps=40, peak=0.1, warmup=5):
    return lrcore.Warmup(lrcore.Cosine(start_value=peak, steps=steps, end_value=peak / 100), warmup_steps=warmup)


SCHEDULES = {
    "warmup_cosine": warmup_cosine(),
    "onecycle": C.OneCycleLR(max_learning_rate=0.05, total_steps=30),
    "step": C.StepDecay(learning_rate=0.1, step_size=4, gamma=0.5),
    "cyclic": C.CyclicLR(base_learning_rate=0.01, max_learning_rate=0.1, step_size_up=3, mode="triangular2"),
    "sgdr": C.CosineAnnealingWarmRestarts(learning_rate=0.1, T_0=3, T_mult=2, eta_min=0.001),
    "poly_cycle": C.PolynomialDecay(learning_rate=0.1, decay_steps=7, end_lr=0.0, cycle=True),
    "lambda": C.LambdaDecay(learning_rate=0.1, lr_lambda=lambda t: 0.9**t),
}


# ----------------------------------------------------------------------------- the scheduler itself

@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_paddle_step_convention(name):
    s = SCHEDULES[name]
    sched = ScheduleLR(s)
    assert isinstance(sched, P.LRScheduler) and not isinstance(sched, PlateauScheduleLR)
    assert sched.last_epoch == 0 and sched() == s(0)  # right after construction: the rate of update 0
    for k in range(1, 40):
        sched.step()
        assert sched.last_epoch == k
        assert sched() == sched.last_lr == sched.get_lr() == s(k)
        assert type(sched()) is float


@given(name=st.sampled_from(sorted(SCHEDULES)), lr=st.floats(1e-4, 10.0), epochs=st.lists(st.integers(0, 10**6), max_size=6))
def test_factor_mode_and_step_epoch(name, lr, epochs):
    s = SCHEDULES[name]
    sched = ScheduleLR(s, learning_rate=lr, mode="factor")
    assert sched.base_lr == lr and sched() == lr * s(0)
    for e in epochs:  # step(epoch) jumps anywhere: the rate is a closed form of the step
        sched.step(e)
        assert sched.last_epoch == e and sched() == lr * s(e)
    sched.step()
    assert sched() == lr * s(sched.last_epoch)


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(schedule=0.1), TypeError, "ScheduleLR: `schedule` must be an lrcore Schedule"),
    (dict(schedule=P.StepDecay(0.1, 3)), TypeError, "a paddle scheduler is not an lrcore schedule; see lrcore.catalog.paddle"),
    (dict(schedule=warmup_cosine(), mode="relative"), ValueError, "`mode` must be one of 'absolute', 'factor', got mode='relative'"),
    (dict(schedule=warmup_cosine(), learning_rate=0.1), ValueError, "with mode='absolute' the schedule's values are the rates"),
    (dict(schedule=warmup_cosine(), learning_rate=-1.0, mode="factor"), ValueError, "`learning_rate` must be a number >= 0"),
    (dict(schedule=warmup_cosine(), learning_rate="1", mode="factor"), TypeError, "`learning_rate` must be a number >= 0"),
    (dict(schedule=warmup_cosine(), allow_schedule_change=1), TypeError, "`allow_schedule_change` must be a bool"),
    (dict(schedule=warmup_cosine(), last_epoch=-2), ValueError, "`last_epoch` must be an int >= -1"),
])
def test_bad_arguments(kwargs, exc, match):
    s = kwargs.pop("schedule")
    with pytest.raises(exc, match=re.escape(match)):
        ScheduleLR(s, **kwargs)


def test_step_checks_epoch():
    sched = ScheduleLR(warmup_cosine())
    with pytest.raises(ValueError, match=re.escape("`epoch` must be an int >= 0, got epoch=0.25; a metric? only a schedule "
                                                   "scaled by lrcore.Plateau takes one")):
        sched.step(0.25)
    with pytest.raises(ValueError, match="`epoch` must be an int >= 0, got epoch=-1"):
        sched.step(-1)
    assert sched.last_epoch == 0


def test_last_epoch_and_verbose(capsys):
    s = warmup_cosine()
    sched = ScheduleLR(s, last_epoch=9, verbose=True)
    assert sched.last_epoch == 10 and sched() == s(10)
    sched.step()
    out = capsys.readouterr().out
    assert f"Epoch 11: ScheduleLR set learning rate to {s(11)}." in out


def test_deepcopy_and_pickle_continue_identically():
    s = warmup_cosine()
    sched = ScheduleLR(s)
    for _ in range(7):
        sched.step()
    for twin in (copy.deepcopy(sched), pickle.loads(pickle.dumps(sched))):
        rates = []
        for _ in range(10):
            twin.step()
            rates.append(twin())
        assert rates == [s(t) for t in range(8, 18)]
    assert sched.last_epoch == 7  # the original is untouched


def test_module_doctests():
    result = doctest.testmod(adapter, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 8 and result.failed == 0


# ----------------------------------------------------------------------------- inside optimizers

OPTIMIZERS = {
    "SGD": lambda lr, params: paddle.optimizer.SGD(learning_rate=lr, parameters=params),
    "Momentum": lambda lr, params: paddle.optimizer.Momentum(learning_rate=lr, momentum=0.9, parameters=params),
    "Adam": lambda lr, params: paddle.optimizer.Adam(learning_rate=lr, parameters=params),
    "AdamW": lambda lr, params: paddle.optimizer.AdamW(learning_rate=lr, parameters=params, weight_decay=0.01),
}


def _model(seed):
    paddle.seed(seed)
    return paddle.nn.Sequential(paddle.nn.Linear(4, 8), paddle.nn.Tanh(), paddle.nn.Linear(8, 1))


def _batch(t):
    rng = np.random.default_rng(t)
    x = rng.normal(size=(6, 4)).astype("float32")
    return paddle.to_tensor(x), paddle.to_tensor(np.sin(x.sum(axis=1, keepdims=True)).astype("float32"))


def _train(model, opt, sched, steps, start=0, metric=False):
    """Run updates start..start+steps-1; returns (rates used, losses, parameters after each update)."""
    rates, losses, params = [], [], []
    for t in range(start, start + steps):
        x, y = _batch(t)
        loss = paddle.mean((model(x) - y) ** 2)
        loss.backward()
        rates.append(opt.get_lr())
        opt.step()
        opt.clear_grad()
        losses.append(float(loss))
        sched.step(float(loss)) if metric else sched.step()
        params.append([p.numpy().copy() for p in model.parameters()])
    return rates, losses, params


@pytest.mark.parametrize("opt_name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("name", ["warmup_cosine", "onecycle", "sgdr", "poly_cycle"])
def test_optimizer_get_lr_is_the_schedule_at_every_step(opt_name, name):
    s = SCHEDULES[name]
    model = _model(0)
    sched = ScheduleLR(s)
    opt = OPTIMIZERS[opt_name](sched, model.parameters())
    assert opt._learning_rate is sched
    rates, losses, _ = _train(model, opt, sched, 30)
    assert rates == [s(t) for t in range(30)]
    assert all(math.isfinite(v) for v in losses)


def test_sgd_update_uses_the_rate_and_group_multipliers():
    """The rate reaches the update (as paddle's float32 lr variable), times each group's multiplier."""
    s = warmup_cosine(peak=0.5)
    w1 = paddle.create_parameter([3], "float32", default_initializer=paddle.nn.initializer.Constant(1.0))
    w2 = paddle.create_parameter([3], "float32", default_initializer=paddle.nn.initializer.Constant(1.0))
    sched = ScheduleLR(s)
    opt = paddle.optimizer.SGD(learning_rate=sched, parameters=[{"params": [w1]}, {"params": [w2], "learning_rate": 0.1}])
    g = np.array([1.0, -2.0, 0.5], dtype="float32")
    for t in range(12):
        before = w1.numpy().copy(), w2.numpy().copy()
        ((w1 * paddle.to_tensor(g)).sum() + (w2 * paddle.to_tensor(g)).sum()).backward()
        opt.step()
        opt.clear_grad()
        lr = np.float32(s(t))
        np.testing.assert_allclose(w1.numpy(), before[0] - lr * g, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(w2.numpy(), before[1] - np.float32(s(t) * 0.1) * g, rtol=1e-6, atol=1e-7)
        sched.step()


def test_paddle_linear_warmup_can_wrap_a_schedule_lr():
    """paddle's LinearWarmup steps its inner scheduler with step(t - W): ScheduleLR takes that."""
    w = 4
    ps = P.LinearWarmup(ScheduleLR(SCHEDULES["step"]), w, 0.0, 0.1)
    s = C.LinearWarmup(learning_rate=SCHEDULES["step"], warmup_steps=w, start_lr=0.0, end_lr=0.1)
    for t in range(30):
        assert abs(ps() - s(t)) <= RTOL * abs(s(t)), t
        ps.step()
    state = ps.state_dict()
    assert state["LinearWarmup_LR"]["last_epoch"] == 30 - w  # outer step 30
    json.dumps(state)


# ----------------------------------------------------------------------------- checkpoints

def _fresh(opt_name, s, seed, **kw):
    with paddle.utils.unique_name.guard():  # paddle keys optimizer state by parameter names
        model = _model(seed)
        sched = ScheduleLR(s, **kw)
        return model, OPTIMIZERS[opt_name](sched, model.parameters()), sched


def _resume_run(opt_name, s, tmp_path, metric=False, **kw):
    """20 updates straight, and 10 + save/load into fresh objects + 10: (straight, resumed)."""
    with paddle.utils.unique_name.guard():
        model, opt, sched = _fresh(opt_name, s, 0, **kw)
        straight = _train(model, opt, sched, 20, metric=metric)
    with paddle.utils.unique_name.guard():
        model, opt, sched = _fresh(opt_name, s, 0, **kw)
        first = _train(model, opt, sched, 10, metric=metric)
        paddle.save(opt.state_dict(), str(tmp_path / "opt.pdopt"))
        paddle.save(model.state_dict(), str(tmp_path / "model.pdparams"))
    with paddle.utils.unique_name.guard():
        model, opt, sched = _fresh(opt_name, s, 1, **kw)  # another init: the checkpoint must restore it
        model.set_state_dict(paddle.load(str(tmp_path / "model.pdparams")))
        opt.set_state_dict(paddle.load(str(tmp_path / "opt.pdopt")))
        assert sched.last_epoch == 10
        second = _train(model, opt, sched, 10, start=10, metric=metric)
    resumed = tuple(a + b for a, b in zip(first, second))
    return straight, resumed


@pytest.mark.parametrize("opt_name", sorted(OPTIMIZERS))
def test_checkpoint_mid_run_resumes_identically(opt_name, tmp_path):
    s = SCHEDULES["sgdr"]
    straight, resumed = _resume_run(opt_name, s, tmp_path)
    assert resumed[0] == straight[0] == [s(t) for t in range(20)]
    assert resumed[1] == straight[1]  # losses
    for a, b in zip(resumed[2], straight[2]):  # parameters, bit for bit
        assert all(np.array_equal(x, y) for x, y in zip(a, b))


@pytest.mark.parametrize("make", [
    lambda: C.ReduceOnPlateau(learning_rate=0.05, factor=0.5, patience=1, cooldown=1),
    lambda: warmup_cosine() * lrcore.Plateau(factor=0.5, patience=0, threshold=0.5),
], ids=["paddle_rule", "cosine_times_torch_rule"])
def test_checkpoint_mid_run_with_a_plateau(make, tmp_path):
    straight, resumed = _resume_run("Adam", make(), tmp_path, metric=True)
    assert resumed[0] == straight[0] and resumed[1] == straight[1]
    assert len(set(straight[0])) > 3  # the plateau did cut the rate during the run


def test_factor_mode_checkpoint(tmp_path):
    s = SCHEDULES["onecycle"]
    straight, resumed = _resume_run("AdamW", s, tmp_path, learning_rate=2.0, mode="factor")
    assert resumed[0] == straight[0] == [2.0 * s(t) for t in range(20)]


def _plain(x):
    if isinstance(x, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in x.items())
    if isinstance(x, list):
        return all(_plain(v) for v in x)
    return x is None or type(x) in (bool, int, float, str)


def test_state_dict_is_plain_data_listed_by_state_keys():
    sched = ScheduleLR(C.ReduceOnPlateau(learning_rate=0.1, patience=0))
    sd = sched.state_dict()
    sched.state_keys()
    assert list(sd) == sched.keys == ["last_epoch", "last_lr", "lrcore_format", "lrcore_schedule", "lrcore_fingerprint",
                                      "lrcore_mode", "lrcore_learning_rate", "lrcore_plateau"]
    assert _plain(sd) and json.loads(json.dumps(sd)) == sd
    assert sd["lrcore_plateau"] == {"best": None, "num_bad": 0, "cooldown": 0, "scale": 1.0}
    assert lrcore.from_config(sd["lrcore_schedule"]) == sched.schedule
    for m in (3.0, 4.0, 5.0):
        sched.step(m)
    sd = sched.state_dict()
    assert sd["lrcore_plateau"] == {"best": 3.0, "num_bad": 0, "cooldown": 0, "scale": 0.1 * 0.1}
    assert sd["last_epoch"] == 3 and sd["last_lr"] == sched() == 0.1 * (0.1 * 0.1)
    sd["lrcore_schedule"]["plateau"]["factor"] = 0.5  # a copy: the scheduler's own state is untouched
    assert sched.state_dict()["lrcore_schedule"]["plateau"]["factor"] == 0.1


def _saved(s, steps=5, **kw):
    sched = ScheduleLR(s, **kw)
    for _ in range(steps):
        sched.step()
    return sched.state_dict()


def test_changed_schedule_raises_naming_what_changed():
    old = lrcore.Warmup(lrcore.Cosine(start_value=0.1, steps=100), warmup_steps=10)
    new = lrcore.Warmup(lrcore.Cosine(start_value=0.1, steps=200), warmup_steps=10)
    sd = _saved(old)
    sched = ScheduleLR(new)
    with pytest.raises(ScheduleChangedError, match=re.escape("schedule.schedule.steps: 100 -> 200")) as info:
        sched.set_state_dict(sd)
    assert info.value.changes == ["schedule.schedule.steps: 100 -> 200"]
    assert "allow_schedule_change=True" in str(info.value)
    assert sched.last_epoch == 0  # nothing was loaded
    # through the optimizer, as paddle restores it
    model = _model(0)
    opt = paddle.optimizer.SGD(learning_rate=sched, parameters=model.parameters())
    with pytest.raises(ScheduleChangedError, match="steps: 100 -> 200"):
        opt.set_state_dict({"LR_Scheduler": sd})
    # on purpose: the step count is kept and the new schedule continues from it
    sched.set_state_dict(sd, allow_schedule_change=True)
    assert sched.last_epoch == 5 and sched() == new(5)
    sched2 = ScheduleLR(new, allow_schedule_change=True)
    sched2.set_dict(sd)  # paddle's alias
    assert sched2.last_epoch == 5 and sched2() == new(5)


@pytest.mark.parametrize("saved_kw, now, now_kw, match", [
    (dict(), C.CosineAnnealingDecay(learning_rate=0.1, T_max=10), dict(),
     "schedule: Warmup(schedule=Cosine(start_value=0.1"),
    (dict(), warmup_cosine(peak=0.2), dict(), "schedule.schedule.start_value: 0.1 -> 0.2"),
    (dict(), warmup_cosine(), dict(learning_rate=0.5, mode="factor"), "mode: 'absolute' -> 'factor'"),
    (dict(learning_rate=0.5, mode="factor"), warmup_cosine(), dict(learning_rate=0.25, mode="factor"),
     "learning_rate: 0.5 -> 0.25"),
])
def test_other_changes_raise(saved_kw, now, now_kw, match):
    sd = _saved(warmup_cosine(), **saved_kw)
    with pytest.raises(ScheduleChangedError, match=re.escape(match)):
        ScheduleLR(now, **now_kw).set_state_dict(sd)


def test_changed_function_schedule_raises_by_fingerprint():
    sd = _saved(C.LambdaDecay(learning_rate=0.1, lr_lambda=lambda t: 0.9**t))
    assert sd["lrcore_schedule"] is None  # a lambda is not storable: only its fingerprint is
    same = ScheduleLR(C.LambdaDecay(learning_rate=0.1, lr_lambda=lambda t: 0.9**t))
    same.set_state_dict(sd)  # the same code: the same fingerprint
    assert same.last_epoch == 5
    with pytest.raises(ScheduleChangedError, match="the fields cannot be compared"):
        ScheduleLR(C.LambdaDecay(learning_rate=0.1, lr_lambda=lambda t: 0.8**t)).set_state_dict(sd)


def test_not_a_schedule_lr_state_dict():
    ps = P.StepDecay(0.1, 3)
    with pytest.raises(ValueError, match="not a ScheduleLR state_dict"):
        ScheduleLR(warmup_cosine()).set_state_dict(ps.state_dict())
    sd = _saved(warmup_cosine())
    sd["lrcore_format"] = "something/9"
    with pytest.raises(ValueError, match="unknown state format 'something/9'"):
        ScheduleLR(warmup_cosine()).set_state_dict(sd)


# ----------------------------------------------------------------------------- plateau

metric_streams = st.lists(st.floats(0.0, 10.0), min_size=1, max_size=60)


@given(lr=st.floats(1e-4, 1.0), mode=st.sampled_from(["min", "max"]), factor=st.floats(0.05, 0.95),
       patience=st.integers(0, 4), threshold=st.sampled_from([0.0, 1e-4, 0.2]), threshold_mode=st.sampled_from(["rel", "abs"]),
       cooldown=st.integers(0, 3), min_frac=st.sampled_from([0.0, 0.05]), epsilon=st.sampled_from([0.0, 1e-8]),
       metrics=metric_streams, walk=st.booleans())
def test_plateau_schedule_lr_against_paddle_reduce_on_plateau(lr, mode, factor, patience, threshold, threshold_mode,
                                                              cooldown, min_frac, epsilon, metrics, walk):
    if walk:
        metrics = list(np.cumsum(np.asarray(metrics) - 5.0) / 5.0 + 10.0)
    kw = dict(mode=mode, factor=factor, patience=patience, threshold=threshold, threshold_mode=threshold_mode,
              cooldown=cooldown, min_lr=lr * min_frac, epsilon=epsilon)
    ps = P.ReduceOnPlateau(lr, **kw)
    sched = ScheduleLR(C.ReduceOnPlateau(learning_rate=lr, **kw))
    assert isinstance(sched, PlateauScheduleLR) and isinstance(sched, P.ReduceOnPlateau)
    assert sched() == ps()
    for m in metrics:
        ps.step(float(m))
        sched.step(float(m))
        assert sched.last_epoch == ps.last_epoch
        assert abs(sched() - ps()) <= RTOL * ps(), (m, ps(), sched())
        assert (sched.best, sched.num_bad_epochs, sched.cooldown_counter) == (ps.best, ps.num_bad_epochs, ps.cooldown_counter)


def test_plateau_inside_an_optimizer_and_metric_types():
    s = warmup_cosine()
    plateau = lrcore.Plateau(factor=0.5, patience=0)
    sched = ScheduleLR(s * plateau)
    model = _model(0)
    opt = paddle.optimizer.Momentum(learning_rate=sched, parameters=model.parameters())
    state = plateau.init()
    metrics = [1.0, np.float32(2.0), np.array([0.5]), paddle.to_tensor([3.0]), paddle.to_tensor(0.25), 7]
    for t, m in enumerate(metrics):
        assert opt.get_lr() == s(t) * state.scale
        sched.step(m)
        state = plateau.update(state, float(np.asarray(m.numpy() if hasattr(m, "numpy") else m).reshape(-1)[0]))
    assert sched.scale == state.scale == 0.125  # cut after 2.0, 3.0 and 7 (patience 0)
    sched.step()  # no metric: only advances
    assert sched.last_epoch == len(metrics) + 1 and sched.scale == 0.125
    with pytest.raises(ValueError, match="the size of metrics must be 1"):
        sched.step(np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match="metrics must be a number"):
        sched.step("1.0")


def test_plateau_class_checks():
    with pytest.raises(TypeError, match="PlateauScheduleLR: `schedule` must be schedule \\* lrcore.Plateau"):
        PlateauScheduleLR(warmup_cosine())
    assert type(ScheduleLR(schedule=warmup_cosine() * lrcore.Plateau())).__name__ == "PlateauScheduleLR"


# ----------------------------------------------------------------------------- static mode

STATIC_SCRIPT = r"""
import json, sys, warnings
warnings.simplefilter("ignore")
import numpy as np
import paddle
import lrcore
from lrcore.catalog import paddle as C
from lrcore.adapters.paddle import ScheduleLR

s = C.LinearWarmup(learning_rate=C.CosineAnnealingDecay(learning_rate=0.1, T_max=12), warmup_steps=4,
                   start_lr=0.0, end_lr=0.1)
paddle.enable_static()
try:
    main, startup = paddle.static.Program(), paddle.static.Program()
    with paddle.static.program_guard(main, startup):
        x = paddle.static.data(name="x", shape=[None, 3], dtype="float32")
        w = paddle.create_parameter([3, 1], "float32", default_initializer=paddle.nn.initializer.Constant(1.0))
        loss = paddle.mean(paddle.matmul(x, w))
        sched = ScheduleLR(s)
        opt = paddle.optimizer.SGD(learning_rate=sched)
        opt.minimize(loss)
    exe = paddle.static.Executor(paddle.CPUPlace())
    exe.run(startup)
    rows = []
    for t in range(20):
        before = np.array(exe.run(main, feed={"x": np.zeros((2, 3), "float32")}, fetch_list=[w])[0])
        lr_var, after = exe.run(main, feed={"x": np.ones((2, 3), "float32")}, fetch_list=[main.lr_var, w])
        rows.append([t, float(np.asarray(lr_var)), s(t), float(np.asarray(before)[0, 0] - np.asarray(after)[0, 0])])
        sched.step()
finally:
    paddle.disable_static()
json.dump(rows, sys.stdout)
"""


def test_static_mode_program_follows_the_schedule():
    """An Executor-run static program: paddle writes sched() into its lr variable at every run."""
    env = dict(os.environ, PYTHONWARNINGS="ignore", GLOG_minloglevel="2")
    proc = subprocess.run([sys.executable, "-c", STATIC_SCRIPT], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(rows) == 20
    for t, lr_var, want, step in rows:
        # the lr variable is float32; the first run (zero inputs, zero gradient) leaves w alone,
        # the second moves it by lr * gradient, and d mean(x @ w) / dw = 1 for x of ones
        assert lr_var == float(np.float32(want)), t
        assert step == pytest.approx(float(np.float32(want)), rel=1e-6, abs=1e-9), t


# ----------------------------------------------------------------------------- the example

def test_example_trains_resumes_and_follows_the_schedule():
    env = dict(os.environ, PYTHONWARNINGS="ignore", GLOG_minloglevel="2")
    steps = 120
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "paddle_train.py"), "--steps", str(steps)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import paddle_train
    finally:
        sys.path.pop(0)
    s = paddle_train.make_schedule(steps)
    rows = [(int(a), float(b), float(c)) for a, b, c in
            re.findall(r"^step\s+(\d+)\s+lr (\S+)\s+loss (\S+)$", out, flags=re.M)]
    assert [t for t, _, _ in rows] == list(range(0, steps // 2, 12)) + [59] + list(range(60, steps, 12)) + [119]
    for t, lr, _ in rows:
        assert lr == pytest.approx(s(t), rel=1e-6, abs=1e-12), t
    assert "resumed at step 60: the scheduler is at step 60" in out
    first, last = rows[0][2], rows[-1][2]
    assert last < first / 3  # it learned
    phases = out.split("schedule phases:")[1]
    assert "warmup linear" in phases and "cosine" in phases


def test_example_rejects_too_few_steps():
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "paddle_train.py"), "--steps", "1"], capture_output=True,
                          text=True, cwd=ROOT, timeout=120, check=False)
    assert proc.returncode == 2 and "--steps must be >= 2" in proc.stderr
