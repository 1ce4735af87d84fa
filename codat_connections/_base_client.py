"""The request loop: one attempt after another until a success, a final error, or the budget runs out.

``SyncRequester`` and ``AsyncRequester`` share every decision that does no I/O (building the
request, reading a response into a result or a typed error, the retry decision, logging); each
keeps only a short loop that sends and sleeps in its own way. A requester holds the settings a
``with_options`` copy may change (timeout, retries); the httpx client and the pacer are shared.
"""

from __future__ import annotations

import logging
from typing import Any, Self

import httpx

from codat_connections import _clock
from codat_connections._config import without_credential
from codat_connections._pacing import AsyncPacer, SyncPacer
from codat_connections._request import RequestSpec
from codat_connections._retries import RetryPolicy, may_have_been_applied
from codat_connections.errors import (
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
    CodatError,
    status_error,
)

__all__ = ["AsyncRequester", "SyncRequester"]

log = logging.getLogger("codat_connections")

_SPENT_STREAM = httpx.ByteStream(b"")
_CLOSED_MESSAGE = "the client is closed; create a new one (or do not close the httpx client you gave it)"


def _detach_stream(response: httpx.Response) -> httpx.Response:
    """Break httpx's Response <-> BoundStream reference cycle once the body has been read.

    Without this a read response (and its body: megabytes for a 5000-record page) lives until the
    cyclic garbage collector runs, so iterating many pages held several pages' bodies at once.
    """
    response.stream = _SPENT_STREAM
    return response


class _Requester:
    """Settings and every decision of the loop that does not do I/O."""

    _http: httpx.Client | httpx.AsyncClient

    def __init__(
        self,
        *,
        base_url: str,
        headers: httpx.Headers,
        policy: RetryPolicy,
        timeout: dict[str, Any],
        credential_forms: tuple[bytes, ...],
    ) -> None:
        self.base_url = base_url
        self._credential_forms = credential_forms
        self.policy = policy
        self._headers = headers  # httpx copies a Headers object cheaply; a dict is re-encoded per request
        self._extensions = timeout
        self._closed = False
        """Set by the client's ``close()``, also when the httpx client is the caller's and stays open."""

    def copy(self, *, policy: RetryPolicy | None = None, timeout: dict[str, Any] | None = None) -> Self:
        """The same requester (same pool, credential and pacer) with other retry or timeout settings."""
        twin = object.__new__(type(self))
        twin.__dict__.update(self.__dict__)
        if policy is not None:
            twin.policy = policy
        if timeout is not None:
            twin._extensions = timeout
        return twin

    def _build(self, spec: RequestSpec) -> httpx.Request:
        if self._closed or self._http.is_closed:
            raise ClientClosedError(_CLOSED_MESSAGE)
        headers = self._headers
        if spec.idempotency_key is not None:
            headers = headers.copy()
            headers["Idempotency-Key"] = spec.idempotency_key
        return self._http.build_request(
            spec.method,
            self.base_url + spec.path,
            params=spec.params or None,
            json=spec.json,
            headers=headers,
            extensions=self._extensions,
        )

    def _transport_error(self, spec: RequestSpec, request: httpx.Request, exc: Exception, started: float) -> CodatError:
        elapsed = (_clock.monotonic() - started) * 1000
        log.debug("%s %s failed after %.1f ms: %s", spec.method, spec.path, elapsed, type(exc).__name__)
        if isinstance(exc, RuntimeError) and self._http.is_closed:
            return ClientClosedError(_CLOSED_MESSAGE)  # closed by another thread since _build checked
        kind: type[APIConnectionError] = APIConnectionError
        if isinstance(exc, RuntimeError):
            # Typically "Event loop is closed": a pooled connection of an event loop that has ended
            # (an async client reused across asyncio.run calls). Retried: the next attempt connects anew.
            message = f"the HTTP client failed: RuntimeError: {exc} (use one async client per event loop)"
        elif isinstance(exc, httpx.TimeoutException):
            kind, message = APITimeoutError, f"request timed out ({type(exc).__name__})"
        elif isinstance(exc, httpx.LocalProtocolError):
            message = "the request could not be sent (LocalProtocolError)"  # its text can quote a header value
        else:
            message = f"connection failed: {str(exc) or type(exc).__name__}"
        error = kind(message, method=spec.method, path=spec.path, url=str(request.url))
        error.__cause__ = exc
        return error

    def _status_error(
        self, spec: RequestSpec, request: httpx.Request, response: httpx.Response, started: float
    ) -> CodatError:
        error = status_error(
            without_credential(response, self._credential_forms),
            method=spec.method,
            path=spec.path,
            url=str(request.url),
        )
        log.debug(
            "%s %s -> %d in %.1f ms (correlation id %s)",
            spec.method,
            spec.path,
            response.status_code,
            (_clock.monotonic() - started) * 1000,
            error.correlation_id or "-",
        )
        return error

    @staticmethod
    def _log_success(spec: RequestSpec, response: httpx.Response, started: float) -> None:
        elapsed = (_clock.monotonic() - started) * 1000
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
        delay, why = self.policy.decide(error, retries_done=retries_done, keyed_write=spec.idempotency_key is not None)
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


