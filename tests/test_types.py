"""Types: the package passes ``mypy --strict`` and the README's Python examples type-check.

`test_package_passes_mypy_strict` runs mypy as configured in pyproject.toml (strict, the
``lrcore`` package, frameworks not followed) from the repository root and requires mypy's
"Success: no issues found" for the whole package: it is the gate, and it passes only when
every module is clean.

`test_readme_examples_type_check` takes every ```python block of README.md (the doctest-style
ones as plain code: the ``>>>`` and ``...`` lines without their prompts, the printed output
left out), writes each to its own file in a temporary directory outside the repository and
type-checks them with plain ``mypy --ignore-missing-imports --follow-imports=silent`` (not
strict), so a user who copies an example into their project sees no type errors. ``lrcore``
is this checkout's (``MYPYPATH``), and the frameworks are not followed (as in pyproject.toml).
The examples that are fragments of a training script use names defined elsewhere (``model``,
``loader``, ``opt``, ``args``, ...): a short prelude declares those as ``Any``, the
frameworks (``torch``, ``paddle``, ``optax``, ``keras``) as imports, the schedule ``s``
the fragments pass to the adapters as an ``lrcore.Schedule``, and torch's ``ScheduleLR``
where a fragment uses it without importing it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

# The names README fragments take from the surrounding script, typed for mypy.
PRELUDE = """\
from typing import Any

import keras
import lrcore
import optax
import paddle
import torch

s: lrcore.Schedule
lr: lrcore.Schedule
model: Any
loader: Any
opt: Any
args: Any
ds: Any
Trainer: Any
"""


def _mypy(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run([sys.executable, "-m", "mypy", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)
    return proc.stdout + proc.stderr


def test_package_passes_mypy_strict(tmp_path: Path) -> None:
    out = _mypy(["--cache-dir", str(tmp_path / "cache")], ROOT)
    assert "Success: no issues found" in out, out[-6000:]


def readme_blocks(text: str) -> list[tuple[int, str]]:
    """(line, code) of each ```python block; doctest blocks as the code their prompts hold."""
    blocks = []
    for m in re.finditer(r"^```python\n(.*?)^```", text, re.S | re.M):
        body, line = m.group(1), text.count("\n", 0, m.start()) + 1
        if body.lstrip().startswith(">>>"):
            body = "\n".join(ln[4:] for ln in body.splitlines() if ln.startswith((">>> ", "... ")) or ln in (">>>", "..."))
        blocks.append((line, body.rstrip("\n") + "\n"))
    return blocks


def test_readme_blocks_are_extracted() -> None:
    text = "```python\n>>> x = 1\n>>> def f(a):\n...     return a\n>>> f(x)\n1\n```\n\n```python\ny = 2\n```\n"
    assert readme_blocks(text) == [(1, "x = 1\ndef f(a):\n    return a\nf(x)\n"), (9, "y = 2\n")]
    assert len(readme_blocks(README.read_text(encoding="utf-8"))) >= 10


def _not_followed() -> list[str]:
    """The frameworks pyproject.toml's mypy config does not follow."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    return [m for o in config.get("overrides", []) if o.get("follow_imports") == "skip" for m in o["module"]]


def test_readme_examples_type_check(tmp_path: Path) -> None:
    blocks = readme_blocks(README.read_text(encoding="utf-8"))
    files = []
    for line, code in blocks:
        path = tmp_path / f"readme_line_{line}.py"
        uses = "ScheduleLR" in code and "import ScheduleLR" not in code  # the torch one, from an earlier block
        prelude = PRELUDE + ("from lrcore.adapters.torch import ScheduleLR\n" if uses else "")
        path.write_text(prelude + f"\n# README.md, line {line}\n" + code, encoding="utf-8")
        files.append(path.name)
    modules = ",".join(_not_followed())
    (tmp_path / "mypy.ini").write_text(
        f"[mypy]\npython_version = 3.11\n\n[mypy-{modules}]\nfollow_imports = skip\nfollow_untyped_imports = True\n",
        encoding="utf-8")
    env = {**os.environ, "MYPYPATH": str(ROOT)}
    out = _mypy(["--config-file", "mypy.ini", "--ignore-missing-imports", "--follow-imports=silent",
                 "--cache-dir", str(tmp_path / "cache"), *files], tmp_path, env)
    assert "Success: no issues found" in out, out
