"""The link-like constructs the inline and HTML scanners find, before they become `Link`s.

Its own module so that the two scanners (`_inline` calls `_html` for inline tags) share the
type without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import LinkFlag


@dataclass(slots=True)
class RawLink:
    """One link-like construct in an inline content string (offsets into that string)."""

    kind: str  # markdown | image | autolink | html | bare
    start: int  # first character of the whole construct
    end: int  # one past its last character
    raw: str  # the URL exactly as written
    url: str  # the URL with escapes and entities resolved
    url_start: int  # offset of `raw` (for an empty destination: of its `(`... `)`)
    text_start: int = 0  # the link text is content[text_start:text_end]
    text_end: int = 0
    flags: set[LinkFlag] = field(default_factory=set)
    title_text: str | None = None  # for HTML anchors: their inner text, already plain
