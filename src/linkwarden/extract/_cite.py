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
        if inner and "@" not in inner and "://" not in inner:
            return " ".join(inner.split())
    return None
