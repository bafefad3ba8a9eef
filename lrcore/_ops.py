"""The op set every formula is written against, one small namespace per array library.

A formula is branch-free on step values: it uses Python operators (``+ - * / **`` and
comparisons) and these ops only::

    where(cond, a, b)   sin  cos  exp  expm1  log  log1p  sqrt  tanh  floor  pow(a, b)  fmod(a, b)
    minimum(a, b)  maximum(a, b)
    searchsorted(table, x)   number of entries of the sorted tuple `table` that are <= x
    take(table, i)           table[i] for an integer-valued float index i
    lookup(keys, values, x)  values[searchsorted(keys, x)]: a step function of x
    divisor(c, m)            the constant c as the divisor of m <= c (see JaxOps.divisor)

Arguments may mix arrays and Python numbers. The namespace is picked from the type of the
input (the einops / array-api-compat way): a library's namespace is considered only when the
library is already in ``sys.modules``, so nothing the caller has not imported is imported.
The choice is cached per type.
"""

from __future__ import annotations

import math
import operator
import struct
import sys
from bisect import bisect_right
from typing import Any, Callable

__all__ = ["scalar", "namespace_for", "prepare_steps"]

_Number = (int, float)
_LOG_TINY64 = math.log(2.2250738585072014e-308)  # below it exp is subnormal in float64
_UNROLL = 32  # tables up to this many keys are looked up with unrolled selects under jax


class ScalarOps:
    """Python floats and the ``math`` module: the eager path of ``s(step)``."""

    name = "python"
    double = True  # evaluates in float64
    sin = staticmethod(math.sin)
    cos = staticmethod(math.cos)
    exp = staticmethod(math.exp)
    expm1 = staticmethod(math.expm1)
    log1p = staticmethod(math.log1p)
    pow = staticmethod(operator.pow)
    fmod = staticmethod(math.fmod)
    log = staticmethod(math.log)
    sqrt = staticmethod(math.sqrt)
    tanh = staticmethod(math.tanh)

    @staticmethod
    def where(c: Any, a: Any, b: Any) -> Any:
        return a if c else b

    @staticmethod
    def floor(x: float) -> float:
        return float(math.floor(x))

    @staticmethod
    def minimum(a: float, b: float) -> float:
        return a if a < b else b

    @staticmethod
    def maximum(a: float, b: float) -> float:
        return a if a > b else b

    @staticmethod
    def searchsorted(table: tuple, x: float) -> float:
        return float(bisect_right(table, x))

    @staticmethod
    def take(table: tuple, i: float) -> Any:
        return table[int(i)]

    @staticmethod
    def lookup(keys: tuple, values: tuple, x: float) -> Any:
        return values[bisect_right(keys, x)]

    @staticmethod
    def divisor(c: Any, m: Any) -> Any:
        return c

    @staticmethod
    def apply(fn: Callable, x: float) -> float:
        return float(fn(x))

    @staticmethod
    def below(x: float) -> float:
        return math.nextafter(x, -math.inf)

    @staticmethod
    def div(a: Any, b: Any) -> Any:
        return a / b

    @staticmethod
    def full_like(t: Any, v: Any) -> Any:
        return v


scalar = ScalarOps()


class _ArrayOps:
    """Shared plumbing for array namespaces bound to one dtype (and device)."""

    name = "array"

    def __init__(self, dtype: Any, device: Any = None) -> None:
        self.dtype, self.device = dtype, device
        self.double = "64" in str(dtype)  # evaluates in float64

    def _lift(self, x: Any) -> Any:  # Python number -> 0-d array of our dtype/device
        raise NotImplementedError

    def _lift_all(self, *xs: Any) -> list:
        return [self._lift(x) if isinstance(x, _Number) else x for x in xs]

    def below(self, x: float) -> float:
        """The largest number of this namespace's dtype below the constant x."""
        bits = 16 if "16" in str(self.dtype) else 32 if "32" in str(self.dtype) else 64
        fmt = {16: "e", 32: "f", 64: "d"}[bits]
        y = struct.unpack(fmt, struct.pack(fmt, x))[0]  # x rounded to the dtype
        if y >= x:
            (i,) = struct.unpack({16: "<H", 32: "<I", 64: "<Q"}[bits], struct.pack("<" + fmt, y))
            i = i - 1 if y > 0 else i + 1 if y < 0 else (1 << (bits - 1)) | 1
            y = struct.unpack("<" + fmt, struct.pack({16: "<H", 32: "<I", 64: "<Q"}[bits], i))[0]
        return y

    def div(self, a: Any, b: Any) -> Any:
        return a / b

    def divisor(self, c: Any, m: Any) -> Any:
        return c

    def lookup(self, keys: tuple, values: tuple, x: Any) -> Any:
        return self.take(values, self.searchsorted(keys, x))

    def apply(self, fn: Callable, x: Any) -> Any:
        raise TypeError(
            f"Function({getattr(fn, '__qualname__', fn)!r}) has no `xp` parameter, so it can only be "
            f"evaluated on Python numbers and numpy arrays, not on {self.name} arrays; give it "
            "a signature fn(step, xp) that uses the ops of xp to run everywhere"
        )


