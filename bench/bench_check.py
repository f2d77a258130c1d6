"""Benchmark: linkwarden's checker against lychee on the simulated web (not a test).

    .venv/bin/python bench/bench_check.py                 # both runs
    .venv/bin/python bench/bench_check.py --only lists    # the five lists vs lychee
    .venv/bin/python bench/bench_check.py --only corpus --urls 100000 --hosts 2000

Run 1, the five lists: every URL of `sources/*.md` is served by the simulated web
(tests/simweb) with one fixed latency per host drawn from 20-150 ms, and so are the fake
arXiv and GitHub APIs (tests/simweb/fake_arxiv.py, fake_github.py, seeded from
tests/simweb/data/enrich_seed.json), mounted at export.arxiv.org and api.github.com
exactly as tests/test_enrich_e2e.py mounts them, with latencies from the same draw.
Files answer with the content type the real hosts send (badges and images as images,
arxiv.org/pdf/ID and dl.acm.org/doi/pdf/ as PDF; world_from_sources would answer them
with an HTML page, which a HEAD-first checker has to fetch again with GET). A
little realistic trouble is mixed in, the same for every row: ieeexplore.ieee.org answers
every request with a 403 bot wall, three papers are gone, one repository is deleted and
three are renamed (the seed's), and one GitHub page fails once with 503 before it answers.
The web and the APIs tell the same story (`troubled_rig`): a gone paper is absent from the
arXiv API and 404 in every arxiv.org form; the deleted repository is 404 on github.com and
on the API; a renamed one answers 301 to its new name on both. So no row gains or loses a
verdict by asking an API rather than the page. Every row checks the same files with the
same limits: 64 requests in flight overall, 4 per host, no minimum interval between
requests to a host (lychee's default is 50 ms; linkwarden's is 0), 20 s timeout, 3
retries. Each row runs against a fresh world (hit counters at zero).

The rows (GITHUB_TOKEN/GH_TOKEN are removed from every environment, then set to the fake
API's token in the token rows; it is the same variable for both tools):

* `lw http`: `linkwarden check --no-enrich`: one HTTP check per URL, like lychee. The
  like-for-like comparison of the two checkers.
* `lw default`: `linkwarden check`, what a user runs without a token. arXiv links are
  verified through the arXiv API (168 IDs in 2 batched requests, at the default 3 s
  between requests: `arxiv.interval`) and never fetched from arxiv.org; GitHub
  repositories through anonymous REST (`GET /rate_limit`, then one `GET /repos/O/N` at a
  time while more than `github.reserve` = 5 of the 60 anonymous requests remain); every
  other repository, and files inside repositories, over HTTP meanwhile.
* `lw token`: `linkwarden check` with GITHUB_TOKEN set: arXiv as above, every repository
  in 2 GraphQL requests (100 per request); only files inside repositories are fetched.
* `lychee`: lychee 0.24 without a token: one HTTP check per URL.
* `lychee token`: lychee with the same GITHUB_TOKEN. lychee still fetches every github.com
  page and asks the GitHub API only about a github.com URL whose fetch *failed* (here the
  deleted repository and the flaky page), to tell a rate-limited page from a gone one.
  Its API client does not go through HTTPS_PROXY, so in this rig those few API requests
  cannot reach the fake API: they fail to connect at once and lychee keeps the page's own
  error. Against the real API the flaky page would come out alive after one extra round
  trip; no other figure would change.

Printed per row: wall time, CPU time, peak memory, URLs, how many each judged dead, and the
number of HTTP requests the simulated web received from the tool (its request log, API
requests included: `requests N (github.com a, arxiv.org b, APIs c)`), because sparing the
hosts matters as much as speed. "Dead" is what each tool would report as broken:
linkwarden's `dead` status (blocked, timeouts and transient errors are reported apart),
lychee's error count, which also counts the walls, the flaky page and the lists' relative
and empty links (the breakdown follows `errors:`, `not-web` for those links).

How each reaches the simulated web, and why that is fair:
* linkwarden is run as its real CLI with the simulated web's `--cacert` and curl-style
  `--connect-to HOST:443:127.0.0.1:PORT` flags (the API hosts included; the config names
  the API addresses, which are the defaults).
* lychee has no --resolve/--connect-to. It does honour HTTPS_PROXY/HTTP_PROXY (reqwest),
  and SSL_CERT_FILE for the CA, so it goes through a tiny CONNECT proxy on 127.0.0.1 that
  tunnels every host to the same TLS port. The tunnel adds one loopback relay (tens of
  microseconds per round trip against 20-150 ms of latency) and it runs in its own process,
  so its CPU is not charged to lychee and it does not compete with the server for the GIL.
  TLS, SNI, certificates and Host headers are end to end, exactly as for linkwarden.

Each tool runs as a child of a small launcher process (a bare Python, ~10 MB) that reports
the tool's wall time (fork to exit), CPU time (user+system) and peak memory (max RSS) from
`os.wait4`: started from this process, a child's max RSS would include this process's
memory up to its exec (that inflated lychee's figure from ~25 MB to 112 MB before).
`--repeat N` runs every row N times, in turn, and reports each row's best wall time (the
machine's other load only ever adds time) and its highest peak memory.

Run 2, a generated corpus: N URLs over H hosts at zero latency (one Markdown list), checked
by linkwarden alone. Goals: it completes, peak memory under 500 MB, at least 300 URLs/s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from simweb import (  # noqa: E402  (tests/ is put on sys.path just above)
    Flaky,
    Hang,
    NotFound,
    Page,
    Raw,
    Redirect,
    SimWeb,
    plausible_title,
    synthetic_corpus,
    world_from_sources,
    write_markdown,
)
from simweb.fake_arxiv import FakeArxiv  # noqa: E402
from simweb.fake_github import SEED as GITHUB_SEED  # noqa: E402
from simweb.fake_github import FakeGithub  # noqa: E402
from simweb.sources import SMALL_PDF  # noqa: E402
from simweb.world import World  # noqa: E402

PYTHON = sys.executable
LYCHEE = str(Path(PYTHON).parent / "lychee")
PER_HOST = 4
CONCURRENCY = 64


@dataclass
class Measure:
    tool: str
    wall: float
    cpu: float
    peak_mb: float
    code: int
    urls: int = 0
    dead: int = 0
    other: str = ""
    stderr: str = ""
    requests: int = 0  # requests the simulated web received from this tool (its log)
    hosts: dict[str, int] = field(default_factory=dict)  # the same, for a few hosts

    def line(self) -> str:
        served = ""
        if self.requests:
            where = ", ".join(f"{host} {n}" for host, n in self.hosts.items())
            served = f"  requests {self.requests:>4} ({where})"
        return (
            f"{self.tool:<12} wall {self.wall:6.2f}s  cpu {self.cpu:5.2f}s  "
            f"peak {self.peak_mb:6.1f} MB  urls {self.urls:>6}  dead {self.dead:>3}"
            f"{served}  exit {self.code}  {self.other}"
        )


# Children are started by a small launcher process rather than by this one: a child's max
# RSS (its rusage) includes the memory of the process it was forked from, up to its exec,
# and this process grows with every simulated world it serves. The launcher is a bare
# Python (-I -S, about 10 MB: the floor of any figure) that forks the tool, waits for it and
# reports the tool's own wall time (fork to exit), CPU time and max RSS.
_LAUNCHER = """
import json, os, sys, time
started = time.monotonic()
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
wall = time.monotonic() - started
with open(sys.argv[1], "w") as out:
    cpu = usage.ru_utime + usage.ru_stime
    json.dump([wall, os.waitstatus_to_exitcode(status), cpu, usage.ru_maxrss], out)
