"""Per-epoch versus per-iteration stepping: one schedule written in epochs, run per batch.

A schedule written in epochs (a cosine decay over ``--epochs``) drives a training loop that
steps the scheduler once per batch (``--steps-per-epoch`` batches per epoch):

* ``Stretch(s, factor=steps_per_epoch)`` reads step t as epoch t / steps_per_epoch: the rate
  changes smoothly, every batch (per-iteration stepping);
* ``Quantize(Stretch(s, ...), every=steps_per_epoch)`` holds each epoch's value for all its
  batches: what stepping the scheduler once per epoch gives, with the loop still stepping per
  batch.

The script checks both against torch: ``CosineAnnealingLR(T_max=epochs)`` stepped once per
epoch, and ``CosineAnnealingLR(T_max=epochs * steps_per_epoch)`` stepped once per batch.

Run it with ``python examples/epoch_vs_iteration.py [--epochs E] [--steps-per-epoch K]``.
"""

from __future__ import annotations

import argparse
import sys

import torch

import lrcore
from lrcore.adapters.torch import ScheduleLR

LR, ETA_MIN = 0.1, 0.001
RTOL = 1e-12  # torch's cosine is recursive and drifts by a few ulp


def rates_per_batch(make_sched, epochs: int, per_epoch: int, step_every_batch: bool) -> list[float]:
    """The rate each batch uses, with a scheduler stepped every batch or once per epoch."""
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=LR)
    sched = make_sched(opt)
    used = []
    for _ in range(epochs):
        for _ in range(per_epoch):
            used.append(opt.param_groups[0]["lr"])
            opt.step()
            if step_every_batch:
                sched.step()
        if not step_every_batch:
            sched.step()
    return used


def worst(a: list[float], b: list[float]) -> float:
    return max(abs(x - y) / max(abs(x), abs(y)) if x != y else 0.0 for x, y in zip(a, b))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10, help="epochs (>= 2, default 10)")
    parser.add_argument("--steps-per-epoch", type=int, default=50, help="batches per epoch (>= 2, default 50)")
    args = parser.parse_args(argv)
    if args.epochs < 2 or args.steps_per_epoch < 2:
        parser.error("--epochs and --steps-per-epoch must be >= 2")
    epochs, k = args.epochs, args.steps_per_epoch
    total = epochs * k

    in_epochs = lrcore.Cosine(start_value=LR, steps=epochs, end_value=ETA_MIN)
    per_iteration = lrcore.Stretch(in_epochs, factor=k)
    per_epoch = lrcore.Quantize(per_iteration, every=k)
    print(f"in epochs:     {in_epochs}")
    print(f"per iteration: Stretch(..., factor={k})")
    print(f"per epoch:     Quantize(Stretch(..., factor={k}), every={k})")
    print()

    print(f"{'epoch':>5} {'step':>6}  {'per epoch':>13}  {'per iteration':>13}")
    for t in sorted({0, k - 1, k, 2 * k - 1, 2 * k, total // 2, total - 1, total}):
        print(f"{t // k:>5} {t:>6}  {per_epoch(t):>13.6e}  {per_iteration(t):>13.6e}")
    print()

    # the same loop, stepping per batch through ScheduleLR, against torch's own schedulers
    ours_epoch = rates_per_batch(lambda o: ScheduleLR(o, per_epoch), epochs, k, step_every_batch=True)
    ours_iter = rates_per_batch(lambda o: ScheduleLR(o, per_iteration), epochs, k, step_every_batch=True)
    torch_epoch = rates_per_batch(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=epochs, eta_min=ETA_MIN),
                                  epochs, k, step_every_batch=False)
    torch_iter = rates_per_batch(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=total, eta_min=ETA_MIN),
                                 epochs, k, step_every_batch=True)
    held = all(per_epoch(t) == in_epochs(t // k) for t in range(total))
    a, b = worst(ours_epoch, torch_epoch), worst(ours_iter, torch_iter)
    print(f"per epoch: each epoch's {k} batches hold the value at its epoch: {held}")
    print(f"per epoch: equals torch CosineAnnealingLR(T_max={epochs}) stepped once per epoch: {a <= RTOL} "
          f"(largest relative difference {a:.1e})")
    print(f"per iteration: equals torch CosineAnnealingLR(T_max={total}) stepped every batch: {b <= RTOL} "
          f"(largest relative difference {b:.1e})")
    distinct = len(set(ours_epoch)), len(set(ours_iter))
    print(f"distinct rates over {total} batches: per epoch {distinct[0]}, per iteration {distinct[1]}")
    return 0 if (held and a <= RTOL and b <= RTOL) else 1


if __name__ == "__main__":
    sys.exit(main())
