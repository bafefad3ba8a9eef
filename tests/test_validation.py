"""Every validation rule of every node, one fresh bad input per case, each checked with `match=`.

The message template is ``Node: `field` must be <requirement>, got field=<repr(value)>``; each
regex below pins the node, the field and the offending value (the requirement wording is free).
"""

from __future__ import annotations

import math
import re
from typing import Any, Callable

import pytest

import lrcore
from lrcore import (
    WSD,
    Clamp,
    Constant,
    Cosine,
    Cyclic,
    Exponential,
    Function,
    Interpolate,
    InverseSqrt,
    InverseTime,
    Linear,
    Maximum,
    Minimum,
    MultiStep,
    Noam,
    OneCycle,
    Piecewise,
    Plateau,
    PlateauSchedule,
    Polynomial,
    Product,
    Quantize,
    Restart,
    Sequential,
    Shift,
    Stretch,
    Sum,
    Tanh,
    Warmup,
    Warp,
)

BIG = 2**53 + 1  # one past the largest accepted step count
HUGE = 10**30

LIN = Linear(start_value=0.0, end_value=1.0, steps=10)
COS = Cosine(start_value=1.0, steps=10)
UNBOUNDED = InverseSqrt(start_value=1.0, timescale_steps=4)
EXP_DECAY = Exponential(start_value=1.0, factor=0.5)
CONST = Constant(value=0.5)

# Valid keyword arguments of every node; each case overrides one field.
BASE: dict[type, dict[str, Any]] = {
    Constant: dict(value=0.1),
    Linear: dict(start_value=0.0, end_value=1.0, steps=10),
    Cosine: dict(start_value=1.0, steps=10),
    Polynomial: dict(start_value=1.0, end_value=0.0, steps=10),
    Exponential: dict(start_value=1.0, factor=0.5),
    MultiStep: dict(start_value=1.0, milestones=[2, 4], factor=0.1),
    Piecewise: dict(values=[1.0, 0.5, 0.1], boundaries=[2, 4]),
    Interpolate: dict(boundaries=[0, 4, 8], values=[1.0, 0.5, 0.1]),
    InverseSqrt: dict(start_value=1.0, timescale_steps=4),
    InverseTime: dict(start_value=1.0, rate=1.0),
    Noam: dict(d_model=512, warmup_steps=10),
    Tanh: dict(start_value=1.0, steps=10),
    Cyclic: dict(low_value=0.1, high_value=1.0, up_steps=4),
    OneCycle: dict(peak_value=1.0, total_steps=10),
    WSD: dict(peak_value=1.0, warmup_steps=2, stable_steps=2, decay_steps=4),
    Function: dict(fn=abs),
    Sequential: dict(parts=[LIN, COS]),
    Warmup: dict(schedule=COS, warmup_steps=2),
    Restart: dict(schedule=COS, period_steps=10),
    Clamp: dict(schedule=LIN, min_value=0.2),
    Product: dict(factors=[LIN, COS]),
    Sum: dict(terms=[LIN, COS]),
    Minimum: dict(schedules=[LIN, COS]),
    Maximum: dict(schedules=[LIN, COS]),
    Shift: dict(schedule=LIN, steps=3),
    Stretch: dict(schedule=LIN, factor=2),
    Quantize: dict(schedule=LIN, every=2),
    Warp: dict(schedule=COS, steps=10, exponent=2.0),
    Plateau: dict(),
    PlateauSchedule: dict(schedule=LIN, plateau=Plateau()),
}

_UNSET = object()
CASES: list = []


def _message(node: str, field: str, shown: Any) -> str:
    f = re.escape(field)
    return rf"^{re.escape(node)}: `{f}` must be .+, got {f}={re.escape(repr(shown))}$"


def case(cls: type, exc: type, field: str, value: Any, *, shown: Any = _UNSET, id: str | None = None,
         **extra: Any) -> None:
    """A bad `value` for `field` (a top-level argument; `shown` is what the message reports)."""
    kwargs = {**BASE[cls], **extra, field.split("[")[0]: value}
    shown = value if shown is _UNSET else shown
    label = id or f"{cls.__name__}.{field}={shown!r}"[:80]
    CASES.append(pytest.param(cls, kwargs, exc, cls.__name__, field, shown, id=label))


