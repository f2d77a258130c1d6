"""`REPORT.md`: the run for people reading it on GitHub.

A pure function of `ReportData`. Every untrusted string goes through `escape.md_text` (or
`md_link` for URLs), so a title cannot mention anyone, open a link or break a table; see
the escape module for the exact rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from ..model import Location, Severity, Status
from .escape import md_code, md_link, md_text, shorten
from .format import (
    STATUS_MARKS,
    human_duration,
    human_time,
    percent,
    text_bar,
    thousands,
)
from .view import FindingRow, LinkRow, PaperRow, RepoRow, ReportData

SEVERITY_TITLES = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings", Severity.INFO: "Info"}
# Sections longer than this are folded into <details> so the page stays scannable.
FOLD_AFTER = 25


def _table(header: Sequence[str], align: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines.extend("| " + " | ".join(cell or " " for cell in row) + " |" for row in rows)
    return lines


def _fold(summary: str, body: list[str], *, fold: bool) -> list[str]:
    if not fold:
        return body
    return ["<details>", f"<summary>{summary}</summary>", "", *body, "", "</details>"]


def _where(loc: Location) -> str:
    """`path:line`, linked to the upstream line when the list's upstream is known."""
    return md_link(loc.label, loc.href)


def _url_cell(url: str | None) -> str:
    return md_link(shorten(url, 70), url) if url else ""


def _summary(data: ReportData) -> list[str]:
    totals = data.status_totals
    urls = len(data.links)
    out = [
        "## Summary",
        "",
        f"{len(data.lists)} lists · {thousands(urls)} unique URLs in "
        f"{thousands(data.occurrences)} links · {thousands(len(data.findings))} findings",
        "",
    ]
    out += _table(
        ["status", "URLs", "share"],
        ["---", "---:", "---:"],
        (
            [f"{STATUS_MARKS[s]} {s.value}", thousands(n), percent(n, urls)]
            for s, n in totals.items()
        ),
    )
    out.append("")
    out += _table(
        ["severity", "findings"],
        ["---", "---:"],
        ([s.value, thousands(n)] for s, n in data.severity_totals.items()),
    )
    if data.notes:
        out += ["", *(f"> {md_text(note, line_start=True)}" for note in data.notes)]
    return out


def _changes(data: ReportData) -> list[str]:
    if not data.changes:
        return []
    out = ["## Since the previous run", ""]
    out += [f"- {md_text(c.label)}: {c.shown}" for c in data.changes]
    return [*out, "", "Details in [DIFF.md](DIFF.md)."]


def _lists(data: ReportData) -> list[str]:
    statuses = [s for s in Status if any(lh.by_status.get(s) for lh in data.lists)]
    header = ["list", "entries", "links", "health", *(s.value for s in statuses), "findings"]
    align = ["---", "---:", "---:", "---", *("---:" for _ in statuses), "---:"]
    rows = []
    for lh in data.lists:
        pct = lh.health_percent
        health = f"`{text_bar(None if pct is None else pct / 100)}` " + (
            f"{pct:.0f}%" if pct is not None else "–"
        )
        name = md_link(lh.name, lh.href)
        errors, warnings, infos = (lh.findings.get(s, 0) for s in Severity)
        rows.append(
            [
                name,
                thousands(lh.entries),
                thousands(lh.links),
                health,
                *(thousands(lh.by_status.get(s, 0)) for s in statuses),
                f"{errors} / {warnings} / {infos}",
            ]
        )
    out = ["## Lists", ""]
    out += _table(header, align, rows)
    return [
        *out,
        "",
        "Health is healthy links (ok or redirected) out of links that could be judged; "
        "blocked, restricted and skipped links are left out. Findings are errors / warnings / "
        "info.",
    ]


def _finding_cells(f: FindingRow) -> list[str]:
    message = md_text(f.message)
    if f.suggestion:
        message += " → " + (_url_cell(f.suggestion) or md_text(f.suggestion))
    return [
        _where(f.location),
        f"`{f.code}` {md_text(f.rule)}",
        message,
        md_text(shorten(f.entry or "", 60)),
        _url_cell(f.url),
    ]


def _findings(data: ReportData) -> Iterator[str]:
    """The findings section line by line: with 100,000 findings its table is the bulk of
    the report, so it is made as it is written, never held whole."""
    yield from ("## Findings", "")
    if not data.findings:
        yield "No findings."
        return
    first = True
    for severity in Severity:
        rows = data.findings_of(severity)
        if not rows:
            continue
        if not first:
            yield ""  # a blank line between two severities' tables
        first = False
        title = f"{SEVERITY_TITLES[severity]} ({len(rows)})"
        yield from (f"### {title}", "")
        fold = severity is Severity.INFO or len(rows) > FOLD_AFTER
        if fold:
            yield from ("<details>", f"<summary>{title}</summary>", "")
        yield "| " + " | ".join(("where", "rule", "message", "entry", "URL")) + " |"
        yield "| " + " | ".join(("---",) * 5) + " |"
        for f in rows:
            yield "| " + " | ".join(cell or " " for cell in _finding_cells(f)) + " |"
        if fold:
            yield from ("", "</details>")


