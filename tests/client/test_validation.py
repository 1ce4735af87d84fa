"""Bad input is refused with a ValueError that says what is wrong, before any request is sent."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from codat_connections import CodatConnections, InternalServerError, NotFoundError, field
from codat_connections._constants import MAX_QUERY_LENGTH
from tests.conftest import API_KEY, COMPANY

GOOD = COMPANY
BAD_IDS = ["", "   ", ".", "..", "a/b", "a?b", "a#b", "a\\b", " padded", "tab\tin", "nul\x00", "x" * 257, "y" * 70_000]


@pytest.fixture
def sent() -> list[httpx.Request]:
    return []


@pytest.fixture
def codat(sent: list[httpx.Request]) -> CodatConnections:
    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    http = httpx.Client(transport=httpx.MockTransport(handler))
    return CodatConnections(api_key=API_KEY, max_retries=0, http_client=http)


def calls(codat: CodatConnections, company: str, connection: str) -> list[Callable[[], Any]]:
    c = codat.connections
    return [
        lambda: c.list(company),
        lambda: c.iterate(company),
        lambda: c.list_all(company),
        lambda: c.get(company, connection),
        lambda: c.create(company, "gbol"),
        lambda: c.delete(company, connection),
        lambda: c.unlink(company, connection),
        lambda: c.get_authorization_url(company, connection),
        lambda: c.update_authorization(company, connection, {"a": "b"}),
    ]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_bad_company_id(codat: CodatConnections, sent: list[httpx.Request], bad: str) -> None:
    for call in calls(codat, bad, GOOD):
        with pytest.raises(ValueError, match="company_id"):
            call()
    assert sent == []


@pytest.mark.parametrize("bad", BAD_IDS)
def test_bad_connection_id(codat: CodatConnections, sent: list[httpx.Request], bad: str) -> None:
    for index, call in enumerate(calls(codat, GOOD, bad)):
        if index in (0, 1, 2, 4):  # list, iterate, list_all and create take no connection id
            continue
        with pytest.raises(ValueError, match="connection_id"):
            call()
    assert sent == []


def test_non_string_id_is_a_type_error(codat: CodatConnections) -> None:
    with pytest.raises(TypeError, match="company_id must be a str"):
        codat.connections.get(123, GOOD)  # type: ignore[arg-type]


@pytest.mark.parametrize("key", ["", "GBOL", "gbo", "gbolx", "gb1l", " gbo", "ǵbol"])
def test_bad_platform_key(codat: CodatConnections, sent: list[httpx.Request], key: str) -> None:
    with pytest.raises(ValueError, match="platform_key must be four lowercase letters"):
        codat.connections.create(GOOD, key)
    assert sent == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"page": 0}, "page must be an integer from 1 to 2147483647 .pages count from 1., got 0"),
        ({"page": -1}, "page must be"),
        ({"page": 2**31}, "page must be an integer from 1 to 2147483647"),
        ({"page_size": 0}, "page_size must be an integer from 1 to 5000"),
        ({"page_size": 5001}, "page_size must be"),
        ({"query": "x" * MAX_QUERY_LENGTH}, "Codat accepts fewer than 2048"),
        ({"query": "  "}, "query must not be empty"),
        ({"order_by": " "}, "order_by must be"),
    ],
)
def test_bad_list_arguments(
    codat: CodatConnections, sent: list[httpx.Request], kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        codat.connections.list(GOOD, **kwargs)
    iterate_kwargs = {k: v for k, v in kwargs.items() if k != "page"}
    if iterate_kwargs:
        with pytest.raises(ValueError, match=message):
            codat.connections.iterate(GOOD, **iterate_kwargs)
    assert sent == []


def test_page_size_limits_are_inclusive(codat: CodatConnections, sent: list[httpx.Request]) -> None:
    for size in (1, 5000):
        with pytest.raises(InternalServerError):  # sent: the mock answers 500
            codat.connections.list(GOOD, page_size=size)
    assert [r.url.params["pageSize"] for r in sent] == ["1", "5000"]


def test_query_builder_value_checks() -> None:
    with pytest.raises(ValueError, match="reserves"):
        _ = field("platformName") == "A&&B"
    with pytest.raises(ValueError, match="surrounding spaces"):
        _ = field("platformName") == " Xero"
    with pytest.raises(ValueError, match="field name"):
        field("bad name")


@pytest.mark.parametrize("authorization", [{}, {"a": 1}, "token"])
def test_bad_authorization(codat: CodatConnections, sent: list[httpx.Request], authorization: Any) -> None:
    with pytest.raises(ValueError, match="authorization"):
        codat.connections.update_authorization(GOOD, GOOD, authorization)
    assert sent == []


def test_ids_are_single_percent_encoded_path_segments(sent: list[httpx.Request]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(404)

    codat = CodatConnections(
        api_key=API_KEY, max_retries=0, http_client=httpx.Client(transport=httpx.MockTransport(handler))
    )
    with pytest.raises(NotFoundError):
        codat.connections.get("a b%2F", "ü&x=1")
    assert sent[0].url.raw_path == b"/companies/a%20b%252F/connections/%C3%BC%26x%3D1"


def test_longest_accepted_id_is_sent(codat: CodatConnections, sent: list[httpx.Request]) -> None:
    with pytest.raises(InternalServerError):
        codat.connections.get("c" * 256, "d" * 256)
    assert len(sent) == 1


@pytest.mark.parametrize("order_by", ["x" * 70_000, "created\r\n", "-created\x00"])
def test_order_by_that_would_break_the_url_is_refused(
    codat: CodatConnections, sent: list[httpx.Request], order_by: str
) -> None:
    with pytest.raises(ValueError, match="order_by must be a field name"):
        codat.connections.list(GOOD, order_by=order_by)
    assert sent == []


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("", "idempotency_key must be non-empty"),
        (" k", "without leading or trailing whitespace"),
        ("k\n", "without leading or trailing whitespace"),
        ("a\r\nX-Injected: 1", r"control character \(CR\) at position 1"),
        ("nul\x00", r"control character \(NUL\) at position 3"),
        ("caf\u00e9", r"non-ASCII character \(U\+00E9\) at position 3"),
        ("k" * 256, "256 characters; at most 255"),
    ],
)
def test_bad_idempotency_key_is_refused_before_sending(
    codat: CodatConnections, sent: list[httpx.Request], key: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        codat.connections.create(GOOD, "gbol", idempotency_key=key)
    with pytest.raises(ValueError, match=message):
        codat.connections.unlink(GOOD, GOOD, idempotency_key=key)
    assert sent == []


def test_idempotency_key_limits_are_inclusive(codat: CodatConnections, sent: list[httpx.Request]) -> None:
    for key in ("k", "k" * 255, "order 42 / attempt"):
        with pytest.raises(InternalServerError):
            codat.connections.create(GOOD, "gbol", idempotency_key=key)
    assert [r.headers["idempotency-key"] for r in sent] == ["k", "k" * 255, "order 42 / attempt"]


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("del\x7fkey", r"a control character \(U\+007F\) at position 3"),
        ("esc\x1bkey", r"a control character \(U\+001B\) at position 3"),
        ("tab\tkey", r"a control character \(TAB\) at position 3"),
        ("caf\u00e9", r"a non-ASCII character \(U\+00E9\) at position 3"),
    ],
)
def test_each_kind_of_bad_character_is_named(codat: CodatConnections, key: str, message: str) -> None:
    pattern = r"^idempotency_key contains " + message + r"; it must be printable ASCII \(check for a character pasted"
    with pytest.raises(ValueError, match=pattern + r" from a web page or a line break\)$"):
        codat.connections.create(GOOD, "gbol", idempotency_key=key)


def test_every_printable_ascii_character_is_accepted_in_a_key(
    codat: CodatConnections, sent: list[httpx.Request]
) -> None:
    printable = "".join(chr(code) for code in range(0x21, 0x7F))  # "!" to "~"
    with pytest.raises(InternalServerError):
        codat.connections.create(GOOD, "gbol", idempotency_key=printable[:200])
    with pytest.raises(InternalServerError):
        codat.connections.create(GOOD, "gbol", idempotency_key="x" + printable[200:] + " ~")
    assert [r.headers["idempotency-key"] for r in sent] == [printable[:200], "x" + printable[200:] + " ~"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.connections.get(7, GOOD), "company_id must be a str, got int"),
        (lambda c: c.connections.create(GOOD, "gbol", idempotency_key=7), "idempotency_key must be a str, got int"),
        (lambda c: c.connections.list(GOOD, page_size=True), "page_size must be an integer from 1 to 5000, got bool"),
        (lambda c: c.connections.list(GOOD, page="1"), "page must be an integer from 1 to 2147483647 (pages count"),
        (lambda c: c.request(5, "/x"), "method must be a str, one of DELETE, GET, PATCH, POST, PUT, got int"),
        (lambda c: c.connections.list_many([GOOD], concurrency=True), "concurrency must be an integer from 1 to 100"),
        (lambda c: c.connections.list(GOOD, order_by=" created"), "order_by must be a field name"),
        (lambda c: c.connections.list(GOOD, order_by="created "), "order_by must be a field name"),
        (lambda c: c.connections.list(GOOD, order_by=5), "order_by must be a field name such as 'created'"),
        (
            lambda c: c.connections.list(GOOD, order_by="created\x00"),
            "order_by must be a field name such as 'created' or '-created' (at most 256 characters, no control "
            "characters)",
        ),
        (lambda c: c.connections.create(GOOD, "gbol", idempotency_key=" k"), "idempotency_key must be non-empty, w"),
        (
            lambda c: c.connections.update_authorization(GOOD, GOOD, {"k": 1}),
            "authorization keys and values must be str, got 'k': int",
        ),
        (lambda c: c.connections.update_authorization(GOOD, GOOD, {}), "authorization must be a non-empty mapping"),
    ],
)
def test_messages_say_what_came(codat: CodatConnections, sent: list[httpx.Request], call: Any, message: str) -> None:
    with pytest.raises((TypeError, ValueError), match="^" + re.escape(message)):
        call(codat)
    assert sent == []


def test_an_order_by_of_exactly_the_limit_is_sent(codat: CodatConnections, sent: list[httpx.Request]) -> None:
    with pytest.raises(InternalServerError):
        codat.connections.list(GOOD, order_by="c" * 256)
    assert len(sent) == 1
