"""Draw schedules with matplotlib: ``Schedule.plot`` returns the Axes, as in a notebook.

Three schedules on one Axes (linear scale), and the same on a log scale beside it, written to
a PNG. In a notebook, ``s.plot()`` draws on the current Axes; the ``lrcore plot`` command does
the same from the shell (``lrcore plot SPEC [SPEC ...] -o FILE.png``).

Run it with ``python examples/plotting.py [--out FILE.png] [--fast]`` (needs matplotlib:
``pip install 'lrcore[plot]'``).
"""

from __future__ import annotations

import argparse
import sys

import matplotlib

matplotlib.use("Agg")  # files only: no window
import matplotlib.pyplot as plt  # noqa: E402

import lrcore  # noqa: E402
from lrcore.catalog import torch as catalog  # noqa: E402


def schedules(steps: int) -> dict[str, lrcore.Schedule]:
    warmup = steps // 10
    return {
        "warmup + cosine": lrcore.Warmup(lrcore.Cosine(start_value=1e-3, steps=steps - warmup, end_value=1e-5),
                                         warmup_steps=warmup),
        "torch OneCycleLR (catalog)": catalog.OneCycleLR(max_lr=1e-3, total_steps=steps),
        "WSD, 1-sqrt decay": lrcore.WSD(peak_value=1e-3, warmup_steps=warmup, stable_steps=steps // 2,
                                        decay_steps=steps - warmup - steps // 2, end_value=1e-5,
                                        decay_shape="1-sqrt"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="schedules.png", help="the PNG to write (default schedules.png)")
    parser.add_argument("--steps", type=int, default=10_000, help="steps of each schedule (>= 20, default 10000)")
    parser.add_argument("--fast", action="store_true", help="small figure, 1000 steps (for smoke tests)")
    args = parser.parse_args(argv)
    steps = 1000 if args.fast else args.steps
    if steps < 20:
        parser.error("--steps must be >= 20")

    fig, (lin, log) = plt.subplots(1, 2, figsize=(6, 2.5) if args.fast else (12, 4.5), layout="constrained")
    for name, s in schedules(steps).items():
        ax = s.plot(ax=lin, steps=steps, label=name)
        assert ax is lin
        s.plot(ax=log, steps=steps, log=True, label=name)
    lin.set_title("linear scale")
    log.set_title("log scale")
    lin.legend(fontsize="small")
    fig.savefig(args.out, dpi=100)
    width, height = (round(v * 100) for v in fig.get_size_inches())
    plt.close(fig)
    print(f"wrote {args.out} ({width}x{height} pixels, {len(lin.get_lines())} curves per axes, steps 0..{steps})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
