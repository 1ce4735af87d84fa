"""The ledger's tables and statements, written once for SQLite and PostgreSQL.

The two dialects differ in a few words only, filled in by ``Dialect.sql``: how a time is stored
(``{time}``: whole microseconds since the epoch in SQLite, ``timestamptz`` in PostgreSQL), the database's
own clock (``{now}``), the identity column, text compared byte by byte (``{bytewise}``), row locking
(``{skip_locked}``), a table's free space (``{roomy}``), emptying a table (``{clear}``) and the listed
ids' key (``{listed_key}``). Statements are written with ``?`` placeholders; PostgreSQL's are ``%s``.

Every write of connection states goes through the staging table: the observations are staged (one for a
webhook, a page for a sweep), then applied with set-based statements, so one delivery and a page of 15,000
connections take the same path. The upsert's WHERE clause is the ordering rule of ``_observation``: a row
that is not deleted changes when the incoming key (time, precedence, tiebreak) is larger or the incoming state
is a deletion; a row a ``connection.deleted`` event deleted changes only for a deletion with a larger key (it
stays deleted); a row a sync removed (missing from a complete listing) is a report like any other, so a newer
report of the connection brings it back.

Episodes follow the state: each connection row carries ``flagged_since`` (when it entered the flagged state;
NULL when not flagged), an episode is keyed by (connection, ``flagged_since``), and reconciling closes any open
episode whose key no longer matches and opens the one that does.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MIGRATIONS", "POSTGRES", "SQLITE", "STAGED_COLUMNS", "Dialect"]

STAGED_COLUMNS = (
    "connection_id",
    "company_id",
    "company_name",
    "platform_key",
    "status",
    "link_url",
    "deleted",
    "needs_attention",
    "as_of",
    "precedence",
    "tiebreak",
    "source",
)


@dataclass(frozen=True)
class Dialect:
    """The words that differ between SQLite and PostgreSQL."""

    name: str
    time: str
    now: str
    identity: str
    bytewise: str
    skip_locked: str
    roomy: str
    clear: str
    listed_key: str
    placeholder: str

    def sql(self, statement: str) -> str:
        """``statement`` in this dialect: its ``{words}`` filled in, ``?`` turned into this driver's placeholder."""
        filled = statement.format(
            time=self.time,
            now=self.now,
            identity=self.identity,
            bytewise=self.bytewise,
            skip_locked=self.skip_locked,
            roomy=self.roomy,
            clear=self.clear,
            listed_key=self.listed_key,
        )
        return filled.replace("?", self.placeholder)


SQLITE = Dialect(
    name="sqlite",
    time="INTEGER",
    # julianday('now') is fixed for the whole statement; to microseconds since the Unix epoch (millisecond precision).
    now="CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER)",
    identity="INTEGER PRIMARY KEY AUTOINCREMENT",
    bytewise="",  # SQLite compares text byte by byte unless told otherwise
    skip_locked="",  # a write transaction holds the whole database: no row is ever contended
    roomy="",
    clear="DELETE FROM",  # without a WHERE, SQLite empties the table at once
    listed_key=" PRIMARY KEY",  # what the removal's NOT EXISTS looks up
    placeholder="?",
)
POSTGRES = Dialect(
    name="postgresql",
    time="TIMESTAMPTZ",
    now="clock_timestamp()",
    identity="BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
    bytewise=' COLLATE "C"',
    skip_locked="FOR UPDATE SKIP LOCKED",
    # Room on each page for a row's next version: a sync rewrites every row, and with room the update is HOT
    # (no new index entries), since no indexed column changes when a connection stays as it was.
    roomy=" WITH (fillfactor = 70)",
    # A temporary table is never vacuumed: DELETE would leave every staged row behind, dead, for each later scan.
    clear="TRUNCATE",
    listed_key="",  # no index to keep up on each page: the removal's NOT EXISTS is one hash anti-join
    placeholder="%s",
)

