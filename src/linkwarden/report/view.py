"""What every report shows, computed once from a snapshot: the renderers only format it.

`ReportData` is a plain, already-sorted view of a run. Building it is the only place that
knows the snapshot's shape; each renderer (markdown, html, sarif, annotations) is a pure
function of `ReportData` (plus, for HTML, the run history), so a new format never repeats
the counting and every format agrees on the numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..model import Location, Severity, Status

STATUS_ORDER: tuple[Status, ...] = tuple(Status)
SEVERITY_ORDER: tuple[Severity, ...] = (Severity.ERROR, Severity.WARNING, Severity.INFO)


@dataclass(frozen=True)
class RuleInfo:
    """One row of the rules table, as reports describe it (SARIF rules, HTML filter)."""

    code: str
    name: str
    severity: Severity
    summary: str
    help: str = ""
    help_uri: str | None = None


@dataclass(frozen=True, slots=True)
class FindingRow:
    code: str
    rule: str
    severity: Severity
    message: str
    location: Location
    url: str | None = None
    suggestion: str | None = None
    entry: str | None = None
    role: str | None = None  # role of the link the finding is about, when it is about one
    status: str | None = None  # observed status of that link's URL


@dataclass(frozen=True, slots=True)
class LinkRow:
    """One checked URL with every place it stands."""

    url: str
    status: Status
    final_url: str
    locations: tuple[Location, ...]
    roles: tuple[str, ...] = ()
    entries: tuple[str, ...] = ()
    http_status: int | None = None
    reason: str = ""
    consecutive_failures: int = 0
    first_failed_at: str | None = None
    quarantined: bool = False  # failing, but not (yet) counted as dead
    effective: str = ""  # the verdict after quarantine (ok, dead, suspect, ...)
    history: tuple[str, ...] = ()  # recent observed statuses, oldest first
    suggestion: str | None = None

    @property
    def lists(self) -> tuple[str, ...]:
        return tuple(sorted({loc.list_name for loc in self.locations}))


@dataclass(frozen=True)
class ListHealth:
    """One list: how many of its link occurrences are in each status, and its findings."""

    name: str
    path: str
    href: str | None  # the list's file upstream, when known
    upstream: str | None  # OWNER/NAME upstream, when known
    entries: int
    links: int
    by_status: dict[Status, int]
    findings: dict[Severity, int]

    @property
    def healthy(self) -> int:
        return sum(n for s, n in self.by_status.items() if s.is_healthy)

    @property
    def judged(self) -> int:
        """Links we could judge (inconclusive statuses left out)."""
        return sum(n for s, n in self.by_status.items() if not s.is_inconclusive)

    @property
    def health_percent(self) -> float | None:
        return 100.0 * self.healthy / self.judged if self.judged else None


@dataclass(frozen=True)
class PaperRow:
    arxiv_id: str
    title: str | None  # from the arXiv API; None when the ID does not exist
    latest_version: int | None
    linked_versions: tuple[int, ...]  # versions pinned in links (v1, v2...), if any
    published: str = ""
    withdrawn: bool = False
    entries: tuple[str, ...] = ()  # entry titles the lists give it
    lists: tuple[str, ...] = ()
    url: str = ""

    @property
    def missing(self) -> bool:
        return self.title is None


@dataclass(frozen=True)
class RegistryRow:
    """A paper identifier behind a link (DOI, OpenReview note) and what its registry said.

    The link's observed status is shown beside it, unchanged: a DOI can be verified while
    the publisher's page answers a bot wall.
    """

    kind: str  # "DOI" | "OpenReview"
    key: str  # the DOI, or the note ID
    verdict: str  # "verified (Crossref)", "verified (doi.org)", "resolves nowhere", ...
    verified: bool
    title: str | None  # the registry's title, when it keeps one
    status: Status  # what the run observed for the link
    url: str  # the link
    lists: tuple[str, ...] = ()


@dataclass(frozen=True)
class RepoRow:
    requested: str
    full_name: str | None  # None when the repository does not exist
    url: str
    stars: int | None = None
    forks: int | None = None
    archived: bool | None = None
    pushed_at: str | None = None
    license: str | None = None
    lists: tuple[str, ...] = ()

    @property
    def renamed(self) -> bool:
        return self.full_name is not None and self.full_name.lower() != self.requested.lower()


@dataclass(frozen=True)
class HistoryPoint:
    """One row of history.csv: a run's time and its counts (statuses and severities)."""

    time: str
    counts: dict[str, int]


