"""Hugging Face transformers' ``optimization.py`` schedules under their own names and parameters, as lrcore trees.

Each ``get_*`` function takes the parameters of the transformers function of the same name,
with the base rate ``lr`` (the optimizer's lr) instead of the optimizer, and returns a
`lrcore.Schedule` whose value at step t is the lr transformers' ``LambdaLR`` gives a param
group whose lr is ``lr`` after ``t`` calls to ``scheduler.step()`` (t = 0 right after
construction), to rtol 1e-12. `get_scheduler` dispatches by name, as ``transformers.get_scheduler``
does (``name, lr, num_warmup_steps, num_training_steps, scheduler_specific_kwargs``). Nothing
here imports transformers or torch. ``last_epoch`` is not a parameter: resume by stepping
the adapter, whose step count is the schedule's t.

Every result is ``Constant(lr) * factor`` (a `lrcore.Product`), the factor being transformers'
``lr_lambda`` built from lrcore nodes (W = ``num_warmup_steps``, N = ``num_training_steps``,
``L = max(1, N - W)``): a `lrcore.Warmup` ramp ``t / W``, then the decay in local time
``s = t - W``. The exceptions are `get_reduce_on_plateau_schedule` (``Constant(lr) *
Plateau``, a `lrcore.PlateauSchedule`, as `lrcore.catalog.torch.ReduceLROnPlateau`) and the
two whose transformers counterparts cannot be written as a function of the step
(`get_greedy_schedule`, `get_adafactor_schedule`: they raise).

transformers' quirks are kept:

* The cosine schedules are not clamped after N: with the default ``num_cycles=0.5`` the lr
  is 0 at t = N and rises again (lr * 0.0495 at N + 1 for W = 3, N = 10); ``num_cycles=1``
  is a full down-and-up wave over ``[W, N]``.
* `get_cosine_with_min_lr_schedule_with_warmup_lr_rate` warms up to its peak at t = W - 1
  (``(t + 1) / W``) and reaches its minimum at t = N - 1, one step before the others.
* `get_wsd_schedule` warms up from ``min_lr_ratio`` (not 0); a negative ``num_stable_steps``
  (``num_training_steps < W + num_decay_steps``) enters the decay part-way.
* `get_polynomial_decay_schedule_with_warmup` and the ``min_lr=`` variants turn absolute
  ends into ratios of ``lr``, so the result applies them as factors.
* `get_scheduler("constant", ...)` and ``"constant_with_warmup"`` ignore
  ``scheduler_specific_kwargs``; "constant" ignores the step counts too.

Where transformers rounds differently from the closed form, the closed form wins: its
``0.5 * (1 + cos(x))`` near the minimum is off by up to an ulp of the amplitude (absolute),
and in `get_cosine_with_hard_restarts_schedule_with_warmup` its ``(num_cycles * progress) %
1.0`` can land an ulp below a whole cycle, which turns a restart (factor 1) into the end of
the previous cycle (factor 0): num_cycles=47 with N - W = 47 gives 0.0 at s = 3 where
this gives 1.0 (a restart exactly at s = 3).

Two shapes advance time: ``get_cosine_with_min_lr_schedule_with_warmup_lr_rate`` with
``num_warmup_steps=0`` (its wave runs at ``s + 1``) and ``get_wsd_schedule`` with a negative
stable phase (the decay entered part-way): a `lrcore.Shift` with negative ``steps``. Every
tree here is plain lrcore nodes, so ``lrcore.from_config(s.to_config()) == s``.

>>> from lrcore.catalog import transformers as HF
>>> s = HF.get_cosine_schedule_with_warmup(lr=1.0, num_warmup_steps=3, num_training_steps=10)
>>> [f"{s(t):.4f}" for t in (0, 1, 3, 10, 11, 12)]
['0.0000', '0.3333', '1.0000', '0.0000', '0.0495', '0.1883']
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from .._base import Schedule
from .._combinators import Clamp, Product, Restart, Sequential, Shift, Stretch, Warmup
from .._errors import MAX_STEPS, ScheduleError, ScheduleTypeError, check_choice, check_int, check_real, safe_repr
from .._plateau import PlateauSchedule
from .._primitives import WSD, Constant, Cosine, Interpolate, InverseSqrt, Linear, Piecewise, Polynomial

TYPE_CHECKING = False  # typing is not imported at run time
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

__all__ = [
    "get_constant_schedule", "get_constant_schedule_with_warmup", "get_linear_schedule_with_warmup",
    "get_cosine_schedule_with_warmup", "get_cosine_with_hard_restarts_schedule_with_warmup",
    "get_polynomial_decay_schedule_with_warmup", "get_inverse_sqrt_schedule",
    "get_cosine_with_min_lr_schedule_with_warmup", "get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
    "get_wsd_schedule", "get_reduce_on_plateau_schedule", "get_greedy_schedule", "get_adafactor_schedule",
    "get_scheduler", "SCHEDULER_NAMES",
]

#: The names `get_scheduler` accepts (transformers' ``SchedulerType`` values).
SCHEDULER_NAMES = (
    "linear", "cosine", "cosine_with_restarts", "polynomial", "constant", "constant_with_warmup",
    "inverse_sqrt", "reduce_lr_on_plateau", "cosine_with_min_lr", "cosine_warmup_with_min_lr",
    "warmup_stable_decay", "greedy",
)


# ------------------------------------------------------------------------------ helpers

def _lr(node: str, x: Any, positive: bool = False) -> float:
    if isinstance(x, (list, tuple)):
        raise ScheduleTypeError(node, "lr", "a number (the optimizer's lr; one call per param group)", x)
    # torch's optimizers refuse a negative lr; a ratio of lr (lr_end / lr, min_lr / lr) needs lr > 0.
    return check_real(node, "lr", x, low=0.0, low_open=positive)


def _count(node: str, field: str, x: Any, low: int = 0) -> int:
    return check_int(node, field, x, low=low, high=MAX_STEPS)


def _scaled(lr: float, factor: Schedule) -> Product:
    """``Constant(lr) * factor``: transformers' LambdaLR multiplies the group's lr by lr_lambda(t)."""
    return Product(factors=(Constant(value=lr), factor))


def _warm(factor: Schedule, w: int) -> Schedule:
    """transformers' warmup ``t / max(1, W)`` for t < W, then ``factor(t - W)``; `factor` starts at 1."""
    return Warmup(factor, warmup_steps=w) if w > 0 else factor


