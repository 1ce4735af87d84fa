"""The fleet benchmark's contenders (scripts/bench_fleet.py): each answers the morning question once.

A contender takes the fake and a ``Meter`` and measures the sweep alone with it (the client is
built before, outside the measure), returning what it saw: requests, 429s, what it found. The
floors make the listing's own reads (ordered by ``created``, each from the last company read on) with
raw httpx and ``json.loads``, no models; the async consumers await
once per result (standing for the message they send), so that a page fetched ahead is fetched while
the current one is consumed, as in a user's process.
"""

from __future__ import annotations

import asyncio
import base64
import gc
import importlib
import json
import math
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx

from codat_connections import AsyncCodatConnections, CodatConnections, field
from codat_connections.testing import FakeCodat
from scripts.bench_sweep import API_KEY, BASE, CONNECTIONS_EACH, RATE, Counting, counts
from scripts.bench_sweep import fleet as sweep_fleet

AUTHORIZATION = {"authorization": "Basic " + base64.b64encode(API_KEY.encode()).decode()}
COMPANIES = 10_000
LARGE_FLEET = 100_000
DEAUTHORIZED_SHARE = 0.05
PER_COMPANY = 10
PAGE_SIZE = 5000


@dataclass
class Outcome:
    """What one run of a contender saw: requests answered, 429s among them, what it found."""

    requests: int
    rate_limited: int
    companies_read: int | None  # companies the run read (known to the contenders that page by hand)
    flagged_companies: int | None  # companies with a connection needing attention (None: the floor picks none)
    flagged_connections: int | None
    failed: int = 0


class Meter:
    """Measures the sweep alone, after the client is built: wall time, or tracemalloc's peak growth."""

    def __init__(self, *, memory: bool) -> None:
        self.memory = memory
        self.elapsed = 0.0
        self.peak = 0
        self._base = 0
        self._started = 0.0

    def __enter__(self) -> Meter:
        gc.collect()
        if self.memory:
            tracemalloc.start()
            self._base = tracemalloc.get_traced_memory()[0]
        self._started = time.perf_counter()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.elapsed = time.perf_counter() - self._started
        if self.memory:
            self.peak = tracemalloc.get_traced_memory()[1] - self._base
            tracemalloc.stop()


Contender = Callable[[FakeCodat, Meter], Outcome]


def fleet(companies: int, *, limited: bool = True, page_size: int = PAGE_SIZE) -> tuple[FakeCodat, list[str]]:
    """bench_sweep's fleet with this benchmark's pages, Deauthorized share and per-company limit."""
    return sweep_fleet(
        companies,
        limited=limited,
        page_size=page_size,
        deauthorized_share=DEAUTHORIZED_SHARE,
        per_company=PER_COMPANY,
    )


def keyset_params(page_size: int, last: dict[str, Any] | None) -> dict[str, Any]:
    """The listing's read after the company ``last`` (the first read when None): the reads ours makes."""
    params: dict[str, Any] = {"page": 1, "pageSize": page_size, "orderBy": "created"}
    if last is not None:
        params["query"] = f"created>={last['created']}&&id!={last['id']}"
    return params


def floor_sync(fake: FakeCodat, meter: Meter, page_size: int = PAGE_SIZE) -> Outcome:
    """The decode floor: the listing's reads (from the last company read on) with raw httpx and ``json.loads``."""
    transport = Counting(fake.transport())
    read = 0
    with httpx.Client(transport=transport, base_url=BASE, headers=AUTHORIZATION) as http, meter:
        last = None
        while True:
            page = json.loads(http.get("/companies", params=keyset_params(page_size, last)).content)
            read += len(page["results"])
            if not page["results"] or len(page["results"]) >= page["totalResults"]:
                break
            last = page["results"][-1]
    return Outcome(*counts(transport), read, None, None)


def floor_async(fake: FakeCodat, meter: Meter, page_size: int = PAGE_SIZE) -> Outcome:
    """The decode floor through the async transport (``httpx.AsyncClient``)."""
    transport = Counting(fake.async_transport())

    async def sweep() -> int:
        read = 0
        async with httpx.AsyncClient(transport=transport, base_url=BASE, headers=AUTHORIZATION) as http:
            with meter:
                last = None
                while True:
                    response = await http.get("/companies", params=keyset_params(page_size, last))
                    page = json.loads(response.content)
                    read += len(page["results"])
                    if not page["results"] or len(page["results"]) >= page["totalResults"]:
                        break
                    last = page["results"][-1]
        return read

    read = asyncio.run(sweep())
    return Outcome(*counts(transport), read, None, None)


def listing_sync(fake: FakeCodat, meter: Meter) -> Outcome:
    """``needing_attention()`` through the companies listing, the sync client."""
    transport = Counting(fake.transport())
    companies = connections = failed = 0
    with (
        CodatConnections(
            api_key=API_KEY, http_client=httpx.Client(transport=transport), max_requests_per_minute=RATE * 60
        ) as codat,
        meter,
    ):
        for result in codat.connections.needing_attention():
            assert result.company_name is not None, "the listing names each company"
            failed += result.error is not None
            companies += 1
            connections += len(result.connections)
    return Outcome(*counts(transport), None, companies, connections, failed)


