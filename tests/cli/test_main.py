"""The command line in-process (``main(argv)``, streams captured): formats, exit statuses, one-line errors.

The subprocess tests (test_commands.py) run the installed console script against a fleet; these run
fast, against a served fake of a few companies.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from pathlib import Path

import pytest

from codat_connections import CodatConnections
from codat_connections.cli import main
from codat_connections.cli._parser import build_parser
from tests.cli.conftest import Served
from tests.conftest import API_KEY

COMMANDS = ["attention", "sync", "episodes", "onboard", "link-url"]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def flagged_by_the_library() -> list[tuple[str, str, str]]:
    with CodatConnections() as codat:
        return [
            (result.company_id, conn.id, conn.link_url)
            for result in codat.connections.needing_attention()
            for conn in result.connections
        ]


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "tsv"])
def test_attention_prints_what_the_library_flags(fmt: str, served: Served, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["attention", "--format", fmt], capsys)
    assert (status, err) == (0, "")
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out, newline="")))
    elif fmt == "json":
        rows = json.loads(out)
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in out.splitlines()]
    else:
        header, *lines = out.splitlines()
        rows = [dict(zip(header.split("\t"), line.split("\t"), strict=True)) for line in lines]
    got = [(row["company_id"], row["connection_id"], row["link_url"]) for row in rows]
    assert got == flagged_by_the_library() and got
    assert {row["status"] for row in rows} == {"Deauthorized"}
    assert {row["platform_key"] for row in rows} == {"gbol"}


def test_exit_code_says_whether_anything_is_flagged(served: Served, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["attention", "--exit-code", "--format", "jsonl"], capsys)[0] == 1
    assert run(["attention", "--format", "jsonl"], capsys)[0] == 0, "only with --exit-code"
    flagged = flagged_by_the_library()
    assert flagged
    for company_id, connection_id, _ in flagged:
        served.fake.complete_link(company_id, connection_id)  # the users re-linked
    status, out, _ = run(["attention", "--exit-code"], capsys)
    assert (status, out) == (0, "No connection needs attention.\n")


def test_link_url_prints_the_connections_own_link_url(served: Served, capsys: pytest.CaptureFixture[str]) -> None:
    company_id = served.fake.add_company("Acme Ltd")
    [connection_id] = served.fake.seed_connections(company_id, 1)
    status, out, err = run(["link-url", company_id, connection_id], capsys)
    assert (status, err) == (0, "")
    assert out == served.fake.connections_of(company_id)[0]["linkUrl"] + "\n"


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        ([], "the following arguments are required: COMMAND"),
        (["relink"], "invalid choice: 'relink'"),
        (["attention", "--format", "xml"], "argument --format: invalid choice: 'xml'"),
        (["attention", "--tags", "segment"], "expected a tag as KEY=VALUE"),
        (["attention", "--nope"], "codat-connections attention: error: unrecognized arguments: --nope"),
        (["attention", "--timeout", "0"], "argument --timeout: expected a number of seconds greater than 0"),
        (["attention", "--max-requests-per-minute", "lots"], "expected a number of requests, got 'lots'"),
        (["onboard", "Acme Ltd"], "the following arguments are required: --tag"),
        (["onboard", "Acme Ltd", "--tag", "uid=1", "--tag", "uid=2"], "--tag uid is given twice"),
        (["onboard", "(株)", "--tag", "uid=1"], "the company name '(株)' has no character Codat keeps"),
        (["link-url", "a/b", "c"], "the company id must not contain '/'"),
        (["link-url", "a"], "the following arguments are required: CONNECTION_ID"),
        (["episodes", "--ledger", "sqlite:///x.db", "--claim", "0"], "expected a whole number greater than 0"),
        (["episodes", "--ledger", "sqlite:///x.db", "--claim", "1", "--done", "3"], "not allowed with argument"),
        (["episodes", "--ledger", "sqlite:///x.db", "--lease", "5"], "--lease goes with --claim"),
        (["sync"], "the following arguments are required: --ledger"),
        (["attention", "--base-url", "http://codat.example"], "refusing to send the API key over plain http"),
    ],
)
def test_a_usage_error_is_one_line_and_status_2(
    argv: list[str], words: str, served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(argv, capsys)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and words in err, err
    assert err.startswith("codat-connections")
    assert "usage:" not in err and "Traceback" not in err
    assert served.fake.requests == [], "refused before any request"


def test_no_key_is_a_usage_error_that_says_how_to_give_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CODAT_API_KEY", raising=False)
    for argv in (["attention"], ["onboard", "Acme Ltd", "--tag", "uid=1"], ["link-url", "a", "b"]):
        assert run(argv, capsys) == (
            2,
            "",
            "codat-connections: error: no Codat API key: set CODAT_API_KEY (or pass --api-key)\n",
        )


def test_an_api_error_is_one_line_status_1_with_codats_message_and_never_the_key(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    company_id = served.fake.add_company("Acme Ltd")
    status, out, err = run(["link-url", company_id, "no-such-connection"], capsys)
    assert (status, out) == (1, "")
    [line] = err.splitlines()
    assert line.startswith("codat-connections: error: 404 Not Found from GET /companies/")
    assert "correlation id" in line

    wrong = "sk-wrong-9d8c7b6a5f4e"
    status, _, err = run(["attention", "--api-key", wrong], capsys)
    assert status == 1 and err.count("\n") == 1 and "401 Unauthorized" in err
    assert wrong not in err and base64.b64encode(wrong.encode()).decode() not in err
    assert API_KEY not in err


def test_a_secret_in_any_message_is_redacted(
    served: Served, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from codat_connections.cli import _live

    def leaky(args: object, streams: object) -> int:
        raise ValueError(f"a message quoting {API_KEY} and {base64.b64encode(API_KEY.encode()).decode()}")

    monkeypatch.setattr(_live, "link_url", leaky)
    status, _, err = run(["link-url", "a", "b"], capsys)
    assert status == 2
    assert API_KEY not in err and "<redacted>" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["attention", "--api-kye", "sk-typo-SECRET-123"],
        ["attention", "--api-key=sk-typo-SECRET-123", "--format", "sk-typo-SECRET-123"],
        ["attention", "--api", "sk-typo-SECRET-123", "--tags", "sk-typo-SECRET-123"],
        ["episodes", "--ledger", "x", "--ledgr", "postgresql://u:sk-typo-SECRET-123@h/db"],
        ["episodes", "--ledger=x", "--ldger=postgresql://u:sk-typo-SECRET-123@h/db"],
        ["episodes", "--ledger=x", "--ldger=postgresql://u:sk-typo/SECRET-123@h/db"],
        ["episodes", "--ledger=x", "--ldger=postgresql://u:sk-typo-SECRET-123@[h/db"],
        ["episodes", "--ledger", "sqlite:///x.db", "postgresql://u:sk-typo-SECRET-123@h/db"],
        ["episodes", "--ledger", "sqlite:///x.db", "postgresql://h/db?password=sk-typo-SECRET-123"],
        ["attention", "--token", "sk-typo-SECRET-123"],
        ["attention", "--secret=sk-typo-SECRET-123"],
    ],
)
def test_a_usage_error_never_quotes_a_key_or_password_given_on_the_command_line(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(argv, capsys)
    assert status == 2 and err.count("\n") == 1
    assert "sk-typo-SECRET-123" not in err and "sk-typo/SECRET-123" not in err and "<redacted>" in err, err


def test_a_database_password_in_a_message_is_redacted() -> None:
    from codat_connections.cli._secrets import Secrets

    secrets = Secrets()
    secrets.add_url("postgresql://fleet:s3cr%40t-pw@db.internal:5432/fleet")
    assert secrets.redact("could not connect as fleet:s3cr%40t-pw, s3cr@t-pw") == (
        "could not connect as fleet:<redacted>, <redacted>"
    )
    secrets.add_url("postgresql://fleet@db.internal/fleet?sslmode=require&password=q%2Bp+w")
    assert secrets.redact("q%2Bp+w q+p w q+p+w") == "<redacted> <redacted> <redacted>"
    secrets.add_url("sqlite:///fleet.db")
    secrets.add_url(None)
    assert secrets.redact("sqlite:///fleet.db") == "sqlite:///fleet.db"


def test_every_command_has_help_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--help"], capsys)[0] == 0
    for command in COMMANDS:
        status, out, _ = run([command, "--help"], capsys)
        assert status == 0
        assert out.startswith(f"usage: codat-connections {command} ")
        example = out.split("\nexample:\n", 1)[1]
        assert example.lstrip().startswith(f"codat-connections {command} ")


def test_every_option_has_help() -> None:
    parser = build_parser()
    [commands] = [action for action in parser._actions if action.dest == "command"]
    assert sorted(commands.choices) == sorted(COMMANDS)  # type: ignore[arg-type]
    for name, command in commands.choices.items():  # type: ignore[union-attr]
        for action in command._actions:
            assert action.help, f"{name} {action.option_strings or action.dest} has no help"


def test_onboard_hands_back_the_linked_connection_else_the_one_to_re_link(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    company_id = served.fake.add_company("Multi Ltd", tags={"uid": "cust-multi"})
    [unlinked] = served.fake.seed_connections(company_id, 1, status="Unlinked")
    [pending] = served.fake.seed_connections(company_id, 1, status="PendingAuth")
    [lost] = served.fake.seed_connections(company_id, 1, status="Deauthorized")
    served.fake.seed_connections(company_id, 1, platform_key="qhyg")  # another platform: not a candidate
    argv = ["onboard", "Multi Ltd", "--tag", "uid=cust-multi", "--platform", "gbol", "--format", "json"]

    def onboarded() -> tuple[str, str]:
        status, out, err = run(argv, capsys)
        assert (status, err) == (0, "")
        record = json.loads(out)
        assert record["company_id"] == company_id
        return record["connection_id"], record["status"]

    assert onboarded() == (lost, "Deauthorized")
    served.fake.complete_link(company_id, unlinked)
    assert onboarded() == (unlinked, "Linked")
    assert pending and served.fake.requests_to("POST", f"/companies/{company_id}/connections") == []


def flagged_ledger(tmp_path: Path, count: int) -> str:
    """A SQLite ledger with ``count`` open episodes (ids 1 to count)."""
    from codat_connections.ledger import Ledger
    from tests.ledger.events import at, connection_event

    url = f"sqlite:///{tmp_path / 'fleet.db'}"
    with Ledger.open(url) as ledger:
        for number in range(count):
            ledger.record(connection_event(f"conn-{number}", "Deauthorized", at(number)))
    return url


def test_done_ends_every_episode_it_has_before_saying_which_ids_it_has_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One stale id in a shell loop's list must not leave the episodes after it to be claimed (and emailed) again."""
    url = flagged_ledger(tmp_path, 3)
    status, out, err = run(["episodes", "--ledger", url, "--done", "1", "999", "3"], capsys)
    assert (status, out) == (1, "")
    assert err == "codat-connections: error: there is no episode 999 in this ledger (2 others ended)\n"
    status, out, _ = run(["episodes", "--ledger", url, "--format", "jsonl"], capsys)
    assert [json.loads(line)["id"] for line in out.splitlines()] == [2]


