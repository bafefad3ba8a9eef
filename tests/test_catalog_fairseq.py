"""lrcore.catalog.fairseq against fairseq's schedulers, transcribed here from fairseq's source.

fairseq cannot be installed here, so each class below is a plain transcription of the
``step_update`` / ``step`` / ``step_begin_epoch`` / ``__init__`` arithmetic of
facebookresearch/fairseq ``fairseq/optim/lr_scheduler/``:

* ``fixed_schedule.py`` at bd6f1c73148e13bade2c735593159884532973a1
* ``inverse_square_root_schedule.py`` at 2519cd40514b73d3e6c1b7a8c65d7689f648dab2
* ``cosine_lr_scheduler.py`` at 1ab54f9646abebf5346164335949f778723d5464
* ``triangular_lr_scheduler.py`` at 25e3ebd02355773a98fd79578874af0147479a9d
* ``tri_stage_lr_scheduler.py`` at 42c5dcbd18c85dcdc9424886f3880c184d589f0d
* ``polynomial_decay_schedule.py`` at 003179f31ecdf7c667ed1fd0b751f1c6e9a71134
* ``step_lr_scheduler.py`` at 5d7b70d0e56ab715675f4edcdd467a2b176eb51e
* ``reduce_lr_on_plateau.py`` at 16589134ef5607e4a97df3c77dd1d5df988281e0 (on torch's real
  ReduceLROnPlateau and a real torch optimizer, as fairseq wraps it)

(the later dataclass configs keep these formulas; their option defaults are the catalog's).
`drive` steps them the way fairseq's trainer does: ``step_update(0)`` when the optimizer is
built, ``step_begin_epoch(e)`` + ``step_update(n)`` at each epoch start, ``step_update(n)``
after each update, ``step(epoch, val_loss)`` + ``step_update(n)`` at each epoch end; the lr of
update t is the optimizer's lr before it.

Tolerance: 1e-12 relative, plus an absolute allowance where fairseq's own arithmetic cancels
(stated at each use: ``1 - (t - W) / (T - W)`` near the end, ``t / s - 2 (c + 1) + 1`` in a
triangle, ``1 + cos`` near pi and the period position in cosine).
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrcore
from lrcore.catalog import fairseq as F
from lrcore.testing import assert_close, catalog_kwargs

torch = pytest.importorskip("torch")
EPS = 2.0**-52


# ------------------------------------------------------------- fairseq, transcribed

class Optimizer:
    """fairseq's FairseqOptimizer surface the schedulers use: set_lr / get_lr on a torch optimizer."""

    def __init__(self, lr):
        self.optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))], lr=lr)

    def set_lr(self, lr):
        for g in self.optimizer.param_groups:
            g["lr"] = lr

    def get_lr(self):
        return self.optimizer.param_groups[0]["lr"]


class Base:
    def __init__(self, cfg, optimizer):
        self.cfg, self.args, self.optimizer, self.best = cfg, cfg, optimizer, None

    def step_begin_epoch(self, epoch):
        return self.optimizer.get_lr()

    def step(self, epoch, val_loss=None):
        if val_loss is not None:
            self.best = val_loss if self.best is None else min(self.best, val_loss)


class Fixed(Base):
    def __init__(self, args, optimizer):
        super().__init__(args, optimizer)
        args.warmup_updates = getattr(args, "warmup_updates", 0) or 0
        self.lr = args.lr[0]
        if args.warmup_updates > 0:
            self.warmup_factor = 1.0 / args.warmup_updates
        else:
            self.warmup_factor = 1

    def get_next_lr(self, epoch):
        lrs = self.args.lr
        if self.args.force_anneal is None or epoch < self.args.force_anneal:
            next_lr = lrs[min(epoch - 1, len(lrs) - 1)]
        else:
            next_lr = lrs[-1] * self.args.lr_shrink ** (epoch + 1 - self.args.force_anneal)
        return next_lr

    def step_begin_epoch(self, epoch):
        self.lr = self.get_next_lr(epoch)
        self.optimizer.set_lr(self.warmup_factor * self.lr)
        return self.optimizer.get_lr()

    def step_update(self, num_updates):
        if self.args.warmup_updates > 0 and num_updates < self.args.warmup_updates:
            self.warmup_factor = (num_updates + 1) / float(self.args.warmup_updates)
            self.optimizer.set_lr(self.warmup_factor * self.lr)
        else:
            self.optimizer.set_lr(self.lr)
        return self.optimizer.get_lr()


