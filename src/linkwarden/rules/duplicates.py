"""The same paper twice (LW5xx): within a list, one arXiv ID as two papers, across lists."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..model import Entry, ExtractedList, Link, LinkFlag, Role
from ..titles import is_short_name, normalize_title, same_paper, short_name, title_words
from . import _urlfacts as facts
from .base import Corpus, CorpusHit

# Minimum length of a normalised title for a title match to count as a duplicate: short
# titles ("LMD", "Code") are labels, not papers.
MIN_TITLE_CHARS = 12
# A title of fewer identifying words ("Deep Learning") may name several works.
_IDENTIFYING_WORDS = 3
# Words a title does not end with: a sentence cut at a link ("available on [arXiv](...)").
_DANGLING = frozenset({"on", "at", "in", "of", "to", "for", "from", "by", "with", "and", "a"})
_YEAR_HEADING = re.compile(r"^\W*(?:19|20)\d\d\W*$")

# Link texts that do not name a paper ("paper", "[pdf]", "paper(temp)").
GENERIC_LINK_WORDS = frozenset({"link", "here", "this", "temp", "abs", "download", "full", "text"})


@dataclass(frozen=True)
class _PaperRef:
    """One entry's claim to be a paper: its title and the arXiv IDs it links as the paper."""

    listing: ExtractedList
    entry: Entry
    title_key: str
    arxiv_ids: tuple[tuple[str, Link], ...]
    urls: frozenset[str]  # every URL the entry links, normalised


def _paper_refs(listing: ExtractedList) -> Iterator[_PaperRef]:
    by_entry: dict[int, list[Link]] = {}
    for link in listing.links:
        if link.entry is not None:
            by_entry.setdefault(link.entry, []).append(link)
    for entry in listing.entries:
        ids: list[tuple[str, Link]] = []
        for link in by_entry.get(entry.index, []):
            ref = facts.arxiv_ref(link.url) if link.role is Role.PAPER else None
            if ref and all(ref.arxiv_id != seen for seen, _ in ids):
                ids.append((ref.arxiv_id, link))
        key = normalize_title(entry.title)
        linked = frozenset(
            facts.normalize(link.url) for link in by_entry.get(entry.index, []) if link.url
        )
        yield _PaperRef(
            listing, entry, key if len(key) >= MIN_TITLE_CHARS else "", tuple(ids), linked
        )


def _short(title: str, limit: int = 70) -> str:
    title = " ".join(title.split())
    return title if len(title) <= limit else title[: limit - 1] + "…"


def _crowded_lines(listing: ExtractedList) -> set[int]:
    """Lines holding several entries: a summary ("Talking-face synthesis: A, B, C"), whose
    mentions of papers listed again below are references, not duplicates."""
    seen: set[int] = set()
    crowded: set[int] = set()
    for entry in listing.entries:
        (crowded if entry.line in seen else seen).add(entry.line)
    return crowded


def _topic(entry: Entry) -> tuple[str, ...]:
    """The entry's section without year headings: listing a paper under two topics is a
    choice; under two years of one topic, a slip."""
    return tuple(h for h in entry.section if not _YEAR_HEADING.match(h))


def _different_works(a: _PaperRef, b: _PaperRef) -> bool:
    """Same title, different works: both link arXiv papers and none in common, or a title
    too generic to identify a work ("Deep Learning") and no link in common."""
    ids_a = {arxiv_id for arxiv_id, _ in a.arxiv_ids}
    ids_b = {arxiv_id for arxiv_id, _ in b.arxiv_ids}
    if ids_a and ids_b and not ids_a & ids_b:
        return True
    if len(title_words(a.entry.title)) >= _IDENTIFYING_WORDS:
        return False
    return not a.urls & b.urls


def duplicate_entries(corpus: Corpus) -> Iterator[CorpusHit]:
    """Entries of one list that are the same paper: same normalised title or arXiv ID."""
    for listing in corpus.lists:
        by_title: dict[str, _PaperRef] = {}
        by_arxiv: dict[str, _PaperRef] = {}
        crowded = _crowded_lines(listing)
        for ref in _paper_refs(listing):
            if ref.entry.line in crowded:
                continue
            earlier, why = None, ""
            if ref.title_key and ref.title_key in by_title:
                earlier, why = by_title[ref.title_key], "same title"
                if _different_works(earlier, ref):
                    earlier = None
            if earlier is None:
                for arxiv_id, _link in ref.arxiv_ids:
                    first = by_arxiv.get(arxiv_id)
                    if first and same_paper(first.entry.title, ref.entry.title):
                        earlier, why = first, f"same arXiv ID {arxiv_id}"
                        break
            if earlier is not None and _topic(earlier.entry) != _topic(ref.entry):
                earlier = None  # the same paper under two topics: a deliberate cross-listing
            if earlier is not None and earlier.entry.index != ref.entry.index:
                yield CorpusHit(
                    list_name=listing.source.name,
                    path=ref.entry.path,
                    line=ref.entry.line,
                    message=(
                        f'duplicate entry: "{_short(ref.entry.title)}" is already listed at '
                        f"line {earlier.entry.line} ({why})"
                    ),
                    entry=ref.entry.title,
                )
            if ref.title_key:
                by_title.setdefault(ref.title_key, ref)
            for arxiv_id, _link in ref.arxiv_ids:
                by_arxiv.setdefault(arxiv_id, ref)


