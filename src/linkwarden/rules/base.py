"""The building blocks every rule module shares: the Rule record and what a check sees.

A rule is a record (stable code, short name, default severity, one-line summary) plus one
small pure function. The function's scope says what it looks at:

- ``on_link(LinkContext) -> Hit | None``: one link in its context (its entry, its list, the
  checker's result for its URL, the enrichment). Most rules are this kind.
- ``on_entry(EntryContext) -> Hit | None``: one entry with all of its links (e.g. a badge that
  counts a different repository than the entry's Code link).
- ``on_corpus(Corpus) -> Iterable[CorpusHit]``: every list at once (duplicates within and
  across lists).

A check returns what it found (a message, maybe a suggestion); `evaluate` in
`linkwarden.rules` turns that into a `Finding` with the rule's code and effective severity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..model import (
    Enrichment,
    Entry,
    ExtractedList,
    Link,
    LinkResult,
    Severity,
)
from ..urls import normalize


@dataclass(frozen=True)
class Hit:
    """What a link or entry check found."""

    message: str
    suggestion: str | None = None
    line: int | None = None  # when the problem stands elsewhere than the link/entry line


@dataclass(frozen=True)
class CorpusHit:
    """What a corpus check found, pinned to a place in one list."""

    list_name: str
    path: str
    line: int
    message: str
    suggestion: str | None = None
    url: str | None = None
    entry: str | None = None


@dataclass(frozen=True)
class LinkContext:
    """One link and everything a rule may want to know about it."""

    link: Link
    entry: Entry | None
    listing: ExtractedList
    result: LinkResult | None  # the checker's observation for this URL, if any
    checked: bool  # a check ran (results were given); `result is None` then means not checked
    enrichment: Enrichment | None
    # The links of the same entry in source order, this one included; empty without an entry.
    # `evaluate` groups them once per list so that a rule looking at them stays O(1).
    entry_links: tuple[Link, ...] = ()
    # For a relative link of a list read from its own checkout: "" when the file exists,
    # else the closest existing path ("-" when none); None when nobody could look.
    local: str | None = None


@dataclass(frozen=True)
class EntryContext:
    """One entry, its links in source order, and the run's results."""

    entry: Entry
    links: tuple[Link, ...]
    listing: ExtractedList
    results: Mapping[str, LinkResult]
    enrichment: Enrichment | None

    def result_for(self, link: Link) -> LinkResult | None:
        return self.results.get(normalize(link.url)) if link.url else None


@dataclass(frozen=True)
class Corpus:
    """Every list of the run, for rules that compare lists or entries with each other."""

    lists: Sequence[ExtractedList]
    results: Mapping[str, LinkResult]
    enrichment: Enrichment | None


LinkCheck = Callable[[LinkContext], "Hit | None"]
EntryCheck = Callable[[EntryContext], "Hit | None"]
CorpusCheck = Callable[[Corpus], Iterable[CorpusHit]]


@dataclass(frozen=True)
class Rule:
    """One row of the rules table. Exactly one of the three check functions is set."""

    code: str  # stable, e.g. LW101; never reused for a different meaning
    name: str  # short kebab-case name, e.g. empty-link; also accepted in config
    severity: Severity  # the default; config may override it or turn the rule off
    summary: str  # one line for `docs/rules.md` and `--help`-style listings
    on_link: LinkCheck | None = None
    on_entry: EntryCheck | None = None
    on_corpus: CorpusCheck | None = None
    default_on: bool = True  # off: runs only when selected or given a severity in config

    def __post_init__(self) -> None:
        checks = [c for c in (self.on_link, self.on_entry, self.on_corpus) if c is not None]
        if len(checks) != 1:
            raise ValueError(f"rule {self.code} needs exactly one check function")


def shown_text(link: Link) -> str:
    """A link's text as a message quotes it: `"Code"`, or `(no text)`."""
    text = " ".join(link.text.split())
    return f'"{text}"' if text else "(no text)"
