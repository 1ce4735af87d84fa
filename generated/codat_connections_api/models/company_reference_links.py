from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CompanyReferenceLinks")


@_attrs_define
class CompanyReferenceLinks:
    """Links to a company."""

    portal: str | Unset = UNSET
    """ The company's page in the Codat portal. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        portal = self.portal

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if portal is not UNSET:
            field_dict["portal"] = portal

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        portal = src_dict.get("portal", UNSET)

        company_reference_links = cls(
            portal,
        )

        known_present = 0 + (portal is not UNSET)
        if len(src_dict) != known_present:
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            company_reference_links.additional_properties = d
        return company_reference_links

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


_KNOWN_KEYS: frozenset[str] = frozenset(("portal",))
