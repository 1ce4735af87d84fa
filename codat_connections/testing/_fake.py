"""FakeCodat: a stateful, in-memory stand-in for Codat's companies and connections API.

It answers the operations as Codat's document describes them, keeps companies and connections
between calls, lets a test play the end user and the platform, inject faults, enforce Codat's rate
limits, add latency, and receive signed webhooks (the controls: ``_controls``). This class adds the
ways to reach it: ``_transport`` (in-process) and ``_server`` (loopback HTTP), and under ``/_fake/``
the HTTP control API and the hosted Link page (``_control_api``, ``_link_page``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager

import httpx

from codat_connections.testing._control.api import ControlAPI
from codat_connections.testing._control.controls import FakeControls
from codat_connections.testing._pipeline.pipeline import ControlHandler, Exchange
from codat_connections.testing._pipeline.responses import FakeResponse
from codat_connections.testing._ways_in.server import serve
from codat_connections.testing._ways_in.transport import async_transport, sync_transport

__all__ = ["FakeCodat"]


class FakeCodat(FakeControls):
    """In-memory Codat companies and connections API. Thread-safe; every method may be called from tests.

    ``api_key`` is the key clients must send (as ``Basic <base64>``); ``clock`` returns "now" (UTC)
    for timestamps, the idempotency window and rate-limit windows. ``max_recorded_requests`` bounds
    ``requests`` to the most recent N (0: record nothing), for long runs; None keeps every request.
    ``max_page_size`` caps the records a listing page serves (default: what is asked, up to 5000).
    ``link_base_url`` points every ``linkUrl`` at this fake's Link page under that URL; by default
    they point at the fake's own server while ``serve()`` runs, and at Codat's
    ``link-api.codat.io`` otherwise. ``link_redirect`` is the URL template the Link page sends the
    browser to (Codat's reserved parameters in braces, e.g. ``{statusCode}``).
    """

    def _control_handler(self) -> ControlHandler:
        return ControlAPI(self).answer

    # -- three ways to reach it ----------------------------------------------------------------------
    def transport(self) -> httpx.MockTransport:
        """An httpx transport answering from this fake: ``httpx.Client(transport=fake.transport())``."""
        return sync_transport(self._open)

    def async_transport(self) -> httpx.MockTransport:
        """The same for ``httpx.AsyncClient``; waits use ``asyncio.sleep`` and never block the loop."""
        return async_transport(self._open)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> AbstractContextManager[str]:
        """``with fake.serve() as base_url:`` a real HTTP server on loopback, in a thread.

        While it runs (and no ``link_base_url`` was given), link URLs point at its Link page.
        """
        return self._serving(host, port)

    @contextmanager
    def _serving(self, host: str, port: int) -> Iterator[str]:
        with serve(self._open, host, port) as base_url:
            with self._lock:
                claimed = self._store.link_base is None  # no link_base_url was given, nor another serve() running
                if claimed:
                    self._store.link_base = base_url
            try:
                yield base_url
            finally:
                if claimed:
                    with self._lock:
                        self._store.link_base = None

    # -- the API -------------------------------------------------------------------------------------
    def handle(
        self, method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str], body: bytes
    ) -> FakeResponse:
        """Answer one HTTP request, for adapters of your own; ``path`` is percent-decoded.

        Header names are case-insensitive. The answer's ``delay`` is the wait the adapter should
        make before sending it; the request stops counting as in flight when this returns.
        """
        exchange = self._open(method, path, query, headers, body)
        exchange.finish()
        return exchange.response

    def _open(
        self, method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str], body: bytes
    ) -> Exchange:
        """For the transports and the server: the answer, held in flight until ``finish``."""
        return self._pipeline.open(method, path, query, headers, body)
