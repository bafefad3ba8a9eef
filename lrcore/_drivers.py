"""Rates of real scheduler objects over steps: the drivers behind `lrcore.compare` and `lrcore.testing`.

Standard library only: a framework's types are looked up in ``sys.modules``, so an object of a
framework the caller has not imported is never recognised as one (and nothing is imported).

>>> import lrcore
>>> from lrcore._drivers import run
>>> run(lrcore.Linear(start_value=1.0, end_value=0.0, steps=4), 5)
([1.0, 0.75, 0.5, 0.25, 0.0], 'float64')
"""

from __future__ import annotations

import operator
import sys
TYPE_CHECKING = False  # typing is not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Any, Callable, Iterable, Sequence

__all__ = ["steps_of", "kind_of", "run"]

_FLOAT32_NAMES = ("float32", "float16", "bfloat16")


def steps_of(steps: int | Iterable[int]) -> list[int]:
    """An int n as ``[0, 1, ..., n - 1]``; a sequence of increasing ints >= 0 as a list.

    >>> steps_of(3), steps_of([0, 10, 20])
    ([0, 1, 2], [0, 10, 20])
    """
    if isinstance(steps, bool):
        raise TypeError(f"`steps` must be an int or a sequence of ints, got {steps!r}")
    if isinstance(steps, int):
        if steps < 0:
            raise ValueError(f"`steps` must be >= 0, got steps={steps}")
        return list(range(steps))
    try:
        out = [operator.index(t) for t in steps]
    except TypeError:
        raise TypeError(f"`steps` must be an int or a sequence of ints, got {steps!r}") from None
    for i, t in enumerate(out):
        if t < 0 or (i and t <= out[i - 1]):
            raise ValueError(f"`steps` must be increasing ints >= 0, got {t} at index {i}")
    return out


def _module_type(module: str, *path: str) -> type | None:
    """``module.path...`` if `module` is already imported, else None (never imports)."""
    obj: Any = sys.modules.get(module)
    for name in path:
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj if isinstance(obj, type) else None


def kind_of(obj: Any) -> str:
    """What `obj` is, for stepping it: 'lrcore', 'lrcore-plateau', 'torch', 'paddle', 'keras', 'callable'
    or 'values' (a list, tuple or array: the values themselves, one per step).

    A JAX/Optax schedule is a 'callable' (a plain function); `run` sees its JAX results.

    >>> import lrcore
    >>> kind_of(lrcore.Constant(value=1.0)), kind_of(lambda t: 1.0), kind_of([0.1, 0.2])
    ('lrcore', 'callable', 'values')
    """
    lr = sys.modules.get("lrcore")
    if lr is not None:
        if isinstance(obj, lr.PlateauSchedule):
            return "lrcore-plateau"
        if isinstance(obj, lr.Schedule):
            return "lrcore"
    torch_base = _module_type("torch.optim.lr_scheduler", "LRScheduler")
    torch_plateau = _module_type("torch.optim.lr_scheduler", "ReduceLROnPlateau")
    if any(b is not None and isinstance(obj, b) for b in (torch_base, torch_plateau)):
        return "torch"
    paddle_base = _module_type("paddle.optimizer.lr", "LRScheduler")
    if paddle_base is not None and isinstance(obj, paddle_base):
        return "paddle"
    keras_base = _module_type("keras", "optimizers", "schedules", "LearningRateSchedule")
    if keras_base is not None and isinstance(obj, keras_base):
        return "keras"
    if callable(obj):
        return "callable"
    if isinstance(obj, (list, tuple)) or (hasattr(obj, "__array__") and hasattr(obj, "__len__")):
        return "values"
    raise TypeError(f"cannot step {type(obj).__module__}.{type(obj).__qualname__}: expected an lrcore schedule, a "
                    "torch or paddle LRScheduler, a Keras LearningRateSchedule, an optax schedule, a callable or a "
                    "sequence of values")


def _path_of_result(r: Any) -> str:
    """'float32' for a float32 (or narrower) array result, else 'float64'."""
    name = str(getattr(r, "dtype", "float64"))
    return "float32" if name.endswith(_FLOAT32_NAMES) else "float64"


def _metric(metrics: Sequence[Any] | None, t: int, what: str) -> Any:
    if metrics is None:
        raise ValueError(f"{what} is driven by a metric: pass `metrics`, one value per step (metrics[t] is "
                         "reported after the rate at step t is read)")
    if t >= len(metrics):
        raise ValueError(f"`metrics` has {len(metrics)} values, but stepping to the last step needs {t + 1}")
    return metrics[t]


def _stepped(read: Callable[[int], Any], advance: Callable[[int], object], steps: list[int]) -> list[float]:
    """`read(t)` at each wanted step t; `advance(t)` moves from step t to t + 1."""
    out: list[float] = []
    if not steps:
        return out
    want, last = set(steps), steps[-1]
    for t in range(last + 1):
        if t in want:
            out.append(float(read(t)))
        if t < last:
            advance(t)
    return out


