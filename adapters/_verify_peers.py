"""``lrcore verify`` for the peers of the catalogs deepspeed, megatron, fvcore, mmengine (and nemo, fairseq, composer).

`lrcore.adapters._verify` merges `PEERS`, `PACKAGES` and `deviations()` into its own tables
when it is imported; everything else about verify (the SPEC, the comparison, the report, the
exit codes) is there. Each runner builds the peer's own scheduler from the catalog call's
keyword arguments and steps it as the peer's training loop does, returning the values of
updates 0..last:

* deepspeed: ``deepspeed.runtime.lr_schedules.<Name>(optimizer, **kwargs)`` on a torch
  optimizer with one parameter (Adam for ``OneCycle``, whose momentum is Adam's ``betas[0]``;
  SGD otherwise) of lr ``lr`` (1.0 where the call has none): the group's lr right after
  construction (update 0), then after each ``optimizer.step(); scheduler.step()``, as
  DeepSpeed's engine steps it. ``OneCycle_momentum`` reads ``betas[0]``.
* megatron: ``megatron.core.optimizer_param_scheduler.OptimizerParamScheduler(optimizer,
  **kwargs)`` on an AdamW (the constructor calls ``step(0)``), then ``step(1)`` after each
  optimizer step: update n runs at ``num_steps = n``, the catalog's step. Arguments the
  call leaves out take the catalog's defaults (no warmup, linear decay, a constant weight
  decay of 0); ``OptimizerParamScheduler_weight_decay`` reads the group's ``weight_decay``
  (with ``max_lr=0.1, lr_decay_steps=10`` where the call has no lr schedule).
* fvcore: ``fvcore.common.param_scheduler.<Name>(**kwargs)`` (nested schedulers built the
  same way, ``max_iter`` left out) evaluated at ``where = t / max_iter``, the quotient
  detectron2's ``LRMultiplier`` forms. fvcore's ``where`` lies in [0, 1): at t = max_iter the
  peer stops (its Constant and Step raise there, its formulas extrapolate), and verify notes
  it. ``WarmupParamScheduler`` and ``LRMultiplier`` are detectron2's, built from
  ``detectron2.solver.lr_scheduler`` where detectron2 is installed (exit 3 otherwise;
  ``LRMultiplier`` on an SGD optimizer, stepped as detectron2's loop steps it).
* mmengine: ``mmengine.optim.scheduler.<Name>(optimizer, **kwargs)`` (``build_iter_from_epoch``
  with ``convert_to_iter_based=True``) on an SGD optimizer whose ``lr`` (or ``momentum``, for
  the Momentum classes) is the call's ``lr`` (``momentum``). Stepped as mmengine's
  ParamSchedulerHook steps it: read the group, ``optimizer.step()``, then ``step()`` of the
  iteration-based schedulers, and of the epoch-based ones after every ``epoch_length``
  iterations (1 where the call has none: the catalog then counts epochs).
  ``param_scheduler(schedulers=[...])`` builds every dict of the list on the same optimizer.
  ``ReduceOnPlateauLR`` / ``Momentum`` get ``step({monitor: plateau_metric(t)})`` after update t.
* nemo, fairseq, composer: these peers cannot be installed next to lrcore's dependencies
  (their catalogs are checked against transcriptions of their code in the catalog tests);
  verify exits 3 naming the package; where one is installed, verify has no runner for it and
  says so (the peer gives no values: "different"), rather than comparing against anything else.

The documented deviations (`deviations`) are the peers' own rounding, measured by running
verify over hypothesis-drawn calls of every entry (``tests/test_verify_peers.py``).
"""

from __future__ import annotations

import importlib.util
import logging
import math
import warnings
from typing import Any, Callable

__all__ = ["PEERS", "PACKAGES", "deviations"]

EPS = 2.0**-52

