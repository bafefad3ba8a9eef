"""PaddlePaddle's schedulers (``paddle.optimizer.lr``, 3.3.1) as lrcore trees, under paddle's names.

``lrcore.catalog.paddle.CosineAnnealingDecay(learning_rate=0.1, T_max=100)`` returns a
`lrcore.Schedule` whose value at step t is what paddle's scheduler of that name returns after
t calls of ``step()`` (``scheduler()`` right after construction is step 0): same parameter
names and defaults, paddle's conventions and quirks. Every paddle scheduler
returns an absolute rate, so these do too; drive an optimizer with
``lrcore.adapters.paddle.ScheduleLR(schedule)``. This module is pure lrcore: it never imports
paddle (or numpy).

Parameters are checked with paddle's own conditions, reported in lrcore's error template
(``StepDecay: `gamma` must be a number > 0.0 and < 1.0, got gamma=1.5``). Where paddle
accepts a value that has no finite schedule, or that lrcore cannot represent, the condition
is stricter and says so: a ``gamma <= 0`` of the decays, ``total_steps < 2`` or a phase of
zero steps in `OneCycleLR` (paddle divides by zero), boundaries that are not strictly
increasing ints >= 1 in `PiecewiseDecay`.

Where paddle computes a value by recursion (`CosineAnnealingDecay`, `LinearLR`: each rate
from the previous one) the tree is the closed form those recursions approximate; paddle
drifts from it by rounding. `CosineAnnealingWarmRestarts` is the ``step()``
path; paddle's ``step(epoch)`` misplaces some restarts, lrcore does not.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from numbers import Integral

from .._base import Schedule
from .._combinators import Product, Restart, Sequential, Sum, Warmup
from .._errors import MAX_STEPS, ScheduleError, ScheduleTypeError, check_bool, check_list, check_real
from .._plateau import Plateau, PlateauSchedule
from .._primitives import (
    Constant,
    Cosine,
    Cyclic,
    Exponential,
    Function,
    InverseTime,
    function_of,
    Linear,
    MultiStep,
    Noam,
    OneCycle,
    Piecewise,
    Polynomial,
)

TYPE_CHECKING = False  # typing is not imported at run time
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

__all__ = [
    "NoamDecay", "PiecewiseDecay", "NaturalExpDecay", "InverseTimeDecay", "PolynomialDecay",
    "LinearWarmup", "ExponentialDecay", "MultiStepDecay", "StepDecay", "LambdaDecay",
    "MultiplicativeDecay", "CosineAnnealingDecay", "OneCycleLR", "CyclicLR", "LinearLR",
    "CosineAnnealingWarmRestarts", "ReduceOnPlateau",
]

_LN2 = math.log(2.0)


# ----------------------------------------------------------------------------- checks

def _rate(fn: str, field_: str, x: Any) -> float:
    """paddle's LRScheduler check of a base rate: a number >= 0."""
    return check_real(fn, field_, x, low=0.0)


def _int(fn: str, field_: str, x: Any, low: int = 1) -> int:
    what = f"an int >= {low} and <= {MAX_STEPS}"
    if not isinstance(x, Integral) or isinstance(x, bool):
        raise ScheduleTypeError(fn, field_, what, x)
    if not low <= int(x) <= MAX_STEPS:
        raise ScheduleError(fn, field_, what, x)
    return int(x)


def _decay_gamma(fn: str, x: Any) -> float:
    # paddle: gamma < 1.0; lrcore's decays need gamma > 0 (a factor 0 or below has no decay).
    return check_real(fn, "gamma", x, low=0.0, high=1.0, low_open=True, high_open=True)


def _fn_label(fn: Any) -> str:
    """A stable label for a user function: ``module:qualname#hash-of-code`` (no memory address)."""
    code = getattr(fn, "__code__", None)
    body = hashlib.sha256(repr((code.co_code, code.co_consts, code.co_names)).encode()).hexdigest()[:12] if code else ""
    name = f"{getattr(fn, '__module__', '?')}:{getattr(fn, '__qualname__', type(fn).__qualname__)}"
    return f"{name}#{body}" if body else name


# ----------------------------------------------------------------------------- schedulers

