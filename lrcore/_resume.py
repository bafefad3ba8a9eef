"""What changed between the schedule a checkpoint was saved with and the one resuming it.

A checkpoint holds the schedule's config and fingerprint; on load, every changed field is
listed as ``path: saved -> now`` and the policy ``on_change`` decides what happens:
``"error"`` (the default) raises `ScheduleChangedError`, ``"checkpoint"`` continues with the
checkpoint's schedule (rebuilt from its config), ``"current"`` with the schedule in the code.
`check_resume` applies the same rules where the framework keeps no schedule (optax, Keras).
"""

from __future__ import annotations

import math
TYPE_CHECKING = False  # typing is not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Any, Iterable

from ._config import fingerprint, from_config, to_config
from ._config import is_opaque as _is_opaque
from ._errors import safe_repr

__all__ = ["config_of", "fingerprint_of", "short", "schedule_changes", "ScheduleChangedError", "ON_CHANGE",
           "resolve_on_change", "has_opaque", "rebuild", "check_resume"]

_MAX_CHANGES = 20  # differences listed in a ScheduleChangedError's message

ON_CHANGE = ("error", "checkpoint", "current")
"""The policies for a checkpoint saved under another schedule (Megatron's three)."""

_NAMED_FUNCTION_HINT = (
    "give the function a name: lrcore.Function(name, params=...) with the function registered by "
    "@lrcore.register_function, so its fingerprint is comparable")


def has_opaque(*fps: Any) -> bool:
    """Whether any of the fingerprints (or of the lists of them, one per param group) is opaque."""
    return any(has_opaque(*f) if isinstance(f, (list, tuple)) else _is_opaque(f) for f in fps)


class ScheduleChangedError(ValueError):
    """A checkpoint was saved under a different schedule (or mode) than the one resuming it.

    ``changes`` lists the differences as ``"path: saved -> now"`` strings; ``method`` is the
    loading method the message names (torch's ``load_state_dict``, paddle's ``set_state_dict``,
    or ``check_resume``); ``opaque`` is True where a fingerprint is opaque (the schedule holds a
    function whose behaviour cannot be encoded), so nothing proves the schedule unchanged.
    Both adapters raise this one class (``lrcore.adapters.torch.ScheduleChangedError`` is
    ``lrcore.adapters.paddle.ScheduleChangedError``).

    >>> e = ScheduleChangedError(["schedule.steps: 100 -> 200"], "set_state_dict")
    >>> e.changes, isinstance(e, ValueError)
    (['schedule.steps: 100 -> 200'], True)
    >>> str(e).splitlines()[:2]
    ['ScheduleLR.set_state_dict: the checkpoint was saved with a different schedule (checkpoint -> now):', \
'  schedule.steps: 100 -> 200']
    """

    def __init__(self, changes: Iterable[str], method: str = "load_state_dict", opaque: bool = False) -> None:
        self.changes, self.method, self.opaque = list(changes), method, bool(opaque)
        shown = self.changes[:_MAX_CHANGES]
        more = len(self.changes) - len(shown)
        lines = "\n".join(f"  {c}" for c in shown) + (f"\n  ... and {more} more" if more > 0 else "")
        where = method if method == "check_resume" else f"ScheduleLR.{method}"
        to = "to check_resume" if method == "check_resume" else f"to {method} or to the constructor"
        saved = "`saved`" if method == "check_resume" else "the checkpoint"
        if self.opaque:
            head = f"{where}: cannot tell whether the schedule changed since {saved} was written (checkpoint -> now):"
            tail = (f"A fingerprint starting with 'opaque-' proves nothing: {_NAMED_FUNCTION_HINT}; or pass "
                    f"on_change=\"current\" ({to}) to continue with the schedule in the code from the saved step.")
        else:
            head = f"{where}: the checkpoint was saved with a different schedule (checkpoint -> now):"
            tail = (f"Pass on_change=\"checkpoint\" ({to}) to continue with the checkpoint's schedule, or "
                    f"on_change=\"current\" (allow_schedule_change=True) to continue with this one from the saved "
                    "step, if the change is intended.")
        super().__init__(f"{head}\n{lines}\n{tail}")

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.changes, self.method, self.opaque)


