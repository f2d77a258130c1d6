"""Large snapshots and reports are streamed, never held whole: same bytes, bounded memory.

`write_snapshot` and `write_reports` encode piece by piece into the temporary file;
`load_snapshot` decodes the file a block at a time, each link straight into its record.
These tests pin that the pieces add up to exactly what the one-shot encoders produce
(the golden files depend on it), that reading gives exactly what `json.loads` +
`snapshot_from_json` gives (errors included), and that the memory a write or a read needs
on top of the snapshot stays far below the size of the file.
"""

from __future__ import annotations

import gc
import json
import tracemalloc
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

import linkwarden.state.atomic as atomic
import linkwarden.state.jsonstream as jsonstream
from linkwarden.errors import StateError
from linkwarden.model import Finding, Role, Severity, Status
from linkwarden.report import FILES, build_report_data, render_reports, write_reports
from linkwarden.report.html import iter_html, render_html
from linkwarden.report.markdown import render_markdown
from linkwarden.report.sarif import iter_sarif, render_sarif, sarif_document
from linkwarden.report.view import LinkSummary
from linkwarden.state.codec import (
    dumps_snapshot,
    load_snapshot,
    loads_snapshot,
    snapshot_from_json,
    snapshot_to_json,
    write_snapshot,
)
from linkwarden.state.jsonstream import iter_json_document
from linkwarden.state.snapshot import Snapshot
from report_sample import sample_snapshot
from statekit import make_list, night, result, snap

RULES = ()  # the rules table is not what these tests are about


