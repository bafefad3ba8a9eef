"""The documentation site builds (strict) and documents every public name; pages and docstrings
name only files that exist; the pages' examples run.

The site is built once per run with ``mkdocs build --strict`` (what ``make docs`` does) into a
temporary folder, in about 5 s. The reference's ``objects.inv`` (a Sphinx inventory: four header
lines, then zlib-compressed lines ``name domain:role priority uri dispname``) lists every object
mkdocstrings rendered; each public name must be there.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import os
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

import lrcore
import lrcore.catalog
import lrcore.ops
import lrcore.testing

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
ADAPTERS = ("torch", "paddle", "optax", "keras")
CATALOGS = tuple(lrcore.catalog.__all__)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    # cwd: the snippets' base path (README.md, CHANGELOG.md, ...) is the repository root, as for `make docs`
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    log = r.stdout + r.stderr
    assert r.returncode == 0, f"mkdocs build --strict failed:\n{log}"
    assert "WARNING" not in log, log
    return out


def inventory(site: Path) -> set[str]:
    header, _, _, _, body = (site / "objects.inv").read_bytes().split(b"\n", 4)
    assert header == b"# Sphinx inventory version 2"
    return {line.split(" ", 1)[0] for line in zlib.decompress(body).decode().splitlines()}


def adapter_all(name: str) -> list[str]:
    """An adapter's ``__all__``, read from its source: importing it would import its framework."""
    for node in ast.parse((ROOT / "adapters" / f"{name}.py").read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return list(ast.literal_eval(node.value))
    raise AssertionError(f"adapters/{name}.py has no __all__")


def public_names() -> list[str]:
    names = [f"lrcore.{n}" for n in lrcore.__all__]
    names += [f"lrcore.ops.{n}" for n in lrcore.ops.__all__]
    names += [f"lrcore.testing.{n}" for n in lrcore.testing.__all__]
    for mod in CATALOGS:
        names += [f"lrcore.catalog.{mod}.{n}" for n in importlib.import_module(f"lrcore.catalog.{mod}").__all__]
    for mod in ADAPTERS:
        names += [f"lrcore.adapters.{mod}.{n}" for n in adapter_all(mod)]
    return names


def test_every_public_name_is_in_the_reference(site: Path) -> None:
    names = public_names()
    assert len(names) > 150 and "lrcore.scale_batch" in names and "lrcore.adapters.keras.as_schedule" in names
    documented = inventory(site)
    assert [n for n in names if n not in documented] == []
    # the lazily loaded names are documented where they live, not only as aliases
    assert {"lrcore.Schedule.resolve", "lrcore.compare", "lrcore.testing.schedules"} <= documented


def test_every_catalog_module_has_its_migration_page_in_the_navigation(site: Path) -> None:
    pages = {p.stem for p in (DOCS / "migration").glob("*.md")} - {"index"}
    missing = sorted(set(CATALOGS) - pages)
    assert not missing, (f"no migration page for lrcore.catalog.{missing}: add docs/migration/<name>.md "
                         "(copy docs/migration/nemo.md; CONTRIBUTING.md 'Add a catalog')")
    assert sorted(pages - set(CATALOGS)) == []
    nav = (site / "index.html").read_text()
    for mod in CATALOGS:
        text = (DOCS / "migration" / f"{mod}.md").read_text()
        assert f"::: lrcore.catalog.{mod}\n" in text and "Before:" in text and "After:" in text
        assert f'href="migration/{mod}/"' in nav, f"docs/migration/{mod}.md is not in the navigation"


PAGES_WITH_EXAMPLES = sorted(p for p in DOCS.rglob("*.md") if ">>>" in p.read_text())


def test_some_pages_have_examples() -> None:
    assert len(PAGES_WITH_EXAMPLES) >= len(CATALOGS)


@pytest.mark.parametrize("page", PAGES_WITH_EXAMPLES, ids=lambda p: str(p.relative_to(DOCS)))
def test_the_examples_of_a_page_run(page: Path) -> None:
    result = doctest.testfile(str(page), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


# --- Files named in pages and docstrings exist ------------------------------------------------

PATH = re.compile(r"\b[\w./-]+\.(?:md|py|json|toml|yaml|txt)\b")
URL = re.compile(r"https?://\S+")
REPO_URL = re.compile(r"https://github\.com/lrcore/lrcore/blob/[\w.-]+/([\w./-]+)")
SNIPPET = re.compile(r'^--8<-- "([^":]+)(?::([\w-]+))?"$', re.M)

# (file, token): names that look like paths but are not files of this repository.
NOT_PATHS = {
    # transformers' own module, transformers/optimization.py, which the catalog transcribes
    ("lrcore/catalog/transformers.py", "optimization.py"),
    # detectron2's own module, where LRMultiplier and WarmupParamScheduler live (the fvcore catalog's source)
    ("lrcore/catalog/fvcore.py", "detectron2/solver/lr_scheduler.py"),
    # fastai's own module, the one the catalog transcribes
    ("lrcore/catalog/fastai.py", "fastai/callback/schedule.py"),
    # Megatron's own training loop, where its iteration counts become samples
    ("lrcore/catalog/megatron.py", "training.py"),
    # the CLI transcript prints the schedule file's base name (the command reads examples/schedule.json)
    ("README.md:cli", "schedule.json"),
}


def sources() -> list[tuple[str, Path, str]]:
    """(label, the folder relative links start from, text) of what the site shows: each docs page,
    each README/CONTRIBUTING section or file it includes, and each docstring in lrcore/ and adapters/."""
    out = []
    for page in sorted(DOCS.rglob("*.md")):
        text = page.read_text()
        out.append((str(page.relative_to(ROOT)), page.parent, text))
        for name, section in SNIPPET.findall(text):
            included = (ROOT / name).read_text()
            if section:
                m = re.search(rf"<!-- --8<-- \[start:{section}\] -->\n(.*?)<!-- --8<-- \[end:{section}\] -->",
                              included, re.S)
                assert m, f"{page.relative_to(ROOT)} includes {name}:{section}, which has no such markers"
                included = m.group(1)
            out.append((f"{name}:{section}" if section else name, (ROOT / name).parent, included))
    files = [*sorted((ROOT / "lrcore").rglob("*.py")), *sorted((ROOT / "adapters").glob("*.py"))]
    for f in files:
        if (ROOT / "lrcore" / "adapters") in f.parents:
            continue  # a development checkout's link to adapters/: read there
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                doc = ast.get_docstring(node, clean=False)
                if doc:
                    out.append((str(f.relative_to(ROOT)), ROOT, doc))
    return out


def dangling(label: str, base: Path, text: str) -> list[str]:
    bad = []
    for url in URL.findall(text):
        m = REPO_URL.match(url)
        if m and not (ROOT / m.group(1)).exists():  # a link into this repository names a file that exists
            bad.append(url)
    text = URL.sub(" ", text)
    for m in PATH.finditer(text):
        start = m.start()
        while start and text[start - 1] in "./":  # a relative link: ../resume.md
            start -= 1
        token = text[start:m.end()]
        if (label, token) in NOT_PATHS or (ROOT / token).exists() or (base / token).exists():
            continue
        bad.append(token)
    return bad


def test_pages_and_docstrings_name_only_files_in_the_repository() -> None:
    found = sources()
    labels = {label for label, _, _ in found}
    assert {"docs/index.md", "README.md:deviations", "CHANGELOG.md", "lrcore/_config.py"} <= labels
    bad = {label: d for label, base, text in found if (d := dangling(label, base, text))}
    assert bad == {}
    # each whitelist entry is still needed
    for label, token in NOT_PATHS:
        assert any(lab == label and token in PATH.findall(text) for lab, _, text in found), (label, token)


def test_the_check_finds_a_dangling_name() -> None:
    assert dangling("x", DOCS, "see `tests/test_missing.py` and [a](quickstart.md)") == ["tests/test_missing.py"]
    assert dangling("x", DOCS / "migration", "[a](../units.md), [b](../unit.md)") == ["../unit.md"]
    assert dangling("x", ROOT, "https://github.com/lrcore/lrcore/blob/main/docs/nothing.md") != []
