"""From block tokens to entries and typed links.

What an entry is depends on how a list is written (docs/extraction.md):

- a list item with at least one link (`1. [Nick] [Title](url), \\`CVPR 2021\\`. [[Code](..)]`,
  `- [CVPR 2021] [Title](url), Affiliation, [ProjectPage](..)`, `- Dataset [Download](..)`);
- a table row with at least one link (Markdown or HTML `<table>`);
- a heading that opens an entry: `### \\[ICASSP] Title` (a bracketed venue first) or a
  heading that is just a link (`#### [Liu Ziwei](url)`); the blocks under it, up to the
  next heading, belong to it (their `- [paper](..)` bullets are its links);
- in a people section, each linked work in a researcher's sub-items is an entry of its own.

Links anywhere else (a title badge, a paragraph) have no entry.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit

from markdown_it.common.utils import normalizeReference
from markdown_it.token import Token

from .. import urls
from ..model import Diagnostic, Entry, Link, Role, SkippedLink, SourceList
from . import _html, _inline, _roles, _text
from ._markdown import Locator

_BRACKET_PREFIX = re.compile(r"^\s*((?:\[[^\[\]]*\]\s*)+)")
_BRACKET_GROUP = re.compile(r"\[([^\[\]]*)\]")
_SKIP_SCHEMES: dict[str, str] = {
    "javascript:": "javascript: URL",
    "data:": "data: URL",
    "mailto:": "mailto: address",
    "tel:": "tel: number",
    "about:": "about: URL",
}
# Only URLs naming a redirect wrapper's host are worth parsing for one (urls.REDIRECT_WRAPPERS).
_MAY_WRAP = re.compile(
    "|".join(re.escape(host.split(".")[-2]) for host in urls.REDIRECT_WRAPPERS), re.IGNORECASE
)
_NO_HOST = re.compile(r"^https?:(?!//[^/?#\s])", re.IGNORECASE)
# An http(s) URL with an ASCII host and no brackets, spaces or non-ASCII characters.
_PLAIN_HTTP = re.compile(r"https?://[A-Za-z0-9][!-Z\\^-~]*")
_NO_FLAGS: frozenset[str] = frozenset()
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]{1,31}:")
_TITLE_JUNK = " \t[](){}.,;:-–—|*_`"
_SYNTAX = {"markdown": "markdown", "image": "markdown", "html": "html", "autolink": "autolink",
           "bare": "bare"}  # fmt: skip


@dataclass(slots=True)
class _Pending:
    """A link found, waiting for its entry to decide its role."""

    raw: str
    url: str
    text: str
    line: int
    column: int
    syntax: str
    image: bool
    flags: frozenset[str]
    wrapper: str | None
    header: str | None = None
    section_kind: str | None = None
    title: bool = False
    nested_item: bool = False
    wraps_image: bool = False  # a link whose text is only an image: `[![badge](..)](url)`
    entry: int | None = None
    role: Role | None = None


@dataclass
class _Block:
    """One inline content string with what the scanner found and where it stands."""

    content: str
    found: _inline.InlineScan
    first_line: int  # 1-based
    last_line: int
    links: list[tuple[_inline.RawLink, _Pending]] = field(default_factory=list)
    plain: str = ""  # the rendered text, whitespace collapsed
    rendered: str = ""  # the rendered text, line k standing for source line first_line + k


@dataclass
class _Cell:
    plain: str
    links: list[tuple[_inline.RawLink, _Pending]]


class _TableColumns(NamedTuple):
    """Which column of a table holds the title, the venue, the year (-1: none)."""

    title: int
    venue: int
    year: int


@dataclass
class _Draft:
    tmp: int
    title: str
    line: int
    end_line: int
    section: tuple[str, ...]
    venue: str | None
    year: int | None
    text: str


@dataclass
class _Item:
    line: int
    depth: int
    blocks: list[_Block] = field(default_factory=list)


@dataclass
class _HeadingEntry:
    block: _Block
    section: tuple[str, ...]
    year: int | None
    kind: str | None
    blocks: list[_Block] = field(default_factory=list)


class Walker:
    """Reads one list's block tokens in order; `result()` gives entries, links, skipped."""

    def __init__(self, source: SourceList, lines: list[str], env: dict[str, Any]):
        self.source = source
        self.path = source.shown
        self.lines = lines
        self.references: dict[str, dict[str, str]] = env.get("references", {}) or {}
        self._definitions: dict[str, tuple[int, int, str]] | None = None
        self.headings: list[tuple[int, str]] = []
        # what the headings say, worked out once per heading rather than once per block
        self.section: tuple[str, ...] = ()
        self.section_kind: str | None = None
        self.year_heading: int | None = None
        self.items: list[_Item] = []
        self.heading_entry: _HeadingEntry | None = None
        self.drafts: list[_Draft] = []
        self.pending: list[_Pending] = []
        self.skipped: list[SkippedLink] = []
        self.diagnostics: list[Diagnostic] = []

    # -- context -------------------------------------------------------------------------

    def _set_headings(self, headings: list[tuple[int, str]]) -> None:
        self.headings = headings
        self.section = tuple(text for _, text in headings if text)
        self.section_kind = _roles.section_kind(self.section)
        self.year_heading = None
        for _, text in reversed(headings):
            year = _text.only_year(text)
            if year is not None:
                self.year_heading = year
                break

    # -- the walk ------------------------------------------------------------------------

    def walk(self, tokens: list[Token]) -> None:
        i = 0
        count = len(tokens)
        while i < count:
            token = tokens[i]
            kind = token.type
            if kind == "heading_open":
                self._heading(token, tokens[i + 1], document_title=i == 0)
                i += 3
                continue
            if kind == "table":
                self._table(token)
                i += 1
                continue
            if kind == "list_item_open":
                line = token.map[0] + 1 if token.map else 1
                self.items.append(_Item(line, len(self.items)))
            elif kind == "list_item_close":
                self._finish_item(self.items.pop())
            elif kind == "inline":
                self._attach(self._inline_block(token))
            elif kind == "html_block":
                self._html_block(token)
            i += 1
        while self.items:
            self._finish_item(self.items.pop())
        self._close_heading_entry()

    def _attach(self, block: _Block) -> None:
        if self.heading_entry is not None:
            self.heading_entry.blocks.append(block)
        elif self.items:
            self.items[-1].blocks.append(block)
        else:
            kind = self.section_kind
            for _, link in block.links:
                link.section_kind = kind
                self.pending.append(link)

    # -- blocks --------------------------------------------------------------------------

    def _inline_block(self, token: Token) -> _Block:
        first = token.map[0] if token.map else 0
        last = token.map[1] if token.map else first + 1
        return self._block(token.content, first, last)

    def _block(self, content: str, first: int, last: int, locate: Locator | None = None) -> _Block:
        """One inline content string whose lines are source lines first..last-1 (0-based)."""
        found = _inline.scan(content, self.references)
        block = _Block(content, found, first + 1, max(last, first + 1))
        if found.links:
            if locate is None:
                locate = Locator.for_lines(content, first, self.lines)
            for raw in found.links:
                link = self._link(raw, content, found, locate)
                if link is not None:
                    block.links.append((raw, link))
        block.rendered = _text.render(content, found)
        block.plain = _text.tidy(block.rendered)
        return block

    def _link(
        self, raw: _inline.RawLink, content: str, found: _inline.InlineScan, locate: Locator
    ) -> _Pending | None:
        if raw.url_start >= 0:
            line, column = locate(raw.url_start)
            written = raw.raw
        else:
            line, column, written = self._definition(raw.raw, locate(raw.start))
        wraps_image = False
        if raw.kind in ("markdown", "image"):
            written_text = content[raw.text_start : raw.text_end]
            plain = written_text
            if _text.has_markup(plain):
                plain = _text.render(content, found, raw.text_start, raw.text_end, True)
            text = _text.tidy(plain)
            if raw.kind == "markdown" and text and "![" in written_text:
                wraps_image = not _text.tidy(
                    _text.render(content, found, raw.text_start, raw.text_end, False)
                )
        elif raw.kind == "html":
            if raw.title_text is not None:
                text = _text.tidy(raw.title_text)
            else:
                text = _text.tidy(_html.cell_text(content[raw.text_start : raw.text_end]))
        else:
            text = raw.raw
        link = self._make(raw, written, line, column, text)
        if link is not None:
            link.wraps_image = wraps_image
        return link

    def _make(
        self, raw: _inline.RawLink, written: str, line: int, column: int, text: str
    ) -> _Pending | None:
        url = raw.url.strip()
        if _PLAIN_HTTP.fullmatch(url) is not None and _MAY_WRAP.search(url) is None:
            # The common case: none of the checks below can apply.
            return _Pending(
                written, url, text, line, column, _SYNTAX[raw.kind],
                raw.kind == "image" or (raw.kind == "html" and raw.title_text is not None),
                frozenset(raw.flags) if raw.flags else _NO_FLAGS, None,
            )  # fmt: skip
        if not url.startswith(("https://", "http://")):
            lowered = url.lower()
            for scheme, reason in _SKIP_SCHEMES.items():
                if lowered.startswith(scheme):
                    self.skipped.append(SkippedLink(written, self.path, line, reason))
                    return None
        if url.startswith("#"):
            self.skipped.append(SkippedLink(written, self.path, line, "in-page anchor"))
            return None
        flags = set(raw.flags)
        if not url and raw.kind in ("markdown", "image", "html"):
            flags.add("empty")
        elif url.startswith("//"):
            url = "https:" + url
        elif url and not _SCHEME.match(url):
            flags.add("relative")
            if self.source.upstream is not None:
                url = urljoin(self.source.upstream.directory_url, url)
        wrapper = None
        if url and _MAY_WRAP.search(url):
            url, wrapper = urls.unwrap_redirect(url)
        if url and (not url.isascii() or "[" in url or "]" in url or " " in url):
            try:
                host = urlsplit(url).hostname or ""
            except ValueError:
                host = ""
                flags.add("malformed")
            if host and not host.isascii():
                flags.add("idn")
        if _NO_HOST.match(url):
            flags.add("malformed")  # `https://` with nothing after it, `http:/x`
        return _Pending(
            raw=written,
            url=url,
            text=text,
            line=line,
            column=column,
            syntax=_SYNTAX[raw.kind],
            image=raw.kind == "image" or (raw.kind == "html" and raw.title_text is not None),
            flags=frozenset(flags),
            wrapper=wrapper,
        )

    def _definition(self, href: str, used_at: tuple[int, int]) -> tuple[int, int, str]:
        """Where a reference link's URL stands: its `[label]: url` definition line."""
        if self._definitions is None:
            self._definitions = {}
            pattern = re.compile(r"^ {0,3}\[((?:[^\]\\]|\\.)+)\]:[ \t]*<?([^\s>]*)")
            for number, line in enumerate(self.lines):
                m = pattern.match(line)
                if m:
                    key = normalizeReference(m.group(1))
                    self._definitions.setdefault(key, (number + 1, m.start(2) + 1, m.group(2)))
        for key, ref in self.references.items():
            if ref.get("href") == href and key in self._definitions:
                return self._definitions[key]
        return used_at[0], used_at[1], href

    # -- headings ------------------------------------------------------------------------

    def _heading(self, token: Token, inline: Token, *, document_title: bool = False) -> None:
        level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
        block = self._inline_block(inline)
        self._close_heading_entry()
        rendered = block.rendered
        if document_title and level == 1:
            # The list's own name (`# awesome-avatar`) is no section of it.
            for _, link in block.links:
                self.pending.append(link)
            return
        opens_entry = rendered.lstrip().startswith("[") or self._is_single_link(block)
        if opens_entry:
            self.heading_entry = _HeadingEntry(
                block,
                self.section,
                self.year_heading,
                self.section_kind,
            )
            return
        headings = list(self.headings)
        while headings and headings[-1][0] >= level:
            headings.pop()
        headings.append((level, _text.tidy(rendered)))
        self._set_headings(headings)
        kind = self.section_kind
        for _, link in block.links:
            link.section_kind = kind
            self.pending.append(link)

    @staticmethod
    def _is_single_link(block: _Block) -> bool:
        links = [raw for raw, _ in block.links if raw.kind != "image"]
        if len(links) != 1:
            return False
        raw = links[0]
        outside = block.content[: raw.start] + block.content[raw.end :]
        return not outside.strip(" \t*_#")

    def _close_heading_entry(self) -> None:
        open_entry = self.heading_entry
        if open_entry is None:
            return
        self.heading_entry = None
        head = open_entry.block
        rendered = _text.tidy(head.rendered)
        venue, title = _split_prefix(rendered)
        links = [link for block in [head, *open_entry.blocks] for _, link in block.links]
        title_link = None
        if self._is_single_link(head):
            title_link = next(link for raw, link in head.links if raw.kind != "image")
            title = title_link.text
        last = max(block.last_line for block in [head, *open_entry.blocks])
        text = _entry_text([head, *open_entry.blocks], head.first_line, last)
        draft = self._draft(
            title, head.first_line, last, open_entry.section, venue, open_entry.year, text
        )
        for link in links:
            link.entry = draft.tmp
            link.section_kind = open_entry.kind
            link.title = link is title_link
            self.pending.append(link)

    # -- list items ----------------------------------------------------------------------

    def _finish_item(self, item: _Item) -> None:
        if not item.blocks:
            return
        links = [(raw, link, block) for block in item.blocks for raw, link in block.links]
        kind = self.section_kind
        if not links:
            return
        first = item.blocks[0]
        end_line = max(block.last_line for block in item.blocks)
        text = _entry_text(item.blocks, item.line, end_line)
        if kind == "people" and item.depth > 0:
            self._split_works(item, links, text, end_line)
            return
        title_raw, title_link = _title_link(first)
        prefix_end = title_raw.start if title_raw is not None else _first_link_start(first)
        prefix = _text.tidy(_text.render(first.content, first.found, 0, prefix_end))
        venue, leftover = _split_prefix(prefix)
        if venue is None:
            venue = _code_span_venue(first)
        if title_link is not None:
            title = title_link.text
        else:
            title = _clean_title(leftover) or _fallback_title(first)
        year = (_text.year_of(venue) if venue else None) or self.year_heading
        if kind == "dataset" and year is None:
            title, year = _dataset_year(title)
        draft = self._draft(title, item.line, end_line, self.section, venue, year, text)
        for _, link, _ in links:
            link.entry = draft.tmp
            link.section_kind = kind
            link.title = link is title_link
            self.pending.append(link)

    def _split_works(
        self, item: _Item, links: list[tuple[_inline.RawLink, _Pending, _Block]], text: str,
        end_line: int,
    ) -> None:  # fmt: skip
        """A researcher's sub-item: `- Talking-face synthesis: [StyleSync CVPR'23](..), ...`."""
        current: _Draft | None = None
        for raw, link, _ in links:
            is_label, _ = _roles.label_role(link.text)
            if raw.kind != "image" and link.text and not is_label:
                name, venue = _text.split_venue_suffix(link.text)
                year = _text.year_of(venue) if venue else None
                current = self._draft(name, link.line, link.line, self.section, venue, year, text)
                link.title = True
            elif current is None:
                current = self._draft("", item.line, end_line, self.section, None, None, text)
            link.entry = current.tmp
            link.section_kind = "people"
            link.nested_item = True
            self.pending.append(link)

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
        columns = _TableColumns(
            _column(headers, _roles.TITLE_HEADERS, 0),
            _column(headers, _roles.VENUE_HEADERS, -1),
            _column(headers, _roles.YEAR_HEADERS, -1),
        )
        for row_line, cells in rows[1:]:
            self._table_row(headers, columns, cells, row_line)

    def _cell_blocks(self, row: list[str], row_line: int) -> list[_Block]:
        source = self.lines[row_line] if row_line < len(self.lines) else ""
        cursor = 0
        blocks: list[_Block] = []
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

    def _row_cells(self, row: list[str], row_line: int) -> list[_Cell]:
        """A body row's cells: their plain text and links, from one scan of the row's line.

        GFM splits a row into cells before reading links; scanning the whole line at once
        gives the same links unless one straddles a `|` (then each cell is read alone)."""
        source = self.lines[row_line] if row_line < len(self.lines) else ""
        spans: list[tuple[int, int]] = []
        cursor = 0
        for content in row:
            at = source.find(content, cursor) if content else cursor
            if at < 0:
                return [_Cell(b.plain, b.links) for b in self._cell_blocks(row, row_line)]
            spans.append((at, at + len(content)))
            cursor = at + len(content)
        found = _inline.scan(source, self.references)
        starts = [a for a, _ in spans]
        cells = [_Cell("", []) for _ in spans]
        if found.links:
            locate = Locator.for_cell(row_line, 0)
            for raw in found.links:
                index = bisect.bisect_right(starts, raw.start) - 1
                if index < 0 or raw.end > spans[index][1]:
                    return [_Cell(b.plain, b.links) for b in self._cell_blocks(row, row_line)]
                link = self._link(raw, source, found, locate)
                if link is not None:
                    cells[index].links.append((raw, link))
        for cell, (a, b) in zip(cells, spans, strict=True):
            cell.plain = _text.tidy(_text.render(source, found, a, b))
        return cells

    def _table_row(
        self, headers: list[str], columns: _TableColumns, row: list[str], row_line: int
    ) -> None:
        blocks = self._row_cells(row, row_line)
        if not any(block.links for block in blocks):
            return
        title_col, venue_col, year_col = columns
        cells = [block.plain for block in blocks]
        title = cells[title_col] if title_col < len(cells) else ""
        venue = cells[venue_col] if 0 <= venue_col < len(cells) and cells[venue_col] else None
        year = None
        if venue is not None and _text.only_year(venue) is not None:
            year, venue = _text.only_year(venue), None
        elif venue is not None:
            year = _text.year_of(venue)
        if year is None and 0 <= year_col < len(cells):
            year = _text.only_year(cells[year_col])
        if year is None:
            year = self.year_heading
        title_header = headers[title_col] if title_col < len(headers) else ""
        section_kind = self.section_kind
        title_kind = _roles.TITLE_COLUMN_KINDS.get(title_header, section_kind)
        title = _clean_title(title)
        if title_kind == "dataset" and year is None:
            title, year = _dataset_year(title)
        draft = self._draft(
            title, row_line + 1, row_line + 1, self.section, venue, year,
            " | ".join(cell for cell in cells),
        )  # fmt: skip
        for index, block in enumerate(blocks):
            header = headers[index] if index < len(headers) else None
            for raw, link in block.links:
                link.entry = draft.tmp
                link.header = header
                link.title = index == title_col and raw.kind != "image"
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
        pending: list[tuple[_inline.RawLink, _Pending]] = []
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
                block = _Block(content, found, first + 1, (token.map or [0, 1])[1])
                block.links = pending
                block.rendered = _html.cell_text(scanned.text)
                block.plain = _text.tidy(block.rendered)
                self._attach(block)
            return
        self._html_rows(scanned, pending, locate)

    def _html_rows(
        self, scanned: _html.HtmlBlockScan, pending: list[tuple[_inline.RawLink, _Pending]],
        locate: Locator,
    ) -> None:  # fmt: skip
        headers: list[str] = []
        caption: tuple[str, ...] = ()
        used: set[int] = set()
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
            title_col = _column(headers, _roles.TITLE_HEADERS, 0)
            year_col = _column(headers, _roles.YEAR_HEADERS, -1)
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
                link.header = headers[column] if 0 <= column < len(headers) else None
                link.title = column == title_col and not link.image
                link.section_kind = title_kind if column == title_col else kind
                self.pending.append(link)
        kind = self.section_kind
        for n, (_, link) in enumerate(pending):
            if n not in used:
                link.section_kind = kind
                self.pending.append(link)

    # -- results -------------------------------------------------------------------------

    def _draft(
        self, title: str, line: int, end_line: int, section: tuple[str, ...],
        venue: str | None, year: int | None, text: str,
    ) -> _Draft:  # fmt: skip
        draft = _Draft(len(self.drafts), title, line, max(end_line, line), section,
                       venue or None, year, text)  # fmt: skip
        self.drafts.append(draft)
        return draft

    def result(self, list_name: str) -> tuple[list[Entry], list[Link], list[SkippedLink]]:
        order = sorted(self.drafts, key=lambda d: (d.line, d.tmp))
        index = {draft.tmp: n for n, draft in enumerate(order)}
        entries = [
            Entry(
                list_name=list_name,
                path=self.path,
                index=n,
                title=draft.title,
                line=draft.line,
                end_line=draft.end_line,
                section=draft.section,
                venue=draft.venue,
                year=draft.year,
                text=draft.text,
            )
            for n, draft in enumerate(order)
        ]
        links: list[Link] = []
        path = self.path
        decide = _roles.decide
        for link in sorted(self.pending, key=lambda p: (p.line, p.column)):
            role = decide(
                url=link.url,
                text=link.text,
                image=link.image,
                header=link.header,
                section=link.section_kind,
                title=link.title,
                nested_item=link.nested_item,
                wraps_image=link.wraps_image,
                relative="relative" in link.flags,
            )
            # positional: Link(url, raw, text, role, list_name, path, line, entry, column,
            # wrapper, badge_repo, syntax, flags), 100,000 times on a large list
            links.append(
                Link(
                    link.url, link.raw, link.text, role, list_name, path, link.line,
                    index[link.entry] if link.entry is not None else None, link.column,
                    link.wrapper, _badge_repo(link.url) if role is Role.BADGE else None,
                    link.syntax, link.flags,
                )
            )  # fmt: skip
        skipped = sorted(self.skipped, key=lambda s: s.line)
        return entries, links, skipped


