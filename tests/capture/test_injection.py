"""The observer's injection point and the CSP rules: widen only what is needed, never break a site."""

from __future__ import annotations

import re

import pytest

from inspector.capture.injection import inject, observer_source, script_hash, widen_header, widen_policy
from inspector.model.transitions import TRIGGER_CALLS

H = "'sha256-abc='"
TAG = b"<script>OBS</script>"


@pytest.mark.parametrize(("policy", "expected"), [
    # Nonces/hashes: the observer's hash joins them.
    ("script-src 'nonce-x' 'strict-dynamic'", f"script-src 'nonce-x' 'strict-dynamic' {H}"),
    ("default-src 'self'", f"default-src 'self' {H}"),
    ("script-src 'none'", f"script-src {H}"),
    # 'unsafe-inline' alone: adding a hash would switch it off, so the policy stays as it is.
    ("script-src 'self' 'unsafe-inline'", "script-src 'self' 'unsafe-inline'"),
    # ...unless 'strict-dynamic' already switches 'unsafe-inline' off.
    ("script-src 'unsafe-inline' 'strict-dynamic'", f"script-src 'unsafe-inline' 'strict-dynamic' {H}"),
    ("default-src * 'unsafe-inline'; img-src *", "default-src * 'unsafe-inline'; img-src *"),
    # Reports must reach the page's own origin.
    ("script-src 'nonce-x'; connect-src https://api.example",
     f"script-src 'nonce-x' {H}; connect-src https://api.example 'self'"),
    ("connect-src 'none'", "connect-src 'self'"),
    # Connections restricted by default-src alone: a connect-src of their own, default-src untouched
    # for everything else (images, frames...).
    ("default-src 'none'", f"default-src {H}; connect-src 'self'"),
    ("default-src https://cdn.example 'unsafe-eval'; script-src 'nonce-x'",
     f"default-src https://cdn.example 'unsafe-eval'; script-src 'nonce-x' {H}; connect-src https://cdn.example 'self'"),
    ("default-src *; script-src 'nonce-x'", f"default-src *; script-src 'nonce-x' {H}"),
    ("img-src *; report-uri /csp", "img-src *; report-uri /csp"),
    ("script-src-elem 'nonce-a'; script-src 'nonce-a'", f"script-src-elem 'nonce-a' {H}; script-src 'nonce-a' {H}"),
])
def test_widen_policy(policy: str, expected: str) -> None:
    assert widen_policy(policy, H) == expected


def test_several_policies_in_one_header_each_admit_the_observer() -> None:
    out = widen_header("script-src 'nonce-a', default-src 'self'", H)
    assert out == f"script-src 'nonce-a' {H}, default-src 'self' {H}"


def test_injects_first_in_head_and_widens_meta_policies() -> None:
    html = (b"<!DOCTYPE html><html lang=en><head><meta http-equiv=\"Content-Security-Policy\" "
            b"content=\"script-src 'nonce-q'\"><script nonce=q>page()</script></head></html>")
    out = inject(html, TAG, H)
    assert out.index(TAG) < out.index(b"<meta") < out.index(b"page()")
    assert f"script-src 'nonce-q' {H}".encode() in out


@pytest.mark.parametrize(("html", "prefix"), [
    (b"<html><body>x</body></html>", b"<html>"),
    (b"<!doctype html><p>x", b"<!doctype html>"),
    (b"<p>fragment", b""),
])
def test_injects_where_the_document_allows(html: bytes, prefix: bytes) -> None:
    assert inject(html, TAG, H).startswith(prefix + TAG)


def test_hash_matches_the_injected_script_text() -> None:
    source = observer_source()
    assert script_hash(source).startswith("'sha256-") and "_uxa" in source


def test_the_observer_is_ascii_so_any_ascii_compatible_charset_takes_it_unchanged() -> None:
    # Injected as bytes into Latin-1, Shift_JIS, UTF-8... pages alike, and hashed as UTF-8.
    assert observer_source().isascii()


def test_the_observer_snapshots_cookies_around_exactly_the_commands_the_model_credits() -> None:
    # The observer reads cookies right before and after these commands only (a read is a round trip
    # to the browser); a command the model credits without that snapshot would lose its evidence.
    found = re.search(r"var CREDITED = \{([^}]*)\};", observer_source())
    assert found, "observer.js no longer declares CREDITED"
    names = set(re.findall(r"(\w+): true", found.group(1)))
    assert names == {trigger.removeprefix("command:") for trigger in TRIGGER_CALLS}
