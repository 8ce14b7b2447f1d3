"""Support bundles: one zip a customer can send without sending anyone's personal data.

Members: ``manifest.json`` (what is inside and how it was made), ``report.html`` and ``check.json``
(the report and the check of the redacted capture) and ``recording.jsonl`` (the capture, merged in time
order and redacted, readable by ``uxa-inspector check``). Redaction uses keyed pseudonyms (see
``redact``); the key is passed in, used in memory and never written into the bundle.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from pydantic import JsonValue

from inspector import __version__
from inspector.model.state import Severity
from inspector.report.capture import InputFile, keep_devices_apart, merged
from inspector.report.check import check_document, run_check, summary_document
from inspector.report.html import render_html
from inspector.report.redact import Redactor
from inspector.wire.envelope import dump_envelope

SCHEMA = "uxa-inspector/bundle/1"
REDACTION_METHOD = ("HMAC-SHA256 keyed pseudonyms (same value, same pseudonym within this bundle); "
                    "the key was random for this bundle, used in memory only and is not stored")


@dataclass(frozen=True, slots=True)
class Bundle:
    data: bytes
    redacted: bool
    pseudonyms: dict[str, int]
    members: tuple[str, ...]


def build_bundle(inputs: Sequence[InputFile], key: bytes | None, created: datetime,
                 deadline_s: float = 10.0) -> Bundle:
    """The zip's bytes. ``key=None`` means no redaction (the caller asked for it explicitly)."""
    # File names only: a full path may hold the sender's user name.
    inputs = keep_devices_apart([replace(item, path=item.path.replace("\\", "/").rsplit("/", 1)[-1])
                                 for item in inputs])
    counts: dict[str, int] = {}
    dropped = 0
    if key is not None:
        redactor = Redactor(key)
        flat = redactor.redact(env for item in inputs for env in item.envelopes)
        out, start = [], 0
        for item in inputs:
            end = start + len(item.envelopes)
            out.append(replace(item, envelopes=tuple(flat[start:end]),
                               errors=tuple(redactor.text(e) for e in item.errors),
                               fatal=redactor.text(item.fatal) if item.fatal else None))
            start = end
        inputs, counts, dropped = out, dict(redactor.names.counts), redactor.dropped
    run = run_check(inputs, deadline_s)
    # Redacted data holds pseudonyms only, so the report shows them (they match the recording).
    reveal = key is not None
    recording = "".join(dump_envelope(env) + "\n" for env in merged(inputs)).encode()
    members: dict[str, bytes] = {
        "report.html": render_html(run, reveal=reveal, title="UXA Inspector support bundle").encode(),
        "check.json": _json(check_document(run, Severity.VIOLATION, reveal=reveal)),
        "recording.jsonl": recording,
    }
    manifest: dict[str, JsonValue] = {
        "schema": SCHEMA,
        "tool": f"uxa-inspector {__version__}",
        "created": created.astimezone(UTC).isoformat(timespec="seconds"),
        "redacted": key is not None,
        "redaction": {"method": REDACTION_METHOD, "pseudonyms": dict(sorted(counts.items())),
                      "events_left_out": dropped} if key is not None else
                     "none: made with --no-redact, this bundle contains personal data",
        "inputs": [{"name": item.path, "kind": item.kind, "events": len(item.envelopes),
                    "skipped": list(item.errors), "error": item.fatal} for item in inputs],
        "summary": summary_document(run, Severity.VIOLATION),
        "members": [{"name": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                    for name, data in members.items()],
        "how_to_read": "Open report.html in a browser; run `uxa-inspector check recording.jsonl` to "
                       "check the capture again.",
    }
    members = {"manifest.json": _json(manifest), **members}
    buffer = io.BytesIO()
    stamp = created.astimezone(UTC).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(max(stamp[0], 1980), *stamp[1:]))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return Bundle(buffer.getvalue(), key is not None, counts, tuple(members))


def _json(document: JsonValue) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()
