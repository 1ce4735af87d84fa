"""httpx transports that answer from a FakeCodat in-process (no sockets)."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING
from urllib.parse import unquote

import httpx

if TYPE_CHECKING:
    from codat_connections.testing._fake import FakeCodat, FakeResponse


def _call(fake: FakeCodat, request: httpx.Request) -> FakeResponse:
    return fake.handle(
        request.method,
        unquote(request.url.raw_path.split(b"?", 1)[0].decode("ascii")),
        dict(request.url.params),
        dict(request.headers),
        request.content,
    )


def _to_httpx(answer: FakeResponse, request: httpx.Request) -> httpx.Response:
    if answer.drop:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
    if answer.truncate:
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message body", request=request)
    return httpx.Response(answer.status, headers=answer.headers, content=answer.body, request=request)


def sync_transport(fake: FakeCodat) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        answer = _call(fake, request)
        if answer.delay:
            time.sleep(answer.delay)
        return _to_httpx(answer, request)

    return httpx.MockTransport(handler)


def async_transport(fake: FakeCodat) -> httpx.MockTransport:
    async def handler(request: httpx.Request) -> httpx.Response:
        await request.aread()
        answer = _call(fake, request)
        if answer.delay:
            await asyncio.sleep(answer.delay)
        return _to_httpx(answer, request)

    return httpx.MockTransport(handler)
