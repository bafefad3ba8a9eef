"""The `lrcore` command as a real subprocess: show, plot, compare, SPEC parsing, errors and exit codes.

Expectations come from the formulas (or torch's own schedulers where the catalog is involved),
not from the code under test.
"""

from __future__ import annotations

import json
import math
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = " ▁▂▃▄▅▆▇█"
BAND = "░"  # a cell a column's values sweep through (its envelope; tests/test_chart_envelope.py)
LEVEL = {ch: i for i, ch in enumerate(BLOCKS)} | {BAND: 8}  # a column's height: its largest value
HEAVY = ("numpy", "torch", "paddle", "jax", "optax", "matplotlib")

WARMUP_COSINE = {"type": "Warmup", "warmup_steps": 10,
                 "schedule": {"type": "Cosine", "start_value": 0.1, "steps": 90, "end_value": 0.001}}


def warmup_cosine(t: int) -> float:
    if t < 10:
        return 0.1 * t / 10
    u = min(t - 10, 90)
    return 0.001 + (0.1 - 0.001) * 0.5 * (1 + math.cos(math.pi * u / 90))


def run(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    e = dict(os.environ, PYTHONIOENCODING="utf-8", COLUMNS="100", LINES="30")
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "lrcore", *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd, env=e, timeout=120, check=False)


def ok(*args: str, **kw) -> list[str]:
    proc = run(*args, **kw)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stderr == ""
    return proc.stdout.splitlines()


def bad(*args: str, match: str, code: int = 2) -> str:
    proc = run(*args)
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert re.search(match, proc.stderr), proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stderr


def value_rows(lines: list[str]) -> list[tuple[int, float, str]]:
    i = lines.index("values")
    rows = []
    for ln in lines[i + 2:]:
        if not ln.strip():
            break
        step, value, where = ln.split(None, 2)
        rows.append((int(step), float(value), where))
    return rows


def chart_of(lines: list[str]) -> tuple[list[str], list[str], str, str]:
    """(labels, cells, axis, x labels) of the chart at the end of `show`'s output."""
    rows = [ln for ln in lines if "┤" in ln]
    axis, xlabels = lines[-2], lines[-1]
    return [r.split("┤")[0].strip() for r in rows], [r.split("┤", 1)[1] for r in rows], axis, xlabels


# -- show -------------------------------------------------------------------------------------

def test_show_prints_phases_values_and_a_chart_sized_to_the_terminal(tmp_path):
    f = tmp_path / "s.json"
    f.write_text(json.dumps(WARMUP_COSINE))
    lines = ok("show", str(f))
    assert lines[0] == "schedule: s.json"
    assert "duration: 100 steps" in lines

    # phases: start, end, kind, values, jumps
    h = lines.index("phases") + 1
    assert lines[h].split() == ["start", "end", "kind", "start", "value", "end", "value", "jump"]
    phases = [ln.split() for ln in lines[h + 1: h + 4]]
    assert phases[0][:4] == ["0", "10", "warmup", "linear"] and phases[0][-1] == "+0"
    assert phases[1][:3] == ["10", "100", "cosine"] and float(phases[1][3]) == 0.1 and float(phases[1][4]) == 0.001
    assert phases[2][:3] == ["100", "inf", "constant"]

    # the key steps: each phase's first and last step, and the last step shown (duration + 10%)
    rows = value_rows(lines)
    assert [t for t, _, _ in rows] == [0, 9, 10, 99, 100, 110]
    for t, v, _ in rows:
        assert v == pytest.approx(warmup_cosine(t), rel=1e-6, abs=1e-12), t
    assert rows[2][2] == "cosine starts" and rows[-1][2] == "last step shown"

    # the chart: COLUMNS=100 -> 88 cells wide; LINES=30 -> 15 rows
    labels, cells, axis, xlabels = chart_of(lines)
    assert len(cells) == 15 and all(len(c) == 88 and set(c) <= set(BLOCKS + BAND) for c in cells)
    assert labels[0] == "1.00e-01" and labels[-1] == "0.00e+00" and not any(labels[1:-1])
    assert axis.strip() == "└" + "─" * 88
    assert xlabels.split() == ["0", "110"]
    heights = [sum(LEVEL[ch] for ch in col) for col in zip(*cells)]
    assert heights[0] == 0 and max(heights) == 8 * 15
    top = heights.index(max(heights))
    assert 6 <= top <= 10  # the peak, at step 10 of 110 (column 8 of 88)
    assert all(a >= b for a, b in zip(heights[top:], heights[top + 1:]))
    assert heights[-1] == round(0.001 / 0.1 * 8 * 15)


