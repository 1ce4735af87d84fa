"""The clients: configuration, the one request loop (with retries) and its logging.

``CodatConnections`` and ``AsyncCodatConnections`` share everything but the I/O: building a
request, turning a response or a transport failure into a result or a typed error, deciding on a
retry, logging. Each keeps only a short loop that sends and sleeps in its own way.
"""

from __future__ import annotations

import base64
import ipaddress
import logging
import os
import sys
import time
from types import TracebackType
from typing import Any, Self

import httpx

from codat_connections import _version
from codat_connections._constants import API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL
from codat_connections._retries import RetryPolicy
from codat_connections.errors import (
    APIConnectionError,
    APITimeoutError,
    CodatError,
    NotFoundError,
    status_error,
)

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "AsyncCodatConnections", "CodatConnections"]

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)

log = logging.getLogger("codat_connections")


async def _asyncio_sleep(seconds: float) -> None:
    import asyncio  # only async users get here, and they have asyncio loaded already

    await asyncio.sleep(seconds)


# Looked up at call time so tests can replace them; never called on the happy path.
_sleep = time.sleep
_async_sleep = _asyncio_sleep


class _NotGiven:
    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Any = _NotGiven()


class _Secret:
    """Holds the Authorization value; its repr and str never show it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<secret>"

    __str__ = __repr__


class RequestSpec:
    """One logical API call, built before the first attempt and reused by every retry."""

    __slots__ = ("idempotency_key", "json", "method", "params", "path")

    def __init__(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        json: Any = None,
        idempotency_key: str | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.params = params or {}
        self.json = json
        self.idempotency_key = idempotency_key
        """Set on create and unlink: the same key on every attempt, so Codat applies the write once."""

    @classmethod
    def from_generated(cls, kwargs: dict[str, Any], *, idempotency_key: str | None = None) -> RequestSpec:
        """From the generated endpoint's request kwargs, which own the paths and parameter names."""
        return cls(
            method=str(kwargs["method"]).upper(),
            path=str(kwargs["url"]),
            params=dict(kwargs.get("params", {})),
            json=kwargs.get("json"),
            idempotency_key=idempotency_key,
        )


def _resolve_auth(api_key: str | None, auth_header: str | None) -> _Secret:
    if api_key is not None and auth_header is not None:
        raise ValueError("pass either api_key or auth_header, not both")
    if auth_header is not None:
        if not isinstance(auth_header, str) or not auth_header.strip():
            raise ValueError("auth_header must be the full header value, e.g. 'Basic <base64 key>'")
        return _Secret(auth_header.strip())
    key = api_key if api_key is not None else os.environ.get(API_KEY_ENV)
    if not key or not isinstance(key, str) or not key.strip():
        raise CodatError(
            f"no Codat API key: pass api_key= (or auth_header=) to the client, or set the {API_KEY_ENV} "
            "environment variable"
        )
    encoded = base64.b64encode(key.strip().encode("utf-8")).decode("ascii")
    return _Secret(f"Basic {encoded}")


def _resolve_base_url(base_url: str | None) -> str:
    url_text = base_url if base_url is not None else os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    url = httpx.URL(url_text)
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"base_url must be an http(s) URL, got {url_text!r}")
    if url.scheme == "http" and not _is_loopback(url.host):
        raise ValueError(
            f"refusing to send the API key over plain http to {url.host}; use https "
            "(plain http is allowed only for loopback hosts such as 127.0.0.1)"
        )
    return str(url).rstrip("/")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _user_agent() -> str:
    python = "{}.{}.{}".format(*sys.version_info[:3])
    return f"codat-connections/{_version.VERSION} python/{python} httpx/{httpx.__version__}"


class _BaseClient:
    """Configuration and every decision of the request loop that does not do I/O."""

    def __init__(
        self,
        api_key: str | None,
        *,
        auth_header: str | None,
        base_url: str | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        owns_http_client: bool,
    ) -> None:
        if timeout is NOT_GIVEN and owns_http_client:
            timeout = DEFAULT_TIMEOUT  # a caller's own httpx client keeps its own timeout unless one is given
        self._auth = _resolve_auth(api_key, auth_header)
        self.base_url = _resolve_base_url(base_url)
        self.retry_policy = RetryPolicy(max_retries=max_retries)
        self._owns_http_client = owns_http_client
        # Built once: httpx copies a Headers object cheaply, and re-encodes a dict on every request.
        self._headers = httpx.Headers(
            {"Accept": "application/json", "User-Agent": _user_agent(), "Authorization": self._auth.reveal()}
        )
        self._extensions = {} if timeout is NOT_GIVEN else {"timeout": httpx.Timeout(timeout).as_dict()}

    @property
    def max_retries(self) -> int:
        return self.retry_policy.max_retries

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, max_retries={self.max_retries})"

    def _build_request(self, http: httpx.Client | httpx.AsyncClient, spec: RequestSpec) -> httpx.Request:
        headers = self._headers
        if spec.idempotency_key is not None:
            headers = headers.copy()
            headers["Idempotency-Key"] = spec.idempotency_key
        return http.build_request(
            spec.method,
            self.base_url + spec.path,
            params=spec.params or None,
            json=spec.json,
            headers=headers,
            extensions=self._extensions,
        )

    def _transport_error(self, spec: RequestSpec, exc: httpx.HTTPError, started: float) -> CodatError:
        elapsed = (time.monotonic() - started) * 1000
        if isinstance(exc, httpx.TimeoutException):
            error: CodatError = APITimeoutError(
                f"request timed out ({type(exc).__name__})", method=spec.method, path=spec.path
            )
        else:
            reason = str(exc) or type(exc).__name__
            error = APIConnectionError(f"connection failed: {reason}", method=spec.method, path=spec.path)
        error.__cause__ = exc
        log.debug("%s %s failed after %.1f ms: %s", spec.method, spec.path, elapsed, type(exc).__name__)
        return error

    def _check_response(
        self, spec: RequestSpec, response: httpx.Response, started: float, retries_done: int
    ) -> httpx.Response | CodatError:
        elapsed = (time.monotonic() - started) * 1000
        if response.is_success:
            log.debug("%s %s -> %d in %.1f ms", spec.method, spec.path, response.status_code, elapsed)
            return response
        error = status_error(response, method=spec.method, path=spec.path)
        log.debug(
            "%s %s -> %d in %.1f ms (correlation id %s)",
            spec.method,
            spec.path,
            response.status_code,
            elapsed,
            error.correlation_id or "-",
        )
        if spec.method == "DELETE" and retries_done > 0 and isinstance(error, NotFoundError):
            # An earlier attempt of this delete failed in transit; the server had applied it.
            log.debug("%s %s: 404 on retry means the earlier attempt deleted it", spec.method, spec.path)
            return response
        return error

    def _retry_delay(self, spec: RequestSpec, retries_done: int, error: CodatError) -> float | None:
        delay = self.retry_policy.delay(retries_done, error, keyed_write=spec.idempotency_key is not None)
        if delay is None:
            if retries_done:
                log.debug("%s %s: giving up after %d retries", spec.method, spec.path, retries_done)
            return None
        log.debug(
            "%s %s: retry %d of %d in %.2f s after %s",
            spec.method,
            spec.path,
            retries_done + 1,
            self.max_retries,
            delay,
            _short(error),
        )
        return delay


