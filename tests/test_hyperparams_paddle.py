"""lrcore.adapters.paddle: per-group rates, momentum, betas, epsilon and weight decay
(``ScheduleLR.attach``), and the sample / token clock.

Each attached schedule is checked against a native paddle loop that writes the same numbers
by hand, where paddle 3.3.1 reads them at each dygraph update (the param group's dict, or
the optimizer's attribute without groups, and ``param.optimize_attr["learning_rate"]``):
the parameters after the run are bitwise equal. That paddle really uses them is checked
against optimizers built with the value (a constant schedule trains as the constructor
argument).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

paddle = pytest.importorskip("paddle")

import lrcore  # noqa: E402
from lrcore import Constant, Cosine, Cyclic, Linear, Warmup  # noqa: E402
from lrcore.adapters.paddle import ScheduleChangedError, ScheduleLR  # noqa: E402

STEPS = 10
LR = Warmup(Cosine(start_value=0.05, steps=8, end_value=0.005), warmup_steps=3)
MOM = Cyclic(low_value=0.95, high_value=0.85, up_steps=4)
WD = Linear(start_value=0.1, end_value=0.0, steps=8)


def layers(seed: int = 0):
    paddle.seed(seed)
    return paddle.nn.Linear(3, 4), paddle.nn.Linear(4, 1)


def groups_of(a, b, **extra):
    return [{"params": a.parameters(), **extra}, {"params": b.parameters(), **extra}]


def train_step(a, b, opt, t: int) -> None:
    x = paddle.to_tensor(np.random.default_rng(t).standard_normal((5, 3)).astype("float32"))
    (b(paddle.tanh(a(x))) ** 2).mean().backward()
    opt.step()
    opt.clear_grad()


def weights(a, b) -> list[np.ndarray]:
    return [p.numpy() for p in a.parameters() + b.parameters()]


def assert_same(x: list[np.ndarray], y: list[np.ndarray]) -> None:
    for u, v in zip(x, y):
        assert np.array_equal(u, v)


def run(make_opt, hyperparams=None, by_hand=None, steps: int = STEPS, lr=LR):
    """Train with attach(hyperparams), or with `by_hand(opt, t)` writing the values before each update."""
    a, b = layers()
    sched = ScheduleLR(lr)
    opt = make_opt(sched, a, b)
    if hyperparams is not None:
        sched.attach(opt, hyperparams)
    for t in range(steps):
        if by_hand is not None:
            by_hand(opt, t)
        train_step(a, b, opt, t)
        sched.step()
    return weights(a, b)


def momentum_groups(sched, a, b):
    return paddle.optimizer.Momentum(learning_rate=sched, momentum=0.5, weight_decay=0.5, parameters=groups_of(a, b))


def test_momentum_weight_decay_and_group_rates_as_the_hand_loop():
    rates = [Constant(value=1.0), Linear(start_value=0.1, end_value=0.5, steps=6)]

    def by_hand(opt, t):
        for g, f in zip(opt._param_groups, rates):
            g["momentum"], g["regularization_coeff"], g["learning_rate"] = MOM(t), WD(t), f(t)
            for p in g["params"]:
                p.optimize_attr["learning_rate"] = f(t)

    assert_same(run(momentum_groups, {"momentum": MOM, "weight_decay": WD, "learning_rate": rates}),
                run(momentum_groups, by_hand=by_hand))


def adamw_plain(sched, a, b):
    return paddle.optimizer.AdamW(learning_rate=sched, parameters=a.parameters() + b.parameters(), weight_decay=0.5)


def test_adamw_betas_epsilon_weight_decay_without_groups_as_the_hand_loop():
    b2 = Linear(start_value=0.99, end_value=0.999, steps=5)
    eps = Constant(value=1e-6)

    def by_hand(opt, t):
        opt._beta1, opt._beta2, opt._epsilon, opt._weight_decay = MOM(t), b2(t), eps(t), WD(t)

    assert_same(run(adamw_plain, {"momentum": MOM, "beta2": b2, "epsilon": eps, "weight_decay": WD}),
                run(adamw_plain, by_hand=by_hand))


def adam_groups(sched, a, b):
    return paddle.optimizer.Adam(learning_rate=sched, parameters=groups_of(a, b))


@given(beta1=st.lists(st.floats(0.0, 0.99), min_size=2, max_size=2), steps=st.integers(1, 12),
       per_group=st.booleans(), factor=st.floats(0.0, 2.0))
def test_any_per_group_schedules_as_the_hand_loop(beta1, steps, per_group, factor):
    m = [Linear(start_value=beta1[0], end_value=beta1[1], steps=steps), Constant(value=beta1[1])]
    f = [Constant(value=1.0), Cosine(start_value=factor, steps=steps)]
    hp = [{"beta1": m[0], "learning_rate": f[0]}, {"beta1": m[1], "learning_rate": f[1]}] if per_group else \
        {"beta1": m[0], "learning_rate": f[1]}

    def by_hand(opt, t):
        for i, g in enumerate(opt._param_groups):
            mi, fi = (m[i], f[i]) if per_group else (m[0], f[1])
            g["beta1"], g["learning_rate"] = mi(t), fi(t)
            for p in g["params"]:
                p.optimize_attr["learning_rate"] = fi(t)

    assert_same(run(adam_groups, hp, steps=8), run(adam_groups, by_hand=by_hand, steps=8))


# ------------------------------------------------------- paddle really reads what attach writes

@pytest.mark.parametrize("built, attached", [
    (lambda s, a, b: paddle.optimizer.Momentum(learning_rate=s, momentum=0.8, weight_decay=0.01, parameters=groups_of(a, b)),
     (momentum_groups, {"momentum": Constant(value=0.8), "weight_decay": Constant(value=0.01)})),
    (lambda s, a, b: paddle.optimizer.Momentum(learning_rate=s, momentum=0.8, weight_decay=0.01,
                                               parameters=a.parameters() + b.parameters()),
     (lambda s, a, b: paddle.optimizer.Momentum(learning_rate=s, momentum=0.5, weight_decay=0.5,
                                                parameters=a.parameters() + b.parameters()),
      {"momentum": Constant(value=0.8), "weight_decay": Constant(value=0.01)})),
    (lambda s, a, b: paddle.optimizer.AdamW(learning_rate=s, beta1=0.8, beta2=0.99, epsilon=1e-6, weight_decay=0.05,
                                            parameters=groups_of(a, b)),
     (lambda s, a, b: paddle.optimizer.AdamW(learning_rate=s, weight_decay=0.5, parameters=groups_of(a, b)),
      {"beta1": Constant(value=0.8), "beta2": Constant(value=0.99), "epsilon": Constant(value=1e-6),
       "weight_decay": Constant(value=0.05)})),
    (lambda s, a, b: paddle.optimizer.SGD(learning_rate=s, parameters=[{"params": a.parameters(), "learning_rate": 0.1},
                                                                        {"params": b.parameters(), "learning_rate": 2.0}]),
     (lambda s, a, b: paddle.optimizer.SGD(learning_rate=s, parameters=groups_of(a, b)),
      {"learning_rate": [Constant(value=0.1), Constant(value=2.0)]})),
], ids=["momentum-groups", "momentum-plain", "adamw-groups", "sgd-group-rates"])
def test_a_constant_schedule_trains_as_the_constructor_argument(built, attached):
    make, hp = attached
    assert_same(run(built), run(make, hp))


# ------------------------------------------------------------------------------- bad input

def attach_to(make_opt, hp):
    a, b = layers()
    sched = ScheduleLR(LR)
    sched.attach(make_opt(sched, a, b), hp)


@pytest.mark.parametrize("make_opt, hp, error, message", [
    (lambda s, a, b: paddle.optimizer.SGD(learning_rate=s, parameters=groups_of(a, b)), {"momentum": MOM}, ValueError,
     r"ScheduleLR.attach: 'momentum' cannot be set on paddle's SGD \(param group 0\) at each step; what can: "
     r"'learning_rate'$"),
    (adam_groups, {"weight_decay": WD}, ValueError,
     r"'weight_decay' cannot be set on paddle's Adam \(param group 0\) at each step; what can: 'learning_rate', "
     r"'momentum', 'beta1', 'beta2', 'epsilon'$"),
    (lambda s, a, b: paddle.optimizer.Momentum(learning_rate=s, parameters=groups_of(a, b)), {"weight_decay": WD},
     ValueError, r"'weight_decay' on paddle's Momentum \(param group 0\) sets the L2 coefficient .* it has none"),
    (adam_groups, {"beta1": [MOM]}, ValueError, r"`beta1` must hold one schedule per param group \(2\), got 1"),
    (adam_groups, {"beta1": 0.9}, TypeError, r"`beta1` of param group 0 must be an lrcore Schedule, got float"),
    (adam_groups, [{"beta1": MOM}, {"beta2": MOM}], ValueError,
     r"every param group's dict must hold the same keys; group 0 has \['beta1', 'learning_rate'\], group 1 has "
     r"\['beta2', 'learning_rate'\]"),
    (lambda s, a, b: paddle.optimizer.Adam(learning_rate=0.1, parameters=groups_of(a, b)), {"beta1": MOM}, ValueError,
     r"the optimizer's learning_rate must be this scheduler"),
    (lambda s, a, b: paddle.optimizer.Adam(learning_rate=s, parameters=groups_of(a, b), beta1=paddle.to_tensor(0.9)),
     {"beta1": MOM}, ValueError, r"'beta1' on paddle's Adam \(param group 0\) holds a Tensor, not a number \(a Tensor beta cannot be set"),
])
def test_what_cannot_be_set_is_refused_at_attach(make_opt, hp, error, message):
    with pytest.raises(error, match=message):
        attach_to(make_opt, hp)


# ------------------------------------------------------------------------------------ resume

def test_resume_checks_and_restores_the_attached_schedules():
    a, b = layers()
    sched = ScheduleLR(LR)
    opt = momentum_groups(sched, a, b)
    sched.attach(opt, {"momentum": MOM, "weight_decay": WD})
    for t in range(4):
        train_step(a, b, opt, t)
        sched.step()
    sd = opt.state_dict()["LR_Scheduler"]
    assert set(sd["lrcore_hyperparams"]) == {"momentum", "weight_decay"}

    def fresh(hp, **kwargs):
        s = ScheduleLR(LR, **kwargs)
        o = momentum_groups(s, *layers())
        if hp is not None:
            s.attach(o, hp)
        return s, o

    s2, o2 = fresh({"momentum": MOM, "weight_decay": WD})
    s2.set_state_dict(sd)
    assert s2.last_epoch == 4 and o2._param_groups[1]["momentum"] == MOM(4)
    new_wd = Linear(start_value=0.1, end_value=0.0, steps=20)
    s3, o3 = fresh({"momentum": MOM, "weight_decay": new_wd})
    with pytest.raises(ScheduleChangedError, match=r"hyperparams\['weight_decay'\]\.steps: 8 -> 20"):
        s3.set_state_dict(sd)
    s3.set_state_dict(sd, on_change="checkpoint")
    assert o3._param_groups[0]["regularization_coeff"] == WD(4)
    s4, _ = fresh(None)
    with pytest.raises(ScheduleChangedError, match=r"hyperparams\['momentum'\]: Cyclic\(.*\) -> \(not attached\)"):
        s4.set_state_dict(sd)
    with pytest.raises(ValueError, match=r"attach\(optimizer, \.\.\.\) them first"):
        s4.set_state_dict(sd, on_change="checkpoint")


# ------------------------------------------------------------------------------------- clock

def test_a_sample_clock_with_attached_momentum():
    a, b = layers()
    sched = ScheduleLR(LR * 1.0, clock="samples")
    opt = momentum_groups(sched, a, b)
    m = Linear(start_value=0.9, end_value=0.99, steps=64)
    sched.attach(opt, {"momentum": m})
    for n in (8, 8, 16):
        train_step(a, b, opt, 0)
        sched.step(increment=n)
    assert sched.last_epoch == 32 and sched() == LR(32) and opt._param_groups[0]["momentum"] == m(32)
    assert "clock='samples'" in repr(sched)


@pytest.mark.parametrize("increment", [None, 0, 2.0, False])
def test_a_token_clock_needs_a_positive_int_increment(increment):
    sched = ScheduleLR(LR, clock="tokens")
    with pytest.raises(ValueError, match=rf"`increment` must be an int >= 1 with clock='tokens' .*got increment={increment!r}"):
        sched.step(increment=increment)
    assert sched.last_epoch == 0


def test_bad_clock_arguments():
    with pytest.raises(ValueError, match=r"`clock` must be one of 'steps', 'samples', 'tokens', got clock='batches'"):
        ScheduleLR(LR, clock="batches")
    with pytest.raises(ValueError, match=r"with clock='samples', resume with set_state_dict"):
        ScheduleLR(LR, clock="samples", last_epoch=5)
    with pytest.raises(ValueError, match=r"give `epoch` \(go to that count\) or `increment` \(advance by it\), not both"):
        ScheduleLR(LR, clock="samples").step(epoch=3, increment=8)


@given(batches=st.lists(st.integers(1, 4096), min_size=1, max_size=12))
def test_the_count_is_the_sum_of_the_increments_and_survives_resume(batches):
    sched = ScheduleLR(Warmup(Cosine(start_value=0.1, steps=20000), warmup_steps=1000), clock="tokens")
    for n in batches:
        sched.step(increment=n)
    assert sched.last_epoch == sum(batches) and sched() == sched.schedule(sum(batches))
    again = ScheduleLR(sched.schedule, clock="tokens")
    again.set_state_dict(sched.state_dict())
    assert again.last_epoch == sum(batches) and again() == sched()
    with pytest.raises(ValueError, match=r"the checkpoint counts tokens \(clock='tokens'\) and this scheduler steps"):
        ScheduleLR(sched.schedule, on_change="current").set_state_dict(sched.state_dict())


def test_a_plateau_on_a_sample_clock():
    sched = ScheduleLR(Constant(value=0.1) * lrcore.Plateau(factor=0.5, patience=0), clock="samples")
    for metric, n in ((1.0, 8), (2.0, 8), (3.0, 16)):
        sched.step(metric, increment=n)
    assert sched.last_epoch == 32 and sched() == 0.025
    with pytest.raises(ValueError, match="with clock='samples'"):
        sched.step(0.1)
    assert sched.best == 1.0