SCHEMA_TABLE = "CREATE TABLE IF NOT EXISTS codat_ledger_schema (version INTEGER NOT NULL)"
SCHEMA_EXISTS = {
    "sqlite": "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'codat_ledger_schema'",
    "postgresql": "SELECT count(*) FROM (SELECT to_regclass('codat_ledger_schema') AS found) t WHERE found IS NOT NULL",
}
"""Whether the ledger's tables are there (a database a ledger was never opened in has none)."""
SET_VERSION_FIRST = "INSERT INTO codat_ledger_schema (version) VALUES (?)"
SET_VERSION = "UPDATE codat_ledger_schema SET version = ?"

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: deliveries, connections, episodes.
    (
        """CREATE TABLE codat_deliveries (
            message_id TEXT PRIMARY KEY,
            event_type TEXT NOT NULL,
            connection_id TEXT,
            outcome TEXT,
            handled BOOLEAN NOT NULL,
            received_at {time} NOT NULL
        )""",
        "CREATE INDEX codat_deliveries_received ON codat_deliveries (received_at)",
        """CREATE TABLE codat_connections (
            connection_id TEXT PRIMARY KEY,
            company_id TEXT NOT NULL,
            company_name TEXT NOT NULL,
            platform_key TEXT,
            status TEXT NOT NULL,
            link_url TEXT,
            deleted BOOLEAN NOT NULL,
            needs_attention BOOLEAN NOT NULL,
            as_of {time} NOT NULL,
            precedence INTEGER NOT NULL,
            tiebreak TEXT{bytewise} NOT NULL,
            source TEXT NOT NULL,
            flagged_since {time},
            recorded_at {time} NOT NULL
        ){roomy}""",
        "CREATE INDEX codat_connections_company ON codat_connections (company_id)",
        "CREATE INDEX codat_connections_flagged ON codat_connections (company_name) WHERE needs_attention",
        """CREATE TABLE codat_episodes (
            id {identity},
            connection_id TEXT NOT NULL,
            opened_at {time} NOT NULL,
            closed_at {time},
            closed_status TEXT,
            done_at {time},
            claims INTEGER NOT NULL,
            leased_until {time},
            UNIQUE (connection_id, opened_at)
        )""",
        "CREATE UNIQUE INDEX codat_episodes_one_open ON codat_episodes (connection_id) WHERE closed_at IS NULL",
        "CREATE INDEX codat_episodes_claimable ON codat_episodes (id) WHERE closed_at IS NULL AND done_at IS NULL",
    ),
    # 2: a delivery being handed to a receiver's on_event is held by that attempt until then (a copy arriving
    # meanwhile is told to come back, instead of calling on_event a second time).
    ("ALTER TABLE codat_deliveries ADD COLUMN handing_until {time}",),
)
"""Forward migrations: entry N (from 0) takes the schema from version N to N + 1. Append only; never edit one."""

STAGING_TABLE = """CREATE TEMP TABLE IF NOT EXISTS codat_staging (
    connection_id TEXT PRIMARY KEY,
    company_id TEXT NOT NULL,
    company_name TEXT NOT NULL,
    platform_key TEXT,
    status TEXT NOT NULL,
    link_url TEXT,
    deleted BOOLEAN NOT NULL,
    needs_attention BOOLEAN NOT NULL,
    as_of {time} NOT NULL,
    precedence INTEGER NOT NULL,
    tiebreak TEXT{bytewise} NOT NULL,
    source TEXT NOT NULL
)"""
LISTED_TABLE = "CREATE TEMP TABLE IF NOT EXISTS codat_listed (connection_id TEXT{listed_key})"
"""What the sync in progress on this database connection has listed (the connection is pinned for the sync)."""
CLEAR_LISTED = "{clear} codat_listed"
LIST_STAGED = """INSERT INTO codat_listed (connection_id)
    SELECT connection_id FROM codat_staging WHERE true ON CONFLICT DO NOTHING"""
