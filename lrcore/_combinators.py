"""Combinators: inner nodes that place, ramp, repeat, bound, combine and re-time schedules."""

from __future__ import annotations

import math
TYPE_CHECKING = False  # typing is not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Any, Callable

from . import ops as _ops
from ._base import INF, Schedule, Segment, clipped, first_at, shifted, value_at
from ._errors import ScheduleError
from ._math import RAMP_SHAPES, cycle_of, exact_div, floor_div, power, ramp
from ._node import MAX_STEPS, field, register
from ._primitives import _MAX_PERIODS, _finite_product

__all__ = ["Sequential", "Warmup", "Restart", "Clamp", "Product", "Sum", "Minimum", "Maximum",
           "Shift", "Stretch", "Quantize", "Warp", "minimum", "maximum"]


@register
class Sequential(Schedule):
    """Parts one after another; part i runs on local time ``t - start_i`` (optax's join_schedules).

    ``boundaries[i]`` is where part i+1 starts: at ``t == boundaries[i]`` it runs with local
    step 0. Without boundaries, each part but the last lasts its ``duration``.

    >>> from lrcore import Linear, Cosine
    >>> s = Sequential(parts=[Linear(start_value=0.0, end_value=1.0, steps=2), Cosine(start_value=1.0, steps=4)])
    >>> [f"{s(t):.3f}" for t in range(7)]
    ['0.000', '0.500', '1.000', '0.854', '0.500', '0.146', '0.000']
    """

    parts: tuple[Schedule, ...]
    boundaries: tuple[int, ...] | None = field(None, ge=1, increasing=True, min_len=0, duration=True)

    def validate(self) -> None:
        parts = self.parts
        if self.boundaries is not None:
            if len(self.boundaries) != len(parts) - 1:
                raise ScheduleError("Sequential", "boundaries", f"a list of len(parts) - 1 = {len(parts) - 1} ints",
                                    list(self.boundaries))
            return
        for i, p in enumerate(parts[:-1]):
            if p.duration is None or p.duration < 1:
                raise ScheduleError("Sequential", f"parts[{i}]", "a schedule with a finite duration >= 1 "
                                    "when `boundaries` is not given", p)

    @property
    def _bounds(self) -> tuple[int, ...]:
        if self.boundaries is not None:
            return self.boundaries
        out, acc = [], 0
        for p in self.parts[:-1]:
            d = p.duration
            if TYPE_CHECKING:  # for mypy only: `validate` requires a finite duration of these parts
                assert d is not None
            acc += d
            out.append(acc)
        return tuple(out)

    def formula(self, step: Any, xp: Any) -> Any:
        out = self.parts[0].formula(step, xp)
        for bound, part in zip(self._bounds, self.parts[1:]):
            b = float(bound)  # constants as floats: jax without x64 cannot take an int >= 2**31
            out = xp.where(step < b, out, part.formula(xp.maximum(step - b, 0.0), xp))
        return out

    @property
    def duration(self) -> int | None:
        last = self.parts[-1].duration
        bounds = self._bounds
        return None if last is None else (bounds[-1] if bounds else 0) + last

    def segments(self, lo: float, hi: float) -> list[Segment]:
        starts = (0.0, *map(float, self._bounds))
        out: list[Segment] = []
        for a, b, part in zip(starts, starts[1:] + (INF,), self.parts):
            if b <= lo:
                continue
            if a >= hi and out:
                break
            out += shifted(part.segments(max(lo, a) - a, max(min(hi, b), a + 1.0) - a), a, a, b)
        return out