def _is_int(x: float) -> bool:
    return float(x).is_integer()


def _wave(node: str, length: int, cycles: float, low: float = 0.0) -> Schedule:
    """``low + (1 - low) * (1 + cos(2 pi cycles s / length)) / 2`` for every s >= 0 (never clamped).

    A raised cosine of period ``length / cycles`` steps: from 1 at s = 0 to ``low`` after half a
    period and back. With a whole half period H it is a `Restart` of a cosine `Interpolate`
    through (0, 1), (H, low), (2H, 1); otherwise the same wave with H = 1, stretched by H.
    """
    c = abs(cycles)
    if c == 0.0:
        return Constant(value=1.0)
    half = Fraction(length) / (2 * Fraction(c))
    if half > MAX_STEPS // 2:
        raise ScheduleError(node, "num_cycles", "0 or large enough that a period, "
                            f"{length} / num_cycles steps, is at most 2**53 steps", cycles)
    if half.denominator == 1:
        h = int(half)
        return Restart(Interpolate(boundaries=[0, h, 2 * h], values=[1.0, low, 1.0], shape="cosine"), period_steps=2 * h)
    unit = Restart(Interpolate(boundaries=[0, 1, 2], values=[1.0, low, 1.0], shape="cosine"), period_steps=2)
    return Stretch(unit, factor=float(half))


def _min_ratio(node: str, lr: float, min_lr: Any, min_lr_rate: Any) -> float:
    if min_lr is not None and min_lr_rate is not None:
        raise ScheduleError(node, "min_lr", "None when min_lr_rate is given (transformers: only one of min_lr "
                            "or min_lr_rate should be set)", min_lr)
    if min_lr is not None:
        low = check_real(node, "min_lr", min_lr)
        if lr <= 0.0:
            raise ScheduleError(node, "lr", "a number > 0 with min_lr (transformers divides min_lr by it)", lr)
        return low / lr
    if min_lr_rate is None:
        raise ScheduleError(node, "min_lr_rate", "a number when min_lr is None (transformers: one of min_lr or "
                            "min_lr_rate should be set)", None)
    return check_real(node, "min_lr_rate", min_lr_rate)


