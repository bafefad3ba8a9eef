"""The array libraries of `lrcore.ops`: numpy, jax, torch and paddle, one class each.

Each names its ``module``; `lrcore.ops` asks it only once that module is imported, so a
library is never imported here before the caller has imported it (``import lrcore`` loads
this file only when an array first reaches a schedule).
"""

from __future__ import annotations

import math
import struct
TYPE_CHECKING = False  # typing is not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Any, Callable

from .ops import Ops

__all__ = ["ArrayOps", "NumpyOps", "JaxOps", "TorchOps", "PaddleOps"]

_Number = (int, float)
_LOG_TINY64 = math.log(2.2250738585072014e-308)  # below it exp is subnormal in float64
_UNROLL = 32  # tables up to this many keys are looked up with a chain of selects where `unroll`


class ArrayOps(Ops):
    """Shared by the array libraries: ops bound to one dtype (and device), numbers lifted to it.

    ``lib`` is the library's namespace; an op its library spells as ``lib.<op>`` with tensors
    on both sides needs no code here. ``unroll``: look tables up with a chain of selects
    (XLA, where ``searchsorted`` is a loop).
    """

    name = "array"
    unroll = False
    lib: Any  # the library's namespace (numpy, jax.numpy, torch, paddle)

    def __init__(self, dtype: Any, device: Any = None) -> None:
        self.dtype, self.device = dtype, device
        self.double = "64" in str(dtype)

    def lift(self, x: Any) -> Any:
        """A Python number as a 0-d array of the namespace's dtype and device."""
        raise NotImplementedError

    def _lift_all(self, *xs: Any) -> list[Any]:
        return [self.lift(x) if isinstance(x, _Number) else x for x in xs]

    def _unary(self, name: str, x: Any) -> Any:
        return getattr(self.lib, name)(self.lift(x) if isinstance(x, _Number) else x)

    def pow(self, a: Any, b: Any) -> Any:
        # both as arrays of our dtype: paddle rounds a Python float exponent to float32
        return self.lib.pow(*self._lift_all(a, b))

    def fmod(self, a: Any, b: Any) -> Any:
        return self.lib.fmod(*self._lift_all(a, b))

    def where(self, c: Any, a: Any, b: Any) -> Any:  # type: ignore[override]  # called on an instance (xp.op): Ops' own ops are static
        return self.lib.where(c, *self._lift_all(a, b))

    def minimum(self, a: Any, b: Any) -> Any:  # type: ignore[override]  # called on an instance (xp.op): Ops' own ops are static
        return self.lib.minimum(*self._lift_all(a, b))

    def maximum(self, a: Any, b: Any) -> Any:  # type: ignore[override]  # called on an instance (xp.op): Ops' own ops are static
        return self.lib.maximum(*self._lift_all(a, b))

    def div(self, a: Any, b: Any) -> Any:  # type: ignore[override]  # called on an instance (xp.op): Ops' own ops are static
        # XLA turns a division by a constant into a multiplication by its reciprocal, which is
        # an ulp off; a divisor that depends on the input stays a true division.
        return a / (a * 0.0 + b) if self.xla and isinstance(b, _Number) else a / b

    def lookup(self, keys: tuple[float, ...], values: tuple[float, ...], x: Any) -> Any:  # type: ignore[override]  # called on an instance (xp.op): Ops' own ops are static
        if not self.unroll or len(keys) > _UNROLL:
            return self.take(values, self.searchsorted(keys, x))
        # A chain of selects, as optax writes its piecewise schedules: searchsorted is a while
        # loop in XLA (about 80 instructions), two per key here, compares shared by CSE.
        out = self.lift(values[0])
        for k, v in zip(keys, values[1:]):
            out = self.lib.where(x >= float(k), self.lift(v), out)
        return out

    def below(self, c: float) -> float:  # type: ignore[override]  # called on an instance (xp.op): Ops' own ops are static
        bits = 16 if "16" in str(self.dtype) else 32 if "32" in str(self.dtype) else 64
        fmt, ifmt = {16: ("e", "<H"), 32: ("f", "<I"), 64: ("d", "<Q")}[bits]
        y: float = struct.unpack(fmt, struct.pack(fmt, c))[0]  # c rounded to the dtype
        if y >= c:
            (i,) = struct.unpack(ifmt, struct.pack("<" + fmt, y))
            i = i - 1 if y > 0 else i + 1 if y < 0 else (1 << (bits - 1)) | 1
            y = struct.unpack("<" + fmt, struct.pack(ifmt, i))[0]
        return y

    def full_like(self, t: Any, v: Any) -> Any:  # type: ignore[override]  # called on an instance (xp.op): Ops' own ops are static
        return self.lib.full_like(t, v, dtype=self.dtype)

    def apply(self, fn: Callable[[float], Any], t: Any) -> Any:  # type: ignore[override]  # called on an instance (xp.op): Ops' own ops are static
        raise TypeError(
            f"Function({getattr(fn, '__qualname__', fn)!r}) has no `xp` parameter, so it can only be "
            f"evaluated on Python numbers and numpy arrays, not on {self.name} arrays; give it "
            "a signature fn(step, xp) that uses the ops of xp to run everywhere"
        )


