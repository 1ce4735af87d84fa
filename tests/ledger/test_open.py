"""Opening a ledger: URLs, tables and schema versions, closing, and no password in any message or repr."""

from __future__ import annotations

import copy
import pickle
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from codat_connections.ledger import Ledger, LedgerError, LedgerUnavailableError
from codat_connections.ledger._sql import MIGRATIONS
from codat_connections.ledger._url import shown
from tests.ledger.events import at, connection_event

PASSWORD = "pa:ss@w0rd/SECRET"
ENCODED = quote(PASSWORD, safe="")


def test_open_creates_the_codat_tables_and_records_the_schema_version(sqlite_url: str, tmp_path: Path) -> None:
    with Ledger.open(sqlite_url):
        pass
    with sqlite3.connect(tmp_path / "fleet.db") as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        version = conn.execute("SELECT version FROM codat_ledger_schema").fetchall()
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert {"codat_ledger_schema", "codat_deliveries", "codat_connections", "codat_episodes"} <= tables
    assert all(name.startswith(("codat_", "sqlite_")) for name in tables)
    assert version == [(len(MIGRATIONS),)]
    assert mode == "wal"


def test_opening_again_keeps_what_was_recorded(sqlite_url: str) -> None:
    with Ledger.open(sqlite_url) as ledger:
        ledger.record(connection_event("c1", "Linked", at(1)))
    with Ledger.open(sqlite_url) as ledger:
        state = ledger.get("c1")
    assert state is not None and state.status == "Linked"


def test_tables_newer_than_this_library_are_refused(sqlite_url: str, tmp_path: Path) -> None:
    Ledger.open(sqlite_url).close()
    with sqlite3.connect(tmp_path / "fleet.db") as conn:
        conn.execute("UPDATE codat_ledger_schema SET version = 99")
    with pytest.raises(LedgerError, match="schema version 99, newer than this version of codat-connections"):
        Ledger.open(sqlite_url)


@pytest.mark.parametrize(
    "url",
    ["mysql://db/x", "sqlite://fleet.db", "sqlite:///:memory:", "sqlite:///", "sqlite:///x.db?mode=ro", "fleet.db"],
)
def test_urls_it_cannot_serve_are_a_value_error(url: str) -> None:
    with pytest.raises(ValueError, match="sqlite"):
        Ledger.open(url)


def test_bad_arguments_are_refused_before_any_database_work() -> None:
    with pytest.raises(TypeError, match="url"):
        Ledger.open(b"sqlite:///x.db")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timeout"):
        Ledger.open("sqlite:///x.db", timeout=0)
    with pytest.raises(TypeError, match="timeout"):
        Ledger.open("sqlite:///x.db", timeout="5")  # type: ignore[arg-type]


def test_a_sqlite_file_in_a_folder_that_is_not_there_names_the_folder(tmp_path: Path) -> None:
    """sqlite3 says only "unable to open database file"; a typo in the folder is the usual cause."""
    folder = tmp_path / "no-such-folder"
    with pytest.raises(LedgerError, match=f"the folder {folder} does not exist .*relative to the current folder"):
        Ledger.open(f"sqlite:///{folder / 'fleet.db'}")
    assert not folder.exists()


def test_opened_to_read_a_ledger_that_is_not_there_is_an_error_and_makes_nothing(tmp_path: Path) -> None:
    """A monitoring check or an emailer given a mistyped path must fail, not read an empty, all-clear ledger."""
    missing = tmp_path / "typo.db"
    with pytest.raises(LedgerError, match=f"there is no ledger at sqlite:///{missing}: there is no file"):
        Ledger.open(f"sqlite:///{missing}", create=False)
    assert not missing.exists()
    sqlite3.connect(missing).close()  # a database, but not a ledger's
    with pytest.raises(LedgerError, match="its tables were never made there"):
        Ledger.open(f"sqlite:///{missing}", create=False)
    with sqlite3.connect(missing) as db:
        assert db.execute("SELECT name FROM sqlite_master").fetchall() == [], "nothing made"
    with Ledger.open(f"sqlite:///{missing}") as made:
        made.record(connection_event("k-1", "Deauthorized", at(1)))
    with Ledger.open(f"sqlite:///{missing}", create=False) as read:
        assert [state.connection_id for state in read.needing_attention()] == ["k-1"]


@pytest.mark.slow
def test_opened_to_read_an_empty_postgresql_database_is_an_error_and_makes_nothing(postgres_url: str) -> None:
    with pytest.raises(LedgerError, match="its tables were never made there"):
        Ledger.open(postgres_url, create=False)
    with Ledger.open(postgres_url) as made:
        made.record(connection_event("k-1", "Deauthorized", at(1)))
    with Ledger.open(postgres_url, create=False) as read:
        assert read.get("k-1") is not None


def test_a_closed_ledger_says_so(sqlite_url: str) -> None:
    ledger = Ledger.open(sqlite_url)
    ledger.close()
    with pytest.raises(LedgerError, match="closed"):
        ledger.get("c1")


