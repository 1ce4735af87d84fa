from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ErrorMessage")


@_attrs_define
class ErrorMessage:
    """Codat's error body."""

    status_code: int | Unset = UNSET
    """ Status code Codat put in the body (may differ from the HTTP status). """
    service: str | Unset = UNSET
    """ Codat service that answered. """
    error: str | Unset = UNSET
    """ Codat's message. """
    correlation_id: str | Unset = UNSET
    """ Identifier to quote to Codat support. """
    validation: ErrorValidation | None | Unset = UNSET
    """ Validation errors and warnings, or null. """
    can_be_retried: str | Unset = UNSET
    """ Codat's hint whether retrying can succeed. """
    detailed_error_code: int | Unset = UNSET
    """ Machine-readable error code. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status_code = self.status_code

        service = self.service

        error = self.error

        correlation_id = self.correlation_id

        validation: dict[str, Any] | None | Unset
        if isinstance(self.validation, Unset):
            validation = UNSET
        elif isinstance(self.validation, ErrorValidation):
            validation = self.validation.to_dict()
        else:
            validation = self.validation

        can_be_retried = self.can_be_retried

        detailed_error_code = self.detailed_error_code

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if status_code is not UNSET:
            field_dict["statusCode"] = status_code
        if service is not UNSET:
            field_dict["service"] = service
        if error is not UNSET:
            field_dict["error"] = error
        if correlation_id is not UNSET:
            field_dict["correlationId"] = correlation_id
        if validation is not UNSET:
            field_dict["validation"] = validation
        if can_be_retried is not UNSET:
            field_dict["canBeRetried"] = can_be_retried
        if detailed_error_code is not UNSET:
            field_dict["detailedErrorCode"] = detailed_error_code

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        status_code = src_dict.get("statusCode", UNSET)

        service = src_dict.get("service", UNSET)

        error = src_dict.get("error", UNSET)

        correlation_id = src_dict.get("correlationId", UNSET)

        _validation = src_dict.get("validation", UNSET)
        validation: ErrorValidation | None | Unset
        if _validation is None or _validation is UNSET:
            validation = _validation
        else:
            validation_type_0 = ErrorValidation.from_dict(_validation)

            validation = validation_type_0

        can_be_retried = src_dict.get("canBeRetried", UNSET)

        detailed_error_code = src_dict.get("detailedErrorCode", UNSET)

        error_message = cls(
            status_code,
            service,
            error,
            correlation_id,
            validation,
            can_be_retried,
            detailed_error_code,
        )

        known_present = (
            0
            + (status_code is not UNSET)
            + (service is not UNSET)
            + (error is not UNSET)
            + (correlation_id is not UNSET)
            + (validation is not UNSET)
            + (can_be_retried is not UNSET)
            + (detailed_error_code is not UNSET)
        )
        if len(src_dict) != known_present:
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            error_message.additional_properties = d
        return error_message

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
        "statusCode",
        "service",
        "error",
        "correlationId",
        "validation",
        "canBeRetried",
        "detailedErrorCode",
    )
)
from ..models.error_validation import ErrorValidation
