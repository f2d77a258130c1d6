"""The records that flow between linkwarden's stages.

Everything here is a frozen dataclass (the enums they use are in `vocabulary`): stages
never mutate what an earlier stage produced, they return new values. The flow is one way::

    SourceList ──extract──► ExtractedList(entries, links)
    Link.url ──check──► LinkResult            (keyed by urls.normalize(url))
    Link.url ──enrich──► ArxivRecord / RepoRecord
    all of the above ──rules──► Finding

The run snapshot (`linkwarden.state`) stores these same records; its JSON codec and JSON
Schema are derived from the fields below, so a field added here is saved, read back and
described without another edit. Field metadata steers that derivation:

- `"json"`: the key in JSON when it differs from the field name (`list_name` -> `list`);
- `"format": "time"`: a `YYYY-MM-DDTHH:MM:SSZ` time stamp (see `linkwarden.clock`);
- `"persist": False`: never saved (per-run measurements, values only reports fill in);
- `"inline": True`: a nested record whose fields are written at the level of its owner;
- `"missing": VALUE`: what a field reads as from an older snapshot that lacks it;
- `"schema": {...}`: JSON Schema bounds on its values (`COUNT`: never negative; patterns
  for OWNER/NAME, web URLs, rule codes): the schema states them, reading stays lenient.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .vocabulary import (
    TRANSIENT_ERROR_KINDS,
    ErrorKind,
    LinkFlag,
    Role,
    RoleSource,
    Severity,
    Status,
    Via,
)

# Field metadata shared by many records (see the module docstring).
TIME: dict[str, object] = {"format": "time"}
LIST_KEY: dict[str, object] = {"json": "list"}
NOT_SAVED: dict[str, object] = {"persist": False}
COUNT: dict[str, object] = {"schema": {"minimum": 0}}  # counts, line and column numbers
NON_EMPTY: dict[str, object] = {"schema": {"minLength": 1}}
OWNER_NAME: dict[str, object] = {"schema": {"pattern": "^[^/]+/[^/]+$"}}  # a GitHub repo
WEB_URL: dict[str, object] = {"schema": {"pattern": "^https?://"}}  # absolute http(s)
RULE_CODE: dict[str, object] = {"schema": {"pattern": "^LW[0-9]{3}$"}}


@dataclass(frozen=True)
class Upstream:
    """Where a list lives on GitHub: used for blob links and resolving relative links."""

    repo: str = field(metadata=OWNER_NAME)
    branch: str
    path: str  # path of the list file inside the repository

    def blob_url(self, line: int | None = None) -> str:
        url = f"https://github.com/{self.repo}/blob/{self.branch}/{self.path}"
        return f"{url}#L{line}" if line else url

    @property
    def directory_url(self) -> str:
        """Base URL that relative links in the list resolve against."""
        parent = self.path.rsplit("/", 1)[0] + "/" if "/" in self.path else ""
        return f"https://github.com/{self.repo}/blob/{self.branch}/{parent}"


@dataclass(frozen=True)
class SourceList:
    """One list to read: from the registry or from a path given on the command line."""

    name: str
    path: Path
    upstream: Upstream | None = None
    description: str = ""
    display_path: str = ""  # the path as shown in messages (relative to the cwd when possible)

    @property
    def shown(self) -> str:
        return self.display_path or str(self.path)


@dataclass(frozen=True)
class Diagnostic:
    """A problem reading input that is not a rule finding (bad UTF-8, odd markup)."""

    path: str
    line: int
    message: str


@dataclass(frozen=True)
class Entry:
    """One item of a list: usually a paper, sometimes a dataset, tool or person."""

    list_name: str = field(metadata=LIST_KEY)
    # Snapshots written before the run state was split kept no path, index or end line.
    path: str = field(metadata={"missing": ""})
    index: int = field(metadata={"missing": 0, **COUNT})  # 0-based; Link.entry refers to it
    title: str
    line: int = field(metadata=COUNT)
    end_line: int = field(metadata={"missing": 0, **COUNT})
    section: tuple[str, ...] = ()
    venue: str | None = None
    year: int | None = None
    text: str = ""  # the entry's plain text (for notes such as "code coming soon")

    def key(self) -> tuple[str, str]:
        """Identity across runs: the list and the title (lines move when entries are added)."""
        return (self.list_name, " ".join(self.title.split()).casefold())


@dataclass(frozen=True, slots=True)
class Location:
    """One place a URL stands in a list (and, in reports, that line's upstream address)."""

    list_name: str = field(metadata=LIST_KEY)
    path: str
    line: int = field(metadata=COUNT)
    role: Role = Role.OTHER
    entry: str | None = None  # the entry's title
    text: str = ""  # the link text
    column: int = field(default=0, metadata=COUNT)
    # https://github.com/OWNER/NAME/blob/BRANCH/PATH#Lnn: reports fill it from the upstream
    href: str | None = field(default=None, metadata=NOT_SAVED, compare=False)

    @property
    def label(self) -> str:
        return f"{self.path}:{self.line}"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.list_name)


