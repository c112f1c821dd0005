"""Shared pieces for browser tests: the built site served on loopback, Debian's Chromium."""

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def require_chromium():
    """Skip with a clear message when Chromium is absent, except under CI, where it must run."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"Chromium not found at {CHROMIUM}; .ci/run installs it with apt-get")
    pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium); browser tests skipped")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    csp: str | None = None
    referers: list  # (path, Referer header) of every request, for the tests that look for leaks

    def log_message(self, *args):
        pass

    def end_headers(self):
        self.referers.append((self.path, self.headers.get("Referer")))
        if self.csp:
            self.send_header("Content-Security-Policy", self.csp)
        super().end_headers()


class StaticSite:
    """A built site served over HTTP on a loopback port, optionally under a CSP header."""

    def __init__(self, directory: Path, csp: str | None = None):
        self.referers = []
        handler = functools.partial(type("Handler", (_Quiet,), {"csp": csp, "referers": self.referers}),
                                    directory=str(directory))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.origin = self.url.rstrip("/")
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
