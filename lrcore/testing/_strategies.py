"""Hypothesis strategies: random valid schedule trees, and the steps worth evaluating them at.

* ``schedules(max_depth=4, nodes=None, max_steps=None)``: trees built from every primitive (``Function`` only through the
  module-level ``smooth_fn`` below, so configs can store it by reference) and every combinator,
  with parameters in ranges where values stay finite, positive and far from the subnormals
  (values mostly in [1e-6, 10], step counts 1..1000, some up to 10**6).
* ``boundaries_of(s)``: candidate boundary steps of a tree, in global time (over-approximated).
* ``step_sets(s)``: lists of int steps with 0, every boundary and its neighbours, and random
  steps up to 2**40 (a few right next to 2**40).
* ``schedules_and_steps()``: both at once.
"""

from __future__ import annotations

import math

from hypothesis import strategies as st

import lrcore

TYPE_CHECKING = False  # typing is not imported at run time
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any, Concatenate, ParamSpec, TypeVar

    from hypothesis.strategies import DrawFn, SearchStrategy

    from .._base import Schedule
    from .._node import Field

    _P = ParamSpec("_P")
    _T = TypeVar("_T")
    #: What `schedules(nodes=...)` takes: node classes (or names of lrcore's), or {class or name: strategy or None}.
    Nodes = Sequence["type[Schedule] | str"] | Mapping["type[Schedule] | str", Any]

    def composite(fn: Callable[Concatenate[DrawFn, _P], _T]) -> Callable[_P, SearchStrategy[_T]]:
        """hypothesis's ``st.composite``, typed: mypy does not follow hypothesis here (its objects are Any)."""
else:
    composite = st.composite

__all__ = [
    "smooth_fn", "values", "step_counts", "leaves", "schedules", "finite", "boundaries_of",
    "step_sets", "schedules_and_steps", "MAX_RANDOM_STEP", "PRIMITIVES", "COMBINATORS", "of_kind", "plateaus",
    "plateau_schedules",
]

MAX_RANDOM_STEP = 2**40
WARP_EXPONENTS = (0.5, 2.0, 3.0, 4.0)  # see schedules(): exact-everywhere warped times


def smooth_fn(step: Any, xp: Any) -> Any:
    """A user function that runs on every array library: a damped wobble in [0.5, 1].

    The argument of ``cos`` is capped (``minimum(step, 700) / 70 <= 10``), so every library's
    ``cos`` is accurate to a few ulp there (far-out arguments would measure each library's
    argument reduction, not lrcore), and the value stays well away from 0.
    """
    return 0.75 + 0.25 * xp.cos(xp.minimum(step, 700.0) / 70.0) * xp.exp(-step / 5000.0)


# -- parameters --------------------------------------------------------------------------

_FLOATS = dict(allow_nan=False, allow_infinity=False, allow_subnormal=False)

#: Positive values, mostly in [1e-6, 10], with the round numbers people actually use.
values = st.one_of(
    st.floats(min_value=1e-6, max_value=10.0, **_FLOATS),
    st.sampled_from([1e-4, 1e-3, 3e-4, 0.01, 0.1, 0.5, 1.0, 2.0]),
)
#: A value that may also be exactly 0 (end values and warmup starts default to 0).
values_or_zero = st.one_of(st.just(0.0), values)

def _step_counts(big: int = 10**6) -> SearchStrategy[int]:
    """Step counts: mostly 1..1000, sometimes up to `big` (every one <= big)."""
    small = st.integers(min_value=1, max_value=min(1000, big))
    return st.one_of(small, small, st.integers(min_value=1, max_value=big))


#: Step counts: mostly 1..1000, sometimes up to 10**6.
step_counts = _step_counts()


def _sorted_unique(elements: SearchStrategy[_T], min_size: int, max_size: int) -> SearchStrategy[list[_T]]:
    return st.lists(elements, min_size=min_size, max_size=max_size, unique=True).map(sorted)


def _every_of(big: int = 10**6) -> SearchStrategy[int | float]:
    return st.one_of(st.integers(min_value=1, max_value=min(1000, big)),
                     st.floats(min_value=0.5, max_value=float(min(1000, big)), **_FLOATS))
_shapes = st.sampled_from(["linear", "cosine", "1-sqrt", "log"])


# -- leaves ------------------------------------------------------------------------------

@composite
def _linear(draw: DrawFn, big: int = 10**6) -> lrcore.Linear:
    return lrcore.Linear(start_value=draw(values), end_value=draw(values_or_zero), steps=draw(_step_counts(big)))


