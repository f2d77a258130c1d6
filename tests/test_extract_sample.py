"""Extraction on lists of other formats, scored against a sample labelled by hand (issue 10).

tests/labels/more_sample.txt: 159 entries drawn at random from the twelve real lists in
tests/fixtures/more/, each labelled by reading the list (title, year when stated, the role
of every link). Floors: roles 0.97, titles 0.95, years 0.95. `-s` shows the figures.
"""

from __future__ import annotations

from pathlib import Path

from labelled_sample import read_labels, score
from linkwarden.model import Role

HELD_OUT = Path(__file__).resolve().parent / "labels" / "more_heldout.txt"


def test_sample_is_large_and_covers_every_list() -> None:
    labels = read_labels()
    assert len(labels) >= 150
    assert len({label.file for label in labels}) == 12
    assert sum(len(label.links) for label in labels) >= 300


def test_accuracy_on_the_labelled_sample() -> None:
    figures = score()
    print(
        f"\nlabelled sample: {len(figures.titles)} entries, titles "
        f"{figures.title_accuracy:.3f}, years {figures.year_accuracy:.3f} "
        f"(of {len(figures.years)} stated), roles {figures.role_accuracy:.3f} "
        f"(of {len(figures.roles)} links)"
    )
    misses = "\n".join(figures.misses())
    assert figures.role_accuracy >= 0.97, misses
    assert figures.title_accuracy >= 0.95, misses
    assert figures.year_accuracy >= 0.95, misses


def test_software_lists_have_no_paper_links() -> None:
    """A list of tools: its entries' links are code, project pages, badges; never papers."""
    from labelled_sample import extracted

    for name in ("EthicalML__awesome-production-machine-learning.md", "jaywcjlove__awesome-mac.md"):
        listing = extracted(name)
        papers = [link for link in listing.links if link.entry is not None
                  and link.role is Role.PAPER and link.role_source.stated]  # fmt: skip
        assert papers == [], papers[:3]


def test_accuracy_on_the_held_out_entries() -> None:
    """24 entries labelled after extraction was finished and never tuned against."""
    figures = score(read_labels(HELD_OUT))
    print(
        f"\nheld out: {len(figures.titles)} entries, titles {figures.title_accuracy:.3f}, "
        f"years {figures.year_accuracy:.3f} (of {len(figures.years)}), roles "
        f"{figures.role_accuracy:.3f} (of {len(figures.roles)} links)"
    )
    assert len(figures.titles) == 24
    misses = "\n".join(figures.misses())
    assert figures.role_accuracy >= 0.97, misses
    assert figures.title_accuracy >= 0.95, misses
    assert figures.year_accuracy >= 0.95, misses
