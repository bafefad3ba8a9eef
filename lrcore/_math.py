"""Shared pieces of formulas: where a step is inside an interval, and blends between two values.

Every formula is written in a well-conditioned form, so the same formula gives the same
numbers (to a few ulp) in math, numpy, XLA, torch and paddle, including next to its ends and
whichever of the two values is larger:

* An interval gives both the progress ``p`` (exactly 0 at its start, 1 from its end on) and
  the fraction remaining ``r = 1 - p`` (exactly 1 and 0 there), each computed directly, so
  neither is a cancelling ``1 - x``; both ends stay exact where the library computes ``x / c``
  as ``x * (1/c)`` (XLA does).
* A blend from ``a`` to ``b`` is ``a * w_a + b * w_b`` with both weights computed stably
  (``(1 + cos(pi p)) / 2`` is ``sin(pi r / 2)**2``), never ``a + (b - a) * w``, which loses
  the digits of the smaller end.
"""

from __future__ import annotations

import math
import struct
TYPE_CHECKING = False  # typing is not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Any

__all__ = ["DECAY_SHAPES", "RAMP_SHAPES", "Interval", "interval", "cosine", "blend", "weights", "decay_weights", "power_weights", "power", "ramp",
           "power_of_ratio", "quotient_error", "floor_div", "cycle_of", "exact_div"]

DECAY_SHAPES = ("linear", "cosine", "exponential", "1-sqrt")
RAMP_SHAPES = ("linear", "cosine", "1-sqrt", "log")
_LN2 = math.log(2.0)


class Interval:
    """Where a step is in ``[start, start + length]``: ``m = clamp(t - start, 0, length)`` behind
    it and ``rest = length - m`` ahead (both exact for integer steps), and from them on demand
    the progress ``p = m / length``, the remainder ``r = rest / length`` and ``nearer = min(p, r)``,
    each one correctly rounded division (so 0 and 1 are exact at both ends, and nothing cancels).
    Everything but m is computed on first use, so a formula pays only for what it reads.
    """

    __slots__ = ("m", "length", "xp", "_rest", "_den", "_p", "_r")

    def __init__(self, step: Any, start: Any, length: Any, xp: Any, end: Any = None) -> None:
        if isinstance(length, int):  # jax without x64 cannot take an int >= 2**31
            length = float(length)
        if isinstance(start, float) and start == 0.0:  # steps reaching a formula are >= 0
            self.m = xp.minimum(step, length)
        else:
            self.m = xp.minimum(xp.maximum(step - start, 0.0), length)
        self.length, self.xp = length, xp
        self._rest = self._den = self._p = self._r = None
        if end is not None:  # a fractional start: `end - t` is exact near the end, length - m is not
            self._rest = xp.minimum(xp.maximum(end - step, 0.0), length)

    @classmethod
    def of(cls, m: Any, rest: Any, xp: Any) -> "Interval":
        """The interval ``[0, m + rest]`` seen from m, both parts given (each exact)."""
        iv = cls.__new__(cls)
        iv.m, iv._rest, iv.length, iv.xp = m, rest, m + rest, xp
        iv._den = iv._p = iv._r = None
        return iv

    @property
    def rest(self) -> Any:
        if self._rest is None:
            self._rest = self.length - self.m
        return self._rest

    @property
    def den(self) -> Any:
        """The length as a divisor, a true division on every backend."""
        if self._den is None:
            L, xp = self.length, self.xp
            # Under XLA a division by a constant becomes a product with its reciprocal (see
            # Ops.div); max(m, L) is L wherever m <= L, yet XLA cannot fold it to the constant:
            # one instruction, shared by every quotient of the interval.
            self._den = xp.maximum(self.m, L) if xp.xla and isinstance(L, (int, float)) else L
        return self._den

    @property
    def p(self) -> Any:
        if self._p is None:
            self._p = self.m / self.den
        return self._p

    @property
    def r(self) -> Any:
        if self._r is None:
            self._r = self.rest / self.den
        return self._r

    @property
    def near_start(self) -> Any:
        """p <= r, compared on the exact m and rest."""
        return self.m <= self.rest

    def nearer(self, xp: Any) -> Any:
        """min(p, r), as one division (a `where`, not a minimum: d/dt stays right at p == r)."""
        return xp.where(self.near_start, self.m, self.rest) / self.den