# catalog -> (the modules that must import, the pip package to install); merged into _verify.PACKAGES
PACKAGES: dict[str, tuple[tuple[str, ...], str]] = {
    "deepspeed": (("torch", "deepspeed"), "deepspeed"),
    "megatron": (("torch", "megatron.core"), "megatron-core"),
    "fvcore": (("fvcore",), "fvcore"),
    "mmengine": (("torch", "mmengine"), "mmengine"),
    "nemo": (("torch", "nemo"), "nemo_toolkit"),
    "fairseq": (("torch", "fairseq"), "fairseq"),
    "composer": (("torch", "composer"), "mosaicml"),
}

_D2 = ("WarmupParamScheduler", "LRMultiplier")  # detectron2's, in the fvcore catalog
_D2_PACKAGE = "'git+https://github.com/facebookresearch/detectron2.git' (detectron2 is not on PyPI)"


class _Names(str):
    """A peer-name template (``str.format`` with the catalog name) that names some entries another way."""

    others: dict[str, str]

    def __new__(cls, template: str, others: dict[str, str]) -> "_Names":
        self = super().__new__(cls, template)
        self.others = others
        return self

    def format(self, *args: Any, **kwargs: Any) -> str:
        if len(args) == 1 and not kwargs and args[0] in self.others:
            return self.others[args[0]]
        return str(self).format(*args, **kwargs)


def _v() -> Any:
    from . import _verify  # loaded by then: it imports this module at its end

    return _verify


def _stopped(values: list[float], e: BaseException) -> Exception:
    stopped: Exception = _v()._PeerStopped(values, f"{type(e).__name__}: {e}")
    return stopped


# ------------------------------------------------------------------------------ deepspeed

def _import_deepspeed_schedules() -> Any:
    """``deepspeed.runtime.lr_schedules``, imported without DeepSpeed's accelerator detection printing to stdout
    (``DS_ACCELERATOR=cpu`` during the import where it is unset: the schedules are plain Python)."""
    import os

    unset = "DS_ACCELERATOR" not in os.environ
    if unset:
        os.environ["DS_ACCELERATOR"] = "cpu"
    try:
        from deepspeed.runtime import lr_schedules
    finally:
        if unset:
            del os.environ["DS_ACCELERATOR"]
    return lr_schedules


def _deepspeed_values(call: Any, last: int, mode: str) -> list[float]:
    import torch

    L = _import_deepspeed_schedules()

    log = logging.getLogger("DeepSpeed")
    level = log.level
    log.setLevel(logging.ERROR)  # "Attempting to get learning rate from scheduler before it has started", per step
    try:
        name = call.name.removesuffix("_momentum")
        kw = {k: v for k, v in call.kwargs.items() if k != "lr"}
        lr = call.kwargs.get("lr")
        p = torch.nn.Parameter(torch.zeros(1))
        lr = 1.0 if lr is None else float(lr)
        o = torch.optim.Adam([p], lr=lr) if name == "OneCycle" else torch.optim.SGD([p], lr=lr)
        sched = getattr(L, name)(o, **kw)
        g = o.param_groups[0]
        read = (lambda: float(g["betas"][0])) if call.name.endswith("_momentum") else (lambda: float(g["lr"]))
        values: list[float] = _v()._step_group(sched, o, last, read, None)
        return values
    finally:
        log.setLevel(level)


# ------------------------------------------------------------------------------ megatron

_MEGATRON_DEFAULTS = dict(init_lr=0.0, min_lr=0.0, lr_warmup_steps=0, lr_decay_style="linear", start_wd=0.0,
                          end_wd=0.0, wd_incr_steps=1, wd_incr_style="constant")


def _megatron_values(call: Any, last: int, mode: str) -> list[float]:
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # megatron.core's import warns about optional kernels
        from megatron.core.optimizer_param_scheduler import OptimizerParamScheduler

    wd = call.name.endswith("_weight_decay")
    kw = dict(_MEGATRON_DEFAULTS, **(dict(max_lr=0.1, lr_decay_steps=10) if wd else {}))
    kw.update({k: v for k, v in call.kwargs.items() if v is not None})
    o = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    sched = OptimizerParamScheduler(o, **kw)
    g = o.param_groups[0]
    key = "weight_decay" if wd else "lr"
    out = [float(g[key])]
    for _ in range(last):
        o.step()
        try:
            sched.step(1)
        except _v()._STOPS as e:
            raise _stopped(out, e) from None
        out.append(float(g[key]))
    return out


