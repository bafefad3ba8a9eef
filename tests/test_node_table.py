"""The node table (tests/nodes.py) itself: it covers every lrcore node, and every entry is sound.

A registered lrcore node without an entry fails here, loudly, by name; so does an entry whose
arguments are not valid, whose `full` leaves a field out, whose strategy draws something else,
or that has no bad cases or no reference formula where one is due.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import lrcore

from nodes import NODES, lrcore_nodes

NO_REFERENCE = {"Function", "Plateau", "PlateauSchedule"}  # a user's values; metric-driven, not f(t)


def test_the_table_covers_every_registered_lrcore_node() -> None:
    registered = lrcore_nodes()
    missing = sorted(set(registered) - set(NODES))
    assert not missing, f"registered nodes without an entry in tests/nodes.py: {missing}"
    assert not set(NODES) - set(registered), sorted(set(NODES) - set(registered))
    for name, entry in NODES.items():
        assert entry.cls is registered[name]


@pytest.mark.parametrize("name", sorted(NODES))
def test_entry_arguments_and_examples_are_valid(name: str) -> None:
    # guards the bad cases: each fails only because of its one bad field
    e = NODES[name]
    e.cls(**e.kwargs)
    e.cls(**e.full)
    assert set(e.full) == {f.name for f in lrcore.fields(e.cls)}, "full must give every field"
    assert all(type(x) is e.cls for x in e.instances)


@pytest.mark.parametrize("name", sorted(NODES))
def test_entry_has_bad_cases_for_its_fields(name: str) -> None:
    e = NODES[name]
    named = {b.field.split("[")[0] for b in e.bad}
    assert named, f"{name} has no bad cases"
    assert named <= {f.name for f in lrcore.fields(e.cls)}


@pytest.mark.parametrize("name", sorted(NODES))
def test_entry_has_a_reference_unless_exempt(name: str) -> None:
    assert (NODES[name].reference is None) == (name in NO_REFERENCE)


@given(data=st.data(), name=st.sampled_from(sorted(NODES)))
def test_entry_strategies_draw_valid_nodes_of_their_class(data: st.DataObject, name: str) -> None:
    x = data.draw(NODES[name].strategy)
    assert type(x) is NODES[name].cls
    assert type(x)(**{f.name: getattr(x, f.name) for f in lrcore.fields(x)}) == x
