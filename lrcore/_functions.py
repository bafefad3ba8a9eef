"""Named functions: user functions a config can name without importing code, and their params.

``@lrcore.register_function("myproj.warmup")`` puts a function in a registry under a name;
``lrcore.Function("myproj.warmup", params={"warmup": 100})`` (or the function itself) then
computes ``fn(step, **params)``, is stored as ``{"type": "Function", "name": "myproj.warmup",
"params": {"warmup": 100}}`` and loads back wherever the module that registers the name was
imported, without ``allow_functions``. `Params` is the frozen, hashable form of the params.
"""

from __future__ import annotations

import math
from numbers import Integral, Real
TYPE_CHECKING = False  # typing is not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Any, Callable

from ._errors import ScheduleError, ScheduleTypeError

__all__ = ["register_function", "registered_functions", "Params", "EMPTY_PARAMS", "function_named", "name_of"]

_FUNCTIONS: dict[str, Callable[..., Any]] = {}
_NAMES: dict[int, str] = {}  # id(function) -> its name; registered functions are kept alive by _FUNCTIONS

_MAX_PARAMS_DEPTH = 32
_PLAIN = ("plain data (numbers, strings, bools, None, and lists and dicts with string keys of those)")


def register_function(name: str, fn: Callable[..., Any] | None = None) -> Any:
    """Register `fn` under `name`, so `lrcore.Function` configs can name it: a decorator.

    The function is called as ``fn(step, **params)`` (or ``fn(step, xp=xp, **params)`` if it
    has an ``xp`` parameter). Loading a config that names it never imports a module: the
    module that registers the name must be imported first. Registering another function
    under a taken name is an error; the same function again is fine (a module reloaded, the
    same ``module.qualname``, replaces it). A function has at most one name.

    >>> import lrcore
    >>> @lrcore.register_function("docs.warmup")
    ... def warmup(step, steps=10):
    ...     return min(1.0, (step + 1) / steps)
    >>> s = lrcore.Function("docs.warmup", params={"steps": 4})
    >>> [s(t) for t in range(5)]
    [0.25, 0.5, 0.75, 1.0, 1.0]
    >>> lrcore.to_config(s)
    {'type': 'Function', 'name': 'docs.warmup', 'params': {'steps': 4}}
    >>> lrcore.from_config(lrcore.to_config(s)) == s == lrcore.Function(warmup, params={"steps": 4})
    True
    """
    if not isinstance(name, str) or not name or name != name.strip():
        raise TypeError(f"register_function: the name must be a non-empty string without surrounding spaces, "
                        f"got {name!r}")

    def wrap(f: Callable[..., Any]) -> Callable[..., Any]:
        if not callable(f) or isinstance(f, str):
            raise TypeError(f"register_function({name!r}) takes a function, got {f!r}")
        old = _FUNCTIONS.get(name)
        if old is not None and old is not f:
            if not _same_definition(old, f):
                raise ValueError(f"register_function: the name {name!r} is taken by {_label(old)}; "
                                 f"choose another name for {_label(f)}")
            _NAMES.pop(id(old), None)
        other = _NAMES.get(id(f))
        if other is not None and other != name:
            raise ValueError(f"register_function: {_label(f)} is already registered as {other!r}; "
                             f"a function has one name, got {name!r}")
        _FUNCTIONS[name] = f
        _NAMES[id(f)] = name
        return f

    return wrap if fn is None else wrap(fn)


def _label(f: Any) -> str:
    return f"{getattr(f, '__module__', '?')}.{getattr(f, '__qualname__', type(f).__qualname__)}"


def _same_definition(old: Any, new: Any) -> bool:
    """The same module-level definition, re-created by a module reload."""
    q = getattr(new, "__qualname__", None)
    return (isinstance(q, str) and "<" not in q and getattr(old, "__qualname__", None) == q
            and getattr(old, "__module__", None) == getattr(new, "__module__", None))


def registered_functions() -> dict[str, Callable[..., Any]]:
    """The registered functions by name (a copy)."""
    return dict(_FUNCTIONS)


def function_named(name: str) -> Callable[..., Any] | None:
    """The function registered under `name`, or None."""
    return _FUNCTIONS.get(name)


