"""`make bench`: codat-connections side by side with raw httpx and Codat's official SDK (codat-platform).

Every figure is a median over repeated runs in one process (import times: over fresh interpreters),
on this machine, against the same bytes through the same in-process httpx transport. Targets come
from the project's performance issue; the script exits non-zero when one is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gc
import importlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from standardwebhooks import Webhook

from codat_connections import AsyncCodatConnections, CodatConnections
from codat_connections.testing import FakeCodat
from scripts import bench_fleet, bench_ledger, bench_sweep
from scripts import bench_real_heap as real_heap

API_KEY = "bench-key"
BASE = "https://api.codat.io"


@dataclass
class Row:
    figure: str
    ours: float
    other: float
    unit: str
    ratio: float
    target: str
    met: bool | None
    note: str = ""


def median_times(runs: dict[str, Callable[[], object]], repeat: int, warmup: int = 2) -> dict[str, float]:
    """Median seconds per contender; samples are interleaved so drift on the machine hits all alike."""
    for run in runs.values():
        for _ in range(warmup):
            run()
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            gc.collect()
            started = time.perf_counter()
            run()
            samples[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in samples.items()}


def fixed_transport(body: bytes) -> httpx.MockTransport:
    return httpx.MockTransport(
        lambda request: httpx.Response(200, content=body, headers={"content-type": "application/json"})
    )


def page_bytes(count: int) -> tuple[str, bytes, bytes]:
    """A company id, a list page of ``count`` connections and one connection, as the fake serves them."""
    fake = FakeCodat(api_key=API_KEY)
    company = fake.add_company()
    ids = fake.seed_connections(company, count)
    fake.deauthorize(company, ids[0])  # one record with dataConnectionErrors, as real pages have
    auth = {"authorization": "Basic " + base64.b64encode(API_KEY.encode()).decode()}
    page = fake.handle("GET", f"/companies/{company}/connections", {"page": "1", "pageSize": str(count)}, auth, b"")
    one = fake.handle("GET", f"/companies/{company}/connections/{ids[1]}", {}, auth, b"")
    return company, page.body, one.body


def codat_platform_client(body: bytes) -> Any:
    sdk: Any = importlib.import_module("codat_platform")  # only in the bench dependency group
    shared: Any = importlib.import_module("codat_platform.models.shared")
    return sdk.CodatPlatform(
        security=shared.Security(auth_header="Basic eA=="),
        client=httpx.Client(transport=fixed_transport(body)),
        server_url=BASE,
        retry_config=None,
    )


def bench_decode(repeat: int) -> list[Row]:
    """A realistic 5000-record page: in a 60k-object heap, GC on and off (a child process, see
    scripts/bench_real_heap.py), and against codat-platform (in this process)."""
    heap = real_heap.measure_in_child(2 * repeat)  # twice the runs: GC pauses land unevenly
    print(f"decode rows: records mixed as {real_heap.REALISTIC_MIX}")
    company, body = real_heap.page_body()
    ours = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=fixed_transport(body)))
    platform_sdk = codat_platform_client(body)
    times = median_times(
        {
            "ours": lambda: ours.connections.list(company, page_size=real_heap.PAGE_SIZE),
            "sdk": lambda: platform_sdk.connections.list(
                request={"company_id": company, "page": 1, "page_size": real_heap.PAGE_SIZE}
            ),
        },
        repeat,
    )
    t_ours, t_sdk = times["ours"], times["sdk"]
    live = f"{heap.live_objects / 1000:.0f}k live objects"
    on, off = heap.ours_gc_on / heap.raw_gc_on, heap.ours_gc_off / heap.raw_gc_off
    ours_allocations = heap.json_allocations + heap.model_allocations
    return [
        Row(
            f"5000-record page, GC on, {live}: facade vs raw",
            heap.ours_gc_on * 1e3,
            heap.raw_gc_on * 1e3,
            "ms",
            on,
            "<= 2.0x",
            on <= 2.0,
            f"raw = httpx + json.loads of the same {heap.page_bytes / 1e6:.1f} MB; stretch 1.5x",
        ),
        Row(
            f"5000-record page, GC off, {live}: facade vs raw",
            heap.ours_gc_off * 1e3,
            heap.raw_gc_off * 1e3,
            "ms",
            off,
            "(reported)",
            None,
        ),
        Row(
            "GC-tracked allocations per record: facade vs json.loads",
            ours_allocations,
            heap.json_allocations,
            "",
            ours_allocations / heap.json_allocations,
            "(reported)",
            None,
            f"models add {heap.model_allocations:.2f} per record",
        ),
        Row(
            "decode 5000-record page: codat-platform vs facade",
            t_ours * 1e3,
            t_sdk * 1e3,
            "ms",
            t_sdk / t_ours,
            ">= 1.5x faster",
            t_sdk / t_ours >= 1.5,
        ),
    ]


def bench_small_call(repeat: int) -> list[Row]:
    company, _, body = page_bytes(2)
    connection = json.loads(body)["id"]
    raw_http = httpx.Client(transport=fixed_transport(body))
    url = f"{BASE}/companies/{company}/connections/{connection}"
    ours = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=fixed_transport(body)))
    ours_no_retry = CodatConnections(
        api_key=API_KEY, max_retries=0, http_client=httpx.Client(transport=fixed_transport(body))
    )
    platform_sdk = codat_platform_client(body)
    calls = 200

    def loop(fn: Callable[[], object]) -> Callable[[], None]:
        def run() -> None:
            for _ in range(calls):
                fn()

        return run

    get_request = {"company_id": company, "connection_id": connection}
    times = median_times(
        {
            "raw": loop(lambda: json.loads(raw_http.get(url).content)),
            "ours": loop(lambda: ours.connections.get(company, connection)),
            "bare": loop(lambda: ours_no_retry.connections.get(company, connection)),
            "sdk": loop(lambda: platform_sdk.connections.get(request=get_request)),
        },
        repeat,
    )
    t_raw, t_ours, t_bare, t_sdk = (times[name] / calls for name in ("raw", "ours", "bare", "sdk"))
    return [
        Row(
            "get() one connection: facade vs httpx+json.loads",
            t_ours * 1e6,
            t_raw * 1e6,
            "us",
            t_ours / t_raw,
            "<= 1.3x",
            t_ours / t_raw <= 1.3,
        ),
        Row(
            "get() one connection: codat-platform vs facade",
            t_ours * 1e6,
            t_sdk * 1e6,
            "us",
            t_sdk / t_ours,
            "(reported)",
            None,
        ),
        Row(
            "retry loop on the happy path: max_retries=2 vs 0",
            t_ours * 1e6,
            t_bare * 1e6,
            "us",
            t_ours / t_bare,
            "<= 1.05x",
            t_ours / t_bare <= 1.05,
            "the same loop: the difference is noise",
        ),
    ]


def import_time(statement: str, runs: int) -> float:
    """Median wall time of a fresh interpreter running ``statement``, minus an empty interpreter's."""

    def once(code: str) -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        return time.perf_counter() - started

    once(statement)  # warm the bytecode and file caches
    base = statistics.median(once("pass") for _ in range(runs))
    return statistics.median(once(statement) for _ in range(runs)) - base


