"""Many OS processes on one ledger, on each backend: one outcome per message, the newest state, one claimer."""

from __future__ import annotations

import multiprocessing
import random
import time
from datetime import timedelta
from typing import Any

import pytest

from codat_connections.ledger import Ledger, Outcome
from tests.ledger import workers
from tests.ledger.events import at, connection_body

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

PROCESSES = 3
SPAWN = multiprocessing.get_context("spawn")
STATUSES = ["PendingAuth", "Linked", "Deauthorized", "Unlinked"]


def run(target: Any, args_for: list[tuple[Any, ...]]) -> list[Any]:
    """Start one spawned process per argument tuple (with a shared start barrier and result queue); their results."""
    start = SPAWN.Barrier(len(args_for))
    results = SPAWN.Queue()
    processes = [SPAWN.Process(target=target, args=(*args, start, results)) for args in args_for]
    for process in processes:
        process.start()
    collected = [results.get(timeout=240) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    return collected


def test_processes_recording_the_same_shuffled_deliveries_agree(ledger_url: str) -> None:
    rng = random.Random(24)
    deliveries: list[tuple[str, bytes]] = []
    newest: dict[str, str] = {}
    for number in range(1000):
        connection_id = f"conn-{number:04d}"
        times = rng.sample(range(1, 10_000), 3)  # distinct milliseconds: the newest is unambiguous
        statuses = [rng.choice(STATUSES) for _ in times]
        for index, (millis, status) in enumerate(zip(times, statuses, strict=True)):
            body = connection_body(connection_id, status, at(millis / 1000), company_id=f"company-{number // 3}")
            deliveries.append((f"msg-{number}-{index}", body))
        newest[connection_id] = statuses[times.index(max(times))]
    duplicated = deliveries + rng.sample(deliveries, 300)  # Svix's retries: some messages twice in each process
    Ledger.open(ledger_url).close()  # the tables, before the processes race

    outcomes = run(workers.record_all, [(ledger_url, duplicated, seed) for seed in range(PROCESSES)])

    taken: dict[str, list[str]] = {}
    for per_process in outcomes:
        for message_id, outcome in per_process:
            if outcome != Outcome.DUPLICATE.value:
                taken.setdefault(message_id, []).append(outcome)
    assert sorted(taken) == sorted(message_id for message_id, _ in deliveries)
    assert all(len(outcomes_of) == 1 for outcomes_of in taken.values())  # exactly one non-DUPLICATE each
    with Ledger.open(ledger_url) as ledger:
        for connection_id, status in newest.items():
            state = ledger.get(connection_id)
            assert state is not None and state.status == status, connection_id


def flag(ledger: Ledger, count: int) -> None:
    from codat_connections.webhooks import parse_event

    for number in range(count):
        body = connection_body(f"conn-{number:04d}", "Deauthorized", at(number))
        ledger.record(parse_event(body, message_id=f"msg-{number}"))


def test_processes_claiming_at_once_get_each_episode_exactly_once(ledger_url: str) -> None:
    with Ledger.open(ledger_url) as ledger:
        flag(ledger, 300)
        opened = {episode.id for episode in ledger.episodes()}
    assert len(opened) == 300

    claimed = run(workers.claim_until_none, [(ledger_url,) for _ in range(PROCESSES + 1)])

    every = [episode_id for per_process in claimed for episode_id in per_process]
    assert sorted(every) == sorted(opened)  # each episode to exactly one claimer
    assert sum(1 for per_process in claimed if per_process) > 1  # they did race
    with Ledger.open(ledger_url) as ledger:
        assert ledger.claim(limit=1000, lease=timedelta(milliseconds=1)) == []
        time.sleep(0.01)
        assert ledger.claim(limit=1000) == [] and ledger.episodes() == []  # done: never back


def test_an_episode_whose_claimer_was_killed_is_claimed_again_after_its_lease(ledger_url: str) -> None:
    with Ledger.open(ledger_url) as ledger:
        flag(ledger, 2)
    results = SPAWN.Queue()
    process = SPAWN.Process(target=workers.claim_and_die, args=(ledger_url, 2.0, results))
    process.start()
    held = results.get(timeout=60)
    process.join(timeout=30)
    assert process.exitcode is not None and process.exitcode < 0  # killed mid-episode
    with Ledger.open(ledger_url) as ledger:
        [other] = ledger.claim(limit=10)  # the held one is not handed out while its lease runs
        assert other.id != held
        time.sleep(2.2)
        [again] = ledger.claim(limit=10)
        assert (again.id, again.claims) == (held, 2)
