"""The Schedule base: evaluation on every input type, arithmetic, introspection, config."""

from __future__ import annotations

import math
from collections import namedtuple
TYPE_CHECKING = False  # typing is not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Any, Callable, Iterator, overload

    from ._backends import NumpyOps
    from ._plateau import Plateau, PlateauSchedule

from . import ops as _ops
from ._compile import FormulaError, check_step, compile_scalar
from ._errors import ScheduleError, ScheduleTypeError
from ._node import MAX_DEPTH, Node, check_child

__all__ = ["Schedule", "Phase", "Phases", "Segment", "as_schedule_arg", "check_child", "MAX_DEPTH"]

INF = math.inf


class Segment(namedtuple("Segment", "start end kind fn")):
    """A stretch ``[start, end)`` of a node's timeline (float steps, end ``inf`` if unbounded).

    ``kind`` names it (``"cosine"``, ``"warmup linear"``, ``"cycle 2 cosine"``, ...); ``fn(t, xp)``
    is the node's formula with the branches not taken on this stretch removed: for every step
    in it, ``fn(t, xp)`` is ``formula(t, xp)`` bit for bit. ``fn`` None: constant on the stretch
    (its value is the formula's at ``start``).
    """

    __slots__ = ()


class Phase(namedtuple("Phase", "start end kind start_value end_value jump")):
    """One phase of a schedule: steps [start, end) (end None: forever), what it is, and its values.

    ``start_value`` is the value at ``start``; ``end_value`` the value this phase's formula
    reaches at ``end`` (None if unbounded); ``jump`` the step from ``end_value`` to the value at
    ``end`` where the next phase starts (0.0 where the schedule is continuous, None if unbounded).
    """

    __slots__ = ()


class Phases(list[Phase]):
    """A list of `Phase` that prints as a table."""

    def __str__(self) -> str:
        rows = [("start", "end", "kind", "start value", "end value", "jump")]
        for p in self:
            rows.append((
                str(p.start), "inf" if p.end is None else str(p.end), p.kind, f"{p.start_value:.6g}",
                "-" if p.end_value is None else f"{p.end_value:.6g}",
                "-" if p.jump is None else f"{p.jump:+.6g}",
            ))
        widths = [max(len(r[i]) for r in rows) for i in range(6)]
        return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)


# Numpy steps per block: the formula's temporaries stay in cache, and at 64 KiB each they stay
# below glibc's 128 KiB mmap threshold (at 2**14 float64 every temporary was a fresh mmap with
# page faults: 2.7x slower).
BLOCK = 1 << 13


