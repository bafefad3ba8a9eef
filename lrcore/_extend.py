"""Continue a warmup-stable-decay run for longer: a longer stable phase, the same values before it ends."""

from __future__ import annotations

import math
TYPE_CHECKING = False  # typing is not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Any

from ._base import Schedule
from ._combinators import Restart, Sequential, Stretch
from ._errors import MAX_STEPS, ScheduleError, ScheduleTypeError, check_int
from ._plateau import PlateauSchedule
from ._primitives import WSD

__all__ = ["extend_stable"]

_N = "extend_stable"


def _wsd_paths(node: Schedule, path: str) -> list[tuple[str, WSD]]:
    if isinstance(node, WSD):
        return [(path, node)]
    out: list[tuple[str, WSD]] = []
    for f in node._fields:
        v = getattr(node, f.name)
        if isinstance(v, Schedule):
            out += _wsd_paths(v, f"{path}.{f.name}" if path else f.name)
        elif isinstance(v, tuple):
            for i, x in enumerate(v):
                if isinstance(x, Schedule):
                    out += _wsd_paths(x, f"{path}.{f.name}[{i}]" if path else f"{f.name}[{i}]")
    return out


def _hold_end(w: WSD) -> int:
    """The last step of the stable phase, in the WSD's own time (its value is the peak up to here)."""
    return w.warmup_steps + w.stable_steps


def _extend(node: Schedule, extra: int, path: str) -> Schedule:
    """`node` with the one WSD below it given `extra` more stable steps (in node's own time)."""
    if isinstance(node, WSD):
        stable = node.stable_steps + extra
        if stable + node.warmup_steps + node.decay_steps > MAX_STEPS:
            raise ScheduleError(_N, "extra_steps", "small enough that the extended WSD ends before step 2**53", extra)
        return node.replace(stable_steps=stable)
    if isinstance(node, Restart):
        raise ScheduleError(_N, "schedule", "a tree whose WSD is not inside a Restart (each cycle stretches it to "
                            f"the period, so a longer stable phase would reshape every cycle; found at {path or '<root>'})",
                            node)
    if isinstance(node, Stretch):
        inner = extra / node.factor
        if inner != math.floor(inner):
            raise ScheduleError(_N, "extra_steps", f"a multiple of the Stretch factor {node.factor!r} above the WSD "
                                f"(at {path or '<root>'}), so the stable phase grows by whole steps of its own time",
                                extra)
        return node.replace(schedule=_extend(node.schedule, int(inner), _join(path, "schedule")))
    if isinstance(node, Sequential):
        i = next(i for i, p in enumerate(node.parts) if _wsd_paths(p, ""))
        parts = list(node.parts)
        parts[i] = _extend(parts[i], extra, _join(path, f"parts[{i}]"))
        if node.boundaries is None or i == len(parts) - 1:
            return node.replace(parts=tuple(parts))  # implicit boundaries follow the durations
        start = 0 if i == 0 else node.boundaries[i - 1]
        w = node.parts[i]
        if isinstance(w, WSD) and node.boundaries[i] <= start + _hold_end(w):
            raise ScheduleError(_N, "schedule", f"a tree whose WSD reaches its decay: at {_join(path, f'parts[{i}]')} "
                                f"it is cut off at boundaries[{i}] = {node.boundaries[i]}, before its decay starts",
                                node.boundaries)
        bounds = tuple(b + extra if j >= i else b for j, b in enumerate(node.boundaries))
        if bounds[-1] > MAX_STEPS:
            raise ScheduleError(_N, "extra_steps", "small enough that the later boundaries stay <= 2**53", extra)
        return node.replace(parts=tuple(parts), boundaries=bounds)
    if node.keeps_clock:  # lengthening the stable phase moves its decay, and nothing else, later
        changes: dict[str, Any] = {}
        for f in node._fields:
            v = getattr(node, f.name)
            if isinstance(v, Schedule) and _wsd_paths(v, ""):
                changes[f.name] = _extend(v, extra, _join(path, f.name))
            elif isinstance(v, tuple) and any(isinstance(x, Schedule) and _wsd_paths(x, "") for x in v):
                changes[f.name] = tuple(_extend(x, extra, _join(path, f"{f.name}[{j}]"))
                                        if isinstance(x, Schedule) and _wsd_paths(x, "") else x
                                        for j, x in enumerate(v))
        return node.replace(**changes)
    raise ScheduleError(_N, "schedule", f"a tree of nodes that keep the WSD's clock; {type(node).__name__} "
                        f"(at {path or '<root>'}) is not one", node)


def _join(path: str, field: str) -> str:
    return f"{path}.{field}" if path else field


def extend_stable(schedule: Any, extra_steps: int) -> Any:
    """The same run with a WSD's stable phase ``extra_steps`` longer: values unchanged up to its old decay start.

    For a ``WSD(peak, W, S, D, ...)`` the result is ``WSD(peak, W, S + E, D, ...)`` with
    ``E = extra_steps``. With ``s`` the old schedule and ``s'`` the new one (global steps, the
    WSD's stable phase ending at ``h = W + S`` in its own time, ``H`` in global time)::

        s'(t) = s(t)          for t <= H          (warmup and stable phase: the same numbers)
        s'(t) = peak          for H <= t <= H + E (the stable phase goes on)
        s'(t) = s(t - E)      for t >= H + E      (the decay, and everything after it, E steps later)

    so a run resumed at any step ``t <= H`` with the extended schedule (and
    ``on_change="current"`` in the adapters) continues without a jump. The WSD may sit
    inside combinators that keep its clock (Warmup, Shift, Clamp, Quantize, products, sums,
    minimum / maximum, Sequential, whose later boundaries move by ``E``; Stretch by factor
    ``f`` with ``E / f`` a whole number of its own steps) and in ``schedule * Plateau``. A tree
    with no WSD, with several, or with one inside a Restart (each cycle is stretched to its
    period) is refused with a ValueError.

    >>> import lrcore
    >>> s = lrcore.WSD(peak_value=1.0, warmup_steps=2, stable_steps=2, decay_steps=4)
    >>> longer = lrcore.extend_stable(s, 3)
    >>> longer.stable_steps
    5
    >>> [s(t) for t in range(5)] == [longer(t) for t in range(5)]
    True
    >>> [longer(t) for t in range(3, 12)]
    [1.0, 1.0, 1.0, 1.0, 1.0, 0.75, 0.5, 0.25, 0.0]
    >>> try:
    ...     lrcore.extend_stable(lrcore.Constant(value=0.1), 3)
    ... except ValueError as e:
    ...     print(e)
    extend_stable: `schedule` must be a WSD or a tree holding one, got schedule=Constant(value=0.1)
    """
    extra = check_int(_N, "extra_steps", extra_steps, low=0, high=MAX_STEPS)
    if isinstance(schedule, PlateauSchedule):
        return PlateauSchedule(schedule=extend_stable(schedule.schedule, extra), plateau=schedule.plateau)
    if not isinstance(schedule, Schedule):
        raise ScheduleTypeError(_N, "schedule", "an lrcore Schedule", schedule)
    found = _wsd_paths(schedule, "")
    if not found:
        raise ScheduleError(_N, "schedule", "a WSD or a tree holding one", schedule)
    if len(found) > 1:
        where = ", ".join(p or "<root>" for p, _ in found)
        raise ScheduleError(_N, "schedule", f"a tree holding exactly one WSD (found {len(found)}: {where}; extend "
                            "the one you mean and rebuild the tree)", schedule)
    if extra == 0:
        return schedule
    return _extend(schedule, extra, "")
