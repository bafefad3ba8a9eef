"""`catalog_kwargs(fn)`: valid keyword arguments for a catalog constructor, drawn by hypothesis.

Each argument is drawn from a table by parameter name (rates, factors, step counts, milestone
lists, ...); constructors whose arguments depend on each other have their own entry in
`_SPECIFIC`. Required arguments are always drawn, optional ones named in the tables sometimes
(else left at the peer's default). Every draw constructs: tests/test_testing_kit.py builds
every constructor of every catalog from its draws.
"""

from __future__ import annotations

import inspect

from hypothesis import strategies as st

TYPE_CHECKING = False  # typing is not imported at run time
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from hypothesis.strategies import DrawFn, SearchStrategy

    from .._base import Schedule
    from ._strategies import composite

    _Kwargs = dict[str, Any]  # keyword arguments for one catalog constructor
else:
    composite = st.composite

__all__ = ["catalog_kwargs", "NO_FORM"]

_F = dict(allow_nan=False, allow_infinity=False, allow_subnormal=False)

rates = st.one_of(st.sampled_from([1.0, 0.1, 0.01, 3e-4]), st.floats(1e-5, 10.0, **_F))
small_rates = st.one_of(st.just(0.0), st.sampled_from([1e-6, 1e-5, 1e-4]))
decays = st.one_of(st.sampled_from([0.1, 0.5, 0.9, 0.99]), st.floats(0.05, 0.99, **_F))
counts = st.integers(1, 500)
warmups = st.integers(0, 100)
milestones = st.lists(st.integers(1, 500), min_size=1, max_size=4, unique=True).map(sorted)
powers = st.sampled_from([0.5, 1.0, 2.0])


@composite
def _values_and_boundaries(draw: DrawFn, n_min: int = 1) -> tuple[list[float], list[int]]:
    b = draw(st.lists(st.integers(1, 500), min_size=n_min, max_size=4, unique=True).map(sorted))
    v = draw(st.lists(rates, min_size=len(b) + 1, max_size=len(b) + 1))
    return v, b


def _fn(value: float) -> Callable[[Any], float]:
    return lambda e: value ** e


# parameter name -> strategy (a required parameter whose name is not here needs a `_SPECIFIC` entry)
_BY_NAME: dict[str, SearchStrategy[Any]] = {}
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


def _key(fn: Callable[..., Any]) -> str:
    return f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}"


@composite
def _piecewise_decay(draw: DrawFn) -> _Kwargs:
    v, b = draw(_values_and_boundaries())
    return dict(boundaries=b, values=v)


@composite
def _keras_piecewise(draw: DrawFn) -> _Kwargs:
    v, b = draw(_values_and_boundaries())
    return dict(boundaries=b, values=v)


@composite
def _onecycle(draw: DrawFn, total: str, peak: str, pct: str = "pct_start") -> _Kwargs:
    n = draw(st.integers(20, 500))  # pct * n >= 2: every phase lasts a step
    return {total: n, peak: draw(rates), pct: draw(st.floats(0.1, 0.45, **_F))}


@composite
def _cyclic(draw: DrawFn, low: str, high: str) -> _Kwargs:
    a, b = sorted((draw(rates), draw(rates)))
    return {low: a, high: b, "step_size_up": draw(st.integers(1, 200))}


@composite
def _linear_warmup(draw: DrawFn) -> _Kwargs:
    return dict(learning_rate=draw(rates), warmup_steps=draw(counts), start_lr=draw(small_rates),
                end_lr=draw(st.floats(1e-3, 10.0, **_F)))


@composite
def _optax_piecewise_constant(draw: DrawFn) -> _Kwargs:
    b = draw(st.lists(st.integers(1, 500), max_size=4, unique=True))
    return dict(init_value=draw(rates), boundaries_and_scales={k: draw(decays) for k in b})


@composite
def _optax_interpolate(draw: DrawFn) -> _Kwargs:
    b = draw(st.lists(st.integers(1, 500), max_size=4, unique=True))
    return dict(interpolate_type=draw(st.sampled_from(["linear", "cosine"])), init_value=draw(rates),
                boundaries_and_scales={k: draw(decays) for k in b})


