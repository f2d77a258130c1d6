"""Turning Markdown source into the clean text a reader sees, and reading venues and years.

Kept free of tables of site knowledge: venue names live in `_roles.py` with the other data.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from ._inline import InlineScan
from ._raw import RawLink
from ._roles import VENUE_NAMES

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_EMPHASIS = re.compile(r"\*+|(?<!\w)_+|_+(?!\w)|~~")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_SHORT_YEAR = re.compile(r"['’](\d\d)\b")
_ONLY_YEAR = re.compile(r"^\(?((?:19|20)\d\d)\)?$")
_RENDER_SPECIAL = re.compile(r"[\\`<\[]")
_INVISIBLE = frozenset("\ufe0f\ufe0e\u200d\u20e3")
_MAX_DEPTH = 32
_LINK_SYNTAX = re.compile(r"!?\[|\]\([^()\s]*\)|\]")


def _unescaped(m: re.Match[str]) -> str:
    return m.group(1)


def unescape_markdown(text: str) -> str:
    if "\\" in text:
        text = _ESCAPE.sub(_unescaped, text)
    return text


def render(s: str, found: InlineScan, start: int = 0, end: int | None = None,
           in_link: bool = False, depth: int = 0) -> str:  # fmt: skip
    """The source s[start:end] as rendered text: link syntax, HTML tags and code-span
    backticks gone, images kept as their alt text only inside a link's text. Links nested
    deeper than `_MAX_DEPTH` in each other's text (`[![` a thousand times) are flattened
    by a plain strip instead of being rendered one inside the other."""
    stop = len(s) if end is None else end
    if depth > _MAX_DEPTH:
        return _LINK_SYNTAX.sub("", s[start:stop])
    if not found.links and not found.replaced:
        return unescape_markdown(s[start:stop])
    if _RENDER_SPECIAL.search(s, start, stop) is None:
        return s[start:stop]  # no construct can start in here
    spans: list[tuple[int, int, str | RawLink]] = [
        (a, b, plain) for a, b, plain in found.replaced if start <= a and b <= stop
    ]
    for link in found.links:
        if link.kind in ("markdown", "image") and start <= link.start and link.end <= stop:
            spans.append((link.start, link.end, link))
    if not spans:
        return unescape_markdown(s[start:stop])
    spans.sort(key=lambda span: (span[0], -span[1]))
    out: list[str] = []
    pos = start
    for a, b, what in spans:
        if a < pos:
            continue  # inside a construct already rendered (an image in a link's text)
        out.append(unescape_markdown(s[pos:a]))
        if isinstance(what, str):
            piece = what
        elif what.kind != "image" or in_link:
            key = (what.text_start, what.text_end)
            cached = found.rendered.get(key)
            if cached is None:
                cached = render(s, found, what.text_start, what.text_end, True, depth + 1)
                found.rendered[key] = cached
            piece = cached
        else:
            piece = ""
        out.append(piece)
        lost = s.count("\n", a, b) - piece.count("\n")
        if lost > 0:
            out.append("\n" * lost)  # keep line k of the output on line k of the source
        pos = b
    out.append(unescape_markdown(s[pos:stop]))
    return "".join(out)


def has_markup(text: str) -> bool:
    """Whether `text` may hold a link, code span, tag or escape (else it renders as is)."""
    return _RENDER_SPECIAL.search(text) is not None


def strip_symbols(text: str) -> str:
    """Drop emoji and other pictographs (headings like '🔥 **2025 Latest Papers**'); the
    replacement character that marks undecodable bytes stays."""
    if text.isascii():
        return text
    return "".join(
        ch
        for ch in text
        if ch not in _INVISIBLE and (ch == "\ufffd" or unicodedata.category(ch) != "So")
    )


def tidy(text: str) -> str:
    """Clean text: entities decoded, emphasis markers and emoji dropped, spaces collapsed."""
    if len(text) <= 40:
        return _tidy_short(text)  # link texts and cells: "Code", "paper", "CVPR 2021"
    return _tidy(text)


def _tidy(text: str) -> str:
    if "&" in text:
        text = html.unescape(text)
    if "*" in text or "_" in text or "~" in text:
        text = _EMPHASIS.sub("", text)
    if not text.isascii():
        return " ".join(strip_symbols(text).split())
    if (
        "  " in text or "\n" in text or "\t" in text or "\r" in text or "\x0b" in text
        or "\x0c" in text or "\x1c" in text or "\x1d" in text or "\x1e" in text
        or "\x1f" in text or text[:1] == " " or text[-1:] == " "
    ):  # fmt: skip
        return " ".join(text.split())
    # ASCII with single spaces only (no other character str.split() splits at): already
    # collapsed. Most long texts (a paragraph on one line) are; splitting them into words
    # to join them again was the costliest line of the walk.
    return text


_tidy_short = lru_cache(maxsize=4096)(_tidy)


def heading_text(rendered: str) -> str:
    """A heading's text as GitHub slugs it: entities decoded, emphasis markers gone, emoji
    and inner spaces kept (`🎯 **Core**` slugs to `-core`), the ends trimmed."""
    if "&" in rendered:
        rendered = html.unescape(rendered)
    if "*" in rendered or "_" in rendered or "~" in rendered:
        rendered = _EMPHASIS.sub("", rendered)
    return rendered.replace("\n", " ").strip()


def year_of(text: str) -> int | None:
    """The publication year a venue string states: 'CVPR 2021', 'Arxiv2023', "ICCV'23"."""
    m = _YEAR.search(text)
    if m:
        return int(m.group(1))
    m = _SHORT_YEAR.search(text)
    if m:
        return 2000 + int(m.group(1))
    return None


def only_year(text: str) -> int | None:
    """The year when `text` is nothing but a year ('2021', '(2021)')."""
    m = _ONLY_YEAR.match(text.strip())
    return int(m.group(1)) if m else None


def looks_like_venue(text: str) -> bool:
    """'[CVPR 2021]', '[ICASSP]', '[SIGGRAPH Asia 2022]' yes; '[Face2face]', '[DAVS]' no."""
    text = text.strip()
    if not text:
        return False
    if year_of(text) is not None:
        return True
    lowered = text.lower()
    if lowered in VENUE_NAMES:
        return True
    first = re.split(r"[\s,'’]+", lowered, maxsplit=1)[0]
    return first in VENUE_NAMES


def split_venue_suffix(text: str) -> tuple[str, str | None]:
    """'vid2vid NeurIPS'18' -> ('vid2vid', "NeurIPS'18"); 'Lumos SIGGRAPH Asia 2022' too."""
    words = text.split()
    for cut in range(1, len(words)):
        tail = " ".join(words[cut:])
        if (
            looks_like_venue(tail)
            and (year_of(tail) is not None or tail.lower() in VENUE_NAMES)
            and words[cut].lower().rstrip("'’0123456789") in VENUE_NAMES
        ):
            return " ".join(words[:cut]), tail
    return text, None
