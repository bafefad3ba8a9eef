"""One error template for the whole package.

Construction errors read ``Cosine: `steps` must be an int >= 1, got steps=0``; the config
loader re-renders the same error with the path of the field
(``parts[1].steps: must be an int >= 1, got 0``).
"""

from __future__ import annotations

import math
import reprlib
from contextlib import contextmanager
from numbers import Integral, Real
TYPE_CHECKING = False  # typing is not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Any, Iterator

__all__ = ["ScheduleError", "ScheduleTypeError", "MAX_STEPS"]

MAX_STEPS = 2**53
"""Largest step count a node takes: every integer up to it is exact in float64."""


_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother = 4, 80, 80


def safe_repr(x: Any) -> str:
    """repr(x), shortened where it cannot be written whole (a list nested 10,000 deep)."""
    try:
        return repr(x)
    except (RecursionError, ValueError):  # ValueError: int too large to print
        return _SHORT.repr(x)


class Spelled:
    """Marker base of a duration written as a string (`lrcore._units`: ``StepCount``, an int in
    steps, and ``Duration``, in another unit). It lives here so that checking a field's value does
    not import the unit grammar: `lrcore._units` loads when a string is first parsed."""

    __slots__ = ()
    text: str  # the string as written


class _FieldError:
    """Mixin carrying which field of which node was bad, so paths can be prefixed."""

    node: str
    field: str
    requirement: str
    value: Any

    def _init(self, node: str, field: str, requirement: str, value: Any) -> None:
        self.node, self.field, self.requirement, self.value = node, field, requirement, value

    def with_path(self, path: str) -> str:
        """The message as the config loader writes it: ``path.field: must be ..., got v``."""
        where = f"{path}.{self.field}" if path else self.field
        return f"{where}: must be {self.requirement}, got {safe_repr(self.value)}"


class ScheduleError(_FieldError, ValueError):
    """A parameter has a value outside what the node allows."""

    def __init__(self, node: str, field: str, requirement: str, value: Any) -> None:
        self._init(node, field, requirement, value)
        super().__init__(f"{node}: `{field}` must be {requirement}, got {field}={safe_repr(value)}")


class ScheduleTypeError(_FieldError, TypeError):
    """A parameter has the wrong type."""

    def __init__(self, node: str, field: str, requirement: str, value: Any) -> None:
        self._init(node, field, requirement, value)
        super().__init__(f"{node}: `{field}` must be {requirement}, got {field}={safe_repr(value)}")


@contextmanager
def renamed(node: str, **names: str) -> Iterator[None]:
    """Re-raise an lrcore node's argument error under a peer's class and parameter names
    (``with renamed("StepLR", every="step_size"): ...``): what the catalogs build with."""
    try:
        yield
    except ScheduleTypeError as e:
        raise ScheduleTypeError(node, names.get(e.field, e.field), e.requirement, e.value) from None
    except ScheduleError as e:
        raise ScheduleError(node, names.get(e.field, e.field), e.requirement, e.value) from None


def check_list(node: str, field: str, xs: Any, what: str = "a list") -> list[Any]:
    """`xs` as a list, or a ScheduleTypeError naming the field (a string, a number, a dict or a
    0-d array is not a list, though some of them iterate or claim to)."""
    if isinstance(xs, (str, bytes, dict)) or not hasattr(xs, "__iter__"):
        raise ScheduleTypeError(node, field, what, xs)
    try:
        return list(xs)
    except TypeError:  # iterable in name only: a 0-d numpy array
        raise ScheduleTypeError(node, field, what, xs) from None


def _is_real(x: Any) -> bool:
    return isinstance(x, Real) and not isinstance(x, bool)


def check_real(node: str, field: str, x: Any, *, low: float | None = None,
               high: float | None = None, low_open: bool = False,
               high_open: bool = False) -> float:
    """A finite real number in the given interval, returned as a float."""
    if low is None and high is None:
        what = "a finite number"
    else:
        lo = "" if low is None else ("> " if low_open else ">= ") + repr(low)
        hi = "" if high is None else ("< " if high_open else "<= ") + repr(high)
        what = "a number " + " and ".join(p for p in (lo, hi) if p)
    if not _is_real(x):
        raise ScheduleTypeError(node, field, what, x)
    try:
        v = float(x)
    except OverflowError:  # an int beyond float range
        raise ScheduleError(node, field, what, x) from None
    if not math.isfinite(v):
        raise ScheduleError(node, field, what, x)
    if low is not None and (v < low or (low_open and v == low)):
        raise ScheduleError(node, field, what, x)
    if high is not None and (v > high or (high_open and v == high)):
        raise ScheduleError(node, field, what, x)
    return v


def check_int(node: str, field: str, x: Any, *, low: int = 0, high: int | None = None) -> int:
    """An int (not a bool, not a float) >= low (and <= high)."""
    what = f"an int >= {low}" + ("" if high is None else f" and <= {high}")
    if not isinstance(x, Integral) or isinstance(x, bool):
        raise ScheduleTypeError(node, field, what, x)
    v = int(x)
    if v < low or (high is not None and v > high):
        raise ScheduleError(node, field, what, x)
    return v


def check_steps(node: str, field: str, x: Any, low: int = 1) -> int:
    """A step count: an int >= low and <= 2**53."""
    return check_int(node, field, x, low=low, high=MAX_STEPS)


def check_choice(node: str, field: str, x: Any, choices: tuple[str, ...]) -> str:
    what = "one of " + ", ".join(repr(c) for c in choices)
    if not isinstance(x, str) or x not in choices:
        raise ScheduleError(node, field, what, x)
    return x


def check_bool(node: str, field: str, x: Any) -> bool:
    if not isinstance(x, bool):
        raise ScheduleTypeError(node, field, "a bool", x)
    return x