@composite
def _warmup_cosine(draw: DrawFn) -> _Kwargs:
    w = draw(warmups)
    return dict(init_value=draw(small_rates), peak_value=draw(rates), warmup_steps=w,
                decay_steps=w + draw(counts), end_value=draw(small_rates))


@composite
def _warmup_exponential(draw: DrawFn) -> _Kwargs:
    return dict(init_value=draw(small_rates), peak_value=draw(rates), warmup_steps=draw(warmups),
                transition_steps=draw(counts), decay_rate=draw(decays))


@composite
def _sgdr(draw: DrawFn) -> _Kwargs:
    n = draw(st.integers(1, 3))
    kws = []
    for _ in range(n):
        w = draw(st.integers(0, 20))
        kws.append(dict(init_value=draw(small_rates), peak_value=draw(rates), warmup_steps=w,
                        decay_steps=w + draw(counts)))
    return dict(cosine_kwargs=kws)


@composite
def _hf_warmup_total(draw: DrawFn, /, **extra: Any) -> _Kwargs:
    w = draw(warmups)
    out = dict(lr=draw(rates), num_warmup_steps=w, num_training_steps=w + draw(counts))
    out.update({k: draw(v) for k, v in extra.items()})
    return out


@composite
def _torch_parts(draw: DrawFn, n: int) -> list[Schedule]:
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


@composite
def _sequential_lr(draw: DrawFn) -> _Kwargs:
    n = draw(st.integers(2, 3))
    return dict(schedulers=draw(_torch_parts(n)),
                milestones=draw(st.lists(st.integers(1, 500), min_size=n - 1, max_size=n - 1, unique=True).map(sorted)))


@composite
def _join_schedules(draw: DrawFn) -> _Kwargs:
    from lrcore.catalog import optax as O

    n = draw(st.integers(2, 3))
    parts = [O.cosine_decay_schedule(init_value=draw(rates), decay_steps=draw(counts)) for _ in range(n)]
    return dict(schedules=parts,
                boundaries=draw(st.lists(st.integers(1, 500), min_size=n - 1, max_size=n - 1, unique=True).map(sorted)))


@composite
def _get_scheduler(draw: DrawFn) -> _Kwargs:
    w = draw(warmups)
    name = draw(st.sampled_from(["linear", "cosine", "cosine_with_restarts", "polynomial", "constant",
                                 "constant_with_warmup", "inverse_sqrt"]))
    out = dict(name=name, lr=draw(rates), num_warmup_steps=w)
    if name != "inverse_sqrt":
        out["num_training_steps"] = w + draw(counts)
    return out


@composite
def _nemo(draw: DrawFn, name: str) -> _Kwargs:
    """NeMo's keyword pairs: warmup (steps or ratio), hold, constant steps; lr above min_lr."""
    m = draw(st.integers(1, 300))
    min_lr = draw(small_rates)
    out: _Kwargs = dict(lr=min_lr + draw(rates), max_steps=m, min_lr=min_lr)
    low = 1 if name == "NoamHoldAnnealing" else 0  # NeMo's Noam needs a warmup
    if low or draw(st.booleans()):
        out["warmup_steps"] = draw(st.integers(low, m))
    elif draw(st.booleans()):
        out["warmup_ratio"] = draw(st.floats(0.0, 1.0, **_F))
    w = out.get("warmup_steps", int(out.get("warmup_ratio", 0.0) * m))
    if name in ("WarmupHoldPolicy", "NoamHoldAnnealing", "PolynomialHoldDecayAnnealing") and draw(st.booleans()):
        hold = draw(st.integers(0, m))
        out["hold_steps"] = hold + 1 if w + hold == m else hold  # a decay of 0 steps divides by zero in NeMo
    if name == "CosineAnnealing" and draw(st.booleans()):
        c = draw(st.integers(0, m))
        out["constant_steps"] = c - 1 if w == 0 and c == m else c  # ditto
    if name in ("PolynomialDecayAnnealing", "PolynomialHoldDecayAnnealing"):
        out.update(power=draw(powers), cycle=draw(st.booleans()))
    if name == "NoamHoldAnnealing":
        out["decay_rate"] = draw(st.sampled_from([0.5, 1.0, 0.25, 2.0]))
    if name == "NoamAnnealing":
        if "warmup_ratio" not in out and draw(st.booleans()):
            out.pop("max_steps")  # NeMo's Noam has no cutoff
        out["d_model"] = draw(_BY_NAME["d_model"])
    if name == "T5InverseSquareRootAnnealing":
        out = dict(max_steps=m, min_lr=min_lr, constant_steps=draw(st.integers(1, m + 5)))
    return out


