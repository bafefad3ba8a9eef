"""Thin adapters from lrcore schedules to torch, paddle and optax."""
