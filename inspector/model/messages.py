"""The wording of verdict messages: one line each, as templates. Personal values are not written in:
a template names the verdict's detail that holds one (``{identity}``, ``{old}``...), and each
rendering masks or reveals it (``privacy.fill``); everything else is literal text. Titles and fixes
are in ``rules.py``; which verdict fires is decided by ``transitions.py`` and ``reference.py``.
"""

from __future__ import annotations

from pydantic import JsonValue

from inspector.model.identity_checks import is_foreign
from inspector.model.privacy import literal
from inspector.model.rules import RULES
from inspector.model.state import ExpectKind
from inspector.model.transitions import Observation

# (expectation, observation) -> message; fields: title, old, new (short user IDs), deadline, prev_sn, sn.
EXPECTATION_MESSAGES: dict[tuple[ExpectKind, Observation], str] = {
    (ExpectKind.NEW_USER_ID, Observation.DEADLINE): "{title}: user ID still {old} {deadline:g} s later",
    (ExpectKind.RENEWAL_PAGEVIEW, Observation.DEADLINE): "{title} within {deadline:g} s",
    (ExpectKind.OUTCOME, Observation.DEADLINE): "{title}; the tag kept user ID {old}",
    (ExpectKind.OUTCOME, Observation.NEW_USER_ID): "{title}; the tag renewed the user ID",
    (ExpectKind.NO_RESET, Observation.NEW_USER_ID): "{title}: user ID {old} → {new}",
    (ExpectKind.NO_RESET, Observation.RENEWAL_PAGEVIEW): "{title}: a renewal pageview restarted the session",
    (ExpectKind.NO_RESET, Observation.NEW_SESSION): "{title}: session {prev_sn} → {sn}",
    (ExpectKind.INFERRED_CALL, Observation.RENEWAL_PAGEVIEW):
        "User ID changed {old} → {new} with a renewal pageview: inferred as an identify or resetIdentity "
        "the capture does not show (network evidence only)",
    (ExpectKind.INFERRED_CALL, Observation.DEADLINE):
        "User ID changed {old} → {new} with no identify or resetIdentity seen and no renewal pageview "
        "of the new user within {deadline:g} s",
    (ExpectKind.RENEWAL_PAGEVIEW, Observation.DEADLINE_RENEWAL_COUNTED):
        "{title}: the new user {new} starts at page 2 of session 1, so the tag sent its renewal pageview, "
        "but no such hit reached the capture within {deadline:g} s",
    (ExpectKind.INFERRED_CALL, Observation.DEADLINE_RENEWAL_COUNTED):
        "User ID changed {old} → {new}, and the new user starts at page 2 of session 1: the tag counted a "
        "renewal pageview the capture lacks; inferred as an identify or resetIdentity the capture does "
        "not show (network evidence only)",
}

# An observation no expectation explains.
UNEXPLAINED_MESSAGES: dict[Observation, str] = {
    Observation.NEW_USER_ID: "User ID changed {old} → {new} with no identify or resetIdentity before it",
    Observation.RENEWAL_PAGEVIEW: "{title}",
}

# What an OUTCOME expectation reports, by the observation that closed it.
OUTCOME_WORDS: dict[Observation, str] = {Observation.NEW_USER_ID: "renewed", Observation.DEADLINE: "kept"}


def expectation_message(rule: str, kind: ExpectKind, observation: Observation, *, old: str | None = None,
                        new: str | None = None, deadline: float = 0.0, prev_sn: int | None = None,
                        sn: int | None = None) -> str:
    return literal(EXPECTATION_MESSAGES[(kind, observation)].format(
        title=RULES[rule].title, old=short(old), new=short(new), deadline=deadline, prev_sn=prev_sn, sn=sn))


def renewal_called_back(rule: str, new: str | None, deadline: float) -> str:
    return literal(f"{RULES[rule].title}: the tag's afterPageView callback reported a pageview of the new "
                   f"user {short(new)} on the page of the call, so it sent its renewal pageview, but no "
                   f"such hit reached the capture within {deadline:g} s")


def unexplained_message(rule: str, observation: Observation, *, old: str | None = None,
                        new: str | None = None) -> str:
    return literal(UNEXPLAINED_MESSAGES[observation].format(title=RULES[rule].title, old=short(old),
                                                            new=short(new)))


def command_malformed(payload: JsonValue) -> str:
    return literal(f"{RULES['command-malformed'].title}: got {describe(payload)}")


def command_unknown(name: str) -> str:
    return literal(f"Unknown command '{name[:60]}'")


def identity_finding(reason: str) -> str:
    """Its verdict's ``identity`` detail holds the identity (or the unusable value) it names."""
    return literal(f"{reason[:1].upper()}{reason[1:]}: ") + "{identity}"


def getidentity_returned_raw() -> str:
    """Its verdict's ``returned`` detail holds what getIdentity returned: the identity itself."""
    return literal(f"{RULES['getidentity-returned-raw'].title} (") + "{returned})"


def properties_detached(keys: list[str], user_id: str | None) -> str:
    noun = "property" if len(keys) == 1 else "properties"
    listed = ", ".join(sorted(keys))[:120]
    return literal(f"{len(keys)} user {noun} of user {short(user_id)} detached: {listed}")


def property_not_an_object(arg: JsonValue) -> str:
    return literal(f"{RULES['property-invalid'].title}: argument is {describe(arg)}, not an object")


def property_finding(rule: str, reason: str) -> str:
    return literal(f"{RULES[rule].title}: {reason}")


def property_overwrite(key: str) -> str:
    """Its verdict's ``old`` and ``new`` details hold the two values."""
    return literal(f"Property '{key}' overwritten: ") + "{old} → {new}"


def hit_missing_ids(hit_type: str, missing: list[str]) -> str:
    return literal(f"{hit_type} hit without {', '.join(missing)}")


def page_number_gap(previous: int, page_number: int, session_number: int) -> str:
    what = "repeated" if page_number <= previous else "skipped"
    return literal(f"Page number {what}: {previous} → {page_number} in session {session_number}")


def session_number_jump(previous: int, session_number: int) -> str:
    return literal(f"Session number went {previous} → {session_number} with no reset or expiry")


def short(user_id: str | None) -> str:
    """User IDs are pseudonymous but long: show a prefix, as DevTools does."""
    if user_id is None:
        return "(none)"
    return user_id if len(user_id) <= 10 else f"{user_id[:8]}…"


def describe(value: JsonValue) -> str:
    if isinstance(value, dict) and is_foreign(value):
        return str(value.get("__uxa_type__"))
    if value is None:
        return "nothing"
    return {list: "an array", dict: "an object", str: "a string", bool: "a boolean"}.get(
        type(value), "a number")
