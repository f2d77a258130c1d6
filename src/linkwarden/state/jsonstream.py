"""Large JSON documents written and read piece by piece. Generic: no linkwarden types.

`iter_json_document` yields the exact text of `json.dumps(doc, indent=2, sort_keys=True,
ensure_ascii=False) + "\\n"` while encoding the elements of its long arrays one at a time;
`read_object` decodes such a document a block at a time, turning each element of its long
arrays into a record as soon as it is decoded. Neither ever holds the whole text or the
whole tree of dicts: a 100,000-link snapshot stays far below its size in memory.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

# One encoder for every piece: the same options `json.dumps` would get for the whole file.
_PIECE = json.JSONEncoder(indent=2, sort_keys=True, ensure_ascii=False)


def _indented(value: Any, depth: int) -> str:
    """`value` as it reads `depth` levels deep in the indented file. JSON escapes every
    newline inside strings, so each newline of the piece starts a line of its own."""
    text = _PIECE.encode(value)
    return text.replace("\n", "\n" + "  " * depth) if depth else text


def iter_json_document(
    head: Mapping[str, Any], arrays: Mapping[str, Iterable[Any]]
) -> Iterator[str]:
    """The text of `json.dumps({**head, **arrays}, indent=2, sort_keys=True,
    ensure_ascii=False) + "\\n"`, byte for byte, in pieces: the elements of `arrays` are
    encoded one at a time, so neither the whole document nor its whole dict is ever in
    memory. `head` and `arrays` must not share a key."""
    keys = sorted([*head, *arrays])
    if not keys:
        yield "{}\n"
        return
    for i, key in enumerate(keys):
        yield ("{\n  " if i == 0 else ",\n  ") + _PIECE.encode(key) + ": "
        if key in arrays:
            opened = False
            for item in arrays[key]:
                yield (",\n    " if opened else "[\n    ") + _indented(item, 2)
                opened = True
            yield "\n  ]" if opened else "[]"
        else:
            yield _indented(head[key], 1)
    yield "\n}\n"


_WHITESPACE = re.compile(r"[ \t\n\r]*")


def _skip_whitespace(text: str, at: int) -> int:
    """The index of the first character at or after `at` that is not JSON whitespace."""
    found = _WHITESPACE.match(text, at)
    return found.end() if found else at  # the pattern matches everywhere; for the types


_DECODER = json.JSONDecoder()
READ_BLOCK = 1 << 20  # characters read from a file at a time
# No element of a document comes near this: more unread text than this that still does
# not decode is bad syntax, not a block boundary, and is left to json.loads to report.
_LONGEST_PIECE = 32 << 20


class NotStreamable(Exception):
    """Not a plain JSON object, or bad syntax: leave it to json.loads and its messages."""


class _Cursor:
    """JSON text read a block at a time: only the part not yet decoded is kept."""

    def __init__(self, read: Callable[[int], str]) -> None:
        self._read = read
        self._text = ""
        self._at = 0
        self._eof = False

    def _more(self) -> bool:
        if self._eof:
            return False
        block = self._read(READ_BLOCK)
        if not block:
            self._eof = True
            return False
        self._text = self._text[self._at :] + block
        self._at = 0
        return True

    def peek(self) -> str:
        """The next character that is not whitespace ('' at the end of the text)."""
        while True:
            self._at = _skip_whitespace(self._text, self._at)
            if self._at < len(self._text) or not self._more():
                return self._text[self._at : self._at + 1]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise NotStreamable
        self._at += 1

    def value(self) -> Any:
        """Decode the JSON value that starts at the next character."""
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self._text, self._at)
            except json.JSONDecodeError:
                # Cut off by the end of the block, or bad syntax (then json.loads reports)?
                if len(self._text) - self._at > _LONGEST_PIECE or not self._more():
                    raise NotStreamable from None
                continue
            # A number that ends with the block may go on in the next one.
            if end == len(self._text) and self._more():
                continue
            self._at = end
            return value


@dataclass
class ReadArray:
    """One long array, its elements read into records as they were decoded."""

    items: list[Any]
    error: Exception | None = None  # the first element that was not a valid record

    def records(self) -> tuple[Any, ...]:
        if self.error is not None:
            raise self.error
        return tuple(self.items)


def _read_array(
    cursor: _Cursor, reader: Callable[[Any], Any], errors: tuple[type[Exception], ...]
) -> ReadArray:
    """Decode the array at the cursor one element at a time, turning each into its record
    at once: the dicts of 100,000 links never exist together."""
    read = ReadArray([])
    cursor.expect("[")
    if cursor.peek() == "]":
        cursor.expect("]")
        return read
    while True:
        value = cursor.value()
        if read.error is None:
            try:
                read.items.append(reader(value))
            except errors as exc:  # raised later, after the schema version check
                read.items, read.error = [], exc
        if cursor.peek() == "]":
            cursor.expect("]")
            return read
        cursor.expect(",")


def read_object(
    read: Callable[[int], str],
    array_readers: Mapping[str, Callable[[Any], Any]],
    errors: tuple[type[Exception], ...] = (ValueError, TypeError, KeyError),
) -> tuple[dict[str, Any], dict[str, ReadArray]]:
    """The top-level JSON object of the text `read(n)` returns piece by piece, without
    ever holding the whole text or the whole dict: (its other keys decoded, its long arrays).

    The object is decoded key by key with json's own scanner; an array under a key of
    `array_readers` element by element, each element turned into its record at once (an
    element the reader rejects with one of `errors` is kept as that array's error, raised
    by `ReadArray.records`). Anything unusual (not an object, bad syntax) raises
    NotStreamable, so that json.loads can report it exactly.
    """
    cursor = _Cursor(read)
    head: dict[str, Any] = {}
    arrays: dict[str, ReadArray] = {}
    cursor.expect("{")
    closed = cursor.peek() == "}"
    while not closed:
        if cursor.peek() != '"':
            raise NotStreamable
        key = cursor.value()
        cursor.expect(":")
        reader = array_readers.get(key)
        # A repeated key: the last one wins, as with json.loads.
        head.pop(key, None)
        arrays.pop(key, None)
        if reader is not None and cursor.peek() == "[":
            arrays[key] = _read_array(cursor, reader, errors)
        else:
            head[key] = cursor.value()
        closed = cursor.peek() == "}"
        if not closed:
            cursor.expect(",")
    cursor.expect("}")
    if cursor.peek() != "":
        raise NotStreamable
    return head, arrays


def reader_of(text: str) -> Callable[[int], str]:
    """`read(n)` over a string, like a file's."""
    position = 0

    def read(n: int) -> str:
        nonlocal position
        block = text[position : position + n]
        position += len(block)
        return block

    return read
