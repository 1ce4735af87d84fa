"""Each command as a user runs it: the installed ``codat-connections`` in a subprocess, against a served fake fleet.

The fleet has 2,000+ companies and the fake serves at most 2,000 a page (as Codat's document caps a
response), so the listing sweep takes more than one page. What the command prints, read back with
``csv`` and ``json``, is compared with what the library returns for the same fleet.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from codat_connections import CodatConnections
from codat_connections.testing import FakeCodat
from tests.cli.terminal import run_with_terminal_stderr
from tests.conftest import API_KEY

pytestmark = pytest.mark.slow  # each case runs the console script in a subprocess

CONSOLE = str(Path(sys.executable).with_name("codat-connections"))
FLEET = 2_345
PAGE_CAP = 2_000
CODAT_NOW = datetime(2026, 5, 4, 6, 0, 1, tzinfo=UTC)
"""The fake's clock, stopped: every answer's Date, so that the command's "as of" equals the library's."""
AWKWARD_NAME = "Smith, O'Brien & Co"
"""A name with a comma and a quote: CSV must quote it, and it must read back whole."""


class Fleet:
    def __init__(self, fake: FakeCodat, base_url: str) -> None:
        self.fake = fake
        self.base_url = base_url
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("CODAT_")}
        self.env |= {"CODAT_API_KEY": API_KEY, "CODAT_BASE_URL": base_url}

    def run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CONSOLE, *args], capture_output=True, text=True, timeout=120, env=env or self.env, check=False
        )

    def client(self) -> CodatConnections:
        return CodatConnections(api_key=API_KEY, base_url=self.base_url)


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    fake = FakeCodat(api_key=API_KEY, max_page_size=PAGE_CAP, clock=lambda: CODAT_NOW)
    fake.add_companies(FLEET, connections_each=2, deauthorized_share=0.05)
    awkward = fake.add_company(AWKWARD_NAME, tags={"segment": "lending"})
    lost = fake.seed_connections(awkward, 2)[1]
    fake.deauthorize(awkward, lost, "The user revoked access")
    with fake.serve() as base_url:
        yield Fleet(fake, base_url)


def library_rows(fleet: Fleet, **kwargs: Any) -> list[dict[str, Any]]:
    """The morning question as the library answers it, in the command's columns."""
    with fleet.client() as codat:
        return [
            {
                "company_id": result.company_id,
                "company_name": result.company_name,
                "connection_id": conn.id,
                "platform_key": conn.integration_key,
                "platform_name": conn.platform_name,
                "status": str(conn.status),
                "link_url": conn.link_url,
                "as_of": None if result.as_of is None else result.as_of.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
            for result in codat.connections.needing_attention(**kwargs)
            for conn in result.connections
        ]


def test_attention_as_csv_reads_back_as_the_library_answers(fleet: Fleet) -> None:
    before = len(fleet.fake.requests_to("GET", "/companies"))
    result = fleet.run("attention", "--format", "csv")
    assert (result.returncode, result.stderr) == (0, "")
    assert len(fleet.fake.requests_to("GET", "/companies")) - before == 2, "the listing sweep: two pages of 2,000"
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    expected = library_rows(fleet)
    assert len(expected) > 100
    assert rows == expected
    assert {row["as_of"] for row in rows} == {"2026-05-04T06:00:01Z"}, "the Date of Codat's answer, in ISO 8601 UTC"
    assert AWKWARD_NAME in {row["company_name"] for row in rows}
    assert f'"{AWKWARD_NAME}"' in result.stdout, "quoted, as RFC 4180 asks of a field with a comma"


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_attention_as_json_parses_to_what_the_library_answers(fleet: Fleet, fmt: str) -> None:
    result = fleet.run("attention", "--format", fmt)
    assert result.returncode == 0
    rows = json.loads(result.stdout) if fmt == "json" else [json.loads(line) for line in result.stdout.splitlines()]
    assert rows == library_rows(fleet)


def test_attention_with_tags_reads_only_the_companies_carrying_them(fleet: Fleet) -> None:
    result = fleet.run("attention", "--tags", "segment=lending", "--format", "json")
    assert result.returncode == 0
    rows = json.loads(result.stdout)
    assert rows == library_rows(fleet, tags="segment=lending")
    assert [row["company_name"] for row in rows] == [AWKWARD_NAME]


def test_attention_exit_code_is_1_when_anything_is_flagged(fleet: Fleet) -> None:
    flagged = fleet.run("attention", "--exit-code", "--format", "jsonl")
    assert flagged.returncode == 1 and flagged.stdout
    clean = fleet.run("attention", "--exit-code", "--tags", "segment=none", "--format", "jsonl")
    assert (clean.returncode, clean.stdout, clean.stderr) == (0, "", "")


def test_no_progress_when_stderr_is_not_a_terminal(fleet: Fleet) -> None:
    result = fleet.run("attention", "--format", "jsonl")
    assert result.returncode == 0
    assert result.stderr == ""


def test_progress_is_shown_when_stderr_is_a_terminal_and_stdout_stays_clean(fleet: Fleet, tmp_path: Path) -> None:
    status, out, shown = run_with_terminal_stderr(CONSOLE, fleet.env, tmp_path, "attention", "--format", "jsonl")
    assert status == 0
    assert [json.loads(line) for line in out.splitlines()] == library_rows(fleet)
    lines = [line for line in shown.replace("\r\n", "\n").split("\r") if line.strip()]
    with fleet.client() as codat:
        companies = codat.companies.list(page_size=1).total_results
    assert lines[0].startswith(f"1 page read, 2,000 of {companies:,} companies seen, "), shown
    assert lines[-1].startswith(f"2 pages read, {companies:,} of {companies:,} companies seen, "), shown
    assert lines[-1].endswith(" flagged\x1b[K\n"), "the line ends when the work does"
    assert "\r" not in out and "companies seen" not in out


def test_progress_says_the_time_left_under_the_pacing(fleet: Fleet, tmp_path: Path) -> None:
    status, _, shown = run_with_terminal_stderr(
        CONSOLE, fleet.env, tmp_path, "attention", "--format", "csv", "--max-requests-per-minute", "30"
    )
    assert status == 0
    first = shown.split("\r")[1]
    assert first.endswith("; about 2 s left at 30 requests/min\x1b[K"), shown  # one page more, 2 s apart


def test_onboard_twice_gives_the_same_company_and_connection(fleet: Fleet) -> None:
    first = fleet.run("onboard", "Bright Bakery Ltd", "--tag", "uid=cust-42", "--platform", "gbol", "--format", "json")
    assert (first.returncode, first.stderr) == (0, "")
    record = json.loads(first.stdout)
    assert record["company_name"] == "Bright Bakery Ltd" and record["status"] == "PendingAuth"
    assert record["link_url"].startswith(fleet.base_url + "/_fake/link/companies/" + record["company_id"])
    again = json.loads(
        fleet.run(
            "onboard", "Bright Bakery Ltd", "--tag", "uid=cust-42", "--platform", "gbol", "--format", "json"
        ).stdout
    )
    assert again == record
    creates = [r for r in fleet.fake.requests_to("POST") if r.path == f"/companies/{record['company_id']}/connections"]
    assert len(creates) == 1


def test_onboard_re_links_a_deauthorized_connection_and_replaces_a_deleted_one(fleet: Fleet) -> None:
    def onboard() -> dict[str, Any]:
        result = fleet.run("onboard", "Acme Ltd", "--tag", "uid=cust-7", "--platform", "gbol", "--format", "json")
        assert result.returncode == 0, result.stderr
        return dict(json.loads(result.stdout))

    first = onboard()
    company_id, connection_id = first["company_id"], first["connection_id"]
    fleet.fake.complete_link(company_id, connection_id)
    fleet.fake.deauthorize(company_id, connection_id)
    relink = onboard()
    assert (relink["connection_id"], relink["status"]) == (connection_id, "Deauthorized"), "re-link it, do not create"
    assert relink["link_url"] == first["link_url"]

    with fleet.client() as codat:
        codat.connections.delete(company_id, connection_id)
    fresh = onboard()  # within the idempotency window of the first create: its replay names the deleted one
    assert fresh["company_id"] == company_id
    assert fresh["connection_id"] != connection_id and fresh["status"] == "PendingAuth"
    with fleet.client() as codat:
        assert [conn.id for conn in codat.connections.iterate(company_id)] == [fresh["connection_id"]]


def test_two_onboardings_at_once_make_one_company_and_one_connection(fleet: Fleet) -> None:
    argv = [CONSOLE, "onboard", "Twin Ltd", "--tag", "uid=cust-twin", "--platform", "gbol", "--format", "json"]
    fleet.fake.latency(0.5)  # each lookup answers after the others were sent: none finds what another creates
    try:
        processes = [
            subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=fleet.env, text=True)
            for _ in range(3)
        ]
        results = [process.communicate(timeout=120) for process in processes]
    finally:
        fleet.fake.latency(0)
    assert [process.returncode for process in processes] == [0, 0, 0], results
    records = [json.loads(out) for out, _ in results]
    assert records[0] == records[1] == records[2]
    with fleet.client() as codat:
        assert len(list(codat.connections.iterate(records[0]["company_id"]))) == 1


