"""lrcore.catalog.optax against the real optax functions (0.2.8), count for count.

Every catalog function gets hypothesis-drawn parameters (optax's names); the lrcore tree,
evaluated through ``lrcore.adapters.optax.as_schedule``, is compared with the optax schedule
built from the same arguments, eagerly and under ``jax.jit``, at 0, every phase boundary and
its neighbours, and random counts:

* x64: to rtol 1e-12. optax is fed int64 counts there: with its own int32 counts optax's
  linear, polynomial and exponential schedules (and every join containing one) compute in
  float32 even under ``jax_enable_x64`` (``int32 / int`` is float32 in jax), see
  ``test_optax_int32_counts_compute_in_float32_under_x64``. lrcore is fed int32 counts, as
  ``inject_hyperparams`` does.
* float32: to float32 rounding (a few ulp, more where an exponent p multiplies the rounding
  of the exponent: ``rate ** p`` has relative error ``|p ln rate|`` ulp).

Where optax's own formula cancels, its error is absolute, not relative, and lrcore's
well-conditioned form differs from it by more than 1e-12 relative: ``1 + cos(pi c / D)``
near the end of a cosine, ``1 - c / T`` near the end of a linear or polynomial decay,
``(I - E) * frac + E`` near a small end value (and lrcore's own ``y0 + (y1 - y0) * w`` of
Interpolate near a small right knot). There the comparison also allows an absolute error of
1e-12 times the schedule's scale (the largest |value|): both sides are then within a few ulp
of the scale of the exact value, which is all either formula promises.

Where optax is wrong (its staircase exponent ``floor((t - B) / T)`` is computed as
``floor((t - B) * (1 / T))`` by XLA, one too small at some exact multiples), the test shows
the exact count and that lrcore gives the exact value.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

jax = pytest.importorskip("jax")
optax = pytest.importorskip("optax")
import jax.numpy as jnp  # noqa: E402

import lrcore  # noqa: E402
from lrcore.adapters.optax import as_schedule  # noqa: E402
from lrcore.catalog import optax as C  # noqa: E402
from lrcore.testing import assert_close  # noqa: E402

# Fewer examples than the profile's default: each one compiles four small XLA programs.
N_EXAMPLES = max(5, settings.default.max_examples // 8)
FEW = settings(max_examples=N_EXAMPLES, deadline=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                      HealthCheck.data_too_large])

F32 = float(np.finfo(np.float32).eps)
F64 = float(np.finfo(np.float64).eps)

# ---------------------------------------------------------------------------- strategies

_FL = dict(allow_nan=False, allow_infinity=False, allow_subnormal=False)
value = st.one_of(st.sampled_from([1e-4, 1e-3, 3e-4, 0.1, 0.5, 1.0, 2.0]), st.floats(1e-6, 10.0, **_FL))
value0 = st.one_of(st.just(0.0), value)
steps = st.one_of(st.integers(1, 1000), st.integers(1, 10**5), st.integers(1, 10**6))
begin = st.one_of(st.just(0), st.integers(0, 1000))
scale_f = st.one_of(st.sampled_from([0.0, 0.1, 0.5, 1.0, 2.0]), st.floats(0.0, 3.0, **_FL))
power = st.one_of(st.sampled_from([0.5, 1, 1.0, 2.0, 3.0]), st.floats(0.5, 5.0, **_FL))
# Keep the decayed values far from float32's subnormals (XLA flushes them to 0).
rate_lt1 = st.one_of(st.sampled_from([0.1, 0.5, 0.9, 0.99, 1.0]), st.floats(0.05, 1.0, **_FL))


def _bsd(keys, min_size=0, max_size=5):
    return st.dictionaries(keys, scale_f, min_size=min_size, max_size=max_size)


@st.composite
def _exponential_kwargs(draw, peak=None):
    kw = dict(transition_steps=draw(st.one_of(st.integers(1, 2000), st.integers(1, 10**5),
                                              st.floats(0.5, 1000.0, **_FL))),
              transition_begin=draw(begin), staircase=draw(st.booleans()))
    init = draw(value) if peak is None else peak
    if draw(st.integers(0, 4)) == 0:  # a growing staircase capped by end_value (exact as a Piecewise)
        kw.update(transition_steps=draw(st.integers(1, 2000)), staircase=True,
                  decay_rate=draw(st.floats(1.01, 3.0, **_FL)), end_value=init * draw(st.floats(1.0, 1e4, **_FL)))
    else:
        kw.update(decay_rate=draw(rate_lt1),
                  end_value=draw(st.one_of(st.none(), st.just(0.0), st.floats(0.0, 1.0, **_FL).map(lambda f: init * f))))
    return kw


@st.composite
def _exponential_decay(draw):
    init = draw(value)
    return dict(init_value=init, **draw(_exponential_kwargs(peak=init)))


@st.composite
def _warmup_cosine(draw):
    w = draw(st.one_of(st.just(0), st.integers(1, 1000), st.integers(1, 10**5)))
    peak = draw(st.one_of(value, st.just(0.0)))
    return dict(init_value=draw(value0), peak_value=peak, warmup_steps=w, decay_steps=w + draw(steps),
                end_value=draw(st.one_of(st.just(0.0), st.floats(0.0, 1.0, **_FL).map(lambda f: f * peak))),
                exponent=draw(st.one_of(st.just(1.0), power)))


@st.composite
def _warmup_exponential(draw):
    peak = draw(value)
    kw = draw(_exponential_kwargs(peak=peak))
    return dict(init_value=draw(value0), peak_value=peak, warmup_steps=draw(st.one_of(st.just(0), st.integers(1, 2000))), **kw)


@st.composite
def _onecycle(draw, linear):
    kw = dict(transition_steps=draw(steps), peak_value=draw(value),
              pct_start=draw(st.one_of(st.just(0.3), st.floats(0.01, 0.95, **_FL))),
              div_factor=draw(st.one_of(st.just(25.0), st.floats(1.5, 100.0, **_FL))),
              final_div_factor=draw(st.one_of(st.just(1e4), st.floats(1.0, 1e5, **_FL))))
    if linear:
        kw["pct_final"] = draw(st.one_of(st.just(0.85), st.floats(kw["pct_start"], 0.99, **_FL)))
    return kw


@st.composite
def _sgdr(draw):
    n = draw(st.integers(1, 3))
    cycles = []
    for _ in range(n):
        w = draw(st.integers(0, 50))
        peak = draw(value)
        cycles.append(dict(init_value=draw(value0), peak_value=peak, warmup_steps=w, decay_steps=w + draw(st.integers(1, 500)),
                           end_value=draw(st.one_of(st.just(0.0), st.floats(0.0, 1.0, **_FL).map(lambda f: f * peak)))))
    return dict(cosine_kwargs=cycles)


# name -> (strategy of optax kwargs, absolute tolerance class: does optax's formula cancel?)
CASES = {
    "constant_schedule": (st.fixed_dictionaries({"value": value0}), False),
    "linear_schedule": (st.fixed_dictionaries({"init_value": value0, "end_value": value0, "transition_steps": steps,
                                               "transition_begin": begin}), True),
    "polynomial_schedule": (st.fixed_dictionaries({"init_value": value0, "end_value": value0, "power": power,
                                                   "transition_steps": st.integers(1, 10**5), "transition_begin": begin}), True),
    "piecewise_constant_schedule": (st.fixed_dictionaries({"init_value": value,
                                                           "boundaries_and_scales": st.one_of(st.none(), _bsd(st.integers(-3, 10**5)))}), False),
    "piecewise_interpolate_schedule": (st.fixed_dictionaries({
        "interpolate_type": st.sampled_from(["linear", "cosine"]), "init_value": value,
        "boundaries_and_scales": st.one_of(st.none(), _bsd(st.integers(0, 10**5)), _bsd(st.integers(0, 50)))}), True),
    "exponential_decay": (_exponential_decay(), False),
    "cosine_decay_schedule": (st.fixed_dictionaries({"init_value": value, "decay_steps": steps,
                                                     "alpha": st.one_of(st.just(0.0), st.floats(0.0, 1.0, **_FL)),
                                                     "exponent": st.one_of(st.just(1.0), power)}), True),
    "cosine_onecycle_schedule": (_onecycle(linear=False), True),
    "linear_onecycle_schedule": (_onecycle(linear=True), True),
    "warmup_constant_schedule": (st.fixed_dictionaries({"init_value": value0, "peak_value": value,
                                                        "warmup_steps": steps}), True),
    "warmup_cosine_decay_schedule": (_warmup_cosine(), True),
    "warmup_exponential_decay_schedule": (_warmup_exponential(), True),
    "sgdr_schedule": (_sgdr(), True),
}


# ---------------------------------------------------------------------------- helpers

N_COUNTS = 96  # a fixed length, so eager jax ops hit their compilation caches across examples


def counts_for(s: lrcore.Schedule, data, limit: int) -> np.ndarray:
    """0, every phase boundary of `s` and its neighbours, and random counts below `limit`, N_COUNTS in all."""
    knots = {0}
    for p in s.describe():
        knots |= {p.start} | (set() if p.end is None else {p.end})
    top = max(knots) * 2 + 20
    marks = sorted(m for m in {k + d for k in knots for d in (-2, -1, 0, 1, 2)} if 0 <= m < limit)
    if len(marks) > N_COUNTS - 16:
        marks = marks[:: -(-len(marks) // (N_COUNTS - 16))]
    rand = data.draw(st.lists(st.integers(0, min(top, limit - 1)), min_size=N_COUNTS - len(marks),
                              max_size=N_COUNTS - len(marks)), label="random counts")
    return np.array(sorted(marks + rand), dtype=np.int64)


def power_slack(name: str, kw: dict, counts: np.ndarray, eps: float) -> np.ndarray:
    """How far optax may be from the exact value where it raises a rounded base w to a power p.

    optax's base ``w`` (``1 - c / T``; ``(1 + cos(pi c / D)) / 2``) carries an absolute
    rounding error of a few ulp (the cancellation near w = 0), and ``w ** p`` turns an error
    d into ``(w + d) ** p - w ** p``, which for p < 1 near the end of the decay is far more
    than a few ulp of the value (float32 cosine_decay_schedule(1e-4, 376, exponent=0.5) is
    3e-4 relative off at count 375; see test_optax_fractional_power_amplifies_its_rounding).
    Returns that bound, times the amplitude of the decay, with d = 8 ulp.
    """
    t = counts.astype(np.float64)
    if name == "polynomial_schedule":
        p, amp = kw["power"], abs(kw["init_value"] - kw["end_value"])
        w = 1.0 - np.clip(t - kw["transition_begin"], 0, kw["transition_steps"]) / kw["transition_steps"]
    elif name in ("cosine_decay_schedule", "warmup_cosine_decay_schedule"):
        if name == "cosine_decay_schedule":
            p, peak, alpha, d, t0 = kw["exponent"], kw["init_value"], kw["alpha"], kw["decay_steps"], 0
        else:
            peak, w0 = kw["peak_value"], kw["warmup_steps"]
            p, alpha, d, t0 = kw["exponent"], (0.0 if peak == 0.0 else kw["end_value"] / peak), kw["decay_steps"] - w0, w0
        amp = abs(peak * (1.0 - alpha))
        w = np.where(t < t0, 1.0, (1.0 + np.cos(np.pi * np.clip(t - t0, 0, d) / d)) / 2.0)
    else:
        return np.zeros_like(t)
    w = np.maximum(w, 0.0)
    return amp * ((w + 8 * eps) ** p - w**p)


def exponent_of(kw: dict, counts: np.ndarray) -> np.ndarray:
    """The exponent p of an exponential_decay at each count (0 for other schedules)."""
    if "decay_rate" not in kw:
        return np.zeros(counts.shape)
    start = kw.get("transition_begin", 0) + kw.get("warmup_steps", 0)
    return np.maximum(counts - start, 0) / kw["transition_steps"]


def staircase_of(kw: dict):
    """(B, T) when the schedule is an optax staircase whose exponent XLA may floor one too low, else None."""
    if kw.get("staircase") and kw.get("decay_rate", 1.0) != 1.0:
        return kw.get("transition_begin", 0) + kw.get("warmup_steps", 0), kw["transition_steps"]
    return None


def check_close(ours, theirs, counts, *, rtol, atol, kw, what):
    """lrcore.testing's `assert_close` of the two value arrays at the distinct counts (a count drawn
    twice has the same value), with rtol and atol per count (numbers or arrays over `counts`) and
    optax's own deviations, below, as skipped steps."""
    dtype = np.asarray(ours).dtype
    ours, theirs = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    assert ours.shape == theirs.shape == counts.shape
    # XLA flushes subnormals to zero: below the smallest normal number only zero is asked for.
    tiny = np.finfo(np.float32 if np.max(rtol) > 1e-9 else np.float64).tiny
    rt = np.broadcast_to(np.asarray(rtol, dtype=np.float64), counts.shape)
    at = np.maximum(np.broadcast_to(np.asarray(atol, dtype=np.float64), counts.shape), tiny)
    skip = np.zeros(counts.shape, dtype=bool)
    stair = staircase_of(kw)
    if stair is not None:
        # optax's floor((t - B) * (1/T)) is one too small at some exact multiples t - B = k T:
        # only there may it differ, and lrcore is right there (checked in its own test below).
        b, t = stair
        q = (counts - b) / t
        skip |= (q >= 1) & (np.abs(q - np.round(q)) < 1e-9)
    if "power" in kw and "end_value" in kw:
        # Under jit XLA fuses optax's 1 - c * (1/T) into an FMA, which is slightly negative at
        # c == T for most T, and a fractional power of it is NaN (optax's bug, shown in
        # test_optax_polynomial_is_nan_at_its_end_under_jit): lrcore is exactly end_value there.
        at_end = counts >= kw["transition_begin"] + kw["transition_steps"]
        skip |= np.isnan(theirs) & at_end & (ours == np.float64(np.asarray(kw["end_value"], dtype)))
    steps, first = np.unique(counts.astype(np.int64), return_index=True)  # (a join's counts may come as floats)
    index = {int(t): int(i) for t, i in zip(steps, first)}
    assert_close(ours[first], theirs[first], steps=steps.tolist(), rtol=lambda t: float(rt[index[t]]),
                 atol=lambda t: float(at[index[t]]), skip={int(t) for t in counts[skip]},
                 msg=f"{what}: lrcore (a) != optax (b); kwargs {kw}")


