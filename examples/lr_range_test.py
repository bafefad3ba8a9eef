"""An LR range test on a small PyTorch model (CPU, a few seconds): run it, suggest a rate, plot it.

The learning rate rises exponentially from 1e-6 to 10 over 200 SGD updates
(``lrcore.RangeTest``) through ``lrcore.adapters.torch.ScheduleLR``; each update's loss is
recorded, and the run stops once the smoothed loss passes 4 times its best so far (fastai's
and Lightning's divergence rule). Lightning's "gradient" is the slope per unit of lr (not of
log lr), so on a log sweep it tends to point at the low end. ``lrcore.suggest_lr`` then reads the smoothed losses (beta 0.98,
as both record them) with fastai's "valley" rule and Lightning's steepest "gradient", the
result is checked by training briefly at the suggested rate, and the loss-vs-lr curve with
both suggestions (and the schedule itself, drawn by ``Schedule.plot``) is saved as a PNG.

Run it with ``python examples/lr_range_test.py [--out FILE.png] [--steps N]`` (the plot needs
matplotlib: ``pip install 'lrcore[plot]'``; without ``--out`` it goes to a temporary directory).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile

import torch

import lrcore
from lrcore.adapters.torch import ScheduleLR

START, END, STOP_FACTOR, BETA = 1e-6, 10.0, 4.0, 0.98


def make_data(n: int = 256, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 8, generator=g)
    y = torch.tanh(x[:, :4].sum(dim=1, keepdim=True)) + 0.1 * x[:, 4:5]
    return x, y


def make_model(seed: int = 0) -> torch.nn.Module:
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(8, 32), torch.nn.Tanh(), torch.nn.Linear(32, 1))


def range_test(steps: int, batch: int = 32) -> tuple[list[float], list[float]]:
    """The rate and loss of each update until the smoothed loss diverges (or `steps` updates)."""
    x, y = make_data()
    model = make_model()
    opt = torch.optim.SGD(model.parameters(), lr=START, momentum=0.9)
    sched = ScheduleLR(opt, lrcore.RangeTest(START, END, steps=steps))
    lrs, losses, best, avg = [], [], math.inf, 0.0
    for t in range(steps + 1):
        i = (t * batch) % x.shape[0]
        loss = torch.nn.functional.mse_loss(model(x[i:i + batch]), y[i:i + batch])
        lrs.append(opt.param_groups[0]["lr"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        value = loss.item()
        losses.append(value)
        avg = BETA * avg + (1 - BETA) * value  # the smoothed loss the peers stop on
        smooth = avg / (1 - BETA ** (t + 1))
        if not math.isfinite(value) or (t >= 1 and smooth > STOP_FACTOR * best):
            break
        best = min(best, smooth)
    return lrs, losses


def train_at(lr: float, updates: int = 100, batch: int = 32) -> float:
    """The mean loss of the last 20 of `updates` SGD updates at a constant rate."""
    x, y = make_data()
    model = make_model()
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    tail = []
    for t in range(updates):
        i = (t * batch) % x.shape[0]
        loss = torch.nn.functional.mse_loss(model(x[i:i + batch]), y[i:i + batch])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if t >= updates - 20:
            tail.append(loss.item())
    return sum(tail) / len(tail)


def save_plot(path: str, lrs: list[float], losses: list[float], smooth: list[float], picks: dict, steps: int) -> None:
    import matplotlib

    matplotlib.use("Agg")  # files only: no window
    import matplotlib.pyplot as plt

    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax.plot(lrs, losses, alpha=0.3, label="loss")
    ax.plot(lrs, smooth, label=f"smoothed (beta {BETA})")
    for (name, lr), colour in zip(picks.items(), ("red", "green")):
        ax.axvline(lr, color=colour, linestyle="--", label=f"{name}: {lr:.2e}")
    ax.set_xscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("loss")
    ax.set_ylim(0, 2 * max(smooth[0], min(smooth)))
    ax.legend()
    lrcore.RangeTest(START, END, steps=steps).plot(ax=ax2, steps=steps, log=True)
    ax2.set_xlabel("update")
    ax2.set_ylabel("learning rate (RangeTest)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", help="where to save the plot (PNG); default: a temporary directory")
    ap.add_argument("--steps", type=int, default=200, help="updates from 1e-6 to 10 (default 200)")
    args = ap.parse_args(argv)

    lrs, losses = range_test(args.steps)
    print(f"range test: {len(lrs)} updates, lr {lrs[0]:.2e} .. {lrs[-1]:.2e}, "
          f"{'stopped: the loss diverged' if len(lrs) <= args.steps else 'ran to the end'}")
    smooth_kw = dict(beta=BETA, stop_factor=STOP_FACTOR, num_it=args.steps)
    picks = {"valley": lrcore.suggest_lr(lrs, losses, "valley", **smooth_kw),
             "gradient": lrcore.suggest_lr(lrs, losses, "gradient", **smooth_kw)}
    for name, lr in picks.items():
        print(f"suggested lr ({name}): {lr:.3e}")
    base, at = train_at(START), train_at(picks["valley"])
    print(f"100 updates at 1e-6: loss {base:.4f}; at the valley suggestion: loss {at:.4f}")

    from lrcore._rangetest import _smooth  # the same smoothing suggest_lr applies

    path = args.out or os.path.join(tempfile.mkdtemp(prefix="lrcore-"), "lr_range_test.png")
    try:
        save_plot(path, lrs, losses, _smooth(losses, BETA), picks, args.steps)
    except ImportError:
        print("no plot: matplotlib is not installed (pip install 'lrcore[plot]')")
        return 0
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
