"""Resuming under a different schedule: refused and named, accepted on request, and `extend_stable`.

* Whatever single field of a schedule changes between save and load (a total, a peak, a
  warmup, a milestone, a shape, a flag, anywhere in the tree), torch's ``load_state_dict`` and
  paddle's ``set_state_dict`` raise ``ScheduleChangedError`` whose one change reads
  ``schedule.<path>: <saved> -> <now>``, and nothing is loaded. Hypothesis picks the schedule,
  the field and the new value.
* ``allow_schedule_change=True`` (constructor or load call) accepts it: the step count is kept.
* The three policies of ``on_change`` (constructor or load call), torch and paddle: ``"error"``
  refuses, ``"checkpoint"`` continues with the checkpoint's schedule rebuilt from its config (a
  clear error where it was not storable), ``"current"`` with the code's; bad values and a
  conflicting ``allow_schedule_change`` are refused; an opaque fingerprint proves nothing.
  ``lrcore.check_resume`` applies the same rules to a saved fingerprint, config or dumps text.
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
    # or continue with the checkpoint's schedule, rebuilt from its config
    sched.load_state_dict(sd, on_change="checkpoint")
    assert sched.schedule == old and sched.last_epoch == 3 and opt.param_groups[0]["lr"] == old(3)
    assert lrcore.check_resume(sd["schedule"], new, on_change="checkpoint") == old


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
    sched.set_state_dict(sd, on_change="checkpoint")
    assert sched.schedule == old and sched.last_epoch == 3 and sched() == old(3)


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


# ------------------------------------------------------------------------- on_change's three policies

OLD = BASES[1]  # Warmup(Cosine(...)): steps 0 .. 99
NEW = lrcore.from_config({**OLD.to_config(), "warmup_steps": 20})
K = 7


def paddle_saved_and_fresh(old: Any, new: Any, steps: int = K, **kw: Any):
    pytest.importorskip("paddle")
    from lrcore.adapters.paddle import ScheduleLR

    saved = ScheduleLR(old)
    for _ in range(steps):
        saved.step()
    return copy.deepcopy(saved.state_dict()), ScheduleLR(new, **kw)


def _torch_lr(sched: Any) -> float:
    return sched.optimizer.param_groups[0]["lr"]


FRAMEWORKS = {  # framework -> (saved state and a fresh scheduler, its loading method, the rate now)
    "torch": (lambda old, new, **kw: torch_saved_and_fresh(old, new, steps=K, **kw)[:2], "load_state_dict", _torch_lr),
    "paddle": (paddle_saved_and_fresh, "set_state_dict", lambda sched: sched()),
}


@pytest.mark.parametrize("where", ["constructor", "load"])
@pytest.mark.parametrize("framework", ["torch", "paddle"])
@pytest.mark.parametrize("policy", ["error", "checkpoint", "current"])
def test_each_policy_on_a_changed_schedule(framework: str, policy: str, where: str) -> None:
    from lrcore._resume import ScheduleChangedError

    make, method, lr = FRAMEWORKS[framework]
    sd, sched = make(OLD, NEW, **({"on_change": policy} if where == "constructor" else {}))
    load = getattr(sched, method)
    call = (lambda: load(sd)) if where == "constructor" else (lambda: load(sd, on_change=policy))
    if policy == "error":
        with pytest.raises(ScheduleChangedError, match=re.escape("schedule.warmup_steps: 10 -> 20")) as info:
            call()
        assert 'on_change="checkpoint"' in str(info.value) and 'on_change="current"' in str(info.value)
        assert sched.last_epoch == 0 and lr(sched) == NEW(0) and sched.schedule is NEW  # nothing loaded
        return
    call()
    use = OLD if policy == "checkpoint" else NEW
    assert sched.schedule == use and sched.last_epoch == K and lr(sched) == use(K)
    rates = []
    for _ in range(K, 100):
        rates.append(lr(sched))
        if framework == "torch":
            sched.optimizer.step()
        sched.step()
    assert rates == [use(t) for t in range(K, 100)]
    # the next checkpoint holds the schedule the run follows: the same schedule resumes it without complaint
    sd2, again = make(OLD, use)
    getattr(again, method)(_state(framework, sched))
    assert again.last_epoch == 100


def _state(framework: str, sched: Any) -> dict:
    sd = sched.state_dict()
    if framework == "torch":
        torch = pytest.importorskip("torch")
        buf = io.BytesIO()
        torch.save(sd, buf)
        buf.seek(0)
        return torch.load(buf, weights_only=True)
    return copy.deepcopy(sd)


@pytest.mark.parametrize("framework", ["torch", "paddle"])
def test_unchanged_schedule_loads_under_every_policy(framework: str) -> None:
    make, method, lr = FRAMEWORKS[framework]
    for policy in ("error", "checkpoint", "current"):
        sd, sched = make(OLD, lrcore.from_config(OLD.to_config()), on_change=policy)
        getattr(sched, method)(sd)
        assert sched.last_epoch == K and lr(sched) == OLD(K) and sched.on_change == policy
        assert sched.allow_schedule_change == (policy == "current")


BAD_ON_CHANGE = [("latest", ValueError), ("", ValueError), ("Error", ValueError), (True, TypeError), (1, TypeError),
                 (["error"], TypeError)]


def _bad_on_change_calls(framework: str, value: Any) -> list:
    make, method, _ = FRAMEWORKS[framework]
    sd, sched = make(OLD, OLD)
    if framework == "torch":
        from lrcore.adapters.torch import ScheduleLR
        ctor = lambda: ScheduleLR(sched.optimizer, OLD, on_change=value)  # noqa: E731
    else:
        from lrcore.adapters.paddle import ScheduleLR
        ctor = lambda: ScheduleLR(OLD, on_change=value)  # noqa: E731
    return [(ctor, "ScheduleLR"), (lambda: getattr(sched, method)(sd, on_change=value), f"ScheduleLR.{method}")]


@pytest.mark.parametrize("framework", ["torch", "paddle"])
@pytest.mark.parametrize("value, error", BAD_ON_CHANGE)
def test_a_bad_on_change_names_the_parameter_the_value_and_the_choices(framework: str, value: Any, error: type) -> None:
    calls = _bad_on_change_calls(framework, value) + [(lambda: lrcore.check_resume(OLD.fingerprint, OLD,
                                                                                   on_change=value), "check_resume")]
    for call, where in calls:
        with pytest.raises(error) as info:
            call()
        assert str(info.value).startswith(f"{where}: `on_change` must be one of 'error', 'checkpoint', 'current', "
                                          f"got on_change={value!r}"), str(info.value)


@pytest.mark.parametrize("framework", ["torch", "paddle"])
def test_allow_schedule_change_is_an_alias_and_may_not_contradict_on_change(framework: str) -> None:
    make, method, lr = FRAMEWORKS[framework]
    for allow, policy in [(True, "checkpoint"), (True, "error"), (False, "current"), (False, "checkpoint")]:
        with pytest.raises(ValueError, match=rf"^ScheduleLR: `allow_schedule_change={allow}` \(an alias of "
                                             rf"on_change='\w+'\) conflicts with on_change='{policy}'"):
            make(OLD, NEW, on_change=policy, allow_schedule_change=allow)
        sd, sched = make(OLD, NEW)
        with pytest.raises(ValueError, match=rf"^ScheduleLR.{method}: `allow_schedule_change={allow}`"):
            getattr(sched, method)(sd, on_change=policy, allow_schedule_change=allow)
        assert sched.last_epoch == 0
    sd, sched = make(OLD, NEW, on_change="current", allow_schedule_change=True)  # in agreement
    assert sched.on_change == "current" and sched.allow_schedule_change
    getattr(sched, method)(sd)
    assert lr(sched) == NEW(K)
    sd, sched = make(OLD, NEW, allow_schedule_change=False)
    assert sched.on_change == "error"
    sd, sched = make(OLD, NEW, on_change="checkpoint")  # the load call's own choice wins over the constructor's
    getattr(sched, method)(sd, allow_schedule_change=True)
    assert lr(sched) == NEW(K)


def _unstorable(framework: str, sd: dict, fp: str) -> dict:
    """The state a schedule holding an unstorable function leaves: no config, its fingerprint."""
    sd = copy.deepcopy(sd)
    if framework == "torch":
        sd["schedule"], sd["fingerprint"] = None, fp
    else:
        sd["lrcore_schedule"], sd["lrcore_fingerprint"] = None, fp
    return sd


@pytest.mark.parametrize("framework", ["torch", "paddle"])
@pytest.mark.parametrize("fp", ["0123456789abcdef", "opaque-0123456789abcdef"])
def test_checkpoint_policy_refuses_a_schedule_that_was_not_storable(framework: str, fp: str) -> None:
    make, method, lr = FRAMEWORKS[framework]
    sd, sched = make(OLD, NEW, on_change="checkpoint")
    sd = _unstorable(framework, sd, fp)
    with pytest.raises(ValueError, match=rf"^ScheduleLR.{method}: on_change='checkpoint' cannot rebuild the "
                                         r"checkpoint's `schedule`: it was not storable") as info:
        getattr(sched, method)(sd)
    assert "lrcore.Function(name, params=...)" in str(info.value) and "on_change='current'" in str(info.value)
    assert sched.last_epoch == 0 and sched.schedule is NEW and lr(sched) == NEW(0)  # nothing loaded
    getattr(sched, method)(sd, on_change="current")
    assert sched.last_epoch == K and lr(sched) == NEW(K)


def _opaque_fingerprints(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every schedule's fingerprint opaque, as for one holding a function whose behaviour cannot be encoded."""
    import lrcore._resume

    real = lrcore._resume.fingerprint
    monkeypatch.setattr(lrcore._resume, "fingerprint", lambda s: "opaque-" + real(s))


