"""A small but rich snapshot, built by hand, for the report renderers' golden tests.

Three lists (two with an upstream, one without), every status, a link in quarantine,
enrichment (a stale arXiv version, a missing paper, a renamed and archived repository, a
missing repository) and hostile titles: `<script>`, `@someone`, `|`, Markdown link syntax,
an event-handler attribute and a `javascript:` URL.
"""

from __future__ import annotations

from dataclasses import fields

from linkwarden.diff import RunDiff, StarTotals
from linkwarden.model import (
    ArxivRecord,
    Effective,
    Finding,
    Hop,
    LinkEnrichment,
    LinkResult,
    Location,
    RepoRecord,
    Role,
    Severity,
    Status,
    Upstream,
)
from linkwarden.report import RuleInfo
from linkwarden.state.snapshot import (
    LinkRecord,
    Observation,
    RunInfo,
    Snapshot,
    SourceInfo,
    Totals,
)

_RESULT_FIELDS = {f.name for f in fields(LinkResult)}

NOW = "2025-03-04T02:00:00Z"
XSS_TITLE = "<script>document.title='pwned';document.body.setAttribute('data-xss','1')</script>"
IMG_TITLE = "<img src=x onerror=\"document.body.setAttribute('data-xss','2')\">"
MENTION_TITLE = "Talking | heads with @someone [click](javascript:alert(1)) *now* `x`"

AVATAR = "awesome-avatar"
HEADS = "awesome-talking-head-generation"
NOTES = "face-reenactment-notes"


def _loc(lst: str, line: int, role: Role, entry: str | None, col: int = 0) -> Location:
    path = f"sources/{lst}.md"
    return Location(lst, path, line, role, entry=entry, text=role.value, column=col)


def _obs(*statuses: Status) -> tuple[Observation, ...]:
    days = ["2025-03-01T02:00:00Z", "2025-03-02T02:00:00Z", "2025-03-03T02:00:00Z", NOW]
    return tuple(Observation(days[-len(statuses) + i], s) for i, s in enumerate(statuses))


def _link(
    url: str, status: Status, effective: Effective, *locs: Location, **kw: object
) -> LinkRecord:
    fields: dict[str, object] = {
        "final_url": url,
        "checked_at": NOW,
        "history": _obs(status),
        "http_status": 200 if status.is_healthy else None,
    }
    fields.update(kw)
    observed = {k: v for k, v in fields.items() if k in _RESULT_FIELDS}
    kept = {k: v for k, v in fields.items() if k not in _RESULT_FIELDS}
    result = LinkResult(url, status, **observed)  # type: ignore[arg-type]
    return LinkRecord(result, effective=effective, locations=tuple(locs), **kept)  # type: ignore[arg-type]


WAV2LIP = "Wav2Lip: Accurately Lip-syncing Videos In The Wild"

