"""MMEngine's parameter schedulers (``mmengine.optim.scheduler``) for lr and momentum, as lrcore trees.

Each constructor takes the mmengine class's own parameters, with the param group's initial
value as ``lr=`` (``momentum=`` for the Momentum classes: SGD's momentum or Adam's
``betas[0]``) instead of an optimizer, and returns a `lrcore.Schedule` whose value at update t
is what mmengine's runner leaves in the param group for update t:

* ``begin`` / ``end``: the scheduler acts on its steps ``begin <= s < end`` (its own step
  ``s - begin``); before ``begin`` the value is the incoming one, from ``end`` on the last
  value it set holds. ``end`` defaults to mmengine's ``INF = 10**9``.
* ``by_epoch=False``: mmengine steps it after every iteration, so s is the update t.
  ``by_epoch=True``: after every epoch; give ``epoch_length=`` (iterations per epoch) and the
  value at update t is that of epoch ``floor(t / epoch_length)`` (a `lrcore.Quantize` of a
  `lrcore.Stretch`); without it the result is indexed by epoch.
  ``convert_to_iter_based=True`` (with ``epoch_length``) converts an epoch-based config to
  iterations as mmengine's ``build_iter_from_epoch`` does (begin, end and the periods times
  epoch_length), so it then changes every iteration.

A list of schedulers, as every mmengine config writes ``param_scheduler = [dict(type=...),
...]``, is `param_scheduler` (the dicts as in the config). mmengine's schedulers are chainable:
each changes the group's current value. Those that multiply it (ConstantLR, LinearLR,
ExponentialLR, StepLR, MultiStepLR, PolyLR with ``eta_min=0``, CosineAnnealingLR with
``eta_min=0`` that does not run past its minimum) give a factor each, and the value is ``lr``
times their product (overlaps allowed, as mmdet's per-iteration LinearLR warmup over a per-epoch
MultiStepLR). The others set the value from an incoming one or from ``lr`` (CosineAnnealingLR
towards a nonzero ``eta_min``, PolyLR with ``eta_min``, CosineRestartLR, OneCycleLR): their
window may not overlap another scheduler's, and the value they start from is the one the
schedulers before them left. The recursions become closed forms (mmengine's ``1 + cos``
ratios and repeated products drift by a few ulp per step).

>>> from lrcore.catalog import mmengine as M
>>> s = M.param_scheduler([dict(type="LinearLR", start_factor=0.1, by_epoch=False, begin=0, end=4),
...                        dict(type="CosineAnnealingLR", T_max=6, by_epoch=False, begin=4, end=10)], lr=1.0)
>>> [f"{s(t):.4f}" for t in range(11)]
['0.1000', '0.4000', '0.7000', '1.0000', '1.0000', '0.9330', '0.7500', '0.5000', '0.2500', '0.0670', '0.0670']
"""

from __future__ import annotations

import math

from .._base import Schedule
from .._combinators import Product, Quantize, Sequential, Shift, Stretch
from .._errors import ScheduleError, ScheduleTypeError, check_bool, check_choice, check_int, check_list, check_real, check_steps
from .._plateau import PlateauSchedule
from .._primitives import Constant, Cosine, Exponential, Linear, Piecewise, Polynomial
from . import torch as _torch

TYPE_CHECKING = False  # typing is not imported at run time
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

__all__ = [
    "ConstantLR", "CosineAnnealingLR", "ExponentialLR", "LinearLR", "MultiStepLR", "OneCycleLR", "PolyLR",
    "StepLR", "CosineRestartLR", "ReduceOnPlateauLR",
    "ConstantMomentum", "CosineAnnealingMomentum", "ExponentialMomentum", "LinearMomentum", "MultiStepMomentum",
    "PolyMomentum", "StepMomentum", "CosineRestartMomentum", "ReduceOnPlateauMomentum",
    "param_scheduler", "INF",
]

INF = 10**9  # mmengine's INF = int(1e9), the default end


class _Spec:
    """One scheduler: its window in iterations (or epochs), and how it changes the value.

    ``factor``: the factor tree of a multiplicative scheduler in its own steps; else
    ``make(v_in, base)``: its values in its own steps from the incoming value."""

    def __init__(self, name: str, begin: int, end: int, by_epoch: bool, factor: Schedule | None = None,
                 make: Callable[[float, float], Schedule] | None = None, alone: bool = False) -> None:
        self.name, self.begin, self.end, self.by_epoch = name, begin, end, by_epoch
        self.factor, self.make, self.alone = factor, make, alone


