"""Error-message helpers: did-you-mean suggestions and compact paths (standard library, on use).

Used where a name is refused (a node's unknown keyword, a config's unknown ``type`` or field,
the ``lrcore`` command's unknown schedule) and where a path through a deep tree is written.

>>> did_you_mean("total_step", ["max_lr", "total_steps", "epochs"])
'did you mean total_steps?'
>>> compact_path("parts[1].schedule.schedule.schedule.schedule.steps")
'parts[1].schedule×4.steps'
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Iterable

__all__ = ["close_matches", "did_you_mean", "compact", "compact_path"]


def close_matches(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The choices closest to `word` (difflib's ratio >= 0.7, case ignored), best first.

    >>> close_matches("OneCycleLr", ["OneCycleLR", "CyclicLR", "StepLR"])
    ['OneCycleLR']
    """
    import difflib  # on use: only an error path needs it

    by_lower: dict[str, list[str]] = {}
    for c in choices:
        by_lower.setdefault(c.lower(), []).append(c)
    out: list[str] = []
    for m in difflib.get_close_matches(word.lower(), list(by_lower), n=n, cutoff=0.7):
        out += by_lower[m]
    return out[:n]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"did you mean X?"`` (or ``"X or Y"``) for the close choices, else an empty string.

    >>> did_you_mean("Cosin", ["Cosine", "Constant"]), did_you_mean("zzz", ["Cosine"])
    ('did you mean Cosine?', '')
    """
    found = close_matches(word, choices) if isinstance(word, str) else []
    return f"did you mean {' or '.join(found)}?" if found else ""


def compact(parts: list[str]) -> list[str]:
    """`parts` with each run of 3 or more equal parts written once as ``part×n``.

    >>> compact(["a", "b", "b", "b", "c"]), compact(["a", "a"]), compact(["b×3", "b"])
    (['a', 'b×3', 'c'], ['a', 'a'], ['b×4'])
    """
    runs: list[tuple[str, int]] = []
    for p in parts:
        name, x, n = p.partition("×")
        k = int(n) if x and n.isdigit() else 1
        if not (x and n.isdigit()):
            name = p
        if runs and runs[-1][0] == name:
            runs[-1] = (name, runs[-1][1] + k)
        else:
            runs.append((name, k))
    out: list[str] = []
    for name, k in runs:
        out += [f"{name}×{k}"] if k >= 3 else [name] * k
    return out


def compact_path(path: str) -> str:
    """A dotted path with runs of a repeated field written once (``schedule×97``)."""
    return ".".join(compact(path.split(".")))
