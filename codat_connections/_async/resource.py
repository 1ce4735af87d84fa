"""What every resource does with one of its operations: send it through the client's loop and decode it."""

from __future__ import annotations

from typing import TypeVar

from codat_connections._raw import deliver, take_raw
from codat_connections._request import AsyncSender, Operation

__all__ = ["AsyncResource"]

T = TypeVar("T")


class AsyncResource:
    """The base of ``client.connections`` and ``client.companies``: the sender and the single-request call."""

    def __init__(self, sender: AsyncSender) -> None:
        self._sender = sender

    async def _call(self, operation: Operation[T]) -> T:
        raw = take_raw()  # before sending: a call made meanwhile in this context is a plain one
        return deliver(await self._sender.send(operation.spec), operation, raw=raw)
