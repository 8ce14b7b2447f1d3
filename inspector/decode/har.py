"""HAR 1.2 (DevTools, Firefox, mitmproxy, Playwright exports) to the model's raw envelopes.

Requests to the tag's hosts become ``request`` events; the site's own ``_cs_*`` cookies, read from
request ``Cookie`` headers and ``Set-Cookie`` responses, become ``storage`` events whenever they
change. One device per file. Exporters differ in what they leave out, so every field but the URL is
optional here; an entry that cannot be read is reported and skipped, never fatal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from pydantic import JsonValue, ValidationError

from inspector.decode.cookies import parse_cookie_header, tag_cookies
from inspector.decode.errors import DecodeError
from inspector.decode.hosts import is_tag_host
from inspector.decode.payloads import parse_json
from inspector.model.events import Event, Request, Storage
from inspector.model.wire import Envelope


@dataclass
class HarResult:
    envelopes: list[Envelope] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    creator: str = ""


def _pairs(items: JsonValue) -> tuple[tuple[str, str], ...]:
    if not isinstance(items, list):
        return ()
    return tuple((str(i.get("name", "")), str(i.get("value", ""))) for i in items if isinstance(i, dict))


def _time(value: JsonValue) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _body(post: JsonValue) -> tuple[str, Literal["text", "base64"]]:
    if not isinstance(post, dict):
        return "", "text"
    text = post.get("text")
    if not isinstance(text, str):
        # Some exporters give only form params.
        params = post.get("params")
        if isinstance(params, list):
            text = "&".join(f"{p.get('name', '')}={p.get('value', '')}"
                            for p in params if isinstance(p, dict))
        else:
            text = ""
    return text, "base64" if post.get("encoding") == "base64" else "text"


def _entry_events(entry: Mapping[str, JsonValue]) -> list[Event]:
    request = entry.get("request")
    if not isinstance(request, dict) or not isinstance(request.get("url"), str):
        raise DecodeError("entry has no request URL")
    url = str(request["url"])
    headers = _pairs(request.get("headers"))
    response = entry.get("response") if isinstance(entry.get("response"), dict) else {}
    assert isinstance(response, dict)
    events: list[Event] = []
    host = url.split("://", 1)[-1].split("/", 1)[0].rsplit("@", maxsplit=1)[-1]
    if is_tag_host(host):
        body, encoding = _body(request.get("postData"))
        status = response.get("status")
        timing = entry.get("time")
        events.append(Request(
            method=str(request.get("method") or "GET"), url=url, headers=headers, body=body,
            body_encoding=encoding,
            status=status if isinstance(status, int) and status > 0 else None,
            response_headers=_pairs(response.get("headers")),
            duration_ms=float(timing) if isinstance(timing, (int, float)) and timing >= 0 else None,
        ))
        return events
    cookie_header = "; ".join(value for name, value in headers if name.lower() == "cookie")
    cookies = tag_cookies(parse_cookie_header(cookie_header))
    if not cookies:
        cookies = tag_cookies({n: v for n, v in _pairs(request.get("cookies"))})
    if cookies:
        events.append(Storage(cookies=cookies, source="request-header", trigger="request", page_url=url))
    set_cookies: dict[str, str] = {}
    for name, value in _pairs(response.get("headers")):
        if name.lower() == "set-cookie":
            first = value.split(";", 1)[0]
            set_cookies.update(tag_cookies(parse_cookie_header(first)))
    if set_cookies:
        events.append(Storage(cookies=set_cookies, source="response-header", trigger="set-cookie",
                              page_url=url))
    return events


def parse_har(content: str | object, device: str) -> HarResult:
    """A HAR as text or as the already parsed document (what ``json.loads`` gives) to envelopes.

    Raise ``DecodeError`` when it is not a HAR at all; skip (and report) bad entries.
    """
    data = parse_json(content) if isinstance(content, str) else content
    log = data.get("log") if isinstance(data, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise DecodeError("not a HAR file: no log.entries list")
    result = HarResult()
    creator = log.get("creator") if isinstance(log, dict) else None
    if isinstance(creator, dict):
        result.creator = f"{creator.get('name', '')} {creator.get('version', '')}".strip()
    timed: list[tuple[float, int, Event]] = []
    last_time = 0.0
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            result.errors.append(f"entry {index}: not an object, skipped")
            continue
        try:
            events = _entry_events(entry)
        except (DecodeError, ValidationError, TypeError, ValueError) as exc:
            result.errors.append(f"entry {index}: {str(exc).splitlines()[0]}, skipped")
            continue
        started = _time(entry.get("startedDateTime"))
        if started is None:
            result.errors.append(f"entry {index}: no startedDateTime, placed after the previous entry")
            started = last_time
        last_time = started
        timed.extend((started, index, event) for event in events)
    timed.sort(key=lambda item: (item[0], item[1]))
    previous: dict[str, str] | None = None
    for started, _, event in timed:
        if isinstance(event, Storage):
            if event.cookies == previous:
                continue  # the same cookies on every request of the page: keep only changes
            previous = dict(event.cookies)
        result.envelopes.append(Envelope(seq=len(result.envelopes), time=started, device=device, event=event))
    return result
