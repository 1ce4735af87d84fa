from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    decode_failure,
    empty_as_none,
    leftovers,
    wrong_type,
)


@_attrs_define(repr=False)
class CompanyReference:
    """A short reference to a company."""

    id: str | None = None
    """ Identifier of the company (a UUID). """
    name: str | None = None
    """ Name of the company. """
    description: str | None = None
    """ Free text kept with the company (often your own reference for it), or null. """
    links: CompanyReferenceLinks | None = None
    """ Links to a company. """
    tags: dict[str, str] | None = None
    """ Key/value labels set on a company (string values). """
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
            f"id={self.id!r}, "
            f"name={self.name!r}, "
            f"description={self.description!r}, "
            f"links={self.links!r}, "
            f"tags={self.tags!r}"
            f"{extra})"
        )

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = dict(self._extra) if self._extra else {}
        _nulls_ = self._nulls
        if self.id is not None or _nulls_ & 1:
            field_dict["id"] = self.id
        if self.name is not None or _nulls_ & 2:
            field_dict["name"] = self.name
        if self.description is not None or _nulls_ & 4:
            field_dict["description"] = self.description
        links = self.links
        if links is not None:
            field_dict["links"] = links.to_dict()
        elif _nulls_ & 8:
            field_dict["links"] = None
        if self.tags is not None or _nulls_ & 16:
            field_dict["tags"] = self.tags
        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        try:
            id = src_dict.get("id")
            if id is not None:
                if not isinstance(id, str):
                    raise wrong_type("CompanyReference.id", "a string", id)

            name = src_dict.get("name")
            if name is not None:
                if not isinstance(name, str):
                    raise wrong_type("CompanyReference.name", "a string", name)

            description = src_dict.get("description")
            if description is not None:
                if not isinstance(description, str):
                    raise wrong_type(
                        "CompanyReference.description", "a string or null", description
                    )

            links = src_dict.get("links")
            if links is not None:
                if not isinstance(links, Mapping):
                    raise wrong_type("CompanyReference.links", "an object", links)
                links = CompanyReferenceLinks.from_dict(links)

            tags = src_dict.get("tags")
            if tags is not None:
                if not isinstance(tags, dict):
                    raise wrong_type("CompanyReference.tags", "an object", tags)
                if not all(isinstance(item, str) for item in tags.values()):
                    raise wrong_type(
                        "CompanyReference.tags", "an object of a string values", tags
                    )

            _obj = cls(
                id,
                name,
                description,
                links,
                tags,
            )
            if len(src_dict) != 0 + (id is not None) + (name is not None) + (
                description is not None
            ) + (links is not None) + (tags is not None):
                _obj._nulls, _obj._extra = leftovers(src_dict, _BITS)
            return _obj
        except (KeyError, TypeError, AttributeError) as exc:
            raise decode_failure(
                "CompanyReference", src_dict, exc, _REQUIRED_KEYS, _ENUM_KEYS
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


# JSON name -> bit of `_nulls` (0 for required fields); a key not listed is an unknown field.
_BITS: dict[str, int] = {
    "id": 1,
    "name": 2,
    "description": 4,
    "links": 8,
    "tags": 16,
}
_REQUIRED_KEYS: tuple[str, ...] = ()
_ENUM_KEYS: tuple[str, ...] = ()
from ..models.company_reference_links import CompanyReferenceLinks
