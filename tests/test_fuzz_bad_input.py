"""Fuzzing with bad input anywhere: only a ValueError or TypeError that names the field; nothing imported or run.

Hypothesis takes a valid call of every constructor (every primitive and combinator of lrcore,
Plateau, PlateauSchedule, minimum / maximum, extend_stable, check_resume, and every public constructor of
every ``lrcore.catalog`` submodule found at test time: torch, paddle, optax, and transformers,
timm, keras when present) and replaces one or two arguments with malformed values: wrong types,
NaN, inf, negative, huge (10**400, 2**53 + 1, 1e308), subnormal, unsorted or duplicate or
empty lists, lists of junk, numpy scalars and arrays, Decimal, generators, schedules where
numbers belong and numbers where schedules belong, callables where numbers belong, and values
nested 10,000 levels deep. Then:

* the call raises ValueError or TypeError whose message names the argument replaced (or, for
  a constraint between two arguments, the other one: RELATED below), or it succeeds and the
  schedule is finite at steps 0 .. 2**52;
* nothing else escapes (no RecursionError, ZeroDivisionError, IndexError, OverflowError, ...);
* no callable passed as a value is called, and no module is imported.

Configs get the same malformed values at random fields (and Function references such as
``this:s``, whose import would print), through ``from_config`` and ``loads``: ValueError or
TypeError naming the field's path, no import. Examples: 500 per test under the ci profile,
20,000 under HYPOTHESIS_PROFILE=long (LRCORE_BAD_INPUT_EXAMPLES overrides).
"""

from __future__ import annotations

import copy
import dataclasses
import decimal
import fractions
import importlib
import inspect
import json
import math
import os
import pkgutil
import re
import sys
from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import lrcore
import lrcore.catalog
from nodes import COS, LIN, NODES, half

_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
EXAMPLES = int(os.environ.get("LRCORE_BAD_INPUT_EXAMPLES", 20_000 if _PROFILE == "long" else 500))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

DEEP = 10_000


def _deep_list(n: int = DEEP) -> list:
    x: list = []
    for _ in range(n):
        x = [x]
    return x


def _deep_dict(n: int = DEEP) -> dict:
    x: dict = {}
    for _ in range(n):
        x = {"a": x}
    return x


class Sentinel:
    """A callable (and iterable, and number-like) value that records any use of its code."""

    calls: list = []

    def __call__(self, *args: Any, **kwargs: Any) -> float:
        Sentinel.calls.append(("call", args))
        return 0.5

    def __float__(self) -> float:
        Sentinel.calls.append(("float",))
        return 0.5

    def __index__(self) -> int:
        Sentinel.calls.append(("index",))
        return 5

    def __repr__(self) -> str:
        return "Sentinel()"


SENTINEL = Sentinel()


def sentinel_fn(step: Any) -> float:
    """A module-level function (storable by reference) that records being called."""
    Sentinel.calls.append(("sentinel_fn", step))
    return 0.5


WSD = lrcore.WSD(peak_value=1.0, warmup_steps=2, stable_steps=2, decay_steps=4)

# ------------------------------------------------------------------------------- bad values
_SIMPLE_BAD = [
    None, "0.1", "", b"1", [], {}, (), set(), object(), True, False, 1j, math.nan, math.inf, -math.inf,
    -1, -1.0, 0, 0.0, -0.0, 1, 2**53 + 1, 2**63, 10**400, -(10**400), 1e308, -1e308, 5e-324, 1e-310,
    [math.nan], [math.inf], [1, "a"], [3, 3], [5, 2], [-1, 2], [0], [[1], [2]], [None], [True, False], [1.5, 2.5],
    [2**53 + 1], [10**400], {"a": 1}, {"type": "Constant", "value": 1.0}, decimal.Decimal("NaN"),
    decimal.Decimal("0.1"), fractions.Fraction(1, 3), np.float64(math.nan), np.float32(math.inf), np.int64(-5),
    np.array([1, 2]), np.array(math.nan), np.array([]), "linear ", "LINEAR", "cos", SENTINEL, sentinel_fn,
    lrcore.Constant(value=0.1), LIN, lrcore.Plateau(), lrcore.Constant(value=0.1) * lrcore.Plateau(),
    lrcore.PlateauState(1.0, 0.0, 0.0, 1.0), range(-3, 3), range(0), 1e-300, 2**53, 2**31, -(2**31),
]
_DEEP_BAD = [_deep_list(), _deep_dict(), [_deep_list()], (_deep_list(),), [1, _deep_list()]]

