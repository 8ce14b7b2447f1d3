"""The standalone app: build_app.py builds it (and runs its selftest); then, from a folder outside the
checkout and with nothing of Python's on the path, it captures, records, checks, plays the demo and
opens its window."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from inspector import __version__
from tests.packaging import installed
from tests.packaging.installed import CHECKOUT, Installed

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The app folder and build_app.py's output (a fresh work folder: nothing cached from the checkout)."""
    dist = tmp_path_factory.mktemp("app-dist")
    work = tmp_path_factory.mktemp("app-work")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    started = time.monotonic()
    done = subprocess.run([sys.executable, str(CHECKOUT / "build_app.py"), "--dist", str(dist), "--work", str(work)],
                          cwd=CHECKOUT, env={**env, "PYTHONPATH": str(CHECKOUT)}, capture_output=True, text=True,
                          timeout=1200, check=False)
    print(f"build_app.py: {time.monotonic() - started:.0f} s")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    shutil.rmtree(work, ignore_errors=True)  # PyInstaller's work folder is large and no longer needed
    return dist / "uxa-inspector", done.stdout


@pytest.fixture
def app(built: tuple[Path, str], tmp_path: Path) -> Installed:
    installed.assert_outside_checkout(tmp_path)
    return Installed([str(built[0] / "uxa-inspector")], tmp_path)


def test_the_build_ran_the_selftest_and_made_an_archive(built: tuple[Path, str]) -> None:
    folder, output = built
    assert "selftest passed" in output and "ok  journal" in output
    assert "_internal/inspector/resources" in output  # the observer came from inside the app
    (archive,) = folder.parent.glob(f"uxa-inspector-{__version__}-linux-*.tar.gz")
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"uxa-inspector/uxa-inspector", "uxa-inspector/LICENSE", "uxa-inspector/uxa-inspector.desktop",
            "uxa-inspector/uxa-inspector.png",
            "uxa-inspector/_internal/inspector/resources/observer/observer.js",
            "uxa-inspector/_internal/inspector/resources/demo/tag-double.js",
            "uxa-inspector/_internal/inspector/capture/addon.py"} <= names
    assert not [n for n in names if "/hypothesis/" in n or "/mypy/" in n or "__pycache__" in n]


def test_the_app_tells_its_version(app: Installed) -> None:
    installed.version(app)


def test_capture_answers_and_records_a_tag_hit_and_check_reads_it(app: Installed) -> None:
    installed.capture_and_check(app)


def test_the_headless_demo_catches_its_fault(app: Installed) -> None:
    installed.demo_headless(app)


def test_the_window_opens_on_a_real_x_display_and_closes_on_sigterm(app: Installed) -> None:
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert xvfb.stdout is not None
        display = xvfb.stdout.readline().strip()
        assert display.isdigit(), "Xvfb did not start"
        env = {**app.env(), "DISPLAY": f":{display}"}
        env.pop("QT_QPA_PLATFORM", None)  # the real xcb platform plugin, as on a desktop
        gui = subprocess.Popen([*app.argv, "gui"], cwd=app.home, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
        try:
            time.sleep(4)
            assert gui.poll() is None, gui.communicate()[0]  # a missing Qt plugin aborts at once
        finally:
            gui.send_signal(signal.SIGTERM)
            out = gui.communicate(timeout=30)[0]
        assert gui.returncode == 0, out
    finally:
        xvfb.terminate()
        xvfb.wait(10)