def _elementwise(name: str) -> Callable[[ArrayOps, Any], Any]:
    def op(self: ArrayOps, x: Any) -> Any:
        return self._unary(name, x)

    op.__name__ = op.__qualname__ = name
    return op


for _name in ("sin", "cos", "tanh", "exp", "expm1", "log", "log1p", "sqrt", "floor"):
    setattr(ArrayOps, _name, _elementwise(_name))


def _check_numpy_steps(np: Any, t: Any) -> None:
    if t.size == 0:
        return
    bad = ~np.isfinite(t) | (t < 0)
    if bad.any():
        v = t[bad].flat[0]
        raise ValueError(f"steps must be finite numbers >= 0, got {float(v)!r}")


class NumpyOps(ArrayOps):
    """numpy arrays (and lists and ranges, turned into them): eager, so bad steps raise."""

    name = module = "numpy"

    def __init__(self, dtype: Any, device: Any = None) -> None:
        import numpy as np

        super().__init__(dtype, device)
        self.np = self.lib = np
        # the library's functions themselves: a Python call less per op on the hot path (they
        # replace the methods per instance, which mypy refuses: the ignores below)
        self.sin, self.cos, self.exp, self.expm1, self.log = np.sin, np.cos, np.exp, np.expm1, np.log
        self.log1p, self.pow, self.fmod = np.log1p, np.power, np.fmod  # type: ignore[method-assign]
        self.sqrt, self.tanh, self.floor = np.sqrt, np.tanh, np.floor  # type: ignore[method-assign]

    @classmethod
    def owns(cls, x: Any) -> bool:
        np = cls._np()
        return isinstance(x, (np.ndarray, np.generic))

    @staticmethod
    def _np() -> Any:
        import numpy as np

        return np

    @classmethod
    def prepare(cls, steps: Any, dtype: Any) -> tuple[Ops, Any]:
        np = cls._np()
        dt = np.dtype(dtype if dtype is not None else np.float64)
        if dt.kind != "f":
            raise TypeError(f"dtype must be a floating dtype, got dtype={dtype!r}")
        if isinstance(steps, range):
            if steps.start < 0 or (len(steps) and min(steps[0], steps[-1]) < 0):
                raise ValueError(f"steps must be finite numbers >= 0, got {steps!r}")
            t = np.arange(steps.start, steps.stop, steps.step, dtype=np.float64).astype(dt, copy=False)
            return cls(dt), t
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
        return cls(dt), t

    @classmethod
    def for_metric(cls, x: Any, who: str) -> Ops:
        return cls(x.dtype)

    def lift(self, x: Any) -> Any:
        return self.np.asarray(x, dtype=self.dtype)

    def searchsorted(self, table: tuple[float, ...], x: Any) -> Any:  # type: ignore[override]  # called on an instance (xp.op): Ops' own ops are static
        t = self.np.asarray(table, dtype=self.dtype)
        return self.np.searchsorted(t, x, side="right").astype(self.dtype)

    def take(self, table: tuple[float, ...], i: Any) -> Any:  # type: ignore[override]  # called on an instance (xp.op): Ops' own ops are static
        return self.np.asarray(table, dtype=self.dtype)[self.np.asarray(i).astype(self.np.intp)]

    def apply(self, fn: Callable[[float], Any], t: Any) -> Any:  # type: ignore[override]  # called on an instance (xp.op): Ops' own ops are static
        flat = [float(fn(float(v))) for v in t.ravel()]
        return self.np.asarray(flat, dtype=self.dtype).reshape(t.shape)


