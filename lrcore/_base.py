"""The Schedule base: evaluation on every input type, arithmetic, introspection, config."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from . import _ops
from ._compile import check_step, compile_scalar
from ._errors import ScheduleError, ScheduleTypeError

__all__ = ["Schedule", "Phase", "Phases", "Piece", "as_schedule_arg"]

# A piece of a schedule, in the node's local time: [start, end) (end None: unbounded), a kind,
# and the scalar function of the step that this piece's formula is (used for the value the
# piece reaches at its end, so describe() can report jumps between pieces).
Piece = tuple  # (start: int, end: int | None, kind: str, fn: Callable[[float], float])


@dataclass(frozen=True)
class Phase:
    """One phase of a schedule: steps [start, end) (end None: forever), what it is, and its values.

    ``start_value`` is the value at ``start``; ``end_value`` the value this phase's formula
    reaches at ``end`` (None if unbounded); ``jump`` the step from ``end_value`` to the value at
    ``end`` where the next phase starts (0.0 where the schedule is continuous, None if unbounded).
    """

    start: int
    end: int | None
    kind: str
    start_value: float
    end_value: float | None
    jump: float | None


class Phases(list):
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


_CHUNK = 1 << 13  # numpy steps per block: 64 KiB float64 temporaries, below glibc's 128 KiB mmap threshold


class Schedule:
    """Base class of every schedule: an immutable tree whose value at step t is pure math.

    Subclasses are frozen dataclasses that implement ``_formula(step, xp)`` once, against the
    op set of ``lrcore._ops``, plus ``duration``. Everything else lives here:

    * ``s(step)`` -> Python float, via ``math`` (compiled once per schedule; no numpy).
    * ``s.evaluate(steps, dtype=None)`` -> numpy array for lists, ranges and numpy arrays
      (float64 unless ``dtype``), or an array of the input's own library, dtype and device
      for jax (also under jit/vmap), torch and paddle. Integer framework steps become the
      library's default float dtype. Framework arrays may be traced or on a device, so their
      steps are clamped to >= 0 rather than checked.
    * ``s * k``, ``s * s2``, ``s + s2``; ``lrcore.minimum`` / ``lrcore.maximum``.
    * ``describe()``, ``phase_at(step)``, ``to_config()``, ``fingerprint``.
    """

    # -- to implement in subclasses
    def _formula(self, step: Any, xp: Any) -> Any:
        raise NotImplementedError

    @property
    def duration(self) -> int | None:
        """Number of steps over which the value changes (it is constant from then on), or None."""
        raise NotImplementedError

    def _pieces(self, lo: int, hi: int) -> list:
        """Sorted, contiguous pieces covering at least steps [lo, hi) (periodic nodes start near lo).

        Default: one formula, then a hold."""
        d = self.duration
        kind = type(self).__name__.lower()
        if d is None:
            return [(0, None, kind, self._piece_fn())]
        if d == 0:
            return [(0, None, "constant", self._piece_fn())]
        return [(0, d, kind, self._piece_fn()), (d, None, "constant", self._piece_fn())]

    # -- caching (kept out of eq/hash/repr/pickle)
    def _cached(self, key: str, make: Callable[[], Any]) -> Any:
        d = self.__dict__
        try:
            return d[key]
        except KeyError:
            v = d[key] = make()
            return v

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_c_")}

    # -- evaluation
    def __call__(self, step: Any) -> float:
        try:
            fn = self.__dict__["_c_scalar"]
        except KeyError:
            fn = self._cached("_c_scalar", lambda: compile_scalar(self._formula, type(self).__name__.lower()))
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
        return self._cached("_c_scalar", lambda: compile_scalar(self._formula, type(self).__name__.lower()))

    def _piece_fn(self) -> Callable[[float], float]:
        return lambda t: float(self._formula(t, _ops.scalar))

    def evaluate(self, steps: Any, dtype: Any = None) -> Any:
        """Values at many steps at once, as an array of the input's library (numpy for lists).

        >>> import lrcore
        >>> lrcore.Linear(start_value=0.0, end_value=1.0, steps=4).evaluate([0, 1, 2, 4, 8]).tolist()
        [0.0, 0.25, 0.5, 1.0, 1.0]
        """
        if isinstance(steps, range) and len(steps) > _CHUNK and steps.step > 0:
            # a long range is never materialised: its pieces run block by block (_vector)
            from ._vector import evaluate_sorted

            xp, _ = _ops.prepare_steps(range(steps.start, steps.start + 1), dtype)  # checks start, dtype
            return evaluate_sorted(self, float(steps.start), len(steps), float(steps.step), xp)
        xp, t = _ops.prepare_steps(steps, dtype)
        if xp.name == "numpy" and t.ndim == 1 and t.size > _CHUNK and bool((t[1:] >= t[:-1]).all()):
            from ._vector import evaluate_sorted

            return evaluate_sorted(self, 0.0, t.size, 1.0, xp, t)
        if xp.name == "numpy" and t.size > _CHUNK:
            # Blocks small enough for the formula's temporaries to stay in cache: on long
            # inputs this is several times faster than whole-array passes through memory.
            flat, out = t.reshape(-1), xp.np.empty(t.size, dtype=t.dtype)
            for i in range(0, t.size, _CHUNK):
                out[i:i + _CHUNK] = self._evaluate(flat[i:i + _CHUNK], xp)
            return out.reshape(t.shape)
        return self._evaluate(t, xp)

    def _evaluate(self, t: Any, xp: Any) -> Any:
        out = self._formula(t, xp)
        if isinstance(out, (int, float)) or getattr(out, "shape", None) != t.shape:
            out = out + xp.full_like(t, 0.0)  # a constant, or a broadcast 0-d value
        return out

    # -- arithmetic: the t5x way of writing constant * warmup * rsqrt
    def __mul__(self, other: Any) -> "Schedule":
        from ._combinators import Product
        from ._plateau import Plateau, PlateauSchedule

        if isinstance(other, Plateau):
            return PlateauSchedule(schedule=self, plateau=other)
        return Product(factors=(self, as_schedule_arg(other, "Product", "factors[1]")))

    def __rmul__(self, other: Any) -> "Schedule":
        from ._combinators import Product

        return Product(factors=(as_schedule_arg(other, "Product", "factors[0]"), self))

    def __add__(self, other: Any) -> "Schedule":
        from ._combinators import Sum

        return Sum(terms=(self, as_schedule_arg(other, "Sum", "terms[1]")))

    def __radd__(self, other: Any) -> "Schedule":
        from ._combinators import Sum

        return Sum(terms=(as_schedule_arg(other, "Sum", "terms[0]"), self))

    # -- introspection
    def describe(self, until: int | None = None) -> Phases:
        """The phases of the schedule: start, end, kind, values at both ends, jumps.

        ``until`` bounds how far periodic schedules are unrolled (default: the duration, or
        three cycles/periods for unbounded ones).

        >>> import lrcore
        >>> s = lrcore.Warmup(lrcore.Cosine(start_value=1.0, steps=10), warmup_steps=5)
        >>> print(s.describe())
        start  end  kind            start value  end value  jump
        0      5    warmup linear   0            1          +0
        5      15   cosine          1            0          +0
        15     inf  constant        0            -          -
        """
        if until is None:
            d = self.duration
            until = (d + 1) if d is not None else self._default_horizon()
        pieces = [p for p in self._pieces(0, until) if p[1] is None or p[1] > p[0]]
        pieces = [p for p in pieces if p[0] < until] or pieces[:1]
        return Phases(self._phase(p) for p in pieces)

    def _phase(self, piece: tuple) -> Phase:
        a, b, kind, fn = piece
        ev = None if b is None else float(fn(float(b)))
        return Phase(a, b, kind, self(a), ev, None if b is None else self(b) - ev)

    def _default_horizon(self) -> int:
        return 3 * max(1, self._period_hint())

    def _period_hint(self) -> int:
        return 1

    def phase_at(self, step: int) -> Phase:
        """The phase that `step` falls in.

        >>> import lrcore
        >>> s = lrcore.Warmup(lrcore.Cosine(start_value=1.0, steps=10), warmup_steps=5)
        >>> s.phase_at(3).kind, s.phase_at(5).kind, s.phase_at(99).kind
        ('warmup linear', 'cosine', 'constant')
        """
        t = check_step(step)
        lo = int(t)
        pieces = [p for p in self._pieces(lo, lo + 1) if p[1] is None or p[1] > p[0]]
        for i, p in enumerate(pieces):
            if p[0] <= t and (p[1] is None or t < p[1]):
                return self._phase(p)
        raise AssertionError("pieces must cover every step")  # pragma: no cover

    def plot(self, ax: Any = None, steps: Any = None, **kwargs: Any) -> Any:
        """Draw the schedule with matplotlib (the ``plot`` extra) and return the Axes.

        ``ax``: where to draw (default: pyplot's current Axes); ``steps``: the last step (an
        int; default the duration plus 10%) or the steps themselves; ``log=True`` for a log
        axis; other keywords (``label``, ``color``, ...) go to ``ax.plot``. See `lrcore._plot`.
        """
        from ._plot import plot

        return plot(self, ax=ax, steps=steps, **kwargs)

    # -- configuration
    def to_config(self) -> dict:
        """Plain JSON data that `lrcore.from_config` turns back into an equal schedule."""
        from ._config import to_config

        return to_config(self)

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
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            v = getattr(self, f.name)
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


MAX_DEPTH = 100
"""Deepest schedule tree accepted (in nodes), so evaluation and configs never hit Python's recursion limit."""


def check_child(node: str, field: str, x: Any) -> Schedule:
    if not isinstance(x, Schedule):
        raise ScheduleTypeError(node, field, "a Schedule", x)
    if x._depth >= MAX_DEPTH:
        raise ScheduleError(node, field, f"a schedule nested at most {MAX_DEPTH - 1} levels deep", f"<{type(x).__name__} {x._depth} nodes deep>")
    return x
