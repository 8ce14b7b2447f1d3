"""The Demo button starts the demo off the GUI thread: the window goes on while the demo's capture
proxy comes up (a second or more), the status bar says it is starting, a failure is still shown."""

from __future__ import annotations

import functools

import pytest
from PySide6.QtCore import QSettings, QTimer
from pytestqt.qtbot import QtBot

from inspector.demo.session import DemoSession
from inspector.gui.controller import Partners
from inspector.gui.main_window import MainWindow
from inspector.gui.settings import Settings
from inspector.launch.proxy import free_port


def window(qtbot: QtBot, store: QSettings, **demo: object) -> MainWindow:
    # No display here: the demo's own browser window stays closed.
    partners = Partners(demo_session=functools.partial(DemoSession, open_browser=False, **demo))
    win = MainWindow(Settings(proxy_port=free_port(), guide_seen=True), store, partners=partners)
    qtbot.addWidget(win)
    win.show()
    return win


def ticking(win: MainWindow) -> list[int]:
    """A 10 ms timer's ticks: it stands for everything the GUI thread does (input, paints, events)."""
    ticks: list[int] = []
    timer = QTimer(win)
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    return ticks


@pytest.mark.e2e
def test_the_window_goes_on_while_the_demos_proxy_starts(qtbot: QtBot, store: QSettings) -> None:
    win = window(qtbot, store)
    ticks = ticking(win)
    try:
        with qtbot.waitSignal(win.controller.demo_started, timeout=30000):
            win.demo_action.trigger()
            assert win.controller.demo is None  # still on its way up
            assert "demo starting" in win.status.proxy_label.text()
            assert "Starting the demo" in win.statusBar().currentMessage()
            ticked_before = len(ticks)
        demo = win.controller.demo
        assert isinstance(demo, DemoSession) and demo.runs_proxy(), win.log_panel.toPlainText()
        assert len(ticks) - ticked_before >= 3  # the timer went on while the proxy started
        assert win.status.proxy_label.text() == f"demo proxy {demo.proxy_address}"
        qtbot.waitUntil(win.controller.demo_listener.is_connected, timeout=20000)
    finally:
        win.close()
    assert not demo.runs_proxy()


def test_a_demo_that_cannot_start_says_why(qtbot: QtBot, store: QSettings) -> None:
    win = window(qtbot, store, faults=("no-such-fault",))
    try:
        with qtbot.waitSignal(win.controller.demo_failed, timeout=10000) as failed:
            assert win.controller.run_demo()
        assert "unknown demo fault" in failed.args[0]
        assert "demo could not start: ValueError: unknown demo fault" in win.log_panel.toPlainText()
        assert "The demo could not start" in win.statusBar().currentMessage()
        assert win.controller.demo is None and "starting" not in win.status.proxy_label.text()
    finally:
        win.close()


@pytest.mark.e2e
def test_closing_the_window_while_the_demo_starts_stops_the_demo(qtbot: QtBot, store: QSettings) -> None:
    win = window(qtbot, store)
    win.demo_action.trigger()
    starting = win.controller.demo_starting
    assert starting is not None
    win.close()  # waits for the start, then stops what it started
    session = starting.session
    assert isinstance(session, DemoSession)
    assert not session.runs_proxy() and session.site is None


@pytest.mark.e2e
def test_a_second_demo_stops_the_first_without_freezing_the_window(qtbot: QtBot, store: QSettings) -> None:
    win = window(qtbot, store)
    ticks = ticking(win)
    try:
        with qtbot.waitSignal(win.controller.demo_started, timeout=30000):
            win.demo_action.trigger()
        first = win.controller.demo
        assert isinstance(first, DemoSession) and first.runs_proxy()
        qtbot.waitUntil(win.controller.demo_listener.is_connected, timeout=20000)
        with qtbot.waitSignal(win.controller.demo_started, timeout=40000):
            win.demo_action.trigger()  # returns at once: the first demo stops in a thread
            assert win.controller.demo is None and win.controller.demo_stopping is not None
            assert "demo starting" in win.status.proxy_label.text()
            ticked_before = len(ticks)
            qtbot.waitUntil(lambda: win.controller.demo_stopping is None, timeout=20000)
            assert not first.runs_proxy() and first.site is None  # gone before the next is prepared
            assert len(ticks) - ticked_before >= 3  # the timer went on while it stopped
        second = win.controller.demo
        assert isinstance(second, DemoSession) and second is not first and second.runs_proxy()
        qtbot.waitUntil(win.controller.demo_listener.is_connected, timeout=20000)
    finally:
        win.close()
    assert not second.runs_proxy()
