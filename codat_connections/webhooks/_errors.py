"""The two ways a webhook delivery can be refused: it is not authentic, or it is authentic but unreadable.

Both are ``CodatError``s. Messages name the check that failed and never carry the secret or any
signature (expected or received), so they are safe to log and to return in a 400 response.
Both survive ``pickle`` and ``copy.deepcopy`` with their attributes: every argument but the message
has a default, so ``BaseException``'s own reduce (message in ``args``, attributes in ``__dict__``) works.
"""

from __future__ import annotations

from typing import Literal

from codat_connections.errors import CodatError

__all__ = ["VerificationFailure", "WebhookPayloadError", "WebhookVerificationError"]

VerificationFailure = Literal[
    "missing_secret",
    "malformed_secret",
    "missing_header",
    "bad_timestamp",
    "timestamp_too_old",
    "timestamp_too_new",
    "malformed_signature",
    "no_matching_signature",
]
"""Which check refused a delivery: a stable value for metrics and alerts (the message is for people)."""


class WebhookVerificationError(CodatError):
    """The delivery is not proven to come from Codat: answer 400 and do not act on it.

    ``reason`` says which check failed, ``header`` names the missing header (for ``missing_header``),
    ``message_id`` is the delivery's ``webhook-id`` when it was read before the failure.
    """

    def __init__(
        self,
        message: str,
        *,
        reason: VerificationFailure = "no_matching_signature",
        header: str | None = None,
        message_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.reason: VerificationFailure = reason
        self.header = header
        self.message_id = message_id


class WebhookPayloadError(CodatError):
    """The delivery is authentic (or was not checked) but its body is not a Codat event this library can read.

    ``reason`` is the decoding problem; ``event_type`` is the body's ``eventType`` when it had one.
    """

    def __init__(
        self,
        message: str,
        *,
        reason: str = "",
        event_type: str | None = None,
        message_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.event_type = event_type
        self.message_id = message_id
