"""TensorBoard: `log_to_tensorboard` writes the planned curve and the applied rates; read back
from the event file with TensorBoard's own EventAccumulator, they are the schedule's values and
the rates each update really ran with (bitwise)."""

from __future__ import annotations

import pytest
import torch
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from torch.utils.tensorboard import SummaryWriter

import lrcore
from lrcore.adapters.tensorboard import log_to_tensorboard
from lrcore.adapters.torch import ScheduleLR


def f32(v: float) -> float:
    """TensorBoard stores float32 scalars."""
    return float(torch.tensor(v, dtype=torch.float32))


def _scalars(logdir, tag):
    acc = EventAccumulator(str(logdir), size_guidance={"scalars": 0})
    acc.Reload()
    return [(e.step, e.value) for e in acc.Scalars(tag)]


def test_planned_and_applied_rates_read_back_from_the_event_file(tmp_path):
    s = lrcore.Warmup(lrcore.Cosine(start_value=0.1, steps=40, end_value=0.001), warmup_steps=10)
    layer = torch.nn.Linear(3, 1)
    opt = torch.optim.AdamW(layer.parameters(), lr=1.0)
    sched = ScheduleLR(opt, s)
    writer = SummaryWriter(str(tmp_path))
    log_to_tensorboard(writer, sched, steps=60)
    seen = []
    for _ in range(25):
        seen.append(opt.param_groups[0]["lr"])
        layer(torch.ones(2, 3)).sum().backward()
        opt.step(); opt.zero_grad(); sched.step()
    writer.close()
    assert _scalars(tmp_path, "lr/planned") == [(t, f32(s(t))) for t in range(60)]
    assert _scalars(tmp_path, "lr/applied") == [(k, f32(v)) for k, v in enumerate(seen)]
    assert seen == [s(t) for t in range(25)]


def test_two_groups_and_factor_mode_get_a_tag_each(tmp_path):
    s = lrcore.Linear(start_value=1.0, end_value=0.0, steps=5)
    a, b = torch.nn.Parameter(torch.zeros(1)), torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([{"params": [a], "lr": 0.5}, {"params": [b], "lr": 0.25}])
    sched = ScheduleLR(opt, s, mode="factor")
    writer = SummaryWriter(str(tmp_path))
    handle = log_to_tensorboard(writer, sched, steps=6, tag="rate")
    for _ in range(3):
        opt.step(); sched.step()
    handle.remove()
    opt.step()  # no longer logged
    writer.close()
    assert [v for _, v in _scalars(tmp_path, "rate/planned/group1")] == [f32(0.25 * s(t)) for t in range(6)]
    assert [v for _, v in _scalars(tmp_path, "rate/applied/group0")] == [f32(0.5 * s(t)) for t in range(3)]


def test_bad_arguments_are_clear_errors(tmp_path):
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    sched = ScheduleLR(opt, lrcore.Constant(value=0.1))
    with pytest.raises(ValueError, match=r"`steps` must be an int >= 1 .*got steps=0"):
        log_to_tensorboard(SummaryWriter(str(tmp_path)), sched, steps=0)
    with pytest.raises(TypeError, match=r"`writer` must have add_scalar"):
        log_to_tensorboard(object(), sched, steps=3)
