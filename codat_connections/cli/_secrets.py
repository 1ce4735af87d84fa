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
        """The password of a database URL, as written and percent-decoded."""
        if not url:
            return
        try:
            password = urllib.parse.urlsplit(url).password
        except ValueError:  # an unreadable URL: its userinfo part is still secret
            password = url.partition("://")[2].rpartition("@")[0].partition(":")[2] or None
        if password:
            self._values.update({password, urllib.parse.unquote(password)})

    def redact(self, text: str) -> str:
        """``text`` with each secret replaced, longest first (so that no part of one is left behind)."""
        for value in sorted(self._values, key=len, reverse=True):
            text = text.replace(value, _REDACTED)
        return text
