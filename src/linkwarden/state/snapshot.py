"""The records of a run snapshot: what one run saw, per unique (normalised) URL.

A snapshot holds, per URL, the checker's `LinkResult` as this run observed it, composed
with what the snapshot adds: the quarantine history (`first_failed_at`,
`consecutive_failures`, recent observations), the `effective` verdict, where the URL stands
in the lists and the API metadata of its paper or repository; plus the run's sources,
totals, entries and findings. Pure data: building is `policy`, the file is `codec`.

Everything is a frozen dataclass built from the model's records; the JSON form and schema
are derived from these fields (`codec`), so a field added here or in the model is saved and
described with no other edit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from ..model import (
    COUNT,
    NON_EMPTY,
    TIME,
    ArxivRecord,
    Effective,
    Enrichment,
    Entry,
    Finding,
    LinkEnrichment,
    LinkResult,
    Location,
    RepoRecord,
    Severity,
    Status,
    Upstream,
)

SCHEMA_VERSION = 1
SHA256: dict[str, object] = {"schema": {"pattern": "^([0-9a-f]{64})?$"}}  # hex, or "" unread


@dataclass(frozen=True, slots=True)
class Observation:
    """One past run's observation of a URL, kept so a warning can show its history."""

    checked_at: str = field(metadata=TIME)
    status: Status


@dataclass(frozen=True, slots=True)
class LinkRecord:
    """Everything the snapshot knows about one normalised URL: the checker's result as
    this run observed it (its `url` is the key, its `status` never rewritten by
    quarantine), with the verdict and history quarantine keeps."""

    result: LinkResult = field(metadata={"inline": True})
    effective: Effective  # the verdict after quarantine
    first_failed_at: str | None = field(default=None, metadata=TIME)
    consecutive_failures: int = field(default=0, metadata=COUNT)
    history: tuple[Observation, ...] = ()  # oldest first, this run last
    locations: tuple[Location, ...] = ()
    enrichment: LinkEnrichment | None = None

    # Written to the file for its readers (tools, people); recomputed, never read back.
    json_derived: ClassVar[tuple[str, ...]] = ("transient",)

    @property
    def url(self) -> str:
        """The normalised URL: the record's key."""
        return self.result.url

    @property
    def transient(self) -> bool:
        return self.result.transient

    @property
    def quarantined(self) -> bool:
        return self.effective is Effective.SUSPECT


@dataclass(frozen=True)
class SourceInfo:
    """One list the run read."""

    name: str = field(metadata=NON_EMPTY)
    path: str  # as shown (relative to the working directory when possible)
    content_hash: str = field(metadata=SHA256)  # sha256 of the file's bytes
    entries: int = field(default=0, metadata=COUNT)
    links: int = field(default=0, metadata=COUNT)
    lines: int = field(default=0, metadata=COUNT)
    upstream: Upstream | None = None


@dataclass(frozen=True)
class Totals:
    """Counts for the run. `by_status` and `by_effective` count unique URLs."""

    lists: int = field(default=0, metadata=COUNT)
    entries: int = field(default=0, metadata=COUNT)
    links: int = field(default=0, metadata=COUNT)  # link occurrences in the lists
    urls: int = field(default=0, metadata=COUNT)  # unique normalised URLs
    # every Status / Effective / Severity value present as a key
    by_status: dict[str, int] = field(default_factory=dict, metadata={**COUNT, "keys": Status})
    by_effective: dict[str, int] = field(
        default_factory=dict, metadata={**COUNT, "keys": Effective}
    )
    findings: dict[str, int] = field(default_factory=dict, metadata={**COUNT, "keys": Severity})


@dataclass(frozen=True)
class RunInfo:
    """The run itself: when, by which version, with which quarantine setting."""

    schema_version: int
    tool_version: str
    generated_at: str = field(metadata=TIME)  # the run's time
    quarantine_runs: int = field(default=2, metadata=COUNT)
    notes: tuple[str, ...] = ()  # e.g. "GitHub metadata unknown: set GITHUB_TOKEN"


@dataclass(frozen=True)
class Snapshot:
    """What one linkwarden run observed, per unique normalised URL, with the quarantine
    history carried between runs (reports/latest.json; see docs/state.md)."""

    run: RunInfo = field(metadata={"inline": True})
    sources: tuple[SourceInfo, ...] = ()
    totals: Totals = field(default_factory=Totals)
    links: tuple[LinkRecord, ...] = ()  # sorted by URL
    entries: tuple[Entry, ...] = ()  # sorted by list, line
    findings: tuple[Finding, ...] = ()  # quarantine applied; sorted by findings.finding_order

    def link_map(self) -> dict[str, LinkRecord]:
        return {record.url: record for record in self.links}

    def enrichment(self) -> Enrichment:
        """The run's API metadata, gathered back from its links (with the run's notes)."""
        return Enrichment.gather((r.enrichment for r in self.links), self.run.notes)

    def repos(self) -> dict[str, RepoRecord]:
        """Repository records by lower OWNER/NAME as linked (found ones only)."""
        return {k: v for k, v in self.enrichment().repos.items() if v is not None}

    def papers(self) -> dict[str, ArxivRecord]:
        """arXiv records by bare ID (found ones only)."""
        return {k: v for k, v in self.enrichment().arxiv.items() if v is not None}
