"""Megatron's ``OptimizerParamScheduler`` (megatron.core), its lr and its weight decay, as lrcore trees.

`OptimizerParamScheduler` takes the constructor's parameters (the optimizer left out) and
returns a `lrcore.Schedule` of Megatron's step counter ``num_steps``: the value at step n is
the lr ``get_lr`` gives once ``num_steps == n``. Megatron's constructor calls ``step(0)``
and its training loop ``step(increment)`` after each optimizer step, so update k runs at
``n = k * increment``. `OptimizerParamScheduler_weight_decay` is the weight decay written
with it (``get_wd``), on the same counter. Nothing here imports Megatron or torch.

The two forms of a Megatron run:

* **Iteration-based** (``--train-iters``): Megatron's training.py turns every count into
  samples (``lr_warmup_iters * global_batch_size``, ...) and steps by the global batch size.
  The ratios it computes are the same as with the counts in iterations stepped by 1 (the
  same exact fractions, rounded once): give the counts in iterations here
  (``lr_warmup_steps=lr_warmup_iters``, ``lr_decay_steps=lr_decay_iters``,
  ``wsd_decay_steps=lr_wsd_decay_iters``, ``wd_incr_steps=train_iters``) and the schedule's
  step is the optimizer update. One exception: "inverse-square-root" without a warmup
  divides by ``sqrt(max(n, 1))`` with n in samples (``max_lr / sqrt(k * global_batch_size)``
  at update k): use the sample-based form for it.
* **Sample-based** (``--train-samples``): the counts are samples and the counter advances by
  the global batch size per update. Give the counts in samples: the schedule then runs on a
  sample clock, its step is the number of samples consumed, and update k uses its value at
  ``k * global_batch_size`` (an adapter stepping by that increment, or
  ``s.evaluate([k * global_batch_size for k in ...])``).

``lr_warmup_steps`` from ``--lr-warmup-fraction`` (``fraction * lr_decay_steps``) is a float
in Megatron; here it must be a whole number of steps (round it as you mean it). Per param
group, Megatron reads ``max_lr``, ``min_lr``, ``start_wd``, ``end_wd`` from the group where set:
call once per group with those values (the warmup always starts from the global ``init_lr``);
its ``wd_mult`` multiplies the weight decay (``s * wd_mult``).
``use_checkpoint_opt_param_scheduler`` and ``override_opt_param_scheduler`` decide what a
resume keeps; they are checked as Megatron checks them and do not change the values.

>>> from lrcore.catalog import megatron as M
>>> s = M.OptimizerParamScheduler(max_lr=1.0, min_lr=0.1, lr_warmup_steps=3, lr_decay_steps=10,
...                               lr_decay_style="cosine")
>>> [f"{s(n):.4f}" for n in range(12)]
['0.0000', '0.3333', '0.6667', '1.0000', '0.9554', '0.8306', '0.6501', '0.4499', '0.2694', '0.1446', '0.1000', '0.1000']
"""

from __future__ import annotations

from typing import Any

from .._base import Schedule
from .._combinators import Clamp, Sequential, Shift, Warmup
from .._errors import ScheduleError, ScheduleTypeError, check_bool, check_choice, check_int, check_real, check_steps
from .._primitives import WSD, Constant, Cosine, InverseSqrt, Linear

__all__ = ["OptimizerParamScheduler", "OptimizerParamScheduler_weight_decay"]

LR_DECAY_STYLES = ("constant", "linear", "cosine", "inverse-square-root", "WSD")
WSD_DECAY_STYLES = ("exponential", "linear", "cosine", "minus_sqrt")
WD_INCR_STYLES = ("constant", "linear", "cosine")
_WSD_SHAPE = {"exponential": "exponential", "linear": "linear", "cosine": "cosine", "minus_sqrt": "1-sqrt"}


def _number(node: str, field: str, x: Any, **bounds: Any) -> float:
    if isinstance(x, (list, tuple)):
        raise ScheduleTypeError(node, field, "a number (per param group values: call once per group)", x)
    return check_real(node, field, x, **bounds)


def _flags(n: str, use_checkpoint: Any, override: Any) -> None:
    use = check_bool(n, "use_checkpoint_opt_param_scheduler", use_checkpoint)
    if check_bool(n, "override_opt_param_scheduler", override) and use:
        raise ScheduleError(n, "override_opt_param_scheduler", "False while use_checkpoint_opt_param_scheduler is "
                            "True (Megatron: 'both override and use-checkpoint are set')", override)