@pytest.mark.parametrize("framework", ["torch", "paddle"])
def test_an_opaque_fingerprint_is_refused_even_when_equal(framework: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from lrcore._resume import ScheduleChangedError

    _opaque_fingerprints(monkeypatch)
    make, method, lr = FRAMEWORKS[framework]
    sd, sched = make(OLD, OLD)
    with pytest.raises(ScheduleChangedError, match=r"cannot tell whether the schedule changed") as info:
        getattr(sched, method)(sd)
    msg = str(info.value)
    assert info.value.opaque and "opaque-" in msg and "@lrcore.register_function" in msg
    assert "lrcore.Function(name, params=...)" in msg and 'on_change="current"' in msg
    assert sched.last_epoch == 0
    getattr(sched, method)(sd, on_change="current")
    assert sched.last_epoch == K and lr(sched) == OLD(K)
    _, sched = make(OLD, OLD)  # an opaque saved schedule cannot be rebuilt
    with pytest.raises(ValueError, match=r"on_change='checkpoint' cannot rebuild .* not storable"):
        getattr(sched, method)(sd, on_change="checkpoint")
    assert sched.last_epoch == 0


def test_torch_checkpoint_policy_takes_the_mode_step_source_extra_and_group_schedules() -> None:
    torch = pytest.importorskip("torch")
    from lrcore.adapters.torch import ScheduleLR

    def build(schedule, **kw):
        ps = [torch.nn.Parameter(torch.zeros(1)) for _ in range(2)]
        opt = torch.optim.SGD([{"params": [ps[0]], "lr": 1.0}, {"params": [ps[1]], "lr": 0.5}], momentum=0.9)
        return opt, ScheduleLR(opt, schedule, **kw)

    mom = Linear(start_value=0.95, end_value=0.85, steps=50)
    opt, saved = build([OLD, OLD * 0.5], mode="factor", extra={"momentum": mom}, step_source="optimizer")
    for _ in range(K):
        opt.step()
    sd = saved.state_dict()
    opt2, sched = build(NEW, extra={"weight_decay": Constant(value=0.1)}, on_change="checkpoint")
    sched.load_state_dict(sd)
    assert (sched.mode, sched.step_source, sched.last_epoch) == ("factor", "optimizer", K)
    assert sched.schedule == (OLD, OLD * 0.5) and set(sched.extra) == {"momentum"} and sched.extra["momentum"] == mom
    for _ in range(3):  # the step follows the optimizer's updates now
        opt2.step()
    t = K + 3
    assert [g["lr"] for g in opt2.param_groups] == [1.0 * OLD(t), 0.5 * (OLD * 0.5)(t)]
    assert [g["momentum"] for g in opt2.param_groups] == [mom(t)] * 2


@pytest.mark.parametrize("framework", ["torch", "paddle"])
def test_checkpoint_policy_cannot_switch_to_or_from_a_plateau(framework: str) -> None:
    make, method, _ = FRAMEWORKS[framework]
    sd, sched = make(OLD, NEW * Plateau(), on_change="checkpoint")
    with pytest.raises(ValueError, match=r"on_change='checkpoint': the checkpoint's schedule is not scaled by a "
                                         r"Plateau and this PlateauScheduleLR's is"):
        getattr(sched, method)(sd)


def test_paddle_checkpoint_policy_takes_the_mode_and_base_rate() -> None:
    pytest.importorskip("paddle")
    from lrcore.adapters.paddle import ScheduleLR

    saved = ScheduleLR(OLD, mode="factor", learning_rate=0.5)
    for _ in range(K):
        saved.step()
    sched = ScheduleLR(NEW, on_change="checkpoint")
    sched.set_state_dict(copy.deepcopy(saved.state_dict()))
    assert (sched.mode, sched.base_lr, sched.last_epoch, sched()) == ("factor", 0.5, K, 0.5 * OLD(K))
    assert ScheduleLR(OLD, mode="factor", learning_rate=0.5).state_dict().keys() == sched.state_dict().keys()
    fresh = ScheduleLR(OLD, mode="factor", learning_rate=0.5)
    fresh.set_state_dict(copy.deepcopy(sched.state_dict()))  # what it saves now resumes as the original run
    assert fresh() == 0.5 * OLD(K)


def test_scheduler_pickled_before_on_change_keeps_its_choice() -> None:
    torch = pytest.importorskip("torch")
    from lrcore.adapters.torch import ScheduleLR

    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.0)
    state = ScheduleLR(opt, OLD).__getstate__()
    del state["on_change"]
    for allow, policy in [(True, "current"), (False, "error")]:
        s = ScheduleLR.__new__(ScheduleLR)
        s.__setstate__({**state, "allow_schedule_change": allow})
        assert s.on_change == policy and "allow_schedule_change" not in s.__dict__