_NEMO = ("WarmupPolicy", "WarmupHoldPolicy", "SquareAnnealing", "SquareRootAnnealing", "CosineAnnealing",
         "NoamAnnealing", "NoamHoldAnnealing", "WarmupAnnealing", "InverseSquareRootAnnealing",
         "T5InverseSquareRootAnnealing", "PolynomialDecayAnnealing", "PolynomialHoldDecayAnnealing")


_warmup_inits = st.one_of(st.just(-1.0), small_rates)


@composite
def _fairseq_fixed(draw: DrawFn) -> _Kwargs:
    out: _Kwargs = dict(lr=draw(st.one_of(rates, st.lists(rates, min_size=1, max_size=4))),
                     warmup_updates=draw(warmups))
    if isinstance(out["lr"], list) or draw(st.booleans()):
        out["updates_per_epoch"] = draw(st.integers(1, 50))
        if draw(st.booleans()):
            out.update(force_anneal=draw(st.integers(0, 8)), lr_shrink=draw(decays))
    return out


@composite
def _fairseq_cosine(draw: DrawFn) -> _Kwargs:
    min_lr = draw(small_rates)
    w = draw(warmups)
    out: _Kwargs = dict(lr=min_lr + draw(rates), min_lr=min_lr, warmup_updates=w, warmup_init_lr=draw(_warmup_inits),
                     t_mult=draw(st.sampled_from([1.0, 1.5, 2.0, 3.0])),
                     lr_shrink=draw(st.one_of(st.just(1.0), decays)))
    if draw(st.booleans()):
        out["lr_period_updates"] = draw(counts)
    else:
        out["max_update"] = w + draw(counts)
    return out


@composite
def _fairseq_step(draw: DrawFn) -> _Kwargs:
    min_lr = draw(small_rates)
    return dict(lr=min_lr + draw(rates), min_lr=min_lr, warmup_updates=draw(warmups),
                warmup_init_lr=draw(_warmup_inits), lr_decay_period=draw(counts), lr_decay=draw(decays))


def _fairseq() -> dict[str, SearchStrategy[_Kwargs]]:
    fd = st.fixed_dictionaries
    return {
        "fairseq.fixed": _fairseq_fixed(),
        "fairseq.inverse_sqrt": fd(dict(lr=rates, warmup_updates=counts), optional=dict(warmup_init_lr=_warmup_inits)),
        "fairseq.cosine": _fairseq_cosine(),
        "fairseq.triangular": st.builds(lambda lr, up, p, k, m: dict(lr=lr, max_lr=lr + up, lr_period_updates=p,
                                                                      lr_shrink=k, shrink_min=m),
                                        small_rates | rates, rates, st.integers(2, 500), decays, st.booleans()),
        "fairseq.tri_stage": fd(dict(lr=rates, warmup_steps=warmups, hold_steps=warmups, decay_steps=counts,
                                     init_lr_scale=st.sampled_from([0.0, 0.01, 0.1]),
                                     final_lr_scale=st.sampled_from([0.01, 0.05, 0.5, 1.0]))),
        "fairseq.polynomial_decay": fd(dict(lr=rates, total_num_update=counts, warmup_updates=warmups,
                                            end_learning_rate=small_rates, power=powers)),
        "fairseq.step": _fairseq_step(),
        "fairseq.reduce_lr_on_plateau": fd(dict(lr=rates, lr_shrink=decays, lr_patience=st.integers(0, 5),
                                                warmup_updates=warmups)),
    }


@composite
def _fvcore_multistep(draw: DrawFn) -> _Kwargs:
    v = draw(st.lists(rates, min_size=1, max_size=4))
    n = draw(st.integers(len(v) + 1, 500))
    ms = draw(st.lists(st.integers(1, n - 1), min_size=len(v) - 1, max_size=len(v) - 1, unique=True).map(sorted))
    return dict(values=v, milestones=ms, num_updates=n, max_iter=draw(counts))


