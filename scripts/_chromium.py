"""What the browser scripts (browser_docs.py, browser_link_page.py) share: Debian's Chromium, a loopback server."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

INSTALL = "apt-get install -y chromium"
"""The one command that installs the Chromium the scripts drive (Playwright's own browser is never used)."""


def find_chromium(given: str | None) -> str | None:
    """The Chromium executable: ``given``, else ``$CHROMIUM``, else ``chromium`` on PATH; None when none exists."""
    for candidate in (given, os.environ.get("CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@contextmanager
def serve(handler: Callable[..., BaseHTTPRequestHandler]) -> Iterator[str]:
    """``handler`` served on a free loopback port, in a thread, for the block; yields ``http://127.0.0.1:<port>``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
