"""What changed between two runs: `diff(old, new) -> RunDiff` and its JSON form.

A nightly job is judged by what changed since last night. `RunDiff` lists, each sorted:
links newly dead (confirmed) or newly in quarantine, recovered links, new permanent
redirects and repository renames, observed status changes, entries and links added or
removed, star movers and totals, new arXiv versions, repositories newly archived, and the
findings added and resolved (new and resolved as `findings.new_findings` defines them, the
same meaning PR mode and the tracking issue use). DIFF.md is rendered from a RunDiff by
`report.diff_markdown`.

`exit_code_for(diff, findings, fail_on)` turns that into the exit code for `--fail-on`:
`new` fails only on error findings that are new since the previous snapshot (the nightly
setting), `any` on every error finding, `none` never.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .findings import new_findings, sorted_findings
from .model import Effective, Finding, Location, Severity
from .state.codec import to_json
from .state.snapshot import Snapshot

TOP_MOVERS = 10  # star movers listed in the diff
FAIL_ON = ("new", "any", "none")

_HEALTHY = (Effective.OK, Effective.REDIRECTED)


@dataclass(frozen=True)
class LinkChange:
    """One URL that changed. `before`/`after` depend on the list it is in (see RunDiff)."""

    url: str
    before: str | None = None
    after: str | None = None
    detail: str = ""  # the reason or HTTP status of the newer observation
    locations: tuple[Location, ...] = ()


@dataclass(frozen=True)
class EntryChange:
    list_name: str
    title: str
    line: int  # in the snapshot where the entry exists


@dataclass(frozen=True)
class RepoRename:
    repo: str  # lower OWNER/NAME as linked
    before: str  # full name in the older run
    after: str  # full name now
    url: str


@dataclass(frozen=True)
class StarChange:
    repo: str
    before: int
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class StarTotals:
    before: int = 0  # stars summed over the repositories known in the older run
    after: int = 0
    repos_before: int = 0
    repos_after: int = 0

    @property
    def delta(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class ArxivVersionChange:
    arxiv_id: str
    title: str
    before: int
    after: int


@dataclass(frozen=True)
class RepoArchived:
    repo: str
    full_name: str
    url: str


@dataclass(frozen=True)
class RunDiff:
    """Changes from `old_generated_at` to `new_generated_at`.

    - newly_dead / newly_suspect: effective verdict became dead / suspect (before: the old
      verdict, None for a URL that is new in the lists).
    - recovered: was dead or suspect, is ok or redirected now.
    - redirects: newly a permanent redirect, or redirecting elsewhere (before/after: final URLs).
    - status_changes: observed status differs (before/after: statuses), URLs in both runs.
    - links_added / links_removed: URLs that appear / disappear (after/before: status).
    """

    old_generated_at: str
    new_generated_at: str
    newly_dead: tuple[LinkChange, ...] = ()
    newly_suspect: tuple[LinkChange, ...] = ()
    recovered: tuple[LinkChange, ...] = ()
    redirects: tuple[LinkChange, ...] = ()
    renames: tuple[RepoRename, ...] = ()
    status_changes: tuple[LinkChange, ...] = ()
    entries_added: tuple[EntryChange, ...] = ()
    entries_removed: tuple[EntryChange, ...] = ()
    links_added: tuple[LinkChange, ...] = ()
    links_removed: tuple[LinkChange, ...] = ()
    star_movers: tuple[StarChange, ...] = ()
    star_totals: StarTotals = field(default_factory=StarTotals)
    arxiv_versions: tuple[ArxivVersionChange, ...] = ()
    newly_archived: tuple[RepoArchived, ...] = ()
    findings_added: tuple[Finding, ...] = ()
    findings_resolved: tuple[Finding, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Nothing a reader would care about changed (star totals alone do not count)."""
        return not any(
            (
                self.newly_dead, self.newly_suspect, self.recovered, self.redirects,
                self.renames, self.status_changes, self.entries_added, self.entries_removed,
                self.links_added, self.links_removed, self.star_movers, self.arxiv_versions,
                self.newly_archived, self.findings_added, self.findings_resolved,
            )
        )  # fmt: skip