def item_case(cls: type, exc: type, field: str, index: int, seq: list, **extra: Any) -> None:
    """A list field whose item `index` is bad: the message names ``field[index]``."""
    kwargs = {**BASE[cls], **extra, field: seq}
    sub = f"{field}[{index}]"
    CASES.append(pytest.param(cls, kwargs, exc, cls.__name__, sub, seq[index],
                              id=f"{cls.__name__}.{sub}={seq[index]!r}"))


# ---------------------------------------------------------------------------------------- families
def real_field(cls: type, field: str, **extra: Any) -> None:
    """A finite number (any sign)."""
    for v in ("0.1", None, True, False, [1.0]):
        case(cls, TypeError, field, v, **extra)
    for v in (math.nan, math.inf, -math.inf):
        case(cls, ValueError, field, v, **extra)


def positive_field(cls: type, field: str, **extra: Any) -> None:
    """A finite number > 0."""
    real_field(cls, field, **extra)
    for v in (0.0, 0, -1.0, -1e-300):
        case(cls, ValueError, field, v, **extra)


def nonneg_field(cls: type, field: str, **extra: Any) -> None:
    """A finite number >= 0."""
    real_field(cls, field, **extra)
    for v in (-1e-12, -1):
        case(cls, ValueError, field, v, **extra)


def int_field(cls: type, field: str, low: int, *, optional: bool = False, **extra: Any) -> None:
    """An int (not bool, not float) in [low, 2**53] (or None if `optional`)."""
    for v in ("3", *(() if optional else (None,)), True, 3.0, 2.5, math.nan, math.inf, [3]):
        case(cls, TypeError, field, v, **extra)
    for v in sorted({low - 1, -1}) + [BIG, HUGE]:
        case(cls, ValueError, field, v, **extra)


def step_count_field(cls: type, field: str, **extra: Any) -> None:
    """An int >= 1 or a float > 0 (Exponential/InverseTime `every`, Stretch `factor`)."""
    for v in ("3", None, True, [3]):
        case(cls, TypeError, field, v, **extra)
    for v in (0, -1, 0.0, -0.5, math.nan, math.inf, BIG, HUGE):
        case(cls, ValueError, field, v, **extra)


def bool_field(cls: type, field: str, **extra: Any) -> None:
    for v in (None, 0, 1, "True", 1.0):
        case(cls, TypeError, field, v, **extra)


def choice_field(cls: type, field: str, **extra: Any) -> None:
    for v in ("bogus", "", "LINEAR", None, 1, ("linear",)):
        case(cls, ValueError, field, v, **extra)


def child_field(cls: type, field: str, **extra: Any) -> None:
    for v in (1.0, None, "Cosine", [LIN], {"type": "Cosine"}, Plateau()):
        case(cls, TypeError, field, v, **extra)


def children_field(cls: type, field: str) -> None:
    """A list of at least 2 Schedules (Product, Sum, Minimum, Maximum)."""
    for v in (LIN, None, "ab", 3):
        case(cls, TypeError, field, v)
    for v in ([], [LIN]):
        case(cls, ValueError, field, v)
    item_case(cls, TypeError, field, 1, [LIN, 0.5])
    item_case(cls, TypeError, field, 0, [None, LIN])
    item_case(cls, TypeError, field, 2, [LIN, COS, "x"])
    item_case(cls, TypeError, field, 1, [LIN, True])


def int_list_items(cls: type, field: str, low: int, good: list, **extra: Any) -> None:
    """Items of a list of ints: wrong types and out-of-range values, at a given index."""
    for bad, exc in (("3", TypeError), (None, TypeError), (True, TypeError), (2.0, TypeError),
                     (math.nan, TypeError), (low - 1, ValueError), (BIG, ValueError)):
        seq = list(good)
        seq[-1] = bad
        item_case(cls, exc, field, len(seq) - 1, seq, **extra)


def real_list_items(cls: type, field: str, good: list, **extra: Any) -> None:
    for bad, exc in (("0.1", TypeError), (None, TypeError), (False, TypeError),
                     (math.nan, ValueError), (math.inf, ValueError), (-math.inf, ValueError)):
        seq = list(good)
        seq[1] = bad
        item_case(cls, exc, field, 1, seq, **extra)


# ------------------------------------------------------------------------------------- primitives
real_field(Constant, "value")

