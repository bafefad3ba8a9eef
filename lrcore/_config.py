"""Configuration: schedules as plain JSON data, loaded back safely, with a stable fingerprint.

``to_config(s)`` gives ``{"type": "Cosine", "start_value": 0.001, ...}``, nested for
combinators; ``from_config(data)`` rebuilds an equal schedule and reports bad data with the
path of the field (``parts[1].steps: must be an int >= 1, got 0``). A `Function` of a function
registered with `lrcore.register_function` is stored as ``{"type": "Function", "name":
"myproj.warmup", "params": {...}}`` and loads wherever that name is registered; any other as
``{"type": "Function", "fn": "module:qualname"}``, only imported when the caller passes
``allow_functions=True``: loading never imports or runs code otherwise.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Any, Callable

    from ._base import Schedule

from ._errors import ScheduleError, ScheduleTypeError, Spelled, safe_repr
from ._node import _REGISTRY, MAX_DEPTH, Node, config_name  # MAX_DEPTH: schedule nodes; lists in between do not count

__all__ = ["to_config", "from_config", "dumps", "loads", "fingerprint", "is_opaque", "FORMAT_VERSION", "MAX_DEPTH"]

FORMAT_VERSION = 2
# Every format lrcore has written, all loaded by the same decoder (each is a superset of the one
# before; tests/test_format_versions.py loads 0.1's configs):
#   1  lrcore 0.1: nodes and catalog trees; functions by import path ("module:name").
#   2  lrcore 0.2: also durations as unit strings ("10%", "2ep", ...) in step-count fields and
#      registered functions as {"type": "Function", "name": ..., "params": {...}}. A 0.1 reader
#      refuses it by its version instead of misreading a field.
FORMATS = (1, 2)


def _fn_ref(fn: Callable[..., Any], strict: bool) -> str:
    mod, qual = getattr(fn, "__module__", None), getattr(fn, "__qualname__", None)
    if _importable(fn):
        return f"{mod}:{qual}"
    if strict:
        raise ValueError(f"Function.fn: must be importable as 'module:qualname' to be stored in a config, got {fn!r} "
                         "(use a module-level function, or register it with lrcore.register_function)")
    # Not storable, but still told apart from other functions by everything that decides its values.
    return f"<unserializable {mod}:{qual} {_callable_digest(fn)}>"


def _importable(fn: Any) -> bool:
    """True if ``module:qualname`` finds `fn` itself among the imported modules (nothing is imported)."""
    import sys

    mod, qual = getattr(fn, "__module__", None), getattr(fn, "__qualname__", None)
    if not (isinstance(mod, str) and isinstance(qual, str) and mod and qual and "<" not in qual):
        return False
    obj = sys.modules.get(mod)
    try:
        for part in qual.split("."):
            obj = getattr(obj, part)
    except AttributeError:
        return False
    return obj is fn


# ----------------------------------------------------------------------------------------
# The fingerprint of a callable: everything that decides its values, encoded canonically.
#
# A Python function enters by its code (bytecode, constants, names, argument layout, nested
# code objects), defaults and keyword defaults, the contents of its closure cells, and the
# globals its code names (co_names of it and of its nested code) that its module defines:
# functions, partials and callable objects recursively, data by value, modules, classes and
# builtins by their import name (they are code the function imports). A partial enters by
# its function, args and keywords; a bound method by its function and its object; a callable
# object by its class, its class's ``__call__`` and its state (dataclass fields compared by
# ``==``, else ``__getstate__()``, else ``__dict__``: keep caches out of that state); a
# function registered with `lrcore.register_function` by its name; a builtin by its name;
# an lrcore schedule by its fingerprint. Values: None, bools, ints, strings, floats (exact,
# by float.hex), complex, bytes, tuples, lists, dicts, sets (sorted canonically), numpy
# arrays and scalars (dtype, shape, bytes; only if numpy is already imported). Anything else
# (an arbitrary object, a module held in a closure, an open file, an object-dtype array, a
# structure too deep or too large) is opaque: it enters by type and id, so the fingerprint
# is still exact within the process, and it is marked "opaque-" (comparable within a process
# only). Recursion stops at a function already being encoded (a cycle) and is bounded.

_CANON_DEPTH = 48       # nested values and functions
_CANON_BUDGET = 50_000  # values encoded for one fingerprint


_CANON_NEST = 8         # schedules inside functions inside schedules ...


class _Canon:
    __slots__ = ("opaque", "budget", "stack", "nest")

    def __init__(self, root: Any = None) -> None:
        self.opaque, self.budget, self.stack, self.nest = False, _CANON_BUDGET, {}, 0
        if root is not None:
            self.stack[id(root)] = 0

    def opaque_value(self, x: Any, why: str) -> dict[str, Any]:
        self.opaque = True
        t = type(x)
        return {"opaque": [why, f"{t.__module__}:{t.__qualname__}", id(x)]}


def _json_key(x: Any) -> str:
    import json  # on use, so `import lrcore` stays light

    return json.dumps(x, sort_keys=True, separators=(",", ":"))


def _canon(x: Any, c: _Canon, depth: int) -> Any:
    c.budget -= 1
    if c.budget < 0 or depth > _CANON_DEPTH:
        return c.opaque_value(x, "too large or deep")
    if x is None or type(x) is bool or type(x) is str:
        return x
    if isinstance(x, str):
        return str(x)
    if isinstance(x, bool):
        return bool(x)
    if isinstance(x, int):
        return int(x)
    if isinstance(x, float):
        return {"float": float.hex(float(x))}
    if isinstance(x, complex):
        return {"complex": [float.hex(x.real), float.hex(x.imag)]}
    if isinstance(x, (bytes, bytearray)):
        return {"bytes": bytes(x).hex()}
    if isinstance(x, Node):  # a schedule the function uses: its fingerprint's encoding
        key = id(x)
        if key in c.stack:
            return {"cycle": c.stack[key]}
        if c.nest >= _CANON_NEST:
            return c.opaque_value(x, "too deep")
        c.stack[key], c.nest = len(c.stack), c.nest + 1
        try:
            return {"schedule": _encode(x, False, c)}
        finally:
            del c.stack[key]
            c.nest -= 1
    if isinstance(x, (tuple, list)):
        return {"tuple" if isinstance(x, tuple) else "list": [_canon(v, c, depth + 1) for v in x]}
    if isinstance(x, dict):
        items = [[_canon(k, c, depth + 1), _canon(v, c, depth + 1)] for k, v in list(x.items())]
        return {"dict": sorted(items, key=lambda kv: _json_key(kv[0]))}
    if isinstance(x, (set, frozenset)):
        return {"set": sorted((_canon(v, c, depth + 1) for v in x), key=_json_key)}
    if x is Ellipsis:
        return {"ellipsis": True}
    import types

    if isinstance(x, types.CodeType):
        return _canon_code(x, c, depth)
    import sys

    np = sys.modules.get("numpy")
    if np is not None and isinstance(x, (np.ndarray, np.generic)):
        if x.dtype.hasobject:
            return c.opaque_value(x, "object array")
        import hashlib  # on use, so `import lrcore` stays light

        data = np.ascontiguousarray(x).tobytes()
        return {"ndarray": [x.dtype.str, list(np.shape(x)), hashlib.sha256(data).hexdigest()]}
    if callable(x):
        return _canon_callable(x, c, depth)
    return c.opaque_value(x, "not encodable")


def _canon_code(co: Any, c: _Canon, depth: int) -> dict[str, Any]:
    return {"code": [co.co_argcount, co.co_posonlyargcount, co.co_kwonlyargcount, co.co_flags,
                     co.co_code.hex(), _canon(co.co_consts, c, depth + 1), list(co.co_names),
                     list(co.co_varnames), list(co.co_freevars), list(co.co_cellvars)]}


def _code_names(co: Any, out: set[str], depth: int = 0) -> set[str]:
    """The global names `co` and the code nested in it (lambdas, comprehensions) may use."""
    import types

    out.update(co.co_names)
    if depth < _CANON_DEPTH:
        for k in co.co_consts:
            if isinstance(k, types.CodeType):
                _code_names(k, out, depth + 1)
    return out


def _canon_callable(x: Any, c: _Canon, depth: int) -> Any:
    import functools
    import types

    from ._functions import name_of

    name = name_of(x)
    if name is not None:
        return {"named": name}
    key = id(x)
    if key in c.stack:  # a function reaching itself: where the cycle closes
        return {"cycle": c.stack[key]}
    c.stack[key] = len(c.stack)
    try:
        if isinstance(x, types.FunctionType):
            code = x.__code__
            cells = [{"empty": True} if _cell_empty(cell) else _canon(cell.cell_contents, c, depth + 1)
                     for cell in (x.__closure__ or ())]
            return {"function": {
                "name": f"{x.__module__}:{x.__qualname__}", "code": _canon_code(code, c, depth + 1),
                "defaults": _canon(x.__defaults__, c, depth + 1), "kwdefaults": _canon(x.__kwdefaults__, c, depth + 1),
                "closure": cells, "globals": _canon_globals(x, code, c, depth + 1)}}
        if isinstance(x, functools.partial):
            return {"partial": [_canon(x.func, c, depth + 1), _canon(x.args, c, depth + 1),
                                _canon(x.keywords, c, depth + 1)]}
        if isinstance(x, types.MethodType):
            return {"method": [_canon(x.__func__, c, depth + 1), _canon(x.__self__, c, depth + 1)]}
        if isinstance(x, type):
            return {"class": f"{x.__module__}:{x.__qualname__}"}
        owner = getattr(x, "__self__", None)
        if isinstance(x, (types.BuiltinFunctionType, types.MethodWrapperType, types.WrapperDescriptorType,
                          types.MethodDescriptorType)) or _importable(x):
            ref = f"{getattr(x, '__module__', None)}:{getattr(x, '__qualname__', getattr(x, '__name__', '?'))}"
            if owner is None or isinstance(owner, (types.ModuleType, type)):
                return {"builtin": ref}
            return {"builtin": ref, "self": _canon(owner, c, depth + 1)}
        cls = type(x)
        call = getattr(cls, "__call__", None)
        if isinstance(call, types.FunctionType):
            state = _state(x)
            if state is not _NO_STATE:
                return {"object": [f"{cls.__module__}:{cls.__qualname__}", _canon(call, c, depth + 1),
                                   _canon(state, c, depth + 1)]}
        return c.opaque_value(x, "callable without a readable state")
    finally:
        del c.stack[key]


def _cell_empty(cell: Any) -> bool:
    try:
        cell.cell_contents
    except ValueError:  # a cell not yet filled
        return True
    return False


_NO_STATE: Any = object()


def _state(x: Any) -> Any:
    cls = type(x)
    if hasattr(cls, "__dataclass_fields__"):
        import dataclasses

        return {f.name: getattr(x, f.name) for f in dataclasses.fields(x) if f.compare}
    getstate = getattr(cls, "__getstate__", None)
    if getstate is not None and getstate is not getattr(object, "__getstate__", None):
        return x.__getstate__()
    d = getattr(x, "__dict__", None)
    if isinstance(d, dict) and not getattr(cls, "__slots__", ()):
        return d
    return _NO_STATE


def _canon_globals(fn: Any, code: Any, c: _Canon, depth: int) -> dict[str, Any]:
    import types

    g = fn.__globals__
    out = {}
    for name in sorted(_code_names(code, set())):
        if name not in g:
            continue  # a builtin, or an attribute name
        v = g[name]
        if isinstance(v, types.ModuleType):
            out[name] = {"module": v.__name__}
        elif isinstance(v, type):
            out[name] = {"class": f"{v.__module__}:{v.__qualname__}"}
        else:
            out[name] = _canon(v, c, depth + 1)
    return out


def _canon_fingerprint(x: Any) -> tuple[str, bool]:
    """(sha256 hex of the canonical encoding of `x`, whether it is opaque)."""
    import hashlib  # on use, so `import lrcore` stays light
    import json

    c = _Canon()
    text = json.dumps(_canon(x, c, 0), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest(), c.opaque


def _callable_digest(fn: Any) -> str:
    h, opaque = _canon_fingerprint(fn)
    return ("opaque-" if opaque else "") + h[:12]


def _encode(x: Any, strict: bool, ctx: _Canon | None = None) -> Any:
    """Config data of `x`; with `ctx` (the fingerprint's encoding) a callable enters canonically."""
    if isinstance(x, Node):
        name = config_name(x)
        if name is None:
            cls = type(x)
            if strict:
                raise ValueError(f"{cls.__name__}: must be registered to be stored in a config (decorate the class "
                                 f"with @lrcore.register), got the unregistered class {cls.__module__}.{cls.__qualname__}")
            name = f"<unregistered {cls.__module__}:{cls.__qualname__}>"
        out: dict[str, Any] = {"type": name}
        for f in x._fields:
            v = getattr(x, f.name)
            if f.kind == "callable":
                if isinstance(v, str):  # a registered function's name (Function)
                    out["name"] = v
                elif ctx is not None:
                    out[f.name] = {"canonical": _canon(v, ctx, 0)}
                else:
                    out[f.name] = _fn_ref(v, strict)
            elif f.kind == "params":  # Function's params: written for a named function, else when given
                if v or "name" in out:
                    out[f.name] = v.plain() if ctx is None else _canon(v.plain(), ctx, 0)
            else:
                out[f.name] = _encode(v, strict, ctx)
        return out
    if isinstance(x, tuple):
        return [_encode(v, strict, ctx) for v in x]
    if isinstance(x, Spelled):  # a duration as written (lrcore._units: StepCount, an int, or Duration)
        # a config keeps the string as written; the fingerprint reads the value (canonical
        # spelling; a step count as its int), so equal schedules have equal fingerprints
        return x.text if ctx is None else (int(x) if isinstance(x, int) else {"duration": str(x)})
    return x


def to_config(node: Node) -> dict[str, Any]:
    """Plain JSON data (dicts, lists, numbers, strings, None) describing `node` completely.

    A duration given as a string (``"10%"``, ``"2ep"``, ``"500ba"``) is written as written.

    >>> import lrcore
    >>> lrcore.to_config(lrcore.Warmup(lrcore.Constant(value=0.1), warmup_steps=10))
    {'type': 'Warmup', 'schedule': {'type': 'Constant', 'value': 0.1}, 'warmup_steps': 10, 'start_value': 0.0, 'shape': 'linear', 'prefix': True}
    """
    config: dict[str, Any] = _encode(node, strict=True)
    return config


def fingerprint(node: Any) -> str:
    """A stable 16-hex-digit hash of the canonical config (sorted keys, no whitespace).

    Equal for two processes that build the same schedule, different when anything that
    decides its values differs. A `Function` enters by its registered name and params, or
    else by everything that decides its values: code, constants, defaults, closure cells, a
    partial's arguments, the globals its code uses, recursively (see the comment above
    `_canon` in lrcore/_config.py). A value that cannot be encoded (an arbitrary object in a
    closure, a module, an open file) makes the fingerprint opaque: ``"opaque-"`` and 16 hex
    digits, exact within the process but not comparable across processes (`is_opaque`).

    >>> import lrcore
    >>> a = lrcore.Cosine(start_value=1.0, steps=100)
    >>> a.fingerprint == lrcore.Cosine(start_value=1, steps=100).fingerprint
    True
    >>> a.fingerprint == lrcore.Cosine(start_value=1.0, steps=101).fingerprint
    False
    >>> make = lambda w: lrcore.Function(lambda step: min(1.0, (step + 1) / w))
    >>> make(100).fingerprint == make(100).fingerprint, make(100).fingerprint == make(5000).fingerprint
    (True, False)
    >>> lrcore.Function(lambda step, obj=object(): 1.0).fingerprint.startswith("opaque-")
    True
    """
    import json  # on use, so `import lrcore` stays light

    ctx = _Canon(node)
    text = json.dumps(_encode(node, False, ctx), sort_keys=True, separators=(",", ":"), allow_nan=False)
    import hashlib  # on use, so `import lrcore` stays light
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return "opaque-" + digest if ctx.opaque else digest


def is_opaque(fp: Any) -> bool:
    """True for an opaque fingerprint: one holding a value lrcore cannot encode, comparable within a process only.

    >>> import lrcore
    >>> from lrcore._config import is_opaque
    >>> is_opaque(lrcore.Constant(value=1.0).fingerprint), is_opaque("opaque-0123456789abcdef")
    (False, True)
    """
    return isinstance(fp, str) and fp.startswith("opaque-")


def _where(path: str, field: str) -> str:
    from ._hints import compact_path  # a path through a deep tree names a repeated field once: schedule×97

    return compact_path(f"{path}.{field}") if path else field


def _decode(data: Any, path: str, depth: int, allow_functions: bool, reg: dict[str, type[Node]]) -> Any:
    if isinstance(data, list):
        for i, v in enumerate(data):
            if isinstance(v, list):  # refused where it starts: no recursion into nested lists
                raise ValueError(f"{path}[{i}]: must be a number or a schedule, got a list")
        return [_decode(v, f"{path}[{i}]", depth, allow_functions, reg) for i, v in enumerate(data)]
    if not isinstance(data, dict):
        return data
    if depth >= MAX_DEPTH:
        from ._hints import compact_path

        raise ValueError(f"{compact_path(path) or '<root>'}: must be nested at most {MAX_DEPTH} levels deep")
    kind = data.get("type")
    if not path and "type" not in data and "lrcore" in data and "schedule" in data:
        raise ValueError("config: must be a schedule's config {\"type\": ...}, got the envelope {\"lrcore\": ..., "
                         "\"schedule\": {...}} that lrcore.dumps writes: read its text with lrcore.loads(text), or "
                         "pass data[\"schedule\"] to from_config")
    if not isinstance(kind, str) or kind not in reg:
        from ._hints import did_you_mean

        hint = did_you_mean(kind, reg) if isinstance(kind, str) else ""
        raise ValueError(f"{_where(path, 'type')}: must be one of {', '.join(sorted(reg))} (a node of your own: import "
                         "the module that defines it and decorate the class with @lrcore.register before loading; "
                         f"loading never imports a module), got {safe_repr(kind)}{'; ' + hint if hint else ''}")
    cls = reg[kind]
    names = [f.name for f in cls._fields]
    required = [f.name for f in cls._fields if f.required]
    kwargs: dict[str, Any] = {}
    fn_field = next((f.name for f in cls._fields if f.kind == "callable"), None)
    if "name" in data and "name" not in names and fn_field is not None:  # a registered function, by name
        if fn_field in data:
            raise ValueError(f"{_where(path, 'name')}: must be given without {fn_field!r} (a function is named "
                             f"or referenced, not both), got {safe_repr(data['name'])}")
        kwargs[fn_field] = _named_function(data["name"], _where(path, "name"))
    for key in data:
        if key != "type" and key not in names and key not in kwargs and not (key == "name" and fn_field):
            from ._hints import did_you_mean

            hint = did_you_mean(str(key), names)
            raise ValueError(f"{_where(path, str(key))}: is not a field of {kind} ({hint + ' ' if hint else ''}"
                             f"valid fields: {', '.join(names)})")
    for key in required:
        if key not in data and key not in kwargs:
            raise ValueError(f"{_where(path, key)}: must be given, {kind} requires it")
    for key in names:
        if key not in data:
            continue
        v = data[key]
        f_kind = cls._field_map[key].kind
        if f_kind == "callable":
            kwargs[key] = _load_function(v, _where(path, key), allow_functions)
        elif f_kind == "params":  # plain data, checked by the field
            kwargs[key] = v
        else:
            kwargs[key] = _decode(v, _where(path, key), depth + 1, allow_functions, reg)
    try:
        return cls(**kwargs)
    except ScheduleTypeError as e:
        raise TypeError(_compact_head(e.with_path(path))) from None
    except ScheduleError as e:
        raise ValueError(_compact_head(e.with_path(path))) from None


def _compact_head(message: str) -> str:
    """``path: must be ...`` with the path compact (schedule×97)."""
    from ._hints import compact_path

    head, sep, rest = message.partition(": ")
    return compact_path(head) + sep + rest


def _named_function(name: Any, where: str) -> str:
    from ._functions import function_named, registered_functions

    if not isinstance(name, str) or function_named(name) is None:
        known = ", ".join(sorted(registered_functions())) or "none yet"
        raise ValueError(f"{where}: must be the name of a function registered with lrcore.register_function "
                         f"(registered: {known}; import the module that registers it before loading: loading "
                         f"never imports a module), got {safe_repr(name)}")
    return name


def _load_function(ref: Any, where: str, allow: bool) -> Callable[..., Any]:
    if not isinstance(ref, str) or ":" not in ref:
        raise ValueError(f"{where}: must be a 'module:qualname' string, got {safe_repr(ref)}")
    if not allow:
        raise ValueError(f"{where}: must not be loaded without allow_functions=True (it would import "
                         f"and run code), got {safe_repr(ref)}")
    mod, qual = ref.split(":", 1)
    try:
        import importlib  # on use, so `import lrcore` stays light
        obj: Any = importlib.import_module(mod)
        for part in qual.split("."):
            obj = getattr(obj, part)
    except Exception as e:  # noqa: BLE001 - whatever importing raised, report it at the field
        raise ValueError(f"{where}: must name an importable function, got {ref!r} ({type(e).__name__}: {e})") from None
    if not callable(obj):  # not taken for a registered function's name either
        raise TypeError(f"{where}: must be a callable, got {safe_repr(obj)}")
    fn: Callable[..., Any] = obj
    return fn


def from_config(data: dict[str, Any], *, allow_functions: bool = False) -> Schedule:
    """Rebuild a schedule from `to_config` data; errors name the path of the bad field.

    Typed as returning a `Schedule`; the config of a `PlateauSchedule` (or a `Plateau`)
    gives that node back.

    >>> import lrcore
    >>> s = lrcore.Warmup(lrcore.Cosine(start_value=1.0, steps=10), warmup_steps=2)
    >>> lrcore.from_config(s.to_config()) == s
    True
    >>> lrcore.from_config({"type": "Sequential", "parts": [
    ...     {"type": "Constant", "value": 1.0}, {"type": "Cosine", "start_value": 1.0, "steps": 0}],
    ...     "boundaries": [5]})
    Traceback (most recent call last):
    ...
    ValueError: parts[1].steps: must be an int >= 1 and <= 9007199254740992, got 0
    """
    if isinstance(data, (str, bytes)):
        raise TypeError(f"config must be a dict with a 'type', got {type(data).__name__}: read the JSON text that "
                        "lrcore.dumps writes with lrcore.loads(text)")
    if not isinstance(data, dict):
        raise TypeError(f"config must be a dict with a 'type', got {type(data).__name__}")
    schedule: Schedule = _decode(data, "", 0, allow_functions, _REGISTRY)  # typed for the common case (see above)
    return schedule


def check_version(version: Any) -> None:
    """Raise a ValueError unless `version` is a format this lrcore reads (`FORMATS`)."""
    if type(version) is not int or version not in FORMATS:
        raise ValueError(f"lrcore: must be a format version lrcore reads ({', '.join(map(str, FORMATS))}), "
                         f"got {safe_repr(version)}")


def dumps(node: Node, *, indent: int | None = None) -> str:
    """JSON text with a versioned envelope: ``{"lrcore": 2, "schedule": {...}}``.

    >>> import lrcore
    >>> text = lrcore.dumps(lrcore.Constant(value=0.5))
    >>> text
    '{"lrcore": 2, "schedule": {"type": "Constant", "value": 0.5}}'
    >>> lrcore.loads(text)
    Constant(value=0.5)
    """
    import json  # on use, so `import lrcore` stays light
    return json.dumps({"lrcore": FORMAT_VERSION, "schedule": to_config(node)}, indent=indent,
                      sort_keys=True, allow_nan=False)


def loads(text: str | bytes, *, allow_functions: bool = False) -> Schedule:
    """The schedule stored by `dumps`; refuses unknown versions and bad data with a ValueError."""
    if isinstance(text, dict):
        raise TypeError("loads takes the JSON text lrcore.dumps writes, got a dict: build a schedule from a config dict "
                        "with lrcore.from_config(data)" + (" (of an envelope: from_config(data[\"schedule\"]))"
                                                           if "schedule" in text else ""))
    try:
        import json  # on use, so `import lrcore` stays light
        data = json.loads(text)
    except RecursionError:
        raise ValueError(f"config: must be nested at most {MAX_DEPTH} levels deep") from None
    except ValueError as e:  # JSONDecodeError, bad bytes, an int of more than 4300 digits
        raise ValueError(f"config: must be valid JSON ({e})") from None
    if isinstance(data, dict) and "type" in data and "lrcore" not in data:
        raise ValueError("config: must be an object {\"lrcore\": <version>, \"schedule\": {...}} as written by "
                         "lrcore.dumps, got a schedule's config {\"type\": ...} (as to_config writes): build it with "
                         "lrcore.from_config(json.loads(text))")
    if not isinstance(data, dict) or set(data) != {"lrcore", "schedule"}:
        raise ValueError("config: must be an object {\"lrcore\": <version>, \"schedule\": {...}} as written by lrcore.dumps")
    version = data["lrcore"]
    check_version(version)
    return from_config(data["schedule"], allow_functions=allow_functions)