class SyncRequester(_Requester):
    """The loop for ``CodatConnections``."""

    _http: httpx.Client

    def __init__(self, http: httpx.Client, pacer: SyncPacer, **settings: Any) -> None:
        super().__init__(**settings)
        self._http = http
        self._pacer = pacer

    def send(self, spec: RequestSpec) -> httpx.Response:
        """Send one call, retrying per the policy: a success response (or a retried delete's 404), or a raise."""
        request = self._build(spec)
        retries_done = 0
        may_have_applied = False
        while True:
            _clock.raise_if_stopped()  # a sweep that was left starts nothing more
            self._pacer.start(spec.company_id)
            started = _clock.monotonic()
            try:
                response = _detach_stream(self._http.send(request))
            except (httpx.HTTPError, RuntimeError) as exc:
                error = self._transport_error(spec, request, exc, started)
            else:
                self._pacer.observe(response.status_code, response.headers)
                if response.is_success:
                    self._log_success(spec, response, started)
                    return response
                error = self._status_error(spec, request, response, started)
            finally:
                self._pacer.finish(spec.company_id)
            delay = self._next_step(spec, error, retries_done, may_have_applied)
            if delay is None:
                return response
            may_have_applied = may_have_applied or may_have_been_applied(error)
            _clock.interruptible_sleep(delay)
            retries_done += 1

    def close(self, *, close_pool: bool) -> None:
        self._closed = True
        if close_pool:
            self._http.close()


class AsyncRequester(_Requester):
    """The loop for ``AsyncCodatConnections``."""

    _http: httpx.AsyncClient

    def __init__(self, http: httpx.AsyncClient, pacer: AsyncPacer, **settings: Any) -> None:
        super().__init__(**settings)
        self._http = http
        self._pacer = pacer

    async def send(self, spec: RequestSpec) -> httpx.Response:
        """The async ``SyncRequester.send``."""
        request = self._build(spec)
        retries_done = 0
        may_have_applied = False
        while True:
            await self._pacer.start(spec.company_id)
            started = _clock.monotonic()
            try:
                response = _detach_stream(await self._http.send(request))
            except (httpx.HTTPError, RuntimeError) as exc:
                error = self._transport_error(spec, request, exc, started)
            else:
                self._pacer.observe(response.status_code, response.headers)
                if response.is_success:
                    self._log_success(spec, response, started)
                    return response
                error = self._status_error(spec, request, response, started)
            finally:
                self._pacer.finish(spec.company_id)
            delay = self._next_step(spec, error, retries_done, may_have_applied)
            if delay is None:
                return response
            may_have_applied = may_have_applied or may_have_been_applied(error)
            await _clock.async_sleep(delay)
            retries_done += 1

    async def close(self, *, close_pool: bool) -> None:
        self._closed = True
        if close_pool:
            await self._http.aclose()