@composite
def _cosine(draw: DrawFn, big: int = 10**6) -> lrcore.Cosine:
    power = draw(st.one_of(st.just(1.0), st.floats(min_value=0.5, max_value=3.0, **_FLOATS)))
    return lrcore.Cosine(start_value=draw(values), steps=draw(_step_counts(big)), end_value=draw(values_or_zero),
                         power=power)


@composite
def _polynomial(draw: DrawFn, big: int = 10**6) -> lrcore.Polynomial:
    power = draw(st.one_of(st.just(1.0), st.floats(min_value=0.25, max_value=4.0, **_FLOATS)))
    return lrcore.Polynomial(start_value=draw(values), end_value=draw(values_or_zero), steps=draw(_step_counts(big)),
                             power=power, cycle=draw(st.integers(0, 3)) == 0)


@composite
def _exponential(draw: DrawFn, big: int = 10**6) -> lrcore.Exponential:
    factor = draw(st.one_of(st.just(1.0), st.floats(min_value=0.5, max_value=1.0, **_FLOATS)))
    return lrcore.Exponential(start_value=draw(values), factor=factor, every=draw(_every_of(big)),
                              staircase=draw(st.booleans()))


@composite
def _geometric(draw: DrawFn, big: int = 10**6) -> lrcore.Geometric:
    # both ends positive: values span 1e-6..10, so the ratio spans up to 1e7 either way
    return lrcore.Geometric(start_value=draw(values), end_value=draw(values), steps=draw(_step_counts(big)))


@composite
def _multistep(draw: DrawFn, big: int = 10**6) -> lrcore.MultiStep:
    milestones = draw(_sorted_unique(st.one_of(st.integers(0, min(1000, big)), st.integers(0, big)), 1, 5))
    factor = draw(st.floats(min_value=0.05, max_value=2.0, **_FLOATS))
    return lrcore.MultiStep(start_value=draw(values), milestones=milestones, factor=factor)


@composite
def _piecewise(draw: DrawFn, big: int = 10**6) -> lrcore.Piecewise:
    boundaries = draw(_sorted_unique(st.one_of(st.integers(1, min(1000, big)), st.integers(1, big)), 1, 5))
    vals = draw(st.lists(values, min_size=len(boundaries) + 1, max_size=len(boundaries) + 1))
    return lrcore.Piecewise(values=vals, boundaries=boundaries)


@composite
def _interpolate(draw: DrawFn, big: int = 10**6) -> lrcore.Interpolate:
    boundaries = draw(_sorted_unique(st.one_of(st.integers(0, min(1000, big)), st.integers(0, big)), 2, 5))
    vals = draw(st.lists(values, min_size=len(boundaries), max_size=len(boundaries)))
    return lrcore.Interpolate(boundaries=boundaries, values=vals, shape=draw(st.sampled_from(["linear", "cosine"])))


@composite
def _inverse_sqrt(draw: DrawFn, big: int = 10**6) -> lrcore.InverseSqrt:
    ts = draw(st.one_of(st.integers(1, min(10**4, big)), st.floats(min_value=0.5, max_value=float(min(10**4, big)), **_FLOATS)))
    power = draw(st.one_of(st.just(0.5), st.sampled_from([1.0, 1.5, 2.0]), st.floats(0.05, 4.0, **_FLOATS)))
    return lrcore.InverseSqrt(start_value=draw(values), timescale_steps=ts, power=power)


@composite
def _inverse_time(draw: DrawFn, big: int = 10**6) -> lrcore.InverseTime:
    rate = draw(st.one_of(st.just(0.0), st.floats(min_value=0.0, max_value=10.0, **_FLOATS)))
    return lrcore.InverseTime(start_value=draw(values), rate=rate, every=draw(_every_of(big)),
                              staircase=draw(st.booleans()), power=draw(st.sampled_from([1.0, 1.0, -1.0])))


@composite
def _noam(draw: DrawFn, big: int = 10**6) -> lrcore.Noam:
    return lrcore.Noam(d_model=draw(st.floats(min_value=1.0, max_value=4096.0, **_FLOATS)),
                       warmup_steps=draw(st.integers(1, min(10**4, big))),
                       scale=draw(st.floats(min_value=1e-3, max_value=10.0, **_FLOATS)))


