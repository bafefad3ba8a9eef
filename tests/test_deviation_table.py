"""The README's deviation table is what the peers really give: each row re-run against the peer.

"Equal number for number, except where the peer is wrong": every case where a catalog entry and
its peer differ by more than 1e-12 relative is a row of the README table between the
``deviations`` markers. This test renders the table from `ROWS` by running ``lrcore verify`` on
each case (the installed peer against lrcore) and requires the README to hold exactly that, so
the values shown are the peers' own. Each row must be a documented deviation (verify's status
"deviation": every differing step explained by the entry of `lrcore.adapters._verify.DEVIATIONS`).
timm cannot be installed here; its rows come from the transcription of timm's code in
tests/test_catalog_timm.py. Every entry of DEVIATIONS is a row, or a rounding allowance named in
`ALLOWANCES` (no case found beyond 1e-12 on the float64 paths).

``python tests/test_deviation_table.py`` prints the table.
"""

from __future__ import annotations

import re
import sys
import warnings
from pathlib import Path

import pytest

from lrcore.adapters._verify import DEVIATIONS, verify

README = Path(__file__).resolve().parents[1] / "README.md"

# (SPEC, --steps, which step to show: the worst relative difference, or the first beyond 1e-12), why
ROWS = [
    ("torch.CosineAnnealingLR(lr=0.1, T_max=1000)", 5000, "worst",
     "torch's step() is a recursion (each lr from the last by a ratio of `1 + cos` terms): `1 + cos` near the "
     "minimum carries an absolute error of an ulp of 2, and the recursion drifts by up to ~T_max² ulp more at "
     "each pass through the minimum (2.2e-11 of lr after 10 periods of T_max = 1000)"),
    ("torch.CosineAnnealingWarmRestarts(lr=0.1, T_0=1000)", 1000, "worst",
     "`1 + cos(x)` near x = π: an absolute error of ~1e-16 · (lr − eta_min); lrcore's sin² form has none"),
    ("torch.OneCycleLR(max_lr=0.1, total_steps=100000)", 99999, "worst",
     "the same `1 + cos` cancellation at the end of the anneal, up to 2⁻⁵⁰ · max_lr absolutely"),
    ("torch.CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=7)", 60000, "worst",
     "torch's phase `1 + t/S − floor(1 + t/S)` rounds to ~(1 + t/S) ulp; lrcore's `t mod S` is exact"),
    ("torch.ExponentialLR(lr=0.1, gamma=2.0)", 1030, "first",
     "lrcore's limit, not torch's error: with lr < 1 lrcore holds from where `gamma**t` itself overflows, "
     "torch's lr grows on to 1.4e308, then inf (t = 1028)"),
    ("torch.StepLR(lr=0.1, step_size=1, gamma=2.0)", 1030, "first", "as ExponentialLR (gamma > 1)"),
    ("torch.SequentialLR(schedulers=[torch.LinearLR(lr=0.1, start_factor=0.1, total_iters=10), "
     "torch.CosineAnnealingLR(lr=0.1, T_max=1000)], milestones=[10])", 1010, "worst",
     "its CosineAnnealingLR child's rounding, carried through the milestone"),
    ("torch.ChainedScheduler(schedulers=[torch.CosineAnnealingLR(lr=0.1, T_max=10), "
     "torch.ExponentialLR(lr=0.1, gamma=0.9)])", 30, "first",
     "with eta_min = 0, torch restarts CosineAnnealingLR past T_max by adding to the lr, which drops the other "
     "factors; the catalog keeps the product (equal up to T_max)"),
    ("paddle.CosineAnnealingDecay(learning_rate=0.1, T_max=1000)", 5000, "worst",
     "paddle's recursion, as torch's CosineAnnealingLR"),
    ("paddle.CosineAnnealingWarmRestarts(learning_rate=0.1, T_0=1000)", 1000, "worst",
     "`(1 + cos(x)) / 2` near x = π, as torch's"),
    ("paddle.CyclicLR(base_learning_rate=0.001, max_learning_rate=0.1, step_size_up=7)", 60000, "worst",
     "paddle's phase `1 + t/S − cycle` rounds as torch's"),
    ("transformers.get_cosine_schedule_with_warmup(lr=0.1, num_warmup_steps=0, num_training_steps=1000)", 1000,
     "worst", "`0.5 · (1 + cos(x))` near its zero: an absolute error of about an ulp of 1"),
    ("transformers.get_cosine_with_hard_restarts_schedule_with_warmup(lr=0.1, num_warmup_steps=0, "
     "num_training_steps=47, num_cycles=47)", 47, "first",
     "`(num_cycles · progress) % 1.0` lands an ulp below a whole cycle: a restart (factor 1) becomes the end of "
     "the previous cycle (factor 0)"),
    ("optax.cosine_decay_schedule(init_value=0.1, decay_steps=1000)", 1000, "worst",
     "`1 + cos(π c / D)` near the end: an absolute error of about an ulp of the scale"),
    ("optax.exponential_decay(init_value=0.1, transition_steps=49, decay_rate=0.5, staircase=True)", 100, "first",
     "XLA computes `floor(t / T)` as `floor(t · (1/T))`, one too small at some multiples of T: the previous stair"),
    ("optax.polynomial_schedule(init_value=0.1, end_value=0.0, power=2, transition_steps=1000)", 1000, "first",
     "XLA fuses `1 − c · (1/T)` into an FMA slightly off zero at the end (NaN for some powers under jit); "
     "lrcore is exactly end_value"),
    ("keras.CosineDecay(initial_learning_rate=0.1, decay_steps=1000)", 1000, "worst",
     "under the jax backend Keras 3.15 computes `ops.cos` of a float64 tensor in float32: float32-accurate "
     "even with floatx float64"),
    ("keras.CosineDecayRestarts(initial_learning_rate=0.1, first_decay_steps=2, t_mul=3.0)", 300, "worst",
     "its float32 cosine, as CosineDecay; and its restart count `floor(log(...))` lands on the wrong cycle at "
     "some restarts"),
    ("deepspeed.WarmupCosineLR(lr=0.1, total_num_steps=1000, warmup_num_steps=10, cos_min_ratio=0.0)", 1100, "worst",
     "`(1 + cos(π p)) / 2` near p = 1: an absolute error of an ulp of 1, times lr"),
    ('megatron.OptimizerParamScheduler(max_lr=0.1, lr_decay_steps=1000, lr_decay_style="cosine")', 1100, "worst",
     "`1 + cos(π r)` near the end of the decay (also `2 · 0.5^r − 1`, `1 − √r` of the WSD cooldowns): up to "
     "2⁻⁵⁰ · (max_lr − min_lr) absolutely"),
    ('megatron.OptimizerParamScheduler_weight_decay(start_wd=0.0, end_wd=0.1, wd_incr_steps=1000, '
     'wd_incr_style="cosine")', 1100, "worst", "the rising weight-decay cosine's `1 + cos` near its start"),
    ("fvcore.CosineParamScheduler(start_value=0.1, end_value=0.0, max_iter=1000)", 1000, "worst",
     "`end + 0.5 · (start − end) · (1 + cos(π w))` near w = 1: a few ulp of the amplitude"),
    ("fvcore.CompositeParamScheduler(schedulers=[fvcore.StepParamScheduler(max_iter=109, num_updates=311, "
     "values=[0.1, 1.0, 0.0003, 8.0]), fvcore.PolynomialDecayParamScheduler(max_iter=109, base_value=0.0003, "
     "power=1.0)], lengths=[0.79, 0.21], interval_scaling=['rescaled', 'fixed'], max_iter=109)", 108, "first",
     "lrcore's limit, not fvcore's error: a step scheduler in a rescaled interval jumps on whole steps of its own "
     "in lrcore, on the interval's fractional progress in fvcore, which can jump one step earlier"),
    ("mmengine.CosineAnnealingLR(lr=0.1, T_max=1000, by_epoch=False)", 1000, "worst",
     "mmengine's chainable recursion of `1 + cos` ratios: a few ulp of the base per step"),
    ("mmengine.ExponentialLR(lr=1.0, gamma=0.05, by_epoch=False)", 260, "worst",
     "its repeated product keeps a subnormal residue where lrcore's `gamma**t` is 2e-323"),
    ("mmengine.LinearLR(lr=0.1, start_factor=0.1, end_factor=0.0, end=100, by_epoch=False)", 110, "worst",
     "its ratio recursion ends at a residue of −3.6e-19 where lrcore's line ends at 0"),
]

