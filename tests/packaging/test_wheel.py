"""The wheel as a user gets it: built with ``python -m build`` (sdist, then the wheel from the sdist),
installed with its dependencies into a fresh venv, run from a folder outside the checkout."""

from __future__ import annotations

import http.client
import signal
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Iterator
from email.parser import Parser
from pathlib import Path

import pytest

from inspector import __version__
from inspector.decode.sources import load_capture
from inspector.launch.proxy import free_port, wait_for_port
from tests.packaging import installed
from tests.packaging.installed import CHECKOUT, PAGEVIEW, Installed

pytestmark = [pytest.mark.slow, pytest.mark.e2e]
SHIPPED = ("inspector/resources/__init__.py", "inspector/resources/observer/observer.js",
           "inspector/resources/demo/index.html", "inspector/resources/demo/tag-double.js",
           "inspector/resources/icons/uxa-inspector.png", "inspector/resources/icons/uxa-inspector.svg",
           "inspector/resources/linux/uxa-inspector.desktop", "inspector/capture/addon.py",
           "inspector/__main__.py", "inspector/py.typed")


def _timed(what: str, argv: list[str], **kwargs: object) -> None:
    started = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]
    assert done.returncode == 0, f"{what} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    print(f"{what}: {time.monotonic() - started:.0f} s")


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _timed("python -m build", [sys.executable, "-m", "build", "--outdir", str(out), str(CHECKOUT)])
    return out


@pytest.fixture(scope="module")
def wheel(dist: Path) -> Path:
    (found,) = dist.glob("uxa_inspector-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # Its dependencies come the usual way (the machine's pip configuration and cache).
    _timed("pip install the wheel", [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)])
    yield venv


@pytest.fixture
def app(venv: Path, tmp_path: Path) -> Installed:
    installed.assert_outside_checkout(tmp_path)
    return Installed([str(venv / "bin" / "uxa-inspector")], tmp_path)


def test_the_sdist_and_the_wheel_carry_the_resources_and_the_licence(dist: Path, wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in SHIPPED if name not in names]
    assert not missing, missing
    assert not [n for n in names if "__pycache__" in n or n.startswith(("tests/", "resources/", "bench/"))]
    info = f"uxa_inspector-{__version__}.dist-info"
    assert f"{info}/licenses/LICENSE" in names
    metadata = Parser().parsestr(zipfile.ZipFile(wheel).read(f"{info}/METADATA").decode())
    assert metadata["License-Expression"] == "MIT" and metadata["Version"] == __version__
    (sdist,) = dist.glob("uxa_inspector-*.tar.gz")
    with tarfile.open(sdist) as tar:
        members = {m.split("/", 1)[1] for m in tar.getnames() if "/" in m}
    assert {"LICENSE", "setup.py", "pyproject.toml", "resources/observer/observer.js"} <= members


def test_the_installed_command_runs_from_the_venv_with_its_own_resources(app: Installed, venv: Path) -> None:
    installed.version(app)
    done = app.run("addon-path")
    addon = Path(done.stdout.strip())
    assert done.returncode == 0 and addon.is_file() and addon.is_relative_to(venv)
    probe = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import inspector.package_files as p; print(p.resources_dir())"],
                           cwd=app.home, env=app.env(), capture_output=True, text=True, check=True)
    resources = Path(probe.stdout.strip())
    assert resources.is_relative_to(venv) and resources.parts[-2:] == ("inspector", "resources")


def test_capture_answers_and_records_a_tag_hit_and_check_reads_it(app: Installed) -> None:
    installed.capture_and_check(app)


def test_the_selftest_passes(app: Installed) -> None:
    installed.selftest(app)


def test_the_headless_demo_catches_its_fault(app: Installed) -> None:
    installed.demo_headless(app)


def test_mitmdump_runs_the_addon_that_addon_path_names(app: Installed, venv: Path) -> None:
    """README's line: mitmdump -s "$(uxa-inspector addon-path)" --set uxa_journal=FILE --set uxa_sink=true."""
    addon = app.run("addon-path").stdout.strip()
    port, journal = free_port(), app.home / "journal.jsonl"
    proc = subprocess.Popen([str(venv / "bin" / "mitmdump"), "-s", addon, "--listen-host", "127.0.0.1",
                             "--listen-port", str(port), "--set", f"confdir={app.home / 'conf'}",
                             "--set", f"uxa_journal={journal}", "--set", "uxa_sink=true"],
                            cwd=app.home, env=app.env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert wait_for_port("127.0.0.1", port, 20, lambda: proc.poll() is None), proc.communicate()[0]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", PAGEVIEW)
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        proc.send_signal(signal.SIGINT)
        out = proc.communicate(timeout=30)[0].decode(errors="replace")
    assert proc.returncode == 0, out
    events = load_capture(journal).envelopes
    assert [e.event.kind for e in events] == ["request"] and events[0].event.sunk  # type: ignore[union-attr]
