"""PaddlePaddle: an lrcore schedule as a real ``paddle.optimizer.lr.LRScheduler``.

``ScheduleLR(schedule)`` is a learning rate for any paddle optimizer, in dygraph and in static
mode (``paddle.optimizer.AdamW(learning_rate=ScheduleLR(s), parameters=...)``), with paddle's
step convention: right after construction ``scheduler()`` (and ``optimizer.get_lr()``) is
``s(0)``, the rate of update 0; after k calls of ``scheduler.step()`` (each one after
``optimizer.step()``), ``s(k)``. At step t (``last_epoch``)::

    lr(t) = s(t)                           mode="absolute" (the schedule's values are rates)
    lr(t) = learning_rate * s(t)           mode="factor"   (the schedule is a multiplier)
    lr(t) = ... * scale(plateau state)     for ``schedule * lrcore.Plateau(...)``

``get_lr()`` is that closed form, a Python float computed from ``last_epoch`` alone (no
recursion on the previous rate), so ``step(epoch)`` jumps anywhere exactly. paddle's param
groups hold multipliers of this rate (``{"params": ..., "learning_rate": 0.1}``), which is how
one schedule serves groups with different rates.

* ``state_dict()`` (what ``optimizer.state_dict()["LR_Scheduler"]`` holds) is plain data,
  listed by ``state_keys()``: ``last_epoch``, ``last_lr``, the schedule's config and
  fingerprint, the mode, the base rate and the plateau state. A checkpoint written under a
  different schedule is handled by ``on_change`` (an argument of the constructor or of
  ``set_state_dict``): ``"error"`` (the default) refuses it and names each field that changed
  (``schedule.parts[1].steps: 100 -> 200``), ``"checkpoint"`` continues with the checkpoint's
  schedule (rebuilt from its config), ``"current"`` (alias ``allow_schedule_change=True``) with
  the schedule given here; the rate is then recomputed from the step.
* A schedule scaled by a ``lrcore.Plateau`` makes ``ScheduleLR(...)`` return a
  `PlateauScheduleLR` (also a ``paddle.optimizer.lr.ReduceOnPlateau``) whose
  ``step(metrics)`` feeds the metric to the plateau and advances one step.
* ``clock="samples"`` or ``"tokens"``: t counts samples (or tokens), and each
  ``step(increment=n)`` adds the n of the step just taken (Megatron's sample-based schedules,
  right under a batch-size ramp-up); ``last_epoch`` is the count. The state_dict keeps the
  clock; loading it into a scheduler on another clock is an error.

**Other hyperparameters, per param group**: ``sched.attach(optimizer, {"momentum": m,
"weight_decay": w, "learning_rate": f})`` (or one such dict per param group, the same keys in
each; a value may also be a list with one schedule per group) writes each schedule's value
into the optimizer before every update (at attach, then at each ``step()``), on the same
clock. What paddle 3.3.1 reads again at every dygraph update, and so what can be set:

========================  =====================================================================
key                       what it sets (optimizers)
========================  =====================================================================
``"learning_rate"``       the group's multiplier of this scheduler's rate (paddle's group
                          ``learning_rate``: ``param.optimize_attr["learning_rate"]``); every
                          optimizer. A group's rate is ``scheduler() * f_i(t)``: with
                          ``ScheduleLR(lrcore.Constant(value=1.0))`` the ``f_i`` are the
                          groups' own rates.
``"momentum"``            ``Momentum``'s momentum; ``beta1`` of ``Adam`` / ``AdamW``
``"beta1"``, ``"beta2"``  ``Adam`` / ``AdamW`` (paddle's bias correction multiplies the betas
                          actually used, not a power of the current one)
``"epsilon"``             ``Adam`` / ``AdamW``
``"weight_decay"``        ``AdamW``'s decoupled coefficient; ``Momentum``'s L2 coefficient,
                          if it was built with a float (or ``L2Decay``) weight_decay
========================  =====================================================================

What cannot be set: the weight decay of ``SGD``, ``Adam`` and the other optimizers (an
``L2Decay`` regularizer object applied to the gradient, not a per-step number), any
hyperparameter in static-graph mode (the values are baked into the program: ``attach``
refuses it) or with ``use_multi_tensor=True`` (its fused tensors are built once), and tensor
(``paddle.Tensor``) betas. Any other key, or a key the optimizer does not have, is refused at
``attach`` naming the key, the group and what can be set.
"""

from __future__ import annotations

import copy
import math
from numbers import Real
from typing import Any, Callable, Mapping, Sequence, cast

import paddle  # noqa: F401 - the framework this adapter drives (imported first, as documented)
from paddle.optimizer.lr import LRScheduler, ReduceOnPlateau

