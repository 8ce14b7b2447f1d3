"""The addon's ``--set uxa_...`` options: their declarations and the checks ``configure`` makes.

Pure functions (no mitmproxy), so each rule is tested directly; the addon turns ``ValueError`` into
mitmproxy's ``OptionsError``, which stops mitmdump at start-up with the message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from inspector.wire.endpoints import LOOPBACK_HOSTS, TOKEN_ENV


@dataclass(frozen=True, slots=True)
class OptionSpec:
    name: str
    type: type
    default: object
    help: str


# Bytes the proxy reads from any body, before and after undoing its content coding (see bodies.py).
MAX_BODY = 8 * 1024 * 1024
MIN_BODY = 64 * 1024

OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec("uxa_sink", bool, False, "Answer the vendor's hosts locally: nothing reaches Contentsquare."),
    OptionSpec("uxa_journal", str, "", "Append every event (JSON lines) to this file."),
    OptionSpec("uxa_stream", str, "", "HOST:PORT of the app's loopback listener (empty: no live stream)."),
    OptionSpec("uxa_token", str, "", f"Token for the live stream (default: ${TOKEN_ENV})."),
    OptionSpec("uxa_devices", str, "", "Device name per listen port, e.g. '8081=laptop,8082=phone'."),
    OptionSpec("uxa_extra_hosts", str, "", "More tag hosts, comma-separated ('*.suffix' allowed)."),
    OptionSpec("uxa_inject", bool, True, "Inject the page observer into HTML documents."),
    OptionSpec("uxa_queue", int, 20000, "Events held in memory before the writer takes them."),
    OptionSpec("uxa_exit_with_app", bool, True, "Stop the proxy when the app's socket closes."),
    OptionSpec("uxa_tick", float, 5.0, "Seconds between ticks, so deadlines expire while idle (0: none)."),
    OptionSpec("uxa_hold", float, 5.0,
               "Seconds a tag request in flight holds later events back, so events keep the order in which "
               "requests were sent (0: record requests when answered)."),
    OptionSpec("uxa_max_body", int, MAX_BODY,
               "Bytes read from any body, compressed or inflated: a tag request's body is recorded up to "
               "it (marked as cut beyond), larger HTML is passed on without the observer, and mitmproxy "
               "streams bodies larger than it instead of holding them (unless stream_large_bodies is set)."),
    OptionSpec("uxa_allow_remote", bool, False,
               "Let the proxy listen on addresses other than loopback (e.g. to capture a phone on a trusted "
               "network). Without it, mitmproxy's default 'every interface' becomes 127.0.0.1."),
)


def parse_endpoint(spec: str) -> tuple[str, int] | None:
    """``"127.0.0.1:9000"`` or ``"[::1]:9000"`` -> (host, port); empty -> None. Loopback only."""
    if not spec:
        return None
    host, sep, port = spec.rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise ValueError(f"expected HOST:PORT, got {spec!r}")
    host = host.strip("[]")
    if host not in LOOPBACK_HOSTS:
        raise ValueError("the event stream only goes to a loopback address")
    if not 0 < int(port) < 65536:
        raise ValueError(f"port {port} is out of range")
    return host, int(port)


def parse_hosts(spec: str) -> tuple[str, ...]:
    """Comma-separated host names or ``*.suffix`` wildcards, lower-cased."""
    hosts = tuple(h.strip().lower() for h in spec.split(",") if h.strip())
    for host in hosts:
        if "/" in host or ":" in host or " " in host or host in ("*", "*."):
            raise ValueError(f"uxa_extra_hosts: {host!r} is not a host name or *.suffix")
    return hosts


def check_queue(size: int) -> None:
    if size < 100:
        raise ValueError("uxa_queue must be at least 100")


def check_tick(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("uxa_tick cannot be negative")


def check_hold(seconds: float) -> None:
    if not 0 <= seconds <= 60:
        raise ValueError("uxa_hold must be between 0 and 60 seconds")


def check_max_body(size: int) -> None:
    if size < MIN_BODY:
        raise ValueError(f"uxa_max_body must be at least {MIN_BODY} bytes")


def exposed_addresses(listen_hosts: Iterable[str]) -> list[str]:
    """The listen addresses that are not loopback ("" is every interface), for a clear refusal."""
    return [host or "every interface" for host in listen_hosts if host not in LOOPBACK_HOSTS]
