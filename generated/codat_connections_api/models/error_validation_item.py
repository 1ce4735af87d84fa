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
class ErrorValidationItem:
    """One validation finding."""

    item_id: str | None = None
    """ Identifier of the item the finding is about. """
    message: str | None = None
    """ What is wrong. """
    validator_name: str | None = None
    """ Validator that reported it. """
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
            f"item_id={self.item_id!r}, "
            f"message={self.message!r}, "
            f"validator_name={self.validator_name!r}"
            f"{extra})"
        )

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = dict(self._extra) if self._extra else {}
        _nulls_ = self._nulls
        if self.item_id is not None or _nulls_ & 1:
            field_dict["itemId"] = self.item_id
        if self.message is not None or _nulls_ & 2:
            field_dict["message"] = self.message
        if self.validator_name is not None or _nulls_ & 4:
            field_dict["validatorName"] = self.validator_name
        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        try:
            item_id = src_dict.get("itemId")
            if item_id is not None:
                if not isinstance(item_id, str):
                    raise wrong_type(
                        "ErrorValidationItem.itemId", "a string or null", item_id
                    )

            message = src_dict.get("message")
            if message is not None:
                if not isinstance(message, str):
                    raise wrong_type(
                        "ErrorValidationItem.message", "a string or null", message
                    )

            validator_name = src_dict.get("validatorName")
            if validator_name is not None:
                if not isinstance(validator_name, str):
                    raise wrong_type(
                        "ErrorValidationItem.validatorName",
                        "a string or null",
                        validator_name,
                    )

            _obj = cls(
                item_id,
                message,
                validator_name,
            )
            if len(src_dict) != 0 + (item_id is not None) + (message is not None) + (
                validator_name is not None
            ):
                _obj._nulls, _obj._extra = leftovers(src_dict, _BITS)
            return _obj
        except (KeyError, TypeError, AttributeError) as exc:
            raise decode_failure(
                "ErrorValidationItem", src_dict, exc, _REQUIRED_KEYS, _ENUM_KEYS
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
    "itemId": 1,
    "message": 2,
    "validatorName": 4,
}
_REQUIRED_KEYS: tuple[str, ...] = ()
_ENUM_KEYS: tuple[str, ...] = ()
