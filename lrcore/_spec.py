"""SPEC: how the ``lrcore`` command names a schedule (standard library only at import time).

A SPEC is one of

* a file: ``.json``, ``.toml`` (tomllib) or ``.yaml`` / ``.yml`` (pyyaml, imported on use)
  holding an lrcore config, plain (``{"type": "Cosine", ...}``) or in the `lrcore.dumps`
  envelope (``{"lrcore": 2, "schedule": {...}}``);
* inline JSON of the same;
* a call of a catalog constructor, ``torch.OneCycleLR(max_lr=0.1, total_steps=1000)``
  (``paddle.``, ``optax.``, every module of `lrcore.catalog`; ``lrcore.catalog.`` may prefix
  it), or of an engine class, ``lrcore.Cosine(start_value=0.1, steps=100)`` (or ``Cosine(...)``).

Calls are read with `ast`, never evaluated: arguments are keyword arguments (and, for lrcore's
schedule classes, positional ones in field order: ``lrcore.Warmup(lrcore.Cosine(...),
warmup_steps=100)``) whose values are literals (numbers, strings, True/False/None, lists,
tuples, dicts of them) or nested calls of the same kind; names resolve only to public names of `lrcore.catalog`'s modules and to
lrcore's schedule classes. Nothing is imported or run but those constructors, and loading a
config never imports code (``Function`` refs are refused). Every problem is a `SpecError`
naming what was wrong.

>>> load_spec("torch.StepLR(lr=0.1, step_size=2, gamma=0.5)").schedule(4)
0.025
>>> load_spec('{"type": "Constant", "value": 0.5}').label
'Constant'
>>> load_spec("__import__('os').system('x')")
Traceback (most recent call last):
...
lrcore._spec.SpecError: SPEC "__import__('os').system('x')": `__import__('os').system` is not a dotted name; write a catalog call such as torch.OneCycleLR(max_lr=0.1, total_steps=1000)
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import pkgutil
from dataclasses import dataclass
from typing import Any

__all__ = ["Spec", "SpecError", "load_spec", "catalog_modules"]

MAX_SPEC_CHARS = 20_000
MAX_CALL_DEPTH = 20
MAX_CONFIG_ITEMS = 100_000
EXAMPLE = "torch.OneCycleLR(max_lr=0.1, total_steps=1000)"
_FILE_KINDS = {".json": "JSON", ".toml": "TOML", ".yaml": "YAML", ".yml": "YAML"}


class SpecError(ValueError):
    """A SPEC that names no schedule; the message says what was wrong."""


@dataclass(frozen=True)
class Spec:
    """A loaded SPEC: the schedule (a `Schedule`, or ``schedule * Plateau``) and a short label."""

    text: str
    schedule: Any
    label: str


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 3] + "..."


def load_spec(text: str) -> Spec:
    """The schedule a SPEC names (see the module docstring); a `SpecError` otherwise."""
    if not isinstance(text, str) or not text.strip():
        raise SpecError("SPEC: must be a file, inline JSON or a catalog call such as " + EXAMPLE + ", got an empty string")
    where = f"SPEC {_short(text)!r}" if "'" not in text else f'SPEC "{_short(text)}"'
    if len(text) > MAX_SPEC_CHARS:
        raise SpecError(f"{where}: must be at most {MAX_SPEC_CHARS} characters, got {len(text)}")
    stripped = text.strip()
    suffix = os.path.splitext(stripped)[1].lower()
    if os.path.isfile(stripped):
        return _from_file(stripped, suffix)
    if stripped.startswith(("{", "[")):
        return _from_data(_parse_json(stripped, where), where)
    if "(" in stripped:
        return _from_call(stripped, where)
    if suffix in _FILE_KINDS or os.sep in stripped or "/" in stripped:
        raise SpecError(f"{where}: no such file")
    raise SpecError(f"{where}: must be a file (.json, .toml, .yaml), inline JSON or a catalog call such as {EXAMPLE}")


# -- files and data ---------------------------------------------------------------------------

def _parse_json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise SpecError(f"{where}: is nested too deeply") from None
    except ValueError as e:
        raise SpecError(f"{where}: is not valid JSON ({e})") from None


def _from_file(path: str, suffix: str) -> Spec:
    where = f"SPEC file {path}"
    kind = _FILE_KINDS.get(suffix)
    if kind is None:
        raise SpecError(f"{where}: must end in .json, .toml, .yaml or .yml, got {suffix or 'no suffix'!r}")
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_SPEC_CHARS * 50 + 1)
    except OSError as e:
        raise SpecError(f"{where}: cannot be read ({e.strerror or e})") from None
    if len(raw) > MAX_SPEC_CHARS * 50:
        raise SpecError(f"{where}: is larger than {MAX_SPEC_CHARS * 50} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise SpecError(f"{where}: is not UTF-8 text ({e})") from None
    if kind == "JSON":
        data = _parse_json(text, where)
    elif kind == "TOML":
        import tomllib

        try:
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError) as e:
            raise SpecError(f"{where}: is not valid TOML ({e})") from None
    else:
        try:
            import yaml
        except ImportError:
            raise SpecError(f"{where}: reading YAML needs pyyaml (pip install pyyaml)") from None
        try:
            data = yaml.safe_load(text)  # plain data only: no tags that build objects
        except (yaml.YAMLError, RecursionError) as e:
            raise SpecError(f"{where}: is not valid YAML ({_short(str(e), 200)})") from None
    spec = _from_data(data, where)
    return Spec(path, spec.schedule, os.path.basename(path))


def _from_data(data: Any, where: str) -> Spec:
    """A config (plain or in the lrcore.dumps envelope) as a schedule."""
    from . import FORMAT_VERSION, from_config
    from ._config import check_version

    _check_size(data, where)
    if isinstance(data, dict) and "lrcore" in data:
        if set(data) != {"lrcore", "schedule"}:
            raise SpecError(f"{where}: an lrcore envelope must hold exactly the keys 'lrcore' and 'schedule', "
                            f"got {', '.join(sorted(map(str, data)))}")
        version = data["lrcore"]
        try:
            check_version(version)
        except ValueError as e:
            raise SpecError(f"{where}: {e}") from None
        data = data["schedule"]
    if not isinstance(data, dict) or "type" not in data:
        got = f"a dict with keys {', '.join(sorted(map(str, data)))}" if isinstance(data, dict) else type(data).__name__
        raise SpecError(f"{where}: must hold an lrcore config ({{\"type\": \"Cosine\", ...}} or "
                        f"{{\"lrcore\": {FORMAT_VERSION}, \"schedule\": {{...}}}}), got {got}")
    try:
        schedule = from_config(data)
    except (ValueError, TypeError) as e:
        raise SpecError(f"{where}: {e}") from None
    except RecursionError:
        raise SpecError(f"{where}: is nested too deeply") from None
    return Spec(where, schedule, str(data.get("type")))


def _check_size(data: Any, where: str) -> None:
    """Refuse configs of more than MAX_CONFIG_ITEMS items, counting shared ones (YAML aliases) each time."""
    stack, seen = [data], 0
    while stack:
        x = stack.pop()
        seen += 1
        if seen > MAX_CONFIG_ITEMS:
            raise SpecError(f"{where}: holds more than {MAX_CONFIG_ITEMS} items")
        if isinstance(x, dict):
            stack.extend(x.values())
        elif isinstance(x, list):
            stack.extend(x)


# -- calls ------------------------------------------------------------------------------------

def catalog_modules() -> list[str]:
    """The modules of `lrcore.catalog`: those it lists, and any other file in the package."""
    from . import catalog

    names = set(getattr(catalog, "__all__", ()))
    names.update(m.name for m in pkgutil.iter_modules(catalog.__path__) if not m.name.startswith("_"))
    return sorted(names)


def _engine_classes() -> dict[str, Any]:
    import lrcore

    from ._base import Schedule

    return {n: getattr(lrcore, n) for n in lrcore.__all__
            if isinstance(getattr(lrcore, n), type) and issubclass(getattr(lrcore, n), Schedule)
            and n != "Schedule"}


def _dotted(node: ast.AST) -> list[str] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return parts[::-1]


def _resolve(parts: list[str], where: str) -> Any:
    name = ".".join(parts)
    if any(p.startswith("_") for p in parts):
        raise SpecError(f"{where}: `{name}` is private; only public catalog and lrcore names can be called")
    if parts[:2] == ["lrcore", "catalog"]:
        parts = parts[2:]
    elif parts[:1] == ["catalog"]:
        parts = parts[1:]
    modules = catalog_modules()
    if parts and parts[0] in modules and len(parts) >= 2:
        try:
            obj: Any = importlib.import_module(f"lrcore.catalog.{parts[0]}")
        except ImportError as e:  # pragma: no cover - a catalog module that fails to import
            raise SpecError(f"{where}: lrcore.catalog.{parts[0]} cannot be imported ({e})") from None
        for i, p in enumerate(parts[1:], 1):
            public = getattr(obj, "__all__", None)
            if public is None or p not in public or not hasattr(obj, p):
                owner = ".".join(parts[:i])
                names = sorted(n for n in (public or ()) if not n.startswith("_"))
                hint = did_you_mean(p, [f"{owner}.{n}" for n in names]) if p else ""
                known = hint or f"it has: {', '.join(names) or 'no public names'}"
                raise SpecError(f"{where}: `{name}`: {owner} has no schedule {p!r} ({known})")
            obj = getattr(obj, p)
        return obj
    own = parts[:1] == ["lrcore"]
    if own:
        parts = parts[1:]
    classes = _engine_classes()
    if len(parts) == 1 and parts[0] in classes:
        return classes[parts[0]]
    candidates = _callable_names(modules, classes)
    hint = ""
    if own and parts:  # written lrcore.X: lrcore's own names first
        hint = did_you_mean(parts[-1], [c for c in candidates if c.startswith("lrcore.")])
    if not hint and parts:
        hint = did_you_mean(parts[-1], candidates)
    if hint:
        raise SpecError(f"{where}: `{name}` is not a catalog or lrcore schedule name; {hint}")
    raise SpecError(f"{where}: `{name}` is not a catalog or lrcore schedule name (catalogs: "
                    f"{', '.join(modules)}; e.g. {EXAMPLE} or lrcore.Cosine(start_value=0.1, steps=100))")


def did_you_mean(word: str, dotted: list[str]) -> str:
    """``did you mean torch.OneCycleLR?`` for the dotted names whose last part is close to `word`."""
    from ._hints import close_matches

    last: dict[str, list[str]] = {}
    for d in dotted:
        last.setdefault(d.rsplit(".", 1)[-1], []).append(d)
    found = [d for m in close_matches(word, last) for d in sorted(last[m], key=_preference)]
    if not found:
        return ""
    return f"did you mean {found[0]}?" + (f" (also: {', '.join(found[1:4])})" if found[1:] else "")


def _preference(dotted: str) -> tuple[bool, bool, str]:
    """torch's catalog first (the most used), then the others alphabetically, then lrcore's classes."""
    module = dotted.split(".", 1)[0]
    return (module != "torch", module == "lrcore", dotted)


def _callable_names(modules: list[str], classes: dict[str, Any]) -> list[str]:
    """Every name a call may use: ``module.Name`` of each catalog module, ``lrcore.Name``."""
    out = []
    for m in modules:
        try:
            mod = importlib.import_module(f"lrcore.catalog.{m}")
        except ImportError:  # pragma: no cover - a catalog module that fails to import
            continue
        out += [f"{m}.{n}" for n in getattr(mod, "__all__", ()) if not n.startswith("_")]
    return out + [f"lrcore.{n}" for n in classes]


def _literal(node: ast.AST, where: str, depth: int, path: tuple[str, ...] = ()) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str, bool, type(None))):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)) \
            and isinstance(node.operand, ast.Constant) and isinstance(node.operand.value, (int, float)) \
            and not isinstance(node.operand.value, bool):
        v = node.operand.value
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, (ast.List, ast.Tuple)):
        values = [_literal(e, where, depth, path) for e in node.elts]
        return values if isinstance(node, ast.List) else tuple(values)
    if isinstance(node, ast.Dict):
        if any(k is None for k in node.keys):
            raise SpecError(f"{_at(where, path)}: `**` unpacking is not accepted")
        return {_literal(k, where, depth, path): _literal(v, where, depth, path) for k, v in zip(node.keys, node.values)
                if k is not None}  # (none is: refused above)
    if isinstance(node, ast.Call):
        return _call(node, where, depth + 1, path)
    raise SpecError(f"{_at(where, path)}: `{_short(ast.unparse(node), 40)}` is not a literal (only numbers, strings, "
                    "True/False/None, lists, tuples, dicts and catalog calls are accepted; nothing is evaluated)")


def _at(where: str, path: tuple[str, ...]) -> str:
    """`where` and the path of arguments down to here, a repeated one written once (``lrcore.Warmup.schedule×20``)."""
    from ._hints import compact

    return ": ".join([where, *compact(list(path))])


def _call(node: ast.Call, where: str, depth: int, path: tuple[str, ...] = ()) -> Any:
    if depth > MAX_CALL_DEPTH:
        raise SpecError(f"{_at(where, path)}: calls are nested more than {MAX_CALL_DEPTH} deep")
    parts = _dotted(node.func)
    if parts is None:
        raise SpecError(f"{_at(where, path)}: `{_short(ast.unparse(node.func), 40)}` is not a dotted name; write a "
                        f"catalog call such as {EXAMPLE}")
    fn = _resolve(parts, _at(where, path))
    name = ".".join(parts)
    from ._node import Node

    is_node = isinstance(fn, type) and issubclass(fn, Node)
    if node.args and not is_node:  # catalog constructors take keywords, as the peers' own do
        raise SpecError(f"{_at(where, path)}: `{name}` got a positional argument; write every argument as name=value")
    if is_node and len(node.args) > len(fn._fields):
        raise SpecError(f"{_at(where, path)}: `{name}` takes at most {len(fn._fields)} arguments "
                        f"({', '.join(f.name for f in fn._fields)}), got {len(node.args)} positionally")
    args = []
    for i, a in enumerate(node.args):  # a node's fields in declaration order: lrcore.Warmup(lrcore.Cosine(...), ...)
        if isinstance(a, ast.Starred):
            raise SpecError(f"{_at(where, path)}: `*` unpacking is not accepted")
        args.append(_literal(a, where, depth, (*path, f"{name}.{fn._fields[i].name}")))
    kwargs = {}
    for kw in node.keywords:
        if kw.arg is None:
            raise SpecError(f"{_at(where, path)}: `**` unpacking is not accepted")
        kwargs[kw.arg] = _literal(kw.value, where, depth, (*path, f"{name}.{kw.arg}"))
    if not is_node:
        _check_keywords(fn, name, kwargs, _at(where, path))
    try:
        return fn(*args, **kwargs)
    except (ValueError, TypeError, OverflowError) as e:
        raise SpecError(f"{_at(where, path)}: {name}: {e}") from None
    except RecursionError:
        raise SpecError(f"{_at(where, path)}: {name}: is nested too deeply") from None


def _check_keywords(fn: Any, name: str, kwargs: dict[str, Any], where: str) -> None:
    """A catalog constructor's unknown keyword, with a did-you-mean and its valid parameters."""
    import inspect

    from ._hints import did_you_mean as close

    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):  # pragma: no cover - no signature to check against
        return
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return
    valid = [n for n, p in params.items() if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)]
    for k in kwargs:
        if k not in valid:
            hint = close(k, valid)
            raise SpecError(f"{where}: {name}: unexpected keyword argument '{k}'; {hint + ' ' if hint else ''}"
                            f"valid parameters: {', '.join(valid)}")


def _from_call(text: str, where: str) -> Spec:
    from ._base import Schedule
    from ._plateau import PlateauSchedule

    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as e:
        raise SpecError(f"{where}: is not a call ({e.msg}); write a catalog call such as {EXAMPLE}") from None
    except (RecursionError, MemoryError, ValueError):
        raise SpecError(f"{where}: is nested too deeply or malformed") from None
    if not isinstance(tree.body, ast.Call):
        raise SpecError(f"{where}: must be a single call such as {EXAMPLE}, got `{_short(ast.unparse(tree.body), 40)}`")
    result = _call(tree.body, where, 0)
    if not isinstance(result, (Schedule, PlateauSchedule)):
        raise SpecError(f"{where}: `{'.'.join(_dotted(tree.body.func) or [])}` gives a "
                        f"{type(result).__name__}, not a schedule")
    return Spec(text, result, _short(text))
