"""examples/hf_trainer.py: the HF Trainer logs exactly the catalog schedule's lr, at the step it was used."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("accelerate")

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "examples" / "hf_trainer.py"
LR, STEPS, WARMUP = 1e-3, 12, 3


def cosine_with_warmup(t: int) -> float:
    """transformers' get_cosine_schedule_with_warmup lambda (num_cycles=0.5) times the lr."""
    if t < WARMUP:
        return LR * t / WARMUP
    p = (t - WARMUP) / (STEPS - WARMUP)
    return LR * 0.5 * (1.0 + math.cos(math.pi * p))


def test_trainer_logs_the_schedule_of_the_step_just_taken():
    env = dict(os.environ, PYTHONIOENCODING="utf-8", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    proc = subprocess.run([sys.executable, str(SCRIPT), "--steps", str(STEPS), "--warmup", str(WARMUP)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.split()[:1] == ["step"]) + 1
    rows = [ln.split() for ln in lines[start:start + STEPS]]
    assert [int(r[0]) for r in rows] == list(range(1, STEPS + 1))  # logging_steps=1: every step
    for r in rows:
        step, logged, mine, theirs = int(r[0]), float(r[1]), float(r[2]), float(r[3])
        # transformers 5.x reads get_last_lr() after optimizer.step() and before lr_scheduler.step():
        # the entry of step g (after g updates) is the lr update g - 1 used
        assert logged == mine, r
        assert logged == pytest.approx(cosine_with_warmup(step - 1), rel=1e-12, abs=1e-18), r
        assert logged == pytest.approx(theirs, rel=1e-12, abs=1e-18), r
        if step < STEPS:
            assert logged != pytest.approx(cosine_with_warmup(step), rel=1e-6)  # not the next step's lr
    assert float(rows[0][1]) == 0.0 and float(rows[WARMUP][1]) == LR  # warmup starts at 0, peaks at step W + 1
    assert f"{STEPS} logged steps, 0 differing" in proc.stdout
