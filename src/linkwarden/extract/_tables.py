"""Tables: GFM pipe tables and HTML `<table>` blocks, one entry per row that has a link.

The header names each column (`title`, `paper`, `code`, `venue`, ...); a link's column
header is strong evidence of its role, and the title column gives the entry its title.
"""

from __future__ import annotations

import bisect

from markdown_it.token import Token

from . import _cite, _html, _inline, _roles, _text
from ._markdown import Locator
from ._pending import Block, Cell, Pending, TableColumns
from ._raw import RawLink
from ._reader import BlockReader

_VENUE_WORDS = frozenset({"pub", "venue", "conference", "published", "publication"})
_YEAR_WORDS = frozenset({"year", "date", "time"})


class TableReader(BlockReader):
    """Reads table blocks into entries (GFM and HTML)."""

    # -- tables --------------------------------------------------------------------------

    def _table(self, token: Token) -> None:
        """One GFM table: header keys, then an entry per body row that has a link."""
        rows: list[tuple[int, list[str]]] = token.meta["rows"]
        head_line, head = rows[0]
        headers = [
            _roles.label_key(_text.tidy(_text.render(content, _inline.scan(content))))
            for content in head
        ]
        self._table_links_outside_entries(head, head_line)
        venue_col = _cite.column_of(headers, _roles.VENUE_HEADERS, -1)
        if venue_col < 0:
            venue_col = _cite.column_with_word(headers, _VENUE_WORDS, -1)
        year_col = _cite.column_of(headers, _roles.YEAR_HEADERS, -1)
        if year_col < 0:
            year_col = _cite.column_with_word(headers, _YEAR_WORDS, -1)
        body = [cells for _, cells in rows[1:]]
        columns = TableColumns(
            _cite.title_column(headers, body, (venue_col, year_col)), venue_col, year_col
        )
        for row_line, cells in rows[1:]:
            self._table_row(headers, columns, cells, row_line, ("table", head_line))

    def _cell_blocks(self, row: list[str], row_line: int) -> list[Block]:
        source = self.lines[row_line] if row_line < len(self.lines) else ""
        cursor = 0
        blocks: list[Block] = []
        for content in row:
            found_at = source.find(content, cursor) if content else -1
            if found_at < 0:
                found_at = cursor
            else:
                cursor = found_at + len(content)
            blocks.append(
                self._block(content, row_line, row_line + 1, Locator.for_cell(row_line, found_at))
            )
        return blocks

    def _table_links_outside_entries(self, row: list[str], row_line: int) -> None:
        kind = self.section_kind
        for block in self._cell_blocks(row, row_line):
            for _, link in block.links:
                link.section_kind = kind
                self.pending.append(link)

    def _row_cells(self, row: list[str], row_line: int) -> list[Cell]:
        """A body row's cells: their plain text and links, from one scan of the row's line.

        GFM splits a row into cells before reading links; scanning the whole line at once
        gives the same links unless one straddles a `|` (then each cell is read alone)."""
        source = self.lines[row_line] if row_line < len(self.lines) else ""
        spans: list[tuple[int, int]] = []
        cursor = 0
        for content in row:
            at = source.find(content, cursor) if content else cursor
            if at < 0:
                return [Cell(b.plain, b.links) for b in self._cell_blocks(row, row_line)]
            spans.append((at, at + len(content)))
            cursor = at + len(content)
        found = _inline.scan(source, self.references)
        starts = [a for a, _ in spans]
        cells = [Cell("", []) for _ in spans]
        if found.links:
            locate = Locator.for_cell(row_line, 0)
            for raw in found.links:
                index = bisect.bisect_right(starts, raw.start) - 1
                if index < 0 or raw.end > spans[index][1]:
                    return [Cell(b.plain, b.links) for b in self._cell_blocks(row, row_line)]
                link = self._link(raw, source, found, locate)
                if link is not None:
                    cells[index].links.append((raw, link))
        for cell, (a, b) in zip(cells, spans, strict=True):
            cell.plain = _text.tidy(_text.render(source, found, a, b))
        return cells

    def _table_row(
        self, headers: list[str], columns: TableColumns, row: list[str], row_line: int,
        scope: tuple[str, int],
    ) -> None:  # fmt: skip
        blocks = self._row_cells(row, row_line)
        if not any(block.links for block in blocks):
            return
        title_col, venue_col, year_col = columns
        cells = [block.plain for block in blocks]
        title = cells[title_col] if title_col < len(cells) else ""
        title_pair = (
            _cite.title_link_in(blocks[title_col].links) if title_col < len(blocks) else None
        )
        if title_pair is not None:
            title = title_pair[1].text
        venue = cells[venue_col] if 0 <= venue_col < len(cells) and cells[venue_col] else None
        year = None
        if venue is not None and _text.only_year(venue) is not None:
            year, venue = _text.only_year(venue), None
        elif venue is not None and venue_col == year_col:
            venue, year = _cite.cited_venue(venue)  # "CVPR, 2024" or "Mar., 2024"
        elif venue is not None:
            year = _text.year_of(venue)
        if year is None and 0 <= year_col < len(cells):
            year = _text.only_year(cells[year_col]) or _cite.cited_venue(cells[year_col])[1]
        if year is None:
            year = self.year_heading or self.list_year
        title_header = headers[title_col] if title_col < len(headers) else ""
        section_kind = self.section_kind
        title_kind = _roles.TITLE_COLUMN_KINDS.get(title_header, section_kind)
        title = _cite.clean_title(title)
        if title_kind == "dataset" and year is None:
            title, year = _cite.dataset_year(title)
        draft = self._draft(
            title, row_line + 1, row_line + 1, self.section, venue, year,
            " | ".join(cell for cell in cells),
        )  # fmt: skip
        for index, block in enumerate(blocks):
            header = headers[index] if index < len(headers) else None
            for raw, link in block.links:
                link.entry = draft.tmp
                link.scope = scope
                link.header = header
                link.title = (
                    link is title_pair[1]
                    if title_pair is not None
                    else index == title_col and raw.kind != "image"
                )
                link.section_kind = (
                    title_kind
                    if index == title_col
                    else (section_kind or (title_kind if title_kind == "dataset" else None))
                )
                self.pending.append(link)

    # -- HTML blocks ---------------------------------------------------------------------

    def _html_block(self, token: Token) -> None:
        content = token.content
        first = token.map[0] if token.map else 0
        scanned = _html.scan_block(content)
        if not scanned.links and not scanned.rows:
            return  # a comment, a <details>: nothing to read
        locate = Locator.for_lines(content, first, self.lines)
        found = _inline.InlineScan([], [], [])
        pending: list[tuple[RawLink, Pending]] = []
        for raw in scanned.links:
            text = (
                raw.title_text
                if raw.title_text is not None
                else _html.cell_text(content[raw.text_start : raw.text_end])
            )
            line, column = locate(raw.url_start)
            link = self._make(raw, raw.raw, line, column, _text.tidy(text))
            if link is not None:
                pending.append((raw, link))
        if not scanned.rows:
            if pending:
                block = Block(content, found, first + 1, (token.map or [0, 1])[1])
                block.links = pending
                block.rendered = _html.cell_text(scanned.text)
                block.plain = _text.tidy(block.rendered)
                self._attach(block)
            return
        self._html_rows(scanned, pending, locate)

    def _html_rows(
        self, scanned: _html.HtmlBlockScan, pending: list[tuple[RawLink, Pending]],
        locate: Locator,
    ) -> None:  # fmt: skip
        headers: list[str] = []
        caption: tuple[str, ...] = ()
        used: set[int] = set()
        scope = ("table", locate(scanned.rows[0].start)[0]) if scanned.rows else ("table", 0)
        for row in scanned.rows:
            in_row = [
                (n, raw, link) for n, (raw, link) in enumerate(pending)
                if row.start <= raw.start < row.end
            ]  # fmt: skip
            texts = [_text.tidy(cell.text) for cell in row.cells]
            if not in_row:
                if len(row.cells) == 1 and row.cells[0].header:
                    caption = (texts[0],) if texts[0] else ()
                elif len(row.cells) > 1:
                    headers = [_roles.label_key(text) for text in texts]
                continue
            section = self.section + caption
            kind = _roles.section_kind(section)
            title_col = _cite.column_of(headers, _roles.TITLE_HEADERS, 0)
            year_col = _cite.column_of(headers, _roles.YEAR_HEADERS, -1)
            title_header = headers[title_col] if title_col < len(headers) else ""
            title_kind = _roles.TITLE_COLUMN_KINDS.get(title_header, kind)
            year = _text.only_year(texts[year_col]) if 0 <= year_col < len(texts) else None
            line = locate(row.start)[0]
            end_line = locate(max(row.end - 1, row.start))[0]
            # the row's text line for line, as the other entries' text is
            row_lines = scanned.text[row.start : row.end].split("\n")
            row_text = "\n".join(_text.tidy(_html.cell_text(part)) for part in row_lines)
            draft = self._draft(
                texts[title_col] if title_col < len(texts) else "", line, end_line, section,
                None, year or self.year_heading, row_text.rstrip("\n"),
            )  # fmt: skip
            for n, raw, link in in_row:
                used.add(n)
                column = next(
                    (c for c, cell in enumerate(row.cells) if cell.start <= raw.start < cell.end),
                    -1,
                )
                link.entry = draft.tmp
                link.scope = scope
                link.header = headers[column] if 0 <= column < len(headers) else None
                link.title = column == title_col and not link.image
                link.section_kind = title_kind if column == title_col else kind
                self.pending.append(link)
        kind = self.section_kind
        for n, (_, link) in enumerate(pending):
            if n not in used:
                link.section_kind = kind
                self.pending.append(link)
