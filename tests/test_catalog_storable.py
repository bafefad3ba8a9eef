"""Every tree the new peers' catalogs build is storable: no `lrcore.Function` anywhere in it, and
its config (``dumps``/``loads``) loads back to an equal tree with the same values.

The families these peers need (logarithmic warmup, geometric interpolation, a rising power, an
exponential set by its end points, fixed and rescaled intervals, WSD's decay styles, NoamHold)
are nodes or parameters of nodes, so a checkpoint of any of their schedules can be checked on
resume. Drawn over every constructor with `lrcore.testing.catalog_kwargs`.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrcore
from lrcore.catalog import bolts, composer, deepspeed, fairseq, fastai, fvcore, megatron, mmengine, nemo
from lrcore.testing import catalog_kwargs

MODULES = {"deepspeed": deepspeed, "megatron": megatron, "nemo": nemo, "fairseq": fairseq, "composer": composer,
           "fastai": fastai, "fvcore": fvcore, "mmengine": mmengine, "bolts": bolts}
CTORS = sorted((m, n) for m, mod in MODULES.items() for n in mod.__all__
               if callable(getattr(mod, n)) and not n.startswith("_"))
UNITS = dict(total_steps=1000, steps_per_epoch=10, tokens_per_step=1000, samples_per_step=10)


def _nodes(s: lrcore.Schedule):
    yield s
    for c in s.children():
        yield from _nodes(c)


def test_every_new_peer_has_constructors():
    assert {m for m, _ in CTORS} == set(MODULES) and len(CTORS) >= 70


@pytest.mark.parametrize("module, name", CTORS, ids=[f"{m}.{n}" for m, n in CTORS])
@settings(max_examples=8)
@given(data=st.data())
def test_a_catalog_tree_has_no_function_and_round_trips(module, name, data):
    fn = getattr(MODULES[module], name)
    try:
        strategy = catalog_kwargs(fn)
    except ValueError:  # a constructor the kit cannot fill (it says which): nothing to draw
        pytest.fail(f"catalog_kwargs cannot draw {module}.{name}")
    s = fn(**data.draw(strategy))
    base = s.schedule if isinstance(s, lrcore.PlateauSchedule) else s
    assert not [n for n in _nodes(base) if isinstance(n, lrcore.Function)], f"{module}.{name}: a Function"
    again = lrcore.loads(lrcore.dumps(s))
    assert again == s
    if getattr(s, "unresolved", ()):
        # durations drawn independently may not fit one run (a warmup of "6%" past a t_max of
        # "32ba"): resolving is then a clear error, the same for the loaded tree
        try:
            s = s.resolve(**UNITS)
        except lrcore.ScheduleError as e:
            with pytest.raises(lrcore.ScheduleError) as again_e:
                again.resolve(**UNITS)
            assert str(again_e.value) == str(e)
            return
        again = again.resolve(**UNITS)
    b = again.schedule if isinstance(again, lrcore.PlateauSchedule) else again
    base = s.schedule if isinstance(s, lrcore.PlateauSchedule) else s
    for t in (0, 1, 7, 100, 999, 10**6):
        assert b(t) == base(t)