def NoamDecay(d_model: float, warmup_steps: int, learning_rate: float = 1.0) -> Schedule:
    """paddle NoamDecay: ``lr * d_model**-0.5 * min(a, t * warmup_steps**-1.5)``, ``a = 1`` at t = 0, else ``t**-0.5``.

    So the value at t = 0 is 0. lr = ``learning_rate``.

    >>> s = NoamDecay(d_model=1, warmup_steps=2)
    >>> [f"{s(t):.4f}" for t in range(5)]
    ['0.0000', '0.3536', '0.7071', '0.5774', '0.5000']
    """
    fn = "NoamDecay"
    d = check_real(fn, "d_model", d_model, low=0.0, low_open=True)
    w = _int(fn, "warmup_steps", warmup_steps)
    return Noam(d_model=d, warmup_steps=w, scale=_rate(fn, "learning_rate", learning_rate))


def PiecewiseDecay(boundaries: Sequence[int], values: Sequence[float]) -> Schedule:
    """paddle PiecewiseDecay: ``values[i]`` for the first i with ``t < boundaries[i]``, else ``values[-1]``.

    The new value applies at t == boundary. paddle needs ``len(values) > len(boundaries)``;
    with more values than ``len(boundaries) + 1`` the ones between are never used (paddle
    returns ``values[-1]`` after the last boundary), and so it is here. Boundaries must be
    strictly increasing ints >= 1 (paddle does not check; a boundary <= 0 would never apply).

    >>> s = PiecewiseDecay(boundaries=[2, 4], values=[1.0, 0.5, 0.1])
    >>> [s(t) for t in range(6)]
    [1.0, 1.0, 0.5, 0.5, 0.1, 0.1]
    """
    fn = "PiecewiseDecay"
    if isinstance(boundaries, (str, bytes)) or not hasattr(boundaries, "__len__"):
        raise ScheduleTypeError(fn, "boundaries", "a non-empty list of ints", boundaries)
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise ScheduleTypeError(fn, "values", "a list of numbers", values)
    b, v = check_list(fn, "boundaries", boundaries), check_list(fn, "values", values)
    if not b:
        raise ScheduleError(fn, "boundaries", "a non-empty list of ints", b)
    for i, x in enumerate(b):
        _int(fn, f"boundaries[{i}]", x, low=1)
    if any(y <= x for x, y in zip(b, b[1:])):
        raise ScheduleError(fn, "boundaries", "strictly increasing", b)
    if len(v) <= len(b):
        raise ScheduleError(fn, "values", f"a list of more than len(boundaries) = {len(b)} numbers", v)
    for i, x in enumerate(v):
        check_real(fn, f"values[{i}]", x)
    return Piecewise(values=[*v[:len(b)], v[-1]], boundaries=b)


def NaturalExpDecay(learning_rate: float, gamma: float) -> Schedule:
    """paddle NaturalExpDecay: ``lr * exp(-gamma * t)``.

    Built as ``Exponential(lr, factor=0.5, every=ln 2 / gamma)``: an exact factor, so the value
    agrees with paddle's ``exp`` to ``~gamma t`` ulp, a few hundred at most before the value
    underflows (``factor=exp(-gamma)`` would drift by t ulp).

    >>> s = NaturalExpDecay(learning_rate=1.0, gamma=0.5)
    >>> [f"{s(t):.4f}" for t in (0, 1, 2, 10)]
    ['1.0000', '0.6065', '0.3679', '0.0067']
    """
    fn = "NaturalExpDecay"
    lr = _rate(fn, "learning_rate", learning_rate)
    g = check_real(fn, "gamma", gamma, low=0.0, low_open=True)
    every = _LN2 / g
    if not math.isfinite(every):
        raise ScheduleError(fn, "gamma", "a number > 0 with a finite ln(2) / gamma", gamma)
    return Exponential(start_value=lr, factor=0.5, every=every)


def InverseTimeDecay(learning_rate: float, gamma: float) -> Schedule:
    """paddle InverseTimeDecay: ``lr / (1 + gamma * t)``.

    paddle does not check gamma; a negative one reaches a division by zero, so here
    gamma must be >= 0.

    >>> s = InverseTimeDecay(learning_rate=1.0, gamma=0.5)
    >>> [f"{s(t):.4f}" for t in (0, 1, 2, 6)]
    ['1.0000', '0.6667', '0.5000', '0.2500']
    """
    fn = "InverseTimeDecay"
    return InverseTime(start_value=_rate(fn, "learning_rate", learning_rate),
                       rate=check_real(fn, "gamma", gamma, low=0.0))


