"""Error messages, exactly: every bad argument of every node, of arithmetic, every bad step, bad metrics.

Each bad argument is one fresh bad input per case, checked with `match=`; the cases are the
`bad` rows of the node table (tests/nodes.py).

The message template is ``Node: `field` must be <requirement>, got field=<repr(value)>``; each
regex below pins the node, the field and the offending value (the requirement wording is free).
"""

from __future__ import annotations

import math
import re
from typing import Any, Callable

import pytest

import lrcore
from lrcore import Cosine, Function, Plateau, Restart, Sequential, Warmup
from nodes import COS, LIN, NODES

# One case per bad call of every node (tests/nodes.py: each entry's `bad` rows, built on its `kwargs`).
CASES: list = [pytest.param(e.cls, {**e.kwargs, **b.changes}, b.exc, e.name, b.field, b.shown, id=b.id)
               for e in NODES.values() for b in e.bad]


def _message(node: str, field: str, shown: Any) -> str:
    f = re.escape(field)
    return rf"^{re.escape(node)}: `{f}` must be .+, got {f}={re.escape(repr(shown))}$"


def _ids_are_unique() -> None:
    seen: dict[str, int] = {}
    for p in CASES:
        seen[p.id] = seen.get(p.id, 0) + 1
    dup = [k for k, n in seen.items() if n > 1]
    assert not dup, dup


_ids_are_unique()


@pytest.mark.parametrize(("cls", "kwargs", "exc", "node", "field", "shown"), CASES)
def test_construction_rejects(cls: type, kwargs: dict, exc: type, node: str, field: str, shown: Any) -> None:
    with pytest.raises(exc, match=_message(node, field, shown)) as info:
        cls(**kwargs)
    # the error carries its field, so the config loader can prefix the path
    assert info.value.field == field  # type: ignore[attr-defined]
    assert isinstance(info.value, lrcore.ScheduleTypeError if exc is TypeError else lrcore.ScheduleError)


# ------------------------------------------------------------------- arithmetic and helper builders
ARITH: list = [
    pytest.param(lambda: LIN * "x", TypeError, "Product", "factors[1]", "x", id="s*str"),
    pytest.param(lambda: "x" * LIN, TypeError, "Product", "factors[0]", "x", id="str*s"),
    pytest.param(lambda: LIN * None, TypeError, "Product", "factors[1]", None, id="s*None"),
    pytest.param(lambda: LIN * True, TypeError, "Product", "factors[1]", True, id="s*True"),
    pytest.param(lambda: [1.0] * LIN, TypeError, "Product", "factors[0]", [1.0], id="list*s"),
    pytest.param(lambda: LIN + "x", TypeError, "Sum", "terms[1]", "x", id="s+str"),
    pytest.param(lambda: None + LIN, TypeError, "Sum", "terms[0]", None, id="None+s"),
    pytest.param(lambda: LIN + False, TypeError, "Sum", "terms[1]", False, id="s+False"),
    pytest.param(lambda: LIN * math.nan, ValueError, "Product", "factors[1]", math.nan, id="s*nan"),
    pytest.param(lambda: math.inf + LIN, ValueError, "Sum", "terms[0]", math.inf, id="inf+s"),
    pytest.param(lambda: lrcore.minimum(LIN, "a"), TypeError, "Minimum", "schedules[1]", "a", id="minimum(s,str)"),
    pytest.param(lambda: lrcore.maximum(None, LIN), TypeError, "Maximum", "schedules[0]", None, id="maximum(None,s)"),
    pytest.param(lambda: lrcore.minimum(LIN), ValueError, "Minimum", "schedules", [LIN], id="minimum(s)"),
    pytest.param(lambda: lrcore.maximum(), ValueError, "Maximum", "schedules", [], id="maximum()"),
    pytest.param(lambda: lrcore.minimum(LIN, math.nan), ValueError, "Minimum", "schedules[1]", math.nan,
                 id="minimum(s,nan)"),
    pytest.param(lambda: LIN * Plateau(factor=2.0), ValueError, "Plateau", "factor", 2.0, id="s*Plateau(factor=2)"),
]


