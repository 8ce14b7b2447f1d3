"""Decoded payloads are not all kept: a recording of payloads that each inflate to 15 MB is checked in
bounded memory (each hit keeps its raw request and a stand-in; a view decodes the raw request again)."""

from __future__ import annotations

import base64
import gzip
import subprocess
import sys
from pathlib import Path

from inspector.decode.requests import MAX_KEPT_DECODED, decode_request
from inspector.wire.envelope import Envelope, dump_envelope
from inspector.wire.events import FOREIGN_VALUE_KEY, Request

MB = 1024 * 1024
# Measured by the child itself: its peak resident memory once the check is done (VmHWM, which unlike
# ru_maxrss does not inherit the parent's peak).
RUN_CHECK = """
import sys
from pathlib import Path
from inspector.cli.main import main
code = main(["check", sys.argv[1], "--format", "json", "-o", sys.argv[2]])
peak = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM"))
print(code, int(peak.split()[1]) * 1024)
"""


def big_payload_request(page: int) -> Request:
    """A POST whose body is base64-gzip of a 15 MB JSON array (7.5 million numbers once parsed)."""
    payload = base64.b64encode(gzip.compress(b"[" + b"0," * 7_500_000 + b"0]", compresslevel=1)).decode()
    return Request(method="POST", url=f"https://c.contentsquare.net/events?pid=1&uu=u&sn=1&pn={page}",
                   body=payload, headers=(("Content-Type", "text/plain"),))


def test_a_hit_keeps_a_stand_in_for_a_huge_decoded_value_and_the_full_value_on_demand() -> None:
    request = big_payload_request(1)
    hit = decode_request(request)
    stand_in = hit.fields["body"]
    assert isinstance(stand_in, dict) and stand_in[FOREIGN_VALUE_KEY] == "truncated"
    assert len(hit.model_dump_json()) < MAX_KEPT_DECODED + len(request.body) + 10_000
    full = decode_request(hit.request, max_kept=None).fields["body"]  # re-decoded from the raw request
    assert isinstance(full, list) and len(full) == 7_500_001


def test_a_recording_of_inflating_payloads_is_checked_in_bounded_memory(tmp_path: Path) -> None:
    request = big_payload_request(1)
    recording = tmp_path / "big.jsonl"
    recording.write_text("".join(
        dump_envelope(Envelope(seq=i, time=1.0 + i, event=request.model_copy(update={
            "url": request.url.replace("pn=1", f"pn={i + 1}")}))) + "\n" for i in range(4)))
    out = subprocess.run([sys.executable, "-c", RUN_CHECK, str(recording), str(tmp_path / "out.json")],
                         capture_output=True, text=True, timeout=120, check=True)
    code, peak = (int(word) for word in out.stdout.split()[-2:])
    assert code == 0
    # Kept whole, the four parsed payloads alone take over 300 MB; one at a time stays far below.
    assert peak < 250 * MB, f"check peaked at {peak // MB} MB"
