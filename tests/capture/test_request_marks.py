"""The one-pass header reads give what mitmproxy's ``headers.get`` gives."""

from __future__ import annotations

from mitmproxy import http

from inspector.capture.request_marks import header, request_marks

FIELDS = ((b"Host", b"shop.example"), (b"Accept", b"text/html"), (b"ACCEPT", b"*/*"),
          (b"Sec-Fetch-Dest", b"document"), (b"Content-Type", b"text/html; charset=\xe9"))


def test_header_reads_match_mitmproxys_own() -> None:
    headers = http.Headers(FIELDS)
    for name in ("host", "accept", "sec-fetch-dest", "content-type", "service-worker"):
        assert header(headers, name.encode()) == headers.get(name)
    marks = request_marks(headers)
    assert (marks.host, marks.accept, marks.dest, marks.service_worker) == (
        headers.get("host"), headers.get("accept"), headers.get("sec-fetch-dest"), None)
