from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.connection_status import ConnectionStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="UpdateConnectionStatus")


@_attrs_define
class UpdateConnectionStatus:
    """Body of an unlink request."""

    status: ConnectionStatus | None | Unset = UNSET
    """ New status; only Unlinked is accepted. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, ConnectionStatus):
            status = self.status.value
        else:
            status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        _status = src_dict.get("status", UNSET)
        status: ConnectionStatus | None | Unset
        if _status is None or _status is UNSET:
            status = _status
        else:
            status_type_0 = _lookup_ConnectionStatus(_status) or ConnectionStatus(
                _status
            )

            status = status_type_0

        update_connection_status = cls(
            status,
        )

        known_present = 0 + (status is not UNSET)
        if len(src_dict) != known_present:
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            update_connection_status.additional_properties = d
        return update_connection_status

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


_lookup_ConnectionStatus = ConnectionStatus._lookup
_KNOWN_KEYS: frozenset[str] = frozenset(("status",))