def resolve_on_change(where: str, on_change: Any, allow_schedule_change: Any, default: str = "error") -> str:
    """The policy from ``on_change`` and its alias ``allow_schedule_change`` (True is
    ``"current"``, False ``"error"``); None for either means not given. Giving both, in
    disagreement, is an error; giving neither gives ``default``.

    >>> resolve_on_change("f", None, True), resolve_on_change("f", "checkpoint", None)
    ('current', 'checkpoint')
    >>> resolve_on_change("f", "latest", None)
    Traceback (most recent call last):
    ...
    ValueError: f: `on_change` must be one of 'error', 'checkpoint', 'current', got on_change='latest'
    >>> resolve_on_change("f", "checkpoint", True)
    Traceback (most recent call last):
    ...
    ValueError: f: `allow_schedule_change=True` (an alias of on_change='current') conflicts with \
on_change='checkpoint'; pass only on_change
    """
    if on_change is not None:
        if not isinstance(on_change, str):
            raise TypeError(f"{where}: `on_change` must be one of {', '.join(map(repr, ON_CHANGE))}, got "
                            f"on_change={safe_repr(on_change)} ({type(on_change).__name__})")
        if on_change not in ON_CHANGE:
            raise ValueError(f"{where}: `on_change` must be one of {', '.join(map(repr, ON_CHANGE))}, got "
                             f"on_change={safe_repr(on_change)}")
    if allow_schedule_change is not None and not isinstance(allow_schedule_change, bool):
        raise TypeError(f"{where}: `allow_schedule_change` must be a bool, got "
                        f"allow_schedule_change={safe_repr(allow_schedule_change)}")
    if allow_schedule_change is None:
        return default if on_change is None else on_change
    alias = "current" if allow_schedule_change else "error"
    if on_change is not None and on_change != alias:
        raise ValueError(f"{where}: `allow_schedule_change={allow_schedule_change}` (an alias of on_change={alias!r}) "
                         f"conflicts with on_change={on_change!r}; pass only on_change")
    return alias


def config_of(schedule: Any) -> Any:
    """The config (plain data), or None where it holds a Function not storable by reference."""
    if isinstance(schedule, tuple):
        return [config_of(s) for s in schedule]
    try:
        return to_config(schedule)
    except ValueError:
        return None


def fingerprint_of(schedule: Any) -> Any:
    if isinstance(schedule, tuple):
        return [fingerprint(s) for s in schedule]
    return fingerprint(schedule)


def _render(v: Any) -> str:
    """A config as the constructor call it stands for: ``Cosine(start_value=0.1, steps=20, ...)``."""
    if isinstance(v, dict):
        fields = ", ".join(f"{k}={_render(x)}" for k, x in v.items() if k != "type")
        return f"{v.get('type', 'dict')}({fields})"
    if isinstance(v, list):
        return "[" + ", ".join(_render(x) for x in v) + "]"
    return repr(v)


def short(v: Any) -> str:
    text = _render(v)
    return text if len(text) <= 120 else text[:117] + "..."


def _diff(old: Any, new: Any, path: str, out: list[str]) -> None:
    """Append ``"path: old -> new"`` for every field where two configs differ."""
    if isinstance(old, dict) and isinstance(new, dict):
        if old.get("type") != new.get("type"):
            out.append(f"{path}: {short(old)} -> {short(new)}")
            return
        for k in list(old) + [k for k in new if k not in old]:
            if k == "type":
                continue
            sub = f"{path}.{k}"
            if k not in new:
                out.append(f"{sub}: {short(old[k])} -> (absent)")
            elif k not in old:
                out.append(f"{sub}: (absent) -> {short(new[k])}")
            else:
                _diff(old[k], new[k], sub, out)
    elif isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            out.append(f"{path}: {len(old)} entries -> {len(new)} entries")
        for i, (a, b) in enumerate(zip(old, new)):
            _diff(a, b, f"{path}[{i}]", out)
    elif type(old) is not type(new) or old != new:
        if isinstance(old, float) and isinstance(new, float) and math.isnan(old) and math.isnan(new):
            return
        out.append(f"{path}: {short(old)} -> {short(new)}")


