"""Site knowledge the checker needs, as data: bot walls, soft 404s, parking pages, login walls.

Adding a host or a marker is a one-line change here; `_http.py` only reads these tables.
All matching is case-insensitive; hosts match themselves and their subdomains.
"""

from __future__ import annotations

import re

# --- bot walls -------------------------------------------------------------------------------

# Response headers that mean "a challenge page answered, not the site": (header, value substring).
CHALLENGE_HEADERS: tuple[tuple[str, str], ...] = (
    ("cf-mitigated", "challenge"),  # Cloudflare managed challenge
    ("x-amzn-waf-action", "captcha"),  # AWS WAF
    ("x-datadome", ""),  # DataDome answered instead of the origin
    ("x-px-blocked", ""),  # PerimeterX / HUMAN
)

# Page titles of challenge and bot-check pages (any status).
CHALLENGE_TITLES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^just a moment",
        r"^attention required!? \| cloudflare",
        r"^please wait\.\.\. \| cloudflare",
        r"^checking your browser",
        r"^ddos-guard",
        r"^are you a (robot|human)\??",
        r"^human verification",
        r"^verify(ing)? you are (a )?human",
        r"^security check",
        r"^captcha",
        r"^radware bot manager captcha",
        r"^access to this page has been denied",  # PerimeterX
        r"^pardon our interruption",  # Distil / Imperva
        r"^request rejected",
    )
)

# Body fragments of challenge pages. Only consulted for 4xx/5xx answers: a healthy 200 page
# may well mention "captcha" (a paper about CAPTCHAs, say).
CHALLENGE_BODY_MARKERS: tuple[str, ...] = (
    "cf-chl-",
    "/cdn-cgi/challenge-platform/",
    "cf_chl_opt",
    "just a moment...",
    "checking if the site connection is secure",
    "enable javascript and cookies to continue",
    "g-recaptcha",
    "h-captcha",
    "hcaptcha.com",
    "px-captcha",
    "_incapsula_resource",
    "captcha-delivery.com",  # DataDome
    "awswaf",
    "/_sec/cp_challenge/",  # Akamai
    "are you a robot",
)

# HTTP statuses that only a bot wall sends: LinkedIn's 999.
WALL_STATUSES: frozenset[int] = frozenset({999})

# Hosts known to wall off automated clients: a 4xx/5xx listed here means "blocked", not dead.
# The statuses are the ones these sites answer bots with; a 404 from them still means dead.
WALLED_HOSTS: dict[str, frozenset[int]] = {
    "dl.acm.org": frozenset({403, 429, 503}),
    "acm.org": frozenset({403, 429, 503}),
    "ieeexplore.ieee.org": frozenset({400, 403, 418, 429, 503}),
    "ieee.org": frozenset({403, 418, 429, 503}),
    "researchgate.net": frozenset({403, 429, 503}),
    "sciencedirect.com": frozenset({400, 403, 429, 503}),
    "linkinghub.elsevier.com": frozenset({403, 429}),
    "onlinelibrary.wiley.com": frozenset({403, 429, 503}),
    "tandfonline.com": frozenset({403, 429, 503}),
    "jstor.org": frozenset({403, 429}),
    "academic.oup.com": frozenset({403, 429}),
    "pubs.acs.org": frozenset({403, 429, 503}),
    "science.org": frozenset({403, 429, 503}),
    "cell.com": frozenset({403, 429}),
    "mdpi.com": frozenset({403, 429}),
    "ssrn.com": frozenset({403, 429}),
    "scholar.google.com": frozenset({403, 429}),
    "semanticscholar.org": frozenset({403, 429}),
    "medium.com": frozenset({403, 429}),
    "linkedin.com": frozenset({403, 429, 999}),
    "twitter.com": frozenset({400, 403, 429}),
    "x.com": frozenset({400, 403, 429}),
    "facebook.com": frozenset({400, 403, 429}),
    "instagram.com": frozenset({403, 429}),
    "reddit.com": frozenset({403, 429}),
    "quora.com": frozenset({403, 429}),
    "openai.com": frozenset({403, 429}),
    "zhihu.com": frozenset({403, 429}),
    "paperswithcode.com": frozenset({403, 429}),
}

# --- soft 404s -------------------------------------------------------------------------------

