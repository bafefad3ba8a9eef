"""lrcore.adapters.torch.ScheduleLR inside real torch optimizers (torch 2.13, CPU; no mocks).

What the optimizer uses is read by an optimizer step pre-hook (inside ``optimizer.step()``), and
held against the schedule evaluated by lrcore's scalar path, exactly: a float lr is ``s(t)``
itself, a float32 tensor lr is ``s(t)`` rounded to float32. Side-by-side oracles are torch's own
schedulers: LambdaLR (the factor mode is its closed form), CyclicLR (momentum and betas cycling)
and ReduceLROnPlateau (the metric-driven form).
"""

from __future__ import annotations

import copy
import doctest
import io
import math
import pickle
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

import lrcore  # noqa: E402
import lrcore.adapters.torch as adapter  # noqa: E402
from lrcore import Constant, Cosine, Cyclic, Linear, Plateau, Sequential, Warmup  # noqa: E402
from lrcore.adapters.torch import PlateauScheduleLR, ScheduleChangedError, ScheduleLR  # noqa: E402

try:
    from strategies import schedules
except ImportError:  # pragma: no cover - the shared strategies module is optional
    _leaf = st.one_of(
        st.builds(lambda a, n: Cosine(start_value=a, steps=n), st.floats(1e-4, 1.0), st.integers(1, 50)),
        st.builds(lambda a, b, n: Linear(start_value=a, end_value=b, steps=n),
                  st.floats(1e-4, 1.0), st.floats(0.0, 1.0), st.integers(1, 50)),
        st.builds(lambda a: Constant(value=a), st.floats(1e-4, 1.0)),
    )

    def schedules(max_depth: int = 3):  # type: ignore[no-redef]
        return st.recursive(_leaf, lambda c: st.one_of(
            st.builds(lambda s, w: Warmup(s, warmup_steps=w), c, st.integers(1, 20)),
            st.builds(lambda a, b: a * b, c, c)), max_leaves=4)


BASE_LRS = (0.1, 0.01, 0.003)
OPTIMIZERS = {
    "SGD": lambda groups: torch.optim.SGD(groups, lr=0.1, momentum=0.9),
    "Adam": lambda groups: torch.optim.Adam(groups, lr=0.1),
    "AdamW": lambda groups: torch.optim.AdamW(groups, lr=0.1, weight_decay=0.01),
}
LR_KINDS = ("float", "tensor32", "tensor64")
HOST_READS = {"item", "__float__", "__int__", "__bool__", "__index__", "tolist", "cpu", "numpy"}


# ------------------------------------------------------------------------------- helpers

def make_lr(value: float, kind: str):
    if kind == "float":
        return value
    return torch.tensor(value, dtype=torch.float32 if kind == "tensor32" else torch.float64)


def as_used(value: float, kind: str) -> float:
    """What the group holds after ``value`` is written into an lr of this kind."""
    return float(torch.tensor(value, dtype=torch.float32)) if kind == "tensor32" else value


def read(x) -> float:
    return x.item() if isinstance(x, torch.Tensor) else x


def build(opt_name: str, n_groups: int, lr_kind: str, seed: int = 0):
    """A small float64 model whose params are split into n_groups param groups, and its optimizer."""
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 1)).double()
    params = list(model.parameters())  # 4 tensors
    chunks = [params] if n_groups == 1 else [params[:1], params[1:2], params[2:]]
    groups = [{"params": c, "lr": make_lr(BASE_LRS[i], lr_kind)} for i, c in enumerate(chunks)]
    return model, OPTIMIZERS[opt_name](groups)


DATA_X = torch.linspace(-1.0, 1.0, 32, dtype=torch.float64).reshape(8, 4)
DATA_Y = torch.sin(DATA_X.sum(dim=1, keepdim=True))


def train_step(model, opt) -> None:
    opt.zero_grad()
    loss = torch.nn.functional.mse_loss(model(DATA_X), DATA_Y)
    loss.backward()
    opt.step()


def record_used(opt, keys=("lr",)) -> list:
    """Per optimizer step, the group values that step reads (an optimizer step pre-hook)."""
    used: list = []

    def hook(o, args, kwargs):
        row = []
        for g in o.param_groups:
            row.append(tuple(read(g[k]) if k != "beta1" else read(g["betas"][0]) for k in keys))
        used.append(row)

    opt.register_step_pre_hook(hook)
    return used


def expected_lr(schedules_, i: int, t: int, mode: str, base: float, kind: str) -> float:
    s = schedules_[i] if isinstance(schedules_, list) else schedules_
    v = s(t) if mode == "absolute" else base * s(t)
    return as_used(v, kind)


def save_load(obj):
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    return torch.load(buf, weights_only=True)


# ---------------------------------------------------------------- inside real optimizer loops

