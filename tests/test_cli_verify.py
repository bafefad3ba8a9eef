"""`lrcore verify` as a real subprocess against the real installed peers: exit codes and report lines.

Each case runs the command, which builds the peer's own scheduler (torch, paddle, optax,
transformers, keras in its own subprocess) from the catalog call's arguments. Expected
differences come from the catalog tests' measured bounds, not from the code under test.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NUM = r"[-+0-9.e]+|nan|inf"


def run(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8", JAX_PLATFORMS="cpu")
    return subprocess.run([sys.executable, "-m", "lrcore", "verify", *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=ROOT, env=env, timeout=300, check=False)


def needs(*modules: str):
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    return pytest.mark.skipif(bool(missing), reason=f"not installed: {missing}")


def report(proc: subprocess.CompletedProcess, code: int) -> dict:
    """The report's lines by their label (the text before the first ': '), after checking the exit code."""
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    return {ln.split(": ", 1)[0]: ln.split(": ", 1)[1] for ln in lines if ": " in ln}


def check_equal(r: dict, peer: str, last: int) -> None:
    assert re.fullmatch(re.escape(peer) + r" \(\S+ \S+\)", r["peer"]), r["peer"]
    assert r["steps"].startswith(f"0..{last}")
    assert r["first step beyond tolerance"] == "none"
    assert r["result"] == "equal within tolerance"
    m = re.fullmatch(rf"({NUM}) at step (\d+) \(peer ({NUM}), lrcore ({NUM})\)|0 \(identical .*\)",
                     r["largest absolute difference"])
    assert m, r["largest absolute difference"]
    if m.group(1):
        d, p, o = float(m.group(1)), float(m.group(3)), float(m.group(4))
        assert abs(abs(p - o) - d) <= 1e-6 * d and d <= 1e-12 * abs(p)  # full-precision values, within rtol


# -------------------------------------------------------------------- exit 0, one per installed peer

@needs("torch")
@pytest.mark.parametrize("spec, peer, last", [
    ("torch.CosineAnnealingLR(lr=0.1, T_max=100)", "torch.optim.lr_scheduler.CosineAnnealingLR", 100),
    ("torch.SequentialLR(schedulers=[torch.LinearLR(lr=1.0, start_factor=0.1, total_iters=5), "
     "torch.CosineAnnealingLR(lr=1.0, T_max=10)], milestones=[5])", "torch.optim.lr_scheduler.SequentialLR", 100),
    ("torch.CyclicLR_momentum(base_lr=0.01, max_lr=0.1, step_size_up=5)", "torch.optim.lr_scheduler.CyclicLR", 100),
    ("torch.ReduceLROnPlateau(lr=0.1, patience=2, factor=0.5)", "torch.optim.lr_scheduler.ReduceLROnPlateau", 200),
])
def test_torch_equal(spec, peer, last):
    check_equal(report(run(spec, "--steps", str(last)), 0), peer, last)


@needs("torch")
def test_torch_one_cycle_stops_past_total_steps_and_is_noted():
    r = report(run("torch.OneCycleLR(max_lr=0.1, total_steps=100)", "--steps", "150"), 0)
    assert r["steps"] == "0..150 (peer stopped after step 100)"
    assert re.fullmatch(r"the peer stopped at step 101: ValueError: Tried to step 101 times.*", r["note"])
    assert r["result"] == "equal within tolerance"


@needs("paddle")
def test_paddle_equal():
    check_equal(report(run("paddle.CosineAnnealingDecay(learning_rate=0.1, T_max=50)", "--steps", "80"), 0),
                "paddle.optimizer.lr.CosineAnnealingDecay", 80)
    spec = ("paddle.LinearWarmup(learning_rate=paddle.CosineAnnealingDecay(learning_rate=0.1, T_max=50), "
            "warmup_steps=5, start_lr=0.0, end_lr=0.1)")
    check_equal(report(run(spec, "--steps", "60"), 0), "paddle.optimizer.lr.LinearWarmup", 60)


@needs("jax", "optax")
def test_optax_equal():
    spec = "optax.warmup_cosine_decay_schedule(init_value=0.0, peak_value=0.1, warmup_steps=10, decay_steps=100)"
    check_equal(report(run(spec), 0), "optax.warmup_cosine_decay_schedule", 110)


@needs("torch", "transformers")
def test_transformers_equal():
    spec = "transformers.get_cosine_schedule_with_warmup(lr=0.1, num_warmup_steps=10, num_training_steps=100)"
    check_equal(report(run(spec), 0), "transformers.optimization.get_cosine_schedule_with_warmup", 100)
    r = report(run('transformers.get_scheduler(name="linear", lr=0.1, num_warmup_steps=10, num_training_steps=100)'), 0)
    check_equal(r, "transformers.optimization.get_scheduler", 110)


@needs("keras", "jax")
def test_keras_equal_in_its_own_process():
    spec = "keras.ExponentialDecay(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.9)"
    check_equal(report(run(spec), 0), "keras.optimizers.schedules.ExponentialDecay", 100)


# -------------------------------------------------------------------- documented deviations: exit 0

@needs("torch")
def test_torch_cosine_drift_beyond_rtol_zero_is_the_documented_deviation():
    # torch's recursive cosine drifts by rounding (PEERS.md 2a): with --rtol 0 every drifted step is beyond
    # tolerance, and each is within the documented bound, so the result is the documented deviation.
    r = report(run("torch.CosineAnnealingLR(lr=1.0, T_max=100)", "--steps", "2000", "--rtol", "0"), 0)
    m = re.fullmatch(rf"(\d+) \(peer ({NUM}), lrcore ({NUM})\); (\d+) steps in all", r["first step beyond tolerance"])
    assert m and float(m.group(2)) != float(m.group(3)) and int(m.group(4)) > 100
    assert r["result"] == "documented deviation (torch.CosineAnnealingLR): every step beyond tolerance is within it"
    assert "recursive" in r["explanation"] and "measured: 2.2e-11 of lr" in r["explanation"]
    d = float(re.match(NUM, r["largest absolute difference"]).group(0))
    assert 1e-14 < d < 1e-11  # measured 2.3e-13 at step 2000 (torch 1.0000000000002258, lrcore 1.0)


