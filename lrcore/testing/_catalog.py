"""`catalog_kwargs(fn)`: valid keyword arguments for a catalog constructor, drawn by hypothesis.

Each argument is drawn from a table by parameter name (rates, factors, step counts, milestone
lists, ...); constructors whose arguments depend on each other have their own entry in
`_SPECIFIC`. Required arguments are always drawn, optional ones named in the tables sometimes
(else left at the peer's default). Every draw constructs: tests/test_testing_kit.py builds
every constructor of every catalog from its draws.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

from hypothesis import strategies as st

__all__ = ["catalog_kwargs", "NO_FORM"]

_F = dict(allow_nan=False, allow_infinity=False, allow_subnormal=False)

rates = st.one_of(st.sampled_from([1.0, 0.1, 0.01, 3e-4]), st.floats(1e-5, 10.0, **_F))
small_rates = st.one_of(st.just(0.0), st.sampled_from([1e-6, 1e-5, 1e-4]))
decays = st.one_of(st.sampled_from([0.1, 0.5, 0.9, 0.99]), st.floats(0.05, 0.99, **_F))
counts = st.integers(1, 500)
warmups = st.integers(0, 100)
milestones = st.lists(st.integers(1, 500), min_size=1, max_size=4, unique=True).map(sorted)
powers = st.sampled_from([0.5, 1.0, 2.0])


@st.composite
def _values_and_boundaries(draw: Any, n_min: int = 1) -> tuple[list, list]:
    b = draw(st.lists(st.integers(1, 500), min_size=n_min, max_size=4, unique=True).map(sorted))
    v = draw(st.lists(rates, min_size=len(b) + 1, max_size=len(b) + 1))
    return v, b


def _fn(value: float) -> Callable[[Any], float]:
    return lambda e: value ** e


# parameter name -> strategy (a required parameter whose name is not here needs a `_SPECIFIC` entry)
_BY_NAME: dict[str, Any] = {}
for _n in ("lr", "base_lr", "learning_rate", "base_learning_rate", "init_value", "value", "initial_learning_rate",
           "peak_value", "max_lr", "max_learning_rate"):
    _BY_NAME[_n] = rates
for _n in ("eta_min", "lr_min", "end_lr", "end_learning_rate", "min_lr", "warmup_lr_init", "end_value"):
    _BY_NAME[_n] = small_rates
for _n in ("gamma", "decay_rate", "factor", "alpha"):
    _BY_NAME[_n] = decays
for _n in ("step_size", "T_max", "T_0", "decay_steps", "transition_steps", "total_steps", "total_iters",
           "t_initial", "first_decay_steps", "num_training_steps", "warmup_steps", "decay_t"):
    _BY_NAME[_n] = counts
for _n in ("num_warmup_steps", "warmup_t", "transition_begin"):
    _BY_NAME[_n] = warmups
_BY_NAME.update(milestones=milestones, power=powers, d_model=st.sampled_from([64.0, 512.0, 1024.0]),
                lr_lambda=st.sampled_from([0.9, 0.99, 1.0]).map(_fn), staircase=st.booleans(), cycle=st.booleans(),
                T_mult=st.integers(1, 3), patience=st.integers(0, 5), mode=st.sampled_from(["min", "max"]))


def _key(fn: Callable) -> str:
    return f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}"


@st.composite
def _piecewise_decay(draw: Any) -> dict:
    v, b = draw(_values_and_boundaries())
    return dict(boundaries=b, values=v)


@st.composite
def _keras_piecewise(draw: Any) -> dict:
    v, b = draw(_values_and_boundaries())
    return dict(boundaries=b, values=v)


@st.composite
def _onecycle(draw: Any, total: str, peak: str, pct: str = "pct_start") -> dict:
    n = draw(st.integers(20, 500))  # pct * n >= 2: every phase lasts a step
    return {total: n, peak: draw(rates), pct: draw(st.floats(0.1, 0.45, **_F))}


@st.composite
def _cyclic(draw: Any, low: str, high: str) -> dict:
    a, b = sorted((draw(rates), draw(rates)))
    return {low: a, high: b, "step_size_up": draw(st.integers(1, 200))}


@st.composite
def _linear_warmup(draw: Any) -> dict:
    return dict(learning_rate=draw(rates), warmup_steps=draw(counts), start_lr=draw(small_rates),
                end_lr=draw(st.floats(1e-3, 10.0, **_F)))


@st.composite
def _optax_piecewise_constant(draw: Any) -> dict:
    b = draw(st.lists(st.integers(1, 500), max_size=4, unique=True))
    return dict(init_value=draw(rates), boundaries_and_scales={k: draw(decays) for k in b})


@st.composite
def _optax_interpolate(draw: Any) -> dict:
    b = draw(st.lists(st.integers(1, 500), max_size=4, unique=True))
    return dict(interpolate_type=draw(st.sampled_from(["linear", "cosine"])), init_value=draw(rates),
                boundaries_and_scales={k: draw(decays) for k in b})


@st.composite
def _warmup_cosine(draw: Any) -> dict:
    w = draw(warmups)
    return dict(init_value=draw(small_rates), peak_value=draw(rates), warmup_steps=w,
                decay_steps=w + draw(counts), end_value=draw(small_rates))


@st.composite
def _warmup_exponential(draw: Any) -> dict:
    return dict(init_value=draw(small_rates), peak_value=draw(rates), warmup_steps=draw(warmups),
                transition_steps=draw(counts), decay_rate=draw(decays))


@st.composite
def _sgdr(draw: Any) -> dict:
    n = draw(st.integers(1, 3))
    kws = []
    for _ in range(n):
        w = draw(st.integers(0, 20))
        kws.append(dict(init_value=draw(small_rates), peak_value=draw(rates), warmup_steps=w,
                        decay_steps=w + draw(counts)))
    return dict(cosine_kwargs=kws)


@st.composite
def _hf_warmup_total(draw: Any, **extra: Any) -> dict:
    w = draw(warmups)
    out = dict(lr=draw(rates), num_warmup_steps=w, num_training_steps=w + draw(counts))
    out.update({k: draw(v) for k, v in extra.items()})
    return out


@st.composite
def _torch_parts(draw: Any, n: int) -> list:
    from lrcore.catalog import torch as C

    lr = draw(rates)
    kinds = [(C.StepLR, "step_size"), (C.ExponentialLR, None), (C.LinearLR, None), (C.CosineAnnealingLR, "T_max")]
    out = []
    for _ in range(n):
        ctor, count = draw(st.sampled_from(kinds))
        kw = {"lr": lr}
        if count:
            kw[count] = draw(counts)
        if ctor is C.ExponentialLR:
            kw["gamma"] = draw(decays)
        out.append(ctor(**kw))
    return out


@st.composite
def _sequential_lr(draw: Any) -> dict:
    n = draw(st.integers(2, 3))
    return dict(schedulers=draw(_torch_parts(n)),
                milestones=draw(st.lists(st.integers(1, 500), min_size=n - 1, max_size=n - 1, unique=True).map(sorted)))


@st.composite
def _join_schedules(draw: Any) -> dict:
    from lrcore.catalog import optax as O

    n = draw(st.integers(2, 3))
    parts = [O.cosine_decay_schedule(init_value=draw(rates), decay_steps=draw(counts)) for _ in range(n)]
    return dict(schedules=parts,
                boundaries=draw(st.lists(st.integers(1, 500), min_size=n - 1, max_size=n - 1, unique=True).map(sorted)))


@st.composite
def _get_scheduler(draw: Any) -> dict:
    w = draw(warmups)
    name = draw(st.sampled_from(["linear", "cosine", "cosine_with_restarts", "polynomial", "constant",
                                 "constant_with_warmup", "inverse_sqrt"]))
    out = dict(name=name, lr=draw(rates), num_warmup_steps=w)
    if name != "inverse_sqrt":
        out["num_training_steps"] = w + draw(counts)
    return out


#: Catalog constructors with no lrcore form (they raise NotImplementedError): nothing to draw.
NO_FORM = frozenset({"transformers.get_greedy_schedule", "transformers.get_adafactor_schedule"})


def _specific() -> dict[str, Any]:
    fd = st.fixed_dictionaries
    return {
        "torch.SequentialLR": _sequential_lr(),
        "torch.ChainedScheduler": fd(dict(schedulers=st.integers(1, 3).flatmap(_torch_parts))),
        "optax.join_schedules": _join_schedules(),
        "transformers.get_scheduler": _get_scheduler(),
        "paddle.PiecewiseDecay": _piecewise_decay(),
        "keras.PiecewiseConstantDecay": _keras_piecewise(),
        "paddle.LinearWarmup": _linear_warmup(),
        "paddle.OneCycleLR": _onecycle("total_steps", "max_learning_rate", "phase_pct"),
        "torch.OneCycleLR": _onecycle("total_steps", "max_lr"),
        "torch.OneCycleLR_momentum": _onecycle("total_steps", "max_lr"),
        "torch.CyclicLR": _cyclic("base_lr", "max_lr"),
        "torch.CyclicLR_momentum": _cyclic("base_lr", "max_lr"),
        "paddle.CyclicLR": _cyclic("base_learning_rate", "max_learning_rate"),
        "paddle.NaturalExpDecay": fd(dict(learning_rate=rates, gamma=st.floats(1e-3, 0.5, **_F))),
        "paddle.InverseTimeDecay": fd(dict(learning_rate=rates, gamma=st.floats(0.0, 0.5, **_F))),
        "optax.piecewise_constant_schedule": _optax_piecewise_constant(),
        "optax.piecewise_interpolate_schedule": _optax_interpolate(),
        "optax.warmup_cosine_decay_schedule": _warmup_cosine(),
        "optax.warmup_exponential_decay_schedule": _warmup_exponential(),
        "optax.sgdr_schedule": _sgdr(),
        "optax.linear_onecycle_schedule": fd(dict(transition_steps=st.integers(10, 500), peak_value=rates)),
        "optax.cosine_onecycle_schedule": fd(dict(transition_steps=st.integers(10, 500), peak_value=rates)),
        "optax.polynomial_schedule": fd(dict(init_value=rates, end_value=small_rates, power=powers,
                                             transition_steps=counts)),
        "optax.linear_schedule": fd(dict(init_value=rates, end_value=small_rates, transition_steps=counts)),
        "optax.exponential_decay": fd(dict(init_value=rates, transition_steps=counts, decay_rate=decays)),
        "optax.warmup_constant_schedule": fd(dict(init_value=small_rates, peak_value=rates, warmup_steps=counts)),
        "optax.reduce_on_plateau": fd(dict(factor=decays, patience=st.integers(0, 5))),
        "transformers.get_linear_schedule_with_warmup": _hf_warmup_total(),
        "transformers.get_cosine_schedule_with_warmup": _hf_warmup_total(num_cycles=st.sampled_from([0.5, 1.0])),
        "transformers.get_cosine_with_hard_restarts_schedule_with_warmup": _hf_warmup_total(
            num_cycles=st.integers(1, 3)),
        "transformers.get_polynomial_decay_schedule_with_warmup": _hf_warmup_total(
            lr_end=st.just(1e-7), power=powers),
        "transformers.get_cosine_with_min_lr_schedule_with_warmup": _hf_warmup_total(min_lr_rate=st.sampled_from([0.0, 0.1])),
        "transformers.get_cosine_with_min_lr_schedule_with_warmup_lr_rate": _hf_warmup_total(
            min_lr_rate=st.sampled_from([0.0, 0.1])),
        "transformers.get_wsd_schedule": fd(dict(lr=rates, num_warmup_steps=warmups, num_decay_steps=counts,
                                                 num_stable_steps=warmups)),
        "transformers.get_inverse_sqrt_schedule": fd(dict(lr=rates, num_warmup_steps=counts)),
        "transformers.get_reduce_on_plateau_schedule": fd(dict(lr=rates, factor=decays, patience=st.integers(0, 5))),
        "transformers.get_constant_schedule": fd(dict(lr=rates)),
        "timm.MultiStepLRScheduler": fd(dict(lr=rates, decay_t=milestones, decay_rate=decays)),
        "timm.StepLRScheduler": fd(dict(lr=rates, decay_t=counts, decay_rate=decays)),
        "bolts.LinearWarmupCosineAnnealingLR": fd(dict(lr=rates, warmup_epochs=warmups), optional=dict(
            warmup_start_lr=small_rates, eta_min=small_rates)).flatmap(
            lambda kw: counts.map(lambda d: {**kw, "max_epochs": kw["warmup_epochs"] + d})),
    }


@st.composite
def _fastai_pcts(draw: Any) -> list:
    """fastai's pcts: dyadic fractions (k / 2**m) summing to exactly 1.0, the only sums fastai accepts."""
    m = draw(st.integers(1, 6))
    n = draw(st.integers(1, 4))
    cuts = sorted(draw(st.lists(st.integers(0, 2**m), min_size=n - 1, max_size=n - 1)))
    edges = [0, *cuts, 2**m]
    return [(b - a) / 2**m for a, b in zip(edges, edges[1:])]


