"""The decode benchmark measures records a real account could return (scripts/bench_real_heap.py)."""

from __future__ import annotations

import json
from collections import Counter

from codat_connections_api.models import Connections, ConnectionStatus

from scripts.bench_real_heap import page_body, realistic_records


def test_the_benchmark_page_decodes_and_round_trips_through_the_models() -> None:
    _, body = page_body(500)
    wire = json.loads(body)
    page = Connections.from_dict(wire)
    assert page.results is not None and len(page.results) == 500
    assert page.to_dict() == json.loads(body), "nothing in the benchmark's records is lost or unknown"
    assert all(isinstance(c.status, ConnectionStatus) and c.status.name for c in page.results)


def test_the_benchmark_records_follow_the_stated_mix() -> None:
    _, records = realistic_records(4000)
    statuses = Counter(record["status"] for record in records)
    assert 0.70 < statuses["Linked"] / 4000 < 0.80
    assert 0.07 < statuses["Deauthorized"] / 4000 < 0.13
    with_info = [r for r in records if "connectionInfo" in r]
    assert all(r["status"] != "PendingAuth" for r in with_info)
    assert len(with_info) == 4000 - statuses["PendingAuth"]
    assert all(r["dataConnectionErrors"] for r in records if r["status"] == "Deauthorized")
    with_errors = sum(1 for r in records if r["dataConnectionErrors"])
    assert 0.10 < with_errors / 4000 < 0.18
    assert all(r["lastSync"] is None for r in records if r["status"] == "PendingAuth")
