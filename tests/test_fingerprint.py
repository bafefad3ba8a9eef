"""The fingerprint: exact for everything that decides a schedule's values, equal across processes.

Issue 14: a `functools.partial` (or any callable object) was fingerprinted through its repr (a
memory address: a false alarm between two identical processes), and a closure's cells and a
function's defaults were left out (a silent accept of a different curve). Here: the two found
cases, the same tree built in fresh interpreters (other hash seeds), a property test that a
change of any field anywhere in a random tree changes the fingerprint, and opaque marking.
"""

from __future__ import annotations

import functools
import json
import math
import os
import pickle
import re
import subprocess
import sys
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fingerprint_worker as W
import lrcore
import strategies as S
from lrcore import Function
from lrcore._config import is_opaque
from lrcore.catalog import paddle as pc
from lrcore.catalog import torch as tc

HEX16 = re.compile(r"[0-9a-f]{16}")
OPAQUE = re.compile(r"opaque-[0-9a-f]{16}")
TESTS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TESTS)


def make(w: float) -> Any:
    return lambda step: min(1.0, (step + 1) / w)


def scaled(step: float, w: float) -> float:
    return min(1.0, (step + 1) / w)


def with_default(w: float) -> Any:
    def f(step: float, w: float = w) -> float:
        return w / (step + w)
    return f


def with_kwdefault(k: float) -> Any:
    def f(step: float, *, k: float = k) -> float:
        return k / (step + 1)
    return f


@lrcore.register_function("tests.fp.warmup")
def warmup(step: float, steps: int, peak: float = 1.0) -> float:
    return peak * min(1.0, (step + 1) / steps)


@lrcore.register_function("tests.fp.warmup_steps4")
def warmup4(step: float) -> float:
    return warmup(step, steps=4)


# ------------------------------------------------------------------ the two found cases
def test_closure_cells_enter_the_fingerprint() -> None:
    # issue 14 (2): a silent accept of a different curve
    a, b = tc.LambdaLR(lr=0.1, lr_lambda=make(100)), tc.LambdaLR(lr=0.1, lr_lambda=make(5000))
    assert a(10) != b(10)
    assert a.fingerprint != b.fingerprint
    assert a.fingerprint == tc.LambdaLR(lr=0.1, lr_lambda=make(100)).fingerprint


def test_partial_has_no_address_in_its_fingerprint() -> None:
    # issue 14 (1): repr(partial) holds a memory address; two equal partials must agree
    p, q = functools.partial(scaled, w=100), functools.partial(scaled, w=100)
    assert p is not q and repr(p) == repr(p)
    assert Function(p).fingerprint == Function(q).fingerprint
    assert HEX16.fullmatch(Function(p).fingerprint)
    assert Function(p).fingerprint != Function(functools.partial(scaled, w=101)).fingerprint
    assert Function(p).fingerprint != Function(functools.partial(scaled, 100)).fingerprint  # args, not keywords


def test_defaults_and_keyword_defaults_enter_the_fingerprint() -> None:
    assert Function(with_default(2.0)).fingerprint == Function(with_default(2.0)).fingerprint
    assert Function(with_default(2.0)).fingerprint != Function(with_default(3.0)).fingerprint
    assert Function(with_kwdefault(2.0)).fingerprint != Function(with_kwdefault(3.0)).fingerprint
    # int and float, 0.0 and -0.0 differ (a function may treat them differently)
    assert Function(with_default(2)).fingerprint != Function(with_default(2.0)).fingerprint
    assert Function(with_default(0.0)).fingerprint != Function(with_default(-0.0)).fingerprint


def test_code_constants_and_globals_enter_the_fingerprint() -> None:
    assert Function(lambda step: 0.5).fingerprint != Function(lambda step: 0.25).fingerprint
    assert Function(lambda step: step * 2).fingerprint != Function(lambda step: step + 2).fingerprint
    # a module-level function the code calls, recursively: its code and its own globals
    a = Function(W.uses_global).fingerprint
    try:
        W.SCALE = 0.5
        assert Function(W.uses_global).fingerprint != a
    finally:
        W.SCALE = 0.75
    assert Function(W.uses_global).fingerprint == a


