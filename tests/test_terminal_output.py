"""What lists contain cannot drive the terminal or the CI log: escape sequences in titles
are shown as text by `extract`, `lint` and `diff`, and a newline in a file name cannot
start a `::error` line of its own."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from linkwarden.cli import main
from linkwarden.commands.extract import _print_tables
from linkwarden.model import Role, Status
from linkwarden.state.codec import write_snapshot
from linkwarden.terminal import json_printable, printable, printable_lines
from statekit import make_list, night, result, snap

CLEAR = "\x1b[2J"  # clears the screen
LINK = "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"  # an OSC 8 hyperlink
C1 = "\x9b31m"  # CSI as one C1 character
BIDI = "\u202e"  # right-to-left override
TITLE = f"Talking {CLEAR}Heads {LINK} {C1} {BIDI}end"
RAW = ("\x1b", "\x9b", "\u202e", "\x07")


def _clean(text: str) -> None:
    for char in RAW:
        assert char not in text, repr(char)


def test_printable_escapes_every_control() -> None:
    assert printable("a\x1b[2Jb\nc\td\u2028e\x9b") == "a\\x1b[2Jb\\nc\\td\\u2028e\\x9b"
    assert printable("plain Ünïcode — fine 🙂") == "plain Ünïcode — fine 🙂"
    assert printable_lines("one\x1b[1m\r\ntwo\tthree\rfour\n") == "one\\x1b[1m\ntwo\tthree\\rfour\n"
    text = json.dumps({"t": TITLE}, ensure_ascii=False)
    safe = json_printable(text)
    _clean(safe)
    assert json.loads(safe) == {"t": TITLE}  # the same JSON, only spelled safely


@pytest.fixture
def listing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "list.md"
    text = f"# L\n\n- {TITLE} [paper](https://example.org/paper)\n"
    path.write_text(text, encoding="utf-8")
    return path


def test_extract_table_and_json_show_escapes_as_text(listing: Path, capsys: Any) -> None:
    assert main(["extract", str(listing)]) == 0
    table = capsys.readouterr().out
    _clean(table)
    assert "\\x1b[2J" in table
    assert main(["extract", str(listing), "--format", "json"]) == 0
    text = capsys.readouterr().out
    _clean(text)
    entries = json.loads(text)["lists"][0]["entries"]
    assert CLEAR in entries[0]["title"]  # the data itself is intact, only spelled safely


def test_lint_text_cannot_inject_a_workflow_command(tmp_path: Path, capsys: Any) -> None:
    evil = tmp_path / "x.md\n::error file=README.md,line=1::pwned\nx.md"
    evil.write_text(f'# L\n\n- <a herf="https://example.org/">{TITLE}</a>\n', encoding="utf-8")
    code = main(["lint", str(evil)])
    captured = capsys.readouterr()
    assert code == 1  # LW103 is an error
    lines = captured.out.splitlines()
    assert lines and all(not line.startswith("::") for line in lines)
    assert "\\n::error file=README.md" in captured.out  # the name, escaped, on one line
    _clean(captured.out)
    assert main(["lint", str(evil), "--format", "json"]) == 1
    _clean(capsys.readouterr().out)


def test_diff_prints_titles_without_escape_sequences(tmp_path: Path, capsys: Any) -> None:
    url = "https://example.org/paper"
    lists_before = [make_list("l", [("Old", [(url, Role.PAPER)])])]
    lists_after = [make_list("l", [("Old", [(url, Role.PAPER)]), (TITLE, [(url, Role.CODE)])])]
    before = snap(lists_before, {url: result(url, Status.OK, night(0))}, None, night(0))
    after = snap(lists_after, {url: result(url, Status.OK, night(1))}, before, night(1))
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    write_snapshot(old, before)
    write_snapshot(new, after)
    for fmt in ("md", "json"):
        assert main(["diff", str(old), str(new), "--format", fmt]) == 0
        out = capsys.readouterr().out
        _clean(out)
        assert "Heads" in out


def test_extract_table_does_not_take_titles_for_rich_markup() -> None:
    title = "[bold]x[/bold] [link=https://evil.example/]y"
    lists = [make_list("l", [(title, [("https://example.org/", Role.PAPER)])])]
    out = io.StringIO()
    _print_tables(lists, out, tty=False)
    assert title in out.getvalue()


def test_check_notes_show_paths_and_titles_escaped(tmp_path: Path, capsys: Any) -> None:
    """`linkwarden check`'s own stderr lines (errors, the summary, where it wrote) quote
    paths given on the command line: a newline there cannot start a `::error` line."""
    inject = "\n::error file=README.md,line=1::pwned\n"
    missing = tmp_path / f"gone{CLEAR}{inject}.md"
    assert main(["check", str(missing), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    _clean(err)
    assert all(not line.startswith("::") for line in err.splitlines())
    assert "gone\\x1b[2J\\n::error file=README.md" in err  # the name, escaped, on one line
    listing = tmp_path / "list.md"
    listing.write_text(f"# L\n\n- {TITLE} [paper]() no URL yet\n", encoding="utf-8")
    out_dir = tmp_path / f"out{CLEAR}{inject}{BIDI}"
    # The title's OSC 8 link is a URL the run checks; this sandbox has no network, and a
    # run whose every attempt fails would (rightly) stop as offline: no canaries here.
    config = tmp_path / "linkwarden.yaml"
    config.write_text("check:\n  canaries: []\n  timeout: 2\n  retries: 0\n", encoding="utf-8")
    argv = ["check", str(listing), "--out", str(out_dir), "--no-enrich", "--config", str(config)]
    assert main(argv) == 1  # LW101
    err = capsys.readouterr().err
    _clean(err)
    assert all(not line.startswith("::") for line in err.splitlines())
    assert "linkwarden check: wrote" in err and "out\\x1b[2J\\n::error" in err
    assert (out_dir / "latest.json").is_file()  # escaped in the note only, not on disk
