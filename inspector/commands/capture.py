"""``uxa-inspector capture``: the capture proxy without the GUI, writing a recording."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path
from typing import Any

from inspector.capture.launcher import LOOPBACK, ca_fingerprint, default_confdir, start_capture


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "capture", help="run the capture proxy headless and write a recording",
        description="Run the capture proxy without the GUI. Point a browser at the printed address "
                    "(uxa-inspector prints the Chromium flags), browse, then stop with Ctrl-C.")
    parser.add_argument("--listen-port", type=int, default=8080, help="proxy port (default 8080)")
    parser.add_argument("--listen-host", default=LOOPBACK,
                        help="address to listen on (default 127.0.0.1; another address exposes the proxy "
                             "to your network: use it only to capture a phone on a trusted LAN)")
    parser.add_argument("--record", type=Path, default=None,
                        help="recording file (JSON lines; default uxa-capture-<time>.jsonl)")
    parser.add_argument("--sink", action="store_true",
                        help="answer Contentsquare's hosts locally: nothing is sent to the vendor")
    parser.add_argument("--confdir", type=Path, default=None, help="where the proxy keeps its CA")
    parser.add_argument("--device", default="default", help="device name recorded for this proxy")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not 0 < args.listen_port < 65536:
        print(f"uxa-inspector capture: bad port {args.listen_port}", file=sys.stderr)
        return 2
    record = args.record or Path(f"uxa-capture-{time.strftime('%Y%m%d-%H%M%S')}.jsonl")
    confdir = args.confdir or default_confdir()
    try:
        process = start_capture(ports={args.listen_port: args.device}, listen_host=args.listen_host,
                                sink=args.sink, journal=record.resolve(), confdir=confdir)
    except RuntimeError as exc:
        print(f"uxa-inspector capture: {exc}", file=sys.stderr)
        return 2
    fingerprint = ca_fingerprint(confdir) or "(not made yet)"
    address = f"{args.listen_host}:{args.listen_port}"
    mode = "sink: nothing reaches the vendor" if args.sink else "forward"
    print(f"proxy        http://{address}  ({mode})")
    print(f"recording    {record}")
    print(f"CA SPKI      {fingerprint}")
    print(f"chromium     --proxy-server=http://{address} --proxy-bypass-list='<-loopback>' "
          f"--ignore-certificate-errors-spki-list={fingerprint} --user-data-dir=<a new folder>")
    print("Ctrl-C stops the capture.", flush=True)
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping and process.running():
        time.sleep(0.2)
    crashed = not process.running() and not stopping
    code = process.stop()
    if crashed:
        print("uxa-inspector capture: the proxy stopped unexpectedly:\n  " + "\n  ".join(process.tail),
              file=sys.stderr)
        return 1
    lines = sum(1 for _ in record.open(encoding="utf-8")) if record.exists() else 0
    print(f"stopped; {lines} events in {record} (proxy exit {code})")
    return 0
