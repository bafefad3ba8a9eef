"""`xp.equal`: exact elementwise equality on every namespace, and the formulas that compare with it.

paddle's ``==`` and ``!=`` on float tensors count ``|a - b| < 1e-15`` as equal (paddle 3.3.1,
float32 and float64; its ``<``, ``<=``, ``>`` and ``>=`` are exact), so a formula that wrote
``a == b`` on arrays took 0 and 9.75e-16 for equal there: `exact_div` returned the integer 0
for a step of 9.75e-16 (a stretched time), `blend` returned the start value on a whole segment
whose two values are within 1e-15, and ``Polynomial(cycle=True)`` read a step of 1e-16 as a
cycle boundary (0 instead of the start value). Found by a long-profile run of
tests/test_eval_path_parity.py (its draw is pinned there, in FOUND64).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import lrcore
from lrcore import Interpolate, Linear, Polynomial, Stretch, ops

paddle = pytest.importorskip("paddle")
torch = pytest.importorskip("torch")

TINY = st.sampled_from([0.0, 1e-17, 5e-16, 9.75e-16, 1e-15, 2e-15, 1.0, 1.0 + 2.0**-52, 1e-300])
VALUES = st.one_of(TINY, st.floats(allow_nan=False, allow_infinity=False, width=64))


def _namespaces():
    from lrcore._backends import NumpyOps, PaddleOps, TorchOps

    return {
        "numpy": (NumpyOps(np.float64), lambda x: x, np.asarray),
        "torch": (TorchOps(torch.float64, torch.device("cpu")), torch.from_numpy, lambda y: y.numpy()),
        "paddle": (PaddleOps(paddle.float64), paddle.to_tensor, lambda y: y.numpy()),
    }


def test_paddle_float_eq_is_approximate():
    """The premise: if paddle's == became exact, `PaddleOps.equal` would still be right, only not needed."""
    a, b = paddle.to_tensor(np.array([0.0, 1.0])), paddle.to_tensor(np.array([9.75e-16, 1.0 + 2.0**-52]))
    assert (a == b).numpy().tolist() == [True, True]
    assert (a < b).numpy().tolist() == [True, True]


@pytest.mark.parametrize("path", ["numpy", "torch", "paddle"])
@given(data=st.data())
def test_equal_is_exact_elementwise(path, data):
    xp, to, back = _namespaces()[path]
    n = data.draw(st.integers(1, 16))
    a = data.draw(arrays(np.float64, n, elements=VALUES))
    b = np.where(data.draw(arrays(np.bool_, n)), a, data.draw(arrays(np.float64, n, elements=VALUES)))
    np.testing.assert_array_equal(back(xp.equal(to(a), to(b))), a == b)
    np.testing.assert_array_equal(back(xp.equal(to(a), 9.75e-16)), a == 9.75e-16)


@given(a=VALUES, b=VALUES)
def test_equal_on_python_numbers_and_in_compiled_code(a, b):
    assert ops.scalar.equal(a, b) is (a == b)
    f = lrcore.Function(lambda t, xp: xp.where(xp.equal(t, a), 1.0, 0.0))
    if a >= 0:
        assert f(a) == 1.0
    if b >= 0:
        assert f(b) == (1.0 if a == b else 0.0)


# The formulas, on paddle, against s(t) (Python floats): each was wrong before `xp.equal`.
CASES = [
    # exact_div(t, 1): the integer 0 for t = 9.75e-16
    (Stretch(Linear(start_value=0.0, end_value=1.0, steps=1), factor=1), [0, 9.75e-16, 1e-17, 5e-16, 1]),
    # Polynomial(cycle=True): fmod(1e-16, 10) read as a cycle boundary (0.0 instead of 1.0)
    (Polynomial(start_value=1.0, end_value=0.0, steps=10, power=2.0, cycle=True), [0, 1e-16, 5e-16, 1, 10, 11]),
    # blend(y0, y1) of two table values 5e-16 apart: y0 on the whole segment
    (Interpolate(boundaries=[0, 10], values=[0.0, 5e-16]), [0, 1, 5, 9, 10]),
]
IDS = ["exact-div", "polynomial-cycle", "interpolate-blend"]  # the long-profile draw is FOUND64's "paddle-eq-stretch"


@pytest.mark.parametrize("path", ["numpy", "torch", "paddle"])
@pytest.mark.parametrize("s, steps", CASES, ids=IDS)
def test_formulas_compare_exactly(s, steps, path):
    _, to, back = _namespaces()[path]
    got = back(s.evaluate(to(np.asarray(steps, dtype=np.float64))))
    np.testing.assert_array_equal(got, [s(t) for t in steps])