"""


def run_child(tool: str, argv: list[str], env: dict[str, str] | None = None) -> Measure:
    """Run one child process (through the launcher): wall, CPU and peak RSS of its own."""
    env = tool_env(token=False) if env is None else env
    with tempfile.TemporaryDirectory() as tmp:
        figures = Path(tmp) / "rusage.json"
        child = subprocess.Popen(
            [PYTHON, "-I", "-S", "-c", _LAUNCHER, str(figures), *argv],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        _, stderr = child.communicate()
        wall, code, cpu, max_rss_kb = json.loads(figures.read_text(encoding="utf-8"))
    if code not in (0, 1, 2):
        sys.stderr.write(stderr.decode(errors="replace")[-3000:])
    return Measure(tool, wall, cpu, max_rss_kb / 1024, code, stderr=stderr.decode(errors="replace"))


# --- the CONNECT proxy lychee goes through (runs in its own process) ------------------------


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


async def _proxy_client(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, tls_port: int, http_port: int
) -> None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        writer.close()
        return
    request_line, _, rest = head.partition(b"\r\n")
    method, target, version = request_line.split(b" ", 2)
    if method == b"CONNECT":
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", tls_port)
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        return
    # Plain http:// through a proxy arrives in absolute form: forward it in origin form,
    # one request per connection (the few http:// links of the lists only).
    path = b"/" + target.split(b"/", 3)[3] if target.count(b"/") >= 3 else b"/"
    headers = [h for h in rest.split(b"\r\n") if h and not h.lower().startswith(b"connection")]
    forwarded = b"\r\n".join([method + b" " + path + b" " + version, *headers])
    up_reader, up_writer = await asyncio.open_connection("127.0.0.1", http_port)
    up_writer.write(forwarded + b"\r\nConnection: close\r\n\r\n")
    await up_writer.drain()
    await _pipe(up_reader, writer)
    up_writer.close()


async def _serve_proxy(tls_port: int, http_port: int) -> None:
    server = await asyncio.start_server(
        lambda r, w: _proxy_client(r, w, tls_port, http_port), "127.0.0.1", 0, backlog=1024
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


def start_proxy(sim: SimWeb) -> tuple[subprocess.Popen[bytes], int]:
    child = subprocess.Popen(
        [PYTHON, __file__, "--proxy", str(sim.tls_port), str(sim.http_port)],
        stdout=subprocess.PIPE,
    )
    assert child.stdout is not None
    port = int(child.stdout.readline())
    return child, port


# --- run 1: the five lists ----------------------------------------------------------------

LATENCY = (0.02, 0.15)  # seconds; one fixed draw per host, the fake APIs' hosts included
API_HOSTS = ("export.arxiv.org", "api.github.com")
TOKEN = "ghp_test_token"  # the token the fake GitHub API accepts (tests/simweb/fake_github.py)
_ARXIV_PATH = re.compile(r"^/(?:abs|pdf|html)/(.+?)(?:v\d+)?(?:\.pdf)?/?$")


@dataclass(frozen=True)
class Mode:
    """One row of run 1: a tool, whether it may use the APIs, whether it has a token."""

    name: str
    tool: str  # linkwarden | lychee
    enrich: bool = False
    token: bool = False


MODES = (
    Mode("lw http", "linkwarden"),
    Mode("lychee", "lychee"),
    Mode("lw default", "linkwarden", enrich=True),
    Mode("lw token", "linkwarden", enrich=True, token=True),
    Mode("lychee token", "lychee", token=True),
)
# (linkwarden row, lychee row): the pairs the wall-time goal is checked on.
PAIRS = (("lw http", "lychee"), ("lw default", "lychee"), ("lw token", "lychee token"))


@dataclass
class Rig:
    """One round's world: the web's pages and the fake APIs, telling the same story."""

    world: World
    arxiv: FakeArxiv
    github: FakeGithub
    gone: list[str]  # arXiv IDs of papers that are gone
    deleted: list[str]  # repositories that are gone


# What real sites send for files: world_from_sources answers every URL without a .pdf suffix
# with an HTML page, which a HEAD-first checker must then fetch again with GET.
_IMAGE_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".gif": "image/gif",
                ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}  # fmt: skip
_PDF = Raw(headers=(("content-type", "application/pdf"),), body=SMALL_PDF)


def _real_content(host: str, key: str) -> Raw | None:
    """The answer the real host gives at `key` when it is a file, not a page."""
    path = key.split("?", 1)[0].lower()
    suffix = path[path.rfind(".") :] if "." in path.rsplit("/", 1)[-1] else ""
    if host == "img.shields.io":  # every badge is an SVG image
        suffix = ".svg"
    if suffix in _IMAGE_TYPES:
        return Raw(headers=(("content-type", _IMAGE_TYPES[suffix]),), body=b"<svg/>")
    if (host, path.split("/")[1]) == ("arxiv.org", "pdf") or path.startswith("/doi/pdf/"):
        return _PDF  # arxiv.org/pdf/ID, dl.acm.org/doi/pdf/DOI (no .pdf suffix)
    return None


def _arxiv_id(path: str) -> str | None:
    match = _ARXIV_PATH.match(path)
    return match.group(1) if match else None


# Run 3 (`--only tail`): hosts that never answer, mixed into run 1's lists.
HUNG_HOSTS = 3  # every request to these hangs (the busiest hosts after the big three)
TIMEOUT = 20.0  # the runs' `check.timeout`
ARXIV_PACING = 3.0 * 2  # two batched arXiv API requests, 3 s apart, each after a wait


def hang_some(world: World, count: int) -> tuple[list[str], str | None]:
    """Make `count` hosts hang on every request, and one URL of a healthy host hang too
    (a host that answers everything but one page: it must not be judged hung)."""
    skip = {"github.com", "arxiv.org", "export.arxiv.org", "api.github.com", "www.google.com"}
    ranked = sorted(
        (h for h, spec in world.hosts.items() if h not in skip and spec.routes),
        key=lambda h: (-len(world.hosts[h].routes), h),
    )
    hung = ranked[:count]
    for host in hung:
        spec = world.hosts[host]
        for key in spec.routes:
            spec.routes[key] = Hang(seconds=120.0)
        spec.fallback = Hang(seconds=120.0)
    slow_page = None
    for host in ranked[count:]:
        spec = world.hosts[host]
        if len(spec.routes) >= 3:
            key = sorted(spec.routes)[0]
            spec.routes[key] = Hang(seconds=120.0)
            slow_page = f"{host}{key}"
            break
    return hung, slow_page


def troubled_rig(hung: int = 0) -> Rig:
    """Every URL of the lists answers 200, plus the trouble described in the docstring.

    The web and the APIs agree on every fact, so no mode gains or loses a verdict by asking
    one rather than the other: a gone paper is missing from the arXiv API *and* every
    arxiv.org form of it answers 404; the seed's deleted repository is 404 on github.com
    *and* on the API; a renamed one answers 301 to its new name on github.com (as GitHub
    does) *and* on the API.
    """
    world = world_from_sources(latency=LATENCY, seed=0)
    arxiv_api, github_api = FakeArxiv.seeded(), FakeGithub.seeded()
    for host, spec in world.hosts.items():
        for key, behaviour in spec.routes.items():
            real = _real_content(host, key) if isinstance(behaviour, Page) else None
            if real is not None:
                spec.routes[key] = real
    ieee = world.hosts.get("ieeexplore.ieee.org")
    if ieee is not None:
        ieee.routes.clear()
        ieee.home = None
        ieee.fallback = Page(title="Request Rejected", status=403)
    arxiv = world.hosts["arxiv.org"]
    abs_pages = sorted(k for k in arxiv.routes if k.startswith("/abs/"))[:3]
    gone = [i for i in map(_arxiv_id, abs_pages) if i]
    for key in list(arxiv.routes):
        if _arxiv_id(key) in gone:
            arxiv.routes[key] = NotFound()
    for paper in gone:
        del arxiv_api.papers[paper]
    seed = json.loads(GITHUB_SEED.read_text(encoding="utf-8"))
    deleted = sorted(str(name).lower() for name in seed["deleted"])
    github = world.hosts["github.com"]
    for key in list(github.routes):
        parts = key.split("?", 1)[0].split("/")  # "", owner, name, rest...
        if len(parts) < 3 or not parts[2]:
            continue
        name = f"{parts[1]}/{parts[2].removesuffix('.git')}".lower()
        if name in deleted:
            github.routes[key] = NotFound()
        elif name in github_api.renames:
            rest = key[len(parts[1]) + len(parts[2]) + 2 :]
            git = ".git" if parts[2].endswith(".git") else ""
            target = f"/{github_api.renames[name]}{git}{rest}"
            github.routes[key] = Redirect(f"https://github.com{target}", status=301)
            title = plausible_title(f"https://github.com{target}")
            github.routes.setdefault(target, Page(title=title))
    first = sorted(github.routes)[0]
    github.routes[first] = Flaky(times=1, then=github.routes[first])
    rng = random.Random(1)
    for host in API_HOSTS:
        latency = rng.uniform(*LATENCY)
        if host not in world.hosts:
            world.host(host, latency=latency)
    if hung:
        hang_some(world, hung)
    return Rig(world, arxiv_api, github_api, gone, deleted)


def linkwarden_argv(
    paths: list[str], sim: SimWeb, out: Path, config: Path, wildcard: bool, enrich: bool = False
) -> list[str]:
    return [
        PYTHON, "-m", "linkwarden", "check", *paths, *([] if enrich else ["--no-enrich"]),
        "--quiet", "--out", str(out), "--config", str(config), "--fail-on", "none",
        "--per-host", str(PER_HOST), "--concurrency", str(CONCURRENCY),
        *sim.cli_args(wildcard=wildcard),
    ]  # fmt: skip


def write_config(path: Path, canary: str) -> Path:
    # The API addresses are the defaults, spelled out: the fakes are mounted at these names
    # and `--connect-to` maps them like every other host. arxiv.interval stays at its
    # default (3 s between requests, arXiv's terms of use).
    path.write_text(
        f"check:\n  canaries: ['{canary}']\n  timeout: 20\n  retries: 3\n  retry_wait: 0.5\n"
        "arxiv:\n  api_url: https://export.arxiv.org/api/query\n"
        "github:\n  api_url: https://api.github.com\n",
        encoding="utf-8",
    )
    return path


def linkwarden_counts(out: Path) -> Counter[str]:
    report: dict[str, Any] = json.loads((out / "latest.json").read_text(encoding="utf-8"))
    return Counter(str(link["status"]) for link in report["links"])


def tool_env(token: bool, extra: dict[str, str] | None = None) -> dict[str, str]:
    """This environment without any GitHub token, plus the fake API's token if asked."""
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GH_TOKEN")}
    if token:
        env["GITHUB_TOKEN"] = TOKEN
    return {**env, **(extra or {})}