def _floor0(s: Schedule, low: float) -> Schedule:
    """transformers' ``max(0, factor)``: it only bites when the low end is below 0."""
    return Clamp(s, min_value=0.0) if low < 0.0 else s


def _ahead(s: Schedule, steps: int) -> Schedule:
    """``s(t + steps)``: a `lrcore.Shift` by ``-steps``."""
    return s if steps == 0 else Shift(s, steps=-steps)


# ---------------------------------------------------------------------- the schedules

def get_constant_schedule(*, lr: float) -> Product:
    """transformers ``get_constant_schedule``: ``lr * 1``.

    >>> get_constant_schedule(lr=0.1)(1000)
    0.1
    """
    return _scaled(_lr("get_constant_schedule", lr), Constant(value=1.0))


def get_constant_schedule_with_warmup(*, lr: float, num_warmup_steps: int) -> Product:
    """transformers ``get_constant_schedule_with_warmup``: ``lr * t / W`` for t < W, then ``lr``.

    ``W = num_warmup_steps``, an int >= 0.

    >>> s = get_constant_schedule_with_warmup(lr=1.0, num_warmup_steps=4)
    >>> [s(t) for t in range(6)]
    [0.0, 0.25, 0.5, 0.75, 1.0, 1.0]
    """
    n = "get_constant_schedule_with_warmup"
    lr = _lr(n, lr)
    return _scaled(lr, _warm(Constant(value=1.0), _count(n, "num_warmup_steps", num_warmup_steps)))


def get_linear_schedule_with_warmup(*, lr: float, num_warmup_steps: int, num_training_steps: int) -> Product:
    """transformers ``get_linear_schedule_with_warmup``: warmup ``t / W``, then ``max(0, (N - t) / max(1, N - W))``.

    The factor falls linearly from 1 at t = W to 0 at t = N and stays 0 (with N <= W it is 0
    from t = W on). W and N are ints >= 0.

    >>> s = get_linear_schedule_with_warmup(lr=1.0, num_warmup_steps=2, num_training_steps=6)
    >>> [s(t) for t in range(8)]
    [0.0, 0.5, 1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    """
    n = "get_linear_schedule_with_warmup"
    lr = _lr(n, lr)
    w = _count(n, "num_warmup_steps", num_warmup_steps)
    total = _count(n, "num_training_steps", num_training_steps)
    if total > w:
        return _scaled(lr, _warm(Linear(start_value=1.0, end_value=0.0, steps=total - w), w))
    if w == 0:
        return _scaled(lr, Constant(value=0.0))
    return _scaled(lr, Sequential(parts=[Linear(start_value=0.0, end_value=1.0, steps=w), Constant(value=0.0)],
                                  boundaries=[w]))


def get_cosine_schedule_with_warmup(*, lr: float, num_warmup_steps: int, num_training_steps: int,
                                    num_cycles: float = 0.5) -> Product:
    """transformers ``get_cosine_schedule_with_warmup``: warmup ``t / W``, then ``(1 + cos(2 pi c p)) / 2``.

    ``p = (t - W) / max(1, N - W)``, ``c = num_cycles``. Not clamped after N: the wave goes
    on (with c = 0.5, 0 at N and back to 1 at 2N - W). A `lrcore.Restart` of a cosine
    `lrcore.Interpolate` through 1, 0, 1 over one period ``max(1, N - W) / c``.

    >>> s = get_cosine_schedule_with_warmup(lr=1.0, num_warmup_steps=0, num_training_steps=4)
    >>> [f"{s(t):.4f}" for t in range(9)]
    ['1.0000', '0.8536', '0.5000', '0.1464', '0.0000', '0.1464', '0.5000', '0.8536', '1.0000']
    """
    n = "get_cosine_schedule_with_warmup"
    lr = _lr(n, lr)
    w = _count(n, "num_warmup_steps", num_warmup_steps)
    total = _count(n, "num_training_steps", num_training_steps)
    c = check_real(n, "num_cycles", num_cycles)
    return _scaled(lr, _warm(_wave(n, max(1, total - w), c), w))


