"""``uxa-inspector decode``: bodies from standard input, hosts outside the tag, unreadable arguments."""

from __future__ import annotations

import base64
import gzip
import json
import re
import subprocess
import sys
from urllib.parse import quote

from lzstring import LZString

U1 = "6f1c2a3b-9d8e-4a7f-b5c4-d3e2f1a0b9c8"


def run_cli(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "inspector.cli", "decode", *args], input=stdin,
                          capture_output=True, timeout=60, check=False)


def test_post_body_from_stdin_expanded_and_cookies_summarised() -> None:
    body = LZString().compressToBase64(json.dumps([[1, 2, "click"]]))
    out = run_cli("https://c.contentsquare.net/events?pid=7&ct=0", "--body", "-", "--format", "json",
                  stdin=body.encode())
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["method"] == "POST" and data["fields"]["body"] == [[1, 2, "click"]] and data["fields"]["pid"] == 7
    text = run_cli("https://c.contentsquare.net/pageview?pid=1", "--cookie", f"_cs_id={U1}.1.5.1.1.1.1; _cs_s=3.0.1")
    assert text.returncode == 0 and f"user {U1}, session 5, page 3" in text.stdout.decode()


def test_binary_stdin_and_foreign_hosts_are_shown_not_fatal() -> None:
    out = run_cli("https://k-aeu1.contentsquare.net/v2/recording", "--body", "-", "--format", "json",
                  stdin=b"\xff\xfe\x00\x01")
    assert out.returncode == 0 and "binary body of 4 bytes" in json.loads(out.stdout)["notes"][0]
    other = run_cli("https://shop.example/cart?a=1", "--format", "json")
    data = json.loads(other.stdout)
    assert data["kind"] == "other" and data["unknown"] == {"a": "1"}
    assert any("not one of the tag's hosts" in note for note in data["notes"])


def test_unreadable_arguments_exit_2_with_one_line() -> None:
    for args in (["https://c.contentsquare.net/", "--method", "G T"], ["c.contentsquare.net/pageview"],
                 ["http://[::1/pageview"]):
        out = run_cli(*args)
        err = out.stderr.decode()
        assert out.returncode == 2 and err.count("\n") == 1 and err.startswith("uxa-inspector decode: "), args
        assert out.stdout == b""


def decode_json(*args: str) -> dict[str, object]:
    out = run_cli(*args, "--format", "json")
    assert out.returncode == 0, out.stderr
    data: dict[str, object] = json.loads(out.stdout)
    return data


HEAP_WEB = "https://heapanalytics.com/h?a=5551234&u=3141592653589793&v=2718281828459045&s=1618033988749894&b=web&tv=4.0"


def test_heap_web_pageview_and_identify_decode_to_named_fields() -> None:
    page = decode_json(f"{HEAP_WEB}&i=cust-77&z=2&h=%2Fcart&d=shop.example&t=Cart&r=https%3A%2F%2Fshop.example%2F"
                       "&ts=1764330000123&pr=%2F&sp=r&sp=https%3A%2F%2Fsearch.example%2F&sp=ts&sp=1764329000000"
                       "&st=1764330000200")
    assert page["kind"] == "heap_pageview" and page["unknown"] == {}
    assert page["ids"] == {"identity": "cust-77"}
    fields = page["fields"]
    assert isinstance(fields, dict)
    assert fields["path"] == "/cart" and fields["title"] == "Cart" and fields["session_id"] == "1618033988749894"
    assert fields["session_properties"] == {"referrer": "https://search.example/", "time_ms": 1764329000000}
    assert any("named by guess: " in n for n in page["notes"])  # type: ignore[attr-defined]
    identify = decode_json(HEAP_WEB.replace("/h?", "/api/identify_v3?") + "&i=cust-77&z=0&st=1764330000300")
    assert identify["kind"] == "heap_identify" and identify["ids"] == {"identity": "cust-77"}


def test_heap_event_batch_decodes_to_events_in_json_and_one_line_each_in_text() -> None:
    url = (f"{HEAP_WEB}&pp=h&pp=%2Fsignup&id0=11&t0=click&n0=button&x0=Join&y0=%40form%3B%23join%3B%7C"
           "%40button%3B.cta%3B%7C&ts0=1764330001000&id1=12&t1=submit&n1=form&i1=join&ts1=1764330002000&st=1764330002100")
    data = decode_json(url)
    assert data["kind"] == "heap_track"
    events = data["fields"]["events"]  # type: ignore[index]
    assert [(e["type"], e["target"]["tag"]) for e in events] == [("click", "button"), ("submit", "form")]
    assert events[0]["target"]["hierarchy"][1] == {"tag": "button", "classes": ["cta"]}
    text = run_cli(url).stdout.decode()
    assert re.search(r"^  events +2 items$", text, re.MULTILINE)
    assert '    [1]  {"index": 1, "type": "submit"' in text


def test_heap_ios_screen_decodes_to_named_fields() -> None:
    data = decode_json("https://heapanalytics.com/h?a=9876543210&s=1&v=2&b=ios&tv=3.0&lv=9.1.0&u=3&m=Shop%20App"
                       "&p=2.3.4&o=arm64&f=iOS%2017.2&z=1&ts=1764330000000&h=Shop.CartViewController&t=Cart&st=1764330000001")
    assert data["kind"] == "heap_pageview"
    fields = data["fields"]
    assert isinstance(fields, dict)
    assert (fields["screen"], fields["app_name"], fields["os"], fields["library_version"]) == (
        "Shop.CartViewController", "Shop App", "iOS 17.2", "9.1.0")


def test_events_e_and_compressed_cookies_decode_to_named_fields() -> None:
    interactions = [[1, 2, "click"]]
    packed = LZString().compressToEncodedURIComponent(json.dumps(interactions))
    ctx = {"firstViewTime": 1764330000123, "firstViewUrl": "https://shop.example/"}
    ctx_cookie = quote("c:" + base64.b64encode(gzip.compress(json.dumps(ctx).encode())).decode(), safe="")
    cvars = quote(json.dumps({"1": ["Page Type", "Cart"]}), safe="")
    data = decode_json(f"https://c.contentsquare.net/events?pid=7&e={packed}", "--cookie",
                       f"_cs_s_ctx={ctx_cookie}; _cs_cvars={cvars}; other=1")
    assert data["kind"] == "events" and data["fields"]["e"] == interactions  # type: ignore[index]
    assert data["cookies"] == {"_cs_s_ctx": ctx, "_cs_cvars": {"1": {"name": "Page Type", "value": "Cart"}}}
    broken = decode_json("https://c.contentsquare.net/events?pid=7", "--cookie", "_cs_s_ctx=c%3AH4sI%21%21")
    assert broken["cookies"] == {"_cs_s_ctx": "c%3AH4sI%21%21"}
    assert any(n.startswith("_cs_s_ctx kept raw: ") for n in broken["notes"])  # type: ignore[attr-defined]
