"""Each panel fed the recorded demo capture shows what the model says, masked until revealed."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QStandardItemModel
from pytestqt.qtbot import QtBot

from inspector.gui.inspection import Inspection
from inspector.gui.models.rows import rows_for_step
from inspector.gui.widgets.details_panel import DetailsPanel
from inspector.gui.widgets.identity_card import IdentityCard
from inspector.gui.widgets.panels import SnapshotTree, graph_panel, properties_panel, sessions_panel
from tests.gui.scenario import UU_A, UU_B
from tests.support.script import Script


def texts(model: QStandardItemModel, column: int = 0) -> list[str]:
    """Every item's text in the given column, depth first."""
    out: list[str] = []

    def walk(parent: QModelIndex) -> None:
        for row in range(model.rowCount(parent)):
            index = model.index(row, column, parent)
            out.append(str(index.data()))
            walk(model.index(row, 0, parent))

    walk(QModelIndex())
    return out


def shown(qtbot: QtBot, panel: SnapshotTree, inspection: Inspection) -> SnapshotTree:
    qtbot.addWidget(panel)
    panel.show_snapshot(inspection.latest())
    return panel


def test_identity_card_masks_until_shown(qtbot: QtBot, fed: Inspection) -> None:
    card = IdentityCard()
    qtbot.addWidget(card)
    card.set_snapshot(fed.latest(), device="laptop")
    assert "c•••2 (13 chars)" in card.identity.text()
    assert "customer-0002" not in card.identity.text()
    assert card.user_id.text().startswith(UU_B[:20])
    # A new user ID's session starts again at 1: marked, with where and what it was.
    assert card.session.text().startswith("session 1 · page 2<br>")
    assert "↺ restarted at #12 (was session 1, another user ID)" in card.session.text()
    assert "identity-change" in card.reset_badge.text()
    card.show_button.click()
    assert "customer-0002" in card.identity.text()
    card.show_button.click()
    assert "customer-0002" not in card.identity.text()


def test_identity_card_switches_device_and_marks_unexplained_reset(qtbot: QtBot, fed: Inspection) -> None:
    card = IdentityCard()
    qtbot.addWidget(card)
    card.set_snapshot(fed.latest())
    card.devices.setCurrentText("phone")
    assert card.device == "phone" and card.state() is fed.latest().devices["phone"]
    assert "unexplained" in card.reset_badge.text()
    assert "c•••1" in card.identity.text()


def test_identity_card_shows_the_state_of_an_earlier_event(qtbot: QtBot, fed: Inspection) -> None:
    card = IdentityCard()
    qtbot.addWidget(card)
    first_identify = next(i for i, s in enumerate(fed.steps) if s.envelope.seq == 4)
    card.set_snapshot(fed.snapshot_at(first_identify), as_of="#4 command", device="laptop")
    assert "c•••1" in card.identity.text()
    assert card.user_id.text().startswith(UU_A[:20])
    assert card.reset_badge.text() == "none"
    assert "#4 command" in card.when.text()
    card.set_snapshot(None)
    assert card.identity.text() == "—"


def test_sessions_tree_shows_users_sessions_pages_and_resets(qtbot: QtBot, fed: Inspection) -> None:
    panel = shown(qtbot, sessions_panel(), fed)
    lines = texts(panel.tree_model)
    assert lines[0] == "laptop  (2 user IDs, 1 resets)"
    assert any(line.startswith("↺ reset: identity-change (6f1c2a3b… → 91ab77c0…)") for line in lines)
    assert any(line.startswith("↺ reset: unexplained (c0ffee12… → deadbeef…)") for line in lines)
    assert sum(1 for line in lines if line.startswith("page ")) == 8
    assert any(line.startswith("page 1 pvt=renewal") for line in lines)
    assert any("(current)" in line and line.startswith(f"user {UU_B[:13]}") for line in lines)


def test_properties_show_history_and_detached_masked_then_revealed(qtbot: QtBot, fed: Inspection) -> None:
    panel = shown(qtbot, properties_panel(), fed)
    keys = texts(panel.tree_model)
    values = texts(panel.tree_model, 1)
    assert "detached from user 6f1c2a3b…" in keys
    assert "plan  (1 overwrite)" in keys
    assert "f•••e (4 chars) → p•••o (3 chars)" in values
    assert "free → pro" not in values
    panel.set_reveal(True)
    values = texts(panel.tree_model, 1)
    assert "free → pro" in values
    assert "(unset) → FR" in values


