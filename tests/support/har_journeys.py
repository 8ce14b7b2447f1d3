"""HAR files recorded by real Chromium (Debian's, driven by Playwright) on the demo shop.

A journey is what a support case looks like: browse anonymously, sign in, browse, sign out, sign in
as someone else, then switch straight to a third account. Two recorders see it, each from its own
side: Playwright's ``record_har_path`` in the browser (through the capture in sink mode) and
mitmdump's ``hardump`` on the proxy (plain mitmdump with ``sink_addon.py``, no observer). Neither
file holds a ``_uxa`` call: the network only.

    python -m tests.support.har_journeys     # records them again into tests/data/har/ (trimmed)

Kept files are trimmed to the entries the judgement needs (documents, the tag's requests) and hold
only the demo's fake customers.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

from inspector.decode.hosts import is_tag_host
from inspector.demo.site import DemoSite
from inspector.launch.browser import trust_flag
from inspector.launch.proxy import BlockingProxy, ca_fingerprint, free_port, start_capture
from tests.support.chromium import QUIET_FLAGS, chromium_path

SINK_ADDON = Path(__file__).resolve().parent / "sink_addon.py"
DATA = Path(__file__).resolve().parent.parent / "data" / "har"
# The demo's fake customers: sign in, sign out, sign in as the second, switch to the third.
CUSTOMERS = ("C-1001", "C-2002", "C-3003")
# The tag double's faults a HAR can show, and the rule that catches each from the network alone.
# The others change only what the page's commands do or return, which a HAR never holds.
NETWORK_FAULTS: dict[str, str] = {
    "no-renewal": "unexpected-user-id-change",  # the account switch renews the user without pvt=r
    "lose-user-id": "unexpected-user-id-change",  # every page load starts a new user
    "page-gap": "page-number-gap",
}
RECORDERS = ("playwright", "mitmdump")
# The tag's renewal pageviews (pvt=r), for a journey that loses them on the way (a DevTools pattern).
RENEWAL_PAGEVIEWS = "https://c.contentsquare.net/pageview?*&pvt=r&*"


def _settle(page: Page) -> None:
    """Wait until the tag double has loaded and each hit it sent so far has finished loading (a
    resource timing entry appears then), so the next navigation cancels nothing."""
    page.wait_for_function(
        "() => window._uxaDouble && performance.getEntriesByType('resource')"
        ".filter(e => e.name.startsWith('https://c.contentsquare.net/')).length >= window._uxaDouble.sent.length",
        timeout=15_000)


def _visit(page: Page, url: str) -> None:
    page.goto(url)
    _settle(page)


def _sign_in(page: Page, base: str, customer: str) -> None:
    _visit(page, base + "account.html")
    page.fill("input[name=customer]", customer)
    page.fill("input[name=email]", f"{customer.lower()}@example.com")
    with page.expect_navigation():
        page.click("#login button")  # identify, then the shop reloads the page
    _settle(page)


def play(page: Page, base: str, fault: str | None) -> None:
    """The journey on the shop at ``base`` (ends with '/'), with one tag fault on (or none)."""
    first, second, third = CUSTOMERS
    _visit(page, f"{base}index.html?fault={fault or 'none'}")
    _visit(page, base + "guide.html")
    _sign_in(page, base, first)
    _visit(page, base + "index.html")
    _visit(page, base + "account.html")
    with page.expect_navigation():
        page.click("#logout")  # resetIdentity, then a reload
    _settle(page)
    _sign_in(page, base, second)
    _visit(page, base + "guide.html")
    _sign_in(page, base, third)  # an account switch: identify with another identity
    _visit(page, base + "index.html")


@dataclass
class Rig:
    """The shop, one capture in sink mode, and a Chromium that trusts the proxies' CA."""

    site: DemoSite
    capture_port: int
    confdir: Path
    browser: Browser
    tmp: Path

    def _journey(self, port: int, fault: str | None, har: Path | None, drop_renewals: bool = False) -> None:
        context = self.browser.new_context(
            proxy={"server": f"http://127.0.0.1:{port}", "bypass": "<-loopback>"},
            record_har_path=str(har) if har else None)
        page = context.new_page()
        if drop_renewals:  # DevTools' "block request URL", as a QA engineer would (or a blocker)
            # Not Playwright's route(): intercepting every request loses the observer's beacons at unload.
            devtools = context.new_cdp_session(page)
            devtools.send("Network.enable")
            devtools.send("Network.setBlockedURLs", {"urls": [RENEWAL_PAGEVIEWS]})
        try:
            play(page, self.site.url, fault)
        finally:
            context.close()  # writes the HAR

    def through_capture(self, fault: str | None, har: Path, drop_renewals: bool = False) -> Path:
        """Playwright's own HAR of the journey, the browser going through the capture (sink mode)."""
        self._journey(self.capture_port, fault, har, drop_renewals)
        return har

    def through_mitmdump(self, fault: str | None, har: Path) -> Path:
        """mitmdump's ``hardump`` of the journey (plain mitmdump, the sink addon only)."""
        port = free_port()
        argv = [sys.executable, "-c", "from mitmproxy.tools.main import mitmdump; mitmdump()",
                "-s", str(SINK_ADDON), "--mode", f"regular@127.0.0.1:{port}",
                "--set", f"confdir={self.confdir}", "--set", f"hardump={har}",
                "--set", "connection_strategy=lazy", "--set", "upstream_cert=false",
                "--set", "termlog_verbosity=warn", "--set", "flow_detail=0"]
        proxy = BlockingProxy(argv, [port]).start()
        try:
            self._journey(port, fault, None)
        finally:
            proxy.stop()  # mitmdump writes its HAR on exit
        if not har.exists():
            raise RuntimeError("mitmdump wrote no HAR: " + " | ".join(list(proxy.tail)[-5:]))
        return har

    def with_capture(self, port: int) -> Rig:
        """The same shop and browser, going through another capture (one with its own journal)."""
        return replace(self, capture_port=port)

    def record(self, recorder: str, fault: str | None, har: Path) -> Path:
        return (self.through_capture if recorder == "playwright" else self.through_mitmdump)(fault, har)