@st.composite
def _fastai_sched(draw: Any) -> Any:
    from ..catalog import fastai as F

    kind = draw(st.sampled_from(["SchedLin", "SchedCos", "SchedNo", "SchedExp", "SchedPoly"]))
    start, end = draw(rates), draw(rates)
    steps = draw(st.one_of(st.just(1), counts))
    if kind == "SchedPoly":
        return F.SchedPoly(start, end, draw(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0])), steps=steps)
    return getattr(F, kind)(start, end, steps=steps)


@st.composite
def _fastai_combine(draw: Any) -> dict:
    pcts = draw(_fastai_pcts())
    return dict(pcts=pcts, scheds=[draw(_fastai_sched()) for _ in pcts], steps=draw(counts))


def _fastai_sgdr_ok(kw: dict) -> bool:
    cl, cm, nc = kw["cycle_len"], kw.get("cycle_mult", 2), kw["n_cycles"]
    n_epoch = cl * (cm**nc - 1) // (cm - 1)
    return sum(cl * cm**i / n_epoch for i in range(nc)) == 1.0


def _fastai() -> dict[str, Any]:
    fd = st.fixed_dictionaries
    fracs = st.floats(0.0, 1.0, **_F)
    divs = st.one_of(st.sampled_from([25.0, 1e5, 10.0]), st.floats(1.0, 1e5, **_F))
    epochs, spe = st.integers(1, 10), st.integers(1, 100)
    ends = dict(start=rates, end=rates)
    return {
        "fastai.SchedLin": fd(ends, optional=dict(steps=counts)),
        "fastai.SchedCos": fd(ends, optional=dict(steps=counts)),
        "fastai.SchedNo": fd(ends, optional=dict(steps=counts)),
        "fastai.SchedExp": fd(ends, optional=dict(steps=counts)),
        "fastai.SchedPoly": fd(dict(ends, power=st.one_of(st.sampled_from([0.0, 0.5, 1.0, 2.0]), st.floats(0.0, 4.0, **_F))),
                               optional=dict(steps=counts)),
        "fastai.combine_scheds": _fastai_combine(),
        "fastai.combined_cos": fd(dict(pct=fracs, start=rates, middle=rates, end=rates, steps=counts)),
        "fastai.fit_one_cycle": fd(dict(n_epoch=epochs, steps_per_epoch=spe),
                                   optional=dict(lr_max=rates, div=divs, div_final=divs, pct_start=fracs)),
        "fastai.fit_one_cycle_momentum": fd(dict(n_epoch=epochs, steps_per_epoch=spe),
                                            optional=dict(moms=st.tuples(decays, decays, decays), pct_start=fracs)),
        "fastai.fit_flat_cos": fd(dict(n_epoch=epochs, steps_per_epoch=spe),
                                  optional=dict(lr=rates, div_final=divs, pct_start=fracs)),
        "fastai.fit_sgdr": fd(dict(n_cycles=st.integers(1, 5), cycle_len=st.integers(1, 3), steps_per_epoch=spe),
                              optional=dict(lr_max=rates, cycle_mult=st.integers(2, 3))).filter(_fastai_sgdr_ok),
        "fastai.LRFinder": fd({}, optional=dict(start_lr=st.floats(1e-8, 1e-3, **_F), end_lr=st.floats(1e-2, 10.0, **_F),
                                                num_it=st.integers(1, 300))),
    }


