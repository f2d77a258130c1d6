"""GitHub repository metadata through PyGithub's requester: GraphQL with a token, REST without.

With a token, one GraphQL query asks for up to `GithubSettings.batch_size` repositories
(one alias each). Without one, REST answers one repository per request from an anonymous
quota of 60 an hour; we read what is left first, spend it minus `GithubSettings.reserve`,
and report the rest as unknown ("set GITHUB_TOKEN") rather than burning the quota or
failing. PyGithub is synchronous, so all of it runs in one worker thread. Its exceptions
and requests' are translated here; nothing from either escapes this module.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio
import github
import requests
from github import Auth, Github

from ..check import NetworkOptions
from ..config import GithubSettings
from ..model import RepoRecord
from ._transport import RoutedAdapter, routed
from .collect import repo_key

log = logging.getLogger(__name__)

API_TIMEOUT = 30  # seconds per request
TOKEN_HINT = "set GITHUB_TOKEN (or --github-token) to check every repository through the API"

_GITHUB_LIMITER: anyio.CapacityLimiter | None = None

# Told, once and before the first repository request, which repositories (lower-case
# OWNER/NAME) the API will be asked about: the caller checks the others over HTTP at once.
PlanSink = Callable[[list[str]], None]

# What GraphQL returns per repository alias; names follow GitHub's schema.
_REPO_FIELDS = """
    nameWithOwner url stargazerCount forkCount isArchived isDisabled isEmpty pushedAt
    licenseInfo { spdxId name } defaultBranchRef { name }