@given(
    data=st.data(),
    opt_name=st.sampled_from(sorted(OPTIMIZERS)),
    n_groups=st.sampled_from([1, 3]),
    lr_kind=st.sampled_from(LR_KINDS),
    mode=st.sampled_from(["absolute", "factor"]),
    per_group=st.booleans(),
    steps=st.integers(1, 30),
)
def test_optimizer_uses_s_of_t(data, opt_name, n_groups, lr_kind, mode, per_group, steps):
    if per_group:
        sched_arg = [data.draw(schedules(max_depth=3)) for _ in range(n_groups)]
    else:
        sched_arg = data.draw(schedules(max_depth=3))
    model, opt = build(opt_name, n_groups, lr_kind)
    originals = [g["lr"] for g in opt.param_groups]
    bases = [read(g["lr"]) for g in opt.param_groups]
    used = record_used(opt)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched = ScheduleLR(opt, sched_arg, mode=mode)
        assert sched.last_epoch == 0
        for _ in range(steps):
            train_step(model, opt)
            sched.step()
    for t, row in enumerate(used):
        for i, (lr,) in enumerate(row):
            assert lr == expected_lr(sched_arg, i, t, mode, bases[i], lr_kind), (t, i)
    # after k step() calls the groups hold s(k); tensors were filled in place, never rebound
    for i, g in enumerate(opt.param_groups):
        assert read(g["lr"]) == expected_lr(sched_arg, i, steps, mode, bases[i], lr_kind)
        assert lr_kind == "float" or g["lr"] is originals[i]
        assert read(sched.get_last_lr()[i]) == read(g["lr"])
    assert sched.last_epoch == steps and len(used) == steps


@given(data=st.data(), n_groups=st.sampled_from([1, 3]), per_group=st.booleans(), steps=st.integers(1, 25))
def test_factor_mode_equals_torch_lambdalr_bitwise(data, n_groups, per_group, steps):
    """mode="factor" is torch's LambdaLR closed form ``base_lr * lambda(t)``, number for number."""
    scheds = [data.draw(schedules(max_depth=3)) for _ in range(n_groups)] if per_group else data.draw(schedules(max_depth=3))
    model_a, opt_a = build("SGD", n_groups, "float")
    model_b, opt_b = build("SGD", n_groups, "float")
    ours = ScheduleLR(opt_a, scheds, mode="factor")
    theirs = torch.optim.lr_scheduler.LambdaLR(opt_b, scheds if per_group else [scheds] * n_groups)
    for _ in range(steps):
        assert [g["lr"] for g in opt_a.param_groups] == [g["lr"] for g in opt_b.param_groups]
        train_step(model_a, opt_a)
        train_step(model_b, opt_b)
        ours.step()
        theirs.step()
    assert ours.get_last_lr() == theirs.get_last_lr()
    assert ours._get_closed_form_lr() == [g["lr"] for g in opt_b.param_groups]
    assert all(torch.equal(a, b) for a, b in zip(model_a.parameters(), model_b.parameters()))


def test_torch_conventions_after_construction():
    s = Warmup(Cosine(start_value=0.1, steps=10), warmup_steps=4, start_value=0.01)
    model, opt = build("Adam", 3, "float")
    sched = ScheduleLR(opt, s)
    assert isinstance(sched, torch.optim.lr_scheduler.LRScheduler)
    assert not isinstance(sched, torch.optim.lr_scheduler.ReduceLROnPlateau)
    assert (sched.last_epoch, sched._step_count) == (0, 1)
    assert [g["initial_lr"] for g in opt.param_groups] == list(BASE_LRS)
    assert [g["lr"] for g in opt.param_groups] == [s(0)] * 3
    assert sched.get_last_lr() == [s(0)] * 3
    with pytest.warns(UserWarning, match="please use `get_last_lr"):
        assert sched.get_lr() == [s(0)] * 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sched._get_closed_form_lr() == [s(0)] * 3
        train_step(model, opt)
        sched.step(7)  # a jump: exact, since the form is closed
    assert sched.last_epoch == 7 and [g["lr"] for g in opt.param_groups] == [s(7)] * 3


def test_resume_through_constructor_last_epoch():
    """torch's last_epoch=N resume (initial_lr must be in the groups): the next rate is s(N+1)."""
    s = Cosine(start_value=1.0, steps=10)
    model, opt = build("SGD", 1, "float")
    ScheduleLR(opt, s, mode="factor")
    sched = ScheduleLR(opt, s, mode="factor", last_epoch=4)
    assert sched.last_epoch == 5 and opt.param_groups[0]["lr"] == BASE_LRS[0] * s(5)
    _, fresh = build("SGD", 1, "float")
    with pytest.raises(KeyError, match="initial_lr"):
        ScheduleLR(fresh, s, last_epoch=4)


def test_param_group_added_later():
    s = Linear(start_value=1.0, end_value=0.0, steps=10)
    model, opt = build("SGD", 1, "float")
    sched = ScheduleLR(opt, s, mode="factor")
    opt.add_param_group({"params": [torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))], "lr": 0.5})
    train_step(model, opt)
    sched.step()
    assert [g["lr"] for g in opt.param_groups] == [BASE_LRS[0] * s(1), 0.5 * s(1)]
    model, opt = build("SGD", 1, "float")
    sched = ScheduleLR(opt, [s])
    opt.add_param_group({"params": [torch.nn.Parameter(torch.zeros(2))], "lr": 0.5})
    train_step(model, opt)
    with pytest.raises(ValueError, match="optimizer has 2 param groups but `schedule` holds 1"):
        sched.step()


# ------------------------------------------------------------------------ warnings, order

