"""Resuming under a different schedule: refused and named, accepted on request, and `extend_stable`.

* Whatever single field of a schedule changes between save and load (a total, a peak, a
  warmup, a milestone, a shape, a flag, anywhere in the tree), torch's ``load_state_dict`` and
  paddle's ``set_state_dict`` raise ``ScheduleChangedError`` whose one change reads
  ``schedule.<path>: <saved> -> <now>``, and nothing is loaded. Hypothesis picks the schedule,
  the field and the new value.
* ``allow_schedule_change=True`` (constructor or load call) accepts it: the step count is kept.
* ``lrcore.extend_stable(s, E)`` lengthens a WSD's stable phase by E steps: the same values up
  to the old decay start, the decay (and everything after) E steps later, so a run resumed in
  the stable phase with the extended schedule continues without a jump (torch, paddle, optax).
"""

from __future__ import annotations

import copy
import io
import math
import re
from typing import Any, Iterator

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import lrcore
import lrcore.catalog.torch
from lrcore import (
    WSD,
    Clamp,
    Constant,
    Cosine,
    Interpolate,
    Linear,
    MultiStep,
    OneCycle,
    Plateau,
    Quantize,
    Restart,
    Sequential,
    Shift,
    Stretch,
    Warmup,
)

# ------------------------------------------------------------------------------ which field changes

BASES = [
    WSD(peak_value=0.1, warmup_steps=10, stable_steps=50, decay_steps=40, end_value=1e-4, decay_shape="cosine"),
    Warmup(Cosine(start_value=0.1, steps=90, end_value=1e-5), warmup_steps=10, shape="cosine"),
    OneCycle(peak_value=0.1, total_steps=100, pct_start=0.25),
    Sequential(parts=[Linear(start_value=0.0, end_value=0.1, steps=10),
                      Restart(Cosine(start_value=0.1, steps=20), period_steps=20, period_mult=2.0, decay=0.5)],
               boundaries=[10]),
    MultiStep(start_value=0.1, milestones=[10, 20, 30], factor=0.5),
    Clamp(Interpolate(boundaries=[0, 10, 50], values=[0.0, 0.1, 0.01]), min_value=0.001) * 2.0,
    Quantize(Stretch(Cosine(start_value=0.1, steps=10), factor=5), every=5),
    lrcore.catalog.torch.CosineAnnealingWarmRestarts(lr=0.1, T_0=10, T_mult=2, eta_min=1e-4),
]

CHOICES = {
    "decay_shape": ("linear", "cosine", "exponential", "1-sqrt"), "shape": ("linear", "cosine", "1-sqrt"),
    "anneal": ("cos", "linear"), "decay_mode": ("all", "above_end", "peak"),
    "mode": ("triangular", "triangular2", "exp_range"),
}