_SPENT_STREAM = httpx.ByteStream(b"")


def _detach_stream(response: httpx.Response) -> httpx.Response:
    """Break httpx's Response <-> BoundStream reference cycle once the body has been read.

    Without this a read response (and its body: megabytes for a 5000-record page) lives until the
    cyclic garbage collector runs, so iterating many pages held several pages' bodies at once.
    """
    response.stream = _SPENT_STREAM
    return response


def _short(error: CodatError) -> str:
    status = getattr(error, "status_code", None)
    return f"{status}" if status is not None else type(error).__name__


class CodatConnections(_BaseClient):
    """Synchronous client for Codat's connections API.

    ``api_key`` is the raw key (sent as ``Basic <base64>``); ``auth_header`` is the ready header
    value the Codat portal shows. Without either, ``CODAT_API_KEY`` is used; ``CODAT_BASE_URL``
    overrides the base URL. Pass ``http_client`` to use your own ``httpx.Client`` (it is not closed
    by ``close()``).
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        auth_header: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = NOT_GIVEN,
        max_retries: int = 2,
        http_client: httpx.Client | None = None,
    ) -> None:
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise TypeError("http_client must be an httpx.Client (use AsyncCodatConnections for httpx.AsyncClient)")
        super().__init__(
            api_key,
            auth_header=auth_header,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            owns_http_client=http_client is None,
        )
        self._http = http_client or httpx.Client(timeout=DEFAULT_TIMEOUT, follow_redirects=False)

        # Imported here, not at the top: it loads the generated models (and attrs), which
        # `import codat_connections` does not pay for.
        from codat_connections.connections import ConnectionsResource

        self.connections = ConnectionsResource(self)
        """The six connection operations, plus iteration over all pages."""

    def send(self, spec: RequestSpec) -> httpx.Response:
        """Send one logical call, retrying per the policy; a success response or a typed error."""
        request = self._build_request(self._http, spec)
        retries_done = 0
        while True:
            started = time.monotonic()
            try:
                response = _detach_stream(self._http.send(request))
            except httpx.HTTPError as exc:
                error = self._transport_error(spec, exc, started)
            else:
                result = self._check_response(spec, response, started, retries_done)
                if isinstance(result, httpx.Response):
                    return result
                error = result
            delay = self._retry_delay(spec, retries_done, error)
            if delay is None:
                raise error
            _sleep(delay)
            retries_done += 1

    def close(self) -> None:
        """Close the connection pool, unless the httpx client was passed in by the caller."""
        if self._owns_http_client:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncCodatConnections(_BaseClient):
    """Asynchronous client for Codat's connections API; mirrors ``CodatConnections``."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        auth_header: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = NOT_GIVEN,
        max_retries: int = 2,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise TypeError("http_client must be an httpx.AsyncClient (use CodatConnections for httpx.Client)")
        super().__init__(
            api_key,
            auth_header=auth_header,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            owns_http_client=http_client is None,
        )
        self._http = http_client or httpx.AsyncClient(timeout=DEFAULT_TIMEOUT, follow_redirects=False)

        from codat_connections.connections import AsyncConnectionsResource  # see CodatConnections

        self.connections = AsyncConnectionsResource(self)
        """The six connection operations, plus iteration over all pages."""

    async def send(self, spec: RequestSpec) -> httpx.Response:
        """Send one logical call, retrying per the policy; a success response or a typed error."""
        request = self._build_request(self._http, spec)
        retries_done = 0
        while True:
            started = time.monotonic()
            try:
                response = _detach_stream(await self._http.send(request))
            except httpx.HTTPError as exc:
                error = self._transport_error(spec, exc, started)
            else:
                result = self._check_response(spec, response, started, retries_done)
                if isinstance(result, httpx.Response):
                    return result
                error = result
            delay = self._retry_delay(spec, retries_done, error)
            if delay is None:
                raise error
            await _async_sleep(delay)
            retries_done += 1

    async def close(self) -> None:
        """Close the connection pool, unless the httpx client was passed in by the caller."""
        if self._owns_http_client:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
