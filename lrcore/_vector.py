"""Long numpy evaluations, segment by segment: each stretch of the timeline runs only its own formula.

``s.evaluate(range(10_000_000))`` through the whole formula computes every branch of every
`where` at every step (a warmup's ramp over the whole decay, a Sequential's every part). For
a sorted numpy input the timeline (``s.segments(lo, hi)``, the one every node defines) cuts it
instead: a constant segment is written with a fill, and a formula segment runs only its own
formula (a Sequential's part on local time, a Warmup's ramp or its schedule, ...), in blocks
small enough to stay in cache; a `range` is never materialised, its blocks are generated.

The values are those of the whole formula, bit for bit: a segment's formula is the node's own
formula with the branches not taken there removed, never a second copy of a formula, and a
constant segment's value is the whole formula evaluated at its first step in the same dtype.
Segment boundaries are float64 steps, so outside float64 the whole formula runs.
"""

from __future__ import annotations

import math
TYPE_CHECKING = False  # typing is not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Any

from ._base import BLOCK, INF, Segment, clipped, value_at

__all__ = ["evaluate_sorted"]



def _pieces(s: Any, lo: float, hi: float, xp: Any) -> list[Segment]:
    """The timeline over [lo, hi), with neighbours that run the same formula joined."""
    if not xp.double:
        return [Segment(lo, hi, "", s.formula)]
    out: list[Segment] = []
    for g in clipped(s.segments(lo, hi), lo, hi):
        if out and g.fn is not None and g.fn is out[-1].fn:
            out[-1] = Segment(out[-1].start, g.end, "", g.fn)
        else:
            out.append(g)
    return out


def evaluate_sorted(s: Any, lo: float, n: int, step: float, xp: Any, t: Any = None) -> Any:
    """Values of `s` at ``n`` sorted steps: ``lo + i * step`` (a range) or the array `t`."""
    np = xp.np
    out = np.empty(n, dtype=xp.dtype)
    if n == 0:
        return out
    last = lo + (n - 1) * step if t is None else float(t[-1])
    first = lo if t is None else float(t[0])
    pieces = _pieces(s, first, last + 1.0, xp)
    if len(pieces) > max(8, n // BLOCK):  # many short pieces: the whole formula, block by block
        pieces = [Segment(first, last + 1.0, "", s.formula)]
    if t is None:  # block steps are generated into one buffer: lo + j * step + (0, step, 2 step, ...)
        base, buf = np.arange(BLOCK, dtype=np.float64) * step, np.empty(BLOCK, dtype=np.float64)
    for p in pieces:
        if t is None:  # index range of the piece in lo, lo + step, ...
            i0 = max(0, math.ceil((p.start - lo) / step)) if p.start > lo else 0
            i1 = min(n, math.ceil((p.end - lo) / step)) if p.end < INF else n
        else:
            i0, i1 = (int(i) for i in np.searchsorted(t, [p.start, p.end], side="left"))
        if i0 >= i1:
            continue
        if p.fn is None:
            out[i0:i1] = value_at(s, lo + i0 * step if t is None else float(t[i0]), xp)
            continue
        for j in range(i0, i1, BLOCK):
            k = min(j + BLOCK, i1)
            if t is None:
                tb = np.add(base[: k - j], lo + j * step, out=buf[: k - j]).astype(xp.dtype, copy=False)
            else:
                tb = t[j:k]
            out[j:k] = p.fn(tb, xp)
    return out
