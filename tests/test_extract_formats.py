"""Entries, titles and years on layouts of lists beyond the bundled five (issue 10)."""

from __future__ import annotations

from pathlib import Path

from linkwarden.extract import extract
from linkwarden.model import ExtractedList, SourceList
from linkwarden.sources import SourceText


def run(text: str) -> ExtractedList:
    source = SourceList("t", Path("t.md"), display_path="t.md")
    return extract(SourceText(source, text, "0" * 64))


def cited(listing: ExtractedList) -> list[tuple[str, int | None]]:
    return [(entry.title, entry.year) for entry in listing.entries]


def test_the_title_comes_from_the_parent_when_the_child_only_gives_an_address() -> None:
    text = """# 论文

- 基于扩散模型的说话人脸生成
  - 地址：https://arxiv.org/abs/2301.03786
- Audio-driven Talking Face Generation
  - 地址：https://arxiv.org/abs/2002.10137
"""
    listing = run(text)
    assert cited(listing) == [
        ("基于扩散模型的说话人脸生成", None), ("Audio-driven Talking Face Generation", None),
    ]  # fmt: skip
    assert [link.entry for link in listing.links] == [0, 1]


def test_author_and_year_decorations_leave_the_title() -> None:
    text = """# Papers

- How transferable are features in deep neural networks? (2014), J. Yosinski et al. [[pdf]](https://arxiv.org/abs/1411.1792)
- Deep Residual Learning for Image Recognition, K. He et al., *CVPR 2016* [[pdf]](https://arxiv.org/abs/1512.03385)
"""
    assert cited(run(text)) == [
        ("How transferable are features in deep neural networks?", 2014),
        ("Deep Residual Learning for Image Recognition", 2016),
    ]


def test_a_table_whose_first_column_is_a_date() -> None:
    text = """# LLMs

| Date | Model | Paper |
| --- | --- | --- |
| 2024-05 | Chameleon: Mixed-Modal Early-Fusion Models | [paper](https://arxiv.org/abs/2405.09818) |
| 2023-12 | Gemini: A Family of Highly Capable Models | [paper](https://arxiv.org/abs/2312.11805) |
"""
    assert cited(run(text)) == [
        ("Chameleon: Mixed-Modal Early-Fusion Models", 2024),
        ("Gemini: A Family of Highly Capable Models", 2023),
    ]


def test_years_from_a_venue_with_a_month() -> None:
    text = "# L\n\n- Tree of Thoughts, *arXiv, May 2023* [[paper]](https://arxiv.org/abs/2305.10601)\n"
    assert cited(run(text)) == [("Tree of Thoughts", 2023)]
