"""Hypothesis strategies for the tests: the public kit's (lrcore.testing), re-exported under their old names.

* ``schedules(max_depth=4)``: random valid trees over every primitive and combinator;
* ``boundaries_of(s)``, ``exact_marks_of(s)``: candidate boundary steps of a tree;
* ``step_sets(s)``: 0, every boundary and its neighbours, random steps up to 2**40;
* ``schedules_and_steps()``, ``of_kind(kind)``, ``plateaus``, ``plateau_schedules``, ...

See lrcore/testing/_strategies.py.
"""

from __future__ import annotations

from lrcore.testing._strategies import (  # noqa: F401
    COMBINATORS,
    MAX_RANDOM_STEP,
    PRIMITIVES,
    WARP_EXPONENTS,
    boundaries_of,
    exact_marks_of,
    finite,
    leaves,
    of_kind,
    plateau_schedules,
    plateaus,
    schedules,
    schedules_and_steps,
    smooth_fn,
    step_counts,
    step_sets,
    values,
    values_or_zero,
)

__all__ = [
    "smooth_fn", "values", "step_counts", "leaves", "schedules", "finite", "boundaries_of",
    "step_sets", "schedules_and_steps", "MAX_RANDOM_STEP", "PRIMITIVES", "COMBINATORS", "of_kind", "plateaus",
    "plateau_schedules",
]
