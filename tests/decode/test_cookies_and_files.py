"""Cookies, HAR exports of four tools, recordings, and the decode command."""

from __future__ import annotations

import base64
import gzip
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from inspector.decode.cookies import (
    decode_cs_cvars,
    decode_cs_id,
    decode_cs_s,
    decode_cs_s_ctx,
    decode_tag_cookies,
)
from inspector.decode.pipeline import decode_envelope
from inspector.decode.sources import CaptureFileError, load_capture
from inspector.session.engine import Engine
from inspector.wire.envelope import Envelope, dump_envelope
from inspector.wire.events import Cookies, Hit, HitType, Notice, Storage, Tick

DATA = Path(__file__).parent.parent / "data" / "decode"
U1 = "6f1c2a3b-9d8e-4a7f-b5c4-d3e2f1a0b9c8"
U2 = "91ab7c2e-1f0d-4c3b-8a9e-0b1c2d3e4f5a"


@pytest.mark.parametrize("value", [
    f"{U1}.1764329000.3.1764330000.1764329000.1589297673.1795866000",
    f"{U1}.1764329000.3.1764330000.1764329000.1589297673.1795866000.1.x",
    f"{U1}.1764329000.3.1764330000.1764329000.1589297673.1795866000.Lax.1.9.z",
])
def test_cs_id_seven_to_nine_plus_fields(value: str) -> None:
    fields = decode_cs_id(value)
    assert fields["user_id"] == U1 and fields["visit_count"] == 3 and fields["expiry_ms"] == 1795866000
    assert fields.get("tail", "") == value.split(".", 7)[7] if value.count(".") > 6 else "tail" not in fields


def test_cs_s_letter_fields_are_tolerated() -> None:
    assert decode_cs_s("3.0.U.9.1764331800000") == {"page_number": 3, "replay_state": 0,
                                                     "expiry_ms": 1764331800000, "extra": ["U", "9"]}
    assert decode_cs_s("1.1.1764331800000")["page_number"] == 1
    assert decode_cs_s("x")["page_number"] is None


def test_cs_s_ctx_both_encodings() -> None:
    ctx = {"firstViewTime": 1764330000, "firstViewUrl": "https://shop.example/"}
    assert decode_cs_s_ctx(quote(json.dumps(ctx))) == ctx
    packed = base64.b64encode(gzip.compress(json.dumps(ctx).encode())).decode()
    assert decode_cs_s_ctx("c:" + packed) == ctx


def test_cs_s_ctx_compressed_and_url_encoded_as_jars_hold_it() -> None:
    ctx = {"firstViewTime": 1764330000123, "firstViewUrl": "https://shop.example/?q=a+b",
           "sessionReferrer": "https://search.example/", "previousViewUrl": "https://shop.example/cart"}
    packed = base64.b64encode(gzip.compress(json.dumps(ctx).encode())).decode()
    assert "+" in packed or "/" in packed or "=" in packed  # characters the jar's encoding changes
    assert decode_cs_s_ctx(quote("c:" + packed, safe="")) == ctx


@pytest.mark.parametrize(("value", "problem"), [
    (quote("c:" + base64.b64encode(gzip.compress(b'{"firstViewTime": 1}')[:-6]).decode(), safe=""), "truncated"),
    ("c%3AH4sI%21%21%21", "not base64"),
    (quote("c:" + base64.b64encode(b"plain bytes, not gzip").decode(), safe=""), "not gzip"),
    (quote("c:" + base64.b64encode(gzip.compress(b"{not json")).decode(), safe=""), "not JSON"),
    ("", "empty"),
])
def test_cs_s_ctx_invalid_compression_is_kept_raw_with_a_clear_note(value: str, problem: str) -> None:
    fields, notes = decode_tag_cookies({"_cs_s_ctx": value, "_cs_s": "2.0.1764331800000"})
    assert fields["_cs_s_ctx"] == value and fields["_cs_s"]["page_number"] == 2  # type: ignore[index,call-overload]
    assert len(notes) == 1 and notes[0].startswith("_cs_s_ctx ") and problem in notes[0]


