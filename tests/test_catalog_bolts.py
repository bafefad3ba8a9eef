"""lrcore.catalog.bolts against lightning-bolts' LinearWarmupCosineAnnealingLR, transcribed verbatim and run on torch.

lightning-bolts cannot be installed here (it needs torchvision), so its class is copied below
from Lightning-Universe/lightning-bolts ``src/pl_bolts/optimizers/lr_scheduler.py`` (commit
011f209f534b1b61d93a1c68cd4de389d5c8c97c; only the ``@under_review()`` warning decorator is
left out) as a subclass of torch's real ``LRScheduler``, and stepped with a real torch
optimizer the way a training loop steps it (``optimizer.step()``, then ``scheduler.step()``).

bolts' ``get_lr`` is chainable (each value from the one before): it drifts from the closed form
by a few ulp per step. So lrcore is held to bolts' own closed form ``_get_closed_form_lr``
(transcribed too) at 1e-12 relative (plus 1e-12 of the range where ``1 + cos`` cancels), and to
the real chainable run at the bound measured over the hypothesis draws (1e-12 relative plus
1e-13 of the range per 100 steps).
"""

from __future__ import annotations

import math
import warnings
from typing import List

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler as _LRScheduler

import lrcore
from lrcore.catalog import bolts
from lrcore.testing import assert_close, catalog_kwargs, trajectory


# ----------------------------------------------------------- lightning-bolts, verbatim