def bench_lists(skip_lychee: bool, repeat: int = 1) -> None:
    rig = troubled_rig()
    api = ", ".join(f"{h} {rig.world.hosts[h].latency * 1000:.0f} ms" for h in API_HOSTS)
    print(f"run 1: the five lists ({len(rig.world.hosts)} hosts, latency 20-150 ms per host;")
    print(f"       fake APIs mounted: {api})")
    print(
        f"       trouble: ieeexplore.ieee.org walls (403), {len(rig.gone)} papers gone, "
        f"{len(rig.deleted)} repository gone, {len(rig.github.renames)} renamed, 1 flaky 503"
    )
    modes = [m for m in MODES if not (skip_lychee and m.tool == "lychee")]
    best: dict[str, Measure] = {}
    peaks: dict[str, float] = {}
    for n in range(repeat):
        if repeat > 1:
            print(f"  round {n + 1} of {repeat}")
        for mode in modes:
            measure = run_mode(mode)
            print("  " + measure.line())
            # The peak reported is the highest of any round, the wall time the best.
            peaks[mode.name] = max(peaks.get(mode.name, 0.0), measure.peak_mb)
            if mode.name not in best or measure.wall < best[mode.name].wall:
                best[mode.name] = measure
    for name, measure in best.items():
        measure.peak_mb = peaks[name]
    if repeat > 1:
        print(f"  best of {repeat}:")
        for mode in modes:
            print("  " + best[mode.name].line())
    for lw_name, ly_name in PAIRS:
        lw, ly = best.get(lw_name), best.get(ly_name)
        if lw is None or ly is None:
            continue
        ratio = lw.wall / ly.wall if ly.wall else float("inf")
        print(
            f"  goal: {lw_name} wall <= {ly_name} wall: {'met' if ratio <= 1 else 'MISSED'} "
            f"({ratio:.2f}x); requests {lw.requests} vs {ly.requests}; "
            f"peak < 150 MB: {'met' if lw.peak_mb < 150 else 'MISSED'}"
        )