def test_no_warning_with_the_correct_call_order():
    s = Warmup(Cosine(start_value=0.1, steps=20), warmup_steps=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for opt_name in OPTIMIZERS:
            for kind in LR_KINDS:
                model, opt = build(opt_name, 3, kind)
                sched = ScheduleLR(opt, s, mode="factor", extra={"weight_decay": Constant(value=0.0)})
                for _ in range(5):
                    train_step(model, opt)
                    sched.step()
                sched.get_last_lr()
                sd = save_load(sched.state_dict())
                sched.load_state_dict(sd)
                copy.deepcopy(sched).step()
                pickle.loads(pickle.dumps(sched)).step()


def test_wrong_call_order_warns_like_torch():
    s = Constant(value=0.1)
    model, opt = build("SGD", 1, "float")
    sched = ScheduleLR(opt, s)
    with pytest.warns(UserWarning, match=r"Detected call of `lr_scheduler.step\(\)` before `optimizer.step\(\)`"):
        sched.step()
    model, opt = build("SGD", 1, "float")
    sched = ScheduleLR(opt, s)
    opt.step = type(opt).step.__get__(opt)  # replaced after the scheduler was built
    with pytest.warns(UserWarning, match="has been overridden after learning rate scheduler"):
        sched.step()


# ------------------------------------------------------------------------- checkpoints

@given(
    schedule=schedules(max_depth=3),
    opt_name=st.sampled_from(sorted(OPTIMIZERS)),
    n_groups=st.sampled_from([1, 3]),
    lr_kind=st.sampled_from(LR_KINDS),
    mode=st.sampled_from(["absolute", "factor"]),
    order=st.sampled_from(["scheduler_first", "optimizer_first"]),
    total=st.integers(2, 24),
    split=st.floats(0.0, 1.0),
)
def test_resume_mid_run_is_bitwise_identical(schedule, opt_name, n_groups, lr_kind, mode, order, total, split):
    k = 1 + int(split * (total - 2))  # 1 <= k < total

    def fresh(seed):
        model, opt = build(opt_name, n_groups, lr_kind, seed=seed)
        return model, opt, record_used(opt)

    model, opt, used_a = fresh(0)
    sched = ScheduleLR(opt, schedule, mode=mode)
    for t in range(total):
        if t == k:
            ckpt = save_load({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict()})
        train_step(model, opt)
        sched.step()
    params_a = [p.detach().clone() for p in model.parameters()]

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model_b, opt_b, used_b = fresh(1)  # other initial weights: the checkpoint must restore them
        model_b.load_state_dict(ckpt["model"])
        if order == "optimizer_first":
            opt_b.load_state_dict(ckpt["opt"])
            sched_b = ScheduleLR(opt_b, schedule, mode=mode)
        else:
            sched_b = ScheduleLR(opt_b, schedule, mode=mode)
            opt_b.load_state_dict(ckpt["opt"])
        sched_b.load_state_dict(ckpt["sched"])
        assert sched_b.last_epoch == k
        for _ in range(k, total):
            train_step(model_b, opt_b)
            sched_b.step()
    assert used_b == used_a[k:]
    assert all(torch.equal(a, b) for a, b in zip(params_a, model_b.parameters()))
    assert [read(g["lr"]) for g in opt_b.param_groups] == [read(g["lr"]) for g in opt.param_groups]


def test_state_dict_is_plain_data():
    s = Warmup(Cosine(start_value=0.1, steps=20), warmup_steps=5)
    model, opt = build("AdamW", 3, "tensor32")
    sched = ScheduleLR(opt, [s, s * 0.5, s * 0.25], mode="factor", extra={"weight_decay": Linear(start_value=0.1, end_value=0.0, steps=10)})
    for _ in range(3):
        train_step(model, opt)
        sched.step()
    sd = sched.state_dict()

    def plain(x):
        if isinstance(x, dict):
            return all(isinstance(k, str) and plain(v) for k, v in x.items())
        if isinstance(x, list):
            return all(plain(v) for v in x)
        return x is None or isinstance(x, (bool, int, float, str))

    assert plain(sd)
    assert sd["last_epoch"] == 3 and sd["mode"] == "factor"
    assert sd["schedule"] == [lrcore.to_config(x) for x in (s, s * 0.5, s * 0.25)]
    assert sd["fingerprint"] == [x.fingerprint for x in (s, s * 0.5, s * 0.25)]
    assert sd["extra"]["weight_decay"]["schedule"]["type"] == "Linear"
    assert save_load(sd) == sd


def _changed(old_kwargs, new_kwargs, n_groups=1):
    """Save a ScheduleLR built with old_kwargs after 3 steps; load it into one built with new_kwargs."""
    model, opt = build("Adam", n_groups, "float")
    sched = ScheduleLR(opt, **old_kwargs)
    for _ in range(3):
        train_step(model, opt)
        sched.step()
    sd = save_load(sched.state_dict())
    model2, opt2 = build("Adam", n_groups, "float")
    return ScheduleLR(opt2, **new_kwargs), sd, opt2


W = Warmup(Cosine(start_value=0.1, steps=20), warmup_steps=5)
PLATEAU = Plateau(factor=0.5, patience=2)
CHANGE_CASES = [
    ({"schedule": W}, {"schedule": Warmup(Cosine(start_value=0.1, steps=25), warmup_steps=5)}, 1,
     r"schedule\.schedule\.steps: 20 -> 25"),
    ({"schedule": W}, {"schedule": Warmup(Cosine(start_value=0.2, steps=20, end_value=0.01), warmup_steps=5)}, 1,
     r"schedule\.schedule\.start_value: 0\.1 -> 0\.2\n  schedule\.schedule\.end_value: 0\.0 -> 0\.01"),
    ({"schedule": W}, {"schedule": Warmup(Linear(start_value=0.1, end_value=0.0, steps=20), warmup_steps=5)}, 1,
     r"schedule\.schedule: Cosine\(start_value=0\.1, steps=20, end_value=0\.0, power=1\.0\) -> "
     r"Linear\(start_value=0\.1, end_value=0\.0, steps=20\)\n"),
    ({"schedule": W}, {"schedule": W, "mode": "factor"}, 1, r"mode: 'absolute' -> 'factor'"),
    ({"schedule": W}, {"schedule": W, "step_source": "optimizer"}, 1, r"step_source: 'scheduler' -> 'optimizer'"),
    ({"schedule": [W, Constant(value=0.2), W]}, {"schedule": [W, Constant(value=0.3), W]}, 3,
     r"schedule\[1\]\.value: 0\.2 -> 0\.3"),
    ({"schedule": W}, {"schedule": [W, W, W]}, 3, r"schedule: one for all groups -> one per param group"),
    ({"schedule": Sequential(parts=[Constant(value=0.1), Constant(value=0.05)], boundaries=[5])},
     {"schedule": Sequential(parts=[Constant(value=0.1), Constant(value=0.05), Constant(value=0.01)], boundaries=[5, 9])}, 1,
     r"schedule\.parts: 2 entries -> 3 entries"),
    ({"schedule": W}, {"schedule": W, "extra": {"momentum": Constant(value=0.9)}}, 1,
     r"extra\['momentum'\]: \(absent\) -> Constant\(value=0\.9\)\n"),
    ({"schedule": W, "extra": {"momentum": Constant(value=0.9)}}, {"schedule": W, "extra": {"momentum": Constant(value=0.8)}}, 1,
     r"extra\['momentum'\]\.value: 0\.9 -> 0\.8"),
    ({"schedule": W * PLATEAU}, {"schedule": W * Plateau(factor=0.5, patience=3)}, 1,
     r"schedule\.plateau\.patience: 2 -> 3"),
]


@pytest.mark.parametrize("old, new, n_groups, message", CHANGE_CASES)
def test_a_changed_schedule_is_refused_and_named(old, new, n_groups, message):
    sched, sd, opt = _changed(old, new, n_groups)
    before = [g["lr"] for g in opt.param_groups]
    with pytest.raises(ScheduleChangedError, match=message) as info:
        sched.load_state_dict(sd)
    assert isinstance(info.value, ValueError)
    assert "allow_schedule_change=True" in str(info.value) and info.value.changes
    assert sched.last_epoch == 0 and [g["lr"] for g in opt.param_groups] == before  # nothing loaded


@pytest.mark.parametrize("where", ["load_state_dict", "constructor"])
def test_an_intended_schedule_change_keeps_the_step(where):
    new = Warmup(Cosine(start_value=0.2, steps=25), warmup_steps=5)
    kwargs = {"schedule": new, "allow_schedule_change": where == "constructor"}
    sched, sd, opt = _changed({"schedule": W}, kwargs)
    if where == "load_state_dict":
        sched.load_state_dict(sd, allow_schedule_change=True)
    else:
        sched.load_state_dict(sd)
    assert sched.last_epoch == 3 and opt.param_groups[0]["lr"] == new(3)


def test_load_state_dict_refuses_other_states():
    model, opt = build("SGD", 3, "float")
    sched = ScheduleLR(opt, W)
    native = torch.optim.lr_scheduler.StepLR(build("SGD", 3, "float")[1], step_size=2)
    with pytest.raises(ValueError, match="not a ScheduleLR state_dict"):
        sched.load_state_dict(native.state_dict())
    one = ScheduleLR(build("SGD", 1, "float")[1], W)
    with pytest.raises(ValueError, match="the checkpoint has 1 param groups, the optimizer 3"):
        sched.load_state_dict(save_load(one.state_dict()))


def no_xp_fn(step):
    return 0.1


def test_function_schedules_without_a_config_are_compared_by_fingerprint():
    a = lrcore.Function(fn=lambda step: 0.1)
    b = lrcore.Function(fn=lambda step: 0.2 * 0.5 + step * 0.0)
    model, opt = build("SGD", 1, "float")
    sched = ScheduleLR(opt, a)
    sd = save_load(sched.state_dict())
    assert sd["schedule"] is None and sd["fingerprint"] == lrcore.fingerprint(a)
    sched.load_state_dict(sd)  # the same function: accepted
    other = ScheduleLR(build("SGD", 1, "float")[1], b)
    with pytest.raises(ScheduleChangedError, match=r"schedule: fingerprint \w+ -> \w+ \(the fields cannot be compared"):
        other.load_state_dict(sd)


# --------------------------------------------------------------------- pickle, deepcopy

@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
@pytest.mark.parametrize("step_source", ["scheduler", "optimizer"])
def test_copies_continue_identically(how, step_source):
    s = Warmup(Cosine(start_value=0.1, steps=12), warmup_steps=3)
    model, opt = build("Adam", 3, "tensor64")
    sched = ScheduleLR(opt, s, mode="factor", step_source=step_source, extra={"momentum": Cyclic(low_value=0.95, high_value=0.85, up_steps=3)})
    for _ in range(4):
        train_step(model, opt)
        sched.step()
    pair = (model, sched)
    model2, sched2 = pickle.loads(pickle.dumps(pair)) if how == "pickle" else copy.deepcopy(pair)
    opt2 = sched2.optimizer
    assert opt2 is not opt and sched2.last_epoch == sched.last_epoch == 4
    assert all(a is b for a, b in zip([p for g in opt2.param_groups for p in g["params"]], model2.parameters()))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(6):
            train_step(model, opt)
            sched.step()
            train_step(model2, opt2)
            sched2.step()
    assert [g["lr"].item() for g in opt2.param_groups] == [g["lr"].item() for g in opt.param_groups]
    assert [g["betas"] for g in opt2.param_groups] == [g["betas"] for g in opt.param_groups]
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), model2.parameters()))
    assert sched2.last_epoch == 10


