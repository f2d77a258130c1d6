"""The data that flows between linkwarden's stages.

Everything here is a frozen dataclass or an enum: stages never mutate what an earlier stage
produced, they return new values. The flow is one way::

    SourceList ──extract──► ExtractedList(entries, links)
    Link.url ──check──► LinkResult            (keyed by urls.normalize(url))
    Link.url ──enrich──► ArxivRecord / RepoRecord
    all of the above ──rules──► Finding
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path


class Role(str, enum.Enum):
    """What a link is for, as the list presents it."""

    PAPER = "paper"
    CODE = "code"
    PROJECT = "project"
    DATASET = "dataset"
    VIDEO = "video"
    DEMO = "demo"
    BADGE = "badge"
    OTHER = "other"

    def __str__(self) -> str:
        return self.value


class Severity(str, enum.Enum):
    """How much a finding matters; `rank` orders them (error highest)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]

    def __str__(self) -> str:
        return self.value


class Status(str, enum.Enum):
    """What one run observed for one URL.

    A status is an observation, never a verdict over time: quarantine (state.py) decides
    whether a failure counts, the status itself is never rewritten.
    """

    OK = "ok"
    REDIRECTED = "redirected"  # permanent redirect to a healthy target; final URL is the fix
    DEAD = "dead"  # 404/410, NXDOMAIN, refused, soft 404, deleted repo or arXiv ID
    BLOCKED = "blocked"  # a bot wall answered; says nothing about the link's health
    RESTRICTED = "restricted"  # a login wall (e.g. Google Drive sign-in)
    TIMEOUT = "timeout"
    ERROR = "error"  # TLS, protocol, redirect loop, persistent 5xx
    SKIPPED = "skipped"  # excluded, unsupported scheme, refused target

    def __str__(self) -> str:
        return self.value

    @property
    def is_healthy(self) -> bool:
        """The link works (possibly via a redirect worth rewriting)."""
        return self in (Status.OK, Status.REDIRECTED)

    @property
    def is_failure(self) -> bool:
        """The link did not work in this run (dead, timeout or error)."""
        return self in (Status.DEAD, Status.TIMEOUT, Status.ERROR)

    @property
    def is_inconclusive(self) -> bool:
        """We could not judge the link: a wall stood in the way or we did not look."""
        return self in (Status.BLOCKED, Status.RESTRICTED, Status.SKIPPED)


class LinkFlag(str, enum.Enum):
    """Something extraction noticed about how a link is written (`Link.flags`)."""

    EMPTY = "empty"  # `[text]()`: nothing to follow
    RELATIVE = "relative"  # a path inside the list's repository, resolved against upstream
    MALFORMED = "malformed"  # `https://` with nothing after it, `http:/x`, bad host
    IDN = "idn"  # an internationalised host name
    HERF = "herf"  # `<a herf=...>`: browsers ignore the misspelt attribute
    NESTED = "nested"  # a link inside another link's text
    MULTILINE = "multiline"  # the destination spans lines
    UNBALANCED = "unbalanced"  # a parenthesis in the URL closes the Markdown link early

    def __str__(self) -> str:
        return self.value


class Via(str, enum.Enum):
    """How a `LinkResult` was obtained."""

    HTTP = "http"  # the checker fetched the URL
    ARXIV_API = "arxiv-api"  # the arXiv API answered for the paper
    GITHUB_API = "github-api"  # the GitHub API answered for the repository
    YOUTUBE_OEMBED = "youtube-oembed"  # YouTube's oEmbed endpoint answered for the video
    SNAPSHOT = "snapshot"  # reused from the previous snapshot (--max-age, PR mode)
    NONE = "none"  # not checked in this run

    def __str__(self) -> str:
        return self.value


# An API answered for the thing linked: its verdict beats an HTTP one.
API_VIAS = frozenset({Via.ARXIV_API, Via.GITHUB_API})


class ErrorKind(str, enum.Enum):
    """What went wrong with a URL, in one word (`LinkResult.error_kind`)."""

    # no HTTP answer
    DNS = "dns"  # the name does not exist (NXDOMAIN)
    DNS_TEMPORARY = "dns_temporary"  # the resolver failed for now
    REFUSED = "refused"  # the host refused the connection
    CONNECT = "connect"  # the connection failed some other way
    CONNECT_TIMEOUT = "connect_timeout"
    TIMEOUT = "timeout"  # connected, no answer in time
    DEADLINE = "deadline"  # no verdict within the URL's whole deadline
    RESET = "reset"  # the connection was reset mid-request
    TLS = "tls"
    PROTOCOL = "protocol"  # the server spoke broken HTTP, or an unexpected status
    UNSUPPORTED = "unsupported"  # a scheme httpx cannot fetch
    NETWORK = "network"  # any other network failure
    GUARD = "guard"  # refused by our private-address guard
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    # an HTTP answer that says the link is not healthy
    HTTP = "http"  # 404, 410 and other definitive statuses
    HTTP_4XX = "http_4xx"
    HTTP_5XX = "http_5xx"
    FORBIDDEN = "forbidden"
    RATE_LIMITED = "rate_limited"
    BOT_WALL = "bot_wall"  # a bot wall answered instead of the page
    LOGIN = "login"  # a login wall
    PARKED = "parked"  # a domain parking page
    SOFT_404 = "soft_404"  # a 200 that says "not found"
    NOT_FOUND = "not-found"  # an API says the paper or repository does not exist

    def __str__(self) -> str:
        return self.value


# Connection failures that may go away by themselves (a `dead` result with one is transient).
TRANSIENT_ERROR_KINDS = frozenset(
    {ErrorKind.REFUSED, ErrorKind.CONNECT, ErrorKind.DNS, ErrorKind.RESET}
)


@dataclass(frozen=True)
class Upstream:
    """Where a list lives on GitHub: used for blob links and resolving relative links."""

    repo: str  # OWNER/NAME
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

    list_name: str
    path: str
    index: int  # 0-based position in the list; Link.entry refers to it
    title: str
    line: int
    end_line: int
    section: tuple[str, ...] = ()
    venue: str | None = None
    year: int | None = None
    text: str = ""  # the entry's plain text (for notes such as "code coming soon")


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

    def entry_of(self, link: Link) -> Entry | None:
        return self.entries[link.entry] if link.entry is not None else None


@dataclass(frozen=True)
class Hop:
    """One step of a redirect chain."""

    url: str
    status: int
    location: str | None = None


@dataclass(frozen=True)
class LinkResult:
    """What checking one (normalised) URL observed. Shared by every occurrence of the URL."""

    url: str
    status: Status
    final_url: str
    http_status: int | None = None
    chain: tuple[Hop, ...] = ()
    reason: str = ""
    error_kind: ErrorKind | None = None
    elapsed_ms: float = 0.0
    checked_at: str = ""  # ISO 8601, UTC
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
    latest_version: int
    title: str
    authors: tuple[str, ...] = ()
    published: str = ""
    updated: str = ""
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

    requested: str  # OWNER/NAME as linked
    full_name: str  # OWNER/NAME now (differs after a rename or transfer)
    url: str
    stars: int | None = None
    forks: int | None = None
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

    code: str  # stable, e.g. LW101
    rule: str  # short name, e.g. empty-link
    severity: Severity
    message: str
    list_name: str
    path: str
    line: int
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
