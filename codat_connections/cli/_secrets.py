"""What a message of the command line must never show: the API key (raw and as sent) and a database password."""

from __future__ import annotations

import base64
import urllib.parse

__all__ = ["Secrets"]

_REDACTED = "<redacted>"
_SECRET_NAMES = ("key", "token", "secret", "pass", "auth", "cred")
"""An option whose name holds one of these (a guess such as ``--token``) is taken to carry a secret."""


class Secrets:
    """The secrets of one run, and ``redact`` to take them out of any text before it is printed."""

    def __init__(self) -> None:
        self._values: set[str] = set()

    def add_key(self, api_key: str | None) -> None:
        """The API key, and its ``Basic`` form as the client sends it."""
        if api_key and api_key.strip():
            key = api_key.strip()
            self._values.update({key, base64.b64encode(key.encode()).decode()})

    def add_url(self, url: str | None) -> None:
        """A database URL's password (and any ``password=`` or ``sslpassword=`` value), as written and decoded."""
        if not url or "://" not in url:
            return
        from codat_connections.ledger._url import secrets_of  # the ledger's reading: userinfo ends at the last @

        for secret in secrets_of(url):
            self._values.update({secret, urllib.parse.unquote(secret), urllib.parse.unquote_plus(secret)})

    def add_arguments(self, words: list[str]) -> None:
        """The values of ``--api-key`` and ``--ledger`` in a command line, however spelled (``--api-key=KEY``,
        an abbreviation, a misspelling such as ``--api-kye KEY`` or ``--ldger=URL``, a guess such as ``--token
        KEY``), and the password of any URL in it (a stray one is quoted as an unrecognized argument), before
        argparse reads or quotes them."""
        for position, word in enumerate(words):
            if "://" in word:  # a URL anywhere (--ldger=URL, a stray positional): its password
                self.add_url(word)
            if not word.startswith("-"):
                continue
            name, equals, value = word.partition("=")
            if not equals:
                value = words[position + 1] if position + 1 < len(words) else ""
            if name.startswith("--led"):
                self.add_url(value)
            elif name.startswith(("--api", "--key")) or _guessed_secret(name, value):
                self.add_key(value)

    def redact(self, text: str) -> str:
        """``text`` with each secret replaced, longest first (so that no part of one is left behind)."""
        for value in sorted(self._values, key=len, reverse=True):
            text = text.replace(value, _REDACTED)
        return text


def _guessed_secret(name: str, value: str) -> bool:
    """An option this tool does not have, whose name says it carries a secret (``--token KEY``)."""
    return len(value) >= 4 and any(part in name.lower() for part in _SECRET_NAMES)
