"""lrcore.adapters.keras inside real Keras 3 optimizers, under the jax and the torch backend.

Keras picks its backend when it is imported, so each backend runs in its own worker
subprocess (``WORKER``); this process never imports keras (nor adapters/keras.py, which
imports it). Each worker trains a one-weight model with SGD for ``N`` steps and records, per
iteration k, ``optimizer.learning_rate`` (the eager value) and the lr the compiled train step
really applied (the weight's change: loss = mean(w * x) with x = 1, so the SGD update is
exactly ``lr``); both must be ``s(k)``. It also saves a model whose Adam optimizer holds the
schedule (``model.save`` / ``keras.models.load_model``) and reads it back, and runs the
adapter module's doctests.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import lrcore
from lrcore.catalog import keras as K

if importlib.util.find_spec("keras") is None:  # found, not imported: Keras runs in the workers only
    pytest.skip("keras is not installed", allow_module_level=True)

N = 40
SCHEDULES = {
    "warmup_cosine": lrcore.Warmup(lrcore.Cosine(start_value=0.1, steps=20, end_value=0.01), warmup_steps=5),
    "keras_restarts": K.CosineDecayRestarts(initial_learning_rate=0.05, first_decay_steps=4, t_mul=1.5, m_mul=0.5,
                                            alpha=0.1),
    "keras_piecewise": K.PiecewiseConstantDecay(boundaries=[3, 10], values=[0.1, 0.05, 0.01]),
    "polynomial_cycle": K.PolynomialDecay(initial_learning_rate=0.1, decay_steps=7, power=2.0, cycle=True),
    "onecycle": lrcore.OneCycle(peak_value=0.1, total_steps=30),
}

WORKER = r"""
import doctest, json, os, sys, tempfile
import numpy as np
import keras
import lrcore
import lrcore.adapters.keras as adapter
from lrcore.adapters.keras import as_schedule, LRCoreSchedule

req = json.load(sys.stdin)
keras.config.set_floatx(req["floatx"])
keras.utils.set_random_seed(0)
out = {"backend": keras.backend.backend(), "runs": {}}


class Record(keras.callbacks.Callback):
    def on_train_batch_begin(self, batch, logs=None):
        self.w = float(np.asarray(self.model.layers[-1].kernel.numpy()).reshape(-1)[0])
        self.it = int(np.asarray(keras.ops.convert_to_numpy(self.model.optimizer.iterations)))
        self.lr = float(np.asarray(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)))

    def on_train_batch_end(self, batch, logs=None):
        w = float(np.asarray(self.model.layers[-1].kernel.numpy()).reshape(-1)[0])
        self.rows.append([self.it, self.lr, self.w - w])


def mean_prediction(y, p):  # d/dw of mean(w * 1) is exactly 1: the SGD update is the lr itself
    return keras.ops.mean(p)


def model_for(optimizer):
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros")])
    model.compile(optimizer=optimizer, loss=mean_prediction)
    return model


x = np.ones((req["n"], 1), dtype=req["floatx"])
for name, config in req["schedules"].items():
    s = lrcore.from_config(config)
    rec = Record()
    rec.rows = []
    model = model_for(keras.optimizers.SGD(learning_rate=as_schedule(s)))
    model.fit(x, x, batch_size=1, epochs=1, shuffle=False, verbose=0, callbacks=[rec])
    out["runs"][name] = rec.rows

# save and load a model whose optimizer holds the schedule
s = lrcore.from_config(req["saved"])
model = model_for(keras.optimizers.Adam(learning_rate=as_schedule(s)))
model.fit(x[:3], x[:3], batch_size=1, verbose=0)
path = os.path.join(tempfile.mkdtemp(), "m.keras")
model.save(path)
loaded = keras.models.load_model(path, custom_objects={"mean_prediction": mean_prediction})
lr = loaded.optimizer._learning_rate
out["loaded"] = {"type": type(lr).__name__, "config": lrcore.to_config(lr.schedule),
                 "iterations": int(keras.ops.convert_to_numpy(loaded.optimizer.iterations)),
                 "values": [float(keras.ops.convert_to_numpy(lr(t))) for t in range(12)],
                 "serialized": keras.optimizers.schedules.serialize(lr)}
