"""``Ledger``: one durable record of every connection, fed by webhooks (``record``) and sweeps (``sync``).

It is a thin facade: the rules are in ``_observation`` (which report wins), ``_sql`` and ``_store`` (the
transactions), ``_sync`` (the pull); the database is a backend chosen by the URL's scheme (``_url``).
"""

from __future__ import annotations

from datetime import timedelta
from types import TracebackType
from typing import TYPE_CHECKING, NoReturn

from codat_connections.ledger._observation import from_event
from codat_connections.ledger._store import Delivery, Store
from codat_connections.ledger._types import ConnectionState, Episode, LedgerError, Outcome, SyncReport
from codat_connections.ledger._url import backend_for

if TYPE_CHECKING:
    from codat_connections import CodatConnections
    from codat_connections.query import Query
    from codat_connections.webhooks._events import WebhookEvent

__all__ = ["DEFAULT_LEASE", "MAX_CLAIM", "MAX_LEASE", "MIN_PRUNE_AGE", "Ledger"]

DEFAULT_LEASE = timedelta(minutes=5)
"""How long a claimer holds an episode unless it says otherwise."""
MAX_CLAIM = 10_000
"""The most episodes one ``claim`` hands out."""
MAX_LEASE = timedelta(days=365)
"""The longest lease ``claim`` gives: past it a time no longer fits the databases' types."""
_HAND_OFF_HOLD = timedelta(minutes=5)
"""How long a receiver's attempt holds a delivery while its ``on_event`` runs: a copy arriving meanwhile (Svix's
retry after its timeout, a duplicate) is answered 409 instead of calling ``on_event`` a second time; after it, a copy
takes the delivery over (the attempt's process died)."""
_MAX_EPISODE_ID = 2**63 - 1
"""Episode ids are the databases' 64-bit integers: a larger number names no episode."""
MIN_PRUNE_AGE = timedelta(days=1)
"""``prune`` keeps at least a day of delivery ids: Codat retries a message for about that long. (A retry after
its id was pruned still changes nothing: the connection's state already holds what it says, so it is STALE.)"""


