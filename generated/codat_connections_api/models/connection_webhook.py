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
class ConnectionWebhook:
    """Body of a connection webhook; eventType says what happened to the connection."""

    id: str | None = None
    """ Identifier of this event; every delivery attempt of one event carries the same one. """
    event_type: str | None = None
    """ What happened, for example `connection.connected`; new types may appear. """
    generated_date: str | None = None
    """ When Codat generated the event (ISO 8601, UTC). """
    payload: ConnectionWebhookPayload | None = None
    """ What a connection webhook is about. """
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
            f"id={self.id!r}, "
            f"event_type={self.event_type!r}, "
            f"generated_date={self.generated_date!r}, "
            f"payload={self.payload!r}"
            f"{extra})"
        )

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = dict(self._extra) if self._extra else {}
        _nulls_ = self._nulls
        if self.id is not None or _nulls_ & 1:
            field_dict["id"] = self.id
        if self.event_type is not None or _nulls_ & 2:
            field_dict["eventType"] = self.event_type
        if self.generated_date is not None or _nulls_ & 4:
            field_dict["generatedDate"] = self.generated_date
        payload = self.payload
        if payload is not None:
            field_dict["payload"] = payload.to_dict()
        elif _nulls_ & 8:
            field_dict["payload"] = None
        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        try:
            id = src_dict.get("id")
            if id is not None:
                if not isinstance(id, str):
                    raise wrong_type("ConnectionWebhook.id", "a string", id)

            event_type = src_dict.get("eventType")
            if event_type is not None:
                if not isinstance(event_type, str):
                    raise wrong_type(
                        "ConnectionWebhook.eventType", "a string", event_type
                    )

            generated_date = src_dict.get("generatedDate")
            if generated_date is not None:
                if not isinstance(generated_date, str):
                    raise wrong_type(
                        "ConnectionWebhook.generatedDate", "a string", generated_date
                    )

            payload = src_dict.get("payload")
            if payload is not None:
                if not isinstance(payload, Mapping):
                    raise wrong_type("ConnectionWebhook.payload", "an object", payload)
                payload = ConnectionWebhookPayload.from_dict(payload)

            _obj = cls(
                id,
                event_type,
                generated_date,
                payload,
            )
            if len(src_dict) != 0 + (id is not None) + (event_type is not None) + (
                generated_date is not None
            ) + (payload is not None):
                _obj._nulls, _obj._extra = leftovers(src_dict, _BITS)
            return _obj
        except (KeyError, TypeError, AttributeError) as exc:
            raise decode_failure(
                "ConnectionWebhook", src_dict, exc, _REQUIRED_KEYS, _ENUM_KEYS
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
    "id": 1,
    "eventType": 2,
    "generatedDate": 4,
    "payload": 8,
}
_REQUIRED_KEYS: tuple[str, ...] = ()
_ENUM_KEYS: tuple[str, ...] = ()
from ..models.connection_webhook_payload import ConnectionWebhookPayload
