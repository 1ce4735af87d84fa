"""Every error survives pickle and deepcopy: a worker's NotFoundError reaches the parent as a NotFoundError."""

from __future__ import annotations

import copy
import json
import pickle
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import httpx
import pytest

from codat_connections import errors
from codat_connections.errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    ClientClosedError,
    CodatError,
    MultipleCompaniesError,
    NotFoundError,
    RateLimitError,
    UnexpectedResponseError,
    status_error,
)
from tests.conftest import codat_error

URL = "https://api.codat.io/companies/c/connections/x"
HEADERS = {
    "content-type": "application/json",
    "retry-after": "7",
    "x-rate-limit-limit": "1000",
    "x-rate-limit-remaining": "12",
    "x-rate-limit-reset": "1764201600",
}


def status_error_for(status: int) -> APIStatusError:
    response = httpx.Response(
        status, content=json.dumps(codat_error(status, "Nope", "corr-9")).encode(), headers=HEADERS
    )
    return status_error(response, method="GET", path="/companies/c/connections/x", url=URL)


def every_error() -> list[CodatError]:
    built: list[CodatError] = [
        status_error_for(status) for status in (400, 401, 402, 403, 404, 409, 422, 429, 500, 418)
    ]
    transport = APIConnectionError("connection failed: reset", method="DELETE", path="/p", url=URL)
    transport.__cause__ = httpx.ReadError("reset")
    built += [
        transport,
        APITimeoutError("request timed out (ReadTimeout)", method="GET", path="/p", url=URL),
        UnexpectedResponseError(
            "bad body", status_code=200, method="GET", path="/p", url=URL, body=b"{", headers={"x-correlation-id": "c7"}
        ),
        ClientClosedError("the client is closed"),
        MultipleCompaniesError(tags={"uid": "cust-42"}, company_ids=["c1", "c2"]),
        CodatError("no Codat API key"),
    ]
    built[0]._append_to_message("gave up after 3 attempts")
    return built


def public_state(error: CodatError) -> dict[str, Any]:
    state = {name: value for name, value in vars(error).items() if not name.startswith("_")}
    return {"type": type(error), "str": str(error), "args": error.args, **state}


def test_every_error_class_is_covered() -> None:
    classes = {cls for cls in vars(errors).values() if isinstance(cls, type) and issubclass(cls, CodatError)}
    assert classes <= {type(error) for error in every_error()} | {APIError, APIStatusError}


@pytest.mark.parametrize("error", every_error(), ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("round_trip", [lambda e: pickle.loads(pickle.dumps(e)), copy.deepcopy, copy.copy])  # noqa: S301
def test_error_round_trips_with_type_message_and_attributes(error: CodatError, round_trip: Any) -> None:
    again = round_trip(error)
    assert public_state(again) == public_state(error)
    if isinstance(error, APIStatusError):
        assert again.reason == error.reason
        assert again.correlation_id == "corr-9"
    if isinstance(error, RateLimitError):
        assert again.retry_after == 7.0
        assert again.rate_limit == error.rate_limit
        assert again.rate_limit.remaining == 12


def raise_not_found() -> None:
    raise status_error_for(404)


def test_a_worker_process_error_reaches_the_parent_typed() -> None:
    with ProcessPoolExecutor(max_workers=1) as pool, pytest.raises(NotFoundError) as caught:
        pool.submit(raise_not_found).result()
    assert caught.value.status_code == 404
    assert caught.value.error == "Nope"
    assert "404 Not Found from GET /companies/c/connections/x: Nope (correlation id corr-9)" in str(caught.value)
