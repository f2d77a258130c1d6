"""The run policy: this run's snapshot from its results and the previous snapshot.

- `build_snapshot` merges this run's results with the previous run's records: quarantine
  counters and recent history carried, the verdict judged (`quarantine.judge`), LW2xx
  findings' severity set (`quarantine.apply_quarantine`), API metadata joined per link,
  totals counted; a URL not checked this time keeps its previous observation.
- `judged_findings` gives findings the same verdict without building a snapshot: PR mode
  judges its re-checks against the committed snapshot's streaks and writes nothing.
- `reusable_results` serves `--max-age`: healthy observations young enough to skip.

Pure: no file or network I/O (the file is `codec`, the orchestration `linkwarden.persist`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from .. import __version__
from ..clock import format_time, parse_time
from ..config import Settings
from ..findings import finding_order
from ..model import (
    ArchivedCopy,
    Effective,
    Enrichment,
    ExtractedList,
    Finding,
    LinkEnrichment,
    LinkResult,
    Location,
    PaperCode,
    Severity,
    Status,
    Via,
)
from ..paperids import doi_of, openreview_id
from ..urls import arxiv_ref, github_repo, normalize
from .quarantine import HEALTH_PREFIX, apply_quarantine, judge
from .snapshot import SCHEMA_VERSION, LinkRecord, Observation, RunInfo, Snapshot, SourceInfo, Totals

HISTORY_KEEP = 5  # recent observations kept per link: enough to show a flaky pattern

# Observations and whole histories repeat from link to link (a run checks every URL within
# minutes, so they share a handful of time stamps): one frozen object each, not one per link.
_observation = functools.lru_cache(maxsize=4096)(Observation)


@functools.lru_cache(maxsize=4096)
def _shared_history(history: tuple[Observation, ...]) -> tuple[Observation, ...]:
    return history


def _locations(lists: Sequence[ExtractedList]) -> dict[str, list[Location]]:
    found: dict[str, list[Location]] = {}
    for extracted in lists:
        for link in extracted.links:
            entry = extracted.entry_of(link)
            found.setdefault(normalize(link.url), []).append(
                Location(
                    list_name=link.list_name,
                    path=link.path,
                    line=link.line,
                    role=link.role,
                    entry=entry.title if entry else None,
                    text=link.text,
                    column=link.column,
                )
            )
    return found


def _badge_repos(lists: Sequence[ExtractedList]) -> dict[str, str]:
    """Normalised badge URL -> OWNER/NAME the badge counts."""
    found: dict[str, str] = {}
    for extracted in lists:
        for link in extracted.links:
            if link.badge_repo:
                found[normalize(link.url)] = link.badge_repo
    return found


def _link_enrichment(
    url: str, enrichment: Enrichment, badge_repo: str | None
) -> LinkEnrichment | None:
    ref = arxiv_ref(url)
    return enrichment.for_link(
        ref.arxiv_id if ref else None, github_repo(url) or badge_repo,
        url=url, doi=doi_of(url), note=openreview_id(url),
    )  # fmt: skip


def remembered_registry_answers(
    snapshot: Snapshot,
) -> tuple[dict[str, ArchivedCopy | None], dict[str, tuple[PaperCode | None, str]]]:
    """What the snapshot remembers of the registries (docs/enrichment.md): archived copies
    by URL, for links still dead (a link that recovers forgets its copy); paper-page
    answers by arXiv ID, with when they were asked (re-asked after `reask_days`)."""
    archives: dict[str, ArchivedCopy | None] = {}
    code: dict[str, tuple[PaperCode | None, str]] = {}
    for record in snapshot.links:
        e = record.enrichment
        if e is None:
            continue
        if e.archive_asked and record.effective is Effective.DEAD:
            archives[record.url] = e.archive
        ref = arxiv_ref(record.url)
        if ref and e.code_asked_at:
            code.setdefault(ref.arxiv_id, (e.code, e.code_asked_at))
    return archives, code


def _unchecked(url: str, now: str) -> LinkResult:
    return LinkResult(
        url=url, status=Status.SKIPPED, final_url=url, reason="not checked in this run",
        checked_at=now, via=Via.NONE,
    )  # fmt: skip


def _record(
    url: str,
    result: LinkResult,
    previous: LinkRecord | None,
    quarantine_runs: int,
    now: str,
    locations: tuple[Location, ...],
    enrichment: LinkEnrichment | None,
) -> LinkRecord:
    checked_at = result.checked_at or now
    reused = result.via is Via.SNAPSHOT and previous is not None
    if reused and previous is not None:
        # Reused from the last snapshot (--max-age): nothing new was observed.
        consecutive, first_failed, history = (
            previous.consecutive_failures,
            previous.first_failed_at,
            previous.history,
        )
        checked_at = previous.result.checked_at or checked_at
        via = previous.result.via
    else:
        prior = previous.consecutive_failures if previous else 0
        if result.status.is_failure:
            consecutive = prior + 1
            first_failed = (previous.first_failed_at if previous and prior else None) or checked_at
        else:
            consecutive, first_failed = 0, None
        earlier = previous.history if previous else ()
        observed = _observation(checked_at, result.status)
        history = _shared_history((*earlier, observed)[-HISTORY_KEEP:])
        via = result.via
    final_url = result.final_url or url
    if (result.url, result.final_url, result.checked_at, result.via) != (
        url,
        final_url,
        checked_at,
        via,
    ):
        result = replace(result, url=url, final_url=final_url, checked_at=checked_at, via=via)
    return LinkRecord(
        result=result,  # most often the checker's own object: shared, not copied
        effective=judge(result, consecutive, quarantine_runs),
        first_failed_at=first_failed,
        consecutive_failures=consecutive,
        history=history,
        locations=locations,
        enrichment=enrichment,
    )


def _source_info(x: ExtractedList) -> SourceInfo:
    return SourceInfo(
        name=x.source.name,
        path=x.source.shown,
        content_hash=x.content_hash,
        entries=len(x.entries),
        links=len(x.links),
        lines=x.line_count,
        upstream=x.source.upstream,
    )


def count_by(values: Iterable[str], keys: Iterable[str]) -> dict[str, int]:
    """Counts of `values`, with every one of `keys` present (0 when absent)."""
    counts = dict.fromkeys(keys, 0)
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def build_snapshot(
    lists: Sequence[ExtractedList],
    results: Mapping[str, LinkResult],
    enrichment: Enrichment | None,
    findings: Sequence[Finding],
    previous: Snapshot | None,
    settings: Settings,
    now: datetime,
) -> Snapshot:
    """The snapshot of this run: records per URL with quarantine applied, sorted.

    `results` are keyed by `urls.normalize(url)`. A URL without a result keeps the previous
    snapshot's observation (marked via="snapshot") when there is one, else it is `skipped`
    ("not checked in this run"). `findings` are stored after `apply_quarantine`, so LW2xx
    findings of quarantined links are warnings.
    """
    stamp = format_time(now)
    before = previous.link_map() if previous else {}
    where = _locations(lists)
    badges = _badge_repos(lists)
    records: list[LinkRecord] = []
    for url in sorted(where):
        result = results.get(url)
        prior = before.get(url)
        if result is None:
            result = replace(prior.result, via=Via.SNAPSHOT) if prior else _unchecked(url, stamp)
        # The previous record's URL string: one copy of it for both runs' snapshots.
        key = prior.url if prior is not None else url
        # Popped: each URL's list is freed as soon as its record has the sorted tuple.
        locations = tuple(sorted(where.pop(url), key=Location.sort_key))
        if prior is not None and prior.locations == locations:
            locations = prior.locations  # one copy for both runs' snapshots (most links)
        joined = (
            _link_enrichment(url, enrichment, badges.get(url))
            if enrichment is not None
            # Enrichment not run this time: keep what the last run learned.
            else (prior.enrichment if prior else None)
        )
        records.append(
            _record(key, result, prior, settings.quarantine_runs, stamp, locations, joined)
        )
    adjusted = tuple(
        sorted(apply_quarantine(findings, records, settings.quarantine_runs), key=finding_order)
    )
    sources = tuple(_source_info(x) for x in lists)
    entries = tuple(
        sorted((e for x in lists for e in x.entries), key=lambda e: (e.list_name, e.line, e.title))
    )
    totals = Totals(
        lists=len(lists),
        entries=len(entries),
        links=sum(len(x.links) for x in lists),
        urls=len(records),
        by_status=count_by((r.result.status.value for r in records), (s.value for s in Status)),
        by_effective=count_by((r.effective.value for r in records), (e.value for e in Effective)),
        findings=count_by((f.severity.value for f in adjusted), (s.value for s in Severity)),
    )
    return Snapshot(
        run=RunInfo(
            schema_version=SCHEMA_VERSION,
            tool_version=__version__,
            generated_at=stamp,
            quarantine_runs=settings.quarantine_runs,
            notes=tuple(enrichment.notes) if enrichment else (),
        ),
        sources=tuple(sorted(sources, key=lambda s: s.name)),
        totals=totals,
        links=tuple(records),
        entries=entries,
        findings=adjusted,
    )


def judged_findings(
    findings: Sequence[Finding],
    results: Mapping[str, LinkResult],
    previous: Snapshot | None,
    quarantine_runs: int,
    now: datetime,
) -> list[Finding]:
    """`findings` with the severity `build_snapshot` would store for them, in the order given.

    The same records (`_record`: this run's failure extends the previous snapshot's streak)
    and the same `apply_quarantine`, but only for the URLs of link-health findings, and no
    snapshot is built: a run that writes none (PR mode) still calls a transient failure
    dead only once it has failed `quarantine_runs` runs in a row, counting itself.
    `results` are keyed by `urls.normalize(url)`, as for `build_snapshot`.
    """
    before = previous.link_map() if previous else {}
    stamp = format_time(now)
    subjects = {normalize(f.url) for f in findings if f.url and f.code.startswith(HEALTH_PREFIX)}
    records: list[LinkRecord] = []
    for url in sorted(subjects):
        result = results.get(url)
        if result is not None:
            prior = before.get(url)
            key = prior.url if prior is not None else url
            records.append(_record(key, result, prior, quarantine_runs, stamp, (), None))
    return apply_quarantine(findings, records, quarantine_runs)


def reusable_results(
    previous: Snapshot | None, max_age: timedelta, now: datetime
) -> dict[str, LinkResult]:
    """Healthy results from `previous` younger than `max_age`, to skip re-checking them.

    Failures (and suspects, blocked, skipped) are never reused: they are always re-checked.
    The results carry via="snapshot" and their original `checked_at`.
    """
    if previous is None or max_age <= timedelta(0):
        return {}
    reusable: dict[str, LinkResult] = {}
    for record in previous.links:
        if not record.result.status.is_healthy:
            continue
        checked = parse_time(record.result.checked_at)
        if checked is None or now - checked >= max_age or checked > now:
            continue
        reusable[record.url] = replace(record.result, via=Via.SNAPSHOT)
    return reusable