def bench_import(runs: int) -> list[Row]:
    t_httpx = import_time("import httpx", runs)
    t_ours = import_time("import codat_connections", runs)
    t_sdk = import_time("import codat_platform", runs)
    t_ours_ready = import_time("import codat_connections as c; c.CodatConnections(api_key='k')", runs)
    t_sdk_ready = import_time(
        "from codat_platform import CodatPlatform; from codat_platform.models import shared;"
        "CodatPlatform(security=shared.Security(auth_header='Basic k'))",
        runs,
    )
    return [
        Row(
            "import: codat_connections vs httpx",
            t_ours * 1e3,
            t_httpx * 1e3,
            "ms",
            t_ours / t_httpx,
            "<= 1.5x",
            t_ours / t_httpx <= 1.5,
        ),
        Row(
            "import: codat_platform vs codat_connections",
            t_ours * 1e3,
            t_sdk * 1e3,
            "ms",
            t_sdk / t_ours,
            "(reported)",
            None,
        ),
        Row(
            "import + construct a client: codat-platform vs ours",
            t_ours_ready * 1e3,
            t_sdk_ready * 1e3,
            "ms",
            t_sdk_ready / t_ours_ready,
            "(reported)",
            None,
            "models load at construction",
        ),
    ]


def bench_memory(pages: int = 20, page_size: int = 5000) -> list[Row]:
    fake = FakeCodat(api_key=API_KEY, max_page_size=page_size)  # pages of 5000 (the fake's default is 2000)
    company = fake.add_company()
    fake.seed_connections(company, pages * page_size)
    client = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=fake.transport()))
    client.connections.list(company, page_size=page_size)  # warm every code path first

    gc.collect()
    tracemalloc.start()
    one_page = client.connections.list(company, page=2, page_size=page_size)
    _, page_peak = tracemalloc.get_traced_memory()
    del one_page
    tracemalloc.stop()

    gc.collect()
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    count = 0
    for _connection in client.connections.iterate(company, page_size=page_size):
        count += 1
    _, iterate_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == pages * page_size
    growth = iterate_peak - base
    return [
        Row(
            f"iterate {count:,} connections in {pages} pages: peak growth vs one page",
            growth / 1e6,
            page_peak / 1e6,
            "MB",
            growth / page_peak,
            "<= 2 pages",
            growth <= 2 * page_peak,
            "fetching one page, fake included",
        ),
    ]


