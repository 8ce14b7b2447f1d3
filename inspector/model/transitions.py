"""The reference model's protocol, as tables: what each identity command expects, and how what is
observed afterwards meets those expectations.

``reference.py`` applies these tables and nothing else decides a transition; ``messages.py`` words
the verdicts. Rule ids are those of ``rules.py`` (the public contract of design/reference-model.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from inspector.model.state import ExpectKind, IdentityCall, IdentityState, ResetReason

ANONYMOUS, IDENTIFIED = IdentityState.ANONYMOUS, IdentityState.IDENTIFIED
SAME, OTHER, RESET = IdentityCall.IDENTIFY_SAME, IdentityCall.IDENTIFY_OTHER, IdentityCall.RESET
NEW_USER_ID, RENEWAL = ExpectKind.NEW_USER_ID, ExpectKind.RENEWAL_PAGEVIEW
NO_RESET, OUTCOME, INFERRED = ExpectKind.NO_RESET, ExpectKind.OUTCOME, ExpectKind.INFERRED_CALL


class IdentityAfter(StrEnum):
    KEPT = "kept"  # the identity does not change
    SET = "set"  # the call's identity
    CLEARED = "cleared"  # none


@dataclass(frozen=True, slots=True)
class Expect:
    kind: ExpectKind
    rule: str  # fired if it is broken (for NO_RESET and OUTCOME: reported as the table below says)


@dataclass(frozen=True, slots=True)
class Transition:
    identity: IdentityAfter
    expects: tuple[Expect, ...] = ()
    # The previous user's properties are detached by the call itself (the tag starts a new user).
    detach_properties: bool = False

    def expects_new_user(self) -> bool:
        return any(e.kind is NEW_USER_ID for e in self.expects)


# --------------------------------------------------------------------------- commands

# (state before, call) -> what the documented behaviour expects. The one ambiguity of the sources,
# resetIdentity on an anonymous user (vendor web page: always resets; mobile SDK and Heap: no-op), is
# decided here: both outcomes are accepted and the outcome is reported (`reset-identity-anonymous`).
# (anonymous, identify with the current identity) cannot happen: there is no current identity.
_SET, _KEPT, _CLEARED = IdentityAfter.SET, IdentityAfter.KEPT, IdentityAfter.CLEARED
_DETACH = True

TRANSITIONS: dict[tuple[IdentityState, IdentityCall], Transition] = {
    # (state before, call): Transition(identity after, (expected by the deadline, ...), detach properties)
    (ANONYMOUS, OTHER):  Transition(_SET, (Expect(NO_RESET, "unexpected-reset-first-identify"),)),
    (IDENTIFIED, SAME):  Transition(_KEPT, (Expect(NO_RESET, "unexpected-reset-same-identity"),)),
    (IDENTIFIED, OTHER): Transition(_SET, (Expect(NEW_USER_ID, "identity-change-reset-missing"),
                                           Expect(RENEWAL, "renewal-pageview-missing")), _DETACH),
    (IDENTIFIED, RESET): Transition(_CLEARED, (Expect(NEW_USER_ID, "reset-identity-no-new-user"),), _DETACH),
    (ANONYMOUS, RESET):  Transition(_KEPT, (Expect(OUTCOME, "reset-identity-anonymous"),)),
}

# Why the user restarted when a call's expected (or accepted) new user ID shows up; a change that
# breaks a guard or that nothing expected is `ResetReason.UNEXPLAINED`.
RESET_REASON: dict[IdentityCall, ResetReason] = {
    OTHER: ResetReason.IDENTITY_CHANGE,
    RESET: ResetReason.RESET_IDENTITY,
}


# --------------------------------------------------------------------------- observations


class Observation(StrEnum):
    NEW_USER_ID = "a user ID other than the current one"
    RENEWAL_PAGEVIEW = "a renewal pageview"
    NEW_SESSION = "a pageview with another session number"
    DEADLINE = "the deadline passed"
    # The new user's pages count a renewal pageview no hit showed (``RENEWAL_COUNTED_AT``): the tag
    # sent it, and the browser or the recorder lost it (a reload right after the call cancels it).
    DEADLINE_RENEWAL_COUNTED = "the deadline passed, with a renewal pageview counted but not captured"


class Outcome(StrEnum):
    MET = "met"  # answered: closed, silently
    REPORTED = "reported"  # answered: closed, and its (info) rule reports what happened
    BROKEN = "broken"  # its rule fires, and it closes
    TOLERATED = "tolerated"  # the observation is accepted; the expectation stays open


# (expectation, observation) -> outcome. A pair not listed: that expectation does not answer it.
MEETS: dict[tuple[ExpectKind, Observation], Outcome] = {
    (NEW_USER_ID, Observation.NEW_USER_ID): Outcome.MET,
    (NEW_USER_ID, Observation.DEADLINE): Outcome.BROKEN,
    (RENEWAL, Observation.RENEWAL_PAGEVIEW): Outcome.MET,
    (RENEWAL, Observation.DEADLINE): Outcome.BROKEN,
    (NO_RESET, Observation.NEW_USER_ID): Outcome.BROKEN,
    (NO_RESET, Observation.RENEWAL_PAGEVIEW): Outcome.BROKEN,
    (NO_RESET, Observation.NEW_SESSION): Outcome.BROKEN,
    (NO_RESET, Observation.DEADLINE): Outcome.MET,
    (OUTCOME, Observation.NEW_USER_ID): Outcome.REPORTED,  # the tag renewed the user
    (OUTCOME, Observation.RENEWAL_PAGEVIEW): Outcome.TOLERATED,  # restarting is an accepted outcome
    (OUTCOME, Observation.DEADLINE): Outcome.REPORTED,  # the tag kept the user
    (INFERRED, Observation.RENEWAL_PAGEVIEW): Outcome.REPORTED,  # an unseen call, reported as inferred
    (INFERRED, Observation.DEADLINE): Outcome.BROKEN,  # no renewal: the change stays unexpected
    (RENEWAL, Observation.DEADLINE_RENEWAL_COUNTED): Outcome.REPORTED,  # sent, lost on the way
    (INFERRED, Observation.DEADLINE_RENEWAL_COUNTED): Outcome.REPORTED,  # an unseen call, its renewal lost
}

# The rule an answered expectation reports, where it is not the rule it fires when broken.
REPORTS: dict[ExpectKind, str] = {INFERRED: "user-id-change-inferred",
                                  RENEWAL: "renewal-pageview-not-captured"}

# Which open expectations an observation goes to, first match wins: those it answers (MET or
# REPORTED), else a guard it breaks, else one that tolerates it; with none, it is unexplained.
PRECEDENCE: tuple[frozenset[Outcome], ...] = (
    frozenset({Outcome.MET, Outcome.REPORTED}), frozenset({Outcome.BROKEN}), frozenset({Outcome.TOLERATED}),
)


class Answers(StrEnum):
    EARLIEST_CALL = "the expectations of the earliest call that has some"
    USERS_CALL = "the expectations of the call whose new user ID the hit carries"
    EVERY_CALL = "every open expectation"


# Which calls one observation answers (deadlines judge each expectation on its own). Evidence arrives
# late: hits and cookie snapshots reach the model after later commands, so expectations are met in
# the order the calls were made, and a hit answers the state that built it, never a newer one.
ANSWERS: dict[Observation, Answers] = {
    # One new user ID answers one call: the earliest waiting for one.
    Observation.NEW_USER_ID: Answers.EARLIEST_CALL,
    # A renewal pageview answers the call that started its user (or, if the tag renewed nothing, the
    # earliest call that expects a renewal from the user it carries).
    Observation.RENEWAL_PAGEVIEW: Answers.USERS_CALL,
    Observation.NEW_SESSION: Answers.EVERY_CALL,
}

# A reset that no call expects breaks the guard of one call: the latest that still has one. Guards
# stay open to their deadline (a lagging hit may still break them), so several can be open; which of
# them misbehaved the network cannot say, and a page that calls identify twice in a row most often
# sees the second call reset (as the tag double's faults do).
BROKEN_GUARD = max

# An observer cookie snapshot taken right after a command names it (trigger "command:<name>") and
# snapshots come in call order: a new user ID it shows answers the earliest open call of that name
# made after the previous snapshot's call, and takes back a user ID that a hit (which names no call)
# had credited to a call of another name.
TRIGGER_CALLS: dict[str, frozenset[IdentityCall]] = {
    "command:identify": frozenset({SAME, OTHER}),
    "command:resetIdentity": frozenset({RESET}),
}

# How many recent users a device keeps, whatever their deadlines (a page that changes identity in a
# loop must not grow memory): beyond this, the oldest one's late hits read as a change back.
RECENT_USERS = 32

# An observation no open expectation takes: the rule it breaks (None: not judged here; session
# numbers are judged hit to hit). A renewal pageview is first the answer of its user's call, then
# accepted as the first renewal of a user a call started, then breaks an open guard, then is
# tolerated by an open outcome, then starts a session after expiry; only then is it unexplained.
UNEXPLAINED: dict[Observation, str | None] = {
    Observation.NEW_USER_ID: "unexpected-user-id-change",
    Observation.RENEWAL_PAGEVIEW: "renewal-pageview-unexpected",
    Observation.NEW_SESSION: None,
}

# A user-ID change detaches the previous user's properties, unless it answers a call whose transition
# detached them already (MET: an expected renewal).
DETACHES_ON_USER_CHANGE: frozenset[Outcome] = frozenset({Outcome.REPORTED, Outcome.BROKEN})


# --------------------------------------------------------------------------- network evidence only

# When a device's events hold none of the observer's reports (kinds below), its commands cannot be
# seen: a user-ID change no command explains waits for the renewal pageview an unseen identify or
# resetIdentity sends (pvt renewal, starting session 1 at page 1) and is then reported as inferred.
OBSERVER_KINDS = frozenset({"command", "result", "callback", "page"})
INFERRED_CHANGE = Expect(INFERRED, "unexpected-user-id-change")
RENEWAL_STARTS = (1, 1)  # (sn, pn) of the renewal pageview of a new user
# (sn, pn) of the page after it. A new user's pageview numbered so, with no renewal of that user seen
# before it, shows the tag counted (so built and sent) a renewal the capture lacks: an image request
# the browser cancels as the page reloads right after identify, or a hit a recorder left out. Another
# first number (page 1: no renewal was ever counted) leaves the change unexplained.
RENEWAL_COUNTED_AT = (1, 2)
