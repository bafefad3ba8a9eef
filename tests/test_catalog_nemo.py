"""lrcore.catalog.nemo against NeMo's schedulers, transcribed here from NeMo's source and run on torch.

NeMo cannot be installed here (it pulls in far more than torch), so the classes below are a
plain transcription of ``nemo/core/optim/lr_scheduler.py`` from NVIDIA/NeMo at commit
0165f08f52d9dc40a1ae989173242a2741f7f339 (WarmupPolicy, SquareRootConstantPolicy,
WarmupHoldPolicy, WarmupAnnealHoldPolicy, the ``_*_annealing`` / ``_poly_decay`` helpers and
the twelve registry classes the catalog covers): the same branches and arithmetic, on torch's
real ``LRScheduler`` (NeMo subclasses ``_LRScheduler``), stepped with a real torch optimizer
by `lrcore.testing.trajectory`, as Lightning steps them (``interval="step"``). The hydra /
omegaconf / logging imports and the "use get_last_lr()" warning are left out.

Tolerance: 1e-12 relative, plus an absolute allowance where NeMo's own formula cancels:
``(lr - min_lr) * (1 + cos(x)) / 2 + min_lr`` near x = pi and ``min_lr + (1 - mult) * delta``
near the end lose up to ``lr * 2**-52 * (decay length)`` (NeMo's rounding, not lrcore's; the
measured worst is below a tenth of it).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrcore
from lrcore.catalog import nemo as N
from lrcore.testing import assert_close, catalog_kwargs, trajectory

torch = pytest.importorskip("torch")
_LRScheduler = torch.optim.lr_scheduler._LRScheduler
EPS = 2.0**-52


# --------------------------------------------------------------- NeMo, transcribed

class WarmupPolicy(_LRScheduler):
    def __init__(self, optimizer, *, warmup_steps=None, warmup_ratio=None, max_steps=None, min_lr=0.0, last_epoch=-1):
        assert not (warmup_steps is not None and warmup_ratio is not None), "Either use particular number of step or ratio"
        assert warmup_ratio is None or max_steps is not None, "If there is a ratio, there should be a total steps"
        self.max_steps = max_steps
        if warmup_steps is not None:
            self.warmup_steps = warmup_steps
        elif warmup_ratio is not None:
            self.warmup_steps = int(warmup_ratio * max_steps)
        else:
            self.warmup_steps = 0
        self.min_lr = min_lr
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        step = self.last_epoch
        if step <= self.warmup_steps and self.warmup_steps > 0:
            return self._get_warmup_lr(step)
        if (self.max_steps is not None) and (step > self.max_steps):
            return [self.min_lr for _ in self.base_lrs]
        return self._get_lr(step)

    def _get_warmup_lr(self, step):
        lr_val = (step + 1) / (self.warmup_steps + 1)
        return [initial_lr * lr_val for initial_lr in self.base_lrs]

    def _get_lr(self, step):
        return self.base_lrs


class SquareRootConstantPolicy(_LRScheduler):
    def __init__(self, optimizer, *, constant_steps=None, constant_ratio=None, max_steps=None, min_lr=0.0,
                 last_epoch=-1):
        assert not (constant_steps is not None and constant_ratio is not None), "Either use particular number of step or ratio"
        assert constant_ratio is None or max_steps is not None, "If there is a ratio, there should be a total steps"
        self.max_steps = max_steps
        if constant_steps is not None:
            self.constant_steps = constant_steps
        elif constant_ratio is not None:
            self.constant_steps = int(constant_ratio * max_steps)
        else:
            self.constant_steps = 0
        self.constant_lr = 1 / (constant_steps ** 0.5)
        self.min_lr = min_lr
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        step = self.last_epoch
        if step <= self.constant_steps:
            return [self.constant_lr for _ in self.base_lrs]
        if step > self.max_steps:
            return [self.min_lr for _ in self.base_lrs]
        return self._get_lr(step)

    def _get_lr(self, step):
        return self.base_lrs


class WarmupHoldPolicy(WarmupPolicy):
    def __init__(self, optimizer, *, warmup_steps=None, warmup_ratio=None, hold_steps=None, hold_ratio=None,
                 max_steps=None, min_lr=0.0, last_epoch=-1):
        assert not (hold_steps is not None and hold_ratio is not None), "Either use particular number of step or ratio"
        assert hold_ratio is None or max_steps is not None, "If there is a ratio, there should be a total steps"
        self.min_lr = min_lr
        self._last_warmup_lr = 0.0
        self.max_steps = max_steps
        if warmup_steps is not None:
            self.warmup_steps = warmup_steps
        elif warmup_ratio is not None:
            self.warmup_steps = int(warmup_ratio * max_steps)
        else:
            self.warmup_steps = 0
        if hold_steps is not None:
            self.hold_steps = hold_steps + self.warmup_steps
        elif hold_ratio is not None:
            self.hold_steps = int(hold_ratio * max_steps) + self.warmup_steps
        else:
            self.hold_steps = 0
        super().__init__(optimizer, warmup_steps=warmup_steps, warmup_ratio=warmup_ratio, max_steps=max_steps,
                         last_epoch=last_epoch, min_lr=min_lr)

    def get_lr(self):
        step = self.last_epoch
        if step <= self.warmup_steps and self.warmup_steps > 0:
            return self._get_warmup_lr(step)
        if (step >= self.warmup_steps) and (step < self.hold_steps):
            return self.base_lrs
        if step > self.max_steps:
            return [self.min_lr for _ in self.base_lrs]
        return self._get_lr(step)


class WarmupAnnealHoldPolicy(_LRScheduler):
    def __init__(self, optimizer, *, warmup_steps=None, warmup_ratio=None, constant_steps=None, constant_ratio=None,
                 max_steps=None, min_lr=0.0, last_epoch=-1):
        assert not (warmup_steps is not None and warmup_ratio is not None), "Either use particular number of step or ratio"
        assert not (constant_steps is not None and constant_ratio is not None), "Either use constant_steps or constant_ratio"
        assert warmup_ratio is None or max_steps is not None, "If there is a ratio, there should be a total steps"
        self.max_steps = max_steps
        if warmup_steps is not None:
            self.warmup_steps = warmup_steps
        elif warmup_ratio is not None:
            self.warmup_steps = int(warmup_ratio * max_steps)
        else:
            self.warmup_steps = 0
        if constant_steps is not None:
            self.constant_steps = constant_steps
        elif constant_ratio is not None:
            self.constant_steps = int(constant_ratio * max_steps)
        else:
            self.constant_steps = 0
        self.decay_steps = max_steps - (self.constant_steps + self.warmup_steps)
        self.min_lr = min_lr
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        step = self.last_epoch
        if self.warmup_steps > 0 and step <= self.warmup_steps:
            return self._get_warmup_lr(step)
        if self.constant_steps > 0 and (self.warmup_steps + self.decay_steps) < step <= self.max_steps:
            return self._get_constant_lr(step)
        if step > self.max_steps:
            return [self.min_lr for _ in self.base_lrs]
        return self._get_lr(step)

    def _get_warmup_lr(self, step):
        lr_val = (step + 1) / (self.warmup_steps + 1)
        return [initial_lr * lr_val for initial_lr in self.base_lrs]

    def _get_constant_lr(self, step):
        return [self.min_lr for _ in self.base_lrs]

    def _get_lr(self, step):
        return self.base_lrs


def _squareroot_annealing(initial_lr, step, max_steps, min_lr):
    mult = ((max_steps - step) / max_steps) ** 0.5
    out_lr = initial_lr * mult
    out_lr = max(out_lr, min_lr)
    return out_lr


def _square_annealing(initial_lr, step, max_steps, min_lr):
    mult = ((max_steps - step) / max_steps) ** 2
    out_lr = initial_lr * mult
    out_lr = max(out_lr, min_lr)
    return out_lr


def _cosine_annealing(initial_lr, step, max_steps, min_lr):
    mult = 0.5 * (1 + math.cos(math.pi * step / max_steps))
    out_lr = (initial_lr - min_lr) * mult + min_lr
    return out_lr


def _linear_warmup_with_cosine_annealing(max_lr, warmup_steps, step, decay_steps, min_lr):
    assert max_lr > min_lr
    if warmup_steps > 0 and step <= warmup_steps:
        return max_lr * float(step) / float(warmup_steps)
    if step > warmup_steps + decay_steps:
        return min_lr
    num_steps_ = step - warmup_steps
    decay_steps_ = decay_steps
    decay_ratio = float(num_steps_) / float(decay_steps_)
    assert decay_ratio >= 0.0
    assert decay_ratio <= 1.0
    delta_lr = max_lr - min_lr
    coeff = 0.5 * (math.cos(math.pi * decay_ratio) + 1.0)
    return min_lr + coeff * delta_lr


def _poly_decay(initial_lr, step, decay_steps, power, min_lr, cycle):
    if cycle:
        multiplier = 1.0 if step == 0 else math.ceil(step / decay_steps)
        decay_steps *= multiplier
    else:
        step = min(step, decay_steps)
    p = step / decay_steps
    lr = (initial_lr - min_lr) * math.pow(1.0 - p, power)
    lr += min_lr
    return lr


def _noam_hold_annealing(initial_lr, step, warmup_steps, hold_steps, decay_rate, min_lr):
    T_warmup_decay = max(1, warmup_steps ** decay_rate)
    T_hold_decay = max(1, (step - hold_steps) ** decay_rate)
    lr = (initial_lr * T_warmup_decay) / T_hold_decay
    lr = max(lr, min_lr)
    return lr


class SquareAnnealing(WarmupPolicy):
    def __init__(self, optimizer, *, max_steps, min_lr=1e-5, last_epoch=-1, **kwargs):
        super().__init__(optimizer=optimizer, max_steps=max_steps, last_epoch=last_epoch, min_lr=min_lr, **kwargs)

    def _get_lr(self, step):
        return [_square_annealing(initial_lr=initial_lr, step=step - self.warmup_steps,
                                  max_steps=self.max_steps - self.warmup_steps, min_lr=self.min_lr)
                for initial_lr in self.base_lrs]


class SquareRootAnnealing(WarmupPolicy):
    def __init__(self, optimizer, *, max_steps, min_lr=0, last_epoch=-1, **kwargs):
        super().__init__(optimizer=optimizer, max_steps=max_steps, last_epoch=last_epoch, min_lr=min_lr, **kwargs)

    def _get_lr(self, step):
        return [_squareroot_annealing(initial_lr=initial_lr, step=step, max_steps=self.max_steps, min_lr=self.min_lr)
                for initial_lr in self.base_lrs]


class CosineAnnealing(WarmupAnnealHoldPolicy):
    def __init__(self, optimizer, *, max_steps, min_lr=0, last_epoch=-1, **kwargs):
        super().__init__(optimizer=optimizer, max_steps=max_steps, last_epoch=last_epoch, min_lr=min_lr, **kwargs)

    def _get_lr(self, step):
        for initial_lr in self.base_lrs:
            if initial_lr < self.min_lr:
                raise ValueError(f"{self} received an initial learning rate that was lower than the minimum learning rate.")
        if self.constant_steps is None or self.constant_steps == 0:
            return [_cosine_annealing(initial_lr=initial_lr, step=step - self.warmup_steps,
                                      max_steps=self.max_steps - self.warmup_steps, min_lr=self.min_lr)
                    for initial_lr in self.base_lrs]
        return self._get_linear_warmup_with_cosine_annealing_lr(step)

    def _get_warmup_lr(self, step):
        if self.constant_steps is None or self.constant_steps == 0:
            return super()._get_warmup_lr(step)
        return self._get_linear_warmup_with_cosine_annealing_lr(step)

    def _get_constant_lr(self, step):
        return self._get_linear_warmup_with_cosine_annealing_lr(step)

    def _get_linear_warmup_with_cosine_annealing_lr(self, step):
        return [_linear_warmup_with_cosine_annealing(max_lr=self.base_lrs[0], warmup_steps=self.warmup_steps, step=step,
                                                     decay_steps=self.decay_steps, min_lr=self.min_lr)
                for _ in self.base_lrs]


class NoamAnnealing(_LRScheduler):
    def __init__(self, optimizer, *, d_model, warmup_steps=None, warmup_ratio=None, max_steps=None, min_lr=0.0,
                 last_epoch=-1):
        self._normalize = d_model ** (-0.5)
        assert not (warmup_steps is not None and warmup_ratio is not None), "Either use particular number of step or ratio"
        assert warmup_ratio is None or max_steps is not None, "If there is a ratio, there should be a total steps"
        self.max_steps = max_steps
        if warmup_steps is not None:
            self.warmup_steps = warmup_steps
        elif warmup_ratio is not None:
            self.warmup_steps = int(warmup_ratio * max_steps)
        else:
            self.warmup_steps = 0
        self.min_lr = min_lr
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        step = max(1, self.last_epoch)
        for initial_lr in self.base_lrs:
            if initial_lr < self.min_lr:
                raise ValueError(f"{self} received an initial learning rate that was lower than the minimum learning rate.")
        return [self._noam_annealing(initial_lr=initial_lr, step=step) for initial_lr in self.base_lrs]

    def _noam_annealing(self, initial_lr, step):
        if self.warmup_steps > 0:
            mult = self._normalize * min(step ** (-0.5), step * (self.warmup_steps ** (-1.5)))
        else:
            mult = self._normalize * step ** (-0.5)
        out_lr = initial_lr * mult
        if step > self.warmup_steps:
            out_lr = max(out_lr, self.min_lr)
        return out_lr


class NoamHoldAnnealing(WarmupHoldPolicy):
    def __init__(self, optimizer, *, max_steps, decay_rate=0.5, min_lr=0.0, last_epoch=-1, **kwargs):
        self.decay_rate = decay_rate
        super().__init__(optimizer=optimizer, max_steps=max_steps, last_epoch=last_epoch, min_lr=min_lr, **kwargs)

    def _get_lr(self, step):
        if self.warmup_steps is None or self.warmup_steps == 0:
            raise ValueError("Noam scheduler cannot be used without warmup steps")
        if self.hold_steps > 0:
            hold_steps = self.hold_steps - self.warmup_steps
        else:
            hold_steps = 0
        return [_noam_hold_annealing(initial_lr, step=step, warmup_steps=self.warmup_steps, hold_steps=hold_steps,
                                     decay_rate=self.decay_rate, min_lr=self.min_lr)
                for initial_lr in self.base_lrs]


class WarmupAnnealing(WarmupPolicy):
    def __init__(self, optimizer, *, max_steps, last_epoch=-1, min_lr=0.0, **kwargs):
        super().__init__(optimizer=optimizer, max_steps=max_steps, last_epoch=last_epoch, min_lr=min_lr, **kwargs)

    def _get_lr(self, step):
        delta_lr = self.base_lrs[0] - self.min_lr
        mult = (step - self.warmup_steps) / (self.max_steps - self.warmup_steps)
        return [self.min_lr + (1 - mult) * delta_lr for _ in self.base_lrs]


class InverseSquareRootAnnealing(WarmupPolicy):
    def __init__(self, optimizer, *, max_steps, last_epoch=-1, min_lr=0.0, **kwargs):
        super().__init__(optimizer=optimizer, max_steps=max_steps, **kwargs, last_epoch=last_epoch, min_lr=min_lr)

    def _get_lr(self, step):
        denom = ((step + 1) / (self.warmup_steps + 1)) ** 0.5
        return [initial_lr / denom for initial_lr in self.base_lrs]


class T5InverseSquareRootAnnealing(SquareRootConstantPolicy):
    def __init__(self, optimizer, *, max_steps, last_epoch=-1, min_lr=0.0, **kwargs):
        super().__init__(optimizer=optimizer, max_steps=max_steps, **kwargs, last_epoch=last_epoch, min_lr=min_lr)

    def _get_lr(self, step):
        return [1 / (step ** 0.5) for _ in self.base_lrs]


class PolynomialDecayAnnealing(WarmupPolicy):
    def __init__(self, optimizer, *, max_steps, min_lr=0.0, power=1.0, cycle=False, last_epoch=-1, **kwargs):
        self.power = power
        self.cycle = cycle
        super().__init__(optimizer=optimizer, max_steps=max_steps, last_epoch=last_epoch, min_lr=min_lr, **kwargs)

    def _get_lr(self, step):
        return [_poly_decay(initial_lr, step=step - self.warmup_steps, decay_steps=self.max_steps - self.warmup_steps,
                            power=self.power, min_lr=self.min_lr, cycle=self.cycle)
                for initial_lr in self.base_lrs]


class PolynomialHoldDecayAnnealing(WarmupHoldPolicy):
    def __init__(self, optimizer, *, max_steps, min_lr=0.0, power=1.0, cycle=False, last_epoch=-1, **kwargs):
        self.power = power
        self.cycle = cycle
        super().__init__(optimizer=optimizer, max_steps=max_steps, last_epoch=last_epoch, min_lr=min_lr, **kwargs)

    def _get_lr(self, step):
        return [_poly_decay(initial_lr, step=step - self.hold_steps,
                            decay_steps=self.max_steps - max(self.warmup_steps, self.hold_steps),
                            power=self.power, min_lr=self.min_lr, cycle=self.cycle)
                for initial_lr in self.base_lrs]


REF = {name: globals()[name] for name in N.__all__}


# ------------------------------------------------------------------------- helpers

def nemo(name, lr, **kwargs):
    """The transcribed NeMo scheduler on a real torch SGD whose lr is `lr` (1.0 for the absolute T5)."""
    p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    opt = torch.optim.SGD([p], lr=1.0 if lr is None else lr)
    return REF[name](opt, **kwargs)


def allowance(kwargs):
    """NeMo's own rounding where its formula cancels (the module docstring): lr * eps * decay length."""
    return 8 * EPS * kwargs.get("lr", 1.0) * (kwargs.get("max_steps") or 1)