@contextmanager
def rig(tmp: Path, confdir: Path) -> Iterator[Rig]:
    """Everything a recording needs, started once; stopped (browser, proxy, shop) on exit."""
    port = free_port()
    capture = start_capture(ports={port: "har"}, sink=True, confdir=confdir)
    try:
        fingerprint = ca_fingerprint(confdir)
        assert fingerprint, "mitmproxy did not write its CA"
        flags = [flag for flag in QUIET_FLAGS if flag != "--headless"]  # Playwright adds its own
        with DemoSite() as site, sync_playwright() as playwright:
            # Contexts choose their proxy; Chromium needs one at launch for that to work.
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), headless=True,
                args=[*flags, trust_flag(fingerprint)],
                proxy={"server": "http://per-context"})
            try:
                yield Rig(site, port, confdir, browser, tmp)
            finally:
                browser.close()
    finally:
        capture.stop()


# --------------------------------------------------------------------------- files kept for unit tests


def _keep(entry: dict[str, Any]) -> bool:
    """The entries a judgement needs: pages (their cookies) and the tag's hits."""
    request = entry.get("request") or {}
    url = str(request.get("url", ""))
    host = url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    if is_tag_host(host):
        return True
    headers = {str(h.get("name", "")).lower(): str(h.get("value", "")) for h in request.get("headers", [])}
    return headers.get("sec-fetch-dest") == "document"


# The headers the HAR reader uses (and what shows the sink answered); the rest is dropped from kept files.
_REQUEST_HEADERS = frozenset({"cookie", "referer", "sec-fetch-dest", "accept", "content-type", ":authority"})
_RESPONSE_HEADERS = frozenset({"set-cookie", "content-type", "x-uxa-inspector"})


def trim(document: dict[str, Any]) -> dict[str, Any]:
    """The HAR with only the needed entries and headers, and no bodies: small, and nothing else kept."""
    log = document["log"]
    entries = []
    for entry in log["entries"]:
        if not _keep(entry):
            continue
        request, response = entry["request"], entry.get("response", {})
        request.pop("queryString", None)  # the URL says it all
        request["headers"] = [h for h in request.get("headers", []) if h["name"].lower() in _REQUEST_HEADERS]
        response["headers"] = [h for h in response.get("headers", []) if h["name"].lower() in _RESPONSE_HEADERS]
        content = response.get("content")
        if isinstance(content, dict):
            for key in ("text", "_file", "encoding"):
                content.pop(key, None)
        entries.append(entry)
    return {"log": {**log, "entries": entries}}


def save_trimmed(har: Path, name: str, port: int) -> Path:
    """Written one entry a line, the shop's port made fixed (so a new recording diffs readably)."""
    document = trim(json.loads(har.read_text(encoding="utf-8")))
    entries = document["log"].pop("entries")
    head = json.dumps(document, ensure_ascii=False)[:-2]  # up to the log's closing braces
    lines = ",\n".join(json.dumps(entry, ensure_ascii=False, separators=(",", ":")) for entry in entries)
    text = f'{head}, "entries": [\n{lines}\n]}}}}\n'
    out = DATA / f"{name}.har"
    out.write_text(text.replace(f"localhost:{port}", "localhost:8000"), encoding="utf-8")
    return out


# The recordings kept under tests/data/har: a clean journey and one fault, by each recorder.
KEPT: Sequence[tuple[str, str | None]] = (("playwright", None), ("mitmdump", None),
                                           ("playwright", "page-gap"), ("mitmdump", "no-renewal"))


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="uxa-hars-") as name:
        tmp = Path(name)
        with rig(tmp, tmp / "conf") as recording:
            for recorder, fault in KEPT:
                label = f"{recorder}_{fault or 'clean'}"
                har = recording.record(recorder, fault, tmp / f"{label}.har")
                print(save_trimmed(har, label, recording.site.port))


if __name__ == "__main__":
    main()
