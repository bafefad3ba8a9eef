"""lrcore.catalog.composer against Composer's schedulers, transcribed here from Composer's source.

Composer (mosaicml) cannot be installed here (it pulls torchvision and another torch), so the
classes below are plain-Python transcriptions of mosaicml/composer:

* ``composer/optim/scheduler.py`` at 0f1df8bbb65a6c2eadff4093e85a1f00908d30ef: every
  scheduler's ``__call__``, ``_convert_time``, ``_cosine_anneal``,
  ``_raise_if_max_duration_exceeds_t_max``, ``_raise_if_warmup_and_max_incompatible``;
* ``composer/core/time.py`` at 50db85a1f39dd7b8f871678fc18fab321b505600: ``Time`` (its
  arithmetic, comparisons and ``from_timestring``) and ``Timestamp.get`` / comparisons;
* ``composer/trainer/trainer.py`` at ef6e69187cd0ec6245e8dc6fc70ff49105c6d45b: the loop,
  ``_train_loop`` (``scheduler.step()`` after each batch, *before*
  ``state.timestamp = state.timestamp.to_next_batch(...)``), ``compile_composer_scheduler``'s
  ``LambdaLR`` (which sets ``lr * alpha`` at construction), and ``_scale_max_duration_by_ssr``.

`drive` runs them as that loop does: the lr of update t is the optimizer's lr while batch t
trains. Resolved lrcore trees are compared with it at several ``total_steps`` /
``steps_per_epoch`` (Composer's ``max_duration`` in batches, after ``ssr``, and
``dataloader_len``), 1e-12 relative, plus an absolute allowance of a few ulps of ``lr``
where Composer's own arithmetic cancels (``alpha_i + frac * (alpha_f - alpha_i)`` near 0,
``(1 + cos)`` near pi).
"""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrcore
from lrcore.catalog import composer as C
from lrcore.testing import assert_close, catalog_kwargs

EPS = 2.0**-52


# --------------------------------------------------------- Composer, transcribed

class Time:
    """composer.core.time.Time: int values except for 'dur' (a float)."""

    def __init__(self, value, unit):
        if unit == "dur":
            value = float(value)
        elif not isinstance(value, int):
            raise TypeError(f"value {value} is of type {type(value)}. Units {unit} require integer values.")
        self.value, self.unit = value, unit

    @classmethod
    def from_timestring(cls, timestring):
        m = re.findall(r"^(.+)(iter|ep|ba|sp|tok|dur|sec)$", timestring, flags=re.IGNORECASE)
        value, unit = m[0][0], m[0][1]
        value = float(value)
        if unit != "dur":
            if int(value) != value:
                raise TypeError(f"value {value} is not an integer. Units {unit} require integer values.")
            value = int(value)
        return cls(value, unit)

    def _parse(self, other):
        if isinstance(other, Time):
            return other
        return Time(other, self.unit)

    def _cmp(self, other):
        other = self._parse(other)
        if self.unit != other.unit:
            raise RuntimeError("different units")
        return (self.value > other.value) - (self.value < other.value)

    def __int__(self):
        return int(self.value)

    def __float__(self):
        return float(self.value)

    def __lt__(self, o): return self._cmp(o) < 0
    def __le__(self, o): return self._cmp(o) <= 0
    def __gt__(self, o): return self._cmp(o) > 0
    def __ge__(self, o): return self._cmp(o) >= 0

    def __add__(self, other):
        other = self._parse(other)
        assert self.unit == other.unit
        return Time(self.value + other.value, self.unit)

    def __sub__(self, other):
        other = self._parse(other)
        assert self.unit == other.unit
        return Time(self.value - other.value, self.unit)

    def __truediv__(self, other):
        if isinstance(other, (float, int)):
            return Time(type(self.value)(self.value / other), self.unit)
        other = self._parse(other)
        assert self.unit == other.unit
        return Time(self.value / other.value, "dur")

    def __mul__(self, other):
        return Time(type(self.value)(self.value * other), self.unit)


