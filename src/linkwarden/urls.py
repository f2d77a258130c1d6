"""URL knowledge shared by every stage: normalisation, wrappers, arXiv IDs, GitHub repositories.

Pure functions, no I/O. Site knowledge lives in the tables at the top so that adding a host
is a one-line change, not a new `if`.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit, urlunsplit

import idna

# Redirect wrappers: host suffix -> (path prefix, query parameters holding the real target).
REDIRECT_WRAPPERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "google.com": ("/url", ("url", "q")),
    "l.facebook.com": ("/l.php", ("u",)),
    "out.reddit.com": ("/", ("url",)),
    "l.messenger.com": ("/l.php", ("u",)),
}

# Hosts whose links are papers (publisher pages, proceedings, preprint servers).
PAPER_HOSTS: tuple[str, ...] = (
    "arxiv.org",
    "doi.org",
    "dl.acm.org",
    "ieeexplore.ieee.org",
    "openaccess.thecvf.com",
    "openreview.net",
    "papers.nips.cc",
    "proceedings.neurips.cc",
    "proceedings.mlr.press",
    "link.springer.com",
    "ecva.net",
    "aaai.org",
    "ojs.aaai.org",
    "ijcai.org",
    "aclanthology.org",
    "sciencedirect.com",
    "semanticscholar.org",
    "researchgate.net",
)

# Hosts whose links are source code repositories.
CODE_HOSTS: tuple[str, ...] = ("github.com", "gitlab.com", "bitbucket.org", "gitee.com")

# github.com first path segments that are not OWNER names.
GITHUB_RESERVED = frozenset(
    {
        "about", "apps", "blog", "collections", "contact", "customer-stories", "enterprise",
        "events", "explore", "features", "github", "login", "marketplace", "new", "notifications",
        "orgs", "organizations", "pricing", "pulls", "issues", "search", "security", "settings",
        "site", "sponsors", "topics", "trending", "users", "join", "codespaces", "readme",
    }
)  # fmt: skip

_ARXIV_NEW = r"\d{4}\.\d{4,5}"
_ARXIV_OLD = r"[a-z\-]+(?:\.[A-Z]{2})?/\d{7}"
_ARXIV_PATH = re.compile(
    rf"^/(?:abs|pdf|html|format|ps)/(?P<id>{_ARXIV_NEW}|{_ARXIV_OLD})(?:v(?P<v>\d+))?(?:\.pdf)?/?$",
    re.IGNORECASE,
)
_NEW_ID = re.compile(r"^(?P<yy>\d{2})(?P<mm>\d{2})\.(?P<num>\d{4,5})$")
_OLD_ID = re.compile(r"^(?P<archive>[a-z-]+)(?:\.[a-z]{2})?/(?P<num>\d{7})$", re.IGNORECASE)
_SHIELDS_GITHUB = re.compile(
    r"^/github/(?:stars|forks|watchers|issues|issues-pr|last-commit|license|release|"
    r"v/release|contributors|commit-activity/\w+|repo-size|languages/\w+|downloads/[^/]+/\w+)"
    r"/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+?)(?:\.svg|\.png|\.json)?(?:/.*)?$"
)


@dataclass(frozen=True)
class ArxivRef:
    """An arXiv identifier found in a URL."""

    arxiv_id: str  # e.g. 2301.01081 or hep-th/9901001
    version: int | None = None

    def __str__(self) -> str:
        return f"{self.arxiv_id}v{self.version}" if self.version else self.arxiv_id


def host_of(url: str) -> str:
    """Lower-case host name without port, '' when there is none."""
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def host_matches(host: str, suffixes: tuple[str, ...] | frozenset[str]) -> bool:
    """True when `host` is one of `suffixes` or a subdomain of one."""
    # `host`, then each domain above it (`a.b.c` -> `b.c` -> `c`): one membership test
    # per dot of the host (a set lookup when `suffixes` is a frozenset) instead of an
    # `endswith` per suffix; extraction asks for every link.
    while True:
        if host in suffixes:
            return True
        dot = host.find(".")
        if dot < 0:
            return False
        host = host[dot + 1 :]


def unwrap_redirect(url: str) -> tuple[str, str | None]:
    """Return (target, wrapper): the real URL inside a known redirect wrapper.

    `wrapper` is the original URL when it was a wrapper, else None. Unwrapping repeats
    for nested wrappers.
    """
    original = url
    for _ in range(5):
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        target = None
        for suffix, (prefix, params) in REDIRECT_WRAPPERS.items():
            matches_host = host == suffix or host.endswith("." + suffix)
            # Google: google.com, www.google.com, google.co.uk ... all serve /url.
            if suffix == "google.com" and re.fullmatch(r"(www\.)?google\.[a-z.]{2,6}", host):
                matches_host = True
            if not matches_host or not parts.path.startswith(prefix):
                continue
            query = parse_qs(parts.query)
            for name in params:
                candidate = (query.get(name) or [""])[0]
                if candidate.startswith(("http://", "https://")):
                    target = candidate
                    break
            if target:
                break
        if not target:
            break
        url = target
    return (url, original) if url != original else (url, None)


def is_checkable(url: str) -> bool:
    """Whether a link gets a result from the checker: an absolute URL with a host.

    Any scheme counts: the checker answers `skipped` ("unsupported scheme ftp:") for what
    it cannot fetch, so the report shows those links too. Empty, relative and host-less links
    (`mailto:`, `#anchor`) are the offline rules' business. The full run and PR mode both
    choose their URLs with this test.
    """
    if not url or not url.strip():
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return bool(parts.scheme and parts.netloc)


def checkable_urls(urls: Iterable[str]) -> list[str]:
    """The checkable URLs among `urls`, once per normalised form, in the order given."""
    seen: dict[str, str] = {}
    for url in urls:
        if is_checkable(url):
            seen.setdefault(normalize(url), url)
    return list(seen.values())


# RFC 3986 unreserved characters: the only ones whose %XX escape means the same as the
# character itself. Any other escape (`%2F`, `%25`, `%3F`) is data and stays escaped.
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _normal_path(path: str) -> str:
    """Escapes in one form: unreserved ones decoded, the rest upper-case; unsafe characters
    (spaces, non-ASCII, a `%` that starts no escape) escaped. The resource never changes."""

    def one(m: re.Match[str]) -> str:
        char = chr(int(m.group(1), 16))
        return char if char in _UNRESERVED else f"%{m.group(1).upper()}"

    path = _LONE_PERCENT.sub("%25", _ESCAPE.sub(one, path))
    return quote(path, safe="/:@!$&'()*+,;=-._~%") or "/"


def _normal_host(host: str) -> str:
    """Lower case, no trailing dot; a Unicode name as its IDNA 2008 A-label (what httpx
    connects to), or as written when it has none (httpx then says why it cannot be used)."""
    host = host.lower().rstrip(".")
    if host and not host.isascii():
        with contextlib.suppress(idna.IDNAError, UnicodeError):
            host = idna.encode(host).decode("ascii")
    return f"[{host}]" if ":" in host else host  # an IPv6 literal keeps its brackets


def normalize(url: str) -> str:
    """The key under which a URL is checked once per run.

    Lower-cases scheme and host, drops default ports, the fragment and a trailing `#`,
    writes percent-escapes one way without changing what they mean (`%2F` stays `%2F`),
    keeps IPv6 brackets. Path case and query order are kept: servers may care.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = _normal_host(parts.hostname or "")
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        netloc = f"{netloc}:{port}"
    return urlunsplit((scheme, netloc, _normal_path(parts.path), parts.query, ""))