# ------------------------------------------------------------------------------------ check_resume

@pytest.mark.parametrize("form", ["fingerprint", "config", "dumps", "envelope dict"])
def test_check_resume_accepts_each_saved_form(form: str) -> None:
    saved = {"fingerprint": OLD.fingerprint, "config": OLD.to_config(), "dumps": lrcore.dumps(OLD),
             "envelope dict": {"lrcore": 2, "schedule": OLD.to_config()}}[form]
    same = lrcore.from_config(OLD.to_config())
    for policy in ("error", "checkpoint", "current"):
        assert lrcore.check_resume(saved, same, on_change=policy) is same
    assert lrcore.check_resume(saved, NEW, on_change="current") is NEW
    with pytest.raises(lrcore.ScheduleChangedError) as info:
        lrcore.check_resume(saved, NEW)
    assert info.value.method == "check_resume" and str(info.value).startswith("check_resume: ")
    if form == "fingerprint":
        assert info.value.changes == [f"schedule: fingerprint {OLD.fingerprint} -> {NEW.fingerprint} (only the "
                                      "fingerprint was saved: save the config (s.to_config() or lrcore.dumps(s)) to "
                                      "see the fields)"]
        with pytest.raises(ValueError, match=r"^check_resume: on_change='checkpoint' cannot rebuild the checkpoint's "
                                             r"schedule: `saved` is only a fingerprint"):
            lrcore.check_resume(saved, NEW, on_change="checkpoint")
    else:
        assert info.value.changes == ["schedule.warmup_steps: 10 -> 20"]
        out = lrcore.check_resume(saved, NEW, on_change="checkpoint")
        assert out == OLD and [out(t) for t in range(120)] == [OLD(t) for t in range(120)]


