"""The webhooks guide's receiver and worker, executed as written, for the tests that feed them the fake's deliveries.

The webhooks guide's "The receiver and the worker" section (docs/guides/webhooks.md, once the README's
"Webhooks" section) ends with a block that tries the receiver once (tests/docs/test_guides.py runs the
guide's blocks); every block before it defines the receiver (``receive``, ``wsgi_app``) and the worker
(``handle`` and the state it keeps). They are executed here in a namespace of each ``Receiver``'s own:
a fresh deduplication set, work queue and state.
"""

from __future__ import annotations

import functools
import queue
from collections.abc import Callable
from types import CodeType
from typing import Any

import pytest

from codat_connections.testing import FakeCodat
from codat_connections.webhooks import ConnectionEvent, RateLimitEvent, WebhookEvent
from tests.conftest import ROOT
from tests.docs.blocks import python_blocks

Receive = Callable[[bytes, dict[str, str]], int]


def webhook_blocks() -> list[str]:
    """The code of each Python block of the guide's "The receiver and the worker" section, in order."""
    guide = ROOT / "docs" / "guides" / "webhooks.md"
    lines = guide.read_text(encoding="utf-8").splitlines()
    start = lines.index("## The receiver and the worker") + 1
    end = next((n for n in range(start, len(lines)) if lines[n].startswith("## ")), len(lines)) + 1
    return [block.code for block in python_blocks(guide, ROOT) if start < block.line < end]


@functools.cache
def receiver_code() -> tuple[CodeType, ...]:
    """Every block of the section but the last (the try-it block), compiled once."""
    *blocks, _try_it = webhook_blocks()
    assert len(blocks) == 2, "the receiver, the worker (then trying them)"
    return tuple(compile(block, f"<webhooks guide block {n}>", "exec") for n, block in enumerate(blocks, 1))


class Receiver:
    """The guide's receiver and worker in a namespace of their own."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {"__name__": "guide_receiver"}
        for code in receiver_code():
            exec(code, self.namespace)  # noqa: S102 (the project's own guide)
        self.receive: Receive = self.namespace["receive"]
        self.wsgi_app = self.namespace["wsgi_app"]
        self.handle: Callable[[WebhookEvent], str] = self.namespace["handle"]

    def events(self) -> list[WebhookEvent]:
        """The events taken so far (the receiver's work queue, emptied)."""
        work: queue.Queue[WebhookEvent] = self.namespace["work"]
        taken = []
        while not work.empty():
            taken.append(work.get_nowait())
        return taken

    def states(self) -> dict[str, str]:
        """The worker's latest known status of each connection, by connection id."""
        return {connection_id: known.status for connection_id, known in self.namespace["latest"].items()}


def subscribe(fake: FakeCodat, target: Receive | str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Deliver the fake's webhooks to ``target``, with its endpoint's secret where the guide reads it."""
    endpoint = fake.add_webhook_endpoint(target)
    monkeypatch.setenv("CODAT_WEBHOOK_SECRET", endpoint.secret)


def summary(event: WebhookEvent) -> tuple[str, str]:
    if isinstance(event, ConnectionEvent):
        return event.event_type.value, event.connection.status.value
    if isinstance(event, RateLimitEvent):
        return event.event_type.value, f"{event.quota_remaining}/{event.daily_quota}"
    return event.event_type, "unknown"
