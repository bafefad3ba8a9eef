"""Build hooks of the documentation site (mkdocs loads this file through ``hooks:`` in mkdocs.yml).

* Docstring examples (``>>>`` lines up to the next blank line, as doctest reads them) render as
  Python console blocks, so the docstrings stay plain doctest text.
* The "Migration" section of the navigation lists every page in ``docs/migration/``: a new
  catalog module needs only its page there (tests/test_docs.py checks that each has one).
"""

from __future__ import annotations

import re
from pathlib import Path

from markdown import Extension
from markdown.preprocessors import Preprocessor

_FENCE = re.compile(r"^\s*(```|~~~)")
_PROMPT = re.compile(r"^(\s*)>>>(\s|$)")


class _DoctestBlocks(Preprocessor):
    """Wraps each doctest block outside a fenced block in a ```pycon fence."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        fence = None
        i = 0
        while i < len(lines):
            line = lines[i]
            m = _FENCE.match(line)
            if m and (fence is None or m.group(1) == fence):
                fence = m.group(1) if fence is None else None
                out.append(line)
                i += 1
                continue
            p = _PROMPT.match(line) if fence is None else None
            if p is None:
                out.append(line)
                i += 1
                continue
            indent = p.group(1)
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i])
                i += 1
            out += ["", f"{indent}```pycon", *block, f"{indent}```", ""]
        return out


class DoctestBlocks(Extension):
    def extendMarkdown(self, md):  # noqa: N802 (the markdown API's name)
        md.preprocessors.register(_DoctestBlocks(md), "lrcore_doctest_blocks", 28)


def on_config(config):
    config.markdown_extensions.append(DoctestBlocks())
    docs = Path(config.docs_dir)
    pages = sorted(p.relative_to(docs).as_posix() for p in (docs / "migration").glob("*.md") if p.name != "index.md")
    for i, entry in enumerate(config.nav or []):
        if isinstance(entry, dict) and "Migration" in entry:
            config.nav[i] = {"Migration": ["migration/index.md", *pages]}
    return config
