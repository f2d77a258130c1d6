"""The in-page anchors a list defines, as GitHub makes them: heading slugs and HTML ids.

GitHub gives every heading of a rendered Markdown file an anchor: its text lower-cased,
everything but letters, digits, marks, spaces, `-` and `_` dropped, each space turned into
`-`; a repeated slug gets `-1`, `-2`, ... in document order. `<a name="x">` and any
`id="x"` attribute are anchors too. Links to `#x` are checked against these (LW119).
"""

from __future__ import annotations

import re
import unicodedata

# `<a name="x">`, `<span id="x">`, `<h2 id='x'>`: an attribute naming an anchor.
_HTML_ANCHOR = re.compile(
    r"""<[A-Za-z][^>]*?\s(?:name|id)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""",
    re.IGNORECASE,
)
_KEPT_CATEGORIES = ("L", "N", "M")


# What an ASCII heading loses: any character that is no letter, digit, space, `-` or `_`.
_ASCII_DROPPED = re.compile(r"[^a-z0-9 _-]")


def slug(text: str) -> str:
    """GitHub's anchor for a heading's rendered text (before repeats are numbered)."""
    if text.isascii():  # the letters and digits are [a-z0-9] once lower-cased
        return _ASCII_DROPPED.sub("", text.strip().lower()).replace(" ", "-")
    out: list[str] = []
    for ch in text.strip().lower():
        if ch == " ":
            out.append("-")
        elif ch in "-_" or unicodedata.category(ch)[0] in _KEPT_CATEGORIES:
            out.append(ch)
    return "".join(out)


class Anchors:
    """Collects a document's anchors in order (headings numbered for repeats)."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}
        self.names: set[str] = set()

    def heading(self, text: str) -> None:
        base = slug(text)
        count = self._seen.get(base, 0)
        self._seen[base] = count + 1
        self.names.add(base if count == 0 else f"{base}-{count}")

    def html(self, markup: str) -> None:
        if "=" not in markup:
            return
        for m in _HTML_ANCHOR.finditer(markup):
            value = next(g for g in m.groups() if g is not None).strip()
            if value:
                self.names.add(value.lower())
