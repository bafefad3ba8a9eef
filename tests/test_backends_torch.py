"""torch's namespace (`lrcore._backends.TorchOps`) against numpy, bit for bit where lrcore claims it.

torch's CPU float64 sqrt is faithful but not correctly rounded (1.4% of random arguments an ulp
off on this AVX512 build of torch 2.13); `TorchOps.sqrt` takes the neighbour where the root lies
beyond the midpoint, decided exactly, so a warped time (``Warp(..., exponent=0.5)``) is the same
float on every path.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

torch = pytest.importorskip("torch")

import lrcore  # noqa: E402
from lrcore._backends import TorchOps  # noqa: E402

XP64 = TorchOps(torch.float64, torch.device("cpu"))


def test_torch_cpu_sqrt_is_faithful():
    """The premise of the correction: torch's own sqrt is within an ulp of the root (14,040 of
    these 1e6 arguments an ulp off on the build pinned here, 0 on a correctly rounded build),
    so one Newton step on the exact residual reaches the correctly rounded one."""
    x = np.random.default_rng(0).random(1_000_000)
    own, exact = torch.sqrt(torch.from_numpy(x)).numpy(), np.sqrt(x)
    assert np.all(np.abs(own - exact) <= np.spacing(exact))


@pytest.mark.parametrize("scale", [1.0, 1e-6, 1e6, 2.0**60, 1e200, 1e-300])
def test_sqrt_equals_numpy_on_random_arguments(scale):
    x = np.random.default_rng(1).random(1_000_000) * scale
    got = XP64.sqrt(torch.from_numpy(x)).numpy()
    np.testing.assert_array_equal(got, np.sqrt(x))


@given(arrays(np.float64, st.integers(1, 64),
              elements=st.floats(min_value=0.0, allow_nan=False)))
def test_sqrt_equals_numpy(x):
    np.testing.assert_array_equal(XP64.sqrt(torch.from_numpy(x)).numpy(), np.sqrt(x))


def test_sqrt_hard_cases():
    """Arguments whose root lies within 2**-52 ulp of a midpoint, where one Newton step misrounds
    (2,038 of these with a first draft): mantissas of all ones and their neighbours, at every
    exponent; roots of 2**53 - k over 2**53 (a Warp's time next to its end); integer squares and
    their neighbours."""
    ms = [2 - 2**-52, 1 - 2**-53, 1 + 2**-52, 1 + 2**-51, 2 - 2**-51, 1.5, 1.5 - 2**-52, 1.5 + 2**-52, 1.0]
    x = np.array([v for k in range(-1074, 1024) for m in ms if 0 < (v := math.ldexp(m, k)) < math.inf])
    q = np.arange(2**53 - 20_000, 2**53 + 1, dtype=np.float64) / 2**53
    k = np.arange(1, 200_000, dtype=np.float64)
    for a in (x, q, k * k, k * k + 1, k * k - 1):
        np.testing.assert_array_equal(XP64.sqrt(torch.from_numpy(a)).numpy(), np.sqrt(a))


def test_sqrt_edges_and_python_numbers():
    # 6.8e-308: found by a long run (the split's products were subnormal before the scaling)
    x = np.array([0.0, 5e-324, 2.2250738585072014e-308, 6.84574411e-308, 1.0, 4.0, 1e308, 1.7976931348623157e308,
                  np.inf])
    np.testing.assert_array_equal(XP64.sqrt(torch.from_numpy(x)).numpy(), np.sqrt(x))
    assert XP64.sqrt(3165 / 33731).item() == np.sqrt(3165 / 33731)


def test_float32_sqrt_is_torch_own():
    """float32 is compared to float rounding, never bitwise: the correction is float64 only."""
    x = torch.rand(1000, dtype=torch.float32)
    assert torch.equal(TorchOps(torch.float32, torch.device("cpu")).sqrt(x), torch.sqrt(x))


def test_warped_restart_found_by_ci():
    """The CI draw: a Restart just past its cycle start under Warp(exponent=0.5); the warped time
    sqrt(3165 * 33731) was an ulp off in torch, 4.5e-12 relative in the value."""
    s = lrcore.Warp(lrcore.Restart(lrcore.Linear(start_value=1e-6, end_value=1.0, steps=1), period_steps=1476),
                    steps=33731, exponent=0.5)
    steps = [3163, 3164, 3165, 3166, 33730, 33731]
    got = s.evaluate(torch.tensor(steps, dtype=torch.float64)).numpy()
    np.testing.assert_array_equal(got, [s(t) for t in steps])
