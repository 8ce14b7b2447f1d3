"""Live latency: a tag hit entering the proxy to its row in the app's timeline model.

The real app on Qt's offscreen platform (``MainWindow``, shown, with its controller, capture child,
listener, inspection and timeline model), capturing in sink mode with the real mitmdump child. A
load process sends tag hits (pageviews and events POSTs) through the proxy on one keep-alive
connection at a steady rate, each stamped with ``time.monotonic_ns()`` just before it is sent; the
app's side reads the stamp back from the recorded URL when the row is inserted into the timeline
model (``rowsInserted``) and takes the difference (one clock: Linux's monotonic clock is the same in
every process). The latency covers the addon, the writer thread, the socket, the listener, the
inspection's batch timer and the model. A second run sends the same hits to the same child read by
the threaded reference listener (``StreamServer``) instead of the app: the proxy's share alone.

Target (issue 16): p99 under 150 ms.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from bench.run import Row

HITS = 300
RATE = 25.0  # hits per second
STAMP = "bench_t"


def _hits(port: int, count: int, rate: float) -> None:
    """The load process: ``count`` tag hits at ``rate`` a second through the proxy."""
    sock = socket.create_connection(("127.0.0.1", port))
    reader = sock.makefile("rb")
    start = time.monotonic()
    for n in range(count):
        time.sleep(max(0.0, start + n / rate - time.monotonic()))
        query = f"pid=1&uu=u-{n}&sn=1&pn={n}&{STAMP}={time.monotonic_ns()}"
        if n % 2:
            body = b'{"ev":[{"t":1,"type":"click"}]}'
            head = (f"POST http://c.ba.contentsquare.net/events?{query} HTTP/1.1\r\n"
                    "Host: c.ba.contentsquare.net\r\nContent-Type: text/plain\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n")
            sock.sendall(head.encode() + body)
        else:
            sock.sendall(f"GET http://c.contentsquare.net/pageview?{query} HTTP/1.1\r\n"
                         "Host: c.contentsquare.net\r\n\r\n".encode())
        length = 0
        while (line := reader.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        reader.read(length)
    sock.close()


def _stamp_of(url: str) -> int | None:
    values = parse_qs(urlsplit(url).query).get(STAMP)
    return int(values[0]) if values else None


def _measure(hits: int, rate: float) -> dict[str, object]:
    """In the child: the app, the capture, the load; latencies in milliseconds."""
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from inspector.gui.main_window import MainWindow
    from inspector.gui.settings import Settings
    from inspector.launch.proxy import free_port
    from inspector.wire.events import Hit, Request

    app = QApplication.instance() or QApplication([])
    store = QSettings(str(Path(os.environ["XDG_CONFIG_HOME"]) / "bench.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Settings(proxy_port=free_port(), sink=True), store)
    win.resize(1400, 850)
    win.show()
    model, inspection = win.timeline_model, win.inspection
    latencies: list[float] = []

    seen: set[int] = set()

    def on_rows(_parent: object, first: int, last: int) -> None:
        now = time.monotonic_ns()
        for row in model.rows[first:last + 1]:
            event = inspection.envelope_at(row.step).event if row.verdict is None else None
            request = event.request if isinstance(event, Hit) else event  # decoded, or kept raw
            if isinstance(request, Request) and (stamp := _stamp_of(request.url)) not in (None, *seen):
                seen.add(stamp)
                latencies.append((now - stamp) / 1e6)

    model.rowsInserted.connect(on_rows)
    controller = win.controller
    loads: list[subprocess.Popen[bytes]] = []
    deadline = time.monotonic() + 30

    def watch() -> None:
        """Polled from the app's own event loop (``exec``), as the window would run."""
        if not loads and controller.connection.health == "healthy":
            port = next(p for p, name in controller.devices.items() if name == controller.profile)
            loads.append(subprocess.Popen([sys.executable, "-m", "bench.live_latency", "--load", str(port),
                                           str(hits), str(rate)]))
        elif len(latencies) >= hits or time.monotonic() > deadline + (hits / rate if loads else 0):
            app.quit()

    poll = QTimer()
    poll.timeout.connect(watch)
    poll.start(50)
    if not controller.start_capture():
        raise RuntimeError("the capture did not start")
    try:
        app.exec()
    finally:
        poll.stop()
        for load in loads:
            load.wait(10)
        controller.stop_capture()
        win.close()
    return {"latencies": latencies, "hits": hits}


def _proxy_side(hits: int, rate: float) -> list[float]:
    """The same hits, the same capture child, read by the threaded reference listener instead of the
    app: the latency of the proxy, its writer thread and the socket alone."""
    import secrets

    from inspector.launch.proxy import free_port, start_capture
    from inspector.launch.stream_server import StreamServer
    from inspector.wire.envelope import Envelope
    from inspector.wire.events import Hit, Request

    latencies: list[float] = []

    def arrived(envelope: Envelope) -> None:
        now, event = time.monotonic_ns(), envelope.event
        request = event.request if isinstance(event, Hit) else event
        if isinstance(request, Request) and (stamp := _stamp_of(request.url)) is not None:
            latencies.append((now - stamp) / 1e6)

    token = secrets.token_urlsafe(16)
    with tempfile.TemporaryDirectory(prefix="uxa-bench-latency-") as tmp, \
            StreamServer(token=token, on_envelope=arrived) as server:
        port = free_port()
        proxy = start_capture(ports={port: "bench"}, sink=True, journal=Path(tmp) / "journal.jsonl",
                              confdir=Path(tmp) / "conf", stream_port=server.port, token=token)
        try:
            server.wait_connected(timeout=10)
            _hits(port, hits, rate)
            server.wait_for(lambda _envs: len(latencies) >= hits, timeout=10)
        finally:
            proxy.stop()
    return latencies


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def rows(hits: int = HITS, rate: float = RATE) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="uxa-bench-latency-") as tmp:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            env[name] = str(Path(tmp) / name.lower())
        out = subprocess.run([sys.executable, "-m", "bench.live_latency", "--measure", str(hits), str(rate)],
                             check=True, capture_output=True, text=True, env=env, timeout=hits / rate + 120)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    latencies: list[float] = found["latencies"]
    missing = hits - len(latencies)
    note = f" ({missing} of {hits} rows missing)" if missing else ""
    p50, p99 = _percentile(latencies, 0.5), _percentile(latencies, 0.99)
    proxy_side = _proxy_side(hits, rate)
    return [
        Row(f"live latency p50, hit to row (baseline: fastest){note}", p50, min(latencies), "ms", "", None),
        Row("live latency p99, proxy side only (baseline: its p50)", _percentile(proxy_side, 0.99),
            _percentile(proxy_side, 0.5), "ms", "", None),
        Row("live latency p99, hit to row (baseline: p50)", p99, p50, "ms", "< 150 ms",
            p99 < 150 and not missing),
    ]


def main(argv: list[str]) -> int:
    if argv[:1] == ["--load"]:
        _hits(int(argv[1]), int(argv[2]), float(argv[3]))
    elif argv[:1] == ["--measure"]:
        print(json.dumps(_measure(int(argv[1]), float(argv[2]))))
    else:
        from bench.run import table

        print(table(rows()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
