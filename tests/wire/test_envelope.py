import json

import pytest

from inspector.wire.envelope import (
    MAX_LINE_BYTES,
    Envelope,
    Hello,
    WireError,
    dump_envelope,
    dump_hello,
    parse_envelope,
    parse_hello,
)
from inspector.wire.events import Command, Request


def test_envelope_round_trips_through_one_json_line():
    env = Envelope(seq=3, time=1764330000.5, device="laptop", tab="t1",
                   event=Command(payload=["identify", "abc", {"hash": True}], page_url="https://shop.test/"))
    line = dump_envelope(env)
    assert "\n" not in line
    back = parse_envelope(line)
    assert back == env
    assert isinstance(back.event, Command)
    assert back.event.name == "identify"
    assert back.event.args == ("abc", {"hash": True})


def test_malformed_command_payload_is_kept_but_has_no_name():
    cmd = Command(payload={"not": "an array"})
    assert cmd.name is None and cmd.args == ()
    assert Command(payload=[42, "x"]).name is None


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("not json", "line"),
        ('{"v": 2, "seq": 1, "time": 0, "event": {"kind": "tick"}}', "v"),
        ('{"v": 1, "seq": -1, "time": 0, "event": {"kind": "tick"}}', "seq"),
        ('{"v": 1, "seq": 1, "time": 0, "event": {"kind": "nope"}}', "event"),
        ('{"v": 1, "seq": 1, "time": 0, "event": {"kind": "tick"}, "extra": 1}', "extra"),
        ('{"v": 1, "seq": 1, "time": 0, "event": {"kind": "request"}}', "event.request.method"),
    ],
)
def test_bad_lines_raise_wire_error_naming_the_problem(line, fragment):
    with pytest.raises(WireError) as info:
        parse_envelope(line)
    assert fragment in str(info.value)


def test_oversized_line_is_refused_before_parsing():
    with pytest.raises(WireError, match="limit"):
        parse_envelope(b"x" * (MAX_LINE_BYTES + 1))


def test_hello_round_trip_and_rejects_other_protocols():
    hello = Hello(token="s3cret", pid=12)
    assert parse_hello(dump_hello(hello)) == hello
    with pytest.raises(WireError):
        parse_hello(json.dumps({"hello": "someone-else", "token": "x"}))


def test_request_keeps_binary_bodies_as_base64():
    req = Request(method="POST", url="https://c.contentsquare.net/events",
                  body="AAEC", body_encoding="base64")
    env = Envelope(seq=0, time=0.0, event=req)
    assert parse_envelope(dump_envelope(env)).event == req
