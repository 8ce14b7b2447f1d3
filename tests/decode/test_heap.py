"""Heap's classic query protocol, in the shapes heap.js 4.0 and the iOS SDK send (our own values):
pageviews, identify calls, screens, event batches, and the edge shapes real captures have."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest

from inspector.decode.heap_events import MAX_ELEMENTS, parse_hierarchy
from inspector.decode.requests import decode_request
from inspector.wire.events import Hit, HitType, Request

ENV, USER, SESSION, VIEW = "5551234", "3141592653589793", "1618033988749894", "2718281828459045"
WEB = [("a", ENV), ("u", USER), ("v", VIEW), ("s", SESSION), ("b", "web"), ("tv", "4.0")]
SESSION_PAIRS = [("sp", "r"), ("sp", "https://search.example/?q=boots"), ("sp", "ts"), ("sp", "1764329000000"),
                 ("sp", "d"), ("sp", "www.shop.example"), ("sp", "h"), ("sp", "/")]
PAGE_PAIRS = [("pp", "d"), ("pp", "www.shop.example"), ("pp", "h"), ("pp", "/signup"), ("pp", "q"),
              ("pp", "?step=2"), ("pp", "g"), ("pp", "#email"), ("pp", "t"), ("pp", "Sign up | Shop"),
              ("pp", "ts"), ("pp", "1764330000000")]
CHECKOUT_LINK = "@div;#app;|@nav;.top;[role=navigation];|@a;.btn;.btn-primary;[href=/checkout];|"


def heap(path: str, pairs: list[tuple[str, str]]) -> Hit:
    return decode_request(Request(method="GET", url=f"https://heapanalytics.com{path}?{urlencode(pairs, quote_via=quote)}"))


def batch(*events: list[tuple[str, str]], sent: bool = True) -> list[tuple[str, str]]:
    pairs = [*WEB, *SESSION_PAIRS, *PAGE_PAIRS]
    for index, event in enumerate(events):
        pairs += [(f"{key}{index}", value) for key, value in event]
    return pairs + ([("st", "1764330009000")] if sent else [])


CLICK = [("id", "7000000000000001"), ("t", "click"), ("n", "a"), ("c", "btn btn-primary"),
         ("h", "https://www.shop.example/checkout"), ("y", CHECKOUT_LINK), ("ts", "1764330001000"), ("x", "Checkout")]
CHANGE = [("id", "7000000000000002"), ("t", "change"), ("n", "input"), ("c", "form-control"), ("i", "email"),
          ("y", "@form;#signup;[data-bind=submit: save; reset: clear];|@input;#email;[type=email];|"),
          ("ts", "1764330002000")]
SUBMIT = [("id", "7000000000000003"), ("t", "submit"), ("n", "form"), ("i", "signup"),
          ("y", "@div;#app;|@form;#signup;|"), ("ts", "1764330003000")]


def test_web_pageview_is_a_pageview_with_its_page_session_and_user_named() -> None:
    hit = heap("/h", [*WEB[:4], ("i", "cust-77"), *WEB[4:], ("z", "2"), ("h", "/shop/cart"),
                      ("d", "www.shop.example"), ("t", "Cart | Shop"), ("r", "https://www.shop.example/"),
                      ("ts", "1764330000123"), ("pr", "/shop"), *SESSION_PAIRS, ("st", "1764330000200")])
    assert hit.hit_type == HitType.HEAP_PAGEVIEW and hit.identity == "cust-77"
    assert (hit.fields["env_id"], hit.fields["user_id"], hit.fields["session_id"], hit.fields["pageview_id"]) \
        == (ENV, USER, SESSION, VIEW)
    assert {k: hit.fields[k] for k in ("library", "protocol_version", "path", "domain", "title", "referrer")} == {
        "library": "web", "protocol_version": "4.0", "path": "/shop/cart", "domain": "www.shop.example",
        "title": "Cart | Shop", "referrer": "https://www.shop.example/"}
    assert hit.fields["time_ms"] == 1764330000123 and hit.fields["sent_ms"] == 1764330000200
    assert hit.fields["previous_path"] == "/shop" and hit.fields["state"] == 2
    assert hit.fields["session_properties"] == {"referrer": "https://search.example/?q=boots",
                                                "time_ms": 1764329000000, "domain": "www.shop.example", "path": "/"}
    assert "identity" not in hit.fields  # the hit's own (masked) slot, not a field
    assert hit.unknown == {}
    guesses = [n for n in hit.notes if n.startswith("named by guess: ")]
    assert len(guesses) == 1
    for name in ("state (z)", "previous_path (pr)", "sent_ms (st)", "protocol_version (tv)"):
        assert name in guesses[0]


def test_identify_v3_is_an_identify_with_heap_user_and_session() -> None:
    hit = heap("/api/identify_v3", [*WEB[:4], ("i", "jane@example.com"), *WEB[4:], ("z", "0"), ("st", "1764330000001")])
    assert hit.hit_type == HitType.HEAP_IDENTIFY and hit.identity == "jane@example.com"
    assert hit.fields["user_id"] == USER and hit.fields["session_id"] == SESSION and hit.fields["state"] == 0
    assert hit.uu is None and hit.sn is None  # Heap's ids are not the tag's uu / sn
    empty = heap("/api/identify_v3", [*WEB, ("i", ""), ("st", "1")])
    assert empty.hit_type == HitType.HEAP_IDENTIFY and empty.identity is None  # Heap ignores an empty identity


def test_ios_screen_and_identify_are_named_for_the_sdk() -> None:
    common = [("a", "9876543210"), ("s", SESSION), ("v", VIEW), ("b", "ios"), ("tv", "3.0"), ("lv", "9.1.0"),
              ("u", USER)]
    screen = heap("/h", [*common, ("m", "Shop App"), ("p", "2.3.4"), ("g", ""), ("o", "arm64"), ("f", "iOS 17.2"),
                         ("vid", "0A1B2C3D-4E5F-4061-8293-A4B5C6D7E8F9"), ("z", "1"), ("ts", "1764330000000"),
                         ("h", "Shop.CartViewController"), ("t", "Cart"), ("d", ""), ("y", ""),
                         ("st", "1764330000001")])
    assert screen.hit_type == HitType.HEAP_PAGEVIEW
    assert {k: screen.fields[k] for k in ("screen", "title", "app_name", "app_version", "library_version",
                                          "device_model", "os", "vendor_id", "carrier")} == {
        "screen": "Shop.CartViewController", "title": "Cart", "app_name": "Shop App", "app_version": "2.3.4",
        "library_version": "9.1.0", "device_model": "arm64", "os": "iOS 17.2",
        "vendor_id": "0A1B2C3D-4E5F-4061-8293-A4B5C6D7E8F9", "carrier": ""}
    assert "path" not in screen.fields and screen.unknown == {"d": "", "y": ""}  # not known on iOS: raw
    assert any("carrier (g)" in n for n in screen.notes)
    identify = heap("/api/identify_v3", [*common, ("i", "jane@example.com"), ("st", "1764330000002")])
    assert identify.hit_type == HitType.HEAP_IDENTIFY and identify.identity == "jane@example.com"


def test_event_batch_becomes_click_change_submit_events_with_targets() -> None:
    hit = heap("/h", batch(CLICK, CHANGE, SUBMIT))
    assert hit.hit_type == HitType.HEAP_TRACK
    assert hit.fields["page_properties"] == {"domain": "www.shop.example", "path": "/signup", "query": "?step=2",
                                             "hash": "#email", "title": "Sign up | Shop", "time_ms": 1764330000000}
    click, change, submit = hit.fields["events"]  # type: ignore[misc]
    assert click == {"index": 0, "type": "click", "event_id": "7000000000000001", "time_ms": 1764330001000,
                     "target": {"tag": "a", "class": "btn btn-primary", "href": "https://www.shop.example/checkout",
                                "text": "Checkout", "hierarchy": [
                                    {"tag": "div", "id": "app"},
                                    {"tag": "nav", "classes": ["top"], "attributes": {"role": "navigation"}},
                                    {"tag": "a", "classes": ["btn", "btn-primary"],
                                     "attributes": {"href": "/checkout"}}]}}
    assert change["type"] == "change" and change["target"]["id"] == "email"  # type: ignore[index,call-overload]
    form = change["target"]["hierarchy"][0]  # type: ignore[index,call-overload]
    assert form["attributes"] == {"data-bind": "submit: save; reset: clear"}  # a ';' inside an attribute value
    assert submit["type"] == "submit" and submit["target"]["tag"] == "form"  # type: ignore[index,call-overload]
    assert not any("events missing" in n or "cut short" in n for n in hit.notes)


def test_truncated_batch_keeps_what_arrived_and_says_so() -> None:
    cut = [("id", "7000000000000004"), ("t", "cli")]  # the URL stopped here
    hit = heap("/h", batch(CLICK, CHANGE, [], cut[:1], sent=False))
    events = hit.fields["events"]
    assert [e["index"] for e in events] == [0, 1, 3]  # type: ignore[index,union-attr]
    notes = " | ".join(hit.notes)
    assert "events missing from the batch (indexes 2)" in notes
    assert "event 3 has no type (t3)" in notes and "no st (sent_ms)" in notes
    mid_element = heap("/h", batch([("id", "1"), ("t", "click"), ("y", "@div;#app;|@a;.bt")]))
    assert mid_element.fields["events"][0]["target"]["hierarchy"][-1] == {  # type: ignore[index,call-overload]
        "tag": "a", "classes": ["bt"]}
    assert any("does not end with '|'" in n for n in mid_element.notes)


def test_empty_values_repeated_keys_and_unknown_keys() -> None:
    pairs = [*WEB, ("u", "999"), ("h", ""), ("t", ""), ("sp", "h"), ("sp", "/a"), ("sp", "h"), ("sp", "/b"),
             ("sp", "utm_x"), ("sp", "1"), ("sp", ""), ("sp", ""), ("pp", "d"), ("id0", "1"), ("t0", ""),
             ("n0", ""), ("zz0", "odd"), ("new", "x"), ("st", "5")]
    hit = heap("/h", pairs)
    assert hit.fields["user_id"] == USER and any("'u' repeated 2 times" in n for n in hit.notes)
    assert hit.fields["path"] == "" and hit.fields["title"] == "" and hit.hit_type == HitType.HEAP_PAGEVIEW
    assert hit.fields["session_properties"] == {"path": ["/a", "/b"], "utm_x": "1", "": ""}
    assert hit.fields["page_properties"] == {"domain": None}
    assert hit.fields["events"] == [{"index": 0, "type": "", "event_id": "1", "target": {"tag": ""},
                                     "unknown": {"zz0": "odd"}}]
    assert hit.unknown == {"new": "x"}
    notes = " | ".join(hit.notes)
    assert "key 'h' sent more than once" in notes and "keys not known, kept as sent: 'utm_x', ''" in notes
    assert "pp: an odd number of values, the last key 'd' has no value" in notes
    assert "type '' is not one heap.js autocaptures" in notes


def test_numbers_that_are_not_numbers_and_unknown_libraries() -> None:
    hit = heap("/h", [*WEB, ("ts", "soon"), ("z", "9x"), ("h", "/"), ("st", "1")])
    assert hit.fields["time_ms"] == "soon" and hit.fields["state"] == "9x"
    assert any("ts='soon' is not a number" in n for n in hit.notes)
    android = heap("/h", [("a", ENV), ("b", "android"), ("h", "Main"), ("st", "1")])
    assert android.fields["library"] == "android" and android.unknown == {"h": "Main"}
    assert any("only the parameters every library sends are named" in n for n in android.notes)
    bare = heap("/h", [("a", ENV), ("h", "/")])
    assert bare.fields["path"] == "/" and any("library (b) not sent" in n for n in bare.notes)


def test_an_unrelated_parameter_ending_in_a_digit_is_not_an_event() -> None:
    hit = heap("/h", [*WEB, ("h", "/"), ("utm1", "x"), ("x2", "y"), ("st", "1")])
    assert "events" not in hit.fields and hit.unknown == {"utm1": "x", "x2": "y"}


@pytest.mark.parametrize("text", ["div > a", "@div;#a;~odd;|", "|||", "@;|"])
def test_hierarchy_in_another_shape_is_kept_as_sent(text: str) -> None:
    parsed, notes = parse_hierarchy(text)
    if text in ("|||", "@;|"):
        assert isinstance(parsed, list) and not notes  # empty elements, or an element with no tag name
    else:
        assert parsed == text and "kept as sent" in notes[0]


def test_hierarchy_bounds_and_open_attributes() -> None:
    deep = "@div;|" * (MAX_ELEMENTS + 1)
    assert parse_hierarchy(deep) == (deep, [f"hierarchy deeper than {MAX_ELEMENTS} elements, kept as sent"])
    assert len(parse_hierarchy("@div;|" * MAX_ELEMENTS)[0]) == MAX_ELEMENTS  # type: ignore[arg-type]
    # An attribute cut short keeps what arrived; ';' runs inside one stay in its value.
    assert parse_hierarchy("@a;[title=x;;y]")[0] == [{"tag": "a", "attributes": {"title": "x;;y"}}]
    assert parse_hierarchy("@a;[title=x;")[0] == [{"tag": "a", "attributes": {"title": "x"}}]
