"""NeMo's ``nemo.core.optim.lr_scheduler`` under its own names and parameters, as lrcore trees.

Each constructor takes the keyword arguments of the NeMo class of the same name (the names in
NeMo's scheduler registry), with the optimizer's lr as ``lr=`` instead of the optimizer, and
returns a `lrcore.Schedule` whose value at step t is the lr NeMo's scheduler gives that param
group after t calls to ``scheduler.step()`` (t = 0 right after construction: these are torch
LRSchedulers, closed form in ``last_epoch``; Lightning steps them after every optimizer step).
Nothing here imports NeMo or torch.

NeMo's timeline, shared by WarmupPolicy and its subclasses (W warmup steps, H the end of the
hold, M = ``max_steps``):

* ``t <= W`` (when W > 0): the warmup ``lr * (t + 1) / (W + 1)``, so not 0 at t = 0;
* ``W <= t < H`` (WarmupHoldPolicy family): ``lr``, the hold, which wins over ``max_steps``;
* ``t > M``: ``min_lr``;
* else the class's annealing ``f(t)``.

``warmup_steps`` / ``warmup_ratio`` (the ratio gives ``int(ratio * max_steps)`` steps) are
exclusive; so are ``hold_steps`` / ``hold_ratio`` (H = W + hold; H = 0 without either) and
``constant_steps`` / ``constant_ratio``. Where NeMo fails at some step (an assertion, a division
by zero, a ValueError), the catalog raises at construction, naming the argument.

Every tree is plain lrcore nodes: a `lrcore.Sequential` of the phases, each annealing a node
read at the step NeMo's formula uses (`lrcore.Shift`), so ``lrcore.from_config(s.to_config()) == s``.

>>> from lrcore.catalog import nemo as N
>>> s = N.CosineAnnealing(lr=1.0, max_steps=10, warmup_steps=3, min_lr=0.1)
>>> [f"{s(t):.4f}" for t in (0, 3, 4, 10, 11)]
['0.2500', '1.0000', '0.9554', '0.1000', '0.1000']
"""

from __future__ import annotations

from .._base import Schedule
from .._combinators import Clamp, Sequential, Shift, Warmup
from .._errors import MAX_STEPS, ScheduleError, ScheduleTypeError, check_bool, check_real, check_steps
from .._primitives import Constant, Cosine, InverseSqrt, Linear, Noam, Polynomial

TYPE_CHECKING = False  # typing is not imported at run time
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    _Span = tuple[int, int | None]  # the steps [start, max_steps] an annealing runs on (None: no end)
    _Pieces = list[tuple[int, Schedule]]  # (first step, schedule from there on)

__all__ = ["WarmupPolicy", "WarmupHoldPolicy", "SquareAnnealing", "SquareRootAnnealing", "CosineAnnealing",
           "NoamAnnealing", "NoamHoldAnnealing", "WarmupAnnealing", "InverseSquareRootAnnealing",
           "T5InverseSquareRootAnnealing", "PolynomialDecayAnnealing", "PolynomialHoldDecayAnnealing"]


# ------------------------------------------------------------------------------ helpers

def _rate(node: str, field: str, x: Any) -> float:
    if isinstance(x, (list, tuple)):
        raise ScheduleTypeError(node, field, "a number (NeMo's base_lrs are per param group: call once per group)", x)
    return check_real(node, field, x, low=0.0)


def _max_steps(node: str, max_steps: Any) -> int:
    if max_steps is None:
        raise ScheduleTypeError(node, "max_steps", "an int >= 0 (NeMo compares the step with it)", max_steps)
    return check_steps(node, "max_steps", max_steps, low=0)


def _max_steps_or_none(node: str, max_steps: Any) -> int | None:
    """`_max_steps`, with None (infinite training) allowed."""
    return None if max_steps is None else _max_steps(node, max_steps)


