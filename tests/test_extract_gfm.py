"""URL extraction against GitHub's renderer (cmark-gfm): the cases of issue 10's table, each
checked against what github.com makes of the same Markdown."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from linkwarden.extract import extract
from linkwarden.model import ArxivRecord, Enrichment, ExtractedList, SourceList
from linkwarden.rules import evaluate
from linkwarden.sources import SourceText


def urls_of(text: str) -> list[str]:
    return [link.url for link in run(text).links]


def run(text: str) -> ExtractedList:
    source = SourceList("t", Path("t.md"), display_path="t.md")
    return extract(SourceText(source, text, "0" * 64))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[a](https://e1.example/?a=1&amp;b=2)", ["https://e1.example/?a=1&b=2"]),
        ("![i](https://e9.example/i.png?a=1&amp;b=2)", ["https://e9.example/i.png?a=1&b=2"]),
        ("[n](https://e4.example/&#x41;)", ["https://e4.example/A"]),
        ("<https://e7.example/?a=1&amp;b=2>", ["https://e7.example/?a=1&b=2"]),
    ],
)
def test_entities_are_decoded(text: str, expected: list[str]) -> None:
    assert urls_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[论文](https://a1.example/paper)，代码：https://a2.example/code",
         ["https://a1.example/paper", "https://a2.example/code"]),
        ("[Code](https://a3.example/a),https://a4.example/b",
         ["https://a3.example/a", "https://a4.example/b"]),
        ("![i](https://a11.example/i.png)https://a12.example/after",
         ["https://a11.example/i.png", "https://a12.example/after"]),
    ],
)  # fmt: skip
def test_a_bare_url_right_after_a_link_is_kept(text: str, expected: list[str]) -> None:
    assert urls_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("See https://en.wikipedia.org/wiki/Conway's_Game_of_Life here",
         ["https://en.wikipedia.org/wiki/Conway's_Game_of_Life"]),
        ("_https://p12.example/l_", ["https://p12.example/l"]),
        ("www.w.example/path in text", ["http://www.w.example/path"]),
        ("see https://p10.example/i&amp; now", ["https://p10.example/i"]),
        ("[u](https://p2.example/a(b) unbalanced", ["https://p2.example/a(b)"]),
    ],
)  # fmt: skip
def test_autolinks_end_where_github_ends_them(text: str, expected: list[str]) -> None:
    assert urls_of(text) == expected


def test_html_media_sources() -> None:
    text = (
        '<picture><source srcset="https://h8.example/dark.png"></picture>\n\n'
        '<img srcset="https://h7.example/a-2x.png 2x">\n\n'
        '<video src="https://h10.example/demo.mp4"></video>\n'
    )
    assert sorted(urls_of(text)) == [
        "https://h10.example/demo.mp4", "https://h7.example/a-2x.png",
        "https://h8.example/dark.png",
    ]  # fmt: skip


def test_two_bracketed_urls_side_by_side_are_two_urls() -> None:
    text = "[[https://x.example/destination]][[https://x.example/source]]"
    assert urls_of(text) == ["https://x.example/destination", "https://x.example/source"]


def test_a_deeply_nested_list_does_not_hide_the_rest_of_the_document() -> None:
    nested = "".join("  " * depth + f"- level {depth}\n" for depth in range(10))
    links = "".join(f"- [after {n}](https://a.example/p{n})\n" for n in range(400))
    found = urls_of(nested + "\n" + links)
    assert len(found) == 400 and found[-1] == "https://a.example/p399"


def test_a_thousand_nested_image_links_parse_in_seconds() -> None:
    text = "[![" * 1000 + "i](https://e.example/i.png)" + "](https://e.example/x)" * 1000
    started = time.perf_counter()
    found = urls_of(text)
    assert time.perf_counter() - started < 5
    assert "https://e.example/i.png" in found


def test_generic_link_text_in_a_heading_claims_no_title() -> None:
    text = "# L\n\n### A Method For Faces (indicating [this](https://arxiv.org/abs/2011.15126))\n"
    listing = run(text)
    assert all(entry.title != "this" for entry in listing.entries)
    record = ArxivRecord("2011.15126", 1, "Something Entirely Different About Voices")
    found = evaluate([listing], enrichment=Enrichment(arxiv={"2011.15126": record}))
    assert not [f for f in found if f.code == "LW302"]