def bench_concurrency(pages: int = 50, latency: float = 0.02) -> list[Row]:
    fake = FakeCodat(api_key=API_KEY)
    company = fake.add_company()
    ids = fake.seed_connections(company, pages * 20)

    async def fetch(base_url: str, concurrency: int) -> tuple[float, list[str]]:
        async with AsyncCodatConnections(api_key=API_KEY, base_url=base_url) as codat:
            started = time.perf_counter()
            results = await codat.connections.list_all(company, page_size=20, concurrency=concurrency)
            return time.perf_counter() - started, [c.id for c in results]

    with fake.serve() as base_url:
        fake.delay(latency, times=10**9, method="GET")
        sequential, seq_ids = asyncio.run(fetch(base_url, 1))
        concurrent, con_ids = asyncio.run(fetch(base_url, 8))
    assert seq_ids == con_ids == ids, "same results in the same order"
    speedup = sequential / concurrent
    return [
        Row(
            f"async list_all, {pages} pages x {latency * 1e3:.0f} ms: sequential vs concurrency 8",
            concurrent * 1e3,
            sequential * 1e3,
            "ms",
            speedup,
            ">= 5x faster",
            speedup >= 5,
            "same results, same order",
        ),
    ]


WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"bench-webhook-signing-key-32-by!").decode()


def webhook_delivery() -> tuple[bytes, dict[str, str]]:
    """A signed ``connection.disconnected`` delivery: the connection as the fake serves it, headers as ASGI has them."""
    fake = FakeCodat(api_key=API_KEY)
    company = fake.add_company("Acme Ltd")
    connection_id = fake.seed_connections(company, 1)[0]
    fake.deauthorize(company, connection_id)  # carries dataConnectionErrors, as a real deauthorization does
    auth = {"authorization": "Basic " + base64.b64encode(API_KEY.encode()).decode()}
    connection = json.loads(fake.handle("GET", f"/companies/{company}/connections/{connection_id}", {}, auth, b"").body)
    event = {
        "id": "ba29118f-5406-4e59-b05c-ba307ca38d01",
        "eventType": "connection.disconnected",
        "generatedDate": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "payload": {
            "referenceCompany": {
                "id": company,
                "name": "Acme Ltd",
                "description": "customer 4411",
                "links": {"portal": f"https://app.codat.io/companies/{company}/summary"},
                "tags": {"region": "uk", "uid": "4411"},
            },
            "connection": connection,
        },
    }
    body = json.dumps(event).encode()
    message_id, sent = "msg_2pQyT7bZk9LhA3sVw0cXeFmN4uD", datetime.now(UTC)
    headers = {
        "host": "hooks.example.com",
        "user-agent": "Svix-Webhooks/1.80.0",
        "content-length": str(len(body)),
        "accept": "*/*",
        "accept-encoding": "gzip",
        "content-type": "application/json",
        "x-forwarded-for": "52.215.16.239",
        "x-forwarded-proto": "https",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(sent.timestamp())),
        "webhook-signature": Webhook(WEBHOOK_SECRET).sign(message_id, sent, body.decode()),
    }
    return body, headers


