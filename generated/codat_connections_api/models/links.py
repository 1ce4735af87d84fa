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
class Links:
    """Relative hypertext links of a page; `next` is absent on the last page."""

    self_: HalRef
    """ A relative link. """
    current: HalRef
    """ A relative link. """
    next_: HalRef | None = None
    """ A relative link. """
    previous: HalRef | None = None
    """ A relative link. """
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
            f"self_={self.self_!r}, "
            f"current={self.current!r}, "
            f"next_={self.next_!r}, "
            f"previous={self.previous!r}"
            f"{extra})"
        )

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = dict(self._extra) if self._extra else {}
        field_dict["self"] = self.self_.to_dict()
        field_dict["current"] = self.current.to_dict()
        _nulls_ = self._nulls
        next_ = self.next_
        if next_ is not None:
            field_dict["next"] = next_.to_dict()
        elif _nulls_ & 1:
            field_dict["next"] = None
        previous = self.previous
        if previous is not None:
            field_dict["previous"] = previous.to_dict()
        elif _nulls_ & 2:
            field_dict["previous"] = None
        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        try:
            self_ = src_dict["self"]
            if not isinstance(self_, Mapping):
                raise wrong_type("Links.self", "an object", self_)
            self_ = HalRef.from_dict(self_)

            current = src_dict["current"]
            if not isinstance(current, Mapping):
                raise wrong_type("Links.current", "an object", current)
            current = HalRef.from_dict(current)

            next_ = src_dict.get("next")
            if next_ is not None:
                if not isinstance(next_, Mapping):
                    raise wrong_type("Links.next", "an object", next_)
                next_ = HalRef.from_dict(next_)

            previous = src_dict.get("previous")
            if previous is not None:
                if not isinstance(previous, Mapping):
                    raise wrong_type("Links.previous", "an object", previous)
                previous = HalRef.from_dict(previous)

            _obj = cls(
                self_,
                current,
                next_,
                previous,
            )
            if len(src_dict) != 2 + (next_ is not None) + (previous is not None):
                _obj._nulls, _obj._extra = leftovers(src_dict, _BITS)
            return _obj
        except (KeyError, TypeError, AttributeError) as exc:
            raise decode_failure(
                "Links", src_dict, exc, _REQUIRED_KEYS, _ENUM_KEYS
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
    "self": 0,
    "current": 0,
    "next": 1,
    "previous": 2,
}
_REQUIRED_KEYS: tuple[str, ...] = (
    "self",
    "current",
)
_ENUM_KEYS: tuple[str, ...] = ()
from ..models.hal_ref import HalRef
