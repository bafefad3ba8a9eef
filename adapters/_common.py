"""What the torch and paddle adapters share: the plateau class switch, step and clock checks,
the hyperparameter dicts, pickling.

Both ``ScheduleLR`` classes derive from `AdapterScheduler`, which picks the plateau class for
``schedule * lrcore.Plateau(...)``. No framework is imported here.
"""

from __future__ import annotations

from numbers import Integral
from typing import Any, Mapping

from lrcore import PlateauSchedule
from lrcore._node import Node

__all__ = ["AdapterScheduler", "holds_plateau", "check_step", "CLOCKS", "check_clock", "check_increment",
           "split_hyperparams"]

CLOCKS = ("steps", "samples", "tokens")
"""The units a schedule's t may count: optimizer steps (the default), samples or tokens."""


def holds_plateau(schedule: Any) -> bool:
    """Whether ``schedule`` (or any schedule of a list or tuple, or the learning rate of a
    hyperparameter dict: ``"lr"`` or ``"learning_rate"``) is scaled by a Plateau.

    >>> import lrcore
    >>> c = lrcore.Constant(value=0.1)
    >>> holds_plateau(c), holds_plateau([c, c * lrcore.Plateau()]), holds_plateau({"lr": c * lrcore.Plateau()})
    (False, True, True)
    """
    if isinstance(schedule, Mapping):  # only the learning rate may be scaled by a Plateau
        return any(holds_plateau(schedule.get(k)) for k in ("lr", "learning_rate"))
    if isinstance(schedule, (list, tuple)):
        return any(holds_plateau(s) for s in schedule)
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


def check_clock(where: str, clock: Any) -> str:
    """``clock`` if it is one of `CLOCKS`, else a ValueError naming it.

    >>> check_clock("ScheduleLR", "samples")
    'samples'
    >>> check_clock("ScheduleLR", "epochs")
    Traceback (most recent call last):
    ...
    ValueError: ScheduleLR: `clock` must be one of 'steps', 'samples', 'tokens', got clock='epochs'
    """
    if not isinstance(clock, str) or clock not in CLOCKS:
        raise ValueError(f"{where}: `clock` must be one of {', '.join(map(repr, CLOCKS))}, got clock={clock!r}")
    return clock


def check_increment(where: str, increment: Any, clock: str) -> int:
    """``increment`` (what one ``step`` adds to the clock) as an int >= 1, or a ValueError
    naming it and the clock's unit.

    >>> check_increment("ScheduleLR.step", 32, "samples")
    32
    >>> check_increment("ScheduleLR.step", None, "tokens")
    Traceback (most recent call last):
    ...
    ValueError: ScheduleLR.step: `increment` must be an int >= 1 with clock='tokens' (the tokens this step consumed: step(increment=n)), got increment=None
    """
    if isinstance(increment, bool) or not isinstance(increment, Integral) or increment < 1:
        raise ValueError(f"{where}: `increment` must be an int >= 1 with clock={clock!r} (the {clock} this step "
                         f"consumed: step(increment=n)), got increment={increment!r}")
    return int(increment)


def split_hyperparams(where: str, schedule: Any, extra: Any, n_groups: int,
                      lr_key: str) -> tuple[Any, dict[str, Any], set[str]]:
    """``(lr schedule(s), {key: schedule(s)}, keys given by extra=)`` from a hyperparameter dict
    (``{lr_key: s, "momentum": m, ...}``), a list with one such dict per param group (the same
    keys in each; each key becomes a list, one schedule per group), or a schedule (or list of
    them) with the older ``extra={...}`` beside it. The schedules themselves are checked by the
    adapter.

    >>> import lrcore
    >>> a, b = lrcore.Constant(value=0.1), lrcore.Constant(value=0.9)
    >>> split_hyperparams("ScheduleLR", [{"lr": a, "momentum": b}, {"lr": b, "momentum": a}], None, 2, "lr")
    ([Constant(value=0.1), Constant(value=0.9)], {'momentum': [Constant(value=0.9), Constant(value=0.1)]}, set())
    >>> split_hyperparams("ScheduleLR", {"momentum": b}, None, 1, "lr")
    Traceback (most recent call last):
    ...
    ValueError: ScheduleLR: the hyperparameter dict must hold the key 'lr' (the learning rate's schedule), got keys ['momentum']
    """
    from_extra = set(extra or {})
    extra = dict(extra or {})
    if isinstance(schedule, Mapping):
        dicts, per_group = [schedule], False
    elif isinstance(schedule, (list, tuple)) and any(isinstance(d, Mapping) for d in schedule):
        for i, d in enumerate(schedule):
            if not isinstance(d, Mapping):
                raise TypeError(f"{where}: a list of hyperparameter dicts holds one dict per param group; item {i} "
                                f"is {type(d).__name__}")
        if len(schedule) != n_groups:
            raise ValueError(f"{where}: the list of hyperparameter dicts must hold one dict per param group "
                             f"({n_groups}), got {len(schedule)}")
        dicts, per_group = list(schedule), True
    else:
        return schedule, extra, from_extra
    keys = list(dicts[0])
    for i, d in enumerate(dicts):
        bad = [k for k in d if not isinstance(k, str)]
        if bad:
            raise TypeError(f"{where}: hyperparameter keys are param group keys (str), got {bad[0]!r}")
        if set(d) != set(keys):
            raise ValueError(f"{where}: every param group's dict must hold the same keys; group 0 has "
                             f"{sorted(keys)}, group {i} has {sorted(d)} (a value that stays: lrcore.Constant)")
    if lr_key not in keys:
        raise ValueError(f"{where}: the hyperparameter dict must hold the key {lr_key!r} (the learning rate's "
                         f"schedule), got keys {sorted(keys)}")
    both = sorted(set(keys) & from_extra)
    if both:
        raise ValueError(f"{where}: {both[0]!r} is given both in the hyperparameter dict and in `extra` (its older "
                         "spelling); give it once, in the dict")
    pick = (lambda k: [d[k] for d in dicts]) if per_group else (lambda k: dicts[0][k])
    return pick(lr_key), {**{k: pick(k) for k in keys if k != lr_key}, **extra}, from_extra


