"""`make bench`, the sweep table: a morning sweep of a fleet against a fake that enforces Codat's limits.

The fake holds ``COMPANIES`` companies with 3 connections each, answers every request after
``LATENCY`` (without blocking the event loop), and allows ``RATE`` requests per second (Codat's
1,000 per minute, scaled down so a run takes seconds) and 10 in flight per company. Each contender
lists every company's connections; the floor is ``max(requests / rate, requests * latency /
concurrency)``. Memory is the peak traced growth during a sweep (the fleet itself excluded).
"""

from __future__ import annotations

import asyncio
import base64
import gc
import importlib
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass
from typing import Any

import httpx

from codat_connections import AsyncCodatConnections, CodatConnections, RateLimitError
from codat_connections.testing import FakeCodat

API_KEY = "bench-key"
BASE = "https://api.codat.io"
COMPANIES = 1000
CONNECTIONS_EACH = 3
LATENCY = 0.02
RATE = 200  # requests per second
CONCURRENCY = 16


@dataclass
class SweepResult:
    contender: str
    elapsed: float
    requests: int
    rate_limited: int
    failed_companies: int
    connections: int


@dataclass
class SweepRow:
    figure: str
    value: str
    target: str
    met: bool | None
    note: str = ""


class Counting(httpx.AsyncBaseTransport, httpx.BaseTransport):
    """Counts the statuses a transport answers with (what the server saw as 429s)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.statuses: Counter[int] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response: httpx.Response = await self.inner.handle_async_request(request)
        self.statuses[response.status_code] += 1
        return response

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response: httpx.Response = self.inner.handle_request(request)
        self.statuses[response.status_code] += 1
        return response


def counts(transport: Counting) -> tuple[int, int]:
    """Requests answered, and how many of them were 429s."""
    return transport.statuses.total(), transport.statuses[429]


def fleet(
    companies: int,
    *,
    limited: bool = True,
    page_size: int | None = None,
    deauthorized_share: float = 0.0,
    per_company: int = 10,
) -> tuple[FakeCodat, list[str]]:
    """The fake holding the fleet (and enforcing the limits, with ``limited``), and the company ids.

    ``page_size`` caps the fake's pages (None: its default); ``deauthorized_share`` of the connections are
    Deauthorized; ``per_company`` requests may be in flight per company.
    """
    fake = FakeCodat(api_key=API_KEY, max_recorded_requests=0, max_page_size=page_size)
    ids = fake.add_companies(companies, connections_each=CONNECTIONS_EACH, deauthorized_share=deauthorized_share)
    if limited:
        fake.latency(LATENCY)
        fake.enforce_rate_limits(requests=RATE, per_seconds=1, per_company_concurrency=per_company)
    return fake, ids


def floor(requests: int) -> float:
    return max(requests / RATE, requests * LATENCY / CONCURRENCY)


async def ours_async(fake: FakeCodat, ids: list[str]) -> SweepResult:
    transport = Counting(fake.async_transport())
    async with AsyncCodatConnections(
        api_key=API_KEY, http_client=httpx.AsyncClient(transport=transport), max_requests_per_minute=RATE * 60
    ) as codat:
        started = time.perf_counter()
        failed = found = 0
        async for result in codat.connections.list_many(ids, concurrency=CONCURRENCY):
            failed += result.error is not None
            found += len(result.connections)
        elapsed = time.perf_counter() - started
    return SweepResult(
        "ours: async list_many", elapsed, transport.statuses.total(), transport.statuses[429], failed, found
    )


def ours_sync(fake: FakeCodat, ids: list[str]) -> SweepResult:
    transport = Counting(fake.transport())
    with CodatConnections(
        api_key=API_KEY, http_client=httpx.Client(transport=transport), max_requests_per_minute=RATE * 60
    ) as codat:
        started = time.perf_counter()
        failed = found = 0
        for result in codat.connections.list_many(ids, concurrency=CONCURRENCY):
            failed += result.error is not None
            found += len(result.connections)
        elapsed = time.perf_counter() - started
    return SweepResult(
        "ours: sync list_many (threads)", elapsed, transport.statuses.total(), transport.statuses[429], failed, found
    )


async def naive_gather(fake: FakeCodat, ids: list[str]) -> SweepResult:
    transport = Counting(fake.async_transport())
    async with AsyncCodatConnections(api_key=API_KEY, http_client=httpx.AsyncClient(transport=transport)) as codat:
        started = time.perf_counter()
        pages = await asyncio.gather(*(codat.connections.list(c) for c in ids), return_exceptions=True)
        elapsed = time.perf_counter() - started
    failed = sum(isinstance(page, BaseException) for page in pages)
    found = sum(len(page.results) for page in pages if not isinstance(page, BaseException))
    assert all(isinstance(page, RateLimitError) for page in pages if isinstance(page, BaseException))
    return SweepResult(
        "naive: asyncio.gather over list()", elapsed, transport.statuses.total(), transport.statuses[429], failed, found
    )


async def platform_gather(fake: FakeCodat, ids: list[str], time_limit: float) -> SweepResult:
    sdk: Any = importlib.import_module("codat_platform")  # only in the bench dependency group
    shared: Any = importlib.import_module("codat_platform.models.shared")
    # Its *_async methods run its sync stack in worker threads, so it takes a sync httpx client.
    transport = Counting(fake.transport())
    client = sdk.CodatPlatform(
        security=shared.Security(auth_header="Basic " + base64.b64encode(API_KEY.encode()).decode()),
        client=httpx.Client(transport=transport),
        server_url=BASE,
    )

    async def one(company_id: str) -> int:
        response = await client.connections.list_async(request={"company_id": company_id, "page": 1, "page_size": 100})
        return len(response.results or [])

    started = time.perf_counter()
    tasks = [asyncio.ensure_future(one(c)) for c in ids]
    done, pending = await asyncio.wait(tasks, timeout=time_limit)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    elapsed = time.perf_counter() - started
    failed = len(pending) + sum(task.exception() is not None for task in done)
    found = sum(task.result() for task in done if task.exception() is None)
    label = "codat-platform: asyncio.gather" + (f" (stopped at {time_limit:.0f} s)" if pending else "")
    return SweepResult(label, elapsed, *counts(transport), failed, found)


def sweep_memory(companies: int) -> float:
    """Peak traced growth (MB) of an async sweep over ``companies``, the fleet built beforehand."""
    fake, ids = fleet(companies, limited=False)

    async def sweep() -> int:
        async with AsyncCodatConnections(
            api_key=API_KEY, http_client=httpx.AsyncClient(transport=fake.async_transport())
        ) as codat:
            return sum(
                [len(r.connections) async for r in codat.connections.list_many(iter(ids), concurrency=CONCURRENCY)]
            )

    asyncio.run(sweep())  # warm every code path
    gc.collect()
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    found = asyncio.run(sweep())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert found == companies * CONNECTIONS_EACH
    return (peak - base) / 1e6


def run(*, with_platform: bool = True) -> tuple[list[SweepResult], list[SweepRow]]:
    results = []
    fake, ids = fleet(COMPANIES)
    results.append(asyncio.run(ours_async(fake, ids)))
    fake, ids = fleet(COMPANIES)
    results.append(ours_sync(fake, ids))
    fake, ids = fleet(COMPANIES)
    results.append(asyncio.run(naive_gather(fake, ids)))
    if with_platform:
        fake, ids = fleet(COMPANIES)
        results.append(asyncio.run(platform_gather(fake, ids, time_limit=60)))
    needed = floor(COMPANIES)
    rows = []
    for result in results[:2]:
        ratio = result.elapsed / needed
        rows.append(
            SweepRow(f"{result.contender}: elapsed vs floor {needed:.2f} s", f"{ratio:.3f}x", "<= 1.15x", ratio <= 1.15)
        )
        rows.append(SweepRow(f"{result.contender}: 429s", str(result.rate_limited), "0", result.rate_limited == 0))
    small, large = sweep_memory(1000), sweep_memory(10_000)
    rows.append(
        SweepRow(
            "async sweep peak memory: 10,000 vs 1,000 companies",
            f"{large:.2f} MB vs {small:.2f} MB",
            "flat (<= 1.5x)",
            large <= 1.5 * small,
        )
    )
    return results, rows


def print_tables(results: list[SweepResult], rows: list[SweepRow]) -> None:
    needed = floor(COMPANIES)
    print(
        f"\nSweep: {COMPANIES:,} companies x {CONNECTIONS_EACH} connections, {LATENCY * 1e3:.0f} ms latency, "
        f"the fake limiting to {RATE}/s and 10 per company; concurrency {CONCURRENCY}; floor {needed:.2f} s"
    )
    heads = ("elapsed", "vs floor", "requests", "429s", "failed", "found")
    print(f"| {'contender':<48} | " + " | ".join(f"{head:>8}" for head in heads) + " |")
    print(f"|{'-' * 50}|" + "|".join("-" * 10 for _ in heads) + "|")
    for r in results:
        print(
            f"| {r.contender:<48} | {r.elapsed:>7.2f}s | {r.elapsed / needed:>7.2f}x | {r.requests:>8} | "
            f"{r.rate_limited:>8} | {r.failed_companies:>8} | {r.connections:>8} |"
        )
    print()
    print(f"| {'target':<62} | {'value':>22} | {'wanted':<15} | {'met':<4} |")
    print(f"|{'-' * 64}|{'-' * 24}|{'-' * 17}|{'-' * 6}|")
    for row in rows:
        met = "-" if row.met is None else ("yes" if row.met else "NO")
        print(f"| {row.figure:<62} | {row.value:>22} | {row.target:<15} | {met:<4} |")


if __name__ == "__main__":
    tables = run()
    print_tables(*tables)
