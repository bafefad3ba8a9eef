"""lrcore.catalog.keras against the real Keras 3 schedules, step by step.

Keras reads its backend when it is imported, and this process may already hold jax and torch
in other states, so Keras runs only in worker subprocesses (``WORKER``), never here.
Hypothesis draws the parameters in this process; every case of a run is sent to one worker
call, which returns Keras's values at many steps. Runs:

* ``KERAS_BACKEND=jax`` (jax x64 on) with ``floatx`` float64: ExponentialDecay,
  PiecewiseConstantDecay, PolynomialDecay and InverseTimeDecay agree to
  ``1e-12 * |v| + 16 eps * scale`` (scale: the case's largest value; the absolute term is the
  ulp-level digits Keras's ``(I - E) * x + E`` forms lose), plus for PolynomialDecay the
  ``power * eps * t / (L - t)`` relative that Keras's ``1 - t / L`` loses next to a cycle end
  (4.5e-11 at t = 10**7, D = 11, power 0.1; lrcore computes ``(L - t) / L``).
* Keras 3.15 does not compute its two cosine schedules in float64 on any backend: on jax,
  ``ops.cos`` of a float64 tensor is float32 (``result_type("float64", float)`` is float32);
  on torch, ``ops.floor`` and ``ops.minimum`` of float64 tensors come back float32 (so
  ``m_mul ** i`` and the clamped step are float32). CosineDecay and CosineDecayRestarts are
  therefore held to float32 rounding, in the float64 run (`test_jax_float64_cosines_are_float32`)
  and in the float32 one.
* ``KERAS_BACKEND=jax`` with float32 (Keras's default): all six to float32 rounding,
  ``1e-5 * |v| + 1e-6 * scale`` (Keras rounds t / D, its powers and cosines in float32).

Keras's own boundary slips, allowed only at the exact steps where they happen and only to
the value Keras's slipped formula gives (counted in `SLIPS`):

* PolynomialDecay(cycle=True) at t = k D: Keras's ``ceil(t / D)`` is ``k + 1`` where ``t / D``
  rounds above k (XLA divides by a constant as a multiply by its reciprocal), so Keras
  returns the start of cycle k + 1 instead of ``end_learning_rate``.
* The staircases of ExponentialDecay and InverseTimeDecay at t = k D: the same ``t / D``
  rounded below k, so Keras returns step k - 1's value.
* CosineDecayRestarts at a restart step: ``floor(log(1 - f (1 - t_mul)) / log(t_mul))``
  rounds below the new cycle, so Keras returns the old cycle's end, ``alpha * I``.
"""

from __future__ import annotations

import math
import importlib.util
import inspect
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from lrcore.catalog import keras as K
from lrcore.testing import assert_close

if importlib.util.find_spec("keras") is None:  # found, not imported: Keras runs in the workers only
    pytest.skip("keras is not installed", allow_module_level=True)

WORKER = r"""
import inspect, json, sys
import numpy as np
import keras
from keras import ops

req = json.load(sys.stdin)
keras.config.set_floatx(req["floatx"])
S = keras.optimizers.schedules
backend = keras.backend.backend()
idt = "int64" if req["floatx"] == "float64" else "int32"


def values(s, steps):
    # One array length for every case: jax compiles each op per shape, so equal shapes reuse it.
    n = len(steps)
    steps = list(steps) + [steps[-1]] * (WIDTH - n)
    return _values(s, steps)[:n]


def _values(s, steps):
    try:  # Keras's schedules are elementwise, except where they branch on the step
        v = s(ops.convert_to_tensor(np.asarray(steps, dtype=idt)))
        v = np.asarray(ops.convert_to_numpy(v), dtype=np.float64)
        if v.shape == (len(steps),):
            return v.tolist()
    except Exception:
        pass
    if backend == "jax":
        import jax
        return np.asarray(jax.vmap(s)(np.asarray(steps, dtype=idt)), dtype=np.float64).tolist()
    return [float(ops.convert_to_numpy(s(ops.convert_to_tensor(t, dtype=idt)))) for t in steps]


WIDTH = max(len(c["steps"]) for c in req["cases"])
out = {"cases": [], "signatures": {}, "backend": backend}
for case in req["cases"]:
    s = getattr(S, case["cls"])(**case["kw"])
    dtype = str(ops.convert_to_numpy(s(ops.convert_to_tensor(3, dtype=idt))).dtype)
    out["cases"].append({"values": values(s, case["steps"]), "config": s.get_config(), "dtype": dtype})
for name in req.get("signatures", []):
    sig = inspect.signature(getattr(S, name).__init__)
    out["signatures"][name] = [[p.name, None if p.default is p.empty else p.default]
                               for p in sig.parameters.values() if p.name != "self"]
print(json.dumps(out))
"""

