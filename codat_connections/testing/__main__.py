"""``python -m codat_connections.testing``: serve a FakeCodat on loopback for other languages and tools."""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading

from codat_connections.testing._fake import FakeCodat


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve a fake Codat connections API on loopback.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--api-key", default="fake-codat-api-key", help="the key clients must send")
    parser.add_argument(
        "--company",
        action="append",
        default=[],
        metavar="ID",
        help="create a company with this id (repeatable); one random company if none",
    )
    parser.add_argument("--seed", type=int, default=0, help="Linked connections to add to each company")
    args = parser.parse_args(argv)

    fake = FakeCodat(api_key=args.api_key)
    companies = [fake.add_company(company_id=cid) for cid in args.company] or [fake.add_company()]
    for company_id in companies:
        fake.seed_connections(company_id, args.seed)
    with fake.serve(args.host, args.port) as base_url:
        print(f"fake Codat at {base_url}; companies: {', '.join(companies)}; Ctrl-C to stop", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
