"""Thin adapters from lrcore schedules to torch, paddle and optax (see DESIGN.md section 8)."""
