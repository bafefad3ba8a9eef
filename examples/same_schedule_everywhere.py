"""One JSON config, three frameworks: torch, paddle and JAX/optax train with the same learning rates.

``examples/schedule.json`` holds an lrcore config (a warmup-stable-decay schedule). The script
loads it once, trains a tiny linear regression for the schedule's duration in each framework,

* PyTorch  through ``lrcore.adapters.torch.ScheduleLR(optimizer, schedule)``,
* paddle   through ``lrcore.adapters.paddle.ScheduleLR(schedule)`` as the optimizer's rate,
* JAX      through ``lrcore.adapters.optax.as_schedule(schedule)`` in ``optax.inject_hyperparams``,

records the rate each update used, prints them side by side at the key steps (where the
phases start and end), checks that they agree at every step, and draws the schedule.

Run it with ``make demo`` or ``python examples/same_schedule_everywhere.py [--config FILE]``.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

import lrcore
from lrcore._chart import chart

HERE = Path(__file__).resolve().parent
RTOL = 1e-12  # the project's contract: every library, every step


def make_data(n: int = 64, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4))
    y = x @ np.array([1.0, -2.0, 0.5, 3.0]) + 0.1 * rng.normal(size=n)
    return x, y.reshape(-1, 1)


def train_torch(schedule: lrcore.Schedule, steps: int, data) -> tuple[list[float], list[float]]:
    import torch

    from lrcore.adapters.torch import ScheduleLR

    torch.manual_seed(0)
    x, y = (torch.tensor(a) for a in data)
    model = torch.nn.Linear(4, 1).double()
    opt = torch.optim.Adam(model.parameters(), lr=0.0)
    sched = ScheduleLR(opt, schedule)
    used, losses = [], []
    for _ in range(steps):
        used.append(opt.param_groups[0]["lr"])  # the rate this update uses
        loss = torch.nn.functional.mse_loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        losses.append(loss.item())
    return used, losses


def train_paddle(schedule: lrcore.Schedule, steps: int, data) -> tuple[list[float], list[float]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # paddle's import warns about ccache
        import paddle

    from lrcore.adapters.paddle import ScheduleLR

    paddle.seed(0)
    x, y = (paddle.to_tensor(a.astype("float32")) for a in data)
    model = paddle.nn.Linear(4, 1)
    sched = ScheduleLR(schedule)
    opt = paddle.optimizer.Adam(learning_rate=sched, parameters=model.parameters())
    used, losses = [], []
    for _ in range(steps):
        loss = paddle.mean((model(x) - y) ** 2)
        loss.backward()
        used.append(opt.get_lr())  # the rate this update uses
        opt.step()
        opt.clear_grad()
        sched.step()
        losses.append(float(loss))
    return used, losses


def train_jax(schedule: lrcore.Schedule, steps: int, data) -> tuple[list[float], list[float]]:
    import jax

    jax.config.update("jax_enable_x64", True)  # float64 rates, as torch and paddle keep them
    import jax.numpy as jnp
    import optax

    from lrcore.adapters.optax import as_schedule

    x, y = (jnp.asarray(a) for a in data)
    params = {"w": jnp.zeros((4, 1)), "b": jnp.zeros(1)}
    opt = optax.inject_hyperparams(optax.adam)(learning_rate=as_schedule(schedule))
    state = opt.init(params)

    @jax.jit
    def update(params, state):
        loss, grads = jax.value_and_grad(lambda p: jnp.mean((x @ p["w"] + p["b"] - y) ** 2))(params)
        updates, state = opt.update(grads, state, params)
        return optax.apply_updates(params, updates), state, loss

    used, losses = [], []
    for _ in range(steps):
        params, state, loss = update(params, state)
        used.append(float(state.hyperparams["learning_rate"]))  # the rate this update used
        losses.append(float(loss))
    return used, losses


def key_steps(schedule: lrcore.Schedule, steps: int) -> list[tuple[str, int]]:
    """Where each phase starts and ends (its last step), within the training run."""
    out: dict[int, str] = {}
    for p in schedule.describe(until=steps):
        if p.start < steps:
            out.setdefault(p.start, f"{p.kind} start")
        if p.end is not None and p.start < p.end - 1 < steps:
            out.setdefault(p.end - 1, f"{p.kind} end")
    out.setdefault(steps - 1, "last step")
    return [(name, t) for t, name in sorted(out.items())]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=str(HERE / "schedule.json"), help="an lrcore config (lrcore.dumps JSON)")
    args = parser.parse_args(argv)
    schedule = lrcore.loads(Path(args.config).read_text())
    steps = schedule.duration or 200
    data = make_data()

    print(f"config: {Path(args.config).name}")
    print(schedule)
    print()
    print(schedule.describe())
    print()

    trained = {"torch": train_torch(schedule, steps, data), "paddle": train_paddle(schedule, steps, data),
               "jax": train_jax(schedule, steps, data)}
    runs = {k: used for k, (used, _) in trained.items()}
    want = [schedule(t) for t in range(steps)]

    print(f"{'':<20} {'step':>5}  {'schedule':>13}  {'torch':>13}  {'paddle':>13}  {'jax/optax':>13}")
    for name, t in key_steps(schedule, steps):
        cells = "  ".join(f"{runs[k][t]:>13.6e}" for k in ("torch", "paddle", "jax"))
        print(f"{name:<20} {t:>5}  {want[t]:>13.6e}  {cells}")
    print()

    ok = True
    for k, used in runs.items():
        worst = max(abs(u - w) / abs(w) if w else abs(u) for u, w in zip(used, want))
        same = worst <= RTOL
        bitwise = used == want
        ok &= same
        losses = trained[k][1]
        print(f"{k}: the {steps} rates equal the schedule: {same} (largest relative difference {worst:.1e}"
              f"{', bitwise' if bitwise else ''}); loss {losses[0]:.4f} -> {losses[-1]:.4f}")
    print()
    print("\n".join(chart(schedule, last_step=steps + steps // 10)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
