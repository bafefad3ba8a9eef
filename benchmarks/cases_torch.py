"""torch: ``ScheduleLR.step()`` against the native scheduler of every ``lrcore.catalog.torch`` class.

Each case builds the same SGD optimizer (momentum 0.9, 1 or 10 param groups, lr 0.1) twice,
puts the native scheduler on one and ``ScheduleLR(opt, catalog X(...))`` on the other (with
the momentum schedule as ``extra`` where torch cycles the momentum: CyclicLR, OneCycleLR),
calls ``optimizer.step()`` once (torch's call-order check), then times ``scheduler.step()``
over a run of steps that crosses the schedule's phases. A fresh pair is built for every run,
outside the clock. Targets: at most 1.0 each; SequentialLR (warmup + cosine) and
ChainedScheduler at most 0.6 (torch steps every child scheduler there).
"""

from __future__ import annotations

import time
import warnings
from typing import Any, Callable, Iterator

from _timing import Config, Row, ratio_row

LR = 0.1


def _decay(epoch: int) -> float:
    return 0.999**epoch


def _keep(epoch: int) -> float:
    return 0.9995


def _cases(n: int) -> list[tuple[str, Callable, Callable, float]]:
    """(name, native(opt) -> scheduler, lrcore schedule factory -> (lr schedule, extra), limit);
    ``n`` is the number of steps a run takes (the schedules span it)."""
    import torch.optim.lr_scheduler as L

    from lrcore.catalog import torch as T

    q = max(2, n // 4)  # a phase length, so a run crosses several phases
    cyc = dict(base_lr=0.01, max_lr=0.1, step_size_up=max(1, q // 2), mode="triangular2")
    one = dict(max_lr=0.1, total_steps=n + 2)
    return [
        ("LambdaLR", lambda o: L.LambdaLR(o, lr_lambda=_decay),
         lambda: (T.LambdaLR(lr=LR, lr_lambda=_decay), None), 1.0),
        ("MultiplicativeLR", lambda o: L.MultiplicativeLR(o, lr_lambda=_keep),
         lambda: (T.MultiplicativeLR(lr=LR, lr_lambda=_keep), None), 1.0),
        ("StepLR", lambda o: L.StepLR(o, step_size=q, gamma=0.5),
         lambda: (T.StepLR(lr=LR, step_size=q, gamma=0.5), None), 1.0),
        ("MultiStepLR", lambda o: L.MultiStepLR(o, milestones=[q, 2 * q, 3 * q], gamma=0.5),
         lambda: (T.MultiStepLR(lr=LR, milestones=[q, 2 * q, 3 * q], gamma=0.5), None), 1.0),
        ("ConstantLR", lambda o: L.ConstantLR(o, factor=0.5, total_iters=2 * q),
         lambda: (T.ConstantLR(lr=LR, factor=0.5, total_iters=2 * q), None), 1.0),
        ("LinearLR", lambda o: L.LinearLR(o, start_factor=0.1, total_iters=2 * q),
         lambda: (T.LinearLR(lr=LR, start_factor=0.1, total_iters=2 * q), None), 1.0),
        ("ExponentialLR", lambda o: L.ExponentialLR(o, gamma=0.999),
         lambda: (T.ExponentialLR(lr=LR, gamma=0.999), None), 1.0),
        ("PolynomialLR", lambda o: L.PolynomialLR(o, total_iters=3 * q, power=2.0),
         lambda: (T.PolynomialLR(lr=LR, total_iters=3 * q, power=2.0), None), 1.0),
        ("CosineAnnealingLR", lambda o: L.CosineAnnealingLR(o, T_max=3 * q, eta_min=0.001),
         lambda: (T.CosineAnnealingLR(lr=LR, T_max=3 * q, eta_min=0.001), None), 1.0),
        ("CosineAnnealingWarmRestarts", lambda o: L.CosineAnnealingWarmRestarts(o, T_0=max(1, q // 2), T_mult=2, eta_min=0.001),
         lambda: (T.CosineAnnealingWarmRestarts(lr=LR, T_0=max(1, q // 2), T_mult=2, eta_min=0.001), None), 1.0),
        ("CyclicLR (+momentum)", lambda o: L.CyclicLR(o, **cyc),
         lambda: (T.CyclicLR(**cyc), {"momentum": T.CyclicLR_momentum(**cyc)}), 1.0),
        ("OneCycleLR (+momentum)", lambda o: L.OneCycleLR(o, **one),
         lambda: (T.OneCycleLR(**one), {"momentum": T.OneCycleLR_momentum(**one)}), 1.0),
        ("SequentialLR (warmup + cosine)",
         lambda o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.01, total_iters=q),
                                      L.CosineAnnealingLR(o, T_max=3 * q)], milestones=[q]),
         lambda: (T.SequentialLR(schedulers=[T.LinearLR(lr=LR, start_factor=0.01, total_iters=q),
                                             T.CosineAnnealingLR(lr=LR, T_max=3 * q)], milestones=[q]), None), 0.6),
        ("ChainedScheduler (constant + exponential)",
         lambda o: L.ChainedScheduler([L.ConstantLR(o, factor=0.5, total_iters=q), L.ExponentialLR(o, gamma=0.999)]),
         lambda: (T.ChainedScheduler(schedulers=[T.ConstantLR(lr=LR, factor=0.5, total_iters=q),
                                                 T.ExponentialLR(lr=LR, gamma=0.999)]), None), 0.6),
        ("ReduceLROnPlateau (step(metric))", lambda o: L.ReduceLROnPlateau(o, patience=5, factor=0.5),
         lambda: (T.ReduceLROnPlateau(lr=LR, patience=5, factor=0.5), None), 1.0),
    ]


def _optimizer(groups: int) -> Any:
    import torch

    params = [torch.nn.Parameter(torch.zeros(2)) for _ in range(groups)]
    return torch.optim.SGD([{"params": [p]} for p in params], lr=LR, momentum=0.9)


def _metrics(n: int) -> list[float]:
    # a loss that improves, stalls, improves again: the plateau acts now and then
    return [1.0 / (1 + (i // 7) % 5 + i // 35) for i in range(n)]


def runner(make: Callable[[Any], Any], groups: int, plateau: bool) -> Callable[[int], float]:
    """A runner: fresh optimizer and scheduler (untimed), then ``n`` timed ``step()`` calls."""

    def run(n: int) -> float:
        opt = _optimizer(groups)
        sched = make(opt)
        opt.step()  # before the first scheduler.step(), as torch asks
        step = sched.step
        if plateau:
            metrics = _metrics(n)
            t0 = time.perf_counter()
            for m in metrics:
                step(m)
            return time.perf_counter() - t0
        it = range(n)
        t0 = time.perf_counter()
        for _ in it:
            step()
        return time.perf_counter() - t0

    return run


def rows(cfg: Config) -> Iterator[Row]:
    from lrcore.adapters.torch import ScheduleLR

    n = cfg.torch_steps
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's deprecation notes on some constructors
        for name, native, ours, limit in _cases(n):
            plateau = name.startswith("ReduceLROnPlateau")

            def lrcore(opt: Any, ours: Callable = ours) -> Any:
                lr, extra = ours()
                return ScheduleLR(opt, lr, extra=extra)

            for groups in (1, 10):
                case = f"`ScheduleLR.step()` vs {name}, {groups} group{'s' * (groups > 1)}"
                yield ratio_row("torch", case, runner(lrcore, groups, plateau), runner(native, groups, plateau),
                                n, cfg, limit=limit)
