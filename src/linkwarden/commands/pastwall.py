"""The registry look-ups of `linkwarden check`, between the checks and the rules.

    results + previous snapshot ─► links judged dead, what earlier runs learned
                                 ─► enrich.pastwall.look_past_walls (one httpx client,
                                    the checker's transport: mappings, CA, guard)
                                 ─► the Enrichment with DOIs, notes, archived copies, code

The command layer owns the wiring: the HTTP client, the GitHub verifier (the same pass the
run already made, asked about the repositories the paper pages name) and the snapshot.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import anyio
import httpx

from ..check import NetworkOptions, build_transport
from ..config import USER_AGENT, Settings
from ..model import (
    API_VIAS,
    Effective,
    Enrichment,
    ExtractedList,
    LinkResult,
    RepoRecord,
    Status,
)
from ..state.quarantine import judge
from ..urls import normalize

if TYPE_CHECKING:
    from ..enrich.pastwall import PastWallOutcome, Remembered
    from ..state.snapshot import LinkRecord, Snapshot

def last_healthy(record: LinkRecord | None) -> str | None:
    """When the previous snapshot last saw the URL healthy (its history, newest first)."""
    if record is None:
        return None
    for observation in reversed(record.history):
        if observation.status.is_healthy:
            return observation.checked_at
    return None


def judged_dead(
    results: Mapping[str, LinkResult], previous: Snapshot | None, quarantine_runs: int
) -> dict[str, str | None]:
    """URL key -> last seen healthy, for each link this run judges dead after quarantine
    (a transient failure still in quarantine is `suspect`: not asked about)."""
    before = previous.link_map() if previous else {}
    dead: dict[str, str | None] = {}
    for key, result in results.items():
        # An API's verdict has its own rule (LW301 unknown arXiv ID, LW401 deleted
        # repository); an archived copy of a page that never existed helps nobody.
        if result.status is not Status.DEAD or result.via in API_VIAS:
            continue
        prior = before.get(key)
        earlier = prior.consecutive_failures if prior is not None else 0
        consecutive = earlier if result.via == "snapshot" and earlier else earlier + 1
        if judge(result, consecutive, quarantine_runs) is Effective.DEAD:
            dead[key] = last_healthy(prior)
    return dead


def remembered_from(previous: Snapshot | None) -> Remembered:
    """What earlier runs' registry answers the snapshot keeps."""
    from ..enrich.pastwall import Remembered

    if previous is None:
        return Remembered()
    from ..state.policy import remembered_registry_answers

    archives, paper_code = remembered_registry_answers(previous)
    return Remembered(archives=archives, paper_code=paper_code)


def with_links_of(lists: Sequence[ExtractedList], urls: Iterable[str]) -> list[ExtractedList]:
    """The lists with only the links of `urls` (PR mode asks about the changed links)."""
    wanted = {normalize(u) for u in urls}
    return [
        dataclasses.replace(x, links=tuple(k for k in x.links if normalize(k.url) in wanted))
        for x in lists
    ]


def pr_scope_settings(settings: Settings) -> Settings:
    """PR mode's registries: an entry's unchanged code link is not among the changed links,
    so "no code" cannot be told; the paper pages are not asked."""
    off = dataclasses.replace(settings.huggingface, enabled=False)
    return dataclasses.replace(settings, huggingface=off)


def past_walls(
    lists: Sequence[ExtractedList],
    results: Mapping[str, LinkResult],
    enrichment: Enrichment,
    settings: Settings,
    network: NetworkOptions,
    *,
    github_token: str | None,
    previous: Snapshot | None,
    now: datetime,
) -> PastWallOutcome:
    """Ask the registries (blocking: runs its own event loop, like the checks)."""
    from ..enrich.pastwall import look_past_walls

    dead = judged_dead(results, previous, settings.quarantine_runs)
    remembered = remembered_from(previous)

    async def verify_repos(repos: Sequence[str]) -> Mapping[str, RepoRecord | None]:
        from ..enrich.github import fetch_repos

        outcome = await fetch_repos(
            repos, settings.github, token=github_token,
            user_agent=settings.check.user_agent or USER_AGENT, network=network,
        )  # fmt: skip
        return outcome.records

    async def main() -> PastWallOutcome:
        transport = build_transport(network)
        timeout = httpx.Timeout(settings.check.timeout, pool=None)
        async with httpx.AsyncClient(
            transport=transport, timeout=timeout, trust_env=False, follow_redirects=False
        ) as client:
            return await look_past_walls(
                lists, enrichment, settings, client=client, dead=dead,
                remembered=remembered, now=now, verify_repos=verify_repos,
            )  # fmt: skip

    return anyio.run(main)