def get_cosine_with_hard_restarts_schedule_with_warmup(*, lr: float, num_warmup_steps: int, num_training_steps: int,
                                                       num_cycles: float = 1) -> Product:
    """transformers ``get_cosine_with_hard_restarts_schedule_with_warmup``: ``c`` cosine decays from 1 to 0 over ``[W, N)``.

    With ``p = (t - W) / max(1, N - W)``: warmup ``t / W``; then
    ``(1 + cos(pi ((c p) mod 1))) / 2`` for p < 1, and 0 from t = N on. Each cycle lasts
    ``max(1, N - W) / c`` steps; a `lrcore.Restart` of a `lrcore.Cosine`, cut at N.
    ``num_cycles`` must be >= 0 (0: factor 1 until N). transformers' ``% 1.0`` can land an
    ulp below a whole cycle at a restart step, giving 0 there instead of 1 (module docstring).

    >>> s = get_cosine_with_hard_restarts_schedule_with_warmup(lr=1.0, num_warmup_steps=0,
    ...                                                        num_training_steps=8, num_cycles=2)
    >>> [f"{s(t):.4f}" for t in range(10)]
    ['1.0000', '0.8536', '0.5000', '0.1464', '1.0000', '0.8536', '0.5000', '0.1464', '0.0000', '0.0000']
    """
    n = "get_cosine_with_hard_restarts_schedule_with_warmup"
    lr = _lr(n, lr)
    w = _count(n, "num_warmup_steps", num_warmup_steps)
    total = _count(n, "num_training_steps", num_training_steps)
    c = check_real(n, "num_cycles", num_cycles, low=0.0)
    length = max(1, total - w)
    if c == 0.0:
        cycles: Schedule = Constant(value=1.0)
    else:
        period = Fraction(length) / Fraction(c)
        if period > MAX_STEPS:
            raise ScheduleError(n, "num_cycles", f"0 or large enough that a cycle, {length} / num_cycles steps, "
                                "is at most 2**53 steps", c)
        if period.denominator == 1:
            p = int(period)
            cycles = Restart(Cosine(start_value=1.0, steps=p), period_steps=p)
        else:
            cycles = Stretch(Restart(Cosine(start_value=1.0, steps=1), period_steps=1), factor=float(period))
    return _scaled(lr, _warm(Sequential(parts=[cycles, Constant(value=0.0)], boundaries=[length]), w))


def get_polynomial_decay_schedule_with_warmup(*, lr: float, num_warmup_steps: int, num_training_steps: int,
                                              lr_end: float = 1e-7, power: float = 1.0) -> Product:
    """transformers ``get_polynomial_decay_schedule_with_warmup``: warmup ``t / W``, then down to ``lr_end / lr``.

    With ``e = lr_end / lr`` (transformers' ``lr_init`` is the optimizer's lr), for
    W <= t <= N: ``(1 - e) (1 - (t - W) / (N - W)) ** power + e``; after N: e. The result is
    ``lr * factor``, so ``lr_end`` is reached exactly by a group whose lr is ``lr`` (other
    groups end at their lr times e, as in transformers). ``lr`` must be > ``lr_end`` and > 0,
    ``power`` >= 0 (``power=0``: 1 up to and including t = N, then e), and N != W
    (transformers divides by N - W at t = W). With N < W the warmup jumps to e at t = W.

    >>> s = get_polynomial_decay_schedule_with_warmup(lr=1.0, num_warmup_steps=1, num_training_steps=5,
    ...                                               lr_end=0.2, power=2.0)
    >>> [f"{s(t):.2f}" for t in range(7)]
    ['0.00', '1.00', '0.65', '0.40', '0.25', '0.20', '0.20']
    """
    n = "get_polynomial_decay_schedule_with_warmup"
    lr = _lr(n, lr, positive=True)
    w = _count(n, "num_warmup_steps", num_warmup_steps)
    total = _count(n, "num_training_steps", num_training_steps)
    lr_end = check_real(n, "lr_end", lr_end)
    power = check_real(n, "power", power, low=0.0)
    if not lr > lr_end:
        raise ScheduleError(n, "lr_end", f"smaller than the initial lr ({lr!r})", lr_end)
    if total == w:
        raise ScheduleError(n, "num_training_steps", "different from num_warmup_steps (transformers divides by "
                            "num_training_steps - num_warmup_steps at t = num_warmup_steps)", total)
    e = lr_end / lr
    if total < w:
        return _scaled(lr, Sequential(parts=[Linear(start_value=0.0, end_value=1.0, steps=w), Constant(value=e)],
                                      boundaries=[w]))
    d = total - w
    if power == 0.0:  # 0.0 ** 0 == 1 at t = N, then e
        decay: Schedule = Piecewise(values=[1.0, e], boundaries=[d + 1])
    else:
        decay = Polynomial(start_value=1.0, end_value=e, steps=d, power=power)
    return _scaled(lr, _warm(decay, w))


