"""Raw captured facts to decoded observations: the one entry point the engine calls."""

from __future__ import annotations

from inspector.model.wire import Envelope


def decode_envelope(envelope: Envelope) -> Envelope:
    """Return the envelope with a raw ``request`` turned into a ``hit`` and a raw ``storage`` into
    ``cookies`` (same seq, time, device and tab); other events come back unchanged.

    Never raises on what a site or the tag sent: undecodable input becomes a hit of type ``other``
    with notes, keeping the raw request.
    """
    return envelope
