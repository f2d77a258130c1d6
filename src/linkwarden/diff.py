"""What changed between two runs: `diff(old, new) -> RunDiff`, its JSON and `DIFF.md`.

A nightly job is judged by what changed since last night. `RunDiff` lists, each sorted:
links newly dead (confirmed) or newly in quarantine, recovered links, new permanent
redirects and repository renames, observed status changes, entries and links added or
removed, star movers and totals, new arXiv versions, repositories newly archived, and the
findings added and resolved.

`exit_code_for(diff, findings, fail_on)` turns that into the exit code for `--fail-on`:
`new` fails only on error findings that are new since the previous snapshot (the nightly
setting), `any` on every error finding, `none` never.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .model import Effective, Finding, Location, Severity
from .state.codec import to_json
from .state.policy import finding_order
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


def finding_key(f: Finding) -> tuple[str, str, str, str, str, str]:
    """Identity of a finding across runs: lines move and messages carry history, so neither
    is part of it. A finding whose severity changed counts as resolved plus added."""
    return (f.code, f.list_name, f.path, f.url or "", f.entry or "", f.severity.value)


def _multiset_minus(items: Iterable[Finding], other: Iterable[Finding]) -> list[Finding]:
    remaining = Counter(finding_key(f) for f in other)
    left: list[Finding] = []
    for f in items:
        key = finding_key(f)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            left.append(f)
    return sorted(left, key=finding_order)


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
        findings_added=tuple(_multiset_minus(new.findings, old.findings)),
        findings_resolved=tuple(_multiset_minus(old.findings, new.findings)),
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


# ------------------------------------------------------------------------------ Markdown


_MD_SPECIAL = str.maketrans(
    {c: "\\" + c for c in "\\`*_[]<>|~"} | {"@": "@\u200b", "\n": " ", "\r": " "}
)


def md_text(text: str) -> str:
    """Untrusted text made inert in Markdown: no markup, no table break, no @mention.

    Only characters that can start markup mid-line are escaped (the callers never put
    untrusted text at the start of a line, where `#`, `-` or `1.` would matter)."""
    return text.translate(_MD_SPECIAL)


def md_url(url: str) -> str:
    """A URL as an autolink that cannot break out of the angle brackets or a table."""
    safe = url.replace("<", "%3C").replace(">", "%3E").replace("|", "%7C").replace(" ", "%20")
    return f"<{safe}>"


def _where(locations: Sequence[Location], limit: int = 3) -> str:
    shown = [f"{md_text(loc.path)}:{loc.line}" for loc in locations[:limit]]
    more = len(locations) - limit
    return ", ".join(shown) + (f" (+{more} more)" if more > 0 else "")


def _link_table(changes: Sequence[LinkChange], before: str, after: str) -> list[str]:
    lines = [f"| URL | {before} | {after} | detail | where |", "| --- | --- | --- | --- | --- |"]
    for c in changes:
        lines.append(
            f"| {md_url(c.url)} | {md_text(c.before or '—')} | {md_text(c.after or '—')} "
            f"| {md_text(c.detail)} | {_where(c.locations)} |"
        )
    return lines


def _finding_lines(findings: Sequence[Finding]) -> list[str]:
    return [
        f"- **{f.severity.value}** {md_text(f.code)} {md_text(f.rule)} — "
        f"{md_text(f.path)}:{f.line}: {md_text(f.message)}"
        for f in findings
    ]


def render_diff_markdown(d: RunDiff) -> str:
    """`reports/DIFF.md`: the changes since the previous run, for people."""
    out = [
        "# What changed",
        "",
        f"From the run of {md_text(d.old_generated_at)} to the run of "
        f"{md_text(d.new_generated_at)}.",
        "",
    ]
    if d.is_empty:
        out += ["No changes.", ""]
    summary = [
        ("newly dead", len(d.newly_dead)),
        ("newly failing, in quarantine", len(d.newly_suspect)),
        ("recovered", len(d.recovered)),
        ("new redirects", len(d.redirects)),
        ("repositories renamed", len(d.renames)),
        ("entries added", len(d.entries_added)),
        ("entries removed", len(d.entries_removed)),
        ("links added", len(d.links_added)),
        ("links removed", len(d.links_removed)),
        ("new arXiv versions", len(d.arxiv_versions)),
        ("repositories newly archived", len(d.newly_archived)),
        ("findings added", len(d.findings_added)),
        ("findings resolved", len(d.findings_resolved)),
    ]
    out += ["| change | count |", "| --- | ---: |"]
    out += [f"| {name} | {count} |" for name, count in summary]
    t = d.star_totals
    stars = f"Stars: {t.before} → {t.after} ({t.delta:+d}) over {t.repos_after} repositories."
    out += ["", stars, ""]

    def section(title: str, body: list[str]) -> None:
        out.extend([f"## {title}", "", *body, ""])

    if d.newly_dead:
        section("Newly dead", _link_table(d.newly_dead, "was", "now"))
    if d.newly_suspect:
        section(
            "Newly failing (in quarantine, not yet dead)",
            _link_table(d.newly_suspect, "was", "now"),
        )
    if d.recovered:
        section("Recovered", _link_table(d.recovered, "was", "now"))
    if d.redirects:
        section("New redirects", _link_table(d.redirects, "redirected to (before)", "redirects to"))
    if d.renames:
        section(
            "Repositories renamed or moved",
            [f"- {md_text(r.before)} → {md_text(r.after)} ({md_url(r.url)})" for r in d.renames],
        )
    if d.status_changes:
        section("Status changes", _link_table(d.status_changes, "before", "after"))
    if d.entries_added:
        section(
            "Entries added",
            [f"- {md_text(e.list_name)}:{e.line} {md_text(e.title)}" for e in d.entries_added],
        )
    if d.entries_removed:
        section(
            "Entries removed",
            [f"- {md_text(e.list_name)} {md_text(e.title)}" for e in d.entries_removed],
        )
    if d.links_added:
        section("Links added", _link_table(d.links_added, "—", "status"))
    if d.links_removed:
        section("Links removed", _link_table(d.links_removed, "status", "—"))
    if d.star_movers:
        section(
            "Star movers",
            ["| repository | before | after | change |", "| --- | ---: | ---: | ---: |"]
            + [
                f"| {md_text(m.repo)} | {m.before} | {m.after} | {m.delta:+d} |"
                for m in d.star_movers
            ],
        )
    if d.arxiv_versions:
        section(
            "New arXiv versions",
            [
                f"- {md_text(v.arxiv_id)} v{v.before} → v{v.after}: {md_text(v.title)}"
                for v in d.arxiv_versions
            ],
        )
    if d.newly_archived:
        section(
            "Repositories newly archived",
            [f"- {md_text(a.full_name)} ({md_url(a.url)})" for a in d.newly_archived],
        )
    if d.findings_added:
        section("Findings added", _finding_lines(d.findings_added))
    if d.findings_resolved:
        section("Findings resolved", _finding_lines(d.findings_resolved))
    return "\n".join(out).rstrip("\n") + "\n"