def test_copy_right_after_construction_keeps_torch_order_check():
    """Pickling drops torch's marker on optimizer.step; the copy restores it (no false warning)."""
    model, opt = build("SGD", 1, "float")
    model2, sched2 = pickle.loads(pickle.dumps((model, ScheduleLR(opt, W))))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        train_step(model2, sched2.optimizer)
        sched2.step()
    assert sched2.optimizer.param_groups[0]["lr"] == W(1)


# --------------------------------------------------------------------------- tensor lrs

@pytest.mark.parametrize("mode", ["absolute", "factor"])
@pytest.mark.parametrize("kind", ["tensor32", "tensor64"])
def test_compute_on_device_without_host_reads(mode, kind):
    """compute_on_device=True: s.evaluate(step tensor) into the lr with copy_, reading nothing back."""
    from torch.overrides import TorchFunctionMode

    class Calls(TorchFunctionMode):
        def __init__(self):
            super().__init__()
            self.names = set()

        def __torch_function__(self, func, types, args=(), kwargs=None):
            self.names.add(getattr(func, "__name__", str(func)))
            return func(*args, **(kwargs or {}))

    s = Warmup(lrcore.Restart(Cosine(start_value=0.1, steps=6), period_steps=6, period_mult=2.0), warmup_steps=3) * 0.5
    model, opt = build("AdamW", 3, kind)
    originals = [g["lr"] for g in opt.param_groups]
    bases = [read(g["lr"]) for g in opt.param_groups]
    used = record_used(opt)
    sched = ScheduleLR(opt, s, mode=mode, compute_on_device=True)
    for _ in range(20):
        train_step(model, opt)
        with Calls() as calls:
            sched.step()
        assert not (calls.names & HOST_READS), calls.names & HOST_READS
        assert "copy_" in calls.names
    for t, row in enumerate(used):
        for i, (lr,) in enumerate(row):
            want = s(t) if mode == "absolute" else bases[i] * s(t)
            assert lr == pytest.approx(want, rel=1e-12 if kind == "tensor64" else 2**-23, abs=0), (t, i)
    assert all(g["lr"] is o for g, o in zip(opt.param_groups, originals))


