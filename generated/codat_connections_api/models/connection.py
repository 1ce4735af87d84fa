from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.connection_status import ConnectionStatus
from ..models.source_type import SourceType
from ..types import UNSET, Unset

T = TypeVar("T", bound="Connection")


@_attrs_define
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
    integration_key: str | Unset = UNSET
    """ Four-letter platform key, for example `gbol` for Xero. Stable when a platform is renamed. """
    last_sync: None | str | Unset = UNSET
    """ When data was last pulled through the connection (ISO 8601), or null. """
    data_connection_errors: list[DataConnectionError] | None | Unset = UNSET
    """ Errors the platform reported for the connection, or null. """
    connection_info: ConnectionInfo | None | Unset = UNSET
    """ Platform-specific details; values may be any JSON. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        integration_id = self.integration_id

        source_id = self.source_id

        source_type = self.source_type.value

        platform_name = self.platform_name

        link_url = self.link_url

        status = self.status.value

        created = self.created

        integration_key = self.integration_key

        last_sync: None | str | Unset
        if isinstance(self.last_sync, Unset):
            last_sync = UNSET
        else:
            last_sync = self.last_sync

        data_connection_errors: list[dict[str, Any]] | None | Unset
        if isinstance(self.data_connection_errors, Unset):
            data_connection_errors = UNSET
        elif isinstance(self.data_connection_errors, list):
            data_connection_errors = []
            for data_connection_errors_type_0_item_data in self.data_connection_errors:
                data_connection_errors_type_0_item = (
                    data_connection_errors_type_0_item_data.to_dict()
                )
                data_connection_errors.append(data_connection_errors_type_0_item)

        else:
            data_connection_errors = self.data_connection_errors

        connection_info: dict[str, Any] | None | Unset
        if isinstance(self.connection_info, Unset):
            connection_info = UNSET
        elif isinstance(self.connection_info, ConnectionInfo):
            connection_info = self.connection_info.to_dict()
        else:
            connection_info = self.connection_info

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "integrationId": integration_id,
                "sourceId": source_id,
                "sourceType": source_type,
                "platformName": platform_name,
                "linkUrl": link_url,
                "status": status,
                "created": created,
            }
        )
        if integration_key is not UNSET:
            field_dict["integrationKey"] = integration_key
        if last_sync is not UNSET:
            field_dict["lastSync"] = last_sync
        if data_connection_errors is not UNSET:
            field_dict["dataConnectionErrors"] = data_connection_errors
        if connection_info is not UNSET:
            field_dict["connectionInfo"] = connection_info

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        id = src_dict["id"]

        integration_id = src_dict["integrationId"]

        source_id = src_dict["sourceId"]

        source_type = _lookup_SourceType(src_dict["sourceType"]) or SourceType(
            src_dict["sourceType"]
        )

        platform_name = src_dict["platformName"]

        link_url = src_dict["linkUrl"]

        status = _lookup_ConnectionStatus(src_dict["status"]) or ConnectionStatus(
            src_dict["status"]
        )

        created = src_dict["created"]

        integration_key = src_dict.get("integrationKey", UNSET)

        last_sync: None | str | Unset = src_dict.get("lastSync", UNSET)

        _data_connection_errors = src_dict.get("dataConnectionErrors", UNSET)
        data_connection_errors: list[DataConnectionError] | None | Unset
        if _data_connection_errors is None or _data_connection_errors is UNSET:
            data_connection_errors = _data_connection_errors
        else:
            _decode_data_connection_errors_type_0 = DataConnectionError.from_dict
            data_connection_errors_type_0 = [
                _decode_data_connection_errors_type_0(item)
                for item in _data_connection_errors
            ]

            data_connection_errors = data_connection_errors_type_0

        _connection_info = src_dict.get("connectionInfo", UNSET)
        connection_info: ConnectionInfo | None | Unset
        if _connection_info is None or _connection_info is UNSET:
            connection_info = _connection_info
        else:
            connection_info_type_0 = ConnectionInfo.from_dict(_connection_info)

            connection_info = connection_info_type_0

        connection = cls(
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

        known_present = (
            8
            + (integration_key is not UNSET)
            + (last_sync is not UNSET)
            + (data_connection_errors is not UNSET)
            + (connection_info is not UNSET)
        )
        if len(src_dict) != known_present:
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            connection.additional_properties = d
        return connection

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
_KNOWN_KEYS: frozenset[str] = frozenset(
    (
        "id",
        "integrationId",
        "sourceId",
        "sourceType",
        "platformName",
        "linkUrl",
        "status",
        "created",
        "integrationKey",
        "lastSync",
        "dataConnectionErrors",
        "connectionInfo",
    )
)
from ..models.connection_info import ConnectionInfo
from ..models.data_connection_error import DataConnectionError