def PolynomialDecay(learning_rate: float, decay_steps: int, end_lr: float = 0.0001, power: float = 1.0,
                    cycle: bool = False) -> Schedule:
    """paddle PolynomialDecay: ``(lr - end_lr) * (1 - t' / D') ** power + end_lr``, D = ``decay_steps``.

    ``cycle=False``: ``t' = min(t, D)``, ``D' = D`` (then ``end_lr`` holds).
    ``cycle=True``: ``t' = t``, ``D' = D * ceil(t / D)`` (``D`` at t = 0): on ``(kD, (k+1)D]``
    the decay of one long polynomial over ``[0, (k+1)D]``, so cycle k starts at
    ``(lr - end_lr) * (1 - k/(k+1)) ** power + end_lr`` and the value is ``end_lr`` at every
    multiple of D: lrcore's ``Polynomial(..., cycle=True)``.

    >>> s = PolynomialDecay(learning_rate=1.0, decay_steps=3, end_lr=0.1)
    >>> [f"{s(t):.2f}" for t in range(6)]
    ['1.00', '0.70', '0.40', '0.10', '0.10', '0.10']
    >>> s = PolynomialDecay(learning_rate=1.0, decay_steps=3, end_lr=0.1, cycle=True)
    >>> [f"{s(t):.2f}" for t in range(9)]
    ['1.00', '0.70', '0.40', '0.10', '0.40', '0.25', '0.10', '0.30', '0.20']
    """
    fn = "PolynomialDecay"
    lr = _rate(fn, "learning_rate", learning_rate)
    d = _int(fn, "decay_steps", decay_steps)
    end = check_real(fn, "end_lr", end_lr)
    p = check_real(fn, "power", power, low=0.0, low_open=True)
    return Polynomial(start_value=lr, end_value=end, steps=d, power=p, cycle=check_bool(fn, "cycle", cycle))


def LinearWarmup(learning_rate: float | Schedule, warmup_steps: int, start_lr: float, end_lr: float) -> Schedule:
    """paddle LinearWarmup: ``start_lr + (end_lr - start_lr) * t / W`` for t < W, then ``learning_rate``.

    W = ``warmup_steps``. ``learning_rate`` is a number or an lrcore schedule (one of this
    catalog, say); a schedule starts at its own step 0 at t = W (paddle steps the inner
    scheduler to ``t - W``, with its closed form where it has one). The warmup
    never reaches ``end_lr`` (its last value, at t = W - 1, is ``start + (end - start)(W-1)/W``),
    and jumps to the inner value at W if that is not ``end_lr``. paddle requires
    ``end_lr > start_lr``, and ``start_lr >= 0`` (its initial rate).

    >>> s = LinearWarmup(learning_rate=StepDecay(learning_rate=0.5, step_size=3), warmup_steps=4, start_lr=0.0, end_lr=1.0)
    >>> [f"{s(t):.3f}" for t in range(10)]
    ['0.000', '0.250', '0.500', '0.750', '0.500', '0.500', '0.500', '0.050', '0.050', '0.050']
    """
    fn = "LinearWarmup"
    if isinstance(learning_rate, Schedule):
        inner: Schedule = learning_rate
    elif isinstance(learning_rate, PlateauSchedule):
        raise ScheduleTypeError(fn, "learning_rate", "a number or an lrcore Schedule (a plateau needs the metric; "
                                "warm up the schedule and scale the result by the Plateau)", learning_rate)
    else:
        if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)):
            raise ScheduleTypeError(fn, "learning_rate", "a number or an lrcore Schedule", learning_rate)
        inner = Constant(value=check_real(fn, "learning_rate", learning_rate))
    w = _int(fn, "warmup_steps", warmup_steps)
    start = _rate(fn, "start_lr", start_lr)
    end = check_real(fn, "end_lr", end_lr)
    if not end > start:
        raise ScheduleError(fn, "end_lr", f"a number > start_lr = {start!r}", end_lr)
    if inner(0) == end:
        return Warmup(inner, warmup_steps=w, start_value=start)
    return Sequential(parts=[Warmup(Constant(value=end), warmup_steps=w, start_value=start), inner], boundaries=[w])


def ExponentialDecay(learning_rate: float, gamma: float) -> Schedule:
    """paddle ExponentialDecay: ``lr * gamma ** t``, ``0 < gamma < 1``.

    >>> s = ExponentialDecay(learning_rate=1.0, gamma=0.5)
    >>> [s(t) for t in range(4)]
    [1.0, 0.5, 0.25, 0.125]
    """
    fn = "ExponentialDecay"
    return Exponential(start_value=_rate(fn, "learning_rate", learning_rate), factor=_decay_gamma(fn, gamma))


