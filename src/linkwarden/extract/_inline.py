"""A fast scanner for the links inside one block's inline content.

markdown-it-py gives us the block structure (lists, tables, headings, fences, HTML blocks);
its inline parser is too slow for a 20 MB list and, more to the point, keeps no source
positions. This scanner reads the same inline content markdown-it would see and finds what
CommonMark calls links, images and autolinks, plus raw HTML `<a href>`/`<img src>` and bare
`http(s)://` URLs, each with the offset where its URL starts. It follows CommonMark where
the lists depend on it (code spans hide brackets, a link inside another link's text wins,
destinations may hold balanced parentheses, `[text](\\n)` may span lines) and, where
CommonMark would silently give up, it keeps the URL and says why in `flags`:

- `nested`: a link inside another link's text, or a link written as another's destination;
- `unbalanced`: a destination that never closes, or a stray `[`/`]` next to a link;
- `herf`: an HTML anchor whose URL sits in a misspelt `herf` attribute.

Tests compare its links with markdown-it's own inline parser on every bundled list.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from markdown_it.common.utils import normalizeReference, unescapeAll
from markdown_it.helpers import parseLinkTitle

from ..model import LinkFlag
from . import _html
from ._autolink import bare_urls
from ._raw import RawLink

_SPECIAL = re.compile(r"[\\`<\[\]]")
_BACKTICKS = re.compile(r"`+")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9.+-]{1,31}:[^\s<>]*)>")
_EMAIL_AUTOLINK = re.compile(
    r"<([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)>"
)
_ATTRIBUTE = r"""(?:\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)"""
_OPEN_TAG = re.compile(rf"<([A-Za-z][A-Za-z0-9-]*)({_ATTRIBUTE}*)\s*/?>")
_CLOSE_TAG = re.compile(r"</([A-Za-z][A-Za-z0-9-]*)\s*>")
_OTHER_HTML = re.compile(r"<\?.*?\?>|<![A-Za-z][^>]*>|<!\[CDATA\[.*?\]\]>", re.DOTALL)
_NESTED_DEST = re.compile(r"^\[([^\]]*)\]\((.*)\)$", re.DOTALL)
_URLISH = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:|/|\./|\.\./|#)")
_SALVAGE = re.compile(r"[^\s)\]]+")
# A destination run without parentheses, spaces, controls or escapes: the common case.
_PLAIN_DEST = re.compile(r"[^\s()\\<\x00-\x1f\x7f]*")
# `(` + such a run + `)`: a whole inline destination, the common case
_SIMPLE_DEST = re.compile(r"\(([^\s()\\<\x00-\x1f\x7f]+)\)")
# `[text](dest)` whose text holds none of the characters scan() stops at
_SIMPLE_LINK = re.compile(r"\[[^\\`<\[\]]*\]\(([^\s()\\<\x00-\x1f\x7f]+)\)")


@dataclass
class InlineScan:
    """What the scanner found in one inline content string."""

    links: list[RawLink]
    # regions that render as something other than their source text: (start, end, plain)
    replaced: list[tuple[int, int, str]]
    code_spans: list[tuple[int, int, str]]
    # link texts already rendered, by (start, end): `[![[![...` nests thousands deep
    rendered: dict[tuple[int, int], str] = field(default_factory=dict)


def _skip_space(s: str, pos: int, n: int, newline_ok: bool = True) -> int:
    seen_newline = False
    while pos < n:
        ch = s[pos]
        if ch in " \t":
            pos += 1
        elif ch == "\n" and newline_ok and not seen_newline:
            seen_newline = True
            pos += 1
        else:
            break
    return pos


@dataclass(slots=True)
class _Dest:
    ok: bool
    raw: str = ""
    url: str = ""
    url_start: int = 0
    end: int = 0


def _inline_destination(s: str, pos: int, n: int) -> _Dest:
    """Parse `(dest "title")` starting at the `(` at `pos`."""
    open_paren = pos
    pos = _skip_space(s, pos + 1, n)
    if pos >= n:
        return _Dest(False, url_start=open_paren + 1)
    if s[pos] == ")":
        return _Dest(True, "", "", open_paren, pos + 1)
    res_ok, res_pos, url = _destination(s, pos, n)
    if not res_ok:
        return _Dest(False, url_start=pos)
    raw_start = pos + 1 if s[pos] == "<" else pos
    raw_end = res_pos - 1 if s[pos] == "<" else res_pos
    raw = s[raw_start:raw_end]
    after = _skip_space(s, res_pos, n)
    if after < n and after > res_pos and s[after] in "\"'(":
        title = parseLinkTitle(s, after, n)
        if title.ok:
            after = _skip_space(s, title.pos, n)
    if after < n and s[after] == ")":
        return _Dest(True, raw, url, raw_start, after + 1)
    return _Dest(False, raw, url, raw_start)


def _destination(s: str, pos: int, n: int) -> tuple[bool, int, str]:
    """CommonMark's link destination at `pos`: (ok, end, unescaped URL).

    The same rules as markdown-it's parseLinkDestination (angle brackets, or a run without
    spaces and controls whose parentheses balance), with a regular expression for the run
    that almost every real destination is."""
    if s[pos] == "<":
        close = pos + 1
        while close < n:
            ch = s[close]
            if ch in "\n<":
                return False, pos, ""
            if ch == ">":
                return True, close + 1, unescapeAll(s[pos + 1 : close])
            close += 2 if ch == "\\" else 1
        return False, pos, ""
    end = _PLAIN_DEST.match(s, pos, n).end()  # type: ignore[union-attr]
    if end >= n or s[end] not in "(\\":
        if end == pos:
            return False, pos, ""
        return True, end, s[pos:end]
    level = 0
    cur = pos
    while cur < n:
        ch = s[cur]
        if ch == " " or ord(ch) < 0x20 or ch == "\x7f":
            break
        if ch == "\\" and cur + 1 < n:
            if s[cur + 1] == " ":
                break
            cur += 2
            continue
        if ch == "(":
            level += 1
            if level > 32:
                return False, pos, ""
        elif ch == ")":
            if level == 0:
                break
            level -= 1
        cur += 1
    if cur == pos or level != 0:
        return False, pos, ""
    return True, cur, unescapeAll(s[pos:cur])


def _salvage_url(s: str, pos: int, n: int) -> tuple[str, int] | None:
    """The URL-looking run at `pos` of a destination CommonMark rejected; a `)` that closes
    a `(` inside it belongs to it (`https://x/a(b) more` -> `https://x/a(b)`)."""
    m = _SALVAGE.match(s, pos, n)
    if not m or not _URLISH.match(m.group(0)):
        return None
    end = m.end()
    while end < n and s[end] == ")" and s.count("(", pos, end) > s.count(")", pos, end):
        end += 1
        more = _SALVAGE.match(s, end, n)
        if more is not None:
            end = more.end()
    return s[pos:end], end


@dataclass(slots=True)
class _Opener:
    pos: int
    image: bool
    active: bool = True


NOTHING_FOUND = InlineScan([], [], [])  # shared: never modified


def _may_hold_link(s: str) -> bool:
    """Whether `s` holds a character a construct starts with, `://` or `www.` (the
    autolinks `bare_urls` finds start with it as written). Substring tests: a regular
    expression with alternatives tries every position of the prose paragraphs (most
    blocks), several times slower."""
    return "[" in s or "]" in s or "<" in s or "`" in s or "\\" in s or "://" in s or "www." in s


def scan(s: str, references: dict[str, dict[str, str]] | None = None) -> InlineScan:
    """Find every link, image, autolink, HTML anchor and bare URL in `s`."""
    if not _may_hold_link(s):
        return NOTHING_FOUND
    n = len(s)
    links: list[RawLink] = []
    replaced: list[tuple[int, int, str]] = []
    code_spans: list[tuple[int, int, str]] = []
    openers: list[_Opener] = []
    opaque: list[tuple[int, int]] = []  # bare URLs are not looked for inside these
    pos = 0
    while True:
        m = _SPECIAL.search(s, pos)
        if m is None:
            break
        pos = m.start()
        ch = s[pos]
        if ch == "\\":
            pos += 2
            continue
        if ch == "`":
            run = _BACKTICKS.match(s, pos)
            assert run is not None
            width = run.end() - pos
            close = pos + width
            found = -1
            while True:
                nxt = _BACKTICKS.search(s, close)
                if nxt is None:
                    break
                if nxt.end() - nxt.start() == width:
                    found = nxt.start()
                    break
                close = nxt.end()
            if found < 0:
                pos += width
                continue
            inner = s[pos + width : found].replace("\n", " ")
            if inner.startswith(" ") and inner.endswith(" ") and inner.strip():
                inner = inner[1:-1]
            end = found + width
            code_spans.append((pos, end, inner))
            replaced.append((pos, end, inner))
            opaque.append((pos, end))
            pos = end
            continue
        if ch == "<":
            pos = _angle(s, pos, n, links, replaced, opaque)
            continue
        if ch == "[":
            image = pos > 0 and s[pos - 1] == "!" and not (pos > 1 and s[pos - 2] == "\\")
            simple = _SIMPLE_LINK.match(s, pos)
            if simple is not None:
                # `[text](url)` with nothing special in either: the link the `]` branch
                # below would make, found in one step
                raw_dest = simple.group(1)
                close = simple.start(1) - 2  # the `]`
                link = RawLink(
                    "image" if image else "markdown",
                    pos - 1 if image else pos,
                    simple.end(),
                    raw_dest,
                    unescapeAll(raw_dest) if "&" in raw_dest else raw_dest,
                    close + 2,
                    pos + 1,
                    close,
                    set(),
                )
                if raw_dest.startswith("["):
                    links.extend(_split_nested_destination(link))
                else:
                    links.append(link)
                opaque.append((close + 1, simple.end()))
                if not image:
                    for earlier in openers:
                        if not earlier.image:
                            earlier.active = False
                pos = simple.end()
                continue
            openers.append(_Opener(pos - 1 if image else pos, image))
            pos += 1
            continue
        # ch == "]"
        if not openers:
            pos += 1
            continue
        opener = openers.pop()
        text_start = opener.pos + (2 if opener.image else 1)
        after = pos + 1
        if after < n and s[after] == "(":
            plain = _SIMPLE_DEST.match(s, after)
            if plain is not None:
                # `(url)` with nothing to unescape or balance: what _inline_destination
                # would return, without its general path
                raw_dest = plain.group(1)
                url = unescapeAll(raw_dest) if "&" in raw_dest else raw_dest
                dest = _Dest(True, raw_dest, url, after + 1, plain.end())
            else:
                dest = _inline_destination(s, after, n)
            if dest.ok:
                flags: set[LinkFlag] = set()
                if not opener.active:
                    flags.add(LinkFlag.NESTED)
                link = RawLink(
                    "image" if opener.image else "markdown",
                    opener.pos,
                    dest.end,
                    dest.raw,
                    dest.url,
                    dest.url_start,
                    text_start,
                    pos,
                    flags,
                )
                if dest.raw.startswith("["):
                    links.extend(_split_nested_destination(link))
                else:
                    links.append(link)
                opaque.append((after, dest.end))
                if not opener.image:
                    for earlier in openers:
                        if not earlier.image:
                            earlier.active = False
                pos = dest.end
                continue
            salvaged = _salvage_url(s, dest.url_start, n)
            if salvaged is not None:
                raw, end = salvaged
                links.append(
                    RawLink(
                        "image" if opener.image else "markdown",
                        opener.pos,
                        end,
                        raw,
                        unescapeAll(raw),
                        dest.url_start,
                        text_start,
                        pos,
                        {LinkFlag.UNBALANCED},
                    )
                )
                opaque.append((after, end))
                pos = end
                continue
        elif references:
            ref = _reference(s, pos, n, opener, references)
            if ref is not None:
                label_end, href = ref
                link = RawLink(
                    "image" if opener.image else "markdown",
                    opener.pos,
                    label_end,
                    href,
                    href,
                    -1,  # the URL stands in the definition, found by the caller
                    text_start,
                    pos,
                    set(),
                )
                links.append(link)
                pos = label_end
                continue
        pos += 1
    links.extend(bare_urls(s, opaque, links))
    links.sort(key=lambda link: link.url_start if link.url_start >= 0 else link.start)
    _flag_stray_brackets(s, links)
    if "\n" in s:
        for link in links:
            if s.find("\n", link.start, max(link.end, link.text_end)) >= 0:
                link.flags.add(LinkFlag.MULTILINE)
    return InlineScan(links, replaced, code_spans)


def _reference(
    s: str, pos: int, n: int, opener: _Opener, references: dict[str, dict[str, str]]
) -> tuple[int, str] | None:
    """A full, collapsed or shortcut reference link closing at `pos`."""
    text = s[opener.pos + (2 if opener.image else 1) : pos]
    label = text
    end = pos + 1
    if end < n and s[end] == "[":
        close = s.find("]", end + 1)
        if close > 0:
            inner = s[end + 1 : close]
            if inner:
                label = inner
            end = close + 1
    ref = references.get(normalizeReference(label))
    if ref is None:
        return None
    return end, ref.get("href", "")


def _split_nested_destination(link: RawLink) -> list[RawLink]:
    """`[paper]([https://a](https://b))`: CommonMark takes `[https://a](https://b)` as the
    destination; the author meant one of two URLs. Report both, flagged."""
    m = _NESTED_DEST.match(link.raw) if link.raw.startswith("[") else None
    if m is None:
        return [link]
    out: list[RawLink] = []
    inner_text, inner_dest = m.group(1), m.group(2)
    for raw, offset in ((inner_text, 1), (inner_dest, len(inner_text) + 3)):
        raw = raw.strip()
        if raw and _URLISH.match(raw):
            out.append(
                RawLink(
                    link.kind,
                    link.start,
                    link.end,
                    raw,
                    unescapeAll(raw),
                    link.url_start + offset,
                    link.text_start,
                    link.text_end,
                    link.flags | {LinkFlag.NESTED},
                )
            )
    return out or [link]


def _angle(
    s: str,
    pos: int,
    n: int,
    links: list[RawLink],
    replaced: list[tuple[int, int, str]],
    opaque: list[tuple[int, int]],
) -> int:
    """Autolinks, comments and raw HTML starting with the `<` at `pos`; returns where to go on."""
    if s.startswith("<!--", pos):
        end = s.find("-->", pos + 4)
        if end < 0:
            return pos + 1
        replaced.append((pos, end + 3, ""))
        opaque.append((pos, end + 3))
        return end + 3
    m = _AUTOLINK.match(s, pos)
    if m:
        raw = m.group(1)
        url = html.unescape(raw) if "&" in raw else raw
        links.append(RawLink("autolink", pos, m.end(), raw, url, pos + 1, pos + 1, m.end() - 1))
        replaced.append((pos, m.end(), raw))
        opaque.append((pos, m.end()))
        return m.end()
    m = _EMAIL_AUTOLINK.match(s, pos)
    if m:
        address = m.group(1)
        links.append(
            RawLink("autolink", pos, m.end(), address, "mailto:" + address, pos + 1, pos + 1,
                    m.end() - 1)
        )  # fmt: skip
        replaced.append((pos, m.end(), address))
        opaque.append((pos, m.end()))
        return m.end()
    m = _OPEN_TAG.match(s, pos)
    if m:
        replaced.append((pos, m.end(), ""))
        opaque.append((pos, m.end()))
        name = m.group(1).lower()
        if name in _html.URL_ATTRIBUTES:
            links.extend(_html.tag_links(s, m.start(), m.end(), name))
        return m.end()
    m = _CLOSE_TAG.match(s, pos) or _OTHER_HTML.match(s, pos)
    if m:
        replaced.append((pos, m.end(), ""))
        opaque.append((pos, m.end()))
        return m.end()
    return pos + 1


def _flag_stray_brackets(s: str, links: list[RawLink]) -> None:
    """`[Project](url)]` or `[[Code](url)`: a bracket that pairs with nothing next to a link."""
    for link in links:
        if link.kind != "markdown" or LinkFlag.NESTED in link.flags:
            continue
        before = s[link.start - 1] if link.start > 0 else ""
        after = s[link.end] if link.end < len(s) else ""
        if (after == "]") != (before == "["):
            link.flags.add(LinkFlag.UNBALANCED)