def _hold(local: Schedule, n: int) -> Schedule:
    """``local`` on its steps 0 .. n-1, then its value at n - 1."""
    if n >= INF:
        return local
    return Sequential(parts=[local, Constant(value=local(n - 1))], boundaries=[n])


def _window(name: str, begin: Any, end: Any) -> tuple[int, int]:
    b = check_steps(name, "begin", begin, low=0)
    e = check_steps(name, "end", end, low=1)
    if e <= b:
        raise ScheduleError(name, "end", f"an int > begin = {b} (mmengine: end should be larger than begin)", e)
    return b, e


def _convert(name: str, kw: dict[str, Any], by_epoch: bool, convert: bool, epoch_length: int | None,
             periods: tuple[str, ...]) -> tuple[int, int, bool]:
    """mmengine's ``build_iter_from_epoch``: begin, end and the named periods times epoch_length."""
    b, e = _window(name, kw.get("begin", 0), kw.get("end", INF))
    if not convert:
        return b, e, by_epoch
    if not by_epoch:
        raise ScheduleError(name, "convert_to_iter_based", "False for by_epoch=False (mmengine converts only "
                            "epoch-based configs)", convert)
    if epoch_length is None:
        raise ScheduleError(name, "epoch_length", "an int >= 1 with convert_to_iter_based=True", None)
    for p in periods:
        v = kw.get(p)
        if v is not None:
            kw[p] = [x * epoch_length for x in v] if isinstance(v, (list, tuple)) else v * epoch_length
    return int(b * epoch_length), (e if e == INF else int(e * epoch_length)), False


def _eta(name: str, eta_min: Any, eta_min_ratio: Any, base: float, default_zero: bool) -> float:
    if eta_min is not None and eta_min_ratio is not None or (eta_min is None and eta_min_ratio is None
                                                           and not default_zero):
        raise ScheduleError(name, "eta_min", "a number, or None with eta_min_ratio a number (mmengine: exactly one "
                            "of them)", eta_min)
    if eta_min_ratio is not None:
        return base * check_real(name, "eta_min_ratio", eta_min_ratio)
    return 0.0 if eta_min is None else check_real(name, "eta_min", eta_min)


# --------------------------------------------------------------------- each scheduler's spec

