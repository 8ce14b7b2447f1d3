"""Find an installed Chromium-family browser and launch it through the capture proxy.

The launched browser gets its own profile directory, ``--proxy-server`` pointing at the capture,
``--proxy-bypass-list=<-loopback>`` (otherwise Chromium sends localhost straight past the proxy) and
``--ignore-certificate-errors-spki-list`` with the capture CA's fingerprint, so HTTPS works for that
profile only and nothing is installed in the system. Chromium ignores the SPKI flag without a
``--user-data-dir``, which is why a profile is always given.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath

from inspector.launch.profiles import Profile
from inspector.wire.endpoints import LOOPBACK

# Looked up on PATH, in order of preference (Linux package names, and what macOS/Windows users may
# have linked into PATH).
PATH_NAMES: tuple[tuple[str, str], ...] = (
    ("Chromium", "chromium"), ("Chromium", "chromium-browser"),
    ("Google Chrome", "google-chrome"), ("Google Chrome", "google-chrome-stable"),
    ("Google Chrome", "chrome"),
    ("Microsoft Edge", "microsoft-edge"), ("Microsoft Edge", "microsoft-edge-stable"),
    ("Microsoft Edge", "msedge"),
    ("Brave", "brave-browser"), ("Brave", "brave"),
)

MAC_APPS: tuple[tuple[str, str], ...] = (
    ("Google Chrome", "Google Chrome.app/Contents/MacOS/Google Chrome"),
    ("Chromium", "Chromium.app/Contents/MacOS/Chromium"),
    ("Microsoft Edge", "Microsoft Edge.app/Contents/MacOS/Microsoft Edge"),
    ("Brave", "Brave Browser.app/Contents/MacOS/Brave Browser"),
)

# Relative to %PROGRAMFILES%, %PROGRAMFILES(X86)% and %LOCALAPPDATA% (per-user installs).
WINDOWS_EXES: tuple[tuple[str, str], ...] = (
    ("Google Chrome", r"Google\Chrome\Application\chrome.exe"),
    ("Microsoft Edge", r"Microsoft\Edge\Application\msedge.exe"),
    ("Brave", r"BraveSoftware\Brave-Browser\Application\brave.exe"),
    ("Chromium", r"Chromium\Application\chrome.exe"),
)
WINDOWS_ROOTS = ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA")

# Set to a browser executable to skip the search.
BROWSER_ENV = "UXA_BROWSER"

MANUAL_STEPS = """\
No Chromium-family browser (Chromium, Google Chrome, Microsoft Edge, Brave) was found.
Install one, or set {env}=/path/to/browser, or set up any other browser or a phone by hand:
  1. Set its HTTP and HTTPS proxy to {proxy} (on a phone: Wi-Fi settings > proxy > manual,
     with this computer's address; start the capture with --listen-host 0.0.0.0 for that).
  2. Open http://mitm.it through the proxy and install the mitmproxy certificate it offers,
     then trust it (iOS: Settings > General > About > Certificate Trust Settings;
     Android: Settings > Security > Install certificate; Firefox: its own certificate store).
  3. Browse the site: its traffic appears in UXA Inspector. Remove the certificate afterwards."""


class BrowserNotFoundError(RuntimeError):
    """No browser to launch; the message carries the manual steps."""


@dataclass(frozen=True)
class Browser:
    name: str
    path: Path


def _unique(found: list[Browser]) -> list[Browser]:
    seen: set[str] = set()
    out = []
    for browser in found:
        key = os.path.normcase(str(browser.path))
        if key not in seen:
            seen.add(key)
            out.append(browser)
    return out


def find_browsers(
    platform: str | None = None,
    env: Mapping[str, str] | None = None,
    which: Callable[[str], str | None] = shutil.which,
    is_file: Callable[[Path], bool] = Path.is_file,
) -> list[Browser]:
    """Every Chromium-family browser found, best first (the explicit setting, then PATH, then the
    platform's usual install places). The lookups are parameters so each platform can be tested."""
    platform = platform or sys.platform
    env = os.environ if env is None else env
    found: list[Browser] = []
    explicit = env.get(BROWSER_ENV)
    if explicit and is_file(Path(explicit)):
        found.append(Browser(Path(explicit).stem, Path(explicit)))
    for name, command in PATH_NAMES:
        hit = which(command)
        if hit:
            found.append(Browser(name, Path(hit)))
    for candidate in _platform_candidates(platform, env):
        if is_file(candidate.path):
            found.append(candidate)
    return _unique(found)


def _platform_candidates(platform: str, env: Mapping[str, str]) -> list[Browser]:
    if platform == "darwin":
        homes = [Path("/Applications")]
        if env.get("HOME"):
            homes.append(Path(env["HOME"]) / "Applications")
        return [Browser(name, home / rel) for home in homes for name, rel in MAC_APPS]
    if platform.startswith("win"):
        roots = [env[var] for var in WINDOWS_ROOTS if env.get(var)]
        return [Browser(name, Path(PureWindowsPath(root, rel)))
                for root in roots for name, rel in WINDOWS_EXES]
    # Linux and other Unix: fixed places for installs not on PATH (snap, flatpak exports, /opt).
    return [Browser(name, Path(p)) for name, p in (
        ("Chromium", "/snap/bin/chromium"),
        ("Google Chrome", "/opt/google/chrome/chrome"),
        ("Microsoft Edge", "/opt/microsoft/msedge/msedge"),
        ("Brave", "/opt/brave.com/brave/brave"),
        ("Chromium", "/var/lib/flatpak/exports/bin/org.chromium.Chromium"),
    )]


def find_browser(preferred: str | None = None, proxy: str = f"{LOOPBACK}:8080",
                 search: Callable[[], list[Browser]] = find_browsers) -> Browser:
    """The browser to launch: ``preferred`` may be a path or a name ("chrome", "edge", "brave").
    Raises ``BrowserNotFoundError`` with the manual steps when there is none."""
    if preferred and Path(preferred).is_file():
        return Browser(Path(preferred).stem, Path(preferred))
    browsers = search()
    if preferred:
        wanted = preferred.lower()
        browsers = [b for b in browsers if wanted in b.name.lower() or wanted in b.path.name.lower()]
    if not browsers:
        prefix = f"No browser matching {preferred!r} was found.\n" if preferred else ""
        raise BrowserNotFoundError(prefix + MANUAL_STEPS.format(env=BROWSER_ENV, proxy=proxy))
    return browsers[0]


def has_display(platform: str | None = None, env: Mapping[str, str] | None = None) -> bool:
    """Whether a windowed browser can open here (macOS and Windows always have a desktop)."""
    platform = platform or sys.platform
    env = os.environ if env is None else env
    if platform == "darwin" or platform.startswith("win"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


# Quiet, reproducible runs: no first-run dialogs, no background traffic cluttering the capture.
# QUIC is off because the proxy speaks HTTP/1 and 2 only.
BASE_FLAGS = ("--no-first-run", "--no-default-browser-check", "--disable-quic",
              "--disable-background-networking", "--disable-component-update", "--disable-sync")
HEADLESS_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu")


@dataclass
class LaunchOptions:
    proxy_host: str = LOOPBACK
    # None: no proxy at all (only for testing the demo site without a capture).
    proxy_port: int | None = 8080
    # Base64 SHA-256 of the capture CA's public key (inspector.launch.certs.spki_fingerprint); None for
    # plain-HTTP sites only.
    spki: str | None = None
    headless: bool = False
    extra_args: Sequence[str] = field(default_factory=tuple)


# Chromium leaves localhost out of the proxy unless told to: "<-loopback>" sends it through too, so
# a site under test on localhost is captured like any other.
PROXY_BYPASS = "<-loopback>"


def proxy_flags(proxy_host: str, proxy_port: int) -> list[str]:
    """The flags that send every request, localhost included, through the capture proxy."""
    return [f"--proxy-server=http://{proxy_host}:{proxy_port}", f"--proxy-bypass-list={PROXY_BYPASS}"]


def trust_flag(spki: str) -> str:
    """Trust the capture CA (by its SPKI fingerprint) for this browser only; nothing is installed."""
    return f"--ignore-certificate-errors-spki-list={spki}"


def browser_args(profile_dir: Path, options: LaunchOptions, urls: Sequence[str] = ()) -> list[str]:
    args = [f"--user-data-dir={profile_dir}", *BASE_FLAGS]
    if options.proxy_port is not None:
        args[1:1] = proxy_flags(options.proxy_host, options.proxy_port)
    if options.spki:
        args.append(trust_flag(options.spki))
    if options.headless:
        args.extend(HEADLESS_FLAGS)
    elif _is_root():
        args.append("--no-sandbox")  # Chromium refuses to start as root with its sandbox on
    args.extend(options.extra_args)
    args.extend(urls)
    return args


def _is_root() -> bool:
    geteuid = getattr(os, "geteuid", None)
    return geteuid is not None and geteuid() == 0


class BrowserProcess:
    """A launched browser; ``stop`` ends it (politely first) and throws a temporary profile away."""

    def __init__(self, browser: Browser, profile: Profile, process: subprocess.Popen[bytes]) -> None:
        self.browser = browser
        self.profile = profile
        self.process = process

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process.poll() is None

    def wait(self, timeout: float | None = None) -> int:
        return self.process.wait(timeout)

    def stop(self, grace_s: float = 3.0) -> None:
        if self.running():
            try:
                if sys.platform.startswith("win"):
                    self.process.terminate()
                else:
                    self.process.send_signal(signal.SIGTERM)
                self.process.wait(grace_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(grace_s)
            except ProcessLookupError:
                pass
        self._kill_stragglers()
        self.profile.close()

    def _kill_stragglers(self) -> None:
        """Helpers Chromium leaves behind (crash handler, utility processes) can outlive the browser and
        go on writing into the profile; they share its process group, so end the group."""
        if sys.platform.startswith("win"):
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)


def launch(browser: Browser, profile: Profile, options: LaunchOptions, urls: Sequence[str] = (),
           stdout: int | None = subprocess.DEVNULL) -> BrowserProcess:
    """Start the browser on ``urls`` through the proxy. Raises ``OSError`` if it cannot start."""
    command = [str(browser.path), *browser_args(profile.path, options, urls)]
    # A process group of its own lets ``stop`` end every helper process the browser spawns.
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=stdout,
                               stderr=subprocess.DEVNULL,
                               start_new_session=not sys.platform.startswith("win"))
    return BrowserProcess(browser, profile, process)


def dump_dom(browser: Browser, profile: Profile, options: LaunchOptions, url: str,
             virtual_time_ms: int, timeout_s: float = 60.0) -> str:
    """Run ``url`` headless until its timers have used ``virtual_time_ms`` of virtual time (Chromium
    fast-forwards idle time), and return the page's DOM as serialised at the end."""
    headless = LaunchOptions(options.proxy_host, options.proxy_port, options.spki, True,
                             (*options.extra_args, f"--virtual-time-budget={virtual_time_ms}", "--dump-dom"))
    proc = launch(browser, profile, headless, [url], stdout=subprocess.PIPE)
    try:
        out, _ = proc.process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.stop()
        raise TimeoutError(f"{browser.name} did not finish {url} within {timeout_s:g} s") from None
    finally:
        proc.stop()
    return out.decode("utf-8", "replace")
