"""`python -m codat_connections.testing` serves the fake for other languages and tools."""

from __future__ import annotations

import base64
import contextlib
import json
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from standardwebhooks import Webhook

from codat_connections.testing._ways_in import cli as cli_module
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


def test_an_address_not_this_machines_is_one_line_naming_it_once() -> None:
    """Review: the reason ``serve()`` gives already names the host and port; the script said it twice."""
    result = run("--host", "192.0.2.1", "--port", "0")  # TEST-NET-1: no machine's own address
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("python -m codat_connections.testing: error: cannot listen on 192.0.2.1:0: "), line
    assert line.count("cannot listen") == 1, line


def test_the_flags_keep_the_values_as_checked() -> None:
    """The key a client sends (surrounding spaces removed, as the client removes them) is the key the fake
    expects, and the public URL is kept without its final slash, as ``serve()`` keeps it."""
    args = build_parser().parse_args(["--api-key", " cli-key ", "--public-url", "http://fake.test:8765/"])
    assert args.api_key == "cli-key"
    assert args.public_url == "http://fake.test:8765"


CONSOLE = str(Path(sys.executable).with_name("codat-fake"))


def read_banner(process: subprocess.Popen[str]) -> list[str]:
    assert process.stdout is not None
    lines: list[str] = []
    while not lines or lines[-1] != "Ctrl-C to stop.":
        line = process.stdout.readline()
        assert line, f"the process ended: {lines}"
        lines.append(line.rstrip("\n"))
    return lines


# -- the console script's start state, one behaviour a test, against one process ------------------------------
SECRET = "whsec_" + base64.b64encode(b"cli-test-secret-0123456789").decode()
REDIRECT = "http://127.0.0.1:9/linked?c={companyId}&s={statusCode}&e={errorMessage}&j={journey}"
AUTH = {"Authorization": "Basic " + base64.b64encode(b"cli-key").decode()}


@dataclass
class Started:
    """The console script running with every start-state flag, its banner, and the receiver of its webhooks."""

    base_url: str
    banner: list[str]
    hook_url: str
    receiver: LoopbackReceiver
    http: httpx.Client


@pytest.fixture(scope="module")
def started() -> Iterator[Started]:
    receiver = LoopbackReceiver()
    with receiver.serve() as hook_url:
        flags = ["--port", "0", "--api-key", "cli-key", "--company", COMPANY, "--connections", "1"]
        flags += ["--companies", "4", "--connections-each", "5", "--deauthorized", "10"]
        flags += ["--webhook", hook_url, "--webhook-secret", SECRET, "--rate-limit", "500/3600"]
        flags += ["--latency", "0.01", "--jitter", "0", "--max-page-size", "3", "--link-redirect", REDIRECT]
        process = subprocess.Popen([CONSOLE, *flags], stdout=subprocess.PIPE, text=True)
        try:
            lines = read_banner(process)
            base_url = lines[0].rsplit(" ", 1)[1]
            with httpx.Client(base_url=base_url, headers=AUTH, timeout=5) as http:
                yield Started(base_url, lines, hook_url, receiver, http)
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture
def cli(started: Started) -> Iterator[Started]:
    """The started script, back at the flags' start state after each test (over HTTP, as any language would)."""
    started.receiver.received.clear()
    yield started
    started.http.post("/_fake/webhooks/flush", json={"timeout": 5})
    assert started.http.post("/_fake/reset").status_code == 204


def test_the_banner_names_each_endpoint_with_its_secret_the_redirect_the_latency_and_the_page_cap(cli: Started) -> None:
    assert f"Webhook endpoint: {cli.hook_url}  secret: {SECRET}" in cli.banner
    assert f"Link page redirects to: {REDIRECT}" in cli.banner
    assert "Latency: 0.01 s, plus up to 0 s" in cli.banner
    assert f"Control API: {cli.base_url}/_fake/ (described at {cli.base_url}/_fake/openapi.json)" in cli.banner
    assert "Pages: at most 3 records each, whatever is asked (--max-page-size to change)" in cli.banner


def test_max_page_size_caps_each_page_and_rate_limit_sets_the_limits(cli: Started) -> None:
    first = cli.http.get("/companies")
    assert (first.json()["totalResults"], first.json()["pageSize"]) == (5, 3), "--max-page-size 3"
    assert first.headers["x-rate-limit-limit"] == "500"


