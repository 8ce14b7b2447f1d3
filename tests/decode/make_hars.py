"""Writes ``tests/data/decode/session_*.har``: one browsing session exported by four tools.

    python -m tests.decode.make_hars

The session: a shop page loads with the tag's cookies, the tag script, a pageview, a dynamic
variable, the page identifies the visitor (Product Analytics identify), the tag sends a renewal
pageview with a new user ID, the site's own API sees the new cookies, a third-party widget iframe
carries its own visitor's cookies (which must not be taken for this visitor's), and the replay
and quota endpoints are hit. Each file has its exporter's shape: Chrome/Edge DevTools
(``_resourceType``, HTTP/2 pseudo-headers, ``Z`` times), Firefox (local-offset times, ``pages``,
parsed ``cookies``), mitmproxy's ``savehar`` (microsecond ``+00:00`` times, ``postData.params``,
base64 response bodies, ``status: 0`` for a flow without response) and Playwright (``_frameref``,
``_monotonicTime``, lower-case headers, ``postData`` with ``params``).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from lzstring import LZString

DATA = Path(__file__).resolve().parent.parent / "data" / "decode"
START = datetime(2026, 11, 28, 10, 0, 0, tzinfo=UTC)
UU_A = "6f1c2a3b-9d8e-4a7f-b5c4-d3e2f1a0b9c8"
UU_B = "91ab7c2e-1f0d-4c3b-8a9e-0b1c2d3e4f5a"
UU_WIDGET = "0badc0de-0000-4000-8000-000000000001"
IDENTITY = "cust-1"
TAG = "https://t.contentsquare.net/uxa/0123456789abc.js"
PV = "https://c.contentsquare.net/pageview?pid=1234&uu={uu}&sn={sn}&pn={pn}&hd=1764324000&dw=1280&dh=2400" \
     "&ww=1280&wh=720&sw=1920&sh=1080&dr=&url=https%3A%2F%2Fshop.example%2Faccount&uc=1&la=en-US&v=15.170.2&r=4{pn}"
DV = LZString().compressToEncodedURIComponent(json.dumps({"key": "plan", "value": "pro"}))
CS_ID = "{uu}.1764323000.{sn}.1764324000.1764323000.1589297673.1795866000.1.x"


def cookies_a() -> str:
    return f"_cs_id={CS_ID.format(uu=UU_A, sn=2)}; _cs_s=1.0.U.9.1764325800000; session=s3cr3t"


def cookies_b() -> str:
    return f"_cs_id={CS_ID.format(uu=UU_B, sn=1)}; _cs_s=1.0.1764325800000; session=s3cr3t"


# (seconds after START, method, url, request headers, body, response mime, resource type)
Step = tuple[float, str, str, list[tuple[str, str]], str | None, str, str]


def session() -> list[Step]:
    identify = json.dumps({"env_id": "42", "user_id": "777", "identity": IDENTITY, "timestamp": "2026-11-28T10:00:04Z"})
    return [
        (0.0, "GET", "https://shop.example/account", [("Accept", "text/html,application/xhtml+xml"),
                                                      ("Cookie", cookies_a())], None, "text/html", "document"),
        (0.4, "GET", TAG, [("Accept", "*/*")], None, "application/javascript", "script"),
        (1.0, "GET", PV.format(uu=UU_A, sn=2, pn=1), [("Accept", "image/*")], None, "image/gif", "image"),
        (1.5, "GET", f"https://c.contentsquare.net/dvar?pid=1234&uu={UU_A}&sn=2&pn=1&dv={DV}", [], None,
         "image/gif", "image"),
        (2.0, "GET", "https://widget.example/embed", [("Accept", "text/html"),
                                                      ("Cookie", f"_cs_id={CS_ID.format(uu=UU_WIDGET, sn=9)}")],
         None, "text/html", "document"),
        (4.0, "POST", "https://c.us.heap-api.com/api/capture/v2/identify", [("Content-Type", "application/json")],
         identify, "application/json", "fetch"),
        (4.2, "GET", PV.format(uu=UU_B, sn=1, pn=1) + "&pvt=r", [], None, "image/gif", "image"),
        (5.0, "GET", "https://api.shop.example/cart", [("Accept", "application/json"), ("Cookie", cookies_b())],
         None, "application/json", "fetch"),
        (6.0, "POST", "https://k-aeu1.contentsquare.net/v2/recording?pid=1234&uu=" + UU_B + "&sn=1&pn=1",
         [("Content-Type", "text/plain;charset=UTF-8")], "{\"v\":1,\"events\":[]}", "text/plain", "ping"),
        (6.5, "GET", "https://q-aeu1.contentsquare.net/quota?pid=1234&rt=2", [], None, "application/json", "fetch"),
    ]


def _headers(pairs: list[tuple[str, str]], lower: bool = False) -> list[dict[str, str]]:
    return [{"name": n.lower() if lower else n, "value": v} for n, v in pairs]


def _cookie_list(pairs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    header = next((v for n, v in pairs if n.lower() == "cookie"), "")
    return [{"name": p.split("=", 1)[0].strip(), "value": p.split("=", 1)[1]} for p in header.split("; ") if "=" in p]


def _query(url: str) -> list[dict[str, str]]:
    query = url.split("?", 1)[1] if "?" in url else ""
    return [{"name": p.partition("=")[0], "value": p.partition("=")[2]} for p in query.split("&") if p]


def chrome(step: Step) -> dict[str, Any]:
    at, method, url, headers, body, mime, kind = step
    host = url.split("/")[2]
    request: dict[str, Any] = {
        "method": method, "url": url, "httpVersion": "http/2.0",
        "headers": [{"name": ":authority", "value": host}, {"name": ":method", "value": method},
                    {"name": ":path", "value": "/" + url.split("/", 3)[3]}, {"name": ":scheme", "value": "https"},
                    *_headers(headers, lower=True)],
        "queryString": _query(url), "cookies": _cookie_list(headers), "headersSize": -1, "bodySize": len(body or ""),
    }
    if body is not None:
        request["postData"] = {"mimeType": dict(headers).get("Content-Type", ""), "text": body}
    return {
        "_initiator": {"type": "parser" if kind == "document" else "script"}, "_priority": "High",
        "_resourceType": kind, "cache": {}, "connection": "443", "pageref": "page_1",
        "request": request,
        "response": {"status": 200, "statusText": "", "httpVersion": "http/2.0",
                     "headers": [{"name": "content-type", "value": mime}], "cookies": [],
                     "content": {"size": 43, "mimeType": mime}, "redirectURL": "", "headersSize": -1,
                     "bodySize": -1, "_transferSize": 300, "_error": None, "_fetchedViaServiceWorker": False},
        "serverIPAddress": "203.0.113.7",
        "startedDateTime": (START + timedelta(seconds=at)).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "time": 41.2, "timings": {"blocked": 1.1, "dns": -1, "ssl": -1, "connect": -1, "send": 0.2, "wait": 38.0,
                                  "receive": 1.9, "_blocked_queueing": 0.8},
    }


def firefox(step: Step) -> dict[str, Any]:
    at, method, url, headers, body, mime, _ = step
    paris = timezone(timedelta(hours=1))
    request: dict[str, Any] = {
        "bodySize": len(body or ""), "method": method, "url": url, "httpVersion": "HTTP/2",
        "headers": [{"name": "Host", "value": url.split("/")[2]}, *_headers(headers)],
        "cookies": _cookie_list(headers), "queryString": _query(url), "headersSize": 512,
    }
    if body is not None:
        request["postData"] = {"mimeType": dict(headers).get("Content-Type", ""), "params": [], "text": body}
    return {
        "pageref": "page_1", "startedDateTime": (START + timedelta(seconds=at)).astimezone(paris).isoformat(
            timespec="milliseconds"),
        "request": request,
        "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/2", "headers": [], "cookies": [],
                     "content": {"mimeType": mime, "size": 43, "text": ""}, "redirectURL": "",
                     "headersSize": 200, "bodySize": 243},
        "cache": {}, "timings": {"blocked": 0, "dns": 0, "connect": 0, "ssl": 0, "send": 0, "wait": 40, "receive": 1},
        "time": 41, "_securityState": "secure", "serverIPAddress": "203.0.113.7", "connection": "443",
    }


def mitmproxy(step: Step) -> dict[str, Any]:
    at, method, url, headers, body, mime, _ = step
    request: dict[str, Any] = {
        "method": method, "url": url, "httpVersion": "HTTP/2.0", "cookies": _cookie_list(headers),
        "headers": _headers(headers, lower=True), "queryString": _query(url), "headersSize": 120,
        "bodySize": len(body or ""),
    }
    if method == "POST":
        request["postData"] = {"mimeType": dict(headers).get("Content-Type", ""), "text": body or "", "params": []}
    last = "quota" in url  # the capture stopped before this answer came: savehar writes status 0
    response: dict[str, Any] = (
        {"status": 0, "statusText": "", "httpVersion": "", "headers": [], "cookies": [], "content": {},
         "redirectURL": "", "headersSize": -1, "bodySize": -1, "_transferSize": 0, "_error": None} if last else
        {"status": 200, "statusText": "OK", "httpVersion": "HTTP/2.0", "cookies": [],
         "headers": [{"name": "content-type", "value": mime}],
         "content": {"size": 43, "compression": 0, "mimeType": mime,
                     "text": base64.b64encode(b"GIF89a\x01\x00\x01\x00\x00\xff\x00,").decode(), "encoding": "base64"},
         "redirectURL": "", "headersSize": 80, "bodySize": 43})
    return {
        "startedDateTime": (START + timedelta(seconds=at, microseconds=123456)).isoformat(),
        "time": 12.5, "request": request, "response": response, "cache": {},
        "timings": {"connect": -1.0, "ssl": -1.0, "send": 0.3, "receive": 0.2, "wait": 12.0},
        "serverIPAddress": "203.0.113.7",
    }


def playwright(step: Step) -> dict[str, Any]:
    at, method, url, headers, body, mime, _ = step
    request: dict[str, Any] = {
        "method": method, "url": url, "httpVersion": "HTTP/2.0", "cookies": _cookie_list(headers),
        "headers": _headers(headers, lower=True), "queryString": _query(url), "headersSize": -1,
        "bodySize": len(body or ""),
    }
    if body is not None:
        request["postData"] = {"mimeType": dict(headers).get("Content-Type", ""), "text": body, "params": []}
    return {
        "startedDateTime": (START + timedelta(seconds=at)).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "time": 40.5, "request": request,
        "response": {"status": 200, "statusText": "", "httpVersion": "HTTP/2.0", "cookies": [],
                     "headers": [{"name": "content-type", "value": mime}],
                     "content": {"size": -1, "mimeType": mime}, "headersSize": -1, "bodySize": -1,
                     "redirectURL": "", "_transferSize": -1},
        "cache": {}, "timings": {"dns": -1, "connect": -1, "ssl": -1, "send": 0, "wait": 40, "receive": 0.5},
        "pageref": "page@1", "_frameref": "frame@2", "_monotonicTime": 1200.5 + at,
        "serverIPAddress": "203.0.113.7", "_serverPort": 443,
    }


TOOLS: dict[str, tuple[dict[str, str], Callable[[Step], dict[str, Any]]]] = {
    "chrome": ({"name": "WebInspector", "version": "537.36"}, chrome),
    "firefox": ({"name": "Firefox", "version": "133.0"}, firefox),
    "mitmproxy": ({"name": "mitmproxy", "version": "11.0.2", "comment": ""}, mitmproxy),
    "playwright": ({"name": "Playwright", "version": "1.49.0"}, playwright),
}


def main() -> None:
    for name, (creator, shape) in TOOLS.items():
        steps = session()
        if name == "firefox":
            steps = sorted(steps, key=lambda s: s[0] != 0.0)  # Firefox lists in completion order, roughly
        log: dict[str, Any] = {"version": "1.2", "creator": creator,
                               "pages": [] if name == "mitmproxy" else [
                                   {"startedDateTime": START.isoformat(), "id": "page_1", "title": "Account",
                                    "pageTimings": {"onContentLoad": 300, "onLoad": 900}}],
                               "entries": [shape(step) for step in steps]}
        if name == "firefox":
            log["browser"] = {"name": "Firefox", "version": "133.0"}
        (DATA / f"session_{name}.har").write_text(json.dumps({"log": log}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
