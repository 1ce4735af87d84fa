"""codat-connections: a typed client for the connections endpoints of Codat's Platform API.

    from codat_connections import CodatConnections
    with CodatConnections(api_key="...") as codat:
        for connection in codat.connections.iterate(company_id, query="status=Linked"):
            print(connection.platform_name, connection.status)

The layer generated from ``openapi/connections.yaml`` (models and request builders, no HTTP client)
lives in the internal package ``codat_connections_api``; this package is the handwritten facade over
it, and everything a user needs (the models included) is importable from here.
"""

import typing as _typing

from codat_connections._async.client import AsyncCodatConnections
from codat_connections._config import NOT_GIVEN, NotGiven
from codat_connections._constants import DEFAULT_BASE_URL
from codat_connections._headers import RateLimitInfo
from codat_connections._response import APIResponse
from codat_connections._sync.client import CodatConnections
from codat_connections._version import VERSION as __version__
from codat_connections.errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    CodatError,
    ConflictError,
    InternalServerError,
    MultipleCompaniesError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    UnexpectedResponseError,
    UnprocessableEntityError,
)
from codat_connections.pagination import AsyncPage, Page
from codat_connections.query import Query, field
from codat_connections.status import (
    created_at,
    filter_by_status,
    is_linked,
    last_sync_at,
    needs_attention,
    needs_reauthorization,
    parse_datetime,
)

if _typing.TYPE_CHECKING:
    from codat_connections_api.models import (
        Company,
        CompanyAccessToken,
        CompanyReference,
        Connection,
        ConnectionStatus,
        DataConnectionError,
        SourceType,
    )

    from codat_connections._sweep import CompanyConnections

__all__ = [
    "DEFAULT_BASE_URL",
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIStatusError",
    "APITimeoutError",
    "AsyncCodatConnections",
    "AsyncPage",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "CodatConnections",
    "CodatError",
    "Company",
    "CompanyAccessToken",
    "CompanyConnections",
    "CompanyReference",
    "ConflictError",
    "Connection",
    "ConnectionStatus",
    "DataConnectionError",
    "InternalServerError",
    "MultipleCompaniesError",
    "NotFoundError",
    "NotGiven",
    "Page",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "Query",
    "RateLimitError",
    "RateLimitInfo",
    "SourceType",
    "UnexpectedResponseError",
    "UnprocessableEntityError",
    "__version__",
    "created_at",
    "field",
    "filter_by_status",
    "is_linked",
    "last_sync_at",
    "needs_attention",
    "needs_reauthorization",
    "parse_datetime",
]

# The generated models (and attrs, which builds them) and the thread pool of fleet sweeps load on
# first use: a client loads them when it is constructed, so `import codat_connections` costs
# little more than `import httpx`.
_MODELS = {
    "Company",
    "CompanyAccessToken",
    "CompanyReference",
    "Connection",
    "ConnectionStatus",
    "DataConnectionError",
    "SourceType",
}


def __getattr__(name: str) -> _typing.Any:
    if name in _MODELS:
        from codat_connections_api import models

        return getattr(models, name)
    if name == "CompanyConnections":
        from codat_connections._sweep import CompanyConnections

        return CompanyConnections
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