def test_the_fleet_flags_make_the_companies_and_their_connections(cli: Started) -> None:
    fleet = [c for n in (1, 2) for c in cli.http.get("/companies", params={"page": n}).json()["results"]]
    statuses = [c["status"] for company in fleet[1:] for c in company["dataConnections"]]
    assert (statuses.count("Deauthorized"), len(statuses)) == (2, 20), "--deauthorized 10 of 4 x 5"
    assert [c["status"] for c in fleet[0]["dataConnections"]] == ["Linked"], "--company with --connections 1"


def test_the_webhook_flags_add_the_endpoint_with_its_secret(cli: Started) -> None:
    endpoints = cli.http.get("/_fake/webhooks/endpoints").json()["endpoints"]
    assert [(e["url"], e["secret"]) for e in endpoints] == [(cli.hook_url, SECRET)]


def test_a_connection_made_over_http_links_on_the_link_page_redirects_and_signs_its_webhooks(cli: Started) -> None:
    created = cli.http.post(f"/companies/{COMPANY}/connections", json={"platformKey": "qhyg"}).json()
    assert created["linkUrl"].startswith(f"{cli.base_url}/_fake/link/companies/{COMPANY}/connections/")
    page = httpx.get(created["linkUrl"] + "?journey=demo", timeout=5)
    assert page.status_code == 200 and "Authorize" in page.text
    done = httpx.post(created["linkUrl"] + "?journey=demo", data={"choice": "authorize"}, timeout=5)
    assert done.status_code == 303
    assert done.headers["location"] == f"http://127.0.0.1:9/linked?c={COMPANY}&s=200&e=&j=demo"
    cli.http.post("/_fake/webhooks/flush", json={"timeout": 5})
    assert cli.receiver.event_types == ["connection.created", "connection.connected"]
    for received in cli.receiver.received:
        Webhook(SECRET).verify(received.body, received.headers)  # signed with the secret the banner printed


