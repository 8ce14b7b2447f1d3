"""``check --format junit``: JUnit XML, the format every CI server shows as a test report.

One test suite per device with one test case per rule of the catalogue, so a clean capture shows
every rule passing; a rule fails when one of its verdicts reaches the ``--fail-on`` level. Verdicts
below that level are listed in the case's output. Inputs that could not be read are errors.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from inspector.model.rules import RULES
from inspector.model.state import Severity, Verdict
from inspector.report.check import CheckRun
from inspector.report.evidence import input_evidence
from inspector.report.timefmt import clock

# Characters XML 1.0 cannot carry at all (a site's data may contain them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _verdict_line(v: Verdict, reveal: bool) -> str:
    events = f" [events {', '.join(map(str, v.events))}]" if v.events else ""
    return _clean(f"{clock(v.time)} {v.severity.value}: {v.text(reveal)}{events}")


def render_junit(run: CheckRun, fail_on: Severity = Severity.VIOLATION, reveal: bool = False) -> str:
    root = ET.Element("testsuites", name="uxa-inspector check")
    inputs = ET.SubElement(root, "testsuite", name="inputs")
    for item in run.inputs:
        case = ET.SubElement(inputs, "testcase", classname="uxa-inspector.inputs", name=_clean(item.path))
        found = input_evidence(item, run.verdicts)
        if item.fatal is not None:
            ET.SubElement(case, "error", message=_clean(f"cannot be read: {item.fatal}"))
            continue
        if item.skipped:  # a partial input is an error of the run, never a pass
            error = ET.SubElement(case, "error", message=f"partial: {item.skipped} line(s) skipped")
            error.text = _clean("\n".join([*item.errors, *item.notes]))
        if found is not None:
            ET.SubElement(ET.SubElement(case, "properties"), "property", name="evidence", value=found.kind)
            out = ET.SubElement(case, "system-out")
            out.text = _clean("\n".join([f"evidence: {found.describe()}", *item.errors, *item.notes]))
    _count(inputs)
    devices = sorted(run.snapshot.devices) or ["capture"]
    for device in devices:
        suite = ET.SubElement(root, "testsuite", name=_clean(f"device {device}"))
        mine = run.verdicts_of(device)
        for rule in RULES.values():
            case = ET.SubElement(suite, "testcase", classname=_clean(f"uxa-inspector.{device}"),
                                 name=f"{rule.id}: {rule.title}")
            hits = [v for v in mine if v.rule == rule.id]
            failing = [v for v in hits if v.severity.rank >= fail_on.rank]
            if failing:
                failure = ET.SubElement(case, "failure", type=rule.severity.value,
                                        message=_clean(failing[0].text(reveal)))
                failure.text = "\n".join([*(_verdict_line(v, reveal) for v in failing),
                                          f"fix: {_clean(rule.fix)}"])
            quiet = [v for v in hits if v.severity.rank < fail_on.rank]
            if quiet:
                ET.SubElement(case, "system-out").text = "\n".join(_verdict_line(v, reveal) for v in quiet)
        _count(suite)
    for key in ("tests", "failures", "errors"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in root)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _count(suite: ET.Element) -> None:
    cases = list(suite)
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    suite.set("errors", str(sum(1 for c in cases if c.find("error") is not None)))
