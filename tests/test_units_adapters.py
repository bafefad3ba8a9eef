"""The adapters resolve durations in units when a schedule is attached, and resume checks them.

``ScheduleLR(opt, s, total_steps=...)`` (torch, paddle), ``as_schedule(s, total_steps=...)``
(optax, keras) and optax's ``inject`` run the resolved tree: the same rates as
``s.resolve(...)`` given directly. An unresolved schedule without the keyword it needs is
refused at construction. A torch/paddle checkpoint keeps the spec as written and the keywords;
resuming under another total (or another spelling) is a reported change.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import lrcore
from lrcore.testing import assert_close

SPEC = lrcore.Warmup(lrcore.Cosine(start_value=0.1, steps="90%", end_value=0.001), warmup_steps="1ep")
MOM = lrcore.Linear(start_value=0.85, end_value=0.95, steps="50%")


@given(total=st.integers(20, 400), per_epoch=st.integers(1, 10))
def test_torch_resolves_when_attached_and_runs_the_resolved_tree(total, per_epoch):
    import torch

    from lrcore.adapters.torch import ScheduleLR

    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=1.0, momentum=0.9)
    sched = ScheduleLR(opt, {"lr": SPEC, "momentum": MOM}, total_steps=total, steps_per_epoch=per_epoch)
    want = SPEC.resolve(total_steps=total, steps_per_epoch=per_epoch)
    assert sched.schedule == want and sched.extra["momentum"] == MOM.resolve(total_steps=total)
    assert_close(sched, want, steps=range(total + 3), rtol=0.0, atol=0.0)


def test_torch_refuses_an_unresolved_schedule_at_construction():
    import torch

    from lrcore.adapters.torch import ScheduleLR

    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    with pytest.raises(lrcore.UnresolvedError, match=r"`schedule.steps`='90%' is in a fraction of the run and needs "
                                                     r"total_steps=\.\.\., which was not given"):
        ScheduleLR(opt, SPEC, steps_per_epoch=10)


def test_torch_resume_reports_a_changed_total_or_spelling():
    import torch

    from lrcore.adapters.torch import ScheduleLR

    def make(schedule, **units):
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        return ScheduleLR(opt, schedule, **units)

    saved = make(SPEC, total_steps=1000, steps_per_epoch=50)
    for _ in range(7):
        saved.optimizer.step()
        saved.step()
    sd = saved.state_dict()
    assert sd["units"] == {"total_steps": 1000, "steps_per_epoch": 50} and sd["spec"]["schedule"]["warmup_steps"] == "1ep"
    same = make(SPEC, total_steps=1000, steps_per_epoch=50)
    same.load_state_dict(sd)
    assert same.last_epoch == 7 and same.get_last_lr() == saved.get_last_lr()
    with pytest.raises(lrcore.ScheduleChangedError) as e:
        make(SPEC, total_steps=2000, steps_per_epoch=50).load_state_dict(sd)
    assert "units: {'total_steps': 1000, 'steps_per_epoch': 50} -> {'total_steps': 2000, 'steps_per_epoch': 50}" \
        in str(e.value) and "schedule.schedule.steps: 900 -> 1800" in str(e.value)
    # the same numbers, written as plain steps: the spelling changed, and that is reported too
    plain = make(SPEC.resolve(total_steps=1000, steps_per_epoch=50))
    with pytest.raises(lrcore.ScheduleChangedError, match=r"spec: .* -> None"):
        plain.load_state_dict(sd)
    plain.load_state_dict(sd, on_change="checkpoint")  # and the checkpoint's spec is taken on
    assert plain.units == {"total_steps": 1000, "steps_per_epoch": 50} and plain.state_dict()["spec"] == sd["spec"]


def test_paddle_resolves_when_attached_and_resume_checks_the_units():
    import paddle  # noqa: F401

    from lrcore.adapters.paddle import ScheduleLR

    sched = ScheduleLR(SPEC, total_steps=300, steps_per_epoch=20)
    want = SPEC.resolve(total_steps=300, steps_per_epoch=20)
    assert sched.schedule == want
    assert_close(sched, want, steps=range(305), rtol=0.0, atol=0.0)
    sd = ScheduleLR(SPEC, total_steps=300, steps_per_epoch=20).state_dict()
    assert sd["lrcore_units"] == {"total_steps": 300, "steps_per_epoch": 20}
    with pytest.raises(lrcore.ScheduleChangedError, match=r"units: \{'total_steps': 300, 'steps_per_epoch': 20\} -> "
                                                          r"\{'total_steps': 600, 'steps_per_epoch': 20\}"):
        ScheduleLR(SPEC, total_steps=600, steps_per_epoch=20).set_state_dict(sd)


def test_optax_as_schedule_and_inject_resolve(jax_x64):
    import jax.numpy as jnp
    import optax

    from lrcore.adapters.optax import as_schedule, inject

    want = SPEC.resolve(total_steps=200, steps_per_epoch=10)
    f = as_schedule(SPEC, total_steps=200, steps_per_epoch=10)
    assert [float(f(jnp.asarray(t))) for t in range(0, 210, 7)] == [want(t) for t in range(0, 210, 7)]
    opt = inject(optax.sgd, learning_rate=SPEC, momentum=MOM, total_steps=200, steps_per_epoch=10)
    params = jnp.zeros(2)
    state = opt.init(params)
    for t in range(12):
        _, state = opt.update(params, state, params)
        assert float(state.hyperparams["learning_rate"]) == want(t)
        assert float(state.hyperparams["momentum"]) == MOM.resolve(total_steps=200)(t)
    with pytest.raises(lrcore.UnresolvedError, match="needs total_steps"):
        as_schedule(SPEC, steps_per_epoch=10)


KERAS = r"""
import keras, lrcore
from lrcore.adapters.keras import as_schedule
s = lrcore.Warmup(lrcore.Cosine(start_value=0.1, steps="90%", end_value=0.001), warmup_steps="1ep")
f = as_schedule(s, total_steps=200, steps_per_epoch=10)
want = s.resolve(total_steps=200, steps_per_epoch=10)
print([float(f(t)) == want(t) for t in (0, 5, 10, 100, 199, 250)])
"""


def test_keras_as_schedule_resolves():
    env = {**os.environ, "KERAS_BACKEND": "jax", "JAX_ENABLE_X64": "1"}
    out = subprocess.run([sys.executable, "-c", "import keras; keras.config.set_floatx('float64')\n" + KERAS],
                         env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[True, True, True, True, True, True]"