class InverseSqrt(Base):
    def __init__(self, args, optimizer):
        super().__init__(args, optimizer)
        warmup_end_lr = args.lr[0]
        if args.warmup_init_lr < 0:
            args.warmup_init_lr = 0 if args.warmup_updates > 0 else warmup_end_lr
        self.lr_step = (warmup_end_lr - args.warmup_init_lr) / args.warmup_updates
        self.decay_factor = warmup_end_lr * args.warmup_updates**0.5
        self.lr = args.warmup_init_lr
        self.optimizer.set_lr(self.lr)

    def step_update(self, num_updates):
        if num_updates < self.args.warmup_updates:
            self.lr = self.args.warmup_init_lr + num_updates * self.lr_step
        else:
            self.lr = self.decay_factor * num_updates**-0.5
        self.optimizer.set_lr(self.lr)
        return self.lr


class Cosine(Base):
    exact = False  # True: the period from its exact start instead of fairseq's floor(log(...))

    def __init__(self, cfg, fairseq_optimizer):
        super().__init__(cfg, fairseq_optimizer)
        self.max_lr = cfg.lr[0]
        assert self.max_lr > cfg.min_lr
        warmup_end_lr = self.max_lr
        if cfg.warmup_init_lr < 0:
            cfg.warmup_init_lr = cfg.min_lr
        self.t_mult = cfg.t_mult
        self.period = cfg.lr_period_updates
        if self.period <= 0:
            assert cfg.max_update > 0
            self.period = cfg.max_update - cfg.warmup_updates
        if cfg.warmup_updates > 0:
            self.lr_step = (warmup_end_lr - cfg.warmup_init_lr) / cfg.warmup_updates
        else:
            self.lr_step = 1
        self.warmup_updates = cfg.warmup_updates
        self.lr_shrink = cfg.lr_shrink
        self.lr = cfg.warmup_init_lr
        self.optimizer.set_lr(self.lr)

    def step_update(self, num_updates):
        if num_updates < self.cfg.warmup_updates:
            self.lr = self.cfg.warmup_init_lr + num_updates * self.lr_step
        else:
            curr_updates = num_updates - self.cfg.warmup_updates
            if self.t_mult != 1:
                i = math.floor(math.log(1 - curr_updates / self.period * (1 - self.t_mult), self.t_mult))
                if self.exact:
                    i = exact_period(curr_updates, self.period, self.t_mult)
                t_i = self.t_mult**i * self.period
                t_curr = curr_updates - (1 - self.t_mult**i) / (1 - self.t_mult) * self.period
            else:
                i = math.floor(curr_updates / self.period)
                t_i = self.period
                t_curr = curr_updates - (self.period * i)
            lr_shrink = self.lr_shrink**i
            min_lr = self.cfg.min_lr * lr_shrink
            max_lr = self.max_lr * lr_shrink
            self.lr = min_lr + 0.5 * (max_lr - min_lr) * (1 + math.cos(math.pi * t_curr / t_i))
        self.optimizer.set_lr(self.lr)
        return self.lr


def exact_period(c, period, mult):
    """The period c is in, from the exact sums of the lengths before it."""
    i, start = 0, 0.0
    while start + period * mult**i <= c:
        start += period * mult**i
        i += 1
    return i