EPS64, EPS32 = 2.0**-52, 2.0**-23
NAMES = ["ExponentialDecay", "PiecewiseConstantDecay", "PolynomialDecay", "InverseTimeDecay",
         "CosineDecay", "CosineDecayRestarts"]
COSINES = {"CosineDecay", "CosineDecayRestarts"}
# Up to 10**7 < 2**24: Keras's cycling PolynomialDecay keeps its cycle count in float32 even
# under float64 (ops.where(t == 0, 1.0, ceil(t / D)) promotes to float32), so past 2**24 cycles it
# is wrong (NaN for power != 1 at t = 2**31 - 1, D = 113). The float32 run stays below 400:
# Keras's float32 cycle fractions lose ~1e-5 relative by step 1000.
BIG_STEPS = [1000, 12345, 10**5, 10**6, 10**7]
SLIPS: dict[str, int] = {}


def run_keras(backend: str, floatx: str, cases: list, signatures: list = ()) -> dict:
    env = dict(os.environ, KERAS_BACKEND=backend, JAX_ENABLE_X64="1" if floatx == "float64" else "0",
               JAX_PLATFORMS="cpu", CUDA_VISIBLE_DEVICES="", TF_CPP_MIN_LOG_LEVEL="3")
    req = {"floatx": floatx, "signatures": list(signatures),
           "cases": [{"cls": c, "kw": kw, "steps": steps} for c, kw, steps in cases]}
    proc = subprocess.run([sys.executable, "-c", WORKER], input=json.dumps(req), capture_output=True,
                          text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["backend"] == backend
    return out


# ----------------------------------------------------------------------------- cases

pos = st.floats(1e-6, 10.0)
frac = st.floats(0.0, 1.0)
# A decay_steps that only divides: whole numbers and binary fractions (a fraction like 0.1 is
# not the same number in float32 and float64, which would move staircase steps apart).
divisor = st.one_of(st.integers(1, 3000), st.integers(1, 4000).map(lambda k: k / 4))


@st.composite
def exponential(draw):
    return "ExponentialDecay", dict(initial_learning_rate=draw(pos), decay_steps=draw(divisor),
                                    decay_rate=draw(st.floats(0.01, 1.0)), staircase=draw(st.booleans())), 300


@st.composite
def piecewise(draw):
    b = sorted(draw(st.sets(st.integers(0, 250), min_size=1, max_size=6)))
    v = draw(st.lists(st.floats(0.0, 10.0), min_size=len(b) + 1, max_size=len(b) + 1))
    return "PiecewiseConstantDecay", dict(boundaries=b, values=v), b[-1] + 5


@st.composite
def polynomial(draw):
    d = draw(st.integers(1, 120))
    lr = draw(pos)
    return "PolynomialDecay", dict(initial_learning_rate=lr, decay_steps=d, end_learning_rate=lr * draw(frac),
                                   power=draw(st.sampled_from([1.0, 0.5, 2.0]) | st.floats(0.1, 4.0)),
                                   cycle=draw(st.booleans())), 4 * d + 5


@st.composite
def inverse_time(draw):
    return "InverseTimeDecay", dict(initial_learning_rate=draw(pos), decay_steps=draw(divisor),
                                    decay_rate=draw(st.floats(0.0, 10.0)), staircase=draw(st.booleans())), 300


@st.composite
def cosine(draw):
    d, w = draw(st.integers(1, 200)), draw(st.integers(0, 60))
    target = draw(st.none() | pos)
    return "CosineDecay", dict(initial_learning_rate=draw(st.floats(0.0, 10.0)), decay_steps=d, alpha=draw(frac),
                               warmup_target=target, warmup_steps=w), d + w + 5


@st.composite
def restarts(draw):
    return "CosineDecayRestarts", dict(
        initial_learning_rate=draw(pos), first_decay_steps=draw(st.integers(1, 60)),
        t_mul=draw(st.sampled_from([1.0, 2.0, 3.0]) | st.floats(1.05, 3.0)),
        m_mul=draw(st.sampled_from([1.0, 0.5, 0.0]) | st.floats(0.0, 1.0)), alpha=draw(frac)), 400


FAMILIES = {"ExponentialDecay": exponential(), "PiecewiseConstantDecay": piecewise(), "PolynomialDecay": polynomial(),
            "InverseTimeDecay": inverse_time(), "CosineDecay": cosine(), "CosineDecayRestarts": restarts()}
EXPLICIT = [  # edges: one-step decays, cycle ends, integer t_mul restarts, warmup without target
    ("PolynomialDecay", dict(initial_learning_rate=1.0, decay_steps=7, power=2.0, cycle=True), 200),
    ("PolynomialDecay", dict(initial_learning_rate=1.0, decay_steps=1, cycle=True), 20),
    ("PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=3, end_learning_rate=0.01, cycle=True), 50),
    ("CosineDecay", dict(initial_learning_rate=0.125, decay_steps=10, warmup_target=1.0, warmup_steps=0), 20),
    ("CosineDecay", dict(initial_learning_rate=0.125, decay_steps=1, warmup_steps=5), 20),
    ("CosineDecay", dict(initial_learning_rate=0.0, decay_steps=100, warmup_target=0.5, warmup_steps=10), 120),
    ("CosineDecayRestarts", dict(initial_learning_rate=1.0, first_decay_steps=7, t_mul=3.0, m_mul=0.5, alpha=0.125), 400),
    ("CosineDecayRestarts", dict(initial_learning_rate=1.0, first_decay_steps=4, t_mul=1.5, m_mul=0.875), 400),
    ("CosineDecayRestarts", dict(initial_learning_rate=2.0, first_decay_steps=1, t_mul=1.0, m_mul=0.75), 50),
    ("PiecewiseConstantDecay", dict(boundaries=[0, 2, 4], values=[1.0, 0.5, 0.1, 0.01]), 10),
    ("ExponentialDecay", dict(initial_learning_rate=1.0, decay_steps=0.5, decay_rate=0.9, staircase=True), 300),
]


def _collect() -> list:
    """Hypothesis's draws of every family (the ci / long profile's example count each), plus EXPLICIT."""
    drawn = list(EXPLICIT)
    for strategy in FAMILIES.values():
        @settings(database=None, phases=[Phase.generate])
        @given(strategy)
        def collect(case):
            drawn.append(case)

        collect()
    return drawn


def _steps(horizon: int, big: bool) -> list:
    h = min(horizon, 400)
    return list(range(h)) + [t for t in BIG_STEPS if t >= h and big]


@pytest.fixture(scope="module")
def cases():
    return _collect()


def _run(backend: str, floatx: str, cases: list, **kw) -> tuple[list, dict]:
    pytest.importorskip(backend)
    big = floatx == "float64"
    return cases, run_keras(backend, floatx, [(c, k, _steps(h, big)) for c, k, h in cases], **kw)


@pytest.fixture(scope="module")
def jax64(cases):
    """The other four in float64, and the explicit cosine cases (to show jax's float32 cosines)."""
    return _run("jax", "float64", [c for c in cases if c[0] not in COSINES or c in EXPLICIT], signatures=NAMES)


@pytest.fixture(scope="module")
def jax32(cases):
    return _run("jax", "float32", cases)


# ----------------------------------------------------------------------------- checking

def _slip_value(cls: str, kw: dict, t: int) -> float | None:
    """What Keras returns at step t where its own boundary arithmetic slips, or None if it cannot slip there."""
    if cls == "PolynomialDecay" and kw.get("cycle") and t > 0 and t % kw["decay_steps"] == 0:
        lr, end, d = kw["initial_learning_rate"], kw.get("end_learning_rate", 1e-4), kw["decay_steps"]
        return (lr - end) * (1.0 - t / (d * (t // d + 1))) ** kw.get("power", 1.0) + end
    if cls in ("ExponentialDecay", "InverseTimeDecay") and kw.get("staircase") and t > 0:
        lr, rate, d = kw["initial_learning_rate"], kw["decay_rate"], kw["decay_steps"]
        if (t / d).is_integer():
            k = t / d - 1  # Keras's t / D rounded below the integer it is
        else:  # Keras floors a float32 quotient even in float64 mode: 1e7 / 13.25 rounds up to 754717
            k = float(np.floor(np.float32(t) / np.float32(d)))
            if k == math.floor(t / d):
                return None
        return lr * rate**k if cls == "ExponentialDecay" else lr / (1 + rate * k)
    if cls == "CosineDecayRestarts" and t > 0:
        first, m = kw["first_decay_steps"], kw.get("t_mul", 2.0)
        b, k = 0.0, 0
        while b < t:
            b += first * m**k
            k += 1
        if b == t:  # a restart step
            return kw["initial_learning_rate"] * kw.get("alpha", 0.0)
    return None


def _check(selected: tuple, steps_of, rtol: float, atol_scale: float, label: str,
           only: set | None = None, tiny: float = 1e-300) -> int:
    """Each case's Keras values (from the worker) against the catalog tree with the kit's
    `assert_close`: rtol, plus an absolute allowance per step (Keras's own cancellations,
    below), and its boundary slips skipped where Keras gives exactly the slipped value."""
    cases, run = selected
    slips, failures = 0, []
    for (cls, kw, horizon), got in zip(cases, run["cases"]):
        if only is not None and cls not in only:
            continue
        steps = steps_of(horizon)
        tree = getattr(K, cls)(**kw)
        ours = tree.evaluate(steps)
        theirs = list(got["values"])
        scale = max(float(np.max(np.abs(ours))), 1e-300)
        extra = np.full(len(steps), atol_scale * scale + tiny)  # tiny: XLA flushes subnormals
        if cls == "PolynomialDecay":
            # Keras's 1 - t / L (t / L an XLA multiply by 1 / L) is off by up to ~2 eps (absolute),
            # even 1e-16 at t = L, which a power p < 1 raises to (2 eps)**p at the end of the decay
            # (found: float32 p = 1/3 at t = L, 4e-4 relative; float64 p = 0.1 at t = L, 0.12 for 0)
            eps = EPS32 if "float32" in label else EPS64
            pw = kw.get("power", 1.0)
            amp = abs(kw["initial_learning_rate"] - kw.get("end_learning_rate", 1e-4))
            extra += max(pw, 1.0) * (4 * eps) ** min(pw, 1.0) * amp
            # and it cancels near L: power * eps * t / (L - t) relative
            t = np.asarray(steps, dtype=np.float64)
            d = kw["decay_steps"]
            length = d * np.maximum(np.ceil(t / d), 1.0) if kw.get("cycle") else np.full_like(t, d)
            m = np.minimum(t, length)
            cond = np.where(m < length, m / np.maximum(length - m, 1.0), 0.0)
            extra += 4 * EPS64 * pw * cond * np.abs(ours)
        if cls == "CosineDecayRestarts" and "float32" in label:
            # Keras finds the cycle position as t / first - (1 - t_mul**i) / (1 - t_mul) in float32:
            # it cancels, an error of a few eps32 * t / first in the position (found: t_mul=1.05,
            # t=205, 1.5e-5 relative); the cosine's slope is at most pi/2 times the peak
            extra += 16 * EPS32 * (np.asarray(steps, dtype=np.float64) / kw["first_decay_steps"]) * scale
        allowed = dict(zip(steps, extra.tolist()))
        slipped = set()
        for i, t in enumerate(steps):  # Keras's boundary slips: exactly the slipped formula's value
            alt = _slip_value(cls, kw, t)
            if (alt is not None and abs(theirs[i] - ours[i]) > rtol * abs(ours[i]) + extra[i]
                    and abs(theirs[i] - alt) <= rtol * abs(alt) + atol_scale * scale + tiny):
                slipped.add(t)
        slips += len(slipped)
        try:
            assert_close(theirs, tree, steps=steps, rtol=rtol, atol=lambda t: allowed[t], skip=slipped,
                         msg=f"{label}: keras {cls}({kw}) against lrcore")
        except AssertionError as e:
            failures.append(str(e))
    assert not failures, f"{label}: {len(failures)} cases differ; first:\n" + "\n".join(failures[:3])
    SLIPS[label] = slips
    return slips


def test_jax_backend_float64_other_schedules(jax64):
    assert {got["dtype"] for case, got in zip(*jax64[:1], jax64[1]["cases"]) if case[0] not in COSINES} == {"float64"}
    _check(jax64, lambda h: _steps(h, True), 1e-12, 16 * EPS64, "jax float64", only=set(NAMES) - COSINES)


def test_jax_float64_cosines_are_float32(jax64):
    """Keras 3.15 on jax: ops.cos of float64 is float32, so the cosine schedules are float32-accurate only."""
    _check(jax64, lambda h: _steps(h, True), 1e-5, 1e-6, "jax float64 cosines", only=COSINES)
    worst = 0.0
    for (cls, kw, horizon), got in zip(jax64[0], jax64[1]["cases"]):
        if cls in COSINES:
            ours = getattr(K, cls)(**kw).evaluate(_steps(horizon, True))
            worst = max(worst, float(np.max(np.abs(np.asarray(got["values"]) - ours)) / np.max(np.abs(ours))))
    assert worst > 1e-9  # far from float64: the quirk is Keras's, and still there


def test_jax_backend_float32_all_schedules(jax32):
    assert {c["dtype"] for c in jax32[1]["cases"]} == {"float32"}
    _check(jax32, lambda h: _steps(h, False), 1e-5, 1e-6, "jax float32", tiny=1e-37)  # float32's normal floor
    assert SLIPS["jax float32"] > 0  # Keras's float32 cycle ends slip (EXPLICIT has one): the allowance is exercised


def test_keras_configs_build_the_same_tree(jax64, jax32):
    """A Keras schedule's get_config() goes into the catalog unchanged (``name`` included)."""
    for cases, run in (jax64, jax32):
        for (cls, kw, _), got in zip(cases, run["cases"]):
            assert getattr(K, cls)(**got["config"]) == getattr(K, cls)(**kw)


def test_parameter_names_and_defaults_are_keras_own(jax64):
    for name in NAMES:
        ours = [[p.name, None if p.default is p.empty else p.default]
                for p in inspect.signature(getattr(K, name)).parameters.values()]
        assert ours == jax64[1]["signatures"][name], name


def test_the_boundary_step_keeps_the_old_value():
    s = K.PiecewiseConstantDecay(boundaries=[2, 4], values=[1.0, 0.5, 0.1])
    assert [s(t) for t in range(7)] == [1.0, 1.0, 1.0, 0.5, 0.5, 0.1, 0.1]  # PEERS.md 1.7


def test_cosine_decay_steps_exclude_the_warmup():
    s = K.CosineDecay(initial_learning_rate=0.0, decay_steps=10, alpha=0.1, warmup_target=1.0, warmup_steps=5)
    assert s(5) == 1.0 and s(15) == pytest.approx(0.1, rel=1e-15) and s.duration == 15
    assert s(10) == pytest.approx(0.55, rel=1e-14)


def test_restarts_alpha_is_not_scaled_by_m_mul():
    s = K.CosineDecayRestarts(initial_learning_rate=1.0, first_decay_steps=2, t_mul=1.0, m_mul=0.5, alpha=0.2)
    assert [round(s(t), 12) for t in (0, 2, 4, 5)] == [1.0, 0.6, 0.4, 0.3]  # alpha + (1 - alpha) m**i (1 + cos)/2


def test_polynomial_cycle_is_a_storable_polynomial_for_every_power():
    import lrcore

    s = K.PolynomialDecay(initial_learning_rate=1.0, decay_steps=3, cycle=True, power=2.0)
    assert s == lrcore.Polynomial(start_value=1.0, end_value=1e-4, steps=3, power=2.0, cycle=True)
    assert s(4) == pytest.approx((1 - 1e-4) * (1 - 4 / 6) ** 2 + 1e-4, rel=1e-15)
    assert lrcore.from_config(lrcore.to_config(s)) == s


@pytest.mark.parametrize("call, message", [
    (lambda: K.ExponentialDecay(1.0, 10, 1.5), "`decay_rate` must be a number > 0.0 and <= 1.0"),
    (lambda: K.ExponentialDecay(1.0, 0, 0.5), "`decay_steps` must be a number > 0.0"),
    (lambda: K.InverseTimeDecay(1.0, 10, -0.5), "`decay_rate` must be a number >= 0.0"),
    (lambda: K.PolynomialDecay(1.0, 2.5), "`decay_steps` must be a whole number >= 1"),
    (lambda: K.PiecewiseConstantDecay([2, 2], [1.0, 0.5, 0.1]), "`boundaries` must be strictly increasing"),
    (lambda: K.PiecewiseConstantDecay([2], [1.0]), "`values` must be a list of len(boundaries) + 1 = 2"),
    (lambda: K.CosineDecay(1.0, 10, warmup_steps=-1), "`warmup_steps` must be a whole number >= 0"),
    (lambda: K.CosineDecayRestarts(1.0, 10, t_mul=0.5), "CosineDecayRestarts: `t_mul` must be a number >= 1.0"),
    (lambda: K.CosineDecayRestarts(1.0, 10, m_mul=1.5), "`m_mul` must be a number >= 0.0 and <= 1.0"),
    (lambda: K.CosineDecayRestarts(1.0, 10, t_mul=1.000001), "CosineDecayRestarts: `t_mul` must be 1.0 or far enough"),
    (lambda: K.CosineDecay(1.0, 10, name=3), "`name` must be a str"),
])
def test_stricter_conditions_are_reported_with_keras_names(call, message):
    with pytest.raises((ValueError, TypeError), match=None) as info:
        call()
    assert message in str(info.value)


def test_whole_float_step_counts_are_accepted():
    assert K.CosineDecay(1.0, 10.0) == K.CosineDecay(1.0, 10)
    assert K.InverseTimeDecay(0.1, 1.0, 0.5) == K.InverseTimeDecay(0.1, 1, 0.5)
