"""HAR 1.2 (DevTools, Firefox, mitmproxy, Playwright exports) to the model's raw envelopes.

A HAR is network evidence only: it never holds the page's ``_uxa`` calls. What it does hold is used:

* requests to the tag's hosts become ``request`` events; one that never got an answer (status 0 or
  -1, a browser ``_error`` / ``_failureText`` such as ``net::ERR_BLOCKED_BY_CLIENT``) or was refused
  (4xx, 5xx) is followed by a ``notice``: the tag sent the hit, the vendor did not take it, so it is
  judged as sent, not as missing;
* the ``_cs_*`` cookies in the ``Cookie`` and ``Set-Cookie`` headers (or the parsed ``cookies`` lists)
  of every request become ``storage`` events whenever they change, but only on the tested site: the
  site of the first page (document) in the file. Other sites (a widget's iframe, a payment page) may
  run the tag too, with their own visitor's cookies, and would look like a change of user;
* every envelope carries the page its request belongs to as ``tab``: the entry's ``pageref``
  (Playwright: one per browser tab; DevTools and Firefox: one per navigation), else the page its
  ``Referer`` names (mitmproxy); a cookie snapshot names the URL of that page's document, not of the
  request that carried it. No ``page`` event is made: those are the observer's reports, and a file
  holding them would no longer be judged as the network-only evidence it is.

One device per file. Exporters differ in what they leave out, so every field but the URL is
optional; an entry that cannot be read is reported and skipped, never fatal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Literal

from pydantic import JsonValue, ValidationError

from inspector.decode.codecs import SURROGATE
from inspector.decode.cookies import parse_cookie_header, tag_cookies
from inspector.decode.errors import DecodeError
from inspector.decode.hosts import is_tag_host
from inspector.decode.payloads import parse_json
from inspector.wire.envelope import Envelope, describe_error
from inspector.wire.events import Event, Notice, Request, Storage

# Page ids longer than this (Playwright's ``page@<32 hex>``) are renumbered ``page_N`` for display.
_LONG_PAGE_ID = 12
# Where exporters say why a request got no answer: DevTools ``_error``, Playwright ``_failureText``,
# ``_blocked`` / ``_blockedReason`` in other tools [guess: seen named, shapes vary].
_FAILURE_KEYS = ("_error", "_failureText", "_blocked", "_blockedReason", "_blocked_reason")
# The code of the notice that follows a tag request that never reached the vendor.
FAILED_HIT = "hit-failed"


@dataclass
class HarResult:
    envelopes: list[Envelope] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    creator: str = ""
    skipped: int = 0  # entries left out because they could not be read (the capture is partial)


@dataclass
class _Entry:
    started: float
    index: int
    events: list[Event]
    site: str
    document: bool | None  # None: the entry does not say what it loaded
    url: str = ""
    pageref: str | None = None
    referer: str | None = None
    tag: bool = False  # a request to the tag's hosts
    top: bool = True  # not an iframe's document

    @property
    def loads_page(self) -> bool:
        """A top-level document of a site: it starts a page."""
        return self.document is True and self.top and not self.tag


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


def _header(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    return next((value for key, value in headers if key.lower() == name), None)


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


def _failure(entry: Mapping[str, JsonValue], response: Mapping[str, JsonValue]) -> str | None:
    """Why a request did not reach its server or was refused, in a few words; None when it was answered
    or when the entry has no response at all (an exporter that left it out tells nothing)."""
    if not response:
        return None
    for source in (response, entry):
        for key in _FAILURE_KEYS:
            reason = source.get(key)
            if isinstance(reason, str) and reason.strip():
                return _text(reason.strip())[:120]
            if reason is True:
                return "blocked"
    status = response.get("status")
    if not isinstance(status, int) or isinstance(status, bool) or status <= 0:
        return "no response (blocked, cancelled or failed)"
    if status >= 400:
        text = response.get("statusText")
        return f"answered {status}" + (f" {_text(text)[:40]}" if isinstance(text, str) and text else "")
    return None


def _failed_hit(method: str, url: str, reason: str) -> Notice:
    where = url.split("?", 1)[0].split("://", 1)[-1][:120]  # no query: it may carry personal data
    return Notice(level="warning", code=FAILED_HIT,
                  message=f"{method} {where}: {reason}. The tag sent this hit; it did not reach "
                          "the vendor (judged as sent, not as missing)")


def _cookie_events(request: Mapping[str, JsonValue], response: Mapping[str, JsonValue],
                   headers: tuple[tuple[str, str], ...], url: str, now: float) -> list[Event]:
    """The tag's cookies a request carried and the ones its response set."""
    out: list[Event] = []
    cookie_header = "; ".join(value for name, value in headers if name.lower() == "cookie")
    cookies = tag_cookies(parse_cookie_header(cookie_header))
    if not cookies:
        cookies = tag_cookies(dict(_pairs(request.get("cookies"))))
    if cookies:
        out.append(Storage(cookies=cookies, source="request-header", trigger="request", page_url=url))
    set_cookies: dict[str, str] = {}
    for name, value in _pairs(response.get("headers")):
        if name.lower() == "set-cookie":
            for line in value.split("\n"):  # some exporters join several Set-Cookie with newlines
                set_cookies.update(_live_cookie(line, now))
    parsed = response.get("cookies")
    if not set_cookies and isinstance(parsed, list):
        for item in parsed:
            if isinstance(item, dict) and not _expired(item.get("expires"), item.get("maxAge"), now):
                set_cookies.update(tag_cookies({_text(item.get("name", "")): _text(item.get("value", ""))}))
    if set_cookies:
        out.append(Storage(cookies=set_cookies, source="response-header", trigger="set-cookie", page_url=url))
    return out


