"""Worlds built from data: every URL of the real lists, or a synthetic corpus of any size."""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from linkwarden import urls as lw_urls

from .behaviours import (
    Behaviour,
    CloudflareChallenge,
    Flaky,
    Gone,
    HeadRefused,
    NotFound,
    OEmbed,
    Page,
    RateLimited,
    Raw,
    SimRequest,
    SoftNotFound,
    YouTubeThumbnail,
    html_page,
    youtube_video_id,
)
from .world import HostSpec, Latency, World

log = logging.getLogger("simweb")

SOURCES_DIR = Path(__file__).resolve().parents[2] / "sources"

# Absolute http(s) URLs in Markdown or inline HTML: stop at whitespace, quotes, angle
# brackets and the closing bracket of a Markdown link.
_URL = re.compile(r"""https?://[^\s<>"'`\]\)|]+""")
_TRAILING = ".,;:!?*"
_ARXIV_ID = re.compile(r"(\d{4}\.\d{4,5})")

SMALL_PDF = b"%PDF-1.4\n" + b"0" * 2048 + b"\n%%EOF\n"


def _source_files(sources_dir: Path | None) -> list[Path]:
    return sorted((sources_dir or SOURCES_DIR).glob("*.md"))


def source_urls(sources_dir: Path | None = None) -> list[str]:
    """Every absolute URL in `sources/*.md`, as written and as the checker will key it.

    Redirect wrappers (google.com/url?...) contribute their target too, and each URL is
    also given in `linkwarden.urls.normalize` form, so whatever form a client asks for is
    served.
    """
    found: dict[str, None] = {}
    written: list[str] = []
    for path in _source_files(sources_dir):
        text = path.read_text(encoding="utf-8", errors="replace")
        written += [m.group(0).rstrip(_TRAILING) for m in _URL.finditer(text)]
    registry = (sources_dir or SOURCES_DIR) / "sources.yaml"
    if registry.is_file():
        written += _extracted_urls(registry)
    for url in written:
        target, _wrapper = lw_urls.unwrap_redirect(url)
        for candidate in (url, target, lw_urls.normalize(url), lw_urls.normalize(target)):
            if urlsplit(candidate).hostname:
                found[candidate] = None
    return list(found)


def _extracted_urls(registry: Path) -> list[str]:
    """The URLs linkwarden's extractor finds in the registered lists.

    It also resolves relative links against each list's upstream repository, which no
    regular expression over the text can do; the world must serve those too.
    """
    found = []
    try:
        from linkwarden import sources
        from linkwarden.extract import extract

        for source in sources.load_registry(registry):
            found += [link.url for link in extract(sources.read_source(source)).links]
    except Exception:  # the extractor is under test elsewhere; the world must still start
        log.warning("simweb: extraction failed, serving the URLs found by pattern only",
                    exc_info=True)  # fmt: skip
    return [url for url in found if url.startswith(("http://", "https://"))]


def source_hosts(sources_dir: Path | None = None) -> set[str]:
    """Every host named in `sources/*.md` (cached: certificates are issued for them)."""
    return set(_source_hosts((sources_dir or SOURCES_DIR).resolve()))


@lru_cache(maxsize=4)
def _source_hosts(sources_dir: Path) -> frozenset[str]:
    hosts = set()
    for url in source_urls(sources_dir):
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
        if host and _valid_dns_name(host):
            hosts.add(host)
    return frozenset(hosts)


def _valid_dns_name(host: str) -> bool:
    labels = host.split(".")
    return len(labels) > 1 and all(
        0 < len(label) <= 63 and re.fullmatch(r"[a-z0-9-]+", label) for label in labels
    )


