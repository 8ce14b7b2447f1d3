"""Pure decoders: raw captured facts in, typed model events out. No Qt, no mitmproxy, no I/O."""
