from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.data_connection_error_status import DataConnectionErrorStatus
from ..types import (
    decode_enum,
    decode_failure,
    empty_as_none,
    leftovers,
    wrong_type,
)


@_attrs_define(repr=False)
class DataConnectionError:
    """An error a platform reported for a connection."""

    status_code: str | None = None
    """ HTTP status the platform answered with. """
    status_text: str | None = None
    """ Status text the platform answered with. """
    error_message: str | None = None
    """ Codat's message for the error. """
    errored_on_utc: str | None = None
    """ When the error happened (ISO 8601). """
    status: DataConnectionErrorStatus | None = None
    """ Active or Resolved for a transient error; null when not transient. """
    resolved_on_utc: str | None = None
    """ When the error was resolved (ISO 8601), or null. """
    _nulls: int = _attrs_field(init=False, default=0, eq=False)
    """Bit set for each optional field that came as explicit null (``to_dict`` writes it back)."""
    _extra: dict[str, Any] | None = _attrs_field(
        init=False, default=None, eq=empty_as_none
    )
    """Fields the document does not list, as they came (None when there are none)."""

    @property
    def additional_properties(self) -> dict[str, Any]:
        """Fields the document does not list (a newer API's additions), kept as they came."""
        extra = self._extra
        if extra is None:
            extra = self._extra = {}
        return extra

    @additional_properties.setter
    def additional_properties(self, value: dict[str, Any]) -> None:
        self._extra = value

    def __repr__(self) -> str:
        extra = f", additional_properties={self._extra!r}" if self._extra else ""
        return (
            f"{type(self).__name__}("
            f"status_code={self.status_code!r}, "
            f"status_text={self.status_text!r}, "
            f"error_message={self.error_message!r}, "
            f"errored_on_utc={self.errored_on_utc!r}, "
            f"status={self.status!r}, "
            f"resolved_on_utc={self.resolved_on_utc!r}"
            f"{extra})"
        )

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = dict(self._extra) if self._extra else {}
        _nulls_ = self._nulls
        if self.status_code is not None or _nulls_ & 1:
            field_dict["statusCode"] = self.status_code
        if self.status_text is not None or _nulls_ & 2:
            field_dict["statusText"] = self.status_text
        if self.error_message is not None or _nulls_ & 4:
            field_dict["errorMessage"] = self.error_message
        if self.errored_on_utc is not None or _nulls_ & 8:
            field_dict["erroredOnUtc"] = self.errored_on_utc
        status = self.status
        if status is not None:
            field_dict["status"] = status.value
        elif _nulls_ & 16:
            field_dict["status"] = None
        if self.resolved_on_utc is not None or _nulls_ & 32:
            field_dict["resolvedOnUtc"] = self.resolved_on_utc
        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        try:
            status_code = src_dict.get("statusCode")
            if status_code is not None:
                if not isinstance(status_code, str):
                    raise wrong_type(
                        "DataConnectionError.statusCode", "a string", status_code
                    )

            status_text = src_dict.get("statusText")
            if status_text is not None:
                if not isinstance(status_text, str):
                    raise wrong_type(
                        "DataConnectionError.statusText", "a string", status_text
                    )

            error_message = src_dict.get("errorMessage")
            if error_message is not None:
                if not isinstance(error_message, str):
                    raise wrong_type(
                        "DataConnectionError.errorMessage", "a string", error_message
                    )

            errored_on_utc = src_dict.get("erroredOnUtc")
            if errored_on_utc is not None:
                if not isinstance(errored_on_utc, str):
                    raise wrong_type(
                        "DataConnectionError.erroredOnUtc", "a string", errored_on_utc
                    )

            status = src_dict.get("status")
            if status is not None:
                status = _lookup_DataConnectionErrorStatus(status) or decode_enum(
                    DataConnectionErrorStatus, "DataConnectionError.status", status
                )

            resolved_on_utc = src_dict.get("resolvedOnUtc")
            if resolved_on_utc is not None:
                if not isinstance(resolved_on_utc, str):
                    raise wrong_type(
                        "DataConnectionError.resolvedOnUtc",
                        "a string or null",
                        resolved_on_utc,
                    )

            _obj = cls(
                status_code,
                status_text,
                error_message,
                errored_on_utc,
                status,
                resolved_on_utc,
            )
            if len(src_dict) != 0 + (status_code is not None) + (
                status_text is not None
            ) + (error_message is not None) + (errored_on_utc is not None) + (
                status is not None
            ) + (resolved_on_utc is not None):
                _obj._nulls, _obj._extra = leftovers(src_dict, _BITS)
            return _obj
        except (KeyError, TypeError, AttributeError) as exc:
            raise decode_failure(
                "DataConnectionError", src_dict, exc, _REQUIRED_KEYS, _ENUM_KEYS
            ) from None

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties


_lookup_DataConnectionErrorStatus = DataConnectionErrorStatus._lookup
# JSON name -> bit of `_nulls` (0 for required fields); a key not listed is an unknown field.
_BITS: dict[str, int] = {
    "statusCode": 1,
    "statusText": 2,
    "errorMessage": 4,
    "erroredOnUtc": 8,
    "status": 16,
    "resolvedOnUtc": 32,
}
_REQUIRED_KEYS: tuple[str, ...] = ()
_ENUM_KEYS: tuple[str, ...] = ("status",)
