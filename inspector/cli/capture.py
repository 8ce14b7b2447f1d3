"""``uxa-inspector capture``: the capture proxy without the GUI, writing a recording."""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from inspector.cli.helptext import add_command
from inspector.launch.browser import proxy_flags, trust_flag
from inspector.launch.proxy import ca_fingerprint, default_confdir, start_capture
from inspector.launch.stream_server import StreamServer
from inspector.model.privacy import one_line
from inspector.wire.endpoints import LOOPBACK
from inspector.wire.envelope import Envelope


def register(sub: Any) -> None:
    parser = add_command(
        sub, "capture", summary="run the capture proxy headless and write a recording",
        description="Run the capture proxy without the GUI. Point a browser at the printed address "
                    "(uxa-inspector prints the Chromium flags), browse, then stop with Ctrl-C.",
        examples=["uxa-inspector capture --sink --record capture.jsonl",
                  "uxa-inspector capture --listen-port 8081 --device phone --record phone.jsonl",
                  "uxa-inspector capture --quiet --record ci.jsonl & ... ; kill -TERM %1"],
        exit_codes={0: "stopped by Ctrl-C or SIGTERM, the recording complete",
                    1: "the proxy stopped unexpectedly (its last lines are printed)",
                    2: "the proxy could not start (port taken, confdir not writable, recording "
                       "exists) or a usage error"})
    parser.add_argument("--listen-port", type=int, default=8080, help="proxy port (default 8080)")
    parser.add_argument("--listen-host", default=LOOPBACK,
                        help="address to listen on (default 127.0.0.1; another address exposes the proxy "
                             "to your network: use it only to capture a phone on a trusted LAN)")
    parser.add_argument("--record", type=Path, default=None,
                        help="recording file (JSON lines; default uxa-capture-<time>.jsonl); must not exist")
    parser.add_argument("--sink", action="store_true",
                        help="answer Contentsquare's hosts locally: nothing is sent to the vendor")
    parser.add_argument("--confdir", type=Path, default=None, help="where the proxy keeps its CA")
    parser.add_argument("--device", default="default", help="device name recorded for this proxy")
    parser.add_argument("--quiet", action="store_true",
                        help="no line per command and tag request while capturing")
    parser.set_defaults(func=run)


class Progress:
    """One short line per command and tag request as they arrive; names and hosts only, never the
    values (identities and properties are personal data)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.start = time.monotonic()
        self.lock = threading.Lock()
        self.banner_shown = threading.Event()  # progress lines come after the banner

    def __call__(self, env: Envelope) -> None:
        event = env.event
        if event.kind == "command":
            what = f"command  {event.name or '(not a command)'}"
        elif event.kind == "request":
            url = urlsplit(event.url)
            what = f"request  {event.method} {url.hostname}{url.path}" + (" (sink)" if event.sunk else "")
        elif event.kind in ("notice", "dropped"):
            what = f"{event.kind}   {getattr(event, 'code', '')} {getattr(event, 'count', '')}".rstrip()
        else:
            return
        self.banner_shown.wait(10)
        with self.lock:
            elapsed = time.monotonic() - self.start
            # Command names, hosts and device names come from pages and files: escaped, never raw.
            print(one_line(f"{elapsed:8.1f}s  {env.device:<10} {what}"), file=self.out, flush=True)


def run(args: argparse.Namespace) -> int:
    if not 0 < args.listen_port < 65536:
        print(f"uxa-inspector capture: bad port {args.listen_port}", file=sys.stderr)
        return 2
    record = args.record or Path(f"uxa-capture-{time.strftime('%Y%m%d-%H%M%S')}.jsonl")
    if record.exists() and record.stat().st_size > 0:
        # Appending would mix two captures' numbering in one file: never touch an old recording.
        print(f"uxa-inspector capture: {record} already exists; choose another --record file",
              file=sys.stderr)
        return 2
    confdir = args.confdir or default_confdir()
    # The live stream is the child's lifeline: if this process dies, the proxy notices and stops.
    progress = Progress(sys.stdout)
    server = StreamServer(on_envelope=None if args.quiet else progress).start()
    try:
        process = start_capture(ports={args.listen_port: args.device}, listen_host=args.listen_host,
                                sink=args.sink, journal=record.resolve(), confdir=confdir,
                                stream_port=server.port, token=server.token)
    except RuntimeError as exc:
        server.close()
        print(f"uxa-inspector capture: {exc}", file=sys.stderr)
        return 2
    fingerprint = ca_fingerprint(confdir) or "(not made yet)"
    # A wildcard address is not one a browser can use: show this machine's, and say it is exposed.
    wildcard = args.listen_host in ("0.0.0.0", "::", "")
    address = f"{LOOPBACK if wildcard else args.listen_host}:{args.listen_port}"
    mode = "sink: nothing reaches the vendor" if args.sink else "forward"
    print(f"proxy        http://{address}  ({mode})")
    if args.listen_host != LOOPBACK:
        print(f"exposed      listening on {args.listen_host or 'every interface'}: other machines on "
              "your network can use this proxy while it runs", file=sys.stderr)
    print(f"recording    {record}")
    print(f"CA SPKI      {fingerprint}")
    browser_host = LOOPBACK if wildcard else args.listen_host
    flags = [*proxy_flags(browser_host, args.listen_port), trust_flag(fingerprint)]
    print(f"chromium     {shlex.join(flags)} --user-data-dir=<a new folder>")
    print("Ctrl-C stops the capture.", flush=True)
    progress.banner_shown.set()
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping and process.running():
        time.sleep(0.2)
    crashed = not process.running() and not stopping
    code = process.stop()  # the child writes out its journal before it exits
    server.close()
    if crashed:
        print("uxa-inspector capture: the proxy stopped unexpectedly:\n  " + "\n  ".join(process.tail),
              file=sys.stderr)
        return 1
    lines = sum(1 for _ in record.open(encoding="utf-8")) if record.exists() else 0
    print(f"stopped; {lines} events in {record} (proxy exit {code})")
    return 0
