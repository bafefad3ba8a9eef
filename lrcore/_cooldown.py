"""Launch a cooldown from a checkpoint: a decay from the value a schedule has at a step."""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Any

from ._base import Schedule
from ._combinators import Sequential
from ._errors import ScheduleError, ScheduleTypeError, check_choice, check_real, check_steps
from ._math import DECAY_SHAPES
from ._plateau import PlateauSchedule
from ._primitives import WSD

__all__ = ["cooldown"]

_N = "cooldown"


def cooldown(schedule: Any, *, at: int, steps: int, end_value: float = 0.0, shape: str = "linear") -> Any:
    """``schedule`` up to step ``at``, then a decay over ``steps`` steps from its value there to ``end_value``.

    With ``v = schedule(at)`` and ``p = min((t - at) / steps, 1)``::

        value(t) = schedule(t)                               for t < at
        value(t) = end + (v - end) * d(p)                    for t >= at

    where d is the decay ``shape`` of `WSD` ("linear" ``1 - p``, "cosine" ``(1 + cos(pi p)) / 2``,
    "exponential", "1-sqrt"): continuous at ``at`` (the value there is ``v``) and exactly
    ``end_value`` from ``at + steps`` on. This is how llm-foundry, MiniCPM and Megatron users
    launch a cooldown from a checkpoint of a constant or stable phase. The result is a plain,
    storable tree, ``Sequential([schedule, WSD(peak_value=v, warmup_steps=0, stable_steps=0,
    decay_steps=steps, end_value=end_value, decay_shape=shape)], boundaries=[at])`` (the WSD
    alone for ``at = 0``); resume it with ``on_change="current"``. A schedule scaled by a
    Plateau keeps its plateau.

    >>> import lrcore
    >>> s = lrcore.cooldown(lrcore.Constant(value=1.0), at=4, steps=4, end_value=0.2)
    >>> [round(s(t), 3) for t in range(10)]
    [1.0, 1.0, 1.0, 1.0, 1.0, 0.8, 0.6, 0.4, 0.2, 0.2]
    """
    if isinstance(schedule, PlateauSchedule):
        inner = cooldown(schedule.schedule, at=at, steps=steps, end_value=end_value, shape=shape)
        return PlateauSchedule(schedule=inner, plateau=schedule.plateau)
    if not isinstance(schedule, Schedule):
        raise ScheduleTypeError(_N, "schedule", "an lrcore Schedule", schedule)
    at = check_steps(_N, "at", at, low=0)
    steps = check_steps(_N, "steps", steps)
    end_value = check_real(_N, "end_value", end_value)
    shape = check_choice(_N, "shape", shape, DECAY_SHAPES)
    if at + steps > 2**53:
        raise ScheduleError(_N, "steps", "small enough that the cooldown ends before step 2**53", steps)
    decay = WSD(peak_value=schedule(at), warmup_steps=0, stable_steps=0, decay_steps=steps, end_value=end_value,
                decay_shape=shape)
    return decay if at == 0 else Sequential(parts=[schedule, decay], boundaries=[at])
