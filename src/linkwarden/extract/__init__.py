"""Extraction: a list's text -> its entries and typed links, each pinned to file:line.

`extract` is pure (no I/O): `sources.read_source` reads and decodes the file, this turns
the text into an `ExtractedList`. How entries, links, roles and flags are decided is
documented in docs/extraction.md.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from ..model import ExtractedList
from ..sources import SourceText
from ._entries import Walker
from ._json import JSON_VERSION, extracted_as_dict
from ._markdown import parse_blocks

__all__ = ["JSON_VERSION", "extract", "extracted_as_dict"]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while one list is read.

    Extraction allocates a few objects per line and per link (block tokens, pending links,
    entries) and frees almost none until it returns; none of them form cycles that need the
    collector. Left running, the collector walks the whole growing heap again and again: on
    a 20 MB list that was a third of the time (bench/bench_extract.py). Reference counting
    still frees everything; the collector resumes (if it was on) when the list is done."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def extract(text: SourceText) -> ExtractedList:
    """Every entry and link of one list, with skipped links and reading diagnostics."""
    with _collector_paused():
        return _extract(text)


def _extract(text: SourceText) -> ExtractedList:
    source = text.source
    body = text.text
    if "\r" in body:
        body = body.replace("\r\n", "\n").replace("\r", "\n")
    lines = body.split("\n")
    tokens, env = parse_blocks(body)
    walker = Walker(source, lines, env)
    walker.walk(tokens)
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
    )
