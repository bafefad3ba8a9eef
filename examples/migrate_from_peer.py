"""Move a PyTorch scheduler config to lrcore through the catalog, and check it number for number.

Training configs often name a torch scheduler and its arguments. ``lrcore.catalog.torch`` has
every torch scheduler under its own name and parameter names (the base rate as ``lr`` instead
of an optimizer), so the same arguments give an lrcore schedule: a pure-math tree that runs in
torch, paddle and JAX, stores as JSON and resumes safely. For each config below the script
steps the real torch scheduler, evaluates the lrcore tree, and prints the largest difference.

Run it with ``python examples/migrate_from_peer.py [--steps N]``.
"""

from __future__ import annotations

import argparse
import inspect
import sys

import torch

import lrcore
from lrcore.catalog import torch as catalog

RTOL = 1e-12

# what a training config might hold: the torch class and its arguments (lr: the optimizer's)
CONFIGS = [
    {"scheduler": "OneCycleLR", "lr": 0.1, "args": {"max_lr": 0.1, "total_steps": 300, "pct_start": 0.25}},
    {"scheduler": "CosineAnnealingWarmRestarts", "lr": 0.05, "args": {"T_0": 40, "T_mult": 2, "eta_min": 1e-4}},
    {"scheduler": "MultiStepLR", "lr": 0.1, "args": {"milestones": [100, 200, 250], "gamma": 0.2}},
    {"scheduler": "SequentialLR", "lr": 0.01, "args": {"milestones": [30]},
     "schedulers": [{"scheduler": "LinearLR", "args": {"start_factor": 0.01, "end_factor": 1.0, "total_iters": 30}},
                    {"scheduler": "CosineAnnealingLR", "args": {"T_max": 270, "eta_min": 1e-5}}]},
]


def to_torch(cfg: dict, opt: torch.optim.Optimizer):
    """The real torch scheduler a config names."""
    cls = getattr(torch.optim.lr_scheduler, cfg["scheduler"])
    if "schedulers" in cfg:
        return cls(opt, schedulers=[to_torch(c, opt) for c in cfg["schedulers"]], **cfg["args"])
    return cls(opt, **cfg["args"])


def to_lrcore(cfg: dict, lr: float) -> lrcore.Schedule:
    """The same config through the catalog: the same name, the same arguments, plus the base rate
    (``lr``, where torch takes it from the optimizer; OneCycleLR and CyclicLR set it themselves)."""
    fn = getattr(catalog, cfg["scheduler"])
    if "schedulers" in cfg:
        return fn(schedulers=[to_lrcore(c, lr) for c in cfg["schedulers"]], **cfg["args"])
    base = {"lr": lr} if "lr" in inspect.signature(fn).parameters else {}
    return fn(**base, **cfg["args"])


def torch_rates(cfg: dict, steps: int) -> list[float]:
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=cfg["lr"])
    sched = to_torch(cfg, opt)
    used = []
    for _ in range(steps):
        used.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return used


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300, help="steps compared (2..300, default 300: OneCycleLR's total)")
    args = parser.parse_args(argv)
    if not 2 <= args.steps <= 300:
        parser.error("--steps must be between 2 and 300")
    ok = True
    for cfg in CONFIGS:
        schedule = to_lrcore(cfg, cfg["lr"])
        want = torch_rates(cfg, args.steps)
        got = schedule.evaluate(range(args.steps)).tolist()
        worst = max(abs(g - w) / max(abs(g), abs(w)) if g != w else 0.0 for g, w in zip(got, want))
        equal = worst <= RTOL
        ok &= equal
        print(f"torch.optim.lr_scheduler.{cfg['scheduler']}")
        print(f"  lrcore:  {lrcore.dumps(schedule)}")
        print(f"  equal over {args.steps} steps: {equal} (largest relative difference {worst:.1e}); "
              f"at step {args.steps - 1}: torch {want[-1]:.10e}, lrcore {got[-1]:.10e}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
