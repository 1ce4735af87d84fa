from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ErrorValidation")


@_attrs_define
class ErrorValidation:
    """Validation findings of a failed request."""

    errors: list[ErrorValidationItem] | None | Unset = UNSET
    """ Findings that failed the request. """
    warnings: list[ErrorValidationItem] | None | Unset = UNSET
    """ Findings that did not fail the request. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        errors: list[dict[str, Any]] | None | Unset
        if isinstance(self.errors, Unset):
            errors = UNSET
        elif isinstance(self.errors, list):
            errors = []
            for errors_type_0_item_data in self.errors:
                errors_type_0_item = errors_type_0_item_data.to_dict()
                errors.append(errors_type_0_item)

        else:
            errors = self.errors

        warnings: list[dict[str, Any]] | None | Unset
        if isinstance(self.warnings, Unset):
            warnings = UNSET
        elif isinstance(self.warnings, list):
            warnings = []
            for warnings_type_0_item_data in self.warnings:
                warnings_type_0_item = warnings_type_0_item_data.to_dict()
                warnings.append(warnings_type_0_item)

        else:
            warnings = self.warnings

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if errors is not UNSET:
            field_dict["errors"] = errors
        if warnings is not UNSET:
            field_dict["warnings"] = warnings

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        _errors = src_dict.get("errors", UNSET)
        errors: list[ErrorValidationItem] | None | Unset
        if _errors is None or _errors is UNSET:
            errors = _errors
        else:
            _decode_errors_type_0 = ErrorValidationItem.from_dict
            errors_type_0 = [_decode_errors_type_0(item) for item in _errors]

            errors = errors_type_0

        _warnings = src_dict.get("warnings", UNSET)
        warnings: list[ErrorValidationItem] | None | Unset
        if _warnings is None or _warnings is UNSET:
            warnings = _warnings
        else:
            _decode_warnings_type_0 = ErrorValidationItem.from_dict
            warnings_type_0 = [_decode_warnings_type_0(item) for item in _warnings]

            warnings = warnings_type_0

        error_validation = cls(
            errors,
            warnings,
        )

        known_present = 0 + (errors is not UNSET) + (warnings is not UNSET)
        if len(src_dict) != known_present:
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            error_validation.additional_properties = d
        return error_validation

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
        "errors",
        "warnings",
    )
)
from ..models.error_validation_item import ErrorValidationItem
