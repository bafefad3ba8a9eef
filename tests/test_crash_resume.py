"""Crash and resume: a training process SIGKILLed right after a checkpoint resumes to the same numbers.

For torch (ScheduleLR + AdamW), paddle (ScheduleLR + AdamW) and JAX (optax.adamw through
inject_hyperparams + as_schedule), `resume_worker.py` runs in a subprocess and checkpoints
atomically after every update (temporary file, fsync, ``os.replace``). Each chain:

1. an uninterrupted run (the reference);
2. a run killed by SIGKILL from inside right after checkpoint K1 (random);
3. a restart that resumes at K1 and is SIGKILLed by the parent right after checkpoint K2 > K1
   (random), with a torn temporary file left beside the checkpoint;
4. a restart that resumes at K2 and finishes.

The rates used at every update and the final parameters equal the reference exactly (the
rates also equal ``s(t)``: float64 in torch and paddle, float32 in JAX). After the first crash, a
restart under a schedule with one field changed is refused (torch and paddle: ScheduleChangedError
naming the field; JAX: the script's own fingerprint check, optax states holding no schedule) and
leaves the checkpoint untouched. In torch and paddle a second chain restarts each time under that
changed schedule with ``on_change="checkpoint"``: the rates follow the checkpoint's schedule, bit
for bit as the uninterrupted run of it. The crash steps come from ``LRCORE_CRASH_SEED`` (random if unset, shown
on failure); ``LRCORE_CRASH_ROUNDS`` (default 2, 8 under HYPOTHESIS_PROFILE=long) sets how many
crashes each chain takes.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import lrcore

WORKER = Path(__file__).with_name("resume_worker.py")
ROOT = WORKER.parent.parent
TOTAL = 40
LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
ROUNDS = int(os.environ.get("LRCORE_CRASH_ROUNDS", "8" if LONG else "2"))
SEED = int(os.environ.get("LRCORE_CRASH_SEED", str(random.SystemRandom().randrange(2**32))))

SCHEDULES = {
    "torch": lrcore.Warmup(lrcore.Restart(lrcore.Cosine(start_value=0.05, steps=10, end_value=1e-3),
                                          period_steps=10, period_mult=1.5, decay=0.7), warmup_steps=5),
    "paddle": lrcore.WSD(peak_value=0.05, warmup_steps=6, stable_steps=14, decay_steps=15, end_value=1e-4,
                         decay_shape="1-sqrt"),
    "jax": lrcore.Sequential(parts=[lrcore.Linear(start_value=0.0, end_value=0.05, steps=7),
                                    lrcore.OneCycle(peak_value=0.05, total_steps=30, three_phase=True)]),
}

OTHER = {  # the same schedule with one field changed
    "torch": lrcore.from_config({**SCHEDULES["torch"].to_config(), "warmup_steps": 6}),
    "paddle": lrcore.from_config({**SCHEDULES["paddle"].to_config(), "peak_value": 0.06}),
    "jax": lrcore.Sequential(parts=[SCHEDULES["jax"].parts[0], SCHEDULES["jax"].parts[1] * 1.0]),
}
REFUSAL = {"torch": "ScheduleChangedError", "paddle": "ScheduleChangedError", "jax": "checkpoint written under schedule"}
REFUSAL_FIELD = {"torch": "schedule.warmup_steps: 5 -> 6", "paddle": "schedule.peak_value: 0.05 -> 0.06"}


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    env.setdefault("JAX_PLATFORMS", "cpu")
    env.setdefault("CUDA_VISIBLE_DEVICES", "")
    env["OMP_NUM_THREADS"] = "1"
    return env


def _cmd(framework: str, schedule: lrcore.Schedule, ckpt: Path, out: Path, **crash) -> list[str]:
    cmd = [sys.executable, str(WORKER), framework, "--schedule", lrcore.dumps(schedule), "--ckpt", str(ckpt),
           "--out", str(out), "--total", str(TOTAL)]
    for k, v in crash.items():
        cmd += [f"--{k.replace('_', '-')}", str(v)]
    return cmd


def run(framework: str, schedule: lrcore.Schedule, ckpt: Path, out: Path, **crash) -> subprocess.CompletedProcess:
    return subprocess.run(_cmd(framework, schedule, ckpt, out, **crash), capture_output=True, text=True,
                          env=_env(), timeout=300, cwd=ROOT)


def run_and_kill(framework: str, schedule: lrcore.Schedule, ckpt: Path, out: Path, k: int, **kw) -> tuple[int, str]:
    """Start the worker, read its output until it reports checkpoint k, SIGKILL it from here."""
    proc = subprocess.Popen(_cmd(framework, schedule, ckpt, out, crash_at=k, crash_how="parent", **kw),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(), cwd=ROOT)
    lines = []
    try:
        for line in proc.stdout:  # type: ignore[union-attr]
            lines.append(line)
            if line.strip() == f"checkpointed {k}":
                proc.send_signal(signal.SIGKILL)
                break
        rc = proc.wait(timeout=300)
    finally:
        if proc.poll() is None:  # pragma: no cover - only if the worker hung
            proc.kill()
            proc.wait()
    err = proc.stderr.read() if proc.stderr else ""  # type: ignore[union-attr]
    return rc, "".join(lines) + err


def crash_points(rng: random.Random) -> list[int]:
    return sorted(rng.sample(range(1, TOTAL), ROUNDS))


@pytest.mark.parametrize("framework", ["torch", "paddle", "jax"])
def test_killed_after_a_checkpoint_resumes_to_the_same_numbers(framework: str, tmp_path: Path) -> None:
    pytest.importorskip({"torch": "torch", "paddle": "paddle", "jax": "optax"}[framework])
    s = SCHEDULES[framework]
    rng = random.Random(f"{SEED}-{framework}")
    ks = crash_points(rng)
    where = f"(LRCORE_CRASH_SEED={SEED}, crashes after checkpoints {ks})"

    ref = run(framework, s, tmp_path / "ref.ckpt", tmp_path / "ref.json")
    assert ref.returncode == 0, ref.stderr + where
    expected = json.loads((tmp_path / "ref.json").read_text())

    ckpt, out = tmp_path / "run.ckpt", tmp_path / "run.json"
    resumed_at = 0
    for i, k in enumerate(ks):
        if i % 2 == 0:  # the worker kills itself right after checkpoint k
            p = run(framework, s, ckpt, out, crash_at=k, crash_how="self")
            rc, text = p.returncode, p.stdout + p.stderr
        else:  # the parent kills it as soon as it reports checkpoint k
            (tmp_path / "run.ckpt.tmp").write_bytes(b"\x80torn half-written checkpoint")  # a crash mid-write
            rc, text = run_and_kill(framework, s, ckpt, out, k)
        assert rc == -signal.SIGKILL, text + where
        assert f"checkpointed {k}" in text, text + where
        assert (f"resumed at {resumed_at}" in text) == (resumed_at > 0), text + where
        assert ckpt.exists() and not out.exists(), where
        resumed_at = k
        if i == 0:  # a restart under another schedule is refused and leaves the checkpoint as it was
            before = ckpt.read_bytes()
            p = run(framework, OTHER[framework], ckpt, out)
            assert p.returncode != 0 and not out.exists(), p.stdout + p.stderr
            assert REFUSAL[framework] in p.stderr and REFUSAL_FIELD.get(framework, "") in p.stderr, p.stderr
            assert ckpt.read_bytes() == before
    final = run(framework, s, ckpt, out)
    assert final.returncode == 0, final.stderr + where
    assert f"resumed at {ks[-1]}" in final.stdout, final.stdout + where
    got = json.loads(out.read_text())

    assert got["lrs"] == expected["lrs"], where  # the rate of every update, bit for bit
    assert got["params"] == expected["params"], where  # the final parameters, bit for bit
    want = [s(t) for t in range(TOTAL)]
    if framework == "jax":  # float32 rates, computed in float32 (jax's default precision): a few float32 ulp
        np.testing.assert_allclose(expected["lrs"], want, rtol=4 * 2.0**-24, atol=1e-12)
    else:
        assert expected["lrs"] == want
    assert len(set(expected["lrs"])) > TOTAL // 2  # the schedule really moves during the run


@pytest.mark.parametrize("framework", ["torch", "paddle"])
def test_killed_and_resumed_under_on_change_checkpoint_follows_the_checkpoint(framework: str, tmp_path: Path) -> None:
    """Every restart runs with a changed schedule in the code (OTHER) and on_change="checkpoint": the run
    goes on with the schedule the checkpoint holds (and writes it into the next checkpoints), so the
    rates and final parameters equal the uninterrupted run of the original schedule, bit for bit."""
    pytest.importorskip(framework)
    s, other = SCHEDULES[framework], OTHER[framework]
    rng = random.Random(f"{SEED}-{framework}-checkpoint")
    ks = crash_points(rng)
    where = f"(LRCORE_CRASH_SEED={SEED}, crashes after checkpoints {ks})"

    ref = run(framework, s, tmp_path / "ref.ckpt", tmp_path / "ref.json")
    assert ref.returncode == 0, ref.stderr + where
    expected = json.loads((tmp_path / "ref.json").read_text())

    ckpt, out = tmp_path / "run.ckpt", tmp_path / "run.json"
    p = run(framework, s, ckpt, out, crash_at=ks[0], crash_how="self")  # the first run, under s
    assert p.returncode == -signal.SIGKILL and f"checkpointed {ks[0]}" in p.stdout, p.stdout + p.stderr + where
    for i, k in enumerate(ks[1:], 1):  # restarts under the changed schedule, killed again
        if i % 2:
            (tmp_path / "run.ckpt.tmp").write_bytes(b"\x80torn half-written checkpoint")
            rc, text = run_and_kill(framework, other, ckpt, out, k, on_change="checkpoint")
        else:
            p = run(framework, other, ckpt, out, crash_at=k, crash_how="self", on_change="checkpoint")
            rc, text = p.returncode, p.stdout + p.stderr
        assert rc == -signal.SIGKILL and f"resumed at {ks[i - 1]}" in text and f"checkpointed {k}" in text, text + where
    final = run(framework, other, ckpt, out, on_change="checkpoint")
    assert final.returncode == 0, final.stderr + where
    assert f"resumed at {ks[-1]}" in final.stdout, final.stdout + where
    got = json.loads(out.read_text())

    assert got["lrs"] == expected["lrs"], where  # the checkpoint's schedule, bit for bit
    assert got["params"] == expected["params"], where
    assert expected["lrs"] == [s(t) for t in range(TOTAL)]
    assert [other(t) for t in range(TOTAL)] != expected["lrs"]  # the code's schedule differs