def _lr(n: str, init_lr: Any, max_lr: Any, min_lr: Any, lr_warmup_steps: Any, lr_decay_steps: Any,
        lr_decay_style: Any, wsd_decay_steps: Any, lr_wsd_decay_style: Any) -> Schedule:
    lo = _number(n, "min_lr", min_lr, low=0.0)
    hi = _number(n, "max_lr", max_lr, low=lo)
    init = _number(n, "init_lr", init_lr, low=0.0, high=hi)
    d = check_steps(n, "lr_decay_steps", lr_decay_steps)
    w = check_steps(n, "lr_warmup_steps", lr_warmup_steps, low=0)
    if w >= d:
        raise ScheduleError(n, "lr_warmup_steps", f"< lr_decay_steps = {d}", lr_warmup_steps)
    style = check_choice(n, "lr_decay_style", lr_decay_style, LR_DECAY_STYLES)

    def warm(body: Schedule) -> Schedule:
        # Megatron's warmup includes n = W, where it is max_lr as the body's start is
        return Warmup(body, warmup_steps=w, start_value=init)

    if style == "constant":
        return warm(Constant(value=hi))
    if style == "linear":
        return warm(Linear(start_value=hi, end_value=lo, steps=d - w))
    if style == "cosine":
        return warm(Cosine(start_value=hi, steps=d - w, end_value=lo))
    if style == "inverse-square-root":
        # max * sqrt(max(W, 1)) / sqrt(max(n, 1)), floored at min_lr, and min_lr past D
        body: Schedule = (InverseSqrt(start_value=hi, timescale_steps=w) if w else
                          Shift(InverseSqrt(start_value=hi, timescale_steps=1), steps=1))
        if lo > 0.0:
            body = Clamp(body, min_value=lo)
        return Sequential(parts=[warm(body), Constant(value=lo)], boundaries=[d + 1])
    if wsd_decay_steps is None:
        raise ScheduleError(n, "wsd_decay_steps", "an int >= 0 with lr_decay_style='WSD'", wsd_decay_steps)
    wsd = check_steps(n, "wsd_decay_steps", wsd_decay_steps, low=0)
    if wsd == 0:  # no anneal: max_lr up to D, then min_lr
        return Sequential(parts=[warm(Constant(value=hi)), Constant(value=lo)], boundaries=[d + 1])
    if lr_wsd_decay_style is None:
        raise ScheduleError(n, "lr_wsd_decay_style", "one of " + ", ".join(map(repr, WSD_DECAY_STYLES)) +
                            " with lr_decay_style='WSD' (Megatron fails once the anneal starts)", None)
    shape = _WSD_SHAPE[check_choice(n, "lr_wsd_decay_style", lr_wsd_decay_style, WSD_DECAY_STYLES)]
    anneal = d - wsd  # the anneal runs over (anneal, D]
    if anneal >= w:
        return WSD(peak_value=hi, warmup_steps=w, stable_steps=anneal - w, decay_steps=wsd, start_value=init,
                   end_value=lo, decay_shape=shape)
    # the anneal would start inside the warmup: the warmup wins up to W, the anneal goes on from W + 1
    decay = WSD(peak_value=hi, warmup_steps=0, stable_steps=0, decay_steps=wsd, end_value=lo, decay_shape=shape)
    if not w:
        return Shift(decay, steps=anneal)
    return Sequential(parts=[Linear(start_value=init, end_value=hi, steps=w), Shift(decay, steps=anneal - w - 1)],
                      boundaries=[w + 1])


def _wd(n: str, start_wd: Any, end_wd: Any, wd_incr_steps: Any, wd_incr_style: Any) -> Schedule:
    start = _number(n, "start_wd", start_wd, low=0.0)
    end = _number(n, "end_wd", end_wd, low=start)
    style = check_choice(n, "wd_incr_style", wd_incr_style, WD_INCR_STYLES)
    if style == "constant":
        check_steps(n, "wd_incr_steps", wd_incr_steps, low=0)
        if end != start:
            raise ScheduleError(n, "end_wd", f"== start_wd = {start} with wd_incr_style='constant'", end_wd)
        return Constant(value=end)
    steps = check_steps(n, "wd_incr_steps", wd_incr_steps)
    if style == "linear":
        return Linear(start_value=start, end_value=end, steps=steps)
    return Cosine(start_value=start, steps=steps, end_value=end)  # start + (1 - cos(pi r)) / 2 * (end - start)


