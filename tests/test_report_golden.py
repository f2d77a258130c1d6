"""Golden-output tests: each renderer's output for the sample snapshot, byte for byte.

REPORT.md, report.html, report.sarif and the annotations, and the other Markdown outputs
rendered in `report/`: DIFF.md, the tracking issue and the PR step summary.

To accept a deliberate change, regenerate the golden files and review the git diff:

    LINKWARDEN_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_report_golden.py

A regenerating run rewrites `tests/golden/report/*` and still passes; without the variable
any difference fails with a unified diff of the first lines that differ.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from linkwarden.model import Severity
from linkwarden.report import (
    ReportData,
    build_report_data,
    parse_history,
    render_annotations,
    render_html,
    render_markdown,
    render_sarif,
)
from linkwarden.report.diff_markdown import render_diff_markdown
from linkwarden.report.step_summary import render_step_summary
from linkwarden.tracking import build_summary, with_marker
from report_sample import FINDINGS, HISTORY_CSV, NOW, RULES, sample_diff, sample_snapshot

GOLDEN = Path(__file__).parent / "golden" / "report"
REGEN = os.environ.get("LINKWARDEN_REGEN_GOLDEN") == "1"


def sample_data() -> ReportData:
    return build_report_data(
        sample_snapshot(),
        diff=sample_diff(),
        history=parse_history(HISTORY_CSV),
        rules=RULES,
        duration_seconds=83.4,
    )


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if REGEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
    assert path.exists(), f"{path} missing: run with LINKWARDEN_REGEN_GOLDEN=1 to create it"
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), "golden", "actual", lineterm="", n=2
        )
        pytest.fail(
            f"{name} differs from its golden file (LINKWARDEN_REGEN_GOLDEN=1 accepts it):\n"
            + "\n".join(list(diff)[:60])
        )


def test_markdown_matches_golden() -> None:
    check_golden("REPORT.md", render_markdown(sample_data()))


def test_html_matches_golden() -> None:
    check_golden("report.html", render_html(sample_data()))


def test_sarif_matches_golden() -> None:
    check_golden("report.sarif", render_sarif(sample_data()))


def test_annotations_match_golden() -> None:
    check_golden("annotations.txt", render_annotations(sample_snapshot().findings))


def test_first_run_without_history_or_diff_matches_golden() -> None:
    """A first run: no previous snapshot, no history yet: the placeholders show."""
    data = build_report_data(sample_snapshot(), rules=RULES)
    check_golden("REPORT-first-run.md", render_markdown(data))
    html = render_html(data)
    assert html.count("No runs recorded yet") == 2
    assert "Since the previous run" not in html


def test_rendering_is_deterministic() -> None:
    assert render_html(sample_data()) == render_html(sample_data())
    assert render_markdown(sample_data()) == render_markdown(sample_data())


def test_diff_markdown_matches_golden() -> None:
    from dataclasses import replace

    from linkwarden.diff import LinkChange, RepoArchived, RepoRename

    changes = replace(
        sample_diff(),
        redirects=(LinkChange("https://old.example/a", None, "https://new.example/a_#1"),),
        renames=(RepoRename("winfredy/sadtalker", "Winfredy/SadTalker", "OpenTalker/SadTalker",
                            "https://github.com/OpenTalker/SadTalker"),),
        newly_archived=(RepoArchived("a/b", "a/b", "javascript:alert(1)"),),
        findings_added=FINDINGS[:4],
        findings_resolved=FINDINGS[4:6],
    )  # fmt: skip
    check_golden("DIFF.md", render_diff_markdown(changes))


def test_tracking_issue_matches_golden() -> None:
    summary = build_summary(
        sample_snapshot().findings,
        min_severity=Severity.WARNING,
        blob_links={f"{f.path}:{f.line}": f"https://github.com/o/r/blob/main/{f.path}#L{f.line}"
                    for f in FINDINGS[:2]},
        generated_at=NOW,
        extra_sections=["<details><summary>What changed</summary>\n\n- x\n\n</details>"],
        notes=("GitHub metadata for 1 repository unknown: rate limit <reached>",),
        report_url="https://github.com/o/r/actions/runs/1",
    )  # fmt: skip
    check_golden("issue.md", f"# {summary.title}\n\n{with_marker(summary.body, summary.keys)}")


def test_step_summary_matches_golden() -> None:
    text = render_step_summary(
        "origin/main", "0123456789abcdef" * 2, lines_changed=7, files=2, checked=5,
        findings=FINDINGS, failing=FINDINGS[:1], notes=("no GITHUB_TOKEN: @someone",),
        seconds=2.25,
    )  # fmt: skip
    check_golden("step-summary.md", text)