def test_values_enter_canonically() -> None:
    over = W.over
    assert Function(over([1.0, 0.5])).fingerprint != Function(over((1.0, 0.5))).fingerprint  # list vs tuple
    assert Function(over(np.array([1.0, 0.5]))).fingerprint == Function(over(np.array([1.0, 0.5]))).fingerprint
    assert Function(over(np.array([1.0, 0.5]))).fingerprint != Function(over(np.array([1.0, 0.25]))).fingerprint
    assert Function(over(np.array([1.0, 0.5]))).fingerprint != Function(over(np.array([1.0, 0.5], np.float32))).fingerprint
    assert Function(over(np.zeros((2, 2)))).fingerprint != Function(over(np.zeros(4))).fingerprint
    c1, c2 = lrcore.Cosine(start_value=1.0, steps=10), lrcore.Cosine(start_value=1.0, steps=11)
    assert Function(over((c1, 0.5))).fingerprint != Function(over((c2, 0.5))).fingerprint
    assert Function(over({"a": 1, "b": 2})).fingerprint == Function(over({"b": 2, "a": 1})).fingerprint
    assert Function(over({"a": 1, "b": 2})).fingerprint != Function(over({"a": 1, "b": 3})).fingerprint
    assert Function(over(float("nan"))).fingerprint == Function(over(float("nan"))).fingerprint


def test_callable_objects_enter_by_class_and_state() -> None:
    a, b = tc.MultiplicativeLR(lr=0.1, lr_lambda=make(5)), tc.MultiplicativeLR(lr=0.1, lr_lambda=make(6))
    assert a.fingerprint != b.fingerprint
    fp = a.fingerprint
    a(600)  # fills the running product's cache: not part of its state
    assert lrcore.fingerprint(a) == fp == tc.MultiplicativeLR(lr=0.1, lr_lambda=make(5)).fingerprint
    p = pc.MultiplicativeDecay(learning_rate=0.1, lr_lambda=make(5))
    assert HEX16.fullmatch(p.fingerprint)
    assert p.fingerprint != pc.MultiplicativeDecay(learning_rate=0.1, lr_lambda=make(6)).fingerprint


def test_cycles_terminate() -> None:
    def fact(n: float) -> float:
        return 1.0 if n <= 1 else n * fact(n - 1)  # reaches itself through its closure

    s = Function(fact)
    assert HEX16.fullmatch(s.fingerprint)
    box: list = []
    g = Function(lambda step: box[0](step) if box else 1.0)
    box.append(g)  # a schedule whose function reaches the schedule
    assert re.fullmatch(r"(opaque-)?[0-9a-f]{16}", g.fingerprint)
    deep: Any = 1.0
    for _ in range(10_000):
        deep = [deep]
    assert is_opaque(Function(W.over(deep)).fingerprint)  # bounded: too deep is opaque


# ------------------------------------------------------------------------------ opaque
class Thing:
    def __init__(self, v: float) -> None:
        self.v = v


def test_a_closure_over_an_arbitrary_object_is_opaque() -> None:
    t = Thing(0.5)
    s = Function(lambda step: t.v)
    fp = s.fingerprint
    assert OPAQUE.fullmatch(fp) and is_opaque(fp)
    assert lrcore.fingerprint(s) == fp  # deterministic within the process
    assert Function(lambda step: t.v).fingerprint != Function(lambda step, t=Thing(0.5): t.v).fingerprint
    assert is_opaque(lrcore.Warmup(s, warmup_steps=3).fingerprint)  # it reaches the root
    assert is_opaque(Function(W.over(math)).fingerprint)  # a module held as a value
    with open(__file__) as fh:
        assert is_opaque(Function(W.over(fh)).fingerprint)  # an open file
    assert not is_opaque(Function(make(3)).fingerprint)
    assert not is_opaque(lrcore.Constant(value=1.0).fingerprint)
    assert not is_opaque(None) and not is_opaque(1234)


# --------------------------------------------------------------------- named functions
def test_named_function_fingerprint_is_name_and_params() -> None:
    a = Function("tests.fp.warmup", params={"steps": 100})
    assert a == Function(warmup, params={"steps": 100}) and hash(a) == hash(Function(warmup, params={"steps": 100}))
    assert a.fingerprint == Function(warmup, params={"steps": 100}).fingerprint
    assert a.fingerprint != Function("tests.fp.warmup", params={"steps": 101}).fingerprint
    assert a.fingerprint != Function("tests.fp.warmup", params={"steps": 100.0}).fingerprint
    assert a.fingerprint != Function("tests.fp.warmup", params={"steps": 100, "peak": 1.0}).fingerprint
    assert a(49) == 0.5 and Function("tests.fp.warmup", params={"steps": 100, "peak": 0.5})(49) == 0.25
    cfg = a.to_config()
    assert cfg == {"type": "Function", "name": "tests.fp.warmup", "params": {"steps": 100}}
    assert lrcore.from_config(cfg) == a and lrcore.loads(lrcore.dumps(a)) == a  # no allow_functions
    assert pickle.loads(pickle.dumps(a)) == a
    assert lrcore.from_config({"type": "Function", "name": "tests.fp.warmup", "params": {"steps": 100}}).fingerprint \
        == a.fingerprint