def _unary(name: str) -> Callable:
    """A method applying the library's elementwise `name`, lifting Python numbers first."""

    def op(self: Any, x: Any) -> Any:
        return getattr(self.lib, name)(self._lift(x) if isinstance(x, _Number) else x)

    op.__name__ = name
    return op


class NumpyOps(_ArrayOps):
    name = "numpy"

    def __init__(self, dtype: Any, device: Any = None) -> None:
        import numpy as np

        super().__init__(dtype, device)
        self.np = np
        self.sin, self.cos, self.exp, self.expm1, self.log = np.sin, np.cos, np.exp, np.expm1, np.log
        self.log1p, self.pow, self.fmod = np.log1p, np.power, np.fmod
        self.sqrt, self.tanh, self.floor = np.sqrt, np.tanh, np.floor
    def _lift(self, x: Any) -> Any:
        return self.np.asarray(x, dtype=self.dtype)

    def minimum(self, a: Any, b: Any) -> Any:
        # lifted: np.minimum of two Python floats is an np.float64, which would promote float32
        return self.np.minimum(*self._lift_all(a, b))

    def maximum(self, a: Any, b: Any) -> Any:
        return self.np.maximum(*self._lift_all(a, b))

    def where(self, c: Any, a: Any, b: Any) -> Any:
        return self.np.where(c, *self._lift_all(a, b))

    def searchsorted(self, table: tuple, x: Any) -> Any:
        t = self.np.asarray(table, dtype=self.dtype)
        return self.np.searchsorted(t, x, side="right").astype(self.dtype)

    def take(self, table: tuple, i: Any) -> Any:
        return self.np.asarray(table, dtype=self.dtype)[self.np.asarray(i).astype(self.np.intp)]

    def full_like(self, t: Any, v: Any) -> Any:
        return self.np.full_like(t, v, dtype=self.dtype)

    def apply(self, fn: Callable, x: Any) -> Any:
        flat = [float(fn(float(v))) for v in x.ravel()]
        return self.np.asarray(flat, dtype=self.dtype).reshape(x.shape)


class JaxOps(_ArrayOps):
    """jax.numpy; works on concrete arrays and on tracers (jit, vmap, grad)."""

    name = "jax"

    def __init__(self, dtype: Any, device: Any = None) -> None:
        import jax.numpy as jnp

        super().__init__(dtype, device)
        self.jnp = jnp
        self.sin, self.cos, self.exp, self.expm1, self.log = jnp.sin, jnp.cos, jnp.exp, jnp.expm1, jnp.log
        self.log1p, self.pow, self.fmod = jnp.log1p, jnp.power, jnp.fmod
        self.sqrt, self.tanh, self.floor = jnp.sqrt, jnp.tanh, jnp.floor
        self.minimum, self.maximum = jnp.minimum, jnp.maximum

    def where(self, c: Any, a: Any, b: Any) -> Any:
        return self.jnp.where(c, *self._lift_all(a, b))

    def _lift(self, x: Any) -> Any:
        return self.jnp.asarray(x, dtype=self.dtype)

    def div(self, a: Any, b: Any) -> Any:
        # XLA turns a division by a constant into a multiplication by its reciprocal, which is
        # an ulp off; a divisor that depends on the input stays a true division.
        return a / (a * 0.0 + b) if isinstance(b, _Number) else a / b

    def divisor(self, c: Any, m: Any) -> Any:
        # max(m, c) is c wherever m <= c, yet XLA cannot fold it to the constant, so m / it
        # stays a true division (one instruction, shared by every quotient of an interval).
        return self.jnp.maximum(m, c) if isinstance(c, _Number) else c

    def lookup(self, keys: tuple, values: tuple, x: Any) -> Any:
        if len(keys) > _UNROLL:
            return super().lookup(keys, values, x)
        # A chain of selects, as optax writes its piecewise schedules: jnp.searchsorted is a
        # while loop in XLA (about 80 instructions), two per key here, compares shared by CSE.
        out = self._lift(values[0])
        for k, v in zip(keys, values[1:]):
            out = self.jnp.where(x >= float(k), self._lift(v), out)
        return out

    def searchsorted(self, table: tuple, x: Any) -> Any:
        t = self.jnp.asarray(table, dtype=self.dtype)
        return self.jnp.searchsorted(t, x, side="right").astype(self.dtype)

    def take(self, table: tuple, i: Any) -> Any:
        return self.jnp.asarray(table, dtype=self.dtype)[i.astype("int32")]

    def full_like(self, t: Any, v: Any) -> Any:
        return self.jnp.full_like(t, v, dtype=self.dtype)


