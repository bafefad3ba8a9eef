"""Collection of the adapters' doctests (``testpaths`` holds "adapters").

Each adapter module imports its framework: where that framework is missing, the module's
doctests are not collected. ``adapters/keras.py`` never is: keras picks its backend at
import, so its doctests run in ``tests/test_adapter_keras.py``, in a subprocess with
``KERAS_BACKEND=jax``. ``lrcore/adapters`` (a link to ``adapters/`` that a development
checkout may hold so that ``lrcore.adapters`` imports from it) would collect them twice.
"""

from __future__ import annotations

from importlib.util import find_spec

_NEEDS = {"torch.py": ("torch",), "paddle.py": ("paddle",), "optax.py": ("jax", "optax"),
          "tensorboard.py": ("torch", "tensorboard")}

collect_ignore = ["adapters/keras.py", "lrcore/adapters"]
collect_ignore += [f"adapters/{name}" for name, mods in _NEEDS.items() if not all(map(find_spec, mods))]
