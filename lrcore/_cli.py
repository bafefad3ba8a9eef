"""The ``lrcore`` command: show, plot, compare and verify schedules named by a SPEC.

    lrcore show SPEC [--steps N] [--width W] [--height H]
    lrcore plot SPEC [SPEC ...] -o FILE.png|FILE.svg [--steps N] [--log] [--title T]
    lrcore compare A B [--steps N] [--rtol R] [--atol A]
    lrcore verify SPEC [--steps N] [--rtol R] [--atol A]
    lrcore --version

A SPEC is a config file (.json, .toml, .yaml), inline JSON, or a catalog call such as
``torch.OneCycleLR(max_lr=0.1, total_steps=1000)`` (see `lrcore._spec`). Exit codes: 0 done
(``compare``: the schedules are equal at every step), 1 ``compare`` found a difference, or a
runtime problem (matplotlib missing, the file cannot be written), 2 a bad SPEC or argument.
``verify`` (a catalog call against the installed peer, `lrcore.adapters._verify`): 0 equal within
tolerance or a documented deviation, 1 different, 2 a bad SPEC, 3 the peer is not installed.
Standard library only at import time; matplotlib is imported by ``plot`` alone, frameworks by
``verify`` alone.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from typing import Any, Callable, Sequence

from ._chart import chart, default_last_step, phases_until
from ._spec import Spec, SpecError, load_spec

__all__ = ["main"]

MAX_PHASES_SHOWN = 40
MAX_KEY_PHASES = 12
MAX_STEP = 10**9
MAX_COMPARE = 10**7
SPEC_HELP = ("a config file (.json, .toml, .yaml/.yml; plain config or lrcore.dumps envelope), inline JSON, "
             "or a catalog call such as 'torch.OneCycleLR(max_lr=0.1, total_steps=1000)' or "
             "'lrcore.Warmup(lrcore.Cosine(start_value=0.1, steps=1000), warmup_steps=100)' (literal arguments only, "
             "positional ones for lrcore's classes; nothing is evaluated)")


class UsageError(Exception):
    """A bad argument: reported with exit code 2."""


def _steps_arg(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an int, got {text!r}") from None
    if not 1 <= n <= MAX_STEP:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_STEP}, got {n}")
    return n


def _size_arg(low: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an int, got {text!r}") from None
        if not low <= n <= 1000:
            raise argparse.ArgumentTypeError(f"must be between {low} and 1000, got {n}")
        return n
    return parse


def _plain(spec: Spec) -> tuple[Any, str | None]:
    """The schedule to draw, and a note where it is scaled by a Plateau (drawn before any reduction)."""
    s = spec.schedule
    if hasattr(s, "plateau") and not hasattr(s, "evaluate"):
        return s.schedule, ("scaled by a Plateau (metric-driven): the values are those before any reduction; "
                            f"{s.plateau!r}")
    return s, None


def _fmt(v: float) -> str:
    return f"{v:.6e}"


# -- show ------------------------------------------------------------------------------------

def _key_steps(phases: Sequence[Any], last: int) -> list[tuple[int, str]]:
    """(step, why) for each shown phase's first and last step, and the last step shown."""
    out: dict[int, str] = {}
    for p in phases[:MAX_KEY_PHASES]:
        if p.start <= last:
            out.setdefault(p.start, f"{p.kind} starts")
        if p.end is not None and p.start < p.end - 1 <= last:
            out.setdefault(p.end - 1, f"{p.kind} last step")
    out.setdefault(last, "last step shown")
    return sorted(out.items())


