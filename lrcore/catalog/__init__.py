"""The peers' schedulers under their own names and parameters, as lrcore trees.

``lrcore.catalog.torch.CosineAnnealingLR(lr=0.1, T_max=100)`` returns a `lrcore.Schedule`
equal, number for number (to 1e-12 relative), to what torch's scheduler gives a parameter
group whose lr is 0.1, quirks included, except where the peer is wrong (each such case is
documented in the entry's docstring and listed in the README). Submodules, imported on use:
``torch``, ``paddle``, ``optax``, ``transformers``, ``timm``, ``keras``, ``nemo``, ``fairseq``,
``fvcore`` (with detectron2's ``WarmupParamScheduler`` and ``LRMultiplier``), ``mmengine``,
``composer``, ``deepspeed``, ``megatron``, ``fastai``, ``bolts`` (lightning-bolts).
None of them imports its framework: they only build lrcore trees.
"""

import importlib
from typing import Any

__all__ = ["torch", "paddle", "optax", "keras", "transformers", "timm", "nemo", "fairseq", "fvcore", "mmengine", "composer", "deepspeed", "megatron", "fastai",
           "bolts"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'lrcore.catalog' has no attribute {name!r}")
