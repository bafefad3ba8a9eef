"""Long numpy evaluations, piece by piece: each stretch of the timeline runs only its own formula.

``s.evaluate(range(10_000_000))`` through the whole formula computes every branch of every
`where` at every step (a warmup's ramp over the whole decay, a Sequential's every part). For
a sorted numpy input the tree is cut instead into pieces ``[a, b)`` on which one sub-formula
holds: a constant piece is written with a fill, and a formula piece runs only its own part's
formula (a Sequential's part on local time, a Warmup's ramp or its schedule, ...), in blocks
small enough to stay in cache; a `range` is never materialised, its blocks are generated.

The values are those of the whole formula, bit for bit: a piece's formula is the node's own
formula with the branches not taken there removed, never a second copy of a formula, and a
constant piece's value is the whole formula evaluated at the piece's first step in the same
dtype. Nodes this module does not cut (a Cyclic, a Stretch, ...) are one formula piece.
"""

from __future__ import annotations

import math
from typing import Any, Callable, NamedTuple

__all__ = ["evaluate_sorted"]

# Steps per block: the formula's temporaries stay in cache, and at 64 KiB each they stay below
# glibc's 128 KiB mmap threshold (at 2**14 float64 every temporary was a fresh mmap with page
# faults: 2.7x slower).
BLOCK = 1 << 13
_INF = math.inf


class Piece(NamedTuple):
    """On global steps ``[start, end)`` the value is ``fn(t, xp)``, or the constant of the node at `start`."""

    start: float
    end: float
    fn: Callable[[Any, Any], Any] | None  # None: constant on the piece


def _shifted(fn: Callable, by: float) -> Callable:
    return lambda t, xp: fn(t - by, xp)


def _clip(pieces: list, lo: float, hi: float) -> list:
    out = []
    for p in pieces:
        a, b = max(p.start, lo), min(p.end, hi)
        if a < b:
            out.append(Piece(a, b, p.fn))
    return out


def _shift_all(pieces: list, by: float) -> list:
    return [Piece(p.start + by, p.end + by, None if p.fn is None else _shifted(p.fn, by)) for p in pieces]


def pieces_of(s: Any, lo: float, hi: float, double: bool = True) -> list:
    """Contiguous pieces of `s` covering global steps ``[lo, hi)`` (lo >= 0); `double`: float64 evaluation."""
    from ._combinators import Clamp, Maximum, Minimum, Product, Restart, Sequential, Shift, Sum, Warmup
    from ._primitives import Constant, MultiStep, Piecewise

    if isinstance(s, Constant):
        return [Piece(lo, hi, None)]
    if isinstance(s, (MultiStep, Piecewise)):
        edges = (0, *(s.milestones if isinstance(s, MultiStep) else s.boundaries), _INF)
        return _clip([Piece(a, b, None) for a, b in zip(edges, edges[1:])], lo, hi)
    if isinstance(s, Sequential):
        starts, out = (0, *s._bounds), []
        for i, part in enumerate(s.parts):
            a, b = starts[i], starts[i + 1] if i + 1 < len(starts) else _INF
            if b <= lo or a >= hi:
                continue
            inner = pieces_of(part, max(lo, a) - a, min(hi, b) - a, double) if i else pieces_of(part, lo, min(hi, b), double)
            out += _clip(_shift_all(inner, a) if i else inner, max(lo, a), min(hi, b))
        return out
    if isinstance(s, Warmup):
        w = float(s.warmup_steps)
        out = [Piece(lo, min(hi, w), s._ramp)] if lo < w else []
        if hi > w:
            if s.prefix:
                out += _shift_all(pieces_of(s.schedule, max(lo, w) - w, hi - w, double), w)
            else:
                out += pieces_of(s.schedule, max(lo, w), hi, double)
        return out
    if isinstance(s, Shift):
        k = float(s.steps)
        out = [Piece(lo, min(hi, k), None)] if lo < k else []
        if hi > k:
            out += _shift_all(pieces_of(s.schedule, max(lo, k) - k, hi - k, double), k)
        return out
    if isinstance(s, (Product, Sum, Minimum, Maximum, Clamp)):
        return _combined(s, [s.schedule] if isinstance(s, Clamp) else list(s._kids()), lo, hi, double)
    if isinstance(s, Restart) and (double or hi <= 2.0**24):
        # each cycle runs its child on its own steps (u = t - start is exact where the steps
        # are, so in float32 only below 2**24); too many cycles: the whole formula
        cycles = s._cycles(lo, hi, 64)
        if cycles is not None:
            out = [Piece(max(lo, b), min(hi, b + n), _cycle_fn(s, k, b, n)) for k, b, n in cycles]
            end = cycles[-1][1] + cycles[-1][2] if cycles else lo
            if end < hi:  # after the last cycle (`limit`): held
                out.append(Piece(max(lo, end), hi, None))
            return [p for p in out if p.start < p.end]
    d = s.duration
    if d is not None and d < hi:
        return ([Piece(lo, float(d), s._formula)] if lo < d else []) + [Piece(max(lo, float(d)), hi, None)]
    return [Piece(lo, hi, s._formula)]