# ------------------------------------------------------------------------------ fvcore (and detectron2)

def _fvcore_build(call: Any) -> Any:
    """The fvcore (or detectron2) object of a catalog call, its nested calls built the same way."""
    Call = _v().Call

    def arg(v: Any) -> Any:
        if isinstance(v, Call):
            return _fvcore_build(v)
        return [arg(x) for x in v] if isinstance(v, (list, tuple)) else v

    kw = {k: arg(v) for k, v in call.kwargs.items() if k != "max_iter"}
    if call.name == "WarmupParamScheduler":
        from detectron2.solver.lr_scheduler import WarmupParamScheduler  # type: ignore[import-not-found]  # not installable here

        return WarmupParamScheduler(**kw)
    import fvcore.common.param_scheduler as fv

    return getattr(fv, call.name)(**kw)


def _needs_detectron2(call: Any) -> bool:
    Call = _v().Call
    if call.name in _D2:
        return True
    kids = [v for v in call.kwargs.values() if isinstance(v, Call)]
    kids += [x for v in call.kwargs.values() if isinstance(v, list) for x in v if isinstance(x, Call)]
    return any(_needs_detectron2(c) for c in kids)


def _fvcore_values(call: Any, last: int, mode: str) -> list[float]:
    V = _v()
    if _needs_detectron2(call) and importlib.util.find_spec("detectron2") is None:
        raise V.PeerMissing(f"the peer of fvcore.{call.name} is detectron2's, and 'detectron2' is not installed: "
                            f"pip install {_D2_PACKAGE}")
    M = int(call.kwargs["max_iter"])
    end = f"fvcore's where = t / max_iter lies in [0, 1): t = max_iter = {M} is where = 1"
    if call.name == "LRMultiplier":
        from detectron2.solver.lr_scheduler import LRMultiplier

        o = V._torch_optimizer(float(call.kwargs["lr"]))
        kw = {k: v for k, v in call.kwargs.items() if k not in ("lr", "multiplier")}
        sched = LRMultiplier(o, multiplier=_fvcore_build(call.kwargs["multiplier"]), **kw)
        out: list[float] = V._step_group(sched, o, min(last, M - 1), lambda: float(o.param_groups[0]["lr"]), None)
    else:
        f = _fvcore_build(call)
        out = [float(f(t / M)) for t in range(min(last, M - 1) + 1)]
    if last >= M:
        raise V._PeerStopped(out, end)
    return out


# ------------------------------------------------------------------------------ mmengine

def _mmengine_values(call: Any, last: int, mode: str) -> list[float]:
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from mmengine.optim import scheduler as S

    kw = dict(call.kwargs)
    param = "momentum" if ("Momentum" in call.name or kw.get("momentum") is not None) else "lr"
    base = float(kw.pop(param))
    kw.pop("lr" if param == "momentum" else "momentum", None)
    L = int(kw.pop("epoch_length", None) or 1)
    p = torch.nn.Parameter(torch.zeros(1))
    o = (torch.optim.SGD([p], lr=base, momentum=0.9) if param == "lr" else
         torch.optim.SGD([p], lr=0.1, momentum=base))
    g = o.param_groups[0]
    if call.name.startswith("ReduceOnPlateau"):
        monitor = kw.get("monitor", "loss")
        sched = getattr(S, call.name)(o, **kw)
        out = [float(g[param])]
        for t in range(1, last + 1):
            o.step()
            sched.step({monitor: _v().plateau_metric(t, mode)})
            out.append(float(g[param]))
        return out
    configs = kw["schedulers"] if call.name == "param_scheduler" else [dict(kw, type=call.name)]
    scheds = []
    for c in configs:
        c = dict(c)
        cls = getattr(S, c.pop("type"))
        scheds.append(cls.build_iter_from_epoch(o, epoch_length=L, **c) if c.pop("convert_to_iter_based", False)
                      else cls(o, **c))
    out = [float(g[param])]  # the constructors have written update 0's value
    for t in range(1, last + 1):
        o.step()
        try:
            for s in scheds:
                if not s.by_epoch:
                    s.step()
            if t % L == 0:
                for s in scheds:
                    if s.by_epoch:
                        s.step()
        except _v()._STOPS as e:  # OneCycleLR past total_steps, as torch's
            raise _stopped(out, e) from None
        out.append(float(g[param]))
    return out


