"""`import lrcore` and scalar evaluation must not import numpy or any framework."""

from __future__ import annotations

import json
import math
import subprocess
import sys

HEAVY = ["numpy", "torch", "paddle", "jax", "optax", "matplotlib"]

CODE = f"""
import json, sys
import lrcore
v = lrcore.Cosine(start_value=1.0, steps=10)(3)
loaded = sorted(m for m in {HEAVY!r} if m in sys.modules)
print(json.dumps({{"loaded": loaded, "value": v}}))
"""


def test_import_and_scalar_call_import_no_heavy_module():
    proc = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["loaded"] == []
    expected = 0.5 * (1.0 + math.cos(math.pi * 3 / 10))  # 0.7938926261462366
    assert isinstance(result["value"], float)
    assert math.isclose(result["value"], expected, rel_tol=1e-12)
    assert math.isclose(result["value"], 0.7938926261462366, rel_tol=1e-12)


EVERYTHING = f"""
import json, math, sys
import lrcore as L

lin = L.Linear(start_value=0.0, end_value=1.0, steps=10)
cos = L.Cosine(start_value=1.0, steps=20, end_value=0.1, power=2.0)
nodes = [
    L.Constant(value=0.5), lin, cos,
    L.Polynomial(start_value=1.0, end_value=0.0, steps=10, power=0.5),
    L.Exponential(start_value=1.0, factor=0.9, every=3, staircase=True),
    L.MultiStep(start_value=1.0, milestones=[3, 6], factor=0.5),
    L.Piecewise(values=[1.0, 0.5, 0.1], boundaries=[2, 4]),
    L.Interpolate(boundaries=[0, 4, 8], values=[1.0, 0.5, 0.1], shape="cosine"),
    L.InverseSqrt(start_value=1.0, timescale_steps=4),
    L.InverseTime(start_value=1.0, rate=0.5),
    L.Noam(d_model=512, warmup_steps=10),
    L.Tanh(start_value=1.0, steps=10),
    L.Cyclic(low_value=0.1, high_value=1.0, up_steps=4, mode="triangular2"),
    L.OneCycle(peak_value=1.0, total_steps=20, three_phase=True),
    L.WSD(peak_value=1.0, warmup_steps=2, stable_steps=3, decay_steps=4, decay_shape="cosine"),
    L.Function(fn=math.cos),
    L.Sequential(parts=[lin, cos]),
    L.Sequential(parts=[lin, cos], boundaries=[5]),
    L.Warmup(cos, warmup_steps=3, shape="1-sqrt"),
    L.Restart(cos, period_steps=10, period_mult=2.0, decay=0.5, decay_mode="above_end"),
    L.Clamp(lin, min_value=0.2, max_value=0.8),
    lin * 0.5, 2.0 * lin, lin * cos, lin + cos, 1.0 + lin,
    L.minimum(lin, cos, 0.3), L.maximum(lin, 0.1),
    L.Shift(cos, steps=4), L.Stretch(lin, factor=2.5), L.Quantize(cos, every=3),
]
values = []
for s in nodes:
    values += [s(0), s(7), s(7.5), s(10**6)]
    s.describe()
    s.phase_at(5)
    s.fingerprint
    s.duration
    list(s.children())
    cfg = L.to_config(s)
    back = L.from_config(cfg, allow_functions=True)
    assert back == s, (back, s)
    assert L.loads(L.dumps(s), allow_functions=True) == s
    json.dumps(s.to_config())
p = L.Plateau(factor=0.5, patience=1)
st = p.init()
for m in (1.0, 2.0, 2, 2.0):
    st = p.update(st, m)
ps = cos * p
assert L.from_config(L.to_config(ps)) == ps
values.append(ps.value(3, ps.update(ps.init(), 1.0)))
values.append(p.scale(st))
assert all(isinstance(v, float) and math.isfinite(v) for v in values), values
loaded = sorted(m for m in {HEAVY!r} if m in sys.modules)
print(json.dumps({{"loaded": loaded, "count": len(nodes)}}))
"""


def test_building_config_and_describe_import_no_heavy_module():
    proc = subprocess.run(
        [sys.executable, "-c", EVERYTHING], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["loaded"] == []
    assert result["count"] == 31
