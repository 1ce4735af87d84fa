"""The query builder's wire form, and the status and date-time helpers."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from codat_connections_api.models import Connection

from codat_connections import (
    ConnectionStatus,
    created_at,
    field,
    filter_by_status,
    is_linked,
    last_sync_at,
    needs_attention,
    needs_reauthorization,
    parse_datetime,
)
from codat_connections.query import render_query
from tests.conftest import wire_connection


def test_operators_render_unquoted() -> None:
    assert str(field("status") == "Linked") == "status=Linked"
    assert str(field("status") != ConnectionStatus.UNLINKED) == "status!=Unlinked"
    assert str(field("platformName").contains("Quick")) == "platformName~Quick"
    assert str(field("created") > date(2024, 1, 1)) == "created>2024-01-01"
    assert str(field("created") >= datetime(2024, 1, 1, 12, tzinfo=UTC)) == "created>=2024-01-01T12:00:00+00:00"
    assert str(field("n") < 5) == "n<5"
    assert str(field("n") <= 2.5) == "n<=2.5"
    assert str(field("flag") == True) == "flag=true"  # noqa: E712 - builds a query, not a comparison


def test_combinations_group_with_braces_only_when_mixed() -> None:
    linked, banking, xero = (
        field("status") == "Linked",
        field("sourceType") == "Banking",
        field("integrationKey") == "gbol",
    )
    assert str(linked & banking & xero) == "status=Linked&&sourceType=Banking&&integrationKey=gbol"
    assert str(linked | banking) == "status=Linked||sourceType=Banking"
    assert str(linked & (banking | xero)) == "status=Linked&&{sourceType=Banking||integrationKey=gbol}"
    assert str((linked & banking) | xero) == "{status=Linked&&sourceType=Banking}||integrationKey=gbol"
    assert render_query(linked) == "status=Linked"
    assert render_query("status=Linked") == "status=Linked"


def test_combining_with_non_query_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        (field("a") == "b") & "c=d"  # type: ignore[operator]


def connection(**overrides: Any) -> Connection:
    return Connection.from_dict(wire_connection(**overrides))


def test_status_helpers() -> None:
    linked, deauth, pending, odd = (connection(status=s) for s in ("Linked", "Deauthorized", "PendingAuth", "Paused"))
    assert is_linked(linked)
    assert not is_linked(deauth)
    assert needs_reauthorization(deauth)
    assert not needs_reauthorization(pending)
    assert filter_by_status([linked, deauth, pending, odd], ConnectionStatus.LINKED, "Paused") == [linked, odd]
    assert odd.status == "Paused"
    with pytest.raises(ValueError, match="at least one status"):
        filter_by_status([linked])


def active(status: str = "Active") -> dict[str, Any]:
    return {"statusCode": "403", "statusText": "Linking failed", "errorMessage": "cancelled", "status": status}


@pytest.mark.parametrize(
    ("status", "errors", "flagged"),
    [
        ("Deauthorized", [], True),
        ("Deauthorized", [active()], True),
        ("PendingAuth", [active()], True),  # a failed link attempt (connection.failed)
        ("Linked", [active()], True),  # its syncs fail
        ("Paused", [active()], True),  # a status this library does not know yet, with an active error
        ("Unlinked", [active()], False),  # let go on purpose
        ("Unlinked", [], False),
        ("Linked", [active("Resolved")], False),
        ("PendingAuth", [], False),
        ("Linked", [], False),
    ],
)
def test_the_one_needs_attention_rule(status: str, errors: list[dict[str, Any]], flagged: bool) -> None:
    """interfaces §1: Deauthorized, or an active data connection error unless Unlinked."""
    record = wire_connection(status=status)
    if errors:
        record["dataConnectionErrors"] = errors
    assert needs_attention(Connection.from_dict(record)) is flagged


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-11-15T06:00:00Z", datetime(2021, 11, 15, 6, tzinfo=UTC)),
        ("2021-11-15T01:00:00-05:00", datetime(2021, 11, 15, 1, tzinfo=timezone(timedelta(hours=-5)))),
        ("2021-11-15T01:00:00", datetime(2021, 11, 15, 1, tzinfo=UTC)),  # naive: Codat's own stamps are UTC
        ("2022-10-23", datetime(2022, 10, 23, tzinfo=UTC)),  # a date alone: midnight UTC
        ("2022-10-27T10:22:43.6464237Z", datetime(2022, 10, 27, 10, 22, 43, 646423, tzinfo=UTC)),
    ],
)
def test_codat_datetime_forms(text: str, expected: datetime) -> None:
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset(), "always aware; an offset is kept"


@pytest.mark.parametrize("bad", ["", "yesterday", "2022-13-45"])
def test_bad_datetime(bad: str) -> None:
    with pytest.raises(ValueError, match="not a Codat date-time"):
        parse_datetime(bad)


def test_created_and_last_sync_helpers() -> None:
    conn = connection(created="2022-10-27T09:53:29Z", lastSync=None)
    assert created_at(conn) == datetime(2022, 10, 27, 9, 53, 29, tzinfo=UTC)
    assert last_sync_at(conn) is None
    assert last_sync_at(connection(lastSync="2023-01-01")) == datetime(2023, 1, 1, tzinfo=UTC)


def test_booleans_render_as_codat_expects() -> None:
    assert str(field("isActive") == True) == "isActive=true"  # noqa: E712 - the builder's operator
    assert str(field("isActive") == False) == "isActive=false"  # noqa: E712


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: field("a") == b"bytes", TypeError, "unsupported query value type: bytes"),
        (lambda: (field("a") == 1) & "b=2", TypeError, "can only combine Query objects, got str"),  # type: ignore[operator]
        (lambda: render_query(42), TypeError, "query must be a str or a Query, got int"),  # type: ignore[arg-type]
        (lambda: render_query(" "), ValueError, "query must not be empty or whitespace; pass None for no filter"),
    ],
)
def test_query_mistakes_say_what_came(build: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match="^" + re.escape(message) + "$"):
        build()


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: field("uid") == "a = b", "query value 'a = b' has a space next to '='"),
        (lambda: field("uid") == "x ~ y", "query value 'x ~ y' has a space next to '~'"),
        (lambda: field("uid") == "x ~y", "query value 'x ~y' has a space next to '~'"),
        (lambda: field("uid") == "a!= b", "query value 'a!= b' has a space next to '!='"),
        (lambda: field("n") == "1 <2", "query value '1 <2' has a space next to '<'"),
        (lambda: field("uid") == "x&", "query value 'x&' ends with '&'"),
        (lambda: field("uid") != "x|", "query value 'x|' ends with '|'"),
        (lambda: field("n") > "=5", "query value '=5' starts with '=', which would read as the operator '>='"),
        (lambda: field("n") < "=5", "query value '=5' starts with '=', which would read as the operator '<='"),
    ],
)
def test_a_value_a_server_would_read_otherwise_is_refused(build: Any, message: str) -> None:
    """Codat's tags filter reads ``a = b`` as ``a=b``; ``x&`` runs into the ``&&`` after it (``x&&&b=y``)."""
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        build()


@pytest.mark.parametrize(
    "value", ["Smith & Jones", "a|b", "A&B", "Who? Me!", "50% off", "x=y", "a~b", "=5", "&x", "|x", "a!b c"]
)
def test_a_value_that_keeps_the_structure_is_written_as_it_is(value: str) -> None:
    assert str(field("uid") == value) == f"uid={value}"