def _spec(kind: str, name: str, base: float, kw: dict[str, Any], epoch_length: int | None) -> _Spec:
    kw = dict(kw)
    by_epoch = check_bool(name, "by_epoch", kw.pop("by_epoch", True))
    convert = check_bool(name, "convert_to_iter_based", kw.pop("convert_to_iter_based", False))
    check_int(name, "last_step", kw.pop("last_step", -1), low=-1)
    kw.pop("verbose", None)
    periods = {"StepLR": ("step_size",), "MultiStepLR": ("milestones",), "CosineAnnealingLR": ("T_max",),
               "CosineRestartLR": ("periods",), "OneCycleLR": ("total_steps",)}.get(kind, ())
    b, e, by_epoch = _convert(name, kw, by_epoch, convert, epoch_length, periods)
    kw.pop("begin", None)
    kw.pop("end", None)
    n = e - b  # steps in the window
    T = n - 1  # mmengine's total_iters = end - begin - 1

    def take(*names: str) -> None:
        extra = set(kw) - set(names)
        if extra:
            bad = sorted(extra)[0]
            raise ScheduleTypeError(name, bad, f"one of mmengine's arguments ({', '.join(names)})", kw[bad])

    if kind == "ConstantLR":
        take("factor")
        f = check_real(name, "factor", kw.get("factor", 1.0 / 3), low=0.0, high=1.0, low_open=True)
        return _Spec(name, b, e, by_epoch, factor=Piecewise(values=[f, 1.0], boundaries=[T]) if T >= 1
                     else Constant(value=f))
    if kind == "LinearLR":
        take("start_factor", "end_factor")
        sf = check_real(name, "start_factor", kw.get("start_factor", 1.0 / 3), low=0.0, high=1.0, low_open=True)
        ef = check_real(name, "end_factor", kw.get("end_factor", 1.0), low=0.0, high=1.0)
        return _Spec(name, b, e, by_epoch, factor=Linear(start_value=sf, end_value=ef, steps=T) if T >= 1
                     else Constant(value=sf))
    if kind == "ExponentialLR":
        take("gamma")
        if "gamma" not in kw:
            raise ScheduleError(name, "gamma", "a number in (0, 1] (required)", None)
        g = check_real(name, "gamma", kw["gamma"], low=0.0, high=1.0, low_open=True)
        return _Spec(name, b, e, by_epoch, factor=Exponential(start_value=1.0, factor=g))
    if kind == "StepLR":
        take("step_size", "gamma")
        k = check_steps(name, "step_size", kw.get("step_size"), low=1)
        g = check_real(name, "gamma", kw.get("gamma", 0.1), low=0.0, high=1.0, low_open=True)
        return _Spec(name, b, e, by_epoch, factor=Exponential(start_value=1.0, factor=g, every=k, staircase=k > 1))
    if kind == "MultiStepLR":
        take("milestones", "gamma")
        ms = kw.get("milestones")
        if isinstance(ms, (str, bytes)) or not hasattr(ms, "__iter__"):
            raise ScheduleTypeError(name, "milestones", "a list of ints >= 0", ms)
        ms = sorted(check_steps(name, f"milestones[{i}]", m, low=0) for i, m in enumerate(check_list(name, "milestones", ms)))
        g = check_real(name, "gamma", kw.get("gamma", 0.1), low=0.0, low_open=True)
        vals, v = [1.0], 1.0
        bounds: list[int] = []
        for m in ms:  # mmengine multiplies by gamma ** count at each milestone
            if m == 0 or (bounds and bounds[-1] == m):
                v = v * g
                vals[-1] = v
                continue
            v = v * g
            bounds.append(m)
            vals.append(v)
        return _Spec(name, b, e, by_epoch, factor=Piecewise(values=vals, boundaries=bounds) if bounds
                     else Constant(value=vals[0]))
    if kind == "PolyLR":
        take("eta_min", "power")
        eta = check_real(name, "eta_min", kw.get("eta_min", 0.0))
        p = check_real(name, "power", kw.get("power", 1.0), low=0.0, low_open=True)
        if eta == 0.0:
            return _Spec(name, b, e, by_epoch, factor=Polynomial(start_value=1.0, end_value=0.0, steps=T, power=p)
                         if T >= 1 else Constant(value=1.0))
        return _Spec(name, b, e, by_epoch, make=lambda v, base: (Polynomial(start_value=v, end_value=eta, steps=T,
                                                                              power=p) if T >= 1 else Constant(value=v)))
    if kind == "CosineAnnealingLR":
        take("T_max", "eta_min", "eta_min_ratio")
        t_max = kw.get("T_max")
        Tm = n if t_max is None or t_max == 0 else check_steps(name, "T_max", t_max, low=1)
        eta = _eta(name, kw.get("eta_min"), kw.get("eta_min_ratio"), base, True)
        if eta == 0.0 and n <= Tm + 1:
            return _Spec(name, b, e, by_epoch, factor=Cosine(start_value=1.0, steps=Tm, end_value=0.0))

        def cos(v: float, base: float) -> Schedule:
            first = Cosine(start_value=v, steps=Tm, end_value=eta)
            if n <= Tm + 1:
                return first
            # past the minimum mmengine restarts the wave from the group's initial value (base)
            wave = _torch.CosineAnnealingLR(lr=base, T_max=Tm, eta_min=eta)
            return Sequential(parts=[first, Shift(wave, steps=-(Tm + 1))], boundaries=[Tm + 1])

        return _Spec(name, b, e, by_epoch, make=cos)
    if kind == "CosineRestartLR":
        take("periods", "restart_weights", "eta_min", "eta_min_ratio")
        ps = kw.get("periods")
        if isinstance(ps, (str, bytes)) or not hasattr(ps, "__iter__"):
            raise ScheduleTypeError(name, "periods", "a non-empty list of ints >= 1", ps)
        ps = [check_steps(name, f"periods[{i}]", p, low=1) for i, p in enumerate(check_list(name, "periods", ps))]
        ws = [check_real(name, f"restart_weights[{i}]", w) for i, w in
              enumerate(check_list(name, "restart_weights", kw.get("restart_weights", (1,))))]
        if not ps or len(ws) != len(ps):
            raise ScheduleError(name, "restart_weights", f"a list of len(periods) = {len(ps)} numbers", ws)
        eta = _eta(name, kw.get("eta_min"), kw.get("eta_min_ratio"), base, False)

        def restarts(v: float, base: float) -> Schedule:
            parts: list[Schedule] = [Cosine(start_value=base * w, steps=p, end_value=eta) for p, w in zip(ps, ws)]
            bounds = [sum(ps[:i + 1]) for i in range(len(ps))]
            parts.append(Constant(value=parts[-1](ps[-1] - 1)))  # after the periods: the last value holds
            return Sequential(parts=parts, boundaries=bounds)

        return _Spec(name, b, e, by_epoch, make=restarts)
    if kind == "OneCycleLR":
        take("eta_max", "total_steps", "pct_start", "anneal_strategy", "div_factor", "final_div_factor", "three_phase")
        total = kw.get("total_steps")
        total = n if total is None else check_steps(name, "total_steps", total, low=1)
        pct = kw.get("pct_start", 0.3)
        if not isinstance(pct, float):
            raise ScheduleTypeError(name, "pct_start", "a float in [0, 1] (mmengine checks the type)", pct)
        kws = dict(max_lr=kw.get("eta_max", 0.0), total_steps=total, pct_start=pct,
                   anneal_strategy=kw.get("anneal_strategy", "cos"), div_factor=kw.get("div_factor", 25.0),
                   final_div_factor=kw.get("final_div_factor", 1e4), three_phase=kw.get("three_phase", False))
        from .._errors import renamed

        with renamed(name, max_lr="eta_max"):
            one = _torch.OneCycleLR(**kws)
        return _Spec(name, b, e, by_epoch, make=lambda v, base: one, alone=True)
    raise AssertionError(kind)