class Timestamp:
    def __init__(self, batch, sample, token):
        self.batch, self.sample, self.token = Time(batch, "ba"), Time(sample, "sp"), Time(token, "tok")

    def get(self, unit):
        return {"ba": self.batch, "sp": self.sample, "tok": self.token}[unit]

    def __lt__(self, other):
        return self.get(other.unit) < other

    def __ge__(self, other):
        return self.get(other.unit) >= other


class State:
    def __init__(self, max_duration, dataloader_len):
        self.max_duration, self.dataloader_len = max_duration, dataloader_len
        self.timestamp = Timestamp(0, 0, 0)


def _convert_time(time, state, ssr=1.0):
    if isinstance(time, str):
        time = Time.from_timestring(time)
    if time.unit == "dur":
        if state.max_duration.unit == "ep":
            return Time(int(time.value * int(state.dataloader_len) * state.max_duration.value), "ba")
        return Time(int(time.value * state.max_duration.value), state.max_duration.unit)
    elif time.unit == "ep":
        time = Time(value=time.value * int(state.dataloader_len), unit="ba")
    return Time(value=int(time.value * ssr), unit=time.unit)


def _cosine_anneal(x, min_y=0.0, max_y=1.0):
    x = min(max(x, 0.0), 1.0)
    return min_y + (max_y - min_y) * (1 + math.cos(x * math.pi)) / 2


class StepScheduler:
    def __init__(self, step_size, gamma=0.1):
        self.step_size, self.gamma = step_size, gamma

    def __call__(self, state, ssr=1.0):
        step_size = _convert_time(self.step_size, state, ssr=ssr)
        current_time = state.timestamp.get(step_size.unit)
        steps = int(current_time / step_size)
        return self.gamma**steps


class MultiStepScheduler:
    def __init__(self, milestones, gamma=0.1):
        self.milestones, self.gamma = milestones, gamma

    def __call__(self, state, ssr=1.0):
        milestones = [_convert_time(m, state, ssr=ssr) for m in self.milestones]
        factor = 1.0
        for milestone in milestones:
            if state.timestamp >= milestone:
                factor *= self.gamma
        return factor


class ConstantScheduler:
    def __init__(self, alpha=1.0, t_max="1dur"):
        self.alpha, self.t_max = alpha, t_max

    def __call__(self, state, ssr=1.0):
        t_max = _convert_time(self.t_max, state, ssr=ssr)
        if state.timestamp < t_max:
            return self.alpha
        return 1.0


class LinearScheduler:
    def __init__(self, alpha_i=1.0, alpha_f=0.0, t_max="1dur"):
        self.alpha_i, self.alpha_f = alpha_i, alpha_f
        self.t_max = Time.from_timestring(t_max) if isinstance(t_max, str) else t_max

    def __call__(self, state, ssr=1.0):
        t_max = _convert_time(self.t_max, state, ssr=ssr)
        current_time = state.timestamp.get(t_max.unit)
        frac_of_total = min(1.0, (current_time / t_max).value)
        return self.alpha_i + frac_of_total * (self.alpha_f - self.alpha_i)


class ExponentialScheduler:
    def __init__(self, gamma, decay_period="1ep"):
        self.gamma, self.decay_period = gamma, decay_period

    def __call__(self, state, ssr=1.0):
        decay_period = _convert_time(self.decay_period, state, ssr)
        current_time_in_decay_units = state.timestamp.get(decay_period.unit)
        return self.gamma ** float((current_time_in_decay_units / decay_period).value)


class CosineAnnealingScheduler:
    def __init__(self, t_max="1dur", alpha_f=0.0):
        self.t_max, self.alpha_f = t_max, alpha_f

    def __call__(self, state, ssr=1.0):
        t_max = _convert_time(self.t_max, state, ssr=ssr)
        current_time = state.timestamp.get(t_max.unit)
        return _cosine_anneal(x=(current_time / t_max).value, min_y=self.alpha_f)


