"""Reduce on plateau: a pure state machine of the metric, and a schedule scaled by it."""

from __future__ import annotations

import math
from abc import ABC
from collections import namedtuple
TYPE_CHECKING = False  # typing is not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Any, Callable

from . import ops as _ops
from ._base import Schedule
from ._compile import compile_function
from ._errors import ScheduleTypeError
from ._node import Node, field, register

__all__ = ["Plateau", "PlateauState", "PlateauSchedule", "PlateauRule"]


class PlateauState(namedtuple("PlateauState", "best num_bad cooldown scale")):
    """Immutable state of a `Plateau` (a NamedTuple, so a jax pytree as it is).

    best: the best metric so far (+inf / -inf before the first); num_bad: evaluations since
    the last improvement; cooldown: evaluations of cooldown left; scale: the multiplier now.
    """

    __slots__ = ()


class PlateauRule(ABC):
    """What an adapter needs of a plateau rule: pure ``init()``, ``update(state, metric)`` and
    ``scale(state)`` over an immutable state (a jax pytree). `Plateau` (torch's and paddle's
    rules) is one, ``lrcore.catalog.optax.contrib.reduce_on_plateau(...)`` (optax's) another;
    ``isinstance(x, PlateauRule)`` tells whether ``x`` has the three methods.

    >>> isinstance(Plateau(), PlateauRule), isinstance("min", PlateauRule)
    (True, False)
    """

    @classmethod
    def __subclasshook__(cls, other: type) -> Any:
        return all(callable(getattr(other, m, None)) for m in ("init", "update", "scale")) or NotImplemented


@register
class Plateau(Node):
    """torch's ReduceLROnPlateau as a pure state machine: ``init()``, ``update(state, metric)``, ``scale(state)``.

    Each update compares the metric with the best so far: better means ``a < best * (1 - threshold)``
    ("min", "rel"), ``a < best - threshold`` ("min", "abs"), ``a > best * (1 + threshold)`` or
    ``a > best + threshold`` ("max"). On the ``patience + 1``-th evaluation in a row without
    improvement, the value ``v = unit * scale`` becomes ``max(v * factor, min_value)`` (applied
    only if it drops by more than ``eps``), then ``cooldown`` evaluations pass with the bad count
    held at 0. With ``unit=1`` (default) ``min_value`` and ``eps`` are in units of the scale; the
    catalogs pass the base lr as ``unit`` so torch's and paddle's absolute ``min_lr`` and ``eps``
    are compared exactly as those libraries compare them.

    ``rule="torch"`` compares (and updates best) during cooldown, as torch does;
    ``rule="paddle"`` skips the comparison during cooldown, as paddle's ReduceOnPlateau does.
    The update is written against the op set, so it runs inside ``jax.jit``.

    >>> p = Plateau(factor=0.5, patience=1)
    >>> st = p.init()
    >>> for m in (1.0, 2.0, 2.0, 2.0, 2.0):
    ...     st = p.update(st, m)
    ...     print(p.scale(st))
    1.0
    1.0
    0.5
    0.5
    0.25
    """

    mode: str = field("min", choices=("min", "max"))
    factor: float = field(0.1, gt=0.0, lt=1.0)
    patience: int = field(10, ge=0)
    threshold: float = field(1e-4, ge=0.0)
    threshold_mode: str = field("rel", choices=("rel", "abs"))
    cooldown: int = field(0, ge=0)
    min_value: float = field(0.0, ge=0.0)
    eps: float = field(1e-8, ge=0.0)
    rule: str = field("torch", choices=("torch", "paddle"))
    unit: float = field(1.0, gt=0.0)

    def init(self) -> PlateauState:
        """The state before any metric: scale 1 and best = +inf ("min") or -inf ("max") as in
        torch, or NaN for "no metric yet" under ``rule="paddle"`` (paddle's best starts as None)."""
        best = math.nan if self.rule == "paddle" else (math.inf if self.mode == "min" else -math.inf)
        return PlateauState(best=best, num_bad=0.0, cooldown=0.0, scale=1.0)

    def scale(self, state: PlateauState) -> Any:
        """The multiplier the state stands for."""
        return state.scale

    def _better(self, a: Any, best: Any, xp: Any) -> Any:
        thr, rel = self.threshold, self.threshold_mode == "rel"
        if self.rule == "paddle":
            # paddle writes the bounds as best -/+ best * thr, which rounds differently, and
            # takes the first metric as the best whatever it is (its best starts as None). The
            # product is rounded on its own (xp.div by 1: under XLA a true division, which the
            # compiler cannot fuse with the sum into an FMA; found: a metric at the bound to the
            # last bit came out better under jax.jit and not eagerly)
            step = xp.div(best * thr, 1.0) if rel else thr
            bound = best - step if self.mode == "min" else best + step
            first = best != best  # NaN: no metric yet
            return ((a < bound) if self.mode == "min" else (a > bound)) | first
        if self.mode == "min":
            return a < (best * (1.0 - thr) if rel else best - thr)
        return a > (best * (1.0 + thr) if rel else best + thr)

    def update(self, state: PlateauState, metric: Any) -> PlateauState:
        """The state after one evaluation of the metric."""
        if metric.__class__ is float and state.__class__ is PlateauState:  # the common case
            return self.scalar_update(state, metric)
        if isinstance(metric, bool) or not (isinstance(metric, (int, float)) or _ops.namespace_for(metric)):
            raise TypeError(f"metric must be a number or a jax array, got {metric!r}")
        best, bad, cd, scale = state
        return PlateauState(*self._step(best, bad, cd, scale, metric, _ops.metric_namespace(metric, "Plateau.update")))

    @property
    def scalar_update(self) -> Callable[[PlateauState, float], PlateauState]:
        """``update`` for a Python float metric, compiled once into straight Python (no checks).

        Same decisions and floats as ``update`` (the same ops in the same order, only the
        branches not taken skipped); adapters call it per ``step(metric)``.

        >>> p = Plateau(patience=0)
        >>> p.scalar_update(p.update(p.init(), 1.0), 2.0) == p.update(p.update(p.init(), 1.0), 2.0)
        True
        """
        fn: Callable[[PlateauState, float], PlateauState]
        try:
            fn = self.__dict__["_c_update"]
            return fn
        except KeyError:
            pass
        fn = self.__dict__["_c_update"] = compile_function(
            self._step, (PlateauState._fields, "metric"), "plateau_update", result_type=PlateauState)
        return fn

    def _step(self, best: Any, bad: Any, cd: Any, scale: Any, metric: Any, xp: Any) -> tuple[Any, ...]:
        better = self._better(metric, best, xp)
        in_cd = cd > 0
        if self.rule == "paddle":  # during cooldown paddle only counts down, comparing nothing
            best = xp.where(better & (cd <= 0), metric, best)
            bad = xp.where(in_cd, bad, xp.where(better, 0.0, bad + 1.0))
        else:
            best = xp.where(better, metric, best)
            bad = xp.where(in_cd, 0.0, xp.where(better, 0.0, bad + 1.0))
        cd = xp.where(in_cd, cd - 1.0, cd)
        reduce = bad > self.patience
        value = scale * self.unit if self.unit != 1.0 else scale  # (x * 1.0 is x)
        new = xp.maximum(value * self.factor, self.min_value)
        # where(reduce & drop, new, scale) as two selects: compiled, the new value is computed
        # only on a reduction
        scale = xp.where(reduce, xp.where(value - new > self.eps, new / self.unit if self.unit != 1.0 else new, scale), scale)
        cd = xp.where(reduce, float(self.cooldown), cd)
        bad = xp.where(reduce, 0.0, bad)
        return best, bad, cd, scale



