"""Clocks: ``ScheduleLR(..., clock="samples" | "tokens")`` and ``step(increment=n)`` (torch, paddle).

The reference is Megatron's sample-based schedule, run for real: megatron-core's
``OptimizerParamScheduler`` (megatron/core/optimizer_param_scheduler.py, megatron-core
0.16.1) drives a torch AdamW, stepped with ``increment`` = the global batch size of each
step (Megatron's ``--rampup-batch-size``: 8, 8, 16, 16, 32, ...); its constructor calls
``step(0)``. ``ScheduleLR(clock="samples")`` drives a second AdamW with the lrcore tree of
the same configuration and is stepped with the same increments:

* lr: ``Warmup(Linear|Cosine(start_value=max_lr, end_value=min_lr, steps=decay - warmup),
  warmup_steps=warmup, start_value=init_lr)`` (Megatron: linear warmup from init_lr for
  ``lr_warmup_steps`` samples, then the decay style to ``lr_decay_steps``, then min_lr);
* weight decay: ``Linear|Cosine(start_value=start_wd, end_value=end_wd, steps=wd_incr_steps)``
  (Megatron's ``wd_incr_style``: its cosine coefficient ``0.5 (cos(pi (1 - r)) + 1)`` is the
  same curve).

Every update's lr and weight decay agree to rtol 1e-12 (lrcore writes the cosine as a
squared sine, Megatron as 1 + cos, so the last bits may differ), and so do the parameters.
"""

from __future__ import annotations

import io
import pickle
import warnings

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

import lrcore  # noqa: E402
from lrcore import Constant, Cosine, Linear, Warmup  # noqa: E402
from lrcore.adapters.torch import ScheduleLR  # noqa: E402

with warnings.catch_warnings():  # "Transformer Engine and Apex are not installed": it falls back to torch
    warnings.simplefilter("ignore", UserWarning)
    megatron = pytest.importorskip("megatron.core.optimizer_param_scheduler")