class _TensorOps(_ArrayOps):
    """Shared by torch and paddle, whose elementwise functions want tensors on both sides."""

    sin, cos, exp, expm1 = _unary("sin"), _unary("cos"), _unary("exp"), _unary("expm1")
    log, log1p, sqrt = _unary("log"), _unary("log1p"), _unary("sqrt")
    tanh, floor = _unary("tanh"), _unary("floor")

    def pow(self, a: Any, b: Any) -> Any:
        # Both as tensors of our dtype: paddle rounds a Python float exponent to float32.
        return self.lib.pow(*self._lift_all(a, b))

    def fmod(self, a: Any, b: Any) -> Any:
        return (self.lib.fmod if hasattr(self.lib, "fmod") else self.lib.mod)(*self._lift_all(a, b))

    def where(self, c: Any, a: Any, b: Any) -> Any:
        return self.lib.where(c, *self._lift_all(a, b))

    def minimum(self, a: Any, b: Any) -> Any:
        return self.lib.minimum(*self._lift_all(a, b))

    def maximum(self, a: Any, b: Any) -> Any:
        return self.lib.maximum(*self._lift_all(a, b))

    def full_like(self, t: Any, v: Any) -> Any:
        return self.lib.full_like(t, v, dtype=self.dtype)


class TorchOps(_TensorOps):
    """torch tensors, on their own device: no host synchronisation."""

    name = "torch"

    def __init__(self, dtype: Any, device: Any = None) -> None:
        import torch

        super().__init__(dtype, device)
        self.torch = self.lib = torch

    def _lift(self, x: Any) -> Any:
        return self.torch.tensor(x, dtype=self.dtype, device=self.device)

    def searchsorted(self, table: tuple, x: Any) -> Any:
        t = self.torch.tensor(table, dtype=self.dtype, device=self.device)
        return self.torch.searchsorted(t, x.contiguous(), right=True).to(self.dtype)

    def take(self, table: tuple, i: Any) -> Any:
        return self.torch.tensor(table, dtype=self.dtype, device=self.device)[i.long()]


class PaddleOps(_TensorOps):
    name = "paddle"

    def __init__(self, dtype: Any, device: Any = None) -> None:
        import paddle

        super().__init__(dtype, device)
        self.paddle = self.lib = paddle

    def _lift(self, x: Any) -> Any:
        return self.paddle.full([], x, dtype=self.dtype)

    def exp(self, x: Any) -> Any:
        # paddle's vectorised float64 exp (its 4-wide lanes) gives 5.6e-309 for every argument
        # below about -709.8, not the subnormal or 0 it should; so results below the smallest
        # normal number are 0 here, as XLA, which flushes subnormals, gives them.
        x = self._lift(x) if isinstance(x, _Number) else x
        return self.paddle.where(x < _LOG_TINY64, self._lift(0.0), self.paddle.exp(x))

    def searchsorted(self, table: tuple, x: Any) -> Any:
        t = self.paddle.to_tensor(list(table), dtype=self.dtype)
        return self.paddle.searchsorted(t, x, right=True).astype(self.dtype)

    def take(self, table: tuple, i: Any) -> Any:
        t = self.paddle.to_tensor(list(table), dtype=self.dtype)
        return self.paddle.take(t, i.astype("int64"))


# ----------------------------------------------------------------------------------------
# Picking the namespace from the input's type, without importing anything new.

_KIND_CACHE: dict[type, str | None] = {}