def _count(node: str, steps_name: str, steps: Any, ratio_name: str, ratio: Any, max_steps: int | None) -> int | None:
    """NeMo's ``x_steps`` / ``x_ratio`` pair: the steps, ``int(ratio * max_steps)``, or None (neither)."""
    if steps is not None and ratio is not None:
        raise ScheduleError(node, ratio_name, f"None when `{steps_name}` is given (NeMo takes either a number of "
                            "steps or a ratio)", ratio)
    if steps is not None:
        return check_steps(node, steps_name, steps, low=0)
    if ratio is None:
        return None
    r = check_real(node, ratio_name, ratio, low=0.0)
    if max_steps is None:
        raise ScheduleError(node, ratio_name, "None when max_steps is None (a ratio needs the total number of "
                            "steps)", ratio)
    count = int(r * max_steps)
    if count > MAX_STEPS:
        raise ScheduleError(node, ratio_name, f"small enough that int({ratio_name} * max_steps) <= 2**53 steps "
                            f"(max_steps={max_steps})", ratio)
    return count


def _at(s: Schedule, k: int) -> Schedule:
    """`s` read ``k`` steps later than the local time a part of a Sequential runs on (``k >= 0``)."""
    return Shift(s, steps=-k) if k else s


def _timeline(pieces: _Pieces) -> Schedule:
    """The schedule that is ``pieces[i][1]`` from step ``pieces[i][0]`` on (the first starts at 0)."""
    if len(pieces) == 1:
        return pieces[0][1]
    return Sequential(parts=[s for _, s in pieces], boundaries=[b for b, _ in pieces[1:]])


def _warm(lr: float, w: int) -> Linear:
    """NeMo's warmup ``lr * (t + 1) / (W + 1)`` on ``0 <= t <= W``."""
    return Linear(start_value=lr / (w + 1), end_value=lr, steps=w)


def _policy(node: str, lr: float, w: int, h: int, m: int | None, min_lr: float, body: Callable[[_Span], Schedule],
            origin: int) -> Schedule:
    """NeMo's WarmupPolicy / WarmupHoldPolicy timeline around ``body(t - origin)``.

    ``body(span)`` builds the annealing (span: the steps ``[start, M]`` it runs on, for its
    checks); ``origin`` is the step its own time counts from.
    """
    pieces: _Pieces = []
    start = 0
    if w > 0:
        pieces.append((0, _warm(lr, w)))
        start = w + 1
    if h > start:
        pieces.append((start, Constant(value=lr)))
        start = h
    if m is None or m >= start:
        pieces.append((start, _at(body((start, m)), start - origin)))
    if m is not None:
        pieces.append((max(start, m + 1), Constant(value=min_lr)))
    return _timeline(pieces)


def _need(node: str, span: _Span, length: int, what: str) -> int:
    """A decay over ``length`` steps that runs on ``span``: NeMo divides by the length there."""
    if length < 1:
        raise ScheduleError(node, "max_steps", f"such that {what} is >= 1 where NeMo anneals (steps {span[0]}.."
                            f"{span[1]}; NeMo divides by zero there)", span[1])
    return length


def _floor(s: Schedule, min_lr: float) -> Schedule:
    """``max(s, min_lr)`` (the values are >= 0, so a floor of 0 bounds nothing)."""
    return Clamp(s, min_value=min_lr) if min_lr > 0.0 else s


def _warmup(node: str, warmup_steps: Any, warmup_ratio: Any, m: int | None) -> int:
    return _count(node, "warmup_steps", warmup_steps, "warmup_ratio", warmup_ratio, m) or 0


def _hold(node: str, hold_steps: Any, hold_ratio: Any, m: int | None, w: int) -> int:
    """H, the first step after the hold: W + hold, or 0 without a hold (NeMo's ``self.hold_steps``)."""
    hold = _count(node, "hold_steps", hold_steps, "hold_ratio", hold_ratio, m)
    return 0 if hold is None else hold + w


# ---------------------------------------------------------------------- the schedulers

