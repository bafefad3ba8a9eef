"""Gradient accumulation and mixed precision: the schedule's step is the number of real optimizer updates.

Semantics (what these tests pin down):

* torch, ``ScheduleLR(..., step_source="optimizer")``: the step is the optimizer's own update
  count. Accumulating gradients over k micro-batches and calling ``scheduler.step()`` after
  every micro-batch (or any number of times) still gives update j the rate ``s(j)``; an update
  that ``torch.amp.GradScaler`` skips (inf/NaN gradients) does not count, so the next real update
  gets the rate the skipped one would have had. With the default ``step_source="scheduler"``
  the step is the number of ``scheduler.step()`` calls: call it once per optimizer update (not
  per micro-batch, which would run the schedule k times too fast, as shown below).
* optax, ``optax.MultiSteps(optax.inject_hyperparams(opt)(learning_rate=as_schedule(s)), k)``:
  the schedule runs inside the inner optimizer, whose ``count`` advances once per real update
  (every k-th call); update j uses ``s(j)``. Under ``optax.apply_if_finite`` a non-finite update
  leaves the inner state, count included, as it was: skipped updates do not advance the schedule.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import lrcore

S = lrcore.Warmup(lrcore.Cosine(start_value=0.1, steps=30, end_value=1e-3), warmup_steps=4, start_value=0.01)
K = 4  # micro-batches per update
UPDATES = 12


# ------------------------------------------------------------------------------------ torch

def _torch_setup(step_source: str):
    torch = pytest.importorskip("torch")
    from lrcore.adapters.torch import ScheduleLR

    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1)
    opt = torch.optim.AdamW(model.parameters(), lr=0.0)
    used: list[float] = []
    opt.register_step_pre_hook(lambda o, a, k: used.append(o.param_groups[0]["lr"]))
    sched = ScheduleLR(opt, S, step_source=step_source)
    return torch, model, opt, sched, used


def _micro_batch(torch, model, i: int) -> "torch.Tensor":
    g = torch.Generator().manual_seed(i)
    x = torch.randn(8, 3, generator=g)
    return torch.nn.functional.mse_loss(model(x), x.sum(dim=1, keepdim=True)) / K


def _landed(opt, used_before: int, used: list) -> bool:
    return len(used) > used_before


@pytest.mark.parametrize("steps_per_micro_batch", [0, 1, 3])
def test_torch_accumulation_with_optimizer_step_source(steps_per_micro_batch: int) -> None:
    torch, model, opt, sched, used = _torch_setup("optimizer")
    for j in range(UPDATES):
        for m in range(K):
            _micro_batch(torch, model, j * K + m).backward()
            for _ in range(steps_per_micro_batch):  # however often the loop calls it
                sched.step()
        opt.step()
        opt.zero_grad()
    assert used == [S(j) for j in range(UPDATES)]
    assert sched.last_epoch == sched.optimizer_steps == UPDATES
    assert opt.param_groups[0]["lr"] == S(UPDATES)  # ready for the next update


def test_torch_accumulation_with_scheduler_step_source() -> None:
    """Default step source: step() once per optimizer update gives s(j); per micro-batch runs k times faster."""
    torch, model, opt, sched, used = _torch_setup("scheduler")
    for j in range(UPDATES):
        for m in range(K):
            _micro_batch(torch, model, j * K + m).backward()
        opt.step()
        opt.zero_grad()
        sched.step()
    assert used == [S(j) for j in range(UPDATES)]

    torch, model, opt, sched, used = _torch_setup("scheduler")
    for j in range(UPDATES):
        for m in range(K):
            _micro_batch(torch, model, j * K + m).backward()
            if m < K - 1:
                sched.step()  # the mistake: one step per micro-batch
        opt.step()
        opt.zero_grad()
        sched.step()
    assert used == [S(j * K + K - 1) for j in range(UPDATES)]


def test_torch_amp_skipped_updates_do_not_advance_with_accumulation() -> None:
    torch, model, opt, sched, used = _torch_setup("optimizer")
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**8)
    poisoned = {2, 5, 6, 9}  # windows whose accumulated gradients hold an inf
    real = 0
    for j in range(UPDATES):
        for m in range(K):
            scaler.scale(_micro_batch(torch, model, j * K + m)).backward()
            sched.step()
        if j in poisoned:
            model.weight.grad[0, 0] = math.inf
        before = len(used)
        scaler.step(opt)
        scaler.update()
        opt.zero_grad()
        ran = len(used) > before
        assert ran == (j not in poisoned), j
        real += ran
    assert used == [S(j) for j in range(real)]  # the real updates got s(0), s(1), ... with no gap
    assert sched.optimizer_steps == real == UPDATES - len(poisoned)
    assert opt.param_groups[0]["lr"] == S(real)


def test_torch_scheduler_step_source_counts_skipped_updates() -> None:
    """For contrast: stepping the scheduler once per loop iteration counts skipped updates too."""
    torch, model, opt, sched, used = _torch_setup("scheduler")
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**8)
    for j in range(6):
        for m in range(K):
            scaler.scale(_micro_batch(torch, model, j * K + m)).backward()
        if j == 2:
            model.weight.grad[0, 0] = math.inf
        scaler.step(opt)
        scaler.update()
        opt.zero_grad()
        sched.step()
    assert used == [S(j) for j in (0, 1, 3, 4, 5)]  # update 2 was skipped and its rate lost


# ------------------------------------------------------------------------------------- optax

def _grads(jnp, i: int, bad: bool = False):
    rng = np.random.default_rng(i)
    g = rng.normal(size=3)
    if bad:
        g[0] = np.nan
    return jnp.asarray(g, dtype=jnp.float64)  # the tests run under x64, parameters float64


def test_optax_multisteps_schedule_sees_the_inner_count(jax_x64) -> None:
    optax = pytest.importorskip("optax")
    jnp = jax_x64.numpy
    from lrcore.adapters.optax import as_schedule

    inner = optax.inject_hyperparams(optax.sgd)(learning_rate=as_schedule(S))
    opt = optax.MultiSteps(inner, every_k_schedule=K)
    params = jnp.zeros(3)
    state = opt.init(params)
    update = jax_x64.jit(opt.update)
    used, counts = [], []
    for i in range(UPDATES * K):
        updates, state = update(_grads(jnp, i), state, params)
        params = optax.apply_updates(params, updates)
        if (i + 1) % K == 0:  # a real update happened on this call
            used.append(float(state.inner_opt_state.hyperparams["learning_rate"]))
            counts.append(int(state.inner_opt_state.count))
        else:  # an accumulation call: the update is zero and the inner state did not move
            assert not np.any(np.asarray(updates))
            assert int(state.inner_opt_state.count) == (i + 1) // K
        assert int(state.gradient_step) == (i + 1) // K
    assert counts == list(range(1, UPDATES + 1))  # the inner count: once per real update
    np.testing.assert_allclose(used, [S(j) for j in range(UPDATES)], rtol=1e-12)  # update j used s(j)


def test_optax_multisteps_updates_use_the_scheduled_rate(jax_x64) -> None:
    """The parameters move by -s(j) * (mean of the k micro-batch gradients) at real update j."""
    optax = pytest.importorskip("optax")
    jnp = jax_x64.numpy
    from lrcore.adapters.optax import as_schedule

    opt = optax.MultiSteps(optax.inject_hyperparams(optax.sgd)(learning_rate=as_schedule(S)), every_k_schedule=K)
    params = jnp.zeros(3, dtype=jnp.float64)
    state = opt.init(params)
    update = jax_x64.jit(opt.update)
    want = np.zeros(3)
    for j in range(UPDATES):
        gs = [np.asarray(_grads(jnp, j * K + m), dtype=np.float64) for m in range(K)]
        for m in range(K):
            updates, state = update(jnp.asarray(gs[m], dtype=jnp.float64), state, params)
            params = optax.apply_updates(params, updates)
        want = want - S(j) * np.mean(gs, axis=0)
        # optax's MultiSteps keeps its gradient accumulator in float32 (seen in optax 0.2.x): float32 rounding
        np.testing.assert_allclose(np.asarray(params), want, rtol=1e-6, atol=1e-9)


def test_optax_apply_if_finite_skipped_updates_do_not_advance(jax_x64) -> None:
    optax = pytest.importorskip("optax")
    jnp = jax_x64.numpy
    from lrcore.adapters.optax import as_schedule

    opt = optax.apply_if_finite(optax.inject_hyperparams(optax.sgd)(learning_rate=as_schedule(S)),
                                max_consecutive_errors=5)
    params = jnp.zeros(3)
    state = opt.init(params)
    update = jax_x64.jit(opt.update)
    bad = {2, 3, 7}
    used = []
    for i in range(UPDATES):
        before = int(state.inner_state.count)
        updates, state = update(_grads(jnp, i, bad=i in bad), state, params)
        params = optax.apply_updates(params, updates)
        if i in bad:
            assert int(state.inner_state.count) == before and not np.any(np.asarray(updates))
        else:
            used.append(float(state.inner_state.hyperparams["learning_rate"]))
    np.testing.assert_allclose(used, [S(j) for j in range(UPDATES - len(bad))], rtol=1e-12)
    assert int(state.inner_state.count) == UPDATES - len(bad)
    assert int(state.total_notfinite) == len(bad)
