"""A client library for accessing Codat connections API (subset vendored by codat-connections)"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
