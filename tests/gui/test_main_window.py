"""The main window end to end on the offscreen platform: files, live stream, crashes, layout memory."""

from __future__ import annotations

import datetime as dt
import json
import socket
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from inspector.gui import integrations
from inspector.gui import settings as settings_store
from inspector.gui.controller import Partners
from inspector.gui.inspection import Inspection
from inspector.gui.main_window import MainWindow
from inspector.gui.settings import Settings
from inspector.gui.widgets.status_bar import StatusBar
from inspector.gui.widgets.timeline_view import MIN_SUMMARY_WIDTH
from inspector.wire.envelope import Envelope, parse_envelope
from tests.gui.fake_child import FakeChild
from tests.gui.scenario import UU_B


def new_window(qtbot: QtBot, store: QSettings, partners: Partners | None = None) -> MainWindow:
    win = MainWindow(Settings(), store, partners=partners)
    qtbot.addWidget(win)  # closed at the end of the test: its capture child and browsers stop
    win.resize(1400, 850)
    win.show()
    return win


@pytest.fixture
def window(qtbot: QtBot, store: QSettings) -> Iterator[MainWindow]:
    win = new_window(qtbot, store)
    yield win
    win.controller.close()


def open_and_wait(qtbot: QtBot, win: MainWindow, path: Path) -> None:
    with qtbot.waitSignal(win.inspection.load_finished, timeout=20000):
        win.open_file(path)


def source_row(win: MainWindow, seq: int, device: str = "laptop") -> int:
    row = win.timeline_model.row_for_event(device, seq)
    assert row is not None
    return row


def test_opening_a_recording_fills_every_panel(qtbot: QtBot, window: MainWindow, recording: Path,
                                               demo: list[Envelope]) -> None:
    assert window.proxy.rowCount() == 0  # the empty state is painted over an empty timeline
    open_and_wait(qtbot, window, recording)
    qtbot.waitUntil(lambda: window.identity_card.state() is not None)
    assert window.timeline_model.rowCount() == len(demo) + 3
    assert window.proxy.rowCount() == len(demo) + 3 - 1  # the tick is hidden
    assert window.status.events_label.text() == f"{len(demo) - 1} events"
    assert window.verdicts_dock.windowTitle() == "Verdicts (3)"
    assert window.verdicts_model.rowCount() == 3
    card = window.identity_card
    card.devices.setCurrentText("laptop")
    assert card.user_id.text().startswith(UU_B[:20])
    assert "Newest state" in card.when.text()
    assert window.sessions_panel.tree_model.rowCount() == 2  # laptop and phone
    assert window.graph_panel.tree_model.rowCount() == 2  # two identities
    assert "demo.jsonl" in window.windowTitle()
    assert "network only" not in window.log_panel.toPlainText()  # the page's commands are there


def test_selecting_an_event_travels_back_in_time(qtbot: QtBot, window: MainWindow, recording: Path) -> None:
    open_and_wait(qtbot, window, recording)
    window.timeline.select_source_row(source_row(window, 4))
    assert not window.timeline.follow and not window.follow_action.isChecked()
    card = window.identity_card
    assert card.device == "laptop" and "#4 command" in card.when.text()
    assert "c•••1" in card.identity.text()
    assert window.sessions_panel.tree_model.rowCount() == 1  # the phone has not appeared yet
    assert window.details.title.text().startswith("<b>#4</b> command")
    lines = {window.details.state.topLevelItem(i).text(0): window.details.state.topLevelItem(i)
             for i in range(window.details.state.topLevelItemCount())}
    assert lines["identity"].toolTip(0) == "changed"
    window.follow_action.trigger()  # back to live: the newest state again
    assert window.timeline.follow and "Newest state" in card.when.text()


def test_a_verdict_jumps_to_its_evidence_even_when_filtered_out(qtbot: QtBot, window: MainWindow,
                                                                 recording: Path) -> None:
    open_and_wait(qtbot, window, recording)
    window.filter_bar.toggles["hit"].setChecked(False)
    violation = next(r for r in range(3) if window.verdicts_model.verdicts[r].rule.startswith("unexpected"))
    window.verdicts_panel.table.activated.emit(window.verdicts_model.index(violation, 0))
    selected = window.timeline.selected_source_row()
    row = window.timeline_model.rows[selected]
    # Its evidence: the phone's hit with a user ID that nothing explains.
    assert (row.device, row.seq, row.kind) == ("phone", 17, "hit")
    assert window.filter_bar.toggles["hit"].isChecked()  # the filter that hid it was cleared


