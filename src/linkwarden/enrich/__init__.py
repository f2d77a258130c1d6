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

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import urls
from ..config import USER_AGENT, Settings
from ..model import Enrichment, ExtractedList, LinkResult
from .collect import ArxivLink, RepoLink, arxiv_links, repo_key, repo_links
from .results import results_for

if TYPE_CHECKING:
    from .arxiv import ArxivOutcome
    from .github import GithubOutcome

__all__ = [
    "ArxivLink",
    "EnrichOutcome",
    "RepoLink",
    "arxiv_links",
    "enrich",
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
    on_github_plan: Callable[[list[str]], None] | None = None,
) -> EnrichOutcome:
    """Ask arXiv and GitHub about every paper and repository the lists link, concurrently.

    Never raises for API trouble: what could not be learned is absent from the Enrichment
    and explained in `Enrichment.notes`. `on_github_plan` is told once, as soon as it is
    known (before any repository request), which repositories (lower-case OWNER/NAME) the
    GitHub API will be asked about; the others can be checked over HTTP at once.
    """
    import anyio  # here, not at the top: `linkwarden.enrich.collect` stays light to import

    extracted = list(lists)
    arxiv_items = arxiv_links(extracted)
    repo_items = repo_links(extracted)
    ids = {item.arxiv_id for item in arxiv_items if item.arxiv_id}
    repos = list({item.key: item.repo for item in repo_items}.values())
    agent = settings.check.user_agent or USER_AGENT

    arxiv_outcomes: list[ArxivOutcome] = []
    github_outcomes: list[GithubOutcome] = []

    # The API clients (arxiv, PyGithub, requests: ~0.3 s) are imported in worker threads,
    # each API's own, so that neither import holds up the other API's first request or the
    # HTTP checks running meanwhile in the event loop.
    async def ask_arxiv() -> None:
        fetch_records = await anyio.to_thread.run_sync(_arxiv_fetcher)
        arxiv_outcomes.append(
            await fetch_records(ids, settings.arxiv, user_agent=agent, network=network)
        )

    async def ask_github() -> None:
        fetch_repos = await anyio.to_thread.run_sync(_github_fetcher)
        github_outcomes.append(
            await fetch_repos(
                repos,
                settings.github,
                token=github_token,
                user_agent=agent,
                network=network,
                on_plan=on_github_plan,
            )
        )

    async with anyio.create_task_group() as group:
        group.start_soon(ask_arxiv)
        group.start_soon(ask_github)
    arxiv_outcome, github_outcome = arxiv_outcomes[0], github_outcomes[0]

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


def _arxiv_fetcher() -> Callable[..., Awaitable[ArxivOutcome]]:
    from .arxiv import fetch_records

    return fetch_records


def _github_fetcher() -> Callable[..., Awaitable[GithubOutcome]]:
    from .github import fetch_repos

    return fetch_repos


def preload_api_clients() -> None:
    """Import the API clients (blocking; run it in a thread while the lists are read)."""
    _arxiv_fetcher()
    _github_fetcher()


def repo_of(url: str) -> str | None:
    """Lower-case OWNER/NAME of a GitHub URL or badge, the Enrichment.repos key."""
    repo = urls.badge_repo(url) or urls.github_repo(url)
    return repo_key(repo) if repo else None