CLEAR_STAGING = "{clear} codat_staging"
STAGE = """INSERT INTO codat_staging (connection_id, company_id, company_name, platform_key, status, link_url, deleted,
    needs_attention, as_of, precedence, tiebreak, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""

# SQLite needs the WHERE in INSERT ... SELECT ... ON CONFLICT (its parser would read ON as a join's).
# ORDER BY: concurrent writers lock rows in one order, so two sweeps never deadlock in PostgreSQL.
UPSERT = """INSERT INTO codat_connections (connection_id, company_id, company_name, platform_key, status, link_url,
        deleted, needs_attention, as_of, precedence, tiebreak, source, flagged_since, recorded_at)
    SELECT connection_id, company_id, company_name, platform_key, status, link_url, deleted, needs_attention, as_of,
        precedence, tiebreak, source, CASE WHEN needs_attention THEN as_of END, {now}
    FROM codat_staging WHERE true ORDER BY connection_id
    ON CONFLICT (connection_id) DO UPDATE SET
        company_id = excluded.company_id,
        company_name = excluded.company_name,
        platform_key = COALESCE(excluded.platform_key, codat_connections.platform_key),
        status = excluded.status,
        link_url = COALESCE(excluded.link_url, codat_connections.link_url),
        deleted = excluded.deleted,
        needs_attention = excluded.needs_attention,
        as_of = excluded.as_of,
        precedence = excluded.precedence,
        tiebreak = excluded.tiebreak,
        source = excluded.source,
        flagged_since = CASE WHEN excluded.needs_attention
            THEN COALESCE(codat_connections.flagged_since, excluded.as_of) END,
        recorded_at = excluded.recorded_at
    WHERE CASE WHEN codat_connections.deleted AND codat_connections.source = 'webhook'
        THEN excluded.deleted AND (codat_connections.as_of, codat_connections.tiebreak)
            < (excluded.as_of, excluded.tiebreak)
        ELSE excluded.deleted OR (codat_connections.as_of, codat_connections.precedence, codat_connections.tiebreak)
            < (excluded.as_of, excluded.precedence, excluded.tiebreak) END"""

# Of the staged observations, those that will change what is known (not only re-stamp it): new ones, and newer
# ones that say something else. Asked before UPSERT.
NEWS = """SELECT COUNT(*) FROM codat_staging s LEFT JOIN codat_connections c ON c.connection_id = s.connection_id
    WHERE c.connection_id IS NULL OR ((NOT c.deleted OR c.source = 'sweep')
        AND (s.deleted OR (c.as_of, c.precedence, c.tiebreak) < (s.as_of, s.precedence, s.tiebreak))
        AND (s.deleted OR c.deleted OR c.status <> s.status OR c.needs_attention <> s.needs_attention
            OR c.company_name <> s.company_name OR COALESCE(s.link_url, c.link_url, '') <> COALESCE(c.link_url, '')))"""

_CLOSE = """UPDATE codat_episodes SET closed_at = {now},
        closed_status = CASE WHEN c.deleted THEN 'deleted' ELSE c.status END
    FROM codat_connections c{join}
    WHERE codat_episodes.closed_at IS NULL AND c.connection_id = codat_episodes.connection_id{staged}
        AND (c.flagged_since IS NULL OR c.flagged_since <> codat_episodes.opened_at)"""
CLOSE_STAGED_EPISODES = _CLOSE.replace("{join}", ", codat_staging s").replace(
    "{staged}", " AND s.connection_id = codat_episodes.connection_id"
)
CLOSE_ALL_EPISODES = _CLOSE.replace("{join}", "").replace("{staged}", "")
OPEN_EPISODES = """INSERT INTO codat_episodes (connection_id, opened_at, claims)
    SELECT c.connection_id, c.flagged_since, 0 FROM codat_connections c
    JOIN codat_staging s ON s.connection_id = c.connection_id
    WHERE c.flagged_since IS NOT NULL ORDER BY c.connection_id
    ON CONFLICT DO NOTHING"""

REMOVE_UNLISTED = """UPDATE codat_connections SET deleted = TRUE, needs_attention = FALSE, flagged_since = NULL,
        as_of = ?, precedence = ?, source = 'sweep', recorded_at = {now}
    WHERE NOT deleted AND as_of < ?
        AND NOT EXISTS (SELECT 1 FROM codat_listed l WHERE l.connection_id = codat_connections.connection_id)"""

NEW_DELIVERY = """INSERT INTO codat_deliveries (message_id, event_type, connection_id, outcome, handled, received_at,
        handing_until)
    VALUES (?, ?, ?, NULL, ?, {now}, CASE WHEN ? THEN NULL ELSE {now} + ? END) ON CONFLICT (message_id) DO NOTHING"""
KNOWN_DELIVERY = "SELECT outcome, handled FROM codat_deliveries WHERE message_id = ?"
# An earlier attempt recorded the delivery but its hand-off never finished (on_event raised, or its process died
# and its hold ran out): this attempt takes it over. A row lock in PostgreSQL: one taker at a time.
TAKE_HAND_OFF = """UPDATE codat_deliveries SET handing_until = {now} + ?
    WHERE message_id = ? AND NOT handled AND outcome IS NOT NULL
        AND (handing_until IS NULL OR handing_until <= {now})
    RETURNING outcome"""
SET_OUTCOME = "UPDATE codat_deliveries SET outcome = ? WHERE message_id = ?"
HANDLED = "UPDATE codat_deliveries SET handled = TRUE, handing_until = NULL WHERE message_id = ?"
RELEASE_HAND_OFF = "UPDATE codat_deliveries SET handing_until = NULL WHERE message_id = ? AND NOT handled"
PRUNE = "DELETE FROM codat_deliveries WHERE received_at < {now} - ?"

_STATES = """SELECT connection_id, company_id, company_name, platform_key, status, link_url, deleted, needs_attention,
    as_of, source FROM codat_connections"""
GET = _STATES + " WHERE connection_id = ?"
FLAGGED = _STATES + " WHERE needs_attention ORDER BY company_name, connection_id"

_EPISODES = """SELECT e.id, e.connection_id, c.company_id, c.company_name, c.platform_key, c.link_url, e.opened_at,
        e.claims, e.leased_until
    FROM codat_episodes e JOIN codat_connections c ON c.connection_id = e.connection_id"""
OPEN_NOW = _EPISODES + " WHERE e.closed_at IS NULL AND e.done_at IS NULL ORDER BY e.id"
EPISODE = _EPISODES + " WHERE e.id = ?"
CLAIM = """UPDATE codat_episodes SET claims = claims + 1, leased_until = {now} + ?
    WHERE id IN (SELECT id FROM codat_episodes
        WHERE closed_at IS NULL AND done_at IS NULL AND (leased_until IS NULL OR leased_until <= {now})
        ORDER BY id LIMIT ? {skip_locked})
    RETURNING id"""
DONE = "UPDATE codat_episodes SET done_at = COALESCE(done_at, {now}) WHERE id = ?"
