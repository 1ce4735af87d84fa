"""The inbox: a webhook receiver the served fake keeps for a team that has none yet (``POST /_fake/inbox``).

It keeps what it receives as it arrived (headers and raw body, so signatures can be checked), at most
``INBOX_SIZE`` messages and ``INBOX_MAX_BYTES`` in all, the oldest going first. Its receiving end needs no key
(a webhook sender has none), so the bound in bytes is what keeps anyone on the machine from filling the
fake's memory; a message larger than the whole inbox is refused. Thread-safe.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping
from typing import Any

__all__ = ["INBOX_MAX_BYTES", "INBOX_SIZE", "Inbox", "TooLarge"]

INBOX_SIZE = 1000
"""Messages the inbox keeps (the oldest go first)."""
INBOX_MAX_BYTES = 16 * 1024 * 1024
"""Bytes the inbox keeps, bodies and headers counted (the oldest messages go first). Read at each message."""


class TooLarge(ValueError):
    """A message larger than the whole inbox (a 413)."""


class Inbox:
    """Messages received, oldest first, with their sizes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: deque[tuple[int, dict[str, Any]]] = deque()
        self._bytes = 0

    def receive(self, headers: Mapping[str, str], body: bytes) -> None:
        """Keep the message, pushing out the oldest as the bounds need; ``TooLarge`` if it alone passes them."""
        size = len(body) + sum(len(name) + len(value) for name, value in headers.items())
        limit = INBOX_MAX_BYTES
        if size > limit:
            raise TooLarge(f"The message is {size} bytes; the inbox keeps {limit} bytes in all.")
        message = {"headers": dict(headers), "body": body.decode("utf-8", "replace")}
        with self._lock:
            while self._messages and (len(self._messages) >= INBOX_SIZE or self._bytes + size > limit):
                self._bytes -= self._messages.popleft()[0]
            self._messages.append((size, message))
            self._bytes += size

    def messages(self) -> list[dict[str, Any]]:
        with self._lock:
            return [message for _, message in self._messages]

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()
            self._bytes = 0