@pytest.mark.parametrize(
    ("argv", "status", "words"),
    [
        (["--done", "99999999999999999999999"], 1, "there is no episode 99999999999999999999999 in this ledger"),
        (["--claim", "1", "--lease", "1e15"], 2, "--lease is at most 31536000 seconds (365 days)"),
        (["--claim", "1", "--lease", "1e300"], 2, "--lease is at most 31536000 seconds (365 days)"),
    ],
)
def test_numbers_too_large_for_the_database_are_one_line_not_a_bug_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], status: int, words: str
) -> None:
    url = flagged_ledger(tmp_path, 1)
    got, out, err = run(["episodes", "--ledger", url, *argv], capsys)
    assert (got, out, err) == (status, "", f"codat-connections: error: {words}\n")


def test_a_table_on_a_terminal_whose_encoding_lacks_a_character_shows_a_question_mark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Latin-1 or ASCII terminal: the table is still printed (it raised UnicodeEncodeError, an exit 2)."""
    from codat_connections.ledger import Ledger
    from tests.ledger.events import at, connection_event

    url = f"sqlite:///{tmp_path / 'fleet.db'}"
    with Ledger.open(url) as ledger:
        ledger.record(connection_event("conn-1", "Deauthorized", at(1), company_name="東京 Zoë Ltd"))
    terminal = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    monkeypatch.setattr("sys.stdout", terminal)
    assert main(["attention", "--ledger", url]) == 0
    terminal.flush()
    shown = terminal.buffer.getvalue().decode("latin-1")
    assert "?? Zoë Ltd" in shown and "conn-1" in shown


@pytest.mark.parametrize(
    "argv", [["attention", "--exit-code"], ["episodes"], ["episodes", "--claim", "5"], ["episodes", "--done", "1"]]
)
def test_a_command_that_reads_the_ledger_refuses_one_that_is_not_there(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped --ledger in a monitoring check or the emailer's cron line is an error (status 1), never an empty
    all-clear ledger made on the spot (``attention --exit-code`` would then say 0 for ever)."""
    typo = tmp_path / "typo.db"
    status, out, err = run([*argv, "--ledger", f"sqlite:///{typo}"], capsys)
    assert (status, out) == (1, "")
    assert err.count("\n") == 1 and f"there is no ledger at sqlite:///{typo}" in err and "sync" in err, err
    assert not typo.exists()
