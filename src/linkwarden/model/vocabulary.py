"""The vocabulary of the data: every enum the stages and the snapshot share.

What a link is for (`Role`) and what said so (`RoleSource`), how much a finding matters
(`Severity`), what a run observed (`Status`, `ErrorKind`, `Via`), the verdict after
quarantine (`Effective`) and what extraction noticed (`LinkFlag`). All are `str` enums, so
JSON keeps the plain strings, and readers compare members instead of re-declaring the
strings. Pure, standard library only.
"""

from __future__ import annotations

import enum


class Role(str, enum.Enum):
    """What a link is for, as the list presents it."""

    PAPER = "paper"
    CODE = "code"
    PROJECT = "project"
    DATASET = "dataset"
    VIDEO = "video"
    DEMO = "demo"
    BADGE = "badge"
    OTHER = "other"

    def __str__(self) -> str:
        return self.value


class RoleSource(str, enum.Enum):
    """What decided a link's role, from what the list says to what we guess.

    `text`, `column` and `citation` are the list's own words: a "Code" label, a Code
    column, an entry cited with its venue (so its linked title is the paper). `host`,
    `section` and `position` are inferences (a github.com URL is code; a link under a
    Datasets heading is a dataset; the linked title of an entry is its subject). The
    mislabel rules (LW110-LW113) fire only on roles the list states.
    """

    TEXT = "text"
    COLUMN = "column"
    CITATION = "citation"
    HOST = "host"
    SECTION = "section"
    POSITION = "position"

    def __str__(self) -> str:
        return self.value

    @property
    def stated(self) -> bool:
        """The list itself says what the link is (a label, a column, a citation)."""
        return self in (RoleSource.TEXT, RoleSource.COLUMN, RoleSource.CITATION)