@composite
def _tanh(draw: DrawFn, big: int = 10**6) -> lrcore.Tanh:
    # timm's defaults are lower=-7, upper=3; 1 - tanh(upper) loses relative precision as upper
    # grows (an end value of 0 makes that the whole value), so upper stays moderate here.
    lower = draw(st.floats(min_value=-10.0, max_value=-1.0, **_FLOATS))
    upper = draw(st.floats(min_value=0.5, max_value=3.0, **_FLOATS))
    return lrcore.Tanh(start_value=draw(values), steps=draw(_step_counts(big)), end_value=draw(values_or_zero),
                       lower=lower, upper=upper)


@composite
def _cyclic(draw: DrawFn, big: int = 10**6) -> lrcore.Cyclic:
    down = draw(st.one_of(st.none(), st.integers(1, min(2000, big))))
    return lrcore.Cyclic(low_value=draw(values), high_value=draw(values), up_steps=draw(st.integers(1, min(2000, big))),
                         down_steps=down, mode=draw(st.sampled_from(["triangular", "triangular2", "exp_range"])),
                         gamma=draw(st.floats(min_value=0.5, max_value=1.0, **_FLOATS)))


@composite
def _one_cycle(draw: DrawFn, big: int = 10**6) -> lrcore.OneCycle:
    three = draw(st.booleans())
    pct = draw(st.floats(min_value=0.05, max_value=0.49 if three else 0.95, **_FLOATS))
    total = max(draw(_step_counts(big)), math.ceil(2.0 / pct) + 1)  # pct_start * total_steps > 1
    return lrcore.OneCycle(peak_value=draw(values), total_steps=total, pct_start=pct,
                           div_factor=draw(st.floats(min_value=1.0, max_value=100.0, **_FLOATS)),
                           final_div_factor=draw(st.floats(min_value=1.0, max_value=1e4, **_FLOATS)),
                           anneal=draw(st.sampled_from(["cos", "linear"])), three_phase=three)


@composite
def _wsd(draw: DrawFn, big: int = 10**6) -> lrcore.WSD:
    return lrcore.WSD(peak_value=draw(values), warmup_steps=draw(st.integers(0, min(1000, big))),
                      stable_steps=draw(st.one_of(st.integers(0, min(1000, big)), st.integers(0, big))),
                      decay_steps=draw(_step_counts(big)), start_value=draw(values_or_zero),
                      end_value=draw(values_or_zero),
                      decay_shape=draw(st.sampled_from(["linear", "cosine", "exponential", "1-sqrt"])))


_constant = st.builds(lrcore.Constant, value=values)
_function = st.just(lrcore.Function(fn=smooth_fn))

_LEAF_BUILDERS = {
    "Linear": _linear, "Cosine": _cosine, "Polynomial": _polynomial, "Exponential": _exponential,
    "Geometric": _geometric, "MultiStep": _multistep, "Piecewise": _piecewise, "Interpolate": _interpolate, "InverseSqrt": _inverse_sqrt,
    "InverseTime": _inverse_time, "Noam": _noam, "Tanh": _tanh, "Cyclic": _cyclic, "OneCycle": _one_cycle,
    "WSD": _wsd,
}


def _primitives(big: int = 10**6) -> dict[str, SearchStrategy[Schedule]]:
    out: dict[str, SearchStrategy[Schedule]] = {"Constant": _constant}
    out.update({k: f(big=big) for k, f in _LEAF_BUILDERS.items()})
    out["Function"] = _function
    return out


#: One strategy per primitive (Function only through `smooth_fn`).
PRIMITIVES = _primitives()

leaves = st.one_of(*PRIMITIVES.values())


# -- custom nodes: a strategy from the declared fields -------------------------------------

def _bound(b: float | str | None, drawn: dict[str, Any]) -> float | None:
    """A field bound: a number, or the name of an earlier field (its drawn value; None if unset)."""
    value: float | None = drawn.get(b) if isinstance(b, str) else b
    return value