def get_inverse_sqrt_schedule(*, lr: float, num_warmup_steps: int, timescale: float | None = None) -> Product:
    """transformers ``get_inverse_sqrt_schedule``: warmup ``t / W``, then ``1 / sqrt((t - W + ts) / ts)``.

    ``ts = timescale``, by default ``num_warmup_steps or 10_000``; it must be > 0. The
    factor keeps decaying: a `lrcore.InverseSqrt` after the warmup.

    >>> s = get_inverse_sqrt_schedule(lr=1.0, num_warmup_steps=4)
    >>> [f"{s(t):.4f}" for t in (0, 2, 4, 8, 16)]
    ['0.0000', '0.5000', '1.0000', '0.7071', '0.5000']
    """
    n = "get_inverse_sqrt_schedule"
    lr = _lr(n, lr)
    w = _count(n, "num_warmup_steps", num_warmup_steps)
    if timescale is None:
        timescale = w or 10_000
    ts = check_real(n, "timescale", timescale, low=0.0, low_open=True)
    return _scaled(lr, _warm(InverseSqrt(start_value=1.0, timescale_steps=ts), w))


def get_cosine_with_min_lr_schedule_with_warmup(*, lr: float, num_warmup_steps: int, num_training_steps: int,
                                                num_cycles: float = 0.5, min_lr: float | None = None,
                                                min_lr_rate: float | None = None) -> Product:
    """transformers ``get_cosine_with_min_lr_schedule_with_warmup``: the cosine schedule between 1 and ``r``.

    Warmup ``t / W``; then with f the cosine factor of `get_cosine_schedule_with_warmup`,
    ``max(0, f (1 - r) + r)``, where ``r = min_lr_rate`` or ``min_lr / lr`` (exactly one of
    them). Not clamped after N: it rises again.

    >>> s = get_cosine_with_min_lr_schedule_with_warmup(lr=1.0, num_warmup_steps=1, num_training_steps=5,
    ...                                                 min_lr=0.1)
    >>> [f"{s(t):.4f}" for t in range(8)]
    ['0.0000', '1.0000', '0.8682', '0.5500', '0.2318', '0.1000', '0.2318', '0.5500']
    """
    n = "get_cosine_with_min_lr_schedule_with_warmup"
    lr = _lr(n, lr)
    w = _count(n, "num_warmup_steps", num_warmup_steps)
    total = _count(n, "num_training_steps", num_training_steps)
    c = check_real(n, "num_cycles", num_cycles)
    r = _min_ratio(n, lr, min_lr, min_lr_rate)
    return _scaled(lr, _warm(_floor0(_wave(n, max(1, total - w), c, r), r), w))


