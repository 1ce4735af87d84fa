"""``python -m codat_connections.testing``: serve a FakeCodat on loopback for other languages and tools.

The banner says everything a first request needs: the base URL, the key, and a ``curl`` line that
works as printed. Bad arguments and a port already taken are one-line errors with exit status 2.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import errno
import shlex
import sys
import threading
from collections.abc import Callable

from codat_connections._config import is_loopback
from codat_connections._validation import header_value, identifier
from codat_connections.testing._fake import FakeCodat

PROG = "python -m codat_connections.testing"
DEFAULT_API_KEY = "fake-codat-api-key"


def _whole_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


MAX_CONNECTIONS_EACH = 100_000


def _connections(text: str) -> int:
    value = _whole_number(text)
    if value > MAX_CONNECTIONS_EACH:
        raise argparse.ArgumentTypeError(f"at most {MAX_CONNECTIONS_EACH:,} per company, got {value:,}")
    return value


def _checked(check: Callable[[str], object]) -> Callable[[str], str]:
    """An argparse type from one of the client's own checks: what no client could send is refused here."""

    def parse(text: str) -> str:
        try:
            check(text)
        except (ValueError, TypeError) as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return text

    return parse


def _port(text: str) -> int:
    value = _whole_number(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"a port is 0..65535, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Serve a fake of Codat's connections API over HTTP on loopback, until Ctrl-C.",
        epilog="Companies are created at start; connections through the API start PendingAuth.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument(
        "--port", type=_port, default=8765, help="TCP port to listen on; 0 picks a free one (default: %(default)s)"
    )
    parser.add_argument(
        "--api-key",
        type=_checked(lambda text: header_value(text, "the API key", allow_spaces=False)),
        default=DEFAULT_API_KEY,
        metavar="KEY",
        help="the API key clients must send, as 'Authorization: Basic <base64 of KEY>' (default: %(default)s)",
    )
    parser.add_argument(
        "--company",
        type=_checked(lambda text: identifier(text, "the company id")),
        action="append",
        default=[],
        metavar="ID",
        help="create a company with this id (repeatable); one company with a random id if none is given",
    )
    parser.add_argument(
        "--connections",
        type=_connections,
        default=0,
        metavar="N",
        help="Linked connections to add to each company (default: %(default)s)",
    )
    return parser


def banner(base_url: str, api_key: str, companies: list[str]) -> str:
    authorization = "Basic " + base64.b64encode(api_key.encode()).decode()
    url = f"{base_url}/companies/{companies[0]}/connections"
    curl = f"curl -sS -H {shlex.quote('Authorization: ' + authorization)} {shlex.quote(url)}"
    return "\n".join(
        [
            f"Fake Codat serving at {base_url}",
            f"API key: {api_key}  (header: Authorization: {authorization})",
            f"Companies: {', '.join(companies)}",
            f"Try: {curl}",
            "Ctrl-C to stop.",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    fake = FakeCodat(api_key=args.api_key)
    companies = [fake.add_company(company_id=cid) for cid in args.company] or [fake.add_company()]
    for company_id in companies:
        fake.seed_connections(company_id, args.connections)
    with contextlib.ExitStack() as running:
        try:
            base_url = running.enter_context(fake.serve(args.host, args.port))
        except OSError as exc:  # only the bind: a failure while serving is not "cannot listen"
            print(f"{PROG}: error: {_cannot_listen(args.host, args.port, exc)}", file=sys.stderr)
            return 2
        print(banner(base_url, args.api_key, companies), flush=True)
        if not is_loopback(args.host):
            print(f"warning: listening on {args.host}, beyond this machine; anyone who can reach it has the key")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


def _cannot_listen(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is already in use; choose another with --port (0: any free port)"
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}"


if __name__ == "__main__":
    sys.exit(main())
