"""The app's optional partners, found at run time: capture launcher, browser launcher, demo, reports.

Each is built by another part of the project; when one is missing (or lacks what we call) the
matching action is disabled with a tooltip saying why, instead of failing when clicked.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from inspector.gui.settings import Settings


class UnavailableError(Exception):
    """The partner module is not there (yet): the message says what is missing."""


def module(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    try:
        spec = importlib.util.find_spec(name)
    except ModuleNotFoundError:
        spec = None
    if spec is None:
        raise UnavailableError(f"{name} is not part of this build")
    return importlib.import_module(name)


def availability(name: str, *attributes: str) -> str | None:
    """None when ``name`` has every attribute, else why not (for a tooltip)."""
    try:
        mod = module(name)
    except UnavailableError as exc:
        return str(exc)
    except Exception as exc:  # a broken partner must not stop the app from starting
        return f"{name} failed to load: {type(exc).__name__}: {exc}"
    missing = [a for a in attributes if not hasattr(mod, a)]
    return f"{name} has no {', '.join(missing)}" if missing else None


# --------------------------------------------------------------------------- capture


@dataclass(frozen=True, slots=True)
class CaptureCommand:
    program: str
    args: list[str]
    proxy_address: str
    ca_fingerprint: str | None = None
    # Secrets go to the child in its environment, not on its command line (visible in ps).
    env: dict[str, str] = field(default_factory=dict)


def capture_command(settings: Settings, stream_port: int, token: str, journal: Path,
                    confdir: Path | None = None, devices: dict[int, str] | None = None) -> CaptureCommand:
    """The mitmdump command line for a capture streaming to ``127.0.0.1:stream_port``; ``devices``
    gives each browser profile its own listen port (one device each)."""
    launcher = module("inspector.capture.launcher")
    build = getattr(launcher, "build_command", None)
    if build is None:
        raise UnavailableError("inspector.capture.launcher has no build_command")
    token_env = getattr(launcher, "TOKEN_ENV", None)
    values = {"listen_port": settings.proxy_port, "proxy_port": settings.proxy_port,
              "stream_port": stream_port, "stream_host": "127.0.0.1", "journal": journal,
              "journal_path": journal, "sink": settings.sink, "confdir": confdir, "devices": devices}
    if token_env is None:
        values["token"] = token
    built: Any = build(**_accepted(build, values))
    argv = [str(a) for a in getattr(built, "argv", built)]
    return CaptureCommand(argv[0], argv[1:], f"127.0.0.1:{settings.proxy_port}", ca_fingerprint(confdir),
                          {token_env: token} if token_env else {})


def ca_fingerprint(confdir: Path | None = None) -> str | None:
    """The proxy CA's SPKI fingerprint once the proxy has made its CA (on its first start)."""
    try:
        finder = getattr(module("inspector.capture.launcher"), "ca_fingerprint", None)
        return str(finder(confdir)) if finder is not None and finder(confdir) else None
    except Exception:  # no fingerprint yet: the browser then trusts nothing extra
        return None


def _accepted(func: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments ``func`` takes, among ``values`` (partners name a few things differently)."""
    params = inspect.signature(func).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return values
    return {k: v for k, v in values.items() if k in params}


def mitmdump_found() -> bool:
    return shutil.which("mitmdump") is not None or (Path(sys.executable).parent / "mitmdump").exists()


# --------------------------------------------------------------------------- browser, demo, report


def profile_ports(settings: Settings, names: list[str]) -> dict[int, str]:
    """One listen port per known profile, from the proxy port up: each profile is its own device."""
    return dict(module("inspector.profiles").device_ports(settings.proxy_port, names))


def launch_browser(settings: Settings, profile: str, urls: tuple[str, ...] = (),
                   headless: bool | None = None, port: int | None = None) -> Any:
    """Start a browser through the running capture proxy with a named profile; returns it (``stop()``).

    The browser trusts the capture CA by its SPKI fingerprint only (no certificate is installed).
    """
    browser = module("inspector.browser")
    profiles = module("inspector.profiles")
    port = port or settings.proxy_port
    proxy = f"127.0.0.1:{port}"
    found = browser.find_browser(settings.browser_path or None, proxy=proxy)
    options = browser.LaunchOptions(proxy_port=port, spki=ca_fingerprint(),
                                    headless=not browser.has_display() if headless is None else headless)
    return browser.launch(found, profiles.named_profile(profile), options, urls=list(urls))


def profile_names() -> list[str]:
    try:
        return [str(name) for name in module("inspector.profiles").list_profiles()]
    except Exception:  # profiles are a convenience: the combo box stays editable
        return []


def start_demo(window: Any) -> Any:
    """Start the built-in demo (site + capture in sink mode + browser) streaming into ``window``.

    A sink-mode capture the window already runs is reused; a forward-mode one is stopped first, so
    the demo's stand-in traffic never reaches the vendor. Otherwise the demo starts its own sink
    capture, which connects to the window's listener like any capture child.
    """
    demo = module("inspector.demo")
    session_cls = getattr(demo, "DemoSession", None)
    if session_cls is None:
        raise UnavailableError("inspector.demo has no DemoSession")
    if window.capture.is_running() and window.settings.sink:
        session = session_cls(proxy_port=window.settings.proxy_port)
    else:
        if window.capture.is_running():
            window.stop_capture()
        if window.inspection.steps and window.inspection.source:
            window.inspection.clear()  # the demo is a fresh inspection, not an appendix to a file
        window.inspection.set_config(window.settings.model_config())
        session = session_cls(stream_port=window.listener.listen(), token=window.listener.token)
    session.start()
    return session


def report_html(inspection: Any, reveal: bool) -> str:
    """The self-contained HTML report of what the inspection holds (masked unless revealed).

    The reports part re-runs the same engine over the raw envelopes, so the report and the window
    agree and the report reads exactly like ``uxa-inspector report`` on the saved recording.
    """
    html = module("inspector.report.html")
    check = module("inspector.report.check")
    capture = module("inspector.report.capture")
    source = inspection.source or "live capture"
    item = capture.InputFile(path=source, kind="recording", envelopes=tuple(inspection.raws))
    run = check.run_check([item], deadline_s=inspection.config.deadline_s)
    return str(html.render_html(run, reveal=reveal, title=f"UXA Inspector report — {Path(source).name}"))
