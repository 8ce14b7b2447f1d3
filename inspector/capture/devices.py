"""Which device a flow belongs to: one proxy listen port per browser profile, named by an option.

``uxa_devices="8081=laptop,8082=phone"``; flows are told apart by the port of the proxy mode that
accepted them (``flow.client_conn.proxy_mode``).
"""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_DEVICE = "default"


def parse_devices(spec: str) -> dict[int, str]:
    """``"8081=laptop,8082=phone"`` -> {8081: "laptop", 8082: "phone"}; raises ValueError on bad input."""
    out: dict[int, str] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        port, sep, name = item.partition("=")
        port, name = port.strip(), name.strip()
        if not sep or not port.isdigit() or not name:
            raise ValueError(f"expected PORT=NAME, got {item!r}")
        if not 0 < int(port) < 65536:
            raise ValueError(f"port {port} is out of range")
        if int(port) in out:
            raise ValueError(f"port {port} is named twice")
        out[int(port)] = name
    return out


def device_for(port: int | None, devices: Mapping[int, str]) -> str:
    """The device of a flow accepted on ``port``; a single named device takes every flow."""
    if port is not None and port in devices:
        return devices[port]
    if len(devices) == 1:
        return next(iter(devices.values()))
    return DEFAULT_DEVICE
