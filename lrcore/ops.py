"""The op namespace ``xp`` that every formula is written against: one class per array library.

A node's ``formula(self, t, xp)`` gets the step(s) ``t`` (a Python float, or an array of some
library) and ``xp``, an `Ops` bound to that library, dtype and device. It computes with Python's
arithmetic and comparisons on ``t`` and with the ops below, and nothing else: no ``if``,
``and``/``or``, ``min``/``max``, ``float()`` or ``math`` on ``t`` (that raises
`lrcore.FormulaError` at the first evaluation), so one formula runs on Python floats, numpy,
jax (under ``jit``, ``vmap`` and ``grad``), torch, paddle and keras. Every branch of a
``where`` is computed, so each must be finite on every step >= 0. Arguments may mix arrays
and Python numbers; tables (``searchsorted``, ``take``, ``lookup``) are tuples of numbers.

The ops, each documented on `Ops` (whose methods are the plain-math reference)::

    where(c, a, b)   equal(a, b)   minimum(a, b)   maximum(a, b)   div(a, b)   pow(a, b)   fmod(a, b)
    sin  cos  tanh  exp  expm1  log  log1p  sqrt  floor          (elementwise, one argument)
    searchsorted(table, x)   take(table, i)   lookup(keys, values, x)
    below(c)   full_like(t, v)   apply(fn, t)

The class is found from the type of the input (the einops way): among the registered
subclasses, only those whose library is already in ``sys.modules`` are asked, so nothing the
caller has not imported is imported, and the answer is cached per type. Adding an array
library is one subclass that names its ``module``, says which arrays are its own
(``owns``), turns steps into an array (``prepare``) and spells the ops its library spells
differently (see ``lrcore/_backends.py``).

>>> import lrcore
>>> from lrcore import ops
>>> ops.scalar.where(2.0 < 3.0, 1.0, 0.0), ops.scalar.lookup((10, 20), (1.0, 0.5, 0.25), 15.0)
(1.0, 0.5)
"""

from __future__ import annotations

import math
import operator
import sys
from bisect import bisect_right
TYPE_CHECKING = False  # typing is not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Any, Callable, ClassVar

__all__ = ["Ops", "scalar", "namespace_for", "prepare_steps", "metric_namespace"]