def build(name: str, kw: dict):
    return getattr(C, name)(**kw), getattr(optax, name)(**kw)


# ---------------------------------------------------------------------------- parity

@pytest.mark.parametrize("name", list(CASES))
@FEW
@given(data=st.data())
def test_matches_optax_x64(name, data, jax_x64):
    kw = data.draw(CASES[name][0], label="kwargs")
    s, o = build(name, kw)
    counts = counts_for(s, data, limit=2**31 - 1)
    scale = float(np.max(np.abs(s.evaluate(counts)))) or 1.0
    atol = (1e-12 * scale if CASES[name][1] else 0.0) + power_slack(name, kw, counts, F64)
    c32, c64 = jnp.asarray(counts, jnp.int32), jnp.asarray(counts, jnp.int64)
    f = as_schedule(s)
    theirs = jax.vmap(o)(c64)
    ours = f(c32)
    assert ours.dtype == jnp.float64
    check_close(ours, theirs, counts, rtol=1e-12, atol=atol, kw=kw, what=f"{name} eager x64")
    ours_jit, theirs_jit = jax.jit(lambda a, b: (f(a), jax.vmap(o)(b)))(c32, c64)  # one program: one compile
    check_close(ours_jit, theirs_jit, counts, rtol=1e-12, atol=atol, kw=kw, what=f"{name} jit x64")
    # and the catalog tree itself, in Python floats
    check_close([s(int(t)) for t in counts], theirs, counts, rtol=1e-12, atol=atol, kw=kw, what=f"{name} scalar")


