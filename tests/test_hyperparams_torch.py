"""lrcore.adapters.torch: a schedule for every hyperparameter of every param group.

``ScheduleLR(opt, {"lr": s, "momentum": m, "weight_decay": w})`` (or one dict per group)
against a native torch loop that writes the same numbers into ``param_groups`` by hand
before each ``optimizer.step()``: the values each update uses are equal, and the parameters
after the run are bitwise equal. Then the construction errors, ``extra=`` as an alias, and
resuming (every hyperparameter's schedule is in the state_dict and the resume check).
"""

from __future__ import annotations

import io
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

import lrcore  # noqa: E402
from lrcore import Constant, Cosine, Cyclic, Linear, Warmup  # noqa: E402
from lrcore.adapters.torch import ScheduleChangedError, ScheduleLR  # noqa: E402

STEPS = 12

# what each optimizer is built with (the scheduled values replace them from step 0)
OPTIMIZERS = {
    "SGD": (torch.optim.SGD, {"lr": 0.5, "momentum": 0.5, "weight_decay": 0.5}),
    "SGD-nesterov": (torch.optim.SGD, {"lr": 0.5, "momentum": 0.5, "weight_decay": 0.5, "nesterov": True}),
    "Adam": (torch.optim.Adam, {"lr": 0.5, "weight_decay": 0.5}),
    "AdamW": (torch.optim.AdamW, {"lr": 0.5, "weight_decay": 0.5}),
    "RMSprop": (torch.optim.RMSprop, {"lr": 0.5, "momentum": 0.5, "weight_decay": 0.5}),
}


def model(seed: int = 0) -> torch.nn.Module:
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1)).double()


def make_opt(name: str, net: torch.nn.Module) -> torch.optim.Optimizer:
    cls, kwargs = OPTIMIZERS[name]
    return cls([{"params": net[0].parameters()}, {"params": net[2].parameters()}], **kwargs)


def train_step(net: torch.nn.Module, opt: torch.optim.Optimizer, t: int) -> None:
    g = torch.Generator().manual_seed(t)
    x = torch.randn(5, 3, generator=g, dtype=torch.float64)
    opt.zero_grad()
    (net(x) ** 2).mean().backward()
    opt.step()


def used_values(opt: torch.optim.Optimizer, keys: list[str]) -> list[tuple]:
    """The hyperparameters the next update uses, per group (momentum: betas[0] on the Adam family)."""
    rows = []
    for g in opt.param_groups:
        rows.append(tuple(g["betas"][0] if k == "momentum" and "betas" in g else g[k] for k in keys))
    return rows


def by_hand(name: str, per_group: list[dict], steps: int = STEPS) -> tuple[torch.nn.Module, list]:
    """The native loop: set every hyperparameter of every group from the schedules, then step."""
    net = model()
    opt = make_opt(name, net)
    keys = list(per_group[0])
    used = []
    for t in range(steps):
        for g, hp in zip(opt.param_groups, per_group):
            for k, s in hp.items():
                if k == "momentum" and "betas" in g:
                    g["betas"] = (s(t), g["betas"][1])
                else:
                    g[k] = s(t)
        used.append(used_values(opt, keys))
        train_step(net, opt, t)
    return net, used


def with_scheduler(name: str, hyperparams, keys: list[str], steps: int = STEPS, **kwargs) -> tuple[torch.nn.Module, list]:
    net = model()
    opt = make_opt(name, net)
    sched = ScheduleLR(opt, hyperparams, **kwargs)
    used = []
    for t in range(steps):
        used.append(used_values(opt, keys))
        train_step(net, opt, t)
        sched.step()
    return net, used


def assert_same_training(a: torch.nn.Module, b: torch.nn.Module) -> None:
    for (name, p), q in zip(a.named_parameters(), b.parameters()):
        assert torch.equal(p, q), name


