"""LightningCLI (jsonargparse): a schedule given on the command line or in the CLI's YAML trains
a tiny model, and the optimizer sees the schedule's rates step by step.

A node class's ``__init__`` signature is its fields with their types (lrcore/_node.py,
``_InitSignature``), which is what jsonargparse reads: ``--model.schedule lrcore.Linear
--model.schedule.steps 8`` and ``class_path``/``init_args`` YAML both work, children included.
"""

from __future__ import annotations

import warnings

import pytest
import torch

import lightning.pytorch as pl
from lightning.pytorch.cli import LightningCLI

import lrcore
from lrcore.adapters.torch import ScheduleLR


class Tiny(pl.LightningModule):
    def __init__(self, schedule: lrcore.Schedule):
        super().__init__()
        self.schedule = schedule
        self.layer = torch.nn.Linear(2, 1)
        self.lrs: list[float] = []

    def training_step(self, batch, i):
        self.lrs.append(self.trainer.optimizers[0].param_groups[0]["lr"])
        return self.layer(batch).pow(2).mean()

    def train_dataloader(self):
        return torch.utils.data.DataLoader(torch.randn(24, 2), batch_size=2)

    def configure_optimizers(self):
        opt = torch.optim.SGD(self.parameters(), lr=1.0)
        return {"optimizer": opt, "lr_scheduler": {"scheduler": ScheduleLR(opt, self.schedule), "interval": "step"}}


def _fit(args: list[str]) -> Tiny:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cli = LightningCLI(Tiny, run=False, args=args, save_config_callback=None,
                           trainer_defaults=dict(max_steps=12, logger=False, enable_checkpointing=False,
                                                 enable_progress_bar=False, enable_model_summary=False,
                                                 accelerator="cpu", devices=1))
        cli.trainer.fit(cli.model)
    return cli.model


def test_a_schedule_on_the_command_line_trains_with_its_rates():
    model = _fit(["--model.schedule", "lrcore.Linear", "--model.schedule.start_value", "0.1",
                  "--model.schedule.end_value", "0.0", "--model.schedule.steps", "8"])
    want = lrcore.Linear(start_value=0.1, end_value=0.0, steps=8)
    assert model.schedule == want
    assert model.lrs == [want(t) for t in range(12)]


def test_a_nested_schedule_in_the_cli_yaml_trains_with_its_rates(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("""
model:
  schedule:
    class_path: lrcore.Warmup
    init_args:
      warmup_steps: 4
      schedule:
        class_path: lrcore.Cosine
        init_args: {start_value: 0.1, steps: 8, end_value: 0.001}
""")
    model = _fit(["--config", str(config)])
    want = lrcore.Warmup(lrcore.Cosine(start_value=0.1, steps=8, end_value=0.001), warmup_steps=4)
    assert model.schedule == want
    assert model.lrs == [want(t) for t in range(12)]


def test_a_bad_value_on_the_command_line_names_the_field():
    # the type (int) passes jsonargparse; the node's own check raises when the CLI builds it
    with pytest.raises(lrcore.ScheduleError, match=r"Linear: `steps` must be an int >= 1 .*, got steps=0"):
        _fit(["--model.schedule", "lrcore.Linear", "--model.schedule.start_value", "0.1",
              "--model.schedule.end_value", "0.0", "--model.schedule.steps", "0"])
