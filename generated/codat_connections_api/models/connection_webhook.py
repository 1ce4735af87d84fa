from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ConnectionWebhook")


@_attrs_define
class ConnectionWebhook:
    """Body of a connection webhook; eventType says what happened to the connection."""

    id: str | Unset = UNSET
    """ Identifier of this event; every delivery attempt of one event carries the same one. """
    event_type: str | Unset = UNSET
    """ What happened, for example `connection.connected`; new types may appear. """
    generated_date: str | Unset = UNSET
    """ When Codat generated the event (ISO 8601, UTC). """
    payload: ConnectionWebhookPayload | Unset = UNSET
    """ What a connection webhook is about. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        event_type = self.event_type

        generated_date = self.generated_date

        payload: dict[str, Any] | Unset = UNSET
        if not isinstance(self.payload, Unset):
            payload = self.payload.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if event_type is not UNSET:
            field_dict["eventType"] = event_type
        if generated_date is not UNSET:
            field_dict["generatedDate"] = generated_date
        if payload is not UNSET:
            field_dict["payload"] = payload

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        id = src_dict.get("id", UNSET)

        event_type = src_dict.get("eventType", UNSET)

        generated_date = src_dict.get("generatedDate", UNSET)

        _payload = src_dict.get("payload", UNSET)
        payload: ConnectionWebhookPayload | Unset
        if isinstance(_payload, Unset):
            payload = UNSET
        else:
            payload = ConnectionWebhookPayload.from_dict(_payload)

        connection_webhook = cls(
            id,
            event_type,
            generated_date,
            payload,
        )

        known_present = (
            0
            + (id is not UNSET)
            + (event_type is not UNSET)
            + (generated_date is not UNSET)
            + (payload is not UNSET)
        )
        if len(src_dict) != known_present:
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            connection_webhook.additional_properties = d
        return connection_webhook

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
        "id",
        "eventType",
        "generatedDate",
        "payload",
    )
)
from ..models.connection_webhook_payload import ConnectionWebhookPayload
