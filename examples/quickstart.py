"""Quickstart: a warmup + cosine schedule, its phases, its values at the key steps, and a chart.

Run it with ``make demo`` or ``python examples/quickstart.py [--steps N]``.
"""

from __future__ import annotations

import argparse

import lrcore

BLOCKS = " ▁▂▃▄▅▆▇█"  # 0/8 .. 8/8 of a cell


def make_schedule(steps: int) -> lrcore.Warmup:
    """Linear warmup over the first 10% of `steps`, then a cosine decay from 3e-4 to 3e-5."""
    warmup = max(1, steps // 10)
    decay = lrcore.Cosine(start_value=3e-4, steps=max(1, steps - warmup), end_value=3e-5)
    return lrcore.Warmup(decay, warmup_steps=warmup)


def chart(schedule: lrcore.Schedule, last_step: int, width: int = 60, height: int = 12) -> list[str]:
    """The schedule over steps 0..last_step as `height` rows of block characters, plus an x axis.

    Column c shows the value at step ``round(c * last_step / (width - 1))``; each cell holds
    eight levels, so the curve has ``8 * height`` levels between the smallest and largest value.
    """
    steps = [round(c * last_step / (width - 1)) for c in range(width)]
    values = [schedule(t) for t in steps]
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    levels = [round((v - lo) / span * 8 * height) for v in values]
    labels = [f"{hi:.2e}"] + [""] * (height - 2) + [f"{lo:.2e}"]
    pad = max(len(s) for s in labels)
    rows = []
    for r in range(height):
        floor = (height - 1 - r) * 8  # levels below this row
        cells = "".join(BLOCKS[min(8, max(0, n - floor))] for n in levels)
        rows.append(f"{labels[r]:>{pad}} ┤{cells}")
    rows.append(" " * pad + " └" + "─" * width)
    left, right = "0", str(last_step)
    rows.append(" " * (pad + 2) + left + right.rjust(width - len(left)))
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10_000, help="total steps of the schedule (>= 2, default 10000)")
    args = parser.parse_args(argv)
    if args.steps < 2:
        parser.error("--steps must be >= 2")

    s = make_schedule(args.steps)
    w, total = s.warmup_steps, s.duration
    print(s)
    print()
    print(s.describe())
    print()

    key = [("start", 0), ("warmup end - 1", w - 1), ("warmup end", w), ("middle of decay", w + (total - w) // 2),
           ("end", total), ("past the end", total + total // 5)]
    print(f"{'':<16}  {'step':>7}  value")
    for name, t in key:
        print(f"{name:<16}  {t:>7}  {s(t):.6e}")
    print()

    print("\n".join(chart(s, last_step=total + total // 10)))


if __name__ == "__main__":
    main()
