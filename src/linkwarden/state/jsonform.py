"""JSON for frozen dataclasses, and the JSON Schema of that JSON, from one description.

Generic machinery: nothing here knows linkwarden's records. The description is the
dataclass itself: its fields, their type hints, their defaults and their metadata. From it
`JsonForm` compiles, once per class,

- an encoder, record -> dict of JSON values;
- a decoder, dict -> record (missing keys take the field's default; unknown keys are
  ignored, so an older or newer file still reads; a wrong type raises TypeError);
- the JSON Schema of what the encoder writes.

So a field added to a record is written, read back and described with no other edit, and
nothing can be written that the reader drops.

Types understood: `str`, `int`, `float`, `bool`, enums with string values, `X | None`,
`tuple[X, ...]`, `dict[str, X]` and nested dataclasses. Field metadata:

- `"json"`: the key when it differs from the field name;
- `"persist": False`: not written and not read (the field must have a default);
- `"inline": True`: a nested dataclass whose keys are written beside its owner's;
- `"format": NAME`: a string in a named format: the schema refers to it and the decoder
  passes the text through that format's `read` (e.g. to normalise older spellings);
- `"missing": VALUE`: what a required field reads as when an older file lacks its key (a
  field added later to a record without a default);
- `"schema": {KEYWORD: VALUE}`: JSON Schema bounds on the field's values (`minimum`,
  `pattern`, `minLength`...), put beside the type of each plain value (each item of a
  tuple, each value of a dict; `None` is not bound). Schema only: reading stays lenient;
- `"keys": ENUM`: the keys of a `dict[str, X]` field are values of that enum.

A class may also name read-only properties to write beside its fields in a
`json_derived: ClassVar[tuple[str, ...]]`; they are ignored when reading.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import sys
import types
import typing
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

Encoder = Callable[[Any], Any]
Decoder = Callable[[Any], Any]

# Strings up to this length are interned when read: the same time stamps, paths, list
# names and reasons repeat on every one of 100,000 links, and a URL read twice (`url`,
# `final_url`) becomes one object. Longer texts (abstracts) rarely repeat.
INTERN_UP_TO = 512
SHARED_CACHE = 4096  # distinct shared records (and tuples of them) kept per decoder class


@dataclass(frozen=True)
class Format:
    """A named string format: its schema and how a read value is normalised."""

    schema: Mapping[str, Any]
    read: Callable[[str], str] = str


@dataclass(frozen=True)
class _Field:
    name: str  # attribute
    key: str  # JSON key
    hint: Any
    fmt: str | None
    has_default: bool
    default: Any
    inline: bool
    missing: tuple[Any, ...]  # (value,) when an older file may lack the key
    bounds: Mapping[str, Any]  # JSON Schema keywords for each plain value
    keys: type | None  # the enum a dict's keys belong to


def _fields(cls: type) -> list[_Field]:
    hints = typing.get_type_hints(cls)
    found = []
    for f in dataclasses.fields(cls):
        if f.metadata.get("persist", True) is False:
            continue
        has_default = (
            f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        )
        default = f.default if f.default is not dataclasses.MISSING else None
        found.append(
            _Field(
                name=f.name,
                key=str(f.metadata.get("json", f.name)),
                hint=hints[f.name],
                fmt=f.metadata.get("format"),
                has_default=has_default,
                default=default,
                inline=bool(f.metadata.get("inline", False)),
                missing=(f.metadata["missing"],) if "missing" in f.metadata else (),
                bounds=dict(f.metadata.get("schema", {})),
                keys=f.metadata.get("keys"),
            )
        )
    return found


def _derived(cls: type) -> tuple[str, ...]:
    return tuple(getattr(cls, "json_derived", ()))


def _optional_of(hint: Any) -> Any | None:
    """X for `X | None` (or Optional[X]); None for any other hint."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(hint)) == 2:
            return args[0]
    return None


def _is_enum(hint: Any) -> bool:
    return isinstance(hint, type) and issubclass(hint, enum.Enum)


def _is_record(hint: Any) -> bool:
    return isinstance(hint, type) and dataclasses.is_dataclass(hint)


