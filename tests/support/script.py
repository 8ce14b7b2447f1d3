"""Build capture scenarios as decoded envelopes, tersely, for model and engine tests."""

from __future__ import annotations

from pydantic import JsonValue

from inspector.wire.envelope import Envelope
from inspector.wire.events import (
    Callback,
    Command,
    Cookies,
    Event,
    Hit,
    HitType,
    PageviewType,
    Request,
    Result,
    Storage,
    Tick,
)

PVT = {"n": PageviewType.NATURAL, "a": PageviewType.ARTIFICIAL, "r": PageviewType.RENEWAL}


class Script:
    """A growing list of envelopes with increasing seq and a clock advanced by ``wait``."""

    def __init__(self, device: str = "laptop", start: float = 1_764_330_000.0) -> None:
        self.device = device
        self.time = start
        self.envelopes: list[Envelope] = []
        self._calls = 0
        self.document: str | None = None  # the page the next pushes and callbacks come from (``on_page``)

    def _add(self, event: Event, device: str | None = None, tab: str | None = "t1") -> int:
        seq = len(self.envelopes)
        self.envelopes.append(Envelope(seq=seq, time=self.time, device=device or self.device, tab=tab,
                                       event=event))
        self.time += 0.01
        return seq

    def wait(self, seconds: float) -> Script:
        self.time += seconds
        return self

    def on(self, device: str) -> Script:
        self.device = device
        return self

    def on_page(self, document: str) -> Script:
        self.document = document
        return self

    def push(self, *payload: JsonValue) -> Script:
        self._calls += 1
        self._add(Command(payload=list(payload), tag_loaded=True, page_url="https://shop.test/",
                          call_id=f"c{self._calls}", document=self.document))
        return self

    def called_back(self, uu: str, sn: int) -> Script:
        """The tag's afterPageView callback on the current page, for a pageview of ``uu`` in session ``sn``."""
        self._add(Callback(name="afterPageView", payload={"projectId": 1, "sessionKey": f"{uu}.{sn}"},
                           document=self.document))
        return self

    def raw_push(self, payload: JsonValue) -> Script:
        self._add(Command(payload=payload, page_url="https://shop.test/"))
        return self

    def returns(self, value: JsonValue) -> Script:
        """The result of the last push."""
        self._add(Result(call_id=f"c{self._calls}", returned=value, has_return=True))
        return self

    def pageview(self, uu: str | None, sn: int | None, pn: int | None, pvt: str = "n",
                 pid: int | None = 1234) -> Script:
        url = "https://c.contentsquare.net/pageview"
        self._add(Hit(hit_type=HitType.PAGEVIEW, host="c.contentsquare.net", path="/pageview", pid=pid,
                      uu=uu, sn=sn, pn=pn, pvt=PVT[pvt], page_url="https://shop.test/",
                      request=Request(method="GET", url=url)))
        return self

    def event_hit(self, uu: str, sn: int, pn: int) -> Script:
        url = "https://c.contentsquare.net/events"
        self._add(Hit(hit_type=HitType.EVENTS, host="c.contentsquare.net", path="/events", pid=1234,
                      uu=uu, sn=sn, pn=pn, request=Request(method="POST", url=url)))
        return self

    def cookies(self, uu: str | None, sn: int | None = None, pn: int | None = None,
                trigger: str = "") -> Script:
        """The observer's cookie snapshot (``trigger``: why it was taken, e.g. "command:identify")."""
        self._add(Cookies(user_id=uu, session_number=sn, page_number=pn,
                          storage=Storage(cookies={"_cs_id": f"{uu}.1.{sn}.1.1.1.1"}, trigger=trigger)))
        return self

    def tick(self) -> Script:
        self._add(Tick())
        return self