@register
class Warmup(Schedule):
    """A ramp over ``warmup_steps`` from ``start_value`` to where ``schedule`` begins (its value at 0).

    With ``p = t / W`` the ramp is ``start + (s(0) - start) * r(p)``, r by ``shape``: "linear"
    ``p``, "cosine" ``(1 - cos(pi p)) / 2``, "1-sqrt" ``1 - sqrt(1 - p)``, "log"
    ``ln(1 + t) / ln(1 + W)`` (DeepSpeed's logarithmic warmup). ``prefix=True`` runs
    the schedule after the ramp, at ``t - W`` (paddle LinearWarmup, optax warmup_*);
    ``prefix=False`` overlays the ramp on the unshifted schedule (timm ``warmup_prefix=False``,
    which can jump at t = W). ``warmup_steps=0`` is the schedule itself (sweeps that turn the
    warmup off build it so).

    >>> from lrcore import Cosine
    >>> s = Warmup(Cosine(start_value=1.0, steps=4), warmup_steps=2)
    >>> [f"{s(t):.3f}" for t in range(7)]
    ['0.000', '0.500', '1.000', '0.854', '0.500', '0.146', '0.000']
    >>> from lrcore import Constant
    >>> s = Warmup(Constant(value=1.0), warmup_steps=3, shape="log")  # ln(1 + t) / ln(4)
    >>> [f"{s(t):.4f}" for t in range(5)]
    ['0.0000', '0.5000', '0.7925', '1.0000', '1.0000']
    """

    keeps_clock = True

    schedule: Schedule
    warmup_steps: int = field(ge=0, duration=True)
    start_value: float = 0.0
    shape: str = field("linear", choices=RAMP_SHAPES)
    prefix: bool = True

    @property
    def _target(self) -> float:
        return self._cached("_c_target", lambda: self.schedule(0))

    def _ramp(self, step: Any, xp: Any) -> Any:
        return ramp(step, self.start_value, self._target, self.warmup_steps, self.shape, xp)

    def formula(self, step: Any, xp: Any) -> Any:
        if not self.warmup_steps:
            return self.schedule.formula(step, xp)
        w = float(self.warmup_steps)
        inner = self.schedule.formula(xp.maximum(step - w, 0.0) if self.prefix else step, xp)
        return xp.where(step < w, self._ramp(step, xp), inner)

    @property
    def duration(self) -> int | None:
        d = self.schedule.duration
        if d is None:
            return None
        return self.warmup_steps + d if self.prefix else max(self.warmup_steps, d)

    def segments(self, lo: float, hi: float) -> list[Segment]:
        w = float(self.warmup_steps)
        out = [Segment(0.0, w, f"warmup {self.shape}", self._ramp)] if lo < w else []
        if hi > w:
            by = w if self.prefix else 0.0  # prefix: the schedule runs at t - w after the ramp
            out += shifted(self.schedule.segments(max(lo, w) - by, hi - by), by, w)
        return out


_MAX_CYCLES = 100_000


