"""The addon's options and device mapping, as pure rules."""

from __future__ import annotations

import pytest

from inspector.capture.devices import DEFAULT_DEVICE, device_for, parse_devices
from inspector.capture.options import (
    OPTIONS,
    check_queue,
    check_tick,
    exposed_addresses,
    parse_endpoint,
    parse_hosts,
)


def test_every_option_is_namespaced_and_its_default_has_its_type() -> None:
    assert all(o.name.startswith("uxa_") and isinstance(o.default, o.type) for o in OPTIONS)
    assert len({o.name for o in OPTIONS}) == len(OPTIONS)


@pytest.mark.parametrize(("spec", "expected"), [
    ("", {}),
    ("8081=laptop", {8081: "laptop"}),
    (" 8081 = laptop , 8082=phone ,", {8081: "laptop", 8082: "phone"}),
])
def test_devices_parse(spec: str, expected: dict[int, str]) -> None:
    assert parse_devices(spec) == expected


@pytest.mark.parametrize(("spec", "message"), [
    ("8081:laptop", "PORT=NAME"), ("laptop=8081", "PORT=NAME"), ("8081=", "PORT=NAME"),
    ("70000=x", "out of range"), ("8081=a,8081=b", "named twice"),
])
def test_bad_device_specs_say_why(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_devices(spec)


def test_flows_go_to_the_device_of_their_port() -> None:
    devices = {8081: "laptop", 8082: "phone"}
    assert device_for(8082, devices) == "phone"
    assert device_for(9999, devices) == DEFAULT_DEVICE
    assert device_for(None, {8081: "laptop"}) == "laptop"  # one named device takes every flow
    assert device_for(8081, {}) == DEFAULT_DEVICE


@pytest.mark.parametrize(("spec", "expected"), [
    ("", None), ("127.0.0.1:9000", ("127.0.0.1", 9000)), ("[::1]:9000", ("::1", 9000)),
    ("localhost:1", ("localhost", 1)),
])
def test_stream_endpoints(spec: str, expected: tuple[str, int] | None) -> None:
    assert parse_endpoint(spec) == expected


@pytest.mark.parametrize(("spec", "message"), [
    ("9000", "HOST:PORT"), ("127.0.0.1:", "HOST:PORT"), ("10.0.0.5:9000", "loopback"),
    ("example.com:9000", "loopback"), ("127.0.0.1:0", "out of range"),
])
def test_bad_stream_endpoints(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_endpoint(spec)


def test_extra_hosts() -> None:
    assert parse_hosts(" Collect.Example.com, *.my-cdn.net ,") == ("collect.example.com", "*.my-cdn.net")
    for bad in ("https://x.com", "x.com:443", "*"):
        with pytest.raises(ValueError, match="uxa_extra_hosts"):
            parse_hosts(bad)


def test_queue_and_tick_bounds() -> None:
    check_queue(100)
    check_tick(0)
    with pytest.raises(ValueError):
        check_queue(99)
    with pytest.raises(ValueError):
        check_tick(-1)


def test_only_non_loopback_listeners_are_exposed() -> None:
    assert exposed_addresses(["127.0.0.1", "::1", "localhost"]) == []
    assert exposed_addresses(["127.0.0.1", "", "192.168.1.5"]) == ["every interface", "192.168.1.5"]
