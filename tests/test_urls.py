"""URL knowledge: wrappers, normalisation, arXiv IDs, GitHub repositories, badges."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkwarden import urls

GOOGLE_WRAPPED = (
    "https://www.google.com/url?sa=t&rct=j&q=&esrc=s&source=web&cd=&cad=rja&uact=8"
    "&ved=2ahUKEwjnoOTYgsf1AhXsJ0QIHSF3A-sQFnoECAUQAQ&url=https%3A%2F%2Farxiv.org%2Fabs%2F1812.08861"
    "&usg=AOvVaw1oKgCYySpv2cFHZ2mNI5A9"
)


def test_google_wrapper_is_unwrapped_and_recorded() -> None:
    target, wrapper = urls.unwrap_redirect(GOOGLE_WRAPPED)
    assert target == "https://arxiv.org/abs/1812.08861"
    assert wrapper == GOOGLE_WRAPPED


def test_google_search_page_is_not_a_wrapper() -> None:
    url = "https://www.google.com/search?q=talking+heads"
    assert urls.unwrap_redirect(url) == (url, None)


def test_plain_url_is_not_unwrapped() -> None:
    assert urls.unwrap_redirect("https://github.com/a/b") == ("https://github.com/a/b", None)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("HTTPS://GitHub.COM/Owner/Repo", "https://github.com/Owner/Repo"),
        ("https://example.org:443/a#frag", "https://example.org/a"),
        ("http://example.org:80", "http://example.org/"),
        ("https://example.org:8443/x?b=2&a=1", "https://example.org:8443/x?b=2&a=1"),
        ("https://example.org/a b", "https://example.org/a%20b"),
        ("https://example.org/a%20b", "https://example.org/a%20b"),
        ("https://bücher.example/x", "https://xn--bcher-kva.example/x"),
        # Issue 12: escapes are data (a%2Fb is one path segment; 100%25 is "100%").
        ("https://example.org/a%2Fb/100%25", "https://example.org/a%2Fb/100%25"),
        ("https://example.org/%7euser/%c3%a9", "https://example.org/~user/%C3%A9"),
        ("https://example.org/100%", "https://example.org/100%25"),
        # IDNA 2008, as httpx connects (IDNA 2003 made faß.de into fass.de, another host).
        ("https://faß.de/", "https://xn--fa-hia.de/"),
        ("http://[2606:4700::1111]/", "http://[2606:4700::1111]/"),
        ("http://[2606:4700::1111]:8080/x", "http://[2606:4700::1111]:8080/x"),
    ],
)
def test_normalize(raw: str, key: str) -> None:
    assert urls.normalize(raw) == key


@pytest.mark.parametrize(
    ("url", "arxiv_id", "version"),
    [
        ("https://arxiv.org/abs/2301.01081", "2301.01081", None),
        ("https://arxiv.org/pdf/2111.04928.pdf", "2111.04928", None),
        ("https://arxiv.org/pdf/2304.00334v1", "2304.00334", 1),
        ("https://arxiv.org/abs/2402.17485v1", "2402.17485", 1),
        ("http://arxiv.org/pdf/2008.10010.pdf", "2008.10010", None),
        ("https://arxiv.org/html/2404.16012v2", "2404.16012", 2),
        ("https://export.arxiv.org/abs/2301.06281", "2301.06281", None),
        ("https://arxiv.org/abs/hep-th/9901001v3", "hep-th/9901001", 3),
        ("https://arxiv.org/pdf/2404.15264v2.pdf", "2404.15264", 2),
    ],
)
def test_arxiv_ref(url: str, arxiv_id: str, version: int | None) -> None:
    ref = urls.arxiv_ref(url)
    assert ref is not None
    assert (ref.arxiv_id, ref.version) == (arxiv_id, version)


@pytest.mark.parametrize(
    "url",
    ["https://arxiv.org/list/cs.CV/recent", "https://example.org/abs/2301.01081", "not a url"],
)
def test_not_arxiv(url: str) -> None:
    assert urls.arxiv_ref(url) is None


@pytest.mark.parametrize(
    ("url", "repo"),
    [
        ("https://github.com/OpenTalker/SadTalker", "OpenTalker/SadTalker"),
        ("https://github.com/sstzal/DFRF/blob/show_page/images/x.pdf", "sstzal/DFRF"),
        ("https://github.com/Rudrabha/Wav2Lip/tree/master/evaluation", "Rudrabha/Wav2Lip"),
        ("https://github.com/a/b.git", "a/b"),
        ("git@github.com:a/b.git", "a/b"),
        ("https://github.com/sindresorhus/awesome", "sindresorhus/awesome"),
        ("https://github.com/topics/talking-head", None),
        ("https://github.com/orgs/x/repositories", None),
        ("https://github.com/OpenTalker", None),
        ("https://opentalker.github.io/video-retalking/", None),
    ],
)
def test_github_repo(url: str, repo: str | None) -> None:
    assert urls.github_repo(url) == repo


def test_badge_repo() -> None:
    assert urls.badge_repo("https://img.shields.io/github/stars/OpenTalker/SadTalker.svg") == (
        "OpenTalker/SadTalker"
    )
    assert urls.badge_repo("https://img.shields.io/github/forks/Carlyx/DPE.svg") == "Carlyx/DPE"
    assert urls.badge_repo("https://img.shields.io/badge/paper-arxiv-red") is None
    assert urls.badge_repo("https://github.com/a/b") is None


def test_paper_and_code_hosts() -> None:
    assert urls.is_paper_url("https://arxiv.org/abs/2008.07783")
    assert urls.is_paper_url("https://dl.acm.org/doi/pdf/10.1145/3394171.3413865g")
    assert urls.is_paper_url("https://wywu.github.io/projects/ReenactGAN/support/ReenactGAN.pdf")
    assert urls.is_paper_url("https://ieeexplore.ieee.org/stamp/stamp.jsp?arnumber=9547053")
    assert not urls.is_paper_url("https://github.com/a/b")
    assert urls.is_code_url("https://github.com/a/b")
    assert not urls.is_code_url("https://nvlabs.github.io/face-vid2vid/")
    assert not urls.is_code_url("https://github.com/topics/x")


def test_hf_space_and_https_upgrade() -> None:
    assert urls.is_hf_space("https://huggingface.co/spaces/vinthony/SadTalker")
    assert urls.is_hf_space("https://abc.hf.space/")
    assert not urls.is_hf_space("https://huggingface.co/datasets/x")
    assert urls.https_upgrade("http://arxiv.org/abs/1") == "https://arxiv.org/abs/1"
    assert urls.https_upgrade("https://arxiv.org/abs/1") is None


# ------------------------------------------------------------------ checkable URLs

CHECKABLE_CASES = {
    "https://example.org/a": True,
    "http://example.org/b": True,
    "HTTPS://Example.org/a": True,  # the same URL as the first, once normalised
    "ftp://files.example.org/c": True,  # the checker answers skipped (unsupported scheme)
    "mailto:someone@example.org": False,
    "javascript:alert(1)": False,
    "docs/relative.md": False,
    "#anchor": False,
    "//example.org/no-scheme": False,
    "   ": False,
    "": False,
    "http://[::1": False,  # not a URL at all
}


@pytest.mark.parametrize(("url", "checkable"), CHECKABLE_CASES.items())
def test_is_checkable(url: str, checkable: bool) -> None:
    assert urls.is_checkable(url) is checkable


def test_pr_mode_and_the_full_run_check_and_skip_the_same_urls() -> None:
    from linkwarden.commands.check import link_urls
    from linkwarden.gitdiff import ChangedLines
    from linkwarden.model import Role
    from linkwarden.prmode import PrScope
    from statekit import make_list

    listing = make_list(
        "l", [(f"Entry {i}", [(u, Role.OTHER)]) for i, u in enumerate(CHECKABLE_CASES)]
    )
    every_line = frozenset(link.line for link in listing.links)
    changed = ChangedLines(
        "HEAD", "0" * 40, {listing.source.path.resolve(): every_line}, Path.cwd()
    )
    pr = PrScope(changed, None, Path("latest.json")).urls_to_check([listing])
    full = link_urls([listing])
    assert pr == full == [
        "https://example.org/a", "http://example.org/b", "ftp://files.example.org/c"
    ]  # fmt: skip
