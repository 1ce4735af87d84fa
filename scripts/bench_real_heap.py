"""Decoding a 5000-record list page the way an application's process does it.

Why: a page decoded in a small, fresh process with the GC off flatters any decoder. In a real
service the GC is on and tens of thousands of objects are alive, so every GC-tracked allocation
brings a collection closer, and collections walk the live heap. This module measures the facade's
``list()`` against raw httpx + ``json.loads`` of the same bytes under those conditions:

- GC on (and, for comparison, off), in a process holding about 60,000 live GC-tracked objects
  (instances, dicts holding lists, lists of tuples), built before measuring;
- records like Codat's (``REALISTIC_MIX``): ``connectionInfo`` and ``dataConnectionErrors`` included;
- the GC allocations per record of ``json.loads`` and of the generated models.

`make bench` runs it in a child process (``python -m scripts.bench_real_heap``) so that the heap is the
one built here, not the benchmark driver's (which imports codat-platform and pydantic).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any

PAGE_SIZE = 5000
LIVE_OBJECTS = 60_000
REALISTIC_MIX = (
    "75% Linked, 10% PendingAuth, 10% Deauthorized, 5% Unlinked; connectionInfo (1-3 platform ids, "
    "scopes list on 1 in 5) on all but PendingAuth; dataConnectionErrors [] except Deauthorized (1-2 "
    "active) and 5% of Linked (1 resolved); lastSync null when PendingAuth"
)
PLATFORMS = (  # key, name, source type, the identifiers its connectionInfo carries
    ("gbol", "Xero", "Accounting", ("tenantId", "tenantName", "shortCode")),
    ("qhyg", "QuickBooks Online", "Accounting", ("realmId", "companyName")),
    ("knfz", "Sage Intacct", "Accounting", ("companyId", "entityId", "userId")),
    ("akxx", "Oracle NetSuite", "Accounting", ("accountId",)),
    ("mqjo", "Codat Sandbox", "Accounting", ("dataset",)),
    ("vjms", "Plaid", "Banking", ("institutionId", "itemId")),
    ("gcqw", "Shopify", "Commerce", ("shopDomain",)),
)
STATUSES = ("Linked",) * 15 + ("PendingAuth",) * 2 + ("Deauthorized",) * 2 + ("Unlinked",)


def realistic_records(count: int, seed: int = 7) -> tuple[str, list[dict[str, Any]]]:
    """A company id and ``count`` connections shaped and mixed like a real account's (``REALISTIC_MIX``)."""
    rng = random.Random(seed)

    def new_id() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    company = new_id()
    records = []
    for _ in range(count):
        key, name, source_type, identifiers = rng.choice(PLATFORMS)
        status = rng.choice(STATUSES)
        connection_id = new_id()
        record: dict[str, Any] = {
            "id": connection_id,
            "integrationId": new_id(),
            "integrationKey": key,
            "sourceId": new_id(),
            "platformName": name,
            "linkUrl": f"https://link-api.codat.io/companies/{company}/connections/{connection_id}/start",
            "status": status,
            "lastSync": None if status == "PendingAuth" else f"2026-0{rng.randint(1, 9)}-12T08:15:00Z",
            "created": f"2025-1{rng.randint(0, 2)}-1{rng.randint(0, 9)}T09:53:29Z",
            "sourceType": source_type,
            "dataConnectionErrors": [],
        }
        if status != "PendingAuth":
            info: dict[str, Any] = {name: f"{name}-{rng.randint(10**6, 10**7)}" for name in identifiers}
            if rng.random() < 0.2:
                info["scopes"] = ["accounting.transactions.read", "accounting.settings.read", "offline_access"]
            record["connectionInfo"] = info
        if status == "Deauthorized":
            record["dataConnectionErrors"] = [
                {
                    "statusCode": "401",
                    "statusText": "Unauthorized",
                    "errorMessage": "The platform withdrew access to the connection.",
                    "erroredOnUtc": "2026-02-01T10:00:00Z",
                    "status": "Active",
                    "resolvedOnUtc": None,
                }
                for _ in range(rng.choice((1, 1, 2)))
            ]
        elif status == "Linked" and rng.random() < 0.05:
            record["dataConnectionErrors"] = [
                {
                    "statusCode": "503",
                    "statusText": "Service Unavailable",
                    "errorMessage": "The platform was unavailable.",
                    "erroredOnUtc": "2026-01-01T10:00:00Z",
                    "status": "Resolved",
                    "resolvedOnUtc": "2026-01-01T11:00:00Z",
                }
            ]
        records.append(record)
    return company, records


