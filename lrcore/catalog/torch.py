"""PyTorch's ``torch.optim.lr_scheduler`` under its own names and parameters, as lrcore trees.

Each constructor takes the parameters of the torch class of the same name, with the base
rate as ``lr`` (or ``base_lr`` / ``max_lr`` where torch takes those) instead of an optimizer,
and returns a `lrcore.Schedule` whose value at step t is the lr torch's scheduler gives a
parameter group whose lr is ``lr`` after ``t`` calls to ``scheduler.step()`` (t = 0 right after
construction), to rtol 1e-12. Torch's per-group lists become one call per param group.
Nothing here imports torch.

Shapes of the results:

* LambdaLR, MultiplicativeLR, StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR,
  PolynomialLR and CosineAnnealingLR with ``eta_min == 0`` give ``Constant(lr) * factor``: a
  `lrcore.Product` whose first factor is the base rate and whose other factor is the
  multiplier torch applies to it (so an adapter in factor mode can use the factor alone).
  `ChainedScheduler` multiplies such factors.
* CyclicLR, OneCycleLR, CosineAnnealingWarmRestarts and CosineAnnealingLR with ``eta_min != 0``
  set absolute values and are built from them directly.
* ReduceLROnPlateau gives ``Constant(lr) * Plateau(...)``, a `lrcore.PlateauSchedule`.

Where torch and the closed form differ, the closed form wins and the docstring says by how
much torch drifts (its chainable classes recompute the lr from the previous one, which adds
rounding at every step; its ``1 + cos`` loses digits near the minimum).

>>> from lrcore.catalog import torch as T
>>> s = T.CosineAnnealingLR(lr=0.1, T_max=4, eta_min=0.01)
>>> [f"{s(t):.4f}" for t in range(9)]
['0.1000', '0.0868', '0.0550', '0.0232', '0.0100', '0.0232', '0.0550', '0.0868', '0.1000']
"""

from __future__ import annotations

import math
import sys

from .._base import Schedule
from .._combinators import Product, Restart, Sequential, Sum
from .._config import _fn_ref
from .._errors import MAX_STEPS, check_steps, ScheduleError, ScheduleTypeError, check_bool, check_list, renamed, check_choice, check_int, check_real
from .._plateau import Plateau, PlateauSchedule
from .._primitives import (
    Constant,
    Cosine,
    Cyclic,
    Exponential,
    Function,
    Interpolate,
    function_of,
    Linear,
    MultiStep,
    OneCycle,
    Piecewise,
    Polynomial,
)

TYPE_CHECKING = False  # typing is not imported at run time
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

__all__ = [
    "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
    "ExponentialLR", "PolynomialLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts",
    "CyclicLR", "CyclicLR_momentum", "OneCycleLR", "OneCycleLR_momentum",
    "SequentialLR", "ChainedScheduler", "ReduceLROnPlateau",
]

_PER_GROUP = "a number (lists are per param group in torch: call once per group)"


# ------------------------------------------------------------------------------ helpers

def _number(node: str, field: str, x: Any, **bounds: Any) -> float:
    if isinstance(x, (list, tuple)):
        raise ScheduleTypeError(node, field, _PER_GROUP, x)
    return check_real(node, field, x, **bounds)


def _lr(node: str, x: Any, field: str = "lr") -> float:
    # torch's optimizers refuse a negative lr ("Invalid learning rate"); so does the catalog.
    return _number(node, field, x, low=0.0)


def _callable(node: str, field: str, fn: Any) -> Callable[..., Any]:
    if isinstance(fn, (list, tuple)):
        raise ScheduleTypeError(node, field, "a callable (lists are per param group in torch: call once "
                                "per group)", fn)
    if not callable(fn):
        raise ScheduleTypeError(node, field, "a callable", fn)
    checked: Callable[..., Any] = fn
    return checked



def _scaled(lr: float, factor: Schedule) -> Product:
    """``Constant(lr) * factor``: the shape of every multiplicative torch class."""
    return Product(factors=(Constant(value=lr), factor))


def _split(s: object) -> tuple[float, tuple[Schedule, ...]] | None:
    """(lr, factors) of a ``Constant(lr) * factor * ...`` product, or None."""
    if isinstance(s, Product) and isinstance(s.factors[0], Constant):
        return s.factors[0].value, s.factors[1:]
    return None


def _gamma(node: str, gamma: Any) -> float:
    return _number(node, "gamma", gamma, low=0.0, low_open=True)


