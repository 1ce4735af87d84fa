"""The request loop's decisions: building a request, reading a response into a typed error, when to retry.

Everything here does no I/O and is shared by both kinds of client; the loops themselves (send, wait,
send again) are ``_async/requester.py`` and its derived sync twin. A requester belongs to one client
or ``with_options`` copy: it holds the settings a copy may change (retry policy, timeout) and its own
closed flag; the pool, the credential, the pacer and the clock are its session's.
"""

from __future__ import annotations

import logging
from typing import Any, Generic, TypeVar

import httpx

from codat_connections._clock import Clock
from codat_connections._config import without_credential
from codat_connections._headers import parse_retry_after
from codat_connections._pacing import PacerBase
from codat_connections._request import RequestSpec
from codat_connections._retries import RetryPolicy
from codat_connections._session import Session
from codat_connections.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ClientClosedError,
    CodatError,
    status_error,
)

__all__ = ["CLOSED_MESSAGE", "RequesterBase", "detach_stream", "retry_after_of"]

log = logging.getLogger("codat_connections")

HttpT = TypeVar("HttpT", bound=httpx.Client | httpx.AsyncClient)
PacerT = TypeVar("PacerT", bound=PacerBase)

_SPENT_STREAM = httpx.ByteStream(b"")
CLOSED_MESSAGE = "the client is closed; create a new one (or do not close the httpx client you gave it)"


def detach_stream(response: httpx.Response) -> httpx.Response:
    """Break httpx's Response <-> BoundStream reference cycle once the body has been read.

    Without this a read response (and its body: megabytes for a 5000-record page) lives until the
    cyclic garbage collector runs, so iterating many pages held several pages' bodies at once.
    """
    response.stream = _SPENT_STREAM
    return response


def retry_after_of(response: httpx.Response) -> float | None:
    """A success's ``Retry-After`` (rarely sent), for the pacer; an error reads its own once."""
    return parse_retry_after(response.headers.get("retry-after"))


class RequesterBase(Generic[HttpT, PacerT]):
    """One client's (or copy's) settings over its session, and every decision of the loop that does no I/O."""

    def __init__(
        self,
        session: Session[HttpT, PacerT],
        *,
        policy: RetryPolicy,
        timeout: dict[str, Any],
        parent: RequesterBase[HttpT, PacerT] | None = None,
    ) -> None:
        self.session: Session[HttpT, PacerT] = session
        self.parent = parent
        """The requester of the client this one's client was copied from: closing that ends this one too."""
        self.policy = policy
        self._http: HttpT = session.http
        self._pacer: PacerT = session.pacer
        self.extensions = timeout
        """httpx's per-request ``timeout`` extension (empty: the httpx client's own timeout)."""
        self.closed = False
        """Set by this client's ``close()``; every copy made from it sees it through its ``parent``."""

    @property
    def base_url(self) -> str:
        return self.session.base_url

    @property
    def clock(self) -> Clock:
        return self.session.clock

    def answer_timeout(self) -> float | None:
        """Seconds this client waits for an answer (httpx's read timeout: this copy's, else the httpx
        client's own); None for no limit."""
        parts = self.extensions.get("timeout")
        read: float | None = self._http.timeout.read if parts is None else parts.get("read")
        return read

    def is_closed(self) -> bool:
        if self.closed or self._http.is_closed:
            return True
        return self.parent is not None and self.parent.is_closed()

    def _build(self, spec: RequestSpec) -> httpx.Request:
        if self.is_closed():
            raise ClientClosedError(CLOSED_MESSAGE)
        headers = self.session.headers
        if spec.idempotency_key is not None:
            headers = headers.copy()
            headers["Idempotency-Key"] = spec.idempotency_key
        return self._http.build_request(
            spec.method,
            self.session.base_url + spec.path,
            params=spec.params or None,
            json=spec.json,
            headers=headers,
            extensions=self.extensions,
        )

    def _transport_error(self, spec: RequestSpec, request: httpx.Request, exc: Exception, started: float) -> CodatError:
        elapsed = (self.session.clock.monotonic() - started) * 1000
        log.debug("%s %s failed after %.1f ms: %s", spec.method, spec.path, elapsed, type(exc).__name__)
        if isinstance(exc, RuntimeError) and self._http.is_closed:
            return ClientClosedError(CLOSED_MESSAGE)  # closed by another thread since _build checked
        kind: type[APIConnectionError] = APIConnectionError
        if isinstance(exc, RuntimeError):
            # Typically "Event loop is closed": a pooled connection of an event loop that has ended
            # (an async client reused across asyncio.run calls). Retried: the next attempt connects anew.
            message = f"the HTTP client failed: RuntimeError: {exc} (use one async client per event loop)"
        elif isinstance(exc, httpx.TimeoutException):
            kind, message = APITimeoutError, f"request timed out ({type(exc).__name__})"
        elif isinstance(exc, httpx.LocalProtocolError):
            message = "the request could not be sent (LocalProtocolError)"  # its text can quote a header value
        else:  # named by host and port: "refused" alone does not say which base URL was wrong
            port = f":{request.url.port}" if request.url.port is not None else ""
            message = f"connection to {request.url.host}{port} failed: {str(exc) or type(exc).__name__}"
        error = kind(message, method=spec.method, path=spec.path, url=str(request.url))
        error.__cause__ = exc
        return error

    def _status_error(
        self, spec: RequestSpec, request: httpx.Request, response: httpx.Response, started: float
    ) -> APIStatusError:
        error = status_error(
            without_credential(response, self.session.credential_forms),
            method=spec.method,
            path=spec.path,
            url=str(request.url),
        )
        log.debug(
            "%s %s -> %d in %.1f ms (correlation id %s)",
            spec.method,
            spec.path,
            response.status_code,
            (self.session.clock.monotonic() - started) * 1000,
            error.correlation_id or "-",
        )
        return error

    def _log_success(self, spec: RequestSpec, response: httpx.Response, started: float) -> None:
        elapsed = (self.session.clock.monotonic() - started) * 1000
        log.debug("%s %s -> %d in %.1f ms", spec.method, spec.path, response.status_code, elapsed)

    def _next_step(
        self, spec: RequestSpec, error: CodatError, retries_done: int, earlier_may_have_applied: bool
    ) -> float | None:
        """Seconds to wait before retrying, None when ``error`` means the delete is done; raises otherwise."""
        if isinstance(error, ClientClosedError):
            raise error
        if retries_done and self.policy.delete_already_done(
            spec.method, error, earlier_may_have_applied=earlier_may_have_applied
        ):
            log.debug("%s %s: 404 after an attempt with an unknown outcome: it was deleted", spec.method, spec.path)
            return None
        delay, why = self.policy.decide(
            error, retries_done=retries_done, keyed_write=spec.idempotency_key is not None, method=spec.method
        )
        if delay is None:
            log.debug("%s %s: raising %s (%s)", spec.method, spec.path, _short(error), why or "not retryable")
            if why:
                error._append_to_message(why)
            raise error
        log.debug(
            "%s %s: retry %d of %d in %.2f s after %s",
            spec.method,
            spec.path,
            retries_done + 1,
            self.policy.max_retries,
            delay,
            _short(error),
        )
        return delay


def _short(error: CodatError) -> str:
    status = getattr(error, "status_code", None)
    return f"{status}" if status is not None else type(error).__name__