# ------------------------------------------------------------------------ composition

def _in_iters(s: Schedule, spec: _Spec, epoch_length: int | None) -> Schedule:
    if spec.by_epoch and epoch_length is not None and epoch_length > 1:
        return Quantize(Stretch(s, factor=epoch_length), every=epoch_length)
    return s


def _global_factor(spec: _Spec, factor: Schedule) -> Schedule:
    """`factor` (the factor of the multiplicative `spec`) on the global steps: 1 before its window, held after it."""
    f = _hold(factor, spec.end - spec.begin)
    return f if spec.begin == 0 else Sequential(parts=[Constant(value=1.0), f], boundaries=[spec.begin])


def _compose(name: str, specs: list[_Spec], base: float, epoch_length: int | None) -> Schedule:
    units = {s.by_epoch for s in specs}
    if len(units) > 1 and epoch_length is None:
        raise ScheduleError(name, "epoch_length", "an int >= 1 when epoch- and iteration-based schedulers are "
                            "mixed", None)
    L = epoch_length if (epoch_length is not None and True in units) else 1

    def span(s: _Spec) -> tuple[int, int]:
        k = L if s.by_epoch else 1
        return s.begin * k, (INF * k if s.end >= INF else s.end * k)

    # every spec has either a factor (multiplicative) or a make (it sets the value)
    setters = [(s, s.make) for s in specs if s.make is not None]
    if any(s.alone for s, _ in setters) and len(specs) > 1:
        raise ScheduleError(name, "schedulers", "OneCycleLR alone (it rewrites the group's initial lr that the "
                            "other schedulers read)", [s.name for s in specs])
    for a, _ in setters:
        for o in specs:
            if o is not a and max(span(a)[0], span(o)[0]) < min(span(a)[1], span(o)[1]):
                raise ScheduleError(name, "schedulers", f"windows [begin, end) where {a.name} (which sets the value, "
                                    f"not a factor) overlaps no other scheduler; {o.name} overlaps it",
                                    [s.name for s in specs])

    mult = [(s, s.factor) for s in specs if s.factor is not None]

    def region(scale: float, start: int, stop: float) -> Schedule:
        """``scale`` times the factors of the multiplicative schedulers beginning in [start, stop), from start on."""
        fs = [_in_iters(_global_factor(m, f), m, epoch_length) for m, f in mult if start <= span(m)[0] < stop]
        fs = [f if start == 0 else Shift(f, steps=-start) for f in fs]
        return Constant(value=scale) if not fs else Product(factors=(Constant(value=scale), *fs))

    parts: list[Schedule] = []
    starts: list[int] = []
    scale = base
    start = 0
    open_ended = False  # a setter runs to INF: nothing after it
    for s, make in sorted(setters, key=lambda sm: span(sm[0])[0]):
        b, e = span(s)
        v_in = scale
        if b > start:
            r = region(scale, start, b)
            parts.append(r)
            starts.append(start)
            v_in = r(b - 1 - start)
        held = _in_iters(_hold(make(v_in, base), s.end - s.begin), s, epoch_length)
        parts.append(held)
        starts.append(b)
        if s.end >= INF:
            open_ended = True
            break
        scale, start = held(e - 1 - b), e
    if not open_ended:
        parts.append(region(scale, start, math.inf))
        starts.append(start)
    if len(parts) == 1:
        return parts[0]
    return Sequential(parts=parts, boundaries=starts[1:])


