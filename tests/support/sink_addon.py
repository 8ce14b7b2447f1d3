"""A plain mitmdump addon that answers the tag's hosts locally (the project's sink answers) and
nothing else: no observer, no journal. With ``--set hardump=FILE`` mitmdump then records what a
support engineer's own mitmproxy would: the network only.

    mitmdump -s tests/support/sink_addon.py --set hardump=out.har
"""

from __future__ import annotations

from mitmproxy import http

from inspector.capture.sink import sink_answer
from inspector.decode.hosts import is_tag_host


class TagSink:
    def request(self, flow: http.HTTPFlow) -> None:
        host = flow.request.pretty_host
        if is_tag_host(host):
            answer = sink_answer(host, flow.request.method, flow.request.headers.get("origin"))
            flow.response = http.Response.make(answer.status, answer.body, answer.headers)


addons = [TagSink()]
