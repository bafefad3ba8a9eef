"""examples/torch_train.py runs as a script and prints what it claims (expectations from the formulas)."""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "examples" / "torch_train.py"
PEAK, END = 3e-3, 3e-5
KEY_NAMES = ["start", "warmup end - 1", "warmup end", "checkpoint", "middle of decay", "last step"]


def run(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=180, check=False)


def expected_lr(t: int, steps: int) -> float:
    """Linear warmup 0 -> PEAK over 10% of the steps, then cosine PEAK -> END, then END."""
    warmup = max(1, steps // 10)
    if t < warmup:
        return PEAK * t / warmup
    decay = max(1, steps - warmup)
    u = min(t - warmup, decay)
    return END + (PEAK - END) * 0.5 * (1.0 + math.cos(math.pi * u / decay))


@pytest.mark.parametrize("args, steps", [(["--fast"], 60), (["--steps", "123"], 123)])
def test_torch_train_resumes_bitwise(args, steps):
    proc = run(*args)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    warmup, ckpt = max(1, steps // 10), steps // 2

    # the phases of the schedule
    header = next(i for i, ln in enumerate(lines) if ln.split()[:3] == ["start", "end", "kind"])
    phases = [ln.split()[:2] for ln in lines[header + 1: header + 4]]
    assert phases == [["0", str(warmup)], [str(warmup), str(steps)], [str(steps), "inf"]]

    # the checkpoint, and the resume at the same step
    assert f"checkpoint at step {ckpt}: scheduler state" in proc.stdout
    m = re.search(r"^resumed at step (\d+) with lr (\S+)$", proc.stdout, re.M)
    assert m and int(m.group(1)) == ckpt
    assert float(m.group(2)) == pytest.approx(expected_lr(ckpt, steps), rel=1e-9)

    # the key steps: the lr used is the formula's value
    pattern = re.compile(r"^(" + "|".join(re.escape(n) for n in KEY_NAMES) + r")\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)$")
    rows = [m.groups() for m in map(pattern.match, lines) if m]
    want_steps = [0, warmup - 1, warmup, ckpt, warmup + (steps - warmup) // 2, steps - 1]
    assert [(r[0], int(r[1])) for r in rows] == list(zip(KEY_NAMES, want_steps))
    for name, t, used, sched, loss in rows:
        assert float(used) == float(sched) == pytest.approx(expected_lr(int(t), steps), rel=1e-9, abs=1e-15), name
        assert math.isfinite(float(loss))

    # the claims
    for claim in ["lrs equal the schedule at every step", "resumed lrs equal uninterrupted",
                  "resumed losses equal uninterrupted", "resumed parameters equal uninterrupted (bitwise)"]:
        assert f"{claim}: True" in lines
    first, last = re.search(r"^loss: (\S+) at step 0 -> (\S+) at step \d+$", proc.stdout, re.M).groups()
    assert float(last) < float(first)


def test_torch_train_rejects_too_few_steps():
    proc = run("--steps", "3")
    assert proc.returncode == 2
    assert "--steps must be >= 4" in proc.stderr
