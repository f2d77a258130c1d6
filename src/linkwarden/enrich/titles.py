"""Comparing the title a list claims for a paper with the title arXiv knows. Pure.

Lists write titles loosely: capitals, a method-name prefix, a trailing venue, a typo. A link
text can also be just a method name with a venue ("CodeTalker CVPR'23"). So there are two
ways to agree with arXiv: a long claim must be a close fuzzy match (difflib over normalised
text, or one contained in the other), and a short claim must appear, as words, in the arXiv
title.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

# Link texts that say what a link is, not which paper it is.
GENERIC_TEXTS = frozenset(
    {
        "paper",
        "papers",
        "pdf",
        "arxiv",
        "abs",
        "link",
        "here",
        "preprint",
        "article",
        "full paper",
        "paper link",
        "arxiv paper",
        "project",
        "code",
        "official",
        "download",
        "openreview",
        "supplementary",
        "supp",
        "bib",
        "bibtex",
        "demo",
        "video",
        "webpage",
        "web",
        "page",
        "project page",
        "github",
        "repo",
        "repository",
        "source",
    }
)

# Venue words and years that trail a method name in link texts ("DPE CVPR'23").
_VENUE_TOKEN = re.compile(
    r"^(?:[a-z]+'\d{2}|\d{4}|'\d{2}|arxiv|cvpr|iccv|eccv|neurips|nips|iclr|icml|aaai|ijcai|"
    r"siggraph|asia|tog|tpami|tvcg|tip|tmm|mm|acm|icassp|interspeech|bmvc|wacv|accv|3dv|"
    r"workshop|oral|spotlight|preprint)$",
    re.IGNORECASE,
)

FUZZY_THRESHOLD = 0.82  # difflib ratio over normalised titles counted as the same title
SHORT_WORDS = 3  # a claim of at most this many words (venue removed) is a name, not a title


def normalize_title(text: str) -> str:
    """Lower case, accents folded, punctuation to spaces, whitespace collapsed."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    folded = re.sub(r"[^0-9a-z]+", " ", folded)
    return " ".join(folded.split())


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