@dataclass(frozen=True)
class Link:
    """One link as it stands in a list."""

    url: str  # what gets checked: absolute, unwrapped from redirect wrappers
    raw: str  # exactly as written in the source
    text: str  # clean link text
    role: Role
    list_name: str
    path: str
    line: int  # the line where the URL stands
    entry: int | None = None  # Entry.index within the same list
    column: int = 0
    wrapper: str | None = None  # the redirect wrapper the URL was found inside
    badge_repo: str | None = None  # OWNER/NAME a shields.io badge counts
    syntax: str = "markdown"  # markdown | html | autolink | bare
    flags: frozenset[LinkFlag] = field(default_factory=frozenset)
    role_source: RoleSource = RoleSource.TEXT  # what decided `role`


@dataclass(frozen=True)
class SkippedLink:
    """A link we deliberately do not check (mailto:, javascript:, data:, in-page anchors)."""

    raw: str
    path: str
    line: int
    reason: str


@dataclass(frozen=True)
class ExtractedList:
    """Everything extraction learned from one list."""

    source: SourceList
    entries: tuple[Entry, ...]
    links: tuple[Link, ...]
    skipped: tuple[SkippedLink, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    content_hash: str = ""  # sha256 of the file's bytes
    line_count: int = 0
    # the in-page anchors the list defines (GitHub's heading slugs, HTML name/id), lower case
    anchors: frozenset[str] = frozenset()

    def entry_of(self, link: Link) -> Entry | None:
        return self.entries[link.entry] if link.entry is not None else None


@dataclass(frozen=True)
class Hop:
    """One step of a redirect chain."""

    url: str = field(metadata=WEB_URL)  # the URL requested at this hop
    status: int
    location: str | None = None


@dataclass(frozen=True)
class LinkResult:
    """What checking one (normalised) URL observed. Shared by every occurrence of the URL."""

    url: str = field(metadata=NON_EMPTY)
    status: Status
    final_url: str
    http_status: int | None = None
    chain: tuple[Hop, ...] = ()
    reason: str = ""
    error_kind: ErrorKind | None = None
    # A measurement of this attempt, not part of what was observed: never saved, and two
    # results that differ only in it are equal.
    elapsed_ms: float = field(default=0.0, metadata=NOT_SAVED, compare=False)
    checked_at: str = field(default="", metadata=TIME)  # linkwarden.clock.format_time
    content_type: str | None = None
    title: str | None = None
    suggestion: str | None = None  # a URL to use instead, when one is known to be healthy
    via: Via = Via.HTTP

    @property
    def transient(self) -> bool:
        """A failure that may go away by itself: quarantine before calling it dead."""
        if self.status in (Status.TIMEOUT, Status.ERROR):
            return True
        if self.status is Status.DEAD:
            if self.error_kind in TRANSIENT_ERROR_KINDS:
                return True
            return self.http_status is not None and self.http_status >= 500
        return False


@dataclass(frozen=True)
class ArxivRecord:
    """arXiv API metadata for one paper (the latest version)."""

    arxiv_id: str  # without version
    latest_version: int = field(metadata={"schema": {"minimum": 1}})
    title: str
    authors: tuple[str, ...] = ()
    published: str = field(default="", metadata=TIME)
    updated: str = field(default="", metadata=TIME)
    comment: str | None = None
    journal_ref: str | None = None
    primary_category: str | None = None
    summary: str = ""  # the abstract: method names often appear only there

    @property
    def withdrawn(self) -> bool:
        return bool(self.comment and "withdrawn" in self.comment.lower())


@dataclass(frozen=True)
class RepoRecord:
    """GitHub metadata for one repository as the API answered it."""

    requested: str = field(metadata=OWNER_NAME)  # as linked
    full_name: str = field(metadata=OWNER_NAME)  # now (differs after a rename or transfer)
    url: str = field(metadata=WEB_URL)
    stars: int | None = field(default=None, metadata=COUNT)
    forks: int | None = field(default=None, metadata=COUNT)
    archived: bool | None = None
    disabled: bool | None = None
    empty: bool | None = None
    pushed_at: str | None = None
    license: str | None = None
    default_branch: str | None = None

    @property
    def renamed(self) -> bool:
        return self.full_name.lower() != self.requested.lower()


@dataclass(frozen=True)
class RegistryRecord:
    """What a paper registry (Crossref, the DOI handle system, OpenReview) holds for one ID."""

    key: str  # the canonical DOI, or the OpenReview note ID
    registry: str  # crossref | handle | openreview
    title: str | None = None  # None when the registry keeps no title (handles)
    url: str | None = None  # where the identifier resolves, when the registry says


@dataclass(frozen=True)
class ArchivedCopy:
    """The Wayback Machine's closest snapshot of a URL (verified to answer)."""

    url: str  # https://web.archive.org/web/TIMESTAMP/ORIGINAL
    timestamp: str  # YYYYMMDDhhmmss, as the archive writes it


@dataclass(frozen=True)
class PaperCode:
    """The repository a paper page (Hugging Face) names as a paper's code."""

    arxiv_id: str
    repo_url: str  # as the page gives it
    repo: str | None = None  # OWNER/NAME when it is a GitHub repository


@dataclass(frozen=True)
class Finding:
    """One problem a rule found, pinned to a line of a list."""

    code: str = field(metadata=RULE_CODE)  # stable, e.g. LW101
    rule: str  # short name, e.g. empty-link
    severity: Severity
    message: str
    list_name: str = field(metadata=LIST_KEY)
    path: str
    line: int = field(metadata=COUNT)
    url: str | None = None
    suggestion: str | None = None
    entry: str | None = None  # the entry's title

    def as_dict(self) -> dict[str, object]:
        """The JSON form shared by `lint --format json`, the snapshot and the diff."""
        return {
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity.value,
            "list": self.list_name,
            "path": self.path,
            "line": self.line,
            "message": self.message,
            "url": self.url,
            "suggestion": self.suggestion,
            "entry": self.entry,
        }


@dataclass(frozen=True)
class Enrichment:
    """Metadata gathered from the arXiv and GitHub APIs for a run.

    A key mapped to None means the API was asked and said the thing does not exist; a key
    that is absent means nobody asked (or could ask: see `notes`).
    """

    arxiv: dict[str, ArxivRecord | None] = field(default_factory=dict)  # by bare arXiv ID
    repos: dict[str, RepoRecord | None] = field(default_factory=dict)  # by lower OWNER/NAME
    notes: tuple[str, ...] = ()  # e.g. "GitHub metadata unknown: set GITHUB_TOKEN"
    # Past the walls (enrich/registries.py, wayback.py, hfpapers.py); same None convention.
    dois: dict[str, RegistryRecord | None] = field(default_factory=dict)  # by canonical DOI
    openreview: dict[str, RegistryRecord | None] = field(default_factory=dict)  # by note ID
    archives: dict[str, ArchivedCopy | None] = field(default_factory=dict)  # by normalised URL
    paper_code: dict[str, PaperCode | None] = field(default_factory=dict)  # by bare arXiv ID
    paper_code_asked_at: dict[str, str] = field(default_factory=dict)  # arXiv ID -> ISO time

    def for_link(
        self,
        arxiv_id: str | None,
        repo: str | None,
        *,
        url: str | None = None,
        doi: str | None = None,
        note: str | None = None,
    ) -> LinkEnrichment | None:
        """What this run learned about one link's paper (`arxiv_id`, bare) and repository
        (`repo`, OWNER/NAME as linked), and from the registries about its DOI (`doi`),
        OpenReview note (`note`), archived copy (`url`, normalised) and the code its paper
        page names; None when nobody was asked about any of them."""
        known_id = arxiv_id if arxiv_id is not None and arxiv_id in self.arxiv else None
        name = repo.lower() if repo is not None and repo.lower() in self.repos else None
        doi = doi if doi is not None and doi in self.dois else None
        note = note if note is not None and note in self.openreview else None
        archived = url is not None and url in self.archives
        asked = self.paper_code_asked_at.get(arxiv_id) if arxiv_id is not None else None
        if known_id is None and name is None and not (doi or note or archived or asked):
            return None
        return LinkEnrichment(
            arxiv_id=known_id,
            arxiv=self.arxiv[known_id] if known_id is not None else None,
            repo=name,
            repository=self.repos[name] if name is not None else None,
            doi=doi,
            doi_record=self.dois[doi] if doi is not None else None,
            openreview_id=note,
            openreview=self.openreview[note] if note is not None else None,
            archive_asked=archived,
            archive=self.archives[url] if archived and url is not None else None,
            code_asked_at=asked,
            code=self.paper_code.get(arxiv_id) if asked and arxiv_id is not None else None,
        )

    @classmethod
    def gather(
        cls, parts: Iterable[LinkEnrichment | None], notes: tuple[str, ...] = ()
    ) -> Enrichment:
        """The run-wide metadata back from its per-link parts (the first answer per key)."""
        arxiv: dict[str, ArxivRecord | None] = {}
        repos: dict[str, RepoRecord | None] = {}
        dois: dict[str, RegistryRecord | None] = {}
        notes_by_id: dict[str, RegistryRecord | None] = {}
        code: dict[str, PaperCode | None] = {}
        asked: dict[str, str] = {}
        for part in parts:
            if part is None:
                continue
            if part.arxiv_id:
                arxiv.setdefault(part.arxiv_id, part.arxiv)
            if part.repo:
                repos.setdefault(part.repo.lower(), part.repository)
            if part.doi:
                dois.setdefault(part.doi, part.doi_record)
            if part.openreview_id:
                notes_by_id.setdefault(part.openreview_id, part.openreview)
            if part.code_asked_at and part.code is not None:  # found code (None: no ID here)
                code.setdefault(part.code.arxiv_id, part.code)
                asked.setdefault(part.code.arxiv_id, part.code_asked_at)
        return cls(
            arxiv=arxiv, repos=repos, notes=notes, dois=dois, openreview=notes_by_id,
            paper_code=code, paper_code_asked_at=asked,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class LinkEnrichment:
    """The part of a run's `Enrichment` about one link: its paper and its repository.

    `arxiv_id` / `repo` are set when the API was asked; a set key with a None record means
    the API said the paper or repository does not exist.
    """

    arxiv_id: str | None = None
    arxiv: ArxivRecord | None = None
    repo: str | None = field(default=None, metadata=OWNER_NAME)  # lower-case, as linked
    repository: RepoRecord | None = None
    # Past the walls (docs/enrichment.md), same convention: a key set means asked.
    doi: str | None = None  # the canonical DOI the link carries
    doi_record: RegistryRecord | None = None
    openreview_id: str | None = None
    openreview: RegistryRecord | None = None
    archive_asked: bool = False  # the Wayback Machine was asked (remembered while dead)
    archive: ArchivedCopy | None = None
    code_asked_at: str | None = field(default=None, metadata=TIME)  # the paper page, when
    code: PaperCode | None = None  # what the paper page names (re-asked after reask_days)

    @property
    def arxiv_gone(self) -> bool:
        return self.arxiv_id is not None and self.arxiv is None

    @property
    def repo_gone(self) -> bool:
        return self.repo is not None and self.repository is None
