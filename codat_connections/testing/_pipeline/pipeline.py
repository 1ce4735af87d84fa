"""The order in which the fake answers one request, and what the answer holds while it is in flight.

    fault (replacing) -> authentication (401) -> rate limits (429) -> route (404/405)
        -> Idempotency-Key cache (409 in flight/replay/422) -> the route's handler -> fault (after processing)

Faults come first because they stand for the network or Codat's front door; the rate limiter comes
before the idempotency cache so that a 429 is never cached against a key. The answer then waits for
any injected delay plus the configured latency, in the transport or server thread, while the request
still counts as in flight for its company and, the first with its Idempotency-Key, for its key.
Everything under the fake's one lock is quick (no sleeps, no I/O); webhooks to callables are delivered
after the lock is released. Paths under ``CONTROL_PREFIX`` go to the control API instead, without the
lock (a control may wait), untouched by faults, limits and the log.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from email.utils import format_datetime

from codat_connections._constants import KEYED_METHODS
from codat_connections.testing._pipeline.conditions import Conditions
from codat_connections.testing._pipeline.faults import fault_response
from codat_connections.testing._pipeline.rate_limits import QuotaEvent
from codat_connections.testing._pipeline.recording import IncomingRequest
from codat_connections.testing._pipeline.responses import FakeResponse, codat_error
from codat_connections.testing._pipeline.routing import Backend, Call, Route, Router
from codat_connections.testing._state.store import NotFound

__all__ = ["CONTROL_PREFIX", "ControlHandler", "Exchange", "OpenExchange", "Pipeline", "authorized"]

CONTROL_PREFIX = "/_fake/"
"""Paths the fake itself answers (control API, Link page), outside Codat's API: no Codat path starts so."""
UNAUTHORIZED = (
    "Unauthorized: send the fake's API key as Authorization: Basic <base64 of the key>; the key is "
    "FakeCodat(api_key=...) or codat-fake --api-key, 'fake-codat-api-key' when neither is given"
)
"""The 401's message: it names where the key comes from, never the key itself (no API key in any message)."""

ControlHandler = Callable[[IncomingRequest], FakeResponse]
"""Answers a request under ``CONTROL_PREFIX``; called without the fake's lock held (it may wait)."""


def authorized(request: IncomingRequest, expected: str) -> bool:
    """The request carries the fake's API key (``expected`` is its whole ``Authorization`` value)."""
    return request.headers.get("authorization") == expected


class Exchange:
    """One request being answered: the answer, the seconds to wait before sending it, and what it holds until then
    (its company's in-flight slot, its Idempotency-Key's first answer)."""

    __slots__ = ("_lock", "_on_sent", "response", "wait")

    def __init__(
        self, response: FakeResponse, wait: float, lock: threading.RLock, on_sent: list[Callable[[float], None]]
    ) -> None:
        self.response = response
        self.wait = wait
        self._lock = lock
        self._on_sent = on_sent

    def finish(self, busy_until: float | None = None) -> None:
        """The answer is being sent now; or the client gave up and the server stays busy until then.

        ``busy_until`` is a ``time.monotonic()`` moment. Calling again does nothing.
        """
        if self._on_sent:
            moment = time.monotonic() if busy_until is None else busy_until
            with self._lock:
                for sent in self._on_sent:
                    sent(moment)
            self._on_sent = []


OpenExchange = Callable[[str, str, Mapping[str, str], Mapping[str, str], bytes], Exchange]
"""``(method, percent-decoded path, query, headers, body) -> Exchange``: what transports and the server call."""