def ramp(start: int, step_size: int, every: int, final: int, n: int) -> list[int]:
    """Megatron's batch-size ramp-up: start, raised by step_size every `every` steps, up to final."""
    return [min(start + step_size * (i // every), final) for i in range(n)]


def net(seed: int = 0) -> torch.nn.Module:
    torch.manual_seed(seed)
    return torch.nn.Linear(4, 2).double()


def train_step(model: torch.nn.Module, opt: torch.optim.Optimizer, batch: int, i: int) -> None:
    g = torch.Generator().manual_seed(i)
    x = torch.randn(batch, 4, generator=g, dtype=torch.float64)
    opt.zero_grad()
    (model(x) ** 2).mean().backward()
    opt.step()


def lrcore_tree(cfg: dict) -> dict:
    decay = {"linear": Linear, "cosine": Cosine}[cfg["lr_decay_style"]]
    wd = {"linear": Linear, "cosine": Cosine}[cfg["wd_incr_style"]]
    return {
        "lr": Warmup(decay(start_value=cfg["max_lr"], end_value=cfg["min_lr"],
                           steps=cfg["lr_decay_steps"] - cfg["lr_warmup_steps"]),
                     warmup_steps=cfg["lr_warmup_steps"], start_value=cfg["init_lr"]),
        "weight_decay": wd(start_value=cfg["start_wd"], end_value=cfg["end_wd"], steps=cfg["wd_incr_steps"]),
    }


def run_both(cfg: dict, batches: list[int]) -> None:
    model_m, model_l = net(), net()
    opt_m = torch.optim.AdamW(model_m.parameters(), lr=0.0)
    opt_l = torch.optim.AdamW(model_l.parameters(), lr=0.0)
    meg = megatron.OptimizerParamScheduler(opt_m, **cfg)  # calls step(0)
    ours = ScheduleLR(opt_l, lrcore_tree(cfg), clock="samples")
    # Megatron's 1 + cos (near the end of a cosine decay, and near the start of a rising cosine
    # weight decay, where 1 - cos(x) cancels) is exact to an ulp or so of the amplitude only:
    # 2**-50 of it absolutely, the bound `lrcore verify` documents for Megatron (a draw found
    # 2.8e-15 on a weight decay rising 0 -> 0.125 at its second step)
    lr_abs = 2.0**-50 * max(abs(cfg["max_lr"]), abs(cfg["min_lr"]), abs(cfg["init_lr"]), 1e-300)
    wd_abs = 2.0**-50 * max(abs(cfg["start_wd"]), abs(cfg["end_wd"]), 1e-300)
    for i, b in enumerate(batches):
        gm, gl = opt_m.param_groups[0], opt_l.param_groups[0]
        assert gl["lr"] == pytest.approx(gm["lr"], rel=1e-12, abs=lr_abs), (i, meg.num_steps)
        assert gl["weight_decay"] == pytest.approx(gm["weight_decay"], rel=1e-12, abs=wd_abs), (i, meg.num_steps)
        train_step(model_m, opt_m, b, i)
        train_step(model_l, opt_l, b, i)
        meg.step(increment=b)
        ours.step(increment=b)
        assert ours.last_epoch == meg.num_steps
    for p, q in zip(model_m.parameters(), model_l.parameters()):
        torch.testing.assert_close(q, p, rtol=1e-12, atol=1e-15)


MEGATRON_GPT = dict(init_lr=0.0, max_lr=6e-4, min_lr=6e-5, lr_warmup_steps=64, lr_decay_steps=1024,
                    lr_decay_style="cosine", start_wd=0.01, end_wd=0.1, wd_incr_steps=1024, wd_incr_style="linear")


def test_a_sample_clock_under_a_batch_ramp_is_megatrons_sample_schedule():
    batches = ramp(8, 8, 2, 64, 40)  # 8, 8, 16, 16, 24, ... 64: 1664 samples, past the decay
    assert batches[:6] == [8, 8, 16, 16, 24, 24] and sum(batches) > 1024
    run_both(MEGATRON_GPT, batches)


def test_the_same_schedule_on_the_step_clock_is_off_under_the_ramp():
    """Why the clock: counted in steps, the same tree is not Megatron's schedule."""
    batches = ramp(8, 8, 2, 64, 12)
    opt = torch.optim.AdamW(net().parameters(), lr=0.0)
    tree = lrcore_tree(MEGATRON_GPT)
    steps = ScheduleLR(opt, tree)
    opt_m = torch.optim.AdamW(net().parameters(), lr=0.0)
    meg = megatron.OptimizerParamScheduler(opt_m, **MEGATRON_GPT)
    for b in batches:
        opt.step(), opt_m.step()
        steps.step(), meg.step(increment=b)
    assert opt_m.param_groups[0]["lr"] == pytest.approx(tree["lr"](sum(batches)), rel=1e-12)
    assert opt.param_groups[0]["lr"] == tree["lr"](12) != pytest.approx(opt_m.param_groups[0]["lr"], rel=0.1)


@st.composite
def megatron_configs(draw):
    warmup = draw(st.integers(1, 200))
    decay = draw(st.integers(warmup + 1, 2000))
    max_lr = draw(st.floats(1e-5, 1e-2))
    start_wd = draw(st.floats(0.0, 0.1))
    return dict(init_lr=draw(st.floats(0.0, max_lr)), max_lr=max_lr, min_lr=draw(st.floats(0.0, max_lr)),
                lr_warmup_steps=warmup, lr_decay_steps=decay, lr_decay_style=draw(st.sampled_from(["linear", "cosine"])),
                start_wd=start_wd, end_wd=draw(st.floats(start_wd, 0.2)), wd_incr_steps=draw(st.integers(1, 2000)),
                wd_incr_style=draw(st.sampled_from(["linear", "cosine"])))


@given(cfg=megatron_configs(), start=st.integers(1, 32), step_size=st.integers(0, 32), every=st.integers(1, 4),
       n=st.integers(1, 20))
@example(cfg={"init_lr": 0.0, "max_lr": 0.0078125, "min_lr": 0.0, "lr_warmup_steps": 1, "lr_decay_steps": 2,
              "lr_decay_style": "linear", "start_wd": 0.0, "end_wd": 0.125, "wd_incr_steps": 394,
              "wd_incr_style": "cosine"}, start=1, step_size=0, every=1, n=2)  # Megatron's 1 - cos cancels
def test_any_sample_schedule_under_any_ramp_is_megatrons(cfg, start, step_size, every, n):
    run_both(cfg, ramp(start, step_size, every, 256, n))


# ------------------------------------------------------------------------ the torch clock

S = Warmup(Cosine(start_value=0.1, steps=900, end_value=0.01), warmup_steps=100)


def opt_and_sched(clock: str = "samples", **kwargs):
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.0, momentum=0.0)
    return opt, ScheduleLR(opt, kwargs.pop("schedule", S), clock=clock, **kwargs)


def test_the_clock_counts_increments_from_zero():
    opt, sched = opt_and_sched("tokens")
    assert sched.last_epoch == 0 and opt.param_groups[0]["lr"] == S(0)
    for n in (4096, 4096, 8192):
        opt.step()
        sched.step(increment=n)
    assert sched.last_epoch == 16384 and opt.param_groups[0]["lr"] == S(16384) and sched.get_last_lr() == [S(16384)]
    sched.step(epoch=50)  # go to a count
    assert sched.last_epoch == 50 and opt.param_groups[0]["lr"] == S(50)


def test_the_step_clock_takes_an_optional_increment():
    opt, sched = opt_and_sched("steps")
    opt.step()
    sched.step()
    sched.step(increment=3)
    assert sched.last_epoch == 4 and opt.param_groups[0]["lr"] == S(4)


@pytest.mark.parametrize("increment", [None, 0, -8, 1.5, True, "8"])
def test_a_sample_clock_needs_a_positive_int_increment(increment):
    opt, sched = opt_and_sched()
    opt.step()
    with pytest.raises(ValueError, match=r"ScheduleLR.step: `increment` must be an int >= 1 with clock='samples' \(the "
                                         rf"samples this step consumed: step\(increment=n\)\), got increment={increment!r}"):
        sched.step(increment=increment)
    assert sched.last_epoch == 0 and sched._step_count == 1  # nothing moved


def test_epoch_and_increment_together_are_refused():
    opt, sched = opt_and_sched()
    with pytest.raises(ValueError, match=r"give `epoch` \(go to that count\) or `increment` \(advance by it\), not both"):
        sched.step(epoch=3, increment=8)


@pytest.mark.parametrize("kwargs, message", [
    ({"clock": "epochs"}, r"ScheduleLR: `clock` must be one of 'steps', 'samples', 'tokens', got clock='epochs'"),
    ({"clock": "samples", "step_source": "optimizer"},
     r"clock='samples' counts what step\(increment=n\) is given, so it needs step_source='scheduler'"),
    ({"clock": "tokens", "last_epoch": 9}, r"with clock='tokens', resume with load_state_dict .*got last_epoch=9"),
])
def test_bad_clocks_are_refused_at_construction(kwargs, message):
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    if "last_epoch" in kwargs:
        opt.param_groups[0]["initial_lr"] = 0.1
    with pytest.raises(ValueError, match=message):
        ScheduleLR(opt, S, **kwargs)


def test_increment_with_the_optimizer_step_source_is_refused():
    opt, sched = opt_and_sched("steps", step_source="optimizer")
    with pytest.raises(ValueError, match=r"`increment` cannot be given with step_source='optimizer'"):
        sched.step(increment=2)


def save_load(obj):
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    return torch.load(buf, weights_only=True)


@given(batches=st.lists(st.integers(1, 512), min_size=2, max_size=20), cut=st.integers(1, 19))
def test_resume_keeps_the_clock_and_its_count(batches, cut):
    cut = min(cut, len(batches) - 1)
    opt, sched = opt_and_sched()
    for b in batches[:cut]:
        opt.step()
        sched.step(increment=b)
    sd = save_load(sched.state_dict())
    assert sd["clock"] == "samples" and sd["last_epoch"] == sum(batches[:cut])
    opt2, sched2 = opt_and_sched()
    sched2.load_state_dict(sd)
    for b in batches[cut:]:
        opt2.step()
        sched2.step(increment=b)
    assert sched2.last_epoch == sum(batches) and opt2.param_groups[0]["lr"] == S(sum(batches))


@pytest.mark.parametrize("saved, now", [("samples", "steps"), ("steps", "tokens"), ("tokens", "samples")])
def test_resuming_on_another_clock_is_an_error_under_every_policy(saved, now):
    opt, sched = opt_and_sched(saved)
    sd = save_load(sched.state_dict())
    for policy in ("error", "checkpoint", "current"):
        opt2, sched2 = opt_and_sched(now, on_change=policy)
        with pytest.raises(ValueError, match=rf"the checkpoint counts {saved} \(clock='{saved}'\) and this scheduler "
                                             rf"{now} \(clock='{now}'\).*build the scheduler with clock='{saved}'"):
            sched2.load_state_dict(sd)
        assert sched2.clock == now


def test_a_checkpoint_written_before_clocks_counted_steps():
    opt, sched = opt_and_sched("steps")
    sd = sched.state_dict()
    del sd["clock"]
    opt_and_sched("steps")[1].load_state_dict(sd)
    with pytest.raises(ValueError, match=r"the checkpoint counts steps \(clock='steps'\) and this scheduler samples"):
        opt_and_sched("samples")[1].load_state_dict(sd)


def test_pickle_keeps_the_clock():
    opt, sched = opt_and_sched("tokens")
    opt.step()
    sched.step(increment=10)
    again = pickle.loads(pickle.dumps(sched))
    assert again.clock == "tokens" and again.last_epoch == 10
    with pytest.raises(ValueError, match="with clock='tokens'"):
        again.step()
    assert "clock='tokens'" in repr(again)


def test_a_plateau_schedule_on_a_sample_clock():
    opt, sched = opt_and_sched(schedule=Constant(value=0.1) * lrcore.Plateau(factor=0.5, patience=0))
    for metric, n in ((1.0, 8), (2.0, 8), (3.0, 16)):
        opt.step()
        sched.step(metric, increment=n)
    assert sched.last_epoch == 32 and opt.param_groups[0]["lr"] == 0.025
    with pytest.raises(ValueError, match="with clock='samples'"):
        sched.step(0.1)
    assert sched.best == 1.0  # the refused step did not fold its metric in