# ------------------------------------------------------------------------------ compare


def _detail(reason: str, http_status: int | None) -> str:
    code = f"HTTP {http_status}" if http_status else ""
    if code and reason and code not in reason:
        return f"{code}: {reason}"
    return reason or code


def _entries_minus(items: Sequence[Any], other: Sequence[Any]) -> tuple[EntryChange, ...]:
    remaining = Counter(e.key() for e in other)
    left: list[EntryChange] = []
    for e in items:
        if remaining[e.key()] > 0:
            remaining[e.key()] -= 1
        else:
            left.append(EntryChange(e.list_name, e.title, e.line))
    return tuple(sorted(left, key=lambda c: (c.list_name, c.line, c.title)))


def diff(old: Snapshot, new: Snapshot, *, top_movers: int = TOP_MOVERS) -> RunDiff:
    """Compare two snapshots (old first). Pure; every list is sorted."""
    before = old.link_map()
    after = new.link_map()
    newly_dead: list[LinkChange] = []
    newly_suspect: list[LinkChange] = []
    recovered: list[LinkChange] = []
    redirects: list[LinkChange] = []
    status_changes: list[LinkChange] = []
    links_added: list[LinkChange] = []
    for url, rec in after.items():  # link_map keeps the snapshot's URL order
        prev = before.get(url)
        detail = _detail(rec.result.reason, rec.result.http_status)
        old_verdict = prev.effective.value if prev else None
        verdict = LinkChange(url, old_verdict, rec.effective.value, detail, rec.locations)
        was = prev.effective if prev else None
        if rec.effective is Effective.DEAD and was is not Effective.DEAD:
            newly_dead.append(verdict)
        if rec.effective is Effective.SUSPECT and (was is None or not was.is_problem):
            newly_suspect.append(verdict)
        if prev is None:
            links_added.append(
                LinkChange(url, None, rec.result.status.value, detail, rec.locations)
            )
            continue
        if prev.effective.is_problem and rec.effective in _HEALTHY:
            recovered.append(verdict)
        if rec.effective is Effective.REDIRECTED and (
            prev.effective is not Effective.REDIRECTED
            or prev.result.final_url != rec.result.final_url
        ):
            old_target = prev.result.final_url if prev.effective is Effective.REDIRECTED else None
            redirects.append(
                LinkChange(url, old_target, rec.result.final_url, detail, rec.locations)
            )
        if prev.result.status is not rec.result.status:
            status_changes.append(
                LinkChange(
                    url, prev.result.status.value, rec.result.status.value, detail, rec.locations
                )
            )
    links_removed = [
        LinkChange(url, prev.result.status.value, None, "", prev.locations)
        for url, prev in before.items()
        if url not in after
    ]

    old_repos, new_repos = old.repos(), new.repos()
    renames = [
        RepoRename(key, old_repos[key].full_name if key in old_repos else key, r.full_name, r.url)
        for key, r in sorted(new_repos.items())
        if r.renamed
        and (key not in old_repos or old_repos[key].full_name.lower() != r.full_name.lower())
    ]
    movers = [
        StarChange(key, old_repos[key].stars or 0, r.stars or 0)
        for key, r in new_repos.items()
        if key in old_repos
        and r.stars is not None
        and old_repos[key].stars is not None
        and r.stars != old_repos[key].stars
    ]
    movers.sort(key=lambda m: (-abs(m.delta), m.repo))
    totals = StarTotals(
        before=sum(r.stars or 0 for r in old_repos.values()),
        after=sum(r.stars or 0 for r in new_repos.values()),
        repos_before=len(old_repos),
        repos_after=len(new_repos),
    )
    archived = [
        RepoArchived(key, r.full_name, r.url)
        for key, r in sorted(new_repos.items())
        if r.archived and key in old_repos and not old_repos[key].archived
    ]
    old_order, new_order = sorted_findings(old.findings), sorted_findings(new.findings)
    old_papers, new_papers = old.papers(), new.papers()
    versions = [
        ArxivVersionChange(pid, p.title, old_papers[pid].latest_version, p.latest_version)
        for pid, p in sorted(new_papers.items())
        if pid in old_papers and p.latest_version > old_papers[pid].latest_version
    ]
    return RunDiff(
        old_generated_at=old.run.generated_at,
        new_generated_at=new.run.generated_at,
        newly_dead=tuple(newly_dead),
        newly_suspect=tuple(newly_suspect),
        recovered=tuple(recovered),
        redirects=tuple(redirects),
        renames=tuple(renames),
        status_changes=tuple(status_changes),
        entries_added=_entries_minus(new.entries, old.entries),
        entries_removed=_entries_minus(old.entries, new.entries),
        links_added=tuple(links_added),
        links_removed=tuple(links_removed),
        star_movers=tuple(movers[:top_movers]),
        star_totals=totals,
        arxiv_versions=tuple(versions),
        newly_archived=tuple(archived),
        findings_added=tuple(new_findings(new_order, old.findings)),
        findings_resolved=tuple(new_findings(old_order, new.findings)),
    )