def _field_strategy(f: Field, drawn: dict[str, Any], sub: SearchStrategy[Schedule], big: int) -> SearchStrategy[Any]:
    """Values of one declared field (`lrcore.fields(cls)`), given the fields drawn before it."""
    ge, gt, le, lt = (_bound(b, drawn) for b in (f.ge, f.gt, f.le, f.lt))
    kind = f.kind
    if f.choices is not None:
        return st.sampled_from(list(f.choices))
    if kind == "bool":
        return st.booleans()
    if kind in ("int", "number", "ints"):
        lo = ge if ge is not None else (math.floor(gt) + 1 if gt is not None else 0)
        lo = math.ceil(lo)
        hi = le if le is not None else (math.ceil(lt) - 1 if lt is not None else max(lo, min(1000, big)))
        hi = max(lo, math.floor(hi))
        ints = st.integers(lo, hi)
        if kind != "ints":
            return ints
        return _sorted_unique(ints, f.min_len, max(f.min_len, 5)) if f.increasing else \
            st.lists(ints, min_size=f.min_len, max_size=max(f.min_len, 5))
    if kind in ("float", "floats"):
        lo = ge if ge is not None else gt if gt is not None else (1e-6 if hi_default_positive(le, lt) else -10.0)
        hi = le if le is not None else lt if lt is not None else max(10.0, 10.0 * abs(lo))
        floats = st.floats(min_value=float(lo), max_value=float(hi), exclude_min=ge is None and gt is not None,
                           exclude_max=le is None and lt is not None, **_FLOATS)
        if kind == "float":
            return floats
        return _sorted_unique(floats, f.min_len, max(f.min_len, 5)) if f.increasing else \
            st.lists(floats, min_size=f.min_len, max_size=max(f.min_len, 5))
    if kind == "schedule":
        return sub
    if kind == "schedules":
        return st.lists(sub, min_size=max(f.min_len, 1), max_size=max(f.min_len, 3))
    raise ValueError(f"cannot derive a strategy for field `{f.name}` ({kind}): pass one for the node "
                     "(nodes={MyNode: strategy})")


def hi_default_positive(le: float | None, lt: float | None) -> bool:
    """Without a lower bound, draw positive values unless an upper bound is <= 0."""
    top = le if le is not None else lt
    return top is None or top > 1e-6


@composite
def _derived(draw: DrawFn, cls: type[Schedule], sub: SearchStrategy[Schedule], big: int) -> Schedule:
    """`cls` with each declared field drawn from its kind and bounds (optional fields sometimes left out)."""
    drawn: dict[str, Any] = {}
    for f in lrcore.fields(cls):
        if not f.required and (f.kind == "callable" or draw(st.booleans())):
            continue  # its default
        if f.optional and draw(st.integers(0, 3)) == 0:
            drawn[f.name] = None
            continue
        drawn[f.name] = draw(_field_strategy(f, drawn, sub, big))
    return cls(**drawn)


def _has_schedule_field(cls: type[Schedule]) -> bool:
    return any(f.kind in ("schedule", "schedules") for f in lrcore.fields(cls))


# -- combinators -------------------------------------------------------------------------

@composite
def finite(draw: DrawFn, child: Schedule, big: int = 10**5) -> Schedule:
    """`child` itself if it has a finite duration >= 1, else child cut off after b steps.

    ``Sequential([child, Constant(v)], boundaries=[b])`` has duration b, whatever child is:
    what Restart and boundary-less Sequential parts need.
    """
    d = child.duration
    if d is not None and d >= 1:
        return child
    b = draw(st.one_of(st.integers(1, min(1000, big)), st.integers(1, min(10**5, big))))
    return lrcore.Sequential(parts=[child, lrcore.Constant(value=draw(values))], boundaries=[b])


#: The combinators `schedules` draws (each through `of_kind`, one by one).
COMBINATORS = ("Sequential", "Warmup", "Restart", "Clamp", "Product", "Sum", "Minimum", "Maximum",
               "Shift", "Stretch", "Quantize", "Warp")
_KINDS = list(COMBINATORS)


class _Pool:
    """What a `schedules` call draws from: its leaf strategies, combinator kinds, custom combinators."""

    def __init__(self, nodes: Nodes | None, big: int) -> None:
        self.big = big
        self.custom_leaves: list[SearchStrategy[Schedule]] = []
        # (cls, strategy factory or None)
        self.custom_combinators: list[tuple[type[Schedule], Callable[[SearchStrategy[Schedule]],
                                                                     SearchStrategy[Schedule]] | None]] = []
        self.leaves: list[SearchStrategy[Schedule]]
        self.kinds: list[str]
        if nodes is None:
            self.leaves = list(_primitives(big).values())
            self.kinds = list(COMBINATORS)
            return
        items = nodes.items() if isinstance(nodes, dict) else ((n, None) for n in nodes)
        prims = _primitives(big)
        self.leaves, self.kinds = [], []
        for node, strategy in items:
            name = node if isinstance(node, str) else node.__name__
            cls = None if isinstance(node, str) else node
            builtin = cls is None or getattr(lrcore, name, None) is cls
            if builtin and name in prims and strategy is None:
                self.leaves.append(prims[name])
            elif builtin and name in COMBINATORS and strategy is None:
                self.kinds.append(name)
            elif cls is None:
                raise ValueError(f"schedules: unknown node {name!r} (pass the class, with a strategy if needed)")
            elif strategy is not None and not callable(getattr(strategy, "example", None)):
                self.custom_combinators.append((cls, strategy))  # a function of the child strategy
            elif strategy is not None:
                self.leaves.append(strategy)
            elif _has_schedule_field(cls):
                self.custom_combinators.append((cls, None))
            else:
                self.leaves.append(_derived(cls, st.nothing(), big))
        if not self.leaves:
            raise ValueError("schedules: `nodes` needs at least one node without schedule fields (a leaf)")