@register
class PlateauSchedule(Node):
    """``schedule * plateau``: the schedule's value times the plateau's scale, ``s(t) * scale(state)``.

    It depends on the metric history, so it is not a function of the step alone: evaluate it
    with ``value(step, state)``; adapters keep the state and take the metric in ``step(metric)``.

    >>> from lrcore import Constant
    >>> ps = Constant(value=0.1) * Plateau(factor=0.5, patience=0)
    >>> st = ps.update(ps.update(ps.init(), 1.0), 2.0)
    >>> ps.value(10, st)
    0.05
    """

    schedule: Schedule
    plateau: Plateau

    def validate(self) -> None:
        if not isinstance(self.plateau, Plateau):
            raise ScheduleTypeError("PlateauSchedule", "plateau", "a Plateau", self.plateau)

    def init(self) -> PlateauState:
        return self.plateau.init()

    def update(self, state: PlateauState, metric: Any) -> PlateauState:
        return self.plateau.update(state, metric)

    def value(self, step: Any, state: PlateauState) -> Any:
        """``schedule(step) * scale(state)``; `step` may be a number or any array."""
        if isinstance(step, (int, float)):
            return self.schedule(step) * state.scale
        return self.schedule.evaluate(step) * state.scale

    def __call__(self, step: Any) -> float:
        raise TypeError("a schedule scaled by a Plateau depends on the metric history: use "
                        ".value(step, state) with a state from .init() and .update(state, metric)")

    @property
    def duration(self) -> None:
        return None

    @property
    def fingerprint(self) -> str:
        from ._config import fingerprint

        return fingerprint(self)