def _base(name: str, x: Any, field: str) -> float:
    if isinstance(x, (list, tuple)):
        raise ScheduleTypeError(name, field, "a number (mmengine's base values are per param group: call once "
                                "per group)", x)
    return check_real(name, field, x, low=0.0)


def _one(kind: str, name: str, base: float, kw: dict[str, Any], epoch_length: Any) -> Schedule:
    el = None if epoch_length is None else check_steps(name, "epoch_length", epoch_length, low=1)
    spec = _spec(kind, name, base, kw, el)
    return _compose(name, [spec], base, el)


_LR = ("ConstantLR", "CosineAnnealingLR", "ExponentialLR", "LinearLR", "MultiStepLR", "OneCycleLR", "PolyLR", "StepLR",
       "CosineRestartLR")


def param_scheduler(schedulers: Sequence[dict[str, Any]], *, lr: float | None = None, momentum: float | None = None,
                    epoch_length: int | None = None) -> Schedule:
    """An mmengine config's ``param_scheduler`` list, as one schedule: ``[dict(type="LinearLR", ...), ...]``.

    The dicts are those of the config (``type`` a class name of this module, its arguments,
    ``begin``/``end``/``by_epoch``/``convert_to_iter_based``), all for the lr (give ``lr=``) or
    all for the momentum (``momentum=``); ``epoch_length`` as in the module docstring (needed when
    epoch- and iteration-based schedulers are mixed: the value is then per iteration).
    Multiplicative schedulers multiply; the others run in their windows from the value the
    schedulers before them left (module docstring). ReduceOnPlateau needs the metric: use its
    own constructor.

    >>> s = param_scheduler([dict(type="LinearLR", start_factor=0.001, by_epoch=False, begin=0, end=4),
    ...                      dict(type="MultiStepLR", milestones=[2, 3], gamma=0.1, by_epoch=True, end=4)],
    ...                     lr=0.02, epoch_length=2)
    >>> [f"{s(t):.5f}" for t in range(8)]
    ['0.00002', '0.00668', '0.01334', '0.02000', '0.00200', '0.00200', '0.00020', '0.00020']
    """
    n = "param_scheduler"
    if (lr is None) == (momentum is None):
        raise ScheduleError(n, "lr", "a number, or None with momentum= a number (exactly one)", lr)
    field = "lr" if lr is not None else "momentum"
    base = _base(n, lr if lr is not None else momentum, field)
    if isinstance(schedulers, (str, bytes, dict)) or not hasattr(schedulers, "__iter__"):
        raise ScheduleTypeError(n, "schedulers", "a non-empty list of dicts with a 'type'", schedulers)
    items = check_list(n, "schedulers", schedulers)
    if not items:
        raise ScheduleError(n, "schedulers", "a non-empty list of dicts with a 'type'", [])
    el = None if epoch_length is None else check_steps(n, "epoch_length", epoch_length, low=1)
    specs: list[_Spec] = []
    for i, d in enumerate(items):
        if not isinstance(d, dict) or "type" not in d:
            raise ScheduleTypeError(n, f"schedulers[{i}]", "a dict with a 'type'", d)
        t = d["type"]
        kind = t.replace("Momentum", "LR") if isinstance(t, str) else t
        if kind not in _LR or (field == "lr") != t.endswith("LR"):
            raise ScheduleError(n, f"schedulers[{i}].type", f"one of mmengine's {'LR' if field == 'lr' else 'Momentum'} "
                                "schedulers of this module (ReduceOnPlateau* needs the metric: use its constructor)", t)
        kw = {k: v for k, v in d.items() if k != "type"}
        specs.append(_spec(kind, f"{n}.schedulers[{i}] ({t})", base, kw, el))
    return _compose(n, specs, base, el)


