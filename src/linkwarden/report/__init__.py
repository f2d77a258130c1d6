"""Reports for people and machines, one pure renderer per format.

    snapshot (+ diff, history.csv) ──build_report_data──► ReportData
        ├── markdown.render_markdown ──► REPORT.md
        ├── html.render_html          ──► report.html   (self-contained)
        ├── sarif.render_sarif        ──► report.sarif  (SARIF 2.1.0)
        └── annotations.render_annotations(findings) ──► GitHub workflow commands (stdout)

`write_reports` is what `check` calls: it renders the requested formats and streams each
into its file atomically (temporary file + rename, via `state.atomic_write_chunks`), so a
reader never sees half a report and a large report is never one string in memory.
`latest.json`, `history.csv` and `DIFF.md` belong to state/diff.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from ..diff import RunDiff
from ..state.atomic import atomic_write_chunks
from ..state.snapshot import Snapshot
from .annotations import render_annotations
from .build import build_report_data, default_rules, rule_infos
from .history import parse_history
from .html import iter_html, render_html
from .markdown import iter_markdown, render_markdown
from .sarif import iter_sarif, render_sarif
from .view import ReportData, RuleInfo

FILES: dict[str, str] = {
    "markdown": "REPORT.md",
    "html": "report.html",
    "sarif": "report.sarif",
}
FORMATS: tuple[str, ...] = tuple(FILES)

_RENDERERS = {
    "markdown": render_markdown,
    "html": render_html,
    "sarif": render_sarif,
}
# The same texts in pieces, for writing: identical bytes, never one whole string.
_STREAMERS: dict[str, Callable[[ReportData], Iterable[str]]] = {
    "markdown": iter_markdown,
    "html": iter_html,
    "sarif": iter_sarif,
}


def read_history(history_csv: Path | None) -> str:
    """history.csv's text, or '' when there is none yet."""
    if history_csv is None:
        return ""
    try:
        return history_csv.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def render_reports(data: ReportData, formats: Iterable[str] = FORMATS) -> dict[str, str]:
    """File name → text for each requested format (no I/O)."""
    chosen = list(formats)
    _check_formats(chosen)
    return {FILES[f]: _RENDERERS[f](data) for f in chosen}


def _check_formats(chosen: Sequence[str]) -> None:
    unknown = [f for f in chosen if f not in FILES]
    if unknown:
        raise ValueError(f"unknown report format(s): {', '.join(unknown)}")


def write_reports(
    out_dir: Path,
    snapshot: Snapshot,
    diff: RunDiff | None = None,
    history_csv: Path | None = None,
    formats: Sequence[str] = FORMATS,
    *,
    rules: Sequence[RuleInfo] | None = None,
    duration_seconds: float | None = None,
) -> list[Path]:
    """Render `formats` for `snapshot` into `out_dir`; return the paths written.

    `diff` is the run's `diff.RunDiff` (or None on a first run); `history_csv` the path of
    history.csv (it may not exist yet). `rules` defaults to the project's rules table.
    """
    data = build_report_data(
        snapshot,
        diff=diff,
        history=parse_history(read_history(history_csv)),
        rules=rules,
        duration_seconds=duration_seconds,
    )
    chosen = list(formats)
    _check_formats(chosen)
    written = []
    for fmt in chosen:
        # Streamed into the temporary file piece by piece: with 100,000 links report.html
        # is tens of MB, which is never built as one string.
        path = Path(out_dir) / FILES[fmt]
        atomic_write_chunks(path, _STREAMERS[fmt](data))
        written.append(path)
    return written


__all__ = [
    "FILES",
    "FORMATS",
    "ReportData",
    "RuleInfo",
    "build_report_data",
    "default_rules",
    "parse_history",
    "render_annotations",
    "render_html",
    "render_markdown",
    "render_reports",
    "render_sarif",
    "rule_infos",
    "write_reports",
]
