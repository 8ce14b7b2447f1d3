"""A device's identity story, one ``Moment`` per point of it: commands, user ID changes, sessions,
renewal pageviews. Derived from the decoded event and the model's states before and after it
(structured facts, never display text), for the timeline of reports and for ``diff``."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import JsonValue

from inspector.model.identity_checks import identify_args
from inspector.model.state import DeviceState
from inspector.wire.envelope import Envelope
from inspector.wire.events import Command, Hit, PageviewType, Result

IDENTITY_COMMANDS = frozenset({"identify", "resetIdentity", "getIdentity", "addUserProperties"})


@dataclass(frozen=True, slots=True)
class Moment:
    """One point of a device's identity story (a command, a user ID change, a session, a renewal)."""

    device: str
    seq: int
    time: float
    tab: str | None
    what: str  # identify | resetIdentity | getIdentity | addUserProperties | user-id | session | renewal
    text: str  # what happened, without personal data
    value: JsonValue = None  # the personal part (identity, properties, returned hash), masked when shown
    has_value: bool = False
    # The user IDs involved (old then new for a change) and why, for comparisons that ignore the text.
    users: tuple[str | None, ...] = ()
    reason: str = ""
    hashed: bool = False  # identify with {hash: true}


def moments_of(env: Envelope, old: DeviceState | None, new: DeviceState) -> list[Moment]:
    """The moments one decoded event adds to its device's story."""
    event = env.event
    if old is not None and (new.user_id == old.user_id or new.user_id is None) \
            and len(new.sessions) <= len(old.sessions) and not _may_tell(event, old, new):
        return []  # most events: nothing of the identity story happened
    out: list[Moment] = []

    def add(what: str, text: str, value: JsonValue = None, has_value: bool = False,
            users: tuple[str | None, ...] = (), reason: str = "", hashed: bool = False) -> None:
        out.append(Moment(env.device, env.seq, env.time, env.tab, what, text, value, has_value,
                          users, reason, hashed))

    if isinstance(event, Command) and event.name in IDENTITY_COMMANDS:
        args = event.args
        if event.name == "identify":
            call = identify_args(args)
            add("identify", "identify" + (" {hash: true}" if call.hashed else ""), call.value, call.given,
                hashed=call.hashed)
        elif event.name == "addUserProperties":
            add("addUserProperties", "addUserProperties", args[0] if args else None, bool(args))
        else:
            add(event.name, event.name)
    elif isinstance(event, Result) and event.name == "getIdentity" and event.has_return:
        add("getIdentity", "getIdentity returned", event.returned, True)
    elif (isinstance(event, Hit) and new.identity is not None
          and (old is None or old.identity != new.identity)):
        # HAR files have no commands: identity hits stand in, so the change shows here.
        add("identify", f"identity from a {event.hit_type.value} hit", new.identity, True)
    previous_user = old.user_id if old is not None else None
    if new.user_id != previous_user and new.user_id is not None:
        grew = old is None or len(new.resets) > len(old.resets)
        if previous_user is None:
            add("user-id", f"user ID {new.user_id} first seen", users=(new.user_id,), reason="first seen")
        elif grew and new.last_reset is not None:
            reason = new.last_reset.reason.value
            add("user-id", f"user ID {previous_user} → {new.user_id} ({reason})",
                users=(previous_user, new.user_id), reason=reason)
    old_sessions = len(old.sessions) if old is not None else 0
    if len(new.sessions) > old_sessions:
        session = new.sessions[-1]
        reason = session.reset_before.reason.value if session.reset_before else "first seen"
        add("session", f"session {session.number if session.number is not None else '?'} "
                       f"of user {session.user_id} ({reason})", users=(session.user_id,), reason=reason)
    if isinstance(event, Hit) and event.pvt == PageviewType.RENEWAL:
        add("renewal", f"renewal pageview (uu {event.uu}, sn {event.sn}, pn {event.pn})", users=(event.uu,))
    return out


def _may_tell(event: object, old: DeviceState, new: DeviceState) -> bool:
    """Whether the event itself may be a moment, whatever its device's user and sessions did."""
    if isinstance(event, Hit):
        return event.pvt == PageviewType.RENEWAL or new.identity not in (None, old.identity)
    if isinstance(event, Command):
        return event.name in IDENTITY_COMMANDS
    return isinstance(event, Result) and event.name == "getIdentity" and event.has_return
