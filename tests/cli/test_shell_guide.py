"""The shell examples of docs/guides/shell.md run, in order, as written, against a served fake and a SQLite ledger.

The page's ``sh`` and ``bash`` blocks run in bash (``-e``, ``pipefail``), its ``crontab`` block's jobs in
``sh`` as cron runs them, with the crontab's variables. What a reader's machine has is set up here: the
key in ``~/.config/codat/api-key`` (HOME is a temporary folder), ``codat-connections`` on the PATH, and
``send-relink-email``, the reader's own program, as a stub that notes whom it emailed. The ledger's path
``/var/lib/codat/fleet.db`` becomes a file in the temporary folder.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from codat_connections import CodatConnections
from codat_connections.testing import FakeCodat
from tests.conftest import API_KEY, ROOT

pytestmark = pytest.mark.slow  # runs shell commands and the console script

PAGE = ROOT / "docs" / "guides" / "shell.md"
FENCE = re.compile(r"^```(?P<lang>[\w-]*)\n(?P<code>.*?)^```$", re.S | re.M)
LEDGER_PATH = "/var/lib/codat/fleet.db"
STUB = """#!/bin/sh
printf '%s\\t%s\\n' "$1" "$2" >> "$HOME/sent.tsv"
"""


def blocks(*languages: str) -> list[str]:
    return [m.group("code") for m in FENCE.finditer(PAGE.read_text(encoding="utf-8")) if m.group("lang") in languages]


def test_the_page_has_the_examples_this_test_runs() -> None:
    assert len(blocks("sh", "bash")) == 4
    [crontab] = blocks("crontab")
    assert "codat-connections sync" in crontab
    [loop] = blocks("bash")
    assert "--claim" in loop and "--done" in loop


def crontab_jobs(text: str) -> tuple[dict[str, str], list[str]]:
    """The crontab's variables and the command of each job (after its five schedule fields)."""
    variables, commands = {}, []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if re.match(r"^[A-Z_]+=", line):
            name, _, value = line.partition("=")
            variables[name] = value
            continue
        fields = line.split(None, 5)
        assert len(fields) == 6 and all(re.fullmatch(r"[\d*/,-]+", f) for f in fields[:5]), f"not a cron job: {line}"
        commands.append(fields[5])
    return variables, commands


def test_the_shell_examples_run_as_written(tmp_path: Path) -> None:
    home, work, stubs = tmp_path / "home", tmp_path / "work", tmp_path / "bin"
    for folder in (home / ".config" / "codat", work, stubs):
        folder.mkdir(parents=True)
    (home / ".config" / "codat" / "api-key").write_text(API_KEY + "\n")
    (stubs / "send-relink-email").write_text(STUB)
    (stubs / "send-relink-email").chmod(0o755)
    database = tmp_path / "fleet.db"

    fake = FakeCodat(api_key=API_KEY)
    fake.add_companies(40, connections_each=2, deauthorized_share=0.1)
    lending = fake.add_company("Bright, Lending & Co", tags={"segment": "lending"})
    fake.deauthorize(lending, fake.seed_connections(lending, 1)[0])
    with fake.serve() as base_url:
        path = os.pathsep.join([str(stubs), str(Path(sys.executable).parent), "/usr/bin", "/bin"])
        env = {"PATH": path, "HOME": str(home), "CODAT_BASE_URL": base_url, "LANG": "C.UTF-8"}

        def run(shell: list[str], code: str, extra: dict[str, str]) -> str:
            code = code.replace(LEDGER_PATH, str(database))
            result = subprocess.run(
                [*shell, code], cwd=work, env=env | extra, capture_output=True, text=True, timeout=120, check=False
            )
            assert result.returncode == 0, f"{code}\nfails:\n{result.stderr}"
            return result.stdout

        [crontab] = blocks("crontab")
        variables, jobs = crontab_jobs(crontab.replace(LEDGER_PATH, str(database)))
        variables["CODAT_API_KEY"] = API_KEY  # the crontab's "your-key"
        getting_it, attention, onboarding, loop = blocks("sh", "bash")

        run(["bash", "-e", "-o", "pipefail", "-c"], getting_it, {})
        relink = list(csv.DictReader(io.StringIO((work / "relink.csv").read_text(), newline="")))
        assert len(relink) == 9, "8 of the fleet's 80 connections, and the lending company's"

        run(["bash", "-e", "-o", "pipefail", "-c"], onboarding, {"CODAT_API_KEY": API_KEY})
        onboarded = json.loads((work / "onboarded.json").read_text())
        assert onboarded["company_name"] == "Bright Bakery Ltd" and onboarded["status"] == "PendingAuth"

        for job in jobs:
            run(["sh", "-c"], job, variables)
        [report] = [json.loads(line) for line in (home / "codat-sync.jsonl").read_text().splitlines()]
        assert (report["companies"], report["connections"]) == (42, 82)
        assert (home / "codat-sync.err").read_text() == ""

        # The attention block reads the ledger the morning job filled (a ledger that is not there is an error).
        printed = run(["bash", "-e", "-o", "pipefail", "-c"], attention, {"CODAT_API_KEY": API_KEY} | variables)
        assert [row["company_name"] for row in json.loads((work / "lending.json").read_text())] == [
            "Bright, Lending & Co"
        ]
        header, *rows = printed.splitlines()
        assert header == "company_name\tlink_url" and len(rows) == 9, "the 9 the live question found, from the ledger"

        run(["bash", "-c"], loop, variables)
        sent = [tuple(line.split("\t")) for line in (home / "sent.tsv").read_text().splitlines()]
        with CodatConnections(api_key=API_KEY, base_url=base_url) as codat:
            flagged = [
                (result.company_name, conn.link_url)
                for result in codat.connections.needing_attention()
                for conn in result.connections
            ]
        assert sorted(sent) == sorted(flagged), "each customer emailed, with the link URL to re-link at"

        still_open = run(["sh", "-c"], 'codat-connections episodes --ledger "$LEDGER" --format jsonl', variables)
        assert still_open == "", "every episode emailed was marked done"
        run(["bash", "-c"], loop, variables)
        assert len((home / "sent.tsv").read_text().splitlines()) == len(sent), "nobody is emailed twice"
