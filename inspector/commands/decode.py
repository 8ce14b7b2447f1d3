"""``uxa-inspector decode URL``: what one request of the tag says, for people or as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from pydantic import JsonValue

from inspector.decode.cookies import decode_tag_cookies, parse_cookie_header, tag_cookies
from inspector.decode.requests import decode_request
from inspector.model.events import Hit, Request


def register(sub: Any) -> None:
    parser = sub.add_parser("decode", help="decode one tag request (URL, body, cookies)",
                            description="Decode one Contentsquare / Product Analytics request.")
    parser.add_argument("url", help="the request URL, e.g. 'https://c.contentsquare.net/pageview?pid=...'")
    parser.add_argument("--method", default=None, help="HTTP method (default GET, or POST with --body)")
    parser.add_argument("--body", default=None, help="the request body as text ('-' reads standard input)")
    parser.add_argument("--cookie", default=None, help="a Cookie header; its _cs_* cookies are decoded")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    url = args.url.strip()
    if "://" not in url or not url.split("://", 1)[1].split("/", 1)[0]:
        print(f"uxa-inspector decode: not an absolute URL: {url[:120]!r}", file=sys.stderr)
        return 2
    body = args.body
    if body == "-":
        body = sys.stdin.read()
    method = (args.method or ("POST" if body else "GET")).upper()
    headers = (("cookie", args.cookie),) if args.cookie else ()
    hit = decode_request(Request(method=method, url=url, body=body or "", headers=headers))
    if not hit.host:
        print(f"uxa-inspector decode: {hit.notes[0] if hit.notes else 'unreadable URL'}", file=sys.stderr)
        return 2
    cookies: dict[str, JsonValue] = {}
    notes = list(hit.notes)
    if args.cookie:
        cookies, cookie_notes = decode_tag_cookies(tag_cookies(parse_cookie_header(args.cookie)))
        notes += cookie_notes
    if args.format == "json":
        print(json.dumps(as_json(hit, cookies, notes), ensure_ascii=False, indent=2))
    else:
        print(as_text(hit, cookies, notes))
    return 0


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
    for name, value in hit.fields.items():
        lines.append(f"  {name:<{width}}  {_show(value)}")
    for name, value in hit.unknown.items():
        lines.append(f"  {name:<{width}}  {_show(value)}  (unknown, raw)")
    for name, value in cookies.items():
        lines.append(f"  cookie {name}  {_show(value)}")
    lines.extend(f"  note: {note}" for note in notes)
    return "\n".join(lines)


def _show(value: JsonValue) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 200 else text[:197] + "..."