@register
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
    "peak" reads the shape from the child's value v, so v's rounding is amplified by
    ``|rho| = |s(0) decay**k - e| / |s(0) - e|``: where s(0) is within a few ulps of e, write the
    sum of restarts above instead (the timm catalog does). After ``limit`` cycles the last value holds.

    >>> from lrcore import Cosine
    >>> s = Restart(Cosine(start_value=1.0, steps=2), period_steps=2, period_mult=2.0)
    >>> [f"{s(t):.3f}" for t in range(8)]
    ['1.000', '0.500', '1.000', '0.854', '0.500', '0.146', '1.000', '0.962']
    """

    schedule: Schedule
    period_steps: int = field(ge=1, duration=True)
    period_mult: float = field(1.0, ge=1.0)
    decay: float = field(1.0, gt=0.0)
    limit: int | None = field(None, ge=1)
    decay_mode: str = field("all", choices=("all", "above_end", "peak"))

    def validate(self) -> None:
        n = "Restart"
        d = self.schedule.duration
        if d is None or d < 1:
            raise ScheduleError(n, "schedule", "a schedule with a finite duration >= 1", self.schedule)
        if self.limit is None and self.decay > 1.0:
            raise ScheduleError(n, "decay", "a number > 0.0 and <= 1.0", self.decay)
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
    def _table(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """Cycle starts B_k and lengths L_k, up to the limit or past step 2**53."""
        def make() -> tuple[tuple[float, ...], tuple[float, ...]]:
            starts: list[float] = []
            lengths: list[float] = []
            b, k = 0.0, 0
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

    def formula(self, step: Any, xp: Any) -> Any:
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

    def _cycles(self, lo: float, hi: float, most: int) -> list[tuple[float, float, float]] | None:
        """``(k, start, length)`` of the cycles meeting steps ``[lo, hi)`` (None if more than `most`)."""
        out: list[tuple[float, float, float]] = []
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

    @property
    def _child_steps(self) -> int:
        """D, the child's duration (finite: `validate` requires it)."""
        d = self.schedule.duration
        if TYPE_CHECKING:  # for mypy only
            assert d is not None
        return d

    def _local(self, u: Any, length: Any, xp: Any) -> Any:
        """The child's time at position u of a cycle of that length."""
        d = float(self._child_steps)
        # Inside a cycle the child runs strictly before its end (float32, which cannot resolve the
        # cycles of a huge step, could otherwise round onto it); only the hold after `limit` is at it.
        if self.period_mult == 1.0 and self.period_steps == self.schedule.duration:
            return xp.minimum(u, xp.below(d))
        return xp.minimum(exact_div(u * d, length, xp), xp.below(d))

    def _in_cycle(self, k: Any, u: Any, length: Any, xp: Any) -> Any:
        """The value at position u of cycle k (of that length)."""
        d = float(self._child_steps)
        local = self._local(u, length, xp)
        if self.limit is not None:
            local = xp.where(u >= length, d, local)
        return self._scale(self.schedule.formula(local, xp), k, xp)

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

    def segments(self, lo: float, hi: float) -> list[Segment]:
        # each cycle runs its child on its own steps
        cycles = self._cycles(lo, hi, _MAX_PERIODS)
        if cycles is None:
            return [Segment(0.0, INF, "restart", self.formula)]
        d = float(self._child_steps)
        # the child's own phases inside each cycle (while few cycles are asked for)
        inner = [g for g in self.schedule.segments(0.0, d) if g.start < d] if len(cycles) <= 256 else []
        out: list[Segment] = []
        for k, b, n in cycles:
            fn = self._cycle_fn(k, b, n)
            if len(inner) < 2:
                kind = inner[0].kind if inner else type(self.schedule).__name__.lower()
                out.append(Segment(b, b + n, f"cycle {int(k)} {kind}", fn))
                continue

            def at(t: float, b: float = b, n: float = n) -> float:
                return float(self._local(self._position(t, b, n, _ops.scalar), n, _ops.scalar))

            edges = [b] + [first_at(at, g.start, b + g.start * n / d) for g in inner[1:]] + [b + n]
            out += [Segment(x, y, f"cycle {int(k)} {g.kind}", fn) for g, x, y in zip(inner, edges, edges[1:]) if x < y]
        if self.limit is not None and (not out or out[-1].end < hi):  # after the last cycle: held
            starts, _ = self._table
            end = float(self.limit * self.period_steps) if self.period_mult == 1.0 else starts[self.limit]
            out.append(Segment(end, INF, "constant", None))
        return out

    def _cycle_fn(self, k: float, start: float, length: float) -> Callable[[Any, Any], Any]:
        def fn(t: Any, xp: Any) -> Any:
            kk = k if self.decay == 1.0 else xp.full_like(t, k)  # an array, as the whole formula has it
            return self._in_cycle(kk, self._position(t, start, length, xp), length, xp)

        return fn


@register
class Clamp(Schedule):
    """``min(max(s(t), min_value), max_value)``; either bound may be None (but not both).

    >>> from lrcore import Linear
    >>> s = Clamp(Linear(start_value=0.0, end_value=1.0, steps=10), min_value=0.2, max_value=0.5)
    >>> [s(t) for t in (0, 3, 9)]
    [0.2, 0.3, 0.5]
    """

    keeps_clock = True

    schedule: Schedule
    min_value: float | None = None
    max_value: float | None = field(None, ge="min_value")

    def validate(self) -> None:
        if self.min_value is None and self.max_value is None:
            raise ScheduleError("Clamp", "min_value", "a number when max_value is None (give at least one bound)", None)

    def formula(self, step: Any, xp: Any) -> Any:
        return self._combine([self.schedule.formula(step, xp)], xp)

    def _combine(self, values: list[Any], xp: Any) -> Any:
        v = values[0]
        if self.min_value is not None:
            v = xp.maximum(v, self.min_value)
        if self.max_value is not None:
            v = xp.minimum(v, self.max_value)
        return v

    @property
    def duration(self) -> int | None:
        return self.schedule.duration

    def segments(self, lo: float, hi: float) -> list[Segment]:
        return _merged(self, (self.schedule,), lo, hi)