class Schedule(Node):
    """Base class of every schedule: an immutable tree whose value at step t is pure math.

    A node declares its fields as annotated class attributes (`lrcore.field` adds bounds and
    choices), implements ``formula(self, t, xp)`` once against the op namespace `lrcore.ops`
    (``xp.where``, ``xp.cos``, ...; no Python ``if`` on t) and ``duration``, and may implement
    ``segments(lo, hi)``, its timeline. Everything else comes from here:

    * ``s(step)`` -> Python float, via ``math`` (compiled once per schedule; no numpy).
    * ``s.evaluate(steps, dtype=None)`` -> numpy array for lists, ranges and numpy arrays
      (float64 unless ``dtype``), or an array of the input's own library, dtype and device
      for jax (also under jit/vmap), torch, paddle and keras. Integer framework steps become
      the library's default float dtype. Framework arrays may be traced or on a device, so
      their steps are clamped to >= 0 rather than checked.
    * ``s * k``, ``s * s2``, ``s + s2``; ``lrcore.minimum`` / ``lrcore.maximum``.
    * ``describe()``, ``phase_at(step)``, ``to_config()``, ``fingerprint``, ``replace(...)``.

    >>> import lrcore
    >>> @lrcore.register(package="docs")
    ... class HalfLife(lrcore.Schedule):
    ...     start_value: float
    ...     half_life: float = lrcore.field(gt=0.0)
    ...     def formula(self, t, xp):  # start * 2**(-t / half_life)
    ...         return self.start_value * xp.exp(-0.6931471805599453 * t / self.half_life)
    ...     duration = None
    >>> s = lrcore.Warmup(HalfLife(start_value=1.0, half_life=10.0), warmup_steps=5)
    >>> f"{s(5):.3f} {s(15):.3f}", s.evaluate([5, 15]).round(3).tolist()
    ('1.000 0.500', [1.0, 0.5])
    """

    # Whether the node runs its children on its own clock, shifted by a constant or pointwise
    # (extend_stable can then lengthen a WSD below it without changing anything else).
    keeps_clock = False

    # -- to implement in subclasses
    def formula(self, t: Any, xp: Any) -> Any:
        """The value at step(s) ``t``, written once with the ops of ``xp`` (see `lrcore.ops`)."""
        raise NotImplementedError(f"{type(self).__name__} must implement formula(self, t, xp)")

    @property
    def duration(self) -> int | None:
        """Number of steps over which the value changes (it is constant from then on), or None."""
        raise NotImplementedError(f"{type(self).__name__} must define duration")

    def segments(self, lo: float, hi: float) -> list[Segment]:
        """The timeline: sorted, contiguous `Segment` s covering at least steps ``[lo, hi)``.

        `describe`, `phase_at` and numpy's piecewise evaluation all read it. The default: the
        formula over the duration, then a constant (one formula if unbounded).

        >>> import lrcore
        >>> lrcore.Linear(start_value=1.0, end_value=0.0, steps=4).segments(0, 10)[1]
        Segment(start=4.0, end=inf, kind='constant', fn=None)
        """
        d = self.duration
        if d is None:
            return [Segment(0.0, INF, type(self).__name__.lower(), self.formula)]
        if d == 0:
            return [Segment(0.0, INF, "constant", None)]
        return [Segment(0.0, float(d), type(self).__name__.lower(), self.formula), Segment(float(d), INF, "constant", None)]

    # -- evaluation
    def __call__(self, step: Any) -> float:
        fn: Callable[[Any], float]
        try:
            fn = self.__dict__["_c_scalar"]
        except KeyError:
            fn = self.scalar_fn
        return fn(step)

    @property
    def scalar_fn(self) -> Callable[[Any], float]:
        """The function ``s(step)`` runs: ``s.scalar_fn(t) == s(t)`` for every step, one call less.

        The formula compiled once into plain Python (step check included), for hot loops
        such as an adapter's ``step()``. A subclass with its own ``__call__`` gets that.

        >>> import lrcore
        >>> s = lrcore.Linear(start_value=1.0, end_value=0.0, steps=4)
        >>> f = s.scalar_fn
        >>> f(1), f(2.0) == s(2.0)
        (0.75, True)
        """
        if type(self).__call__ is not Schedule.__call__:
            return self.__call__
        return self._cached("_c_scalar", self._compile)

    def _compile(self) -> Callable[[Any], float]:
        if "_unresolved" in self.__dict__:
            self._refuse_unresolved()
        try:
            return compile_scalar(self.formula, type(self).__name__.lower())
        except FormulaError as e:  # name the node whose own formula is at fault, not its root
            raise FormulaError(f"{self._culprit().__class__.__name__}.formula: {e.reason}") from None

    def _refuse_unresolved(self) -> None:
        """Raise `lrcore.UnresolvedError` for the first duration not in steps (naming its node and field)."""
        from ._units import unresolved

        unresolved(self)[0][1]._unresolved()

    def _culprit(self) -> "Schedule":
        for child in self.children():
            try:
                compile_scalar(child.formula, "child")
            except FormulaError:
                return child._culprit()
        return self

    def evaluate(self, steps: Any, dtype: Any = None) -> Any:
        """Values at many steps at once, as an array of the input's library (numpy for lists).

        Typed ``Any``: the array's type is the input's library's (lrcore imports none of them).

        >>> import lrcore
        >>> lrcore.Linear(start_value=0.0, end_value=1.0, steps=4).evaluate([0, 1, 2, 4, 8]).tolist()
        [0.0, 0.25, 0.5, 1.0, 1.0]
        """
        if "_unresolved" in self.__dict__:
            self._refuse_unresolved()
        if isinstance(steps, range) and len(steps) > BLOCK and steps.step > 0:
            # a long range is never materialised: its segments run block by block (_vector)
            from ._vector import evaluate_sorted

            xp, _ = _ops.prepare_steps(range(steps.start, steps.start + 1), dtype)  # checks start, dtype
            return evaluate_sorted(self, float(steps.start), len(steps), float(steps.step), xp)
        xp, t = _ops.prepare_steps(steps, dtype)
        if xp.name == "numpy" and t.ndim == 1 and t.size > BLOCK and bool((t[1:] >= t[:-1]).all()):
            from ._vector import evaluate_sorted

            return evaluate_sorted(self, 0.0, t.size, 1.0, xp, t)
        if xp.name == "numpy" and t.size > BLOCK:
            # Blocks small enough for the formula's temporaries to stay in cache: on long
            # inputs this is several times faster than whole-array passes through memory.
            if TYPE_CHECKING:  # for mypy only: its name says xp is numpy's
                assert isinstance(xp, NumpyOps)
            flat, out = t.reshape(-1), xp.np.empty(t.size, dtype=t.dtype)
            for i in range(0, t.size, BLOCK):
                out[i:i + BLOCK] = self._evaluate(flat[i:i + BLOCK], xp)
            return out.reshape(t.shape)
        return self._evaluate(t, xp)

    def _evaluate(self, t: Any, xp: Any) -> Any:
        """The formula on an array t of namespace xp, shaped as t (every array path ends here)."""
        if "_c_scalar" not in self.__dict__:
            self.scalar_fn  # a formula with Python control flow on t fails here, loudly, on every path
        out = self.formula(t, xp)
        if isinstance(out, (int, float)) or getattr(out, "shape", None) != t.shape:
            out = out + xp.full_like(t, 0.0)  # a constant, or a broadcast 0-d value
        return out

    # -- arithmetic: the t5x way of writing constant * warmup * rsqrt
    if TYPE_CHECKING:
        @overload
        def __mul__(self, other: Plateau) -> PlateauSchedule: ...
        @overload
        def __mul__(self, other: Schedule | float) -> Schedule: ...

    def __mul__(self, other: Any) -> Schedule | PlateauSchedule:
        from ._combinators import Product
        from ._plateau import Plateau, PlateauSchedule

        if isinstance(other, Plateau):
            return PlateauSchedule(schedule=self, plateau=other)
        return Product(factors=(self, as_schedule_arg(other, "Product", "factors[1]")))

    def __rmul__(self, other: Schedule | float) -> "Schedule":
        from ._combinators import Product

        return Product(factors=(as_schedule_arg(other, "Product", "factors[0]"), self))

    def __add__(self, other: Schedule | float) -> "Schedule":
        from ._combinators import Sum

        return Sum(terms=(self, as_schedule_arg(other, "Sum", "terms[1]")))

    def __radd__(self, other: Schedule | float) -> "Schedule":
        from ._combinators import Sum

        return Sum(terms=(as_schedule_arg(other, "Sum", "terms[0]"), self))

    # -- introspection: both read the timeline (`segments`)
    def describe(self, until: int | None = None) -> Phases:
        """The phases of the schedule: start, end, kind, values at both ends, jumps.

        ``until`` bounds how far periodic schedules are unrolled (default: the duration, or
        for unbounded ones three times the first stretch of the timeline, e.g. three cycles).
        A phase starts at the first integer step of its segment.

        >>> import lrcore
        >>> s = lrcore.Warmup(lrcore.Cosine(start_value=1.0, steps=10), warmup_steps=5)
        >>> print(s.describe())
        start  end  kind            start value  end value  jump
        0      5    warmup linear   0            1          +0
        5      15   cosine          1            0          +0
        15     inf  constant        0            -          -
        """
        if "_unresolved" in self.__dict__:
            self._refuse_unresolved()
        if until is None:
            d = self.duration
            if d is not None:
                until = d + 1
            else:
                first = [g.end for g in self.segments(0.0, 1.0) if g.end < INF]
                until = 3 * max(1, math.ceil(max(first, default=1.0)))
        phases = [p for p in map(self._phase, self.segments(0.0, float(until))) if p is not None]
        return Phases([p for p in phases if p.start < until] or phases[:1])

    def _phase(self, seg: Segment) -> Phase | None:
        a = math.ceil(seg.start)
        b = None if seg.end == INF else math.ceil(seg.end)
        if b is not None and b <= a:
            return None  # no integer step in it
        v = self(a)
        if b is None:
            return Phase(a, None, seg.kind, v, None, None)
        ev = v if seg.fn is None else float(seg.fn(float(b), _ops.scalar))
        return Phase(a, b, seg.kind, v, ev, self(b) - ev)

    def phase_at(self, step: int) -> Phase:
        """The phase that `step` falls in.

        >>> import lrcore
        >>> s = lrcore.Warmup(lrcore.Cosine(start_value=1.0, steps=10), warmup_steps=5)
        >>> s.phase_at(3).kind, s.phase_at(5).kind, s.phase_at(99).kind
        ('warmup linear', 'cosine', 'constant')
        """
        if "_unresolved" in self.__dict__:
            self._refuse_unresolved()
        t = check_step(step)
        for seg in self.segments(math.floor(t), math.floor(t) + 1.0):
            if seg.start <= t < seg.end:
                return self._phase(seg)  # type: ignore[return-value]
        raise AssertionError(f"{type(self).__name__}.segments must cover every step")  # pragma: no cover

    def plot(self, ax: Any = None, steps: Any = None, **kwargs: Any) -> Any:
        """Draw the schedule with matplotlib (the ``plot`` extra) and return the Axes.

        ``ax``: where to draw (default: pyplot's current Axes); ``steps``: the last step (an
        int; default the duration plus 10%) or the steps themselves; ``log=True`` for a log
        axis; other keywords (``label``, ``color``, ...) go to ``ax.plot``. See `lrcore._plot`.
        """
        from ._plot import plot

        return plot(self, ax=ax, steps=steps, **kwargs)

    # -- configuration
    @property
    def fingerprint(self) -> str:
        """A stable hash (hex) of the canonical config: equal schedules, equal fingerprints."""
        from ._config import fingerprint

        return self._cached("_c_fingerprint", lambda: fingerprint(self))

    @property
    def _depth(self) -> int:
        return self._cached("_c_depth", lambda: 1 + max((c._depth for c in self.children()), default=0))

    def children(self) -> Iterator["Schedule"]:
        """The direct child schedules of this node."""
        d = self.__dict__
        for f in self._fields:
            v = d[f.name]
            if isinstance(v, Schedule):
                yield v
            elif isinstance(v, tuple):
                yield from (x for x in v if isinstance(x, Schedule))