def MultiStepDecay(learning_rate: float, milestones: Sequence[int], gamma: float = 0.1) -> Schedule:
    """paddle MultiStepDecay: ``lr * gamma ** (number of milestones <= t)``.

    Milestones: a list or tuple of strictly increasing ints >= 0 (empty: a constant).
    paddle checks ``gamma < 1``; a decay also needs ``gamma > 0``.

    >>> s = MultiStepDecay(learning_rate=1.0, milestones=[2, 4], gamma=0.1)
    >>> [f"{s(t):.2f}" for t in range(6)]
    ['1.00', '1.00', '0.10', '0.10', '0.01', '0.01']
    """
    fn = "MultiStepDecay"
    lr = _rate(fn, "learning_rate", learning_rate)
    if not isinstance(milestones, (list, tuple)):
        raise ScheduleTypeError(fn, "milestones", "a list or tuple of ints", milestones)
    ms = [_int(fn, f"milestones[{i}]", m, low=0) for i, m in enumerate(check_list(fn, "milestones", milestones))]
    if any(b <= a for a, b in zip(ms, ms[1:])):
        raise ScheduleError(fn, "milestones", "strictly increasing", list(milestones))
    g = _decay_gamma(fn, gamma)
    if not ms:
        return Constant(value=lr)
    return MultiStep(start_value=lr, milestones=ms, factor=g)


def StepDecay(learning_rate: float, step_size: int, gamma: float = 0.1) -> Schedule:
    """paddle StepDecay: ``lr * gamma ** floor(t / step_size)``.

    >>> s = StepDecay(learning_rate=1.0, step_size=2, gamma=0.5)
    >>> [s(t) for t in range(6)]
    [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    """
    fn = "StepDecay"
    lr = _rate(fn, "learning_rate", learning_rate)
    size = _int(fn, "step_size", step_size)
    return Exponential(start_value=lr, factor=_decay_gamma(fn, gamma), every=size, staircase=True)


def LambdaDecay(learning_rate: float, lr_lambda: Callable[..., float] | str | Function) -> Schedule:
    """paddle LambdaDecay: ``lr * lr_lambda(t)``.

    The step reaches ``lr_lambda`` as a float (``3.0``; paddle passes the int 3), as for
    every lrcore `Function`: write the function for numbers, not for list indices. A
    module-level function is stored in the config by reference; a lambda is not storable.
    A function registered with `lrcore.register_function`, its name, or, with keyword
    arguments, ``lrcore.Function(name, params={...})`` is stored by name (value
    ``lr * fn(t, **params)``) and loads without ``allow_functions``.

    >>> s = LambdaDecay(learning_rate=0.5, lr_lambda=lambda t: 0.9 ** t)
    >>> [f"{s(t):.4f}" for t in range(3)]
    ['0.5000', '0.4500', '0.4050']
    """
    fn = "LambdaDecay"
    lr = _rate(fn, "learning_rate", learning_rate)
    return Product(factors=(Constant(value=lr), function_of(fn, "lr_lambda", lr_lambda)))


@dataclass(frozen=True)
class _Cumulative:
    """``learning_rate * prod(lr_lambda(k) for k = 1..t)`` in paddle's order; extending the last
    product when the steps go forward (same floats as recomputing, O(1) per training step)."""

    learning_rate: float
    lr_lambda: Callable[[int], float]
    _last: list[Any] = field(default_factory=lambda: [0, None], init=False, repr=False, compare=False, hash=False)

    def __call__(self, step: float) -> float:
        t = int(step)  # paddle's range(1, last_epoch + 1)
        v: float | None
        k, v = self._last
        if v is None or t < k:
            k, v = 0, self.learning_rate
        for e in range(k + 1, t + 1):
            v = v * self.lr_lambda(e)
        self._last[:] = [t, v]
        return v

    def __repr__(self) -> str:
        return f"MultiplicativeDecay(learning_rate={self.learning_rate!r}, lr_lambda=<{_fn_label(self.lr_lambda)}>)"