def test_f8_walks_the_problems_shown_and_says_when_there_is_none(qtbot: QtBot, window: MainWindow,
                                                                 recording: Path) -> None:
    open_and_wait(qtbot, window, recording)
    window.timeline.setFocus()
    qtbot.keyClick(window.timeline, Qt.Key.Key_F8)
    row = window.timeline_model.rows[window.timeline.selected_source_row()]
    assert row.verdict is not None and row.rules == ("unexpected-user-id-change",)
    assert not window.timeline.follow  # looking back leaves follow mode
    # The recording holds one violation and no warning (the two info verdicts are skipped).
    assert not window.next_problem()
    assert "No later violation or warning" in window.statusBar().currentMessage()
    window.timeline.select_source_row(0)
    assert not window.previous_problem()
    window.timeline.setCurrentIndex(QModelIndex())  # nothing selected: search from the bottom
    qtbot.keyClick(window.timeline, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    assert window.timeline_model.rows[window.timeline.selected_source_row()] is row
    # The filter is respected: with verdict rows hidden there is nothing to jump to.
    window.filter_bar.toggles["verdict"].setChecked(False)
    window.timeline.select_source_row(0)
    assert not window.next_problem()


def test_filters_and_search(qtbot: QtBot, window: MainWindow, recording: Path) -> None:
    open_and_wait(qtbot, window, recording)
    bar = window.filter_bar
    bar.device.setCurrentText("phone")
    assert {window.proxy.index(r, 2).data() for r in range(window.proxy.rowCount())} == {"phone"}
    bar.device.setCurrentIndex(0)
    bar.text.setText("getIdentity")
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 1, timeout=2000)
    bar.text.setText("customer-0001")  # masked values are not searchable until revealed
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 0, timeout=2000)
    window.reveal_action.trigger()  # revealed values become searchable at once
    assert window.proxy.rowCount() == 2
    bar.text.clear()
    bar.rule.setCurrentText("property-overwrite")
    assert [window.proxy.index(r, 4).data() for r in range(window.proxy.rowCount())] == ["command", "\u2139 info"]


def test_copy_row_as_json_masks_until_revealed(qtbot: QtBot, window: MainWindow, recording: Path) -> None:
    open_and_wait(qtbot, window, recording)
    window.timeline.select_source_row(source_row(window, 4))
    window.timeline.copy_json.trigger()
    copied = json.loads(QGuiApplication.clipboard().text())
    assert copied["seq"] == 4 and copied["event"]["payload"] == ["identify", "c•••1 (13 chars)"]
    assert window.timeline.row_curl(source_row(window, 0)) is None  # requests carry personal data
    window.reveal_action.trigger()
    window.timeline.copy_json.trigger()
    assert json.loads(QGuiApplication.clipboard().text())["event"]["payload"] == ["identify", "customer-0001"]
    curl = window.timeline.row_curl(source_row(window, 0))
    assert curl == "curl -X GET https://c.contentsquare.net/pageview"


def test_save_then_reopen_gives_the_same_timeline(qtbot: QtBot, window: MainWindow, recording: Path,
                                                 tmp_path: Path, demo: list[Envelope]) -> None:
    open_and_wait(qtbot, window, recording)
    out = tmp_path / "saved.jsonl"
    with qtbot.waitSignal(window.exports.finished, timeout=20000):  # written off the GUI thread
        assert window.save_file(out)
    assert [parse_envelope(line) for line in out.read_text().splitlines()] == demo
    before = [(r.seq, r.kind, r.rules) for r in window.timeline_model.rows]
    open_and_wait(qtbot, window, out)
    assert [(r.seq, r.kind, r.rules) for r in window.timeline_model.rows] == before


