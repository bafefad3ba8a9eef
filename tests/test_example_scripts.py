"""The other example scripts (same_schedule_everywhere, resume_from_checkpoint, epoch_vs_iteration,
migrate_from_peer, plotting, custom_node) run and print what they claim (expectations from the formulas)."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def run(script: str, *args: str, cwd: Path = ROOT) -> list[str]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    proc = subprocess.run([sys.executable, str(EXAMPLES / script), *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout.splitlines()


def rel(a: float, b: float) -> float:
    return abs(a - b) / max(abs(a), abs(b)) if a != b else 0.0


# -- same_schedule_everywhere.py (make demo) ---------------------------------------------------

def wsd(t: int) -> float:
    """examples/schedule.json: 0 -> 0.01 over 20 steps, 0.01 for 100, then 1-sqrt down to 1e-4 over 80."""
    if t < 20:
        return 0.01 * t / 20
    if t < 120:
        return 0.01
    p = min(t - 120, 80) / 80
    return 1e-4 + (1 - math.sqrt(p)) * (0.01 - 1e-4)


def test_same_schedule_everywhere():
    for mod in ("torch", "paddle", "jax", "optax"):
        pytest.importorskip(mod)
    lines = run("same_schedule_everywhere.py")
    assert lines[0] == "config: schedule.json"

    # the key steps, side by side: schedule, torch, paddle, jax
    pattern = re.compile(r"^(.+?)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)$")
    header = next(i for i, ln in enumerate(lines) if ln.split()[:2] == ["step", "schedule"])
    rows = [pattern.match(ln).groups() for ln in lines[header + 1: header + 7]]
    assert [(name, int(t)) for name, t, *_ in rows] == [
        ("warmup linear start", 0), ("warmup linear end", 19), ("stable start", 20), ("stable end", 119),
        ("decay 1-sqrt start", 120), ("decay 1-sqrt end", 199)]
    for name, t, *values in rows:
        for v in values:
            assert float(v) == pytest.approx(wsd(int(t)), rel=1e-6, abs=1e-15), (name, values)

    # every step, every framework: the claims, and training happened
    for k in ("torch", "paddle", "jax"):
        m = re.search(rf"^{k}: the 200 rates equal the schedule: True \(largest relative difference (\S+?)(, bitwise)?\); "
                      r"loss (\S+) -> (\S+)$", "\n".join(lines), re.M)
        assert m, (k, lines)
        assert float(m.group(1)) <= 1e-12
        assert float(m.group(4)) < float(m.group(3))
    assert re.search(r"^torch: .*bitwise", "\n".join(lines), re.M)  # s(t) itself: Python floats
    assert re.search(r"^paddle: .*bitwise", "\n".join(lines), re.M)

    # the chart (220 steps: the duration plus 10%)
    cells = [ln.split("┤", 1)[1] for ln in lines if "┤" in ln]
    assert len(cells) == 12 and all(len(c) == 60 for c in cells)
    assert lines[-1].split() == ["0", "220"]
    assert lines[-14].split("┤")[0].strip() == "1.00e-02"


# -- resume_from_checkpoint.py ------------------------------------------------------------------

def warmup_cosine(t: int, steps: int, peak: float = 1e-2, end: float = 1e-4) -> float:
    w = max(1, steps // 10)
    if t < w:
        return peak * t / w
    u = min(t - w, steps - w)
    return end + (peak - end) * 0.5 * (1 + math.cos(math.pi * u / (steps - w)))


def test_resume_from_checkpoint():
    pytest.importorskip("torch")
    steps, half = 80, 40
    lines = run("resume_from_checkpoint.py", "--steps", str(steps))
    text = "\n".join(lines)
    assert re.search(rf"^checkpoint at step {half}: scheduler last_epoch {half}, fingerprint [0-9a-f]{{16}}$", text, re.M)
    m = re.search(r"^resumed in a fresh process \(pid (\d+)\) at step (\d+) with lr (\S+)$", text, re.M)
    assert m and int(m.group(1)) != os.getpid() and int(m.group(2)) == half
    assert float(m.group(3)) == pytest.approx(warmup_cosine(half, steps), rel=1e-9)
    for claim in ["resumed lrs equal uninterrupted", "resumed losses equal uninterrupted",
                  "resumed parameters equal uninterrupted (bitwise)", "lrs equal the schedule at every step"]:
        assert f"{claim}: True" in lines
    first, last = map(float, re.search(r"^loss: (\S+) at step 0 -> (\S+) at step 79$", text, re.M).groups())
    assert last < first

    # a longer schedule (160 steps: warmup 16, decay 144) is refused, naming each changed field
    assert "ScheduleChangedError: ScheduleLR.load_state_dict: the checkpoint was saved with a different schedule" in text
    assert "  schedule.schedule.steps: 72 -> 144" in lines and "  schedule.warmup_steps: 8 -> 16" in lines
    m = re.search(r"^allow_schedule_change=True: continues at step (\d+) with lr (\S+) "
                  r"\(the new schedule's value there: (\S+)\)$", text, re.M)
    assert m and int(m.group(1)) == half
    assert float(m.group(2)) == float(m.group(3)) == pytest.approx(warmup_cosine(half, 2 * steps), rel=1e-9)


# -- epoch_vs_iteration.py ----------------------------------------------------------------------

def test_epoch_vs_iteration():
    pytest.importorskip("torch")
    epochs, k = 6, 25
    lines = run("epoch_vs_iteration.py", "--epochs", str(epochs), "--steps-per-epoch", str(k))

    def cosine(e: float) -> float:  # the schedule in epochs: 0.1 -> 0.001 over 6 epochs
        return 0.001 + (0.1 - 0.001) * 0.5 * (1 + math.cos(math.pi * min(e, epochs) / epochs))

    header = next(i for i, ln in enumerate(lines) if ln.split()[:2] == ["epoch", "step"])
    rows = []
    for ln in lines[header + 1:]:
        if not ln.strip():
            break
        rows.append(ln.split())
    total = epochs * k
    assert [int(r[1]) for r in rows] == sorted({0, k - 1, k, 2 * k - 1, 2 * k, total // 2, total - 1, total})
    for e, t, per_epoch, per_iter in rows:
        t = int(t)
        assert int(e) == t // k
        assert float(per_epoch) == pytest.approx(cosine(t // k), rel=1e-6)
        assert float(per_iter) == pytest.approx(cosine(t / k), rel=1e-6)
    text = "\n".join(lines)
    assert f"per epoch: each epoch's {k} batches hold the value at its epoch: True" in lines
    for pat in [rf"per epoch: equals torch CosineAnnealingLR\(T_max={epochs}\) stepped once per epoch: True",
                rf"per iteration: equals torch CosineAnnealingLR\(T_max={total}\) stepped every batch: True"]:
        m = re.search(pat + r" \(largest relative difference (\S+)\)", text)
        assert m and float(m.group(1)) <= 1e-12
    assert f"distinct rates over {total} batches: per epoch {epochs}, per iteration {total}" in lines


# -- migrate_from_peer.py -----------------------------------------------------------------------

def test_migrate_from_peer():
    pytest.importorskip("torch")
    import lrcore

    lines = run("migrate_from_peer.py")
    names = [ln.split(".")[-1] for ln in lines if ln.startswith("torch.optim.lr_scheduler.")]
    assert names == ["OneCycleLR", "CosineAnnealingWarmRestarts", "MultiStepLR", "SequentialLR"]
    results = [re.match(r"^  equal over 300 steps: (True|False) \(largest relative difference (\S+)\); "
                        r"at step 299: torch (\S+), lrcore (\S+)$", ln) for ln in lines if ln.startswith("  equal")]
    assert len(results) == 4 and all(m.group(1) == "True" and float(m.group(2)) <= 1e-12 for m in results)
    last = {n: (float(m.group(3)), float(m.group(4))) for n, m in zip(names, results)}
    # independent end values: OneCycleLR ends at max_lr / div_factor / final_div_factor;
    # MultiStepLR after three milestones at 0.1 * 0.2**3
    assert last["OneCycleLR"][1] == pytest.approx(0.1 / 25 / 1e4, rel=1e-12)
    assert last["MultiStepLR"] == pytest.approx((0.1 * 0.2 ** 3,) * 2, rel=1e-12)
    # the printed configs load back to schedules with those values
    configs = [ln.split("lrcore:", 1)[1].strip() for ln in lines if ln.startswith("  lrcore:")]
    for name, text in zip(names, configs):
        s = lrcore.loads(text)
        assert s(299) == pytest.approx(last[name][1], rel=1e-12), name


# -- plotting.py --------------------------------------------------------------------------------

def test_plotting_writes_a_png(tmp_path):
    image = pytest.importorskip("matplotlib.image")
    np = pytest.importorskip("numpy")
    out = tmp_path / "s.png"
    lines = run("plotting.py", "--fast", "--out", str(out), cwd=tmp_path)
    assert lines == [f"wrote {out} (600x250 pixels, 3 curves per axes, steps 0..1000)"]
    img = image.imread(str(out))[..., :3]
    assert img.shape[:2] == (250, 600)
    for colour in ("#1f77b4", "#ff7f0e", "#2ca02c"):  # the three curves
        c = np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
        hits = np.all(np.abs(img - c) < 0.08, axis=-1)
        assert hits.sum() > 150, colour
        assert hits[:, 300:].sum() > 20, colour  # drawn on the log axes (right half) too
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.png"]


# -- custom_node.py (CONTRIBUTING.md, "Add a node") ---------------------------------------------

def token_decay(t: float, peak: float = 3e-4, end: float = 3e-5, per_step: int = 2**19, budget: int = 10**8,
                shape: str = "cosine") -> float:
    """The example's TokenBudgetDecay, from its definition: peak -> end over the budget, in tokens seen."""
    p = min(t * per_step, budget) / budget
    w = 1 - p if shape == "linear" else (1 + math.cos(math.pi * p)) / 2
    return end + (peak - end) * w


