"""httpx transports that answer from a FakeCodat in-process (no sockets), timing out as a socket would.

The answer waits for injected delays and latency here, in the request's thread (sync) or with
``asyncio.sleep`` (async, so the event loop keeps running). When that wait is longer than the
client's read timeout (the request's ``timeout`` extension, which httpx sets from the client's
settings), the transport waits out the timeout and raises ``httpx.ReadTimeout``, as a socket would;
the request stays in flight on the fake's side until its answer would have been sent.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any
from urllib.parse import unquote

import httpx

from codat_connections.testing._pipeline.pipeline import Exchange, OpenExchange
from codat_connections.testing._pipeline.responses import FakeResponse

__all__ = ["async_transport", "sync_transport"]


def _open(open_exchange: OpenExchange, request: httpx.Request) -> Exchange:
    return open_exchange(
        request.method,
        unquote(request.url.raw_path.split(b"?", 1)[0].decode("ascii")),
        dict(request.url.params),
        dict(request.headers),
        request.content,
    )


def _read_timeout(request: httpx.Request) -> float | None:
    timeouts: Any = request.extensions.get("timeout")
    value = timeouts.get("read") if isinstance(timeouts, dict) else None
    return float(value) if isinstance(value, int | float) else None


def _to_httpx(answer: FakeResponse, request: httpx.Request) -> httpx.Response:
    if answer.drop:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
    if answer.truncate:
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message body", request=request)
    return httpx.Response(answer.status, headers=answer.headers, content=answer.body, request=request)


def sync_transport(open_exchange: OpenExchange) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        exchange = _open(open_exchange, request)
        answered_at = time.monotonic() + exchange.wait
        try:
            timeout = _read_timeout(request)
            if timeout is not None and exchange.wait > timeout:
                time.sleep(timeout)
                raise httpx.ReadTimeout("timed out", request=request)
            if exchange.wait:
                time.sleep(exchange.wait)
            exchange.finish()
            return _to_httpx(exchange.response, request)
        finally:
            exchange.finish(answered_at)

    return httpx.MockTransport(handler)


def async_transport(open_exchange: OpenExchange) -> httpx.MockTransport:
    async def handler(request: httpx.Request) -> httpx.Response:
        await request.aread()
        exchange = _open(open_exchange, request)
        answered_at = time.monotonic() + exchange.wait
        try:
            timeout = _read_timeout(request)
            if timeout is not None and exchange.wait > timeout:
                await asyncio.sleep(timeout)
                raise httpx.ReadTimeout("timed out", request=request)
            if exchange.wait:
                await asyncio.sleep(exchange.wait)
            exchange.finish()
            return _to_httpx(exchange.response, request)
        finally:
            exchange.finish(answered_at)

    return httpx.MockTransport(handler)
