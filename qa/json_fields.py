"""Dataclasses, and the enums and pydantic models inside them, to JSON values and back by their fields'
declared types: enums by value, tuples and frozensets as lists (frozensets sorted, so that equal values
serialise alike). JSON rather than pickle: what a shared store hands back can only ever become one of
the declared types, never run code."""
from __future__ import annotations

import json
import types
from dataclasses import fields, is_dataclass
from enum import Enum
from functools import cache
from typing import Any, Union, get_args, get_origin, get_type_hints

from pydantic import BaseModel

from index.choices import parse_choice

JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]
SCALARS = (bool, int, float, str)


class UnreadableJson(ValueError):
    """A JSON value that does not have the shape of the type it is read as."""


def to_json_value(value: object) -> JsonValue:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if is_dataclass(value) and not isinstance(value, type):
        return {field.name: to_json_value(getattr(value, field.name)) for field in fields(value)}
    if isinstance(value, Enum):  # before the scalars: a str enum is a str too
        return value.value
    if isinstance(value, frozenset):
        return sorted((to_json_value(item) for item in value), key=json.dumps)
    if isinstance(value, tuple | list):
        return [to_json_value(item) for item in value]
    if value is None or isinstance(value, SCALARS):
        return value
    raise TypeError(f"cannot write a {type(value).__name__} as JSON")


def from_json_value(kind: Any, data: JsonValue) -> Any:
    """`data` read as a value of the type `kind` (a field's annotation)."""
    origin, args = get_origin(kind), get_args(kind)
    if origin in (Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        arms = [arm for arm in args if arm is not type(None)]
        if len(arms) != 1:
            raise TypeError(f"cannot read the union {kind}: only `X | None` is supported")
        return from_json_value(arms[0], data)
    if origin is tuple:
        items = _items(data, kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_json_value(args[0], item) for item in items)
        if len(items) != len(args):
            raise UnreadableJson(f"expected {len(args)} items for {kind}, got {len(items)}")
        return tuple(from_json_value(arg, item) for arg, item in zip(args, items))
    if origin in (frozenset, list):
        return origin(from_json_value(args[0], item) for item in _items(data, kind))
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return kind.model_validate(data)
    if isinstance(kind, type) and is_dataclass(kind):
        return _dataclass(kind, data)
    if isinstance(kind, type) and issubclass(kind, Enum):
        try:
            return parse_choice(kind, data, kind.__name__)  # type: ignore[arg-type]
        except ValueError as error:
            raise UnreadableJson(str(error)) from None
    if kind in SCALARS:
        return _scalar(kind, data)
    raise TypeError(f"cannot read {kind} from JSON")


def _dataclass(kind: type, data: JsonValue) -> Any:
    if not isinstance(data, dict):
        raise UnreadableJson(f"expected an object for {kind.__name__}, got {type(data).__name__}")
    hints = _field_types(kind)
    values = {}
    for name, annotation in hints.items():
        if name not in data:
            raise UnreadableJson(f"{kind.__name__} lacks its field {name!r}")
        values[name] = from_json_value(annotation, data[name])
    return kind(**values)


@cache
def _field_types(kind: type) -> dict[str, Any]:
    hints = get_type_hints(kind)
    return {field.name: hints[field.name] for field in fields(kind) if field.init}


def _items(data: JsonValue, kind: Any) -> list[JsonValue]:
    if not isinstance(data, list):
        raise UnreadableJson(f"expected a list for {kind}, got {type(data).__name__}")
    return data


def _scalar(kind: type, data: JsonValue) -> Any:
    if kind is float and isinstance(data, int) and not isinstance(data, bool):
        return float(data)  # JSON writes 2.0 as 2
    if not isinstance(data, kind) or (kind is int and isinstance(data, bool)):
        raise UnreadableJson(f"expected {kind.__name__}, got {type(data).__name__}")
    return data
