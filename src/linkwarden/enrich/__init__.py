"""Enrichment: what the arXiv and GitHub APIs say about the papers and repositories linked.

    lists ─► arxiv_links ─► fetch_records (export API, batches of ≤ 100, ≥ 3 s apart)
          └► repo_links  ─► fetch_repos   (GraphQL per 100 with a token, else REST within quota)
                               ▼
          Enrichment (metadata) + LinkResults for the URLs the APIs verified

An arXiv link answered by the API is not fetched from arxiv.org at all; a repository the
API answered is `ok`, `redirected` (renamed: the new URL is the suggestion) or `dead`.
URLs the APIs could not answer get no result here, so the HTTP checker handles them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import anyio

from .. import urls
from ..config import USER_AGENT, Settings
from ..model import Enrichment, ExtractedList, LinkResult, RepoRecord, Status
from ._transport import route_from, verify_from
from .arxiv import ArxivLink, ArxivOutcome, arxiv_links, fetch_records
from .github import GithubOutcome, RepoLink, fetch_repos, is_repo_root, repo_key, repo_links

__all__ = [
    "EnrichOutcome",
    "arxiv_links",
    "enrich",
    "repo_links",
    "results_for",
]


@dataclass(frozen=True)
class EnrichOutcome:
    enrichment: Enrichment
    results: dict[str, LinkResult] = field(default_factory=dict)  # by urls.normalize(url)
    requests: dict[str, int] = field(default_factory=dict)  # API requests sent, per API


def _user_agent(settings: Settings) -> str:
    return settings.check.user_agent or USER_AGENT


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _arxiv_result(item: ArxivLink, enrichment: Enrichment, when: str) -> LinkResult | None:
    url = urls.normalize(item.link.url)
    if item.arxiv_id is None:
        return LinkResult(
            url=url,
            status=Status.DEAD,
            final_url=url,
            via="arxiv-api",
            checked_at=when,
            reason=f"{item.raw_id} is not a valid arXiv identifier",
            error_kind="not-found",
        )
    if item.arxiv_id not in enrichment.arxiv:
        return None  # the API did not answer: the HTTP checker looks at it
    record = enrichment.arxiv[item.arxiv_id]
    if record is None:
        return LinkResult(
            url=url,
            status=Status.DEAD,
            final_url=url,
            via="arxiv-api",
            checked_at=when,
            http_status=404,
            reason=f"arXiv does not know {item.arxiv_id}",
            error_kind="not-found",
        )
    if item.version is not None and item.version > record.latest_version:
        return LinkResult(
            url=url,
            status=Status.DEAD,
            final_url=url,
            via="arxiv-api",
            checked_at=when,
            http_status=404,
            error_kind="not-found",
            reason=f"{item.arxiv_id}v{item.version} does not exist "
            f"(latest is v{record.latest_version})",
            suggestion=url.replace(f"{item.arxiv_id}v{item.version}", item.arxiv_id, 1),
        )
    return LinkResult(
        url=url,
        status=Status.OK,
        final_url=url,
        via="arxiv-api",
        checked_at=when,
        http_status=200,
        title=record.title,
    )


def renamed_url(url: str, record: RepoRecord) -> str:
    """`url` with the repository part replaced by the repository's current name."""
    old = urls.github_repo(url)
    if old is None:
        return record.url
    head, sep, tail = url.partition(f"/{old}")
    if not sep:  # case differs from what github_repo saw: rebuild from the record
        return record.url
    if tail.startswith(".git"):
        tail = tail[len(".git") :]
    return f"{head}/{record.full_name}{tail}"


def _repo_result(item: RepoLink, enrichment: Enrichment, when: str) -> LinkResult | None:
    if item.via_badge or item.key not in enrichment.repos:
        return None  # badges are images: the HTTP checker fetches them
    url = urls.normalize(item.link.url)
    record = enrichment.repos[item.key]
    if record is None:
        return LinkResult(
            url=url,
            status=Status.DEAD,
            final_url=url,
            via="github-api",
            checked_at=when,
            http_status=404,
            error_kind="not-found",
            reason=f"repository {item.repo} does not exist (deleted, or private)",
        )
    if record.renamed:
        new = renamed_url(url, record)
        return LinkResult(
            url=url,
            status=Status.REDIRECTED,
            final_url=new,
            via="github-api",
            checked_at=when,
            http_status=301,
            suggestion=new,
            reason=f"repository {item.repo} is now {record.full_name}",
        )
    if not is_repo_root(item.link.url):
        return None  # a file or folder inside a live repository: the HTTP checker decides
    return LinkResult(
        url=url,
        status=Status.OK,
        final_url=url,
        via="github-api",
        checked_at=when,
        http_status=200,
    )


def results_for(
    arxiv_items: Sequence[ArxivLink], repo_items: Sequence[RepoLink], enrichment: Enrichment
) -> dict[str, LinkResult]:
    """LinkResults for every URL the APIs verified, keyed by normalised URL."""
    when = _now()
    results: dict[str, LinkResult] = {}
    for item in arxiv_items:
        result = _arxiv_result(item, enrichment, when)
        if result is not None:
            results.setdefault(result.url, result)
    for repo_item in repo_items:
        result = _repo_result(repo_item, enrichment, when)
        if result is not None:
            results.setdefault(result.url, result)
    return results


async def enrich(
    lists: Iterable[ExtractedList],
    settings: Settings,
    *,
    github_token: str | None,
    network: Any = None,
) -> EnrichOutcome:
    """Ask arXiv and GitHub about every paper and repository the lists link, concurrently.

    Never raises for API trouble: what could not be learned is absent from the Enrichment
    and explained in `Enrichment.notes`.
    """
    extracted = list(lists)
    arxiv_items = arxiv_links(extracted)
    repo_items = repo_links(extracted)
    ids = {item.arxiv_id for item in arxiv_items if item.arxiv_id}
    repos = list({item.key: item.repo for item in repo_items}.values())
    agent = _user_agent(settings)
    verify = verify_from(network)
    route = route_from(network)

    arxiv_outcome = ArxivOutcome()
    github_outcome = GithubOutcome()

    async def ask_arxiv() -> None:
        nonlocal arxiv_outcome
        arxiv_outcome = await fetch_records(
            ids, settings.arxiv, user_agent=agent, verify=verify, route=route
        )

    async def ask_github() -> None:
        nonlocal github_outcome
        github_outcome = await fetch_repos(
            repos,
            settings.github,
            token=github_token,
            user_agent=agent,
            verify=verify,
            route=route,
        )

    async with anyio.create_task_group() as group:
        group.start_soon(ask_arxiv)
        group.start_soon(ask_github)

    enrichment = Enrichment(
        arxiv=dict(arxiv_outcome.records),
        repos=dict(github_outcome.records),
        notes=tuple(arxiv_outcome.notes + github_outcome.notes),
    )
    return EnrichOutcome(
        enrichment=enrichment,
        results=results_for(arxiv_items, repo_items, enrichment),
        requests={"arxiv": arxiv_outcome.requests, "github": github_outcome.requests},
    )


def repo_of(url: str) -> str | None:
    """Lower-case OWNER/NAME of a GitHub URL or badge, the Enrichment.repos key."""
    repo = urls.badge_repo(url) or urls.github_repo(url)
    return repo_key(repo) if repo else None
