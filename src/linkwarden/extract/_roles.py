"""How a link's role is decided: data tables first, one small function that reads them.

The order of evidence (docs/extraction.md), each recorded as the link's `role_source`:

1. an image is a `badge` when it is a badge (shields.io and friends, or an `.svg` icon in
   an entry), else `other`;
2. an explicit `paper` or `code` label in the link text (or, for a bare URL, the `Paper:`
   before it) always wins (so a "Code" link to an arXiv page stays `code` and a rule can
   flag it) — `text`;
3. a host that is always one thing (YouTube -> video, Hugging Face Spaces -> demo) — `host`;
4. any other label in the link text (`project page`, `video`, `demo`, `Download link`);
5. the table column the link stands in (`paper`, `code`, `web/proj`) — `column`;
6. the section it stands in (a `Datasets` heading makes project/download links `dataset`);
7. its position, for an entry's linked title: the paper when the entry is cited with a
   venue (`citation`), else what its host says (a repository is code), else what the other
   linked titles of its table or section mostly are (papers, or project pages: a list of
   software) — `position`;
8. the host (a paper host -> paper, a code host -> code), else `other`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from functools import lru_cache

from .. import urls
from ..model import Role, RoleSource

# Link texts, normalised by `label_key`, that say what a link is. None: a neutral label
# ("Link", "here") that says it is *not* the entry's title but not what it is either.
LABELS: dict[str, Role | None] = {}

_LABEL_PHRASES: dict[Role | None, tuple[str, ...]] = {
    Role.PAPER: ("paper", "papers", "pdf", "arxiv", "preprint", "publication", "openreview",
                 "full paper", "paper link", "camera ready"),
    Role.CODE: ("code", "codes", "github", "repo", "repository", "source", "source code",
                "implementation", "official code", "unofficial code", "code link"),
    Role.PROJECT: ("project", "project page", "projectpage", "proj", "webpage", "web page",
                   "web/proj", "website", "homepage", "home page", "page", "site", "web",
                   "project site", "project website"),
    Role.DATASET: ("dataset", "datasets", "data", "download", "download link", "download page"),
    Role.VIDEO: ("video", "videos", "youtube", "demo video", "supplementary video"),
    Role.DEMO: ("demo", "demo track", "online demo", "colab", "hugging face", "huggingface",
                "space", "spaces", "gradio"),
    None: ("link", "links", "here", "this", "url", "more", "details"),
}  # fmt: skip
for _role_or_none, _phrases in _LABEL_PHRASES.items():
    for _phrase in _phrases:
        LABELS[_phrase] = _role_or_none

# Badges that mark a tool as open source; their link leads to the source (any forge).
OPEN_SOURCE_MARKS = frozenset({"open source software", "open source", "oss"})

# Table column headers, normalised by `label_key`, and what a link in that column is.
# "title": the column names the entry (a link there is positioned as the title).
HEADER_ROLES: dict[str, Role] = {
    "paper": Role.PAPER, "papers": Role.PAPER, "pdf": Role.PAPER, "arxiv": Role.PAPER,
    "code": Role.CODE, "codes": Role.CODE, "github": Role.CODE, "repo": Role.CODE,
    "code/paper": Role.CODE,
    "project": Role.PROJECT, "project page": Role.PROJECT, "web/proj": Role.PROJECT,
    "webpage": Role.PROJECT, "website": Role.PROJECT, "homepage": Role.PROJECT,
    "proj": Role.PROJECT, "page": Role.PROJECT,
    "dataset": Role.DATASET, "data": Role.DATASET, "download": Role.DATASET,
    "download link": Role.DATASET,
    "video": Role.VIDEO, "demo": Role.DEMO,
}  # fmt: skip
TITLE_HEADERS = frozenset(
    {"title", "paper title", "name", "dataset", "dataset name", "tool", "platform", "model",
     "method", "project name", "metrics", "metric", "metric name", "technology",
     "application", "researcher", "lab"}
)  # fmt: skip
VENUE_HEADERS = frozenset(
    {"accept", "accepted", "venue", "conference", "journal", "conference/journal",
     "publication", "published", "pub", "conf"}
)  # fmt: skip
YEAR_HEADERS = frozenset({"year", "date"})
# What kind of thing a table's title column names, when it is not a paper.
TITLE_COLUMN_KINDS: dict[str, str] = {
    "dataset": "dataset", "dataset name": "dataset", "tool": "tools", "platform": "tools",
    "metrics": "metrics", "metric": "metrics", "metric name": "metrics",
    "researcher": "people", "lab": "people",
}  # fmt: skip

# Sections (headings, innermost first) that change what links mean.
SECTION_KINDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bdata ?sets?\b|\bcorpus\b|\bcorpora\b", re.I), "dataset"),
    (re.compile(r"\bresearchers?\b|\bpeople\b|\bpersons?\b|\bgroups?\b|\blabs?\b|"
                r"\binstitutions?\b|\bscholars?\b", re.I), "people"),
    (re.compile(r"\btool(s|box|kit)?\b|\bframeworks?\b|\bplatforms?\b|\blibrar(y|ies)\b",
                re.I), "tools"),
    (re.compile(r"\bmetrics?\b|\bevaluation\b", re.I), "metrics"),
    (re.compile(r"\brelated\b|\bresources\b|\bsee also\b|\btable of contents\b|\bcontents\b",
                re.I), "resources"),
)  # fmt: skip

# Venue names (lower case) recognised in `[VENUE]` prefixes and link texts like "CVPR'23".
VENUE_NAMES = frozenset(
    {"cvpr", "cvprw", "iccv", "iccvw", "eccv", "eccvw", "neurips", "nips", "iclr", "icml",
     "aaai", "ijcai", "acm", "mm", "acmmm", "acm mm", "acm multimedia", "siggraph",
     "siggraphasia", "siggraph asia", "tog", "acm tog", "tpami", "pami", "tip", "ieee",
     "tvcg", "tmm", "tcsvt", "wacv", "bmvc", "accv", "icassp", "icme", "icmi", "fg", "3dv",
     "ismar", "interspeech", "arxiv", "ijcv", "jig", "i4tech", "mlsysworkshop", "iros",
     "icra", "ai", "kdd", "www", "acl", "emnlp", "naacl", "tomm", "ieee tip",
     "ieee tmm", "journal", "workshop", "preprint", "cvm", "vr", "ieee vr", "uist",
     "chi", "eurographics", "cgf", "pg", "ieee tpami"}
)  # fmt: skip

_BADGE_HOSTS = (
    "img.shields.io",
    "shields.io",
    "badgen.net",
    "badge.fury.io",
    "awesome.re",
    "forthebadge.com",
)
_VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "bilibili.com")
_BADGE_HOST_SET = frozenset(_BADGE_HOSTS)
_VIDEO_HOST_SET = frozenset(_VIDEO_HOSTS)


_PARENTHESISED = re.compile(r"\(.*?\)|\(.*$")
_NOT_KEY = re.compile(r"[^a-z0-9/ ]+")


@lru_cache(maxsize=8192)
def label_key(text: str) -> str:
    """'[`Download link`]' -> 'download link'; 'code(coming soon)' -> 'code'."""
    lowered = text.lower()
    if "(" in lowered:
        lowered = _PARENTHESISED.sub(" ", lowered)
    lowered = _NOT_KEY.sub(" ", lowered)
    return " ".join(lowered.split())


def label_role(text: str) -> tuple[bool, Role | None]:
    """(is a label, role it names): ('Code') -> (True, CODE); ('Link') -> (True, None)."""
    key = label_key(text)
    if key in LABELS:
        return True, LABELS[key]
    return False, None


def written_label(text: str) -> str:
    """A `Label:` as written before a bare URL, typos forgiven: 'Homeoage' -> 'homepage'.
    Only there: a word followed by a colon and a URL is a label even when misspelt."""
    key = label_key(text)
    if not key or key in LABELS or len(key) < 5:
        return text
    close = difflib.get_close_matches(key, LABELS, n=1, cutoff=0.85)
    return close[0] if close else text


@lru_cache(maxsize=1024)
def section_kind(section: tuple[str, ...]) -> str | None:
    for heading in reversed(section):
        for pattern, kind in SECTION_KINDS:
            if pattern.search(heading):
                return kind
    return None


_HOST = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:]*)")


def _host(url: str) -> str:
    m = _HOST.match(url)
    return m.group(1).lower().rstrip(".") if m else ""


def is_badge_image(url: str) -> bool:
    host = _host(url)
    if urls.host_matches(host, _BADGE_HOST_SET):
        return True
    path = url.lower().rsplit("?", 1)[0]
    return path.endswith(("badge.svg", "/badge")) or "/badge/" in path


def host_role(url: str) -> Role | None:
    """Hosts that are always one kind of thing."""
    host = _host(url)
    if urls.host_matches(host, _VIDEO_HOST_SET):
        return Role.VIDEO
    if host.endswith(".hf.space") or (host == "huggingface.co" and "/spaces/" in url):
        return Role.DEMO
    return None


def host_kind(url: str) -> Role | None:
    """What the host and path alone say a URL is: code, a paper, a dataset, or nothing."""
    fixed = host_role(url)
    if fixed is not None:
        return fixed
    try:
        if urls.is_code_url(url):
            return Role.CODE
        if urls.is_paper_url(url):
            return Role.PAPER
    except ValueError:  # a malformed URL (`https://[::1`) names no host
        return None
    host = _host(url)
    if host == "huggingface.co":  # the model hub: weights and code (Spaces are demos)
        return Role.DATASET if "/datasets/" in url else Role.CODE
    return None


def role_by_host(url: str, default: Role) -> Role:
    return host_kind(url) or default


def _by_host(url: str, default: Role, fallback: RoleSource) -> tuple[Role, RoleSource]:
    kind = host_kind(url)
    return (kind, RoleSource.HOST) if kind is not None else (default, fallback)


def is_icon(url: str) -> bool:
    """A small vector image (an "Open Source" or "Freeware" mark next to an entry)."""
    return url.lower().split("?", 1)[0].split("#", 1)[0].endswith(".svg")


def decide(
    *,
    url: str,
    text: str,
    image: bool,
    header: str | None,
    section: str | None,
    title: bool,
    nested_item: bool = False,
    wraps_image: bool = False,
    relative: bool = False,
    cited: bool = False,
    papers_here: Callable[[], bool] | None = None,
    in_entry: bool = False,
) -> tuple[Role, RoleSource]:
    """The role of one link and what decided it. The evidence, strongest first: the link's
    label (`text`; for a bare URL, the `Label:` before it), a host that is always one
    thing, the column `header`, the `section` kind (or a title column's kind), and for an
    entry's linked `title`: the entry cited with a venue (`cited`: the list says it is a
    paper), else the host, else what the other linked titles around it are
    (`papers_here()`: mostly papers; None: papers; asked only when it decides, as
    counting those votes parses every title's URL). `nested_item`: a researcher's
    sub-item; `wraps_image`: the link's text is only an image; `relative`: a path, not a
    URL; `in_entry`: the link belongs to an entry (an icon there is a badge)."""
    if image:
        if is_badge_image(url) or (in_entry and is_icon(url)):
            return Role.BADGE, RoleSource.HOST
        return Role.OTHER, RoleSource.HOST
    key = label_key(text)  # "" for no text: no label
    is_label = key in LABELS
    named = LABELS[key] if is_label else None
    if named in (Role.PAPER, Role.CODE):
        return named, RoleSource.TEXT
    if key in OPEN_SOURCE_MARKS:
        # "[![Open-Source Software][OSS Icon]](url)": says the tool is open source, and
        # the link is where its source lives; not a "Code" label a host could contradict.
        return Role.CODE, RoleSource.POSITION
    fixed = host_role(url)
    if fixed is not None:
        return fixed, RoleSource.HOST
    if named is not None:
        if section == "dataset" and named in (Role.PROJECT, Role.DATASET):
            return Role.DATASET, RoleSource.TEXT
        return named, RoleSource.TEXT
    if header is not None:
        by_header = HEADER_ROLES.get(header)
        if by_header is not None:
            if section == "dataset" and by_header is Role.PROJECT:
                return Role.DATASET, RoleSource.COLUMN
            if header == "code/paper":
                return _by_host(url, Role.CODE, RoleSource.COLUMN)
            return by_header, RoleSource.COLUMN
    if section == "dataset":
        return Role.DATASET, RoleSource.SECTION
    if relative:
        # Another page of the same repository: nothing to type.
        return Role.OTHER, RoleSource.POSITION
    if wraps_image:
        # A badge's target. In an entry, a stars badge leads to the entry's repository and
        # an arXiv badge to its paper; elsewhere (the list's own "Awesome" badge) it is other.
        if in_entry:
            return _by_host(url, Role.OTHER, RoleSource.POSITION)
        return Role.OTHER, RoleSource.POSITION
    if section == "people":
        if nested_item:
            return _by_host(url, Role.PROJECT, RoleSource.SECTION)
        return Role.OTHER, RoleSource.SECTION
    if section in ("tools", "metrics"):
        return _by_host(url, Role.PROJECT, RoleSource.SECTION)
    if section == "resources":
        return _by_host(url, Role.OTHER, RoleSource.SECTION)
    if title and not is_label:
        if cited:
            return Role.PAPER, RoleSource.CITATION
        kind = host_kind(url)
        if kind is not None:
            return kind, RoleSource.HOST
        papers = papers_here is None or papers_here()
        return Role.PAPER if papers else Role.PROJECT, RoleSource.POSITION
    return _by_host(url, Role.OTHER, RoleSource.HOST)
