"""Finding browsers on each platform, the command line, profiles, and a real headless launch."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path, PureWindowsPath

import pytest

from inspector.launch.browser import (
    BROWSER_ENV,
    Browser,
    BrowserNotFoundError,
    LaunchOptions,
    browser_args,
    find_browser,
    find_browsers,
    has_display,
    launch,
)
from inspector.launch.profiles import (
    ProfileError,
    forget_profile,
    list_profiles,
    named_profile,
    temporary_profile,
)


def no_path(_: str) -> str | None:
    return None


def test_linux_path_lookup_prefers_chromium_then_chrome() -> None:
    on_path = {"google-chrome": "/usr/bin/google-chrome", "chromium": "/usr/bin/chromium"}
    found = find_browsers("linux", {}, on_path.get, lambda p: False)
    assert [(b.name, str(b.path)) for b in found] == [("Chromium", "/usr/bin/chromium"),
                                                      ("Google Chrome", "/usr/bin/google-chrome")]


def test_linux_fixed_places_when_not_on_path() -> None:
    found = find_browsers("linux", {}, no_path, lambda p: str(p) == "/opt/google/chrome/chrome")
    assert found == [Browser("Google Chrome", Path("/opt/google/chrome/chrome"))]


def test_macos_application_bundles_including_the_users_own() -> None:
    edge = Path("/Users/ann/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge")
    found = find_browsers("darwin", {"HOME": "/Users/ann"}, no_path, lambda p: p == edge)
    assert found == [Browser("Microsoft Edge", edge)]


def test_windows_program_files_and_per_user_installs() -> None:
    env = {"PROGRAMFILES": r"C:\Program Files", "LOCALAPPDATA": r"C:\Users\ann\AppData\Local"}
    brave = Path(PureWindowsPath(r"C:\Users\ann\AppData\Local", r"BraveSoftware\Brave-Browser\Application\brave.exe"))
    chrome = Path(PureWindowsPath(r"C:\Program Files", r"Google\Chrome\Application\chrome.exe"))
    found = find_browsers("win32", env, no_path, lambda p: p in (brave, chrome))
    assert [b.name for b in found] == ["Google Chrome", "Brave"]


def test_explicit_setting_comes_first_and_duplicates_are_dropped(tmp_path: Path) -> None:
    exe = tmp_path / "mybrowser"
    exe.write_text("")
    found = find_browsers("linux", {BROWSER_ENV: str(exe)}, lambda name: str(exe) if name == "chromium" else None,
                          Path.is_file)
    assert found == [Browser("mybrowser", exe)]


def test_no_browser_gives_the_manual_proxy_and_certificate_steps() -> None:
    with pytest.raises(BrowserNotFoundError) as info:
        find_browser(proxy="127.0.0.1:9999", search=list)
    text = str(info.value)
    assert "127.0.0.1:9999" in text and "mitm.it" in text and "certificate" in text and BROWSER_ENV in text


def test_preferred_name_filters_the_found_browsers() -> None:
    both = [Browser("Chromium", Path("/usr/bin/chromium")), Browser("Brave", Path("/usr/bin/brave"))]
    assert find_browser("brave", search=lambda: both).name == "Brave"
    with pytest.raises(BrowserNotFoundError, match="'edge'"):
        find_browser("edge", search=lambda: both)


def test_display_detection() -> None:
    assert not has_display("linux", {})
    assert has_display("linux", {"WAYLAND_DISPLAY": "wayland-0"})
    assert has_display("linux", {"DISPLAY": ":0"})
    assert has_display("darwin", {}) and has_display("win32", {})


def test_command_line_has_profile_proxy_loopback_and_spki(tmp_path: Path) -> None:
    args = browser_args(tmp_path, LaunchOptions(proxy_port=8123, spki="abc=", headless=True), ["http://x/"])
    assert f"--user-data-dir={tmp_path}" in args
    assert "--proxy-server=http://127.0.0.1:8123" in args
    assert "--proxy-bypass-list=<-loopback>" in args
    assert "--ignore-certificate-errors-spki-list=abc=" in args
    assert "--headless" in args and "--disable-quic" in args
    assert args[-1] == "http://x/"
    windowed = browser_args(tmp_path, LaunchOptions())
    assert not any(a.startswith("--headless") for a in windowed)
    # Chromium will not start as root with its sandbox (containers, CI): only then is it turned off.
    assert ("--no-sandbox" in windowed) == (os.geteuid() == 0)
    assert browser_args(tmp_path, LaunchOptions(proxy_port=None))[1:2] == ["--no-first-run"]


def test_named_profiles_are_kept_and_temporary_ones_thrown_away(tmp_path: Path) -> None:
    phone = named_profile("phone", root=tmp_path)
    (phone.path / "Cookies").write_text("jar")
    phone.close()
    assert (tmp_path / "phone" / "Cookies").exists()
    assert list_profiles(tmp_path) == ["phone"]
    assert forget_profile("phone", tmp_path) and list_profiles(tmp_path) == []
    with temporary_profile("laptop") as temp:
        assert temp.path.is_dir()
    assert not temp.path.exists()
    with pytest.raises(ProfileError):
        named_profile("../etc", root=tmp_path)


@pytest.mark.e2e
def test_real_headless_chromium_starts_with_those_flags() -> None:
    browser = find_browser()
    options = LaunchOptions(proxy_port=9, headless=True, extra_args=("--dump-dom",))
    # A data: URL needs no network, so a dead proxy port does not matter here.
    proc = launch(browser, temporary_profile(), options, ["data:text/html,<p id=x>launched</p>"],
                  stdout=subprocess.PIPE)
    try:
        out, _ = proc.process.communicate(timeout=30)
    finally:
        proc.stop()
    assert b'<p id="x">launched</p>' in out
    assert not proc.profile.path.exists()


STRAGGLING_BROWSER = """#!/bin/sh
# Stands in for a browser whose helper process outlives it and keeps writing into the profile.
for arg in "$@"; do case "$arg" in --user-data-dir=*) dir="${arg#--user-data-dir=}";; esac; done
( while :; do echo cache > "$dir/straggler"; sleep 0.01; done ) &
echo $! > "$HELPER_PID_FILE"
trap 'exit 0' TERM
while :; do sleep 0.05; done
"""


def _alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc to see the helper")
def test_stop_ends_helpers_that_outlive_the_browser_and_removes_the_profile(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / "fake-browser"
    script.write_text(STRAGGLING_BROWSER)
    script.chmod(0o755)
    monkeypatch.setenv("HELPER_PID_FILE", str(tmp_path / "helper.pid"))
    proc = launch(Browser("fake", script), temporary_profile("straggle"), LaunchOptions(proxy_port=None))
    pid_file = tmp_path / "helper.pid"
    for _ in range(100):
        if pid_file.exists() and pid_file.read_text().strip() and (proc.profile.path / "straggler").exists():
            break
        subprocess.run(["sleep", "0.02"], check=True)
    helper = int(pid_file.read_text())
    assert _alive(helper)
    proc.stop()
    assert not proc.running() and not _alive(helper)
    assert not proc.profile.path.exists()
