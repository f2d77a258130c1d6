"""Past the walls: the registry look-ups that run after the checker (docs/enrichment.md).

    DOI links (walled ones included) ─► Crossref, then doi.org handles ─► Enrichment.dois
    OpenReview links                 ─► OpenReview API 2, then API 1   ─► Enrichment.openreview
    links judged dead (not suspect)  ─► Wayback availability + snapshot ─► Enrichment.archives
    entries with arXiv and no code   ─► Hugging Face paper pages        ─► Enrichment.paper_code
                                          └► suggested repositories ─► the GitHub pass

The four sources run concurrently over one injected `httpx.AsyncClient`, each host with
its own politeness slot. What earlier runs learned (`Remembered`, from the snapshot) is not
asked again: an archived copy while the link stays dead, a paper page for
`huggingface.reask_days`. A source turned off in the config is not asked at all; a source
that does not answer leaves its keys out of the Enrichment (unknown, never dead) and adds a
note.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import anyio
import httpx

from ..clock import format_time, parse_time, utc_now
from ..config import USER_AGENT, Settings
from ..model import (
    ArchivedCopy,
    Enrichment,
    ExtractedList,
    PaperCode,
    RegistryRecord,
    RepoRecord,
)
from ._polite import Polite, api_host, registry_pool
from .collect import repo_key
from .hfpapers import find_code
from .registries import lookup_openreview, resolve_dois
from .wanted import dead_to_archive, dois_linked, openreview_linked, papers_without_code
from .wayback import find_snapshots

# Asks the GitHub pass about repositories (lower-case OWNER/NAME): records, None if missing.
RepoVerifier = Callable[[Sequence[str]], Awaitable[Mapping[str, RepoRecord | None]]]


@dataclass(frozen=True)
class Remembered:
    """Answers of earlier runs, from the previous snapshot."""

    archives: Mapping[str, ArchivedCopy | None] = field(default_factory=dict)  # by URL key
    # arXiv ID -> (the page's answer, when it was asked: ISO 8601 UTC)
    paper_code: Mapping[str, tuple[PaperCode | None, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class PastWallOutcome:
    enrichment: Enrichment  # the run's Enrichment with the registries' answers added
    requests: dict[str, int] = field(default_factory=dict)  # requests sent, per source


def fresh_code(
    remembered: Mapping[str, tuple[PaperCode | None, str]], now: datetime, reask_days: float
) -> dict[str, tuple[PaperCode | None, str]]:
    """The remembered paper-page answers younger than the re-ask period."""
    limit = now - timedelta(days=reask_days)
    fresh: dict[str, tuple[PaperCode | None, str]] = {}
    for arxiv_id, (answer, asked_at) in remembered.items():
        when = parse_time(asked_at)
        if when is not None and limit < when <= now + timedelta(minutes=5):
            fresh[arxiv_id] = (answer, asked_at)
    return fresh


def polite_client(client: httpx.AsyncClient, settings: Settings) -> Polite:
    """One `Polite` over the registries' hosts: their configured spacing, two at a time per
    host, unless `check.hosts` says otherwise for a host."""
    hosts = dict(
        [
            api_host(settings.crossref.api_url, 2, settings.crossref.interval),
            api_host(settings.crossref.handles_url, 2, settings.crossref.interval),
            api_host(settings.openreview.api_url, 2, settings.openreview.interval),
            api_host(settings.openreview.legacy_api_url, 2, settings.openreview.interval),
            api_host(settings.wayback.api_url, 2, settings.wayback.interval),
            api_host(settings.huggingface.api_url, 2, settings.huggingface.interval),
        ]
    )
    return Polite(
        client,
        registry_pool(settings.check, hosts),
        user_agent=settings.check.user_agent or USER_AGENT,
        max_retry_after=settings.check.max_retry_after,
    )


async def look_past_walls(
    lists: Sequence[ExtractedList],
    enrichment: Enrichment,
    settings: Settings,
    *,
    client: httpx.AsyncClient,
    dead: Mapping[str, str | None],
    remembered: Remembered | None = None,
    now: datetime | None = None,
    verify_repos: RepoVerifier | None = None,
) -> PastWallOutcome:
    """Ask the registries; `dead` maps each URL judged dead (normalised) to when it was
    last seen healthy (None when unknown)."""
    remembered = remembered or Remembered()
    now = now or utc_now()
    http = polite_client(client, settings)
    agent = settings.check.user_agent or USER_AGENT
    doi_records: dict[str, RegistryRecord | None] = {}
    note_records: dict[str, RegistryRecord | None] = {}
    notes: list[str] = list(enrichment.notes)

    # What is remembered is not asked again.
    archives: dict[str, ArchivedCopy | None] = {
        k: v for k, v in remembered.archives.items() if k in dead
    }
    to_archive = {
        key: (url, dead.get(key))
        for key, url in dead_to_archive(lists, dead).items()
        if key not in archives
    }
    kept = fresh_code(remembered.paper_code, now, settings.huggingface.reask_days)
    without_code = papers_without_code(lists)
    code: dict[str, PaperCode | None] = {i: kept[i][0] for i in without_code if i in kept}
    asked_at = {i: kept[i][1] for i in without_code if i in kept}
    to_ask_code = [i for i in without_code if i not in kept]

    async def dois() -> None:
        outcome = await resolve_dois(dois_linked(lists), settings.crossref, http, user_agent=agent)
        doi_records.update(outcome.records)
        notes.extend(outcome.notes)

    async def openreview() -> None:
        outcome = await lookup_openreview(openreview_linked(lists), settings.openreview, http)
        note_records.update(outcome.records)
        notes.extend(outcome.notes)

    async def wayback() -> None:
        outcome = await find_snapshots(to_archive, settings.wayback, http)
        archives.update(outcome.records)
        notes.extend(outcome.notes)

    async def huggingface() -> None:
        outcome = await find_code(to_ask_code, settings.huggingface, http)
        code.update(outcome.records)
        asked_at.update({i: format_time(now) for i in outcome.records})
        notes.extend(outcome.notes)

    jobs: list[Callable[[], Coroutine[Any, Any, None]]] = []
    if settings.crossref.enabled:
        jobs.append(dois)
    if settings.openreview.enabled:
        jobs.append(openreview)
    if settings.wayback.enabled:
        jobs.append(wayback)
    if settings.huggingface.enabled:
        jobs.append(huggingface)
    async with anyio.create_task_group() as group:
        for job in jobs:
            group.start_soon(job)

    repos = dict(enrichment.repos)
    if settings.huggingface.enabled and verify_repos is not None:
        unknown = sorted(
            {repo_key(c.repo) for c in code.values() if c and c.repo} - set(repos),
        )
        if unknown:
            repos.update(await verify_repos(unknown))
    updated = dataclasses.replace(
        enrichment,
        repos=repos,
        dois=doi_records,
        openreview=note_records,
        archives=archives if settings.wayback.enabled else {},
        paper_code=code if settings.huggingface.enabled else {},
        paper_code_asked_at=asked_at if settings.huggingface.enabled else {},
        notes=tuple(dict.fromkeys(notes)),
    )
    requests = {source: n for source, n in sorted(http.sent.items()) if source}
    return PastWallOutcome(updated, requests)