def arxiv_ref(url: str) -> ArxivRef | None:
    """The arXiv ID a URL refers to: abs/pdf/html pages, any version, export host."""
    host = host_of(url)
    if not host_matches(host, ("arxiv.org",)):
        return None
    path = urlsplit(url).path
    m = _ARXIV_PATH.match(path)
    if not m:
        return None
    version = int(m.group("v")) if m.group("v") else None
    return ArxivRef(m.group("id"), version)


def canonical_id(raw: str) -> str | None:
    """The ID arXiv answers to, or None when it cannot exist.

    New-style IDs have four digits after the dot until 2014 and five from 2015; old-style
    IDs drop the subject class (`math.AG/0601001` is `math/0601001`).
    """
    m = _NEW_ID.match(raw)
    if m:
        month = int(m.group("mm"))
        five = int(m.group("yy")) >= 15
        if not 1 <= month <= 12 or (len(m.group("num")) == 5) != five:
            return None
        return raw
    m = _OLD_ID.match(raw)
    if m:
        return f"{m.group('archive').lower()}/{m.group('num')}"
    return None


def github_repo(url: str) -> str | None:
    """OWNER/NAME of the GitHub repository a URL points into, or None.

    Handles repository pages, `tree/`/`blob/` links, `.git` clone URLs and `git@` SSH URLs.
    """
    url = url.strip()
    m = re.match(r"^git@github\.com:([\w.-]+)/([\w.-]+?)(?:\.git)?/?$", url)
    if m:
        return f"{m.group(1)}/{m.group(2)}"
    host = host_of(url)
    if host not in ("github.com", "www.github.com"):
        return None
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if len(segments) < 2 or segments[0].lower() in GITHUB_RESERVED:
        return None
    owner, name = segments[0], segments[1]
    if name.endswith(".git"):
        name = name[:-4]
    if not re.fullmatch(r"[\w.-]+", owner) or not re.fullmatch(r"[\w.-]+", name):
        return None
    return f"{owner}/{name}"


