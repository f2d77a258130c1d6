"""`fix --add-code`: add the code link LW408 found to an entry listed without one.

The evidence is the snapshot's LW408 finding (the paper page named the repository, and the
GitHub pass found it alive and not empty). The link goes where the list's own format puts
code, and only where that is unambiguous; anything else is left alone:

- a table row: the empty cell right after the paper link's cell gets `[Code](URL)`;
- a bullet that is only the paper link: a new bullet `[code](URL)` below it;
- a paper link inside a line: ` [[Code](URL)]` (or ` [Code](URL)`) right after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .model import ExtractedList, Finding, Link
from .urls import arxiv_ref, normalize

CODE_FOUND = "LW408"


@dataclass(frozen=True)
class Insertion:
    line: int  # 1-based line of the paper link
    text: str  # the line(s) that replace it (a bullet adds a line)
    url: str  # the code link added


def _paper_link(listing: ExtractedList, entry_line: int, code: str) -> Link | None:
    """The entry's first arXiv link; None when the entry links `code` already."""
    entry = next((e for e in listing.entries if e.line == entry_line), None)
    if entry is None:
        return None
    links = [x for x in listing.links if x.entry == entry.index]
    if any(normalize(x.url) == normalize(code) for x in links):
        return None  # added by an earlier `fix --add-code` (the snapshot predates it)
    return next((x for x in links if arxiv_ref(x.url)), None)


def _in_table(line: str, written: str, url: str) -> str | None:
    cells = line.split("|")
    at = next((i for i, c in enumerate(cells) if f"({written})" in c), None)
    if at is None or at + 2 >= len(cells) or cells[at + 1].strip():
        return None  # no cell after the paper's, or it is not empty
    cells[at + 1] = f"[Code]({url})"
    return "|".join(cells)


def _as_bullet(line: str, written: str, url: str) -> str | None:
    body = line.rstrip("\r\n")
    ending = line[len(body) :]
    m = re.match(rf"^(\s*[-*+]\s+)\[[^\]]*\]\({re.escape(written)}\)\s*$", body)
    if m is None:
        return None
    return f"{line if ending else line + chr(10)}{m.group(1)}[code]({url}){ending}"


def _inline(line: str, written: str, url: str) -> str | None:
    target = f"]({written})"
    if line.count(target) != 1:
        return None
    style = f" [[Code]({url})]" if "[[" in line else f" [Code]({url})"
    return line.replace(target, target + style, 1)


def insertions(
    listing: ExtractedList, lines: Sequence[str], findings: Iterable[Finding]
) -> list[Insertion]:
    """Where to add each LW408 suggestion of this list, where the format allows it."""
    found: list[Insertion] = []
    for finding in findings:
        if finding.code != CODE_FOUND or not finding.suggestion:
            continue
        if finding.list_name != listing.source.name:
            continue
        link = _paper_link(listing, finding.line, finding.suggestion)
        if link is None or link.syntax != "markdown" or not 1 <= link.line <= len(lines):
            continue
        line = lines[link.line - 1]
        written = next((w for w in (link.raw.strip(), link.url) if f"({w})" in line), None)
        if written is None or finding.suggestion in line:
            continue
        url = finding.suggestion
        # In a table only the Code-like empty cell will do: a link beside the paper's in its
        # cell would break the table's columns' meaning.
        in_table = line.lstrip().startswith("|")
        for place in (_in_table,) if in_table else (_as_bullet, _inline):
            text = place(line, written, url)
            if text is not None:
                found.append(Insertion(link.line, text, url))
                break
    return found
