"""Durations with units: the grammar, resolving trees, unresolved evaluation, configs."""

from __future__ import annotations

import pickle
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lrcore
from lrcore._units import Duration, StepCount, parse_duration
from nodes import NODES

# ------------------------------------------------------------------------------- the grammar
UNITS = {"ba": ("", "ba"), "ep": ("ep",), "dur": ("%", "dur"), "tok": ("tok",), "sp": ("sp",)}
MAGS = {"": 0, "k": 3, "M": 6, "B": 9, "T": 12}


@st.composite
def duration_strings(draw: st.DrawFn) -> tuple[str, Fraction, str]:
    """A string of the grammar, and the exact value and unit it denotes (computed apart)."""
    unit = draw(st.sampled_from(sorted(UNITS)))
    suffix = draw(st.sampled_from(UNITS[unit]))
    mag = draw(st.sampled_from(sorted(MAGS))) if unit in ("ba", "tok", "sp") else ""
    whole = draw(st.integers(0, 10**8))
    frac = draw(st.text("0123456789", max_size=4)) if unit != "ba" or mag else ""
    if unit == "ba" and mag:  # whole steps only
        frac = frac[:MAGS[mag] // 3]
    neg = draw(st.booleans())
    text = ("-" if neg else "") + str(whole) + ("." + frac if frac else "") + mag + suffix
    value = Fraction(f"{whole}.{frac or '0'}") * 10 ** MAGS[mag] * (-1 if neg else 1)
    if suffix == "%":
        value /= 100
    return text, value, unit


@given(duration_strings())
def test_grammar_round_trips_through_str(case: tuple) -> None:
    text, value, unit = case
    d = parse_duration(text)
    if unit == "ba" and value.denominator != 1:
        return  # not reached: the strategy draws whole steps
    if unit == "ba":
        assert isinstance(d, StepCount) and int(d) == value and d.text == text
        return
    assert isinstance(d, Duration) and d.unit == unit and d.value == value and d.text == text
    again = parse_duration(str(d))
    assert again == d and str(again) == str(d) and hash(again) == hash(d)
    assert pickle.loads(pickle.dumps(d)) == d


@pytest.mark.parametrize(("text", "canonical"), [
    ("0.1dur", "10%"), ("10%", "10%"), ("2.50ep", "2.5ep"), ("1500000tok", "1.5Mtok"), ("1.5Mtok", "1.5Mtok"),
    ("2000Mtok", "2Btok"), ("100000sp", "100ksp"), ("0.5ksp", "500sp"), ("0.25%", "0.25%"), ("-2ep", "-2ep"),
    (".5ep", "0.5ep"), ("3.dur", "300%"),
])
def test_canonical_spelling(text: str, canonical: str) -> None:
    assert str(parse_duration(text)) == canonical


@pytest.mark.parametrize(("text", "steps"), [("500", 500), ("500ba", 500), ("2kba", 2000), ("1.5kba", 1500),
                                             ("1M", 10**6), ("-3ba", -3), ("007", 7)])
def test_step_strings_are_ints_at_once(text: str, steps: int) -> None:
    d = parse_duration(text)
    assert type(d) is StepCount and d == steps and d.text == text


REQ = ("an int >= 1 and <= 9007199254740992 or a duration string: '500' or '500ba' (steps), '2ep' (epochs), "
       "'10%' or '0.1dur' (of the run), '1.5Mtok' (tokens), '100ksp' (samples)")


@pytest.mark.parametrize("bad", ["", "ep", "2 ep", " 2ep", "2ep ", "2EP", "2e3", "1.2.3ep", "2kep", "1k%", "2kdur",
                                 "+2ep", "--2ep", "2tokens", "0x10", "1_000", "½ep", "٣ep", "2ep2", "inf", "nan",
                                 "9" * 41])
def test_bad_strings_name_the_field_and_the_string(bad: str) -> None:
    msg = f"Cosine: `steps` must be {REQ}, got steps={bad!r}"
    with pytest.raises(lrcore.ScheduleError) as info:
        lrcore.Cosine(start_value=1.0, steps=bad)
    assert str(info.value) == msg and info.value.field == "steps"


@pytest.mark.parametrize(("kwargs", "msg"), [
    ({"steps": "2.5ba"}, "Cosine: `steps` must be a whole number of steps, got steps='2.5ba'"),
    ({"steps": "0.0005k"}, "Cosine: `steps` must be a whole number of steps, got steps='0.0005k'"),
    ({"steps": "0ba"}, "Cosine: `steps` must be an int >= 1 and <= 9007199254740992, got steps='0ba'"),
    ({"steps": "-1ep"}, "Cosine: `steps` must be a duration >= 1, got steps='-1ep'"),
    ({"steps": "10000Tba"}, "Cosine: `steps` must be an int >= 1 and <= 9007199254740992, got steps='10000Tba'"),
])
def test_bad_step_strings(kwargs: dict, msg: str) -> None:
    with pytest.raises(lrcore.ScheduleError) as info:
        lrcore.Cosine(start_value=1.0, **kwargs)
    assert str(info.value) == msg


def test_bad_list_items_name_their_index() -> None:
    with pytest.raises(lrcore.ScheduleError, match=r"^MultiStep: `milestones\[1\]` must be .*, got "
                       r"milestones\[1\]='2 ep'$"):
        lrcore.MultiStep(start_value=1.0, milestones=["1ep", "2 ep"], factor=0.1)


def test_fields_list_the_step_counts() -> None:
    marked = {(cls.__name__, f.name) for cls in lrcore.registered().values() for f in lrcore.fields(cls)
              if f.duration}
    assert marked == {
        ("Linear", "steps"), ("Polynomial", "steps"), ("Cosine", "steps"), ("Tanh", "steps"),
        ("Exponential", "every"), ("InverseTime", "every"), ("MultiStep", "milestones"),
        ("Piecewise", "boundaries"), ("Interpolate", "boundaries"), ("InverseSqrt", "timescale_steps"),
        ("Noam", "warmup_steps"), ("Cyclic", "up_steps"), ("Cyclic", "down_steps"), ("OneCycle", "total_steps"),
        ("WSD", "warmup_steps"), ("WSD", "stable_steps"), ("WSD", "decay_steps"), ("Sequential", "boundaries"),
        ("Warmup", "warmup_steps"), ("Restart", "period_steps"), ("Shift", "steps"), ("Quantize", "every"),
        ("Warp", "steps"), ("Geometric", "steps"),
    }
    assert "duration" in repr(lrcore.fields(lrcore.Cosine)[1])


# ------------------------------------------------------------------- resolving, over the node table
KEYS = {"total_steps": 100, "steps_per_epoch": 4, "tokens_per_step": 2000, "samples_per_step": 8}


def _spell(n: int, i: int) -> str:
    """The step count n written in unit number i (mod 4), exactly n steps under KEYS."""
    return [f"{n}%", f"{Fraction(n, 4) if n % 4 == 0 else n / 4}ep", f"{2 * n}ktok", f"{8 * n}sp"][i % 4]


def _respelled(node: Any, counter: list) -> tuple[Any, int]:
    """`node` with every whole step count of a duration field written with a unit; how many."""
    kwargs, changed = {}, 0
    for f in lrcore.fields(node):
        v = getattr(node, f.name)
        if isinstance(v, lrcore.Schedule) or isinstance(v, lrcore.PlateauSchedule):
            v, k = _respelled(v, counter)
            changed += k
        elif isinstance(v, tuple) and any(isinstance(x, lrcore.Schedule) for x in v):
            parts = [_respelled(x, counter) for x in v]
            v, changed = tuple(p[0] for p in parts), changed + sum(p[1] for p in parts)
        elif f.duration and isinstance(v, tuple):
            v = tuple(_spell(x, counter.append(0) or len(counter)) for x in v)
            changed += len(v)
        elif f.duration and isinstance(v, (int, float)) and v == int(v) and abs(v) <= 10**6:
            v, changed = _spell(int(v), counter.append(0) or len(counter)), changed + 1
        kwargs[f.name] = v
    return type(node)(**kwargs), changed


CASES = [pytest.param(x, id=f"{name}-{i}") for name, e in NODES.items() for i, x in enumerate(e.instances)]


@pytest.mark.parametrize("node", CASES)
def test_resolved_tree_equals_the_hand_built_one(node: Any) -> None:
    spec, n = _respelled(node, [])
    if n == 0:
        assert spec.resolve(**KEYS) is spec and not spec.unresolved
        return
    assert spec.unresolved and len(spec.unresolved) == n
    assert {d.needs for _, d in spec.unresolved} <= set(KEYS)
    resolved = spec.resolve(**KEYS)
    assert resolved == node and repr(resolved) == repr(node)
    assert resolved.fingerprint == node.fingerprint != spec.fingerprint
    assert resolved.resolve(**KEYS) is resolved
    # the spec stores its strings and loads back equal
    assert lrcore.loads(lrcore.dumps(spec)) == spec and pickle.loads(pickle.dumps(spec)) == spec
    assert lrcore.from_config(spec.to_config()).fingerprint == spec.fingerprint


def test_step_strings_evaluate_and_keep_their_spelling() -> None:
    s = lrcore.Warmup(lrcore.Cosine(start_value=1.0, steps="900ba"), warmup_steps="100")
    plain = lrcore.Warmup(lrcore.Cosine(start_value=1.0, steps=900), warmup_steps=100)
    assert s == plain and s.fingerprint == plain.fingerprint and not s.unresolved and s.resolve() is s
    assert s(550) == plain(550) and s.evaluate([0, 550]).tolist() == plain.evaluate([0, 550]).tolist()
    cfg = s.to_config()
    assert cfg["warmup_steps"] == "100" and cfg["schedule"]["steps"] == "900ba"
    assert lrcore.loads(lrcore.dumps(s)).to_config() == cfg
    assert pickle.loads(pickle.dumps(s)).to_config() == cfg
    assert s.replace(start_value=0.5).to_config()["warmup_steps"] == "100"


def test_config_keeps_the_strings_as_written() -> None:
    s = lrcore.Sequential(parts=[lrcore.Constant(value=1.0), lrcore.Cosine(start_value=1.0, steps="0.9dur")],
                          boundaries=["1.5Mtok"])
    text = lrcore.dumps(s)
    assert '"0.9dur"' in text and '"1.5Mtok"' in text
    back = lrcore.loads(text)
    assert back == s and lrcore.dumps(back) == text
    # equal durations are equal nodes with one fingerprint, whatever their spelling
    other = lrcore.Sequential(parts=[lrcore.Constant(value=1.0), lrcore.Cosine(start_value=1.0, steps="90%")],
                              boundaries=["1500ktok"])
    assert other == s and other.fingerprint == s.fingerprint


def test_rounding_is_to_the_nearest_int_halves_up() -> None:
    def steps(text: str, **kw: Any) -> int:
        return lrcore.Cosine(start_value=1.0, steps=text).resolve(**kw).steps

    assert steps("2.5%", total_steps=100) == 3      # 2.5 -> 3
    assert steps("3.5%", total_steps=100) == 4      # not to even
    assert steps("2.49%", total_steps=100) == 2
    assert steps("0.5ep", steps_per_epoch=3) == 2   # 1.5 -> 2
    assert steps("1ktok", tokens_per_step=3) == 333  # 333.33
    assert steps("1ktok", tokens_per_step=400) == 3  # 2.5 -> 3
    assert steps("1ep", steps_per_epoch=2.5) == 3   # a float keyword, exactly
    assert steps("0.1dur", total_steps=15) == 2     # 1.5 -> 2, exact (0.1 * 15 is 1.5000000000000002 in floats)
    assert steps("0.7dur", total_steps=5) == 4      # 3.5 -> 4 (0.7 * 5 is 3.4999999999999996 in floats)


def test_resolve_errors() -> None:
    s = lrcore.Warmup(lrcore.Cosine(start_value=1.0, steps="2ep"), warmup_steps="0.01%")
    with pytest.raises(lrcore.UnresolvedError) as info:
        s.resolve(total_steps=1000)
    assert str(info.value) == ("resolve: `schedule.steps`='2ep' is in epochs and needs steps_per_epoch=..., "
                               "which was not given")
    with pytest.raises(lrcore.ScheduleError) as e2:
        lrcore.Cosine(start_value=1.0, steps="0.01%").resolve(total_steps=1000)
    assert str(e2.value) == ("Cosine: `steps` must be an int >= 1 and <= 9007199254740992, got steps=0 "
                             "(resolved from steps='0.01%' with total_steps=1000: 0.1 steps, rounded to 0)")
    # warmup_steps >= 0: 0 is valid
    assert s.resolve(total_steps=1000, steps_per_epoch=7).warmup_steps == 0
    with pytest.raises(lrcore.ScheduleError) as e3:  # order of milestones, checked once they are steps
        lrcore.MultiStep(start_value=1.0, milestones=["2ep", "30%"], factor=0.5).resolve(total_steps=100,
                                                                                         steps_per_epoch=20)
    assert str(e3.value) == ("MultiStep: `milestones` must be strictly increasing, got milestones=[40, 30] "
                             "(resolved from milestones[0]='2ep' with steps_per_epoch=20: 40 steps, rounded to 40, "
                             "milestones[1]='30%' with total_steps=100: 30 steps, rounded to 30)")
    with pytest.raises(lrcore.ScheduleError, match=r"^resolve: `total_steps` must be an int >= 1 and <= "
                       r"9007199254740992, got total_steps=0$"):
        s.resolve(total_steps=0, steps_per_epoch=7)
    with pytest.raises(lrcore.ScheduleError, match=r"^resolve: `steps_per_epoch` must be a number > 0.0, "
                       r"got steps_per_epoch=-1$"):
        s.resolve(total_steps=10, steps_per_epoch=-1)
    # a cross-field rule waits for resolve, then names its field
    with pytest.raises(lrcore.ScheduleError, match=r"^OneCycle: `pct_start` must be .*resolved from "
                       r"total_steps='1ep' with steps_per_epoch=3"):
        lrcore.OneCycle(peak_value=1.0, total_steps="1ep", pct_start=0.3).resolve(steps_per_epoch=3)


UNRESOLVED = lrcore.Warmup(lrcore.Cosine(start_value=1.0, steps="1.5Mtok"), warmup_steps=10)
TOK_MSG = ("Cosine: `steps`='1.5Mtok' is in tokens, not steps: the schedule is unresolved; call "
           "s.resolve(tokens_per_step=...) first and use the tree it returns")


@pytest.mark.parametrize("use", [
    pytest.param(lambda s: s(0), id="call"), pytest.param(lambda s: s.scalar_fn, id="scalar_fn"),
    pytest.param(lambda s: s.evaluate([0, 1]), id="evaluate-list"),
    pytest.param(lambda s: s.evaluate(np.arange(3.0)), id="evaluate-numpy"),
    pytest.param(lambda s: s.evaluate(range(100_000)), id="evaluate-long-range"),
    pytest.param(lambda s: s.describe(), id="describe"), pytest.param(lambda s: s.phase_at(3), id="phase_at"),
    pytest.param(lambda s: s.duration, id="duration"), pytest.param(lambda s: (s * 2.0)(1), id="in-a-product"),
])
def test_evaluating_an_unresolved_tree_says_what_resolve_needs(use: Any) -> None:
    with pytest.raises(lrcore.UnresolvedError) as info:
        use(UNRESOLVED)
    assert str(info.value) == TOK_MSG


def test_unresolved_nodes_defer_cross_field_rules() -> None:
    # Restart needs its child's finite duration: with the child unresolved it waits for resolve
    s = lrcore.Restart(lrcore.Cosine(start_value=1.0, steps="1ep"), period_steps="1ep")
    assert [(p, d.text, d.needs) for p, d in s.unresolved] == [("schedule.steps", "1ep", "steps_per_epoch"),
                                                                ("period_steps", "1ep", "steps_per_epoch")]
    r = s.resolve(steps_per_epoch=5)
    assert r == lrcore.Restart(lrcore.Cosine(start_value=1.0, steps=5), period_steps=5)
    with pytest.raises(lrcore.UnresolvedError, match="Restart: `period_steps`='1ep' is in epochs"):
        lrcore.Restart(lrcore.Cosine(start_value=1.0, steps=5), period_steps="1ep")(0)