from lrcore import PlateauSchedule, PlateauState, Schedule
from lrcore._resume import (
    ScheduleChangedError,
    config_of,
    fingerprint_of,
    has_opaque,
    rebuild,
    resolve_on_change,
    schedule_changes,
    short,
)
from lrcore.adapters._common import (UNITS, AdapterScheduler, check_clock, check_increment, check_step,
                                    resolve_attached, spec_changes, spec_of, split_hyperparams)

__all__ = ["ScheduleLR", "PlateauScheduleLR", "ScheduleChangedError", "STATE_FORMAT"]

STATE_FORMAT = "lrcore.adapters.paddle.ScheduleLR/1"
"""The ``lrcore_format`` entry of a state_dict, checked when it is loaded."""

_KEYS = ["last_epoch", "last_lr", "lrcore_format", "lrcore_schedule", "lrcore_fingerprint", "lrcore_mode",
         "lrcore_learning_rate", "lrcore_plateau"]

# attach(): the hyperparameters paddle 3.3.1 reads again at each dygraph update, per optimizer
# class: lrcore key -> (param group key, optimizer attribute read without param groups).
_ADAM = {"momentum": ("beta1", "_beta1"), "beta1": ("beta1", "_beta1"), "beta2": ("beta2", "_beta2"),
         "epsilon": ("epsilon", "_epsilon")}
_SETTABLE = {
    "Momentum": {"momentum": ("momentum", "_momentum"),
                 "weight_decay": ("regularization_coeff", "_regularization_coeff")},
    "Adam": _ADAM,
    "AdamW": {**_ADAM, "weight_decay": ("weight_decay", "_weight_decay")},
}


# -- helpers -------------------------------------------------------------------------------

_Attached = tuple[Any, dict[str, Any], dict[str, list[Callable[[float], None]]]]
"""attach()'s record: (the optimizer, {key: schedule or one per group}, {key: a writer per group})."""


def _metric(metrics: Any) -> float:
    """paddle's accepted metrics (a number, or a numpy array / paddle Tensor of one element) as a float."""
    if isinstance(metrics, Real) and not isinstance(metrics, bool):
        return float(metrics)
    size = getattr(metrics, "size", None)
    if size is not None and hasattr(metrics, "item"):
        if int(size) != 1:
            raise ValueError(f"the size of metrics must be 1, got size {int(size)}; reduce it first (paddle.mean)")
        return _metric(metrics.item())
    raise TypeError(f"metrics must be a number or a one-element array or Tensor, got {type(metrics).__name__}")


# -- the scheduler -------------------------------------------------------------------------

