"""fairseq's ``fairseq.optim.lr_scheduler`` under its registry names and options, as lrcore trees.

Each function is the scheduler fairseq registers under the same name (``--lr-scheduler
fixed``, ``inverse_sqrt``, ``cosine``, ``triangular``, ``tri_stage``, ``polynomial_decay``,
``step``, ``reduce_lr_on_plateau``), with the options of its config (``warmup_updates``,
``warmup_init_lr``, ``lr``, ``max_update``, ...) and their defaults. ``lr`` is fairseq's
``--lr``: a float or its list (only ``fixed`` takes more than one entry). Nothing here imports
fairseq or torch.

The step: fairseq's trainer calls ``lr_scheduler.step_update(0)`` when it builds the
optimizer and ``step_update(n)`` after each update, with n the updates done so far; so update
t (0-based) runs at the lr ``step_update(t)`` set, and the value at t here is that lr.
``fixed`` also changes the lr at each epoch start (``step_begin_epoch``), and
``reduce_lr_on_plateau`` at each epoch end (``step(epoch, val_loss)``): see them.

Where fairseq fails (an assertion, a division by zero, a math domain error), the catalog
raises at construction, naming the option. Every tree is plain lrcore nodes, so
``lrcore.from_config(s.to_config()) == s``.

>>> from lrcore.catalog import fairseq as F
>>> s = F.inverse_sqrt(lr=1e-3, warmup_updates=4)
>>> [f"{s(t):.2e}" for t in (0, 2, 4, 16)]
['0.00e+00', '5.00e-04', '1.00e-03', '5.00e-04']
"""

from __future__ import annotations

from .._base import Schedule
from .._combinators import Clamp, Product, Restart, Sequential, Sum, Warmup
from .._errors import ScheduleError, check_bool, check_list, check_real, check_steps, renamed
from .._plateau import PlateauSchedule
from .._primitives import Constant, Cosine, Exponential, Interpolate, InverseSqrt, Linear, Piecewise, Polynomial

TYPE_CHECKING = False  # typing is not imported at run time
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

__all__ = ["fixed", "inverse_sqrt", "cosine", "triangular", "tri_stage", "polynomial_decay", "step",
           "reduce_lr_on_plateau"]


# ------------------------------------------------------------------------------ helpers

def _lrs(node: str, lr: Any) -> list[float]:
    """fairseq's ``--lr``: a number or a non-empty list of numbers >= 0."""
    if isinstance(lr, (list, tuple)):
        xs = check_list(node, "lr", lr, "a number or a list of numbers")
        if not xs:
            raise ScheduleError(node, "lr", "a number or a non-empty list of numbers", lr)
        return [check_real(node, "lr", x, low=0.0) for x in xs]
    return [check_real(node, "lr", lr, low=0.0)]


def _lr(node: str, lr: Any) -> float:
    """A single ``--lr`` (fairseq: "Cannot use a fixed learning rate schedule with ...")."""
    xs = _lrs(node, lr)
    if len(xs) > 1:
        raise ScheduleError(node, "lr", f"one number (fairseq: cannot use a fixed learning rate schedule with "
                            f"{node}; use fixed)", lr)
    return xs[0]


def _lr_above_min(n: str, lr: Any, min_lr: Any) -> tuple[float, float]:
    """(lr, min_lr) checked: min_lr >= 0 and lr > min_lr, as fairseq's cosine and step assert."""
    lr = _lr(n, lr)
    min_lr = check_real(n, "min_lr", min_lr, low=0.0)
    if not lr > min_lr:
        raise ScheduleError(n, "lr", f"> min_lr = {min_lr!r} (fairseq asserts it)", lr)
    return lr, min_lr


def _whole(node: str, field: str, x: Any, low: int = 1) -> int:
    """A count fairseq may store as a float (``lr_period_updates``, ``total_num_update``): a whole number >= low."""
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return check_steps(node, field, x, low=low)


def _init(node: str, warmup_init_lr: Any, default: float) -> float:
    """``warmup_init_lr``: fairseq's -1 (any negative) stands for `default`."""
    v = check_real(node, "warmup_init_lr", warmup_init_lr)
    return default if v < 0 else v


def _warm(body: Schedule, w: int, init: float) -> Schedule:
    """fairseq's warmup ``init + t * (target - init) / W`` for ``t < W``, then `body` from its start."""
    return Warmup(body, warmup_steps=w, start_value=init) if w > 0 else body


