"""lrcore: a learning-rate schedule written once, as pure math, for torch, paddle and JAX/Optax.

A schedule is an immutable tree of primitives and combinators. ``s(step)`` is a Python float;
``s.evaluate(steps)`` an array of the input's library (numpy for lists), inside ``jax.jit`` too.

>>> import lrcore
>>> s = lrcore.Warmup(lrcore.Cosine(start_value=1e-3, steps=900, end_value=1e-5), warmup_steps=100)
>>> f"{s(0):.2e} {s(50):.2e} {s(100):.2e} {s(1000):.2e}"
'0.00e+00 5.00e-04 1.00e-03 1.00e-05'
"""

from . import ops
from ._base import Phase, Phases, Schedule, Segment
from ._compile import FormulaError
from ._combinators import (
    Clamp,
    Maximum,
    Minimum,
    Product,
    Quantize,
    Restart,
    Sequential,
    Shift,
    Stretch,
    Sum,
    Warmup,
    Warp,
    maximum,
    minimum,
)
from ._config import FORMAT_VERSION, dumps, fingerprint, from_config, loads, to_config
from ._errors import ScheduleError, ScheduleTypeError
from ._functions import register_function
from ._node import Field, field, fields, register, registered
from ._plateau import Plateau, PlateauSchedule, PlateauState
from ._primitives import (
    WSD,
    Constant,
    Cosine,
    Cyclic,
    Exponential,
    Function,
    Geometric,
    Interpolate,
    InverseSqrt,
    InverseTime,
    Linear,
    MultiStep,
    Noam,
    OneCycle,
    Piecewise,
    Polynomial,
    Tanh,
)

# Tools used at a run's edges (comparing, resuming, continuing) load on first use, so that
# `import lrcore` stays light; they are public names like the rest (PEP 562).
TYPE_CHECKING = False  # never true at run time: these imports are for type checkers and the API reference
if TYPE_CHECKING:  # the lazy names, as type checkers see them
    from ._compare import Comparison, compare
    from ._cooldown import cooldown
    from ._extend import extend_stable
    from ._resume import ScheduleChangedError, check_resume
    from ._scale import scale_batch
    from ._rangetest import RangeTest, suggest_lr
    from ._units import Duration, UnresolvedError, total_steps
del TYPE_CHECKING

_LAZY = {"Comparison": "._compare", "compare": "._compare", "cooldown": "._cooldown", "extend_stable": "._extend",
         "ScheduleChangedError": "._resume", "check_resume": "._resume", "scale_batch": "._scale",
         "RangeTest": "._rangetest", "suggest_lr": "._rangetest", "Duration": "._units",
         "UnresolvedError": "._units", "total_steps": "._units"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'lrcore' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__version__ = "0.1.0"  # the package version: pyproject.toml reads it from here

__all__ = [
    "Schedule", "Phase", "Phases", "Segment", "register", "registered", "field", "fields", "Field",
    "Constant", "Linear", "Cosine", "Polynomial", "Exponential", "Geometric", "MultiStep", "Piecewise",
    "Interpolate", "InverseSqrt", "InverseTime", "Noam", "Tanh", "Cyclic", "OneCycle", "WSD",
    "Function", "register_function",
    "Sequential", "Warmup", "Restart", "Clamp", "Product", "Sum", "Minimum", "Maximum",
    "Shift", "Stretch", "Quantize", "Warp", "minimum", "maximum",
    "Plateau", "PlateauState", "PlateauSchedule",
    "to_config", "from_config", "dumps", "loads", "fingerprint", "FORMAT_VERSION",
    "ScheduleError", "ScheduleTypeError", "FormulaError", "ops",
    "extend_stable", "cooldown", "check_resume", "ScheduleChangedError", "compare", "Comparison",
    "Duration", "UnresolvedError", "total_steps", "scale_batch", "RangeTest", "suggest_lr",
]
