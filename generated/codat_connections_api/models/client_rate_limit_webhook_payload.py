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
class ClientRateLimitWebhookPayload:
    """The client's daily quota when the event was generated."""

    daily_quota: int | None = None
    """ Requests allowed per day. """
    quota_remaining: int | None = None
    """ Requests left today. """
    expiry_date: str | None = None
    """ When the daily quota renews (ISO 8601, UTC). """
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
            f"daily_quota={self.daily_quota!r}, "
            f"quota_remaining={self.quota_remaining!r}, "
            f"expiry_date={self.expiry_date!r}"
            f"{extra})"
        )

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = dict(self._extra) if self._extra else {}
        _nulls_ = self._nulls
        if self.daily_quota is not None or _nulls_ & 1:
            field_dict["dailyQuota"] = self.daily_quota
        if self.quota_remaining is not None or _nulls_ & 2:
            field_dict["quotaRemaining"] = self.quota_remaining
        if self.expiry_date is not None or _nulls_ & 4:
            field_dict["expiryDate"] = self.expiry_date
        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        try:
            daily_quota = src_dict.get("dailyQuota")
            if daily_quota is not None:
                if not (
                    isinstance(daily_quota, int) and not isinstance(daily_quota, bool)
                ):
                    raise wrong_type(
                        "ClientRateLimitWebhookPayload.dailyQuota",
                        "an integer",
                        daily_quota,
                    )

            quota_remaining = src_dict.get("quotaRemaining")
            if quota_remaining is not None:
                if not (
                    isinstance(quota_remaining, int)
                    and not isinstance(quota_remaining, bool)
                ):
                    raise wrong_type(
                        "ClientRateLimitWebhookPayload.quotaRemaining",
                        "an integer",
                        quota_remaining,
                    )

            expiry_date = src_dict.get("expiryDate")
            if expiry_date is not None:
                if not isinstance(expiry_date, str):
                    raise wrong_type(
                        "ClientRateLimitWebhookPayload.expiryDate",
                        "a string",
                        expiry_date,
                    )

            _obj = cls(
                daily_quota,
                quota_remaining,
                expiry_date,
            )
            if len(src_dict) != 0 + (daily_quota is not None) + (
                quota_remaining is not None
            ) + (expiry_date is not None):
                _obj._nulls, _obj._extra = leftovers(src_dict, _BITS)
            return _obj
        except (KeyError, TypeError, AttributeError) as exc:
            raise decode_failure(
                "ClientRateLimitWebhookPayload",
                src_dict,
                exc,
                _REQUIRED_KEYS,
                _ENUM_KEYS,
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
    "dailyQuota": 1,
    "quotaRemaining": 2,
    "expiryDate": 4,
}
_REQUIRED_KEYS: tuple[str, ...] = ()
_ENUM_KEYS: tuple[str, ...] = ()
