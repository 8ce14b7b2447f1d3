"""Capture files told apart by content: recordings (line by line) and HAR documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspector.decode.sources import CaptureFileError, load_capture
from inspector.wire.envelope import Envelope, Hello, dump_envelope, dump_hello
from inspector.wire.events import Request, Tick

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


@pytest.mark.parametrize("tool", ["chrome", "firefox", "mitmproxy", "playwright"])
def test_one_session_exported_by_four_tools_reads_the_same(tool: str) -> None:
    from inspector.decode.pipeline import decode_envelope
    from inspector.wire.events import Cookies, Hit, PageviewType
    from tests.decode.make_hars import IDENTITY, START, UU_A, UU_B, UU_WIDGET

    capture = load_capture(DATA / f"session_{tool}.har")
    assert capture.kind == "har" and {e.device for e in capture.envelopes} == {f"session_{tool}"}
    events = [decode_envelope(e).event for e in capture.envelopes]
    kinds = [e.hit_type.value if isinstance(e, Hit) else e.kind for e in events]
    expected = ["cookies", "tag", "pageview", "dvar", "heap_identify", "pageview", "cookies", "recording", "quota"]
    # mitmproxy's export stopped before the quota answer came (status 0): a notice, the hit still counts.
    assert kinds == expected + (["notice"] if tool == "mitmproxy" else [])
    if tool != "mitmproxy":  # the others say which page each request belongs to
        assert {e.tab for e in capture.envelopes} == {"page@1" if tool == "playwright" else "page_1"}
    else:  # no pageref: the shop's page, then what the widget's document started (nothing tells it is a frame)
        assert [e.tab for e in capture.envelopes][:5] == ["page_1"] * 4 + ["page_2"]
    times = [e.time - START.timestamp() for e in capture.envelopes]
    assert times == sorted(times) and round(times[0], 3) in (0.0, 0.123)  # offsets and microseconds read
    cookies = [e for e in events if isinstance(e, Cookies)]
    assert [c.user_id for c in cookies] == [UU_A, UU_B] and cookies[0].page_number == 1
    # The widget iframe's own visitor is left out, and the loader says so.
    assert UU_WIDGET not in json.dumps([c.storage.cookies for c in cookies])
    assert any("other than shop.example" in err for err in capture.errors)
    hits = [e for e in events if isinstance(e, Hit)]
    assert hits[2].fields["dv"] == {"key": "plan", "value": "pro"} and hits[3].identity == IDENTITY
    assert (hits[4].uu, hits[4].pvt, hits[4].pn) == (UU_B, PageviewType.RENEWAL, 1)
    assert hits[5].fields["body_size"] > 0 and hits[6].request.status in (None, 200)


def test_har_lone_surrogates_and_joined_set_cookie_headers(tmp_path: Path) -> None:
    from inspector.wire.envelope import parse_envelope

    har = {"log": {"version": "1.2", "entries": [
        {"startedDateTime": "2026-11-28T10:00:00.000Z",
         "request": {"method": "GET", "url": "https://shop.example/", "headers": []},
         "response": {"status": 200, "headers": [
             {"name": "set-cookie", "value": "_cs_s=2.0.1764325800000; Path=/\n_cs_id=abc.1.3.1.1.1.1; Path=/"}]}},
        {"startedDateTime": "2026-11-28T10:00:01.000Z",
         "request": {"method": "POST", "url": "https://c.contentsquare.net/events?pid=1",
                     "postData": {"mimeType": "text/plain", "text": "\udcff\udcfe[1]"}}},
    ]}}
    path = tmp_path / "odd.har"
    path.write_text(json.dumps(har), encoding="utf-8")  # json escapes the lone surrogates as \udcff
    capture = load_capture(path)
    assert capture.envelopes[0].event.cookies == {"_cs_s": "2.0.1764325800000", "_cs_id": "abc.1.3.1.1.1.1"}  # type: ignore[union-attr]
    request = capture.envelopes[1].event
    assert request.body == "\ufffd\ufffd[1]"  # type: ignore[union-attr]
    assert all(parse_envelope(dump_envelope(e)) == e for e in capture.envelopes)


def test_envelopes_are_handed_over_as_read_while_their_numbers_increase(tmp_path: Path) -> None:
    path = tmp_path / "rec.jsonl"
    path.write_text("\n".join([*lines(3), "not json", *lines(5)[3:]]) + "\n", encoding="utf-8")
    seen: list[Envelope] = []
    capture = load_capture(path, compact=True, on_envelope=seen.append)
    assert capture.streamed and seen == list(capture.envelopes) and [e.seq for e in seen] == [0, 1, 2, 3, 4]
    path.write_text("\n".join(lines(3) + lines(2)) + "\n", encoding="utf-8")
    seen.clear()
    capture = load_capture(path, on_envelope=seen.append)
    assert not capture.streamed and [e.seq for e in seen] == [0, 1, 2]  # stopped where it went back
    assert [e.seq for e in capture.envelopes] == [0, 1, 2, 3, 4]  # renumbered in file order
    capture = load_capture(DATA / "chrome.har", on_envelope=seen.append)
    assert capture.kind == "har" and not capture.streamed and len(seen) == 3
