"""``python -m codat_connections.testing`` (or ``codat-fake``): a FakeCodat dev server on loopback, for any language.

The flags set the start state a team needs (companies and a fleet, webhook endpoints and their
secrets, rate limits, latency, the Link page's redirect); ``POST /_fake/reset`` returns to it. The
banner says everything a first request needs: the base URL, the key, the control API, each webhook
endpoint with its secret, and a ``curl`` line that works as printed. Bad arguments and a port
already taken are one-line errors with exit status 2.
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
from codat_connections.testing._state.platforms import MAX_CONNECTIONS_EACH, MAX_FLEET_COMPANIES
from codat_connections.testing._ways_in.fake import FakeCodat

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


def _checked(check: Callable[[str], object]) -> Callable[[str], str]:
    """An argparse type from one of the client's own checks: what no client could send is refused here."""

    def parse(text: str) -> str:
        try:
            check(text)
        except (ValueError, TypeError) as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return text

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
        help="deliver signed webhooks to this loopback URL (repeatable); the banner prints its secret",
    )
    hooks.add_argument(
        "--webhook-secret",
        metavar="whsec_...",
        help="the signing secret of every --webhook endpoint (default: a fresh one for each)",
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


def banner(
    base_url: str, api_key: str, companies: list[str], fake: FakeCodat, latency: tuple[float, float] = (0.0, 0.0)
) -> str:
    authorization = "Basic " + base64.b64encode(api_key.encode()).decode()
    url = f"{base_url}/companies/{companies[0]}/connections"
    curl = f"curl -sS -H {shlex.quote('Authorization: ' + authorization)} {shlex.quote(url)}"
    shown = ", ".join(companies[:3]) + (f" (and {len(companies) - 3:,} more)" if len(companies) > 3 else "")
    lines = [
        f"Fake Codat serving at {base_url}",
        f"API key: {api_key}  (header: Authorization: {authorization})",
        f"Companies: {shown}",
        f"Try: {curl}",
        f"Control API: {base_url}/_fake/ (described at {base_url}/_fake/openapi.json)",
    ]
    for endpoint in fake.webhook_endpoints:
        lines.append(f"Webhook endpoint: {endpoint.target}  secret: {endpoint.secret}")
    if fake.link_redirect:
        lines.append(f"Link page redirects to: {fake.link_redirect}")
    if any(latency):
        lines.append(f"Latency: {latency[0]:g} s, plus up to {latency[1]:g} s")
    lines.append("Ctrl-C to stop.")
    return "\n".join(lines)


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
        fake = FakeCodat(api_key=args.api_key, max_page_size=args.max_page_size, link_redirect=args.link_redirect)
        companies = _start_state(fake, args)  # before the port is taken, so a mistake is one line
    except (TypeError, ValueError) as exc:
        parser.error(str(exc))
    with contextlib.ExitStack() as running:
        try:
            base_url = running.enter_context(fake.serve(args.host, args.port))
        except OSError as exc:  # only the bind: a failure while serving is not "cannot listen"
            print(f"{prog}: error: {_cannot_listen(args.host, args.port, exc)}", file=sys.stderr)
            return 2
        print(banner(base_url, args.api_key, companies, fake, (args.latency, args.jitter)), flush=True)
        if not is_loopback(args.host):
            print(f"warning: listening on {args.host}, beyond this machine; anyone who can reach it has the key")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


def console() -> None:
    """The ``codat-fake`` console script."""
    sys.exit(main(prog=CONSOLE_PROG))


def _cannot_listen(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is already in use; choose another with --port (0: any free port)"
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
