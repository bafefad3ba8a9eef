"""lightning-bolts' scheduler (``pl_bolts.optimizers.lr_scheduler``) under its own name, as an lrcore tree.

``LinearWarmupCosineAnnealingLR(lr=..., warmup_epochs=..., max_epochs=...)`` returns a
`lrcore.Schedule` whose value at t is the lr bolts' scheduler gives a parameter group whose lr
is ``lr`` after t ``step()`` calls (its ``last_epoch = t``; t = 0 is what the constructor
writes), the way bolts recommends stepping it: once per update (its "epochs" are then
updates). Values are absolute, as bolts'. Nothing here imports bolts, Lightning or torch.

>>> from lrcore.catalog import bolts
>>> s = bolts.LinearWarmupCosineAnnealingLR(lr=1.0, warmup_epochs=3, max_epochs=7)
>>> [f"{s(t):.4f}" for t in range(12)]
['0.0000', '0.5000', '1.0000', '1.0000', '0.8536', '0.5000', '0.1464', '0.0000', '0.1464', '0.5000', '0.8536', '1.0000']
"""

from __future__ import annotations

from typing import Any

from .._base import Schedule
from .._combinators import Restart, Sequential, Shift
from .._errors import ScheduleError, ScheduleTypeError, check_real, check_steps
from .._primitives import Constant, Cosine, Linear

__all__ = ["LinearWarmupCosineAnnealingLR"]


def _waves(peak: float, low: float, half: int) -> Schedule:
    """``low + (peak - low) * (1 + cos(pi t / half)) / 2`` at every t: down to low over `half`
    steps, back up over the next `half`, and so on."""
    return Restart(Sequential(parts=[Cosine(start_value=peak, steps=half, end_value=low),
                                     Cosine(start_value=low, steps=half, end_value=peak)]), period_steps=2 * half)


def LinearWarmupCosineAnnealingLR(*, lr: float, warmup_epochs: int, max_epochs: int, warmup_start_lr: float = 0.0,
                                  eta_min: float = 0.0) -> Schedule:
    """lightning-bolts ``LinearWarmupCosineAnnealingLR``: a line from ``warmup_start_lr`` to ``lr``,
    then a cosine down to ``eta_min`` at ``max_epochs``, which keeps going (back up, down again).

    With ``W = warmup_epochs``, ``T = max_epochs``::

        t < W:   warmup_start_lr + t * (lr - warmup_start_lr) / (W - 1)   (lr at t = W - 1; t = 0 only if W = 1)
        t >= W:  eta_min + (lr - eta_min) * (1 + cos(pi * (t - W) / (T - W))) / 2

    Two quirks of bolts, kept: the line divides by ``W - 1``, so it reaches ``lr`` one step
    early and ``lr`` holds for two steps (``W - 1`` and ``W``); the cosine is not held at
    ``eta_min`` after ``T`` but keeps cycling with period ``2 (T - W)``. bolts computes each
    value from the one before (chainable form): its rates drift from this closed form by a few
    ulp per step (bound measured in tests/test_catalog_bolts.py).

    ``warmup_epochs=0`` is bolts' bug, matched: its first value is ``warmup_start_lr`` (not
    ``lr``) and each next value is scaled from the one before, so up to ``T`` the cosine runs
    from ``warmup_start_lr`` (0 by default: the lr stays 0), and only from ``T + 1`` on (its
    special case for the cosine's zero) from ``lr``. ``max_epochs`` must exceed
    ``warmup_epochs`` (bolts divides by their difference).

    >>> s = LinearWarmupCosineAnnealingLR(lr=1.0, warmup_epochs=0, max_epochs=4, warmup_start_lr=0.5)
    >>> [f"{s(t):.4f}" for t in range(9)]
    ['0.5000', '0.4268', '0.2500', '0.0732', '0.0000', '0.1464', '0.5000', '0.8536', '1.0000']
    """
    n = "LinearWarmupCosineAnnealingLR"
    if isinstance(lr, (list, tuple)):
        raise ScheduleTypeError(n, "lr", "a number (bolts' base_lrs are per param group: call once per group)", lr)
    lr = check_real(n, "lr", lr)
    w = check_steps(n, "warmup_epochs", warmup_epochs, low=0)
    total = check_steps(n, "max_epochs", max_epochs, low=1)
    start = check_real(n, "warmup_start_lr", warmup_start_lr)
    eta = check_real(n, "eta_min", eta_min)
    if total <= w:
        raise ScheduleError(n, "max_epochs", f"> warmup_epochs = {w} (bolts divides by max_epochs - warmup_epochs)",
                            total)
    half = total - w
    if w == 0:
        first = Cosine(start_value=start, steps=half, end_value=eta)
        return Sequential(parts=[first, Shift(_waves(lr, eta, half), steps=-(half + 1))], boundaries=[half + 1])
    warm = Constant(value=start) if w == 1 else Linear(start_value=start, end_value=lr, steps=w - 1)
    return Sequential(parts=[warm, _waves(lr, eta, half)], boundaries=[w])