class Triangular(Base):
    def __init__(self, args, optimizer):
        super().__init__(args, optimizer)
        lr = args.lr[0]
        assert args.max_lr > lr, "max_lr must be more than lr"
        self.min_lr = lr
        self.max_lr = args.max_lr
        self.stepsize = args.lr_period_updates // 2
        self.lr_shrink = args.lr_shrink
        self.shrink_min = args.shrink_min
        self.lr = self.min_lr
        self.optimizer.set_lr(self.lr)

    def step_update(self, num_updates):
        cycle = math.floor(num_updates / (2 * self.stepsize))
        lr_shrink = self.lr_shrink**cycle
        max_lr = self.max_lr * lr_shrink
        if self.shrink_min:
            min_lr = self.min_lr * lr_shrink
        else:
            min_lr = self.min_lr
        x = abs(num_updates / self.stepsize - 2 * (cycle + 1) + 1)
        self.lr = min_lr + (max_lr - min_lr) * max(0, (1 - x))
        self.optimizer.set_lr(self.lr)
        return self.lr


class TriStage(Base):
    def __init__(self, args, optimizer):
        super().__init__(args, optimizer)
        self.peak_lr = args.lr[0]
        self.init_lr = args.init_lr_scale * args.lr[0]
        self.final_lr = args.final_lr_scale * args.lr[0]
        self.warmup_steps = args.warmup_steps
        self.hold_steps = args.hold_steps
        self.decay_steps = args.decay_steps
        self.warmup_rate = (self.peak_lr - self.init_lr) / self.warmup_steps if self.warmup_steps != 0 else 0
        self.decay_factor = -math.log(args.final_lr_scale) / args.decay_steps
        self.lr = self.init_lr
        self.optimizer.set_lr(self.lr)

    def _decide_stage(self, update_step):
        if update_step < self.warmup_steps:
            return 0, update_step
        offset = self.warmup_steps
        if update_step < offset + self.hold_steps:
            return 1, update_step - offset
        offset += self.hold_steps
        if update_step <= offset + self.decay_steps:
            return 2, update_step - offset
        offset += self.decay_steps
        return 3, update_step - offset

    def step_update(self, num_updates):
        stage, steps_in_stage = self._decide_stage(num_updates)
        if stage == 0:
            self.lr = self.init_lr + self.warmup_rate * steps_in_stage
        elif stage == 1:
            self.lr = self.peak_lr
        elif stage == 2:
            self.lr = self.peak_lr * math.exp(-self.decay_factor * steps_in_stage)
        elif stage == 3:
            self.lr = self.final_lr
        else:
            raise ValueError("Undefined stage")
        self.optimizer.set_lr(self.lr)
        return self.lr


class PolynomialDecay(Base):
    def __init__(self, args, optimizer):
        super().__init__(args, optimizer)
        args.warmup_updates = getattr(args, "warmup_updates", 0) or 0
        self.lr = args.lr[0]
        if args.warmup_updates > 0:
            self.warmup_factor = 1.0 / args.warmup_updates
        else:
            self.warmup_factor = 1
        self.end_learning_rate = args.end_learning_rate
        self.total_num_update = args.total_num_update
        self.power = args.power
        self.optimizer.set_lr(self.warmup_factor * self.lr)

    def step_update(self, num_updates):
        if self.args.warmup_updates > 0 and num_updates <= self.args.warmup_updates:
            self.warmup_factor = num_updates / float(self.args.warmup_updates)
            lr = self.warmup_factor * self.lr
        elif num_updates >= self.total_num_update:
            lr = self.end_learning_rate
        else:
            warmup = self.args.warmup_updates
            lr_range = self.lr - self.end_learning_rate
            pct_remaining = 1 - (num_updates - warmup) / (self.total_num_update - warmup)
            lr = lr_range * pct_remaining ** (self.power) + self.end_learning_rate
        self.optimizer.set_lr(lr)
        return self.optimizer.get_lr()


