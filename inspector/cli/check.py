"""``uxa-inspector check FILE...``: judge recordings and HAR files headlessly (for CI and support)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from inspector.cli.helptext import add_command
from inspector.cli.progress import Bars, add_progress_arguments, bars
from inspector.model.state import Severity
from inspector.report.capture import InputFile, JudgedWhileRead
from inspector.report.check import CheckRun, check_document, run_check
from inspector.report.files import write_replacing

FORMATS = ("text", "json", "junit", "html")
NOTES = """\
Several files are one capture: their events are merged in time order and each device is kept apart,
which is what cross-device checks need (for example a laptop recording and a phone HAR file of the
same person). A HAR file has no device name of its own: name each with --device, once per HAR file,
in the order the HAR files are given (recordings keep the device names they were recorded with).
"""


def add_capture_arguments(parser: argparse.ArgumentParser, several: bool = True) -> None:
    """The options every command reading captures shares."""
    if several:
        parser.add_argument("files", nargs="+", metavar="FILE", type=Path,
                            help="recordings (.jsonl, JSON lines of envelopes) or HAR files (.har)")
    parser.add_argument("--device", action="append", default=[], metavar="NAME",
                        help="device name for each HAR file, in the order of the HAR files "
                             "(repeatable); recordings keep their own device names")
    parser.add_argument("--deadline", type=_seconds, default=10.0, metavar="SECONDS",
                        help="time the tag has to renew the user ID or send the renewal pageview "
                             "(default: 10)")
    add_progress_arguments(parser)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        subparsers, "check",
        summary="check recordings and HAR files against the documented identify behaviour",
        description="Decode recordings and HAR files, run the reference model, and report verdicts.",
        examples=["uxa-inspector check capture.jsonl",
                  "uxa-inspector check laptop.jsonl phone.har --device phone --format junit -o report.xml",
                  "uxa-inspector check customer.har --fail-on warning --format json | jq .summary"],
        exit_codes={0: "no verdict reaches the --fail-on level",
                    1: "a verdict reaches it",
                    2: "an input could not be read, or was read only in part (lines or entries skipped: "
                       "the rest is still checked and reported, but a partial check is never passed), "
                       "or a usage error"},
        notes=NOTES)
    add_capture_arguments(parser)
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="output format (default: text); json is a stable contract "
                             "(schema uxa-inspector/check/1)")
    parser.add_argument("--fail-on", choices=("violation", "warning"), default="violation",
                        help="lowest severity that makes the check fail (default: violation)")
    parser.add_argument("--reveal", action="store_true",
                        help="show identities and property values instead of masking them")
    parser.add_argument("--all", action="store_true",
                        help="text: list every occurrence of each rule (default: the first 3 of each)")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE",
                        help="write the result to FILE instead of standard output")
    parser.set_defaults(func=run)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value < 86_400 * 365:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds: {text!r}")
    return value


def load_inputs(files: Sequence[Path], devices: Sequence[str], command: str,
                bars: Bars | None = None, judge_alone: float | None = None) -> list[InputFile]:
    """Load every file; one that cannot be read is reported on stderr (one line) and kept as unreadable.

    ``judge_alone`` (a deadline) is for a caller that will judge each file by itself (one file given,
    or ``diff``): each recording is then judged as it is read, so its lines are parsed once."""
    from inspector.decode.sources import CaptureFileError, load_capture

    names = list(devices)
    out: list[InputFile] = []
    for path in files:
        early = JudgedWhileRead(judge_alone) if judge_alone is not None else None
        try:
            # Compact: none is kept as an object (each event is parsed once more if judged later).
            loaded = load_capture(path, on_read=bars.reading(path) if bars else None, compact=True,
                                  on_envelope=early.feed if early is not None else None)
        except CaptureFileError as exc:
            problem = str(exc)
        except OSError as exc:  # the loader's guard is the rule; this keeps one bad path from a traceback
            problem = exc.strerror or str(exc)
        else:
            envelopes = loaded.envelopes
            if loaded.kind == "har" and names:
                name = names.pop(0)
                envelopes = tuple(env.model_copy(update={"device": name}) for env in envelopes)
            judged = early.of(envelopes) if early is not None and loaded.streamed else None
            out.append(InputFile(str(path), loaded.kind, envelopes, tuple(loaded.errors),
                                 skipped=loaded.skipped, judged=judged))
            for error in loaded.errors:
                print(f"uxa-inspector {command}: {path}: {error}", file=sys.stderr)
            continue
        print(f"uxa-inspector {command}: {path}: {_without_path(problem, path)}", file=sys.stderr)
        out.append(InputFile(str(path), fatal=_without_path(problem, path)))
    if names:
        print(f"uxa-inspector {command}: warning: more --device names than HAR files; "
              f"unused: {', '.join(names)}", file=sys.stderr)
    return out


def _without_path(problem: str, path: Path) -> str:
    """The loader may name the file itself; we already do."""
    for prefix in (f"{path}: ", f"{path.name}: "):
        if problem.startswith(prefix):
            return problem[len(prefix):]
    return problem


def write_output(text: str | bytes, output: Path | None, command: str) -> bool:
    """Write to the file (or stdout); on failure say why in one line and return False."""
    if output is None:
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
        else:
            sys.stdout.write(text)
        sys.stdout.flush()
        return True
    try:
        write_replacing(output, text)
    except OSError as exc:
        print(f"uxa-inspector {command}: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return False
    return True


def nothing_readable(inputs: Sequence[InputFile], command: str) -> bool:
    """True (and said on stderr) when no input could be read: then nothing is written, so a typo in a
    file name never replaces an earlier report with an empty one."""
    if inputs and all(item.fatal is not None for item in inputs):
        print(f"uxa-inspector {command}: no input could be read; nothing written", file=sys.stderr)
        return True
    return False


def render(run: CheckRun, fmt: str, fail_on: Severity, reveal: bool, every: bool = False) -> str:
    if fmt == "json":
        return json.dumps(check_document(run, fail_on, reveal), indent=2, ensure_ascii=False) + "\n"
    if fmt == "junit":
        from inspector.report.junit import render_junit
        return render_junit(run, fail_on, reveal)
    if fmt == "html":
        from inspector.report.html import render_html
        return render_html(run, reveal=reveal, fail_on=fail_on)
    from inspector.report.text import render_text
    return render_text(run, fail_on, reveal, every)


def run(args: argparse.Namespace) -> int:
    fail_on = Severity(args.fail_on)
    with bars(args) as shown:
        inputs = load_inputs(args.files, args.device, "check", shown, alone(args.files, args.deadline))
        run_ = judge(inputs, args.deadline, shown)
        with shown.step("writing"):
            written = write_output(render(run_, args.format, fail_on, args.reveal, args.all), args.output,
                                   "check")
    return run_.exit_code(fail_on) if written else 2


def alone(files: Sequence[Path], deadline_s: float) -> float | None:
    """``load_inputs``' ``judge_alone`` for a command that judges its files together: one file is
    judged alone, several are merged first."""
    return deadline_s if len(files) == 1 else None


def judge(inputs: list[InputFile], deadline_s: float, shown: Bars) -> CheckRun:
    """``run_check`` with its progress bar."""
    total = sum(len(item.envelopes) for item in inputs)
    return run_check(inputs, deadline_s, on_events=shown.judging(total))