def one_shot(data: object) -> str:
    """The text the snapshot file had before streaming: one json.dumps of the whole dict."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def big_snapshot(n: int, previous: Snapshot | None = None, day: int = 0) -> Snapshot:
    """`n` links in one list, every tenth dead (with an error finding), Unicode titles."""
    urls = [f"https://site{i % 37}.example/paper/{i}" for i in range(n)]
    items = [(f"Päper {i} — “quoted” \\ {i}", [(url, Role.PAPER)]) for i, url in enumerate(urls)]
    lists = [make_list("big", items)]
    results = {
        url: result(url, Status.DEAD if i % 10 == 0 else Status.OK, night(day), title=f"T{i}")
        for i, url in enumerate(urls)
    }
    findings = [
        Finding(
            code="LW201",
            rule="dead-link",
            severity=Severity.ERROR,
            message="link is dead",
            list_name="big",
            path=link.path,
            line=link.line,
            url=link.url,
            entry=items[i][0],
        )
        for i, link in enumerate(lists[0].links)
        if i % 10 == 0
    ]
    return snap(lists, results, previous, night(day), findings=findings)


# ------------------------------------------------------------------------------ writing


@pytest.mark.parametrize(
    "doc",
    [
        {},
        {"a": [], "b": {}, "c": None},
        {"é\u2028": 'line\nbreak\ttab "quote" \\ </script>', "z": [1, {"q": [[], {}]}]},
        {"nested": {"deep": [{"x": [1.5, True, None]}]}, "a": "ü"},
    ],
)
def test_json_document_matches_json_dumps_without_arrays(doc: dict[str, object]) -> None:
    assert "".join(iter_json_document(doc, {})) == one_shot(doc)


def test_json_document_streams_arrays_between_sorted_keys() -> None:
    items = [{"x": [1, 2], "é": "a\nb"}, "s", [], {}]
    pieces = iter_json_document({"b": 1, "d": {"k": []}}, {"a": iter(items), "c": iter([])})
    assert "".join(pieces) == one_shot({"b": 1, "d": {"k": []}, "a": items, "c": []})


def test_dumps_snapshot_is_byte_identical_to_one_json_dumps() -> None:
    for snapshot in (
        sample_snapshot(),
        big_snapshot(50),
        replace(sample_snapshot(), links=(), entries=(), findings=()),
    ):
        assert dumps_snapshot(snapshot) == one_shot(snapshot_to_json(snapshot))


def test_write_snapshot_streams_the_same_bytes(tmp_path: Path) -> None:
    snapshot = big_snapshot(300)
    target = tmp_path / "latest.json"
    write_snapshot(target, snapshot)
    assert target.read_bytes() == one_shot(snapshot_to_json(snapshot)).encode("utf-8")


def test_a_failing_stream_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old\n", encoding="utf-8")

    def pieces() -> Iterator[str]:
        yield "new, half"
        raise RuntimeError("renderer died")

    with pytest.raises(RuntimeError):
        atomic.atomic_write_chunks(target, pieces())
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def extra_memory(action: object) -> int:
    """Peak bytes allocated while `action()` runs, beyond what exists before and after."""
    assert callable(action)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = action()
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del kept
    return peak - max(before, after)


def test_writing_a_large_snapshot_needs_a_fraction_of_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic, "WRITE_BUFFER", 64 * 1024)  # the file here is small
    snapshot = big_snapshot(3000)
    target = tmp_path / "latest.json"
    extra = extra_memory(lambda: write_snapshot(target, snapshot))
    size = target.stat().st_size
    assert size > 3_000_000
    # One JSON dict of it plus one string of it took about 4x its size before streaming;
    # now it is the write buffer and one link's dict.
    assert extra < size / 10, (extra, size)


# ------------------------------------------------------------------------------ reading

MALFORMED = [
    "",
    "[1]",
    "3",
    "{}",
    '{"a":1,}',
    '{"schema_version": 1,',
    '{"schema_version": 1, "generated_at": "x", "links": [{"url": 1}] ',
    '{"schema_version": 1, "generated_at": "x", "links": [,]}',
    '{"schema_version": 1, "generated_at": "x", "links": [ ] , "entries" : [ ] }',
    '{"schema_version": 1, "generated_at": "x", "quarantine_runs": 12345, "links": []}',
]


def variants_of(text: str) -> list[str]:
    data = json.loads(text)
    return [
        text,
        json.dumps(data),
        json.dumps(data, separators=(",", ":")),
        " \r\n" + text + " \n",
        text + "x",
        text[:-5],
        "\ufeff" + text,
        text.replace('"links": [', '"links": [1, '),
        text.replace('"schema_version": 1', '"schema_version": 99'),
        # a newer schema wins over a malformed link, as when the whole dict was read first
        text.replace('"schema_version": 1', '"schema_version": 99').replace(
            '"links": [', '"links": [1, '
        ),
        text.replace('"links": [', '"links": null, "x": ['),
        text.replace('"links": [', '"links": [], "links": ['),
        text.replace('"links": [', '"links": {"a": 1}, "z": ['),
        text.replace('"url":', '"nourl":', 1),
        *MALFORMED,
    ]


def reference(text: str) -> Snapshot | str:
    """What reading did before streaming: json.loads, then snapshot_from_json."""
    try:
        return loads_reference(text)
    except StateError as exc:
        return exc.describe()


def loads_reference(text: str) -> Snapshot:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StateError(
            f"snapshot is not valid JSON ({exc.msg}); delete it or restore it from git "
            "to start a fresh history",
            path="<snapshot>",
            line=exc.lineno,
        ) from None
    try:
        return snapshot_from_json(data)
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        detail = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise StateError(f"not a linkwarden snapshot: {detail}", path="<snapshot>") from None


def streamed(text: str) -> Snapshot | str:
    try:
        return loads_snapshot(text)
    except StateError as exc:
        return exc.describe()


@pytest.mark.parametrize("block", [1, 2, 7, 64, jsonstream.READ_BLOCK])
def test_reading_gives_what_json_loads_gives_whatever_the_block_size(
    block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonstream, "READ_BLOCK", block)
    text = dumps_snapshot(big_snapshot(12))
    for variant in variants_of(text):
        assert streamed(variant) == reference(variant), variant[:80]


def test_load_snapshot_reads_the_file_a_block_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonstream, "READ_BLOCK", 100)
    snapshot = big_snapshot(40)
    target = tmp_path / "latest.json"
    write_snapshot(target, snapshot)
    assert load_snapshot(target) == snapshot
    target.write_text(dumps_snapshot(snapshot)[:-40], encoding="utf-8")
    with pytest.raises(StateError, match="not valid JSON") as info:
        load_snapshot(target)
    assert info.value.line is not None and info.value.line > 1
    target.write_bytes(b'{"schema_version": 1, "generated_at": "\xff"}')
    with pytest.raises(StateError, match="not UTF-8"):
        load_snapshot(target)
    assert load_snapshot(tmp_path / "missing.json") is None
    with pytest.raises(StateError, match="is a directory"):
        load_snapshot(tmp_path)


def test_reading_a_large_snapshot_needs_a_fraction_of_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonstream, "READ_BLOCK", 64 * 1024)  # the file here is small
    target = tmp_path / "latest.json"
    write_snapshot(target, big_snapshot(3000))
    size = target.stat().st_size
    whole = extra_memory(lambda: json.loads(target.read_text(encoding="utf-8")))
    extra = extra_memory(lambda: load_snapshot(target))
    # json.loads of the whole text held the text and a dict tree of twice its size at once;
    # now it is a block or two of text and one link's dict beyond the records themselves.
    assert whole > size
    assert extra < size / 5 and extra < whole / 10, (extra, size, whole)


def test_loaded_records_share_repeated_strings(tmp_path: Path) -> None:
    target = tmp_path / "latest.json"
    write_snapshot(target, big_snapshot(20))
    loaded = load_snapshot(target)
    assert loaded is not None
    first, second = loaded.links[0], loaded.links[1]
    assert first.result.checked_at is second.result.checked_at  # one string, not one per link
    assert first.locations[0].path is second.locations[0].path
    assert first.result.final_url is first.url


def test_unchanged_locations_are_shared_with_the_previous_snapshot() -> None:
    before = big_snapshot(30)
    after = big_snapshot(30, previous=before, day=1)
    assert all(a.locations is b.locations for a, b in zip(before.links, after.links, strict=True))
    assert all(b.consecutive_failures == 2 for b in after.links if b.result.status is Status.DEAD)


# ------------------------------------------------------------------------------ reports


def test_streamed_reports_are_the_rendered_texts(tmp_path: Path) -> None:
    data = build_report_data(big_snapshot(200), rules=RULES)
    assert len(data.findings) == 20
    assert "".join(iter_html(data)) == render_html(data)
    sarif = render_sarif(data)
    assert sarif == "".join(iter_sarif(data))
    assert sarif == json.dumps(sarif_document(data), indent=2, ensure_ascii=False) + "\n"
    written = write_reports(tmp_path, big_snapshot(200), rules=RULES)
    texts = render_reports(data)
    assert sorted(p.name for p in written) == sorted(FILES.values())
    for path in written:
        assert path.read_text(encoding="utf-8") == texts[path.name]


def test_sarif_without_findings_streams_an_empty_results_array() -> None:
    data = build_report_data(replace(sample_snapshot(), findings=()), rules=RULES)
    text = "".join(iter_sarif(data))
    assert text == json.dumps(sarif_document(data), indent=2, ensure_ascii=False) + "\n"
    assert json.loads(text)["runs"][0]["results"] == []


def test_sarif_slot_is_found_even_if_a_rule_mentions_it() -> None:
    odd = Finding(
        code="LW999",
        rule="\x00linkwarden-results\x00",
        severity=Severity.INFO,
        message="m",
        list_name="x",
        path="x.md",
        line=1,
    )
    data = build_report_data(
        replace(sample_snapshot(), findings=(*sample_snapshot().findings, odd)), rules=RULES
    )
    assert (
        render_sarif(data) == json.dumps(sarif_document(data), indent=2, ensure_ascii=False) + "\n"
    )


def test_writing_html_needs_no_more_memory_for_more_links(tmp_path: Path) -> None:
    def streamed(n: int) -> tuple[int, int]:
        data = build_report_data(big_snapshot(n), rules=RULES)
        page = tmp_path / f"report-{n}.html"
        extra = extra_memory(lambda: atomic.atomic_write_chunks(page, iter_html(data)))
        return extra, page.stat().st_size

    small_extra, small_size = streamed(300)
    big_extra, big_size = streamed(3000)
    assert big_size - small_size > 1_000_000
    # Rendering costs the same whatever the page's size (the template, one row at a time);
    # joining the page into one string cost its size again and more.
    assert big_extra - small_extra < (big_size - small_size) / 10, (small_extra, big_extra)


def test_link_rows_are_made_on_demand_and_counted_without_rows() -> None:
    for snapshot in (sample_snapshot(), big_snapshot(120)):
        data = build_report_data(snapshot, rules=RULES)
        rows = tuple(data.links)
        assert len(data.links) == len(snapshot.links) == len(rows)
        assert data.links[3] == rows[3] and tuple(data.links[2:5]) == rows[2:5]
        # The summary counted from the records is what counting the rows gives...
        assert data.summary == LinkSummary.of(rows)
        # ...so a report from plain rows (as tests build them) is the same report.
        plain = replace(data, links=rows, summary=None)
        assert render_html(plain) == render_html(data)
        assert render_markdown(plain) == render_markdown(data)
