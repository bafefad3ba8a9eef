"""Test your own scheduler against an lrcore definition over hypothesis-drawn parameters.

A hand-written torch ``LambdaLR`` warmup-cosine (what many training scripts carry) and the
same schedule written as lrcore nodes: `lrcore.testing.assert_close` steps the real torch
scheduler the way a training loop does and compares every step, with
a report of the first and worst differing steps on failure. Run: ``pytest examples/test_my_scheduler.py``.
"""

import math

import torch
from hypothesis import given, settings, strategies as st

import lrcore
from lrcore.testing import assert_close


@settings(max_examples=25, deadline=None)
@given(lr=st.floats(1e-5, 1.0), warmup=st.integers(1, 50), total=st.integers(51, 400))
def test_warmup_cosine_lambda_lr(lr, warmup, total):
    def factor(step):  # the hand-written schedule under test
        if step < warmup:
            return step / warmup
        return 0.5 * (1 + math.cos(math.pi * min(step - warmup, total - warmup) / (total - warmup)))

    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    mine = torch.optim.lr_scheduler.LambdaLR(opt, factor)
    ref = lrcore.Warmup(lrcore.Cosine(start_value=lr, steps=total - warmup), warmup_steps=warmup)
    # 1 + cos(x) near x = pi cancels: an ulp of 1 (of lr) absolute, on top of rtol 1e-12
    assert_close(mine, ref, steps=total + 20, rtol=1e-12, atol=2**-52 * lr)
