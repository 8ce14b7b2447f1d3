"""The capture child's lean master: exactly the addons a capture needs, every one left out with a reason."""

from __future__ import annotations

import asyncio

from mitmproxy import addonmanager, options
from mitmproxy.tools import dump

from inspector.capture import addon
from inspector.capture.master import DROPPED, CaptureMaster

# What the child runs, in mitmdump's order (our addon where the script loader would hold it).
KEPT = ["termlog", "core", "block", "disableh2c", "onboarding", "proxyserver", "uxacapture", "nextlayer",
        "tlsconfig", "dumper", "errorcheck"]


def chain(master_cls: type) -> list[str]:
    async def build() -> list[str]:
        master = master_cls(options.Options())
        names = [addonmanager._get_name(a) for a in master.addons.chain]
        master._termlog_addon.uninstall()  # their log handlers would outlive the master
        master.addons.get("errorcheck").finish()
        return names

    return asyncio.run(build())


def test_the_child_keeps_only_what_a_capture_needs_and_says_why_it_drops_the_rest() -> None:
    lean, full = chain(CaptureMaster), chain(dump.DumpMaster)
    assert lean == KEPT
    assert [addonmanager._get_name(a) for a in addon.addons] == ["uxacapture"]  # what -s would load
    # A new default addon in a mitmproxy upgrade must be kept or dropped here on purpose.
    assert set(full) - set(lean) == set(DROPPED) and set(lean) - set(full) == {"uxacapture"}
    assert all(len(reason) > 10 for reason in DROPPED.values())
