"""Train a small JAX model with optax, its learning rate given by one lrcore schedule.

A two-layer MLP fits y = sin(3x) with ``optax.adamw``; the learning rate is a linear warmup
then a cosine decay, written once as an lrcore tree and handed to optax with
``lrcore.adapters.optax.as_schedule``. ``optax.inject_hyperparams`` records the rate each
update used, which the script prints next to the schedule's own value.

Run it with ``python examples/jax_train.py [--steps N]``.
"""

from __future__ import annotations

import argparse

import jax
import jax.numpy as jnp
import optax

import lrcore
from lrcore.adapters.optax import as_schedule


def make_schedule(steps: int) -> lrcore.Schedule:
    """Linear warmup 0 -> 1e-2 over the first 10% of `steps`, then cosine down to 1e-4."""
    warmup = max(1, steps // 10)
    return lrcore.Warmup(lrcore.Cosine(start_value=1e-2, steps=max(1, steps - warmup), end_value=1e-4),
                         warmup_steps=warmup)


def init_params(key: jax.Array, width: int = 32) -> dict:
    k1, k2 = jax.random.split(key)
    return {
        "w1": jax.random.normal(k1, (1, width)) * 1.0, "b1": jnp.zeros(width),
        "w2": jax.random.normal(k2, (width, 1)) / jnp.sqrt(width), "b2": jnp.zeros(1),
    }


def predict(params: dict, x: jax.Array) -> jax.Array:
    h = jnp.tanh(x @ params["w1"] + params["b1"])
    return h @ params["w2"] + params["b2"]


def loss_fn(params: dict, x: jax.Array, y: jax.Array) -> jax.Array:
    return jnp.mean((predict(params, x) - y) ** 2)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300, help="optimizer updates (>= 2)")
    args = parser.parse_args(argv)
    if args.steps < 2:
        parser.error("--steps must be >= 2")

    schedule = make_schedule(args.steps)
    print("schedule:", schedule)
    print(schedule.describe())

    kx, kp = jax.random.split(jax.random.PRNGKey(0))
    x = jax.random.uniform(kx, (256, 1), minval=-1.0, maxval=1.0)
    y = jnp.sin(3.0 * x)
    params = init_params(kp)
    opt = optax.inject_hyperparams(optax.adamw)(learning_rate=as_schedule(schedule), weight_decay=1e-4)
    state = opt.init(params)

    @jax.jit
    def train_step(params, state):
        loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
        updates, state = opt.update(grads, state, params)
        return optax.apply_updates(params, updates), state, loss

    report = sorted({0, 1, schedule.describe()[0].end, args.steps // 2, args.steps - 1} & set(range(args.steps)))
    first = None
    print(f"{'step':>6}  {'lr used':>12}  {'schedule':>12}  {'loss':>10}")
    for step in range(args.steps):
        params, state, loss = train_step(params, state)
        first = float(loss) if first is None else first
        if step in report:
            # after update `step`, inject_hyperparams holds the rate that update used: s(step)
            print(f"{step:>6}  {float(state.hyperparams['learning_rate']):>12.6e}  {schedule(step):>12.6e}  {float(loss):>10.6f}")
    final = float(loss_fn(params, x, y))
    print(f"loss: {first:.6f} -> {final:.6f}")


if __name__ == "__main__":
    main()