def test_onboard_without_a_platform_prints_the_companys_link_flow(fleet: Fleet) -> None:
    result = fleet.run("onboard", "Plain Ltd", "--tag", "uid=cust-plain", "--format", "csv")
    assert result.returncode == 0
    [row] = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    with fleet.client() as codat:
        company = codat.companies.get(row["company_id"])
    assert (row["company_name"], row["connection_id"], row["link_url"]) == ("Plain Ltd", "", company.redirect)


def test_link_url_prints_the_connections_link_url(fleet: Fleet) -> None:
    company_id = fleet.fake.add_company("Link Ltd")
    [connection_id] = fleet.fake.seed_connections(company_id, 1, status="Deauthorized")
    result = fleet.run("link-url", company_id, connection_id)
    assert (result.returncode, result.stderr) == (0, "")
    with fleet.client() as codat:
        assert result.stdout == codat.connections.get_authorization_url(company_id, connection_id) + "\n"


@pytest.mark.parametrize(
    "args",
    [
        ["attention", "--format", "yaml"],
        ["attention", "--tags"],
        ["onboard", "Acme Ltd", "--tag", "uid"],
        ["link-url", "only-one-id"],
        ["episodes"],
        ["frobnicate"],
    ],
)
def test_bad_input_exits_2_with_one_line(fleet: Fleet, args: list[str]) -> None:
    result = fleet.run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("codat-connections")
    assert "Traceback" not in result.stderr


