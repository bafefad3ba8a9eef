"""PyTorch: an lrcore schedule as a real ``torch.optim.lr_scheduler.LRScheduler``.

``ScheduleLR(optimizer, schedule)`` writes the schedule's closed form into the optimizer's
param groups, with torch's step convention: right after construction every group holds
``s(0)`` (the rate of update 0); after ``k`` calls of ``scheduler.step()`` (each one after
``optimizer.step()``), ``s(k)``. Per group ``i`` and step ``t``::

    lr_i(t) = s_i(t)                     mode="absolute" (the schedule's values are rates)
    lr_i(t) = initial_lr_i * s_i(t)      mode="factor"   (the schedule is a multiplier)
    lr_i(t) = ... * scale(plateau state) for ``schedule * lrcore.Plateau(...)``

where ``s_i`` is the one schedule given, or the i-th of a list with one schedule per group.

* ``state_dict()`` is plain data (step counts, the schedule's config and fingerprint, the mode)
  so ``torch.load(weights_only=True)`` reads it. A checkpoint saved under a different schedule
  is handled by ``on_change`` (an argument of the constructor or of ``load_state_dict``):
  ``"error"`` (the default) refuses it and names every field that changed, ``"checkpoint"``
  continues with the checkpoint's schedule (rebuilt from its config), ``"current"`` (alias
  ``allow_schedule_change=True``) with the schedule given here, from the saved step.
* Tensor learning rates are filled in place (``fill_`` / ``copy_``), never rebound, so a
  ``torch.compile``d or capturable optimizer step does not recompile. With
  ``compute_on_device=True`` a tensor rate is computed on its own device
  (``s.evaluate(step_tensor)``), with no host synchronisation.
* Every hyperparameter: ``ScheduleLR(opt, {"lr": s, "momentum": m, "weight_decay": w})``, or a
  list with one such dict per param group (the same keys in each). The other keys are always
  absolute values (``mode`` applies to the lr only). ``"momentum"`` sets ``group["momentum"]``
  or, for the Adam family (a group with ``betas`` and no ``momentum``), ``betas[0]`` (what
  torch's OneCycleLR / CyclicLR cycle); any other key must be a number (or tensor) the groups
  already have (``"eps"``, ``"weight_decay"``, ``"lr_decay"``, ...), else the constructor names
  the key, the group and the group's keys. ``extra={...}`` is the older spelling of the keys
  beside ``"lr"`` (an alias: ``ScheduleLR(opt, s, extra={"momentum": m})`` is
  ``ScheduleLR(opt, {"lr": s, "momentum": m})``).
* ``clock="samples"`` or ``"tokens"``: the schedule's t counts samples (or tokens) instead of
  optimizer steps, and each ``scheduler.step(increment=n)`` advances it by the ``n`` samples of
  that step (Megatron's sample-based schedules, right under a batch-size ramp-up). ``t`` is
  ``last_epoch``, in the clock's unit. ``clock="steps"`` (the default) is torch's convention.
* ``step_source="optimizer"`` takes the step from the optimizer's own update count (an
  optimizer step post-hook counts the updates that ran and writes the next rates): updates that
  ``torch.amp.GradScaler`` skips (inf/NaN gradients) and extra ``scheduler.step()`` calls
  (accelerate calls it once per process) do not advance the schedule.
* A schedule scaled by a ``lrcore.Plateau`` makes ``ScheduleLR(...)`` return a
  `PlateauScheduleLR`, which also subclasses ``ReduceLROnPlateau`` (what Lightning and the HF
  Trainer test for to pass the monitored metric) and takes ``step(metric)``.

>>> import torch, lrcore
>>> from lrcore.adapters.torch import ScheduleLR
>>> model = torch.nn.Linear(2, 1)
>>> opt = torch.optim.SGD(model.parameters(), lr=0.0)
>>> s = lrcore.Warmup(lrcore.Cosine(start_value=0.1, steps=8), warmup_steps=2)
>>> sched = ScheduleLR(opt, s)
>>> lrs = []
>>> for t in range(6):
...     lrs.append(opt.param_groups[0]["lr"])  # the rate update t uses
...     opt.step()
...     sched.step()
>>> [f"{v:.4f}" for v in lrs]
['0.0000', '0.0500', '0.1000', '0.0962', '0.0854', '0.0691']
>>> lrs == [s(t) for t in range(6)]
True

Momentum and weight decay beside the rate, on a sample clock (batches of 4 then 8 samples):

>>> opt = torch.optim.SGD(model.parameters(), lr=0.0, momentum=0.0, weight_decay=0.0)
>>> sched = ScheduleLR(opt, {"lr": s, "momentum": lrcore.Linear(start_value=0.85, end_value=0.95, steps=16),
...                          "weight_decay": lrcore.Constant(value=1e-4)}, clock="samples")
>>> for batch in (4, 4, 8):
...     opt.step(); sched.step(increment=batch)
>>> sched.last_epoch, opt.param_groups[0]["lr"] == s(16), opt.param_groups[0]["momentum"]
(16, True, 0.95)
"""

from __future__ import annotations

import functools
import warnings
import weakref
from typing import Any, Mapping, Sequence, cast

