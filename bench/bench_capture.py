"""Capture-side costs on the proxy's thread: what one hook pays to hand an event to the writer.

Target: emitting stays far below a millisecond per event, so a page's burst of commands never slows
the proxy (the writer thread does the I/O).
"""

from __future__ import annotations

from pathlib import Path

from inspector.capture.injection import inject, observer_source, script_hash, script_tag
from inspector.capture.reports import parse_report
from inspector.capture.stream import EventStream
from inspector.wire.events import Command

REPORT = (b'{"tab": "t1", "url": "https://shop.example/", "top": true, "t": 1, "events": [{"kind": "command",'
          b' "payload": ["identify", "cust-1"], "tag_loaded": true, "call_id": "c1"}]}')


def test_emit_10000_events_through_the_writer(benchmark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    def run() -> None:
        stream = EventStream(tmp_path / "journal.jsonl", max_queue=20_000)
        command = Command(payload=["identify", "cust-1"], tag_loaded=True)
        for _ in range(10_000):
            stream.emit(command, "laptop", "t1")
        stream.close()
        assert stream.dropped == 0

    benchmark.pedantic(run, rounds=3, iterations=1)


def test_parse_one_observer_report(benchmark) -> None:  # type: ignore[no-untyped-def]
    report = benchmark(parse_report, REPORT)
    assert report.events and report.events[0].kind == "command"


def test_inject_into_a_200_kb_page(benchmark) -> None:  # type: ignore[no-untyped-def]
    source = observer_source()
    tag, digest = script_tag(source).encode(), script_hash(source)
    body = b"<p>lorem ipsum</p>" * 12_000
    page = b"<!doctype html><html><head><title>x</title></head><body>" + body + b"</body>"
    out = benchmark(inject, page, tag, digest)
    assert out.startswith(b"<!doctype html><html><head><script>")


def test_stream_10000_events_live_to_the_reference_listener(benchmark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Proxy thread to the app's parsed envelopes over loopback (journal written too): the live path's
    throughput, far above what a browser produces."""
    from inspector.launch.stream_server import StreamServer

    def run() -> None:
        with StreamServer() as server:
            stream = EventStream(tmp_path / "journal.jsonl", ("127.0.0.1", server.port), server.token)
            command = Command(payload=["identify", "cust-1"], tag_loaded=True)
            for _ in range(10_000):
                stream.emit(command, "laptop", "t1")
            stream.close()
            assert server.wait_for(lambda envs: len(envs) == 10_000, timeout=60)

    benchmark.pedantic(run, rounds=3, iterations=1)