def _shrink(node: str, field: str, x: Any) -> float:
    return check_real(node, field, x, low=0.0, high=1.0, low_open=True)


# ---------------------------------------------------------------------- the schedulers

def fixed(*, lr: float | Sequence[float], warmup_updates: int = 0, force_anneal: int | None = None, lr_shrink: float = 0.1,
          updates_per_epoch: int | None = None) -> Schedule:
    """fairseq ``fixed``: ``lr[epoch - 1]`` (the last entry held) per epoch, annealed from ``force_anneal``, with a warmup.

    Epochs count from 1; from epoch ``force_anneal`` on the lr is
    ``lr[-1] * lr_shrink ** (epoch + 1 - force_anneal)``. During the first ``warmup_updates``
    updates the lr is scaled by ``(t + 1) / warmup_updates``. A list of lrs or ``force_anneal``
    needs ``updates_per_epoch`` (the epoch of update t is ``t // updates_per_epoch + 1``; a
    `lrcore.Piecewise` / staircase `lrcore.Exponential` in updates).

    >>> s = fixed(lr=[1.0, 0.5], force_anneal=4, updates_per_epoch=2, warmup_updates=2)
    >>> [f"{s(t):.3f}" for t in range(10)]
    ['0.500', '1.000', '0.500', '0.500', '0.500', '0.500', '0.050', '0.050', '0.005', '0.005']
    """
    n = "fixed"
    lrs = _lrs(n, lr)
    w = check_steps(n, "warmup_updates", warmup_updates, low=0)
    fa = None if force_anneal is None else check_steps(n, "force_anneal", force_anneal, low=0)
    per = None if updates_per_epoch is None else check_steps(n, "updates_per_epoch", updates_per_epoch, low=1)
    base: Schedule
    if fa is None and len(lrs) == 1:
        base = Constant(value=lrs[0])
    elif per is None:
        raise ScheduleError(n, "updates_per_epoch", "an int >= 1 when lr is a list or force_anneal is given "
                            "(they change the lr per epoch)", updates_per_epoch)
    elif fa is None:
        base = Piecewise(values=lrs, boundaries=[per * e for e in range(1, len(lrs))])
    else:
        shrink = _shrink(n, "lr_shrink", lr_shrink)
        e0 = max(fa, 1)  # the first annealed epoch
        anneal = Exponential(start_value=lrs[-1] * shrink ** (e0 + 1 - fa), factor=shrink, every=per, staircase=True)
        before = lrs[:e0 - 1]
        if not before:
            base = anneal
        else:
            head = Constant(value=before[0]) if len(before) == 1 else Piecewise(
                values=before, boundaries=[per * e for e in range(1, len(before))])
            base = Sequential(parts=[head, anneal], boundaries=[per * (e0 - 1)])
    if w < 2:  # (0 + 1) / 1 = 1: no warmup
        return base
    return Product(factors=(base, Linear(start_value=1.0 / w, end_value=1.0, steps=w - 1)))


def inverse_sqrt(*, lr: float | Sequence[float], warmup_updates: int = 4000, warmup_init_lr: float = -1) -> Schedule:
    """fairseq ``inverse_sqrt``: a linear warmup from ``warmup_init_lr`` (default 0), then ``lr * sqrt(W) / sqrt(t)``.

    ``t < W``: ``warmup_init_lr + t * (lr - warmup_init_lr) / W``; then
    ``lr * W**0.5 * t**-0.5`` (a `lrcore.InverseSqrt` of timescale W after the warmup).
    ``warmup_updates`` must be >= 1 (fairseq divides by it).

    >>> s = inverse_sqrt(lr=1.0, warmup_updates=4, warmup_init_lr=1e-7)
    >>> [f"{s(t):.4f}" for t in (0, 1, 4, 9, 16)]
    ['0.0000', '0.2500', '1.0000', '0.6667', '0.5000']
    """
    n = "inverse_sqrt"
    lr = _lr(n, lr)
    w = check_steps(n, "warmup_updates", warmup_updates, low=1)
    init = _init(n, warmup_init_lr, 0.0)
    return _warm(InverseSqrt(start_value=lr, timescale_steps=w), w, init)


