"""Extraction of hand-written snippets, and bad input through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linkwarden.cli import main
from linkwarden.extract import extract
from linkwarden.model import ExtractedList, Link, Role, SourceList, Upstream
from linkwarden.sources import SourceText


def run_extract(text: str, upstream: Upstream | None = None) -> ExtractedList:
    source = SourceList("t", Path("t.md"), upstream, display_path="t.md")
    return extract(SourceText(source, text, "0" * 64))


def only(result: ExtractedList, url: str) -> Link:
    matches = [link for link in result.links if link.url == url]
    assert len(matches) == 1, [link.url for link in result.links]
    return matches[0]


# -- links: syntax, positions, flags -----------------------------------------------------


def test_link_text_spanning_two_lines_is_one_link_at_the_url_line() -> None:
    result = run_extract(
        "1. [Nick][A title that\n   goes on](https://example.org/p.pdf), `CVPR 2021`.\n"
    )
    link = only(result, "https://example.org/p.pdf")
    assert (link.line, link.column) == (2, 13)
    assert link.text == "A title that goes on"
    assert link.role is Role.PAPER
    entry = result.entry_of(link)
    assert entry is not None
    assert (entry.title, entry.venue, entry.year, entry.line, entry.end_line) == (
        "A title that goes on", "CVPR 2021", 2021, 1, 2,
    )  # fmt: skip


def test_destination_on_the_next_line_and_empty_links() -> None:
    result = run_extract(
        "- [paper](https://example.org/a\n)\n"
        "1. [Nick\n   ] [Title\n   ](), `CVPR 2020`. [[Code](https://github.com/o/r)].\n"
    )
    spanning = only(result, "https://example.org/a")
    assert (spanning.line, spanning.flags) == (1, frozenset({"multiline"}))
    empty = only(result, "")
    assert empty.flags == frozenset({"empty", "multiline"})
    assert empty.line == 5  # where `](` opens the (empty) destination
    assert result.entry_of(empty) is not None
    assert only(result, "https://github.com/o/r").role is Role.CODE


def test_nested_link_reports_both_urls_flagged() -> None:
    result = run_extract(
        "| title | paper |\n| --- | --- |\n| T | [paper]([https://a.org/x](https://b.org/y)) |\n"
    )
    a, b = only(result, "https://a.org/x"), only(result, "https://b.org/y")
    assert a.flags == b.flags == frozenset({"nested"})
    assert (a.line, b.line) == (3, 3)
    assert a.column < b.column


def test_link_inside_another_links_text_is_flagged_nested() -> None:
    result = run_extract("- [[Code](https://github.com/o/r)](https://example.org/outer)\n")
    inner, outer = only(result, "https://github.com/o/r"), only(result, "https://example.org/outer")
    assert "nested" not in inner.flags
    assert "nested" in outer.flags


def test_unbalanced_brackets_and_unclosed_destination() -> None:
    result = run_extract(
        "- [Project](https://example.org/p)] stray bracket\n"
        "- [paper](https://example.org/never-closed and more text\n"
    )
    assert only(result, "https://example.org/p").flags == frozenset({"unbalanced"})
    salvaged = only(result, "https://example.org/never-closed")
    assert salvaged.flags == frozenset({"unbalanced"})
    assert salvaged.line == 2


def test_html_anchor_with_herf_typo_still_yields_its_url() -> None:
    text = '<table>\n<tr><td>Metric</td><td>Code</td></tr>\n<tr><td>Sync</td>\n<td><a herf="https://github.com/o/r/tree/x">eval</a></td></tr>\n</table>\n'
    result = run_extract(text)
    link = only(result, "https://github.com/o/r/tree/x")
    assert link.flags == frozenset({"herf"})
    assert (link.syntax, link.line, link.role) == ("html", 4, Role.CODE)
    assert result.entry_of(link) is not None


def test_code_fences_indented_code_and_comments_hide_links() -> None:
    result = run_extract(
        "```\n[a](https://fenced.example.org/)\n```\n\n"
        "    [b](https://indented.example.org/)\n\n"
        "<!-- [c](https://commented.example.org/) -->\n\n"
        "text `[d](https://codespan.example.org/)` and <!-- https://inline.example.org/ -->\n\n"
        "- [kept](https://kept.example.org/)\n"
    )
    assert [link.url for link in result.links] == ["https://kept.example.org/"]


def test_google_redirect_is_unwrapped_and_recorded() -> None:
    wrapper = "https://www.google.com/url?sa=t&url=https%3A%2F%2Farxiv.org%2Fabs%2F1812.08861&usg=x"
    result = run_extract(f"1. [Title]({wrapper}), `CVPR 2019`.\n")
    link = only(result, "https://arxiv.org/abs/1812.08861")
    assert link.wrapper == wrapper
    assert link.raw == wrapper


def test_skipped_schemes_and_anchors_are_counted_not_linked() -> None:
    result = run_extract(
        "- [x](javascript:alert(1)) [y](data:text/plain,hi) [z](mailto:a@b.org) <c@d.org>\n"
        "- [toc](#section) [real](https://example.org/)\n"
    )
    assert [link.url for link in result.links] == ["https://example.org/"]
    assert sorted(s.reason for s in result.skipped) == [
        "data: URL", "in-page anchor", "javascript: URL", "mailto: address", "mailto: address",
    ]  # fmt: skip


def test_url_without_a_host_is_malformed() -> None:
    result = run_extract("- [a](https://) [b](http:/example.org/x) [c](https://[::1/x)\n")
    assert [sorted(link.flags) for link in result.links] == [["malformed"]] * 3


def test_idn_host_is_kept_readable_and_flagged() -> None:
    result = run_extract("- [site](https://bücher.example/katalog)\n")
    link = only(result, "https://bücher.example/katalog")
    assert "idn" in link.flags


def test_relative_links_resolve_against_the_upstream() -> None:
    text = "- **[TTS](./tts.md)** - speech\n"
    with_upstream = run_extract(text, Upstream("o/r", "main", "docs/list.md"))
    link = only(with_upstream, "https://github.com/o/r/blob/main/docs/tts.md")
    assert link.flags == frozenset({"relative"}) and link.raw == "./tts.md"
    without = run_extract(text)
    assert only(without, "./tts.md").flags == frozenset({"relative"})


def test_bare_urls_and_autolinks() -> None:
    result = run_extract(
        "1. A toolbox https://github.com/o/tool.\n2. See <https://example.org/auto>, (https://example.org/x_(y))\n"
    )
    assert only(result, "https://github.com/o/tool").syntax == "bare"
    assert only(result, "https://example.org/auto").syntax == "autolink"
    assert only(result, "https://example.org/x_(y)").syntax == "bare"
    assert result.entries[0].title == "A toolbox"


def test_reference_links_point_at_their_definition_line() -> None:
    result = run_extract("- [Paper][p]\n\n[p]: https://arxiv.org/abs/2301.00001\n")
    link = only(result, "https://arxiv.org/abs/2301.00001")
    assert (link.line, link.column) == (3, 6)


# -- roles ---------------------------------------------------------------------------------


def test_roles_from_text_header_section_and_position() -> None:
    result = run_extract(
        "## 2023\n\n"
        "| title | accept | paper | code | web/proj |\n| --- | --- | --- | --- | --- |\n"
        "|[T1](https://example.org/t1.html)|CVPR2023|[link](https://arxiv.org/abs/2301.00001)"
        "|[Code](https://arxiv.org/abs/2301.00002)|[x](https://p.example.org/)|\n\n"
        "## Datasets\n\n- VoxCeleb [project page](https://vox.example.org/)\n\n"
        "## Videos\n\n- [Talk](https://www.youtube.com/watch?v=abc) [Code](https://huggingface.co/spaces/o/s)"
        " [Demo](https://o-s.hf.space/)\n"
    )
    roles = {link.url: link.role for link in result.links}
    assert roles["https://example.org/t1.html"] is Role.PAPER  # linked title cell
    assert roles["https://arxiv.org/abs/2301.00001"] is Role.PAPER  # column header
    assert roles["https://arxiv.org/abs/2301.00002"] is Role.CODE  # the label wins
    assert roles["https://p.example.org/"] is Role.PROJECT  # web/proj column
    assert roles["https://vox.example.org/"] is Role.DATASET  # dataset section
    assert roles["https://www.youtube.com/watch?v=abc"] is Role.VIDEO
    assert roles["https://huggingface.co/spaces/o/s"] is Role.CODE  # labelled Code: kept
    assert roles["https://o-s.hf.space/"] is Role.DEMO
    row = result.entries[0]
    assert (row.title, row.venue, row.year, row.section) == ("T1", "CVPR2023", 2023, ("2023",))


def test_badges_record_their_repository() -> None:
    result = run_extract(
        "- [CVPR 2021] [Title](https://arxiv.org/abs/2104.11116), Uni, [Code](https://github.com/a/b)"
        " ![Github stars](https://img.shields.io/github/stars/c/d.svg)\n"
    )
    badge = only(result, "https://img.shields.io/github/stars/c/d.svg")
    assert (badge.role, badge.badge_repo) == (Role.BADGE, "c/d")
    entry = result.entries[0]
    assert (entry.title, entry.venue, entry.year) == ("Title", "CVPR 2021", 2021)


def test_heading_entries_collect_the_bullets_below() -> None:
    result = run_extract(
        "## 2023\n### \\[ICASSP] DisCoHead: a title\nkeywords: video\n"
        "- [paper](https://arxiv.org/abs/2303.07697)\n"
        "- [code](https://github.com/o/r) (not available for now)\n\n"
        "### \\[] \nkeywords:\n\n#### [Liu Ziwei](https://liuziwei7.github.io/)\n"
    )
    first, placeholder, person = result.entries
    assert (first.title, first.venue, first.year, first.section) == (
        "DisCoHead: a title", "ICASSP", 2023, ("2023",),
    )  # fmt: skip
    assert "not available" in first.text
    assert placeholder.title == ""
    assert person.title == "Liu Ziwei"
    assert [link.entry for link in result.links] == [0, 0, 2]


# -- bad input through the real CLI --------------------------------------------------------


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["extract", *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


def test_missing_file_exits_2_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.md"
    code, out, err = _cli(capsys, str(missing))
    assert code == 2
    assert err.strip().count("\n") == 0 and "nope.md" in err
    assert out == ""


def test_directory_without_lists_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.json").write_text("{}")
    code, _, err = _cli(capsys, str(tmp_path))
    assert code == 2
    assert str(tmp_path) in err and "no list files" in err


def test_binary_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    binary = tmp_path / "image.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    code, _, err = _cli(capsys, str(binary))
    assert code == 2
    assert "image.md" in err and "binary" in err


def test_invalid_utf8_works_with_a_warning_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "latin1.md"
    bad.write_bytes(b"# List\n\n- [caf\xe9](https://example.org/cafe)\n")
    code, out, err = _cli(capsys, str(bad), "--format", "json")
    assert code == 0
    assert f"{Path(bad).name}:3: warning: invalid UTF-8" in err
    document = json.loads(out)
    assert document["lists"][0]["links"][0]["url"] == "https://example.org/cafe"
    assert document["lists"][0]["links"][0]["text"] == "caf\ufffd"


def test_empty_file_works_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("")
    code, out, err = _cli(capsys, str(empty), "--format", "json")
    assert code == 0
    assert "empty.md:1: warning: empty list file" in err
    assert json.loads(out)["lists"][0]["entries"] == []


def test_skipped_links_are_counted_on_stderr_and_in_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "list.md"
    page.write_text(
        "- [x](javascript:void(0)) [y](data:text/html,hi) [z](mailto:me@example.org)\n"
        "- [ok](https://xn--bcher-kva.example/) [idn](https://bücher.example/)\n",
        encoding="utf-8",
    )
    code, out, err = _cli(capsys, str(page), "--format", "json")
    assert code == 0
    listed = json.loads(out)["lists"][0]
    assert [s["reason"] for s in listed["skipped"]] == [
        "javascript: URL", "data: URL", "mailto: address",
    ]  # fmt: skip
    assert "3 skipped (data: URL: 1, javascript: URL: 1, mailto: address: 1)" in err
    idn = [link for link in listed["links"] if "idn" in link["flags"]]
    assert [link["url"] for link in idn] == ["https://bücher.example/"]


def test_table_format_lists_every_link(capsys: pytest.CaptureFixture[str]) -> None:
    repo = Path(__file__).resolve().parents[1]
    code, out, err = _cli(capsys, str(repo / "sources" / "face-reenactment-notes.md"))
    assert code == 0
    assert "https://arxiv.org/abs/2303.07697" in out and "DisCoHead" in out
    assert "39 entries, 82 links" in err


def test_json_format_is_complete_and_stable(capsys: pytest.CaptureFixture[str]) -> None:
    repo = Path(__file__).resolve().parents[1]
    target = str(repo / "sources" / "awesome-avatar.md")
    _, first, _ = _cli(capsys, target, "--format", "json")
    _, second, _ = _cli(capsys, target, "--format", "json")
    assert first == second
    listed = json.loads(first)["lists"][0]
    assert listed["name"] == "awesome-avatar"
    assert set(listed["links"][0]) == {
        "line", "column", "url", "raw", "text", "role", "role_source", "entry", "syntax",
        "wrapper", "badge_repo", "flags",
    }  # fmt: skip
    assert set(listed["entries"][0]) == {
        "index", "title", "line", "end_line", "section", "venue", "year", "text",
    }  # fmt: skip
    assert len(listed["links"]) == 154


# -- memory: what a large list leaves behind -----------------------------------------------


def test_the_walk_releases_each_block_token_once_read() -> None:
    """The block tokens are most of extraction's memory; the walk drops each one as it
    reads it, so the entries and links it makes reuse their space (docs/checker.md)."""
    from linkwarden.extract._entries import Walker
    from linkwarden.extract._markdown import parse_blocks

    text = "# Papers\n\n## Vision\n\n- [A](https://a.test/1)\n- [B](https://b.test/2)\n"
    source = SourceList("t", Path("t.md"), None, display_path="t.md")
    tokens, env = parse_blocks(text)
    assert len(tokens) > 10
    walker = Walker(source, text.split("\n"), env)
    walker.walk(tokens)
    assert tokens == [None] * len(tokens)
    _, links, _ = walker.result("t")
    assert [link.url for link in links] == ["https://a.test/1", "https://b.test/2"]
    assert run_extract(text).links == tuple(links)  # the same as extract's own walk


def test_per_link_records_carry_no_instance_dict() -> None:
    """One Link, Entry and LinkResult per URL of a 100k-URL run: slots, not a __dict__ each."""
    from linkwarden.model import Entry, Finding, LinkResult

    for record in (Link, Entry, LinkResult, Finding):
        assert "__slots__" in vars(record), record
    link = only(run_extract("- [A](https://a.test/1)\n"), "https://a.test/1")
    assert not hasattr(link, "__dict__")
