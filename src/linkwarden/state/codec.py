"""The snapshot file `reports/latest.json`: its JSON form, its JSON Schema, reading, writing.

The JSON form and the schema are both derived from the records' dataclass fields by
`jsonform.JsonForm` (schema: `docs/schema/latest.schema.json`, regenerated with
`python -m linkwarden.state.codec > docs/schema/latest.schema.json`; a test fails when the
committed file differs). Output is deterministic: keys sorted, links by URL, locations by
path/line, entries by list/line, so the git diff between two nights shows only what changed.

Writing is streamed link by link into an atomic file (`atomic.atomic_write_chunks`);
reading is streamed a block at a time (`jsonstream.read_object`): a 100,000-link snapshot
is never held in memory as one string or one dict, only as the records it becomes.
Time stamps in older spellings (`+00:00`) are read into the one format (`clock`).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..clock import TIME_PATTERN, normalize_time
from ..errors import StateError
from ..model import Entry, Finding
from .atomic import atomic_write_chunks
from .jsonform import Format, JsonForm
from .jsonstream import NotStreamable, iter_json_document, read_object, reader_of
from .snapshot import SCHEMA_VERSION, LinkRecord, Observation, Snapshot

FORM = JsonForm(
    formats={
        "time": Format(
            schema={"type": "string", "pattern": TIME_PATTERN},
            read=functools.lru_cache(maxsize=4096)(normalize_time),
        )
    },
    shared=(Observation,),
)

# The long arrays of a snapshot and the record each element is.
_ARRAYS: dict[str, type] = {"links": LinkRecord, "entries": Entry, "findings": Finding}
_ARRAY_READERS = {key: FORM.decoder(cls) for key, cls in _ARRAYS.items()}
# What a malformed (but valid JSON) snapshot raises while it is read.
_SHAPE_ERRORS = (KeyError, ValueError, TypeError, AttributeError)


def to_json(record: Any) -> dict[str, Any]:
    """The JSON form of any record of the snapshot (a link, a location, a finding...)."""
    return FORM.encode(record)


def _head_json(snapshot: Snapshot) -> dict[str, Any]:
    """The snapshot's JSON form without its long arrays (see `_arrays`)."""
    data = to_json(snapshot.run)
    data["sources"] = [to_json(s) for s in snapshot.sources]
    data["totals"] = to_json(snapshot.totals)
    return data


def _arrays(snapshot: Snapshot) -> dict[str, Iterator[dict[str, Any]]]:
    """The long arrays of the JSON form, one element at a time (never all at once)."""
    return {key: (to_json(x) for x in getattr(snapshot, key)) for key in _ARRAYS}


def snapshot_to_json(snapshot: Snapshot) -> dict[str, Any]:
    """The whole JSON form as one dict (tests, tools); the file is written by streaming."""
    data = _head_json(snapshot)
    data.update({key: list(items) for key, items in _arrays(snapshot).items()})
    return data


def iter_snapshot_text(snapshot: Snapshot) -> Iterator[str]:
    """`dumps_snapshot`'s text in pieces, each link encoded as it is reached."""
    return iter_json_document(_head_json(snapshot), _arrays(snapshot))


def dumps_snapshot(snapshot: Snapshot) -> str:
    """The file's exact text: sorted keys, two-space indent, UTF-8, final newline."""
    return "".join(iter_snapshot_text(snapshot))


def snapshot_from_json(data: Any) -> Snapshot:
    """Build a Snapshot from its JSON form. KeyError/ValueError/TypeError on bad data."""
    if not isinstance(data, dict):
        raise TypeError("the top level must be a JSON object")

    def array(key: str) -> tuple[Any, ...]:
        return tuple(_ARRAY_READERS[key](x) for x in data.get(key, ()))

    return _snapshot_from_parts(data, array)