def WarmupPolicy(*, lr: float, warmup_steps: int | None = None, warmup_ratio: float | None = None,
                 max_steps: int | None = None, min_lr: float = 0.0) -> Schedule:
    """NeMo ``WarmupPolicy``: the warmup ``lr * (t + 1) / (W + 1)`` for ``t <= W``, then ``lr``; ``min_lr`` after ``max_steps``.

    ``max_steps=None`` (infinite training) keeps ``lr``.

    >>> s = WarmupPolicy(lr=1.0, warmup_steps=3, max_steps=10, min_lr=0.1)
    >>> [f"{s(t):.2f}" for t in (0, 1, 3, 10, 11)]
    ['0.25', '0.50', '1.00', '1.00', '0.10']
    """
    n = "WarmupPolicy"
    lr, min_lr = _rate(n, "lr", lr), _rate(n, "min_lr", min_lr)
    m = _max_steps_or_none(n, max_steps)
    w = _warmup(n, warmup_steps, warmup_ratio, m)
    return _policy(n, lr, w, 0, m, min_lr, lambda span: Constant(value=lr), 0)


def WarmupHoldPolicy(*, lr: float, warmup_steps: int | None = None, warmup_ratio: float | None = None,
                     hold_steps: int | None = None, hold_ratio: float | None = None, max_steps: int | None = None,
                     min_lr: float = 0.0) -> Schedule:
    """NeMo ``WarmupHoldPolicy``: warmup, ``lr`` through the hold and up to ``max_steps``, then ``min_lr``.

    A hold that outlasts ``max_steps`` keeps ``lr`` to its end (NeMo checks the hold first).
    ``max_steps`` is needed: NeMo compares the step with it once warmup and hold are over.

    >>> s = WarmupHoldPolicy(lr=1.0, warmup_steps=3, hold_steps=2, max_steps=10, min_lr=0.1)
    >>> [f"{s(t):.2f}" for t in (0, 3, 5, 10, 11)]
    ['0.25', '1.00', '1.00', '1.00', '0.10']
    """
    n = "WarmupHoldPolicy"
    lr, min_lr = _rate(n, "lr", lr), _rate(n, "min_lr", min_lr)
    m = _max_steps(n, max_steps)
    w = _warmup(n, warmup_steps, warmup_ratio, m)
    h = _hold(n, hold_steps, hold_ratio, m, w)
    return _policy(n, lr, w, h, m, min_lr, lambda span: Constant(value=lr), 0)


def SquareAnnealing(*, lr: float, max_steps: int, min_lr: float = 1e-5, warmup_steps: int | None = None,
                    warmup_ratio: float | None = None) -> Schedule:
    """NeMo ``SquareAnnealing``: after the warmup ``max(lr * ((M - t) / (M - W))**2, min_lr)``.

    Note NeMo's default ``min_lr=1e-5``. A `lrcore.Polynomial` of power 2, floored by a `lrcore.Clamp`.

    >>> s = SquareAnnealing(lr=1.0, max_steps=10, warmup_steps=3, min_lr=0.1)
    >>> [f"{s(t):.4f}" for t in (3, 4, 7, 8, 11)]
    ['1.0000', '0.7347', '0.1837', '0.1000', '0.1000']
    """
    n = "SquareAnnealing"
    lr, min_lr = _rate(n, "lr", lr), _rate(n, "min_lr", min_lr)
    m = _max_steps(n, max_steps)
    w = _warmup(n, warmup_steps, warmup_ratio, m)

    def body(span: _Span) -> Schedule:
        d = _need(n, span, m - w, "max_steps - warmup_steps")
        return _floor(Polynomial(start_value=lr, end_value=0.0, steps=d, power=2.0), min_lr)

    return _policy(n, lr, w, 0, m, min_lr, body, w)