LINKS: tuple[LinkRecord, ...] = tuple(
    sorted(
        [
            _link(
                "https://arxiv.org/abs/2008.10010v1",
                Status.OK,
                Effective.OK,
                _loc(AVATAR, 12, Role.PAPER, WAV2LIP),
                _loc(HEADS, 40, Role.PAPER, WAV2LIP),
                enrichment=LinkEnrichment(
                    arxiv_id="2008.10010",
                    arxiv=ArxivRecord(
                        "2008.10010", 2, "A Lip Sync Expert Is All You Need", published="2020-08-23"
                    ),
                ),
            ),
            _link(
                "https://github.com/rudrabha/wav2lip",
                Status.OK,
                Effective.OK,
                _loc(AVATAR, 12, Role.CODE, WAV2LIP, 60),
                via="github-api",
                enrichment=LinkEnrichment(
                    repo="rudrabha/wav2lip",
                    repository=RepoRecord(
                        "Rudrabha/Wav2Lip",
                        "Rudrabha/Wav2Lip",
                        "https://github.com/Rudrabha/Wav2Lip",
                        stars=11250,
                        forks=2480,
                        archived=False,
                        pushed_at="2024-11-02T10:00:00Z",
                        license="MIT",
                    ),
                ),
            ),
            _link(
                "https://github.com/old-owner/sadtalker",
                Status.REDIRECTED,
                Effective.REDIRECTED,
                _loc(AVATAR, 20, Role.CODE, "SadTalker"),
                final_url="https://github.com/OpenTalker/SadTalker",
                http_status=301,
                chain=(
                    Hop(
                        "https://github.com/old-owner/sadtalker",
                        301,
                        "https://github.com/OpenTalker/SadTalker",
                    ),
                ),
                suggestion="https://github.com/OpenTalker/SadTalker",
                enrichment=LinkEnrichment(
                    repo="old-owner/sadtalker",
                    repository=RepoRecord(
                        "old-owner/SadTalker",
                        "OpenTalker/SadTalker",
                        "https://github.com/OpenTalker/SadTalker",
                        stars=12600,
                        forks=2300,
                        archived=True,
                        pushed_at="2024-03-01T00:00:00Z",
                    ),
                ),
            ),
            _link(
                "https://github.com/gone/repo",
                Status.DEAD,
                Effective.DEAD,
                _loc(NOTES, 8, Role.CODE, XSS_TITLE),
                http_status=404,
                reason="repository not found",
                via="github-api",
                consecutive_failures=1,
                first_failed_at=NOW,
                enrichment=LinkEnrichment(repo="gone/repo", repository=None),
            ),
            _link(
                "https://arxiv.org/abs/2401.99999",
                Status.DEAD,
                Effective.DEAD,
                _loc(NOTES, 8, Role.PAPER, XSS_TITLE),
                http_status=404,
                reason="arXiv ID does not exist",
                via="arxiv-api",
                consecutive_failures=1,
                first_failed_at=NOW,
                enrichment=LinkEnrichment(arxiv_id="2401.99999", arxiv=None),
            ),
            _link(
                "http://example.com/dead|page?q=<b>",
                Status.DEAD,
                Effective.DEAD,
                _loc(HEADS, 55, Role.PROJECT, MENTION_TITLE),
                http_status=404,
                reason="Not Found",
                consecutive_failures=2,
                first_failed_at="2025-03-03T02:00:00Z",
                history=_obs(Status.OK, Status.DEAD, Status.DEAD),
            ),
            _link(
                "https://slow.example.org/project",
                Status.TIMEOUT,
                Effective.SUSPECT,
                _loc(HEADS, 61, Role.PROJECT, IMG_TITLE),
                reason="no answer in 20 s",
                error_kind="timeout",
                consecutive_failures=1,
                first_failed_at=NOW,
                history=_obs(Status.OK, Status.OK, Status.TIMEOUT),
            ),
            _link(
                "https://www.researchgate.net/publication/1",
                Status.BLOCKED,
                Effective.BLOCKED,
                _loc(NOTES, 14, Role.PAPER, "Face2Face"),
                http_status=403,
                reason="bot wall (Cloudflare)",
            ),
            _link(
                "https://drive.google.com/file/d/abc/view",
                Status.RESTRICTED,
                Effective.RESTRICTED,
                _loc(AVATAR, 30, Role.DATASET, "VoxCeleb"),
                reason="sign-in required",
            ),
            _link(
                "https://broken-tls.example.net/",
                Status.ERROR,
                Effective.DEAD,
                _loc(AVATAR, 33, Role.DEMO, "LivePortrait"),
                reason="TLS certificate has expired",
                error_kind="tls",
                consecutive_failures=3,
                first_failed_at="2025-03-02T02:00:00Z",
            ),
            _link(
                "ftp://files.example.org/data.zip",
                Status.SKIPPED,
                Effective.SKIPPED,
                _loc(AVATAR, 35, Role.DATASET, "VoxCeleb"),
                reason="unsupported scheme",
            ),
            _link(
                "https://github.com/small/lib",
                Status.OK,
                Effective.OK,
                _loc(HEADS, 70, Role.CODE, "Audio2Head"),
                enrichment=LinkEnrichment(
                    repo="small/lib",
                    repository=RepoRecord(
                        "small/lib", "small/lib", "https://github.com/small/lib", stars=42, forks=3
                    ),
                ),
            ),
        ],
        key=lambda r: r.url,
    )
)


def _finding(
    code: str, rule: str, sev: Severity, msg: str, lst: str, line: int, **kw: str | None
) -> Finding:
    return Finding(code, rule, sev, msg, lst, f"sources/{lst}.md", line, **kw)


