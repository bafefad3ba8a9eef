"""lrcore against the native schedulers, side by side: ``make bench`` writes benchmarks/RESULTS.md.

Every comparison runs lrcore and its native peer alternately in this one process and reports
the medians of repeated runs and their ratio (lrcore / native, lower is better): on a shared,
noisy machine absolute times drift, ratios hold. The cases, one module each:

* ``cases_torch``  ``ScheduleLR.step()`` against every catalog.torch class's scheduler;
* ``cases_paddle`` ``ScheduleLR.step()`` + the optimizer's read, against paddle's schedulers;
* ``cases_optax``  ``jit(as_schedule(catalog X))`` against ``jit(optax X)``; HLO sizes;
* ``cases_numpy``  ``s.evaluate`` over 10M steps against hand-written numpy;
* ``cases_scalar`` ``s(t)`` in microseconds;
* ``cases_import`` ``import lrcore`` above a bare interpreter start.

``python benchmarks/run.py [--only torch,paddle,...] [--repeat R] [--smoke] [--out PATH]``;
``--smoke`` runs every case once at tiny sizes (the test suite does, so the suite cannot rot)
and asserts nothing about time. A group whose framework is not installed is skipped.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import importlib.util
import platform
import sys
import time
from pathlib import Path
from typing import Iterable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _timing import FULL, SMOKE, Config, Row, fmt_time, load  # noqa: E402

GROUPS = ("torch", "paddle", "optax", "numpy", "scalar", "import")
NEEDS = {"torch": "torch", "paddle": "paddle", "optax": "optax", "numpy": "numpy"}


def run_group(name: str, cfg: Config) -> list[Row]:
    module = importlib.import_module(f"cases_{name}")
    return list(module.rows(cfg))


def _value(v: float | None, unit: str) -> str:
    if v is None:
        return "-"
    if unit == "count":
        return str(int(v))
    return f"{fmt_time(v, unit)} {unit.replace('us', 'µs')}"


def _target(row: Row) -> str:
    if row.kind == "ratio":
        return f"ratio ≤ {row.limit:g}"
    if row.kind == "info":
        return "-"
    return f"≤ {_value(row.limit, row.unit)}"


def _met(row: Row) -> str:
    if row.kind == "info":
        return "-"
    if row.met:
        return "yes"
    return "no (by design¹)" if row.note else "**no**"


def table(rows: Iterable[Row]) -> str:
    lines = ["| case | lrcore | native | ratio | target | met |", "|---|---:|---:|---:|---|---|"]
    for r in rows:
        ratio = "-" if r.ratio is None else f"{r.ratio:.2f}"
        lines.append(f"| {r.group}: {r.case} | {_value(r.lrcore, r.unit)} | {_value(r.native, r.unit)} | {ratio} | "
                     f"{_target(r)} | {_met(r)} |")
    return "\n".join(lines)


def report(rows: list[Row], cfg: Config, seconds: float, skipped: list[str]) -> str:
    import lrcore

    versions = [f"lrcore {lrcore.__version__}", f"Python {platform.python_version()}"]
    for mod in ("numpy", "torch", "paddle", "jax", "optax"):
        m = sys.modules.get(mod)
        if m is not None:
            versions.append(f"{mod} {getattr(m, '__version__', '?')}")
    notes = sorted({r.note for r in rows if r.note and not r.met})
    met = sum(r.met for r in rows if r.kind != "info")
    total = sum(r.kind != "info" for r in rows)
    out = [
        "# lrcore benchmarks",
        "",
        "Written by `make bench` (`benchmarks/run.py`). lrcore and the native peer run alternately in one "
        f"process; each number is the median of {cfg.repeat} runs, ratio = lrcore / native (lower is better).",
        "",
        f"{', '.join(versions)}; {platform.machine()}, {load()} at the end; {seconds:.0f} s in all.",
        f"Targets met: {met} of {total}." + (f" Skipped (not installed): {', '.join(skipped)}." if skipped else ""),
        "",
        table(rows),
    ]
    for i, n in enumerate(notes, 1):
        out += ["", f"¹ {n}" if i == 1 else f"{i}. {n}"]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(GROUPS), help=f"comma-separated groups ({', '.join(GROUPS)})")
    parser.add_argument("--repeat", type=int, default=None, help="runs per comparison (medians over them)")
    parser.add_argument("--smoke", action="store_true", help="every case once, tiny sizes; writes nothing by default")
    parser.add_argument("--out", default=None, help="where to write the report (default benchmarks/RESULTS.md; "
                                                    "'-' for nowhere)")
    args = parser.parse_args(argv)
    cfg = SMOKE if args.smoke else FULL
    if args.repeat is not None:
        cfg = dataclasses.replace(cfg, repeat=args.repeat)
    groups = [g.strip() for g in args.only.split(",") if g.strip()]
    unknown = [g for g in groups if g not in GROUPS]
    if unknown:
        parser.error(f"unknown groups {unknown}; known: {', '.join(GROUPS)}")
    t0 = time.perf_counter()
    rows: list[Row] = []
    skipped: list[str] = []
    for g in groups:
        need = NEEDS.get(g)
        if need is not None and importlib.util.find_spec(need) is None:
            skipped.append(g)
            continue
        t = time.perf_counter()
        got = run_group(g, cfg)
        rows += got
        if not args.smoke:
            print(f"{g}: {len(got)} rows in {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
    text = report(rows, cfg, time.perf_counter() - t0, skipped)
    out = args.out if args.out is not None else ("-" if args.smoke else str(HERE / "RESULTS.md"))
    if out != "-":
        Path(out).write_text(text, encoding="utf-8")
    if not args.smoke:
        print(text)
    return rows


if __name__ == "__main__":
    main()
