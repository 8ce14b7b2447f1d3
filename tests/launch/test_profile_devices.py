"""One capture port per browser profile, so each profile is recorded as its own device."""

from __future__ import annotations

import pytest

from inspector.launch.profiles import ProfileError, device_ports, port_of


def test_consecutive_ports_in_the_given_order_without_duplicates() -> None:
    devices = device_ports(8080, ["default", "laptop", "phone", "laptop"])
    assert devices == {8080: "default", 8081: "laptop", 8082: "phone"}
    assert port_of(devices, "phone") == 8082


def test_a_profile_without_a_port_asks_for_a_capture_restart() -> None:
    with pytest.raises(ProfileError, match="restart the capture"):
        port_of(device_ports(8080, ["laptop"]), "tablet")


@pytest.mark.parametrize(("base", "names", "problem"), [
    (8080, [], "no profile names"),
    (65535, ["a", "b"], "65535-65536"),
    (0, ["a"], "not all valid"),
    (8080, ["../etc"], "profile name"),
])
def test_bad_requests_are_one_clear_error(base: int, names: list[str], problem: str) -> None:
    with pytest.raises(ProfileError, match=problem):
        device_ports(base, names)
