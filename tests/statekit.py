"""Hand-built values for the state, diff and fix tests: lists, results, enrichment."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from linkwarden.config import Settings
from linkwarden.model import (
    ArxivRecord,
    Enrichment,
    Entry,
    ExtractedList,
    Finding,
    Link,
    LinkResult,
    RepoRecord,
    Role,
    Severity,
    SourceList,
    Status,
)
from linkwarden.state.policy import build_snapshot
from linkwarden.state.snapshot import Snapshot
from linkwarden.urls import normalize

T0 = datetime(2025, 3, 1, 2, 0, tzinfo=timezone.utc)


def night(n: int) -> datetime:
    """The time of the n-th nightly run (0 = T0)."""
    return T0 + timedelta(days=n)


def make_list(name: str, items: list[tuple[str, list[tuple[str, Role]]]]) -> ExtractedList:
    """A list whose entry i stands on line 10*(i+1), its links on the same line."""
    path = f"sources/{name}.md"
    entries: list[Entry] = []
    links: list[Link] = []
    for index, (title, urls) in enumerate(items):
        line = 10 * (index + 1)
        entries.append(Entry(name, path, index, title, line, line))
        for column, (url, role) in enumerate(urls):
            links.append(
                Link(url, url, role.value, role, name, path, line, entry=index, column=column * 40)
            )
    return ExtractedList(
        source=SourceList(name=name, path=Path(path), display_path=path),
        entries=tuple(entries),
        links=tuple(links),
        content_hash="0" * 64,
        line_count=10 * (len(items) + 1),
    )


def result(url: str, status: Status, when: datetime, **kw: object) -> LinkResult:
    key = normalize(url)
    defaults: dict[str, object] = {
        "final_url": key,
        "checked_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if status is Status.DEAD and "http_status" not in kw and "error_kind" not in kw:
        defaults["http_status"] = 404
    defaults.update(kw)
    return LinkResult(url=key, status=status, **defaults)  # type: ignore[arg-type]


def dead_link_finding(url: str, lst: ExtractedList, severity: Severity = Severity.ERROR) -> Finding:
    link = next(x for x in lst.links if normalize(x.url) == normalize(url))
    entry = lst.entry_of(link)
    return Finding(
        code="LW201",
        rule="dead-link",
        severity=severity,
        message="link is dead",
        list_name=lst.source.name,
        path=link.path,
        line=link.line,
        url=link.url,
        entry=entry.title if entry else None,
    )


def repo(
    name: str, stars: int, *, full_name: str | None = None, archived: bool = False
) -> RepoRecord:
    full = full_name or name
    return RepoRecord(
        requested=name, full_name=full, url=f"https://github.com/{full}", stars=stars,
        archived=archived,
    )  # fmt: skip


def paper(arxiv_id: str, version: int, title: str = "A paper") -> ArxivRecord:
    return ArxivRecord(arxiv_id=arxiv_id, latest_version=version, title=title)


def snap(
    lists: list[ExtractedList],
    results: dict[str, LinkResult],
    previous: Snapshot | None,
    when: datetime,
    *,
    findings: list[Finding] | None = None,
    enrichment: Enrichment | None = None,
    quarantine_runs: int = 2,
) -> Snapshot:
    return build_snapshot(
        lists,
        {normalize(k): v for k, v in results.items()},
        enrichment,
        findings or [],
        previous,
        Settings(quarantine_runs=quarantine_runs),
        when,
    )