def leaves(cfg: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(path, value) of every changeable leaf of a config, paths as the adapters write them."""
    if isinstance(cfg, dict):
        for k, v in cfg.items():
            if k != "type":
                yield from leaves(v, f"{path}.{k}" if path else k)
    elif isinstance(cfg, list):
        for i, v in enumerate(cfg):
            yield from leaves(v, f"{path}[{i}]")
    elif cfg is not None:
        yield path, cfg


def set_leaf(cfg: Any, path: str, value: Any) -> Any:
    out = copy.deepcopy(cfg)
    node, parts = out, re.findall(r"[^.\[\]]+|\[\d+\]", path)
    for p in parts[:-1]:
        node = node[int(p[1:-1])] if p.startswith("[") else node[p]
    last = parts[-1]
    if last.startswith("["):
        node[int(last[1:-1])] = value
    else:
        node[last] = value
    return out


@st.composite
def changed_schedules(draw: st.DrawFn) -> tuple[lrcore.Schedule, lrcore.Schedule, str, Any, Any]:
    """(old, new, path, old value, new value): one leaf of one base schedule changed to a valid value."""
    old = draw(st.sampled_from(BASES))
    cfg = old.to_config()
    path, value = draw(st.sampled_from(list(leaves(cfg))))
    field = re.sub(r"\[\d+\]$", "", path).rsplit(".", 1)[-1]
    if isinstance(value, bool):
        new_value = not value
    elif isinstance(value, str):
        new_value = draw(st.sampled_from([c for c in CHOICES[field] if c != value]))
    elif isinstance(value, int):
        new_value = value + draw(st.sampled_from([-3, -1, 1, 2, 7, 100]))
    else:
        new_value = draw(st.sampled_from([value * 0.5, value * 2.0, value + 0.01, value * 1.0000001,
                                          value - 0.001, 0.3]))
    assume(new_value != value)
    try:
        new = lrcore.from_config(set_leaf(cfg, path, new_value))
    except (ValueError, TypeError):
        assume(False)  # not a valid schedule (milestones out of order, say): nothing to resume with
    shown_new = dict(leaves(new.to_config()))[path]  # as the constructor normalised it (int -> float)
    return old, new, path, value, shown_new


def torch_saved_and_fresh(old: lrcore.Schedule, new: lrcore.Schedule, steps: int = 3, **kw: Any):
    torch = pytest.importorskip("torch")
    from lrcore.adapters.torch import ScheduleLR

    p = torch.nn.Parameter(torch.zeros(2))
    opt = torch.optim.SGD([p], lr=0.0)
    sched = ScheduleLR(opt, old)
    for _ in range(steps):
        opt.step()
        sched.step()
    buf = io.BytesIO()
    torch.save(sched.state_dict(), buf)
    buf.seek(0)
    sd = torch.load(buf, weights_only=True)
    opt2 = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.0)
    return sd, ScheduleLR(opt2, new, **kw), opt2


@given(changed_schedules())
def test_torch_names_the_changed_field(case: tuple) -> None:
    from lrcore.adapters.torch import ScheduleChangedError

    old, new, path, was, now = case
    sd, sched, opt = torch_saved_and_fresh(old, new)
    with pytest.raises(ScheduleChangedError) as info:
        sched.load_state_dict(sd)
    assert info.value.changes == [f"schedule.{path}: {was!r} -> {now!r}"]
    assert f"schedule.{path}: {was!r} -> {now!r}" in str(info.value)
    assert isinstance(info.value, ValueError)
    assert sched.last_epoch == 0 and opt.param_groups[0]["lr"] == new(0)  # nothing was loaded
    # allowed on purpose: the step count is kept and the new schedule continues from it
    sched.load_state_dict(sd, allow_schedule_change=True)
    assert sched.last_epoch == 3 and opt.param_groups[0]["lr"] == new(3)


@given(changed_schedules())
def test_paddle_names_the_changed_field(case: tuple) -> None:
    pytest.importorskip("paddle")
    from lrcore.adapters.paddle import ScheduleChangedError, ScheduleLR

    old, new, path, was, now = case
    saved = ScheduleLR(old)
    for _ in range(3):
        saved.step()
    sd = copy.deepcopy(saved.state_dict())
    sched = ScheduleLR(new)
    with pytest.raises(ScheduleChangedError) as info:
        sched.set_state_dict(sd)
    assert info.value.changes == [f"schedule.{path}: {was!r} -> {now!r}"]
    assert isinstance(info.value, ValueError)
    assert sched.last_epoch == 0 and sched() == new(0)
    ScheduleLR(new, allow_schedule_change=True).set_state_dict(sd)  # the constructor's option
    sched.set_state_dict(sd, allow_schedule_change=True)
    assert sched.last_epoch == 3 and sched() == new(3)


@pytest.mark.parametrize("old, new, expected", [
    (BASES[0], WSD(peak_value=0.2, warmup_steps=20, stable_steps=50, decay_steps=40, end_value=1e-4,
                   decay_shape="cosine"),
     ["schedule.peak_value: 0.1 -> 0.2", "schedule.warmup_steps: 10 -> 20"]),
    (BASES[0], WSD(peak_value=0.1, warmup_steps=10, stable_steps=50, decay_steps=40, end_value=1e-4),
     ["schedule.decay_shape: 'cosine' -> 'linear'"]),
    (BASES[1], Warmup(Linear(start_value=0.1, end_value=1e-5, steps=90), warmup_steps=10, shape="cosine"),
     ["schedule.schedule: Cosine(start_value=0.1, steps=90, end_value=1e-05, power=1.0) -> "
      "Linear(start_value=0.1, end_value=1e-05, steps=90)"]),
    (BASES[4], MultiStep(start_value=0.1, milestones=[10, 20], factor=0.5),
     ["schedule.milestones: 3 entries -> 2 entries"]),
], ids=["two-fields", "a-shape", "a-node-type", "a-list-length"])
def test_several_and_structural_changes_are_all_listed(old, new, expected) -> None:
    from lrcore.adapters.torch import ScheduleChangedError

    sd, sched, _ = torch_saved_and_fresh(old, new)
    with pytest.raises(ScheduleChangedError) as info:
        sched.load_state_dict(sd)
    assert info.value.changes == expected


def test_the_same_schedule_rebuilt_resumes_without_complaint() -> None:
    for s in BASES:
        sd, sched, opt = torch_saved_and_fresh(s, lrcore.from_config(s.to_config()), steps=7)
        sched.load_state_dict(sd)
        assert sched.last_epoch == 7 and opt.param_groups[0]["lr"] == s(7)


# ------------------------------------------------------------------------------------ extend_stable

WSD_BASE = WSD(peak_value=0.1, warmup_steps=10, stable_steps=30, decay_steps=20, start_value=0.01, end_value=1e-4)


def test_extend_stable_formula() -> None:
    e = 25
    new = lrcore.extend_stable(WSD_BASE, e)
    assert new == WSD(peak_value=0.1, warmup_steps=10, stable_steps=55, decay_steps=20, start_value=0.01,
                      end_value=1e-4)
    h = 40  # warmup + stable: the last step at the peak
    for t in range(0, 200):
        if t <= h:
            assert new(t) == WSD_BASE(t)
        elif t <= h + e:
            assert new(t) == 0.1
        else:
            assert new(t) == WSD_BASE(t - e)
    assert lrcore.extend_stable(WSD_BASE, 0) is WSD_BASE
    assert new.duration == WSD_BASE.duration + e


_wsds = st.builds(
    WSD, peak_value=st.floats(1e-4, 1.0), warmup_steps=st.integers(0, 50), stable_steps=st.integers(0, 50),
    decay_steps=st.integers(1, 50), start_value=st.floats(0.0, 1e-3), end_value=st.floats(0.0, 1e-4),
    decay_shape=st.sampled_from(["linear", "cosine", "exponential", "1-sqrt"]))
_other = st.builds(Cosine, start_value=st.floats(0.5, 1.0), steps=st.integers(1, 300))


@st.composite
def wrapped(draw: st.DrawFn) -> tuple:
    """(w, make, H, f, moves_all): a WSD w in the tree make(w), which keeps w's clock; H the global
    last stable step, f the global steps per WSD step (Stretch), moves_all whether everything after
    the WSD's decay moves with it (False where a term beside it keeps its own clock)."""
    w = draw(_wsds)
    h = w.warmup_steps + w.stable_steps
    how = draw(st.sampled_from(["bare", "warmup", "shift", "clamp", "product", "minimum", "sum", "seq-implicit",
                                "seq-explicit", "seq-last", "stretch", "quantize", "nested"]))
    if how == "bare":
        return w, lambda x: x, h, 1, True
    if how == "warmup":
        k = draw(st.integers(1, 20))
        return w, lambda x: Warmup(x, warmup_steps=k), h + k, 1, True
    if how == "shift":
        k = draw(st.integers(0, 20))
        return w, lambda x: Shift(x, steps=k), h + k, 1, True
    if how == "clamp":
        return w, lambda x: Clamp(x, min_value=1e-4), h, 1, True
    o = draw(_other)
    if how == "product":
        return w, lambda x: x * o, h, 1, False
    if how == "minimum":
        return w, lambda x: lrcore.minimum(o, x), h, 1, False
    if how == "sum":
        return w, lambda x: o + x, h, 1, False
    if how == "seq-implicit":
        head = Linear(start_value=0.0, end_value=0.1, steps=draw(st.integers(1, 20)))
        return w, lambda x: Sequential(parts=[head, x, o]), h + head.steps, 1, True
    if how == "seq-explicit":
        b0 = draw(st.integers(1, 20))
        b1 = b0 + h + draw(st.integers(1, 60))  # the WSD's decay starts before its part ends
        return w, lambda x: Sequential(parts=[Constant(value=0.05), x, o], boundaries=[b0, b1 + x.stable_steps
                                                                                      - w.stable_steps]), h + b0, 1, True
    if how == "seq-last":
        b0 = draw(st.integers(1, 20))
        return w, lambda x: Sequential(parts=[Constant(value=0.05), x], boundaries=[b0]), h + b0, 1, True
    if how == "stretch":
        f = draw(st.integers(1, 4))
        return w, lambda x: Stretch(x, factor=f), h * f, f, True
    if how == "quantize":
        return w, lambda x: Quantize(x, every=1), h, 1, True
    k = draw(st.integers(1, 10))
    return w, lambda x: Warmup(Shift(x, steps=k) * 0.5, warmup_steps=3) + Constant(value=1e-5), h + k + 3, 1, True


@given(wrapped(), st.integers(0, 60))
def test_extend_stable_moves_the_decay_later_and_nothing_else(case: tuple, n: int) -> None:
    w, make, h, f, moves_all = case
    s = make(w)
    e = n * f  # whole steps of the WSD's own time
    new = lrcore.extend_stable(s, e)
    assert new == make(lrcore.extend_stable(w, n))  # the WSD, and only it, is extended
    horizon = h + e + (s.duration or 300) + 50
    for t in range(0, horizon):
        if t <= h:
            assert new(t) == s(t), t
        elif t >= h + e and moves_all:
            if f == 1:
                assert new(t) == s(t - e), t
            else:  # t / f and (t - e) / f round differently: an ulp or two of the WSD's progress
                assert math.isclose(new(t), s(t - e), rel_tol=1e-13, abs_tol=1e-15), t
    assert lrcore.extend_stable(lrcore.from_config(s.to_config()), e) == new


@pytest.mark.parametrize("schedule, extra, pattern", [
    (Constant(value=0.1), 5, r"`schedule` must be a WSD or a tree holding one"),
    (Cosine(start_value=0.1, steps=10) * Warmup(Constant(value=1.0), warmup_steps=3), 5,
     r"`schedule` must be a WSD or a tree holding one"),
    (Sequential(parts=[WSD_BASE, WSD_BASE]), 5, r"exactly one WSD \(found 2: parts\[0\], parts\[1\]"),
    (Restart(WSD_BASE, period_steps=100), 5, r"not inside a Restart"),
    (Stretch(WSD_BASE, factor=2), 5, r"`extra_steps` must be a multiple of the Stretch factor 2"),
    (Stretch(WSD_BASE, factor=2.5), 4, r"`extra_steps` must be a multiple of the Stretch factor 2\.5"),
    (Sequential(parts=[WSD_BASE, Constant(value=0.0)], boundaries=[40]), 5, r"cut off at boundaries\[0\] = 40"),
    (WSD_BASE, -1, r"`extra_steps` must be an int >= 0"),
    (WSD_BASE, 2**53, r"`extra_steps` must be small enough that the extended WSD ends before step 2\*\*53"),
], ids=["no-wsd", "no-wsd-nested", "two-wsds", "restart", "stretch-fraction", "stretch-float", "cut-off",
        "negative", "huge"])
def test_extend_stable_refuses_with_a_clear_error(schedule, extra, pattern) -> None:
    with pytest.raises(ValueError, match=r"^extend_stable: .*" + pattern):
        lrcore.extend_stable(schedule, extra)


@pytest.mark.parametrize("extra", [1.5, 3.0, True, "5", None])
def test_extend_stable_extra_must_be_an_int(extra) -> None:
    with pytest.raises(TypeError, match=r"^extend_stable: `extra_steps` must be an int"):
        lrcore.extend_stable(WSD_BASE, extra)


def test_extend_stable_schedule_must_be_a_schedule() -> None:
    with pytest.raises(TypeError, match=r"^extend_stable: `schedule` must be an lrcore Schedule"):
        lrcore.extend_stable(WSD_BASE.to_config(), 5)


def test_extend_stable_keeps_a_plateau() -> None:
    p = Plateau(factor=0.5, patience=2)
    out = lrcore.extend_stable(WSD_BASE * p, 7)
    assert isinstance(out, lrcore.PlateauSchedule) and out.plateau == p
    assert out.schedule == lrcore.extend_stable(WSD_BASE, 7)


# --------------------------------------------------------- resuming with the extended schedule

RESUME_AT = [5, 10, 25, 40]  # in the warmup, at its end, in the stable phase, at its last step
EXTRA = 30
TOTAL = 100


@pytest.mark.parametrize("k", RESUME_AT)
def test_torch_resume_with_extend_stable_has_no_jump(k: int) -> None:
    torch = pytest.importorskip("torch")
    from lrcore.adapters.torch import ScheduleChangedError

    new = lrcore.extend_stable(WSD_BASE, EXTRA)
    sd, sched, opt = torch_saved_and_fresh(WSD_BASE, new, steps=k)
    with pytest.raises(ScheduleChangedError, match=re.escape("schedule.stable_steps: 30 -> 60")):
        sched.load_state_dict(sd)
    sched.load_state_dict(sd, allow_schedule_change=True)
    rates = []
    for _ in range(k, TOTAL):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    assert rates[0] == WSD_BASE(k)  # no jump at the resume step
    assert rates == [new(t) for t in range(k, TOTAL)]
    old_decay = [WSD_BASE(t) for t in range(41, 61)]
    assert rates[41 + EXTRA - k:61 + EXTRA - k] == old_decay  # the same decay, EXTRA steps later
    assert all(r == 0.1 for r in rates[max(0, 10 - k):41 + EXTRA - k])


@pytest.mark.parametrize("k", RESUME_AT)
def test_paddle_resume_with_extend_stable_has_no_jump(k: int) -> None:
    paddle = pytest.importorskip("paddle")
    from lrcore.adapters.paddle import ScheduleChangedError, ScheduleLR

    new = lrcore.extend_stable(WSD_BASE, EXTRA)
    layer = paddle.nn.Linear(2, 1)
    old_sched = ScheduleLR(WSD_BASE)
    opt = paddle.optimizer.SGD(learning_rate=old_sched, parameters=layer.parameters())
    for _ in range(k):
        old_sched.step()
    sd = copy.deepcopy(opt.state_dict())
    sched = ScheduleLR(new)
    opt2 = paddle.optimizer.SGD(learning_rate=sched, parameters=layer.parameters())
    with pytest.raises(ScheduleChangedError, match=re.escape("schedule.stable_steps: 30 -> 60")):
        opt2.set_state_dict(sd)
    sched = ScheduleLR(new, allow_schedule_change=True)
    opt2 = paddle.optimizer.SGD(learning_rate=sched, parameters=layer.parameters())
    opt2.set_state_dict(sd)
    rates = []
    for _ in range(k, TOTAL):
        rates.append(opt2.get_lr())
        sched.step()
    assert rates[0] == WSD_BASE(k)
    assert rates == [new(t) for t in range(k, TOTAL)]


@pytest.mark.parametrize("k", RESUME_AT)
def test_optax_resume_with_extend_stable_has_no_jump(k: int, jax_x64) -> None:
    optax = pytest.importorskip("optax")
    jnp = jax_x64.numpy
    from lrcore.adapters.optax import as_schedule

    new = lrcore.extend_stable(WSD_BASE, EXTRA)
    params = jnp.zeros(3)
    grads = jnp.ones(3)

    def run(schedule, state, n):
        opt = optax.inject_hyperparams(optax.sgd)(learning_rate=as_schedule(schedule))
        state = opt.init(params) if state is None else state
        rates = []
        for _ in range(n):
            _, state = opt.update(grads, state, params)
            rates.append(float(state.hyperparams["learning_rate"]))
        return rates, state

    before, state = run(WSD_BASE, None, k)
    after, _ = run(new, state, TOTAL - k)  # the optimizer state carries the count over
    assert before == [WSD_BASE(t) for t in range(k)]
    assert after == [new(t) for t in range(k, TOTAL)]
    assert after[0] == WSD_BASE(k)


def test_resuming_after_the_decay_started_would_jump() -> None:
    """Why the docs say "resume in the stable phase": past the old decay start the values differ."""
    new = lrcore.extend_stable(WSD_BASE, EXTRA)
    for t in range(41, 61):
        assert new(t) == 0.1 != WSD_BASE(t)


def test_extend_stable_refuses_a_node_that_changes_the_clock() -> None:
    """Warp re-times its child: a longer stable phase below it would reshape the warp (0.1's
    "every combinator is listed" pragma on this error was false)."""
    w = lrcore.WSD(peak_value=1.0, warmup_steps=2, stable_steps=2, decay_steps=4)
    with pytest.raises(ValueError, match=r"^extend_stable: `schedule` must be a tree of nodes that keep the WSD's "
                                         r"clock; Warp \(at <root>\) is not one"):
        lrcore.extend_stable(lrcore.Warp(w, steps=8, exponent=2.0), 3)
