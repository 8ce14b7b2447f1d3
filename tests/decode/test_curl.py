"""Requests pasted as DevTools' "Copy as cURL": Chrome's and Firefox's shapes, shell quoting, and
anything else gives the reader's one documented error."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lzstring import LZString

from inspector.decode.curl import CurlError, parse_curl
from tests.decode.test_decode_command import U1, run_cli

DV = LZString().compressToBase64(json.dumps([{"key": "plan", "value": "gold"}]))

# Chrome (bash): a line per option, cookies with -b, an ANSI-C quoted body holding a quote and a newline.
CHROME = f"""curl 'https://c.contentsquare.net/dvar?pid=42&uu={U1}&sn=2&pn=3&dv={DV}' \\
  -H 'accept: */*' \\
  -H 'accept-language: en-GB,en;q=0.9' \\
  -b '_cs_id={U1}.1764330000.2.1764330100.1764330000.1764330000.1798026000000.1.x; _cs_s=3.0.U.9.1764331900000' \\
  -H 'referer: https://shop.example/' \\
  --data-raw $'{{"note":"it\\'s\\\\n\\\\u00e9"}}' \\
  --compressed"""

# Firefox: one line, -X first, cookies as a header, a double-quoted header.
FIREFOX = (f"curl -X GET 'https://c.ba.contentsquare.net/pageview?pid=42&uu={U1}&sn=1&pn=1&pvt=r' "
           f"-H \"User-Agent: Mozilla/5.0 (X11; Linux x86_64)\" -H 'Cookie: _cs_s=1.0.1; other=1' -k")


def test_chrome_copy_with_cookies_and_an_ansi_c_body() -> None:
    request = parse_curl(CHROME)
    assert request.method == "POST" and request.url.startswith("https://c.contentsquare.net/dvar?pid=42")
    assert request.body == '{"note":"it\'s\\n\\u00e9"}'  # $'…' escapes undone once, as bash does
    assert request.header("accept-language") == "en-GB,en;q=0.9"
    assert request.header("cookie") is not None and request.header("cookie").startswith(f"_cs_id={U1}.")


def test_firefox_copy_with_method_and_double_quotes() -> None:
    request = parse_curl(FIREFOX)
    assert (request.method, request.header("user-agent")) == ("GET", "Mozilla/5.0 (X11; Linux x86_64)")
    assert request.header("Cookie") == "_cs_s=1.0.1; other=1" and request.body == ""


def test_several_data_options_are_joined_as_curl_does() -> None:
    request = parse_curl("curl https://c.contentsquare.net/events -d a=1 --data-binary 'b=2' -A agent")
    assert (request.method, request.body, request.url) == ("POST", "a=1&b=2", "https://c.contentsquare.net/events")


@pytest.mark.parametrize(("text", "why"), [
    ("wget https://x", "start with 'curl'"),
    ("curl -H 'accept: */*'", "no URL"),
    ("curl 'https://x", "single quote is not closed"),
    ('curl "https://x', "double quote is not closed"),
    ("curl $'https://x", "quote is not closed"),
    ("curl https://x -H", "has no value"),
    ("curl https://x -H 'no colon here'", "not 'Name: value'"),
])
def test_what_is_not_understood_says_why(text: str, why: str) -> None:
    with pytest.raises(CurlError, match=why):
        parse_curl(text)


@given(st.text(max_size=300))
def test_any_text_parses_or_raises_the_documented_error(tail: str) -> None:
    try:
        request = parse_curl("curl " + tail)
    except CurlError:
        return
    assert request.url and request.method
    request.url.encode("utf-8")
    request.body.encode("utf-8")


def test_the_decode_command_takes_a_pasted_curl_command_from_stdin() -> None:
    out = run_cli("-", "--format", "json", stdin=CHROME.encode())
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["kind"] == "dvar" and data["method"] == "POST"
    assert data["fields"]["dv"] == [{"key": "plan", "value": "gold"}]
    assert data["cookies"]["_cs_id"]["user_id"] == U1 and data["cookies"]["_cs_s"]["page_number"] == 3
    firefox = json.loads(run_cli(FIREFOX, "--format", "json").stdout)
    assert firefox["ids"]["pvt"] == "renewal" and firefox["method"] == "GET"
    broken = run_cli("curl 'https://c.contentsquare.net/pageview")
    assert broken.returncode == 2 and broken.stderr.decode().count("\n") == 1
    assert "single quote is not closed" in broken.stderr.decode()
