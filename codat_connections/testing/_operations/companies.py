"""The company operations, one function per route of ``_routes.py``: list (paged, filtered by ``tags`` and
``query``, ordered), create, get, update, replace, delete, and an access token per company.

Names and tags are checked with the client's own rules (``codat_connections._validation``), so the
client and the fake refuse the same values (a refusal is a 400 with Codat's body) and a name is stored
as Codat stores it, the characters outside Codat's pattern removed. A company's
``dataConnections`` are its connections exactly as the connections endpoints return them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from codat_connections import _validation
from codat_connections.testing._operations.connections import body_object
from codat_connections.testing._operations.listing import Refused, filtered, ordered, page_body, page_request
from codat_connections.testing._operations.query import (
    TAG_OPERATORS,
    QueryError,
    parse_query,
    without_spaces_around_symbols,
)
from codat_connections.testing._pipeline.responses import FakeResponse, codat_error, json_response
from codat_connections.testing._pipeline.routing import Backend, Call
from codat_connections.testing._state.records import ACCESS_TOKEN_SECONDS, Company

__all__ = [
    "COMPANY_FIELDS",
    "create_company",
    "delete_company",
    "get_company",
    "get_company_access_token",
    "list_companies",
    "replace_company",
    "update_company",
]

COMPANY_FIELDS = frozenset(
    {
        "id",
        "name",
        "description",
        "redirect",
        "lastSync",
        "created",
        "createdByUserName",
        "products",
        "tags",
        "referenceParentCompany",
        "referenceSubsidiaryCompanies",
    }
)
_EXAMPLE = '{"name": "Acme Ltd"}'


def _fields(payload: dict[str, Any]) -> tuple[str | None, str | None, dict[str, str] | None] | FakeResponse:
    """``name``, ``description`` and ``tags`` of a create or update body, checked; None where absent or null."""
    name, description, tags = payload.get("name"), payload.get("description"), payload.get("tags")
    try:
        if name is not None:
            name = _validation.company_name(name)
        if tags is not None:
            tags = _validation.tags(tags)
    except (TypeError, ValueError) as wrong:
        return codat_error(400, str(wrong))
    if description is not None and not isinstance(description, str):
        return codat_error(400, "The company description must be a string.")
    return name, description, tags


class _Fields(Mapping[str, Any]):
    """A company's fields for a query or an order: ``id``, ``name``, ``created``, ``description`` and ``tags``
    read from the store, any other field from its details (built once, when first asked). Filtering or
    ordering a large fleet by ``created`` (the client's fleet listing does) then builds no details at all."""

    __slots__ = ("_company", "_details")
    _STORED = frozenset({"id", "name", "created", "description", "tags"})

    def __init__(self, company: Company, details: Callable[[Company], dict[str, Any]]) -> None:
        self._company, self._details = company, details

    def __getitem__(self, name: str) -> Any:
        if name in self._STORED:
            value = getattr(self._company, name)
            if value is None:
                raise KeyError(name)
            return value
        return self._details(self._company)[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._details(self._company))

    def __len__(self) -> int:
        return len(self._details(self._company))


def list_companies(backend: Backend, call: Call) -> FakeResponse:
    """``GET /companies``: a page, filtered by ``tags`` and ``query`` and sorted by ``orderBy``."""
    store, query = backend.store, call.request.query
    request = page_request(query, backend.max_page_size)
    if isinstance(request, FakeResponse):
        return request
    companies = list(store.companies())
    if tags := query.get("tags"):
        try:
            predicate = parse_query(without_spaces_around_symbols(tags), None, flat=True, operators=TAG_OPERATORS)
        except QueryError:
            return codat_error(400, "Error parsing tags - Malformed query; tags take =, != and ~, with && and ||.")
        companies = [c for c in companies if predicate(c.tags)]
    built: dict[str, dict[str, Any]] = {}

    def details(company: Company) -> dict[str, Any]:
        """Built once per company per listing: the filter, the sort and the page all read it (each build
        scans the company's connections)."""
        if company.id not in built:
            built[company.id] = company.details()
        return built[company.id]

    def fields(company: Company) -> Mapping[str, Any]:
        """What a query or an order reads: the stored fields at once, the rest built only when asked."""
        return _Fields(company, details)

    try:
        if "query" in query:
            companies = filtered(companies, query["query"], COMPANY_FIELDS, "Company", fields)
        if order := query.get("orderBy"):
            companies = ordered(companies, order, COMPANY_FIELDS, "Company", fields)
    except Refused as refused:
        return refused.response
    start = (request.number - 1) * request.size
    results = [store.company_body(c, details(c)) for c in companies[start : start + request.size]]
    extra: dict[str, str] = {k: query[k] for k in ("query", "orderBy", "tags") if k in query}
    return json_response(page_body(results, len(companies), request, "/companies", extra))


def _whole_company(body: bytes) -> tuple[str, str | None, dict[str, str] | None] | FakeResponse:
    """The name, description and tags of a create or replace body (the whole company: a name is required)."""
    payload = body_object(body, _EXAMPLE)
    if isinstance(payload, FakeResponse):
        return payload
    if payload.get("name") is None:
        return codat_error(400, f"The request body needs name, the company's name, as in {_EXAMPLE}.")
    fields = _fields(payload)
    if isinstance(fields, FakeResponse):
        return fields
    name, description, tags = fields
    assert name is not None  # checked above: _fields keeps a name it was given
    return name, description, tags


def create_company(backend: Backend, call: Call) -> FakeResponse:
    """``POST /companies``: a company with the name, description and tags given (``company.created``)."""
    fields = _whole_company(call.request.body)
    if isinstance(fields, FakeResponse):
        return fields
    return json_response(backend.store.company_body(backend.store.create_company(*fields)))


def get_company(backend: Backend, call: Call) -> FakeResponse:
    """``GET /companies/{companyId}``: the company with its connections."""
    return json_response(backend.store.company_body(backend.store.company(call.params["companyId"])))


def update_company(backend: Backend, call: Call) -> FakeResponse:
    """``PATCH /companies/{companyId}``: only the fields given change."""
    store, company_id = backend.store, call.params["companyId"]
    store.company(company_id)
    payload = body_object(call.request.body, _EXAMPLE)
    if isinstance(payload, FakeResponse):
        return payload
    fields = _fields(payload)
    if isinstance(fields, FakeResponse):
        return fields
    return json_response(store.company_body(store.update_company(company_id, *fields)))


def replace_company(backend: Backend, call: Call) -> FakeResponse:
    """``PUT /companies/{companyId}``: the body is the whole company; a description or tags left out are cleared."""
    store, company_id = backend.store, call.params["companyId"]
    store.company(company_id)
    fields = _whole_company(call.request.body)
    if isinstance(fields, FakeResponse):
        return fields
    return json_response(store.company_body(store.replace_company(company_id, *fields)))


def delete_company(backend: Backend, call: Call) -> FakeResponse:
    """``DELETE /companies/{companyId}``: the company and its connections go (``company.deleted``)."""
    backend.store.delete_company(call.params["companyId"])
    return FakeResponse(204)


def get_company_access_token(backend: Backend, call: Call) -> FakeResponse:
    """``GET /companies/{companyId}/accessToken``: a fresh bearer token for the company, never cached."""
    token = backend.store.mint_token(call.params["companyId"])
    response = json_response({"expiresIn": ACCESS_TOKEN_SECONDS, "accessToken": token, "tokenType": "Bearer"})
    response.headers["cache-control"] = "no-store"
    return response
