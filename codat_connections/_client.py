"""``CodatConnections`` and ``AsyncCodatConnections``: what a user constructs, configures and closes.

A client checks its configuration (``_config``), owns (or borrows) an httpx client, and builds a
request loop (``_base_client``) with a retry policy and a pacer; its resources get the loop only.
``with_options`` makes a sibling that shares the pool, the credential and the pacer.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any, NoReturn, Self

import httpx

from codat_connections._base_client import AsyncRequester, SyncRequester
from codat_connections._config import (
    DEFAULT_TIMEOUT,
    NOT_GIVEN,
    resolve_auth,
    resolve_base_url,
    timeout_extension,
    user_agent,
)
from codat_connections._pacing import AsyncPacer, SyncPacer, check_requests_per_minute
from codat_connections._retries import RetryPolicy

if TYPE_CHECKING:
    from codat_connections.async_connections import AsyncConnectionsResource
    from codat_connections.connections import ConnectionsResource

__all__ = ["DEFAULT_TIMEOUT", "AsyncCodatConnections", "CodatConnections"]


def _settings(
    api_key: str | None,
    *,
    auth_header: str | None,
    base_url: str | None,
    timeout: float | httpx.Timeout | None,
    max_retries: int,
    own_http_client: bool,
) -> dict[str, Any]:
    """Every setting checked before anything is allocated."""
    secret = resolve_auth(api_key, auth_header)
    if timeout is NOT_GIVEN:
        # A caller's own httpx client keeps its own timeout unless one is given here.
        extensions = timeout_extension(DEFAULT_TIMEOUT) if own_http_client else {}
    else:
        extensions = timeout_extension(timeout)
    return {
        "base_url": resolve_base_url(base_url),
        "headers": httpx.Headers(
            {"Accept": "application/json", "User-Agent": user_agent(), "Authorization": secret.reveal()}
        ),
        "policy": RetryPolicy(max_retries=max_retries),
        "timeout": extensions,
        "credential_forms": secret.forms(),
    }


def _changed(timeout: Any, max_retries: Any) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if timeout is not NOT_GIVEN:
        changes["timeout"] = timeout_extension(timeout)
    if max_retries is not NOT_GIVEN:
        changes["policy"] = RetryPolicy(max_retries=max_retries)
    return changes


class _ClientBase:
    _requester: SyncRequester | AsyncRequester
    _owns_http_client: bool

    @property
    def base_url(self) -> str:
        """The API's base URL, e.g. ``https://api.codat.io``."""
        return self._requester.base_url

    @property
    def max_retries(self) -> int:
        """Retries after a failed attempt (the first attempt not counted)."""
        return self._requester.policy.max_retries

    def _setup(self, requester: Any, *, owns_http_client: bool) -> None:
        raise NotImplementedError

    def with_options(self, *, timeout: float | httpx.Timeout | None = NOT_GIVEN, max_retries: int = NOT_GIVEN) -> Self:
        """A client that differs only in these settings, sharing this one's pool, key and pacing.

        ``codat.with_options(timeout=5, max_retries=0).connections.get(...)``; closing it does not
        close the shared pool.
        """
        twin = object.__new__(type(self))
        twin._setup(self._requester.copy(**_changed(timeout, max_retries)), owns_http_client=False)
        return twin

    def __repr__(self) -> str:
        if "_requester" not in vars(self):  # half-built: a traceback with locals still prints
            return f"<{type(self).__name__} (not configured)>"
        return f"{type(self).__name__}(base_url={self.base_url!r}, max_retries={self.max_retries})"

    def __reduce__(self) -> NoReturn:
        raise TypeError(f"{type(self).__name__} is not picklable: build a client in each process")


class CodatConnections(_ClientBase):
    """Synchronous client for Codat's connections API (thread-safe: share one across threads).

    ``api_key`` is the raw key (sent as ``Basic <base64>``); ``auth_header`` is the ready header
    value the Codat portal shows. Without either, ``CODAT_API_KEY`` is used; ``CODAT_BASE_URL``
    overrides the base URL. ``max_requests_per_minute`` paces the whole client (for several
    processes sharing Codat's per-IP limit). Pass ``http_client`` to use your own ``httpx.Client``
    (it is not closed by ``close()``).
    """

    _requester: SyncRequester
    connections: ConnectionsResource
    """Codat's connection operations, paging and fleet sweeps."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        auth_header: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = NOT_GIVEN,
        max_retries: int = 2,
        max_requests_per_minute: float | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise TypeError("http_client must be an httpx.Client (use AsyncCodatConnections for httpx.AsyncClient)")
        settings = _settings(
            api_key,
            auth_header=auth_header,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            own_http_client=http_client is None,
        )
        pacer = SyncPacer(
            max_requests_per_minute=check_requests_per_minute(max_requests_per_minute),
            max_pause=settings["policy"].max_retry_after,
        )
        http = http_client or httpx.Client(timeout=DEFAULT_TIMEOUT, follow_redirects=False)
        self._setup(SyncRequester(http, pacer, **settings), owns_http_client=http_client is None)

    def _setup(self, requester: SyncRequester, *, owns_http_client: bool) -> None:
        # Imported here, not at the top: it loads the generated models (and attrs), which
        # `import codat_connections` does not pay for. (connections.py never imports this module.)
        from codat_connections.connections import ConnectionsResource

        self._requester = requester
        self._owns_http_client = owns_http_client
        self.connections = ConnectionsResource(requester)

    def close(self) -> None:
        """End this client: later calls raise ``ClientClosedError``.

        The connection pool closes too, unless the httpx client was passed in (or this is a
        ``with_options`` copy, which shares its parent's pool).
        """
        self._requester.close(close_pool=self._owns_http_client)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncCodatConnections(_ClientBase):
    """Asynchronous client for Codat's connections API; mirrors ``CodatConnections``."""

    _requester: AsyncRequester
    connections: AsyncConnectionsResource
    """Codat's connection operations, concurrent paging and fleet sweeps."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        auth_header: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = NOT_GIVEN,
        max_retries: int = 2,
        max_requests_per_minute: float | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise TypeError("http_client must be an httpx.AsyncClient (use CodatConnections for httpx.Client)")
        settings = _settings(
            api_key,
            auth_header=auth_header,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            own_http_client=http_client is None,
        )
        pacer = AsyncPacer(
            max_requests_per_minute=check_requests_per_minute(max_requests_per_minute),
            max_pause=settings["policy"].max_retry_after,
        )
        http = http_client or httpx.AsyncClient(timeout=DEFAULT_TIMEOUT, follow_redirects=False)
        self._setup(AsyncRequester(http, pacer, **settings), owns_http_client=http_client is None)

    def _setup(self, requester: AsyncRequester, *, owns_http_client: bool) -> None:
        from codat_connections.async_connections import AsyncConnectionsResource  # see CodatConnections

        self._requester = requester
        self._owns_http_client = owns_http_client
        self.connections = AsyncConnectionsResource(requester)

    async def close(self) -> None:
        """End this client: later calls raise ``ClientClosedError`` (see ``CodatConnections.close``)."""
        await self._requester.close(close_pool=self._owns_http_client)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
