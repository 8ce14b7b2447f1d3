"""Collection, tag and Heap requests in the shapes of contentsquare-wire.md."""

from __future__ import annotations

import base64
import gzip
import json
from urllib.parse import quote

import pytest
from lzstring import LZString

from inspector.decode.hosts import HostRole, host_role, is_tag_host
from inspector.decode.requests import decode_request
from inspector.wire.events import HitType, PageviewType, Request

LZ = LZString()
UU = "6f1c2a3b-9d8e-a7f6-b5c4-d3e2f1a0b9c8"
PAGEVIEW = (f"https://c.contentsquare.net/pageview?pid=1234&uu={UU}&sn=2&pn=3&hd=1764330000&dw=1280&dh=2400"
            "&ww=1280&wh=720&sw=1920&sh=1080&dr=https%3A%2F%2Fwww.google.com%2F&url=https%3A%2F%2Fshop.example"
            "%2Fcart%3Fa%3D1&uc=1&la=en-US&v=15.170.2&r=123456"
            "&cvars=%7B%221%22%3A%5B%22plan%22%2C%22pro%22%5D%7D&newparam=x")


def get(url: str, **kw: object) -> Request:
    return Request(method="GET", url=url, **kw)  # type: ignore[arg-type]


def test_pageview_fields_are_typed_and_unknown_params_kept_raw() -> None:
    hit = decode_request(get(PAGEVIEW))
    assert hit.hit_type == HitType.PAGEVIEW
    assert (hit.pid, hit.uu, hit.sn, hit.pn) == (1234, UU, 2, 3)
    assert hit.page_url == "https://shop.example/cart?a=1"
    assert hit.fields["dr"] == "https://www.google.com/"
    assert hit.fields["cvars"] == {"1": ["plan", "pro"]}
    assert hit.fields["hd"] == 1764330000 and hit.fields["la"] == "en-US"
    assert hit.tag_version == "15.170.2"
    assert hit.pvt == PageviewType.NATURAL
    assert hit.unknown == {"newparam": "x"}


@pytest.mark.parametrize(("code", "pvt"), [("a", PageviewType.ARTIFICIAL), ("n", PageviewType.NATURAL),
                                           ("r", PageviewType.RENEWAL), ("zz", None)])
def test_pageview_types(code: str, pvt: PageviewType | None) -> None:
    hit = decode_request(get(f"{PAGEVIEW}&pvt={code}"))
    assert hit.pvt == pvt
    # The field's decoded value is the type's name; a code nobody knows stays as sent, with a note.
    assert hit.fields["pvt"] == (pvt.value if pvt else code)
    assert any("not a known pageview type" in note for note in hit.notes) == (pvt is None)


@pytest.mark.parametrize("host", ["c.contentsquare.net", "c.ba.contentsquare.net", "c.az.contentsquare.net",
                                  "ca.contentsquare.net", "ca.az.contentsquare.net", "c.clicktale.net"])
def test_every_collection_host_decodes(host: str) -> None:
    hit = decode_request(get(PAGEVIEW.replace("c.contentsquare.net", host)))
    assert hit.hit_type == HitType.PAGEVIEW and hit.uu == UU and hit.host == host


def test_pageview_post_with_form_body() -> None:
    req = Request(method="POST", url=f"https://c.contentsquare.net/pageview?pid=1&uu={UU}&sn=1&pn=1",
                  headers=(("Content-Type", "application/x-www-form-urlencoded"),),
                  body="cvarp=%7B%222%22%3A%5B%22k%22%2C%22v%22%5D%7D&extra=1")
    hit = decode_request(req)
    assert hit.fields["cvarp"] == {"2": ["k", "v"]} and hit.unknown == {"extra": "1"}


def test_events_from_query_and_from_body() -> None:
    eu = json.dumps([[0, 12, 30], [1, 13, "a#b"]])
    hit = decode_request(get(f"https://c.contentsquare.net/events?pid=1&uu={UU}&sn=1&pn=2&eu={quote(eu)}"))
    assert hit.hit_type == HitType.EVENTS and hit.fields["eu"] == [[0, 12, 30], [1, 13, "a#b"]]
    post = decode_request(Request(method="POST", url=f"https://c.contentsquare.net/events?pid=1&uu={UU}&sn=1&pn=2",
                                  body=eu))
    assert post.fields["body"] == [[0, 12, 30], [1, 13, "a#b"]]
    garbage = decode_request(Request(method="POST", url="https://c.contentsquare.net/events", body="\x00\x01zz"))
    assert garbage.fields["body"] == "\x00\x01zz" and any("kept raw" in n for n in garbage.notes)


