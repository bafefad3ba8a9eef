"""Speed of lrcore on a warmup + cosine schedule: one step at a time, and 10M steps at once.

Run with ``make bench`` (or ``python benchmarks/run.py [--n N] [--repeat R]``). Every time is the best
of R repeats (timeit), so a busy machine inflates the numbers less. Prints a markdown table:

* ``s(t)``: the eager scalar path, in microseconds per call, at a step in each phase (target < 2 us);
* ``s.evaluate(range(N))`` against the same formula written by hand in numpy;
* torch (float64 tensor) and jax (``jax.jit``, float64) evaluation of N steps, for reference.
"""

from __future__ import annotations

import argparse
import math
import platform
import timeit

import lrcore

PEAK, END, WARMUP, DECAY = 3e-4, 3e-5, 1_000, 9_000


def schedule() -> lrcore.Schedule:
    return lrcore.Warmup(lrcore.Cosine(start_value=PEAK, steps=DECAY, end_value=END), warmup_steps=WARMUP)


def best(fn, number: int, repeat: int) -> float:
    """Seconds per call of fn: the best of `repeat` timings of `number` calls."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def scalar_rows(s: lrcore.Schedule, repeat: int) -> list[tuple[str, str, str]]:
    rows = []
    for label, t in [("warmup", 500), ("cosine", 5_000), ("past the end", 50_000), ("float step", 5_000.0)]:
        timer = timeit.Timer("s(t)", globals={"s": s, "t": t})
        n, _ = timer.autorange()
        per_call = min(timer.repeat(number=n, repeat=repeat)) / n
        rows.append((f"`s(t)`, {label} (t={t!r})", f"{per_call * 1e6:.3f} us/call", "target < 2 us"))
    return rows


def numpy_rows(s: lrcore.Schedule, n: int, repeat: int) -> tuple[list[tuple[str, str, str]], float]:
    import numpy as np

    def by_hand() -> "np.ndarray":
        t = np.arange(n, dtype=float)
        u = np.minimum(t - WARMUP, DECAY)
        return np.where(t < WARMUP, PEAK * t / WARMUP, END + (PEAK - END) * 0.5 * (1 + np.cos(np.pi * u / DECAY)))

    def lrcore_range() -> "np.ndarray":
        return s.evaluate(range(n))

    diff = float(np.max(np.abs(lrcore_range() - by_hand())))
    t_hand = best(by_hand, 1, repeat)
    t_lr = best(lrcore_range, 1, repeat)
    rows = [
        (f"numpy by hand, {n:,} steps (incl. arange)", f"{t_hand * 1e3:.1f} ms", f"{t_hand / n * 1e9:.2f} ns/step"),
        (f"`s.evaluate(range({n:,}))`", f"{t_lr * 1e3:.1f} ms",
         f"{t_lr / t_hand:.2f}x numpy by hand; max abs diff {diff:.1e}"),
    ]
    return rows, t_hand


def torch_rows(s: lrcore.Schedule, n: int, repeat: int, t_hand: float) -> list[tuple[str, str, str]]:
    try:
        import torch
    except ImportError:
        return [("torch", "not installed", "")]
    steps = torch.arange(n, dtype=torch.float64)

    def by_hand() -> "torch.Tensor":
        u = torch.clamp(steps - WARMUP, max=DECAY)
        return torch.where(steps < WARMUP, PEAK * steps / WARMUP,
                           END + (PEAK - END) * 0.5 * (1 + torch.cos(math.pi * u / DECAY)))

    rows, threads = [], torch.get_num_threads()
    for k in sorted({1, threads}):  # numpy runs on one thread; torch's default is one per core
        torch.set_num_threads(k)
        t_ref = best(by_hand, 1, repeat)
        t = best(lambda: s.evaluate(steps), 1, repeat)
        on = f"CPU, {k} thread{'s' * (k > 1)}"
        rows.append((f"torch by hand, {n:,} float64 steps ({on})", f"{t_ref * 1e3:.1f} ms",
                     f"{t_ref / t_hand:.2f}x numpy by hand"))
        rows.append((f"`s.evaluate(torch.arange({n:,}, dtype=float64))` ({on})", f"{t * 1e3:.1f} ms",
                     f"{t / t_ref:.2f}x torch by hand, {t / t_hand:.2f}x numpy by hand"))
    torch.set_num_threads(threads)
    return rows


def jax_rows(s: lrcore.Schedule, n: int, repeat: int, t_hand: float) -> list[tuple[str, str, str]]:
    try:
        import jax
    except ImportError:
        return [("jax", "not installed", "")]
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    steps = jnp.arange(n, dtype=jnp.float64)

    @jax.jit
    def by_hand(t):
        u = jnp.minimum(t - WARMUP, DECAY)
        return jnp.where(t < WARMUP, PEAK * t / WARMUP, END + (PEAK - END) * 0.5 * (1 + jnp.cos(jnp.pi * u / DECAY)))

    f = jax.jit(s.evaluate)
    f(steps).block_until_ready()  # compile outside the timing
    by_hand(steps).block_until_ready()
    t_ref = best(lambda: by_hand(steps).block_until_ready(), 1, repeat)
    t = best(lambda: f(steps).block_until_ready(), 1, repeat)
    dev = jax.devices()[0].platform
    return [(f"jax.jit by hand, {n:,} float64 steps ({dev})", f"{t_ref * 1e3:.1f} ms",
             f"{t_ref / t_hand:.2f}x numpy by hand"),
            (f"`jax.jit(s.evaluate)` on {n:,} float64 steps ({dev})", f"{t * 1e3:.1f} ms",
             f"{t / t_ref:.2f}x jax by hand, {t / t_hand:.2f}x numpy by hand")]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="steps evaluated at once (default 10M)")
    parser.add_argument("--repeat", type=int, default=5, help="timing repeats; the best is kept (default 5)")
    args = parser.parse_args(argv)

    s = schedule()
    assert math.isclose(s(WARMUP + DECAY // 2), (PEAK + END) / 2, rel_tol=1e-12)
    rows = scalar_rows(s, args.repeat)
    more, t_hand = numpy_rows(s, args.n, args.repeat)
    rows += more
    rows += torch_rows(s, args.n, args.repeat, t_hand)
    rows += jax_rows(s, args.n, args.repeat, t_hand)

    print(f"lrcore {lrcore.__version__}, Python {platform.python_version()}, {platform.machine()}; "
          f"best of {args.repeat}")
    print(f"schedule: {s!r}")
    print()
    print("| what | time | note |")
    print("|---|---:|---|")
    for what, time, note in rows:
        print(f"| {what} | {time} | {note} |")


if __name__ == "__main__":
    main()
