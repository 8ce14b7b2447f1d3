"""Putting the page observer at the top of HTML documents, and letting strict CSPs admit it.

Pure string work (no mitmproxy), so every rule here is unit-tested directly. The policy is only ever
widened, and only where needed: a hash is added to ``script-src`` (or ``default-src``) only where the
policy already relies on nonces or hashes, because adding one to an ``'unsafe-inline'`` policy would
switch ``'unsafe-inline'`` off and break the site's own inline scripts.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from pathlib import Path

from inspector.package_files import resource

OBSERVER_PATH = resource("observer", "observer.js")
REPORT_PATH = "/__uxa_inspector__/report"
_SOURCE_LIST_SPLIT = re.compile(r"\s+")


@cache
def observer_source(path: Path = OBSERVER_PATH) -> str:
    return path.read_text(encoding="utf-8")


def script_hash(source: str) -> str:
    """The CSP source expression for an inline script with exactly this text."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def script_tag(source: str) -> str:
    return f"<script>{source}</script>"


_HEAD = re.compile(rb"<head(\s[^>]*)?>", re.IGNORECASE)
_HTML = re.compile(rb"<html(\s[^>]*)?>", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!doctype[^>]*>", re.IGNORECASE)
_META_CSP = re.compile(
    rb"""(<meta\b[^>]*http-equiv\s*=\s*["']?content-security-policy["']?[^>]*>)""", re.IGNORECASE)
_CONTENT_ATTR = re.compile(rb"""(content\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)


def inject(html: bytes, tag: bytes, policy_hash: str) -> bytes:
    """Insert ``tag`` as the first thing the parser runs and widen any ``<meta>`` policy.

    Goes right after ``<head>`` (or ``<html>``, or the doctype, or the very start), so it runs before
    every script of the page, including those a ``<meta>`` policy precedes.
    """
    html = _META_CSP.sub(lambda m: _widen_meta(m.group(1), policy_hash), html)
    for pattern in (_HEAD, _HTML, _DOCTYPE):
        match = pattern.search(html, 0, 8192)
        if match:
            return html[: match.end()] + tag + html[match.end():]
    return tag + html


def _widen_meta(meta: bytes, policy_hash: str) -> bytes:
    def fix(match: re.Match[bytes]) -> bytes:
        quote = match.group(2)
        policy = match.group(3).decode("utf-8", "replace").replace("&#39;", "'").replace("&apos;", "'")
        widened = widen_policy(policy, policy_hash)
        if quote == b"'":
            widened = widened.replace("'", "&#39;")
        return match.group(1) + quote + widened.encode("utf-8") + quote
    return _CONTENT_ATTR.sub(fix, meta, count=1)


def _needs_hash(sources: list[str]) -> bool:
    lowered = [s.lower() for s in sources]
    if "'none'" in lowered:
        return True
    uses_nonce_or_hash = any(s.startswith(("'nonce-", "'sha256-", "'sha384-", "'sha512-")) for s in lowered)
    # With 'strict-dynamic', browsers ignore 'unsafe-inline': inline scripts need a hash anyway.
    return uses_nonce_or_hash or "'strict-dynamic'" in lowered or "'unsafe-inline'" not in lowered


def widen_policy(policy: str, policy_hash: str) -> str:
    """One policy (directives separated by ';') widened just enough for the observer to run and report.

    ``script-src`` (or ``default-src`` when there is none) gets the observer's hash unless inline
    scripts are already allowed without nonces or hashes; ``connect-src`` gets ``'self'`` so the
    same-origin report path is reachable (a policy restricting connections through ``default-src``
    only gets a ``connect-src`` of its own).
    """
    directives: list[tuple[str, list[str]]] = []
    for part in policy.split(";"):
        words = [w for w in _SOURCE_LIST_SPLIT.split(part.strip()) if w]
        if words:
            directives.append((words[0].lower(), words[1:]))
    names = [name for name, _ in directives]
    script_directive = next((n for n in ("script-src-elem", "script-src", "default-src") if n in names), None)
    out: list[str] = []
    for name, original in directives:
        sources = list(original)
        if name in {script_directive, "script-src"} and _needs_hash(sources):
            sources = [s for s in sources if s.lower() != "'none'"]
            if policy_hash not in sources:
                sources.append(policy_hash)
        if name == "connect-src" and not _reaches_self(sources):
            sources = [s for s in sources if s.lower() != "'none'"] + ["'self'"]
        out.append(" ".join([name, *sources]))
    default = dict(directives).get("default-src")
    if "connect-src" not in names and default is not None and not _reaches_self(default):
        # Widening default-src itself would open scripts, images, frames... too: give connections
        # their own directive, as open as default-src was for them, plus the page's origin.
        out.append(" ".join(["connect-src", *(s for s in default if _is_location(s)), "'self'"]))
    return "; ".join(out)


def _reaches_self(sources: list[str]) -> bool:
    return any(s.lower() in ("'self'", "*") for s in sources)


def _is_location(source: str) -> bool:
    """A host or scheme source (what connect-src can use), not a keyword, nonce or hash."""
    return not source.startswith("'")


def widen_header(value: str, policy_hash: str) -> str:
    """A Content-Security-Policy header may hold several policies separated by commas."""
    return ", ".join(widen_policy(p, policy_hash) for p in value.split(","))


_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


def is_html(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media in ("text/html", "application/xhtml+xml")


def charset_of(content_type: str | None) -> str | None:
    match = _CHARSET.search(content_type or "")
    return match.group(1) if match else None