def test_custom_node():
    for mod in ("torch", "paddle", "jax"):
        pytest.importorskip(mod)
    lines = run("custom_node.py")
    text = "\n".join(lines)
    assert lines[0] == ("TokenBudgetDecay(peak_value=0.0003, tokens_per_step=524288, token_budget=100000000, "
                        "end_value=3e-05, shape='cosine')")
    d = 191  # ceil(1e8 / 2**19): the steps that spend the budget
    m = re.search(r"^duration: (\d+) steps; s\(0\) = (\S+), s\((\d+)\) = (\S+), s\((\d+)\) = (\S+)$", text, re.M)
    assert m and int(m.group(1)) == d and (int(m.group(3)), int(m.group(5))) == (d // 2, d)
    for t, v in ((0, m.group(2)), (d // 2, m.group(4)), (d, m.group(6))):
        assert float(v) == pytest.approx(token_decay(t), rel=1e-6)
    assert token_decay(d - 1) > token_decay(d) == token_decay(d + 5) == 3e-5  # spent at step 191, held after
    assert "validate: TokenBudgetDecay: `end_value` must be <= peak_value = 0.0003, got end_value=0.001" in lines

    # every library equals s(t): the node alone, its linear shape, and the composed tree
    for name, n in (("TokenBudgetDecay", d + 10), (r"TokenBudgetDecay\(shape='linear'\)", d + 10),
                    (r"Restart\(Warmup\(TokenBudgetDecay\)\)", 3 * (d + 20) + 10)):
        m = re.search(rf"^{name}: s\(t\) = numpy = jax\.jit = torch = paddle at {n} steps: True "
                      r"\(largest relative difference (\S+)\)$", text, re.M)
        assert m, (name, lines)
        assert float(m.group(1)) <= 1e-12

    # the warmed node's timeline: the warmup, the node's formula over its duration, then constant
    header = lines.index(next(ln for ln in lines if ln.split()[:2] == ["start", "end"]))
    rows = [ln.split() for ln in lines[header + 1: header + 4]]
    assert [r[:3] for r in rows] == [["0", "20", "warmup"], ["20", "211", "tokenbudgetdecay"], ["211", "inf", "constant"]]
    assert float(rows[1][3]) == pytest.approx(token_decay(0), rel=1e-5)
    assert float(rows[1][4]) == pytest.approx(token_decay(d), rel=1e-5)

    # the config names the node by its registered name, and loads back to the same fingerprint
    config = json.loads(next(ln for ln in lines if ln.startswith("dumps: ")).split(": ", 1)[1])
    node = config["schedule"]["schedule"]["schedule"]
    assert (config["schedule"]["type"], config["schedule"]["period_steps"]) == ("Restart", d + 20)
    assert config["schedule"]["schedule"]["warmup_steps"] == 20
    assert node == {"type": "myproj>TokenBudgetDecay", "peak_value": 3e-4, "tokens_per_step": 2**19,
                    "token_budget": 10**8, "end_value": 3e-5, "shape": "cosine"}
    m = re.search(r"^loads\(dumps\(tree\)\) == tree: True \(fingerprint ([0-9a-f]{16})\)$", text, re.M)
    assert m
    assert f"checkpoint at step 261: scheduler last_epoch 261, fingerprint {m.group(1)}" in lines

    # resumed in cycle 1 at step 261: 50 steps into the cycle, 30 into the decay
    m = re.search(r"^resumed at step 261 with lr (\S+) \(the schedule's value there: (\S+)\)$", text, re.M)
    assert m and float(m.group(1)) == float(m.group(2)) == pytest.approx(token_decay(30), rel=1e-9)
    for claim in ["resumed lrs equal uninterrupted", "resumed weights equal uninterrupted (bitwise)",
                  "lrs equal the schedule at every one of 422 steps"]:
        assert f"{claim}: True" in lines


# -- test_my_scheduler.py (README, "Test your scheduler") ---------------------------------------

def test_my_scheduler_example_passes_under_pytest(tmp_path):
    """examples/test_my_scheduler.py is a pytest file (testpaths leave examples/ out): run it as a user does."""
    pytest.importorskip("torch")
    pytest.importorskip("hypothesis")
    env = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONPATH=os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p))
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                           str(EXAMPLES / "test_my_scheduler.py")], capture_output=True, text=True, encoding="utf-8",
                          cwd=tmp_path, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"\b1 passed\b", proc.stdout), proc.stdout
    code = (EXAMPLES / "test_my_scheduler.py").read_text(encoding="utf-8")
    assert len(code.split("@settings", 1)[1].strip().splitlines()) + 1 <= 15  # the test itself: at most 15 lines