def cosine(*, lr: float | Sequence[float], warmup_updates: int = 0, warmup_init_lr: float = -1, min_lr: float = 0.0, t_mult: float = 1.0,
           lr_period_updates: float = -1, lr_shrink: float = 0.1, max_update: int | None = None) -> Schedule:
    """fairseq ``cosine``: warmup, then cosine periods whose max and min both shrink by ``lr_shrink`` per period.

    After the warmup, period i lasts ``P * t_mult**i`` updates (``P = lr_period_updates``, or
    ``max_update - warmup_updates``); in it, with ``t_curr`` the position,
    ``lr_shrink**i * (min_lr + (lr - min_lr) * (1 + cos(pi t_curr / t_i)) / 2)``: a
    `lrcore.Restart` of a `lrcore.Cosine` with ``decay=lr_shrink``. The warmup goes from
    ``warmup_init_lr`` (default ``min_lr``) to ``lr``.

    fairseq finds the period with ``floor(log(1 + c (t_mult - 1) / P, t_mult))``, which at some
    period starts rounds down to the period before (t_mult=3, P=2: at c = 242 fairseq gives the
    end of period 4, ``min_lr * lr_shrink**4``, where period 5 starts); this uses the exact
    period starts. ``t_mult`` must be >= 1 (fairseq's shrinking periods end in a math domain
    error), ``lr_shrink`` in (0, 1], ``lr > min_lr`` (fairseq asserts it).

    >>> s = cosine(lr=1.0, min_lr=0.1, lr_period_updates=4, lr_shrink=0.5)
    >>> [f"{s(t):.4f}" for t in range(6)]
    ['1.0000', '0.8682', '0.5500', '0.2318', '0.5000', '0.4341']
    """
    n = "cosine"
    lr, min_lr = _lr_above_min(n, lr, min_lr)
    w = check_steps(n, "warmup_updates", warmup_updates, low=0)
    init = _init(n, warmup_init_lr, min_lr)
    mult = check_real(n, "t_mult", t_mult, low=1.0)
    shrink = _shrink(n, "lr_shrink", lr_shrink)
    period = check_real(n, "lr_period_updates", lr_period_updates)
    if period > 0:
        p = _whole(n, "lr_period_updates", lr_period_updates)
    else:
        if max_update is None:
            raise ScheduleError(n, "max_update", "an int > warmup_updates when lr_period_updates <= 0 (fairseq: "
                                "either --max-update or --lr-period-updates must be set)", max_update)
        p = _whole(n, "max_update", max_update) - w
        if p < 1:
            raise ScheduleError(n, "max_update", f"> warmup_updates = {w} (the period is max_update - "
                                "warmup_updates)", max_update)
    with renamed(n, period_mult="t_mult", decay="lr_shrink", period_steps="lr_period_updates"):
        body = Restart(Cosine(start_value=lr, steps=p, end_value=min_lr), period_steps=p, period_mult=mult,
                       decay=shrink)
    return _warm(body, w, init)


