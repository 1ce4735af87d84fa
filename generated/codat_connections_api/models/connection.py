from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.connection_status import ConnectionStatus
from ..models.source_type import SourceType
from ..types import (
    decode_enum,
    decode_failure,
    empty_as_none,
    leftovers,
    wrong_type,
)


@_attrs_define(repr=False)
class Connection:
    """A company's link to one accounting, banking or commerce platform, and its authorization status.

    Example:
        {'id': 'ee2eb431-c0fa-4dc9-93fa-d29781c12bcd', 'integrationId': 'bf083d72-62c7-493e-aec9-81b4dbba7e2c',
            'integrationKey': 'dfxm', 'sourceId': 'bdd831ce-eebd-4896-89a7-20e5ee8989ee', 'platformName': 'Basiq',
            'linkUrl': 'https://link-api.codat.io/companies/86bd88cb-44ab-4dfb-b32f-87b19b14287f/connections/ee2eb431-c0fa-
            4dc9-93fa-d29781c12bcd/start', 'status': 'Linked', 'lastSync': '2022-10-27T10:22:43.6464237Z', 'created':
            '2022-10-27T09:53:29Z', 'sourceType': 'Banking'}

    """

    id: str
    """ Identifier of the connection. """
    integration_id: str
    """ Identifier of the integration in Codat. """
    source_id: str
    """ Identifier of the source within the connection (several banks can share one integration). """
    source_type: SourceType
    """ Kind of platform a connection reaches. """
    platform_name: str
    """ Display name of the platform. """
    link_url: str
    """ URL the end user opens to authorize (or re-authorize) the connection. """
    status: ConnectionStatus
    """ Authorization status: PendingAuth until the end user links, then Linked; Unlinked by the client;
    Deauthorized when the platform withdraws access. """
    created: str
    """ When the connection was created (ISO 8601). """
    integration_key: str | None = None
    """ Four-letter platform key, for example `gbol` for Xero. Stable when a platform is renamed. """
    last_sync: str | None = None
    """ When data was last pulled through the connection (ISO 8601), or null. """
    data_connection_errors: list[DataConnectionError] | None = None
    """ Errors the platform reported for the connection, or null. """
    connection_info: dict[str, Any] | None = None
    """ Platform-specific details; values may be any JSON. """
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
            f"integration_id={self.integration_id!r}, "
            f"source_id={self.source_id!r}, "
            f"source_type={self.source_type!r}, "
            f"platform_name={self.platform_name!r}, "
            f"link_url={self.link_url!r}, "
            f"status={self.status!r}, "
            f"created={self.created!r}, "
            f"integration_key={self.integration_key!r}, "
            f"last_sync={self.last_sync!r}, "
            f"data_connection_errors={self.data_connection_errors!r}, "
            f"connection_info={self.connection_info!r}"
            f"{extra})"
        )

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = dict(self._extra) if self._extra else {}
        field_dict["id"] = self.id
        field_dict["integrationId"] = self.integration_id
        field_dict["sourceId"] = self.source_id
        field_dict["sourceType"] = self.source_type.value
        field_dict["platformName"] = self.platform_name
        field_dict["linkUrl"] = self.link_url
        field_dict["status"] = self.status.value
        field_dict["created"] = self.created
        _nulls_ = self._nulls
        if self.integration_key is not None or _nulls_ & 1:
            field_dict["integrationKey"] = self.integration_key
        if self.last_sync is not None or _nulls_ & 2:
            field_dict["lastSync"] = self.last_sync
        data_connection_errors = self.data_connection_errors
        if data_connection_errors is not None:
            field_dict["dataConnectionErrors"] = [
                item.to_dict() for item in data_connection_errors
            ]
        elif _nulls_ & 4:
            field_dict["dataConnectionErrors"] = None
        if self.connection_info is not None or _nulls_ & 8:
            field_dict["connectionInfo"] = self.connection_info
        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        try:
            id = src_dict["id"]
            if not isinstance(id, str):
                raise wrong_type("Connection.id", "a string", id)

            integration_id = src_dict["integrationId"]
            if not isinstance(integration_id, str):
                raise wrong_type("Connection.integrationId", "a string", integration_id)

            source_id = src_dict["sourceId"]
            if not isinstance(source_id, str):
                raise wrong_type("Connection.sourceId", "a string", source_id)

            source_type = src_dict["sourceType"]
            source_type = _lookup_SourceType(source_type) or decode_enum(
                SourceType, "Connection.sourceType", source_type
            )

            platform_name = src_dict["platformName"]
            if not isinstance(platform_name, str):
                raise wrong_type("Connection.platformName", "a string", platform_name)

            link_url = src_dict["linkUrl"]
            if not isinstance(link_url, str):
                raise wrong_type("Connection.linkUrl", "a string", link_url)

            status = src_dict["status"]
            status = _lookup_ConnectionStatus(status) or decode_enum(
                ConnectionStatus, "Connection.status", status
            )

            created = src_dict["created"]
            if not isinstance(created, str):
                raise wrong_type("Connection.created", "a string", created)

            integration_key = src_dict.get("integrationKey")
            if integration_key is not None:
                if not isinstance(integration_key, str):
                    raise wrong_type(
                        "Connection.integrationKey", "a string", integration_key
                    )

            last_sync = src_dict.get("lastSync")
            if last_sync is not None:
                if not isinstance(last_sync, str):
                    raise wrong_type(
                        "Connection.lastSync", "a string or null", last_sync
                    )

            data_connection_errors = src_dict.get("dataConnectionErrors")
            if data_connection_errors is not None:
                if not isinstance(data_connection_errors, list):
                    raise wrong_type(
                        "Connection.dataConnectionErrors",
                        "an array or null",
                        data_connection_errors,
                    )
                if data_connection_errors:  # an empty list is kept as decoded
                    _decode_data_connection_errors = DataConnectionError.from_dict
                    data_connection_errors = [
                        _decode_data_connection_errors(item)
                        for item in data_connection_errors
                    ]

            connection_info = src_dict.get("connectionInfo")
            if connection_info is not None:
                if not isinstance(connection_info, dict):
                    raise wrong_type(
                        "Connection.connectionInfo",
                        "an object or null",
                        connection_info,
                    )

            _obj = cls(
                id,
                integration_id,
                source_id,
                source_type,
                platform_name,
                link_url,
                status,
                created,
                integration_key,
                last_sync,
                data_connection_errors,
                connection_info,
            )
            if len(src_dict) != 8 + (integration_key is not None) + (
                last_sync is not None
            ) + (data_connection_errors is not None) + (connection_info is not None):
                _obj._nulls, _obj._extra = leftovers(src_dict, _BITS)
            return _obj
        except (KeyError, TypeError, AttributeError) as exc:
            raise decode_failure(
                "Connection", src_dict, exc, _REQUIRED_KEYS, _ENUM_KEYS
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


_lookup_ConnectionStatus = ConnectionStatus._lookup
_lookup_SourceType = SourceType._lookup
# JSON name -> bit of `_nulls` (0 for required fields); a key not listed is an unknown field.
_BITS: dict[str, int] = {
    "id": 0,
    "integrationId": 0,
    "sourceId": 0,
    "sourceType": 0,
    "platformName": 0,
    "linkUrl": 0,
    "status": 0,
    "created": 0,
    "integrationKey": 1,
    "lastSync": 2,
    "dataConnectionErrors": 4,
    "connectionInfo": 8,
}
_REQUIRED_KEYS: tuple[str, ...] = (
    "id",
    "integrationId",
    "sourceId",
    "sourceType",
    "platformName",
    "linkUrl",
    "status",
    "created",
)
_ENUM_KEYS: tuple[str, ...] = (
    "sourceType",
    "status",
)
from ..models.data_connection_error import DataConnectionError
