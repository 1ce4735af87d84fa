"""`python -m codat_connections.testing` serves the fake for other languages and tools."""

from __future__ import annotations

import base64
import subprocess
import sys

import httpx

COMPANY = "8a210b68-6988-11ed-a1eb-0242ac120002"


def test_cli_serves_seeded_connections_and_stops() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "codat_connections.testing",
            "--port",
            "0",
            "--api-key",
            "cli-key",
            "--company",
            COMPANY,
            "--seed",
            "3",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        assert COMPANY in banner
        base_url = banner.split(" at ", 1)[1].split(";", 1)[0]
        auth = {"Authorization": "Basic " + base64.b64encode(b"cli-key").decode()}
        page = httpx.get(f"{base_url}/companies/{COMPANY}/connections", headers=auth, timeout=5).json()
        assert page["totalResults"] == 3
        assert httpx.get(f"{base_url}/companies/{COMPANY}/connections", timeout=5).status_code == 401
    finally:
        process.terminate()
        process.wait(timeout=10)