def triangular(*, lr: float | Sequence[float], max_lr: float, lr_period_updates: float = 5000, lr_shrink: float = 0.1,
               shrink_min: bool = False) -> Schedule:
    """fairseq ``triangular``: triangles from ``lr`` up to ``max_lr`` and back, every ``lr_period_updates``.

    With ``s = lr_period_updates // 2`` and cycle ``c = floor(t / 2s)``:
    ``min + (max_lr * lr_shrink**c - min) * max(0, 1 - |t / s - 2c - 1|)``, ``min = lr``
    (``lr * lr_shrink**c`` with ``shrink_min``). A `lrcore.Restart` of an `lrcore.Interpolate`
    triangle (without ``shrink_min``, the sum of a shrinking restart of the peak part and one
    of the ``lr`` part). ``max_lr > lr`` (fairseq asserts it).

    >>> s = triangular(lr=0.1, max_lr=1.0, lr_period_updates=4, lr_shrink=0.5)
    >>> [f"{s(t):.3f}" for t in range(7)]
    ['0.100', '0.550', '1.000', '0.550', '0.100', '0.300', '0.500']
    """
    n = "triangular"
    lr = _lr(n, lr)
    top = check_real(n, "max_lr", max_lr)
    if not top > lr:
        raise ScheduleError(n, "max_lr", f"> lr = {lr!r} (fairseq asserts it)", max_lr)
    period = check_real(n, "lr_period_updates", lr_period_updates, low=2.0)
    s = int(period // 2)
    shrink = _shrink(n, "lr_shrink", lr_shrink)
    shrink_min = check_bool(n, "shrink_min", shrink_min)

    def tri(a: float, b: float) -> Interpolate:
        return Interpolate(boundaries=[0, s, 2 * s], values=[a, b, a])

    def cycles(child: Schedule, decay: float) -> Restart:
        return Restart(child, period_steps=2 * s, decay=decay)

    if shrink_min or shrink == 1.0:
        return cycles(tri(lr, top), shrink)
    peak = cycles(tri(0.0, top), shrink)
    return peak if lr == 0.0 else Sum(terms=(peak, cycles(tri(lr, 0.0), 1.0)))


def tri_stage(*, lr: float | Sequence[float], warmup_steps: int = 0, hold_steps: int = 0, decay_steps: int = 0,
              phase_ratio: Sequence[float] | None = None, init_lr_scale: float = 0.01, final_lr_scale: float = 0.01,
              max_update: int | None = None) -> Schedule:
    """fairseq ``tri_stage``: linear warmup from ``lr * init_lr_scale``, hold ``lr``, exponential decay to ``lr * final_lr_scale``.

    ``t < W``: ``init + t (lr - init) / W``; ``W <= t < W + H``: ``lr``; ``t <= W + H + D``:
    ``lr * exp(-d (t - W - H))`` with ``d = -log(final_lr_scale) / D`` (a `lrcore.Exponential`,
    ``lr * final_lr_scale ** (s / D)``); then ``lr * final_lr_scale``. ``phase_ratio`` (three
    ratios summing to 1) sets the three lengths to ``int(max_update * ratio)``.
    ``final_lr_scale`` in (0, 1] and ``D >= 1`` (fairseq divides by D).

    >>> s = tri_stage(lr=1.0, warmup_steps=2, hold_steps=2, decay_steps=2, init_lr_scale=0.0)
    >>> [f"{s(t):.3f}" for t in range(8)]
    ['0.000', '0.500', '1.000', '1.000', '1.000', '0.100', '0.010', '0.010']
    """
    n = "tri_stage"
    lr = _lr(n, lr)
    init = lr * check_real(n, "init_lr_scale", init_lr_scale, low=0.0)
    fs = check_real(n, "final_lr_scale", final_lr_scale, low=0.0, high=1.0, low_open=True)
    if phase_ratio is not None:
        ratios = [check_real(n, "phase_ratio", r, low=0.0) for r in check_list(n, "phase_ratio", phase_ratio)]
        if len(ratios) != 3 or sum(ratios) != 1:
            raise ScheduleError(n, "phase_ratio", "three ratios that add up to 1.0 (fairseq asserts it)", phase_ratio)
        m = _whole(n, "max_update", max_update) if max_update is not None else None
        if m is None:
            raise ScheduleError(n, "max_update", "an int >= 1 with phase_ratio", max_update)
        w, h, d = (int(m * r) for r in ratios)
    else:
        w = check_steps(n, "warmup_steps", warmup_steps, low=0)
        h = check_steps(n, "hold_steps", hold_steps, low=0)
        d = check_steps(n, "decay_steps", decay_steps, low=0)
    if d < 1:
        raise ScheduleError(n, "decay_steps", "an int >= 1 (fairseq divides -log(final_lr_scale) by it)", d)
    parts: list[Schedule] = [Exponential(start_value=lr, factor=fs, every=d), Constant(value=lr * fs)]
    bounds = [w + h, w + h + d + 1]
    if h:
        parts.insert(0, Constant(value=lr))
        bounds.insert(0, w)
    if w:
        parts.insert(0, Linear(start_value=init, end_value=lr, steps=w))
    else:
        bounds.pop(0)
    return Sequential(parts=parts, boundaries=bounds) if bounds else parts[0]


def polynomial_decay(*, lr: float | Sequence[float], total_num_update: int, warmup_updates: int = 0, force_anneal: int | None = None,
                     end_learning_rate: float = 0.0, power: float = 1.0) -> Schedule:
    """fairseq ``polynomial_decay``: warmup ``lr * t / W`` for ``t <= W``, then ``(lr - end) * (1 - (t - W) / (T - W))**power + end``.

    ``end_learning_rate`` from ``total_num_update`` (T; fairseq's default is ``max_update``)
    on. Note the warmup starts at 0 and includes t = W. ``force_anneal`` must be None here:
    fairseq then takes the optimizer's current lr as the new base at each epoch (a state, not
    a function of the update); a list ``lr`` is refused for the same reason (fairseq swaps in
    ``lr[epoch]`` at each epoch start).

    >>> s = polynomial_decay(lr=1.0, total_num_update=6, warmup_updates=2, end_learning_rate=0.2)
    >>> [f"{s(t):.2f}" for t in range(8)]
    ['0.00', '0.50', '1.00', '0.80', '0.60', '0.40', '0.20', '0.20']
    """
    n = "polynomial_decay"
    lr = _lr(n, lr)
    if force_anneal is not None:
        raise ScheduleError(n, "force_anneal", "None (fairseq then anneals from the optimizer's current lr, a "
                            "state rather than a function of the update)", force_anneal)
    t_total = _whole(n, "total_num_update", total_num_update)
    w = check_steps(n, "warmup_updates", warmup_updates, low=0)
    end = check_real(n, "end_learning_rate", end_learning_rate, low=0.0)
    power = check_real(n, "power", power, low=0.0, low_open=True)
    if w >= t_total:  # the decay never runs: the warmup, then end_learning_rate
        return Sequential(parts=[Linear(start_value=0.0, end_value=lr, steps=w), Constant(value=end)],
                          boundaries=[w + 1])
    return _warm(Polynomial(start_value=lr, end_value=end, steps=t_total - w, power=power), w, 0.0)


def step(*, lr: float | Sequence[float], warmup_updates: int = 0, warmup_init_lr: float = -1, min_lr: float = 0.0,
         lr_decay_period: int = 25000, lr_decay: float = 0.5) -> Schedule:
    """fairseq ``step``: warmup, then ``max(lr * lr_decay ** ((t - W) // lr_decay_period), min_lr)``.

    The warmup goes from ``warmup_init_lr`` (default ``min_lr``) to ``lr``. fairseq asserts
    ``lr_decay_period > 0``, ``lr_decay <= 1``, ``min_lr >= 0`` and ``lr > min_lr``; here
    ``lr_decay`` is also > 0.

    >>> s = step(lr=1.0, lr_decay_period=2, lr_decay=0.5, min_lr=0.2)
    >>> [s(t) for t in range(7)]
    [1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.2]
    """
    n = "step"
    lr, min_lr = _lr_above_min(n, lr, min_lr)
    w = check_steps(n, "warmup_updates", warmup_updates, low=0)
    init = _init(n, warmup_init_lr, min_lr)
    every = check_steps(n, "lr_decay_period", lr_decay_period, low=1)
    decay = _shrink(n, "lr_decay", lr_decay)
    body: Schedule = Exponential(start_value=lr, factor=decay, every=every, staircase=True)
    if min_lr > 0.0:
        body = Clamp(body, min_value=min_lr)
    return _warm(body, w, init)


def reduce_lr_on_plateau(*, lr: float | Sequence[float], lr_shrink: float = 0.1, lr_threshold: float = 1e-4, lr_patience: int = 0,
                         warmup_updates: int = 0, warmup_init_lr: float = -1,
                         maximize_best_checkpoint_metric: bool = False) -> PlateauSchedule:
    """fairseq ``reduce_lr_on_plateau``: a linear warmup, then torch's ``ReduceLROnPlateau`` on the validation loss.

    ``Warmup(Constant(lr), W, warmup_init_lr) * Plateau(...)``, a `lrcore.PlateauSchedule`:
    ``t <= W``: ``warmup_init_lr + t (lr - warmup_init_lr) / W`` (default init 0 with a
    warmup); then torch's ReduceLROnPlateau with ``factor=lr_shrink``, ``patience=lr_patience``,
    ``threshold=lr_threshold``, mode "max" if ``maximize_best_checkpoint_metric`` else "min"
    (torch's other defaults). fairseq passes the validation loss at each epoch end, but only
    once more than ``warmup_updates`` updates are done: give ``update`` (or an adapter's
    ``step(metric)``) only those epochs' metrics.

    >>> s = reduce_lr_on_plateau(lr=0.1, lr_shrink=0.5)
    >>> st = s.update(s.update(s.init(), 1.0), 2.0)
    >>> s.value(5, st)
    0.05
    """
    from .torch import ReduceLROnPlateau

    n = "reduce_lr_on_plateau"
    lr = _lr(n, lr)
    w = check_steps(n, "warmup_updates", warmup_updates, low=0)
    init = _init(n, warmup_init_lr, 0.0 if w > 0 else lr)
    maximize = check_bool(n, "maximize_best_checkpoint_metric", maximize_best_checkpoint_metric)
    with renamed(n, factor="lr_shrink", patience="lr_patience", threshold="lr_threshold"):
        plateau = ReduceLROnPlateau(lr=lr, mode="max" if maximize else "min", factor=lr_shrink,
                                    patience=lr_patience, threshold=lr_threshold).plateau
    return PlateauSchedule(schedule=_warm(Constant(value=lr), w, init), plateau=plateau)