def bench_tail(repeat: int = 1) -> None:
    """Run 3: run 1's `lw http` and `lw default` with hosts that never answer."""
    rig = troubled_rig(HUNG_HOSTS)
    hung, slow_page = hang_some(troubled_rig().world, HUNG_HOSTS)
    urls = sum(len(rig.world.hosts[h].routes) for h in hung)
    bound = 1.5 * max(ARXIV_PACING, TIMEOUT) + 5
    print(
        f"run 3: the five lists with {len(hung)} hosts that never answer ({', '.join(hung)}; "
        f"{urls} URLs) and one hanging page on a healthy host ({slow_page}); timeout 20 s"
    )
    for _ in range(repeat):
        for mode in (m for m in MODES if m.name in ("lw http", "lw default")):
            measure = run_mode(mode, hung=HUNG_HOSTS)
            print("  " + measure.line())
            verdict = "met" if measure.wall <= bound else "MISSED"
            print(
                f"  goal: {mode.name} wall <= 1.5 x max(arXiv pacing, timeout) + 5 s"
                f" = {bound:.0f} s: {verdict}"
            )


def run_mode(mode: Mode, hung: int = 0) -> Measure:
    """One tool in one mode over the five lists, against a fresh world (hit counters at 0)."""
    paths = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "sources").glob("*.md"))]
    rig = troubled_rig(hung)
    with SimWeb(rig.world) as sim, tempfile.TemporaryDirectory() as tmp:
        sim.mount("export.arxiv.org", rig.arxiv)
        sim.mount("api.github.com", rig.github)
        work = Path(tmp)
        if mode.tool == "linkwarden":
            measure = run_linkwarden(mode, paths, sim, work)
        else:
            measure = run_lychee(mode, paths, sim, work)
        sim.wait_idle(timeout=30)
        measure.requests = sim.request_count()
        measure.hosts = {
            "github.com": sim.request_count("github.com"),
            "arxiv.org": sim.request_count("arxiv.org"),
            "APIs": sum(sim.request_count(h) for h in API_HOSTS),
        }
    return measure