bad_values = st.one_of(
    st.sampled_from(_SIMPLE_BAD),
    st.integers(0, len(_DEEP_BAD) - 1).map(lambda i: _DEEP_BAD[i]),  # (not sampled_from: it reprs its elements)
    st.floats(),
    st.integers(-(2**70), 2**70),
    st.lists(st.one_of(st.integers(-5, 2**54), st.floats(), st.none()), max_size=6),
    st.text(max_size=4),
    st.builds(lambda xs: (x for x in xs), st.lists(st.integers(-3, 30), max_size=4)),  # a generator
)

# ----------------------------------------------------------------------- lrcore's constructors
# Every node of the table (tests/nodes.py) with every field given, and the other constructors.
CORE_BASE: dict[str, tuple[Callable, dict]] = {
    **{name: (e.cls, e.full) for name, e in NODES.items()},
    "extend_stable": (lrcore.extend_stable, dict(schedule=WSD, extra_steps=3)),
    "cooldown": (lrcore.cooldown, dict(schedule=LIN, at=3, steps=4, end_value=0.1, shape="cosine")),
    "check_resume": (lrcore.check_resume, dict(saved=WSD.to_config(), schedule=WSD, on_change="error")),
    "minimum": (lambda a, b: lrcore.minimum(a, b), dict(a=LIN, b=0.5)),
    "maximum": (lambda a, b: lrcore.maximum(a, b), dict(a=LIN, b=0.5)),
    "scale_batch": (lrcore.scale_batch, dict(s=lrcore.Warmup(COS, warmup_steps="10%"), batch_size=64,
                                             reference_batch_size=16, rule="sqrt", scale_steps=True)),
    "total_steps": (lrcore.total_steps, dict(epochs=3, batches_per_epoch=10, grad_accum=4, max_steps=8)),
    "s * k": (lambda k: LIN * k, dict(k=0.5)),
    "k * s": (lambda k: k * LIN, dict(k=0.5)),
    "s + k": (lambda k: LIN + k, dict(k=0.5)),
    "k + s": (lambda k: k + LIN, dict(k=0.5)),
    "RangeTest": (lrcore.RangeTest, dict(start_value=1e-7, end_value=10.0, steps=100, shape="exponential",
                                         staircase=2)),
    "suggest_lr": (lrcore.suggest_lr, dict(lrs=[1e-6 * 1.2**i for i in range(40)],
                                           losses=[1.0 - 0.02 * i + (0.05 * (i - 30)) ** 2 * (i > 30) for i in range(40)],
                                           method="slide", stop_factor=4.0, beta=0.5, num_it=40, skip_begin=2,
                                           skip_end=2, lr_diff=10, thresh=0.01, adjust_value=1.0)),
}

# A constraint between two arguments may be reported at the other one; the message then names
# the pair. (node, replaced argument) -> the arguments its message may name instead.
RELATED: dict[tuple[str, str], set[str]] = {
    ("Tanh", "lower"): {"upper"},
    ("Clamp", "min_value"): {"max_value"},
    ("Piecewise", "boundaries"): {"values"},
    ("Interpolate", "boundaries"): {"values"},
    ("Sequential", "parts"): {"boundaries"},
    ("OneCycle", "peak_value"): {"div_factor"},
    ("OneCycle", "total_steps"): {"pct_start"},
    ("OneCycle", "three_phase"): {"pct_start"},
    ("Restart", "limit"): {"decay", "period_mult"},
    ("Restart", "period_steps"): {"limit", "period_mult"},
    ("Restart", "schedule"): {"decay"},
    ("Restart", "period_mult"): {"limit"},  # a huge multiplier ends the last cycle past 2**53 (found case)
    ("MultiStep", "start_value"): {"factor"},
    ("Geometric", "start_value"): {"end_value"},  # same sign, and a finite normal ratio
    ("RangeTest", "start_value"): {"end_value"},  # the same rule (an exponential RangeTest is a Geometric)
    ("suggest_lr", "lrs"): {"losses"},  # as many of each
    ("suggest_lr", "skip_begin"): {"losses"},  # too few points left
    ("suggest_lr", "skip_end"): {"losses"},
    ("suggest_lr", "lr_diff"): {"losses"},
    ("suggest_lr", "stop_factor"): {"losses"},
    ("suggest_lr", "num_it"): {"losses"},
    ("MultiStep", "milestones"): {"factor"},
    ("Stretch", "schedule"): {"factor"},
    ("minimum", "a"): {"schedules[0]"},
    ("minimum", "b"): {"schedules[1]"},
    ("maximum", "a"): {"schedules[0]"},
    ("maximum", "b"): {"schedules[1]"},
    ("s * k", "k"): {"factors[1]"},
    ("k * s", "k"): {"factors[0]"},
    ("s + k", "k"): {"terms[1]"},
    ("k + s", "k"): {"terms[0]"},
}

