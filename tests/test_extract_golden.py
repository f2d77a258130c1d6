"""Extraction of the five bundled lists: goldens, and an independent check of the URLs.

Goldens live in tests/golden/extract/ (rewrite with `python tests/extract_golden.py`, then
check the diff by hand). The independent check finds every http(s) URL in a list file with
a plain regular expression, outside fenced code and HTML comments, and asks that each is in
the extraction and that nothing extracted is absent from the file.
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from extract_golden import GOLDEN_DIR, REGISTRY, golden_of
from linkwarden.extract import extract
from linkwarden.model import ExtractedList
from linkwarden.sources import load_registry, read_source

LIST_NAMES = [source.name for source in load_registry(REGISTRY)]


@cache
def extracted(name: str) -> ExtractedList:
    source = next(s for s in load_registry(REGISTRY) if s.name == name)
    return extract(read_source(source))


@pytest.mark.parametrize("name", LIST_NAMES)
def test_extraction_matches_golden(name: str) -> None:
    golden = json.loads((GOLDEN_DIR / f"{name}.json").read_text(encoding="utf-8"))
    live = golden_of(extracted(name))
    assert not [row for row in live["sample"] if row.get("missing")]
    for key in ("entries", "links", "links_by_role", "flags", "wrapped", "skipped"):
        assert live[key] == golden[key], key
    assert live["sample"] == golden["sample"]
    assert live["entry_list"] == golden["entry_list"]


def test_golden_counts_checked_by_hand() -> None:
    """A few figures counted by hand in the sources, independent of the golden files."""
    head = extracted("awesome-talking-head-generation")
    # 1 related group, 8 datasets, 64 numbered papers (sum of the numbered items per year)
    assert len(head.entries) == 73
    assert sum(1 for link in head.links if link.wrapper) == 2  # lines 39 and 40
    notes = extracted("face-reenactment-notes")
    # 2 person headings + 37 `### \[VENUE] Title` headings (5 of them empty placeholders)
    assert len(notes.entries) == 39
    assert sum(1 for e in notes.entries if e.title == "") == 4
    avatar = extracted("awesome-avatar")
    assert sum(1 for link in avatar.links if link.role.value == "badge") == 42  # 21 x 2
    assert sum(1 for link in avatar.links if link.syntax == "html") == 10
    genai = extracted("awesome-generative-ai-talking-head")
    assert len(genai.skipped) == 6  # the table of contents


# -- the independent check ---------------------------------------------------------------

_URL = re.compile(r"https?://[^\s<>\"'`()\[\]]+")


def _visible_text(text: str) -> str:
    """The file without fenced code blocks and HTML comments (kept line for line)."""
    text = re.sub(r"<!--.*?-->", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    out: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        stripped = line.lstrip()
        if fence is None and stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            out.append("")
        elif fence is not None:
            if stripped.startswith(fence):
                fence = None
            out.append("")
        else:
            out.append(line)
    return "\n".join(out)


def urls_in_file(text: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for number, line in enumerate(_visible_text(text).split("\n"), start=1):
        for m in _URL.finditer(line):
            found.append((number, html.unescape(m.group(0)).rstrip(".,;:")))
    return found


@pytest.mark.parametrize("name", LIST_NAMES)
def test_every_url_in_the_file_is_extracted(name: str) -> None:
    result = extracted(name)
    text = Path(result.source.path).read_text(encoding="utf-8")
    known: dict[int, list[str]] = {}
    for link in result.links:
        known.setdefault(link.line, []).extend(u for u in (link.url, link.raw, link.wrapper) if u)
    missed = [
        (line, url)
        for line, url in urls_in_file(text)
        if not any(candidate.startswith(url) for candidate in known.get(line, []))
    ]
    assert missed == []
    assert len(urls_in_file(text)) >= 55  # the smallest list has 55 http(s) URLs


@pytest.mark.parametrize("name", LIST_NAMES)
def test_no_extracted_url_is_invented(name: str) -> None:
    result = extracted(name)
    text = html.unescape(Path(result.source.path).read_text(encoding="utf-8"))
    lines = text.split("\n")
    for link in result.links:
        written = link.wrapper or (link.raw if "relative" in link.flags else link.url)
        assert written in lines[link.line - 1], (link.line, written)
        if link.url and not link.wrapper and "relative" not in link.flags:
            # the column points at the URL itself
            start = link.column - 1
            assert lines[link.line - 1][start : start + len(link.raw)] == link.raw


def test_links_in_code_and_comments_are_ignored() -> None:
    genai = extracted("awesome-generative-ai-talking-head")
    assert not [link for link in genai.links if 152 <= link.line <= 212]  # fenced Python
    avatar = extracted("awesome-avatar")
    assert not [link for link in avatar.links if 66 <= link.line <= 69]  # <!-- table -->
    assert not [link for link in avatar.links if 177 <= link.line <= 206]


# -- agreement with markdown-it's own inline parser --------------------------------------


@pytest.mark.parametrize("name", LIST_NAMES)
def test_scanner_agrees_with_markdown_it_inline_parser(name: str) -> None:
    """Every link markdown-it's (slow) inline parser finds, the fast scanner finds too;
    the scanner's extras are only the malformed links it flags on purpose."""
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    result = extracted(name)
    text = Path(result.source.path).read_text(encoding="utf-8")
    theirs: list[str] = []
    for token in md.parse(text):
        for child in token.children or []:
            if child.type == "link_open":
                theirs.append(str(child.attrs.get("href", "")))
            elif child.type == "image":
                theirs.append(str(child.attrs.get("src", "")))
    ours = [
        md.normalizeLink(link.raw if link.raw else "")
        for link in result.links
        if link.syntax == "markdown" and "nested" not in link.flags
    ]
    ours += [md.normalizeLink(s.raw) for s in result.skipped]
    # markdown-it takes `[a]([u1](u2))` as one link to "[u1](u2)"; we report u1 and u2.
    theirs = [href for href in theirs if not href.startswith("%5B")]
    assert sorted(theirs) == sorted(ours)
