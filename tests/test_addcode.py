"""`fix --add-code`: where the code link LW408 found goes, per list format."""

from __future__ import annotations

from pathlib import Path

from linkwarden.addcode import insertions
from linkwarden.extract import extract
from linkwarden.model import Finding, Severity, SourceList
from linkwarden.sources import SourceText

CODE = "https://github.com/o/r"


def _plan(text: str, line: int) -> list[str]:
    source = SourceText(SourceList("t", Path("t.md")), text, "")
    listing = extract(source)
    entry = next(e for e in listing.entries if e.line <= line <= e.end_line)
    finding = Finding("LW408", "paper-code-found", Severity.INFO, "m", "t", "t.md",
                      entry.line, suggestion=CODE)  # fmt: skip
    lines = text.splitlines(keepends=True)
    for insertion in insertions(listing, lines, [finding]):
        lines[insertion.line - 1] = insertion.text
    return "".join(lines).splitlines()


def test_table_row_gets_the_empty_cell_after_the_paper() -> None:
    text = (
        "|Title|Venue|Paper|Code|Project|\n|---|---|---|---|---|\n"
        "|Head Avatars|ECCV2022|[paper](https://arxiv.org/pdf/2206.08343.pdf)|||\n"
    )
    assert _plan(text, 3)[2] == (
        f"|Head Avatars|ECCV2022|[paper](https://arxiv.org/pdf/2206.08343.pdf)|[Code]({CODE})||"
    )


def test_table_row_with_a_filled_cell_is_left_alone() -> None:
    text = (
        "|Title|Venue|Paper|Project|\n|---|---|---|---|\n"
        "|Head Avatars|ECCV2022|[paper](https://arxiv.org/pdf/2206.08343.pdf)|[Project](https://p.example)|\n"
    )
    assert _plan(text, 3) == text.splitlines()


def test_bullet_of_its_own_gets_a_sibling_bullet() -> None:
    text = "### Head Avatars\n- [paper](https://arxiv.org/abs/2207.07621)\n- [project](https://p.example/)\n"
    assert _plan(text, 2)[1:3] == [
        "- [paper](https://arxiv.org/abs/2207.07621)",
        f"- [code]({CODE})",
    ]


def test_inline_link_gets_the_list_style_right_after_it() -> None:
    text = "1. [ROME] [Head Avatars](https://arxiv.org/pdf/2206.08343.pdf), `ECCV 2022`. [[Project](https://p.example)].\n"
    assert _plan(text, 1)[0].startswith(
        f"1. [ROME] [Head Avatars](https://arxiv.org/pdf/2206.08343.pdf) [[Code]({CODE})], "
    )
