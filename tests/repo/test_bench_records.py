"""The decode benchmark measures records a real account could return (scripts/bench_real_heap.py); the fleet
benchmark's contenders answer the same question in the requests they count, and its targets fail when missed
(scripts/bench_fleet.py)."""

from __future__ import annotations

import json
from collections import Counter
from types import SimpleNamespace

from codat_connections_api.models import Connections, ConnectionStatus

from scripts import bench_fleet as bench
from scripts import bench_fleet_contenders as contenders
from scripts.bench_fleet_contenders import Meter, Outcome
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


SMALL_FLEET, SMALL_PAGE = 120, 50  # three pages: 50, 50 and 20 companies


def test_the_fleet_contenders_find_the_same_connections_in_the_requests_they_count() -> None:
    fake, ids = contenders.fleet(SMALL_FLEET, limited=False, page_size=SMALL_PAGE)
    wanted = contenders.expected_flagged(SMALL_FLEET)
    assert wanted == 18, "5 % of 360 connections"
    for floor in (contenders.floor_sync, contenders.floor_async):
        assert floor(fake, Meter(memory=False), SMALL_PAGE) == Outcome(3, 0, SMALL_FLEET, None, None)
    # Ours asks for 5000 a page; the fake serves 50 and the client pages on at the size served.
    for listing in (contenders.listing_sync, contenders.listing_async):
        assert listing(fake, Meter(memory=False)) == Outcome(3, 0, None, wanted, wanted)
    per_company = contenders.per_company_async(ids)
    assert per_company(fake, Meter(memory=False)) == Outcome(SMALL_FLEET, 0, None, wanted, wanted)


def test_a_memory_meter_sees_what_is_held_during_the_measure_and_not_what_was_there_before() -> None:
    before = bytearray(8_000_000)
    meter = Meter(memory=True)
    with meter:
        held = bytearray(4_000_000)
    assert 4_000_000 <= meter.peak < 5_000_000
    assert len(before) + len(held) == 12_000_000


def result(name: str, requests: int, elapsed: float, rate_limited: int = 0) -> bench.FleetResult:
    return bench.FleetResult(name, elapsed, 1.0, Outcome(requests, rate_limited, None, 1500, 1500), 50.0)


def test_the_listing_targets_fail_when_missed_and_the_stretch_is_only_reported() -> None:
    assert contenders.listing_requests_allowed(10_000) == 3
    assert contenders.listing_requests_allowed(100_000) == 21
    met = bench.listing_rows(result(bench.OURS_SYNC, 3, 1.99), 10_000)
    assert [row.met for row in met] == [True, True, False, True]
    assert [row.enforced for row in met] == [True, True, False, True], "the 1.5x stretch is not enforced"
    missed = bench.listing_rows(result(bench.OURS_ASYNC, 4, 2.01, rate_limited=1), 10_000)
    assert [row.met for row in missed] == [False, False, False, False]
    report = bench.FleetReport([], met + missed, 0, (1.0, 1.0))
    assert bench.missed(report) == [
        "listing, async: requests",
        "listing, async: elapsed vs floor",
        "listing, async: 429s",
    ]


def test_the_memory_targets_fail_above_two_pages_or_when_the_peak_grows_with_the_fleet() -> None:
    large_run = Outcome(21, 0, None, contenders.expected_flagged(contenders.LARGE_FLEET), 15_000)
    flat = bench.memory_rows("listing, sync", bench.Footprint(56, 40), bench.Footprint(57, 40), large_run)
    assert [row.met for row in flat] == [True, True, True, True]
    grown = bench.memory_rows("listing, sync", bench.Footprint(56, 40), bench.Footprint(81, 40), large_run)
    assert [row.met for row in grown] == [True, True, False, False]
    more_requests = Outcome(22, 0, None, 15_000, 15_000)
    assert not bench.memory_rows("x", bench.Footprint(1, 1), bench.Footprint(1, 1), more_requests)[0].met
    wrong_answer = Outcome(20, 0, None, 14_999, 14_999)
    assert not bench.memory_rows("x", bench.Footprint(1, 1), bench.Footprint(1, 1), wrong_answer)[0].met


def test_every_contender_must_find_every_flagged_connection_with_no_company_failing() -> None:
    floor = bench.FleetResult(bench.FLOOR_SYNC, 1.0, 1.0, Outcome(2, 0, 10_000, None, None), 50.0)
    good = result(bench.OURS_SYNC, 2, 1.0)
    assert [row.met for row in bench.answer_rows([floor, good], 10_000)] == [True, True]
    failing = result(bench.OURS_PER_COMPANY, 10_000, 50.0)
    failing.outcome.failed = 1
    assert [row.met for row in bench.answer_rows([floor, good, failing], 10_000)] == [False, True]
    short = bench.FleetResult(bench.PLATFORM, 1.0, 1.0, Outcome(2, 0, 5_000, 1500, 1500), 50.0)
    assert [row.met for row in bench.answer_rows([floor, short], 10_000)] == [True, False]


def test_the_rule_applied_to_codat_platform_models_is_the_librarys() -> None:
    def connection(status: str, *errors: str | None) -> SimpleNamespace:
        return SimpleNamespace(
            status=status, data_connection_errors=[SimpleNamespace(status=e) for e in errors] or None
        )

    picks = [
        contenders.platform_needs_attention(connection(status, *errors))
        for status, errors in [
            ("Deauthorized", ()),
            ("Linked", ("Active",)),
            ("Linked", ("Resolved", None)),
            ("Linked", ()),
            ("PendingAuth", ()),
        ]
    ]
    assert picks == [True, True, False, False, False]