def interval(step: Any, start: Any, length: Any, xp: Any, end: Any = None) -> Interval:
    """The `Interval` ``[start, start + length]`` seen from `step` (`end`: its end, if given exactly)."""
    return Interval(step, start, length, xp, end)


def weights(shape: str, iv: Interval, xp: Any) -> tuple[Any, Any]:
    """``(w_a, w_b)``, the weights of the start and end value at the progress of `iv`, summing to 1.

    The end's weight grows by ``shape``: "linear" ``p``; "cosine" ``(1 - cos(pi p)) / 2``
    (computed as ``sin(pi p / 2)**2``, the start's as ``sin(pi r / 2)**2``); "1-sqrt"
    ``1 - sqrt(1 - p)`` (HF's warmups; ``p / (1 + sqrt(r))``); "log" ``ln(1 + m) / ln(1 + L)``
    for m = p L steps into a length L (DeepSpeed's logarithmic warmup). Decays use `decay_weights`.
    """
    if shape == "linear":
        return iv.r, iv.p
    if shape == "cosine":
        # One sine, of the half-angle from the nearer end: its square (<= 1/2) is the far
        # end's weight, and 1 minus it (>= 1/2, no cancellation) the near end's.
        near_start = iv.near_start
        sn = xp.sin((0.5 * math.pi) * iv.nearer(xp))
        small = sn * sn
        big = 1.0 - small
        return xp.where(near_start, big, small), xp.where(near_start, small, big)
    if shape == "1-sqrt":
        sr = xp.sqrt(iv.r)
        return sr, iv.p / (1.0 + sr)
    if shape == "log":
        # The start keeps ln((1 + L) / (1 + m)) = ln(1 + rest / (1 + m)), computed directly (no
        # cancellation near the end). The divisor ln(1 + L) is taken by the same library, from
        # m + rest (= L), so each weight is exactly 1 at its own end.
        m, rest = iv.m, iv.rest
        c = xp.log1p(m + rest)
        return xp.log1p(rest / (1.0 + m)) / c, xp.log1p(m) / c
    raise AssertionError(shape)  # validated at construction


def decay_weights(shape: str, iv: Interval, xp: Any) -> tuple[Any, Any]:
    """``(w_start, w_end)`` of Megatron's decay shapes: the start keeps d(p) and the end gets 1 - d(p).

    linear ``d = 1 - p``; cosine ``d = (1 + cos(pi p)) / 2``; exponential ``d = 2 * 0.5**p - 1``
    (``expm1(r ln 2)``, and ``1 - d = -2 expm1(-p ln 2)``); 1-sqrt ``d = 1 - sqrt(p)``
    (``r / (1 + sqrt(p))``, and ``1 - d = sqrt(p)``).
    """
    if shape == "exponential":
        return xp.expm1(_LN2 * iv.r), -2.0 * xp.expm1(-_LN2 * iv.p)
    if shape == "1-sqrt":
        sp = xp.sqrt(iv.p)
        return iv.r / (1.0 + sp), sp
    return weights(shape, iv, xp)


def blend(a: Any, b: Any, wa_wb: tuple[Any, Any], xp: Any = None) -> Any:
    """``a * w_a + b * w_b``: exactly a where w_b is 0, exactly b where w_a is 0, and exactly a
    where a == b (the weights sum to 1 only to an ulp). Pass `xp` when a or b is an array."""
    wa, wb = wa_wb
    if xp is None:
        if a == b:
            return a
        if a == 0.0:
            return b * wb
        if b == 0.0:
            return a * wa
        return a * wa + b * wb
    return xp.where(xp.equal(a, b), a, a * wa + b * wb)


def power_weights(wa: Any, wb: Any, power: float, xp: Any) -> tuple[Any, Any]:
    """The weights ``(wa**power, 1 - wa**power)`` of a blend raised to a power, both without cancellation.

    For a whole power n up to 4, ``1 - wa**n = wb * (1 + wa + ... + wa**(n-1))``, a product of
    two accurate terms. Otherwise ``1 - wa**power`` is ``-expm1(power * log1p(-wb))`` while
    wb <= 1/2 (log1p is exact there) and the plain difference beyond, where wa**power is at
    most 2**-power.
    """
    if power == 1.0:
        return wa, wb
    wa_p = xp.pow(wa, power)
    if power in (2.0, 3.0, 4.0):
        s = 1.0 + wa
        for _ in range(int(power) - 2):
            s = 1.0 + wa * s
        return wa_p, wb * s
    small = wb <= 0.5
    near = -xp.expm1(power * xp.log1p(-xp.minimum(wb, 0.5)))
    return wa_p, xp.where(small, near, 1.0 - wa_p)