def test_reset_returns_to_the_flags_start_state(cli: Started) -> None:
    cli.http.post(f"/companies/{COMPANY}/connections", json={"platformKey": "qhyg"})
    assert cli.http.get(f"/companies/{COMPANY}/connections").json()["totalResults"] == 2
    assert cli.http.post("/_fake/reset").status_code == 204
    assert cli.http.get(f"/companies/{COMPANY}/connections").json()["totalResults"] == 1


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
        (["--public-url", "ftp://x"], "public_url must be an http"),
        (["--public-url", "http://x/?a=1"], "without a query"),
        (["--allow-host", "http://x"], "without a scheme or a port"),
        (["--host", "::1", "--port", "70000"], "0..65535"),
    ],
)
def test_bad_start_state_flags_exit_2_with_a_message(args: list[str], words: str) -> None:
    result = subprocess.run([CONSOLE, *args], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2
    assert words in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("usage: codat-fake ")


# -- a machine-readable ready signal, and stopping (issue 23 §5) ----------------------------------------------
def wait_for(path: Path, pid: int, seconds: float = 20) -> dict[str, Any]:
    """The ready signal this process wrote (a file an earlier run left is not it)."""
    deadline = time.monotonic() + seconds
    while True:
        with contextlib.suppress(FileNotFoundError, ValueError):
            ready: dict[str, Any] = json.loads(path.read_text())
            if ready.get("pid") == pid:
                return ready
        assert time.monotonic() < deadline, f"no ready file at {path}"
        time.sleep(0.05)


def test_port_0_writes_a_ready_file_a_script_reads_and_sigterm_stops_it_and_removes_the_file(tmp_path: Path) -> None:
    ready_file = tmp_path / "fake.json"
    ready_file.write_text("left by an earlier run")
    receiver = "http://127.0.0.1:9/hooks"
    command = [CONSOLE, "--port", "0", "--ready-file", str(ready_file), "--webhook", receiver]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        ready = wait_for(ready_file, process.pid)
        assert set(ready) == {"baseUrl", "publicUrl", "port", "pid", "controlApi", "webhookEndpoints"}
        [endpoint] = ready["webhookEndpoints"]
        assert endpoint["url"] == receiver and endpoint["secret"].startswith("whsec_"), "what a receiver verifies with"
        assert ready_file.stat().st_mode & 0o077 == 0, "the secrets are the owner's only"
        assert ready["baseUrl"] == f"http://127.0.0.1:{ready['port']}" == ready["publicUrl"]
        assert ready["pid"] == process.pid and ready["controlApi"] == ready["baseUrl"] + "/_fake/openapi.json"
        assert httpx.get(ready["controlApi"], timeout=5).status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0, "SIGTERM stops it cleanly"
    assert not ready_file.exists(), "removed when it stops"


def test_ready_file_dash_is_the_first_line_of_standard_output() -> None:
    process = subprocess.Popen([CONSOLE, "--port", "0", "--ready-file", "-"], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        ready = json.loads(process.stdout.readline())
        assert process.stdout.readline().startswith(f"Fake Codat serving at {ready['baseUrl']}")
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def test_sigint_stops_a_server_started_in_a_scripts_background(tmp_path: Path) -> None:
    """Review: a shell script's background job inherits SIGINT ignored, so ``kill -INT`` left the server running."""
    ready_file = tmp_path / "fake.json"
    script = f"""
        {shlex.quote(CONSOLE)} --port 0 --ready-file {shlex.quote(str(ready_file))} > /dev/null &
        pid=$!
        for _ in $(seq 200); do [ -s {shlex.quote(str(ready_file))} ] && break; sleep 0.05; done
        curl -sS -o /dev/null -w '%{{http_code}}\\n' "$(jq -r .controlApi {shlex.quote(str(ready_file))})"
        kill -INT $pid
        wait $pid
        echo "exit $?"
    """
    bash, curl, jq = (shutil.which(name) for name in ("bash", "curl", "jq"))
    if not (bash and curl and jq):
        pytest.skip("needs bash, curl and jq, as the guide's script does")
    result = subprocess.run([bash, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert result.stdout.split() == ["200", "exit", "0"], result.stdout + result.stderr
    assert not ready_file.exists()


# -- where it listens and what it answers to (issue 23 §5) --------------------------------------------------
def test_host_ipv6_loopback_serves_at_a_bracketed_url(tmp_path: Path) -> None:
    process = subprocess.Popen([CONSOLE, "--host", "::1", "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        lines = read_banner(process)
        base_url = lines[0].rsplit(" ", 1)[1]
        assert base_url.startswith("http://[::1]:")
        [try_line] = [line for line in lines if line.startswith("Try: curl ")]
        url, headers = curl_parts(try_line)
        assert httpx.get(url, headers=headers, timeout=5).status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_in_a_container_the_public_url_is_what_clients_get_and_only_named_hosts_are_answered() -> None:
    with socket.socket() as probe:  # a free port, so the public URL can name the one it listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    public = f"http://localhost:{port}"
    flags = ["--host", "0.0.0.0", "--port", str(port), "--public-url", public, "--allow-host", "codat-fake"]
    process = subprocess.Popen([CONSOLE, *flags], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = read_banner(process)
        assert lines[0] == f"Fake Codat serving at {public}"
        assert lines[1] == f"Listening on 0.0.0.0:{port} (from this machine: http://127.0.0.1:{port})"
        assert f"Control API: {public}/_fake/ (described at {public}/_fake/openapi.json)" in lines
        assert any(line.startswith("Answers requests for: ") and "codat-fake" in line for line in lines)
        company = lines[lines.index(next(line for line in lines if line.startswith("Companies: ")))].split(": ")[1]
        auth = {"Authorization": "Basic " + base64.b64encode(b"fake-codat-api-key").decode()}
        created = httpx.post(f"{public}/companies/{company}/connections", json={"platformKey": "gbol"}, headers=auth)
        assert created.json()["linkUrl"].startswith(f"{public}/_fake/link/companies/{company}/connections/")
        for host, status in (("codat-fake", 200), ("localhost", 200), ("attacker.example", 421)):
            answer = httpx.get(f"http://127.0.0.1:{port}/companies", headers={**auth, "Host": f"{host}:{port}"})
            assert answer.status_code == status, host
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert "warning: listening on 0.0.0.0, beyond this machine" in stderr


def test_remote_webhooks_are_taken_only_with_their_flag() -> None:
    remote = "http://host.docker.internal:3000/hooks"
    refused = subprocess.run([CONSOLE, "--webhook", remote], capture_output=True, text=True, timeout=30, check=False)
    assert refused.returncode == 2 and "--allow-remote-webhooks" in refused.stderr
    process = subprocess.Popen(
        [CONSOLE, "--port", "0", "--webhook", remote, "--allow-remote-webhooks"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert any(line.startswith(f"Webhook endpoint: {remote}  secret: whsec_") for line in read_banner(process))
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert "warning: webhooks may go beyond loopback (--allow-remote-webhooks)" in stderr


def test_outside_the_main_thread_no_signal_handler_is_set() -> None:
    """Python allows signal handlers only in the main thread: main() called from another one must still run."""
    outcome: list[object] = []
    worker = threading.Thread(target=lambda: outcome.append(cli_module._stop_on_signals()))
    worker.start()
    worker.join(5)
    assert [type(o) for o in outcome] == [threading.Event]