@pytest.mark.parametrize("name", list(CASES))
@FEW
@given(data=st.data())
def test_matches_optax_float32(name, data, jax_x32):
    kw = data.draw(CASES[name][0], label="kwargs")
    s, o = build(name, kw)
    counts = counts_for(s, data, limit=2**24)  # every count exact in float32
    c32 = jnp.asarray(counts, jnp.int32)
    exact = s.evaluate(counts)
    scale = float(np.max(np.abs(exact))) or 1.0
    # Exponentials: the float32 rounding of the exponent p is multiplied by |p ln rate|, at most
    # the log of the range of values seen (ln(max / min)), and optax's float32 rounding of the
    # rate itself by p (rate ** p in float32; lrcore takes the rate in float64).
    normal = np.abs(exact[np.abs(exact) >= np.finfo(np.float32).tiny])  # float32 flushes the rest to 0
    spread = math.log(scale) - math.log(float(np.min(normal))) if normal.size else 0.0
    rtol = 8 * F32 * (1.0 + spread) + F32 * exponent_of(kw, counts)
    atol = (8 * F32 * scale if CASES[name][1] else 1e-30 * scale) + power_slack(name, kw, counts, F32)
    f = as_schedule(s)
    ours = f(c32)
    assert ours.dtype == jnp.float32
    check_close(ours, jax.vmap(o)(c32), counts, rtol=rtol, atol=atol, kw=kw, what=f"{name} eager float32")
    ours_jit, theirs_jit = jax.jit(lambda c: (f(c), jax.vmap(o)(c)))(c32)
    check_close(ours_jit, theirs_jit, counts, rtol=rtol, atol=atol, kw=kw, what=f"{name} jit float32")
    # lrcore's float32 is float32 rounding of its exact value (its forms do not cancel, so no slack)
    atol = 8 * F32 * scale if name in ("piecewise_interpolate_schedule", "cosine_onecycle_schedule",
                                       "linear_onecycle_schedule") else 1e-30 * scale
    check_close(ours, exact, counts, rtol=rtol, atol=atol, kw={}, what=f"{name} float32 vs float64")