@composite
def _fvcore_leaf(draw: DrawFn, max_iter: int) -> Schedule:
    from lrcore.catalog import fvcore as F

    name = draw(st.sampled_from(["ConstantParamScheduler", "CosineParamScheduler", "LinearParamScheduler",
                                 "ExponentialParamScheduler", "PolynomialDecayParamScheduler",
                                 "StepParamScheduler", "MultiStepParamScheduler"]))
    fn = getattr(F, name)
    kw = draw(_fvcore_specific()[f"fvcore.{name}"])
    kw["max_iter"] = max_iter
    leaf: Schedule = fn(**kw)
    return leaf


@composite
def _fvcore_composite(draw: DrawFn) -> _Kwargs:
    m = draw(counts)
    k = draw(st.integers(1, 3))
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=k - 1, max_size=k - 1, unique=True)))  # lengths > 0
    lengths = [(b - a) / 100 for a, b in zip([0, *cuts], [*cuts, 100])]
    return dict(schedulers=[draw(_fvcore_leaf(m)) for _ in range(k)], lengths=lengths,
                interval_scaling=draw(st.lists(st.sampled_from(["rescaled", "fixed"]), min_size=k, max_size=k)),
                max_iter=m)


@composite
def _fvcore_warmup(draw: DrawFn) -> _Kwargs:
    m = draw(counts)
    return dict(scheduler=draw(_fvcore_leaf(m)), warmup_factor=draw(st.sampled_from([0.001, 0.1, 1.0])),
                warmup_length=draw(st.integers(0, m)) / m, warmup_method=draw(st.sampled_from(["linear", "constant"])),
                max_iter=m)


@composite
def _fvcore_multiplier(draw: DrawFn) -> _Kwargs:
    m = draw(counts)
    return dict(lr=draw(rates), multiplier=draw(_fvcore_leaf(m)), max_iter=m)


def _fvcore_specific() -> dict[str, SearchStrategy[_Kwargs]]:
    fd = st.fixed_dictionaries
    return {
        "fvcore.ConstantParamScheduler": fd(dict(value=rates, max_iter=counts)),
        "fvcore.CosineParamScheduler": fd(dict(start_value=rates, end_value=small_rates, max_iter=counts)),
        "fvcore.LinearParamScheduler": fd(dict(start_value=small_rates, end_value=rates, max_iter=counts)),
        "fvcore.ExponentialParamScheduler": fd(dict(start_value=rates, decay=decays, max_iter=counts)),
        "fvcore.PolynomialDecayParamScheduler": fd(dict(base_value=rates, power=powers, max_iter=counts)),
        "fvcore.StepParamScheduler": fd(dict(num_updates=counts, values=st.lists(rates, min_size=1, max_size=4),
                                             max_iter=counts)),
        "fvcore.StepWithFixedGammaParamScheduler": fd(dict(base_value=rates, num_decays=st.integers(1, 4),
                                                           gamma=decays, num_updates=counts, max_iter=counts)),
        "fvcore.MultiStepParamScheduler": _fvcore_multistep(),
        "fvcore.CompositeParamScheduler": _fvcore_composite(),
        "fvcore.WarmupParamScheduler": _fvcore_warmup(),
        "fvcore.LRMultiplier": _fvcore_multiplier(),
    }


