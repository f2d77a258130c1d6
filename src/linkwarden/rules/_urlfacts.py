"""Memoised `urls` helpers for the rules: every rule asks the same questions of each URL.

The answers are pure functions of the URL string, so caching them is safe; a bounded LRU
keeps memory flat on huge lists while a run's repeated questions (several rules per link,
the same URL in many entries) are answered once. A substring test first skips the parsing
for the many URLs that cannot be an arXiv or GitHub link at all.
"""

from __future__ import annotations

from functools import lru_cache

from .. import urls

_SIZE = 1 << 17

_arxiv_ref = lru_cache(maxsize=_SIZE)(urls.arxiv_ref)
_github_repo = lru_cache(maxsize=_SIZE)(urls.github_repo)
host_of = lru_cache(maxsize=_SIZE)(urls.host_of)
is_code_url = lru_cache(maxsize=_SIZE)(urls.is_code_url)
is_paper_url = lru_cache(maxsize=_SIZE)(urls.is_paper_url)
is_pdf = lru_cache(maxsize=_SIZE)(urls.is_pdf)
normalize = lru_cache(maxsize=_SIZE)(urls.normalize)


def arxiv_ref(url: str) -> urls.ArxivRef | None:
    return _arxiv_ref(url) if "arxiv.org" in url.lower() else None


def github_repo(url: str) -> str | None:
    return _github_repo(url) if "github.com" in url.lower() else None


def is_hf_space(url: str) -> bool:
    lowered = url.lower()
    return ("huggingface.co" in lowered or "hf.space" in lowered) and urls.is_hf_space(url)
