"""The addon's cost per visit counted in instructions (callgrind), which a busy machine does not move.

The throughput benchmark (``proxy_throughput``) times real proxies, and on a shared machine its ratios
move by more than a small change is worth. This runs the same visit's flows (``proxy_throughput.visit``
and its origin's answers) through mitmproxy's real hook dispatch, a ``DumpMaster`` with its default
addons and the script loader holding the addon as ``mitmdump -s`` loads it, with no sockets: what it
counts is the addon's hooks, their dispatch, the journal writer and what they leave to the garbage
collector. Each variant runs twice under callgrind (5 and 25 visits after 10 of warm-up); the
difference over 20 visits cancels start-up. Bare mitmdump's dispatch of the same flows is the baseline.

Needs valgrind (Debian package). ``python -m bench.proxy_instructions [--compare TREE]``.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]
WARM_VISITS, FEW, MANY = 10, 5, 25


def _flows() -> list[tuple[object, object]]:
    """(request, response) pairs of one visit, as mitmproxy would hold them."""
    from mitmproxy import http

    from bench.proxy_throughput import _routes, visit

    routes = _routes()
    pairs = []
    for raw in visit(1):
        head, _, body = raw.partition(b"\r\n\r\n")
        first, *lines = head.decode().split("\r\n")
        method, url, _ = first.split(" ")
        request = http.Request.make(method, url, body)
        request.headers = http.Headers([tuple(x.encode() for x in line.split(": ", 1)) for line in lines])
        answer_head, _, answer_body = routes[request.path.split("?")[0]].partition(b"\r\n\r\n")
        response = http.Response.make(200)
        response.headers = http.Headers([tuple(x.encode() for x in line.split(": ", 1))
                                         for line in answer_head.decode().split("\r\n")[1:]])
        response.raw_content = answer_body
        pairs.append((request, response))
    return pairs


async def _child(kind: str, visits: int, addon: Path) -> None:
    from mitmproxy import options
    from mitmproxy.addons import script
    from mitmproxy.proxy.layers import http as hooks
    from mitmproxy.test import tflow
    from mitmproxy.tools import dump

    opts = options.Options()
    master = dump.DumpMaster(opts, with_termlog=False, with_dumper=False)
    loaded = None
    if kind != "bare":
        loaded = script.Script(str(addon), False)
        master.addons.get("scriptloader").addons.append(loaded)
        opts.update(uxa_journal=str(Path(tempfile.mkdtemp()) / "j.jsonl"), uxa_sink=kind == "sink")
    pairs = _flows()

    async def one_visit() -> None:
        for request, response in pairs:
            flow = tflow.tflow()
            flow.request, flow.response, answer = request.copy(), None, response.copy()
            trigger = master.addons.handle_lifecycle
            await trigger(hooks.HttpRequestHeadersHook(flow))
            await trigger(hooks.HttpRequestHook(flow))
            if flow.response is None:  # not answered by the addon: the origin's answer comes
                flow.response = answer
                await trigger(hooks.HttpResponseHeadersHook(flow))
            await trigger(hooks.HttpResponseHook(flow))

    for _ in range(WARM_VISITS + visits):
        await one_visit()
    if loaded is not None and loaded.ns is not None:
        loaded.ns.addons[0].done()  # the writer thread writes out what is queued


def _count(kind: str, visits: int, tree: Path | None) -> int:
    with tempfile.TemporaryDirectory(prefix="uxa-bench-instr-") as tmp:
        out = Path(tmp) / "callgrind.out"
        env = dict(os.environ)
        if tree is not None:  # the other tree's whole package, this checkout's bench
            env.update(PYTHONSAFEPATH="1", PYTHONPATH=f"{tree}{os.pathsep}{CHECKOUT}")
        addon = (tree or CHECKOUT) / "inspector" / "capture" / "addon.py"
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
                        "-m", "bench.proxy_instructions", "--child", kind, str(visits), str(addon)],
                       cwd=CHECKOUT if tree is None else tmp, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for line in out.read_text().splitlines():
            if line.startswith("summary:"):
                return int(line.split()[1])
    raise RuntimeError("callgrind wrote no summary")


def per_visit(kind: str, tree: Path | None = None) -> float:
    """Instructions per visit (13 requests), start-up cancelled out."""
    with ThreadPoolExecutor(2) as pool:
        few, many = pool.map(lambda n: _count(kind, n, tree), (FEW, MANY))
    return (many - few) / (MANY - FEW)


def main(tree: Path | None) -> None:
    from bench.run import Row, table

    variants = [("bare", "bare", None), ("forward", "forward", None), ("sink", "sink", None)]
    if tree is not None:
        variants += [("forward (other tree)", "forward", tree), ("sink (other tree)", "sink", tree)]
    start = time.strftime("%H:%M:%S", time.gmtime())
    counts = {name: per_visit(kind, where) for name, kind, where in variants}
    bare = counts["bare"]
    rows = [Row(f"{name}: M instructions per visit", value / 1e6, bare / 1e6, "M", "", None)
            for name, value in counts.items()]
    for mode in ("forward", "sink"):  # the addon's share; against the other tree's when comparing
        added = counts[mode] - bare
        before = counts.get(f"{mode} (other tree)", counts[mode]) - bare
        rows.append(Row(f"{mode}: added by the addon, M per visit (vs other tree)", added / 1e6, before / 1e6,
                        "M", "", None))
    print(f"started {start} UTC")
    print(table(rows))


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.proxy_instructions",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--compare", type=Path, metavar="TREE", help="also count another checkout's addon")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "VISITS", "ADDON"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, visits, addon = args.child
        asyncio.run(_child(kind, int(visits), Path(addon)))
    else:
        main(args.compare.resolve() if args.compare else None)
