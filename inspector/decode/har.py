"""HAR 1.2 (DevTools, Firefox, mitmproxy, Playwright exports) to the model's raw envelopes.

Requests to the tag's hosts become ``request`` events. The site's own ``_cs_*`` cookies, read from
request ``Cookie`` headers (or the parsed ``cookies`` list) and ``Set-Cookie`` responses, become
``storage`` events whenever they change, but only on the tested site: the site of the first page
(document) in the file. Other sites (a widget's iframe, a payment page) may run the tag too, with
their own visitor's cookies, and would look like a change of user.

One device per file. Exporters differ in what they leave out, so every field but the URL is
optional; an entry that cannot be read is reported and skipped, never fatal.
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
from inspector.decode.lz import SURROGATE
from inspector.decode.payloads import parse_json
from inspector.wire.envelope import Envelope
from inspector.wire.events import Event, Request, Storage


@dataclass
class HarResult:
    envelopes: list[Envelope] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    creator: str = ""


@dataclass
class _Entry:
    started: float
    index: int
    events: list[Event]
    site: str
    document: bool | None  # None: the entry does not say what it loaded


def _text(value: object) -> str:
    """A string from the file, safe to write back as UTF-8: JSON escapes can carry lone surrogates
    (mitmproxy writes undecodable bodies that way), which no recording could hold."""
    text = value if isinstance(value, str) else str(value)
    if SURROGATE.search(text):
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


def _pairs(items: JsonValue) -> tuple[tuple[str, str], ...]:
    if not isinstance(items, list):
        return ()
    return tuple((_text(i.get("name", "")), _text(i.get("value", ""))) for i in items if isinstance(i, dict))


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
    # HAR 1.2 defines "encoding" for response content only; some exporters use it on postData too.
    return _text(text), "base64" if post.get("encoding") == "base64" else "text"


def _host(url: str) -> str:
    return url.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0].rsplit("@", maxsplit=1)[-1] \
        .split(":", 1)[0].lower().rstrip(".")


def site_of(host: str) -> str:
    """The site a host belongs to, for cookie purposes: its last two labels, or three under a short
    second-level label such as ``co.uk`` [guess: no public-suffix list here; good enough to tell
    the tested site from a third party's]."""
    labels = host.split(".")
    if len(labels) >= 3 and len(labels[-2]) <= 3 and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _is_document(entry: Mapping[str, JsonValue], headers: tuple[tuple[str, str], ...],
                 response: Mapping[str, JsonValue]) -> bool | None:
    """Whether the entry loaded a page: Chromium says so (``_resourceType``); otherwise the fetch
    metadata, the Accept header or the response type tell; None when nothing does."""
    resource = entry.get("_resourceType")
    if isinstance(resource, str):
        return resource.lower() == "document"
    named = {name.lower(): value.lower() for name, value in headers}
    if "sec-fetch-dest" in named:
        return named["sec-fetch-dest"] in ("document", "iframe")
    content = response.get("content")
    mime = content.get("mimeType") if isinstance(content, dict) else None
    if isinstance(mime, str) and mime:
        return mime.lower().startswith("text/html")
    if "accept" in named:
        return named["accept"].startswith("text/html")
    return None


def _entry(entry: Mapping[str, JsonValue], index: int, started: float) -> _Entry:
    request = entry.get("request")
    if not isinstance(request, dict) or not isinstance(request.get("url"), str):
        raise DecodeError("entry has no request URL")
    url = _text(request["url"])
    headers = _pairs(request.get("headers"))
    raw_response = entry.get("response")
    response: Mapping[str, JsonValue] = raw_response if isinstance(raw_response, dict) else {}
    host = _host(url)
    out = _Entry(started, index, [], site_of(host), _is_document(entry, headers, response))
    if is_tag_host(host):
        body, encoding = _body(request.get("postData"))
        status = response.get("status")
        timing = entry.get("time")
        out.events.append(Request(
            method=_text(request.get("method") or "GET"), url=url, headers=headers, body=body,
            body_encoding=encoding,
            status=status if isinstance(status, int) and status > 0 else None,
            response_headers=_pairs(response.get("headers")),
            duration_ms=float(timing) if isinstance(timing, (int, float)) and timing >= 0 else None,
        ))
        return out
    cookie_header = "; ".join(value for name, value in headers if name.lower() == "cookie")
    cookies = tag_cookies(parse_cookie_header(cookie_header))
    if not cookies:
        cookies = tag_cookies(dict(_pairs(request.get("cookies"))))
    if cookies:
        out.events.append(Storage(cookies=cookies, source="request-header", trigger="request", page_url=url))
    set_cookies: dict[str, str] = {}
    for name, value in _pairs(response.get("headers")):
        if name.lower() == "set-cookie":
            for line in value.split("\n"):  # some exporters join several Set-Cookie with newlines
                set_cookies.update(tag_cookies(parse_cookie_header(line.split(";", 1)[0])))
    if set_cookies:
        out.events.append(Storage(cookies=set_cookies, source="response-header", trigger="set-cookie",
                                  page_url=url))
    return out


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
    read: list[_Entry] = []
    last_time = 0.0
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            result.errors.append(f"entry {index}: not an object, skipped")
            continue
        started = _time(entry.get("startedDateTime"))
        try:
            read.append(_entry(entry, index, last_time if started is None else started))
        except (DecodeError, ValidationError, TypeError, ValueError) as exc:
            result.errors.append(f"entry {index}: {str(exc).splitlines()[0]}, skipped")
            continue
        if started is None:
            result.errors.append(f"entry {index}: no startedDateTime, placed after the previous entry")
        else:
            last_time = started
    read.sort(key=lambda item: (item.started, item.index))
    _emit(read, device, result)
    return result


def _tested_site(read: list[_Entry]) -> str | None:
    """The site of the first page loaded; failing that, of the first entry carrying tag cookies."""
    site_entries = [item for item in read if not any(isinstance(ev, Request) for ev in item.events)]
    first_page = next((item for item in site_entries if item.document is True), None)
    if first_page is None:
        first_page = next((item for item in site_entries if item.events), None)
    return first_page.site if first_page else None


def _emit(read: list[_Entry], device: str, result: HarResult) -> None:
    site = _tested_site(read)
    previous: dict[str, str] | None = None
    skipped = 0
    for item in read:
        for event in item.events:
            if isinstance(event, Storage):
                if item.site != site:
                    skipped += 1
                    continue
                if event.cookies == previous:
                    continue  # the same cookies on every request of the page: keep only changes
                previous = dict(event.cookies)
            result.envelopes.append(Envelope(seq=len(result.envelopes), time=item.started, device=device,
                                             event=event))
    if skipped:
        result.errors.append(f"{skipped} cookie snapshot(s) of sites other than {site} left out "
                             "(another site's visitor, not this one)")
