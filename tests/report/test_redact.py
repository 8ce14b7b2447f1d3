"""Keyed pseudonyms: consistent within a key, unlinkable across keys, shape-keeping, thorough."""

from __future__ import annotations

import base64
import gzip
import json
import re
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lzstring import LZString

from inspector.decode import codecs
from inspector.report.redact import Pseudonyms, Redactor
from inspector.wire.envelope import Envelope, dump_envelope
from inspector.wire.events import Command, Request, Result, Storage

KEY, OTHER_KEY = b"k" * 32, b"o" * 32
EMAIL = "marie.curie@example.org"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}")


def env(seq: int, event: object) -> Envelope:
    return Envelope(seq=seq, time=1_764_330_000.0 + seq, device="laptop", event=event)  # type: ignore[arg-type]


def test_same_value_same_pseudonym_other_key_other_pseudonym() -> None:
    a, b = Pseudonyms(KEY), Pseudonyms(OTHER_KEY)
    assert a.of("customer-42", "identity") == a.of("customer-42", "identity")
    assert a.of("customer-42", "identity") != b.of("customer-42", "identity")
    assert a.of("customer-42", "identity") != a.of("customer-43", "identity")


def test_pseudonyms_keep_the_shape_checks_depend_on() -> None:
    names = Pseudonyms(KEY)
    assert UUID.fullmatch(names.of("6f1c2a3b-9d8e-4a7f-b5c4-d3e2f1a0b9c8", "user"))
    assert names.of(EMAIL, "identity").endswith("@example.invalid")
    assert names.of(EMAIL, "identity") == names.of(EMAIL, "text")  # an e-mail is one person wherever it is


def test_every_place_a_value_can_hide_is_rewritten_consistently() -> None:
    body = base64.b64encode(gzip.compress(json.dumps({"identity": EMAIL, "sn": "3"}).encode())).decode()
    events = [
        env(0, Command(payload=["identify", EMAIL], tag_loaded=True, page_url=f"https://s.test/?u={EMAIL}")),
        env(1, Result(call_id="c", name="getIdentity", returned="abcdef0123456789", has_return=True)),
        env(2, Storage(cookies={"_cs_id": "6f1c2a3b-9d8e-4a7f-b5c4-d3e2f1a0b9c8.1.2.3", "sid": "s3cr3t-value"})),
        env(3, Request(method="POST", url="https://c.contentsquare.net/events?uu=6f1c2a3b-9d8e-4a7f-b5c4-d3e2f1a0b9c8",
                       headers=(("Cookie", "sid=s3cr3t-value; _cs_id=6f1c2a3b-9d8e-4a7f-b5c4-d3e2f1a0b9c8.1"),
                                ("Authorization", "Bearer abc.def.ghi")),
                       body=body, body_encoding="base64")),
        env(4, Request(method="POST", url="https://x.test/", body="\x00\x01", body_encoding="text")),
        env(5, Command(payload=["trackPageEvent", f"@user-identifier@{EMAIL}"], tag_loaded=True)),
    ]
    redactor = Redactor(KEY)
    out = redactor.redact(events)
    text = "\n".join(dump_envelope(e) for e in out)
    for secret in (EMAIL, "6f1c2a3b-9d8e-4a7f-b5c4-d3e2f1a0b9c8", "abcdef0123456789", "s3cr3t-value",
                   "abc.def.ghi", "marie.curie%40example.org"):
        assert secret not in text
    assert [e.seq for e in out] == [0, 1, 2, 3, 4, 5]
    identity = out[0].event.payload[1]  # type: ignore[union-attr,index]
    inner = json.loads(gzip.decompress(base64.b64decode(out[3].event.body)))  # type: ignore[union-attr]
    assert inner == {"identity": identity, "sn": "3"}  # opened, rewritten, closed again; counters kept
    user = redactor.names.lookup("6f1c2a3b-9d8e-4a7f-b5c4-d3e2f1a0b9c8")
    assert user is not None and text.count(user) == 3
    assert KEY.decode() not in text and KEY.hex() not in text


