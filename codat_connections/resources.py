"""The resource classes a client's attributes hold, for annotations in your own code.

``client.connections`` is a ``ConnectionsResource`` (``AsyncConnectionsResource`` on the async
client), and its ``with_raw_response`` a ``ConnectionsWithRawResponse``; likewise for companies.
"""

from codat_connections._async.companies import AsyncCompaniesResource, AsyncCompaniesWithRawResponse
from codat_connections._async.connections import AsyncConnectionsResource, AsyncConnectionsWithRawResponse
from codat_connections._sync.companies import CompaniesResource, CompaniesWithRawResponse
from codat_connections._sync.connections import ConnectionsResource, ConnectionsWithRawResponse

__all__ = [
    "AsyncCompaniesResource",
    "AsyncCompaniesWithRawResponse",
    "AsyncConnectionsResource",
    "AsyncConnectionsWithRawResponse",
    "CompaniesResource",
    "CompaniesWithRawResponse",
    "ConnectionsResource",
    "ConnectionsWithRawResponse",
]
