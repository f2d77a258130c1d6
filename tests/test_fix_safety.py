"""fix under hostile input: the line it edits is the line extraction saw, and a redirect to
another site is reported, never written into the list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from linkwarden.cli import main
from linkwarden.extract import extract
from linkwarden.fix import plan_file, split_lines
from linkwarden.model import Hop, SourceList, Status
from linkwarden.sources import SourceText
from linkwarden.state.codec import write_snapshot
from statekit import night, result, snap

OLD = "https://docs.example.org/old"
NEW = "https://docs.example.org/new"
AWAY = "http://project.example.org/page"
ATTACKER = "https://attacker.example.net/page"


def _extracted(text: str, path: Path) -> Any:
    source = SourceList("demo", path, display_path="demo.md")
    return extract(SourceText(source=source, text=text, content_hash="0" * 64))


def _snapshot(lists: list[Any]) -> Any:
    results = {
        OLD: result(OLD, Status.REDIRECTED, night(0), final_url=NEW, http_status=301,
                    chain=(Hop(OLD, 301, NEW),)),
        NEW: result(NEW, Status.OK, night(0)),
        AWAY: result(AWAY, Status.REDIRECTED, night(0), final_url=ATTACKER, http_status=301,
                     chain=(Hop(AWAY, 301, ATTACKER),)),
    }  # fmt: skip
    return snap(lists, results, None, night(0))


def test_lines_break_where_extraction_breaks_them() -> None:
    text = "a\u2028b\x0cc\x1cd\r\ne\rf\ng"
    assert split_lines(text) == ["a\u2028b\x0cc\x1cd\r\n", "e\r", "f\n", "g"]
    assert "".join(split_lines(text)) == text
    assert split_lines("") == [] and split_lines("x\n") == ["x\n"]


def test_a_line_separator_in_the_file_does_not_shift_the_edit(tmp_path: Path) -> None:
    # U+2028 and a form feed on line 3: str.splitlines() would count them as line breaks
    # and edit the wrong line; extraction (and so fix) does not.
    text = (
        "# Demo\n\n"
        "- [Intro](https://docs.example.org/intro) see\u2028also\x0cthis\n"
        f"- [Guide]({OLD})\n"
        f"- [Other guide]({NEW})\n"
    )
    extracted = _extracted(text, tmp_path / "demo.md")
    moved = next(link for link in extracted.links if link.url == OLD)
    assert moved.line == 4
    plan = plan_file(extracted, text, _snapshot([extracted]))
    assert [(f.line, f.kind) for f in plan.fixes] == [(4, "redirect")]
    assert plan.fixed == text.replace(f"({OLD})", f"({NEW})")
    assert "\u2028also\x0cthis" in plan.fixed  # the odd line is untouched


def test_a_redirect_to_another_site_is_a_note_not_a_rewrite(tmp_path: Path) -> None:
    text = f"# Demo\n\n- [Project]({AWAY})\n- [Guide]({OLD})\n"
    extracted = _extracted(text, tmp_path / "demo.md")
    plan = plan_file(extracted, text, _snapshot([extracted]))
    assert [f.old for f in plan.fixes] == [OLD]  # the same-site redirect is still fixed
    assert AWAY in plan.fixed and ATTACKER not in plan.fixed
    assert plan.notes == (
        f"demo.md:3: not rewritten: {AWAY} redirects to another site ({ATTACKER}); "
        "check it by hand",
    )


def test_the_cli_says_why_it_did_not_follow(tmp_path: Path, capsys: Any) -> None:
    listing = tmp_path / "demo.md"
    text = f"# Demo\n\n- [Project]({AWAY})\n"
    listing.write_text(text, encoding="utf-8")
    snapshot = tmp_path / "latest.json"
    write_snapshot(snapshot, _snapshot([_extracted(text, listing)]))
    assert main(["fix", str(listing), "--snapshot", str(snapshot), "--write"]) == 0
    err = capsys.readouterr().err
    assert "redirects to another site (https://attacker.example.net/page)" in err
    assert listing.read_text(encoding="utf-8") == text
