"""Query builder output, parsed by the fake's independent parser, selects exactly what the tree means."""

from __future__ import annotations

from functools import reduce
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from codat_connections.query import Query, field
from codat_connections.testing._operations.query import TAG_OPERATORS, parse_query, without_spaces_around_symbols
from tests.profiles import examples

FIELDS = ["status", "platformName", "sourceType", "created", "n"]
OPERATORS = ["=", "!=", "~", ">", "<", ">=", "<="]
values = st.text(alphabet="abcXYZ019-:.", min_size=1, max_size=6).filter(lambda v: v == v.strip())

Tree = tuple[Any, ...]


def leaves() -> st.SearchStrategy[Tree]:
    return st.tuples(st.just("leaf"), st.sampled_from(FIELDS), st.sampled_from(OPERATORS), values)


trees = st.recursive(
    leaves(),
    lambda children: st.tuples(st.sampled_from(["and", "or"]), st.lists(children, min_size=2, max_size=3)),
    max_leaves=8,
)
records = st.lists(
    st.fixed_dictionaries({name: st.one_of(st.none(), values) for name in FIELDS}), min_size=1, max_size=8
)


def build(tree: Tree) -> Query:
    if tree[0] == "leaf":
        _, name, op, value = tree
        f = field(name)
        built: Query = {
            "=": f.__eq__,
            "!=": f.__ne__,
            "~": f.contains,
            ">": f.__gt__,
            "<": f.__lt__,
            ">=": f.__ge__,
            "<=": f.__le__,
        }[op](value)
        return built
    parts = [build(child) for child in tree[1]]
    return reduce(lambda a, b: (a & b) if tree[0] == "and" else (a | b), parts)


def condition(actual: str | None, op: str, value: str) -> bool:
    """Codat's comparison semantics, written here independently of the fake's parser (the oracle)."""
    if op == "=":
        return actual is not None and actual.casefold() == value.casefold()
    if op == "!=":
        return actual is None or actual.casefold() != value.casefold()
    if actual is None:
        return False
    if op == "~":
        return value.casefold() in actual.casefold()
    left: float | str
    right: float | str
    try:
        left, right = float(actual), float(value)
    except ValueError:
        left, right = actual, value
    return {">": left > right, "<": left < right, ">=": left >= right, "<=": left <= right}[op]  # type: ignore[operator]


def meaning(tree: Tree, record: dict[str, Any]) -> bool:
    if tree[0] == "leaf":
        _, name, op, value = tree
        return condition(record.get(name), op, value)
    results = [meaning(child, record) for child in tree[1]]
    return all(results) if tree[0] == "and" else any(results)


@settings(max_examples=examples(400), deadline=None)
@given(tree=trees, rows=records)
def test_rendered_query_means_the_same_filter(tree: Tree, rows: list[dict[str, Any]]) -> None:
    text = str(build(tree))
    predicate = parse_query(text, frozenset(FIELDS))
    assert [predicate(r) for r in rows] == [meaning(tree, r) for r in rows], text


tag_values = st.text(alphabet="ab =~!<>&|{}", min_size=1, max_size=7)


@settings(max_examples=examples(400), deadline=None)
@given(value=tag_values, other=values)
def test_a_value_the_builder_takes_is_found_again_by_a_tags_filter(value: str, other: str) -> None:
    """What ``get_or_create`` relies on: the lookup it sends finds the tags it asked for, as Codat's tags
    filter reads it (spaces around its symbols dropped), and is never malformed. The builder may refuse
    a value up front instead (a ``ValueError`` saying why)."""
    try:
        both = (field("uid") == value) & (field("region") == other)
        either = (field("uid") == value) | (field("region") == other)
    except ValueError:
        return
    for query, record in ((both, {"uid": value, "region": other}), (either, {"uid": value, "region": other + "z"})):
        text = without_spaces_around_symbols(str(query))
        predicate = parse_query(text, None, flat=True, operators=TAG_OPERATORS)
        assert predicate(record), (value, str(query))
