"""`trajectory` and `assert_close`: real scheduler objects compared step by step.

Default tolerances, by evaluation path (the looser of the two sides applies)
-----------------------------------------------------------------------------

=========  =================================  ==========================  ==================================
path       what evaluates there               default                     measured (tests/)
=========  =================================  ==========================  ==================================
float64    ``s(t)``, numpy, torch, paddle,    rtol 1e-12, atol 0          every path equals ``s(t)`` to rtol
           Python callables                                               1e-12 (test_eval_path_parity);
                                                                          ``s(t)`` is within 4 ulp of a
                                                                          50-digit reference (test_precision)
jax_x64    JAX / optax with x64 enabled       rtol 1e-12, atol 2.2e-308   as float64; XLA flushes subnormals
                                                                          to 0 (the atol: the smallest
                                                                          normal float64)
float32    JAX without x64, Keras (floatx     rtol 16 float32 ulp         every error within 6 float32 ulp of
           float32), float32 arrays           (1.9e-6), atol 4 float32    (``|value| + magnitude / 4``)
                                              ulp of the largest |value|  (test_eval_path_parity: VALUE_ULPS
                                              compared                    16, FLOOR_ULPS 4)
=========  =================================  ==========================  ==================================

float32 holds integer steps exactly up to 2**24 only; beyond that, or right at a jump (a
milestone, a cycle start), a float32 evaluation may take the value of a neighbouring step:
pass wider tolerances there. Passing any of ``rtol``, ``atol``, ``ulps`` replaces the default
(the ones not passed are 0).

Tolerances that depend on the step
----------------------------------

``rtol`` and ``atol`` may be callables: ``f(t)`` of the step (a peer's rounding that grows
with t, such as a recursion that drifts), or ``f(t, a, b)`` of the step and both values there
(a bound that is an interval around one side). Each call returns a number >= 0. ``skip`` (a
collection of steps, or a predicate of the step) leaves steps out, such as a peer's
documented deviation; the failure report lists them.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from .._compare import check, ulp_distance
from .._drivers import kind_of, run, steps_of

TYPE_CHECKING = False  # typing's other names are not imported at run time
if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Sequence
    from typing import Any

    #: Steps: an int n (steps 0..n-1) or a sequence of increasing ints.
    Steps = int | Sequence[int]
    #: A tolerance: a number >= 0, or ``f(t)`` / ``f(t, a_t, b_t)`` giving one.
    Tol = float | Callable[..., float]

__all__ = ["trajectory", "assert_close", "TOLERANCES", "Tolerance"]

EPS32 = 2.0**-23


class Tolerance(NamedTuple):
    """A default tolerance: ``rtol``, ``atol``, and ``atol_scale``: atol plus that many times the
    largest magnitude compared (float32 errors are in ulps of the intermediate values)."""

    rtol: float
    atol: float
    atol_scale: float = 0.0


#: The default tolerance of each evaluation path (the table of the module docstring).
TOLERANCES: dict[str, Tolerance] = {
    "float64": Tolerance(rtol=1e-12, atol=0.0),
    "jax_x64": Tolerance(rtol=1e-12, atol=2.2250738585072014e-308),
    "float32": Tolerance(rtol=16 * EPS32, atol=0.0, atol_scale=4 * EPS32),
}
_ORDER = ("float64", "jax_x64", "float32")


def trajectory(obj: Any, steps: Steps, metrics: Sequence[float] | None = None, *, group: int = 0,
               read: str = "lr") -> list[float]:
    """The rates `obj` produces at `steps` (an int n: steps 0..n-1; or a sequence of increasing ints).

    `obj` is stepped the way training steps it, from its current state (so pass a fresh one;
    it advances):

    * a torch ``LRScheduler``: read the lr of param group `group`, ``optimizer.step()``,
      ``scheduler.step()`` (``step(metrics[t])`` for ``ReduceLROnPlateau``);
    * a paddle ``LRScheduler``: ``last_lr``, then ``step()`` (``step(metrics[t])`` for
      ``ReduceOnPlateau``);
    * an optax schedule (jitted or not): called with the int32 count an optax optimizer passes;
      float32 results unless x64 is enabled;
    * a Keras ``LearningRateSchedule``: called with the step;
    * an lrcore schedule (``s(t)``), a schedule scaled by a Plateau (``value(t, state)``, the
      state updated with ``metrics[t]``), any adapter (it is one of the above), a callable;
    * a list, tuple or array: the values themselves, one per step (computed elsewhere, e.g. a
      whole array evaluated at once), as floats.

    `read` names what to read instead of the lr: a torch param group's key, such as
    ``"momentum"`` (SGD's ``momentum``, or ``betas[0]`` for the Adam family, as torch's
    OneCycleLR and CyclicLR cycle it) or ``"weight_decay"``. Only torch optimizers hold other
    hyperparameters: the other objects give their lr, and `read` other than "lr" is an error.

    ``metrics[t]`` is reported after the rate at step t is read. Framework types are found in
    ``sys.modules``: nothing is imported.

    >>> import lrcore
    >>> from lrcore.testing import trajectory
    >>> trajectory(lrcore.Linear(start_value=1.0, end_value=0.0, steps=4), [0, 2, 4])
    [1.0, 0.5, 0.0]
    >>> ps = lrcore.Constant(value=0.1) * lrcore.Plateau(factor=0.5, patience=0)
    >>> trajectory(ps, 4, metrics=[1.0, 2.0, 3.0])
    [0.1, 0.1, 0.05, 0.025]
    """
    return run(obj, steps, metrics, group=group, read=read)[0]


def _phase(obj: Any, t: int) -> str:
    if kind_of(obj) != "lrcore":
        return ""
    p = obj.phase_at(t)
    end = "inf" if p.end is None else p.end
    return f"; phase {p.kind} [{p.start}, {end})"


def _row(label: str, t: int, a: Any, b: Any, x: float, y: float, allowed: float) -> str:
    d = abs(x - y)
    m = max(abs(x), abs(y))
    rel = d / m if m > 0 else math.inf
    return (f"  {label} step {t}: a={x!r} b={y!r} |a-b|={d!r} allowed={allowed!r} rel={rel:.3e} "
            f"ulps={ulp_distance(x, y)}{_phase(a, t)}{_phase(b, t)}")


def _show(v: Any) -> str:
    """A tolerance for the report: its repr, or ``name(t)`` for a callable."""
    return f"{getattr(v, '__qualname__', type(v).__name__)}(...)" if callable(v) else repr(v)


def _side(obj: Any, steps: Steps, metrics: Sequence[float] | None, group: int, read: str) -> tuple[list[float], str]:
    """`run` on one side of a comparison: `read` and `group` apply to a torch scheduler only."""
    if kind_of(obj) == "torch":
        return run(obj, steps, metrics, group=group, read=read)
    return run(obj, steps, metrics)


def assert_close(a: Any, b: Any, steps: Steps, *, rtol: Tol | None = None, atol: Tol | None = None,
                 ulps: float | None = None, metrics: Sequence[float] | None = None,
                 skip: Collection[int] | Callable[[int], bool] | None = None, read: str = "lr", group: int = 0,
                 msg: str = "") -> None:
    """Assert that `a` and `b` (anything `trajectory` steps) agree at every one of `steps`.

    A step agrees where ``|a - b| <= atol + rtol * max(|a|, |b|)`` or the two are at most `ulps`
    float64 ulps apart. Without `rtol`, `atol` and `ulps` the default tolerance of the looser
    evaluation path applies (`TOLERANCES`, the table of this module's docstring).

    * `rtol`, `atol`: a number >= 0, or a callable of the step ``f(t)``, or of the step and both
      values there ``f(t, a_t, b_t)``, returning a number >= 0.
    * `skip`: steps not compared, a collection of steps or a predicate ``f(t) -> bool`` (a peer's
      documented deviation, say); the failure report lists them.
    * `read`, `group`: what `trajectory` reads from a torch scheduler side (``read="momentum"``
      compares the momentum a torch scheduler writes with a schedule of momentum values); the
      other sides give their value.
    * `msg`: the first line of the failure report (what is compared).

    On failure, AssertionError reports the first and the worst differing steps: both values
    (repr), the difference, the difference allowed there, the difference in ulps and, for an
    lrcore side, its phase there.

    >>> import math, lrcore
    >>> from lrcore.testing import assert_close
    >>> s = lrcore.Cosine(start_value=0.1, steps=100)
    >>> assert_close(s, lambda t: 0.05 * (1 + math.cos(math.pi * min(t, 100) / 100)), steps=120)
    >>> assert_close(s, [0.1, 0.09997532801828658, 0.1], steps=[0, 1, 50], atol=lambda t: 0.05 if t == 50 else 0.0)
    >>> assert_close(s, lambda t: 0.1, steps=4, skip={3})
    Traceback (most recent call last):
    ...
    AssertionError: 2 of 4 steps differ (rtol=1e-12, atol=0.0, ulps=0):
      first step 1: a=0.09997532801828658 b=0.1 |a-b|=2.4671981713422775e-05 allowed=1e-13 rel=2.467e-04 ulps=1777803642417; phase cosine [0, 100)
      worst step 2: a=0.09990133642141359 b=0.1 |a-b|=9.866357858641372e-05 allowed=1e-13 rel=9.866e-04 ulps=7109460092109; phase cosine [0, 100)
      skipped 1 step: [3]
    """
    if read != "lr" and "torch" not in (kind_of(a), kind_of(b)):
        raise ValueError(f"`read`: only a torch LRScheduler side has hyperparameters beside the lr, got read={read!r}")
    xs, pa = _side(a, steps, metrics, group, read)
    ys, pb = _side(b, steps, metrics, group, read)
    if rtol is None and atol is None and ulps is None:
        tol = TOLERANCES[max(pa, pb, key=_ORDER.index)]
        scale = max((abs(v) for v in (*xs, *ys) if math.isfinite(v)), default=0.0)
        rtol, atol, ulps = tol.rtol, tol.atol + tol.atol_scale * scale, 0
    rtol = 0.0 if rtol is None else rtol
    atol = 0.0 if atol is None else atol
    ulps = ulps or 0
    ts = steps_of(steps)
    bad, skipped, allowed = check(ts, xs, ys, rtol=rtol, atol=atol, ulps=ulps, skip=skip)
    if not bad:
        return

    def badness(i: int) -> float:
        x, y = xs[i], ys[i]
        m = max(abs(x), abs(y))
        d = abs(x - y)
        return math.inf if math.isnan(d) else d / m if m > 0 else math.inf
    worst = max(bad, key=badness)
    lines = [f"{msg}: " if msg else "",
             f"{len(bad)} of {len(ts)} steps differ (rtol={_show(rtol)}, atol={_show(atol)}, ulps={ulps!r}):",
             "\n" + _row("first", ts[bad[0]], a, b, xs[bad[0]], ys[bad[0]], allowed[bad[0]]),
             "\n" + _row("worst", ts[worst], a, b, xs[worst], ys[worst], allowed[worst])]
    if skipped:
        more = ", ..." if len(skipped) > 10 else ""
        lines.append(f"\n  skipped {len(skipped)} step{'s' if len(skipped) > 1 else ''}: "
                     f"[{', '.join(map(str, skipped[:10]))}{more}]")
    raise AssertionError("".join(lines))
