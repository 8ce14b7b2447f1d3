"""Reveal shows the personal values in verdict messages everywhere a message is on screen, and hides
them again (issue 14 item 5): the model keeps them apart from the message's wording."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from inspector.gui.main_window import MainWindow
from inspector.wire.envelope import Envelope
from tests.gui.test_masking import _tree_text, opened
from tests.support.script import Script

EMAIL = "jane.doe@example.com"
PLANS = ("freemium-tier", "platinum-tier")


def _envelopes() -> list[Envelope]:
    return (Script().pageview("6f1c0000-0000-4000-8000-000000000001", 1, 1)
            .push("identify", EMAIL).push("addUserProperties", {"plan": PLANS[0]})
            .push("addUserProperties", {"plan": PLANS[1]})).envelopes


def _messages_on_screen(win: MainWindow) -> str:
    """The verdicts list (cells and tooltips), the fix under it, and each verdict row of the timeline
    (summary, tooltip, details pane, Ctrl+C copy)."""
    shown = []
    verdicts = win.verdicts_model
    for row in range(verdicts.rowCount()):
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            shown.append(str(verdicts.index(row, verdicts.COLUMNS.index("Message")).data(role)))
        win.verdicts_panel.table.selectRow(row)
        shown.append(win.verdicts_panel.fix.text())
    timeline = win.timeline_model
    for row in range(timeline.rowCount()):
        if timeline.rows[row].verdict is None:
            continue
        for col in range(timeline.columnCount()):
            shown.append(str(timeline.index(row, col).data(Qt.ItemDataRole.DisplayRole)))
            shown.append(str(timeline.index(row, col).data(Qt.ItemDataRole.ToolTipRole)))
        win.timeline.select_source_row(row)
        shown.append(_tree_text(win.details.fields.invisibleRootItem()))
        win.timeline.copy_json.trigger()
        shown.append(json.loads(QGuiApplication.clipboard().text())["message"])
    return "\n".join(shown)


def test_reveal_unmasks_verdict_messages_and_hides_them_again(qtbot: QtBot, store: QSettings,
                                                             tmp_path: Path) -> None:
    win = opened(qtbot, store, tmp_path / "verdicts.jsonl", _envelopes(), 1)
    qtbot.waitUntil(lambda: {"identity-pii-unhashed", "property-overwrite"}
                    <= {v.rule for v in win.verdicts_model.verdicts})
    secrets = (EMAIL, *PLANS)
    masked = _messages_on_screen(win)
    assert [s for s in secrets if s in masked] == []
    assert "Identity looks like an email address: j•••m (20 chars)" in masked
    assert "Property 'plan' overwritten: f•••r (13 chars) → p•••r (13 chars)" in masked
    win.reveal_action.trigger()
    revealed = _messages_on_screen(win)
    assert f"Identity looks like an email address: {EMAIL}" in revealed
    assert f"Property 'plan' overwritten: {PLANS[0]} → {PLANS[1]}" in revealed
    win.reveal_action.trigger()
    assert [s for s in secrets if s in _messages_on_screen(win)] == []
    win.controller.close()
