"""Any id text is refused before sending, or sent as exactly one request with the id as one encoded segment."""

from __future__ import annotations

from urllib.parse import quote

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from codat_connections import CodatConnections, CodatError
from tests.conftest import API_KEY, wire_connection
from tests.profiles import examples

ids = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", ".", "..", "../x", "a/../b", "?q=1", "#frag", "%2F", "%2e%2e", " ", "\x00", "a b", "é/ü"]),
    st.uuids().map(str),
)


@settings(max_examples=examples(500), deadline=None)
@given(company_id=ids, connection_id=ids)
def test_ids_are_refused_or_sent_as_single_segments(company_id: str, connection_id: str) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=wire_connection())

    client = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    try:
        client.connections.get(company_id, connection_id)
    except (ValueError, TypeError) as exc:
        assert sent == []
        assert "company_id" in str(exc) or "connection_id" in str(exc)
        return
    except CodatError as exc:  # pragma: no cover - the handler always answers 200
        raise AssertionError(exc) from exc
    assert len(sent) == 1
    request = sent[0]
    expected = f"/companies/{quote(company_id, safe='')}/connections/{quote(connection_id, safe='')}"
    assert request.url.raw_path.decode("ascii") == expected
    assert request.url.query == b""
    assert request.url.host == "api.codat.io"
