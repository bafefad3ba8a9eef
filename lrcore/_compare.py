"""`lrcore.compare`: two schedules (lrcore, torch, paddle, optax, Keras or a callable) step by step.

Standard library only (the objects are stepped by `lrcore._drivers`, which imports nothing).
"""

from __future__ import annotations

import math
import struct
from collections import namedtuple

TYPE_CHECKING = False  # typing and dataclasses are not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Any, Iterable, Sequence

from ._drivers import run, steps_of

__all__ = ["compare", "Comparison", "ulp_distance", "check", "tolerance_fn", "skip_fn"]


def _ordered(x: float) -> int:
    """The float64 `x` as an int that counts ulps: consecutive floats are consecutive ints."""
    i: int = struct.unpack("<q", struct.pack("<d", x))[0]
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


def _number(name: str, v: Any, where: str = "") -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) and not hasattr(v, "__float__"):
        raise TypeError(f"`{name}` must be a number >= 0{where}, got {name}={v!r}")
    x = float(v)
    if not x >= 0:
        raise ValueError(f"`{name}` must be a number >= 0{where}, got {name}={v!r}")
    return x


def tolerance_fn(name: str, v: Any) -> Any:
    """The tolerance `v` (a number >= 0, ``f(t)`` or ``f(t, a, b)``) as a function of (t, a, b).

    A callable is called with the step alone if it takes one positional argument (or has no
    signature to read, as ``dict.__getitem__``), else with the step and the two values compared
    there; what it returns must be a number >= 0.

    >>> tolerance_fn("atol", 0.5)(3, 1.0, 2.0), tolerance_fn("atol", lambda t: 0.1 * t)(3, 1.0, 2.0)
    (0.5, 0.30000000000000004)
    >>> tolerance_fn("rtol", lambda t, a, b: abs(a - b))(0, 1.0, 3.0)
    2.0
    """
    if not callable(v):
        x = _number(name, v)
        return lambda t, a, b: x
    import inspect  # only for a callable tolerance: `import lrcore` stays light

    try:
        sig = inspect.signature(v)
    except (TypeError, ValueError):  # a builtin without a signature, such as dict.__getitem__: f(t)
        sig = None
    arity = 1 if sig is None else None
    for n, args in ((1, (0,)), (3, (0, 0.0, 0.0))):
        if sig is None:
            break
        try:
            sig.bind(*args)
        except TypeError:
            continue
        arity = n
        break
    if arity is None:
        raise TypeError(f"`{name}` must be a number >= 0, a callable of the step f(t) or of the step and both "
                        f"values f(t, a, b), got {name}={v!r}")
    if arity == 1:
        return lambda t, a, b: _number(f"{name}(t)", v(t), f" (at step {t})")
    return lambda t, a, b: _number(f"{name}(t, a, b)", v(t, a, b), f" (at step {t})")


def skip_fn(skip: Any) -> Any:
    """`skip` (None, a predicate of the step, or a collection of steps) as a predicate of the step.

    >>> skip_fn({3, 5})(5), skip_fn(lambda t: t % 2 == 0)(4), skip_fn(None)(4)
    (True, True, False)
    """
    if skip is None:
        return lambda t: False
    if callable(skip):
        return lambda t: bool(skip(t))
    if isinstance(skip, (str, bytes)) or not hasattr(skip, "__contains__"):
        raise TypeError(f"`skip` must be a collection of steps or a predicate of the step, got skip={skip!r}")
    steps = skip if isinstance(skip, (set, frozenset, range)) else set(skip)
    return lambda t: t in steps


def check(ts: Sequence[int], xs: Sequence[float], ys: Sequence[float], *, rtol: Any = 0.0, atol: Any = 0.0,
          ulps: float = 0.0, skip: Any = None) -> tuple[list[int], list[int], dict[int, float]]:
    """(indices beyond the tolerance, skipped steps, the allowed ``|x - y|`` at each differing index).

    A step is equal where ``x == y`` (both NaN too), ``|x - y| <= atol + rtol * max(|x|, |y|)``
    (`rtol`, `atol`: numbers or callables, see `tolerance_fn`) or the two are at most `ulps`
    float64 ulps apart; steps for which `skip` holds are not compared.

    >>> check([0, 1, 2], [1.0, 1.0, 1.0], [1.0, 1.5, 3.0], atol=lambda t: 0.5 * t, skip={2})
    ([], [2], {1: 0.5})
    """
    rt, at, skipped_ = tolerance_fn("rtol", rtol), tolerance_fn("atol", atol), skip_fn(skip)
    ulps = _number("ulps", ulps)
    bad: list[int] = []
    skipped: list[int] = []
    allowed: dict[int, float] = {}
    for i, (t, x, y) in enumerate(zip(ts, xs, ys)):
        if skipped_(t):
            skipped.append(t)
            continue
        if _same(x, y):
            continue
        tol = at(t, x, y) + rt(t, x, y) * max(abs(x), abs(y))
        allowed[i] = tol
        if not (abs(x - y) <= tol or ulp_distance(x, y) <= ulps):
            bad.append(i)
    return bad, skipped, allowed