class LinearWarmupCosineAnnealingLR(_LRScheduler):
    def __init__(
        self,
        optimizer: Optimizer,
        warmup_epochs: int,
        max_epochs: int,
        warmup_start_lr: float = 0.0,
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        self.warmup_epochs = warmup_epochs
        self.max_epochs = max_epochs
        self.warmup_start_lr = warmup_start_lr
        self.eta_min = eta_min

        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> List[float]:
        """Compute learning rate using chainable form of the scheduler."""
        if not self._get_lr_called_within_step:
            warnings.warn(
                "To get the last learning rate computed by the scheduler; please use `get_last_lr()`.",
                UserWarning,
            )

        if self.last_epoch == 0:
            return [self.warmup_start_lr] * len(self.base_lrs)
        if self.last_epoch < self.warmup_epochs:
            return [
                group["lr"] + (base_lr - self.warmup_start_lr) / (self.warmup_epochs - 1)
                for base_lr, group in zip(self.base_lrs, self.optimizer.param_groups)
            ]
        if self.last_epoch == self.warmup_epochs:
            return self.base_lrs
        if (self.last_epoch - 1 - self.max_epochs) % (2 * (self.max_epochs - self.warmup_epochs)) == 0:
            return [
                group["lr"]
                + (base_lr - self.eta_min) * (1 - math.cos(math.pi / (self.max_epochs - self.warmup_epochs))) / 2
                for base_lr, group in zip(self.base_lrs, self.optimizer.param_groups)
            ]

        return [
            (1 + math.cos(math.pi * (self.last_epoch - self.warmup_epochs) / (self.max_epochs - self.warmup_epochs)))
            / (
                1
                + math.cos(
                    math.pi * (self.last_epoch - self.warmup_epochs - 1) / (self.max_epochs - self.warmup_epochs)
                )
            )
            * (group["lr"] - self.eta_min)
            + self.eta_min
            for group in self.optimizer.param_groups
        ]

    def _get_closed_form_lr(self) -> List[float]:
        """Called when epoch is passed as a param to the `step` function of the scheduler."""
        if self.last_epoch < self.warmup_epochs:
            return [
                self.warmup_start_lr + self.last_epoch * (base_lr - self.warmup_start_lr) / (self.warmup_epochs - 1)
                for base_lr in self.base_lrs
            ]

        return [
            self.eta_min
            + 0.5
            * (base_lr - self.eta_min)
            * (1 + math.cos(math.pi * (self.last_epoch - self.warmup_epochs) / (self.max_epochs - self.warmup_epochs)))
            for base_lr in self.base_lrs
        ]


def real(lr, **kw):
    """The (transcribed) scheduler on a real torch SGD optimizer; assert_close / trajectory step it as
    training does (read the lr, optimizer.step(), scheduler.step())."""
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    return LinearWarmupCosineAnnealingLR(opt, **kw)


def closed_form(lr, t, **kw):
    """bolts' own ``_get_closed_form_lr`` at last_epoch = t (t = 0 with one warmup step: warmup_start_lr)."""
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    s = LinearWarmupCosineAnnealingLR(opt, **kw)
    s.last_epoch = t
    if t == 0 and kw["warmup_epochs"] == 1:
        return kw.get("warmup_start_lr", 0.0)  # bolts' closed form divides 0 by 0 there; get_lr gives this
    return s._get_closed_form_lr()[0]


def _bolts_kwargs():
    return st.fixed_dictionaries(
        dict(lr=st.one_of(st.sampled_from([1.0, 0.1, 3e-4]), st.floats(1e-5, 10.0)),
             warmup_epochs=st.integers(1, 60)),
        optional=dict(warmup_start_lr=st.sampled_from([0.0, 1e-5, 0.01]), eta_min=st.sampled_from([0.0, 1e-6, 1e-3]))
    ).flatmap(lambda kw: st.integers(kw["warmup_epochs"] + 1, kw["warmup_epochs"] + 200).map(
        lambda total: {**kw, "max_epochs": total}))


@settings(max_examples=25)
@given(kw=_bolts_kwargs())
def test_equals_bolts_closed_form(kw):
    s = bolts.LinearWarmupCosineAnnealingLR(**kw)
    lr = kw.pop("lr")
    steps = 3 * kw["max_epochs"] + 3  # through two more half-waves past max_epochs
    want = [closed_form(lr, t, **kw) for t in range(steps)]
    rng = max(abs(lr), abs(kw.get("warmup_start_lr", 0.0)), abs(kw.get("eta_min", 0.0)))
    assert_close(s, want.__getitem__, steps=steps, rtol=1e-12, atol=1e-12 * rng)


def chainable_drift(rng: float, warmup: int, total: int):
    """The bound on the chainable run's drift at step t, as torch's recursive CosineAnnealingLR:
    each lr comes from the last by a ratio of ``1 + cos`` terms, whose rounding near the minimum
    is up to about T**2 ulp of the range per pass through it (T = max_epochs - warmup_epochs, the
    half-period), plus a few ulp. (The earlier empirical bound, 1e-13 of the range per 100 steps,
    failed at max_epochs=176 on a draw in CI: 1.03e-15 at t = 350, one pass, for a range 3e-4.)"""
    T = max(total - warmup, 1)
    return lambda t: rng * 2.0**-52 * (8 + T * T * ((max(t - warmup, 0) + T) // (2 * T)))


@settings(max_examples=25)
@given(kw=_bolts_kwargs())
def test_equals_the_real_chainable_run(kw):
    s = bolts.LinearWarmupCosineAnnealingLR(**kw)
    lr = kw.pop("lr")
    steps = 3 * kw["max_epochs"] + 3
    rng = max(abs(lr), abs(kw.get("warmup_start_lr", 0.0)), abs(kw.get("eta_min", 0.0)))
    drift = chainable_drift(rng, kw["warmup_epochs"], kw["max_epochs"])
    assert_close(s, real(lr, **kw), steps=steps, rtol=1e-12,
                 atol=lambda t: max(drift(t), 1e-13 * rng * (1 + steps / 100)))


@pytest.mark.parametrize("kw", [dict(warmup_epochs=0, max_epochs=10), dict(warmup_epochs=0, max_epochs=7,
                                                                            warmup_start_lr=0.3, eta_min=0.01)])
def test_no_warmup_is_bolts_bug_matched(kw):
    # bolts writes warmup_start_lr at t = 0 and scales from it: the first cosine runs from
    # warmup_start_lr, not lr (with the defaults the lr is 0 until max_epochs + 1)
    s = bolts.LinearWarmupCosineAnnealingLR(lr=0.1, **kw)
    steps = 4 * kw["max_epochs"]
    r = trajectory(real(0.1, **kw), steps)
    assert_close(s, r.__getitem__, steps=steps, rtol=1e-12, atol=1e-14)
    T = kw["max_epochs"]
    assert r[0] == s(0) == kw.get("warmup_start_lr", 0.0)
    assert s(2 * T) == pytest.approx(0.1, rel=1e-12)  # lr only after the first wave


def test_golden_famous_configuration():
    # bolts' docstring example: Adam(lr=0.02), warmup_epochs=10, max_epochs=40
    s = bolts.LinearWarmupCosineAnnealingLR(lr=0.02, warmup_epochs=10, max_epochs=40)
    want = {0: 0.0, 1: 0.02 / 9, 9: 0.02, 10: 0.02, 25: 0.01, 40: 0.0, 55: 0.01, 70: 0.02}
    for t, w in want.items():
        assert s(t) == pytest.approx(w, rel=1e-12, abs=1e-17), t
    assert_close(s, real(0.02, warmup_epochs=10, max_epochs=40), steps=100, rtol=1e-12, atol=1e-16)


def test_bad_arguments():
    C = bolts.LinearWarmupCosineAnnealingLR
    with pytest.raises(ValueError, match=r"^LinearWarmupCosineAnnealingLR: `max_epochs` must be > warmup_epochs = 5 "
                                         r"\(bolts divides by max_epochs - warmup_epochs\), got max_epochs=5$"):
        C(lr=0.1, warmup_epochs=5, max_epochs=5)
    with pytest.raises(TypeError, match=r"^LinearWarmupCosineAnnealingLR: `lr` must be a number \(bolts' base_lrs"):
        C(lr=[0.1, 0.2], warmup_epochs=1, max_epochs=5)
    with pytest.raises(ValueError, match=r"^LinearWarmupCosineAnnealingLR: `warmup_epochs` must be an int >= 0"):
        C(lr=0.1, warmup_epochs=-1, max_epochs=5)
    with pytest.raises(TypeError, match=r"^LinearWarmupCosineAnnealingLR: `max_epochs` must be an int >= 1"):
        C(lr=0.1, warmup_epochs=1, max_epochs=5.0)


@settings(max_examples=10)
@given(kwargs=catalog_kwargs(bolts.LinearWarmupCosineAnnealingLR))
def test_catalog_kwargs_build_storable_trees(kwargs):
    s = bolts.LinearWarmupCosineAnnealingLR(**kwargs)
    assert lrcore.loads(lrcore.dumps(s)) == s