def SquareRootAnnealing(*, lr: float, max_steps: int, min_lr: float = 0.0, warmup_steps: int | None = None,
                        warmup_ratio: float | None = None) -> Schedule:
    """NeMo ``SquareRootAnnealing``: after the warmup ``max(lr * sqrt((M - t) / M), min_lr)``.

    The root counts from step 0, not from the end of the warmup (as in NeMo), so the value
    drops at ``t = W + 1`` (1.0 -> 0.7746 for W = 3, M = 10).

    >>> s = SquareRootAnnealing(lr=1.0, max_steps=10, warmup_steps=3, min_lr=0.1)
    >>> [f"{s(t):.4f}" for t in (3, 4, 9, 10, 11)]
    ['1.0000', '0.7746', '0.3162', '0.1000', '0.1000']
    """
    n = "SquareRootAnnealing"
    lr, min_lr = _rate(n, "lr", lr), _rate(n, "min_lr", min_lr)
    m = _max_steps(n, max_steps)
    w = _warmup(n, warmup_steps, warmup_ratio, m)

    def body(span: _Span) -> Schedule:
        d = _need(n, span, m, "max_steps")
        return _floor(Polynomial(start_value=lr, end_value=0.0, steps=d, power=0.5), min_lr)

    return _policy(n, lr, w, 0, m, min_lr, body, 0)


def CosineAnnealing(*, lr: float, max_steps: int, min_lr: float = 0.0, warmup_steps: int | None = None,
                    warmup_ratio: float | None = None, constant_steps: int | None = None,
                    constant_ratio: float | None = None) -> Schedule:
    """NeMo ``CosineAnnealing``: warmup, then a cosine from ``lr`` to ``min_lr``.

    Without constant steps: the warmup ``lr * (t + 1) / (W + 1)``, then
    ``min_lr + (lr - min_lr) * (1 + cos(pi * (t - W) / (M - W))) / 2`` up to ``M``.
    With ``constant_steps = C > 0`` NeMo takes its Megatron-style branch: the warmup is
    ``lr * t / W`` (0 at t = 0), the cosine runs over ``D = M - C - W`` steps, and ``min_lr``
    holds from ``W + D + 1`` on (NeMo uses the first param group's lr there for every group:
    call with that lr). ``lr < min_lr`` raises (NeMo: ValueError once annealing; with
    constant steps ``lr <= min_lr`` fails NeMo's assertion).

    >>> s = CosineAnnealing(lr=1.0, max_steps=10, warmup_steps=3, constant_steps=2, min_lr=0.1)
    >>> [f"{s(t):.4f}" for t in (0, 1, 3, 5, 8, 9)]
    ['0.0000', '0.3333', '1.0000', '0.6891', '0.1000', '0.1000']
    """
    n = "CosineAnnealing"
    lr, min_lr = _rate(n, "lr", lr), _rate(n, "min_lr", min_lr)
    m = _max_steps(n, max_steps)
    w = _warmup(n, warmup_steps, warmup_ratio, m)
    c = _count(n, "constant_steps", constant_steps, "constant_ratio", constant_ratio, m) or 0
    if lr < min_lr or (c > 0 and lr == min_lr):
        raise ScheduleError(n, "lr", f"{'>' if c > 0 else '>='} min_lr = {min_lr!r} (NeMo raises once it anneals)", lr)
    if c == 0:
        def body(span: _Span) -> Schedule:
            d = _need(n, span, m - w, "max_steps - warmup_steps")
            return Cosine(start_value=lr, steps=d, end_value=min_lr)

        return _policy(n, lr, w, 0, m, min_lr, body, w)
    d = m - c - w  # NeMo's decay_steps
    pieces: _Pieces = []
    start = 0
    if w > 0:
        pieces.append((0, Linear(start_value=0.0, end_value=lr, steps=w)))
        start = w + 1
    if w + d >= start:
        d = _need(n, (start, w + d), d, "max_steps - constant_steps - warmup_steps")
        pieces.append((start, _at(Cosine(start_value=lr, steps=d, end_value=min_lr), start - w)))
    pieces.append((max(start, w + d + 1), Constant(value=min_lr)))
    return _timeline(pieces)