def MultiplicativeDecay(learning_rate: float, lr_lambda: Callable[[int], float] | str | Function) -> Schedule:
    """paddle MultiplicativeDecay: ``lr * lr_lambda(1) * lr_lambda(2) * ... * lr_lambda(t)``.

    A `Function` (a running product of a user function has no closed form); ``lr_lambda``
    gets int epochs, as in paddle. Eager only (Python numbers and numpy), and its config cannot
    be stored; for a constant factor use `ExponentialDecay`. ``lr_lambda`` may also be a
    registered function, its name, or ``lrcore.Function(name, params={...})`` (as for
    `LambdaDecay`): the product calls that Function; its fingerprint holds name and params.

    >>> s = MultiplicativeDecay(learning_rate=0.5, lr_lambda=lambda e: 0.95)
    >>> [f"{s(t):.5f}" for t in range(3)]
    ['0.50000', '0.47500', '0.45125']
    """
    fn = "MultiplicativeDecay"
    lr = _rate(fn, "learning_rate", learning_rate)
    f = function_of(fn, "lr_lambda", lr_lambda)
    call = f.fn if not isinstance(f.fn, str) and not f.params else f  # a plain callable as before
    return Function(fn=_Cumulative(learning_rate=lr, lr_lambda=call))


def CosineAnnealingDecay(learning_rate: float, T_max: int, eta_min: float = 0.0) -> Schedule:
    """paddle CosineAnnealingDecay, closed form: ``eta_min + (lr - eta_min) * (1 + cos(pi t / T_max)) / 2``.

    Periodic, like paddle (and torch) past T_max: down over ``[0, T_max]``, back up over
    ``[T_max, 2 T_max]``, and again. paddle's ``step()`` computes each value from the
    previous one with ``1 + cos``, which loses an absolute ~eps * (lr - eta_min) near each
    minimum (1e-11 relative there for T_max=1000) and carries it on (4.5e-11
    after 50 periods of 1000 steps); its ``step(epoch)`` is the closed form, with the same
    ``1 + cos``. This tree is a `Restart` of a cosine decay followed by a cosine ramp, both
    anchored at ``eta_min`` and computed as ``sin**2``: exact to a few ulp everywhere.

    >>> s = CosineAnnealingDecay(learning_rate=1.0, T_max=4, eta_min=0.1)
    >>> [f"{s(t):.4f}" for t in range(10)]
    ['1.0000', '0.8682', '0.5500', '0.2318', '0.1000', '0.2318', '0.5500', '0.8682', '1.0000', '0.8682']
    """
    fn = "CosineAnnealingDecay"
    lr = _rate(fn, "learning_rate", learning_rate)
    t_max = _int(fn, "T_max", T_max)
    eta = check_real(fn, "eta_min", eta_min)
    period = Sequential(parts=[Cosine(start_value=lr, steps=t_max, end_value=eta),
                               Warmup(Constant(value=lr), warmup_steps=t_max, start_value=eta, shape="cosine")])
    return Restart(period, period_steps=2 * t_max)


def _onecycle_at(step: int, total_steps: int, initial: float, peak: float, end: float, pct: float,
                 anneal: str, three_phase: bool) -> float:
    """paddle OneCycleLR.get_lr at `step`, in paddle's own arithmetic (used for t = total_steps)."""
    n = total_steps
    if three_phase:
        cfg = [0, pct * n - 1, 2 * pct * n - 2, n - 1, n - 1]
        sizes = [cfg[1] - cfg[0], cfg[2] - cfg[1], cfg[3] - cfg[2], cfg[3] - cfg[2]]
        lrs = [initial, peak, initial, end]
    else:
        cfg = [0, pct * n - 1, n - 1, n - 1]
        sizes = [cfg[1] - cfg[0], cfg[2] - cfg[1], cfg[2] - cfg[1]]
        lrs = [initial, peak, end]
    for i, (end_step, size) in enumerate(zip(cfg[1:], sizes)):
        if step <= end_step or i == len(lrs) - 2:
            p = (step - cfg[i]) / size
            if anneal == "cos":
                return lrs[i + 1] + (lrs[i] - lrs[i + 1]) / 2.0 * (math.cos(math.pi * p) + 1)
            return (lrs[i + 1] - lrs[i]) * p + lrs[i]
    raise AssertionError("unreachable")  # pragma: no cover


