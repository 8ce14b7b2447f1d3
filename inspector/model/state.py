"""The reference model's output types: verdicts and immutable state snapshots.

Everything here is frozen, and the model replaces (never mutates) a device's state when an event
changes it, so "the state right after event N" is just a reference kept per event: cheap time travel
for the GUI and exact replays for the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, JsonValue, computed_field

from inspector.model.history import History
from inspector.model.privacy import fill


class Severity(StrEnum):
    VIOLATION = "violation"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse; for sorting and for ``--fail-on``."""
        return {"info": 0, "warning": 1, "violation": 2}[self.value]


class Basis(StrEnum):
    """The kind of evidence a verdict rests on."""

    # The device's events include the observer's reports (commands, results, pages, callbacks).
    OBSERVED = "observed"
    # Network evidence only (a HAR file, a capture without the observer): calls are inferred.
    NETWORK = "network"


class Verdict(BaseModel):
    """One departure from (or note about) the documented behaviour."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: str
    severity: Severity
    time: float
    device: str
    tab: str | None = None
    # The one-line message with its personal values left out: ``{key}`` names the detail that holds
    # one (``messages.py``). Read it through ``message`` or ``text``, never as it is.
    template: str
    fix: str
    # Sequence numbers of the envelopes this verdict rests on, oldest first.
    events: tuple[int, ...] = ()
    # Rule-specific facts (old/new user ID, old/new property value, ...). May hold personal data:
    # views mask it unless the user reveals it.
    details: dict[str, JsonValue] = {}
    # What it rests on: the page's own reports (observer) or the tag's network traffic alone.
    basis: Basis = Basis.OBSERVED

    @computed_field  # type: ignore[prop-decorator]
    @property
    def message(self) -> str:
        """The message with personal values masked: what every output shows by default."""
        return self.text(reveal=False)

    def text(self, reveal: bool) -> str:
        """The message as shown to a reader who did (or did not) reveal personal data."""
        return fill(self.template, self.details, reveal)


class IdentityState(StrEnum):
    """Where a device stands with respect to identity (the rows of the transition table)."""

    ANONYMOUS = "anonymous"
    IDENTIFIED = "identified"


class IdentityCall(StrEnum):
    """An identity command, as the transition table tells them apart."""

    IDENTIFY_SAME = "identify with the current identity"
    IDENTIFY_OTHER = "identify with another identity"  # or with none set yet
    RESET = "resetIdentity"


class ExpectKind(StrEnum):
    """What a transition expects the tag to do (or not do) by a deadline."""

    NEW_USER_ID = "new-user-id"
    RENEWAL_PAGEVIEW = "renewal-pageview"
    # A guard: neither the user ID nor the session may restart.
    NO_RESET = "no-reset"
    # Either outcome is accepted; what happened is reported.
    OUTCOME = "outcome"
    # Network evidence only: a user-ID change no command explains must come with the renewal
    # pageview an unseen identify or resetIdentity sends.
    INFERRED_CALL = "inferred-call"


class ResetReason(StrEnum):
    IDENTITY_CHANGE = "identity-change"
    RESET_IDENTITY = "reset-identity"
    SESSION_EXPIRY = "session-expiry"
    UNEXPLAINED = "unexplained"


@dataclass(frozen=True, slots=True)
class Reset:
    """A point where the user ID or the session restarted."""

    time: float
    seq: int
    reason: ResetReason
    old_user_id: str | None
    new_user_id: str | None


@dataclass(frozen=True, slots=True)
class PropertyChange:
    """One write of a user property key (``had_old`` distinguishes a first write from an overwrite)."""

    key: str
    new: JsonValue
    old: JsonValue = None
    had_old: bool = False
    time: float = 0.0
    seq: int = 0
    page_url: str = ""
    user_id: str | None = None


@dataclass(frozen=True, slots=True)
class Pageview:
    seq: int
    time: float
    page_number: int | None
    pvt: str | None
    url: str | None


@dataclass(frozen=True, slots=True)
class Session:
    user_id: str | None
    number: int | None
    started: float
    first_seq: int
    pageviews: History[Pageview] = field(default_factory=History)
    # What ended the previous session (None for the first one seen).
    reset_before: Reset | None = None


@dataclass(frozen=True, slots=True)
class Expectation:
    """Something the documented behaviour says must happen by ``deadline``."""

    rule: str  # the rule that fires if it does not happen (or, for a guard, if it does)
    kind: ExpectKind
    call: IdentityCall | None  # the command that raised it (None: inferred from the network)
    since_seq: int
    deadline: float
    old_user_id: str | None = None
    # The command was queued before the tag loaded: the clock starts at the device's next hit.
    queued: bool = False
    # The tab of the command that raised it (verdicts judged later are shown there).
    tab: str | None = None
    # The identity right after the command (a user ID that answers it is linked to this identity).
    identity: str | None = None


@dataclass(frozen=True, slots=True)
class KnownUser:
    """A user ID of a recent state of the device: the tag may still send hits built in that state."""

    user_id: str
    # Until when a hit carrying it is late evidence of its state (the current user: for ever).
    until: float = float("inf")
    # The identity call whose expected (or accepted) new user ID this is; None when no call explains it.
    call_seq: int | None = None
    call: IdentityCall | None = None
    # The expectations it answered (kept so a safer attribution can give them back to the call).
    answered: tuple[Expectation, ...] = ()
    # A renewal pageview carrying it has been seen.
    renewal_seen: bool = False
    # Before any renewal of it, a pageview numbered as the page after one (``RENEWAL_COUNTED_AT``),
    # its seq: the tag sent a renewal pageview the capture lacks.
    renewal_counted: int | None = None
    # An observer snapshot taken right after its call showed it (a hit names no call).
    confirmed: bool = False


@dataclass(frozen=True, slots=True)
class DeviceState:
    device: str
    user_id: str | None = None
    identity: str | None = None
    identity_hashed: bool = False
    identified_since: float | None = None
    session_number: int | None = None
    page_number: int | None = None
    # Time of the last pageview or user event (drives the 30-minute session expiry).
    last_activity: float | None = None
    # sn/pn of the last pageview hit: gaps are judged hit to hit (cookies run ahead of hits).
    last_hit_session: int | None = None
    last_hit_page: int | None = None
    last_get_identity: JsonValue = None
    last_reset: Reset | None = None
    # Current properties of the current user (key -> value).
    properties: dict[str, JsonValue] = field(default_factory=dict)
    property_history: History[PropertyChange] = field(default_factory=History)
    # Properties that a user change detached, with the user ID they belonged to.
    detached: History[tuple[str | None, tuple[PropertyChange, ...]]] = field(default_factory=History)
    user_ids: History[str] = field(default_factory=History)
    sessions: History[Session] = field(default_factory=History)
    resets: History[Reset] = field(default_factory=History)
    pending: tuple[Expectation, ...] = ()
    # The current user and those of recent states, oldest first (bounded: ``transitions.RECENT_USERS``).
    recent: tuple[KnownUser, ...] = ()
    # The latest call an observer snapshot was credited to: snapshots come in call order, so the next
    # one can only be of a later call.
    snapshot_call: int = -1
    tabs: tuple[str, ...] = ()

    @property
    def identity_state(self) -> IdentityState:
        return IdentityState.ANONYMOUS if self.identity is None else IdentityState.IDENTIFIED


@dataclass(frozen=True, slots=True)
class GraphLink:
    """An identity seen with a user ID on a device (the cross-device identity graph's edges)."""

    identity: str
    device: str
    user_id: str | None
    first_seq: int
    first_time: float


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The whole model right after one event."""

    seq: int
    time: float
    devices: dict[str, DeviceState]
    graph: History[GraphLink] = field(default_factory=History)
    verdict_count: int = 0
