from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ConnectionWebhookPayload")


@_attrs_define
class ConnectionWebhookPayload:
    """What a connection webhook is about."""

    reference_company: CompanyReference | Unset = UNSET
    """ A short reference to a company. """
    connection: Connection | Unset = UNSET
    """ A company's link to one accounting, banking or commerce platform, and its authorization status. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        reference_company: dict[str, Any] | Unset = UNSET
        if not isinstance(self.reference_company, Unset):
            reference_company = self.reference_company.to_dict()

        connection: dict[str, Any] | Unset = UNSET
        if not isinstance(self.connection, Unset):
            connection = self.connection.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if reference_company is not UNSET:
            field_dict["referenceCompany"] = reference_company
        if connection is not UNSET:
            field_dict["connection"] = connection

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        _reference_company = src_dict.get("referenceCompany", UNSET)
        reference_company: CompanyReference | Unset
        if isinstance(_reference_company, Unset):
            reference_company = UNSET
        else:
            reference_company = CompanyReference.from_dict(_reference_company)

        _connection = src_dict.get("connection", UNSET)
        connection: Connection | Unset
        if isinstance(_connection, Unset):
            connection = UNSET
        else:
            connection = Connection.from_dict(_connection)

        connection_webhook_payload = cls(
            reference_company,
            connection,
        )

        known_present = 0 + (reference_company is not UNSET) + (connection is not UNSET)
        if len(src_dict) != known_present:
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            connection_webhook_payload.additional_properties = d
        return connection_webhook_payload

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


_KNOWN_KEYS: frozenset[str] = frozenset(
    (
        "referenceCompany",
        "connection",
    )
)
from ..models.company_reference import CompanyReference
from ..models.connection import Connection