def _snapshot_from_parts(
    data: Mapping[str, Any], array: Callable[[str], tuple[Any, ...]]
) -> Snapshot:
    """The Snapshot from the top-level fields and `array(key)` for the long arrays,
    checked in this order: schema version, run, sources, totals, the arrays."""
    version = data["schema_version"]
    if isinstance(version, int) and version > SCHEMA_VERSION:
        raise ValueError(
            f"schema version {version} is newer than this linkwarden understands "
            f"({SCHEMA_VERSION}); upgrade linkwarden"
        )
    head = {key: value for key, value in data.items() if key not in _ARRAYS}
    shell: Snapshot = FORM.decode(Snapshot, head)  # run, sources, totals; no arrays
    return Snapshot(
        run=shell.run,
        sources=shell.sources,
        totals=shell.totals,
        links=array("links"),
        entries=array("entries"),
        findings=array("findings"),
    )


def _read_snapshot(read: Callable[[int], str]) -> Snapshot:
    """`snapshot_from_json(json.loads(text))` for the text `read(n)` returns piece by
    piece, without ever holding the whole text or the whole dict."""
    head, arrays = read_object(read, _ARRAY_READERS, _SHAPE_ERRORS)

    def array(key: str) -> tuple[Any, ...]:
        if key in arrays:
            return arrays[key].records()
        return tuple(_ARRAY_READERS[key](x) for x in head.get(key, ()))

    return _snapshot_from_parts(head, array)


def loads_snapshot(text: str, *, origin: str = "<snapshot>") -> Snapshot:
    return _loaded(lambda: _read_snapshot(reader_of(text)), lambda: text, origin)


def _loaded(
    streamed: Callable[[], Snapshot], whole_text: Callable[[], str], origin: str
) -> Snapshot:
    """The snapshot read by `streamed`; when that finds the text unusual, json.loads of
    `whole_text()` gives the error its usual message and line (or, for valid JSON that
    is not an object, the data to reject). Errors become StateError."""
    try:
        try:
            return streamed()
        except NotStreamable:
            data = json.loads(whole_text())
        return snapshot_from_json(data)
    except json.JSONDecodeError as exc:
        raise StateError(
            f"snapshot is not valid JSON ({exc.msg}); delete it or restore it from git "
            "to start a fresh history",
            path=origin,
            line=exc.lineno,
        ) from None
    except UnicodeDecodeError:
        raise  # a ValueError too, but about the file, not its fields: the caller says so
    except _SHAPE_ERRORS as exc:
        detail = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise StateError(f"not a linkwarden snapshot: {detail}", path=origin) from None


def load_snapshot(path: Path | str) -> Snapshot | None:
    """The snapshot at `path`; None when there is none; StateError when it is unusable.

    Read a block at a time (`jsonstream.READ_BLOCK` characters): a 100,000-link snapshot
    is never held in memory as one string or one dict, only as the records it becomes.
    """
    target = Path(path)

    def streamed() -> Snapshot:
        with open(target, encoding="utf-8") as handle:
            return _read_snapshot(handle.read)

    def whole_text() -> str:
        return target.read_text(encoding="utf-8")

    try:
        return _loaded(streamed, whole_text, str(target))
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise StateError("is a directory, not a snapshot file", path=str(target)) from None
    except UnicodeDecodeError:
        raise StateError("snapshot is not UTF-8 text", path=str(target)) from None
    except OSError as exc:
        raise StateError(f"cannot read snapshot: {exc.strerror}", path=str(target)) from None


def write_snapshot(path: Path | str, snapshot: Snapshot) -> None:
    """Write the snapshot atomically (see atomic_write_chunks), streamed link by link: the
    JSON of a 100,000-link snapshot is never held in memory as one dict or one string."""
    atomic_write_chunks(path, iter_snapshot_text(snapshot))


# ------------------------------------------------------------------------------ schema

SCHEMA_ID = "https://github.com/linkwarden-dev/linkwarden/docs/schema/latest.schema.json"


def snapshot_schema() -> dict[str, Any]:
    """The JSON Schema of what `write_snapshot` writes, derived from the same fields."""
    schema = FORM.schema(
        Snapshot,
        **{
            "$id": SCHEMA_ID,
            "title": "linkwarden run snapshot (reports/latest.json)",
        },
    )
    # The one version this linkwarden writes.
    schema["properties"]["schema_version"] = {"const": SCHEMA_VERSION}
    return schema


def schema_text() -> str:
    """The committed file's text: `docs/schema/latest.schema.json`."""
    return json.dumps(snapshot_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
