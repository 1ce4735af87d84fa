"""Every response maps to a typed error with the status, Codat's message and the correlation id."""

from __future__ import annotations

import json

import httpx
import pytest

from codat_connections import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    CodatError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    RateLimitInfo,
    UnexpectedResponseError,
    UnprocessableEntityError,
)
from tests.conftest import API_KEY, COMPANY, CONNECTION, codat_error, mock_client, wire_connection


def respond(status: int, content: bytes, headers: dict[str, str] | None = None) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(status, content=content, headers=headers))


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (402, PaymentRequiredError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (503, InternalServerError),
        (520, InternalServerError),
        (418, APIStatusError),
        (302, APIStatusError),
    ],
)
def test_status_maps_to_class(status: int, cls: type[APIStatusError], sleeps: list[float]) -> None:
    # The body's statusCode disagrees on purpose (Codat's examples do): the HTTP status decides.
    body = json.dumps(codat_error(999, "Codat says no", "abc123")).encode()
    client = mock_client(lambda r: httpx.Response(status, content=body), max_retries=0)
    with pytest.raises(cls) as caught:
        client.connections.get(COMPANY, CONNECTION)
    err = caught.value
    assert type(err) is cls
    assert err.status_code == status
    assert err.error == "Codat says no"
    assert err.correlation_id == "abc123"
    assert err.can_be_retried == "Unknown"
    assert err.detailed_error_code == 0
    assert err.body == body


def test_message_reads_like_a_sentence(sleeps: list[float]) -> None:
    body = json.dumps(codat_error(404, f"Data connection {CONNECTION} not found", "8fa2b5f4")).encode()
    client = mock_client(lambda r: httpx.Response(404, content=body))
    with pytest.raises(NotFoundError) as caught:
        client.connections.get(COMPANY, CONNECTION)
    assert str(caught.value) == (
        f"404 Not Found from GET /companies/{COMPANY}/connections/{CONNECTION}: "
        f"Data connection {CONNECTION} not found (correlation id 8fa2b5f4)"
    )


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body><h1>502 Bad Gateway</h1></body></html>",
        b"",
        b'{"error": "trunc',
        b"[1, 2, 3]",
        b'{"error": {"nested": true}, "correlationId": 7}',
        b"\xff\xfe\x00garbage",
        b"[" * 100_000,
    ],
)
def test_any_error_body_still_gives_a_typed_error(body: bytes, sleeps: list[float]) -> None:
    client = mock_client(lambda r: httpx.Response(502, content=body), max_retries=0)
    with pytest.raises(InternalServerError) as caught:
        client.connections.list(COMPANY)
    assert caught.value.status_code == 502
    assert caught.value.error is None
    assert str(caught.value).startswith(f"502 Bad Gateway from GET /companies/{COMPANY}/connections")


def test_html_error_page_is_summarised(sleeps: list[float]) -> None:
    html = b"<html>\n<body>\n  <h1>Service   Unavailable</h1>\n</body></html>"
    client = mock_client(lambda r: httpx.Response(503, content=html), max_retries=0)
    with pytest.raises(InternalServerError, match="<h1>Service Unavailable</h1>"):
        client.connections.get(COMPANY, CONNECTION)


def test_rate_limit_error_carries_retry_after_and_rate_headers(sleeps: list[float]) -> None:
    headers = {"Retry-After": "120", "X-Rate-Limit-Limit": "1000", "X-Rate-Limit-Remaining": "0"}
    body = json.dumps(codat_error(429, "Too many requests")).encode()
    client = mock_client(lambda r: httpx.Response(429, content=body, headers=headers))
    with pytest.raises(RateLimitError) as caught:
        client.connections.list(COMPANY)
    assert caught.value.retry_after == 120
    assert caught.value.rate_limit == RateLimitInfo(limit=1000, remaining=0, reset=None)
    assert str(caught.value).endswith("Codat asked to wait 120 s (more than the 60 s this client waits); not retried")
    assert sleeps == [], "a Retry-After over 60 s is raised at once, not slept"


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b"{}",
        json.dumps({**wire_connection(), "status": 5}).encode(),
        json.dumps({k: v for k, v in wire_connection().items() if k != "id"}).encode(),
        json.dumps({**wire_connection(), "dataConnectionErrors": "oops"}).encode(),
        json.dumps({**wire_connection(), "connectionInfo": [1]}).encode(),
    ],
)
def test_undecodable_success_is_unexpected_response(body: bytes) -> None:
    client = mock_client(lambda r: httpx.Response(200, content=body))
    with pytest.raises(UnexpectedResponseError) as caught:
        client.connections.get(COMPANY, CONNECTION)
    assert caught.value.status_code == 200
    assert caught.value.body == body
    assert isinstance(caught.value, CodatError)


@pytest.mark.parametrize(
    "payload",
    [
        {"results": "x", "pageNumber": 1, "pageSize": 1, "totalResults": 1, "_links": {}},
        {"results": [], "pageNumber": 1, "pageSize": 1, "totalResults": "many", "_links": {}},
        {"results": [], "pageNumber": 1, "pageSize": 1, "totalResults": 1},
        {"results": [None], "pageNumber": 1, "pageSize": 1, "totalResults": 1, "_links": {}},
    ],
)
def test_undecodable_page_is_unexpected_response(payload: object) -> None:
    client = mock_client(lambda r: httpx.Response(200, json=payload))
    with pytest.raises(UnexpectedResponseError):
        client.connections.list(COMPANY)


def test_server_text_in_a_message_is_one_bounded_line() -> None:
    body = {"error": "x" * 1_000_000 + "\r\nX-Injected: 1", "correlationId": "c\r\nX-Injected: 1"}
    client = mock_client(lambda r: httpx.Response(400, json=body), max_retries=0)
    with pytest.raises(BadRequestError) as caught:
        client.connections.get(COMPANY, CONNECTION)
    message = str(caught.value)
    assert "\n" not in message and "\r" not in message
    assert len(message) < 600
    assert caught.value.error == body["error"], "the attribute keeps Codat's full text"


def test_a_credential_echoed_by_a_proxy_is_redacted_everywhere() -> None:
    import base64
    import pickle

    encoded = base64.b64encode(API_KEY.encode()).decode()

    def handler(request: httpx.Request) -> httpx.Response:
        echo = f"<pre>Authorization: {request.headers['authorization']} key={API_KEY}</pre>"
        return httpx.Response(502, text=echo, headers={"x-echo": request.headers["authorization"]})

    client = mock_client(handler, max_retries=0)
    with pytest.raises(InternalServerError) as caught:
        client.connections.get(COMPANY, CONNECTION)
    error = caught.value
    for text in (str(error), repr(error.args), repr(error.body), repr(error.headers), repr(pickle.dumps(error))):
        assert API_KEY not in text
        assert encoded not in text
    assert b"<redacted>" in error.body


def test_a_401_says_to_check_the_key() -> None:
    client = mock_client(lambda r: httpx.Response(401, json=codat_error(401, "Unauthorized")), max_retries=0)
    with pytest.raises(AuthenticationError) as caught:
        client.connections.get(COMPANY, CONNECTION)
    assert str(caught.value).endswith("check the API key (api_key=, auth_header= or CODAT_API_KEY)")
