"""How an entry is cited: its title, venue and year, from the text around its links.

Pure functions over the blocks the walk collected (see docs/extraction.md).
"""

from __future__ import annotations

import re

from . import _roles, _text
from ._pending import Block, Pending
from ._raw import RawLink

_BRACKET_PREFIX = re.compile(r"^\s*((?:\[[^\[\]]*\]\s*)+)")
_BRACKET_GROUP = re.compile(r"\[([^\[\]]*)\]")
_TITLE_JUNK = " \t[](){}.,;:-–—|*_`"


def column_of(headers: list[str], names: frozenset[str], default: int) -> int:
    for n, header in enumerate(headers):
        if header in names:
            return n
    return default


def column_with_word(headers: list[str], words: frozenset[str], default: int) -> int:
    """The first column whose header holds one of `words` ("Title & Authors", "Pub. & Date")."""
    for n, header in enumerate(headers):
        if words & set(header.split()):
            return n
    return default


_TITLE_WORDS = frozenset({"title", "titles"})
_DATE_CELL = re.compile(r"^\W*(?:(?:19|20)\d\d(?:[-/.]\d{1,2}){0,2}|\d{1,2}[-/.](?:19|20)\d\d)\W*$")


def title_column(headers: list[str], rows: list[list[str]], taken: tuple[int, ...]) -> int:
    """Which column names the entry: the one its header calls the title; else the first,
    unless that holds dates (`2024-05`), then the column with the longest text."""
    named = column_of(headers, _roles.TITLE_HEADERS, -1)
    if named < 0:
        named = column_with_word(headers, _TITLE_WORDS, -1)
    if named >= 0:
        return named
    cells = [row[0].strip() for row in rows if row and row[0].strip()]
    if sum(1 for cell in cells if _DATE_CELL.match(cell)) * 2 <= len(cells):
        return 0
    return _longest(rows, (*taken, 0), 0)


def _longest(rows: list[list[str]], skip: tuple[int, ...], default: int) -> int:
    width = max((len(row) for row in rows), default=0)
    best, best_len = default, -1.0
    for col in range(width):
        if col in skip:
            continue
        lengths = [len(row[col]) for row in rows if col < len(row)]
        average = sum(lengths) / len(lengths) if lengths else 0.0
        if average > best_len:
            best, best_len = col, average
    return best


def title_link_in(links: list[tuple[RawLink, Pending]]) -> tuple[RawLink, Pending] | None:
    """The link that is a table cell's title: its first link with a text of its own (not
    a label, not an image, not a badge wrapped in a link)."""
    for raw, link in links:
        if raw.kind == "image" or link.image or link.wraps_image or not link.text:
            continue
        if raw.kind in ("bare", "autolink") or _roles.label_role(link.text)[0]:
            continue
        return raw, link
    return None


def split_prefix(text: str) -> tuple[str | None, str]:
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


def title_link(block: Block) -> tuple[RawLink | None, Pending | None]:
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


def first_link_start(block: Block) -> int:
    starts = [raw.start for raw in block.found.links]
    return min(starts) if starts else len(block.content)


def entry_text(blocks: list[Block], first_line: int, last_line: int) -> str:
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


def fallback_title(block: Block) -> str:
    text = block.plain
    for raw, _ in block.links:
        if raw.kind in ("bare", "autolink"):
            text = text.replace(raw.raw, " ")
    return clean_title(text)


def clean_title(text: str) -> str:
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


def dataset_year(title: str) -> tuple[str, int | None]:
    """'CREMA-D 2014' -> ('CREMA-D', 2014): a dataset list's trailing year."""
    m = re.match(r"^(.*\S)\s+((?:19|20)\d\d)$", title)
    if m is None:
        return title, None
    return m.group(1), int(m.group(2))


def code_span_venue(block: Block) -> str | None:
    """`CVPR 2021` in backticks outside any link text (the numbered-list layout)."""
    spans = [(raw.start, raw.end) for raw in block.found.links if raw.kind == "markdown"]
    for start, _, inner in block.found.code_spans:
        if any(a <= start < b for a, b in spans):
            continue
        inner = inner.strip()
        if inner and "@" not in inner and "://" not in inner and _text.looks_like_venue(inner):
            return " ".join(inner.split())
    return None


# `**Title**` or `__Title__`: the strong emphasis many lists put around a paper's title.
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)")
# What may stand before a bold title: numbering, stars, `(Venue Year)`, `[tag]` groups.
_DECORATION = re.compile(r"^(?:\s|\d+[.)]|[^\w\s(\[]|\([^()]*\)|\[[^\[\]]*\])*$")
_TRAILING_BRACKET = re.compile(r"\s*\[([^\[\]]*)\]\s*$")
_CHUNK = re.compile(r"[^.()\[\]|;]+")
# A year standing alone: not part of a number, an ID (2006.14613) or a path; a month may
# follow it (2024-05).
_CITED_YEAR = re.compile(r"(?<![\w/.-])((?:19|20)\d\d)(?![\w/]|\.\d|-\d{3})")
_PAREN_YEAR = re.compile(r"\s*\((?:19|20)\d\d\)")
_ET_AL = re.compile(r",\s*[^,]{1,60}?\bet\s+al\b\.?", re.IGNORECASE)
_MONTHS = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s*", re.IGNORECASE
)