def bench_webhooks(repeat: int) -> list[Row]:
    from codat_connections.webhooks import ConnectionEvent, unwrap

    body, headers = webhook_delivery()
    reference = Webhook(WEBHOOK_SECRET)
    event = unwrap(body, headers, secret=WEBHOOK_SECRET)
    assert isinstance(event, ConnectionEvent) and event.needs_reauthorization
    assert reference.verify(body, headers) == event.raw
    calls = 500

    def loop(fn: Callable[[], object]) -> Callable[[], None]:
        def run() -> None:
            for _ in range(calls):
                fn()

        return run

    times = median_times(
        {
            "reference": loop(lambda: reference.verify(body, headers)),
            "ours": loop(lambda: unwrap(body, headers, secret=WEBHOOK_SECRET)),
        },
        repeat,
    )
    t_ref, t_ours = times["reference"] / calls, times["ours"] / calls
    return [
        Row(
            "webhook: verify+parse to ConnectionEvent vs standardwebhooks+json",
            t_ours * 1e6,
            t_ref * 1e6,
            "us",
            t_ours / t_ref,
            "<= 1.5x",
            t_ours / t_ref <= 1.5,
            f"{len(body)} B connection.disconnected",
        ),
    ]


def bench_webhook_import(runs: int) -> list[Row]:
    probe = (
        "import sys, codat_connections; "
        "print(sum(m.startswith(('standardwebhooks', 'codat_connections.webhooks')) for m in sys.modules))"
    )
    loaded = int(subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout)
    t_base = import_time("import codat_connections", runs)
    t_hooks = import_time("import codat_connections.webhooks", runs)
    return [
        Row(
            "import: codat_connections.webhooks vs codat_connections",
            t_hooks * 1e3,
            t_base * 1e3,
            "ms",
            t_hooks / t_base,
            "(reported)",
            None,
            "paid by receivers only",
        ),
        Row(
            "import codat_connections: webhook modules loaded (count)",
            loaded,
            0,
            "",
            0.0,
            "none",
            loaded == 0,
        ),
    ]


def print_table(rows: list[Row]) -> None:
    print(
        f"\ncodat-connections benchmarks - {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores, httpx {httpx.__version__}"
    )
    header = f"| {'figure':<68} | {'ours':>9} | {'other':>9} | {'ratio':>6} | {'target':<16} | {'met':<4} |"
    print(header)
    print("|" + "|".join("-" * (len(part)) for part in header.split("|")[1:-1]) + "|")
    for row in rows:
        met = "-" if row.met is None else ("yes" if row.met else "NO")
        print(
            f"| {row.figure:<68} | {row.ours:>7.2f}{row.unit:<2} | {row.other:>7.2f}{row.unit:<2} | "
            f"{row.ratio:>5.2f}x | {row.target:<16} | {met:<4} |" + (f" {row.note}" if row.note else "")
        )
    print("(ours/other columns: median time or memory; ratio as the figure names it)")


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmarks of codat-connections.")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (for a smoke run)")
    args = parser.parse_args()
    repeat = 5 if args.quick else 25
    steps: list[Callable[[], list[Row]]] = [
        lambda: bench_decode(repeat),
        lambda: bench_small_call(repeat),
        lambda: bench_import(5 if args.quick else 15),
        bench_memory,
        bench_concurrency,
        lambda: bench_webhooks(repeat),
        lambda: bench_webhook_import(5 if args.quick else 15),
    ]
    rows = [row for step in steps for row in step()]
    print_table(rows)
    sweep_results, sweep_rows = bench_sweep.run()
    bench_sweep.print_tables(sweep_results, sweep_rows)
    fleet_report = bench_fleet.run(2 if args.quick else 9)
    bench_fleet.print_tables(fleet_report)
    # The ledger at 20,000 companies (the 100,000: python scripts/bench_ledger.py --companies 100000).
    ledger_rows = bench_ledger.run(repeat=1 if args.quick else 3)
    bench_ledger.print_table(ledger_rows)
    missed = [row.figure for row in rows if row.met is False] + [row.figure for row in sweep_rows if row.met is False]
    missed += bench_fleet.missed(fleet_report) + [row.figure for row in ledger_rows if row.met is False]
    if missed:
        print(f"targets missed: {missed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
