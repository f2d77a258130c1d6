"""The report's parts: charts for 0, 1 and many runs, history parsing, SARIF structure,
the rules table, and `write_reports` writing every file (atomically) into a directory."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from linkwarden.model import Severity
from linkwarden.report import FILES, default_rules, parse_history, write_reports
from linkwarden.report.charts import Series, lines_svg, nice_ticks, stacked_bars_svg
from linkwarden.report.history import severity_column, status_column
from linkwarden.report.sarif import sarif_document, sarif_path
from linkwarden.report.view import HistoryPoint
from report_sample import HISTORY_CSV, RULES, sample_diff, sample_snapshot
from test_report_golden import sample_data

# ----------------------------------------------------------------------------- charts

SERIES = [Series("links_ok", "ok", "#0a0"), Series("links_dead", "dead", "#a00")]


def points(n: int) -> tuple[HistoryPoint, ...]:
    return tuple(
        HistoryPoint(f"2025-03-{i + 1:02d}T02:00:00Z", {"links_ok": 10 + i, "links_dead": i % 3})
        for i in range(n)
    )


def test_chart_without_runs_is_a_placeholder() -> None:
    svg = stacked_bars_svg("Links", (), SERIES, "No runs yet")
    assert "No runs yet" in svg and "<rect" in svg
    assert svg.count("<rect") == 1  # the frame only, no bars
    assert "No runs yet" in lines_svg("Findings", (), SERIES, "No runs yet")


def test_chart_with_one_run_draws_one_bar_and_dots() -> None:
    svg = stacked_bars_svg("Links", points(1), SERIES, "empty")
    bars = re.findall(r"<rect [^>]*><title>([^<]*)</title>", svg)
    assert bars == ["2025-03-01T02:00:00Z · ok: 10"]  # dead is 0 in the first run
    lines = lines_svg("Findings", points(1), SERIES, "empty")
    assert "<polyline" not in lines and lines.count("<circle") == 2


def test_chart_with_many_runs_draws_every_run() -> None:
    svg = stacked_bars_svg("Links", points(30), SERIES, "empty")
    assert len(re.findall(r"· ok: \d+</title>", svg)) == 30
    lines = lines_svg("Findings", points(100), SERIES, "empty")
    assert lines.count("<polyline") == 2
    assert "<circle" not in lines  # too many runs for a dot each
    # The x axis is labelled with a handful of dates, first and last included.
    labels = re.findall(r'text-anchor="middle">(\d{4}-\d\d-\d\d)<', svg)
    assert labels[0] == "2025-03-01" and labels[-1] == "2025-03-30" and len(labels) <= 6


def test_chart_legend_and_text_are_escaped() -> None:
    evil = [Series("links_ok", "<b>ok</b>", "#0a0")]
    svg = stacked_bars_svg("T & <x>", points(2), evil, "e")
    assert "<b>" not in svg and "&lt;b&gt;ok&lt;/b&gt;" in svg and "T &amp; &lt;x&gt;" in svg


@pytest.mark.parametrize(
    ("top", "ticks"),
    [(0, [0, 1]), (3, [0, 1, 2, 3]), (4, [0, 1, 2, 3, 4]), (15, [0, 5, 10, 15]),
     (1234, [0, 500, 1000, 1500])],
)  # fmt: skip
def test_nice_ticks(top: int, ticks: list[int]) -> None:
    assert nice_ticks(top) == ticks


# ---------------------------------------------------------------------------- history


def test_parse_history_reads_counts_and_sorts_by_time() -> None:
    text = "time,links_dead,findings_error,note\n2025-03-02,4,1,x\n2025-03-01,2,0,y\n\n"
    runs = parse_history(text)
    assert [p.time for p in runs] == ["2025-03-01", "2025-03-02"]
    assert runs[1].counts == {"links_dead": 4, "findings_error": 1}
    assert parse_history("") == ()
    assert parse_history("time,dead\n") == ()


def test_history_columns_are_found_whatever_the_prefix() -> None:
    runs = parse_history("time,dead,error,errors,warning\n2025-03-01,1,2,3,4\n")
    assert status_column(runs, "dead") == "dead"
    assert status_column(runs, "error") is None  # a bare "error" could be either: not guessed
    assert severity_column(runs, "error") == "errors"
    assert severity_column(runs, "warning") == "warning"
    sample = parse_history(HISTORY_CSV)
    assert status_column(sample, "error") == "links_error"
    assert severity_column(sample, "error") == "findings_error"


# ------------------------------------------------------------------------------ SARIF


def test_sarif_structure_for_code_scanning() -> None:
    doc = sarif_document(sample_data())
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    (run,) = doc["runs"]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert len(run["results"]) == len(sample_data().findings)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        loc = result["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"].startswith("sources/")
        assert loc["region"]["startLine"] >= 1
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["LW201"] == "error" and levels["LW402"] == "warning" and levels["LW101"] == "note"


def test_sarif_fingerprints_ignore_line_moves() -> None:
    from dataclasses import replace

    data = sample_data()
    moved = replace(
        data,
        findings=tuple(
            replace(f, location=replace(f.location, line=f.location.line + 5))
            for f in data.findings
        ),
    )
    before = [r["partialFingerprints"] for r in sarif_document(data)["runs"][0]["results"]]
    after = [r["partialFingerprints"] for r in sarif_document(moved)["runs"][0]["results"]]
    assert before == after


def test_sarif_paths_are_repository_relative() -> None:
    assert sarif_path("./sources/a.md") == "sources/a.md"
    assert sarif_path("sources\\b.md") == "sources/b.md"


# ------------------------------------------------------------------------ rules table


def test_default_rules_come_from_the_rules_table() -> None:
    from linkwarden.rules import RULES as TABLE

    infos = default_rules()
    assert [r.code for r in infos] == sorted(rule.code for rule in TABLE)
    dead = next(r for r in infos if r.code == "LW201")
    assert dead.severity is Severity.ERROR and dead.summary and dead.help_uri
    assert dead.help_uri.endswith("docs/rules.md#lw201")


# ---------------------------------------------------------------------- write_reports


def test_write_reports_writes_every_format(tmp_path: Path) -> None:
    history = tmp_path / "history.csv"
    history.write_text(HISTORY_CSV, encoding="utf-8")
    out = tmp_path / "reports"
    written = write_reports(out, sample_snapshot(), sample_diff(), history, rules=RULES)
    assert sorted(p.name for p in written) == sorted(FILES.values())
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES.values())  # no temp files left
    assert "Since the previous run" in (out / "REPORT.md").read_text(encoding="utf-8")
    assert json.loads((out / "report.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("<polyline") == 3  # the trend from history.csv: three severities


def test_write_reports_first_run_and_chosen_formats(tmp_path: Path) -> None:
    written = write_reports(
        tmp_path, sample_snapshot(), None, tmp_path / "missing.csv", formats=("markdown",)
    )
    assert [p.name for p in written] == ["REPORT.md"]
    with pytest.raises(ValueError, match="unknown report format"):
        write_reports(tmp_path, sample_snapshot(), formats=("pdf",))
