"""A capture a test drives a browser through and questions as it goes (no pytest, no Qt, no mitmproxy).

``LiveCapture.start()`` runs the capture child on a free port, journalling to a file and streaming to
a loopback listener whose envelopes feed the project's engine, so a test can assert on the judged
state at any moment. ``finish()`` stops the child (its journal complete) and judges the journal with
``run_check``, exactly as ``uxa-inspector check`` would.

The tag's requests lag behind the page's calls (and the capture holds later events back while a tag
request is in flight), so every assertion first waits for the stream to go quiet, then keeps
checking until it holds or ``wait_s`` has passed.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import JsonValue

from inspector.decode.sources import CaptureFileError, load_capture
from inspector.launch.browser import BASE_FLAGS, PROXY_BYPASS, proxy_flags, trust_flag
from inspector.launch.proxy import BlockingProxy, ca_fingerprint, free_port, start_capture
from inspector.launch.stream_server import StreamServer
from inspector.model.privacy import show
from inspector.model.reference import ModelConfig, ModelUsageError
from inspector.model.rules import RULES
from inspector.model.state import DeviceState, Severity, Verdict
from inspector.report.capture import InputFile
from inspector.report.check import CheckRun, run_check
from inspector.session.engine import Engine
from inspector.wire.endpoints import LOOPBACK

DEVICE = "browser"
# The stream is taken as caught up once nothing new has arrived for this long.
QUIET_S = 0.4


def ensure_ca(confdir: Path | None) -> str:
    """The SPKI fingerprint of the capture CA in ``confdir``; mitmproxy makes the CA on its first start,
    so a capture is started (and stopped) once when there is none yet."""
    fingerprint = ca_fingerprint(confdir)
    if fingerprint is None:
        start_capture(sink=True, confdir=confdir).stop()
        fingerprint = ca_fingerprint(confdir)
    if fingerprint is None:
        raise RuntimeError(f"the capture proxy made no CA in {confdir}")
    return fingerprint


def launch_args(fingerprint: str) -> list[str]:
    """Chromium flags for a browser shared by several captures: trust the CA; the proxy is per context."""
    return [trust_flag(fingerprint), *BASE_FLAGS]


@dataclass(frozen=True, slots=True)
class Mark:
    """A point in the journey (``LiveCapture.mark()``) later assertions compare with."""

    seq: int
    user_id: str | None
    resets: int


@dataclass
class LiveCapture:
    journal: Path
    sink: bool = True
    confdir: Path | None = None
    wait_s: float = 3.0
    deadline_s: float = 10.0
    fail_on: Severity = Severity.VIOLATION
    port: int = 0
    fingerprint: str = ""
    refused: list[str] = field(default_factory=list)
    _process: BlockingProxy | None = field(default=None, init=False, repr=False)
    _server: StreamServer | None = field(default=None, init=False, repr=False)
    _engine: Engine = field(init=False, repr=False)
    _fed: threading.Condition = field(default_factory=threading.Condition, init=False, repr=False)
    _arrived: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        self._engine = Engine(ModelConfig(deadline_s=self.deadline_s))

    # ------------------------------------------------------------------ life cycle

    def start(self) -> LiveCapture:
        self.fingerprint = ensure_ca(self.confdir)
        self._server = StreamServer(on_envelope=self._feed).start()
        self.port = free_port()
        try:
            self._process = start_capture(ports={self.port: DEVICE}, sink=self.sink, journal=self.journal,
                                          stream_port=self._server.port, token=self._server.token,
                                          confdir=self.confdir)
        except BaseException:
            self._server.close()
            raise
        return self

    def stop(self) -> None:
        """Stop the child (it writes its journal out) and the listener; safe to call twice."""
        if self._process is not None:
            self._process.stop()
            self._process = None
        if self._server is not None:
            self._server.close()
            self._server = None

    def finish(self) -> CheckRun:
        """Let in-flight events land, stop, and judge the whole journal as ``check`` does."""
        self.settle()
        self.stop()
        return run_check([self._journal_input()], self.deadline_s)

    def _journal_input(self) -> InputFile:
        path = str(self.journal)
        if not self.journal.exists() or self.journal.stat().st_size == 0:
            return InputFile(path, "recording")
        try:
            loaded = load_capture(self.journal)
        except CaptureFileError as exc:
            return InputFile(path, fatal=str(exc))
        return InputFile(path, loaded.kind, tuple(loaded.envelopes), tuple(loaded.errors))

    # ------------------------------------------------------------------ what a browser needs

    @property
    def proxy_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def chromium_args(self) -> list[str]:
        """Flags for a Chromium of its own (Selenium, or a Playwright launch per test)."""
        return [*proxy_flags(LOOPBACK, self.port), *launch_args(self.fingerprint)]

    @property
    def launch_kwargs(self) -> dict[str, Any]:
        """For Playwright's ``browser_type.launch(**...)``: the whole browser goes through this capture."""
        return {"args": self.chromium_args}

    @property
    def context_kwargs(self) -> dict[str, Any]:
        """For ``browser.new_context(**...)`` on a browser launched with ``launch_args`` (the CA trusted)."""
        return {"proxy": {"server": self.proxy_url, "bypass": PROXY_BYPASS}}

    # ------------------------------------------------------------------ the live stream

    def _feed(self, envelope: Any) -> None:
        with self._fed:
            try:
                self._engine.feed(envelope)
            except ModelUsageError as exc:
                self.refused.append(f"event {envelope.seq}: {exc}")
            self._arrived += 1
            self._fed.notify_all()

    def settle(self, timeout: float | None = None) -> None:
        """Wait until nothing new has arrived for ``QUIET_S`` (at most ``timeout``, default ``wait_s``)."""
        deadline = time.monotonic() + (self.wait_s if timeout is None else timeout)
        with self._fed:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not self._fed.wait_for(partial(self._more_than, self._arrived),
                                                       min(QUIET_S, left)):
                    return

    def _more_than(self, seen: int) -> bool:
        return self._arrived > seen

    def _until(self, holds: Callable[[DeviceState], bool], timeout: float | None) -> DeviceState:
        """The device's state once ``holds`` is true, or the last state seen when time runs out."""
        deadline = time.monotonic() + (self.wait_s if timeout is None else timeout)
        self.settle(timeout)
        with self._fed:
            while True:
                state = self.state
                if holds(state) or time.monotonic() >= deadline:
                    return state
                self._fed.wait(max(0.0, deadline - time.monotonic()))

    @property
    def state(self) -> DeviceState:
        """The judged state of the browser's device right now (empty before its first event)."""
        with self._fed:
            return self._engine.snapshot().devices.get(DEVICE) or DeviceState(DEVICE)

    @property
    def verdicts(self) -> list[Verdict]:
        with self._fed:
            return list(self._engine.verdicts)

    # ------------------------------------------------------------------ assertions

    def mark(self) -> Mark:
        """Remember this point (after in-flight events land), for ``assert_user_id_renewed_since``."""
        self.settle()
        state = self.state
        with self._fed:
            seq = self._engine.snapshot().seq  # of the last event fed (-1 before any)
        return Mark(seq, state.user_id, len(state.resets))

    def assert_identified(self, identity: str | None = None, timeout: float | None = None) -> None:
        """The browser is identified (as ``identity`` when given); messages mask every identity."""
        state = self._until(lambda s: s.identity is not None and _same_identity(s, identity), timeout)
        if state.identity is None:
            wanted = "" if identity is None else f" as {show(identity, False)}"
            raise AssertionError(f"uxa: the browser is not identified{wanted} (still anonymous)")
        if not _same_identity(state, identity):
            raise AssertionError(f"uxa: the browser is identified as {show(state.identity, False)}, "
                                 f"not as {show(identity, False)}")

    def assert_anonymous(self, timeout: float | None = None) -> None:
        state = self._until(lambda s: s.identity is None, timeout)
        if state.identity is not None:
            raise AssertionError(f"uxa: the browser is still identified, as {show(state.identity, False)}")

    def assert_user_id_renewed_since(self, mark: Mark, timeout: float | None = None) -> None:
        """A new user ID (a reset the model saw) since ``mark``."""
        state = self._until(lambda s: _renewed(s, mark), timeout)
        if not _renewed(state, mark):
            raise AssertionError(f"uxa: the user ID was not renewed since the mark: still {mark.user_id}")

    def assert_user_id_kept_since(self, mark: Mark, timeout: float | None = None) -> None:
        state = self._until(lambda s: not _renewed(s, mark), timeout)
        if _renewed(state, mark):
            raise AssertionError(f"uxa: the user ID changed since the mark: {mark.user_id} → {state.user_id}")

    def assert_session_number(self, number: int, timeout: float | None = None) -> None:
        state = self._until(lambda s: s.session_number == number, timeout)
        if state.session_number != number:
            raise AssertionError(f"uxa: session number is {state.session_number}, not {number}")

    def assert_property(self, key: str, value: JsonValue, timeout: float | None = None) -> None:
        """The current user's property ``key`` is ``value`` (values masked in the message)."""
        state = self._until(lambda s: key in s.properties and s.properties[key] == value, timeout)
        if key not in state.properties:
            raise AssertionError(f"uxa: the current user has no property {key!r}")
        if state.properties[key] != value:
            raise AssertionError(f"uxa: property {key!r} is {show(state.properties[key], False)}, "
                                 f"not {show(value, False)}")

    def assert_no_verdict(self, rule: str | None = None, timeout: float | None = None) -> None:
        """No verdict of ``rule`` so far (``None``: none reaching the fail-on severity)."""
        if rule is not None and rule not in RULES:
            raise ValueError(f"unknown rule id {rule!r}; known: {', '.join(RULES)}")
        self.settle(timeout)
        found = [v for v in self.verdicts
                 if (v.rule == rule if rule is not None else v.severity.rank >= self.fail_on.rank)]
        if found:
            lines = "\n".join(f"  {v.severity.value} {v.rule}: {v.message}" for v in found)
            raise AssertionError(f"uxa: {len(found)} verdict(s) so far:\n{lines}")


def _same_identity(state: DeviceState, identity: str | None) -> bool:
    if identity is None or state.identity == identity:
        return True
    # {hash: true}: the tag keeps (and the model shows) only the SHA-256 of the identity.
    return state.identity_hashed and state.identity == hashlib.sha256(identity.encode()).hexdigest()


def _renewed(state: DeviceState, mark: Mark) -> bool:
    return len(state.resets) > mark.resets and state.user_id is not None and state.user_id != mark.user_id
