from collections.abc import Callable
from enum import StrEnum
from typing import Any, ClassVar


class ConnectionStatus(StrEnum):
    """Authorization status: PendingAuth until the end user links, then Linked; Unlinked by the client; Deauthorized
    when the platform withdraws access."""

    DEAUTHORIZED = "Deauthorized"
    LINKED = "Linked"
    PENDINGAUTH = "PendingAuth"
    UNLINKED = "Unlinked"

    _lookup: ClassVar[Callable[[str], "ConnectionStatus | None"]]
    """Known members by wire value (a dict's get): decoding is ``_lookup(v) or Cls(v)``."""

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def _missing_(cls, value: object) -> Any:
        # A value the document does not list (the API grew) stays readable: it becomes a
        # member-like object that equals its raw string and is written back unchanged.
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member


_MEMBERS: dict[str, ConnectionStatus] = {
    member.value: member for member in ConnectionStatus
}
ConnectionStatus._lookup = _MEMBERS.get
