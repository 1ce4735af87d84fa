from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.data_connection_error_status import DataConnectionErrorStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="DataConnectionError")


@_attrs_define
class DataConnectionError:
    """An error a platform reported for a connection."""

    status_code: str | Unset = UNSET
    """ HTTP status the platform answered with. """
    status_text: str | Unset = UNSET
    """ Status text the platform answered with. """
    error_message: str | Unset = UNSET
    """ Codat's message for the error. """
    errored_on_utc: str | Unset = UNSET
    """ When the error happened (ISO 8601). """
    status: DataConnectionErrorStatus | None | Unset = UNSET
    """ Active or Resolved for a transient error; null when not transient. """
    resolved_on_utc: None | str | Unset = UNSET
    """ When the error was resolved (ISO 8601), or null. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status_code = self.status_code

        status_text = self.status_text

        error_message = self.error_message

        errored_on_utc = self.errored_on_utc

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, DataConnectionErrorStatus):
            status = self.status.value
        else:
            status = self.status

        resolved_on_utc: None | str | Unset
        if isinstance(self.resolved_on_utc, Unset):
            resolved_on_utc = UNSET
        else:
            resolved_on_utc = self.resolved_on_utc

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if status_code is not UNSET:
            field_dict["statusCode"] = status_code
        if status_text is not UNSET:
            field_dict["statusText"] = status_text
        if error_message is not UNSET:
            field_dict["errorMessage"] = error_message
        if errored_on_utc is not UNSET:
            field_dict["erroredOnUtc"] = errored_on_utc
        if status is not UNSET:
            field_dict["status"] = status
        if resolved_on_utc is not UNSET:
            field_dict["resolvedOnUtc"] = resolved_on_utc

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        status_code = src_dict.get("statusCode", UNSET)

        status_text = src_dict.get("statusText", UNSET)

        error_message = src_dict.get("errorMessage", UNSET)

        errored_on_utc = src_dict.get("erroredOnUtc", UNSET)

        _status = src_dict.get("status", UNSET)
        status: DataConnectionErrorStatus | None | Unset
        if _status is None or _status is UNSET:
            status = _status
        else:
            status_type_0 = _lookup_DataConnectionErrorStatus(
                _status
            ) or DataConnectionErrorStatus(_status)

            status = status_type_0

        resolved_on_utc: None | str | Unset = src_dict.get("resolvedOnUtc", UNSET)

        data_connection_error = cls(
            status_code,
            status_text,
            error_message,
            errored_on_utc,
            status,
            resolved_on_utc,
        )

        known_present = (
            0
            + (status_code is not UNSET)
            + (status_text is not UNSET)
            + (error_message is not UNSET)
            + (errored_on_utc is not UNSET)
            + (status is not UNSET)
            + (resolved_on_utc is not UNSET)
        )
        if len(src_dict) != known_present:
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            data_connection_error.additional_properties = d
        return data_connection_error

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
_KNOWN_KEYS: frozenset[str] = frozenset(
    (
        "statusCode",
        "statusText",
        "errorMessage",
        "erroredOnUtc",
        "status",
        "resolvedOnUtc",
    )
)
