"""The ledger's fixtures: a ledger on each backend (PostgreSQL's are slow), and a PostgreSQL server per session.

``ledger_url`` gives a fresh, empty database: an SQLite file in the test's folder, or a new database on the
session's PostgreSQL server (started by ``tests/ledger/postgres.py`` and stopped at the end).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from codat_connections.ledger import Ledger
from tests.ledger.postgres import PostgresServer, running_postgres


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    with running_postgres() as server:
        yield server


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'fleet.db'}"


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    return postgres_server.create_database()


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)]


@pytest.fixture(params=BACKENDS)
def ledger_url(request: pytest.FixtureRequest) -> str:
    """An empty database on each backend (PostgreSQL's runs with the slow tests)."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture
def ledger(ledger_url: str) -> Iterator[Ledger]:
    with Ledger.open(ledger_url) as opened:
        yield opened
