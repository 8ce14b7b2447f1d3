"""Writes the ``tests/data/report_*`` capture files (run it again after changing a scenario):

    python -m tests.report.make_fixtures

The files are raw, as the capture writes them (page commands, tag requests, cookie snapshots), so the
CLI tests exercise the real loader, decoders and model. Personal values are distinctive on purpose:
the bundle tests scan for them byte by byte.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import lzstring
from pydantic import JsonValue

from inspector.wire.envelope import Envelope, dump_envelope
from inspector.wire.events import Command, Event, Page, Request, Result, Storage, Tick

DATA = Path(__file__).resolve().parent.parent / "data"
START = 1_764_330_000.0
EMAIL = "jane.doe+shop@example.com"
CUSTOMER_2 = "customer-000222"
CITY = "Lyon-Confluence"
PLAN_1, PLAN_2 = "freemium-tier", "platinum-tier"
HASH = "9a8b7c6d5e4f3a2b1c0d"
UU_A = "6f1c2a3b-9d8e-4a7f-b5c4-d3e2f1a0b9c8"
UU_B = "91ab77c0-1d2e-4f3a-8b9c-0d1e2f3a4b5c"
UU_P = "c0ffee12-3456-4789-abcd-ef0123456789"
SHOP = f"https://shop.test/account?utm_source=newsletter&email={quote(EMAIL, safe='')}"
# Every value the bundle must never contain (the user IDs too: they are personal data).
SECRET_COOKIE = "tok-SECRET-4242"
PERSONAL = (EMAIL, CUSTOMER_2, CITY, PLAN_1, PLAN_2, HASH, UU_A, UU_B, UU_P, SECRET_COOKIE)


class Capture:
    def __init__(self, device: str, start: float = START) -> None:
        self.device, self.time, self.lines = device, start, list[str]()
        self.seq = 0

    def add(self, event: Event, wait: float = 0.25) -> Capture:
        env = Envelope(seq=self.seq, time=round(self.time, 3), device=self.device, tab="t1", event=event)
        self.lines.append(dump_envelope(env))
        self.seq += 1
        self.time += wait
        return self

    def wait(self, seconds: float) -> Capture:
        self.time += seconds
        return self

    def push(self, *payload: JsonValue, call: str | None = None) -> Capture:
        return self.add(Command(payload=list(payload), tag_loaded=True, page_url=SHOP, call_id=call))

    def cookies(self, uu: str, sn: int, pn: int) -> Capture:
        return self.add(Storage(cookies={
            "_cs_id": f"{uu}.{int(START)}.{sn}.{int(self.time)}.{int(START)}.1589.1798026000000.1",
            "_cs_s": f"{pn}.0.0.{int(self.time * 1000) + 1_800_000}",
            "session_token": SECRET_COOKIE}, trigger="change", page_url=SHOP))

    def pageview(self, uu: str, sn: int, pn: int, pvt: str | None = None, r: int = 1000) -> Capture:
        query = (f"pid=1234&uu={uu}&sn={sn}&pn={pn}&hd={int(self.time)}&dw=1280&dh=2400&ww=1280&wh=720"
                 f"&url={quote(SHOP, safe='')}&dr=&uc=1&la=en-US&v=15.170.2&r={r + self.seq}")
        if pvt:
            query += f"&pvt={pvt}"
        return self.add(Request(method="GET", url=f"https://c.contentsquare.net/pageview?{query}",
                                headers=(("Referer", SHOP), ("User-Agent", "Chromium")), status=200))

    def dvar(self, uu: str, sn: int, pn: int) -> Capture:
        dv = lzstring.LZString().compressToEncodedURIComponent(json.dumps({"favourite_shop": CITY}))
        return self.add(Request(method="GET", url=f"https://c.contentsquare.net/dvar?pid=1234&uu={uu}&sn={sn}"
                                                  f"&pn={pn}&dv={dv}", status=200))

    def write(self, name: str, cut_last: bool = False, garbage: tuple[int, ...] = ()) -> None:
        lines = list(self.lines)
        for at in sorted(garbage, reverse=True):
            lines.insert(at, '{"v": 1, "seq": "not a number", "event": {"kind": "command"}}' if at % 2
                         else "{this is not json")
        text = "\n".join(lines) + "\n"
        if cut_last:
            text = text.rstrip("\n")
            text = text[: len(text) - len(lines[-1]) // 2]
        (DATA / name).write_text(text)


def laptop(renews: bool = True, start: float = START, uu_a: str = UU_A, uu_b: str = UU_B,
           r: int = 1000) -> Capture:
    """Anonymous visit, login with an e-mail, properties set then overwritten, then a second customer
    logs in on the same browser: the tag must renew the user ID and send a renewal pageview."""
    c = Capture("laptop", start)
    c.add(Page(url=SHOP, title="Your account"))
    c.cookies(uu_a, 1, 1).pageview(uu_a, 1, 1, r=r).wait(2)
    c.push("identify", EMAIL, call="c1").push("addUserProperties", {"plan": PLAN_1, "city": CITY}, call="c2")
    c.wait(3).pageview(uu_a, 1, 2, r=r).dvar(uu_a, 1, 2).wait(2)
    c.push("addUserProperties", {"plan": PLAN_2}, call="c3")
    c.push("getIdentity", call="c4").add(Result(call_id="c4", name="getIdentity", returned=HASH, has_return=True))
    c.wait(5).push("identify", CUSTOMER_2, call="c5").wait(0.4)
    if renews:
        c.cookies(uu_b, 1, 1).pageview(uu_b, 1, 1, pvt="r", r=r).wait(3).pageview(uu_b, 1, 2, r=r)
    else:
        c.wait(3).pageview(uu_a, 1, 3, r=r)
    c.wait(15).add(Tick(final=True))
    return c


def har_entry(time: float, url: str) -> dict[str, JsonValue]:
    started = datetime.fromtimestamp(time, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {
        "startedDateTime": started, "time": 21.5,
        "request": {"method": "GET", "url": url, "httpVersion": "HTTP/2",
                    "headers": [{"name": "Referer", "value": SHOP}], "queryString": [], "cookies": [],
                    "headersSize": -1, "bodySize": 0},
        "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/2", "headers": [],
                     "cookies": [], "content": {"size": 0, "mimeType": "image/gif"}, "redirectURL": "",
                     "headersSize": -1, "bodySize": 0},
        "cache": {}, "timings": {"send": 0, "wait": 20, "receive": 1.5},
    }


def phone_har() -> dict[str, JsonValue]:
    """The same person on a phone, exported from DevTools: pageviews and a classic Heap identify."""
    t = START + 40
    pv = "https://c.contentsquare.net/pageview?pid=1234&uu={uu}&sn=1&pn={pn}&url=" + quote(SHOP, safe="")
    entries = [
        har_entry(t, pv.format(uu=UU_P, pn=1)),
        har_entry(t + 2, f"https://heapanalytics.com/api/identify_v3?a=1234&u=77&v=1&s=2&i={quote(EMAIL, safe='')}"),
        har_entry(t + 5, pv.format(uu=UU_P, pn=2)),
    ]
    return {"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"},
                    "pages": [], "entries": entries}}


def main() -> None:
    laptop().write("report_laptop.jsonl")
    # The same scenario on another day: other user IDs, times and cache busters, same behaviour.
    laptop(start=START + 86_400 * 3, uu_a="0a0a0a0a-1111-4222-8333-444455556666",
           uu_b="0b0b0b0b-1111-4222-8333-444455556666", r=5000).write("report_laptop_rerun.jsonl")
    # The tag fails to renew; the file also has two bad lines and a truncated last line.
    laptop(renews=False).write("report_no_renewal.jsonl", cut_last=True, garbage=(3, 8))
    (DATA / "report_phone.har").write_text(json.dumps(phone_har(), indent=1) + "\n")
    (DATA / "report_not_a_capture.har").write_text('{"log": {"entries": "nope"')


if __name__ == "__main__":
    main()
