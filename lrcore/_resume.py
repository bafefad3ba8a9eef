"""The framework-free plumbing of the torch and paddle adapters: resuming and the plateau switch.

Each adapter stores the schedule's config and fingerprint in its state and, on load, lists
every changed field as ``path: saved -> now`` (`ScheduleChangedError`) instead of resuming
silently. Both scheduler classes derive from `AdapterScheduler`, which picks the plateau
class for ``schedule * lrcore.Plateau(...)``. No framework is imported here.
"""

from __future__ import annotations

import math
from numbers import Integral
from typing import Any, Iterable

from ._config import fingerprint, to_config
from ._plateau import PlateauSchedule

__all__ = ["config_of", "fingerprint_of", "short", "schedule_changes", "ScheduleChangedError",
           "AdapterScheduler", "holds_plateau", "check_step"]

_MAX_CHANGES = 20  # differences listed in a ScheduleChangedError's message


class ScheduleChangedError(ValueError):
    """A checkpoint was saved under a different schedule (or mode) than the one resuming it.

    ``changes`` lists the differences as ``"path: saved -> now"`` strings; ``method`` is the
    loading method the message names (torch's ``load_state_dict``, paddle's ``set_state_dict``).
    Both adapters raise this one class (``lrcore.adapters.torch.ScheduleChangedError`` is
    ``lrcore.adapters.paddle.ScheduleChangedError``).

    >>> e = ScheduleChangedError(["schedule.steps: 100 -> 200"], "set_state_dict")
    >>> e.changes, isinstance(e, ValueError)
    (['schedule.steps: 100 -> 200'], True)
    >>> str(e).splitlines()[:2]
    ['ScheduleLR.set_state_dict: the checkpoint was saved with a different schedule (checkpoint -> now):', \
'  schedule.steps: 100 -> 200']
    """

    def __init__(self, changes: Iterable[str], method: str = "load_state_dict") -> None:
        self.changes, self.method = list(changes), method
        shown = self.changes[:_MAX_CHANGES]
        more = len(self.changes) - len(shown)
        lines = "\n".join(f"  {c}" for c in shown) + (f"\n  ... and {more} more" if more > 0 else "")
        super().__init__(
            f"ScheduleLR.{method}: the checkpoint was saved with a different schedule (checkpoint -> now):\n"
            f"{lines}\nPass allow_schedule_change=True (to {method} or to the constructor) if this is "
            "intended: the step count is kept and the new schedule continues from it."
        )

    def __reduce__(self) -> tuple:
        return type(self), (self.changes, self.method)


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

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in self._transient}


def config_of(schedule: Any) -> Any:
    """The config (plain data), or None where it holds a Function not storable by reference."""
    if isinstance(schedule, tuple):
        return [config_of(s) for s in schedule]
    try:
        return to_config(schedule)
    except ValueError:
        return None


def fingerprint_of(schedule: Any) -> Any:
    if isinstance(schedule, tuple):
        return [fingerprint(s) for s in schedule]
    return fingerprint(schedule)


def _render(v: Any) -> str:
    """A config as the constructor call it stands for: ``Cosine(start_value=0.1, steps=20, ...)``."""
    if isinstance(v, dict):
        fields = ", ".join(f"{k}={_render(x)}" for k, x in v.items() if k != "type")
        return f"{v.get('type', 'dict')}({fields})"
    if isinstance(v, list):
        return "[" + ", ".join(_render(x) for x in v) + "]"
    return repr(v)


def short(v: Any) -> str:
    text = _render(v)
    return text if len(text) <= 120 else text[:117] + "..."


def _diff(old: Any, new: Any, path: str, out: list[str]) -> None:
    """Append ``"path: old -> new"`` for every field where two configs differ."""
    if isinstance(old, dict) and isinstance(new, dict):
        if old.get("type") != new.get("type"):
            out.append(f"{path}: {short(old)} -> {short(new)}")
            return
        for k in list(old) + [k for k in new if k not in old]:
            if k == "type":
                continue
            sub = f"{path}.{k}"
            if k not in new:
                out.append(f"{sub}: {short(old[k])} -> (absent)")
            elif k not in old:
                out.append(f"{sub}: (absent) -> {short(new[k])}")
            else:
                _diff(old[k], new[k], sub, out)
    elif isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            out.append(f"{path}: {len(old)} entries -> {len(new)} entries")
        for i, (a, b) in enumerate(zip(old, new)):
            _diff(a, b, f"{path}[{i}]", out)
    elif type(old) is not type(new) or old != new:
        if isinstance(old, float) and isinstance(new, float) and math.isnan(old) and math.isnan(new):
            return
        out.append(f"{path}: {short(old)} -> {short(new)}")


def schedule_changes(path: str, saved_cfg: Any, saved_fp: Any, cfg: Any, fp: Any) -> list[str]:
    if saved_fp == fp:
        return []
    out: list[str] = []
    if isinstance(saved_fp, list) != isinstance(fp, list):
        one = lambda f: "one per param group" if isinstance(f, list) else "one for all groups"  # noqa: E731
        return [f"{path}: {one(saved_fp)} -> {one(fp)}"]
    if isinstance(fp, list):
        if len(saved_fp) != len(fp):
            return [f"{path}: {len(saved_fp)} schedules -> {len(fp)}"]
        saved_cfg = saved_cfg if isinstance(saved_cfg, list) else [None] * len(fp)
        for i, (sc, sf, c, f) in enumerate(zip(saved_cfg, saved_fp, cfg, fp)):
            out += schedule_changes(f"{path}[{i}]", sc, sf, c, f)
        return out
    if saved_cfg is not None and cfg is not None:
        _diff(saved_cfg, cfg, path, out)
    if not out:  # a Function stored without a config, or one whose code changed
        out.append(f"{path}: fingerprint {saved_fp} -> {fp} (the fields cannot be compared: the schedule "
                   "holds a Function that is not importable as 'module:qualname')")
    return out