def test_a_damaged_recording_loads_what_it_can(qtbot: QtBot, window: MainWindow, recording: Path,
                                               tmp_path: Path, demo: list[Envelope]) -> None:
    lines = recording.read_text().splitlines()
    damaged = tmp_path / "damaged.jsonl"
    damaged.write_text("\n".join([lines[0], "{not json", *lines[1:], lines[2][:30]]) + "\n")
    open_and_wait(qtbot, window, damaged)
    assert window.inspection.events == len(demo) - 1
    assert window.inspection.bad_lines == 2
    log = window.log_panel.toPlainText()
    assert "skipped line 2:" in log and f"skipped line {len(lines) + 2}:" in log
    assert "2 bad lines" in window.status.dropped_label.text()


def test_an_unreadable_file_shows_a_banner_not_a_dialog(qtbot: QtBot, window: MainWindow,
                                                        tmp_path: Path) -> None:
    with qtbot.waitSignal(window.inspection.load_failed, timeout=10000):
        window.open_file(tmp_path / "missing.jsonl")
    assert window.banner.isVisible()
    assert "could not be opened" in window.banner.title.text()
    assert "missing.jsonl" in window.banner.lines.text()
    assert not window.banner.restart_button.isVisible()
    assert QGuiApplication.modalWindow() is None


def test_report_export_writes_masked_html(qtbot: QtBot, window: MainWindow, recording: Path,
                                          tmp_path: Path) -> None:
    open_and_wait(qtbot, window, recording)
    out = tmp_path / "report.html"
    with qtbot.waitSignal(window.exports.finished, timeout=20000):
        assert window.write_report(out)
    html = out.read_text()
    assert "unexpected-user-id-change" in html
    assert "customer-0001" not in html


def test_layout_and_settings_are_remembered(qtbot: QtBot, store: QSettings) -> None:
    first = MainWindow(Settings(), store)
    qtbot.addWidget(first)
    first.show()
    first.graph_dock.hide()
    first.timeline.setColumnWidth(5, 333)
    first.profile_combo.setCurrentText("phone")
    first.relative_action.trigger()
    first.close()
    second = MainWindow(settings_store.load(store), store)
    qtbot.addWidget(second)
    second.show()
    assert not second.graph_dock.isVisible() and second.sessions_dock.isVisible()
    assert second.timeline.columnWidth(5) == 333
    assert second.profile_combo.currentText() == "phone"
    assert second.relative_action.isChecked() and second.timeline_model.relative_time
    second.close()


def test_settings_round_trip_and_survive_bad_values(store: QSettings) -> None:
    wanted = Settings(proxy_port=9090, sink=False, deadline_s=4.5, mask_personal_data=False,
                      browser_path="/opt/chrome", color_scheme="dark")
    settings_store.save(wanted, store)
    assert settings_store.load(store) == wanted
    store.setValue("settings/proxy_port", "not a number")
    assert settings_store.load(store).proxy_port == Settings().proxy_port


def test_settings_dialog_is_not_modal_and_applies(qtbot: QtBot, window: MainWindow, store: QSettings) -> None:
    dialog = window.show_settings()
    assert dialog.isVisible() and not dialog.isModal()
    dialog.deadline.setValue(3)
    dialog.mode.setCurrentIndex(1)
    dialog.accept()
    assert window.settings.deadline_s == 3 and not window.settings.sink
    assert window.inspection.config.deadline_s == 3
    assert window.mode_combo.currentText() == "forward"
    assert settings_store.load(store).deadline_s == 3


def test_without_mitmproxy_capture_and_demo_say_why_and_files_still_open(
        qtbot: QtBot, store: QSettings, monkeypatch: pytest.MonkeyPatch, recording: Path) -> None:
    monkeypatch.setattr(integrations.importlib.util, "find_spec",
                        lambda name, *a: None if name == "mitmproxy" else find_spec(name, *a))
    win = MainWindow(Settings(), store)
    qtbot.addWidget(win)
    for action in (win.capture_action, win.demo_action):
        assert not action.isEnabled()
        assert "unavailable: mitmproxy is not installed" in action.toolTip()
    assert not win.controller.start_capture()
    assert "mitmproxy is not installed" in win.banner.lines.text()
    assert win.open_action.isEnabled() and win.report_action.isEnabled() and win.browser_action.isEnabled()
    open_and_wait(qtbot, win, recording)
    assert win.inspection.events > 0