def test_cs_cvars_slots_are_named() -> None:
    cvars = {"1": ["Page Type", "Cart"], "2": ["Login Status", "Guest"], "5": ["Basket", ""]}
    fields, notes = decode_tag_cookies({"_cs_cvars": quote(json.dumps(cvars), safe="")})
    assert fields["_cs_cvars"] == {"1": {"name": "Page Type", "value": "Cart"},
                                   "2": {"name": "Login Status", "value": "Guest"},
                                   "5": {"name": "Basket", "value": ""}} and notes == []
    assert decode_cs_cvars("%7B%7D") == ({}, [])


@pytest.mark.parametrize(("value", "problem"), [
    ("%7B%221%22%3A%5B%22a%22%2C%22b%22", "not JSON"),  # cut short
    (quote('["a", "b"]'), "not an object of custom variables"),
    ("", "empty"),
])
def test_cs_cvars_unreadable_is_kept_raw(value: str, problem: str) -> None:
    fields, notes = decode_tag_cookies({"_cs_cvars": value})
    assert fields["_cs_cvars"] == value and problem in notes[0]


def test_cs_cvars_odd_slots_are_kept_as_sent() -> None:
    named, notes = decode_cs_cvars(quote(json.dumps({"1": ["a", "b"], "2": ["only one"], "3": {"x": 1}})))
    assert named == {"1": {"name": "a", "value": "b"}, "2": ["only one"], "3": {"x": 1}}
    assert notes == ["_cs_cvars: slots not [name, value], kept as sent: 2, 3"]


def test_storage_snapshot_decodes_to_ids_and_keeps_unknown_cookies_raw() -> None:
    storage = Storage(cookies={"_cs_id": f"{U1}.1.4.1.1.1.1", "_cs_s": "7.0.1", "_cs_i": "opaque==",
                               "_cs_s_ctx": "c:not-base64!!"})
    env = decode_envelope(Envelope(seq=1, time=1.0, event=storage))
    assert isinstance(env.event, Cookies)
    assert (env.event.user_id, env.event.session_number, env.event.page_number) == (U1, 4, 7)
    assert env.event.fields["_cs_i"] == "opaque==" and env.event.fields["_cs_s_ctx"] == "c:not-base64!!"
    assert any("_cs_s_ctx" in note for note in env.event.notes)
    assert env.event.storage == storage and env.seq == 1


def test_chrome_har_runs_through_the_engine_with_identity_change_seen_in_cookies() -> None:
    capture = load_capture(DATA / "chrome.har", device="laptop")
    assert capture.kind == "har" and capture.errors == []
    assert {e.device for e in capture.envelopes} == {"laptop"}
    assert [e.seq for e in capture.envelopes] == list(range(len(capture.envelopes)))
    times = [e.time for e in capture.envelopes]
    assert times == sorted(times)
    engine = Engine()
    steps = engine.feed_many(capture.envelopes)
    kinds = [s.envelope.event.kind for s in steps]
    assert kinds.count("hit") == 5 and kinds.count("cookies") == 2
    hits = [s.envelope.event for s in steps if isinstance(s.envelope.event, Hit)]
    assert [h.hit_type for h in hits] == [HitType.TAG, HitType.PAGEVIEW, HitType.DVAR, HitType.EVENTS,
                                          HitType.PAGEVIEW]
    assert hits[2].fields["dv"] == {"key": "plan", "value": "pro"}
    assert engine.snapshot().devices["laptop"].user_ids == (U1, U2)
    # No identify command in a HAR: the change comes with the new user's renewal pageview, so it is an
    # identify or resetIdentity the file cannot show (network evidence only), reported as info.
    assert [(v.rule, v.basis.value) for v in engine.verdicts] == [("user-id-change-inferred", "network")]


def test_firefox_har_with_broken_entries_keeps_the_good_ones() -> None:
    capture = load_capture(DATA / "firefox.har")
    assert {e.device for e in capture.envelopes} == {"firefox"}
    assert len(capture.envelopes) == 3 and len(capture.errors) == 3
    assert any("entry 3" in e for e in capture.errors)


