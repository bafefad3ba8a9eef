"""The public node protocol (issue 13): fields declared once, registration, one timeline per
node that describe(), phase_at() and numpy all read, and a loud guard on Python control flow."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrcore
from lrcore._compile import FormulaError
from strategies import boundaries_of, schedules


# -- a node written as users write one, outside the package ---------------------------------

@lrcore.register(package="tests")
class HalfLife(lrcore.Schedule):
    """``start * 2**(-t / half_life)``."""

    start_value: float
    half_life: float = lrcore.field(gt=0.0)

    def formula(self, t, xp):
        return self.start_value * xp.exp(-math.log(2.0) / self.half_life * t)

    duration = None


class Unregistered(lrcore.Schedule):
    value: float

    def formula(self, t, xp):
        return self.value + 0.0 * t

    duration = 0


class BranchesInPython(lrcore.Schedule):
    value: float

    def formula(self, t, xp):
        return self.value if t < 5 else 0.0  # the mistake the guard is for

    duration = 5


def test_a_user_node_is_a_value():
    a, b = HalfLife(start_value=1.0, half_life=10), HalfLife(start_value=1.0, half_life=10.0)
    assert a == b and hash(a) == hash(b) and a.fingerprint == b.fingerprint
    assert repr(a) == "HalfLife(start_value=1.0, half_life=10.0)"
    assert pickle.loads(pickle.dumps(a)) == a
    assert a.replace(half_life=20.0) == HalfLife(start_value=1.0, half_life=20.0)
    with pytest.raises(AttributeError, match="immutable"):
        a.half_life = 3.0
    assert a(10) == pytest.approx(0.5, rel=1e-15)
    assert [f.name for f in lrcore.fields(HalfLife)] == ["start_value", "half_life"]


def test_fields_are_validated_with_the_one_template():
    with pytest.raises(ValueError, match=r"^HalfLife: `half_life` must be a number > 0\.0, got half_life=0$"):
        HalfLife(start_value=1.0, half_life=0)
    with pytest.raises(TypeError, match=r"^HalfLife: `start_value` must be a finite number, got start_value='1'$"):
        HalfLife(start_value="1", half_life=1.0)
    with pytest.raises(TypeError, match=r"missing required argument: 'half_life'"):
        HalfLife(start_value=1.0)
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'halflife'"):
        HalfLife(start_value=1.0, half_life=1.0, halflife=2.0)


def test_sequence_fields_accept_any_sequence():
    for ms in ([2, 4], (2, 4), range(2, 5, 2), np.array([2, 4])):
        assert lrcore.MultiStep(start_value=1.0, milestones=ms, factor=0.5).milestones == (2, 4)


def test_a_bound_may_name_an_earlier_field():
    with pytest.raises(ValueError, match=r"^Tanh: `upper` must be a number > -7\.0, got upper=-8$"):
        lrcore.Tanh(start_value=1.0, steps=10, upper=-8)
    with pytest.raises(ValueError, match=r"^Clamp: `max_value` must be a number >= 0\.5, got max_value=0\.25$"):
        lrcore.Clamp(lrcore.Constant(value=1.0), min_value=0.5, max_value=0.25)
    assert lrcore.Clamp(lrcore.Constant(value=1.0), max_value=0.25)(0) == 0.25  # no bound from a None


def test_registered_nodes_round_trip_and_compose():
    s = lrcore.Restart(lrcore.Warmup(lrcore.Sequential(
        parts=[HalfLife(start_value=1.0, half_life=7.0), lrcore.Constant(value=0.1)], boundaries=[30]),
        warmup_steps=5), period_steps=40)
    text = lrcore.dumps(s)
    assert '"type": "tests>HalfLife"' in text
    back = lrcore.loads(text)
    assert back == s and back.fingerprint == s.fingerprint
    steps = list(range(0, 200, 3))
    np.testing.assert_allclose(back.evaluate(steps), [s(t) for t in steps], rtol=1e-14)  # numpy exp vs math.exp


def test_unregistered_nodes_are_refused_by_dumps_not_by_loads():
    s = lrcore.Warmup(Unregistered(value=1.0), warmup_steps=3)
    with pytest.raises(ValueError, match=r"Unregistered: must be registered .*@lrcore\.register"):
        lrcore.dumps(s)
    assert isinstance(s.fingerprint, str)  # still told apart from other trees


def test_loading_an_unknown_type_says_how_to_register_it():
    with pytest.raises(ValueError, match=r"^schedule\.type: must be one of .*import the module that defines it and "
                                         r"decorate the class with @lrcore\.register.*, got 'myproj>Missing'$"):
        lrcore.from_config({"type": "Warmup", "schedule": {"type": "myproj>Missing"}, "warmup_steps": 2})


def test_a_taken_name_is_refused():
    with pytest.raises(ValueError, match=r"register: the name 'tests>HalfLife' is taken"):
        @lrcore.register(package="tests")
        class HalfLife(lrcore.Schedule):  # noqa: F811 - another class under the same name
            value: float
    with pytest.raises(TypeError, match="subclass of lrcore.Schedule"):
        lrcore.register(object)


def test_builtin_nodes_are_registered_by_their_class():
    reg = lrcore.registered()
    for name in ("Constant", "Cosine", "Warmup", "Restart", "Warp", "Plateau", "PlateauSchedule"):
        assert reg[name] is getattr(lrcore, name)


# -- the control-flow guard, on every path --------------------------------------------------

GUARD = r"^BranchesInPython\.formula: a formula must not use Python control flow .* use xp\.where"


def test_python_if_fails_loudly_on_the_scalar_path():
    with pytest.raises(FormulaError, match=GUARD):
        BranchesInPython(value=1.0)(2)
    with pytest.raises(FormulaError, match=GUARD):  # named inside a tree, not as its root
        lrcore.Warmup(BranchesInPython(value=1.0), warmup_steps=2)(3)


def test_python_if_fails_loudly_on_numpy():
    with pytest.raises(FormulaError, match=GUARD):
        BranchesInPython(value=1.0).evaluate(np.arange(10.0))


def test_python_if_fails_loudly_on_torch_and_paddle():
    torch = pytest.importorskip("torch")
    with pytest.raises(FormulaError, match=GUARD):
        BranchesInPython(value=1.0).evaluate(torch.arange(10.0))
    paddle = pytest.importorskip("paddle")
    with pytest.raises(FormulaError, match=GUARD):
        BranchesInPython(value=1.0).evaluate(paddle.arange(10, dtype="float32"))


def test_python_if_fails_loudly_under_jit():
    jax = pytest.importorskip("jax")
    with pytest.raises(FormulaError, match=GUARD):
        jax.jit(BranchesInPython(value=1.0).evaluate)(jax.numpy.arange(10.0))


def test_math_on_the_step_fails_loudly():
    class ByMath(lrcore.Schedule):
        def formula(self, t, xp):
            return math.cos(t)

        duration = None

    with pytest.raises(FormulaError, match=r"^ByMath\.formula: .*ops of xp"):
        ByMath()(1)


def test_a_function_may_use_any_python():
    f = lrcore.Function(fn=lambda step: 1.0 if step < 5 else 0.5)
    assert [f(t) for t in (0, 4, 5)] == [1.0, 1.0, 0.5]
    assert f.evaluate([0, 4, 5]).tolist() == [1.0, 1.0, 0.5]
    assert lrcore.Warmup(f, warmup_steps=2)(9) == 0.5


# -- one timeline ----------------------------------------------------------------------------

def test_stretch_of_restart_reports_the_phase_it_evaluates():
    """Issue 13: 0.1 rounded the inner boundary 47.5 up before scaling it (144, not 142.5)."""
    s = lrcore.Stretch(lrcore.Restart(lrcore.Cosine(start_value=1.0, steps=10), period_steps=10, period_mult=1.5),
                       factor=3)
    # cycle 3 runs on inner time [47.5, 81.25): at 143 / 3 the cosine is (143 / 3 - 47.5) / 33.75 of the way in
    assert s(143) == pytest.approx((1 + math.cos(math.pi * (143 / 3 - 47.5) / 33.75)) / 2, rel=1e-12)
    ph = s.phase_at(143)
    assert (ph.kind, ph.start) == ("cycle 3 cosine", 143)
    assert s.phase_at(142).kind == "cycle 2 cosine"


def _segment_at(s, t):
    (seg,) = [g for g in s.segments(float(t), t + 1.0) if g.start <= t < g.end]
    return seg


@settings(max_examples=60, deadline=None)
@given(s=schedules(), data=st.data())
def test_phase_at_contains_the_step_and_its_formula_is_the_value(s, data):
    marks = [m for m in boundaries_of(s) if m < 2**40][:30]
    near = [max(0, int(m) + d) for m in marks for d in (-1, 0, 1)]
    steps = data.draw(st.lists(st.sampled_from(near) | st.integers(0, 10**6), min_size=1, max_size=8), label="steps")
    for t in steps:
        ph = s.phase_at(t)
        assert ph.start <= t and (ph.end is None or t < ph.end), (t, ph)
        seg = _segment_at(s, t)
        here = s(math.ceil(seg.start)) if seg.fn is None else float(seg.fn(float(t), lrcore.ops.scalar))
        assert here == pytest.approx(s(t), rel=1e-12, abs=1e-300), (t, seg.kind)
        assert ph.kind == seg.kind


@settings(max_examples=40, deadline=None)
@given(s=schedules())
def test_describe_tiles_the_steps_it_covers(s):
    phases = s.describe()
    assert phases[0].start == 0
    for a, b in zip(phases, phases[1:]):
        assert a.end == b.start
    for p in phases:
        assert p.start_value == s(p.start)


def test_stretch_by_a_fraction_of_fractional_phases():
    """Found by test_long_numpy_inputs: a boundary search ran past the float range (kept as a regression case)."""
    s = lrcore.Stretch(lrcore.OneCycle(peak_value=1.0, total_steps=6, pct_start=0.453125, div_factor=1.0,
                                       final_div_factor=1.0, three_phase=True), factor=0.3)
    t = np.arange(0.0, 40.0, 0.25)
    np.testing.assert_array_equal(s.evaluate(np.concatenate([t, np.arange(40.0, 8300.0)])),
                                  np.concatenate([s.evaluate(t[i:i + 1]) for i in range(t.size)]
                                                 + [s.evaluate(np.arange(40.0, 8300.0)[i:i + 1000])
                                                    for i in range(0, 8260, 1000)]))


def test_quantize_covers_steps_inside_a_child_segment_it_skips():
    """Found by the phase property (kept as a regression case): the child's timeline is asked
    from the quantized step, not the step itself."""
    s = lrcore.Quantize(lrcore.Restart(lrcore.Sequential(parts=[lrcore.Constant(value=1.0), lrcore.Constant(value=1.0)],
                                                         boundaries=[1]), period_steps=1), every=2)
    assert [s.phase_at(t).start for t in range(5)] == [0, 0, 2, 2, 4]


def test_restart_shows_its_childs_phases_in_each_cycle():
    s = lrcore.Restart(lrcore.Warmup(lrcore.Cosine(start_value=1.0, steps=8), warmup_steps=2), period_steps=10)
    assert [(p.start, p.end, p.kind) for p in s.describe(until=20)] == [
        (0, 2, "cycle 0 warmup linear"), (2, 10, "cycle 0 cosine"), (10, 12, "cycle 1 warmup linear"),
        (12, 20, "cycle 1 cosine")]
    assert s.phase_at(5).kind == "cycle 0 cosine" and s.phase_at(11).kind == "cycle 1 warmup linear"
    # stretched cycles (7, then 10.5 steps): the ramp's 2 steps of child time are 1.4, then 2.1 steps
    s = lrcore.Restart(s.schedule, period_steps=7, period_mult=1.5)
    assert [(p.start, p.kind) for p in s.describe(until=18)] == [
        (0, "cycle 0 warmup linear"), (2, "cycle 0 cosine"), (7, "cycle 1 warmup linear"), (10, "cycle 1 cosine")]


def test_a_function_of_xp_with_python_on_the_step_still_runs_on_the_scalar_path():
    f = lrcore.Function(fn=lambda step, xp: 1.0 if step < 5 else 0.5)
    assert [f(t) for t in (0, 4, 5)] == [1.0, 1.0, 0.5]
    g = lrcore.Function(fn=lambda step, xp: xp.where(step < 5, 1.0, 0.5))  # compiled like any formula
    assert [g(t) for t in (0, 4, 5)] == [1.0, 1.0, 0.5] and g.evaluate([0, 5]).tolist() == [1.0, 0.5]