class ScheduleLR(AdapterScheduler, LRScheduler):  # type: ignore[misc]  # LRScheduler is Any: mypy does not follow paddle
    """An lrcore schedule as paddle's ``learning_rate``: a real ``LRScheduler``, closed form.

    Args:
        schedule: an ``lrcore.Schedule``, or ``schedule * lrcore.Plateau(...)`` (then the
            object is a `PlateauScheduleLR`, stepped with the metric).
        learning_rate: the base rate of ``mode="factor"`` (paddle's ``base_lr``); with
            ``mode="absolute"`` it must stay 1.0, the schedule's values being the rates.
        mode: "absolute" (rate = s(t)) or "factor" (rate = learning_rate * s(t)).
        on_change: what ``set_state_dict`` does with a checkpoint saved under a different
            schedule (or mode, or base rate): ``"error"`` (the default) raises
            `ScheduleChangedError` naming each change as ``path: saved -> now``;
            ``"checkpoint"`` continues with the checkpoint's schedule, mode and base rate (the
            schedule rebuilt from its config; a clear ValueError if it was not storable);
            ``"current"`` keeps the ones given here and continues from the saved step. An
            opaque fingerprint (a function whose behaviour cannot be encoded) proves nothing,
            so ``"error"`` refuses it even when equal.
        allow_schedule_change: the older spelling of ``on_change``: True is ``"current"``,
            False ``"error"`` (giving both in disagreement is an error).
        last_epoch, verbose: as for every paddle scheduler (the first ``step()`` runs in the
            constructor, so ``last_epoch`` is 0 afterwards by default).
        clock: what t counts: ``"steps"`` (the default), ``"samples"`` or ``"tokens"`` (then
            ``step(increment=n)``, n an int >= 1, is required).
        total_steps, steps_per_epoch, tokens_per_step, samples_per_step: resolve durations in
            units (``"10%"``, ``"2ep"``, ...) of the schedule (and of `attach`'s) when attached,
            as `lrcore.Schedule.resolve` does; the state keeps the schedule as written and the
            keywords beside the resolved tree, and a resume compares all three.

    >>> import paddle, lrcore
    >>> s = lrcore.Warmup(lrcore.Cosine(start_value=0.1, steps=8), warmup_steps=2)
    >>> sched = ScheduleLR(s)
    >>> layer = paddle.nn.Linear(2, 1)
    >>> opt = paddle.optimizer.SGD(learning_rate=sched, parameters=layer.parameters())
    >>> rates = []
    >>> for t in range(4):
    ...     loss = layer(paddle.ones([1, 2])).sum()
    ...     loss.backward(); opt.step(); opt.clear_grad()
    ...     rates.append(opt.get_lr()); sched.step()
    >>> [f"{r:.4f}" for r in rates]
    ['0.0000', '0.0500', '0.1000', '0.0962']
    """

    # `schedule * Plateau` (the first argument) builds a PlateauScheduleLR; `step` computes the rate
    # itself (the number get_lr() gives, one call instead of three) unless a subclass overrides get_lr.
    _rate_methods = ("get_lr",)
    _transient = ("_fn", "_fns")  # compiled code: rebuilt on the next step
    _fn: tuple[Any, Any] = (None, None)  # (schedule, its scalar function)
    # set by LRScheduler.__init__ and step(); declared for the type checker
    base_lr: float
    last_epoch: int
    last_lr: float
    verbose: bool
    keys: list[str]

    def __init__(self, schedule: Schedule | PlateauSchedule, *, learning_rate: float = 1.0, mode: str = "absolute",
                 on_change: str | None = None, allow_schedule_change: bool | None = None, last_epoch: int = -1,
                 verbose: bool = False, clock: str = "steps", total_steps: int | None = None,
                 steps_per_epoch: float | None = None, tokens_per_step: float | None = None,
                 samples_per_step: float | None = None) -> None:
        plateau_cls = isinstance(self, PlateauScheduleLR)
        if not isinstance(schedule, (Schedule, PlateauSchedule)):
            hint = " (a paddle scheduler is not an lrcore schedule; see lrcore.catalog.paddle)" \
                if isinstance(schedule, LRScheduler) else ""
            raise TypeError(f"ScheduleLR: `schedule` must be an lrcore Schedule or schedule * lrcore.Plateau, "
                            f"got {type(schedule).__name__}{hint}")
        if isinstance(schedule, PlateauSchedule) != plateau_cls:
            if plateau_cls:
                raise TypeError("PlateauScheduleLR: `schedule` must be schedule * lrcore.Plateau(...)")
            raise TypeError("ScheduleLR: a schedule scaled by a Plateau needs PlateauScheduleLR "
                            "(ScheduleLR(...) returns one)")
        if mode not in ("absolute", "factor"):
            raise ValueError(f"ScheduleLR: `mode` must be one of 'absolute', 'factor', got mode={mode!r}")
        if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)):
            raise TypeError(f"ScheduleLR: `learning_rate` must be a number >= 0, got learning_rate={learning_rate!r}")
        if not 0.0 <= learning_rate < math.inf:
            raise ValueError(f"ScheduleLR: `learning_rate` must be a number >= 0, got learning_rate={learning_rate!r}")
        if mode == "absolute" and learning_rate != 1.0:
            raise ValueError("ScheduleLR: `learning_rate` is the base rate of mode='factor'; with mode='absolute' the "
                             f"schedule's values are the rates, so it must stay 1.0, got learning_rate={learning_rate!r}")
        self.on_change = resolve_on_change("ScheduleLR", on_change, allow_schedule_change)
        last_epoch = check_step("ScheduleLR", "last_epoch", last_epoch, -1)
        self.lrcore_clock = check_clock("ScheduleLR", clock)
        if clock != "steps" and last_epoch != -1:
            raise ValueError(f"ScheduleLR: with clock={clock!r}, resume with set_state_dict (it keeps the clock's "
                             f"count), not last_epoch; got last_epoch={last_epoch}")
        self.lrcore_hyperparams: dict[str, dict[str, Any]] = {}
        self._hp = None  # attach(): (optimizer, {key: schedules}, {key: writers per group})
        self._plain = clock == "steps"  # step() adds 1 and writes only the rate (False once attached)
        # durations in units ("10%", "2ep") resolved now; the spec and the keywords are kept
        units: dict[str, float | None] = dict(zip(UNITS, (total_steps, steps_per_epoch, tokens_per_step,
                                                          samples_per_step)))
        self.lrcore_units = {k: v for k, v in units.items() if v is not None}
        self.lrcore_spec = spec_of(schedule)
        schedule = resolve_attached(schedule, units)
        self.schedule = schedule
        self.mode = mode
        self.plateau_state: PlateauState | None = cast(PlateauSchedule, schedule).init() if plateau_cls else None
        # The plain-data state (state_keys): fixed parts now, the plateau state at state_dict().
        self.lrcore_format = STATE_FORMAT
        self.lrcore_schedule = config_of(schedule)
        self.lrcore_fingerprint = fingerprint_of(schedule)
        self.lrcore_mode = mode
        self.lrcore_learning_rate = float(learning_rate)
        self.lrcore_plateau: dict[str, Any] | None = None
        LRScheduler.__init__(self, float(learning_rate), last_epoch, verbose)

    # -- the rate
    def get_lr(self) -> float:
        """The rate at ``last_epoch``: s(t) (absolute) or learning_rate * s(t) (factor), times the plateau scale."""
        t = self.last_epoch
        # (the state is set exactly when the schedule is scaled by a Plateau)
        v = self.schedule(t) if self.plateau_state is None else \
            cast(PlateauSchedule, self.schedule).value(t, self.plateau_state)
        return float(self.base_lr * v) if self.mode == "factor" else float(v)

    def _get_closed_form_lr(self) -> float:
        return self.get_lr()

    lrcore_clock = "steps"  # (class defaults: schedulers pickled before clocks and attach)
    _plain = True
    lrcore_hyperparams: dict[str, dict[str, Any]] = {}
    lrcore_spec: Any = None  # the schedule as written, where it held durations in units (or None)
    lrcore_units: dict[str, float] = {}  # the keywords it was resolved with
    _hp: _Attached | None = None

    def _next_epoch(self, epoch: Any, increment: Any) -> int:
        """The clock's count after this step: + ``increment``, ``epoch``, or + 1 (checked)."""
        if increment is not None or self.lrcore_clock != "steps":
            if epoch is not None:
                if increment is not None:
                    raise ValueError("ScheduleLR.step: give `epoch` (go to that count) or `increment` (advance by "
                                     f"it), not both; got epoch={epoch!r}, increment={increment!r}")
            elif increment is not None or self.last_epoch >= 0:  # (the constructor's step sets -1 -> 0)
                return self.last_epoch + check_increment("ScheduleLR.step", increment, self.lrcore_clock)
        if epoch is None:
            return self.last_epoch + 1
        return check_step("ScheduleLR.step", "epoch", epoch, 0)

    def step(self, epoch: int | None = None, increment: int | None = None) -> None:
        """Advance one step (call it after ``optimizer.step()``), or go to step ``epoch``;
        ``increment=n`` advances the clock by n (required with ``clock="samples"`` or
        ``"tokens"``). Then the attached hyperparameters are written."""
        if epoch is None and increment is None and self._plain:  # the common case: one flag read
            self.last_epoch += 1
        else:
            if epoch is None and increment is None and self.lrcore_clock == "steps":
                self.last_epoch += 1
            else:
                self.last_epoch = self._next_epoch(epoch, increment)
            if self._hp is not None:
                self._write_hyperparams()
        if self._own_rates and self.plateau_state is None and self.mode == "absolute":
            fn = self._fn
            if fn[0] is not self.schedule:
                fn = self._fn = (self.schedule, cast(Schedule, self.schedule).scalar_fn)  # (no plateau state)
            self.last_lr = fn[1](self.last_epoch)  # a float, as get_lr() returns
        else:
            self.last_lr = self.get_lr()
        if self.verbose:
            print(f"Epoch {self.last_epoch}: {type(self).__name__} set learning rate to {self.last_lr}.")

    # -- state
    def state_keys(self) -> None:
        """The keys of ``state_dict()``: paddle's ``last_epoch``, ``last_lr`` and lrcore's plain data."""
        self.keys = _KEYS + (["lrcore_clock"] if self.lrcore_clock != "steps" else []) \
            + (["lrcore_hyperparams"] if self.lrcore_hyperparams else []) \
            + (["lrcore_spec", "lrcore_units"] if self.lrcore_spec is not None or self.lrcore_units else [])
        # (their defaults are not written)

    def _plateau_data(self) -> dict[str, Any] | None:
        st = self.plateau_state
        if st is None:
            return None
        best = float(st.best)
        fresh = cast(PlateauSchedule, self.schedule).init().best
        # None: no metric yet (paddle's best is None then too)
        none_yet = math.isnan(best) or (best == fresh and not math.isfinite(best))
        return {"best": None if none_yet else best, "num_bad": int(st.num_bad), "cooldown": int(st.cooldown), "scale": float(st.scale)}

    def state_dict(self) -> dict[str, Any]:
        """Plain data (numbers, strings, lists, dicts, None): no schedule object is pickled."""
        self.lrcore_plateau = self._plateau_data()
        return copy.deepcopy(LRScheduler.state_dict(self))

    def set_state_dict(
            self, state_dict: dict[str, Any], *, on_change: str | None = None,
            allow_schedule_change: bool | None = None) -> None:
        """Resume from ``state_dict()``: the step and the plateau state; the rate is recomputed.

        A checkpoint counting another clock is always refused (a ValueError). If it was
        written under a different schedule (of the rate or of an attached hyperparameter),
        mode or base rate, ``on_change`` (here, or else the constructor's) decides: ``"error"`` raises
        `ScheduleChangedError` (a ValueError naming every changed field) and loads nothing;
        ``"checkpoint"`` continues with the checkpoint's schedule (rebuilt from its config),
        mode and base rate; ``"current"`` (``allow_schedule_change=True``) with this
        scheduler's. An opaque fingerprint counts as a change.
        """
        policy = self.on_change if on_change is None and allow_schedule_change is None else \
            resolve_on_change("ScheduleLR.set_state_dict", on_change, allow_schedule_change)
        missing = [k for k in _KEYS if k not in state_dict]
        if missing or state_dict.get("lrcore_format") != STATE_FORMAT:
            raise ValueError(f"ScheduleLR.set_state_dict: not a ScheduleLR state_dict (format {STATE_FORMAT!r}); "
                             f"missing {missing}" if missing else
                             f"ScheduleLR.set_state_dict: unknown state format {state_dict.get('lrcore_format')!r}, "
                             f"expected {STATE_FORMAT!r}")
        saved_clock = state_dict.get("lrcore_clock", "steps")
        if saved_clock != self.lrcore_clock:
            raise ValueError(f"ScheduleLR.set_state_dict: the checkpoint counts {saved_clock} (clock={saved_clock!r}) "
                             f"and this scheduler {self.lrcore_clock} (clock={self.lrcore_clock!r}); a count in one "
                             f"unit is not a count in the other: build the scheduler with clock={saved_clock!r}")
        changes = schedule_changes("schedule", state_dict["lrcore_schedule"], state_dict["lrcore_fingerprint"],
                                    self.lrcore_schedule, self.lrcore_fingerprint)
        schedule_changed = bool(changes)
        saved_hp, hp = state_dict.get("lrcore_hyperparams") or {}, self.lrcore_hyperparams
        hp_changed = []
        for k in list(saved_hp) + [k for k in hp if k not in saved_hp]:
            path = f"hyperparams[{k!r}]"
            if k not in hp:
                lines = [f"{path}: {short(saved_hp[k]['schedule'])} -> (not attached)"]
            elif k not in saved_hp:
                lines = [f"{path}: (not attached) -> {short(hp[k]['schedule'])}"]
            else:
                lines = schedule_changes(path, saved_hp[k]["schedule"], saved_hp[k]["fingerprint"],
                                         hp[k]["schedule"], hp[k]["fingerprint"])
            changes += lines
            hp_changed += [k] if lines else []
        changes += spec_changes(state_dict.get("lrcore_spec"), state_dict.get("lrcore_units"), self.lrcore_spec,
                                self.lrcore_units)
        if state_dict["lrcore_mode"] != self.mode:
            changes.append(f"mode: {state_dict['lrcore_mode']!r} -> {self.mode!r}")
        if state_dict["lrcore_learning_rate"] != self.lrcore_learning_rate:
            changes.append(f"learning_rate: {state_dict['lrcore_learning_rate']!r} -> {self.lrcore_learning_rate!r}")
        if changes and policy == "error":
            fps = [v["fingerprint"] for v in list(saved_hp.values()) + list(hp.values())]
            raise ScheduleChangedError(changes, "set_state_dict",
                                       opaque=has_opaque(state_dict["lrcore_fingerprint"], self.lrcore_fingerprint, *fps))
        if changes and policy == "checkpoint":
            self.lrcore_spec = state_dict.get("lrcore_spec")
            self.lrcore_units = dict(state_dict.get("lrcore_units") or {})
            if hp_changed:
                self._take_checkpoint_hyperparams(saved_hp, hp_changed)
            self._take_checkpoint_schedule(state_dict, schedule_changed)
        self.last_epoch = check_step("ScheduleLR.set_state_dict", "last_epoch", state_dict["last_epoch"], 0)
        if self.plateau_state is not None:
            saved = state_dict["lrcore_plateau"]
            plateau = cast(PlateauSchedule, self.schedule)
            if saved is None:  # allowed change from a schedule without a plateau
                self.plateau_state = plateau.init()
            else:
                fresh = plateau.init()
                best = fresh.best if saved["best"] is None else float(saved["best"])
                self.plateau_state = PlateauState(best=best, num_bad=float(saved["num_bad"]),
                                                  cooldown=float(saved["cooldown"]), scale=float(saved["scale"]))
        self.last_lr = self.get_lr()
        if self._hp is not None:
            self._write_hyperparams()

    set_dict = set_state_dict  # paddle's alias (the base class binds its own)

    def _take_checkpoint_schedule(self, state_dict: dict[str, Any], schedule_changed: bool) -> None:
        """on_change="checkpoint": switch to the checkpoint's schedule (if it changed), mode and
        base rate; the schedule is rebuilt and checked before anything is replaced."""
        schedule = self.schedule
        if schedule_changed:
            schedule = rebuild("ScheduleLR.set_state_dict", "schedule", state_dict["lrcore_schedule"],
                               state_dict["lrcore_fingerprint"])
            if not isinstance(schedule, (Schedule, PlateauSchedule)):
                raise ValueError("ScheduleLR.set_state_dict: on_change='checkpoint': the checkpoint's schedule is "
                                 f"not an lrcore Schedule, got {type(schedule).__name__}")
            if isinstance(schedule, PlateauSchedule) != isinstance(self, PlateauScheduleLR):
                has = "is" if isinstance(schedule, PlateauSchedule) else "is not"
                raise ValueError(f"ScheduleLR.set_state_dict: on_change='checkpoint': the checkpoint's schedule {has} "
                                 f"scaled by a Plateau and this {type(self).__name__}'s {'is not' if has == 'is' else 'is'}; "
                                 "build the scheduler with a schedule of the same kind (ScheduleLR(s * Plateau(...)) "
                                 "gives a PlateauScheduleLR)")
        self.schedule = schedule
        self.lrcore_schedule = state_dict["lrcore_schedule"] if schedule_changed else self.lrcore_schedule
        self.lrcore_fingerprint = fingerprint_of(schedule)
        self.mode = self.lrcore_mode = state_dict["lrcore_mode"]
        self.base_lr = self.lrcore_learning_rate = float(state_dict["lrcore_learning_rate"])

    # -- other hyperparameters
    def attach(self, optimizer: paddle.optimizer.Optimizer,
               hyperparams: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> ScheduleLR:
        """Schedule other hyperparameters of ``optimizer`` (whose ``learning_rate`` is this
        scheduler) on this scheduler's clock; returns the scheduler.

        ``hyperparams``: ``{key: schedule}`` (a value may be a list with one schedule per
        param group), or a list with one such dict per param group. The keys and the
        optimizers they apply to are in the module's docstring. The values are absolute and
        written now and after every ``step()``; the state_dict holds their schedules, which
        ``set_state_dict`` checks as it checks the rate's. Attaching again replaces them.

        >>> import paddle, lrcore
        >>> layer = paddle.nn.Linear(2, 1)
        >>> sched = ScheduleLR(lrcore.Constant(value=0.1))
        >>> opt = paddle.optimizer.Momentum(learning_rate=sched, momentum=0.0, parameters=layer.parameters())
        >>> _ = sched.attach(opt, {"momentum": lrcore.Linear(start_value=0.85, end_value=0.95, steps=2)})
        >>> for _ in range(2):
        ...     sched.step(); print(f"{opt._momentum:.3f}")
        0.900
        0.950
        """
        if not isinstance(optimizer, paddle.optimizer.Optimizer):
            raise TypeError(f"ScheduleLR.attach: `optimizer` must be a paddle.optimizer.Optimizer, got "
                            f"{type(optimizer).__name__}")
        if optimizer._learning_rate is not self:
            raise ValueError("ScheduleLR.attach: the optimizer's learning_rate must be this scheduler (build it with "
                             "learning_rate=sched), so both run on one clock")
        if not paddle.in_dynamic_mode():
            raise ValueError("ScheduleLR.attach: paddle is in static-graph mode, where the hyperparameters are baked "
                             "into the program; attach works in dygraph mode only")
        if getattr(optimizer, "_use_multi_tensor", False):
            raise ValueError("ScheduleLR.attach: the optimizer was built with use_multi_tensor=True, whose fused "
                             "tensors hold the hyperparameters from its first update; build it without")
        groups = optimizer._param_groups
        dict_groups = bool(groups) and isinstance(groups[0], dict)
        n = len(groups) if dict_groups else 1
        if not isinstance(hyperparams, (dict, list, tuple)):
            raise TypeError("ScheduleLR.attach: `hyperparams` must be a dict {key: schedule} or a list with one per "
                            f"param group, got {type(hyperparams).__name__}")
        lr_key = "learning_rate"
        if isinstance(hyperparams, dict) and lr_key not in hyperparams:
            hyperparams = {lr_key: None, **hyperparams}  # (split_hyperparams wants the rate's key)
        elif isinstance(hyperparams, (list, tuple)):
            hyperparams = [d if not isinstance(d, dict) or lr_key in d else {lr_key: None, **d} for d in hyperparams]
        hyperparams = resolve_attached(hyperparams, self.lrcore_units)  # on the rate's units
        multiplier, rest, _ = split_hyperparams("ScheduleLR.attach", hyperparams, None, n, lr_key)
        schedules = dict(rest)
        if not (multiplier is None or (isinstance(multiplier, list) and all(m is None for m in multiplier))):
            schedules = {lr_key: multiplier, **rest}
        cls = type(optimizer).__name__
        settable = _SETTABLE.get(cls, {})
        checked, writers = {}, {}
        for key, sch in schedules.items():
            items = list(sch) if isinstance(sch, (list, tuple)) else [sch] * n
            if len(items) != n:
                raise ValueError(f"ScheduleLR.attach: `{key}` must hold one schedule per param group ({n}), got "
                                 f"{len(items)}")
            for i, one in enumerate(items):
                if not isinstance(one, Schedule):
                    raise TypeError(f"ScheduleLR.attach: `{key}` of param group {i} must be an lrcore Schedule, got "
                                    f"{type(one).__name__}")
            checked[key] = tuple(items) if isinstance(sch, (list, tuple)) else sch
            writers[key] = [self._writer(optimizer, cls, settable, key, i, groups[i] if dict_groups else None)
                            for i in range(n)]
        self._hp = (optimizer, checked, writers)
        self._plain = False
        self.lrcore_hyperparams = {k: {"schedule": config_of(v), "fingerprint": fingerprint_of(v)}
                                   for k, v in checked.items()}
        self._write_hyperparams()
        return self  # type: ignore[no-any-return]  # (mypy took self for Any from the `is` test on paddle's attribute)

    @staticmethod
    def _writer(optimizer: Any, cls: str, settable: Mapping[str, tuple[str, str]], key: str, i: int,
                group: dict[str, Any] | None) -> Callable[[float], None]:
        """A function writing group i's value of ``key``, or a ValueError naming what can be set."""
        if key == "learning_rate":
            params = group["params"] if group is not None else list(optimizer._param_groups)

            def write_multiplier(v: float) -> None:
                if group is not None:
                    group["learning_rate"] = v
                for p in params:
                    p.optimize_attr["learning_rate"] = v
            return write_multiplier
        where = f"param group {i}" if group is not None else "the optimizer"
        if key not in settable:
            can = ", ".join(repr(k) for k in ["learning_rate", *settable])
            raise ValueError(f"ScheduleLR.attach: {key!r} cannot be set on paddle's {cls} ({where}) at each step; "
                             f"what can: {can}")
        group_key, attr = settable[key]
        if key == "weight_decay" and cls == "Momentum":
            method = group.get("regularization_method") if group is not None else optimizer._regularization_method
            if method != "l2_decay":
                raise ValueError(f"ScheduleLR.attach: 'weight_decay' on paddle's Momentum ({where}) sets the L2 "
                                 "coefficient fused into the update, which needs the optimizer (or the group) built "
                                 "with a float weight_decay (or L2Decay); it has none")
        current = group.get(group_key, optimizer._default_dict.get(group_key)) if group is not None \
            else getattr(optimizer, attr)
        if isinstance(current, bool) or not isinstance(current, (int, float)):
            raise ValueError(f"ScheduleLR.attach: {key!r} on paddle's {cls} ({where}) holds a "
                             f"{type(current).__name__}, not a number (a Tensor beta cannot be set per step)")
        if group is not None:
            return lambda v: group.__setitem__(group_key, v)
        return lambda v: setattr(optimizer, attr, v)

    def _write_hyperparams(self) -> None:
        t = self.last_epoch
        _, schedules, writers = cast("_Attached", self._hp)  # (called once attach() set it)
        for key, sch in schedules.items():
            values = [s(t) for s in sch] if isinstance(sch, tuple) else [sch(t)] * len(writers[key])
            for write, v in zip(writers[key], values):
                write(v)

    def _take_checkpoint_hyperparams(self, saved_hp: dict[str, Any], changed: list[str]) -> None:
        """on_change="checkpoint": attach the checkpoint's hyperparameter schedules (those that changed)."""
        if self._hp is None:
            raise ValueError("ScheduleLR.set_state_dict: on_change='checkpoint': the checkpoint has hyperparameter "
                             f"schedules ({', '.join(map(repr, saved_hp))}); attach(optimizer, ...) them first, so "
                             "this scheduler knows the optimizer")
        where = "ScheduleLR.set_state_dict"
        new = {k: v for k, v in self._hp[1].items() if k in saved_hp}
        for k in changed:
            if k in saved_hp:
                new[k] = rebuild(where, f"hyperparams[{k!r}]", saved_hp[k]["schedule"], saved_hp[k]["fingerprint"])
                if isinstance(new[k], tuple):
                    new[k] = list(new[k])
        self.attach(self._hp[0], new)

    def __getstate__(self) -> dict[str, Any]:
        state = AdapterScheduler.__getstate__(self)
        state["_hp"] = None  # writers are closures over the optimizer: attach again after unpickling
        return state

    def __repr__(self) -> str:
        base = f", learning_rate={self.base_lr!r}" if self.mode == "factor" else ""
        clock = f", clock={self.lrcore_clock!r}" if self.lrcore_clock != "steps" else ""
        return (f"{type(self).__name__}({self.schedule!r}, mode={self.mode!r}{base}{clock}, "
                f"last_epoch={self.last_epoch})")


class PlateauScheduleLR(ScheduleLR, ReduceOnPlateau, plateau=True):  # type: ignore[misc]  # ReduceOnPlateau is Any
    """``schedule * lrcore.Plateau(...)`` as paddle's learning rate; ``step(metrics)``.

    ``ScheduleLR(s * plateau)`` returns this class. It is also a
    ``paddle.optimizer.lr.ReduceOnPlateau`` (code that tests for one hands it the metric).
    Rate at step t: ``s(t) * scale`` (times ``learning_rate`` in factor mode), the scale
    following the plateau's decisions (torch's rule, or paddle's with
    ``Plateau(rule="paddle")``, which `lrcore.catalog.paddle.ReduceOnPlateau` uses).

    ``step(metrics)`` feeds the metric to the plateau, then advances one step, as paddle's
    ReduceOnPlateau does; ``step()`` without a metric only advances (per-batch steps with a
    per-epoch metric: call ``step()`` each batch and feed the metric with ``step(metric)`` at
    the last batch of the epoch). ``best``, ``num_bad_epochs`` and ``cooldown_counter`` read
    the plateau state as paddle's attributes of those names do. (``mode`` is "absolute" /
    "factor"; the plateau's "min" / "max" is ``schedule.plateau.mode``.)

    >>> from lrcore.catalog.paddle import ReduceOnPlateau
    >>> sched = ScheduleLR(ReduceOnPlateau(learning_rate=0.1, factor=0.5, patience=0))
    >>> for metric in (1.0, 2.0, 3.0, 0.5):
    ...     sched.step(metric)
    ...     print(sched())
    0.1
    0.05
    0.025
    0.025
    """

    schedule: PlateauSchedule  # (ScheduleLR.__init__ sets both: this class always has a plateau)
    plateau_state: PlateauState

    # (ReduceOnPlateau's step takes the metric first, so this step's signature is not ScheduleLR.step's)
    def step(self, metrics: Any = None, epoch: int | None = None,  # type: ignore[override]
             increment: int | None = None) -> None:
        """Feed ``metrics`` (if given) to the plateau, then advance one step (or go to ``epoch``,
        or advance the clock by ``increment``)."""
        if increment is not None or not self._plain and self.lrcore_clock != "steps":
            t = self._next_epoch(epoch, increment)  # checked before the metric is folded in
            fns = self._fns
            if fns[0] is not self.schedule:
                sch = self.schedule
                fns = self._fns = (sch, sch.plateau.scalar_update, sch.schedule.scalar_fn)
            if metrics is not None:
                self.plateau_state = fns[1](self.plateau_state, metrics if metrics.__class__ is float else _metric(metrics))
            ScheduleLR.step(self, t)
            return
        fns = self._fns
        if fns[0] is not self.schedule:  # first step, or the schedule was replaced
            sch = self.schedule
            fns = self._fns = (sch, sch.plateau.scalar_update, sch.schedule.scalar_fn)
        if metrics is not None:  # the compiled update (same floats as schedule.update)
            self.plateau_state = fns[1](self.plateau_state, metrics if metrics.__class__ is float else _metric(metrics))
        if epoch is None and self._plain and self._own_rates and self.mode == "absolute":  # get_lr() inlined
            self.last_epoch += 1
            self.last_lr = float(fns[2](self.last_epoch) * self.plateau_state.scale)
            if self.verbose:
                print(f"Epoch {self.last_epoch}: {type(self).__name__} set learning rate to {self.last_lr}.")
            return
        ScheduleLR.step(self, epoch)

    _fns: tuple[Any, Any, Any] = (None, None, None)  # (schedule, its compiled plateau update, its scalar function)

    @property
    def best(self) -> float | None:
        """The best metric so far (None before the first)."""
        return cast("dict[str, Any]", self._plateau_data())["best"]  # type: ignore[no-any-return]  # a float or None

    @property
    def num_bad_epochs(self) -> int:
        return int(self.plateau_state.num_bad)

    @property
    def cooldown_counter(self) -> int:
        return int(self.plateau_state.cooldown)

    @property
    def scale(self) -> float:
        """The plateau's multiplier now."""
        return float(self.plateau_state.scale)