_NOT_CONSTRUCTORS = {"Schedule", "Phase", "Phases", "PlateauState", "ScheduleError", "ScheduleTypeError",
                     "FORMAT_VERSION", "to_config", "from_config", "dumps", "loads", "fingerprint",
                     "Segment", "Field", "field", "fields", "register", "registered", "FormulaError",
                     "ScheduleChangedError", "register_function", "compare", "Comparison", "Duration",
                     "UnresolvedError"}


def test_every_lrcore_constructor_is_fuzzed() -> None:
    public = {n for n in lrcore.__all__ if callable(getattr(lrcore, n)) and n not in _NOT_CONSTRUCTORS}
    assert public <= set(CORE_BASE), sorted(public - set(CORE_BASE))
    for name, (ctor, kwargs) in CORE_BASE.items():
        ctor(**kwargs)  # the bases are valid


# ---------------------------------------------------------------------- the catalogs' constructors
CATALOG_NAMES = sorted({m.name for m in pkgutil.iter_modules(lrcore.catalog.__path__)} | set(lrcore.catalog.__all__))


def _catalog_modules() -> dict[str, Any]:
    out = {}
    for name in CATALOG_NAMES:
        try:
            out[name] = importlib.import_module(f"lrcore.catalog.{name}")
        except ImportError:  # pragma: no cover - a submodule being written
            continue
    return out


CATALOGS = _catalog_modules()

# Valid arguments by parameter name, tried in order until a call succeeds (the peers share names).
_RATES = {"lr", "base_lr", "learning_rate", "base_learning_rate", "init_value", "value", "start_lr",
          "initial_learning_rate", "lr_min", "min_lr", "eta_min", "end_lr", "end_value", "alpha", "warmup_lr_init",
          "end_learning_rate", "lr_end", "lr_init"}
_PEAKS = {"max_lr", "max_learning_rate", "peak_value", "maximal_learning_rate", "lr_max"}
_FACTORS = {"gamma", "decay_rate", "factor", "decay", "cycle_decay", "m_mul", "start_factor", "end_factor",
            "pct_start", "cycle_mul", "t_mul", "decay_factor"}
_LISTS = {"milestones", "boundaries", "decay_t"}
_SPECIAL: dict[str, list] = {
    "values": [[1.0, 0.5, 0.1]],
    "lr_lambda": [half],
    "interpolate_type": ["linear"],
    "cosine_kwargs": [[dict(init_value=0.1, peak_value=0.2, warmup_steps=2, decay_steps=10)]],
    "schedules": [[LIN, COS]],
    "boundaries_and_scales": [{3: 0.5, 6: 0.5}],
    "d_model": [512],
    "power": [1.0],
    "exponent": [1.0],
    "num_cycles": [0.5, 1],
}


def _candidates(name: str) -> list:
    low = name.lower()
    if name in _SPECIAL:
        return _SPECIAL[name]
    if name in _RATES or low.endswith("lr") or "learning_rate" in low:
        return [0.1, 0.01]
    if name in _PEAKS:
        return [0.2]
    if name in _FACTORS:
        return [0.5, 1.0, 2.0]
    if name in _LISTS:
        return [[3, 6]]
    if name == "schedulers":
        return []  # filled per catalog below
    if "step" in low or "iter" in low or low.startswith("t_") or "epoch" in low or "total" in low or \
            "cycle" in low or low in ("d", "n"):
        return [10, 100]
    return [0.5, 10, 0.1, True]


def _schedulers_for(mod: Any) -> list:
    if hasattr(mod, "StepLR") and hasattr(mod, "ExponentialLR"):
        return [[mod.StepLR(lr=0.1, step_size=3), mod.ExponentialLR(lr=0.1, gamma=0.9)]]
    return []


