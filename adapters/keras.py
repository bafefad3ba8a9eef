"""lrcore schedules as Keras 3 schedules: ``as_schedule(schedule)``.

``as_schedule(s)`` is a ``keras.optimizers.schedules.LearningRateSchedule`` whose
``__call__(step)`` is ``s`` at the optimizer's iteration count: the step is cast once to a
float (Keras's ``floatx()`` unless ``dtype`` is given) and clamped to >= 0, then the
schedule's formula runs in ``keras.ops`` (the `KerasOps` namespace), so it works under every
Keras backend and inside the backend's compiled train step (XLA, torch, tf.function). A Keras
optimizer evaluates it at ``optimizer.iterations`` (0 for the first update).

It is registered as ``lrcore>LRCoreSchedule``; ``get_config()`` holds the lrcore config
(``lrcore.to_config``), so ``model.save("m.keras")`` and ``keras.models.load_model`` bring the
optimizer back with an equal schedule (the loading process must have imported this module).
A schedule holding a `Function` that cannot be stored by reference (a lambda, or
``catalog.keras.PolynomialDecay(cycle=True)`` with ``power != 1``) still trains, but saving
raises. Plateau schedules need the metric: use Keras's ``ReduceLROnPlateau`` callback.

This module imports keras, which picks its backend (``KERAS_BACKEND``) at import; the
example below runs in the test suite in a subprocess with ``KERAS_BACKEND=jax``::

>>> import keras, lrcore
>>> from lrcore.adapters.keras import as_schedule
>>> s = as_schedule(lrcore.Warmup(lrcore.Cosine(start_value=1e-3, steps=90), warmup_steps=10))
>>> [f"{float(s(t)):.2e}" for t in (0, 5, 10, 100)]
['0.00e+00', '5.00e-04', '1.00e-03', '0.00e+00']
>>> opt = keras.optimizers.SGD(learning_rate=s)
>>> f"{float(opt.learning_rate):.2e}"
'0.00e+00'
>>> type(keras.optimizers.schedules.deserialize(keras.optimizers.schedules.serialize(s))).__name__
'LRCoreSchedule'

**Weight decay**: Keras takes a schedule for ``learning_rate`` only; its ``weight_decay`` is a
number, read in ``_apply_weight_decay`` (``w -= w * weight_decay * lr``), and a number
written by a callback would be baked into a compiled train step. ``inject(keras.optimizers.AdamW,
learning_rate=s, weight_decay=w, ...)`` builds the optimizer from a subclass whose
``weight_decay`` is a property: ``w(iterations)`` computed in ``keras.ops`` like the rate, so
it is traced into the compiled step and follows the iterations.

**Clocks**: a Keras optimizer calls the schedules with ``optimizer.iterations``, its update
count. For a schedule in samples with a fixed batch size B, give the tree in steps
(``lrcore.Stretch`` or the step counts divided by B); a varying batch size needs a loop that
counts samples (the torch or optax adapters' clocks).
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from lrcore import PlateauSchedule, Schedule, from_config, to_config
from lrcore._backends import ArrayOps
from lrcore.adapters._common import UNITS, resolve_attached

__all__ = ["as_schedule", "inject", "LRCoreSchedule", "KerasOps"]


class KerasOps(ArrayOps):
    """The lrcore op set (`lrcore.ops`) in ``keras.ops``, bound to one float dtype (a Keras dtype name).

    Keras 3.15 computes some ops on float64 tensors in float32: ``ops.sin``/``cos``/``tanh``
    on jax (its ``result_type("float64", float)`` is float32), ``ops.floor``/``minimum``/
    ``maximum`` on torch. Those come from the backend's own library instead (jax.numpy,
    torch), so a float64 schedule is float64 throughout; every result is also cast to the
    namespace's dtype. Its backends may compile with XLA: divisions and lookups are written
    as for jax (``xla``, ``unroll``).
    """

    name = "keras"
    xla = unroll = True

    def __init__(self, dtype: Any, device: Any = None) -> None:
        super().__init__(keras.backend.standardize_dtype(dtype), device)
        self.lib = _Fns(keras.backend.backend())

    def lift(self, x: Any) -> Any:
        return ops.convert_to_tensor(x, dtype=self.dtype)

    def _cast(self, x: Any) -> Any:
        return x if keras.backend.standardize_dtype(x.dtype) == self.dtype else ops.cast(x, self.dtype)

    def _unary(self, name: str, x: Any) -> Any:
        return self._cast(super()._unary(name, x))

    def pow(self, a: Any, b: Any) -> Any:
        return self._cast(ops.power(*self._lift_all(a, b)))

    def fmod(self, a: Any, b: Any) -> Any:
        return self._cast(ops.fmod(*self._lift_all(a, b)))

    # Ops declares the ops below as staticmethods; ArrayOps and this class, as instance methods
    # (the namespace's dtype), called on instances only
    def where(self, c: Any, a: Any, b: Any) -> Any:  # type: ignore[override]
        return self._cast(ops.where(c, *self._lift_all(a, b)))

    def minimum(self, a: Any, b: Any) -> Any:  # type: ignore[override]
        return self._cast(self.lib.minimum(*self._lift_all(a, b)))

    def maximum(self, a: Any, b: Any) -> Any:  # type: ignore[override]
        return self._cast(self.lib.maximum(*self._lift_all(a, b)))

    def searchsorted(self, table: tuple[float, ...], x: Any) -> Any:  # type: ignore[override]
        # The count of entries <= x, as a sum of compares: any shape of x, every backend.
        t = ops.convert_to_tensor(table, dtype=self.dtype)
        return ops.sum(ops.cast(ops.expand_dims(x, -1) >= t, self.dtype), axis=-1)

    def take(self, table: tuple[float, ...], i: Any) -> Any:  # type: ignore[override]
        return ops.take(ops.convert_to_tensor(table, dtype=self.dtype), ops.cast(i, "int32"))

    def full_like(self, t: Any, v: Any) -> Any:  # type: ignore[override]
        return ops.full_like(t, v, dtype=self.dtype)


class _Fns:
    """keras.ops, with the ops that Keras 3.15 computes in float32 from the backend (see `KerasOps`)."""

    def __init__(self, backend: str) -> None:
        for name in ("sin", "cos", "tanh", "exp", "expm1", "log", "log1p", "sqrt", "floor", "minimum", "maximum",
                     "where"):
            setattr(self, name, getattr(ops, name))
        if backend == "jax":
            import jax.numpy as jnp

            self.sin, self.cos, self.tanh = jnp.sin, jnp.cos, jnp.tanh
        elif backend == "torch":
            import torch

            self.floor, self.minimum, self.maximum = torch.floor, torch.minimum, torch.maximum


@keras.saving.register_keras_serializable(package="lrcore")
class LRCoreSchedule(keras.optimizers.schedules.LearningRateSchedule):  # type: ignore[misc]  # keras is Any here
    """A Keras learning-rate schedule evaluating an lrcore schedule: ``lr(step) = schedule(step)``.

    ``step`` is the optimizer's iteration count (an int tensor or variable, or a number); it is
    cast to ``dtype`` (default: ``keras.config.floatx()`` at call time) and clamped to >= 0.
    """

    def __init__(self, schedule: Schedule, dtype: str | None = None) -> None:
        super().__init__()
        if isinstance(schedule, PlateauSchedule):
            raise TypeError("as_schedule: a schedule scaled by a Plateau needs the metric; use the schedule "
                            "and keras.callbacks.ReduceLROnPlateau instead")
        if not isinstance(schedule, Schedule):
            raise TypeError(f"as_schedule: `schedule` must be an lrcore Schedule, got {schedule!r}")
        self.schedule = schedule
        self.dtype = None if dtype is None else keras.backend.standardize_dtype(dtype)

    def __call__(self, step: Any) -> Any:
        dtype = self.dtype or keras.config.floatx()
        xp = KerasOps(dtype)
        return self.schedule._evaluate(xp.maximum(ops.cast(step, dtype), 0.0), xp)

    def get_config(self) -> dict[str, Any]:
        return {"schedule": to_config(self.schedule), "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LRCoreSchedule:
        return cls(from_config(config["schedule"]), dtype=config.get("dtype"))

    def __repr__(self) -> str:
        return f"as_schedule({self.schedule!r})"


def as_schedule(schedule: Schedule, *, dtype: str | None = None, total_steps: int | None = None,
                steps_per_epoch: float | None = None, tokens_per_step: float | None = None,
                samples_per_step: float | None = None) -> LRCoreSchedule:
    """A ``keras.optimizers.schedules.LearningRateSchedule`` for an lrcore schedule.

    Pass it as any Keras optimizer's ``learning_rate``. ``dtype``: the float type the value is
    computed in (default: Keras's ``floatx()`` when called). ``total_steps``,
    ``steps_per_epoch``, ``tokens_per_step``, ``samples_per_step``: resolve the schedule's
    durations in units (``"10%"``, ``"2ep"``, ...) first, as `lrcore.Schedule.resolve` does.
    """
    units = dict(zip(UNITS, (total_steps, steps_per_epoch, tokens_per_step, samples_per_step)))
    return LRCoreSchedule(resolve_attached(schedule, units), dtype=dtype)


_SCHEDULED: dict[type, type] = {}  # Keras optimizer class -> its subclass with a scheduled weight_decay


def _with_weight_decay_schedule(cls: type) -> type:
    """A subclass of the Keras optimizer class ``cls`` whose ``weight_decay`` is an lrcore schedule's value at
    the optimizer's iteration count (or the number it was built with, when none is set)."""
    sub = _SCHEDULED.get(cls)
    if sub is None:
        def weight_decay(self: Any) -> Any:
            s = self.__dict__.get("_lrcore_weight_decay")
            return self.__dict__.get("_lrcore_weight_decay_value") if s is None else s(self.iterations)

        def set_weight_decay(self: Any, value: Any) -> None:
            self.__dict__["_lrcore_weight_decay_value"] = value

        sub = _SCHEDULED[cls] = type(cls.__name__, (cls,), {
            "weight_decay": property(weight_decay, set_weight_decay),
            "__doc__": f"{cls.__name__} with an lrcore schedule for weight_decay (lrcore.adapters.keras.inject).",
            "__module__": __name__,
        })
    return sub


def inject(optimizer: type, *, learning_rate: Any, weight_decay: Any = None, dtype: str | None = None,
           **kwargs: Any) -> Any:
    """A Keras optimizer of class ``optimizer`` (``keras.optimizers.AdamW``, ``SGD``, ...) with lrcore
    schedules for ``learning_rate`` and ``weight_decay``; ``kwargs`` go to its constructor.

    ``learning_rate``: an lrcore schedule (made a Keras schedule by `as_schedule`) or what Keras
    takes. ``weight_decay``: an lrcore schedule, a number or None. A schedule is evaluated at
    the optimizer's iteration count k inside the train step (compiled or not): update k
    applies ``w -= w * weight_decay(k) * learning_rate(k)`` as Keras does with a number. The
    optimizer is an instance of a subclass of ``optimizer`` (same name) whose
    ``weight_decay`` property computes it; its ``get_config()`` holds the value at the
    current iteration (saving the schedule itself is not supported).

    >>> import keras, lrcore
    >>> opt = inject(keras.optimizers.AdamW, learning_rate=lrcore.Constant(value=1e-3),
    ...              weight_decay=lrcore.Linear(start_value=0.1, end_value=0.0, steps=10))
    >>> isinstance(opt, keras.optimizers.AdamW), f"{float(opt.weight_decay):.3f}"
    (True, '0.100')
    """
    if not (isinstance(optimizer, type) and issubclass(optimizer, keras.optimizers.Optimizer)):
        raise TypeError(f"inject: `optimizer` must be a Keras optimizer class (keras.optimizers.AdamW, ...), got "
                        f"{optimizer!r}")
    if isinstance(learning_rate, (Schedule, PlateauSchedule)):
        learning_rate = as_schedule(learning_rate, dtype=dtype)  # type: ignore[arg-type]  # (a Plateau: its TypeError)
    if weight_decay is None or not isinstance(weight_decay, (Schedule, PlateauSchedule)):
        return optimizer(learning_rate=learning_rate, weight_decay=weight_decay, **kwargs)
    wd = LRCoreSchedule(weight_decay, dtype=dtype)  # type: ignore[arg-type]  # (refuses a Plateau: it needs the metric)
    opt = _with_weight_decay_schedule(optimizer)(learning_rate=learning_rate, weight_decay=0.0, **kwargs)
    opt.__dict__["_lrcore_weight_decay"] = wd
    return opt
