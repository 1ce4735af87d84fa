"""FakeCodat: a stateful, in-memory stand-in for Codat's connections API.

It answers the six operations as ``openapi/connections.yaml`` describes them, keeps companies
and connections between calls (create then get, unlink changes status, delete then 404), and
lets a test play the end user and the platform (``complete_link``, ``deauthorize``) and inject
faults. It knows nothing of HTTP libraries: ``handle()`` takes a method, path, query, headers and
body and returns a status, headers and body; the transports and the loopback server adapt it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlencode

from codat_connections._constants import IDEMPOTENCY_WINDOW_SECONDS, MAX_PAGE_SIZE
from codat_connections._json import NotAJSONObject, loads_object
from codat_connections.testing._query import QueryError, UnknownFieldError, parse_query

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    import httpx

__all__ = ["PLATFORMS", "FakeCodat", "FakeResponse", "Fault", "Platform", "RecordedRequest"]

LINK_URL = "https://link-api.codat.io/companies/{company_id}/connections/{connection_id}/start"
IDEMPOTENCY_WINDOW = timedelta(seconds=IDEMPOTENCY_WINDOW_SECONDS)
CONNECTION_FIELDS = frozenset(
    {
        "id",
        "integrationId",
        "integrationKey",
        "sourceId",
        "sourceType",
        "platformName",
        "linkUrl",
        "status",
        "lastSync",
        "created",
        "dataConnectionErrors",
        "connectionInfo",
    }
)
_CONNECTIONS_PATH = re.compile(r"^/companies/([^/]+)/connections$")
_CONNECTION_PATH = re.compile(r"^/companies/([^/]+)/connections/([^/]+)$")
_AUTHORIZATION_PATH = re.compile(r"^/companies/([^/]+)/connections/([^/]+)/authorization$")


@dataclass(frozen=True)
class Platform:
    key: str
    name: str
    source_type: str

    @property
    def integration_id(self) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"codat-integration:{self.key}"))


PLATFORMS: dict[str, Platform] = {
    p.key: p
    for p in (
        Platform("qhyg", "QuickBooks Online", "Accounting"),
        Platform("gbol", "Xero", "Accounting"),
        Platform("knfz", "Sage Intacct", "Accounting"),
        Platform("akxx", "Oracle NetSuite", "Accounting"),
        Platform("mqjo", "Codat Sandbox", "Accounting"),
        Platform("suuo", "Plaid", "Banking"),
        Platform("upvr", "TrueLayer", "Banking"),
        Platform("fztf", "Shopify", "Commerce"),
        Platform("zsth", "Square", "Commerce"),
        Platform("exgd", "Stripe", "Commerce"),
    )
}


@dataclass
class FakeResponse:
    """What the fake answers: status, headers, body bytes; ``drop`` means close without answering."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0
    drop: bool = False
    truncate: bool = False
    """Send the headers and half the body, then close (a connection reset mid-response)."""


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake saw it (the Authorization value is never recorded)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    status: int | None
    """The status answered; None when the connection was dropped."""


FaultKind = Literal["status", "rate_limit", "delay", "non_json", "drop", "truncate"]


@dataclass
class Fault:
    """An injected failure for the next ``times`` matching requests."""

    kind: FaultKind
    times: int = 1
    method: str | None = None
    path: str | None = None
    status: int = 500
    retry_after: str | None = None
    seconds: float = 0.0
    after_processing: bool = False
    """For drop/status: apply the request first, then fail (the answer is lost in transit)."""

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method:
            return False
        return self.path is None or self.path in path


@dataclass
class _Company:
    id: str
    name: str
    connections: dict[str, dict[str, Any]] = field(default_factory=dict)
    authorizations: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class _CachedResponse:
    fingerprint: str
    response: FakeResponse
    stored_at: datetime