def check(name, kwargs, steps=None):
    s = getattr(N, name)(**kwargs)
    m = kwargs.get("max_steps") or 0
    n = steps if steps is not None else m + 20
    ref = nemo(name, kwargs.get("lr"), **{k: v for k, v in kwargs.items() if k != "lr"})
    assert_close(s, ref, n, rtol=1e-12, atol=allowance(kwargs))
    return s


# ------------------------------------------------------------------- golden values

K = dict(lr=1.0, max_steps=10, warmup_steps=3, min_lr=0.1)
# printed by NeMo's own classes (NeMo 2.6.0rc0, nemo/core/optim/lr_scheduler.py, run with torch), t = 0..13
GOLDEN = [
    ("WarmupPolicy", K, [0.25, 0.5, 0.75, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.1, 0.1, 0.1]),
    ("WarmupHoldPolicy", dict(K, hold_steps=2), [0.25, 0.5, 0.75, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.1, 0.1, 0.1]),
    ("SquareAnnealing", K, [0.25, 0.5, 0.75, 1.0, 0.734694, 0.510204, 0.326531, 0.183673, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]),
    ("SquareRootAnnealing", K,
     [0.25, 0.5, 0.75, 1.0, 0.774597, 0.707107, 0.632456, 0.547723, 0.447214, 0.316228, 0.1, 0.1, 0.1, 0.1]),
    ("CosineAnnealing", K,
     [0.25, 0.5, 0.75, 1.0, 0.955436, 0.83057, 0.650134, 0.449866, 0.26943, 0.144564, 0.1, 0.1, 0.1, 0.1]),
    ("WarmupAnnealing", K,
     [0.25, 0.5, 0.75, 1.0, 0.871429, 0.742857, 0.614286, 0.485714, 0.357143, 0.228571, 0.1, 0.1, 0.1, 0.1]),
    ("InverseSquareRootAnnealing", K,
     [0.25, 0.5, 0.75, 1.0, 0.894427, 0.816497, 0.755929, 0.707107, 0.666667, 0.632456, 0.603023, 0.1, 0.1, 0.1]),
    ("PolynomialDecayAnnealing", K,
     [0.25, 0.5, 0.75, 1.0, 0.871429, 0.742857, 0.614286, 0.485714, 0.357143, 0.228571, 0.1, 0.1, 0.1, 0.1]),
    ("PolynomialHoldDecayAnnealing", dict(K, hold_steps=2),
     [0.25, 0.5, 0.75, 1.0, 1.0, 1.0, 0.82, 0.64, 0.46, 0.28, 0.1, 0.1, 0.1, 0.1]),
    ("NoamHoldAnnealing", dict(K, hold_steps=2),
     [0.25, 0.5, 0.75, 1.0, 1.0, 1.0, 0.866025, 0.774597, 0.707107, 0.654654, 0.612372, 0.1, 0.1, 0.1]),
    ("CosineAnnealing", dict(K, constant_steps=2),
     [0.0, 0.333333, 0.666667, 1.0, 0.914058, 0.689058, 0.410942, 0.185942, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]),
    ("CosineAnnealing", dict(K, warmup_steps=0),
     [1.0, 0.977975, 0.914058, 0.814503, 0.689058, 0.55, 0.410942, 0.285497, 0.185942, 0.122025, 0.1, 0.1, 0.1, 0.1]),
    ("NoamAnnealing", dict(lr=1.0, d_model=1, warmup_steps=3),
     [0.19245, 0.19245, 0.3849, 0.57735, 0.5, 0.447214, 0.408248, 0.377964, 0.353553, 0.333333, 0.316228, 0.301511,
      0.288675, 0.27735]),
    ("T5InverseSquareRootAnnealing", dict(max_steps=10, constant_steps=4),
     [0.5, 0.5, 0.5, 0.5, 0.5, 0.447214, 0.408248, 0.377964, 0.353553, 0.333333, 0.316228, 0.0, 0.0, 0.0]),
]


