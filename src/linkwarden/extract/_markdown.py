"""The block structure of a list (markdown-it-py with GFM tables) and source positions.

Only markdown-it's block parser runs: the inline content of each block is read by
`_inline.scan`, which is much faster and keeps offsets. `Locator` maps an offset inside a
block's inline content back to the 1-based line and column of the source file.

GFM tables come out as one `table` token per table whose `meta["rows"]` holds each row's
line and cell contents (see `_table_rule`), not markdown-it's tokens per cell.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import MD_TRIM_CHARS
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.token import Token


def parse_blocks(text: str) -> tuple[list[Token], dict[str, Any]]:
    """Block tokens (inline tokens carry their content, unparsed; a table is one `table`
    token) and markdown-it's env, which holds the link reference definitions."""
    env: dict[str, Any] = {}
    # markdown-it's `normalize` rule, done here: two regex passes over a 20 MB list cost
    # more than these two membership tests.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in text:
        text = text.replace("\0", "\ufffd")
    return _PARSER.parse(text, env), env


class Locator:
    """Offsets in one block's content -> (line, column), both 1-based."""

    __slots__ = ("_columns", "_lines", "_starts")

    def __init__(self, starts: list[int], lines: list[int], columns: list[int]):
        self._starts = starts  # offset in the content where each content line begins
        self._lines = lines  # its 0-based source line
        self._columns = columns  # the 0-based source column of its first character

    def __call__(self, offset: int) -> tuple[int, int]:
        k = bisect.bisect_right(self._starts, offset) - 1 if len(self._starts) > 1 else 0
        k = max(k, 0)
        return self._lines[k] + 1, self._columns[k] + offset - self._starts[k] + 1

    @classmethod
    def for_lines(cls, content: str, first_line: int, source: list[str]) -> Locator:
        """Content whose k-th line is (a suffix of) source line first_line + k."""
        starts: list[int] = []
        lines: list[int] = []
        columns: list[int] = []
        offset = 0
        for k, part in enumerate(content.split("\n")):
            number = min(first_line + k, len(source) - 1) if source else 0
            starts.append(offset)
            lines.append(number)
            columns.append(_column_of(part, source[number] if source else ""))
            offset += len(part) + 1
        return cls(starts, lines, columns)

    @classmethod
    def for_cell(cls, line: int, column: int) -> Locator:
        return cls([0], [line], [column])


def _column_of(part: str, source_line: str) -> int:
    """Where `part` (a line of block content) starts in its source line."""
    if not part:
        return 0
    trimmed_source = source_line.rstrip()
    trimmed_part = part.rstrip()
    if trimmed_part and trimmed_source.endswith(trimmed_part):
        return len(trimmed_source) - len(trimmed_part)
    found = source_line.find(part)
    if found < 0:
        found = source_line.find(part.strip())
    return max(found, 0)


# -- GFM tables ------------------------------------------------------------------------------
#
# markdown-it's own table rule splits every row character by character and pushes three
# tokens per cell (td_open, inline, td_close): for a list of large tables that is most of the
# block parse. This rule accepts exactly the tables it accepts (same delimiter-row check,
# same escaped-pipe split, same terminators, same cap on padded cells) and pushes one
# `table` token whose meta holds the rows: `meta["rows"]` is a list of (0-based line, cell
# contents), the header row first, each body row padded or cut to the header's width.
# tests/test_extract_tables.py compares it with markdown-it's rule.

_DELIMITER_ROW = re.compile(r"[-:|][-:| \t]+")
_DELIMITER_CELL = re.compile(r":?-+:?")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_MAX_PADDED_CELLS = 0x10000  # as markdown-it: a table may not pad more cells than this
# First characters that can start a block ending a table (fence, blockquote, hr, list,
# HTML block, heading: the "blockquote" terminator chain of the CommonMark preset). A row
# starting with any other character, `|` above all, needs no terminator check.
_MAY_TERMINATE = frozenset("`~>*-_+#<0123456789")


def _split_row(text: str) -> list[str]:
    """A row's cells as markdown-it splits them: at each `|` not right after a backslash,
    the backslash of an escaped pipe dropped; empty edge cells (outer pipes) removed."""
    if "\\" in text:
        cells = [cell.replace("\\|", "|") for cell in _UNESCAPED_PIPE.split(text)]
    else:
        cells = text.split("|")
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return cells


