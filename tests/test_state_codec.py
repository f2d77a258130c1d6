"""The snapshot's JSON form and JSON Schema, both derived from the records' fields.

A property test writes arbitrary snapshots (every field of every record, generated from
the dataclasses themselves, so a field added later is covered without editing this file)
and reads them back exactly. The committed schema must be the generated one, no field may
quietly go unsaved, and time stamps have one format in and out.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import re
import typing
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from unittest import mock

import arxiv
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import linkwarden.state.jsonstream as jsonstream
from linkwarden.clock import TIME_PATTERN, format_time, normalize_time
from linkwarden.enrich.arxiv import _record as arxiv_record
from linkwarden.model import (
    ArxivRecord,
    Enrichment,
    Finding,
    LinkEnrichment,
    LinkResult,
    Location,
    RepoRecord,
    Role,
    Severity,
    Status,
)
from linkwarden.state.codec import (
    dumps_snapshot,
    load_snapshot,
    loads_snapshot,
    schema_text,
    snapshot_from_json,
    snapshot_to_json,
    to_json,
    write_snapshot,
)
from linkwarden.state.snapshot import SCHEMA_VERSION, Snapshot
from statekit import make_list, night, result, snap

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_FILE = ROOT / "docs/schema/latest.schema.json"

# The only fields a snapshot does not keep, each on purpose (see their comments).
NOT_SAVED = {("LinkResult", "elapsed_ms"), ("Location", "href")}


# ----------------------------------------------------------------- generated snapshots

STAMPS = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(timezone.utc)
).map(format_time)
OVERRIDES: dict[tuple[str, str], st.SearchStrategy[Any]] = {
    ("RunInfo", "schema_version"): st.just(SCHEMA_VERSION),  # a newer one is refused
}


def _optional_of(hint: Any) -> Any | None:
    args = typing.get_args(hint)
    if type(None) in args and len(args) == 2:
        return next(a for a in args if a is not type(None))
    return None


def value_of(hint: Any, field: dataclasses.Field[Any] | None) -> st.SearchStrategy[Any]:
    """Any value of type `hint` (as the codec understands types) within the field's
    schema bounds (`"schema"` metadata: `minimum`, `pattern`, `minLength`; dict `"keys"`)."""
    bounds: dict[str, Any] = dict(field.metadata.get("schema", {})) if field else {}
    inner = _optional_of(hint)
    if inner is not None:
        return st.none() | value_of(inner, field)
    if hint is str:
        if field is not None and field.metadata.get("format") == "time":
            return STAMPS | st.just("") if field.default == "" else STAMPS
        if "pattern" in bounds:
            return st.from_regex(bounds["pattern"])
        return st.text(min_size=bounds.get("minLength", 0), max_size=12)
    if hint is bool:
        return st.booleans()
    if hint is int:
        return st.integers(min_value=bounds.get("minimum", -(2**53)), max_value=2**53)
    if hint is float:
        return st.floats(allow_nan=False, allow_infinity=False)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return st.sampled_from(list(hint))
    if dataclasses.is_dataclass(hint):
        return record_of(typing.cast(type, hint))
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple:
        return st.lists(value_of(args[0], field), max_size=3).map(tuple)
    if origin is dict:
        keys = field.metadata.get("keys") if field else None
        names = st.sampled_from([k.value for k in keys]) if keys else st.text(max_size=6)
        return st.dictionaries(names, value_of(args[1], field), max_size=3)
    raise TypeError(f"no strategy for {hint!r}")


def record_of(cls: type) -> st.SearchStrategy[Any]:
    """Any record of class `cls`: every saved field drawn, nested records too."""
    hints = typing.get_type_hints(cls)
    drawn = {
        f.name: OVERRIDES[(cls.__name__, f.name)]
        if (cls.__name__, f.name) in OVERRIDES
        else value_of(hints[f.name], f)
        for f in dataclasses.fields(cls)
        if f.metadata.get("persist", True) is not False
    }
    return st.fixed_dictionaries(drawn).map(lambda kwargs: cls(**kwargs))


SNAPSHOTS = record_of(Snapshot)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("codec") / "latest.json"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SNAPSHOTS)
def test_any_snapshot_survives_write_then_read_exactly(scratch: Path, snapshot: Snapshot) -> None:
    write_snapshot(scratch, snapshot)
    assert load_snapshot(scratch) == snapshot
    text = scratch.read_text(encoding="utf-8")
    assert snapshot_from_json(json.loads(text)) == snapshot  # the whole-dict reader agrees
    jsonschema.validate(json.loads(text), SCHEMA, cls=jsonschema.Draft202012Validator)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SNAPSHOTS)
def test_any_snapshot_survives_reading_in_tiny_blocks(snapshot: Snapshot) -> None:
    with mock.patch.object(jsonstream, "READ_BLOCK", 7):
        assert loads_snapshot(dumps_snapshot(snapshot)) == snapshot


# ------------------------------------------------------------------------ one description

SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def test_committed_schema_is_the_generated_one() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "docs/schema/latest.schema.json is stale: regenerate it with "
        "`python -m linkwarden.state.codec > docs/schema/latest.schema.json`"
    )


def _records_in(hint: Any, seen: set[type]) -> None:
    """Every dataclass reachable from `hint` through fields, tuples, dicts, optionals."""
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        if hint in seen:
            return
        seen.add(hint)
        for field_hint in typing.get_type_hints(hint).values():
            _records_in(field_hint, seen)
    for arg in typing.get_args(hint):
        _records_in(arg, seen)


def test_every_field_of_every_record_is_saved_unless_marked() -> None:
    records: set[type] = set()
    _records_in(Snapshot, records)
    assert {LinkResult, ArxivRecord, LinkEnrichment, Location, Finding} <= records
    unsaved = {
        (cls.__name__, f.name)
        for cls in records
        for f in dataclasses.fields(cls)
        if f.metadata.get("persist", True) is False
    }
    # A field marked "persist: False" by mistake would silently vanish from every snapshot.
    assert unsaved == NOT_SAVED
    # Every other field has its key in the schema, required.
    defs = SCHEMA["$defs"]
    for name, definition in defs.items():
        if definition.get("type") == "object":
            assert definition["required"] == list(definition["properties"]), name


def _bounded_snapshot_json() -> dict[str, Any]:
    """A snapshot touching every bounded part: a source, a failing link with history and
    a repository, a finding; valid against the schema as written."""
    url = "https://github.com/octo/tool"
    lists = [make_list("a", [("Tool", [(url, Role.CODE)])])]
    first = snap(lists, {url: result(url, Status.TIMEOUT, night(0))}, None, night(0))
    finding = Finding("LW202", "timeout", Severity.WARNING, "timed out", "a", "a.md", 3, url=url)
    built = snap(
        lists, {url: result(url, Status.TIMEOUT, night(1))}, first, night(1), findings=[finding],
        enrichment=Enrichment(repos={"octo/tool": RepoRecord(
            "octo/tool", "octo/tool", "https://github.com/octo/tool", stars=3, forks=1,
        )}),
    )  # fmt: skip
    data = snapshot_to_json(built)
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    return data


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    node: Any = data
    for key in parents:
        node = node[key]
    node[last] = value


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("links.0.consecutive_failures", -1),  # a negative count
        ("totals.urls", -1),
        ("totals.by_status.dead", -2),  # a negative count inside a dict of counts
        ("totals.by_status.fine", 0),  # a key that is no Status
        ("quarantine_runs", -1),
        ("sources.0.lines", -5),
        ("links.0.locations.0.line", -1),
        ("links.0.enrichment.repository.stars", -1),
        ("generated_at", "2026-01-01T00:00:00+00:00"),  # the old spelling: read, never written
        ("links.0.checked_at", "2026-01-01T00:00:00+00:00"),
        ("links.0.history.0.checked_at", "2026-01-01 00:00:00Z"),
        ("links.0.first_failed_at", "yesterday"),
        ("findings.0.code", "LW20"),  # rule codes are LW and three digits
        ("sources.0.content_hash", "not-a-sha256"),
        ("links.0.url", ""),
        ("links.0.enrichment.repository.url", "github.com/octo/tool"),  # not a web URL
        ("links.0.enrichment.repository.full_name", "octo"),  # not OWNER/NAME
    ],
)
def test_the_schema_rejects_a_value_out_of_bounds(path: str, value: Any) -> None:
    """The bounds the hand-written schema had come back from the one description (field
    metadata): each mutation of a valid snapshot must fail validation."""
    data = _bounded_snapshot_json()
    _set(data, path, value)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)


def test_the_abstract_survives_for_lw302() -> None:
    """The old hand-listed codec dropped ArxivRecord.summary: LW302 on a snapshot-rebuilt
    enrichment (PR mode, `catalog`) could disagree with the live run."""
    url = "https://arxiv.org/abs/2301.01081"
    lists = [make_list("a", [("Paper", [(url, Role.PAPER)])])]
    paper = ArxivRecord("2301.01081", 1, "Paper", summary="We propose FaceNet++, a method.")
    built = snap(
        lists,
        {url: result(url, Status.OK, night(0))},
        None,
        night(0),
        enrichment=Enrichment(arxiv={"2301.01081": paper}),
    )
    loaded = loads_snapshot(dumps_snapshot(built))
    assert loaded.enrichment().arxiv["2301.01081"] == paper
    assert loaded.papers()["2301.01081"].summary == "We propose FaceNet++, a method."


def test_findings_and_locations_have_the_json_their_readers_share() -> None:
    f = Finding("LW201", "dead-link", Severity.ERROR, "dead", "alpha", "a.md", 3, url="u")
    assert to_json(f) == f.as_dict()  # lint --format json, the diff, the snapshot agree
    loc = Location("alpha", "a.md", 3, Role.CODE, entry="E", text="code", column=4, href="h")
    assert to_json(loc) == {
        "list": "alpha", "path": "a.md", "line": 3, "role": "code", "entry": "E",
        "text": "code", "column": 4,
    }  # fmt: skip


# ------------------------------------------------------------------------------ time stamps


def test_old_offset_stamps_are_read_into_the_one_format() -> None:
    url = "https://example.org/a"
    lists = [make_list("a", [("Paper", [(url, Role.PAPER)])])]
    built = snap(lists, {url: result(url, Status.TIMEOUT, night(0))}, None, night(0))
    text = dumps_snapshot(built)
    old = re.sub(r'(\d{2}:\d{2}:\d{2})Z"', r'\1+00:00"', text)
    assert "+00:00" in old and old != text
    assert loads_snapshot(old) == built
    assert dumps_snapshot(loads_snapshot(old)) == text  # rewritten in the one format


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-01T02:00:00+00:00", "2025-03-01T02:00:00Z"),
        ("2025-03-01T04:00:00.123456+02:00", "2025-03-01T02:00:00Z"),
        ("2025-03-01T02:00:00Z", "2025-03-01T02:00:00Z"),
        ("2020-08-23", "2020-08-23"),  # a bare date stays what it is
        ("", ""),
        ("soon", "soon"),
    ],
)
def test_normalize_time(text: str, expected: str) -> None:
    assert normalize_time(text) == expected


def test_arxiv_dates_are_written_in_the_one_format() -> None:
    moment = datetime(2023, 1, 3, 18, 59, 2, tzinfo=timezone.utc)
    found = arxiv_record(
        arxiv.Result(
            "http://arxiv.org/abs/2301.01081v2",
            updated=moment + timedelta(days=2),
            published=moment,
            title="T",
        )
    )
    assert found is not None
    assert found[1].published == "2023-01-03T18:59:02Z"
    assert re.match(TIME_PATTERN, found[1].updated)


def test_only_the_clock_formats_times() -> None:
    """Every stamp goes through linkwarden.clock: no module formats a time by itself (the
    old `isoformat()` calls wrote `+00:00` beside the checker's `Z`)."""
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "src/linkwarden").rglob("*.py"))
        if path.name != "clock.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\.isoformat\(|\.strftime\(", line)
    ]
    assert offenders == []