@pytest.mark.parametrize("name,kwargs,printed", GOLDEN, ids=[f"{g[0]}-{i}" for i, g in enumerate(GOLDEN)])
def test_golden_values_printed_by_nemo(name, kwargs, printed):
    s = getattr(N, name)(**kwargs)
    assert [round(v, 6) for v in trajectory(s, 14)] == printed
    check(name, kwargs, 30)  # and the transcription, to 1e-12
    assert lrcore.from_config(s.to_config()) == s


def test_every_registry_class_is_covered():
    assert sorted({g[0] for g in GOLDEN}) == sorted(N.__all__)


# ------------------------------------------------------------ hypothesis, every class

@pytest.mark.parametrize("name", N.__all__)
def test_matches_nemo_over_drawn_arguments(name):
    @settings(max_examples=40, deadline=None)
    @given(kwargs=catalog_kwargs(getattr(N, name)))
    def run(kwargs):
        check(name, kwargs)

    run()


@given(ratio=st.floats(0.0, 1.0), hold_ratio=st.floats(0.0, 0.5), m=st.integers(1, 200))
@settings(max_examples=40, deadline=None)
def test_ratios_take_int_of_ratio_times_max_steps(ratio, hold_ratio, m):
    kw = dict(lr=0.5, max_steps=m, warmup_ratio=ratio, hold_ratio=hold_ratio, min_lr=1e-4)
    w, h = int(ratio * m), int(hold_ratio * m) + int(ratio * m)
    if h == m and h > 0:  # a decay of 0 steps: NeMo divides by zero (see test_errors)
        return
    check("PolynomialHoldDecayAnnealing", kw)
    check("WarmupHoldPolicy", kw)
    if w >= 1:
        check("NoamHoldAnnealing", kw)
    check("CosineAnnealing", dict(lr=0.5, max_steps=m, warmup_ratio=ratio, constant_ratio=hold_ratio, min_lr=1e-4))


