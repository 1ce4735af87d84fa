"""The Codat account every page's examples (and the README's) assume: the fake Codat, served on loopback.

The only hidden setup is what the pages say a reader has: a key and a base URL (``CODAT_API_KEY``,
``CODAT_BASE_URL``), ``company_id`` (a company with a ``Linked`` connection ``connection_id`` and a
``Deauthorized`` one) and ``company_ids`` (four companies of a small fleet, one with a ``Deauthorized``
connection, and an id the fake does not have). The fake enforces Codat's rate limits, so answers carry
the ``X-Rate-Limit-*`` headers a real account sends.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from codat_connections.testing import FakeCodat

KEY = "docs-api-key"
GONE = "gone"
"""The id in ``company_ids`` that names no company."""


@dataclass
class Account:
    """The served fake and the names the examples read."""

    fake: FakeCodat
    base_url: str
    company_id: str
    connection_id: str
    deauthorized_id: str
    fleet: list[str]
    namespace: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.namespace = {
            "__name__": "docs_example",
            "company_id": self.company_id,
            "connection_id": self.connection_id,
            "company_ids": [*self.fleet, GONE],
        }


@contextlib.contextmanager
def served_account(monkeypatch: pytest.MonkeyPatch) -> Iterator[Account]:
    """A fresh account for one page: the fake set up as the module docstring says, served until the end."""
    fake = FakeCodat(api_key=KEY)
    fake.enforce_rate_limits()
    company_id = fake.add_company("Acme Ltd")
    connection_id, lost = fake.seed_connections(company_id, 2, platform_key="gbol")
    fake.deauthorize(company_id, lost, "The user revoked access in Xero")
    fleet = fake.add_companies(4, connections_each=2)
    fake.deauthorize(fleet[2], fake.connections_of(fleet[2])[0]["id"])
    with fake.serve() as base_url:
        monkeypatch.setenv("CODAT_API_KEY", KEY)
        monkeypatch.setenv("CODAT_BASE_URL", base_url)
        monkeypatch.delenv("CODAT_WEBHOOK_SECRET", raising=False)
        yield Account(fake, base_url, company_id, connection_id, lost, fleet)


class BlockFailed(Exception):
    """An example stopped with an exception: the message names the page, the line and the error."""


def run_blocks(blocks: list[tuple[str, str]], namespace: dict[str, Any]) -> str:
    """Run ``(where, code)`` blocks in order in one namespace; what they printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for where, code in blocks:
            try:
                exec(compile(code, where, "exec"), namespace)  # noqa: S102 (the project's own documentation)
            except Exception as exc:
                raise BlockFailed(f"the block at {where} fails: {type(exc).__name__}: {exc}") from exc
    return out.getvalue()