class Step(Base):
    def __init__(self, cfg, fairseq_optimizer):
        super().__init__(cfg, fairseq_optimizer)
        self.max_lr = cfg.lr[0]
        self.min_lr = cfg.min_lr
        self.lr_decay_period = cfg.lr_decay_period
        self.lr_decay = cfg.lr_decay
        self.warmup_updates = cfg.warmup_updates
        self.warmup_init_lr = cfg.warmup_init_lr if cfg.warmup_init_lr >= 0 else self.min_lr
        assert self.lr_decay_period > 0
        assert self.lr_decay <= 1
        assert self.min_lr >= 0
        assert self.max_lr > self.min_lr
        if cfg.warmup_updates > 0:
            self.warmup_lr_step = (self.max_lr - self.warmup_init_lr) / self.warmup_updates
        else:
            self.warmup_lr_step = 1
        self.lr = self.warmup_init_lr
        self.optimizer.set_lr(self.lr)

    def step_update(self, num_updates):
        if num_updates < self.cfg.warmup_updates:
            self.lr = self.warmup_init_lr + num_updates * self.warmup_lr_step
        else:
            curr_updates = num_updates - self.cfg.warmup_updates
            lr_mult = self.lr_decay ** (curr_updates // self.lr_decay_period)
            self.lr = max(self.max_lr * lr_mult, self.min_lr)
        self.optimizer.set_lr(self.lr)
        return self.lr


class ReduceLROnPlateau(Base):
    def __init__(self, cfg, optimizer):
        super().__init__(cfg, optimizer)
        self.lr_scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
            self.optimizer.optimizer, patience=cfg.lr_patience, factor=cfg.lr_shrink,
            mode="max" if cfg.maximize_best_checkpoint_metric else "min", threshold=cfg.lr_threshold)
        warmup_end_lr = cfg.lr[0]
        if cfg.warmup_init_lr < 0:
            cfg.warmup_init_lr = 0 if cfg.warmup_updates > 0 else warmup_end_lr
        if cfg.warmup_updates > 0:
            self.lr_step = (warmup_end_lr - cfg.warmup_init_lr) / cfg.warmup_updates
        self.warmup_end = True if cfg.warmup_updates <= 0 else False
        self.lr = warmup_end_lr if self.warmup_end else cfg.warmup_init_lr
        self.optimizer.set_lr(self.lr)

    def step(self, epoch, val_loss=None):
        if val_loss is not None and self.warmup_end is True:
            self.lr_scheduler.step(val_loss)
        else:
            self.lr_scheduler.last_epoch = epoch
        return self.optimizer.get_lr()

    def step_update(self, num_updates):
        if self.cfg.warmup_updates > 0:
            if num_updates <= self.cfg.warmup_updates:
                self.lr = self.cfg.warmup_init_lr + num_updates * self.lr_step
                self.optimizer.set_lr(self.lr)
            else:
                if self.warmup_end is False:
                    self.warmup_end = True
        return self.optimizer.get_lr()


# the fairseq config defaults (dataclass fields) of each scheduler, lr aside
DEFAULTS = {
    "fixed": (Fixed, dict(force_anneal=None, lr_shrink=0.1, warmup_updates=0)),
    "inverse_sqrt": (InverseSqrt, dict(warmup_updates=4000, warmup_init_lr=-1)),
    "cosine": (Cosine, dict(warmup_updates=0, warmup_init_lr=-1, min_lr=0.0, t_mult=1.0, lr_period_updates=-1,
                            lr_shrink=0.1, max_update=0)),
    "triangular": (Triangular, dict(lr_period_updates=5000, lr_shrink=0.1, shrink_min=False)),
    "tri_stage": (TriStage, dict(warmup_steps=0, hold_steps=0, decay_steps=0, init_lr_scale=0.01,
                                 final_lr_scale=0.01)),
    "polynomial_decay": (PolynomialDecay, dict(warmup_updates=0, force_anneal=None, end_learning_rate=0.0,
                                               power=1.0)),
    "step": (Step, dict(warmup_updates=0, warmup_init_lr=-1, min_lr=0.0, lr_decay_period=25000, lr_decay=0.5)),
    "reduce_lr_on_plateau": (ReduceLROnPlateau, dict(lr_shrink=0.1, lr_threshold=1e-4, lr_patience=0, warmup_updates=0,
                                                     warmup_init_lr=-1, maximize_best_checkpoint_metric=False)),
}


