"""Every place on disk the tool keeps something, in one module (platformdirs' per-user locations).

Linux defaults (each honours its XDG_*_HOME variable); macOS and Windows get their platform's own:

* settings   ``~/.config/uxa-inspector/settings.ini``
* journals   ``~/.local/share/uxa-inspector/journals/`` (the app's live recordings)
* profiles   ``~/.local/share/uxa-inspector/profiles/`` (browser profiles, one per device)
* CA         ``~/.local/share/uxa-inspector/mitmproxy/`` (the proxy's certificate authority)
* logs       ``~/.local/state/uxa-inspector/log/uxa-inspector.log`` (rotated)

Folders are made on first use, readable by their owner only: they hold identities and cookies.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "uxa-inspector"
PRIVATE_DIR_MODE = 0o700


def _dirs() -> platformdirs.PlatformDirs:
    # Made on each call (cheap), so a changed XDG variable (tests, a wrapper script) is honoured.
    return platformdirs.PlatformDirs(APP_NAME, appauthor=False)


def private_dir(path: Path) -> Path:
    """``path`` made if missing (with its parents), owner-only; returned for chaining."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    if os.name == "posix" and path.stat().st_mode & 0o077:
        path.chmod(PRIVATE_DIR_MODE)  # made by an older version, or by mkdir under a loose umask
    return path


def config_dir() -> Path:
    return Path(_dirs().user_config_dir)


def settings_file() -> Path:
    return config_dir() / "settings.ini"


def data_dir() -> Path:
    return Path(_dirs().user_data_dir)


def journals_dir() -> Path:
    return data_dir() / "journals"


def profiles_dir() -> Path:
    return data_dir() / "profiles"


def ca_dir() -> Path:
    return data_dir() / "mitmproxy"


def log_dir() -> Path:
    return Path(_dirs().user_log_dir)


def log_file() -> Path:
    return log_dir() / f"{APP_NAME}.log"


def all_locations() -> dict[str, Path]:
    """What README and ``SECURITY.md`` list, by name (for a user who wants to see or remove them)."""
    return {"settings": settings_file(), "journals": journals_dir(), "profiles": profiles_dir(),
            "ca": ca_dir(), "log": log_file()}