def schedule_changes(path: str, saved_cfg: Any, saved_fp: Any, cfg: Any, fp: Any) -> list[str]:
    """Every difference between the saved schedule and the current one, as ``"path: saved ->
    now"`` lines; none where the fingerprints are equal and neither is opaque (an opaque
    fingerprint proves nothing, so it always gives a line)."""
    if saved_fp == fp and not has_opaque(saved_fp, fp):
        return []
    out: list[str] = []
    if isinstance(saved_fp, list) != isinstance(fp, list):
        def one(f: Any) -> str:
            return "one per param group" if isinstance(f, list) else "one for all groups"

        return [f"{path}: {one(saved_fp)} -> {one(fp)}"]
    if isinstance(fp, list):
        if len(saved_fp) != len(fp):
            return [f"{path}: {len(saved_fp)} schedules -> {len(fp)}"]
        saved_cfg = saved_cfg if isinstance(saved_cfg, list) else [None] * len(fp)
        cfg = cfg if isinstance(cfg, list) else [None] * len(fp)
        for i, (sc, sf, c, f) in enumerate(zip(saved_cfg, saved_fp, cfg, fp)):
            out += schedule_changes(f"{path}[{i}]", sc, sf, c, f)
        return out
    if saved_cfg is not None and cfg is not None:
        _diff(saved_cfg, cfg, path, out)
    if not out and has_opaque(saved_fp, fp):
        out.append(f"{path}: fingerprint {saved_fp} -> {fp} (opaque: the schedule holds a function whose "
                   "behaviour cannot be encoded, so an equal fingerprint does not prove an equal schedule)")
    elif not out:  # a Function stored without a config, or one whose code changed
        out.append(f"{path}: fingerprint {saved_fp} -> {fp} (the fields cannot be compared: the schedule "
                   "holds a Function that is not importable as 'module:qualname'; " + _NAMED_FUNCTION_HINT + ")")
    return out


def rebuild(where: str, path: str, cfg: Any, fp: Any) -> Any:
    """The checkpoint's schedule for ``on_change="checkpoint"``, rebuilt from its saved config
    (a tuple for a list, one per param group), or a ValueError saying why it cannot be: the
    schedule was not storable (no config, or an opaque fingerprint) or the config is bad.
    Loading never imports code: a Function stored as ``'module:qualname'`` is refused too."""
    if isinstance(fp, list):
        cfgs = cfg if isinstance(cfg, list) and len(cfg) == len(fp) else [None] * len(fp)
        return tuple(rebuild(where, f"{path}[{i}]", c, f) for i, (c, f) in enumerate(zip(cfgs, fp)))
    if cfg is None or _is_opaque(fp):
        raise ValueError(
            f"{where}: on_change='checkpoint' cannot rebuild the checkpoint's `{path}`: it was not storable (it holds "
            f"a function whose behaviour cannot be encoded; fingerprint {fp}). To store it, {_NAMED_FUNCTION_HINT}; "
            "or pass on_change='current' to continue with the schedule in the code")
    try:
        return from_config(cfg)
    except (ValueError, TypeError) as e:
        raise ValueError(f"{where}: on_change='checkpoint' cannot rebuild the checkpoint's `{path}` from its "
                         f"config: {e}") from None


def _is_fingerprint_text(text: str) -> bool:
    return _is_opaque(text) or (8 <= len(text) <= 64 and all(c in "0123456789abcdef" for c in text))


def _saved_config(data: Any, how: str) -> Any:
    """The schedule config inside `saved` (a config, or the ``{"lrcore": 2, "schedule": ...}``
    envelope that `dumps` writes)."""
    if isinstance(data, dict) and set(data) == {"lrcore", "schedule"}:
        from ._config import check_version
        try:
            check_version(data["lrcore"])
        except ValueError as e:
            raise ValueError(f"check_resume: `saved` {e} ({how})") from None
        data = data["schedule"]
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise ValueError(f"check_resume: `saved` must be a schedule config with a 'type' ({how}), as "
                         "to_config writes it")
    return data


def _parse_saved(saved: Any) -> tuple[Any, Any]:
    """(config, None) or (None, fingerprint) from check_resume's `saved`."""
    if isinstance(saved, str):
        text = saved.strip()
        if text.startswith("{"):
            import json  # on use, so `import lrcore` stays light
            try:
                data = json.loads(text)
            except RecursionError:
                raise ValueError("check_resume: `saved` JSON is nested too deep to be a schedule config") from None
            except ValueError as e:
                raise ValueError(f"check_resume: `saved` starts with '{{' but is not JSON ({e})") from None
            return _saved_config(data, "lrcore.dumps text"), None
        if not _is_fingerprint_text(text):
            raise ValueError("check_resume: `saved` must be a fingerprint (s.fingerprint: hex digits, or 'opaque-...'), "
                             f"a config (s.to_config()) or lrcore.dumps(s) text, got saved={safe_repr(saved)[:80]}")
        return None, text
    if isinstance(saved, dict):
        return _saved_config(saved, "a dict"), None
    raise TypeError("check_resume: `saved` must be a fingerprint (str), a config (dict, as to_config writes it) or "
                    f"lrcore.dumps text (str), got {type(saved).__name__}")


