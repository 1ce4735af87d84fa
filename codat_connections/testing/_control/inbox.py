"""The inbox: a webhook receiver the served fake keeps for a team that has none yet (``POST /_fake/inbox``).

It keeps what it receives as it arrived (headers and raw body, so signatures can be checked), at most
``INBOX_SIZE`` messages, the oldest going first. Thread-safe.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping
from typing import Any

__all__ = ["INBOX_SIZE", "Inbox"]

INBOX_SIZE = 1000
"""Messages the inbox keeps (the oldest go first)."""


class Inbox:
    """Messages received, oldest first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: deque[dict[str, Any]] = deque(maxlen=INBOX_SIZE)

    def receive(self, headers: Mapping[str, str], body: bytes) -> None:
        with self._lock:
            self._messages.append({"headers": dict(headers), "body": body.decode("utf-8", "replace")})

    def messages(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._messages)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()
