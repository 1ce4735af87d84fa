"""What the dev server says once it listens: the banner, for a person, and the ready signal, for a script.

The banner says everything a first request needs: where clients reach the server (its public URL when given),
the key, the companies, a ``curl`` line that works as printed, the control API, each webhook endpoint with its
secret; and, where a user would otherwise be surprised, the page cap, the names it answers to and what
listening beyond loopback means. The ready signal is one JSON object, written once the server listens: to a
file (written whole, then renamed into place, so a script polling for it never reads half of it; removed when
the server stops) or, for ``-``, as the first line on standard output. A script starting ``--port 0`` reads
the port there instead of parsing the banner.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from codat_connections._config import is_loopback
from codat_connections.testing._ways_in.fake import FakeCodat
from codat_connections.testing._ways_in.hosts import url_host

__all__ = ["Serving", "banner", "clear_ready_file", "ready_signal", "warnings"]


@dataclass(frozen=True)
class Serving:
    """Where a started dev server is: ``base_url`` from this machine, ``public_url`` for clients (or None), the
    address it listens on, the names it answers to, and the page cap."""

    base_url: str
    public_url: str | None
    host: str
    port: int
    names: frozenset[str]
    page_cap: int

    @property
    def url(self) -> str:
        """The URL to give clients: the public one when there is one."""
        return self.public_url or self.base_url


def banner(
    serving: Serving, api_key: str, companies: list[str], fake: FakeCodat, latency: tuple[float, float] = (0.0, 0.0)
) -> str:
    """The lines a person reads on start."""
    url = serving.url
    authorization = "Basic " + base64.b64encode(api_key.encode()).decode()
    first = f"{url}/companies/{companies[0]}/connections"
    curl = f"curl -sS -H {shlex.quote('Authorization: ' + authorization)} {shlex.quote(first)}"
    shown = ", ".join(companies[:3]) + (f" (and {len(companies) - 3:,} more)" if len(companies) > 3 else "")
    lines = [f"Fake Codat serving at {url}"]
    if serving.public_url is not None:
        lines.append(f"Listening on {url_host(serving.host)}:{serving.port} (from this machine: {serving.base_url})")
    lines += [
        f"API key: {api_key}  (header: Authorization: {authorization})",
        f"Companies: {shown}",
        f"Try: {curl}",
        f"Control API: {url}/_fake/ (described at {url}/_fake/openapi.json)",
        f"Pages: at most {serving.page_cap:,} records each, whatever is asked (--max-page-size to change)",
    ]
    for endpoint in fake.webhook_endpoints:
        lines.append(f"Webhook endpoint: {endpoint.target}  secret: {endpoint.secret}")
    if fake.link_redirect:
        lines.append(f"Link page redirects to: {fake.link_redirect}")
    if any(latency):
        lines.append(f"Latency: {latency[0]:g} s, plus up to {latency[1]:g} s")
    if not is_loopback(serving.host) or serving.public_url is not None:
        names = ", ".join(url_host(name) for name in sorted(serving.names))
        lines.append(f"Answers requests for: {names} (any other Host is a 421; --allow-host NAME adds one)")
    lines.append("Ctrl-C to stop.")
    return "\n".join(lines)


def warnings(serving: Serving, remote_webhooks: bool) -> list[str]:
    """What listening beyond loopback (or delivering beyond it) means, for standard error."""
    found = []
    if not is_loopback(serving.host):
        found.append(f"warning: listening on {serving.host}, beyond this machine; anyone who can reach it has the key")
        if serving.public_url is None:
            found.append(
                f"warning: link URLs point at {serving.base_url}; give --public-url with the address clients use"
            )
    if remote_webhooks:
        found.append("warning: webhooks may go beyond loopback (--allow-remote-webhooks)")
    return found


@contextlib.contextmanager
def ready_signal(target: str | None, serving: Serving, fake: FakeCodat) -> Iterator[None]:
    """Announce ``serving`` to ``target`` (a file path, ``-`` for standard output, None for nothing) for the
    block's duration; a file is removed when the block ends. Like the banner, it names each webhook endpoint
    with its secret (what a receiver started by the same script verifies with), so a file is readable by its
    owner only."""
    signal = json.dumps(
        {
            "baseUrl": serving.base_url,
            "publicUrl": serving.url,
            "port": serving.port,
            "pid": os.getpid(),
            "controlApi": f"{serving.url}/_fake/openapi.json",
            "webhookEndpoints": [
                {"id": endpoint.id, "url": str(endpoint.target), "secret": endpoint.secret}
                for endpoint in fake.webhook_endpoints
                if isinstance(endpoint.target, str)
            ],
        }
    )
    if target is None:
        yield
        return
    if target == "-":
        print(signal, flush=True)
        yield
        return
    path = Path(target)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.touch(mode=0o600)
    partial.chmod(0o600)  # a file left by another run keeps its mode: this one's secrets are the owner's only
    partial.write_text(signal + "\n")
    partial.replace(path)  # whole or not at all
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def clear_ready_file(target: str | None) -> None:
    """Remove a ready file an earlier run left, before listening: a script waiting for it must wait for this run."""
    if target not in (None, "-"):
        Path(target).unlink(missing_ok=True)
