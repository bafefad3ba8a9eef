"""Batch-size scaling: a schedule tuned at one batch size, moved to another."""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Any

from ._errors import ScheduleError, check_bool, check_choice, check_real

__all__ = ["scale_batch"]


def scale_batch(s: Any, *, batch_size: float, reference_batch_size: float, rule: str = "linear",
                scale_steps: bool = True) -> Any:
    """`s`, tuned at ``reference_batch_size``, for training at ``batch_size``.

    With ``c = batch_size / reference_batch_size``:

    * values: ``k * s(t)`` with ``k = c`` (``rule="linear"``: Goyal et al. 2017, "Accurate,
      Large Minibatch SGD: Training ImageNet in 1 Hour", for SGD) or ``k = sqrt(c)``
      (``rule="sqrt"``: the square-root rule for adaptive optimizers, Krizhevsky 2014, "One
      weird trick for parallelizing convolutional neural networks"; Malladi et al. 2022, "On the
      SDEs and Scaling Rules for Adaptive Gradient Algorithms"). The result is
      ``Product(Constant(k), s')``: every value of the tree, bounds of a `Clamp` included,
      is multiplied by k (``k == 1``: ``s'`` alone).
    * step counts (``scale_steps=True``): every field declared ``duration`` (``steps``,
      ``warmup_steps``, milestones, boundaries, periods, ...) of every node, as
      detectron2's ``DefaultTrainer.auto_scale_workers`` does, ``int(round(n / c))``
      (Python's round: halves to even) for an int, ``n / c`` for a float field, so the run
      covers the same number of samples. A `Stretch` runs its child in the child's own time:
      its ``factor`` is divided by c instead, and its child is left as it is. Durations in
      epochs, tokens, samples or a fraction of the run measure data, not steps, and are kept
      (so is a step count written as a string: it becomes the scaled int). A count that
      rounds out of its bounds (a 1-step warmup at 4x the batch) is the node's usual error,
      saying which count it was scaled from.

    The result is a plain schedule tree (configs, fingerprints, ``==``).

    >>> import lrcore
    >>> s = lrcore.Warmup(lrcore.MultiStep(start_value=0.1, milestones=[4000], factor=0.1), warmup_steps=1000)
    >>> t = lrcore.scale_batch(s, batch_size=32, reference_batch_size=16)
    >>> t
    Product(factors=(Constant(value=2.0), Warmup(schedule=MultiStep(start_value=0.1, milestones=(2000,), factor=0.1), warmup_steps=500, start_value=0.0, shape='linear', prefix=True)))
    >>> f"{t(500):.2f} {t(2500):.2f}", lrcore.loads(lrcore.dumps(t)) == t
    ('0.20 0.02', True)
    """
    from ._base import Schedule
    from ._combinators import Product
    from ._primitives import Constant

    if not isinstance(s, Schedule):
        raise TypeError(f"scale_batch: `s` must be an lrcore Schedule, got {type(s).__name__}")
    bs = check_real("scale_batch", "batch_size", batch_size, low=0.0, low_open=True)
    ref = check_real("scale_batch", "reference_batch_size", reference_batch_size, low=0.0, low_open=True)
    check_choice("scale_batch", "rule", rule, ("linear", "sqrt"))
    check_bool("scale_batch", "scale_steps", scale_steps)
    c = bs / ref
    if not 0.0 < c < float("inf"):
        raise ScheduleError("scale_batch", "batch_size", "a finite, non-zero multiple of reference_batch_size",
                            batch_size)
    k = c if rule == "linear" else c**0.5
    out = _scale_steps(s, c) if scale_steps and c != 1.0 else s
    return out if k == 1.0 else Product(factors=(Constant(value=k), out))


def _scale_steps(node: Any, c: float) -> Any:
    from ._combinators import Stretch
    from ._node import MAX_STEPS, Node
    from ._units import rebuilt

    if isinstance(node, Stretch):
        return rebuilt(node, {"schedule": node.schedule, "factor": node.factor / c},
                       f"factor={node.factor!r} scaled by reference_batch_size / batch_size = 1/{c!r}")
    notes: list[str] = []

    def count(v: Any, name: str) -> Any:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return v  # None, or a duration in another unit
        x = v / c
        if not abs(x) <= MAX_STEPS:  # (inf, nan too) before int(round(x)) could overflow
            raise ScheduleError(type(node).__name__, name, f"at most 2**53 steps once scaled by reference_batch_size / "
                                f"batch_size = 1/{c!r}", v)
        notes.append(f"{name}={v!r} scaled by reference_batch_size / batch_size = 1/{c!r}")
        return int(round(int(v) / c)) if isinstance(v, int) else x  # detectron2's int(round(n / scale))

    kwargs = {}
    for f in node._fields:
        v = node.__dict__[f.name]
        if isinstance(v, Node):
            kwargs[f.name] = _scale_steps(v, c)
        elif f.duration and isinstance(v, tuple):
            kwargs[f.name] = tuple(count(x, f"{f.name}[{i}]") for i, x in enumerate(v))
        elif f.duration:
            kwargs[f.name] = count(v, f.name)
        elif isinstance(v, tuple) and any(isinstance(x, Node) for x in v):
            kwargs[f.name] = tuple(_scale_steps(x, c) if isinstance(x, Node) else x for x in v)
        else:
            kwargs[f.name] = v
    return rebuilt(node, kwargs, ", ".join(notes))
