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
class ErrorValidation:
    """Validation findings of a failed request."""

    errors: list[ErrorValidationItem] | None = None
    """ Findings that failed the request. """
    warnings: list[ErrorValidationItem] | None = None
    """ Findings that did not fail the request. """
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
            f"errors={self.errors!r}, "
            f"warnings={self.warnings!r}"
            f"{extra})"
        )

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = dict(self._extra) if self._extra else {}
        _nulls_ = self._nulls
        errors = self.errors
        if errors is not None:
            field_dict["errors"] = [item.to_dict() for item in errors]
        elif _nulls_ & 1:
            field_dict["errors"] = None
        warnings = self.warnings
        if warnings is not None:
            field_dict["warnings"] = [item.to_dict() for item in warnings]
        elif _nulls_ & 2:
            field_dict["warnings"] = None
        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        try:
            errors = src_dict.get("errors")
            if errors is not None:
                if not isinstance(errors, list):
                    raise wrong_type(
                        "ErrorValidation.errors", "an array or null", errors
                    )
                if errors:  # an empty list is kept as decoded
                    _decode_errors = ErrorValidationItem.from_dict
                    errors = [_decode_errors(item) for item in errors]

            warnings = src_dict.get("warnings")
            if warnings is not None:
                if not isinstance(warnings, list):
                    raise wrong_type(
                        "ErrorValidation.warnings", "an array or null", warnings
                    )
                if warnings:  # an empty list is kept as decoded
                    _decode_warnings = ErrorValidationItem.from_dict
                    warnings = [_decode_warnings(item) for item in warnings]

            _obj = cls(
                errors,
                warnings,
            )
            if len(src_dict) != 0 + (errors is not None) + (warnings is not None):
                _obj._nulls, _obj._extra = leftovers(src_dict, _BITS)
            return _obj
        except (KeyError, TypeError, AttributeError) as exc:
            raise decode_failure(
                "ErrorValidation", src_dict, exc, _REQUIRED_KEYS, _ENUM_KEYS
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
    "errors": 1,
    "warnings": 2,
}
_REQUIRED_KEYS: tuple[str, ...] = ()
_ENUM_KEYS: tuple[str, ...] = ()
from ..models.error_validation_item import ErrorValidationItem
