"""Paper identifiers a URL carries besides arXiv IDs: DOIs and OpenReview note IDs. Pure.

Also what an entry's links say about its paper and code (`entry_arxiv_ids`, `links_code`),
which both the registry look-ups and their rules need.

A DOI stands in many link forms: `doi.org/10.1145/…`, publisher pages that put it in the
path (`dl.acm.org/doi/pdf/10.1145/…`, `link.springer.com/article/10.1007/…`, Wiley, Taylor &
Francis, SAGE, ACS, IOP, …), a `doi=` query parameter, and publishers whose article number
*is* the DOI suffix (`nature.com/articles/s41586-…`, Zenodo records). The registries answer
DOIs case-insensitively, so the canonical form here is lower case, percent-decoded, with
trailing punctuation and file suffixes (`.pdf`) removed.

A typo stays a typo: `dl.acm.org/doi/pdf/10.1145/3394171.3413865g` gives the DOI
`10.1145/3394171.3413865g`, which is what the link asks for (and resolves nowhere).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qs, unquote, urlsplit

from .model import Link
from .urls import arxiv_ref, badge_repo, host_matches, is_code_url

# A DOI: "10." + a registrant code of 4-9 digits (sub-codes after dots) + "/" + any suffix.
_DOI = re.compile(r"(?<![\w.])(10\.\d{4,9}(?:\.\d+)*/\S+)", re.IGNORECASE)
_DOI_ALONE = re.compile(r"^10\.\d{4,9}(?:\.\d+)*/\S+$", re.IGNORECASE)

# Hosts that are DOI resolvers: the whole path is the DOI.
DOI_RESOLVERS = ("doi.org", "dx.doi.org")

# Publisher hosts that write the DOI into the path, after a marker segment such as
# `/doi/`, `/doi/abs/`, `/article/`. Hosts are matched as suffixes (subdomains count).
DOI_PATH_HOSTS = (
    "dl.acm.org",
    "link.springer.com",
    "onlinelibrary.wiley.com",
    "tandfonline.com",
    "journals.sagepub.com",
    "pubs.acs.org",
    "iopscience.iop.org",
    "science.org",
    "pnas.org",
    "aip.scitation.org",
    "journals.aps.org",
    "academic.oup.com",
    "cambridge.org",
    "emerald.com",
    "worldscientific.com",
    "degruyter.com",
    "liebertpub.com",
    "annualreviews.org",
    "mitpressjournals.org",
    "direct.mit.edu",
)

# Publishers whose article ID is the DOI suffix: host -> (path pattern, DOI prefix).
ARTICLE_ID_HOSTS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("nature.com", re.compile(r"^/articles/(?P<id>s\d{5}-\d{3}-\d{4,6}-[0-9a-z])"), "10.1038/"),
    ("zenodo.org", re.compile(r"^/records?/(?P<id>\d+)"), "10.5281/zenodo."),
)

# Path segments after a DOI that name a view of the article, not part of the DOI.
_TRAILING_VIEWS = ("/abstract", "/full", "/pdf", "/epdf", "/fulltext", "/meta", "/html")
_FILE_SUFFIXES = (".pdf", ".html", ".htm", ".xml", ".epub")

OPENREVIEW_HOSTS = ("openreview.net",)
_OPENREVIEW_ID = re.compile(r"^[A-Za-z0-9_\-]{5,40}$")
_OPENREVIEW_PATHS = ("/forum", "/pdf", "/attachment", "/revisions", "/references/pdf")


def normalize_doi(text: str) -> str | None:
    """The canonical form of a DOI (lower case, decoded, no trailing punctuation), or None.

    Accepts a bare DOI, `doi:10.…`, or a resolver URL.
    """
    value = unquote(text.strip())
    lowered = value.lower()
    for prefix in (
        "doi:",
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
    ):
        if lowered.startswith(prefix):
            value = value[len(prefix) :]
            break
    value = value.strip().rstrip(".,;:)]}>'\"")
    lowered = value.lower()
    for suffix in _FILE_SUFFIXES:
        if lowered.endswith(suffix):
            value = value[: -len(suffix)]
            lowered = value.lower()
    for view in _TRAILING_VIEWS:
        if lowered.endswith(view):
            value = value[: -len(view)]
            lowered = value.lower()
    if not _DOI_ALONE.match(value):
        return None
    return value.lower()


def doi_of(url: str) -> str | None:
    """The DOI a link carries, canonical, or None when it carries none."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if not host:
        return None
    path = unquote(parts.path)
    if host_matches(host, DOI_RESOLVERS):
        return normalize_doi(path.lstrip("/"))
    for suffix, pattern, prefix in ARTICLE_ID_HOSTS:
        if host_matches(host, (suffix,)):
            match = pattern.match(path)
            return normalize_doi(prefix + match.group("id")) if match else None
    if host_matches(host, DOI_PATH_HOSTS):
        match = _DOI.search(path)
        if match:
            return normalize_doi(match.group(1))
    query = parse_qs(parts.query)
    for key in ("doi", "DOI"):
        for value in query.get(key, ()):
            doi = normalize_doi(value)
            if doi:
                return doi
    return None


def doi_url(doi: str) -> str:
    """The resolver URL of a DOI."""
    return f"https://doi.org/{doi}"


def openreview_id(url: str) -> str | None:
    """The note ID of an OpenReview link (`forum?id=`, `pdf?id=`, `attachment?id=`), or None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if not host_matches((parts.hostname or "").lower(), OPENREVIEW_HOSTS):
        return None
    if parts.path.rstrip("/") not in _OPENREVIEW_PATHS:
        return None
    for value in parse_qs(parts.query).get("id", ()):
        if _OPENREVIEW_ID.match(value):
            return value
    return None


def openreview_url(note_id: str) -> str:
    return f"https://openreview.net/forum?id={note_id}"


def links_code(links: Iterable[Link]) -> bool:
    """Does any of these links lead to source code (a repository, or a badge counting one)?

    A "Code" link to a paper or a project page does not count: it is not code (LW110/LW111).
    """
    return any(is_code_url(link.url) or badge_repo(link.url) for link in links)


def entry_arxiv_ids(links: Iterable[Link]) -> list[str]:
    """The arXiv IDs (bare, as written) an entry's links name, in link order, once each."""
    found: dict[str, None] = {}
    for link in links:
        ref = arxiv_ref(link.url)
        if ref is not None:
            found.setdefault(ref.arxiv_id, None)
    return list(found)
