"""The demo and a capture at once: two real capture children (mitmdump + the addon) stream into one
window, each numbering its events (and its ticks on device ``default``) from 0."""

from __future__ import annotations

import functools

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from inspector.demo.session import DemoSession
from inspector.gui.controller import Partners
from inspector.gui.main_window import MainWindow
from inspector.gui.settings import Settings
from inspector.wire.events import Tick
from tests.support.ports import free_port_run

pytestmark = pytest.mark.e2e


def ticks(window: MainWindow) -> int:
    return sum(1 for raw in window.inspection.raws if isinstance(raw.event, Tick))


def test_the_demo_beside_a_capture_is_a_source_of_its_own_and_both_proxies_are_named(
        qtbot: QtBot, store: QSettings) -> None:
    partners = Partners(demo_session=functools.partial(DemoSession, open_browser=False))
    # Below the ephemeral range: the demo's own proxy, its shop and every outgoing connection take
    # ephemeral ports, and one of them took an ephemeral pick here before the capture listened (CI).
    window = MainWindow(Settings(proxy_port=free_port_run(1), sink=True), store, partners=partners)
    qtbot.addWidget(window)
    try:
        with qtbot.waitSignal(window.controller.demo_started, timeout=30000):
            assert window.controller.run_demo(), window.log_panel.toPlainText()
        demo = window.controller.demo
        assert isinstance(demo, DemoSession)
        qtbot.waitUntil(window.controller.demo_listener.is_connected, timeout=20000)
        assert window.status.proxy_label.text() == f"demo proxy {demo.proxy_address}"
        assert window.status.health_label.text() == "no capture"  # the demo's child is not the capture
        assert window.controller.start_capture(), window.log_panel.toPlainText()
        qtbot.waitUntil(lambda: window.controller.connection.health == "healthy", timeout=20000)
        capture = f"proxy 127.0.0.1:{window.settings.proxy_port}"
        assert window.status.proxy_label.text() == f"{capture} · demo proxy {demo.proxy_address}"
        for _ in ("before Clear", "after Clear"):
            # Both children tick every 5 s on device "default", each from its own number 0 on.
            qtbot.waitUntil(lambda: ticks(window) >= 2 or window.inspection.refused > 0, timeout=25000)
            assert window.inspection.refused == 0, window.log_panel.toPlainText()
            assert "refused" not in window.status.dropped_label.text()
            window.clear()
    finally:
        window.close()
