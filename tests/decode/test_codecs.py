"""decode.codecs: the one bounded opener of base64, gzip and lz-string blobs."""

from __future__ import annotations

import base64
import gzip
import zlib

import pytest
from lzstring import LZString

from inspector.decode import codecs
from inspector.decode.errors import DecodeError


def test_gzip_is_opened_up_to_the_limit_and_refused_beyond_it() -> None:
    bomb = gzip.compress(b"\x00" * 8_000_000)
    assert len(bomb) < 10_000
    assert codecs.gunzip(bomb, limit=8_000_000) == b"\x00" * 8_000_000
    with pytest.raises(DecodeError, match="expands beyond 1000000 bytes"):
        codecs.gunzip(bomb, limit=1_000_000)


def test_broken_gzip_is_a_decode_error_never_a_zlib_error() -> None:
    for data in (b"\x1f\x8b\x08" + b"\x00" * 30, gzip.compress(b"hello")[:-12], b"\x1f\x8b garbage"):
        with pytest.raises(DecodeError):
            codecs.gunzip(data)
    assert not isinstance(DecodeError("x"), zlib.error)


def test_base64_in_every_form_the_tag_and_files_send() -> None:
    data = bytes(range(256))
    standard = base64.b64encode(data).decode()
    assert codecs.b64decode(standard) == data
    assert codecs.b64decode(base64.urlsafe_b64encode(data).decode().rstrip("=")) == data
    assert codecs.b64decode(standard.replace("+", " ")) == data  # a query string's '+' became ' '
    assert codecs.b64decode("\n".join(standard[i:i + 76] for i in range(0, len(standard), 76))) == data
    with pytest.raises(DecodeError, match="not base64"):
        codecs.b64decode("abc$def")


def test_lz_string_round_trips_and_stays_bounded() -> None:
    for alphabet in (codecs.LZ_URI, codecs.LZ_BASE64):
        packed = codecs.lz_compress('{"a": "é"}', alphabet)
        assert codecs.lz_decompress(packed, alphabet) == '{"a": "é"}'
    bomb = LZString().compressToEncodedURIComponent("a" * 500_000)
    with pytest.raises(DecodeError, match="expands beyond"):
        codecs.lz_decompress(bomb, codecs.LZ_URI, limit=100_000)