def drive(name, kwargs, steps, metrics=None, exact=False):
    """The lrs of updates 0..steps-1 under fairseq's trainer loop (the module docstring)."""
    cls, defaults = DEFAULTS[name]
    kw = {k: v for k, v in kwargs.items() if k != "updates_per_epoch"}
    lr = kw.pop("lr")
    cfg = SimpleNamespace(**{**defaults, **kw, "lr": list(lr) if isinstance(lr, (list, tuple)) else [lr]})
    per = kwargs.get("updates_per_epoch") or (len(metrics) and steps // len(metrics) if metrics else None)
    opt = Optimizer(cfg.lr[0])
    sched = cls(cfg, opt)
    sched.exact = exact
    sched.step_update(0)
    epoch = 1
    sched.step_begin_epoch(epoch)
    sched.step_update(0)
    out = []
    for t in range(steps):
        out.append(opt.get_lr())
        sched.step_update(t + 1)
        if per and (t + 1) % per == 0:
            sched.step(epoch, None if metrics is None else metrics[epoch - 1])
            sched.step_update(t + 1)
            epoch += 1
            sched.step_begin_epoch(epoch)
            sched.step_update(t + 1)
    return out


def check(name, kwargs, steps, atol=0.0, exact=False):
    s = getattr(F, name)(**kwargs)
    want = drive(name, kwargs, steps, exact=exact)
    # + the smallest normal float64: below it (subnormal lrs after many shrinks) relative precision is gone
    assert_close(s, lambda t: want[t], steps, rtol=1e-12, atol=atol + 2.2250738585072014e-308)
    assert lrcore.from_config(s.to_config()) == s
    return s


# ------------------------------------------------------------------- hypothesis, each

@settings(max_examples=40, deadline=None)
@given(kwargs=catalog_kwargs(F.fixed))
def test_fixed(kwargs):
    check("fixed", kwargs, 400)


@settings(max_examples=40, deadline=None)
@given(kwargs=catalog_kwargs(F.inverse_sqrt))
def test_inverse_sqrt(kwargs):
    check("inverse_sqrt", kwargs, 3 * kwargs["warmup_updates"] + 10)


@settings(max_examples=40, deadline=None)
@given(kwargs=catalog_kwargs(F.cosine))
def test_cosine(kwargs):
    # fairseq's 1 + cos near pi and its period position c - (1 - m**i) / (1 - m) * P (rounded
    # to eps * c) move its value by up to lr * eps * (2 + pi c / t_i); exact=True: the period
    # from its exact start (fairseq's floor(log) differs at some starts, test_cosine_floor_log)
    steps = 600
    check("cosine", kwargs, steps, atol=8 * EPS * kwargs["lr"] * steps, exact=True)


@settings(max_examples=40, deadline=None)
@given(kwargs=catalog_kwargs(F.triangular))
def test_triangular(kwargs):
    # fairseq's x = |t / s - 2 (c + 1) + 1| cancels: its rounding, eps * t / s, scaled by max_lr
    steps = 3 * int(kwargs["lr_period_updates"]) + 10
    check("triangular", kwargs, steps, atol=4 * EPS * kwargs["max_lr"] * (2 + steps))


@settings(max_examples=40, deadline=None)
@given(kwargs=catalog_kwargs(F.tri_stage))
def test_tri_stage(kwargs):
    n = kwargs["warmup_steps"] + kwargs["hold_steps"] + kwargs["decay_steps"]
    check("tri_stage", kwargs, n + 10)


@settings(max_examples=40, deadline=None)
@given(kwargs=catalog_kwargs(F.polynomial_decay))
def test_polynomial_decay(kwargs):
    # pct_remaining = 1 - (t - W) / (T - W) loses eps / pct <= eps * (T - W), times the power
    t = kwargs["total_num_update"]
    check("polynomial_decay", kwargs, t + 10, atol=4 * EPS * kwargs["lr"] * kwargs["power"] * t)


@settings(max_examples=40, deadline=None)
@given(kwargs=catalog_kwargs(F.step))
def test_step(kwargs):
    check("step", kwargs, kwargs["warmup_updates"] + 4 * kwargs["lr_decay_period"] + 5)


@settings(max_examples=30, deadline=None)
@given(kwargs=catalog_kwargs(F.reduce_lr_on_plateau), per=st.integers(1, 40),
       metrics=st.lists(st.sampled_from([1.0, 0.9, 0.95, 1.1, 0.5]), min_size=2, max_size=12))
def test_reduce_lr_on_plateau(kwargs, per, metrics):
    steps = per * len(metrics)
    want = drive("reduce_lr_on_plateau", kwargs, steps, metrics=metrics)
    ps = F.reduce_lr_on_plateau(**kwargs)
    state, got = ps.init(), []
    for t in range(steps):
        got.append(ps.value(t, state))
        if (t + 1) % per == 0 and t + 1 > kwargs["warmup_updates"]:  # fairseq's warmup_end at the epoch end
            state = ps.update(state, metrics[(t + 1) // per - 1])
    assert_close(lambda t: got[t], lambda t: want[t], steps, rtol=1e-12)


# ------------------------------------------------------------------ golden, quirks

def test_golden_values():
    # by hand from the formulas in the module docstring of each scheduler
    s = F.inverse_sqrt(lr=5e-4, warmup_updates=4000, warmup_init_lr=1e-7)  # fairseq's transformer recipe
    assert s(0) == 1e-7 and s(4000) == 5e-4 and abs(s(16000) - 2.5e-4) <= 1e-18
    assert [round(v, 6) for v in drive("inverse_sqrt", dict(lr=5e-4, warmup_updates=4000, warmup_init_lr=1e-7), 2)] \
        == [round(s(t), 6) for t in range(2)]
    s = F.tri_stage(lr=1.0, warmup_steps=2, hold_steps=2, decay_steps=2, final_lr_scale=0.01)
    assert [round(s(t), 6) for t in range(8)] == [0.01, 0.505, 1.0, 1.0, 1.0, 0.1, 0.01, 0.01]
    check("tri_stage", dict(lr=1.0, warmup_steps=2, hold_steps=2, decay_steps=2, final_lr_scale=0.01), 8)
    s = F.polynomial_decay(lr=1.0, total_num_update=6, warmup_updates=2, end_learning_rate=0.2)
    assert [round(s(t), 6) for t in range(8)] == [0.0, 0.5, 1.0, 0.8, 0.6, 0.4, 0.2, 0.2]
    s = F.fixed(lr=[1.0, 0.5], force_anneal=4, updates_per_epoch=2, warmup_updates=2)
    assert [round(s(t), 12) for t in range(10)] == [0.5, 1.0, 0.5, 0.5, 0.5, 0.5, 0.05, 0.05, 0.005, 0.005]
    check("fixed", dict(lr=[1.0, 0.5], force_anneal=4, updates_per_epoch=2, warmup_updates=2), 20)
    s = F.tri_stage(lr=2.0, phase_ratio=[0.1, 0.4, 0.5], max_update=100, init_lr_scale=0.01, final_lr_scale=0.05)
    check("tri_stage", dict(lr=2.0, warmup_steps=10, hold_steps=40, decay_steps=50, init_lr_scale=0.01,
                            final_lr_scale=0.05), 120)
    assert s == F.tri_stage(lr=2.0, warmup_steps=10, hold_steps=40, decay_steps=50, final_lr_scale=0.05)
    check("cosine", dict(lr=[1.0], min_lr=0.1, lr_period_updates=4, lr_shrink=0.5, warmup_updates=3), 30)


def test_cosine_floor_log_puts_a_period_start_in_the_period_before():
    # t_mult=3, P=2: 1 + 242 * (3 - 1) / 2 = 243 = 3**5, and log(243, 3) = 4.999999999999999
    kw = dict(lr=1.0, min_lr=0.1, t_mult=3.0, lr_period_updates=2, lr_shrink=0.5)
    peer, exact = drive("cosine", kw, 244), drive("cosine", kw, 244, exact=True)
    s = F.cosine(**kw)
    assert math.floor(math.log(243, 3)) == 4
    assert peer[242] == pytest.approx(0.1 * 0.5**4, rel=1e-12)  # the end of period 4, the min
    assert s(242) == pytest.approx(0.5**5, rel=1e-12) == exact[242]  # the start of period 5, the max
    assert_close(s, lambda t: exact[t], 244, rtol=1e-12)


@pytest.mark.parametrize("name,kwargs,exc,match", [
    ("inverse_sqrt", dict(lr=1.0, warmup_updates=0), ValueError, r"inverse_sqrt: `warmup_updates` must be an int >= 1"),
    ("inverse_sqrt", dict(lr=[1.0, 2.0]), ValueError, r"`lr` must be one number \(fairseq: cannot use a fixed"),
    ("inverse_sqrt", dict(lr="1e-3"), TypeError, r"inverse_sqrt: `lr` must be a number >= 0.0, got lr='1e-3'"),
    ("cosine", dict(lr=0.1, min_lr=0.1, max_update=10), ValueError, r"cosine: `lr` must be > min_lr = 0.1"),
    ("cosine", dict(lr=1.0), ValueError, r"`max_update` must be an int > warmup_updates"),
    ("cosine", dict(lr=1.0, max_update=10, t_mult=0.5), ValueError, r"`t_mult` must be a number >= 1.0"),
    ("cosine", dict(lr=1.0, lr_period_updates=2.5), TypeError, r"`lr_period_updates` must be an int >= 1"),
    ("cosine", dict(lr=1.0, max_update=10, lr_shrink=2.0), ValueError, r"`lr_shrink` must be a number > 0.0 and <= 1.0"),
    ("triangular", dict(lr=1.0, max_lr=1.0), ValueError, r"`max_lr` must be > lr = 1.0"),
    ("triangular", dict(lr=0.1, max_lr=1.0, lr_period_updates=1), ValueError, r"`lr_period_updates` must be a number >= 2.0"),
    ("tri_stage", dict(lr=1.0, warmup_steps=5), ValueError, r"`decay_steps` must be an int >= 1"),
    ("tri_stage", dict(lr=1.0, decay_steps=5, final_lr_scale=0.0), ValueError, r"`final_lr_scale` must be a number > 0.0"),
    ("tri_stage", dict(lr=1.0, phase_ratio=[0.5, 0.5, 0.5], max_update=10), ValueError, r"`phase_ratio` must be three"),
    ("tri_stage", dict(lr=1.0, phase_ratio=[0.2, 0.3, 0.5]), ValueError, r"`max_update` must be an int >= 1 with"),
    ("polynomial_decay", dict(lr=1.0, total_num_update=10, force_anneal=2), ValueError, r"`force_anneal` must be None"),
    ("polynomial_decay", dict(lr=1.0, total_num_update=0), ValueError, r"`total_num_update` must be an int >= 1"),
    ("step", dict(lr=1.0, lr_decay=1.5), ValueError, r"step: `lr_decay` must be a number > 0.0 and <= 1.0"),
    ("step", dict(lr=0.1, min_lr=0.2), ValueError, r"`lr` must be > min_lr = 0.2"),
    ("fixed", dict(lr=[1.0, 0.5]), ValueError, r"`updates_per_epoch` must be an int >= 1 when lr is a list"),
    ("fixed", dict(lr=1.0, force_anneal=2, updates_per_epoch=3, lr_shrink=1.5), ValueError, r"`lr_shrink` must be"),
    ("reduce_lr_on_plateau", dict(lr=1.0, lr_shrink=1.0), ValueError, r"reduce_lr_on_plateau: `lr_shrink` must be"),
    ("reduce_lr_on_plateau", dict(lr=1.0, lr_patience=-1), ValueError, r"`lr_patience` must be an int >= 0"),
])
def test_errors(name, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        getattr(F, name)(**kwargs)
