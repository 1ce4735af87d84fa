"""What the concurrency tests run in other OS processes (spawned: this module is imported afresh there)."""

from __future__ import annotations

import os
import random
import signal
import time
from datetime import timedelta
from typing import Any

from codat_connections.ledger import Ledger
from codat_connections.webhooks import parse_event


def record_all(url: str, deliveries: list[tuple[str, bytes]], seed: int, start: Any, results: Any) -> None:
    """Record every delivery, in this process's own shuffled order; put ``[(message_id, outcome), ...]``."""
    order = random.Random(seed).sample(deliveries, len(deliveries))
    outcomes: list[tuple[str, str]] = []
    with Ledger.open(url, timeout=60) as ledger:
        start.wait()
        for message_id, body in order:
            outcomes.append((message_id, ledger.record(parse_event(body, message_id=message_id)).value))
    results.put(outcomes)


def claim_until_none(url: str, start: Any, results: Any) -> None:
    """Claim a few at a time and end each, until nothing is left; put the ids this process got."""
    got: list[int] = []
    with Ledger.open(url, timeout=60) as ledger:
        start.wait()
        while batch := ledger.claim(limit=7, lease=timedelta(minutes=10)):
            for episode in batch:
                got.append(episode.id)
                time.sleep(0.005)  # the email
                ledger.done(episode)
    results.put(got)


def claim_and_die(url: str, lease_seconds: float, results: Any) -> None:
    """Claim one episode, say which, and die before ending it (SIGKILL: no cleanup of any kind)."""
    with Ledger.open(url) as ledger:
        [episode] = ledger.claim(limit=1, lease=timedelta(seconds=lease_seconds))
        results.put(episode.id)
        results.close()
        results.join_thread()  # the id has left this process
        os.kill(os.getpid(), signal.SIGKILL)
