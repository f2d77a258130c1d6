"""GFM's extended autolinks: bare `https://...` and `www.` URLs in text, ended where
GitHub's renderer (cmark-gfm) ends them."""

from __future__ import annotations

import html
import re

from ._raw import RawLink

# GFM's extended autolinks (cmark-gfm): a scheme not glued to a word before it, then up to
# whitespace, `<`, or a bracket (the inline parser splits text at brackets first).
_BARE_URL = re.compile(r"(?<![A-Za-z0-9/@.-])(?:https?|ftp)://[^\s<>`\[\]]+", re.IGNORECASE)
_WWW_URL = re.compile(r"(?<![^\s*_~(])www\.[A-Za-z0-9_-]+\.[^\s<>`\[\]]+", re.IGNORECASE)
_ENTITY_END = re.compile(r"&[A-Za-z0-9]+;$")
_TRAILING_PUNCT = "?!.,:;*_~'\""


def _trim_bare(url: str) -> str:
    """GFM's rules for where a bare URL ends: trailing punctuation and unmatched closers."""
    while url:
        last = url[-1]
        unmatched = (last == ")" and url.count("(") < url.count(")")) or (
            last == "]" and url.count("[") < url.count("]")
        )
        if last == ";" and _ENTITY_END.search(url):
            url = url[: _ENTITY_END.search(url).start()]  # type: ignore[union-attr]
            continue  # `https://x/i&amp;`: a trailing entity is not part of the URL
        if last not in _TRAILING_PUNCT and not unmatched:
            break
        url = url[:-1]
    return url


def bare_urls(s: str, opaque: list[tuple[int, int]], links: list[RawLink]) -> list[RawLink]:
    """The bare URLs and `www.` autolinks of `s` outside the links and opaque spans."""
    schemes = s.count("://")
    www = "www." in s
    if not www and (schemes == 0 or schemes == sum(link.raw.count("://") for link in links)):
        return []  # every URL in the text is one the links already hold
    taken = opaque + [(link.start, link.end) for link in links]
    out: list[RawLink] = []
    for pattern, prefix in ((_BARE_URL, ""), (_WWW_URL, "http://")):
        if prefix and not www:
            continue
        pos = 0
        while (m := pattern.search(s, pos)) is not None:
            span = _span_at(m.start(), taken)
            if span is not None:
                pos = max(m.start() + 1, span[1])  # a bare URL may start right after a link
                continue
            pos = m.end()
            raw = _trim_bare(m.group(0))
            if (not prefix and ("://" not in raw or raw.endswith("://"))) or not raw:
                continue
            end = m.start() + len(raw)
            url = prefix + (html.unescape(raw) if "&" in raw else raw)
            out.append(RawLink("bare", m.start(), end, raw, url, m.start(), m.start(), end))
            taken.append((m.start(), end))
    return out


def _span_at(pos: int, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    for a, b in spans:
        if a <= pos < b:
            return a, b
    return None
