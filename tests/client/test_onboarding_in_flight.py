"""Six onboardings of one customer at once while Codat takes 3 s to commit the first create, in real time.

``CommittingCodat`` keeps Codat's Idempotency-Key rule as its documentation states it: while the first
request with a key is being answered, another with that key is a 409; once answered, the same request
replays the answer and another request is a 422. It keeps that rule in a few lines, apart from the fake (which
keeps it too: ``tests/fake/test_idempotency_in_flight.py`` runs the same six onboardings against it). The
waits are real (3 s), hence ``slow``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from codat_connections import AsyncCodatConnections, CodatConnections
from codat_connections.testing import set_testing
from tests.conftest import API_KEY, codat_error

pytestmark = pytest.mark.slow

CALLERS = 6
COMMIT_SECONDS = 3.0
TAGS = {"uid": "cust-42"}


class CommittingCodat:
    """Companies whose create takes ``seconds`` to commit, with Codat's rule for a key still in flight."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._answers: dict[str, tuple[str, httpx.Response | None]] = {}  # key -> (request digest, answer)
        self.companies: list[dict[str, Any]] = []
        self.posts: list[int] = []

    def _begin(self, request: httpx.Request) -> httpx.Response | None:
        """The answer to a create, or None when it is the key's first: the caller commits it."""
        key = request.headers["idempotency-key"]
        digest = hashlib.sha256(request.content).hexdigest()
        with self._lock:
            known = self._answers.get(key)
            if known is None:
                self._answers[key] = (digest, None)
                return None
            first_digest, answer = known
            if answer is None:
                response = httpx.Response(409, json=codat_error(409, "A request with this key is in progress"))
            elif first_digest != digest:
                response = httpx.Response(422, json=codat_error(422, "The key was used with another request"))
            else:
                response = httpx.Response(answer.status_code, content=answer.content, headers=answer.headers)
                response.headers["idempotent-replayed"] = "true"
            self.posts.append(response.status_code)
            return response

    def _commit(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        company_id = str(uuid.uuid4())
        company = {
            "id": company_id,
            "name": body["name"],
            "redirect": f"https://link.codat.io/company/{company_id}",
            "created": "2026-11-01T09:00:00Z",
            "tags": body.get("tags", {}),
            "dataConnections": [],
        }
        response = httpx.Response(200, json=company)
        with self._lock:
            self.companies.append(company)
            self._answers[request.headers["idempotency-key"]] = (hashlib.sha256(request.content).hexdigest(), response)
            self.posts.append(200)
        return response

    def _read(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            if request.url.path == "/companies":
                wanted = dict(part.split("=", 1) for part in request.url.params["tags"].split("&&"))
                found = [c for c in self.companies if all(c["tags"].get(k) == v for k, v in wanted.items())]
                page = {"results": found, "pageNumber": 1, "pageSize": 100, "totalResults": len(found)}
                return httpx.Response(200, json={**page, "_links": {"self": {"href": "/companies"}}})
            company_id = request.url.path.rsplit("/", 1)[-1]
            for company in self.companies:
                if company["id"] == company_id:
                    return httpx.Response(200, json=company)
        return httpx.Response(404, json=codat_error(404, "no such company"))

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return self._read(request)
        answer = self._begin(request)
        if answer is not None:
            return answer
        time.sleep(self.seconds)
        return self._commit(request)

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return self._read(request)
        answer = self._begin(request)
        if answer is not None:
            return answer
        await asyncio.sleep(self.seconds)
        return self._commit(request)


def test_six_onboardings_while_the_first_create_commits_get_the_one_company() -> None:
    """Review: 5 of 6 callers raised ConflictError when the create took 3 s."""
    server = CommittingCodat(COMMIT_SECONDS)
    transport = httpx.MockTransport(server.handle)
    start = threading.Barrier(CALLERS)
    with (
        set_testing(False),
        CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=transport), timeout=10) as codat,
    ):

        def onboard(_: int) -> str:
            start.wait(5)
            return codat.companies.get_or_create("Acme Ltd", tags=TAGS).id

        with ThreadPoolExecutor(max_workers=CALLERS) as pool:
            ids = list(pool.map(onboard, range(CALLERS)))
    assert len(set(ids)) == 1 and [c["id"] for c in server.companies] == ids[:1]
    assert server.posts.count(409) >= CALLERS - 1, "the others were told the first was in flight, and waited"


async def test_six_async_onboardings_while_the_first_create_commits_get_the_one_company() -> None:
    server = CommittingCodat(COMMIT_SECONDS)
    http = httpx.AsyncClient(transport=httpx.MockTransport(server.handle_async))
    with set_testing(False):
        async with AsyncCodatConnections(api_key=API_KEY, http_client=http, timeout=10) as codat:
            ids = await asyncio.gather(*(codat.companies.get_or_create("Acme Ltd", tags=TAGS) for _ in range(CALLERS)))
    await http.aclose()
    assert len({company.id for company in ids}) == 1 and len(server.companies) == 1
    assert server.posts.count(409) >= CALLERS - 1
