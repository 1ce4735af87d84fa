"""``sync``, ``attention --ledger`` and ``episodes`` as a user runs them: subprocesses, a SQLite ledger, a served fake.

The fleet has 2,000+ companies, served at most 2,000 a page. What ``sync`` records is read back by
``attention --ledger`` (no API call, no key) and compared with what the library flags for the same fleet;
``episodes --claim`` from several processes at once hands each episode to one of them.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from codat_connections import CodatConnections
from codat_connections.ledger import Ledger
from codat_connections.testing import FakeCodat
from tests.cli.terminal import run_with_terminal_stderr
from tests.conftest import API_KEY

pytestmark = pytest.mark.slow  # each case runs the console script in a subprocess

CONSOLE = str(Path(sys.executable).with_name("codat-connections"))
FLEET = 2_100
CODAT_NOW = datetime(2026, 5, 4, 6, 0, 1, tzinfo=UTC)


class Setup:
    def __init__(self, fake: FakeCodat, base_url: str, ledger: str) -> None:
        self.fake = fake
        self.base_url = base_url
        self.ledger = ledger
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("CODAT_")}
        self.env |= {"CODAT_API_KEY": API_KEY, "CODAT_BASE_URL": base_url}

    def run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CONSOLE, *args], capture_output=True, text=True, timeout=120, env=env or self.env, check=False
        )

    def flagged(self) -> list[dict[str, Any]]:
        """What the library flags, in the columns the ledger keeps."""
        with CodatConnections(api_key=API_KEY, base_url=self.base_url) as codat:
            return [
                {
                    "company_id": result.company_id,
                    "company_name": result.company_name,
                    "connection_id": conn.id,
                    "platform_key": conn.integration_key,
                    "status": str(conn.status),
                    "link_url": conn.link_url,
                }
                for result in codat.connections.needing_attention()
                for conn in result.connections
            ]


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    """A served fleet, and a ledger the morning job has filled (by the library: each test reads it in any order,
    on any worker)."""
    fake = FakeCodat(api_key=API_KEY, max_page_size=2_000, clock=lambda: CODAT_NOW)
    fake.add_companies(FLEET, connections_each=2, deauthorized_share=0.02)
    ledger = "sqlite:///" + str(tmp_path_factory.mktemp("ledger") / "fleet.db")
    with fake.serve() as base_url:
        with Ledger.open(ledger) as filled, CodatConnections(api_key=API_KEY, base_url=base_url) as codat:
            filled.sync(codat)
        yield Setup(fake, base_url, ledger)


def ledger_rows(setup: Setup, ledger: str) -> list[dict[str, Any]]:
    result = setup.run("attention", "--ledger", ledger, "--format", "csv", env={"PATH": os.environ["PATH"]})
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout, newline="")))


def test_sync_reports_the_fleet_and_attention_reads_it_back_with_no_api_call(setup: Setup, tmp_path: Path) -> None:
    ledger = "sqlite:///" + str(tmp_path / "first-morning.db")
    result = setup.run("sync", "--ledger", ledger, "--format", "json")
    assert (result.returncode, result.stderr) == (0, "")
    report = json.loads(result.stdout)
    as_of = datetime.fromisoformat(report.pop("as_of"))  # Codat's Date, less the time the page took
    assert CODAT_NOW - timedelta(seconds=30) < as_of <= CODAT_NOW
    assert report == {"companies": FLEET, "connections": FLEET * 2, "changed": FLEET * 2, "removed": 0, "requests": 2}

    before = len(setup.fake.requests)
    rows = ledger_rows(setup, ledger)  # no key in its environment, and no request
    assert len(setup.fake.requests) == before
    expected = sorted(setup.flagged(), key=lambda row: row["connection_id"])
    assert len(expected) > 50
    got = sorted(rows, key=lambda row: row["connection_id"])
    assert [{key: row[key] for key in expected[0]} for row in got] == expected
    assert all(datetime.fromisoformat(row["as_of"]) <= CODAT_NOW for row in rows)

    again = json.loads(setup.run("sync", "--ledger", ledger, "--format", "json").stdout)
    assert (again["changed"], again["removed"]) == (0, 0), "nothing new the second morning"


def test_sync_shows_its_progress_on_a_terminal_only(setup: Setup, tmp_path: Path) -> None:
    quiet = setup.run("sync", "--ledger", setup.ledger, "--format", "json")
    assert quiet.returncode == 0 and quiet.stderr == ""
    status, out, shown = run_with_terminal_stderr(
        CONSOLE, setup.env, tmp_path, "sync", "--ledger", setup.ledger, "--format", "json"
    )
    assert status == 0 and json.loads(out)["requests"] == 2
    lines = [line for line in shown.replace("\r\n", "\n").split("\r") if line.strip()]
    total = json.loads(out)["companies"]
    assert [line.split(" companies seen")[0] for line in lines] == [
        f"1 page read, 2,000 of {total:,}",
        f"2 pages read, {total:,} of {total:,}",
    ], shown


def test_a_failed_sync_exits_1_with_one_line(setup: Setup) -> None:
    setup.fake.fail_with_status(503, times=3, method="GET", path="/companies", retry_after="0")
    result = setup.run("sync", "--ledger", setup.ledger)
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1 and "503 Service Unavailable from GET /companies" in result.stderr
    assert result.stdout == ""


def test_attention_from_the_ledger_exit_code(setup: Setup) -> None:
    result = setup.run("attention", "--ledger", setup.ledger, "--exit-code", "--format", "jsonl")
    assert result.returncode == 1 and len(result.stdout.splitlines()) == len(setup.flagged())


def claim(setup: Setup, *args: str) -> list[dict[str, Any]]:
    result = setup.run("episodes", "--ledger", setup.ledger, *args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout))


def test_episodes_are_claimed_by_one_process_each_and_never_again_once_done(setup: Setup) -> None:
    open_before = claim(setup)
    assert len(open_before) == len(setup.flagged())
    assert {episode["connection_id"] for episode in open_before} == {row["connection_id"] for row in setup.flagged()}

    argv = [CONSOLE, "episodes", "--ledger", setup.ledger, "--claim", "20", "--lease", "600", "--format", "jsonl"]
    processes = [
        subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=setup.env, text=True)
        for _ in range(4)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0] * 4, outputs
    claimed = [json.loads(line)["id"] for out, _ in outputs for line in out.splitlines()]
    assert len(claimed) == len(set(claimed)) == min(80, len(open_before)), "each episode to one claimer"

    done = [str(episode_id) for episode_id in claimed[:10]]
    result = setup.run("episodes", "--ledger", setup.ledger, "--done", *done)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    still_open = {episode["id"] for episode in claim(setup)}
    assert still_open == {episode["id"] for episode in open_before} - {int(i) for i in done}
    rest = claim(setup, "--claim", "10000")
    assert {episode["id"] for episode in rest} == still_open - set(claimed), "held under their lease, or done"


def test_an_episode_whose_lease_ran_out_is_claimed_again(setup: Setup) -> None:
    company_id = setup.fake.add_company("Lapsed Ltd")
    [connection_id] = setup.fake.seed_connections(company_id, 1)
    setup.fake.deauthorize(company_id, connection_id)
    assert setup.run("sync", "--ledger", setup.ledger).returncode == 0
    [first] = [e for e in claim(setup, "--claim", "10000", "--lease", "1") if e["connection_id"] == connection_id]
    assert first["claims"] == 1 and first["company_name"] == "Lapsed Ltd"
    assert [e for e in claim(setup, "--claim", "10000") if e["connection_id"] == connection_id] == []
    time.sleep(1.5)  # the claimer "died": it never said --done
    [again] = [e for e in claim(setup, "--claim", "10000", "--lease", "600") if e["connection_id"] == connection_id]
    assert (again["id"], again["claims"]) == (first["id"], 2)


def test_episodes_in_tsv_are_one_line_each_with_no_empty_field(setup: Setup) -> None:
    result = setup.run("episodes", "--ledger", setup.ledger, "--format", "tsv")
    assert result.returncode == 0
    header, *lines = result.stdout.splitlines()
    assert header.split("\t")[:6] == ["id", "connection_id", "company_id", "company_name", "platform_key", "link_url"]
    assert lines and all(len(line.split("\t")) == 9 and "" not in line.split("\t") for line in lines)


@pytest.mark.parametrize(
    ("args", "status", "words"),
    [
        (["episodes", "--ledger", "mysql://db/fleet"], 2, "url must be sqlite:///path/to/file.db"),
        (["episodes", "--ledger", "sqlite:///:memory:"], 2, "a ledger must outlive its process"),
        (["episodes", "--ledger", "LEDGER", "--done", "999999"], 1, "there is no episode 999999 in this ledger"),
        (["episodes", "--ledger", "LEDGER", "--claim", "10001"], 2, "--claim takes at most 10,000 episodes"),
        (["attention", "--ledger", "LEDGER", "--tags", "a=b"], 2, "--tags selects companies from Codat"),
        (["episodes", "--ledger", "sqlite:////no/such/folder/fleet.db"], 1, "fleet.db"),
    ],
)
def test_ledger_errors_are_one_line(setup: Setup, args: list[str], status: int, words: str) -> None:
    result = setup.run(*[setup.ledger if arg == "LEDGER" else arg for arg in args])
    assert result.returncode == status, result.stderr
    assert len(result.stderr.splitlines()) == 1 and words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_a_postgresql_password_is_never_printed(setup: Setup) -> None:
    url = "postgresql://fleet:hunter2-s3cret@127.0.0.1:9/fleet"
    result = setup.run("episodes", "--ledger", url)
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert "hunter2-s3cret" not in result.stderr