import torch
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler, ReduceLROnPlateau

from lrcore import Plateau, PlateauSchedule, PlateauState, Schedule
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
from lrcore.adapters._common import (CLOCKS, UNITS, AdapterScheduler, check_clock, check_increment, check_step,
                                    resolve_attached, spec_changes, spec_of, split_hyperparams)

__all__ = ["ScheduleLR", "PlateauScheduleLR", "ScheduleChangedError", "STATE_FORMAT", "CLOCKS"]

STATE_FORMAT = "lrcore.adapters.torch.ScheduleLR/1"
"""The ``"format"`` entry of every `ScheduleLR.state_dict`."""

_MODES = ("absolute", "factor")
_STEP_SOURCES = ("scheduler", "optimizer")

# torch's own texts (torch/optim/lr_scheduler.py), so filters written for torch keep working.
_MSG_OVERRIDDEN = (
    "Seems like `optimizer.step()` has been overridden after learning rate scheduler "
    "initialization. Please, make sure to call `optimizer.step()` before "
    "`lr_scheduler.step()`. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)
_MSG_ORDER = (
    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. "
    "In PyTorch 1.1.0 and later, you should call them in the opposite order: "
    "`optimizer.step()` before `lr_scheduler.step()`.  Failure to do this "
    "will result in PyTorch skipping the first value of the learning rate schedule. "
    "See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)
_MSG_GET_LR = "To get the last learning rate computed by the scheduler, please use `get_last_lr()`."


# -- helpers -------------------------------------------------------------------------------

def _check_schedules(what: str, schedule: Any, n_groups: int, plateau_ok: bool) -> Any:
    """One schedule (returned as is) or one per param group (returned as a tuple)."""
    kinds = (Schedule, PlateauSchedule) if plateau_ok else (Schedule,)
    need = "an lrcore Schedule" + (" (or schedule * Plateau)" if plateau_ok else "")
    if isinstance(schedule, (list, tuple)):
        if len(schedule) != n_groups:
            raise ValueError(f"ScheduleLR: `{what}` must hold one schedule per param group "
                             f"({n_groups}), got {len(schedule)}")
        for i, s in enumerate(schedule):
            if not isinstance(s, kinds):
                raise TypeError(f"ScheduleLR: `{what}[{i}]` must be {need}, got {type(s).__name__}")
        return tuple(schedule)
    if not isinstance(schedule, kinds):
        if isinstance(schedule, PlateauSchedule):
            raise TypeError(f"ScheduleLR: `{what}` must be a plain lrcore Schedule, a Plateau "
                            "scales only the learning rate")
        raise TypeError(f"ScheduleLR: `{what}` must be {need} or a list with one per param group, "
                        f"got {type(schedule).__name__}")
    return schedule


def _patch_optimizer_step(opt: Optimizer) -> None:
    """torch's own marker on ``optimizer.step`` (LRScheduler.__init__ does the same), used to
    warn about a wrong call order; restored after pickling, which drops it."""
    if hasattr(opt.step, "_wrapped_by_lr_sched"):
        return
    opt_ref = weakref.ref(opt)
    func = opt.step.__func__

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        o = opt_ref()
        o._opt_called = True  # type: ignore[union-attr]  # (alive: its own step is running)
        return func.__get__(o, o.__class__)(*args, **kwargs)

    wrapper._wrapped_by_lr_sched = True  # type: ignore[attr-defined]  # torch's marker, set on a function
    opt.step = wrapper


def _write(group: dict[str, Any], key: str, index: int | None, value: Any) -> None:
    """Set group[key] (or group[key][index]) to value; a tensor is filled in place, never rebound."""
    cur = group[key] if index is None else group[key][index]
    if isinstance(cur, torch.Tensor):
        with torch.no_grad():
            if isinstance(value, torch.Tensor):
                cur.copy_(value)
            else:
                cur.fill_(value)
    elif index is None:
        group[key] = float(value) if isinstance(value, torch.Tensor) else value
    else:
        seq = list(group[key])
        seq[index] = float(value) if isinstance(value, torch.Tensor) else value
        group[key] = tuple(seq)


def _plain(v: Any) -> Any:
    return float(v) if isinstance(v, torch.Tensor) else v


# -- the scheduler -------------------------------------------------------------------------

class ScheduleLR(AdapterScheduler, LRScheduler):  # type: ignore[misc]  # LRScheduler is Any: mypy does not follow torch
    """An lrcore schedule driving a torch optimizer: a real ``LRScheduler``, closed form.

    Args:
        optimizer: any ``torch.optim.Optimizer``.
        schedule: an lrcore ``Schedule`` for every param group, or a list with one per group;
            or a dict of hyperparameter schedules ``{"lr": s, "momentum": m, "weight_decay":
            w, <other group key>: ...}`` (each value a schedule for every group or a list with
            one per group), or a list with one such dict per group (the same keys in each).
            ``schedule * lrcore.Plateau(...)`` as the lr gives a `PlateauScheduleLR`
            (metric-driven). The keys beside ``"lr"`` are absolute values: ``"momentum"`` is
            ``betas[0]`` on the Adam family (a group with ``betas`` and no ``momentum``), as in
            torch's OneCycleLR; any other key must be a number (or tensor) the groups hold.
        mode: ``"absolute"`` (group lr = s(t)) or ``"factor"`` (group lr = initial_lr * s(t),
            so one schedule serves groups with different rates).
        last_epoch: torch's resume-by-constructor convention (the last step already done);
            prefer ``load_state_dict``.
        extra: the older spelling of the dict's keys beside ``"lr"``, kept as an alias:
            ``ScheduleLR(opt, s, extra={"momentum": m})`` is ``ScheduleLR(opt, {"lr": s,
            "momentum": m})`` (a key in both is an error).
        step_source: ``"scheduler"`` (t = number of ``step()`` calls, torch's convention) or
            ``"optimizer"`` (t = number of optimizer updates that ran; the rates are written
            after each update, and ``step()`` only re-applies them).
        compute_on_device: compute tensor learning rates on their device, without host sync.
        on_change: what ``load_state_dict`` does with a checkpoint saved under a different
            schedule (or mode, or step source): ``"error"`` (the default) raises
            `ScheduleChangedError` naming each change as ``path: saved -> now``;
            ``"checkpoint"`` continues with the checkpoint's schedule, mode and step source
            (the schedules rebuilt from their configs; a clear ValueError if one was not
            storable); ``"current"`` keeps the ones given here and continues from the saved
            step. An opaque fingerprint (a function whose behaviour cannot be encoded) proves
            nothing, so ``"error"`` refuses it even when equal.
        allow_schedule_change: the older spelling of ``on_change``: True is ``"current"``,
            False ``"error"`` (giving both in disagreement is an error).
        clock: what t counts: ``"steps"`` (the default: ``step()`` adds 1), ``"samples"`` or
            ``"tokens"`` (``step(increment=n)`` adds the n samples or tokens of the step just
            taken; n is required, an int >= 1). A non-step clock needs
            ``step_source="scheduler"`` and ``last_epoch=-1``; the state_dict keeps the clock,
            and loading it into a scheduler on another clock is an error.
        total_steps, steps_per_epoch, tokens_per_step, samples_per_step: resolve the
            schedules' durations in units (``"10%"``, ``"2ep"``, ``"1Btok"``, ...) when attached,
            as `lrcore.Schedule.resolve` does (a schedule that needs a keyword not given is refused
            here). The state_dict keeps the schedules as written (``"spec"``) and the keywords
            (``"units"``) beside the resolved trees; a resume compares all three.

    Step ``t`` is ``last_epoch`` (a count in the clock's unit). ``get_lr()`` and ``_get_closed_form_lr()`` both return the
    closed form at ``last_epoch``, as Python floats (device tensors for tensor lrs with
    ``compute_on_device=True``). ``step(epoch)`` jumps to ``epoch`` exactly (no warning: the
    form is closed).

    >>> import torch, lrcore
    >>> p = [torch.nn.Parameter(torch.zeros(1)) for _ in range(2)]
    >>> opt = torch.optim.SGD([{"params": [p[0]], "lr": 1.0}, {"params": [p[1]], "lr": 0.1}])
    >>> sched = ScheduleLR(opt, lrcore.Linear(start_value=1.0, end_value=0.5, steps=2), mode="factor")
    >>> for _ in range(2):
    ...     opt.step(); sched.step()
    >>> sched.get_last_lr()
    [0.5, 0.05]
    >>> sched.state_dict()["schedule"]
    {'type': 'Linear', 'start_value': 1.0, 'end_value': 0.5, 'steps': 2}
    """

    _schedule_at = 1  # ScheduleLR(optimizer, schedule): `schedule * Plateau` builds a PlateauScheduleLR
    _rate_methods = ("get_lr", "_get_closed_form_lr", "_lr_at")  # overridden: `_apply` calls get_lr()
    _transient = ("_fns", "_hook", "_device_steps")  # compiled code, the optimizer's hook, device tensors
    _hook = None
    _n_checked = -1  # param groups last checked against the schedules (`_check_groups`)
    _fns: tuple[Any, Any] = (None, None)  # (schedule, its scalar function(s)) for `_apply`
    # set by LRScheduler.__init__ and step(); declared for the type checker
    optimizer: Optimizer
    base_lrs: list[float]
    last_epoch: int
    _step_count: int
    _last_lr: list[Any]
    _get_lr_called_within_step: bool

    def __init__(
        self,
        optimizer: Optimizer,
        schedule: Schedule | PlateauSchedule | Sequence[Schedule | PlateauSchedule] | Mapping[str, Any]
        | Sequence[Mapping[str, Any]],
        *,
        mode: str = "absolute",
        last_epoch: int = -1,
        extra: Mapping[str, Schedule | Sequence[Schedule]] | None = None,
        step_source: str = "scheduler",
        compute_on_device: bool = False,
        on_change: str | None = None,
        allow_schedule_change: bool | None = None,
        clock: str = "steps",
        total_steps: int | None = None,
        steps_per_epoch: float | None = None,
        tokens_per_step: float | None = None,
        samples_per_step: float | None = None,
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"ScheduleLR: `optimizer` must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
        if mode not in _MODES:
            raise ValueError(f"ScheduleLR: `mode` must be one of 'absolute', 'factor', got mode={mode!r}")
        if step_source not in _STEP_SOURCES:
            raise ValueError(f"ScheduleLR: `step_source` must be one of 'scheduler', 'optimizer', got step_source={step_source!r}")
        if not isinstance(compute_on_device, bool):
            raise TypeError(f"ScheduleLR: `compute_on_device` must be a bool, got compute_on_device={compute_on_device!r}")
        self.on_change = resolve_on_change("ScheduleLR", on_change, allow_schedule_change)
        last_epoch = check_step("ScheduleLR", "last_epoch", last_epoch, -1)
        self.clock = check_clock("ScheduleLR", clock)
        self._steps_clock = clock == "steps"
        if not self._steps_clock and step_source != "scheduler":
            raise ValueError(f"ScheduleLR: clock={clock!r} counts what step(increment=n) is given, so it needs "
                             f"step_source='scheduler', got step_source={step_source!r}")
        if not self._steps_clock and last_epoch != -1:
            raise ValueError(f"ScheduleLR: with clock={clock!r}, resume with load_state_dict (it keeps the clock's "
                             f"count), not last_epoch; got last_epoch={last_epoch}")
        if extra is not None and not isinstance(extra, Mapping):
            raise TypeError(f"ScheduleLR: `extra` must be a dict of hyperparameter schedules, got {type(extra).__name__}")
        groups = optimizer.param_groups
        units: dict[str, float | None] = dict(zip(UNITS, (total_steps, steps_per_epoch, tokens_per_step,
                                                          samples_per_step)))
        self.units = {k: v for k, v in units.items() if v is not None}
        self.spec = spec_of({"schedule": schedule, "extra": extra})
        schedule, extra = resolve_attached(schedule, units), resolve_attached(extra, units)
        schedule, extra, self._from_extra = split_hyperparams("ScheduleLR", schedule, extra, len(groups), "lr")
        self.schedule = _check_schedules("schedule", schedule, len(groups), plateau_ok=True)
        plateau = self._find_plateau(self.schedule)
        if plateau is not None and not isinstance(self, PlateauScheduleLR):
            raise TypeError("ScheduleLR: a schedule scaled by a Plateau needs PlateauScheduleLR (ScheduleLR(...) "
                            "returns one; a subclass of ScheduleLR must derive from PlateauScheduleLR)")
        if plateau is None and isinstance(self, PlateauScheduleLR):
            raise TypeError("PlateauScheduleLR: `schedule` must be `schedule * lrcore.Plateau(...)` (or a list of "
                            "them, one per param group, sharing one Plateau); use ScheduleLR for plain schedules")
        self.plateau = plateau
        self.plateau_state: PlateauState | None = None if plateau is None else plateau.init()
        self.extra: dict[str, Any] = {}  # key -> one schedule, or a tuple with one per group
        self._extra_targets: dict[str, list[tuple[str, int | None]]] = {}
        for key, sch in extra.items():
            if not isinstance(key, str):
                raise TypeError(f"ScheduleLR: `extra` keys must be param group keys (str), got {key!r}")
            self.extra[key] = _check_schedules(self._label(key), sch, len(groups), plateau_ok=False)
            self._extra_targets[key] = [self._extra_target(key, i, g) for i, g in enumerate(groups)]
        self.mode = mode
        self.step_source = step_source
        self.compute_on_device = compute_on_device
        self.optimizer_steps = last_epoch + 1  # updates counted by the hook (step_source="optimizer")
        self._device_steps: dict[Any, torch.Tensor] = {}
        LRScheduler.__init__(self, optimizer, last_epoch)  # sets initial_lr, base_lrs; writes s(0)
        if step_source == "optimizer":
            self._hook = optimizer.register_step_post_hook(self._on_optimizer_step)

    # -- construction helpers
    @staticmethod
    def _find_plateau(schedule: Any) -> Plateau | None:
        items = schedule if isinstance(schedule, tuple) else (schedule,)
        plateaus = [s.plateau for s in items if isinstance(s, PlateauSchedule)]
        if not plateaus:
            return None
        if len(plateaus) != len(items) or any(p != plateaus[0] for p in plateaus):
            raise TypeError("ScheduleLR: with one schedule per param group, either none or all of them are "
                            "scaled by a Plateau, and by the same Plateau (one metric drives all groups)")
        return plateaus[0]

    _from_extra: set[str] = set()  # the keys given by `extra=` (its error messages name `extra`)
    clock = "steps"  # (class defaults: schedulers pickled before clocks)
    _steps_clock = True
    spec: Any = None  # the schedules as written, where they held durations in units (or None)
    units: dict[str, float] = {}  # the keywords they were resolved with

    def _label(self, key: str) -> str:
        return f"extra[{key!r}]" if key in self._from_extra else f"schedule[{key!r}]"

    def _extra_target(self, key: str, i: int, group: dict[str, Any]) -> tuple[str, int | None]:
        what = f"`extra` key {key!r}" if key in self._from_extra else f"hyperparameter {key!r}"
        if key == "lr":
            raise ValueError("ScheduleLR: `extra` must not hold 'lr'; the lr is `schedule`")
        if key == "momentum" and "momentum" not in group and "betas" in group:
            return ("betas", 0)  # the Adam family, as torch's OneCycleLR and CyclicLR do
        if key not in group:
            hint = " ('momentum' also sets betas[0] where the optimizer has betas)" if key == "momentum" else ""
            raise ValueError(f"ScheduleLR: {what}: param group {i} has no {key!r}{hint}; it has "
                             f"{', '.join(sorted(k for k in group if k != 'params'))}")
        v = group[key]
        if not (isinstance(v, torch.Tensor) or (isinstance(v, (int, float)) and not isinstance(v, bool))):
            raise ValueError(f"ScheduleLR: {what}: param group {i} holds {v!r}, not a number or "
                             "tensor (for betas[0] use the key 'momentum')")
        return (key, None)

    # -- values
    def _schedule_for(self, i: int) -> Any:
        return self.schedule[i] if isinstance(self.schedule, tuple) else self.schedule

    def _bases(self) -> list[float]:
        groups = self.optimizer.param_groups
        if any(isinstance(b, torch.Tensor) for b in self.base_lrs):  # once: tensor initial lrs
            self.base_lrs = [float(b) for b in self.base_lrs]
        if len(self.base_lrs) < len(groups):  # groups added by add_param_group
            for g in groups[len(self.base_lrs):]:
                self.base_lrs.append(float(g.setdefault("initial_lr", _plain(g["lr"]))))
        return self.base_lrs

    def _device_step(self, device: torch.device) -> torch.Tensor:
        t = self._device_steps.get(device)
        if t is None:
            dtype = torch.float32 if device.type == "mps" else torch.float64
            t = self._device_steps[device] = torch.zeros((), dtype=dtype, device=device)
        t.fill_(self.last_epoch)  # a kernel argument: no host synchronisation
        return t

    def _lr_at(self, i: int, group: dict[str, Any]) -> Any:
        s, t = self._schedule_for(i), self.last_epoch
        cur = group["lr"]
        on_device = self.compute_on_device and isinstance(cur, torch.Tensor)
        if isinstance(s, PlateauSchedule):
            # (a schedule scaled by a Plateau comes with its state)
            scale = cast(PlateauState, self.plateau_state).scale
            value = (s.schedule.evaluate(self._device_step(cur.device)) if on_device else s.schedule(t)) * scale
        else:
            value = s.evaluate(self._device_step(cur.device)) if on_device else s(t)
        if self.mode == "factor":
            value = self._bases()[i] * value
        return value

    def _check_groups(self) -> None:
        n = len(self.optimizer.param_groups)
        for what, sch in [("schedule", self.schedule)] + [(self._label(k), v) for k, v in self.extra.items()]:
            if isinstance(sch, tuple) and len(sch) != n:
                raise ValueError(f"ScheduleLR: the optimizer has {n} param groups but `{what}` holds {len(sch)} "
                                 "schedules (one per group); was a group added after the scheduler was built?")
        for k, targets in self._extra_targets.items():
            for i in range(len(targets), n):
                targets.append(self._extra_target(k, i, self.optimizer.param_groups[i]))

    def _get_closed_form_lr(self) -> list[Any]:
        """The closed form at ``last_epoch``: one rate per param group."""
        self._check_groups()
        return [self._lr_at(i, g) for i, g in enumerate(self.optimizer.param_groups)]

    def get_lr(self) -> list[Any]:
        """The rates for step ``last_epoch`` (closed form; use ``get_last_lr()`` to read them)."""
        if not self._get_lr_called_within_step:
            warnings.warn(_MSG_GET_LR, UserWarning, stacklevel=2)
        return self._get_closed_form_lr()

    def _apply(self) -> None:
        """Write the rates (and extra hyperparameters) for step ``last_epoch`` into the groups.

        Each distinct schedule is evaluated once per step (once for all the groups one schedule
        serves) by its compiled scalar function, unless a subclass overrides how the rates are
        computed or they are computed on the device: then through ``get_lr()``. Float rates are
        stored, tensor rates filled in place.
        """
        groups = self.optimizer.param_groups
        n, t = len(groups), self.last_epoch
        if n != self._n_checked:
            self._check_groups()
            self._n_checked = n
        if self._own_rates and not self.compute_on_device:  # the common case
            sch, fns, st = self.schedule, self._fns, self.plateau_state
            if fns[0] is not sch:  # first step, or the schedule was replaced
                fns = self._fns = (sch, tuple((s if st is None else s.schedule).scalar_fn for s in sch)
                                   if sch.__class__ is tuple else (sch if st is None else sch.schedule).scalar_fn)
            fn = fns[1]
            if st is None:
                values = [f(t) for f in fn] if fn.__class__ is tuple else [fn(t)] * n
            else:
                scale = st.scale
                values = [f(t) * scale for f in fn] if fn.__class__ is tuple else [fn(t) * scale] * n
            if self.mode == "factor":
                values = [b * v for b, v in zip(self._bases(), values)]
        else:
            self._get_lr_called_within_step = True
            try:
                values = [v if isinstance(g["lr"], torch.Tensor) else _plain(v)
                          for g, v in zip(groups, self.get_lr(), strict=True)]
            finally:
                self._get_lr_called_within_step = False
        tensors = False
        for g, v in zip(groups, values):
            cur = g["lr"]
            if cur.__class__ is float or not isinstance(cur, torch.Tensor):
                g["lr"] = v
            else:
                tensors = True
                _write(g, "lr", None, v)
        for key, sch in self.extra.items() if self.extra else ():
            extra = [s(t) for s in sch] if sch.__class__ is tuple else [sch(t)] * n
            for g, (k, idx), v in zip(groups, self._extra_targets[key], extra):
                if idx is None and g[k].__class__ is float:
                    g[k] = v
                else:
                    _write(g, k, idx, v)
        # torch's get_last_lr(): the groups' rates, tensors cloned; `values` is a fresh list
        self._last_lr = [g["lr"].clone() if isinstance(g["lr"], torch.Tensor) else g["lr"] for g in groups] \
            if tensors else values

    # -- stepping
    def step(self, epoch: int | None = None, increment: int | None = None) -> None:
        """Advance one step (call it after ``optimizer.step()``) and write the new rates.

        ``step(epoch)`` sets the step (the clock's count) to ``epoch``. ``step(increment=n)``
        advances the clock by n (required with ``clock="samples"`` or ``"tokens"``: the samples
        or tokens of the step just taken; optional with ``"steps"``). With
        ``step_source="optimizer"`` the step is the optimizer's update count and this only
        re-applies the rates.
        """
        if increment is not None or not self._steps_clock:
            increment = self._check_increment(epoch, increment)
        if self._step_count == 1 and self.step_source == "scheduler":
            if not hasattr(self.optimizer.step, "_wrapped_by_lr_sched"):
                warnings.warn(_MSG_OVERRIDDEN, UserWarning, stacklevel=2)
            elif not getattr(self.optimizer, "_opt_called", False):
                warnings.warn(_MSG_ORDER, UserWarning, stacklevel=2)
        self._step_count += 1
        scheduler = self.step_source == "scheduler"
        if increment is not None:
            self.last_epoch += increment
        elif epoch is None and scheduler:  # the common case first
            self.last_epoch += 1
        elif not scheduler:
            if epoch is not None:
                raise ValueError("ScheduleLR.step: `epoch` cannot be given with step_source='optimizer' (the step "
                                 "is the optimizer's update count)")
            self.last_epoch = self.optimizer_steps
        else:
            self.last_epoch = check_step("ScheduleLR.step", "epoch", epoch, 0)
        self._apply()

    def _check_increment(self, epoch: Any, increment: Any) -> int | None:
        """The clock's advance for this ``step`` (None: the step is ``epoch``, or torch's first
        step inside the constructor, which sets the count from -1 to 0)."""
        if self._step_count == 0 and increment is None:  # LRScheduler.__init__'s own step()
            return None
        if epoch is not None:
            if increment is not None:
                raise ValueError("ScheduleLR.step: give `epoch` (go to that count) or `increment` (advance by it), "
                                 f"not both; got epoch={epoch!r}, increment={increment!r}")
            return None
        if self.step_source != "scheduler":
            raise ValueError("ScheduleLR.step: `increment` cannot be given with step_source='optimizer' (the step "
                             "is the optimizer's update count)")
        return check_increment("ScheduleLR.step", increment, self.clock)

    def _on_optimizer_step(self, optimizer: Optimizer, args: Any, kwargs: Any) -> None:
        """Optimizer step post-hook (step_source="optimizer"): one more update ran."""
        self.optimizer_steps += 1
        self.last_epoch = self.optimizer_steps
        self._apply()

    # -- state
    def state_dict(self) -> dict[str, Any]:
        """Plain data only (``torch.load(weights_only=True)`` reads it): the step counts, the
        clock, the config and fingerprint of every hyperparameter's schedule (the lr's under
        ``"schedule"``, the others under ``"extra"``), the mode, the step source, the base
        rates and the plateau state."""
        sd: dict[str, Any] = {
            "format": STATE_FORMAT,
            "last_epoch": int(self.last_epoch),
            "_step_count": int(self._step_count),
            "optimizer_steps": int(self.optimizer_steps),
            "mode": self.mode,
            "step_source": self.step_source,
            "clock": self.clock,
            "schedule": config_of(self.schedule),
            "fingerprint": fingerprint_of(self.schedule),
            "extra": {k: {"schedule": config_of(v), "fingerprint": fingerprint_of(v)} for k, v in self.extra.items()},
            "base_lrs": [float(b) for b in self._bases()],
            "_last_lr": [float(v) for v in self._last_lr],
        }
        if self.spec is not None or self.units:
            sd["spec"], sd["units"] = self.spec, dict(self.units)
        if self.plateau_state is not None:
            sd["plateau_state"] = {k: float(v) for k, v in self.plateau_state._asdict().items()}
        return sd

    def load_state_dict(self, state_dict: Mapping[str, Any], *, on_change: str | None = None,
                        allow_schedule_change: bool | None = None) -> None:
        """Restore the step counts (and plateau state), then write the rates of the restored step.

        A checkpoint counting another clock (``"steps"``, ``"samples"``, ``"tokens"``) is
        always refused (a ValueError). If it was saved under another schedule (of any
        hyperparameter), mode or step source, ``on_change``
        (here, or else the constructor's) decides: ``"error"`` raises `ScheduleChangedError`
        naming every changed field (``schedule.parts[1].steps: 900 -> 1000``) and loads
        nothing; ``"checkpoint"`` continues with the checkpoint's schedules (rebuilt from their
        configs), mode and step source; ``"current"`` (``allow_schedule_change=True``) with this
        scheduler's. An opaque fingerprint counts as a change.
        """
        policy = self.on_change if on_change is None and allow_schedule_change is None else \
            resolve_on_change("ScheduleLR.load_state_dict", on_change, allow_schedule_change)
        if not isinstance(state_dict, Mapping) or state_dict.get("format") != STATE_FORMAT:
            keys = sorted(state_dict) if isinstance(state_dict, Mapping) else type(state_dict).__name__
            raise ValueError(f"ScheduleLR.load_state_dict: not a ScheduleLR state_dict (format {STATE_FORMAT!r}), "
                             f"got {keys}")
        saved_clock = state_dict.get("clock", "steps")  # (checkpoints written before clocks counted steps)
        if saved_clock != self.clock:
            raise ValueError(f"ScheduleLR.load_state_dict: the checkpoint counts {saved_clock} (clock={saved_clock!r}) "
                             f"and this scheduler {self.clock} (clock={self.clock!r}); a count in one unit is not a "
                             f"count in the other: build the scheduler with clock={saved_clock!r}")
        changes: list[str] = []
        for key in ("mode", "step_source"):
            if state_dict[key] != getattr(self, key):
                changes.append(f"{key}: {state_dict[key]!r} -> {getattr(self, key)!r}")
        fps = [state_dict["fingerprint"], fingerprint_of(self.schedule)]
        changed: dict[str | tuple[str, str], list[str]] = {"schedule": schedule_changes("schedule", state_dict["schedule"], state_dict["fingerprint"],
                                                config_of(self.schedule), fps[1])}
        saved_extra = state_dict.get("extra", {})
        for k in list(saved_extra) + [k for k in self.extra if k not in saved_extra]:
            path = self._label(k) if k in self.extra else f"schedule[{k!r}]"
            if k not in self.extra:
                changed[("extra", k)] = [f"{path}: {short(saved_extra[k]['schedule'])} -> (absent)"]
            elif k not in saved_extra:
                changed[("extra", k)] = [f"{path}: (absent) -> {short(config_of(self.extra[k]))}"]
            else:
                fps += [saved_extra[k]["fingerprint"], fingerprint_of(self.extra[k])]
                changed[("extra", k)] = schedule_changes(path, saved_extra[k]["schedule"], saved_extra[k]["fingerprint"],
                                                         config_of(self.extra[k]), fps[-1])
        changes += spec_changes(state_dict.get("spec"), state_dict.get("units"), self.spec, self.units)
        for lines in changed.values():
            changes += lines
        if changes and policy == "error":
            raise ScheduleChangedError(changes, opaque=has_opaque(*fps))
        n_saved, n = len(state_dict["base_lrs"]), len(self.optimizer.param_groups)
        if n_saved != n:
            raise ValueError(f"ScheduleLR.load_state_dict: the checkpoint has {n_saved} param groups, the optimizer {n}")
        if changes and policy == "checkpoint":
            self._take_checkpoint_schedules(state_dict, {k for k, lines in changed.items() if lines})
        self.last_epoch = int(state_dict["last_epoch"])
        self._step_count = int(state_dict["_step_count"])
        self.optimizer_steps = int(state_dict["optimizer_steps"])
        if self.mode == state_dict["mode"]:
            self.base_lrs = [float(b) for b in state_dict["base_lrs"]]
        if self.plateau is not None:
            saved = state_dict.get("plateau_state")
            self.plateau_state = self.plateau.init() if saved is None else PlateauState(**{k: float(v) for k, v in saved.items()})
        self._apply()

    def _take_checkpoint_schedules(self, state_dict: Mapping[str, Any], changed: set[str | tuple[str, str]]) -> None:
        """on_change="checkpoint": switch to the checkpoint's schedules (those in ``changed``:
        "schedule" and ``("extra", key)``), mode and step source. Everything is rebuilt and
        checked before anything is replaced, so a refusal leaves the scheduler as it was."""
        where = "ScheduleLR.load_state_dict"
        groups = self.optimizer.param_groups
        schedule, plateau = self.schedule, self.plateau
        if "schedule" in changed:
            schedule = _check_schedules("schedule", rebuild(where, "schedule", state_dict["schedule"],
                                                            state_dict["fingerprint"]), len(groups), plateau_ok=True)
            plateau = self._find_plateau(schedule)
            if (plateau is None) != (self.plateau is None):
                has = "is" if plateau is not None else "is not"
                raise ValueError(f"{where}: on_change='checkpoint': the checkpoint's schedule {has} scaled by a Plateau "
                                 f"and this {type(self).__name__}'s {'is not' if plateau is not None else 'is'}; build "
                                 "the scheduler with a schedule of the same kind (ScheduleLR(optimizer, s * Plateau(...)) "
                                 "gives a PlateauScheduleLR)")
        saved_extra = state_dict.get("extra", {})
        extra = {k: v for k, v in self.extra.items() if k in saved_extra}
        targets = {k: v for k, v in self._extra_targets.items() if k in saved_extra}
        for k in saved_extra:
            if ("extra", k) in changed:
                extra[k] = _check_schedules(self._label(k), rebuild(where, self._label(k), saved_extra[k]["schedule"],
                                                                      saved_extra[k]["fingerprint"]),
                                            len(groups), plateau_ok=False)
                targets[k] = [self._extra_target(k, i, g) for i, g in enumerate(groups)]
        self.schedule, self.plateau, self.extra, self._extra_targets = schedule, plateau, extra, targets
        self.spec, self.units = state_dict.get("spec"), dict(state_dict.get("units") or {})
        self._n_checked = -1
        self.mode = state_dict["mode"]
        if state_dict["step_source"] != self.step_source:
            self.step_source = state_dict["step_source"]
            if self._hook is not None:
                self._hook.remove()
                self._hook = None
            if self.step_source == "optimizer":
                self._hook = self.optimizer.register_step_post_hook(self._on_optimizer_step)

    # -- pickling (`_transient` is not pickled): the optimizer drops its hooks and torch's step
    # marker; put them back
    def __setstate__(self, state: dict[str, Any]) -> None:
        AdapterScheduler.__setstate__(self, {**state, "_device_steps": {}})
        _patch_optimizer_step(self.optimizer)
        if self.step_source == "optimizer":
            self._hook = self.optimizer.register_step_post_hook(self._on_optimizer_step)

    def __repr__(self) -> str:
        schedule = {"lr": self.schedule, **self.extra} if self.extra else self.schedule
        clock = f", clock={self.clock!r}" if self.clock != "steps" else ""
        return (f"{type(self).__name__}(schedule={schedule!r}, mode={self.mode!r}, "
                f"step_source={self.step_source!r}{clock}, last_epoch={self.last_epoch})")


class PlateauScheduleLR(ScheduleLR, ReduceLROnPlateau, plateau=True):  # type: ignore[misc]  # ReduceLROnPlateau is Any
    """``schedule * lrcore.Plateau(...)`` driving a torch optimizer; ``step(metric)``.

    ``ScheduleLR(optimizer, s * plateau)`` returns this class (one obvious way: pass the
    scaled schedule to ``ScheduleLR``). It subclasses ``ReduceLROnPlateau``, so Lightning
    (``monitor=...``) and the HF Trainer (``metric_for_best_model``) hand it the metric. Rate
    at step t: ``s(t) * scale``, where the scale follows torch's ReduceLROnPlateau decisions.

    ``step(metrics)`` first feeds the metric to the plateau, then advances one step like
    ``ScheduleLR.step()``; ``step()`` without a metric only advances. When the metric comes at
    another rate than the updates (the HF Trainer steps a ReduceLROnPlateau only at
    evaluations; per-epoch validation with per-batch updates), use
    ``step_source="optimizer"``: the step then follows the optimizer's updates by itself and
    ``step(metric)`` only feeds the metric.

    ``best``, ``num_bad_epochs``, ``cooldown_counter`` and ``in_cooldown`` read the plateau
    state as torch's attributes of the same names do. (``mode`` is ScheduleLR's "absolute" /
    "factor"; the plateau's "min" / "max" is ``plateau.mode``.)

    >>> import torch, lrcore
    >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.0)
    >>> sched = ScheduleLR(opt, lrcore.Constant(value=0.1) * lrcore.Plateau(factor=0.5, patience=0))
    >>> isinstance(sched, torch.optim.lr_scheduler.ReduceLROnPlateau), type(sched).__name__
    (True, 'PlateauScheduleLR')
    >>> for metric in (1.0, 2.0, 3.0, 0.5):
    ...     opt.step(); sched.step(metric)
    ...     print(opt.param_groups[0]["lr"])
    0.1
    0.05
    0.025
    0.025
    """

    plateau: Plateau  # (set in ScheduleLR.__init__: a PlateauScheduleLR always has both)
    plateau_state: PlateauState

    # (ReduceLROnPlateau's step takes the metric first, so this step's signature is not ScheduleLR.step's)
    def step(self, metrics: Any = None, epoch: int | None = None,  # type: ignore[override]
             increment: int | None = None) -> None:
        """Feed ``metrics`` (if given) to the plateau, then advance one step (see ScheduleLR.step)."""
        if increment is not None or not self._steps_clock:  # checked before the metric is folded in
            self._check_increment(epoch, increment)
        if metrics is not None:  # the compiled update (same floats as plateau.update)
            self.plateau_state = self.plateau.scalar_update(self.plateau_state, float(metrics))
        ScheduleLR.step(self, epoch, increment)

    @property
    def best(self) -> float:
        return float(self.plateau_state.best)

    @property
    def num_bad_epochs(self) -> int:
        return int(self.plateau_state.num_bad)

    @property
    def cooldown_counter(self) -> int:
        return int(self.plateau_state.cooldown)
