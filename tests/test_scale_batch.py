"""lrcore.scale_batch against detectron2's DefaultTrainer.auto_scale_workers.

detectron2 cannot be installed here; its rule is read from facebookresearch/detectron2,
detectron2/engine/defaults.py at commit 084acd0f781f217e8d7b93a0099b08fce82cd88f
(DefaultTrainer.auto_scale_workers), and written out below line for line:

    scale = num_workers / old_world_size
    bs = cfg.SOLVER.IMS_PER_BATCH = int(round(cfg.SOLVER.IMS_PER_BATCH * scale))
    lr = cfg.SOLVER.BASE_LR = cfg.SOLVER.BASE_LR * scale
    max_iter = cfg.SOLVER.MAX_ITER = int(round(cfg.SOLVER.MAX_ITER / scale))
    warmup_iter = cfg.SOLVER.WARMUP_ITERS = int(round(cfg.SOLVER.WARMUP_ITERS / scale))
    cfg.SOLVER.STEPS = tuple(int(round(s / scale)) for s in cfg.SOLVER.STEPS)

Its docstring's example: IMS_PER_BATCH 16, BASE_LR 0.1, REFERENCE_WORLD_SIZE 8, MAX_ITER 5000,
STEPS (4000,) on 16 GPUs gives IMS_PER_BATCH 32, BASE_LR 0.2, MAX_ITER 2500, STEPS (2000,).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import lrcore


def detectron2_scale(cfg: dict, num_workers: int) -> dict:
    """detectron2's auto_scale_workers on a plain dict (the lines quoted above)."""
    old = cfg["REFERENCE_WORLD_SIZE"]
    if old == 0 or old == num_workers:
        return dict(cfg)
    assert cfg["IMS_PER_BATCH"] % old == 0
    scale = num_workers / old
    return {"IMS_PER_BATCH": int(round(cfg["IMS_PER_BATCH"] * scale)), "BASE_LR": cfg["BASE_LR"] * scale,
            "MAX_ITER": int(round(cfg["MAX_ITER"] / scale)), "WARMUP_ITERS": int(round(cfg["WARMUP_ITERS"] / scale)),
            "STEPS": tuple(int(round(s / scale)) for s in cfg["STEPS"]), "REFERENCE_WORLD_SIZE": num_workers}


def detectron2_schedule(cfg: dict) -> lrcore.Schedule:
    """detectron2's WarmupMultiStepLR as a tree: linear warmup from 0 into a step decay by 0.1."""
    return lrcore.Warmup(lrcore.MultiStep(start_value=cfg["BASE_LR"], milestones=list(cfg["STEPS"]), factor=0.1),
                         warmup_steps=cfg["WARMUP_ITERS"], prefix=False)


def _as_cfg(s: lrcore.Schedule) -> dict:
    """Read a scaled tree back as detectron2's numbers: Product(Constant(k), Warmup(MultiStep))."""
    k, w = s.factors[0].value, s.factors[1]
    return {"BASE_LR": k * w.schedule.start_value, "STEPS": w.schedule.milestones, "WARMUP_ITERS": w.warmup_steps}


EXAMPLE = {"IMS_PER_BATCH": 16, "BASE_LR": 0.1, "REFERENCE_WORLD_SIZE": 8, "MAX_ITER": 5000, "STEPS": (4000,),
           "WARMUP_ITERS": 1000}


def test_detectron2s_own_example() -> None:
    want = detectron2_scale(EXAMPLE, 16)
    assert (want["IMS_PER_BATCH"], want["BASE_LR"], want["MAX_ITER"], want["STEPS"]) == (32, 0.2, 2500, (2000,))
    s = lrcore.Sequential(parts=[detectron2_schedule(EXAMPLE), lrcore.Constant(value=0.0)],
                          boundaries=[EXAMPLE["MAX_ITER"]])
    got = lrcore.scale_batch(s, batch_size=32, reference_batch_size=16)
    assert got.factors[0] == lrcore.Constant(value=2.0)
    inner = got.factors[1]
    assert inner.boundaries == (want["MAX_ITER"],)
    assert _as_cfg(lrcore.Product(factors=(got.factors[0], inner.parts[0]))) == {
        "BASE_LR": want["BASE_LR"], "STEPS": want["STEPS"], "WARMUP_ITERS": want["WARMUP_ITERS"]}
    assert got(2499) == pytest.approx(0.02) and got(2500) == 0.0
    assert lrcore.loads(lrcore.dumps(got)) == got


@given(ref_world=st.sampled_from([1, 2, 4, 8, 16]), world=st.sampled_from([1, 2, 3, 4, 6, 8, 12, 16, 32, 64]),
       per_gpu=st.integers(1, 8), steps=st.lists(st.integers(1, 10**6), min_size=1, max_size=4, unique=True),
       warmup=st.integers(0, 5000), lr=st.floats(1e-5, 1.0))