def renamed_url(url: str, full_name: str, repo_url: str) -> str:
    """`url` with its repository part replaced by the repository's current OWNER/NAME.

    `repo_url` (the repository's own page) stands in when `url` does not spell the
    repository the way `github_repo` reads it.
    """
    old = github_repo(url)
    if old is None:
        return repo_url
    head, sep, tail = url.partition(f"/{old}")
    if not sep:  # case differs from what github_repo saw: rebuild from the record
        return repo_url
    if tail.startswith(".git"):
        tail = tail[len(".git") :]
    return f"{head}/{full_name}{tail}"


def badge_repo(url: str) -> str | None:
    """OWNER/NAME that a shields.io GitHub badge counts (stars, forks, ...)."""
    if host_of(url) not in ("img.shields.io", "shields.io"):
        return None
    m = _SHIELDS_GITHUB.match(urlsplit(url).path)
    return f"{m.group('owner')}/{m.group('repo')}" if m else None


def is_pdf(url: str) -> bool:
    path = urlsplit(url).path.lower()
    return path.endswith(".pdf") or "/pdf/" in path or "stamp.jsp" in path


def is_paper_url(url: str) -> bool:
    """A link to a paper: a paper host or a PDF anywhere."""
    return host_matches(host_of(url), PAPER_HOSTS) or is_pdf(url)


def is_code_url(url: str) -> bool:
    """A link to a source repository (not to a GitHub Pages site)."""
    host = host_of(url)
    if host in ("github.com", "www.github.com"):
        return github_repo(url) is not None
    return host_matches(host, CODE_HOSTS)


def is_hf_space(url: str) -> bool:
    host = host_of(url)
    if host.endswith(".hf.space"):
        return True
    return host == "huggingface.co" and urlsplit(url).path.startswith("/spaces/")


def https_upgrade(url: str) -> str | None:
    """The https:// form of an http:// URL, or None when it is not http."""
    if url.lower().startswith("http://"):
        return "https://" + url[len("http://") :]
    return None
