"""``lrcore verify SPEC``: a catalog call against the installed peer's own scheduler, step by step.

The SPEC must be a catalog call (``torch.CosineAnnealingLR(lr=0.1, T_max=100)``,
``optax.warmup_cosine_decay_schedule(...)``, ...). The call is built twice: by the catalog (the
lrcore tree, exactly as `lrcore._spec.load_spec` builds it) and by the peer, from the same
keyword arguments under the peer's own name:

* torch: ``torch.optim.lr_scheduler.<Name>(optimizer, **kwargs)`` on an SGD optimizer with one
  parameter, ``lr`` the catalog's ``lr`` (0.1 where the class takes ``base_lr``/``max_lr``) and
  momentum 0.9; read ``optimizer.param_groups[0]["lr"]`` (``["momentum"]`` for
  ``CyclicLR_momentum`` / ``OneCycleLR_momentum``), then ``optimizer.step(); scheduler.step()``.
  ``SequentialLR`` / ``ChainedScheduler`` children are built on the same optimizer.
* paddle: ``paddle.optimizer.lr.<Name>(**kwargs)``: read ``scheduler()``, then ``step()``
  (a nested scheduler, as ``LinearWarmup``'s ``learning_rate``, is built the same way).
* optax: ``optax.<name>(**kwargs)`` evaluated under ``jax.jit(jax.vmap(...))`` at int64 counts
  with ``jax_enable_x64`` on (its previous setting is restored afterwards).
* transformers: ``transformers.optimization.<get_*>(optimizer, **kwargs)`` on the torch optimizer
  above (``get_scheduler(name, optimizer, ...)``), stepped as torch.
* keras: ``keras.optimizers.schedules.<Name>(**kwargs)(step)`` in a subprocess with
  ``KERAS_BACKEND=jax``, ``JAX_ENABLE_X64=1`` and floatx float64 (Keras reads its backend once
  per process, so it never runs in this one).
* timm: ``timm.scheduler.<Name>(optimizer, **kwargs)``: ``step(t)`` (``step_update(t)`` with
  ``t_in_epochs=False``) and the group's lr (untested here: timm is not a test dependency).

Plateau schedulers (torch ``ReduceLROnPlateau``, paddle ``ReduceOnPlateau``, transformers
``get_reduce_on_plateau_schedule``, timm ``PlateauLRScheduler``) are fed the same fixed metric
sequence on both sides, `plateau_metric`: ``1 / (1 + t // 25)`` at step t >= 1 (negated for
``mode="max"``), a metric that improves every 25 steps and stalls in between, so that both the
reductions and the recoveries of the rule are exercised.

Comparison: at every step 0..N, a step differs when ``|peer - lrcore| > atol + rtol * |peer|``
(defaults rtol 1e-12, atol 0: the catalog's "same numbers" contract). Documented deviations
(`DEVIATIONS`, copied from the catalog docstrings and the catalog tests, where the peer's own
arithmetic is the inaccurate side) may explain such steps: when every differing step is within
the deviation's stated bound, the result is "documented deviation" and the exit code 0; if any
differing step is not, the result is "different" (exit 1). Where the peer stops before N
(torch's OneCycleLR raises past total_steps, paddle's too), the steps up to there are
compared and a note says where and why.

Exit codes (`run`): 0 equal within tolerance or a documented deviation, 1 different, 2 a bad
SPEC (not a catalog call, or a plateau metric rule the peer lacks), 3 the peer is not installed
(the message names the package to install). Frameworks are imported only here, and only the
one being verified.

It lives in ``adapters/`` (``lrcore.adapters._verify``) because it imports the peers, which
are frameworks: the engine in ``lrcore/`` never imports one; the ``lrcore`` command imports
this module only when ``verify`` runs.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import math
import os
import subprocess
import sys
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, cast

from lrcore._spec import SpecError, _dotted, _literal, _call, catalog_modules, load_spec

__all__ = ["VerifyError", "PeerMissing", "Result", "verify", "plateau_metric", "DEVIATIONS", "PACKAGES"]

EPS = 2.0**-52
_Kwargs = dict[str, Any]  # a catalog call's keyword arguments
_Bound = Callable[[_Kwargs, int], float]  # bound(kwargs, t): a deviation's absolute bound at step t
_Rule = Callable[[_Kwargs, int, float, float, "_Values"], bool]  # allows(kwargs, t, peer, ours, at)
_Diff = tuple[float, int, float, float]  # (difference, step, peer, lrcore)
MAX_VERIFY = 10**6

# catalog -> (the modules that must import, the pip package to install)
PACKAGES: dict[str, tuple[tuple[str, ...], str]] = {
    "torch": (("torch",), "torch"),
    "paddle": (("paddle",), "paddlepaddle"),
    "optax": (("jax", "optax"), "optax"),
    "transformers": (("torch", "transformers"), "transformers"),
    "keras": (("jax", "keras"), "keras jax"),
    "timm": (("torch", "timm"), "timm"),
}


class VerifyError(SpecError):
    """A SPEC that verify cannot check (exit code 2)."""


class PeerMissing(Exception):
    """The peer's package is not installed (exit code 3); the message names it."""


# ------------------------------------------------------------------------------ the call