# rows that cannot be re-run here (the peer does not install): (peer, case, step, peer value, lrcore value, why),
# checked below against the transcription of the peer's code
STATIC = [
    ("timm.CosineLRScheduler", "`timm.CosineLRScheduler(lr=1.0, t_initial=2, cycle_mul=3.0, cycle_limit=8, "
     "cycle_decay=0.5)` (updates t as t_in_epochs)", 242, "0.0", "0.03125",
     "timm finds the cycle with `floor(log(1 + t / T (mul − 1), mul))`, which rounds the start of cycle 5 into "
     "cycle 4 (its end, lr_min); lrcore uses the exact cycle starts"),
    ("timm.StepLRScheduler", "`timm.StepLRScheduler(lr=1.0, decay_t=1.1, decay_rate=0.5)`", 11, "0.001953125",
     "0.0009765625", "Python's `t // 1.1` floors the exact quotient by the binary 1.1 (a little above 1.1): "
     "`11 // 1.1` is 9.0, so timm's 10th decay comes a step late at each t = 11 k; lrcore floors t / decay_t"),
]

# DEVIATIONS entries that are rounding allowances: the peer's rounding within a stated bound, never beyond
# 1e-12 relative on the cases tried (or only under float32, as Keras's staircase slips)
ALLOWANCES = {
    "torch.LinearLR", "torch.PolynomialLR", "torch.OneCycleLR_momentum", "torch.MultiplicativeLR",
    "paddle.OneCycleLR", "paddle.PolynomialDecay", "paddle.LinearLR",
    "keras.PolynomialDecay", "keras.ExponentialDecay", "keras.InverseTimeDecay",
    "deepspeed.OneCycle", "deepspeed.OneCycle_momentum",
}


