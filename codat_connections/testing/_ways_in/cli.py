"""``python -m codat_connections.testing`` (or ``codat-fake``): a FakeCodat dev server on loopback, for any language.

The flags set the start state a team needs (companies and a fleet, webhook endpoints and their
secrets, rate limits, latency, the Link page's redirect); ``POST /_fake/reset`` returns to it. Where it
listens and what it answers to: ``--host`` (``::1``, or ``0.0.0.0`` in a container), ``--public-url``,
``--allow-host``. Once it listens it prints the banner and, with ``--ready-file``, the ready signal
(``ready.py``); SIGINT or SIGTERM stops it, even when started in a script's background. Bad arguments and
a port already taken are one-line errors with exit status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import signal
import sys
import threading
from collections.abc import Callable
from urllib.parse import urlsplit

from codat_connections._validation import header_value, identifier
from codat_connections.testing._pipeline.routing import SERVED_PAGE_SIZE
from codat_connections.testing._state.platforms import MAX_CONNECTIONS_EACH, MAX_FLEET_COMPANIES
from codat_connections.testing._ways_in.fake import FakeCodat
from codat_connections.testing._ways_in.hosts import allowed_names, check_host_name, check_public_url
from codat_connections.testing._ways_in.ready import Serving, banner, clear_ready_file, ready_signal, warnings

PROG = "python -m codat_connections.testing"
CONSOLE_PROG = "codat-fake"
DEFAULT_API_KEY = "fake-codat-api-key"


def _whole_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _connections(text: str) -> int:
    value = _whole_number(text)
    if value > MAX_CONNECTIONS_EACH:
        raise argparse.ArgumentTypeError(f"at most {MAX_CONNECTIONS_EACH:,} per company, got {value:,}")
    return value


def _companies(text: str) -> int:
    value = _whole_number(text)
    if value > MAX_FLEET_COMPANIES:
        raise argparse.ArgumentTypeError(f"at most {MAX_FLEET_COMPANIES:,} companies, got {value:,}")
    return value


def _checked(check: Callable[[str], str]) -> Callable[[str], str]:
    """An argparse type from one of the client's own checks: what no client could send is refused here, and
    what is kept is the value as checked (the key as a client sends it, the public URL without a final slash)."""

    def parse(text: str) -> str:
        try:
            return check(text)
        except (ValueError, TypeError) as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def _rate_limit(text: str) -> tuple[int, float]:
    requests, _, seconds = text.partition("/")
    try:
        limit = (int(requests), float(seconds))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected REQUESTS/SECONDS such as 1000/60, got {text!r}") from None
    if limit[0] < 1 or not 0 < limit[1] < float("inf"):
        raise argparse.ArgumentTypeError(f"expected at least 1 request per a positive number of seconds, got {text!r}")
    return limit


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds, 0 or more, got {text!r}")
    return value


def _percent(text: str) -> float:
    value = _seconds(text)
    if value > 100:
        raise argparse.ArgumentTypeError(f"a percentage is 0..100, got {text!r}")
    return value


def _port(text: str) -> int:
    value = _whole_number(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"a port is 0..65535, got {value}")
    return value


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Serve a fake of Codat's companies and connections API over HTTP on loopback, until Ctrl-C.",
        epilog="Connections made through the API start PendingAuth; their linkUrl opens the fake's Link page. "
        "The control API (every control, JSON, the same key) is described at /_fake/openapi.json; "
        "POST /_fake/reset returns to the state these flags set.",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on: ::1 for IPv6, 0.0.0.0 in a container (default: %(default)s)",
    )
    parser.add_argument(
        "--port", type=_port, default=8765, help="TCP port to listen on; 0 picks a free one (default: %(default)s)"
    )
    parser.add_argument(
        "--public-url",
        type=_checked(check_public_url),
        metavar="URL",
        help="where clients and browsers reach the server (a container's published port, a proxy), e.g. "
        "http://localhost:8765: link URLs and the banner use it, and its host is answered",
    )
    parser.add_argument(
        "--allow-host",
        type=_checked(check_host_name),
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests whose Host is NAME (repeatable); beside 127.0.0.1, localhost and [::1], any "
        "other Host is a 421, against DNS rebinding",
    )
    parser.add_argument(
        "--ready-file",
        metavar="PATH",
        help="once listening, write {baseUrl, publicUrl, port, pid, controlApi} as JSON to PATH (removed on "
        "exit), or as the first line of standard output for -",
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
        help="Linked connections to add to each company given with --company (default: %(default)s)",
    )
    fleet = parser.add_argument_group("a fleet")
    fleet.add_argument(
        "--companies", type=_companies, default=0, metavar="N", help="add N companies (a fleet; at most 100,000)"
    )
    fleet.add_argument(
        "--connections-each",
        type=_connections,
        default=0,
        metavar="M",
        help="connections of each fleet company, Linked but for --deauthorized of them (default: %(default)s)",
    )
    fleet.add_argument(
        "--deauthorized",
        type=_percent,
        default=5.0,
        metavar="PERCENT",
        help="share of the fleet's connections that are Deauthorized, spread evenly (default: %(default)s)",
    )
    hooks = parser.add_argument_group("webhooks")
    hooks.add_argument(
        "--webhook",
        action="append",
        default=[],
        metavar="URL",
        help="deliver signed webhooks to this loopback URL (repeatable; beyond loopback with "
        "--allow-remote-webhooks); the banner prints its secret",
    )
    hooks.add_argument(
        "--webhook-secret",
        metavar="whsec_...",
        help="the signing secret of every --webhook endpoint (default: a fresh one for each)",
    )
    hooks.add_argument(
        "--allow-remote-webhooks",
        action="store_true",
        help="allow webhook endpoints beyond loopback (the host, seen from a container), here and through the "
        "control API",
    )
    behaviour = parser.add_argument_group("behaviour")
    behaviour.add_argument(
        "--rate-limit",
        type=_rate_limit,
        metavar="REQUESTS/SECONDS",
        help="enforce Codat's limits: REQUESTS per SECONDS (Codat's: 1000/60), 10 in flight per company",
    )
    behaviour.add_argument(
        "--latency", type=_seconds, default=0.0, metavar="SECONDS", help="hold every answer this long (default: 0)"
    )
    behaviour.add_argument(
        "--jitter", type=_seconds, default=0.0, metavar="SECONDS", help="plus up to this much more, at random"
    )
    behaviour.add_argument(
        "--max-page-size",
        type=_whole_number,
        metavar="N",
        help="serve at most N records a page whatever is asked, up to 5000 (default: 2000, the most Codat's "
        "response schema allows)",
    )
    behaviour.add_argument(
        "--link-redirect",
        metavar="URL",
        help="where the Link page sends the browser after Authorize or Deny, with Codat's reserved "
        "parameters in braces, e.g. 'http://127.0.0.1:3000/linked?company={companyId}&status={statusCode}'",
    )
    return parser


def _start_state(fake: FakeCodat, args: argparse.Namespace) -> list[str]:
    """The flags' start state, made with the same controls a test calls; the companies' ids."""
    companies = [fake.add_company(company_id=cid) for cid in dict.fromkeys(args.company)]
    for company_id in companies:
        fake.seed_connections(company_id, args.connections)
    if args.companies:
        companies += fake.add_companies(
            args.companies, connections_each=args.connections_each, deauthorized_share=args.deauthorized / 100
        )
    if not companies:
        companies = [fake.add_company()]
        fake.seed_connections(companies[0], args.connections)
    for url in args.webhook:
        fake.add_webhook_endpoint(url, secret=args.webhook_secret)
    if args.rate_limit:
        fake.enforce_rate_limits(*args.rate_limit)
    if args.latency or args.jitter:
        fake.latency(args.latency, args.jitter)
    fake.checkpoint()
    return companies


def main(argv: list[str] | None = None, prog: str = PROG) -> int:
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    if args.webhook_secret is not None and not args.webhook:
        parser.error("--webhook-secret needs a --webhook URL")
    try:
        fake = FakeCodat(
            api_key=args.api_key,
            max_page_size=args.max_page_size,
            link_redirect=args.link_redirect,
            allow_remote_webhooks=args.allow_remote_webhooks,
        )
        companies = _start_state(fake, args)  # before the port is taken, so a mistake is one line
    except (TypeError, ValueError) as exc:
        parser.error(str(exc))
    clear_ready_file(args.ready_file)
    stop = _stop_on_signals()
    with contextlib.ExitStack() as running:
        try:
            base_url = running.enter_context(
                fake.serve(args.host, args.port, public_url=args.public_url, allowed_hosts=args.allow_host)
            )
        except OSError as exc:  # only the bind: a failure while serving is not "cannot listen"
            print(f"{prog}: error: {_cannot_listen(args.host, args.port, exc)}", file=sys.stderr)
            return 2
        serving = Serving(
            base_url,
            args.public_url,
            args.host,
            urlsplit(base_url).port or 0,
            allowed_names(args.host, args.public_url, args.allow_host),
            args.max_page_size or SERVED_PAGE_SIZE,
        )
        running.enter_context(ready_signal(args.ready_file, serving, fake))
        print(banner(serving, args.api_key, companies, fake, (args.latency, args.jitter)), flush=True)
        for line in warnings(serving, args.allow_remote_webhooks):
            print(line, file=sys.stderr, flush=True)
        while not stop.wait(0.5):
            pass
    return 0


def _stop_on_signals() -> threading.Event:
    """An event SIGINT and SIGTERM set, whatever their handling was: a server started in the background of a
    shell script inherits SIGINT ignored, and ``kill -INT`` must still stop it (and remove its ready file)."""
    stop = threading.Event()

    def handle(signum: int, frame: object) -> None:
        stop.set()

    if threading.current_thread() is threading.main_thread():  # only there can a handler be set
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, handle)
    return stop


def console() -> None:
    """The ``codat-fake`` console script."""
    sys.exit(main(prog=CONSOLE_PROG))


def _cannot_listen(host: str, port: int, exc: OSError) -> str:
    """``serve()``'s reason (it names the host and port), with the flag to change when the port is taken."""
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is already in use; choose another with --port (0: any free port)"
    return str(exc)
