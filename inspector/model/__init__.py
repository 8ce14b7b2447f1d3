"""The pure core: event types, the wire envelope and the reference state machine.

No Qt, no mitmproxy, no I/O (enforced by import-linter)."""
