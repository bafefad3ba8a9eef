"""A training script that checkpoints every update and can be killed right after one (tests/test_crash_resume.py).

    python tests/resume_worker.py FRAMEWORK --schedule JSON --ckpt PATH --out PATH --total N
                                  [--crash-at K --crash-how self|parent]
                                  [--on-change error|checkpoint|current]

FRAMEWORK is ``torch`` (lrcore.adapters.torch.ScheduleLR + AdamW), ``paddle``
(lrcore.adapters.paddle.ScheduleLR + AdamW) or ``jax`` (optax.inject_hyperparams(optax.adamw)
with lrcore.adapters.optax.as_schedule). The script resumes from PATH if it exists (printing
``resumed at K``), runs updates until N, and after each one writes the whole state (parameters,
optimizer, scheduler, the rates used so far) atomically: a temporary file, flushed and fsynced,
then ``os.replace``. Right after checkpoint K it prints ``checkpointed K`` and, with
``--crash-how self``, SIGKILLs itself; with ``parent`` it waits to be killed. At the end it
writes the rates used and the final parameters as JSON to ``--out``. ``--on-change`` is the
torch and paddle ``ScheduleLR``'s resume policy for a checkpoint saved under another schedule.

Everything is deterministic on CPU: data for update t comes from a generator seeded with t.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import signal
import sys
import time
from typing import Any, Callable

import numpy as np

import lrcore


def batch(t: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1000 + t)
    x = rng.normal(size=(8, 4)).astype(np.float32)
    return x, np.sin(x.sum(axis=1, keepdims=True)).astype(np.float32)


def atomic_write(path: str, write: Callable[[str], None]) -> None:
    """Write through `write(tmp_path)`, make it durable, then move it over `path` in one step."""
    tmp = path + ".tmp"
    write(tmp)
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


def after_checkpoint(step: int, args: argparse.Namespace) -> None:
    if args.crash_at != step:
        return
    print(f"checkpointed {step}", flush=True)
    if args.crash_how == "self":
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(600)  # the parent kills us now
    raise SystemExit("not killed")  # pragma: no cover


def finish(args: argparse.Namespace, lrs: list, params: list) -> None:
    with open(args.out, "w") as f:
        json.dump({"lrs": lrs, "params": params}, f)


# ----------------------------------------------------------------------------------- torch

def run_torch(s: lrcore.Schedule, args: argparse.Namespace) -> None:
    import torch

    from lrcore.adapters.torch import ScheduleLR

    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    opt = torch.optim.AdamW(model.parameters(), lr=0.0, weight_decay=0.01)
    sched = ScheduleLR(opt, s, on_change=args.on_change)
    start, lrs = 0, []
    if os.path.exists(args.ckpt):
        ck = torch.load(args.ckpt, weights_only=True)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        sched.load_state_dict(ck["sched"])  # under another schedule: ScheduleChangedError, or on_change's policy
        start, lrs = ck["step"], list(ck["lrs"])
        print(f"resumed at {start}", flush=True)
    for t in range(start, args.total):
        x, y = map(torch.from_numpy, batch(t))
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
        state = {"step": t + 1, "lrs": lrs, "model": model.state_dict(), "opt": opt.state_dict(),
                 "sched": sched.state_dict()}
        atomic_write(args.ckpt, lambda p: torch.save(state, p))
        after_checkpoint(t + 1, args)
    finish(args, lrs, [v for p in model.parameters() for v in p.detach().reshape(-1).tolist()])


# ---------------------------------------------------------------------------------- paddle

def run_paddle(s: lrcore.Schedule, args: argparse.Namespace) -> None:
    import paddle

    from lrcore.adapters.paddle import ScheduleLR

    paddle.set_device("cpu")
    paddle.seed(0)
    model = paddle.nn.Sequential(paddle.nn.Linear(4, 8), paddle.nn.Tanh(), paddle.nn.Linear(8, 1))
    sched = ScheduleLR(s, on_change=args.on_change)
    opt = paddle.optimizer.AdamW(learning_rate=sched, parameters=model.parameters(), weight_decay=0.01)
    start, lrs = 0, []
    if os.path.exists(args.ckpt):
        ck = paddle.load(args.ckpt)
        model.set_state_dict(ck["model"])
        opt.set_state_dict(ck["opt"])  # restores the scheduler too, checking the schedule
        start, lrs = ck["step"], list(ck["lrs"])
        assert sched.last_epoch == start, (sched.last_epoch, start)
        print(f"resumed at {start}", flush=True)
    for t in range(start, args.total):
        x, y = map(paddle.to_tensor, batch(t))
        loss = paddle.mean((model(x) - y) ** 2)
        loss.backward()
        lrs.append(opt.get_lr())
        opt.step()
        opt.clear_grad()
        sched.step()
        state = {"step": t + 1, "lrs": lrs, "model": model.state_dict(), "opt": opt.state_dict()}
        atomic_write(args.ckpt, lambda p: paddle.save(state, p))
        after_checkpoint(t + 1, args)
    finish(args, lrs, [float(v) for p in model.parameters() for v in p.numpy().reshape(-1)])


# ------------------------------------------------------------------------------------- jax

def run_jax(s: lrcore.Schedule, args: argparse.Namespace) -> None:
    import jax
    import jax.numpy as jnp
    import optax

    from lrcore.adapters.optax import as_schedule

    opt = optax.inject_hyperparams(optax.adamw)(learning_rate=as_schedule(s), weight_decay=0.01)

    def loss_fn(params: Any, x: Any, y: Any) -> Any:
        h = jnp.tanh(x @ params["w1"] + params["b1"])
        return jnp.mean((h @ params["w2"] + params["b2"] - y) ** 2)

    @jax.jit
    def update(params: Any, state: Any, x: Any, y: Any) -> tuple:
        grads = jax.grad(loss_fn)(params, x, y)
        updates, state = opt.update(grads, state, params)
        return optax.apply_updates(params, updates), state

    def host(tree: Any) -> Any:
        return jax.tree.map(np.asarray, tree)

    def device(tree: Any) -> Any:
        return jax.tree.map(jnp.asarray, tree)

    if os.path.exists(args.ckpt):
        with open(args.ckpt, "rb") as f:
            ck = pickle.load(f)
        if ck["fingerprint"] != s.fingerprint:  # optax keeps no schedule in its state: check it here
            raise SystemExit(f"checkpoint written under schedule {ck['fingerprint']}, now {s.fingerprint}")
        params, state, start, lrs = device(ck["params"]), device(ck["opt"]), ck["step"], list(ck["lrs"])
        print(f"resumed at {start}", flush=True)
    else:
        rng = np.random.default_rng(0)
        params = {"w1": rng.normal(size=(4, 8)).astype(np.float32) * 0.5, "b1": np.zeros(8, np.float32),
                  "w2": rng.normal(size=(8, 1)).astype(np.float32) * 0.5, "b2": np.zeros(1, np.float32)}
        # through the host form a checkpoint has, so a fresh run and a resumed one trace the same types
        params = device(params)
        state, start, lrs = device(host(opt.init(params))), 0, []
    for t in range(start, args.total):
        x, y = batch(t)
        params, state = update(params, state, x, y)
        lrs.append(float(state.hyperparams["learning_rate"]))  # the rate update t used
        ck = {"step": t + 1, "lrs": lrs, "params": host(params), "opt": host(state), "fingerprint": s.fingerprint}

        def write(p: str, ck: dict = ck) -> None:
            with open(p, "wb") as f:
                pickle.dump(ck, f)

        atomic_write(args.ckpt, write)
        after_checkpoint(t + 1, args)
    finish(args, lrs, [float(v) for k in sorted(params) for v in np.asarray(params[k]).reshape(-1)])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("framework", choices=["torch", "paddle", "jax"])
    ap.add_argument("--schedule", required=True, help="lrcore.dumps text")
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--total", type=int, required=True)
    ap.add_argument("--crash-at", type=int, default=None)
    ap.add_argument("--crash-how", choices=["self", "parent"], default="self")
    ap.add_argument("--on-change", choices=["error", "checkpoint", "current"], default="error")
    args = ap.parse_args(argv)
    s = lrcore.loads(args.schedule)
    {"torch": run_torch, "paddle": run_paddle, "jax": run_jax}[args.framework](s, args)


if __name__ == "__main__":
    sys.exit(main())