def listing_async(fake: FakeCodat, meter: Meter) -> Outcome:
    """``needing_attention()`` through the companies listing, the async client (the next page fetched ahead)."""
    transport = Counting(fake.async_transport())

    async def sweep() -> tuple[int, int, int]:
        companies = connections = failed = 0
        async with AsyncCodatConnections(
            api_key=API_KEY, http_client=httpx.AsyncClient(transport=transport), max_requests_per_minute=RATE * 60
        ) as codat:
            with meter:
                async for result in codat.connections.needing_attention():
                    assert result.company_name is not None, "the listing names each company"
                    failed += result.error is not None
                    companies += 1
                    connections += len(result.connections)
                    await asyncio.sleep(0)  # the consumer's own await: the message it sends
        return companies, connections, failed

    companies, connections, failed = asyncio.run(sweep())
    return Outcome(*counts(transport), None, companies, connections, failed)


def per_company_async(ids: list[str]) -> Contender:
    """``needing_attention(ids)``: one request per company, the async client, its default concurrency."""

    def run(fake: FakeCodat, meter: Meter) -> Outcome:
        transport = Counting(fake.async_transport())

        async def sweep() -> tuple[int, int, int]:
            companies = connections = failed = 0
            async with AsyncCodatConnections(
                api_key=API_KEY, http_client=httpx.AsyncClient(transport=transport), max_requests_per_minute=RATE * 60
            ) as codat:
                with meter:
                    async for result in codat.connections.needing_attention(ids):
                        failed += result.error is not None
                        companies += 1
                        connections += len(result.connections)
                        await asyncio.sleep(0)
            return companies, connections, failed

        companies, connections, failed = asyncio.run(sweep())
        return Outcome(*counts(transport), None, companies, connections, failed)

    return run


def platform_listing(fake: FakeCodat, meter: Meter, page_size: int = PAGE_SIZE) -> Outcome:
    """Codat's ``codat-platform`` SDK paging ``companies.list`` and picking what needs attention, by hand."""
    sdk: Any = importlib.import_module("codat_platform")  # only in the bench dependency group
    shared: Any = importlib.import_module("codat_platform.models.shared")
    transport = Counting(fake.transport())
    client = sdk.CodatPlatform(
        security=shared.Security(auth_header=AUTHORIZATION["authorization"]),
        client=httpx.Client(transport=transport),
        server_url=BASE,
    )
    read = companies = connections = 0
    with meter:
        number = 1
        while True:
            page = client.companies.list(request={"page": number, "page_size": page_size})
            results = page.results or []
            for company in results:
                flagged = [c for c in company.data_connections or [] if platform_needs_attention(c)]
                companies += bool(flagged)
                connections += len(flagged)
            read += len(results)
            if not results or read >= page.total_results:
                break
            number += 1
    return Outcome(*counts(transport), read, companies, connections)


def platform_needs_attention(connection: Any) -> bool:
    """The library's ``needs_attention`` rule, on codat-platform's models."""
    if connection.status == "Deauthorized":
        return True
    return any(error.status == "Active" for error in connection.data_connection_errors or [])


def median_runs(contenders: dict[str, Contender], fake: FakeCodat, runs: int) -> dict[str, tuple[float, Outcome]]:
    """Each contender's median elapsed over ``runs`` interleaved runs (after one warm-up), and its last outcome.

    The outcome's requests and 429s are the largest any run saw.
    """
    for run in contenders.values():
        run(fake, Meter(memory=False))
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    outcomes: dict[str, Outcome] = {}
    for _ in range(runs):
        for name, run in contenders.items():
            meter = Meter(memory=False)
            outcome = run(fake, meter)
            samples[name].append(meter.elapsed)
            seen = outcomes.get(name, outcome)
            outcome.requests = max(outcome.requests, seen.requests)
            outcome.rate_limited = max(outcome.rate_limited, seen.rate_limited)
            outcomes[name] = outcome
    return {name: (statistics.median(samples[name]), outcomes[name]) for name in contenders}


def peak_growth(run: Contender, fake: FakeCodat) -> tuple[float, Outcome]:
    """Peak traced growth (MB) during one sweep of ``run`` (the fleet and the client built beforehand)."""
    meter = Meter(memory=True)
    outcome = run(fake, meter)
    return meter.peak / 1e6, outcome


def page_worth(fake: FakeCodat, page_size: int = PAGE_SIZE) -> float:
    """A page's worth (MB): the peak traced growth of fetching and decoding one page of companies with
    ``client.companies.list`` as the listing reads its second page (ordered by ``created``, from the last
    company of the first page on), the fake's serving of it included, as in a sweep; the page held."""
    with CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=fake.transport())) as codat:
        last = codat.companies.list(page_size=page_size, order_by="created").results[-1]  # warms every code path
        after = (field("created") >= str(last.created)) & (field("id") != last.id)
        meter = Meter(memory=True)
        with meter:
            page = codat.companies.list(page_size=page_size, order_by="created", query=after)
        assert len(page.results) == page_size
    return meter.peak / 1e6


def expected_flagged(companies: int) -> int:
    """Connections the fleet has ``Deauthorized`` (``add_companies`` spreads them evenly)."""
    return math.floor(companies * CONNECTIONS_EACH * DEAUTHORIZED_SHARE)


def listing_requests_allowed(companies: int, page_size: int = PAGE_SIZE) -> int:
    """The target: ``ceil(companies / page size) + 1`` requests for a sweep through the listing."""
    return math.ceil(companies / page_size) + 1