def test_params_are_read_only_plain_data() -> None:
    s = Function(warmup, params={"steps": 4, "peak": 1.0})
    with pytest.raises(TypeError, match="read-only"):
        s.params["steps"] = 5  # type: ignore[index]
    nested = Function(lambda step, value: 1.0, params={"value": [1.0, {"a": [2, 3]}]})
    assert nested.params["value"] == (1.0, {"a": (2, 3)})  # lists kept as tuples
    assert nested.params.plain() == {"value": [1.0, {"a": [2, 3]}]}  # as a config stores it
    f = Function(scaled, params={"w": 4})  # params with an unregistered callable
    assert f(3) == 1.0 and f.to_config() == {"type": "Function", "fn": f"{__name__}:scaled", "params": {"w": 4}}
    assert lrcore.from_config(f.to_config(), allow_functions=True) == f
    assert Function(scaled, params={"w": 4}).fingerprint != Function(scaled, params={"w": 5}).fingerprint
    with pytest.raises(ValueError, match=r"^Function: `params` must be keyword arguments the function accepts"):
        Function(scaled, params={"nope": 1})


def test_register_function_rules() -> None:
    def one(step: float) -> float:
        return 1.0

    def two(step: float) -> float:
        return 2.0

    lrcore.register_function("tests.fp.one")(one)
    lrcore.register_function("tests.fp.one")(one)  # the same function again: fine
    with pytest.raises(ValueError, match="the name 'tests.fp.one' is taken"):
        lrcore.register_function("tests.fp.one", two)
    with pytest.raises(ValueError, match="already registered as 'tests.fp.one'"):
        lrcore.register_function("tests.fp.other", one)
    with pytest.raises(TypeError):
        lrcore.register_function("", two)
    with pytest.raises(ValueError, match=r"^name: must be the name of a function registered with "
                                         r"lrcore.register_function .*import the module"):
        lrcore.from_config({"type": "Function", "name": "tests.fp.nowhere", "params": {}})
    with pytest.raises(ValueError, match=r"^Function: `fn` must be a callable or the name of a function registered"):
        Function("tests.fp.nowhere")
    with pytest.raises(ValueError, match=r"^parts\[1\]\.name: must be given without 'fn'"):
        lrcore.from_config({"type": "Sequential", "parts": [{"type": "Constant", "value": 1.0},
                                                              {"type": "Function", "name": "tests.fp.one", "fn": "m:f"}],
                            "boundaries": [3]})


@pytest.mark.parametrize("build", [
    lambda f: tc.LambdaLR(lr=0.1, lr_lambda=f),
    lambda f: tc.MultiplicativeLR(lr=0.1, lr_lambda=f),
    lambda f: pc.LambdaDecay(learning_rate=0.1, lr_lambda=f),
    lambda f: pc.MultiplicativeDecay(learning_rate=0.1, lr_lambda=f),
], ids=["torch.LambdaLR", "torch.MultiplicativeLR", "paddle.LambdaDecay", "paddle.MultiplicativeDecay"])
def test_catalogs_take_named_functions(build: Any) -> None:
    by_name = build(Function("tests.fp.warmup", params={"steps": 4}))
    by_fn = build(Function(warmup, params={"steps": 4}))
    plain = build(lambda step: warmup(step, steps=4))
    assert by_name == by_fn and by_name.fingerprint == by_fn.fingerprint
    assert [by_name(t) for t in range(8)] == [plain(t) for t in range(8)]
    assert by_name.fingerprint != build(Function("tests.fp.warmup", params={"steps": 5})).fingerprint
    assert build("tests.fp.warmup_steps4") == build(warmup4)  # a name, or the registered function
    assert [build("tests.fp.warmup_steps4")(t) for t in range(8)] == [plain(t) for t in range(8)]


def test_torch_lambda_lr_of_a_named_function_is_stored_by_name() -> None:
    s = tc.LambdaLR(lr=0.1, lr_lambda=Function("tests.fp.warmup", params={"steps": 4}))
    assert lrcore.loads(lrcore.dumps(s)) == s
    assert tc.LambdaLR(lr=0.1, lr_lambda=warmup4).to_config()["factors"][1] == {
        "type": "Function", "name": "tests.fp.warmup_steps4", "params": {}}
    with pytest.raises(ValueError, match=r"^LambdaLR: `lr_lambda` must be a callable or the name of a function"):
        tc.LambdaLR(lr=0.1, lr_lambda="tests.fp.nowhere")
    with pytest.raises(TypeError, match=r"^LambdaDecay: `lr_lambda` must be a callable, got lr_lambda=3"):
        pc.LambdaDecay(learning_rate=0.1, lr_lambda=3)