def _merged(node: Clamp | _Pointwise, kids: tuple[Schedule, ...], lo: float, hi: float) -> list[Segment]:
    """Segments of a pointwise combination: cut wherever a child's timeline is cut; on each,
    the node's own `_combine` of its children's segment formulas (a constant child gives its value)."""
    per_kid = [k.segments(lo, hi) for k in kids]
    first = max(ps[0].start for ps in per_kid)  # where every child is covered
    cuts = sorted({first, *(g.start for ps in per_kid for g in ps), *(g.end for ps in per_kid for g in ps)})
    cuts = [c for c in cuts if first <= c]
    out: list[Segment] = []
    for a, b in zip(cuts, cuts[1:]):
        if a >= hi and out:
            break
        here = [next(g for g in ps if g.start <= a < g.end) for ps in per_kid]
        kind = " & ".join(g.kind for g in here if g.kind != "constant") or "constant"
        if all(g.fn is None for g in here):
            out.append(Segment(a, b, kind, None))
            continue

        def fn(t: Any, xp: Any, here: list[Segment] = here, a: float = a) -> Any:
            return node._combine([g.fn(t, xp) if g.fn is not None else value_at(k, a, xp)
                                  for g, k in zip(here, kids)], xp)

        out.append(Segment(a, b, kind, fn))
    return out


class _Pointwise(Schedule):
    """A pointwise combination of several schedules: ``_combine`` of their values."""

    keeps_clock = True

    def _kids(self) -> tuple[Schedule, ...]:
        raise NotImplementedError

    def _combine(self, values: list[Any], xp: Any) -> Any:
        raise NotImplementedError

    def formula(self, step: Any, xp: Any) -> Any:
        return self._combine([k.formula(step, xp) for k in self._kids()], xp)

    @property
    def duration(self) -> int | None:
        ds = [k.duration for k in self._kids()]
        known = [d for d in ds if d is not None]
        return max(known) if len(known) == len(ds) else None

    def segments(self, lo: float, hi: float) -> list[Segment]:
        return _merged(self, self._kids(), lo, hi)


@register
class Product(_Pointwise):
    """The product of the factors' values: ``s1(t) * s2(t) * ...`` (what ``s * k`` and ``s * s2`` build).

    >>> from lrcore import Constant, Linear
    >>> (Linear(start_value=0.0, end_value=1.0, steps=4) * 0.5)(2)
    0.25
    """

    factors: tuple[Schedule, ...] = field(min_len=2)

    def _kids(self) -> tuple[Schedule, ...]:
        return self.factors

    def _combine(self, values: list[Any], xp: Any) -> Any:
        out = values[0]
        for v in values[1:]:
            out = out * v
        return out


@register
class Sum(_Pointwise):
    """The sum of the terms' values: ``s1(t) + s2(t) + ...`` (what ``s + s2`` builds).

    >>> from lrcore import Constant, Linear
    >>> (Linear(start_value=0.0, end_value=1.0, steps=4) + 0.5)(2)
    1.0
    """

    terms: tuple[Schedule, ...] = field(min_len=2)

    def _kids(self) -> tuple[Schedule, ...]:
        return self.terms

    def _combine(self, values: list[Any], xp: Any) -> Any:
        out = values[0]
        for v in values[1:]:
            out = out + v
        return out


@register
class Minimum(_Pointwise):
    """The smallest value of the schedules at each step (``lrcore.minimum(a, b, ...)``).

    >>> from lrcore import Constant, Linear
    >>> minimum(Linear(start_value=0.0, end_value=1.0, steps=4), Constant(value=0.5))(3)
    0.5
    """

    schedules: tuple[Schedule, ...] = field(min_len=2)

    def _kids(self) -> tuple[Schedule, ...]:
        return self.schedules

    def _combine(self, values: list[Any], xp: Any) -> Any:
        out = values[0]
        for v in values[1:]:
            out = xp.minimum(out, v)
        return out


@register
class Maximum(_Pointwise):
    """The largest value of the schedules at each step (``lrcore.maximum(a, b, ...)``).

    >>> from lrcore import Constant, Linear
    >>> maximum(Linear(start_value=1.0, end_value=0.0, steps=4), Constant(value=0.5))(3)
    0.5
    """

    schedules: tuple[Schedule, ...] = field(min_len=2)

    def _kids(self) -> tuple[Schedule, ...]:
        return self.schedules

    def _combine(self, values: list[Any], xp: Any) -> Any:
        out = values[0]
        for v in values[1:]:
            out = xp.maximum(out, v)
        return out


def minimum(*schedules: Schedule | float) -> Minimum:
    """The pointwise minimum of schedules (numbers become `Constant`)."""
    from ._base import as_schedule_arg

    return Minimum(schedules=tuple(as_schedule_arg(s, "Minimum", f"schedules[{i}]") for i, s in enumerate(schedules)))