class JaxOps(ArrayOps):
    """jax.numpy; works on concrete arrays and on tracers (jit, vmap, grad)."""

    name = module = "jax"
    xla = unroll = True

    def __init__(self, dtype: Any, device: Any = None) -> None:
        import jax.numpy as jnp

        super().__init__(dtype, device)
        self.jnp = self.lib = jnp
        # the library's functions bound per instance, as NumpyOps does (mypy refuses a method replaced)
        self.sin, self.cos, self.exp, self.expm1 = jnp.sin, jnp.cos, jnp.exp, jnp.expm1
        self.log = jnp.log  # type: ignore[assignment]
        self.log1p, self.sqrt, self.tanh = jnp.log1p, jnp.sqrt, jnp.tanh
        self.fmod = jnp.fmod  # type: ignore[method-assign, assignment]
        self.floor = jnp.floor  # type: ignore[method-assign, assignment]
        self.pow = jnp.power  # type: ignore[method-assign, assignment]
        self.minimum, self.maximum = jnp.minimum, jnp.maximum  # type: ignore[method-assign, assignment]

    @classmethod
    def owns(cls, x: Any) -> bool:
        import jax

        return isinstance(x, jax.Array)

    @classmethod
    def prepare(cls, steps: Any, dtype: Any) -> tuple[Ops, Any]:
        import jax.numpy as jnp

        dt = dtype if dtype is not None else (steps.dtype if jnp.issubdtype(steps.dtype, jnp.floating) else jnp.result_type(float))
        return cls(dt), jnp.maximum(jnp.asarray(steps).astype(dt), 0)

    @classmethod
    def for_metric(cls, x: Any, who: str) -> Ops:
        return cls(x.dtype)

    def lift(self, x: Any) -> Any:
        return self.jnp.asarray(x, dtype=self.dtype)

    def searchsorted(self, table: tuple[float, ...], x: Any) -> Any:  # type: ignore[override]  # called on an instance (xp.op): Ops' own ops are static
        t = self.jnp.asarray(table, dtype=self.dtype)
        return self.jnp.searchsorted(t, x, side="right").astype(self.dtype)

    def take(self, table: tuple[float, ...], i: Any) -> Any:  # type: ignore[override]  # called on an instance (xp.op): Ops' own ops are static
        return self.jnp.asarray(table, dtype=self.dtype)[i.astype("int32")]


def _split(v: Any) -> tuple[Any, Any]:
    """Veltkamp's split of float64 v into ``hi + lo``, each of at most 26 bits (so products of them are exact)."""
    g = 134217729.0 * v  # 2**27 + 1
    hi = g - (g - v)
    return hi, v - hi


class TorchOps(ArrayOps):
    """torch tensors, on their own device: no host synchronisation."""

    name = module = "torch"

    def __init__(self, dtype: Any, device: Any = None) -> None:
        import torch

        super().__init__(dtype, device)
        self.torch = self.lib = torch

    @classmethod
    def owns(cls, x: Any) -> bool:
        import torch

        return isinstance(x, torch.Tensor)

    @classmethod
    def prepare(cls, steps: Any, dtype: Any) -> tuple[Ops, Any]:
        import torch

        dt = dtype if dtype is not None else (steps.dtype if steps.is_floating_point() else torch.get_default_dtype())
        return cls(dt, steps.device), torch.clamp(steps.to(dt), min=0)

    def lift(self, x: Any) -> Any:
        return self.torch.tensor(x, dtype=self.dtype, device=self.device)

    def sqrt(self, x: Any) -> Any:
        """``sqrt(x)`` correctly rounded, as ``math.sqrt``, numpy, jax and paddle give it in float64.

        torch's CPU kernel for float64 (the AVX512 build of torch 2.13 here, in eager mode and
        under ``torch.compile``) is faithful but not correctly rounded: 1.4% of random arguments
        come out an ulp off. Where sqrt feeds a time (``Warp(..., exponent=0.5)``), a child
        ill-conditioned in its time (a restart just past its cycle start) amplifies that ulp to
        4e-12 relative. Faithful means the correctly rounded root is p or a neighbour, so the
        neighbour is taken where the root lies beyond the midpoint ``m = p + h`` (``h`` half the
        gap to it): where ``x - m**2 = (x - hi**2 - 2 hi lo) - 2 hi h - (lo + h)**2`` is positive
        (upwards) or negative (downwards), with p split into halves of 26 bits (Veltkamp, with
        2**27 + 1). Scaled so that p is in [1, 2), every term is a multiple of 2**-77 below
        2**-48 until ``(lo + h)**2``, so each subtraction is exact (Sterbenz or few bits), and that
        square is exact as a Dekker pair (b, e); ``a3 - b`` against ``e`` then has the exact
        sign. No Newton step: those misround within 2**-52 ulp of a midpoint, where sqrt's hard
        cases lie (2,038 of 18,342 arguments with all-ones mantissas). x below 2**-900 or above
        2**900 is scaled by 2**108 or 2**-108 first (root by 2**-54 or 2**54), all exact, so no
        product is subnormal (found: x = 6.8e-308). 0 of 12 million random and 21,000
        adversarial arguments differ from numpy (tests/test_backends_torch.py). Costs ~150 us a
        call (30 ops) against 10 us, only in trees that take a sqrt. CPU only: CUDA's sqrt is
        correctly rounded, and a fused CUDA kernel may contract ``c * p - p`` into an FMA, which
        would break the split.
        """
        torch = self.torch
        x = self.lift(x) if isinstance(x, _Number) else x
        if not self.double or x.device.type != "cpu":
            return torch.sqrt(x)
        small, big = x < 2.0**-900, x > 2.0**900
        xs = torch.where(small, x * 2.0**108, torch.where(big, x * 2.0**-108, x))
        p = torch.sqrt(xs)
        hi, lo = _split(p)
        a2 = (xs - hi * hi) - (2.0 * hi) * lo  # exact: x - hi**2 - 2 hi lo

        def side(h: Any) -> tuple[Any, Any]:
            """(d, e) with ``x - (p + h)**2`` of the sign of ``d - e``, which their comparison gives exactly."""
            a3 = a2 - (2.0 * hi) * h
            ln = lo + h
            b = ln * ln
            lh, ll = _split(ln)
            return a3 - b, ((lh * lh - b) + (2.0 * lh) * ll) + ll * ll  # e = ln**2 - b, exactly

        up = torch.nextafter(p, torch.full_like(p, math.inf))
        down = torch.nextafter(p, torch.zeros_like(p))
        d_up, e_up = side((up - p) * 0.5)
        d_down, e_down = side((down - p) * 0.5)
        r = torch.where(d_up > e_up, up, torch.where(d_down < e_down, down, p))
        r = torch.where((xs > 0.0) & torch.isfinite(xs), r, p)  # 0 and inf as they are
        return torch.where(small, r * 2.0**-54, torch.where(big, r * 2.0**54, r))

    def searchsorted(self, table: tuple[float, ...], x: Any) -> Any:  # type: ignore[override]  # called on an instance (xp.op): Ops' own ops are static
        t = self.torch.tensor(table, dtype=self.dtype, device=self.device)
        return self.torch.searchsorted(t, x.contiguous(), right=True).to(self.dtype)

    def take(self, table: tuple[float, ...], i: Any) -> Any:  # type: ignore[override]  # called on an instance (xp.op): Ops' own ops are static
        return self.torch.tensor(table, dtype=self.dtype, device=self.device)[i.long()]


