"""Real headless Chromium (Debian's package) through a capture proxy, for end-to-end tests."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

# Flags that keep Chromium quiet and offline on this machine (see design/architecture.md).
QUIET_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage", "--no-default-browser-check")


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
                f"--proxy-server=http://127.0.0.1:{proxy_port}", "--proxy-bypass-list=<-loopback>",
                f"--ignore-certificate-errors-spki-list={fingerprint}",
                f"--virtual-time-budget={budget_ms}", "--dump-dom", url]
        done = subprocess.run(argv, capture_output=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"chromium exited {done.returncode}: {done.stderr.decode(errors='replace')[-800:]}")
    return done.stdout.decode("utf-8", "replace")
