"""Golden-output tests: each renderer's output for the sample snapshot, byte for byte.

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

from linkwarden.report import (
    ReportData,
    build_report_data,
    parse_history,
    render_annotations,
    render_html,
    render_markdown,
    render_sarif,
)
from report_sample import HISTORY_CSV, RULES, sample_diff, sample_snapshot

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
