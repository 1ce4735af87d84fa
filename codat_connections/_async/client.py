"""``AsyncCodatConnections``: the client a user constructs, configures and closes (``_sync``: the sync one)."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import httpx

from codat_connections._async.requester import AsyncRequester
from codat_connections._client import ClientBase
from codat_connections._config import NOT_GIVEN, NotGiven
from codat_connections._pacing import AsyncPacer
from codat_connections._response import APIResponse

if TYPE_CHECKING:
    from codat_connections._async.companies import AsyncCompaniesResource
    from codat_connections._async.connections import AsyncConnectionsResource

__all__ = ["AsyncCodatConnections"]


class AsyncCodatConnections(ClientBase[httpx.AsyncClient, AsyncRequester]):
    """A client for Codat's connections and companies API: paging, fleet sweeps, raw responses.

    The sync client is thread-safe (share one across threads); the async one belongs to the event
    loop it is used in (one per loop). ``api_key`` is the raw key (sent as ``Basic <base64>``);
    ``auth_header`` is the ready header value the Codat portal shows. Without either,
    ``CODAT_API_KEY`` is used; ``CODAT_BASE_URL`` overrides the base URL.
    ``max_requests_per_minute`` paces the whole client (for several processes sharing Codat's
    per-IP limit). Pass ``http_client`` to use your own httpx client (not closed by ``close()``).
    """

    _http_client_class = httpx.AsyncClient
    _pacer_class = AsyncPacer
    _requester_class = AsyncRequester
    companies: AsyncCompaniesResource
    """Codat's company operations: your customers, found again or created (``get_or_create``)."""
    connections: AsyncConnectionsResource
    """Codat's connection operations, paging and fleet sweeps."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        auth_header: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int = 2,
        max_requests_per_minute: float | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        """Check every setting (a ``ValueError`` that says what is wrong, never quoting the key) and connect lazily.

        ``timeout`` is seconds, an ``httpx.Timeout`` or None for no limit (default: 60 s, connect 10 s;
        with your own ``http_client``, its own timeout unless one is given here). ``max_retries`` is the
        retries after a failed attempt.
        """
        self._construct(
            api_key,
            auth_header=auth_header,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            max_requests_per_minute=max_requests_per_minute,
            http_client=http_client,
        )

    def _bind_resources(self, requester: AsyncRequester) -> None:
        # Imported here, not at the top: the resources load the generated models (and attrs), which
        # `import codat_connections` does not pay for; the first client does.
        from codat_connections._async.companies import AsyncCompaniesResource
        from codat_connections._async.connections import AsyncConnectionsResource

        self.companies = AsyncCompaniesResource(requester)
        self.connections = AsyncConnectionsResource(requester, self.companies)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotency_key: str | None = None,
    ) -> APIResponse[Any]:
        """Call any endpoint of Codat's API outside the typed surface, with this client's retries and pacing.

        ``path`` is the API path (``/companies/{id}/data/status``; query parameters go in ``params``;
        no ``.`` or ``..`` segment, literal or percent-encoded, and no encoded ``/`` or backslash),
        ``json`` the request body. Reads, PUT and DELETE are retried as every read is; POST and PATCH as
        keyed writes when they carry ``idempotency_key``, and without one only after a 429 or a
        connection that failed before sending (a retry after anything else could apply them twice). A
        path under ``/companies/{id}`` counts toward that company's limit of requests in flight.
        Failures raise the same typed errors; ``parse()`` gives the decoded JSON body (None when empty,
        and for a delete whose retry found it gone; ``http_response`` for a body that is not JSON).
        """
        from codat_connections._operations import endpoint  # see _bind_resources

        operation = endpoint.request(method, path, params, json, idempotency_key)
        return APIResponse.of(await self._requester.send(operation.spec), operation)

    async def close(self) -> None:
        """End this client: later calls raise ``ClientClosedError``.

        Every ``with_options`` copy ends with it, and the connection pool closes too unless the httpx
        client was passed in. Closing a copy ends that copy only.
        """
        await self._requester.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
