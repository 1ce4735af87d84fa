from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Connections")


@_attrs_define
class Connections:
    """One page of connections with paging information."""

    page_number: int
    """ Number of this page, counting from 1. """
    page_size: int
    """ Records per page asked for. """
    total_results: int
    """ Number of records across all pages after filtering. """
    field_links: Links
    """ Relative hypertext links of a page; `next` is absent on the last page. """
    results: list[Connection] | Unset = UNSET
    """ The connections on this page. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        page_number = self.page_number

        page_size = self.page_size

        total_results = self.total_results

        field_links = self.field_links.to_dict()

        results: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.results, Unset):
            results = []
            for results_item_data in self.results:
                results_item = results_item_data.to_dict()
                results.append(results_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "pageNumber": page_number,
                "pageSize": page_size,
                "totalResults": total_results,
                "_links": field_links,
            }
        )
        if results is not UNSET:
            field_dict["results"] = results

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        page_number = src_dict["pageNumber"]

        page_size = src_dict["pageSize"]

        total_results = src_dict["totalResults"]

        field_links = Links.from_dict(src_dict["_links"])

        _results = src_dict.get("results", UNSET)
        results: list[Connection] | Unset
        if _results is UNSET:
            results = UNSET
        else:
            _decode_results = Connection.from_dict
            results = [_decode_results(item) for item in _results]

        connections = cls(
            page_number,
            page_size,
            total_results,
            field_links,
            results,
        )

        known_present = 4 + (results is not UNSET)
        if len(src_dict) != known_present:
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            connections.additional_properties = d
        return connections

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
        "pageNumber",
        "pageSize",
        "totalResults",
        "_links",
        "results",
    )
)
from ..models.connection import Connection
from ..models.links import Links
