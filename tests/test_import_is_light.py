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
