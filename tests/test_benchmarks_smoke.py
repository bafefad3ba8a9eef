"""The benchmark suite runs: every case of benchmarks/run.py once, at tiny sizes (``--smoke``).

Nothing about time is asserted (the numbers are in benchmarks/RESULTS.md, from ``make bench``);
this keeps the cases from rotting as the API moves: each one still builds its schedules, checks
its hand-written forms against lrcore's values, and renders its row. It runs in a fresh
interpreter, as ``make bench`` does (the cases set jax's x64 flag and warning filters).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# One row per case, so a case that silently disappears is noticed too.
EXPECTED = {"torch": 30, "paddle": 18, "optax": 26, "numpy": 6, "scalar": 7, "import": 2}
NEEDS = {"torch": "torch", "paddle": "paddle", "optax": "optax", "numpy": "numpy"}


def test_every_benchmark_case_runs_once(tmp_path):
    out = tmp_path / "RESULTS.md"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--smoke", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    text = out.read_text(encoding="utf-8")
    assert "| case | lrcore | native | ratio | target | met |" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| case")]
    for group, n in EXPECTED.items():
        need = NEEDS.get(group)
        if need is not None and importlib.util.find_spec(need) is None:
            assert f"| {group}: " not in text
            continue
        got = [r for r in rows if r.startswith(f"| {group}: ")]
        assert len(got) == n, (group, len(got), got)
        for r in got:
            cells = [c.strip() for c in r.strip("|").split("|")]
            assert len(cells) == 6 and cells[5] in ("yes", "**no**", "no (by design¹)", "-"), r