def OneCycleLR(max_learning_rate: float, total_steps: int, divide_factor: float = 25.0,
               end_learning_rate: float = 0.0001, phase_pct: float = 0.3, anneal_strategy: str = "cos",
               three_phase: bool = False) -> Schedule:
    """paddle OneCycleLR: torch's one-cycle phases, but ``end_learning_rate`` is an absolute rate.

    From ``max_learning_rate / divide_factor`` up to ``max_learning_rate`` until step
    ``phase_pct * N - 1``, then down to ``end_learning_rate`` at ``N - 1`` (N =
    ``total_steps``; ``three_phase``: back to the initial rate at ``2 phase_pct N - 2`` first),
    annealing by cosine or linearly (`lrcore.OneCycle`). At t = N paddle extrapolates the
    last phase one step further (cosine: back up; linear: below ``end_learning_rate``, even
    negative) and raises after; this tree gives that value at N and ``end_learning_rate`` from
    N + 1 on. paddle's checks, plus lrcore's: ``total_steps >= 2``, ``max_learning_rate > 0``,
    ``divide_factor > 0`` and ``1 < phase_pct * total_steps`` (paddle divides by zero there).

    >>> s = OneCycleLR(max_learning_rate=1.0, total_steps=10, end_learning_rate=4e-6)
    >>> [f"{s(t):.6f}" for t in (0, 1, 2, 3, 9, 10, 11)]
    ['0.040000', '0.520000', '1.000000', '0.950485', '0.000004', '0.049519', '0.000004']
    """
    fn = "OneCycleLR"
    peak = check_real(fn, "max_learning_rate", max_learning_rate, low=0.0, low_open=True)
    end = check_real(fn, "end_learning_rate", end_learning_rate, low=0.0)
    n = _int(fn, "total_steps", total_steps, low=2)
    if not isinstance(phase_pct, float):
        raise ScheduleTypeError(fn, "phase_pct", "a float", phase_pct)
    high = 0.5 if check_bool(fn, "three_phase", three_phase) else 1.0
    pct = check_real(fn, "phase_pct", phase_pct, low=0.0, high=high, low_open=True, high_open=True)
    div = check_real(fn, "divide_factor", divide_factor, low=0.0, low_open=True)
    if anneal_strategy not in ("cos", "linear"):
        raise ScheduleError(fn, "anneal_strategy", "one of 'cos', 'linear'", anneal_strategy)
    if not pct * n > 1.0 or (three_phase and not 2 * pct * n - 2 > pct * n - 1):
        raise ScheduleError(fn, "phase_pct", "such that every phase is longer than 0 steps (1 < phase_pct * total_steps)",
                            phase_pct)
    initial = peak / div
    kw = dict(peak_value=peak, total_steps=n, pct_start=pct, div_factor=div, anneal=anneal_strategy,
              three_phase=three_phase)
    try:
        if end > 0.0:
            core: Schedule = OneCycle(final_div_factor=initial / end, **kw)
        else:
            # OneCycle ends at initial / final_div_factor > 0: end far below every other value,
            # then subtract that end (exactly 0 at N - 1; other values move by < 1 ulp).
            oc = OneCycle(final_div_factor=2.0**100 * max(1.0, initial / peak), **kw)
            core = Sum(terms=(oc, Constant(value=-oc(n - 1))))
    except ScheduleError as e:
        raise ScheduleError(fn, "end_learning_rate", f"such that lrcore.OneCycle accepts it ({e})",
                            end_learning_rate) from None
    at_n = _onecycle_at(n, n, initial, peak, end, pct, anneal_strategy, three_phase)
    return Sequential(parts=[core, Constant(value=at_n), Constant(value=end)], boundaries=[n, n + 1])


@dataclass(frozen=True)
class _CycleScale:
    """A CyclicLR ``scale_fn`` of the cycle number ``1 + t // cycle_size`` (float, as paddle
    computes it) or of the iteration t."""

    scale_fn: Callable[[float], float]
    cycle_size: float
    scale_mode: str

    def __call__(self, step: float) -> float:
        t = int(step) if step == int(step) else step
        x = 1 + t // self.cycle_size if self.scale_mode == "cycle" else t
        return self.scale_fn(x)

    def __repr__(self) -> str:
        return (f"CyclicLR.scale_fn(<{_fn_label(self.scale_fn)}>, cycle_size={self.cycle_size!r}, "
                f"scale_mode={self.scale_mode!r})")


