"""FakeCodat: a stateful, in-memory stand-in for Codat's companies and connections API.

It answers the operations as Codat's document describes them, keeps companies and connections
between calls, lets a test play the end user and the platform, inject faults, enforce Codat's rate
limits, add latency, and receive signed webhooks (the controls: ``_control/controls.py``). This class
is the one place that puts the parts together: the request pipeline with the route table
(``testing/_routes.py``), the control API and its inbox; and it adds the ways to reach it: the
transports (in-process, ``transport.py``) and the loopback server (``server.py``).

Why two classes: the control API's handlers call the controls, so they name the class that has them
(``FakeControls``); the route table names the handlers; and the pipeline is built from the route table.
The class that builds the pipeline therefore sits above the handlers, and the class they call below.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime

import httpx

from codat_connections._constants import MAX_PAGE_SIZE
from codat_connections.testing._control.api import Context, ControlAPI
from codat_connections.testing._control.controls import FakeControls
from codat_connections.testing._control.inbox import Inbox
from codat_connections.testing._pipeline.pipeline import Exchange, Pipeline
from codat_connections.testing._pipeline.responses import FakeResponse
from codat_connections.testing._pipeline.routing import SERVED_PAGE_SIZE, Backend
from codat_connections.testing._routes import CODAT_ROUTER, CONTROL_ROUTER, CONTROL_ROUTES
from codat_connections.testing._state.platforms import check_whole
from codat_connections.testing._ways_in.hosts import allowed_names, check_public_url
from codat_connections.testing._ways_in.server import serve
from codat_connections.testing._ways_in.transport import async_transport, sync_transport

__all__ = ["FakeCodat"]


class FakeCodat(FakeControls):
    """In-memory Codat companies and connections API. Thread-safe; every method may be called from tests.

    ``api_key`` is the key clients must send (as ``Basic <base64>``); ``clock`` returns "now" (UTC)
    for timestamps, the idempotency window and rate-limit windows. ``max_recorded_requests`` bounds
    ``requests`` to the most recent N (0: record nothing), for long runs; None keeps every request.
    ``max_page_size`` caps the records a listing page serves whatever is asked (default 2,000, the most
    Codat's response schema allows in a page; up to 5,000, the most a request may ask).
    ``link_base_url`` points every ``linkUrl`` at this fake's Link page under that URL; by default
    they point at the fake's own server while ``serve()`` runs, and at Codat's
    ``link-api.codat.io`` otherwise. ``link_redirect`` is the URL template the Link page sends the
    browser to (Codat's reserved parameters in braces, e.g. ``{statusCode}``). Webhooks go to loopback URLs
    only, unless ``allow_remote_webhooks`` (a receiver on the host, seen from a container).
    """

    def __init__(
        self,
        api_key: str = "fake-codat-api-key",
        *,
        clock: Callable[[], datetime] | None = None,
        max_recorded_requests: int | None = None,
        max_page_size: int | None = None,
        link_base_url: str | None = None,
        link_redirect: str | None = None,
        allow_remote_webhooks: bool = False,
    ) -> None:
        if max_page_size is not None:
            check_whole("max_page_size", max_page_size, least=1, most=MAX_PAGE_SIZE)
        super().__init__(
            clock=clock,
            max_recorded_requests=max_recorded_requests,
            link_base_url=link_base_url,
            link_redirect=link_redirect,
            allow_remote_webhooks=allow_remote_webhooks,
        )
        expected_auth = "Basic " + base64.b64encode(api_key.encode()).decode()
        control_api = ControlAPI(CONTROL_ROUTER, Context(self, Inbox(), CONTROL_ROUTES), expected_auth)
        self._pipeline = Pipeline(
            routes=CODAT_ROUTER,
            backend=Backend(self._store, max_page_size or SERVED_PAGE_SIZE),
            control=control_api.answer,
            conditions=self._conditions,
            lock=self._lock,
            clock=self._clock,
            expected_auth=expected_auth,
            on_quota_event=self._on_quota_event,
            after_unlock=self._webhooks.deliver_inline,
        )

    # -- three ways to reach it ----------------------------------------------------------------------
    def transport(self) -> httpx.MockTransport:
        """An httpx transport answering from this fake: ``httpx.Client(transport=fake.transport())``."""
        return sync_transport(self._open)

    def async_transport(self) -> httpx.MockTransport:
        """The same for ``httpx.AsyncClient``; waits use ``asyncio.sleep`` and never block the loop."""
        return async_transport(self._open)

    def serve(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        public_url: str | None = None,
        allowed_hosts: Iterable[str] = (),
    ) -> AbstractContextManager[str]:
        """``with fake.serve() as base_url:`` a real HTTP server, in a thread, until the block ends.

        ``host`` may be an IPv6 address (``::1``: the base URL is ``http://[::1]:PORT``) or a wildcard
        (``0.0.0.0``, in a container: the base URL is then the loopback one). ``base_url`` is where this machine
        reaches it; ``public_url`` is where clients and browsers do (a container's published port, a proxy):
        link URLs use it. While it runs (and no ``link_base_url`` was given), link URLs point at its Link page.
        It answers only requests whose Host names ``127.0.0.1``, ``localhost`` or ``[::1]`` (any port), the
        address it listens on, the host of ``public_url``, or one of ``allowed_hosts``: any other is a 421, so a
        web page cannot reach it through DNS rebinding. ``CannotListen`` (an ``OSError``) if it cannot listen.
        """
        if not isinstance(host, str):
            raise TypeError(f"host must be a str, got {type(host).__name__}")
        if isinstance(port, bool) or not isinstance(port, int):
            raise TypeError(f"port must be an int, got {type(port).__name__}")
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be from 0 to 65535 (0: any free port), got {port}")
        checked_url = None if public_url is None else check_public_url(public_url)
        if isinstance(allowed_hosts, str):
            raise TypeError("allowed_hosts must be a collection of host names, not one string")
        names = allowed_names(host, checked_url, allowed_hosts)
        return self._serving(host, port, checked_url, names)

    @contextmanager
    def _serving(self, host: str, port: int, public_url: str | None, names: frozenset[str]) -> Iterator[str]:
        """While serving, link URLs point at the Link page under the public URL (else the base URL), unless a base
        is set already (``link_base_url`` was given, or another ``serve()`` runs)."""
        with serve(self._open, host, port, names=names) as base_url:
            with self._lock:
                claimed = self._store.link_base is None
                if claimed:
                    self._store.link_base = public_url or base_url
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
        make before sending it; the request stops counting as in flight (for its company's limit and its
        Idempotency-Key) when this returns.
        """
        exchange = self._open(method, path, query, headers, body)
        exchange.finish()
        return exchange.response

    def _open(
        self, method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str], body: bytes
    ) -> Exchange:
        """For the transports and the server: the answer, held in flight until ``finish``."""
        return self._pipeline.open(method, path, query, headers, body)
