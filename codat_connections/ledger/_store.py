"""The ledger's operations as transactions over a backend: migrate, record, apply a page, remove, read, claim.

Each public method is one transaction, so whatever it changed is all there or none of it: a delivery's
dedupe row, the connection's state and its episode commit together, and a page of a sweep commits as a unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from codat_connections.ledger import _sql as sql
from codat_connections.ledger._backend import Backend, Cursor
from codat_connections.ledger._observation import DELETED_PRECEDENCE, Observation
from codat_connections.ledger._types import ConnectionState, Episode, LedgerError, Outcome

__all__ = ["Delivery", "Store"]


class Delivery(NamedTuple):
    """How a delivery stands after ``Store.record``: its outcome, and whether its hand-off is still to be done."""

    outcome: Outcome
    first_time: bool
    """No earlier attempt of this message finished its hand-off (``on_event``): the receiver hands it off now."""
    busy: bool = False
    """Another attempt of this message is handing it off right now: this one must not (the sender comes back)."""


class Store:
    """The ledger's transactions, in one backend's dialect."""

    def __init__(self, backend: Backend[Any]) -> None:
        self.backend = backend
        say = backend.dialect.sql
        self._sql = {name: say(getattr(sql, name)) for name in _STATEMENTS}

    def migrate(self, *, create: bool = True) -> int:
        """Create or upgrade the tables (one process at a time); the schema version now in force. With ``create``
        false, a database without the ledger's tables is a ``LedgerError`` and is left as it was."""

        def work(cursor: Cursor) -> int:
            self.backend.lock_schema(cursor)
            if not create:
                cursor.execute(sql.SCHEMA_EXISTS[self.backend.dialect.name])
                found = cursor.fetchone()
                if not found or not found[0]:
                    raise LedgerError(
                        f"there is no ledger in {self.backend.where}: its tables were never made there (a sync, "
                        "`codat-connections sync --ledger URL`, or Ledger.open(url) makes them)"
                    )
            cursor.execute(sql.SCHEMA_TABLE)
            cursor.execute("SELECT version FROM codat_ledger_schema")
            row = cursor.fetchone()
            version = 0 if row is None else int(row[0])
            if version > len(sql.MIGRATIONS):
                raise LedgerError(
                    f"the ledger's tables in {self.backend.where} are at schema version {version}, newer than this "
                    f"version of codat-connections knows ({len(sql.MIGRATIONS)}): upgrade codat-connections"
                )
            for steps in sql.MIGRATIONS[version:]:
                for step in steps:
                    cursor.execute(self.backend.dialect.sql(step))
            if row is None:
                cursor.execute(self._sql["SET_VERSION_FIRST"], (len(sql.MIGRATIONS),))
            elif version < len(sql.MIGRATIONS):
                cursor.execute(self._sql["SET_VERSION"], (len(sql.MIGRATIONS),))
            return len(sql.MIGRATIONS)

        return self.backend.run(work)

    def record(
        self,
        message_id: str,
        event_type: str,
        observation: Observation | None,
        *,
        handled: bool,
        hold: timedelta = timedelta(0),
    ) -> Delivery:
        """Deduplicate the delivery and apply its observation, in one transaction.

        ``handled=False`` (a receiver with ``on_event``): the delivery is held for ``hold`` by this attempt, which
        hands it off and then calls ``handed_off`` (or ``release``); a copy arriving meanwhile is ``busy``.
        """
        connection_id = None if observation is None else observation.connection_id
        span = self.backend.span(hold)

        def work(cursor: Cursor) -> Delivery:
            cursor.execute(self._sql["NEW_DELIVERY"], (message_id, event_type, connection_id, handled, handled, span))
            if cursor.rowcount != 1:
                if handled:  # no hand-off to finish: any copy after the first is a duplicate
                    return Delivery(Outcome.DUPLICATE, False)
                cursor.execute(self._sql["TAKE_HAND_OFF"], (span, message_id))
                taken = cursor.fetchone()
                if taken is not None:  # an earlier attempt's hand-off failed, or its holder died: this one's now
                    return Delivery(Outcome(taken[0]), True)
                cursor.execute(self._sql["KNOWN_DELIVERY"], (message_id,))
                outcome, was_handled = cursor.fetchone()
                if was_handled or outcome is None:
                    return Delivery(Outcome.DUPLICATE, False)
                return Delivery(Outcome(outcome), False, busy=True)
            outcome = Outcome.APPLIED
            if observation is not None and not self._apply(cursor, observation):
                outcome = Outcome.STALE
            cursor.execute(self._sql["SET_OUTCOME"], (outcome.value, message_id))
            return Delivery(outcome, True)

        return self.backend.run(work)

    def handed_off(self, message_id: str) -> None:
        """The receiver's ``on_event`` finished for this delivery: a retry of it is now a duplicate."""
        self.backend.run(lambda cursor: cursor.execute(self._sql["HANDLED"], (message_id,)))

    def release(self, message_id: str) -> None:
        """The receiver's ``on_event`` failed: the next attempt of this delivery hands it off at once."""
        self.backend.run(lambda cursor: cursor.execute(self._sql["RELEASE_HAND_OFF"], (message_id,)))

    def start_listing(self) -> None:
        """A sync begins (on the pinned connection): nothing listed yet."""
        self.backend.run(lambda cursor: cursor.execute(self._sql["CLEAR_LISTED"]))

    def apply_page(self, rows: Sequence[tuple[Any, ...]]) -> int:
        """Apply a sweep page (``listing_row``s) and note what it listed; how many states it changed."""

        def work(cursor: Cursor) -> int:
            unique = list({row[0]: row for row in rows}.values())  # a page lists a connection once; a row per id
            self.backend.stage(cursor, unique)
            cursor.execute(self._sql["NEWS"])
            news = int(cursor.fetchone()[0])
            cursor.execute(self._sql["UPSERT"])
            if news:  # an episode changes only with a connection's flag or deletion: news, counted above
                cursor.execute(self._sql["CLOSE_STAGED_EPISODES"])
                cursor.execute(self._sql["OPEN_EPISODES"])
            cursor.execute(self._sql["LIST_STAGED"])
            return news

        return self.backend.run(work)

    def _apply(self, cursor: Cursor, observation: Observation) -> bool:
        """Stage and apply one webhook's report; whether it was taken (else it is stale)."""
        o = observation
        state = (o.connection_id, o.company_id, o.company_name, o.platform_key, o.status, o.link_url, o.deleted)
        self.backend.stage(
            cursor, [(*state, o.flagged, self.backend.to_db(o.as_of), o.precedence, o.tiebreak, o.source)]
        )
        cursor.execute(self._sql["UPSERT"])
        if not cursor.rowcount:
            return False
        cursor.execute(self._sql["CLOSE_STAGED_EPISODES"])
        cursor.execute(self._sql["OPEN_EPISODES"])
        return True

    def remove_unlisted(self, started: datetime, ended: datetime) -> int:
        """Record deleted every connection known from before ``started`` that this sync did not list; how many."""

        def work(cursor: Cursor) -> int:
            to_db = self.backend.to_db
            cursor.execute(self._sql["REMOVE_UNLISTED"], (to_db(ended), DELETED_PRECEDENCE, to_db(started)))
            removed = max(int(cursor.rowcount), 0)
            if removed:
                cursor.execute(self._sql["CLOSE_ALL_EPISODES"])
            return removed

        return self.backend.run(work)

    def get(self, connection_id: str) -> ConnectionState | None:
        def work(cursor: Cursor) -> ConnectionState | None:
            cursor.execute(self._sql["GET"], (connection_id,))
            row = cursor.fetchone()
            return None if row is None else self._state(row)

        return self.backend.run(work, write=False)

    def flagged(self) -> list[ConnectionState]:
        def work(cursor: Cursor) -> list[ConnectionState]:
            cursor.execute(self._sql["FLAGGED"])
            return [self._state(row) for row in cursor.fetchall()]

        return self.backend.run(work, write=False)

    def open_episodes(self) -> list[Episode]:
        def work(cursor: Cursor) -> list[Episode]:
            cursor.execute(self._sql["OPEN_NOW"])
            return [self._episode(row) for row in cursor.fetchall()]

        return self.backend.run(work, write=False)

    def claim(self, limit: int, lease: timedelta) -> list[Episode]:
        def work(cursor: Cursor) -> list[Episode]:
            cursor.execute(self._sql["CLAIM"], (self.backend.span(lease), limit))
            ids = sorted(int(row[0]) for row in cursor.fetchall())
            claimed = []
            for episode_id in ids:
                cursor.execute(self._sql["EPISODE"], (episode_id,))
                claimed.append(self._episode(cursor.fetchone()))
            return claimed

        return self.backend.run(work)

    def done(self, episode_id: int) -> bool:
        """End the episode for good; False if there is no such episode."""

        def work(cursor: Cursor) -> bool:
            cursor.execute(self._sql["DONE"], (episode_id,))
            return bool(cursor.rowcount == 1)

        return self.backend.run(work)

    def prune(self, older_than: timedelta) -> int:
        def work(cursor: Cursor) -> int:
            cursor.execute(self._sql["PRUNE"], (self.backend.span(older_than),))
            return max(int(cursor.rowcount), 0)

        return self.backend.run(work)

    def _state(self, row: Sequence[Any]) -> ConnectionState:
        (connection_id, company_id, company_name, platform_key, status, link_url, deleted, flagged, as_of, source) = row
        return ConnectionState(
            connection_id=connection_id,
            company_id=company_id,
            company_name=company_name,
            platform_key=platform_key,
            status=status,
            deleted=bool(deleted),
            link_url=link_url,
            as_of=self.backend.from_db(as_of),
            source="webhook" if source == "webhook" else "sweep",
            needs_attention=bool(flagged),
        )

    def _episode(self, row: Sequence[Any]) -> Episode:
        (episode_id, connection_id, company_id, company_name, platform_key, link_url, opened, claims, leased) = row
        return Episode(
            id=int(episode_id),
            connection_id=connection_id,
            company_id=company_id,
            company_name=company_name,
            platform_key=platform_key,
            link_url=link_url,
            opened_at=self.backend.from_db(opened),
            claims=int(claims),
            leased_until=None if leased is None else self.backend.from_db(leased),
        )


_STATEMENTS = (
    "SET_VERSION_FIRST",
    "SET_VERSION",
    "NEW_DELIVERY",
    "KNOWN_DELIVERY",
    "TAKE_HAND_OFF",
    "RELEASE_HAND_OFF",
    "SET_OUTCOME",
    "HANDLED",
    "UPSERT",
    "NEWS",
    "CLEAR_LISTED",
    "LIST_STAGED",
    "CLOSE_STAGED_EPISODES",
    "CLOSE_ALL_EPISODES",
    "OPEN_EPISODES",
    "REMOVE_UNLISTED",
    "GET",
    "FLAGGED",
    "OPEN_NOW",
    "EPISODE",
    "CLAIM",
    "DONE",
    "PRUNE",
)
