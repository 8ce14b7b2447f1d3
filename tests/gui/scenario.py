"""A recorded demo session for the GUI tests and screenshots: two devices, one shopper.

The laptop browses anonymously, logs in (first identify: no reset), sets and overwrites a property,
then a second customer logs in on the same browser (reset and renewal pageview, as documented).
The phone logs in as the first customer (the identity graph links both devices) and then its tag
misbehaves: a user ID change nothing explains.
"""

from __future__ import annotations

from inspector.wire.envelope import Envelope
from tests.support.script import Script

UU_A = "6f1c2a3b-9d8e-4a7f-b5c4-d3e2f1a0b9c8"
UU_B = "91ab77c0-1d2e-4f3a-8b9c-0d1e2f3a4b5c"
UU_P = "c0ffee12-3456-4789-abcd-ef0123456789"
UU_Q = "deadbeef-0000-4111-8222-933344445555"
CUSTOMER_1 = "customer-0001"
CUSTOMER_2 = "customer-0002"


def demo_script() -> Script:
    s = Script(device="laptop")
    s.pageview(UU_A, 1, 1).cookies(UU_A, 1, 1).wait(2)
    s.pageview(UU_A, 1, 2).cookies(UU_A, 1, 2).wait(3)
    s.push("identify", CUSTOMER_1).wait(0.5)
    s.push("addUserProperties", {"plan": "free", "country": "FR"}).wait(4)
    s.pageview(UU_A, 1, 3).wait(2)
    s.push("addUserProperties", {"plan": "pro"}).wait(1)
    s.push("getIdentity").returns("5f2b8c0e9a7d41e3").wait(6)
    s.push("identify", CUSTOMER_2).wait(0.4)
    s.cookies(UU_B, 1, 1).pageview(UU_B, 1, 1, pvt="r").wait(3)
    s.pageview(UU_B, 1, 2).wait(2)
    s.on("phone")
    s.pageview(UU_P, 1, 1).push("identify", CUSTOMER_1).wait(2)
    s.pageview(UU_P, 1, 2).wait(5)
    s.pageview(UU_Q, 1, 1).wait(1)
    s.tick()
    return s


def demo_envelopes() -> list[Envelope]:
    return demo_script().envelopes
