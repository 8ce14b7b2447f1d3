"""Build UXA Inspector as a standalone app for this platform: ``python build_app.py [--clean]``.

A PyInstaller one-folder app (``dist/uxa-inspector/``, started by ``dist/uxa-inspector/uxa-inspector``)
and an archive of it for distribution (``dist/uxa-inspector-VERSION-PLATFORM.tar.gz``, ``.zip`` on
Windows and macOS). Nothing else is needed on the target machine: the app carries Python, Qt,
mitmproxy, the page observer and the demo shop, and starts its own capture child (it is its own
mitmdump: see inspector/__main__.py). The icon, the desktop entry and the version come from the
package itself. The build ends by running ``uxa-inspector selftest`` with the app it built, from a
folder outside the checkout, and fails if that fails.

Needs PyInstaller (``pip install 'pyinstaller>=6'``, or ``./dev install``). Built and tested on Linux;
the Windows and macOS branches follow PyInstaller's documentation but have not been run.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from inspector import __version__
from inspector.package_files import package_file, resource, resources_dir

NAME = "uxa-inspector"
ROOT = Path(__file__).resolve().parent
ENTRY = package_file("__main__.py")
# Never used at run time, but pulled in by hooks that collect whole packages (pydantic's mypy plugin and
# hypothesis plugin), by mitmproxy's other front ends (console, web) or by PyInstaller's setuptools hook.
EXCLUDED = ("tkinter", "hypothesis", "mypy", "pydantic.mypy", "pydantic.v1", "pytest", "_pytest",
            "setuptools", "pkg_resources", "mitmproxy.tools.console", "mitmproxy.tools.web", "urwid",
            "tornado")
INSTALL_HINT = "pip install 'pyinstaller>=6'  (./dev install installs it with the other dev tools)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--clean", action="store_true",
                        help="start from nothing: remove this app's earlier build and PyInstaller's cache")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the app goes (default dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller",
                        help="PyInstaller's work folder (default build/pyinstaller)")
    parser.add_argument("--no-archive", action="store_true", help="build the folder only")
    parser.add_argument("--no-selftest", action="store_true", help="do not run the built app's selftest")
    args = parser.parse_args(argv)
    if importlib.util.find_spec("PyInstaller") is None:
        print(f"build_app.py: PyInstaller is not installed; install it with:\n  {INSTALL_HINT}",
              file=sys.stderr)
        return 2
    app_dir = args.dist / NAME
    if args.clean:
        shutil.rmtree(app_dir, ignore_errors=True)
        shutil.rmtree(args.work, ignore_errors=True)
    started = time.monotonic()
    try:
        options = pyinstaller_args(args.dist, args.work, args.clean)
        subprocess.run([sys.executable, "-m", "PyInstaller", *options], check=True, cwd=ROOT)
    except subprocess.CalledProcessError as exc:
        print(f"build_app.py: PyInstaller failed (exit {exc.returncode})", file=sys.stderr)
        return 1
    add_desktop_files(app_dir)
    built = time.monotonic() - started
    print(f"built        {app_dir} in {built:.0f} s, {_size(app_dir) / 1e6:.0f} MB")
    if not args.no_selftest and not selftest(app_dir / executable_name()):
        return 1
    if not args.no_archive:
        archive = make_archive(app_dir)
        print(f"archive      {archive}, {archive.stat().st_size / 1e6:.0f} MB")
    return 0


def executable_name() -> str:
    return NAME + (".exe" if os.name == "nt" else "")


def pyinstaller_args(dist: Path, work: Path, clean: bool) -> list[str]:
    sep = os.pathsep if os.name == "nt" else ":"
    args = [str(ENTRY), "--name", NAME, "--onedir", "--noconfirm", "--console", "--log-level", "WARN",
            "--distpath", str(dist), "--workpath", str(work), "--specpath", str(work),
            # Commands are imported by name (inspector/cli/main.py), and mitmdump loads the addon from its
            # file: neither is visible to PyInstaller's analysis.
            "--collect-submodules", "inspector",
            "--add-data", f"{package_file('capture', 'addon.py')}{sep}inspector/capture",
            # mitmproxy's onboarding app reads its templates at start-up.
            "--collect-data", "mitmproxy.addons.onboardingapp"]
    for module in EXCLUDED:
        args += ["--exclude-module", module]
    for item in sorted(resources_dir().iterdir()):
        if item.name != "__pycache__":
            target = "inspector/resources" + ("" if item.is_file() else f"/{item.name}")
            args += ["--add-data", f"{item}{sep}{target}"]
    system = platform.system()
    if system == "Windows":
        args += ["--icon", str(resource("icons", "uxa-inspector.png")),  # PyInstaller converts it (Pillow)
                 "--version-file", str(_windows_version_file(work))]
    elif system == "Darwin":
        args += ["--icon", str(resource("icons", "uxa-inspector.png")),
                 "--osx-bundle-identifier", "io.github.uxa-inspector"]
    if clean:
        args.append("--clean")
    return args


def add_desktop_files(app_dir: Path) -> None:
    """Beside the executable: the licence, and on Linux the desktop entry and its icon (README says
    where to copy them)."""
    shutil.copy2(ROOT / "LICENSE", app_dir / "LICENSE")
    if platform.system() == "Linux":
        shutil.copy2(resource("linux", f"{NAME}.desktop"), app_dir / f"{NAME}.desktop")
        shutil.copy2(resource("icons", f"{NAME}.png"), app_dir / f"{NAME}.png")


def selftest(executable: Path) -> bool:
    """The built app, run as a user would: from a folder outside the checkout, no PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    with tempfile.TemporaryDirectory(prefix="uxa-app-selftest-") as tmp:
        for command in (["--version"], ["selftest"]):
            done = subprocess.run([str(executable), *command], cwd=tmp, env=env, check=False, timeout=300)
            if done.returncode != 0:
                shown = f"{executable.name} {' '.join(command)}"
                print(f"build_app.py: '{shown}' failed (exit {done.returncode})", file=sys.stderr)
                return False
    return True


def make_archive(app_dir: Path) -> Path:
    system = platform.system().lower()
    base = app_dir.parent / f"{NAME}-{__version__}-{system}-{platform.machine().lower()}"
    if system != "linux":
        return Path(shutil.make_archive(str(base), "zip", root_dir=app_dir.parent, base_dir=app_dir.name))
    path = base.with_name(base.name + ".tar.gz")
    # gzip level 6 rather than tarfile's 9: a few percent larger, several times faster.
    with tarfile.open(path, "w:gz", compresslevel=6) as tar:
        tar.add(app_dir, arcname=app_dir.name)
    return path


def _windows_version_file(work: Path) -> Path:
    """The version resource Windows shows in the file's properties."""
    numbers = ", ".join((__version__.split(".") + ["0"] * 4)[:4])
    text = f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers=({numbers}), prodvers=({numbers})),
  kids=[StringFileInfo([StringTable('040904B0', [
    StringStruct('ProductName', 'UXA Inspector'), StringStruct('FileDescription', 'UXA Inspector'),
    StringStruct('FileVersion', '{__version__}'), StringStruct('ProductVersion', '{__version__}'),
    StringStruct('LegalCopyright', 'UXA Inspector contributors, MIT licence')])]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])])
"""
    work.mkdir(parents=True, exist_ok=True)
    path = work / "version-info.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


if __name__ == "__main__":
    sys.exit(main())
