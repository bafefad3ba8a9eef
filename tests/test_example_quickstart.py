"""examples/quickstart.py runs as a script and prints what it claims (expectations from the formulas)."""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "examples" / "quickstart.py"
BLOCKS = set(" ▁▂▃▄▅▆▇█")
KEY_NAMES = ["start", "warmup end - 1", "warmup end", "middle of decay", "end", "past the end"]


def run_example(*args: str) -> list[str]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    proc = subprocess.run([sys.executable, str(QUICKSTART), *args], capture_output=True, cwd=ROOT,
                          env=env, timeout=120, check=False)
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 0, stderr
    return proc.stdout.decode("utf-8").splitlines()


def expected_value(t: int, peak: float, end: float, warmup: int, decay: int) -> float:
    """Linear warmup 0 -> peak over `warmup` steps, then cosine peak -> end over `decay`, then end."""
    if t < warmup:
        return peak * t / warmup
    u = min(t - warmup, decay)
    return end + (peak - end) * 0.5 * (1.0 + math.cos(math.pi * u / decay))


def key_table(lines: list[str]) -> list[tuple[str, int, float]]:
    pattern = re.compile(r"^(" + "|".join(re.escape(n) for n in KEY_NAMES) + r")\s+(\d+)\s+(\S+)$")
    rows = [m.groups() for m in map(pattern.match, lines) if m]
    return [(name, int(step), float(value)) for name, step, value in rows]


@pytest.mark.parametrize("steps", [None, 20, 2345])
def test_quickstart_prints_phases_key_values_and_chart(steps):
    lines = run_example(*([] if steps is None else ["--steps", str(steps)]))
    total = 10_000 if steps is None else steps
    warmup, decay = max(1, total // 10), total - max(1, total // 10)
    peak, end = 3e-4, 3e-5

    # the phases table
    header = next(i for i, ln in enumerate(lines) if ln.split()[:3] == ["start", "end", "kind"])
    phases = [ln.split() for ln in lines[header + 1: header + 4]]
    assert [p[:2] for p in phases] == [["0", str(warmup)], [str(warmup), str(total)], [str(total), "inf"]]
    assert phases[0][2:4] == ["warmup", "linear"] and phases[1][2] == "cosine" and phases[2][2] == "constant"

    # the key values, against the formula
    rows = key_table(lines)
    mid = warmup + decay // 2
    assert [(n, t) for n, t, _ in rows] == list(zip(KEY_NAMES, [0, warmup - 1, warmup, mid, total, total + total // 5]))
    for name, t, value in rows:
        want = expected_value(t, peak, end, warmup, decay)
        assert value == pytest.approx(want, rel=1e-6, abs=1e-15), (name, t)
    assert rows[0][2] == 0.0
    assert rows[2][2] == pytest.approx(peak, rel=1e-6)
    assert rows[4][2] == pytest.approx(end, rel=1e-6) and rows[5][2] == pytest.approx(end, rel=1e-6)

    # the chart: 12 rows of 60 cells, an axis line, a label line; these are the last 14 lines
    chart = lines[-14:]
    assert len([ln for ln in lines if "┤" in ln]) == 12
    rows_, axis, labels = chart[:12], chart[12], chart[13]
    cells = [r.split("┤", 1)[1] for r in rows_]
    assert all(len(c) == 60 and set(c) <= BLOCKS | {"░"} for c in cells)  # ░: swept within a column
    assert sum(ch in "▁▂▃▄▅▆▇█" for c in cells for ch in c) > 60
    assert "█" in "".join(cells)
    assert rows_[0].split("┤")[0].strip() == f"{peak:.2e}"
    assert rows_[-1].split("┤")[0].strip() == f"{0.0:.2e}"
    assert all(not r.split("┤")[0].strip() for r in rows_[1:-1])
    assert axis.strip() == "└" + "─" * 60
    last_step = total + total // 10
    assert labels.split() == ["0", str(last_step)]

    # column heights (each column's largest value over the steps nearest to it) follow the
    # schedule: the first column reaches the value at its last step, full height at the peak,
    # never rising after the peak
    last_step = total + total // 10
    first_column_end = 1 if last_step < 59 else -(-last_step // (2 * 59))  # steps t with t * 59 / last < 1/2
    heights = [sum(BLOCK_LEVEL[ch] for ch in col) for col in zip(*cells)]
    assert heights[0] == round(expected_value(first_column_end - 1, peak, end, warmup, decay) / peak * 8 * 12)
    assert max(heights) == 8 * 12
    top = heights.index(max(heights))
    assert all(a >= b for a, b in zip(heights[top:], heights[top + 1:]))
    want_end = round((end - 0.0) / (peak - 0.0) * 8 * 12)
    assert heights[-1] == want_end


BLOCK_LEVEL = {ch: i for i, ch in enumerate(" ▁▂▃▄▅▆▇█")} | {"░": 8}


def test_quickstart_rejects_too_few_steps():
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    proc = subprocess.run([sys.executable, str(QUICKSTART), "--steps", "1"], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120, check=False)
    assert proc.returncode == 2
    assert "--steps must be >= 2" in proc.stderr
