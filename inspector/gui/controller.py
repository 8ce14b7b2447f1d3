"""The lifecycle of what the app starts outside itself: the capture child, browsers, the demo.

The window only lays out widgets and forwards the user's choices (mode, profile) here; this object
is given everything else it needs (the inspection to feed, the settings, and ``Partners``: the
command builder, browser launcher and demo factory) and reports back through signals, so it never
reaches into a widget. Nothing here is modal: a problem is a signal the window shows in a banner.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from inspector.demo.session import DemoSession
from inspector.gui import integrations
from inspector.gui.inspection import Inspection
from inspector.gui.live.connection import CaptureCommand, CaptureConnection
from inspector.gui.live.listener import Listener
from inspector.gui.settings import Settings
from inspector.launch.preflight import CaptureStartError, check_ports_free
from inspector.launch.profiles import Profile
from inspector.wire.endpoints import LOOPBACK
from inspector.wire.envelope import Envelope


class Launched(Protocol):
    """What the controller needs of a browser it launched (``launch.browser.BrowserProcess``)."""

    @property
    def profile(self) -> Profile: ...

    def running(self) -> bool: ...

    def stop(self) -> None: ...


class Demo(Protocol):
    """What the controller needs of the demo (``demo.session.DemoSession``)."""

    @property
    def proxy_address(self) -> str: ...

    def start(self) -> object: ...

    def runs_proxy(self) -> bool: ...

    def stop(self) -> None: ...


# How long closing the app waits for a demo still starting (its proxy's own start times out at 20 s).
DEMO_START_WAIT_S = 25.0

# settings, stream port, token, journal, devices (listen port -> profile) -> the child's command
# Devices kept free at each capture start for fresh visitors (Launch fresh visitor), one per browser.
VISITOR_DEVICES = ("visitor-1", "visitor-2", "visitor-3")

CommandBuilder = Callable[[Settings, int, str, Path, dict[int, str]], CaptureCommand]


def _capture_command(settings: Settings, stream_port: int, token: str, journal: Path,
                     devices: dict[int, str]) -> CaptureCommand:
    return integrations.capture_command(settings, stream_port, token, journal, devices=devices)


def _launch_browser(settings: Settings, profile: str, port: int | None, fresh: bool) -> Launched:
    return integrations.launch_browser(settings, profile, port=port, fresh=fresh)


@dataclass(frozen=True, slots=True)
class Partners:
    """The calls the controller makes outside Qt; tests hand in stand-ins for the ones they fake."""

    capture_command: CommandBuilder = _capture_command
    launch_browser: Callable[[Settings, str, int | None, bool], Launched] = _launch_browser
    demo_session: Callable[..., Demo] = DemoSession
    check_ports: Callable[[str, Sequence[int]], None] = check_ports_free


class _DemoStep(QObject):
    """A slow step of the demo, off the GUI thread: its start (its shop, its capture proxy waited for
    until it listens, a second or more, and its browser) or its stop (browser, proxy and shop take
    seconds to end). ``done`` reaches the GUI thread queued."""

    done = Signal(object, object)  # the demo, the exception the step raised (or None)

    def __init__(self, session: Demo, parent: QObject, *, starting: bool) -> None:
        super().__init__(parent)
        self.session = session
        self.starting = starting
        self.worker = threading.Thread(target=self._run, name="demo-start" if starting else "demo-stop",
                                       daemon=True)

    def _run(self) -> None:
        error: Exception | None = None
        try:
            if self.starting:
                self.session.start()
            else:
                self.session.stop()
        except Exception as exc:  # shown (or logged) by the window once back on the GUI thread
            error = exc
        try:
            self.done.emit(self.session, error)
        except RuntimeError:  # the controller is gone: nobody will stop a started demo but this thread
            if self.starting and error is None:
                self.session.stop()


class Controller(QObject):
    log = Signal(str)  # a line for the capture log
    capturing = Signal(bool)  # the capture now runs, or no longer does
    problem = Signal(str, object, bool)  # title, detail lines: list[str], whether a restart may help
    notice = Signal(str)  # a short message for the status bar
    status_changed = Signal()  # the proxy address or the capture's health changed
    demo_started = Signal()
    demo_failed = Signal(str)  # why the demo could not start

    def __init__(self, inspection: Inspection, settings: Settings, partners: Partners | None = None,
                 profiles: Sequence[str] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.inspection = inspection
        self.settings = settings
        self.partners = partners or Partners()
        self.connection = CaptureConnection(self)
        self.profiles = list(profiles)  # known profile names: each gets its own port (device)
        self.profile = settings.browser_profile
        self.sink = settings.sink
        self.devices: dict[int, str] = {}  # listen port -> profile, of the running capture
        self.browsers: list[Launched] = []
        self.demo: Demo | None = None
        self.demo_starting: _DemoStep | None = None  # a demo on its way up, off the GUI thread
        self.demo_stopping: _DemoStep | None = None  # the previous demo going, before the next starts
        # Each capture start is a run, the demo's child a source of its own: each numbers from 0.
        self._run = 0
        self._demo_run = 0
        conn = self.connection
        conn.envelope.connect(self._from_capture)
        conn.bad_line.connect(inspection.note_bad_line)
        conn.message.connect(self.log)
        conn.health_changed.connect(lambda _health: self.status_changed.emit())
        conn.stopped.connect(self._on_stopped)
        conn.crashed.connect(self._on_crashed)
        # The demo's own capture child streams here, never into the capture's socket: its events and
        # ticks are told apart from the capture's, and the capture's health stays the capture's.
        self.demo_listener = Listener(self)
        self.demo_listener.envelope.connect(self._from_demo)
        self.demo_listener.bad_line.connect(inspection.note_bad_line)
        self.demo_listener.refused.connect(self.log)
        self.demo_listener.connected.connect(self._on_demo_connected)
        self.demo_listener.disconnected.connect(self.status_changed)

    def _from_capture(self, envelope: Envelope) -> None:
        self.inspection.enqueue(envelope, ("capture", self._run))

    def _from_demo(self, envelope: Envelope) -> None:
        self.inspection.enqueue(envelope, ("demo", self._demo_run))

    def _on_demo_connected(self, pid: int) -> None:
        self.log.emit(f"demo capture connected (pid {pid})")
        self.status_changed.emit()

    def proxies(self) -> list[str]:
        """The proxies running now, as the status bar names them (empty: none)."""
        running = [f"proxy {self.connection.proxy_address}"] if self.connection.proxy_address else []
        demo = self.demo
        if self.demo_starting is not None or self.demo_stopping is not None:
            running.append("demo starting…")
        elif demo is not None and demo.runs_proxy():
            running.append(f"demo proxy {demo.proxy_address}")
        elif demo is not None and running and demo.proxy_address == self.connection.proxy_address:
            running[0] += " (with the demo)"
        return running

    # ------------------------------------------------------------------ the user's choices

    def set_settings(self, settings: Settings) -> None:
        self.settings = settings
        self.sink = settings.sink
        self.inspection.set_config(settings.model_config())

    def choose_mode(self, sink: bool) -> None:
        """Sink or forward, for the next capture."""
        self.sink = sink

    def choose_profile(self, name: str) -> None:
        self.profile = name.strip() or "default"

    # ------------------------------------------------------------------ capture

    def start_capture(self) -> bool:
        conn = self.connection
        if conn.is_running():
            return True
        self.settings = self.settings.with_(sink=self.sink)
        self.inspection.set_config(self.settings.model_config())
        devices = self._profile_ports()
        settings, build = self.settings, self.partners.capture_command
        try:
            # The child would fail a moment later, after a browser was already sent to it.
            self.partners.check_ports(LOOPBACK, list(devices) or [settings.proxy_port])
        except CaptureStartError as exc:
            self.capturing.emit(False)
            self.problem.emit("The capture could not start",
                              [str(exc), "Choose another proxy port in Settings, then Capture again."], False)
            self.log.emit(f"capture: {exc}")
            return False
        try:
            conn.start(lambda port, token, journal: build(settings, port, token, journal, devices))
        except (integrations.UnavailableError, OSError) as exc:
            self.capturing.emit(False)
            self.problem.emit("The capture could not start", [str(exc)], False)
            self.log.emit(f"capture: {exc}")
            return False
        self.devices = devices
        self._fresh_inspection()  # a capture starts a fresh inspection, not an appendix to a file
        self._run += 1  # or carries on after an earlier run: its numbers start again
        self.capturing.emit(True)
        self.status_changed.emit()
        return True

    def stop_capture(self) -> None:
        self.connection.stop()
        self.capturing.emit(False)

    def _fresh_inspection(self) -> None:
        if self.inspection.steps and self.inspection.source:
            self.inspection.clear()

    def _on_stopped(self) -> None:
        self.inspection.finish()
        self.status_changed.emit()

    def _on_crashed(self, reason: str, lines: list[str]) -> None:
        self.inspection.flush()
        self.capturing.emit(False)
        self.problem.emit(reason.capitalize(), lines, True)
        self.log.emit(reason)

    def _profile_ports(self) -> dict[int, str]:
        """Every known profile gets its own proxy port, so each is judged as its own device."""
        try:
            names = list(dict.fromkeys([*self.profiles, self.profile, *VISITOR_DEVICES]))
            return integrations.profile_ports(self.settings, names)
        except Exception as exc:  # an odd profile name: fall back to one device
            self.log.emit(f"one device for all profiles: {exc}")
            return {}

    # ------------------------------------------------------------------ browsers and profiles

    def launch_browser(self, fresh: bool = False) -> bool:
        """A browser on the chosen profile through the capture (started first when needed); with
        ``fresh`` an empty profile under that device name, thrown away when the browser stops."""
        profile = self.profile
        if not self.connection.is_running() and not self.start_capture():
            return False
        if fresh:
            # A fresh visitor is another person: a device (and port) of its own, never the named one.
            busy = {b.profile.name for b in self.browsers if b.running()}
            profile = next((name for name in VISITOR_DEVICES if name not in busy), VISITOR_DEVICES[-1])
        port = next((p for p, name in self.devices.items() if name == profile), None)
        if port is None:
            self.log.emit(f"profile {profile!r} started after the capture: it shares the first port's "
                          "device; restart the capture to give it its own")
        try:
            self.browsers.append(self.partners.launch_browser(self.settings, profile, port, fresh))
        except integrations.UnavailableError as exc:
            self.log.emit(f"browser: {exc}")
            return False
        except Exception as exc:  # no browser found: its message says what to do by hand
            self.problem.emit("The browser could not start", str(exc).splitlines(), False)
            self.log.emit(f"browser could not start: {type(exc).__name__}: {exc}")
            return False
        self.log.emit(f"browser started as a fresh visitor on device {profile!r} (its profile is thrown "
                      "away when it stops)" if fresh else f"browser started with profile {profile!r}")
        return True

    def forget_profile(self) -> bool:
        """Delete the chosen kept profile, unless a browser launched here still uses it."""
        name = self.profile
        if any(b.profile.name == name and b.profile.keep and b.running() for b in self.browsers):
            self.notice.emit(f"Close the browser using profile {name!r} first")
            return False
        try:
            forgotten = integrations.forget_profile(name)
        except (OSError, ValueError) as exc:
            self.log.emit(f"profile {name!r} could not be forgotten: {exc}")
            return False
        message = (f"profile {name!r} forgotten: its next launch is a new visitor" if forgotten
                   else f"profile {name!r} has no saved data")
        self.log.emit(message)
        self.notice.emit(message.capitalize())
        return forgotten

    # ------------------------------------------------------------------ demo

    def run_demo(self) -> bool:
        """Start the built-in demo (site + sink capture + browser) streaming into the inspection.

        A sink-mode capture already running is reused; a forward-mode one is stopped first, so the
        demo's stand-in traffic never reaches the vendor. Otherwise the demo starts its own sink
        capture, which connects back to this controller's listener like any capture child.

        The demo starts in a thread (its proxy takes a second or more to listen): this returns once
        the start is under way, or False when it cannot be; ``demo_started`` or ``demo_failed``
        follows. Meanwhile the window goes on and the status bar says the demo is starting. A demo
        already running is stopped first, in a thread too, and the next is prepared once it is gone.
        """
        if self.demo_starting is not None or self.demo_stopping is not None:
            self.notice.emit("The demo is starting")
            return True
        if self.demo is not None:  # one demo at a time: its site, capture and browser go first; the
            # next is prepared once they are gone, so nothing of the old one reaches its inspection
            previous, self.demo = self.demo, None
            self.demo_stopping = stopping = _DemoStep(previous, self, starting=False)
            stopping.done.connect(self._on_previous_demo_stopped)
            self.notice.emit("Starting the demo…")
            self.status_changed.emit()
            stopping.worker.start()
            return True
        return self._start_demo()

    def _on_previous_demo_stopped(self, _session: Demo, error: Exception | None) -> None:
        stopping, self.demo_stopping = self.demo_stopping, None
        if stopping is None:  # closed meanwhile
            return
        stopping.deleteLater()
        if error is not None:
            self.log.emit(f"the previous demo did not stop cleanly: {error}")
        if not self._start_demo():
            self.status_changed.emit()

    def _start_demo(self) -> bool:
        try:
            session = self._demo_session()
        except integrations.UnavailableError as exc:
            self.log.emit(f"demo: {exc}")
            return False
        except Exception as exc:
            self._demo_failed(exc)
            return False
        self.demo_starting = starting = _DemoStep(session, self, starting=True)
        starting.done.connect(self._on_demo_start_done)
        self.notice.emit("Starting the demo…")
        self.status_changed.emit()
        starting.worker.start()
        return True

    def _on_demo_start_done(self, session: Demo, error: Exception | None) -> None:
        starting, self.demo_starting = self.demo_starting, None
        if starting is None:  # closed meanwhile: close() waited for this start and stopped the demo
            return
        starting.deleteLater()
        if error is not None:
            self._demo_failed(error)
        else:
            self.demo = session
            self.notice.emit("The demo is running")
            self.demo_started.emit()
        self.status_changed.emit()

    def _demo_failed(self, exc: Exception) -> None:
        why = f"{type(exc).__name__}: {exc}"
        self.log.emit(f"demo could not start: {why}")
        self.notice.emit(f"The demo could not start: {exc}")
        self.demo_failed.emit(why)

    def _demo_session(self) -> Demo:
        """The demo to start, once what it needs is ready here (the listener, a fresh inspection)."""
        conn = self.connection
        if conn.is_running() and self.settings.sink:
            session = self.partners.demo_session(proxy_port=self.settings.proxy_port)
        else:
            why = integrations.capture_unavailable()
            if why:
                raise integrations.UnavailableError(why)
            if conn.is_running():
                self.stop_capture()
            self._fresh_inspection()  # the demo is a fresh inspection, not an appendix to a file
            self.inspection.set_config(self.settings.model_config())
            self._demo_run += 1
            listener = self.demo_listener
            session = self.partners.demo_session(stream_port=listener.listen(), token=listener.token)
        return session

    # ------------------------------------------------------------------ shutdown

    def close(self) -> None:
        """End the capture child (waiting for it), every browser launched here and the demo."""
        self.connection.close()
        self.demo_listener.close()
        stopping, self.demo_stopping = self.demo_stopping, None
        if stopping is not None:  # the previous demo's stop is waited for (no next one starts)
            stopping.done.disconnect(self._on_previous_demo_stopped)
            stopping.worker.join(DEMO_START_WAIT_S)
        starting, self.demo_starting = self.demo_starting, None
        if starting is not None:  # a demo still on its way up is waited for, then stopped
            starting.done.disconnect(self._on_demo_start_done)
            starting.worker.join(DEMO_START_WAIT_S)
            if self.demo is None:
                self.demo = starting.session
        partners: list[tuple[str, Launched | Demo]] = [("browser", b) for b in self.browsers]
        if self.demo is not None:
            partners.append(("demo", self.demo))
        for name, partner in partners:
            try:
                partner.stop()
            except Exception as exc:  # closing the window must go on whatever a partner does
                self.log.emit(f"{name} did not stop cleanly: {exc}")
        self.browsers.clear()
        self.demo = None