class PaddleOps(ArrayOps):
    """paddle tensors."""

    name = module = "paddle"

    def __init__(self, dtype: Any, device: Any = None) -> None:
        import paddle

        super().__init__(dtype, device)
        self.paddle = self.lib = paddle

    @classmethod
    def owns(cls, x: Any) -> bool:
        import paddle

        return isinstance(x, paddle.Tensor)

    @classmethod
    def prepare(cls, steps: Any, dtype: Any) -> tuple[Ops, Any]:
        import paddle

        if dtype is not None:
            dt = dtype
        elif steps.dtype in (paddle.float16, paddle.bfloat16, paddle.float32, paddle.float64):
            dt = steps.dtype
        else:
            dt = paddle.get_default_dtype()
        return cls(dt), paddle.clip(steps.astype(dt), min=0.0)

    def equal(self, a: Any, b: Any) -> Any:  # type: ignore[override]  # called on an instance (xp.op): Ops' own ops are static
        # paddle's == on floats is |a - b| < 1e-15 (0 == 9.75e-16 holds); <= and >= are exact
        a, b = self._lift_all(a, b)
        return self.lib.logical_and(a <= b, a >= b)

    def lift(self, x: Any) -> Any:
        return self.paddle.full([], x, dtype=self.dtype)

    def fmod(self, a: Any, b: Any) -> Any:
        return self.paddle.mod(*self._lift_all(a, b)) if not hasattr(self.paddle, "fmod") else super().fmod(a, b)

    def exp(self, x: Any) -> Any:
        # paddle's vectorised float64 exp (its 4-wide lanes) gives 5.6e-309 for every argument
        # below about -709.8, not the subnormal or 0 it should; so results below the smallest
        # normal number are 0 here, as XLA, which flushes subnormals, gives them.
        x = self.lift(x) if isinstance(x, _Number) else x
        return self.paddle.where(x < _LOG_TINY64, self.lift(0.0), self.paddle.exp(x))

    def searchsorted(self, table: tuple[float, ...], x: Any) -> Any:  # type: ignore[override]  # called on an instance (xp.op): Ops' own ops are static
        t = self.paddle.to_tensor(list(table), dtype=self.dtype)
        return self.paddle.searchsorted(t, x, right=True).astype(self.dtype)

    def take(self, table: tuple[float, ...], i: Any) -> Any:  # type: ignore[override]  # called on an instance (xp.op): Ops' own ops are static
        t = self.paddle.to_tensor(list(table), dtype=self.dtype)
        return self.paddle.take(t, i.astype("int64"))
