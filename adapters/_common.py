"""What the torch and paddle adapters share: the plateau class switch, step checks, pickling.

Both ``ScheduleLR`` classes derive from `AdapterScheduler`, which picks the plateau class for
``schedule * lrcore.Plateau(...)``. No framework is imported here.
"""

from __future__ import annotations

from numbers import Integral
from typing import Any

from lrcore import PlateauSchedule

__all__ = ["AdapterScheduler", "holds_plateau", "check_step"]


def holds_plateau(schedule: Any) -> bool:
    """Whether ``schedule`` (or any schedule of a list or tuple) is scaled by a Plateau.

    >>> import lrcore
    >>> c = lrcore.Constant(value=0.1)
    >>> holds_plateau(c), holds_plateau([c, c * lrcore.Plateau()])
    (False, True)
    """
    if isinstance(schedule, (list, tuple)):
        return any(isinstance(s, PlateauSchedule) for s in schedule)
    return isinstance(schedule, PlateauSchedule)


def check_step(where: str, name: str, value: Any, low: int) -> int:
    """``value`` as an int >= ``low`` (a step index), or a ValueError naming it (a float
    ``epoch`` is likely a metric given to a scheduler without a Plateau: the message says so).

    >>> check_step("ScheduleLR.step", "epoch", 3, 0)
    3
    >>> check_step("ScheduleLR.step", "epoch", 0.5, 0)
    Traceback (most recent call last):
    ...
    ValueError: ScheduleLR.step: `epoch` must be an int >= 0, got epoch=0.5; a metric? only a schedule \
scaled by lrcore.Plateau takes one
    """
    if isinstance(value, bool) or not isinstance(value, Integral) or value < low:
        hint = "; a metric? only a schedule scaled by lrcore.Plateau takes one" if name == "epoch" and isinstance(value, float) else ""
        raise ValueError(f"{where}: `{name}` must be an int >= {low}, got {name}={value!r}{hint}")
    return int(value)


class AdapterScheduler:
    """The framework-free base of the adapters' ``ScheduleLR`` classes (listed first among their bases).

    * The class switch: ``ScheduleLR(..., schedule * lrcore.Plateau(...))`` builds the plateau
      class, the subclass declared with ``plateau=True`` (``class PlateauScheduleLR(ScheduleLR,
      ReduceLROnPlateau, plateau=True)``), found at argument ``_schedule_at`` or keyword
      ``schedule``. Without arguments (pickle, deepcopy), and for any other subclass, the class
      stays as asked.
    * ``_own_rates``: True on every class that keeps the root's ``_rate_methods``, so its
      ``step`` may compute the rates itself (the same numbers) instead of calling them.
    * Pickling drops the attributes named in ``_transient`` (compiled code, hooks): the
      adapter rebuilds them on use.
    * ``on_change`` (the resume policy, ``"error"`` by default) and its read-only alias
      ``allow_schedule_change``.

    >>> import lrcore
    >>> class Sched(AdapterScheduler):
    ...     def __init__(self, schedule): self.schedule = schedule
    >>> class PlateauSched(Sched, plateau=True): pass
    >>> type(Sched(lrcore.Constant(value=1.0) * lrcore.Plateau())).__name__
    'PlateauSched'
    >>> type(Sched(lrcore.Constant(value=1.0))).__name__, PlateauSched._own_rates
    ('Sched', True)
    """

    _schedule_at = 0  # the schedule's position among the constructor's arguments
    _rate_methods: tuple[str, ...] = ()  # the methods that compute the rates
    _transient: tuple[str, ...] = ()  # attributes not pickled
    _root: type  # the class deriving from AdapterScheduler directly (ScheduleLR)
    _plateau_class: type | None = None
    _own_rates = True

    def __init_subclass__(cls, plateau: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if AdapterScheduler in cls.__bases__:
            cls._root = cls
        if plateau:
            cls._root._plateau_class = cls
        cls._own_rates = all(getattr(cls, m) is getattr(cls._root, m) for m in cls._root._rate_methods)

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if cls is cls._root and cls._plateau_class is not None:
            at = cls._schedule_at
            if holds_plateau(args[at] if len(args) > at else kwargs.get("schedule")):
                cls = cls._plateau_class
        return super().__new__(cls)

    on_change = "error"  # what loading a checkpoint saved under another schedule does (lrcore._resume.ON_CHANGE)

    @property
    def allow_schedule_change(self) -> bool:
        """Whether a checkpoint saved under another schedule is loaded with this one
        (``on_change == "current"``; the constructor argument of that name is its alias)."""
        return self.on_change == "current"

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in self._transient}

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        if "allow_schedule_change" in state:  # pickled by lrcore 0.1, before on_change
            state.setdefault("on_change", "current" if state.pop("allow_schedule_change") else "error")
        self.__dict__.update(state)
