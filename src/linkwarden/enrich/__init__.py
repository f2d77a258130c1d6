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

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import anyio

from .. import urls
from ..config import USER_AGENT, Settings
from ..model import Enrichment, ExtractedList, LinkResult
from .collect import ArxivLink, RepoLink, arxiv_links, repo_key, repo_links
from .results import renamed_url, results_for

__all__ = [
    "ArxivLink",
    "EnrichOutcome",
    "RepoLink",
    "arxiv_links",
    "enrich",
    "renamed_url",
    "repo_links",
    "repo_of",
    "results_for",
]


@dataclass(frozen=True)
class EnrichOutcome:
    enrichment: Enrichment
    results: dict[str, LinkResult] = field(default_factory=dict)  # by urls.normalize(url)
    requests: dict[str, int] = field(default_factory=dict)  # API requests sent, per API


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
    # The API clients (arxiv, PyGithub, requests) load only when enrichment runs.
    from ._transport import route_from, verify_from
    from .arxiv import ArxivOutcome, fetch_records
    from .github import GithubOutcome, fetch_repos

    extracted = list(lists)
    arxiv_items = arxiv_links(extracted)
    repo_items = repo_links(extracted)
    ids = {item.arxiv_id for item in arxiv_items if item.arxiv_id}
    repos = list({item.key: item.repo for item in repo_items}.values())
    agent = settings.check.user_agent or USER_AGENT
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
