"""Every Python block of the README runs, top to bottom, in one namespace, against the fake Codat.

The only hidden setup is what the README says a reader has: a Codat account (the fake, served on
loopback and named by ``CODAT_API_KEY`` and ``CODAT_BASE_URL``; tests/docs/account.py sets it up as the
site's pages have it too) and a webhook secret for the receiver. The quickstart onboards a customer and
asks the morning question; the receiver is then fed the fake's signed delivery when the new connection
is linked and its platform withdraws access.
"""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.docs.account import BlockFailed, run_blocks, served_account
from tests.docs.blocks import python_blocks

README = ROOT / "README.md"


def readme_blocks() -> list[tuple[str, str]]:
    """(where, code) of each fenced ``python`` block, in order (tests/docs/blocks.py: a ```py fence is refused)."""
    return [(block.where, block.code) for block in python_blocks(README, ROOT)]


def test_every_python_block_runs_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = readme_blocks()
    assert len(blocks) == 2, "the quickstart and the webhook receiver"
    with served_account(monkeypatch) as account:
        try:
            printed = run_blocks(blocks, account.namespace)
        except BlockFailed as exc:
            pytest.fail(str(exc))
        link_page = account.base_url + "/_fake/link/"  # the served fake's own Link page
        assert "send the user to " + link_page in printed
        morning = [line for line in printed.splitlines() if " -> " in line]
        assert len(morning) == 2, "one Deauthorized connection of company_id, one of the fleet"
        assert all(line.endswith("/start") and f"-> {link_page}" in line for line in morning)
        assert any(line.startswith("Acme Ltd Xero Deauthorized -> ") for line in morning), "with company names"

        creates = [r for r in account.fake.requests_to("POST") if r.path == "/companies"]
        assert len(creates) == 1, "the returning customer found the same company: one create"


def test_the_receiver_prints_the_re_link_url(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with served_account(monkeypatch) as account:
        run_blocks(readme_blocks(), account.namespace)
        company, connection = account.namespace["company"], account.namespace["connection"]
        endpoint = account.fake.add_webhook_endpoint(account.namespace["receive"])
        monkeypatch.setenv("CODAT_WEBHOOK_SECRET", endpoint.secret)
        account.fake.complete_link(company.id, connection.id)
        account.fake.deauthorize(company.id, connection.id)
    printed = capsys.readouterr().out.splitlines()
    assert printed == [f"email Bright Bakery Ltd to re-link at {connection.link_url}"]
    assert connection.link_url.startswith(account.base_url + "/_fake/link/")