UNITS = ("total_steps", "steps_per_epoch", "tokens_per_step", "samples_per_step")


def resolve_attached(schedule: Any, units: Mapping[str, Any]) -> Any:
    """`schedule` (a node, or a list / dict of them, nested as the adapters take them) with
    every tree that holds durations in units ("10%", "2ep", ...) resolved with `units` (the
    keywords of `lrcore.Schedule.resolve`; None ones left out). A tree without such durations
    is returned as it is; one that needs a keyword `units` lacks raises resolve's error, so an
    adapter refuses an unresolved schedule when it is attached, not at its first step.

    >>> import lrcore
    >>> s = lrcore.Warmup(lrcore.Cosine(start_value=0.1, steps="90%"), warmup_steps="10%")
    >>> resolve_attached({"lr": s}, {"total_steps": 1000})["lr"].warmup_steps
    100
    >>> resolve_attached(s, {})
    Traceback (most recent call last):
    ...
    lrcore._units.UnresolvedError: resolve: `schedule.steps`='90%' is in a fraction of the run and needs total_steps=..., which was not given
    """
    given = {k: v for k, v in units.items() if v is not None}
    if isinstance(schedule, Node):
        return schedule.resolve(**given) if schedule.unresolved else schedule
    if isinstance(schedule, Mapping):
        return {k: resolve_attached(v, given) for k, v in schedule.items()}
    if isinstance(schedule, (list, tuple)):
        return type(schedule)(resolve_attached(v, given) for v in schedule)
    return schedule


def spec_of(schedule: Any) -> Any:
    """The configs of the trees in `schedule` (nested as `resolve_attached` takes it) that hold
    unit durations, as written (the spec a checkpoint records beside the resolved trees), or
    None when none does."""
    from lrcore._resume import config_of

    def walk(x: Any) -> Any:
        if isinstance(x, Node):
            return config_of(x) if x.unresolved else None
        if isinstance(x, Mapping):
            configs = {k: walk(v) for k, v in x.items()}
            return {k: v for k, v in configs.items() if v is not None} or None
        if isinstance(x, (list, tuple)):
            items = [walk(v) for v in x]
            return items if any(v is not None for v in items) else None
        return None

    return walk(schedule)


def spec_changes(saved_spec: Any, saved_units: Any, spec: Any, units: Mapping[str, Any]) -> list[str]:
    """The lines a resume reports when the schedules as written (`spec_of`) or the keywords that
    resolved them (``total_steps=``, ...) differ from the checkpoint's: the resolved trees may be
    equal while the run's definition changed ("10%" of 1000 steps is 100 steps)."""
    from lrcore._resume import short

    out = []
    if (saved_spec or None) != spec:
        out.append(f"spec: {short(saved_spec or None)} -> {short(spec)}")
    if (saved_units or None) != (dict(units) or None):
        out.append(f"units: {saved_units or None} -> {dict(units) or None}")
    return out


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
    _root: type[AdapterScheduler]  # the class deriving from AdapterScheduler directly (ScheduleLR)
    _plateau_class: type[AdapterScheduler] | None = None
    _own_rates = True

    def __init_subclass__(cls, plateau: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if AdapterScheduler in cls.__bases__:
            cls._root = cls
        if plateau:
            cls._root._plateau_class = cls
        cls._own_rates = all(getattr(cls, m) is getattr(cls._root, m) for m in cls._root._rate_methods)

    def __new__(cls, *args: Any, **kwargs: Any) -> AdapterScheduler:
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
