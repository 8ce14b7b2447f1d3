"""Decoder and loader throughput.

Run: ``./dev bench`` (or ``python -m pytest bench/bench_decode.py --benchmark-only``).
Targets: decoding keeps far ahead of a live capture (a busy page sends tens of requests a second:
aim for > 5,000 requests/s on one core); a 100,000-event recording loads in a few seconds; a HAR
export of a long session (5,000 entries) reads in well under a second; the worst lz-string payload
a page can send (a small text that expands to the 16 MB limit) costs well under a second.
"""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

from lzstring import LZString

from inspector.decode.errors import DecodeError
from inspector.decode.payloads import expand
from inspector.decode.pipeline import decode_envelope
from inspector.decode.sources import load_capture
from inspector.wire.envelope import Envelope, dump_envelope
from inspector.wire.events import Request, Storage

LZ = LZString()
UU = "6f1c2a3b-9d8e-4a7f-b5c4-d3e2f1a0b9c8"
_DV = LZ.compressToEncodedURIComponent(json.dumps({"key": "plan", "value": "pro"}))
_EVENTS = json.dumps([[i % 7, 1000 + i, f"#el-{i}", 12, 40] for i in range(60)])
_GZ = base64.b64encode(gzip.compress(_EVENTS.encode())).decode()


def _mix(count: int) -> list[Envelope]:
    """A realistic mix: pageviews, dvar (lz-string), events (JSON and ct=2 gzip), Heap, cookies."""
    shapes: list[Request | Storage] = [
        Request(method="GET", url=f"https://c.contentsquare.net/pageview?pid=1234&uu={UU}&sn=2&pn=3"
                "&hd=1764330000&dw=1280&dh=2400&url=https%3A%2F%2Fshop.example%2Fcart&v=15.170.2&r=1"),
        Request(method="GET", url=f"https://c.contentsquare.net/dvar?pid=1234&uu={UU}&sn=2&pn=3&dv={_DV}"),
        Request(method="POST", url=f"https://c.contentsquare.net/events?pid=1234&uu={UU}&sn=2&pn=3",
                body=_EVENTS),
        Request(method="POST", url=f"https://c.contentsquare.net/events?ct=2&pid=1234&uu={UU}", body=_GZ),
        Request(method="POST", url="https://c.us.heap-api.com/api/capture/v2/identify",
                body=json.dumps({"env_id": "42", "user_id": "777", "identity": "cust-1"})),
        Storage(cookies={"_cs_id": f"{UU}.1764329000.2.1764330000.1764329000.1589297673.1795866000.1.x",
                         "_cs_s": "3.0.U.9.1764331800000"}),
    ]
    return [Envelope(seq=i, time=float(i), event=shapes[i % len(shapes)]) for i in range(count)]


MIX = _mix(6000)


def test_decode_mix(benchmark: Any) -> None:
    def run() -> int:
        return sum(decode_envelope(env).event.kind in ("hit", "cookies") for env in MIX)

    assert benchmark.pedantic(run, rounds=3, iterations=1) == len(MIX)


def test_load_recording_100k(benchmark: Any, tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    lines = [dump_envelope(env.model_copy(update={"seq": i}))
             for i, env in enumerate(_mix(6000) * 17)][:100_000]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    loaded = benchmark.pedantic(lambda: load_capture(path), rounds=2, iterations=1)
    assert len(loaded.envelopes) == 100_000 and loaded.errors == []


def test_load_har_5000_entries(benchmark: Any, tmp_path: Path) -> None:
    entries = []
    for i in range(5000):
        url = (f"https://c.contentsquare.net/pageview?pid=1&uu={UU}&sn=1&pn={i}" if i % 2
               else "https://shop.example/page")
        entries.append({
            "startedDateTime": f"2026-11-28T10:{i // 600 % 60:02d}:{i // 10 % 60:02d}.{i % 10}00Z",
            "time": 12.5,
            "request": {"method": "GET", "url": url,
                        "headers": [{"name": "Cookie", "value": f"_cs_id={UU}.1.1.1.1.1.1; _cs_s={i}.0.1"}]},
            "response": {"status": 200, "headers": [], "content": {"size": 0, "mimeType": "text/html"}},
        })
    path = tmp_path / "long.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "creator": {"name": "bench"}, "entries": entries}}),
                    encoding="utf-8")
    loaded = benchmark.pedantic(lambda: load_capture(path), rounds=3, iterations=1)
    assert loaded.kind == "har" and len(loaded.envelopes) == 5000


def test_worst_lz_string_payload(benchmark: Any) -> None:
    # About 9 KB that would expand to ~20 MB: stopped at the 16 MB limit.
    bomb = LZ.compressToEncodedURIComponent("a" * 20_000_000)

    def run() -> bool:
        try:
            expand(bomb)
        except DecodeError:
            return True
        return False

    assert benchmark.pedantic(run, rounds=3, iterations=1)
