"""`python -m codat_connections.testing` serves the fake for other languages and tools."""

from __future__ import annotations

import base64
import shlex
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from standardwebhooks import Webhook

from codat_connections.testing._ways_in.cli import build_parser
from tests.conftest import COMPANY
from tests.fake.receiver import LoopbackReceiver

pytestmark = pytest.mark.slow  # each case runs codat-fake in a subprocess

CLI = [sys.executable, "-m", "codat_connections.testing"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=30, check=False)


def test_help_names_the_program_and_explains_every_option() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: python -m codat_connections.testing ")
    options = [action for action in build_parser()._actions if action.option_strings]
    assert {o.option_strings[-1] for o in options} >= {"--host", "--port", "--api-key", "--company", "--connections"}
    for option in options:
        assert option.help, f"{option.option_strings} has no help"
        assert option.option_strings[-1] in result.stdout


def curl_parts(line: str) -> tuple[str, dict[str, str]]:
    """The URL and headers of the printed curl command."""
    words = shlex.split(line.removeprefix("Try: "))
    assert words[0] == "curl"
    headers = dict(words[i + 1].split(": ", 1) for i, word in enumerate(words) if word == "-H")
    [url] = [word for word in words[1:] if word.startswith("http")]
    return url, headers


def test_banner_gives_the_url_the_key_and_a_curl_line_that_works() -> None:
    process = subprocess.Popen(
        [*CLI, "--port", "0", "--api-key", "cli-key", "--company", COMPANY, "--connections", "3"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline().rstrip("\n") for _ in range(5)]
        assert lines[0].startswith("Fake Codat serving at http://127.0.0.1:")
        base_url = lines[0].rsplit(" ", 1)[1]
        assert lines[1].startswith("API key: cli-key ")
        assert COMPANY in lines[2]
        [try_line] = [line for line in lines if line.startswith("Try: curl ")]
        url, headers = curl_parts(try_line)
        assert url == f"{base_url}/companies/{COMPANY}/connections"
        page = httpx.get(url, headers=headers, timeout=5).json()
        assert page["totalResults"] == 3
        assert httpx.get(url, timeout=5).status_code == 401
        if shutil.which("curl"):
            command = shlex.split(try_line.removeprefix("Try: "))
            printed = subprocess.run(command, capture_output=True, timeout=30, check=False)
            assert printed.returncode == 0
            assert b'"totalResults": 3' in printed.stdout
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--connections", "-1"], "must be 0 or more"),
        (["--connections", "x"], "whole number"),
        (["--port", "70000"], "0..65535"),
        (["--seed", "3"], "unrecognized"),
        # values no client could send are refused here too
        (["--company", "a/b"], "the company id must not contain '/'"),
        (["--api-key", ""], "the API key must not be empty"),
        (["--api-key", "caf\u00e9-key"], "non-ASCII character"),
        (["--connections", "100000000000"], "at most 100,000 per company"),
        (["--companies", "100001"], "at most 100,000 companies"),
        (["--companies", "20000", "--connections-each", "51"], "at most 1,000,000 connections in all"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(args: list[str], words: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_a_port_in_use_is_a_one_line_error_and_status_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("--port", str(port))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"python -m codat_connections.testing: error: port {port} on 127.0.0.1 is already in use; "
        "choose another with --port (0: any free port)"
    ]


CONSOLE = str(Path(sys.executable).with_name("codat-fake"))


def read_banner(process: subprocess.Popen[str]) -> list[str]:
    assert process.stdout is not None
    lines: list[str] = []
    while not lines or lines[-1] != "Ctrl-C to stop.":
        line = process.stdout.readline()
        assert line, f"the process ended: {lines}"
        lines.append(line.rstrip("\n"))
    return lines


def test_the_console_script_sets_the_start_state_from_its_flags_and_is_driven_over_http_only() -> None:
    receiver = LoopbackReceiver()
    secret = "whsec_" + base64.b64encode(b"cli-test-secret-0123456789").decode()
    with receiver.serve() as hook_url:
        redirect = "http://127.0.0.1:9/linked?c={companyId}&s={statusCode}&e={errorMessage}&j={journey}"
        flags = ["--port", "0", "--api-key", "cli-key", "--company", COMPANY, "--connections", "1"]
        flags += ["--companies", "4", "--connections-each", "5", "--deauthorized", "10"]
        flags += ["--webhook", hook_url, "--webhook-secret", secret, "--rate-limit", "500/3600"]
        flags += ["--latency", "0.01", "--jitter", "0", "--max-page-size", "3", "--link-redirect", redirect]
        process = subprocess.Popen([CONSOLE, *flags], stdout=subprocess.PIPE, text=True)
        try:
            lines = read_banner(process)
            base_url = lines[0].rsplit(" ", 1)[1]
            assert f"Webhook endpoint: {hook_url}  secret: {secret}" in lines
            assert f"Link page redirects to: {redirect}" in lines
            assert "Latency: 0.01 s, plus up to 0 s" in lines
            assert f"Control API: {base_url}/_fake/ (described at {base_url}/_fake/openapi.json)" in lines
            auth = {"Authorization": "Basic " + base64.b64encode(b"cli-key").decode()}
            with httpx.Client(base_url=base_url, headers=auth, timeout=5) as http:
                first = http.get("/companies")
                assert (first.json()["totalResults"], first.json()["pageSize"]) == (5, 3), "--max-page-size 3"
                assert first.headers["x-rate-limit-limit"] == "500"
                fleet = [c for n in (1, 2) for c in http.get("/companies", params={"page": n}).json()["results"]]
                statuses = [c["status"] for company in fleet[1:] for c in company["dataConnections"]]
                assert (statuses.count("Deauthorized"), len(statuses)) == (2, 20)
                assert [c["status"] for c in fleet[0]["dataConnections"]] == ["Linked"]
                endpoints = http.get("/_fake/webhooks/endpoints").json()["endpoints"]
                assert [(e["url"], e["secret"]) for e in endpoints] == [(hook_url, secret)]

                created = http.post(f"/companies/{COMPANY}/connections", json={"platformKey": "qhyg"}).json()
                assert created["linkUrl"].startswith(f"{base_url}/_fake/link/companies/{COMPANY}/connections/")
                page = httpx.get(created["linkUrl"] + "?journey=demo", timeout=5)
                assert page.status_code == 200 and "Authorize" in page.text
                done = httpx.post(created["linkUrl"] + "?journey=demo", data={"choice": "authorize"}, timeout=5)
                assert done.status_code == 303
                assert done.headers["location"] == f"http://127.0.0.1:9/linked?c={COMPANY}&s=200&e=&j=demo"
                http.post("/_fake/webhooks/flush", json={"timeout": 5})

                assert http.post("/_fake/reset").status_code == 204
                after = http.get(f"/companies/{COMPANY}/connections").json()
                assert after["totalResults"] == 1, "reset returns to the flags' start state"
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert receiver.event_types == ["connection.created", "connection.connected"]
    for received in receiver.received:
        Webhook(secret).verify(received.body, received.headers)  # signed with the secret the banner printed


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--rate-limit", "0/60"], "at least 1 request"),
        (["--rate-limit", "many"], "REQUESTS/SECONDS"),
        (["--latency", "-1"], "0 or more"),
        (["--deauthorized", "150"], "0..100"),
        (["--webhook", "https://example.com/hook"], "loopback"),
        (["--webhook-secret", "whsec_c2VjcmV0"], "needs a --webhook"),
        (["--webhook", "http://127.0.0.1:9/h", "--webhook-secret", "nope"], "whsec_"),
        (["--link-redirect", "ftp://x"], "http(s)://"),
        (["--max-page-size", "0"], "max_page_size"),
    ],
)
def test_bad_start_state_flags_exit_2_with_a_message(args: list[str], words: str) -> None:
    result = subprocess.run([CONSOLE, *args], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2
    assert words in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("usage: codat-fake ")