# -- helpers -----------------------------------------------------------------------------


def _column(headers: list[str], names: frozenset[str], default: int) -> int:
    for n, header in enumerate(headers):
        if header in names:
            return n
    return default


def _split_prefix(text: str) -> tuple[str | None, str]:
    """'[CVPR 2021] [Nick] Title' -> ('CVPR 2021', 'Title'): the first venue-like bracket
    group is the venue; other leading groups (nicknames like [Face2face]) are dropped."""
    m = _BRACKET_PREFIX.match(text)
    if m is None:
        return None, text.strip()
    venue = None
    for group in _BRACKET_GROUP.findall(m.group(1)):
        if venue is None and _text.looks_like_venue(group):
            venue = " ".join(group.split())
    return venue, text[m.end() :].strip()


def _title_link(block: _Block) -> tuple[_inline.RawLink | None, _Pending | None]:
    """The entry's linked title: its first non-label link with only brackets before it."""
    for raw, link in block.links:
        if raw.kind == "image" or link.image:
            continue
        is_label, _ = _roles.label_role(link.text)
        if is_label or raw.kind in ("bare", "autolink"):
            return None, None
        prefix = _text.render(block.content, block.found, 0, raw.start)
        leftover = _BRACKET_GROUP.sub("", _text.tidy(prefix)).strip(_TITLE_JUNK)
        if leftover:
            return None, None
        return raw, link
    return None, None


