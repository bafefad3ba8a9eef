"""optax's schedules under their own names and parameters, as lrcore trees (optax 0.2.8).

``lrcore.catalog.optax.warmup_cosine_decay_schedule(init_value=0.0, peak_value=1e-3,
warmup_steps=100, decay_steps=1000)`` returns a `lrcore.Schedule` equal, count for count, to
what the optax function of that name returns: same parameter names and defaults, same
conventions (count 0 is the first update, ``join_schedules`` gives each later part the local
count ``count - boundary``, ``decay_steps`` of the warmup schedules includes the warmup).
This module is pure lrcore: it imports neither jax nor optax. ``lrcore.adapters.optax.as_schedule``
turns its trees back into ``optax.Schedule`` functions.

Where optax silently degrades, this module raises instead (``ValueError`` naming the
parameter): ``transition_steps <= 0`` (optax: a constant ``init_value``, logged at INFO),
``transition_begin < 0`` (optax: 0), ``decay_rate == 0`` (optax: a constant), join
boundaries that are negative or not increasing. A zero ``warmup_steps`` in
``warmup_cosine_decay_schedule`` / ``warmup_exponential_decay_schedule`` is exact, not
degraded (optax's join then starts the decay at count 0), so it is accepted there.

``contrib.reduce_on_plateau`` is optax's plateau rule (`OptaxPlateau`): a state machine of
the loss with ``init()``, ``update(state, metric)``, ``scale(state)``, the protocol of
`lrcore.Plateau`, which has torch's rule; ``as_schedule(schedule, plateau=...)`` takes either.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral
from types import SimpleNamespace
from collections.abc import Mapping
from typing import NamedTuple

from .. import ops as _ops
from .._base import Schedule
from .._combinators import Clamp, Sequential, Shift
from .._errors import MAX_STEPS, ScheduleError, ScheduleTypeError, check_bool, check_list, check_int, check_real
from .._primitives import Constant, Cosine, Exponential, Interpolate, Linear, Piecewise, Polynomial

TYPE_CHECKING = False  # typing's other names are not imported at run time
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any

__all__ = [
    "constant_schedule", "linear_schedule", "polynomial_schedule", "piecewise_constant_schedule",
    "piecewise_interpolate_schedule", "exponential_decay", "cosine_decay_schedule",
    "cosine_onecycle_schedule", "linear_onecycle_schedule", "warmup_constant_schedule",
    "warmup_cosine_decay_schedule", "warmup_exponential_decay_schedule", "sgdr_schedule",
    "join_schedules", "contrib", "reduce_on_plateau", "OptaxPlateau", "OptaxPlateauState",
]

_MAX_STAIRS = 10_000
"""Most distinct values a growing staircase `exponential_decay` (decay_rate > 1) may take before its cap."""


# ----------------------------------------------------------------------------- checks

def _steps_hinted(fn: str, field: str, x: Any, low: int = 1, hint: str = "") -> int:
    if not isinstance(x, Integral) or isinstance(x, bool):
        raise ScheduleTypeError(fn, field, f"an int >= {low}", x)
    if not low <= int(x) <= MAX_STEPS:
        raise ScheduleError(fn, field, f"an int >= {low} and <= {MAX_STEPS}{hint}", x)
    return int(x)


def _boundaries_and_scales(fn: str, mapping: Mapping[int, float] | None) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """The (boundary, scale) pairs sorted by boundary, as optax sorts them; scales >= 0."""
    if mapping is None:
        return (), ()
    if not isinstance(mapping, Mapping):
        raise ScheduleTypeError(fn, "boundaries_and_scales", "a dict {boundary (int): scale} or None", mapping)
    items = sorted(mapping.items())
    for b, s in items:
        if not isinstance(b, Integral) or isinstance(b, bool):
            raise ScheduleTypeError(fn, "boundaries_and_scales", "a dict whose keys (boundaries) are ints", mapping)
        check_real(fn, f"boundaries_and_scales[{b}]", s, low=0.0)
    return tuple(int(b) for b, _ in items), tuple(float(s) for _, s in items)


# ----------------------------------------------------------------------------- schedules

def constant_schedule(value: float) -> Constant:
    """``value`` at every count.

    >>> constant_schedule(0.1)(7)
    0.1
    """
    return Constant(value=value)


def polynomial_schedule(init_value: float, end_value: float, power: float, transition_steps: int,
                        transition_begin: int = 0) -> Schedule:
    """optax's polynomial_schedule: ``(init - end) * (1 - c / T) ** power + end``, ``c = clip(t - B, 0, T)``.

    T = ``transition_steps`` (an int >= 1: optax turns ``T <= 0`` into a constant
    ``init_value`` with an INFO log; here it is a ``ValueError``, write `constant_schedule`
    for a constant), B = ``transition_begin`` (>= 0; optax replaces a negative one by 0).
    ``power == 0`` is the constant ``(init - end) + end`` (optax's ``0 ** 0 == 1``).

    >>> s = polynomial_schedule(init_value=1.0, end_value=0.0, power=2, transition_steps=4, transition_begin=2)
    >>> [f"{s(t):.4f}" for t in (0, 2, 3, 4, 6, 9)]
    ['1.0000', '1.0000', '0.5625', '0.2500', '0.0000', '0.0000']
    """
    fn = "polynomial_schedule"
    init_value = check_real(fn, "init_value", init_value)
    end_value = check_real(fn, "end_value", end_value)
    power = check_real(fn, "power", power, low=0.0)
    steps = _steps_hinted(fn, "transition_steps", transition_steps,
                   hint=" (optax would silently return constant init_value; use constant_schedule)")
    begin = _steps_hinted(fn, "transition_begin", transition_begin, low=0)
    if power == 0.0:
        return Constant(value=(init_value - end_value) + end_value)
    if power == 1.0:
        inner: Schedule = Linear(start_value=init_value, end_value=end_value, steps=steps)
    else:
        inner = Polynomial(start_value=init_value, end_value=end_value, steps=steps, power=power)
    return Shift(inner, steps=begin) if begin else inner


def linear_schedule(init_value: float, end_value: float, transition_steps: int, transition_begin: int = 0) -> Schedule:
    """optax's linear_schedule: ``polynomial_schedule`` with ``power=1``.

    >>> s = linear_schedule(init_value=1.0, end_value=0.0, transition_steps=4)
    >>> [s(t) for t in (0, 1, 4, 5)]
    [1.0, 0.75, 0.0, 0.0]
    """
    fn = "linear_schedule"
    _steps_hinted(fn, "transition_steps", transition_steps,
           hint=" (optax would silently return constant init_value; use constant_schedule)")
    _steps_hinted(fn, "transition_begin", transition_begin, low=0)
    return polynomial_schedule(init_value=init_value, end_value=end_value, power=1.0,
                               transition_steps=transition_steps, transition_begin=transition_begin)


def piecewise_constant_schedule(init_value: float, boundaries_and_scales: Mapping[int, float] | None = None) -> Schedule:
    """optax's piecewise_constant_schedule: ``init * prod(scale_b for every boundary b <= t)``.

    A scale applies from the count equal to its boundary on; boundaries <= 0 apply from the
    start. The values are multiplied in boundary order, as optax does.

    >>> s = piecewise_constant_schedule(1.0, {3: 0.1, 6: 0.5})
    >>> [f"{s(t):.2f}" for t in range(8)]
    ['1.00', '1.00', '1.00', '0.10', '0.10', '0.10', '0.05', '0.05']
    """
    fn = "piecewise_constant_schedule"
    v = check_real(fn, "init_value", init_value)
    bounds, scales = _boundaries_and_scales(fn, boundaries_and_scales)
    values, later = [v], []
    for b, s in zip(bounds, scales):
        v = v * s
        if b <= 0:
            values[0] = v
        else:
            values.append(v)
            later.append(b)
    if not later:
        return Constant(value=values[0])
    return Piecewise(values=values, boundaries=later)


def piecewise_interpolate_schedule(interpolate_type: str, init_value: float,
                                   boundaries_and_scales: Mapping[int, float] | None = None) -> Schedule:
    """optax's piecewise_interpolate_schedule: through the knots ``(b_i, init * s_1 * ... * s_i)``, ``b_0 = 0``.

    ``interpolate_type`` "linear" or "cosine" between consecutive knots; the last value holds.
    Boundaries must be ints >= 0 (a boundary at 0 replaces the value at count 0, as in optax).

    >>> s = piecewise_interpolate_schedule("linear", 1.0, {4: 0.5, 8: 0.2})
    >>> [f"{s(t):.4f}" for t in (0, 2, 4, 6, 8, 10)]
    ['1.0000', '0.7500', '0.5000', '0.3000', '0.1000', '0.1000']
    """
    fn = "piecewise_interpolate_schedule"
    if interpolate_type not in ("linear", "cosine"):
        raise ScheduleError(fn, "interpolate_type", "'linear' or 'cosine'", interpolate_type)
    v = check_real(fn, "init_value", init_value)
    bounds, scales = _boundaries_and_scales(fn, boundaries_and_scales)
    if bounds and bounds[0] < 0:
        raise ScheduleError(fn, "boundaries_and_scales", "a dict whose keys (boundaries) are ints >= 0", dict(boundaries_and_scales or {}))
    knots, values = [0], [v]
    for b, s in zip(bounds, scales):
        v = v * s
        if b == knots[-1]:  # only b == 0: the interval [0, 0) is empty, the later value wins
            values[-1] = v
        else:
            knots.append(b)
            values.append(v)
    if len(knots) == 1:
        return Constant(value=values[0])
    return Interpolate(boundaries=knots, values=values, shape=interpolate_type)


def _onecycle_steps(fn: str, transition_steps: Any) -> int:
    return _steps_hinted(fn, "transition_steps", transition_steps)


def linear_onecycle_schedule(transition_steps: int, peak_value: float, pct_start: float = 0.3, pct_final: float = 0.85,
                             div_factor: float = 25.0, final_div_factor: float = 1e4) -> Schedule:
    """optax's linear_onecycle_schedule: linear through ``peak/div`` at 0, ``peak`` at ``int(pct_start N)``,
    ``peak/div`` at ``int(pct_final N)`` and ``peak/div/final_div`` at N, then held.

    >>> s = linear_onecycle_schedule(10, 1.0)
    >>> [f"{s(t):.3f}" for t in (0, 3, 6, 8, 10, 11)]
    ['0.040', '1.000', '0.424', '0.040', '0.000', '0.000']
    """
    fn = "linear_onecycle_schedule"
    n = _onecycle_steps(fn, transition_steps)
    peak = check_real(fn, "peak_value", peak_value)
    # fractions of N (beyond [0, 1] optax's knots leave [0, N], where they mean nothing)
    pct_start = check_real(fn, "pct_start", pct_start, low=0.0, high=1.0)
    pct_final = check_real(fn, "pct_final", pct_final, low=0.0, high=1.0)
    div = check_real(fn, "div_factor", div_factor, low=0.0, low_open=True)
    final = check_real(fn, "final_div_factor", final_div_factor, low=0.0, low_open=True)
    # The same dict as optax builds (colliding keys collapse the same way).
    return piecewise_interpolate_schedule("linear", peak / div, {
        int(pct_start * n): div,
        int(pct_final * n): 1.0 / div,
        n: 1.0 / final,
    })


def cosine_onecycle_schedule(transition_steps: int, peak_value: float, pct_start: float = 0.3,
                             div_factor: float = 25.0, final_div_factor: float = 1e4) -> Schedule:
    """optax's cosine_onecycle_schedule: cosine from ``peak/div`` up to ``peak`` at ``int(pct_start N)``,
    then down to ``peak/(div*final_div)`` at N, then held (optax does not extrapolate, unlike torch).

    >>> s = cosine_onecycle_schedule(10, 1.0)
    >>> [f"{s(t):.6f}" for t in (0, 1, 3, 4, 10, 11)]
    ['0.040000', '0.280000', '1.000000', '0.950485', '0.000004', '0.000004']
    """
    fn = "cosine_onecycle_schedule"
    n = _onecycle_steps(fn, transition_steps)
    peak = check_real(fn, "peak_value", peak_value)
    pct_start = check_real(fn, "pct_start", pct_start, low=0.0, high=1.0)  # a fraction of N, as above
    div = check_real(fn, "div_factor", div_factor, low=0.0, low_open=True)
    final = check_real(fn, "final_div_factor", final_div_factor, low=0.0, low_open=True)
    return piecewise_interpolate_schedule("cosine", peak / div, {
        int(pct_start * n): div,
        int(n): 1.0 / (div * final),
    })


def exponential_decay(init_value: float, transition_steps: int, decay_rate: float, transition_begin: int = 0,
                      staircase: bool = False, end_value: float | None = None) -> Schedule:
    """optax's exponential_decay: ``init * rate ** ((t - B) / T)`` from ``t = B`` on (``init`` before),
    the exponent floored if ``staircase``, then bounded by ``end_value``: from below if
    ``rate < 1``, from above if ``rate >= 1``.

    ``transition_steps`` T must be > 0 and ``decay_rate`` > 0 (optax turns either into a
    constant ``init_value``; here they raise). A growing rate (``decay_rate > 1``) has no
    finite value at every count unless it is capped, so it is accepted with
    ``staircase=True``, an int T and an ``end_value``, where it is exactly the staircase
    ``min(init * rate**k, end_value)`` (a `Piecewise` of at most 10000 values); a continuous
    growth raises.

    >>> s = exponential_decay(1.0, transition_steps=2, decay_rate=0.5, transition_begin=3, staircase=True, end_value=0.1)
    >>> [f"{s(t):.3f}" for t in (0, 3, 4, 5, 7, 9, 11, 12)]
    ['1.000', '1.000', '1.000', '0.500', '0.250', '0.125', '0.100', '0.100']
    """
    fn = "exponential_decay"
    init = check_real(fn, "init_value", init_value)
    if isinstance(transition_steps, Integral) and not isinstance(transition_steps, bool):
        every: float = _steps_hinted(fn, "transition_steps", transition_steps,
                              hint=" (optax would silently return constant init_value; use constant_schedule)")
    else:
        every = check_real(fn, "transition_steps", transition_steps, low=0.0, low_open=True)
    rate = check_real(fn, "decay_rate", decay_rate, low=0.0, low_open=True)
    begin = _steps_hinted(fn, "transition_begin", transition_begin, low=0)
    staircase = check_bool(fn, "staircase", staircase)
    end = None if end_value is None else check_real(fn, "end_value", end_value)
    if rate > 1.0:
        inner = _growing_staircase(init, every, rate, staircase, end)
    else:
        inner = Exponential(start_value=init, factor=rate, every=every, staircase=staircase)
        if end is not None:
            inner = Clamp(inner, min_value=end) if rate < 1.0 else Clamp(inner, max_value=end)
    return Shift(inner, steps=begin) if begin and inner.duration != 0 else inner


def _growing_staircase(init: float, every: float, rate: float, staircase: bool, end: float | None) -> Schedule:
    # min(init * rate**k, end) on [k T, (k + 1) T): finitely many values, since the cap is reached.
    fn = "exponential_decay"
    if end is None:
        raise ScheduleError(fn, "decay_rate", "<= 1 unless an end_value caps the growth "
                            "(a growing exponential has no finite value at every count)", rate)
    if not staircase or not isinstance(every, int):
        raise ScheduleError(fn, "staircase", "True with an int transition_steps when decay_rate > 1 "
                            "(lrcore has no continuous growing exponential; the capped staircase is exact)", staircase)
    if init == 0.0:
        return Constant(value=min(0.0, end))
    if init < 0.0:
        raise ScheduleError(fn, "init_value", ">= 0 when decay_rate > 1 (a negative value grows away from "
                            "end_value without bound)", init)
    values = [min(init, end)]
    while values[-1] < end:
        if len(values) > _MAX_STAIRS:
            raise ScheduleError(fn, "decay_rate", f"large enough that init_value reaches end_value within "
                                f"{_MAX_STAIRS} stairs when decay_rate > 1", rate)
        try:
            grown = init * rate ** float(len(values))
        except OverflowError:  # optax's power overflows to inf, which the cap turns into end_value
            grown = math.inf
        values.append(min(grown, end))
    if len(values) == 1:
        return Constant(value=values[0])
    return Piecewise(values=values, boundaries=[every * i for i in range(1, len(values))])


def cosine_decay_schedule(init_value: float, decay_steps: int, alpha: float = 0.0, exponent: float = 1.0) -> Schedule:
    """optax's cosine_decay_schedule: ``init * ((1 - alpha) * ((1 + cos(pi c / D)) / 2) ** exponent + alpha)``, ``c = min(t, D)``.

    A `Cosine` from ``init`` to ``alpha * init`` (alpha is relative, as in optax), which holds
    ``alpha * init`` after ``decay_steps``; ``exponent == 0`` is the constant
    ``init * ((1 - alpha) + alpha)``.

    >>> s = cosine_decay_schedule(1.0, 10, alpha=0.1)
    >>> [f"{s(t):.6f}" for t in (0, 1, 5, 10, 12)]
    ['1.000000', '0.977975', '0.550000', '0.100000', '0.100000']
    """
    fn = "cosine_decay_schedule"
    init = check_real(fn, "init_value", init_value)
    steps = _steps_hinted(fn, "decay_steps", decay_steps)
    alpha = check_real(fn, "alpha", alpha)
    exponent = check_real(fn, "exponent", exponent, low=0.0)
    if exponent == 0.0:
        return Constant(value=init * ((1.0 - alpha) + alpha))
    return Cosine(start_value=init, steps=steps, end_value=init * alpha, power=exponent)


def warmup_constant_schedule(init_value: float, peak_value: float, warmup_steps: int) -> Schedule:
    """optax's warmup_constant_schedule: linear from ``init_value`` to ``peak_value`` over ``warmup_steps``, then ``peak_value``.

    ``warmup_steps`` must be >= 1 (optax's linear_schedule turns 0 into a constant
    *init_value*; for no warmup write ``constant_schedule(peak_value)``).

    >>> s = warmup_constant_schedule(0.0, 1.0, 4)
    >>> [s(t) for t in (0, 2, 4, 9)]
    [0.0, 0.5, 1.0, 1.0]
    """
    fn = "warmup_constant_schedule"
    steps = _steps_hinted(fn, "warmup_steps", warmup_steps,
                   hint=" (optax would silently return constant init_value; use constant_schedule(peak_value))")
    return Linear(start_value=check_real(fn, "init_value", init_value), end_value=check_real(fn, "peak_value", peak_value),
                  steps=steps)


def _warmup_then(fn: str, init_value: float, peak_value: float, warmup_steps: int, decay: Schedule) -> Schedule:
    # join_schedules([linear_schedule(init, peak, W), decay], [W]); with W == 0 the join starts
    # the decay at count 0 (optax's degenerate linear part is never used).
    w = _steps_hinted(fn, "warmup_steps", warmup_steps, low=0)
    if w == 0:
        return decay
    ramp = Linear(start_value=check_real(fn, "init_value", init_value), end_value=peak_value, steps=w)
    return Sequential(parts=[ramp, decay], boundaries=[w])


def warmup_cosine_decay_schedule(init_value: float, peak_value: float, warmup_steps: int, decay_steps: int,
                                 end_value: float = 0.0, exponent: float = 1.0) -> Schedule:
    """optax's warmup_cosine_decay_schedule: linear ``init -> peak`` over ``warmup_steps``, then a cosine
    decay to ``end_value`` reached at ``decay_steps`` (which *includes* the warmup), then held.

    As in optax, the cosine part is ``cosine_decay_schedule(peak, decay_steps - warmup_steps,
    alpha=end_value / peak_value)`` (``alpha = 0`` if ``peak_value == 0``).

    >>> s = warmup_cosine_decay_schedule(0.0, 1.0, 5, 15, 0.1)
    >>> [f"{s(t):.6f}" for t in (0, 3, 5, 6, 14, 15, 30)]
    ['0.000000', '0.600000', '1.000000', '0.977975', '0.122025', '0.100000', '0.100000']
    """
    fn = "warmup_cosine_decay_schedule"
    peak = check_real(fn, "peak_value", peak_value)
    end = check_real(fn, "end_value", end_value)
    w = _steps_hinted(fn, "warmup_steps", warmup_steps, low=0)
    d = _steps_hinted(fn, "decay_steps", decay_steps, low=w + 1, hint=" (decay_steps includes the warmup)")
    alpha = 0.0 if peak == 0.0 else end / peak
    decay = cosine_decay_schedule(init_value=peak, decay_steps=d - w, alpha=alpha, exponent=exponent)
    return _warmup_then(fn, init_value, peak, w, decay)


def warmup_exponential_decay_schedule(init_value: float, peak_value: float, warmup_steps: int, transition_steps: int,
                                      decay_rate: float, transition_begin: int = 0, staircase: bool = False,
                                      end_value: float | None = None) -> Schedule:
    """optax's warmup_exponential_decay_schedule: linear ``init -> peak`` over ``warmup_steps``, then
    ``exponential_decay(peak, ...)`` on the count since the warmup ended.

    >>> s = warmup_exponential_decay_schedule(0.0, 1.0, 2, transition_steps=1, decay_rate=0.5)
    >>> [s(t) for t in range(6)]
    [0.0, 0.5, 1.0, 0.5, 0.25, 0.125]
    """
    fn = "warmup_exponential_decay_schedule"
    peak = check_real(fn, "peak_value", peak_value)
    decay = exponential_decay(init_value=peak, transition_steps=transition_steps, decay_rate=decay_rate,
                              transition_begin=transition_begin, staircase=staircase, end_value=end_value)
    return _warmup_then(fn, init_value, peak, warmup_steps, decay)


def sgdr_schedule(cosine_kwargs: Iterable[Mapping[str, Any]]) -> Schedule:
    """optax's sgdr_schedule: ``warmup_cosine_decay_schedule(**kwargs)`` cycles one after another,
    each starting where the previous one's ``decay_steps`` end.

    >>> s = sgdr_schedule([dict(init_value=0.0, peak_value=1.0, warmup_steps=2, decay_steps=6)] * 2)
    >>> [f"{s(t):.3f}" for t in range(0, 14)]
    ['0.000', '0.500', '1.000', '0.854', '0.500', '0.146', '0.000', '0.500', '1.000', '0.854', '0.500', '0.146', '0.000', '0.000']
    """
    fn = "sgdr_schedule"
    if isinstance(cosine_kwargs, Mapping) or not hasattr(cosine_kwargs, "__iter__"):
        raise ScheduleTypeError(fn, "cosine_kwargs", "a list of dicts of warmup_cosine_decay_schedule arguments", cosine_kwargs)
    parts, bounds, step = [], [], 0
    for i, kwargs in enumerate(check_list(fn, "cosine_kwargs", cosine_kwargs, "a list of dicts")):
        if not isinstance(kwargs, Mapping):
            raise ScheduleTypeError(fn, f"cosine_kwargs[{i}]", "a dict of warmup_cosine_decay_schedule arguments", kwargs)
        parts.append(warmup_cosine_decay_schedule(**kwargs))
        step += kwargs["decay_steps"]
        bounds.append(step)
    if not parts:
        raise ScheduleError(fn, "cosine_kwargs", "a non-empty list of dicts", list(cosine_kwargs))
    return parts[0] if len(parts) == 1 else Sequential(parts=parts, boundaries=bounds[:-1])


def join_schedules(schedules: Sequence[Schedule], boundaries: Sequence[int]) -> Schedule:
    """optax's join_schedules over lrcore schedules: from count ``boundaries[i]`` on, ``schedules[i + 1]``
    runs on the local count ``t - boundaries[i]`` (a `Sequential`).

    Boundaries are increasing ints >= 0, one fewer than the schedules (optax's ``zip`` would
    silently drop extras); a boundary at 0 means the schedule before it is never used.

    >>> from lrcore import Cosine, Linear
    >>> s = join_schedules([Linear(start_value=0.0, end_value=1.0, steps=5), Cosine(start_value=1.0, steps=10, end_value=0.1)], [5])
    >>> [f"{s(t):.6f}" for t in (0, 4, 5, 6, 15, 30)]
    ['0.000000', '0.800000', '1.000000', '0.977975', '0.100000', '0.100000']
    """
    fn = "join_schedules"
    if isinstance(schedules, Schedule) or not hasattr(schedules, "__iter__"):
        raise ScheduleTypeError(fn, "schedules", "a list of lrcore Schedules", schedules)
    if not hasattr(boundaries, "__iter__") or isinstance(boundaries, (str, bytes)):
        raise ScheduleTypeError(fn, "boundaries", "a list of ints", boundaries)
    try:
        parts = list(schedules)
    except TypeError:  # iterable in name only: a 0-d numpy array
        raise ScheduleTypeError(fn, "schedules", "a list of lrcore Schedules", schedules) from None
    try:
        bounds = list(boundaries)
    except TypeError:
        raise ScheduleTypeError(fn, "boundaries", "a list of ints", boundaries) from None
    for i, p in enumerate(parts):
        if not isinstance(p, Schedule):
            raise ScheduleTypeError(fn, f"schedules[{i}]", "an lrcore Schedule (wrap optax callables with lrcore.Function)", p)
    if not parts or len(bounds) != len(parts) - 1:
        raise ScheduleError(fn, "boundaries", f"a list of len(schedules) - 1 = {len(parts) - 1} ints", bounds)
    bounds = [_steps_hinted(fn, f"boundaries[{i}]", b, low=0) for i, b in enumerate(bounds)]
    if any(b <= a for a, b in zip(bounds, bounds[1:])):
        raise ScheduleError(fn, "boundaries", "strictly increasing", bounds)
    if bounds and bounds[0] == 0:
        parts, bounds = parts[1:], bounds[1:]
    return parts[0] if len(parts) == 1 else Sequential(parts=parts, boundaries=bounds)


# ----------------------------------------------------------------------------- plateau

class OptaxPlateauState(NamedTuple):
    """State of `OptaxPlateau`, with optax's field names (a NamedTuple: a jax pytree as it is).

    scale: the multiplier now; best_value: the best averaged loss (+inf before the first);
    plateau_count: evaluations without improvement; cooldown_count: evaluations of cooldown
    left; count / avg_value: losses accumulated so far and their mean.
    """

    scale: Any
    best_value: Any
    plateau_count: Any
    cooldown_count: Any
    count: Any
    avg_value: Any


@dataclass(frozen=True)
class OptaxPlateau:
    """optax.contrib.reduce_on_plateau's rule as a pure state machine: ``init()``, ``update(state, metric)``, ``scale(state)``.

    Each update folds the loss into a running mean; on every ``accumulation_size``-th update
    the mean is evaluated: it improved if ``avg < (1 - rtol) * best - atol`` (best is then
    updated, also during cooldown); the plateau count is reset to 0 if it improved and
    incremented otherwise. During cooldown the count is held at 0 and the cooldown counts down.
    Otherwise, when the plateau count *equals* ``patience``, ``scale = scale * factor``, the
    count restarts at 0 and the cooldown at ``cooldown``; the scale is always kept
    ``>= min_scale`` (relative, like lrcore's ``min_value``). Compared with torch's rule
    (`lrcore.Plateau`) it reduces one evaluation earlier, and ``patience=0`` reduces at every
    evaluation whose count is 0 (the first one, improved or not, and every improving one).

    Counts are kept as floats (exact up to 2**24 in float32, 2**53 in float64). The update
    is written against lrcore's op set: Python numbers, numpy, and jax arrays inside ``jit``.

    >>> p = OptaxPlateau(factor=0.5, patience=1)
    >>> st = p.init()
    >>> for m in (1.0, 2.0, 2.0, 2.0):
    ...     st = p.update(st, m)
    ...     print(p.scale(st))
    1.0
    0.5
    0.25
    0.125
    """

    factor: float = 0.1
    patience: int = 10
    rtol: float = 1e-4
    atol: float = 0.0
    cooldown: int = 0
    accumulation_size: int = 1
    min_scale: float = 0.0

    def __post_init__(self) -> None:
        n, s = "reduce_on_plateau", object.__setattr__
        s(self, "factor", check_real(n, "factor", self.factor, low=0.0, high=1.0, low_open=True, high_open=True))
        s(self, "patience", check_int(n, "patience", self.patience, low=0, high=2**53))
        s(self, "rtol", check_real(n, "rtol", self.rtol, low=0.0, high=1.0))
        s(self, "atol", check_real(n, "atol", self.atol, low=0.0))
        if self.rtol == 0.0 and self.atol == 0.0:
            raise ScheduleError(n, "rtol", "> 0 when atol is 0 (at least one tolerance must be positive)", self.rtol)
        s(self, "cooldown", check_int(n, "cooldown", self.cooldown, low=0, high=2**53))
        s(self, "accumulation_size", check_int(n, "accumulation_size", self.accumulation_size, low=1, high=2**53))
        s(self, "min_scale", check_real(n, "min_scale", self.min_scale, low=0.0))

    def init(self) -> OptaxPlateauState:
        """Scale 1, best +inf, nothing accumulated (optax's init)."""
        return OptaxPlateauState(scale=1.0, best_value=math.inf, plateau_count=0.0, cooldown_count=0.0, count=0.0, avg_value=0.0)

    def scale(self, state: OptaxPlateauState) -> Any:
        """The multiplier the state stands for."""
        return state.scale

    def update(self, state: OptaxPlateauState, metric: Any) -> OptaxPlateauState:
        """The state after one loss value (optax's update_fn with ``value=metric``)."""
        if isinstance(metric, bool) or not (isinstance(metric, (int, float)) or _ops.namespace_for(metric)):
            raise TypeError(f"metric must be a number or a jax array, got {metric!r}")
        xp = _ops.metric_namespace(metric, "reduce_on_plateau.update")
        scale, best, plateau, cd, count, avg = state
        old, count = count, count + 1.0
        avg = (old * avg + metric) / count
        evaluate = count == float(self.accumulation_size)
        improved = avg < (1.0 - self.rtol) * best - self.atol
        new_best = xp.where(improved, avg, best)
        bad = xp.where(improved, 0.0, plateau + 1.0)
        in_cd = cd > 0.0
        hit = bad == float(self.patience)
        new_scale = xp.where(in_cd, scale, xp.maximum(xp.where(hit, scale * self.factor, scale), self.min_scale))
        new_plateau = xp.where(in_cd | hit, 0.0, bad)
        new_cd = xp.where(in_cd, cd - 1.0, xp.where(hit, float(self.cooldown), 0.0))
        return OptaxPlateauState(
            scale=xp.where(evaluate, new_scale, scale),
            best_value=xp.where(evaluate, new_best, best),
            plateau_count=xp.where(evaluate, new_plateau, plateau),
            cooldown_count=xp.where(evaluate, new_cd, cd),
            count=xp.where(evaluate, 0.0, count),
            avg_value=xp.where(evaluate, 0.0, avg),
        )


def reduce_on_plateau(factor: float = 0.1, patience: int = 10, rtol: float = 1e-4, atol: float = 0.0, cooldown: int = 0,
                      accumulation_size: int = 1, min_scale: float = 0.0) -> OptaxPlateau:
    """optax.contrib.reduce_on_plateau's rule, as an `OptaxPlateau` (same parameters and defaults).

    In optax it is a transformation scaling the updates; here it is the plateau a schedule is
    scaled by: ``lrcore.adapters.optax.as_schedule(schedule, plateau=reduce_on_plateau(...))``
    gives a stateful optax schedule whose value is ``schedule(count) * scale``.

    >>> p = reduce_on_plateau(factor=0.5, patience=2)
    >>> st = p.init()
    >>> for m in (10.0, 11.0, 11.0):
    ...     st = p.update(st, m)
    >>> p.scale(st)
    0.5
    """
    return OptaxPlateau(factor=factor, patience=patience, rtol=rtol, atol=atol, cooldown=cooldown,
                        accumulation_size=accumulation_size, min_scale=min_scale)


contrib = SimpleNamespace(reduce_on_plateau=reduce_on_plateau)
"""``contrib.reduce_on_plateau``, where optax has it (``optax.contrib.reduce_on_plateau``)."""