@pytest.mark.parametrize(("build", "exc", "node", "field", "shown"), ARITH)
def test_arithmetic_rejects(build: Callable[[], Any], exc: type, node: str, field: str, shown: Any) -> None:
    with pytest.raises(exc, match=_message(node, field, shown)):
        build()


# ------------------------------------------------------------------------------------ bad steps
SCHEDULES = [
    pytest.param(LIN, id="Linear"),
    pytest.param(Warmup(COS, warmup_steps=3), id="Warmup"),
    pytest.param(Restart(COS, period_steps=5, period_mult=2.0), id="Restart"),
    pytest.param(Function(fn=abs), id="Function"),
    pytest.param(Sequential(parts=[LIN, COS]) * 0.5, id="Product"),
]

BAD_STEPS = [
    pytest.param(-1, ValueError, r"^step must be a finite number >= 0, got -1$", id="-1"),
    pytest.param(-0.5, ValueError, r"^step must be a finite number >= 0, got -0\.5$", id="-0.5"),
    pytest.param(-(2**60), ValueError, r"^step must be a finite number >= 0, got -1152921504606846976$", id="-2**60"),
    pytest.param(math.nan, ValueError, r"^step must be a finite number >= 0, got nan$", id="nan"),
    pytest.param(math.inf, ValueError, r"^step must be a finite number >= 0, got inf$", id="inf"),
    pytest.param(-math.inf, ValueError, r"^step must be a finite number >= 0, got -inf$", id="-inf"),
    pytest.param(10**400, ValueError, r"^step must be a finite number >= 0, got 1000+$", id="10**400"),
    pytest.param("3", TypeError, r"^step must be an int or a float, got '3' of type str$", id="str"),
    pytest.param(None, TypeError, r"^step must be an int or a float, got None of type NoneType$", id="None"),
    pytest.param(True, TypeError, r"^step must be an int or a float, got True of type bool$", id="True"),
    pytest.param(False, TypeError, r"^step must be an int or a float, got False of type bool$", id="False"),
    pytest.param(1j, TypeError, r"^step must be an int or a float, got 1j of type complex$", id="complex"),
    pytest.param([3], TypeError, r"^step must be an int or a float, got \[3\] of type list$", id="list"),
    pytest.param(b"3", TypeError, r"^step must be an int or a float, got b'3' of type bytes$", id="bytes"),
]


@pytest.mark.parametrize("schedule", SCHEDULES)
@pytest.mark.parametrize(("step", "exc", "pattern"), BAD_STEPS)
def test_call_rejects_bad_step(schedule: lrcore.Schedule, step: Any, exc: type, pattern: str) -> None:
    with pytest.raises(exc, match=pattern):
        schedule(step)


@pytest.mark.parametrize("schedule", [pytest.param(Warmup(COS, warmup_steps=3), id="Warmup"),
                                      pytest.param(Cosine(start_value=1.0, steps=10, end_value=0.1), id="Cosine")])
@pytest.mark.parametrize(("step", "exc", "pattern"), BAD_STEPS)
def test_phase_at_rejects_bad_step(step: Any, exc: type, pattern: str, schedule: lrcore.Schedule) -> None:
    with pytest.raises(exc, match=pattern):
        schedule.phase_at(step)


def test_call_rejects_bad_step_after_a_good_one() -> None:
    # the compiled fast path must not skip the check once warm
    s = Cosine(start_value=1.0, steps=10)
    assert s(3) == s(3.0)
    with pytest.raises(ValueError, match=r"got -3$"):
        s(-3)
    with pytest.raises(TypeError, match=r"got True of type bool$"):
        s(True)