def page_body(count: int = PAGE_SIZE) -> tuple[str, bytes]:
    """A company id and the bytes of one list page holding ``count`` realistic records."""
    company, records = realistic_records(count)
    base = f"/companies/{company}/connections"
    envelope = {
        "results": records,
        "pageNumber": 1,
        "pageSize": count,
        "totalResults": count,
        "_links": {"self": {"href": base}, "current": {"href": f"{base}?page=1&pageSize={count}"}},
    }
    return company, json.dumps(envelope).encode()


class _Account:
    """Stands for an application's long-lived state: an instance with a list and a dict inside."""

    def __init__(self, number: int) -> None:
        self.name = f"account-{number}"
        self.limits = [number, number * 2]
        self.settings = {"number": number, "active": True, "labels": []}


def build_live_heap(target: int = LIVE_OBJECTS) -> list[object]:
    """Objects kept alive until the measurement ends, so the process holds ``target`` GC-tracked objects."""
    heap: list[object] = []
    number = 0
    gc.collect()
    while len(gc.get_objects()) < target:
        heap.append(_Account(number))
        heap.append({"row": number, "cells": [(number, "a"), (number, "b")]})
        number += 1
    gc.collect()  # survivors of a real process live in the oldest generation
    return heap


@dataclass
class DecodeFigures:
    """Medians in seconds; allocations are GC-tracked (GC-capable) objects per record."""

    live_objects: int
    page_bytes: int
    raw_gc_on: float
    ours_gc_on: float
    raw_gc_off: float
    ours_gc_off: float
    json_allocations: float
    model_allocations: float


def _in_blocks(runs: dict[str, Callable[[], object]], repeat: int, block: int = 5) -> dict[str, float]:
    """Median time per contender over ``repeat`` runs each, in alternating blocks of ``block`` runs.

    No gc.collect() between runs, as in a real process; blocks (rather than A/B/A/B) so that the GC
    debt one contender's allocations run up is mostly paid in its own runs, not in the other's.
    """
    samples: dict[str, list[float]] = {name: [] for name in runs}
    while any(len(values) < repeat for values in samples.values()):
        for name, run in runs.items():
            for _ in range(min(block, repeat - len(samples[name]))):
                started = time.perf_counter()
                result = run()
                samples[name].append(time.perf_counter() - started)
                del result  # freeing the page a caller used is the caller's time, for both
    return {name: statistics.median(values) for name, values in samples.items()}


def _allocations(action: Callable[[], object]) -> tuple[int, object]:
    gc.disable()
    try:
        before = gc.get_count()[0]
        result = action()
        return gc.get_count()[0] - before, result
    finally:
        gc.enable()


def measure(repeat: int) -> DecodeFigures:
    """Run the measurement in this process (called in the child)."""
    import httpx
    from codat_connections_api.models import Connections

    from codat_connections import CodatConnections

    company, body = page_body()

    def transport() -> httpx.MockTransport:
        return httpx.MockTransport(
            lambda request: httpx.Response(200, content=body, headers={"content-type": "application/json"})
        )

    raw_http = httpx.Client(transport=transport())
    url = f"https://api.codat.io/companies/{company}/connections"
    ours = CodatConnections(api_key="bench-key", http_client=httpx.Client(transport=transport()))

    def raw() -> object:
        return json.loads(raw_http.get(url, params={"page": 1, "pageSize": PAGE_SIZE}).content)

    def facade() -> object:
        return ours.connections.list(company, page_size=PAGE_SIZE)

    page = ours.connections.list(company, page_size=PAGE_SIZE)
    assert len(page.results) == PAGE_SIZE and page.results[0].id
    del page
    json_count, envelope = _allocations(partial(json.loads, body))
    assert isinstance(envelope, dict)
    model_count, _ = _allocations(partial(Connections.from_dict, envelope))
    del envelope, _
    heap = build_live_heap()
    live = len(gc.get_objects())
    runs = {"raw": raw, "ours": facade}
    _in_blocks(runs, 3)  # warm-up
    gc_on = _in_blocks(runs, repeat)
    gc.disable()
    try:
        gc_off = _in_blocks(runs, repeat)
    finally:
        gc.enable()
    del heap
    return DecodeFigures(
        live_objects=live,
        page_bytes=len(body),
        raw_gc_on=gc_on["raw"],
        ours_gc_on=gc_on["ours"],
        raw_gc_off=gc_off["raw"],
        ours_gc_off=gc_off["ours"],
        json_allocations=json_count / PAGE_SIZE,
        model_allocations=model_count / PAGE_SIZE,
    )


def measure_in_child(repeat: int) -> DecodeFigures:
    """The measurement in a fresh interpreter that imports only what an application using the client would."""
    completed = subprocess.run(
        [sys.executable, "-m", "scripts.bench_real_heap", "--repeat", str(repeat)],
        check=True,
        capture_output=True,
        text=True,
    )
    return DecodeFigures(**json.loads(completed.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=25)
    args = parser.parse_args()
    print(json.dumps(asdict(measure(args.repeat))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