def cmd_show(args: argparse.Namespace) -> int:
    spec = load_spec(args.spec)
    s, note = _plain(spec)
    last = args.steps if args.steps is not None else default_last_step(s)
    cols, lines = shutil.get_terminal_size((80, 24))
    width = args.width if args.width is not None else max(10, cols - 12)
    height = args.height if args.height is not None else max(4, min(16, lines // 2))

    print(f"schedule: {spec.label}")
    print(repr(s) if len(repr(s)) <= 400 else repr(s)[:397] + "...")
    if note:
        print(f"note: {note}")
    print(f"duration: {'unbounded' if s.duration is None else f'{s.duration} steps'}")
    print()
    phases, until = phases_until(s, last)
    print("phases")
    print(type(phases)(phases[:MAX_PHASES_SHOWN]))
    if len(phases) > MAX_PHASES_SHOWN:
        print(f"... and {len(phases) - MAX_PHASES_SHOWN} more phases before step {until}")
    if until <= last:
        print(f"(phases listed up to step {until} only: there are too many to list up to step {last})")
    print()
    print("values")
    rows = [("step", "value", "where")] + [(str(t), _fmt(s(t)), why) for t, why in _key_steps(phases, last)]
    w0, w1 = (max(len(r[i]) for r in rows) for i in range(2))
    for r in rows:
        print(f"{r[0]:>{w0}}  {r[1]:<{w1}}  {r[2]}".rstrip())
    print()
    print("\n".join(chart(s, last_step=last, width=width, height=height)))
    return 0


# -- plot ------------------------------------------------------------------------------------

def cmd_plot(args: argparse.Namespace) -> int:
    out = args.output
    ext = os.path.splitext(out)[1].lower()
    if ext not in (".png", ".svg"):
        raise UsageError(f"-o/--output: must end in .png or .svg, got {out!r}")
    specs = [load_spec(t) for t in args.specs]
    labels = args.label or [sp.label for sp in specs]
    if len(labels) != len(specs):
        raise UsageError(f"--label: give one per SPEC ({len(specs)}), got {len(labels)}")
    from ._plot import MissingMatplotlib, save_figure

    try:
        save_figure([_plain(sp)[0] for sp in specs], labels, out, steps=args.steps, log=args.log, title=args.title)
    except MissingMatplotlib as e:
        print(f"lrcore plot: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"lrcore plot: cannot write {out}: {e.strerror or e}", file=sys.stderr)
        return 1
    for sp in specs:
        note = _plain(sp)[1]
        if note:
            print(f"note: {sp.label}: {note}")
    print(f"wrote {out}")
    return 0


# -- compare ---------------------------------------------------------------------------------

def _tol_arg(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not x >= 0 or x == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text!r}")
    return x


def cmd_compare(args: argparse.Namespace) -> int:
    from ._compare import compare

    a_spec, b_spec = load_spec(args.a), load_spec(args.b)
    (a, a_note), (b, b_note) = _plain(a_spec), _plain(b_spec)
    last = args.steps if args.steps is not None else max(default_last_step(a), default_last_step(b))
    if last > MAX_COMPARE:
        raise UsageError(f"--steps: compare evaluates every step, so at most {MAX_COMPARE}, got {last}")
    print(f"A: {a_spec.label}")
    print(f"B: {b_spec.label}")
    for name, note in (("A", a_note), ("B", b_note)):
        if note:
            print(f"note: {name} is {note}")
    print(f"steps: 0..{last}")
    r = compare(a, b, steps=last + 1, rtol=args.rtol, atol=args.atol)
    exact = args.rtol == 0 and args.atol == 0
    if r.max_abs_step is None:
        print(f"identical: A and B are equal at every step 0..{last}")
        return 0
    t = r.max_abs_step
    print(f"largest absolute difference: {r.max_abs:.6e} at step {t} (A {r.at(t)[0]!r}, B {r.at(t)[1]!r})")
    t = r.max_rel_step
    print(f"largest relative difference: {r.max_rel:.6e} at step {t} (A {r.at(t)[0]!r}, B {r.at(t)[1]!r})")
    tol = f"rtol={args.rtol!r}, atol={args.atol!r}"
    if r.equal:
        print(f"equal within {tol}: A and B agree at every step 0..{last}")
        return 0
    t = r.first_step
    print(f"first difference{'' if exact else f' beyond {tol}'} at step {t} (A {r.at(t)[0]!r}, B {r.at(t)[1]!r})")
    return 1


# -- verify ----------------------------------------------------------------------------------

def cmd_verify(args: argparse.Namespace) -> int:
    from lrcore.adapters._verify import PeerMissing, report, verify  # the peers are frameworks: imported there, on use

    try:
        res = verify(args.spec, steps=args.steps, rtol=args.rtol, atol=args.atol)
    except PeerMissing as e:
        print(f"lrcore verify: {e}", file=sys.stderr)
        return 3
    print(f"verify: {args.spec.strip()}")
    print("\n".join(report(res)))
    return res.exit_code


# -- entry point -----------------------------------------------------------------------------

def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="lrcore", description="Show, plot, compare and verify learning-rate schedules.",
        epilog="SPEC: " + SPEC_HELP + ". Exit codes: 0 ok, 1 compare found a difference or a runtime "
               "problem, 2 a bad SPEC or argument; verify: 0 equal or a documented deviation, 1 different, 2 "
               "a bad SPEC, 3 the peer is not installed.")
    from . import __version__

    p.add_argument("--version", action="version", version=f"lrcore {__version__}",
                   help="print the version of lrcore and exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    steps_help = "the last step (default: the duration plus 10%%, or three periods, at least 100)"

    show = sub.add_parser("show", help="phases, values at the key steps and a terminal chart",
                          description="Print a schedule's phases (start, end, kind, values, jumps), its values at "
                                      "the key steps and a chart in Unicode blocks, sized to the terminal.",
                          epilog="SPEC: " + SPEC_HELP)
    show.add_argument("spec", metavar="SPEC", help="the schedule")
    show.add_argument("--steps", type=_steps_arg, metavar="N", help=steps_help)
    show.add_argument("--width", type=_size_arg(2), metavar="W", help="chart width in cells (default: the terminal's)")
    show.add_argument("--height", type=_size_arg(2), metavar="H", help="chart height in rows (default: half the terminal's, 4..16)")
    show.set_defaults(run=cmd_show)

    plot = sub.add_parser("plot", help="draw schedules into a PNG or SVG (needs matplotlib)",
                          description="Draw one or several schedules on one figure with matplotlib "
                                      "(pip install 'lrcore[plot]').",
                          epilog="SPEC: " + SPEC_HELP)
    plot.add_argument("specs", metavar="SPEC", nargs="+", help="the schedules")
    plot.add_argument("-o", "--output", required=True, metavar="FILE", help="the figure: FILE.png or FILE.svg")
    plot.add_argument("--steps", type=_steps_arg, metavar="N", help=steps_help + " of the longest")
    plot.add_argument("--log", action="store_true", help="logarithmic learning-rate axis")
    plot.add_argument("--title", help="a title for the figure")
    plot.add_argument("--label", action="append", metavar="TEXT", help="legend label, once per SPEC in order (default: the SPEC)")
    plot.set_defaults(run=cmd_plot)

    cmp_ = sub.add_parser("compare", help="largest differences between two schedules",
                          description="Evaluate A and B at every step 0..N and print the largest absolute and "
                                      "relative difference and the first step where they differ (values in full, "
                                      "as Python's repr). Exit code 0 if they are equal at every step (within "
                                      "--rtol/--atol when given), 1 if not.",
                          epilog="SPEC: " + SPEC_HELP)
    cmp_.add_argument("a", metavar="A", help="the first schedule (a SPEC)")
    cmp_.add_argument("b", metavar="B", help="the second schedule (a SPEC)")
    cmp_.add_argument("--steps", type=_steps_arg, metavar="N", help=steps_help + " of either")
    cmp_.add_argument("--rtol", type=_tol_arg, default=0.0, metavar="R",
                      help="relative tolerance: equal where |a - b| <= atol + rtol * max(|a|, |b|) (default 0: exact)")
    cmp_.add_argument("--atol", type=_tol_arg, default=0.0, metavar="A", help="absolute tolerance (default 0: exact)")
    cmp_.set_defaults(run=cmd_compare)

    ver = sub.add_parser("verify", help="a catalog call against the installed peer's own scheduler",
                         description="Build the peer's own scheduler (torch, paddle, optax, transformers, keras, "
                                     "timm) with the catalog call's arguments, step it and the lrcore schedule to N, "
                                     "and print the largest absolute and relative difference and the first step "
                                     "beyond tolerance. A difference within a documented deviation (where the "
                                     "peer's arithmetic is the inaccurate side) is reported with its explanation. "
                                     "Exit code 0 equal within tolerance or a documented deviation, 1 different, "
                                     "2 a bad SPEC (not a catalog call), 3 the peer is not installed.",
                         epilog="SPEC: a catalog call such as 'torch.CosineAnnealingLR(lr=0.1, T_max=100)'. Plateau "
                                "schedulers are fed the metric 1 / (1 + t // 25) at step t (negated for mode='max').")
    ver.add_argument("spec", metavar="SPEC", help="the catalog call")
    ver.add_argument("--steps", type=_steps_arg, metavar="N", help=steps_help)
    ver.add_argument("--rtol", type=_tol_arg, default=1e-12, metavar="R", help="relative tolerance (default 1e-12)")
    ver.add_argument("--atol", type=_tol_arg, default=0.0, metavar="A", help="absolute tolerance (default 0)")
    ver.set_defaults(run=cmd_verify)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except (SpecError, UsageError) as e:
        print(f"lrcore {args.command}: error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `lrcore show ... | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
