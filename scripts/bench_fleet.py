"""`make bench`, the fleet table: the morning question over a whole fleet through the companies listing.

The fake holds 10,000 companies with 3 connections each (5 % of the connections ``Deauthorized``),
answers every request after 20 ms, allows 200 requests per second and 10 in flight per company,
and serves at most 5000 companies a page. Side by side: ``needing_attention()`` through the listing
(sync and async); ``needing_attention(ids)``, one request per company (async only: 10,000 requests
at 200 a second take 50 s, and the sync sweep is bound by the same rate, as the sweep table shows);
and Codat's ``codat-platform`` paging ``companies.list``. Each is compared with the decode floor of
its transport kind: the same pages fetched with raw httpx and ``json.loads``, no models
(scripts/bench_fleet_contenders.py). The async consumers await once per result, as a consumer
sending messages does.

Measured as a user's process runs: GC on, the fleet alive in the process (about 60,000 GC-tracked
objects at 10,000 companies). Times are medians of interleaved runs (the per-company sweep runs
once). Peak memory is tracemalloc's peak growth during one more run of the sweep alone, the fleet
and the client built beforehand, the fake's serving of each page included; a page's worth is the
same measure of ``client.companies.list(page_size=5000)`` fetching one page. The listing's memory
is measured at 10,000 and 100,000 companies.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass

from scripts.bench_fleet_contenders import (
    COMPANIES,
    DEAUTHORIZED_SHARE,
    LARGE_FLEET,
    PAGE_SIZE,
    PER_COMPANY,
    Contender,
    Meter,
    Outcome,
    expected_flagged,
    fleet,
    floor_async,
    floor_sync,
    listing_async,
    listing_requests_allowed,
    listing_sync,
    median_runs,
    page_worth,
    peak_growth,
    per_company_async,
    platform_listing,
)
from scripts.bench_sweep import CONNECTIONS_EACH, LATENCY, RATE

FLOOR_SYNC = "floor: raw httpx + json.loads (sync)"
FLOOR_ASYNC = "floor: raw httpx + json.loads (async)"
OURS_SYNC = "ours: needing_attention(), listing (sync)"
OURS_ASYNC = "ours: needing_attention(), listing (async)"
OURS_PER_COMPANY = "ours: needing_attention(ids) (async)"
PLATFORM = "codat-platform: companies.list, by hand"
SHORT = {OURS_SYNC: "listing, sync", OURS_ASYNC: "listing, async", OURS_PER_COMPANY: "per company, async"}
ELAPSED_TARGET, ELAPSED_STRETCH, FLAT_TARGET = 2.0, 1.5, 1.25


@dataclass
class FleetResult:
    contender: str
    elapsed: float
    floor: float  # the decode floor of its transport kind
    outcome: Outcome
    peak: float  # MB


@dataclass
class Footprint:
    """A sweep's peak memory and a page's worth on the same fleet, in MB."""

    peak: float
    page: float

    @property
    def pages(self) -> float:
        return self.peak / self.page


@dataclass
class FleetRow:
    figure: str
    value: str
    target: str
    met: bool
    enforced: bool = True  # False for a stretch target: reported, never a failure


@dataclass
class FleetReport:
    results: list[FleetResult]
    rows: list[FleetRow]
    live_objects: int  # GC-tracked objects alive when the sweeps ran (the fleet, mostly)
    pages: tuple[float, float]  # a page's worth (MB) at COMPANIES and at LARGE_FLEET


def run(runs: int = 9, *, with_platform: bool = True) -> FleetReport:
    """Every contender on one fleet, then the listing's memory on a fleet ten times larger."""
    fake, ids = fleet(COMPANIES)
    live_objects = len(gc.get_objects())
    listing: dict[str, Contender] = {
        FLOOR_SYNC: floor_sync,
        FLOOR_ASYNC: floor_async,
        OURS_SYNC: listing_sync,
        OURS_ASYNC: listing_async,
    }
    if with_platform:
        listing[PLATFORM] = platform_listing
    timed = median_runs(listing, fake, runs)
    peaks = {name: peak_growth(contender, fake)[0] for name, contender in listing.items()}
    worth = page_worth(fake)
    per_company = per_company_async(ids)
    for measure_memory in (False, True):  # 50 s each, bound by the rate: timed once, then traced once
        fake.enforce_rate_limits(requests=RATE, per_seconds=1, per_company_concurrency=PER_COMPANY)  # fresh counts
        meter = Meter(memory=measure_memory)
        outcome = per_company(fake, meter)
        if measure_memory:
            peaks[OURS_PER_COMPANY] = meter.peak / 1e6
        else:
            timed[OURS_PER_COMPANY] = meter.elapsed, outcome
    del fake
    results = [
        FleetResult(name, elapsed, timed[FLOOR_ASYNC if "async" in name else FLOOR_SYNC][0], outcome, peaks[name])
        for name, (elapsed, outcome) in timed.items()
    ]
    large, _ = fleet(LARGE_FLEET)
    large_worth = page_worth(large)
    large_runs = {name: peak_growth(listing[name], large) for name in (OURS_SYNC, OURS_ASYNC)}
    del large
    rows = answer_rows(results, COMPANIES)
    rows += [row for r in results if r.contender in (OURS_SYNC, OURS_ASYNC) for row in listing_rows(r, COMPANIES)]
    rows += [rate_row(r) for r in results if r.contender == OURS_PER_COMPANY]
    for name, (large_peak, large_outcome) in large_runs.items():
        rows += memory_rows(
            SHORT[name], Footprint(peaks[name], worth), Footprint(large_peak, large_worth), large_outcome
        )
    return FleetReport(results, rows, live_objects, (worth, large_worth))