def check_resume(saved: Any, schedule: Any, *, on_change: str = "error") -> Any:
    """The schedule to resume with, given what a checkpoint saved about its schedule: the rules
    of the torch and paddle ``ScheduleLR`` for frameworks whose checkpoints hold no schedule
    (optax: the step is the optimizer state's count; Keras).

    ``saved`` is what was stored beside the checkpoint: the schedule's fingerprint
    (``s.fingerprint``), its config (``s.to_config()``, a dict) or ``lrcore.dumps(s)`` (JSON
    text). A config is rebuilt without importing anything (a Function stored as
    ``'module:qualname'`` cannot be: save its fingerprint instead). ``schedule`` is the one in
    the code. When they are the same schedule (equal fingerprints, neither opaque), ``schedule``
    is returned. Otherwise ``on_change`` decides:

    * ``"error"`` (the default): raise `ScheduleChangedError` (a ValueError) listing the changes
      as ``path: saved -> now`` (with only a fingerprint saved, the two fingerprints). An opaque
      fingerprint (``"opaque-..."``: a function whose behaviour cannot be encoded) proves nothing,
      so it is refused even when equal.
    * ``"checkpoint"``: return the saved schedule, rebuilt from its config; a ValueError if only
      a fingerprint was saved (nothing to rebuild from).
    * ``"current"``: return ``schedule``.

    >>> import lrcore
    >>> old = lrcore.Cosine(start_value=0.1, steps=100)
    >>> new = lrcore.Cosine(start_value=0.1, steps=200)
    >>> lrcore.check_resume(old.fingerprint, old) is old
    True
    >>> lrcore.check_resume(lrcore.dumps(old), new, on_change="checkpoint")
    Cosine(start_value=0.1, steps=100, end_value=0.0, power=1.0)
    >>> lrcore.check_resume(old.to_config(), new, on_change="current") is new
    True
    >>> lrcore.check_resume(old.to_config(), new)
    Traceback (most recent call last):
    ...
    lrcore._resume.ScheduleChangedError: check_resume: the checkpoint was saved with a different schedule \
(checkpoint -> now):
      schedule.steps: 100 -> 200
    Pass on_change="checkpoint" (to check_resume) to continue with the checkpoint's schedule, or \
on_change="current" (allow_schedule_change=True) to continue with this one from the saved step, if the change \
is intended.
    """
    from ._base import Schedule
    from ._plateau import PlateauSchedule

    policy = resolve_on_change("check_resume", on_change, None)
    if not isinstance(schedule, (Schedule, PlateauSchedule)):
        raise TypeError("check_resume: `schedule` must be an lrcore Schedule (or schedule * Plateau), got "
                        f"{type(schedule).__name__}")
    cfg, saved_fp = _parse_saved(saved)
    if policy == "current":
        return schedule
    fp = fingerprint(schedule)
    rebuilt = None
    if cfg is not None:
        try:
            rebuilt = from_config(cfg)
        except (ValueError, TypeError) as e:
            raise ValueError(f"check_resume: `saved` holds a config that cannot be rebuilt ({e}); a schedule holding "
                             "a Function stored by reference: save and pass its fingerprint instead") from None
        saved_fp = fingerprint(rebuilt)
        changes = schedule_changes("schedule", config_of(rebuilt), saved_fp, config_of(schedule), fp)
    elif saved_fp == fp and not _is_opaque(fp):
        changes = []
    else:
        why = "opaque: the schedule holds a function whose behaviour cannot be encoded" if has_opaque(saved_fp, fp) \
            else "only the fingerprint was saved: save the config (s.to_config() or lrcore.dumps(s)) to see the fields"
        changes = [f"schedule: fingerprint {saved_fp} -> {fp} ({why})"]
    if not changes:
        return schedule
    if policy == "checkpoint":
        if rebuilt is None:
            raise ValueError(
                "check_resume: on_change='checkpoint' cannot rebuild the checkpoint's schedule: `saved` is only a "
                f"fingerprint ({saved_fp}, now {fp}); save the config (s.to_config() or lrcore.dumps(s)) beside the "
                "checkpoint, or pass on_change='current' to continue with the schedule in the code")
        return rebuilt
    raise ScheduleChangedError(changes, "check_resume", opaque=has_opaque(saved_fp, fp))
