"""`lrcore verify` for deepspeed, megatron, fvcore, mmengine (the real installed peers) and nemo, fairseq, composer (exit 3).

The exit codes run the command as a subprocess; the rest calls `verify` in this process (the
peers' imports take seconds each, once). The hypothesis tests draw calls with
`lrcore.testing.catalog_kwargs` and require every step to be equal within rtol 1e-12 or
explained by the peer's documented deviation: the search that found the deviations of
`lrcore.adapters._verify_peers`, kept as a test. Expected values come from the peers' catalog
tests (tests/test_catalog_{deepspeed,megatron,fvcore,mmengine}.py), not from the code under test.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lrcore.adapters._verify import DEVIATIONS, PACKAGES, PEERS, verify
from lrcore.catalog import deepspeed as D
from lrcore.catalog import fvcore as F
from lrcore.catalog import megatron as M
from lrcore.catalog import mmengine as MM
from lrcore.testing import catalog_kwargs

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("torch")
pytest.importorskip("deepspeed")
pytest.importorskip("megatron.core")
pytest.importorskip("fvcore")
pytest.importorskip("mmengine")


def run(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8", JAX_PLATFORMS="cpu")
    return subprocess.run([sys.executable, "-m", "lrcore", "verify", *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=ROOT, env=env, timeout=300, check=False)


def check(spec: str, steps: int | None = None, ok=("equal", "deviation")):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = verify(spec, steps)
    assert r.status in ok, (spec, r.status, r.unexplained, r.stopped)
    assert r.compared > 0
    return r


def spec_of(catalog: str, name: str, kw: dict) -> str:
    return f"{catalog}.{name}(" + ", ".join(f"{k}={v!r}" for k, v in kw.items()) + ")"


# -------------------------------------------------------------------- exit codes, as a subprocess

def test_exit_0_names_the_peer_and_its_version():
    proc = run("megatron.OptimizerParamScheduler(max_lr=1.0, min_lr=0.1, lr_warmup_steps=3, lr_decay_steps=10, "
               'lr_decay_style="cosine")', "--steps", "12")
    assert proc.returncode == 0, proc.stderr
    assert "peer: megatron.core.optimizer_param_scheduler.OptimizerParamScheduler (megatron.core 0.16.1)" in proc.stdout
    assert "result: equal within tolerance" in proc.stdout


def test_exit_1_beyond_a_tolerance_no_deviation_explains():
    # WarmupLR documents no deviation; its log ramp ln(i + 1) / ln(W) rounds an ulp apart from lrcore's at
    # some steps, which --rtol 0 puts beyond tolerance
    proc = run("deepspeed.WarmupLR(warmup_min_lr=0.0, warmup_max_lr=0.001, warmup_num_steps=1000)", "--rtol", "0")
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert re.search(r"^unexplained: step \d+ \(peer .*\): no documented deviation$", proc.stdout, re.M)
    assert "result: different" in proc.stdout


@pytest.mark.parametrize("spec, package", [
    ("nemo.CosineAnnealing(lr=0.1, max_steps=100)", "'nemo', which is not installed: pip install nemo_toolkit"),
    ("fairseq.cosine(lr=0.1, max_update=100)", "'fairseq', which is not installed: pip install fairseq"),
    ("composer.CosineAnnealingScheduler(lr=0.1, t_max=100)", "'composer', which is not installed: pip install mosaicml"),
])
def test_exit_3_for_the_peers_that_do_not_install(spec, package):
    module = spec.split(".")[0]
    if importlib.util.find_spec(module) is not None:
        pytest.fail(f"{module} is installed here: this test expects it not to be")
    proc = run(spec)
    assert proc.returncode == 3, (proc.stdout, proc.stderr)
    assert re.fullmatch(rf"lrcore verify: the peer of catalog '{module}' needs {re.escape(package)}\n", proc.stderr)
    assert proc.stdout == ""


def test_exit_3_for_detectron2s_entries_of_the_fvcore_catalog():
    assert importlib.util.find_spec("detectron2") is None
    proc = run("fvcore.LRMultiplier(lr=0.02, multiplier=fvcore.CosineParamScheduler(start_value=1.0, end_value=0.0, "
               "max_iter=100), max_iter=100)")
    assert proc.returncode == 3, (proc.stdout, proc.stderr)
    assert "fvcore.LRMultiplier is detectron2's, and 'detectron2' is not installed" in proc.stderr


def test_the_tables_know_every_new_catalog():
    for c in ("deepspeed", "megatron", "fvcore", "mmengine", "nemo", "fairseq", "composer"):
        assert c in PEERS and c in PACKAGES


# -------------------------------------------------------------------- famous configurations

FAMOUS = [
    # (spec, steps, result): the configurations of the catalog tests' FAMOUS lists
    ("deepspeed.WarmupLR(warmup_min_lr=0.0, warmup_max_lr=0.001, warmup_num_steps=1000)", 1300, "equal"),
    ("deepspeed.WarmupDecayLR(total_num_steps=10000, warmup_min_lr=0.0, warmup_max_lr=0.001, warmup_num_steps=1000)",
     10100, "equal"),
    ("deepspeed.OneCycle(cycle_first_step_size=1000, cycle_first_stair_count=500, cycle_second_step_size=1000, "
     "cycle_second_stair_count=500, decay_step_size=1000, cycle_min_lr=0.0001, cycle_max_lr=0.0010, "
     "decay_lr_rate=0.001, cycle_min_mom=0.85, cycle_max_mom=0.99, decay_mom_rate=0.0)", 4000, "equal"),
    ("deepspeed.LRRangeTest(lr_range_test_min_lr=0.0001, lr_range_test_step_size=200, lr_range_test_step_rate=5, "
     "lr_range_test_staircase=False)", 2000, "equal"),
    # (1 + cos) / 2 at the last steps of the decay
    ("deepspeed.WarmupCosineLR(lr=0.1, total_num_steps=1000, warmup_num_steps=10, cos_min_ratio=0.0)", 1100,
     "deviation"),
    ("megatron.OptimizerParamScheduler(max_lr=1.5e-4, min_lr=1e-5, lr_warmup_steps=3200, lr_decay_steps=320000, "
     'lr_decay_style="cosine")', 4000, "equal"),
    ('megatron.OptimizerParamScheduler(max_lr=0.1, lr_decay_steps=1000, lr_decay_style="cosine")', 1100, "deviation"),
    ("megatron.OptimizerParamScheduler_weight_decay(start_wd=0.0, end_wd=0.1, wd_incr_steps=1000, "
     'wd_incr_style="cosine")', 1100, "deviation"),
    ("fvcore.MultiStepParamScheduler(values=[1.0, 0.1, 0.01], milestones=[600, 800], num_updates=900, max_iter=900)",
     900, "equal"),
    ("fvcore.CosineParamScheduler(start_value=0.1, end_value=0.0, max_iter=1000)", 1000, "deviation"),
    # mmdet faster-rcnn 1x (5 iterations an epoch) and a warmup + cosine over iterations
    ('mmengine.param_scheduler(lr=0.02, epoch_length=5, schedulers=[{"type": "LinearLR", "start_factor": 0.001, '
     '"by_epoch": False, "begin": 0, "end": 7}, {"type": "MultiStepLR", "begin": 0, "end": 12, "by_epoch": True, '
     '"milestones": [8, 11], "gamma": 0.1}])', 70, "equal"),
    ('mmengine.param_scheduler(lr=0.1, schedulers=[{"type": "LinearLR", "start_factor": 0.001, "by_epoch": False, '
     '"end": 77}, {"type": "CosineAnnealingLR", "T_max": 444, "by_epoch": False, "begin": 77, "end": 521}])', 530,
     "deviation"),
    ("mmengine.PolyLR(lr=0.01, eta_min=1e-4, power=0.9, begin=0, end=80, by_epoch=False)", 90, "equal"),
]


@pytest.mark.parametrize("spec, steps, status", FAMOUS, ids=[f[0].split("(")[0] + f"-{i}" for i, f in enumerate(FAMOUS)])
def test_famous_configurations(spec, steps, status):
    r = check(spec, steps, ok=(status,))
    if status == "deviation":
        assert r.deviation is DEVIATIONS[spec.split("(")[0]]


def test_fvcore_stops_at_where_1_and_says_so():
    r = check("fvcore.ConstantParamScheduler(value=0.5, max_iter=20)", 25, ok=("equal",))
    assert r.compared == 20 and "t = max_iter = 20 is where = 1" in r.stopped


def test_mmengine_one_cycle_stops_past_total_steps_as_torchs():
    r = check("mmengine.OneCycleLR(lr=0.1, eta_max=1.0, total_steps=20, pct_start=0.25, by_epoch=False)", 30,
              ok=("equal", "deviation"))
    assert r.compared == 21 and r.stopped.startswith("ValueError: Tried to step")


def test_fvcore_rescaled_step_scheduler_jumps_a_step_early():
    # lrcore's limit: Step in a rescaled interval of 0.79 of 109 steps; fvcore's index at t = 22 is already 1
    r = check("fvcore.CompositeParamScheduler(schedulers=[fvcore.StepParamScheduler(max_iter=109, num_updates=311, "
              "values=[0.1, 1.0, 0.0003, 8.0]), fvcore.PolynomialDecayParamScheduler(max_iter=109, base_value=0.0003, "
              "power=1.0)], lengths=[0.79, 0.21], interval_scaling=['rescaled', 'fixed'], max_iter=109)",
              ok=("deviation",))
    assert r.first == (22, 1.0, 0.1)


# -------------------------------------------------------------------- drawn calls: equal or documented

SWEEP = settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@SWEEP
@given(data=st.data(), fn=st.sampled_from([D.WarmupLR, D.WarmupDecayLR, D.WarmupCosineLR, D.OneCycle,
                                           D.OneCycle_momentum, D.LRRangeTest]))
def test_drawn_deepspeed_calls(data, fn):
    check(spec_of("deepspeed", fn.__name__, data.draw(catalog_kwargs(fn))), 600)


@SWEEP
@given(data=st.data(), fn=st.sampled_from([M.OptimizerParamScheduler, M.OptimizerParamScheduler_weight_decay]))
def test_drawn_megatron_calls(data, fn):
    check(spec_of("megatron", fn.__name__, data.draw(catalog_kwargs(fn))), 600)


_FV_LEAVES = ["ConstantParamScheduler", "CosineParamScheduler", "LinearParamScheduler", "ExponentialParamScheduler",
              "PolynomialDecayParamScheduler", "StepParamScheduler", "StepWithFixedGammaParamScheduler",
              "MultiStepParamScheduler"]


def _fv_leaf(data, m: int) -> str:
    name = data.draw(st.sampled_from(_FV_LEAVES))
    kw = dict(data.draw(catalog_kwargs(getattr(F, name))), max_iter=m)
    return spec_of("fvcore", name, kw)


@SWEEP
@given(data=st.data(), m=st.integers(1, 600))
def test_drawn_fvcore_calls(data, m):
    check(_fv_leaf(data, m))
    k = data.draw(st.integers(1, 3))
    cuts = sorted(data.draw(st.lists(st.integers(1, 99), min_size=k - 1, max_size=k - 1, unique=True)))
    lengths = [(b - a) / 100 for a, b in zip([0, *cuts], [*cuts, 100])]
    scaling = data.draw(st.lists(st.sampled_from(["rescaled", "fixed"]), min_size=k, max_size=k))
    kids = ", ".join(_fv_leaf(data, m) for _ in range(k))
    check(f"fvcore.CompositeParamScheduler(schedulers=[{kids}], lengths={lengths!r}, interval_scaling={scaling!r}, "
          f"max_iter={m})")


_MM_NAMES = sorted(n for n in MM.__all__ if n != "INF")


@SWEEP
@given(data=st.data(), name=st.sampled_from(_MM_NAMES))
def test_drawn_mmengine_calls(data, name):
    check(spec_of("mmengine", name, data.draw(catalog_kwargs(getattr(MM, name)))), 600)
