"""The main window: timeline in the middle, panels in docks around it, capture controls on top.

It lays out widgets and wires signals, and holds no logic of its own beyond that: the engine lives
in ``Inspection``, the capture child, browsers and the demo in ``Controller``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from inspector.gui import collector, integrations, theme
from inspector.gui import settings as settings_store
from inspector.gui.controller import Controller, Partners
from inspector.gui.exports import Exports
from inspector.gui.inspection import Inspection
from inspector.gui.models.masking import PERSONAL
from inspector.gui.models.rows import Row
from inspector.gui.models.timeline_filter import TimelineFilter
from inspector.gui.models.timeline_model import TimelineModel
from inspector.gui.models.verdicts_model import VerdictsModel
from inspector.gui.settings import Settings
from inspector.gui.widgets.details_panel import DetailsPanel
from inspector.gui.widgets.filter_bar import FilterBar
from inspector.gui.widgets.guide import GuidePanel
from inspector.gui.widgets.identity_card import IdentityCard
from inspector.gui.widgets.panels import (
    LogPanel,
    ProblemBanner,
    VerdictsPanel,
    graph_panel,
    properties_panel,
    sessions_panel,
)
from inspector.gui.widgets.settings_dialog import SettingsDialog
from inspector.gui.widgets.status_bar import StatusBar
from inspector.gui.widgets.timeline_view import TimelineView
from inspector.model.state import Severity, Snapshot
from inspector.report.evidence import evidence_of_facts

# 2: docks have minimum widths; a layout saved before (side docks shrunk to ~150 px) is not restored.
LAYOUT_VERSION = 2
# The narrowest a docked panel may be: its rows, combo boxes and the identity card's values still fit
# (restoreState and dragging a splitter both stop here). Default sizes grow with the window.
SIDE_MIN_WIDTH = 220
CARD_MIN_WIDTH = 310
REFRESH_MS = 200
FILE_FILTER = ("Captures (*.jsonl *.ndjson *.json *.har);;Recordings (*.jsonl *.ndjson);;HAR files (*.har);;"
               "All files (*)")


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings | None = None, store: QSettings | None = None,
                 dark: bool = False, partners: Partners | None = None) -> None:
        super().__init__()
        self.store = store or settings_store.qsettings()
        settings = settings or settings_store.load(self.store)
        self.dark = dark
        self.reveal = not settings.mask_personal_data
        PERSONAL.clear()  # what another capture showed is not this one's
        self.setWindowTitle("UXA Inspector")
        self.fit_to_screen()
        self.setDockNestingEnabled(True)

        self.inspection = Inspection(settings.model_config(), self)
        self.controller = Controller(self.inspection, settings, partners,
                                     list(dict.fromkeys(["default", "laptop", "phone",
                                                         *integrations.profile_names()])), self)
        self.timeline_model = TimelineModel(self.inspection, dark)
        self.timeline_model.reveal = self.reveal
        self.timeline_model.relative_time = self.settings.relative_time
        self.proxy = TimelineFilter(self.timeline_model)
        self.verdicts_model = VerdictsModel(self.inspection, dark)
        self.verdicts_model.reveal = self.reveal
        self.settings_dialog: SettingsDialog | None = None
        self._selected = -1
        self._header_restored = False  # the timeline's remembered column widths beat their defaults

        self._build_central()
        self._build_docks()
        self._build_actions()
        self._build_status()
        self.exports = Exports(self.inspection, self)
        self.exports.show_in(self.log, self.statusBar(), self.banner, (self.save_action, self.report_action))
        self._connect()
        self._default_state = self.saveState(LAYOUT_VERSION)  # what View ▸ Reset layout goes back to
        self._restore_layout()
        self.guide.setVisible(not settings.guide_seen)  # the first launch starts with it
        self._refresh_panels()
        self._update_status()

    @property
    def settings(self) -> Settings:
        return self.controller.settings

    # ------------------------------------------------------------------ construction

    def _build_central(self) -> None:
        self.banner = ProblemBanner()
        self.guide = GuidePanel()
        self.filter_bar = FilterBar(self.proxy)
        self.timeline = TimelineView(self.proxy)
        self.timeline.setObjectName("timeline")
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.banner)
        layout.addWidget(self.guide)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.timeline, 1)
        self.setCentralWidget(central)

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)  # saveState() needs names
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        self.identity_card = IdentityCard()
        self.details = DetailsPanel()
        self.verdicts_panel = VerdictsPanel(self.verdicts_model)
        self.properties_panel = properties_panel()
        self.sessions_panel = sessions_panel()
        self.graph_panel = graph_panel()
        self.log_panel = LogPanel()
        right, left, bottom = (Qt.DockWidgetArea.RightDockWidgetArea, Qt.DockWidgetArea.LeftDockWidgetArea,
                               Qt.DockWidgetArea.BottomDockWidgetArea)
        # Scrolled rather than squeezed: on a short screen the card's rows never overlap.
        card_area = QScrollArea()
        card_area.setWidget(self.identity_card)
        card_area.setWidgetResizable(True)
        card_area.setFrameShape(QScrollArea.Shape.NoFrame)
        card_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.identity_dock = self._dock("Identity", "identityDock", card_area, right)
        self.sessions_dock = self._dock("Sessions", "sessionsDock", self.sessions_panel, left)
        self.graph_dock = self._dock("Identity graph", "graphDock", self.graph_panel, left)
        self.details_dock = self._dock("Details", "detailsDock", self.details, bottom)
        self.verdicts_dock = self._dock("Verdicts", "verdictsDock", self.verdicts_panel, bottom)
        self.properties_dock = self._dock("User properties", "propertiesDock", self.properties_panel, right)
        self.log_dock = self._dock("Capture log", "logDock", self.log_panel, bottom)
        self.splitDockWidget(self.sessions_dock, self.graph_dock, Qt.Orientation.Vertical)
        self.splitDockWidget(self.identity_dock, self.properties_dock, Qt.Orientation.Vertical)
        self.tabifyDockWidget(self.details_dock, self.verdicts_dock)
        self.tabifyDockWidget(self.verdicts_dock, self.log_dock)
        self.details_dock.raise_()
        for dock in (self.sessions_dock, self.graph_dock):
            dock.setMinimumWidth(SIDE_MIN_WIDTH)
        for dock in (self.identity_dock, self.properties_dock):
            dock.setMinimumWidth(CARD_MIN_WIDTH)

    def fit_to_screen(self) -> None:
        """The window takes the screen's available area (a remembered geometry replaces it)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            self.resize(area.size())
            self.move(area.topLeft())

    def reset_layout(self) -> None:
        """Every dock back where it starts, shown, at its default size; the timeline's columns too."""
        self.restoreState(self._default_state, LAYOUT_VERSION)
        for dock in (self.identity_dock, self.properties_dock, self.sessions_dock, self.graph_dock,
                     self.details_dock, self.verdicts_dock, self.log_dock):
            dock.setVisible(True)
        self.details_dock.raise_()
        self._header_restored = False
        self.default_dock_sizes()

    def default_dock_sizes(self) -> None:
        """Sizes for a first start (a remembered layout replaces them): the side panels a share of the
        window, never under their minimum, the timeline the rest; the bottom panels under a third
        of the height, so the timeline keeps its rows at 720 px."""
        width, height = self.width(), self.height()
        side = _between(int(width * 0.17), SIDE_MIN_WIDTH, 360)
        card = _between(int(width * 0.24), CARD_MIN_WIDTH + 20, 460)
        self.resizeDocks([self.sessions_dock, self.identity_dock], [side, card], Qt.Orientation.Horizontal)
        bottom = _between(int(height * 0.3), 190, 380)
        self.resizeDocks([self.details_dock], [bottom], Qt.Orientation.Vertical)
        # Proportions (Qt scales them to the column): the identity card whole at 720 px, the properties
        # below it; the sessions over the identity graph.
        self.resizeDocks([self.identity_dock, self.properties_dock], [620, 380], Qt.Orientation.Vertical)
        self.resizeDocks([self.sessions_dock, self.graph_dock], [550, 450], Qt.Orientation.Vertical)
        if not self._header_restored:
            self.timeline.default_column_widths(width - side - card)

    def _action(self, text: str, slot: Any, shortcut: str | QKeySequence.StandardKey | None = None,
                tip: str = "", checkable: bool = False,
                icon: QStyle.StandardPixmap | None = None) -> QAction:
        action = QAction(text, self)
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(tip or text)
        action.setStatusTip(tip or text)
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        self.capture_action = self._action("● Capture", self._toggle_capture, "Ctrl+R",
                                           "Start or stop the capture proxy", checkable=True)
        self.mode_combo = QComboBox()
        self.mode_combo.addItems(["sink", "forward"])
        self.mode_combo.setCurrentText("sink" if self.settings.sink else "forward")
        self.mode_combo.setToolTip("sink: the inspector answers the vendor's hosts, nothing leaves this "
                                   "machine · forward: requests go on to Contentsquare")
        pix = QStyle.StandardPixmap
        self.browser_action = self._action("Launch browser",
                                           lambda _checked=False: self.controller.launch_browser(), "Ctrl+B",
                                           "Open a browser that goes through the capture proxy",
                                           icon=pix.SP_ComputerIcon)
        self.fresh_browser_action = self._action(
            "Launch fresh visitor", lambda _checked=False: self.controller.launch_browser(fresh=True),
            "Ctrl+Shift+B",
            "Open a browser with a new, empty profile under the chosen device name (a first-time "
            "visitor); it is thrown away when the browser is stopped")
        self.forget_profile_action = self._action(
            "Forget profile", self.controller.forget_profile, None,
            "Delete the chosen profile's cookies and data: its next launch is a new visitor")
        self.profile_combo = QComboBox()
        self.profile_combo.setEditable(True)
        self.profile_combo.addItems(self.controller.profiles)
        self.profile_combo.setCurrentText(self.settings.browser_profile)
        self.profile_combo.setToolTip("Browser profile: one cookie jar, one device in the inspector")
        self.demo_action = self._action("Demo", self.controller.run_demo, "Ctrl+D",
                                        "Run the built-in demo shop through the capture",
                                        icon=pix.SP_MediaPlay)
        self.open_action = self._action("Open…", self.open_dialog, QKeySequence.StandardKey.Open,
                                        "Open a recording or a HAR file", icon=pix.SP_DialogOpenButton)
        self.save_action = self._action("Save…", self.save_dialog, QKeySequence.StandardKey.Save,
                                        "Save what was captured as a recording", icon=pix.SP_DialogSaveButton)
        self.report_action = self._action("Report…", self.export_report, "Ctrl+E",
                                          "Export an HTML report of the verdicts",
                                          icon=pix.SP_FileDialogContentsView)
        self.reveal_action = self._action("Reveal personal data", self.set_reveal, "Ctrl+Shift+R",
                                          "Show identities and property values in clear", checkable=True)
        self.reveal_action.setChecked(self.reveal)
        self.follow_action = self._action("Follow", self.timeline.set_follow, "Ctrl+End",
                                          "Stick to the newest event", checkable=True)
        self.follow_action.setChecked(True)
        self.relative_action = self._action("Relative times", self.set_relative_time, "Ctrl+T",
                                            "Show times relative to the first event", checkable=True)
        self.relative_action.setChecked(self.settings.relative_time)
        self.clear_action = self._action("Clear", self.clear, "Ctrl+L", "Forget every event shown")
        self.reset_layout_action = self._action("Reset layout", self.reset_layout, None,
                                                "Every panel back to its place and default size")
        self.next_problem_action = self._action("Next problem", self.next_problem, "F8",
                                                "Select the next violation or warning shown")
        self.previous_problem_action = self._action("Previous problem", self.previous_problem, "Shift+F8",
                                                    "Select the previous violation or warning shown")
        self.find_action = self._action("Find", self.focus_filter, QKeySequence.StandardKey.Find,
                                        "Filter the timeline")
        self.settings_action = self._action("Settings…", self.show_settings,
                                            QKeySequence.StandardKey.Preferences)
        self.quit_action = self._action("Quit", self.close, QKeySequence.StandardKey.Quit)
        self.guide_action = self._action("Getting started", self.show_guide,
                                         QKeySequence.StandardKey.HelpContents,
                                         "What to click first and what to look at")

        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.setIconSize(QSize(16, 16))
        toolbar.addAction(self.capture_action)
        toolbar.addWidget(self.mode_combo)
        toolbar.addSeparator()
        toolbar.addAction(self.browser_action)
        toolbar.addWidget(self.profile_combo)
        toolbar.addAction(self.demo_action)
        toolbar.addSeparator()
        for action in (self.open_action, self.save_action, self.report_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        for action in (self.reveal_action, self.follow_action, self.relative_action, self.clear_action):
            toolbar.addAction(action)

        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        for action in (self.open_action, self.save_action, self.report_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        capture_menu = menus.addMenu("&Capture")
        for action in (self.capture_action, self.browser_action, self.fresh_browser_action,
                       self.forget_profile_action, self.demo_action):
            capture_menu.addAction(action)
        view_menu = menus.addMenu("&View")
        for action in (self.find_action, self.next_problem_action, self.previous_problem_action,
                       self.reveal_action, self.follow_action, self.relative_action, self.clear_action):
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.reset_layout_action)
        for dock in (self.identity_dock, self.properties_dock, self.sessions_dock, self.graph_dock,
                     self.details_dock, self.verdicts_dock, self.log_dock):
            view_menu.addAction(dock.toggleViewAction())
        menus.addMenu("&Help").addAction(self.guide_action)
        # Typing in the filter must not swallow the window's shortcuts (Ctrl+E is "end of line" there).
        self.filter_bar.text.pass_shortcuts(action.shortcut() for action in self.findChildren(QAction))
        self._check_partners()

    def _check_partners(self) -> None:
        """Without mitmproxy there is no capture (nor demo): say so on the actions instead of failing
        when they are clicked. Opening files and reports work regardless."""
        why = integrations.capture_unavailable()
        if why:
            for action in (self.capture_action, self.demo_action):
                action.setEnabled(False)
                action.setToolTip(f"{action.toolTip()} — unavailable: {why}")

    def _build_status(self) -> None:
        self.status = StatusBar()
        self.status.restart.connect(self.controller.start_capture)
        self.setStatusBar(self.status)

    def _connect(self) -> None:
        ins = self.inspection
        ins.steps_appended.connect(self._on_steps)
        ins.final_verdicts.connect(lambda _v: self._schedule_refresh())
        ins.cleared.connect(self._on_cleared)
        ins.counts_changed.connect(self._update_status)
        ins.load_progress.connect(self._on_progress)
        ins.load_finished.connect(self._on_loaded)
        ins.load_failed.connect(self._on_load_failed)
        ins.telling.connect(self._hold_timeline_paints)
        ins.problem.connect(self.log)
        self.timeline.row_selected.connect(self._on_row_selected)
        self.timeline.follow_changed.connect(self._on_follow_changed)
        # Enter or a double-click on a row brings its details forward (DevTools' habit).
        self.timeline.activated.connect(lambda _i: self.details_dock.raise_())
        for panel in (self.sessions_panel, self.properties_panel, self.graph_panel, self.verdicts_panel):
            panel.jump.connect(self.show_event)
        ctl = self.controller
        ctl.log.connect(self.log)
        ctl.capturing.connect(self._show_capturing)
        ctl.problem.connect(self._show_problem)
        ctl.notice.connect(lambda message: self.statusBar().showMessage(message, 5000))
        ctl.status_changed.connect(self._update_status)
        self.mode_combo.currentTextChanged.connect(lambda mode: ctl.choose_mode(mode == "sink"))
        self.profile_combo.currentTextChanged.connect(ctl.choose_profile)
        self.banner.restart.connect(ctl.start_capture)
        guide = self.guide
        guide.start_demo.connect(self.demo_action.trigger)
        guide.start_capture.connect(self._guide_capture)
        guide.open_file.connect(self.open_dialog)
        guide.dismissed.connect(self._guide_dismissed)
        ctl.demo_started.connect(self._follow_demo)
        # Panels are rebuilt at most once per batch, after the rows are in.
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self._refresh_in_turns)
        # A timed refresh rebuilds one panel per turn of the event loop (input and paints between):
        # the three trees at once took 15-90 ms in one turn at 2,000 live events a second.
        self._parts: list[Callable[[], None]] = []
        self._part_timer = QTimer(self)
        self._part_timer.setSingleShot(True)
        self._part_timer.setInterval(0)
        self._part_timer.timeout.connect(self._next_part)

    # ------------------------------------------------------------------ layout memory

    def _restore_layout(self) -> None:
        geometry = self.store.value("window/geometry")
        state = self.store.value("window/state")
        header = self.store.value("window/timelineHeader")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if not (isinstance(state, QByteArray) and self.restoreState(state, LAYOUT_VERSION)):
            # Once the window has its size; an owned timer cannot fire after the window is gone.
            self._dock_timer = QTimer(self)
            self._dock_timer.setSingleShot(True)
            self._dock_timer.timeout.connect(self.default_dock_sizes)
            self._dock_timer.start(0)
        if isinstance(header, QByteArray):
            self._header_restored = self.timeline.horizontalHeader().restoreState(header)

    def save_layout(self) -> None:
        self.store.setValue("window/geometry", self.saveGeometry())
        self.store.setValue("window/state", self.saveState(LAYOUT_VERSION))
        self.store.setValue("window/timelineHeader", self.timeline.horizontalHeader().saveState())
        settings_store.save(self.settings.with_(browser_profile=self.profile_combo.currentText(),
                                                sink=self.mode_combo.currentText() == "sink",
                                                relative_time=self.relative_action.isChecked()), self.store)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.save_layout()
        self.inspection.cancel_load()
        self.exports.wait()  # a file being written is finished, not left half-way
        self.controller.close()
        collector.thaw()  # the window's own cycles become garbage now
        super().closeEvent(event)

    # ------------------------------------------------------------------ data flow

    def _on_steps(self, _first: int, steps: list[Any]) -> None:
        self.guide.saw(steps)
        if PERSONAL.learn(step.envelope for step in steps):
            self.timeline.viewport().update()  # rows shown before may hold the value just learnt
        self._schedule_refresh()

    def _hold_timeline_paints(self, held: bool) -> None:
        """A loaded file's rows come in several turns of the event loop: the timeline paints once,
        after the last (it painted after each turn: ~7 paints of 5-10 ms per notice at 100k events)."""
        self.timeline.setUpdatesEnabled(not held)

    def _schedule_refresh(self) -> None:
        # Trees are rebuilt whole: at most a few times a second live, once a second while a file loads.
        if not self._refresh_timer.isActive():
            self._refresh_timer.start(1000 if self.inspection.loading else REFRESH_MS)

    def view_snapshot(self) -> tuple[Snapshot | None, str, str | None]:
        """The state the panels show: the selected row's when one is selected, else the newest."""
        row = self._selected
        if row >= 0 and not self.timeline.follow and row < len(self.timeline_model.rows):
            r = self.timeline_model.rows[row]
            snap = self.inspection.snapshot_at(r.step)
            label = f"#{r.seq} {r.kind}" if r.verdict is None else f"verdict {r.rules[0]}"
            return snap, label, r.device
        return self.inspection.latest(), "", None

    def _refresh_panels(self) -> None:
        """Every panel at once (after the user's choice: the panels follow it in the same turn)."""
        self._part_timer.stop()
        self._parts = []  # a timed refresh under way would only show an older state after this
        for part in self._panel_parts():
            part()

    def _refresh_in_turns(self) -> None:
        self._parts = self._panel_parts()
        self._next_part()

    def _next_part(self) -> None:
        if self._parts:
            self.inspection.hold_loader()  # a loading file's worker waits for this part's turn
            self._parts.pop(0)()
        if self._parts:
            self._part_timer.start()

    def _panel_parts(self) -> list[Callable[[], None]]:
        """A refresh in parts, all showing the same snapshot."""
        snap, label, device = self.view_snapshot()
        latest = self.inspection.latest()

        def card_and_filters() -> None:
            self.identity_card.set_snapshot(snap, label, device)
            if latest is not None:
                tabs = sorted({t for d in latest.devices.values() for t in d.tabs})
                self.filter_bar.set_choices(list(latest.devices), tabs)
            self.verdicts_dock.setWindowTitle(f"Verdicts ({len(self.verdicts_model.verdicts)})")

        # The card last: once it shows a state, every panel does.
        return [*(partial(panel.show_snapshot, snap) for panel in
                  (self.sessions_panel, self.properties_panel, self.graph_panel)), card_and_filters]

    def _on_row_selected(self, source_row: int) -> None:
        self._selected = source_row
        if source_row < 0:
            self.details.clear()
            return
        r = self.timeline_model.rows[source_row]
        step = self.inspection.steps[r.step] if r.verdict is None else None
        after_snap = self.inspection.snapshot_at(r.step)
        before_snap = self.inspection.snapshot_at(r.step - 1) if r.verdict is None else after_snap
        device = r.device
        after = after_snap.devices.get(device) if after_snap else None
        before = before_snap.devices.get(device) if before_snap else None
        self.details.show_row(r, step, before, after)
        self._refresh_panels()

    def _on_follow_changed(self, follow: bool) -> None:
        self.follow_action.setChecked(follow)
        self._refresh_panels()

    def _on_cleared(self) -> None:
        collector.thaw()  # what the cleared capture froze may be garbage now
        PERSONAL.clear()
        self._selected = -1
        self.details.clear()
        self.filter_bar.reset_choices()
        self._refresh_panels()

    def show_event(self, device: str, seq: int) -> bool:
        """Select the timeline row of event ``seq`` on ``device`` (clearing a filter that hides it)."""
        row = self.timeline_model.row_for_event(device, seq)
        if row is None:
            self.log(f"event #{seq} on {device} is not in the timeline")
            return False
        if not self.timeline.select_source_row(row):
            self.filter_bar.show_all()
            self.timeline.select_source_row(row)
        self.timeline.setFocus()
        return True

    # ------------------------------------------------------------------ user actions

    def next_problem(self) -> bool:
        return self._jump_to_problem(forward=True)

    def previous_problem(self) -> bool:
        return self._jump_to_problem(forward=False)

    def _jump_to_problem(self, forward: bool) -> bool:
        found = self.timeline.select_next_matching(_is_problem, forward)
        if found:
            self.timeline.setFocus()
        else:
            self.statusBar().showMessage(
                f"No {'later' if forward else 'earlier'} violation or warning among the rows shown", 4000)
        return found

    def log(self, line: str) -> None:
        stamp = dt.datetime.now().strftime("%H:%M:%S")
        self.log_panel.log(f"{stamp}  {line}")

    def show_guide(self) -> None:
        """Help ▸ Getting started: the guide again (the demo's walkthrough while the demo runs)."""
        if not (self.guide.following and self.controller.demo is not None):
            self.guide.show_intro()
        self.guide.show()

    def _guide_capture(self) -> None:
        if not self.controller.connection.is_running():
            self.capture_action.trigger()

    def _guide_dismissed(self) -> None:
        if not self.settings.guide_seen:
            self.controller.set_settings(self.settings.with_(guide_seen=True))
            settings_store.save(self.settings, self.store)

    def _follow_demo(self) -> None:
        self.guide.follow_demo()
        if self.guide.isVisible() or not self.settings.guide_seen:
            self.guide.show()
        else:
            self.statusBar().showMessage("The demo is running: Help ▸ Getting started walks through it", 8000)

    def focus_filter(self) -> None:
        self.filter_bar.text.setFocus()
        self.filter_bar.text.selectAll()

    def set_reveal(self, reveal: bool) -> None:
        self.reveal = reveal
        self.timeline_model.set_reveal(reveal)
        self.identity_card.set_reveal(reveal)
        self.sessions_panel.set_reveal(reveal)
        self.details.set_reveal(reveal)
        self.properties_panel.set_reveal(reveal)
        self.graph_panel.set_reveal(reveal)
        self.verdicts_panel.set_reveal(reveal)
        self.filter_bar.apply()  # the text filter searches what is shown: revealed values too

    def set_relative_time(self, relative: bool) -> None:
        self.timeline_model.set_relative_time(relative)

    def clear(self) -> None:
        self.inspection.clear()

    def open_file(self, path: Path) -> None:
        self.log(f"opening {path}")
        self.inspection.set_config(self.settings.model_config())
        if self.inspection.open_file(path) is None:
            return  # unreadable: the banner says why, the current view stays
        self.status.show_loading()
        self.setWindowTitle(f"UXA Inspector — {path.name}")

    def _ask_path(self, title: str, name: str, filters: str, then: Any, save: bool) -> QFileDialog:
        dialog = QFileDialog(self, title, name, filters)
        if save:
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        else:
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda p: then(Path(p)))
        dialog.show()  # not modal: a running capture keeps flowing
        return dialog

    def open_dialog(self) -> None:
        self._ask_path("Open a recording or a HAR file", "", FILE_FILTER, self.open_file, save=False)

    def save_dialog(self) -> None:
        self._ask_path("Save the recording", "capture.jsonl", "Recordings (*.jsonl)", self.save_file,
                       save=True)

    def save_file(self, path: Path) -> bool:
        """Start saving the recording (written off the GUI thread: ``gui/exports.py``)."""
        return self.exports.save(path)

    def export_report(self) -> None:
        self._ask_path("Export a report", "report.html", "HTML (*.html)", self.write_report, save=True)

    def write_report(self, path: Path) -> bool:
        """Start writing the HTML report of what is shown now (off the GUI thread)."""
        return self.exports.report(path, self.reveal)

    def show_settings(self) -> SettingsDialog:
        if self.settings_dialog is None:
            self.settings_dialog = SettingsDialog(self.settings, self)
            self.settings_dialog.applied.connect(self.apply_settings)
        self.settings_dialog.load(self.settings)
        self.settings_dialog.show()
        self.settings_dialog.raise_()
        return self.settings_dialog

    def apply_settings(self, new: Settings) -> None:
        self.controller.set_settings(new)
        self.mode_combo.setCurrentText("sink" if new.sink else "forward")
        settings_store.save(new, self.store)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            self.dark = theme.apply_palette(app, new.color_scheme)
            self.timeline_model.set_dark(self.dark)
            self.verdicts_model.dark = self.dark
        self.log("settings saved (the deadline applies to the next capture or file)")

    # ------------------------------------------------------------------ capture

    def _toggle_capture(self, checked: bool) -> None:
        if checked:
            self.controller.start_capture()
        else:
            self.controller.stop_capture()

    def _show_capturing(self, capturing: bool) -> None:
        if capturing:
            self.banner.hide()
            self.status.restart_button.hide()
        self.capture_action.setChecked(capturing)
        self.capture_action.setText("■ Stop" if capturing else "● Capture")
        self.mode_combo.setEnabled(not capturing)

    def _show_problem(self, title: str, lines: list[str], can_restart: bool) -> None:
        self.banner.show_problem(title, lines, can_restart=can_restart)
        if can_restart:
            self.status.restart_button.show()

    # ------------------------------------------------------------------ status

    def _on_progress(self, done: int, total: int) -> None:
        self.status.show_loading(done, total)

    def _on_loaded(self, errors: list[str], kind: str) -> None:
        self.status.hide_loading()
        for error in errors[:200]:
            self.log(f"skipped {error}")
        if len(errors) > 200:
            self.log(f"… and {len(errors) - 200} more problems")
        self.log(f"loaded {self.inspection.events} events from a {kind} "
                 f"({len(self.inspection.verdicts)} verdicts, {len(errors)} problems)")
        self.statusBar().showMessage(f"Loaded {self.inspection.events} events", 5000)
        if self.inspection.skipped:
            self._show_partial_load(errors)
        found = evidence_of_facts(self.inspection.loaded_facts, self.inspection.verdicts)
        if found.kind == "network-only":  # a HAR, a capture without the observer: said once, plainly
            self.log(found.describe())
            self.statusBar().showMessage(found.describe().capitalize())
        self._refresh_panels()

    def _show_partial_load(self, errors: list[str]) -> None:
        """What loaded is shown, but not all of the file was: said as plainly as ``check`` says it
        (PARTIAL, exit status 2), with the first lines that were left out and why."""
        skipped = self.inspection.skipped
        name = Path(self.inspection.source).name
        more = [f"… and {len(errors) - 7} more (see the Capture log)"] if len(errors) > 7 else []
        lines = errors[:7] + more
        self.banner.show_problem(f"Partial load: {skipped} line{'s' * (skipped != 1)} of {name} could not "
                                 f"be read and {'were' if skipped != 1 else 'was'} skipped; the "
                                 f"{self.inspection.events:,} events shown are judged without them",
                                 lines, can_restart=False)

    def _on_load_failed(self, message: str) -> None:
        self.status.hide_loading()
        # The view is the one before this file: so is the title.
        source = self.inspection.source
        self.setWindowTitle(f"UXA Inspector — {Path(source).name}" if source else "UXA Inspector")
        self.banner.show_problem("The file could not be opened", [message], can_restart=False)
        self.log(message)

    def _update_status(self) -> None:
        ins = self.inspection
        capture = self.controller.connection
        self.status.show_capture(self.controller.proxies(), capture.health)
        self.status.show_counts(ins.events, ins.verdict_counts, ins.dropped, ins.bad_lines, ins.refused)


def _between(value: int, low: int, high: int) -> int:
    return max(low, min(value, high))


def _is_problem(row: Row) -> bool:
    return row.verdict is not None and row.severity in (Severity.VIOLATION, Severity.WARNING)
