"""The sync and async clients mirror each other, and each raw-response variant its plain method.

The sync side is derived from the async one (scripts/unasync.py; `make check-unasync` fails on drift),
so these tests check the outcome a user relies on: the same methods, parameters, defaults, return
types (spelled for each side) and docstrings on both clients, and a `with_raw_response` twin for every
single-request operation with the plain method's signature and docstring.
"""

from __future__ import annotations

import inspect
from typing import Any

import httpx
import pytest

from codat_connections import AsyncCodatConnections, CodatConnections
from codat_connections.resources import (
    AsyncCompaniesResource,
    AsyncCompaniesWithRawResponse,
    AsyncConnectionsResource,
    AsyncConnectionsWithRawResponse,
    CompaniesResource,
    CompaniesWithRawResponse,
    ConnectionsResource,
    ConnectionsWithRawResponse,
)
from tests.conftest import API_KEY

# How an async annotation reads on the sync side (returns of coroutines are compared unwrapped).
SYNC_SPELLING = {
    "AsyncPage[": "Page[",
    "AsyncIterator[": "Iterator[",
    "AsyncGenerator[CompanyConnections, None]": "Generator[CompanyConnections, None, None]",
    "Iterable[str] | AsyncIterable[str]": "Iterable[str]",
    "httpx.AsyncClient": "httpx.Client",
}
NOT_AWAITED = {"with_options", "iterate", "list_many", "needing_attention"}
"""Methods that return a (sync or async) iterator or a client instead of being awaited."""
PAIRS = [
    (ConnectionsResource, AsyncConnectionsResource),
    (CompaniesResource, AsyncCompaniesResource),
    (CodatConnections, AsyncCodatConnections),
]
SINGLE_REQUEST = {
    "connections": ["list", "get", "create", "delete", "unlink", "get_authorization_url", "update_authorization"],
    "companies": ["list", "get", "create", "update", "replace", "delete", "access_token"],
}
RAW_CLASSES = {
    ("sync", "connections"): ConnectionsWithRawResponse,
    ("async", "connections"): AsyncConnectionsWithRawResponse,
    ("sync", "companies"): CompaniesWithRawResponse,
    ("async", "companies"): AsyncCompaniesWithRawResponse,
}


def public_methods(cls: type) -> dict[str, Any]:
    return {
        name: member
        for name in dir(cls)
        if not name.startswith("_") and callable(member := getattr(cls, name)) and not isinstance(member, type)
    }


def as_sync(annotation: str) -> str:
    for asynchronous, sync in SYNC_SPELLING.items():
        annotation = annotation.replace(asynchronous, sync)
    return annotation


def parity_problems(sync_cls: type, async_cls: type) -> list[str]:
    """Every way the two classes differ for a user: names, parameters, returns, awaiting, docstrings."""
    problems = []
    sync_methods, async_methods = public_methods(sync_cls), public_methods(async_cls)
    problems += [f"only sync: {name}" for name in sorted(set(sync_methods) - set(async_methods))]
    problems += [f"only async: {name}" for name in sorted(set(async_methods) - set(sync_methods))]
    for name in sorted(set(sync_methods) & set(async_methods)):
        plain, twin = sync_methods[name], async_methods[name]
        sync_signature, async_signature = inspect.signature(plain), inspect.signature(twin)
        sync_params = [(p.name, p.kind, p.default, str(p.annotation)) for p in sync_signature.parameters.values()]
        async_params = [
            (p.name, p.kind, p.default, as_sync(str(p.annotation))) for p in async_signature.parameters.values()
        ]
        if sync_params != async_params:
            problems.append(f"{name}: parameters {sync_params} != {async_params}")
        if str(sync_signature.return_annotation) != as_sync(str(async_signature.return_annotation)):
            problems.append(
                f"{name}: returns {sync_signature.return_annotation} vs {async_signature.return_annotation}"
            )
        if inspect.iscoroutinefunction(twin) != (name not in NOT_AWAITED):
            problems.append(f"{name}: awaited on the async side is {inspect.iscoroutinefunction(twin)}")
        if inspect.getdoc(plain) != inspect.getdoc(twin):
            problems.append(f"{name}: docstrings differ")
    return problems


@pytest.mark.parametrize(("sync_cls", "async_cls"), PAIRS, ids=lambda cls: cls.__name__)
def test_every_public_method_has_an_async_twin_with_the_same_signature_and_docstring(
    sync_cls: type, async_cls: type
) -> None:
    assert parity_problems(sync_cls, async_cls) == []


def test_the_parity_check_notices_a_dropped_parameter_a_changed_docstring_and_a_missing_method() -> None:
    class Plain:
        def list(self, company_id: str, *, page: int = 1) -> None:
            """One page."""

        def get(self) -> None:
            """One."""

    class Twin:
        async def list(self, company_id: str) -> None:
            """One page."""

        async def get(self) -> None:
            """Another docstring."""

        async def extra(self) -> None: ...

    problems = parity_problems(Plain, Twin)
    assert any(problem.startswith("list: parameters") for problem in problems)
    assert "get: docstrings differ" in problems
    assert "only async: extra" in problems


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize("resource_name", ["connections", "companies"])
def test_every_single_request_operation_has_a_raw_twin_with_its_signature_and_docstring(
    kind: str, resource_name: str
) -> None:
    if kind == "sync":
        client: Any = CodatConnections(api_key=API_KEY, http_client=httpx.Client())
    else:
        client = AsyncCodatConnections(api_key=API_KEY, http_client=httpx.AsyncClient())
    resource = getattr(client, resource_name)
    raw = resource.with_raw_response
    assert isinstance(raw, RAW_CLASSES[kind, resource_name])
    assert sorted(vars(raw)) == sorted(SINGLE_REQUEST[resource_name])
    for name in SINGLE_REQUEST[resource_name]:
        plain, twin = getattr(resource, name), getattr(raw, name)
        assert inspect.signature(twin).parameters == inspect.signature(plain).parameters, name
        assert inspect.getdoc(twin) == inspect.getdoc(plain), name
        assert inspect.iscoroutinefunction(twin) == (kind == "async"), name
