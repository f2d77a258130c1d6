"""HTTP checks and API enrichment in one run, without checking anything twice.

    t=0 ┬ enrich: arXiv API ───────────────────── (≥ 3 s between batches) ──┐
        │         GitHub API: plan ─► GraphQL / serial REST within quota ───┤
        ├ check_urls(every URL off GitHub the APIs do not answer)  ────────┤
        └ (plan known) check_urls(GitHub URLs the API was not given) ───────┴► check_urls(what
                                                                              the APIs left)

Only URLs an API will answer wait for it: arXiv links (the arXiv API) and the repository
pages the GitHub API was planned to answer (every repository with a token; without one,
what the anonymous REST quota covers, decided from `/rate_limit` before the first
repository request). Everything else, files inside repositories and repositories past the
quota included, is checked over HTTP from the start. Whatever an API failed to answer is
checked over HTTP at the end. API results win over HTTP results for the URLs they cover.

The GitHub side (github.com) gets its own `check_urls` run, started once the plan is known
(at once with a token, after one `/rate_limit` request without). The two runs never share a
host, so each host still has exactly one slot and its politeness limits; the global limit
(`check.concurrency`) is split between them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Mapping, Sequence
from typing import Any, Protocol

import anyio

from ..config import Settings
from ..errors import LinkwardenError
from ..model import Enrichment, ExtractedList, LinkResult
from ..urls import host_of, normalize
from . import EnrichOutcome, enrich
from .collect import arxiv_links, is_repo_root, repo_links

# The hosts of repository pages; their URLs are checked by the GitHub-side run.
GITHUB_HOSTS = frozenset({"github.com", "www.github.com"})


class CheckUrls(Protocol):
    """Runs the HTTP checker over some URLs (may raise NetworkUnavailable).

    `concurrency`: this run's share of the global limit (None: all of it).
    """

    def __call__(
        self, urls: Sequence[str], /, *, concurrency: int | None = None
    ) -> Awaitable[Mapping[str, LinkResult]]: ...


def api_covered(lists: Sequence[ExtractedList]) -> set[str]:
    """Normalised URLs the APIs may verify: arXiv links with a valid ID, repository links."""
    covered = {normalize(a.link.url) for a in arxiv_links(lists) if a.arxiv_id}
    covered |= {normalize(r.link.url) for r in repo_links(lists) if not r.via_badge}
    return covered


def repo_pages(lists: Sequence[ExtractedList]) -> dict[str, str]:
    """Normalised URL -> repository key, for links to a repository itself (or its clone
    URL): the only repository links an API answer settles whatever the repository's state."""
    return {
        normalize(r.link.url): r.key
        for r in repo_links(lists)
        if not r.via_badge and is_repo_root(r.link.url)
    }


def split_concurrency(total: int, github_share: int) -> tuple[int, int]:
    """(rest, github) shares of the global limit; each at least 1."""
    github = max(1, min(github_share, total // 2 if total > 1 else 1))
    return max(1, total - github), github


async def check_and_enrich(
    lists: Sequence[ExtractedList],
    urls: Sequence[str],
    settings: Settings,
    check: CheckUrls,
    *,
    github_token: str | None,
    network: Any = None,
    everything: bool = True,
) -> tuple[dict[str, LinkResult], Enrichment, EnrichOutcome]:
    """Results for `urls` (HTTP or API) and the run's Enrichment.

    `everything`: ask the APIs about every link of `lists`, else only about `urls`.
    """
    wanted = {normalize(u) for u in urls}
    if not everything:
        lists = [
            dataclasses.replace(
                listing, links=tuple(x for x in listing.links if normalize(x.url) in wanted)
            )
            for listing in lists
        ]
    # Every arXiv link waits for the arXiv API (an impossible ID is dead without asking).
    for_arxiv = {normalize(a.link.url) for a in arxiv_links(lists)}
    pages = repo_pages(lists)
    off_github = [
        u for u in urls if normalize(u) not in for_arxiv and host_of(u) not in GITHUB_HOSTS
    ]
    on_github = [u for u in urls if normalize(u) not in for_arxiv and host_of(u) in GITHUB_HOSTS]
    rest_share, github_share = split_concurrency(
        settings.check.concurrency, settings.check.per_host
    )
    if not on_github:
        rest_share = settings.check.concurrency

    checked: dict[str, LinkResult] = {}
    outcome = EnrichOutcome(enrichment=Enrichment())
    planned: set[str] = set()
    plan_known = anyio.Event()
    failure: list[BaseException] = []

    def on_plan(keys: list[str]) -> None:
        planned.update(keys)
        plan_known.set()

    async with anyio.create_task_group() as group:

        async def run_checks(some: Sequence[str], share: int) -> None:
            if not some:
                return
            try:
                checked.update(await check(some, concurrency=share))
            except LinkwardenError as exc:  # e.g. NetworkUnavailable: stop, raise it as is
                failure.append(exc)
                group.cancel_scope.cancel()

        async def run_github_side() -> None:
            await plan_known.wait()
            # Repository pages the API will answer wait for it; everything else goes now.
            now = [u for u in on_github if pages.get(normalize(u)) not in planned]
            await run_checks(now, github_share)

        async def run_enrich() -> None:
            nonlocal outcome
            try:
                outcome = await enrich(
                    lists, settings, github_token=github_token, network=network,
                    on_github_plan=on_plan,
                )  # fmt: skip
            finally:
                plan_known.set()  # no plan (no repositories at all): nothing waits for one

        group.start_soon(run_enrich)
        group.start_soon(run_checks, off_github, rest_share)
        group.start_soon(run_github_side)
    if failure:
        raise failure[0]

    # What the APIs were expected to answer but did not (an API down, a rename that spent
    # the quota planned for another repository): over HTTP, after everything else.
    left = [u for u in urls if normalize(u) not in checked and normalize(u) not in outcome.results]
    if left:
        checked.update(await check(left))
    api = {k: v for k, v in outcome.results.items() if k in wanted}
    return {**checked, **api}, outcome.enrichment, outcome
