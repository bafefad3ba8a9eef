"""Shared pytest configuration: hypothesis profiles and JAX precision fixtures.

Hypothesis profile: set HYPOTHESIS_PROFILE=long for a thorough run (default: ci).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    suppress_health_check=_HEALTH,
    print_blob=True,
)
settings.register_profile(
    "long",
    max_examples=2000,
    deadline=None,
    suppress_health_check=_HEALTH,
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def _set_x64(jax, enabled: bool) -> bool:
    old = bool(jax.config.jax_enable_x64)
    jax.config.update("jax_enable_x64", enabled)
    return old


@pytest.fixture
def jax_x64():
    """JAX with float64 enabled for the test; the previous setting is restored afterwards."""
    jax = pytest.importorskip("jax")
    old = _set_x64(jax, True)
    try:
        yield jax
    finally:
        jax.config.update("jax_enable_x64", old)


@pytest.fixture
def jax_x32():
    """JAX with float64 disabled (its default) for the test; restored afterwards."""
    jax = pytest.importorskip("jax")
    old = _set_x64(jax, False)
    try:
        yield jax
    finally:
        jax.config.update("jax_enable_x64", old)