def bold_title(block: Block) -> str | None:
    """The entry's title when the list sets it in bold at the start of its text:
    `**Title.** NeurIPS 2018. [paper](..)`, `(CVPR 2023) [💬Tag] **Title**, A. Author et al.`."""
    content = block.content
    if "**" not in content and "__" not in content:
        return None
    first_link = min((raw.start for raw in block.found.links), default=len(content))
    m = _STRONG.search(content, 0, first_link)
    if m is None or not _DECORATION.match(_text.tidy(content[: m.start()])):
        return None
    inner = m.group(1) or m.group(2) or ""
    title = clean_title(_text.tidy(_text.unescape_markdown(inner)))
    return title if len(title) > 1 else None


def trailing_venue(title: str) -> tuple[str, str | None]:
    """'Title [arXiv 2024]' -> ('Title', 'arXiv 2024'): a venue in brackets after the title."""
    m = _TRAILING_BRACKET.search(title)
    if m is None or not _text.looks_like_venue(m.group(1)):
        return title, None
    return title[: m.start()].rstrip(), " ".join(m.group(1).split())


def strip_citation(title: str) -> str:
    """A plain-text title without what a citation appends to it: '(2014), J. Yosinski et
    al', ', K. He et al., *CVPR 2016*', ', arXiv, May 2023'. The year stays in the entry's
    text, where `cited_venue` finds it."""
    cut = len(title)
    for pattern in (_PAREN_YEAR, _ET_AL):
        m = pattern.search(title)
        if m is not None and m.start() > 0:
            cut = min(cut, m.start())
    parts = title[:cut].split(", ")
    keep = len(parts)
    while keep > 1 and _venue_or_date(parts[keep - 1]):
        keep -= 1
    if keep < len(parts) and any(_CITED_YEAR.search(p) for p in parts[keep:]):
        return ", ".join(parts[:keep]).rstrip(" ,")
    return title[:cut].rstrip(" ,")


def _venue_or_date(part: str) -> bool:
    part = part.strip(" *_")
    if _MONTHS.sub("", part).strip(" ,").isdigit():
        return True  # "May 2023", "2023"
    return _text.looks_like_venue(part) and len(part.split()) <= 4


def cited_venue(text: str) -> tuple[str | None, int | None]:
    """The venue and year a citation states outside its title: 'NeurIPS 2018.',
    '(arXiv preprint 2022)', '*ICML 2019*', 'Mar., 2024'. The year is the first
    four-digit year of 19xx or 20xx standing alone; the venue is the words before it."""
    for chunk in _CHUNK.finditer(text):
        part = chunk.group(0)
        m = _CITED_YEAR.search(part)
        if m is None:
            continue
        words = _MONTHS.sub(" ", part[: m.start()]).strip(" ,:-–—*_'\"")
        venue = " ".join(words.split()[-6:]) if words else ""
        if venue and not _text.looks_like_venue(venue) and len(words.split()) > 6:
            venue = ""
        return (f"{venue} {m.group(1)}" if venue else None), int(m.group(1))
    return None, None


_LIST_VENUE = re.compile(r"^\s*([A-Za-z][A-Za-z&-]*(?: [A-Za-z]+)?)\s*'?((?:19|20)\d\d)\b")


def list_venue(title: str) -> tuple[str | None, int | None]:
    """'CVPR 2024 论文和开源项目合集' -> ('CVPR 2024', 2024): a list of one conference year."""
    m = _LIST_VENUE.match(title)
    if m is None or m.group(1).lower() not in _roles.VENUE_NAMES:
        return None, None
    return f"{m.group(1)} {m.group(2)}", int(m.group(2))


# What may remain of an item once its links are taken out, for it to be only a label:
# `Paper:`, `地址：`, `[[pdf]] [[code]]`, `-`.
_LABEL_ONLY = re.compile(r"^[\W_]*(?:[^\W\d_][\w ./-]{0,30}?\s*[:：])?[\W_]*$")


def label_only(blocks: list[Block]) -> bool:
    """The blocks say nothing but labelled links: `- Paper: https://...`, `地址：URL`."""
    for block in blocks:
        rest = block.plain
        for raw, link in block.links:
            is_label, _ = _roles.label_role(link.text)
            if raw.kind in ("bare", "autolink"):
                rest = rest.replace(raw.raw, " ", 1)
            elif is_label or not link.text:
                rest = rest.replace(link.text, " ", 1)
            else:
                return False  # a link with a title of its own
        if not _LABEL_ONLY.match(rest):
            return False
    return True
