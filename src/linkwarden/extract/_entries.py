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

from typing import cast

from markdown_it.token import Token

from . import _cite, _inline, _roles, _text
from ._pending import Block, Draft, HeadingEntry, Item, Pending
from ._raw import RawLink
from ._tables import TableReader

# A category bullet longer than this is prose, not a topic name.
_MAX_TOPIC = 80


class Walker(TableReader):
    """Reads one list's block tokens in order; `result()` gives entries, links, skipped."""

    # -- the walk ------------------------------------------------------------------------

    def walk(self, block_tokens: list[Token]) -> None:
        """Read the tokens in order, consuming them: each slot is set to None once read.

        A large list's block tokens are most of extraction's memory (about 1.8 KB per
        Markdown line); released as the walk goes, the entries and links it makes reuse
        their space instead of stacking on top of them (docs/checker.md, "Memory")."""
        tokens = cast("list[Token | None]", block_tokens)
        i = 0
        count = len(tokens)
        while i < count:
            token = tokens[i]
            tokens[i] = None
            assert token is not None  # each slot is read once
            kind = token.type
            if kind == "heading_open":
                inline, tokens[i + 1], tokens[i + 2] = tokens[i + 1], None, None
                assert inline is not None
                self._heading(token, inline, document_title=i == 0)
                i += 3
                continue
            if kind == "table":
                self._table(token)
                i += 1
                continue
            if kind == "list_item_open":
                line = token.map[0] + 1 if token.map else 1
                self.items.append(Item(line, len(self.items)))
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

    # -- headings ------------------------------------------------------------------------

    def _heading(self, token: Token, inline: Token, *, document_title: bool = False) -> None:
        level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
        block = self._inline_block(inline)
        self._close_heading_entry()
        rendered = block.rendered
        self.anchors.heading(_heading_text(block))
        self._end_title_paragraph()
        if document_title and level == 1:
            # The list's own name (`# awesome-avatar`) is no section of it; when it names a
            # conference year ("CVPR 2024 Papers with Code") every entry shares it.
            for _, link in block.links:
                self.pending.append(link)
            self.list_venue, self.list_year = _cite.list_venue(_text.tidy(rendered))
            return
        opens_entry = rendered.lstrip().startswith("[") or self._is_single_link(block)
        if opens_entry:
            self.heading_entry = HeadingEntry(
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
    def _is_single_link(block: Block) -> bool:
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
        venue, title = _cite.split_prefix(rendered)
        links = [link for block in [head, *open_entry.blocks] for _, link in block.links]
        title_link = None
        if self._is_single_link(head):
            title_link = next(link for raw, link in head.links if raw.kind != "image")
            title = title_link.text
        last = max(block.last_line for block in [head, *open_entry.blocks])
        text = _cite.entry_text([head, *open_entry.blocks], head.first_line, last)
        draft = self._draft(
            title, head.first_line, last, open_entry.section, venue, open_entry.year, text
        )
        for link in links:
            link.entry = draft.tmp
            link.scope = open_entry.section
            link.section_kind = open_entry.kind
            link.title = link is title_link
            self.pending.append(link)

    # -- list items ----------------------------------------------------------------------

    def _finish_item(self, item: Item) -> None:
        if not item.blocks:
            return
        links = [(raw, link, block) for block in item.blocks for raw, link in block.links]
        kind = self.section_kind
        parent = self.items[-1] if self.items else None
        if (
            kind != "people"
            and parent is not None
            and parent.blocks
            and (not links or _cite.label_only(item.blocks))
        ):
            # An authors-and-venue sub-bullet, or `- 地址：URL` under a titled bullet: both
            # belong to the parent's entry.
            parent.blocks.extend(item.blocks)
            return
        if not links:
            return
        if parent is None and self.title_paragraph is not None:
            if _cite.label_only(item.blocks):
                self._join_title_paragraph(item, links)
                return
            self._end_title_paragraph()
        first = item.blocks[0]
        end_line = max(block.last_line for block in item.blocks)
        text = _cite.entry_text(item.blocks, item.line, end_line)
        if kind == "people" and item.depth > 0:
            self._split_works(item, links, text, end_line)
            return
        title_raw, title_link = _cite.title_link(first)
        prefix_end = title_raw.start if title_raw is not None else _cite.first_link_start(first)
        prefix = _text.tidy(_text.render(first.content, first.found, 0, prefix_end))
        venue, leftover = _cite.split_prefix(prefix)
        if venue is None:
            venue = _cite.code_span_venue(first)
        bold = _cite.bold_title(first) if title_link is None else None
        if title_link is not None:
            title = title_link.text
        elif bold is not None:
            title = bold
        else:
            leftover, suffix_venue = _cite.trailing_venue(leftover)
            venue = venue or suffix_venue
            title = _cite.clean_title(_cite.strip_citation(leftover))
            title = title or _cite.fallback_title(first)
        venue, year = self._venue_year(venue, text, title)
        if kind == "dataset" and year is None:
            title, year = _cite.dataset_year(title)
        draft = self._draft(
            title, item.line, end_line, self.section + self._topics(), venue, year, text
        )
        for _, link, _ in links:
            link.entry = draft.tmp
            link.scope = self.section
            link.section_kind = kind
            link.title = link is title_link
            self.pending.append(link)

    def _topics(self) -> tuple[str, ...]:
        """The category bullets an item is nested in (`* **Text → Video**` with no link of
        its own): part of the entry's section, as headings are."""
        topics: list[str] = []
        for item in self.items:
            if item.blocks and not any(block.links for block in item.blocks):
                topic = item.blocks[0].plain.strip(" :：")
                if topic and len(topic) <= _MAX_TOPIC:
                    topics.append(topic)
        return tuple(topics)

    def _venue_year(
        self, venue: str | None, text: str, title: str
    ) -> tuple[str | None, int | None]:
        """An entry's venue and year: its venue's year, else the year its citation states
        outside the title, else the year heading above it, else the list's own title's."""
        year = _text.year_of(venue) if venue else None
        if year is None:
            cited, year = _cite.cited_venue(text.replace(title, " ", 1) if title else text)
            venue = venue or cited
        if year is None:
            year = self.year_heading or self.list_year
        return venue, year

    # -- bold title paragraphs -----------------------------------------------------------

    def _loose_block(self, block: Block) -> None:
        """`**Title.**<br>*Authors.*<br>Venue Year. [[PDF](..)]`: a paragraph that is an
        entry; `**Title**` alone: the title of the `- Paper: URL` bullets below it."""
        self._end_title_paragraph()
        bold = _cite.bold_title(block)
        if bold is None:
            super()._loose_block(block)
            return
        if not block.links:
            self.title_paragraph = block
            return
        text = _cite.entry_text([block], block.first_line, block.last_line)
        venue, year = self._venue_year(None, text, bold)
        draft = self._draft(
            bold, block.first_line, block.last_line, self.section, venue, year, text
        )
        self._adopt(draft, [link for _, link in block.links])

    def _join_title_paragraph(
        self, item: Item, links: list[tuple[RawLink, Pending, Block]]
    ) -> None:
        head = self.title_paragraph
        assert head is not None
        end_line = max(block.last_line for block in item.blocks)
        draft = self.title_draft
        if draft is None:
            title = _cite.bold_title(head) or ""
            venue, year = self._venue_year(None, "", title)
            draft = self._draft(title, head.first_line, end_line, self.section, venue, year, "")
            self.title_draft = draft
            self.title_blocks = [head]
        self.title_blocks.extend(item.blocks)
        draft.end_line = max(draft.end_line, end_line)
        draft.text = _cite.entry_text(self.title_blocks, draft.line, draft.end_line)
        self._adopt(draft, [link for _, link, _ in links])

    def _end_title_paragraph(self) -> None:
        self.title_paragraph = None
        self.title_draft = None
        self.title_blocks = []

    def _adopt(self, draft: Draft, links: list[Pending]) -> None:
        kind = self.section_kind
        for link in links:
            link.entry = draft.tmp
            link.scope = self.section
            link.section_kind = kind
            self.pending.append(link)

    def _split_works(
        self, item: Item, links: list[tuple[RawLink, Pending, Block]], text: str,
        end_line: int,
    ) -> None:  # fmt: skip
        """A researcher's sub-item: `- Talking-face synthesis: [StyleSync CVPR'23](..), ...`."""
        current: Draft | None = None
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


def _heading_text(block: Block) -> str:
    """A heading's text as GitHub slugs it: images contribute no text, not even their alt."""
    images = [raw for raw, _ in block.links if raw.kind == "image"] + [
        raw for raw in block.found.links if raw.kind == "image"
    ]
    if not images:
        return _text.heading_text(block.rendered)
    content = block.content
    for raw in sorted({(r.start, r.end) for r in images}, reverse=True):
        content = content[: raw[0]] + content[raw[1] :]
    return _text.heading_text(_text.render(content, _inline.scan(content)))
