"""In-page links (#section) against the anchors GitHub makes (issue 10): LW119."""

from __future__ import annotations

from pathlib import Path

import pytest

from labelled_sample import extracted
from linkwarden.extract import extract
from linkwarden.extract._anchors import slug
from linkwarden.model import ExtractedList, SourceList
from linkwarden.rules import evaluate
from linkwarden.sources import SourceText


def listing(text: str) -> ExtractedList:
    source = SourceList("t", Path("t.md"), display_path="t.md")
    return extract(SourceText(source, text, "0" * 64))


TOC = """# My list

- [Talking Heads](#talking-heads)
- [Lip Sync & Dubbing](#lip-sync--dubbing)
- [Datasets](#datasets)
- [Datasets, again](#datasets-1)
- [Old notes](#old-notes)
- [Back to top](#top)
- [Explicit](#explicit-anchor)
- [Books](#-books)

## Talking Heads

## Lip Sync & Dubbing

## Datasets

## Datasets

## 📚 **Books**

<a name="explicit-anchor"></a>
## Reading notes
"""


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Talking Heads", "talking-heads"),
        ("Lip Sync & Dubbing", "lip-sync--dubbing"),
        ("3DGS(Gaussian Splatting)", "3dgsgaussian-splatting"),
        ("📚 Datasets", "-datasets"),
        ("Efficient MOE", "efficient-moe"),
        ("视频生成 (Video)", "视频生成-video"),
    ],
)
def test_github_slugs(heading: str, anchor: str) -> None:
    assert slug(heading) == anchor


def test_a_renamed_heading_is_one_finding_at_the_link_with_the_new_anchor() -> None:
    found = [f for f in evaluate([listing(TOC)]) if f.code == "LW119"]
    assert [(f.line, f.url, f.suggestion) for f in found] == [(7, "#old-notes", "#reading-notes")]


def test_an_intact_table_of_contents_has_no_finding() -> None:
    intact = TOC.replace("- [Old notes](#old-notes)\n", "- [Notes](#reading-notes)\n")
    assert not [f for f in evaluate([listing(intact)]) if f.code == "LW119"]


@pytest.mark.parametrize(
    "name",
    [
        "Yutong-Zhou-cv__Awesome-Text-to-Image.md",  # 41 in-page links, <span id> anchors
        "jason718__awesome-self-supervised-learning.md",  # 20
        "thunlp__GNNPapers.md",  # 55, a TOC in an HTML <table>
        "jaywcjlove__awesome-mac.md",  # 72, headings with icon images in them
    ],
)
def test_real_lists_with_intact_tables_of_contents(name: str) -> None:
    listing = extracted(name)
    assert sum(1 for s in listing.skipped if s.raw.startswith("#")) >= 20
    assert not [f for f in evaluate([listing]) if f.code == "LW119"]


def test_real_tables_of_contents_with_renamed_headings_are_found() -> None:
    """ChenHsing's TOC still links headings renamed since ("#category-specific" for
    "U-Net based"); horseee links "#efficient_moe" for the heading "Efficient MOE"."""
    horseee = [f for f in evaluate([extracted("horseee__Awesome-Efficient-LLM.md")])
               if f.code == "LW119"]  # fmt: skip
    assert [(f.line, f.url, f.suggestion) for f in horseee] == [
        (44, "#efficient_moe", "#efficient-moe")]  # fmt: skip
    chen = evaluate([extracted("ChenHsing__Awesome-Video-Diffusion-Models.md")])
    assert {f.url for f in chen if f.code == "LW119"} >= {"#category-specific", "#modality-guided"}


def test_relative_links_are_looked_up_in_the_lists_own_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from linkwarden.cli import main

    (tmp_path / ".git").mkdir()  # a repository's work tree
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "tts.md").write_text("# TTS\n", encoding="utf-8")
    (tmp_path / "docs" / "voice-cloning.md").write_text("# VC\n", encoding="utf-8")
    (tmp_path / "README.md").write_text(
        "# List\n\n- [TTS](./docs/tts.md)\n- [Cloning](./docs/voice-clone.md)\n"
        "- [Intro](#list)\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["lint", "README.md"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "README.md:4: LW120 [warning] relative link './docs/voice-clone.md' leads to no file "
        "of the list's repository; the closest is './docs/voice-cloning.md' -> "
        "./docs/voice-cloning.md"
    ]


def test_a_copy_outside_its_repository_is_not_looked_up(tmp_path: Path) -> None:
    from linkwarden.commands._inputs import local_targets
    from linkwarden.model import Upstream

    (tmp_path / ".git").mkdir()
    copy = tmp_path / "sources" / "copy.md"
    copy.parent.mkdir()
    copy.write_text("# L\n\n- [TTS](./tts.md)\n", encoding="utf-8")
    upstream = Upstream("someone/list", "main", "docs/talking-head.md")
    source = SourceList("copy", copy, upstream, display_path="sources/copy.md")
    listing = extract(SourceText(source, copy.read_text(encoding="utf-8"), "0" * 64))
    assert local_targets([listing]) == {}
