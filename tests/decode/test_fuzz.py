"""No input, however broken, makes a decoder raise anything but its own documented error."""

from __future__ import annotations

import base64
import contextlib
import gzip
import json
from pathlib import Path
from urllib.parse import quote, quote_from_bytes

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspector.decode import collection
from inspector.decode.cookies import decode_tag_cookies
from inspector.decode.errors import DecodeError
from inspector.decode.har import parse_har
from inspector.decode.heap_events import parse_hierarchy
from inspector.decode.heap_query import KNOWN_PARAMS as HEAP_PARAMS
from inspector.decode.params import parse_pairs
from inspector.decode.payloads import expand, expand_json
from inspector.decode.pipeline import decode_envelope
from inspector.decode.requests import decode_request
from inspector.decode.sources import CaptureFileError, load_capture
from inspector.wire.envelope import Envelope, dump_envelope, parse_envelope
from inspector.wire.events import Request, Storage

HOSTS = st.sampled_from(["c.contentsquare.net", "c.clicktale.net", "k-aeu1.contentsquare.net",
                         "heapanalytics.com", "c.us.heap-api.com", "t.contentsquare.net", "[::1", "x y"])
PATHS = st.sampled_from(["/pageview", "/events", "/dvar", "/pageEvent", "/api/capture/v2/identify",
                         "/api/identify_v3", "/v2/recording", "/", ""])
NAMES = st.sampled_from(["pid", "uu", "sn", "pn", "url", "dr", "cvars", "cvarp", "dv", "value", "eu", "pvt",
                         "ct", "i", "%", "%zz", ""])
JUNK = st.one_of(st.text(max_size=60), st.sampled_from(["%", "%E0%A4%A", "%FF%FE", "H4sIAAAA", "1e999",
                                                        "nan", "-0", "9" * 400, "{", "[[[", "\x00", "%ED%A0%80",
                                                        "x" * 200_000, "[" * 400, "NaN", "N4Ig=", "%25E0%25A4%25A", "%257B%2522a"]),
                 st.binary(max_size=60).map(lambda b: quote_from_bytes(b, safe="")),  # non-UTF-8 escapes
                 st.binary(max_size=60).map(lambda b: quote(quote_from_bytes(b, safe=""), safe="")))  # twice
LZ_EVENTS = "NrCMBoAICYoIgMYBsCWCDWcC6Wg"  # lz-string of [[1,2,"click"]]
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def truncated_gzip() -> st.SearchStrategy[str]:
    return st.binary(max_size=200).map(lambda b: base64.b64encode(gzip.compress(b)[:-5]).decode())


@SETTINGS
@given(host=HOSTS, path=PATHS, params=st.lists(st.tuples(NAMES, st.one_of(JUNK, truncated_gzip())), max_size=8),
       body=st.one_of(st.text(max_size=200), truncated_gzip(),
                      st.binary(max_size=200).map(lambda b: base64.b64encode(b).decode())), b64=st.booleans(),
       method=st.sampled_from(["GET", "POST", "get", ""]))
def test_decode_envelope_never_raises(host: str, path: str, params: list[tuple[str, str]], body: str,
                                      b64: bool, method: str) -> None:
    query = "&".join(f"{k}={v}" for k, v in params)
    request = Request(method=method, url=f"https://{host}{path}?{query}", body=body,
                      body_encoding="base64" if b64 else "text")
    out = decode_envelope(Envelope(seq=0, time=0.0, event=request))
    assert out.event.kind == "hit" and out.event.request == request  # type: ignore[union-attr]
    assert not any(note.startswith("decoder failed") for note in out.event.notes)  # type: ignore[union-attr]
    assert parse_envelope(dump_envelope(out)) == out  # what was decoded can be recorded


@SETTINGS
@given(path=st.sampled_from(["/pageview", "/events", "/dvar", "/pageEvent", "/transaction"]),
       params=st.lists(st.tuples(st.sampled_from(["cvars", "cvarp", "eu", "e", "dv", "value", "ct", "pid", "url"]),
                                 st.one_of(JUNK, st.just(LZ_EVENTS))),
                       min_size=1, max_size=6))
def test_collection_parameters_never_reach_the_last_resort_guard(path: str, params: list[tuple[str, str]]) -> None:
    query = "&".join(f"{k}={v}" for k, v in params)
    hit = decode_request(Request(method="GET", url=f"https://c.contentsquare.net{path}?{query}"))
    assert hit.hit_type != "other" and set(hit.fields) <= collection.KNOWN_PARAMS


