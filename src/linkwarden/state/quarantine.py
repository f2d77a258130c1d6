"""Quarantine: a transient failure is not called dead until it persists.

Pure functions, used by `policy.build_snapshot`:

- `judge(result, consecutive_failures, quarantine_runs)` gives a URL's `Effective` verdict.
  Definitive evidence (404/410, a deleted repository or arXiv ID, anything
  `LinkResult.transient` says is not transient) is `dead` at once; a transient failure
  (timeout, 5xx, connection error, DNS hiccup) is `suspect` until it has failed in
  `quarantine_runs` consecutive runs.
- `apply_quarantine(findings, records)` sets the severity of link-health findings (LW2xx)
  about failures: an error on a suspect URL becomes a warning (with the history), a
  warning on a transient failure confirmed dead becomes an error. It never touches the
  observed status: quarantine decides severity, and with it whether the run fails.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from ..model import Effective, Finding, LinkResult, Severity, Status
from ..urls import normalize
from .snapshot import LinkRecord

# Rule codes whose severity depends on quarantine: the link-health range.
HEALTH_PREFIX = "LW2"


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


def confirmed_note(record: LinkRecord) -> str:
    """Why a transient failure now counts: 'confirmed dead: failed 2 consecutive runs ...'."""
    since = f" since {record.first_failed_at}" if record.first_failed_at else ""
    return f"confirmed dead: failed {record.consecutive_failures} consecutive runs{since}"


def apply_quarantine(
    findings: Iterable[Finding],
    records: Sequence[LinkRecord],
    quarantine_runs: int | None = None,
) -> list[Finding]:
    """Link-health findings (LW2xx) about failures, with severity set by the verdict.

    - On a `suspect` URL an error becomes a warning, and the message says it is in
      quarantine, with the history.
    - On a transient failure confirmed `dead` (it failed `quarantine_runs` runs in a row) a
      warning (a timeout, a 5xx) becomes an error, and the message says since when. A
      severity the configuration lowered to info stays info.
    Other findings pass unchanged. `records` are the snapshot's link records (any order);
    `quarantine_runs` only feeds the message.
    """
    by_url = {r.url: r for r in records if r.result.status.is_failure}
    adjusted: list[Finding] = []
    for finding in findings:
        record = by_url.get(normalize(finding.url)) if finding.url else None
        if record is not None and finding.code.startswith(HEALTH_PREFIX):
            if record.effective is Effective.SUSPECT:
                needed = quarantine_runs or record.consecutive_failures + 1
                finding = replace(
                    finding,
                    severity=Severity.INFO
                    if finding.severity is Severity.INFO
                    else Severity.WARNING,
                    message=f"{finding.message} — {quarantine_note(record, needed)}",
                )
            elif record.effective is Effective.DEAD and record.transient:
                finding = replace(
                    finding,
                    severity=Severity.ERROR
                    if finding.severity is Severity.WARNING
                    else finding.severity,
                    message=f"{finding.message} — {confirmed_note(record)}",
                )
        adjusted.append(finding)
    return adjusted