def CyclicLR(base_learning_rate: float, max_learning_rate: float, step_size_up: int,
             step_size_down: int | None = None, mode: str = "triangular", exp_gamma: float = 1.0,
             scale_fn: Callable[[float], float] | None = None, scale_mode: str = "cycle") -> Schedule:
    """paddle CyclicLR: a triangle between ``base_learning_rate`` and ``max_learning_rate``.

    With S = up + down, cycle ``k = floor(t / S)``, ``u = t - k S``: ``f = u / up`` rising,
    ``(S - u) / down`` falling; value ``base + (max - base) * f * scale``, scale = 1
    ("triangular"), ``0.5**k`` ("triangular2"), ``exp_gamma**t`` ("exp_range"), or
    ``scale_fn(k + 1)`` / ``scale_fn(t)`` by ``scale_mode`` (then a `Function`, eager only).
    The cycle index is exact at every step; paddle's ``1 + t/S - cycle`` loses ~t/S ulp.
    ``exp_gamma`` must be a float (paddle's check) in (0, 1].

    >>> s = CyclicLR(base_learning_rate=0.1, max_learning_rate=1.0, step_size_up=4, step_size_down=2)
    >>> [f"{s(t):.3f}" for t in range(8)]
    ['0.100', '0.325', '0.550', '0.775', '1.000', '0.550', '0.100', '0.325']
    """
    fn = "CyclicLR"
    base = _rate(fn, "base_learning_rate", base_learning_rate)
    peak = check_real(fn, "max_learning_rate", max_learning_rate, low=0.0)
    up = _int(fn, "step_size_up", step_size_up)
    down = None if step_size_down is None else _int(fn, "step_size_down", step_size_down)
    if not isinstance(exp_gamma, float):
        raise ScheduleTypeError(fn, "exp_gamma", "a float", exp_gamma)
    gamma = check_real(fn, "exp_gamma", exp_gamma, low=0.0, high=1.0, low_open=True)
    if scale_fn is None:
        if mode not in ("triangular", "triangular2", "exp_range"):
            raise ScheduleError(fn, "mode", "one of 'triangular', 'triangular2', 'exp_range' (or give scale_fn)", mode)
        return Cyclic(low_value=base, high_value=peak, up_steps=up, down_steps=down, mode=mode, gamma=gamma)
    if not callable(scale_fn):
        raise ScheduleTypeError(fn, "scale_fn", "a callable or None", scale_fn)
    if scale_mode not in ("cycle", "iterations"):
        raise ScheduleError(fn, "scale_mode", "one of 'cycle', 'iterations'", scale_mode)
    size = float(up + (up if down is None else down))
    shape = Cyclic(low_value=0.0, high_value=peak - base, up_steps=up, down_steps=down)
    scale = Function(fn=_CycleScale(scale_fn=scale_fn, cycle_size=size, scale_mode=scale_mode))
    return Sum(terms=(Constant(value=base), Product(factors=(shape, scale))))


def LinearLR(learning_rate: float, total_steps: int, start_factor: float = 1.0 / 3, end_factor: float = 1.0) -> Schedule:
    """paddle LinearLR: ``lr * (start_factor + (end_factor - start_factor) * min(t, T) / T)``, T = ``total_steps``.

    paddle reaches these values by a recursion (each rate from the previous one), which
    drifts by rounding, ~t ulp; this is the closed form. Conditions (paddle's):
    ``0 < start_factor <= 1``, ``0 <= end_factor <= 1``, ``total_steps >= 1``.

    >>> s = LinearLR(learning_rate=1.0, total_steps=4, start_factor=0.2, end_factor=1.0)
    >>> [f"{s(t):.2f}" for t in range(6)]
    ['0.20', '0.40', '0.60', '0.80', '1.00', '1.00']
    """
    fn = "LinearLR"
    lr = _rate(fn, "learning_rate", learning_rate)
    n = _int(fn, "total_steps", total_steps)
    sf = check_real(fn, "start_factor", start_factor, low=0.0, high=1.0, low_open=True)
    ef = check_real(fn, "end_factor", end_factor, low=0.0, high=1.0)
    start, end = lr * sf, lr * ef
    if end >= start:  # a ramp up, anchored at its start (exact there, like paddle's first value)
        return Warmup(Constant(value=end), warmup_steps=n, start_value=start)
    return Linear(start_value=start, end_value=end, steps=n)