loaded.fit(x[:2], x[:2], batch_size=1, verbose=0)  # the loaded optimizer trains on
if req["doctest"]:
    r = doctest.testmod(adapter, optionflags=doctest.NORMALIZE_WHITESPACE)
    out["doctest"] = [r.failed, r.attempted]
print(json.dumps(out))
"""


def run_worker(backend: str, floatx: str, folder, doctest: bool = False) -> dict:
    env = dict(os.environ, KERAS_BACKEND=backend, JAX_ENABLE_X64="1" if floatx == "float64" else "0",
               JAX_PLATFORMS="cpu", CUDA_VISIBLE_DEVICES="")
    req = {"floatx": floatx, "n": N, "doctest": doctest,
           "schedules": {k: lrcore.to_config(s) for k, s in SCHEDULES.items()},
           "saved": lrcore.to_config(SCHEDULES["keras_restarts"])}
    script = folder / "keras_worker.py"  # a file, not -c: Keras reads the loss function's source
    script.write_text(WORKER)
    proc = subprocess.run([sys.executable, str(script)], input=json.dumps(req), capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["backend"] == backend
    return out


@pytest.fixture(scope="module", params=[("jax", "float32"), ("torch", "float32"), ("torch", "float64")],
                ids=lambda p: "-".join(p))
def run(request, tmp_path_factory):
    backend, floatx = request.param
    pytest.importorskip(backend)
    return backend, floatx, run_worker(backend, floatx, tmp_path_factory.mktemp("keras"), doctest=(backend == "jax"))


def test_learning_rate_at_each_iteration_is_the_schedule(run):
    backend, floatx, out = run
    # float32: the value rounded to float32 and the applied update read back from a weight
    # (w_k - w_(k+1), w the sum of the rates so far); float64: to 1e-12 (the update to 1e-12 of w).
    eps = 2.0**-23 if floatx == "float32" else 2.0**-52
    for name, s in SCHEDULES.items():
        rows = np.asarray(out["runs"][name])
        its, lr, applied = rows[:, 0], rows[:, 1], rows[:, 2]
        assert its.tolist() == list(range(N)), name  # iteration k: the (k+1)-th update, at s(k)
        want = s.evaluate(its)
        scale = float(np.max(np.abs(want)))
        np.testing.assert_allclose(lr, want, rtol=max(4 * eps, 1e-12), atol=0, err_msg=f"{backend} {name} lr")
        # the weight is about -sum(lr): its rounding bounds the difference of two of them
        w = np.abs(np.cumsum(want)) + scale
        assert np.all(np.abs(applied - want) <= 4 * eps * w), (name, np.max(np.abs(applied - want) / w))


def test_saved_model_loads_with_an_equal_schedule(run):
    backend, floatx, out = run
    s = SCHEDULES["keras_restarts"]
    got = out["loaded"]
    assert got["type"] == "LRCoreSchedule"
    assert lrcore.from_config(got["config"]) == s
    assert got["iterations"] == 3
    assert got["serialized"]["registered_name"] == "lrcore>LRCoreSchedule"
    eps = 2.0**-23 if floatx == "float32" else 2.0**-52
    np.testing.assert_allclose(got["values"], s.evaluate(range(12)), rtol=4 * eps)


def test_adapter_doctests(run):
    """The adapter module's doctests, run by the jax worker (they need keras imported)."""
    backend, floatx, out = run
    assert ("doctest" in out) == (backend == "jax")
    if "doctest" in out:
        failed, attempted = out["doctest"]
        assert attempted > 0 and failed == 0


GUARD_WORKER = r"""
import keras, lrcore
from lrcore.adapters.keras import as_schedule

class BranchesInPython(lrcore.Schedule):
    value: float
    def formula(self, t, xp):
        return self.value if t < 5 else 0.0
    duration = 5

try:
    as_schedule(BranchesInPython(value=1.0))(3)
except lrcore.FormulaError as e:
    print("FormulaError:", e)
"""


def test_python_if_fails_loudly_in_keras(tmp_path):
    """Issue 13's control-flow guard on the Keras path (the schedule is evaluated in keras.ops)."""
    script = tmp_path / "guard_worker.py"
    script.write_text(GUARD_WORKER)
    env = dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS="cpu", CUDA_VISIBLE_DEVICES="")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert proc.stdout.startswith("FormulaError: BranchesInPython.formula: a formula must not use Python control flow")
    assert "xp.where" in proc.stdout
