"""Browser profiles: each one is a separate device with its own cookie jar.

A named profile lives under the user data directory (platformdirs) and is kept between runs, so the
same "phone" keeps its ``_cs_id`` cookie; a throw-away profile lives in a temporary directory that is
removed when the profile is closed.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from inspector.launch import locations

APP_NAME = "uxa-inspector"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")


class ProfileError(ValueError):
    """A profile name that cannot be a directory name (one clear line)."""


def profiles_root() -> Path:
    return locations.profiles_dir()


@dataclass
class Profile:
    """A browser user-data directory standing for one device."""

    name: str
    path: Path
    keep: bool

    def close(self) -> None:
        """Throw a temporary profile away; a kept profile stays for the next run."""
        if self.keep:
            return
        # A process that just exited may still have a file being flushed into the directory; a few
        # short retries win that race instead of leaving the profile behind.
        for _ in range(20):
            shutil.rmtree(self.path, ignore_errors=True)
            if not self.path.exists():
                return
            time.sleep(0.05)

    def __enter__(self) -> Profile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise ProfileError(f"profile name {name!r}: use 1-40 letters, digits, '-' or '_' "
                           "(e.g. laptop, phone)")
    return name


def named_profile(name: str, root: Path | None = None) -> Profile:
    """The kept profile ``name`` (created on first use)."""
    path = locations.private_dir(locations.private_dir(root or profiles_root()) / check_name(name))
    return Profile(name=name, path=path, keep=True)


def temporary_profile(name: str = "browser") -> Profile:
    """A fresh, empty profile removed on ``close``: a first-time visitor."""
    path = Path(tempfile.mkdtemp(prefix=f"uxa-{check_name(name)}-"))
    return Profile(name=name, path=path, keep=False)


def list_profiles(root: Path | None = None) -> list[str]:
    base = root or profiles_root()
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if p.is_dir() and _NAME.match(p.name))


def forget_profile(name: str, root: Path | None = None) -> bool:
    """Delete a kept profile (its cookies: the device becomes a new visitor). True if it existed."""
    path = (root or profiles_root()) / check_name(name)
    if not path.is_dir():
        return False
    shutil.rmtree(path)
    return True


def device_ports(base_port: int, names: Iterable[str]) -> dict[int, str]:
    """One capture listen port per profile, consecutive from ``base_port`` in the order given.

    The capture tells devices apart by the port a flow came in on, so two profiles sharing one port
    would be judged as one device (each one's user ID replacing the other's). Start the capture with
    this mapping and launch each profile on its own port (``port_of``).
    """
    unique = list(dict.fromkeys(check_name(name) for name in names))
    if not unique:
        raise ProfileError("no profile names given")
    if base_port < 1 or base_port + len(unique) - 1 > 65535:
        raise ProfileError(f"ports {base_port}-{base_port + len(unique) - 1} are not all valid TCP ports")
    return {base_port + index: name for index, name in enumerate(unique)}


def port_of(devices: Mapping[int, str], name: str) -> int:
    """The port of profile ``name`` in a capture started with ``device_ports``."""
    for port, device in devices.items():
        if device == name:
            return port
    raise ProfileError(f"profile {name!r} has no port in the running capture; restart the capture to add it")
