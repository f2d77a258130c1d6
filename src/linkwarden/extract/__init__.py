"""Extraction: a list's text -> its entries and typed links, each pinned to file:line.

`extract` is pure (no I/O): `sources.read_source` reads and decodes the file, this turns
the text into an `ExtractedList`. How entries, links, roles and flags are decided is
documented in docs/extraction.md.
"""

from __future__ import annotations

from ..model import ExtractedList
from ..sources import SourceText
from ._entries import Walker
from ._json import JSON_VERSION, extracted_as_dict
from ._markdown import parse_blocks

__all__ = ["JSON_VERSION", "extract", "extracted_as_dict"]


def extract(text: SourceText) -> ExtractedList:
    """Every entry and link of one list, with skipped links and reading diagnostics.

    Callers reading large lists pause the cycle collector around it (the commands do:
    `commands._inputs.collector_paused`); extraction creates no reference cycles.
    """
    source = text.source
    body = text.text
    if "\r" in body:
        body = body.replace("\r\n", "\n").replace("\r", "\n")
    lines = body.split("\n")
    tokens, env = parse_blocks(body)
    walker = Walker(source, lines, env)
    walker.walk(tokens)
    if "name=" in body or "id=" in body or "name =" in body or "id =" in body:
        walker.anchors.html(body)
    entries, links, skipped = walker.result(source.name)
    line_count = len(lines) - 1 if body.endswith("\n") else len(lines)
    return ExtractedList(
        source=source,
        entries=tuple(entries),
        links=tuple(links),
        skipped=tuple(skipped),
        diagnostics=tuple(text.diagnostics) + tuple(walker.diagnostics),
        content_hash=text.content_hash,
        line_count=line_count if body else 0,
        anchors=frozenset(walker.anchors.names),
    )
