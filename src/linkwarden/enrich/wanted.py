"""What to ask the registries about, from the extracted lists and the run's results. Pure.

every link ─► DOIs (Crossref / doi.org), OpenReview note IDs (OpenReview)
entries with an arXiv paper and no code link ─► arXiv IDs (Hugging Face paper pages)
links the run judged dead ─► URLs (the Wayback Machine)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..model import ExtractedList, Link
from ..paperids import doi_of, entry_arxiv_ids, links_code, openreview_id
from ..urls import normalize


def _linked(lists: Iterable[ExtractedList], key_of: Callable[[str], str | None]) -> dict[
    str, list[Link]
]:  # fmt: skip
    found: dict[str, list[Link]] = {}
    for listing in lists:
        for link in listing.links:
            key = key_of(link.url) if link.url else None
            if key:
                found.setdefault(key, []).append(link)
    return found


def dois_linked(lists: Iterable[ExtractedList]) -> dict[str, list[Link]]:
    """Canonical DOI -> the links that carry it (any status: walled links included)."""
    return _linked(lists, doi_of)


def openreview_linked(lists: Iterable[ExtractedList]) -> dict[str, list[Link]]:
    """OpenReview note ID -> the links that carry it."""
    return _linked(lists, openreview_id)


def papers_without_code(lists: Iterable[ExtractedList]) -> list[str]:
    """arXiv IDs of entries that link an arXiv paper and no code, sorted, once each.

    An ID also linked by an entry that has code is left out: its code is already listed.
    """
    without: set[str] = set()
    with_code: set[str] = set()
    for listing in lists:
        grouped: dict[int, list[Link]] = {}
        for link in listing.links:
            if link.entry is not None:
                grouped.setdefault(link.entry, []).append(link)
        for links in grouped.values():
            ids = entry_arxiv_ids(links)
            (with_code if links_code(links) else without).update(ids)
    return sorted(without - with_code)


def dead_to_archive(lists: Iterable[ExtractedList], dead: Iterable[str]) -> dict[str, str]:
    """Normalised URL -> the URL as linked (first occurrence), for the dead URLs given."""
    wanted = {normalize(u) for u in dead}
    found: dict[str, str] = {}
    for listing in lists:
        for link in listing.links:
            if link.url:
                key = normalize(link.url)
                if key in wanted:
                    found.setdefault(key, link.url)
    return found
