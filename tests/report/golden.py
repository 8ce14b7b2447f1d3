"""Golden files: expected outputs kept in ``tests/data/golden``.

Regenerate them after an intended change with ``UXA_UPDATE_GOLDEN=1 python -m pytest tests/report
tests/cli``, then review the diff with ``git diff tests/data/golden`` before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = ROOT / "tests" / "data" / "golden"
UPDATE = os.environ.get("UXA_UPDATE_GOLDEN") == "1"


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path}; run with UXA_UPDATE_GOLDEN=1 to create it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (f"{name} differs from its golden file; if the change is intended, "
                                f"regenerate with UXA_UPDATE_GOLDEN=1 and review `git diff {path}`")