def test_a_ledger_cannot_be_pickled_or_copied(sqlite_url: str) -> None:
    with Ledger.open(sqlite_url) as ledger:
        with pytest.raises(TypeError, match="cannot be pickled"):
            pickle.dumps(ledger)
        with pytest.raises(TypeError, match="cannot be pickled"):
            copy.copy(ledger)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"postgresql://app:{PASSWORD}@db:5432/fleet", "postgresql://app:***@db:5432/fleet"),
        (f"postgresql://app:{ENCODED}@db:5432/fleet", "postgresql://app:***@db:5432/fleet"),
        ("postgres://app:p%40ss@db/fleet?sslmode=require", "postgres://app:***@db/fleet?sslmode=require"),
        ("postgresql://db/fleet?user=app&password=hunter2", "postgresql://db/fleet?user=app&password=***"),
        ("postgresql://app@db/fleet", "postgresql://app@db/fleet"),
    ],
)
def test_a_url_is_shown_without_its_password(url: str, expected: str) -> None:
    assert shown(url) == expected


@pytest.mark.slow
def test_no_password_in_the_repr_or_the_errors_of_a_postgresql_ledger(postgres_server: object) -> None:
    from tests.ledger.postgres import PostgresServer

    assert isinstance(postgres_server, PostgresServer)
    with Ledger.open(postgres_server.url(password=ENCODED)) as ledger:  # trust authentication: any password
        assert "SECRET" not in repr(ledger) and "***" in repr(ledger)
    with Ledger.open(postgres_server.url() + "&password=" + ENCODED) as ledger:
        assert "SECRET" not in repr(ledger) and "password=***" in repr(ledger)
    for url in (
        postgres_server.url("no_such_database", password=ENCODED),
        postgres_server.url(password=ENCODED).replace("host=", "host=/nowhere"),
        postgres_server.url(password=ENCODED) + "&badoption=" + ENCODED,
    ):
        with pytest.raises(LedgerError) as raised:
            Ledger.open(url)
        assert "SECRET" not in str(raised.value) and "SECRET" not in repr(raised.value)
        assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_a_password_that_is_not_percent_encoded_is_refused_without_being_shown() -> None:
    with pytest.raises(ValueError, match="percent-encoded") as raised:
        Ledger.open(f"postgresql://app:{PASSWORD}@db:5432/fleet")
    assert "SECRET" not in str(raised.value)


def test_no_password_in_the_messages_of_a_postgresql_ledger_that_cannot_connect() -> None:
    pytest.importorskip("psycopg")
    url = f"postgresql://app:{ENCODED}@/fleet?host=/nonexistent-socket-dir&connect_timeout=1"
    with pytest.raises(LedgerUnavailableError) as raised:
        Ledger.open(url)
    assert "SECRET" not in str(raised.value) and "***" in str(raised.value)


def test_tables_of_an_older_version_are_upgraded_in_place_keeping_what_they_hold(
    ledger_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codat_connections.ledger import _sql
    from codat_connections.webhooks import parse_event
    from tests.ledger.events import connection_body

    body = connection_body("c1", "Deauthorized", at(1))
    with monkeypatch.context() as patched:
        patched.setattr(_sql, "MIGRATIONS", MIGRATIONS[:1])  # a ledger made by the first release
        with Ledger.open(ledger_url) as old:
            backend = old._store.backend
            insert = "INSERT INTO codat_deliveries VALUES (?, 'connection.disconnected', 'c1', 'applied', ?, ?)"
            backend.run(
                lambda cursor: cursor.execute(backend.dialect.sql(insert), ("msg_old", True, backend.to_db(at(0))))
            )
    with Ledger.open(ledger_url) as upgraded:
        backend = upgraded._store.backend

        def read_version(cursor: Any) -> list[tuple[int]]:
            cursor.execute("SELECT version FROM codat_ledger_schema")
            return [tuple(row) for row in cursor.fetchall()]

        version = backend.run(read_version)
        assert version == [(len(MIGRATIONS),)] and len(MIGRATIONS) > 1
        assert upgraded.record(parse_event(body, message_id="msg_old")).value == "duplicate"  # still known
        assert upgraded.record(parse_event(body, message_id="msg_new")).value == "applied"
    with Ledger.open(ledger_url) as again:  # opening an upgraded ledger changes nothing
        assert again.record(parse_event(body, message_id="msg_new")).value == "duplicate"


def test_a_scheme_in_capitals_is_the_same_url() -> None:
    """The check took POSTGRESQL:// and libpq then read the URL as key=value pairs ('missing "=" after ...')."""
    pytest.importorskip("psycopg")
    from codat_connections.ledger._postgres import PostgresBackend
    from codat_connections.ledger._url import backend_for

    backend, shown_url = backend_for(f"POSTGRESQL://app:{ENCODED}@db:5432/fleet", 1.0)
    assert isinstance(backend, PostgresBackend) and backend._conninfo.startswith("postgresql://app:")
    assert shown_url == "postgresql://app:***@db:5432/fleet"


def test_a_path_without_a_scheme_says_how_to_write_it() -> None:
    with pytest.raises(ValueError, match="without a scheme .*sqlite:///fleet.db"):
        Ledger.open("fleet.db")
