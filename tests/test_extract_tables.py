"""Extraction's own GFM table rule against markdown-it's.

`extract._markdown` replaces markdown-it's table rule with a faster one that pushes one
`table` token per table (rows in `meta["rows"]`) instead of three tokens per cell. It must
accept exactly the same tables, with the same cells, and leave every other block as it was:
these tests parse tricky tables, the five bundled lists and shuffled pieces of them with
both parsers and compare the results. The same comparison holds the first-character guards
our parser puts on the other block rules (`BLOCK_STARTS`).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from linkwarden.extract._markdown import parse_blocks

SOURCES = sorted((Path(__file__).resolve().parents[1] / "sources").glob("*.md"))
_STOCK = MarkdownIt("commonmark", {"html": True}).enable("table").disable("inline")

Block = tuple[Any, ...]


def stock_blocks(text: str) -> list[Block]:
    """markdown-it's own tokens, each table folded into (map, rows) as ours reports it."""
    tokens = _STOCK.parse(text, {})
    out: list[Block] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type != "table_open":
            out.append(_plain(token))
            i += 1
            continue
        rows: list[tuple[int, list[str]]] = []
        table_map = token.map
        while tokens[i].type != "table_close":
            if tokens[i].type == "tr_open":
                assert tokens[i].map is not None
                rows.append((tokens[i].map[0], []))
            elif tokens[i].type == "inline":
                rows[-1][1].append(tokens[i].content)
            i += 1
        out.append(("table", table_map, rows))
        i += 1
    return out


def our_blocks(text: str) -> list[Block]:
    tokens, _ = parse_blocks(text)
    return [
        ("table", token.map, token.meta["rows"]) if token.type == "table" else _plain(token)
        for token in tokens
    ]


def _plain(token: Token) -> Block:
    return (token.type, token.tag, token.map, token.content, token.info, token.markup)


TRICKY = [
    "| a | b |\n| --- | --- |\n| 1 | 2 |\n",
    "a | b\n-- | --\n1 | 2\n3\n",  # no outer pipes; a body row with one cell
    "| a | b |\n|:-|-:|\n| 1 | 2 | 3 | 4 |\n| |\n",  # extra cells are cut, missing padded
    "| a \\| b | c |\n| - | - |\n| x\\|y | \\\\|z |\n",  # escaped pipes (and an escaped \)
    "| a | b |\n| --- | :-: |\npara after\n- list item\n",  # a list ends the table
    "| a | b |\n| --- | --- |\n| 1 | 2 |\n> quote\n",
    "| a | b |\n| --- | --- |\n| 1 | 2 |\n# heading\n",
    "| a | b |\n| --- | --- |\n| 1 | 2 |\n```\ncode\n```\n",
    "| a | b |\n| --- | --- |\n| 1 | 2 |\n<table><tr><td>x</td></tr></table>\n",
    "| a | b |\n| --- | --- |\n| 1 | 2 |\n***\n",
    "| a | b |\n| --- | --- |\n1. | 2 |\n",
    "| a | b |\n| --- | --- |\n    | indented | code |\n",
    "| a | b |\n| --- | --- |\n\t| tab | row |\n",
    "    | a | b |\n    | --- | --- |\n",  # indented: code, no table
    "| a | b |\n| --- | --- | --- |\n| 1 | 2 |\n",  # delimiter width differs: no table
    "| a | b |\n| --- || --- |\n",  # empty delimiter cell in between: no table
    "| a | b |\n|- -|---|\n",
    "| a | b |\n- | -\n",  # `- ` starts a list
    "| a | b |\n-| -\n1 | 2\n",
    "| a |\n|:-:|\n| x |\n",
    "a\n|---|\n",  # a header without a pipe
    "paragraph line\n| a | b |\n| --- | --- |\n| 1 | 2 |\n",  # a table interrupts a paragraph
    "- item\n\n  | a | b |\n  | --- | --- |\n  | 1 | 2 |\n- next\n",  # a table in a list item
    "> | a | b |\n> | --- | --- |\n> | 1 | 2 |\n> - x\n",  # in a blockquote
    "| a | b |\n| --- | --- |\n| [x](https://e.org/a|b) | `c|d` |\n",
    "|a|b|\n|-|-|\n|\n||\n| |\n",
    "| a | b |\n| --- | --- |\n|   |   |\n\n| c |\n| - |\n",
    "| a | b |\r\n| --- | --- |\r\n| 1 | 2 |\r\n",
    "p\0q\rr\r\n\n| a\0 | b |\r| --- | --- |\r\n| 1 | \0 |\n",  # normalised as markdown-it does
    "| a | b |\n| --- | --- |\n+ plus | list |\n",
    "| a | b |\n| --- | --- |\n_ | _ \n",
    "| a | b |\n| --- | --- |\n~ tilde | row |\n",
]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_tables_parse_as_markdown_it_parses_them(text: str) -> None:
    assert our_blocks(text) == stock_blocks(text)