def run_linkwarden(mode: Mode, paths: list[str], sim: SimWeb, work: Path) -> Measure:
    config = write_config(work / "linkwarden.yaml", "https://github.com/")
    out = work / "lw"
    argv = linkwarden_argv(paths, sim, out, config, wildcard=False, enrich=mode.enrich)
    measure = run_child(mode.name, argv, tool_env(mode.token))
    counts = linkwarden_counts(out)
    measure.urls, measure.dead = sum(counts.values()), counts.get("dead", 0)
    measure.other = " ".join(f"{k}={v}" for k, v in sorted(counts.items()))
    return measure


def run_lychee(mode: Mode, paths: list[str], sim: SimWeb, work: Path) -> Measure:
    proxy, port = start_proxy(sim)
    try:
        env = tool_env(
            mode.token,
            {
                "HTTPS_PROXY": f"http://127.0.0.1:{port}",
                "HTTP_PROXY": f"http://127.0.0.1:{port}",
                "SSL_CERT_FILE": sim.ca_pem_path,
                "NO_PROXY": "",
            },
        )
        report = work / "lychee.json"
        argv = [
            LYCHEE, "--no-progress", "--format", "json", "--output", str(report),
            "--max-concurrency", str(CONCURRENCY), "--host-concurrency", str(PER_HOST),
            "--host-request-interval", "0s", "--timeout", "20", "--max-retries", "3",
            "--retry-wait-time", "1", *paths,
        ]  # fmt: skip
        measure = run_child(mode.name, argv, env)
    finally:
        proxy.terminate()
        proxy.wait()
    data = json.loads(report.read_text(encoding="utf-8"))
    measure.urls = int(data.get("total", 0))
    measure.dead = int(data.get("errors", 0))
    # lychee's errors also count the lists' relative and empty links (not web links) and
    # the bot walls: say which is which.
    codes: Counter[str] = Counter()
    for errors in data.get("error_map", {}).values():
        for error in errors:
            if not str(error.get("url", "")).startswith(("http://", "https://")):
                codes["not-web"] += 1
            else:
                codes[str((error.get("status") or {}).get("code") or "other")] += 1
    measure.other = (
        f"ok={data.get('successful')} redirects={data.get('redirects')} "
        f"timeouts={data.get('timeouts')} errors: "
        + " ".join(f"{code}={n}" for code, n in sorted(codes.items()))
    )
    return measure