def _join_part(draw):
    kind = draw(st.sampled_from(["linear_schedule", "cosine_decay_schedule", "exponential_decay", "constant_schedule",
                                 "piecewise_constant_schedule"]))
    kw = draw(CASES[kind][0])
    if kw.get("staircase"):
        # a power-of-two period has an exact reciprocal, so optax's staircase floor is right
        # (its off-by-one at other multiples is shown on its own below)
        kw["transition_steps"] = 2 ** draw(st.integers(0, 10))
    if kw.get("exponent", 1.0) < 1.0:  # fractional powers amplify optax's rounding: see power_slack
        kw["exponent"] = 1.0 + kw["exponent"]
    return kind, kw


@FEW
@given(data=st.data())
def test_join_schedules_matches_optax_x64(data, jax_x64):
    parts = [_join_part(data.draw) for _ in range(data.draw(st.integers(1, 4)))]
    starts = data.draw(st.lists(st.integers(1, 3000), min_size=len(parts) - 1, max_size=len(parts) - 1, unique=True).map(sorted))
    if starts and data.draw(st.booleans()):
        starts[0] = 0  # a boundary at 0: the first schedule is never used
    ours_parts, theirs_parts = zip(*(build(k, kw) for k, kw in parts))
    s = C.join_schedules(list(ours_parts), starts)
    o = optax.join_schedules(list(theirs_parts), starts)
    counts = counts_for(s, data, limit=2**31 - 1)
    counts = np.sort(np.concatenate([counts[: N_COUNTS - 12], [max(0, b + d) for b in starts for d in (-1, 0, 1)]]))
    counts = np.concatenate([counts, np.zeros(N_COUNTS - len(counts), np.int64)])
    scale = float(np.max(np.abs(s.evaluate(counts)))) or 1.0
    kw = {"parts": parts, "boundaries": starts}
    c64 = jnp.asarray(counts, jnp.int64)
    theirs = jax.vmap(o)(c64)
    check_close(as_schedule(s)(jnp.asarray(counts, jnp.int32)), theirs, counts, rtol=1e-12, atol=1e-12 * scale, kw={}, what="join eager")
    ours_jit, theirs_jit = jax.jit(lambda c: (as_schedule(s)(c), jax.vmap(o)(c)))(c64)
    check_close(ours_jit, theirs_jit, counts, rtol=1e-12, atol=1e-12 * scale, kw={}, what="join jit")