def _mmengine_specific() -> dict[str, SearchStrategy[_Kwargs]]:
    fd = st.fixed_dictionaries
    moms = st.floats(0.5, 0.99, **_F)
    win = dict(by_epoch=st.booleans(), end=st.integers(1, 500))
    per = {
        "ConstantLR": dict(factor=st.floats(0.05, 1.0, **_F)),
        "LinearLR": dict(start_factor=st.floats(0.01, 1.0, **_F), end_factor=st.floats(0.0, 1.0, **_F)),
        "ExponentialLR": dict(gamma=decays),
        "StepLR": dict(step_size=counts, gamma=decays),
        "MultiStepLR": dict(milestones=milestones, gamma=decays),
        "PolyLR": dict(eta_min=small_rates, power=powers),
        "CosineAnnealingLR": dict(T_max=counts, eta_min=small_rates),
        "CosineRestartLR": dict(periods=st.lists(counts, min_size=1, max_size=1), eta_min=small_rates),
    }
    out = {}
    for kind, kw in per.items():
        out[f"mmengine.{kind}"] = fd(dict(lr=rates, **kw), optional=win)
        out[f"mmengine.{kind.replace('LR', 'Momentum')}"] = fd(dict(momentum=moms, **kw), optional=win)
    out["mmengine.OneCycleLR"] = fd(dict(lr=rates, eta_max=rates, total_steps=st.integers(20, 500),
                                         pct_start=st.floats(0.1, 0.45, **_F), by_epoch=st.just(False)))
    out["mmengine.ReduceOnPlateauLR"] = fd(dict(lr=rates, factor=decays, patience=st.integers(0, 5)))
    out["mmengine.ReduceOnPlateauMomentum"] = fd(dict(momentum=moms, factor=decays, patience=st.integers(0, 5)))
    out["mmengine.param_scheduler"] = st.builds(
        lambda lr, w, total: dict(lr=lr, schedulers=[
            dict(type="LinearLR", start_factor=0.001, by_epoch=False, end=w),
            dict(type="CosineAnnealingLR", T_max=total, by_epoch=False, begin=w, end=w + total)]),
        rates, st.integers(1, 100), counts)
    return out


# Composer: time strings of each unit (the fractions and ssr values keep Composer's float
# products whole, so resolved trees match it exactly at totals that are multiples of 16)
_composer_fracs = st.sampled_from(["0.0625", "0.125", "0.25", "0.5", "0.75", "1"])
_composer_times = st.one_of(st.integers(1, 100).map(lambda n: 2 * n), st.integers(1, 100).map(lambda n: f"{2 * n}ba"),
                            st.integers(1, 3).map(lambda n: f"{n}ep"), _composer_fracs.map(lambda f: f + "dur"))
_composer_ssr = st.sampled_from([0.5, 1.0, 1.0, 1.5, 2.0])


@composite
def _composer_warmup_pair(draw: DrawFn, same_unit: bool = False) -> _Kwargs:
    # Composer refuses a t_max shorter than the run: "1dur", or batches that are the run's length
    if draw(st.booleans()):
        return dict(t_warmup=f"{2 * draw(st.integers(1, 100))}ba", t_max=f"{32 * draw(st.integers(1, 12))}ba")
    f = draw(st.sampled_from(["0.0625", "0.125", "0.25"]))
    if same_unit or draw(st.booleans()):
        return dict(t_warmup=f + "dur", t_max="1dur")
    return dict(t_warmup=f + "dur", t_max=f"{32 * draw(st.integers(1, 12))}ba")


def _composer() -> dict[str, SearchStrategy[_Kwargs]]:
    fd = st.fixed_dictionaries
    alphas = st.sampled_from([0.0, 0.1, 0.5, 1.0])
    opt = dict(ssr=_composer_ssr)
    warm = dict(ssr=_composer_ssr, scale_warmup=st.booleans())
    return {
        "composer.StepScheduler": fd(dict(lr=rates, step_size=_composer_times), optional=dict(gamma=decays, **opt)),
        "composer.MultiStepScheduler": fd(dict(lr=rates, milestones=milestones.map(lambda m: [f"{2 * x}ba" for x in m])),
                                          optional=dict(gamma=decays, **opt)),
        "composer.ConstantScheduler": fd(dict(lr=rates), optional=dict(alpha=alphas, t_max=_composer_times, **opt)),
        "composer.LinearScheduler": fd(dict(lr=rates), optional=dict(alpha_i=alphas, alpha_f=alphas,
                                                                      t_max=_composer_times, **opt)),
        "composer.ExponentialScheduler": fd(dict(lr=rates, gamma=decays), optional=dict(decay_period=_composer_times, **opt)),
        "composer.CosineAnnealingScheduler": fd(dict(lr=rates), optional=dict(t_max=_composer_times, alpha_f=alphas, **opt)),
        "composer.CosineAnnealingWarmRestartsScheduler": fd(dict(lr=rates, t_0=_composer_times), optional=dict(
            t_mult=st.sampled_from([1.0, 2.0, 3.0]), alpha_f=alphas, **opt)),
        "composer.PolynomialScheduler": fd(dict(lr=rates, power=powers), optional=dict(t_max=_composer_times,
                                                                                        alpha_f=alphas, **opt)),
        "composer.MultiStepWithWarmupScheduler": fd(dict(
            lr=rates, t_warmup=st.integers(1, 50).map(lambda n: f"{2 * n}ba"),
            milestones=milestones.map(lambda m: [f"{2 * x}ba" for x in m])), optional=dict(gamma=decays, **warm)),
        "composer.ConstantWithWarmupScheduler": st.builds(lambda p, e: {**p, **e}, _composer_warmup_pair(),
                                                          fd(dict(lr=rates), optional=dict(alpha=alphas, **warm))),
        "composer.LinearWithWarmupScheduler": st.builds(lambda p, e: {**p, **e}, _composer_warmup_pair(),
                                                        fd(dict(lr=rates), optional=dict(alpha_i=alphas, alpha_f=alphas,
                                                                                         **warm))),
        "composer.CosineAnnealingWithWarmupScheduler": st.builds(lambda p, e: {**p, **e}, _composer_warmup_pair(),
                                                                 fd(dict(lr=rates), optional=dict(alpha_f=alphas, **warm))),
        "composer.PolynomialWithWarmupScheduler": st.builds(lambda p, e: {**p, **e}, _composer_warmup_pair(True),
                                                            fd(dict(lr=rates), optional=dict(power=powers, alpha_f=alphas,
                                                                                             **warm))),
    }