class CosineAnnealingWarmRestartsScheduler:
    def __init__(self, t_0, t_mult=1.0, alpha_f=0.0):
        self.t_0, self.t_mult, self.alpha_f = t_0, t_mult, alpha_f

    def __call__(self, state, ssr=1.0):
        t_0 = _convert_time(self.t_0, state, ssr=ssr)
        current_interval_len = t_0
        current_interval_end = t_0
        while current_interval_end <= state.timestamp.get(current_interval_end.unit):
            if current_interval_len.value == 0:
                raise ValueError("Interval between restarts for cosine annealing/warm restarts scheduler has decayed to 0.")
            current_interval_len = Time(value=int(self.t_mult * current_interval_len.value), unit=current_interval_len.unit)
            current_interval_end += current_interval_len
        current_interval_start = current_interval_end - current_interval_len
        frac = ((state.timestamp.get(t_0.unit) - current_interval_start) / current_interval_len).value
        return _cosine_anneal(x=frac, min_y=self.alpha_f)


class PolynomialScheduler:
    def __init__(self, power, t_max="1dur", alpha_f=0.0):
        self.t_max, self.power, self.alpha_f = t_max, power, alpha_f

    def __call__(self, state, ssr=1.0):
        t_max = _convert_time(self.t_max, state, ssr=ssr)
        current_time = state.timestamp.get(t_max.unit)
        frac_of_total = min(1.0, (current_time / t_max).value)
        coeff = (1 - frac_of_total)**self.power
        return self.alpha_f + coeff * (1.0 - self.alpha_f)


def _raise_if_max_duration_exceeds_t_max(t_max, state):
    max_dur = state.max_duration
    if isinstance(t_max, str):
        t_max = Time.from_timestring(t_max)
    if t_max.unit == max_dur.unit and t_max.value < max_dur.value:
        raise ValueError(f"t_max {t_max.value} must be greater than or equal to max_duration {max_dur.value}")


def _raise_if_warmup_and_max_incompatible(t_warmup, t_max):
    if t_warmup.unit != t_max.unit:
        raise ValueError("t_warmup and t_max must use the same units.")


class MultiStepWithWarmupScheduler:
    def __init__(self, t_warmup, milestones, gamma=0.1, scale_warmup=False):
        self.t_warmup, self.scale_warmup = t_warmup, scale_warmup
        self.warmup_scheduler = LinearScheduler(alpha_i=0.0, alpha_f=1.0, t_max=t_warmup)
        self.step_scheduler = MultiStepScheduler(milestones=milestones, gamma=gamma)

    def __call__(self, state, ssr=1.0):
        t_warmup = _convert_time(self.t_warmup, state)
        if state.timestamp < t_warmup:
            if self.scale_warmup:
                return self.warmup_scheduler(state, ssr)
            return self.warmup_scheduler(state)
        return self.step_scheduler(state, ssr)


class _WithWarmup:
    """The post-warmup part shared by Linear-, CosineAnnealing- and PolynomialWithWarmupScheduler."""

    def __init__(self, t_warmup, t_max="1dur", scale_warmup=False, peak=1.0):
        self.t_warmup, self.t_max, self.scale_warmup = t_warmup, t_max, scale_warmup
        self.warmup_scheduler = LinearScheduler(alpha_i=0.0, alpha_f=peak, t_max=t_warmup)

    def __call__(self, state, ssr=1.0):
        t_warmup = _convert_time(self.t_warmup, state)
        t_max = _convert_time(self.t_max, state, ssr=ssr)
        _raise_if_warmup_and_max_incompatible(t_warmup, t_max)
        _raise_if_max_duration_exceeds_t_max(t_max, state)
        if state.timestamp < t_warmup:
            if self.scale_warmup:
                return self.warmup_scheduler(state, ssr)
            return self.warmup_scheduler(state)
        current_time = state.timestamp.get(t_warmup.unit)
        frac_of_total = ((current_time - t_warmup) / (t_max - t_warmup)).value if (t_max > t_warmup) else 0.0
        return self.after(min(1.0, frac_of_total))