def _kind_of(x: Any) -> str | None:
    tp = type(x)
    try:
        return _KIND_CACHE[tp]
    except KeyError:
        pass
    kind = None
    np = sys.modules.get("numpy")
    jax = sys.modules.get("jax")
    torch = sys.modules.get("torch")
    paddle = sys.modules.get("paddle")
    if np is not None and isinstance(x, np.ndarray):
        kind = "numpy"
    elif jax is not None and isinstance(x, jax.Array):
        kind = "jax"
    elif torch is not None and isinstance(x, torch.Tensor):
        kind = "torch"
    elif paddle is not None and isinstance(x, paddle.Tensor):
        kind = "paddle"
    elif np is not None and isinstance(x, np.generic):
        kind = "numpy"
    # Tracer types are created per transformation; caching them is still bounded (a few types).
    _KIND_CACHE[tp] = kind
    return kind


def metric_namespace(x: Any, who: str) -> Any:
    """The namespace for a metric fed to a plateau's update: Python numbers, numpy or jax."""
    kind = _kind_of(x)
    if kind is None:
        return scalar
    if kind == "jax":
        return JaxOps(x.dtype)
    if kind == "numpy":
        return NumpyOps(x.dtype)
    raise TypeError(f"{who} takes Python numbers or jax arrays, got {type(x).__name__}; use float(metric)")


def namespace_for(x: Any) -> str | None:
    """The name of the array library `x` belongs to ('numpy', 'jax', 'torch', 'paddle'), or None."""
    return _kind_of(x)


def _check_numpy_steps(np: Any, t: Any) -> None:
    if t.size == 0:
        return
    bad = ~np.isfinite(t) | (t < 0)
    if bad.any():
        v = t[bad].flat[0]
        raise ValueError(f"steps must be finite numbers >= 0, got {float(v)!r}")


def prepare_steps(steps: Any, dtype: Any = None) -> tuple[Any, Any]:
    """Turn `steps` into (namespace, float array of steps).

    Numpy inputs (and lists, ranges) are eager, so bad steps raise. Framework arrays may be
    traced (jax.jit) or live on a device (torch CUDA): there, steps are clamped to >= 0
    instead, without looking at their values.
    """
    kind = _kind_of(steps)
    if kind in (None, "numpy"):
        import numpy as np

        dt = np.dtype(dtype if dtype is not None else np.float64)
        if dt.kind != "f":
            raise TypeError(f"dtype must be a floating dtype, got dtype={dtype!r}")
        if isinstance(steps, range):
            if steps.start < 0 or (len(steps) and min(steps[0], steps[-1]) < 0):
                raise ValueError(f"steps must be finite numbers >= 0, got {steps!r}")
            t = np.arange(steps.start, steps.stop, steps.step, dtype=np.float64).astype(dt, copy=False)
        else:
            try:
                raw = np.asarray(steps)
            except (ValueError, OverflowError):  # ragged, or ints beyond int64
                raise ValueError(f"steps must be a rectangular list, range or array of numbers, got {steps!r}") from None
            if raw.dtype.kind not in "iuf":
                raise TypeError(f"steps must be numbers, got an array of dtype {raw.dtype}")
            if raw.dtype.kind == "f":
                _check_numpy_steps(np, raw)  # before the cast, which may overflow a narrower dtype
            t = raw.astype(dt)
            if raw.dtype.kind != "f":
                _check_numpy_steps(np, t)
        return NumpyOps(dt), t
    if kind == "jax":
        import jax.numpy as jnp

        dt = dtype if dtype is not None else (steps.dtype if jnp.issubdtype(steps.dtype, jnp.floating) else jnp.result_type(float))
        t = jnp.maximum(jnp.asarray(steps).astype(dt), 0)
        return JaxOps(dt), t
    if kind == "torch":
        import torch

        dt = dtype if dtype is not None else (steps.dtype if steps.is_floating_point() else torch.get_default_dtype())
        t = torch.clamp(steps.to(dt), min=0)
        return TorchOps(dt, steps.device), t
    if kind == "paddle":
        import paddle

        if dtype is not None:
            dt = dtype
        elif steps.dtype in (paddle.float16, paddle.bfloat16, paddle.float32, paddle.float64):
            dt = steps.dtype
        else:
            dt = paddle.get_default_dtype()
        t = paddle.clip(steps.astype(dt), min=0.0)
        return PaddleOps(dt), t
    raise TypeError(f"cannot evaluate steps of type {type(steps).__name__}")  # pragma: no cover