def ramp(step: Any, start_value: Any, end_value: Any, steps: float, shape: str, xp: Any) -> Any:
    """From ``start_value`` at t = 0 to ``end_value`` at t = steps by ``shape``: the warmups of Warmup and WSD."""
    if shape == "cosine":
        return cosine(step, start_value, end_value, 0.0, steps, xp)
    return blend(start_value, end_value, weights(shape, interval(step, 0.0, steps, xp), xp))


def _f32(x: float) -> float:
    v: float = struct.unpack("f", struct.pack("f", x))[0]
    return v


def exact_step(base: float, target: float, xp: Any) -> float | None:
    """A constant D within a few ulp of ``target - base`` with ``base + D == target`` exactly in
    the namespace's float type (float64, or float32 for narrower namespaces), or None.

    ``base + D * w`` is then exactly `target` at ``w = 1``; the D nearest ``target - base`` that
    does it is taken, so elsewhere the value moves by at most a few ulp of ``D * w``.
    """
    if xp.double:
        d0 = target - base
        if base + d0 == target:
            return d0
        up = down = d0
        for _ in range(4):
            up, down = math.nextafter(up, math.inf), math.nextafter(down, -math.inf)
            for d in (up, down):
                if base + d == target:
                    return d
        return None
    try:
        b32, t32 = _f32(base), _f32(target)
        d = _f32(t32 - b32)
        if _f32(b32 + d) == t32:
            return d
        for k in (1, -1, 2, -2):
            d2: float = struct.unpack("<f", struct.pack("<i", struct.unpack("<i", struct.pack("<f", d))[0] + k))[0]
            if _f32(b32 + d2) == t32:
                return d2
    except (OverflowError, struct.error):  # beyond float32
        pass
    return None


def cosine(step: Any, a: Any, b: Any, start: Any, length: Any, xp: Any, end: Any = None) -> Any:
    """Half a cosine from `a` at `start` to `b` at ``start + length``, held at both ends:
    ``a * cos(pi p / 2)**2 + b * sin(pi p / 2)**2`` with ``p = clamp((t - start) / length, 0, 1)``.

    For constant ends it is written from the end nearer 0, say b, with the weight of the other
    ``w = sin(c * rest)**2`` (``rest`` the steps left, ``c = pi / (2 * length)`` one constant: no
    division, one sine): ``b + D * w`` with ``D = a - b`` (to the ulp that makes ``b + D == a``
    exact in the evaluation's float type, `exact_step`), where a and b sharing a sign makes both
    terms share it, so nothing cancels. The sine is exactly 1 at ``rest = length`` (it is flat
    there) and exactly 0 at 0, so both ends are exact. Without such a D, ``a * w + b * (1 - w)``
    (exact ends too; ``1 - w`` loses digits only where w is near 1, where it weighs the smaller end).
    Ends that are arrays take the two-weight `blend`.
    """
    iv = interval(step, start, length, xp, end)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and a != b:
        c = 0.5 * math.pi / length
        near, far, sn = (b, a, xp.sin(iv.rest * c)) if abs(b) <= abs(a) else (a, b, xp.sin(iv.m * c))
        w = sn * sn  # the far end's weight
        step = exact_step(near, far, xp)
        if step is not None:
            return near + step * w
        return far * w + near * (1.0 - w)
    return blend(a, b, weights("cosine", iv, xp), None if isinstance(a, (int, float)) and isinstance(b, (int, float)) else xp)


def power(base: float, e: Any, xp: Any) -> Any:
    """``base ** e`` for a constant base > 0.

    In float64, the library's pow, within an ulp or so for every e (``exp(e * log(base))``
    would multiply the rounding of ``log(base)`` by ``|e log(base)|``: 400 ulp at 0.5**31). In
    float32 and narrower, ``exp(e * log(base))`` with log(base) taken in float64 once, so the
    evaluation rounds e, not base (0.99999 rounded to float32 is off by 1.4e-8 per unit of e).
    """
    if base == 1.0:
        return 1.0
    if xp.double:
        return xp.pow(base, e)
    return xp.exp(e * math.log(base))