def test_compute_on_device_really_evaluates_tensors():
    """A Function without `xp` runs only on numbers: on the device path lrcore refuses it."""
    model, opt = build("SGD", 1, "tensor64")
    with pytest.raises(TypeError, match="not on torch arrays"):
        ScheduleLR(opt, lrcore.Function(fn=no_xp_fn), compute_on_device=True)
    ScheduleLR(build("SGD", 1, "float")[1], lrcore.Function(fn=no_xp_fn), compute_on_device=True)  # floats: host


@pytest.mark.filterwarnings("ignore:`torch.jit.script_method` is deprecated:DeprecationWarning")
@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
@pytest.mark.parametrize("compute_on_device", [False, True])
def test_compiled_optimizer_step_does_not_recompile(opt_name, compute_on_device):
    """torch.compile(opt.step) with a tensor lr: no recompilation over 20 scheduled steps.

    Compilations are counted with torch._dynamo's CompileCounter backend (PEERS.md Appendix A).
    The baseline is the same loop with a constant tensor lr and no scheduler: SGD with momentum
    compiles twice there too (its momentum buffer appears after the first step), Adam once.
    A float lr is counted beside it and matches torch's own LambdaLR (the float turns dynamic
    after one recompilation)."""
    from torch._dynamo.testing import CompileCounter

    s = Warmup(Cosine(start_value=0.1, steps=15), warmup_steps=5)

    def run(lr_kind, make_sched):
        torch._dynamo.reset()
        counter = CompileCounter()
        model, opt = build(opt_name, 1, lr_kind)
        sched = make_sched(opt)
        lr_obj = opt.param_groups[0]["lr"]
        step = torch.compile(opt.step, backend=counter)
        used, counts = [], []
        for _ in range(20):
            opt.zero_grad()
            torch.nn.functional.mse_loss(model(DATA_X), DATA_Y).backward()
            used.append(read(opt.param_groups[0]["lr"]))
            step()
            counts.append(counter.frame_count)
            if sched is not None:
                sched.step()
        assert lr_kind == "float" or opt.param_groups[0]["lr"] is lr_obj
        return counts, used

    baseline, _ = run("tensor64", lambda o: None)
    counts, used = run("tensor64", lambda o: ScheduleLR(o, s, compute_on_device=compute_on_device))
    assert counts == baseline and counts[-1] == (2 if opt_name == "SGD" else 1)
    assert used == pytest.approx([s(t) for t in range(20)], rel=1e-12, abs=0)
    if compute_on_device:
        return
    counts_float, used = run("float", lambda o: ScheduleLR(o, s))
    assert used == [s(t) for t in range(20)]
    counts_torch, _ = run("float", lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda t: s(t) / BASE_LRS[0]))
    assert counts_float == counts_torch