def test_dvar_lz_string_both_alphabets_and_ct2_gzip() -> None:
    value = {"key": "plan", "value": "pro"}
    uri = LZ.compressToEncodedURIComponent(json.dumps(value))
    b64 = LZ.compressToBase64(json.dumps(value)).replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    gz = base64.b64encode(gzip.compress(json.dumps(value).encode())).decode()
    for url in (f"https://c.contentsquare.net/dvar?dv={uri}", f"https://c.contentsquare.net/dvar?dv={b64}",
                f"https://c.contentsquare.net/dvar?ct=2&dv={gz.replace('+', '%2B')}"):
        hit = decode_request(get(url))
        assert hit.hit_type == HitType.DVAR and hit.fields["dv"] == value, url


def test_page_event_value_expanded_and_bad_payload_kept_with_note() -> None:
    name = "@user-identifier@cust-1"
    hit = decode_request(get(f"https://c.contentsquare.net/pageEvent?value={LZ.compressToEncodedURIComponent(name)}&isETR=1"))
    assert hit.hit_type == HitType.PAGE_EVENT and hit.fields["value"] == name and hit.fields["isETR"] == 1
    bad = decode_request(get("https://c.contentsquare.net/dvar?ct=2&dv=H4sIAAAAbroken"))
    assert bad.fields["dv"] == "H4sIAAAAbroken" and bad.notes


@pytest.mark.parametrize(("url", "kind"), [
    ("https://c.contentsquare.net/transaction?pid=1&id=T1&rev=10.5&cur=EUR", HitType.TRANSACTION),
    ("https://c.contentsquare.net/errors?pid=1", HitType.ERRORS),
    ("https://k-aeu1.contentsquare.net/v2/recording?pid=1&uu=x&sn=1&pn=1", HitType.RECORDING),
    ("https://q-aeu1.contentsquare.net/quota?pid=1", HitType.QUOTA),
    ("https://k-aeu1.contentsquare.net/quota?pid=1", HitType.QUOTA),
    ("https://t.contentsquare.net/uxa/0123456789abc.js", HitType.TAG),
    ("https://c.contentsquare.net/something-new?x=1", HitType.OTHER),
])
def test_other_collection_paths(url: str, kind: HitType) -> None:
    assert decode_request(get(url)).hit_type == kind


def test_heap_classic_and_capture_api() -> None:
    classic = decode_request(get("https://heapanalytics.com/api/identify_v3?a=42&u=777&v=8&s=9&i=cust-1&b=web"))
    assert classic.hit_type == HitType.HEAP_IDENTIFY and classic.identity == "cust-1"
    assert classic.fields["env_id"] == "42" and classic.fields["library"] == "web" and classic.unknown == {}
    body = json.dumps({"env_id": "42", "user_id": "777", "properties": {"plan": "pro"}})
    props = decode_request(Request(method="POST", url="https://mh.bf.contentsquare.net/api/capture/v2/add_user_properties",
                                   body=body))
    assert props.hit_type == HitType.HEAP_USER_PROPERTIES and props.properties == {"plan": "pro"}
    track = decode_request(Request(method="POST", url="https://c.eu.heap-api.com/api/capture/v2/track", body="\x08proto"))
    assert track.hit_type == HitType.HEAP_TRACK and any("not JSON" in n for n in track.notes)
    assert track.fields["body"] == "\x08proto"


def test_binary_base64_body_is_kept_with_a_note() -> None:
    req = Request(method="POST", url="https://k-aeu1.contentsquare.net/v2/recording", body="/wD+", body_encoding="base64")
    hit = decode_request(req)
    assert hit.request.body == "/wD+" and any("binary body" in n for n in hit.notes)


def test_host_roles_and_extra_hosts() -> None:
    assert host_role("C.ContentSquare.net:443") == HostRole.COLLECTION
    assert host_role("example.com") is None and not is_tag_host("contentsquare.net.evil.com")
    assert is_tag_host("collect.my-proxy.example", extra=("*.my-proxy.example",))
    assert is_tag_host("cdn.example", extra=("cdn.example",))


def test_beacon_form_body_sent_as_text_plain_is_read_as_parameters() -> None:
    req = Request(method="POST", url="https://c.contentsquare.net/pageview",
                  headers=(("content-type", "text/plain;charset=UTF-8"),),
                  body=f"pid=1234&uu={UU}&sn=2&pn=1&pvt=r&url=https%3A%2F%2Fshop.example%2F")
    hit = decode_request(req)
    assert (hit.pid, hit.uu, hit.sn, hit.pn, hit.pvt) == (1234, UU, 2, 1, PageviewType.RENEWAL)
    assert hit.page_url == "https://shop.example/" and "body" not in hit.fields