@needs("torch")
def test_torch_chained_cosine_past_t_max_is_the_documented_limit():
    spec = ("torch.ChainedScheduler(schedulers=[torch.ExponentialLR(lr=1.0, gamma=0.9), "
            "torch.CosineAnnealingLR(lr=1.0, T_max=4)])")
    r = report(run(spec, "--steps", "30"), 0)
    assert r["first step beyond tolerance"].startswith("5 (")  # T_max + 1: torch drops the other factors
    assert r["result"].startswith("documented deviation (torch.ChainedScheduler)")
    assert "drops the other factors" in r["explanation"]


@needs("torch")
def test_torch_overflow_to_inf_is_the_documented_deviation():
    r = report(run("torch.ExponentialLR(lr=1.0, gamma=2.0)", "--steps", "1030"), 0)
    assert r["first step beyond tolerance"] == "1024 (peer inf, lrcore 8.98846567431158e+307); 7 steps in all"
    assert r["result"].startswith("documented deviation (torch.ExponentialLR)") and "overflows" in r["explanation"]


@needs("jax", "optax")
def test_optax_staircase_slip_is_the_documented_deviation():
    r = report(run("optax.exponential_decay(init_value=1.0, transition_steps=49, decay_rate=0.5, staircase=True)"), 0)
    assert r["first step beyond tolerance"] == "49 (peer 1.0, lrcore 0.5); 2 steps in all"
    assert r["largest absolute difference"] == "5.000000e-01 at step 49 (peer 1.0, lrcore 0.5)"
    assert "floor((t - B) * (1 / T))" in r["explanation"]


@needs("keras", "jax")
def test_keras_cosine_is_float32_accurate_as_documented():
    r = report(run("keras.CosineDecay(initial_learning_rate=0.1, decay_steps=100)"), 0)
    rel = float(re.match(NUM, r["largest relative difference"]).group(0))
    assert 1e-9 < rel < 1e-4  # float32 cosine: far beyond 1e-12, within float32 rounding
    assert r["result"].startswith("documented deviation (keras.CosineDecay)")
    assert "float32" in r["explanation"]


# -------------------------------------------------------------------- exit 1: different

@needs("torch")
def test_different_beyond_tolerance_without_a_documented_deviation():
    # ExponentialLR is bit-exact in torch up to its own rounding of gamma**t (a few ulp): with
    # --rtol 0 those ulp are beyond tolerance, and ExponentialLR documents no rounding deviation.
    r = report(run("torch.ExponentialLR(lr=0.1, gamma=0.9)", "--steps", "300", "--rtol", "0"), 1)
    m = re.fullmatch(rf"step (\d+) \(peer ({NUM}), lrcore ({NUM})\): not explained by the documented deviation "
                     r"of torch\.ExponentialLR", r["unexplained"])
    assert m and float(m.group(2)) != float(m.group(3))
    assert r["result"] == "different"


@needs("torch")
def test_atol_lets_the_same_case_pass():
    r = report(run("torch.ExponentialLR(lr=0.1, gamma=0.9)", "--steps", "300", "--rtol", "0", "--atol", "1e-15"), 0)
    assert r["result"] == "equal within tolerance"
    assert r["tolerance"] == "|peer - lrcore| <= 1e-15 + 0.0 * |peer|"


# -------------------------------------------------------------------- exit 2 and 3

@pytest.mark.parametrize("spec, match", [
    ("lrcore.Cosine(start_value=0.1, steps=100)", r"verify needs a catalog call such as torch\.CosineAnnealingLR"),
    ('{"type": "Constant", "value": 0.5}', r"verify needs a catalog call"),
    ("torch.NoSuch(lr=1)", r"torch has no schedule 'NoSuch'"),
    ("torch.StepLR(lr=0.1, step_size=0)", r"StepLR: `step_size` must be an int >= 1"),
    ("__import__('os').system('x')", r"is not a dotted name"),
])
def test_bad_spec_exit_2(spec, match):
    proc = run(spec)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert re.search(r"^lrcore verify: error: .*" + match, proc.stderr, re.M), proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_bad_tolerance_exit_2():
    proc = run("torch.StepLR(lr=0.1, step_size=2)", "--rtol", "-1")
    assert proc.returncode == 2 and re.search(r"--rtol: must be a finite number >= 0", proc.stderr)


@pytest.mark.skipif(importlib.util.find_spec("timm") is not None, reason="timm is installed here")
def test_missing_peer_exit_3_names_the_package():
    proc = run("timm.CosineLRScheduler(lr=0.1, t_initial=10)")
    assert proc.returncode == 3, (proc.stdout, proc.stderr)
    assert re.fullmatch(r"lrcore verify: the peer of catalog 'timm' needs 'timm', which is not installed: "
                        r"pip install timm\n", proc.stderr), proc.stderr
    assert proc.stdout == ""


def test_import_lrcore_and_the_cli_stay_light():
    code = ("import sys, lrcore, lrcore._cli, lrcore.adapters._verify; "
            "print(sorted(m for m in ('torch', 'paddle', 'jax', 'optax', 'keras', 'transformers', 'numpy') "
            "if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