def test_tricky_cases_hold_tables() -> None:
    """The comparison above is not vacuous: most cases are tables, some are not."""
    has_table = [any(b[0] == "table" for b in our_blocks(text)) for text in TRICKY]
    assert sum(has_table) >= 20
    assert not all(has_table)


# Lines on the edge of `_markdown`'s first-character guards: each block rule is skipped
# for a line whose first character (after its indent) cannot start that block.
BLOCK_STARTS = [
    "para\n   - indented item\n    - four spaces: continuation\n",
    "- a\n-b\n+ c\n* d\n1. e\n1) f\n10. g\n1234567890. too long\n",
    "text\n2. not 1 does not interrupt\n1. does\n",
    "***\n---\n___\n- - -\n* * *\npara\n---\n",  # rules and a setext heading
    "```\ncode\n```\n~~~\ntilde\n~~~\n``\nnot a fence\n",
    "> quote\n>no space\n  > indented\nlazy\n",
    "#heading without space\n# heading\n  ## indented\n####### seven\n",
    "<div>\nhtml\n</div>\n<!-- c -->\n< not html\n  <p>indented</p>\n",
    "[ref]: https://e.org/a\n[not a ref\n  [r2]: /b 'title'\n[x]\n",
    "para\n    \n\t\n   \nnext\n",  # lines with nothing after the indent
    "- item\n\n      code in item\n  > quote in item\n  # heading in item\n  ```\n  f\n  ```\n",
    "1. a\n   1. b\n      - c\n        > d\n          ***\n",
]


@pytest.mark.parametrize("text", BLOCK_STARTS)
def test_block_starts_parse_as_markdown_it_parses_them(text: str) -> None:
    assert our_blocks(text) == stock_blocks(text)


def test_padded_cells_are_capped_as_markdown_it_caps_them() -> None:
    wide = "|" + "|".join(f" h{n} " for n in range(300)) + "|\n"
    text = wide + "|" + "---|" * 300 + "\n" + "| x |\n" * 300
    ours = our_blocks(text)
    assert ours == stock_blocks(text)
    assert len(ours[0][2]) < 300  # the cap stopped the table early


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_bundled_lists_parse_as_markdown_it_parses_them(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    ours = our_blocks(text)
    assert ours == stock_blocks(text)
    if "table" in path.stem or "generative" in path.stem:
        assert any(block[0] == "table" for block in ours)


def test_shuffled_pieces_parse_as_markdown_it_parses_them() -> None:
    """Windows of the bundled lists' lines mixed with table fragments, shifted and cut."""
    lines = [line for path in SOURCES for line in path.read_text(encoding="utf-8").split("\n")]
    pieces = ["| a | b |", "|---|---|", "| --- | :-: |", "a | b", "-- | --", "|x\\|y|z|",
              "\\\\|q|", "  | a | b |", "    | c | d |", "\t| t | u |", "> | q | r |",
              "- | l | m |", "1. | n | o |", "|", "||", ":-", "|-:|", "", "```", "# h"]  # fmt: skip
    rng = random.Random(20)
    tables = 0
    for _ in range(150):
        out: list[str] = []
        for _ in range(rng.randint(3, 30)):
            roll = rng.random()
            if roll < 0.5:
                start = rng.randrange(len(lines))
                out += lines[start : start + rng.randint(1, 8)]
            elif roll < 0.9:
                out.append(rng.choice(pieces))
            else:
                line = rng.choice(lines)
                cut = rng.randrange(len(line) + 1)
                out.append(" " * rng.randint(0, 5) + line[:cut] + rng.choice("|\\ \t") + line[cut:])
        text = "\n".join(out)
        ours = our_blocks(text)
        assert ours == stock_blocks(text), text
        tables += sum(1 for block in ours if block[0] == "table")
    assert tables > 50
