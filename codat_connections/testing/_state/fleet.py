"""Many companies and connections built at once, outside the fake's lock, then added to the store in one step.

A fleet of 100,000 companies takes seconds to build; built under the lock every request needs, it froze the
server for as long. The builders here touch no shared state: they take their stamps from moments the store
reserved (each distinct, and before anything that happens after the reservation), so a fleet's records
order by ``created`` as they were made, and a request answered meanwhile sees the fleet all or not at all.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from codat_connections.testing._state.platforms import Platform
from codat_connections.testing._state.records import Company, add_error, new_connection, stamp

__all__ = ["build_connections", "build_fleet", "moments_needed", "spaced"]


def moments_needed(companies: int, connections_each: int) -> int:
    """The stamps a build takes at most: one per company, two per connection (its creation, an error)."""
    return companies * (1 + 2 * connections_each)


def spaced(first: datetime, count: int) -> Iterator[datetime]:
    """``count`` moments a microsecond apart from ``first``: what the store reserved."""
    return (first + timedelta(microseconds=i) for i in range(count))


def build_connections(
    company_id: str, statuses: Iterator[str], platform: Platform, moments: Iterator[datetime]
) -> dict[str, dict[str, Any]]:
    """A connection for each status, as ``seed_connections`` makes them: a ``Deauthorized`` one with its error."""
    records: dict[str, dict[str, Any]] = {}
    for status in statuses:
        record = new_connection(company_id, platform, next(moments))
        record["status"] = status
        if status in ("Linked", "Deauthorized"):
            record["lastSync"] = record["created"]
        if status == "Deauthorized":
            add_error(record, "401", "Unauthorized", "Access was revoked", next(moments))
        records[record["id"]] = record
    return records


def build_fleet(
    n: int,
    connections_each: int,
    platform: Platform,
    *,
    status: str,
    deauthorized_share: float,
    moments: Iterator[datetime],
) -> dict[str, Company]:
    """``n`` companies of ``connections_each`` connections; ``deauthorized_share`` of the connections, spread
    evenly over the fleet, are ``Deauthorized`` instead of ``status``. In the order made."""
    fleet: dict[str, Company] = {}
    index = 0
    for i in range(n):
        company = Company(str(uuid.uuid4()), f"Company {i + 1}", stamp(next(moments)))
        statuses = []
        for _ in range(connections_each):
            lost = math.floor((index + 1) * deauthorized_share) > math.floor(index * deauthorized_share)
            statuses.append("Deauthorized" if lost else status)
            index += 1
        company.connections = build_connections(company.id, iter(statuses), platform, moments)
        fleet[company.id] = company
    return fleet
