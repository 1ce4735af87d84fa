"""Every Python block of the README runs, top to bottom, in one namespace, against the fake Codat.

The only hidden setup is what the README says a reader has: a Codat account (the fake, served on
loopback and named by ``CODAT_API_KEY`` and ``CODAT_BASE_URL``), ``company_id`` (a company with a
``Linked`` connection, ``connection_id``, and a ``Deauthorized`` one) and ``company_ids`` (a small fleet).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest

from codat_connections.testing import FakeCodat
from tests.conftest import ROOT

README = ROOT / "README.md"
KEY = "readme-api-key"


def python_blocks() -> list[tuple[int, str]]:
    """(line number, code) of each fenced ``python`` block, in order."""
    text = README.read_text()
    return [
        (text.count("\n", 0, match.start()) + 2, match.group(1))
        for match in re.finditer(r"^```python\n(.*?)^```$", text, re.S | re.M)
    ]


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FakeCodat, dict[str, Any]]]:
    fake = FakeCodat(api_key=KEY)
    fake.enforce_rate_limits()  # Codat's limits and X-Rate-Limit-* headers, as a real account has
    company_id = fake.add_company("Acme Ltd")
    connection_id, lost = fake.seed_connections(company_id, 2, platform_key="gbol")
    fake.deauthorize(company_id, lost, "The user revoked access in Xero")
    fleet = fake.add_companies(4, connections_each=2)
    fake.deauthorize(fleet[2], fake.connections_of(fleet[2])[0]["id"])
    with fake.serve() as base_url:
        monkeypatch.setenv("CODAT_API_KEY", KEY)
        monkeypatch.setenv("CODAT_BASE_URL", base_url)
        monkeypatch.delenv("CODAT_WEBHOOK_SECRET", raising=False)
        names = {"company_id": company_id, "connection_id": connection_id, "company_ids": [*fleet, "gone"]}
        yield fake, {"__name__": "readme", **names}


class BlockFailed(Exception):
    pass


def run(blocks: list[tuple[int, str]], namespace: dict[str, Any]) -> str:
    """Run the blocks in order; what they printed. The fake's test in the README is run too."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for line, code in blocks:
            try:
                exec(compile(code, f"README.md:{line}", "exec"), namespace)  # noqa: S102
                if "test_onboarding" in namespace and not namespace.get("_ran_onboarding"):
                    namespace["_ran_onboarding"] = True
                    namespace["test_onboarding"](FakeCodat(api_key="test-key"))
            except Exception as exc:
                raise BlockFailed(f"README block at line {line} fails: {type(exc).__name__}: {exc}") from exc
    return out.getvalue()


def test_every_python_block_runs_in_order(account: tuple[FakeCodat, dict[str, Any]]) -> None:
    fake, namespace = account
    company_id, connection_id = namespace["company_id"], namespace["connection_id"]
    blocks = python_blocks()
    assert len(blocks) >= 11, "the README's examples are all found"
    try:
        printed = run(blocks, namespace)
    except BlockFailed as exc:
        pytest.fail(str(exc))
    link_page = os.environ["CODAT_BASE_URL"] + "/_fake/link/"  # the served fake's own Link page
    assert "send the user to " + link_page in printed
    assert "send the user back to" not in printed, "connection_id is Linked: nothing to re-link"
    assert "404 Not Found from GET" in printed
    assert re.search(r"^200 None \d+ Unlinked$", printed, re.M), "the raw response shows the quota left"
    assert "gone could not be listed: 404 Not Found" in printed
    assert printed.count("-> " + link_page) == 1, "the one Deauthorized connection of the fleet"
    states = {record["id"]: record["status"] for record in fake.connections_of(company_id)}
    assert states[connection_id] == "Unlinked", "the lifecycle block unlinked the Linked connection"
    assert len(states) == 2, "the connection it created was deleted again"
    assert any(r.method == "PUT" for r in fake.requests), "update_authorization reached Codat"


def test_the_runner_reports_a_block_that_stops_running(account: tuple[FakeCodat, dict[str, Any]]) -> None:
    blocks = python_blocks()
    broken = [
        (line, code.replace("connections.create(company_id", "connections.create(undefined_company"))
        for line, code in blocks
    ]
    assert broken != blocks
    with pytest.raises(BlockFailed, match="NameError: name 'undefined_company' is not defined"):
        run(broken, account[1])