def _cycle_fn(s: Any, k: float, start: float, length: float) -> Callable:
    def fn(t: Any, xp: Any) -> Any:
        kk = k if s.decay == 1.0 else xp.full_like(t, k)  # an array, as the whole formula has it
        return s._in_cycle(kk, s._position(t, start, length, xp), length, xp)

    return fn


def _combined(s: Any, kids: list, lo: float, hi: float, double: bool) -> list:
    """The pieces of a pointwise node: its children's cut points merged; on each piece, the
    node's own `_combine` of its children's piece formulas (a constant child gives its value)."""
    per_kid = [pieces_of(k, lo, hi, double) for k in kids]
    cuts = sorted({lo, hi, *(p.start for ps in per_kid for p in ps), *(p.end for ps in per_kid for p in ps)})
    cuts = [c for c in cuts if lo <= c <= hi]
    out = []
    for a, b in zip(cuts, cuts[1:]):
        here = [next(p for p in ps if p.start <= a < p.end) for ps in per_kid]
        if all(p.fn is None for p in here):
            out.append(Piece(a, b, None))
            continue

        def fn(t: Any, xp: Any, here: list = here, kids: list = kids, a: float = a) -> Any:
            vals = [p.fn(t, xp) if p.fn is not None else _value_at(k, a, xp) for p, k in zip(here, kids)]
            return s._combine(vals, xp)

        out.append(Piece(a, b, fn))
    return out


def _value_at(s: Any, t: float, xp: Any) -> Any:
    """The whole formula of `s` at step t, as a 0-d value of the namespace's dtype."""
    return s._evaluate(xp.np.asarray([t], dtype=xp.dtype), xp)[0]


def evaluate_sorted(s: Any, lo: float, n: int, step: float, xp: Any, t: Any = None) -> Any:
    """Values of `s` at ``n`` sorted steps: ``lo + i * step`` (a range) or the array `t`."""
    np = xp.np
    out = np.empty(n, dtype=xp.dtype)
    if n == 0:
        return out
    last = lo + (n - 1) * step if t is None else float(t[-1])
    first = lo if t is None else float(t[0])
    pieces = pieces_of(s, first, last + 1.0, xp.double)
    if len(pieces) > max(8, n // BLOCK):  # many short pieces: the whole formula, block by block
        pieces = [Piece(first, last + 1.0, s._formula)]
    if t is None:  # block steps are generated into one buffer: lo + j * step + (0, step, 2 step, ...)
        base, buf = np.arange(BLOCK, dtype=np.float64) * step, np.empty(BLOCK, dtype=np.float64)
    for p in pieces:
        if t is None:  # index range of the piece in lo, lo + step, ...
            i0 = max(0, math.ceil((p.start - lo) / step)) if p.start > lo else 0
            i1 = min(n, math.ceil((p.end - lo) / step)) if p.end < _INF else n
        else:
            i0, i1 = (int(i) for i in np.searchsorted(t, [p.start, p.end], side="left"))
        if i0 >= i1:
            continue
        if p.fn is None:
            out[i0:i1] = _value_at(s, lo + i0 * step if t is None else float(t[i0]), xp)
            continue
        for j in range(i0, i1, BLOCK):
            k = min(j + BLOCK, i1)
            if t is None:
                tb = np.add(base[: k - j], lo + j * step, out=buf[: k - j]).astype(xp.dtype, copy=False)
            else:
                tb = t[j:k]
            out[j:k] = p.fn(tb, xp)
    return out
