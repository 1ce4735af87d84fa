"""``codat-connections`` (also ``python -m codat_connections``): the fleet from a shell.

Commands: ``attention`` (who must re-link now, live or from the ledger), ``sync`` (the morning job into
the ledger), ``episodes`` (attention episodes, claimed and marked done once), ``onboard`` (a customer's
company and connection, never twice) and ``link-url``. Records go to stdout in the ``--format`` asked
for; progress goes to stderr only when it is a terminal. A failure is one line on stderr, never a
traceback and never the API key or a database password: exit status 2 for a usage error, 1 for an API
or database error (the ledger's ``LedgerError``). ``import codat_connections`` does not load this package.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Sequence

from codat_connections._constants import API_KEY_ENV
from codat_connections.cli._output import Streams
from codat_connections.cli._parser import PROG, UsageError, build_parser
from codat_connections.cli._secrets import Secrets
from codat_connections.errors import CodatError

__all__ = ["main"]

Command = Callable[[argparse.Namespace, Streams], int]
_NEEDS_CODAT = {"onboard", "link-url", "sync"}


def main(argv: Sequence[str] | None = None, *, prog: str = PROG) -> int:
    """Run one command line (``sys.argv[1:]`` by default) and return its exit status: 0, 1 or 2.

    Records are written to ``sys.stdout``, progress and errors to ``sys.stderr``, as they are when called.
    """
    streams = Streams(sys.stdout, sys.stderr)
    words = list(sys.argv[1:] if argv is None else argv)
    secrets = Secrets()
    secrets.add_key(os.environ.get(API_KEY_ENV))
    secrets.add_arguments(words)  # before parsing: a usage error may quote what it could not parse
    try:
        args = _parse(build_parser(prog), words)
        if getattr(args, "format", "table") != "table":
            _utf8(streams.out)
        else:
            _replacing(streams.out)
        _check_codat_key(args, prog)
        return _command(args)(args, streams)
    except UsageError as exc:
        return _fail(streams, secrets, str(exc), 2)
    except SystemExit as exc:  # --help and --version print and exit 0
        return exc.code if isinstance(exc.code, int) else 0
    except (ValueError, TypeError) as exc:  # the library's checks, before any request
        return _fail(streams, secrets, f"{prog}: error: {exc}", 2)
    # Codat's or the ledger's error; the ledger has no such episode; psycopg is missing (the message says what
    # to install for a PostgreSQL ledger).
    except (CodatError, LookupError, ImportError) as exc:
        return _fail(streams, secrets, f"{prog}: error: {exc}", 1)
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):  # the reader left (| head): stop quietly, as Unix tools do
            _silence_stdout()
            return 141
        return _fail(streams, secrets, f"{prog}: error: {exc}", 1)
    except KeyboardInterrupt:
        return _fail(streams, secrets, f"{prog}: interrupted", 130)
    except Exception as exc:
        return _fail(
            streams, secrets, f"{prog}: error: unexpected {type(exc).__name__} (a bug: please report it): {exc}", 1
        )


def console() -> None:
    """The ``codat-connections`` console script."""
    sys.exit(main())


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """The namespace; an unknown option is reported by the command it was given to, with that command's help."""
    args, extra = parser.parse_known_args(argv)
    if extra:
        where = f"{parser.prog} {args.command}"
        raise UsageError(f"{where}: error: unrecognized arguments: {' '.join(extra)} (see {where} --help)")
    return args


def _command(args: argparse.Namespace) -> Command:
    if args.command == "attention":
        if args.ledger is not None:
            from codat_connections.cli import _ledger

            return _ledger.attention
        from codat_connections.cli import _live

        return _live.attention
    if args.command in ("sync", "episodes"):
        from codat_connections.cli import _ledger

        return _ledger.sync if args.command == "sync" else _ledger.episodes
    from codat_connections.cli import _live

    return _live.onboard if args.command == "onboard" else _live.link_url


def _check_codat_key(args: argparse.Namespace, prog: str) -> None:
    live = args.command in _NEEDS_CODAT or (args.command == "attention" and args.ledger is None)
    if live and not (args.api_key or os.environ.get(API_KEY_ENV, "").strip()):
        raise UsageError(f"{prog}: error: no Codat API key: set {API_KEY_ENV} (or pass --api-key)")


def _fail(streams: Streams, secrets: Secrets, message: str, status: int) -> int:
    line = " ".join(secrets.redact(message).split())  # one line, whatever the message held
    with contextlib.suppress(OSError):
        streams.out.flush()
    print(line, file=streams.err)
    return status


def _utf8(stream: object) -> None:
    """Machine formats are UTF-8 whatever the locale says."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None and getattr(stream, "encoding", "").lower().replace("-", "") != "utf8":
        reconfigure(encoding="utf-8")


def _replacing(stream: object) -> None:
    """A table is for a person: a character the terminal's encoding lacks is shown as ``?``, not a crash."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None and getattr(stream, "errors", "strict") == "strict":
        reconfigure(errors="replace")


def _silence_stdout() -> None:
    """Point the closed stdout at /dev/null, so that the interpreter's last flush does not fail too."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