def _plateau(name: str, base: float, monitor: Any, rule: Any, factor: Any, patience: Any, threshold: Any,
             threshold_rule: Any, cooldown: Any, min_value: Any, eps: Any, begin: Any, end: Any, by_epoch: Any) -> PlateauSchedule:
    b, e = _window(name, begin, end)
    if b != 0 or e != INF:
        raise ScheduleError(name, "begin", "0 with end=INF (lrcore's Plateau reacts to every metric)", b)
    if not check_bool(name, "by_epoch", by_epoch):
        raise ScheduleError(name, "by_epoch", "True (mmengine: ReduceOnPlateau only supports by_epoch=True)", by_epoch)
    if not isinstance(monitor, str):
        raise ScheduleTypeError(name, "monitor", "a metric name", monitor)
    rule = check_choice(name, "rule", rule, ("less", "greater"))
    threshold_rule = check_choice(name, "threshold_rule", threshold_rule, ("rel", "abs"))
    from .._errors import renamed

    with renamed(name, lr="lr", mode="rule", threshold_mode="threshold_rule", min_lr="min_value"):
        return _torch.ReduceLROnPlateau(lr=base, mode="min" if rule == "less" else "max", factor=factor,
                                        patience=patience, threshold=threshold, threshold_mode=threshold_rule,
                                        cooldown=cooldown, min_lr=min_value, eps=eps)


def _doc(kind: str, formula: str, example: str) -> str:
    return f"""mmengine ``{kind}``: {formula}

    Arguments as mmengine's (``begin``, ``end``, ``by_epoch``, ``last_step``, ``verbose``),
    plus ``convert_to_iter_based`` and ``epoch_length`` (module docstring).

    {example}
    """


_REQUIRED = object()
# mmengine 0.10.7's parameters of each scheduler (after the optimizer and param_name), with its
# defaults: what `inspect.signature` shows for the constructors below (jsonargparse, IDEs, docs)
_WINDOW = (("begin", 0), ("end", INF), ("last_step", -1), ("by_epoch", True), ("verbose", False))
_SIGNATURES: dict[str, tuple[tuple[str, Any], ...]] = {
    "ConstantLR": (("factor", 1.0 / 3),),
    "CosineAnnealingLR": (("T_max", None), ("eta_min", None), ("eta_min_ratio", None)),
    "ExponentialLR": (("gamma", _REQUIRED),),
    "LinearLR": (("start_factor", 1.0 / 3), ("end_factor", 1.0)),
    "MultiStepLR": (("milestones", _REQUIRED), ("gamma", 0.1)),
    "OneCycleLR": (("eta_max", 0), ("total_steps", None), ("pct_start", 0.3), ("anneal_strategy", "cos"),
                   ("div_factor", 25.0), ("final_div_factor", 1e4), ("three_phase", False)),
    "PolyLR": (("eta_min", 0), ("power", 1.0)),
    "StepLR": (("step_size", _REQUIRED), ("gamma", 0.1)),
    "CosineRestartLR": (("periods", _REQUIRED), ("restart_weights", (1,)), ("eta_min", None),
                        ("eta_min_ratio", None)),
}


