"""Client configuration: the credential, the base URL, the timeout, from arguments or the environment.

Everything is checked once, at construction, so that a bad value is a ``ValueError`` that says what
is wrong (and never shows a credential) instead of a failure on every request.
"""

from __future__ import annotations

import base64
import contextlib
import ipaddress
import math
import os
import sys
from typing import Any, Final

import httpx

from codat_connections import _version
from codat_connections._constants import API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL
from codat_connections._validation import header_value
from codat_connections.errors import CodatError

__all__ = [
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "NotGiven",
    "is_loopback",
    "redact",
    "Secret",
    "resolve_auth",
    "resolve_base_url",
    "timeout_extension",
    "without_credential",
]

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)


class NotGiven:
    """The type of ``NOT_GIVEN``: an argument that was not passed (``None`` means "no limit" for ``timeout``).

    ``with_options(timeout=NOT_GIVEN)`` is the same as leaving ``timeout`` out. Falsy, so that
    ``value or default`` reads naturally; there is one instance.
    """

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()
"""The default of an optional setting: "not passed", as opposed to ``None`` (for ``timeout``, "no limit")."""


class Secret:
    """Holds the Authorization value; its repr and str never show it, and it refuses to be pickled."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def forms(self) -> tuple[bytes, ...]:
        """Every form the credential could be echoed in: the header value, its credential part, the raw key."""
        scheme, _, credential = self._value.partition(" ")
        forms = [self._value.encode("ascii"), credential.encode("ascii")]
        if scheme.lower() == "basic":
            with contextlib.suppress(ValueError):
                forms.append(base64.b64decode(credential, validate=True))
        return tuple(form for form in forms if len(form) >= 4)

    def __repr__(self) -> str:
        return "<secret>"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("a client's credential is not picklable; build the client again in the other process")


def resolve_auth(api_key: str | None, auth_header: str | None) -> Secret:
    """The Authorization value from ``api_key`` (raw key), ``auth_header`` (ready value) or ``CODAT_API_KEY``."""
    if api_key is not None and auth_header is not None:
        raise ValueError("pass either api_key or auth_header, not both")
    if auth_header is not None:
        value = header_value(auth_header, "auth_header")
        scheme, _, credentials = value.partition(" ")
        if not credentials.strip() or not scheme.isalnum():
            raise ValueError(
                "auth_header must be the whole header value, scheme included, e.g. 'Basic <base64 of the key>'; "
                "to pass the raw key from the Codat portal, use api_key="
            )
        return Secret(value)
    source = "api_key"
    if api_key is None:
        api_key, source = os.environ.get(API_KEY_ENV), f"the {API_KEY_ENV} environment variable"
    if api_key is None or (isinstance(api_key, str) and not api_key.strip()):
        raise CodatError(
            f"no Codat API key: pass api_key= (or auth_header=) to the client, or set the {API_KEY_ENV} "
            "environment variable"
        )
    if isinstance(api_key, str) and api_key.strip()[:6].lower() == "basic ":
        raise ValueError(f"{source} already starts with 'Basic ': pass that ready header value as auth_header=")
    key = header_value(api_key, source, allow_spaces=False)
    encoded = base64.b64encode(key.encode("ascii")).decode("ascii")
    return Secret(f"Basic {encoded}")


def redact(
    body: bytes, headers: list[tuple[str, str]], forms: tuple[bytes, ...]
) -> tuple[bytes, list[tuple[str, str]]]:
    """``body`` and ``headers`` with every form of our credential replaced by ``<redacted>``."""
    for form in forms:
        text = form.decode("latin-1")
        if form in body:
            body = body.replace(form, b"<redacted>")
        if any(text in value for _, value in headers):
            headers = [(name, value.replace(text, "<redacted>")) for name, value in headers]
    return body, headers


def without_credential(response: httpx.Response, forms: tuple[bytes, ...]) -> httpx.Response:
    """The response, minus our credential should a proxy have echoed the request into its body or headers."""
    original = list(response.headers.items())
    body, headers = redact(response.content, original, forms)
    if body is response.content and headers is original:
        return response
    return httpx.Response(response.status_code, headers=headers, content=body, request=response.request)


def resolve_base_url(base_url: str | None) -> str:
    """An ``https`` URL (``http`` only to loopback) with no credentials, query or fragment."""
    source = "base_url"
    if base_url is None:
        base_url, source = os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL, f"{BASE_URL_ENV} (base_url)"
    if not isinstance(base_url, str):
        raise TypeError(f"base_url must be a str, got {type(base_url).__name__}")
    shown = "<hidden: it contains '@'>" if "@" in base_url else repr(base_url)
    try:
        url = httpx.URL(base_url.strip())
    except (httpx.InvalidURL, ValueError, TypeError):
        raise ValueError(f"{source} is not a valid URL: {shown}") from None
    if url.userinfo:
        raise ValueError(f"{source} must not contain a user name or password; pass the key as api_key= or auth_header=")
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"{source} must be an http(s) URL with a host, got {shown}")
    if url.query or url.fragment or "?" in base_url or "#" in base_url:
        raise ValueError(f"{source} must not have a query or fragment, got {shown}")
    if url.scheme == "http" and not is_loopback(url.host):
        raise ValueError(
            f"refusing to send the API key over plain http to {url.host}; use https "
            "(plain http is allowed only for loopback hosts such as 127.0.0.1)"
        )
    return str(url).rstrip("/")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def timeout_extension(timeout: float | httpx.Timeout | None) -> dict[str, Any]:
    """httpx's per-request ``timeout`` extension; each part finite and positive, or None for no limit."""
    if isinstance(timeout, bool) or not (timeout is None or isinstance(timeout, int | float | httpx.Timeout)):
        raise TypeError(f"timeout must be seconds (a number), an httpx.Timeout or None, got {type(timeout).__name__}")
    parts = httpx.Timeout(timeout).as_dict()
    for name, seconds in parts.items():
        if seconds is not None and (not math.isfinite(seconds) or seconds <= 0):
            what = "timeout" if not isinstance(timeout, httpx.Timeout) else f"timeout's {name} part"
            raise ValueError(
                f"{what} must be a finite number of seconds greater than 0 (or None for no limit), got {seconds!r}"
            )
    return {"timeout": parts}


def user_agent() -> str:
    python = "{}.{}.{}".format(*sys.version_info[:3])
    return f"codat-connections/{_version.VERSION} python/{python} httpx/{httpx.__version__}"