def power_of_ratio(base: float, t: Any, d: float, xp: Any, scale: float = 1.0) -> Any:
    """``scale * base ** (t / d)`` for a constant base > 0 and d > 0.

    In float64 the quotient's rounding would be multiplied by ``|(t / d) log(base)|`` (5 ulp at
    0.5**(49 / 3)), so it is split as ``base**q * base**(r / d)`` with ``r = fmod(t, d)`` (exact,
    also for a fractional d) and the whole ``q = (t - r) / d`` rounded to the integer it is:
    each power within an ulp. ``base**q`` comes last, so where it is subnormal its rounding is
    not scaled up. Float32 takes `power` of t / d.
    """
    d = float(d)
    if d == 1.0 or not xp.double or base == 1.0:
        return scale * power(base, t / d, xp)
    r = xp.fmod(t, d)
    q = xp.floor((t - r) / d + 0.5)
    return (scale * xp.pow(base, r / d)) * xp.pow(base, q)


_VELTKAMP = 134217729.0  # 2**27 + 1: splits a float64 into two halves of 26 bits


def _halves(x: Any) -> tuple[Any, Any]:
    c = _VELTKAMP * x
    hi = c - (c - x)
    return hi, x - hi


def quotient_error(k: Any, q: Any, d: float, xp: Any) -> Any:
    """``k / d - q``, the rounding error of the float64 quotient ``q = k / d``, for a constant
    d >= 1 and 0 <= k <= d: what a power ``base**(k / d)`` adds back as
    ``base**q * (1 + quotient_error * log(base))``, so that the rounding of q is not multiplied
    by ``|q log(base)|``.

    The remainder ``k - q d`` is exact without an fma: ``q d = p + e`` by Dekker's product
    (q and d split into halves of 26 bits, so every partial product is exact), ``k - p`` is
    exact (p is within an ulp of k), and so is ``(k - p) - e`` (the remainder of a rounded
    quotient is a float). Under XLA, where q may be ``k * (1 / d)``, it is that q's error.
    """
    d = float(d)
    dh, dl = _halves(d)
    qh, ql = _halves(q)
    p = q * d
    e = (qh * dh - p) + ql * dh
    if dl:
        e = (e + qh * dl) + ql * dl
    return ((k - p) - e) / d


def floor_div(t: Any, d: float, xp: Any) -> Any:
    """floor(t / d); for an integer d, exact for every integer t below 2**53.

    ``t / d`` is rounded, so its floor can be one too large for large t; with an integer d the
    product ``q * d`` is exact in that range and fixes it.
    A fractional d (``every=1.1``) keeps the plain ``floor(t / d)`` of the peers, which is what
    a user who wrote 1.1 means (the exact quotient by the binary 1.1 would floor 187 / 1.1 to 169).
    """
    d = float(d)  # jax without x64 cannot take an int >= 2**31
    if d != int(d):
        return xp.floor(t / d)
    # A correctly rounded quotient is never below floor(t / d) (that integer is representable,
    # and rounding is monotone), only, next to an integer, rounded up onto it: one correction.
    q = xp.floor(xp.div(t, d))
    return q - xp.where(q * d > t, 1.0, 0.0)


def cycle_of(t: Any, period: float, xp: Any) -> tuple[Any, Any]:
    """``(k, u)``: the cycle index ``floor(t / period)`` and the position ``t - k * period`` in it.

    u comes from fmod, which is exact in every float type, so it is right even where
    ``k * period`` is not representable (float32 past 2**24); k is exact for integers below 2**53.
    """
    period = float(period)
    u = xp.fmod(t, period)
    return floor_div(t - u + 0.5 * period, period, xp), u


def exact_div(t: Any, d: Any, xp: Any) -> Any:
    """``t / d``, and exactly the integer k wherever ``t == k * d`` (XLA's ``t * (1/d)`` can land an
    ulp below k, which moves a boundary of whatever runs on the quotient). Only while ``k * d``
    stays below 2**53, where the product is exact: at t = 2**53, d = 3 it rounds onto t."""
    d = float(d) if isinstance(d, int) else d
    q = xp.div(t, d)
    k = xp.floor(q + 0.5)
    return xp.where(xp.equal(k * d, t), xp.where(k * d < 2.0**53, k, q), q)
