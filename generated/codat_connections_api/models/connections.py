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
    results: list[Connection] | None = None
    """ The connections on this page. """
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
            f"page_number={self.page_number!r}, "
            f"page_size={self.page_size!r}, "
            f"total_results={self.total_results!r}, "
            f"field_links={self.field_links!r}, "
            f"results={self.results!r}"
            f"{extra})"
        )

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = dict(self._extra) if self._extra else {}
        field_dict["pageNumber"] = self.page_number
        field_dict["pageSize"] = self.page_size
        field_dict["totalResults"] = self.total_results
        field_dict["_links"] = self.field_links.to_dict()
        _nulls_ = self._nulls
        results = self.results
        if results is not None:
            field_dict["results"] = [item.to_dict() for item in results]
        elif _nulls_ & 1:
            field_dict["results"] = None
        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        try:
            page_number = src_dict["pageNumber"]
            if not (isinstance(page_number, int) and not isinstance(page_number, bool)):
                raise wrong_type("Connections.pageNumber", "an integer", page_number)

            page_size = src_dict["pageSize"]
            if not (isinstance(page_size, int) and not isinstance(page_size, bool)):
                raise wrong_type("Connections.pageSize", "an integer", page_size)

            total_results = src_dict["totalResults"]
            if not (
                isinstance(total_results, int) and not isinstance(total_results, bool)
            ):
                raise wrong_type(
                    "Connections.totalResults", "an integer", total_results
                )

            field_links = src_dict["_links"]
            if not isinstance(field_links, Mapping):
                raise wrong_type("Connections._links", "an object", field_links)
            field_links = Links.from_dict(field_links)

            results = src_dict.get("results")
            if results is not None:
                if not isinstance(results, list):
                    raise wrong_type("Connections.results", "an array", results)
                if results:  # an empty list is kept as decoded
                    _decode_results = Connection.from_dict
                    results = [_decode_results(item) for item in results]

            _obj = cls(
                page_number,
                page_size,
                total_results,
                field_links,
                results,
            )
            if len(src_dict) != 4 + (results is not None):
                _obj._nulls, _obj._extra = leftovers(src_dict, _BITS)
            return _obj
        except (KeyError, TypeError, AttributeError) as exc:
            raise decode_failure(
                "Connections", src_dict, exc, _REQUIRED_KEYS, _ENUM_KEYS
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
    "pageNumber": 0,
    "pageSize": 0,
    "totalResults": 0,
    "_links": 0,
    "results": 1,
}
_REQUIRED_KEYS: tuple[str, ...] = (
    "pageNumber",
    "pageSize",
    "totalResults",
    "_links",
)
_ENUM_KEYS: tuple[str, ...] = ()
from ..models.connection import Connection
from ..models.links import Links