class Ops:
    """The op set, on Python floats with ``math`` (the path of ``s(step)``); array libraries subclass it.

    ``name``: the library; ``double``: whether it computes in float64; ``xla``: whether its
    compiler turns a division by a constant into a product with the reciprocal (so a divisor
    that depends on the input keeps a division true; see `div`).
    """

    name: ClassVar[str] = "python"
    module: ClassVar[str | None] = None  # the library whose arrays this class computes on
    double = True
    xla = False
    backends: ClassVar[list[type[Ops]]] = []  # the registered array classes, in registration order

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("module"):
            Ops.backends.append(cls)

    # -- finding the class of an input
    @classmethod
    def owns(cls, x: Any) -> bool:
        """Whether `x` is an array of this library (its module is already imported)."""
        return False

    @classmethod
    def prepare(cls, steps: Any, dtype: Any) -> tuple["Ops", Any]:
        """(namespace, float array of the steps). Eager libraries raise on bad steps; traced or
        device arrays are clamped to >= 0 instead, without looking at their values."""
        raise NotImplementedError

    @classmethod
    def for_metric(cls, x: Any, who: str) -> "Ops":
        """The namespace to update a plateau with a metric of this library (if it can)."""
        raise TypeError(f"{who} takes Python numbers, numpy or jax arrays, got {type(x).__name__}; use float(metric)")

    # -- the ops
    @staticmethod
    def where(c: Any, a: Any, b: Any) -> Any:
        """``a`` where ``c`` holds, else ``b``, elementwise (both are computed)."""
        return a if c else b

    @staticmethod
    def equal(a: Any, b: Any) -> Any:
        """``a == b`` exactly, elementwise. Compare arrays with it rather than with ``==``: paddle's
        ``==`` and ``!=`` on float tensors count ``|a - b| < 1e-15`` as equal (its ``<``, ``<=``,
        ``>`` and ``>=`` are exact), so ``0 == 9.75e-16`` there. For an x known to be >= 0,
        ``x <= 0.0`` is an exact test for zero too.

        >>> from lrcore import ops
        >>> ops.scalar.equal(0.0, 9.75e-16), ops.scalar.equal(0.5, 0.5)
        (False, True)
        """
        return a == b

    @staticmethod
    def minimum(a: Any, b: Any) -> Any:
        """The smaller of a and b, elementwise."""
        return a if a < b else b

    @staticmethod
    def maximum(a: Any, b: Any) -> Any:
        """The larger of a and b, elementwise."""
        return a if a > b else b

    @staticmethod
    def div(a: Any, b: Any) -> Any:
        """``a / b`` correctly rounded, also where b is a constant under XLA (which would take
        ``a * (1/b)``, an ulp off: a quotient at an exact multiple lands below the integer)."""
        return a / b

    pow = staticmethod(operator.pow)
    pow.__doc__ = "``a ** b``, elementwise (the library's power; exact for integer exponents)."
    fmod = staticmethod(math.fmod)
    sin, cos, tanh = staticmethod(math.sin), staticmethod(math.cos), staticmethod(math.tanh)
    exp, expm1 = staticmethod(math.exp), staticmethod(math.expm1)
    log, log1p, sqrt = staticmethod(math.log), staticmethod(math.log1p), staticmethod(math.sqrt)

    @staticmethod
    def floor(x: float) -> float:
        """The largest integer <= x, as a float of the namespace's dtype (inf and nan as they are,
        as numpy's floor gives them: a huge step over a tiny period is inf, not an OverflowError)."""
        return float(math.floor(x)) if x - x == 0.0 else x

    @staticmethod
    def searchsorted(table: tuple[float, ...], x: Any) -> Any:
        """How many entries of the sorted tuple `table` are <= x, as a float."""
        return float(bisect_right(table, x))

    @staticmethod
    def take(table: tuple[float, ...], i: Any) -> Any:
        """``table[i]`` for an integer-valued float index i."""
        return table[int(i)]

    @staticmethod
    def lookup(keys: tuple[float, ...], values: tuple[float, ...], x: Any) -> Any:
        """``values[searchsorted(keys, x)]``: the step function of x through sorted keys."""
        return values[bisect_right(keys, x)]

    @staticmethod
    def below(c: float) -> float:
        """The largest number of the namespace's dtype below the constant c."""
        return math.nextafter(c, -math.inf)

    @staticmethod
    def full_like(t: Any, v: Any) -> Any:
        """An array shaped as t, filled with v (v itself on Python floats)."""
        return v

    @staticmethod
    def apply(fn: Callable[[float], Any], t: Any) -> Any:
        """``fn`` called on each step as a Python float (only where the library allows it)."""
        return float(fn(t))


scalar = Ops()
"""The plain-math namespace: ``s(step)`` computes with it (compiled, see ``lrcore/_compile.py``)."""

_CLASS_OF: dict[type, type[Ops] | None] = {}


def _class_of(x: Any) -> type[Ops] | None:
    tp = type(x)
    try:
        return _CLASS_OF[tp]
    except KeyError:
        pass
    from . import _backends  # noqa: F401 - registers the array classes

    found = next((c for c in Ops.backends if c.module in sys.modules and c.owns(x)), None)
    _CLASS_OF[tp] = found  # tracer types are made per transformation: still a few types
    return found


def namespace_for(x: Any) -> str | None:
    """The name of the array library `x` belongs to ('numpy', 'jax', 'torch', 'paddle'), or None."""
    c = _class_of(x)
    return None if c is None else c.name


def prepare_steps(steps: Any, dtype: Any = None) -> tuple[Ops, Any]:
    """(namespace, float array of steps) for `steps`; lists and ranges become numpy."""
    c = _class_of(steps)
    if c is None:
        from ._backends import NumpyOps

        c = NumpyOps
    return c.prepare(steps, dtype)


def metric_namespace(x: Any, who: str) -> Ops:
    """The namespace for a metric fed to a plateau's update: Python numbers, numpy or jax."""
    c = _class_of(x)
    return scalar if c is None else c.for_metric(x, who)
