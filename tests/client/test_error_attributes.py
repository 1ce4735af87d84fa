"""Every attribute an error promises holds what the request and the response said."""

from __future__ import annotations

import httpx
import pytest

from codat_connections import (
    APIConnectionError,
    BadRequestError,
    CodatError,
    UnexpectedResponseError,
)
from tests.conftest import COMPANY, CONNECTION, mock_client

LIST_URL = f"https://api.codat.io/companies/{COMPANY}/connections?page=1&pageSize=100&query=status%3DLinked"


def test_a_status_error_carries_the_request_and_codats_whole_body() -> None:
    body = {
        "statusCode": 400,
        "service": "PublicApi",
        "error": "Error parsing query",
        "correlationId": "corr-body",
        "canBeRetried": "No",
        "detailedErrorCode": 12,
        "validation": {"errors": [{"itemId": "query", "message": "bad"}], "warnings": []},
    }
    client = mock_client(lambda r: httpx.Response(400, json=body, headers={"X-Correlation-Id": "corr-header"}))
    with pytest.raises(BadRequestError) as caught:
        client.connections.list(COMPANY, query="status=Linked")
    error = caught.value
    assert (error.method, error.path) == ("GET", f"/companies/{COMPANY}/connections")
    assert error.url == LIST_URL
    assert error.status_code == 400
    assert error.headers is not None and error.headers["x-correlation-id"] == "corr-header"
    assert error.body is not None and b"Error parsing query" in error.body
    assert (error.error, error.service, error.can_be_retried) == ("Error parsing query", "PublicApi", "No")
    assert error.detailed_error_code == 12
    assert error.validation == body["validation"]
    assert error.correlation_id == "corr-body", "the body's id wins over the header's"
    assert str(error) == (
        f"400 Bad Request from GET /companies/{COMPANY}/connections: Error parsing query (correlation id corr-body)"
    )


def test_odd_body_fields_are_left_out_not_trusted() -> None:
    body = {"error": "", "detailedErrorCode": True, "validation": ["not", "an", "object"], "service": 7}
    client = mock_client(lambda r: httpx.Response(400, json=body, headers={"X-Correlation-Id": "corr-header"}))
    with pytest.raises(BadRequestError) as caught:
        client.connections.get(COMPANY, CONNECTION)
    error = caught.value
    assert (error.error, error.detailed_error_code, error.validation, error.service) == (None, None, None, None)
    assert error.correlation_id == "corr-header", "from the header when the body has none"


def test_a_connection_error_has_the_request_and_no_response(sleeps: list[float]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    with pytest.raises(APIConnectionError) as caught:
        mock_client(handler, max_retries=0).connections.delete(COMPANY, CONNECTION)
    error = caught.value
    assert (error.method, error.path) == ("DELETE", f"/companies/{COMPANY}/connections/{CONNECTION}")
    assert error.url == f"https://api.codat.io/companies/{COMPANY}/connections/{CONNECTION}"
    assert (error.status_code, error.headers, error.body, error.correlation_id) == (None, None, None, None)
    assert str(error).startswith(
        f"connection to api.codat.io failed: refused (DELETE /companies/{COMPANY}/connections/{CONNECTION})"
    )


def test_an_unexpected_response_has_the_request_and_the_response() -> None:
    client = mock_client(lambda r: httpx.Response(200, content=b"[1]", headers={"Correlation-Id": "corr-7"}))
    with pytest.raises(UnexpectedResponseError) as caught:
        client.connections.get(COMPANY, CONNECTION)
    error = caught.value
    assert (error.method, error.path, error.status_code) == (
        "GET",
        f"/companies/{COMPANY}/connections/{CONNECTION}",
        200,
    )
    assert error.url.endswith(f"/companies/{COMPANY}/connections/{CONNECTION}")
    assert error.headers["correlation-id"] == "corr-7"
    assert error.correlation_id == "corr-7"
    assert error.body == b"[1]"


def test_long_server_text_is_cut_with_an_ellipsis_and_control_characters_become_spaces() -> None:
    text = "a\tb\x00c" + "d" * 400
    client = mock_client(lambda r: httpx.Response(400, json={"error": text}))
    with pytest.raises(BadRequestError) as caught:
        client.connections.get(COMPANY, CONNECTION)
    detail = str(caught.value).split(": ", 1)[1]
    assert detail.startswith("a b c" + "d" * 10)
    assert detail == ("a b c" + "d" * 400)[:300] + "..."
    html = "<p>" + "x" * 500 + "</p>"
    client = mock_client(lambda r: httpx.Response(502, text=html))
    with pytest.raises(CodatError) as bad_gateway:
        client.with_options(max_retries=0).connections.get(COMPANY, CONNECTION)
    assert str(bad_gateway.value).split(": ", 1)[1].split(";")[0] == html[:200] + "..."


def test_appending_to_an_empty_message() -> None:
    error = CodatError()
    error._append_to_message("gave up after 3 attempts")
    assert error.args == ("gave up after 3 attempts",)
    error = CodatError("first", "second")
    error._append_to_message("more")
    assert error.args == ("first; more", "second")


def test_text_of_exactly_the_limit_has_no_ellipsis_and_a_long_correlation_id_is_cut() -> None:
    client = mock_client(lambda r: httpx.Response(400, json={"error": "e" * 300, "correlationId": "c" * 150}))
    with pytest.raises(BadRequestError) as caught:
        client.connections.get(COMPANY, CONNECTION)
    assert str(caught.value).endswith(": " + "e" * 300 + " (correlation id " + "c" * 100 + "...)")
