"""The PR-mode step summary: the short Markdown a GitHub job page shows for a
`check --changed-since REF` run (appended to `$GITHUB_STEP_SUMMARY` by prmode).

A pure function of plain values; untrusted text goes through `escape.md_text`/`md_link`.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Finding
from .escape import md_code, md_link, md_text, shorten

SUMMARY_ROWS = 30  # findings listed in the step summary; the annotations carry the rest


def render_step_summary(
    ref: str,
    commit: str,
    *,
    lines_changed: int,
    files: int,
    checked: int,
    findings: Sequence[Finding],
    failing: Sequence[Finding],
    notes: Sequence[str],
    seconds: float,
) -> str:
    """`findings`: those on the changed lines; `failing`: the ones that fail the run."""
    out = [
        f"### linkwarden: links changed since {md_code(ref)} ({commit[:12]})",
        "",
        f"Checked {checked} link(s) on {lines_changed} changed line(s) in {files} list(s) "
        f"in {seconds:.1f} s; unchanged links were not re-checked.",
        "",
    ]
    if failing:
        out.append(f"**{len(failing)} problem(s) introduced by this change.**")
    elif findings:
        out.append("No new problems; findings that were already known are listed below.")
    else:
        out.append("No problems on the changed lines.")
    if findings:
        failing_set = set(failing)
        out += ["", "| where | rule | problem | fails |", "| --- | --- | --- | --- |"]
        for f in findings[:SUMMARY_ROWS]:
            problem = md_text(shorten(f.message, 120))
            if f.url:
                problem += " " + md_link(shorten(f.url, 80), f.url)
            fails = "yes" if f in failing_set else "no"
            out.append(
                f"| {md_code(f'{f.path}:{f.line}')} | {md_code(f.code)} {md_text(f.rule)} "
                f"| {problem} | {fails} |"
            )
        if len(findings) > SUMMARY_ROWS:
            out.append(f"\n… and {len(findings) - SUMMARY_ROWS} more (see the annotations).")
    if notes:
        out += [""] + [f"> Note: {md_text(n)}" for n in notes]
    return "\n".join(out) + "\n"
