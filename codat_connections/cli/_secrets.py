"""What a message of the command line must never show: the API key (raw and as sent) and a database password."""

from __future__ import annotations

import base64
import urllib.parse

__all__ = ["Secrets"]

_REDACTED = "<redacted>"


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
        if not url:
            return
        netloc, _, rest = url.partition("://")[2].partition("/")
        userinfo, at, _ = netloc.rpartition("@")
        found = [userinfo.partition(":")[2]] if at else []
        for pair in rest.partition("?")[2].split("&"):
            name, _, value = pair.partition("=")
            if name.lower() in ("password", "sslpassword"):
                found.append(value)
        for secret in filter(None, found):
            self._values.update({secret, urllib.parse.unquote(secret), urllib.parse.unquote_plus(secret)})

    def add_arguments(self, words: list[str]) -> None:
        """The values of ``--api-key`` and ``--ledger`` in a command line, however spelled (``--api-key=KEY``,
        an abbreviation, a misspelling such as ``--api-kye KEY``), before argparse reads or quotes them."""
        for position, word in enumerate(words):
            name, equals, value = word.partition("=")
            if not name.startswith(("--api", "--key", "--led")):
                continue
            if not equals:
                value = words[position + 1] if position + 1 < len(words) else ""
            if name.startswith("--led"):
                self.add_url(value)
            else:
                self.add_key(value)

    def redact(self, text: str) -> str:
        """``text`` with each secret replaced, longest first (so that no part of one is left behind)."""
        for value in sorted(self._values, key=len, reverse=True):
            text = text.replace(value, _REDACTED)
        return text
