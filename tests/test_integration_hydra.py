"""Hydra/OmegaConf: a schedule and a torch ScheduleLR instantiated from YAML with ``_target_``.

Nodes and catalog constructors are plain callables with keyword arguments, so Hydra's
``instantiate`` builds them as written (children as nested ``_target_`` nodes, positional
children under ``_args_``); the scheduler takes ``_partial_: true`` and gets its optimizer
in code.
"""

from __future__ import annotations

import pytest
import torch
from hydra.errors import InstantiationException
from hydra.utils import instantiate
from omegaconf import OmegaConf

import lrcore
from lrcore.adapters.torch import ScheduleLR
from lrcore.catalog import torch as T
from lrcore.testing import assert_close

YAML = """
schedule:
  _target_: lrcore.Warmup
  _args_:
    - _target_: lrcore.MultiStep
      start_value: 0.1
      milestones: [30, 60]
      factor: 0.1
  warmup_steps: 10
onecycle:
  _target_: lrcore.catalog.torch.OneCycleLR
  max_lr: 0.1
  total_steps: 100
scheduler:
  _target_: lrcore.adapters.torch.ScheduleLR
  _partial_: true
  schedule: ${schedule}
"""


def test_a_schedule_from_yaml_is_the_schedule_written_in_python():
    cfg = OmegaConf.create(YAML)
    s = instantiate(cfg.schedule)
    assert s == lrcore.Warmup(lrcore.MultiStep(start_value=0.1, milestones=[30, 60], factor=0.1), warmup_steps=10)
    assert instantiate(cfg.onecycle) == T.OneCycleLR(max_lr=0.1, total_steps=100)


def test_a_scheduler_from_yaml_drives_torch_like_one_built_in_python():
    cfg = OmegaConf.create(YAML)
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    sched = instantiate(cfg.scheduler)(opt)
    assert isinstance(sched, ScheduleLR)
    want = lrcore.Warmup(lrcore.MultiStep(start_value=0.1, milestones=[30, 60], factor=0.1), warmup_steps=10)
    assert_close(sched, want, steps=range(100), rtol=0.0, atol=0.0)


def test_a_bad_value_in_yaml_is_a_clear_error_naming_the_field():
    cfg = OmegaConf.create(YAML)
    cfg.schedule.warmup_steps = -5
    with pytest.raises(InstantiationException) as e:
        instantiate(cfg.schedule)
    # Hydra wraps lrcore's error; its message is inside
    assert "Warmup: `warmup_steps` must be" in str(e.value) and "-5" in str(e.value)
