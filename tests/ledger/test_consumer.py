"""The type-checked consumer (tests/typing/ledger_consumer.py) runs as written; the ledger loads only when imported."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from codat_connections import CodatConnections
from codat_connections.ledger import Ledger
from codat_connections.testing import FakeCodat
from tests.ledger.events import at as moment
from tests.ledger.events import connection_body
from tests.typing.ledger_consumer import apps, morning, take
from tests.webhooks.signing import signed_headers


def test_the_consumer_runs(tmp_path: Path) -> None:
    fake = FakeCodat(api_key="k")
    fake.add_companies(2, connections_each=1, status="Deauthorized")
    url = f"sqlite:///{tmp_path / 'fleet.db'}"
    with CodatConnections(api_key="k", http_client=httpx.Client(transport=fake.transport())) as client:
        lines = morning(url, client)
    assert lines[0].startswith("7 ") and len(lines) == 5  # 2+2+2+0 removed+1 request; 2 episodes; 2 flagged
    body = connection_body("a-connection", "Linked", moment(1))
    headers = signed_headers(body, key=b"secret", timestamp=int(time.time()))
    with Ledger.open(url) as ledger:
        assert take(ledger, body, headers, "whsec_c2VjcmV0") == "applied False"
        assert take(ledger, body, headers, "whsec_c2VjcmV0") == "duplicate False"
        assert all(callable(app) for app in apps(ledger))


CHECK = """
import sys
import codat_connections
import codat_connections.webhooks
from codat_connections.webhooks import wsgi_app
wsgi_app(on_event=print)
print(sorted(name for name in sys.modules if name.startswith("codat_connections.ledger") or name == "psycopg"))
from codat_connections.ledger import Ledger
Ledger.open(sys.argv[1]).close()
print("psycopg" in sys.modules)
"""


@pytest.mark.slow
def test_the_ledger_loads_only_when_imported_and_sqlite_never_loads_psycopg(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fleet.db'}"
    result = subprocess.run([sys.executable, "-c", CHECK, url], capture_output=True, text=True, check=True)
    not_loaded, psycopg_loaded = result.stdout.splitlines()
    assert (not_loaded, psycopg_loaded) == ("[]", "False")
