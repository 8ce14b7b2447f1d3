"""The one lookup for shipped files: inside the package (wheel, frozen app) before beside it (checkout)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from inspector.cli.main import main
from inspector.launch.proxy import ADDON_PATH
from inspector.package_files import package_file, resource, resources_dir

CHECKOUT = Path(__file__).resolve().parents[2]
LOOKUP = CHECKOUT / "inspector" / "package_files.py"


def test_a_checkout_reads_its_own_top_level_resources() -> None:
    assert resources_dir() == CHECKOUT / "resources"
    assert resource("observer", "observer.js").is_file() and resource("demo", "index.html").is_file()
    assert package_file("capture", "addon.py") == ADDON_PATH == CHECKOUT / "inspector" / "capture" / "addon.py"


def test_addon_path_prints_the_file_mitmdump_loads(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["addon-path"]) == 0
    printed = Path(capsys.readouterr().out.strip())
    assert printed == ADDON_PATH and printed.is_file()


def _lookup_in(tree: Path) -> subprocess.CompletedProcess[str]:
    """Run the real lookup module inside a package laid out as ``tree``."""
    package = tree / "inspector"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("")
    shutil.copy(LOOKUP, package / "package_files.py")
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([sys.executable, "-c", "from inspector.package_files import resource; "
                           "print(resource('observer', 'observer.js'))"],
                          cwd=tree, env=env, capture_output=True, text=True, check=False)


def test_resources_inside_the_package_win_over_a_folder_beside_it(tmp_path: Path) -> None:
    # An installed layout (site-packages/inspector/resources) next to an unrelated top-level resources/.
    (tmp_path / "inspector" / "resources").mkdir(parents=True)
    (tmp_path / "resources").mkdir()
    (tmp_path / "resources" / "__init__.py").write_text("")
    done = _lookup_in(tmp_path)
    assert done.stdout.strip() == str(tmp_path / "inspector" / "resources" / "observer" / "observer.js"), done.stderr


def test_missing_resources_are_a_clear_error(tmp_path: Path) -> None:
    done = _lookup_in(tmp_path)
    assert done.returncode != 0
    assert "FileNotFoundError: UXA Inspector's resources are missing" in done.stderr
    assert "reinstall the package" in done.stderr
