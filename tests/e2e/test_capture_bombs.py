"""Compression bombs through a real mitmdump child: its memory stays bounded, its recording readable.

A page of 1 MB gzip that inflates to 1 GB, and a 250 KB gzip POST to a tag host that inflates to 250 MB:
the child's peak resident memory (``VmHWM`` in /proc) stays under 300 MB, the page reaches the browser
unchanged (not injected, with a notice saying why), the POST is recorded cut with a marker, and every
recording line is within the wire limit.
"""

from __future__ import annotations

import urllib.error
import urllib.request
import zlib
from pathlib import Path

import pytest

from inspector.wire.envelope import MAX_LINE_BYTES
from inspector.wire.events import Notice, Request
from tests.e2e.conftest import RunningCapture
from tests.support.site import serve

pytestmark = pytest.mark.e2e
MB = 1024 * 1024
MEMORY_CEILING = 300 * MB


def gzip_bomb(prefix: bytes, filler: bytes, megabytes: int) -> bytes:
    """gzip of ``prefix`` + ``megabytes`` MB of ``filler``, built without compressing it all: after a
    full flush the compressor forgets its history, so each further megabyte compresses to the same
    bytes, which are repeated; the trailer's CRC and size are those of the whole."""
    chunk = filler * (MB // len(filler))
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    head = packer.compress(prefix) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    end = packer.flush(zlib.Z_FINISH)[:-8]  # the final empty block, without the trailer
    crc = zlib.crc32(prefix)
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    size = (len(prefix) + megabytes * len(chunk)) % 2**32
    return head + block * megabytes + end + crc.to_bytes(4, "little") + size.to_bytes(4, "little")


def peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc")


def through(capture: RunningCapture, request: urllib.request.Request) -> tuple[int, bytes]:
    proxy = urllib.request.ProxyHandler({"http": f"http://127.0.0.1:{capture.port}"})
    try:
        with urllib.request.build_opener(proxy).open(request, timeout=60) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_bombs_leave_the_proxy_small_and_the_recording_readable(capture: RunningCapture, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    page = gzip_bomb(b"<!doctype html><html><head><title>bomb</title></head><body>", b" ", 1024)
    assert len(page) < 1.2 * MB  # 1 GB once inflated
    (site / "bomb.html").write_bytes(page)
    post = gzip_bomb(b"", b"\x00", 250)  # NUL is valid UTF-8, and 6 bytes once JSON-escaped
    assert len(post) < 300 * 1024
    with serve(site, {"/bomb.html": {"Content-Encoding": "gzip"}}) as base:
        status, body = through(capture, urllib.request.Request(
            f"{base}/bomb.html", headers={"Sec-Fetch-Dest": "document", "Accept-Encoding": "gzip"}))
    assert status == 200 and body == page  # passed on as it came, not inflated
    status, _ = through(capture, urllib.request.Request(
        "http://c.contentsquare.net/events?pid=1", data=post, method="POST",
        headers={"Content-Encoding": "gzip", "Content-Type": "text/plain"}))
    assert status == 200  # answered by the sink
    peak = peak_rss(capture.process.process.pid)  # type: ignore[union-attr]
    capture.process.stop()
    assert peak < MEMORY_CEILING, f"the proxy child peaked at {peak // MB} MB"
    lines = capture.journal.read_bytes().splitlines()
    assert lines and max(len(line) for line in lines) <= MAX_LINE_BYTES
    events = [e.event for e in capture.envelopes()]  # every line readable
    skipped = [e for e in events if isinstance(e, Notice) and e.code == "inject-skipped"]
    assert len(skipped) == 1 and "larger than uxa_max_body" in skipped[0].message
    (recorded,) = [e for e in events if isinstance(e, Request)]
    assert recorded.body_truncated and recorded.body and set(recorded.body) == {"\x00"}
