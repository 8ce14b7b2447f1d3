"""Throughput of the headless path: check, renderings, redaction, on a raw capture of 21,000 events.

Run: ``./dev bench`` (or ``python -m pytest bench/bench_check.py --benchmark-only``).
Target: a day of one busy tester's traffic (tens of thousands of events) checks, renders and bundles
in a few seconds, so ``check`` fits in any CI job.
"""

from __future__ import annotations

from typing import Any

from inspector.report.capture import InputFile
from inspector.report.check import CheckRun, check_document, run_check
from inspector.report.html import render_html
from inspector.report.redact import Redactor
from inspector.report.text import render_text
from inspector.wire.envelope import Envelope, parse_envelope
from tests.report.make_fixtures import START, laptop

DEVICES = 60
ROUNDS = 25  # scenario runs per device (about 14 raw events each)


def _capture() -> InputFile:
    envelopes: list[Envelope] = []
    for d in range(DEVICES):
        seq = 0
        for r in range(ROUNDS):
            run = laptop(start=START + r * 3600 + d, uu_a=f"{d:08x}-0000-4000-8000-{r:012x}",
                         uu_b=f"{d:08x}-1111-4000-8000-{r:012x}", r=r)
            for line in run.lines:
                env = parse_envelope(line)
                envelopes.append(env.model_copy(update={"device": f"device-{d}", "seq": seq}))
                seq += 1
    envelopes.sort(key=lambda env: env.time)
    return InputFile("bench.jsonl", "recording", tuple(envelopes))


CAPTURE = _capture()


def _run() -> CheckRun:
    return run_check([CAPTURE])


def test_check(benchmark: Any) -> None:
    run = benchmark.pedantic(_run, rounds=3, iterations=1)
    assert run.events == len(CAPTURE.envelopes) > 20_000


def test_render_json_text_html(benchmark: Any) -> None:
    run = _run()

    def render() -> int:
        return len(str(check_document(run))) + len(render_text(run)) + len(render_html(run))

    assert benchmark.pedantic(render, rounds=3, iterations=1) > 0


def test_redact(benchmark: Any) -> None:
    out = benchmark.pedantic(lambda: Redactor(b"k" * 32).redact(CAPTURE.envelopes), rounds=2, iterations=1)
    assert len(out) == len(CAPTURE.envelopes)
