"""Friendlier errors and CLI: --version, positional children in a SPEC, did-you-mean for names and
fields (in the SPEC parser and in the node and config errors themselves), compact nesting paths,
and from_config / loads pointing to each other. Every message is checked whole."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import lrcore

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8", COLUMNS="100", LINES="30")
    return subprocess.run([sys.executable, "-m", "lrcore", *args], capture_output=True, text=True, encoding="utf-8",
                          cwd=ROOT, env=env, timeout=120, check=False)


def error(spec: str) -> str:
    proc = run("show", spec)
    assert proc.returncode == 2 and proc.stdout == "", (proc.stdout, proc.stderr)
    return proc.stderr.rstrip("\n")


def test_version_is_the_package_version_written_once():
    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout == f"lrcore {lrcore.__version__}\n"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "lrcore.__version__"}
    assert lrcore.__version__ == "0.1.0"


def test_a_spec_takes_positional_children_as_the_readme_writes_them():
    proc = run("compare", "lrcore.Warmup(lrcore.Cosine(start_value=0.1, steps=1000), warmup_steps=100)",
               '{"type": "Warmup", "warmup_steps": 100, "schedule": {"type": "Cosine", "start_value": 0.1, "steps": 1000}}',
               "--steps", "1200")
    assert proc.returncode == 0 and "identical: A and B are equal at every step 0..1200" in proc.stdout, proc.stderr


@pytest.mark.parametrize("spec, message", [
    ("torch.OneCycleLr(max_lr=0.1)", "`torch.OneCycleLr`: torch has no schedule 'OneCycleLr' (did you mean "
                                     "torch.OneCycleLR?)"),
    ("lrcore.Cosin(start_value=0.1, steps=10)", "`lrcore.Cosin` is not a catalog or lrcore schedule name; did you mean "
                                                "lrcore.Cosine?"),
    ("torch.OneCycleLR(max_lr=0.1, total_step=1000)",
     "torch.OneCycleLR: unexpected keyword argument 'total_step'; did you mean total_steps? valid parameters: max_lr, "
     "total_steps, epochs, steps_per_epoch, pct_start, anneal_strategy, cycle_momentum, base_momentum, max_momentum, "
     "div_factor, final_div_factor, three_phase"),
    ("lrcore.Cosine(start_value=0.1, steps=10, end_vale=0.0)",
     "lrcore.Cosine: Cosine() got an unexpected keyword argument 'end_vale'; did you mean end_value? valid fields: "
     "start_value, steps, end_value, power"),
    ("lrcore.Warmup(lrcore.Cosine(start_value=0.1, steps=10, power=0), warmup_steps=1)",
     "lrcore.Warmup.schedule: lrcore.Cosine: Cosine: `power` must be a number > 0.0, got power=0"),
    ("lrcore.Constant(1.0, 2.0)", "`lrcore.Constant` takes at most 1 arguments (value), got 2 positionally"),
    ("torch.StepLR(0.1, 2)", "`torch.StepLR` got a positional argument; write every argument as name=value"),
    ("lrcore.Warmup(" * 25 + "lrcore.Constant(value=1.0)" + ", warmup_steps=1)" * 25,
     "lrcore.Warmup.schedule×21: calls are nested more than 20 deep"),
])
def test_spec_errors_name_the_close_names(spec, message):
    err = error(spec)
    assert err.startswith("lrcore show: error: SPEC ") and "\n" not in err
    assert err.endswith("': " + message) or err.endswith('": ' + message), err


def test_an_unknown_bare_name_suggests_the_closest_then_the_others():
    err = error("OneCycleLr(max_lr=0.1)")
    head = "': `OneCycleLr` is not a catalog or lrcore schedule name; did you mean torch.OneCycleLR? (also: "
    assert head in err and err.endswith(")"), err
    also = err.split(head)[1][:-1].split(", ")  # every catalog's close names (more as catalogs are added)
    # the few closest (3): which OneCycle-named entries make it depends on the catalogs there are
    assert "paddle.OneCycleLR" in also and all("OneCycle" in a for a in also)


def test_node_error_itself_suggests_the_field():
    with pytest.raises(TypeError) as info:
        lrcore.Cosine(start_value=1.0, steps=10, step=3)
    assert str(info.value) == ("Cosine() got an unexpected keyword argument 'step'; did you mean steps? valid fields: "
                               "start_value, steps, end_value, power")
    with pytest.raises(TypeError) as info:
        lrcore.Constant(value=1.0, zzz=3)
    assert str(info.value) == "Constant() got an unexpected keyword argument 'zzz'; valid fields: value"


def test_config_errors_suggest_the_type_and_the_field():
    with pytest.raises(ValueError) as info:
        lrcore.from_config({"type": "Cosine", "start_value": 1.0, "steps": 3, "end_vale": 0.0})
    assert str(info.value) == ("end_vale: is not a field of Cosine (did you mean end_value? valid fields: start_value, "
                               "steps, end_value, power)")
    with pytest.raises(ValueError) as info:
        lrcore.from_config({"type": "Warmup", "warmup_steps": 1, "schedule": {"type": "cosine"}})
    assert str(info.value).startswith("schedule.type: must be one of Clamp, ")
    assert str(info.value).endswith("got 'cosine'; did you mean Cosine?")


def test_a_deep_nesting_error_names_the_repeated_field_once():
    cfg: dict = {"type": "Constant", "value": 1.0}
    for _ in range(150):
        cfg = {"type": "Warmup", "warmup_steps": 1, "schedule": cfg}
    with pytest.raises(ValueError) as info:
        lrcore.from_config(cfg)
    assert str(info.value) == "schedule×100: must be nested at most 100 levels deep"
    bad: dict = {"type": "Cosine", "start_value": 1.0, "steps": 0}
    for _ in range(20):
        bad = {"type": "Clamp", "min_value": 0.0, "schedule": bad}
    with pytest.raises(ValueError) as info:
        lrcore.from_config(bad)
    assert str(info.value) == "schedule×20.steps: must be an int >= 1 and <= 9007199254740992, got 0"


def test_from_config_and_loads_point_to_each_other():
    s = lrcore.Constant(value=0.5)
    with pytest.raises(ValueError) as info:
        lrcore.from_config(json.loads(lrcore.dumps(s)))
    assert str(info.value) == ('config: must be a schedule\'s config {"type": ...}, got the envelope {"lrcore": ..., '
                               '"schedule": {...}} that lrcore.dumps writes: read its text with lrcore.loads(text), or '
                               'pass data["schedule"] to from_config')
    with pytest.raises(TypeError) as info:
        lrcore.from_config(lrcore.dumps(s))
    assert str(info.value) == ("config must be a dict with a 'type', got str: read the JSON text that lrcore.dumps "
                               "writes with lrcore.loads(text)")
    with pytest.raises(ValueError) as info:
        lrcore.loads(json.dumps(lrcore.to_config(s)))
    assert str(info.value) == ('config: must be an object {"lrcore": <version>, "schedule": {...}} as written by '
                               'lrcore.dumps, got a schedule\'s config {"type": ...} (as to_config writes): build it '
                               'with lrcore.from_config(json.loads(text))')
    with pytest.raises(TypeError) as info:
        lrcore.loads(lrcore.to_config(s))
    assert str(info.value) == ("loads takes the JSON text lrcore.dumps writes, got a dict: build a schedule from a "
                               "config dict with lrcore.from_config(data)")
    assert lrcore.from_config(json.loads(lrcore.dumps(s))["schedule"]) == s == lrcore.loads(lrcore.dumps(s))