def test_check_resume_with_a_plateau_and_an_optax_run() -> None:
    p = Plateau(factor=0.5, patience=2)
    assert lrcore.check_resume((OLD * p).to_config(), NEW * p, on_change="checkpoint") == OLD * p
    with pytest.raises(lrcore.ScheduleChangedError, match=r"schedule.plateau.patience: 2 -> 3"):
        lrcore.check_resume((OLD * p).to_config(), OLD * Plateau(factor=0.5, patience=3))


def test_check_resume_opaque(monkeypatch: pytest.MonkeyPatch) -> None:
    _opaque_fingerprints(monkeypatch)
    fp = "opaque-" + OLD.fingerprint
    with pytest.raises(lrcore.ScheduleChangedError, match=r"^check_resume: cannot tell whether the schedule changed "
                                                          r"since `saved` was written") as info:
        lrcore.check_resume(fp, OLD)
    assert "@lrcore.register_function" in str(info.value) and 'on_change="current"' in str(info.value)
    assert lrcore.check_resume(fp, OLD, on_change="current") is OLD
    with pytest.raises(ValueError, match=r"^check_resume: on_change='checkpoint' cannot rebuild"):
        lrcore.check_resume(fp, OLD, on_change="checkpoint")
    assert lrcore.check_resume(OLD.to_config(), NEW, on_change="checkpoint") == OLD  # a config rebuilds