def test_live_events_flow_from_the_capture_child(qtbot: QtBot, store: QSettings, recording: Path,
                                                 demo: list[Envelope]) -> None:
    window = new_window(qtbot, store, FakeChild(recording).partners())
    window.capture_action.trigger()
    qtbot.waitUntil(lambda: window.inspection.events == len(demo) - 1, timeout=15000)
    qtbot.waitUntil(lambda: window.verdicts_model.rowCount() == 3, timeout=5000)  # the views hear next
    capture = window.controller.connection
    assert capture.health == "healthy" and window.status.health_label.text() == "capture healthy"
    assert window.status.proxy_label.text() == "proxy 127.0.0.1:8080"
    assert window.capture_action.text() == "■ Stop" and not window.mode_combo.isEnabled()
    with qtbot.waitSignal(capture.stopped, timeout=10000):
        window.capture_action.trigger()
    assert window.status.health_label.text() == "capture stopped"


def test_a_restarted_capture_is_a_new_run_whose_events_all_arrive(qtbot: QtBot, store: QSettings,
                                                                   recording: Path, demo: list[Envelope]) -> None:
    """Stop, Capture again: the new child numbers its events from 0; none may be refused silently."""
    window = new_window(qtbot, store, FakeChild(recording).partners())
    live = len(demo) - 1  # the recording's tick is bookkeeping
    for run in (1, 2):
        window.capture_action.trigger()
        qtbot.waitUntil(lambda run=run: window.inspection.events == run * live, timeout=15000)
        with qtbot.waitSignal(window.controller.connection.stopped, timeout=10000):
            window.capture_action.trigger()
    assert window.inspection.refused == 0 and "refused" not in window.status.dropped_label.text()
    seqs = [raw.seq for raw in window.inspection.raws if raw.device == "phone"]
    assert seqs == sorted(set(seqs))  # one increasing numbering per device across both runs


def test_events_the_model_refuses_are_counted_in_the_status_bar(qtbot: QtBot, demo: list[Envelope]) -> None:
    inspection = Inspection()
    for env in [*demo, *demo[:3]]:  # the same numbers again, without a new run: refused
        inspection.enqueue(env)
    with qtbot.waitSignal(inspection.problem, timeout=5000):
        inspection.flush()
    assert inspection.refused == 3
    bar = StatusBar()
    qtbot.addWidget(bar)
    bar.show_counts(inspection.events, inspection.verdict_counts, inspection.dropped, 0, inspection.refused)
    assert "3 refused" in bar.dropped_label.text()


def test_closing_the_window_stops_every_browser_it_launched(
        qtbot: QtBot, store: QSettings, recording: Path) -> None:
    stopped: list[str] = []

    class Launched:
        def __init__(self, profile: str) -> None:
            self.profile = profile

        def stop(self) -> None:
            stopped.append(self.profile)

    partners = FakeChild(recording).partners(
        launch_browser=lambda settings, profile, port, fresh: Launched(profile))
    win = MainWindow(Settings(), store, partners=partners)
    qtbot.addWidget(win)
    for profile in ("laptop", "phone"):
        win.profile_combo.setCurrentText(profile)
        win.browser_action.trigger()
    assert win.controller.connection.is_running()  # launching a browser starts the capture it goes through
    win.close()
    assert stopped == ["laptop", "phone"] and not win.controller.connection.is_running()