class Severity(str, enum.Enum):
    """How much a finding matters; `rank` orders them (error highest)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]

    def __str__(self) -> str:
        return self.value


class Status(str, enum.Enum):
    """What one run observed for one URL.

    A status is an observation, never a verdict over time: quarantine (state.quarantine) decides
    whether a failure counts, the status itself is never rewritten.
    """

    OK = "ok"
    REDIRECTED = "redirected"  # permanent redirect to a healthy target; final URL is the fix
    DEAD = "dead"  # 404/410, NXDOMAIN, refused, soft 404, deleted repo or arXiv ID
    BLOCKED = "blocked"  # a bot wall answered; says nothing about the link's health
    RESTRICTED = "restricted"  # a login wall (e.g. Google Drive sign-in)
    TIMEOUT = "timeout"
    ERROR = "error"  # TLS, protocol, redirect loop, persistent 5xx
    SKIPPED = "skipped"  # excluded, unsupported scheme, refused target

    def __str__(self) -> str:
        return self.value

    @property
    def is_healthy(self) -> bool:
        """The link works (possibly via a redirect worth rewriting)."""
        return self in (Status.OK, Status.REDIRECTED)

    @property
    def is_failure(self) -> bool:
        """The link did not work in this run (dead, timeout or error)."""
        return self in (Status.DEAD, Status.TIMEOUT, Status.ERROR)

    @property
    def is_inconclusive(self) -> bool:
        """We could not judge the link: a wall stood in the way or we did not look."""
        return self in (Status.BLOCKED, Status.RESTRICTED, Status.SKIPPED)


class Effective(str, enum.Enum):
    """The verdict over time for one URL, after quarantine (`linkwarden.state.quarantine`).

    `dead` is confirmed: definitive evidence, or a transient failure seen in
    `quarantine_runs` consecutive runs. `suspect` is a failure still in quarantine, reported
    as a warning with its history. The other values mirror the observed status.
    """

    OK = "ok"
    REDIRECTED = "redirected"
    DEAD = "dead"
    SUSPECT = "suspect"
    BLOCKED = "blocked"
    RESTRICTED = "restricted"
    SKIPPED = "skipped"

    def __str__(self) -> str:
        return self.value

    @property
    def is_problem(self) -> bool:
        return self in (Effective.DEAD, Effective.SUSPECT)


class LinkFlag(str, enum.Enum):
    """Something extraction noticed about how a link is written (`Link.flags`)."""

    EMPTY = "empty"  # `[text]()`: nothing to follow
    RELATIVE = "relative"  # a path inside the list's repository, resolved against upstream
    MALFORMED = "malformed"  # `https://` with nothing after it, `http:/x`, bad host
    IDN = "idn"  # an internationalised host name
    HERF = "herf"  # `<a herf=...>`: browsers ignore the misspelt attribute
    NESTED = "nested"  # a link inside another link's text
    MULTILINE = "multiline"  # the destination spans lines
    UNBALANCED = "unbalanced"  # a parenthesis in the URL closes the Markdown link early
    BROKEN = "broken"  # `[text] (url)`, `[[url)]`: link syntax GitHub renders as plain text

    def __str__(self) -> str:
        return self.value


class Via(str, enum.Enum):
    """How a `LinkResult` was obtained."""

    HTTP = "http"  # the checker fetched the URL
    ARXIV_API = "arxiv-api"  # the arXiv API answered for the paper
    GITHUB_API = "github-api"  # the GitHub API answered for the repository
    YOUTUBE_OEMBED = "youtube-oembed"  # YouTube's oEmbed endpoint answered for the video
    SNAPSHOT = "snapshot"  # reused from the previous snapshot (--max-age, PR mode)
    NONE = "none"  # not checked in this run

    def __str__(self) -> str:
        return self.value


# An API answered for the thing linked: its verdict beats an HTTP one.
API_VIAS = frozenset({Via.ARXIV_API, Via.GITHUB_API})


class ErrorKind(str, enum.Enum):
    """What went wrong with a URL, in one word (`LinkResult.error_kind`)."""

    # no HTTP answer
    DNS = "dns"  # the name does not exist (NXDOMAIN)
    DNS_TEMPORARY = "dns_temporary"  # the resolver failed for now
    REFUSED = "refused"  # the host refused the connection
    CONNECT = "connect"  # the connection failed some other way
    CONNECT_TIMEOUT = "connect_timeout"
    TIMEOUT = "timeout"  # connected, no answer in time
    DEADLINE = "deadline"  # no verdict within the URL's whole deadline
    RESET = "reset"  # the connection was reset mid-request
    TLS = "tls"
    PROTOCOL = "protocol"  # the server spoke broken HTTP, or an unexpected status
    UNSUPPORTED = "unsupported"  # a scheme httpx cannot fetch
    NETWORK = "network"  # any other network failure
    GUARD = "guard"  # refused by our private-address guard
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    INVALID_URL = "invalid_url"  # the URL (or a redirect's Location) cannot be requested
    DECODING = "decoding"  # the body's Content-Encoding cannot be undone
    # an HTTP answer that says the link is not healthy
    HTTP = "http"  # 404, 410 and other definitive statuses
    HTTP_4XX = "http_4xx"
    HTTP_5XX = "http_5xx"
    FORBIDDEN = "forbidden"
    RATE_LIMITED = "rate_limited"
    BOT_WALL = "bot_wall"  # a bot wall answered instead of the page
    LOGIN = "login"  # a login wall
    PARKED = "parked"  # a domain parking page
    SOFT_404 = "soft_404"  # a 200 that says "not found"
    NOT_FOUND = "not-found"  # an API says the paper or repository does not exist

    def __str__(self) -> str:
        return self.value


# Connection failures that may go away by themselves (a `dead` result with one is transient).
TRANSIENT_ERROR_KINDS = frozenset(
    {ErrorKind.REFUSED, ErrorKind.CONNECT, ErrorKind.DNS, ErrorKind.RESET}
)
