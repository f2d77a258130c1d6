"""`DIFF.md`: what changed since the previous run, for people. A pure function of `RunDiff`.

DIFF.md is also folded into the GitHub tracking issue (`report.issue.fold_diff`), so it is
written to be safe there: every untrusted string (titles, URLs, messages, reasons) goes
through `escape.md_text` or `escape.md_link`, the same escaper REPORT.md and the issue body
use, so nobody is mentioned, no `#123` becomes an issue reference and no cell is split.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..diff import LinkChange, RunDiff
from ..model import Finding, Location
from .escape import md_link, md_text

WHERE_LIMIT = 3  # locations listed per URL; the rest are counted


def _url(url: str | None) -> str:
    """A URL shown in full; a link only when it is http(s)."""
    return md_link(url, url) if url else "—"


def _where(locations: Sequence[Location]) -> str:
    shown = [f"{md_text(loc.path)}:{loc.line}" for loc in locations[:WHERE_LIMIT]]
    more = len(locations) - WHERE_LIMIT
    return ", ".join(shown) + (f" (+{more} more)" if more > 0 else "")


def _link_table(
    changes: Sequence[LinkChange], before: str, after: str, *, targets: bool = False
) -> list[str]:
    """One row per URL. `targets`: before/after are URLs (redirect targets), not verdicts."""

    def cell(value: str | None) -> str:
        if targets:
            return _url(value)
        return md_text(value or "—")

    lines = [f"| URL | {before} | {after} | detail | where |", "| --- | --- | --- | --- | --- |"]
    for c in changes:
        lines.append(
            f"| {_url(c.url)} | {cell(c.before)} | {cell(c.after)} "
            f"| {md_text(c.detail)} | {_where(c.locations)} |"
        )
    return lines


def _finding_lines(findings: Sequence[Finding]) -> list[str]:
    return [
        f"- **{f.severity.value}** {md_text(f.code)} {md_text(f.rule)} — "
        f"{md_text(f.path)}:{f.line}: {md_text(f.message)}"
        for f in findings
    ]


def _counts(d: RunDiff) -> list[str]:
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
    out = ["| change | count |", "| --- | ---: |"]
    out += [f"| {name} | {count} |" for name, count in summary]
    t = d.star_totals
    stars = f"Stars: {t.before} → {t.after} ({t.delta:+d}) over {t.repos_after} repositories."
    return [*out, "", stars, ""]


def _sections(d: RunDiff) -> list[tuple[str, list[str]]]:
    """(heading, body) of every non-empty section, in reading order."""
    sections: list[tuple[str, Sequence[object], Callable[[], list[str]]]] = [
        ("Newly dead", d.newly_dead, lambda: _link_table(d.newly_dead, "was", "now")),
        (
            "Newly failing (in quarantine, not yet dead)",
            d.newly_suspect,
            lambda: _link_table(d.newly_suspect, "was", "now"),
        ),
        ("Recovered", d.recovered, lambda: _link_table(d.recovered, "was", "now")),
        (
            "New redirects",
            d.redirects,
            lambda: _link_table(
                d.redirects, "redirected to (before)", "redirects to", targets=True
            ),
        ),
        (
            "Repositories renamed or moved",
            d.renames,
            lambda: [
                f"- {md_text(r.before)} → {md_text(r.after)} ({_url(r.url)})" for r in d.renames
            ],
        ),
        (
            "Status changes",
            d.status_changes,
            lambda: _link_table(d.status_changes, "before", "after"),
        ),
        (
            "Entries added",
            d.entries_added,
            lambda: [
                f"- {md_text(e.list_name)}:{e.line} {md_text(e.title)}" for e in d.entries_added
            ],
        ),
        (
            "Entries removed",
            d.entries_removed,
            lambda: [f"- {md_text(e.list_name)} {md_text(e.title)}" for e in d.entries_removed],
        ),
        ("Links added", d.links_added, lambda: _link_table(d.links_added, "—", "status")),
        ("Links removed", d.links_removed, lambda: _link_table(d.links_removed, "status", "—")),
        ("Star movers", d.star_movers, lambda: _star_movers(d)),
        (
            "New arXiv versions",
            d.arxiv_versions,
            lambda: [
                f"- {md_text(v.arxiv_id)} v{v.before} → v{v.after}: {md_text(v.title)}"
                for v in d.arxiv_versions
            ],
        ),
        (
            "Repositories newly archived",
            d.newly_archived,
            lambda: [f"- {md_text(a.full_name)} ({_url(a.url)})" for a in d.newly_archived],
        ),
        ("Findings added", d.findings_added, lambda: _finding_lines(d.findings_added)),
        ("Findings resolved", d.findings_resolved, lambda: _finding_lines(d.findings_resolved)),
    ]
    return [(title, render()) for title, items, render in sections if items]


def _star_movers(d: RunDiff) -> list[str]:
    return [
        "| repository | before | after | change |",
        "| --- | ---: | ---: | ---: |",
        *(f"| {md_text(m.repo)} | {m.before} | {m.after} | {m.delta:+d} |" for m in d.star_movers),
    ]


def render_diff_markdown(d: RunDiff) -> str:
    """`reports/DIFF.md`: the changes since the previous run."""
    out = [
        "# What changed",
        "",
        f"From the run of {md_text(d.old_generated_at)} to the run of "
        f"{md_text(d.new_generated_at)}.",
        "",
    ]
    if d.is_empty:
        out += ["No changes.", ""]
    out += _counts(d)
    for title, body in _sections(d):
        out += [f"## {title}", "", *body, ""]
    return "\n".join(out).rstrip("\n") + "\n"
