"""From a `state.Snapshot` (and optionally the run diff and history) to `ReportData`.

This is the one place that knows the snapshot's shape. Counting rules:
- status totals count unique URLs by the status observed in this run;
- per-list health counts link occurrences (a URL listed twice in a list counts twice), by
  observed status, so a list's bar adds up to its number of links;
- health percent is healthy / judged, where blocked, restricted and skipped links are left
  out of "judged": a bot wall says nothing about a link.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import overload

from ..diff import RunDiff
from ..model import Finding, Location, Severity, Status, Upstream
from ..rules.base import Rule
from ..state.snapshot import LinkRecord, Snapshot, SourceInfo
from ..urls import arxiv_ref, normalize
from .view import (
    SEVERITY_ORDER,
    STATUS_ORDER,
    ChangeLine,
    FindingRow,
    HistoryPoint,
    LinkRow,
    LinkSummary,
    ListHealth,
    PaperRow,
    RegistryRow,
    RepoRow,
    ReportData,
    RuleInfo,
)

RULES_DOC = "https://github.com/linkwarden-dev/linkwarden/blob/main/docs/rules.md"


def _upstreams(sources: Iterable[SourceInfo]) -> dict[str, Upstream]:
    return {s.name: s.upstream for s in sources if s.upstream is not None}


def _location(list_name: str, path: str, line: int, ups: dict[str, Upstream]) -> Location:
    upstream = ups.get(list_name)
    return Location(list_name, path, line, href=upstream.blob_url(line) if upstream else None)


def rule_infos(rules: Iterable[Rule]) -> tuple[RuleInfo, ...]:
    """RuleInfo for each row of the rules table."""
    infos = [
        RuleInfo(
            code=rule.code,
            name=rule.name,
            severity=rule.severity,
            summary=rule.summary,
            help=rule.summary,
            help_uri=f"{RULES_DOC}#{rule.code.lower()}",
        )
        for rule in rules
    ]
    return tuple(sorted(infos, key=lambda r: r.code))


def default_rules() -> tuple[RuleInfo, ...]:
    """The project's rules table (`linkwarden.rules.RULES`)."""
    from ..rules import RULES  # the rules package imports much; load it only when needed

    return rule_infos(RULES)


def _with_finding_rules(
    rules: Sequence[RuleInfo], findings: Iterable[Finding]
) -> tuple[RuleInfo, ...]:
    """The rules table plus a minimal row for any code a finding uses but the table lacks."""
    known = {r.code: r for r in rules}
    for f in findings:
        if f.code not in known:
            known[f.code] = RuleInfo(
                code=f.code, name=f.rule, severity=f.severity, summary=f.rule.replace("-", " ")
            )
    return tuple(sorted(known.values(), key=lambda r: r.code))


def _link_row(record: LinkRecord, ups: dict[str, Upstream]) -> LinkRow:
    locs = record.locations
    return LinkRow(
        url=record.url,
        status=record.result.status,
        final_url=record.result.final_url,
        locations=tuple(_location(loc.list_name, loc.path, loc.line, ups) for loc in locs),
        roles=tuple(sorted({loc.role.value for loc in locs})),
        entries=tuple(dict.fromkeys(loc.entry for loc in locs if loc.entry)),
        http_status=record.result.http_status,
        reason=record.result.reason,
        consecutive_failures=record.consecutive_failures,
        first_failed_at=record.first_failed_at,
        quarantined=record.quarantined,
        effective=record.effective.value,
        history=tuple(o.status.value for o in record.history),
        suggestion=record.result.suggestion,
    )


class LinkRows(Sequence[LinkRow]):
    """A snapshot's links as report rows, each made when it is read.

    With 100,000 links a tuple of rows would be a second copy of the snapshot in memory;
    the renderers walk the rows once (the HTML table) and take every count from the
    `LinkSummary` that `_link_summary` makes from the records directly.
    """

    def __init__(self, records: Sequence[LinkRecord], ups: dict[str, Upstream]) -> None:
        self._records = records
        self._ups = ups

    def __len__(self) -> int:
        return len(self._records)

    @overload
    def __getitem__(self, index: int) -> LinkRow: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[LinkRow]: ...

    def __getitem__(self, index: int | slice) -> LinkRow | Sequence[LinkRow]:
        if isinstance(index, slice):
            return LinkRows(self._records[index], self._ups)
        return _link_row(self._records[index], self._ups)

    def __iter__(self) -> Iterator[LinkRow]:
        return (_link_row(record, self._ups) for record in self._records)


