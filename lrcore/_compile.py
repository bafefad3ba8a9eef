"""Compile a schedule's formula, traced once, into straight-line Python for ``s(step)``.

The formula is written once against the op set (``_ops``). Evaluating it node by node on a
Python float costs a method call per op; tracing it with symbolic values instead emits one
line of Python per op, with every parameter folded in as a constant, so the scalar path runs
as fast as a hand-written function. The generated code calls the same ``math`` functions the
scalar namespace uses, so both give identical floats.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Callable

from ._ops import ScalarOps

__all__ = ["compile_scalar", "check_step"]


def check_step(step: Any) -> float:
    """The eager step check: a real number, finite, >= 0, returned as float."""
    if isinstance(step, bool) or not isinstance(step, numbers.Real):
        raise TypeError(f"step must be an int or a float, got {step!r} of type {type(step).__name__}")
    try:
        t = float(step)
    except OverflowError:
        raise ValueError(f"step must be a finite number >= 0, got {step!r}") from None
    if not 0.0 <= t < math.inf:
        raise ValueError(f"step must be a finite number >= 0, got {step!r}")
    return t


class _Sym:
    """A traced value: the name of a local variable in the generated code."""

    __slots__ = ("name", "tr")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, name: str, tr: "_Tracer") -> None:
        self.name, self.tr = name, tr

    def __bool__(self) -> bool:
        raise TypeError("a formula used a Python `if` on the step; use xp.where instead")

    def _b(op: str, rev: bool = False) -> Callable:  # noqa: N805
        def f(self: _Sym, other: Any) -> Any:
            return self.tr.binop(op, other, self) if rev else self.tr.binop(op, self, other)

        return f

    __add__, __radd__ = _b("+"), _b("+", True)
    __sub__, __rsub__ = _b("-"), _b("-", True)
    __mul__, __rmul__ = _b("*"), _b("*", True)
    __truediv__, __rtruediv__ = _b("/"), _b("/", True)
    __pow__, __rpow__ = _b("**"), _b("**", True)
    __lt__, __le__ = _b("<"), _b("<=")
    __gt__, __ge__ = _b(">"), _b(">=")
    __eq__, __ne__ = _b("=="), _b("!=")  # type: ignore[assignment]

    def __neg__(self) -> "_Sym":
        return self.tr.emit(f"-{self.name}")


class _Tracer:
    """A namespace with the op set of ``_ops`` that records code instead of computing."""

    name = "trace"
    double = True  # the generated code runs on Python floats

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.consts: dict[str, Any] = {}
        self.n = 0

    # -- plumbing
    def emit(self, expr: str) -> _Sym:
        name = f"v{self.n}"
        self.n += 1
        self.lines.append(f"    {name} = {expr}")
        return _Sym(name, self)

    def lit(self, x: Any) -> str:
        if isinstance(x, _Sym):
            return x.name
        if isinstance(x, bool) or (isinstance(x, int) and abs(x) < 2**63):
            return repr(x)
        if isinstance(x, float) and math.isfinite(x):
            return repr(x)
        key = f"_k{len(self.consts)}"
        self.consts[key] = x
        return key

    def binop(self, op: str, a: Any, b: Any) -> _Sym:
        return self.emit(f"{self.lit(a)} {op} {self.lit(b)}")

    def _call(self, fn: str, x: Any, direct: Callable) -> Any:
        if not isinstance(x, _Sym):
            return direct(x)
        return self.emit(f"{fn}({x.name})")

    # -- the op set
    def sin(self, x: Any) -> Any:
        return self._call("_sin", x, math.sin)

    def expm1(self, x: Any) -> Any:
        return self._call("_expm1", x, math.expm1)

    def log1p(self, x: Any) -> Any:
        return self._call("_log1p", x, math.log1p)

    def fmod(self, a: Any, b: Any) -> Any:
        if not isinstance(a, _Sym) and not isinstance(b, _Sym):
            return math.fmod(a, b)
        return self.emit(f"_fmod({self.lit(a)}, {self.lit(b)})")

    def below(self, x: float) -> float:
        return math.nextafter(x, -math.inf)

    def div(self, a: Any, b: Any) -> Any:
        return self.binop("/", a, b) if isinstance(a, _Sym) or isinstance(b, _Sym) else a / b

    def pow(self, a: Any, b: Any) -> Any:
        if not isinstance(a, _Sym) and not isinstance(b, _Sym):
            return a**b
        return self.binop("**", a, b)

    def cos(self, x: Any) -> Any:
        return self._call("_cos", x, math.cos)

    def exp(self, x: Any) -> Any:
        return self._call("_exp", x, math.exp)

    def log(self, x: Any) -> Any:
        return self._call("_log", x, math.log)

    def sqrt(self, x: Any) -> Any:
        return self._call("_sqrt", x, math.sqrt)

    def tanh(self, x: Any) -> Any:
        return self._call("_tanh", x, math.tanh)

    def floor(self, x: Any) -> Any:
        return self._call("_floor", x, ScalarOps.floor)

    def where(self, c: Any, a: Any, b: Any) -> Any:
        if not isinstance(c, _Sym):
            return a if c else b
        return self.emit(f"{self.lit(a)} if {c.name} else {self.lit(b)}")

    def minimum(self, a: Any, b: Any) -> Any:
        if not isinstance(a, _Sym) and not isinstance(b, _Sym):
            return ScalarOps.minimum(a, b)
        x, y = self.lit(a), self.lit(b)
        return self.emit(f"{x} if {x} < {y} else {y}")

    def maximum(self, a: Any, b: Any) -> Any:
        if not isinstance(a, _Sym) and not isinstance(b, _Sym):
            return ScalarOps.maximum(a, b)
        x, y = self.lit(a), self.lit(b)
        return self.emit(f"{x} if {x} > {y} else {y}")

    def searchsorted(self, table: tuple, x: Any) -> Any:
        if not isinstance(x, _Sym):
            return ScalarOps.searchsorted(table, x)
        return self.emit(f"float(_bisect({self.lit(table)}, {x.name}))")

    def take(self, table: tuple, i: Any) -> Any:
        if not isinstance(i, _Sym):
            return ScalarOps.take(table, i)
        return self.emit(f"{self.lit(table)}[int({i.name})]")

    def lookup(self, keys: tuple, values: tuple, x: Any) -> Any:
        if not isinstance(x, _Sym):
            return ScalarOps.lookup(keys, values, x)
        return self.emit(f"{self.lit(values)}[_bisect({self.lit(keys)}, {x.name})]")

    def divisor(self, c: Any, m: Any) -> Any:
        return c

    def apply(self, fn: Callable, x: Any) -> Any:
        if not isinstance(x, _Sym):
            return float(fn(x))
        return self.emit(f"float({self.lit(fn)}({x.name}))")


_GLOBALS = {
    "_sin": math.sin, "_expm1": math.expm1, "_log1p": math.log1p, "_fmod": math.fmod, "_cos": math.cos, "_exp": math.exp, "_log": math.log, "_sqrt": math.sqrt,
    "_tanh": math.tanh, "_floor": ScalarOps.floor, "_check": check_step,
    "_bisect": __import__("bisect").bisect_right, "_INF": math.inf, "_BIG": 2**1000,
}


def compile_scalar(formula: Callable[[Any, Any], Any], label: str) -> Callable[[Any], float]:
    """Trace ``formula(step, xp)`` into ``f(step) -> float`` with the step check built in.

    If the formula cannot be traced (a user `Function` that calls ``math`` on the step, say),
    the fallback evaluates it directly with the scalar namespace: same values, slower.
    """
    tr = _Tracer()
    try:
        out = formula(_Sym("t", tr), tr)
    except Exception:  # noqa: BLE001 - any tracing failure just means "not traceable"
        def direct(step: Any) -> float:
            t = step if step.__class__ is float and 0.0 <= step < math.inf else check_step(step)
            return float(formula(t, ScalarOps))

        return direct
    body = "\n".join(tr.lines)
    src = (
        f"def {label}(step):\n"
        "    c = step.__class__\n"
        "    if c is float and 0.0 <= step < _INF:\n"
        "        t = step\n"
        "    elif c is int and 0 <= step < _BIG:\n"
        "        t = float(step)\n"
        "    else:\n"
        "        t = _check(step)\n"
        f"{body}\n"
        f"    return float({tr.lit(out)})\n"
    )
    ns = dict(_GLOBALS)
    ns.update(tr.consts)
    exec(compile(src, f"<lrcore {label}>", "exec"), ns)  # noqa: S102 - our own generated code
    fn = ns[label]
    fn.__lrcore_source__ = src
    return fn
