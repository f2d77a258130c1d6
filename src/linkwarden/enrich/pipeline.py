"""HTTP checks and API enrichment in one run, without checking anything twice.

    ┌ enrich (arXiv API, GitHub API) ────────────────┐
    └ check_urls(everything the APIs will not cover) ┘ ─► check_urls(what the APIs left)

arXiv links and links into GitHub repositories wait for the APIs; every other URL is
checked over HTTP at the same time. Whatever the APIs could not answer (no token and no
quota left, an API down, a file inside a live repository) is checked over HTTP afterwards.
API results win over HTTP results for the URLs they cover.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import anyio

from ..config import Settings
from ..errors import LinkwardenError
from ..model import Enrichment, ExtractedList, LinkResult
from ..urls import normalize
from . import EnrichOutcome, enrich
from .collect import arxiv_links, repo_links

Checker = Callable[[Sequence[str]], Awaitable[Mapping[str, LinkResult]]]


def api_covered(lists: Sequence[ExtractedList]) -> set[str]:
    """Normalised URLs the APIs may verify: arXiv links with a valid ID, repository links."""
    covered = {normalize(a.link.url) for a in arxiv_links(lists) if a.arxiv_id}
    covered |= {normalize(r.link.url) for r in repo_links(lists) if not r.via_badge}
    return covered


async def check_and_enrich(
    lists: Sequence[ExtractedList],
    urls: Sequence[str],
    settings: Settings,
    check: Checker,
    *,
    github_token: str | None,
    network: Any = None,
    everything: bool = True,
) -> tuple[dict[str, LinkResult], Enrichment, EnrichOutcome]:
    """Results for `urls` (HTTP or API) and the run's Enrichment.

    `check` runs the HTTP checker over some URLs (it may raise NetworkUnavailable).
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
    covered = api_covered(lists)
    first = [u for u in urls if normalize(u) not in covered]
    waiting = [u for u in urls if normalize(u) in covered]
    checked: dict[str, LinkResult] = {}
    outcome = EnrichOutcome(enrichment=Enrichment())

    failure: list[BaseException] = []

    async with anyio.create_task_group() as group:

        async def run_checks() -> None:
            if not first:
                return
            try:
                checked.update(await check(first))
            except LinkwardenError as exc:  # e.g. NetworkUnavailable: stop, raise it as is
                failure.append(exc)
                group.cancel_scope.cancel()

        async def run_enrich() -> None:
            nonlocal outcome
            outcome = await enrich(lists, settings, github_token=github_token, network=network)

        group.start_soon(run_checks)
        group.start_soon(run_enrich)
    if failure:
        raise failure[0]

    left = [u for u in waiting if normalize(u) not in outcome.results]
    if left:
        checked.update(await check(left))
    api = {k: v for k, v in outcome.results.items() if k in wanted}
    return {**checked, **api}, outcome.enrichment, outcome
