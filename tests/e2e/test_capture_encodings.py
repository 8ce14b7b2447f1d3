"""Compressed pages in a legacy charset go through injection intact: the browser shows the same text,
runs the page's script and the observer reports its push."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
import pytest

from inspector.wire.events import Command
from tests.e2e.conftest import RunningCapture
from tests.support.chromium import dump_dom
from tests.support.site import serve

pytestmark = pytest.mark.e2e

PAGE = """<!doctype html>
<html><head><meta charset="iso-8859-1"><title>caf\u00e9 \u00bd</title>
<script>window._uxa = window._uxa || []; _uxa.push(["identify", "Ren\u00e9e"]);
document.title += " ran";</script>
</head><body>cr\u00e8me br\u00fbl\u00e9e</body></html>
"""


@pytest.mark.parametrize(("encoding", "compress"), [("gzip", gzip.compress), ("br", brotli.compress)])
def test_compressed_latin1_page_is_injected_without_mojibake(capture: RunningCapture, tmp_path: Path,
                                                             encoding: str, compress: object) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "page.html").write_bytes(compress(PAGE.encode("iso-8859-1")))  # type: ignore[operator]
    with serve(site, {"/page.html": {"Content-Encoding": encoding}}) as base:
        dom = dump_dom(f"{base}/page.html", capture.port, capture.fingerprint, budget_ms=1000)
    title = re.search(r"<title>(.*?)</title>", dom)
    assert title is not None and title.group(1) == "caf\u00e9 \u00bd ran"
    assert "cr\u00e8me br\u00fbl\u00e9e" in dom
    capture.process.stop()
    commands = [e.event for e in capture.envelopes() if isinstance(e.event, Command)]
    assert [c.payload for c in commands] == [["identify", "Ren\u00e9e"]]
