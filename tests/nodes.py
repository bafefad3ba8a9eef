"""The node table: one entry per lrcore node class, the one list the per-node tests draw from.

``NODES`` maps each registered config name (``lrcore.registered()``: every primitive, every
combinator, ``Plateau`` and ``PlateauSchedule``) to a `Node` entry:

* ``kwargs``: the fewest valid arguments (each bad case changes one of them);
* ``full``: valid arguments for every field, none left at its default;
* ``examples``: more valid instances, the corner cases the describe and config tests want;
* ``strategy``: a hypothesis strategy of valid instances (tests/strategies.py);
* ``reference``: the node's 50-digit formula (tests/precision_reference.py), None if it has none;
* ``bad``: the bad cases, `BadCase` rows (changes to ``kwargs``, exception, the field the message
  names, the value it shows, a test id).

A new node is one entry here (and its golden values in test_golden.py); test_node_table.py fails
for a registered node without one. Users of the table:

* test_error_messages.py: ``kwargs`` and ``bad`` (one test per bad case, exact message);
* test_fuzz_bad_input.py: ``full``, the valid call the fuzzer breaks one or two arguments of;
* test_config_safety.py: `instances` round trip through configs, and are the bases it breaks;
* test_describe.py: `instances` tile the steps and agree with phase_at;
* test_eval_path_parity.py: `instances` through numpy equal the scalar path; every strategy is in `schedules`;
* test_precision.py: ``strategy`` against ``reference``;
* test_golden.py: `instances` against the peers' formulas; every entry has golden values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple

from hypothesis import strategies as st

import lrcore
import strategies as S
from lrcore import (
    WSD,
    Clamp,
    Constant,
    Cosine,
    Cyclic,
    Exponential,
    Function,
    Geometric,
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
from precision_reference import REFERENCES

__all__ = ["NODES", "Node", "BadCase", "lrcore_nodes", "instances", "schedule_instances", "half", "scaled_half",
           "LIN", "COS", "CONST", "UNBOUNDED", "EXP_DECAY", "BIG", "HUGE"]


class BadCase(NamedTuple):
    """One bad call: ``cls(**{**entry.kwargs, **changes})`` raises `exc` naming `field` and `shown`."""

    changes: dict
    exc: type
    field: str
    shown: Any
    id: str


@dataclass(frozen=True)
class Node:
    """One node class and what the tests need of it (see the module docstring)."""

    cls: type
    kwargs: dict
    full: dict
    examples: tuple = ()
    strategy: Any = None
    reference: Callable | None = None
    bad: tuple = field(default=(), repr=False)

    @property
    def name(self) -> str:
        return self.cls.__name__

    @property
    def instance(self) -> Any:
        """The node built from ``kwargs``."""
        return self.cls(**self.kwargs)

    @property
    def instances(self) -> list:
        """``kwargs``'s node, ``full``'s, then the examples (distinct values only)."""
        out: list = []
        for x in (self.instance, self.cls(**self.full), *self.examples):
            if x not in out:
                out.append(x)
        return out


def half(step: Any) -> float:
    """A module-level user function (storable by reference): 0.5 at every step."""
    return 0.5


@lrcore.register_function("tests.scaled_half")
def scaled_half(step: Any, scale: float = 1.0, offsets: tuple = ()) -> float:
    """A registered user function with params: ``0.5 * scale + sum(offsets)`` at every step."""
    return 0.5 * scale + sum(offsets)


BIG = 2**53 + 1  # one past the largest accepted step count
HUGE = 10**30

LIN = Linear(start_value=0.0, end_value=1.0, steps=10)
COS = Cosine(start_value=1.0, steps=10)
UNBOUNDED = InverseSqrt(start_value=1.0, timescale_steps=4)
EXP_DECAY = Exponential(start_value=1.0, factor=0.5)
CONST = Constant(value=0.5)
_CYC = Cyclic(low_value=0.1, high_value=1.0, up_steps=2)

# the describe tests' cosine, and the config tests' one
C = Cosine(start_value=1.0, steps=10, end_value=0.1)
_COS2 = Cosine(start_value=1.0, steps=20, end_value=0.1, power=2.0)
_PIECES = Piecewise(values=[1.0, 0.5, 0.1], boundaries=[2, 4])


# ---------------------------------------------------------------------------------- bad cases
# Each family adds the bad values of one kind of field; `_case` and `_item_case` add one case.
_BAD: dict[type, list[BadCase]] = {}
_UNSET = object()


def _case(cls: type, exc: type, field: str, value: Any, *, shown: Any = _UNSET, id: str | None = None,
          **extra: Any) -> None:
    """A bad `value` for `field` (a top-level argument; `shown` is what the message reports)."""
    shown = value if shown is _UNSET else shown
    label = id or f"{cls.__name__}.{field}={shown!r}"[:80]
    _BAD.setdefault(cls, []).append(BadCase({**extra, field.split("[")[0]: value}, exc, field, shown, label))


def _item_case(cls: type, exc: type, field: str, index: int, seq: list, **extra: Any) -> None:
    """A list field whose item `index` is bad: the message names ``field[index]``."""
    sub = f"{field}[{index}]"
    _BAD.setdefault(cls, []).append(BadCase({**extra, field: seq}, exc, sub, seq[index],
                                            f"{cls.__name__}.{sub}={seq[index]!r}"))


def _real_field(cls: type, field: str, *, duration: bool = False, **extra: Any) -> None:
    """A finite number (any sign); a step count (`duration`) takes duration strings instead of "0.1"."""
    for v in (*(() if duration else ("0.1",)), None, True, False, [1.0]):
        _case(cls, TypeError, field, v, **extra)
    for v in (math.nan, math.inf, -math.inf):
        _case(cls, ValueError, field, v, **extra)


def _positive_field(cls: type, field: str, *, duration: bool = False, **extra: Any) -> None:
    """A finite number > 0."""
    _real_field(cls, field, duration=duration, **extra)
    if duration:
        _duration_strings(cls, field, 1, **extra)
    for v in (0.0, 0, -1.0, -1e-300):
        _case(cls, ValueError, field, v, **extra)


def _nonneg_field(cls: type, field: str, **extra: Any) -> None:
    """A finite number >= 0."""
    _real_field(cls, field, **extra)
    for v in (-1e-12, -1):
        _case(cls, ValueError, field, v, **extra)


def _int_field(cls: type, field: str, low: int, *, optional: bool = False, duration: bool = True,
               **extra: Any) -> None:
    """An int (not bool, not float) in [low, 2**53] (or None if `optional`); a step count
    (`duration`) also takes a duration string ("3", "2ep"), so bad strings are ValueErrors."""
    for v in (*(() if duration else ("3",)), *(() if optional else (None,)), True, 3.0, 2.5, math.nan, math.inf,
              [3]):
        _case(cls, TypeError, field, v, **extra)
    for v in sorted({low - 1, -1}) + [BIG, HUGE]:
        _case(cls, ValueError, field, v, **extra)
    if duration:
        _duration_strings(cls, field, low, **extra)


def _duration_strings(cls: type, field: str, low: int | None, **extra: Any) -> None:
    """Bad duration strings: not in the grammar, a fraction of a step, or out of bounds in steps."""
    for v in ("3x", "2 ep", "ep", "1.5.0ba", "1k%", "", "2.5ba"):
        _case(cls, ValueError, field, v, **extra)
    if low is not None and low > -(2**53):
        _case(cls, ValueError, field, f"{low - 1}ba", **extra)
        _case(cls, ValueError, field, "-1ep", **extra)


def _step_count_field(cls: type, field: str, **extra: Any) -> None:
    """An int >= 1 or a float > 0 (Exponential/InverseTime `every`, Stretch `factor`)."""
    for v in (*(("3",) if cls is Stretch else ()), None, True, [3]):
        _case(cls, TypeError, field, v, **extra)
    for v in (0, -1, 0.0, -0.5, math.nan, math.inf, BIG, HUGE):
        _case(cls, ValueError, field, v, **extra)
    if cls is not Stretch:  # `every` is a step count: it takes a duration string
        _duration_strings(cls, field, 1, **extra)


def _bool_field(cls: type, field: str, **extra: Any) -> None:
    for v in (None, 0, 1, "True", 1.0):
        _case(cls, TypeError, field, v, **extra)


def _choice_field(cls: type, field: str, **extra: Any) -> None:
    for v in ("bogus", "", "LINEAR", None, 1, ("linear",)):
        _case(cls, ValueError, field, v, **extra)


def _child_field(cls: type, field: str, **extra: Any) -> None:
    for v in (1.0, None, "Cosine", [LIN], {"type": "Cosine"}, Plateau()):
        _case(cls, TypeError, field, v, **extra)


def _children_field(cls: type, field: str) -> None:
    """A list of at least 2 Schedules (Product, Sum, Minimum, Maximum)."""
    for v in (LIN, None, "ab", 3):
        _case(cls, TypeError, field, v)
    for v in ([], [LIN]):
        _case(cls, ValueError, field, v)
    _item_case(cls, TypeError, field, 1, [LIN, 0.5])
    _item_case(cls, TypeError, field, 0, [None, LIN])
    _item_case(cls, TypeError, field, 2, [LIN, COS, "x"])
    _item_case(cls, TypeError, field, 1, [LIN, True])


def _int_list_items(cls: type, field: str, low: int, good: list, **extra: Any) -> None:
    """Items of a list of ints: wrong types and out-of-range values, at a given index."""
    for bad, exc in (("3x", ValueError), (None, TypeError), (True, TypeError), (2.0, TypeError),
                     (math.nan, TypeError), (low - 1, ValueError), (BIG, ValueError), (f"{low - 1}ba", ValueError),
                     ("1.5ba", ValueError)):
        seq = list(good)
        seq[-1] = bad
        _item_case(cls, exc, field, len(seq) - 1, seq, **extra)


def _real_list_items(cls: type, field: str, good: list, **extra: Any) -> None:
    for bad, exc in (("0.1", TypeError), (None, TypeError), (False, TypeError),
                     (math.nan, ValueError), (math.inf, ValueError), (-math.inf, ValueError)):
        seq = list(good)
        seq[1] = bad
        _item_case(cls, exc, field, 1, seq, **extra)


# -- primitives
_real_field(Constant, "value")

for _cls in (Linear, Polynomial):
    _real_field(_cls, "start_value")
    _real_field(_cls, "end_value")
    _int_field(_cls, "steps", low=1)
_positive_field(Polynomial, "power")

_real_field(Cosine, "start_value")
_real_field(Cosine, "end_value")
_int_field(Cosine, "steps", low=1)
_positive_field(Cosine, "power")

_real_field(Exponential, "start_value")
_positive_field(Exponential, "factor")
for _v in (1.5, 1.0000001, 2):
    _case(Exponential, ValueError, "factor", _v)  # a growth has no finite value at every step
_step_count_field(Exponential, "every")
_bool_field(Exponential, "staircase")

_real_field(Geometric, "start_value")
_real_field(Geometric, "end_value")
_int_field(Geometric, "steps", low=1)
_case(Geometric, ValueError, "start_value", 0.0)
_case(Geometric, ValueError, "start_value", -0.0, id="Geometric.start_value=-0.0")
for _v in (0.0, -1e-3, -10.0):  # nonzero, with the sign of start_value = 1.0
    _case(Geometric, ValueError, "end_value", _v)
_case(Geometric, ValueError, "end_value", 1.0, start_value=-1.0, id="Geometric.end_value-sign-of-negative-start")
# the ratio to start_value or its inverse is not a finite normal number
_case(Geometric, ValueError, "end_value", 1e300, start_value=1e-10, id="Geometric.end_value/start_value=inf")
_case(Geometric, ValueError, "end_value", 1e-300, start_value=1e10, id="Geometric.end_value/start_value=subnormal")

_real_field(MultiStep, "start_value")
_positive_field(MultiStep, "factor")
for _v in ("2,4", None, 5, 2.0):
    _case(MultiStep, TypeError, "milestones", _v)
for _v in ([], [4, 2], [2, 2], [0, 5, 5, 7], [1, 3, 2]):
    _case(MultiStep, ValueError, "milestones", _v)
_int_list_items(MultiStep, "milestones", low=0, good=[2, 4])
_item_case(MultiStep, ValueError, "milestones", 0, [-1, 2])

for _v in ([1.0, 0.5], [1.0, 0.5, 0.1, 0.01], [], [1, 2]):
    _case(Piecewise, ValueError, "values", _v, shown=[float(x) for x in _v])
for _v in ("abc", None, 1.0):
    _case(Piecewise, TypeError, "values", _v)
_real_list_items(Piecewise, "values", good=[1.0, 0.5, 0.1])
for _v in ("2,4", None, 4):
    _case(Piecewise, TypeError, "boundaries", _v)
for _v in ([], [4, 2], [2, 2]):
    _case(Piecewise, ValueError, "boundaries", _v, values=[1.0] * (len(_v) + 1))
_int_list_items(Piecewise, "boundaries", low=1, good=[2, 4])
_item_case(Piecewise, ValueError, "boundaries", 0, [0, 2])  # boundaries start at 1

for _v in ([0], [5]):
    _case(Interpolate, ValueError, "boundaries", _v, values=[1.0])  # a curve needs 2 knots
for _v in ([], [4, 0, 8], [0, 0, 8], [0, 8, 8]):
    _case(Interpolate, ValueError, "boundaries", _v)
for _v in ("048", None, 8):
    _case(Interpolate, TypeError, "boundaries", _v)
_int_list_items(Interpolate, "boundaries", low=0, good=[0, 4, 8])
_item_case(Interpolate, ValueError, "boundaries", 0, [-1, 4, 8])
for _v in ([1.0, 0.5], [1.0, 0.5, 0.1, 0.0]):
    _case(Interpolate, ValueError, "values", _v)
for _v in ("abc", None):
    _case(Interpolate, TypeError, "values", _v)
_real_list_items(Interpolate, "values", good=[1.0, 0.5, 0.1])
_choice_field(Interpolate, "shape")

_real_field(InverseSqrt, "start_value")
_positive_field(InverseSqrt, "timescale_steps", duration=True)
_positive_field(InverseSqrt, "power")

_real_field(InverseTime, "start_value")
_nonneg_field(InverseTime, "rate")
_step_count_field(InverseTime, "every")
_bool_field(InverseTime, "staircase")
_real_field(InverseTime, "power")
_case(InverseTime, ValueError, "power", 0.5)  # other powers are InverseSqrt's
_case(InverseTime, ValueError, "rate", 1e300, power=-1.0, id="InverseTime.rate=1e300 growth overflows")

_positive_field(Noam, "d_model")
_int_field(Noam, "warmup_steps", low=1)
_real_field(Noam, "scale")

_real_field(Tanh, "start_value")
_real_field(Tanh, "end_value")
_int_field(Tanh, "steps", low=1)
_real_field(Tanh, "lower")
_real_field(Tanh, "upper")
for _v in (-7.0, -8.0, -100):
    _case(Tanh, ValueError, "upper", _v)  # upper must exceed the default lower -7
_case(Tanh, ValueError, "upper", 3.0, lower=5.0, id="Tanh.upper=3.0<lower=5.0")
_case(Tanh, ValueError, "upper", 2.0, lower=2.0, id="Tanh.upper==lower")

_real_field(Cyclic, "low_value")
_real_field(Cyclic, "high_value")
_int_field(Cyclic, "up_steps", low=1)
_int_field(Cyclic, "down_steps", low=1, optional=True)
_choice_field(Cyclic, "mode")
_positive_field(Cyclic, "gamma")
for _v in (1.5, 1.0000001, 2):
    _case(Cyclic, ValueError, "gamma", _v)

_real_field(OneCycle, "peak_value")
_int_field(OneCycle, "total_steps", low=2)
_real_field(OneCycle, "pct_start")
for _v in (0.0, 1.0, 1.5, -0.1):
    _case(OneCycle, ValueError, "pct_start", _v)
# pct_start * total_steps must exceed 1 (the warmup phase must last more than 0 steps)
_case(OneCycle, ValueError, "pct_start", 0.1, id="OneCycle.pct_start*N==1")
_case(OneCycle, ValueError, "pct_start", 0.05, id="OneCycle.pct_start*N<1")
_case(OneCycle, ValueError, "pct_start", 0.5, total_steps=2, id="OneCycle.pct_start*N==1,N=2")
_case(OneCycle, ValueError, "pct_start", 0.55, three_phase=True, id="OneCycle.three_phase.pct_start>(N+1)/2N")
_case(OneCycle, ValueError, "pct_start", 0.9, three_phase=True, id="OneCycle.three_phase.pct_start=0.9")
_positive_field(OneCycle, "div_factor")
_positive_field(OneCycle, "final_div_factor")
_choice_field(OneCycle, "anneal")
_bool_field(OneCycle, "three_phase")

_real_field(WSD, "peak_value")
_int_field(WSD, "warmup_steps", low=0)
_int_field(WSD, "stable_steps", low=0)
_int_field(WSD, "decay_steps", low=1)
_real_field(WSD, "start_value")
_real_field(WSD, "end_value")
_choice_field(WSD, "decay_shape")

for _v in (1.0, None, [abs]):
    _case(Function, TypeError, "fn", _v)
for _v in ("os:system", "builtins:eval", "tests.never_registered"):  # strings name registered functions
    _case(Function, ValueError, "fn", _v)
for _v in (3, "scale=2", [("scale", 2.0)], {"scale": object()}, {"scale": [1.0, {2: 3}]}):
    _case(Function, TypeError, "params", _v, fn=scaled_half)
for _v in ({"scale": math.nan}, {"scale": [1.0, math.inf]}, {"xp": 1}, {"not a name": 1}, {"nope": 1}):
    _case(Function, ValueError, "params", _v, fn=scaled_half)

# -- combinators
for _v in (LIN, None, "ab", 3):
    _case(Sequential, TypeError, "parts", _v)
_case(Sequential, ValueError, "parts", [])
_item_case(Sequential, TypeError, "parts", 1, [LIN, 1.0])
_item_case(Sequential, TypeError, "parts", 0, [None, LIN])
_item_case(Sequential, TypeError, "parts", 1, [LIN, Plateau(), COS])
# boundaries: one per part after the first, strictly increasing ints >= 1
for _v in ([5, 6], [5, 6, 7]):
    _case(Sequential, ValueError, "boundaries", _v)
_case(Sequential, ValueError, "boundaries", [], id="Sequential.boundaries=[]-with-2-parts")
_case(Sequential, ValueError, "boundaries", [5], parts=[LIN, COS, CONST], id="Sequential.boundaries-too-short")
for _v in ([6, 5], [5, 5], [7, 7]):
    _case(Sequential, ValueError, "boundaries", _v, parts=[LIN, COS, CONST])
for _v in ("5", 5, 5.0):
    _case(Sequential, TypeError, "boundaries", _v)
_item_case(Sequential, ValueError, "boundaries", 0, [0])
_item_case(Sequential, ValueError, "boundaries", 0, [-3])
_item_case(Sequential, TypeError, "boundaries", 0, [2.5])
_item_case(Sequential, TypeError, "boundaries", 0, [True])
_item_case(Sequential, ValueError, "boundaries", 1, [3, "4x"], parts=[LIN, COS, CONST])
_item_case(Sequential, ValueError, "boundaries", 1, [3, "0ba"], parts=[LIN, COS, CONST])
_item_case(Sequential, ValueError, "boundaries", 0, [BIG])
# without boundaries, every part but the last needs a finite duration >= 1
_case(Sequential, ValueError, "parts[0]", [UNBOUNDED, LIN], shown=UNBOUNDED, id="Sequential.parts[0]-unbounded")
_case(Sequential, ValueError, "parts[1]", [LIN, EXP_DECAY, COS], shown=EXP_DECAY, id="Sequential.parts[1]-unbounded")
_case(Sequential, ValueError, "parts[0]", [CONST, LIN], shown=CONST, id="Sequential.parts[0]-duration-0")
_case(Sequential, ValueError, "parts[0]", [Clamp(_CYC, max_value=0.5), LIN], shown=Clamp(_CYC, max_value=0.5),
      id="Sequential.parts[0]-clamped-cyclic")

_child_field(Warmup, "schedule")
_int_field(Warmup, "warmup_steps", low=0)
_real_field(Warmup, "start_value")
_choice_field(Warmup, "shape")
_case(Warmup, ValueError, "shape", "exponential")  # a decay shape, not a ramp shape
_bool_field(Warmup, "prefix")

_child_field(Restart, "schedule")
for _v in (UNBOUNDED, EXP_DECAY, CONST, _CYC):
    _case(Restart, ValueError, "schedule", _v, id=f"Restart.schedule-without-finite-duration-{type(_v).__name__}")
_int_field(Restart, "period_steps", low=1)
_real_field(Restart, "period_mult")
for _v in (0.5, 0.0, -2.0, 0):
    _case(Restart, ValueError, "period_mult", _v)
_case(Restart, ValueError, "period_mult", 1.0000001, id="Restart.period_mult-too-close-to-1-without-limit")
_positive_field(Restart, "decay")
_case(Restart, ValueError, "decay", 1.5, id="Restart.decay>1-without-limit")
_case(Restart, ValueError, "decay", -0.5, limit=3, id="Restart.decay<0-with-limit")
for _v in ("3", 1.5, True, 3.0):
    _case(Restart, TypeError, "limit", _v)
for _v in (0, -1, BIG):
    _case(Restart, ValueError, "limit", _v)
_choice_field(Restart, "decay_mode")

_child_field(Clamp, "schedule")
_case(Clamp, ValueError, "min_value", None, id="Clamp-without-bounds")
_case(Clamp, ValueError, "min_value", None, max_value=None, id="Clamp-with-both-bounds-None")
for _f in ("min_value", "max_value"):  # None is allowed when the other bound is given
    for _v in ("1", True, [0.5]):
        _case(Clamp, TypeError, _f, _v)
    for _v in (math.nan, math.inf, -math.inf):
        _case(Clamp, ValueError, _f, _v)
for _v in (0.1, 0.0, -1.0):
    _case(Clamp, ValueError, "max_value", _v, min_value=0.2, id=f"Clamp.max_value={_v}<min_value=0.2")
_case(Clamp, ValueError, "max_value", math.nan, min_value=None, id="Clamp.max_value=nan-only-bound")

_children_field(Product, "factors")
_children_field(Sum, "terms")
_children_field(Minimum, "schedules")
_children_field(Maximum, "schedules")

_child_field(Shift, "schedule")
# a number in [-2**53, 2**53] or a duration string: negative steps advance (s(t + |steps|)), so -1
# and -2.5 are valid
for _v in (None, True, [3]):
    _case(Shift, TypeError, "steps", _v)
_duration_strings(Shift, "steps", None)
for _v in (-BIG, BIG, -HUGE, HUGE, math.nan, math.inf, -math.inf):
    _case(Shift, ValueError, "steps", _v)

_child_field(Warp, "schedule")
_int_field(Warp, "steps", low=1)
_positive_field(Warp, "exponent")

_child_field(Stretch, "schedule")
_step_count_field(Stretch, "factor")

_child_field(Quantize, "schedule")
_int_field(Quantize, "every", low=1)

# -- plateau
_choice_field(Plateau, "mode")
_real_field(Plateau, "factor")
for _v in (0.0, 1.0, 1.5, -0.1, 0, 1):
    _case(Plateau, ValueError, "factor", _v)
_int_field(Plateau, "patience", low=0, duration=False)  # evaluations, not steps
_nonneg_field(Plateau, "threshold")
_choice_field(Plateau, "threshold_mode")
_int_field(Plateau, "cooldown", low=0, duration=False)
_nonneg_field(Plateau, "min_value")
_nonneg_field(Plateau, "eps")
_choice_field(Plateau, "rule")

_child_field(PlateauSchedule, "schedule")
for _v in ("x", None, LIN, 0.5, {"factor": 0.5}):
    _case(PlateauSchedule, TypeError, "plateau", _v)

# Ints too large for a float must be refused like any other bad number, not overflow.
for _cls, _f in ((Constant, "value"), (Cosine, "start_value"), (InverseSqrt, "timescale_steps"),
                 (Plateau, "threshold"), (Restart, "period_mult")):
    _case(_cls, ValueError, _f, 10**400, id=f"{_cls.__name__}.{_f}=10**400")


# ---------------------------------------------------------------------------------- the table
def _entry(cls: type, kwargs: dict, full: dict, *examples: Any, strategy: Any = None) -> Node:
    name = cls.__name__
    if strategy is None:
        strategy = S.PRIMITIVES[name] if name in S.PRIMITIVES else S.of_kind(name) if name in S.COMBINATORS else None
    return Node(cls, kwargs, full, tuple(examples), strategy, REFERENCES.get(name), tuple(_BAD.get(cls, ())))


_ENTRIES = [
    # -- primitives
    _entry(Constant, dict(value=0.1), dict(value=0.1), Constant(value=0.3), CONST),
    _entry(Linear, dict(start_value=0.0, end_value=1.0, steps=10), dict(start_value=0.0, end_value=1.0, steps=10),
           Linear(start_value=0.0, end_value=1.0, steps=4)),
    _entry(Cosine, dict(start_value=1.0, steps=10), dict(start_value=1.0, steps=10, end_value=0.1, power=1.5),
           C, _COS2),
    _entry(Polynomial, dict(start_value=1.0, end_value=0.0, steps=10),
           dict(start_value=1.0, end_value=0.0, steps=10, power=2.0, cycle=False),
           Polynomial(start_value=1.0, end_value=0.25, steps=4, power=2.0),
           Polynomial(start_value=1.0, end_value=0.0, steps=10, power=0.5)),
    _entry(Exponential, dict(start_value=1.0, factor=0.5), dict(start_value=1.0, factor=0.5, every=2, staircase=True),
           Exponential(start_value=2.0, factor=0.5),
           Exponential(start_value=1.0, factor=0.9, every=3, staircase=True),
           Exponential(start_value=1.0, factor=0.9, every=2.5)),
    _entry(Geometric, dict(start_value=1e-7, end_value=10.0, steps=100), dict(start_value=1.0, end_value=0.01, steps=10),
           Geometric(start_value=1.0, end_value=1.0, steps=5),
           Geometric(start_value=-1.0, end_value=-1e-3, steps=7),
           Geometric(start_value=2.5e-3, end_value=2.5e-3 / 25.0, steps=1)),
    _entry(MultiStep, dict(start_value=1.0, milestones=[2, 4], factor=0.1),
           dict(start_value=1.0, milestones=[2, 4], factor=0.1),
           MultiStep(start_value=2.0, milestones=[2, 5], factor=0.1),
           MultiStep(start_value=1.0, milestones=[3, 6, 9], factor=0.5)),
    _entry(Piecewise, dict(values=[1.0, 0.5, 0.1], boundaries=[2, 4]), dict(values=[1.0, 0.5, 0.1], boundaries=[2, 4])),
    _entry(Interpolate, dict(boundaries=[0, 4, 8], values=[1.0, 0.5, 0.1]),
           dict(boundaries=[0, 4, 8], values=[1.0, 0.5, 0.1], shape="cosine"),
           Interpolate(boundaries=[2, 4, 8], values=[1.0, 0.5, 0.1])),
    _entry(InverseSqrt, dict(start_value=1.0, timescale_steps=4), dict(start_value=1.0, timescale_steps=4, power=1.5),
           InverseSqrt(start_value=2.0, timescale_steps=4), InverseSqrt(start_value=0.1, timescale_steps=3, power=1.0)),
    _entry(InverseTime, dict(start_value=1.0, rate=1.0),
           dict(start_value=1.0, rate=1.0, every=2, staircase=False, power=-1.0),
           InverseTime(start_value=2.0, rate=0.5, every=3, staircase=True),
           InverseTime(start_value=1.0, rate=0.5, every=2, staircase=True),
           InverseTime(start_value=1e-3, rate=1.0, every=5, staircase=True, power=-1.0),
           InverseTime(start_value=0.9, rate=0.25, every=4, power=-1.0)),
    _entry(Noam, dict(d_model=512, warmup_steps=10), dict(d_model=512, warmup_steps=10, scale=2.0),
           Noam(d_model=4, warmup_steps=2)),
    _entry(Tanh, dict(start_value=1.0, steps=10), dict(start_value=1.0, steps=10, end_value=0.1, lower=-6.0, upper=2.0),
           Tanh(start_value=1.0, steps=10, end_value=0.1)),
    _entry(Cyclic, dict(low_value=0.1, high_value=1.0, up_steps=4),
           dict(low_value=0.1, high_value=1.0, up_steps=4, down_steps=2, mode="exp_range", gamma=0.9),
           Cyclic(low_value=0.1, high_value=1.0, up_steps=3, down_steps=2, mode="triangular2"),
           Cyclic(low_value=0.1, high_value=1.0, up_steps=4, down_steps=2, mode="exp_range", gamma=0.99)),
    _entry(OneCycle, dict(peak_value=1.0, total_steps=10),
           dict(peak_value=1.0, total_steps=20, pct_start=0.25, div_factor=25.0, final_div_factor=1e4, anneal="cos",
                three_phase=True),
           OneCycle(peak_value=1.0, total_steps=17, pct_start=0.25, three_phase=True, anneal="linear"),
           OneCycle(peak_value=1.0, total_steps=20, pct_start=0.25, anneal="linear", three_phase=True)),
    _entry(WSD, dict(peak_value=1.0, warmup_steps=2, stable_steps=2, decay_steps=4),
           dict(peak_value=1.0, warmup_steps=2, stable_steps=2, decay_steps=4, start_value=0.0, end_value=0.01,
                decay_shape="exponential"),
           WSD(peak_value=1.0, warmup_steps=2, stable_steps=3, decay_steps=4, end_value=0.1, decay_shape="cosine"),
           WSD(peak_value=1.0, warmup_steps=2, stable_steps=3, decay_steps=4, decay_shape="1-sqrt")),
    _entry(Function, dict(fn=abs), dict(fn=scaled_half, params={"scale": 2.0, "offsets": [0.25]}),
           Function(fn=math.sqrt), Function(fn=S.smooth_fn), Function(fn=half),
           Function("tests.scaled_half", params={"scale": 0.5})),
    # -- combinators
    _entry(Sequential, dict(parts=[LIN, COS]), dict(parts=[LIN, COS], boundaries=[5]),
           Sequential(parts=[Linear(start_value=0.0, end_value=1.0, steps=4), CONST]),
           Sequential(parts=[LIN, C], boundaries=[4]),
           Sequential(parts=[LIN, _COS2]),
           Sequential(parts=[LIN, InverseSqrt(start_value=1.0, timescale_steps=2), CONST], boundaries=[5, 9])),
    _entry(Warmup, dict(schedule=COS, warmup_steps=2),
           dict(schedule=COS, warmup_steps=2, start_value=0.0, shape="1-sqrt", prefix=False),
           Warmup(C, warmup_steps=4),
           Warmup(C, warmup_steps=3, prefix=False, shape="cosine"),
           Warmup(C, warmup_steps=5, start_value=0.1, shape="log"),
           Warmup(_COS2, warmup_steps=3, start_value=0.1, shape="cosine", prefix=False),
           Warmup(Sequential(parts=[_COS2, Restart(LIN, period_steps=5)], boundaries=[7]) * 0.5, warmup_steps=2)),
    _entry(Restart, dict(schedule=COS, period_steps=10),
           dict(schedule=COS, period_steps=10, period_mult=2.0, decay=0.5, limit=4, decay_mode="peak"),
           Restart(C, period_steps=10, limit=3),
           Restart(C, period_steps=4),
           Restart(C, period_steps=2, period_mult=1.5, decay=0.5, decay_mode="above_end"),
           Restart(_COS2, period_steps=10, period_mult=2.0, decay=0.5, limit=4, decay_mode="peak")),
    _entry(Clamp, dict(schedule=LIN, min_value=0.2), dict(schedule=LIN, min_value=0.2, max_value=0.8),
           Clamp(C, min_value=0.3, max_value=0.8),
           Clamp(_COS2, max_value=0.5)),
    _entry(Product, dict(factors=[LIN, COS]), dict(factors=[LIN, COS]),
           C * Linear(start_value=1.0, end_value=0.0, steps=5),
           LIN * 0.5),
    _entry(Sum, dict(terms=[LIN, COS]), dict(terms=[LIN, COS]),
           C + Cyclic(low_value=0.0, high_value=0.1, up_steps=2),
           LIN + _COS2),
    _entry(Minimum, dict(schedules=[LIN, COS]), dict(schedules=[LIN, COS]),
           lrcore.minimum(C, 0.5),
           lrcore.minimum(LIN, _COS2, 0.3)),
    _entry(Maximum, dict(schedules=[LIN, COS]), dict(schedules=[LIN, COS]),
           lrcore.maximum(C, Linear(start_value=0.0, end_value=1.0, steps=20)),
           lrcore.maximum(LIN, 0.1)),
    _entry(Shift, dict(schedule=LIN, steps=3), dict(schedule=LIN, steps=3),
           Shift(C, steps=3),
           Shift(C, steps=-3),
           Shift(Restart(C, period_steps=4), steps=-6),
           Shift(_COS2, steps=4),
           Shift(_COS2, steps=-3),
           Shift(_COS2, steps=1.5),
           Shift(_COS2, steps=-0.25)),
    _entry(Stretch, dict(schedule=LIN, factor=2), dict(schedule=LIN, factor=2.5),
           Stretch(_PIECES, factor=1.5)),
    _entry(Quantize, dict(schedule=LIN, every=2), dict(schedule=LIN, every=2),
           Quantize(C, every=3),
           Quantize(Stretch(_COS2, factor=3), every=3)),
    _entry(Warp, dict(schedule=COS, steps=10, exponent=2.0), dict(schedule=COS, steps=10, exponent=2.0),
           Warp(C, steps=10, exponent=2.0),
           Warp(_PIECES, steps=6, exponent=0.5),
           Warp(Linear(start_value=1.0, end_value=0.0, steps=20), steps=5, exponent=3.0),
           Warp(Restart(C, period_steps=3), steps=12, exponent=1.7),
           Warp(_COS2, steps=10, exponent=1.5)),
    # -- plateau
    _entry(Plateau, dict(),
           dict(mode="max", factor=0.5, patience=2, threshold=0.01, threshold_mode="abs", cooldown=1, min_value=0.01,
                eps=1e-8, rule="paddle", unit=1.0),
           Plateau(mode="max", factor=0.5, patience=2, threshold=0.01, threshold_mode="abs", cooldown=1,
                   min_value=0.01, eps=0.0, rule="paddle"),
           strategy=S.plateaus),
    _entry(PlateauSchedule, dict(schedule=LIN, plateau=Plateau()), dict(schedule=LIN, plateau=Plateau()),
           _COS2 * Plateau(factor=0.5),
           strategy=S.plateau_schedules),
]

#: Config name -> entry, for every node class of lrcore.
NODES: dict[str, Node] = {e.cls._config_name: e for e in _ENTRIES}
del _ENTRIES


def lrcore_nodes() -> dict[str, type]:
    """lrcore's own registered node classes (tests and doctests register others of their own)."""
    return {k: c for k, c in lrcore.registered().items() if c.__module__.split(".")[0] == "lrcore"}


def instances(*, functions: bool = True) -> list:
    """Every instance of every entry (`Node.instances`), Function ones only if `functions`."""
    return [x for e in NODES.values() if functions or e.cls is not Function for x in e.instances]


def schedule_instances(*, functions: bool = True) -> list:
    """`instances` that are schedules (not Plateau, not PlateauSchedule)."""
    return [x for x in instances(functions=functions) if isinstance(x, lrcore.Schedule)
            and not isinstance(x, PlateauSchedule)]