def OptimizerParamScheduler(*, init_lr: float = 0.0, max_lr: float, min_lr: float = 0.0, lr_warmup_steps: int = 0,
                            lr_decay_steps: int, lr_decay_style: str = "linear", start_wd: float | None = None,
                            end_wd: float | None = None, wd_incr_steps: int | None = None,
                            wd_incr_style: str | None = None, use_checkpoint_opt_param_scheduler: bool = True,
                            override_opt_param_scheduler: bool = False, wsd_decay_steps: int | None = None,
                            lr_wsd_decay_style: str | None = None) -> Schedule:
    """Megatron ``OptimizerParamScheduler`` (the lr) at ``num_steps = n``.

    With W = lr_warmup_steps, D = lr_decay_steps: ``W > 0 and n <= W``: ``init_lr + (max_lr -
    init_lr) * n / W``; then "constant": max_lr (for ever); n > D: min_lr; otherwise
    ``min_lr + coeff * (max_lr - min_lr)`` with ``r = (n - W) / (D - W)``, "linear"
    ``coeff = 1 - r``, "cosine" ``(1 + cos(pi r)) / 2``; "inverse-square-root"
    ``max(min_lr, max_lr * sqrt(max(W, 1)) / sqrt(max(n, 1)))`` (and min_lr past D, a drop);
    "WSD": with ``A = D - wsd_decay_steps``, coeff 1 up to A, then with ``r = (n - A) /
    wsd_decay_steps`` by ``lr_wsd_decay_style``: "linear" ``1 - r``, "cosine"
    ``(1 + cos(pi r)) / 2``, "exponential" ``2 * 0.5**r - 1``, "minus_sqrt" ``1 - sqrt(r)``
    (a `lrcore.WSD`). The defaults not in Megatron's constructor are its command line's
    (``--lr-warmup-init 0``, ``--min-lr 0``, ``--lr-warmup-iters 0``, ``--lr-decay-style
    linear``). The weight-decay arguments are checked as Megatron checks them, and used by
    `OptimizerParamScheduler_weight_decay`.

    Megatron computes ``1 + cos`` and ``2 * 0.5**r - 1``, which cancel near the end of a decay
    (absolute errors up to an ulp of ``max_lr - min_lr``); lrcore's forms do not.

    >>> s = OptimizerParamScheduler(max_lr=1.0, min_lr=0.1, lr_warmup_steps=3, lr_decay_steps=10,
    ...                             lr_decay_style="WSD", wsd_decay_steps=4, lr_wsd_decay_style="minus_sqrt")
    >>> [f"{s(n):.4f}" for n in (3, 6, 7, 8, 9, 10, 11)]
    ['1.0000', '1.0000', '0.5500', '0.3636', '0.2206', '0.1000', '0.1000']
    """
    n = "OptimizerParamScheduler"
    _flags(n, use_checkpoint_opt_param_scheduler, override_opt_param_scheduler)
    if None not in (start_wd, end_wd, wd_incr_steps, wd_incr_style):
        _wd(n, start_wd, end_wd, wd_incr_steps, wd_incr_style)
    else:  # some given: each checked alone
        start = None if start_wd is None else _number(n, "start_wd", start_wd, low=0.0)
        if end_wd is not None:
            _number(n, "end_wd", end_wd, low=0.0 if start is None else start)
        if wd_incr_style is not None:
            check_choice(n, "wd_incr_style", wd_incr_style, WD_INCR_STYLES)
        if wd_incr_steps is not None:
            check_steps(n, "wd_incr_steps", wd_incr_steps, low=0)
    return _lr(n, init_lr, max_lr, min_lr, lr_warmup_steps, lr_decay_steps, lr_decay_style, wsd_decay_steps,
               lr_wsd_decay_style)


def OptimizerParamScheduler_weight_decay(*, start_wd: float, end_wd: float, wd_incr_steps: int, wd_incr_style: str,
                                         init_lr: float = 0.0, max_lr: float | None = None, min_lr: float = 0.0,
                                         lr_warmup_steps: int = 0, lr_decay_steps: int | None = None,
                                         lr_decay_style: str = "linear",
                                         use_checkpoint_opt_param_scheduler: bool = True,
                                         override_opt_param_scheduler: bool = False,
                                         wsd_decay_steps: int | None = None,
                                         lr_wsd_decay_style: str | None = None) -> Schedule:
    """The weight decay Megatron's ``OptimizerParamScheduler`` writes (``get_wd``) at ``num_steps = n``.

    ``n > wd_incr_steps``: end_wd; "constant": end_wd (Megatron asserts ``start_wd == end_wd``);
    with ``r = n / wd_incr_steps``: "linear" ``start_wd + r * (end_wd - start_wd)``; "cosine"
    ``start_wd + (cos(pi (1 - r)) + 1) / 2 * (end_wd - start_wd)``, a rising half cosine. Megatron
    multiplies it by the group's ``wd_mult``. Takes the arguments of `OptimizerParamScheduler`
    (so one set of keyword arguments builds both); the lr ones are checked when ``max_lr`` is given.

    >>> w = OptimizerParamScheduler_weight_decay(start_wd=0.0, end_wd=0.1, wd_incr_steps=4, wd_incr_style="cosine")
    >>> [f"{w(n):.4f}" for n in range(6)]
    ['0.0000', '0.0146', '0.0500', '0.0854', '0.1000', '0.1000']
    """
    n = "OptimizerParamScheduler_weight_decay"
    _flags(n, use_checkpoint_opt_param_scheduler, override_opt_param_scheduler)
    if max_lr is not None:
        _lr(n, init_lr, max_lr, min_lr, lr_warmup_steps, lr_decay_steps, lr_decay_style, wsd_decay_steps,
            lr_wsd_decay_style)
    return _wd(n, start_wd, end_wd, wd_incr_steps, wd_incr_style)
