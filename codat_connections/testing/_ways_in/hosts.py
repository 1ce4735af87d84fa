"""The names a served fake answers to, and the URLs it gives out.

The dev server's default key is public, so a web page the developer happens to open could reach it through DNS
rebinding (a name of the attacker's, re-pointed at 127.0.0.1): the browser then sends that name as the Host.
The server answers only the loopback names (``127.0.0.1``, ``localhost``, ``[::1]``), the address it listens on
when that is one address, the host of its public URL and the names the user allows; any other Host is a 421.
Only the name is compared, not the port: a container's published port reaches the server under another one,
and a rebinding page cannot choose the name its browser sends.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

from codat_connections.testing._state.platforms import check_url

__all__ = [
    "LOOPBACK_NAMES",
    "allowed_names",
    "check_host_name",
    "check_public_url",
    "host_name",
    "local_base_url",
    "url_host",
]

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
"""The names every served fake answers to (``::1`` is ``[::1]`` in a Host header)."""
_WILDCARDS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}
"""An address that listens on every interface, and the loopback address that reaches it from this machine."""


def url_host(host: str) -> str:
    """``host`` as a URL spells it: an IPv6 address in brackets."""
    return f"[{host}]" if ":" in host else host


def local_base_url(host: str, port: int) -> str:
    """The base URL a client on this machine reaches the server at (a wildcard address by its loopback one)."""
    return f"http://{url_host(_WILDCARDS.get(host, host))}:{port}"


def host_name(header: str) -> str | None:
    """The name a Host header value gives, lowercased, without brackets, port or a final dot; None if malformed."""
    if not header or any(c.isspace() or c in "/?#@\\" for c in header):
        return None
    try:
        name = urlsplit("//" + header).hostname
    except ValueError:  # an unbalanced bracket
        return None
    return name.rstrip(".") if name else None


def check_host_name(name: object) -> str:
    """A name the user allows (``--allow-host``, ``allowed_hosts=``): a host name or an IP address, no port."""
    if not isinstance(name, str):
        raise TypeError(f"an allowed host must be a str, got {type(name).__name__}")
    bare = name[1:-1] if name.startswith("[") and name.endswith("]") else name
    try:
        return str(ipaddress.ip_address(bare))
    except ValueError:
        pass
    parsed = host_name(bare)
    if parsed is None or parsed != bare.lower().rstrip(".") or ":" in bare:
        raise ValueError(f"an allowed host is a host name or an IP address, without a scheme or a port, got {name!r}")
    return parsed


def check_public_url(url: object) -> str:
    """Where clients reach the server (``--public-url``): an http(s) URL with a host and no query, fragment or
    user; its path, if any, is the prefix a proxy in front strips. Returned without a final slash."""
    checked = check_url(url, "public_url")
    parts = urlsplit(checked)
    if parts.query or parts.fragment or parts.username is not None or "?" in checked or "#" in checked:
        raise ValueError(f"public_url must be a base URL without a query, fragment or user, got {checked!r}")
    return checked.rstrip("/")


def allowed_names(bound_host: str, public_url: str | None, allowed: Iterable[str]) -> frozenset[str]:
    """Every name the server answers to: the loopback names, the address it listens on (unless a wildcard), the
    public URL's host and the names allowed."""
    names = set(LOOPBACK_NAMES)
    if bound_host not in _WILDCARDS:
        names.add(bound_host.lower())
    if public_url is not None:
        names.add(urlsplit(public_url).hostname or "")
    names.update(check_host_name(name) for name in allowed)
    return frozenset(names)