class Pipeline:
    """Answers requests: Codat's API through ``routes`` against ``backend``, under the ``conditions`` the controls
    set; paths under ``CONTROL_PREFIX`` through ``control``. ``clock`` answers in UTC."""

    def __init__(
        self,
        *,
        routes: Router[Route],
        backend: Backend,
        control: ControlHandler,
        conditions: Conditions,
        lock: threading.RLock,
        clock: Callable[[], datetime],
        expected_auth: str,
        on_quota_event: Callable[[QuotaEvent], None],
        after_unlock: Callable[[], None],
    ) -> None:
        self._routes = routes
        self._backend = backend
        self._control = control
        self._conditions = conditions
        self._lock = lock
        self._clock = clock
        self._expected_auth = expected_auth
        self._on_quota_event = on_quota_event
        self._after_unlock = after_unlock

    def open(
        self, method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str], body: bytes
    ) -> Exchange:
        """Answer the request; the caller waits ``exchange.wait`` seconds, then calls ``finish``."""
        request = IncomingRequest(
            method.upper(), path, dict(query), {name.lower(): value for name, value in headers.items()}, body
        )
        if (path + "/").startswith(CONTROL_PREFIX):
            try:
                answer = self._control(request)
            except Exception as exc:  # a bug in the fake is a 500 a test sees, never a dropped connection
                answer = codat_error(500, f"FakeCodat failed: {type(exc).__name__}: {exc}")
            if request.method == "HEAD":
                answer.body = b""
            answer.headers["date"] = format_datetime(self._clock(), usegmt=True)
            return Exchange(answer, 0.0, self._lock, [])
        with self._lock:
            now = self._clock()
            limiter = self._conditions.limiter
            on_sent: list[Callable[[float], None]] = []
            try:
                response = self._respond(request, now, on_sent)
            except Exception as exc:  # a bug in the fake is a 500 a test sees, never a dropped connection
                response = codat_error(500, f"FakeCodat failed: {type(exc).__name__}: {exc}")
            if limiter is not None and not response.drop:
                response.headers.update(limiter.headers(now))
            response.headers["date"] = format_datetime(now, usegmt=True)  # Codat's clock, as Codat's Date is
            if request.method == "HEAD":
                response.body = b""
            self._conditions.log.add(request, None if response.drop or response.truncate else response.status)
            exchange = Exchange(response, response.delay, self._lock, on_sent)
        self._after_unlock()
        return exchange

    def _respond(self, request: IncomingRequest, now: datetime, on_sent: list[Callable[[float], None]]) -> FakeResponse:
        fault = self._conditions.faults.take(request.method, request.path)
        if fault is not None and fault.replaces_answer:
            response = fault_response(fault, now.timestamp())
        else:
            response = self._answer(request, now, on_sent)
            if fault is not None and fault.after_processing and fault.kind not in ("delay", "truncate"):
                response = fault_response(fault, now.timestamp())
            elif fault is not None and fault.kind == "truncate":
                response.truncate = True
        delayed = fault.seconds if fault is not None and fault.kind == "delay" else 0.0
        response.delay = delayed + self._conditions.hold()
        return response

    def _answer(self, request: IncomingRequest, now: datetime, on_sent: list[Callable[[float], None]]) -> FakeResponse:
        """Authentication, rate limits, routing, the idempotency cache and the route's handler; ``on_sent`` gets
        what this request holds until its answer is sent: its company's in-flight slot, its key's first answer."""
        if not authorized(request, self._expected_auth):
            return codat_error(401, UNAUTHORIZED)
        found = self._routes.match(request.method, request.path, f"No resource at {request.path}")
        limiter = self._conditions.limiter
        if limiter is not None:
            company = None if isinstance(found, FakeResponse) else found[1].get("companyId")
            refusal, events = limiter.admit(company, now)
            for event in events:
                self._on_quota_event(event)
            if refusal is not None:
                return codat_error(429, refusal.message, {"retry-after": str(refusal.retry_after)})
            if company is not None and limiter.limits.per_company_concurrency is not None:
                on_sent.append(functools.partial(limiter.release, company))
        if isinstance(found, FakeResponse):
            return found
        route, params = found
        call = Call(request, params)
        key = request.headers.get("idempotency-key")
        if key is not None and request.method in KEYED_METHODS:
            run = lambda: self._handle(route, call)  # noqa: E731
            response, sent = self._conditions.idempotency.answer(
                key, request.method, request.path, request.body, now=now.timestamp(), run=run
            )
            if sent is not None:
                on_sent.append(sent)
            return response
        return self._handle(route, call)

    def _handle(self, route: Route, call: Call) -> FakeResponse:
        try:
            return route.handler(self._backend, call)
        except NotFound as missing:
            return codat_error(404, str(missing))
