"""What the package declares about itself: licence, build requirements, the Linux desktop entry and icon."""

from __future__ import annotations

import configparser
import shutil
import struct
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((CHECKOUT / "pyproject.toml").read_text(encoding="utf-8"))
RESOURCES = CHECKOUT / "resources"


def test_the_licence_is_an_spdx_expression_backed_by_the_mit_text() -> None:
    project = PYPROJECT["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    text = (CHECKOUT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "UXA Inspector contributors" in text
    # setuptools reads SPDX strings and license-files from 77 on (PEP 639).
    assert PYPROJECT["build-system"]["requires"] == ["setuptools>=77"]


def test_the_dev_extras_hold_the_packaging_tools() -> None:
    dev = " ".join(PYPROJECT["project"]["optional-dependencies"]["dev"])
    assert "build>=" in dev and "pyinstaller>=" in dev


def test_the_desktop_entry_is_valid_and_names_our_command_and_icon() -> None:
    entry = RESOURCES / "linux" / "uxa-inspector.desktop"
    validator = shutil.which("desktop-file-validate")
    assert validator, "desktop-file-validate is missing: install Debian's desktop-file-utils (./dev install does)"
    done = subprocess.run([validator, str(entry)], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(entry, encoding="utf-8")
    desktop = parser["Desktop Entry"]
    script = next(iter(PYPROJECT["project"]["scripts"]))
    assert desktop["Exec"].split()[0] == desktop["TryExec"] == script
    assert (RESOURCES / "icons" / f"{desktop['Icon']}.png").is_file()
    assert (RESOURCES / "icons" / f"{desktop['Icon']}.svg").is_file()


def test_the_icon_is_a_square_png_and_an_svg() -> None:
    png = (RESOURCES / "icons" / "uxa-inspector.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    assert struct.unpack(">II", png[16:24]) == (256, 256)
    root = ET.parse(RESOURCES / "icons" / "uxa-inspector.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("viewBox") == "0 0 256 256"


def test_build_app_without_pyinstaller_names_the_install_command(tmp_path: Path) -> None:
    venv = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    done = subprocess.run([str(venv / "bin" / "python"), str(CHECKOUT / "build_app.py")], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 2, done.stderr
    assert "PyInstaller is not installed" in done.stderr and "pip install 'pyinstaller>=6'" in done.stderr
    assert not (tmp_path / "dist").exists()