class LinearWithWarmupScheduler(_WithWarmup):
    def __init__(self, t_warmup, alpha_i=1.0, alpha_f=0.0, t_max="1dur", scale_warmup=False):
        super().__init__(t_warmup, t_max, scale_warmup, peak=alpha_i)
        self.alpha_i, self.alpha_f = alpha_i, alpha_f

    def after(self, frac_of_total):
        return self.alpha_i + frac_of_total * (self.alpha_f - self.alpha_i)


class ConstantWithWarmupScheduler(LinearWithWarmupScheduler):
    def __init__(self, t_warmup, alpha=1.0, t_max="1dur", scale_warmup=False):
        super().__init__(t_warmup, alpha_i=alpha, alpha_f=alpha, t_max=t_max, scale_warmup=scale_warmup)


class CosineAnnealingWithWarmupScheduler(_WithWarmup):
    def __init__(self, t_warmup, t_max="1dur", alpha_f=0.0, scale_warmup=False):
        super().__init__(t_warmup, t_max, scale_warmup)
        self.alpha_f = alpha_f

    def after(self, frac_of_total):
        return _cosine_anneal(x=frac_of_total, min_y=self.alpha_f)


class PolynomialWithWarmupScheduler(_WithWarmup):
    def __init__(self, t_warmup, power=2.0, t_max="1dur", alpha_f=0.0, scale_warmup=False):
        super().__init__(t_warmup, t_max, scale_warmup)
        self.power, self.alpha_f = power, alpha_f

    def after(self, frac_of_total):
        return self.alpha_f + (1 - frac_of_total)**self.power * (1.0 - self.alpha_f)


PORTS = {name: globals()[name] for name in C.__all__}


def drive(scheduler, lr, steps, *, max_batches, dataloader_len, ssr=1.0, samples_per_batch=1, tokens_per_batch=1):
    """The lr of updates 0..steps-1 in Composer's train loop: LambdaLR sets lr * alpha at
    construction; after each batch, scheduler.step() (lr * alpha at the current timestamp),
    then the timestamp advances."""
    state = State(Time(max_batches, "ba"), dataloader_len)
    current = lr * scheduler(state, ssr)  # LambdaLR's initial step
    out = []
    for b in range(steps):
        out.append(current)  # the optimizer steps on batch b at this lr
        current = lr * scheduler(state, ssr)  # scheduler.step() before to_next_batch
        state.timestamp = Timestamp(b + 1, (b + 1) * samples_per_batch, (b + 1) * tokens_per_batch)
    return out


def _split(name, kwargs):
    k = dict(kwargs)
    lr, ssr = k.pop("lr"), k.pop("ssr", 1.0)
    for key in ("step_size", "t_max", "t_0", "decay_period", "t_warmup"):
        if isinstance(k.get(key), int):
            k[key] = f"{k[key]}ba"  # an int is batches: Composer takes the string
    return lr, ssr, k


def _atol(lr, kwargs):
    return 16 * EPS * lr * max(1.0, *(kwargs.get(a, 0.0) for a in ("alpha", "alpha_i", "alpha_f")))


# ---------------------------------------------------------------------- the tests

@pytest.mark.parametrize("name", C.__all__)
@settings(max_examples=25, deadline=None)
@given(data=st.data(), total16=st.integers(4, 40), spe2=st.integers(1, 20))
def test_resolved_catalog_equals_composer_loop(name, data, total16, spe2):
    """Over catalog_kwargs draws, at several run lengths and epoch sizes: the resolved tree is
    Composer's loop, update for update."""
    fn = getattr(C, name)
    kwargs = data.draw(catalog_kwargs(fn))
    lr, ssr, k = _split(name, kwargs)
    total, spe = 16 * total16, 2 * spe2
    t_max = k.get("t_max", "1dur")
    if t_max.endswith("ba") and "t_warmup" in k:
        total = int(int(t_max[:-2]) * ssr)  # Composer refuses a t_max (in batches) shorter than max_duration
    s = fn(**kwargs).resolve(total_steps=total, steps_per_epoch=spe)
    ref = drive(PORTS[name](**k), lr, total + 8, max_batches=total, dataloader_len=spe, ssr=ssr)
    assert_close(s, lambda t: ref[t], total + 8, rtol=1e-12, atol=_atol(lr, kwargs))