def test_show_width_height_and_steps_override():
    lines = ok("show", "lrcore.Linear(start_value=0.0, end_value=1.0, steps=8)", "--width", "9", "--height", "2",
               "--steps", "8")
    labels, cells, axis, xlabels = chart_of(lines)
    assert len(cells) == 2 and all(len(c) == 9 for c in cells)
    # column c is step c: values c/8, so 16 levels give 2c levels
    heights = [sum(LEVEL[ch] for ch in col) for col in zip(*cells)]
    assert heights == [2 * c for c in range(9)]
    assert xlabels.split() == ["0", "8"]
    assert [t for t, _, _ in value_rows(lines)] == [0, 7, 8]


def test_show_lists_many_phases_briefly_and_stays_fast():
    lines = ok("show", "torch.CosineAnnealingWarmRestarts(lr=0.1, T_0=1)", "--steps", "1000000000", "--width", "20")
    assert any(re.fullmatch(r"\.\.\. and 9960 more phases before step 10000", ln) for ln in lines)
    assert any("phases listed up to step 10000 only" in ln for ln in lines)
    assert chart_of(lines)[3].split() == ["0", "1000000000"]


def test_show_plateau_schedule_notes_it():
    lines = ok("show", "torch.ReduceLROnPlateau(lr=0.1, patience=2)", "--width", "10", "--height", "2")
    assert any(ln.startswith("note: scaled by a Plateau") for ln in lines)
    assert {v for _, v, _ in value_rows(lines)} == {0.1}


def test_show_imports_no_framework():
    code = ("import runpy, sys; sys.argv = ['lrcore', 'show', 'torch.StepLR(lr=0.1, step_size=3)'];\n"
            "try:\n    runpy.run_module('lrcore', run_name='__main__')\nexcept SystemExit as e:\n    assert e.code == 0\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8",
                          env=dict(os.environ, PYTHONIOENCODING="utf-8"), check=False, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "[]"


def test_import_lrcore_does_not_import_the_cli():
    code = "import sys, lrcore; print([m for m in ('lrcore._cli', 'lrcore._spec', 'lrcore._plot', 'argparse') if m in sys.modules])"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60)
    assert proc.stdout.strip() == "[]", proc.stderr


# -- SPEC forms ---------------------------------------------------------------------------------

TOML = """
type = "Warmup"
warmup_steps = 10
[schedule]
type = "Cosine"
start_value = 0.1
steps = 90
end_value = 0.001
"""

YAML = """
lrcore: 1
schedule:
  type: Warmup
  warmup_steps: 10
  schedule: {type: Cosine, start_value: 0.1, steps: 90, end_value: 0.001}
"""


@pytest.mark.parametrize("kind", ["json", "json-envelope", "toml", "yaml", "yml", "inline", "inline-envelope", "call"])
def test_every_spec_form_names_the_same_schedule(tmp_path, kind):
    if kind == "json":
        (tmp_path / "s.json").write_text(json.dumps(WARMUP_COSINE))
        spec = "s.json"
    elif kind == "json-envelope":
        (tmp_path / "s.json").write_text(json.dumps({"lrcore": 2, "schedule": WARMUP_COSINE}, indent=2))
        spec = str(tmp_path / "s.json")
    elif kind == "toml":
        (tmp_path / "s.toml").write_text(TOML)
        spec = "s.toml"
    elif kind in ("yaml", "yml"):
        pytest.importorskip("yaml")
        (tmp_path / f"s.{kind}").write_text(YAML)
        spec = f"s.{kind}"
    elif kind == "inline":
        spec = json.dumps(WARMUP_COSINE)
    elif kind == "inline-envelope":
        spec = json.dumps({"lrcore": 2, "schedule": WARMUP_COSINE})
    else:
        spec = ("lrcore.Warmup(schedule=lrcore.Cosine(start_value=0.1, steps=90, end_value=1e-3), "
                "warmup_steps=10)")
    lines = ok("show", spec, "--width", "10", "--height", "2", cwd=tmp_path)
    rows = value_rows(lines)
    assert [t for t, _, _ in rows] == [0, 9, 10, 99, 100, 110]
    for t, v, _ in rows:
        assert v == pytest.approx(warmup_cosine(t), rel=1e-6, abs=1e-12)