LR = Warmup(Cosine(start_value=0.05, steps=8, end_value=0.005), warmup_steps=3)
MOM = Cyclic(low_value=0.95, high_value=0.85, up_steps=4)
WD = Linear(start_value=0.1, end_value=0.0, steps=10)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_one_dict_for_every_group_trains_as_the_hand_loop(name):
    hp = {"lr": LR, "momentum": MOM, "weight_decay": WD}
    net_a, used_a = by_hand(name, [hp, hp])
    net_b, used_b = with_scheduler(name, hp, list(hp))
    assert used_a == used_b
    assert used_b[5] == [(LR(5), MOM(5), WD(5))] * 2
    assert_same_training(net_a, net_b)


@pytest.mark.parametrize("name", ["SGD", "AdamW"])
def test_one_dict_per_group_trains_as_the_hand_loop(name):
    groups = [{"lr": LR, "momentum": MOM, "weight_decay": WD},
              {"lr": LR * 0.1, "momentum": Constant(value=0.9), "weight_decay": Constant(value=0.0)}]
    net_a, used_a = by_hand(name, groups)
    net_b, used_b = with_scheduler(name, groups, ["lr", "momentum", "weight_decay"])
    assert used_a == used_b
    assert used_b[4][1] == (LR(4) * 0.1, 0.9, 0.0)
    assert_same_training(net_a, net_b)


def test_a_dict_of_lists_is_one_schedule_per_group_per_key():
    groups = [{"lr": LR, "weight_decay": WD}, {"lr": LR, "weight_decay": Constant(value=0.0)}]
    net_a, used_a = by_hand("AdamW", groups)
    net_b, used_b = with_scheduler("AdamW", {"lr": LR, "weight_decay": [WD, Constant(value=0.0)]}, ["lr", "weight_decay"])
    assert used_a == used_b
    assert_same_training(net_a, net_b)


def test_any_numeric_group_key_can_be_scheduled():
    """RMSprop's alpha and eps, Adagrad's lr_decay: keys lrcore knows nothing about."""
    hp = {"lr": LR, "alpha": Linear(start_value=0.99, end_value=0.9, steps=6), "eps": Constant(value=1e-6)}
    net_a, used_a = by_hand("RMSprop", [hp, hp])
    net_b, used_b = with_scheduler("RMSprop", hp, list(hp))
    assert used_a == used_b
    assert used_b[3][0] == (LR(3), pytest.approx(0.945, rel=1e-15), 1e-6)
    assert_same_training(net_a, net_b)


def test_factor_mode_scales_the_lr_only():
    net = model()
    opt = torch.optim.SGD([{"params": net[0].parameters(), "lr": 1.0},
                           {"params": net[2].parameters(), "lr": 0.1}], lr=1.0, momentum=0.0)
    sched = ScheduleLR(opt, {"lr": Linear(start_value=1.0, end_value=0.5, steps=2), "momentum": MOM}, mode="factor")
    train_step(net, opt, 0)
    sched.step()
    assert [(g["lr"], g["momentum"]) for g in opt.param_groups] == [(0.75, MOM(1)), (0.1 * 0.75, MOM(1))]


def test_extra_is_an_alias_of_the_dict():
    net_a, used_a = with_scheduler("AdamW", LR, ["lr", "momentum", "weight_decay"],
                                   extra={"momentum": MOM, "weight_decay": WD})
    net_b, used_b = with_scheduler("AdamW", {"lr": LR, "momentum": MOM, "weight_decay": WD}, ["lr", "momentum", "weight_decay"])
    assert used_a == used_b
    assert_same_training(net_a, net_b)
    net_c, used_c = with_scheduler("AdamW", {"lr": LR, "momentum": MOM}, ["lr", "momentum", "weight_decay"],
                                   extra={"weight_decay": WD})
    assert used_c == used_b


# the hyperparameters drawn for the property test: valid values for every optimizer above
def _decays(low: float, high: float):
    v = st.floats(low, high)
    n = st.integers(1, 15)
    return st.one_of(
        st.builds(lambda a, b, k: Linear(start_value=a, end_value=b, steps=k), v, v, n),
        st.builds(lambda a, b, k: Cosine(start_value=a, end_value=b, steps=k), v, v, n),
        st.builds(lambda a, b, k, w: Warmup(Cosine(start_value=a, end_value=b, steps=k), warmup_steps=w), v, v, n, n),
        st.builds(lambda a, b, k: Cyclic(low_value=min(a, b), high_value=max(a, b), up_steps=k), v, v, n),
        st.builds(lambda a: Constant(value=a), v),
    )


