"""What changed between the schedule a checkpoint was saved with and the one resuming it.

A checkpoint holds the schedule's config and fingerprint; on load, every changed field is
listed as ``path: saved -> now`` (`ScheduleChangedError`) instead of resuming silently.
"""

from __future__ import annotations

import math
TYPE_CHECKING = False  # typing is not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Any, Iterable

from ._config import fingerprint, to_config

__all__ = ["config_of", "fingerprint_of", "short", "schedule_changes", "ScheduleChangedError"]

_MAX_CHANGES = 20  # differences listed in a ScheduleChangedError's message


class ScheduleChangedError(ValueError):
    """A checkpoint was saved under a different schedule (or mode) than the one resuming it.

    ``changes`` lists the differences as ``"path: saved -> now"`` strings; ``method`` is the
    loading method the message names (torch's ``load_state_dict``, paddle's ``set_state_dict``).
    Both adapters raise this one class (``lrcore.adapters.torch.ScheduleChangedError`` is
    ``lrcore.adapters.paddle.ScheduleChangedError``).

    >>> e = ScheduleChangedError(["schedule.steps: 100 -> 200"], "set_state_dict")
    >>> e.changes, isinstance(e, ValueError)
    (['schedule.steps: 100 -> 200'], True)
    >>> str(e).splitlines()[:2]
    ['ScheduleLR.set_state_dict: the checkpoint was saved with a different schedule (checkpoint -> now):', \
'  schedule.steps: 100 -> 200']
    """

    def __init__(self, changes: Iterable[str], method: str = "load_state_dict") -> None:
        self.changes, self.method = list(changes), method
        shown = self.changes[:_MAX_CHANGES]
        more = len(self.changes) - len(shown)
        lines = "\n".join(f"  {c}" for c in shown) + (f"\n  ... and {more} more" if more > 0 else "")
        super().__init__(
            f"ScheduleLR.{method}: the checkpoint was saved with a different schedule (checkpoint -> now):\n"
            f"{lines}\nPass allow_schedule_change=True (to {method} or to the constructor) if this is "
            "intended: the step count is kept and the new schedule continues from it."
        )

    def __reduce__(self) -> tuple:
        return type(self), (self.changes, self.method)


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
    if saved_fp == fp:
        return []
    out: list[str] = []
    if isinstance(saved_fp, list) != isinstance(fp, list):
        one = lambda f: "one per param group" if isinstance(f, list) else "one for all groups"  # noqa: E731
        return [f"{path}: {one(saved_fp)} -> {one(fp)}"]
    if isinstance(fp, list):
        if len(saved_fp) != len(fp):
            return [f"{path}: {len(saved_fp)} schedules -> {len(fp)}"]
        saved_cfg = saved_cfg if isinstance(saved_cfg, list) else [None] * len(fp)
        for i, (sc, sf, c, f) in enumerate(zip(saved_cfg, saved_fp, cfg, fp)):
            out += schedule_changes(f"{path}[{i}]", sc, sf, c, f)
        return out
    if saved_cfg is not None and cfg is not None:
        _diff(saved_cfg, cfg, path, out)
    if not out:  # a Function stored without a config, or one whose code changed
        out.append(f"{path}: fingerprint {saved_fp} -> {fp} (the fields cannot be compared: the schedule "
                   "holds a Function that is not importable as 'module:qualname')")
    return out