class Ledger:
    """The connections of your Codat client as last reported, with attention episodes to hand out once each.

    Open it with ``Ledger.open(url)``; it is thread-safe (each thread uses a pooled connection of its own) and
    safe to use from several processes and, with PostgreSQL, several hosts. Close it (or use ``with``) when done.
    """

    def __init__(self, store: Store, shown_url: str) -> None:
        """Internal: use ``Ledger.open``."""
        self._store = store
        self._shown_url = shown_url

    @classmethod
    def open(cls, url: str, *, timeout: float = 5.0, create: bool = True) -> Ledger:
        """The ledger in the database at ``url``, its tables created or upgraded (``codat_...``, a schema version).

        ``url`` is ``sqlite:///relative/path.db`` or ``sqlite:////absolute/path.db`` (the default backend, the
        standard library's ``sqlite3``), or ``postgresql://user:password@host:5432/dbname`` (``postgres://`` too;
        any libpq URL; needs ``pip install "codat-connections[postgres]"``). ``timeout`` is the seconds to wait
        for the database (SQLite's lock, PostgreSQL's connection and row locks) before ``LedgerUnavailableError``.
        The password never appears in an error, a ``repr`` or a log. With ``create=False`` (for what only reads a
        ledger, such as a monitoring check) a ledger that is not there is a ``LedgerError`` and nothing is made: a
        mistyped path must not read as an empty, all-clear ledger.
        """
        if isinstance(timeout, bool) or not isinstance(timeout, int | float):
            raise TypeError(f"timeout must be a number of seconds, got {type(timeout).__name__}")
        if not 0 < timeout <= 3600:
            raise ValueError(f"timeout must be more than 0 and at most 3600 seconds, got {timeout!r}")
        if not isinstance(create, bool):
            raise TypeError(f"create must be a bool, got {type(create).__name__}")
        backend, shown = backend_for(url, float(timeout))
        if not create and (why := backend.missing()) is not None:
            backend.close()
            raise LedgerError(f"there is no ledger at {shown}: {why}")
        store = Store(backend)
        try:
            store.migrate(create=create)
        except BaseException:
            backend.close()
            raise
        return cls(store, shown)

    # -- push ------------------------------------------------------------------------------------------
    def record(self, event: WebhookEvent) -> Outcome:
        """Take one verified delivery (from ``unwrap``): ``APPLIED``, ``DUPLICATE`` or ``STALE``; durable on return.

        The delivery's ``webhook-id`` (``event.message_id``) is noted, so the same message again is a
        ``DUPLICATE``, from any process or host. A connection event then updates its connection when it is newer
        than what is known (see the guide for the rule), opening or closing its attention episode; an older one is
        ``STALE`` and changes nothing. Other events (the quota's, ``UnknownEvent``) are only deduplicated.
        """
        return self._receive(event, handed_off=True).outcome

    def _receive(self, event: WebhookEvent, *, handed_off: bool) -> Delivery:
        """``record``, telling the receiver whether to hand the event to ``on_event`` (see ``_handed_off``)."""
        from codat_connections.webhooks._events import ConnectionEvent, RateLimitEvent, UnknownEvent

        if not isinstance(event, ConnectionEvent | RateLimitEvent | UnknownEvent):
            raise TypeError(f"record takes a webhook event from unwrap, got {type(event).__name__}")
        message_id = event.message_id
        if not isinstance(message_id, str) or not message_id:
            raise ValueError(
                "record needs the delivery's webhook-id to deduplicate on: the event has no message_id "
                "(pass parse_event(body, message_id=...) the stored id, or use unwrap)"
            )
        observation = from_event(event) if isinstance(event, ConnectionEvent) else None
        hold = timedelta(0) if handed_off else _HAND_OFF_HOLD
        return self._store.record(message_id, str(event.event_type), observation, handled=handed_off, hold=hold)

    def _handed_off(self, message_id: str) -> None:
        """The receiver's ``on_event`` returned: from now on a retry of the message is a duplicate."""
        self._store.handed_off(message_id)

    def _hand_off_failed(self, message_id: str) -> None:
        """The receiver's ``on_event`` raised: the next attempt of the message hands it off again, at once."""
        self._store.release(message_id)

    # -- pull ------------------------------------------------------------------------------------------
    def sync(
        self, client: CodatConnections, *, tags: Query | str | None = None, page_size: int | None = None
    ) -> SyncReport:
        """Read the whole fleet (or the companies ``tags`` selects) from Codat and record what it says.

        One request per page of companies (``page_size`` asked, default 5000; Codat serves up to 2000), a page
        at a time, each page committed as it comes. Each connection is recorded as observed at Codat's time of its
        page (the response's ``Date``); where the ledger knows something newer, it stays. A connection the ledger
        knew before the sync began that a complete, unfiltered sync no longer lists is recorded deleted (until a
        newer report shows it again); a sync with ``tags``, or one that raised, removes nothing. Raises the
        client's ``CodatError`` when the listing fails (pages taken so far stay).
        """
        from codat_connections.ledger._sync import sync

        return sync(self._store, client, tags=tags, page_size=page_size)

    # -- reading ---------------------------------------------------------------------------------------
    def get(self, connection_id: str) -> ConnectionState | None:
        """What the ledger knows of the connection, or None if it never heard of it (no API call)."""
        if not isinstance(connection_id, str) or not connection_id:
            raise TypeError(f"connection_id must be a non-empty str, got {connection_id!r}")
        return self._store.get(connection_id)

    def needing_attention(self) -> list[ConnectionState]:
        """Every connection whose latest known state needs its end user, by company name (no API call)."""
        return self._store.flagged()

    # -- episodes --------------------------------------------------------------------------------------
    def claim(self, *, limit: int = 100, lease: timedelta = DEFAULT_LEASE) -> list[Episode]:
        """Up to ``limit`` open episodes nobody holds, each now held by this caller for ``lease``.

        An episode is handed to one claimer at a time: no other ``claim`` (any process, any host) gets it until
        ``done`` ends it or the lease runs out, when it is handed out again (so a claimer that died is replaced:
        side effects are at least once). An episode that closed (the connection was re-linked, unlinked or
        deleted) is never handed out, claimed or not.
        """
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise TypeError(f"limit must be an int, got {type(limit).__name__}")
        if not 1 <= limit <= MAX_CLAIM:
            raise ValueError(f"limit must be from 1 to {MAX_CLAIM}, got {limit}")
        if not isinstance(lease, timedelta):
            raise TypeError(f"lease must be a timedelta, got {type(lease).__name__}")
        if not timedelta(0) < lease <= MAX_LEASE:
            raise ValueError(f"lease must be a positive timedelta of at most {MAX_LEASE.days} days, got {lease}")
        return self._store.claim(limit, lease)

    def done(self, episode: Episode | int) -> None:
        """End the episode for good (an ``Episode`` or its ``id``): it is never handed out again.

        ``LookupError`` if there is no episode with that id. Ending an episode twice is harmless.
        """
        episode_id = episode.id if isinstance(episode, Episode) else episode
        if isinstance(episode_id, bool) or not isinstance(episode_id, int):
            raise TypeError(f"done takes an Episode or its id (an int), got {type(episode).__name__}")
        if not 1 <= episode_id <= _MAX_EPISODE_ID or not self._store.done(episode_id):
            raise LookupError(f"there is no episode {episode_id} in this ledger")

    def episodes(self) -> list[Episode]:
        """The open episodes (not ended by ``done``, connection still flagged), claimed or not; claims nothing."""
        return self._store.open_episodes()

    # -- housekeeping ----------------------------------------------------------------------------------
    def prune(self, *, older_than: timedelta = timedelta(days=2)) -> int:
        """Forget the ids of deliveries received longer ago than ``older_than`` (at least a day); how many."""
        if not isinstance(older_than, timedelta):
            raise TypeError(f"older_than must be a timedelta, got {type(older_than).__name__}")
        if older_than < MIN_PRUNE_AGE:
            raise ValueError(
                f"older_than must be at least {MIN_PRUNE_AGE} (Codat retries a message for about a day, and a retry "
                f"must still be found a duplicate), got {older_than}"
            )
        return self._store.prune(older_than)

    def close(self) -> None:
        """Close the ledger's database connections; any later call raises ``LedgerError``."""
        self._store.backend.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Ledger({self._shown_url!r})"

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Ledger holds database connections and cannot be pickled: call Ledger.open in each process")
