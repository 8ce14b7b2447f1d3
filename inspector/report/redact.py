"""Keyed pseudonyms for support bundles: personal data out, the capture's meaning kept.

Every identity, user ID, property value, returned hash, e-mail address and other value a page or a
person could be recognised by is replaced by ``HMAC-SHA256(key, kind + value)``, shaped like what it
replaces (user IDs stay UUID-shaped, e-mails stay e-mails), so the same input gives the same pseudonym
everywhere in one bundle and the redacted recording still checks the same. The key is random per
bundle, held only in memory and never written anywhere.

Two passes: ``collect`` learns the sensitive values from their structural places (identify arguments,
property values, ``uu``, ``_cs_id``...), then ``redact`` rewrites each event field by field and sweeps
what remains for any learnt value in raw, percent-encoded and JSON-escaped form.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, unquote, urlencode, urlsplit, urlunsplit

from pydantic import JsonValue, ValidationError

from inspector.decode import codecs
from inspector.decode.cookies import cookie_pairs
from inspector.decode.errors import DecodeError
from inspector.decode.heap_query import PAIR_PARAMS
from inspector.decode.payloads import utf8
from inspector.wire.envelope import Envelope
from inspector.wire.events import FOREIGN_VALUE_KEY, Notice

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+(?:@|%40)[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# Query and body parameters that carry only counters, sizes, versions and flags: kept as they are.
SAFE_PARAMS = frozenset({
    "pid", "sn", "pn", "pvt", "v", "r", "hd", "lv", "lhd", "dw", "dh", "ww", "wh", "sw", "sh", "la", "uc",
    "re", "ct", "isETR", "mdh", "tvp", "rl", "str", "di", "fl", "sl", "ri", "eo", "q", "cv",
})
USER_KEYS = frozenset({"uu", "u", "user_id", "userId", "uid"})
IDENTITY_KEYS = frozenset({"identity", "i", "hashed_identity"})
URL_KEYS = frozenset({"url", "dr", "referrer", "page_url", "href", "firstViewUrl", "sessionReferrer"})
SAFE_HEADERS = frozenset({
    "accept", "accept-encoding", "accept-language", "cache-control", "connection", "content-encoding",
    "content-length", "content-type", "host", "pragma", "sec-fetch-dest", "sec-fetch-mode",
    "sec-fetch-site", "user-agent", "sec-ch-ua", "sec-ch-ua-mobile", "sec-ch-ua-platform", "date",
    "server", "access-control-allow-origin", "access-control-allow-credentials", "vary", "etag",
})
# Values shorter than this are only replaced in their structural places (a sweep for "FR" or "12"
# would rewrite unrelated text).
MIN_SWEEP = 4
_MAX_OPAQUE = 512 * 1024
_TRIE_MAX = 120


def forms(value: str) -> list[str]:
    """The ways a value can appear inside our files: raw, JSON-escaped, percent-encoded.

    Always the same number of forms in the same order, so a value's forms pair up with a pseudonym's.
    """
    return [value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1],
            quote(value, safe=""), quote(value), quote_plus(value)]


class Pseudonyms:
    """Keyed, consistent, shape-keeping replacements; remembers the originals (in memory only)."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the pseudonym key must have at least 16 bytes")
        self._key = key
        self._seen: dict[tuple[str, str], str] = {}
        self._by_original: dict[str, str] = {}
        self.version = 0  # grows when a new original is learnt (the sweep pattern is rebuilt then)
        self.counts: Counter[str] = Counter()

    def _digest(self, kind: str, value: str) -> str:
        return hmac.new(self._key, f"{kind}\x00{value}".encode(), hashlib.sha256).hexdigest()

    def of(self, value: str, kind: str) -> str:
        if not value:
            return value
        if kind != "user" and EMAIL.fullmatch(value):
            kind = "email"  # whatever the field, an e-mail stays an e-mail (checks still see its shape)
        if (kind, value) in self._seen:
            return self._seen[(kind, value)]
        h = self._digest(kind, value)
        if kind == "user":
            fake = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"
        elif kind == "email":
            fake = f"user-{h[:10]}@example.invalid"
        else:
            fake = f"{kind}-{h[:12]}"
        self._seen[(kind, value)] = fake
        if value not in self._by_original:
            self._by_original[value] = fake
            self.version += 1
        self.counts[kind] += 1
        return fake

    def sensitive(self) -> list[str]:
        """Every original worth sweeping for, longest first (so no shorter one splits a longer one)."""
        return sorted((v for v in self._by_original if len(v) >= MIN_SWEEP), key=len, reverse=True)

    def lookup(self, value: str) -> str | None:
        return self._by_original.get(value)