class FakeCodat:
    """In-memory Codat connections API. Thread-safe; every method may be called from tests.

    ``api_key`` is the key clients must send (as ``Basic <base64>``); ``clock`` returns "now".
    """

    def __init__(self, api_key: str = "fake-codat-api-key", *, clock: Callable[[], datetime] | None = None) -> None:
        self._expected_auth = "Basic " + base64.b64encode(api_key.encode()).decode()
        self._lock = threading.RLock()
        self._companies: dict[str, _Company] = {}
        self._faults: list[Fault] = []
        self._idempotency: dict[str, _CachedResponse] = {}
        self._clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self._created_tick = 0
        self.requests: list[RecordedRequest] = []
        """Every request seen, in order."""

    def __repr__(self) -> str:
        return f"FakeCodat(companies={len(self._companies)}, requests={len(self.requests)})"

    # -- three ways to reach it --------------------------------------------------------------
    def transport(self) -> httpx.MockTransport:
        """An httpx transport answering from this fake: ``httpx.Client(transport=fake.transport())``."""
        from codat_connections.testing._transport import sync_transport

        return sync_transport(self)

    def async_transport(self) -> httpx.MockTransport:
        """The same for ``httpx.AsyncClient``; delays sleep without blocking the event loop."""
        from codat_connections.testing._transport import async_transport

        return async_transport(self)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> AbstractContextManager[str]:
        """``with fake.serve() as base_url:`` a real HTTP server on loopback, in a thread."""
        from codat_connections.testing._server import serve

        return serve(self, host, port)

    # -- test-side controls: companies and lifecycle ----------------------------------------
    def add_company(self, name: str = "Fake company", *, company_id: str | None = None) -> str:
        """Create a company (Codat's API for companies is out of scope) and return its id."""
        with self._lock:
            cid = company_id or str(uuid.uuid4())
            self._companies[cid] = _Company(cid, name)
            return cid

    def seed_connections(
        self, company_id: str, count: int, *, platform_key: str = "gbol", status: str = "Linked"
    ) -> list[str]:
        """Add ``count`` connections directly (no requests), for paging tests and benchmarks."""
        platform = PLATFORMS[platform_key]
        with self._lock:
            company = self._company(company_id)
            ids = []
            for _ in range(count):
                record = self._new_connection(company_id, platform)
                record["status"] = status
                if status == "Linked":
                    record["lastSync"] = record["created"]
                company.connections[record["id"]] = record
                ids.append(record["id"])
            return ids

    def connections_of(self, company_id: str) -> list[dict[str, Any]]:
        """Copies of every stored connection of the company, in creation order."""
        with self._lock:
            return [dict(record) for record in self._company(company_id).connections.values()]

    def complete_link(self, company_id: str, connection_id: str) -> None:
        """The end user finished the link flow: PendingAuth, Deauthorized or Unlinked → Linked."""
        with self._lock:
            record = self._connection(company_id, connection_id)
            if record["status"] == "Linked":
                raise ValueError("connection is already Linked")
            record["status"] = "Linked"
            record["lastSync"] = self._now()
            if record.get("dataConnectionErrors"):
                for error in record["dataConnectionErrors"]:
                    error["status"] = "Resolved"
                    error["resolvedOnUtc"] = self._now()

    def deauthorize(self, company_id: str, connection_id: str, message: str = "Access was revoked") -> None:
        """The platform withdrew access: Linked → Deauthorized, with a dataConnectionErrors entry."""
        with self._lock:
            record = self._connection(company_id, connection_id)
            if record["status"] != "Linked":
                raise ValueError(f"only a Linked connection can be deauthorized, this one is {record['status']}")
            record["status"] = "Deauthorized"
            record.setdefault("dataConnectionErrors", []).append(
                {
                    "statusCode": "401",
                    "statusText": "Unauthorized",
                    "errorMessage": message,
                    "erroredOnUtc": self._now(),
                    "status": "Active",
                    "resolvedOnUtc": None,
                }
            )

    # -- test-side controls: faults ----------------------------------------------------------
    def inject(self, fault: Fault) -> Fault:
        """Queue a fault; faults apply in the order injected, each to its next ``times`` matches."""
        with self._lock:
            self._faults.append(fault)
            return fault

    def fail_with_status(
        self,
        status: int,
        *,
        times: int = 1,
        method: str | None = None,
        path: str | None = None,
        after_processing: bool = False,
    ) -> Fault:
        return self.inject(Fault("status", times, method, path, status=status, after_processing=after_processing))

    def rate_limit(
        self,
        *,
        times: int = 1,
        retry_after: str | None = "1",
        method: str | None = None,
        path: str | None = None,
    ) -> Fault:
        return self.inject(Fault("rate_limit", times, method, path, status=429, retry_after=retry_after))

    def delay(self, seconds: float, *, times: int = 1, method: str | None = None, path: str | None = None) -> Fault:
        return self.inject(Fault("delay", times, method, path, seconds=seconds))

    def non_json(
        self, status: int = 502, *, times: int = 1, method: str | None = None, path: str | None = None
    ) -> Fault:
        return self.inject(Fault("non_json", times, method, path, status=status))

    def drop_connection(
        self,
        *,
        times: int = 1,
        method: str | None = None,
        path: str | None = None,
        after_processing: bool = False,
    ) -> Fault:
        return self.inject(Fault("drop", times, method, path, after_processing=after_processing))

    def truncate_body(self, *, times: int = 1, method: str | None = None, path: str | None = None) -> Fault:
        """Apply the request, then cut the connection halfway through the response body."""
        return self.inject(Fault("truncate", times, method, path))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def requests_to(self, method: str, path: str | None = None) -> list[RecordedRequest]:
        """The recorded requests with this method (and path, when given)."""
        with self._lock:
            return [r for r in self.requests if r.method == method.upper() and (path is None or r.path == path)]

    # -- the API -----------------------------------------------------------------------------
    def handle(
        self, method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str], body: bytes
    ) -> FakeResponse:
        """Answer one HTTP request. ``path`` is percent-decoded; header names are case-insensitive."""
        method = method.upper()
        headers = {k.lower(): v for k, v in headers.items()}
        with self._lock:
            fault = self._take_fault(method, path)
            delay = fault.seconds if fault is not None and fault.kind == "delay" else 0.0
            if fault is not None and fault.kind not in ("delay", "truncate") and not fault.after_processing:
                response = self._fault_response(fault)
            else:
                response = self._answer(method, path, query, headers, body)
                if fault is not None and fault.kind in ("drop", "status") and fault.after_processing:
                    response = self._fault_response(fault)
                elif fault is not None and fault.kind == "truncate":
                    response.truncate = True
            response.delay = delay
            self.requests.append(
                RecordedRequest(
                    method,
                    path,
                    dict(query),
                    {k: v for k, v in headers.items() if k != "authorization"},
                    _json_or_text(body),
                    None if response.drop or response.truncate else response.status,
                )
            )
            return response

    def _take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self._faults:
            if fault.times > 0 and fault.matches(method, path):
                fault.times -= 1
                if fault.times == 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _fault_response(self, fault: Fault) -> FakeResponse:
        if fault.kind == "drop":
            return FakeResponse(0, drop=True)
        if fault.kind == "non_json":
            html = f"<html><body><h1>{fault.status} Bad Gateway</h1><p>upstream proxy error</p></body></html>"
            return FakeResponse(fault.status, {"content-type": "text/html"}, html.encode())
        if fault.kind == "rate_limit":
            response = self._error(
                429, "You have made too many requests in a given amount of time; please retry later."
            )
            if fault.retry_after is not None:
                response.headers["retry-after"] = fault.retry_after
            response.headers.update(
                {"x-rate-limit-limit": "1000", "x-rate-limit-remaining": "0", "x-rate-limit-reset": "60"}
            )
            return response
        messages = {503: "The Codat API is temporarily offline for maintenance. Please try again later."}
        return self._error(
            fault.status,
            messages.get(fault.status, "There is a problem with our server. Please try again later."),
        )

    def _answer(
        self, method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str], body: bytes
    ) -> FakeResponse:
        if headers.get("authorization") != self._expected_auth:
            return self._error(401, "Unauthorized")
        key = headers.get("idempotency-key")
        if key is not None and method in ("POST", "PATCH"):
            return self._idempotent(key, method, path, query, body)
        return self._route(method, path, query, body)

    def _idempotent(self, key: str, method: str, path: str, query: Mapping[str, str], body: bytes) -> FakeResponse:
        """Codat's Idempotency-Key: the same key and body within 90 minutes replays the first answer."""
        now = self._clock()
        fingerprint = hashlib.sha256(f"{method} {path}\n".encode() + body).hexdigest()
        cached = self._idempotency.get(key)
        if cached is not None and now - cached.stored_at < IDEMPOTENCY_WINDOW:
            if cached.fingerprint != fingerprint:
                return self._error(422, "The Idempotency-Key was already used with a different request.")
            replay = cached.response
            return FakeResponse(replay.status, {**replay.headers, "idempotent-replayed": "true"}, replay.body)
        response = self._route(method, path, query, body)
        if response.status != 429:
            self._idempotency[key] = _CachedResponse(fingerprint, response, now)
        return response

    def _route(self, method: str, path: str, query: Mapping[str, str], body: bytes) -> FakeResponse:
        try:
            if match := _CONNECTIONS_PATH.match(path):
                if method == "GET":
                    return self._list(match.group(1), query)
                if method == "POST":
                    return self._create(match.group(1), body)
            elif match := _CONNECTION_PATH.match(path):
                company_id, connection_id = match.groups()
                if method == "GET":
                    return self._ok(self._connection(company_id, connection_id))
                if method == "DELETE":
                    self._company(company_id).connections.pop(self._connection(company_id, connection_id)["id"])
                    return FakeResponse(200)
                if method == "PATCH":
                    return self._unlink(company_id, connection_id, body)
            elif match := _AUTHORIZATION_PATH.match(path):
                if method == "PUT":
                    company_id, connection_id = match.groups()
                    return self._update_authorization(company_id, connection_id, body)
            else:
                return self._error(404, f"No resource at {path}")
            return self._error(405, f"{method} is not supported on {path}")
        except _NotFound as missing:
            return self._error(404, str(missing))

    # -- operations ------------------------------------------------------------------------
    def _list(self, company_id: str, query: Mapping[str, str]) -> FakeResponse:
        company = self._company(company_id)
        try:
            page = int(query.get("page", "1"))
            page_size = int(query.get("pageSize", "100"))
        except ValueError:
            return self._error(400, "page and pageSize must be integers.")
        if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
            return self._error(400, f"page must be at least 1 and pageSize between 1 and {MAX_PAGE_SIZE}.")
        records = list(company.connections.values())
        if "query" in query:
            try:
                predicate = parse_query(query["query"], CONNECTION_FIELDS)
            except UnknownFieldError as exc:
                return self._error(400, f"Error parsing query - Could not resolve property {exc.name} on Connection")
            except QueryError:
                return self._error(400, "Error parsing query - Malformed query.")
            records = [r for r in records if predicate(r)]
        if order := query.get("orderBy"):
            name = order.lstrip("-")
            if name not in CONNECTION_FIELDS:
                return self._error(400, f"Error parsing query - Could not resolve property {name} on Connection")
            records.sort(key=lambda r: (r.get(name) is None, str(r.get(name) or "")), reverse=order.startswith("-"))
        total = len(records)
        start = (page - 1) * page_size
        results = records[start : start + page_size]
        base = f"/companies/{company_id}/connections"
        extra = {k: query[k] for k in ("query", "orderBy") if k in query}

        def link(number: int) -> dict[str, str]:
            return {"href": base + "?" + urlencode({"page": number, "pageSize": page_size, **extra})}

        links: dict[str, Any] = {"self": {"href": base}, "current": link(page)}
        if start + page_size < total:
            links["next"] = link(page + 1)
        if page > 1:
            links["previous"] = link(page - 1)
        return self._ok(
            {
                "results": results,
                "pageNumber": page,
                "pageSize": page_size,
                "totalResults": total,
                "_links": links,
            }
        )

    def _create(self, company_id: str, body: bytes) -> FakeResponse:
        company = self._company(company_id)
        payload = _json_object(body)
        key = payload.get("platformKey") if payload is not None else None
        if not isinstance(key, str) or key not in PLATFORMS:
            return self._error(400, f"Integration with key '{key}' does not exist or is not enabled.")
        record = self._new_connection(company_id, PLATFORMS[key])
        company.connections[record["id"]] = record
        return self._ok(record)

    def _unlink(self, company_id: str, connection_id: str, body: bytes) -> FakeResponse:
        record = self._connection(company_id, connection_id)
        payload = _json_object(body)
        if payload is None or payload.get("status") != "Unlinked":
            return self._error(400, "Only a status of 'Unlinked' can be set.")
        if record["status"] != "Linked":
            return self._error(400, f"Only Linked connections can be unlinked; this one is {record['status']}.")
        record["status"] = "Unlinked"
        return self._ok(record)

    def _update_authorization(self, company_id: str, connection_id: str, body: bytes) -> FakeResponse:
        record = self._connection(company_id, connection_id)
        payload = _json_object(body)
        if payload is None or not all(isinstance(v, str) for v in payload.values()):
            return self._error(400, "The authorization must be an object of string values.")
        self._company(company_id).authorizations[record["id"]] = payload
        return self._ok(record)

    # -- helpers ------------------------------------------------------------------------------
    def _new_connection(self, company_id: str, platform: Platform) -> dict[str, Any]:
        connection_id = str(uuid.uuid4())
        return {
            "id": connection_id,
            "integrationId": platform.integration_id,
            "integrationKey": platform.key,
            "sourceId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"codat-source:{platform.key}")),
            "platformName": platform.name,
            "linkUrl": LINK_URL.format(company_id=company_id, connection_id=connection_id),
            "status": "PendingAuth",
            "created": self._created(),
            "sourceType": platform.source_type,
        }

    def _now(self) -> str:
        return self._clock().strftime("%Y-%m-%dT%H:%M:%SZ")

    def _created(self) -> str:
        """Creation times that strictly increase, so ordering by ``created`` is stable."""
        self._created_tick += 1
        moment = self._clock() + timedelta(milliseconds=self._created_tick)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def _company(self, company_id: str) -> _Company:
        company = self._companies.get(company_id)
        if company is None:
            raise _NotFound(f"No company was found with ID {company_id}")
        return company

    def _connection(self, company_id: str, connection_id: str) -> dict[str, Any]:
        record = self._company(company_id).connections.get(connection_id)
        if record is None:
            raise _NotFound(f"Data connection {connection_id} not found")
        return record

    @staticmethod
    def _ok(payload: Any) -> FakeResponse:
        return FakeResponse(200, {"content-type": "application/json"}, json.dumps(payload).encode())

    @staticmethod
    def _error(status: int, message: str) -> FakeResponse:
        body = {
            "statusCode": status,
            "service": "PublicApi",
            "error": message,
            "correlationId": uuid.uuid4().hex,
            "canBeRetried": "Unknown",
            "detailedErrorCode": 0,
        }
        return FakeResponse(status, {"content-type": "application/json"}, json.dumps(body).encode())


class _NotFound(Exception):
    pass


def _json_object(body: bytes) -> dict[str, Any] | None:
    try:
        return loads_object(body)
    except NotAJSONObject:
        return None


def _json_or_text(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")