@dataclass(frozen=True)
class ChangeLine:
    """One line of the 'since the previous run' summary (label and count)."""

    label: str
    count: int
    signed: bool = False  # show +/- (a change in a total rather than a number of things)

    @property
    def shown(self) -> str:
        return f"{self.count:+,}" if self.signed else f"{self.count:,}"


@dataclass(frozen=True)
class LinkSummary:
    """What the reports count over all links, in one pass: with 100,000 links the rows are
    made one at a time while the HTML table is written, so nothing else may walk them."""

    statuses: dict[Status, int]  # unique URLs per status, every status, in enum order
    occurrences: int  # link occurrences in the lists
    quarantined: tuple[LinkRow, ...]
    lists: tuple[str, ...]  # the lists that have links, sorted
    roles: tuple[str, ...]  # the roles links have, sorted

    @classmethod
    def of(cls, links: Iterable[LinkRow]) -> LinkSummary:
        counts: Counter[Status] = Counter()
        occurrences = 0
        quarantined: list[LinkRow] = []
        lists: set[str] = set()
        roles: set[str] = set()
        for link in links:
            counts[link.status] += 1
            occurrences += len(link.locations)
            if link.quarantined:
                quarantined.append(link)
            lists.update(loc.list_name for loc in link.locations)
            roles.update(link.roles)
        return cls(
            statuses={s: counts.get(s, 0) for s in STATUS_ORDER},
            occurrences=occurrences,
            quarantined=tuple(quarantined),
            lists=tuple(sorted(lists)),
            roles=tuple(sorted(roles)),
        )


@dataclass(frozen=True)
class ReportData:
    tool_version: str
    generated_at: str  # ISO 8601, UTC
    duration_seconds: float | None
    lists: tuple[ListHealth, ...]
    # A tuple, or (from build_report_data) rows made one at a time as they are read.
    links: Sequence[LinkRow]
    findings: tuple[FindingRow, ...]
    papers: tuple[PaperRow, ...] = ()
    repos: tuple[RepoRow, ...] = ()
    registries: tuple[RegistryRow, ...] = ()  # DOIs and OpenReview notes the registries answered
    rules: tuple[RuleInfo, ...] = ()
    notes: tuple[str, ...] = ()
    changes: tuple[ChangeLine, ...] = ()  # empty when there was no previous run
    history: tuple[HistoryPoint, ...] = field(default=())
    # What the reports count over `links`, counted once by build_report_data; None: counted
    # from `links` when asked.
    summary: LinkSummary | None = None

    @property
    def link_summary(self) -> LinkSummary:
        return self.summary if self.summary is not None else LinkSummary.of(self.links)

    @property
    def status_totals(self) -> dict[Status, int]:
        """Unique URLs per status, every status present (zeros included), in enum order."""
        return dict(self.link_summary.statuses)

    @property
    def severity_totals(self) -> dict[Severity, int]:
        counts = Counter(f.severity for f in self.findings)
        return {s: counts.get(s, 0) for s in SEVERITY_ORDER}

    @property
    def occurrences(self) -> int:
        return self.link_summary.occurrences

    def findings_of(self, severity: Severity) -> tuple[FindingRow, ...]:
        return tuple(f for f in self.findings if f.severity is severity)

    def rule_for(self, code: str) -> RuleInfo | None:
        return next((r for r in self.rules if r.code == code), None)

    @property
    def quarantined(self) -> tuple[LinkRow, ...]:
        return self.link_summary.quarantined

    @property
    def leaderboard(self) -> tuple[RepoRow, ...]:
        """Existing repositories with a star count, most stars first (name breaks ties)."""
        ranked = [r for r in self.repos if r.stars is not None and r.full_name]
        ranked.sort(key=lambda r: (-(r.stars or 0), (r.full_name or "").lower()))
        return tuple(ranked)