# ---------------------------------------------------------------------------- exit code


def exit_code_for(diff: RunDiff | None, findings: Sequence[Finding], fail_on: str) -> int:
    """1 when the run should fail under `--fail-on`, else 0.

    - none: never fail on findings.
    - any: fail on any error finding.
    - new: fail on error findings that are new since the previous snapshot; without a
      previous snapshot (`diff` is None) every finding is new.
    Quarantine has already turned errors of suspect links into warnings, so a link that
    timed out once never fails the run.
    """
    if fail_on not in FAIL_ON:
        raise ValueError(f"--fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    if fail_on == "none":
        return 0
    candidates = findings if fail_on == "any" or diff is None else diff.findings_added
    return 1 if any(f.severity is Severity.ERROR for f in candidates) else 0


# ---------------------------------------------------------------------------- JSON form


def _change_json(c: LinkChange) -> dict[str, Any]:
    return {
        "url": c.url,
        "before": c.before,
        "after": c.after,
        "detail": c.detail,
        "locations": [to_json(loc) for loc in c.locations],
    }


def diff_to_json(d: RunDiff) -> dict[str, Any]:
    return {
        "old_generated_at": d.old_generated_at,
        "new_generated_at": d.new_generated_at,
        "newly_dead": [_change_json(c) for c in d.newly_dead],
        "newly_suspect": [_change_json(c) for c in d.newly_suspect],
        "recovered": [_change_json(c) for c in d.recovered],
        "redirects": [_change_json(c) for c in d.redirects],
        "renames": [
            {"repo": r.repo, "before": r.before, "after": r.after, "url": r.url} for r in d.renames
        ],
        "status_changes": [_change_json(c) for c in d.status_changes],
        "entries_added": [
            {"list": e.list_name, "title": e.title, "line": e.line} for e in d.entries_added
        ],
        "entries_removed": [
            {"list": e.list_name, "title": e.title, "line": e.line} for e in d.entries_removed
        ],
        "links_added": [_change_json(c) for c in d.links_added],
        "links_removed": [_change_json(c) for c in d.links_removed],
        "star_movers": [
            {"repo": m.repo, "before": m.before, "after": m.after, "delta": m.delta}
            for m in d.star_movers
        ],
        "star_totals": {
            "before": d.star_totals.before,
            "after": d.star_totals.after,
            "delta": d.star_totals.delta,
            "repos_before": d.star_totals.repos_before,
            "repos_after": d.star_totals.repos_after,
        },
        "arxiv_versions": [
            {"arxiv_id": v.arxiv_id, "title": v.title, "before": v.before, "after": v.after}
            for v in d.arxiv_versions
        ],
        "newly_archived": [
            {"repo": a.repo, "full_name": a.full_name, "url": a.url} for a in d.newly_archived
        ],
        "findings_added": [f.as_dict() for f in d.findings_added],
        "findings_resolved": [f.as_dict() for f in d.findings_resolved],
        "empty": d.is_empty,
    }


def dumps_diff(d: RunDiff) -> str:
    return json.dumps(diff_to_json(d), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
