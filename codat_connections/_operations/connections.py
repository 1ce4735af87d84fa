"""The six connection operations: checked arguments, the generated request, the decoder."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from codat_connections_api.api.connections import (
    create_connection,
    delete_connection,
    get_connection,
    list_connections,
    unlink_connection,
    update_connection_authorization,
)
from codat_connections_api.models import (
    Connection,
    ConnectionAuthorization,
    ConnectionStatus,
    CreateConnectionRequest,
    UpdateConnectionStatus,
)

from codat_connections import _validation as check
from codat_connections._operations._decoding import model_parser, nothing, page_parser
from codat_connections._request import Operation, RequestSpec
from codat_connections.pagination import PageData
from codat_connections.query import Query, render_query

__all__ = [
    "create",
    "delete",
    "get",
    "get_authorization_url",
    "list_options",
    "list_page",
    "unlink",
    "update_authorization",
]

_parse_connection = model_parser(Connection.from_dict)
_parse_page = page_parser(Connection.from_dict)


def list_options(page_size: int, query: Query | str | None, order_by: str | None) -> dict[str, Any]:
    """A list call's checked options (``query`` in its wire form); a sweep calls it first to refuse bad input."""
    return {
        "page_size": check.page_size(page_size),
        "query": render_query(query) if query is not None else None,
        "order_by": check.order_by(order_by) if order_by is not None else None,
    }


def list_page(
    company_id: str, page: int, page_size: int, query: Query | str | None, order_by: str | None
) -> Operation[PageData[Connection]]:
    options = list_options(page_size, query, order_by)
    company_id = check.identifier(company_id, "company_id")
    args = list_connections.build_request(company_id, page=check.page(page), **options)
    return Operation(RequestSpec.from_generated(args, company_id=company_id), _parse_page)


def get(company_id: str, connection_id: str) -> Operation[Connection]:
    ids = _ids(company_id, connection_id)
    return Operation(
        RequestSpec.from_generated(get_connection.build_request(*ids), company_id=ids[0]), _parse_connection
    )


def get_authorization_url(company_id: str, connection_id: str) -> Operation[str]:
    return get(company_id, connection_id).then(_link_url)


def create(company_id: str, platform_key: str, idempotency_key: str | None) -> Operation[Connection]:
    body = CreateConnectionRequest(platform_key=check.platform_key(platform_key))
    company_id = check.identifier(company_id, "company_id")
    spec = RequestSpec.from_generated(
        create_connection.build_request(company_id, body=body),
        company_id=company_id,
        idempotency_key=check.idempotency_key(idempotency_key),
    )
    return Operation(spec, _parse_connection)


def delete(company_id: str, connection_id: str) -> Operation[None]:
    ids = _ids(company_id, connection_id)
    return Operation(RequestSpec.from_generated(delete_connection.build_request(*ids), company_id=ids[0]), nothing)


def unlink(company_id: str, connection_id: str, idempotency_key: str | None) -> Operation[Connection]:
    ids = _ids(company_id, connection_id)
    body = UpdateConnectionStatus(status=ConnectionStatus.UNLINKED)
    spec = RequestSpec.from_generated(
        unlink_connection.build_request(*ids, body=body),
        company_id=ids[0],
        idempotency_key=check.idempotency_key(idempotency_key),
    )
    return Operation(spec, _parse_connection)


def update_authorization(
    company_id: str, connection_id: str, authorization: Mapping[str, str]
) -> Operation[Connection]:
    ids = _ids(company_id, connection_id)
    body = ConnectionAuthorization()
    body.additional_properties = check.authorization(authorization)
    args = update_connection_authorization.build_request(*ids, body=body)
    return Operation(RequestSpec.from_generated(args, company_id=ids[0]), _parse_connection)


def _ids(company_id: str, connection_id: str) -> tuple[str, str]:
    return check.identifier(company_id, "company_id"), check.identifier(connection_id, "connection_id")


def _link_url(connection: Connection) -> str:
    return connection.link_url