@dataclass(frozen=True)
class _Claim:
    """What a paper link claims to be, and whether its own text says so."""

    title: str
    from_link: bool
    link: Link
    entry: Entry | None


def _claim(link: Link, entry: Entry | None) -> _Claim:
    """A link's own text when that names a paper, else its entry's title.

    "[paper](...)" in a table row claims the row's title; "[DPE CVPR'23](...)" in a
    researcher's list of papers claims "DPE".
    """
    if entry is not None and not (title_words(link.text) - GENERIC_LINK_WORDS):
        return _Claim(entry.title, False, link, entry)
    return _Claim(link.text, True, link, entry)


def _mentions(entry: Entry | None, title: str) -> bool:
    """The entry's text names `title` (e.g. a metrics row naming the paper in another cell)."""
    if entry is None:
        return False
    key = normalize_title(title)
    return bool(key) and key in normalize_title(entry.text)


def _fragment(title: str) -> bool:
    """A sentence cut at a link ("The updated version is available on"), not a title."""
    words = title.lower().split()
    return bool(words) and words[-1] in _DANGLING


def _name_and_title(a: str, b: str) -> bool:
    """A model's name against a paper title that does not start with a name ("Vicuna" vs
    "Judging LLM-as-a-judge with MT-Bench"): nothing to compare, so no conflict. Two names
    ("CodeTalker" vs "DPE: Disentanglement of ...") can conflict."""
    for name, title in ((a, b), (b, a)):
        if is_short_name(name) and not is_short_name(title) and not short_name(title):
            return True
    return False


def arxiv_id_conflicts(corpus: Corpus) -> Iterator[CorpusHit]:
    """One arXiv ID linked in one list as two different papers: one of them is wrong."""
    for listing in corpus.lists:
        first_seen: dict[str, _Claim] = {}
        for link in listing.links:
            if link.role is not Role.PAPER:
                continue
            ref = facts.arxiv_ref(link.url)
            if ref is None:
                continue
            claim = _claim(link, listing.entry_of(link))
            if not title_words(claim.title) - GENERIC_LINK_WORDS or _fragment(claim.title):
                continue  # "[this](...)", "available on [arXiv](...)": claims no title
            if ref.arxiv_id not in first_seen:
                first_seen[ref.arxiv_id] = claim
                continue
            other = first_seen[ref.arxiv_id]
            if same_paper(claim.title, other.title) or _name_and_title(claim.title, other.title):
                continue
            # A "[paper]" link in a row that names the other title elsewhere (a metrics
            # table's Paper column) claims that title too.
            if not claim.from_link and _mentions(claim.entry, other.title):
                continue
            if not other.from_link and _mentions(other.entry, claim.title):
                continue
            yield CorpusHit(
                list_name=listing.source.name,
                path=link.path,
                line=link.line,
                message=(
                    f'arXiv {ref.arxiv_id} is linked here for "{_short(claim.title)}" but at '
                    f'line {other.link.line} for "{_short(other.title)}": one of them is the '
                    "wrong paper"
                ),
                url=link.url,
                entry=claim.entry.title if claim.entry else None,
            )


def _cross_key(link: Link) -> str | None:
    if not link.url or link.role is Role.BADGE or LinkFlag.RELATIVE in link.flags:
        return None
    ref = facts.arxiv_ref(link.url)
    if ref is not None:
        return f"arXiv {ref.arxiv_id}"
    return facts.normalize(link.url)


def cross_list_duplicates(corpus: Corpus) -> Iterator[CorpusHit]:
    """The same paper (arXiv ID) or URL in several lists: information, not a problem."""
    if len(corpus.lists) < 2:
        return
    first: dict[str, dict[str, Link]] = {}  # key -> list name -> first link in that list
    for listing in corpus.lists:
        for link in listing.links:
            key = _cross_key(link)
            if key is not None:
                first.setdefault(key, {}).setdefault(listing.source.name, link)
    # An entry already known to be the same paper as elsewhere (by its arXiv ID) gets that
    # one finding; its code and project links being shared too says nothing new.
    same_paper = {
        (name, link.entry)
        for key, per_list in first.items()
        if key.startswith("arXiv ") and len(per_list) > 1
        for name, link in per_list.items()
        if link.entry is not None
    }
    for key, per_list in first.items():
        if not key.startswith("arXiv "):
            per_list = {
                name: link
                for name, link in per_list.items()
                if (name, link.entry) not in same_paper
            }
        if len(per_list) < 2:
            continue
        for name, link in per_list.items():
            others = ", ".join(
                f"{other.path}:{other.line}" for n, other in per_list.items() if n != name
            )
            what = f"{link.url} ({key})" if key.startswith("arXiv ") else link.url
            yield CorpusHit(
                list_name=name,
                path=link.path,
                line=link.line,
                message=f"{what} is also listed in {len(per_list) - 1} other list(s): {others}",
                url=link.url,
            )
