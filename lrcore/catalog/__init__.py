"""The peers' schedulers under their own names and parameters, as lrcore trees.

``lrcore.catalog.torch.CosineAnnealingLR(lr=0.1, T_max=100)`` returns a `lrcore.Schedule`
equal, number for number, to what torch's scheduler gives a parameter group whose lr is 0.1,
quirks included. Submodules, imported on use: ``torch``, ``paddle``, ``optax``
``transformers``, ``timm``, ``keras``, ``fastai``, ``bolts`` (lightning-bolts). None of them imports its framework: they only
build lrcore trees.
"""

import importlib
from typing import Any

__all__ = ["torch", "paddle", "optax", "keras", "transformers", "timm", "fastai", "bolts"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'lrcore.catalog' has no attribute {name!r}")
