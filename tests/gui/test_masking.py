"""Masking on screen: every place a value is rendered hides personal data until revealed, and again after."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from inspector.gui.main_window import MainWindow
from inspector.gui.settings import Settings
from inspector.wire.envelope import Envelope, dump_envelope
from inspector.wire.events import Hit, HitType, Page, Request

EMAIL = "jane.doe@example.com"
PAGE = f"https://shop.example/account/{EMAIL}/orders?email=jane.doe%40example.com&sn=2"
SECRETS = (EMAIL, "jane.doe%40example.com", "Jane Doe", "+33612345678", "secret-cookie-123", "tok-991")


def _envelopes() -> list[Envelope]:
    request = Request(method="GET", url=f"https://c.contentsquare.net/pageview?uu=1&url={PAGE}",
                      headers=(("Cookie", "session=secret-cookie-123"), ("Accept", "*/*")),
                      status=200, response_headers=(("Set-Cookie", "sid=tok-991; Path=/"),))
    return [
        Envelope(seq=0, time=1000.0, device="laptop", tab="t1",
                 event=Page(url=PAGE, title="Jane Doe - your orders")),
        Envelope(seq=1, time=1001.0, device="laptop", tab="t1",
                 event=Hit(hit_type=HitType.PAGEVIEW, host="c.contentsquare.net", path="/pageview",
                           uu="6f1c0000-0000-4000-8000-000000000001", sn=1, pn=1, page_url=PAGE,
                           fields={"name": "Jane Doe", "phone": "+33612345678"}, request=request)),
    ]


def _tree_text(item: QTreeWidgetItem) -> str:
    own = " ".join(item.text(c) for c in range(item.columnCount()))
    return own + " " + " ".join(_tree_text(item.child(i)) for i in range(item.childCount()))


def _screen_text(win: MainWindow) -> str:
    """What the timeline (every column and tooltip), the details pane, the trees and a copy show for
    every row."""
    shown = []
    timeline = win.timeline_model
    for row in range(timeline.rowCount()):
        shown.extend(str(timeline.index(row, col).data(role)) for col in range(timeline.columnCount())
                     for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole))
        win.timeline.select_source_row(row)
        shown.append(win.details.title.text())
        shown.append(_tree_text(win.details.fields.invisibleRootItem()))
        shown.append(win.details.raw.toPlainText())
        win.timeline.copy_json.trigger()
        shown.append(json.loads(QGuiApplication.clipboard().text()) and QGuiApplication.clipboard().text())
    for model in (win.sessions_panel.tree_model, win.properties_panel.tree_model):
        shown.extend(str(model.index(r, c, p).data()) for r, c, p in _walk(model))
    return "\n".join(shown)


def _walk(model):  # type: ignore[no-untyped-def]
    stack = [model.index(r, 0) for r in range(model.rowCount())]
    while stack:
        index = stack.pop()
        for c in range(model.columnCount()):
            yield index.row(), c, index.parent()
        stack.extend(model.index(r, 0, index) for r in range(model.rowCount(index)))


def opened(qtbot: QtBot, store: QSettings, path: Path, envelopes: list[Envelope], rows: int) -> MainWindow:
    """The real window, shown, with ``envelopes`` written to ``path`` and opened as a recording."""
    path.write_text("".join(dump_envelope(e) + "\n" for e in envelopes), encoding="utf-8")
    win = MainWindow(Settings(), store)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.inspection.load_finished, timeout=20000):
        win.open_file(path)
    qtbot.waitUntil(lambda: win.timeline_model.rowCount() >= rows)
    return win


def test_urls_payloads_cookies_and_titles_are_masked_until_revealed_and_again_after(
        qtbot: QtBot, store: QSettings, tmp_path: Path) -> None:
    win = opened(qtbot, store, tmp_path / "leaky.jsonl", _envelopes(), 2)
    masked = _screen_text(win)
    assert [s for s in SECRETS if s in masked] == []
    assert "shop.example/account/" in masked and "Accept: */*" in masked  # still readable
    win.reveal_action.trigger()
    revealed = _screen_text(win)
    assert all(s in revealed for s in SECRETS)
    win.reveal_action.trigger()
    assert [s for s in SECRETS if s in _screen_text(win)] == []
    win.controller.close()