# ---------------------------------------------------------------------- metric-driven form

plateau_configs = st.fixed_dictionaries({
    "mode": st.sampled_from(["min", "max"]),
    "threshold_mode": st.sampled_from(["rel", "abs"]),
    "threshold": st.sampled_from([0.0, 1e-4, 0.1, 0.3]),
    "patience": st.integers(0, 4),
    "cooldown": st.integers(0, 3),
    "factor": st.sampled_from([0.1, 0.5, 0.9]),
    "min_lr": st.sampled_from([0.0, 1e-3, 0.05, 0.3]),
    "eps": st.sampled_from([0.0, 1e-8, 1e-3]),
})
metrics = st.lists(st.one_of(st.sampled_from([0.0, 0.09, 0.1, 0.5, 0.9, 1.0, 2.0, -1.0]), st.floats(-10, 10)), max_size=40)


@given(cfg=plateau_configs, stream=metrics, lr_kind=st.sampled_from(["float", "tensor64"]))
def test_plateau_form_equals_torch_reduce_lr_on_plateau(cfg, stream, lr_kind):
    """lr = s(t) * scale; with base lr 1, torch's ReduceLROnPlateau lr is the scale, bitwise."""
    s = Warmup(Cosine(start_value=1.0, steps=30, end_value=0.1), warmup_steps=4, start_value=0.1)
    plateau = Plateau(mode=cfg["mode"], factor=cfg["factor"], patience=cfg["patience"], threshold=cfg["threshold"],
                      threshold_mode=cfg["threshold_mode"], cooldown=cfg["cooldown"], min_value=cfg["min_lr"], eps=cfg["eps"])
    model, opt = build("SGD", 1, lr_kind)
    ref_opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    ref = torch.optim.lr_scheduler.ReduceLROnPlateau(ref_opt, mode=cfg["mode"], factor=cfg["factor"], patience=cfg["patience"],
                                                     threshold=cfg["threshold"], threshold_mode=cfg["threshold_mode"],
                                                     cooldown=cfg["cooldown"], min_lr=cfg["min_lr"], eps=cfg["eps"])
    used = record_used(opt)
    scales = [1.0]  # torch's lr with base 1: the scale each update uses
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched = ScheduleLR(opt, s * plateau)
        assert type(sched) is PlateauScheduleLR
        for m in stream:
            train_step(model, opt)
            ref_opt.step()
            sched.step(torch.tensor(m, dtype=torch.float64) if m > 5 else m)  # 0-d tensors work, as in torch
            ref.step(m)
            assert (sched.best, sched.num_bad_epochs, sched.cooldown_counter, sched.in_cooldown) == \
                (ref.best, ref.num_bad_epochs, ref.cooldown_counter, ref.in_cooldown)
            assert sched.plateau_state.scale == ref_opt.param_groups[0]["lr"]
            scales.append(ref_opt.param_groups[0]["lr"])
    assert [row[0][0] for row in used] == [s(t) * scales[t] for t in range(len(stream))]
    assert read(opt.param_groups[0]["lr"]) == s(len(stream)) * scales[-1]


def test_plateau_form_is_what_lightning_and_hf_look_for():
    s = Constant(value=0.1) * Plateau(factor=0.5, patience=0)
    model, opt = build("Adam", 3, "float")
    sched = ScheduleLR(opt, s)
    assert isinstance(sched, torch.optim.lr_scheduler.ReduceLROnPlateau)
    assert isinstance(sched, torch.optim.lr_scheduler.LRScheduler) and isinstance(sched, ScheduleLR)
    explicit = PlateauScheduleLR(build("Adam", 3, "float")[1], [s, s, s], mode="factor")
    assert [g["lr"] for g in explicit.optimizer.param_groups] == [b * 0.1 for b in BASE_LRS]
    with pytest.raises(TypeError, match="PlateauScheduleLR: `schedule` must be `schedule \\* lrcore.Plateau"):
        PlateauScheduleLR(opt, Constant(value=0.1))
    with pytest.raises(TypeError, match="either none or all of them are scaled by a Plateau"):
        ScheduleLR(opt, [s, Constant(value=0.1), s])
    with pytest.raises(TypeError, match="by the same Plateau"):
        ScheduleLR(opt, [s, s, Constant(value=0.1) * Plateau(factor=0.5, patience=1)])


