"""`lrcore.compare`: two schedules (lrcore, torch, paddle, optax, Keras or a callable) step by step.

Standard library only (the objects are stepped by `lrcore._drivers`, which imports nothing).
"""

from __future__ import annotations

import math
import struct
from collections import namedtuple

TYPE_CHECKING = False  # typing and dataclasses are not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Any, Sequence

from ._drivers import run

__all__ = ["compare", "Comparison", "ulp_distance"]


def _ordered(x: float) -> int:
    """The float64 `x` as an int that counts ulps: consecutive floats are consecutive ints."""
    (i,) = struct.unpack("<q", struct.pack("<d", x))
    return i if i >= 0 else -(i & 0x7FFFFFFFFFFFFFFF)


def ulp_distance(a: float, b: float) -> float:
    """How many float64 values lie from `a` to `b` (0 for equal values; inf if either is NaN or infinite).

    >>> ulp_distance(0.1, 0.1), ulp_distance(1.0, 1.0 + 2**-52), ulp_distance(0.0, -0.0)
    (0, 1, 0)
    """
    if a == b:
        return 0
    if not (math.isfinite(a) and math.isfinite(b)):
        return math.inf
    return abs(_ordered(float(a)) - _ordered(float(b)))


def _same(x: float, y: float) -> bool:
    return x == y or (math.isnan(x) and math.isnan(y))


class Comparison(namedtuple("Comparison", "equal max_abs max_abs_step max_rel max_rel_step first_step rtol atol "
                                          "ulps steps a b")):
    """What `compare` found. ``equal``: every step within the tolerance.

    ``max_abs`` / ``max_rel``: the largest absolute and relative difference (relative to the
    larger magnitude; 0.0 where equal) and their steps (None where there is no difference);
    ``first_step``: the first step beyond the tolerance (None if ``equal``). ``steps``, ``a``
    and ``b`` hold every step compared and both values there.

    >>> import lrcore
    >>> r = lrcore.compare(lrcore.Constant(value=0.1), lambda t: 0.1 if t < 3 else 0.2, steps=5)
    >>> r.equal, r.first_step, r.max_abs_step, r.max_rel
    (False, 3, 3, 0.5)
    """

    __slots__ = ()

    def at(self, step: int) -> tuple[float, float]:
        """Both values at `step` (one of the compared steps).

        >>> import lrcore
        >>> lrcore.compare(lrcore.Constant(value=0.5), lambda t: 0.5, steps=[0, 10]).at(10)
        (0.5, 0.5)
        """
        i = self.steps.index(step)
        return self.a[i], self.b[i]


def compare(a: Any, b: Any, steps: Any, *, rtol: float = 0.0, atol: float = 0.0, ulps: float = 0.0,
            metrics: Sequence[Any] | None = None) -> Comparison:
    """Compare `a` and `b` at `steps` (an int n: 0..n-1; or increasing ints): a `Comparison`.

    `a` and `b` are anything `lrcore.testing.trajectory` steps: lrcore schedules, torch or
    paddle LRSchedulers (stepped: they advance), optax schedules, Keras LearningRateSchedules,
    callables. A step is equal where ``|x - y| <= atol + rtol * max(|x|, |y|)`` or the two
    floats are at most `ulps` float64 ulps apart (both NaN counts as equal). The default is
    exact: bit for bit (``0.0 == -0.0``).

    >>> import lrcore
    >>> a = lrcore.Linear(start_value=0.3, end_value=0.0, steps=3)
    >>> b = lambda t: 0.1 * (3 - min(t, 3))
    >>> r = lrcore.compare(a, b, steps=5)
    >>> r.equal, r.first_step, r.at(1)
    (False, 0, (0.19999999999999998, 0.2))
    >>> lrcore.compare(a, b, steps=5, rtol=1e-15).equal
    True
    """
    for name, v in (("rtol", rtol), ("atol", atol), ("ulps", ulps)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not v >= 0:
            raise ValueError(f"compare: `{name}` must be a number >= 0, got {name}={v!r}")
    xs, _ = run(a, steps, metrics)
    ys, _ = run(b, steps, metrics)
    ts = tuple(range(steps)) if isinstance(steps, int) else tuple(steps)
    max_abs = max_rel = 0.0
    abs_step = rel_step = first = None
    for t, x, y in zip(ts, xs, ys):
        if _same(x, y):
            continue
        d = abs(x - y)
        m = max(abs(x), abs(y))
        r = d / m if m > 0 else math.inf
        if not d <= max_abs:  # NaN against a number counts as the largest
            max_abs, abs_step = d, t
        if not r <= max_rel:
            max_rel, rel_step = r, t
        if first is None and not (d <= atol + rtol * m or ulp_distance(x, y) <= ulps):
            first = t
    return Comparison(equal=first is None, max_abs=max_abs, max_abs_step=abs_step, max_rel=max_rel,
                      max_rel_step=rel_step, first_step=first, rtol=float(rtol), atol=float(atol), ulps=ulps,
                      steps=ts, a=tuple(xs), b=tuple(ys))
