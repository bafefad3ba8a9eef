"""Add a node outside the package: a decay by a token budget, registered, and used everywhere.

``TokenBudgetDecay`` lowers the rate from ``peak_value`` to ``end_value`` as training spends a
token budget (``tokens_per_step`` tokens per update), linearly or along a cosine in tokens
seen, and holds ``end_value`` once the budget is spent. It is written as CONTRIBUTING.md
("Add a node") says: fields declared with ``lrcore.field``, a cross-field rule in ``validate``,
one ``formula(t, xp)`` with the ops of ``xp``, a ``duration``, and ``@lrcore.register``. Shown:

1. equal values through ``s(t)``, numpy, ``jax.jit`` (float64), torch and paddle (float64);
2. composition: ``Restart(Warmup(node, warmup_steps=20), period_steps=...)``, equal everywhere too;
3. a round trip of that tree through ``lrcore.dumps`` / ``lrcore.loads``;
4. a torch run checkpointed in its second cycle (``torch.save(sched.state_dict())``) and resumed
   by a fresh optimizer and scheduler: the rates and weights equal an uninterrupted run's.

Run it with ``python examples/custom_node.py``.
"""

from __future__ import annotations

import math
import os
import tempfile
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import torch

import lrcore
from lrcore.adapters.torch import ScheduleLR

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # paddle's import warns about ccache
    import paddle

jax.config.update("jax_enable_x64", True)  # float64 under jit, to compare to rtol 1e-12
RTOL = 1e-12


