"""The scalar compiler (lrcore._compile): optimised code, same floats as the plain trace.

``compile_scalar(formula, label)`` traces a formula into Python; ``optimize=False`` gives the
plain trace (every recorded op once, in order, selects as expressions), which is what ``s(t)``
computed before the optimisations. Here:

* the optimised code has no dead lines and no repeated expressions, and a select whose
  branches need work is an ``if``/``else`` that computes only the branch taken;
* on hypothesis-drawn trees (tests/strategies.py) and steps (ints, the same steps as floats,
  and half steps), the optimised function returns bit for bit the floats of the plain trace;
* the code size stays linear where selects share work (no exponential duplication);
* a formula that cannot be traced still falls back to direct evaluation;
* ``compile_function`` and ``Plateau.scalar_update`` (the compiled plateau update) agree with
  the direct update on random metric sequences and every option.
"""

from __future__ import annotations

import ast
import math
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrcore
from lrcore import _compile
from lrcore._compile import FormulaError, compile_function, compile_scalar
from lrcore.ops import Ops as ScalarOps
from lrcore.catalog import paddle as P
from lrcore.catalog import torch as T
from strategies import schedules_and_steps

_N = settings.default.max_examples


def _same(a: float, b: float) -> bool:
    """Bit for bit: equal, same sign of zero, or both NaN."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def _pair(s):
    label = type(s).__name__.lower()
    return compile_scalar(s.formula, label), compile_scalar(s.formula, label, optimize=False)


def _assigns(src: str) -> tuple[list[ast.Assign], set[str]]:
    tree = ast.parse(src)
    assigns = [n for n in ast.walk(tree) if isinstance(n, ast.Assign)]
    loads = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return assigns, loads


TREES = {
    "paddle CosineAnnealingDecay": P.CosineAnnealingDecay(learning_rate=0.1, T_max=100, eta_min=0.001),
    "paddle LinearWarmup": P.LinearWarmup(learning_rate=0.1, warmup_steps=10, start_lr=0.0, end_lr=0.1),
    "paddle StepDecay": P.StepDecay(learning_rate=0.1, step_size=10, gamma=0.5),
    "paddle CosineAnnealingWarmRestarts": P.CosineAnnealingWarmRestarts(learning_rate=0.1, T_0=10, T_mult=2, eta_min=0.001),
    "torch SequentialLR": T.SequentialLR(schedulers=[T.LinearLR(lr=0.1, start_factor=0.01, total_iters=10),
                                                     T.CosineAnnealingLR(lr=0.1, T_max=30)], milestones=[10]),
    "torch OneCycleLR": T.OneCycleLR(max_lr=0.1, total_steps=100),
    "Warmup(Restart(Cosine)) * 2": lrcore.Warmup(lrcore.Restart(lrcore.Cosine(start_value=1e-3, steps=1000, end_value=1e-5),
                                                               period_steps=1000, period_mult=2.0, decay=0.5),
                                                warmup_steps=500) * 2.0,
    "Cyclic": lrcore.Cyclic(low_value=0.01, high_value=0.1, up_steps=5, mode="triangular2"),
}


@pytest.mark.parametrize("name", list(TREES))
def test_no_dead_lines_and_no_repeated_expressions(name):
    s = TREES[name]
    fn, _ = _pair(s)
    assigns, loads = _assigns(fn.__lrcore_source__)
    exprs = []
    for a in assigns:
        (target,) = a.targets
        assert isinstance(target, ast.Name)
        # every value computed is used (by a later line or the return)
        assert target.id in loads, f"{target.id} is never used in\n{fn.__lrcore_source__}"
        if not isinstance(a.value, (ast.Name, ast.Constant)):
            exprs.append(ast.dump(a.value))
    assert len(exprs) == len(set(exprs)), f"a repeated expression in\n{fn.__lrcore_source__}"


def test_selects_become_branches_computing_only_the_branch_taken():
    s = TREES["torch SequentialLR"]
    fn, plain = _pair(s)
    src = fn.__lrcore_source__
    assert "if t < 10.0:" in src and "_sin(" in src.split("else:", 1)[1]  # the cosine only after the warmup
    assert src.count("\n") < plain.__lrcore_source__.count("\n")

    # the branch not taken is not computed: here it would raise (log of a negative number)
    def formula(step, xp):
        return xp.where(step < 5.0, 1.0, xp.log(step - 5.0) + 2.0)

    lazy, eager = compile_scalar(formula, "f"), compile_scalar(formula, "f", optimize=False)
    assert lazy(2) == 1.0 and lazy(6) == eager(6) == 2.0
    with pytest.raises(ValueError, match="math domain error"):
        eager(2)


def test_exact_identities_fold_and_others_do_not():
    def formula(step, xp):
        a = xp.sin(step) * 1.0 / 1.0 - 0.0  # folds to sin(t)
        b = 0.0 + xp.exp(-step)  # exp is never -0.0: folds
        c = 0.0 + xp.sin(step)  # sin(-0.0) is -0.0 and 0.0 + -0.0 is 0.0: kept
        return a + b + c

    fn, plain = compile_scalar(formula, "f"), compile_scalar(formula, "f", optimize=False)
    src = fn.__lrcore_source__
    assert "* 1.0" not in src and "/ 1.0" not in src and "- 0.0" not in src
    assert src.count("0.0 + ") == 1, src
    for t in (0, 0.0, -0.0, 1, 2.5, 1e6):
        assert _same(fn(t), plain(t))
    assert math.copysign(1.0, compile_scalar(lambda t, xp: 0.0 + xp.sin(t), "g")(-0.0)) == 1.0


def test_shared_work_is_computed_once_and_code_stays_linear():
    # x_k = where(c_k, x_{k-1} * 2, x_{k-1} + 1): both branches need x_{k-1}; lazily emitting
    # each branch's inputs inside it would duplicate the code 2**k times
    def formula(step, xp):
        x = step
        for k in range(40):
            x = xp.where(step < 3.0 * k, x * 2.0, x + 1.0)
        return x

    fn, plain = compile_scalar(formula, "f"), compile_scalar(formula, "f", optimize=False)
    assert fn.__lrcore_source__.count("\n") < 5 * 40
    for t in range(0, 130, 7):
        assert _same(fn(t), plain(t))


@settings(max_examples=max(20, _N))
@given(case=schedules_and_steps(), frac=st.sampled_from([0.0, 0.25, 0.5]))
def test_optimised_code_equals_the_plain_trace(case, frac):
    s, steps = case
    fn, plain = _pair(s)
    for t in steps:
        for step in (t, float(t), float(t) + frac):
            a, b = fn(step), plain(step)
            assert type(a) is float and _same(a, b), (s, step, a, b, fn.__lrcore_source__)
    assert _same(s(steps[0]), fn(steps[0]))


def test_step_checks_in_the_prologue():
    fn = compile_scalar(TREES["paddle StepDecay"].formula, "f")
    assert fn(10**301) == fn(float(10**301))  # past the int fast path: the general check
    assert fn(True if False else 3) == fn(3.0)
    for bad, err in ((True, TypeError), ("3", TypeError), (None, TypeError), (-1, ValueError), (-0.5, ValueError),
                     (math.nan, ValueError), (math.inf, ValueError), (10**400, ValueError)):
        with pytest.raises(err, match="step must be"):
            fn(bad)


def test_python_on_the_step_fails_loudly_at_compile():
    """Issue 13: the tracer no longer swallows its own guard (0.1 fell back silently)."""
    def by_math(step, xp):
        return 0.5 + 0.5 * math.cos(step / 10.0)  # calls math on the step

    with pytest.raises(FormulaError, match="ops of xp"):
        compile_scalar(by_math, "f")

    def branches_in_python(step, xp):
        return 1.0 if step < 3 else 2.0  # a Python `if` on the step

    with pytest.raises(FormulaError, match="xp.where"):
        compile_scalar(branches_in_python, "g")


def test_floor_is_scalar_floor():
    for x in (0.0, -0.0, 0.5, -0.5, 2.0**52 + 0.5, 1e300, -1e300, 7.999999999999999):
        assert _same(float(math.floor(x)), ScalarOps.floor(x))


def test_scalar_fn_is_what_call_runs():
    s = TREES["torch OneCycleLR"]
    f = s.scalar_fn
    assert f is s.scalar_fn and [f(t) for t in range(0, 120, 3)] == [s(t) for t in range(0, 120, 3)]
    s2 = pickle.loads(pickle.dumps(s))  # compiled code is never pickled
    assert s2 == s and s2.scalar_fn(7) == f(7)


def test_compile_function_unpacks_and_wraps():
    from typing import NamedTuple

    class Pair(NamedTuple):
        lo: float
        hi: float

    def fn(lo, hi, x, xp):
        return xp.minimum(lo, x), xp.maximum(hi, x)

    f = compile_function(fn, (("lo", "hi"), "x"), "pair", result_type=Pair)
    assert f(Pair(1.0, 2.0), 0.5) == Pair(0.5, 2.0) and type(f(Pair(1.0, 2.0), 3.0)) is Pair
    g = compile_function(fn, ("lo", "hi", "x"), "pair2")
    assert g(1, 2, 3) == (1, 3)


# -- the compiled plateau update --------------------------------------------------------

plateaus = st.builds(
    lrcore.Plateau,
    mode=st.sampled_from(["min", "max"]),
    factor=st.sampled_from([0.1, 0.5, 0.9]),
    patience=st.integers(0, 4),
    threshold=st.sampled_from([0.0, 1e-4, 0.1]),
    threshold_mode=st.sampled_from(["rel", "abs"]),
    cooldown=st.integers(0, 3),
    min_value=st.sampled_from([0.0, 0.01, 0.3]),
    eps=st.sampled_from([0.0, 1e-8, 0.05]),
    rule=st.sampled_from(["torch", "paddle"]),
    unit=st.sampled_from([1.0, 0.1, 3.0]),
)
metrics = st.lists(st.one_of(st.floats(-10, 10, allow_nan=False), st.sampled_from([0.0, -0.0, 1.0, 1.0, 1.0, math.inf])),
                   min_size=1, max_size=40)


def _direct_update(p, state, metric):
    return lrcore.PlateauState(*p._step(*state, metric, ScalarOps))


@settings(max_examples=max(30, _N))
@given(p=plateaus, ms=metrics)
def test_compiled_plateau_update_equals_direct(p, ms):
    a = b = p.init()
    for m in ms:
        c = p.scalar_update(a, m)
        a, b = p.update(a, m), _direct_update(p, b, m)
        assert type(a) is lrcore.PlateauState and all(_same(float(x), float(y)) for x, y in zip(a, b)), (p, ms, a, b)
        assert type(c) is lrcore.PlateauState and all(_same(float(x), float(y)) for x, y in zip(a, c))


def test_plateau_update_other_inputs_take_the_direct_path():
    p = lrcore.Plateau(factor=0.5, patience=0)
    st0 = p.init()
    assert p.update(st0, 1) == p.update(st0, 1.0)  # an int metric
    np = pytest.importorskip("numpy")
    got = p.update(p.update(st0, np.float64(1.0)), np.float64(2.0))
    assert float(got.scale) == 0.5
    with pytest.raises(TypeError, match="metric must be"):
        p.update(st0, "1.0")
    p2 = pickle.loads(pickle.dumps(p))  # the compiled update is not pickled
    assert p2 == p and "_c_update" not in p2.__dict__ and p2.update(st0, 1.0) == p.update(st0, 1.0)


def test_compile_module_exports():
    assert set(_compile.__all__) == {"compile_scalar", "compile_function", "check_step", "FormulaError"}