def _quarantine(data: ReportData) -> list[str]:
    rows: Sequence[LinkRow] = data.quarantined
    if not rows:
        return []
    out = [
        "## In quarantine",
        "",
        "These links failed in a way that may pass by itself (timeout, 5xx, connection "
        "error). They count as dead only after failing in consecutive runs.",
        "",
    ]
    out += _table(
        ["URL", "status", "failing since", "failures", "recent runs", "where"],
        ["---", "---", "---", "---:", "---", "---"],
        (
            [
                _url_cell(link.url),
                f"{STATUS_MARKS[link.status]} {link.status.value}",
                human_time(link.first_failed_at or ""),
                str(link.consecutive_failures),
                " → ".join(link.history),
                ", ".join(_where(loc) for loc in link.locations),
            ]
            for link in rows
        ),
    )
    return out


def _versions(p: PaperRow) -> str:
    if p.latest_version is None:
        return "–"
    latest = f"v{p.latest_version}"
    stale = [v for v in p.linked_versions if v < p.latest_version]
    if stale:
        return f"{', '.join(f'v{v}' for v in stale)} linked, {latest} out"
    return latest


def _papers(data: ReportData) -> list[str]:
    papers: Sequence[PaperRow] = data.papers
    if not papers:
        return []
    rows = []
    for p in papers:
        if p.missing:
            title = "**not found on arXiv**"
        else:
            title = md_text(shorten(p.title or "", 90))
            if p.withdrawn:
                title += " (**withdrawn**)"
        listed = md_text(shorten("; ".join(p.entries), 70))
        rows.append(
            [
                md_link(p.arxiv_id, p.url),
                title,
                _versions(p),
                p.published[:10],
                listed,
                ", ".join(md_text(n) for n in p.lists),
            ]
        )
    table = _table(
        ["arXiv", "title on arXiv", "version", "published", "title in the list", "lists"],
        ["---", "---", "---", "---", "---", "---"],
        rows,
    )
    summary = f"{len(papers)} papers"
    return ["## arXiv papers", "", *_fold(summary, table, fold=len(papers) > FOLD_AFTER)]


def _repo_name(r: RepoRow) -> str:
    if r.full_name is None:
        return md_link(r.requested, r.url) + " (**not found**)"
    name = md_link(r.full_name, r.url)
    if r.renamed:
        name += f" (linked as {md_text(r.requested)})"
    return name


def _repos(data: ReportData) -> list[str]:
    repos: Sequence[RepoRow] = data.repos
    if not repos:
        return []
    ranked = list(data.leaderboard) + [r for r in repos if r not in data.leaderboard]
    rows = [
        [
            str(i),
            _repo_name(r),
            thousands(r.stars),
            thousands(r.forks),
            "**archived**" if r.archived else ("no" if r.archived is False else "–"),
            (r.pushed_at or "")[:10],
            ", ".join(md_text(n) for n in r.lists),
        ]
        for i, r in enumerate(ranked, start=1)
    ]
    table = _table(
        ["#", "repository", "stars", "forks", "archived", "last push", "lists"],
        ["---:", "---", "---:", "---:", "---", "---", "---"],
        rows,
    )
    summary = f"{len(repos)} repositories, most stars first"
    return ["## GitHub repositories", "", *_fold(summary, table, fold=len(repos) > FOLD_AFTER)]


def _registries(data: ReportData) -> list[str]:
    rows = [
        [
            md_text(r.kind),
            md_code(r.key),
            r.verdict if r.verified else f"**{r.verdict}**",
            md_text(shorten(r.title or "", 90)),
            f"{r.status.value} ({_url_cell(r.url)})",
            ", ".join(md_text(n) for n in r.lists),
        ]
        for r in data.registries
    ]
    if not rows:
        return []
    table = _table(
        ["kind", "identifier", "registry", "title in the registry", "link (status observed)",
         "lists"],
        ["---", "---", "---", "---", "---", "---"],
        rows,
    )  # fmt: skip
    summary = f"{len(rows)} DOIs and OpenReview notes"
    return ["## Papers behind walls", "", *_fold(summary, table, fold=len(rows) > FOLD_AFTER)]


def render_markdown(data: ReportData) -> str:
    """REPORT.md as text (ends with one newline)."""
    return "".join(iter_markdown(data))


def iter_markdown(data: ReportData) -> Iterator[str]:
    """REPORT.md line by line (each with its newline), as `render_markdown` joins them."""
    header = [
        "# Link health report",
        "",
        f"Generated {human_time(data.generated_at)} by linkwarden {md_text(data.tool_version)}"
        + (
            f" · run took {human_duration(data.duration_seconds)}"
            if data.duration_seconds is not None
            else ""
        ),
        "",
    ]
    sections: list[Callable[[ReportData], Iterable[str]]] = [
        _summary,
        _changes,
        _lists,
        _findings,
        _quarantine,
        _papers,
        _registries,
        _repos,
    ]
    yield from (line + "\n" for line in header)
    for section in sections:
        lines = iter(section(data))
        first = next(lines, None)
        if first is None:  # an empty section is left out, blank line and all
            continue
        yield first + "\n"
        yield from (line + "\n" for line in lines)
        yield "\n"
    yield (
        "<sub>Text from the lists and from remote sites is escaped in this report "
        "(see docs/reports.md): it cannot mention anyone, add links or break tables.</sub>\n"
    )