# ----------------------------------------------------- the quirks, pinned against NeMo

def test_quirks():
    # WarmupAnnealing / CosineAnnealing(constant_steps > 0) use base_lrs[0] for every group:
    # NeMo gives a second group (lr 0.1) the first group's values; the catalog is one call per group
    p, q = (torch.nn.Parameter(torch.zeros(1)) for _ in range(2))
    opt = torch.optim.SGD([{"params": [p], "lr": 1.0}, {"params": [q], "lr": 0.1}])
    ref = WarmupAnnealing(opt, max_steps=10, warmup_steps=3)
    for _ in range(5):
        opt.step()
        ref.step()
    assert ref.get_last_lr()[1] == ref.get_last_lr()[0] == N.WarmupAnnealing(lr=1.0, max_steps=10, warmup_steps=3)(5)
    # the hold wins over max_steps: lr past max_steps while the hold lasts
    s = N.WarmupHoldPolicy(lr=1.0, warmup_steps=2, hold_steps=10, max_steps=5, min_lr=0.1)
    assert [s(t) for t in (5, 6, 11, 12, 13)] == [1.0, 1.0, 1.0, 0.1, 0.1]
    check("WarmupHoldPolicy", dict(lr=1.0, warmup_steps=2, hold_steps=10, max_steps=5, min_lr=0.1))
    # PolynomialHoldDecayAnnealing without a hold decays from step 0 (1.0 -> 0.4857 after the warmup), with cycle
    s = check("PolynomialHoldDecayAnnealing", dict(lr=1.0, warmup_steps=3, max_steps=10, min_lr=0.1, cycle=True))
    assert round(s(4), 4) == 0.4857
    # NoamAnnealing's floor applies only after the warmup
    s = check("NoamAnnealing", dict(lr=1.0, d_model=1, warmup_steps=3, min_lr=0.45))
    assert round(s(0), 5) == 0.19245 and s(7) == 0.45


