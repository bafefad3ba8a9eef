"""numpy: ``s.evaluate(range(N))`` against hand-written numpy, N = 10 million steps.

Three schedules, each against two hand-written forms of the same values:

* *straightforward*: one whole-array numpy expression, as one writes it first
  (``np.where(t < W, warmup, cosine)``: every formula over every step, temporaries of N floats);
* *best*: each piece evaluated only over its own steps, in blocks of 16,384 steps whose
  temporaries stay in cache, in-place arithmetic, constants written with a fill.

Target: lrcore at most 1.0 against the best form. Every form is checked against lrcore's
values first (the straightforward SGDR may differ by rounding in its cycle index; it does not
here, where every cycle boundary is exact).
"""

from __future__ import annotations

import math
import time
from typing import Any, Callable, Iterator

from _timing import Config, Row, alternate

BLOCK = 1 << 14


def _pieces_form(n: int, pieces: list[tuple[int, int, Any]]) -> Callable[[], Any]:
    """The best form: ``pieces`` are (start, end, fn or constant); fn(t, out) writes values for
    the float steps ``t`` into ``out`` (both one block long at most, t may be overwritten)."""
    import numpy as np

    base = np.arange(BLOCK, dtype=np.float64)

    def f() -> Any:
        out = np.empty(n)
        buf = np.empty(BLOCK)
        for a, b, fn in pieces:
            a, b = max(a, 0), min(b, n)
            if a >= b:
                continue
            if not callable(fn):
                out[a:b] = fn
                continue
            for lo in range(a, b, BLOCK):
                hi = min(lo + BLOCK, b)
                t = buf[: hi - lo]
                np.add(base[: hi - lo], lo, out=t)
                fn(t, out[lo:hi])
        return out

    return f


def _cosine_piece(start: float, length: float, peak: float, end: float) -> Callable:
    """``end + (peak - end) (1 + cos(pi (t - start) / length)) / 2`` in place."""
    import numpy as np

    k, h = math.pi / length, (peak - end) * 0.5

    def fn(t: Any, out: Any) -> None:
        np.subtract(t, start, out=t)
        np.multiply(t, k, out=t)
        np.cos(t, out=t)
        np.add(t, 1.0, out=t)
        np.multiply(t, h, out=t)
        np.add(t, end, out=out)

    return fn


def warmup_cosine(n: int) -> tuple[Any, Callable, Callable]:
    import numpy as np

    import lrcore

    peak, end, w = 3e-4, 3e-5, max(1, n // 10)
    d = max(1, n - n // 10 - w)  # the last tenth holds the end value
    s = lrcore.Warmup(lrcore.Cosine(start_value=peak, steps=d, end_value=end), warmup_steps=w)

    def straightforward() -> Any:
        t = np.arange(n, dtype=np.float64)
        u = np.minimum(np.maximum(t - w, 0.0), d)
        return np.where(t < w, peak * t / w, end + (peak - end) * 0.5 * (1 + np.cos(np.pi * u / d)))

    def ramp(t: Any, out: Any) -> None:
        np.multiply(t, peak / w, out=out)

    best = _pieces_form(n, [(0, w, ramp), (w, w + d, _cosine_piece(w, d, peak, end)), (w + d, n, end)])
    return s, straightforward, best


def sgdr(n: int) -> tuple[Any, Callable, Callable]:
    """SGDR, three restarts: cycles of P, 2P, 4P, 8P steps (15P = N)."""
    import numpy as np

    import lrcore

    peak, end, p = 1e-3, 1e-5, max(1, n // 15)
    s = lrcore.Restart(lrcore.Cosine(start_value=peak, steps=p, end_value=end), period_steps=p, period_mult=2.0)

    def straightforward() -> Any:
        t = np.arange(n, dtype=np.float64)
        k = np.floor(np.log2(t / p + 1.0))
        start = p * (2.0**k - 1.0)
        length = p * 2.0**k
        return end + (peak - end) * 0.5 * (1 + np.cos(np.pi * (t - start) / length))

    pieces = []
    a, length = 0, p
    while a < n:
        pieces.append((a, a + length, _cosine_piece(a, length, peak, end)))
        a, length = a + length, 2 * length
    return s, straightforward, _pieces_form(n, pieces)


def multistep(n: int) -> tuple[Any, Callable, Callable]:
    import numpy as np

    import lrcore

    ms = sorted({max(1, n * 3 // 10), max(2, n * 6 // 10), max(3, n * 8 // 10)})
    s = lrcore.MultiStep(start_value=0.1, milestones=tuple(ms), factor=0.1)
    table = np.asarray(ms, dtype=np.float64)

    def straightforward() -> Any:
        t = np.arange(n, dtype=np.float64)
        return 0.1 * 0.1 ** np.searchsorted(table, t, side="right").astype(np.float64)

    edges = [0, *ms, n]
    values = [s(e) for e in edges[:-1]]  # the value held on each stretch
    return s, straightforward, _pieces_form(n, [(a, b, v) for a, b, v in zip(edges, edges[1:], values)])


SCHEDULES = {"Warmup(Cosine)": warmup_cosine, "SGDR, 3 restarts (period_mult 2)": sgdr, "MultiStep (3 milestones)": multistep}


def _runner(fn: Callable[[], Any]) -> Callable[[int], float]:
    def run(k: int) -> float:
        t0 = time.perf_counter()
        for _ in range(k):
            fn()
        return time.perf_counter() - t0

    return run


def rows(cfg: Config) -> Iterator[Row]:
    import numpy as np

    n = cfg.numpy_steps
    for name, build in SCHEDULES.items():
        s, straightforward, best = build(n)
        want = s.evaluate(range(n))
        for form, f in (("straightforward", straightforward), ("best", best)):
            got = f()
            np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-15, err_msg=f"{name}, {form} numpy form")
        med = alternate({"lrcore": _runner(lambda s=s: s.evaluate(range(n))),
                         "straightforward": _runner(straightforward), "best": _runner(best)}, 1, cfg.repeat)
        label = f"`s.evaluate(range({n:,}))`, {name}"
        yield Row("numpy", f"{label} vs straightforward numpy", med["lrcore"], med["straightforward"], "ms", 1.0,
                  "info")
        yield Row("numpy", f"{label} vs best numpy (pieces on their ranges, blocks)", med["lrcore"], med["best"], "ms",
                  1.0, "ratio")