@composite
def _tree(draw: DrawFn, pool: _Pool, max_depth: int, root: str | None = None) -> Schedule:
    kinds: list[str | type[Schedule]] = [*pool.kinds, *(c for c, _ in pool.custom_combinators)]
    if root is None and (max_depth <= 0 or not kinds or draw(st.integers(0, 9)) < 3):
        leaf: Schedule = draw(st.one_of(*pool.leaves))
        return leaf
    sub = _tree(pool, max_depth - 1)
    kind = root if root is not None else draw(st.sampled_from(kinds))
    if not isinstance(kind, str):
        factory = dict(pool.custom_combinators)[kind]
        custom: Schedule = draw(factory(sub) if factory is not None else _derived(kind, sub, pool.big))
        return custom
    tree: Schedule = draw(_combinator(kind, sub, pool.big))
    return tree


@composite
def _combinator(draw: DrawFn, kind: str, sub: SearchStrategy[Schedule], big: int) -> Schedule:
    counts = _step_counts(big)
    if kind == "Sequential":
        n = draw(st.integers(1, 3))
        parts = [draw(sub) for _ in range(n)]
        if draw(st.booleans()):
            b = draw(_sorted_unique(st.one_of(st.integers(1, min(2000, big)), st.integers(1, big)), n - 1, n - 1))
            return lrcore.Sequential(parts=parts, boundaries=b)
        parts = [draw(finite(p, big)) for p in parts[:-1]] + parts[-1:]
        return lrcore.Sequential(parts=parts)

    if kind == "Warmup":
        return lrcore.Warmup(draw(sub), warmup_steps=draw(counts), start_value=draw(values_or_zero),
                             shape=draw(_shapes), prefix=draw(st.booleans()))

    if kind == "Restart":
        child = draw(finite(draw(sub), big))
        limit = draw(st.one_of(st.none(), st.integers(1, 6)))
        decay = draw(st.one_of(st.just(1.0), st.floats(min_value=0.3, max_value=1.0, **_FLOATS)))
        if limit is not None and draw(st.booleans()):
            decay = draw(st.floats(min_value=0.3, max_value=2.0, **_FLOATS))  # > 1 is allowed with a limit
        period = draw(st.one_of(st.integers(1, min(2000, big)), st.integers(1, min(10**5, big)),
                                st.just(child.duration)))
        mult = draw(st.one_of(st.just(1.0), st.sampled_from([1.5, 2.0, 3.0]),
                              st.floats(min_value=1.05, max_value=3.0, **_FLOATS)))
        if period > 2**53:
            period = 1000
        mode = draw(st.sampled_from(["all", "above_end", "peak"]))
        peak, end = child(0), child(child.duration)
        if mode == "peak" and peak != end and abs(peak - end) < 1e-3 * max(abs(peak), abs(end)):
            # "peak" scales by (peak * decay**k - end) / (peak - end): with peak and end a few
            # ulp apart that factor is ~1e16 and the value is ill-conditioned by definition.
            mode = "above_end"
        if mode == "peak" and decay < 1.0 and end != 0.0 and peak not in (0.0, end):
            # Once the decayed peak falls far below `end`, the value near a cycle start is
            # ~ end * (peak - v) / (peak - end): the child's value v is only known to an ulp of
            # peak, so the value is ill-conditioned by definition (1 ulp of v -> 1e4 ulps of the
            # value, whatever the implementation). Stop the cycles before that (timm's use:
            # lr_min well below the decayed peaks).
            ratio = abs(end) / (10.0 * abs(peak))
            cycles = 1 if ratio >= 1.0 else 1 + int(math.log(ratio) / math.log(decay))
            limit = max(1, min(cycles, limit or 6))
        return lrcore.Restart(child, period_steps=period, period_mult=mult, decay=decay, limit=limit,
                              decay_mode=mode)

    if kind == "Clamp":
        child = draw(sub)
        lo = draw(st.one_of(st.none(), values))
        hi = draw(st.one_of(st.none(), values))
        if lo is None and hi is None:
            lo = 1e-4
        if lo is not None and hi is not None and hi < lo:
            lo, hi = hi, lo
        return lrcore.Clamp(child, min_value=lo, max_value=hi)

    # (draws are Any to mypy: each is bound to a typed name before the arithmetic)
    if kind == "Product":
        a: Schedule = draw(sub)
        how = draw(st.sampled_from(["s*k", "k*s", "s*s", "s*s*s"]))
        if how in ("s*k", "k*s"):
            k: float = draw(st.floats(min_value=0.1, max_value=10.0, **_FLOATS))
            return a * k if how == "s*k" else k * a
        second: Schedule = draw(sub)
        if how == "s*s":
            return a * second
        third: Schedule = draw(sub)
        return a * second * third

    if kind == "Sum":
        a = draw(sub)
        how = draw(st.sampled_from(["s+k", "k+s", "s+s"]))
        if how in ("s+k", "k+s"):
            v: float = draw(values)
            return a + v if how == "s+k" else v + a
        second = draw(sub)
        return a + second

    if kind in ("Minimum", "Maximum"):
        fn = lrcore.minimum if kind == "Minimum" else lrcore.maximum
        args = [draw(sub) for _ in range(draw(st.integers(2, 3)))]
        if draw(st.booleans()):
            args.append(draw(values))  # a plain number becomes a Constant
        return fn(*args)

    if kind == "Shift":  # negative steps advance: s(t + |steps|)
        return lrcore.Shift(draw(sub), steps=draw(st.one_of(st.integers(0, min(1000, big)), st.integers(0, big),
                                                             st.integers(-1000, -1),
                                                             st.sampled_from([0.5, 1.25, -0.5, -2.75]))))

    if kind == "Warp":
        # The exponents whose warped time is sqrt or products: the same bits in every library. Other
        # exponents take each library's pow, which differs from math's by an ulp at times; a child
        # ill-conditioned in its time amplifies that past rtol 1e-12 (~0.7% of such trees, measured), so
        # they are covered by test_precision's fractional-exponent test with that allowance instead.
        k = draw(st.sampled_from(WARP_EXPONENTS))
        return lrcore.Warp(draw(sub), steps=draw(counts), exponent=k)

    if kind == "Stretch":
        factor = draw(st.one_of(st.integers(1, 100), st.floats(min_value=0.1, max_value=100.0, **_FLOATS),
                                st.sampled_from([0.5, 2.5, 0.3, 1.5, 10.0])))
        child = draw(sub)
        if child.duration is not None and child.duration * factor > 2**53:
            factor = 1  # the stretched schedule must change only before step 2**53
        return lrcore.Stretch(child, factor=factor)

    assert kind == "Quantize"
    return lrcore.Quantize(draw(sub), every=draw(st.one_of(st.integers(1, 100), st.integers(1, min(1000, big)))))