# Heap's classic parameters, event keys with small and odd indexes, and hierarchy-shaped values.
HEAP_NAMES = st.one_of(st.sampled_from(sorted(HEAP_PARAMS)),
                       st.tuples(st.sampled_from(["id", "t", "n", "c", "i", "h", "x", "y", "ts", "k", "zz"]),
                                 st.sampled_from(["0", "1", "3", "00", "9999", "10000"])).map("".join))
HIERARCHY = st.lists(st.sampled_from(["@div", "@", "#id", ".c", "[a=b", "[a=b]", "]", ";", "|", "x", "", "%7C"]),
                     max_size=12).map("".join)
HEAP_NAMED = {"env_id", "user_id", "pageview_id", "session_id", "library", "protocol_version", "state", "time_ms",
              "sent_ms", "path", "domain", "title", "referrer", "query", "hash", "previous_path", "screen",
              "library_version", "app_name", "app_version", "device_model", "os", "vendor_id", "carrier",
              "session_properties", "page_properties", "events"}


@SETTINGS
@given(path=st.sampled_from(["/h", "/api/identify_v3", "/api/track"]),
       params=st.lists(st.tuples(HEAP_NAMES, st.one_of(JUNK, HIERARCHY, st.sampled_from(["web", "ios", "android"]))),
                       max_size=16))
def test_heap_query_decoder_names_or_keeps_raw_and_never_reaches_the_guard(path: str,
                                                                           params: list[tuple[str, str]]) -> None:
    query = "&".join(f"{quote(k)}={v}" for k, v in params)
    request = Request(method="GET", url=f"https://heapanalytics.com{path}?{query}")
    out = decode_envelope(Envelope(seq=0, time=0.0, event=request))
    hit = out.event
    assert hit.kind == "hit" and hit.hit_type.value.startswith("heap_")  # type: ignore[union-attr]
    assert not any(note.startswith("decoder failed") for note in hit.notes)  # type: ignore[union-attr]
    assert set(hit.fields) <= HEAP_NAMED  # type: ignore[union-attr]
    assert set(hit.unknown) <= {k for k, _ in parse_pairs(query)}  # type: ignore[union-attr]  # raw values may add keys
    assert parse_envelope(dump_envelope(out)) == out


@SETTINGS
@given(text=st.one_of(HIERARCHY, st.text(max_size=200)))
def test_hierarchy_parser_returns_elements_or_the_text(text: str) -> None:
    parsed, notes = parse_hierarchy(text)
    assert parsed == text or isinstance(parsed, list)
    assert all(isinstance(note, str) for note in notes)


@SETTINGS
@given(text=st.one_of(st.text(max_size=300), truncated_gzip()), ct=st.sampled_from([None, "0", "2", "x"]))
def test_payload_decoders_raise_only_decode_error(text: str, ct: str | None) -> None:
    for decoder in (expand, expand_json):
        with contextlib.suppress(DecodeError):
            decoder(text, ct)


@SETTINGS
@given(cookies=st.dictionaries(st.sampled_from(["_cs_id", "_cs_s", "_cs_s_ctx", "_cs_i", "_cs_c", "_cs_cvars"]),
                               st.one_of(JUNK, st.just("c:" + "A" * 30), truncated_gzip().map("c:".__add__),
                                         truncated_gzip().map(lambda t: quote("c:" + t, safe="")),
                                         st.dictionaries(st.text(max_size=3), st.lists(st.text(max_size=5), max_size=3),
                                                         max_size=3).map(lambda d: quote(json.dumps(d), safe="")))))
def test_cookie_decoders_never_raise(cookies: dict[str, str]) -> None:
    decode_tag_cookies(cookies)
    out = decode_envelope(Envelope(seq=0, time=0.0, event=Storage(cookies=cookies)))
    assert out.event.kind == "cookies"
    assert not any(note.startswith("decoder failed") for note in out.event.notes)  # type: ignore[union-attr]
    assert parse_envelope(dump_envelope(out)) == out


@SETTINGS
@given(text=st.one_of(st.text(max_size=300), st.just('{"log": {"entries": [{"request": {"url": 5}}, 1, null]}}')))
def test_har_reader_raises_only_decode_error(text: str) -> None:
    with contextlib.suppress(DecodeError):
        parse_har(text, "d")


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=400))
def test_capture_loader_raises_only_its_own_error(tmp_path_factory: object, data: bytes) -> None:
    path = Path(tmp_path_factory.mktemp("fuzz")) / "capture"  # type: ignore[attr-defined]
    path.write_bytes(data)
    try:
        load_capture(path)
    except CaptureFileError as exc:
        assert str(path) in str(exc)