def _link_summary(records: Sequence[LinkRecord], ups: dict[str, Upstream]) -> LinkSummary:
    """`LinkSummary.of` the rows of `records`, without making a row per link."""
    counts: Counter[Status] = Counter()
    occurrences = 0
    quarantined: list[LinkRow] = []
    lists: set[str] = set()
    roles: set[str] = set()
    for record in records:
        counts[record.result.status] += 1
        occurrences += len(record.locations)
        if record.quarantined:
            quarantined.append(_link_row(record, ups))
        for loc in record.locations:
            lists.add(loc.list_name)
            roles.add(loc.role.value)
    return LinkSummary(
        statuses={s: counts.get(s, 0) for s in STATUS_ORDER},
        occurrences=occurrences,
        quarantined=tuple(quarantined),
        lists=tuple(sorted(lists)),
        roles=tuple(sorted(roles)),
    )


def _finding_row(f: Finding, ups: dict[str, Upstream], by_url: dict[str, LinkRecord]) -> FindingRow:
    role = status = None
    if f.url:
        record = by_url.get(f.url) or by_url.get(normalize(f.url))
        if record is not None:
            same_line = [
                loc for loc in record.locations if loc.path == f.path and loc.line == f.line
            ]
            pick = same_line or list(record.locations)
            role = pick[0].role.value if pick else None
            status = record.result.status.value
    return FindingRow(
        code=f.code,
        rule=f.rule,
        severity=f.severity,
        message=f.message,
        location=_location(f.list_name, f.path, f.line, ups),
        url=f.url,
        suggestion=f.suggestion,
        entry=f.entry,
        role=role,
        status=status,
    )


def _list_health(snapshot: Snapshot, ups: dict[str, Upstream]) -> tuple[ListHealth, ...]:
    by_status: dict[str, Counter[Status]] = defaultdict(Counter)
    for record in snapshot.links:
        for loc in record.locations:
            by_status[loc.list_name][record.result.status] += 1
    findings: dict[str, Counter[Severity]] = defaultdict(Counter)
    for f in snapshot.findings:
        findings[f.list_name][f.severity] += 1
    rows = []
    for s in snapshot.sources:
        upstream = ups.get(s.name)
        counts = by_status[s.name]
        rows.append(
            ListHealth(
                name=s.name,
                path=s.path,
                href=upstream.blob_url() if upstream else None,
                upstream=upstream.repo if upstream else None,
                entries=s.entries,
                links=sum(counts.values()),
                by_status={st: counts.get(st, 0) for st in STATUS_ORDER},
                findings={sev: findings[s.name].get(sev, 0) for sev in SEVERITY_ORDER},
            )
        )
    return tuple(sorted(rows, key=lambda r: r.name))


def _papers(snapshot: Snapshot) -> tuple[PaperRow, ...]:
    groups: dict[str, list[LinkRecord]] = defaultdict(list)
    for record in snapshot.links:
        e = record.enrichment
        if e is not None and e.arxiv_id:
            groups[e.arxiv_id].append(record)
    rows = []
    for arxiv_id, records in groups.items():
        meta = next(
            (r.enrichment.arxiv for r in records if r.enrichment and r.enrichment.arxiv), None
        )
        versions = set()
        for r in records:
            ref = arxiv_ref(r.url)
            if ref is not None and ref.version is not None:
                versions.add(ref.version)
        locs = [loc for r in records for loc in r.locations]
        rows.append(
            PaperRow(
                arxiv_id=arxiv_id,
                title=meta.title if meta else None,
                latest_version=meta.latest_version if meta else None,
                linked_versions=tuple(sorted(versions)),
                published=meta.published if meta else "",
                withdrawn=meta.withdrawn if meta else False,
                entries=tuple(sorted({loc.entry for loc in locs if loc.entry})),
                lists=tuple(sorted({loc.list_name for loc in locs})),
                url=f"https://arxiv.org/abs/{arxiv_id}",
            )
        )
    return tuple(sorted(rows, key=lambda p: p.arxiv_id))


