"""``Ledger.sync``: the fleet listing, page by page, recorded at Codat's time of each page.

The listing is ``fleet_pages`` (every company that existed for the whole listing exactly once, however the
fleet changes meanwhile). A page's time is its response's ``Date``, which has whole seconds and is stamped
after Codat read the companies: the page is taken as observed at the start of its ``Date``'s second, less the
time the page took to arrive (measured here), so it is never taken as newer than it is. A webhook generated in
that window wins over the page; at worst the ledger keeps an older state until the next sync, and a page never
undoes news.

Removal: a connection missing from a complete sync is deleted only when its known state is older than the
sync's first page (so a connection first heard of by a webhook while the sweep ran, its company created
mid-sweep, stays) and this sync did not list it. What the sync listed is kept in a temporary table on the one
database connection the sync holds (never in Python: memory stays at a page).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING

from codat_connections._clock import stop_on
from codat_connections.ledger._observation import listing_row
from codat_connections.ledger._types import LedgerError, SyncReport

if TYPE_CHECKING:
    from collections.abc import Generator
    from datetime import datetime

    from codat_connections import CodatConnections
    from codat_connections._sweep import FleetPage
    from codat_connections.ledger._store import Store
    from codat_connections.query import Query

__all__ = ["sync"]


def sync(store: Store, client: CodatConnections, *, tags: Query | str | None, page_size: int | None) -> SyncReport:
    """Record the fleet's listing; remove what a complete one no longer lists. See ``Ledger.sync``."""
    from codat_connections import CodatConnections
    from codat_connections._sync.fleet import fleet_pages

    if not isinstance(client, CodatConnections):
        raise TypeError(
            f"sync takes a CodatConnections client, got {type(client).__name__} (an async application runs "
            "ledger.sync in a thread with a CodatConnections of its own)"
        )
    pages = fleet_pages(client.companies, tags=tags, page_size=page_size)  # bad arguments raise here
    with store.backend.pinned():  # one database connection: it holds the temporary table of what was listed
        return _sync(store, pages, complete=tags is None)


def _sync(store: Store, pages: Generator[FleetPage, None, None], *, complete: bool) -> SyncReport:
    to_db = store.backend.to_db
    companies = connections = changed = requests = 0
    started: datetime | None = None
    ended: datetime | None = None
    store.start_listing()
    with _read_ahead(pages) as fetched:
        for page, took in fetched:
            requests += page.requests
            if page.as_of is None:
                raise LedgerError(
                    "a page of Codat's companies listing came without a Date header: the ledger cannot place its "
                    "connections in time against the webhooks (pages before it are recorded, nothing is removed)"
                )
            observed = page.as_of - timedelta(seconds=took)
            started = observed if started is None else started
            ended = page.as_of
            when = to_db(observed)
            rows = [
                listing_row(connection, company.id, company.name, when)
                for company in page.companies
                for connection in company.data_connections or []
            ]
            companies += len(page.companies)
            connections += len(rows)
            if rows:
                changed += store.apply_page(rows)
            del page, rows  # the next page is on its way: two pages at most
    removed = 0
    if complete and started is not None and ended is not None:
        removed = store.remove_unlisted(started, ended)
    return SyncReport(companies, connections, changed, removed, requests, started)


@contextmanager
def _read_ahead(pages: Generator[FleetPage, None, None]) -> Iterator[Iterator[tuple[FleetPage, float]]]:
    """Each page with the seconds it took to arrive; the next one is fetched (on a thread) while this one is
    recorded, and only then: at most two pages are alive. Leaving the block stops the fetching."""
    handed: queue.Queue[tuple[FleetPage, float] | BaseException | None] = queue.Queue(maxsize=1)
    wanted = threading.Semaphore(1)
    stopped = threading.Event()

    def hand(item: tuple[FleetPage, float] | BaseException | None) -> bool:
        """Put ``item`` for the consumer, unless it stopped taking them. Never blocks: a page is fetched only
        once the one before was taken, so the queue is empty."""
        if stopped.is_set():
            return False
        handed.put_nowait(item)
        return True

    def fetch() -> None:
        try:
            # Stopping ends a retry's back-off or a pacing pause too, as it does for the sweep's own threads.
            with stop_on(stopped):
                while wanted.acquire() and not stopped.is_set():
                    asked = time.monotonic()
                    page = next(pages, None)
                    if not hand(None if page is None else (page, time.monotonic() - asked)) or page is None:
                        return
                    del page
        except BaseException as error:  # handed to the consumer, raised there
            hand(error)
        finally:
            pages.close()

    def consume() -> Iterator[tuple[FleetPage, float]]:
        while True:
            item = handed.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            wanted.release()  # fetch the next one while this one is recorded
            yield item
            del item

    fetcher = threading.Thread(target=fetch, name="codat-ledger-sync", daemon=True)
    fetcher.start()
    try:
        yield consume()
    except KeyboardInterrupt:  # Ctrl-C: leave now; the fetcher (a daemon) stops after the request it has in flight
        stopped.set()
        wanted.release()
        raise
    finally:
        if not stopped.is_set():
            stopped.set()
            wanted.release()
            fetcher.join()  # the request in flight finishes: nothing of the sync outlives it