def name_of(fn: Any) -> str | None:
    """The name `fn` is registered under, or None."""
    name = _NAMES.get(id(fn))
    return name if name is not None and _FUNCTIONS.get(name) is fn else None


# ----------------------------------------------------------------------------- params

if TYPE_CHECKING:
    _Dict = dict[str, Any]
else:
    _Dict = dict  # no typing at run time (Any is not imported)


class Params(_Dict):
    """Read-only keyword arguments of a `Function`: plain data, equal and hashed by its canonical JSON.

    Lists are kept as tuples and dicts as `Params`, so nothing inside can change; ``1``,
    ``1.0`` and ``True`` are different values (a function may treat them differently).
    """

    __slots__ = ("_key",)
    _key: str  # the canonical JSON: equality and hash

    def __init__(self, items: Any = (), key: str | None = None) -> None:
        dict.__init__(self, items)
        if key is None:
            import json  # on use, so `import lrcore` stays light

            key = json.dumps(self.plain(), sort_keys=True, separators=(",", ":"), allow_nan=False) if self else "{}"
        object.__setattr__(self, "_key", key)

    def plain(self) -> dict[str, Any]:
        """A plain dict (lists for tuples), as a config stores it."""
        return {k: _thaw(v) for k, v in self.items()}

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, Params):
            return self._key == other._key
        return dict.__eq__(self, other)

    def __ne__(self, other: Any) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(self._key)

    def __repr__(self) -> str:
        return repr(self.plain())

    def __reduce__(self) -> tuple[Any, ...]:
        return Params, (dict(self), self._key)

    def _readonly(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("Function params are read-only: build a new Function (s.replace(params={...}))")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _readonly  # type: ignore[assignment]  # one refusal for every mutator


EMPTY_PARAMS = Params((), "{}")


def _thaw(v: Any) -> Any:
    if isinstance(v, Params):
        return v.plain()
    if isinstance(v, tuple):
        return [_thaw(x) for x in v]
    return v


def _freeze(node: str, field: str, v: Any, where: str, depth: int, top: Any) -> Any:
    if v is None or type(v) is bool or type(v) is str:
        return v
    if isinstance(v, str):
        return str(v)
    if isinstance(v, Integral) and not isinstance(v, bool):
        return int(v)
    if isinstance(v, Real) and not isinstance(v, bool):
        if not math.isfinite(v):
            raise ScheduleError(node, field, f"{_PLAIN}, with finite numbers ({where} is {v!r})", top)
        return float(v)
    if depth >= _MAX_PARAMS_DEPTH:
        raise ScheduleError(node, field, f"{_PLAIN}, nested at most {_MAX_PARAMS_DEPTH} levels deep", top)
    if isinstance(v, (list, tuple)):
        return tuple(_freeze(node, field, x, f"{where}[{i}]", depth + 1, top) for i, x in enumerate(v))
    if isinstance(v, dict):
        for k in v:
            if not isinstance(k, str):
                raise ScheduleTypeError(node, field, f"{_PLAIN} ({where} has the key {k!r})", top)
        return Params({k: _freeze(node, field, x, f"{where}[{k!r}]", depth + 1, top) for k, x in v.items()})
    raise ScheduleTypeError(node, field, f"{_PLAIN} ({where} is a {type(v).__name__})", top)


def check_params(node: str, field: str, value: Any) -> Params:
    """`value` (a dict of plain data, or None) as `Params`; a clear error naming `field` otherwise."""
    if value is None:
        return EMPTY_PARAMS
    if isinstance(value, Params):
        return value
    if not isinstance(value, dict):
        raise ScheduleTypeError(node, field, f"a dict of keyword arguments: {_PLAIN}", value)
    for k in value:
        if not isinstance(k, str) or not k.isidentifier():
            raise ScheduleError(node, field, f"a dict whose keys are keyword argument names ({k!r} is not)", value)
        if k == "xp":
            raise ScheduleError(node, field, "a dict of keyword arguments other than 'xp' (lrcore passes xp)", value)
    return _freeze(node, field, value, "params", 0, value) if value else EMPTY_PARAMS