def maximum(*schedules: Schedule | float) -> Maximum:
    """The pointwise maximum of schedules (numbers become `Constant`)."""
    from ._base import as_schedule_arg

    return Maximum(schedules=tuple(as_schedule_arg(s, "Maximum", f"schedules[{i}]") for i, s in enumerate(schedules)))


@register
class Shift(Schedule):
    """Move in time by ``steps``: ``value(t) = s(max(t - steps, 0))``.

    ``steps > 0`` delays: the first value holds for ``steps`` steps, then the schedule runs
    (optax's ``transition_begin``). ``steps < 0`` advances: ``s(t + |steps|)``, the schedule
    entered part-way, its first ``|steps|`` steps never seen (transformers' WSD with a
    negative stable phase). ``steps`` may be fractional: a child defined on a finer or offset
    time grid (fvcore's rescaled composite intervals, which start between two steps). Duration
    ``max(0, ceil(d + steps))`` for a child of duration d.

    >>> from lrcore import Linear
    >>> s = Shift(Linear(start_value=1.0, end_value=0.0, steps=2), steps=3)
    >>> [s(t) for t in range(6)]
    [1.0, 1.0, 1.0, 1.0, 0.5, 0.0]
    >>> a = Shift(Linear(start_value=1.0, end_value=0.0, steps=4), steps=-1)
    >>> [a(t) for t in range(5)], a.duration
    ([0.75, 0.5, 0.25, 0.0, 0.0], 3)
    """

    keeps_clock = True

    schedule: Schedule
    steps: int | float = field(ge=-MAX_STEPS, le=MAX_STEPS, duration=True)

    def formula(self, step: Any, xp: Any) -> Any:
        if self.steps < 0:  # t + |steps| >= 0: no clamp needed
            return self.schedule.formula(step + float(-self.steps), xp)
        return self.schedule.formula(xp.maximum(step - float(self.steps), 0.0), xp)

    @property
    def duration(self) -> int | None:
        d = self.schedule.duration
        return None if d is None else max(0, math.ceil(self.steps + d))

    def segments(self, lo: float, hi: float) -> list[Segment]:
        k = float(self.steps)
        out = [Segment(0.0, k, "constant", None)] if lo < k else []
        if hi > k:
            out += shifted(self.schedule.segments(max(lo, k, 0.0) - k, hi - k), k, max(k, 0.0))
        return out


@register
class Stretch(Schedule):
    """Rescale time: ``s(t / factor)``; e.g. a schedule in epochs run per step, ``factor`` = steps per epoch.

    >>> from lrcore import Linear
    >>> s = Stretch(Linear(start_value=0.0, end_value=1.0, steps=2), factor=10)
    >>> [s(t) for t in (0, 5, 10, 20)]
    [0.0, 0.25, 0.5, 1.0]
    """

    schedule: Schedule
    factor: int | float = field(gt=0.0)

    def validate(self) -> None:
        f, d = self.factor, self.schedule.duration
        if f > MAX_STEPS or (d is not None and d * f > MAX_STEPS):
            raise ScheduleError("Stretch", "factor", "small enough that the stretched schedule changes only "
                                "before step 2**53", self.factor)
        if f < 2.0**-64:  # t / f must stay finite for every step below 2**53 (and far from overflow)
            raise ScheduleError("Stretch", "factor", "a number >= 2**-64", self.factor)

    def formula(self, step: Any, xp: Any) -> Any:
        return self.schedule.formula(exact_div(step, self.factor, xp), xp)

    @property
    def duration(self) -> int | None:
        d = self.schedule.duration
        return None if d is None else math.ceil(d * self.factor)

    def segments(self, lo: float, hi: float) -> list[Segment]:
        f = self.factor

        def inner(t: float) -> float:
            return float(exact_div(t, f, _ops.scalar))

        out = []
        for g in self.schedule.segments(inner(lo), max(inner(hi), inner(lo) + 1.0)):
            # each boundary in the child's time, as the first step whose time t / f reaches it
            a, b = first_at(inner, g.start, g.start * f), first_at(inner, g.end, g.end * f)
            if a < b:
                fn = None if g.fn is None else (lambda t, xp, fn=g.fn: fn(exact_div(t, f, xp), xp))
                out.append(Segment(a, b, g.kind, fn))
        return out


