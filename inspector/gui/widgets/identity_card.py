"""The identity card: "who am I now" for one device, as of the selected event (or the newest).

The identity is masked until the user presses Show (or reveals personal data globally). A session that
follows another on the device is marked: a session number going back (a new user ID, an expiry, a
tag that lost its cookie) is what a tester looks for.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector.gui.models.rows import short_id
from inspector.gui.models.state_view import reset_text
from inspector.model.privacy import show
from inspector.model.state import DeviceState, Snapshot
from inspector.report.timefmt import time_of_day


class IdentityCard(QWidget):

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.snapshot: Snapshot | None = None
        self.device: str | None = None
        self.reveal_all = False
        self.as_of = ""  # "" for the newest state, else a description of the selected event

        self.devices = QComboBox()
        self.devices.setToolTip("Device (browser profile) to show")
        self.devices.currentTextChanged.connect(self._on_device)
        self.when = QLabel()
        self.when.setObjectName("identityWhen")
        self.when.setStyleSheet("color: palette(placeholder-text);")

        # Not wrapped: a wrapped label in a form gets too little height and its lines overlap.
        self.identity = QLabel()
        self.identity.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_button = QPushButton("Show")
        self.show_button.setCheckable(True)
        self.show_button.setToolTip("Show the identity in clear (personal data)")
        self.show_button.toggled.connect(self._refresh)
        self.show_button.setFlat(True)
        identity_row = QHBoxLayout()
        identity_row.setContentsMargins(0, 0, 0, 0)
        identity_row.addWidget(self.identity, 1)
        identity_row.addWidget(self.show_button)

        self.user_id = QLabel()
        self.user_id.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.session = QLabel()
        self.session.setWordWrap(True)
        self.since = QLabel()
        self.get_identity = QLabel()
        self.reset_badge = QLabel()
        self.reset_badge.setWordWrap(True)
        self.pending = QLabel()
        self.pending.setWordWrap(True)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("identity", identity_row)
        form.addRow("user ID", self.user_id)
        form.addRow("session · page", self.session)
        form.addRow("identified since", self.since)
        form.addRow("getIdentity", self.get_identity)
        form.addRow("last reset", self.reset_badge)
        form.addRow("expecting", self.pending)

        top = QHBoxLayout()
        top.addWidget(self.devices, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.when)
        layout.addLayout(form)
        layout.addStretch(1)
        self._refresh()

    # ------------------------------------------------------------------ inputs

    def set_snapshot(self, snapshot: Snapshot | None, as_of: str = "", device: str | None = None) -> None:
        self.snapshot = snapshot
        self.as_of = as_of
        names = list(snapshot.devices) if snapshot else []
        if names != [self.devices.itemText(i) for i in range(self.devices.count())]:
            self.devices.blockSignals(True)
            self.devices.clear()
            self.devices.addItems(names)
            self.devices.blockSignals(False)
        wanted = device if device in names else self.device if self.device in names else (
            names[0] if names else None)
        self.device = wanted
        if wanted is not None:
            self.devices.blockSignals(True)
            self.devices.setCurrentText(wanted)
            self.devices.blockSignals(False)
        self._refresh()

    def set_reveal(self, reveal: bool) -> None:
        self.reveal_all = reveal
        self._refresh()

    def state(self) -> DeviceState | None:
        if self.snapshot is None or self.device is None:
            return None
        return self.snapshot.devices.get(self.device)

    def _on_device(self, name: str) -> None:
        self.device = name or None
        self._refresh()

    # ------------------------------------------------------------------ rendering

    def _refresh(self) -> None:
        state = self.state()
        reveal = self.reveal_all or self.show_button.isChecked()
        self.show_button.setText("Hide" if self.show_button.isChecked() else "Show")
        if state is None:
            self.when.setText("No device yet: start a capture or open a recording.")
            for label in (self.identity, self.user_id, self.session, self.since, self.get_identity,
                          self.reset_badge, self.pending):
                label.setText("—")
            self.show_button.setEnabled(False)
            return
        self.when.setText(f"State after {self.as_of}" if self.as_of else "Newest state (following live)")
        if state.identity is None:
            self.identity.setText("anonymous")
            self.show_button.setEnabled(False)
        else:
            hashed = "<br>(hashed by the page)" if state.identity_hashed else ""
            self.identity.setText(f"<b>{_html(show(state.identity, reveal))}</b>{hashed}")
            self.show_button.setEnabled(not self.reveal_all)
        self.user_id.setText(short_id(state.user_id, 23))
        seen = len(state.user_ids)
        self.user_id.setToolTip(f"{state.user_id or 'none'}\n{seen} user IDs seen on this device")
        self.session.setText(session_text(state))
        self.session.setToolTip(session_history(state))
        self.since.setText(time_of_day(state.identified_since))
        self.get_identity.setText("—" if state.last_get_identity is None
                                  else show(state.last_get_identity, reveal))
        if state.last_reset is None:
            self.reset_badge.setText("none")
        else:
            self.reset_badge.setText(
                f"<span style='background:#c0392b;color:white;border-radius:3px;padding:1px 4px'>"
                f"&nbsp;↺ {len(state.resets)}&nbsp;</span> {_html(reset_text(state.last_reset))}")
        if state.pending:
            waits = (f"{_html(p.kind.value)} by {time_of_day(p.deadline)}" for p in state.pending)
            self.pending.setText("<br>".join(waits))
        else:
            self.pending.setText("nothing")


# A session number that went back (or started again at the same number) and one that went on.
RESTART_COLOR, NEXT_COLOR = "#d35400", "#2e86c1"


def session_text(state: DeviceState) -> str:
    """ "session N · page M", with a badge when this session follows another one on the device."""
    sn = "—" if state.session_number is None else str(state.session_number)
    pn = "—" if state.page_number is None else str(state.page_number)
    text = f"session {sn} · page {pn}"
    if len(state.sessions) < 2:
        return text
    current, previous = state.sessions[-1], state.sessions[-2]
    other_user = ", another user ID" if current.user_id != previous.user_id else ""
    went_back = current.number is not None and previous.number is not None and (
        current.number <= previous.number)
    if went_back:
        badge = f"↺ restarted at #{current.first_seq} (was session {previous.number}{other_user})"
    else:
        badge = f"new session at #{current.first_seq} (was {previous.number}{other_user})"
    color = RESTART_COLOR if went_back else NEXT_COLOR
    return (f"{text}<br><span style='background:{color};color:white;border-radius:3px;padding:1px 4px'>"
            f"&nbsp;{badge}&nbsp;</span>")


def session_history(state: DeviceState) -> str:
    """Every session seen on the device, for the tooltip."""
    return "\n".join(f"session {s.number if s.number is not None else '—'} from #{s.first_seq}"
                     f" ({len(s.pageviews)} pageviews)" for s in state.sessions) or "no pageview yet"


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
