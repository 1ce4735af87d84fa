"""Every Python block of the README runs, top to bottom, in one namespace, against the fake Codat.

The only hidden setup is what the README says a reader has: a Codat account (the fake, served on
loopback and named by ``CODAT_API_KEY`` and ``CODAT_BASE_URL``; tests/docs/account.py sets it up as the
site's pages have it too), a folder for the ledger's file (a fresh one, the working directory) and a
webhook secret for the receiver. The quickstart onboards a customer and asks the morning question; the
ledger's block syncs and hands out the fleet's episodes; its receiver is then fed the fake's signed
deliveries, over HTTP, when the new connection is linked and its platform withdraws access.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

from tests.conftest import ROOT
from tests.docs.account import BlockFailed, run_blocks, served_account
from tests.docs.blocks import python_blocks

README = ROOT / "README.md"


def readme_blocks() -> list[tuple[str, str]]:
    """(where, code) of each fenced ``python`` block, in order (tests/docs/blocks.py: a ```py fence is refused)."""
    return [(block.where, block.code) for block in python_blocks(README, ROOT)]


def test_every_python_block_runs_in_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    blocks = readme_blocks()
    assert len(blocks) == 2, "the quickstart, and the receiver with the morning job"
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
        emails = [line for line in printed.splitlines() if line.startswith("email ")]
        assert len(emails) == 2 and all(line.endswith("/start") for line in emails), "the same two, once each"
        account.namespace["ledger"].close()


def test_the_receiver_records_the_re_link_as_an_episode(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    with served_account(monkeypatch) as account:
        run_blocks(readme_blocks(), account.namespace)
        company, connection = account.namespace["company"], account.namespace["connection"]
        ledger = account.namespace["ledger"]
        server = make_server("127.0.0.1", 0, account.namespace["app"], handler_class=Quiet)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            endpoint = account.fake.add_webhook_endpoint(f"http://127.0.0.1:{server.server_port}/codat/webhooks")
            monkeypatch.setenv("CODAT_WEBHOOK_SECRET", endpoint.secret)
            account.fake.complete_link(company.id, connection.id)
            account.fake.deauthorize(company.id, connection.id)
            account.fake.flush_webhooks(timeout=10)
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
        assert {delivery.status for delivery in account.fake.webhook_deliveries} == {200}
        [episode] = ledger.claim()
        assert (episode.company_name, episode.link_url) == ("Bright Bakery Ltd", connection.link_url)
        assert connection.link_url.startswith(account.base_url + "/_fake/link/")
        ledger.close()


class Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass
