"""The platforms the fake knows, and the checks its test-side controls make on their arguments."""

from __future__ import annotations

import math
import unicodedata
import uuid
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

__all__ = [
    "LONGEST_SECONDS",
    "MAX_CONNECTIONS_EACH",
    "MAX_FLEET_COMPANIES",
    "MAX_FLEET_CONNECTIONS",
    "PLATFORMS",
    "Platform",
    "STATUSES",
    "check_connections",
    "check_fleet",
    "check_seconds",
    "check_share",
    "check_status",
    "check_url",
    "check_whole",
    "platform_for",
]

STATUSES = ("PendingAuth", "Linked", "Unlinked", "Deauthorized")
MAX_FLEET_COMPANIES = 100_000
"""The most companies one ``add_companies`` (``POST /_fake/fleet``, ``--companies``) makes: the benchmarks' largest
fleet, built in about 4 s and 300 MB with 3 connections each."""
MAX_CONNECTIONS_EACH = 100_000
"""The most connections a company gets from one ``add_companies`` or ``seed_connections`` (``--connections``)."""
MAX_FLEET_CONNECTIONS = 1_000_000
"""The most connections one ``add_companies`` makes in all."""
LONGEST_SECONDS = 86_400.0
"""The most seconds any control takes (a latency or delay, a webhook timeout or retry wait, a flush, a rate-limit
window): a day, beyond Codat's longest webhook retry wait (ten hours) and far within what a sleep, a timed wait
or a deadline can honour (1e300 seconds of latency killed the thread that slept it)."""


@dataclass(frozen=True)
class Platform:
    """A platform the fake knows: its four-letter key, its name and its source type."""

    key: str
    name: str
    source_type: str

    @cached_property
    def integration_id(self) -> str:
        """A stable UUID per platform, as Codat's ``integrationId`` is."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"codat-integration:{self.key}"))

    @cached_property
    def source_id(self) -> str:
        """A stable UUID per platform for ``sourceId``."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"codat-source:{self.key}"))


PLATFORMS: dict[str, Platform] = {
    p.key: p
    for p in (
        Platform("qhyg", "QuickBooks Online", "Accounting"),
        Platform("gbol", "Xero", "Accounting"),
        Platform("knfz", "Sage Intacct", "Accounting"),
        Platform("akxx", "Oracle NetSuite", "Accounting"),
        Platform("mqjo", "Codat Sandbox", "Accounting"),
        Platform("suuo", "Plaid", "Banking"),
        Platform("upvr", "TrueLayer", "Banking"),
        Platform("fztf", "Shopify", "Commerce"),
        Platform("zsth", "Square", "Commerce"),
        Platform("exgd", "Stripe", "Commerce"),
    )
}
"""The platforms the fake serves, by four-letter key (``gbol`` Xero, ``qhyg`` QuickBooks Online, ...)."""


def check_whole(name: str, value: object, *, least: int = 0, most: int | None = None) -> int:
    """A whole number from ``least`` to ``most`` (None: no bound); else ``ValueError`` naming ``name`` (a bool or
    a float such as 1.5 is no count: it would repeat or hold something for ever)."""
    if isinstance(value, int) and not isinstance(value, bool) and least <= value and (most is None or value <= most):
        return value
    high = "" if most is None else f" and at most {most:,}"
    raise ValueError(f"{name} must be a whole number, at least {least}{high}, got {value!r}")


def check_fleet(companies: int, connections_each: int) -> None:
    """A fleet within the caps (each count already checked by ``check_whole``): a request to the control API or a
    flag of the dev server can never ask for more than the fake can build in seconds."""
    if companies > MAX_FLEET_COMPANIES:
        raise ValueError(f"n must be at most {MAX_FLEET_COMPANIES:,} companies, got {companies:,}")
    check_connections("connections_each", connections_each)
    if companies * connections_each > MAX_FLEET_CONNECTIONS:
        raise ValueError(
            f"a fleet has at most {MAX_FLEET_CONNECTIONS:,} connections in all; "
            f"{companies:,} companies of {connections_each:,} is {companies * connections_each:,}"
        )


def check_connections(name: str, count: int) -> None:
    """At most ``MAX_CONNECTIONS_EACH`` connections for one company (``count`` already checked by ``check_whole``)."""
    if count > MAX_CONNECTIONS_EACH:
        raise ValueError(f"{name} must be at most {MAX_CONNECTIONS_EACH:,} connections each, got {count:,}")


def check_seconds(name: str, value: object, *, positive: bool = False, least: float = 0.0) -> float:
    """A number of seconds from ``least`` (excluded when ``positive``) to ``LONGEST_SECONDS``, as a float; else
    ``ValueError`` naming ``name`` (a bool or a numeric string is no number of seconds)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
        if math.isfinite(seconds) and least <= seconds <= LONGEST_SECONDS and not (positive and seconds <= 0):
            return seconds
    low = "greater than 0" if positive else f"at least {least:g}" if least else "0 or more"
    raise ValueError(
        f"{name} must be a finite number of seconds, {low} and at most {LONGEST_SECONDS:g} (a day), got {value!r}"
    )


def platform_for(key: str) -> Platform:
    platform = PLATFORMS.get(key)
    if platform is None:
        raise ValueError(f"unknown platform key {key!r}; the fake knows {sorted(PLATFORMS)}")
    return platform


def check_status(status: str) -> None:
    if status not in STATUSES:
        raise ValueError(f"status must be one of {list(STATUSES)}, got {status!r}")


def check_share(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not 0 <= value <= 1:
        raise ValueError(f"{name} must be from 0 to 1, got {value!r}")


def check_url(value: object, name: str) -> str:
    """One ``http(s)://host...`` URL, without spaces or control characters (a line break in a redirect would be a
    second header); else ``ValueError`` naming ``name``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    if any(c.isspace() or unicodedata.category(c) == "Cc" for c in value):
        raise ValueError(f"{name} must be one http(s) URL, without spaces or control characters, got {value!r}")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{name} must be an http(s)://host/... URL, got {value!r}")
    try:
        parts.port  # noqa: B018 (read for its check)
    except ValueError:
        raise ValueError(f"{name} has a port that is not a number from 0 to 65535: {value!r}") from None
    return value
