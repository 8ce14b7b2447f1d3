"""Where the two ends of the live stream meet: loopback addresses only, and the token's variable."""

from __future__ import annotations

# The environment variable that hands the stream token to the capture child (never on its command line,
# where other local users could read it).
TOKEN_ENV = "UXA_INSPECTOR_TOKEN"

# The names and addresses that reach only this machine.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# The one the project listens on and connects to by default.
LOOPBACK = "127.0.0.1"
