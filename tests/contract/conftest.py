"""Prism (Stoplight's OpenAPI mock server) serving openapi/connections.yaml on loopback, for the session.

`make test` installs the pinned Prism into .prism/ first. Missing Prism is a failure, never a skip:
the contract suite is what keeps the client honest against the document rather than against our fake.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, SPEC_PATH

PRISM = ROOT / ".prism" / "node_modules" / ".bin" / "prism"
PRISM_LOG = ROOT / ".prism" / "prism.log"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def prism_url() -> Iterator[str]:
    if not PRISM.exists():
        pytest.fail(f"Prism is not installed at {PRISM}; run `make test` (it installs the pinned version with npm)")
    port = _free_port()
    PRISM_LOG.parent.mkdir(exist_ok=True)
    log = PRISM_LOG.open("w")
    process = subprocess.Popen(
        [str(PRISM), "mock", str(SPEC_PATH), "-h", "127.0.0.1", "-p", str(port), "--errors"],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        env={**os.environ, "NO_COLOR": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"Prism exited with {process.returncode}; see {PRISM_LOG}")
            try:
                httpx.get(url + "/", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    pytest.fail(f"Prism did not answer within 60 s; see {PRISM_LOG}")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if terminalreporter.stats.get("failed") and Path(PRISM_LOG).exists():
        terminalreporter.write_line(f"Prism's log for this run is kept at {PRISM_LOG}")