def _known_bases() -> dict[str, dict]:
    """Valid calls the name-based search cannot find (arguments that depend on each other)."""
    out: dict[str, dict] = {}
    if "torch" in CATALOGS:
        t = CATALOGS["torch"]
        out["torch.OneCycleLR"] = out["torch.OneCycleLR_momentum"] = dict(max_lr=0.2, total_steps=100)
        out["torch.SequentialLR"] = dict(schedulers=[t.StepLR(lr=0.1, step_size=3), t.ExponentialLR(lr=0.1, gamma=0.9)],
                                         milestones=[5])
    out["optax.join_schedules"] = dict(schedules=[LIN, COS], boundaries=[5])
    return out


def _find_base(mod: Any, fn: Callable) -> dict | None:
    """Valid keyword arguments for fn: its required parameters filled from the candidates, by trial."""
    known = _known_bases().get(f"{mod.__name__.rsplit('.', 1)[-1]}.{fn.__name__}")
    if known is not None:
        return known
    sig = inspect.signature(fn)
    params = [p for p in sig.parameters.values()
              if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty]
    if any(p.kind in (p.VAR_POSITIONAL,) for p in sig.parameters.values()):
        return None
    options = [(_schedulers_for(mod) if p.name == "schedulers" else _candidates(p.name)) for p in params]
    if any(not o for o in options):
        return None
    import itertools

    for combo in itertools.islice(itertools.product(*options), 64):
        kwargs = {p.name: copy.copy(v) for p, v in zip(params, combo)}
        try:
            fn(**kwargs)
        except (ValueError, TypeError):
            continue
        except NotImplementedError:  # a peer's scheduler the catalog documents as having no lrcore form
            NOT_IMPLEMENTED.append(fn.__qualname__)
            return None
        return kwargs
    return None


NOT_IMPLEMENTED: list[str] = []


def _catalog_ctors() -> dict[str, tuple[Callable, dict | None, list[str]]]:
    """'module.name' -> (fn, valid base kwargs or None, names of every keyword parameter)."""
    out = {}
    for mname, mod in CATALOGS.items():
        for name in getattr(mod, "__all__", []):
            fn = getattr(mod, name)
            if not callable(fn) or inspect.ismodule(fn) or name.endswith("State") or name.startswith("_"):
                continue
            if inspect.isclass(fn) and not dataclasses.is_dataclass(fn):
                continue  # a state or helper class, not a constructor of the catalog
            try:
                sig = inspect.signature(fn)
            except (TypeError, ValueError):  # pragma: no cover
                continue
            names = [p.name for p in sig.parameters.values() if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)]
            base = _find_base(mod, fn)
            if fn.__qualname__ in NOT_IMPLEMENTED:
                continue
            out[f"{mname}.{name}"] = (fn, base, names)
    return out


CATALOG_CTORS = _catalog_ctors()


def test_catalog_constructors_are_found_with_valid_arguments() -> None:
    """Every constructor of the torch, paddle and optax catalogs gets a valid base call (others:
    those found; a constructor without one is still fuzzed, with arguments all drawn at random)."""
    assert {"torch", "paddle", "optax"} <= set(CATALOGS)
    missing = [k for k, (_, base, _) in CATALOG_CTORS.items()
               if base is None and k.split(".")[0] in ("torch", "paddle", "optax")]
    assert not missing, missing
    assert len(CATALOG_CTORS) >= 45


# ---------------------------------------------------------------------------------- checking

ESCAPES_OK = (ValueError, TypeError)


def _modules() -> set:
    return set(sys.modules)


def _check_result(obj: Any) -> None:
    """A constructed schedule is finite where it is evaluated."""
    s = obj.schedule if isinstance(obj, lrcore.PlateauSchedule) else obj
    if not isinstance(s, lrcore.Schedule):
        return
    if any(isinstance(n, lrcore.Function) for n in _walk(s)):
        return  # a user function: its values are the user's
    for t in (0, 1, 7, 1000, 10**9, 2**52):
        v = s(t)
        assert isinstance(v, float) and math.isfinite(v), (s, t, v)
    vals = s.evaluate(np.array([0.0, 3.0, 1e6, 2.0**52]))
    assert np.all(np.isfinite(vals)), (s, vals)


def _walk(s: lrcore.Schedule):
    yield s
    for c in s.children():
        yield from _walk(c)


class _ResolveRefused(Exception):
    """`resolve` refused a value that construction could not check (it needs the run's numbers)."""