BAD_STEP_LISTS = [
    pytest.param([-1], ValueError, r"^steps must be finite numbers >= 0, got -1\.0$", id="[-1]"),
    pytest.param([0, 1, -0.5], ValueError, r"^steps must be finite numbers >= 0, got -0\.5$", id="[0,1,-0.5]"),
    pytest.param([0.0, math.nan], ValueError, r"^steps must be finite numbers >= 0, got nan$", id="[0,nan]"),
    pytest.param([math.inf], ValueError, r"^steps must be finite numbers >= 0, got inf$", id="[inf]"),
    pytest.param([3, -math.inf], ValueError, r"^steps must be finite numbers >= 0, got -inf$", id="[3,-inf]"),
    pytest.param([[0, 1], [2, -2]], ValueError, r"^steps must be finite numbers >= 0, got -2\.0$", id="2d-negative"),
    pytest.param(range(-1, 3), ValueError, r"^steps must be finite numbers >= 0, got range\(-1, 3\)$", id="range(-1,3)"),
    pytest.param(range(3, -2, -1), ValueError, r"^steps must be finite numbers >= 0, got range\(3, -2, -1\)$",
                 id="range(3,-2,-1)"),
    pytest.param(["a"], TypeError, r"^steps must be numbers, got an array of dtype <U1$", id="['a']"),
    pytest.param(["3", "4"], TypeError, r"^steps must be numbers, got an array of dtype <U1$", id="['3','4']"),
    pytest.param([None], TypeError, r"^steps must be numbers, got an array of dtype object$", id="[None]"),
    pytest.param([1, None], TypeError, r"^steps must be numbers, got an array of dtype object$", id="[1,None]"),
    pytest.param([True, False], TypeError, r"^steps must be numbers, got an array of dtype bool$", id="[True,False]"),
    pytest.param([1 + 2j], TypeError, r"^steps must be numbers, got an array of dtype complex128$", id="[1+2j]"),
    pytest.param(None, TypeError, r"^steps must be numbers, got an array of dtype object$", id="None"),
    pytest.param("3", TypeError, r"^steps must be numbers, got an array of dtype <U1$", id="'3'"),
    pytest.param({1, 2}, TypeError, r"^steps must be numbers, got an array of dtype object$", id="set"),
    # a ragged list is no array of steps: the error should say so in lrcore's words
    pytest.param([[1, 2], [3]], ValueError, r"steps", id="ragged"),
]


@pytest.mark.parametrize(("steps", "exc", "pattern"), BAD_STEP_LISTS)
def test_evaluate_rejects_bad_steps(steps: Any, exc: type, pattern: str) -> None:
    pytest.importorskip("numpy")
    with pytest.raises(exc, match=pattern):
        Warmup(COS, warmup_steps=3).evaluate(steps)


@pytest.mark.parametrize("dtype", [int, "int32", bool, "complex128", "U3"], ids=str)
def test_evaluate_rejects_non_float_dtype(dtype: Any) -> None:
    np = pytest.importorskip("numpy")
    with pytest.raises(TypeError, match=r"^dtype must be a floating dtype, got dtype=" + re.escape(repr(dtype)) + "$"):
        LIN.evaluate([0, 1, 2], dtype=dtype)
    with pytest.raises(TypeError, match=r"^dtype must be a floating dtype"):
        LIN.evaluate(np.arange(3), dtype=dtype)


def test_evaluate_numpy_arrays_are_checked() -> None:
    np = pytest.importorskip("numpy")
    with pytest.raises(ValueError, match=r"^steps must be finite numbers >= 0, got -1\.0$"):
        LIN.evaluate(np.array([0, -1], dtype=np.int64))
    with pytest.raises(ValueError, match=r"^steps must be finite numbers >= 0, got nan$"):
        LIN.evaluate(np.array([0.0, np.nan], dtype=np.float32))
    with pytest.raises(TypeError, match=r"^steps must be numbers, got an array of dtype datetime64\[D\]$"):
        LIN.evaluate(np.array(["2020-01-01"], dtype="datetime64[D]"))


# ---------------------------------------------------------------------------------- plateau state
@pytest.mark.parametrize("metric", ["0.5", None, True, [0.5], {"loss": 0.5}], ids=repr)
def test_plateau_update_rejects_bad_metric(metric: Any) -> None:
    p = Plateau()
    with pytest.raises(TypeError, match=r"^metric must be a number or a jax array, got " + re.escape(repr(metric))):
        p.update(p.init(), metric)


def test_plateau_schedule_is_not_a_function_of_the_step() -> None:
    ps = LIN * Plateau(factor=0.5)
    with pytest.raises(TypeError, match=r"depends on the metric history: use \.value\(step, state\)"):
        ps(3)