def _key(spec: str) -> str:
    return spec.split("(", 1)[0]


def row(spec: str, steps: int, which: str, why: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = verify(spec, steps)
    assert r.status == "deviation", (spec, r.status, r.unexplained)
    t, p, o = r.first if which == "first" else r.max_rel[1:]
    return f"| {_key(spec)} | `{spec}` `--steps {steps}` | {t} | {p!r} | {o!r} | {why} |"


HEADER = ("| peer | case: `lrcore verify SPEC --steps N` | step | the peer's value | lrcore's value | why |\n"
          "|---|---|---|---|---|---|")


def render() -> str:
    lines = [HEADER] + [row(*r) for r in ROWS]
    lines += [f"| {peer} | {case} | {t} | {p} | {o} | {why} |" for peer, case, t, p, o, why in STATIC]
    return "\n".join(lines)


def _readme_table() -> str:
    m = re.search(r"<!-- deviations -->\n(.*?)\n<!-- /deviations -->", README.read_text(), re.S)
    assert m, "README: the deviation table between <!-- deviations --> markers is missing"
    return m.group(1)


def test_every_documented_deviation_is_a_row_or_a_named_allowance():
    shown = {_key(r[0]) for r in ROWS} | {s[0] for s in STATIC}
    # one rule for every optax function, one for every mmengine scheduler (its recursions)
    for prefix in ("optax.", "mmengine."):
        shared = {k for k in DEVIATIONS if k.startswith(prefix)}
        assert shown & shared, prefix
        shown -= {k for k in shown if k.startswith(prefix)}
        assert len({DEVIATIONS[k].explanation for k in shared}) == 1, prefix
    shared = {k for k in DEVIATIONS if k.startswith(("optax.", "mmengine."))}
    assert set(DEVIATIONS) - shared == shown | ALLOWANCES


@pytest.mark.parametrize("case", ROWS, ids=[_key(r[0]) for r in ROWS])
def test_each_row_is_what_the_peer_gives(case):
    assert row(*case) in _readme_table().splitlines()


def test_the_readme_table_is_exactly_the_rows():
    table = _readme_table().splitlines()
    assert table[:2] == HEADER.splitlines() and len(table) == 2 + len(ROWS) + len(STATIC)


def test_the_timm_row_is_timms_transcribed_code():
    import test_catalog_timm as T  # the transcription of timm's _get_lr

    from lrcore.catalog import timm as C

    kw = dict(t_initial=2, cycle_mul=3.0, cycle_limit=8, cycle_decay=0.5)
    peer, case, t, p, o, why = STATIC[0]
    assert repr(T.Ref("cosine", 1.0, **kw)._get_lr(t)) == p
    assert repr(C.CosineLRScheduler(lr=1.0, **kw)(t)) == o
    peer, case, t, p, o, why = STATIC[1]
    assert repr(T.fresh(T.RefStep(1.0, 1.1, 0.5), t)[t]) == p
    assert repr(C.StepLRScheduler(lr=1.0, decay_t=1.1, decay_rate=0.5)(t)) == o


if __name__ == "__main__":
    sys.stdout.write(render() + "\n")
