"""lrcore.total_steps against HF Trainer and Lightning, and a "3%" warmup under DDP + accumulation."""

from __future__ import annotations

import math
import os
import tempfile
import warnings
from fractions import Fraction

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

import lrcore
from lrcore.adapters.torch import ScheduleLR

# (dataset size, per-device batch size, grad accumulation, epochs)
CASES = [(100, 8, 4, 3), (37, 4, 1, 2), (64, 8, 8, 1), (65, 8, 8, 2), (10, 16, 3, 5)]


def _data(n: int) -> TensorDataset:
    return TensorDataset(torch.randn(n, 3), torch.randn(n, 1))


@pytest.mark.parametrize(("n", "bs", "accum", "epochs"), CASES)
def test_against_hf_trainer(n: int, bs: int, accum: int, epochs: int) -> None:
    transformers = pytest.importorskip("transformers")

    class Tiny(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lin = torch.nn.Linear(3, 1)

        def forward(self, x: torch.Tensor, y: torch.Tensor) -> dict:  # noqa: D401
            return {"loss": torch.nn.functional.mse_loss(self.lin(x), y)}

    class Pairs(torch.utils.data.Dataset):
        def __init__(self, k: int) -> None:
            self.k = k

        def __len__(self) -> int:
            return self.k

        def __getitem__(self, i: int) -> dict:
            return {"x": torch.zeros(3), "y": torch.zeros(1)}

    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        args = transformers.TrainingArguments(output_dir=tmp, per_device_train_batch_size=bs,
                                              gradient_accumulation_steps=accum, num_train_epochs=epochs,
                                              use_cpu=True, report_to=[], save_strategy="no")
        trainer = transformers.Trainer(model=Tiny(), args=args, train_dataset=Pairs(n))
        loader = trainer.get_train_dataloader()
        hf = trainer.set_initial_training_values(args, loader)
    num_update_steps_per_epoch, max_steps = hf[1], hf[-1]
    assert lrcore.total_steps(epochs=epochs, batches_per_epoch=len(loader), grad_accum=accum) == max_steps
    assert lrcore.total_steps(epochs=epochs, dataset_size=n, batch_size=bs, grad_accum=accum) == max_steps
    assert lrcore.total_steps(epochs=1, batches_per_epoch=len(loader), grad_accum=accum) == num_update_steps_per_epoch


@pytest.mark.parametrize(("n", "bs", "accum", "epochs"), CASES[:3])
def test_against_lightning(n: int, bs: int, accum: int, epochs: int) -> None:
    pl = pytest.importorskip("lightning.pytorch")
    seen: list = []

    class Tiny(pl.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            self.lin = torch.nn.Linear(3, 1)

        def training_step(self, batch: tuple, i: int) -> torch.Tensor:
            x, y = batch
            return torch.nn.functional.mse_loss(self.lin(x), y)

        def configure_optimizers(self) -> torch.optim.Optimizer:
            seen.append(self.trainer.estimated_stepping_batches)
            return torch.optim.SGD(self.parameters(), lr=0.1)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trainer = pl.Trainer(max_epochs=epochs, accumulate_grad_batches=accum, accelerator="cpu", devices=1,
                             logger=False, enable_checkpointing=False, enable_progress_bar=False,
                             enable_model_summary=False)
        trainer.fit(Tiny(), DataLoader(_data(n), batch_size=bs))
    assert seen == [lrcore.total_steps(epochs=epochs, dataset_size=n, batch_size=bs, grad_accum=accum)]
    assert trainer.global_step == seen[0]  # and Lightning did step the optimizer that often


def test_dataset_form_matches_distributed_sampler() -> None:
    for n, bs, world, drop in [(1000, 32, 2, False), (1000, 32, 2, True), (7, 2, 4, False), (101, 10, 3, True)]:
        loader = DataLoader(_data(n), batch_size=bs, drop_last=drop,
                            sampler=DistributedSampler(_data(n), num_replicas=world, rank=world - 1))
        assert lrcore.total_steps(epochs=1, dataset_size=n, batch_size=bs, num_processes=world, drop_last=drop) \
            == len(loader)


def test_errors() -> None:
    with pytest.raises(lrcore.ScheduleError, match=r"^total_steps: `grad_accum` must be an int >= 1, got grad_accum=0$"):
        lrcore.total_steps(epochs=1, batches_per_epoch=10, grad_accum=0)
    with pytest.raises(lrcore.ScheduleError, match=r"^total_steps: `epochs` must be a number > 0.0, got epochs=0$"):
        lrcore.total_steps(epochs=0, batches_per_epoch=10)
    with pytest.raises(TypeError, match=r"^total_steps: give `batches_per_epoch`, or `dataset_size` and `batch_size`$"):
        lrcore.total_steps(epochs=1)
    assert lrcore.total_steps(epochs=2.5, batches_per_epoch=10, grad_accum=4) == 8  # ceil(2.5 * 3), as HF
    assert lrcore.total_steps(epochs=3, batches_per_epoch=10, max_steps=20) == 20


# ------------------------------------------------------------------------------------ DDP
N, BS, ACCUM, EPOCHS, WORLD = 1598, 4, 4, 3, 2


def _ddp_worker(rank: int, port: int, out: str) -> None:
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    dist.init_process_group("gloo", rank=rank, world_size=WORLD)
    torch.manual_seed(0)
    model = torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(3, 1))
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    data = _data(N)
    sampler = DistributedSampler(data, num_replicas=WORLD, rank=rank)
    loader = DataLoader(data, batch_size=BS, sampler=sampler)
    total = lrcore.total_steps(epochs=EPOCHS, batches_per_epoch=len(loader), grad_accum=ACCUM)
    spec = lrcore.Warmup(lrcore.Cosine(start_value=0.1, steps="97%"), warmup_steps="3%")
    sched = ScheduleLR(opt, spec.resolve(total_steps=total))
    lrs, steps = [], 0
    for epoch in range(EPOCHS):
        sampler.set_epoch(epoch)
        for i, (x, y) in enumerate(loader):
            last = i == len(loader) - 1
            loss = torch.nn.functional.mse_loss(model(x), y) / ACCUM
            if (i + 1) % ACCUM and not last:
                with model.no_sync():
                    loss.backward()
                continue
            loss.backward()  # the accumulation boundary (or the epoch's last batch): one optimizer step
            lrs.append(opt.param_groups[0]["lr"])  # the lr this optimizer step uses
            opt.step()
            opt.zero_grad()
            sched.step()
            steps += 1
    torch.save({"lrs": lrs, "steps": steps, "total": total, "batches": len(loader)}, f"{out}/rank{rank}.pt")
    dist.destroy_process_group()


def test_three_percent_warmup_under_ddp_and_accumulation() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as out:
        mp.spawn(_ddp_worker, args=(port, out), nprocs=WORLD, join=True)
        got = [torch.load(f"{out}/rank{r}.pt") for r in range(WORLD)]
    batches = math.ceil(math.ceil(N / WORLD) / BS)        # 200 batches per rank per epoch (the sampler pads)
    per_epoch = math.ceil(batches / ACCUM)                # 50 optimizer steps
    total = EPOCHS * per_epoch                            # 150
    warmup = math.floor(Fraction(3, 100) * total + Fraction(1, 2))  # 4.5 -> 5: halves up (round() gives 4)
    decay = math.floor(Fraction(97, 100) * total + Fraction(1, 2))  # 145.5 -> 146
    assert (batches, total, warmup, decay) == (200, 150, 5, 146)
    assert [g["batches"] for g in got] == [batches] * WORLD
    assert [(g["total"], g["steps"]) for g in got] == [(total, total)] * WORLD  # ranks agree, every step counted
    lrs = got[0]["lrs"]
    assert got[1]["lrs"] == lrs
    assert lrs[:warmup] == pytest.approx([0.1 * k / warmup for k in range(warmup)], rel=1e-12)  # the ramp from 0
    assert lrs[warmup] == 0.1                                           # its end lands on optimizer step 5
    assert lrs[-1] == pytest.approx(0.1 * (1 + math.cos(math.pi * (total - 1 - warmup) / decay)) / 2, rel=1e-12)
