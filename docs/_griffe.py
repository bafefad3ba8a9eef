"""A griffe extension for the API reference (mkdocs.yml names it): ``adapters/`` as ``lrcore.adapters``.

The adapters live in the repository's ``adapters/`` folder and are installed as the subpackage
``lrcore.adapters`` (``[tool.setuptools.package-dir]`` in pyproject.toml). griffe reads the
source tree, where ``lrcore/`` holds no ``adapters``: this attaches the folder under ``lrcore``
so that the reference documents ``lrcore.adapters.torch`` and the others by their import names.
"""

from __future__ import annotations

from typing import Any

import griffe


class AdaptersSubpackage(griffe.Extension):
    def on_package(self, *, pkg: griffe.Module, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        if pkg.name != "lrcore" or "adapters" in pkg.members:
            return  # a development checkout may link lrcore/adapters to adapters/: griffe found it
        pkg.set_member("adapters", loader.load("adapters"))
