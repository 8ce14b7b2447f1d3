"""``uxa-inspector decode URL``: what one request of the tag says, for people or as JSON."""

from __future__ import annotations

import argparse
import base64
import json
import sys
from typing import Any

from pydantic import JsonValue

from inspector.cli.helptext import add_command
from inspector.decode.cookies import decode_tag_cookies, ids_from_cookies, parse_cookie_header, tag_cookies
from inspector.decode.curl import is_curl, parse_curl
from inspector.decode.hosts import is_tag_host
from inspector.decode.requests import decode_request
from inspector.model.privacy import one_line
from inspector.wire.events import Hit, Request


def register(sub: Any) -> None:
    parser = add_command(
        sub, "decode", summary="decode one tag request (URL, body, cookies)",
        description="Decode one Contentsquare / Product Analytics request: every parameter named, "
                    "compressed payloads opened, unknown keys kept raw.",
        examples=["uxa-inspector decode 'https://c.contentsquare.net/pageview?pid=1&uu=...&sn=1&pn=2'",
                  "uxa-inspector decode - < request.txt   # a request copied as cURL from DevTools",
                  "uxa-inspector decode URL --cookie '_cs_id=...; _cs_s=...' --format json"],
        exit_codes={0: "decoded", 2: "not a request that can be read, or a usage error"},
        notes="It prints what it is given in clear: the input is your own.")
    parser.add_argument("url", help="the request URL, e.g. 'https://c.contentsquare.net/pageview?pid=...', "
                                    "or a whole curl command as DevTools copies it ('curl ...'; '-' reads "
                                    "it from standard input)")
    parser.add_argument("--method", default=None, help="HTTP method (default GET, or POST with --body)")
    parser.add_argument("--body", default=None, help="the request body as text ('-' reads standard input)")
    parser.add_argument("--cookie", default=None, help="a Cookie header; its _cs_* cookies are decoded")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        request, cookie = _request(args)
    except ValueError as exc:
        print(f"uxa-inspector decode: {exc}", file=sys.stderr)
        return 2
    hit = decode_request(request)
    if not hit.host:
        print(f"uxa-inspector decode: {hit.notes[0] if hit.notes else 'unreadable URL'}", file=sys.stderr)
        return 2
    cookies: dict[str, JsonValue] = {}
    notes = list(hit.notes)
    if not is_tag_host(hit.host):
        notes.append(f"{hit.host} is not one of the tag's hosts: parameters shown raw")
    if cookie:
        cookies, cookie_notes = decode_tag_cookies(tag_cookies(parse_cookie_header(cookie)))
        notes += cookie_notes
    if args.format == "json":
        print(json.dumps(as_json(hit, cookies, notes), ensure_ascii=False, indent=2))
    else:
        print("\n".join(one_line(line) for line in as_text(hit, cookies, notes).split("\n")))
    return 0


def _request(args: argparse.Namespace) -> tuple[Request, str | None]:
    """The request the arguments describe; ``ValueError`` (one line) when they cannot be read."""
    text = sys.stdin.read() if args.url == "-" else args.url
    if is_curl(text):
        return _from_curl(_utf8(text, "the curl command"), args)
    url, cookie = _utf8(text, "the URL").strip(), args.cookie and _utf8(args.cookie, "--cookie")
    if "://" not in url or not url.split("://", 1)[1].split("/", 1)[0]:
        raise ValueError(f"not an absolute URL: {url[:120]!r}")
    body, encoding = "", "text"
    if args.body == "-":
        data = sys.stdin.buffer.read()
        try:
            body = data.decode("utf-8")
        except UnicodeDecodeError:
            # Binary bodies travel as base64, as in recordings.
            body, encoding = base64.b64encode(data).decode("ascii"), "base64"
    elif args.body is not None:
        body = _utf8(args.body, "--body")
    method = (args.method or ("POST" if body else "GET")).strip().upper()
    if not method.isalpha():
        raise ValueError(f"not an HTTP method: {method[:20]!r}")
    headers = (("cookie", cookie),) if cookie else ()
    return Request(method=method, url=url, body=body, body_encoding=encoding, headers=headers), cookie


def _from_curl(text: str, args: argparse.Namespace) -> tuple[Request, str | None]:
    """A DevTools "Copy as cURL" command; --method, --body and --cookie given as well win."""
    curl = parse_curl(text)  # CurlError is a ValueError: one line, exit 2
    if "://" not in curl.url:
        raise ValueError(f"the curl command's URL is not absolute: {curl.url[:120]!r}")
    body = _utf8(args.body, "--body") if args.body not in (None, "-") else curl.body
    cookie = _utf8(args.cookie, "--cookie") if args.cookie else curl.header("cookie")
    method = (args.method or curl.method).strip().upper()
    headers = tuple((k.lower(), v) for k, v in curl.headers if k.lower() != "cookie")
    if cookie:
        headers += (("cookie", cookie),)
    return Request(method=method, url=curl.url.strip(), body=body, headers=headers), cookie


def _utf8(text: str, what: str) -> str:
    """Arguments that are not UTF-8 reach Python as lone surrogates, which nothing can print."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{what} is not valid UTF-8") from None
    return text


def as_json(hit: Hit, cookies: dict[str, JsonValue], notes: list[str]) -> dict[str, JsonValue]:
    summary: dict[str, JsonValue] = {
        "kind": hit.hit_type.value, "host": hit.host, "path": hit.path, "method": hit.method,
        "fields": hit.fields, "unknown": hit.unknown, "notes": list[JsonValue](notes),
    }
    ids = {"pid": hit.pid, "uu": hit.uu, "sn": hit.sn, "pn": hit.pn,
           "pvt": hit.pvt.value if hit.pvt else None, "page_url": hit.page_url,
           "tag_version": hit.tag_version,
           "identity": hit.identity, "properties": hit.properties}
    summary["ids"] = {k: v for k, v in ids.items() if v is not None}
    if cookies:
        summary["cookies"] = cookies
    return summary


def as_text(hit: Hit, cookies: dict[str, JsonValue], notes: list[str]) -> str:
    lines = [f"{hit.hit_type.value}  {hit.method} {hit.host}{hit.path}"]
    if hit.pvt:
        lines.append(f"  pageview type    {hit.pvt.value}")
    width = max([len(k) for k in [*hit.fields, *hit.unknown]] + [8])
    if hit.identity is not None:
        lines.append(f"  {'identity':<{width}}  {_show(hit.identity)}")
    if hit.properties is not None:
        lines.append(f"  {'properties':<{width}}  {_show(hit.properties)}")
    for name, value in hit.fields.items():
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            # A batch (Heap's events): one line each, so a long first item hides none of the rest.
            lines.append(f"  {name:<{width}}  {len(value)} items")
            lines.extend(f"    [{index}]  {_show(item)}" for index, item in enumerate(value))
            continue
        lines.append(f"  {name:<{width}}  {_show(value)}")
    for name, value in hit.unknown.items():
        lines.append(f"  {name:<{width}}  {_show(value)}  (unknown, raw)")
    if cookies:
        user, session, page = ids_from_cookies(cookies)
        lines.append(f"  cookies say      user {user or '-'}, session {session or '-'}, page {page or '-'}")
    for name, value in cookies.items():
        lines.append(f"  cookie {name}  {_show(value)}")
    lines.extend(f"  note: {note}" for note in notes)
    return "\n".join(lines)


def _show(value: JsonValue) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 200 else text[:197] + "..."
