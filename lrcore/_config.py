"""Configuration: schedules as plain JSON data, loaded back safely, with a stable fingerprint.

``to_config(s)`` gives ``{"type": "Cosine", "start_value": 0.001, ...}``, nested for
combinators; ``from_config(data)`` rebuilds an equal schedule and reports bad data with the
path of the field (``parts[1].steps: must be an int >= 1, got 0``). A `Function` is stored as
``{"type": "Function", "fn": "module:qualname"}`` and is only imported when the caller passes
``allow_functions=True``: loading never imports or runs code otherwise.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Any, Callable

from ._errors import ScheduleError, ScheduleTypeError, safe_repr
from ._node import _REGISTRY, MAX_DEPTH, Node, config_name  # MAX_DEPTH: schedule nodes; lists in between do not count

__all__ = ["to_config", "from_config", "dumps", "loads", "fingerprint", "FORMAT_VERSION", "MAX_DEPTH"]

FORMAT_VERSION = 1


def _fn_ref(fn: Callable, strict: bool) -> str:
    mod, qual = getattr(fn, "__module__", None), getattr(fn, "__qualname__", None)
    ok = bool(mod and qual and "<" not in qual)
    if ok:
        try:
            import importlib  # on use, so `import lrcore` stays light
            obj = importlib.import_module(mod)
            for part in qual.split("."):
                obj = getattr(obj, part)
            ok = obj is fn
        except Exception:  # noqa: BLE001 - any failure means "not importable by reference"
            ok = False
    if ok:
        return f"{mod}:{qual}"
    if strict:
        raise ValueError(f"Function.fn: must be importable as 'module:qualname' to be stored in a config, got {fn!r} "
                         "(use a module-level function)")
    # Not storable, but still told apart from other functions by its code and constants.
    code = getattr(fn, "__code__", None)
    import hashlib  # on use, so `import lrcore` stays light
    body = hashlib.sha256(repr((code.co_code, code.co_consts, code.co_names)).encode()).hexdigest()[:12] if code else repr(fn)
    return f"<unserializable {mod}:{qual} {body}>"


def _encode(x: Any, strict: bool) -> Any:
    if isinstance(x, Node):
        name = config_name(x)
        if name is None:
            cls = type(x)
            if strict:
                raise ValueError(f"{cls.__name__}: must be registered to be stored in a config (decorate the class "
                                 f"with @lrcore.register), got the unregistered class {cls.__module__}.{cls.__qualname__}")
            name = f"<unregistered {cls.__module__}:{cls.__qualname__}>"
        out = {"type": name}
        for f in x._fields:
            v = getattr(x, f.name)
            out[f.name] = _fn_ref(v, strict) if f.kind == "callable" else _encode(v, strict)
        return out
    if isinstance(x, tuple):
        return [_encode(v, strict) for v in x]
    return x


def to_config(node: Any) -> dict:
    """Plain JSON data (dicts, lists, numbers, strings, None) describing `node` completely.

    >>> import lrcore
    >>> lrcore.to_config(lrcore.Warmup(lrcore.Constant(value=0.1), warmup_steps=10))
    {'type': 'Warmup', 'schedule': {'type': 'Constant', 'value': 0.1}, 'warmup_steps': 10, 'start_value': 0.0, 'shape': 'linear', 'prefix': True}
    """
    return _encode(node, strict=True)


def fingerprint(node: Any) -> str:
    """A stable 16-hex-digit hash of the canonical config (sorted keys, no whitespace).

    Functions that cannot be stored by reference enter by their qualified name.

    >>> import lrcore
    >>> a = lrcore.Cosine(start_value=1.0, steps=100)
    >>> a.fingerprint == lrcore.Cosine(start_value=1, steps=100).fingerprint
    True
    >>> a.fingerprint == lrcore.Cosine(start_value=1.0, steps=101).fingerprint
    False
    """
    import json  # on use, so `import lrcore` stays light
    text = json.dumps(_encode(node, strict=False), sort_keys=True, separators=(",", ":"), allow_nan=False)
    import hashlib  # on use, so `import lrcore` stays light
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _where(path: str, field: str) -> str:
    return f"{path}.{field}" if path else field


def _decode(data: Any, path: str, depth: int, allow_functions: bool, reg: dict) -> Any:
    if isinstance(data, list):
        for i, v in enumerate(data):
            if isinstance(v, list):  # refused where it starts: no recursion into nested lists
                raise ValueError(f"{path}[{i}]: must be a number or a schedule, got a list")
        return [_decode(v, f"{path}[{i}]", depth, allow_functions, reg) for i, v in enumerate(data)]
    if not isinstance(data, dict):
        return data
    if depth >= MAX_DEPTH:
        raise ValueError(f"{path or '<root>'}: must be nested at most {MAX_DEPTH} levels deep")
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in reg:
        raise ValueError(f"{_where(path, 'type')}: must be one of {', '.join(sorted(reg))} (a node of your own: import "
                         "the module that defines it and decorate the class with @lrcore.register before loading; "
                         f"loading never imports a module), got {safe_repr(kind)}")
    cls = reg[kind]
    names = [f.name for f in cls._fields]
    required = [f.name for f in cls._fields if f.required]
    for key in data:
        if key != "type" and key not in names:
            raise ValueError(f"{_where(path, str(key))}: is not a field of {kind} (fields: {', '.join(names)})")
    for key in required:
        if key not in data:
            raise ValueError(f"{_where(path, key)}: must be given, {kind} requires it")
    kwargs = {}
    for key in names:
        if key not in data:
            continue
        v = data[key]
        if cls._field_map[key].kind == "callable":
            kwargs[key] = _load_function(v, _where(path, key), allow_functions)
        else:
            kwargs[key] = _decode(v, _where(path, key), depth + 1, allow_functions, reg)
    try:
        return cls(**kwargs)
    except ScheduleTypeError as e:
        raise TypeError(e.with_path(path)) from None
    except ScheduleError as e:
        raise ValueError(e.with_path(path)) from None


def _load_function(ref: Any, where: str, allow: bool) -> Callable:
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
    return obj


def from_config(data: Any, *, allow_functions: bool = False) -> Any:
    """Rebuild a schedule from `to_config` data; errors name the path of the bad field.

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
    if not isinstance(data, dict):
        raise TypeError(f"config must be a dict with a 'type', got {type(data).__name__}")
    return _decode(data, "", 0, allow_functions, _REGISTRY)