def test_an_api_error_exits_1_with_one_line_and_never_the_key(fleet: Fleet) -> None:
    env = fleet.env | {"CODAT_API_KEY": "sk-live-NOT-THIS-ONE-1234"}
    result = fleet.run("attention", env=env)
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1 and "401 Unauthorized" in result.stderr
    assert "sk-live-NOT-THIS-ONE-1234" not in result.stderr + result.stdout
    unreachable = fleet.env | {"CODAT_BASE_URL": "http://127.0.0.1:9"}
    result = fleet.run("link-url", "a", "b", "--timeout", "2", env=unreachable)
    assert result.returncode == 1 and len(result.stderr.splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_python_dash_m_runs_the_same_tool(fleet: Fleet) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "codat_connections", "attention", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=fleet.env,
        check=False,
    )
    assert result.returncode == 0
    assert json.loads(result.stdout) == library_rows(fleet)
    usage = subprocess.run(
        [sys.executable, "-m", "codat_connections", "attention", "--bad"], capture_output=True, text=True, check=False
    )
    assert usage.returncode == 2 and usage.stderr.startswith("python -m codat_connections attention: error:")


def test_importing_the_library_loads_neither_the_command_line_nor_the_ledger() -> None:
    check = (
        "import sys, codat_connections; from codat_connections import CodatConnections; CodatConnections(api_key='k');"
        "print(sorted(m for m in sys.modules if m.startswith(('codat_connections.cli', 'codat_connections.ledger'))))"
    )
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout == "[]\n"


def test_the_ledger_commands_that_ask_no_api_load_no_client() -> None:
    """``episodes`` and ``attention --ledger`` make no API call: they start without the client's operations
    and the generated models (63 modules of them and their dependencies, loaded for nothing, before)."""
    check = (
        "import sys; import codat_connections.cli._ledger; prefixes = ('codat_connections_api.api',"
        "'codat_connections_api.models', 'codat_connections._sync.fleet', 'codat_connections._operations');"
        "print(sorted(m for m in sys.modules if m.startswith(prefixes)))"
    )
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout == "[]\n"


def test_a_reader_that_leaves_early_stops_the_command_quietly(fleet: Fleet) -> None:
    process = subprocess.Popen(
        [CONSOLE, "attention", "--format", "jsonl"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=fleet.env,
    )
    assert process.stdout is not None and process.stderr is not None
    assert json.loads(process.stdout.readline())["status"] == "Deauthorized"
    process.stdout.close()  # as `| head -1` does
    assert process.wait(timeout=60) == 141
    assert process.stderr.read() == b"", "no traceback, no 'Exception ignored'"
