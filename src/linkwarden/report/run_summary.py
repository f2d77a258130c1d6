"""The job summary of a full run: what a maintainer reads on the Actions run page.

`check` appends it to `$GITHUB_STEP_SUMMARY` after a full run (PR mode has its own). It
answers "what happened tonight" in a screenful: the health figure, the counts, then what is
newly dead, newly failing (in quarantine), recovered and renamed since the previous run,
each list cut at `ROWS` items with a pointer to DIFF.md. On a first run (no previous
state) it says so, because every problem is then "new".

Pure: from the snapshot and the diff to Markdown. Untrusted text (URLs, reasons, names)
goes through `report.escape`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from ..diff import LinkChange, RunDiff
from ..model import Severity
from ..state.snapshot import Snapshot
from .badge import health_percent
from .escape import md_code, md_link, md_text, shorten

ROWS = 15  # items listed per section; DIFF.md and the report hold the rest
T = TypeVar("T")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _link_line(change: LinkChange) -> str:
    where = ", ".join(f"{loc.path}:{loc.line}" for loc in change.locations[:2])
    more = len(change.locations) - 2
    if more > 0:
        where += f" (+{more})"
    detail = f" — {md_text(shorten(change.detail, 100))}" if change.detail else ""
    place = f" ({md_code(where)})" if where else ""
    return f"- {md_link(shorten(change.url, 90), change.url)}{detail}{place}"


def _section(title: str, items: Sequence[T], line: Callable[[T], str], out: list[str]) -> None:
    if not items:
        return
    out += ["", f"**{title} ({len(items)})**", ""]
    out += [line(item) for item in items[:ROWS]]
    if len(items) > ROWS:
        out.append(f"- … and {len(items) - ROWS} more (see DIFF.md)")


def render_run_summary(
    snapshot: Snapshot, changes: RunDiff | None, *, report_url: str | None = None
) -> str:
    """Markdown for `$GITHUB_STEP_SUMMARY` after a full run."""
    totals = snapshot.totals
    effective = totals.by_effective
    percent = health_percent(effective)
    health = "no links judged" if percent is None else f"{percent}% healthy"
    out = [
        f"### linkwarden: {_count(totals.urls, 'link', 'links')} in "
        f"{_count(totals.lists, 'list', 'lists')}, {health}",
        "",
        "| | count |",
        "| --- | ---: |",
        f"| dead (confirmed) | {effective.get('dead', 0)} |",
        f"| failing, in quarantine (not dead yet) | {effective.get('suspect', 0)} |",
        f"| behind a bot or login wall | "
        f"{effective.get('blocked', 0) + effective.get('restricted', 0)} |",
    ]
    findings = totals.findings
    out.append(
        f"| findings | {findings.get('error', 0)} error(s), {findings.get('warning', 0)} "
        f"warning(s), {findings.get('info', 0)} info |"
    )
    if changes is None:
        out += [
            "",
            "First run: there is no previous state to compare with, so everything counts "
            "as new. The next run lists what changed.",
        ]
    else:
        new_errors = sum(1 for f in changes.findings_added if f.severity is Severity.ERROR)
        out.append(f"| new errors since the previous run | {new_errors} |")
        if changes.is_empty:
            out += ["", f"Nothing changed since the run of {md_text(changes.old_generated_at)}."]
        _section("Newly dead", changes.newly_dead, _link_line, out)
        _section("Newly failing, in quarantine", changes.newly_suspect, _link_line, out)
        _section("Recovered", changes.recovered, _link_line, out)
        _section(
            "Repositories renamed or moved",
            changes.renames,
            lambda r: f"- {md_text(r.before)} → {md_link(r.after, r.url)}",
            out,
        )
    if report_url:
        out += ["", f"Full report: {md_link('report.html and DIFF.md in this run', report_url)}"]
    return "\n".join(out) + "\n"
