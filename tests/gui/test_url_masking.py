"""Names in URL paths are masked on screen (issue 14 item 5): a segment after a word that introduces a
person, a first.last name, and any route word the capture has shown to be an identity or a user
property value, even in rows shown before that value came; Reveal shows them and hides them again."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from inspector.gui.main_window import MainWindow
from inspector.gui.settings import Settings
from inspector.wire.envelope import Envelope, dump_envelope
from inspector.wire.events import Command, Hit, HitType, Page, Request
from tests.gui.test_masking import _screen_text, opened

SHOP = "https://shop.test"
BEFORE_LOGIN = f"{SHOP}/team/martin/news"  # seen before identify("martin") says it is an identity
ORDERS = f"{SHOP}/users/alice/orders"
PROFILE = f"{SHOP}/u/john.smith"
WELCOME = f"{SHOP}/welcome/alice-martin"  # the slug of the "name" property
NAMES = ("team/martin", "users/alice", "john.smith", "alice-martin", "back Alice Martin")


def _envelopes() -> list[Envelope]:
    def pushed(*payload: object) -> Command:
        return Command(payload=list(payload), tag_loaded=True, page_url=SHOP)

    events = [
        Page(url=BEFORE_LOGIN, title="News"),
        Hit(hit_type=HitType.PAGEVIEW, host="c.contentsquare.net", path="/pageview", pid=1,
            uu="6f1c0000-0000-4000-8000-000000000001", sn=1, pn=1, page_url=ORDERS,
            request=Request(method="GET", url="https://c.contentsquare.net/pageview?pid=1")),
        Page(url=PROFILE, title="Profile"),
        pushed("identify", "martin"),
        pushed("addUserProperties", {"name": "Alice Martin"}),
        Page(url=WELCOME, title="Welcome"),
        pushed("trackPageEvent", "Welcome back Alice Martin"),  # not an identity command: shown, but…
    ]
    return [Envelope(seq=i, time=1000.0 + i, device="laptop", tab="t1", event=e) for i, e in enumerate(events)]


def test_names_in_url_paths_are_masked_until_revealed_and_again_after(qtbot: QtBot, store: QSettings,
                                                                     tmp_path: Path) -> None:
    win = opened(qtbot, store, tmp_path / "names.jsonl", _envelopes(), 7)
    masked = _screen_text(win)
    assert [name for name in NAMES if name in masked] == []
    for readable in ("shop.test/team/•••/news", "shop.test/users/•••/orders", "shop.test/u/•••",
                     "shop.test/welcome/•••"):
        assert readable in masked
    win.reveal_action.trigger()
    revealed = _screen_text(win)
    assert [name for name in NAMES if name not in revealed] == []
    win.reveal_action.trigger()
    assert [name for name in NAMES if name in _screen_text(win)] == []
    # Another capture starts with nothing learnt: its own route words are readable.
    win.inspection.clear()
    with qtbot.waitSignal(win.inspection.load_finished, timeout=20000):
        win.open_file(_one_page(tmp_path / "other.jsonl", f"{SHOP}/team/martin/news"))
    qtbot.waitUntil(lambda: win.timeline_model.rowCount() >= 1)
    assert "shop.test/team/martin/news" in _screen_text(win)
    win.controller.close()


def _one_page(path: Path, url: str) -> Path:
    path.write_text(dump_envelope(Envelope(seq=0, time=1.0, device="laptop", tab="t1", event=Page(url=url)))
                    + "\n", encoding="utf-8")
    return path


def test_a_row_shown_live_before_the_identity_came_is_masked_once_it_comes(qtbot: QtBot,
                                                                          store: QSettings) -> None:
    win = MainWindow(Settings(), store)
    qtbot.addWidget(win)
    win.show()
    page, *_, identify, _props, _welcome, _event = _envelopes()
    win.inspection.enqueue(page)
    win.inspection.flush()
    qtbot.waitUntil(lambda: win.timeline_model.rowCount() >= 1)
    assert "team/martin" in win.timeline_model.summary(0)  # nothing says it is personal yet
    win.inspection.enqueue(identify)
    win.inspection.flush()
    qtbot.waitUntil(lambda: win.timeline_model.rowCount() >= 2)
    assert "team/martin" not in win.timeline_model.summary(0)
    assert "team/•••/news" in _screen_text(win)
    win.controller.close()
