"""One tracking issue on GitHub for the problems a nightly run found, kept in place.

Nightly link checkers that open a new issue every night train maintainers to ignore them.
linkwarden keeps exactly **one** issue, found by a label:

============================  ==============================================================
the run found problems        no labelled issue → **create** it;
                              an open one → **update** its title and body in place, and add
                              a comment only when problems appeared that it did not list yet
                              (editing a body notifies nobody; a comment does);
                              a closed one → **reopen** it with the new body and a comment.
the run is clean              an open one → a comment saying so, then **close** it;
                              otherwise nothing.
============================  ==============================================================

The issue body ends with a hidden marker holding short hashes of the problems it lists, so
the next run knows which problems are new without any other state. The hashes are
`findings.occurrence_key`: a problem is new here exactly when it is new in DIFF.md and PR
mode. The text (title, body, comments) is rendered by `report.issue`.

PyGithub is the client; its exceptions (and the `requests` errors under it) are translated
here into `linkwarden.errors`, so nothing of PyGithub leaks to the command. Its requests go
through the run's network layer (`connected`): the machine's trust, the proxies and the
host mappings cli.py read, as for every other HTTP client of the process.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from .errors import ConfigError, LinkwardenError, NetworkUnavailable
from .findings import finding_keys, sorted_findings
from .model import Finding, Severity
from .report.issue import (
    ALL_CLEAR_COMMENT,
    Problem,
    issue_title,
    problems_comment,
    render_issue_body,
)

if TYPE_CHECKING:
    from github.Issue import Issue
    from github.Repository import Repository

    from .check import NetworkOptions

DEFAULT_LABEL = "linkwarden"
DEFAULT_API_URL = "https://api.github.com"
BODY_LIMIT = 60_000  # GitHub refuses issue bodies over 65,536 characters; keep a margin
P = ParamSpec("P")
R = TypeVar("R")
_MARKER = re.compile(r"<!-- linkwarden:tracking problems=([0-9a-f,]*) -->")


class GitHubApiError(LinkwardenError):
    """GitHub refused a request (bad token, unknown repository, missing permission)."""

    exit_code = 2


# ------------------------------------------------------------------------ the summary


@dataclass(frozen=True)
class TrackingSummary:
    """What the issue should say after this run."""

    problems: tuple[Problem, ...]
    title: str
    body: str  # without the marker: `sync_issue` appends it

    @property
    def clean(self) -> bool:
        return not self.problems

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(p.key for p in self.problems)

    def new_since(self, previous_body: str | None) -> list[Problem]:
        """The problems a body written by an earlier run did not list (all, without one)."""
        if previous_body is None:
            return list(self.problems)
        listed = keys_in(previous_body)
        return [p for p in self.problems if p.key not in listed]


def marker(keys: frozenset[str]) -> str:
    return f"<!-- linkwarden:tracking problems={','.join(sorted(keys))} -->"


def keys_in(body: str | None) -> frozenset[str]:
    """The problem hashes a previous run left in the issue body."""
    match = _MARKER.search(body or "")
    if not match:
        return frozenset()
    return frozenset(k for k in match.group(1).split(",") if k)


def with_marker(body: str, keys: frozenset[str]) -> str:
    tail = "\n\n" + marker(keys) + "\n"
    room = BODY_LIMIT - len(tail)
    if len(body) > room:
        cut = body.rfind("\n", 0, room - 80)
        kept = body[: cut if cut > 0 else room - 80]
        body = kept + "\n\n_… cut to fit GitHub's size limit; see the full report._"
    return body + tail


# --------------------------------------------------------------------------- syncing


@dataclass(frozen=True)
class SyncOutcome:
    """What `sync_issue` did."""

    action: str  # created | updated | reopened | closed | unchanged | nothing
    number: int | None = None
    url: str | None = None
    new_problems: int = 0

    def describe(self) -> str:
        where = f" #{self.number}" if self.number is not None else ""
        link = f" ({self.url})" if self.url else ""
        words = {
            "created": f"created tracking issue{where}",
            "updated": f"updated tracking issue{where} in place",
            "reopened": f"reopened tracking issue{where}",
            "closed": f"closed tracking issue{where}: all clear",
            "unchanged": f"tracking issue{where} is up to date",
            "nothing": "no problems and no open tracking issue: nothing to do",
        }
        extra = f"; {self.new_problems} new problem(s)" if self.new_problems else ""
        return words[self.action] + extra + link


def _translate(exc: Exception, what: str) -> LinkwardenError:
    """PyGithub / requests exceptions → linkwarden errors (the module boundary)."""
    import requests
    from github import (
        BadCredentialsException,
        GithubException,
        RateLimitExceededException,
        UnknownObjectException,
    )

    if isinstance(exc, BadCredentialsException):
        return ConfigError(f"{what}: GitHub rejected the token (set a valid GITHUB_TOKEN)")
    if isinstance(exc, RateLimitExceededException):
        return GitHubApiError(f"{what}: GitHub API rate limit exceeded; try again later")
    if isinstance(exc, UnknownObjectException):
        return GitHubApiError(
            f"{what}: not found (is the repository name right, and can the token see it?)"
        )
    if isinstance(exc, GithubException):
        message = ""
        if isinstance(exc.data, dict):
            message = str(exc.data.get("message", ""))
        if exc.status == 403:
            return GitHubApiError(
                f"{what}: permission denied ({message or 'HTTP 403'}); the workflow needs "
                "`permissions: issues: write`"
            )
        return GitHubApiError(f"{what}: GitHub answered HTTP {exc.status} {message}".rstrip())
    if isinstance(exc, requests.exceptions.SSLError):
        return NetworkUnavailable(f"{what}: TLS error talking to the GitHub API: {exc}")
    if isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout)):
        return NetworkUnavailable(f"{what}: cannot reach the GitHub API ({type(exc).__name__})")
    if isinstance(exc, requests.exceptions.RequestException):
        return GitHubApiError(f"{what}: {exc}")
    raise exc


def guarded(what: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator: run a GitHub call, translating its failures (see `_translate`)."""

    def wrap(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return function(*args, **kwargs)
            except LinkwardenError:
                raise
            except Exception as exc:  # narrowed in _translate, which re-raises the rest
                raise _translate(exc, what) from None

        return call

    return wrap


@dataclass(frozen=True)
class GitHubTarget:
    """Where the tracking issue lives and how to reach the API.

    `network`: trust, proxies and host mappings as cli.py read them (`check.NetworkOptions`;
    None: the machine's defaults). `api_url` comes from the command line or the
    environment only, so the private-address guard lets it through (docs/automation.md).
    """

    repo: str  # OWNER/NAME
    token: str
    api_url: str = DEFAULT_API_URL
    network: NetworkOptions | None = None
    write_interval: float = 1.0  # GitHub asks for a second between content-creating calls
    timeout: int = 15


@contextlib.contextmanager
def connected(target: GitHubTarget) -> Iterator[Repository]:
    """The repository, for the duration of the block: every request PyGithub makes in it
    (this thread) goes through the network layer's requests adapter (`enrich._transport`),
    with the API's own host and port exempt from the private-address guard."""
    from .check import NetworkOptions
    from .enrich._transport import RoutedAdapter, routed

    network = (target.network or NetworkOptions()).trusting(target.api_url)
    with routed(RoutedAdapter(network, timeout=target.timeout)):
        yield open_repository(target)


@guarded("connecting to GitHub")
def open_repository(target: GitHubTarget) -> Repository:
    """The repository's PyGithub object; use it inside `connected`, which routes it."""
    from github import Auth, Github

    if not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", target.repo):
        raise ConfigError(f"--repo must be OWNER/NAME, not {target.repo!r}")
    client = Github(
        base_url=target.api_url.rstrip("/"),
        auth=Auth.Token(target.token),
        timeout=target.timeout,
        user_agent="linkwarden",
        retry=None,  # a nightly job fails loudly and runs again tomorrow; no silent waits
        seconds_between_requests=target.write_interval / 4,
        seconds_between_writes=target.write_interval,
    )
    return client.get_repo(target.repo)


@guarded("finding the tracking issue")
def find_tracking_issue(repo: Repository, label: str) -> Issue | None:
    """The issue carrying `label`: the open one if any, else the most recent closed one.

    Pull requests share the issues endpoint; they never count. Should several open issues
    carry the label (someone labelled one by hand), the one with our marker wins, then the
    newest.
    """
    candidates = [i for i in repo.get_issues(state="all", labels=[label]) if i.pull_request is None]
    if not candidates:
        return None

    def rank(issue: Issue) -> tuple[bool, bool, int]:
        return (issue.state == "open", _MARKER.search(issue.body or "") is not None, issue.number)

    return max(candidates, key=rank)


@guarded("updating the tracking issue")
def sync_issue(repo: Repository, summary: TrackingSummary, label: str) -> SyncOutcome:
    """Bring the one tracking issue in line with `summary` (see the module docstring)."""
    issue = find_tracking_issue(repo, label)
    body = with_marker(summary.body, summary.keys)
    if summary.clean:
        if issue is None or issue.state != "open":
            return SyncOutcome("nothing", issue.number if issue else None)
        issue.create_comment(ALL_CLEAR_COMMENT)
        issue.edit(title=summary.title, body=body, state="closed", state_reason="completed")
        return SyncOutcome("closed", issue.number, issue.html_url)

    new = summary.new_since(None if issue is None else issue.body or "")
    if issue is None:
        created = repo.create_issue(title=summary.title, body=body, labels=[label])
        return SyncOutcome("created", created.number, created.html_url, len(new))
    if issue.state != "open":
        issue.edit(title=summary.title, body=body, state="open")
        issue.create_comment(problems_comment("Problems are back", new))
        return SyncOutcome("reopened", issue.number, issue.html_url, len(new))
    if issue.body == body and issue.title == summary.title:
        return SyncOutcome("unchanged", issue.number, issue.html_url)
    issue.edit(title=summary.title, body=body)
    if new:
        issue.create_comment(problems_comment("New problems", new))
    return SyncOutcome("updated", issue.number, issue.html_url, len(new))


# -------------------------------------------------------------- building the summary


def build_summary(
    findings: Sequence[Finding],
    *,
    min_severity: Severity = Severity.ERROR,
    blob_links: dict[str, str] | None = None,
    generated_at: str = "",
    extra_sections: Sequence[str] = (),
    notes: Sequence[str] = (),
    report_url: str | None = None,
) -> TrackingSummary:
    """The issue's problems, title and body from a run's findings.

    The problems are the findings at `min_severity` or worse, in the one finding order, each
    keyed by `findings.occurrence_key`. `blob_links` maps a finding's "path:line" to a URL
    showing that line (from the lists' upstream); `extra_sections` are ready Markdown blocks
    (e.g. the diff since the last run).
    """
    chosen = [f for f in sorted_findings(findings) if f.severity.rank >= min_severity.rank]
    problems = tuple(
        Problem(f, key, (blob_links or {}).get(f"{f.path}:{f.line}"))
        for f, key in zip(chosen, finding_keys(chosen), strict=True)
    )
    body = render_issue_body(
        problems,
        min_severity=min_severity,
        generated_at=generated_at,
        extra_sections=extra_sections,
        notes=notes,
        report_url=report_url,
    )
    return TrackingSummary(problems, issue_title(problems), body)