def plausible_title(url: str) -> str:
    """A title like the real page's: arXiv abstract, GitHub repository, or the last segment."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if host.endswith("arxiv.org"):
        match = _ARXIV_ID.search(parts.path)
        if match:
            return f"[{match.group(1)}] A Paper on Talking Heads"
    if host == "github.com" and len(segments) >= 2:
        return f"GitHub - {segments[0]}/{segments[1]}: a research code release"
    if host.endswith("youtube.com") or host == "youtu.be":
        return "A demo video - YouTube"
    if segments:
        return f"{segments[-1]} | {host}"
    return f"{host} - Home"


def world_from_sources(
    *,
    latency: Latency = (0.02, 0.15),
    seed: int = 0,
    sources_dir: Path | None = None,
    faults: float = 0.0,
) -> World:
    """A world where every URL of the real lists answers 200 with a plausible title.

    Each host gets one latency drawn from `latency` (a range) with `seed`, so runs compare.
    PDFs answer a small PDF; YouTube's oEmbed endpoint knows every video of the lists.
    With `faults` > 0, that share of the URLs (outside arXiv, GitHub and YouTube, which
    linkwarden verifies through APIs) misbehaves instead, drawn from `FAULTS`; the verdict
    a correct checker reaches for each is in `world.expected` (keyed by normalised URL).
    """
    rng = random.Random(seed)
    world = World()
    videos: dict[str, str] = {}
    urls = source_urls(sources_dir)
    for url in urls:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        if not _valid_dns_name(host):
            continue
        if host not in world.hosts:
            world.host(host, latency=_draw_once(rng, latency))
        behaviour: Behaviour
        if parts.path.lower().endswith(".pdf"):
            behaviour = Raw(headers=(("content-type", "application/pdf"),), body=SMALL_PDF)
        else:
            behaviour = Page(title=plausible_title(url))
        world.set_url(url, behaviour)
        video = youtube_video_id(url)
        if video:
            videos[video] = plausible_title(url)
    if videos:
        oembed = OEmbed(live=tuple(sorted(videos.items())))
        for host in ("www.youtube.com", "youtube.com"):
            if host not in world.hosts:
                world.host(host, latency=_draw_once(rng, latency))
            world.set(host, "/oembed", oembed)
        thumbnails = world.host("img.youtube.com", latency=_draw_once(rng, latency))
        thumbnails.fallback = YouTubeThumbnail(live=tuple(sorted(videos)))
    if faults > 0:
        _inject_faults(world, urls, faults, random.Random(seed + 1))
    return world


# (expected verdict, behaviour) pairs `world_from_sources(faults=...)` draws from.
FAULTS: tuple[tuple[str, Behaviour], ...] = (
    ("dead", NotFound()),
    ("dead", Gone()),
    ("dead", SoftNotFound()),
    ("alive", Flaky(times=1)),
    ("alive", RateLimited(times=1, retry_after=1)),
    ("alive", HeadRefused()),
    ("blocked", CloudflareChallenge()),
)
_API_VERIFIED = ("arxiv.org", "github.com", "youtube.com", "youtu.be")


def _inject_faults(world: World, urls: list[str], share: float, rng: random.Random) -> None:
    by_key: dict[str, list[str]] = {}
    for url in urls:
        by_key.setdefault(lw_urls.normalize(url), []).append(url)
    for key in sorted(by_key):
        host = lw_urls.host_of(key)
        if not _valid_dns_name(host) or lw_urls.host_matches(host, _API_VERIFIED):
            continue
        if rng.random() >= share:
            continue
        verdict, behaviour = rng.choice(FAULTS)
        for url in by_key[key]:
            world.set_url(url, behaviour)
        world.expected[key] = verdict


def _draw_once(rng: random.Random, latency: Latency) -> float:
    """One fixed latency for a host (a range is drawn once, not per request)."""
    return round(rng.uniform(*latency), 4) if isinstance(latency, tuple) else latency


@dataclass(frozen=True)
class PathPage(Behaviour):
    """200 for any path, titled after it (one behaviour serves a whole synthetic host)."""

    def response(self, request: SimRequest) -> tuple[int, dict[str, str], bytes]:
        title = f"Paper {request.path.rsplit('/', 1)[-1]} on {request.host}"
        return 200, {"content-type": "text/html; charset=utf-8"}, html_page(title)


def synthetic_corpus(
    n_urls: int = 100_000,
    n_hosts: int = 2_000,
    *,
    latency: Latency = 0.0,
    domain: str = "sim.test",
    seed: int = 0,
) -> tuple[World, list[str]]:
    """`n_urls` distinct URLs spread over `n_hosts` hosts under `domain`, all 200.

    Hosts are `site0000.sim.test`... so one wildcard certificate covers them; every path
    is served by one `PathPage` per host, so the world stays small however many URLs.
    The URL order is shuffled with `seed`, as links in a real list are not grouped by host.
    """
    world = World()
    hosts = [f"site{i:04d}.{domain}" for i in range(n_hosts)]
    for host in hosts:
        world.hosts[host] = HostSpec(latency=latency, fallback=PathPage())
    corpus = [f"https://{hosts[i % n_hosts]}/paper/{i}" for i in range(n_urls)]
    random.Random(seed).shuffle(corpus)
    return world, corpus


def write_markdown(urls: Iterable[str], path: Path, *, title: str = "Synthetic list") -> Path:
    """Write `urls` as an awesome-list style Markdown file (one bullet per link)."""
    lines = [f"# {title}", ""]
    lines += [f"- [Paper {n}]({url})" for n, url in enumerate(urls, 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