def test_a_fresh_visitor_is_thrown_away_and_a_kept_profile_can_be_forgotten(
        qtbot: QtBot, store: QSettings, recording: Path, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    from inspector.launch import profiles
    from inspector.launch.browser import Browser

    class Launched:
        def __init__(self, profile: profiles.Profile, port: int) -> None:
            self.profile, self.port, self.alive = profile, port, True

        def running(self) -> bool:
            return self.alive

        def stop(self) -> None:
            self.alive = False
            self.profile.close()

    launched: list[Launched] = []

    def launch(found: Browser, profile: profiles.Profile, options: object, urls: object = ()) -> Launched:
        launched.append(Launched(profile, options.proxy_port))  # type: ignore[attr-defined]
        return launched[-1]

    monkeypatch.setattr(profiles, "profiles_root", lambda: tmp_path / "profiles")
    monkeypatch.setattr(integrations.browser, "find_browser", lambda *a, **k: Browser("fake", Path("/bin/true")))
    monkeypatch.setattr(integrations.browser, "launch", launch)
    win = MainWindow(Settings(), store, partners=FakeChild(recording).partners())
    qtbot.addWidget(win)
    win.profile_combo.setCurrentText("laptop")
    win.fresh_browser_action.trigger()
    fresh = launched[-1].profile
    # A fresh visitor is another person: its own device and proxy port, never the named profile's.
    assert (fresh.name, fresh.keep) == ("visitor-1", False) and fresh.path.is_dir()
    assert not (tmp_path / "profiles" / "laptop").exists()  # nothing kept for a fresh visitor
    win.fresh_browser_action.trigger()
    assert launched[-1].profile.name == "visitor-2"  # the first still runs: the next is someone else
    win.browser_action.trigger()
    kept = launched[-1]
    ports = {launch.profile.name: launch.port for launch in launched}
    assert len(set(ports.values())) == 3 and win.controller.devices[ports["laptop"]] == "laptop"
    assert win.controller.devices[ports["visitor-1"]] == "visitor-1"
    assert kept.profile.keep and kept.profile.path == tmp_path / "profiles" / "laptop"
    assert not win.controller.forget_profile()  # its browser still runs
    assert "Close the browser" in win.statusBar().currentMessage()
    kept.alive = False
    assert win.controller.forget_profile() and not kept.profile.path.exists()
    assert not win.controller.forget_profile()  # nothing left to forget
    win.close()
    assert not fresh.path.exists()  # the fresh visitor's profile went with its browser


def test_capture_on_a_taken_port_fails_at_once_and_no_browser_is_sent_to_it(
        qtbot: QtBot, store: QSettings, recording: Path) -> None:
    launched: list[str] = []
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        partners = FakeChild(recording).partners(
            launch_browser=lambda settings, profile, port, fresh: launched.append(profile))
        win = MainWindow(Settings(proxy_port=taken), store, partners=partners)
        qtbot.addWidget(win)
        win.browser_action.trigger()
    assert launched == [] and not win.controller.connection.is_running()
    assert f"port {taken} on 127.0.0.1 is already in use" in win.banner.lines.text()
    assert "Choose another proxy port in Settings" in win.banner.lines.text()


def test_a_late_process_started_signal_keeps_a_connected_capture_healthy(
        qtbot: QtBot, store: QSettings, recording: Path) -> None:
    window = new_window(qtbot, store, FakeChild(recording).partners())
    capture = window.controller.connection
    assert window.controller.start_capture()
    qtbot.waitUntil(lambda: capture.health == "healthy", timeout=15000)
    # On a loaded machine Qt may deliver QProcess.started after the child's hello was read.
    capture.process.started.emit()
    assert capture.health == "healthy"
    with qtbot.waitSignal(capture.stopped, timeout=10000):
        window.controller.stop_capture()


def test_a_crashing_capture_shows_its_last_lines_and_can_restart(qtbot: QtBot, store: QSettings,
                                                                  recording: Path, demo: list[Envelope]) -> None:
    child = FakeChild(recording, "crash")
    window = new_window(qtbot, store, child.partners())
    capture = window.controller.connection
    window.capture_action.trigger()
    qtbot.waitUntil(lambda: capture.health == "crashed", timeout=15000)
    assert window.banner.isVisible() and "exited with code 70" in window.banner.title.text()
    assert "Traceback: proxy exploded" in window.banner.lines.text()
    assert window.status.restart_button.isVisible() and not window.capture_action.isChecked()
    # What the child sent before it crashed is kept (its last bytes may be read after its exit is seen).
    qtbot.waitUntil(lambda: window.inspection.events == len(demo) - 1, timeout=5000)
    assert QGuiApplication.modalWindow() is None
    child.then = "wait"
    window.banner.restart_button.click()
    qtbot.waitUntil(lambda: capture.health == "healthy", timeout=15000)
    assert not window.banner.isVisible()


def test_follow_mode_sticks_to_the_newest_row_until_the_user_looks_back(qtbot: QtBot, window: MainWindow,
                                                                         demo: list[Envelope]) -> None:
    window.timeline.setFixedHeight(200)  # fewer rows than events fit
    live = [e.model_copy(update={"seq": e.seq + 100 * k}) for k in range(4) for e in demo[:-1]]
    for env in live[:30]:
        window.inspection.enqueue(env)
    window.inspection.flush()
    bar = window.timeline.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    window.timeline.select_source_row(2)  # looking back leaves follow mode
    assert not window.timeline.follow
    held = bar.value()
    for env in live[30:]:
        window.inspection.enqueue(env)
    window.inspection.flush()
    qtbot.wait(20)
    assert bar.value() == held and bar.maximum() > held
    window.follow_action.trigger()
    assert window.timeline.follow and bar.value() == bar.maximum()


def test_times_are_absolute_or_relative(qtbot: QtBot, window: MainWindow, recording: Path) -> None:
    open_and_wait(qtbot, window, recording)
    index = window.timeline_model.index(source_row(window, 2), 1)
    local = dt.datetime.fromtimestamp(window.timeline_model.rows[source_row(window, 2)].time)
    assert index.data() == local.strftime("%H:%M:%S.%f")[:-3]
    window.relative_action.trigger()
    assert index.data() == "+2.020 s"


DATA = Path(__file__).parents[1] / "data"


def test_a_har_file_is_decoded_and_shown(qtbot: QtBot, window: MainWindow) -> None:
    # Raw requests from a browser's HAR export: the real decoders turn them into hits.
    open_and_wait(qtbot, window, DATA / "report_phone.har")
    kinds = [row.kind for row in window.timeline_model.rows]
    assert "hit" in kinds and "verdict" in kinds
    card = window.identity_card
    assert card.device == "report_phone"
    assert "jane.doe" not in card.identity.text() and "(25 chars)" in card.identity.text()
    hit_row = kinds.index("hit")
    window.timeline.select_source_row(hit_row)
    assert window.details.raw.toPlainText().startswith("GET https://") or \
        window.details.raw.toPlainText().startswith("POST https://")
    assert "jane.doe" not in window.details.raw.toPlainText()
    assert window.verdicts_model.verdicts[0].rule == "identity-pii-unhashed"
    # Said once, plainly: the file holds the network only.
    notice = "network only: the page's _uxa calls were not captured; 1 verdict inferred"
    assert window.log_panel.toPlainText().count(notice) == 1
    assert window.statusBar().currentMessage() == notice.capitalize()


def test_opening_another_file_at_once_shows_only_the_second(qtbot: QtBot, window: MainWindow,
                                                           recording: Path) -> None:
    finished: list[str] = []
    window.inspection.load_finished.connect(lambda _errors, kind: finished.append(kind))
    window.open_file(recording)
    with qtbot.waitSignal(window.inspection.load_finished, timeout=20000):
        window.open_file(DATA / "report_phone.har")  # the first load is cancelled, never mixed in
    qtbot.wait(300)  # a late signal of the first load would land by now
    assert finished == ["har"]
    assert {row.device for row in window.timeline_model.rows} == {"report_phone"}
    assert window.inspection.source.endswith("report_phone.har")


def test_the_fix_text_goes_with_clear_and_an_idle_timeline_does_not_blame_a_filter(
        qtbot: QtBot, window: MainWindow, recording: Path) -> None:
    open_and_wait(qtbot, window, recording)
    panel = window.verdicts_panel
    panel.table.selectRow(0)
    assert "Fix:" in panel.fix.text()
    window.clear()
    assert "Fix:" not in panel.fix.text()
    # Only capture housekeeping, as an idle capture has: nothing to blame the (default) filter for.
    window.inspection.enqueue(parse_envelope('{"v":1,"seq":0,"time":1,"device":"laptop",'
                                             '"event":{"kind":"tick"}}'))
    window.inspection.drain()
    qtbot.waitUntil(lambda: window.timeline_model.rowCount() == 1)
    assert window.proxy.rowCount() == 0 and not window.proxy.narrowed()
    window.proxy.set_filter(text="nothing like this")
    assert window.proxy.narrowed()


def test_a_wrong_browser_path_in_settings_is_named_not_blamed_on_uxa_browser(
        qtbot: QtBot, store: QSettings, recording: Path, tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    wrong = str(tmp_path / "no-such" / "chromium")
    win = MainWindow(Settings(proxy_port=free, browser_path=wrong), store,
                     partners=FakeChild(recording).partners())
    qtbot.addWidget(win)
    win.browser_action.trigger()
    qtbot.waitUntil(lambda: win.banner.isVisible() or "browser could not start" in win.log_panel.toPlainText(),
                    timeout=15000)
    shown = win.banner.lines.text()
    assert wrong in shown and "Settings" in shown and "UXA_BROWSER" not in shown
    win.controller.close()


def test_a_failed_open_keeps_the_view_it_had(qtbot: QtBot, window: MainWindow, recording: Path,
                                             tmp_path: Path) -> None:
    open_and_wait(qtbot, window, recording)
    rows = window.timeline_model.rowCount()
    title = window.windowTitle()
    with qtbot.waitSignal(window.inspection.load_failed, timeout=10000):
        window.open_file(tmp_path / "missing.jsonl")
    assert "missing.jsonl" in window.banner.lines.text()
    assert window.timeline_model.rowCount() == rows and window.windowTitle() == title
    assert window.identity_card.state() is not None


def test_a_verdict_opens_its_rule_page_in_the_app(qtbot: QtBot, window: MainWindow, recording: Path) -> None:
    open_and_wait(qtbot, window, recording)
    panel = window.verdicts_panel
    assert not panel.about.isEnabled()
    panel.table.selectRow(0)
    rule = panel.verdict_at(0).rule  # type: ignore[union-attr]
    panel.about.click()
    assert not panel.rule_view.isHidden() and rule in panel.rule_view.toPlainText()
    window.clear()
    assert panel.rule_view.isHidden() and not panel.about.isEnabled()


def test_writing_the_same_value_again_is_not_called_an_overwrite(qtbot: QtBot, window: MainWindow,
                                                                 tmp_path: Path) -> None:
    from inspector.wire.envelope import dump_envelope
    from tests.support.script import Script

    script = Script().pageview("user-0001", 1, 1).push("addUserProperties", {"plan": "pro"}).wait(1)
    script.push("addUserProperties", {"plan": "pro"}).wait(1).push("addUserProperties", {"tier": "a"})
    script.wait(1).push("addUserProperties", {"tier": "b"}).tick()
    path = tmp_path / "same.jsonl"
    path.write_text("".join(dump_envelope(e) + "\n" for e in script.envelopes), encoding="utf-8")
    open_and_wait(qtbot, window, path)
    model = window.properties_panel.tree_model
    device = model.index(0, 0)
    keys = [model.index(r, 0, device).data() for r in range(model.rowCount(device))]
    assert keys == ["plan", "tier  (1 overwrite)"]


def test_the_window_fills_the_screen_and_reset_layout_brings_every_panel_back(
        qtbot: QtBot, store: QSettings) -> None:
    win = MainWindow(Settings(), store)
    qtbot.addWidget(win)
    screen = win.screen().availableGeometry()
    assert (win.width(), win.height()) == (screen.width(), screen.height())
    win.resize(1400, 850)
    win.show()
    win.identity_dock.hide()
    win.timeline.setColumnWidth(5, 20)
    win.reset_layout_action.trigger()
    qtbot.waitUntil(lambda: win.identity_dock.isVisible())
    assert win.timeline.columnWidth(5) >= MIN_SUMMARY_WIDTH  # the summary is back to what it starts at
    win.controller.close()


def test_live_panels_are_rebuilt_one_per_turn_and_end_on_the_newest_state(
        qtbot: QtBot, window: MainWindow, demo: list[Envelope]) -> None:
    turns: list[int] = []
    counter = QTimer(window)  # ticks once per turn of the event loop
    counter.setInterval(0)
    counter.timeout.connect(lambda: turns.append(1))
    counter.start()
    rebuilt: list[tuple[str, int]] = []
    for name in ("sessions_panel", "properties_panel", "graph_panel"):
        model = getattr(window, name).tree_model
        model.modelReset.connect(lambda name=name: rebuilt.append((name, len(turns))))
    for env in demo:
        window.inspection.enqueue(env, "capture")
    window.inspection.flush()
    qtbot.waitUntil(lambda: window.identity_card.state() is not None, timeout=5000)
    counter.stop()
    last = {name: turn for name, turn in rebuilt}
    assert len(set(last.values())) == 3  # each panel in a turn of its own
    assert window.sessions_panel.tree_model.rowCount() == 2  # laptop and phone: the newest state
    assert window.graph_panel.tree_model.rowCount() == 2
