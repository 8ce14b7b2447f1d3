"""The first-run guide: a panel over the timeline saying what to click and what to look at.

Shown on the first launch (until dismissed; Help ▸ Getting started brings it back). When the demo
starts, it turns into the demo's walkthrough: what to do in the demo shop, what each action shows in
the window, and a tick at each step as its events arrive.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QWidget

from inspector.gui.widgets.panels import text_beside_buttons
from inspector.session.engine import Step
from inspector.wire.events import Command, Hit

INTRO_TITLE = "Getting started"
INTRO = (
    "<b>1.</b> <b>Demo</b> (Ctrl+D) runs a shop whose tag misbehaves on purpose, with its own capture "
    "and browser, all on this machine. Or <b>Capture</b> (Ctrl+R), then <b>Launch browser</b> (Ctrl+B) "
    "for your own site; or <b>Open</b> (Ctrl+O) a recording or a HAR file.<br>"
    "<b>2.</b> The <b>timeline</b> gets one row per event, newest at the bottom; red rows are "
    "violations, F8 jumps to the next one.<br>"
    "<b>3.</b> Select a row: the <b>Identity card</b> (right) shows who the device is right after it "
    "(identity, user ID, session · page, last reset), <b>Details</b> (below) what the event carried "
    "and what it changed.<br>"
    "<b>4.</b> The <b>Verdicts</b> tab lists what the tag did wrong, each with its rule and its fix; "
    "double-click one for its evidence, <b>About this rule</b> explains the rule."
)
DEMO_TITLE = "The demo is running: try these in its browser (each is ticked when its events arrive)"
# Each step of the demo: the milestone that ticks it, and what to do and to look at.
DEMO_STEPS: tuple[tuple[str, str], ...] = (
    ("hit", "The shop's product page loads: its pageview hits arrive as rows in the <b>timeline</b>."),
    ("identify", "<i>Account</i> ▸ <i>Sign in</i> with a customer number: an <code>identify</code> row; "
                 "the <b>Identity card</b> shows the identity, masked (Show reveals it)."),
    ("identity-change", "Sign in again with another number: a new identity, so the model expects a "
                        "reset and a new user ID; watch the card's <i>user ID</i> and <i>expecting</i>."),
    ("properties", "<i>Profile</i> ▸ <i>Save</i>: <code>addUserProperties</code>; the <b>User "
                   "properties</b> panel shows each value and what overwrote it."),
    ("reset", "<i>Sign out</i>: <code>resetIdentity</code>; the card's <i>last reset</i> says why."),
    ("verdict", "The <b>Verdicts</b> tab (bottom): what the tag did wrong, each with its fix; select one, "
                "then <i>About this rule</i>."),
)
# The demo walkthrough's marks: a step whose events have arrived, and one still ahead.
STEP_SEEN_MARK = "<span style='color:#27ae60'>✓</span>"
STEP_AHEAD_MARK = "<span style='color:#7f8c8d'>○</span>"


def milestones(steps: Iterable[Step], identities: dict[str, str]) -> set[str]:
    """The demo steps these events show; ``identities`` (device -> last identity seen) is kept across
    calls, so a change of identity is seen even when its two identifies come in different batches."""
    seen: set[str] = set()
    for step in steps:
        event, device = step.envelope.event, step.envelope.device
        if step.verdicts:
            seen.add("verdict")
        if isinstance(event, Hit):
            seen.add("hit")
        if not isinstance(event, Command):
            continue
        if event.name == "addUserProperties":
            seen.add("properties")
        elif event.name == "resetIdentity":
            seen.add("reset")
        elif event.name == "identify":
            seen.add("identify")
            state = step.snapshot.devices.get(device)
            identity = state.identity if state is not None else None
            if identity is not None:
                if identities.get(device, identity) != identity:
                    seen.add("identity-change")
                identities[device] = identity
    return seen


class GuidePanel(QFrame):
    start_demo = Signal()
    start_capture = Signal()
    open_file = Signal()
    dismissed = Signal()  # by the user: not shown at the next launch

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guidePanel")
        self.setStyleSheet("#guidePanel { border: 1px solid palette(mid); border-radius: 4px; }")
        self.following = False  # showing the demo's walkthrough
        self.seen: set[str] = set()
        self._identities: dict[str, str] = {}
        self.title = QLabel()
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.demo_button = QPushButton("▶ Start the demo")
        self.demo_button.clicked.connect(self.start_demo)
        self.capture_button = QPushButton("● Capture")
        self.capture_button.clicked.connect(self.start_capture)
        self.open_button = QPushButton("Open a file…")
        self.open_button.clicked.connect(self.open_file)
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.setToolTip("Hide the guide (Help ▸ Getting started shows it again)")
        self.dismiss_button.setFlat(True)
        self.dismiss_button.clicked.connect(self.dismiss)
        buttons = [self.demo_button, self.capture_button, self.open_button, self.dismiss_button]
        text_beside_buttons(self, [self.title, self.text], buttons).setContentsMargins(8, 4, 8, 4)
        self.show_intro()

    def show_intro(self) -> None:
        self.following = False
        self.title.setText(f"<b>{INTRO_TITLE}</b>")
        self.text.setText(INTRO)
        for button in (self.demo_button, self.capture_button, self.open_button):
            button.setVisible(True)

    def follow_demo(self) -> None:
        """The demo started: its walkthrough, nothing ticked yet."""
        self.following = True
        self.seen = set()
        self._identities = {}
        self.title.setText(f"<b>{DEMO_TITLE}</b>")
        for button in (self.demo_button, self.capture_button, self.open_button):
            button.setVisible(False)
        self._render_demo()

    def saw(self, steps: Iterable[Step]) -> None:
        """New events: tick the demo steps they show."""
        if not self.following:
            return
        new = milestones(steps, self._identities) - self.seen
        if new:
            self.seen |= new
            self._render_demo()

    def done(self) -> list[str]:
        """The demo steps ticked, in the walkthrough's order."""
        return [key for key, _ in DEMO_STEPS if key in self.seen]

    def _render_demo(self) -> None:
        marks = {True: STEP_SEEN_MARK, False: STEP_AHEAD_MARK}
        lines = (f"{marks[key in self.seen]} {text}" for key, text in DEMO_STEPS)
        self.text.setText("<br>".join(lines))

    def dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()