def schedules(max_depth: int = 4, nodes: Nodes | None = None, max_steps: int | None = None) -> SearchStrategy[Schedule]:
    """A hypothesis strategy of valid schedule trees at most `max_depth` combinators deep (leaves at depth 0).

    * `nodes`: which nodes to draw (default: every primitive and combinator of lrcore). A list of
      node classes (or names of lrcore's), or a dict ``{cls: strategy or None}``. A custom node
      (``@lrcore.register``) is drawn by its strategy when one is given (a strategy of
      instances; for a node with schedule fields, a function of the child strategy that returns
      one), else from its declared fields (``lrcore.fields(cls)``: kind, bounds, choices; bounds
      naming earlier fields are honoured). A node whose ``validate()`` adds cross-field rules
      needs its own strategy. At least one leaf (a node without schedule fields) is needed.
    * `max_steps`: every step-valued parameter drawn (steps, milestones, boundaries, periods,
      shifts) is at most this (default 10**6); at least 100.

    Parameters stay where values are finite, positive and far from the subnormals.

    >>> import lrcore
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(schedules(max_depth=2, nodes=[lrcore.Cosine, lrcore.Linear, lrcore.Warmup], max_steps=500))
    ... def test(s):
    ...     assert s(0) >= 0.0
    >>> test()
    """
    big = 10**6 if max_steps is None else int(max_steps)
    if big < 100:
        raise ValueError(f"schedules: `max_steps` must be >= 100, got max_steps={max_steps!r}")
    return _tree(_Pool(nodes, big), max_depth)