def NoamAnnealing(*, lr: float, d_model: float, warmup_steps: int | None = None, warmup_ratio: float | None = None,
                  max_steps: int | None = None, min_lr: float = 0.0) -> Schedule:
    """NeMo ``NoamAnnealing``: ``lr * d_model**-0.5 * min(s**-0.5, s * W**-1.5)`` with ``s = max(1, t)``.

    Without warmup ``lr * d_model**-0.5 * s**-0.5``. ``max(., min_lr)`` applies only after the
    warmup (``s > W``); there is no cutoff at ``max_steps``. Unlike paddle's NoamDecay (0 at
    t = 0), step 0 has the value of step 1: a `lrcore.Noam` whose first step is replaced
    (`lrcore.Warmup` of one step, overlaid). ``lr < min_lr`` raises (NeMo raises at every step).

    >>> s = NoamAnnealing(lr=1.0, d_model=1, warmup_steps=3)
    >>> [f"{s(t):.5f}" for t in (0, 1, 3, 4)]
    ['0.19245', '0.19245', '0.57735', '0.50000']
    """
    n = "NoamAnnealing"
    lr, min_lr = _rate(n, "lr", lr), _rate(n, "min_lr", min_lr)
    d_model = check_real(n, "d_model", d_model, low=0.0, low_open=True)
    m = _max_steps_or_none(n, max_steps)
    w = _warmup(n, warmup_steps, warmup_ratio, m)
    if lr < min_lr:
        raise ScheduleError(n, "lr", f">= min_lr = {min_lr!r} (NeMo raises at every step)", lr)
    if w == 0:  # max(1, t)**-0.5: step 1's value at 0, then 1 / sqrt((u + 1) / 1) at u = t - 1
        scale = lr * d_model**-0.5
        body = Sequential(parts=[Constant(value=scale), InverseSqrt(start_value=scale, timescale_steps=1)],
                          boundaries=[1])
        return _floor(body, min_lr)
    noam = Noam(d_model=d_model, warmup_steps=w, scale=lr)
    first = Warmup(noam, warmup_steps=1, start_value=noam(1), prefix=False)
    if min_lr <= 0.0:
        return first
    return Sequential(parts=[first, Clamp(_at(noam, w + 1), min_value=min_lr)], boundaries=[w + 1])


def NoamHoldAnnealing(*, lr: float, max_steps: int, decay_rate: float = 0.5, min_lr: float = 0.0,
                      warmup_steps: int | None = None, warmup_ratio: float | None = None,
                      hold_steps: int | None = None, hold_ratio: float | None = None) -> Schedule:
    """NeMo ``NoamHoldAnnealing`` (Squeezeformer): warmup, hold, then ``max(lr * (W / (t - hold))**decay_rate, min_lr)``.

    ``hold`` is the hold alone (``hold_steps``, or ``int(hold_ratio * max_steps)``, else 0),
    so the decay is ``lr`` at the end of the hold. It is a `lrcore.InverseSqrt` with
    ``power=decay_rate`` and timescale W, floored by a `lrcore.Clamp`; ``decay_rate <= 0`` keeps
    ``lr``. A warmup is required (NeMo: "Noam scheduler cannot be used without warmup steps").

    >>> s = NoamHoldAnnealing(lr=1.0, max_steps=10, warmup_steps=3, hold_steps=2, min_lr=0.1)
    >>> [f"{s(t):.6f}" for t in (0, 5, 6, 10, 11)]
    ['0.250000', '1.000000', '0.866025', '0.612372', '0.100000']
    """
    n = "NoamHoldAnnealing"
    lr, min_lr = _rate(n, "lr", lr), _rate(n, "min_lr", min_lr)
    m = _max_steps(n, max_steps)
    rate = check_real(n, "decay_rate", decay_rate)
    w = _warmup(n, warmup_steps, warmup_ratio, m)
    h = _hold(n, hold_steps, hold_ratio, m, w)
    if w == 0 and m >= h:
        raise ScheduleError(n, "warmup_steps", "an int >= 1 (NeMo: Noam scheduler cannot be used without warmup "
                            "steps)", w)
    hold = h - w if h > 0 else 0

    def body(span: _Span) -> Schedule:
        if rate <= 0.0:
            return _floor(Constant(value=lr), min_lr)
        return _floor(InverseSqrt(start_value=lr, timescale_steps=w, power=rate), min_lr)

    return _policy(n, lr, w, h, m, min_lr, body, w + hold)