def CosineAnnealingWarmRestarts(learning_rate: float, T_0: int, T_mult: int = 1, eta_min: float = 0.0) -> Schedule:
    """paddle CosineAnnealingWarmRestarts (SGDR): cosine from lr to ``eta_min`` over ``T_0 * T_mult**i`` steps, restarting.

    ``eta_min + (lr - eta_min) * (1 + cos(pi T_cur / T_i)) / 2``, T_cur the steps since the
    last restart. Restarts are exact at every step (a `Restart` table); paddle's
    ``step(epoch)`` takes ``int(log(...))`` and gives ``eta_min`` instead of lr at some
    restarts (T_0=1, T_mult=3 at 121); its ``step()`` is right and equals this.

    >>> s = CosineAnnealingWarmRestarts(learning_rate=1.0, T_0=2, T_mult=2)
    >>> [f"{s(t):.3f}" for t in range(8)]
    ['1.000', '0.500', '1.000', '0.854', '0.500', '0.146', '1.000', '0.962']
    """
    fn = "CosineAnnealingWarmRestarts"
    lr = _rate(fn, "learning_rate", learning_rate)
    t0 = _int(fn, "T_0", T_0)
    mult = _int(fn, "T_mult", T_mult)
    eta = check_real(fn, "eta_min", eta_min)
    return Restart(Cosine(start_value=lr, steps=t0, end_value=eta), period_steps=t0, period_mult=float(mult))


def ReduceOnPlateau(learning_rate: float, mode: str = "min", factor: float = 0.1, patience: int = 10,
                    threshold: float = 1e-4, threshold_mode: str = "rel", cooldown: int = 0, min_lr: float = 0.0,
                    epsilon: float = 1e-8) -> PlateauSchedule:
    """paddle ReduceOnPlateau: ``learning_rate * scale``, the scale cut by ``factor`` when the metric plateaus.

    ``Constant(learning_rate) * Plateau(..., rule="paddle")``: paddle's decisions, including its
    cooldown (during cooldown it only counts down and compares nothing, so the best is not
    updated; torch compares). A reduction is ``max(lr * factor, min_lr)``, applied
    if it lowers the rate by more than ``epsilon``; ``min_lr`` and ``epsilon`` are converted to
    the scale's units (divided by ``learning_rate``). ``mode`` and ``threshold_mode`` are
    lower-cased as paddle does. Drive it with ``ScheduleLR(...).step(metric)``.

    >>> ps = ReduceOnPlateau(learning_rate=1.0, factor=0.5, patience=1)
    >>> st = ps.init()
    >>> for metric in (1.0, 2.0, 2.0, 2.0, 2.0):
    ...     st = ps.update(st, metric)
    ...     print(ps.value(0, st))
    1.0
    1.0
    0.5
    0.5
    0.25
    """
    fn = "ReduceOnPlateau"
    lr = check_real(fn, "learning_rate", learning_rate, low=0.0)
    mode = mode.lower() if isinstance(mode, str) else mode
    if mode not in ("min", "max"):
        raise ScheduleError(fn, "mode", "one of 'min', 'max'", mode)
    threshold_mode = threshold_mode.lower() if isinstance(threshold_mode, str) else threshold_mode
    if threshold_mode not in ("rel", "abs"):
        raise ScheduleError(fn, "threshold_mode", "one of 'rel', 'abs'", threshold_mode)
    f = check_real(fn, "factor", factor, low=0.0, high=1.0, low_open=True, high_open=True)
    pat = _int(fn, "patience", patience, low=0)
    thr = check_real(fn, "threshold", threshold, low=0.0)
    cd = _int(fn, "cooldown", cooldown, low=0)
    low = check_real(fn, "min_lr", min_lr, low=0.0)
    eps = check_real(fn, "epsilon", epsilon, low=0.0)
    scale_low, scale_eps = (low / lr, eps / lr) if lr > 0.0 else (0.0, 0.0)
    if not (math.isfinite(scale_low) and math.isfinite(scale_eps)):
        raise ScheduleError(fn, "learning_rate", "a number large enough that min_lr / learning_rate and "
                            "epsilon / learning_rate are finite", learning_rate)
    # with the lr as the unit, min_lr and epsilon are compared as paddle compares them (absolute)
    unit = lr if lr > 0.0 else 1.0
    plateau = Plateau(mode=mode, factor=f, patience=pat, threshold=thr, threshold_mode=threshold_mode,
                      cooldown=cd, min_value=low if lr > 0.0 else scale_low,
                      eps=eps if lr > 0.0 else scale_eps, rule="paddle", unit=unit)
    return PlateauSchedule(schedule=Constant(value=lr), plateau=plateau)  # Constant(lr) * plateau