def as_schedule_arg(x: Any, node: str, field: str) -> Schedule:
    """A Schedule as is; a plain number as `Constant`; anything else is a TypeError."""
    from ._primitives import Constant

    if isinstance(x, Schedule):
        return x
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        try:
            return Constant(value=x)
        except ValueError:  # named as the field it was given for, not the hidden Constant's
            raise ScheduleError(node, field, "a Schedule or a finite number", x) from None
    raise ScheduleTypeError(node, field, "a Schedule or a number", x)


def shifted(segments: list[Segment], by: float, lo: float = 0.0, hi: float = INF) -> list[Segment]:
    """Segments moved right by `by` (a child run at ``t - by``), clipped to ``[lo, hi)``."""
    out = []
    for g in segments:
        a, b = max(g.start + by, lo), min(g.end + by, hi)
        if a < b:
            fn = g.fn if g.fn is None or by == 0.0 else (lambda t, xp, fn=g.fn: fn(t - by, xp))
            out.append(Segment(a, b, g.kind, fn))
    return out


def clipped(segments: list[Segment], lo: float, hi: float) -> list[Segment]:
    """Segments cut to ``[lo, hi)``."""
    return [Segment(max(g.start, lo), min(g.end, hi), g.kind, g.fn) for g in segments
            if max(g.start, lo) < min(g.end, hi)]