def dumps(node: Any, *, indent: int | None = None) -> str:
    """JSON text with a versioned envelope: ``{"lrcore": 1, "schedule": {...}}``.

    >>> import lrcore
    >>> text = lrcore.dumps(lrcore.Constant(value=0.5))
    >>> text
    '{"lrcore": 1, "schedule": {"type": "Constant", "value": 0.5}}'
    >>> lrcore.loads(text)
    Constant(value=0.5)
    """
    import json  # on use, so `import lrcore` stays light
    return json.dumps({"lrcore": FORMAT_VERSION, "schedule": to_config(node)}, indent=indent,
                      sort_keys=True, allow_nan=False)


def loads(text: str | bytes, *, allow_functions: bool = False) -> Any:
    """The schedule stored by `dumps`; refuses unknown versions and bad data with a ValueError."""
    try:
        import json  # on use, so `import lrcore` stays light
        data = json.loads(text)
    except RecursionError:
        raise ValueError(f"config: must be nested at most {MAX_DEPTH} levels deep") from None
    except ValueError as e:  # JSONDecodeError, bad bytes, an int of more than 4300 digits
        raise ValueError(f"config: must be valid JSON ({e})") from None
    if not isinstance(data, dict) or set(data) != {"lrcore", "schedule"}:
        raise ValueError("config: must be an object {\"lrcore\": <version>, \"schedule\": {...}} as written by lrcore.dumps")
    version = data["lrcore"]
    if type(version) is not int or version != FORMAT_VERSION:
        raise ValueError(f"lrcore: must be format version {FORMAT_VERSION}, got {safe_repr(version)}")
    return from_config(data["schedule"], allow_functions=allow_functions)
