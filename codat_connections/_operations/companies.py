"""The seven company operations, and the lookup and key that onboarding without duplicates rests on."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping

from codat_connections_api.api.companies import (
    create_company,
    delete_company,
    get_company,
    get_company_access_token,
    list_companies,
    replace_company,
    update_company,
)
from codat_connections_api.models import Company, CompanyAccessToken, CreateCompanyRequest, UpdateCompanyRequest
from codat_connections_api.types import UNSET

from codat_connections import _validation as check
from codat_connections._operations._decoding import model_parser, nothing, page_parser, secret_parser
from codat_connections._request import Operation, RequestSpec
from codat_connections.pagination import PageData
from codat_connections.query import Query, field, render_query

__all__ = [
    "access_token",
    "body_token",
    "create",
    "delete",
    "get",
    "list_page",
    "carries",
    "onboarding_key",
    "replace",
    "replacement_key",
    "tags_filter",
    "update",
]

_parse_company = model_parser(Company.from_dict)
_parse_page = page_parser(Company.from_dict)
_parse_token = secret_parser(CompanyAccessToken.from_dict)
_ONBOARDING_KEYS = uuid.UUID("5d1c5b1e-7c3a-4f0e-9a55-0c0da7c0c0de")
"""The namespace of onboarding keys: a key is the UUID (version 5) of the tags in it, a GUID as Codat asks."""


def list_page(
    page: int, page_size: int, query: Query | str | None, tags: Query | str | None, order_by: str | None
) -> Operation[PageData[Company]]:
    args = list_companies.build_request(
        page=check.page(page),
        page_size=check.page_size(page_size),
        query=render_query(query) if query is not None else None,
        tags=_rendered_tags(tags),
        order_by=check.order_by(order_by) if order_by is not None else None,
    )
    return Operation(RequestSpec.from_generated(args, company_id=None), _parse_page)


def get(company_id: str) -> Operation[Company]:
    company_id = check.identifier(company_id, "company_id")
    return Operation(
        RequestSpec.from_generated(get_company.build_request(company_id), company_id=company_id), _parse_company
    )


def create(
    name: str, description: str | None, tags: Mapping[str, str] | None, idempotency_key: str | None
) -> Operation[Company]:
    spec = RequestSpec.from_generated(
        create_company.build_request(body=_whole_company(name, description, tags)),
        company_id=None,
        idempotency_key=check.idempotency_key(idempotency_key),
    )
    return Operation(spec, _parse_company)


def update(
    company_id: str,
    name: str | None,
    description: str | None,
    tags: Mapping[str, str] | None,
    idempotency_key: str | None,
) -> Operation[Company]:
    company_id = check.identifier(company_id, "company_id")
    if name is None and description is None and tags is None:
        raise ValueError("update needs one of name=, description= or tags= (fields left out keep their values)")
    body = UpdateCompanyRequest(
        name=check.company_name(name) if name is not None else UNSET,
        description=_description(description) if description is not None else UNSET,
        tags=check.tags(tags) if tags is not None else UNSET,
    )
    args = update_company.build_request(company_id, body=body)
    spec = RequestSpec.from_generated(
        args, company_id=company_id, idempotency_key=check.idempotency_key(idempotency_key)
    )
    return Operation(spec, _parse_company)


def replace(company_id: str, name: str, description: str | None, tags: Mapping[str, str] | None) -> Operation[Company]:
    """Codat's PUT: the body is the whole company (a description or tags left out are cleared). PUT is
    idempotent by definition, so it is retried as a read and carries no Idempotency-Key."""
    company_id = check.identifier(company_id, "company_id")
    args = replace_company.build_request(company_id, body=_whole_company(name, description, tags))
    return Operation(RequestSpec.from_generated(args, company_id=company_id), _parse_company)


def _whole_company(name: str, description: str | None, tags: Mapping[str, str] | None) -> CreateCompanyRequest:
    """The body of a create or a replace: the whole company, its name required (and cleaned as Codat cleans it)."""
    return CreateCompanyRequest(
        name=check.company_name(name),
        description=_description(description) if description is not None else UNSET,
        tags=check.tags(tags) if tags is not None else UNSET,
    )


def delete(company_id: str) -> Operation[None]:
    company_id = check.identifier(company_id, "company_id")
    return Operation(
        RequestSpec.from_generated(delete_company.build_request(company_id), company_id=company_id), nothing
    )


def access_token(company_id: str) -> Operation[CompanyAccessToken]:
    company_id = check.identifier(company_id, "company_id")
    args = get_company_access_token.build_request(company_id)
    return Operation(RequestSpec.from_generated(args, company_id=company_id), _parse_token)


def tags_filter(tags: Mapping[str, str]) -> Query:
    """The listing filter that finds the companies carrying every one of ``tags`` (``uid=cust-42&&...``)."""
    wanted = check.tags(tags)
    if not wanted:
        raise ValueError("tags must name at least one tag (your own customer id, e.g. {'uid': 'cust-42'})")
    conditions = []
    for key, value in sorted(wanted.items()):
        try:
            conditions.append(field(key) == value)
        except ValueError as exc:
            raise ValueError(f"tag {key!r}: {exc}; Codat's query language cannot look it up") from None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = combined & condition
    return combined


def onboarding_key(tags: Mapping[str, str]) -> str:
    """The Idempotency-Key of the create that onboards the customer these tags name: the same for the same tags.

    Two onboardings of one customer at once send the same key, so Codat applies one create and answers
    both with its company (within its 90-minute idempotency window).
    """
    canonical = json.dumps(sorted(check.tags(tags).items()), ensure_ascii=True, separators=(",", ":"))
    return str(uuid.uuid5(_ONBOARDING_KEYS, canonical))


def replacement_key(key: str, spent_on: str) -> str:
    """The key to create with when ``key`` is spent: its answer names a company deleted or re-tagged since
    (``spent_on`` is that company's id), or it was used with another request (``spent_on`` is
    ``body_token`` of this one). The same for every caller, so onboardings at once still make one company."""
    return str(uuid.uuid5(_ONBOARDING_KEYS, f"{key}|after|{spent_on}"))


def body_token(name: str, description: str | None) -> str:
    """What distinguishes one onboarding's create from another's with the same tags: its name and description."""
    return "body:" + json.dumps([name, description], ensure_ascii=True, separators=(",", ":"))


def carries(company: Company, tags: Mapping[str, str]) -> bool:
    """Whether the company has every one of ``tags``, exactly (a server's filter may match more loosely)."""
    own = company.tags or {}
    return all(own.get(key) == value for key, value in tags.items())


def _rendered_tags(tags: Query | str | None) -> str | None:
    if tags is None:
        return None
    if isinstance(tags, Mapping):
        raise TypeError(
            "tags= filters the listing with a query (field('uid') == 'cust-42', or 'uid=cust-42'), not a dict"
        )
    return render_query(tags, "tags")


def _description(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"description must be a str, got {type(value).__name__}")
    return value