# --- run 2: the generated corpus ----------------------------------------------------------


def bench_corpus(n_urls: int, n_hosts: int) -> None:
    print(f"run 2: generated corpus, {n_urls} URLs over {n_hosts} hosts, zero latency")
    world, corpus = synthetic_corpus(n_urls, n_hosts, latency=0.0)
    world.hosts["canary.sim.test"] = world.hosts[next(iter(world.hosts))]
    with SimWeb(world) as sim, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        listing = write_markdown(corpus, work / "corpus.md", title="Generated corpus")
        config = write_config(work / "linkwarden.yaml", "https://canary.sim.test/")
        out = work / "lw"
        lw = run_child(
            "linkwarden", linkwarden_argv([str(listing)], sim, out, config, wildcard=True)
        )
        counts = linkwarden_counts(out)
        lw.urls, lw.dead = sum(counts.values()), counts.get("dead", 0)
        lw.other = " ".join(f"{k}={v}" for k, v in sorted(counts.items()))
        print("  " + lw.line())
        # The checker engine alone, same URLs and limits: what the checker itself costs.
        url_file = work / "urls.txt"
        url_file.write_text("\n".join(corpus) + "\n", encoding="utf-8")
        args = sim.cli_args(wildcard=True)
        mapping = [args[i + 1] for i, a in enumerate(args) if a == "--connect-to"]
        engine = run_child(
            "engine", [PYTHON, __file__, "--engine", str(url_file), sim.ca_pem_path, *mapping]
        )
        engine.urls = n_urls
        own_peak = re.search(r"engine peak ([\d.]+) MB", engine.stderr)
        if own_peak:  # the engine process's own VmHWM, printed by itself
            engine.peak_mb = float(own_peak.group(1))
        print("  " + engine.line() + " (check_urls only: no extraction, rules or reports)")
        print(f"  engine: {n_urls / engine.wall:.0f} URLs/s")
        rate = lw.urls / lw.wall
        print(
            f"  {rate:.0f} URLs/s; goals: completes {'met' if lw.urls == n_urls else 'MISSED'}, "
            f"peak < 500 MB {'met' if lw.peak_mb < 500 else 'MISSED'}, "
            f">= 300 URLs/s {'met' if rate >= 300 else 'MISSED'}"
        )