def answer_rows(results: list[FleetResult], companies: int) -> list[FleetRow]:
    """Every contender reads the whole fleet and finds the same connections, with no company failing."""
    wanted = expected_flagged(companies)
    pickers = [r.outcome for r in results if r.outcome.flagged_connections is not None]
    readers = [r.outcome.companies_read for r in results if r.outcome.companies_read is not None]
    same = all((o.flagged_companies, o.flagged_connections, o.failed) == (wanted, wanted, 0) for o in pickers)
    return [
        FleetRow(
            "every contender: connections flagged (in as many companies)", f"{wanted:,}", "all, none failed", same
        ),
        FleetRow("the contenders paging by hand: companies read", f"{companies:,}", "all", set(readers) == {companies}),
    ]


def listing_rows(result: FleetResult, companies: int) -> list[FleetRow]:
    """The listing sweep's targets: requests, elapsed against the decode floor (and the stretch), 429s."""
    allowed = listing_requests_allowed(companies)
    requests, ratio, name = result.outcome.requests, result.elapsed / result.floor, SHORT[result.contender]
    return [
        FleetRow(f"{name}: requests", str(requests), f"<= {allowed}", requests <= allowed),
        FleetRow(f"{name}: elapsed vs floor", f"{ratio:.2f}x", f"<= {ELAPSED_TARGET}x", ratio <= ELAPSED_TARGET),
        FleetRow(
            f"{name}: elapsed vs floor", f"{ratio:.2f}x", f"<= {ELAPSED_STRETCH}x", ratio <= ELAPSED_STRETCH, False
        ),
        rate_row(result),
    ]


def rate_row(result: FleetResult) -> FleetRow:
    rate_limited = result.outcome.rate_limited
    return FleetRow(f"{SHORT[result.contender]}: 429s", str(rate_limited), "0", rate_limited == 0)


def memory_rows(name: str, small: Footprint, large: Footprint, large_run: Outcome) -> list[FleetRow]:
    """The listing at the larger fleet: its requests and answer, peak memory within two pages' worth at
    both fleet sizes, and the same at both."""
    allowed, wanted = listing_requests_allowed(LARGE_FLEET), expected_flagged(LARGE_FLEET)
    growth = large.peak / small.peak
    answered = large_run.flagged_connections == wanted and large_run.failed == 0
    return [
        FleetRow(
            f"{name}: {LARGE_FLEET:,} companies: requests, flagged",
            f"{large_run.requests}, {large_run.flagged_connections:,}",
            f"<= {allowed}, {wanted:,}",
            large_run.requests <= allowed and answered,
        ),
        FleetRow(
            f"{name}: peak, {COMPANIES:,} companies",
            f"{small.peak:.1f} MB = {small.pages:.2f} pages",
            "<= 2 pages",
            small.pages <= 2,
        ),
        FleetRow(
            f"{name}: peak, {LARGE_FLEET:,} companies",
            f"{large.peak:.1f} MB = {large.pages:.2f} pages",
            "<= 2 pages",
            large.pages <= 2,
        ),
        FleetRow(
            f"{name}: peak, {LARGE_FLEET:,} vs {COMPANIES:,}",
            f"{growth:.2f}x",
            f"<= {FLAT_TARGET}x",
            growth <= FLAT_TARGET,
        ),
    ]


def print_tables(report: FleetReport) -> None:
    print(
        f"\nFleet: {COMPANIES:,} companies x {CONNECTIONS_EACH} connections ({DEAUTHORIZED_SHARE:.0%} Deauthorized), "
        f"{LATENCY * 1e3:.0f} ms latency, the fake limiting to {RATE}/s and {PER_COMPANY} per company, pages of "
        f"{PAGE_SIZE}; GC on, {report.live_objects / 1000:.0f}k live GC-tracked objects"
    )
    heads = ("elapsed", "vs floor", "requests", "429s", "peak MB", "flagged")
    print(f"| {'contender':<48} | " + " | ".join(f"{head:>8}" for head in heads) + " |")
    print(f"|{'-' * 50}|" + "|".join("-" * 10 for _ in heads) + "|")
    for r in report.results:
        flagged = "-" if r.outcome.flagged_connections is None else str(r.outcome.flagged_connections)
        print(
            f"| {r.contender:<48} | {r.elapsed:>7.2f}s | {r.elapsed / r.floor:>7.2f}x | {r.outcome.requests:>8} | "
            f"{r.outcome.rate_limited:>8} | {r.peak:>8.1f} | {flagged:>8} |"
        )
    small, large = report.pages
    print(
        f"\nA page's worth (peak of client.companies.list fetching one page of {PAGE_SIZE}, the fake's serving "
        f"included): {small:.1f} MB at {COMPANIES:,} companies, {large:.1f} MB at {LARGE_FLEET:,}"
    )
    print(f"| {'target':<62} | {'value':>22} | {'wanted':<15} | {'met':<4} |")
    print(f"|{'-' * 64}|{'-' * 24}|{'-' * 17}|{'-' * 6}|")
    for row in report.rows:
        met = ("yes" if row.met else "NO") + ("" if row.enforced else "*")
        print(f"| {row.figure:<62} | {row.value:>22} | {row.target:<15} | {met:<4} |")
    print("(* the stretch target: reported, not enforced)")


def missed(report: FleetReport) -> list[str]:
    """The enforced targets not met."""
    return [row.figure for row in report.rows if row.enforced and not row.met]


if __name__ == "__main__":
    import sys

    fleet_report = run()
    print_tables(fleet_report)
    sys.exit(1 if missed(fleet_report) else 0)
