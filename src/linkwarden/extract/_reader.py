"""The extractor's core: the walk's state, links read from inline content, the results.

`BlockReader` turns one inline content string into pending links (resolving relative URLs,
unwrapping redirect wrappers, flagging malformed ones, skipping what is not checkable) and
turns the drafts and pending links into `Entry` and `Link` records with their roles. The
table reader and the walk (`_tables`, `_entries`) build on it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urljoin, urlsplit

from markdown_it.common.utils import normalizeReference
from markdown_it.token import Token

from .. import urls
from ..model import Diagnostic, Entry, Link, LinkFlag, Role, SkippedLink, SourceList
from . import _html, _inline, _roles, _text
from ._anchors import Anchors
from ._markdown import Locator
from ._pending import Block, Draft, HeadingEntry, Item, Pending
from ._raw import RawLink

_SKIP_SCHEMES: dict[str, str] = {
    "javascript:": "javascript: URL",
    "data:": "data: URL",
    "mailto:": "mailto: address",
    "tel:": "tel: number",
    "about:": "about: URL",
}
# Only URLs naming a redirect wrapper's host are worth parsing for one (urls.REDIRECT_WRAPPERS).
_WRAPPER_NAMES = tuple(host.split(".")[-2] for host in urls.REDIRECT_WRAPPERS)
_MAY_WRAP = re.compile("|".join(re.escape(name) for name in _WRAPPER_NAMES), re.IGNORECASE)
_NO_HOST = re.compile(r"^https?:(?!//[^/?#\s])", re.IGNORECASE)
# An http(s) URL with an ASCII host and no brackets, spaces or non-ASCII characters.
_PLAIN_HTTP = re.compile(r"https?://[A-Za-z0-9][!-Z\\^-~]*")
_NO_FLAGS: frozenset[LinkFlag] = frozenset()
# `Paper: https://...`, `代码：https://...`: a label, then a colon, right before a bare URL.
_LABEL_BEFORE = re.compile(r"([^\W\d_][\w ./-]{0,30}?)\s*[:：]\s*$")
# Linked titles a table or section needs before its own vote counts (else the list's does).
_MIN_VOTES = 3
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]{1,31}:")
_SYNTAX = {"markdown": "markdown", "image": "markdown", "html": "html", "autolink": "autolink",
           "bare": "bare"}  # fmt: skip


class BlockReader:
    """The walk's state, and what every kind of block needs: links read from inline content,
    entries drafted, and `result()` turning both into the model's records."""

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
        self.items: list[Item] = []
        self.heading_entry: HeadingEntry | None = None
        # a bold title paragraph waiting for its `- Paper: URL` bullets, and their entry
        self.title_paragraph: Block | None = None
        self.title_draft: Draft | None = None
        self.title_blocks: list[Block] = []
        # what the list's own title states for every entry ("CVPR 2024 Papers with Code")
        self.list_venue: str | None = None
        self.list_year: int | None = None
        self.anchors = Anchors()
        self.drafts: list[Draft] = []
        self.pending: list[Pending] = []
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

    def _attach(self, block: Block) -> None:
        if self.heading_entry is not None:
            self.heading_entry.blocks.append(block)
        elif self.items:
            self.items[-1].blocks.append(block)
        else:
            self._loose_block(block)

    def _loose_block(self, block: Block) -> None:
        """A block outside any list item, table row or heading entry: links of no entry."""
        kind = self.section_kind
        for _, link in block.links:
            link.section_kind = kind
            self.pending.append(link)

    # -- blocks --------------------------------------------------------------------------

    def _inline_block(self, token: Token) -> Block:
        first = token.map[0] if token.map else 0
        last = token.map[1] if token.map else first + 1
        return self._block(token.content, first, last)

    def _block(self, content: str, first: int, last: int, locate: Locator | None = None) -> Block:
        """One inline content string whose lines are source lines first..last-1 (0-based)."""
        found = _inline.scan(content, self.references)
        block = Block(content, found, first + 1, max(last, first + 1))
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
        self, raw: RawLink, content: str, found: _inline.InlineScan, locate: Locator
    ) -> Pending | None:
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
            if raw.kind in ("bare", "autolink"):
                link.label = _label_before(content, raw.start)
            if raw.kind == "bare" and _broken_around(content, raw.start, raw.end):
                link.flags = link.flags | {LinkFlag.BROKEN}
        return link

    def _make(
        self, raw: RawLink, written: str, line: int, column: int, text: str
    ) -> Pending | None:
        url = raw.url.strip()
        if _PLAIN_HTTP.fullmatch(url) is not None and not _may_wrap_ascii(url):
            # The common case: none of the checks below can apply.
            return Pending(
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
            flags.add(LinkFlag.EMPTY)
        elif url.startswith("//"):
            url = "https:" + url
        elif url and not _SCHEME.match(url):
            flags.add(LinkFlag.RELATIVE)
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
                flags.add(LinkFlag.MALFORMED)
            if host and not host.isascii():
                flags.add(LinkFlag.IDN)
        if _NO_HOST.match(url):
            flags.add(LinkFlag.MALFORMED)  # `https://` with nothing after it, `http:/x`
        return Pending(
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

    # -- results -------------------------------------------------------------------------

    def _draft(
        self, title: str, line: int, end_line: int, section: tuple[str, ...],
        venue: str | None, year: int | None, text: str,
    ) -> Draft:  # fmt: skip
        draft = Draft(len(self.drafts), title, line, max(end_line, line), section,
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
        cited = {draft.tmp for draft in self.drafts if draft.venue}
        papers_in = _title_votes(self.pending)
        for link in sorted(self.pending, key=lambda p: (p.line, p.column)):
            role, source = decide(
                url=link.url,
                text=link.label or link.text,
                image=link.image,
                header=link.header,
                section=link.section_kind,
                title=link.title,
                nested_item=link.nested_item,
                wraps_image=link.wraps_image,
                relative=LinkFlag.RELATIVE in link.flags,
                cited=link.entry in cited,
                papers_here=partial(papers_in, link.scope) if link.title else None,
                in_entry=link.entry is not None,
            )
            # positional: Link(url, raw, text, role, list_name, path, line, entry, column,
            # wrapper, badge_repo, syntax, flags, role_source), 100,000 times on a large list
            links.append(
                Link(
                    link.url, link.raw, link.text, role, list_name, path, link.line,
                    index[link.entry] if link.entry is not None else None, link.column,
                    link.wrapper, _badge_repo(link.url) if role is Role.BADGE else None,
                    link.syntax, link.flags, source,
                )
            )  # fmt: skip
        skipped = sorted(self.skipped, key=lambda s: s.line)
        return entries, links, skipped


def _may_wrap_ascii(url: str) -> bool:
    """`_MAY_WRAP.search(url)` for an ASCII URL, as substring tests (several times faster
    than the case-insensitive alternation, once per link)."""
    lowered = url.lower()
    for name in _WRAPPER_NAMES:  # noqa: SIM110 - a loop: half the cost of any(generator)
        if name in lowered:
            return True
    return False


def _badge_repo(url: str) -> str | None:
    try:
        return urls.badge_repo(url)
    except ValueError:
        return None


def _title_votes(pending: list[Pending]) -> Callable[[object], bool]:
    """Whether the linked titles around a link are mostly papers, by scope (a table, or a
    section), falling back to the whole list where a scope has too few to tell. The votes
    are counted on the first question: a list whose titles are all cited with a venue, or
    typed by their column or section, never asks (`decide` settles those first), and
    counting costs a URL parse per title."""
    tally: dict[object, list[int]] = {}
    overall: list[bool] = []  # empty until counted

    def papers_in(scope: object) -> bool:
        if not overall:
            overall.append(_count_title_votes(pending, tally))
        papers, others = tally.get(scope, (0, 0))
        if papers + others < _MIN_VOTES:
            return overall[0]
        return papers >= others

    return papers_in


def _count_title_votes(pending: list[Pending], tally: dict[object, list[int]]) -> bool:
    """Fill `tally` (scope -> [papers, others]); whether the whole list's are mostly papers."""
    total = [0, 0]
    for link in pending:
        if not link.title or link.image or link.entry is None:
            continue
        kind = _roles.host_kind(link.url)
        if kind is Role.CODE or kind is Role.VIDEO or kind is Role.DEMO:
            continue  # the host decides these titles: no vote about the others
        paper = 0 if kind is Role.PAPER else 1
        counts = tally.setdefault(link.scope, [0, 0])
        counts[paper] += 1
        total[paper] += 1
    return total[0] >= total[1]


def _label_before(content: str, start: int) -> str:
    """The `Label:` written right before a bare URL on its line ("" when there is none)."""
    line_start = content.rfind("\n", 0, start) + 1
    m = _LABEL_BEFORE.search(content, max(line_start, start - 40), start)
    return _roles.written_label(m.group(1).strip(" -*")) if m else ""


# `[Website] (https://x)`: a space between `]` and `(`; `[[https://x)]`: a `[` closed by `)`.
_SPACED_LINK = re.compile(r"\][ \t]+\($")
_BRACKETED = re.compile(r"\[$")


def _broken_around(content: str, start: int, end: int) -> bool:
    """A bare URL standing where a Markdown link was meant but GitHub sees plain text:
    `[Website] (URL)` (a bracketed label, no link in it, a space, then the URL in
    parentheses) or `[URL)` (opened with a bracket, closed with a parenthesis)."""
    before = content[max(0, start - 4) : start]
    m = _SPACED_LINK.search(before)
    if m is not None:
        close = start - len(before) + m.start()  # the `]`
        opened = content.rfind("[", 0, close)
        label = content[opened:close] if opened >= 0 else "\n"
        return "](" not in label and "\n" not in label
    return bool(_BRACKETED.search(before)) and content[end : end + 1] == ")"
