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
"""

from __future__ import annotations

import copy
import math
from numbers import Real
from typing import Any

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
)
from lrcore.adapters._common import AdapterScheduler, check_step

__all__ = ["ScheduleLR", "PlateauScheduleLR", "ScheduleChangedError", "STATE_FORMAT"]

STATE_FORMAT = "lrcore.adapters.paddle.ScheduleLR/1"
"""The ``lrcore_format`` entry of a state_dict, checked when it is loaded."""

_KEYS = ["last_epoch", "last_lr", "lrcore_format", "lrcore_schedule", "lrcore_fingerprint", "lrcore_mode",
         "lrcore_learning_rate", "lrcore_plateau"]


# -- helpers -------------------------------------------------------------------------------

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

class ScheduleLR(AdapterScheduler, LRScheduler):
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
    _fn: tuple = (None, None)  # (schedule, its scalar function)

    def __init__(self, schedule: Schedule | PlateauSchedule, *, learning_rate: float = 1.0, mode: str = "absolute",
                 on_change: str | None = None, allow_schedule_change: bool | None = None, last_epoch: int = -1,
                 verbose: bool = False) -> None:
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
        self.schedule = schedule
        self.mode = mode
        self.plateau_state: PlateauState | None = schedule.init() if plateau_cls else None
        # The plain-data state (state_keys): fixed parts now, the plateau state at state_dict().
        self.lrcore_format = STATE_FORMAT
        self.lrcore_schedule = config_of(schedule)
        self.lrcore_fingerprint = fingerprint_of(schedule)
        self.lrcore_mode = mode
        self.lrcore_learning_rate = float(learning_rate)
        self.lrcore_plateau = None
        LRScheduler.__init__(self, float(learning_rate), last_epoch, verbose)

    # -- the rate
    def get_lr(self) -> float:
        """The rate at ``last_epoch``: s(t) (absolute) or learning_rate * s(t) (factor), times the plateau scale."""
        t = self.last_epoch
        v = self.schedule(t) if self.plateau_state is None else self.schedule.value(t, self.plateau_state)
        return float(self.base_lr * v) if self.mode == "factor" else float(v)

    def _get_closed_form_lr(self) -> float:
        return self.get_lr()

    def step(self, epoch: int | None = None) -> None:  # type: ignore[override]
        """Advance one step (call it after ``optimizer.step()``), or go to step ``epoch``."""
        if epoch is None:
            self.last_epoch += 1
        else:
            self.last_epoch = check_step("ScheduleLR.step", "epoch", epoch, 0)
        if self._own_rates and self.plateau_state is None and self.mode == "absolute":
            fn = self._fn
            if fn[0] is not self.schedule:
                fn = self._fn = (self.schedule, self.schedule.scalar_fn)
            self.last_lr = fn[1](self.last_epoch)  # a float, as get_lr() returns
        else:
            self.last_lr = self.get_lr()
        if self.verbose:
            print(f"Epoch {self.last_epoch}: {type(self).__name__} set learning rate to {self.last_lr}.")

    # -- state
    def state_keys(self) -> None:
        """The keys of ``state_dict()``: paddle's ``last_epoch``, ``last_lr`` and lrcore's plain data."""
        self.keys = list(_KEYS)

    def _plateau_data(self) -> dict | None:
        st = self.plateau_state
        if st is None:
            return None
        best = float(st.best)
        fresh = self.schedule.init().best
        if math.isnan(best) or (best == fresh and not math.isfinite(best)):
            best = None  # no metric yet (paddle's best is None then too)
        return {"best": best, "num_bad": int(st.num_bad), "cooldown": int(st.cooldown), "scale": float(st.scale)}

    def state_dict(self) -> dict[str, Any]:
        """Plain data (numbers, strings, lists, dicts, None): no schedule object is pickled."""
        self.lrcore_plateau = self._plateau_data()
        return copy.deepcopy(LRScheduler.state_dict(self))

    def set_state_dict(  # type: ignore[override]
            self, state_dict: dict[str, Any], *, on_change: str | None = None,
            allow_schedule_change: bool | None = None) -> None:
        """Resume from ``state_dict()``: the step and the plateau state; the rate is recomputed.

        If the checkpoint was written under a different schedule, mode or base rate,
        ``on_change`` (here, or else the constructor's) decides: ``"error"`` raises
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
        changes = schedule_changes("schedule", state_dict["lrcore_schedule"], state_dict["lrcore_fingerprint"],
                                    self.lrcore_schedule, self.lrcore_fingerprint)
        schedule_changed = bool(changes)
        if state_dict["lrcore_mode"] != self.mode:
            changes.append(f"mode: {state_dict['lrcore_mode']!r} -> {self.mode!r}")
        if state_dict["lrcore_learning_rate"] != self.lrcore_learning_rate:
            changes.append(f"learning_rate: {state_dict['lrcore_learning_rate']!r} -> {self.lrcore_learning_rate!r}")
        if changes and policy == "error":
            raise ScheduleChangedError(changes, "set_state_dict",
                                       opaque=has_opaque(state_dict["lrcore_fingerprint"], self.lrcore_fingerprint))
        if changes and policy == "checkpoint":
            self._take_checkpoint_schedule(state_dict, schedule_changed)
        self.last_epoch = check_step("ScheduleLR.set_state_dict", "last_epoch", state_dict["last_epoch"], 0)
        if self.plateau_state is not None:
            saved = state_dict["lrcore_plateau"]
            if saved is None:  # allowed change from a schedule without a plateau
                self.plateau_state = self.schedule.init()
            else:
                fresh = self.schedule.init()
                best = fresh.best if saved["best"] is None else float(saved["best"])
                self.plateau_state = PlateauState(best=best, num_bad=float(saved["num_bad"]),
                                                  cooldown=float(saved["cooldown"]), scale=float(saved["scale"]))
        self.last_lr = self.get_lr()

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

    def __repr__(self) -> str:
        base = f", learning_rate={self.base_lr!r}" if self.mode == "factor" else ""
        return f"{type(self).__name__}({self.schedule!r}, mode={self.mode!r}{base}, last_epoch={self.last_epoch})"


class PlateauScheduleLR(ScheduleLR, ReduceOnPlateau, plateau=True):
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

    def step(self, metrics: Any = None, epoch: int | None = None) -> None:  # type: ignore[override]
        """Feed ``metrics`` (if given) to the plateau, then advance one step (or go to ``epoch``)."""
        fns = self._fns
        if fns[0] is not self.schedule:  # first step, or the schedule was replaced
            sch = self.schedule
            fns = self._fns = (sch, sch.plateau.scalar_update, sch.schedule.scalar_fn)
        if metrics is not None:  # the compiled update (same floats as schedule.update)
            self.plateau_state = fns[1](self.plateau_state, metrics if metrics.__class__ is float else _metric(metrics))
        if epoch is None and self._own_rates and self.mode == "absolute":  # the common case: get_lr() inlined
            self.last_epoch += 1
            self.last_lr = float(fns[2](self.last_epoch) * self.plateau_state.scale)
            if self.verbose:
                print(f"Epoch {self.last_epoch}: {type(self).__name__} set learning rate to {self.last_lr}.")
            return
        ScheduleLR.step(self, epoch)

    _fns: tuple = (None, None, None)  # (schedule, its compiled plateau update, its scalar function)

    @property
    def best(self) -> float | None:
        """The best metric so far (None before the first)."""
        return self._plateau_data()["best"]  # type: ignore[index]

    @property
    def num_bad_epochs(self) -> int:
        return int(self.plateau_state.num_bad)  # type: ignore[union-attr]

    @property
    def cooldown_counter(self) -> int:
        return int(self.plateau_state.cooldown)  # type: ignore[union-attr]

    @property
    def scale(self) -> float:
        """The plateau's multiplier now."""
        return float(self.plateau_state.scale)  # type: ignore[union-attr]
