"""Long sorted numpy inputs are evaluated piece by piece (lrcore._vector): the same values as
the whole formula, bit for bit, for every tree, dtype and kind of sorted input."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import lrcore
from lrcore._vector import BLOCK
from strategies import boundaries_of, schedules


def whole_formula(s, t: np.ndarray, dtype=np.float64) -> np.ndarray:
    """The old path: the whole formula on blocks short enough never to be cut into pieces."""
    return np.concatenate([s.evaluate(t[i:i + BLOCK // 2], dtype=dtype) for i in range(0, t.size, BLOCK // 2)])


@settings(max_examples=40, deadline=None)
@given(s=schedules(), start=st.integers(0, 3000) | st.integers(0, 2**40), n=st.integers(BLOCK + 1, 3 * BLOCK),
       step=st.sampled_from([1, 1, 1, 2, 7]), f32=st.booleans())
def test_ranges_equal_the_whole_formula(s, start, n, step, f32):
    dt = np.float32 if f32 else np.float64
    r = range(start, start + n * step, step)
    got = s.evaluate(r, dtype=dt)
    assert got.dtype == dt and got.shape == (len(r),)
    want = whole_formula(s, np.arange(r.start, r.stop, r.step, dtype=np.float64), dt)
    np.testing.assert_array_equal(got, want)


@settings(max_examples=30, deadline=None)
@given(s=schedules(), data=st.data())
def test_sorted_arrays_equal_the_whole_formula(s, data):
    marks = [float(b) for b in boundaries_of(s)[:20]]
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    top = data.draw(st.sampled_from([100.0, 1e5, 2.0**30]), label="top")
    extra = np.floor(rng.uniform(0, top, BLOCK + 1)) + rng.choice([0.0, 0.25], BLOCK + 1)
    t = np.sort(np.concatenate([marks, [m + 0.5 for m in marks], extra]))
    np.testing.assert_array_equal(s.evaluate(t), whole_formula(s, t))


def test_segments_cut_where_the_formula_changes():
    s = lrcore.Warmup(lrcore.Cosine(start_value=1.0, steps=100), warmup_steps=10) * 2.0
    cuts = [(p.start, p.end, p.fn is None) for p in s.segments(0.0, 1000.0)]
    assert cuts == [(0.0, 10.0, False), (10.0, 110.0, False), (110.0, float("inf"), True)]
    m = lrcore.MultiStep(start_value=1.0, milestones=[3, 6], factor=0.1)
    assert [(p.start, p.end, p.fn) for p in m.segments(0.0, 10.0)] == [(0, 3, None), (3, 6, None), (6, float("inf"), None)]


def test_unsorted_and_2d_inputs_take_the_whole_formula():
    s = lrcore.Sequential(parts=[lrcore.Constant(value=1.0), lrcore.Linear(start_value=1.0, end_value=0.0, steps=50)],
                          boundaries=[20])
    t = np.arange(3 * BLOCK, dtype=np.float64)[::-1].copy()
    np.testing.assert_array_equal(s.evaluate(t), whole_formula(s, t))
    np.testing.assert_array_equal(s.evaluate(t.reshape(3, -1)), whole_formula(s, t).reshape(3, -1))


def test_restart_cycles_are_pieces_and_equal_the_whole_formula():
    cos = lrcore.Cosine(start_value=1.0, steps=100, end_value=0.01)
    for s in (lrcore.Restart(cos, period_steps=100, period_mult=2.0),
              lrcore.Restart(cos, period_steps=100, decay=0.5, limit=5),
              lrcore.Restart(cos, period_steps=150, period_mult=1.5, decay=0.9, limit=4, decay_mode="peak")):
        cuts = s.segments(0.0, 3000.0)
        assert len(cuts) >= 4 and cuts[0].start == 0.0 and cuts[-1].end >= 3000.0
        for dt in (np.float64, np.float32):
            r = range(0, 3 * BLOCK + 17)
            np.testing.assert_array_equal(s.evaluate(r, dtype=dt), whole_formula(s, np.arange(len(r), dtype=np.float64), dt))