def get_cosine_with_min_lr_schedule_with_warmup_lr_rate(*, lr: float, num_warmup_steps: int, num_training_steps: int,
                                                        num_cycles: float = 0.5, min_lr: float | None = None,
                                                        min_lr_rate: float | None = None,
                                                        warmup_lr_rate: float | None = None) -> Product:
    """transformers ``get_cosine_with_min_lr_schedule_with_warmup_lr_rate``: as the min-lr cosine, one step earlier.

    For t < W: ``(t + 1) / max(1, W)``, or with ``w = warmup_lr_rate``:
    ``w + (1 - w) t / max(1, W - 1)``. Then with ``p = (t - W + 1) / max(1, N - W)`` the
    min-lr cosine ``max(0, f (1 - r) + r)``. So the peak is at t = W - 1 and the minimum at
    t = N - 1 (for num_cycles=0.5); with W = 0 the first value is already past the peak
    (``p = 1 / N`` at t = 0: the wave `lrcore.Shift`-ed by -1, see the module docstring).
    With W = 1 and a warmup_lr_rate, t = 0 gives ``w``.

    >>> s = get_cosine_with_min_lr_schedule_with_warmup_lr_rate(lr=1.0, num_warmup_steps=2,
    ...                                                         num_training_steps=6, min_lr_rate=0.1)
    >>> [f"{s(t):.4f}" for t in range(8)]
    ['0.5000', '1.0000', '0.8682', '0.5500', '0.2318', '0.1000', '0.2318', '0.5500']
    """
    n = "get_cosine_with_min_lr_schedule_with_warmup_lr_rate"
    lr = _lr(n, lr)
    w = _count(n, "num_warmup_steps", num_warmup_steps)
    total = _count(n, "num_training_steps", num_training_steps)
    c = check_real(n, "num_cycles", num_cycles)
    r = _min_ratio(n, lr, min_lr, min_lr_rate)
    rate = None if warmup_lr_rate is None else check_real(n, "warmup_lr_rate", warmup_lr_rate)
    wave = _floor0(_wave(n, max(1, total - w), c, r), r)  # at local step s = t - W + 1
    if w == 0:
        return _scaled(lr, _ahead(wave, 1))
    if w == 1:
        return _scaled(lr, wave if rate is None else Warmup(wave, warmup_steps=1, start_value=rate, prefix=False))
    start = 1.0 / w if rate is None else rate
    return _scaled(lr, Warmup(wave, warmup_steps=w - 1, start_value=start))


_WARMUP_TYPES = ("linear", "cosine", "1-sqrt")
_DECAY_TYPES = ("linear", "cosine", "1-sqrt")


