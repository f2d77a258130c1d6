"""The body of the one pull-request comment (`check --changed-since REF --comment`).

A hidden marker on the first line finds the comment again on the next push, so the pull
request keeps one comment, edited in place (prcomment.py holds that conversation). The body
lists the findings on the changed lines, says which ones this change introduced (the errors
among them fail the check under `--fail-on new`) and which were known before; when nothing
is left it turns into a short "resolved" note instead of disappearing, so the history of
the review still makes sense.

Pure: from the PR run's findings to Markdown; untrusted text through `report.escape`.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Finding
from .escape import md_code, md_link, md_text, shorten

MARKER = "<!-- linkwarden:pr-comment -->"
ROWS = 30  # findings listed; the annotations and the job summary carry the rest
BODY_LIMIT = 60_000  # GitHub refuses comments over 65,536 characters


def _row(finding: Finding, new: bool) -> str:
    problem = md_text(shorten(finding.message, 140))
    if finding.url:
        problem += " " + md_link(shorten(finding.url, 80), finding.url)
    verdict = "**new**" if new else "known"
    return (
        f"| {md_code(f'{finding.path}:{finding.line}')} | {md_code(finding.code)} "
        f"| {problem} | {verdict} |"
    )


def render_pr_comment(
    *,
    ref: str,
    commit: str,
    checked: int,
    rows: Sequence[tuple[Finding, bool]],
    notes: Sequence[str] = (),
    run_url: str | None = None,
) -> str:
    """The comment for this push: `rows` are the findings on changed lines, each with
    whether the change introduced it (the committed snapshot did not have it)."""
    introduced = sum(1 for _, new in rows if new)
    at = f"{md_code(commit[:12])}" if commit else "this push"
    out = [MARKER]
    if not rows:
        out += [
            "### ✅ linkwarden: no link problems on the changed lines",
            "",
            f"Checked {checked} link(s) changed since {md_code(ref)} at {at}. "
            "Earlier problems reported here are resolved.",
        ]
    else:
        head = f"{introduced} new link problem(s)" if introduced else "no new link problems"
        icon = "❌" if introduced else "⚠️"
        out += [
            f"### {icon} linkwarden: {head} on the changed lines",
            "",
            f"Checked {checked} link(s) changed since {md_code(ref)} at {at}. "
            "**new**: this pull request brings it (errors fail the check with "
            "`fail-on: new`); known: the nightly run already had it.",
            "",
            "| where | rule | problem | |",
            "| --- | --- | --- | --- |",
        ]
        out += [_row(f, new) for f, new in rows[:ROWS]]
        if len(rows) > ROWS:
            out.append(f"\n… and {len(rows) - ROWS} more (see the annotations).")
    if notes:
        out += [""] + [f"> Note: {md_text(n)}" for n in notes]
    if run_url:
        out += ["", f"<sub>{md_link('The run', run_url)} · updated on every push</sub>"]
    body = "\n".join(out) + "\n"
    return body if len(body) <= BODY_LIMIT else body[: BODY_LIMIT - 40] + "\n\n… cut to fit.\n"