@pytest.mark.parametrize("saved, error, pattern", [
    (None, TypeError, r"`saved` must be a fingerprint \(str\), a config"),
    (OLD, TypeError, r"`saved` must be a fingerprint \(str\), a config .* got Warmup"),
    ("/tmp/run.ckpt", ValueError, r"`saved` must be a fingerprint \(s.fingerprint: hex digits"),
    ("{not json", ValueError, r"`saved` starts with '\{' but is not JSON"),
    ({"steps": 3}, ValueError, r"`saved` must be a schedule config with a 'type'"),
    ({"lrcore": 3, "schedule": {}}, ValueError, r"`saved` lrcore: must be a format version lrcore reads \(1, 2\), got 3"),
    ({"type": "Cosine", "start_value": 0.1, "steps": 0}, ValueError, r"`saved` holds a config that cannot be rebuilt "
                                                                      r"\(steps: must be an int >= 1"),
    ({"type": "Function", "fn": "os:getcwd"}, ValueError, r"`saved` holds a config that cannot be rebuilt .*"
                                                           r"allow_functions=True"),
])
def test_check_resume_refuses_what_is_not_a_saved_schedule(saved: Any, error: type, pattern: str) -> None:
    with pytest.raises(error, match=r"^check_resume: " + pattern):
        lrcore.check_resume(saved, OLD)


def test_check_resume_schedule_must_be_a_schedule() -> None:
    with pytest.raises(TypeError, match=r"^check_resume: `schedule` must be an lrcore Schedule"):
        lrcore.check_resume(OLD.fingerprint, OLD.to_config())


def test_schedule_changed_error_pickles_with_its_fields() -> None:
    import pickle

    e = lrcore.ScheduleChangedError(["schedule: fingerprint opaque-1 -> opaque-1"], "set_state_dict", opaque=True)
    back = pickle.loads(pickle.dumps(e))
    assert (back.changes, back.method, back.opaque, str(back)) == (e.changes, e.method, True, str(e))
