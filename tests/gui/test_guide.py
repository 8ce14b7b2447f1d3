"""The first-run guide: shown on the first launch, remembered once dismissed, back from Help, and
following the demo step by step as its events arrive."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from inspector.gui import settings as settings_store
from inspector.gui.controller import Partners
from inspector.gui.main_window import MainWindow
from inspector.gui.settings import Settings
from inspector.wire.envelope import Envelope


class RecordedDemo:
    """Stands in for the demo's shop, capture and browser: the test plays the recorded demo session."""

    proxy_address = "127.0.0.1:0"

    def __init__(self, **_options: object) -> None:
        self.started = False

    def start(self) -> RecordedDemo:
        self.started = True
        return self

    def runs_proxy(self) -> bool:
        return False

    def stop(self) -> None:
        self.started = False


def window(qtbot: QtBot, store: QSettings, partners: Partners | None = None) -> MainWindow:
    win = MainWindow(settings_store.load(store), store, partners=partners)
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    return win


def test_the_guide_opens_on_the_first_launch_only_and_comes_back_from_help(
        qtbot: QtBot, store: QSettings) -> None:
    first = window(qtbot, store)
    guide = first.guide
    assert guide.isVisible() and "Getting started" in guide.title.text()
    assert "Identity card" in guide.text.text() and "Verdicts" in guide.text.text()
    guide.dismiss_button.click()
    assert not guide.isVisible()
    assert settings_store.load(store).guide_seen  # in the settings file, for the next launch
    first.close()
    second = window(qtbot, store)
    assert not second.guide.isVisible()
    second.guide_action.trigger()  # Help ▸ Getting started
    assert second.guide.isVisible() and "Getting started" in second.guide.title.text()
    second.close()


def test_the_guide_starts_the_demo_and_ticks_its_steps_as_they_happen(
        qtbot: QtBot, store: QSettings, demo: list[Envelope]) -> None:
    win = window(qtbot, store, Partners(demo_session=RecordedDemo))
    guide = win.guide
    with qtbot.waitSignal(win.controller.demo_started):  # the demo starts off the GUI thread
        guide.demo_button.click()
    assert isinstance(win.controller.demo, RecordedDemo) and win.controller.demo.started
    assert guide.following and guide.isVisible() and guide.done() == []
    assert "Sign in" in guide.text.text() and "○" in guide.text.text()
    for env in demo:
        win.inspection.enqueue(env, "demo")
    win.inspection.flush()
    # The recorded session: pageviews, identify, a second customer, properties, verdicts; no sign-out.
    assert guide.done() == ["hit", "identify", "identity-change", "properties", "verdict"]
    assert guide.text.text().count("✓") == 5
    win.guide_action.trigger()  # Help while the demo runs: its walkthrough, not the intro
    assert guide.following and guide.done()
    win.close()


def test_a_dismissed_guide_stays_hidden_when_the_demo_starts_and_the_status_bar_points_to_it(
        qtbot: QtBot, store: QSettings) -> None:
    settings_store.save(Settings(guide_seen=True), store)
    win = window(qtbot, store, Partners(demo_session=RecordedDemo))
    assert not win.guide.isVisible()
    with qtbot.waitSignal(win.controller.demo_started):
        win.demo_action.trigger()
    assert not win.guide.isVisible() and "Getting started" in win.statusBar().currentMessage()
    win.guide_action.trigger()
    assert win.guide.isVisible() and win.guide.following
    win.close()