# (not RMSprop: torch creates its momentum buffer only if momentum > 0 at the first update, so a
# momentum schedule starting at 0 fails there by hand as with ScheduleLR)
@given(name=st.sampled_from(["SGD", "SGD-nesterov", "Adam", "AdamW"]), lr=_decays(0.0, 0.1), momentum=_decays(0.0, 0.99),
       weight_decay=_decays(0.0, 0.2), per_group=st.booleans(), lr2=_decays(0.0, 0.1))
def test_any_hyperparameter_schedules_train_as_the_hand_loop(name, lr, momentum, weight_decay, per_group, lr2):
    hp = {"lr": lr, "momentum": momentum, "weight_decay": weight_decay}
    groups = [hp, {**hp, "lr": lr2}] if per_group else [hp, hp]
    net_a, used_a = by_hand(name, groups, steps=8)
    net_b, used_b = with_scheduler(name, groups if per_group else hp, list(hp), steps=8)
    assert used_a == used_b
    assert_same_training(net_a, net_b)


# ------------------------------------------------------------------------------- bad input

def adam():
    net = model()
    return torch.optim.Adam([{"params": net[0].parameters()}, {"params": net[2].parameters()}], lr=0.1)


@pytest.mark.parametrize("hyperparams, error, message", [
    ({"lr": LR, "nesterov_power": Constant(value=1.0)}, ValueError,
     r"ScheduleLR: hyperparameter 'nesterov_power': param group 0 has no 'nesterov_power'; it has amsgrad, "
     r"betas, .*weight_decay$"),
    ({"lr": LR, "betas": Constant(value=0.9)}, ValueError,
     r"hyperparameter 'betas': param group 0 holds \(0.9, 0.999\), not a number or tensor \(for betas\[0\] use the "
     r"key 'momentum'\)"),
    ({"momentum": MOM}, ValueError, r"the hyperparameter dict must hold the key 'lr' .*got keys \['momentum'\]"),
    ([{"lr": LR, "momentum": MOM}, {"lr": LR}], ValueError,
     r"every param group's dict must hold the same keys; group 0 has \['lr', 'momentum'\], group 1 has \['lr'\]"),
    ([{"lr": LR}], ValueError, r"the list of hyperparameter dicts must hold one dict per param group \(2\), got 1"),
    ([{"lr": LR}, LR], TypeError, r"a list of hyperparameter dicts holds one dict per param group; item 1 is Warmup"),
    ({"lr": LR, "momentum": [MOM]}, ValueError, r"`schedule\['momentum'\]` must hold one schedule per param group \(2\), got 1"),
    ({"lr": LR, "momentum": 0.9}, TypeError, r"`schedule\['momentum'\]` must be an lrcore Schedule .*got float"),
    ({"lr": LR, "momentum": MOM * lrcore.Plateau()}, TypeError, r"a Plateau scales only the learning rate"),
    ({"lr": LR, 1: MOM}, TypeError, r"hyperparameter keys are param group keys \(str\), got 1"),
])
def test_bad_hyperparameters_are_refused_at_construction(hyperparams, error, message):
    with pytest.raises(error, match=message):
        ScheduleLR(adam(), hyperparams)


def test_a_key_in_the_dict_and_in_extra_is_refused():
    with pytest.raises(ValueError, match=r"'momentum' is given both in the hyperparameter dict and in `extra`"):
        ScheduleLR(adam(), {"lr": LR, "momentum": MOM}, extra={"momentum": MOM})