def _powers(node: str, gamma: float, every: int, lr: float) -> Schedule:
    """The factor ``gamma ** floor(t / every)``, for any gamma > 0.

    A decay is `Exponential`. A growth (gamma > 1, which torch allows) is a `Restart` of a
    flat cycle whose k-th repeat is scaled by ``gamma**k``; it holds from the first step
    where ``lr * gamma**k`` or ``gamma**k`` would overflow (torch's lr becomes inf where the first does).
    """
    if gamma <= 1.0:
        return Exponential(start_value=1.0, factor=gamma, every=every, staircase=every > 1)
    top = sys.float_info.max / max(lr, 1.0)
    k = int(math.log(top) / math.log(gamma))  # about the largest finite exponent
    while k > 0 and not _finite_pow(gamma, k, top):
        k -= 1
    while k < MAX_STEPS and _finite_pow(gamma, k + 1, top):
        k += 1
    limit = max(1, min(k + 1, MAX_STEPS // every))
    with renamed(node, decay="gamma"):
        return Restart(Linear(start_value=1.0, end_value=1.0, steps=1), period_steps=every, decay=gamma, limit=limit)


def _finite_pow(gamma: float, k: int, top: float) -> bool:
    # With a margin of 1e-9: the engine may compute gamma**k as exp(k log gamma), an ulp or so off.
    try:
        power: float = gamma ** float(k)  # float ** float is typed Any (it may be complex)
        return power * (1.0 + 1e-9) <= top
    except OverflowError:
        return False


class _RunningProduct:
    """``lr_lambda(first) * lr_lambda(first + 1) * ... * lr_lambda(t)`` (1.0 for t < first).

    The value torch's MultiplicativeLR multiplies into the lr, as a function of the step
    (non-integer steps use ``floor(t)``). Each call costs O(t) calls of ``lr_lambda`` at
    worst; products are kept every 256 steps and at the last step asked, so stepping forward
    one step at a time costs O(1) per step, and any step costs at most 256 calls once the
    steps before it have been seen. The cache is per object and not pickled. Two running
    products are equal when their functions and first steps are.
    """

    _EVERY = 256

    def __init__(self, lr_lambda: Callable[[int], float], first: int = 1) -> None:
        self.lr_lambda = lr_lambda
        self.first = first
        self._marks: dict[int, float] = {}
        self._last: tuple[int, float] = (first - 1, 1.0)

    def __call__(self, step: float) -> float:
        t = int(math.floor(step))
        base = self.first - 1
        if t <= base:
            return 1.0
        last_t, last_v = self._last
        j = (t - base) // self._EVERY
        while j > 0 and j not in self._marks:
            j -= 1
        at, v = (base + j * self._EVERY, self._marks.get(j, 1.0))
        if at < last_t <= t:
            at, v = last_t, last_v
        fn, every, marks = self.lr_lambda, self._EVERY, self._marks
        while at < t:
            at += 1
            v = v * fn(at)
            if (at - base) % every == 0:
                marks[(at - base) // every] = v
        self._last = (t, v)
        return v

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _RunningProduct) and type(other) is type(self) and \
            bool(other.lr_lambda == self.lr_lambda) and other.first == self.first

    def __hash__(self) -> int:
        return hash((type(self), self.lr_lambda, self.first))

    def __repr__(self) -> str:
        # Stable across processes (no addresses), so fingerprints of schedules holding it are.
        return f"MultiplicativeLR.running_product(lr_lambda={_fn_ref(self.lr_lambda, False)}, first={self.first})"

    def __getstate__(self) -> dict[str, Any]:
        return {"lr_lambda": self.lr_lambda, "first": self.first}

    def __setstate__(self, state: dict[str, Any]) -> None:
        _RunningProduct.__init__(self, state["lr_lambda"], state["first"])


class _CycleScale:
    """``scale_fn(cycle)`` with torch CyclicLR's 1-based ``cycle = floor(1 + t / total_size)``, exact for integer t."""

    def __init__(self, scale_fn: Callable[[int], float], total_size: int) -> None:
        self.scale_fn, self.total_size = scale_fn, total_size

    def __call__(self, step: float) -> float:
        t = float(step)
        k = int(t) // self.total_size if t == int(t) else math.floor(t / self.total_size)
        return self.scale_fn(1 + k)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _CycleScale) and type(other) is type(self) and \
            (other.scale_fn, other.total_size) == (self.scale_fn, self.total_size)

    def __hash__(self) -> int:
        return hash((type(self), self.scale_fn, self.total_size))

    def __repr__(self) -> str:
        return f"CyclicLR.cycle_scale(scale_fn={_fn_ref(self.scale_fn, False)}, total_size={self.total_size})"


def _running_product(s: object) -> _RunningProduct | None:
    """The `_RunningProduct` inside a `Function` node, or None."""
    return s.fn if isinstance(s, Function) and isinstance(s.fn, _RunningProduct) else None


# ---------------------------------------------------------------------- the schedulers

def LambdaLR(*, lr: float, lr_lambda: Callable[..., float] | str | Function) -> Product:
    """torch ``LambdaLR``: ``lr * lr_lambda(t)``.

    Built as ``Constant(lr) * Function(lr_lambda)``, so it equals torch bit for bit. Caveats,
    as for any `lrcore.Function`:

    * ``lr_lambda`` is called with the step as a float (``3.0`` where torch passes ``3``):
      a lambda that indexes a list needs ``int(step)``.
    * It runs on Python numbers and numpy arrays only, unless it takes ``(step, xp)``.
    * A config stores it as ``"module:qualname"``, so only a module-level function can be
      saved and loaded (``from_config(..., allow_functions=True)``); a lambda or a
      ``functools.partial`` cannot (``to_config`` raises), though its fingerprint is exact.
    * A function registered with `lrcore.register_function` is stored by its name and loads
      without ``allow_functions``: pass it, its name, or, with keyword arguments for it,
      ``lrcore.Function(name, params={...})`` as ``lr_lambda`` (the value is then
      ``lr * fn(t, **params)``).

    >>> s = LambdaLR(lr=0.1, lr_lambda=lambda t: 0.5 ** t)
    >>> [f"{s(t):.4f}" for t in range(4)]
    ['0.1000', '0.0500', '0.0250', '0.0125']
    >>> import lrcore
    >>> @lrcore.register_function("docs.torch_warmup")
    ... def warmup(step, steps):
    ...     return min(1.0, (step + 1) / steps)
    >>> s = LambdaLR(lr=0.1, lr_lambda=lrcore.Function("docs.torch_warmup", params={"steps": 4}))
    >>> [f"{s(t):.3f}" for t in range(5)], lrcore.loads(lrcore.dumps(s)) == s
    (['0.025', '0.050', '0.075', '0.100', '0.100'], True)
    """
    n = "LambdaLR"
    lr = _lr(n, lr)
    return _scaled(lr, function_of(n, "lr_lambda", lr_lambda))


def MultiplicativeLR(*, lr: float, lr_lambda: Callable[[int], float] | str | Function) -> Product:
    """torch ``MultiplicativeLR``: ``lr * lr_lambda(1) * lr_lambda(2) * ... * lr_lambda(t)`` (lr at t = 0).

    The running product is a callable object inside a `lrcore.Function`: O(t) calls of
    ``lr_lambda`` for a first evaluation at step t, O(1) per step when stepping forward, with
    partial products cached every 256 steps. ``lr_lambda`` gets the step as an int. Not
    storable in a config (``to_config`` raises), as any function that is not module-level.

    Torch multiplies the lr it wrote last by ``lr_lambda(t)`` at every step, so its values
    differ from this product by rounding only (about t ulp). Its ``step(epoch)`` path applies
    a single factor, which no closed form reproduces; this is the ``step()`` path.
    ``lr_lambda`` may also be a registered function, its name, or ``lrcore.Function(name,
    params={...})`` (as for `LambdaLR`): the product then calls that Function, and the
    fingerprint holds its name and params.

    >>> s = MultiplicativeLR(lr=1.0, lr_lambda=lambda t: 0.9)
    >>> [f"{s(t):.4f}" for t in range(4)]
    ['1.0000', '0.9000', '0.8100', '0.7290']
    """
    n = "MultiplicativeLR"
    lr = _lr(n, lr)
    f = function_of(n, "lr_lambda", lr_lambda)
    fn = f.fn if not isinstance(f.fn, str) and not f.params else f  # a plain callable as before
    return _scaled(lr, Function(fn=_RunningProduct(fn)))


def StepLR(*, lr: float, step_size: int, gamma: float = 0.1) -> Product:
    """torch ``StepLR``: ``lr * gamma ** floor(t / step_size)``.

    ``step_size`` must be an int >= 1 (torch divides by it). ``gamma`` must be > 0; a
    ``gamma > 1`` (a growing lr, which torch allows) holds once ``lr * gamma**k`` would
    overflow, where torch's lr becomes inf.

    >>> s = StepLR(lr=1.0, step_size=3, gamma=0.1)
    >>> [f"{s(t):.3f}" for t in range(7)]
    ['1.000', '1.000', '1.000', '0.100', '0.100', '0.100', '0.010']
    """
    n = "StepLR"
    lr = _lr(n, lr)
    step_size = check_steps(n, "step_size", step_size)
    return _scaled(lr, _powers(n, _gamma(n, gamma), step_size, lr))


def MultiStepLR(*, lr: float, milestones: Sequence[int], gamma: float = 0.1) -> Product:
    """torch ``MultiStepLR``: ``lr * gamma ** (number of milestones <= t)``.

    As in torch (a ``Counter``), a milestone listed twice counts twice (``[2, 5, 5]`` gives
    ``gamma**3`` from t = 5), the order does not matter, and a milestone 0 applies from t = 0.
    Milestones must be ints >= 0 (torch never reaches a negative one when stepping, but its
    closed form counts it). Without duplicates this is a `lrcore.MultiStep`, with them a
    `lrcore.Piecewise`.

    >>> s = MultiStepLR(lr=1.0, milestones=[2, 5, 5], gamma=0.1)
    >>> [f"{s(t):.3f}" for t in range(7)]
    ['1.000', '1.000', '0.100', '0.100', '0.100', '0.000', '0.000']
    """
    n = "MultiStepLR"
    lr = _lr(n, lr)
    if isinstance(milestones, (str, bytes)) or not hasattr(milestones, "__iter__"):
        raise ScheduleTypeError(n, "milestones", "a list of ints >= 0", milestones)
    ms = sorted(check_steps(n, f"milestones[{i}]", m, low=0) for i, m in enumerate(check_list(n, "milestones", milestones)))
    gamma = _gamma(n, gamma)
    if not ms:
        return _scaled(lr, Constant(value=1.0))
    with renamed(n, factor="gamma", start_value="lr"):
        if len(set(ms)) == len(ms):
            return _scaled(lr, MultiStep(start_value=1.0, milestones=ms, factor=gamma))
        counts: dict[int, int] = {}
        for m in ms:
            counts[m] = counts.get(m, 0) + 1
        at0 = counts.pop(0, 0)
        if not counts:
            return _scaled(lr, Constant(value=gamma**at0))
        bounds, values, seen = sorted(counts), [gamma**at0], at0
        for b in bounds:
            seen += counts[b]
            values.append(gamma**seen)
        return _scaled(lr, Piecewise(values=values, boundaries=bounds))


def ConstantLR(*, lr: float, factor: float = 1.0 / 3, total_iters: int = 5) -> Product:
    """torch ``ConstantLR``: ``lr * factor`` for t < total_iters, then ``lr``.

    ``factor`` in [0, 1] (torch's check). ``total_iters`` must be an int >= 1 (torch's
    stepped form never restores the lr for 0). With ``factor=0`` torch's stepped form raises
    ZeroDivisionError at t = total_iters; this gives lr there, as torch's closed form.

    >>> s = ConstantLR(lr=1.0, factor=0.5, total_iters=2)
    >>> [s(t) for t in range(4)]
    [0.5, 0.5, 1.0, 1.0]
    """
    n = "ConstantLR"
    lr = _lr(n, lr)
    factor = _number(n, "factor", factor, low=0.0, high=1.0)
    total_iters = check_steps(n, "total_iters", total_iters)
    return _scaled(lr, Piecewise(values=[factor, 1.0], boundaries=[total_iters]))


def LinearLR(*, lr: float, start_factor: float = 1.0 / 3, end_factor: float = 1.0, total_iters: int = 5) -> Product:
    """torch ``LinearLR``: ``lr * (start + (end - start) * min(t, total_iters) / total_iters)``.

    ``start_factor`` in (0, 1] and ``end_factor`` in [0, 1] (torch's checks); ``total_iters``
    an int >= 1 (torch's closed form divides by it). Torch computes each lr from the last
    one by a ratio, so where the line ends at 0 it leaves a residue of rounding size (about
    1e-17 * lr) instead of 0.

    >>> s = LinearLR(lr=1.0, start_factor=0.25, end_factor=1.0, total_iters=3)
    >>> [f"{s(t):.2f}" for t in range(5)]
    ['0.25', '0.50', '0.75', '1.00', '1.00']
    """
    n = "LinearLR"
    lr = _lr(n, lr)
    start = _number(n, "start_factor", start_factor, low=0.0, high=1.0, low_open=True)
    end = _number(n, "end_factor", end_factor, low=0.0, high=1.0)
    total_iters = check_steps(n, "total_iters", total_iters)
    return _scaled(lr, Linear(start_value=start, end_value=end, steps=total_iters))


def ExponentialLR(*, lr: float, gamma: float) -> Product:
    """torch ``ExponentialLR``: ``lr * gamma ** t``.

    ``gamma`` must be > 0. For ``gamma > 1`` (allowed by torch) the value grows until
    ``lr * gamma**t`` would overflow, and holds from there (torch's lr becomes inf): a
    `lrcore.Restart` of a flat one-step cycle with ``decay=gamma``. The factor ``gamma**t`` is
    a float too, so for ``lr < 1`` the hold starts where ``gamma**t`` overflows, a few steps
    before torch's lr does (lr=0.1, gamma=2: lrcore holds 0.1 * 2**1023 from t = 1024, where
    torch goes on to 1.8e307 ... 1.4e308 and inf at t = 1028). A ``gamma <= 0`` (which
    torch accepts, giving 0 or lrs of alternating sign) is refused.

    >>> s = ExponentialLR(lr=1.0, gamma=0.5)
    >>> [s(t) for t in range(4)]
    [1.0, 0.5, 0.25, 0.125]
    >>> [f"{ExponentialLR(lr=1.0, gamma=2.0)(t):g}" for t in (0, 3, 1023, 1024, 5000)]
    ['1', '8', '8.98847e+307', '8.98847e+307', '8.98847e+307']
    """
    n = "ExponentialLR"
    lr = _lr(n, lr)
    return _scaled(lr, _powers(n, _gamma(n, gamma), 1, lr))


def PolynomialLR(*, lr: float, total_iters: int = 5, power: float = 1.0) -> Product:
    """torch ``PolynomialLR``: ``lr * (1 - min(t, total_iters) / total_iters) ** power``.

    ``total_iters`` an int >= 1 (torch divides by it); ``power`` >= 0 (0 keeps lr, since
    torch's ``0.0 ** 0`` is 1; a negative power divides by zero at t = total_iters in torch).

    >>> s = PolynomialLR(lr=1.0, total_iters=4, power=2.0)
    >>> [f"{s(t):.4f}" for t in range(6)]
    ['1.0000', '0.5625', '0.2500', '0.0625', '0.0000', '0.0000']
    """
    n = "PolynomialLR"
    lr = _lr(n, lr)
    total_iters = check_steps(n, "total_iters", total_iters)
    power = _number(n, "power", power, low=0.0)
    if power == 0.0:
        return _scaled(lr, Constant(value=1.0))
    return _scaled(lr, Polynomial(start_value=1.0, end_value=0.0, steps=total_iters, power=power))


def CosineAnnealingLR(*, lr: float, T_max: int, eta_min: float = 0.0) -> Schedule:
    """torch ``CosineAnnealingLR``: ``eta_min + (lr - eta_min) * (1 + cos(pi t / T_max)) / 2``, for every t.

    Periodic, as torch's closed form: down to ``eta_min`` at ``T_max``, back up to ``lr`` at
    ``2 T_max``, and so on (torch does not clamp). Built as a `lrcore.Restart` with period
    ``2 T_max`` of a cosine decay followed by a cosine ramp, both written without the
    cancellation of ``1 + cos`` near the minimum. With ``eta_min == 0`` it has the
    multiplicative shape ``Constant(lr) * factor``; otherwise ``eta_min`` is absolute.

    Torch's ``step()`` path is recursive (each lr from the last by a ratio of ``1 + cos``
    terms), so it drifts from this closed form: by rounding only in the first period, then by
    up to about ``T_max**2`` ulp of ``max(lr, eta_min)`` more at each pass through the minimum
    (measured: 2.2e-11 of lr after 10 periods of T_max = 1000). Its closed form
    (``step(epoch)``, SequentialLR milestones) loses digits near the minimum, an absolute
    error of about 1e-16 * (lr - eta_min), and rounds its angle ``pi t / T_max`` for large t.

    >>> s = CosineAnnealingLR(lr=1.0, T_max=4, eta_min=0.1)
    >>> [f"{s(t):.4f}" for t in (0, 1, 2, 4, 6, 8, 9)]
    ['1.0000', '0.8682', '0.5500', '0.1000', '0.5500', '1.0000', '0.8682']
    """
    n = "CosineAnnealingLR"
    lr = _lr(n, lr)
    T_max = check_steps(n, "T_max", T_max)
    eta_min = _number(n, "eta_min", eta_min)
    top, low = (1.0, 0.0) if eta_min == 0.0 else (lr, eta_min)
    with renamed(n, start_value="lr", end_value="eta_min", steps="T_max"):
        cycle = Sequential(parts=[Cosine(start_value=top, steps=T_max, end_value=low),
                                  Interpolate(boundaries=[0, T_max], values=[low, top], shape="cosine")])
        wave = Restart(cycle, period_steps=2 * T_max)
    return _scaled(lr, wave) if eta_min == 0.0 else wave


def CosineAnnealingWarmRestarts(*, lr: float, T_0: int, T_mult: int = 1, eta_min: float = 0.0) -> Restart:
    """torch ``CosineAnnealingWarmRestarts``: ``eta_min + (lr - eta_min) * (1 + cos(pi T_cur / T_i)) / 2``.

    Cycle i lasts ``T_i = T_0 * T_mult**i`` steps and ``T_cur`` counts the steps since it
    began: a `lrcore.Restart` of a `lrcore.Cosine`, ``period_steps=T_0``,
    ``period_mult=T_mult``. ``T_0`` an int >= 1 and ``T_mult`` an int >= 1 (torch's checks).

    The cycle of every integer step is exact, so the value at each restart is ``lr``. Torch's
    ``step()`` path agrees; its ``step(epoch)`` path finds the cycle with
    ``int(log(...))`` and is wrong at some restarts (T_0=1, T_mult=3 gives
    ``eta_min`` at epoch 121 instead of lr). Near each cycle's minimum torch's ``1 + cos``
    carries an absolute error of about 1e-16 * (lr - eta_min).

    >>> s = CosineAnnealingWarmRestarts(lr=1.0, T_0=2, T_mult=2)
    >>> [f"{s(t):.4f}" for t in range(8)]
    ['1.0000', '0.5000', '1.0000', '0.8536', '0.5000', '0.1464', '1.0000', '0.9619']
    """
    n = "CosineAnnealingWarmRestarts"
    lr = _lr(n, lr)
    T_0 = check_steps(n, "T_0", T_0)
    T_mult = check_steps(n, "T_mult", T_mult)
    eta_min = _number(n, "eta_min", eta_min)
    with renamed(n, start_value="lr", end_value="eta_min", period_mult="T_mult"):
        return Restart(Cosine(start_value=lr, steps=T_0, end_value=eta_min), period_steps=T_0,
                       period_mult=float(T_mult))


def _cyclic(n: str, low: float, high: float, step_size_up: Any, step_size_down: Any, mode: Any,
            gamma: Any, scale_fn: Any, scale_mode: Any) -> Schedule:
    up = check_steps(n, "step_size_up", step_size_up)
    down = up if step_size_down is None else check_steps(n, "step_size_down", step_size_down)
    if scale_fn is None:
        mode = check_choice(n, "mode", mode, ("triangular", "triangular2", "exp_range"))
        if mode == "exp_range":
            gamma = _number(n, "gamma", gamma, low=0.0, high=1.0, low_open=True)
        else:
            gamma = 1.0  # torch ignores gamma outside exp_range
        return Cyclic(low_value=low, high_value=high, up_steps=up, down_steps=down, mode=mode, gamma=gamma)
    fn = _callable(n, "scale_fn", scale_fn)
    scale_mode = check_choice(n, "scale_mode", scale_mode, ("cycle", "iterations"))
    scale = Function(fn=_CycleScale(fn, up + down) if scale_mode == "cycle" else fn)
    tri = Cyclic(low_value=0.0, high_value=high - low, up_steps=up, down_steps=down)
    return Sum(terms=(Constant(value=low), Product(factors=(tri, scale))))


def CyclicLR(*, base_lr: float, max_lr: float, step_size_up: int = 2000, step_size_down: int | None = None,
             mode: str = "triangular", gamma: float = 1.0, scale_fn: Callable[[int], float] | None = None,
             scale_mode: str = "cycle", cycle_momentum: bool = True, base_momentum: float = 0.8,
             max_momentum: float = 0.9) -> Schedule:
    """torch ``CyclicLR`` (the lr): ``base_lr + (max_lr - base_lr) * sf(t) * scale``.

    With ``S = up + down`` and ``u = t mod S``: ``sf = u / up`` rising, ``(S - u) / down``
    falling; ``scale`` is 1 ("triangular"), ``0.5 ** floor(t / S)`` ("triangular2"),
    ``gamma ** t`` ("exp_range", gamma in (0, 1]), or ``scale_fn(1 + floor(t / S))``
    (``scale_mode="cycle"``) / ``scale_fn(t)`` ("iterations") when ``scale_fn`` is given
    (then ``mode`` is ignored, as in torch). Step sizes are ints >= 1.

    The momentum torch cycles with it (for SGD momentum or Adam's ``betas[0]``) is
    `CyclicLR_momentum`, called with the same arguments:
    ``kw = dict(base_lr=..., max_lr=...); lr, m = CyclicLR(**kw), CyclicLR_momentum(**kw)``.
    Here ``cycle_momentum``, ``base_momentum`` and ``max_momentum`` are accepted and unused.

    Torch computes the phase as ``1 + t / S - floor(1 + t / S)``, which rounds to about
    ``(1 + t/S)`` ulp; lrcore's ``t mod S`` is exact for every integer step.

    >>> s = CyclicLR(base_lr=0.1, max_lr=1.0, step_size_up=4, step_size_down=2)
    >>> [f"{s(t):.3f}" for t in range(8)]
    ['0.100', '0.325', '0.550', '0.775', '1.000', '0.550', '0.100', '0.325']
    """
    n = "CyclicLR"
    base_lr = _lr(n, base_lr, "base_lr")
    max_lr = _lr(n, max_lr, "max_lr")
    check_bool(n, "cycle_momentum", cycle_momentum)
    _number(n, "base_momentum", base_momentum)
    _number(n, "max_momentum", max_momentum)
    return _cyclic(n, base_lr, max_lr, step_size_up, step_size_down, mode, gamma, scale_fn, scale_mode)


def CyclicLR_momentum(*, base_lr: float, max_lr: float, step_size_up: int = 2000, step_size_down: int | None = None,
                      mode: str = "triangular", gamma: float = 1.0, scale_fn: Callable[[int], float] | None = None,
                      scale_mode: str = "cycle", cycle_momentum: bool = True, base_momentum: float = 0.8,
                      max_momentum: float = 0.9) -> Schedule:
    """The momentum torch's ``CyclicLR`` writes (SGD ``momentum`` or Adam ``betas[0]``), same arguments as `CyclicLR`.

    ``max_momentum - (max_momentum - base_momentum) * sf(t) * scale``: inverse to the lr.
    ``cycle_momentum=False`` raises (torch then leaves the momentum alone).

    >>> m = CyclicLR_momentum(base_lr=0.1, max_lr=1.0, step_size_up=4, step_size_down=2)
    >>> [f"{m(t):.3f}" for t in range(7)]
    ['0.900', '0.875', '0.850', '0.825', '0.800', '0.850', '0.900']
    """
    n = "CyclicLR_momentum"
    _lr(n, base_lr, "base_lr")
    _lr(n, max_lr, "max_lr")
    if not check_bool(n, "cycle_momentum", cycle_momentum):
        raise ScheduleError(n, "cycle_momentum", "True for a momentum schedule (with False, torch leaves "
                            "the optimizer's momentum as it is)", cycle_momentum)
    base_m = _number(n, "base_momentum", base_momentum)
    max_m = _number(n, "max_momentum", max_momentum)
    return _cyclic(n, max_m, base_m, step_size_up, step_size_down, mode, gamma, scale_fn, scale_mode)


def _onecycle_steps(n: str, total_steps: Any, epochs: Any, steps_per_epoch: Any) -> int:
    if total_steps is not None:
        return check_steps(n, "total_steps", total_steps, low=2)
    if epochs is not None and steps_per_epoch is not None:
        e = check_steps(n, "epochs", epochs)
        per = check_steps(n, "steps_per_epoch", steps_per_epoch)
        if e * per < 2:
            raise ScheduleError(n, "epochs", "such that epochs * steps_per_epoch >= 2", e)
        return e * per
    raise ScheduleError(n, "total_steps", "an int >= 2, or None with both `epochs` and `steps_per_epoch` "
                        "given", total_steps)


def _torch_anneal(kind: str, start: float, end: float, pct: float) -> float:
    # OneCycleLR._annealing_cos / _annealing_linear, verbatim.
    if kind == "cos":
        return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
    return (end - start) * pct + start


def _onecycle_at_end(total: int, pct_start: float, three_phase: bool, kind: str, points: tuple[float, ...]) -> float:
    """Torch's value at t = total_steps: its last phase's formula, run past the phase's end."""
    if three_phase:
        start_step = float(2 * pct_start * total) - 2
        a, b = points[2], points[3]
    else:
        start_step = float(pct_start * total) - 1
        a, b = points[1], points[2]
    pct = (total - start_step) / ((total - 1) - start_step)
    return _torch_anneal(kind, a, b, pct)


def _onecycle(n: str, peak: float, total: int, pct_start: Any, anneal_strategy: Any, div_factor: Any,
              final_div_factor: Any, three_phase: Any, momentum: tuple[float, float] | None) -> Sequential:
    if not isinstance(pct_start, float):
        raise ScheduleTypeError(n, "pct_start", "a float in [0, 1]", pct_start)
    pct_start = _number(n, "pct_start", pct_start, low=0.0, high=1.0)
    kind = check_choice(n, "anneal_strategy", anneal_strategy, ("cos", "linear"))
    div = _number(n, "div_factor", div_factor, low=0.0, low_open=True)
    final_div = _number(n, "final_div_factor", final_div_factor, low=0.0, low_open=True)
    three = check_bool(n, "three_phase", three_phase)
    ends = (float(pct_start * total) - 1, float(2 * pct_start * total) - 2, total - 1) if three else \
        (float(pct_start * total) - 1, total - 1)
    if not all(b > a for a, b in zip((0.0, *ends), ends)):
        lim = "(total_steps + 1) / (2 total_steps)" if three else "1"
        raise ScheduleError(n, "pct_start", "such that every phase lasts more than 0 steps "
                            f"(1 < pct_start * total_steps, pct_start < {lim}); torch divides by zero or "
                            "starts inside the anneal otherwise", pct_start)
    names = dict(peak_value="max_lr", total_steps="total_steps", anneal="anneal_strategy")
    cycle: Schedule | None = None
    if momentum is None:
        initial = peak / div
        points = (initial, peak, initial, initial / final_div) if three else (initial, peak, initial / final_div)
        with renamed(n, **names):
            cycle = OneCycle(peak_value=peak, total_steps=total, pct_start=pct_start, div_factor=div,
                             final_div_factor=final_div, anneal=kind, three_phase=three)
    else:
        base_m, max_m = momentum
        points = (max_m, base_m, max_m, max_m) if three else (max_m, base_m, max_m)
        with renamed(n, peak_value="base_momentum", div_factor="max_momentum", anneal="anneal_strategy"):
            if base_m > 0.0 and max_m > 0.0 and base_m / (base_m / max_m) == max_m:
                try:  # max -> base -> max is a OneCycle with no final division
                    cycle = OneCycle(peak_value=base_m, total_steps=total, pct_start=pct_start,
                                     div_factor=base_m / max_m, final_div_factor=1.0, anneal=kind, three_phase=three)
                except ScheduleError:  # a momentum too small for OneCycle's values (below 1e-300)
                    pass
            if cycle is None:  # the same shape moved: (2 max - base) + OneCycle through base - max, 2 (base - max)
                cycle = Sum(terms=(Constant(value=2.0 * max_m - base_m), OneCycle(
                    peak_value=2.0 * (base_m - max_m), total_steps=total, pct_start=pct_start, div_factor=2.0,
                    final_div_factor=1.0, anneal=kind, three_phase=three)))
    at_end = _onecycle_at_end(total, pct_start, three, kind, points)
    return Sequential(parts=[cycle, Constant(value=at_end), Constant(value=points[-1])], boundaries=[total, total + 1])


def OneCycleLR(*, max_lr: float, total_steps: int | None = None, epochs: int | None = None,
               steps_per_epoch: int | None = None, pct_start: float = 0.3, anneal_strategy: str = "cos",
               cycle_momentum: bool = True, base_momentum: float = 0.85, max_momentum: float = 0.95,
               div_factor: float = 25.0, final_div_factor: float = 1e4, three_phase: bool = False) -> Sequential:
    """torch ``OneCycleLR`` (the lr): up from ``initial`` to ``max_lr``, then down to ``min_lr``.

    ``initial = max_lr / div_factor``, ``min_lr = initial / final_div_factor`` and
    ``N = total_steps`` (or ``epochs * steps_per_epoch``). Phases end at the float steps
    ``pct_start N - 1`` and ``N - 1`` (three phases: ``pct_start N - 1``, ``2 pct_start N - 2``,
    ``N - 1``, back to the initial value in between); in a phase from step a to b,
    ``p = (t - a) / (b - a)`` and the value anneals from its start to its end value by
    ``end + (start - end) (1 + cos(pi p)) / 2`` ("cos") or ``start + (end - start) p``
    ("linear"): a `lrcore.OneCycle`.

    Past the end, as torch: at ``t = N`` torch still steps and runs the last phase's formula
    past its end (the cosine rises again; the linear anneal goes below the minimum, negative
    for the defaults); this gives the same value there. Torch raises for ``t > N``; from
    ``N + 1`` on this holds the final value ``max_lr / div_factor / final_div_factor``.

    ``pct_start`` must be a float in [0, 1] (torch's check) with every phase longer than 0
    steps, and ``N >= 2``. The momentum (or Adam ``betas[0]``) torch cycles from
    ``max_momentum`` to ``base_momentum`` and back is `OneCycleLR_momentum`, called with the
    same arguments; here the momentum arguments are accepted and unused.

    >>> s = OneCycleLR(max_lr=1.0, total_steps=10)
    >>> [f"{s(t):.6f}" for t in (0, 1, 2, 3, 9, 10, 11)]
    ['0.040000', '0.520000', '1.000000', '0.950485', '0.000004', '0.049519', '0.000004']
    >>> f"{OneCycleLR(max_lr=1.0, total_steps=10, anneal_strategy='linear')(10):.4f}"
    '-0.1429'
    """
    n = "OneCycleLR"
    total = _onecycle_steps(n, total_steps, epochs, steps_per_epoch)
    peak = _number(n, "max_lr", max_lr, low=0.0)
    check_bool(n, "cycle_momentum", cycle_momentum)
    _number(n, "base_momentum", base_momentum)
    _number(n, "max_momentum", max_momentum)
    return _onecycle(n, peak, total, pct_start, anneal_strategy, div_factor, final_div_factor, three_phase, None)


def OneCycleLR_momentum(*, max_lr: float, total_steps: int | None = None, epochs: int | None = None,
                        steps_per_epoch: int | None = None, pct_start: float = 0.3, anneal_strategy: str = "cos",
                        cycle_momentum: bool = True, base_momentum: float = 0.85, max_momentum: float = 0.95,
                        div_factor: float = 25.0, final_div_factor: float = 1e4,
                        three_phase: bool = False) -> Sequential:
    """The momentum torch's ``OneCycleLR`` writes (SGD ``momentum``, Adam ``betas[0]``); arguments as `OneCycleLR`.

    Inverse to the lr over the same phases: ``max_momentum`` down to ``base_momentum`` while
    the lr rises, back up while it falls (three phases: down, up, then flat at
    ``max_momentum``). At ``t = N`` the last phase's formula runs past its end as for the lr;
    from ``N + 1`` on ``max_momentum`` holds. ``cycle_momentum=False`` raises (torch then
    leaves the momentum alone).

    >>> m = OneCycleLR_momentum(max_lr=1.0, total_steps=10)
    >>> [f"{m(t):.4f}" for t in (0, 1, 2, 3, 9, 10)]
    ['0.9500', '0.9000', '0.8500', '0.8550', '0.9500', '0.9450']
    """
    n = "OneCycleLR_momentum"
    total = _onecycle_steps(n, total_steps, epochs, steps_per_epoch)
    _number(n, "max_lr", max_lr, low=0.0)
    if not check_bool(n, "cycle_momentum", cycle_momentum):
        raise ScheduleError(n, "cycle_momentum", "True for a momentum schedule (with False, torch leaves "
                            "the optimizer's momentum as it is)", cycle_momentum)
    base_m = _number(n, "base_momentum", base_momentum)
    max_m = _number(n, "max_momentum", max_momentum)
    return _onecycle(n, 0.0, total, pct_start, anneal_strategy, div_factor, final_div_factor, three_phase,
                     (base_m, max_m))


def _child(n: str, i: int, s: Any) -> Schedule:
    if isinstance(s, PlateauSchedule):
        raise ScheduleError(n, f"schedulers[{i}]", "a schedule of the step (torch refuses ReduceLROnPlateau "
                            "here: it needs the metric)", s)
    if not isinstance(s, Schedule):
        raise ScheduleTypeError(n, f"schedulers[{i}]", "a Schedule", s)
    return s


def SequentialLR(*, schedulers: Sequence[Schedule], milestones: Sequence[int]) -> Schedule:
    """torch ``SequentialLR``: scheduler i runs from ``milestones[i-1]`` on, in its own time ``t - milestones[i-1]``.

    In torch 2.13 a scheduler starts at each milestone from its closed form at its step 0,
    so this is `lrcore.Sequential` with ``boundaries=milestones``. One torch
    quirk is kept: `MultiplicativeLR` has no closed form, and at its milestone m torch
    multiplies the lr of step ``m - 1`` by ``lr_lambda(0)``, then goes on with
    ``lr_lambda(1)``, ...; a `MultiplicativeLR` result given here (as it is, not wrapped)
    starts that way. Milestones are ints >= 0 in non-decreasing order; a scheduler whose
    stretch is empty (milestone 0, or a repeated milestone) never runs, as in torch.

    The schedulers are independent here, each with its own ``lr``; torch runs them on one
    optimizer, so give each the same ``lr`` (CyclicLR and OneCycleLR set their own values in
    torch too). Nested SequentialLR or ChainedScheduler results run in local time; torch
    cannot restart those at a milestone (their ``get_lr`` raises).

    >>> s = SequentialLR(schedulers=[LinearLR(lr=1.0, start_factor=0.1, total_iters=5),
    ...                              CosineAnnealingLR(lr=1.0, T_max=10)], milestones=[5])
    >>> [f"{s(t):.4f}" for t in (0, 1, 4, 5, 6, 15, 20)]
    ['0.1000', '0.2800', '0.8200', '1.0000', '0.9755', '0.0000', '0.5000']
    """
    n = "SequentialLR"
    if isinstance(schedulers, (Schedule, PlateauSchedule, str, bytes)) or not hasattr(schedulers, "__iter__"):
        raise ScheduleTypeError(n, "schedulers", "a non-empty list of schedules", schedulers)
    parts = [_child(n, i, s) for i, s in enumerate(check_list(n, "schedulers", schedulers))]
    if not parts:
        raise ScheduleError(n, "schedulers", "a non-empty list of schedules", [])
    if isinstance(milestones, (str, bytes)) or not hasattr(milestones, "__iter__"):
        raise ScheduleTypeError(n, "milestones", "a list of ints >= 0", milestones)
    ms = [check_steps(n, f"milestones[{i}]", m, low=0) for i, m in enumerate(check_list(n, "milestones", milestones))]
    if len(ms) != len(parts) - 1:
        raise ScheduleError(n, "milestones", f"a list of len(schedulers) - 1 = {len(parts) - 1} ints", ms)
    if any(b < a for a, b in zip(ms, ms[1:])):
        raise ScheduleError(n, "milestones", "in non-decreasing order", ms)
    starts = [0, *ms]
    ends = [*ms, None]
    kept: list[Schedule] = []
    bounds: list[int] = []
    for part, a, b in zip(parts, starts, ends):
        if b is not None and b <= a:
            continue  # never active: torch skips it too
        split = _split(part) if kept and a > 0 else None
        if split is not None:
            factors = split[1]
            running = _running_product(factors[0]) if len(factors) == 1 else None
            if running is not None and running.first == 1:
                so_far = kept[0] if len(kept) == 1 else Sequential(parts=kept, boundaries=bounds)
                part = _scaled(so_far(a - 1), Function(fn=_RunningProduct(running.lr_lambda, first=0)))
        if kept:
            bounds.append(a)
        kept.append(part)
    if len(kept) == 1:
        return kept[0]
    return Sequential(parts=kept, boundaries=bounds)


def ChainedScheduler(*, schedulers: Sequence[Schedule]) -> Product:
    """torch ``ChainedScheduler``: the schedulers step in turn, so their factors multiply: ``lr * f1(t) * f2(t) ...``.

    Torch's chainable classes each multiply the lr by the ratio of their factor from one step
    to the next, so chained they give the product of their factors times the common ``lr``.
    Each scheduler must be a multiplicative catalog result ``Constant(lr) * factor``, all
    with the same ``lr`` (torch shares the optimizer's): StepLR, MultiStepLR, ConstantLR,
    LinearLR, ExponentialLR, PolynomialLR, MultiplicativeLR, another ChainedScheduler, and
    CosineAnnealingLR with ``eta_min=0``.

    Refused, as torch does not multiply them: LambdaLR, CosineAnnealingWarmRestarts, CyclicLR
    and OneCycleLR compute the lr from scratch each step, overwriting the others' factors;
    CosineAnnealingLR with ``eta_min != 0`` moves the lr towards ``eta_min`` (not a factor);
    SequentialLR resets at its milestones; ReduceLROnPlateau (torch refuses it too).
    CosineAnnealingLR with ``eta_min=0`` is a factor only up to ``T_max``: where it is 0 torch
    restarts it by adding to the lr, which drops the other factors from then on; this keeps
    the product.

    >>> s = ChainedScheduler(schedulers=[ConstantLR(lr=1.0, factor=0.1, total_iters=2),
    ...                                  ExponentialLR(lr=1.0, gamma=0.9)])
    >>> [f"{s(t):.4f}" for t in range(5)]
    ['0.1000', '0.0900', '0.8100', '0.7290', '0.6561']
    """
    n = "ChainedScheduler"
    if isinstance(schedulers, (Schedule, PlateauSchedule, str, bytes)) or not hasattr(schedulers, "__iter__"):
        raise ScheduleTypeError(n, "schedulers", "a non-empty list of schedules", schedulers)
    children = [_child(n, i, s) for i, s in enumerate(check_list(n, "schedulers", schedulers))]
    if not children:
        raise ScheduleError(n, "schedulers", "a non-empty list of schedules", [])
    lr: float | None = None
    factors: list[Schedule] = []
    products: list[Product] = []
    for i, s in enumerate(children):
        split = _split(s)
        if split is None or not isinstance(s, Product) or any(isinstance(f, Function) and not isinstance(f.fn, _RunningProduct) for f in split[1]):
            raise ScheduleError(n, f"schedulers[{i}]", "a multiplicative catalog schedule Constant(lr) * factor "
                                "(StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR, PolynomialLR, "
                                "MultiplicativeLR, CosineAnnealingLR with eta_min=0); torch's LambdaLR, "
                                "CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR and SequentialLR overwrite "
                                "the lr in a chain instead of multiplying it", s)
        if lr is not None and split[0] != lr:
            raise ScheduleError(n, f"schedulers[{i}]", f"a schedule with the same lr as schedulers[0] ({lr!r}): "
                                "torch's chain shares the optimizer's lr", s)
        lr = split[0]
        factors.extend(split[1])
        products.append(s)
    if len(products) == 1:
        return products[0]
    return Product(factors=(Constant(value=lr), *factors))


def ReduceLROnPlateau(*, lr: float, mode: str = "min", factor: float = 0.1, patience: int = 10,
                      threshold: float = 1e-4, threshold_mode: str = "rel", cooldown: int = 0,
                      min_lr: float = 0.0, eps: float = 1e-8) -> PlateauSchedule:
    """torch ``ReduceLROnPlateau``: ``Constant(lr) * Plateau(...)``, a `lrcore.PlateauSchedule`.

    On the ``patience + 1``-th metric in a row that does not improve on the best (``a <
    best * (1 - threshold)`` for "min"/"rel", ``a < best - threshold`` for "abs", mirrored for
    "max"), the lr becomes ``max(lr * factor, min_lr)``, applied only if it drops by more
    than ``eps``; ``cooldown`` metrics then pass without counting. The comparison (and the
    best) goes on during cooldown, as in torch. torch's absolute ``min_lr`` and ``eps`` are
    divided by ``lr`` into the Plateau's units (a negative ``min_lr`` bounds nothing, as in
    torch). Evaluate with ``value(step, state)``, states from ``init()`` and
    ``update(state, metric)``; adapters take the metric in ``step(metric)``.

    ``factor`` in (0, 1) (torch: "Factor should be < 1.0"); ``patience`` and ``cooldown``
    ints >= 0; ``threshold`` and ``eps`` >= 0.

    >>> s = ReduceLROnPlateau(lr=0.1, factor=0.5, patience=1)
    >>> st = s.init()
    >>> for metric in (1.0, 2.0, 2.0, 2.0):
    ...     st = s.update(st, metric)
    >>> s.value(4, st)
    0.05
    """
    n = "ReduceLROnPlateau"
    lr = _lr(n, lr)
    factor = _number(n, "factor", factor, low=0.0, high=1.0, low_open=True, high_open=True)
    mode = check_choice(n, "mode", mode, ("min", "max"))
    threshold_mode = check_choice(n, "threshold_mode", threshold_mode, ("rel", "abs"))
    threshold = _number(n, "threshold", threshold, low=0.0)
    patience = check_int(n, "patience", patience, low=0, high=MAX_STEPS)
    cooldown = check_int(n, "cooldown", cooldown, low=0, high=MAX_STEPS)
    min_lr = max(_number(n, "min_lr", min_lr), 0.0)
    eps = _number(n, "eps", eps, low=0.0)
    with renamed(n, min_value="min_lr"):
        plateau = Plateau(mode=mode, factor=factor, patience=patience, threshold=threshold,
                          threshold_mode=threshold_mode, cooldown=cooldown,
                          min_value=min_lr if lr > 0.0 else 0.0, eps=eps if lr > 0.0 else 0.0,
                          unit=lr if lr > 0.0 else 1.0)  # absolute min_lr and eps, as torch compares them
    return PlateauSchedule(schedule=Constant(value=lr), plateau=plateau)  # Constant(lr) * plateau