def test_body_is_alpha_at_the_timestamp_and_update_t_runs_at_t_minus_1():
    """Composer steps its schedulers before advancing state.timestamp: updates 0 and 1 share a rate."""
    s = C.LinearScheduler(lr=2.0, t_max="10ba")
    assert isinstance(s, lrcore.Shift) and s.steps == 1
    assert [s.schedule(b) for b in range(3)] == [2.0, 1.8, 1.6]  # lr * alpha(timestamp b)
    assert [s(t) for t in range(4)] == [2.0, 2.0, 1.8, 1.6]
    ref = drive(LinearScheduler(t_max="10ba"), 2.0, 4, max_batches=10, dataloader_len=5)
    assert ref == [2.0, 2.0, 1.8, 1.6]


GOLDEN = [
    # (catalog call, resolve kwargs, steps, values): Composer's values, worked by hand from its formulas
    (lambda: C.CosineAnnealingWithWarmupScheduler(lr=1.0, t_warmup="0.1dur", alpha_f=0.1), dict(total_steps=100),
     (0, 1, 5, 11, 56, 101), (0.0, 0.0, 0.04 * 10, 1.0, 0.1 + 0.9 * 0.5, 0.1)),
    (lambda: C.LinearWithWarmupScheduler(lr=0.5, t_warmup="1ep", t_max="1dur"), dict(total_steps=40, steps_per_epoch=10),
     (0, 6, 11, 26, 41), (0.0, 0.5 * 5 / 10, 0.5, 0.5 * (1 - 15 / 30), 0.0)),
    (lambda: C.MultiStepScheduler(lr=0.1, milestones=["30ep", "60ep", "80ep"]), dict(steps_per_epoch=100),
     (0, 3000, 3001, 6001, 8001), (0.1, 0.1, 0.1 * 0.1, 0.1 * 0.1 * 0.1, 0.1 * 0.1 * 0.1 * 0.1)),
    (lambda: C.PolynomialWithWarmupScheduler(lr=1.0, t_warmup="0.25dur", power=2.0), dict(total_steps=8),
     (0, 2, 3, 4, 5, 6, 9), (0.0, 0.5, 1.0, (1 - 1 / 6) ** 2, (1 - 2 / 6) ** 2, (1 - 3 / 6) ** 2, 0.0)),
    (lambda: C.CosineAnnealingWarmRestartsScheduler(lr=1.0, t_0="2ba", t_mult=2.0), dict(),
     (1, 3, 7, 15), (1.0, 1.0, 1.0, 1.0)),
    (lambda: C.StepScheduler(lr=1.0, step_size="1ep", gamma=0.5, ssr=0.5), dict(steps_per_epoch=4),
     (0, 2, 3, 5), (1.0, 1.0, 0.5, 0.25)),
]


@pytest.mark.parametrize("make, resolve, steps, values", GOLDEN)
def test_golden_values(make, resolve, steps, values):
    s = make().resolve(**resolve) if resolve else make()
    for t, v in zip(steps, values):
        assert s(t) == pytest.approx(v, rel=1e-12, abs=1e-15), t