class Comparison(namedtuple("Comparison", "equal max_abs max_abs_step max_rel max_rel_step first_step rtol atol "
                                          "ulps steps a b skipped")):
    """What `compare` found. ``equal``: every compared step within the tolerance.

    ``max_abs`` / ``max_rel``: the largest absolute and relative difference (relative to the
    larger magnitude; 0.0 where equal) and their steps (None where there is no difference);
    ``first_step``: the first step beyond the tolerance (None if ``equal``). ``steps``, ``a``
    and ``b`` hold every step and both values there; ``skipped`` the steps not compared.

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


def compare(a: Any, b: Any, steps: int | Iterable[int], *, rtol: Any = 0.0, atol: Any = 0.0, ulps: float = 0.0,
            metrics: Sequence[Any] | None = None, skip: Any = None) -> Comparison:
    """Compare `a` and `b` at `steps` (an int n: 0..n-1; or increasing ints): a `Comparison`.

    `a` and `b` are anything `lrcore.testing.trajectory` steps: lrcore schedules, torch or
    paddle LRSchedulers (stepped: they advance), optax schedules, Keras LearningRateSchedules,
    callables, or the values themselves (a sequence, one per step). A step is equal where
    ``|x - y| <= atol + rtol * max(|x|, |y|)`` or the two floats are at most `ulps` float64
    ulps apart (both NaN counts as equal). The default is exact: bit for bit (``0.0 == -0.0``).
    `rtol` and `atol` may be callables of the step, ``f(t)``, or of the step and both values,
    ``f(t, x, y)``; `skip` (a collection of steps or a predicate of the step) names steps not
    compared.

    >>> import lrcore
    >>> a = lrcore.Linear(start_value=0.3, end_value=0.0, steps=3)
    >>> b = lambda t: 0.1 * (3 - min(t, 3))
    >>> r = lrcore.compare(a, b, steps=5)
    >>> r.equal, r.first_step, r.at(1)
    (False, 0, (0.19999999999999998, 0.2))
    >>> lrcore.compare(a, b, steps=5, rtol=1e-15).equal
    True
    >>> lrcore.compare(a, b, steps=5, atol=lambda t: 1e-16 * t, skip={0}).equal
    True
    """
    for name, v in (("rtol", rtol), ("atol", atol), ("ulps", ulps)):
        if not (name != "ulps" and callable(v)) and (isinstance(v, bool) or not isinstance(v, (int, float))
                                                    or not v >= 0):
            raise ValueError(f"compare: `{name}` must be a number >= 0{'' if name == 'ulps' else ' or a callable'}, "
                             f"got {name}={v!r}")
    xs, _ = run(a, steps, metrics)
    ys, _ = run(b, steps, metrics)
    ts = tuple(steps_of(steps))
    bad, skipped, _ = check(ts, xs, ys, rtol=rtol, atol=atol, ulps=ulps, skip=skip)
    gone = set(skipped)
    max_abs = max_rel = 0.0
    abs_step = rel_step = None
    for t, x, y in zip(ts, xs, ys):
        if _same(x, y) or t in gone:
            continue
        d = abs(x - y)
        m = max(abs(x), abs(y))
        r = d / m if m > 0 else math.inf
        if not d <= max_abs:  # NaN against a number counts as the largest
            max_abs, abs_step = d, t
        if not r <= max_rel:
            max_rel, rel_step = r, t
    return Comparison(equal=not bad, max_abs=max_abs, max_abs_step=abs_step, max_rel=max_rel,
                      max_rel_step=rel_step, first_step=ts[bad[0]] if bad else None,
                      rtol=rtol if callable(rtol) else float(rtol), atol=atol if callable(atol) else float(atol),
                      ulps=ulps, steps=ts, a=tuple(xs), b=tuple(ys), skipped=tuple(skipped))
