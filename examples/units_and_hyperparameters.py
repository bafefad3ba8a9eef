"""Schedules for every hyperparameter, and a schedule counted in samples.

1. torch: ScheduleLR with a dict: a learning rate, a momentum (betas[0] of AdamW) and a
   weight decay schedule, one dict per param group (no weight decay on the biases).
2. The sample clock: a batch-size ramp-up (8, 8, 16, 16, 32, ...) with the schedule counted in
   samples, as Megatron does, so the warmup ends after the same number of samples whatever
   the batch sizes.

Run: python examples/units_and_hyperparameters.py
"""

import torch

import lrcore
from lrcore.adapters.torch import ScheduleLR

torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))
weights = [p for n, p in model.named_parameters() if n.endswith("weight")]
biases = [p for n, p in model.named_parameters() if n.endswith("bias")]

# -- 1. every hyperparameter, per param group ------------------------------------------------
lr = lrcore.Warmup(lrcore.Cosine(start_value=1e-3, steps=900, end_value=1e-5), warmup_steps=100)
momentum = lrcore.Warmup(lrcore.Constant(value=0.9), warmup_steps=100, start_value=0.95)  # beta1: 0.95 -> 0.9
weight_decay = lrcore.Linear(start_value=0.05, end_value=0.1, steps=1000)
opt = torch.optim.AdamW([{"params": weights}, {"params": biases}], lr=0.0)
sched = ScheduleLR(opt, [{"lr": lr, "momentum": momentum, "weight_decay": weight_decay},
                         {"lr": lr, "momentum": momentum, "weight_decay": lrcore.Constant(value=0.0)}])
print("step  lr         beta1   weight_decay  (weights group; biases: weight_decay 0)")
for step in range(301):
    if step % 100 == 0:
        g = opt.param_groups[0]
        print(f"{step:<5} {g['lr']:.3e}  {g['betas'][0]:.4f}  {g['weight_decay']:.4f}")
    x = torch.randn(4, 8)
    opt.zero_grad()
    model(x).pow(2).mean().backward()
    opt.step()
    sched.step()
assert opt.param_groups[1]["weight_decay"] == 0.0

# -- 2. a sample clock under a batch-size ramp-up ----------------------------------------------
lr_in_samples = lrcore.Warmup(lrcore.Cosine(start_value=1e-3, steps=3000, end_value=1e-5), warmup_steps=1000)
opt = torch.optim.AdamW(model.parameters(), lr=0.0)
sched = ScheduleLR(opt, lr_in_samples, clock="samples")
batches = [min(8 * 2 ** (i // 2), 64) for i in range(80)]  # 8, 8, 16, 16, 32, 32, 64, ...
print("\nstep  batch  samples  lr")
for step, batch in enumerate(batches):
    x = torch.randn(batch, 8)
    opt.zero_grad()
    model(x).pow(2).mean().backward()
    opt.step()
    sched.step(increment=batch)
    if step in (0, 5, 19, 79):
        print(f"{step:<5} {batch:<6} {sched.last_epoch:<8} {opt.param_groups[0]['lr']:.3e}")
state = sched.state_dict()
print(f"\ncheckpoint: clock={state['clock']!r}, count={state['last_epoch']}")
