"""Every Python block of the site's pages runs, in order per page, against the fake Codat (tests/docs/account.py).

Each page runs in a namespace of its own, on a fresh account. What the blocks print is checked against
what the page says they show (``EXPECTED``), so a block that stops doing its job fails here too. The
``test_`` functions a page defines (the testing guide's) are then run by pytest, in a fresh directory, as
a user's suite would run them. Blocks marked ``<!-- docs-test: skip: <reason> -->`` are not run: they
show a framework's wiring; each must say why, still compile, and stay few.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.docs.account import BlockFailed, run_blocks, served_account
from tests.docs.blocks import Block, python_blocks

DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
MAX_SKIPPED = 3
"""The framework receivers of the webhooks guide (FastAPI, Flask, Django): a skip is the exception."""

EXPECTED: dict[str, list[str]] = {
    "docs/index.md": [
        r"^send the user to {base}/_fake/link/companies/[^/]+/connections/[^/]+/start$",
        r"^Acme Ltd Xero Deauthorized -> {base}/_fake/link/",
    ],
    "docs/guides/client.md": [
        r"^2 connections$",
        r"^200 Linked quota left: \d+$",
        r"^Acme Ltd has 2 connections$",
    ],
    "docs/guides/lifecycle.md": [
        r"^send the user to {base}/_fake/link/",
        r"^Xero Linked gbol$",
        r"^3 connections; another page: False$",
        r"^send the user back to {base}/_fake/link/companies/{company_id}/connections/{deauthorized_id}/start$",
        r"^deleted: \S+$",
        r"^{connection_id} Unlinked$",
    ],
    "docs/guides/companies.md": [
        r"^send the user to {base}/_fake/link/",
        r"^2 companies carry \{'uid': 'cust-77'\} - pick one, or merge them$",
        r"^Acme UK Ltd$",
        r"^the company name '\(ü\)' has no character Codat keeps: ",
        r"^Bright Bakery Ltd \{'uid': 'cust-42'\} 1 connections$",
        r"^CompanyAccessToken\(expires_in=86400, access_token=<hidden>, token_type='Bearer'\)$",
    ],
    "docs/guides/sweeps.md": [
        r"^Acme Ltd Xero Deauthorized -> {base}/_fake/link/companies/{company_id}/",
        r"^gone could not be listed: 404 Not Found",
        r"^{fleet2} \S+ Deauthorized -> {base}/_fake/link/companies/{fleet2}/",
        r"^\{'Xero': 10\}$",
        r"^first to act on: \S+$",
        r"^2 companies to contact$",
    ],
    "docs/guides/webhooks.md": [
        r'^200 OK \{"outcome": "applied"\}$',
        r'^200 OK \{"outcome": "duplicate"\}$',
        r"^email Acme Ltd: please re-link at https://link-api.codat.io/companies/7a4c2f0e-",
        r"^ASGI: 200$",
        r"^\['applied', 'stale', 'stale', 'stale'\]$",
    ],
    "docs/guides/ledger.md": [
        r"^synced 5 companies, 10 connections in 1 request\(s\)$",
        r"^email Acme Ltd: please re-link at {base}/_fake/link/companies/{company_id}/connections/{deauthorized_id}/",
        r"^changed 0, removed 0, to email now: 0$",
        r"^Acme Ltd gbol Deauthorized sweep$",
        r"^open episodes: \['Corner Shop Ltd'\]$",
        r"^Linked - open episodes: 0$",
    ],
    "docs/guides/testing.md": [
        r"^only a Linked connection can be deauthorized, this one is PendingAuth$",
        r"no-such-connection",
        r"^connection.disconnected for Acme Ltd$",
    ],
    "docs/guides/dev-server.md": [
        r"^303 http://127.0.0.1:3000/linked\?company=acme&connection=[^&]+&status=200$",
        r"^connection.created PendingAuth$",
        r"^connection.connected Linked$",
        r"^connection.disconnected Deauthorized$",
        r"^connection.reconnected Linked$",
    ],
    "docs/guides/reliability.md": [
        r"^404 Not Found from GET /companies/{company_id}/connections/no-such-connection: ",
        r"^not pickled: an APIResponse is not picklable: it holds the request it answered",
    ],
}
"""Page -> a line each printed output must have (regular expressions; {base}, {company_id} ... filled in)."""

ALL_BLOCKS = {page: python_blocks(page, ROOT) for page in PAGES}
RUN_PAGES = [page for page, blocks in ALL_BLOCKS.items() if any(b.skip_reason is None for b in blocks)]


def page_id(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def pytest_functions(blocks: list[Block]) -> tuple[str, str]:
    """The page's conftest (its ``pytest_plugins`` line) and test module (its blocks that define ``test_``)."""
    conftest, module = [], []
    for block in blocks:
        tree = ast.parse(block.code)
        names = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        if any(name.startswith("test_") for name in names):
            module.append(block.code)
        elif any(
            isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "pytest_plugins" for node in tree.body
        ):
            conftest.append(block.code)
    return "\n\n".join(conftest), "\n\n".join(module)


