"""Serve the demo shop (``resources/demo``) on localhost, in a background thread.

Plain static files; ``Cache-Control: no-store`` so the browser fetches every page again and the
capture sees each load (and injects its observer each time).
"""

from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from inspector.package_files import resource
from inspector.wire.endpoints import LOOPBACK

DEMO_ROOT = resource("demo")


class _Handler(SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # the capture shows the traffic; no console noise


class DemoSite:
    """``start()`` binds ``host`` on a free port (or ``port``); ``url`` is then the shop's address."""

    def __init__(self, root: Path = DEMO_ROOT, host: str = LOOPBACK, port: int = 0) -> None:
        if not (root / "index.html").is_file():
            raise FileNotFoundError(f"the demo site is missing: no index.html in {root}")
        self.root = root
        self._server = ThreadingHTTPServer((host, port), partial(_Handler, directory=str(root)))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        # "localhost" rather than 127.0.0.1: cookies and origins read like a real site.
        return f"http://localhost:{self.port}/"

    def start(self) -> DemoSite:
        self._thread = threading.Thread(target=self._server.serve_forever, name="demo-site", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
