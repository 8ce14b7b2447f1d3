"""The pytest plugin (entry point ``pytest11: uxa_inspector``): identity checks of browser journeys.

Inert unless asked: importing it loads nothing of the inspector; a capture starts only for a test that
uses the ``uxa_capture`` fixture, or for every test under ``--uxa``. After the test body the capture is
judged with the project's own check (``inspector.testing.live``); the test fails with the verdicts,
masked, when one reaches ``--uxa-fail-on``; the verdicts go to the JUnit XML as properties; the
recording of a failed test is kept (``--uxa-artifacts DIR``), that of a passing one deleted.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from inspector.testing.live import LiveCapture

MARKER = ("uxa(forward=False, fail_on=None, wait=None, deadline=None): options of this test's capture "
          "(forward: let the vendor's hosts be reached instead of answering them locally)")
_CAPTURE = pytest.StashKey["LiveCapture"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("uxa", "UXA Inspector: identity checks of browser journeys")
    group.addoption("--uxa", action="store_true",
                    help="capture and judge every test (otherwise only tests using uxa_capture)")
    group.addoption("--uxa-fail-on", choices=("violation", "warning"), default="violation",
                    help="lowest verdict severity that fails a test (default: violation)")
    group.addoption("--uxa-artifacts", metavar="DIR", type=Path,
                    help="copy the recording of each failed test here (default: kept in its tmp_path)")
    group.addoption("--uxa-wait", metavar="SECONDS", type=float, default=3.0,
                    help="how long an assertion waits for in-flight tag requests (default: 3)")
    group.addoption("--uxa-deadline", metavar="SECONDS", type=float, default=10.0,
                    help="time the tag has to renew the user ID or send the renewal pageview (default: 10)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)
    if config.getoption("uxa"):
        config.pluginmanager.register(_EveryTest(), "uxa-every-test")


class _EveryTest:
    """Registered only under ``--uxa``: every test gets a capture."""

    @pytest.fixture(autouse=True)
    def _uxa_every_test(self, uxa_capture: LiveCapture) -> LiveCapture:
        return uxa_capture


@pytest.fixture(scope="session")
def uxa_confdir(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """Where the captures keep their CA: the app's own (per user) by default. Override to isolate."""
    return None


@pytest.fixture
def uxa_capture(request: pytest.FixtureRequest, tmp_path: Path, uxa_confdir: Path | None,
                ) -> Iterator[LiveCapture]:
    """A running capture for this test (sink mode unless ``@pytest.mark.uxa(forward=True)``)."""
    from inspector.model.state import Severity
    from inspector.testing.live import LiveCapture

    config = request.config
    marker = request.node.get_closest_marker("uxa")
    options: dict[str, Any] = dict(marker.kwargs) if marker else {}
    unknown = set(options) - {"forward", "fail_on", "wait", "deadline"}
    if unknown:
        raise pytest.UsageError(f"@pytest.mark.uxa: unknown option(s) {', '.join(sorted(unknown))}")
    capture = LiveCapture(
        journal=tmp_path / "uxa-recording.jsonl", sink=not options.get("forward", False),
        confdir=uxa_confdir, wait_s=float(options.get("wait") or config.getoption("uxa_wait")),
        deadline_s=float(options.get("deadline") or config.getoption("uxa_deadline")),
        fail_on=Severity(options.get("fail_on") or config.getoption("uxa_fail_on")))
    capture.start()
    request.node.stash[_CAPTURE] = capture
    try:
        yield capture
    finally:
        capture.stop()  # judged already after the test body; this covers a setup that failed


@pytest.fixture(scope="session")
def uxa_launch_args(uxa_confdir: Path | None) -> dict[str, Any]:
    """``browser_type.launch`` keyword arguments for a browser shared by the session (pytest-playwright's
    ``browser_type_launch_args``): the captures' CA trusted (made now if there is none yet); each test's
    context then goes through its own capture (``uxa_context_args``)."""
    from inspector.testing.live import ensure_ca, launch_args

    return {"args": launch_args(ensure_ca(uxa_confdir))}


@pytest.fixture
def uxa_context_args(request: pytest.FixtureRequest) -> dict[str, Any]:
    """``browser.new_context`` keyword arguments sending the context through this test's capture
    (pytest-playwright's ``browser_context_args``). Empty unless the test has a capture."""
    if not request.config.getoption("uxa") and "uxa_capture" not in request.fixturenames:
        return {}
    capture: LiveCapture = request.getfixturevalue("uxa_capture")
    return capture.context_kwargs


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    capture = item.stash.get(_CAPTURE, None)
    if capture is None:
        return (yield)
    try:
        result = yield
    except BaseException:
        failure = _judge(item, capture, test_failed=True)
        if failure is not None:
            item.add_report_section("call", "uxa", failure)
        raise
    failure = _judge(item, capture, test_failed=False)
    if failure is not None:
        pytest.fail(failure, pytrace=False)
    return result


def _judge(item: pytest.Item, capture: LiveCapture, test_failed: bool) -> str | None:
    """Judge the recording; put the verdicts in the JUnit properties; keep the recording of a failed
    test. Returns the failure text when a verdict reaches the fail-on severity."""
    from inspector.report.text import render_text

    run = capture.finish()
    failed = run.failed(capture.fail_on) or bool(run.unreadable)
    item.user_properties.append(("uxa_verdicts", len(run.verdicts)))
    item.user_properties.append(("uxa_failed", failed))
    for verdict in run.verdicts:
        item.user_properties.append(
            ("uxa_verdict", f"{verdict.severity.value} {verdict.rule}: {verdict.message}"))
    text = render_text(run, capture.fail_on)
    kept = _keep_recording(item, capture.journal) if failed or test_failed else None
    if kept is None:
        # A passing test's recording holds personal data nobody needs.
        capture.journal.unlink(missing_ok=True)
    else:
        item.user_properties.append(("uxa_recording", str(kept)))
        text += f"recording kept: {kept}\n"
    if not failed:
        item.add_report_section("call", "uxa", text)
        return None
    return f"UXA Inspector: a verdict reaches --uxa-fail-on {capture.fail_on.value}\n{text}"


def _keep_recording(item: pytest.Item, journal: Path) -> Path | None:
    if not journal.exists():
        return None
    option: Path | None = item.config.getoption("uxa_artifacts")
    if option is None:
        return journal
    folder = option.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (re.sub(r"[^\w.-]+", "_", item.nodeid).strip("_") + ".jsonl")
    shutil.copyfile(journal, target)
    return target