def get_wsd_schedule(*, lr: float, num_warmup_steps: int, num_decay_steps: int, num_training_steps: int | None = None,
                     num_stable_steps: int | None = None, warmup_type: str = "linear", decay_type: str = "cosine",
                     min_lr_ratio: float = 0, num_cycles: float = 0.5) -> Product:
    """transformers ``get_wsd_schedule``: warmup from ``m``, stable at 1, decay to ``m``, then ``m``.

    ``m = min_lr_ratio``, W, S, D the warmup, stable and decay steps (``S = N - W - D`` unless
    ``num_stable_steps`` is given; given both, S wins, as in transformers (which warns)).
    t < W: ``max(0, f (1 - m) + m)`` with ``p = t / W`` and f = p ("linear"),
    ``(1 - cos(pi p)) / 2`` ("cosine"), ``1 - sqrt(1 - p)`` ("1-sqrt"); then 1 while
    t < W + S; then with ``p = (t - W - S) / max(1, D)`` and f = ``1 - p``,
    ``(1 + cos(2 pi num_cycles p)) / 2``, ``1 - sqrt(p)``: ``max(0, f (1 - m) + m)`` while
    t < W + S + D; then m. A negative S (N < W + D) starts the decay at ``p = -S / D``; a
    num_cycles other than 0.5 waves in the decay and jumps to m at its end. With a linear
    warmup and a plain decay this is one `lrcore.WSD`.

    >>> s = get_wsd_schedule(lr=1.0, num_warmup_steps=2, num_decay_steps=2, num_training_steps=6,
    ...                      decay_type="linear", min_lr_ratio=0.1)
    >>> [f"{s(t):.2f}" for t in range(8)]
    ['0.10', '0.55', '1.00', '1.00', '1.00', '0.55', '0.10', '0.10']
    """
    n = "get_wsd_schedule"
    lr = _lr(n, lr)
    w = _count(n, "num_warmup_steps", num_warmup_steps)
    d = _count(n, "num_decay_steps", num_decay_steps)
    if num_training_steps is None and num_stable_steps is None:
        raise ScheduleError(n, "num_training_steps", "an int when num_stable_steps is None (transformers: either "
                            "num_training_steps or num_stable_steps must be specified)", None)
    if num_stable_steps is not None:
        s = check_int(n, "num_stable_steps", num_stable_steps, low=-MAX_STEPS, high=MAX_STEPS)
    else:
        s = _count(n, "num_training_steps", num_training_steps) - w - d
    warmup_type = check_choice(n, "warmup_type", warmup_type, _WARMUP_TYPES)
    decay_type = check_choice(n, "decay_type", decay_type, _DECAY_TYPES)
    m = check_real(n, "min_lr_ratio", min_lr_ratio)
    c = check_real(n, "num_cycles", num_cycles)
    plain_decay = decay_type != "cosine" or c == 0.5
    if warmup_type == "linear" and plain_decay and s >= 0 and d >= 1 and m >= 0.0:
        return _scaled(lr, WSD(peak_value=1.0, warmup_steps=w, stable_steps=s, decay_steps=d, start_value=m,
                               end_value=m, decay_shape=decay_type))
    parts: list[Schedule] = []
    bounds: list[int] = []

    def add(part: Schedule, start: int) -> None:
        if parts:
            bounds.append(start)
        parts.append(part)

    if w > 0:
        add(_floor0(Warmup(Constant(value=1.0), warmup_steps=w, start_value=m, shape=warmup_type), m), 0)
    if s > 0:
        add(Constant(value=1.0), w)
    decay_end = w + s + d
    if d > 0 and decay_end > w:
        if decay_type == "linear":
            decay: Schedule = Linear(start_value=1.0, end_value=m, steps=d)
        elif decay_type == "1-sqrt":
            decay = WSD(peak_value=1.0, warmup_steps=0, stable_steps=0, decay_steps=d, end_value=m, decay_shape="1-sqrt")
        else:
            decay = _wave(n, d, c, m)
        add(_ahead(_floor0(decay, m), max(0, -s)), w + max(s, 0))
    add(Constant(value=m), max(w, decay_end))
    return _scaled(lr, parts[0] if len(parts) == 1 else Sequential(parts=parts, boundaries=bounds))


def get_reduce_on_plateau_schedule(*, lr: float, **kwargs: Any) -> PlateauSchedule:
    """transformers ``get_reduce_on_plateau_schedule``: torch's ``ReduceLROnPlateau(optimizer, **kwargs)``.

    The same as `lrcore.catalog.torch.ReduceLROnPlateau` (``mode``, ``factor``, ``patience``,
    ``threshold``, ``threshold_mode``, ``cooldown``, ``min_lr``, ``eps``).

    >>> s = get_reduce_on_plateau_schedule(lr=0.1, factor=0.5, patience=0)
    >>> st = s.update(s.update(s.init(), 1.0), 2.0)
    >>> s.value(0, st)
    0.05
    """
    from .torch import ReduceLROnPlateau

    return ReduceLROnPlateau(lr=lr, **kwargs)


def get_greedy_schedule(*, lr: float, **kwargs: Any) -> Schedule:
    """transformers ``get_greedy_schedule`` (``GreedyLR``): not available; it raises NotImplementedError.

    GreedyLR raises the lr after ``patience`` good evaluations and lowers it after bad ones,
    with warmup and cooldown waits, smoothing and resets; `lrcore.Plateau` only lowers.

    >>> get_greedy_schedule(lr=0.1)
    Traceback (most recent call last):
    ...
    NotImplementedError: get_greedy_schedule: transformers' GreedyLR also raises the lr on improvement; lrcore.Plateau only reduces it, so there is no lrcore equivalent
    """
    raise NotImplementedError("get_greedy_schedule: transformers' GreedyLR also raises the lr on improvement; "
                              "lrcore.Plateau only reduces it, so there is no lrcore equivalent")