def value_at(node: Schedule, t: float, xp: Any) -> Any:
    """The whole formula of `node` at step t, as a Python float or a 0-d value of xp's dtype."""
    if xp.name == "python":
        return node(t)
    return node._evaluate(xp.np.asarray([t], dtype=xp.dtype), xp)[0]


def first_at(g: Callable[[float], float], x: float, guess: float) -> float:
    """The smallest float64 t >= 0 with ``g(t) >= x``, for an increasing time map g (a node's
    boundary in its child's time, mapped to its own); `guess` should be near it. ``inf`` stays."""
    if x == INF or x != x:
        return INF
    if g(0.0) >= x:
        return 0.0
    import struct  # on use, so `import lrcore` stays light

    def bits(v: float) -> int:  # order-preserving for v >= 0
        i: int = struct.unpack("<q", struct.pack("<d", v))[0]
        return i

    def flt(i: int) -> float:
        v: float = struct.unpack("<d", struct.pack("<q", i))[0]
        return v


    lo, hi = 0.0, max(guess, 0.0)
    if g(hi) >= x:
        if g(math.nextafter(hi, 0.0)) < x:
            return hi  # the guess is it: the common case
    else:
        while g(hi) < x:  # not there yet: double the distance (times past 2**62 are never reached)
            if hi > 2.0**62:
                return INF
            lo, hi = hi, 2.0 * hi + 1.0
    lo_i, hi_i = bits(lo), bits(hi)
    while hi_i - lo_i > 1:  # g(flt(lo_i)) < x <= g(flt(hi_i))
        mid = (lo_i + hi_i) // 2
        if g(flt(mid)) >= x:
            hi_i = mid
        else:
            lo_i = mid
    return flt(hi_i)
