"""``./dev`` on Debian's own Python, which refuses pip installs (PEP 668): it makes a virtualenv instead.

Only the virtualenv step runs here (seconds); the full ``./dev install`` into it was checked by hand
(README, "Two commands"). Needs Debian's python3 package (/usr/bin/python3), which this project's
machines have.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = Path("/usr/bin/python3")


def _marker() -> Path | None:
    if not SYSTEM_PYTHON.exists():
        return None
    stdlib = subprocess.run([str(SYSTEM_PYTHON), "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"],
                            capture_output=True, text=True, check=True).stdout.strip()
    marker = Path(stdlib) / "EXTERNALLY-MANAGED"
    return marker if marker.is_file() else None


MARKER = _marker()
needs_debian_python = pytest.mark.skipif(MARKER is None,
                                         reason="no externally managed /usr/bin/python3 (Debian's python3 package)")


def _pip_config(python: Path) -> set[str]:
    done = subprocess.run([str(python), "-m", "pip", "config", "list"], capture_output=True, text=True, check=True)
    return {line for line in done.stdout.splitlines() if line.startswith(("global.", ":env:"))}


@needs_debian_python
def test_dev_makes_a_virtualenv_from_debians_python_that_pip_may_install_into(tmp_path: Path) -> None:
    refused = subprocess.run([str(SYSTEM_PYTHON), "-m", "pip", "install", "--dry-run", "lzstring"],
                             capture_output=True, text=True, timeout=120, check=False)
    assert refused.returncode != 0 and "externally-managed-environment" in refused.stderr  # the case at hand
    venv = tmp_path / "venv"
    env = {**os.environ, "PYTHON": str(SYSTEM_PYTHON), "UXA_VENV": str(venv)}
    env.pop("PYTHONPATH", None)
    done = subprocess.run([str(CHECKOUT / "dev"), "venv"], env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr
    python = Path(done.stdout.strip())
    assert python == venv / "bin" / "python"
    probe = subprocess.run([str(python), "-c", "import sys, sysconfig; print(sys.base_prefix, sys.prefix, "
                            "sysconfig.get_path('purelib'))"], capture_output=True, text=True, check=True)
    base, prefix, purelib = probe.stdout.split()
    assert base == "/usr" and Path(prefix) == venv and Path(purelib).is_relative_to(venv)
    # pip inside it installs into the venv, and reads the machine's pip configuration as the system's does.
    assert _pip_config(python) == _pip_config(SYSTEM_PYTHON)
    again = subprocess.run([str(CHECKOUT / "dev"), "venv"], env=env, capture_output=True, text=True, timeout=60,
                           check=False)
    assert again.returncode == 0 and "making the virtualenv" not in again.stderr  # made once, then reused

