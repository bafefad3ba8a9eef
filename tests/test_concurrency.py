"""Threads and processes: one schedule evaluated from 8 threads gives the same values; schedules and
the adapters' states pickle into spawned multiprocessing workers and back unchanged.

A schedule's caches (the compiled scalar function, the Restart table, fingerprints) are filled
lazily on first use; the threads below all start on a *fresh* schedule at once (a barrier), so
they race on filling them.
"""

from __future__ import annotations

import multiprocessing as mp
import pickle
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest

import lrcore

STEPS = list(range(0, 3000, 7)) + [2**31 - 1, 2**40 + 3, 2**53]


def trees() -> list[lrcore.Schedule]:
    """Fresh (uncached) schedules: every call builds new objects."""
    cos = lrcore.Cosine(start_value=0.1, steps=500, end_value=1e-4, power=1.5)
    return [
        lrcore.Warmup(lrcore.Restart(cos, period_steps=300, period_mult=1.5, decay=0.8, decay_mode="peak"),
                      warmup_steps=50, shape="cosine"),
        lrcore.WSD(peak_value=0.1, warmup_steps=100, stable_steps=1000, decay_steps=900, decay_shape="1-sqrt"),
        lrcore.Sequential(parts=[lrcore.Linear(start_value=0.0, end_value=0.1, steps=100),
                                 lrcore.Cyclic(low_value=0.01, high_value=0.1, up_steps=200, mode="triangular2")]),
        lrcore.minimum(lrcore.Noam(d_model=512, warmup_steps=400) * 2.0,
                       lrcore.Quantize(lrcore.Stretch(lrcore.Exponential(start_value=0.1, factor=0.9), factor=10),
                                       every=10)),
        lrcore.OneCycle(peak_value=0.1, total_steps=2000, three_phase=True),
    ]


def _expected(s: lrcore.Schedule) -> tuple[list, list]:
    fresh = lrcore.from_config(s.to_config())  # same parameters, own caches
    return [fresh(t) for t in STEPS], fresh.evaluate(STEPS).tolist()


@pytest.mark.parametrize("i", range(5))
def test_eight_threads_on_a_fresh_schedule_agree(i: int) -> None:
    s = trees()[i]
    want_scalar, want_vec = _expected(s)
    barrier = threading.Barrier(8)

    def work(k: int) -> tuple[list, list, str]:
        barrier.wait()  # all eight reach the cold caches together
        order = STEPS if k % 2 == 0 else STEPS[::-1]
        scalar = {t: s(t) for t in order}
        vec = s.evaluate(np.asarray(STEPS)).tolist()
        return [scalar[t] for t in STEPS], vec, s.fingerprint

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, range(8)))
    for scalar, vec, fp in results:
        assert scalar == want_scalar
        assert vec == want_vec
        assert fp == lrcore.fingerprint(s)


def test_threads_with_describe_and_phase_at() -> None:
    s = trees()[0]
    want = [s.phase_at(t) for t in range(0, 2000, 37)]
    s2 = trees()[0]
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda _: [s2.phase_at(t) for t in range(0, 2000, 37)], range(8)))
    assert all(g == want for g in got)


# -------------------------------------------------------------------------------- processes

def _worker_eval(payload: bytes) -> bytes:
    """In a spawned process: unpickle schedules, evaluate them, send values and the schedules back."""
    import numpy as np  # noqa: F811 - a fresh interpreter

    items = pickle.loads(payload)
    out = []
    for s in items:
        out.append((s, [s(t) for t in STEPS], s.evaluate(np.asarray(STEPS)).tolist(), s.fingerprint))
    return pickle.dumps(out)


def _worker_torch(payload: bytes) -> bytes:
    """In a spawned process: rebuild a torch ScheduleLR from a pickled state_dict, step it, return its state."""
    import torch

    from lrcore.adapters.torch import ScheduleLR

    s, state, n = pickle.loads(payload)
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.0)
    sched = ScheduleLR(opt, s)
    sched.load_state_dict(state)
    lrs = []
    for _ in range(n):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return pickle.dumps((lrs, sched.state_dict()))


def _worker_paddle(payload: bytes) -> bytes:
    from lrcore.adapters.paddle import ScheduleLR

    sched, n = pickle.loads(payload)  # the whole scheduler object, pickled
    lrs = []
    for _ in range(n):
        lrs.append(sched())
        sched.step()
    return pickle.dumps((lrs, sched.state_dict()))


@pytest.fixture(scope="module")
def pool():
    ctx = mp.get_context("spawn")
    with ctx.Pool(2) as p:
        yield p


def test_schedules_pickle_into_spawned_workers_and_back(pool: Any) -> None:
    items = trees() + [lrcore.Plateau(factor=0.5), lrcore.Constant(value=0.1) * lrcore.Plateau(patience=3)]
    scheds = items[:5]
    for s in scheds:
        s(5), s.fingerprint  # warm caches: they must not travel, or travel harmlessly
    payloads = [pickle.dumps([s]) for s in scheds]
    results = pool.map(_worker_eval, payloads)
    for s, res in zip(scheds, results):
        (back, scalar, vec, fp), = pickle.loads(res)
        assert back == s and hash(back) == hash(s) and back.fingerprint == s.fingerprint == fp
        assert scalar == [s(t) for t in STEPS]
        assert vec == s.evaluate(STEPS).tolist()
    for other in items[5:]:
        assert pickle.loads(pickle.dumps(other)) == other
    assert not any(k.startswith("_c_") for k in pickle.loads(pickle.dumps(scheds[0])).__dict__)


def test_torch_adapter_state_through_a_spawned_worker(pool: Any) -> None:
    torch = pytest.importorskip("torch")
    from lrcore.adapters.torch import ScheduleLR

    s = trees()[1]
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.0)
    sched = ScheduleLR(opt, s)
    for _ in range(1095):
        opt.step()
        sched.step()
    lrs, state = pickle.loads(pool.apply(_worker_torch, (pickle.dumps((s, sched.state_dict(), 20)),)))
    assert lrs == [s(t) for t in range(1095, 1115)]
    assert state["last_epoch"] == 1115 and state["fingerprint"] == s.fingerprint
    # and the pickled scheduler itself (with its optimizer) continues identically here
    copy = pickle.loads(pickle.dumps((opt, sched)))[1]
    copy.optimizer.step()
    copy.step()
    assert copy.optimizer.param_groups[0]["lr"] == s(1096)


def test_paddle_scheduler_through_a_spawned_worker(pool: Any) -> None:
    pytest.importorskip("paddle")
    from lrcore.adapters.paddle import ScheduleLR

    s = trees()[2]
    sched = ScheduleLR(s)
    for _ in range(250):
        sched.step()
    lrs, state = pickle.loads(pool.apply(_worker_paddle, (pickle.dumps((sched, 15)),)))
    assert lrs == [s(t) for t in range(250, 265)]
    assert state["last_epoch"] == 265 and state["lrcore_fingerprint"] == s.fingerprint
    again = ScheduleLR(s)
    again.set_state_dict(state)
    assert again() == s(265)
