"""`history.csv`: one row per run (time, sizes, counts per status, per verdict, per severity).

The report's charts read it; people open it in a spreadsheet. Rows are kept in the order
the runs happened; rows under an older header keep the columns they share with the
current one. The whole file is rewritten atomically for each row.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import StateError
from ..model import Effective, Severity, Status
from .atomic import commit, stage_chunks
from .snapshot import Snapshot


def history_columns() -> list[str]:
    """The header of reports/history.csv: time, sizes, counts per status, per severity."""
    return [
        "time",
        "tool_version",
        "lists",
        "entries",
        "links",
        "urls",
        *(f"links_{s.value}" for s in Status),
        *(f"effective_{e.value}" for e in (Effective.DEAD, Effective.SUSPECT)),
        *(f"findings_{s.value}" for s in Severity),
    ]


def history_row(snapshot: Snapshot) -> dict[str, str]:
    t = snapshot.totals
    row = {
        "time": snapshot.run.generated_at,
        "tool_version": snapshot.run.tool_version,
        "lists": str(t.lists),
        "entries": str(t.entries),
        "links": str(t.links),
        "urls": str(t.urls),
    }
    for s in Status:
        row[f"links_{s.value}"] = str(t.by_status.get(s.value, 0))
    for e in (Effective.DEAD, Effective.SUSPECT):
        row[f"effective_{e.value}"] = str(t.by_effective.get(e.value, 0))
    for sev in Severity:
        row[f"findings_{sev.value}"] = str(t.findings.get(sev.value, 0))
    return row


def append_history(path: Path | str, snapshot: Snapshot) -> None:
    """Add the run's row to history.csv (atomically: the whole file is rewritten)."""
    commit(stage_history(path, snapshot), path)


def stage_history(path: Path | str, snapshot: Snapshot) -> Path:
    """history.csv with the run's row added, written beside it but not yet in its place
    (`atomic.commit` puts it there): the row is committed only once the snapshot is.

    Rows are kept in the order the runs happened; rows under an older header keep the
    columns they share with the current one.
    """
    target = Path(path)
    columns = history_columns()
    rows: list[dict[str, str]] = []
    try:
        existing = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        existing = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise StateError(f"cannot read history: {exc}", path=str(target)) from None
    if existing.strip():
        reader = csv.DictReader(io.StringIO(existing))
        for old in reader:
            rows.append({c: (old.get(c) or "") for c in columns})
    rows.append(history_row(snapshot))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return stage_chunks(target, (buffer.getvalue(),))
