"""Honest charts: `lrcore show` and `lrcore plot` draw each column's envelope (its min and max).

A column covers every step nearest to it; its smallest and largest value over those steps
are computed exactly (every step, along the timeline) up to 2**23 steps, so a schedule that
cycles faster than the columns is drawn as the band it sweeps, never as a slow wave, and the
axis labels are the true extremes. Expected values come from the peers' own formulas
(torch's closed forms, in numpy or mpmath), the real torch scheduler and brute force over
every step, never from the envelope code under test.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import lrcore
from lrcore._chart import BAND, BLOCKS, RUN, chart, columns, envelope
from lrcore.catalog import torch as tc

from strategies import schedules

ROOT = Path(__file__).resolve().parent.parent
CYCLIC = "torch.CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=500)"


def nearest_columns(last: int, width: int) -> list[tuple[int, int]]:
    """Column c sits at step c * last / (width - 1) and covers the steps nearest to it (ties to
    the right); an empty column shows its nearest step (written out step by step, apart from
    the code under test)."""
    owner = [min(range(width), key=lambda c: (abs(t * (width - 1) - c * last), -c)) for t in range(last + 1)]
    out = []
    for c in range(width):
        ts = [t for t in range(last + 1) if owner[t] == c]
        if not ts:
            x = c * last / (width - 1)
            t = math.floor(x + 0.5)
            ts = [t]
        out.append((ts[0], ts[-1] + 1))
    return out


@pytest.mark.parametrize("last, width", [(10, 3), (2, 5), (7, 8), (110, 88), (220, 48), (1000, 61), (5, 2)])
def test_columns_cover_the_steps_nearest_to_them(last, width):
    assert columns(last, width) == nearest_columns(last, width)


def torch_cyclic(t: np.ndarray, base: float = 0.001, peak: float = 0.1, up: int = 500) -> np.ndarray:
    """torch.optim.lr_scheduler.CyclicLR, mode 'triangular', step_size_down = step_size_up (its get_lr)."""
    total, ratio = 2.0 * up, 0.5
    cycle = np.floor(1 + t / total)
    x = 1.0 + t / total - cycle
    scale = np.where(x <= ratio, x / ratio, (x - 1) / (ratio - 1))
    return base + (peak - base) * scale


def show(*args: str) -> list[str]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8", COLUMNS="100", LINES="30")
    proc = subprocess.run([sys.executable, "-m", "lrcore", "show", *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=ROOT, env=env, timeout=120, check=False)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return proc.stdout.splitlines()


def test_show_cyclic_over_a_million_steps_draws_the_band_in_every_column():
    lines = show(CYCLIC, "--steps", "1000000", "--width", "60", "--height", "6")
    rows = [ln for ln in lines if "┤" in ln]
    labels = [r.split("┤")[0].strip() for r in rows]
    cells = [r.split("┤", 1)[1] for r in rows]
    # the true extremes label the axis (a sample every 16,949 steps read 9.84e-02 at the top)
    assert labels == ["1.00e-01", "", "", "", "", "1.00e-03"]
    # every column holds 1,000,000 / 60 = 16,667 steps, 16 cycles: each sweeps the whole range,
    # so its top cell is full at the max and every cell below is swept, none always covered
    assert cells[0] == BLOCKS[8] * 60
    assert all(c == BAND * 60 for c in cells[1:])
    assert not any(ln.startswith("(not every step read") for ln in lines)


def test_cyclic_envelope_is_exact_against_torch_formula():
    s = tc.CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=500)
    cols = columns(1_000_000, 60)
    env = envelope(s, cols)
    assert env.exact and env.read == 1_000_001
    assert env.low == [0.001] * 60 and env.high == [0.1] * 60
    want = torch_cyclic(np.arange(1_000_001, dtype=np.float64))
    for (a, b), first, last in zip(cols, env.first, env.last):
        assert first == pytest.approx(want[a], rel=1e-12) and last == pytest.approx(want[b - 1], rel=1e-12)


def test_cyclic_envelope_against_the_real_torch_scheduler():
    torch = pytest.importorskip("torch")
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    sched = torch.optim.lr_scheduler.CyclicLR(opt, base_lr=0.001, max_lr=0.1, step_size_up=500, cycle_momentum=False)
    values = []
    for _ in range(3001):
        values.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    s = tc.CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=500)
    cols = columns(3000, 7)  # about 430 steps a column: some hold a peak or a trough, some neither
    env = envelope(s, cols)
    for (a, b), lo, hi in zip(cols, env.low, env.high):
        assert lo == pytest.approx(min(values[a:b]), rel=1e-12), (a, b)
        assert hi == pytest.approx(max(values[a:b]), rel=1e-12), (a, b)


def mp_warm_restart(t_cur: int, lr: float = 0.1, t0: int = 1000) -> float:
    """torch CosineAnnealingWarmRestarts (eta_min 0) at T_cur, in 50-digit arithmetic."""
    with mpmath.workdps(50):
        return float(mpmath.mpf(lr) * (1 + mpmath.cos(mpmath.pi * t_cur / t0)) / 2)


def test_plot_warm_restarts_over_5m_steps_draws_each_columns_min_and_max():
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    from lrcore._plot import plot_columns

    s = tc.CosineAnnealingWarmRestarts(lr=0.1, T_0=1000)
    last = 5_000_000
    ax = Figure().subplots()
    s.plot(ax=ax, steps=last)
    (line,) = ax.get_lines()
    x, y = np.asarray(line.get_xdata(), dtype=np.float64), np.asarray(line.get_ydata(), dtype=np.float64)
    cols = plot_columns(s, last)
    assert cols[0][0] == 0 and cols[-1][1] == last + 1 and all(p[1] == q[0] for p, q in zip(cols, cols[1:]))
    assert len(cols) == 1000 and len(x) <= 4 * len(cols)
    peak, trough = mp_warm_restart(0), mp_warm_restart(999)  # 0.1 and 2.4671981713...e-07
    assert x[0] == 0 and x[-1] == last
    # every column holds 5000 steps, five whole cycles: the drawn line spans [trough, peak] in each
    bounds = np.searchsorted(x, [a for a, _ in cols] + [last + 1])
    lows = [float(y[i:j].min()) for i, j in zip(bounds, bounds[1:])]
    highs = [float(y[i:j].max()) for i, j in zip(bounds, bounds[1:])]
    assert highs == [0.1] * 1000
    assert lows == [s(999)] * 1000  # the exact minimum over the column's steps: the step before a restart
    assert lows[0] == pytest.approx(trough, rel=1e-12)
    # brute force over every step of a few columns
    for c in (0, 1, 499, 999):
        a, b = cols[c]
        v = s.evaluate(range(a, b))
        assert (lows[c], highs[c]) == (float(v.min()), float(v.max()))


def test_plot_draws_every_step_of_a_short_range():
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    s = tc.CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=5)
    ax = Figure().subplots()
    s.plot(ax=ax, steps=100)
    (line,) = ax.get_lines()
    assert list(line.get_xdata()) == list(range(101))
    assert [float(v) for v in line.get_ydata()] == pytest.approx(torch_cyclic(np.arange(101.0), up=5).tolist(), rel=1e-12)


@settings(deadline=None)
@given(s=schedules(max_depth=3), last=st.integers(70_000, 90_000), width=st.integers(2, 120))
def test_envelope_is_the_min_and_max_of_every_step(s, last, width):
    """Along the timeline, in chunks (numpy), the envelope equals brute force over every step."""
    cols = columns(last, width)
    env = envelope(s, cols)
    v = s.evaluate(np.arange(last + 1))
    assert env.exact
    assert env.low == [float(v[a:b].min()) for a, b in cols]
    assert env.high == [float(v[a:b].max()) for a, b in cols]
    assert env.first == [float(v[a]) for a, _ in cols] and env.last == [float(v[b - 1]) for _, b in cols]


@settings(deadline=None)
@given(s=schedules(max_depth=2), last=st.integers(1, 300), width=st.integers(2, 40))
def test_envelope_without_numpy_is_the_min_and_max_of_s(s, last, width):
    """Short ranges are read with s(t): the same envelope, step by step."""
    cols = columns(last, width)
    env = envelope(s, cols)
    assert env.low == [min(s(t) for t in range(a, b)) for a, b in cols]
    assert env.high == [max(s(t) for t in range(a, b)) for a, b in cols]


def test_beyond_the_exact_budget_columns_are_read_at_ends_phase_edges_and_runs():
    # a billion steps: jumps fall inside columns and are found at the timeline's boundaries
    s = lrcore.MultiStep(start_value=1.0, milestones=[300_000_001, 600_000_000], factor=0.1)
    cols = columns(10**9, 20)
    env = envelope(s, cols)
    assert not env.exact and env.read < 2**19
    want_lo = [1.0 if b <= 300_000_001 else (0.1 if b <= 600_000_000 else 0.010000000000000002) for a, b in cols]
    want_hi = [1.0 if a < 300_000_001 else (0.1 if a < 600_000_000 else 0.010000000000000002) for a, b in cols]
    assert env.low == want_lo and env.high == want_hi
    assert want_lo[6] == 0.1 and want_hi[6] == 1.0  # column 6 holds the first jump
    # a cycle shorter than a run is seen whole in every column
    c = tc.CosineAnnealingWarmRestarts(lr=0.1, T_0=7, eta_min=0.01)
    env = envelope(c, cols)
    assert env.high == [0.1] * 20 and env.low == [c(6)] * 20
    assert c(6) == pytest.approx(0.01 + 0.09 * (1 + math.cos(6 * math.pi / 7)) / 2, rel=1e-12)
    assert RUN >= 7


def test_show_says_when_not_every_step_was_read():
    lines = show("torch.CosineAnnealingWarmRestarts(lr=0.1, T_0=7, eta_min=0.01)", "--steps", "1000000000",
                 "--width", "20", "--height", "3")
    note = [ln for ln in lines if ln.startswith("(not every step read")]
    assert note == ["(not every step read: each column covers about 50000000 steps, its min and max are read at "
                    "13056 of them: its ends, both sides of each phase boundary, runs of 64 steps)"]
    rows = [ln for ln in lines if "┤" in ln]
    assert [r.split("┤")[0].strip() for r in rows] == ["1.00e-01", "", "1.45e-02"]
    assert [r.split("┤", 1)[1] for r in rows] == [BLOCKS[8] * 20, BAND * 20, BAND * 20]


def test_chart_cells_full_below_each_columns_min_swept_up_to_its_max():
    """A steep ramp: columns of 4 to 5 steps rise more than a cell; each cell by the rule."""
    s = lrcore.Linear(start_value=0.0, end_value=1.0, steps=20)
    rows = chart(s, 20, width=5, height=8)
    cells = [r.split("┤", 1)[1] for r in rows[:8]]
    # columns: steps 0-2, 3-7, 8-12, 13-17, 18-20; values t / 20; 64 levels over [0, 1]
    lows, highs = [0.0, 0.15, 0.4, 0.65, 0.9], [0.1, 0.35, 0.6, 0.85, 1.0]
    want = []
    for r in range(8):
        cell = 7 - r
        line = ""
        for lo, hi in zip(lows, highs):
            top, full = round(hi * 64), round(lo * 8)
            if top <= 8 * cell:
                line += " "
            elif top <= 8 * cell + 8:
                line += BLOCKS[top - 8 * cell]
            else:
                line += BLOCKS[8] if cell < full else BAND
        want.append(line)
    assert cells == want
    assert cells == ["    █", "   ▆█", "   ░█", "  ▆██", "  ░██", " ▆███", " ░███", "▆████"]
