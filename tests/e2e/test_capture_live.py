"""The live stream as the app gets it: real mitmdump streams to the reference listener, real Chromium
browses pages with an iframe, and the child stops by itself when the app closes the stream."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

import pytest

from inspector.launch.proxy import ca_fingerprint, free_port, start_capture
from inspector.launch.stream_server import StreamServer
from inspector.wire.envelope import dump_envelope
from inspector.wire.events import Command, Page
from tests.support.chromium import dump_dom
from tests.support.site import serve

pytestmark = pytest.mark.e2e
PAGES = Path(__file__).parent / "pages"


def test_live_stream_matches_the_journal_covers_iframes_and_ends_with_the_app(tmp_path: Path,
                                                                              confdir: Path) -> None:
    token = secrets.token_urlsafe(16)
    journal = tmp_path / "journal.jsonl"
    port = free_port()
    with StreamServer(token=token) as server:
        process = start_capture(ports={port: "desk"}, sink=True, journal=journal, confdir=confdir,
                                stream_port=server.port, token=token)
        try:
            fingerprint = ca_fingerprint(confdir)
            assert fingerprint is not None
            assert server.wait_connected(timeout=10), list(process.tail)
            assert "--set" in process.argv and not any(token in arg for arg in process.argv)
            with serve(PAGES) as base:
                dump_dom(f"{base}/frames.html", port, fingerprint, budget_ms=2000)

            def both_commands(envs: list) -> bool:  # type: ignore[type-arg]
                return len([e for e in envs if isinstance(e.event, Command)]) >= 2

            assert server.wait_for(both_commands, timeout=10)
            server.close()  # the app goes away: the child must notice and stop on its own
            deadline = time.monotonic() + 8
            while process.running() and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not process.running(), "the capture kept running after the app closed its stream"
        finally:
            process.stop()
    assert server.refusals == [] and server.errors == []
    streamed = [dump_envelope(e) for e in server.envelopes]
    # Everything the app saw live is in the journal, in the same order and with the same numbers.
    assert journal.read_text(encoding="utf-8").splitlines()[:len(streamed)] == streamed
    commands = [e for e in server.envelopes if isinstance(e.event, Command)]
    by_frame = {(c.event.payload[0], c.event.top_frame) for c in commands}  # type: ignore[index]
    assert by_frame == {("identify", True), ("trackPageEvent", False)}
    pages = [e.event for e in server.envelopes if isinstance(e.event, Page)]
    assert sorted(p.url.rsplit("/", 1)[1] for p in pages) == ["frame-child.html", "frames.html"]
    assert {e.device for e in server.envelopes} == {"desk"}
