"""openapi/runtime.py, the generated package's runtime module: the date-time rule and the tolerant enum.

Tested through its copy in ``codat_connections_api.runtime`` (test_generated_models checks that the copy
is the file byte for byte), the way the models and the facade use it.
"""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from codat_connections_api.runtime import TolerantStrEnum, parse_datetime
from hypothesis import given
from hypothesis import strategies as st

from codat_connections import status
from codat_connections._headers import RateLimitInfo
from codat_connections.webhooks import parse_event

moments = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1))
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))


@given(moment=moments, offset=offsets)
def test_an_aware_value_keeps_its_offset(moment: datetime, offset: timezone) -> None:
    aware = moment.replace(tzinfo=offset)
    parsed = parse_datetime(aware.isoformat())
    assert parsed == aware
    assert parsed.utcoffset() == aware.utcoffset()


@given(moment=moments)
def test_a_naive_value_is_utc(moment: datetime) -> None:
    parsed = parse_datetime(moment.isoformat())
    assert parsed == moment.replace(tzinfo=UTC)
    assert parsed.tzinfo is UTC
    assert parse_datetime(moment.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")) == parsed


@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)))
def test_a_date_alone_is_midnight_utc(day: date) -> None:
    assert parse_datetime(day.isoformat()) == datetime(day.year, day.month, day.day, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-11-15T06:00:00Z", datetime(2021, 11, 15, 6, tzinfo=UTC)),
        ("2021-11-15T01:00:00-05:00", datetime(2021, 11, 15, 1, tzinfo=timezone(timedelta(hours=-5)))),
        ("2021-11-15T01:00:00", datetime(2021, 11, 15, 1, tzinfo=UTC)),
        ("2022-10-23", datetime(2022, 10, 23, tzinfo=UTC)),
        ("2022-10-27T10:22:43.6464237Z", datetime(2022, 10, 27, 10, 22, 43, 646423, tzinfo=UTC)),  # .NET's 7 digits
    ],
)
def test_the_forms_codat_documents(text: str, expected: datetime) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize("text", ["", "yesterday", "2022-13-45", "2024-09-01T23:59:99Z", " 2022-10-23", "1666"])
def test_anything_else_is_a_value_error_naming_the_value(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_datetime(text)
    assert str(caught.value) == f"not a Codat date-time: {text!r}"


def test_a_long_value_is_named_cut_short_and_a_non_string_is_a_type_error() -> None:
    with pytest.raises(ValueError, match=r"^not a Codat date-time: 'x{60}\.\.\.'$"):
        parse_datetime("x" * 500)
    with pytest.raises(TypeError, match="^a Codat date-time is a string, got int$"):
        parse_datetime(1666)  # type: ignore[arg-type]


@given(moment=moments)
def test_every_reader_of_a_codat_date_time_uses_the_one_rule(moment: datetime) -> None:
    text = moment.isoformat()
    expected = moment.replace(tzinfo=UTC)
    assert status.parse_datetime(text) == expected
    reset = RateLimitInfo.from_headers({"x-rate-limit-reset": text}).reset
    assert reset == expected
    body = f'{{"eventType": "something.new", "id": "e", "generatedDate": "{text}"}}'
    assert parse_event(body).generated_date == expected


class Colour(TolerantStrEnum):
    RED = "red"


def test_a_tolerant_enum_keeps_an_unlisted_value_readable() -> None:
    purple = Colour("purple")
    assert isinstance(purple, Colour) and purple == "purple" and str(purple) == "purple"
    assert (purple.value, purple.name) == ("purple", "purple")
    assert purple != Colour.RED and Colour("red") is Colour.RED
    assert pickle.loads(pickle.dumps(purple)) == "purple"  # noqa: S301
    assert f"{Colour.RED}" == "red"
    with pytest.raises(ValueError, match="3 is not a valid Colour"):
        Colour(3)
