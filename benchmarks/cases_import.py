"""import: ``import lrcore`` in a fresh interpreter, above a bare interpreter start.

Each round starts ``python -c pass`` and ``python -c "import lrcore"`` (order flipped every
round) and takes the difference of their wall times; the row is the median difference
(target at most 10 ms), with the bare start as the native column.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from typing import Iterator

from _timing import Config, Row


def _start(code: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - t0


def rows(cfg: Config) -> Iterator[Row]:
    _start("import lrcore")  # warm the bytecode caches
    bare, full, diff = [], [], []
    for r in range(cfg.import_rounds):
        if r % 2:
            a = _start("import lrcore")
            b = _start("pass")
        else:
            b = _start("pass")
            a = _start("import lrcore")
        bare.append(b)
        full.append(a)
        diff.append(a - b)
    yield Row("import", "`import lrcore`, above `python -c pass`; native: the bare start", statistics.median(diff),
              statistics.median(bare), "ms", 10e-3, "value")