def of_kind(kind: str, max_depth: int = 1) -> SearchStrategy[Schedule]:
    """Trees whose root is a `kind` combinator (over trees `max_depth - 1` deep), as `schedules` draws them."""
    return _tree(_Pool(None, 10**6), max_depth, root=kind)


#: Plateau rules in the ranges the frameworks are used with (tests/test_plateau.py draws their runs).
plateaus = st.builds(
    lrcore.Plateau,
    mode=st.sampled_from(["min", "max"]),
    factor=st.one_of(st.sampled_from([0.1, 0.5, 0.9]), st.floats(min_value=0.01, max_value=0.99, **_FLOATS)),
    patience=st.integers(0, 10),
    threshold=st.one_of(st.sampled_from([0.0, 1e-4, 0.1]), st.floats(min_value=0.0, max_value=0.99, **_FLOATS)),
    threshold_mode=st.sampled_from(["rel", "abs"]),
    cooldown=st.integers(0, 3),
    min_value=st.sampled_from([0.0, 1e-3, 0.05, 0.3]),
    eps=st.sampled_from([0.0, 1e-8, 1e-3]),
    rule=st.sampled_from(["torch", "paddle"]),
)
#: A schedule times a plateau rule (``s * Plateau(...)``).
plateau_schedules = st.builds(lrcore.PlateauSchedule, schedule=schedules(max_depth=1), plateau=plateaus)


# -- boundaries --------------------------------------------------------------------------

_MAX_CYCLES_LISTED = 12  # cycles of Restart / Cyclic whose starts are listed
_MAX_INNER_CYCLES = 3  # cycles of an unlimited Restart whose child's boundaries are listed


def _local_marks(s: Schedule) -> set[float]:
    """Candidate boundaries of a primitive, in its own time (floats; may be over-approximate)."""
    out: set[float] = set()
    if isinstance(s, lrcore.Polynomial) and s.cycle:
        out.update(s.steps * k for k in range(1, 5))
    elif isinstance(s, (lrcore.Linear, lrcore.Cosine, lrcore.Polynomial, lrcore.Tanh, lrcore.Geometric)):
        out.add(s.steps)
    elif isinstance(s, (lrcore.Exponential, lrcore.InverseTime)):
        out.update(s.every * k for k in range(4))
    elif isinstance(s, lrcore.MultiStep):
        out.update(s.milestones)
    elif isinstance(s, (lrcore.Piecewise, lrcore.Interpolate)):
        out.update(s.boundaries)
    elif isinstance(s, lrcore.InverseSqrt):
        out.add(s.timescale_steps)
    elif isinstance(s, lrcore.Noam):
        out.update((1, s.warmup_steps))
    elif isinstance(s, lrcore.Cyclic):
        up = s.up_steps
        period = up + (up if s.down_steps is None else s.down_steps)
        for k in range(_MAX_CYCLES_LISTED):
            out.update((k * period, k * period + up))
    elif isinstance(s, lrcore.OneCycle):
        n, p = s.total_steps, s.pct_start
        ends = [p * n - 1.0, n - 1.0] if not s.three_phase else [p * n - 1.0, 2 * p * n - 2.0, n - 1.0]
        out.update(ends)
        out.add(n)
    elif isinstance(s, lrcore.WSD):
        out.update((s.warmup_steps, s.warmup_steps + s.stable_steps))
    return out


def _finite_duration(s: Schedule) -> int:
    """The duration of a part that must have one (a Sequential part without boundaries, a Restart's child)."""
    d = s.duration
    if d is None:
        raise ValueError(f"boundaries_of: {s!r} has no finite duration where its parent needs one")
    return d