def _first_link_start(block: _Block) -> int:
    starts = [raw.start for raw in block.found.links]
    return min(starts) if starts else len(block.content)


def _badge_repo(url: str) -> str | None:
    try:
        return urls.badge_repo(url)
    except ValueError:
        return None


def _entry_text(blocks: list[_Block], first_line: int, last_line: int) -> str:
    """An entry's plain text, line for line: line k is source line first_line + k (so a
    rule can point at the line a phrase stands on); blank and markup-only lines stay."""
    lines = [""] * (last_line - first_line + 1)
    for block in blocks:
        if "\n" not in block.rendered:
            index = block.first_line - first_line
            if 0 <= index < len(lines) and block.plain:
                lines[index] = f"{lines[index]} {block.plain}" if lines[index] else block.plain
            continue
        for k, part in enumerate(block.rendered.split("\n")):
            index = block.first_line + k - first_line
            if 0 <= index < len(lines):
                tidied = _text.tidy(part)
                lines[index] = f"{lines[index]} {tidied}".strip() if lines[index] else tidied
    return "\n".join(lines).rstrip("\n")


def _fallback_title(block: _Block) -> str:
    text = block.plain
    for raw, _ in block.links:
        if raw.kind in ("bare", "autolink"):
            text = text.replace(raw.raw, " ")
    return _clean_title(text)


