"""`python -m codat_connections.testing` serves the fake for other languages and tools."""

from __future__ import annotations

import shlex
import shutil
import socket
import subprocess
import sys

import httpx
import pytest

from codat_connections.testing.__main__ import build_parser
from tests.conftest import COMPANY

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
