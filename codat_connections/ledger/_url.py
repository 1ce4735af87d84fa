"""From a database URL to its backend, and the URL as it may be shown: the password replaced by ``***``."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from codat_connections.ledger._backend import Backend

__all__ = ["backend_for", "secrets_of", "shown"]

_SCHEMES = ("sqlite", "postgresql", "postgres")
_SECRET_PARAMETERS = ("password", "sslpassword")


def backend_for(url: object, timeout: float) -> tuple[Backend[Any], str]:
    """The backend ``url`` names and the URL as messages may show it; ``ValueError`` for anything else."""
    if not isinstance(url, str):
        raise TypeError(f"url must be a str such as 'sqlite:///fleet.db', got {type(url).__name__}")
    scheme = url.partition(":")[0].lower()
    if "://" not in url:
        raise ValueError(
            "url must be sqlite:///path/to/file.db or postgresql://user:password@host:port/dbname, got one without a "
            "scheme (for a SQLite file in the current folder: sqlite:///fleet.db)"
        )
    if scheme not in _SCHEMES or not url[len(scheme) :].startswith("://"):
        raise ValueError(
            "url must be sqlite:///path/to/file.db or postgresql://user:password@host:port/dbname, "
            f"got one with scheme {scheme[:20]!r}"
        )
    if scheme == "sqlite":
        from codat_connections.ledger._sqlite import SQLiteBackend

        return SQLiteBackend(_sqlite_path(url), timeout), url
    from codat_connections.ledger._postgres import PostgresBackend

    user, password, _ = _userinfo(url)
    if any(mark in f"{user}:{password or ''}" for mark in "/?#@"):
        raise ValueError(
            "the user or password in the PostgreSQL URL holds a character that must be percent-encoded "
            "(/ ? # @): write urllib.parse.quote(password, safe='') in the URL (it is not shown here)"
        )
    url = scheme + url[len(scheme) :]  # libpq reads only a lower-case scheme as a URL
    backend = PostgresBackend(url, f"PostgreSQL {shown(url)}", secrets_of(url), timeout)
    return backend, backend.redact(shown(url))


def _sqlite_path(url: str) -> Path:
    rest = url[len("sqlite://") :]
    if not rest.startswith("/") or "?" in rest or "#" in rest:
        raise ValueError(
            f"a SQLite URL is sqlite:///relative/path.db or sqlite:////absolute/path.db, with nothing after the "
            f"path, got {url!r}"
        )
    path = unquote(rest[1:])
    if path in ("", ":memory:"):
        raise ValueError(
            f"a ledger must outlive its process and be shared by its processes: give sqlite:/// a file, got {url!r}"
        )
    return Path(path)


def _userinfo(url: str) -> tuple[str, str | None, str]:
    """``(user, password or None, the rest after the '@')`` of ``scheme://user:password@rest``.

    The userinfo ends at the URL's *last* ``@``, so a password with an unencoded ``/``, ``?`` or ``@`` is still
    all of it (in the worst case, more is masked than needed, never less).
    """
    rest = url.split("://", 1)[1]
    userinfo, at, after = rest.rpartition("@")
    if not at:
        return "", None, rest
    user, colon, password = userinfo.partition(":")
    return user, password if colon else None, after


def secrets_of(url: str) -> list[str]:
    """The URL's password (as written and decoded) and any ``password=`` query value, longest first; for any
    text with ``://`` in it (the command line redacts what a mistyped flag carries)."""
    found: list[str] = []
    password = _userinfo(url)[1]
    if password:
        found += [password, unquote(password)]
    query = url.partition("?")[2]
    if "@" not in query:
        with contextlib.suppress(ValueError):  # a "[" in the host: urlsplit refuses it, the query as written counts
            query = urlsplit(url).query
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name.lower() in _SECRET_PARAMETERS:
            found += [value]
    for name, _, value in (pair.partition("=") for pair in query.split("&")):
        if name.lower() in _SECRET_PARAMETERS:
            found += [value]  # as written, percent-encoded or not
    return sorted({secret for secret in found if secret}, key=len, reverse=True)


def shown(url: str) -> str:
    """``url`` with its password and any ``password=``/``sslpassword=`` query value replaced by ``***``."""
    scheme = url.split("://", 1)[0]
    user, password, rest = _userinfo(url)
    head = f"{scheme}://" + ("" if password is None and not user else f"{user}{'' if password is None else ':***'}@")
    path, mark, query = rest.partition("?")
    if mark:
        pairs = [pair.partition("=") for pair in query.split("&")]
        query = "&".join(
            f"{name}{eq}{'***' if name.lower() in _SECRET_PARAMETERS else value}" for name, eq, value in pairs
        )
    return f"{head}{path}{mark}{query}"