def test_mitmproxy_har_base64_bodies_and_heap_identity() -> None:
    capture = load_capture(DATA / "mitmproxy.har")
    hits = [decode_envelope(e).event for e in capture.envelopes]
    assert all(isinstance(h, Hit) for h in hits)
    dvar, identify, props, classic = hits
    assert isinstance(dvar, Hit) and dvar.fields["dv"] == {"key": "tier", "value": "gold"}
    assert isinstance(identify, Hit) and identify.identity == "cust-1"
    assert isinstance(props, Hit) and props.hit_type == HitType.HEAP_USER_PROPERTIES and props.notes
    assert isinstance(classic, Hit) and classic.identity == "cust-1"


def test_playwright_har_form_params() -> None:
    capture = load_capture(DATA / "playwright.har")
    post = decode_envelope(capture.envelopes[2]).event
    assert isinstance(post, Hit) and post.fields["cvars"] == {"1": ["plan", "pro"]}
    # Status -1: Playwright saw no answer. The hit counts as sent, and a notice says it failed.
    assert [e.event.kind for e in capture.envelopes] == ["request", "notice", "request"]
    notice = capture.envelopes[1].event
    assert isinstance(notice, Notice) and notice.code == "hit-failed" and "uu=" not in notice.message


def test_recording_with_bad_and_truncated_lines(tmp_path: Path) -> None:
    good = [dump_envelope(Envelope(seq=i, time=float(i), event=Tick())) for i in range(3)]
    path = tmp_path / "rec.jsonl"
    path.write_text("\n".join([good[0], "{not json", good[1], good[2], '{"v": 1, "seq": 9'] ), encoding="utf-8")
    capture = load_capture(path)
    assert capture.kind == "recording" and [e.seq for e in capture.envelopes] == [0, 1, 2]
    assert capture.errors[0].startswith("line 2:") and "truncated last line" in capture.errors[1]


def test_recording_with_repeated_seqs_is_renumbered(tmp_path: Path) -> None:
    lines = [dump_envelope(Envelope(seq=0, time=float(i), event=Tick())) for i in range(2)]
    (tmp_path / "r.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    capture = load_capture(tmp_path / "r.jsonl")
    assert [e.seq for e in capture.envelopes] == [0, 1] and "renumbered" in capture.errors[0]


@pytest.mark.parametrize(("content", "fragment"), [
    (b"", "empty"), (b"\xff\xfe\x00garbage", "not a recording"), (b'{"log": {"entries": 3}}', "no log.entries"),
])
def test_unreadable_files_raise_one_clear_line(tmp_path: Path, content: bytes, fragment: str) -> None:
    path = tmp_path / "x.har"
    path.write_bytes(content)
    with pytest.raises(CaptureFileError) as info:
        load_capture(path)
    assert fragment in str(info.value) and str(path) in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(CaptureFileError, match="No such file"):
        load_capture(tmp_path / "missing.jsonl")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "inspector.cli", "decode", *args],
                          capture_output=True, text=True, timeout=60, check=False)


def test_decode_command_json_contract() -> None:
    url = f"https://c.contentsquare.net/pageview?pid=1234&uu={U1}&sn=2&pn=3&url=https%3A%2F%2Fa.example%2F&pvt=r"
    out = run_cli(url, "--format", "json", "--cookie", f"_cs_id={U1}.1.2.1.1.1.1; x=1")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["kind"] == "pageview" and data["host"] == "c.contentsquare.net" and data["path"] == "/pageview"
    assert data["fields"]["pid"] == 1234 and data["fields"]["url"] == "https://a.example/"
    assert data["fields"]["pvt"] == "renewal" and data["ids"]["pvt"] == "renewal"  # the code "r", decoded
    assert data["cookies"]["_cs_id"]["user_id"] == U1


def test_decode_command_text_and_errors() -> None:
    out = run_cli("https://c.contentsquare.net/dvar?dv=N4IghiBcCMC%2BQ")
    assert out.returncode == 0 and "dvar" in out.stdout and '{"a": 1}' in out.stdout
    bad = run_cli("not a url")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "not an absolute URL" in bad.stderr