class _Scheduler:
    """One of mmengine's schedulers as a catalog constructor: ``Name(lr=..., <mmengine's arguments>)``
    (``momentum=`` for the Momentum versions), keyword arguments only; `inspect.signature` gives
    them with mmengine's defaults."""

    def __init__(self, kind: str, param: str, formula: str, example: str) -> None:
        self.kind, self.param = kind, param
        self.__name__ = self.__qualname__ = kind if param == "lr" else kind.replace("LR", "Momentum")
        self.__doc__ = _doc(self.__name__, formula, example.replace("KIND", self.__name__).replace("BASE", param))
        self.__module__ = __name__

    def __call__(self, *, epoch_length: int | None = None, **kwargs: Any) -> Schedule:
        name, param = self.__name__, self.param
        if param not in kwargs:
            raise ScheduleError(name, param, f"a number (the param group's initial {param}; required)", None)
        base = _base(name, kwargs.pop(param), param)
        return _one(self.kind, name, base, kwargs, epoch_length)

    @property
    def __signature__(self) -> Any:
        import inspect  # on use: only a tool reading the signature needs it

        P = inspect.Parameter
        params = [P(self.param, P.KEYWORD_ONLY, annotation=float)]
        for n, d in _SIGNATURES[self.kind] + _WINDOW + (("convert_to_iter_based", False), ("epoch_length", None)):
            params.append(P(n, P.KEYWORD_ONLY, default=P.empty if d is _REQUIRED else d))
        return inspect.Signature(params, return_annotation=Schedule)

    def __repr__(self) -> str:
        return f"<lrcore.catalog.mmengine.{self.__name__}>"


def _make(kind: str, param: str, formula: str, example: str) -> Callable[..., Schedule]:
    return _Scheduler(kind, param, formula, example)


_F = {
    "ConstantLR": ("``base * factor`` until the last step of the window, then ``base``.",
                   ">>> s = KIND(BASE=0.9, factor=0.5, end=3, by_epoch=False)\n    >>> [s(t) for t in range(4)]\n"
                   "    [0.45, 0.45, 0.9, 0.9]"),
    "LinearLR": ("``base * (start_factor + (end_factor - start_factor) * s / (end - begin - 1))``.",
                 ">>> s = KIND(BASE=0.9, start_factor=0.5, end=3, by_epoch=False)\n"
                 "    >>> [f'{s(t):.3f}' for t in range(4)]\n    ['0.450', '0.675', '0.900', '0.900']"),
    "ExponentialLR": ("``base * gamma ** s``.", ">>> s = KIND(BASE=0.9, gamma=0.5, by_epoch=False)\n"
                      "    >>> [s(t) for t in range(3)]\n    [0.9, 0.45, 0.225]"),
    "StepLR": ("``base * gamma ** floor(s / step_size)``.", ">>> s = KIND(BASE=0.9, step_size=2, gamma=0.5)\n"
               "    >>> [s(t) for t in range(4)]\n    [0.9, 0.9, 0.45, 0.45]"),
    "MultiStepLR": ("``base * gamma ** (number of milestones <= s)``.",
                    ">>> s = KIND(BASE=0.9, milestones=[1, 3], gamma=0.5)\n    >>> [s(t) for t in range(4)]\n"
                    "    [0.9, 0.45, 0.45, 0.225]"),
    "PolyLR": ("``eta_min + (base - eta_min) * (1 - s / (end - begin - 1)) ** power``.",
               ">>> s = KIND(BASE=0.9, eta_min=0.1, end=3, by_epoch=False)\n"
               "    >>> [f'{s(t):.2f}' for t in range(4)]\n    ['0.90', '0.50', '0.10', '0.10']"),
    "CosineAnnealingLR": ("``eta_min + (v - eta_min) * (1 + cos(pi * s / T_max)) / 2`` from the incoming value v "
                          "(past the minimum the wave restarts from ``base``, as mmengine's recursion does).",
                          ">>> s = KIND(BASE=0.9, T_max=2, eta_min=0.1, end=3)\n"
                          "    >>> [f'{s(t):.2f}' for t in range(4)]\n    ['0.90', '0.50', '0.10', '0.10']"),
    "CosineRestartLR": ("period i of ``periods``: ``eta_min + (base * restart_weights[i] - eta_min) * (1 + cos(pi "
                        "u / periods[i])) / 2``, u its steps; after the periods the last value holds.",
                        ">>> s = KIND(BASE=1.0, periods=[2, 2], restart_weights=[1, 0.5], eta_min=0.0)\n"
                        "    >>> [s(t) for t in range(5)]\n    [1.0, 0.5, 0.5, 0.25, 0.25]"),
}