@composite
def _ds_warmup(draw: Any, decay: bool = False, cosine: bool = False) -> dict[str, Any]:
    w = draw(st.integers(1, 120))
    out = dict(warmup_num_steps=w, warmup_type=draw(st.sampled_from(["log", "linear"])))
    if cosine:
        out.update(lr=draw(rates), warmup_min_ratio=draw(st.one_of(st.just(0.0), st.floats(0.0, 1.0, **_F))),
                   cos_min_ratio=draw(st.sampled_from([0.0, 1e-4, 0.1, -0.05])))
    else:
        out.update(warmup_min_lr=draw(small_rates), warmup_max_lr=draw(rates))
    if decay or cosine:
        out["total_num_steps"] = draw(st.integers(0, w + 200))
    return out


@composite
def _ds_one_cycle(draw: Any) -> dict[str, Any]:
    low, high = sorted((draw(rates), draw(rates)))
    first = draw(st.integers(1, 120))
    out = dict(cycle_min_lr=low, cycle_max_lr=high, cycle_first_step_size=first,
               cycle_min_mom=draw(st.floats(0.8, 0.9, **_F)), cycle_max_mom=draw(st.floats(0.9, 0.99, **_F)))
    second = draw(st.one_of(st.none(), st.integers(0, 120)))
    if second is not None:
        out["cycle_second_step_size"] = second
    out["cycle_first_stair_count"] = draw(st.one_of(st.sampled_from([0, -1]), st.integers(1, first)))
    if draw(st.booleans()):
        out["cycle_second_stair_count"] = draw(st.one_of(st.just(0), st.integers(1, max(1, second or first))))
    out["decay_step_size"] = draw(st.sampled_from([0, 1, 7, 50]))
    out["decay_lr_rate"] = draw(st.sampled_from([0.0, 1e-3, 0.5]))
    out["decay_mom_rate"] = draw(st.sampled_from([0.0, 1e-3, 0.05]))
    return out


@composite
def _megatron(draw: Any) -> dict[str, Any]:
    style = draw(st.sampled_from(["constant", "linear", "cosine", "inverse-square-root", "WSD"]))
    decay = draw(st.integers(1, 400))
    out = dict(max_lr=draw(rates), lr_decay_steps=decay, lr_decay_style=style,
               lr_warmup_steps=draw(st.one_of(st.just(0), st.integers(0, decay - 1))))
    out["min_lr"] = draw(st.one_of(st.just(0.0), st.floats(0.0, out["max_lr"], **_F)))
    out["init_lr"] = draw(st.one_of(st.just(0.0), st.floats(0.0, out["max_lr"], **_F)))
    if style == "WSD":
        out["wsd_decay_steps"] = draw(st.integers(0, decay + 20))
        out["lr_wsd_decay_style"] = draw(st.sampled_from(["exponential", "linear", "cosine", "minus_sqrt"]))
    return out


