"""Train a small PyTorch model on CPU with one lrcore schedule, checkpoint mid-run, resume, compare.

A 3-layer MLP learns a smooth function of random inputs with AdamW. The learning rate follows
``Warmup(Cosine(...))`` through ``lrcore.adapters.torch.ScheduleLR``. One run goes straight
through; the other stops at the checkpoint step, writes model, optimizer and scheduler states
to a file, rebuilds everything from scratch (other initial weights), loads the file with
``torch.load(weights_only=True)`` and finishes. Both runs must match bitwise.

Run it with ``python examples/torch_train.py [--steps N] [--fast]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

import torch

import lrcore
from lrcore.adapters.torch import ScheduleLR

PEAK, END = 3e-3, 3e-5


def make_schedule(steps: int) -> lrcore.Schedule:
    """Linear warmup over the first 10% of `steps`, then a cosine decay from PEAK to END."""
    warmup = max(1, steps // 10)
    return lrcore.Warmup(lrcore.Cosine(start_value=PEAK, steps=max(1, steps - warmup), end_value=END),
                         warmup_steps=warmup)


def make_data(n: int = 512, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 8, generator=g)
    y = torch.sin(x[:, :4].sum(dim=1, keepdim=True)) + 0.1 * x[:, 4:5] * x[:, 5:6]
    return x, y


def build(schedule: lrcore.Schedule, seed: int):
    """Model, optimizer and scheduler; the model's initial weights depend on `seed`."""
    torch.manual_seed(seed)
    model = torch.nn.Sequential(
        torch.nn.Linear(8, 32), torch.nn.ReLU(),
        torch.nn.Linear(32, 32), torch.nn.ReLU(),
        torch.nn.Linear(32, 1),
    )
    # weight decay on the weights only: two param groups, one schedule for both
    decay = [p for n, p in model.named_parameters() if n.endswith("weight")]
    no_decay = [p for n, p in model.named_parameters() if n.endswith("bias")]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=PEAK)
    return model, opt, ScheduleLR(opt, schedule)


def train(model, opt, sched, data, start: int, stop: int, batch: int = 64) -> list[tuple[int, float, float]]:
    """Steps start..stop-1; returns (step, lr used, loss) for each."""
    x, y = data
    n_batches = x.shape[0] // batch
    log = []
    for t in range(start, stop):
        i = (t % n_batches) * batch
        lr = opt.param_groups[0]["lr"]  # the rate this update uses
        loss = torch.nn.functional.mse_loss(model(x[i:i + batch]), y[i:i + batch])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        log.append((t, lr, loss.item()))
    return log


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=400, help="total training steps (>= 4, default 400)")
    parser.add_argument("--fast", action="store_true", help="a short run (60 steps) for smoke tests")
    args = parser.parse_args(argv)
    steps = 60 if args.fast else args.steps
    if steps < 4:
        parser.error("--steps must be >= 4")
    torch.set_num_threads(1)  # small matrices: one thread is fastest, and bitwise reproducible
    schedule = make_schedule(steps)
    data = make_data()
    warmup = max(1, steps // 10)
    ckpt_step = steps // 2

    print(f"schedule: {lrcore.dumps(schedule)}")
    print(schedule.describe(until=steps + 1))
    print()

    # 1. straight through
    model, opt, sched = build(schedule, seed=0)
    straight = train(model, opt, sched, data, 0, steps)
    final_straight = [p.detach().clone() for p in model.parameters()]

    # 2. to the checkpoint, save, rebuild from scratch, load, finish
    model, opt, sched = build(schedule, seed=0)
    first = train(model, opt, sched, data, 0, ckpt_step)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "checkpoint.pt")
        torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "scheduler": sched.state_dict()}, path)
        del model, opt, sched
        ckpt = torch.load(path, weights_only=True)
    model, opt, sched = build(schedule, seed=1)  # other weights: loading must restore everything
    model.load_state_dict(ckpt["model"])
    opt.load_state_dict(ckpt["optimizer"])
    sched.load_state_dict(ckpt["scheduler"])
    print(f"checkpoint at step {ckpt_step}: scheduler state {sorted(ckpt['scheduler'])}")
    print(f"resumed at step {sched.last_epoch} with lr {opt.param_groups[0]['lr']:.10e}")
    resumed = first + train(model, opt, sched, data, ckpt_step, steps)
    final_resumed = list(model.parameters())
    print()

    keys = [("start", 0), ("warmup end - 1", warmup - 1), ("warmup end", warmup), ("checkpoint", ckpt_step),
            ("middle of decay", warmup + (steps - warmup) // 2), ("last step", steps - 1)]
    print(f"{'':<16} {'step':>5}  {'lr used':>16}  {'schedule(step)':>16}  {'loss':>10}")
    for name, t in keys:
        _, lr, loss = straight[t]
        print(f"{name:<16} {t:>5}  {lr:>16.10e}  {schedule(t):>16.10e}  {loss:>10.6f}")
    print()

    lrs_follow = all(lr == schedule(t) for t, lr, _ in straight)
    same_lrs = [(t, lr) for t, lr, _ in straight] == [(t, lr) for t, lr, _ in resumed]
    same_losses = [loss for *_, loss in straight] == [loss for *_, loss in resumed]
    same_params = all(torch.equal(a, b) for a, b in zip(final_straight, final_resumed))
    print(f"lrs equal the schedule at every step: {lrs_follow}")
    print(f"resumed lrs equal uninterrupted: {same_lrs}")
    print(f"resumed losses equal uninterrupted: {same_losses}")
    print(f"resumed parameters equal uninterrupted (bitwise): {same_params}")
    print(f"loss: {straight[0][2]:.6f} at step 0 -> {straight[-1][2]:.6f} at step {steps - 1}")
    return 0 if (lrs_follow and same_lrs and same_losses and same_params) else 1


if __name__ == "__main__":
    sys.exit(main())