# ---------------------------------------------------------------------------- optax quirks, shown

@pytest.mark.parametrize("x64, T", [(True, 49), (False, 97)])
def test_optax_staircase_floor_is_one_short_at_exact_multiples(x64, T, jax_x64):
    # exponential_decay(1, T, 0.5, staircase=True): at count k T the exponent is floor(k T / T) = k.
    # XLA computes k T * (1/T), which is just below k for these T (float64: 49 * (1/49) =
    # 0.99999999999999989; float32: 97 * (1/97)), and optax floors it to k - 1.
    jax.config.update("jax_enable_x64", x64)
    o = optax.exponential_decay(1.0, T, 0.5, staircase=True)
    s = C.exponential_decay(1.0, T, 0.5, staircase=True)
    counts = jnp.asarray([T - 1, T, T + 1, 2 * T], jnp.int64 if x64 else jnp.int32)
    assert jax.jit(jax.vmap(o))(counts).tolist() == [1.0, 1.0, 0.5, 0.5]  # wrong at T and 2T
    assert jax.jit(as_schedule(s))(counts).tolist() == [1.0, 0.5, 0.5, 0.25]
    assert [s(t) for t in (T - 1, T, T + 1, 2 * T)] == [1.0, 0.5, 0.5, 0.25]


@pytest.mark.parametrize("x64", [True, False])
def test_optax_polynomial_is_nan_at_its_end_under_jit(x64, jax_x64):
    # optax computes frac = 1 - count / T; XLA turns it into fma(-count, 1/T, 1), which is
    # -5.55e-17 at count == T == 5 (float64), and frac ** 0.5 is NaN from then on. Eagerly
    # there is no FMA and optax gives 0. lrcore's fraction remaining is exactly 0 at the end.
    jax.config.update("jax_enable_x64", x64)
    o = optax.polynomial_schedule(init_value=1.0, end_value=0.0, power=0.5, transition_steps=5)
    s = C.polynomial_schedule(init_value=1.0, end_value=0.0, power=0.5, transition_steps=5)
    counts = jnp.asarray([4, 5, 6, 100], jnp.int32)
    assert np.isnan(np.asarray(jax.jit(jax.vmap(o))(counts))[1:]).all()
    ours = np.asarray(jax.jit(as_schedule(s))(counts))
    assert ours[1:].tolist() == [0.0, 0.0, 0.0] and ours[0] == pytest.approx(math.sqrt(0.2), rel=1e-6)


