from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Links")


@_attrs_define
class Links:
    """Relative hypertext links of a page; `next` is absent on the last page."""

    self_: HalRef
    """ A relative link. """
    current: HalRef
    """ A relative link. """
    next_: HalRef | Unset = UNSET
    """ A relative link. """
    previous: HalRef | Unset = UNSET
    """ A relative link. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        self_ = self.self_.to_dict()

        current = self.current.to_dict()

        next_: dict[str, Any] | Unset = UNSET
        if not isinstance(self.next_, Unset):
            next_ = self.next_.to_dict()

        previous: dict[str, Any] | Unset = UNSET
        if not isinstance(self.previous, Unset):
            previous = self.previous.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "self": self_,
                "current": current,
            }
        )
        if next_ is not UNSET:
            field_dict["next"] = next_
        if previous is not UNSET:
            field_dict["previous"] = previous

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        self_ = HalRef.from_dict(src_dict["self"])

        current = HalRef.from_dict(src_dict["current"])

        _next_ = src_dict.get("next", UNSET)
        next_: HalRef | Unset
        if isinstance(_next_, Unset):
            next_ = UNSET
        else:
            next_ = HalRef.from_dict(_next_)

        _previous = src_dict.get("previous", UNSET)
        previous: HalRef | Unset
        if isinstance(_previous, Unset):
            previous = UNSET
        else:
            previous = HalRef.from_dict(_previous)

        links = cls(
            self_,
            current,
            next_,
            previous,
        )

        known_present = 2 + (next_ is not UNSET) + (previous is not UNSET)
        if len(src_dict) != known_present:
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            links.additional_properties = d
        return links

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
        "self",
        "current",
        "next",
        "previous",
    )
)
from ..models.hal_ref import HalRef
