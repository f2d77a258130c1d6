"""HTML inside Markdown: `<a href>`/`<img src>` tags, and `<table>` blocks whose rows are entries.

beautifulsoup4 decodes what HTML means (attribute values with entities, a cell's text);
regular expressions find where things stand, because bs4 keeps no offsets. HTML comments
are blanked out (same length, newlines kept) before anything is looked for, so a link
inside `<!-- -->` is never reported and every offset still matches the source.
"""

from __future__ import annotations

import html
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, Tag

from ..model import LinkFlag
from ._raw import RawLink

_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_URL_ATTRIBUTE = re.compile(
    r"""(?i)\b(href|herf|src|srcset|poster)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))"""
)
_TAG = re.compile(r"<(a|img|source|video|audio)\b[^>]*>", re.IGNORECASE)
_CLOSE_A = re.compile(r"</a\s*>", re.IGNORECASE)
_ROW = re.compile(r"<tr\b[^>]*>", re.IGNORECASE)
_ROW_END = re.compile(r"</tr\s*>|</table\s*>", re.IGNORECASE)
_CELL = re.compile(r"<t([dh])\b[^>]*>", re.IGNORECASE)
_CELL_END = re.compile(r"</t[dh]\s*>|</tr\s*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]*>")

# The attribute that carries a tag's URL, in order of preference, and the flag a fallback earns.
URL_ATTRIBUTES: dict[str, tuple[tuple[str, LinkFlag | None], ...]] = {
    "a": (("href", None), ("herf", LinkFlag.HERF)),
    "img": (("src", None), ("srcset", None)),
    "source": (("src", None), ("srcset", None)),  # <picture>, <video>, <audio> sources
    "video": (("src", None), ("poster", None)),
    "audio": (("src", None),),
}
# Tags whose URL is media shown in place (like an image), not a link to follow.
MEDIA_TAGS = frozenset({"img", "source", "video", "audio"})


def blank_comments(text: str) -> str:
    """`text` with every HTML comment replaced by spaces (newlines kept)."""
    if "<!--" not in text:
        return text
    return _COMMENT.sub(_blanked, text)


def _blanked(m: re.Match[str]) -> str:
    # one run of spaces per line of the comment, rather than a substitution per character
    return "\n".join(" " * len(part) for part in m.group(0).split("\n"))


def _soup(markup: str) -> BeautifulSoup:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(markup, "html.parser")


def _attrs_of(element: Tag) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in element.attrs.items():
        out[str(name).lower()] = " ".join(value) if isinstance(value, list) else str(value)
    return out


@lru_cache(maxsize=4096)
def _attributes(tag: str) -> dict[str, str]:
    """The attributes of one start tag, decoded by bs4 (lower-case names)."""
    element = _soup(tag).find(True)
    return _attrs_of(element) if isinstance(element, Tag) else {}


def tag_links(
    s: str, start: int, end: int, name: str, attrs: dict[str, str] | None = None
) -> list[RawLink]:
    """The URL of the `<a>` or `<img>` start tag at s[start:end], with where it stands.
    `attrs`: the tag's attributes when bs4 already decoded them (a whole HTML block)."""

    tag = s[start:end]
    if attrs is None:
        attrs = _attributes(tag)
    name = name.lower()
    for attribute, flag in URL_ATTRIBUTES.get(name, ()):
        if attribute not in attrs:
            continue
        value_pos = -1
        raw = attrs[attribute]
        for m in _URL_ATTRIBUTE.finditer(tag):
            if m.group(1).lower() == attribute:
                group = next(g for g in (2, 3, 4) if m.group(g) is not None)
                raw = m.group(group)
                value_pos = start + m.start(group)
                break
        if value_pos < 0:
            value_pos = start
        text_start = text_end = end
        if name == "a":
            close = _CLOSE_A.search(s, end)
            if close is not None:
                text_end = close.start()
        flags: set[LinkFlag] = {flag} if flag else set()
        if attribute == "srcset":  # "a.png 1x, a-2x.png 2x": the first candidate's URL
            raw = raw.strip().split(",", 1)[0].split(None, 1)[0] if raw.strip() else raw
        stripped = raw.strip()
        value_pos += len(raw) - len(raw.lstrip())
        url = html.unescape(stripped)
        link = RawLink("html", start, end, stripped, url, value_pos, text_start, text_end, flags)
        if name in MEDIA_TAGS:
            link.title_text = attrs.get("alt", "")
        return [link]
    return []


def cell_text(fragment: str) -> str:
    """The text of a small HTML fragment (a cell, a link's text) as a reader sees it."""
    if "<" in fragment:
        fragment = _TAGS.sub(" ", fragment)
    return html.unescape(fragment) if "&" in fragment else fragment


@dataclass
class HtmlCell:
    start: int
    end: int
    header: bool
    text: str


@dataclass
class HtmlRow:
    start: int
    end: int
    cells: list[HtmlCell] = field(default_factory=list)


@dataclass
class HtmlBlockScan:
    rows: list[HtmlRow]
    links: list[RawLink]
    text: str = ""  # the block with its comments blanked out (offsets unchanged)


def scan_block(content: str) -> HtmlBlockScan:
    """Rows, cells and URL-carrying tags of one HTML block (comments already ignored)."""
    text = blank_comments(content)
    links: list[RawLink] = []
    found = list(_TAG.finditer(text))
    if not found and not _ROW.search(text):
        return HtmlBlockScan([], [], text)  # a comment, a <p align>, a <details>: nothing to read
    # One bs4 parse of the block's URL-carrying tags decodes their attributes; the regex
    # says where each tag stands. They list the same tags in the same order; if they ever
    # disagree, each tag is parsed on its own instead.
    tags = "".join(m.group(0) + ("</a>" if m.group(1).lower() == "a" else "") for m in found)
    elements = [e for e in _soup(tags).find_all(list(URL_ATTRIBUTES)) if isinstance(e, Tag)]
    paired = len(elements) == len(found) and all(
        e.name == m.group(1).lower() for e, m in zip(elements, found, strict=False)
    )
    for n, m in enumerate(found):
        attrs = _attrs_of(elements[n]) if paired else None
        links.extend(tag_links(text, m.start(), m.end(), m.group(1), attrs))
    rows: list[HtmlRow] = []
    for m in _ROW.finditer(text):
        stop = _ROW_END.search(text, m.end())
        nxt = _ROW.search(text, m.end())
        row_end = len(text)
        if stop is not None:
            row_end = stop.start()
        if nxt is not None and nxt.start() < row_end:
            row_end = nxt.start()
        row = HtmlRow(m.start(), row_end)
        for c in _CELL.finditer(text, m.end(), row_end):
            close = _CELL_END.search(text, c.end(), row_end)
            nxt_cell = _CELL.search(text, c.end(), row_end)
            cell_end = close.start() if close is not None else row_end
            if nxt_cell is not None and nxt_cell.start() < cell_end:
                cell_end = nxt_cell.start()
            inner = text[c.end() : cell_end]
            row.cells.append(
                HtmlCell(c.start(), cell_end, c.group(1).lower() == "h", cell_text(inner))
            )
        rows.append(row)
    return HtmlBlockScan(rows, links, text)


def strip_tags(fragment: str) -> str:
    """Cheap tag removal for short inline fragments (link texts)."""
    return _TAGS.sub("", fragment) if "<" in fragment else fragment
