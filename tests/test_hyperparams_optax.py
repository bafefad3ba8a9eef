"""lrcore.adapters.optax.inject: lrcore schedules for any optax hyperparameter, per group, on any clock.

The native loop is optax's own way to set a hyperparameter by hand:
``optax.inject_hyperparams(optax.adamw)(...)`` and, before each update,
``state.hyperparams[name] = s(t)`` written from the schedule's Python value. Under
``jax_enable_x64`` the values each update uses agree with ``s(t)`` to rtol 1e-12 (the
schedule is evaluated by jax ops in one loop and by Python floats in the other), and so do the
parameters after the run.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

jax = pytest.importorskip("jax")
optax = pytest.importorskip("optax")
import jax.numpy as jnp  # noqa: E402

import lrcore  # noqa: E402
from lrcore import Constant, Cosine, Linear, Warmup  # noqa: E402
from lrcore.adapters.optax import inject  # noqa: E402

LR = Warmup(Cosine(start_value=1e-2, steps=20, end_value=1e-3), warmup_steps=5)
B1 = Linear(start_value=0.85, end_value=0.95, steps=15)
WD = Cosine(start_value=0.1, steps=25, end_value=0.01)
STEPS = 30


def loss(params, x):
    return jnp.sum((jnp.tanh(x @ params["w"]) + params["b"]) ** 2)


def data(t: int):
    return jnp.asarray(np.random.default_rng(t).standard_normal((4, 3)))


def init_params():
    return {"w": jnp.asarray(np.linspace(-1.0, 1.0, 6).reshape(3, 2)), "b": jnp.zeros(2)}


def train(opt, steps=STEPS, before=None, extra=lambda t: {}, jit=True):
    """`before(state, t)` may write hyperparameters by hand; returns params and the values used."""
    params = init_params()
    state = opt.init(params)
    update = jax.jit(opt.update) if jit else opt.update
    used = []
    for t in range(steps):
        if before is not None:
            state = before(state, t)
        grads = jax.grad(loss)(params, data(t))
        updates, state = update(grads, state, params, **extra(t))
        params = optax.apply_updates(params, updates)
        used.append(state)
    return params, used


def close(a, b):
    for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b)):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=1e-12, atol=1e-15)


def set_by_hand(hp_of_state, schedules, clock_of=lambda t: t):
    def before(state, t):
        hp = hp_of_state(state)
        for name, s in schedules.items():
            hp[name] = jnp.asarray(s(clock_of(t)), dtype=hp[name].dtype)
        return state
    return before


def test_adamw_with_scheduled_lr_b1_weight_decay_as_the_hand_loop(jax_x64):
    ours, used = train(inject(optax.adamw, learning_rate=LR, b1=B1, weight_decay=WD, b2=0.99))
    native = optax.inject_hyperparams(optax.adamw)(learning_rate=0.0, b1=0.0, weight_decay=0.0, b2=0.99)
    theirs, _ = train(native, before=set_by_hand(lambda s: s.hyperparams, {"learning_rate": LR, "b1": B1, "weight_decay": WD}))
    close(ours, theirs)
    for t, st_ in enumerate(used):
        hp = st_.hyperparams
        assert float(hp["learning_rate"]) == pytest.approx(LR(t), rel=1e-12, abs=1e-18)
        assert (float(hp["b1"]), float(hp["weight_decay"]), float(hp["b2"])) == \
            (pytest.approx(B1(t), rel=1e-12), pytest.approx(WD(t), rel=1e-12), 0.99)


def test_two_groups_through_multi_transform_as_the_hand_loop(jax_x64):
    labels = {"w": "decay", "b": "no_decay"}
    ours, _ = train(optax.multi_transform(
        {"decay": inject(optax.adamw, learning_rate=LR, b1=B1, weight_decay=WD),
         "no_decay": inject(optax.sgd, learning_rate=LR * 0.5, momentum=Constant(value=0.9))}, labels))
    native = optax.multi_transform(
        {"decay": optax.inject_hyperparams(optax.adamw)(learning_rate=0.0, b1=0.0, weight_decay=0.0),
         "no_decay": optax.inject_hyperparams(optax.sgd)(learning_rate=0.0, momentum=0.9)}, labels)

    def before(state, t):
        set_by_hand(lambda s: s.inner_states["decay"].inner_state.hyperparams,
                    {"learning_rate": LR, "b1": B1, "weight_decay": WD})(state, t)
        set_by_hand(lambda s: s.inner_states["no_decay"].inner_state.hyperparams, {"learning_rate": LR * 0.5})(state, t)
        return state

    theirs, _ = train(native, before=before)
    close(ours, theirs)


def test_float32_by_default_and_numbers_pass_through():
    opt = inject(optax.adamw, learning_rate=LR, b1=0.9, weight_decay=WD)
    state = opt.init(init_params())
    assert state.hyperparams["learning_rate"].dtype == jnp.float32
    _, state = opt.update(init_params(), state, init_params())
    assert float(state.hyperparams["b1"]) == pytest.approx(0.9) and float(state.hyperparams["weight_decay"]) == \
        pytest.approx(WD(0), rel=1e-6)


@given(batches=st.lists(st.integers(1, 64), min_size=1, max_size=12), peak=st.floats(1e-4, 1e-1),
       warmup=st.integers(1, 100))
def test_a_sample_clock_as_the_hand_loop_on_the_sample_count(batches, peak, warmup):
    """Eager (a jit per drawn schedule would compile each time); test_a_sample_clock_under_jit compiles."""
    old = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    try:
        s = Warmup(Cosine(start_value=peak, steps=300), warmup_steps=warmup)
        seen = np.concatenate([[0], np.cumsum(batches)])
        with_clock = inject(optax.sgd, learning_rate=s, momentum=B1, clock="samples")
        ours, used = train(with_clock, steps=len(batches), extra=lambda t: {"increment": batches[t]}, jit=False)
        native = optax.inject_hyperparams(optax.sgd)(learning_rate=0.0, momentum=0.0)
        theirs, _ = train(native, steps=len(batches), jit=False,
                          before=set_by_hand(lambda st_: st_.hyperparams, {"learning_rate": s, "momentum": B1},
                                             clock_of=lambda t: int(seen[t])))
        close(ours, theirs)
        for t, st_ in enumerate(used):
            assert float(st_.hyperparams["learning_rate"]) == pytest.approx(s(int(seen[t])), rel=1e-12, abs=1e-18)
    finally:
        jax.config.update("jax_enable_x64", old)


def test_a_sample_clock_under_jit_with_a_batch_ramp(jax_x64):
    batches = [8, 8, 16, 16, 32, 32] * 4
    seen = np.concatenate([[0], np.cumsum(batches)])
    s = Warmup(Cosine(start_value=1e-2, steps=400), warmup_steps=64)
    ours, used = train(inject(optax.adamw, learning_rate=s, weight_decay=WD, clock="samples"), steps=len(batches),
                       extra=lambda t: {"increment": batches[t]})
    native = optax.inject_hyperparams(optax.adamw)(learning_rate=0.0, weight_decay=0.0)
    theirs, _ = train(native, steps=len(batches), before=set_by_hand(
        lambda st_: st_.hyperparams, {"learning_rate": s, "weight_decay": WD}, clock_of=lambda t: int(seen[t])))
    close(ours, theirs)
    assert int(used[-1].hyperparams_states["learning_rate"].count) == sum(batches)


@pytest.mark.parametrize("call, error, message", [
    (lambda: inject(optax.adamw, learning_rate=LR, beta1=B1), TypeError,
     r"inject: adamw takes no argument 'beta1'; it takes learning_rate, b1, b2, eps, eps_root, mu_dtype, weight_decay"),
    (lambda: inject(optax.sgd, learning_rate=0.1, clock="samples"), ValueError,
     r"clock='samples' but no argument is an lrcore schedule"),
    (lambda: inject(optax.sgd, learning_rate=LR, clock="epochs"), ValueError,
     r"inject: `clock` must be one of 'steps', 'samples', 'tokens', got clock='epochs'"),
    (lambda: inject(optax.sgd, learning_rate=LR * lrcore.Plateau(), clock="tokens"), TypeError,
     r"`learning_rate` is scaled by a Plateau, which counts updates; on clock='tokens' use a plain schedule"),
    (lambda: inject("adamw", learning_rate=LR), TypeError, r"`optimizer` must be an optax optimizer factory"),
])
def test_bad_injections_are_refused(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_a_clock_update_without_its_increment_is_refused():
    opt = inject(optax.sgd, learning_rate=LR, clock="tokens")
    params = init_params()
    state = opt.init(params)
    with pytest.raises(TypeError, match=r"runs on clock='tokens': pass the tokens of each update .* as `increment=`"):
        opt.update(params, state, params)
