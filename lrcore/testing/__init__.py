"""lrcore.testing: property-based equivalence testing of learning-rate schedulers across frameworks.

Install with ``pip install 'lrcore[testing]'`` (hypothesis, numpy). ``import lrcore`` does not
import this package; importing it imports no framework, and hypothesis only when a strategy
(`schedules`, `catalog_kwargs`, ...) is first used.

* Strategies: `schedules` (valid trees over every node, custom nodes included on request),
  `catalog_kwargs` (valid keyword arguments of any catalog constructor), `step_sets`,
  `boundaries_of`, `leaves`, `step_counts`, `values`, `plateaus`.
* Drivers: `trajectory` steps a real object (torch, paddle, optax, Keras, lrcore, a callable,
  or takes precomputed values); ``read="momentum"`` reads a torch optimizer's momentum instead.
* Assertions: `assert_close` with a default tolerance per evaluation path (`TOLERANCES`,
  documented in ``lrcore.testing._assert``: float64 rtol 1e-12; JAX x64 rtol 1e-12 with
  subnormals as 0; float32 16 float32 ulp plus 4 float32 ulp of the largest value); `rtol` and
  `atol` may be functions of the step (``f(t)``) or of the step and the values (``f(t, a, b)``),
  and ``skip=`` leaves out steps (listed in the failure report).
* `lrcore.compare` (in lrcore itself) gives the numbers without asserting.

>>> from lrcore.catalog import torch as C
>>> from lrcore.testing import assert_close
>>> assert_close(C.StepLR(lr=0.1, step_size=10), lambda t: 0.1 * 0.1 ** (t // 10), steps=30)
"""

from __future__ import annotations

import importlib

from ._assert import TOLERANCES, Tolerance, assert_close, trajectory

TYPE_CHECKING = False  # typing is not imported at run time; hypothesis only when a strategy is asked for
if TYPE_CHECKING:
    from typing import Any

    from ._catalog import catalog_kwargs
    from ._strategies import (boundaries_of, leaves, plateaus, schedules, schedules_and_steps, smooth_fn, step_counts,
                              step_sets, values)

__all__ = ["trajectory", "assert_close", "TOLERANCES", "Tolerance", "schedules", "catalog_kwargs", "step_sets",
           "boundaries_of", "schedules_and_steps", "leaves", "step_counts", "values", "plateaus", "smooth_fn"]

TYPE_CHECKING = False  # never true at run time: these imports are for type checkers and the API reference
if TYPE_CHECKING:
    from ._catalog import catalog_kwargs
    from ._strategies import (boundaries_of, leaves, plateaus, schedules, schedules_and_steps, smooth_fn, step_counts,
                              step_sets, values)

_LAZY = {"catalog_kwargs": "._catalog"}
_LAZY.update({n: "._strategies" for n in ("schedules", "step_sets", "boundaries_of", "schedules_and_steps", "leaves",
                                            "step_counts", "values", "plateaus", "smooth_fn")})


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module 'lrcore.testing' has no attribute {name!r}")