def _resolved(obj: Any) -> Any:
    """A tree with duration strings in a unit, resolved as a run would resolve it.

    `resolve` knows the tree, not the catalog call that built it: its error names the node's
    field, the spelled duration and the run's number (``every=0 (resolved from every='0.03125ep'
    with steps_per_epoch=10: ...)``), checked here, and is then not asked to name the call's
    arguments (a Composer ``decay_period="1ep"`` scaled by ``ssr=0.03125``: 0.3 steps).
    """
    pending = getattr(obj, "unresolved", ())
    if not pending:
        return obj
    try:
        return obj.resolve(total_steps=1000, steps_per_epoch=10, tokens_per_step=1000, samples_per_step=10)
    except ESCAPES_OK as e:
        msg = str(e)
        assert "(resolved from " in msg, f"resolve's error says nothing of the durations it resolved: {msg[:300]}"
        fields = [where.rsplit(".", 1)[-1].split("[")[0] for where, _ in pending]
        assert any(f"{f}={text!r}" in msg or f"{f}[" in msg for f, (_, text) in zip(fields, pending)), \
            f"resolve's error names none of the spelled fields {pending}: {msg[:300]}"
        raise _ResolveRefused(msg) from None


def call_and_check(label: str, fn: Callable, kwargs: dict, bad: list[str], related: set[str] = frozenset()) -> None:
    """fn(**kwargs) with the arguments in `bad` replaced: a ValueError/TypeError naming one of them
    (or a related one), or a finite result; no sentinel run, no module imported."""
    del Sentinel.calls[:]
    before = _modules()
    try:
        obj = fn(**kwargs)
        obj = _resolved(obj)
    except ESCAPES_OK as e:
        msg = str(e)
        names = set(bad) | related
        assert any(re.search(rf"(^|[^A-Za-z0-9_]){re.escape(n)}([^A-Za-z0-9_]|$)", msg) for n in names), \
            f"{label}: the message names none of {sorted(names)}: {msg[:300]}"
        assert len(msg) < 5000, f"{label}: a {len(msg)}-character message"
    except _ResolveRefused:
        pass
    except BaseException as e:  # noqa: BLE001 - the point of the test
        pytest.fail(f"{label}({', '.join(bad)} bad): {type(e).__name__} escaped: {str(e)[:300]}")
    else:
        if not any(isinstance(kwargs.get(k), (Sentinel,)) or kwargs.get(k) is sentinel_fn for k in kwargs):
            _check_result(obj)
    calls = [c for c in Sentinel.calls if c[0] in ("call", "sentinel_fn")]
    assert not calls, f"{label}: a value passed as an argument was called: {calls}"
    new = {m for m in _modules() - before if not m.startswith(("lrcore", "numpy"))}
    assert not new, f"{label}: imported {sorted(new)}"


@st.composite
def core_calls(draw: st.DrawFn) -> tuple:
    name = draw(st.sampled_from(sorted(CORE_BASE)))
    fn, base = CORE_BASE[name]
    fields = sorted(base)
    bad = draw(st.lists(st.sampled_from(fields), min_size=1, max_size=min(2, len(fields)), unique=True))
    kwargs = dict(base)
    for f in bad:
        kwargs[f] = draw(bad_values)
    return name, fn, kwargs, bad


@FUZZ
@given(core_calls())
def test_malformed_constructor_arguments(case: tuple) -> None:
    name, fn, kwargs, bad = case
    related = set().union(*(RELATED.get((name, f), set()) for f in bad))
    call_and_check(name, fn, kwargs, bad, related)


@st.composite
def catalog_calls(draw: st.DrawFn) -> tuple:
    label = draw(st.sampled_from(sorted(CATALOG_CTORS)))
    fn, base, names = CATALOG_CTORS[label]
    if base is None:  # no valid call known: every argument drawn at random
        kwargs = {n: draw(st.one_of(bad_values, st.sampled_from([0.1, 10, [3, 6], "linear"]))) for n in names}
        return label, fn, kwargs, names
    kwargs = dict(base)
    bad = draw(st.lists(st.sampled_from(names), min_size=1, max_size=min(2, len(names)), unique=True))
    for f in bad:
        kwargs[f] = draw(bad_values)
    return label, fn, kwargs, bad


