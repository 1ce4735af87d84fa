"""The record formats of the command line: CSV and TSV read back as written, JSON parsed, the table for people."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from codat_connections.cli._output import Column, Value, iso_utc, write_record, write_rows

COLUMNS: list[Column] = [("id", "id"), ("name", "company"), ("as_of", "as of"), ("flag", "flag")]
AWKWARD = [
    'Smith, "Jones" & Co',
    "O'Brien\nLtd",
    "tab\there\\and a backslash",
    "carriage\rreturn",
    "",
    "ünïcode ✓",
]
MOMENT = datetime(2026, 5, 4, 6, 0, 1, tzinfo=UTC)


def rows() -> list[dict[str, Value]]:
    return [
        {"id": f"c{i}", "name": name, "as_of": MOMENT if i % 2 else None, "flag": i == 0}
        for i, name in enumerate(AWKWARD)
    ]


def written(fmt: str, records: list[dict[str, Value]] | None = None) -> str:
    out = io.StringIO(newline="")
    write_rows(rows() if records is None else records, COLUMNS, fmt, out, empty="nothing")
    return out.getvalue()


def test_csv_is_rfc_4180_and_reads_back_exactly() -> None:
    text = written("csv")
    assert text.startswith("id,name,as_of,flag\r\n")
    assert '"Smith, ""Jones"" & Co"' in text
    read = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [row["name"] for row in read] == AWKWARD
    assert [row["as_of"] for row in read] == ["", "2026-05-04T06:00:01Z"] * 3
    assert [row["flag"] for row in read] == ["true"] + ["false"] * 5


def test_tsv_is_one_line_a_record_and_unescapes_to_the_values() -> None:
    lines = written("tsv").split("\n")
    assert lines[0] == "id\tname\tas_of\tflag" and lines[-1] == ""
    records = lines[1:-1]
    assert len(records) == len(AWKWARD), "a line break inside a value does not split the record"
    fields = [line.split("\t") for line in records]
    assert all(len(f) == 4 for f in fields), "a tab inside a value does not split the fields"
    unescape = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}

    def decoded(text: str) -> str:
        out, i = [], 0
        while i < len(text):
            pair = text[i : i + 2]
            if pair in unescape:
                out.append(unescape[pair])
                i += 2
            else:
                out.append(text[i])
                i += 1
        return "".join(out)

    assert [decoded(f[1]) for f in fields] == AWKWARD


def test_json_is_one_document_and_jsonl_one_object_a_line() -> None:
    document = json.loads(written("json"))
    lines = [json.loads(line) for line in written("jsonl").splitlines()]
    assert document == lines
    assert [row["name"] for row in document] == AWKWARD
    assert document[0] == {"id": "c0", "name": AWKWARD[0], "as_of": None, "flag": True}
    assert document[1]["as_of"] == "2026-05-04T06:00:01Z"
    assert list(document[0]) == ["id", "name", "as_of", "flag"], "the columns' order"


def test_no_row_is_a_header_an_empty_list_or_nothing_and_the_table_says_so() -> None:
    assert written("csv", []) == "id,name,as_of,flag\r\n"
    assert written("tsv", []) == "id\tname\tas_of\tflag\n"
    assert json.loads(written("json", [])) == []
    assert written("jsonl", []) == ""
    assert written("table", []) == "nothing\n"


def test_the_table_aligns_columns_and_shows_no_control_character() -> None:
    table = written("table").splitlines()
    assert table[0].split() == ["id", "company", "as", "of", "flag"]
    assert len(table) == 1 + len(AWKWARD)
    assert all("\t" not in line and "\r" not in line and "\x1b" not in line for line in table)
    start = table[0].index("company")
    assert all(line[start - 2 : start] == "  " for line in table[1:])
    assert 'Smith, "Jones" & Co' in table[1] and "O'Brien?Ltd" in table[2]


def test_a_record_is_one_object_in_json_and_title_lines_in_a_table() -> None:
    record: dict[str, Value] = {"id": "x", "name": "Acme, Ltd", "as_of": None, "flag": False}
    out = io.StringIO()
    write_record(record, COLUMNS, "json", out)
    assert json.loads(out.getvalue()) == {"id": "x", "name": "Acme, Ltd", "as_of": None, "flag": False}
    out = io.StringIO()
    write_record(record, COLUMNS, "table", out)
    assert out.getvalue().splitlines() == ["id:      x", "company: Acme, Ltd", "flag:    false"]
    out = io.StringIO(newline="")
    write_record(record, COLUMNS, "csv", out)
    assert list(csv.reader(io.StringIO(out.getvalue(), newline=""))) == [
        ["id", "name", "as_of", "flag"],
        ["x", "Acme, Ltd", "", "false"],
    ]


def test_datetimes_are_iso_8601_utc_and_naive_ones_refused() -> None:
    assert iso_utc(datetime(2026, 5, 4, 8, 0, tzinfo=timezone(timedelta(hours=2)))) == "2026-05-04T06:00:00Z"
    assert iso_utc(datetime(2026, 5, 4, 6, 0, 0, 250000, tzinfo=UTC)) == "2026-05-04T06:00:00.250000Z"
    with pytest.raises(ValueError, match="naive"):
        iso_utc(datetime(2026, 5, 4, 6, 0))


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        written("xml")