def _marks(s: Schedule, offset: float, scale: float, out: set[float]) -> None:
    """Add the boundaries of `s`, whose local time is (global - offset) / scale, to `out`."""

    def add(local: float) -> None:
        out.add(offset + scale * local)

    def sub(child: Schedule, local_offset: float = 0.0, local_scale: float = 1.0) -> None:
        _marks(child, offset + scale * local_offset, scale * local_scale, out)

    add(0)
    d = s.duration
    if d is not None:
        add(d)
    for m in _local_marks(s):
        add(m)

    if isinstance(s, lrcore.Sequential):
        if s.boundaries is not None:
            starts: Sequence[int] = (0, *s.boundaries)
        else:  # each part but the last lasts its duration (finite: Sequential checks it)
            starts = [0]
            for part in s.parts[:-1]:
                starts.append(starts[-1] + _finite_duration(part))
        for a, part in zip(starts, s.parts):
            add(a)
            sub(part, a)
    elif isinstance(s, lrcore.Warmup):
        add(s.warmup_steps)
        sub(s.schedule, s.warmup_steps if s.prefix else 0.0)
    elif isinstance(s, lrcore.Restart):
        cd = _finite_duration(s.schedule)  # Restart checks it
        inner = _MAX_INNER_CYCLES if s.limit is None else min(s.limit, _MAX_CYCLES_LISTED)
        b, k = 0.0, 0
        while k < _MAX_CYCLES_LISTED and (s.limit is None or k <= s.limit) and b <= 2**53:
            length = s.period_steps * s.period_mult**k
            add(b)
            if k < inner:
                sub(s.schedule, b, length / cd)
            b += length
            k += 1
    elif isinstance(s, lrcore.Shift):
        add(s.steps)
        sub(s.schedule, s.steps)
    elif isinstance(s, lrcore.Stretch):
        sub(s.schedule, 0.0, s.factor)
    elif isinstance(s, lrcore.Warp):
        warped: set[float] = set()
        _marks(s.schedule, 0.0, 1.0, warped)
        n = s.steps
        add(n)
        for m in warped:  # the step whose warped time is m: w(t) = n (t / n) ** k below n, t after
            if math.isfinite(m) and m >= 0:
                add(n * (m / n) ** (1.0 / s.exponent) if m < n else m)
    elif isinstance(s, lrcore.Quantize):
        quantized: set[float] = set()
        _marks(s.schedule, 0.0, 1.0, quantized)
        e = s.every
        for m in quantized:
            add(math.floor(m / e) * e)
            add(math.ceil(m / e) * e)
        add(e)
    else:  # Clamp, Product, Sum, Minimum, Maximum: pointwise in the same time
        for c in s.children():
            sub(c)


def exact_marks_of(schedule: Schedule) -> list[float]:
    """The candidate boundaries of `boundaries_of` as the exact (float) global steps, unrounded:
    a stretched cycle starts at 176 * 40.369318612481486 = 7105.0000758, not at an int."""
    raw: set[float] = set()
    _marks(schedule, 0.0, 1.0, raw)
    return sorted(x for x in raw if math.isfinite(x) and 0 <= x <= 2**53)


def boundaries_of(schedule: Schedule) -> list[int]:
    """Candidate boundary steps of `schedule`, as sorted ints in [0, 2**53] (over-approximated).

    Walks the tree with ``children()``, ``duration`` and the node fields: durations,
    milestones, Sequential boundaries, warmup ends, cycle starts, ..., each mapped to global
    time through the Shift / Sequential / Warmup offsets and the Stretch / Restart scales
    (Restart: the first few cycles only). Non-integer marks give both neighbouring ints.
    """
    raw: set[float] = set()
    _marks(schedule, 0.0, 1.0, raw)
    out: set[int] = set()
    for x in raw:
        if not math.isfinite(x):
            continue
        for v in (math.floor(x), math.ceil(x)):
            if 0 <= v <= 2**53:
                out.add(int(v))
    return sorted(out)


# -- steps -------------------------------------------------------------------------------

@composite
def step_sets(draw: DrawFn, schedule: Schedule, max_random: int = 12) -> list[int]:
    """Int steps for `schedule`: 0, every boundary b with b - 1 and b + 1, and random steps.

    The random steps are uniform in [0, 2**40], uniform below twice the last boundary (where
    the schedule does something), and a few within 100 of 2**40.
    """
    marks = boundaries_of(schedule)
    steps = {0}
    for b in marks:
        steps.update(x for x in (b - 1, b, b + 1) if 0 <= x <= 2**53)
    top = max(2 * max(marks, default=1), 10)
    steps.update(draw(st.lists(st.integers(0, MAX_RANDOM_STEP), max_size=max_random)))
    steps.update(draw(st.lists(st.integers(0, min(top, MAX_RANDOM_STEP)), max_size=max_random)))
    steps.update(draw(st.lists(st.integers(MAX_RANDOM_STEP - 100, MAX_RANDOM_STEP + 100), max_size=3)))
    return sorted(steps)


@composite
def schedules_and_steps(draw: DrawFn, max_depth: int = 4, max_random: int = 12) -> tuple[Schedule, list[int]]:
    """A schedule and a `step_sets` list for it."""
    s = draw(schedules(max_depth=max_depth))
    return s, draw(step_sets(s, max_random=max_random))
