"""The connection ledger: one durable record of every connection, fed by webhooks and sweeps.

    from codat_connections.ledger import Ledger

    with Ledger.open("sqlite:///fleet.db") as ledger:       # or "postgresql://user:pw@host:5432/db"
        outcome = ledger.record(event)                      # a verified webhook event: APPLIED, DUPLICATE, STALE
        report = ledger.sync(client)                        # the whole fleet from Codat, page by page
        for episode in ledger.claim(limit=100):             # each "please re-link" handed out once
            email(episode.company_name, episode.link_url)
            ledger.done(episode)

Deliveries are deduplicated on their ``webhook-id``, each connection keeps the newest report whatever the
order of arrival, a sweep corrects what a lost webhook left wrong, and an attention episode opens when a
connection starts needing its end user and closes when it stops. SQLite (standard library) is the default;
PostgreSQL (``pip install "codat-connections[postgres]"``) serves receivers on several hosts. Not loaded by
``import codat_connections``. The guide "Keeping a fleet Linked" explains each rule.
"""

from codat_connections.ledger._ledger import DEFAULT_LEASE, MAX_CLAIM, MAX_LEASE, MIN_PRUNE_AGE, Ledger
from codat_connections.ledger._types import (
    ConnectionState,
    Episode,
    LedgerError,
    LedgerUnavailableError,
    Outcome,
    SyncReport,
)

__all__ = [
    "DEFAULT_LEASE",
    "MAX_CLAIM",
    "MAX_LEASE",
    "MIN_PRUNE_AGE",
    "ConnectionState",
    "Episode",
    "Ledger",
    "LedgerError",
    "LedgerUnavailableError",
    "Outcome",
    "SyncReport",
]
