"""The whole app, for real: the window starts the real capture child (mitmdump + our addon, sink mode),
real headless Chromium loads a local shop page through it, and the panels show what happened."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from inspector.demo.session import DemoSession
from inspector.gui import integrations
from inspector.gui.controller import Partners
from inspector.gui.main_window import MainWindow
from inspector.gui.settings import Settings
from inspector.launch.proxy import free_port, wait_for_port
from tests.gui.widgets.test_panels import texts
from tests.support.chromium import dump_dom

pytestmark = pytest.mark.e2e
PAGES = Path(__file__).parent / "pages"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(PAGES)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_live_capture_of_a_real_browser_fills_the_panels(qtbot: QtBot, store: QSettings, site: str,
                                                         tmp_path: Path) -> None:
    window = MainWindow(Settings(proxy_port=free_port(), sink=True), store)
    qtbot.addWidget(window)
    window.show()
    try:
        assert window.controller.start_capture(), window.log_panel.toPlainText()
        assert wait_for_port("127.0.0.1", window.settings.proxy_port, 30), window.log_panel.toPlainText()
        capture = window.controller.connection
        qtbot.waitUntil(lambda: capture.health == "healthy", timeout=20000)
        spki = integrations.ca_fingerprint()
        assert spki, "the proxy made no CA"
        dom = dump_dom(f"{site}/shop.html", window.settings.proxy_port, spki, profile=tmp_path / "profile")
        assert 'data-done="yes"' in dom, dom[-600:]  # the page ran as it would without the inspector
        qtbot.waitUntil(lambda: window.inspection.latest() is not None and any(
            d.user_id and d.user_id.endswith("52") for d in window.inspection.latest().devices.values()),
            timeout=20000)

        def panels_show_the_journey() -> None:  # panels refresh on a timer after the model moved on
            assert window.identity_card.state() is not None
            card = window.identity_card
            assert "s•••2 (10 chars)" in card.identity.text()  # shopper-22, masked
            assert card.user_id.text() == "11111111-2222-4333-8444…"
            assert card.user_id.toolTip().startswith("11111111-2222-4333-8444-555555555552")  # the renewed one
            assert "identity-change" in card.reset_badge.text()
            sessions = texts(window.sessions_panel.tree_model)
            assert any(line.startswith("↺ reset: identity-change (11111111… → 11111111…)") for line in sessions)
            assert sum(1 for line in sessions if line.startswith("user 11111111-")) == 2
            props = texts(window.properties_panel.tree_model)
            values = texts(window.properties_panel.tree_model, 1)
            assert any(line.startswith("detached from user") for line in props)
            assert "s•••r (6 chars) → g•••d (4 chars)" in values  # silver → gold, masked
            assert "property-overwrite" in {v.rule for v in window.verdicts_model.verdicts}

        qtbot.waitUntil(panels_show_the_journey, timeout=10000)
        rules = {v.rule for v in window.verdicts_model.verdicts}
        assert not {"identity-change-reset-missing", "unexpected-reset-first-identify"} & rules
        with qtbot.waitSignal(capture.stopped, timeout=15000):
            window.controller.stop_capture()
    finally:
        window.controller.close()


def test_demo_button_streams_the_demo_into_the_window(qtbot: QtBot, store: QSettings) -> None:
    # No display here: the demo's own window stays closed and its scripted scenario plays headless.
    partners = Partners(demo_session=functools.partial(DemoSession, open_browser=False))
    window = MainWindow(Settings(proxy_port=free_port(), sink=True), store, partners=partners)
    qtbot.addWidget(window)
    try:
        with qtbot.waitSignal(window.controller.demo_started, timeout=30000):
            window.demo_action.trigger()
        session = window.controller.demo
        assert isinstance(session, DemoSession), window.log_panel.toPlainText()
        qtbot.waitUntil(window.controller.demo_listener.is_connected, timeout=20000)
        session.play_scenario([])
        def identified() -> bool:
            return any(getattr(s.envelope.event, "name", None) == "identify" for s in window.inspection.steps)

        qtbot.waitUntil(identified, timeout=20000)
        snapshot = window.inspection.latest()
        assert snapshot is not None and any(len(d.user_ids) >= 2 for d in snapshot.devices.values())
        # The first-run guide walks through the demo: its steps are ticked as the shop's events arrive.
        assert not window.guide.isHidden() and window.guide.following
        qtbot.waitUntil(lambda: "reset" in window.guide.done(), timeout=20000)  # the scenario's sign-out
        assert {"hit", "identify", "identity-change", "properties"} <= set(window.guide.done())
    finally:
        window.close()
