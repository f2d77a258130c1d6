"""The block structure of a list (markdown-it-py with GFM tables) and source positions.

Only markdown-it's block parser runs: the inline content of each block is read by
`_inline.scan`, which is much faster and keeps offsets. `Locator` maps an offset inside a
block's inline content back to the 1-based line and column of the source file.
"""

from __future__ import annotations

import bisect
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

_PARSER = MarkdownIt("commonmark", {"html": True}).enable("table").disable("inline")


def parse_blocks(text: str) -> tuple[list[Token], dict[str, Any]]:
    """Block tokens (inline tokens carry their content, unparsed) and markdown-it's env,
    which holds the link reference definitions."""
    env: dict[str, Any] = {}
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