def test_a_group_added_later_is_checked_for_every_key():
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
    sched = ScheduleLR(opt, {"lr": LR, "momentum": MOM})
    opt.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))]})
    opt.step()
    sched.step()
    assert [g["momentum"] for g in opt.param_groups] == [MOM(1), MOM(1)]
    rms = torch.optim.RMSprop([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    sched = ScheduleLR(rms, {"lr": LR, "alpha": Constant(value=0.9)})
    rms.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))]})
    rms.param_groups[1]["alpha"] = "0.9"  # not a number: refused at the next step, naming the group
    rms.step()
    with pytest.raises(ValueError, match=r"hyperparameter 'alpha': param group 1 holds '0.9', not a number or tensor"):
        sched.step()

# ------------------------------------------------------------------------------------ resume

def save_load(obj):
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    return torch.load(buf, weights_only=True)


def test_resume_continues_every_hyperparameter_as_an_uninterrupted_run():
    hp = [{"lr": LR, "momentum": MOM, "weight_decay": WD}, {"lr": LR * 0.5, "momentum": MOM, "weight_decay": WD * 0.0}]
    net_a, used_a = with_scheduler("AdamW", hp, ["lr", "momentum", "weight_decay"])
    net = model()
    opt = make_opt("AdamW", net)
    sched = ScheduleLR(opt, hp)
    used = []
    for t in range(5):
        used.append(used_values(opt, ["lr", "momentum", "weight_decay"]))
        train_step(net, opt, t)
        sched.step()
    ckpt = save_load({"opt": opt.state_dict(), "sched": sched.state_dict(), "net": net.state_dict()})
    assert set(ckpt["sched"]["extra"]) == {"momentum", "weight_decay"}
    net2 = model(seed=1)
    net2.load_state_dict(ckpt["net"])
    opt2 = make_opt("AdamW", net2)
    opt2.load_state_dict(ckpt["opt"])
    sched2 = ScheduleLR(opt2, hp)
    sched2.load_state_dict(ckpt["sched"])
    for t in range(5, STEPS):
        used.append(used_values(opt2, ["lr", "momentum", "weight_decay"]))
        train_step(net2, opt2, t)
        sched2.step()
    assert used == used_a
    assert_same_training(net_a, net2)


def test_a_changed_momentum_or_weight_decay_schedule_is_caught_on_resume():
    net = model()
    opt = make_opt("SGD", net)
    sched = ScheduleLR(opt, {"lr": LR, "momentum": MOM, "weight_decay": WD})
    for t in range(3):
        train_step(net, opt, t)
        sched.step()
    sd = save_load(sched.state_dict())
    new_wd = Linear(start_value=0.1, end_value=0.0, steps=20)
    other = ScheduleLR(make_opt("SGD", model()), {"lr": LR, "momentum": MOM, "weight_decay": new_wd})
    with pytest.raises(ScheduleChangedError, match=r"schedule\['weight_decay'\]\.steps: 10 -> 20"):
        other.load_state_dict(sd)
    dropped = ScheduleLR(make_opt("SGD", model()), {"lr": LR, "weight_decay": WD})
    with pytest.raises(ScheduleChangedError, match=r"schedule\['momentum'\]: Cyclic\(.*\) -> \(absent\)"):
        dropped.load_state_dict(sd)
    other.load_state_dict(sd, on_change="checkpoint")
    assert other.extra["weight_decay"] == WD and other.optimizer.param_groups[0]["weight_decay"] == WD(3)
    current = ScheduleLR(make_opt("SGD", model()), {"lr": LR, "momentum": MOM, "weight_decay": new_wd},
                         on_change="current")
    current.load_state_dict(sd)
    assert current.last_epoch == 3 and current.optimizer.param_groups[1]["weight_decay"] == new_wd(3)


def test_pickle_and_repr_keep_every_hyperparameter():
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
    sched = ScheduleLR(opt, {"lr": Constant(value=0.1), "momentum": Constant(value=0.8)})
    assert repr(sched) == ("ScheduleLR(schedule={'lr': Constant(value=0.1), 'momentum': Constant(value=0.8)}, "
                           "mode='absolute', step_source='scheduler', last_epoch=0)")
    sched2 = pickle.loads(pickle.dumps(sched))
    sched2.optimizer.step()
    sched2.step()
    assert sched2.optimizer.param_groups[0]["momentum"] == 0.8