def _table_rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if start + 2 > end:
        return False
    src = state.src
    second = start + 1
    if state.sCount[second] < state.blkIndent or state.is_code_block(second):
        return False
    pos = state.bMarks[second] + state.tShift[second]
    stop = state.eMarks[second]
    if pos >= stop or src[pos] not in "|-:":
        return False
    if _DELIMITER_ROW.fullmatch(src, pos, stop) is None:
        return False
    if src[pos] == "-" and src[pos + 1] in " \t":
        return False  # `- ` starts a list item
    widths = src[pos:stop].split("|")
    last = len(widths) - 1
    count = 0
    for n, cell in enumerate(widths):
        cell = cell.strip(MD_TRIM_CHARS)
        if not cell:
            if n == 0 or n == last:
                continue
            return False
        if _DELIMITER_CELL.fullmatch(cell) is None:
            return False
        count += 1
    head = src[state.bMarks[start] + state.tShift[start] : state.eMarks[start]]
    head = head.strip(MD_TRIM_CHARS)
    if "|" not in head or state.is_code_block(start):
        return False
    header = _split_row(head)
    if not header or len(header) != count:
        return False
    if silent:
        return True

    rows: list[tuple[int, list[str]]] = [(start, [cell.strip(MD_TRIM_CHARS) for cell in header])]
    old_parent = state.parentType
    state.parentType = "table"  # the terminators below ask who is calling
    terminators = state.md.block.ruler.getRules("blockquote")
    padded = 0
    line = start + 2
    while line < end:
        if state.sCount[line] < state.blkIndent:
            break
        begin = state.bMarks[line] + state.tShift[line]
        stop = state.eMarks[line]
        if (
            begin < stop
            and src[begin] in _MAY_TERMINATE
            and any(rule(state, line, end, True) for rule in terminators)
        ):
            break
        text = src[begin:stop].strip(MD_TRIM_CHARS)
        if not text or state.is_code_block(line):
            break
        cells = _split_row(text)
        padded += count - len(cells)
        if padded > _MAX_PADDED_CELLS:
            break
        if len(cells) < count:
            cells += [""] * (count - len(cells))
        rows.append((line, [cell.strip(MD_TRIM_CHARS) for cell in cells[:count]]))
        line += 1

    token = state.push("table", "table", 0)
    token.map = [start, line]
    token.meta["rows"] = rows
    state.parentType = old_parent
    state.line = line
    return True


_MAX_NESTING = 400

# Block rules and the characters a line they accept can start with (after its indent): each
# rule declines any other line at once. markdown-it tries every rule on every line, and each
# paragraph and list line again as terminators (860,000 attempts on the bench list, nearly
# all declined); the guard declines for them before the call, its debug log and its checks
# (0.15 s of 0.8 s). Lines with nothing after the indent go to the rule as before.
_FIRST_CHARACTERS = {
    "fence": "~`",
    "blockquote": ">",
    "hr": "*-_",
    "list": "*-+0123456789",
    "reference": "[",
    "html_block": "<",
    "heading": "#",
}
_BlockRule = Callable[[StateBlock, int, int, bool], bool]


def _first_character_guard(rule: _BlockRule, first: str) -> _BlockRule:
    def guarded(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        pos = state.bMarks[start] + state.tShift[start]
        if pos < state.eMarks[start] and state.src[pos] not in first:
            return False
        return rule(state, start, end, silent)

    return guarded


def _parser() -> MarkdownIt:
    # The preset's maxNesting (20: ten levels of nested lists) makes markdown-it drop the
    # rest of the document past it, silently; GitHub renders it. 400 levels of blocks stay
    # well within Python's recursion limit.
    md = MarkdownIt("commonmark", {"html": True, "maxNesting": _MAX_NESTING}).enable("table")
    # No inline parsing (`_inline.scan` reads inline content); `text_join` only joins the
    # inline children that are therefore never made; `normalize` is done by parse_blocks.
    md.disable(["inline", "text_join", "normalize"])
    md.block.ruler.at("table", _table_rule, {"alt": ["paragraph", "reference"]})
    for rule in list(md.block.ruler.__rules__):
        first = _FIRST_CHARACTERS.get(rule.name)
        if first is not None:
            guarded = _first_character_guard(rule.fn, first)
            md.block.ruler.at(rule.name, guarded, {"alt": list(rule.alt)})
    return md


_PARSER = _parser()
