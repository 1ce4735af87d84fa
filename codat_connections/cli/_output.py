"""The records a command prints, in the format asked for: a table for people, CSV, TSV, JSON or JSONL for programs.

The machine formats are stable: columns keep their names and order, and new ones are added at the end.
Each value is a string, an int, a bool or None (absent); a ``datetime`` is written in ISO 8601 UTC
(``2026-05-04T06:00:00Z``). CSV follows RFC 4180 (a header row, CRLF line ends, a field with a comma,
quote or line break quoted, quotes doubled); TSV has a header row and writes a tab, a line break or a
backslash inside a value as ``\\t``, ``\\n``, ``\\r`` or ``\\\\`` (PostgreSQL's text format), so that a
shell's ``read`` takes one record per line, and an absent value as ``\\N`` (that format's null), so that no
field is empty (a shell's ``read`` splitting on tabs would merge an empty field into the next). JSON is one
document (a list of objects, or one object for a command that reports one record); JSONL one object per
line. An absent value is empty in CSV and ``null`` in JSON. The table is for a terminal only: control
characters in values are shown as ``?``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import NamedTuple, TextIO

__all__ = ["ATTENTION_COLUMNS", "FORMATS", "Column", "Streams", "Value", "iso_utc", "write_record", "write_rows"]

FORMATS = ("table", "csv", "tsv", "json", "jsonl")
Value = str | int | bool | datetime | None
Column = tuple[str, str]
"""A record's key (the CSV, TSV and JSON name) and its title in a table."""

ATTENTION_COLUMNS: list[Column] = [
    ("company_id", "company id"),
    ("company_name", "company"),
    ("connection_id", "connection id"),
    ("platform_key", "platform"),
    ("platform_name", "platform name"),
    ("status", "status"),
    ("link_url", "link URL"),
    ("as_of", "as of"),
]
"""The columns of ``attention``, live or from the ledger: the same rows either way."""


class Streams(NamedTuple):
    """Where a command writes: records to ``out``, progress to ``err``."""

    out: TextIO
    err: TextIO


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC, to the second unless the value has a fraction, with a ``Z``."""
    if moment.tzinfo is None:
        raise ValueError(f"a naive datetime has no place in the output: {moment!r}")
    text = moment.astimezone(UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"


def _json_value(value: Value) -> str | int | bool | None:
    return iso_utc(value) if isinstance(value, datetime) else value


def _text(value: Value) -> str:
    """The value as CSV and TSV write it: empty when absent, ``true``/``false`` as JSON spells them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return iso_utc(value)
    return str(value)


def _tsv(value: Value) -> str:
    """The value as TSV writes it: escaped, and ``\\N`` when absent, so that no field is empty."""
    return "\\N" if value is None else _text(value).translate(_TSV_ESCAPES)


def _shown(value: Value) -> str:
    """The value as a table shows it: one line of printable characters."""
    return "".join(char if char.isprintable() else "?" for char in _text(value))


def write_rows(
    rows: Iterable[Mapping[str, Value]], columns: Sequence[Column], fmt: str, out: TextIO, *, empty: str
) -> int:
    """Write each row as ``fmt`` asks, as it comes (a table waits for the last, to size its columns); the count.

    ``empty`` is what a table says when there is no row (a machine format then has no record: a CSV or TSV
    header alone, ``[]``, or nothing).
    """
    keys = [key for key, _ in columns]
    count = 0
    if fmt == "table":
        table = [[_shown(row.get(key)) for key in keys] for row in rows]
        if not table:
            print(empty, file=out)
            return 0
        titles = [title for _, title in columns]
        widths = [max(len(cell) for cell in column) for column in zip(titles, *table, strict=True)]
        for line in (titles, *table):
            print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip(), file=out)
        return len(table)
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(keys)
        for row in rows:
            writer.writerow([_text(row.get(key)) for key in keys])
            count += 1
    elif fmt == "tsv":
        out.write("\t".join(keys) + "\n")
        for row in rows:
            out.write("\t".join(_tsv(row.get(key)) for key in keys) + "\n")
            count += 1
    elif fmt == "json":
        out.write("[")
        for row in rows:
            out.write(("," if count else "") + "\n  " + _json_object(row, keys))
            count += 1
        out.write("\n]\n" if count else "]\n")
    elif fmt == "jsonl":
        for row in rows:
            out.write(_json_object(row, keys) + "\n")
            count += 1
    else:
        raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    return count


def write_record(record: Mapping[str, Value], columns: Sequence[Column], fmt: str, out: TextIO) -> None:
    """One record (a command's report): a table shows it as ``title: value`` lines (its values that are set),
    JSON as one object."""
    keys = [key for key, _ in columns]
    if fmt == "table":
        shown = [(title, _shown(record.get(key))) for key, title in columns if record.get(key) is not None]
        width = max((len(title) for title, _ in shown), default=0)
        for title, value in shown:
            print(f"{title + ':':<{width + 1}} {value}".rstrip(), file=out)
    elif fmt == "json":
        out.write(_json_object(record, keys, indent=2) + "\n")
    else:
        write_rows([record], columns, fmt, out, empty="")


def _json_object(row: Mapping[str, Value], keys: Sequence[str], indent: int | None = None) -> str:
    return json.dumps({key: _json_value(row.get(key)) for key in keys}, ensure_ascii=False, indent=indent)