def WarmupAnnealing(*, lr: float, max_steps: int, min_lr: float = 0.0, warmup_steps: int | None = None,
                    warmup_ratio: float | None = None) -> Schedule:
    """NeMo ``WarmupAnnealing``: after the warmup a line ``min_lr + (1 - (t - W) / (M - W)) * (lr - min_lr)``.

    NeMo takes the first param group's lr for every group: call with that lr.

    >>> s = WarmupAnnealing(lr=1.0, max_steps=10, warmup_steps=3, min_lr=0.1)
    >>> [f"{s(t):.6f}" for t in (3, 4, 9, 10, 11)]
    ['1.000000', '0.871429', '0.228571', '0.100000', '0.100000']
    """
    n = "WarmupAnnealing"
    lr, min_lr = _rate(n, "lr", lr), _rate(n, "min_lr", min_lr)
    m = _max_steps(n, max_steps)
    w = _warmup(n, warmup_steps, warmup_ratio, m)

    def body(span: _Span) -> Schedule:
        return Linear(start_value=lr, end_value=min_lr, steps=_need(n, span, m - w, "max_steps - warmup_steps"))

    return _policy(n, lr, w, 0, m, min_lr, body, w)


def InverseSquareRootAnnealing(*, lr: float, max_steps: int, min_lr: float = 0.0, warmup_steps: int | None = None,
                               warmup_ratio: float | None = None) -> Schedule:
    """NeMo ``InverseSquareRootAnnealing``: after the warmup ``lr / sqrt((t + 1) / (W + 1))``; ``min_lr`` after ``max_steps``.

    The value jumps down to ``min_lr`` at ``max_steps + 1`` (no floor before).

    >>> s = InverseSquareRootAnnealing(lr=1.0, max_steps=10, warmup_steps=3, min_lr=0.1)
    >>> [f"{s(t):.6f}" for t in (3, 4, 10, 11)]
    ['1.000000', '0.894427', '0.603023', '0.100000']
    """
    n = "InverseSquareRootAnnealing"
    lr, min_lr = _rate(n, "lr", lr), _rate(n, "min_lr", min_lr)
    m = _max_steps(n, max_steps)
    w = _warmup(n, warmup_steps, warmup_ratio, m)
    return _policy(n, lr, w, 0, m, min_lr, lambda span: InverseSqrt(start_value=lr, timescale_steps=w + 1), w)


def T5InverseSquareRootAnnealing(*, max_steps: int, min_lr: float = 0.0, constant_steps: int | None = None,
                                 constant_ratio: float | None = None, lr: float | None = None) -> Schedule:
    """NeMo ``T5InverseSquareRootAnnealing``: ``1 / sqrt(C)`` for ``t <= C``, then ``1 / sqrt(t)``; ``min_lr`` after ``max_steps``.

    Absolute: the optimizer's lr is ignored (``lr`` is accepted for a uniform call and unused).
    ``constant_steps = C >= 1`` is needed: NeMo computes ``1 / sqrt(constant_steps)`` from the
    argument itself, so ``constant_ratio`` alone fails there (TypeError) and 0 divides by zero.

    >>> s = T5InverseSquareRootAnnealing(max_steps=10, constant_steps=4)
    >>> [f"{s(t):.6f}" for t in (0, 4, 5, 10, 11)]
    ['0.500000', '0.500000', '0.447214', '0.316228', '0.000000']
    """
    n = "T5InverseSquareRootAnnealing"
    if lr is not None:
        _rate(n, "lr", lr)
    min_lr = _rate(n, "min_lr", min_lr)
    m = _max_steps(n, max_steps)
    if constant_ratio is not None and constant_steps is None:
        raise ScheduleError(n, "constant_ratio", "None: NeMo computes 1 / sqrt(constant_steps) from constant_steps "
                            "itself (give constant_steps)", constant_ratio)
    c = _count(n, "constant_steps", constant_steps, "constant_ratio", constant_ratio, m)
    if c is None or c < 1:
        raise ScheduleError(n, "constant_steps", "an int >= 1 (NeMo divides by its square root)", constant_steps)
    top = 1 / (c**0.5)
    pieces: _Pieces = [(0, Constant(value=top))]
    if m > c:
        pieces.append((c + 1, _at(InverseSqrt(start_value=top, timescale_steps=c), 1)))
    pieces.append((max(c, m) + 1, Constant(value=min_lr)))
    return _timeline(pieces)