def test_optax_fractional_power_amplifies_its_rounding(jax_x32):
    # float32 cosine_decay_schedule(1e-4, 376, exponent=0.5) at count 375: the exact value is
    # 1e-4 * sin(pi / 752), as lrcore computes it; optax's (1 + cos(pi 375 / 376)) / 2 has an
    # absolute error of ~3e-8 on 1.7e-5, and the square root keeps half of that relative error.
    kw = dict(init_value=1e-4, decay_steps=376, exponent=0.5)
    s, o = build("cosine_decay_schedule", kw)
    exact = 1e-4 * math.sin(math.pi / 752)
    ours, theirs = float(as_schedule(s)(jnp.int32(375))), float(o(jnp.int32(375)))
    assert ours == pytest.approx(exact, rel=4 * F32)
    assert abs(theirs / exact - 1) > 1e-4


@pytest.mark.parametrize("name", ["linear_schedule", "exponential_decay", "warmup_cosine_decay_schedule"])
def test_optax_int32_counts_compute_in_float32_under_x64(name, jax_x64):
    # Why the x64 parity feeds optax int64 counts: with its own int32 counts these optax
    # schedules divide an int32 and get float32, even under x64. lrcore gives float64.
    kw = {"linear_schedule": dict(init_value=1.0, end_value=0.0, transition_steps=3),
          "exponential_decay": dict(init_value=1.0, transition_steps=3, decay_rate=0.5),
          "warmup_cosine_decay_schedule": dict(init_value=0.0, peak_value=1.0, warmup_steps=3, decay_steps=9)}[name]
    s, o = build(name, kw)
    assert o(jnp.int32(1)).dtype == jnp.float32
    assert o(jnp.int64(1)).dtype == jnp.float64
    assert as_schedule(s)(jnp.int32(1)).dtype == jnp.float64
    assert float(as_schedule(s)(jnp.int32(1))) == pytest.approx(float(o(jnp.int64(1))), rel=1e-15)


def test_linear_onecycle_colliding_knots_collapse_as_in_optax(jax_x64):
    # transition_steps=1: int(0.3) == int(0.85) == 0, so optax's dict keeps only {0: 1/div, 1: 1/final}.
    kw = dict(transition_steps=1, peak_value=1.0)
    s, o = build("linear_onecycle_schedule", kw)
    got = [s(t) for t in range(3)]
    assert got == pytest.approx(jax.vmap(o)(jnp.arange(3)).tolist(), rel=1e-15)
    assert got[0] == pytest.approx(1.0 / 25 / 25) and got[1] == pytest.approx(1.0 / 25 / 25 / 1e4)


def test_warmup_exponential_with_clipped_start_ramps_to_peak_value(jax_x64):
    # optax ramps to peak_value, then the decay starts at its clipped value max(peak, end).
    kw = dict(init_value=0.0, peak_value=1.0, warmup_steps=4, transition_steps=2, decay_rate=0.5, end_value=2.0)
    s, o = build("warmup_exponential_decay_schedule", kw)
    want = jax.vmap(o)(jnp.arange(8)).tolist()
    assert [s(t) for t in range(8)] == pytest.approx(want, rel=1e-15)
    assert want[3] == 0.75 and want[4] == 2.0


def test_growing_staircase_is_an_exact_piecewise(jax_x64):
    kw = dict(init_value=0.01, transition_steps=3, decay_rate=2.0, staircase=True, end_value=0.1, transition_begin=2)
    s, o = build("exponential_decay", kw)
    assert isinstance(s, lrcore.Shift) and isinstance(s.schedule, lrcore.Piecewise)
    assert s.schedule.values == (0.01, 0.02, 0.04, 0.08, 0.1)
    counts = np.arange(30)
    assert [s(int(t)) for t in counts] == pytest.approx(jax.vmap(o)(jnp.asarray(counts)).tolist(), rel=1e-15)


# ---------------------------------------------------------------------------- decisions where optax degrades

