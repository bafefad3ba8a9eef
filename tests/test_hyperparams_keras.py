"""lrcore.adapters.keras.inject: learning-rate and weight-decay schedules in real Keras 3 training.

Keras picks its backend at import, so each backend runs in a worker subprocess (this process
never imports keras). The worker trains a Dense layer with ``model.fit`` (the backend's
compiled train step) and ``inject(keras.optimizers.AdamW, learning_rate=s,
weight_decay=w)``, and the same layer with a native eager loop that writes
``optimizer.learning_rate`` and ``optimizer.weight_decay`` by hand from ``s(k)``, ``w(k)``
before each ``apply_gradients``. The weights after every step agree (float64 under the torch
backend: rtol 1e-12; float32 under jax: rtol 1e-6), and a run with the weight decay held at
its start value differs (the schedule is really applied).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest

import lrcore

if importlib.util.find_spec("keras") is None:
    pytest.skip("keras is not installed", allow_module_level=True)

WORKER = r"""
import json, sys
import numpy as np
import keras
import lrcore
from lrcore.adapters.keras import as_schedule, inject

req = json.load(sys.stdin)
keras.config.set_floatx(req["floatx"])
s, w = lrcore.from_config(req["lr"]), lrcore.from_config(req["wd"])
n = req["n"]
x = np.linspace(-1.0, 1.0, 3 * n).reshape(n, 3).astype(req["floatx"])
y = np.linspace(0.5, -0.5, n).reshape(n, 1).astype(req["floatx"])
init = keras.initializers.Constant(0.5)


def layer():
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, kernel_initializer=init, bias_initializer=init)])


class Record(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        self.rows.append([float(v) for v in np.concatenate([np.ravel(keras.ops.convert_to_numpy(t))
                                                            for t in self.model.trainable_weights])])


fit_model = layer()
opt = inject(keras.optimizers.AdamW, learning_rate=s, weight_decay=w, beta_1=0.8)
fit_model.compile(optimizer=opt, loss="mse")
rec = Record()
rec.rows = []
fit_model.fit(x, y, batch_size=1, epochs=1, shuffle=False, verbose=0, callbacks=[rec])

def hand(wd):
    model = layer()
    native = keras.optimizers.AdamW(learning_rate=0.0, weight_decay=0.0, beta_1=0.8)
    native.build(model.trainable_weights)
    rows = []
    for k in range(n):
        native.learning_rate = float(s(k))
        native.weight_decay = float(wd(k))
        xb, yb = x[k:k + 1], y[k:k + 1]
        if keras.backend.backend() == "torch":
            import torch
            for v in model.trainable_weights:
                v.value.grad = None
            loss = keras.ops.mean((model(xb) - keras.ops.convert_to_tensor(yb)) ** 2)
            loss.backward()
            grads = [v.value.grad for v in model.trainable_weights]
        else:
            import jax
            tv = [v.value for v in model.trainable_weights]
            def f(tv):
                p, _ = model.stateless_call(tv, [], xb)
                return keras.ops.mean((p - yb) ** 2)
            grads = jax.grad(f)(tv)
        native.apply_gradients(zip(grads, model.trainable_weights))
        rows.append([float(v) for v in np.concatenate([np.ravel(keras.ops.convert_to_numpy(t))
                                                       for t in model.trainable_weights])])
    return rows

print(json.dumps({"backend": keras.backend.backend(), "fit": rec.rows, "hand": hand(w),
                  "held": hand(lambda k: w(0)), "wd_now": float(keras.ops.convert_to_numpy(opt.weight_decay)),
                  "iterations": int(keras.ops.convert_to_numpy(opt.iterations))}))
"""

LR = lrcore.Warmup(lrcore.Cosine(start_value=0.05, steps=12, end_value=0.005), warmup_steps=3)
WD = lrcore.Linear(start_value=0.5, end_value=0.0, steps=10)
N = 16


@pytest.mark.parametrize("backend, floatx, rtol", [("jax", "float32", 1e-6), ("torch", "float64", 1e-12)])
def test_fit_with_injected_schedules_as_the_hand_loop(backend, floatx, rtol, tmp_path):
    env = dict(os.environ, KERAS_BACKEND=backend, JAX_PLATFORMS="cpu", CUDA_VISIBLE_DEVICES="",
               JAX_ENABLE_X64="1" if floatx == "float64" else "0")
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    req = {"floatx": floatx, "n": N, "lr": lrcore.to_config(LR), "wd": lrcore.to_config(WD)}
    proc = subprocess.run([sys.executable, str(script)], input=json.dumps(req), capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["backend"] == backend and out["iterations"] == N
    assert out["wd_now"] == pytest.approx(WD(N))
    for k, (a, b) in enumerate(zip(out["fit"], out["hand"])):
        assert a == pytest.approx(b, rel=rtol, abs=rtol * 1e-3), k
    assert out["held"][-1] != pytest.approx(out["fit"][-1], rel=1e-3)