def _poly_args(node: str, power: Any, cycle: Any) -> tuple[float, bool]:
    return check_real(node, "power", power, low=0.0, low_open=True), check_bool(node, "cycle", cycle)


def PolynomialDecayAnnealing(*, lr: float, max_steps: int, min_lr: float = 0.0, power: float = 1.0,
                             cycle: bool = False, warmup_steps: int | None = None,
                             warmup_ratio: float | None = None) -> Schedule:
    """NeMo ``PolynomialDecayAnnealing``: after the warmup ``(lr - min_lr) * (1 - (t - W) / (M - W))**power + min_lr``.

    ``cycle`` is accepted and changes nothing: NeMo's cycles would start past ``max_steps``,
    where ``min_lr`` has taken over.

    >>> s = PolynomialDecayAnnealing(lr=1.0, max_steps=10, warmup_steps=3, min_lr=0.1, power=2.0)
    >>> [f"{s(t):.6f}" for t in (3, 4, 9, 10, 11)]
    ['1.000000', '0.761224', '0.118367', '0.100000', '0.100000']
    """
    n = "PolynomialDecayAnnealing"
    lr, min_lr = _rate(n, "lr", lr), _rate(n, "min_lr", min_lr)
    m = _max_steps(n, max_steps)
    power, cycle = _poly_args(n, power, cycle)
    w = _warmup(n, warmup_steps, warmup_ratio, m)

    def body(span: _Span) -> Schedule:
        d = _need(n, span, m - w, "max_steps - warmup_steps")
        return Polynomial(start_value=lr, end_value=min_lr, steps=d, power=power)

    return _policy(n, lr, w, 0, m, min_lr, body, w)


def PolynomialHoldDecayAnnealing(*, lr: float, max_steps: int, min_lr: float = 0.0, power: float = 1.0,
                                 cycle: bool = False, warmup_steps: int | None = None,
                                 warmup_ratio: float | None = None, hold_steps: int | None = None,
                                 hold_ratio: float | None = None) -> Schedule:
    """NeMo ``PolynomialHoldDecayAnnealing``: warmup, hold, then NeMo's ``_poly_decay`` of ``t - H`` over ``M - max(W, H)`` steps.

    ``(lr - min_lr) * (1 - s / D)**power + min_lr`` with ``s = t - H`` (``min(s, D)``, or with
    ``cycle`` D grown to ``D * ceil(s / D)``: a `lrcore.Polynomial` with ``cycle``). Without a
    hold H is 0 (as in NeMo), so the decay counts from step 0 over ``M - W`` steps and the value
    drops after the warmup (1.0 -> 0.4857 for W = 3, M = 10, min_lr = 0.1).

    >>> s = PolynomialHoldDecayAnnealing(lr=1.0, max_steps=10, warmup_steps=3, hold_steps=2, min_lr=0.1)
    >>> [f"{s(t):.2f}" for t in (3, 5, 6, 9, 10, 11)]
    ['1.00', '1.00', '0.82', '0.28', '0.10', '0.10']
    """
    n = "PolynomialHoldDecayAnnealing"
    lr, min_lr = _rate(n, "lr", lr), _rate(n, "min_lr", min_lr)
    m = _max_steps(n, max_steps)
    power, cycle = _poly_args(n, power, cycle)
    w = _warmup(n, warmup_steps, warmup_ratio, m)
    h = _hold(n, hold_steps, hold_ratio, m, w)

    def body(span: _Span) -> Schedule:
        d = _need(n, span, m - max(w, h), "max_steps - max(warmup_steps, warmup_steps + hold_steps)")
        return Polynomial(start_value=lr, end_value=min_lr, steps=d, power=power, cycle=cycle)

    return _policy(n, lr, w, h, m, min_lr, body, h)
