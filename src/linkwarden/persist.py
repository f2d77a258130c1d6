"""Saving a run: the snapshot, the diff against the previous one, history and reports.

`save_run` is what `check` calls once the results and findings are known. Files in the
report folder, each written atomically::

    DIFF.md, diff.json   when a previous snapshot exists (removed otherwise: they would
                         describe another pair of runs)
    REPORT.md, report.html, report.sarif   via linkwarden.report.write_reports
    badge.json           link health for a shields.io badge (report/badge.py)
    latest.json          after the reports, so a run that dies half-way leaves the previous
                         snapshot, and the next run diffs against it again
    history.csv          one row per run, put in place only after latest.json: a run killed
                         before its snapshot leaves no row (the reports' trend chart reads
                         the new history from its staged file)

The caller holds the folder's lock for the whole run (`state.lock.exclusive_out`: one
writer per `--out`, temporaries of a killed run swept first).

`previous_snapshot` and `reuse_for_max_age` serve `--max-age` before checking starts.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from .clock import utc_now
from .config import Settings
from .diff import RunDiff, diff, dumps_diff, exit_code_for
from .model import Enrichment, ExtractedList, Finding, LinkResult
from .report.diff_markdown import render_diff_markdown
from .state.atomic import atomic_write_text, commit, discard
from .state.codec import load_snapshot, write_snapshot
from .state.history import stage_history
from .state.policy import build_snapshot, reusable_results
from .state.snapshot import Snapshot

LATEST = "latest.json"
DIFF_MD = "DIFF.md"
DIFF_JSON = "diff.json"
HISTORY = "history.csv"
BADGE = "badge.json"


@dataclass(frozen=True)
class SavedRun:
    """What `save_run` produced."""

    snapshot: Snapshot
    previous: Snapshot | None
    diff: RunDiff | None  # None on a first run
    written: tuple[Path, ...]

    @property
    def path(self) -> Path:
        """Where the snapshot was written (OUT/latest.json)."""
        return next(p for p in self.written if p.name == LATEST)

    def exit_code(self, fail_on: str) -> int:
        """0 or 1 per `--fail-on` (see diff.exit_code_for)."""
        return exit_code_for(self.diff, self.snapshot.findings, fail_on)


def previous_snapshot(out_dir: Path) -> Snapshot | None:
    """The last run's snapshot in `out_dir`, None when there is none (StateError if corrupt)."""
    return load_snapshot(Path(out_dir) / LATEST)


def reuse_for_max_age(
    previous: Snapshot | None, max_age: timedelta | None, now: datetime
) -> dict[str, LinkResult]:
    """Healthy results younger than `max_age`, keyed by normalised URL ({} without one)."""
    if max_age is None:
        return {}
    return reusable_results(previous, max_age, now)


def save_run(
    out_dir: Path,
    lists: Sequence[ExtractedList],
    results: Mapping[str, LinkResult],
    findings: Sequence[Finding],
    settings: Settings,
    *,
    enrichment: Enrichment | None = None,
    previous: Snapshot | None = None,
    load_previous: bool = True,
    now: datetime | None = None,
    duration_seconds: float | None = None,
) -> SavedRun:
    """Build this run's snapshot (quarantine applied) and write every report file.

    `previous` defaults to `OUT/latest.json` (pass it when it was loaded already for
    `--max-age`, or `load_previous=False` to start a fresh history).
    """
    out = Path(out_dir)
    if previous is None and load_previous:
        previous = previous_snapshot(out)
    snapshot = build_snapshot(
        lists, results, enrichment, findings, previous, settings, now or utc_now()
    )
    written: list[Path] = []
    changes = diff(previous, snapshot) if previous is not None else None
    if changes is not None:
        atomic_write_text(out / DIFF_MD, render_diff_markdown(changes))
        atomic_write_text(out / DIFF_JSON, dumps_diff(changes))
        written += [out / DIFF_MD, out / DIFF_JSON]
    else:
        for stale in (DIFF_MD, DIFF_JSON):
            with contextlib.suppress(FileNotFoundError):
                (out / stale).unlink()
    staged_history = stage_history(out / HISTORY, snapshot)
    try:
        written += _write_reports(out, snapshot, changes, duration_seconds, staged_history)
        write_snapshot(out / LATEST, snapshot)
    except BaseException:
        discard(staged_history)
        raise
    written.append(out / LATEST)
    commit(staged_history, out / HISTORY)
    written.append(out / HISTORY)
    return SavedRun(snapshot, previous, changes, tuple(written))


def _write_reports(
    out: Path,
    snapshot: Snapshot,
    changes: RunDiff | None,
    duration_seconds: float | None,
    history_csv: Path,
) -> list[Path]:
    """The people's and machines' reports, when the report package is installed."""
    try:
        from .report import write_reports
        from .report.badge import badge_json
    except ImportError:  # pragma: no cover - only before linkwarden.report lands
        return []
    written = write_reports(
        out, snapshot, changes, history_csv=history_csv, duration_seconds=duration_seconds
    )
    atomic_write_text(out / BADGE, badge_json(snapshot.totals.by_effective))
    return [*written, out / BADGE]