for _cls in (Linear, Polynomial):
    real_field(_cls, "start_value")
    real_field(_cls, "end_value")
    int_field(_cls, "steps", low=1)
positive_field(Polynomial, "power")

real_field(Cosine, "start_value")
real_field(Cosine, "end_value")
int_field(Cosine, "steps", low=1)
positive_field(Cosine, "power")

real_field(Exponential, "start_value")
positive_field(Exponential, "factor")
for _v in (1.5, 1.0000001, 2):
    case(Exponential, ValueError, "factor", _v)  # a growth has no finite value at every step
step_count_field(Exponential, "every")
bool_field(Exponential, "staircase")

real_field(MultiStep, "start_value")
positive_field(MultiStep, "factor")
for _v in ("2,4", None, 5, 2.0):
    case(MultiStep, TypeError, "milestones", _v)
for _v in ([], [4, 2], [2, 2], [0, 5, 5, 7], [1, 3, 2]):
    case(MultiStep, ValueError, "milestones", _v)
int_list_items(MultiStep, "milestones", low=0, good=[2, 4])
item_case(MultiStep, ValueError, "milestones", 0, [-1, 2])

for _v in ([1.0, 0.5], [1.0, 0.5, 0.1, 0.01], [], [1, 2]):
    case(Piecewise, ValueError, "values", _v, shown=[float(x) for x in _v])
for _v in ("abc", None, 1.0):
    case(Piecewise, TypeError, "values", _v)
real_list_items(Piecewise, "values", good=[1.0, 0.5, 0.1])
for _v in ("2,4", None, 4):
    case(Piecewise, TypeError, "boundaries", _v)
for _v in ([], [4, 2], [2, 2]):
    case(Piecewise, ValueError, "boundaries", _v, values=[1.0] * (len(_v) + 1))
int_list_items(Piecewise, "boundaries", low=1, good=[2, 4])
item_case(Piecewise, ValueError, "boundaries", 0, [0, 2])  # boundaries start at 1

for _v in ([0], [5]):
    case(Interpolate, ValueError, "boundaries", _v, values=[1.0])  # a curve needs 2 knots
for _v in ([], [4, 0, 8], [0, 0, 8], [0, 8, 8]):
    case(Interpolate, ValueError, "boundaries", _v)
for _v in ("048", None, 8):
    case(Interpolate, TypeError, "boundaries", _v)
int_list_items(Interpolate, "boundaries", low=0, good=[0, 4, 8])
item_case(Interpolate, ValueError, "boundaries", 0, [-1, 4, 8])
for _v in ([1.0, 0.5], [1.0, 0.5, 0.1, 0.0]):
    case(Interpolate, ValueError, "values", _v)
for _v in ("abc", None):
    case(Interpolate, TypeError, "values", _v)
real_list_items(Interpolate, "values", good=[1.0, 0.5, 0.1])
choice_field(Interpolate, "shape")

real_field(InverseSqrt, "start_value")
positive_field(InverseSqrt, "timescale_steps")

real_field(InverseTime, "start_value")
nonneg_field(InverseTime, "rate")
step_count_field(InverseTime, "every")
bool_field(InverseTime, "staircase")

positive_field(Noam, "d_model")
int_field(Noam, "warmup_steps", low=1)
real_field(Noam, "scale")

real_field(Tanh, "start_value")
real_field(Tanh, "end_value")
int_field(Tanh, "steps", low=1)
real_field(Tanh, "lower")
real_field(Tanh, "upper")
for _v in (-7.0, -8.0, -100):
    case(Tanh, ValueError, "upper", _v)  # upper must exceed the default lower -7
case(Tanh, ValueError, "upper", 3.0, lower=5.0, id="Tanh.upper=3.0<lower=5.0")
case(Tanh, ValueError, "upper", 2.0, lower=2.0, id="Tanh.upper==lower")

real_field(Cyclic, "low_value")
real_field(Cyclic, "high_value")
int_field(Cyclic, "up_steps", low=1)
int_field(Cyclic, "down_steps", low=1, optional=True)
choice_field(Cyclic, "mode")
positive_field(Cyclic, "gamma")
for _v in (1.5, 1.0000001, 2):
    case(Cyclic, ValueError, "gamma", _v)

real_field(OneCycle, "peak_value")
int_field(OneCycle, "total_steps", low=2)
real_field(OneCycle, "pct_start")
for _v in (0.0, 1.0, 1.5, -0.1):
    case(OneCycle, ValueError, "pct_start", _v)