@lrcore.register(package="myproj")  # configs name it "myproj>TokenBudgetDecay"
class TokenBudgetDecay(lrcore.Schedule):
    """``peak_value`` -> ``end_value`` over ``token_budget`` tokens, ``tokens_per_step`` per step."""

    peak_value: float = lrcore.field(gt=0.0)
    tokens_per_step: int = lrcore.field(ge=1)
    token_budget: int = lrcore.field(ge=1)
    end_value: float = lrcore.field(0.0, ge=0.0)
    shape: str = lrcore.field("cosine", choices=("linear", "cosine"))

    def validate(self):  # cross-field rules, run once every field passed its own checks
        if self.end_value > self.peak_value:
            raise lrcore.ScheduleError("TokenBudgetDecay", "end_value", f"<= peak_value = {self.peak_value}",
                                       self.end_value)

    def formula(self, t, xp):  # no Python if / min / max / math on t: xp's ops run on arrays and under jit
        left = xp.maximum(float(self.token_budget) - t * float(self.tokens_per_step), 0.0)  # tokens still to see
        r = xp.div(left, float(self.token_budget))  # the fraction left, 1 -> 0 (a true division under jit too)
        if self.shape == "cosine":  # an `if` on a field is fine: it is fixed for the node
            r = xp.sin(0.5 * math.pi * r) ** 2  # (1 + cos(pi p)) / 2, without its cancellation near p = 1
        return self.end_value + (self.peak_value - self.end_value) * r

    @property
    def duration(self):  # the steps that spend the budget; end_value from then on
        return -(-self.token_budget // self.tokens_per_step)


def largest_rel_diff(got, ref) -> float:
    got, ref = np.asarray(got, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    scale = np.maximum(np.abs(got), np.abs(ref))
    return float(np.max(np.where(got == ref, 0.0, np.abs(got - ref) / np.where(scale > 0, scale, 1.0))))


def same_everywhere(name: str, s: lrcore.Schedule, steps: list[int]) -> None:
    """s(t) at every step against s.evaluate on each library's float64 arrays."""
    ref = [s(t) for t in steps]
    got = {
        "numpy": s.evaluate(np.asarray(steps, dtype=np.float64)),
        "jax.jit": np.asarray(jax.jit(s.evaluate)(jnp.asarray(steps, dtype=jnp.float64))),
        "torch": s.evaluate(torch.tensor(steps, dtype=torch.float64)).numpy(),
        "paddle": s.evaluate(paddle.to_tensor(steps, dtype="float64")).numpy(),
    }
    diffs = {k: largest_rel_diff(v, ref) for k, v in got.items()}
    assert max(diffs.values()) <= RTOL, diffs
    print(f"{name}: s(t) = numpy = jax.jit = torch = paddle at {len(steps)} steps: True "
          f"(largest relative difference {max(diffs.values()):.1e})")


def train(schedule, steps: range, state: dict | None = None):
    """SGD on a tiny linear model over `steps`, from `state` (a checkpoint) or from scratch."""
    torch.manual_seed(0)
    model = torch.nn.Linear(8, 1).double()
    opt = torch.optim.SGD(model.parameters(), lr=0.0, momentum=0.9)
    sched = ScheduleLR(opt, schedule)
    if state is not None:
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        sched.load_state_dict(state["scheduler"])
    lrs = []
    for t in steps:
        g = torch.Generator().manual_seed(t)  # step t's batch
        x = torch.randn(16, 8, generator=g, dtype=torch.float64)
        loss = torch.nn.functional.mse_loss(model(x), x.sum(dim=1, keepdim=True))
        lrs.append(opt.param_groups[0]["lr"])  # the rate this update uses
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    return lrs, model, opt, sched


def main() -> None:
    torch.set_num_threads(1)
    # 100M tokens at 2**19 (256 x 2048) tokens per step: the budget is spent after 191 steps
    s = TokenBudgetDecay(peak_value=3e-4, tokens_per_step=2**19, token_budget=100_000_000, end_value=3e-5)
    print(s)
    print(f"duration: {s.duration} steps; s(0) = {s(0):.6e}, s({s.duration // 2}) = {s(s.duration // 2):.6e}, "
          f"s({s.duration}) = {s(s.duration):.6e}")
    try:
        s.replace(end_value=1e-3)
    except lrcore.ScheduleError as e:
        print(f"validate: {e}")
    print()

    same_everywhere("TokenBudgetDecay", s, list(range(s.duration + 10)))
    same_everywhere("TokenBudgetDecay(shape='linear')", s.replace(shape="linear"), list(range(s.duration + 10)))
    warmed = lrcore.Warmup(s, warmup_steps=20)
    tree = lrcore.Restart(warmed, period_steps=warmed.duration)  # warm up and spend the budget again, each cycle
    same_everywhere("Restart(Warmup(TokenBudgetDecay))", tree, list(range(3 * warmed.duration + 10)))
    print()
    print(warmed.describe())  # the default timeline of the node: its formula over the duration, then constant
    print()

    text = lrcore.dumps(tree)
    back = lrcore.loads(text)
    assert back == tree and back.fingerprint == tree.fingerprint
    print(f"dumps: {text}")
    print(f"loads(dumps(tree)) == tree: {back == tree} (fingerprint {back.fingerprint})")
    print()

    total, half = 2 * warmed.duration, warmed.duration + 50  # resume 50 steps into cycle 1
    ref_lrs, ref_model, _, _ = train(tree, range(total))
    lrs, model, opt, sched = train(tree, range(half))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "checkpoint.pt")
        state = sched.state_dict()  # plain data: the step, the schedule's config and its fingerprint
        torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "scheduler": state}, path)
        print(f"checkpoint at step {half}: scheduler last_epoch {state['last_epoch']}, fingerprint {state['fingerprint']}")
        # a fresh model, optimizer and scheduler, built from the node as loaded from the config text
        more, model, opt, sched = train(lrcore.loads(text), range(half, total), torch.load(path, weights_only=True))
    lrs += more
    same_weights = all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), ref_model.state_dict().values()))
    assert lrs == ref_lrs == [tree(t) for t in range(total)] and same_weights
    print(f"resumed at step {half} with lr {more[0]:.10e} (the schedule's value there: {tree(half):.10e})")
    print(f"resumed lrs equal uninterrupted: {lrs == ref_lrs}")
    print(f"resumed weights equal uninterrupted (bitwise): {same_weights}")
    print(f"lrs equal the schedule at every one of {total} steps: {lrs == [tree(t) for t in range(total)]}")


if __name__ == "__main__":
    main()