def get_adafactor_schedule(*, lr: float = 0.0, initial_lr: float = 0.0) -> Schedule:
    """transformers ``get_adafactor_schedule``: not available; it raises NotImplementedError.

    It reports the lr Adafactor computes inside its update (from the step and the parameter
    scale), not a function of the step.

    >>> get_adafactor_schedule()
    Traceback (most recent call last):
    ...
    NotImplementedError: get_adafactor_schedule: AdafactorSchedule reports the lr Adafactor computes inside its update; it is not a schedule of the step
    """
    raise NotImplementedError("get_adafactor_schedule: AdafactorSchedule reports the lr Adafactor computes inside "
                              "its update; it is not a schedule of the step")


_BY_NAME: dict[str, Callable[..., Schedule | PlateauSchedule]] = {
    "linear": get_linear_schedule_with_warmup,
    "cosine": get_cosine_schedule_with_warmup,
    "cosine_with_restarts": get_cosine_with_hard_restarts_schedule_with_warmup,
    "polynomial": get_polynomial_decay_schedule_with_warmup,
    "constant": get_constant_schedule,
    "constant_with_warmup": get_constant_schedule_with_warmup,
    "inverse_sqrt": get_inverse_sqrt_schedule,
    "reduce_lr_on_plateau": get_reduce_on_plateau_schedule,
    "cosine_with_min_lr": get_cosine_with_min_lr_schedule_with_warmup,
    "cosine_warmup_with_min_lr": get_cosine_with_min_lr_schedule_with_warmup_lr_rate,
    "warmup_stable_decay": get_wsd_schedule,
    "greedy": get_greedy_schedule,
}


def get_scheduler(name: str, *, lr: float, num_warmup_steps: int | None = None, num_training_steps: int | None = None,
                  scheduler_specific_kwargs: Mapping[str, Any] | None = None) -> Schedule | PlateauSchedule:
    """transformers ``get_scheduler``: the schedule of that name, dispatched as transformers does.

    ``name`` is one of `SCHEDULER_NAMES` (or a ``SchedulerType``). As in transformers:
    "constant" ignores everything but ``lr``; "reduce_lr_on_plateau" (and "greedy") take only
    the kwargs; every other name needs ``num_warmup_steps``; "constant_with_warmup" ignores
    the kwargs; "inverse_sqrt" takes no ``num_training_steps``; "warmup_stable_decay" takes
    ``num_training_steps`` even if None; the rest need ``num_training_steps``.
    Mismatched kwargs raise TypeError, as there.

    >>> s = get_scheduler("linear", lr=1.0, num_warmup_steps=1, num_training_steps=3)
    >>> [s(t) for t in range(4)]
    [0.0, 1.0, 0.5, 0.0]
    """
    key = getattr(name, "value", name)
    if not isinstance(key, str) or key not in _BY_NAME:
        err = ValueError if isinstance(key, str) else TypeError
        raise err(f"get_scheduler: `name` must be one of {list(SCHEDULER_NAMES)} (a valid SchedulerType), "
                  f"got name={safe_repr(name)}")
    fn = _BY_NAME[key]
    if key == "constant":
        return fn(lr=lr)
    if scheduler_specific_kwargs is not None and not isinstance(scheduler_specific_kwargs, Mapping):
        raise TypeError("get_scheduler: `scheduler_specific_kwargs` must be a dict of keyword arguments or None, "
                        f"got scheduler_specific_kwargs={safe_repr(scheduler_specific_kwargs)}")
    kwargs = dict(scheduler_specific_kwargs or {})
    if key in ("reduce_lr_on_plateau", "greedy"):
        return fn(lr=lr, **kwargs)
    if num_warmup_steps is None:
        raise ValueError(f"{key} requires `num_warmup_steps`, please provide that argument.")
    if key == "constant_with_warmup":
        return fn(lr=lr, num_warmup_steps=num_warmup_steps)
    if key == "inverse_sqrt":
        return fn(lr=lr, num_warmup_steps=num_warmup_steps, **kwargs)
    if key == "warmup_stable_decay":
        return fn(lr=lr, num_warmup_steps=num_warmup_steps, num_training_steps=num_training_steps, **kwargs)
    if num_training_steps is None:
        raise ValueError(f"{key} requires `num_training_steps`, please provide that argument.")
    return fn(lr=lr, num_warmup_steps=num_warmup_steps, num_training_steps=num_training_steps, **kwargs)
