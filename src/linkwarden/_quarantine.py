"""Quarantine: a transient failure is not called dead until it persists.

Two pure functions, used by `state.build_snapshot`:

- `judge(result, consecutive_failures, quarantine_runs)` gives a URL's `Effective` verdict.
  Definitive evidence (404/410, a deleted repository or arXiv ID, anything
  `LinkResult.transient` says is not transient) is `dead` at once; a transient failure
  (timeout, 5xx, connection error, DNS hiccup) is `suspect` until it has failed in
  `quarantine_runs` consecutive runs.
- `apply_quarantine(findings, records)` downgrades the link-health findings (LW2xx) of
  suspect URLs from error to warning and says why, with the history. It never touches the
  observed status: quarantine decides severity, and with it whether the run fails.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from .model import Finding, LinkResult, Severity, Status
from .urls import normalize

if TYPE_CHECKING:
    from .state import LinkRecord

# Rule codes whose severity depends on quarantine: the link-health range.
HEALTH_PREFIX = "LW2"


class Effective(str, enum.Enum):
    """The verdict over time for one URL, after quarantine.

    `dead` is confirmed: definitive evidence, or a transient failure seen in
    `quarantine_runs` consecutive runs. `suspect` is a failure still in quarantine, reported
    as a warning with its history. The other values mirror the observed status.
    """

    OK = "ok"
    REDIRECTED = "redirected"
    DEAD = "dead"
    SUSPECT = "suspect"
    BLOCKED = "blocked"
    RESTRICTED = "restricted"
    SKIPPED = "skipped"

    def __str__(self) -> str:
        return self.value

    @property
    def is_problem(self) -> bool:
        return self in (Effective.DEAD, Effective.SUSPECT)


_MIRROR = {
    Status.OK: Effective.OK,
    Status.REDIRECTED: Effective.REDIRECTED,
    Status.BLOCKED: Effective.BLOCKED,
    Status.RESTRICTED: Effective.RESTRICTED,
    Status.SKIPPED: Effective.SKIPPED,
}


def judge(result: LinkResult, consecutive_failures: int, quarantine_runs: int) -> Effective:
    """The verdict for a URL whose latest result is `result`.

    `consecutive_failures` counts this run too (1 on the first failing run).
    """
    if not result.status.is_failure:
        return _MIRROR[result.status]
    if not result.transient:
        return Effective.DEAD
    return Effective.DEAD if consecutive_failures >= max(quarantine_runs, 1) else Effective.SUSPECT


def quarantine_note(record: LinkRecord, quarantine_runs: int) -> str:
    """Why a finding is only a warning, e.g. 'in quarantine: failed 1 of 2 runs ...'."""
    history = ", ".join(o.status.value for o in record.history)
    since = f" since {record.first_failed_at}" if record.first_failed_at else ""
    return (
        f"in quarantine: failed {record.consecutive_failures} of {quarantine_runs} consecutive "
        f"runs needed to call it dead{since} (recent: {history})"
    )


def apply_quarantine(
    findings: Iterable[Finding],
    records: Sequence[LinkRecord],
    quarantine_runs: int | None = None,
) -> list[Finding]:
    """Findings with LW2xx errors on suspect URLs downgraded to warnings, with the reason.

    `records` are the snapshot's link records (any order); `quarantine_runs` only feeds the
    message (default: the consecutive failures needed are one more than seen so far).
    """
    suspects = {r.url: r for r in records if r.effective is Effective.SUSPECT}
    adjusted: list[Finding] = []
    for finding in findings:
        record = suspects.get(normalize(finding.url)) if finding.url else None
        if (
            record is not None
            and finding.code.startswith(HEALTH_PREFIX)
            and finding.severity is Severity.ERROR
        ):
            needed = quarantine_runs or record.consecutive_failures + 1
            finding = replace(
                finding,
                severity=Severity.WARNING,
                message=f"{finding.message} — {quarantine_note(record, needed)}",
            )
        adjusted.append(finding)
    return adjusted
