"""Resume PyTorch training from a checkpoint in a fresh process, and see a changed schedule refused.

1. Train a small MLP for ``--steps`` updates straight through (the reference).
2. Train again up to half way, save model, optimizer and scheduler ``state_dict()``s with
   ``torch.save``, and finish in a *fresh Python process* that rebuilds everything, loads the
   file with ``torch.load(weights_only=True)`` (the scheduler state is plain data) and goes on.
   Learning rates, losses and final weights equal the reference bitwise.
3. Load the same checkpoint under a *different* schedule (a longer decay): ``load_state_dict``
   raises ``ScheduleChangedError`` naming every changed field, unless
   ``allow_schedule_change=True``, which keeps the step count and continues on the new schedule.

Run it with ``python examples/resume_from_checkpoint.py [--steps N]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

import torch

import lrcore
from lrcore.adapters.torch import ScheduleChangedError, ScheduleLR

PEAK, END = 1e-2, 1e-4


def make_schedule(steps: int) -> lrcore.Schedule:
    """Linear warmup over the first 10% of `steps`, then a cosine decay from PEAK to END."""
    warmup = max(1, steps // 10)
    return lrcore.Warmup(lrcore.Cosine(start_value=PEAK, steps=steps - warmup, end_value=END), warmup_steps=warmup)


def build(schedule: lrcore.Schedule, seed: int = 0, **kwargs):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))
    opt = torch.optim.AdamW(model.parameters(), lr=PEAK, weight_decay=0.01)
    return model, opt, ScheduleLR(opt, schedule, **kwargs)


def train(model, opt, sched, start: int, stop: int) -> tuple[list[float], list[float]]:
    """Updates start..stop-1 on a fixed batch per step; the rates used and the losses."""
    lrs, losses = [], []
    for t in range(start, stop):
        g = torch.Generator().manual_seed(t)  # step t's batch, whatever process runs it
        x = torch.randn(32, 4, generator=g)
        y = torch.sin(x.sum(dim=1, keepdim=True))
        lrs.append(opt.param_groups[0]["lr"])
        loss = torch.nn.functional.mse_loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        losses.append(loss.item())
    return lrs, losses


def continue_in_this_process(path: str, steps: int) -> None:
    """The fresh process: rebuild with other weights, load the checkpoint, finish, save the result."""
    ckpt = torch.load(path, weights_only=True)
    model, opt, sched = build(make_schedule(steps), seed=1)
    model.load_state_dict(ckpt["model"])
    opt.load_state_dict(ckpt["optimizer"])
    sched.load_state_dict(ckpt["scheduler"])
    start = sched.last_epoch
    print(f"resumed in a fresh process (pid {os.getpid()}) at step {start} with lr {opt.param_groups[0]['lr']:.10e}")
    lrs, losses = train(model, opt, sched, start, steps)
    torch.save({"lrs": lrs, "losses": losses, "model": model.state_dict()}, path + ".done")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200, help="total training steps (>= 4, default 200)")
    parser.add_argument("--continue-from", metavar="FILE", help=argparse.SUPPRESS)  # the fresh process
    args = parser.parse_args(argv)
    if args.steps < 4:
        parser.error("--steps must be >= 4")
    torch.set_num_threads(1)  # bitwise reproducible across processes
    if args.continue_from:
        continue_in_this_process(args.continue_from, args.steps)
        return 0

    steps, half = args.steps, args.steps // 2
    schedule = make_schedule(steps)
    print(schedule.describe())
    print()

    # 1. the reference, straight through
    model, opt, sched = build(schedule)
    ref_lrs, ref_losses = train(model, opt, sched, 0, steps)
    ref_params = model.state_dict()

    # 2. half way, checkpoint, finish in a fresh process
    model, opt, sched = build(schedule)
    lrs, losses = train(model, opt, sched, 0, half)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "checkpoint.pt")
        torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "scheduler": sched.state_dict()}, path)
        state = sched.state_dict()
        print(f"checkpoint at step {half}: scheduler last_epoch {state['last_epoch']}, fingerprint {state['fingerprint']}")
        subprocess.run([sys.executable, __file__, "--steps", str(steps), "--continue-from", path], check=True)
        done = torch.load(path + ".done", weights_only=True)
        lrs, losses = lrs + done["lrs"], losses + done["losses"]
        same_params = all(torch.equal(done["model"][k], ref_params[k]) for k in ref_params)

        print(f"resumed lrs equal uninterrupted: {lrs == ref_lrs}")
        print(f"resumed losses equal uninterrupted: {losses == ref_losses}")
        print(f"resumed parameters equal uninterrupted (bitwise): {same_params}")
        print(f"lrs equal the schedule at every step: {ref_lrs == [schedule(t) for t in range(steps)]}")
        print(f"loss: {ref_losses[0]:.6f} at step 0 -> {ref_losses[-1]:.6f} at step {steps - 1}")
        print()

        # 3. the same checkpoint under another schedule: refused, unless allowed
        longer = make_schedule(2 * steps)
        ckpt = torch.load(path, weights_only=True)
        _, _, sched = build(longer)
        try:
            sched.load_state_dict(ckpt["scheduler"])
            refused = False
        except ScheduleChangedError as e:
            refused = True
            print(f"ScheduleChangedError: {e}")
            print(f"changes: {e.changes}")
        print()
        _, opt, sched = build(longer, allow_schedule_change=True)
        sched.load_state_dict(ckpt["scheduler"])
        lr = opt.param_groups[0]["lr"]
        print(f"allow_schedule_change=True: continues at step {sched.last_epoch} with lr {lr:.10e} "
              f"(the new schedule's value there: {longer(sched.last_epoch):.10e})")
    ok = lrs == ref_lrs and losses == ref_losses and same_params and refused and lr == longer(half)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