# Titles of pages that answer 200 but say the thing is gone.
SOFT_404_TITLES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        # "404" alone is too common in titles ("Paper 404", "Route 404"): only as an error.
        r"^\s*404\b",
        r"\b404\s*$",
        r"\berror\s*404\b",
        r"\b404\s*(error|page|not found)\b",
        r"\b404\s*[-:|·–—]",
        r"\bnot found\b",
        r"\bpage (does not|doesn't|no longer) exist",
        r"\b(page|file|resource|document|video|repository|item) (is )?(no longer )?"
        r"(available|missing|removed)\b",
        r"\bno longer available\b",
        r"\b(can't|cannot|couldn't|could not) (be )?(find|found)\b",
        r"\bpage (is )?missing\b",
        r"\bnothing (was )?found\b",
        r"\b(this|the) (page|video|content) (has been|was) (removed|deleted)\b",
        r"^error$",
        r"页面不存在|找不到页面|未找到",
    )
)

# Paths a site's home page goes by: a deep link redirected to one of these is a soft 404.
HOME_PATHS: frozenset[str] = frozenset(
    {"", "/", "/index.html", "/index.htm", "/index.php", "/home", "/home/", "/en", "/en/",
     "/en-us", "/en-us/", "/default.aspx"}
)  # fmt: skip

# --- parked domains --------------------------------------------------------------------------

# Body fragments of domain-parking and domain-for-sale pages.
PARKING_MARKERS: tuple[str, ...] = (
    "this domain may be for sale",
    "this domain is for sale",
    "the domain name is for sale",
    "buy this domain",
    "domain is parked",
    "parked free, courtesy of godaddy",
    "parkingcrew.net",
    "sedoparking.com",
    "bodis.com",
    "above.com/marketplace",
    "hugedomains.com",
    "dan.com/buy-domain",
    "afternic.com",
    "domain parking",
    "parklogic.com",
)

# Hosts of parking and domain-sale services: a redirect that ends there means the site is gone.
PARKING_HOSTS: tuple[str, ...] = (
    "sedo.com",
    "sedoparking.com",
    "dan.com",
    "afternic.com",
    "hugedomains.com",
    "parkingcrew.net",
    "bodis.com",
    "undeveloped.com",
    "domainmarket.com",
)

# --- login walls -----------------------------------------------------------------------------

# (host, path prefix) of sign-in pages: a chain that ends there is a login wall ("restricted").
LOGIN_PAGES: tuple[tuple[str, str], ...] = (
    ("accounts.google.com", "/servicelogin"),
    ("accounts.google.com", "/signin"),
    ("accounts.google.com", "/v3/signin"),
    ("accounts.google.com", "/accountchooser"),
    ("login.microsoftonline.com", "/"),
    ("login.live.com", "/"),
    ("github.com", "/login"),
    ("gitlab.com", "/users/sign_in"),
    ("huggingface.co", "/login"),
    ("www.dropbox.com", "/login"),
    ("app.box.com", "/login"),
    ("www.linkedin.com", "/authwall"),
    ("www.linkedin.com", "/login"),
    ("pan.baidu.com", "/login"),
    ("passport.baidu.com", "/"),
)

# --- content types ---------------------------------------------------------------------------

# Content types whose body we never download (a HEAD or the headers of a GET say enough).
BINARY_TYPES: tuple[str, ...] = (
    "application/pdf",
    "application/zip",
    "application/x-",
    "application/gzip",
    "application/octet-stream",
    "application/vnd.",
    "application/msword",
    "application/postscript",
    "image/",
    "video/",
    "audio/",
    "font/",
)

# URL path endings of files: ask with HEAD first, their body tells us nothing.
FILE_SUFFIXES: tuple[str, ...] = (
    ".pdf", ".ps", ".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".tar", ".whl",
    ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".mp4", ".webm", ".mov", ".avi", ".mp3",
    ".wav", ".pth", ".ckpt", ".bin", ".pt", ".onnx", ".h5", ".npz", ".npy", ".pkl", ".csv",
    ".json", ".txt", ".docx", ".pptx", ".xlsx", ".ppt", ".doc",
)  # fmt: skip

# (host, path segment) of code hosts' file viewers: `github.com/o/r/blob/main/paper.pdf` is
# an HTML page about the file, not the file, so it is asked with GET at once (a HEAD would
# only learn that it is HTML and cost a second request to the host).
FILE_VIEWERS: tuple[tuple[str, str], ...] = (
    ("github.com", "/blob/"),
    ("gitlab.com", "/-/blob/"),
    ("huggingface.co", "/blob/"),
    ("bitbucket.org", "/src/"),
)

# --- YouTube ---------------------------------------------------------------------------------

# oEmbed answers a removed or private video with 404 (or 400 for a malformed ID), while the
# watch page itself still says 200.
YOUTUBE_OEMBED = "https://www.youtube.com/oembed"
YOUTUBE_HOSTS: tuple[str, ...] = ("youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be")