@dataclass
class Call:
    """A catalog call read from a SPEC: catalog module, function name, keyword arguments (nested catalog calls as `Call`)."""

    catalog: str
    name: str
    kwargs: _Kwargs = field(default_factory=dict)


def _value(node: ast.AST, where: str) -> Any:
    """A literal, with nested catalog calls kept as `Call` (other calls built by `lrcore._spec`)."""
    if isinstance(node, ast.Call):
        c = _catalog_call(node, where)
        return c if c is not None else _call(node, where, 1)
    if isinstance(node, (ast.List, ast.Tuple)):
        vals = [_value(e, where) for e in node.elts]
        return vals if isinstance(node, ast.List) else tuple(vals)
    if isinstance(node, ast.Dict) and all(k is not None for k in node.keys):
        return {_literal(k, where, 0): _value(v, where) for k, v in zip(node.keys, node.values) if k is not None}
    return _literal(node, where, 0)


def _catalog_call(node: ast.Call, where: str) -> Call | None:
    parts = _dotted(node.func)
    if parts is None:
        return None
    if parts[:2] == ["lrcore", "catalog"]:
        parts = parts[2:]
    elif parts[:1] == ["catalog"]:
        parts = parts[1:]
    if len(parts) < 2 or parts[0] not in catalog_modules():
        return None
    # (load_spec, which runs first, refuses **kwargs: every keyword has a name)
    return Call(parts[0], ".".join(parts[1:]), {kw.arg: _value(kw.value, where) for kw in node.keywords
                                                if kw.arg is not None})


def parse_call(text: str) -> tuple[Call, Any]:
    """(the catalog call, the lrcore schedule it builds); `VerifyError` if the SPEC is no catalog call."""
    spec = load_spec(text)  # every SPEC error first, as the other commands report them
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        tree = None
    call = _catalog_call(tree.body, "SPEC") if tree is not None and isinstance(tree.body, ast.Call) else None
    if call is None:
        raise VerifyError(f"SPEC {text.strip()[:60]!r}: verify needs a catalog call such as "
                          "torch.CosineAnnealingLR(lr=0.1, T_max=100) (catalogs: "
                          f"{', '.join(catalog_modules())}); a config or an lrcore schedule has no peer to check")
    return call, spec.schedule


def plateau_metric(t: int, mode: str = "min") -> float:
    """The metric verify feeds plateau schedulers at step t >= 1: ``1 / (1 + t // 25)``, negated for "max"."""
    m = 1.0 / (1 + t // 25)
    return -m if mode == "max" else m


def _is_plateau(schedule: Any) -> bool:
    return hasattr(schedule, "plateau") and not hasattr(schedule, "evaluate")


def lrcore_values(schedule: Any, last: int, mode: str) -> list[float]:
    """The catalog schedule at steps 0..last (a plateau schedule fed `plateau_metric`)."""
    if not _is_plateau(schedule):
        return [float(schedule(t)) for t in range(last + 1)]
    state = schedule.init()
    out = [schedule.value(0, state)]
    for t in range(1, last + 1):
        state = schedule.update(state, plateau_metric(t, mode))
        out.append(schedule.value(t, state))
    return out


# ------------------------------------------------------------------------------ the peers

def _require(catalog: str) -> None:
    modules, package = PACKAGES[catalog]
    for m in modules:
        if importlib.util.find_spec(m) is None:
            raise PeerMissing(f"the peer of catalog {catalog!r} needs {m!r}, which is not installed: "
                              f"pip install {package}")


class _PeerStopped(Exception):
    """The peer refused to step further (values so far, and why)."""

    def __init__(self, values: list[float], why: str) -> None:
        super().__init__(why)
        self.values = values


_STOPS = (ValueError, OverflowError, ZeroDivisionError, IndexError)


def _step_group(sched: Any, optimizer: Any, last: int, read: Callable[[], float],
                metric: Callable[[int], float] | None) -> list[float]:
    out = [read()]
    for t in range(1, last + 1):
        optimizer.step()
        try:
            sched.step() if metric is None else sched.step(metric(t))
        except _STOPS as e:
            raise _PeerStopped(out, f"{type(e).__name__}: {e}") from None
        out.append(read())
    return out


def _torch_optimizer(lr: float) -> Any:
    import torch

    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr, momentum=0.9)


def _fn_arg(v: Any) -> Any:
    """A registered function's name or an lrcore Function as the plain callable peers take."""
    from lrcore._primitives import Function

    if isinstance(v, str):
        v = Function(v)
    if isinstance(v, Function):
        return lambda t, f=v: f(t)
    return v


def _fix_fns(kw: _Kwargs) -> _Kwargs:
    return {k: (_fn_arg(v) if k in ("lr_lambda", "scale_fn") else v) for k, v in kw.items()}


def _torch_scheduler(L: Any, call: Call, o: Any) -> Any:
    kw = _fix_fns({k: v for k, v in call.kwargs.items() if k != "lr"})
    if "schedulers" in kw:
        kids = [_torch_scheduler(L, c, o) for c in kw.pop("schedulers")]
        return L.ChainedScheduler(kids) if call.name == "ChainedScheduler" else L.SequentialLR(o, kids, **kw)
    return getattr(L, call.name.removesuffix("_momentum"))(o, **kw)


