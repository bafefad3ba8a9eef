"""TensorBoard: the planned curve and the applied rates of a torch `ScheduleLR`, in one call.

``log_to_tensorboard(writer, sched, steps=N)`` writes, through ``writer.add_scalar(tag, value,
step)`` (``torch.utils.tensorboard.SummaryWriter``, or any writer with that method):

* now, the planned curve: ``"{tag}/planned"`` at steps 0..N-1, the rate the schedule gives
  each step (``s(t)``, times the group's base rate with ``mode="factor"``; a plateau schedule's
  plan is its schedule before any reduction);
* then, at every optimizer update, the applied rate: ``"{tag}/applied"``, the learning rate the
  update ran with (read in an optimizer step pre-hook, so it is what ``optimizer.step()``
  used, whoever set it), at the update's index (0, 1, ...).

With several param groups the tags end in ``/group{i}``. It returns the hook's handle
(``handle.remove()`` stops the applied log). The writer is flushed by its owner as usual.

>>> import tempfile, torch, lrcore
>>> from torch.utils.tensorboard import SummaryWriter
>>> from lrcore.adapters.torch import ScheduleLR
>>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
>>> sched = ScheduleLR(opt, lrcore.Linear(start_value=0.1, end_value=0.0, steps=4))
>>> writer = SummaryWriter(tempfile.mkdtemp())
>>> handle = log_to_tensorboard(writer, sched, steps=6)
>>> for _ in range(3):
...     opt.step(); sched.step()
>>> writer.close()
"""

from __future__ import annotations

from typing import Any

import torch

from lrcore import PlateauSchedule
from lrcore.adapters.torch import ScheduleLR

__all__ = ["log_to_tensorboard"]


def _planned(sched: ScheduleLR, i: int, steps: int) -> list[float]:
    s = sched.schedule[i] if isinstance(sched.schedule, tuple) else sched.schedule
    if isinstance(s, PlateauSchedule):
        s = s.schedule
    values = [float(v) for v in s.evaluate(range(steps))]
    if sched.mode == "factor":
        base = float(sched.base_lrs[i])
        values = [base * v for v in values]
    return values


def log_to_tensorboard(writer: Any, sched: ScheduleLR, *, steps: int, tag: str = "lr") -> Any:
    """Log ``sched``'s planned curve over ``steps`` steps now and each update's applied rate as
    it runs (see the module docstring); returns the optimizer hook's handle."""
    if not isinstance(sched, ScheduleLR):
        raise TypeError(f"log_to_tensorboard: `sched` must be an lrcore.adapters.torch.ScheduleLR, got "
                        f"{type(sched).__name__}")
    if not callable(getattr(writer, "add_scalar", None)):
        raise TypeError(f"log_to_tensorboard: `writer` must have add_scalar(tag, value, step) (a SummaryWriter), "
                        f"got {type(writer).__name__}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"log_to_tensorboard: `steps` must be an int >= 1 (the planned curve's length), got "
                         f"steps={steps!r}")
    groups = sched.optimizer.param_groups
    many = len(groups) > 1

    def suffix(i: int) -> str:
        return f"/group{i}" if many else ""

    for i in range(len(groups)):
        for t, v in enumerate(_planned(sched, i, steps)):
            writer.add_scalar(f"{tag}/planned{suffix(i)}", v, t)
    updates = [0]

    def applied(optimizer: torch.optim.Optimizer, args: Any, kwargs: Any) -> None:
        for i, g in enumerate(optimizer.param_groups):
            writer.add_scalar(f"{tag}/applied{suffix(i)}", float(g["lr"]), updates[0])
        updates[0] += 1

    return sched.optimizer.register_step_pre_hook(applied)
