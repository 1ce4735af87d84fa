"""``Ledger.sync``: the fleet listing, page by page, recorded at Codat's time of each page.

The listing is ``fleet_pages`` (every company that existed for the whole listing exactly once, however the
fleet changes meanwhile). A page's time is its response's ``Date``, which has whole seconds and is stamped
after Codat read the companies: the page is taken as observed at the start of its ``Date``'s second, less the
time the page took to arrive (measured here), so it is never taken as newer than it is. A webhook generated in
that window wins over the page; at worst the ledger keeps an older state until the next sync, and a page never
undoes news. The time a page proves its connections *exist* is its ``Date`` itself (``seen_at``).

Removal: a connection missing from a complete sync is deleted only when it was known before the sync's first
page and no sweep has listed it since (``seen_at``), so a connection first heard of by a webhook while the
sweep ran (its company created mid-sweep) stays, and so does one another sweep listed meanwhile.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import TYPE_CHECKING

from codat_connections.ledger._observation import Observation, from_listing
from codat_connections.ledger._types import LedgerError, SyncReport

if TYPE_CHECKING:
    from datetime import datetime

    from codat_connections._sync.client import CodatConnections
    from codat_connections.ledger._store import Store
    from codat_connections.query import Query

__all__ = ["sync"]


def sync(store: Store, client: CodatConnections, *, tags: Query | str | None, page_size: int | None) -> SyncReport:
    """Record the fleet's listing; remove what a complete one no longer lists. See ``Ledger.sync``."""
    from codat_connections._sync.client import CodatConnections
    from codat_connections._sync.fleet import fleet_pages

    if not isinstance(client, CodatConnections):
        raise TypeError(
            f"sync takes a CodatConnections client, got {type(client).__name__} (an async application runs "
            "ledger.sync in a thread with a CodatConnections of its own)"
        )
    pages = fleet_pages(client.companies, tags=tags, page_size=page_size)  # bad arguments raise here
    companies = connections = changed = requests = 0
    started: datetime | None = None
    ended: datetime | None = None
    try:
        while True:
            asked = time.monotonic()
            page = next(pages, None)
            took = time.monotonic() - asked
            if page is None:
                break
            requests += page.requests
            if page.as_of is None:
                raise LedgerError(
                    "a page of Codat's companies listing came without a Date header: the ledger cannot place its "
                    "connections in time against the webhooks (pages before it are recorded, nothing is removed)"
                )
            observed = page.as_of - timedelta(seconds=took)
            started = observed if started is None else started
            ended = page.as_of
            observations: list[Observation] = []
            for company in page.companies:
                for connection in company.data_connections or []:
                    observations.append(from_listing(connection, company.id, company.name, observed))
            companies += len(page.companies)
            connections += len(observations)
            if observations:
                changed += store.apply_page(observations, seen=page.as_of)
            del page, observations  # a page at a time
    finally:
        pages.close()
    removed = 0
    if tags is None and started is not None and ended is not None:
        removed = store.remove_unseen(started, ended)
    return SyncReport(companies, connections, changed, removed, requests, started)