class Redactor:
    def __init__(self, key: bytes) -> None:
        self.names = Pseudonyms(key)
        self.dropped = 0
        self._learning = False
        self._pattern: re.Pattern[str] | None = None
        self._replacements: dict[str, str] = {}
        self._long: dict[str, str] = {}
        self._plain: set[str] = set()  # values known not to be compressed blobs
        self._pattern_version = -1

    # ------------------------------------------------------------------ entry points

    def redact(self, envelopes: Iterable[Envelope]) -> list[Envelope]:
        envelopes = list(envelopes)
        self._learning = True
        for env in envelopes:  # pass 1: learn sensitive values where they structurally live
            self._event(env.model_dump(mode="json")["event"])
        self._learning = False
        return [self._one(env) for env in envelopes]

    def text(self, value: str) -> str:
        """Free text: learnt values and e-mails replaced; URLs' query values and opaque blobs handled."""
        if _is_url(value):
            return self.url(value)
        opened = self._opaque(value)
        if opened is not None:
            return opened
        return self._sweep(value)

    # ------------------------------------------------------------------ per event

    def _one(self, env: Envelope) -> Envelope:
        data = env.model_dump(mode="json")
        data["event"] = self._event(data["event"])
        line = self._sweep(json.dumps(data, ensure_ascii=False))
        try:
            return Envelope.model_validate_json(line)
        except ValidationError:
            # Our rewrite broke the event's shape: keep its place, say so, lose nothing personal.
            self.dropped += 1
            return env.model_copy(update={"event": Notice(
                level="warning", code="redaction-dropped",
                message=f"a {env.event.kind} event could not be redacted safely and was left out")})

    def _event(self, ev: dict[str, Any]) -> dict[str, Any]:
        handler: Callable[[dict[str, Any]], None] | None = getattr(self, f"_ev_{ev.get('kind')}", None)
        if handler is not None:
            handler(ev)
        return ev

    def _ev_command(self, ev: dict[str, Any]) -> None:
        payload = ev.get("payload")
        ev["page_url"] = self.url(ev.get("page_url") or "")
        if not (isinstance(payload, list) and payload and isinstance(payload[0], str)):
            ev["payload"] = self.json(payload, "text")
            return
        name, args = payload[0], payload[1:]
        if name == "identify" and args:
            args[0] = self.scalar(args[0], "identity")
            args[1:] = [self.json(a, "text") for a in args[1:]]
        elif name == "addUserProperties" and args and isinstance(args[0], dict):
            args[0] = {k: self.scalar(v, "value") for k, v in args[0].items()}
            args[1:] = [self.json(a, "text") for a in args[1:]]
        else:
            args = [self.json(a, "text") for a in args]
        ev["payload"] = [name, *args]

    def _ev_result(self, ev: dict[str, Any]) -> None:
        kind = "hash" if ev.get("name") == "getIdentity" else "text"
        ev["returned"] = self.json(ev.get("returned"), kind)
        if ev.get("error"):
            ev["error"] = self._sweep(ev["error"])

    def _ev_callback(self, ev: dict[str, Any]) -> None:
        ev["payload"] = self.json(ev.get("payload"), "text")
        ev["page_url"] = self.url(ev.get("page_url") or "")

    def _ev_page(self, ev: dict[str, Any]) -> None:
        ev["url"] = self.url(ev.get("url") or "")
        ev["referrer"] = self.url(ev.get("referrer") or "")
        ev["title"] = self._sweep(ev.get("title") or "")

    def _ev_notice(self, ev: dict[str, Any]) -> None:
        ev["message"] = self._sweep(ev.get("message") or "")

    def _ev_storage(self, ev: dict[str, Any]) -> None:
        ev["cookies"] = {name: self.cookie(name, value) for name, value in (ev.get("cookies") or {}).items()}
        ev["page_url"] = self.url(ev.get("page_url") or "")

    def _ev_request(self, ev: dict[str, Any]) -> None:
        ev["url"] = self.url(ev["url"])
        ev["headers"] = [[k, self.header(k, v)] for k, v in ev.get("headers") or []]
        ev["response_headers"] = [[k, self.header(k, v)] for k, v in ev.get("response_headers") or []]
        ev["body"], ev["body_encoding"] = self.body(ev.get("body") or "", ev.get("body_encoding", "text"))

    def _ev_hit(self, ev: dict[str, Any]) -> None:
        if ev.get("uu") is not None:
            ev["uu"] = self.names.of(str(ev["uu"]), "user")
        if ev.get("identity") is not None:
            ev["identity"] = self.names.of(str(ev["identity"]), "identity")
        if isinstance(ev.get("properties"), dict):
            ev["properties"] = {k: self.scalar(v, "value") for k, v in ev["properties"].items()}
        ev["page_url"] = self.url(ev["page_url"]) if ev.get("page_url") else ev.get("page_url")
        ev["fields"] = {k: self.param(k, v) for k, v in (ev.get("fields") or {}).items()}
        ev["unknown"] = {k: self.param(k, v) for k, v in (ev.get("unknown") or {}).items()}
        self._ev_request(ev["request"])

    def _ev_cookies(self, ev: dict[str, Any]) -> None:
        if ev.get("user_id"):
            ev["user_id"] = self.names.of(ev["user_id"], "user")
        ev["fields"] = self.json(ev.get("fields"), "text")
        self._ev_storage(ev["storage"])

    # ------------------------------------------------------------------ values

    def scalar(self, value: JsonValue, kind: str) -> JsonValue:
        """A value the page gave as personal (identity, property value): pseudonymised whole."""
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, (str, int, float)):
            return self.names.of(str(value), kind)
        return self.json(value, kind)

    def json(self, value: JsonValue, kind: str, key: str | None = None) -> JsonValue:
        """Walk JSON: keys kept, string leaves pseudonymised (by what their key says they are)."""
        if isinstance(value, dict):
            if value.get(FOREIGN_VALUE_KEY) is not None:
                return {k: (self._sweep(v) if isinstance(v, str) else v) for k, v in value.items()}
            return {k: self.json(v, kind, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.json(v, kind, key) for v in value]
        if isinstance(value, str):
            if key is not None:
                return self.param(key, value)
            return self.url(value) if kind == "text" and _is_url(value) else self.names.of(value, kind)
        return value

    def param(self, key: str | None, value: JsonValue) -> JsonValue:
        """A named wire value (query parameter, JSON field, decoded field)."""
        if not isinstance(value, str):
            return self.json(value, "text", None) if isinstance(value, (dict, list)) else value
        if key in SAFE_PARAMS:
            return value
        if key in USER_KEYS:
            return self.names.of(value, "user")
        if key in IDENTITY_KEYS:
            return self.names.of(value, "identity")
        if key == "sessionKey" and "." in value:  # "<userId>.<sessionNumber>"
            user, _, number = value.rpartition(".")
            return f"{self.names.of(user, 'user')}.{number}"
        if key in URL_KEYS or _is_url(value):
            return self.url(value)
        opened = self._opaque(value)
        if opened is not None:
            return opened
        if _looks_like_json(value):
            return json.dumps(self.json(json.loads(value), "text"), ensure_ascii=False)
        if _SMALL_NUMBER.fullmatch(value) or not value:
            return value  # counters, indexes, flags
        # Anything else a page or a person could have typed: pseudonymised whole.
        return self.names.of(value, "text")

    def url(self, value: str) -> str:
        if not value:
            return value
        try:
            parts = urlsplit(value)
        except ValueError:
            return self._sweep(value)
        query = urlencode(self._query(parse_qsl(parts.query, keep_blank_values=True)), quote_via=quote)
        fragment = self._sweep(parts.fragment)
        return urlunsplit((parts.scheme, parts.netloc, self._sweep(parts.path), query, fragment))

    def _query(self, pairs: list[tuple[str, str]]) -> list[tuple[str, JsonValue]]:
        """Each parameter by its name; Heap's ``sp``/``pp`` repeat as key, value, key, value..., so their
        keys (property names) are kept and every value is redacted like any other typed value."""
        out: list[tuple[str, JsonValue]] = []
        seen: dict[str, int] = {}
        for name, value in pairs:
            if name in PAIR_PARAMS:
                position = seen.get(name, 0)
                seen[name] = position + 1
                out.append((name, value if position % 2 == 0 else self.param(None, value)))
            else:
                out.append((name, self.param(name, value)))
        return out

    def cookie(self, name: str, value: str) -> str:
        if name == "_cs_id":
            user, dot, rest = value.partition(".")
            return f"{self.names.of(user, 'user')}{dot}{rest}"
        if name in ("_cs_s", "_cs_c", "_cs_optout", "_cs_ex", "_cs_debug"):
            return value  # counters and flags
        if name == "_cs_i":
            return self.names.of(value, "hash")
        if name.startswith("_cs_"):
            return self.text(unquote(value)) if value.startswith("%7B") else self.text(value)
        return self.names.of(value, "secret")

    def header(self, name: str, value: str) -> str:
        lower = name.lower()
        if lower in SAFE_HEADERS:
            return self._sweep(value)
        if lower in ("referer", "origin", "location"):
            return self.url(value)
        if lower == "cookie":
            return "; ".join(f"{k}={self.cookie(k, v)}" if v is not None else self.names.of(k, "secret")
                             for k, v in cookie_pairs(value))
        if lower == "set-cookie":
            first, sep, attrs = value.partition(";")
            pairs = cookie_pairs(first)
            if not pairs or pairs[0][1] is None:
                return self.names.of(value, "secret")
            k, v = pairs[0]
            return f"{k}={self.cookie(k, v or '')}{sep}{attrs}"
        return self.names.of(value, "secret")

    def body(self, body: str, encoding: str) -> tuple[str, str]:
        if encoding == "base64":
            try:
                raw = codecs.b64decode(body)
                zipped = codecs.is_gzip(raw)
                text = utf8(codecs.gunzip(raw) if zipped else raw)
            except DecodeError:
                return f"[binary body of {len(body) * 3 // 4} bytes removed by redaction]", "text"
            redacted = self.body(text, "text")[0]
            packed = codecs.gzip_bytes(redacted.encode()) if zipped else redacted.encode()
            return base64.b64encode(packed).decode(), "base64"
        stripped = body.strip()
        if stripped[:1] in ("{", "["):
            try:
                return json.dumps(self.json(json.loads(stripped), "text"), ensure_ascii=False), "text"
            except ValueError:
                pass
        if "=" in body and " " not in body:
            pairs = parse_qsl(body, keep_blank_values=True)
            return urlencode([(k, self.param(k, v)) for k, v in pairs], quote_via=quote), "text"
        return self.text(body), "text"

    # ------------------------------------------------------------------ opaque blobs and sweeping

    def _opaque(self, value: str) -> str | None:
        """lz-string or base64-gzip payloads: opened, redacted and closed again the same way."""
        if len(value) < 8 or len(value) > _MAX_OPAQUE or " " in value or value in self._plain:
            return None
        opened = self._open(value)
        if opened is None and len(self._plain) < 100_000:
            self._plain.add(value)  # most values are not blobs, and the same ones come back often
        return opened

    def _open(self, value: str) -> str | None:
        if value.startswith("c:"):
            inner = self._opaque_gzip(value[2:])
            return None if inner is None else "c:" + inner
        gz = self._opaque_gzip(value)
        if gz is not None:
            return gz
        for alphabet in (codecs.LZ_URI, codecs.LZ_BASE64):
            try:
                text = codecs.lz_decompress(value, alphabet)
            except DecodeError:
                continue
            if text and _looks_like_json(text):
                return codecs.lz_compress(json.dumps(self.json(json.loads(text), "text"), ensure_ascii=False),
                                          alphabet)
        return None

    def _opaque_gzip(self, value: str) -> str | None:
        try:
            raw = codecs.b64decode(value)
        except DecodeError:
            return None
        if not codecs.is_gzip(raw):
            return None
        try:
            text = utf8(codecs.gunzip(raw))
        except DecodeError:  # broken, or it expands beyond the codecs' limit
            return "[compressed value removed by redaction]"
        inner, _ = self.body(text, "text")
        return base64.b64encode(codecs.gzip_bytes(inner.encode())).decode()

    def _sweep(self, text: str) -> str:
        """Every learnt value (in any of its forms) and every e-mail address in free text, replaced."""
        if not text:
            return text
        if self._learning:  # pass 1 output is thrown away: only learn the e-mails
            for match in EMAIL.finditer(text):
                self._email(match.group(0))
            return text
        pattern = self._sweep_pattern()
        for form, fake_form in self._long.items():
            if form in text:
                text = text.replace(form, fake_form)
        if pattern is not None:
            text = pattern.sub(lambda m: self._replacements[m.group(0)], text)
        return EMAIL.sub(lambda m: self._email(m.group(0)), text)

    def _sweep_pattern(self) -> re.Pattern[str] | None:
        if self._pattern_version != self.names.version:
            self._replacements, self._long = {}, {}
            for original in self.names.sensitive():
                fake = self.names.lookup(original) or ""
                for form, fake_form in zip(forms(original), forms(fake), strict=True):
                    # Long values would nest the trie deeply: few, so replaced one by one.
                    target = self._long if len(form) > _TRIE_MAX else self._replacements
                    target.setdefault(form, fake_form)
            self._pattern = re.compile(_trie_regex(self._replacements)) if self._replacements else None
            self._pattern_version = self.names.version
        return self._pattern

    def _email(self, found: str) -> str:
        if unquote(found).endswith("@example.invalid"):
            return found  # already a pseudonym
        encoded = "%40" in found
        fake = self.names.of(unquote(found), "email")
        return fake.replace("@", "%40") if encoded else fake


def _trie_regex(words: Iterable[str]) -> str:
    """One regex matching any of ``words``, longest first, shaped as a trie so that thousands of values
    cost a few character tests per position instead of one attempt per value."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = []
        for ch, child in sorted(node.items()):
            if not ch:
                continue
            run, tail = ch, child
            while len(tail) == 1 and "" not in tail:  # a chain without branches: one literal
                ((nxt, tail),) = tail.items()
                run += nxt
            branches.append(re.escape(run) + emit(tail))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return emit(trie)


_SMALL_NUMBER = re.compile(r"-?\d{1,6}(?:\.\d+)?")


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://", "/", "?")) and " " not in value and "\n" not in value


def _looks_like_json(text: str) -> bool:
    if text[:1] not in ("{", "["):
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