def _clean_title(text: str) -> str:
    """Trim what is left around a title: separators, stray brackets, a dangling ' -'.
    A closing parenthesis stays when it closes one opened in the title."""
    text = " ".join(text.split())
    while text:
        before = text
        text = text.strip(_TITLE_JUNK.replace(")", ""))
        if text.endswith(")") and text.count("(") < text.count(")"):
            text = text[:-1]
        if text.startswith("(") and text.count("(") > text.count(")"):
            text = text[1:]
        if text == before:
            break
    return text


def _dataset_year(title: str) -> tuple[str, int | None]:
    """'CREMA-D 2014' -> ('CREMA-D', 2014): a dataset list's trailing year."""
    m = re.match(r"^(.*\S)\s+((?:19|20)\d\d)$", title)
    if m is None:
        return title, None
    return m.group(1), int(m.group(2))


def _code_span_venue(block: _Block) -> str | None:
    """`CVPR 2021` in backticks outside any link text (the numbered-list layout)."""
    spans = [(raw.start, raw.end) for raw in block.found.links if raw.kind == "markdown"]
    for start, _, inner in block.found.code_spans:
        if any(a <= start < b for a, b in spans):
            continue
        inner = inner.strip()
        if inner and "@" not in inner and "://" not in inner:
            return " ".join(inner.split())
    return None
