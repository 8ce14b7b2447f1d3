"""A stand-in capture child speaking the real protocol over the real socket (the real mitmdump child
is driven by the e2e tests): it sends the recording it is given, then waits or crashes."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from inspector.gui.controller import Partners
from inspector.gui.live.connection import CaptureCommand
from inspector.gui.settings import Settings

SCRIPT = textwrap.dedent("""
    import json, socket, sys, time
    port, token, path, then = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall((json.dumps({"hello": "uxa-inspector", "v": 1, "token": token, "pid": 77}) + "\\n").encode())
    s.sendall(open(path, "rb").read())
    print("sent everything", flush=True)
    if then == "crash":
        print("Traceback: proxy exploded", file=sys.stderr, flush=True)
        sys.exit(70)
    time.sleep(60)
""")


class FakeChild:
    """A capture command builder; ``then`` ("wait" or "crash") may change between starts."""

    def __init__(self, recording: Path, then: str = "wait") -> None:
        self.recording, self.then = recording, then

    def __call__(self, settings: Settings, port: int, token: str, journal: Path,
                 devices: dict[int, str] | None = None) -> CaptureCommand:
        return self.command_for(port, token, journal)

    def command_for(self, port: int, token: str, journal: Path) -> CaptureCommand:
        return CaptureCommand(sys.executable, ["-c", SCRIPT, str(port), token, str(self.recording), self.then],
                              "127.0.0.1:8080")

    def partners(self, **others: object) -> Partners:
        return Partners(capture_command=self, **others)  # type: ignore[arg-type]