def test_detectron2s_rule_on_random_configs(ref_world: int, world: int, per_gpu: int, steps: list, warmup: int,
                                            lr: float) -> None:
    cfg = {"IMS_PER_BATCH": per_gpu * ref_world, "BASE_LR": lr, "REFERENCE_WORLD_SIZE": ref_world,
           "MAX_ITER": max(steps) + 1, "STEPS": tuple(sorted(steps)), "WARMUP_ITERS": warmup}
    want = detectron2_scale(cfg, world)
    try:
        got = lrcore.scale_batch(detectron2_schedule(cfg), batch_size=want["IMS_PER_BATCH"],
                                 reference_batch_size=cfg["IMS_PER_BATCH"])
    except lrcore.ScheduleError as e:  # detectron2 makes milestones collide or reach 0; lrcore refuses them
        assert len(set(want["STEPS"])) < len(want["STEPS"]) or min(want["STEPS"]) < 0, e
        assert "scaled by reference_batch_size / batch_size = 1/" in str(e)
        return
    if world == ref_world:
        assert got == detectron2_schedule(cfg)
        return
    c = _as_cfg(got)
    assert c["STEPS"] == want["STEPS"] and c["WARMUP_ITERS"] == want["WARMUP_ITERS"]
    assert math.isclose(c["BASE_LR"], want["BASE_LR"], rel_tol=1e-15)


def test_sqrt_rule_and_keep_steps() -> None:
    s = lrcore.Cosine(start_value=1e-3, steps=1000)
    got = lrcore.scale_batch(s, batch_size=1024, reference_batch_size=256, rule="sqrt", scale_steps=False)
    assert got == lrcore.Product(factors=(lrcore.Constant(value=2.0), s))
    assert got(0) == 2e-3 and got.duration == 1000
    assert lrcore.scale_batch(s, batch_size=256, reference_batch_size=256) is s


def test_every_step_count_is_scaled_and_units_kept() -> None:
    s = lrcore.Sequential(parts=[
        lrcore.Warmup(lrcore.Restart(lrcore.Cosine(start_value=1.0, steps=100), period_steps=400), warmup_steps=40),
        lrcore.Shift(lrcore.Quantize(lrcore.Linear(start_value=1.0, end_value=0.0, steps="800ba"), every=10),
                     steps=-20),
        lrcore.Stretch(lrcore.Piecewise(values=[1.0, 0.5], boundaries=[3]), factor=100),
        lrcore.WSD(peak_value=1.0, warmup_steps="1ep", stable_steps="50%", decay_steps="1Mtok"),
    ], boundaries=[1000, 2000, 2600])
    got = lrcore.scale_batch(s, batch_size=512, reference_batch_size=128).factors[1]
    want = lrcore.Sequential(parts=[
        lrcore.Warmup(lrcore.Restart(lrcore.Cosine(start_value=1.0, steps=25), period_steps=100), warmup_steps=10),
        lrcore.Shift(lrcore.Quantize(lrcore.Linear(start_value=1.0, end_value=0.0, steps=200), every=2),
                     steps=-5),  # every 10 / 4 = 2.5 -> 2 (detectron2's round: halves to even)
        lrcore.Stretch(lrcore.Piecewise(values=[1.0, 0.5], boundaries=[3]), factor=25.0),
        lrcore.WSD(peak_value=1.0, warmup_steps="1ep", stable_steps="50%", decay_steps="1Mtok"),
    ], boundaries=[250, 500, 650])
    assert got == want and got.unresolved == want.unresolved
    assert lrcore.loads(lrcore.dumps(got)) == got


def test_errors() -> None:
    s = lrcore.Warmup(lrcore.Cosine(start_value=1.0, steps=10), warmup_steps=1)
    with pytest.raises(lrcore.ScheduleError) as info:
        lrcore.scale_batch(lrcore.Cosine(start_value=1.0, steps=1), batch_size=64, reference_batch_size=16)
    assert str(info.value) == ("Cosine: `steps` must be an int >= 1 and <= 9007199254740992, got steps=0 "
                               "(steps=1 scaled by reference_batch_size / batch_size = 1/4.0)")
    with pytest.raises(lrcore.ScheduleError, match=r"^scale_batch: `rule` must be one of 'linear', 'sqrt', "
                       r"got rule='log'$"):
        lrcore.scale_batch(s, batch_size=64, reference_batch_size=16, rule="log")
    with pytest.raises(lrcore.ScheduleError, match=r"^scale_batch: `batch_size` must be a number > 0.0, "
                       r"got batch_size=0$"):
        lrcore.scale_batch(s, batch_size=0, reference_batch_size=16)
    with pytest.raises(TypeError, match="^scale_batch: `s` must be an lrcore Schedule, got float$"):
        lrcore.scale_batch(0.1, batch_size=32, reference_batch_size=16)