# -- units_and_hyperparameters.py ---------------------------------------------------------------

def test_units_and_hyperparameters():
    """Every hyperparameter per group (torch dict) and a sample clock under a batch-size ramp-up;
    expectations from the formulas (linear warmups, cosine decay), the counts from the ramp."""
    pytest.importorskip("torch")
    lines = run("units_and_hyperparameters.py")

    def cosine(t: float, steps: int, start: float, end: float) -> float:
        p = min(t, steps) / steps
        return end + (start - end) * (1 + math.cos(math.pi * p)) / 2

    def lr(t: int) -> float:
        return 1e-3 * t / 100 if t < 100 else cosine(t - 100, 900, 1e-3, 1e-5)

    rows = [ln.split() for ln in lines[1:5]]
    for step, r, beta1, wd in rows:
        t = int(step)
        assert float(r) == pytest.approx(lr(t), rel=1e-3, abs=1e-12)
        assert float(beta1) == pytest.approx(0.95 - 0.05 * min(t, 100) / 100, abs=1e-4)
        assert float(wd) == pytest.approx(0.05 + 0.05 * t / 1000, abs=1e-4)
    assert [int(r[0]) for r in rows] == [0, 100, 200, 300]

    batches = [min(8 * 2 ** (i // 2), 64) for i in range(80)]
    start = lines.index("step  batch  samples  lr") + 1
    for ln in lines[start:start + 4]:
        step, batch, samples, r = ln.split()
        seen = sum(batches[: int(step) + 1])
        assert (int(batch), int(samples)) == (batches[int(step)], seen)
        want = 1e-3 * seen / 1000 if seen < 1000 else cosine(seen - 1000, 3000, 1e-3, 1e-5)
        assert float(r) == pytest.approx(want, rel=1e-3)
    assert f"checkpoint: clock='samples', count={sum(batches)}" in lines
    # 3. units: 3 epochs of 250 batches, accumulation 4 -> 63 updates an epoch, 189 in all;
    # "3%" of 189 = 5.67 -> 6 steps, "2ep" = 126 steps; scaled to batch 64: steps halved
    # (detectron2's rounding: 3 and 63), values times sqrt(2)
    assert lines[-3] == ("total_steps=189: Warmup(schedule=Cosine(start_value=0.001, steps=126, end_value=1e-05, "
                         "power=1.0), warmup_steps=6, start_value=0.0, shape='linear', prefix=True)")
    assert '"steps": "2ep"' in lines[-2] and '"warmup_steps": "3%"' in lines[-2]
    assert lines[-1] == f"batch 64 (sqrt rule): peak {1e-3 * math.sqrt(2):.4e} at step 3, end at step 66"


# -- lr_range_test.py ------------------------------------------------------------------------------

def test_lr_range_test_suggests_a_rate_that_trains_and_saves_the_plot(tmp_path):
    pytest.importorskip("torch")
    image = pytest.importorskip("matplotlib.image")
    out = tmp_path / "rt.png"
    lines = run("lr_range_test.py", "--out", str(out), cwd=tmp_path)
    m = re.match(r"^range test: (\d+) updates, lr 1\.00e-06 \.\. (\S+), stopped: the loss diverged$", lines[0])
    assert m, lines
    n, last = int(m.group(1)), float(m.group(2))
    assert 10 < n <= 201
    assert last == pytest.approx(1e-6 * 1e7 ** ((n - 1) / 200), rel=1e-2)  # RangeTest(1e-6, 10, 200) at n - 1
    valley = float(re.match(r"^suggested lr \(valley\): (\S+)$", lines[1]).group(1))
    gradient = float(re.match(r"^suggested lr \(gradient\): (\S+)$", lines[2]).group(1))
    assert 1e-6 < valley < last and 1e-6 < gradient < last
    base, at = map(float, re.match(r"^100 updates at 1e-6: loss (\S+); at the valley suggestion: loss (\S+)$",
                                   lines[3]).groups())
    assert at < 0.5 * base  # the suggestion trains
    assert lines[4] == f"wrote {out}"
    assert image.imread(str(out)).shape[:2] == (400, 1000)