FINDINGS: tuple[Finding, ...] = (
    _finding("LW201", "dead-link", Severity.ERROR, "HTTP 404: Not Found", HEADS, 55,
             url="http://example.com/dead|page?q=<b>", entry=MENTION_TITLE),
    _finding("LW201", "dead-link", Severity.ERROR, "TLS certificate has expired (3 runs)", AVATAR,
             33, url="https://broken-tls.example.net/", entry="LivePortrait"),
    _finding("LW401", "repo-missing", Severity.ERROR, "repository gone/repo does not exist", NOTES,
             8, url="https://github.com/gone/repo", entry=XSS_TITLE),
    _finding("LW301", "arxiv-missing", Severity.ERROR, "arXiv ID 2401.99999 does not exist",
             NOTES, 8, url="https://arxiv.org/abs/2401.99999", entry=XSS_TITLE),
    _finding("LW202", "link-timeout", Severity.WARNING,
             "in quarantine: failed 1 of 2 runs (ok, ok, timeout)", HEADS, 61,
             url="https://slow.example.org/project", entry=IMG_TITLE),
    _finding("LW203", "permanent-redirect", Severity.WARNING,
             "moved permanently to https://github.com/OpenTalker/SadTalker", AVATAR, 20,
             url="https://github.com/old-owner/sadtalker",
             suggestion="https://github.com/OpenTalker/SadTalker", entry="SadTalker"),
    _finding("LW402", "repo-archived", Severity.WARNING,
             "repository OpenTalker/SadTalker is archived", AVATAR, 20,
             url="https://github.com/old-owner/sadtalker", entry="SadTalker"),
    _finding("LW302", "arxiv-stale-version", Severity.INFO,
             "links v1; v2 is the latest <b>bold</b> @maintainer", AVATAR, 12,
             url="https://arxiv.org/abs/2008.10010v1", entry=WAV2LIP),
    _finding("LW101", "empty-link", Severity.INFO, "link [Code]() has no URL | nothing to check",
             NOTES, 20, entry="Empty placeholder"),
)  # fmt: skip

RULES: tuple[RuleInfo, ...] = (
    RuleInfo("LW101", "empty-link", Severity.INFO, "A link with no URL.",
             help_uri="https://example.org/rules#lw101"),
    RuleInfo("LW201", "dead-link", Severity.ERROR, "The link is dead (404/410, gone host).",
             help="The link answered 404 or 410, its host does not exist, or the connection was "
             "refused in consecutive runs.", help_uri="https://example.org/rules#lw201"),
    RuleInfo("LW202", "link-timeout", Severity.ERROR, "The link did not answer in time."),
    RuleInfo("LW203", "permanent-redirect", Severity.WARNING, "The link moved permanently."),
    RuleInfo("LW301", "arxiv-missing", Severity.ERROR, "The arXiv ID does not exist."),
    RuleInfo("LW302", "arxiv-stale-version", Severity.INFO, "A pinned arXiv version is outdated."),
    RuleInfo("LW401", "repo-missing", Severity.ERROR, "The GitHub repository does not exist."),
    RuleInfo("LW402", "repo-archived", Severity.WARNING, "The GitHub repository is archived."),
)  # fmt: skip

SOURCES = (
    SourceInfo(AVATAR, f"sources/{AVATAR}.md", "a" * 64, entries=5, links=7, lines=40,
               upstream=Upstream("Jason-cs18/awesome-avatar", "main", "README.md")),
    SourceInfo(HEADS, f"sources/{HEADS}.md", "b" * 64, entries=4, links=4, lines=80,
               upstream=Upstream("harlanhong/awesome-talking-head-generation", "master",
                                     "readme.md")),
    SourceInfo(NOTES, f"sources/{NOTES}.md", "c" * 64, entries=3, links=3, lines=30),
)  # fmt: skip


def sample_snapshot() -> Snapshot:
    return Snapshot(
        run=RunInfo(
            schema_version=1,
            tool_version="0.1.0",
            generated_at=NOW,
            notes=("GitHub metadata for 1 repository unknown: rate limit <reached>",),
        ),
        sources=SOURCES,
        totals=Totals(lists=3, entries=12, links=14, urls=len(LINKS)),
        links=LINKS,
        findings=FINDINGS,
    )


def sample_diff() -> RunDiff:
    """A diff with a few counts, for the 'since the previous run' section."""
    from linkwarden.diff import EntryChange, LinkChange

    return RunDiff(
        old_generated_at="2025-03-03T02:00:00Z",
        new_generated_at=NOW,
        newly_dead=(LinkChange("http://example.com/dead|page?q=<b>", "suspect", "dead"),),
        newly_suspect=(LinkChange("https://slow.example.org/project", "ok", "suspect"),),
        entries_added=(EntryChange(AVATAR, "LivePortrait", 33),),
        star_totals=StarTotals(before=23900, after=23892, repos_before=3, repos_after=3),
    )


HISTORY_HEADER = (
    "time,links_ok,links_redirected,links_dead,links_blocked,links_restricted,links_timeout,"
    "links_error,links_skipped,findings_error,findings_warning,findings_info"
)
HISTORY_CSV = (
    HISTORY_HEADER
    + """
2025-03-01T02:00:00Z,8,1,1,1,1,0,0,1,2,1,2
2025-03-02T02:00:00Z,8,1,1,1,1,0,1,1,3,2,2
2025-03-03T02:00:00Z,7,1,2,1,1,0,1,1,3,2,2
2025-03-04T02:00:00Z,3,1,3,1,1,1,1,1,4,3,2
"""
)
