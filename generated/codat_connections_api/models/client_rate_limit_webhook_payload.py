from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ClientRateLimitWebhookPayload")


@_attrs_define
class ClientRateLimitWebhookPayload:
    """The client's daily quota when the event was generated."""

    daily_quota: int | Unset = UNSET
    """ Requests allowed per day. """
    quota_remaining: int | Unset = UNSET
    """ Requests left today. """
    expiry_date: str | Unset = UNSET
    """ When the daily quota renews (ISO 8601, UTC). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        daily_quota = self.daily_quota

        quota_remaining = self.quota_remaining

        expiry_date = self.expiry_date

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if daily_quota is not UNSET:
            field_dict["dailyQuota"] = daily_quota
        if quota_remaining is not UNSET:
            field_dict["quotaRemaining"] = quota_remaining
        if expiry_date is not UNSET:
            field_dict["expiryDate"] = expiry_date

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        daily_quota = src_dict.get("dailyQuota", UNSET)

        quota_remaining = src_dict.get("quotaRemaining", UNSET)

        expiry_date = src_dict.get("expiryDate", UNSET)

        client_rate_limit_webhook_payload = cls(
            daily_quota,
            quota_remaining,
            expiry_date,
        )

        known_present = (
            0
            + (daily_quota is not UNSET)
            + (quota_remaining is not UNSET)
            + (expiry_date is not UNSET)
        )
        if len(src_dict) != known_present:
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            client_rate_limit_webhook_payload.additional_properties = d
        return client_rate_limit_webhook_payload

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
        "dailyQuota",
        "quotaRemaining",
        "expiryDate",
    )
)
