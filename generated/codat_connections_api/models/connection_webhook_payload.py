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
class ConnectionWebhookPayload:
    """What a connection webhook is about."""

    reference_company: CompanyReference | None = None
    """ A short reference to a company. """
    connection: Connection | None = None
    """ A company's link to one accounting, banking or commerce platform, and its authorization status. """
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
            f"reference_company={self.reference_company!r}, "
            f"connection={self.connection!r}"
            f"{extra})"
        )

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = dict(self._extra) if self._extra else {}
        _nulls_ = self._nulls
        reference_company = self.reference_company
        if reference_company is not None:
            field_dict["referenceCompany"] = reference_company.to_dict()
        elif _nulls_ & 1:
            field_dict["referenceCompany"] = None
        connection = self.connection
        if connection is not None:
            field_dict["connection"] = connection.to_dict()
        elif _nulls_ & 2:
            field_dict["connection"] = None
        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        try:
            reference_company = src_dict.get("referenceCompany")
            if reference_company is not None:
                if not isinstance(reference_company, Mapping):
                    raise wrong_type(
                        "ConnectionWebhookPayload.referenceCompany",
                        "an object",
                        reference_company,
                    )
                reference_company = CompanyReference.from_dict(reference_company)

            connection = src_dict.get("connection")
            if connection is not None:
                if not isinstance(connection, Mapping):
                    raise wrong_type(
                        "ConnectionWebhookPayload.connection", "an object", connection
                    )
                connection = Connection.from_dict(connection)

            _obj = cls(
                reference_company,
                connection,
            )
            if len(src_dict) != 0 + (reference_company is not None) + (
                connection is not None
            ):
                _obj._nulls, _obj._extra = leftovers(src_dict, _BITS)
            return _obj
        except (KeyError, TypeError, AttributeError) as exc:
            raise decode_failure(
                "ConnectionWebhookPayload", src_dict, exc, _REQUIRED_KEYS, _ENUM_KEYS
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
    "referenceCompany": 1,
    "connection": 2,
}
_REQUIRED_KEYS: tuple[str, ...] = ()
_ENUM_KEYS: tuple[str, ...] = ()
from ..models.company_reference import CompanyReference
from ..models.connection import Connection