@pytest.mark.parametrize("body", [
    LZ.compressToBase64(json.dumps([[0, 1, 2]])),  # may end in '=': not a form
    "N4Ig=",
    "hello=world",  # no known parameter name
])
def test_payload_text_is_not_mistaken_for_a_form(body: str) -> None:
    hit = decode_request(Request(method="POST", url="https://c.contentsquare.net/events?pid=1", body=body))
    assert "body" in hit.fields and "hello" not in hit.unknown


def test_post_pageview_with_a_json_body_takes_missing_ids_from_it() -> None:
    body = json.dumps({"pid": 1234, "uu": UU, "sn": 4, "pn": "2", "url": "https://shop.example/a",
                       "properties": {"plan": "pro"}})
    hit = decode_request(Request(method="POST", url="https://c.contentsquare.net/pageview?v=15.2.0", body=body))
    assert (hit.pid, hit.uu, hit.sn, hit.pn) == (1234, UU, 4, 2) and hit.page_url == "https://shop.example/a"
    assert hit.fields["body"]["properties"] == {"plan": "pro"}  # type: ignore[index,call-overload]
    assert any("taken from the JSON body" in note for note in hit.notes)
    # The query wins over the body when both say something.
    query_first = decode_request(Request(method="POST", url=f"https://c.contentsquare.net/pageview?uu=q-{UU}", body=body))
    assert query_first.uu == f"q-{UU}"


def test_heap_batch_body_speaks_through_its_first_identity_call() -> None:
    batch = [{"type": "track", "event": "x"}, {"identity": "cust-9", "user_id": "1"}, {"identity": "later"}]
    hit = decode_request(Request(method="POST", url="https://c.us.heap-api.com/api/capture/v2/identify",
                                 body=json.dumps(batch)))
    assert hit.identity == "cust-9" and hit.fields["body"] == batch


def test_json_parameters_encoded_twice_or_compressed_are_still_read() -> None:
    twice = "cvars=%257B%25221%2522%253A%255B%2522a%2522%252C%2522b%2522%255D%257D"
    assert decode_request(get(f"https://c.contentsquare.net/pageview?{twice}")).fields["cvars"] == {"1": ["a", "b"]}
    packed = LZ.compressToEncodedURIComponent(json.dumps([[1, 2]]))
    assert decode_request(get(f"https://c.contentsquare.net/events?eu={packed}")).fields["eu"] == [[1, 2]]
    broken = decode_request(get("https://c.contentsquare.net/pageview?cvars=%25E0%25A4%25A"))
    assert broken.fields["cvars"] == "%E0%A4%A" and broken.notes


def test_dvar_that_expands_to_plain_text_shows_the_text() -> None:
    packed = LZ.compressToEncodedURIComponent("plan=pro")
    assert decode_request(get(f"https://c.contentsquare.net/dvar?dv={packed}")).fields["dv"] == "plan=pro"


def test_events_get_with_an_lz_string_e_parameter_is_decoded_like_an_eu_body() -> None:
    interactions = [[1, 2, "click", "#buy"], [5, 0]]
    packed = LZ.compressToEncodedURIComponent(json.dumps(interactions))
    hit = decode_request(get(f"https://c.contentsquare.net/events?pid=1234&uu={UU}&sn=2&pn=3&e={packed}"))
    assert hit.hit_type == HitType.EVENTS and hit.fields["e"] == interactions and hit.unknown == {}
    base64_alphabet = decode_request(get(f"https://c.contentsquare.net/events?pid=1&e={quote(LZ.compressToBase64(json.dumps(interactions)), safe='')}"))
    assert base64_alphabet.fields["e"] == interactions
    # Elsewhere `e` means nothing known: raw.
    assert decode_request(get(f"https://c.contentsquare.net/pageview?pid=1&e={packed}")).unknown == {"e": packed}


@pytest.mark.parametrize("value", ["", "@@@", "NrCMBoAICYoIgMYBsCWCDWcC6", "H4sIAAAAAAAAA"])
def test_events_e_that_does_not_decode_is_kept_raw_with_a_note(value: str) -> None:
    hit = decode_request(get(f"https://c.contentsquare.net/events?pid=1&e={value}"))
    assert hit.hit_type == HitType.EVENTS and hit.fields["e"] == (value or None)
    assert value == "" or any(note.startswith("e: not JSON") and "nor compressed JSON" in note for note in hit.notes)