def test_time_strings_map_to_lrcore_durations():
    s = C.CosineAnnealingScheduler(lr=1.0, t_max="0.1dur").schedule
    assert str(s.steps) == "10%" and s.steps.needs == "total_steps"
    assert str(C.ExponentialScheduler(lr=1.0, gamma=0.5, decay_period="2ep").schedule.every) == "2ep"
    assert str(C.LinearScheduler(lr=1.0, t_max="3e4tok").schedule.steps) == "30ktok"
    assert str(C.LinearScheduler(lr=1.0, t_max="1000sp").schedule.steps) == "1ksp"
    assert C.LinearScheduler(lr=1.0, t_max="500ba").schedule.steps == 500
    assert C.LinearScheduler(lr=1.0, t_max=500) == C.LinearScheduler(lr=1.0, t_max="500ba")
    s = C.LinearScheduler(lr=1.0, t_max="1000tok").resolve(tokens_per_step=100)
    assert s.schedule.steps == 10
    ref = drive(LinearScheduler(t_max="1000tok"), 1.0, 14, max_batches=14, dataloader_len=7, tokens_per_batch=100)
    assert_close(s, lambda t: ref[t], 14, rtol=1e-12, atol=16 * EPS)
    assert lrcore.loads(lrcore.dumps(C.CosineAnnealingWithWarmupScheduler(lr=1.0, t_warmup="2ep"))) == \
        C.CosineAnnealingWithWarmupScheduler(lr=1.0, t_warmup="2ep")


@pytest.mark.parametrize("ssr", [0.5, 0.75, 2.0])
def test_ssr_scales_batches_and_epochs_not_dur(ssr):
    """_convert_time: int(value * ssr) for batches and epochs (as batches); a dur is a share of the
    (already scaled) max_duration."""
    s = C.StepScheduler(lr=1.0, step_size="8ba", ssr=ssr)
    assert s.schedule.every == int(8 * ssr)
    e = C.StepScheduler(lr=1.0, step_size="2ep", ssr=ssr).resolve(steps_per_epoch=8)
    assert e.schedule.every == int(2 * 8 * ssr)
    d = C.StepScheduler(lr=1.0, step_size="0.25dur", ssr=ssr).resolve(total_steps=64)
    assert d.schedule.every == 16
    ref = drive(StepScheduler(step_size="2ep"), 1.0, 64, max_batches=64, dataloader_len=8, ssr=ssr)
    assert_close(e, lambda t: ref[t], 64, rtol=1e-12)


@pytest.mark.parametrize("scale_warmup", [False, True])
@pytest.mark.parametrize("ssr", [0.5, 2.0])
def test_scale_warmup_scales_only_the_ramp(ssr, scale_warmup):
    """t_warmup is converted without ssr; scale_warmup passes ssr to the ramp only: with ssr 0.5 the
    ramp peaks at 5 and holds to 10; with ssr 2 it is cut at 10 half way up."""
    kw = dict(t_warmup="10ba", t_max="40ba")
    s = C.LinearWithWarmupScheduler(lr=1.0, scale_warmup=scale_warmup, ssr=ssr, **kw)
    ref = drive(LinearWithWarmupScheduler(scale_warmup=scale_warmup, **kw), 1.0, 100, max_batches=int(40 * ssr),
                dataloader_len=10, ssr=ssr)
    assert_close(s, lambda t: ref[t], 100, rtol=1e-12, atol=16 * EPS)
    body = s.schedule
    if scale_warmup and ssr == 0.5:
        assert body(5) == body(9) == 1.0
    if scale_warmup and ssr == 2.0:
        assert body(9) == pytest.approx(9 / 20)


def test_deviation_rounding_of_fractions():
    """Composer truncates a float product, lrcore rounds the exact one, halves up (documented)."""
    state = State(Time(1005, "ba"), 10)
    assert _convert_time("0.1dur", state).value == 100                     # int(100.5)
    s = C.CosineAnnealingWithWarmupScheduler(lr=1.0, t_warmup="0.1dur").resolve(total_steps=1005)
    assert s.schedule.boundaries == (101,)                                   # round_half_up(100.5)
    state = State(Time(100, "ba"), 10)
    assert _convert_time("0.29dur", state).value == 28                      # 0.29 * 100 = 28.999999999999996
    assert C.LinearScheduler(lr=1.0, t_max="0.29dur").resolve(total_steps=100).schedule.steps == 29


