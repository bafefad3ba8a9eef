"""paddle: ``ScheduleLR.step()`` plus the optimizer's read of the rate, against each native scheduler.

For every class of ``paddle.optimizer.lr`` that ``lrcore.catalog.paddle`` names, the same
keyword arguments build the native scheduler and ``ScheduleLR(catalog X(...))``; each drives an
SGD optimizer, and a timed step is ``scheduler.step(); optimizer.get_lr()`` (the rate the next
update reads). ReduceOnPlateau steps with a metric. A fresh pair is built for every run,
outside the clock. Target: at most 1.5 each.
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


def _cases(n: int) -> list[tuple[str, dict]]:
    q = max(2, n // 4)  # a phase length, so a run crosses several phases
    return [
        ("NoamDecay", dict(d_model=512, warmup_steps=q, learning_rate=1.0)),
        ("PiecewiseDecay", dict(boundaries=[q, 2 * q, 3 * q], values=[0.1, 0.05, 0.01, 0.001])),
        ("NaturalExpDecay", dict(learning_rate=LR, gamma=0.001)),
        ("InverseTimeDecay", dict(learning_rate=LR, gamma=0.01)),
        ("PolynomialDecay", dict(learning_rate=LR, decay_steps=3 * q, end_lr=0.001, power=2.0)),
        ("PolynomialDecay (cycle)", dict(learning_rate=LR, decay_steps=q, end_lr=0.001, power=2.0, cycle=True)),
        ("LinearWarmup", dict(learning_rate=LR, warmup_steps=q, start_lr=0.0, end_lr=LR)),
        ("ExponentialDecay", dict(learning_rate=LR, gamma=0.999)),
        ("MultiStepDecay", dict(learning_rate=LR, milestones=[q, 2 * q, 3 * q], gamma=0.5)),
        ("StepDecay", dict(learning_rate=LR, step_size=q, gamma=0.5)),
        ("LambdaDecay", dict(learning_rate=LR, lr_lambda=_decay)),
        ("MultiplicativeDecay", dict(learning_rate=LR, lr_lambda=_keep)),
        ("CosineAnnealingDecay", dict(learning_rate=LR, T_max=3 * q, eta_min=0.001)),
        ("OneCycleLR", dict(max_learning_rate=LR, total_steps=n + 2)),
        ("CyclicLR", dict(base_learning_rate=0.01, max_learning_rate=LR, step_size_up=max(1, q // 2), mode="triangular2")),
        ("LinearLR", dict(learning_rate=LR, total_steps=2 * q, start_factor=0.1)),
        ("CosineAnnealingWarmRestarts", dict(learning_rate=LR, T_0=max(1, q // 2), T_mult=2, eta_min=0.001)),
        ("ReduceOnPlateau (step(metric))", dict(learning_rate=LR, patience=5, factor=0.5)),
    ]


def _metrics(n: int) -> list[float]:
    return [1.0 / (1 + (i // 7) % 5 + i // 35) for i in range(n)]


def runner(make: Callable[[], Any], plateau: bool) -> Callable[[int], float]:
    """A runner: fresh scheduler and optimizer (untimed), then ``n`` timed steps and rate reads."""
    import paddle

    layer = paddle.nn.Linear(2, 1)

    def run(n: int) -> float:
        sched = make()
        opt = paddle.optimizer.SGD(learning_rate=sched, parameters=layer.parameters())
        step, read = sched.step, opt.get_lr
        if plateau:
            metrics = _metrics(n)
            t0 = time.perf_counter()
            for m in metrics:
                step(m)
                read()
            return time.perf_counter() - t0
        it = range(n)
        t0 = time.perf_counter()
        for _ in it:
            step()
            read()
        return time.perf_counter() - t0

    return run


def rows(cfg: Config) -> Iterator[Row]:
    import paddle.optimizer.lr as L

    from lrcore.adapters.paddle import ScheduleLR
    from lrcore.catalog import paddle as P

    n = cfg.paddle_steps
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, kw in _cases(n):
            cls = name.split(" ")[0]
            plateau = cls == "ReduceOnPlateau"

            def ours(cls: str = cls, kw: dict = kw) -> Any:
                return ScheduleLR(getattr(P, cls)(**kw))

            def native(cls: str = cls, kw: dict = kw) -> Any:
                return getattr(L, cls)(**kw)

            yield ratio_row("paddle", f"`ScheduleLR.step()` + `opt.get_lr()` vs {name}",
                            runner(ours, plateau), runner(native, plateau), n, cfg, limit=1.5)
