"""The async client mirrors the sync one: same methods, same parameters, matching return types."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from codat_connections import AsyncCodatConnections, CodatConnections
from codat_connections.async_connections import AsyncConnectionsResource, AsyncConnectionsWithRawResponse
from codat_connections.connections import ConnectionsResource, ConnectionsWithRawResponse

# How a sync annotation reads on the async side (returns of coroutines are compared unwrapped).
ASYNC_SPELLING = {
    "Page[Connection]": "AsyncPage[Connection]",
    "Iterator[Connection]": "AsyncIterator[Connection]",
    "Generator[CompanyConnections, None, None]": "AsyncGenerator[CompanyConnections, None]",
    "Iterable[str]": "Iterable[str] | AsyncIterable[str]",
    "httpx.Client | None": "httpx.AsyncClient | None",
}
ASYNC_ONLY_PARAMETERS = {"list_all": {"concurrency"}}
"""Deliberate differences: the async list_all fetches pages concurrently."""
NOT_AWAITED = {"with_options", "iterate", "list_many", "needing_attention"}
PAIRS = [
    (ConnectionsResource, AsyncConnectionsResource),
    (ConnectionsWithRawResponse, AsyncConnectionsWithRawResponse),
    (CodatConnections, AsyncCodatConnections),
]


def public_methods(cls: type) -> dict[str, Any]:
    return {name: member for name, member in vars(cls).items() if callable(member) and not name.startswith("_")}


def as_async(annotation: str) -> str:
    for sync, asynchronous in ASYNC_SPELLING.items():
        annotation = annotation.replace(sync, asynchronous)
    return annotation


@pytest.mark.parametrize(("sync_cls", "async_cls"), PAIRS, ids=lambda cls: cls.__name__)
def test_every_public_method_has_an_async_twin_with_the_same_signature(sync_cls: type, async_cls: type) -> None:
    sync_methods, async_methods = public_methods(sync_cls), public_methods(async_cls)
    assert set(sync_methods) == set(async_methods)
    for name, method in sync_methods.items():
        twin = async_methods[name]
        sync_signature, async_signature = inspect.signature(method), inspect.signature(twin)
        sync_params = [
            (p.name, p.kind, p.default, as_async(str(p.annotation))) for p in sync_signature.parameters.values()
        ]
        async_params = [
            (p.name, p.kind, p.default, str(p.annotation))
            for p in async_signature.parameters.values()
            if p.name not in ASYNC_ONLY_PARAMETERS.get(name, ())
        ]
        assert sync_params == async_params, name
        assert as_async(str(sync_signature.return_annotation)) == str(async_signature.return_annotation), name
        assert inspect.iscoroutinefunction(twin) == (name not in NOT_AWAITED), name


def test_the_parity_check_notices_a_missing_parameter() -> None:
    def list_one(company_id: str, *, page: int = 1) -> None: ...

    async def list_two(company_id: str) -> None: ...

    assert inspect.signature(list_one).parameters.keys() != inspect.signature(list_two).parameters.keys()
