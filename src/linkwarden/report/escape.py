"""Making untrusted text safe for each output format.

Everything that comes from a list (titles, link text, URLs) or from a remote server
(page titles, API metadata, error reasons) is untrusted. Each format has one function here
and the renderers never write untrusted text any other way.

Markdown (GitHub-flavoured) — `md_text`:
- the characters GitHub-flavoured Markdown gives an inline meaning to are backslash-escaped
  (`\\`, `` ` ``, `*`, `_`, `[`, `]`, `~`, `$` for math, `#`), so a title cannot open a
  link, an image, emphasis, a code span or a formula; `-`, `+`, `=` and `1.` are escaped
  where they would start a block;
- `|` is escaped as `\\|`, which GFM honours inside table cells, so it cannot split a cell;
- `<`, `>` and `&` become `&lt;`, `&gt;` and `&amp;`: no raw HTML, no entity tricks;
- `@` becomes `@&#8203;` (a zero-width space after the at sign). GitHub shows
  `@someone` unchanged to the reader but no longer sees a mention, so nobody is notified.
  We chose the entity over backticks because a code span would change how every title
  with an `@` looks, and over a literal U+200B so the file stays plain ASCII in a diff;
- bare URLs, `www.` and `#123` in untrusted text get the same zero-width space (before
  `://`, after `www`, after `#`), so GFM cannot turn text into a link or an issue reference;
- line breaks and other control characters become spaces, so text cannot end a table row
  or start a heading.

Links the report makes itself go through `md_link`: only `http`/`https` targets become
links, and characters that could end the destination are percent-encoded.

HTML has Jinja's autoescape; `safe_href` keeps `javascript:` and other schemes out of
`href`, and `json_for_script` embeds data in `<script type="application/json">`.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

ZWSP = "&#8203;"

# Characters that carry meaning anywhere inline in GitHub-flavoured Markdown: emphasis,
# code spans, links, strikethrough, table cells, math ($) and issue references (#).
_MD_INLINE = set("\\`*_[]|~$#")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_AUTOLINK_SCHEME = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{1,30})(://)")
_WWW = re.compile(r"(?i)\b(www)(\.)")
_ISSUE_REF = re.compile(r"\\#(?=\d)")
_LIST_MARKER = re.compile(r"^(\d{1,9})([.)])")

_URL_UNSAFE = {
    " ": "%20",
    '"': "%22",
    "<": "%3C",
    ">": "%3E",
    "\\": "%5C",
    "`": "%60",
    "|": "%7C",
    "(": "%28",
    ")": "%29",
    "[": "%5B",
    "]": "%5D",
    "{": "%7B",
    "}": "%7D",
}


def one_line(text: str) -> str:
    """Control characters and line breaks become single spaces; ends are trimmed."""
    return _CONTROL.sub(" ", text).strip()


def md_text(text: str | None, *, line_start: bool = False, autolinks: bool = True) -> str:
    """Untrusted text as literal GitHub-flavoured Markdown (safe inside a table cell).

    `line_start`: the text begins a line (a list item, a blockquote), so block markers
    (`-`, `+`, `=`, `1.`) are escaped too. `autolinks=False` leaves `://` and `www.` alone,
    for link text, where GFM never makes a link inside a link.
    """
    if not text:
        return ""
    text = one_line(text)
    out: list[str] = []
    for ch in text:
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch == "@":
            out.append("@" + ZWSP)
        elif ch in _MD_INLINE:
            out.append("\\" + ch)
        else:
            out.append(ch)
    escaped = "".join(out)
    # A zero-width space stops GFM's autolinks (scheme://, www.) and issue references (#1).
    if autolinks:
        escaped = _AUTOLINK_SCHEME.sub(rf"\1{ZWSP}\2", escaped)
        escaped = _WWW.sub(rf"\1{ZWSP}\2", escaped)
    escaped = _ISSUE_REF.sub(rf"\\#{ZWSP}", escaped)
    if not line_start:
        return escaped
    # At the start of a line a few more characters open blocks (lists, headings).
    if escaped[:1] in ("-", "+", "="):
        escaped = "\\" + escaped
    return _LIST_MARKER.sub(r"\1\\\2", escaped)


def is_web_url(url: str | None) -> bool:
    """Only http(s) URLs with a host are ever made into links."""
    if not url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def md_url(url: str) -> str:
    """A URL made safe as a Markdown link destination (no space, bracket or pipe)."""
    url = one_line(url)
    return "".join(_URL_UNSAFE.get(ch, ch) for ch in url)


def md_link(text: str, url: str | None, *, text_is_trusted: bool = False) -> str:
    """`[text](url)` when url is a web URL, else the escaped text alone."""
    shown = text if text_is_trusted else md_text(text, autolinks=False)
    if not is_web_url(url):
        return shown
    assert url is not None
    return f"[{shown}]({md_url(url)})"


def md_code(text: str) -> str:
    """Trusted short identifiers (rule codes, statuses) as a code span."""
    return f"`{text}`"


def safe_href(url: str | None) -> str | None:
    """The URL when it is safe to put in an href (http/https), else None."""
    return one_line(url) if url and is_web_url(url) else None


def json_for_script(data: Any) -> str:
    """JSON that can sit inside `<script type="application/json">` without ending it.

    `<`, `>` and `&` become `\\u003c`, `\\u003e` and `\\u0026` (so `</script>` and `<!--`
    cannot appear), and U+2028/U+2029 are escaped too; `JSON.parse` reads them back
    unchanged.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for raw, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, esc)
    return text


def shorten(text: str, limit: int = 80) -> str:
    """Cut long text (before escaping) with an ellipsis."""
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