"""


def _limiter() -> anyio.CapacityLimiter:
    global _GITHUB_LIMITER
    if _GITHUB_LIMITER is None:
        _GITHUB_LIMITER = anyio.CapacityLimiter(1)
    return _GITHUB_LIMITER


@dataclass
class GithubOutcome:
    records: dict[str, RepoRecord | None] = field(default_factory=dict)  # by lower OWNER/NAME
    notes: list[str] = field(default_factory=list)
    requests: int = 0
    degraded: bool = False  # some repositories were left unknown for lack of quota


def _client(settings: GithubSettings, token: str | None, user_agent: str) -> Github:
    # retry=None: PyGithub's default retry waits out rate limits for up to an hour.
    # Trust (the CA bundle, the system store) is the RoutedAdapter's: see _transport.py.
    return Github(
        base_url=settings.api_url.rstrip("/"),
        auth=Auth.Token(token) if token else None,
        timeout=API_TIMEOUT,
        user_agent=user_agent,
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )


def _graphql_query(batch: Sequence[str]) -> tuple[str, dict[str, str]]:
    """One query with an alias per repository; names travel as variables, never inlined."""
    params: list[str] = []
    parts: list[str] = []
    variables: dict[str, str] = {}
    for i, repo in enumerate(batch):
        owner, name = repo.split("/", 1)
        variables[f"o{i}"], variables[f"n{i}"] = owner, name
        params.append(f"$o{i}: String!, $n{i}: String!")
        parts.append(f"  r{i}: repository(owner: $o{i}, name: $n{i}) {{{_REPO_FIELDS}}}")
    query = (
        f"query({', '.join(params)}) {{\n"
        + "\n".join(parts)
        + "\n  rateLimit { cost remaining }\n}"
    )
    return query, variables


def _from_graphql(requested: str, node: dict[str, Any]) -> RepoRecord:
    licence = node.get("licenseInfo") or {}
    branch = node.get("defaultBranchRef") or {}
    return RepoRecord(
        requested=requested,
        full_name=str(node.get("nameWithOwner") or requested),
        url=str(node.get("url") or f"https://github.com/{requested}"),
        stars=node.get("stargazerCount"),
        forks=node.get("forkCount"),
        archived=node.get("isArchived"),
        disabled=node.get("isDisabled"),
        empty=node.get("isEmpty"),
        pushed_at=node.get("pushedAt"),
        license=licence.get("spdxId") or licence.get("name"),
        default_branch=branch.get("name"),
    )


def _from_rest(requested: str, data: dict[str, Any]) -> RepoRecord:
    licence = data.get("license") or {}
    size = data.get("size")
    return RepoRecord(
        requested=requested,
        full_name=str(data.get("full_name") or requested),
        url=str(data.get("html_url") or f"https://github.com/{requested}"),
        stars=data.get("stargazers_count"),
        forks=data.get("forks_count"),
        archived=data.get("archived"),
        disabled=data.get("disabled"),
        # REST has no "is empty"; a repository without a single commit has size 0.
        empty=(size == 0) if isinstance(size, int) else None,
        pushed_at=data.get("pushed_at"),
        license=licence.get("spdx_id") or licence.get("name"),
        default_branch=data.get("default_branch"),
    )


class _Stop(Exception):
    """Stop asking GitHub: the reason goes into the notes."""

    def __init__(self, reason: str, *, bad_token: bool = False) -> None:
        super().__init__(reason)
        self.bad_token = bad_token


def _describe(exc: Exception) -> str:
    if isinstance(exc, github.RateLimitExceededException):
        return "GitHub API rate limit exceeded"
    if isinstance(exc, github.BadCredentialsException):
        return "GitHub rejected the token (401 bad credentials)"
    if isinstance(exc, github.GithubException):
        return f"GitHub API answered HTTP {exc.status}"
    if isinstance(exc, requests.Timeout):
        return "GitHub API did not answer in time"
    if isinstance(exc, requests.RequestException):
        return f"GitHub API could not be reached ({type(exc).__name__})"
    return f"GitHub API failed ({type(exc).__name__}: {exc})"


def _graphql_batches(
    gh: Github, repos: Sequence[str], settings: GithubSettings, out: GithubOutcome
) -> None:
    requester = gh.requester
    size = max(1, min(settings.batch_size, 100))
    for start in range(0, len(repos), size):
        batch = repos[start : start + size]
        query, variables = _graphql_query(batch)
        out.requests += 1
        try:
            _, data = requester.requestJsonAndCheck(
                "POST", requester.graphql_url, input={"query": query, "variables": variables}
            )
        except (
            github.GithubException,
            requests.RequestException,
            AssertionError,
            RuntimeError,
        ) as exc:
            bad = isinstance(exc, github.BadCredentialsException)
            raise _Stop(_describe(exc), bad_token=bad) from None
        answers = (data or {}).get("data") or {}
        missing: set[str] = set()
        for error in (data or {}).get("errors") or []:
            path = error.get("path") or []
            if error.get("type") == "NOT_FOUND" and path:
                missing.add(str(path[0]))
        for i, repo in enumerate(batch):
            node = answers.get(f"r{i}")
            if node:
                out.records[repo_key(repo)] = _from_graphql(repo, node)
            elif f"r{i}" in missing:
                out.records[repo_key(repo)] = None
            # else: an error other than "not found" (e.g. FORBIDDEN): leave unknown


def _rest_remaining(gh: Github, out: GithubOutcome) -> int:
    """Requests left in the core quota; reading it costs nothing against the quota."""
    try:
        _, data = gh.requester.requestJsonAndCheck("GET", "/rate_limit")
    except (github.GithubException, requests.RequestException, AssertionError, RuntimeError) as exc:
        raise _Stop(_describe(exc)) from None
    core = ((data or {}).get("resources") or {}).get("core") or data.get("rate") or {}
    return int(core.get("remaining", 0))


def rest_budget(remaining: int, reserve: int) -> int:
    """Repositories to ask REST about: the quota minus the reserve, minus one more so that
    a rename (two requests: the 301 and the new address) never eats into the reserve."""
    return max(0, remaining - reserve - 1)


def _rest_each(
    gh: Github,
    repos: Sequence[str],
    settings: GithubSettings,
    out: GithubOutcome,
    on_plan: PlanSink,
) -> None:
    try:
        remaining = _rest_remaining(gh, out)
    except _Stop:
        on_plan([])
        raise
    # Decided up front, so that the caller sends every other repository to the HTTP checker
    # now rather than after the (serial, slow) REST requests.
    planned = list(repos[: rest_budget(remaining, settings.reserve)])
    on_plan([repo_key(r) for r in planned])
    for repo in planned:
        # A rename costs two requests (the 301, then the new address): keep the reserve.
        if remaining <= settings.reserve + 1:
            break
        out.requests += 1
        try:
            # PyGithub follows GitHub's 301 for a renamed or transferred repository itself.
            _, data = gh.requester.requestJsonAndCheck("GET", f"/repos/{repo}")
        except github.UnknownObjectException:
            out.records[repo_key(repo)] = None
            continue
        except github.GithubException as exc:
            if exc.status == 404:
                out.records[repo_key(repo)] = None
                continue
            if exc.status in (403, 429) or isinstance(exc, github.RateLimitExceededException):
                raise _Stop(_describe(exc)) from None
            continue  # one odd answer (451, 5xx): this repository stays unknown
        except (requests.RequestException, AssertionError, RuntimeError) as exc:
            raise _Stop(_describe(exc)) from None
        finally:
            # What GitHub says is left (x-ratelimit-remaining), else our own count.
            seen = gh.requester.rate_limiting[0]
            remaining = seen if seen >= 0 else remaining - 1
        if isinstance(data, dict):
            out.records[repo_key(repo)] = _from_rest(repo, data)


def fetch_repos_sync(
    repos: Sequence[str],
    settings: GithubSettings,
    *,
    token: str | None,
    user_agent: str,
    network: NetworkOptions | None = None,
    on_plan: PlanSink | None = None,
) -> GithubOutcome:
    """Look up repositories (OWNER/NAME, deduplicated case-insensitively). Blocking.

    `on_plan` is called exactly once, before any repository request (or when none will be
    sent), with the lower-case names the API will be asked about.
    """
    told: list[bool] = []

    def plan(keys: list[str]) -> None:
        if not told:
            told.append(True)
            if on_plan is not None:
                on_plan(keys)

    try:
        with routed(RoutedAdapter(network or NetworkOptions(), timeout=API_TIMEOUT)):
            return _fetch(repos, settings, token=token, user_agent=user_agent, on_plan=plan)
    finally:
        plan([])  # no-op when already told; otherwise nothing more will be asked


def _fetch(
    repos: Sequence[str],
    settings: GithubSettings,
    *,
    token: str | None,
    user_agent: str,
    on_plan: PlanSink,
) -> GithubOutcome:
    out = GithubOutcome()
    unique: dict[str, str] = {}
    for repo in repos:
        unique.setdefault(repo_key(repo), repo)
    wanted = [unique[k] for k in sorted(unique)]
    if not wanted:
        return out
    anonymous = not token
    gh = _client(settings, token, user_agent)
    try:
        if token:
            on_plan([repo_key(r) for r in wanted])  # GraphQL answers every repository
            try:
                _graphql_batches(gh, wanted, settings, out)
            except _Stop as stop:
                out.notes.append(str(stop))
                if stop.bad_token:  # carry on anonymously rather than give up
                    anonymous = True
                    gh.close()
                    gh = _client(settings, None, user_agent)
                    left = [r for r in wanted if repo_key(r) not in out.records]
                    _rest_anonymous(gh, left, settings, out, on_plan)
        else:
            _rest_anonymous(gh, wanted, settings, out, on_plan)
    finally:
        gh.close()
    unknown = sum(1 for r in wanted if repo_key(r) not in out.records)
    if unknown:
        out.degraded = True
        note = f"GitHub metadata unknown for {unknown} of {len(wanted)} repositories"
        out.notes.append(f"{note}: {TOKEN_HINT}" if anonymous else note)
    return out


def _rest_anonymous(
    gh: Github,
    repos: Sequence[str],
    settings: GithubSettings,
    out: GithubOutcome,
    on_plan: PlanSink,
) -> None:
    try:
        _rest_each(gh, repos, settings, out, on_plan)
    except _Stop as stop:
        out.notes.append(str(stop))


async def fetch_repos(
    repos: Sequence[str],
    settings: GithubSettings,
    *,
    token: str | None,
    user_agent: str,
    network: NetworkOptions | None = None,
    on_plan: PlanSink | None = None,
) -> GithubOutcome:
    """`fetch_repos_sync` in a worker thread, one GitHub conversation at a time.

    `on_plan` (see `fetch_repos_sync`) is called in the event loop's thread.
    """

    def tell(keys: list[str]) -> None:
        if on_plan is not None:
            anyio.from_thread.run_sync(on_plan, keys)

    def work() -> GithubOutcome:
        return fetch_repos_sync(
            repos, settings, token=token, user_agent=user_agent, network=network, on_plan=tell,
        )  # fmt: skip

    return await anyio.to_thread.run_sync(work, limiter=_limiter())