ConstantLR = _make("ConstantLR", "lr", *_F["ConstantLR"])
LinearLR = _make("LinearLR", "lr", *_F["LinearLR"])
ExponentialLR = _make("ExponentialLR", "lr", *_F["ExponentialLR"])
StepLR = _make("StepLR", "lr", *_F["StepLR"])
MultiStepLR = _make("MultiStepLR", "lr", *_F["MultiStepLR"])
PolyLR = _make("PolyLR", "lr", *_F["PolyLR"])
CosineAnnealingLR = _make("CosineAnnealingLR", "lr", *_F["CosineAnnealingLR"])
CosineRestartLR = _make("CosineRestartLR", "lr", *_F["CosineRestartLR"])
OneCycleLR = _make("OneCycleLR", "lr", "torch's OneCycleLR from ``eta_max / div_factor`` (it ignores ``lr``).",
                   ">>> s = KIND(BASE=0.1, eta_max=1.0, total_steps=10, by_epoch=False)\n"
                   "    >>> [f'{s(t):.4f}' for t in (0, 2, 9)]\n    ['0.0400', '1.0000', '0.0000']")
ConstantMomentum = _make("ConstantLR", "momentum", *_F["ConstantLR"])
LinearMomentum = _make("LinearLR", "momentum", *_F["LinearLR"])
ExponentialMomentum = _make("ExponentialLR", "momentum", *_F["ExponentialLR"])
StepMomentum = _make("StepLR", "momentum", *_F["StepLR"])
MultiStepMomentum = _make("MultiStepLR", "momentum", *_F["MultiStepLR"])
PolyMomentum = _make("PolyLR", "momentum", *_F["PolyLR"])
CosineAnnealingMomentum = _make("CosineAnnealingLR", "momentum", *_F["CosineAnnealingLR"])
CosineRestartMomentum = _make("CosineRestartLR", "momentum", *_F["CosineRestartLR"])


def ReduceOnPlateauLR(*, lr: float, monitor: str = "loss", rule: str = "less", factor: float = 0.1,
                      patience: int = 10, threshold: float = 1e-4, threshold_rule: str = "rel", cooldown: int = 0,
                      min_value: float = 0.0, eps: float = 1e-8, begin: int = 0, end: int = INF,
                      last_step: int = -1, by_epoch: bool = True, verbose: bool = False) -> PlateauSchedule:
    """mmengine ``ReduceOnPlateauLR``: torch's ReduceLROnPlateau decisions (``rule`` "less"/"greater" is its mode).

    ``Constant(lr) * Plateau(...)``, a `lrcore.PlateauSchedule` fed the monitored metric after
    each validation. mmengine starts its best at ``INF = 10**9`` (not infinity): a first metric
    at or above about 1e9 does not count as an improvement there.

    >>> s = ReduceOnPlateauLR(lr=0.1, factor=0.5, patience=1)
    >>> st = s.init()
    >>> for m in (1.0, 2.0, 2.0):
    ...     st = s.update(st, m)
    >>> s.value(3, st)
    0.05
    """
    n = "ReduceOnPlateauLR"
    return _plateau(n, _base(n, lr, "lr"), monitor, rule, factor, patience, threshold, threshold_rule, cooldown,
                    min_value, eps, begin, end, by_epoch)


def ReduceOnPlateauMomentum(*, momentum: float, monitor: str = "loss", rule: str = "less", factor: float = 0.1,
                            patience: int = 10, threshold: float = 1e-4, threshold_rule: str = "rel", cooldown: int = 0,
                            min_value: float = 0.0, eps: float = 1e-8, begin: int = 0, end: int = INF,
                            last_step: int = -1, by_epoch: bool = True, verbose: bool = False) -> PlateauSchedule:
    """mmengine ``ReduceOnPlateauMomentum``: `ReduceOnPlateauLR` for the momentum.

    >>> s = ReduceOnPlateauMomentum(momentum=0.9, factor=0.5, patience=0)
    >>> s.value(1, s.update(s.update(s.init(), 1.0), 2.0))
    0.45
    """
    n = "ReduceOnPlateauMomentum"
    return _plateau(n, _base(n, momentum, "momentum"), monitor, rule, factor, patience, threshold, threshold_rule,
                    cooldown, min_value, eps, begin, end, by_epoch)
