"""`linkwarden lint [PATHS]`: the offline rules over lists, no network.

Text output is one line per finding, ``path:line: CODE [severity] message`` with
`` -> suggestion`` appended when there is one, in a stable order (path, line, code). A
summary goes to stderr. ``--format json`` prints ``{"version", "summary", "findings"}``
with a fixed key set per finding (see `rules.finding_as_dict`).

Exit codes: 1 when a finding of error severity (after config overrides) fires, else 0;
2 for input or config errors (one message naming file and line, no traceback).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from ..config import Settings
from ..errors import LinkwardenError
from ..model import ExtractedList, Finding, Severity
from ..rules import evaluate, finding_as_dict, validate_overrides
from ..terminal import json_printable, printable
from ._inputs import local_targets, selected_lists, settings_for

EXIT_OK = 0
EXIT_ERRORS = 1
JSON_VERSION = 1


def format_text(finding: Finding) -> str:
    """One line per finding; control characters in the path, message or suggestion are
    shown as escapes (`terminal.printable`), so no file name or title can start a line
    of its own (a `::error` command in a CI log) or drive the terminal."""
    line = f"{finding.path}:{finding.line}: {finding.code} [{finding.severity}] {finding.message}"
    return printable(f"{line} -> {finding.suggestion}" if finding.suggestion else line)


def summarize(lists: Sequence[ExtractedList], findings: Sequence[Finding]) -> dict[str, int]:
    by_severity = Counter(f.severity.value for f in findings)
    return {
        "lists": len(lists),
        "entries": sum(len(x.entries) for x in lists),
        "links": sum(len(x.links) for x in lists),
        "skipped_links": sum(len(x.skipped) for x in lists),
        "findings": len(findings),
        "error": by_severity.get("error", 0),
        "warning": by_severity.get("warning", 0),
        "info": by_severity.get("info", 0),
    }


def summary_line(summary: dict[str, int]) -> str:
    return (
        f"linkwarden lint: {summary['lists']} list(s), {summary['entries']} entries, "
        f"{summary['links']} links ({summary['skipped_links']} skipped): "
        f"{summary['findings']} finding(s): {summary['error']} error, "
        f"{summary['warning']} warning, {summary['info']} info"
    )


def rule_keys(values: Sequence[str] | None) -> list[str]:
    """`--select LW1,LW503 --select empty-link` -> ['LW1', 'LW503', 'empty-link']."""
    return [key.strip() for value in values or () for key in value.split(",") if key.strip()]


def lint_lists(
    lists: Sequence[ExtractedList],
    settings: Settings,
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    min_severity: Severity | None = None,
) -> list[Finding]:
    """The offline findings for already extracted lists, with the config's severities."""
    validate_overrides(settings.severity, settings.source)
    return evaluate(
        lists,
        severity=settings.severity,
        select=select,
        ignore=ignore,
        min_severity=min_severity,
        local=local_targets(lists),
    )


def run(
    args: argparse.Namespace, out: TextIO, err: TextIO, settings: Settings | None = None
) -> int:
    try:
        settings = settings if settings is not None else settings_for(args)
        lists = selected_lists(args)
        minimum = getattr(args, "min_severity", None)
        findings = lint_lists(
            lists,
            settings,
            select=rule_keys(getattr(args, "select", None)),
            ignore=rule_keys(getattr(args, "ignore", None)),
            min_severity=Severity(minimum) if minimum else None,
        )
    except LinkwardenError as exc:
        print(f"linkwarden: error: {exc.describe()}", file=err)
        return exc.exit_code

    summary = summarize(lists, findings)
    if getattr(args, "format", "text") == "json":
        doc = {
            "version": JSON_VERSION,
            "summary": summary,
            "findings": [finding_as_dict(f) for f in findings],
        }
        out.write(json_printable(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n")
    else:
        for finding in findings:
            out.write(format_text(finding) + "\n")
    print(summary_line(summary), file=err)
    return EXIT_ERRORS if any(f.severity is Severity.ERROR for f in findings) else EXIT_OK