# ------------------------------------------------------------------- across processes
def _fresh_fingerprints(seed: str) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": os.pathsep.join([ROOT, TESTS])}
    code = "import json, fingerprint_worker as W; print(json.dumps(W.fingerprints(), sort_keys=True))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300,
                         cwd=TESTS)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_two_processes_building_the_same_trees_agree() -> None:
    here = W.fingerprints()
    assert not any(is_opaque(fp) for fp in here.values()), here
    assert len(set(here.values())) == len(here)  # and the cases differ from each other
    for seed in ("1", "2"):
        assert _fresh_fingerprints(seed) == here


# ----------------------------------------------------------------- the property test
def _leaf_functions() -> st.SearchStrategy:
    w = st.integers(1, 10_000)
    return st.one_of(
        st.builds(lambda v: Function(make(v)), w),
        st.builds(lambda v: Function(with_default(float(v))), w),
        st.builds(lambda v: Function(functools.partial(scaled, w=v)), w),
        st.builds(lambda v: Function(warmup, params={"steps": v}), w),
        st.builds(lambda v: Function("tests.fp.warmup", params={"steps": 10, "peak": v / 7}), w),
    )


@st.composite
def _trees(draw: Any) -> Any:
    s = draw(S.schedules(max_depth=3))
    if draw(st.booleans()):
        f = draw(_leaf_functions())
        s = lrcore.Product(factors=(s, f)) if draw(st.booleans()) else lrcore.Sum(terms=(f, s))
    return s


def _nodes(s: Any, path: tuple = ()) -> list:
    out = [(path, s)]
    for f in s._fields:
        v = getattr(s, f.name)
        if isinstance(v, lrcore.Schedule):
            out += _nodes(v, path + ((f.name, None),))
        elif isinstance(v, tuple) and v and isinstance(v[0], lrcore.Schedule):
            for i, c in enumerate(v):
                out += _nodes(c, path + ((f.name, i),))
    return out


def _put(s: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    (name, i), rest = path[0], path[1:]
    v = getattr(s, name)
    if i is None:
        return s.replace(**{name: _put(v, rest, new)})
    return s.replace(**{name: tuple(_put(c, rest, new) if j == i else c for j, c in enumerate(v))})


def _mutations(node: Any, name: str, v: Any) -> list:
    """Other values for the field `name` (some are invalid: the caller tries them in turn)."""
    if isinstance(node, Function) and name == "fn":
        cell = getattr(v, "__closure__", None)
        if isinstance(v, functools.partial):
            return [functools.partial(v.func, **{k: x + 1 for k, x in v.keywords.items()})]
        if getattr(v, "__defaults__", None):
            return [with_default(v.__defaults__[0] + 1.0)]
        if cell:
            return [make(cell[0].cell_contents + 1)]
        return [lambda step: 0.123]
    if isinstance(node, Function) and name == "params":
        return [{**v.plain(), "steps": v.get("steps", 10) + 1}, {**v.plain(), "peak": 0.5}]
    if isinstance(v, bool):
        return [not v]
    if isinstance(v, int):
        return [v + 1, v - 1, v * 2]
    if isinstance(v, float):
        return [v * 1.5 + 0.25, v / 2, math.nextafter(v, math.inf), v - 0.5]
    if isinstance(v, str):
        choices = node._field_map[name].choices or ()
        return [c for c in choices if c != v]
    if isinstance(v, tuple) and v and not isinstance(v[0], lrcore.Schedule):
        return [v[:-1] + (v[-1] + 1,), v[:-1] + (v[-1] * 1.5 + 0.25,), v + (v[-1] * 2 + 1,)]
    if v is None:
        return [1, 1.0, 0.5, 10]
    return []


@settings(max_examples=60, deadline=None)
@given(_trees(), st.data())
def test_any_field_change_anywhere_changes_the_fingerprint(s: Any, data: Any) -> None:
    nodes = _nodes(s)
    path, node = data.draw(st.sampled_from(nodes))
    own = [f.name for f in node._fields if not isinstance(getattr(node, f.name), (lrcore.Schedule, tuple))
           or (isinstance(getattr(node, f.name), tuple) and getattr(node, f.name)
               and not isinstance(getattr(node, f.name)[0], lrcore.Schedule))]
    if not own:
        return
    name = data.draw(st.sampled_from(own))
    for new_value in _mutations(node, name, getattr(node, name)):
        try:
            changed = node.replace(**{name: new_value})
        except (ValueError, TypeError):
            continue
        if changed == node:
            continue
        t = _put(s, path, changed)
        assert t != s
        assert t.fingerprint != s.fingerprint, (path, name, getattr(node, name), new_value)
        assert not is_opaque(t.fingerprint)
        return
