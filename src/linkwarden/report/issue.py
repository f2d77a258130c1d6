"""The tracking issue's text: its title, body and comments, and DIFF.md folded into it.

Pure functions; `tracking.py` chooses the problems and talks to GitHub. Messages, URLs and
list names come from the lists or from remote servers: untrusted, so they go through
`escape.md_text`/`md_link` like every other Markdown output (no @mentions, no `#123`
references, no injected links or HTML).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Finding, Severity
from .escape import md_code, md_link, md_text, shorten

COMMENT_ROWS = 20  # problems listed in a "new problems" comment


@dataclass(frozen=True)
class Problem:
    """One line of the issue: a finding, its stable key and where to see its line."""

    finding: Finding
    key: str  # findings.occurrence_key: the same problem has the same key every night
    link: str | None = None  # a URL showing the line (GitHub blob URL) when known


def problem_line(problem: Problem) -> str:
    """One problem as a Markdown line (without the list marker)."""
    f = problem.finding
    where = f"{f.path}:{f.line}"
    place = md_link(where, problem.link) if problem.link else md_code(where)
    url = f" {md_link(shorten(f.url, 100), f.url)}" if f.url else ""
    return f"{place} {md_code(f.code)} {md_text(shorten(f.message, 200))}{url}"


def issue_title(problems: Sequence[Problem]) -> str:
    if not problems:
        return "Link check: all clear"
    noun = "problem" if len(problems) == 1 else "problems"
    return f"Link check: {len(problems)} {noun} in the lists"


def render_issue_body(
    problems: Sequence[Problem],
    *,
    min_severity: Severity,
    generated_at: str = "",
    extra_sections: Sequence[str] = (),
    notes: Sequence[str] = (),
    report_url: str | None = None,
) -> str:
    """The body, grouped by list (without the hidden marker: tracking appends it).

    `extra_sections` are ready Markdown blocks (e.g. `fold_diff` of DIFF.md).
    """
    out = [
        "This issue is kept up to date by `linkwarden gh-issue` after each nightly run: one "
        "issue, edited in place, closed when the lists are clean.",
        "",
    ]
    if generated_at:
        out.append(f"Latest run: {generated_at}. Problems counted: {min_severity} and worse.")
        out.append("")
    if report_url:
        out += [f"Full report: {md_link('the run', report_url)}", ""]
    if problems:
        by_list: dict[str, list[Problem]] = {}
        for p in problems:
            by_list.setdefault(p.finding.list_name, []).append(p)
        out.append(f"## {len(problems)} problem(s)")
        for name in sorted(by_list):
            out += ["", f"### {md_text(name)} ({len(by_list[name])})", ""]
            out += [f"- [ ] {problem_line(p)}" for p in by_list[name]]
    else:
        out.append("No problems: all clear.")
    for section in extra_sections:
        if section.strip():
            out += ["", section.strip()]
    if notes:
        out += ["", "<details><summary>Notes</summary>", ""]
        out += [f"- {md_text(n)}" for n in notes]
        out += ["", "</details>"]
    return "\n".join(out)


def problems_comment(headline: str, fresh: Sequence[Problem]) -> str:
    """The comment that notifies watchers of problems the issue did not list before."""
    lines = [f"**{headline}:** {len(fresh)} problem(s) not listed before; the body is updated."]
    lines += [f"- {problem_line(p)}" for p in fresh[:COMMENT_ROWS]]
    if len(fresh) > COMMENT_ROWS:
        lines.append(f"- … and {len(fresh) - COMMENT_ROWS} more")
    return "\n".join(lines)


ALL_CLEAR_COMMENT = (
    "All clear: the latest run found no problems, so this issue is closed. "
    "It reopens by itself if problems return."
)


def fold_diff(diff_markdown: str) -> str:
    """DIFF.md as a folded section of the issue body, its headings demoted below the
    issue's own. DIFF.md is rendered with the same escaper, so it is safe here as it is."""
    text = diff_markdown.strip()
    if not text:
        return ""
    return (
        "<details><summary>What changed since the previous run</summary>\n\n"
        + text.replace("\n# ", "\n### ").removeprefix("# What changed")
        + "\n\n</details>"
    )
