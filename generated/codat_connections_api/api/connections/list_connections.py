from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.connections import Connections
from ...models.error_message import ErrorMessage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    company_id: str,
    *,
    page: int | Unset = 1,
    page_size: int | Unset = 100,
    query: str | Unset = UNSET,
    order_by: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["page"] = page

    params["pageSize"] = page_size

    params["query"] = query

    params["orderBy"] = order_by

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/companies/{company_id}/connections".format(
            company_id=quote(str(company_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Connections | ErrorMessage | None:
    if response.status_code == 200:
        response_200 = Connections.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorMessage.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorMessage.from_dict(response.json())

        return response_401

    if response.status_code == 402:
        response_402 = ErrorMessage.from_dict(response.json())

        return response_402

    if response.status_code == 403:
        response_403 = ErrorMessage.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorMessage.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = ErrorMessage.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorMessage.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ErrorMessage.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Connections | ErrorMessage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    company_id: str,
    *,
    client: AuthenticatedClient | Client,
    page: int | Unset = 1,
    page_size: int | Unset = 100,
    query: str | Unset = UNSET,
    order_by: str | Unset = UNSET,
) -> Response[Connections | ErrorMessage]:
    """List connections

     One page of a company's connections, filtered by an optional Codat query and ordered by an optional
    field.

    Args:
        company_id (str):  Example: 8a210b68-6988-11ed-a1eb-0242ac120002.
        page (int | Unset):  Default: 1. Example: 1.
        page_size (int | Unset):  Default: 100. Example: 100.
        query (str | Unset):
        order_by (str | Unset):  Example: -modifiedDate.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Connections | ErrorMessage]
    """

    kwargs = _get_kwargs(
        company_id=company_id,
        page=page,
        page_size=page_size,
        query=query,
        order_by=order_by,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    company_id: str,
    *,
    client: AuthenticatedClient | Client,
    page: int | Unset = 1,
    page_size: int | Unset = 100,
    query: str | Unset = UNSET,
    order_by: str | Unset = UNSET,
) -> Connections | ErrorMessage | None:
    """List connections

     One page of a company's connections, filtered by an optional Codat query and ordered by an optional
    field.

    Args:
        company_id (str):  Example: 8a210b68-6988-11ed-a1eb-0242ac120002.
        page (int | Unset):  Default: 1. Example: 1.
        page_size (int | Unset):  Default: 100. Example: 100.
        query (str | Unset):
        order_by (str | Unset):  Example: -modifiedDate.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Connections | ErrorMessage
    """

    return sync_detailed(
        company_id=company_id,
        client=client,
        page=page,
        page_size=page_size,
        query=query,
        order_by=order_by,
    ).parsed


async def asyncio_detailed(
    company_id: str,
    *,
    client: AuthenticatedClient | Client,
    page: int | Unset = 1,
    page_size: int | Unset = 100,
    query: str | Unset = UNSET,
    order_by: str | Unset = UNSET,
) -> Response[Connections | ErrorMessage]:
    """List connections

     One page of a company's connections, filtered by an optional Codat query and ordered by an optional
    field.

    Args:
        company_id (str):  Example: 8a210b68-6988-11ed-a1eb-0242ac120002.
        page (int | Unset):  Default: 1. Example: 1.
        page_size (int | Unset):  Default: 100. Example: 100.
        query (str | Unset):
        order_by (str | Unset):  Example: -modifiedDate.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Connections | ErrorMessage]
    """

    kwargs = _get_kwargs(
        company_id=company_id,
        page=page,
        page_size=page_size,
        query=query,
        order_by=order_by,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    company_id: str,
    *,
    client: AuthenticatedClient | Client,
    page: int | Unset = 1,
    page_size: int | Unset = 100,
    query: str | Unset = UNSET,
    order_by: str | Unset = UNSET,
) -> Connections | ErrorMessage | None:
    """List connections

     One page of a company's connections, filtered by an optional Codat query and ordered by an optional
    field.

    Args:
        company_id (str):  Example: 8a210b68-6988-11ed-a1eb-0242ac120002.
        page (int | Unset):  Default: 1. Example: 1.
        page_size (int | Unset):  Default: 100. Example: 100.
        query (str | Unset):
        order_by (str | Unset):  Example: -modifiedDate.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Connections | ErrorMessage
    """

    return (
        await asyncio_detailed(
            company_id=company_id,
            client=client,
            page=page,
            page_size=page_size,
            query=query,
            order_by=order_by,
        )
    ).parsed
