"""Shared pieces of formulas: progress through an interval, ramp and decay shapes, floor division.

Every shape is written in a well-conditioned form, so that the same formula gives the same
numbers (to a few ulp) in math, numpy, XLA, torch and paddle, including next to its ends:

* Decays take the fraction *remaining*, ``r = (end - clamp(t)) / length``, which is exactly 0
  at the end whatever the library does to the division (XLA turns ``x / c`` into
  ``x * (1/c)``), and ``(1 + cos(pi p)) / 2`` is computed as ``sin(pi r / 2)**2``, which has no
  cancellation where the value approaches its end.
* Ramps take the progress ``p``, exactly 0 at the start.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["DECAY_SHAPES", "RAMP_SHAPES", "decay_fraction", "ramp_fraction", "ramp", "remaining", "progress", "floor_div"]

DECAY_SHAPES = ("linear", "cosine", "exponential", "1-sqrt")
RAMP_SHAPES = ("linear", "cosine", "1-sqrt")
_LN2 = math.log(2.0)


def _split(step: Any, start: float, length: float, xp: Any) -> tuple[Any, Any]:
    # m = clamp(t, start, start + length) - start, and whether it lies in the first half.
    # Steps reaching a formula are >= 0 (checked or clamped on entry), so start 0 needs no max.
    if isinstance(start, float) and start == 0.0:
        m = xp.minimum(step, length)
    else:
        m = xp.minimum(xp.maximum(step, start), start + length) - start
    return m, m + m <= length


def remaining(step: Any, start: float, length: float, xp: Any) -> Any:
    """The fraction of ``[start, start + length]`` still ahead of t: exactly 1 at start, exactly 0 from the end on.

    Computed as ``1 - m / length`` in the first half and ``(length - m) / length`` in the
    second (m = t - start, clamped), so both ends are exact even where the library computes
    ``x / c`` as ``x * (1/c)`` (XLA does), and neither half cancels.
    """
    m, first = _split(step, start, length, xp)
    return xp.where(first, 1.0 - m / length, (length - m) / length)


def progress(step: Any, start: float, length: float, xp: Any) -> Any:
    """The fraction of ``[start, start + length]`` behind t: exactly 0 at start, exactly 1 from the end on."""
    m, first = _split(step, start, length, xp)
    return xp.where(first, m / length, 1.0 - (length - m) / length)


def decay_fraction(r: Any, shape: str, xp: Any) -> Any:
    """What is left of a decay when the fraction ``r`` of it remains (1 -> 1, 0 -> 0); Megatron's shapes.

    With progress ``p = 1 - r``: linear ``1 - p``; cosine ``(1 + cos(pi p)) / 2``; 1-sqrt
    ``1 - sqrt(p)``; exponential ``2 * 0.5**p - 1``. The first three, seen from the end, are the
    ramps of `ramp_fraction` run on r (``(1 + cos(pi p)) / 2 = (1 - cos(pi r)) / 2``); the
    exponential one is ``2**r - 1``, computed as ``expm1(r ln 2)``.
    """
    if shape == "exponential":
        return xp.expm1(_LN2 * r)
    return ramp_fraction(r, shape, xp)


def ramp_fraction(p: Any, shape: str, xp: Any) -> Any:
    """How far a ramp is at progress ``p`` in [0, 1] (0 -> 0, 1 -> 1).

    linear ``p``; cosine ``(1 - cos(pi p)) / 2``, computed as ``sin(pi p / 2)**2``;
    1-sqrt ``1 - sqrt(1 - p)``, computed as ``p / (1 + sqrt(1 - p))`` (HF's WSD warmups).
    """
    if shape == "linear":
        return p
    if shape == "cosine":
        s = xp.sin((0.5 * math.pi) * p)
        return s * s
    if shape == "1-sqrt":
        return p / (1.0 + xp.sqrt(1.0 - p))
    raise AssertionError(shape)


def ramp(step: Any, start_value: float, end_value: float, steps: int, shape: str, xp: Any) -> Any:
    """``start + (end - start) * ramp_fraction(min(t, steps) / steps)``: the warmups of Warmup and WSD."""
    return start_value + (end_value - start_value) * ramp_fraction(progress(step, 0.0, steps, xp), shape, xp)


def floor_div(t: Any, d: float, xp: Any) -> Any:
    """floor(t / d); for an integer d, exact for every integer t below 2**53.

    ``t / d`` is rounded (and XLA computes it as ``t * (1/d)``), so its floor can be one off
    for large t; with an integer d the products ``q * d`` are exact in that range and fix it.
    A fractional d (``every=1.1``) keeps the plain ``floor(t / d)`` of the peers, which is what
    a user who wrote 1.1 means (the exact quotient by the binary 1.1 would floor 187 / 1.1 to 169).
    """
    q = xp.floor(t / d)
    if float(d) != int(d):
        return q
    q = q - xp.where(q * d > t, 1.0, 0.0)
    return q + xp.where((q + 1.0) * d <= t, 1.0, 0.0)
