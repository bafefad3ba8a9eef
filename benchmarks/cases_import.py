"""import: ``import lrcore`` in a fresh interpreter, above a bare interpreter start.

Each round starts ``python -c pass`` and ``python -c "import lrcore"`` (order flipped every
round) and takes the difference of their wall times; the row is the median difference
(target at most 10 ms), with the bare start as the native column.

Bytecode is cached as in an installed package (``pip install`` compiles it; an editable
install writes it on the first import): ``PYTHONDONTWRITEBYTECODE`` is dropped and the caches
go to a temporary ``PYTHONPYCACHEPREFIX``, outside the tree. A second row shows the start
without any bytecode cache (every module compiled from source), for reference.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Iterator

from _timing import Config, Row


def _start(code: str, env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    return time.perf_counter() - t0


def _rounds(rounds: int, env: dict) -> tuple[float, float]:
    """(median of import - bare, median of bare) in seconds."""
    _start("import lrcore", env)  # warm the caches
    bare, diff = [], []
    for r in range(rounds):
        if r % 2:
            a = _start("import lrcore", env)
            b = _start("pass", env)
        else:
            b = _start("pass", env)
            a = _start("import lrcore", env)
        bare.append(b)
        diff.append(a - b)
    return statistics.median(diff), statistics.median(bare)


def rows(cfg: Config) -> Iterator[Row]:
    with tempfile.TemporaryDirectory(prefix="lrcore-pycache-") as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        d, b = _rounds(cfg.import_rounds, env)
    yield Row("import", "`import lrcore` (bytecode cached), above `python -c pass`; native: the bare start", d, b,
              "ms", 10e-3, "value")
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTHONPYCACHEPREFIX", None)
    d, b = _rounds(max(1, cfg.import_rounds // 3), env)
    yield Row("import", "`import lrcore` with no bytecode cache (compiled from source), for reference", d, b, "ms",
              10e-3, "info")
