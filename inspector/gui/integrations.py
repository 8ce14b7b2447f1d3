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
from dataclasses import dataclass
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


def capture_command(settings: Settings, stream_port: int, token: str, journal: Path) -> CaptureCommand:
    """The mitmdump command line for a capture streaming to ``127.0.0.1:stream_port``."""
    launcher = module("inspector.capture.launcher")
    build = getattr(launcher, "build_command", None)
    if build is None:
        raise UnavailableError("inspector.capture.launcher has no build_command")
    values = {"listen_port": settings.proxy_port, "proxy_port": settings.proxy_port,
              "stream_port": stream_port, "stream_host": "127.0.0.1", "token": token,
              "journal": journal, "journal_path": journal, "sink": settings.sink}
    built: Any = build(**_accepted(build, values))
    argv = [str(a) for a in getattr(built, "argv", built)]
    fingerprint = None
    try:
        certs = module("inspector.certs")
        confdir = getattr(launcher, "default_confdir", None)
        if confdir is not None:
            ca = Path(confdir()) / "mitmproxy-ca-cert.pem"
            if ca.exists():
                fingerprint = certs.spki_fingerprint(ca)
    except Exception:  # no fingerprint is fine: the browser launcher computes its own
        fingerprint = None
    return CaptureCommand(argv[0], argv[1:], f"127.0.0.1:{settings.proxy_port}", fingerprint)


def _accepted(func: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments ``func`` takes, among ``values`` (partners name a few things differently)."""
    params = inspect.signature(func).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return values
    return {k: v for k, v in values.items() if k in params}


def mitmdump_found() -> bool:
    return shutil.which("mitmdump") is not None or (Path(sys.executable).parent / "mitmdump").exists()


# --------------------------------------------------------------------------- browser, demo, report


def launch_browser(settings: Settings, profile: str) -> Any:
    """Start a browser through the running capture proxy; returns an object with ``stop()``."""
    browser = module("inspector.browser")
    launch = getattr(browser, "launch", None)
    if launch is None:
        raise UnavailableError("inspector.browser has no launch()")
    return launch(proxy_port=settings.proxy_port, profile=profile,
                  executable=settings.browser_path or None)


def start_demo(window: Any) -> Any:
    """Start the built-in demo (site + capture in sink mode + browser); returns it (with ``stop()``)."""
    demo = module("inspector.demo")
    session_cls = getattr(demo, "DemoSession", None)
    if session_cls is None:
        raise UnavailableError("inspector.demo has no DemoSession")
    session = session_cls()
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
