from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CompanyReference")


@_attrs_define
class CompanyReference:
    """A short reference to a company."""

    id: str | Unset = UNSET
    """ Identifier of the company (a UUID). """
    name: str | Unset = UNSET
    """ Name of the company. """
    description: None | str | Unset = UNSET
    """ Free text kept with the company (often your own reference for it), or null. """
    links: CompanyReferenceLinks | Unset = UNSET
    """ Links to a company. """
    tags: CompanyTags | Unset = UNSET
    """ Key/value labels set on a company (string values). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        links: dict[str, Any] | Unset = UNSET
        if not isinstance(self.links, Unset):
            links = self.links.to_dict()

        tags: dict[str, Any] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if name is not UNSET:
            field_dict["name"] = name
        if description is not UNSET:
            field_dict["description"] = description
        if links is not UNSET:
            field_dict["links"] = links
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        id = src_dict.get("id", UNSET)

        name = src_dict.get("name", UNSET)

        description: None | str | Unset = src_dict.get("description", UNSET)

        _links = src_dict.get("links", UNSET)
        links: CompanyReferenceLinks | Unset
        if isinstance(_links, Unset):
            links = UNSET
        else:
            links = CompanyReferenceLinks.from_dict(_links)

        _tags = src_dict.get("tags", UNSET)
        tags: CompanyTags | Unset
        if isinstance(_tags, Unset):
            tags = UNSET
        else:
            tags = CompanyTags.from_dict(_tags)

        company_reference = cls(
            id,
            name,
            description,
            links,
            tags,
        )

        known_present = (
            0
            + (id is not UNSET)
            + (name is not UNSET)
            + (description is not UNSET)
            + (links is not UNSET)
            + (tags is not UNSET)
        )
        if len(src_dict) != known_present:
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            company_reference.additional_properties = d
        return company_reference

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
        "id",
        "name",
        "description",
        "links",
        "tags",
    )
)
from ..models.company_reference_links import CompanyReferenceLinks
from ..models.company_tags import CompanyTags
