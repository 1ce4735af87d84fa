"""`make bench`, the ledger's tables: ``Ledger.sync`` against the listing sweep alone, and receiver throughput.

Sync: the dev server (``python -m codat_connections.testing``, its own process, real HTTP on loopback) holds
``--companies`` companies with 3 connections each, 10 % of them Deauthorized. The listing alone is
``fleet_pages`` (fetch and decode the same pages, count the connections); the ledger's runs are a first sync
into an empty database (every connection new) and the next morning's (every connection known, nothing new);
each timing is the median of ``--repeat`` runs. SQLite is a file with ``synchronous=FULL``; PostgreSQL is a
throwaway server (``tests/ledger/postgres.py``) with ``fsync`` on. Peak memory is the traced growth during a
sync, in units of one decoded page (the page size's companies with their connections).

Receivers: pre-signed deliveries of distinct connections, each a first delivery (so each one commits), sent by
1 and by 8 threads straight into ``wsgi_app`` (what a threaded WSGI server does), against ``unwrap`` alone.

    python scripts/bench_ledger.py                    # make bench's size: 20,000 companies
    python scripts/bench_ledger.py --companies 100000 # the issue's size
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from codat_connections import CodatConnections
from codat_connections._sync.fleet import fleet_pages
from codat_connections.ledger import Ledger, SyncReport
from codat_connections.webhooks import unwrap, wsgi_app

API_KEY = "bench-key"
PAGE = 5000
DEFAULT_COMPANIES = 20_000
SYNC_TARGET = 2.0
MEMORY_TARGET = 2.0


@dataclass
class LedgerRow:
    figure: str
    value: str
    target: str
    met: bool | None


@contextmanager
def databases(backend: str) -> Iterator[Callable[[], str]]:
    """A maker of fresh, empty database URLs on ``backend``."""
    with tempfile.TemporaryDirectory(prefix="codat-bench-") as folder:
        if backend == "sqlite":
            count = iter(range(1_000_000))
            yield lambda: f"sqlite:///{Path(folder) / f'fleet-{next(count)}.db'}"
            return
        from tests.ledger.postgres import PostgresServer

        server = PostgresServer(durable=True).start()
        try:
            yield server.create_database
        finally:
            server.close()


@contextmanager
def dev_server(companies: int) -> Iterator[str]:
    """The dev server (``python -m codat_connections.testing``, its own process) holding the fleet; its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "codat_connections.testing", "--port", str(port), "--api-key", API_KEY]
    command += ["--companies", str(companies), "--connections-each", "3", "--deauthorized", "10"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        while True:
            try:
                httpx.get(base + "/_fake/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the dev server did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def listing(codat: CodatConnections) -> int:
    return sum(len(c.data_connections or []) for page in fleet_pages(codat.companies) for c in page.companies)


def traced_peak(work: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak - base


def page_bytes(codat: CodatConnections) -> float:
    """Traced size of one decoded page of the fleet (its companies with their connections)."""
    kept: list[Any] = []
    return traced_peak(lambda: kept.append(codat.companies.list(page_size=PAGE)))


def timed(work: Callable[[], object]) -> float:
    gc.collect()
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def timed_sync(ledger: Ledger, codat: CodatConnections) -> tuple[SyncReport, float]:
    gc.collect()
    started = time.perf_counter()
    report = ledger.sync(codat)
    return report, time.perf_counter() - started


def sync_rows(companies: int, backends: list[str], repeat: int) -> list[LedgerRow]:
    rows: list[LedgerRow] = []
    with dev_server(companies) as base, CodatConnections(api_key=API_KEY, base_url=base, timeout=300) as codat:
        connections = listing(codat)  # warm, and the count
        alone = statistics.median(timed(lambda: listing(codat)) for _ in range(repeat))
        rows.append(LedgerRow(f"listing sweep alone, {companies:,} companies", f"{alone:.2f} s", "", None))
        one_page = page_bytes(codat)
        for backend in backends:
            firsts: list[float] = []
            nexts: list[float] = []
            with databases(backend) as fresh:
                for _ in range(repeat):
                    with Ledger.open(fresh()) as ledger:
                        first, took = timed_sync(ledger, codat)
                        firsts.append(took)
                        nexts.append(timed_sync(ledger, codat)[1])
                    assert first.connections == connections == first.changed
                with Ledger.open(fresh()) as ledger:
                    peak = traced_peak(partial(ledger.sync, codat))
            for label, took in (
                ("first sync (all new)", statistics.median(firsts)),
                ("next sync (no news)", statistics.median(nexts)),
            ):
                ratio = took / alone
                rows.append(
                    LedgerRow(
                        f"{backend}: {label}",
                        f"{took:.2f} s = {ratio:.2f}x the listing",
                        f"<= {SYNC_TARGET:.0f}x",
                        ratio <= SYNC_TARGET,
                    )
                )
            pages = peak / one_page
            rows.append(
                LedgerRow(
                    f"{backend}: peak memory of a sync",
                    f"{peak / 1e6:.0f} MB = {pages:.2f} pages of {PAGE:,}",
                    f"<= {MEMORY_TARGET:.0f} pages",
                    pages <= MEMORY_TARGET,
                )
            )
    return rows


def signed_deliveries(count: int, secret: str) -> list[tuple[bytes, dict[str, str]]]:
    """``count`` first deliveries, each of its own connection, signed now."""
    from datetime import UTC, datetime

    from standardwebhooks import Webhook

    now = datetime.now(UTC)
    signer = Webhook(secret)
    out = []
    for number in range(count):
        body = json.dumps(
            {
                "id": f"evt-{number}",
                "eventType": "connection.disconnected",
                "generatedDate": now.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "payload": {
                    "referenceCompany": {"id": f"co-{number}", "name": "Acme Ltd", "description": None, "tags": {}},
                    "connection": {
                        "id": f"conn-{number}",
                        "integrationId": "i",
                        "integrationKey": "gbol",
                        "sourceId": "s",
                        "platformName": "Xero",
                        "sourceType": "Accounting",
                        "linkUrl": f"https://link-api.codat.io/companies/co-{number}/connections/conn-{number}/start",
                        "status": "Deauthorized",
                        "created": "2026-01-01T00:00:00Z",
                    },
                },
            }
        )
        message_id = f"msg_{number}"
        headers = {
            "webhook-id": message_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signer.sign(message_id, now, body),
        }
        out.append((body.encode(), headers))
    return out


def per_second(work: Callable[[tuple[bytes, dict[str, str]]], object], items: list[Any], senders: int) -> float:
    """Items handled per second by ``senders`` threads sharing ``items``."""
    shares = [items[i::senders] for i in range(senders)]
    threads = [threading.Thread(target=lambda share=share: [work(item) for item in share]) for share in shares]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(items) / (time.perf_counter() - started)


def receiver_rows(deliveries: int, backends: list[str]) -> list[LedgerRow]:
    secret = "whsec_" + "YmVuY2gtc2VjcmV0LWtleS1mb3ItY29kYXQtbGVkZ2Vy"
    rows: list[LedgerRow] = []
    for senders in (1, 8):
        items = signed_deliveries(deliveries, secret)
        rate = per_second(lambda item: unwrap(item[0], item[1], secret=secret), items, senders)
        rows.append(LedgerRow(f"unwrap alone, {senders} sender(s)", f"{rate:,.0f} deliveries/s", "", None))
        for backend in backends:
            with databases(backend) as fresh, Ledger.open(fresh(), timeout=60) as ledger:
                app = wsgi_app(ledger, secret=secret)
                statuses: list[str] = []

                def post(item: tuple[bytes, dict[str, str]], app: Any = app, statuses: list[str] = statuses) -> None:
                    body, headers = item
                    environ = {
                        "REQUEST_METHOD": "POST",
                        "wsgi.input": io.BytesIO(body),
                        "CONTENT_LENGTH": str(len(body)),
                    }
                    environ |= {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
                    app(environ, lambda status, headers: statuses.append(status))

                rate = per_second(post, items, senders)
                assert statuses.count("200 OK") == deliveries, statuses[:3]
            rows.append(
                LedgerRow(
                    f"{backend}: wsgi_app verify + record, {senders} sender(s)", f"{rate:,.0f} deliveries/s", "", None
                )
            )
    return rows


def run(
    companies: int = DEFAULT_COMPANIES, deliveries: int = 2000, backends: list[str] | None = None, repeat: int = 3
) -> list[LedgerRow]:
    chosen = backends or ["sqlite", "postgresql"]
    return sync_rows(companies, chosen, repeat) + receiver_rows(deliveries, chosen)


def print_table(rows: list[LedgerRow]) -> None:
    print("\nThe ledger (scripts/bench_ledger.py; the fleet size is in the first line)")
    width = max(len(row.figure) for row in rows)
    for row in rows:
        mark = "" if row.met is None else ("  ok" if row.met else "  MISSED")
        target = f"  target {row.target}" if row.target else ""
        print(f"  {row.figure:<{width}}  {row.value}{target}{mark}")


def missed(rows: list[LedgerRow]) -> int:
    return sum(1 for row in rows if row.met is False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--companies", type=int, default=DEFAULT_COMPANIES, help="fleet size (the issue's: 100000)")
    parser.add_argument("--deliveries", type=int, default=2000, help="deliveries per receiver run")
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"], help="default: both")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (the median is shown)")
    args = parser.parse_args()
    rows = run(args.companies, args.deliveries, args.backend, args.repeat)
    print_table(rows)
    return 1 if missed(rows) else 0


if __name__ == "__main__":
    sys.exit(main())
