"""Comparing paper titles as lists write them: case, dashes, quotes and tags vary.

Used by the duplicate rules to decide whether two entries are the same paper (same
normalised title) and whether two titles that share an arXiv ID name the same paper at all.
"""

from __future__ import annotations

import re
import unicodedata

# Words that say nothing about which paper it is: venues, glue words, "paper".
NOISE_WORDS = frozenset(
    {
        "a", "an", "and", "by", "for", "from", "in", "of", "on", "the", "to", "via", "with",
        "aaai", "acm", "accv", "arxiv", "asia", "bmvc", "cvpr", "cvprw", "eccv", "fg", "iccv",
        "iclr", "icme", "icml", "icassp", "ijcai", "ijcv", "ismar", "mm", "multimedia", "neurips",
        "nips", "oral", "pami", "siggraph", "siggraphasia", "tcsvt", "tip", "tmm", "tog", "tvcg",
        "wacv", "workshop", "paper", "pdf", "code", "project", "page",
    }
)  # fmt: skip

_LEADING_TAGS = re.compile(r"^(?:\s*\[[^\]]{0,40}\]\s*)+")
_NON_WORD = re.compile(r"[^\w]+")


def normalize_title(title: str) -> str:
    """Lower-case words of a title, without leading ``[Tag]`` prefixes or punctuation.

    "What comprises a good talking-head video generation?: A Survey" and
    "what comprises a good talking head video generation: a survey" normalise alike.
    """
    text = unicodedata.normalize("NFKC", title)
    text = _LEADING_TAGS.sub("", text)
    text = _NON_WORD.sub(" ", text.casefold()).replace("_", " ")
    return " ".join(text.split())


def title_words(title: str) -> frozenset[str]:
    """The words of a title that identify the paper (no venues, years or glue words)."""
    return frozenset(
        w for w in normalize_title(title).split() if w not in NOISE_WORDS and not w.isdigit()
    )


def short_name(title: str) -> str:
    """The method name before a colon ("HeadGAN" in "HeadGAN: One-shot ..."), or ''."""
    head, sep, _rest = title.partition(":")
    words = normalize_title(head).split()
    return " ".join(words) if sep and 1 <= len(words) <= 2 else ""


def same_paper(a: str, b: str, threshold: float = 0.5) -> bool:
    """Whether two titles plausibly name the same paper.

    True when one's words contain the other's, when both start with the same method name
    ("HeadGAN: ..." retitled between arXiv versions), or when the words overlap enough.
    """
    wa, wb = title_words(a), title_words(b)
    if not wa or not wb:
        return True  # nothing to compare: do not claim a conflict
    name = short_name(a)
    if name and name == short_name(b):
        return True
    if wa <= wb or wb <= wa:
        return True  # "SadTalker" vs "SadTalker: Learning Realistic 3D Motion ..."
    return len(wa & wb) / len(wa | wb) >= threshold
