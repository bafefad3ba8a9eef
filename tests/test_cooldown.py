"""lrcore.cooldown (a decay launched from a checkpoint) and Warmup(warmup_steps=0) (issue 14)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrcore
from strategies import boundaries_of, schedules

SHAPES = ("linear", "cosine", "exponential", "1-sqrt")


@settings(max_examples=60, deadline=None)
@given(s=schedules(), at=st.integers(0, 5000) | st.integers(0, 10**9), n=st.integers(1, 3000),
       end=st.floats(0.0, 1e-3), shape=st.sampled_from(SHAPES), data=st.data())
def test_cooldown_is_continuous_at_its_start_and_exact_at_its_end(s, at, n, end, shape, data):
    c = lrcore.cooldown(s, at=at, steps=n, end_value=end, shape=shape)
    v = s(at)
    assert c(at) == v  # continuous: the decay starts at the schedule's own value
    assert c(at + n) == end and c(at + n + data.draw(st.integers(0, 10**6), label="after")) == end
    before = data.draw(st.lists(st.integers(0, max(0, at - 1)), max_size=5), label="before")
    near = [int(b) for b in boundaries_of(s) if b < at][:10]
    for t in before + near + ([at - 1] if at else []):
        assert c(t) == s(t)
    for t in data.draw(st.lists(st.integers(at, at + n), max_size=5), label="inside"):
        assert min(v, end) - 1e-15 * abs(v) <= c(t) <= max(v, end) + 1e-15 * abs(v)
    assert lrcore.loads(lrcore.dumps(c)) == c if "Function" not in repr(s) else True


@pytest.mark.parametrize("shape", SHAPES)
def test_cooldown_values(shape):
    c = lrcore.cooldown(lrcore.Linear(start_value=1.0, end_value=0.0, steps=100), at=40, steps=10, end_value=0.1,
                        shape=shape)
    p = 0.3  # t = 43
    d = {"linear": 1 - p, "cosine": (1 + math.cos(math.pi * p)) / 2, "exponential": 2 * 0.5**p - 1,
         "1-sqrt": 1 - math.sqrt(p)}[shape]
    assert c(43) == pytest.approx(0.1 + (0.6 - 0.1) * d, rel=1e-12)
    assert [c(t) for t in (0, 39, 40, 50, 99)] == pytest.approx([1.0, 0.61, 0.6, 0.1, 0.1], rel=1e-12)
    assert [p.kind for p in c.describe()] == ["linear", f"decay {shape}", "constant"]


def test_cooldown_from_step_zero_and_under_a_plateau():
    c = lrcore.cooldown(lrcore.Constant(value=2.0), at=0, steps=4)
    assert c == lrcore.WSD(peak_value=2.0, warmup_steps=0, stable_steps=0, decay_steps=4)
    p = lrcore.Constant(value=1.0) * lrcore.Plateau(patience=0)
    cp = lrcore.cooldown(p, at=3, steps=2, end_value=0.5)
    assert isinstance(cp, lrcore.PlateauSchedule) and cp.plateau == p.plateau and cp.schedule(5) == 0.5


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    (dict(at=-1, steps=3), ValueError, r"^cooldown: `at` must be an int >= 0 and <= 9007199254740992, got at=-1$"),
    (dict(at=2, steps=0), ValueError, r"^cooldown: `steps` must be an int >= 1 and <= 9007199254740992, got steps=0$"),
    (dict(at=2.5, steps=3), TypeError, r"^cooldown: `at` must be an int >= 0 .*, got at=2\.5$"),
    (dict(at=2, steps=3, shape="cos"), ValueError, r"^cooldown: `shape` must be one of 'linear', .*, got shape='cos'$"),
    (dict(at=2, steps=3, end_value=math.nan), ValueError, r"^cooldown: `end_value` must be a finite number, got end_value=nan$"),
    (dict(at=2**53, steps=3), ValueError, r"^cooldown: `steps` must be small enough that the cooldown ends before step 2\*\*53"),
])
def test_cooldown_rejects_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        lrcore.cooldown(lrcore.Constant(value=1.0), **kwargs)
    with pytest.raises(TypeError, match=r"^cooldown: `schedule` must be an lrcore Schedule"):
        lrcore.cooldown(0.1, at=1, steps=2)


@settings(max_examples=40, deadline=None)
@given(s=schedules(), prefix=st.booleans(), data=st.data())
def test_warmup_of_zero_steps_is_the_schedule_itself(s, prefix, data):
    w = lrcore.Warmup(s, warmup_steps=0, prefix=prefix, start_value=0.5)
    steps = [0, 1] + [int(b) for b in boundaries_of(s)[:10]] + data.draw(st.lists(st.integers(0, 10**7), max_size=5))
    assert [w(t) for t in steps] == [s(t) for t in steps]
    assert w.duration == s.duration
    assert [(p.start, p.kind) for p in w.describe()] == [(p.start, p.kind) for p in s.describe()]