def _live_cookie(line: str, now: float) -> dict[str, str]:
    """The tag cookie one ``Set-Cookie`` line sets; nothing for one that deletes it (already expired)."""
    pair, _, attributes = line.partition(";")
    named = {key.lower(): value for key, value in parse_cookie_header(attributes).items()}
    if _expired(named.get("expires"), named.get("max-age"), now):
        return {}
    return tag_cookies(parse_cookie_header(pair))


def _expired(expires: JsonValue, max_age: JsonValue, now: float) -> bool:
    """Whether a cookie was set already expired (``Max-Age=0``, an ``Expires`` before the request):
    that is how a cookie is deleted."""
    if isinstance(max_age, (int, str)) and not isinstance(max_age, bool):
        text = str(max_age).strip()
        if text.lstrip("-").isdigit():
            return int(text) <= 0
    if not isinstance(expires, str) or not expires:
        return False
    when = _time(expires)
    if when is None:
        try:
            when = parsedate_to_datetime(expires).timestamp()
        except (TypeError, ValueError, IndexError):
            return False
    return when <= now


def _entry(entry: Mapping[str, JsonValue], index: int, started: float) -> _Entry:
    request = entry.get("request")
    if not isinstance(request, dict) or not isinstance(request.get("url"), str):
        raise DecodeError("entry has no request URL")
    url = _text(request["url"])
    headers = _pairs(request.get("headers"))
    raw_response = entry.get("response")
    response: Mapping[str, JsonValue] = raw_response if isinstance(raw_response, dict) else {}
    host = _host(url)
    pageref = entry.get("pageref")
    out = _Entry(started, index, [], site_of(host), _is_document(entry, headers, response), url,
                 _text(pageref) if isinstance(pageref, str) and pageref else None,
                 _header(headers, "referer"))
    if is_tag_host(host):
        out.tag = True
        body, encoding = _body(request.get("postData"))
        status = response.get("status")
        timing = entry.get("time")
        method = _text(request.get("method") or "GET")
        out.events.append(Request(
            method=method, url=url, headers=headers, body=body,
            body_encoding=encoding,
            status=status if isinstance(status, int) and status > 0 else None,
            response_headers=_pairs(response.get("headers")),
            duration_ms=float(timing) if isinstance(timing, (int, float)) and timing >= 0 else None,
        ))
        reason = _failure(entry, response)
        if reason is not None:
            out.events.append(_failed_hit(method.upper(), url, reason))
        # The vendor's hosts are never the site: what cookies they carry are the vendor's own.
        return out
    if out.document:
        out.top = (_header(headers, "sec-fetch-dest") or "").lower() != "iframe"
    out.events.extend(_cookie_events(request, response, headers, url, started))
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
            result.skipped += 1
            continue
        started = _time(entry.get("startedDateTime"))
        try:
            read.append(_entry(entry, index, last_time if started is None else started))
        except ValidationError as exc:
            result.errors.append(f"entry {index}: {describe_error(exc)}, skipped")
            result.skipped += 1
            continue
        except (DecodeError, TypeError, ValueError) as exc:
            why = str(exc) if isinstance(exc, DecodeError) else f"unreadable ({type(exc).__name__})"
            result.errors.append(f"entry {index}: {why}, skipped")
            result.skipped += 1
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
    site_entries = [item for item in read if not item.tag]
    first_page = next((item for item in site_entries if item.document is True), None)
    if first_page is None:
        first_page = next((item for item in site_entries
                           if any(isinstance(ev, Storage) for ev in item.events)), None)
    return first_page.site if first_page else None


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0].split('?', 1)[0]}"


