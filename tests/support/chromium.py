"""Real headless Chromium (Debian's package) through a capture proxy, for end-to-end tests."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from inspector.launch.browser import BASE_FLAGS, HEADLESS_FLAGS, proxy_flags, trust_flag

# Flags that keep Chromium quiet and offline on this machine (see design/architecture.md).
QUIET_FLAGS = (*HEADLESS_FLAGS, *BASE_FLAGS, "--disable-dev-shm-usage")


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if path is None:
        raise RuntimeError("no Chromium found: install Debian's 'chromium' package (./dev install does)")
    return path


def dump_dom(url: str, proxy_port: int, fingerprint: str, budget_ms: int = 3000,
             profile: Path | None = None, timeout: float = 60.0) -> str:
    """Load ``url`` through the proxy, run its timers for ``budget_ms`` of virtual time, return the DOM."""
    with tempfile.TemporaryDirectory(prefix="uxa-chromium-") as tmp:
        argv = [chromium_path(), *QUIET_FLAGS, f"--user-data-dir={profile or tmp}",
                *proxy_flags("127.0.0.1", proxy_port), trust_flag(fingerprint),
                f"--virtual-time-budget={budget_ms}", "--dump-dom", url]
        done = subprocess.run(argv, capture_output=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"chromium exited {done.returncode}: {done.stderr.decode(errors='replace')[-800:]}")
    return done.stdout.decode("utf-8", "replace")
