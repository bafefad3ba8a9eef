"""Quickstart: a warmup + cosine schedule, its phases, its values at the key steps, and a chart.

Run it with ``python examples/quickstart.py [--steps N]``; ``lrcore show SPEC`` prints the same for
any schedule.
"""

from __future__ import annotations

import argparse

import lrcore
from lrcore._chart import chart  # the chart `lrcore show` draws


def make_schedule(steps: int) -> lrcore.Warmup:
    """Linear warmup over the first 10% of `steps`, then a cosine decay from 3e-4 to 3e-5."""
    warmup = max(1, steps // 10)
    decay = lrcore.Cosine(start_value=3e-4, steps=max(1, steps - warmup), end_value=3e-5)
    return lrcore.Warmup(decay, warmup_steps=warmup)


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
