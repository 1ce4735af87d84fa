from collections.abc import Callable
from enum import StrEnum
from typing import Any, ClassVar


class DataConnectionErrorStatus(StrEnum):
    """Whether a transient connection error is still active."""

    ACTIVE = "Active"
    RESOLVED = "Resolved"

    _lookup: ClassVar[Callable[[str], "DataConnectionErrorStatus | None"]]
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


_MEMBERS: dict[str, DataConnectionErrorStatus] = {
    member.value: member for member in DataConnectionErrorStatus
}
DataConnectionErrorStatus._lookup = _MEMBERS.get
