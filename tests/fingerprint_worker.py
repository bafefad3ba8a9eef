"""Schedules whose fingerprints must agree between processes (tests/test_fingerprint.py).

    python tests/fingerprint_worker.py      # prints {"case": fingerprint, ...} as JSON

The test imports this module too (as ``fingerprint_worker``, the name a spawned process
sees) and compares its fingerprints with those of fresh interpreters run with other hash
seeds: partials, closures, defaults, callable objects, sets, dicts, numpy arrays, globals.
"""

from __future__ import annotations

import functools
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import lrcore  # noqa: E402
from lrcore.catalog import paddle as pc  # noqa: E402
from lrcore.catalog import torch as tc  # noqa: E402


@lrcore.register_function("tests.fp_worker.warmup")
def warmup(step, steps, peak=1.0):
    return peak * min(1.0, (step + 1) / steps)


def scaled(step, w):
    return min(1.0, (step + 1) / w)


def helper(step):
    return 0.5 ** (step / 100)


def uses_global(step):
    return helper(step) * SCALE


SCALE = 0.75


def make(w):
    return lambda step: min(1.0, (step + 1) / w)


def with_default(w):
    def f(step, w=w, *, k=2.0):
        return k * w / (step + w)
    return f


def over(value):
    return lambda step: value[0] if step < 10 else value[1]


def over_table(table):
    return lambda step: table["a"] * len(table)


def build() -> dict:
    return {
        "partial": lrcore.Function(functools.partial(scaled, w=100)),
        "closure": tc.LambdaLR(lr=0.1, lr_lambda=make(100)),
        "defaults": lrcore.Function(with_default(7.0)),
        "running_product": tc.MultiplicativeLR(lr=0.1, lr_lambda=make(5)),
        "paddle_cumulative": pc.MultiplicativeDecay(learning_rate=0.1, lr_lambda=functools.partial(scaled, w=3)),
        "set_const": lrcore.Function(lambda step: 1.0 if step in {1, 2, "a", "b", 3.5} else 0.5),
        "dict_closure": lrcore.Function(over_table({"a": 1.0, "b": 2.0, "zz": {"x", "y", "z"}})),
        "numpy_closure": lrcore.Function(over(np.array([1.0, 0.5]))),
        "schedule_closure": lrcore.Function(over((lrcore.Cosine(start_value=1.0, steps=10), 0.5))),
        "globals": lrcore.Function(uses_global),
        "named": lrcore.Function("tests.fp_worker.warmup", params={"steps": 100, "peak": 0.5}),
        "named_torch": tc.LambdaLR(lr=0.1, lr_lambda=lrcore.Function(warmup, params={"steps": 10})),
        "builtin": lrcore.Function(math.sqrt),
    }


def fingerprints() -> dict:
    return {name: s.fingerprint for name, s in build().items()}


if __name__ == "__main__":
    print(json.dumps(fingerprints(), sort_keys=True))