def engine_only(url_file: str, cacert: str, connect_to: list[str]) -> None:
    """Child process: `check_urls` over the URLs of a file, nothing else (no extraction,
    rules or reports), to tell the checker's own cost from the whole command's."""
    import anyio

    from linkwarden.check import NetworkOptions, check_urls
    from linkwarden.config import CheckSettings

    urls = Path(url_file).read_text(encoding="utf-8").split()
    network = NetworkOptions.from_flags(connect_to=connect_to, cacert=cacert)
    settings = CheckSettings(per_host=PER_HOST, concurrency=CONCURRENCY, canaries=())

    async def run() -> None:
        results = await check_urls(urls, settings, network=network)
        counts = Counter(r.status.value for r in results.values())
        print(json.dumps(dict(counts)))
        # This process's own peak (VmHWM belongs to the image exec'd; the rusage max RSS
        # also counts the bench's pages from before exec).
        status = Path("/proc/self/status")
        if status.exists():
            for line in status.read_text(encoding="utf-8").splitlines():
                if line.startswith("VmHWM:"):
                    print(f"engine peak {int(line.split()[1]) / 1024:.1f} MB", file=sys.stderr)

    anyio.run(run)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--proxy":
        asyncio.run(_serve_proxy(int(sys.argv[2]), int(sys.argv[3])))
        return
    if len(sys.argv) >= 4 and sys.argv[1] == "--engine":
        engine_only(sys.argv[2], sys.argv[3], sys.argv[4:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("lists", "corpus", "tail"))
    parser.add_argument("--skip-lychee", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="run 1: best of N rounds")
    parser.add_argument("--urls", type=int, default=100_000)
    parser.add_argument("--hosts", type=int, default=2_000)
    args = parser.parse_args()
    if args.only in (None, "lists"):
        bench_lists(args.skip_lychee, args.repeat)
    if args.only in (None, "corpus"):
        bench_corpus(args.urls, args.hosts)
    if args.only in (None, "tail"):
        bench_tail(args.repeat)


if __name__ == "__main__":
    main()
