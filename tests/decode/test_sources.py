"""Capture files told apart by content: recordings (line by line) and HAR documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspector.model.events import Request, Tick
from inspector.model.wire import Envelope, Hello, dump_envelope, dump_hello
from inspector.sources import CaptureFileError, load_capture

DATA = Path(__file__).parent.parent / "data" / "decode"


def lines(count: int) -> list[str]:
    return [dump_envelope(Envelope(seq=i, time=float(i), device="laptop", event=Tick())) for i in range(count)]


def test_minified_har_with_a_bom_and_a_seq_field_is_still_a_har(tmp_path: Path) -> None:
    har = json.loads((DATA / "chrome.har").read_text(encoding="utf-8"))
    har["log"]["entries"][0]["request"]["headers"].append({"name": "seq", "value": "1"})
    path = tmp_path / "export.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"seq": 1, **har}, separators=(",", ":")).encode())
    capture = load_capture(path)
    assert capture.kind == "har" and {e.device for e in capture.envelopes} == {"export"}
    assert capture.envelopes and capture.errors == []


def test_a_har_cut_short_is_reported_as_such(tmp_path: Path) -> None:
    text = (DATA / "chrome.har").read_text(encoding="utf-8")
    path = tmp_path / "cut.har"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(CaptureFileError, match="HAR file that is not valid JSON"):
        load_capture(path)


def test_recording_with_bom_hello_crlf_and_a_non_utf8_line(tmp_path: Path) -> None:
    good = lines(3)
    path = tmp_path / "journal"
    path.write_bytes(b"\xef\xbb\xbf" + dump_hello(Hello(token="t")).encode() + b"\r\n"
                     + good[0].encode() + b"\r\n" + b'{"v": 1, "seq": \xff}\n'
                     + good[1].encode() + b"\n\n" + good[2].encode())
    capture = load_capture(path)
    assert capture.kind == "recording" and [e.seq for e in capture.envelopes] == [0, 1, 2]
    assert len(capture.errors) == 1 and capture.errors[0].startswith("line 3:")


def test_a_damaged_first_line_does_not_hide_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "rec.jsonl"
    path.write_text('{"v": 1, "seq": "x"}\n' + "\n".join(lines(2)) + "\n", encoding="utf-8")
    capture = load_capture(path)
    assert capture.kind == "recording" and len(capture.envelopes) == 2
    assert capture.errors[0].startswith("line 1:")


def test_a_one_line_recording_and_raw_requests_keep_their_device(tmp_path: Path) -> None:
    env = Envelope(seq=5, time=1.0, device="phone", tab="t1",
                   event=Request(method="GET", url="https://c.contentsquare.net/pageview?pid=1"))
    path = tmp_path / "one.har"  # the extension does not decide
    path.write_text(dump_envelope(env), encoding="utf-8")
    capture = load_capture(path, device="ignored-for-recordings")
    assert capture.kind == "recording" and capture.envelopes == [env]


@pytest.mark.parametrize(("content", "fragment"), [
    (b"[1, 2, 3]", "not a recording"), (b'"text"', "not a recording"), (b"  \n\n \t", "empty"),
    (b'{"log": {"version": "1.2"}}', "no log.entries"),
])
def test_json_that_is_no_capture_is_refused_in_one_line(tmp_path: Path, content: bytes, fragment: str) -> None:
    path = tmp_path / "x"
    path.write_bytes(content)
    with pytest.raises(CaptureFileError, match=fragment) as info:
        load_capture(path)
    assert "\n" not in str(info.value)


def test_a_directory_is_refused_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(CaptureFileError) as info:
        load_capture(tmp_path)
    assert str(tmp_path) in str(info.value) and "\n" not in str(info.value)
