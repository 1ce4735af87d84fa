"""Everything the fake answers, and everything the client sends, validates against openapi/connections.yaml.

Checked with openapi-core on every request/response pair of a scenario that covers each operation
and each error path. Statuses the document does not list for an operation (the fake's 400 for an
unknown platform key or an unlink of a non-Linked connection, 422 for a reused Idempotency-Key) are
checked against the document's ErrorMessage schema instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

import httpx
import pytest
import yaml
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_schema_validator import OAS31Validator

from codat_connections import APIStatusError, CodatConnections, CodatError, field
from codat_connections.testing import FakeCodat
from tests.conftest import API_KEY, CODAT_BASE, SPEC_PATH

SPEC = OpenAPI.from_file_path(str(SPEC_PATH))
DOCUMENT: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())
ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorMessage", "components": DOCUMENT["components"]}


class ValidatingTransport(httpx.BaseTransport):
    """Passes requests to the fake and validates both directions against the document."""

    def __init__(self, fake: FakeCodat) -> None:
        self.inner = fake.transport()
        self.checked: list[tuple[str, str, int]] = []
        self.problems: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        path = request.url.path
        mock_request = MockRequest(
            CODAT_BASE,
            request.method.lower(),
            path,
            args=dict(request.url.params),
            headers=dict(request.headers),
            data=request.content or None,
        )
        mock_response = MockResponse(
            response.content,
            response.status_code,
            dict(response.headers),
            content_type=response.headers.get("content-type", "application/json"),
        )
        label = f"{request.method} {path} -> {response.status_code}"
        for error in SPEC.iter_request_errors(mock_request):
            self.problems.append(f"request {label}: {error!r}")
        documented = self._documented(request.method.lower(), path, response.status_code)
        if documented:
            for error in SPEC.iter_response_errors(mock_request, mock_response):
                self.problems.append(f"response {label}: {error!r}")
        else:
            body = json.loads(response.content)
            for error in OAS31Validator(ERROR_SCHEMA).iter_errors(body):
                self.problems.append(f"undocumented-status body {label}: {error.message}")
        self.checked.append((request.method, self._template(path), response.status_code))
        return response

    @staticmethod
    def _template(path: str) -> str:
        parts = path.split("/")
        names = {2: "{companyId}", 4: "{connectionId}"}
        return "/".join(names.get(i, p) for i, p in enumerate(parts))

    def _documented(self, method: str, path: str, status: int) -> bool:
        operation = DOCUMENT["paths"][self._template(path)][method]
        return str(status) in operation["responses"]


def test_every_operation_and_error_path_matches_the_document(sleeps: list[float]) -> None:
    fake = FakeCodat(api_key=API_KEY)
    company = fake.add_company()
    transport = ValidatingTransport(fake)
    codat = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=transport), max_retries=0)
    c = codat.connections

    conn = c.create(company, "gbol")
    c.get(company, conn.id)
    fake.complete_link(company, conn.id)
    fake.seed_connections(company, 7)
    c.list(company, page=2, page_size=3, query=field("status") == "Linked", order_by="-created")
    c.list_all(company, page_size=5)
    c.update_authorization(company, conn.id, {"token": "t"})
    fake.deauthorize(company, conn.id)
    c.get(company, conn.id)  # with dataConnectionErrors
    fake.complete_link(company, conn.id)
    c.unlink(company, conn.id)
    c.delete(company, conn.id)

    failures: list[Callable[[], object] | tuple[Callable[[], object], ...]] = [
        (lambda: c.get(company, conn.id)),  # 404 connection
        (lambda: c.list("0b1e4f3c-0000-4000-8000-000000000000")),  # 404 company
        (lambda: c.list(company, query="status=Linked&&")),  # 400 malformed
        (lambda: c.list(company, query="nope=1")),  # 400 unknown property
        (lambda: c.create(company, "zzzz")),  # 400 (undocumented for create)
        (lambda: c.unlink(company, c.create(company, "gbol").id)),  # 400 (undocumented for unlink)
        (
            lambda: CodatConnections(api_key="wrong", http_client=httpx.Client(transport=transport)).connections.list(
                company
            )
        ),
        (
            lambda: c.create(company, "gbol", idempotency_key="k1"),
            lambda: c.create(company, "qhyg", idempotency_key="k1"),
        ),
    ]
    for status in (402, 403, 500, 503):
        failures.append((partial(fake.fail_with_status, status), lambda: c.list(company)))
    failures.append((lambda: fake.rate_limit(retry_after="1"), lambda: c.list(company)))
    failures.append(
        (
            lambda: fake.enforce_rate_limits(requests=1, per_seconds=3600),
            lambda: c.list(company),
            lambda: c.get(company, conn.id),  # the limiter's own 429, with X-Rate-Limit-* and Retry-After
        )
    )
    seen_statuses = set()
    for calls in failures:
        for call in calls if isinstance(calls, tuple) else (calls,):
            try:
                call()
            except APIStatusError as exc:
                seen_statuses.add(exc.status_code)
            except CodatError:
                pytest.fail("only status errors are expected here")

    assert transport.problems == []
    assert seen_statuses == {400, 401, 402, 403, 404, 422, 429, 500, 503}
    assert ("GET", "/companies/{companyId}/connections/{connectionId}", 429) in transport.checked
    operations = {(method, path) for method, path, _ in transport.checked}
    assert len(operations) == 6
