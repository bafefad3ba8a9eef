"""Compile a schedule's formula, traced once, into Python for ``s(step)``.

The formula is written once against the op set (`lrcore.ops`). Evaluating it node by node on a
Python float costs a method call per op; tracing it with symbolic values instead records one
node per op, with every parameter folded in as a constant, and the recorded graph is turned
into a plain Python function, so the scalar path runs as fast as a hand-written one:

* identical expressions are computed once (common subexpressions), and only what the result
  depends on is computed at all (dead code is never emitted);
* exact identities are folded: ``x * 1.0``, ``x / 1.0``, ``x - 0.0``, ``x + -0.0``, and
  ``x + 0.0`` where x cannot be -0.0;
* ``where(c, a, b)`` becomes an ``if``/``else`` block that computes only the branch taken
  (what both branches, or two selects, need is computed before it).

The generated code calls the same ``math`` functions the scalar namespace uses, in the same
order on the same operands, so both give identical floats: skipping a branch only skips work
whose result was discarded.
"""

from __future__ import annotations

import math
import numbers
TYPE_CHECKING = False  # typing is not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Any, Callable, Sequence

from .ops import Ops as ScalarOps

__all__ = ["compile_scalar", "compile_function", "check_step", "FormulaError"]


class FormulaError(TypeError):
    """A formula did something with the step that only works on one Python number: an ``if``
    on it, ``float(t)``, ``math.cos(t)``. Raised at a schedule's first evaluation, on every path."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


_IF = ("a formula must not use Python control flow (if, and, or, min, max, bool) on the step: "
       "use xp.where(cond, a, b), xp.minimum or xp.maximum, so it runs on arrays and under jit too")
_CALL = ("a formula must compute with the ops of xp, not with float(), int() or the math module "
         "on the step: use xp.cos, xp.floor, ... so it runs on arrays and under jit too")


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


def _binop(op: str, rev: bool = False) -> Callable[[_Sym, Any], Any]:
    """The operator method of `_Sym` for `op` (``rev``: the reflected one, ``__radd__``, ...)."""
    def f(self: _Sym, other: Any) -> Any:
        return self.tr.binop(op, other, self) if rev else self.tr.binop(op, self, other)

    return f


class _Sym:
    """A traced value: one node of the recorded graph (the name of a local in the generated code)."""

    __slots__ = ("name", "tr", "i", "isf", "nn")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, name: str, tr: "_Tracer", i: int = -1, isf: bool = False, nn: bool = False) -> None:
        # isf: the value is certainly a Python float; nn: certainly >= +0.0 (or NaN), never -0.0
        self.name, self.tr, self.i, self.isf, self.nn = name, tr, i, isf, nn

    def __bool__(self) -> bool:
        raise FormulaError(_IF)

    def __float__(self) -> float:
        raise FormulaError(_CALL)

    __int__ = __index__ = __float__

    __add__, __radd__ = _binop("+"), _binop("+", True)
    __sub__, __rsub__ = _binop("-"), _binop("-", True)
    __mul__, __rmul__ = _binop("*"), _binop("*", True)
    __truediv__, __rtruediv__ = _binop("/"), _binop("/", True)
    __pow__, __rpow__ = _binop("**"), _binop("**", True)
    __lt__, __le__ = _binop("<"), _binop("<=")
    __gt__, __ge__ = _binop(">"), _binop(">=")
    __eq__, __ne__ = _binop("=="), _binop("!=")
    __and__, __rand__ = _binop("&"), _binop("&", True)
    __or__, __ror__ = _binop("|"), _binop("|", True)

    def __neg__(self) -> "_Sym":
        return self.tr.emit(f"-{self.name}", (self,), isf=self.isf)


class _Node:
    """One recorded op: ``expr`` over the names of ``deps``; a select also has branches."""

    __slots__ = ("sym", "expr", "deps", "branches", "cond")

    def __init__(self, sym: _Sym, expr: str, deps: tuple[_Sym, ...], branches: tuple[Any, ...] = (), cond: Any = None) -> None:
        self.sym, self.expr, self.deps, self.branches, self.cond = sym, expr, deps, branches, cond


def _is_num(x: Any) -> bool:
    return type(x) in (int, float)


def _pos_zero(x: Any) -> bool:
    return _is_num(x) and x == 0 and math.copysign(1.0, x) > 0


class _Tracer:
    """A namespace with the op set of `lrcore.ops` that records a graph instead of computing."""

    name = "trace"
    double = True  # the generated code runs on Python floats
    xla = False

    def __init__(self, optimize: bool = True) -> None:
        self.optimize = optimize
        self.nodes: list[_Node] = []
        self.consts: dict[str, Any] = {}
        self._const_ids: dict[int, str] = {}
        self._cse: dict[str, _Sym] = {}

    # -- plumbing
    def sym(self, name: str, isf: bool = False) -> _Sym:
        """An input of the traced function."""
        return _Sym(name, self, -1, isf)

    def emit(self, expr: str, deps: tuple[_Sym, ...] = (), *, isf: bool = False, nn: bool = False, pure: bool = True,
             branches: tuple[Any, ...] = (), cond: Any = None) -> _Sym:
        if self.optimize and pure:
            hit = self._cse.get(expr)
            if hit is not None:
                return hit
        i = len(self.nodes)
        s = _Sym(f"v{i}", self, i, isf, nn)
        self.nodes.append(_Node(s, expr.replace("\0", s.name),
                                tuple(d for d in deps if isinstance(d, _Sym)), branches, cond))
        if self.optimize and pure:
            self._cse[expr] = s
        return s

    def lit(self, x: Any) -> str:
        if isinstance(x, _Sym):
            return x.name
        if isinstance(x, bool) or (isinstance(x, int) and abs(x) < 2**63):
            return repr(x) if x >= 0 else f"({x!r})"
        if isinstance(x, float) and math.isfinite(x):
            return repr(x) if math.copysign(1.0, x) > 0 else f"({x!r})"
        key = self._const_ids.get(id(x))
        if key is None:
            key = self._const_ids[id(x)] = f"_k{len(self.consts)}"
            self.consts[key] = x
        return key

    @staticmethod
    def _f(x: Any) -> bool:  # certainly a float
        return x.isf if isinstance(x, _Sym) else type(x) is float

    @staticmethod
    def _nn(x: Any) -> bool:  # certainly >= +0.0 or NaN
        if isinstance(x, _Sym):
            return x.nn
        return _is_num(x) and (x > 0 or _pos_zero(x))

    def binop(self, op: str, a: Any, b: Any) -> Any:
        if self.optimize:
            folded = self._fold(op, a, b)
            if folded is not None:
                return folded
        f, nn = self._f, self._nn
        if op in "+-*/":
            isf = f(a) or f(b)
            if op == "+":
                keep = nn(a) and nn(b)
            elif op == "*":
                keep = (a is b and a.isf) or (nn(a) and nn(b) and (_is_num(a) and a > 0 or _is_num(b) and b > 0))
            elif op == "/":
                keep = nn(a) and _is_num(b) and b > 0
            else:
                keep = False
        elif op == "**":
            isf = keep = f(a) and nn(a) and _is_num(a) and a > 0  # a positive constant base
        else:
            isf = keep = False
        return self.emit(f"{self.lit(a)} {op} {self.lit(b)}", (a, b), isf=isf, nn=keep and isf)

    def _fold(self, op: str, a: Any, b: Any) -> Any:
        """x for exact identities on a float x (None where nothing folds)."""
        if isinstance(a, _Sym) and a.isf and _is_num(b):
            if (op in "*/" and b == 1) or (op == "-" and _pos_zero(b)) or (op == "+" and b == 0 and (not _pos_zero(b) or a.nn)):
                return a
        if isinstance(b, _Sym) and b.isf and _is_num(a):
            if (op == "*" and a == 1) or (op == "+" and a == 0 and (not _pos_zero(a) or b.nn)):
                return b
        return None

    def _call(self, fn: str, x: Any, direct: Callable[[Any], Any], nn: bool = False) -> Any:
        if not isinstance(x, _Sym):
            return direct(x)
        return self.emit(f"{fn}({x.name})", (x,), isf=True, nn=nn)

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
        return self.emit(f"_fmod({self.lit(a)}, {self.lit(b)})", (a, b), isf=True)

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
        return self._call("_exp", x, math.exp, nn=True)

    def log(self, x: Any) -> Any:
        return self._call("_log", x, math.log)

    def sqrt(self, x: Any) -> Any:
        return self._call("_sqrt", x, math.sqrt, nn=isinstance(x, _Sym) and x.nn)

    def tanh(self, x: Any) -> Any:
        return self._call("_tanh", x, math.tanh)

    def floor(self, x: Any) -> Any:
        if not isinstance(x, _Sym):
            return ScalarOps.floor(x)
        # ScalarOps.floor written out (it saves a Python call): inf and nan pass as they are
        return self.emit(f"(float(_mfloor({x.name})) if {x.name} - {x.name} == 0.0 else {x.name})", (x,), isf=True)

    def where(self, c: Any, a: Any, b: Any) -> Any:
        if not isinstance(c, _Sym):
            return a if c else b
        if self.optimize and (a is b or (_is_num(a) and type(a) is type(b) and a == b and math.copysign(1.0, a) == math.copysign(1.0, b))):
            return a
        f, nn = self._f, self._nn
        return self.emit(f"{self.lit(a)} if {c.name} else {self.lit(b)}", (c,), isf=f(a) and f(b),
                         nn=nn(a) and nn(b), branches=(a, b), cond=c)

    def equal(self, a: Any, b: Any) -> Any:
        return self.binop("==", a, b) if isinstance(a, _Sym) or isinstance(b, _Sym) else a == b

    def minimum(self, a: Any, b: Any) -> Any:
        if not isinstance(a, _Sym) and not isinstance(b, _Sym):
            return ScalarOps.minimum(a, b)
        x, y, f, nn = self.lit(a), self.lit(b), self._f, self._nn
        return self.emit(f"{x} if {x} < {y} else {y}", (a, b), isf=f(a) and f(b), nn=nn(a) and nn(b))

    def maximum(self, a: Any, b: Any) -> Any:
        if not isinstance(a, _Sym) and not isinstance(b, _Sym):
            return ScalarOps.maximum(a, b)
        x, y, f, nn = self.lit(a), self.lit(b), self._f, self._nn
        return self.emit(f"{x} if {x} > {y} else {y}", (a, b), isf=f(a) and f(b), nn=nn(a) or nn(b))

    def searchsorted(self, table: tuple[float, ...], x: Any) -> Any:
        if not isinstance(x, _Sym):
            return ScalarOps.searchsorted(table, x)
        return self.emit(f"float(_bisect({self.lit(table)}, {x.name}))", (x,), isf=True, nn=True)

    def take(self, table: tuple[float, ...], i: Any) -> Any:
        if not isinstance(i, _Sym):
            return ScalarOps.take(table, i)
        return self.emit(f"{self.lit(table)}[int({i.name})]", (i,), isf=all(type(v) is float for v in table))

    def lookup(self, keys: tuple[float, ...], values: tuple[float, ...], x: Any) -> Any:
        if not isinstance(x, _Sym):
            return ScalarOps.lookup(keys, values, x)
        # the index apart, so lookups of several tables by one key share it
        i = self.emit(f"_bisect({self.lit(keys)}, {x.name})", (x,))
        return self.emit(f"{self.lit(values)}[{i.name}]", (i,),
                         isf=all(type(v) is float for v in values), nn=all(self._nn(v) for v in values))

    def apply(self, fn: Callable[[float], Any], x: Any) -> Any:
        if not isinstance(x, _Sym):
            return float(fn(x))
        return self.emit(f"float({self.lit(fn)}({x.name}))", (x,), isf=True, pure=False)

    # -- code generation
    def code(self, outs: Sequence[Any], indent: int = 1) -> list[str]:
        """The lines computing ``outs`` (an ``if``/``else`` per select when optimizing)."""
        roots = [o.i for o in outs if isinstance(o, _Sym) and o.i >= 0]
        if not self.optimize:
            return ["    " * indent + f"{n.sym.name} = {n.expr}" for n in self.nodes]
        self._users: dict[int, int] = {}
        seen: set[int] = set()
        stack = list(roots)
        while stack:  # how many nodes use each node (as an operand, a condition or a branch)
            j = stack.pop()
            if j in seen:
                continue
            seen.add(j)
            n = self.nodes[j]
            for d in n.deps + tuple(x for x in n.branches if isinstance(x, _Sym)):
                if d.i >= 0:
                    self._users[d.i] = self._users.get(d.i, 0) + 1
                    stack.append(d.i)
        for r in roots:  # an output is used by the return
            self._users[r] = self._users.get(r, 0) + 1
        self._names: dict[int, str] = {}  # a branch's result computed straight into its select's name
        return self._block(roots, set(), indent)

    def _eager(self, roots: Any, avail: set[int], into: set[int]) -> None:
        """Add to `into` the nodes that `roots` need before them in the same block."""
        stack = list(roots)
        while stack:
            j = stack.pop()
            if j < 0 or j in avail or j in into:
                continue
            into.add(j)
            stack.extend(d.i for d in self.nodes[j].deps)

    def _reach(self, j: int, stop: set[int]) -> set[int]:
        """Every node computing `j` needs, through branches too, short of `stop`."""
        out: set[int] = set()
        stack = [j]
        while stack:
            k = stack.pop()
            if k < 0 or k in stop or k in out:
                continue
            out.add(k)
            n = self.nodes[k]
            stack.extend(d.i for d in n.deps)
            stack.extend(x.i for x in n.branches if isinstance(x, _Sym))
        return out

    def _block(self, roots: list[int], avail: set[int], indent: int) -> list[str]:
        here: set[int] = set()
        self._eager(roots, avail, here)
        while True:  # what two branches (of one select or of two) need is computed here, once
            stop = avail | here
            owner: dict[int, tuple[int, ...]] = {}
            shared: set[int] = set()
            for w in here:
                for k, br in enumerate(self.nodes[w].branches):
                    if isinstance(br, _Sym):
                        for j in self._reach(br.i, stop):
                            if owner.setdefault(j, (w, k)) != (w, k):
                                shared.add(j)
            if not shared:
                break
            self._eager(shared, avail, here)
        inner = avail | here
        pad = "    " * indent
        inline = {n.cond.i for j in here if (n := self.nodes[j]).cond is not None
                  and n.cond.i in here and self._users.get(n.cond.i) == 1}
        lines = []
        for j in sorted(here):  # trace order is a topological order
            if j in inline:
                continue
            n = self.nodes[j]
            name = self._names.get(j, n.sym.name)
            if n.cond is None:
                lines.append(f"{pad}{name} = {n.expr}")
                continue
            c = self.nodes[n.cond.i].expr if n.cond.i in inline else n.cond.name
            a, b = n.branches
            need = [isinstance(x, _Sym) and x.i >= 0 and x.i not in inner for x in (a, b)]
            if not any(need):
                lines.append(f"{pad}{name} = {self.lit(a)} if {c} else {self.lit(b)}")
                continue
            lines.append(f"{pad}if {c}:")
            for k, (x, nd) in enumerate(zip((a, b), need)):
                if nd:
                    if self._users.get(x.i) == 1:  # used by this select only
                        self._names[x.i] = name
                    lines += self._block([x.i], inner, indent + 1)
                if not nd or self._names.get(x.i) != name:
                    lines.append(f"{pad}    {name} = {self.lit(x)}")
                if k == 0:
                    lines.append(f"{pad}else:")
        return lines


_GLOBALS = {
    "_sin": math.sin, "_expm1": math.expm1, "_log1p": math.log1p, "_fmod": math.fmod, "_cos": math.cos, "_exp": math.exp, "_log": math.log, "_sqrt": math.sqrt,
    "_tanh": math.tanh, "_mfloor": math.floor, "_check": check_step, "_tnew": tuple.__new__,
    "_bisect": __import__("bisect").bisect_right,
}


def _build(src: str, label: str, tr: _Tracer) -> Callable[..., Any]:
    ns = dict(_GLOBALS)
    ns.update(tr.consts)
    exec(compile(src, f"<lrcore {label}>", "exec"), ns)  # noqa: S102 - our own generated code
    fn: Callable[..., Any] = ns[label]
    fn.__lrcore_source__ = src  # type: ignore[attr-defined]  # the generated source, for debugging
    return fn


def compile_scalar(formula: Callable[[Any, Any], Any], label: str, *, optimize: bool = True) -> Callable[[Any], float]:
    """Trace ``formula(step, xp)`` into ``f(step) -> float`` with the step check built in.

    ``optimize=False`` gives the plain trace (every op once, in order, selects as
    expressions): the reference the optimised code is tested against. A formula with
    Python control flow on the step raises `FormulaError` (a `Function` is traced as an opaque
    call of its function, so only it may use any Python it likes).
    """
    tr = _Tracer(optimize)
    out = formula(tr.sym("t", isf=True), tr)
    body = "\n".join(tr.code([out]))
    ret = tr.lit(out) if tr._f(out) and optimize else f"float({tr.lit(out)})"
    src = (
        f"def {label}(step):\n"
        # ints first (adapters pass ints); 1e309 is inf, a constant of the code
        "    if step.__class__ is int and 0 <= step < 1e300:\n"
        "        t = float(step)\n"
        "    elif step.__class__ is float and 0.0 <= step < 1e309:\n"
        "        t = step\n"
        "    else:\n"
        "        t = _check(step)\n"
        f"{body}\n"
        f"    return {ret}\n"
    )
    return _build(src, label, tr)


def compile_function(fn: Callable[..., Any], params: Sequence[Any], label: str, *,
                     result_type: type | None = None, optimize: bool = True) -> Callable[..., Any]:
    """Trace ``fn(*names, xp)`` (returning a tuple) into ``f(*params)``, with no input checks.

    Each of ``params`` is a name, or a tuple of names for an argument that is unpacked
    (``(("best", "num_bad"), "metric")`` gives ``f(a0, metric)`` with ``best, num_bad = a0``);
    ``fn`` gets one traced value per name. The inputs may be any values the scalar namespace
    takes (nothing is assumed about their types). ``result_type`` (a tuple subclass such as
    a NamedTuple) wraps the result. Raises whatever tracing raises: the caller keeps its own
    direct path.
    """
    tr = _Tracer(optimize)
    names = [n for p in params for n in ((p,) if isinstance(p, str) else p)]
    outs = fn(*(tr.sym(n) for n in names), tr)
    body = "\n".join(tr.code(list(outs)))
    items = ", ".join(tr.lit(o) for o in outs) + ("," if len(outs) == 1 else "")
    ret = f"_tnew(_rtype, ({items}))" if result_type is not None else f"({items})"
    args = [p if isinstance(p, str) else f"_a{i}" for i, p in enumerate(params)]
    head = "".join(f"    {', '.join(p)}, = _a{i}\n" for i, p in enumerate(params) if not isinstance(p, str))
    src = f"def {label}({', '.join(args)}):\n{head}{body}\n    return {ret}\n"
    if result_type is not None:
        tr.consts["_rtype"] = result_type
    return _build(src, label, tr)
