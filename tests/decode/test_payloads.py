"""Payload readers: lz-string (bounded), base64-gzip, strict JSON; decoded by what the data is."""

from __future__ import annotations

import base64
import gzip
import json
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lzstring import LZString

from inspector.decode import codecs
from inspector.decode.errors import DecodeError
from inspector.decode.params import as_number
from inspector.decode.payloads import MAX_JSON_DEPTH, expand, expand_json, parse_json
from inspector.decode.pipeline import decode_envelope
from inspector.decode.requests import decode_request
from inspector.wire.envelope import Envelope, dump_envelope, parse_envelope
from inspector.wire.events import Hit, Request

LZ = LZString()
# Text as the tag's JavaScript holds it: UTF-16 code units, one Python character each.
JS_TEXT = st.text(alphabet=st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)), max_size=400)


@settings(max_examples=300, deadline=None)
@given(text=JS_TEXT)
def test_bounded_reader_agrees_with_the_lzstring_package(text: str) -> None:
    uri, b64 = LZ.compressToEncodedURIComponent(text), LZ.compressToBase64(text)
    assert codecs.lz_decompress(uri, codecs.LZ_URI, 10**6) == text
    assert codecs.lz_decompress(b64, codecs.LZ_BASE64, 10**6) == text


def test_a_small_payload_that_expands_to_megabytes_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = LZ.compressToEncodedURIComponent("a" * 1_500_000)
    assert len(bomb) < 3000  # under 3 KB on the wire, 1.5 MB once expanded
    with pytest.raises(DecodeError, match="expands beyond"):
        codecs.lz_decompress(bomb, codecs.LZ_URI, 200_000)
    assert len(codecs.lz_decompress(bomb, codecs.LZ_URI, 1_500_000)) == 1_500_000
    monkeypatch.setattr(codecs, "MAX_INFLATED", 200_000)  # the real limit, 16 MB, made small
    hit = decode_request(Request(method="GET", url=f"https://c.contentsquare.net/pageEvent?value={quote(bomb)}"))
    assert hit.fields["value"] == bomb  # kept raw, with the reason
    assert any("expands beyond" in note for note in hit.notes)


def test_surrogate_pairs_from_javascript_become_characters() -> None:
    text = '{"name": "café 😀"}'
    data = text.encode("utf-16-le")
    units = "".join(chr(low | high << 8) for low, high in zip(data[::2], data[1::2], strict=True))
    packed = LZ.compressToEncodedURIComponent(units)
    assert expand_json(packed) == {"name": "café 😀"}
    # A lone surrogate cannot be written as UTF-8: it becomes U+FFFD and the envelope still dumps.
    lone = LZ.compressToEncodedURIComponent("x\ud800y")
    assert expand(lone) == "x\ufffdy"
    env = decode_envelope(Envelope(seq=0, time=0.0, event=Request(
        method="GET", url=f"https://c.contentsquare.net/pageEvent?value={lone}")))
    assert parse_envelope(dump_envelope(env)) == env


def test_decoded_by_what_the_data_is_not_by_ct() -> None:
    value = {"key": "plan", "value": "pro"}
    gz = base64.b64encode(gzip.compress(json.dumps(value).encode())).decode()
    lzs = LZ.compressToEncodedURIComponent(json.dumps(value))
    assert expand_json(gz) == value  # gzip without ct=2
    assert expand_json(lzs, "2") == value  # ct=2 but lz-string data
    assert expand_json(gz, "0") == value
    with pytest.raises(DecodeError) as info:
        expand("H4sIAAAAbroken", "2")
    assert "gzip" in str(info.value)


def test_base64_gzip_survives_a_query_string_turning_plus_into_space() -> None:
    value = next(v for v in ({"n": n} for n in range(1000))
                 if "+" in base64.b64encode(gzip.compress(json.dumps(v).encode(), mtime=0)).decode())
    gz = base64.b64encode(gzip.compress(json.dumps(value).encode(), mtime=0)).decode()
    url = f"https://c.contentsquare.net/dvar?ct=2&dv={gz}"  # '+' not escaped, as some tags send it
    assert decode_request(Request(method="GET", url=url)).fields["dv"] == value


@pytest.mark.parametrize("text", ["NaN", "[Infinity]", "[-Infinity]", "[1e999]", '{"a": NaN}'])
def test_json_that_is_not_json_is_refused(text: str) -> None:
    with pytest.raises(DecodeError):
        parse_json(text)


def test_deep_json_is_kept_as_text_and_never_breaks_the_event() -> None:
    deep = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)
    with pytest.raises(DecodeError, match="nested deeper"):
        parse_json(deep)
    assert parse_json("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) is not None
    for depth in (300, 5000):
        nested = "[" * depth + "]" * depth
        for request in (Request(method="GET", url=f"https://c.contentsquare.net/events?eu={quote(nested)}"),
                        Request(method="POST", url="https://c.eu.heap-api.com/api/capture/v2/track", body=nested)):
            env = decode_envelope(Envelope(seq=0, time=0.0, event=request))
            assert isinstance(env.event, Hit) and env.event.notes
            assert parse_envelope(dump_envelope(env)) == env


@pytest.mark.parametrize(("text", "number"), [
    ("12", 12), ("-3", -3), ("1.5", 1.5), ("1e5", 100000.0), (" 7 ", 7),
    ("1_000", None), ("١٢", None), ("nan", None), ("inf", None), ("1e999", None), ("0x10", None), ("", None),
])
def test_numbers_are_plain_ascii_decimals(text: str, number: float | None) -> None:
    assert as_number(text) == number