def test_plateau_state_resumes_through_weights_only_load():
    s = Linear(start_value=1.0, end_value=0.5, steps=10) * Plateau(factor=0.5, patience=1, cooldown=1)
    stream = [5.0, 4.0, 4.0, 4.0, 4.5, 4.0, 4.0, 4.0, 3.0, 3.0, 3.0, 3.0]
    model, opt = build("SGD", 1, "float")
    sched = ScheduleLR(opt, s)
    lrs = []
    for i, m in enumerate(stream):
        if i == 5:
            sd = save_load(sched.state_dict())
        train_step(model, opt)
        sched.step(m)
        lrs.append(opt.param_groups[0]["lr"])
    assert sd["plateau_state"]["best"] == 4.0 and sd["plateau_state"]["scale"] < 1.0
    model2, opt2 = build("SGD", 1, "float")
    sched2 = ScheduleLR(opt2, s)
    sched2.load_state_dict(sd)
    assert opt2.param_groups[0]["lr"] == lrs[4]
    out = []
    for m in stream[5:]:
        train_step(model2, opt2)
        sched2.step(m)
        out.append(opt2.param_groups[0]["lr"])
    assert out == lrs[5:]
    # a fresh (never reduced) state is best=+inf: also plain data
    assert save_load(ScheduleLR(build("SGD", 1, "float")[1], s).state_dict())["plateau_state"]["best"] == math.inf


def test_plateau_with_optimizer_steps_and_rare_metrics():
    """The HF Trainer pattern: no step() per update, step(metric) only at evaluations."""
    s = Linear(start_value=1.0, end_value=0.0, steps=40) * Plateau(factor=0.5, patience=0)
    model, opt = build("AdamW", 1, "float")
    used = record_used(opt)
    sched = ScheduleLR(opt, s, step_source="optimizer")
    for epoch, m in enumerate([3.0, 2.0, 2.5, 2.6]):
        for _ in range(5):
            train_step(model, opt)
        sched.step(m)
        assert sched.last_epoch == 5 * (epoch + 1)
        assert opt.param_groups[0]["lr"] == s.schedule(5 * (epoch + 1)) * [1.0, 1.0, 0.5, 0.25][epoch]
    want = [s.schedule(t) * (1.0 if t < 15 else 0.5) for t in range(20)]
    assert [row[0][0] for row in used] == want


# ------------------------------------------------------------- momentum, betas, weight decay

@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
@pytest.mark.parametrize("mode", ["triangular", "triangular2", "exp_range"])
def test_momentum_and_betas_cycle_as_torch_cycliclr(opt_name, mode):
    """extra={"momentum": ...}: SGD momentum, or betas[0] for Adam, against torch's CyclicLR."""
    up, down, gamma = 4, 6, 0.97
    base_lr, max_lr, base_m, max_m = 0.01, 0.1, 0.8, 0.9
    ours_lr = Cyclic(low_value=base_lr, high_value=max_lr, up_steps=up, down_steps=down, mode=mode, gamma=gamma)
    ours_m = Cyclic(low_value=max_m, high_value=base_m, up_steps=up, down_steps=down, mode=mode, gamma=gamma)
    key = "momentum" if opt_name == "SGD" else "beta1"
    model_a, opt_a = build(opt_name, 3, "float")
    model_b, opt_b = build(opt_name, 3, "float")
    used_a, used_b = record_used(opt_a, ("lr", key)), record_used(opt_b, ("lr", key))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched = ScheduleLR(opt_a, ours_lr, extra={"momentum": ours_m})
    ref = torch.optim.lr_scheduler.CyclicLR(opt_b, base_lr=base_lr, max_lr=max_lr, step_size_up=up, step_size_down=down,
                                            mode=mode, gamma=gamma, base_momentum=base_m, max_momentum=max_m)
    for _ in range(25):
        train_step(model_a, opt_a)
        train_step(model_b, opt_b)
        sched.step()
        ref.step()
    for t, (ra, rb) in enumerate(zip(used_a, used_b)):
        for ga, gb in zip(ra, rb):
            assert ga == pytest.approx(gb, rel=1e-12, abs=1e-15), t
            assert ga == (ours_lr(t), ours_m(t))
    if opt_name == "Adam":
        assert all(g["betas"][1] == 0.999 for g in opt_a.param_groups)


def test_weight_decay_and_per_group_extras():
    wd = [Linear(start_value=0.1, end_value=0.0, steps=5), Constant(value=0.0), Cosine(start_value=0.05, steps=8)]
    mom = Cyclic(low_value=0.95, high_value=0.85, up_steps=3)
    model, opt = build("AdamW", 3, "tensor32")
    opt.param_groups[0]["betas"] = (torch.tensor(0.9), torch.tensor(0.999))  # tensor betas: filled in place
    beta_obj = opt.param_groups[0]["betas"][0]
    used = record_used(opt, ("weight_decay", "beta1"))
    sched = ScheduleLR(opt, Constant(value=1.0), mode="factor", extra={"weight_decay": wd, "momentum": mom})
    for _ in range(10):
        train_step(model, opt)
        sched.step()
    for t, row in enumerate(used):
        for i, (w, b1) in enumerate(row):
            assert w == wd[i](t)
            assert b1 == (as_used(mom(t), "tensor32") if i == 0 else mom(t))
    assert opt.param_groups[0]["betas"][0] is beta_obj