def test_a_snapshot_written_by_a_run_has_no_offset_stamps() -> None:
    url = "https://example.org/a"
    lists = [make_list("a", [("Paper", [(url, Role.PAPER)])])]
    built = snap(lists, {}, None, datetime(2025, 3, 1, 4, 0, tzinfo=timezone(timedelta(hours=2))))
    data = snapshot_to_json(built)
    assert data["generated_at"] == "2025-03-01T02:00:00Z"
    assert data["links"][0]["checked_at"] == "2025-03-01T02:00:00Z"


# ------------------------------------------------------------------- older snapshots

BEFORE_SPLIT = ROOT / "tests/golden/state/before-split.json"


def test_a_snapshot_written_before_the_split_still_reads_and_carries_on() -> None:
    """`before-split.json` was written by the hand-listed codec (the last commit before this
    package): entries without path/index/end_line, an API verdict and arXiv dates stamped
    `+00:00`. It must read, in the one time format, and the next run must carry its history."""
    old = load_snapshot(BEFORE_SPLIT)
    assert old is not None and len(old.links) == 4 and len(old.entries) == 3
    assert {e.title for e in old.entries} == {"Talking Heads", "Second", "Same paper elsewhere"}
    assert all(e.path == "" and e.end_line == 0 for e in old.entries)
    by_url = old.link_map()
    paper = by_url["https://arxiv.org/abs/2301.01081"]
    assert paper.result.checked_at == "2025-03-01T02:00:00Z"  # was +00:00
    assert paper.enrichment is not None and paper.enrichment.arxiv is not None
    assert paper.enrichment.arxiv.published == "2023-01-03T18:59:02Z"
    flaky = by_url["https://flaky.example/page"]
    assert flaky.effective.value == "suspect" and flaky.consecutive_failures == 1
    assert "+00:00" not in dumps_snapshot(old)
    # The next night: the flaky link fails again and is confirmed dead from the old streak.
    lists = [
        make_list("alpha", [("Talking Heads", []), ("Second", [(flaky.url, Role.PROJECT)])]),
    ]
    results = {flaky.url: result(flaky.url, Status.TIMEOUT, night(1), error_kind="timeout")}
    new = snap(lists, results, old, night(1))
    record = new.link_map()[flaky.url]
    assert record.consecutive_failures == 2 and record.effective.value == "dead"
    assert record.first_failed_at == flaky.first_failed_at
