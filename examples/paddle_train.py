"""Train a small paddle model with an lrcore schedule, checkpointing and resuming half way.

The schedule is written once with lrcore (a linear warmup, then a cosine decay) and handed to
paddle's AdamW through ``lrcore.adapters.paddle.ScheduleLR``, a real
``paddle.optimizer.lr.LRScheduler``: ``optimizer.get_lr()`` is the schedule's value at every
step. Half way, the optimizer state (which holds the scheduler's plain-data state) and the
model are saved with ``paddle.save``, loaded into fresh objects, and training goes on.

Run it with ``python examples/paddle_train.py [--steps N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import warnings

import numpy as np

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # paddle's import warns about ccache
    import paddle

import lrcore
from lrcore.adapters.paddle import ScheduleLR


def make_schedule(steps: int) -> lrcore.Schedule:
    """Linear warmup 0 -> 0.05 over the first 10% of the steps, then a cosine decay to 0.0005."""
    warmup = max(1, steps // 10)
    decay = lrcore.Cosine(start_value=0.05, steps=max(1, steps - warmup), end_value=0.0005)
    return lrcore.Warmup(decay, warmup_steps=warmup)


def make_data(seed: int, n: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """A noisy nonlinear regression problem: y = sin(x . a) + 0.5 x . b + noise."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 8)).astype("float32")
    a, b = rng.normal(size=8), rng.normal(size=8)
    y = np.sin(x @ a) + 0.5 * (x @ b) + 0.05 * rng.normal(size=n)
    return x, y.astype("float32").reshape(-1, 1)


def build(schedule: lrcore.Schedule) -> tuple[paddle.nn.Layer, paddle.optimizer.Optimizer, ScheduleLR]:
    model = paddle.nn.Sequential(paddle.nn.Linear(8, 32), paddle.nn.Tanh(), paddle.nn.Linear(32, 1))
    sched = ScheduleLR(schedule)
    opt = paddle.optimizer.AdamW(learning_rate=sched, parameters=model.parameters(), weight_decay=1e-4)
    return model, opt, sched


def run(schedule: lrcore.Schedule, data: tuple, start: int, stop: int, every: int, folder: str,
        resume: bool) -> tuple[float, paddle.nn.Layer]:
    """Updates start..stop-1 with fresh objects, resuming from `folder` or saving into it.

    paddle names parameters and optimizer accumulators with global counters, and its state
    dicts are keyed by those names; `unique_name.guard()` makes every run count from zero,
    as a fresh process would.
    """
    xt, yt = data
    batch, loss_value = 32, float("nan")
    with paddle.utils.unique_name.guard():
        model, opt, sched = build(schedule)
        if resume:
            model.set_state_dict(paddle.load(os.path.join(folder, "model.pdparams")))
            opt.set_state_dict(paddle.load(os.path.join(folder, "opt.pdopt")))  # restores the scheduler too
            print(f"resumed at step {start}: the scheduler is at step {sched.last_epoch}")
        for t in range(start, stop):
            i = (t * batch) % xt.shape[0]
            loss = paddle.mean((model(xt[i:i + batch]) - yt[i:i + batch]) ** 2)
            loss.backward()
            lr = opt.get_lr()  # the rate of this update: schedule(t)
            opt.step()
            opt.clear_grad()
            sched.step()
            loss_value = float(loss)
            if t % every == 0 or t == stop - 1:
                print(f"step {t:5d}  lr {lr:.6e}  loss {loss_value:.6f}")
        if not resume:
            paddle.save(model.state_dict(), os.path.join(folder, "model.pdparams"))
            paddle.save(opt.state_dict(), os.path.join(folder, "opt.pdopt"))
            print(f"checkpoint after step {stop - 1}")
    return loss_value, model


def train(steps: int, seed: int) -> None:
    paddle.set_device("cpu")
    paddle.seed(seed)
    schedule = make_schedule(steps)
    print("schedule phases:")
    print(schedule.describe())
    x, y = make_data(seed)
    data = (paddle.to_tensor(x), paddle.to_tensor(y))
    every, half = max(1, steps // 10), steps // 2
    with tempfile.TemporaryDirectory() as folder:
        first, _ = run(schedule, data, 0, half, every, folder, resume=False)
        last, model = run(schedule, data, half, steps, every, folder, resume=True)
    full = float(paddle.mean((model(data[0]) - data[1]) ** 2))
    print(f"loss: first half ends at {first:.6f}, last batch {last:.6f}, full data {full:.6f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300, help="optimizer updates (default 300)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.steps < 2:
        parser.error("--steps must be >= 2")
    train(args.steps, args.seed)


if __name__ == "__main__":
    main()