@pytest.mark.parametrize("extra, error, message", [
    ({"nesterov_power": Constant(value=1.0)}, ValueError, r"`extra` key 'nesterov_power': param group 0 has no 'nesterov_power'"),
    ({"betas": Constant(value=0.9)}, ValueError, r"for betas\[0\] use the key 'momentum'"),
    ({"lr": Constant(value=0.9)}, ValueError, r"must not hold 'lr'"),
    ({"momentum": [Constant(value=0.9)] * 2}, ValueError, r"`extra\['momentum'\]` must hold one schedule per param group \(3\), got 2"),
    ({"momentum": Constant(value=0.9) * Plateau()}, TypeError, r"a Plateau scales only the learning rate"),
    ({"momentum": 0.9}, TypeError, r"`extra\['momentum'\]` must be an lrcore Schedule"),
])
def test_bad_extras_are_refused(extra, error, message):
    model, opt = build("Adam", 3, "float")
    with pytest.raises(error, match=message):
        ScheduleLR(opt, W, extra=extra)


def test_momentum_needs_momentum_or_betas():
    opt = torch.optim.Adagrad([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    with pytest.raises(ValueError, match=r"'momentum' also sets betas\[0\] where the optimizer has betas"):
        ScheduleLR(opt, W, extra={"momentum": Constant(value=0.9)})


# ------------------------------------------------------------ the optimizer's update count

def test_optimizer_step_source_ignores_amp_skipped_updates_and_extra_steps():
    """Real torch.amp.GradScaler on CPU: inf gradients make it skip optimizer.step()."""
    s = Warmup(Cosine(start_value=0.1, steps=20), warmup_steps=4, start_value=0.01)
    skip = {2, 3, 7, 11}
    model, opt = build("Adam", 3, "float")
    used = record_used(opt)
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched = ScheduleLR(opt, s, step_source="optimizer")
        ref_model, ref_opt = build("Adam", 3, "float")
        ref = ScheduleLR(ref_opt, s)  # counts step() calls: skipped updates advance it
        for it in range(16):
            opt.zero_grad()
            scaler.scale(torch.nn.functional.mse_loss(model(DATA_X), DATA_Y)).backward()
            if it in skip:
                next(model.parameters()).grad[0, 0] = math.inf
            before = [p.detach().clone() for p in model.parameters()]
            scaler.step(opt)
            scaler.update()
            ran = not all(torch.equal(a, b) for a, b in zip(before, model.parameters()))
            assert ran == (it not in skip)
            for _ in range(1 + it % 3):  # extra step() calls, as accelerate makes per process
                sched.step()
            train_step(ref_model, ref_opt)
            ref.step()
    updates = 16 - len(skip)
    assert len(used) == updates
    assert [row[0][0] for row in used] == [s(t) for t in range(updates)]
    assert sched.last_epoch == sched.optimizer_steps == updates
    assert opt.param_groups[0]["lr"] == s(updates) != ref_opt.param_groups[0]["lr"] == s(16)
    sd = save_load(sched.state_dict())
    assert sd["optimizer_steps"] == updates
    model2, opt2 = build("Adam", 3, "float")
    sched2 = ScheduleLR(opt2, s, step_source="optimizer")
    sched2.load_state_dict(sd)
    opt2.load_state_dict(opt.state_dict())
    train_step(model2, opt2)  # the hook advances it with no scheduler.step() at all
    assert sched2.last_epoch == updates + 1 and opt2.param_groups[0]["lr"] == s(updates + 1)
    with pytest.raises(ValueError, match="cannot be given with step_source='optimizer'"):
        sched2.step(3)


# ------------------------------------------------------------------------------ validation

@pytest.mark.parametrize("kwargs, error, message", [
    ({"mode": "relative"}, ValueError, r"ScheduleLR: `mode` must be one of 'absolute', 'factor', got mode='relative'"),
    ({"step_source": "epoch"}, ValueError, r"`step_source` must be one of 'scheduler', 'optimizer', got step_source='epoch'"),
    ({"compute_on_device": 1}, TypeError, r"`compute_on_device` must be a bool, got compute_on_device=1"),
    ({"last_epoch": -2}, ValueError, r"`last_epoch` must be an int >= -1, got last_epoch=-2"),
    ({"schedule": 0.1}, TypeError, r"`schedule` must be an lrcore Schedule \(or schedule \* Plateau\) or a list"),
    ({"schedule": [W, W]}, ValueError, r"`schedule` must hold one schedule per param group \(3\), got 2"),
    ({"schedule": [W, W, "x"]}, TypeError, r"`schedule\[2\]` must be an lrcore Schedule"),
])
def test_bad_arguments(kwargs, error, message):
    model, opt = build("SGD", 3, "float")
    kwargs = {"schedule": W, **kwargs}
    with pytest.raises(error, match=message):
        ScheduleLR(opt, **kwargs)


def test_optimizer_must_be_an_optimizer():
    with pytest.raises(TypeError, match="`optimizer` must be a torch.optim.Optimizer, got list"):
        ScheduleLR([], W)


def test_step_epoch_must_be_a_step():
    model, opt = build("SGD", 1, "float")
    sched = ScheduleLR(opt, W)
    train_step(model, opt)
    with pytest.raises(ValueError, match=r"`epoch` must be an int >= 0, got epoch=-1"):
        sched.step(-1)


def test_module_doctests():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = doctest.testmod(adapter, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 10 and result.failed == 0