def _torch_reader(opt: Any, group: int, read: str) -> Any:
    """A function of no argument that reads `read` from param group `group` ("momentum": also betas[0])."""
    groups = opt.param_groups
    if isinstance(group, bool) or not isinstance(group, int) or not -len(groups) <= group < len(groups):
        raise ValueError(f"`group` must be the index of a param group (the optimizer has {len(groups)}), "
                         f"got group={group!r}")
    g = groups[group]
    if read == "momentum" and "momentum" not in g and "betas" in g:
        return lambda: g["betas"][0]  # the Adam family: betas[0], as torch's OneCycleLR and CyclicLR cycle it
    if not isinstance(read, str) or read not in g:
        keys = sorted(k for k in g if k != "params")
        raise ValueError(f"`read`: param group {group} has no {read!r} (it has {', '.join(keys)}; 'momentum' also "
                         f"reads betas[0]), got read={read!r}")
    return lambda: g[read]


def _torch(sched: Any, steps: list[int], metrics: Sequence[Any] | None, group: int, read: str = "lr") -> list[float]:
    plateau_t = _module_type("torch.optim.lr_scheduler", "ReduceLROnPlateau")
    plateau = plateau_t is not None and isinstance(sched, plateau_t)
    opt = sched.optimizer
    value = _torch_reader(opt, group, read)

    def advance(t: int) -> None:  # a training loop: optimizer.step(), then scheduler.step()
        opt.step()
        if plateau:
            sched.step(_metric(metrics, t, type(sched).__name__))
        else:
            sched.step()

    return _stepped(lambda t: value(), advance, steps)


def _paddle(sched: Any, steps: list[int], metrics: Sequence[Any] | None) -> list[float]:
    plateau_t = _module_type("paddle.optimizer.lr", "ReduceOnPlateau")
    plateau = plateau_t is not None and isinstance(sched, plateau_t)

    def advance(t: int) -> None:
        if plateau:
            sched.step(_metric(metrics, t, type(sched).__name__))
        else:
            sched.step()

    return _stepped(lambda t: sched.last_lr, advance, steps)


def _lrcore_plateau(ps: Any, steps: list[int], metrics: Sequence[Any] | None) -> list[float]:
    box = [ps.init()]

    def advance(t: int) -> None:
        box[0] = ps.update(box[0], _metric(metrics, t, "a schedule scaled by a Plateau"))

    return _stepped(lambda t: ps.value(t, box[0]), advance, steps)


def _jax(fn: Any, steps: list[int]) -> tuple[list[float], str]:
    """`fn` at each step, called with the int32 counts an optax optimizer passes it."""
    jnp = sys.modules["jax.numpy"]
    if steps and steps[-1] > 2**31 - 1:
        raise ValueError(f"an optax schedule is called with int32 counts: steps must be <= 2**31 - 1, got {steps[-1]}")
    out, path = [], "float64"
    for t in steps:
        r = fn(jnp.asarray(t, dtype=jnp.int32))
        path = "jax_x64" if str(r.dtype) == "float64" else "float32"
        out.append(float(r))
    return out, path


def run(obj: Any, steps: Any, metrics: Sequence[Any] | None = None, *, group: int = 0,
        read: str = "lr") -> tuple[list[float], str]:
    """(values at `steps`, the evaluation path: 'float64', 'jax_x64' or 'float32'). See `lrcore.testing.trajectory`."""
    ts = steps_of(steps)
    kind = kind_of(obj)
    if read != "lr" and kind != "torch":
        raise ValueError(f"`read`: a {kind} {'object' if kind == 'values' else 'schedule'} gives one value per step, "
                         f"its lr; only a torch LRScheduler's param groups hold other hyperparameters, got read={read!r}")
    if kind == "values":
        if len(obj) != len(ts):
            raise ValueError(f"a sequence of values is the values at `steps`, one per step: got {len(obj)} values "
                             f"for {len(ts)} steps")
        return [float(v) for v in obj], _path_of_result(obj)
    if kind == "lrcore":
        return [float(obj(t)) for t in ts], "float64"
    if kind == "lrcore-plateau":
        return _lrcore_plateau(obj, ts, metrics), "float64"
    if kind == "torch":
        return _torch(obj, ts, metrics, group, read), "float64"
    if kind == "paddle":
        return _paddle(obj, ts, metrics), "float64"
    if kind == "keras":
        keras = sys.modules["keras"]
        out, path = [], "float64"
        for t in ts:
            r = obj(t)
            path = _path_of_result(r)
            out.append(float(keras.ops.convert_to_numpy(r)))
        return out, path
    if not ts:
        return [], "float64"
    first = obj(ts[0])
    jax = sys.modules.get("jax")
    if jax is not None and isinstance(first, jax.Array):
        return _jax(obj, ts)
    path = _path_of_result(first)
    return [float(first)] + [float(obj(t)) for t in ts[1:]], path
