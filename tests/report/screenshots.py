"""Screenshots of the HTML report (screen and print layouts), for README:

    python -m tests.report.screenshots docs/screenshots

Renders the report of the laptop and no-renewal recordings and has headless Chromium (Debian's) take
a screenshot of it and print it to PDF, the way a reader would see and print it.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from inspector.decode.sources import load_capture
from inspector.report.capture import InputFile
from inspector.report.check import run_check
from inspector.report.html import render_html
from tests.report.golden import ROOT
from tests.support.chromium import chromium_path

INPUTS = ("tests/data/report_laptop.jsonl", "tests/data/report_no_renewal.jsonl")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync")


def report_page(out: Path) -> Path:
    inputs = []
    for name in INPUTS:
        loaded = load_capture(ROOT / name)
        inputs.append(InputFile(path=name, kind=loaded.kind, envelopes=tuple(loaded.envelopes),
                                errors=tuple(loaded.errors)))
    out.write_text(render_html(run_check(inputs), title="UXA Inspector report — demo"), encoding="utf-8")
    return out


def take(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        page = report_page(Path(tmp) / "report.html")
        shot, pdf = out_dir / "report.png", Path(tmp) / "report.pdf"
        base = [chromium_path(), *FLAGS, f"--user-data-dir={tmp}/profile"]
        subprocess.run([*base, "--window-size=1200,1500", f"--screenshot={shot}", page.as_uri()],
                       check=True, capture_output=True, timeout=120)
        subprocess.run([*base, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
                       check=True, capture_output=True, timeout=120)
        printed = out_dir / "report-print.png"
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-singlefile", str(pdf),
                        str(printed.with_suffix(""))], check=True, timeout=120)
    return [shot, printed]


if __name__ == "__main__":
    for path in take(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")):
        print(path)
