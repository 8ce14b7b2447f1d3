"""The decoders' one documented error."""


class DecodeError(ValueError):
    """Data that a decoder cannot read (bad encoding, truncated compression, not JSON...).

    Decoders raise only this; the pipeline turns it into a note on the event and keeps the raw data.
    """