def _repos(snapshot: Snapshot) -> tuple[RepoRow, ...]:
    groups: dict[str, list[LinkRecord]] = defaultdict(list)
    for record in snapshot.links:
        e = record.enrichment
        if e is not None and e.repo:
            groups[e.repo].append(record)
    rows = []
    for repo, records in groups.items():
        meta = next(
            (r.enrichment.repository for r in records if r.enrichment and r.enrichment.repository),
            None,
        )
        rows.append(
            RepoRow(
                requested=meta.requested if meta else repo,
                full_name=meta.full_name if meta else None,
                url=meta.url if meta else f"https://github.com/{repo}",
                stars=meta.stars if meta else None,
                forks=meta.forks if meta else None,
                archived=meta.archived if meta else None,
                pushed_at=meta.pushed_at if meta else None,
                license=meta.license if meta else None,
                lists=tuple(sorted({loc.list_name for r in records for loc in r.locations})),
            )
        )
    return tuple(sorted(rows, key=lambda r: r.requested.lower()))


_REGISTRY_NAMES = {"crossref": "Crossref", "handle": "doi.org", "openreview": "OpenReview"}


def _registries(snapshot: Snapshot) -> tuple[RegistryRow, ...]:
    """One row per link whose DOI or OpenReview note a registry answered about."""
    rows = []
    for record in snapshot.links:
        e = record.enrichment
        if e is None:
            continue
        lists = tuple(sorted({loc.list_name for loc in record.locations}))
        for kind, key, found, missing in (
            ("DOI", e.doi, e.doi_record, "resolves nowhere"),
            ("OpenReview", e.openreview_id, e.openreview, "no such note"),
        ):
            if key is None:
                continue
            verdict = f"verified ({_REGISTRY_NAMES[found.registry]})" if found else missing
            rows.append(
                RegistryRow(
                    kind,
                    key,
                    verdict,
                    found is not None,
                    found.title if found else None,
                    record.result.status,
                    record.url,
                    lists,
                )
            )
    return tuple(sorted(rows, key=lambda r: (r.kind, r.key, r.url)))


def change_lines(diff: RunDiff | None) -> tuple[ChangeLine, ...]:
    """'Since the previous run' counts from the run diff: only what changed (non-zero)."""
    if diff is None:
        return ()
    counts = [
        ("newly dead", len(diff.newly_dead)),
        ("newly in quarantine", len(diff.newly_suspect)),
        ("recovered", len(diff.recovered)),
        ("new redirects", len(diff.redirects)),
        ("repositories renamed", len(diff.renames)),
        ("status changes", len(diff.status_changes)),
        ("entries added", len(diff.entries_added)),
        ("entries removed", len(diff.entries_removed)),
        ("links added", len(diff.links_added)),
        ("links removed", len(diff.links_removed)),
        ("new arXiv versions", len(diff.arxiv_versions)),
        ("repositories newly archived", len(diff.newly_archived)),
        ("findings added", len(diff.findings_added)),
        ("findings resolved", len(diff.findings_resolved)),
    ]
    lines = [ChangeLine(label, n) for label, n in counts if n]
    if diff.star_totals.delta:
        lines.append(ChangeLine("stars in total", diff.star_totals.delta, signed=True))
    return tuple(lines)


def build_report_data(
    snapshot: Snapshot,
    *,
    diff: RunDiff | None = None,
    history: Sequence[HistoryPoint] = (),
    rules: Sequence[RuleInfo] | None = None,
    duration_seconds: float | None = None,
) -> ReportData:
    """Everything the renderers need, sorted and counted once."""
    ups = _upstreams(snapshot.sources)
    by_url = snapshot.link_map()
    table = default_rules() if rules is None else tuple(rules)
    findings = tuple(_finding_row(f, ups, by_url) for f in snapshot.findings)
    findings = tuple(
        sorted(
            findings,
            key=lambda f: (-f.severity.rank, f.location.path, f.location.line, f.code, f.url or ""),
        )
    )
    return ReportData(
        tool_version=snapshot.run.tool_version,
        generated_at=snapshot.run.generated_at,
        duration_seconds=duration_seconds,
        lists=_list_health(snapshot, ups),
        links=LinkRows(snapshot.links, ups),
        summary=_link_summary(snapshot.links, ups),
        findings=findings,
        papers=_papers(snapshot),
        repos=_repos(snapshot),
        registries=_registries(snapshot),
        rules=_with_finding_rules(table, snapshot.findings),
        notes=snapshot.run.notes,
        changes=change_lines(diff),
        history=tuple(history),
    )
