"""The command line: each command, its options, its help with an example, and one-line usage errors.

argparse, as ``codat-fake`` has it: the standard library is enough for five commands, and a CLI
library would be a runtime dependency of every user of the client. A usage error is one line and exit
status 2 (argparse's own prints the whole usage block first).
"""

from __future__ import annotations

import argparse
import math
import textwrap
from collections.abc import Callable, Sequence
from typing import NoReturn

from codat_connections import _validation
from codat_connections.cli._output import FORMATS

__all__ = ["PROG", "UsageError", "build_parser", "tag_pairs"]

PROG = "codat-connections"


class UsageError(Exception):
    """Raised instead of exiting, so that ``main`` prints one line and returns status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: error: {message} (see {self.prog} --help)")


def _positive(kind: type[int] | type[float], what: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not (math.isfinite(value) and value > 0):
            raise argparse.ArgumentTypeError(f"expected {what} greater than 0, got {text!r}")
        return value

    return parse


def _tag(text: str) -> tuple[str, str]:
    key, equals, value = text.partition("=")
    if not equals or not key:
        raise argparse.ArgumentTypeError(f"expected a tag as KEY=VALUE, such as uid=cust-42, got {text!r}")
    return key, value


def _identifier(what: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        try:
            return _validation.identifier(text, what)
        except (TypeError, ValueError) as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def tag_pairs(pairs: Sequence[tuple[str, str]], option: str) -> dict[str, str]:
    """The ``KEY=VALUE`` pairs as a dict; a ``UsageError`` for a key given twice with two values."""
    tags: dict[str, str] = {}
    for key, value in pairs:
        if tags.get(key, value) != value:
            raise UsageError(f"{PROG}: error: {option} {key} is given twice, as {tags[key]!r} and {value!r}")
        tags[key] = value
    return tags


def _client_options() -> _Parser:
    shared = _Parser(add_help=False)
    group = shared.add_argument_group("Codat")
    group.add_argument(
        "--api-key",
        metavar="KEY",
        help="your Codat API key (default: the CODAT_API_KEY environment variable, which is better: a flag "
        "shows in the process list)",
    )
    group.add_argument(
        "--base-url",
        metavar="URL",
        help="Codat's API, or a codat-fake's base URL (default: CODAT_BASE_URL, else https://api.codat.io)",
    )
    group.add_argument(
        "--max-requests-per-minute",
        type=_positive(float, "a number of requests"),
        metavar="N",
        help="pace every request to at most N a minute, to share Codat's limit with other jobs",
    )
    group.add_argument(
        "--timeout",
        type=_positive(float, "a number of seconds"),
        metavar="SECONDS",
        help="give up on a request after this long (default: 60 s, connecting 10 s)",
    )
    return shared


def _format_option() -> _Parser:
    shared = _Parser(add_help=False)
    shared.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="table for a terminal; csv (RFC 4180), tsv (for a shell's read), json (one document) or jsonl "
        "(one object a line) for programs; datetimes in ISO 8601 UTC (default: table)",
    )
    return shared


def _ledger_option(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument(
        "--ledger",
        required=required,
        metavar="URL",
        help="the connection ledger: sqlite:///path/to/fleet.db or postgresql://user@host:5432/db (a password "
        "is better in PGPASSWORD or ~/.pgpass than in the URL)",
    )


def _tags_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tags",
        type=_tag,
        nargs="+",
        action="extend",
        default=[],
        metavar="KEY=VALUE",
        help="only the companies carrying every one of these tags (Codat's tags filter)",
    )


def _command(
    commands: argparse._SubParsersAction[_Parser], name: str, summary: str, example: str, parents: list[_Parser]
) -> _Parser:
    return commands.add_parser(
        name,
        help=summary,
        description=textwrap.fill(summary, 79),
        epilog="example:\n  " + example.replace("\n", "\n  "),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=parents,
    )


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    """The whole command line; each command sets ``command`` (its name) in the namespace."""
    parser = _Parser(
        prog=prog,
        description="Keep every customer's Codat connections Linked, from a shell: who needs to re-link, the "
        "morning job, attention episodes handed out once, onboarding by hand.",
        epilog="Each command has its own --help, with an example. Exit status: 0 done, 1 an API or database "
        "error (or, with attention --exit-code, something flagged), 2 a usage error.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    client, fmt = _client_options(), _format_option()

    attention = _command(
        commands,
        "attention",
        "The connections that need the end user now (Deauthorized, or an active error), with the link URL "
        "to send them to: live from Codat, or from the ledger with no API call.",
        "codat-connections attention --tags segment=lending --format csv > relink.csv",
        [fmt, client],
    )
    _tags_option(attention)
    _ledger_option(attention, required=False)
    attention.add_argument(
        "--exit-code", action="store_true", help="exit with status 1 when anything is flagged (for monitoring)"
    )

    sync = _command(
        commands,
        "sync",
        "The morning job: read the fleet from Codat into the ledger, and print the report.",
        "codat-connections sync --ledger sqlite:////var/lib/codat/fleet.db",
        [fmt, client],
    )
    _ledger_option(sync, required=True)
    _tags_option(sync)

    episodes = _command(
        commands,
        "episodes",
        "The open attention episodes of the ledger; --claim hands out up to N (each to one claimer at a "
        "time), --done ends them for good.",
        'codat-connections episodes --ledger "$LEDGER" --claim 20 --lease 300 --format tsv\n'
        'codat-connections episodes --ledger "$LEDGER" --done EPISODE_ID',
        [fmt],
    )
    _ledger_option(episodes, required=True)
    action = episodes.add_mutually_exclusive_group()
    action.add_argument(
        "--claim", type=_positive(int, "a whole number"), metavar="N", help="claim up to N episodes and print them"
    )
    action.add_argument(
        "--done",
        type=_positive(int, "an episode id (a whole number)"),
        nargs="+",
        metavar="EPISODE_ID",
        help="end these episodes for good (after the email went out): never handed out again",
    )
    episodes.add_argument(
        "--lease",
        type=_positive(float, "a number of seconds"),
        metavar="SECONDS",
        help="with --claim: after this long an episode not marked done is handed out again (default: 300)",
    )

    onboard = _command(
        commands,
        "onboard",
        "The customer's company, found by its tags or else created (never twice), and with --platform a "
        "connection to that platform (the existing one when there is one); prints the link URL.",
        "codat-connections onboard 'Bright Bakery Ltd' --tag uid=cust-42 --platform gbol",
        [fmt, client],
    )
    onboard.add_argument(
        "name", metavar="NAME", help="the company's name (Codat's rule: letters, digits, spaces, -',&@.?!)"
    )
    onboard.add_argument(
        "--tag",
        type=_tag,
        nargs="+",
        action="extend",
        required=True,
        metavar="KEY=VALUE",
        help="the tags that name this customer, such as your own id for it (at least one)",
    )
    onboard.add_argument(
        "--platform", metavar="KEY", help="a platform's key, such as gbol (Xero) or qhyg (QuickBooks Online)"
    )
    onboard.add_argument("--description", metavar="TEXT", help="the company's description, when it is created")

    link_url = _command(
        commands,
        "link-url",
        "The URL to send the end user to, to link or re-link this connection.",
        "codat-connections link-url 7a4c2f0e-... 2e9d2c44-...",
        [client],
    )
    link_url.add_argument(
        "company_id", type=_identifier("the company id"), metavar="COMPANY_ID", help="the company's id"
    )
    link_url.add_argument(
        "connection_id", type=_identifier("the connection id"), metavar="CONNECTION_ID", help="the connection's id"
    )
    return parser