_CACHE: dict[str, Any] = {}


def catalog_kwargs(fn: Callable) -> Any:
    """A hypothesis strategy of valid keyword arguments for the catalog constructor `fn`.

    ``fn(**kwargs)`` builds for every draw (no draw is thrown away). Arguments are drawn by
    parameter name (rates, factors, step counts, milestones...), with entries of their own for
    constructors whose arguments depend on each other (OneCycle, CyclicLR, piecewise tables...).
    SequentialLR / ChainedScheduler / join_schedules take schedules: draw those with
    `lrcore.testing.schedules`. A constructor this cannot fill raises ValueError naming it.

    >>> from hypothesis import given, settings
    >>> from lrcore.catalog import torch as C
    >>> @settings(max_examples=5)
    ... @given(kwargs=catalog_kwargs(C.StepLR))
    ... def test(kwargs):
    ...     s = C.StepLR(**kwargs)
    ...     assert s(kwargs["step_size"]) == s(0) * kwargs.get("gamma", 0.1)
    >>> test()
    """
    key = _key(fn)
    if key in NO_FORM:
        raise ValueError(f"catalog_kwargs: {key} has no lrcore form (it raises NotImplementedError): nothing to draw")
    if key in _CACHE:
        return _CACHE[key]
    specific = _specific()
    if key.startswith("fastai."):
        specific.update(_fastai())
    if key in specific:
        _CACHE[key] = specific[key]
        return specific[key]
    required, optional = {}, {}
    for p in inspect.signature(fn).parameters.values():
        if p.kind not in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD):
            continue
        if p.name in _BY_NAME:
            (required if p.default is p.empty else optional)[p.name] = _BY_NAME[p.name]
        elif p.default is p.empty:
            raise ValueError(f"catalog_kwargs: no strategy for `{p.name}` of {key} (draw its arguments yourself; "
                             "SequentialLR, ChainedScheduler and join_schedules take schedules)")
    out = st.fixed_dictionaries(required, optional=optional)
    _CACHE[key] = out
    return out