# ------------------------------------------------------------------------------ not installable here

def _no_runner(call: Any, last: int, mode: str) -> list[float]:
    raise _v()._PeerStopped([], f"{call.catalog} is installed, but verify has no runner for it (its catalog is "
                            f"checked against a transcription of {call.catalog}'s code in the catalog tests)")


PEERS: dict[str, tuple[str, Callable[..., list[float]]]] = {
    "deepspeed": (_Names("deepspeed.runtime.lr_schedules.{}",
                         {"OneCycle_momentum": "deepspeed.runtime.lr_schedules.OneCycle"}), _deepspeed_values),
    "megatron": (_Names("megatron.core.optimizer_param_scheduler.{}", {
        "OptimizerParamScheduler_weight_decay": "megatron.core.optimizer_param_scheduler.OptimizerParamScheduler"}),
        _megatron_values),
    "fvcore": (_Names("fvcore.common.param_scheduler.{}", {n: f"detectron2.solver.lr_scheduler.{n}" for n in _D2}),
               _fvcore_values),
    "mmengine": (_Names("mmengine.optim.scheduler.{}",
                        {"param_scheduler": "mmengine.optim.scheduler (a param_scheduler list)"}), _mmengine_values),
    "nemo": ("nemo.core.optim.lr_scheduler.{}", _no_runner),
    "fairseq": ("fairseq.optim.lr_scheduler.{}", _no_runner),
    "composer": ("composer.optim.scheduler.{}", _no_runner),
}


# ------------------------------------------------------------------------------ deviations

def _amp(kw: dict[str, Any], hi: str, lo: str, lo_default: float = 0.0) -> float:
    low = kw.get(lo)
    return abs(float(kw.get(hi) or 0.0) - float(low if low is not None else lo_default))


def _ds_cycle(kw: dict[str, Any], lo: str, hi: str, lo_default: float, hi_default: float) -> float:
    """DeepSpeed OneCycle's position rounding carried into the value: |hi - lo| * S / min(F, S2) * 2**-51."""
    f = int(kw.get("cycle_first_step_size", 2000))
    s2 = kw.get("cycle_second_step_size")
    s2 = f if s2 is None else int(s2)
    amp = abs(float(kw.get(hi, hi_default)) - float(kw.get(lo, lo_default)))
    return amp * (f + s2) / min(f, s2 or f) * 2.0**-51


def _step_early(kw: dict[str, Any], t: int, p: float, o: float, at: Any) -> bool:
    """fvcore's value at t is lrcore's at t + 1: a step scheduler of a rescaled interval jumped a step earlier."""
    return p == at(t + 1) and p != o


def _mm_base(kw: dict[str, Any]) -> float:
    base = kw.get("lr") if kw.get("lr") is not None else kw.get("momentum", 0.0)
    return abs(float(base or 0.0)) + abs(float(kw.get("eta_max") or 0.0))


_COS_MEGATRON = ("Megatron's 1 + cos(pi r) (and 2 * 0.5**r - 1, 1 - sqrt(r) of its WSD cooldowns) cancels near the "
                 "end of a decay, and its rising weight-decay cosine near the start: an absolute error of about an "
                 "ulp of the amplitude there; lrcore's forms do not cancel. Bound: 2**-50 * |")

_MM = ("mmengine's schedulers are chainable recursions: each value is the group's last one times a ratio (1 + cos "
       "ratios, repeated products, LinearLR's factor ratios), so they drift from the closed form by rounding, a few "
       "ulp of the base per step (down to the subnormal range, where a product of ExponentialLR keeps 1e-323 that "
       "lrcore's gamma**t gives as 0, and to residues such as -1e-17 where LinearLR ends at end_factor=0). "
       "Bound: 8 eps (t + 1) * base (lr or momentum, plus eta_max for OneCycleLR).")


