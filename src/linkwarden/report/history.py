"""Reading `reports/history.csv` (one row per run) for the trend chart.

The file is written by `state.py`; the report only reads it, and tolerantly: the time is
the column named `time` (or the first column), every other cell holding a whole number is
a count under its lower-cased column name. `status_column` and `severity_column` find a
series whatever prefix the writer chose (`dead`, `links_dead`, `status_dead`;
`findings_error`, `errors`). A row that cannot be read is left out rather than failing the
report: the chart is a picture, history.csv itself stays the record.
"""

from __future__ import annotations

import csv
import io

from .view import HistoryPoint

_TIME_COLUMNS = ("time", "generated_at", "run_at", "started_at", "timestamp", "date")


def parse_history(text: str) -> tuple[HistoryPoint, ...]:
    """The runs in history.csv text, oldest first (sorted by time)."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        return ()
    names = [h.strip().lower() for h in header]
    time_index = next((names.index(c) for c in _TIME_COLUMNS if c in names), 0)
    points: list[HistoryPoint] = []
    for row in reader:
        if len(row) <= time_index or not row[time_index].strip():
            continue
        counts: dict[str, int] = {}
        for i, cell in enumerate(row[: len(names)]):
            if i == time_index:
                continue
            try:
                counts[names[i]] = int(cell)
            except ValueError:
                continue
        points.append(HistoryPoint(time=row[time_index].strip(), counts=counts))
    points.sort(key=lambda p: p.time)
    return tuple(points)


def _first_present(points: tuple[HistoryPoint, ...], candidates: list[str]) -> str | None:
    present = {name for p in points for name in p.counts}
    return next((c for c in candidates if c in present), None)


def status_column(points: tuple[HistoryPoint, ...], status: str) -> str | None:
    """The column holding the count of links in `status`, if the history has one."""
    candidates = [f"links_{status}", f"status_{status}", f"link_{status}"]
    if status != "error":  # a bare "error" column is ambiguous with the severity
        candidates.append(status)
    return _first_present(points, candidates)


def severity_column(points: tuple[HistoryPoint, ...], severity: str) -> str | None:
    """The column holding the count of findings of `severity`, if the history has one."""
    candidates = [f"findings_{severity}", f"severity_{severity}", f"{severity}s"]
    if severity != "error":
        candidates.append(severity)
    return _first_present(points, candidates)