# pct_start * total_steps must exceed 1 (the warmup phase must last more than 0 steps)
case(OneCycle, ValueError, "pct_start", 0.1, id="OneCycle.pct_start*N==1")
case(OneCycle, ValueError, "pct_start", 0.05, id="OneCycle.pct_start*N<1")
case(OneCycle, ValueError, "pct_start", 0.5, total_steps=2, id="OneCycle.pct_start*N==1,N=2")
case(OneCycle, ValueError, "pct_start", 0.55, three_phase=True, id="OneCycle.three_phase.pct_start>(N+1)/2N")
case(OneCycle, ValueError, "pct_start", 0.9, three_phase=True, id="OneCycle.three_phase.pct_start=0.9")
positive_field(OneCycle, "div_factor")
positive_field(OneCycle, "final_div_factor")
choice_field(OneCycle, "anneal")
bool_field(OneCycle, "three_phase")

real_field(WSD, "peak_value")
int_field(WSD, "warmup_steps", low=0)
int_field(WSD, "stable_steps", low=0)
int_field(WSD, "decay_steps", low=1)
real_field(WSD, "start_value")
real_field(WSD, "end_value")
choice_field(WSD, "decay_shape")

for _v in (1.0, None, "os:system", "builtins:eval", [abs]):
    case(Function, TypeError, "fn", _v)

# ------------------------------------------------------------------------------------ combinators
for _v in (LIN, None, "ab", 3):
    case(Sequential, TypeError, "parts", _v)
case(Sequential, ValueError, "parts", [])
item_case(Sequential, TypeError, "parts", 1, [LIN, 1.0])
item_case(Sequential, TypeError, "parts", 0, [None, LIN])
item_case(Sequential, TypeError, "parts", 1, [LIN, Plateau(), COS])
# boundaries: one per part after the first, strictly increasing ints >= 1
for _v in ([5, 6], [5, 6, 7]):
    case(Sequential, ValueError, "boundaries", _v)
case(Sequential, ValueError, "boundaries", [], id="Sequential.boundaries=[]-with-2-parts")
case(Sequential, ValueError, "boundaries", [5], parts=[LIN, COS, CONST], id="Sequential.boundaries-too-short")
for _v in ([6, 5], [5, 5], [7, 7]):
    case(Sequential, ValueError, "boundaries", _v, parts=[LIN, COS, CONST])
for _v in ("5", 5, 5.0):
    case(Sequential, TypeError, "boundaries", _v)
item_case(Sequential, ValueError, "boundaries", 0, [0])
item_case(Sequential, ValueError, "boundaries", 0, [-3])
item_case(Sequential, TypeError, "boundaries", 0, [2.5])
item_case(Sequential, TypeError, "boundaries", 0, [True])
item_case(Sequential, TypeError, "boundaries", 1, [3, "4"], parts=[LIN, COS, CONST])
item_case(Sequential, ValueError, "boundaries", 0, [BIG])
# without boundaries, every part but the last needs a finite duration >= 1
case(Sequential, ValueError, "parts[0]", [UNBOUNDED, LIN], shown=UNBOUNDED, id="Sequential.parts[0]-unbounded")
case(Sequential, ValueError, "parts[1]", [LIN, EXP_DECAY, COS], shown=EXP_DECAY, id="Sequential.parts[1]-unbounded")
case(Sequential, ValueError, "parts[0]", [CONST, LIN], shown=CONST, id="Sequential.parts[0]-duration-0")
_cyc = Cyclic(low_value=0.1, high_value=1.0, up_steps=2)
case(Sequential, ValueError, "parts[0]", [Clamp(_cyc, max_value=0.5), LIN], shown=Clamp(_cyc, max_value=0.5),
     id="Sequential.parts[0]-clamped-cyclic")

child_field(Warmup, "schedule")
int_field(Warmup, "warmup_steps", low=1)
real_field(Warmup, "start_value")
choice_field(Warmup, "shape")
case(Warmup, ValueError, "shape", "exponential")  # a decay shape, not a ramp shape
bool_field(Warmup, "prefix")

child_field(Restart, "schedule")
for _v in (UNBOUNDED, EXP_DECAY, CONST, _cyc):
    case(Restart, ValueError, "schedule", _v, id=f"Restart.schedule-without-finite-duration-{type(_v).__name__}")