@pytest.mark.parametrize("page", RUN_PAGES, ids=page_id)
def test_every_block_of_the_page_runs_in_order(page: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocks = [block for block in ALL_BLOCKS[page] if block.skip_reason is None]
    assert page_id(page) in EXPECTED, f"{page_id(page)} has examples: say in EXPECTED what they print"
    with served_account(monkeypatch) as account:
        try:
            printed = run_blocks([(block.where, block.code) for block in blocks], account.namespace)
        except BlockFailed as exc:
            pytest.fail(str(exc))
        names = {
            "base": re.escape(account.base_url),
            "company_id": account.company_id,
            "connection_id": account.connection_id,
            "deauthorized_id": account.deauthorized_id,
            "fleet2": account.fleet[2],
        }
        for expected in EXPECTED[page_id(page)]:
            pattern = expected
            for name, value in names.items():
                pattern = pattern.replace("{" + name + "}", value)
            assert re.search(pattern, printed, re.M), (
                f"{page_id(page)} should print a line matching {pattern}:\n{printed}"
            )
    conftest, module = pytest_functions(blocks)
    if module:
        (tmp_path / "conftest.py").write_text(conftest)
        (tmp_path / "test_guide.py").write_text(module)
        (tmp_path / "pytest.ini").write_text("[pytest]\n")
        env = {key: value for key, value in os.environ.items() if not key.startswith("CODAT_")}
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "timeout=30"]
        result = subprocess.run(
            command, cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env, check=False
        )
        tests = module.count("\ndef test_") + module.startswith("def test_")
        assert result.returncode == 0, f"{page_id(page)}'s tests fail under pytest:\n{result.stdout}{result.stderr}"
        assert f"{tests} passed" in result.stdout, result.stdout


def test_the_expectations_name_only_pages_with_examples() -> None:
    assert sorted(EXPECTED) == sorted(page_id(page) for page in RUN_PAGES)


def test_skipped_blocks_say_why_compile_and_are_few() -> None:
    skipped = [block for blocks in ALL_BLOCKS.values() for block in blocks if block.skip_reason is not None]
    assert len(skipped) <= MAX_SKIPPED, [block.where for block in skipped]
    for block in skipped:
        reason = block.skip_reason or ""
        assert len(reason.split()) >= 4 and ("wiring" in reason or "live" in reason), f"{block.where}: {reason!r}"
        compile(block.code, block.where, "exec")


def test_a_python_fence_spelled_otherwise_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("text\n\n```py\nprint('hidden from the runner')\n```\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"write the fence as ```python"):
        python_blocks(page, tmp_path)


def test_a_skip_marker_applies_only_to_the_next_block(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "<!-- docs-test: skip: wiring of a framework we lack -->\n```python\nimport flask\n```\n\n"
        "```python\nx = 1\n```\n",
        encoding="utf-8",
    )
    first, second = python_blocks(page, tmp_path)
    assert first.skip_reason == "wiring of a framework we lack" and second.skip_reason is None
    assert (first.line, second.line) == (3, 7)


def test_the_runner_reports_a_block_that_stops_running(monkeypatch: pytest.MonkeyPatch) -> None:
    page = DOCS / "guides" / "lifecycle.md"
    blocks = [(b.where, b.code.replace("create(company_id", "create(undefined_company")) for b in ALL_BLOCKS[page]]
    with served_account(monkeypatch) as account, pytest.raises(BlockFailed, match="name 'undefined_company'"):
        run_blocks(blocks, account.namespace)


def sequence_messages(text: str) -> list[str]:
    """The message text of every arrow in the page's Mermaid sequence diagrams."""
    messages = []
    for diagram in re.findall(r"```mermaid\n(.*?)```", text, re.S):
        if diagram.lstrip().startswith("sequenceDiagram"):
            messages += [line.split(":", 1)[1] for line in diagram.splitlines() if ">>" in line and ":" in line]
    return messages


@pytest.mark.parametrize("page", sorted(DOCS.rglob("*.md")), ids=page_id)
def test_sequence_diagram_messages_hold_no_statement_separator(page: Path) -> None:
    """Mermaid ends a statement at ``;`` (and reads ``#`` as an entity): a message holding one stops the diagram
    from rendering at all, which only a browser shows (``make docs-browser``); this finds it without one."""
    assert [text for text in sequence_messages(page.read_text()) if ";" in text or "#" in text] == []
