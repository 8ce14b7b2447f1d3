"""``uxa-inspector demo``: the built-in shop through the capture, in a browser or scripted headless."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from inspector.cli.helptext import add_command
from inspector.decode.sources import CaptureFileError, load_capture
from inspector.demo.scenario import FAULT_RULES, masked_step, steps_for
from inspector.demo.session import DemoSession, NoDisplayError
from inspector.launch.browser import BrowserNotFoundError
from inspector.model.privacy import one_line
from inspector.model.state import Severity, Verdict
from inspector.session.store import CaptureStore


def register(sub: Any) -> None:
    parser = add_command(
        sub, "demo", summary="try the inspector on a built-in shop whose tag can misbehave",
        description="Serve a demo shop on localhost, capture it in sink mode (nothing reaches the vendor) "
                    "and open a browser on it. The shop's tag is a tag double, a stand-in for the "
                    "Contentsquare tag, with switchable faults.",
        examples=["uxa-inspector demo --headless",
                  "uxa-inspector demo --headless --fault no-renewal",
                  "uxa-inspector demo --list-faults"],
        exit_codes={0: "headless: each chosen fault was caught, or a clean run stayed clean",
                    1: "headless: a chosen fault was missed, or a clean run gave a violation",
                    2: "the demo could not start (no browser, no display) or a usage error",
                    130: "interrupted"})
    parser.add_argument("--fault", action="append", default=[], choices=sorted(FAULT_RULES), metavar="FAULT",
                        help="switch a fault on (repeatable); see --list-faults")
    parser.add_argument("--list-faults", action="store_true", help="list the faults and the rule each trips")
    parser.add_argument("--headless", action="store_true",
                        help="play the scripted scenario in a headless browser and print the verdicts")
    parser.add_argument("--browser", default=None, help="browser executable or name (chrome, edge, brave)")
    parser.add_argument("--profile", default=None,
                        help="keep the browser profile under this name (default: a fresh visitor)")
    parser.add_argument("--record", type=Path, default=None, help="also keep the recording in this file")
    parser.set_defaults(func=run)


def _stop_on_sigterm() -> None:
    """SIGTERM ends the demo like Ctrl-C does, so the browser and the capture are stopped too."""
    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupt)


def run(args: argparse.Namespace) -> int:
    if args.list_faults:
        for fault, rule in FAULT_RULES.items():
            print(f"{fault:22} -> {rule}")
        return 0
    session = DemoSession(faults=tuple(args.fault), headless=True if args.headless else None,
                          journal=args.record.resolve() if args.record else None, browser_path=args.browser,
                          profile_name=args.profile, open_browser=not args.headless)
    _stop_on_sigterm()
    try:
        session.start()
    except (NoDisplayError, BrowserNotFoundError, ValueError, RuntimeError) as exc:
        print(f"uxa-inspector demo: {exc}", file=sys.stderr)
        return 2
    try:
        return _scripted(session, args.fault) if args.headless else _interactive(session)
    except KeyboardInterrupt:
        return 130
    except (BrowserNotFoundError, RuntimeError, TimeoutError) as exc:
        print(f"uxa-inspector demo: {exc}", file=sys.stderr)
        return 2
    finally:
        session.stop()


def _interactive(session: DemoSession) -> int:
    print(f"demo shop    {session.start_url}")
    print(f"proxy        http://{session.proxy_address}  (sink: nothing reaches the vendor)")
    print(f"recording    {session.journal}")
    print("Browse the shop (sign in, change the profile, sign out); close the browser or press Ctrl-C to "
          "end and see the verdicts.", flush=True)
    try:
        while session.running():
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    session.stop()
    return _print_verdicts(session, [])


def _scripted(session: DemoSession, faults: list[str]) -> int:
    # Identities and property values are personal data even in a demo: the steps are shown without them.
    steps = [masked_step(step) for step in steps_for(faults)]
    print(f"scenario     {', '.join(steps)}")
    print(f"faults       {', '.join(faults) or 'none'}", flush=True)
    log = session.play_scenario()
    session.wait_for_journal(sum(1 for entry in log if entry.get("kind") == "command"))
    session.stop()  # the capture finishes its journal
    return _print_verdicts(session, faults)


def _print_verdicts(session: DemoSession, faults: list[str]) -> int:
    if session.journal is None or not session.journal.exists() or not session.journal.stat().st_size:
        print("no traffic was recorded")
        return 1
    try:
        loaded = load_capture(session.journal)
    except CaptureFileError as exc:
        print(f"uxa-inspector demo: {exc}", file=sys.stderr)
        return 2
    store = CaptureStore()
    for raw in loaded.envelopes:
        store.feed(raw)
    store.finish()
    print(f"recorded     {len(loaded.envelopes)} events in {session.journal}")
    for verdict in store.verdicts:
        print(one_line(_line(verdict)))
    if not store.verdicts:
        print("verdicts     none")
    fired = set(store.rule_counts)
    if not faults:
        return 1 if store.severity_counts[Severity.VIOLATION] else 0
    missed = [f for f in faults if FAULT_RULES[f] not in fired]
    for fault in faults:
        print(f"fault {fault}: {FAULT_RULES[fault]} {'caught' if fault not in missed else 'NOT caught'}")
    return 1 if missed else 0


def _line(verdict: Verdict) -> str:
    # Verdict messages are masked by the model; details (raw values) are never printed here.
    return f"{verdict.severity.value:9} {verdict.rule:32} {verdict.message}"