int_field(Restart, "period_steps", low=1)
real_field(Restart, "period_mult")
for _v in (0.5, 0.0, -2.0, 0):
    case(Restart, ValueError, "period_mult", _v)
case(Restart, ValueError, "period_mult", 1.0000001, id="Restart.period_mult-too-close-to-1-without-limit")
positive_field(Restart, "decay")
case(Restart, ValueError, "decay", 1.5, id="Restart.decay>1-without-limit")
case(Restart, ValueError, "decay", -0.5, limit=3, id="Restart.decay<0-with-limit")
for _v in ("3", 1.5, True, 3.0):
    case(Restart, TypeError, "limit", _v)
for _v in (0, -1, BIG):
    case(Restart, ValueError, "limit", _v)
choice_field(Restart, "decay_mode")

child_field(Clamp, "schedule")
case(Clamp, ValueError, "min_value", None, id="Clamp-without-bounds")
case(Clamp, ValueError, "min_value", None, max_value=None, id="Clamp-with-both-bounds-None")
for _f in ("min_value", "max_value"):  # None is allowed when the other bound is given
    for _v in ("1", True, [0.5]):
        case(Clamp, TypeError, _f, _v)
    for _v in (math.nan, math.inf, -math.inf):
        case(Clamp, ValueError, _f, _v)
for _v in (0.1, 0.0, -1.0):
    case(Clamp, ValueError, "max_value", _v, min_value=0.2, id=f"Clamp.max_value={_v}<min_value=0.2")
case(Clamp, ValueError, "max_value", math.nan, min_value=None, id="Clamp.max_value=nan-only-bound")

children_field(Product, "factors")
children_field(Sum, "terms")
children_field(Minimum, "schedules")
children_field(Maximum, "schedules")

child_field(Shift, "schedule")
# an int in [-2**53, 2**53]: negative steps advance (s(t + |steps|)), so -1 is valid
for _v in ("3", None, True, 3.0, -2.5, math.nan, math.inf, [3]):
    case(Shift, TypeError, "steps", _v)
for _v in (-BIG, BIG, -HUGE, HUGE):
    case(Shift, ValueError, "steps", _v)

child_field(Warp, "schedule")
int_field(Warp, "steps", low=1)
positive_field(Warp, "exponent")

child_field(Stretch, "schedule")
step_count_field(Stretch, "factor")

child_field(Quantize, "schedule")
int_field(Quantize, "every", low=1)

# ---------------------------------------------------------------------------------------- plateau
choice_field(Plateau, "mode")
real_field(Plateau, "factor")
for _v in (0.0, 1.0, 1.5, -0.1, 0, 1):
    case(Plateau, ValueError, "factor", _v)
int_field(Plateau, "patience", low=0)
nonneg_field(Plateau, "threshold")
choice_field(Plateau, "threshold_mode")
int_field(Plateau, "cooldown", low=0)
nonneg_field(Plateau, "min_value")
nonneg_field(Plateau, "eps")
choice_field(Plateau, "rule")

child_field(PlateauSchedule, "schedule")
for _v in ("x", None, LIN, 0.5, {"factor": 0.5}):
    case(PlateauSchedule, TypeError, "plateau", _v)

# Ints too large for a float must be refused like any other bad number, not overflow.
for _cls, _field in ((Constant, "value"), (Cosine, "start_value"), (InverseSqrt, "timescale_steps"),
                     (Plateau, "threshold"), (Restart, "period_mult")):
    case(_cls, ValueError, _field, 10**400, id=f"{_cls.__name__}.{_field}=10**400")


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


def test_every_node_type_has_validation_cases() -> None:
    covered = {p.values[0] for p in CASES}
    missing = [c.__name__ for c in BASE if c not in covered]
    assert not missing


def test_base_arguments_are_valid() -> None:
    # guards the cases above: each fails only because of its one bad field
    for cls, kwargs in BASE.items():
        cls(**kwargs)


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


@pytest.mark.parametrize(("step", "exc", "pattern"), BAD_STEPS)
def test_phase_at_rejects_bad_step(step: Any, exc: type, pattern: str) -> None:
    with pytest.raises(exc, match=pattern):
        Warmup(COS, warmup_steps=3).phase_at(step)


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