def test_identity_graph_links_identities_to_users_and_devices(qtbot: QtBot, fed: Inspection) -> None:
    panel = shown(qtbot, graph_panel(), fed)
    lines = texts(panel.tree_model)
    assert lines[0] == "c•••1 (13 chars)  → 3 user IDs on 2 devices"
    assert "device phone" in lines and "device laptop" in lines
    panel.set_reveal(True)
    assert texts(panel.tree_model)[0].startswith("customer-0001  →")


def test_an_identity_whose_user_has_not_shown_yet_counts_no_user_id(qtbot: QtBot) -> None:
    # A login right after a logout: the tag's evidence of the new user comes after both calls.
    inspection = Inspection()
    for env in Script().pageview(UU_A, 1, 1).push("resetIdentity").push("identify", "cust-9").envelopes:
        inspection.enqueue(env)
    inspection.flush()
    panel = shown(qtbot, graph_panel(), inspection)
    assert texts(panel.tree_model)[0] == "c•••9 (6 chars)  → 0 user IDs on 1 device"


def test_tree_items_jump_to_their_evidence(qtbot: QtBot, fed: Inspection) -> None:
    panel = shown(qtbot, sessions_panel(), fed)
    model = panel.tree_model
    laptop = model.index(0, 0)
    reset = next(model.index(r, 0, laptop) for r in range(model.rowCount(laptop))
                 if str(model.index(r, 0, laptop).data()).startswith("↺"))
    with qtbot.waitSignal(panel.jump) as jump:
        panel.activated.emit(reset)
    assert jump.args == ["laptop", 11]


def test_details_show_fields_raw_request_and_state_diff(qtbot: QtBot, fed: Inspection) -> None:
    panel = DetailsPanel()
    qtbot.addWidget(panel)
    index = next(i for i, s in enumerate(fed.steps) if s.envelope.seq == 10)
    step = fed.steps[index]
    row = rows_for_step(index, step)[0]
    before = fed.steps[index - 1].snapshot.devices["laptop"]
    after = step.snapshot.devices["laptop"]
    panel.show_row(row, step, before, after)
    changed = {panel.state.topLevelItem(i).text(0): panel.state.topLevelItem(i)
               for i in range(panel.state.topLevelItemCount())}
    identity = changed["identity"]
    assert identity.toolTip(0) == "changed"
    assert identity.text(1) == "c•••2 (13 chars)" and identity.text(2) == "c•••1 (13 chars)"
    assert changed["user ID"].toolTip(0) == ""  # the user ID is renewed later, by the tag
    assert any(k.startswith("expects new-user-id") for k in changed)
    items = [panel.fields.topLevelItem(i) for i in range(panel.fields.topLevelItemCount())]
    payload = next(item for item in items if item.text(0) == "payload")
    assert payload.child(1).text(1) == "c•••2 (13 chars)"
    panel.set_reveal(True)
    items = [panel.fields.topLevelItem(i) for i in range(panel.fields.topLevelItemCount())]
    assert next(item for item in items if item.text(0) == "payload").child(1).text(1) == "customer-0002"


def test_details_raw_request_is_hidden_until_revealed(qtbot: QtBot, fed: Inspection) -> None:
    panel = DetailsPanel()
    qtbot.addWidget(panel)
    step = fed.steps[0]  # a pageview hit
    panel.show_row(rows_for_step(0, step)[0], step, None, step.snapshot.devices["laptop"])
    assert panel.raw.toPlainText().startswith("GET https://c.contentsquare.net/pageview")
    assert "hidden" in panel.raw.toPlainText()
    panel.set_reveal(True)
    assert panel.raw.toPlainText() == "GET https://c.contentsquare.net/pageview"


def test_identity_card_marks_the_session_that_restarted_only_from_its_first_event(
        qtbot: QtBot, fed: Inspection) -> None:
    card = IdentityCard()
    qtbot.addWidget(card)

    def session_after(seq: int) -> str:
        index = next(i for i, s in enumerate(fed.steps) if s.envelope.device == "phone" and s.envelope.seq == seq)
        card.set_snapshot(fed.snapshot_at(index), f"#{seq}", "phone")
        return card.session.text()

    assert session_after(16) == "session 1 · page 2"  # the phone's first session goes on: nothing marked
    # #17: the tag lost its user ID, so the session number is 1 again for another user ID.
    assert "↺ restarted at #17 (was session 1, another user ID)" in session_after(17)
    assert "session 1 from #14" in card.session.toolTip() and "session 1 from #17" in card.session.toolTip()