@pytest.mark.parametrize("call, match", [
    (lambda: C.polynomial_schedule(1.0, 0.0, 1.0, transition_steps=0), r"polynomial_schedule: `transition_steps` must be an int >= 1.*optax would silently"),
    (lambda: C.linear_schedule(1.0, 0.0, transition_steps=-3), r"linear_schedule: `transition_steps` must be an int >= 1"),
    (lambda: C.linear_schedule(1.0, 0.0, transition_steps=3, transition_begin=-1), r"linear_schedule: `transition_begin` must be an int >= 0"),
    (lambda: C.exponential_decay(1.0, 0, 0.5), r"exponential_decay: `transition_steps` must be an int >= 1"),
    (lambda: C.exponential_decay(1.0, 10, 0.0), r"exponential_decay: `decay_rate` must be a number > 0"),
    (lambda: C.exponential_decay(1.0, 10, 1.5), r"exponential_decay: `decay_rate` must be <= 1 unless an end_value caps"),
    (lambda: C.exponential_decay(1.0, 10, 1.5, end_value=3.0), r"exponential_decay: `staircase` must be True"),
    (lambda: C.exponential_decay(1.0, 10, 1.0001, staircase=True, end_value=1e300), r"within 10000 stairs"),
    (lambda: C.exponential_decay(-1.0, 10, 1.5, staircase=True, end_value=3.0), r"`init_value` must be >= 0"),
    (lambda: C.cosine_decay_schedule(1.0, 0), r"cosine_decay_schedule: `decay_steps` must be an int >= 1"),
    (lambda: C.cosine_decay_schedule(1.0, 10, exponent=-1.0), r"cosine_decay_schedule: `exponent` must be a number >= 0"),
    (lambda: C.warmup_constant_schedule(0.0, 1.0, 0), r"warmup_constant_schedule: `warmup_steps` must be an int >= 1.*constant_schedule\(peak_value\)"),
    (lambda: C.warmup_cosine_decay_schedule(0.0, 1.0, 10, 10), r"`decay_steps` must be an int >= 11.*includes the warmup"),
    (lambda: C.warmup_cosine_decay_schedule(0.0, 1.0, -1, 10), r"`warmup_steps` must be an int >= 0"),
    (lambda: C.piecewise_constant_schedule(1.0, {3: -0.5}), r"piecewise_constant_schedule: `boundaries_and_scales\[3\]` must be a number >= 0"),
    (lambda: C.piecewise_constant_schedule(1.0, {2.5: 0.5}), r"keys \(boundaries\) are ints"),
    (lambda: C.piecewise_interpolate_schedule("quadratic", 1.0), r"`interpolate_type` must be 'linear' or 'cosine'"),
    (lambda: C.piecewise_interpolate_schedule("linear", 1.0, {-2: 0.5}), r"keys \(boundaries\) are ints >= 0"),
    (lambda: C.linear_onecycle_schedule(0, 1.0), r"linear_onecycle_schedule: `transition_steps` must be an int >= 1"),
    (lambda: C.sgdr_schedule([]), r"sgdr_schedule: `cosine_kwargs` must be a non-empty list"),
    (lambda: C.join_schedules([lrcore.Constant(value=1.0)] * 2, [3, 4]), r"join_schedules: `boundaries` must be a list of len\(schedules\) - 1 = 1 ints"),
    (lambda: C.join_schedules([lrcore.Constant(value=1.0)] * 3, [5, 5]), r"join_schedules: `boundaries` must be strictly increasing"),
    (lambda: C.join_schedules([lrcore.Constant(value=1.0)] * 2, [-1]), r"join_schedules: `boundaries\[0\]` must be an int >= 0"),
    (lambda: C.join_schedules([lrcore.Constant(value=1.0), lambda c: c], [2]), r"join_schedules: `schedules\[1\]` must be an lrcore Schedule"),
    (lambda: C.contrib.reduce_on_plateau(factor=1.0), r"reduce_on_plateau: `factor` must be a number > 0.0 and < 1.0"),
    (lambda: C.contrib.reduce_on_plateau(rtol=0.0, atol=0.0), r"reduce_on_plateau: `rtol` must be > 0 when atol is 0"),
    (lambda: C.contrib.reduce_on_plateau(rtol=1.5), r"reduce_on_plateau: `rtol` must be a number >= 0.0 and <= 1.0"),
    (lambda: C.contrib.reduce_on_plateau(accumulation_size=0), r"`accumulation_size` must be an int >= 1"),
])
def test_degenerate_arguments_raise_instead_of_degrading(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_zero_warmup_is_the_decay_alone_as_in_optax(jax_x64):
    for name, kw in [("warmup_cosine_decay_schedule", dict(init_value=0.5, peak_value=1.0, warmup_steps=0, decay_steps=10)),
                     ("warmup_exponential_decay_schedule", dict(init_value=0.5, peak_value=1.0, warmup_steps=0,
                                                                transition_steps=2, decay_rate=0.5))]:
        s, o = build(name, kw)
        assert not isinstance(s, lrcore.Sequential)
        assert [s(t) for t in range(12)] == pytest.approx(jax.vmap(o)(jnp.arange(12, dtype=jnp.int64)).tolist(), rel=1e-15)


def test_join_boundary_zero_skips_the_first_schedule():
    a, b = lrcore.Constant(value=1.0), lrcore.Linear(start_value=2.0, end_value=0.0, steps=4)
    assert C.join_schedules([a, b], [0]) == b


def test_catalog_trees_are_plain_lrcore():
    s = C.warmup_cosine_decay_schedule(init_value=0.0, peak_value=1e-3, warmup_steps=100, decay_steps=1000, end_value=1e-5)
    assert s == lrcore.Sequential(parts=[lrcore.Linear(start_value=0.0, end_value=1e-3, steps=100),
                                         lrcore.Cosine(start_value=1e-3, steps=900, end_value=1e-3 * (1e-5 / 1e-3))],
                                  boundaries=[100])
    assert lrcore.from_config(s.to_config()) == s
    assert [p.kind for p in s.describe()] == ["linear", "cosine", "constant"]
    assert C.constant_schedule(0.1) == lrcore.Constant(value=0.1)
    assert C.piecewise_constant_schedule(1.0, {0: 0.5, -3: 0.5}) == lrcore.Constant(value=0.25)


def test_catalog_module_imports_no_jax_and_no_numpy():
    code = ("import sys, lrcore.catalog.optax as m; m.warmup_cosine_decay_schedule(0.0, 1.0, 5, 50)(7); "
            "m.contrib.reduce_on_plateau().update(m.contrib.reduce_on_plateau().init(), 1.0); "
            "bad = [k for k in ('jax', 'optax', 'numpy', 'torch', 'paddle') if k in sys.modules]; "
            "assert not bad, bad")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


# ---------------------------------------------------------------------------- plateau rule (pure, scalar path)

POOL = [0.0, 0.08, 0.09, 0.1, 0.2, 0.5, 0.9, 0.99, 1.0, 1.1, 2.0, 10.0]
plateau_kwargs = st.fixed_dictionaries({
    "factor": st.one_of(st.sampled_from([0.1, 0.5, 0.9]), st.floats(0.01, 0.99, **_FL)),
    "patience": st.integers(0, 4),
    "rtol": st.one_of(st.sampled_from([0.0, 1e-4, 0.1, 0.5]), st.floats(0.0, 1.0, **_FL)),
    "atol": st.sampled_from([0.0, 0.0, 1e-3, 0.05]),
    "cooldown": st.integers(0, 3),
    "accumulation_size": st.sampled_from([1, 1, 2, 3]),
    "min_scale": st.sampled_from([0.0, 0.0, 0.01, 0.3]),
}).filter(lambda k: k["rtol"] > 0 or k["atol"] > 0)
loss_streams = st.one_of(
    st.lists(st.sampled_from(POOL), min_size=1, max_size=40),
    st.lists(st.floats(-10, 10, **_FL), min_size=1, max_size=40),
    st.lists(st.floats(0.5, 1.5, **_FL), min_size=1, max_size=40).map(lambda xs: [x * 0.97**i for i, x in enumerate(xs)]),
)


def run_optax_plateau(kw: dict, losses: list) -> list:
    """optax.contrib.reduce_on_plateau's state after each update of a float64 parameter (x64)."""
    tx = optax.contrib.reduce_on_plateau(**kw)

    def step(state, v):
        _, state = tx.update(jnp.ones([], jnp.float64), state, jnp.zeros([], jnp.float64), value=v)
        return state, (state.scale, state.best_value, state.plateau_count, state.cooldown_count)

    _, out = jax.jit(lambda xs: jax.lax.scan(step, tx.init(jnp.zeros([], jnp.float64)), xs))(jnp.asarray(losses, jnp.float64))
    return [tuple(float(a[i]) for a in out) for i in range(len(losses))]


@settings(max_examples=max(10, settings.default.max_examples // 3), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(kw=plateau_kwargs, losses=loss_streams)
def test_reduce_on_plateau_rule_matches_optax(kw, losses, jax_x64):
    want = run_optax_plateau(kw, losses)
    p = C.contrib.reduce_on_plateau(**kw)
    st_ = p.init()
    for i, v in enumerate(losses):
        st_ = p.update(st_, v)
        got = (p.scale(st_), st_.best_value, st_.plateau_count, st_.cooldown_count)
        assert got == want[i], (i, losses[: i + 1], got, want[i])


def test_reduce_on_plateau_rule_on_peers_table():
    # PEERS.md 2g: factor 0.5, patience 2, rtol 0.1, cooldown 1, min_scale 0.2
    p = C.contrib.reduce_on_plateau(factor=0.5, patience=2, rtol=0.1, atol=0.0, cooldown=1, min_scale=0.2)
    st_, scales = p.init(), []
    for m in (10, 9, 9.5, 9.2, 9.1, 8.0, 8.5, 8.6, 8.7, 8.8, 8.9, 9, 9, 9, 9, 9, 9, 9):
        st_ = p.update(st_, float(m))
        scales.append(p.scale(st_))
    assert scales == [1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2]
    # patience=0 reduces on the first evaluation even though it improved, then not while it worsens
    p0 = C.contrib.reduce_on_plateau(factor=0.5, patience=0)
    st_, scales = p0.init(), []
    for m in (1, 2, 2, 2, 2):
        st_ = p0.update(st_, float(m))
        scales.append(p0.scale(st_))
    assert scales == [0.5] * 5
