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
class ErrorMessage:
    """Codat's error body."""

    status_code: int | None = None
    """ Status code Codat put in the body (may differ from the HTTP status). """
    service: str | None = None
    """ Codat service that answered. """
    error: str | None = None
    """ Codat's message. """
    correlation_id: str | None = None
    """ Identifier to quote to Codat support. """
    validation: ErrorValidation | None = None
    """ Validation errors and warnings, or null. """
    can_be_retried: str | None = None
    """ Codat's hint whether retrying can succeed. """
    detailed_error_code: int | None = None
    """ Machine-readable error code. """
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
            f"status_code={self.status_code!r}, "
            f"service={self.service!r}, "
            f"error={self.error!r}, "
            f"correlation_id={self.correlation_id!r}, "
            f"validation={self.validation!r}, "
            f"can_be_retried={self.can_be_retried!r}, "
            f"detailed_error_code={self.detailed_error_code!r}"
            f"{extra})"
        )

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = dict(self._extra) if self._extra else {}
        _nulls_ = self._nulls
        if self.status_code is not None or _nulls_ & 1:
            field_dict["statusCode"] = self.status_code
        if self.service is not None or _nulls_ & 2:
            field_dict["service"] = self.service
        if self.error is not None or _nulls_ & 4:
            field_dict["error"] = self.error
        if self.correlation_id is not None or _nulls_ & 8:
            field_dict["correlationId"] = self.correlation_id
        validation = self.validation
        if validation is not None:
            field_dict["validation"] = validation.to_dict()
        elif _nulls_ & 16:
            field_dict["validation"] = None
        if self.can_be_retried is not None or _nulls_ & 32:
            field_dict["canBeRetried"] = self.can_be_retried
        if self.detailed_error_code is not None or _nulls_ & 64:
            field_dict["detailedErrorCode"] = self.detailed_error_code
        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        try:
            status_code = src_dict.get("statusCode")
            if status_code is not None:
                if not (
                    isinstance(status_code, int) and not isinstance(status_code, bool)
                ):
                    raise wrong_type(
                        "ErrorMessage.statusCode", "an integer", status_code
                    )

            service = src_dict.get("service")
            if service is not None:
                if not isinstance(service, str):
                    raise wrong_type("ErrorMessage.service", "a string", service)

            error = src_dict.get("error")
            if error is not None:
                if not isinstance(error, str):
                    raise wrong_type("ErrorMessage.error", "a string", error)

            correlation_id = src_dict.get("correlationId")
            if correlation_id is not None:
                if not isinstance(correlation_id, str):
                    raise wrong_type(
                        "ErrorMessage.correlationId", "a string", correlation_id
                    )

            validation = src_dict.get("validation")
            if validation is not None:
                if not isinstance(validation, Mapping):
                    raise wrong_type(
                        "ErrorMessage.validation", "an object or null", validation
                    )
                validation = ErrorValidation.from_dict(validation)

            can_be_retried = src_dict.get("canBeRetried")
            if can_be_retried is not None:
                if not isinstance(can_be_retried, str):
                    raise wrong_type(
                        "ErrorMessage.canBeRetried", "a string", can_be_retried
                    )

            detailed_error_code = src_dict.get("detailedErrorCode")
            if detailed_error_code is not None:
                if not (
                    isinstance(detailed_error_code, int)
                    and not isinstance(detailed_error_code, bool)
                ):
                    raise wrong_type(
                        "ErrorMessage.detailedErrorCode",
                        "an integer",
                        detailed_error_code,
                    )

            _obj = cls(
                status_code,
                service,
                error,
                correlation_id,
                validation,
                can_be_retried,
                detailed_error_code,
            )
            if len(src_dict) != 0 + (status_code is not None) + (
                service is not None
            ) + (error is not None) + (correlation_id is not None) + (
                validation is not None
            ) + (can_be_retried is not None) + (detailed_error_code is not None):
                _obj._nulls, _obj._extra = leftovers(src_dict, _BITS)
            return _obj
        except (KeyError, TypeError, AttributeError) as exc:
            raise decode_failure(
                "ErrorMessage", src_dict, exc, _REQUIRED_KEYS, _ENUM_KEYS
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
    "statusCode": 1,
    "service": 2,
    "error": 4,
    "correlationId": 8,
    "validation": 16,
    "canBeRetried": 32,
    "detailedErrorCode": 64,
}
_REQUIRED_KEYS: tuple[str, ...] = ()
_ENUM_KEYS: tuple[str, ...] = ()
from ..models.error_validation import ErrorValidation
