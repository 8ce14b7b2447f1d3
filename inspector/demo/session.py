"""The built-in demo: the shop on localhost + the capture in sink mode + a browser on the shop.

``DemoSession`` is what the GUI's Demo button and ``uxa-inspector demo`` start. In sink mode the
proxy answers Contentsquare's hosts itself, so the demo never sends anything to the vendor. The shop
loads a tag double (``resources/demo/tag-double.js``), not the vendor's tag.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import JsonValue

from inspector.demo.scenario import (
    FAULT_RULES,
    parse_dumped_dom,
    scenario_url,
    steps_for,
    virtual_time_budget_ms,
)
from inspector.demo.site import DemoSite
from inspector.launch.browser import (
    BrowserProcess,
    LaunchOptions,
    dump_dom,
    find_browser,
    has_display,
    launch,
)
from inspector.launch.profiles import Profile, named_profile, temporary_profile
from inspector.launch.proxy import BlockingProxy, ca_fingerprint, free_port, start_capture

DEMO_DEVICE = "demo"

NO_DISPLAY = ("No display is available (neither DISPLAY nor WAYLAND_DISPLAY is set), so no browser "
              "window can open. Run `uxa-inspector demo --headless` to play the scripted scenario "
              "in a headless browser and print the verdicts.")


class NoDisplayError(RuntimeError):
    """A windowed demo was asked for where no window can open."""


@dataclass
class DemoSession:
    """Start with ``start()``, end with ``stop()`` (also a context manager).

    ``proxy_port``: use a capture that is already running there (the GUI's) instead of starting one;
    otherwise a sink-mode capture is started, streaming to ``stream_port`` with ``token`` when given,
    and journalling to ``journal`` (a temporary file by default).
    """

    faults: Sequence[str] = ()
    headless: bool | None = None  # None: windowed when a display exists, else NoDisplayError
    proxy_port: int | None = None
    stream_port: int | None = None
    token: str = ""
    journal: Path | None = None
    confdir: Path | None = None
    browser_path: str | None = None
    profile_name: str | None = None  # a kept profile (device); None: a fresh visitor each time
    open_browser: bool = True
    site: DemoSite | None = field(default=None, init=False)
    capture: BlockingProxy | None = field(default=None, init=False)
    browser: BrowserProcess | None = field(default=None, init=False)
    fingerprint: str | None = field(default=None, init=False)

    @property
    def site_url(self) -> str:
        if self.site is None:
            raise RuntimeError("the demo is not started")
        return self.site.url

    @property
    def start_url(self) -> str:
        """The shop's product page, with the chosen faults switched on."""
        query = f"?fault={','.join(self.faults)}" if self.faults else ""
        return f"{self.site_url}index.html{query}"

    def start(self) -> DemoSession:
        unknown = [f for f in self.faults if f not in FAULT_RULES]
        if unknown:
            raise ValueError(f"unknown demo fault(s): {', '.join(unknown)}; known: {', '.join(FAULT_RULES)}")
        if self.open_browser and self.headless is None and not has_display():
            raise NoDisplayError(NO_DISPLAY)
        try:
            self.site = DemoSite().start()
            if self.proxy_port is None:
                self._start_capture()
            else:
                self.fingerprint = ca_fingerprint(self.confdir)
            if self.open_browser:
                self.browser = launch(find_browser(self.browser_path, proxy=self.proxy_address),
                                      self._profile(), self.launch_options(), [self.start_url])
        except BaseException:
            self.stop()
            raise
        return self

    @property
    def proxy_address(self) -> str:
        return f"127.0.0.1:{self.proxy_port}"

    def launch_options(self, headless: bool | None = None) -> LaunchOptions:
        assert self.proxy_port is not None
        return LaunchOptions(proxy_port=self.proxy_port, spki=self.fingerprint,
                             headless=bool(self.headless) if headless is None else headless)

    def _start_capture(self) -> None:
        if self.journal is None:
            self.journal = Path(tempfile.mkdtemp(prefix="uxa-demo-")) / "demo.jsonl"
        self.proxy_port = free_port()
        self.capture = start_capture(ports={self.proxy_port: DEMO_DEVICE}, sink=True, journal=self.journal,
                                     stream_port=self.stream_port, token=self.token, confdir=self.confdir)
        self.fingerprint = ca_fingerprint(self.confdir)

    def _profile(self) -> Profile:
        return named_profile(self.profile_name) if self.profile_name else temporary_profile(DEMO_DEVICE)

    def play_scenario(self, faults: Sequence[str] | None = None,
                      timeout_s: float = 60.0) -> list[dict[str, JsonValue]]:
        """Play the scripted scenario once in a fresh headless browser through the proxy; returns
        the scenario page's own log (the capture records the run meanwhile)."""
        faults = list(self.faults if faults is None else faults)
        browser = find_browser(self.browser_path, proxy=self.proxy_address)
        url = scenario_url(self.site_url, faults)
        dom = dump_dom(browser, temporary_profile("scenario"), self.launch_options(headless=True), url,
                       virtual_time_budget_ms(steps_for(faults)), timeout_s)
        return parse_dumped_dom(dom)

    def wait_for_journal(self, commands: int, timeout_s: float = 10.0) -> None:
        """The capture writes its journal asynchronously: wait until it holds ``commands`` commands."""
        deadline = time.monotonic() + timeout_s
        while self.journal is not None and time.monotonic() < deadline:
            text = self.journal.read_text(encoding="utf-8") if self.journal.exists() else ""
            if text.count('"kind":"command"') >= commands:
                return
            time.sleep(0.1)

    def running(self) -> bool:
        return self.browser is not None and self.browser.running()

    def runs_proxy(self) -> bool:
        """Whether the demo's own capture proxy runs (not one it was given with ``proxy_port``)."""
        return self.capture is not None and self.capture.running()

    def stop(self) -> None:
        """Close the browser, then the capture (its journal complete), then the site."""
        if self.browser is not None:
            self.browser.stop()
            self.browser = None
        if self.capture is not None:
            self.capture.stop()
            self.capture = None
        if self.site is not None:
            self.site.stop()
            self.site = None

    def __enter__(self) -> DemoSession:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