@register
class Quantize(Schedule):
    """Hold values over blocks of ``every`` steps: ``s(floor(t / every) * every)``.

    With `Stretch`, a per-epoch schedule stepped per batch: ``Quantize(Stretch(s, n), n)``.

    >>> from lrcore import Linear
    >>> s = Quantize(Linear(start_value=0.0, end_value=1.0, steps=4), every=2)
    >>> [s(t) for t in range(6)]
    [0.0, 0.0, 0.5, 0.5, 1.0, 1.0]
    """

    keeps_clock = True

    schedule: Schedule
    every: int = field(ge=1, duration=True)

    def formula(self, step: Any, xp: Any) -> Any:
        return self.schedule.formula(floor_div(step, self.every, xp) * float(self.every), xp)

    @property
    def duration(self) -> int | None:
        d = self.schedule.duration
        return None if d is None else -(-d // self.every) * self.every

    def segments(self, lo: float, hi: float) -> list[Segment]:
        # the time floor(t / e) * e reaches a child's boundary a at the first multiple of e >= a
        e, out = float(self.every), []
        for g in self.schedule.segments(math.floor(lo / e) * e, hi):  # t runs its child at floor(t / e) * e
            a, b = math.ceil(g.start / e) * e, (INF if g.end == INF else math.ceil(g.end / e) * e)
            if a < b:
                fn = None if g.fn is None else (lambda t, xp, fn=g.fn: fn(floor_div(t, self.every, xp) * e, xp))
                out.append(Segment(a, b, g.kind, fn))
        return out


@register
class Warp(Schedule):
    """Warp the first ``steps`` steps by a power; time runs on unchanged after them.

    ``value(t) = s(w(t))`` with ``w(t) = steps * (t / steps) ** exponent`` for ``t <= steps``
    and ``w(t) = t`` after: w is continuous and increasing, ``w(0) = 0`` and ``w(steps) =
    steps`` exactly. ``exponent > 1`` holds the start longer and runs the end faster; ``< 1``
    the reverse. This is timm's ``k_decay`` (``cos(pi * t**k / T**k)`` in a cycle of length
    T): ``Warp(Cosine(start_value=lr, steps=T), steps=T, exponent=k)``. Past ``steps`` the
    time is not raised to the power, so it never overflows. Exponents 0.5, 2, 3 and 4 take
    ``sqrt`` and products, the same bits in every library (torch's CPU float64 sqrt, an ulp
    off at times, is corrected in its namespace: ``lrcore/_backends.py``); other exponents take the library's
    ``pow``, which numpy, torch and paddle round differently from ``math`` by an ulp at times,
    so there a child that is ill-conditioned in its time (a decay right next to 0, the low
    point of a triangle) can differ across libraries by that ulp of time, amplified.

    >>> from lrcore import Cosine
    >>> s = Warp(Cosine(start_value=1.0, steps=4), steps=4, exponent=2.0)
    >>> [f"{s(t):.4f}" for t in range(6)]
    ['1.0000', '0.9904', '0.8536', '0.4025', '0.0000', '0.0000']
    """

    schedule: Schedule
    steps: int = field(ge=1, duration=True)
    exponent: float = field(gt=0.0)

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

    def formula(self, step: Any, xp: Any) -> Any:
        return self.schedule.formula(self._time(step, xp), xp)

    def _at(self, t: float) -> float:
        return float(self._time(float(t), _ops.scalar))

    def _first_at(self, x: float) -> float:
        """The first step t whose warped time w(t) reaches x (w is increasing)."""
        n = self.steps
        guess = x if x >= n or x == INF else n * (max(x, 0.0) / n) ** (1.0 / self.exponent)
        return first_at(self._at, x, guess)

    @property
    def duration(self) -> int | None:
        d = self.schedule.duration
        return None if d is None else math.ceil(self._first_at(float(d)))

    def segments(self, lo: float, hi: float) -> list[Segment]:
        out = []
        for g in self.schedule.segments(self._at(lo), max(self._at(hi), self._at(lo) + 1.0)):
            a, b = self._first_at(g.start), self._first_at(g.end)
            if a < b:
                fn = None if g.fn is None else (lambda t, xp, fn=g.fn: fn(self._time(t, xp), xp))
                out.append(Segment(a, b, g.kind, fn))
        return out
