"""The pytest plugin on real journeys: inner pytest sessions (``pytester``) drive real headless Chromium
(Playwright, and Selenium with Debian's chromedriver) through the demo shop and real captures.

One inner session per outer test, so each pays Chromium's and the captures' start-up once. The plugin is
loaded by module path with its entry point blocked (``-p no:uxa_inspector``), so the copy under test is
the one on ``sys.path`` whatever the installed metadata says; ``test_entry_point`` checks the entry point.
"""

from __future__ import annotations

import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from inspector.demo.scenario import FAULT_RULES

pytestmark = pytest.mark.e2e

INNER = Path(__file__).parent / "inner"
# pytest-qt is blocked too: it imports Qt, and the inner session checks the plugin never does.
PLUGIN = ("-p", "no:uxa_inspector", "-p", "inspector.testing.pytest_plugin", "-p", "no:cacheprovider",
          "-p", "no:pytest-qt")
ROOT = Path(__file__).resolve().parents[2]


def _inner_session(pytester: pytest.Pytester, *args: str, tests: str = "journeys_inner.py"):
    pytester.makeconftest((INNER / "conftest_inner.py").read_text(encoding="utf-8"))
    pytester.makepyfile(test_inner=(INNER / tests).read_text(encoding="utf-8"))
    result = pytester.runpytest_subprocess(*PLUGIN, "--junitxml=junit.xml", "-rA", *args, timeout=240)
    cases = {case.get("name"): case for case in ET.parse(pytester.path / "junit.xml").iter("testcase")}
    return result, cases


def _failure_text(case: ET.Element) -> str:
    failure = case.find("failure")
    assert failure is not None, f"{case.get('name')} did not fail"
    return (failure.get("message") or "") + (failure.text or "")


def _properties(case: ET.Element) -> list[tuple[str, str]]:
    return [(p.get("name", ""), p.get("value", "")) for p in case.iter("property")]


def test_entry_point():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["entry-points"]["pytest11"] == {"uxa_inspector": "inspector.testing.pytest_plugin"}


def test_playwright_journeys(pytester: pytest.Pytester):
    result, cases = _inner_session(pytester, "--uxa-artifacts=artifacts")
    artifacts = pytester.path / "artifacts"

    assert cases["test_plugin_is_inert_until_asked"].find("failure") is None
    assert cases["test_nothing_of_qt_or_mitmproxy_in_this_process"].find("failure") is None

    clean = cases["test_clean_journey"]
    assert clean.find("failure") is None, clean.find("failure").text  # type: ignore[union-attr]
    assert ("uxa_verdicts", "0") in _properties(clean) or all(
        not value.startswith(("violation", "warning")) for name, value in _properties(clean)
        if name == "uxa_verdict")
    assert not list(artifacts.glob("*clean_journey*"))

    for fault, name in [("no-reset", "test_no_reset_is_caught_at_the_end_not_before"),
                        *((f, f"test_fault[{f}]") for f in ["reset-same-identity", "no-reset-on-logout", "raw-identity",
                                                            "properties-string", "generic-identity"]),
                        ("raw-identity", "test_selenium_journey")]:
        case = cases[name]
        rule = FAULT_RULES[fault]
        text = _failure_text(case)
        assert rule in text, f"{fault}: {rule} not in the report:\n{text}"
        assert "C-1001" not in text and "C-2002" not in text, "personal data in the report"
        assert any(name == "uxa_verdict" and rule in value for name, value in _properties(case))
        kept = [Path(value) for name, value in _properties(case) if name == "uxa_recording"]
        assert kept and kept[0].parent == artifacts and kept[0].stat().st_size > 0
        assert str(kept[0]) in text  # the path is printed
    result.stdout.fnmatch_lines(["*FAILED*test_fault?raw-identity?*"])

    masked = cases["test_assertion_masks_identity"].find("failure").get("message", "")  # type: ignore[union-attr]
    assert "not as C•••9 (6 chars)" in masked and "C•••1 (6 chars)" in masked and "C-1001" not in masked

    # The in-test assertion held (the deadline had not passed); the end of the capture caught it.
    late = _failure_text(cases["test_no_reset_is_caught_at_the_end_not_before"])
    assert "AssertionError" not in late


def test_uxa_option_captures_every_test(pytester: pytest.Pytester):
    pytester.makepyfile(test_every="""
        def test_captured_without_asking(uxa_context_args, request):
            assert uxa_context_args["proxy"]["server"].startswith("http://127.0.0.1:")
            assert "uxa_capture" in request.fixturenames
    """)
    result = pytester.runpytest_subprocess(*PLUGIN, "--uxa", "-rA", timeout=120)
    result.assert_outcomes(passed=1)
    pytester.makepyfile(test_every="""
        def test_not_captured(uxa_context_args, request):
            assert uxa_context_args == {} and "uxa_capture" not in request.fixturenames
    """)
    pytester.runpytest_subprocess(*PLUGIN, "-rA", timeout=120).assert_outcomes(passed=1)
