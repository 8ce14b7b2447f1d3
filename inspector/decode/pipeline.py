"""Raw captured facts to decoded observations: the one entry point the engine calls."""

from __future__ import annotations

from inspector.decode.cookies import decode_tag_cookies, ids_from_cookies
from inspector.decode.requests import decode_request
from inspector.wire.envelope import Envelope
from inspector.wire.events import Cookies, Hit, HitType, Request, Storage


def decode_storage(storage: Storage) -> Cookies:
    fields, notes = decode_tag_cookies(storage.cookies)
    user_id, session, page = ids_from_cookies(fields)
    return Cookies(user_id=user_id, session_number=session, page_number=page, fields=fields,
                   notes=tuple(notes), storage=storage)


def decode_envelope(envelope: Envelope) -> Envelope:
    """Return the envelope with a raw ``request`` turned into a ``hit`` and a raw ``storage`` into
    ``cookies`` (same seq, time, device and tab); other events come back unchanged.

    Never raises on what a site or the tag sent: undecodable input becomes a hit of type ``other``
    (or cookies without fields) with notes, keeping the raw fact.
    """
    # ``type(...) is``: an ``isinstance`` that fails costs a Python-level call on pydantic classes,
    # twice per event here (the event classes are never subclassed).
    event = envelope.event
    if type(event) is Request:
        return envelope.model_copy(update={"event": _guarded_request(event)})
    if type(event) is Storage:
        return envelope.model_copy(update={"event": _guarded_storage(event)})
    return envelope


# The decoders are written not to raise; these guards are the last line, as in mitmproxy's content
# views, where one failing decoder never breaks the flow: a decoder bug costs one event's fields,
# never the capture.
def _guarded_request(request: Request) -> Hit:
    try:
        return decode_request(request)
    except Exception as exc:
        return Hit(hit_type=HitType.OTHER, host="", path="", method=request.method,
                   notes=(f"decoder failed ({type(exc).__name__}: {str(exc)[:200]}), kept raw",),
                   request=request)


def _guarded_storage(storage: Storage) -> Cookies:
    try:
        return decode_storage(storage)
    except Exception as exc:
        return Cookies(notes=(f"decoder failed ({type(exc).__name__}: {str(exc)[:200]}), kept raw",),
                       storage=storage)
