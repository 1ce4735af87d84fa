"""Codat's company-name and tag rules, written once in ``codat_connections._validation`` for the client and the fake."""

from __future__ import annotations

import httpx
import pytest

from codat_connections import CodatConnections, _validation
from codat_connections._constants import MAX_TAG_KEY_LENGTH, MAX_TAG_VALUE_LENGTH, MAX_TAGS
from codat_connections.testing import FakeCodat
from tests.conftest import API_KEY


def test_the_limits_are_codats() -> None:
    assert (MAX_TAGS, MAX_TAG_KEY_LENGTH, MAX_TAG_VALUE_LENGTH) == (10, 27, 100)


@pytest.mark.parametrize(
    "name",
    [
        "A",
        "Acme Ltd",
        "Bank of Dave",
        "O'Brien & Co, Ltd.",
        "Who? Me! @2024 - x",
        "Acme\tLtd",  # the pattern's \s: a tab, every Unicode space and line break
        "Acme\u00a0Ltd",
        "Acme\u2003Ltd",
        "Acme\u3000Ltd",
        "Acme\ufeffLtd",
        "Acme\nLtd",
        "Acme\u2028Ltd",
        "   ",
    ],
)
def test_names_within_codats_pattern_are_sent_unchanged(name: str) -> None:
    assert _validation.company_name(name) == name


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("Company (Codat[1])", "Company Codat1"),  # Codat's own example (the create-company description)
        ("Acme (UK) Ltd", "Acme UK Ltd"),
        ("Smith/Jones LLP", "SmithJones LLP"),
        ("Café Rouge", "Caf Rouge"),
        ("Müller GmbH", "Mller GmbH"),
        ("Acme_Ltd", "AcmeLtd"),
        ("Acme\x1cLtd", "AcmeLtd"),  # Python's \s takes FS-US and NEL; ECMAScript's (JSON Schema's) does not
        ("Acme\x85Ltd", "AcmeLtd"),
    ],
)
def test_codat_removes_the_characters_outside_its_pattern_and_so_does_the_client(name: str, stored: str) -> None:
    assert _validation.company_name(name) == stored


@pytest.mark.parametrize("name", ["", "()", "ü", "[Ö]"])
def test_only_a_name_with_nothing_left_is_refused(name: str) -> None:
    with pytest.raises(ValueError) as raised:
        _validation.company_name(name)
    if name:
        assert f"the company name {name!r} has no character Codat keeps" in str(raised.value)
        assert "letters A-Z and a-z, digits, spaces and - ' , & @ . ? !" in str(raised.value)
    else:
        assert "the company name must have at least one character" in str(raised.value)


def test_a_name_that_is_not_a_string_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="the company name must be a str, got int"):
        _validation.company_name(42)


def test_tags_within_the_limits_pass() -> None:
    tags = {f"k{i}": "v" * MAX_TAG_VALUE_LENGTH for i in range(MAX_TAGS - 1)} | {"k" * MAX_TAG_KEY_LENGTH: ""}
    assert _validation.tags(tags) == tags


@pytest.mark.parametrize(
    ("tags", "error", "message"),
    [
        ({f"k{i}": "v" for i in range(11)}, ValueError, "a company has at most 10 tags, got 11"),
        ({"k" * 28: "v"}, ValueError, "is 28 characters; a key has 1 to 27"),
        ({"": "v"}, ValueError, "is 0 characters; a key has 1 to 27"),
        ({"uid": "v" * 101}, ValueError, "the value of tag 'uid' is 101 characters; a value has at most 100"),
        ({"uid": 1}, TypeError, "tag keys and values must be str, got 'uid': int"),
        ({1: "v"}, TypeError, "tag keys and values must be str"),
        ([("uid", "v")], TypeError, "tags must be a mapping of str to str, got list"),
    ],
)
def test_tags_outside_the_limits_say_what_to_fix(tags: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as raised:
        _validation.tags(tags)
    assert message in str(raised.value)


def test_the_fakes_own_set_up_keeps_the_same_rules() -> None:
    fake = FakeCodat(api_key=API_KEY)
    with pytest.raises(ValueError, match="has no character Codat keeps"):
        fake.add_company("(ü)")
    stored = fake.add_company("Company (Codat[1])")
    with CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=fake.transport())) as codat:
        assert codat.companies.get(stored).name == "Company Codat1", "stored as Codat stores it"
    with pytest.raises(ValueError, match="at most 10 tags"):
        fake.add_company("Acme", tags={f"k{i}": "v" for i in range(11)})
    company = fake.add_company("Acme", company_id="c-1")
    with pytest.raises(ValueError, match="already exists"):
        fake.add_company("Acme", company_id=company)


@pytest.mark.parametrize("key", ["a\x0bb", "a\x0cb", "a\x1cb", "a\x1db", "a\x1eb", "a\x85b", "a\tb", "a\x1fb"])
def test_a_tag_key_may_hold_what_json_schemas_dot_matches(key: str) -> None:
    """Codat's ``^.{1,27}$`` is ECMAScript's: ``.`` refuses only LF, CR, U+2028 and U+2029."""
    assert _validation.tags({key: "v"}) == {key: "v"}


@pytest.mark.parametrize("key", ["a\nb", "a\rb", "a\u2028b", "a\u2029b", "\n"])
def test_a_tag_key_with_a_line_break_is_refused(key: str) -> None:
    with pytest.raises(ValueError, match="has a line break"):
        _validation.tags({key: "v"})
