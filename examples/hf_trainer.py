"""Fine-tune a tiny model with the Hugging Face ``Trainer`` under an lrcore schedule, on CPU, offline.

The model is a 2-layer ``BertForSequenceClassification`` built from a config (vocab 100, hidden
16), randomly initialised: nothing is downloaded. The data are random token ids with random
labels. The schedule is ``lrcore.catalog.transformers.get_scheduler("cosine", ...)``, the same
numbers as transformers' own ``get_scheduler("cosine", ...)``, given to the Trainer as
``optimizers=(opt, lrcore.adapters.torch.ScheduleLR(opt, schedule))``.

With ``logging_steps=1`` the Trainer logs ``learning_rate`` at every step. In transformers 5.x
it reads ``lr_scheduler.get_last_lr()[0]`` after ``optimizer.step()`` and before
``lr_scheduler.step()``: the entry logged at ``step = g`` (1-based, after g updates) is the lr
update g - 1 used, i.e. ``schedule(g - 1)``. The script prints each logged value beside
``schedule(g - 1)`` and transformers' own scheduler at the same step, and exits with status 1
if any of them differ.

Run it with ``python examples/hf_trainer.py [--steps N] [--schedule NAME]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import warnings

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach the network
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

import torch  # noqa: E402
from transformers import BertConfig, BertForSequenceClassification, PrinterCallback, Trainer, TrainingArguments  # noqa: E402,E501
from transformers import get_scheduler as hf_get_scheduler  # noqa: E402

from lrcore.adapters.torch import ScheduleLR  # noqa: E402
from lrcore.catalog import transformers as catalog  # noqa: E402

LR = 1e-3
SEQ, VOCAB, BATCH = 8, 100, 4


class RandomTokens(torch.utils.data.Dataset):
    """Random token ids and binary labels, fixed by a seed."""

    def __init__(self, n: int, seed: int = 0) -> None:
        g = torch.Generator().manual_seed(seed)
        self.ids = torch.randint(0, VOCAB, (n, SEQ), generator=g)
        self.labels = torch.randint(0, 2, (n,), generator=g)

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> dict:
        return {"input_ids": self.ids[i], "attention_mask": torch.ones(SEQ, dtype=torch.long), "labels": self.labels[i]}


def tiny_bert() -> BertForSequenceClassification:
    torch.manual_seed(0)
    config = BertConfig(vocab_size=VOCAB, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=SEQ, num_labels=2)
    return BertForSequenceClassification(config)


def hf_reference(name: str, steps: int, warmup: int, kwargs: dict) -> list:
    """transformers' own scheduler of that name: its lr at steps 0..steps."""
    opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=LR)
    sched = hf_get_scheduler(name, opt, num_warmup_steps=warmup, num_training_steps=steps,
                             scheduler_specific_kwargs=kwargs)
    out = []
    for _ in range(steps + 1):
        out.append(sched.get_last_lr()[0])
        opt.step()
        sched.step()
    return out


def train(steps: int = 12, name: str = "cosine", warmup: int = 3, kwargs: dict | None = None) -> list:
    """Run the Trainer; returns [(step, logged lr, schedule(step - 1), transformers' lr)] per logged step."""
    kwargs = dict(kwargs or {})
    schedule = catalog.get_scheduler(name, lr=LR, num_warmup_steps=warmup, num_training_steps=steps,
                                     scheduler_specific_kwargs=kwargs)
    model = tiny_bert()
    opt = torch.optim.AdamW(model.parameters(), lr=LR)
    with tempfile.TemporaryDirectory() as out_dir:
        args = TrainingArguments(output_dir=out_dir, max_steps=steps, per_device_train_batch_size=BATCH,
                                 logging_steps=1, report_to="none", save_strategy="no", use_cpu=True,
                                 disable_tqdm=True, dataloader_num_workers=0, seed=0)
        trainer = Trainer(model=model, args=args, train_dataset=RandomTokens(BATCH * steps),
                          optimizers=(opt, ScheduleLR(opt, schedule)))
        trainer.remove_callback(PrinterCallback)  # the table below shows what it logged
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            trainer.train()
        history = trainer.state.log_history
    ref = hf_reference(name, steps, warmup, kwargs)
    return [(e["step"], e["learning_rate"], schedule(e["step"] - 1), ref[e["step"] - 1])
            for e in history if "learning_rate" in e]


def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--schedule", default="cosine", choices=[n for n in catalog.SCHEDULER_NAMES
                                                                 if n not in ("reduce_lr_on_plateau", "greedy")])
    a = parser.parse_args(argv)
    rows = train(a.steps, a.schedule, a.warmup,
                 {"min_lr_rate": 0.1} if "min_lr" in a.schedule else
                 {"num_decay_steps": max(1, a.steps // 3)} if a.schedule == "warmup_stable_decay" else None)
    print(f"{'step':>4}  {'Trainer logged':>22}  {'schedule(step - 1)':>22}  {'transformers':>22}")
    bad = 0
    for step, logged, mine, theirs in rows:
        ok = logged == mine and abs(logged - theirs) <= 1e-12 * abs(theirs) + 1e-18
        bad += not ok
        print(f"{step:>4}  {logged!r:>22}  {mine!r:>22}  {theirs!r:>22}{'' if ok else '  <- differs'}")
    print(f"{len(rows)} logged steps, {bad} differing")
    return 1 if bad or len(rows) != a.steps else 0


if __name__ == "__main__":
    sys.exit(main())
