"""``uxa-inspector decode``: bodies from standard input, hosts outside the tag, unreadable arguments."""

from __future__ import annotations

import json
import subprocess
import sys

from lzstring import LZString

U1 = "6f1c2a3b-9d8e-4a7f-b5c4-d3e2f1a0b9c8"


def run_cli(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "inspector.cli", "decode", *args], input=stdin,
                          capture_output=True, timeout=60, check=False)


def test_post_body_from_stdin_expanded_and_cookies_summarised() -> None:
    body = LZString().compressToBase64(json.dumps([[1, 2, "click"]]))
    out = run_cli("https://c.contentsquare.net/events?pid=7&ct=0", "--body", "-", "--format", "json",
                  stdin=body.encode())
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["method"] == "POST" and data["fields"]["body"] == [[1, 2, "click"]] and data["fields"]["pid"] == 7
    text = run_cli("https://c.contentsquare.net/pageview?pid=1", "--cookie", f"_cs_id={U1}.1.5.1.1.1.1; _cs_s=3.0.1")
    assert text.returncode == 0 and f"user {U1}, session 5, page 3" in text.stdout.decode()


def test_binary_stdin_and_foreign_hosts_are_shown_not_fatal() -> None:
    out = run_cli("https://k-aeu1.contentsquare.net/v2/recording", "--body", "-", "--format", "json",
                  stdin=b"\xff\xfe\x00\x01")
    assert out.returncode == 0 and "binary body of 4 bytes" in json.loads(out.stdout)["notes"][0]
    other = run_cli("https://shop.example/cart?a=1", "--format", "json")
    data = json.loads(other.stdout)
    assert data["kind"] == "other" and data["unknown"] == {"a": "1"}
    assert any("not one of the tag's hosts" in note for note in data["notes"])


def test_unreadable_arguments_exit_2_with_one_line() -> None:
    for args in (["https://c.contentsquare.net/", "--method", "G T"], ["c.contentsquare.net/pageview"],
                 ["http://[::1/pageview"]):
        out = run_cli(*args)
        err = out.stderr.decode()
        assert out.returncode == 2 and err.count("\n") == 1 and err.startswith("uxa-inspector decode: "), args
        assert out.stdout == b""