def _identity(value: Any) -> Any:
    return value


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class JsonForm:
    """Encoders, decoders and schemas for a family of dataclasses (compiled once each).

    `formats` names the string formats fields may declare; records of a class in `shared`
    (small frozen values that repeat, such as one observation of one night) are read once
    per distinct value and shared, and so are tuples of them.
    """

    def __init__(
        self, formats: Mapping[str, Format] | None = None, shared: Collection[type] = ()
    ) -> None:
        self.formats = dict(formats or {})
        self.shared = frozenset(shared)
        self._encoders: dict[type, Encoder] = {}
        self._decoders: dict[type, Decoder] = {}

    # ------------------------------------------------------------------------ encoding

    def encode(self, record: Any) -> dict[str, Any]:
        """The JSON form of one record (a dict of JSON values)."""
        result: dict[str, Any] = self.encoder(type(record))(record)
        return result

    def encoder(self, cls: type) -> Encoder:
        found = self._encoders.get(cls)
        if found is None:
            found = self._encoders[cls] = self._compile_encoder(cls)
        return found

    def _compile_encoder(self, cls: type) -> Encoder:
        plain: list[tuple[str, str, Encoder]] = []
        inline: list[tuple[str, Encoder]] = []
        for f in _fields(cls):
            if f.inline:
                inline.append((f.name, self.encoder(f.hint)))
            else:
                plain.append((f.key, f.name, self._value_encoder(f.hint)))
        derived = _derived(cls)

        def encode(record: Any) -> dict[str, Any]:
            data = {key: enc(getattr(record, name)) for key, name, enc in plain}
            for name, enc in inline:
                data.update(enc(getattr(record, name)))
            for name in derived:
                data[name] = getattr(record, name)
            return data

        return encode

    def _value_encoder(self, hint: Any) -> Encoder:
        inner = _optional_of(hint)
        if inner is not None:
            enc = self._value_encoder(inner)
            if enc is _identity:
                return _identity
            return lambda value: None if value is None else enc(value)
        if hint in (str, int, float, bool):
            return _identity
        if _is_enum(hint):
            # Through the enum: a member, or a plain value of one (a str enum's "http").
            return lambda value: hint(value).value
        if _is_record(hint):
            return self.encoder(hint)
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            item = self._value_encoder(args[0])
            if item is _identity:
                return list
            return lambda value: [item(x) for x in value]
        if origin is dict and args and args[0] is str:
            item = self._value_encoder(args[1])
            if item is _identity:
                return dict
            return lambda value: {k: item(v) for k, v in value.items()}
        raise TypeError(f"no JSON form for {hint!r}")

    # ------------------------------------------------------------------------ decoding

    def decode(self, cls: type, data: Any) -> Any:
        """The record of class `cls` whose JSON form is `data`."""
        return self.decoder(cls)(data)

    def decoder(self, cls: type) -> Decoder:
        found = self._decoders.get(cls)
        if found is None:
            found = self._decoders[cls] = self._compile_decoder(cls)
        return found

    def _compile_decoder(self, cls: type) -> Decoder:
        plain: list[tuple[str, str, Decoder, bool, tuple[Any, ...]]] = []
        inline: list[tuple[str, Decoder]] = []
        for f in _fields(cls):
            if f.inline:
                inline.append((f.name, self.decoder(f.hint)))
            else:
                reader = self._value_decoder(f.hint, f.fmt, f.key)
                plain.append((f.key, f.name, reader, f.has_default, f.missing))
        name = cls.__name__

        def decode(data: Any) -> Any:
            if not isinstance(data, dict):
                raise TypeError(f"{name}: expected an object, got {type(data).__name__}")
            kwargs: dict[str, Any] = {}
            for key, attr, reader, optional, missing in plain:
                if key in data:
                    kwargs[attr] = reader(data[key])
                elif missing:
                    kwargs[attr] = missing[0]
                elif not optional:
                    raise KeyError(key)
            for attr, reader in inline:
                kwargs[attr] = reader(data)
            return cls(**kwargs)

        if cls not in self.shared:
            return decode
        return _sharing(decode)

    def _value_decoder(self, hint: Any, fmt: str | None, key: str) -> Decoder:
        inner = _optional_of(hint)
        if inner is not None:
            dec = self._value_decoder(inner, fmt, key)
            return lambda value: None if value is None else dec(value)
        if hint is str:
            return self._string_decoder(fmt, key)
        if hint is bool:
            return _checked(bool, key)
        if hint is int:
            return _checked(int, key)
        if hint is float:
            return lambda value: float(_checked((int, float), key)(value))
        if _is_enum(hint):
            return typing.cast(Decoder, hint)  # ValueError for a value it does not have
        if _is_record(hint):
            return self.decoder(hint)
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            item = self._value_decoder(args[0], fmt, key)
            as_list = _checked(list, key)

            def decode_tuple(value: Any) -> tuple[Any, ...]:
                return tuple(item(x) for x in as_list(value))

            return _sharing(decode_tuple) if args[0] in self.shared else decode_tuple
        if origin is dict and args and args[0] is str:
            item = self._value_decoder(args[1], fmt, key)
            as_dict = _checked(dict, key)
            return lambda value: {str(k): item(v) for k, v in as_dict(value).items()}
        raise TypeError(f"no JSON form for {hint!r}")

    def _string_decoder(self, fmt: str | None, key: str) -> Decoder:
        normalise = self.formats[fmt].read if fmt else None
        as_str = _checked(str, key)

        def decode_str(value: Any) -> str:
            text: str = as_str(value)
            if normalise is not None:
                text = normalise(text)
            return sys.intern(text) if len(text) <= INTERN_UP_TO else text

        return decode_str

    # -------------------------------------------------------------------------- schema

    def schema(self, root: type, **head: Any) -> dict[str, Any]:
        """The JSON Schema (draft 2020-12) of what `encode` writes for `root` records:
        `head` (title, $id, description...) first, then the root object, then `$defs`."""
        defs: dict[str, Any] = {}
        body = self._object_schema(root, defs)
        document = {"$schema": "https://json-schema.org/draft/2020-12/schema", **head, **body}
        document["$defs"] = dict(sorted(defs.items()))
        return document

    def _object_schema(self, cls: type, defs: dict[str, Any]) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        for f in _fields(cls):
            if f.inline:
                properties.update(self._object_schema(f.hint, defs)["properties"])
            else:
                properties[f.key] = self._value_schema(f.hint, f, defs)
        hints = {
            name: typing.get_type_hints(getattr(cls, name).fget)["return"] for name in _derived(cls)
        }
        for name, hint in hints.items():
            properties[name] = self._value_schema(hint, None, defs)
        schema: dict[str, Any] = {}
        doc = (cls.__doc__ or "").strip().split("\n\n")[0]
        if doc and not doc.startswith(f"{cls.__name__}("):  # not the generated signature
            schema["description"] = " ".join(doc.split())
        schema.update(
            type="object",
            additionalProperties=False,
            required=list(properties),
            properties=properties,
        )
        return schema

    def _ref(self, name: str, defs: dict[str, Any], build: Callable[[], Any]) -> dict[str, Any]:
        if name not in defs:
            defs[name] = {}  # reserved first: a record may (indirectly) contain itself
            defs[name] = build()
        return {"$ref": f"#/$defs/{name}"}

    def _value_schema(self, hint: Any, f: _Field | None, defs: dict[str, Any]) -> Any:
        inner = _optional_of(hint)
        if inner is not None:
            schema = self._value_schema(inner, f, defs)
            if isinstance(schema.get("type"), str):  # bounds ignore null: it needs no oneOf
                return {**schema, "type": [schema["type"], "null"]}
            return {"oneOf": [{"type": "null"}, schema]}
        simple = {str: "string", int: "integer", float: "number", bool: "boolean"}
        if hint is str and f is not None and f.fmt:
            ref = self._ref(f.fmt, defs, lambda: dict(self.formats[f.fmt or ""].schema))
            return {"oneOf": [{"const": ""}, ref]} if f.default == "" else ref
        if hint in simple:
            return {"type": simple[hint], **(f.bounds if f is not None else {})}
        if _is_enum(hint):
            return self._ref(_snake(hint.__name__), defs, lambda: {"enum": [m.value for m in hint]})
        if _is_record(hint):
            return self._ref(_snake(hint.__name__), defs, lambda: self._object_schema(hint, defs))
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin is tuple:
            return {"type": "array", "items": self._value_schema(args[0], f, defs)}
        if origin is dict:
            schema = {
                "type": "object",
                "additionalProperties": self._value_schema(args[1], f, defs),
            }
            if f is not None and f.keys is not None:
                schema["propertyNames"] = self._value_schema(f.keys, None, defs)
            return schema
        raise TypeError(f"no JSON form for {hint!r}")


def _checked(kind: type | tuple[type, ...], key: str) -> Decoder:
    """A decoder that passes values of `kind` through and raises TypeError for others
    (a bool is not taken for an int)."""

    def check(value: Any) -> Any:
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise TypeError(f"{key}: unexpected {type(value).__name__} {value!r:.40}")
        return value

    return check


def _sharing(decode: Decoder) -> Decoder:
    """`decode`, returning one object per distinct (hashable) value it produced lately."""
    seen: dict[Any, Any] = {}

    def shared(data: Any) -> Any:
        value = decode(data)
        found = seen.get(value)
        if found is not None:
            return found
        if len(seen) >= SHARED_CACHE:
            seen.clear()
        seen[value] = value
        return value

    return shared