@FUZZ
@given(catalog_calls())
# a seeded draw: decay_period "1ep" scaled by ssr to 0.3 steps, refused by resolve, not construction
@example(("composer.ExponentialScheduler", CATALOG_CTORS["composer.ExponentialScheduler"][0],
          {"lr": 0.1, "gamma": 0.5, "ssr": 0.03125}, ["ssr"]))
def test_malformed_catalog_arguments(case: tuple) -> None:
    label, fn, kwargs, bad = case
    # a catalog constructor builds lrcore nodes: a message may name the node field it fed
    call_and_check(label, fn, kwargs, bad, related=set(CATALOG_CTORS[label][2]))


@pytest.mark.parametrize("label", sorted(k for k, v in CATALOG_CTORS.items() if v[1] is not None))
def test_each_catalog_argument_alone_names_itself(label: str) -> None:
    """One argument at a time, a few plainly wrong values: the message names exactly that argument."""
    fn, base, names = CATALOG_CTORS[label]
    for name in names:
        for value in (None, "x", math.nan, -math.inf, _deep_list()):
            call_and_check(label, fn, {**base, name: value}, [name])


# ------------------------------------------------------------------------------------ configs

def _cfg_leaves(cfg: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """(path, container, key) of every field of every node of a config."""
    out = []
    if isinstance(cfg, dict):
        for k, v in cfg.items():
            if k == "type":
                continue
            p = f"{path}.{k}" if path else k
            out.append((p, cfg, k))
            out += _cfg_leaves(v, p)
    elif isinstance(cfg, list):
        for i, v in enumerate(cfg):
            p = f"{path}[{i}]"
            out.append((p, cfg, i))
            out += _cfg_leaves(v, p)
    return out


def _function_ref_module(i: int) -> str:
    return f"lrcore_never_imported_{i}"


CONFIG_BASES = [ctor(**kw).to_config() for name, (ctor, kw) in CORE_BASE.items()
                if name not in ("Function", "extend_stable", "cooldown", "check_resume", "minimum", "maximum",
                                 "total_steps", "scale_batch", "suggest_lr")
                and " " not in name]
FUNCTION_REFS = ["this:s", "antigravity:fly", "os:system", "subprocess:run", f"{_function_ref_module(1)}:f",
                 "builtins:eval", "lrcore:Constant", "tests.resume_worker:main"]
config_bad = st.one_of(
    bad_values.filter(lambda v: not isinstance(v, (Sentinel, lrcore.Schedule, lrcore.Plateau, lrcore.PlateauSchedule,
                                                   lrcore.PlateauState, np.ndarray, np.generic, decimal.Decimal,
                                                   fractions.Fraction, complex, bytes, set, tuple, range))
                      and not callable(v) and not inspect.isgenerator(v) and type(v) is not object),
    st.builds(lambda ref: {"type": "Function", "fn": ref}, st.sampled_from(FUNCTION_REFS)),
    st.sampled_from([{"type": "Nope"}, {"type": None}, {"type": "Schedule"}, {"type": "PlateauState"},
                     {"type": "Constant"}, {"type": "Constant", "value": 1.0, "extra": 1}]),
)


@st.composite
def broken_configs(draw: st.DrawFn) -> tuple[dict, str]:
    cfg = copy.deepcopy(draw(st.sampled_from(CONFIG_BASES)))
    if draw(st.booleans()):  # under a combinator or two, to vary the paths
        for _ in range(draw(st.integers(1, 2))):
            cfg = draw(st.sampled_from([
                lambda c: {"type": "Sequential", "parts": [LIN.to_config(), c], "boundaries": [5]},
                lambda c: {"type": "Clamp", "schedule": c, "min_value": 0.0},
                lambda c: {"type": "Product", "factors": [c, COS.to_config()]},
            ]))(cfg) if cfg["type"] not in ("Plateau", "PlateauSchedule") else cfg
    leaves = _cfg_leaves(cfg)
    assume(leaves)
    path, holder, key = draw(st.sampled_from(leaves))
    holder[key] = draw(config_bad)
    return cfg, path


def _names_path(msg: str, path: str) -> bool:
    """The message starts at the replaced field or at a field above or below it in the same branch
    (errors write a run of 3 or more equal fields once, ``schedule×3``: expanded here)."""
    head = re.sub(r"([A-Za-z_]\w*)×(\d+)", lambda m: ".".join([m.group(1)] * int(m.group(2))),
                  msg.split(": ", 1)[0])
    if head.startswith(path) or path.startswith(head.split("[")[0]) or head == "<root>" or \
            head.startswith(re.sub(r"\[\d+\]$", "", path)):
        return True
    # a constraint between two fields of the same node, reported at the other one (RELATED)
    parent, field = (path.rsplit(".", 1) if "." in path else ("", path))
    hparent, hfield = (head.rsplit(".", 1) if "." in head else ("", head))
    field = re.sub(r"\[\d+\]$", "", field)
    related = set().union(*(v for (_, f), v in RELATED.items() if f == field))
    return parent == hparent and hfield in related


@FUZZ
@given(broken_configs(), st.booleans())
def test_malformed_configs(case: tuple, through_text: bool) -> None:
    cfg, path = case
    before = _modules()
    try:
        if through_text:
            try:
                text = lrcore.dumps(lrcore.Constant(value=1.0)).replace('{"type": "Constant", "value": 1.0}',
                                                                       json.dumps(cfg))
            except (ValueError, RecursionError):  # not JSON data (a 10,000-deep value): from_config only
                text = None
            obj = lrcore.loads(text) if text is not None else lrcore.from_config(cfg)
        else:
            obj = lrcore.from_config(cfg)
    except ESCAPES_OK as e:
        msg = str(e)
        assert _names_path(msg, path) or msg.startswith("config"), (path, msg[:300])
    except BaseException as e:  # noqa: BLE001
        pytest.fail(f"{type(e).__name__} escaped from_config with a bad {path}: {str(e)[:300]}")
    else:
        _check_result(obj)
    new = {m for m in _modules() - before if not m.startswith(("lrcore", "numpy"))}
    assert not new, f"imported {sorted(new)}"
    assert "this" not in sys.modules and "antigravity" not in sys.modules


# ------------------------------------------------------------------------------ deep nesting

def test_ten_thousand_nested_constructors_stop_at_the_depth_limit() -> None:
    s: Any = lrcore.Constant(value=0.1)
    depth = 1
    with pytest.raises(ValueError, match=r"^Clamp: `schedule` must be a schedule nested at most \d+ levels deep"):
        for _ in range(DEEP):
            s = lrcore.Clamp(s, min_value=0.0)
            depth += 1
    assert depth < 200
    assert math.isfinite(s(5))  # the deepest accepted tree still evaluates


@pytest.mark.parametrize("make", [
    lambda x: lrcore.Constant(value=x),
    lambda x: lrcore.MultiStep(start_value=1.0, milestones=x, factor=0.5),
    lambda x: lrcore.MultiStep(start_value=1.0, milestones=[1, x], factor=0.5),
    lambda x: lrcore.Piecewise(values=[1.0, x], boundaries=[3]),
    lambda x: lrcore.Sequential(parts=x),
    lambda x: lrcore.Warmup(x, warmup_steps=2),
    lambda x: lrcore.Plateau(mode=x),
], ids=["number", "list", "list-item", "value-item", "parts", "schedule", "choice"])
@pytest.mark.parametrize("deep", ["list", "dict", "tuple"])
def test_ten_thousand_nested_values_are_refused_by_name(make: Callable, deep: str) -> None:
    x = {"list": _deep_list, "dict": _deep_dict, "tuple": lambda: tuple(_deep_list())}[deep]()
    with pytest.raises((ValueError, TypeError)):
        make(x)


def test_a_huge_step_over_a_tiny_period_is_not_an_overflow() -> None:
    """Regression (found by a seeded run of the catalog fuzzer): paddle's NaturalExpDecay with
    gamma=2.8e292 is an Exponential over a period of 3.6e-293 steps, so t / every is inf from
    t = 1 on; the scalar path's floor of inf raised OverflowError (numpy gives inf). Every path
    now gives the decay's limit, 0."""
    s = lrcore.catalog.paddle.NaturalExpDecay(learning_rate=0.1, gamma=2.766822166803759e+292)
    assert [s(t) for t in (0, 1, 7, 10**9)] == [0.1, 0.0, 0.0, 0.0]
    assert s.evaluate(np.array([0.0, 1.0, 1e9])).tolist() == [0.1, 0.0, 0.0]
    z = lrcore.catalog.paddle.NaturalExpDecay(learning_rate=0, gamma=2.766822166803759e+292)
    assert [z(t) for t in (0, 1, 10**9)] == [0.0, 0.0, 0.0]
