"""A scenario run that goes wrong says why (and how far it got), without printing personal data."""

from __future__ import annotations

import pytest

from inspector.demo.scenario import ScenarioError, masked_step, parse_dumped_dom


def page(log: str = "", steps: tuple[str, ...] = (), title: str = "Scripted scenario") -> str:
    items = "".join(f"<li>{s}</li>" for s in steps)
    return f'<html><head><title>{title}</title></head><body><ol id="steps">{items}</ol><pre id="uxa-scenario-log">{log}</pre></body></html>'


def test_an_unfinished_run_says_how_far_it_got_with_identities_masked() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_dumped_dom(page(steps=("page:/index.html", "login:C-1001")))
    message = str(info.value)
    assert "2 step(s) started" in message and "login:•••" in message and "C-1001" not in message


def test_an_empty_dump_and_a_page_that_never_started_are_told_apart() -> None:
    with pytest.raises(ScenarioError, match="printed no page"):
        parse_dumped_dom("")
    with pytest.raises(ScenarioError, match="'localhost refused to connect', no step started"):
        parse_dumped_dom("<html><head><title>localhost refused to connect</title></head></html>")


def test_step_errors_written_by_the_page_fail_the_run_by_name() -> None:
    log = ('{"done": true, "log": [{"kind": "error", "step": "props:plan=gold", "message": "boom", "time": 1},'
           ' {"kind": "error", "step": "start", "message": "the tag double did not load within 5000 ms", "time": 2}]}')
    with pytest.raises(ScenarioError) as info:
        parse_dumped_dom(page(log))
    message = str(info.value)
    assert "props:plan=•••: boom" in message and "start: the tag double did not load" in message
    assert "gold" not in message


def test_a_log_that_is_not_json_is_a_scenario_error() -> None:
    with pytest.raises(ScenarioError, match="not JSON"):
        parse_dumped_dom(page("{done: true"))


@pytest.mark.parametrize(("step", "shown"), [
    ("login:someone@example.com", "login:•••"),
    ("hashid:someone@example.com", "hashid:•••"),
    ("props:plan=gold;newsletter=yes", "props:plan=•••;newsletter=•••"),
    ("pv:/guide/green", "pv:/guide/green"),
    ("logout", "logout"),
    ("wait:12", "wait:12"),
])
def test_steps_are_printed_without_identities_or_property_values(step: str, shown: str) -> None:
    assert masked_step(step) == shown
