"""Paper titles as lists write them, compared: one normaliser for every stage. Pure.

Lists write titles loosely: capitals, dashes, quotes, a leading ``[CVPR 2023]`` tag, a
method-name prefix, a trailing venue, accents typed or not. `normalize_title` is the one
canonical form, used by the duplicate rules (LW5xx: same paper twice?), the arXiv title rules
(LW301/LW302: does the claim name the paper arXiv knows?) and `linkwarden catalog`.

Normalising is Unicode-aware: compatibility forms are folded (NFKD, so ligatures and
full-width letters become plain ones), accents are dropped ("Schrödinger" and "Schrodinger"
agree), case is folded, and every run of characters that is not a letter or digit of any
script becomes one space. Letters of other scripts are kept, so a title in Chinese or Greek is
compared as written instead of vanishing.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

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

# Link texts that say what a link is, not which paper it is.
GENERIC_TEXTS = frozenset(
    {
        "paper", "papers", "pdf", "arxiv", "abs", "link", "here", "preprint", "article",
        "full paper", "paper link", "arxiv paper", "project", "code", "official", "download",
        "openreview", "supplementary", "supp", "bib", "bibtex", "demo", "video", "webpage",
        "web", "page", "project page", "github", "repo", "repository", "source",
        # prose pointing at a paper ("indicating [this](...)") names none
        "this", "that", "it", "there", "more", "details", "this paper", "this work",
    }
)  # fmt: skip

# Venue words and years that trail a method name in link texts ("DPE CVPR'23").
_VENUE_TOKEN = re.compile(
    r"^(?:[a-z]+'\d{2}|\d{4}|'\d{2}|arxiv|cvpr|iccv|eccv|neurips|nips|iclr|icml|aaai|ijcai|"
    r"siggraph|asia|tog|tpami|tvcg|tip|tmm|mm|acm|icassp|interspeech|bmvc|wacv|accv|3dv|"
    r"workshop|oral|spotlight|preprint)$",
    re.IGNORECASE,
)
_LEADING_TAGS = re.compile(r"^(?:\s*\[[^\]]{0,40}\]\s*)+")
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")

FUZZY_THRESHOLD = 0.82  # difflib ratio over normalised titles counted as the same title
SHORT_WORDS = 3  # a claim of at most this many words (venue removed) is a name, not a title


def normalize_title(text: str) -> str:
    """The canonical form of a title: lower-case words of any script, accents and
    punctuation gone, leading ``[Tag]`` prefixes dropped (unless the tag is all there is).

    "What comprises a good talking-head video generation?: A Survey" and
    "what comprises a good talking head video generation: a survey" normalise alike.
    """
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = unicodedata.normalize("NFC", folded)  # recompose what is not an accent (Hangul)
    untagged = _LEADING_TAGS.sub("", folded)
    words = _NOT_LETTER_OR_DIGIT.sub(" ", (untagged if untagged.strip() else folded).casefold())
    return " ".join(words.split())


# --------------------------------------------------------------- duplicates (LW5xx)


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


# ---------------------------------------------------- claims against arXiv (LW301/302)


def is_generic(text: str) -> bool:
    """A link text such as "paper" or "[PDF]" that names no paper."""
    bare = normalize_title(text)
    return not bare or bare in GENERIC_TEXTS


def strip_venue(text: str) -> str:
    """The link text without trailing venue and year words: "DPE CVPR'23" -> "DPE"."""
    words = text.replace("’", "'").split()
    while words and _VENUE_TOKEN.match(words[-1].strip("()[],;")):
        words.pop()
    return " ".join(words)


def is_short_name(text: str) -> bool:
    """A method name rather than a title (few words once venue and year are gone)."""
    name = normalize_title(strip_venue(text))
    return bool(name) and len(name.split()) <= SHORT_WORDS


def similarity(a: str, b: str) -> float:
    """difflib ratio of the normalised titles, 0..1."""
    na, nb = normalize_title(a), normalize_title(b)
    if not na or not nb:
        return 0.0
    return SequenceMatcher(None, na, nb).ratio()


def _contains_words(haystack: str, needle: str) -> bool:
    return f" {needle} " in f" {haystack} "


def _names(name: str, *texts: str) -> bool:
    """Does the normalised method name appear, as words, in one of the texts?"""
    for text in texts:
        real = normalize_title(text)
        # "AD-NeRF" vs "ADNeRF", "Wav2Lip" vs "Wav2Lip:": compare with and without spaces.
        if real and (_contains_words(real, name) or name.replace(" ", "") in real.replace(" ", "")):
            return True
    return False


def titles_match(claimed: str, actual: str, abstract: str = "") -> bool:
    """Does a claimed title (entry title or link text) name the paper titled `actual`?

    A short claim (a method name) must appear in the title or the abstract. A long claim
    must be a close fuzzy match of the title, contain it, or be contained in it; a long
    claim of the form "Name: subtitle" also matches when Name is in the title or the
    abstract (papers get retitled between versions; lists keep the old subtitle).
    """
    claim = normalize_title(claimed)
    real = normalize_title(actual)
    if not claim or not real:
        return True  # nothing to compare: never accuse
    if is_short_name(claimed):
        return _names(normalize_title(strip_venue(claimed)), actual, abstract)
    if _contains_words(claim, real) or _contains_words(real, claim):
        return True
    if SequenceMatcher(None, claim, real).ratio() >= FUZZY_THRESHOLD:
        return True
    prefix, colon, _ = claimed.partition(":")
    return (
        bool(colon) and is_short_name(prefix) and _names(normalize_title(prefix), actual, abstract)
    )
