"""Where the files the package ships live: the top-level ``resources/`` folder (page observer, demo shop,
icons) and our own source files that other programs load by path (the mitmproxy addon).

One lookup for a source checkout, an installed wheel and a frozen app, built on ``importlib.resources``
anchored at the ``inspector`` package itself. A wheel and the frozen app carry ``resources/`` inside
the package (``inspector/resources``, see setup.py and build_app.py); a checkout keeps it beside the
package, at the top of the repository (the agreed layout). Anchoring at ``inspector`` rather than
importing ``inspector.resources`` means a checkout run from its folder reads its own files even when
another copy of the project is installed, and the frozen app needs no module for a data folder.
Stdlib only: the capture child imports this too.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

_PACKAGE = "inspector"
RESOURCES = "resources"


def package_file(*parts: str) -> Path:
    """A file of the ``inspector`` package, e.g. ``package_file("capture", "addon.py")``."""
    return _package_dir().joinpath(*parts)


def resource(*parts: str) -> Path:
    """A file or folder of ``resources/``, e.g. ``resource("observer", "observer.js")``."""
    return resources_dir().joinpath(*parts)


@cache
def resources_dir() -> Path:
    inside = _package_dir() / RESOURCES  # a wheel or the frozen app
    if inside.is_dir():
        return inside
    beside = _package_dir().parent / RESOURCES  # a source checkout
    if (beside / "__init__.py").is_file():
        return beside
    raise FileNotFoundError(f"UXA Inspector's resources are missing: neither {inside} nor {beside} exists "
                            "(reinstall the package)")


@cache
def _package_dir() -> Path:
    root = files(_PACKAGE)
    if not isinstance(root, Path):
        # Imported from a zip: mitmdump and the demo's web server need real files on disk.
        raise RuntimeError(f"UXA Inspector must be installed as files on disk, not imported from {root}")
    return root
