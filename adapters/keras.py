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
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from lrcore import PlateauSchedule, Schedule, from_config, to_config
from lrcore._backends import ArrayOps

__all__ = ["as_schedule", "LRCoreSchedule", "KerasOps"]


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

    def where(self, c: Any, a: Any, b: Any) -> Any:
        return self._cast(ops.where(c, *self._lift_all(a, b)))

    def minimum(self, a: Any, b: Any) -> Any:
        return self._cast(self.lib.minimum(*self._lift_all(a, b)))

    def maximum(self, a: Any, b: Any) -> Any:
        return self._cast(self.lib.maximum(*self._lift_all(a, b)))

    def searchsorted(self, table: tuple, x: Any) -> Any:
        # The count of entries <= x, as a sum of compares: any shape of x, every backend.
        t = ops.convert_to_tensor(table, dtype=self.dtype)
        return ops.sum(ops.cast(ops.expand_dims(x, -1) >= t, self.dtype), axis=-1)

    def take(self, table: tuple, i: Any) -> Any:
        return ops.take(ops.convert_to_tensor(table, dtype=self.dtype), ops.cast(i, "int32"))

    def full_like(self, t: Any, v: Any) -> Any:
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
class LRCoreSchedule(keras.optimizers.schedules.LearningRateSchedule):
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

    def get_config(self) -> dict:
        return {"schedule": to_config(self.schedule), "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict) -> "LRCoreSchedule":
        return cls(from_config(config["schedule"]), dtype=config.get("dtype"))

    def __repr__(self) -> str:
        return f"as_schedule({self.schedule!r})"


def as_schedule(schedule: Schedule, *, dtype: str | None = None) -> LRCoreSchedule:
    """A ``keras.optimizers.schedules.LearningRateSchedule`` for an lrcore schedule.

    Pass it as any Keras optimizer's ``learning_rate``. ``dtype``: the float type the value is
    computed in (default: Keras's ``floatx()`` when called).
    """
    return LRCoreSchedule(schedule, dtype=dtype)
