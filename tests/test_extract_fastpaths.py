"""The extractor's fast paths give what the general code gives (bench/bench_extract.py).

Each fast path skips work for the common case (ASCII text, a plain URL, a block without
links); these cases sit on the edge between the fast and the general path, where a fast
path that took a shortcut too many would change the output.
"""

from __future__ import annotations

import unicodedata

import pytest

from linkwarden import urls
from linkwarden.extract import _html, _inline, _text
from linkwarden.extract._anchors import slug
from linkwarden.extract._reader import _MAY_WRAP, _may_wrap_ascii


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("arxiv.org", True),
        ("export.arxiv.org", True),
        ("a.b.export.arxiv.org", True),
        ("xarxiv.org", False),
        ("arxiv.org.evil.example", False),
        ("org", False),
        ("", False),
    ],
)
def test_host_matches_is_the_host_or_a_subdomain(host: str, expected: bool) -> None:
    suffixes = ("openreview.net", "arxiv.org")
    assert urls.host_matches(host, suffixes) is expected
    assert urls.host_matches(host, frozenset(suffixes)) is expected
    # the definition the walk over parent domains replaces
    assert any(host == s or host.endswith("." + s) for s in suffixes) is expected


@pytest.mark.parametrize(
    "text",
    [
        "A plain title with single spaces",
        "two  spaces",
        " leading",
        "trailing ",
        "",
        "non-ASCII\u00a0space and\u2003em space",
        # each ASCII character str.split() splits at, alone in a text
        *(f"before{ch}after" for ch in map(chr, range(128)) if ch.isspace() and ch != " "),
    ],
)
def test_tidy_collapses_every_whitespace_str_split_knows(text: str) -> None:
    padded = text + " " + "word " * 10  # long enough to skip the short-text cache
    assert _text.tidy(padded) == " ".join(padded.split())
    assert _text.tidy(text) == " ".join(text.split())


def _slug_by_category(text: str) -> str:
    kept = [
        "-" if ch == " " else ch
        for ch in text.strip().lower()
        if ch in " -_" or unicodedata.category(ch)[0] in "LNM"
    ]
    return "".join(kept)


@pytest.mark.parametrize(
    "heading",
    [
        "Tabs\tand  Spaces",
        "A-b_c (d) [e] {f} 'g' \"h\" !?.,;:",
        "  Edges  ",
        "\x1f\x7f~`^",
        "Ünï 🎯 ok",
    ],
)
def test_slug_of_ascii_headings_follows_the_unicode_rule(heading: str) -> None:
    assert slug(heading) == _slug_by_category(heading)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.GOOGLE.com/url?q=https://arxiv.org/abs/1",
        "https://L.FaceBook.com/l.php?u=https://x.example/",
        "https://out.Reddit.com/?url=https://x.example/",
        "https://arxiv.org/abs/2301.01234",
    ],
)
def test_wrapper_precheck_agrees_with_the_pattern(url: str) -> None:
    assert _may_wrap_ascii(url) is (_MAY_WRAP.search(url) is not None)


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("see www.only-autolink.example/path for more", "http://www.only-autolink.example/path"),
        ("plain prose then https://bare.example/x", "https://bare.example/x"),
    ],
)
def test_a_block_with_only_an_autolink_is_scanned(text: str, url: str) -> None:
    assert [link.url for link in _inline.scan(text).links] == [url]


def test_comments_are_blanked_line_for_line() -> None:
    text = "a <!-- one\ntwo\n\nthree --> b <!-- open to the end\nx"
    blanked = _html.blank_comments(text)
    assert len(blanked) == len(text)
    assert blanked.split("\n") == ["a " + " " * 8, "   ", "", " " * 9 + " b " + " " * 20, " "]
