"""Combinators: inner nodes that place, ramp, repeat, bound, combine and re-time schedules."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from ._base import Schedule, check_child
from ._errors import ScheduleError, ScheduleTypeError, check_bool, check_choice, check_int, check_real
from ._math import RAMP_SHAPES, cycle_of, exact_div, floor_div, power, ramp
from ._primitives import MAX_STEPS, _finite_product, _real_tuple, _set, _steps

__all__ = ["Sequential", "Warmup", "Restart", "Clamp", "Product", "Sum", "Minimum", "Maximum",
           "Shift", "Stretch", "Quantize", "Warp", "minimum", "maximum"]


def _shift_pieces(pieces: list, offset: int, end: int | None) -> list:
    """Pieces moved right by `offset` (left if negative: what falls before 0 is dropped) and cut at `end`."""
    out = []
    for a, b, kind, fn in pieces:
        a2, b2 = max(a + offset, 0), (None if b is None else b + offset)
        if b2 is not None and b2 <= 0:
            continue
        if end is not None:
            if a2 >= end:
                break
            b2 = end if b2 is None else min(b2, end)
        out.append((a2, b2, kind, (lambda t, fn=fn: fn(t - offset))))
    return out


def _schedule_tuple(node: str, field: str, xs: Any, min_len: int) -> tuple:
    if isinstance(xs, Schedule) or isinstance(xs, (str, bytes)) or not hasattr(xs, "__iter__"):
        raise ScheduleTypeError(node, field, f"a list of at least {min_len} Schedules", xs)
    try:
        xs = tuple(xs)
    except TypeError:  # iterable in name only: a 0-d numpy array
        raise ScheduleTypeError(node, field, f"a list of at least {min_len} Schedules", xs) from None
    if len(xs) < min_len:
        raise ScheduleError(node, field, f"a list of at least {min_len} Schedules", list(xs))
    for i, x in enumerate(xs):
        check_child(node, f"{field}[{i}]", x)
    return xs


@dataclass(frozen=True)
class Sequential(Schedule):
    """Parts one after another; part i runs on local time ``t - start_i`` (optax's join_schedules).

    ``boundaries[i]`` is where part i+1 starts: at ``t == boundaries[i]`` it runs with local
    step 0. Without boundaries, each part but the last lasts its ``duration``.

    >>> from lrcore import Linear, Cosine
    >>> s = Sequential(parts=[Linear(start_value=0.0, end_value=1.0, steps=2), Cosine(start_value=1.0, steps=4)])
    >>> [f"{s(t):.3f}" for t in range(7)]
    ['0.000', '0.500', '1.000', '0.854', '0.500', '0.146', '0.000']
    """

    parts: tuple
    boundaries: tuple | None = None

    def __post_init__(self) -> None:
        parts = _schedule_tuple("Sequential", "parts", self.parts, 1)
        _set(self, "parts", parts)
        if self.boundaries is not None:
            b = _real_tuple("Sequential", "boundaries", self.boundaries, integer=True, low=1,
                            increasing=True, nonempty=False)
            if len(b) != len(parts) - 1:
                raise ScheduleError("Sequential", "boundaries", f"a list of len(parts) - 1 = {len(parts) - 1} ints", list(b))
            _set(self, "boundaries", b)
        else:
            for i, p in enumerate(parts[:-1]):
                if p.duration is None or p.duration < 1:
                    raise ScheduleError("Sequential", f"parts[{i}]", "a schedule with a finite duration >= 1 "
                                        "when `boundaries` is not given", p)

    @property
    def _bounds(self) -> tuple:
        if self.boundaries is not None:
            return self.boundaries
        out, acc = [], 0
        for p in self.parts[:-1]:
            acc += p.duration
            out.append(acc)
        return tuple(out)

    def _formula(self, step: Any, xp: Any) -> Any:
        out = self.parts[0]._formula(step, xp)
        for b, part in zip(self._bounds, self.parts[1:]):
            b = float(b)  # constants as floats: jax without x64 cannot take an int >= 2**31
            out = xp.where(step < b, out, part._formula(xp.maximum(step - b, 0.0), xp))
        return out

    @property
    def duration(self) -> int | None:
        last = self.parts[-1].duration
        bounds = self._bounds
        return None if last is None else (bounds[-1] if bounds else 0) + last

    def _pieces(self, lo: int, hi: int) -> list:
        starts = (0, *self._bounds)
        out = []
        for i, (a, part) in enumerate(zip(starts, self.parts)):
            end = starts[i + 1] if i + 1 < len(starts) else None
            if a >= hi:
                break
            if end is not None and end <= lo:
                continue
            window_end = hi if end is None else min(hi, end)
            out += _shift_pieces(part._pieces(max(lo - a, 0), max(1, window_end - a)), a, end)
        return out

    def _period_hint(self) -> int:
        return max(self._bounds or (1,))


@dataclass(frozen=True)
class Warmup(Schedule):
    """A ramp over ``warmup_steps`` from ``start_value`` to where ``schedule`` begins (its value at 0).

    With ``p = t / W`` the ramp is ``start + (s(0) - start) * r(p)``, r by ``shape``: "linear"
    ``p``, "cosine" ``(1 - cos(pi p)) / 2``, "1-sqrt" ``1 - sqrt(1 - p)``. ``prefix=True`` runs
    the schedule after the ramp, at ``t - W`` (paddle LinearWarmup, optax warmup_*);
    ``prefix=False`` overlays the ramp on the unshifted schedule (timm ``warmup_prefix=False``,
    which can jump at t = W).

    >>> from lrcore import Cosine
    >>> s = Warmup(Cosine(start_value=1.0, steps=4), warmup_steps=2)
    >>> [f"{s(t):.3f}" for t in range(7)]
    ['0.000', '0.500', '1.000', '0.854', '0.500', '0.146', '0.000']
    """

    schedule: Schedule
    warmup_steps: int
    start_value: float = 0.0
    shape: str = "linear"
    prefix: bool = True

    def __post_init__(self) -> None:
        check_child("Warmup", "schedule", self.schedule)
        _set(self, "warmup_steps", _steps("Warmup", "warmup_steps", self.warmup_steps))
        _set(self, "start_value", check_real("Warmup", "start_value", self.start_value))
        _set(self, "shape", check_choice("Warmup", "shape", self.shape, RAMP_SHAPES))
        _set(self, "prefix", check_bool("Warmup", "prefix", self.prefix))

    @property
    def _target(self) -> float:
        return self._cached("_c_target", lambda: self.schedule(0))

    def _ramp(self, step: Any, xp: Any) -> Any:
        return ramp(step, self.start_value, self._target, self.warmup_steps, self.shape, xp)

    def _formula(self, step: Any, xp: Any) -> Any:
        w = float(self.warmup_steps)
        inner = self.schedule._formula(xp.maximum(step - w, 0.0) if self.prefix else step, xp)
        return xp.where(step < w, self._ramp(step, xp), inner)

    @property
    def duration(self) -> int | None:
        d = self.schedule.duration
        if d is None:
            return None
        return self.warmup_steps + d if self.prefix else max(self.warmup_steps, d)

    def _pieces(self, lo: int, hi: int) -> list:
        w = self.warmup_steps
        from . import _ops

        ramp = [(0, w, f"warmup {self.shape}", lambda t: float(self._ramp(t, _ops.scalar)))]
        if self.prefix:
            return ramp + _shift_pieces(self.schedule._pieces(max(lo - w, 0), max(1, hi - w)), w, None)
        rest = []
        for a, b, kind, fn in self.schedule._pieces(max(lo, w), max(hi, w + 1)):
            if b is not None and b <= w:
                continue
            rest.append((max(a, w), b, kind, fn))
        return ramp + rest

    def _period_hint(self) -> int:
        return self.warmup_steps + self.schedule._period_hint()


_MAX_CYCLES = 100_000


@dataclass(frozen=True)
class Restart(Schedule):
    """Repeat ``schedule`` in cycles (SGDR, CosineAnnealingWarmRestarts, timm cycles, keras restarts).

    Cycle k lasts ``L_k = period_steps * period_mult**k`` steps and starts at ``B_k``, the sum of
    the earlier lengths (kept in a table, so the cycle of every integer step below 2**53 is
    exact). Inside cycle k the schedule runs stretched: ``v = s(u * D / L_k)`` with
    ``u = t - B_k`` and D its duration. Later cycles are scaled by ``decay**k``, by
    ``decay_mode``: "all" ``v * decay**k``; "above_end" ``e + (v - e) * decay**k`` (keras
    m_mul; e = s(D), the end value); "peak" scales the start to ``s(0) * decay**k`` and keeps
    the end (timm cycle_decay): ``e + (v - e) * (s(0) decay**k - e) / (s(0) - e)``; a child that
    starts where it ends has no shape to rescale and repeats unchanged (timm's flat case,
    ``lr_min == lr``, is ``Constant(e) + Restart(Cosine(e), decay=d) + Restart(Cosine(1)) * -e``).
    After ``limit`` cycles the last value holds.

    >>> from lrcore import Cosine
    >>> s = Restart(Cosine(start_value=1.0, steps=2), period_steps=2, period_mult=2.0)
    >>> [f"{s(t):.3f}" for t in range(8)]
    ['1.000', '0.500', '1.000', '0.854', '0.500', '0.146', '1.000', '0.962']
    """

    schedule: Schedule
    period_steps: int
    period_mult: float = 1.0
    decay: float = 1.0
    limit: int | None = None
    decay_mode: str = "all"

    def __post_init__(self) -> None:
        n = "Restart"
        check_child(n, "schedule", self.schedule)
        d = self.schedule.duration
        if d is None or d < 1:
            raise ScheduleError(n, "schedule", "a schedule with a finite duration >= 1", self.schedule)
        _set(self, "period_steps", _steps(n, "period_steps", self.period_steps))
        _set(self, "period_mult", check_real(n, "period_mult", self.period_mult, low=1.0))
        if self.limit is not None:
            _set(self, "limit", check_int(n, "limit", self.limit, low=1, high=MAX_STEPS))
        high = None if self.limit is not None else 1.0
        _set(self, "decay", check_real(n, "decay", self.decay, low=0.0, high=high, low_open=True))
        _set(self, "decay_mode", check_choice(n, "decay_mode", self.decay_mode, ("all", "above_end", "peak")))
        m, p = self.period_mult, self.period_steps
        # How many whole cycles end by step 2**53: the table of cycle starts stops there.
        fit = MAX_STEPS // p if m == 1.0 else math.log1p(MAX_STEPS * (m - 1.0) / p) / math.log(m)
        if self.limit is not None and self.limit > fit:
            raise ScheduleError(n, "limit", "small enough that the last cycle ends before step 2**53", self.limit)
        if self.limit is not None and self.decay > 1.0 and not _finite_product(
                max(abs(v) for v in self._ends), self.decay, self.limit - 1):
            raise ScheduleError(n, "decay", "small enough that decay**(limit - 1) times the values stays finite", self.decay)
        if m != 1.0 and min(fit, self.limit or math.inf) > _MAX_CYCLES:
            raise ScheduleError(n, "period_mult", f"1.0 or far enough from 1 that at most {_MAX_CYCLES} "
                                "cycles start before step 2**53 (or before `limit`)", m)

    @property
    def _table(self) -> tuple[tuple, tuple]:
        """Cycle starts B_k and lengths L_k, up to the limit or past step 2**53."""
        def make() -> tuple[tuple, tuple]:
            starts, lengths, b, k = [], [], 0.0, 0
            while b <= MAX_STEPS and (self.limit is None or k < self.limit):
                length = float(self.period_steps * self.period_mult**k)
                starts.append(b)
                lengths.append(length)
                b += length
                k += 1
            starts.append(b)  # the end of the last cycle, so searchsorted never runs off
            lengths.append(lengths[-1])
            return tuple(starts), tuple(lengths)

        return self._cached("_c_table", make)

    def _formula(self, step: Any, xp: Any) -> Any:
        if self.period_mult == 1.0:
            k, u = cycle_of(step, self.period_steps, xp)
            length = float(self.period_steps)
            if self.limit is not None:
                last = self.limit - 1.0
                u = xp.where(k > last, length, u)  # held at the end of the last cycle
                k = xp.minimum(k, last)
        else:
            starts, lengths = self._table  # cycles 0..K-1, then the end of the last one
            inner = starts[1:-1]
            k = xp.lookup(inner, tuple(float(i) for i in range(len(inner) + 1)), step)
            start, length = xp.lookup(inner, starts[:-1], step), xp.lookup(inner, lengths[:-1], step)
            u = self._position(step, start, length, xp)
        return self._in_cycle(k, u, length, xp)

    def _position(self, step: Any, start: Any, length: Any, xp: Any) -> Any:
        # >= 0 even where a fused multiply-add made a stretched step an ulp negative
        return xp.minimum(xp.maximum(step - start, 0.0), length)

    def _cycles(self, lo: float, hi: float, most: int) -> list | None:
        """``(k, start, length)`` of the cycles meeting steps ``[lo, hi)`` (None if more than `most`)."""
        out: list = []
        if self.period_mult == 1.0:
            p = self.period_steps
            k = int(lo // p)
            while k * p < hi and (self.limit is None or k < self.limit):
                out.append((float(k), float(k * p), float(p)))
                k += 1
                if len(out) > most:
                    return None
            return out
        starts, lengths = self._table
        for k in range(len(starts) - 1):
            if starts[k] < hi and starts[k] + lengths[k] > lo:
                out.append((float(k), starts[k], lengths[k]))
                if len(out) > most:
                    return None
        return out

    def _in_cycle(self, k: Any, u: Any, length: Any, xp: Any) -> Any:
        """The value at position u of cycle k (of that length)."""
        d = float(self.schedule.duration)
        # Inside a cycle the child runs strictly before its end (float32, which cannot resolve the
        # cycles of a huge step, could otherwise round onto it); only the hold after `limit` is at it.
        if self.period_mult == 1.0 and self.period_steps == self.schedule.duration:
            local = xp.minimum(u, xp.below(d))
        else:
            local = xp.minimum(exact_div(u * d, length, xp), xp.below(d))
        if self.limit is not None:
            local = xp.where(u >= length, d, local)
        return self._scale(self.schedule._formula(local, xp), k, xp)

    def _scale(self, v: Any, k: Any, xp: Any) -> Any:
        """The value v of cycle k after the decay of `decay_mode`, as blends that do not cancel."""
        if self.decay == 1.0:
            return v
        f = power(self.decay, k, xp)
        if self.decay_mode == "all":
            return v * f
        peak, end = self._ends
        if self.decay_mode == "above_end" or peak == end:
            # the part above the end scaled: exactly `end` where v is, and v - end exact near it
            return end + (v - end) * f
        lost = -xp.expm1(k * math.log(self.decay))  # 1 - decay**k
        # end + (v - end) * rho with rho = (peak * f - end) / (peak - end): the peak scaled by f
        # and the end held. Both rho and 1 - rho = peak * (1 - f) / (peak - end) are computed
        # directly, and the nearer form is taken: v - (v - end) * (1 - rho) while rho >= 1/2
        # (exactly v in the first cycle), end + (v - end) * rho below.
        rho = (peak * f - end) / (peak - end)
        d = v - end
        return xp.where(rho >= 0.5, v - d * (peak * lost / (peak - end)), end + d * rho)

    @property
    def _ends(self) -> tuple[float, float]:
        return self._cached("_c_ends", lambda: (self.schedule(0), self.schedule(self.schedule.duration)))

    @property
    def duration(self) -> int | None:
        if self.limit is None:
            return None
        if self.period_mult == 1.0:
            return self.limit * self.period_steps
        return math.ceil(self._table[0][self.limit])

    def _period_hint(self) -> int:
        return self.period_steps

    def _pieces(self, lo: int, hi: int) -> list:
        from . import _ops

        inner = self.schedule.__class__.__name__.lower()
        if self.period_mult == 1.0:
            k = int(lo // self.period_steps)
        else:
            k = int(_ops.scalar.searchsorted(self._table[0], float(lo))) - 1
        if self.limit is not None:
            k = min(k, self.limit)
        b = float(k * self.period_steps) if self.period_mult == 1.0 else self._table[0][k]
        out = []
        while b < hi and (self.limit is None or k < self.limit):
            length = self.period_steps * self.period_mult**k
            a, e = math.ceil(b), math.ceil(b + length)
            out.append((a, e, f"cycle {k} {inner}", self._piece_fn_cycle(k, b, length)))
            b += length
            k += 1
        if self.limit is not None and k == self.limit:
            out.append((math.ceil(b), None, "constant", self._piece_fn()))
        return out

    def _piece_fn_cycle(self, k: int, start: float, length: float) -> Callable[[float], float]:
        from . import _ops

        d = self.schedule.duration
        return lambda t: float(self._scale(self.schedule(min(t - start, length) * d / length), float(k), _ops.scalar))


@dataclass(frozen=True)
class Clamp(Schedule):
    """``min(max(s(t), min_value), max_value)``; either bound may be None (but not both).

    >>> from lrcore import Linear
    >>> s = Clamp(Linear(start_value=0.0, end_value=1.0, steps=10), min_value=0.2, max_value=0.5)
    >>> [s(t) for t in (0, 3, 9)]
    [0.2, 0.3, 0.5]
    """

    schedule: Schedule
    min_value: float | None = None
    max_value: float | None = None

    def __post_init__(self) -> None:
        check_child("Clamp", "schedule", self.schedule)
        if self.min_value is None and self.max_value is None:
            raise ScheduleError("Clamp", "min_value", "a number when max_value is None (give at least one bound)", None)
        if self.min_value is not None:
            _set(self, "min_value", check_real("Clamp", "min_value", self.min_value))
        if self.max_value is not None:
            low = self.min_value
            _set(self, "max_value", check_real("Clamp", "max_value", self.max_value, low=low))

    def _formula(self, step: Any, xp: Any) -> Any:
        return self._combine([self.schedule._formula(step, xp)], xp)

    def _combine(self, values: list, xp: Any) -> Any:
        v = values[0]
        if self.min_value is not None:
            v = xp.maximum(v, self.min_value)
        if self.max_value is not None:
            v = xp.minimum(v, self.max_value)
        return v

    @property
    def duration(self) -> int | None:
        return self.schedule.duration

    def _pieces(self, lo: int, hi: int) -> list:
        return _merged_pieces(self, (self.schedule,), lo, hi)

    def _period_hint(self) -> int:
        return self.schedule._period_hint()


def _merged_pieces(node: Any, kids: tuple, lo: int, hi: int) -> list:
    """Pieces of a pointwise combination: split wherever any child's pieces split.

    Each piece's function combines the children's piece functions, so the value a piece
    reaches at its end (and the jump after it) is that of the pieces it is made of.
    """
    from . import _ops

    kid_pieces = [k._pieces(lo, hi) for k in kids]
    first = max(ps[0][0] for ps in kid_pieces)  # where every child is covered
    cuts = {a for ps in kid_pieces for a, *_ in ps} | {b for ps in kid_pieces for _, b, *_ in ps if b is not None}
    cuts = sorted(c for c in cuts | {first} if first <= c)
    out = []
    for i, a in enumerate(cuts):
        if a >= max(hi, first + 1):
            break
        b = cuts[i + 1] if i + 1 < len(cuts) else None
        active = [next(p for p in ps if p[0] <= a and (p[1] is None or a < p[1])) for ps in kid_pieces]
        kind = " & ".join(p[2] for p in active if p[2] != "constant") or "constant"
        fns = [p[3] for p in active]
        out.append((a, b, kind, lambda t, fns=fns: float(node._combine([fn(t) for fn in fns], _ops.scalar))))
    d = node.duration
    if d is not None and out and out[-1][1] is None and out[-1][0] < d:
        a, _, kind, fn = out[-1]
        out[-1:] = [(a, d, kind, fn), (d, None, "constant", fn)]
    return out


class _Pointwise(Schedule):
    """A pointwise combination of several schedules: ``_combine`` of their values."""

    def _kids(self) -> tuple:
        raise NotImplementedError

    def _combine(self, values: list, xp: Any) -> Any:
        raise NotImplementedError

    def _formula(self, step: Any, xp: Any) -> Any:
        return self._combine([k._formula(step, xp) for k in self._kids()], xp)

    @property
    def duration(self) -> int | None:
        ds = [k.duration for k in self._kids()]
        return None if any(d is None for d in ds) else max(ds)

    def _pieces(self, lo: int, hi: int) -> list:
        return _merged_pieces(self, self._kids(), lo, hi)

    def _period_hint(self) -> int:
        return max(k._period_hint() for k in self._kids())


@dataclass(frozen=True)
class Product(_Pointwise):
    """The product of the factors' values: ``s1(t) * s2(t) * ...`` (what ``s * k`` and ``s * s2`` build).

    >>> from lrcore import Constant, Linear
    >>> (Linear(start_value=0.0, end_value=1.0, steps=4) * 0.5)(2)
    0.25
    """

    factors: tuple

    def __post_init__(self) -> None:
        _set(self, "factors", _schedule_tuple("Product", "factors", self.factors, 2))

    def _kids(self) -> tuple:
        return self.factors

    def _combine(self, values: list, xp: Any) -> Any:
        out = values[0]
        for v in values[1:]:
            out = out * v
        return out


@dataclass(frozen=True)
class Sum(_Pointwise):
    """The sum of the terms' values: ``s1(t) + s2(t) + ...`` (what ``s + s2`` builds).

    >>> from lrcore import Constant, Linear
    >>> (Linear(start_value=0.0, end_value=1.0, steps=4) + 0.5)(2)
    1.0
    """

    terms: tuple

    def __post_init__(self) -> None:
        _set(self, "terms", _schedule_tuple("Sum", "terms", self.terms, 2))

    def _kids(self) -> tuple:
        return self.terms

    def _combine(self, values: list, xp: Any) -> Any:
        out = values[0]
        for v in values[1:]:
            out = out + v
        return out


@dataclass(frozen=True)
class Minimum(_Pointwise):
    """The smallest value of the schedules at each step (``lrcore.minimum(a, b, ...)``).

    >>> from lrcore import Constant, Linear
    >>> minimum(Linear(start_value=0.0, end_value=1.0, steps=4), Constant(value=0.5))(3)
    0.5
    """

    schedules: tuple

    def __post_init__(self) -> None:
        _set(self, "schedules", _schedule_tuple("Minimum", "schedules", self.schedules, 2))

    def _kids(self) -> tuple:
        return self.schedules

    def _combine(self, values: list, xp: Any) -> Any:
        out = values[0]
        for v in values[1:]:
            out = xp.minimum(out, v)
        return out


@dataclass(frozen=True)
class Maximum(_Pointwise):
    """The largest value of the schedules at each step (``lrcore.maximum(a, b, ...)``).

    >>> from lrcore import Constant, Linear
    >>> maximum(Linear(start_value=1.0, end_value=0.0, steps=4), Constant(value=0.5))(3)
    0.5
    """

    schedules: tuple

    def __post_init__(self) -> None:
        _set(self, "schedules", _schedule_tuple("Maximum", "schedules", self.schedules, 2))

    def _kids(self) -> tuple:
        return self.schedules

    def _combine(self, values: list, xp: Any) -> Any:
        out = values[0]
        for v in values[1:]:
            out = xp.maximum(out, v)
        return out


def minimum(*schedules: Any) -> Minimum:
    """The pointwise minimum of schedules (numbers become `Constant`)."""
    from ._base import as_schedule_arg

    return Minimum(schedules=tuple(as_schedule_arg(s, "Minimum", f"schedules[{i}]") for i, s in enumerate(schedules)))


def maximum(*schedules: Any) -> Maximum:
    """The pointwise maximum of schedules (numbers become `Constant`)."""
    from ._base import as_schedule_arg

    return Maximum(schedules=tuple(as_schedule_arg(s, "Maximum", f"schedules[{i}]") for i, s in enumerate(schedules)))


@dataclass(frozen=True)
class Shift(Schedule):
    """Move in time by ``steps``: ``value(t) = s(max(t - steps, 0))``.

    ``steps > 0`` delays: the first value holds for ``steps`` steps, then the schedule runs
    (optax's ``transition_begin``). ``steps < 0`` advances: ``s(t + |steps|)``, the schedule
    entered part-way, its first ``|steps|`` steps never seen (transformers' WSD with a
    negative stable phase). Duration ``max(0, d + steps)`` for a child of duration d.

    >>> from lrcore import Linear
    >>> s = Shift(Linear(start_value=1.0, end_value=0.0, steps=2), steps=3)
    >>> [s(t) for t in range(6)]
    [1.0, 1.0, 1.0, 1.0, 0.5, 0.0]
    >>> a = Shift(Linear(start_value=1.0, end_value=0.0, steps=4), steps=-1)
    >>> [a(t) for t in range(5)], a.duration
    ([0.75, 0.5, 0.25, 0.0, 0.0], 3)
    """

    schedule: Schedule
    steps: int

    def __post_init__(self) -> None:
        check_child("Shift", "schedule", self.schedule)
        _set(self, "steps", check_int("Shift", "steps", self.steps, low=-MAX_STEPS, high=MAX_STEPS))

    def _formula(self, step: Any, xp: Any) -> Any:
        if self.steps < 0:  # t + |steps| >= 0: no clamp needed
            return self.schedule._formula(step + float(-self.steps), xp)
        return self.schedule._formula(xp.maximum(step - float(self.steps), 0.0), xp)

    @property
    def duration(self) -> int | None:
        d = self.schedule.duration
        return None if d is None else max(0, self.steps + d)

    def _pieces(self, lo: int, hi: int) -> list:
        k = self.steps
        head = [(0, k, "constant", self._piece_fn())] if k > 0 else []
        inner = self.schedule._pieces(max(lo - k, 0), max(1, hi - k))
        return head + _shift_pieces(inner, k, None)

    def _period_hint(self) -> int:
        inner = self.schedule._period_hint()
        return self.steps + inner if self.steps > 0 else inner


@dataclass(frozen=True)
class Stretch(Schedule):
    """Rescale time: ``s(t / factor)``; e.g. a schedule in epochs run per step, ``factor`` = steps per epoch.

    >>> from lrcore import Linear
    >>> s = Stretch(Linear(start_value=0.0, end_value=1.0, steps=2), factor=10)
    >>> [s(t) for t in (0, 5, 10, 20)]
    [0.0, 0.25, 0.5, 1.0]
    """

    schedule: Schedule
    factor: float

    def __post_init__(self) -> None:
        check_child("Stretch", "schedule", self.schedule)
        f = self.factor
        if not (isinstance(f, int) and not isinstance(f, bool)):
            f = check_real("Stretch", "factor", f, low=0.0, low_open=True)
        else:
            f = check_int("Stretch", "factor", f, low=1, high=MAX_STEPS)
        d = self.schedule.duration
        if f > MAX_STEPS or (d is not None and d * f > MAX_STEPS):
            raise ScheduleError("Stretch", "factor", "small enough that the stretched schedule changes only "
                                "before step 2**53", self.factor)
        if f < 2.0**-64:  # t / f must stay finite for every step below 2**53 (and far from overflow)
            raise ScheduleError("Stretch", "factor", "a number >= 2**-64", self.factor)
        _set(self, "factor", f)

    def _formula(self, step: Any, xp: Any) -> Any:
        return self.schedule._formula(exact_div(step, self.factor, xp), xp)

    @property
    def duration(self) -> int | None:
        d = self.schedule.duration
        return None if d is None else math.ceil(d * self.factor)

    def _pieces(self, lo: int, hi: int) -> list:
        out = []
        for a, b, kind, fn in self.schedule._pieces(math.floor(lo / self.factor), max(1, math.ceil(hi / self.factor))):
            out.append((math.ceil(a * self.factor), None if b is None else math.ceil(b * self.factor),
                        kind, (lambda t, fn=fn: fn(t / self.factor))))
        return out

    def _period_hint(self) -> int:
        return math.ceil(self.schedule._period_hint() * self.factor)


@dataclass(frozen=True)
class Quantize(Schedule):
    """Hold values over blocks of ``every`` steps: ``s(floor(t / every) * every)``.

    With `Stretch`, a per-epoch schedule stepped per batch: ``Quantize(Stretch(s, n), n)``.

    >>> from lrcore import Linear
    >>> s = Quantize(Linear(start_value=0.0, end_value=1.0, steps=4), every=2)
    >>> [s(t) for t in range(6)]
    [0.0, 0.0, 0.5, 0.5, 1.0, 1.0]
    """

    schedule: Schedule
    every: int

    def __post_init__(self) -> None:
        check_child("Quantize", "schedule", self.schedule)
        _set(self, "every", _steps("Quantize", "every", self.every))

    def _formula(self, step: Any, xp: Any) -> Any:
        return self.schedule._formula(floor_div(step, self.every, xp) * float(self.every), xp)

    @property
    def duration(self) -> int | None:
        d = self.schedule.duration
        return None if d is None else -(-d // self.every) * self.every

    def _pieces(self, lo: int, hi: int) -> list:
        e, out = self.every, []
        for a, b, kind, fn in self.schedule._pieces(lo, hi):
            a2, b2 = -(-a // e) * e, (None if b is None else -(-b // e) * e)
            if b2 is not None and b2 <= a2:
                continue
            out.append((a2, b2, kind, (lambda t, fn=fn: fn(math.floor(t / e) * e))))
        return out

    def _period_hint(self) -> int:
        return self.schedule._period_hint()


@dataclass(frozen=True)
class Warp(Schedule):
    """Warp the first ``steps`` steps by a power; time runs on unchanged after them.

    ``value(t) = s(w(t))`` with ``w(t) = steps * (t / steps) ** exponent`` for ``t <= steps``
    and ``w(t) = t`` after: w is continuous and increasing, ``w(0) = 0`` and ``w(steps) =
    steps`` exactly. ``exponent > 1`` holds the start longer and runs the end faster; ``< 1``
    the reverse. This is timm's ``k_decay`` (``cos(pi * t**k / T**k)`` in a cycle of length
    T): ``Warp(Cosine(start_value=lr, steps=T), steps=T, exponent=k)``. Past ``steps`` the
    time is not raised to the power, so it never overflows. Exponents 0.5, 2, 3 and 4 take
    ``sqrt`` and products, the same bits in every library; other exponents take the library's
    ``pow``, which numpy, torch and paddle round differently from ``math`` by an ulp at times,
    so there a child that is ill-conditioned in its time (a decay right next to 0, the low
    point of a triangle) can differ across libraries by that ulp of time, amplified.

    >>> from lrcore import Cosine
    >>> s = Warp(Cosine(start_value=1.0, steps=4), steps=4, exponent=2.0)
    >>> [f"{s(t):.4f}" for t in range(6)]
    ['1.0000', '0.9904', '0.8536', '0.4025', '0.0000', '0.0000']
    """

    schedule: Schedule
    steps: int
    exponent: float

    def __post_init__(self) -> None:
        check_child("Warp", "schedule", self.schedule)
        _set(self, "steps", _steps("Warp", "steps", self.steps))
        _set(self, "exponent", check_real("Warp", "exponent", self.exponent, low=0.0, low_open=True))

    def _time(self, step: Any, xp: Any) -> Any:
        """w(t): exactly ``steps`` at t = steps (the quotient is exactly 1 there, and 1 ** k is 1)."""
        if self.exponent == 1.0:
            return step
        n, k = float(self.steps), self.exponent
        q = exact_div(xp.minimum(step, n), n, xp)
        if k == 0.5:  # correctly rounded in every library, as are the products below
            p = xp.sqrt(q)
        elif k in (2.0, 3.0, 4.0):
            p = q * q
            p = p * q if k == 3.0 else p * p if k == 4.0 else p
        else:
            p = xp.pow(q, k)
        return xp.where(step <= n, n * p, step)

    def _formula(self, step: Any, xp: Any) -> Any:
        return self.schedule._formula(self._time(step, xp), xp)

    def _first_at(self, x: float) -> int:
        """The first integer step t whose warped time w(t) is >= x."""
        from . import _ops

        n = self.steps
        if x >= n:
            return math.ceil(x)
        if x <= 0:
            return 0
        t = min(n, math.ceil(n * (x / n) ** (1.0 / self.exponent)))
        while t > 0 and float(self._time(float(t - 1), _ops.scalar)) >= x:
            t -= 1
        while float(self._time(float(t), _ops.scalar)) < x:
            t += 1
        return t

    @property
    def duration(self) -> int | None:
        d = self.schedule.duration
        return None if d is None else self._first_at(d)

    def _pieces(self, lo: int, hi: int) -> list:
        from . import _ops

        def at(t: float) -> float:
            return float(self._time(float(t), _ops.scalar))

        out = []
        for a, b, kind, fn in self.schedule._pieces(math.floor(at(lo)), max(1, math.ceil(at(hi)))):
            out.append((self._first_at(a), None if b is None else self._first_at(b), kind,
                        (lambda t, fn=fn: fn(at(t)))))
        return out

    def _period_hint(self) -> int:
        return max(self.steps, self.schedule._period_hint())