def deviations() -> dict[str, Any]:
    """The documented deviations of these peers (entries merged into `lrcore.adapters._verify.DEVIATIONS`).

    Each was found by running verify over hypothesis-drawn calls (tests/test_verify_peers.py) and
    is bounded as the peer's own catalog test measured it.

    >>> from lrcore.adapters._verify import DEVIATIONS
    >>> d = DEVIATIONS["megatron.OptimizerParamScheduler"]
    >>> d.bound({"max_lr": 0.1, "min_lr": 0.0}, 999) == 2.0**-50 * 0.1
    True
    """
    V = _v()
    out: dict[str, Any] = {
        "deepspeed.WarmupCosineLR": V.Bounded.of(
            "DeepSpeed's (1 + cos(pi p)) / 2 near p = 1 (the end of the decay) has an absolute error of an ulp of 1, "
            "times the lr; lrcore's cosine does not cancel there. Bound: 2**-50 * lr.",
            lambda kw, t: 2.0**-50 * abs(float(kw.get("lr", 0.0)))),
        "deepspeed.OneCycle": V.Bounded.of(
            "DeepSpeed's position x = 1 + b / S - floor(1 + b / S) is rounded to half an ulp of 1 and its halves "
            "divide it by F / S (or x - 1 by F / S - 1): up to S / min(F, S2) * 2**-52 in the scale. Bound: "
            "|cycle_max_lr - cycle_min_lr| * S / min(F, S2) * 2**-51.",
            lambda kw, t: _ds_cycle(kw, "cycle_min_lr", "cycle_max_lr", 0.0, 0.0)),
        "deepspeed.OneCycle_momentum": V.Bounded.of(
            "As OneCycle's lr: its rounded position, in the momentum. Bound: |cycle_max_mom - cycle_min_mom| * S / "
            "min(F, S2) * 2**-51.", lambda kw, t: _ds_cycle(kw, "cycle_min_mom", "cycle_max_mom", 0.8, 0.9)),
        "megatron.OptimizerParamScheduler": V.Bounded.of(
            _COS_MEGATRON + "max_lr - min_lr|.", lambda kw, t: 2.0**-50 * _amp(kw, "max_lr", "min_lr")),
        "megatron.OptimizerParamScheduler_weight_decay": V.Bounded.of(
            _COS_MEGATRON + "end_wd - start_wd|.", lambda kw, t: 2.0**-50 * _amp(kw, "end_wd", "start_wd")),
        "fvcore.CosineParamScheduler": V.Bounded.of(
            "fvcore's end + 0.5 * (start - end) * (1 + cos(pi w)) cancels near w = 1: an absolute error of a few "
            "ulp of the amplitude; lrcore's cosine does not cancel. Bound: 8 eps * max(|start_value|, |end_value|).",
            lambda kw, t: 8 * EPS * max(abs(float(kw["start_value"])), abs(float(kw["end_value"])))),
        "fvcore.CompositeParamScheduler": V.Deviation(
            "Its CosineParamScheduler children's 1 + cos near their end (8 eps of the largest value), and lrcore's "
            "limit, not fvcore's error: a step scheduler (Step, MultiStep, StepWithFixedGamma) in a rescaled "
            "interval runs on fractional steps of its own, and lrcore's jumps are on whole steps of it, so where "
            "the interval's progress lands between two of them fvcore jumps one step earlier (its value at t is "
            "lrcore's at t + 1).",
            V._either(lambda kw, t, p, o, at: abs(p - o) <= 1e-12 * abs(p) + 8 * EPS * at.scale, _step_early)),
    }
    names = ("ConstantLR", "CosineAnnealingLR", "ExponentialLR", "LinearLR", "MultiStepLR", "OneCycleLR", "PolyLR",
             "StepLR", "CosineRestartLR")
    for n in names + tuple(x.replace("LR", "Momentum") for x in names if x != "OneCycleLR") + ("param_scheduler",):
        out[f"mmengine.{n}"] = V.Bounded.of(_MM, lambda kw, t: 8 * EPS * (t + 1) * _mm_base(kw))
    return out