class _Pages:
    """Which page (shown as the envelope's tab) each entry belongs to.

    An entry's ``pageref`` says it; without one, the page its ``Referer`` names: the document of
    that exact URL, else the latest document of that origin (cross-site requests send only the
    origin); without either, the latest page. Top-level documents without a ``pageref`` start
    pages numbered in order.
    """

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.by_url: dict[str, str] = {}
        self.by_origin: dict[str, str] = {}
        self.address: dict[str, str] = {}  # page -> the URL of the document it shows now
        self.latest: str | None = None

    def _name(self, pageref: str | None) -> str:
        """The page's id as shown: the HAR's own when short, else (or for a page the HAR does not
        name, ``pageref`` None) ``page_N`` in order of appearance."""
        if pageref is not None and pageref in self.names:
            return self.names[pageref]
        short = pageref is not None and len(pageref) <= _LONG_PAGE_ID and pageref not in self.names.values()
        name = pageref if short and pageref is not None else f"page_{len(self.names) + 1}"
        self.names[pageref if pageref is not None else f"\0{len(self.names)}"] = name
        return name

    def of(self, item: _Entry) -> tuple[str | None, str | None]:
        """The entry's page and the URL of the document that page showed then (None: unknown)."""
        page: str | None = None
        loads = item.loads_page
        if item.pageref is not None:
            page = self._name(item.pageref)
        elif loads:
            page = self._name(None)  # a page of its own
        elif item.referer:
            origin = _origin(item.referer)
            # A bare origin is what cross-site requests send: it names the latest page of that origin.
            exact = None if item.referer.rstrip("/") == origin else self.by_url.get(item.referer)
            page = exact or self.by_origin.get(origin)
            if exact is not None:
                return exact, item.referer  # the request of a page already left (still in flight)
        else:
            page = self.latest  # nothing says: the page loaded last
        if loads and page is not None:
            self.by_url[item.url] = self.by_origin[_origin(item.url)] = page
            self.address[page] = item.url
            self.latest = page
        return page, None if page is None else self.address.get(page)


def _emit(read: list[_Entry], device: str, result: HarResult) -> None:
    site = _tested_site(read)
    pages = _Pages()
    previous: dict[str, str] | None = None
    skipped = 0
    for item in read:
        tab, page_url = pages.of(item)
        for event in item.events:
            if isinstance(event, Storage):
                if item.site != site:
                    skipped += 1
                    continue
                if event.cookies == previous:
                    continue  # the same cookies on every request of the page: keep only changes
                previous = dict(event.cookies)
                if page_url is not None:  # the page the cookies were seen on, not the request's URL
                    event = event.model_copy(update={"page_url": page_url})  # noqa: PLW2901
            result.envelopes.append(Envelope(seq=len(result.envelopes), time=item.started, device=device,
                                             tab=tab, event=event))
    if skipped:
        result.errors.append(f"{skipped} cookie snapshot(s) of sites other than {site} left out "
                             "(another site's visitor, not this one)")
