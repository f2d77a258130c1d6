"""End to end: the real `linkwarden check` CLI against the simulated web (tests/simweb).

Every test writes a small list and a `linkwarden.yaml` (short timeouts, a canary on the
simulated web) into a temp dir, runs `linkwarden.cli.main` in-process with the simulated
web's `--cacert`/`--connect-to` flags, and reads `reports/latest.json` and the server's log.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from linkwarden.cli import main
from simweb import (
    CloudflareChallenge,
    Flaky,
    Gone,
    Hang,
    HeadRefused,
    HugePdf,
    LoginRedirect,
    NotFound,
    OEmbed,
    Page,
    Parked,
    RateLimited,
    Raw,
    Redirect,
    SimWeb,
    Slow,
    SoftNotFound,
    Status999,
    ToHome,
)

pytestmark = pytest.mark.e2e

HOST = "papers.sim.test"
CANARY = "canary.sim.test"
SMALL_PDF = Raw(headers=(("content-type", "application/pdf"),), body=b"%PDF-1.4\n%%EOF\n")

BASE_CONFIG: dict[str, Any] = {
    "check": {
        "timeout": 1.0,
        "retries": 2,
        "retry_wait": 0.05,
        "deadline": 20.0,
        "max_retry_after": 5.0,
        "canaries": [f"https://{CANARY}/"],
    }
}


@dataclass
class Run:
    code: int
    stderr: str
    report: dict[str, Any] | None
    links: dict[str, dict[str, Any]] = field(default_factory=dict)

    def status(self, url: str) -> str:
        return str(self.links[url]["status"])


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_config(workdir: Path, extra: dict[str, Any] | None = None) -> None:
    config = json.loads(json.dumps(BASE_CONFIG))
    for key, value in (extra or {}).items():
        config["check"][key] = value
    (workdir / "linkwarden.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")


def check(
    sim: SimWeb,
    workdir: Path,
    urls: list[str],
    capsys: pytest.CaptureFixture[str],
    *,
    flags: tuple[str, ...] = (),
    config: dict[str, Any] | None = None,
) -> Run:
    """Run `linkwarden check` over a list of `urls`; return the exit code and the report."""
    sim.host(CANARY)
    write_config(workdir, config)
    listing = workdir / "list.md"
    listing.write_text(
        "# Test list\n\n" + "".join(f"- [Link {n}]({u})\n" for n, u in enumerate(urls)),
        encoding="utf-8",
    )
    capsys.readouterr()
    code = main(["check", str(listing), "--quiet", "--out", "reports", *flags, *sim.cli_args()])
    stderr = capsys.readouterr().err
    path = workdir / "reports" / "latest.json"
    report = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
    links = {r["url"]: r for r in report["links"]} if report else {}
    return Run(code, stderr, report, links)


def one(
    sim: SimWeb, workdir: Path, url: str, capsys: pytest.CaptureFixture[str], **kw: Any
) -> dict[str, Any]:
    run = check(sim, workdir, [url], capsys, **kw)
    assert run.code in (0, 1), run.stderr
    return run.links[url]


# --- one behaviour each -------------------------------------------------------------------


def test_200_is_ok_with_title(simweb: SimWeb, workdir: Path, capsys: Any) -> None:
    simweb.set(HOST, "/paper", Page(title="A Fine Paper"))
    rec = one(simweb, workdir, f"https://{HOST}/paper", capsys)
    assert rec["status"] == "ok" and rec["http_status"] == 200
    assert rec["title"] == "A Fine Paper" and rec["suggestion"] is None
    assert rec["locations"][0]["line"] == 3 and rec["checked_at"].endswith("Z")


@pytest.mark.parametrize(("behaviour", "code"), [(NotFound(), 404), (Gone(), 410)])
def test_404_and_410_are_dead(
    simweb: SimWeb, workdir: Path, capsys: Any, behaviour: Any, code: int
) -> None:
    simweb.set(HOST, "/missing", behaviour)
    rec = one(simweb, workdir, f"https://{HOST}/missing", capsys)
    assert rec["status"] == "dead" and rec["http_status"] == code
    assert rec["reason"] == f"HTTP {code}"


def test_head_refused_falls_back_to_get(simweb: SimWeb, workdir: Path, capsys: Any) -> None:
    simweb.set(HOST, "/paper.pdf", HeadRefused(page=SMALL_PDF))
    rec = one(simweb, workdir, f"https://{HOST}/paper.pdf", capsys)
    assert rec["status"] == "ok" and rec["content_type"] == "application/pdf"
    assert [r.method for r in simweb.requests(HOST, path="/paper.pdf")] == ["HEAD", "GET"]


def test_301_chain_is_redirected_with_suggestion(
    simweb: SimWeb, workdir: Path, capsys: Any
) -> None:
    simweb.set(HOST, "/old", Redirect(f"https://{HOST}/older", 301))
    simweb.set(HOST, "/older", Redirect("/new", 301))
    simweb.set(HOST, "/new", Page(title="New home"))
    rec = one(simweb, workdir, f"https://{HOST}/old", capsys)
    assert rec["status"] == "redirected"
    assert rec["suggestion"] == f"https://{HOST}/new" == rec["final_url"]
    assert [(h["status"], h["location"]) for h in rec["chain"]] == [
        (301, f"https://{HOST}/older"),
        (301, f"https://{HOST}/new"),
    ]
    assert "moved permanently" in rec["reason"]


def test_302_is_ok_and_keeps_the_chain(simweb: SimWeb, workdir: Path, capsys: Any) -> None:
    simweb.set(HOST, "/latest", Redirect("/v2", 302))
    simweb.set(HOST, "/v2", Page(title="Version 2"))
    rec = one(simweb, workdir, f"https://{HOST}/latest", capsys)
    assert rec["status"] == "ok" and rec["suggestion"] is None
    assert rec["chain"] == [
        {"url": f"https://{HOST}/latest", "status": 302, "location": f"https://{HOST}/v2"}
    ]
    assert "temporary redirect" in rec["reason"]


def test_308_to_another_host_is_redirected(simweb: SimWeb, workdir: Path, capsys: Any) -> None:
    simweb.set(HOST, "/moved", Redirect("https://new.sim.test/paper", 308))
    simweb.set("new.sim.test", "/paper", Page(title="Moved here"))
    rec = one(simweb, workdir, f"https://{HOST}/moved", capsys)
    assert rec["status"] == "redirected"
    assert rec["suggestion"] == "https://new.sim.test/paper"
    assert rec["chain"][0]["status"] == 308


def test_http_to_https_is_reported_as_an_upgrade(
    simweb: SimWeb, workdir: Path, capsys: Any
) -> None:
    simweb.set(HOST, "/page", Page(title="Secure"))
    rec = one(simweb, workdir, f"http://{HOST}/page", capsys)
    assert rec["status"] == "redirected"
    assert rec["suggestion"] == f"https://{HOST}/page"
    assert "upgrades to https" in rec["reason"]


def test_redirect_loop_is_an_error(simweb: SimWeb, workdir: Path, capsys: Any) -> None:
    simweb.set(HOST, "/a", Redirect("/b", 302))
    simweb.set(HOST, "/b", Redirect("/a", 302))
    rec = one(simweb, workdir, f"https://{HOST}/a", capsys)
    assert rec["status"] == "error" and rec["error_kind"] == "redirect_loop"
    assert "loop" in rec["reason"] and len(rec["chain"]) == 2


@pytest.mark.parametrize("http_date", [False, True], ids=["seconds", "http-date"])
def test_429_retry_after_is_honoured(
    simweb: SimWeb, workdir: Path, capsys: Any, http_date: bool
) -> None:
    simweb.set(HOST, "/busy", RateLimited(times=1, retry_after=1.0, http_date=http_date))
    rec = one(simweb, workdir, f"https://{HOST}/busy", capsys)
    assert rec["status"] == "ok" and rec["http_status"] == 200
    gaps = simweb.gaps(HOST, path="/busy")
    assert len(gaps) == 1 and gaps[0] >= 0.95  # the server asked for one second


def test_flaky_503_then_200_is_ok_not_dead(simweb: SimWeb, workdir: Path, capsys: Any) -> None:
    simweb.set(HOST, "/flaky", Flaky(times=2, status=503))
    rec = one(simweb, workdir, f"https://{HOST}/flaky", capsys)
    assert rec["status"] == "ok"
    simweb.wait_idle(HOST)  # the server may not have logged the last answer's status yet
    assert [r.status for r in simweb.requests(HOST, path="/flaky")] == [503, 503, 200]


def test_persistent_5xx_is_error(simweb: SimWeb, workdir: Path, capsys: Any) -> None:
    simweb.set(HOST, "/broken", Flaky(times=99, status=500))
    rec = one(simweb, workdir, f"https://{HOST}/broken", capsys)
    assert rec["status"] == "error" and rec["http_status"] == 500
    assert "after retries" in rec["reason"] and len(simweb.requests(HOST, path="/broken")) == 3


def test_hang_is_a_timeout(simweb: SimWeb, workdir: Path, capsys: Any) -> None:
    simweb.set(HOST, "/hang", Hang(seconds=10))
    rec = one(
        simweb, workdir, f"https://{HOST}/hang", capsys, config={"timeout": 0.3, "retries": 1}
    )
    assert rec["status"] == "timeout" and rec["error_kind"] == "timeout"
    assert len(simweb.requests(HOST, path="/hang")) == 2  # retried once


def test_refused_connection_is_dead(simweb: SimWeb, workdir: Path, capsys: Any) -> None:
    simweb.refuse("down.sim.test")
    rec = one(simweb, workdir, "https://down.sim.test/paper", capsys)
    assert rec["status"] == "dead" and rec["error_kind"] == "refused"
    assert "refused" in rec["reason"]


def test_unknown_host_is_dead_dns(simweb: SimWeb, workdir: Path, capsys: Any) -> None:
    rec = one(simweb, workdir, "https://no-such-host.invalid/paper", capsys)
    assert rec["status"] == "dead" and rec["error_kind"] == "dns"
    assert "cannot resolve no-such-host.invalid" in rec["reason"]


def test_soft_404_title_is_dead(simweb: SimWeb, workdir: Path, capsys: Any) -> None:
    simweb.set(HOST, "/vanished", SoftNotFound())
    rec = one(simweb, workdir, f"https://{HOST}/vanished", capsys)
    assert rec["status"] == "dead" and rec["http_status"] == 200
    assert rec["reason"].startswith("soft 404") and "Page not found" in rec["reason"]


def test_deep_link_to_home_page_is_dead(simweb: SimWeb, workdir: Path, capsys: Any) -> None:
    simweb.set(HOST, "/projects/talking-heads", ToHome())
    rec = one(simweb, workdir, f"https://{HOST}/projects/talking-heads", capsys)
    assert rec["status"] == "dead" and rec["final_url"] == f"https://{HOST}/"
    assert "home page" in rec["reason"] and rec["suggestion"] is None


def test_parked_domain_is_dead(simweb: SimWeb, workdir: Path, capsys: Any) -> None:
    simweb.set("lapsed-lab.sim.test", "/", Parked())
    rec = one(simweb, workdir, "https://lapsed-lab.sim.test/", capsys)
    assert rec["status"] == "dead" and rec["error_kind"] == "parked"
    assert "for sale" in rec["reason"]


def test_cloudflare_challenge_is_blocked(simweb: SimWeb, workdir: Path, capsys: Any) -> None:
    simweb.set(HOST, "/walled", CloudflareChallenge())
    rec = one(simweb, workdir, f"https://{HOST}/walled", capsys)
    assert rec["status"] == "blocked" and rec["http_status"] == 403
    assert "cf-mitigated" in rec["reason"]


def test_status_999_is_blocked(simweb: SimWeb, workdir: Path, capsys: Any) -> None:
    simweb.set("www.linkedin.com", "/in/someone", Status999())
    rec = one(simweb, workdir, "https://www.linkedin.com/in/someone", capsys)
    assert rec["status"] == "blocked" and rec["http_status"] == 999
    assert "999" in rec["reason"]


def test_known_walled_host_403_is_blocked(simweb: SimWeb, workdir: Path, capsys: Any) -> None:
    simweb.set("dl.acm.org", "/doi/10.1145/3581783.3612065", Page(title="Forbidden", status=403))
    rec = one(simweb, workdir, "https://dl.acm.org/doi/10.1145/3581783.3612065", capsys)
    assert rec["status"] == "blocked" and "dl.acm.org" in rec["reason"]


def test_login_redirect_is_restricted(simweb: SimWeb, workdir: Path, capsys: Any) -> None:
    simweb.set("drive.google.com", "/file/d/1abc/view", LoginRedirect())
    rec = one(simweb, workdir, "https://drive.google.com/file/d/1abc/view", capsys)
    assert rec["status"] == "restricted"
    assert "sign-in" in rec["reason"] and "accounts.google.com" in rec["final_url"]


def test_huge_pdf_is_not_downloaded(simweb: SimWeb, workdir: Path, capsys: Any) -> None:
    simweb.set(HOST, "/big.pdf", HugePdf())
    simweb.set(HOST, "/big-get-only.pdf", HeadRefused(page=HugePdf()))
    simweb.set(HOST, "/big-page", HugePdf(content_type="text/html"))
    urls = [
        f"https://{HOST}/big.pdf",
        f"https://{HOST}/big-get-only.pdf",
        f"https://{HOST}/big-page",
    ]
    run = check(simweb, workdir, urls, capsys)
    assert all(run.status(u) == "ok" for u in urls), run.links
    assert [r.method for r in simweb.requests(HOST, path="/big.pdf")] == ["HEAD"]
    gets = simweb.requests(HOST, method="GET")
    assert {r.path for r in gets} == {"/big-get-only.pdf", "/big-page"}
    for request in gets:
        assert request.bytes_sent <= 64 * 1024, (request.path, request.bytes_sent)


def test_youtube_removed_video_is_dead_via_oembed(
    simweb: SimWeb, workdir: Path, capsys: Any
) -> None:
    simweb.set("www.youtube.com", "/oembed", OEmbed(live=(("alive123", "A talk"),)))
    simweb.set("www.youtube.com", "/watch", Page(title="YouTube"))  # the watch page lies: 200
    gone, alive = "https://youtu.be/removed99", "https://www.youtube.com/watch?v=alive123"
    run = check(simweb, workdir, [gone, alive], capsys)
    assert run.status(gone) == "dead" and "removed" in run.links[gone]["reason"]
    assert run.links[gone]["via"] == "youtube-oembed"
    assert run.status(alive) == "ok" and run.links[alive]["title"] == "A talk"
    assert simweb.requests("www.youtube.com", path="/watch") == []


# --- no false deaths, politeness, safety --------------------------------------------------


def test_no_false_dead_for_blocked_flaky_rate_limited_or_slow(
    simweb: SimWeb, workdir: Path, capsys: Any
) -> None:
    simweb.set(HOST, "/walled", CloudflareChallenge())
    simweb.set(HOST, "/flaky", Flaky(times=1))
    simweb.set("api.sim.test", "/limited", RateLimited(times=1, retry_after=1.0))
    simweb.set(HOST, "/slow", Slow(seconds=0.6))
    simweb.set("www.researchgate.net", "/publication/1", Page(title="Error", status=429))
    urls = [
        f"https://{HOST}/walled",
        f"https://{HOST}/flaky",
        "https://api.sim.test/limited",
        f"https://{HOST}/slow",
        "https://www.researchgate.net/publication/1",
    ]
    run = check(simweb, workdir, urls, capsys)
    statuses = {u: run.status(u) for u in urls}
    assert "dead" not in statuses.values(), statuses
    assert statuses[f"https://{HOST}/slow"] == "ok"
    assert statuses["https://www.researchgate.net/publication/1"] == "blocked"


def test_per_host_concurrency_is_never_exceeded(simweb: SimWeb, workdir: Path, capsys: Any) -> None:
    simweb.set_latency("busy.sim.test", 0.05)
    simweb.set_latency("calm.sim.test", 0.05)
    urls = [f"https://busy.sim.test/p/{n}" for n in range(24)]
    urls += [f"https://calm.sim.test/p/{n}" for n in range(6)]
    for url in urls:
        simweb.set_url(url, Page(title="paper"))
    run = check(
        simweb,
        workdir,
        urls,
        capsys,
        flags=("--per-host", "3"),
        config={"hosts": {"calm.sim.test": {"concurrency": 1}}},
    )
    assert all(run.status(u) == "ok" for u in urls)
    assert simweb.max_in_flight("busy.sim.test") == 3  # used, never exceeded
    assert simweb.max_in_flight("calm.sim.test") == 1


def test_authorization_never_leaves_its_host(simweb: SimWeb, workdir: Path, capsys: Any) -> None:
    simweb.set("intranet.sim.test", "/doc", Redirect("https://cdn.sim.test/doc", 302))
    simweb.set("cdn.sim.test", "/doc", Page(title="Doc"))
    config = {"hosts": {"intranet.sim.test": {"headers": {"Authorization": "Bearer t0ken"}}}}
    rec = one(simweb, workdir, "https://intranet.sim.test/doc", capsys, config=config)
    assert rec["status"] == "ok"
    assert [r.authorization for r in simweb.requests("intranet.sim.test")] == ["Bearer t0ken"]
    assert [r.authorization for r in simweb.requests("cdn.sim.test")] == [None]
    assert all(r.user_agent and r.user_agent.startswith("linkwarden/") for r in simweb.requests())


def test_private_address_is_skipped_unless_allowed(
    simweb: SimWeb, workdir: Path, capsys: Any
) -> None:
    simweb.set("127.0.0.1", "/internal", Page(title="Intranet page"))
    with simweb.lock:
        simweb.host("127.0.0.1").upgrade_http = False  # an intranet server on plain HTTP
    url = f"http://127.0.0.1:{simweb.http_port}/internal"
    rec = one(simweb, workdir, url, capsys)
    assert rec["status"] == "skipped" and "loopback" in rec["reason"]
    assert simweb.requests("127.0.0.1") == []
    rec = one(simweb, workdir, url, capsys, flags=("--allow-private",))
    assert rec["status"] == "ok" and rec["title"] == "Intranet page"
    assert len(simweb.requests("127.0.0.1")) == 1


def test_resolve_mapping_counts_as_permission(simweb: SimWeb, workdir: Path, capsys: Any) -> None:
    simweb.set("lab.sim.test", "/page", Page(title="Via resolve"))
    with simweb.lock:
        simweb.host("lab.sim.test").upgrade_http = False
    url = f"http://lab.sim.test:{simweb.http_port}/page"
    rec = one(
        simweb,
        workdir,
        url,
        capsys,
        flags=("--resolve", f"lab.sim.test:{simweb.http_port}:127.0.0.1"),
    )
    assert rec["status"] == "ok" and rec["title"] == "Via resolve"


# --- the network goes away --------------------------------------------------------------------


@pytest.fixture
def own_simweb() -> Iterator[SimWeb]:
    with SimWeb() as sim:
        yield sim


def test_network_cut_mid_run_exits_3_and_keeps_the_report(
    own_simweb: SimWeb, workdir: Path, capsys: Any
) -> None:
    sim = own_simweb
    hosts = [f"slow{n}.sim.test" for n in range(4)]
    for host in hosts:
        sim.set_latency(host, 0.25)
    urls = [f"https://{hosts[n % 4]}/paper/{n}" for n in range(120)]
    for url in urls:
        sim.set_url(url, Page(title="paper"))
    sim.set("first.sim.test", "/", Page(title="first run"))
    first = check(sim, workdir, ["https://first.sim.test/"], capsys)  # the previous report
    assert first.code in (0, 1) and first.status("https://first.sim.test/") == "ok"
    previous = workdir / "reports" / "latest.json"
    before = previous.read_bytes()
    files_before = sorted(p.name for p in previous.parent.iterdir())

    cutter = threading.Timer(0.6, sim.stop)
    cutter.start()
    started = time.monotonic()
    try:
        run = check(sim, workdir, urls, capsys, config={"retries": 1})
    finally:
        cutter.cancel()
    assert run.code == 3, run.stderr
    served = [r for r in sim.requests() if r.host in hosts]
    assert 0 < len(served) < len(urls)  # the cut came mid-run
    assert "network unavailable" in run.stderr and "nothing was written" in run.stderr
    assert previous.read_bytes() == before
    assert sorted(p.name for p in previous.parent.iterdir()) == files_before  # no temp files
    assert time.monotonic() - started < 20


# --- determinism: the same world, the same verdicts ----------------------------------------


def _troubled_world(sim: SimWeb) -> list[str]:
    """Many URLs on few busy hosts, with every kind of trouble whose verdict must not depend
    on timing: flaky 503s, 429s that pause a host, http:// and https:// links sharing one
    route (and its hit counter), HEAD refused, walls, soft 404s, slow pages, refused hosts."""
    urls: list[str] = []
    for n in range(24):
        host = f"busy{n % 2}.sim.test"
        sim.set_latency(host, (0.005, 0.03))
        path = f"/paper/{n}"
        behaviour = (
            Flaky(times=1),
            # one 429 pauses its host and widens its spacing: once is enough here
            RateLimited(times=1, retry_after=0.3) if n == 1 else Page(title=f"Paper {n}"),
            HeadRefused(),
            NotFound(),
            SoftNotFound(),
            CloudflareChallenge(),
            Slow(seconds=0.2),
            Page(title=f"Paper {n}"),
        )[n % 8]
        sim.set(host, path, behaviour)
        urls.append(f"https://{host}{path}")
        if n % 4 == 0:  # the same route through http://: shares the route's hit counter
            urls.append(f"http://{host}{path}")
    sim.set("files.sim.test", "/a.pdf", SMALL_PDF)
    sim.set("files.sim.test", "/old", Redirect("/new"))
    sim.set("files.sim.test", "/new", Page(title="new"))
    sim.refuse("down.sim.test")
    urls += ["https://files.sim.test/a.pdf", "https://files.sim.test/old"]
    urls += ["https://down.sim.test/x", "https://nxdomain.invalid/"]
    return urls


def test_same_world_twice_gives_the_same_verdicts(workdir: Path, capsys: Any) -> None:
    verdicts: list[dict[str, tuple[Any, ...]]] = []
    for _ in range(2):
        with SimWeb() as sim:  # a fresh world each time: hit counters start at zero
            urls = _troubled_world(sim)
            run = check(sim, workdir, urls, capsys, flags=("--per-host", "2"))
        assert run.code in (0, 1), run.stderr
        verdicts.append(
            {
                u: (r["status"], r["http_status"], r["error_kind"], r["suggestion"])
                for u, r in run.links.items()
            }
        )
    first, second = verdicts
    assert len(first) == len(urls)
    assert first == second
    statuses = {u: v[0] for u, v in first.items()}
    assert statuses["https://busy0.sim.test/paper/0"] == "ok"  # flaky, retried
    assert statuses["https://busy1.sim.test/paper/1"] == "ok"  # 429, waited, retried
    assert statuses["http://busy0.sim.test/paper/0"] == "redirected"  # upgrade, shared route
    assert statuses["https://busy1.sim.test/paper/3"] == "dead"
    assert statuses["https://busy1.sim.test/paper/5"] == "blocked"
    assert statuses["https://down.sim.test/x"] == "dead"


# --- no network at all: found out after a handful of attempts ------------------------------


def test_no_network_stops_after_a_handful_of_attempts(own_simweb: SimWeb) -> None:
    """Every host, and the canary, refuses connections (as with no network). Retries with
    a long backoff are configured: the sentinel must not wait for them. Counted, not timed:
    the first FIRST_ATTEMPTS attempts fail, new attempts are held while the canary is
    asked (once, one request), and the run stops; most URLs never get an attempt."""
    import anyio

    from linkwarden.check import CheckRun, NetworkOptions
    from linkwarden.check._sentinel import FIRST_ATTEMPTS
    from linkwarden.config import CheckSettings
    from linkwarden.errors import NetworkUnavailable

    sim = own_simweb
    hosts = [f"gone{n}.sim.test" for n in range(8)] + [CANARY]
    for host in hosts:
        sim.refuse(host)
    urls = [f"https://{hosts[n % 8]}/p/{n}" for n in range(200)]
    args = sim.cli_args()
    network = NetworkOptions.from_flags(
        connect_to=[args[i + 1] for i, a in enumerate(args) if a == "--connect-to"],
        cacert=sim.ca_pem_path,
    )
    concurrency = 4
    settings = CheckSettings(
        concurrency=concurrency,
        per_host=1,
        retries=5,
        retry_wait=30.0,
        canaries=(f"https://{CANARY}/",),
    )
    run = CheckRun(settings, network=network)

    async def main() -> None:
        await run.run(urls)

    with pytest.raises(NetworkUnavailable, match="no canary answered"):
        anyio.run(main)
    sentinel = run.sentinel
    assert sentinel is not None
    assert sentinel.probes == 1
    assert sentinel.answers == 0
    # The attempts that triggered the probe, plus at most the ones already under way
    # (every worker may have had one going); far fewer than one per URL.
    workers = 8 * (1 + 2)  # hosts x (slots + spare workers)
    assert FIRST_ATTEMPTS <= sentinel.attempts <= FIRST_ATTEMPTS + workers
    assert sentinel.attempts < len(urls) // 4