def test_deviation_fractional_t_mult():
    """Composer truncates each cycle length (10, 15, 22); lrcore's Restart keeps 10 * 1.5**k (22.5)."""
    port = CosineAnnealingWarmRestartsScheduler(t_0="10ba", t_mult=1.5)
    ref = drive(port, 1.0, 60, max_batches=60, dataloader_len=10)
    s = C.CosineAnnealingWarmRestartsScheduler(lr=1.0, t_0="10ba", t_mult=1.5)
    assert_close(s, lambda t: ref[t], 27, rtol=1e-12, atol=16 * EPS)          # cycles 0 and 1 and the start of 2
    assert abs(s(27) - ref[27]) > 1e-4                                       # 1/22.5 of cycle 2, not 1/22
    assert ref[48] == 1.0 and s(48) != 1.0                                   # Composer restarts at 47, lrcore at 47.5


@pytest.mark.parametrize("call, match", [
    (lambda: C.LinearScheduler(lr=1.0, t_max="5 epochs"), r"LinearScheduler: `t_max` must be a Composer time string"),
    (lambda: C.LinearScheduler(lr=1.0, t_max="2.5ba"), r"`t_max` must be a whole number of ba"),
    (lambda: C.LinearScheduler(lr=1.0, t_max="3iter"), r"'iter' \(iterations\) has no step count"),
    (lambda: C.LinearScheduler(lr=1.0, t_max="1/3dur"), r"`t_max` must be a Composer time string"),
    (lambda: C.LinearScheduler(lr=1.0, t_max="0ba"), r"`t_max` must be a time of at least 1 batch"),
    (lambda: C.StepScheduler(lr=1.0, step_size="1ba", ssr=0.5), r"`step_size` must be a time of at least 1 batch"),
    (lambda: C.StepScheduler(lr=1.0, step_size="4ba", gamma=1.5), r"StepScheduler: `gamma` must be"),
    (lambda: C.StepScheduler(lr=1.0, step_size="4ba", ssr=0.0), r"StepScheduler: `ssr` must be"),
    (lambda: C.CosineAnnealingWarmRestartsScheduler(lr=1.0, t_0="4ba", t_mult=0.5), r"`t_mult` must be"),
    (lambda: C.MultiStepScheduler(lr=1.0, milestones=["4ba", "4ba"]), r"`milestones` must be distinct times"),
    (lambda: C.MultiStepScheduler(lr=1.0, milestones=[]), r"`milestones` must be a non-empty list"),
    (lambda: C.PolynomialScheduler(lr=1.0, power=0.0, t_max="4ba"), r"PolynomialScheduler: `power` must be"),
    (lambda: C.PolynomialWithWarmupScheduler(lr=1.0, t_warmup="1ep", t_max="1dur"), r"`t_max` must be a time in the unit of t_warmup"),
    (lambda: C.LinearWithWarmupScheduler(lr=1.0, t_warmup="2ba", scale_warmup=1), r"`scale_warmup` must be a bool"),
    (lambda: C.ConstantScheduler(lr=-1.0), r"ConstantScheduler: `lr` must be"),
])
def test_bad_arguments_name_the_parameter(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_no_function_in_any_tree():
    for name in C.__all__:
        fn = getattr(C, name)
        trees = {
            "StepScheduler": dict(step_size="2ba"), "MultiStepScheduler": dict(milestones=["2ba"]),
            "ExponentialScheduler": dict(gamma=0.5), "CosineAnnealingWarmRestartsScheduler": dict(t_0="2ba"),
            "PolynomialScheduler": dict(power=2.0), "MultiStepWithWarmupScheduler": dict(t_warmup="2ba", milestones=["4ba"]),
        }
        kw = dict(lr=1.0, **trees.get(name, {}))
        if name.endswith("WithWarmupScheduler") and "t_warmup" not in kw:
            kw["t_warmup"] = "0.1dur"
        s = fn(**kw)
        assert "Function" not in lrcore.dumps(s)