# ---------------------------------------------------------------------------- errors

@pytest.mark.parametrize("name,kwargs,exc,match", [
    ("WarmupPolicy", dict(lr=1.0, warmup_steps=3, warmup_ratio=0.1, max_steps=10), ValueError,
     r"WarmupPolicy: `warmup_ratio` must be None when `warmup_steps` is given .*got warmup_ratio=0.1"),
    ("WarmupPolicy", dict(lr=1.0, warmup_ratio=0.1), ValueError, r"`warmup_ratio` must be None when max_steps is None"),
    ("WarmupHoldPolicy", dict(lr=1.0, warmup_steps=3), TypeError, r"WarmupHoldPolicy: `max_steps` must be an int >= 0"),
    ("SquareAnnealing", dict(lr=-1.0, max_steps=10), ValueError, r"`lr` must be a number >= 0.0, got lr=-1.0"),
    ("SquareAnnealing", dict(lr=[1.0], max_steps=10), TypeError, r"`lr` must be a number \(NeMo's base_lrs"),
    ("SquareAnnealing", dict(lr=1.0, max_steps=0), ValueError, r"`max_steps` must be such that max_steps - warmup_steps"),
    ("CosineAnnealing", dict(lr=0.01, max_steps=10, min_lr=0.1), ValueError,
     r"CosineAnnealing: `lr` must be >= min_lr = 0.1 .*got lr=0.01"),
    ("CosineAnnealing", dict(lr=0.1, max_steps=10, min_lr=0.1, constant_steps=2), ValueError, r"`lr` must be > min_lr"),
    ("CosineAnnealing", dict(lr=1.0, max_steps=4, constant_steps=4), ValueError,
     r"`max_steps` must be such that max_steps - constant_steps - warmup_steps is >= 1"),
    ("NoamAnnealing", dict(lr=1.0, d_model=0), ValueError, r"`d_model` must be a number > 0.0"),
    ("NoamAnnealing", dict(lr=0.01, d_model=8, min_lr=0.1), ValueError, r"`lr` must be >= min_lr"),
    ("NoamHoldAnnealing", dict(lr=1.0, max_steps=10), ValueError, r"`warmup_steps` must be an int >= 1 \(NeMo: Noam"),
    ("PolynomialHoldDecayAnnealing", dict(lr=1.0, max_steps=10, warmup_steps=3, hold_steps=7), ValueError,
     r"`max_steps` must be such that max_steps - max\(warmup_steps"),
    ("PolynomialDecayAnnealing", dict(lr=1.0, max_steps=10, power=0.0), ValueError, r"`power` must be a number > 0.0"),
    ("PolynomialDecayAnnealing", dict(lr=1.0, max_steps=10, cycle=1), TypeError, r"`cycle` must be a bool"),
    ("T5InverseSquareRootAnnealing", dict(max_steps=10, constant_ratio=0.2), ValueError,
     r"`constant_ratio` must be None: NeMo computes 1 / sqrt\(constant_steps\)"),
    ("T5InverseSquareRootAnnealing", dict(max_steps=10, constant_steps=0), ValueError,
     r"`constant_steps` must be an int >= 1 \(NeMo divides"),
    ("WarmupPolicy", dict(lr=1.0, warmup_steps=-1), ValueError, r"`warmup_steps` must be an int >= 0"),
    ("WarmupHoldPolicy", dict(lr=1.0, max_steps=10, hold_ratio=-0.5), ValueError, r"`hold_ratio` must be a number >= 0.0"),
])
def test_errors(name, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        getattr(N, name)(**kwargs)


@pytest.mark.parametrize("name,kwargs,steps", [
    ("SquareAnnealing", dict(max_steps=0), 1),  # 0 / 0
    ("CosineAnnealing", dict(max_steps=4, constant_steps=4), 1),  # decay_steps 0
    ("NoamHoldAnnealing", dict(max_steps=10), 1),  # no warmup
    ("PolynomialHoldDecayAnnealing", dict(max_steps=10, warmup_steps=3, hold_steps=7), 11),
    ("CosineAnnealing", dict(max_steps=10, min_lr=2.0), 5),  # lr below min_lr
])
def test_nemo_itself_fails_where_the_catalog_refuses(name, kwargs, steps):
    with pytest.raises((ZeroDivisionError, ValueError, AssertionError)):
        trajectory(nemo(name, 1.0, **kwargs), steps)


def test_a_ratio_past_2_53_steps_names_the_ratio():
    """Regression (found by test_fuzz_bad_input): int(ratio * max_steps) beyond 2**53 steps was
    refused by the Linear it fed, naming `steps`; the message names the ratio."""
    with pytest.raises(lrcore.ScheduleError, match=r"^PolynomialDecayAnnealing: `warmup_ratio` must be small enough "
                                                   r"that int\(warmup_ratio \* max_steps\) <= 2\*\*53 steps"):
        N.PolynomialDecayAnnealing(lr=0.1, max_steps=10, warmup_ratio=900719925474100.0)
