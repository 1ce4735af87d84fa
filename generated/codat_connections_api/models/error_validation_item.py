from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ErrorValidationItem")


@_attrs_define
class ErrorValidationItem:
    """One validation finding."""

    item_id: None | str | Unset = UNSET
    """ Identifier of the item the finding is about. """
    message: None | str | Unset = UNSET
    """ What is wrong. """
    validator_name: None | str | Unset = UNSET
    """ Validator that reported it. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        item_id: None | str | Unset
        if isinstance(self.item_id, Unset):
            item_id = UNSET
        else:
            item_id = self.item_id

        message: None | str | Unset
        if isinstance(self.message, Unset):
            message = UNSET
        else:
            message = self.message

        validator_name: None | str | Unset
        if isinstance(self.validator_name, Unset):
            validator_name = UNSET
        else:
            validator_name = self.validator_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if item_id is not UNSET:
            field_dict["itemId"] = item_id
        if message is not UNSET:
            field_dict["message"] = message
        if validator_name is not UNSET:
            field_dict["validatorName"] = validator_name

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        item_id: None | str | Unset = src_dict.get("itemId", UNSET)

        message: None | str | Unset = src_dict.get("message", UNSET)

        validator_name: None | str | Unset = src_dict.get("validatorName", UNSET)

        error_validation_item = cls(
            item_id,
            message,
            validator_name,
        )

        known_present = (
            0
            + (item_id is not UNSET)
            + (message is not UNSET)
            + (validator_name is not UNSET)
        )
        if len(src_dict) != known_present:
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            error_validation_item.additional_properties = d
        return error_validation_item

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
        "itemId",
        "message",
        "validatorName",
    )
)