@pytest.mark.parametrize("spec, formula", [
    # catalog calls and engine constructors, against the peers' formulas at steps 0..6
    ("torch.StepLR(lr=0.1, step_size=2, gamma=0.5)", lambda t: 0.1 * 0.5 ** (t // 2)),
    ("lrcore.catalog.torch.MultiStepLR(lr=1.0, milestones=[1, 5], gamma=0.1)",
     lambda t: 0.1 ** ((t >= 1) + (t >= 5))),
    ("paddle.StepDecay(learning_rate=0.1, step_size=2, gamma=0.5)", lambda t: 0.1 * 0.5 ** (t // 2)),
    ("catalog.optax.linear_schedule(init_value=1.0, end_value=0.0, transition_steps=8)", lambda t: 1 - t / 8),
    ("optax.piecewise_constant_schedule(init_value=1.0, boundaries_and_scales={3: 0.5})",
     lambda t: 1.0 if t < 3 else 0.5),
    # torch's SequentialLR restarts the second scheduler at the milestone (step(0))
    ("torch.SequentialLR(schedulers=[torch.ConstantLR(lr=1.0, factor=0.5, total_iters=10), "
     "torch.ExponentialLR(lr=1.0, gamma=0.5)], milestones=[3])", lambda t: 0.5 if t < 3 else 0.5 ** (t - 3)),
    ("Piecewise(values=(1.0, -0.0, +2.0), boundaries=[3, 5])", lambda t: 1.0 if t < 3 else (0.0 if t < 5 else 2.0)),
])
def test_catalog_and_engine_calls(spec, formula):
    want = {"type": "Piecewise", "values": [formula(t) for t in range(7)], "boundaries": list(range(1, 7))}
    proc = run("compare", spec, json.dumps(want), "--steps", "6")
    assert proc.returncode in (0, 1), proc.stderr
    if proc.returncode == 1:
        rel = float(re.search(r"largest relative difference: (\S+)", proc.stdout).group(1))
        assert rel < 1e-12, proc.stdout


def test_every_catalog_module_is_reachable():
    """Names resolve through lrcore.catalog generically: every module it has is reachable."""
    from lrcore._spec import catalog_modules

    mods = catalog_modules()
    assert {"torch", "paddle", "optax"} <= set(mods)
    for m in mods:
        proc = run("show", f"{m}.NoSuchSchedule(lr=1.0)")
        assert proc.returncode == 2
        assert f"{m} has no schedule 'NoSuchSchedule' (it has: " in proc.stderr, proc.stderr


# -- bad SPECs --------------------------------------------------------------------------------

@pytest.mark.parametrize("spec, match", [
    ("__import__('os').system('touch PWNED')", r"`__import__\('os'\)\.system` is not a dotted name"),
    ("os.system('touch PWNED')", r"`os\.system` is not a catalog or lrcore schedule name"),
    ("__import__('os')", r"`__import__` is private"),
    ("eval('1')", r"`eval` is not a catalog or lrcore schedule name"),
    ("torch.StepLR.__globals__(x=1)", r"`torch\.StepLR\.__globals__` is private"),
    ("torch.__builtins__(x=1)", r"is private"),
    ("torch._lr(node='x', x=1)", r"`torch\._lr` is private"),
    ("torch.Product(factors=[])", r"`torch\.Product`: torch has no schedule 'Product'"),
    ("torch.torch.StepLR(lr=1.0, step_size=1)", r"torch has no schedule 'torch'"),
    ("optax.contrib.reduce_on_plateau()", r"optax\.contrib has no schedule 'reduce_on_plateau'"),
    ("optax.reduce_on_plateau()", r"gives a OptaxPlateau, not a schedule"),
    ("lrcore.Plateau()", r"`lrcore\.Plateau` is not a catalog or lrcore schedule name"),
    ("lrcore.loads(text='{}')", r"`lrcore\.loads` is not a catalog or lrcore schedule name"),
    ("torch.StepLR(lr=0.1, step_size=2).__class__", r"must be a single call"),
    ("torch.StepLR(lr=0.1, step_size=2)[0]", r"must be a single call"),
    ("torch.StepLR(lr=__import__('os'), step_size=2)", r"`__import__` is private"),
    ("torch.StepLR(lr=x, step_size=2)", r"torch\.StepLR\.lr: `x` is not a literal"),
    ("torch.StepLR(lr=0.1 * 2, step_size=2)", r"`0\.1 \* 2` is not a literal"),
    ("torch.StepLR(lr=9**9**9, step_size=2)", r"`9 \*\* 9 \*\* 9` is not a literal"),
    ("torch.StepLR(lr=(lambda: 0.1)(), step_size=2)", r"`lambda: 0\.1` is not a dotted name"),
    ("torch.StepLR(lr=[x for x in ()], step_size=2)", r"is not a literal"),
    ("torch.StepLR(lr=0.1, step_size=2).step_size", r"must be a single call"),
    ("torch.StepLR(0.1, 2)", r"`torch\.StepLR` got a positional argument"),
    ("torch.StepLR(lr=0.1, **{'step_size': 2})", r"`\*\*` unpacking is not accepted"),
    ("torch.StepLR(lr=0.1, step_size=0)", r"torch\.StepLR: StepLR: `step_size` must be an int >= 1"),
    ("torch.StepLR(lr=0.1, steps=3)", r"unexpected keyword argument 'steps'"),
    ("torch.LambdaLR(lr=0.1, lr_lambda='os:system')", r"lr_lambda"),
    ("lrcore.Function(fn='os:system')", r"Function: `fn` must be a callable"),
    ("torch.StepLR(lr=0.1, step_size=2", r"is not a call \("),
    ("(" * 300 + ")" * 300, r"is not a call|nested too deeply"),
    ("torch.StepLR(lr=0.1, step_size=1" + ", x=torch.StepLR(lr=0.1, step_size=1" * 30 + ")" * 31, r"nested more than 20 deep"),
    ('{"type": "Function", "fn": "os:system"}', r"fn: must not be loaded without allow_functions=True"),
    ('{"type": "Cosine", "start_value": 0.1}', r"steps: must be given, Cosine requires it"),
    ('{"type": "Cosine", "start_value": 0.1, "steps": 0}', r"steps: must be an int >= 1"),
    ('{"type": "NoSuch"}', r"type: must be one of"),
    ('{"lrcore": 3, "schedule": {"type": "Constant", "value": 1}}', r"lrcore: must be a format version lrcore reads \(1, 2\), got 3"),
    ('{"lrcore": 2}', r"must hold exactly the keys 'lrcore' and 'schedule'"),
    ('{"value": 1}', r"must hold an lrcore config .* got a dict with keys value"),
    ("[1, 2]", r"must hold an lrcore config .* got list"),
    ("{bad json", r"is not valid JSON"),
    ("nosuch.json", r"SPEC 'nosuch\.json': no such file"),
    ("dir/nosuch", r"no such file"),
    ("cosine", r"must be a file \(\.json, \.toml, \.yaml\), inline JSON or a catalog call"),
    ("", r"got an empty string"),
    ("torch.StepLR(lr=0.1, step_size=1)" + " " * 20_000, r"must be at most 20000 characters"),
])
def test_bad_specs_exit_2_with_a_message_naming_the_problem(tmp_path, spec, match):
    proc = run("show", spec, cwd=tmp_path)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stderr.startswith("lrcore show: error: SPEC"), proc.stderr
    assert re.search(match, proc.stderr), proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert list(tmp_path.iterdir()) == []  # nothing ran: no file appeared


@pytest.mark.parametrize("name, text, match", [
    ("s.json", "{", r"SPEC file s\.json: is not valid JSON"),
    ("s.toml", "type = ", r"is not valid TOML"),
    ("s.yaml", "a: [", r"is not valid YAML"),
    ("s.yaml", "!!python/object/apply:os.system ['touch PWNED']", r"is not valid YAML"),
    ("s.yaml", "- 1\n- 2\n", r"must hold an lrcore config .* got list"),
    ("s.toml", 'type = "Cosine"\nstart_value = 0.1\nsteps = -1\n', r"steps: must be an int >= 1"),
    ("s.txt", "{}", r"must end in \.json, \.toml, \.yaml or \.yml, got '\.txt'"),
    ("s.json", "\udcff", r"is not UTF-8 text"),
])
def test_bad_spec_files(tmp_path, name, text, match):
    if name.endswith(".yaml"):
        pytest.importorskip("yaml")
    p = tmp_path / name
    p.write_bytes(text.encode("utf-8", "surrogateescape"))
    proc = run("show", name, cwd=tmp_path)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert re.search(match, proc.stderr), proc.stderr
    assert "Traceback" not in proc.stderr
    assert sorted(x.name for x in tmp_path.iterdir()) == [name]


def test_yaml_billion_laughs_is_refused_by_size(tmp_path):
    pytest.importorskip("yaml")
    # a "billion laughs": aliases sharing one node 2**40 times over, in a plain config
    text = "type: Sum\nterms:\n- &a0 {type: Constant, value: 1.0}\n" + "".join(
        f"- &a{i} {{type: Sum, terms: [*a{i - 1}, *a{i - 1}]}}\n" for i in range(1, 41))
    (tmp_path / "big.yaml").write_text(text)
    proc = run("show", "big.yaml", cwd=tmp_path)
    assert proc.returncode == 2
    assert "holds more than 100000 items" in proc.stderr


# -- plot -------------------------------------------------------------------------------------

def test_plot_writes_a_png_with_the_curves(tmp_path):
    plt_image = pytest.importorskip("matplotlib.image")
    np = pytest.importorskip("numpy")
    out = tmp_path / "lr.png"
    lines = ok("plot", json.dumps(WARMUP_COSINE), "torch.StepLR(lr=0.05, step_size=30, gamma=0.5)",
               "--steps", "120", "-o", str(out), "--title", "two schedules")
    assert lines == [f"wrote {out}"]
    img = plt_image.imread(str(out))
    assert img.shape[:2] == (450, 800)  # 8 x 4.5 inches at 100 dpi
    rgb = img[..., :3]

    def mask(hex_colour: str) -> "np.ndarray":
        c = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
        return np.all(np.abs(rgb - c) < 0.08, axis=-1)

    blue, orange = mask("#1f77b4"), mask("#ff7f0e")  # matplotlib's first two line colours
    assert blue.sum() > 800 and orange.sum() > 800  # long curves, not just the legend swatches
    ys, xs = np.nonzero(blue)
    assert xs.max() - xs.min() > 500  # spans most of the width
    # the warmup-cosine rises to its peak at step 10 of 120 (about 1/12 into the axes, left of
    # the legend, which is top right), then falls to the bottom by the right edge
    cols = {x: ys[xs == x].min() for x in np.unique(xs)}
    left = {x: y for x, y in cols.items() if x < 400}
    peak_x = min(left, key=lambda x: left[x])
    assert 90 < peak_x < 170, peak_x
    assert all(y > left[peak_x] + 250 for x, y in cols.items() if 700 < x < 770)
    # StepLR is flat pieces: orange rows hold long horizontal runs
    oy, ox = np.nonzero(orange)
    assert max(np.bincount(oy)) > 100


def test_plot_log_scale_and_svg(tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "lr.svg"
    ok("plot", "optax.exponential_decay(init_value=1.0, transition_steps=10, decay_rate=0.1)", "--log", "-o", str(out),
       "--label", "exp decay")
    text = out.read_text()
    assert text.lstrip().startswith(("<?xml", "<svg")) and "exp decay" in text
    assert "10^{-" in text or "10^{−" in text or "mathdefault" in text  # log ticks: 10^{-k}


@pytest.mark.parametrize("args, match, code", [
    (["plot", "lrcore.Constant(value=1.0)", "-o", "out.jpg"], r"must end in \.png or \.svg, got 'out\.jpg'", 2),
    (["plot", "lrcore.Constant(value=1.0)", "-o", "no/such/dir/out.png"], r"cannot write no/such/dir/out\.png", 1),
    (["plot", "lrcore.Constant(value=1.0)", "torch.Nope(lr=1)", "-o", "x.png"], r"torch has no schedule 'Nope'", 2),
    (["plot", "lrcore.Constant(value=1.0)", "--label", "a", "--label", "b", "-o", "x.png"], r"one per SPEC \(1\), got 2", 2),
    (["plot", "lrcore.Constant(value=1.0)"], r"the following arguments are required: -o/--output", 2),
    (["plot", "-o", "x.png"], r"the following arguments are required: SPEC", 2),
    (["show", "lrcore.Constant(value=1.0)", "--steps", "0"], r"--steps: must be between 1 and", 2),
    (["show", "lrcore.Constant(value=1.0)", "--width", "x"], r"--width: must be an int, got 'x'", 2),
    (["compare", "lrcore.Constant(value=1.0)"], r"required: B", 2),
    (["compare", "lrcore.Constant(value=1.0)", "{", "--steps", "3"], r"lrcore compare: error: SPEC '\{': is not valid JSON", 2),
    (["compare", "lrcore.Constant(value=1.0)", "lrcore.Constant(value=1.0)", "--steps", "100000000"], r"at most 10000000", 2),
    (["frobnicate"], r"invalid choice: 'frobnicate'", 2),
    ([], r"the following arguments are required: COMMAND", 2),
])
def test_bad_arguments(tmp_path, args, match, code):
    proc = run(*args, cwd=tmp_path)
    assert proc.returncode == code, (proc.stdout, proc.stderr)
    assert re.search(match, proc.stderr), proc.stderr
    assert "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []


# -- compare ----------------------------------------------------------------------------------

def test_compare_equal_schedules_exit_0():
    lines = ok("compare", "torch.CosineAnnealingWarmRestarts(lr=0.1, T_0=10, T_mult=2, eta_min=0.001)",
               "paddle.CosineAnnealingWarmRestarts(learning_rate=0.1, T_0=10, T_mult=2, eta_min=0.001)",
               "--steps", "300")
    assert lines[-1] == "identical: A and B are equal at every step 0..300"


def test_compare_reports_largest_differences_and_first_step():
    proc = run("compare", "torch.StepLR(lr=0.1, step_size=10, gamma=0.5)",
               json.dumps({"type": "Linear", "start_value": 0.1, "end_value": 0.0, "steps": 40}), "--steps", "50")
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout

    # expectations from the formulas: A = 0.1 * 0.5**(t // 10), B = 0.1 * (1 - min(t, 40) / 40)
    a = [0.1 * 0.5 ** (t // 10) for t in range(51)]
    b = [0.1 * (1 - min(t, 40) / 40) for t in range(51)]
    d = [abs(x - y) for x, y in zip(a, b)]
    r = [dd / max(abs(x), abs(y)) if dd else 0.0 for dd, x, y in zip(d, a, b)]
    t_abs, t_rel = d.index(max(d)), r.index(max(r))
    first = next(t for t in range(51) if d[t] > 1e-15)

    m = re.search(r"^largest absolute difference: (\S+) at step (\d+) \(A (\S+), B (\S+)\)$", out, re.M)
    assert m and int(m.group(2)) == t_abs and float(m.group(1)) == pytest.approx(max(d), rel=1e-6)
    assert float(m.group(3)) == pytest.approx(a[t_abs], rel=1e-6) and float(m.group(4)) == pytest.approx(b[t_abs], rel=1e-6, abs=1e-12)
    m = re.search(r"^largest relative difference: (\S+) at step (\d+)", out, re.M)
    assert m and int(m.group(2)) == t_rel and float(m.group(1)) == pytest.approx(max(r), rel=1e-6)
    assert max(r) == 1.0  # B reaches 0 at step 40 while A does not
    m = re.search(r"^first difference at step (\d+) \(A (\S+), B (\S+)\)$", out, re.M)
    assert m and int(m.group(1)) == first == 1
    assert "steps: 0..50" in out


def test_catalog_matches_the_real_torch_scheduler_through_compare(tmp_path):
    """The catalog call and torch's own OneCycleLR, stepped and dumped as a Piecewise, are equal."""
    torch = pytest.importorskip("torch")
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=200)
    lrs = []
    for _ in range(200):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        if len(lrs) < 200:
            sched.step()
    (tmp_path / "torch.json").write_text(json.dumps(
        {"type": "Piecewise", "values": lrs, "boundaries": list(range(1, 200))}))
    proc = run("compare", "torch.OneCycleLR(max_lr=0.1, total_steps=200)", "torch.json", "--steps", "199", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    if proc.returncode == 1:  # equal to rtol 1e-12 (DESIGN.md 9), maybe not bitwise
        rel = float(re.search(r"largest relative difference: (\S+)", proc.stdout).group(1))
        assert rel < 1e-12, proc.stdout


# -- help -------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, words", [
    (["--help"], ["show", "plot", "compare", "SPEC", "Exit codes"]),
    (["show", "--help"], ["--steps", "--width", "--height", "SPEC", "torch.OneCycleLR"]),
    (["plot", "--help"], ["--steps", "--log", "-o", "--title", "--label", ".png", ".svg"]),
    (["compare", "--help"], ["--steps", "Exit code 0", "relative"]),
])
def test_help(args, words):
    lines = ok(*args)
    text = " ".join(" ".join(lines).split())
    for w in words:
        assert w in text, w


def test_console_script_is_installed():
    exe = Path(sys.executable).with_name("lrcore")
    if not exe.exists():
        pytest.skip("the console script is installed by `pip install -e .` (make venv)")
    proc = subprocess.run([str(exe), "compare", "lrcore.Constant(value=1.0)", '{"type": "Constant", "value": 1.0}',
                           "--steps", "3"], capture_output=True, text=True, check=False, timeout=60)
    assert proc.returncode == 0 and "identical" in proc.stdout, proc.stderr


# -- Schedule.plot ------------------------------------------------------------------------------

def test_schedule_plot_returns_the_axes_with_the_curve():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    import lrcore

    s = lrcore.from_config(WARMUP_COSINE)
    ax = Figure().subplots()
    assert s.plot(ax=ax) is ax
    (line,) = ax.get_lines()
    x, y = line.get_xdata(), line.get_ydata()
    assert list(x) == list(range(111))
    assert [float(v) for v in y] == pytest.approx([warmup_cosine(t) for t in range(111)], rel=1e-12, abs=1e-15)
    assert ax.get_xlabel() == "step" and ax.get_ylabel() == "learning rate"

    ax2 = Figure().subplots()
    s.plot(ax=ax2, steps=[0, 50, 10], log=True, label="lr", color="red")
    (line,) = ax2.get_lines()
    assert list(line.get_xdata()) == [0, 10, 50] and line.get_label() == "lr" and ax2.get_yscale() == "log"

    # long ranges are sampled, keeping both sides of every jump
    ms = lrcore.MultiStep(start_value=1.0, milestones=[30_001, 60_000], factor=0.1)
    ax3 = Figure().subplots()
    ms.plot(ax=ax3, steps=100_000)
    xs = list(ax3.get_lines()[0].get_xdata())
    assert len(xs) < 5000 and {0, 30_000, 30_001, 59_999, 60_000, 100_000} <= set(xs)

    import matplotlib.pyplot as plt

    ax4 = lrcore.Constant(value=0.5).plot()  # pyplot's current Axes
    assert ax4 is plt.gca()
    plt.close("all")
    with pytest.raises(ValueError, match=r"plot: `steps` must be an int >= 1 \(the last step drawn\), got steps=0"):
        s.plot(ax=ax, steps=0)


def test_readme_shows_the_real_output():
    """The README's `lrcore show` and `lrcore compare` transcripts are what the command prints."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```text\n", 1)[1].split("```", 1)[0]
    sessions = [s for s in block.split("$ lrcore ")[1:]]
    assert len(sessions) == 2
    for session in sessions:
        command, *shown = session.rstrip("\n").split("\n")
        proc = run(*shlex.split(command))
        assert proc.returncode in (0, 1), proc.stderr
        assert [ln.rstrip() for ln in proc.stdout.rstrip("\n").split("\n")] == [ln.rstrip() for ln in shown], command


# -- compare --rtol / --atol, values in full ---------------------------------------------------

# A: 0.3 * (1 - t / 3) in float64 (0.19999999999999998 at t = 1); B: the decimal values 0.3, 0.2, 0.1, 0.0
# as Python writes them, which differ from A's by an ulp or so at t = 0..2 (0.1 * 3 = 0.30000000000000004)
LINE3 = "lrcore.Linear(start_value=0.3, end_value=0.0, steps=3)"
DECIMALS = json.dumps({"type": "Piecewise", "values": [0.1 * 3, 0.2, 0.1, 0.0], "boundaries": [1, 2, 3]})


def test_compare_prints_values_in_full_so_an_ulp_shows():
    proc = run("compare", LINE3, DECIMALS, "--steps", "4")
    assert proc.returncode == 1, proc.stderr
    lrcore_values = [lrcore_value(t) for t in range(5)]
    b = [0.1 * 3, 0.2, 0.1, 0.0, 0.0]
    diffs = [abs(x - y) for x, y in zip(lrcore_values, b)]
    t_abs = diffs.index(max(diffs))
    m = re.search(r"^largest absolute difference: (\S+) at step (\d+) \(A (\S+), B (\S+)\)$", proc.stdout, re.M)
    assert m and int(m.group(2)) == t_abs
    assert float(m.group(3)) == lrcore_values[t_abs] and float(m.group(4)) == b[t_abs]
    assert m.group(3) != m.group(4)  # full precision: the two values read differently
    m = re.search(r"^first difference at step (\d+) \(A (\S+), B (\S+)\)$", proc.stdout, re.M)
    first = next(t for t in range(5) if diffs[t])
    assert m and int(m.group(1)) == first and (m.group(2), m.group(3)) == (repr(lrcore_values[first]), repr(b[first]))
    assert 0 < max(diffs) < 1e-16 and lrcore_values[1] == 0.19999999999999998  # 6 digits would show 2.000000e-01 twice


def lrcore_value(t: int) -> float:
    import lrcore

    return lrcore.Linear(start_value=0.3, end_value=0.0, steps=3)(t)


def test_compare_rtol_accepts_an_ulp_and_exits_0():
    lines = ok("compare", LINE3, DECIMALS, "--steps", "4", "--rtol", "1e-15")
    assert lines[-1] == "equal within rtol=1e-15, atol=0.0: A and B agree at every step 0..4"
    assert lines[-3].startswith("largest absolute difference: ")


def test_compare_atol_accepts_a_small_absolute_difference():
    lines = ok("compare", LINE3, DECIMALS, "--steps", "4", "--atol", "1e-16")
    assert lines[-1] == "equal within rtol=0.0, atol=1e-16: A and B agree at every step 0..4"
    proc = run("compare", LINE3, DECIMALS, "--steps", "4", "--atol", "1e-18")
    assert proc.returncode == 1
    assert re.search(r"^first difference beyond rtol=0\.0, atol=1e-18 at step 0 \(A 0\.3, B 0\.30000000000000004\)$",
                     proc.stdout, re.M), proc.stdout


def test_compare_tolerance_too_small_for_a_real_difference_exits_1():
    proc = run("compare", "torch.StepLR(lr=0.1, step_size=10, gamma=0.5)", "lrcore.Constant(value=0.1)",
               "--steps", "20", "--rtol", "0.1")
    assert proc.returncode == 1
    assert "first difference beyond rtol=0.1, atol=0.0 at step 10 (A 0.05, B 0.1)" in proc.stdout


@pytest.mark.parametrize("flag,value,message", [
    ("--rtol", "-1", r"argument --rtol: must be a finite number >= 0, got '-1'"),
    ("--atol", "x", r"argument --atol: must be a number, got 'x'"),
    ("--rtol", "nan", r"argument --rtol: must be a finite number >= 0, got 'nan'"),
    ("--atol", "inf", r"argument --atol: must be a finite number >= 0, got 'inf'"),
])
def test_compare_bad_tolerance(flag, value, message):
    proc = run("compare", LINE3, LINE3, flag, value)
    assert proc.returncode == 2 and re.search(message, proc.stderr), proc.stderr
