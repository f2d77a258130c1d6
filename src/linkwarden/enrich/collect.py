"""Which arXiv IDs and GitHub repositories the lists link. Pure: no I/O, no API clients.

Kept apart from the API modules so that the rules (and `lint`) can use it without importing
the arxiv package, PyGithub or requests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .. import urls
from ..model import ExtractedList, Link
from ..urls import canonical_id


@dataclass(frozen=True)
class ArxivLink:
    """One link that names an arXiv paper."""

    link: Link
    raw_id: str  # as written, e.g. 2301.01081 or math.AG/0601001
    arxiv_id: str | None  # canonical, None when no such ID can exist
    version: int | None


def arxiv_links(lists: Iterable[ExtractedList]) -> list[ArxivLink]:
    """Every link, in every list, whose URL names an arXiv ID (any page form or host)."""
    found: list[ArxivLink] = []
    for extracted in lists:
        for link in extracted.links:
            ref = urls.arxiv_ref(link.url)
            if ref is not None:
                found.append(ArxivLink(link, ref.arxiv_id, canonical_id(ref.arxiv_id), ref.version))
    return found


@dataclass(frozen=True)
class RepoLink:
    """One link that names a GitHub repository."""

    link: Link
    repo: str  # OWNER/NAME as written
    key: str  # lower-case OWNER/NAME: the Enrichment.repos key
    via_badge: bool  # the repository is the one a shields.io badge counts


def repo_key(repo: str) -> str:
    return repo.lower()


def repo_links(lists: Iterable[ExtractedList]) -> list[RepoLink]:
    """Code links, tree/blob links, clone URLs and badges, in every list."""
    found: list[RepoLink] = []
    for extracted in lists:
        for link in extracted.links:
            badge = link.badge_repo or urls.badge_repo(link.url)
            if badge:
                found.append(RepoLink(link, badge, repo_key(badge), True))
                continue
            repo = urls.github_repo(link.url)
            if repo:
                found.append(RepoLink(link, repo, repo_key(repo), False))
    return found


def is_repo_root(url: str) -> bool:
    """github.com/OWNER/NAME itself (or its clone URL), not a path inside it."""
    repo = urls.github_repo(url)
    if repo is None:
        return False
    path = [s for s in url.split("?")[0].split("#")[0].split("/")[3:] if s]
    return len(path) == 2
