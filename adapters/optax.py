"""lrcore schedules as optax schedules: ``as_schedule(schedule)``.

``as_schedule(s)`` is an ``optax.Schedule``, ``count -> s.evaluate(count)``: the count (int32
in optax's states) is cast once to a float, then the schedule's formula runs in jax ops, so
it traces under ``jax.jit``, ``vmap`` and ``grad``, and counts near the int32 limit do not
overflow (no integer arithmetic is done on them). The value is float32 by default and
float64 under ``jax_enable_x64`` (or the ``dtype`` asked for).

A schedule scaled by a plateau (``s * lrcore.Plateau(...)``, or ``as_schedule(s,
plateau=...)`` with ``lrcore.catalog.optax.contrib.reduce_on_plateau(...)``) becomes an
optax stateful schedule (``init()``, ``update(state, **extra)``, ``__call__(state, **extra)``)
that ``optax.inject_hyperparams`` accepts; it takes the loss as the extra argument
``value=`` (optax.contrib.reduce_on_plateau's name; ``metric=`` picks another):

>>> import jax.numpy as jnp, optax, lrcore
>>> from lrcore.adapters.optax import as_schedule
>>> s = lrcore.Warmup(lrcore.Cosine(start_value=1e-3, steps=90), warmup_steps=10)
>>> f"{float(as_schedule(s)(jnp.int32(10))):.2e}"
'1.00e-03'
>>> opt = optax.inject_hyperparams(optax.sgd)(learning_rate=as_schedule(lrcore.Constant(value=0.1) * lrcore.Plateau(patience=0, factor=0.5)))
>>> params = jnp.zeros(2)
>>> state = opt.init(params)
>>> for loss in (1.0, 2.0, 2.0):
...     _, state = opt.update(jnp.ones(2), state, params, value=loss)
...     print(f"{float(state.hyperparams['learning_rate']):.3f}")
0.100
0.050
0.025

**Every hyperparameter**: ``inject(optax.adamw, learning_rate=s, b1=m, weight_decay=w, ...)``
is ``optax.inject_hyperparams(optax.adamw)(...)`` with each lrcore schedule made an optax
schedule by `as_schedule` (plain numbers pass through), so ``state.hyperparams`` holds each
value of the update. Per parameter group, ``optax.multi_transform`` takes one injected
optimizer per label (see `inject`).

**Clocks**: optax's schedules count updates. ``inject(..., clock="samples")`` (or
``"tokens"``) counts what each update is given as ``opt.update(grads, state, params,
increment=n)`` instead, so a schedule in samples stays right under a batch-size ramp-up.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, NamedTuple, Protocol

import jax
import jax.numpy as jnp
import optax

from lrcore._base import Schedule
from lrcore._backends import JaxOps
from lrcore._plateau import PlateauRule, PlateauSchedule
from lrcore.adapters._common import UNITS, check_clock, resolve_attached

__all__ = ["as_schedule", "inject", "ScheduleFn", "PlateauStatefulSchedule", "PlateauStatefulScheduleState",
           "ClockSchedule", "ClockScheduleState"]

_INT32_MAX = jnp.iinfo(jnp.int32).max


class ScheduleFn:
    """An ``optax.Schedule`` evaluating an lrcore schedule: ``fn(count) = schedule.evaluate(count)``.

    ``count`` may be a jax array or tracer (int or float, any shape) or a Python number, >= 0
    as optax's update counts are (negative counts are not checked under jit); the
    result is a jax array of ``dtype`` (default: jax's default float; a float count keeps its
    dtype). Unlike optax's own schedules the result is not weakly typed: under
    ``jax_enable_x64`` with float32 parameters, pass ``dtype=jnp.float32`` to keep the
    updates in float32.
    """

    def __init__(self, schedule: Schedule, dtype: Any = None) -> None:
        self.schedule, self.dtype = schedule, dtype

    def __call__(self, count: Any) -> jax.Array:
        count = jnp.asarray(count)
        dt = self.dtype if self.dtype is not None else (
            count.dtype if jnp.issubdtype(count.dtype, jnp.floating) else jnp.result_type(float))
        # optax's counts are >= 0, so unlike `Schedule.evaluate` there is no clamp at 0 here
        # (two instructions in every compiled step); a negative count is outside the schedule.
        return self.schedule._evaluate(count.astype(dt), JaxOps(dt))

    def __repr__(self) -> str:
        return f"as_schedule({self.schedule!r})"


class _PlateauRule(Protocol):
    """A plateau rule as the type checker sees one: the methods ``isinstance(x, PlateauRule)`` checks
    for, pure functions of an immutable state (`lrcore.Plateau`, the optax catalog's ``reduce_on_plateau(...)``)."""

    def init(self) -> Any: ...
    def update(self, state: Any, metric: Any) -> Any: ...
    def scale(self, state: Any) -> Any: ...


class PlateauStatefulScheduleState(NamedTuple):
    """State of `PlateauStatefulSchedule`: the update count (int32, saturating as optax's) and the plateau's state."""

    count: Any
    plateau: Any


class PlateauStatefulSchedule:
    """``schedule(count) * plateau scale`` as an optax stateful schedule, driven by the loss.

    ``init()`` -> state; ``update(state, value=loss)`` -> state after this update;
    ``__call__(state, value=loss)`` -> the value for this update. The loss passed with update
    k is folded into the plateau *before* the value of update k is computed, so a reduction
    applies to the update whose loss triggered it (as ``optax.contrib.reduce_on_plateau``
    scales the same update); ``__call__`` without the loss (optax's init) reads the state
    as it is. ``update`` requires the loss. The plateau's numbers are kept in ``dtype``
    (default: jax's default float), and the loss is cast to it.
    """

    def __init__(self, schedule: Schedule, plateau: _PlateauRule, metric: str = "value", dtype: Any = None) -> None:
        if not isinstance(schedule, Schedule):
            raise TypeError(f"as_schedule: `schedule` must be an lrcore Schedule, got {schedule!r}")
        if not isinstance(plateau, PlateauRule) or isinstance(plateau, type):  # (a class has the methods too)
            raise TypeError("as_schedule: `plateau` must be an lrcore.Plateau, lrcore.catalog.optax.contrib."
                            f"reduce_on_plateau(...) or another lrcore PlateauRule, got {plateau!r}")
        if not isinstance(metric, str) or not metric.isidentifier():
            raise TypeError(f"as_schedule: `metric` must be the name of a keyword argument, got {metric!r}")
        self.schedule, self.metric, self.dtype = schedule, metric, dtype
        self.plateau = plateau
        self._fn = ScheduleFn(schedule, dtype)

    def _dtype(self) -> Any:
        return jnp.dtype(self.dtype) if self.dtype is not None else jnp.result_type(float)

    def init(self) -> PlateauStatefulScheduleState:
        dt = self._dtype()
        ps = jax.tree.map(lambda v: jnp.asarray(v, dtype=dt), self.plateau.init())
        return PlateauStatefulScheduleState(count=jnp.zeros([], jnp.int32), plateau=ps)

    def _step(self, ps: Any, loss: Any) -> Any:
        return self.plateau.update(ps, jnp.asarray(loss, dtype=self._dtype()))

    def _loss(self, extra: dict[str, Any], required: bool) -> Any:
        if self.metric in extra:
            return extra[self.metric]
        if required:
            raise TypeError(f"this schedule reduces on plateau: pass the loss to the optimizer's update as "
                            f"`{self.metric}=` (opt.update(grads, state, params, {self.metric}=loss))")
        return None

    def update(self, state: PlateauStatefulScheduleState, **extra: Any) -> PlateauStatefulScheduleState:
        loss = self._loss(extra, required=True)
        count = jnp.where(state.count < _INT32_MAX, state.count + 1, state.count)
        return PlateauStatefulScheduleState(count=count, plateau=self._step(state.plateau, loss))

    def __call__(self, state: PlateauStatefulScheduleState, **extra: Any) -> jax.Array:
        loss = self._loss(extra, required=False)
        ps = state.plateau if loss is None else self._step(state.plateau, loss)
        return self._fn(state.count) * self.plateau.scale(ps)

    def __repr__(self) -> str:
        return f"as_schedule({self.schedule!r}, plateau={self.plateau!r}, metric={self.metric!r})"


def as_schedule(schedule: Schedule | PlateauSchedule, *, plateau: _PlateauRule | None = None, metric: str = "value", dtype: Any = None,
                total_steps: int | None = None, steps_per_epoch: float | None = None,
                tokens_per_step: float | None = None,
                samples_per_step: float | None = None) -> optax.Schedule | PlateauStatefulSchedule:
    """An optax schedule for an lrcore schedule.

    ``total_steps``, ``steps_per_epoch``, ``tokens_per_step``, ``samples_per_step``: resolve
    the schedule's durations in units (``"10%"``, ``"2ep"``, ...) first, as
    `lrcore.Schedule.resolve` does (an unresolved schedule without them is refused here).

    * ``schedule`` an lrcore `Schedule`: a `ScheduleFn`, ``count -> schedule.evaluate(count)``
      (jit/vmap/grad safe; float32 by default, float64 under ``jax_enable_x64``, or ``dtype``).
    * ``schedule * lrcore.Plateau(...)`` (torch's rule), or a schedule with
      ``plateau=lrcore.Plateau(...)`` or ``plateau=lrcore.catalog.optax.contrib.reduce_on_plateau(...)``
      (optax's rule): a `PlateauStatefulSchedule` for ``optax.inject_hyperparams``, which
      reads the loss from the update's keyword argument ``metric`` (default ``"value"``).

    >>> import jax, jax.numpy as jnp, lrcore
    >>> f = as_schedule(lrcore.Linear(start_value=1.0, end_value=0.0, steps=4))
    >>> jax.jit(jax.vmap(f))(jnp.arange(6)).tolist()
    [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    """
    schedule = resolve_attached(schedule, dict(zip(UNITS, (total_steps, steps_per_epoch, tokens_per_step,
                                                           samples_per_step))))
    if isinstance(schedule, PlateauSchedule):
        if plateau is not None:
            raise TypeError("as_schedule: the schedule is already scaled by a Plateau; do not pass `plateau=` too")
        plateau = schedule.plateau
        schedule = schedule.schedule
    if not isinstance(schedule, Schedule):
        raise TypeError(f"as_schedule: `schedule` must be an lrcore Schedule, got {schedule!r}")
    if plateau is None:
        return ScheduleFn(schedule, dtype)
    return PlateauStatefulSchedule(schedule, plateau, metric=metric, dtype=dtype)


class ClockScheduleState(NamedTuple):
    """State of `ClockSchedule`: the samples (or tokens) counted so far, an int (jax's default int)."""

    count: Any


class ClockSchedule:
    """An lrcore schedule on a sample or token clock, as an optax stateful schedule.

    ``init()`` -> count 0; ``update(state, increment=n)`` adds the n samples (tokens) of this
    update; ``__call__(state)`` -> ``schedule(count)``, the value for this update (the count
    before it). The count is kept in jax's default int (int32, or int64 under
    ``jax_enable_x64``) and saturates at its largest value, as optax's counts do: under int32,
    token counts past 2**31 - 1 need ``jax_enable_x64``. ``increment`` must be given to every
    ``update`` (a clear TypeError otherwise); under jit it is not checked to be positive.
    """

    def __init__(self, schedule: Schedule, clock: str, dtype: Any = None) -> None:
        self.schedule, self.clock, self.dtype = schedule, clock, dtype
        self._fn = ScheduleFn(schedule, dtype)

    def init(self) -> ClockScheduleState:
        return ClockScheduleState(count=jnp.zeros([], int))

    def update(self, state: ClockScheduleState, **extra: Any) -> ClockScheduleState:
        if "increment" not in extra:
            raise TypeError(f"this schedule runs on clock={self.clock!r}: pass the {self.clock} of each update to "
                            "the optimizer's update as `increment=` (opt.update(grads, state, params, increment=n))")
        n = jnp.asarray(extra["increment"], state.count.dtype)
        top = jnp.iinfo(state.count.dtype).max
        return ClockScheduleState(count=jnp.where(state.count <= top - n, state.count + n, top))

    def __call__(self, state: ClockScheduleState, **extra: Any) -> jax.Array:
        return self._fn(state.count)

    def __repr__(self) -> str:
        return f"inject schedule {self.schedule!r} on clock={self.clock!r}"


def inject(optimizer: Callable[..., optax.GradientTransformation], /, *, clock: str = "steps", dtype: Any = None,
           static_args: str | tuple[str, ...] = (), total_steps: int | None = None,
           steps_per_epoch: float | None = None, tokens_per_step: float | None = None,
           samples_per_step: float | None = None, **hyperparams: Any) -> optax.GradientTransformationExtraArgs:
    """``optimizer`` (an optax optimizer factory: ``optax.adamw``, ``optax.sgd``, ...) with lrcore
    schedules for any of its numeric arguments, built on ``optax.inject_hyperparams``.

    Each keyword that is an lrcore schedule (or ``schedule * lrcore.Plateau(...)``) becomes an
    optax schedule by `as_schedule` (jit safe; float32, float64 under ``jax_enable_x64``, or
    ``dtype``); numbers and optax schedules pass through. At update k the optimizer uses
    ``s(k)``; ``state.hyperparams[name]`` holds it. A name that ``optimizer`` does not take is
    refused, naming it and the names it takes.

    ``clock="samples"`` or ``"tokens"``: the schedules' t is the count of samples (tokens)
    given to the updates so far: ``opt.update(grads, state, params, increment=n)`` (n the
    samples of that update; required). ``clock="steps"`` (the default) counts updates.

    ``total_steps``, ``steps_per_epoch``, ``tokens_per_step``, ``samples_per_step``: resolve
    the schedules' durations in units (``"10%"``, ``"2ep"``, ...), as `as_schedule` does.

    Per parameter group, with ``optax.multi_transform``:

    >>> import jax.numpy as jnp, optax, lrcore
    >>> lr = lrcore.Warmup(lrcore.Cosine(start_value=1e-3, steps=90), warmup_steps=10)
    >>> opt = optax.multi_transform(
    ...     {"decay": inject(optax.adamw, learning_rate=lr, b1=lrcore.Linear(start_value=0.85, end_value=0.95, steps=100),
    ...                      weight_decay=lrcore.Cosine(start_value=0.1, steps=100, end_value=0.01)),
    ...      "no_decay": inject(optax.adam, learning_rate=lr * 0.5)},
    ...     {"w": "decay", "b": "no_decay"})
    >>> params = {"w": jnp.ones(3), "b": jnp.zeros(1)}
    >>> state = opt.init(params)
    >>> for _ in range(20):
    ...     _, state = opt.update({"w": jnp.ones(3), "b": jnp.ones(1)}, state, params)
    >>> hp = state.inner_states["decay"].inner_state.hyperparams  # the values of the last update (k = 19)
    >>> f"{float(hp['learning_rate']):.2e}", f"{float(hp['b1']):.3f}"
    ('9.76e-04', '0.869')

    On a sample clock (a batch-size ramp of 8, 8, 16 samples):

    >>> opt = inject(optax.sgd, learning_rate=lrcore.Linear(start_value=1.0, end_value=0.0, steps=64),
    ...              clock="samples")
    >>> state = opt.init(params)
    >>> for n in (8, 8, 16):  # each update uses s(samples before it): s(0), s(8), s(16)
    ...     _, state = opt.update(params, state, params, increment=n)
    ...     print(float(state.hyperparams["learning_rate"]))
    1.0
    0.875
    0.75
    """
    clock = check_clock("inject", clock)
    if not callable(optimizer):
        raise TypeError(f"inject: `optimizer` must be an optax optimizer factory (optax.adamw, ...), got {optimizer!r}")
    try:
        params = inspect.signature(optimizer).parameters
    except (TypeError, ValueError):  # a builtin without a signature: optax checks the names itself
        params = None
    if params is not None and not any(p.kind is p.VAR_KEYWORD for p in params.values()):
        names = [n for n, p in params.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
        for name in hyperparams:
            if name not in names:
                raise TypeError(f"inject: {getattr(optimizer, '__name__', optimizer)} takes no argument {name!r}; "
                                f"it takes {', '.join(names)}")
    converted: dict[str, Any] = {}  # the arguments of the optimizer: schedules made optax schedules
    hyperparams = resolve_attached(hyperparams, dict(zip(UNITS, (total_steps, steps_per_epoch, tokens_per_step,
                                                                 samples_per_step))))
    for name, v in hyperparams.items():
        if isinstance(v, (Schedule, PlateauSchedule)):
            if clock != "steps":
                if isinstance(v, PlateauSchedule):
                    raise TypeError(f"inject: `{name}` is scaled by a Plateau, which counts updates; on "
                                    f"clock={clock!r} use a plain schedule")
                converted[name] = ClockSchedule(v, clock, dtype)
            else:
                converted[name] = as_schedule(v, dtype=dtype)
        else:
            converted[name] = v
    if clock != "steps" and not any(isinstance(v, ClockSchedule) for v in converted.values()):
        raise ValueError(f"inject: clock={clock!r} but no argument is an lrcore schedule; nothing would count it")
    return optax.inject_hyperparams(optimizer, static_args=static_args)(**converted)
