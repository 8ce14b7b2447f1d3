"""The model's fast ``replace`` gives what ``dataclasses.replace`` gives, frozen, for every state class."""

from __future__ import annotations

import dataclasses

import pytest

from inspector.model import state
from inspector.model.frozen import replace
from inspector.model.history import History

CLASSES = [state.DeviceState(device="d"), state.Session("u", 1, 2.0, 3),
           state.Pageview(1, 2.0, 3, "natural", "https://shop.example/"),
           state.Reset(1.0, 2, state.ResetReason.UNEXPLAINED, "a", "b"),
           state.KnownUser("u"), state.PropertyChange("plan", "pro"),
           state.Expectation("rule", state.ExpectKind.NO_RESET, None, 1, 2.0),
           state.GraphLink("alice", "d", "u", 1, 2.0)]


@pytest.mark.parametrize("obj", CLASSES, ids=lambda obj: type(obj).__name__)
def test_replace_is_dataclasses_replace_and_stays_frozen(obj: object) -> None:
    fields = [f.name for f in dataclasses.fields(obj)]  # type: ignore[arg-type]
    changes = {fields[-1]: getattr(obj, fields[0]), fields[0]: getattr(obj, fields[-1])}
    new = replace(obj, **changes)
    assert type(new) is type(obj) and new == dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    assert replace(obj) == obj and replace(obj) is not obj
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(new, fields[0], None)
    with pytest.raises(TypeError, match="no field 'colour'"):
        replace(obj, colour="red")


def test_a_copy_shares_what_it_does_not_change() -> None:
    dev = state.DeviceState(device="d", user_ids=History(["u1"]), properties={"plan": "pro"})
    moved = replace(dev, user_id="u2")
    assert moved.user_ids is dev.user_ids and moved.properties is dev.properties
    assert (dev.user_id, moved.user_id) == (None, "u2")
