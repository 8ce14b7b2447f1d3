"""The app's partners outside Qt: the capture command line, browsers and profiles, reports.

Thin calls into the rest of the project, kept in one place so the window and the controller stay
about widgets and lifecycles. The capture child runs mitmproxy; the app itself never imports it, it
only checks that it is installed.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from inspector.gui.live.connection import CaptureCommand
from inspector.gui.settings import Settings
from inspector.launch import browser, profiles
from inspector.launch import proxy as launcher
from inspector.model.state import Snapshot
from inspector.report.capture import InputFile
from inspector.report.check import CheckRun
from inspector.report.html import render_html
from inspector.session.store import CaptureStore
from inspector.wire.endpoints import LOOPBACK, TOKEN_ENV

if TYPE_CHECKING:
    from inspector.gui.inspection import Inspection


class UnavailableError(Exception):
    """Something the action needs is not installed: the message says what."""


def capture_unavailable() -> str | None:
    """Why a capture cannot start here (None when it can): the child needs mitmproxy."""
    if importlib.util.find_spec("mitmproxy") is None:
        return "mitmproxy is not installed (pip install 'mitmproxy>=11')"
    return None


# --------------------------------------------------------------------------- capture


def capture_command(settings: Settings, stream_port: int, token: str, journal: Path,
                    confdir: Path | None = None, devices: dict[int, str] | None = None) -> CaptureCommand:
    """The mitmdump command line for a capture streaming to ``127.0.0.1:stream_port``; ``devices``
    gives each browser profile its own listen port (one device each)."""
    why = capture_unavailable()
    if why:
        raise UnavailableError(why)
    argv = launcher.build_command(listen_port=settings.proxy_port, devices=devices, sink=settings.sink,
                                  journal=journal, stream_port=stream_port, confdir=confdir)
    return CaptureCommand(argv[0], argv[1:], f"{LOOPBACK}:{settings.proxy_port}", {TOKEN_ENV: token})


def ca_fingerprint(confdir: Path | None = None) -> str | None:
    """The proxy CA's SPKI fingerprint once the proxy has made its CA (on its first start)."""
    try:
        return launcher.ca_fingerprint(confdir)
    except (OSError, ValueError):  # an unreadable CA file: the browser then trusts nothing extra
        return None


# --------------------------------------------------------------------------- browser, demo, report


def profile_ports(settings: Settings, names: list[str]) -> dict[int, str]:
    """One listen port per known profile, from the proxy port up: each profile is its own device."""
    return profiles.device_ports(settings.proxy_port, names)


def launch_browser(settings: Settings, profile: str, urls: tuple[str, ...] = (),
                   headless: bool | None = None, port: int | None = None,
                   fresh: bool = False) -> browser.BrowserProcess:
    """Start a browser through the running capture proxy with the kept profile ``profile``, or with
    ``fresh`` an empty one under that device name that is thrown away when the browser is stopped.

    The browser trusts the capture CA by its SPKI fingerprint only (no certificate is installed).
    Raises ``BrowserNotFoundError`` (its message has the manual steps) or ``OSError``.
    """
    port = port or settings.proxy_port
    chosen_path = settings.browser_path
    if chosen_path and (os.sep in chosen_path or "/" in chosen_path) and not Path(chosen_path).is_file():
        # A path typed in Settings that is wrong: say so, rather than "none found, set UXA_BROWSER".
        raise browser.BrowserNotFoundError(
            f"The browser set in Settings, {chosen_path}, is not a file. Correct the path in "
            "Settings ▸ Browser, or empty it to use the first Chromium-family browser found.")
    found = browser.find_browser(settings.browser_path or None, proxy=f"{LOOPBACK}:{port}")
    options = browser.LaunchOptions(proxy_port=port, spki=ca_fingerprint(),
                                    headless=not browser.has_display() if headless is None else headless)
    chosen = profiles.temporary_profile(profile) if fresh else profiles.named_profile(profile)
    return browser.launch(found, chosen, options, urls=list(urls))


def forget_profile(name: str) -> bool:
    """Delete the kept profile ``name`` (cookies and all): its next launch is a new visitor."""
    return profiles.forget_profile(name)


def profile_names() -> list[str]:
    try:
        return profiles.list_profiles()
    except OSError:  # profiles are a convenience: the combo box stays editable
        return []


def report_html(inspection: Inspection, reveal: bool) -> str:
    """The self-contained HTML report of what the inspection holds now (masked unless revealed).

    It renders the inspection's own store, so it says exactly what the window shows; a live capture's
    open expectations are judged when the capture stops, as in the window.
    """
    return report_job(inspection, reveal)()


def report_job(inspection: Inspection, reveal: bool) -> Callable[[], str]:
    """``report_html`` in two steps: what the inspection holds is taken now (a few ms at 100,000
    events, on the GUI thread, while nothing changes it), and the call returned renders it, on any
    thread (about a second at 100,000 events) while the capture goes on."""
    source = inspection.source or "live capture"
    item = InputFile(path=source, kind="recording", envelopes=inspection.raws.copy())
    run = CheckRun((item,), FrozenStore(inspection.store), inspection.config.deadline_s)
    title = f"UXA Inspector report — {Path(source).name}"
    return lambda: render_html(run, reveal=reveal, title=title)


class FrozenStore(CaptureStore):
    """What a store holds at one moment, for a rendering on another thread: the lists the renderings
    read, copied, and the model's state then. The store goes on (live events) without changing it.
    Its verdicts, moments and states are never changed once made, so they are shared, not copied."""

    def __init__(self, store: CaptureStore) -> None:
        super().__init__(store.config, time_travel=False)
        self.verdicts = list(store.verdicts)
        self.severity_counts = store.severity_counts.copy()
        self.rule_counts = store.rule_counts.copy()
        self.timeline = list(store.timeline)
        self.refused = list(store.refused)
        self.applied, self.events, self.dropped = store.applied, store.events, store.dropped
        self._snapshot = store.snapshot()

    def snapshot(self) -> Snapshot:
        return self._snapshot