def test_binary_bodies_that_cannot_be_opened_are_removed_not_kept() -> None:
    raw = base64.b64encode(b"\x08\x96\x01secret-protobuf-identity").decode()
    (out,) = Redactor(KEY).redact([env(0, Request(method="POST", url="https://x.test/", body=raw,
                                                  body_encoding="base64"))])
    assert "secret-protobuf" not in dump_envelope(out)
    assert "removed by redaction" in out.event.body  # type: ignore[union-attr]


@settings(max_examples=60, deadline=None)
@given(payload=st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                       max_size=4),
                            max_leaves=12),
       url=st.text(max_size=60), cookie=st.text(max_size=30))
def test_whatever_a_page_sends_redaction_never_raises_and_keeps_every_event(payload: object, url: str,
                                                                            cookie: str) -> None:
    events = [env(0, Command(payload=payload)),  # type: ignore[arg-type]
              env(1, Command(payload=["identify", payload])),  # type: ignore[list-item]
              env(2, Command(payload=["addUserProperties", payload])),  # type: ignore[list-item]
              env(3, Request(method="GET", url=url, body=url, headers=(("Cookie", cookie),))),
              env(4, Storage(cookies={"_cs_id": cookie, "_cs_s_ctx": cookie, "other": cookie}))]
    out = Redactor(KEY).redact(events)
    assert [e.seq for e in out] == [0, 1, 2, 3, 4]


def test_compression_bombs_and_broken_gzip_are_removed_not_opened_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    # The codecs' limit (16 MB) made small, so the bomb can stay small too.
    monkeypatch.setattr(codecs, "MAX_INFLATED", 1_000_000)
    bomb = base64.b64encode(gzip.compress(b'{"x": "' + b"a" * 3_000_000 + b'"}')).decode()
    broken = "H4sI" + "A" * 40  # gzip's header, then nothing that inflates
    lz_bomb = LZString().compressToEncodedURIComponent('{"x": "' + "a" * 3_000_000 + '"}')
    url = f"https://c.contentsquare.net/dvar?dv={broken}&dv2={quote(bomb, safe='')}&dv3={lz_bomb}"
    (out,) = Redactor(KEY).redact([env(0, Request(method="POST", url=url, body=bomb, body_encoding="base64"))])
    assert out.event.body == f"[binary body of {len(bomb) * 3 // 4} bytes removed by redaction]"  # type: ignore[union-attr]
    query = dict(parse_qsl(urlsplit(out.event.url).query))  # type: ignore[union-attr]
    assert query["dv"] == query["dv2"] == "[compressed value removed by redaction]"
    assert query["dv3"] != lz_bomb and len(query["dv3"]) < 100  # not opened: pseudonymised whole


def test_heap_property_pairs_keep_their_names_and_lose_their_values() -> None:
    # sp/pp repeat as name, value, name, value...: the referrer, a title and a custom value are personal.
    pairs = [("a", "5551234"), ("u", "3141592653589793"),
             ("sp", "r"), ("sp", f"https://search.example/?q={EMAIL}"), ("sp", "plan"), ("sp", "gold-for-marie"),
             ("pp", "t"), ("pp", "Welcome back, Marie Curie"), ("pp", "ts"), ("pp", "1764330000000")]
    url = "https://heapanalytics.com/h?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in pairs)
    out = Redactor(KEY).redact([env(0, Request(method="GET", url=url))])
    kept = parse_qsl(urlsplit(out[0].event.url).query)  # type: ignore[union-attr]
    assert [k for k, _ in kept] == [k for k, _ in pairs]
    assert [v for k, v in kept if k in ("sp", "pp")][::2] == ["r", "plan", "t", "ts"]  # property names
    text = dump_envelope(out[0])
    for secret in (EMAIL, "marie.curie%40example.org", "gold-for-marie", "Marie Curie", "Marie%20Curie"):
        assert secret not in text