@composite
def _megatron_wd(draw: Any) -> dict[str, Any]:
    style = draw(st.sampled_from(["constant", "linear", "cosine"]))
    start = draw(st.sampled_from([0.0, 0.01, 0.1]))
    end = start if style == "constant" else draw(st.floats(start, 0.5, **_F))
    return dict(start_wd=start, end_wd=end, wd_incr_steps=draw(st.integers(1, 400)), wd_incr_style=style)


#: Catalog constructors with no lrcore form (they raise NotImplementedError): nothing to draw.
NO_FORM = frozenset({"transformers.get_greedy_schedule", "transformers.get_adafactor_schedule"})


def _specific() -> dict[str, SearchStrategy[_Kwargs]]:
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
        **{f"nemo.{name}": _nemo(name) for name in _NEMO},
        **_fairseq(),
        **_fvcore_specific(),
        **_mmengine_specific(),
        **_composer(),
        "deepspeed.WarmupLR": _ds_warmup(),
        "deepspeed.WarmupDecayLR": _ds_warmup(decay=True),
        "deepspeed.WarmupCosineLR": _ds_warmup(cosine=True),
        "deepspeed.OneCycle": _ds_one_cycle(),
        "deepspeed.OneCycle_momentum": _ds_one_cycle(),
        "deepspeed.LRRangeTest": fd(dict(lr_range_test_min_lr=rates, lr_range_test_step_size=counts),
                                    optional=dict(lr_range_test_step_rate=st.floats(0.0, 10.0, **_F),
                                                  lr_range_test_staircase=st.booleans())),
        "megatron.OptimizerParamScheduler": _megatron(),
        "megatron.OptimizerParamScheduler_weight_decay": _megatron_wd(),
        "bolts.LinearWarmupCosineAnnealingLR": fd(dict(lr=rates, warmup_epochs=warmups), optional=dict(
            warmup_start_lr=small_rates, eta_min=small_rates)).flatmap(
            lambda kw: counts.map(lambda d: {**kw, "max_epochs": kw["warmup_epochs"] + d})),
    }


@composite
def _fastai_pcts(draw: Any) -> list[float]:
    """fastai's pcts: dyadic fractions (k / 2**m) summing to exactly 1.0, the only sums fastai accepts."""
    m = draw(st.integers(1, 6))
    n = draw(st.integers(1, 4))
    cuts = sorted(draw(st.lists(st.integers(0, 2**m), min_size=n - 1, max_size=n - 1)))
    edges = [0, *cuts, 2**m]
    return [(b - a) / 2**m for a, b in zip(edges, edges[1:])]


@composite
def _fastai_sched(draw: Any) -> Any:
    from ..catalog import fastai as F

    kind = draw(st.sampled_from(["SchedLin", "SchedCos", "SchedNo", "SchedExp", "SchedPoly"]))
    start, end = draw(rates), draw(rates)
    steps = draw(st.one_of(st.just(1), counts))
    if kind == "SchedPoly":
        return F.SchedPoly(start, end, draw(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0])), steps=steps)
    return getattr(F, kind)(start, end, steps=steps)


@composite
def _fastai_combine(draw: Any) -> dict[str, Any]:
    pcts = draw(_fastai_pcts())
    return dict(pcts=pcts, scheds=[draw(_fastai_sched()) for _ in pcts], steps=draw(counts))


def _fastai_sgdr_ok(kw: dict[str, Any]) -> bool:
    cl: int = kw["cycle_len"]
    cm: int = kw.get("cycle_mult", 2)
    nc: int = kw["n_cycles"]
    n_epoch = cl * (cm**nc - 1) // (cm - 1)
    total: float = sum(cl * cm**i / n_epoch for i in range(nc))  # int ** int is Any to mypy
    return total == 1.0


def _fastai() -> dict[str, SearchStrategy[_Kwargs]]:
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


_CACHE: dict[str, SearchStrategy[_Kwargs]] = {}


def catalog_kwargs(fn: Callable[..., Any]) -> SearchStrategy[_Kwargs]:
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
    required: dict[str, SearchStrategy[Any]] = {}
    optional: dict[str, SearchStrategy[Any]] = {}
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