def _base_lr(call: Call) -> float:
    if "lr" in call.kwargs:
        return float(call.kwargs["lr"])
    kids = call.kwargs.get("schedulers") or []
    return _base_lr(kids[0]) if kids and isinstance(kids[0], Call) else 0.1


def _torch_values(call: Call, last: int, mode: str) -> list[float]:
    import torch

    L = torch.optim.lr_scheduler
    o = _torch_optimizer(_base_lr(call))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = _torch_scheduler(L, call, o)
        g = o.param_groups[0]
        key = "momentum" if call.name.endswith("_momentum") else "lr"
        metric = (lambda t: plateau_metric(t, mode)) if call.name == "ReduceLROnPlateau" else None
        return _step_group(sched, o, last, lambda: float(g[key]), metric)


def _transformers_values(call: Call, last: int, mode: str) -> list[float]:
    from transformers import optimization as O

    kw = {k: v for k, v in call.kwargs.items() if k != "lr"}
    o = _torch_optimizer(float(call.kwargs.get("lr", 0.1)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fn = getattr(O, call.name)
        plateau = call.name == "get_reduce_on_plateau_schedule" or (
            call.name == "get_scheduler" and kw.get("name") == "reduce_lr_on_plateau")
        sched = fn(kw.pop("name"), o, **kw) if call.name == "get_scheduler" else fn(o, **kw)
        g = o.param_groups[0]
        metric = (lambda t: plateau_metric(t, mode)) if plateau else None
        return _step_group(sched, o, last, lambda: float(g["lr"]), metric)


def _paddle_scheduler(P: Any, call: Call) -> Any:
    kw = _fix_fns({k: (_paddle_scheduler(P, v) if isinstance(v, Call) else v) for k, v in call.kwargs.items()})
    return getattr(P, call.name)(**kw)


def _paddle_values(call: Call, last: int, mode: str) -> list[float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "No ccache found", printed by paddle's import
        import paddle

        ps = _paddle_scheduler(paddle.optimizer.lr, call)
    out = [float(ps())]
    plateau = call.name == "ReduceOnPlateau"
    for t in range(1, last + 1):
        try:
            ps.step(plateau_metric(t, mode)) if plateau else ps.step()
        except _STOPS as e:
            raise _PeerStopped(out, f"{type(e).__name__}: {e}") from None
        out.append(float(ps()))
    return out


def _optax_fn(optax: Any, call: Call) -> Any:
    kw = {k: ([_optax_fn(optax, c) if isinstance(c, Call) else c for c in v] if isinstance(v, list) else v)
          for k, v in call.kwargs.items()}
    obj = optax
    for part in call.name.split("."):
        obj = getattr(obj, part)
    return obj(**kw)


def _optax_values(call: Call, last: int, mode: str) -> list[float]:
    import jax
    import jax.numpy as jnp
    import optax

    before = bool(jax.config.jax_enable_x64)
    jax.config.update("jax_enable_x64", True)
    try:
        f = _optax_fn(optax, call)
        values = jax.jit(jax.vmap(f))(jnp.arange(last + 1, dtype=jnp.int64))
        return [float(v) for v in jax.device_get(values).tolist()]
    finally:
        jax.config.update("jax_enable_x64", before)


_KERAS_WORKER = r"""
import json, sys
import numpy as np
import jax
import keras

req = json.load(sys.stdin)
keras.config.set_floatx("float64")
s = getattr(keras.optimizers.schedules, req["name"])(**req["kwargs"])
steps = np.arange(req["last"] + 1, dtype="int64")
values = np.asarray(jax.vmap(s)(steps), dtype=np.float64).tolist()  # vmap: also the schedules that branch on the step
print(json.dumps({"values": values, "backend": keras.backend.backend()}))
"""


def _keras_values(call: Call, last: int, mode: str) -> list[float]:
    env = dict(os.environ, KERAS_BACKEND="jax", JAX_ENABLE_X64="1", JAX_PLATFORMS="cpu", TF_CPP_MIN_LOG_LEVEL="3")
    req = json.dumps({"name": call.name, "kwargs": call.kwargs, "last": last})
    proc = subprocess.run([sys.executable, "-c", _KERAS_WORKER], input=req, capture_output=True, text=True,
                          env=env, timeout=600, check=False)
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["(no message)"]
        raise _PeerStopped([], f"keras failed: {tail[0]}")
    values: list[float] = json.loads(proc.stdout.strip().splitlines()[-1])["values"]
    return values


def _timm_values(call: Call, last: int, mode: str) -> list[float]:
    import timm.scheduler as T

    kw = {k: v for k, v in call.kwargs.items() if k not in ("lr", "updates_per_epoch")}
    per = int(call.kwargs.get("updates_per_epoch") or 1)
    o = _torch_optimizer(float(call.kwargs.get("lr", 0.1)))
    sched = getattr(T, call.name)(o, **kw)
    g = o.param_groups[0]
    out = [float(g["lr"])]
    by_update = kw.get("t_in_epochs", True) is False
    for t in range(1, last + 1):
        if call.name == "PlateauLRScheduler":
            sched.step(t // per, plateau_metric(t, mode))
        elif by_update:
            sched.step_update(t)
        else:
            sched.step(t // per)
        out.append(float(g["lr"]))
    return out


PEERS: dict[str, tuple[str, Callable[[Call, int, str], list[float]]]] = {
    "torch": ("torch.optim.lr_scheduler.{}", _torch_values),
    "paddle": ("paddle.optimizer.lr.{}", _paddle_values),
    "optax": ("optax.{}", _optax_values),
    "transformers": ("transformers.optimization.{}", _transformers_values),
    "keras": ("keras.optimizers.schedules.{}", _keras_values),
    "timm": ("timm.scheduler.{}", _timm_values),
}


def peer_name(call: Call) -> str:
    """The peer object verify builds for a catalog call."""
    name = call.name.removesuffix("_momentum") if call.catalog == "torch" else call.name
    return PEERS[call.catalog][0].format(name)


def _version(catalog: str) -> str:
    mod = PACKAGES[catalog][0][-1]
    try:
        from importlib.metadata import PackageNotFoundError, version

        return f"{mod} {version({'paddle': 'paddlepaddle'}.get(mod, mod))}"
    except PackageNotFoundError:
        return mod


# ------------------------------------------------------------------------------ deviations

@dataclass(frozen=True)
class Deviation:
    """A documented way the peer differs: ``allows(kwargs, t, peer, ours, lrcore_at)`` is True where it explains a step."""

    explanation: str
    allows: _Rule


def _within(bound: _Bound) -> _Rule:
    return lambda kw, t, p, o, at: abs(p - o) <= 1e-12 * abs(p) + bound(kw, t)


def _amp(kw: _Kwargs, *names: str) -> float:
    return max(abs(float(kw.get(n) or 0.0)) for n in names)


def _torch_cosine(kw: _Kwargs, t: int) -> float:
    T, mag = int(kw["T_max"]), float(max(abs(kw.get("lr", 0.0)), abs(kw.get("eta_min", 0.0))))
    return mag * EPS * (4 + T * T * ((t + T) // (2 * T)))


def _torch_cyclic(kw: _Kwargs, t: int) -> float:
    up = int(kw.get("step_size_up", 2000))
    down = int(kw.get("step_size_down") or up)
    S, r = up + down, up / (up + down)
    amp: float = max(abs(kw["max_lr"] - kw["base_lr"]), abs(kw.get("max_momentum", 0.9) - kw.get("base_momentum", 0.8)))
    return amp * EPS * 4 * (2 + t / S) / min(r, 1 - r)


def _overflow(kw: _Kwargs, t: int, p: float, o: float, at: _Values) -> bool:
    """torch's lr is inf, or above lrcore's, which holds its last finite value (gamma > 1)."""
    held = t > 0 and o == at(t - 1)
    return (math.isinf(p) and p > 0 and math.isfinite(o)) or (held and p > o and kw.get("gamma", 1.0) > 1.0)


def _either(*rules: _Rule) -> _Rule:
    return lambda *a: any(r(*a) for r in rules)


def _chained_past_cosine(kw: _Kwargs, t: int, p: float, o: float, at: _Values) -> bool:
    ts: list[Any] = [c.kwargs.get("T_max") for c in kw.get("schedulers", []) if isinstance(c, Call) and c.name == "CosineAnnealingLR"]
    return bool(ts) and t > min(ts)


def _children_bound(kw: _Kwargs, t: int) -> float:
    """1e-12 lr (the composite tests' allowance) plus the children's own bounds at t."""
    total = 1e-12 * _amp(kw, "lr")
    for c in kw.get("schedulers", []):
        if isinstance(c, Call):
            total = max(total, 1e-12 * abs(c.kwargs.get("lr", 0.0)))
            d = DEVIATIONS.get(f"torch.{c.name}")
            bound = getattr(d, "bound", None)
            if bound is not None:
                total += bound(c.kwargs, t)
    return total


def _paddle_cos(kw: _Kwargs, t: int) -> float:
    T = int(kw["T_max"])
    amp: float = abs(kw["learning_rate"] - kw.get("eta_min", 0.0))
    return amp * EPS * (8 + (2 * T / math.pi) ** 2 * ((t + T) // (2 * T)))


def _paddle_poly(kw: _Kwargs, t: int) -> float:
    lr, end, power, d = kw["learning_rate"], kw.get("end_lr", 1e-4), kw.get("power", 1.0), int(kw["decay_steps"])
    if kw.get("cycle"):
        w = 1.0 - t / (d * (1 if t == 0 else math.ceil(t / d)))
    else:
        w = 1.0 - min(t, d) / d
    hi, lo, wp = min(w + EPS, 1.0) ** power, max(w - EPS, 0.0) ** power, w**power
    bound: float = abs(lr - end) * (max(hi - wp, wp - lo) + 16 * EPS * wp) + 4 * EPS * abs(end)
    return bound


def _paddle_cyclic(kw: _Kwargs, t: int) -> float:
    up = int(kw["step_size_up"])
    size = up + int(kw.get("step_size_down") or up)
    amp: float = abs(kw["max_learning_rate"] - kw["base_learning_rate"])
    return amp * (4 + 4 * t / size) * EPS * size / min(up, size - up)


def _hf_cos(kw: _Kwargs, t: int) -> float:
    w, n = int(kw.get("num_warmup_steps", 0)), int(kw.get("num_training_steps", 0))
    c = float(kw.get("num_cycles", 0.5))
    lr: float = abs(kw.get("lr", 0.0))
    return lr * EPS * (4 + 2 * abs(2 * math.pi * c * (t - w) / max(1, n - w)))


def _keras_float32(kw: _Kwargs, t: int, p: float, o: float, at: _Values) -> bool:
    scale: float = max(abs(kw.get("initial_learning_rate", 0.0)), abs(kw.get("warmup_target") or 0.0))
    return abs(p - o) <= 1e-5 * abs(p) + 1e-6 * scale


def _keras_slip(kw: _Kwargs, t: int, p: float, o: float, at: _Values) -> bool:
    """A staircase / cycle boundary step where Keras returns the neighbouring step's value."""
    d = kw.get("decay_steps") or kw.get("first_decay_steps")
    if t == 0 or not d or abs(t / d - round(t / d)) > 1e-9:  # only at the boundary steps t = k D
        return False
    near = (abs(p - at(t - 1)) <= 1e-12 * abs(p) + 16 * EPS * abs(p))
    if kw.get("cycle"):  # PolynomialDecay(cycle=True) at k D: the start of cycle k + 1
        near = near or abs(p - kw.get("initial_learning_rate", 0.0)) <= 1e-12 * abs(p)
    return near


@dataclass(frozen=True)
class Bounded(Deviation):
    """A deviation stated as an absolute bound on the peer's rounding at step t (beyond rtol 1e-12)."""

    bound: _Bound | None = None

    @classmethod
    def of(cls, explanation: str, bound: _Bound, also: _Rule | None = None) -> Bounded:
        rule = _within(bound) if also is None else _either(_within(bound), also)
        return cls(explanation, rule, bound)


_AMP_TORCH = ("torch reaches values at or near 0 only up to rounding of the amplitude: its 1 + cos(x) near x = pi "
              "has an absolute error of an ulp of 2 (and LinearLR's ratio recursion leaves a residue such as 3.8e-18 "
              "for lr = 0.1 where the line ends at 0); lrcore computes those values without cancellation, so the "
              "difference there is torch's, at most 2**-50 of the amplitude.")

DEVIATIONS: dict[str, Deviation] = {
    "torch.CosineAnnealingLR": Bounded.of(
        "torch's step() path is recursive (each lr from the last by a ratio of 1 + cos terms), so it drifts from "
        "the closed form: by rounding only in the first period, then by up to about T_max**2 ulp of "
        "max(lr, eta_min) more at each pass through the minimum (measured: 2.2e-11 of lr after 10 "
        "periods of T_max = 1000). Bound: max(lr, eta_min) * eps * (4 + T_max**2 * floor((t + T_max) / (2 T_max))).",
        _torch_cosine),
    "torch.LinearLR": Bounded.of(_AMP_TORCH, lambda kw, t: 2.0**-50 * _amp(kw, "lr")),
    "torch.PolynomialLR": Bounded.of(_AMP_TORCH, lambda kw, t: 2.0**-50 * _amp(kw, "lr")),
    "torch.CosineAnnealingWarmRestarts": Bounded.of(
        "Near each cycle's minimum torch's 1 + cos carries an absolute error of about 1e-16 * (lr - eta_min); "
        "lrcore has none. Bound: 2**-50 * |lr - eta_min|.",
        lambda kw, t: 2.0**-50 * abs(kw.get("lr", 0.0) - kw.get("eta_min", 0.0))),
    "torch.OneCycleLR": Bounded.of(_AMP_TORCH + " Bound: 2**-50 * max_lr.", lambda kw, t: 2.0**-50 * _amp(kw, "max_lr")),
    "torch.OneCycleLR_momentum": Bounded.of(
        _AMP_TORCH + " Bound: 2**-50 * (max_momentum - base_momentum).",
        lambda kw, t: 2.0**-50 * abs(kw.get("max_momentum", 0.95) - kw.get("base_momentum", 0.85))),
    "torch.CyclicLR": Bounded.of(
        "torch computes the phase as 1 + t / S - floor(1 + t / S), which rounds to about (1 + t/S) ulp; its slopes "
        "1/r and 1/(1 - r) (r = up/S) carry that into the value. lrcore's t mod S is exact for every integer step. "
        "Bound: amplitude * eps * 4 * (2 + t/S) / min(r, 1 - r).", _torch_cyclic),
    "torch.MultiplicativeLR": Bounded.of(
        "torch multiplies the lr it wrote last by lr_lambda(t) at every step, so its values differ from the product "
        "by rounding only (about t ulp). Bound: 2 t eps |lr|.", lambda kw, t: 2 * t * EPS * _amp(kw, "lr")),
    "torch.ExponentialLR": Deviation(
        "For gamma > 1 torch's lr becomes inf once lr * gamma**t overflows; lrcore holds its last finite value, from "
        "where lr * gamma**t or (for lr < 1) gamma**t itself would overflow.",
        _overflow),
    "torch.StepLR": Deviation(
        "For gamma > 1 torch's lr becomes inf once lr * gamma**k overflows; lrcore holds its last finite value, from "
        "where lr * gamma**k or (for lr < 1) gamma**k itself would overflow.",
        _overflow),
    "torch.SequentialLR": Bounded.of(
        "The children's rounding (and the drift of recursive CosineAnnealingLR children), carried "
        "through the milestones. Bound: 1e-12 lr plus each child's documented bound.", _children_bound),
    "torch.ChainedScheduler": Bounded.of(
        "The children's rounding, multiplied. Documented limit: CosineAnnealingLR with eta_min=0 is a factor only "
        "up to T_max: where it is 0 torch restarts it by adding to the lr, which drops the other factors from then "
        "on; the catalog keeps the product (equal up to T_max).", _children_bound, _chained_past_cosine),
    "paddle.CosineAnnealingDecay": Bounded.of(
        "paddle computes each rate from the previous one (a recursion); after each minimum it restarts from "
        "1 - cos(pi/T) (or divides by 1 + cos(pi (T-1)/T)), quantities of ~(pi/T)**2 that cos gives to an "
        "absolute ~eps: a relative error up to eps (2T/pi)**2 in (v - eta_min), carried on, one per minimum "
        "passed (measured 4.5e-11 over 100k steps of T_max=1000).", _paddle_cos),
    "paddle.CosineAnnealingWarmRestarts": Bounded.of(
        "paddle's (1 + cos(x)) / 2 has an absolute rounding of ~2**-53 (cos's), lrcore's sin**2 form none: up to a "
        "few eps * amplitude apart. Bound: 8 eps |lr - eta_min|.",
        lambda kw, t: 8 * EPS * abs(kw["learning_rate"] - kw.get("eta_min", 0.0))),
    "paddle.OneCycleLR": Bounded.of(
        "paddle's (1 + cos(x)) / 2 has an absolute rounding of ~2**-53; lrcore's sin**2 form none. "
        "Bound: 8 eps max(max_learning_rate, end_learning_rate).",
        lambda kw, t: 8 * EPS * _amp(kw, "max_learning_rate", "end_learning_rate")),
    "paddle.PolynomialDecay": Bounded.of(
        "paddle's 1 - t'/D' is off by up to 2**-52 absolutely (its quotient's rounding); near the end of a decay "
        "that is all the digits, and the value moves by |lr - end_lr| times the change of w**power over it.",
        _paddle_poly),
    "paddle.CyclicLR": Bounded.of(
        "paddle's phase 1 + t/S - cycle carries ~(1 + 2t/S) * 2**-53 absolutely (lrcore's is exact).", _paddle_cyclic),
    "paddle.LinearLR": Bounded.of(
        "paddle's LinearLR is a recursion that multiplies ~t ratios, each rounded. "
        "Bound: 2 eps (min(t, total_steps) + 1) lr max(start_factor, end_factor).",
        lambda kw, t: 2 * EPS * (min(t, int(kw["total_steps"])) + 1) * kw["learning_rate"]
        * max(kw.get("start_factor", 1 / 3), kw.get("end_factor", 1.0))),
    "transformers.get_cosine_schedule_with_warmup": Bounded.of(
        "transformers' 0.5 * (1 + cos(x)) near its zero has an absolute error of about an ulp of 1 (lrcore computes "
        "it as sin(...)**2, without cancellation), and x = 2 pi c (t - W) / L carries a few ulp of x. Bound: "
        "lr * eps * (4 + 2 |x|).", _hf_cos),
    "transformers.get_cosine_with_hard_restarts_schedule_with_warmup": Bounded.of(
        "transformers' (num_cycles * progress) % 1.0 can land an ulp below a whole cycle, which turns a restart "
        "(factor 1) into the end of the previous cycle (factor 0): num_cycles=47 with N - W = 47 gives 0.0 at "
        "s = 3 where lrcore gives 1.0; elsewhere its 1 + cos rounds to lr * eps * (4 + 2 pi).",
        lambda kw, t: abs(kw.get("lr", 0.0)) * EPS * (4 + 2 * math.pi),
        lambda kw, t, p, o, at: p == 0.0 and o == abs(kw.get("lr", 0.0))),
    "keras.CosineDecay": Deviation(
        "Under the jax backend Keras 3.15 computes ops.cos of a float64 tensor in float32 (result_type(float64, "
        "float) is float32 there), so its cosine decays are float32-accurate even with floatx float64. Bound: "
        "1e-5 |v| + 1e-6 * scale.", _keras_float32),
    "keras.CosineDecayRestarts": Deviation(
        "Keras computes its cosine in float32 even under float64 (1e-5 |v| + 1e-6 * scale), and its restart count "
        "floor(log(1 - f (1 - t_mul)) / log(t_mul)) lands on the wrong cycle at some restart steps, returning the "
        "old cycle's end (alpha * I) instead of the new cycle's start.",
        _either(_keras_float32, lambda kw, t, p, o, at: t > 0 and o > at(t - 1) and p <= at(t - 1) * (1 + 1e-5))),
    "keras.PolynomialDecay": Deviation(
        "Keras's 1 - t / L loses digits next to a cycle end (power * eps * t / (L - t) relative, plus 16 eps of "
        "the scale), and with cycle=True its ceil(t / D) is k + 1 at some t = k D (XLA divides by a constant as a "
        "multiply by its reciprocal), so Keras returns the start of cycle k + 1 instead of end_learning_rate.",
        _either(lambda kw, t, p, o, at: abs(p - o) <= 1e-12 * abs(p) + 16 * EPS * _amp(
            kw, "initial_learning_rate", "end_learning_rate") + abs(p) * kw.get("power", 1.0) * EPS * t
            / max(1.0, abs(kw["decay_steps"] * max(1, math.ceil(t / kw["decay_steps"])) - t)), _keras_slip)),
    "keras.ExponentialDecay": Deviation(
        "With staircase=True, Keras's t / D can round below k at t = k D (XLA's multiply by the reciprocal), so "
        "Keras returns step k - 1's value there.", _keras_slip),
    "keras.InverseTimeDecay": Deviation(
        "With staircase=True, Keras's t / D can round below k at t = k D (XLA's multiply by the reciprocal), so "
        "Keras returns step k - 1's value there.", _keras_slip),
    "timm.CosineLRScheduler": Deviation(
        "timm finds the cycle with floor(log(...)), which at some cycle starts rounds to the cycle before "
        "(cycle_mul=3, t_initial=2: at t = 242 timm gives lr_min, the end of cycle 4, where cycle 5 starts); "
        "lrcore uses the exact cycle starts.",
        lambda kw, t, p, o, at: t > 0 and o > at(t - 1) and abs(p - kw.get("lr_min", 0.0)) <= 1e-12 * abs(o)),
    "timm.StepLRScheduler": Deviation(
        "timm's Python t // decay_t floors the exact quotient by the binary decay_t, which for a decimal stored a "
        "little above its value (1.1) applies a decay one step late where k * decay_t is a whole number "
        "(decay_t=1.1: 11 // 1.1 is 9.0); lrcore floors t / decay_t.",
        lambda kw, t, p, o, at: t > 0 and abs(p - at(t - 1)) <= 1e-12 * abs(p)),
}


_OPTAX_SCALE = ("Where optax's own formula cancels, its error is absolute, not relative: 1 + cos(pi c / D) near the "
                "end of a cosine, 1 - c / T near the end of a linear or polynomial decay, (I - E) * frac + E near a "
                "small end value; there both sides are within a few ulp of the schedule's scale, so an absolute "
                "1e-12 * scale (the largest |value|) is allowed.")
_OPTAX_STAIR = (" optax's staircase exponent floor((t - B) / T) is computed as floor((t - B) * (1 / T)) by XLA, one "
                "too small at some exact multiples (x64: T = 49 at t = 49, 98): there optax gives the previous stair.")
_OPTAX_NAN = (" Under jit XLA fuses optax's 1 - c * (1/T) into an FMA that is slightly negative at the end of a "
              "polynomial decay, so optax's value is NaN there where lrcore is exactly end_value.")


def _optax_rule(kw: _Kwargs, t: int, p: float, o: float, at: _Values) -> bool:
    return (abs(p - o) <= 1e-12 * abs(p) + 1e-12 * at.scale
            or (t > 0 and p == at(t - 1))  # the staircase slip
            or (math.isnan(p) and math.isfinite(o)))  # the polynomial's NaN at its end under jit


for _name in ("constant_schedule", "linear_schedule", "polynomial_schedule", "piecewise_constant_schedule",
              "piecewise_interpolate_schedule", "exponential_decay", "cosine_decay_schedule",
              "cosine_onecycle_schedule", "linear_onecycle_schedule", "warmup_constant_schedule",
              "warmup_cosine_decay_schedule", "warmup_exponential_decay_schedule", "sgdr_schedule", "join_schedules"):
    DEVIATIONS[f"optax.{_name}"] = Deviation(_OPTAX_SCALE + _OPTAX_STAIR + _OPTAX_NAN, _optax_rule)


# ------------------------------------------------------------------------------ the comparison

class _Values:
    """lrcore's values as the deviations see them: ``at(t)``, and ``at.scale``, the largest finite |value|."""

    def __init__(self, values: list[float]) -> None:
        self.values = values
        self.scale = max((abs(v) for v in values if math.isfinite(v)), default=0.0)

    def __call__(self, t: int) -> float:
        return self.values[t] if 0 <= t < len(self.values) else math.nan


@dataclass
class Result:
    """What `verify` found; `status` is "equal", "deviation" or "different"."""

    call: Call
    peer: str
    version: str
    last: int
    compared: int
    rtol: float
    atol: float
    status: str
    max_abs: _Diff | None = None  # (diff, step, peer, lrcore)
    max_rel: _Diff | None = None
    first: tuple[int, float, float] | None = None  # first step beyond tolerance: (step, peer, lrcore)
    unexplained: tuple[int, float, float] | None = None  # first step beyond tolerance that no documented deviation explains
    deviation: Deviation | None = None
    beyond: int = 0
    stopped: str | None = None

    @property
    def exit_code(self) -> int:
        return 1 if self.status == "different" else 0


def verify(text: str, steps: int | None = None, rtol: float = 1e-12, atol: float = 0.0) -> Result:
    """Build the SPEC's catalog call and its peer, step both to `steps` and compare (see the module docstring)."""
    from lrcore._chart import default_last_step

    call, schedule = parse_call(text)
    if call.catalog not in PEERS:
        raise VerifyError(f"catalog {call.catalog!r} has no peer verify knows how to build")
    base = schedule.schedule if _is_plateau(schedule) else schedule
    last = steps if steps is not None else default_last_step(base)
    if last > MAX_VERIFY:
        raise VerifyError(f"--steps: verify steps the peer one step at a time, so at most {MAX_VERIFY}, got {last}")
    _require(call.catalog)
    mode = str(call.kwargs.get("mode", "min"))
    ours = lrcore_values(schedule, last, mode)
    stopped = None
    try:
        theirs = PEERS[call.catalog][1](call, last, mode)
    except _PeerStopped as e:
        theirs, stopped = e.values, str(e)
    except (TypeError, ValueError) as e:  # the peer refuses arguments the catalog takes
        theirs, stopped = [], f"{type(e).__name__}: {e}"
    except ImportError as e:
        raise PeerMissing(f"the peer of catalog {call.catalog!r} cannot be imported ({e}): "
                          f"pip install {PACKAGES[call.catalog][1]}") from None
    dev = DEVIATIONS.get(f"{call.catalog}.{call.name}")
    res = Result(call, peer_name(call), _version(call.catalog), last, len(theirs), rtol, atol, "equal",
                 deviation=None, stopped=stopped)
    at = _Values(ours)
    for t, (p, o) in enumerate(zip(theirs, ours)):
        d = abs(p - o) if p != o else 0.0
        if d > 0.0 or math.isnan(d):
            r = d / max(abs(p), abs(o)) if math.isfinite(d) and max(abs(p), abs(o)) > 0 else math.inf
            if res.max_abs is None or d > res.max_abs[0] or (math.isnan(d) and not math.isnan(res.max_abs[0])):
                res.max_abs = (d, t, p, o)
            if res.max_rel is None or r > res.max_rel[0]:
                res.max_rel = (r, t, p, o)
        if not d <= atol + rtol * abs(p) or (p != o and math.isinf(p) != math.isinf(o)):
            res.beyond += 1
            if res.first is None:
                res.first = (t, p, o)
            if res.unexplained is None and (dev is None or not dev.allows(call.kwargs, t, p, o, at)):
                res.unexplained = (t, p, o)
    if len(theirs) == 0:
        res.status = "different"
    elif res.first is not None:
        res.status = "different" if res.unexplained is not None else "deviation"
        res.deviation = dev
    return res


def report(res: Result) -> list[str]:
    """The lines `lrcore verify` prints for a result."""
    lines = [f"peer: {res.peer} ({res.version})",
             f"steps: 0..{res.last}" + (f" (peer stopped after step {res.compared - 1})" if res.stopped else ""),
             f"tolerance: |peer - lrcore| <= {res.atol!r} + {res.rtol!r} * |peer|"]
    if res.stopped:
        lines.append(f"note: the peer stopped at step {res.compared}: {res.stopped}")
    if res.max_abs is None:
        lines.append(f"largest absolute difference: 0 (identical at every step 0..{res.compared - 1})"
                     if res.compared else "largest absolute difference: none (the peer gave no values)")
    else:
        d, t, p, o = res.max_abs
        lines.append(f"largest absolute difference: {d:.6e} at step {t} (peer {p!r}, lrcore {o!r})")
        r, t, p, o = cast(_Diff, res.max_rel)  # (set with max_abs)
        lines.append(f"largest relative difference: {r:.6e} at step {t} (peer {p!r}, lrcore {o!r})")
    if res.first is None:
        lines.append("first step beyond tolerance: none")
    else:
        t, p, o = res.first
        lines.append(f"first step beyond tolerance: {t} (peer {p!r}, lrcore {o!r}); {res.beyond} steps in all")
    if res.status == "equal":
        lines.append("result: equal within tolerance")
    elif res.status == "deviation":
        lines.append(f"result: documented deviation ({res.call.catalog}.{res.call.name}): every step beyond "
                     "tolerance is within it")
        lines.append(f"explanation: {cast(Deviation, res.deviation).explanation}")  # (a deviation names it)
    else:
        if res.unexplained is not None:
            t, p, o = res.unexplained
            why = (f"not explained by the documented deviation of {res.call.catalog}.{res.call.name}"
                   if res.deviation is not None else "no documented deviation")
            lines.append(f"unexplained: step {t} (peer {p!r}, lrcore {o!r}): {why}")
        if res.deviation is not None:
            lines.append(f"explanation (documented, but not enough here): {res.deviation.explanation}")
        lines.append("result: different")
    return lines


# ------------------------------------------------------------------------------ more peers
# deepspeed, megatron, fvcore, mmengine (nemo, fairseq, composer: exit 3) live in _verify_peers.py
from . import _verify_peers as _more  # noqa: E402

PEERS.update(_more.PEERS)
PACKAGES.update(_more.PACKAGES)
DEVIATIONS.update(_more.deviations())
