"""Unit tests of the checker's pieces: option parsing, the guard, Retry-After, host slots,
the sentinel, and the verdict logic over httpx.MockTransport (one function each)."""

from __future__ import annotations

import email.utils
import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta, timezone

import anyio
import httpx
import pytest

from linkwarden.check import NetworkOptions, check_urls, forbidden_reason
from linkwarden.check._hosts import HostPool, HostSlot, Once, parse_retry_after
from linkwarden.check._netopts import parse_connect_to, parse_resolve
from linkwarden.check._sentinel import Sentinel
from linkwarden.config import CheckSettings, HostSettings
from linkwarden.errors import InputError, NetworkUnavailable
from linkwarden.model import LinkResult, Status

FAST = CheckSettings(retries=2, retry_wait=0.01, canaries=(), timeout=2.0)


def run_mock(
    handler: Callable[[httpx.Request], httpx.Response],
    urls: list[str],
    settings: CheckSettings = FAST,
) -> dict[str, LinkResult]:
    async def main() -> dict[str, LinkResult]:
        return await check_urls(
            urls, settings, network=NetworkOptions(), transport=httpx.MockTransport(handler)
        )

    return anyio.run(main)


# --- option parsing ---------------------------------------------------------------------------


def test_resolve_and_connect_to_parse_like_curl() -> None:
    rule = parse_resolve("example.org:443:127.0.0.1,[::1]")
    assert (rule.host, rule.port, rule.addresses) == ("example.org", 443, ("127.0.0.1", "::1"))
    anyhost = parse_connect_to("::127.0.0.1:8443")
    assert (anyhost.host, anyhost.port, anyhost.to_host, anyhost.to_port) == (
        "",
        None,
        "127.0.0.1",
        8443,
    )
    keep = parse_connect_to("a.org:443:[::1]:")
    assert keep.to_host == "::1" and keep.to_port is None
    for bad in ("example.org:443", "example.org:http:1.2.3.4", "example.org:443:not-an-ip"):
        with pytest.raises(InputError):
            parse_resolve(bad)
    with pytest.raises(InputError):
        parse_connect_to("a:1:b")


def test_route_applies_connect_to_then_resolve_and_marks_mapping() -> None:
    opts = NetworkOptions.from_flags(
        connect_to=["a.org:443:b.org:8443", ":80:127.0.0.1:8080"],
        resolve=["b.org:8443:10.0.0.5"],
    )
    assert opts.route("a.org", 443) == ("b.org", 8443, ("10.0.0.5",), True)
    assert opts.route("any.org", 80) == ("127.0.0.1", 8080, None, True)
    assert opts.route("c.org", 443) == ("c.org", 443, None, False)
    assert opts.connect_to_map[("a.org", 443)] == ("b.org", 8443)
    assert opts.resolve_map[("b.org", 8443)] == ("10.0.0.5",)


def test_missing_cacert_is_an_input_error() -> None:
    with pytest.raises(InputError, match="CA bundle not found"):
        NetworkOptions.from_flags(cacert="/nonexistent/ca.pem")


# --- the guard --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.10", "private"),
        ("172.16.5.5", "private"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("fd12:3456::1", "unique-local"),
        ("169.254.169.254", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("100.100.100.200", "metadata"),
        ("::ffff:127.0.0.1", "loopback"),
        ("0.0.0.0", "unspecified"),
    ],
)
def test_guard_refuses_non_public_addresses(address: str, kind: str) -> None:
    reason = forbidden_reason(address)
    assert reason is not None and kind in reason


def test_guard_allows_public_addresses() -> None:
    assert forbidden_reason("93.184.216.34") is None
    assert forbidden_reason("2606:4700::6810:84e5") is None


# --- Retry-After and host slots ---------------------------------------------------------------


def test_retry_after_seconds_and_http_date() -> None:
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
    later = email.utils.format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after(later, now=now) == pytest.approx(30.0)
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=now) == 0.0  # past: no wait
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_host_slot_limits_concurrency_and_spaces_starts() -> None:
    slot = HostSlot("h", concurrency=2, interval=0.05)
    starts: list[float] = []

    async def one() -> None:
        async with slot.turn():
            starts.append(anyio.current_time())
            await anyio.sleep(0.02)

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            for _ in range(6):
                tg.start_soon(one)

    anyio.run(main)
    assert slot.max_in_flight <= 2
    gaps = [b - a for a, b in zip(sorted(starts), sorted(starts)[1:], strict=False)]
    assert min(gaps) >= 0.045


def test_back_off_pauses_the_host_and_widens_spacing() -> None:
    slot = HostSlot("h", concurrency=4, interval=0.0)

    async def main() -> float:
        slot.back_off(0.2, fallback=1.0)
        started = anyio.current_time()
        async with slot.turn():
            return anyio.current_time() - started

    waited = anyio.run(main)
    assert waited >= 0.19
    assert slot.interval > 0.0
    for _ in range(40):
        slot.relax()
    assert slot.interval == 0.0


def test_per_host_overrides_apply_to_subdomains() -> None:
    settings = CheckSettings(hosts={"arxiv.org": HostSettings(concurrency=1, interval=3.0)})

    async def main() -> tuple[int, float, int]:
        pool = HostPool(settings)
        a = pool.slot("export.arxiv.org")
        b = pool.slot("example.org")
        return a.concurrency, a.interval, b.concurrency

    assert anyio.run(main) == (1, 3.0, 4)


def test_once_shares_one_result_between_concurrent_callers() -> None:
    calls = 0

    async def work() -> int:
        nonlocal calls
        calls += 1
        await anyio.sleep(0.01)
        return 42

    async def main() -> list[int]:
        once: Once[int] = Once()
        got: list[int] = []

        async def caller() -> None:
            got.append(await once.run("k", work))

        async with anyio.create_task_group() as tg:
            for _ in range(5):
                tg.start_soon(caller)
        return got

    assert anyio.run(main) == [42] * 5
    assert calls == 1


# --- the sentinel -----------------------------------------------------------------------------


def _failed(n: int) -> LinkResult:
    return LinkResult(f"https://h{n}.org/", Status.DEAD, "", error_kind="refused")


def test_sentinel_declares_the_network_down_when_no_canary_answers() -> None:
    probed: list[str] = []

    async def probe(url: str) -> bool:
        probed.append(url)
        return False

    async def main() -> Sentinel:
        sentinel = Sentinel(("https://c1/", "https://c2/"), probe)
        for n in range(10):
            await sentinel.record(_failed(n))
        return sentinel

    sentinel = anyio.run(main)
    assert sentinel.down is not None and "no canary answered" in sentinel.down
    assert probed == ["https://c1/", "https://c2/"]


def test_sentinel_keeps_going_when_a_canary_answers() -> None:
    async def probe(url: str) -> bool:
        return True

    async def main() -> Sentinel:
        sentinel = Sentinel(("https://c1/",), probe)
        for n in range(25):
            await sentinel.record(_failed(n))
        return sentinel

    sentinel = anyio.run(main)
    assert sentinel.down is None and sentinel.probes >= 1


def test_sentinel_holds_new_attempts_while_asking_and_stops_the_run() -> None:
    """The canaries are asked all at once; attempts wait meanwhile; `on_down` fires."""
    order: list[str] = []
    stopped: list[bool] = []

    async def probe(url: str) -> bool:
        order.append(f"probe {url}")
        await anyio.sleep(0.05)
        return False

    async def main() -> Sentinel:
        sentinel = Sentinel(
            ("https://c1/", "https://c2/"), probe, on_down=lambda: stopped.append(True)
        )

        async def late_attempt() -> None:
            await anyio.sleep(0.01)  # arrives while the canaries are being asked
            await sentinel.wait_clear()
            order.append("attempt")

        async with anyio.create_task_group() as group:
            group.start_soon(late_attempt)
            for _ in range(10):
                await sentinel.attempt(connection_failed=True, answered=False)
        return sentinel

    sentinel = anyio.run(main)
    assert order == ["probe https://c1/", "probe https://c2/", "attempt"]
    assert sentinel.down is not None and stopped == [True] and sentinel.attempts == 10


def test_sentinel_ignores_failures_after_an_answer_until_a_streak() -> None:
    probed: list[str] = []

    async def probe(url: str) -> bool:
        probed.append(url)
        return False

    async def main() -> Sentinel:
        sentinel = Sentinel(("https://c1/",), probe)
        await sentinel.attempt(connection_failed=False, answered=True)
        for _ in range(19):
            await sentinel.attempt(connection_failed=True, answered=False)
        assert probed == []  # one answer: the first failures are the links' own
        await sentinel.attempt(connection_failed=True, answered=False)
        return sentinel

    sentinel = anyio.run(main)
    assert probed == ["https://c1/"] and sentinel.down is not None


# --- the verdict over a mock transport ------------------------------------------------------


def test_head_first_for_files_then_get_when_refused() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        if request.method == "HEAD":
            return httpx.Response(405)
        return httpx.Response(200, headers={"content-type": "application/pdf"}, content=b"%PDF")

    result = run_mock(handler, ["https://e.org/paper.pdf"])["https://e.org/paper.pdf"]
    assert result.status is Status.OK and result.http_status == 200
    assert seen == ["HEAD", "GET"]


def test_get_reads_at_most_max_body() -> None:
    received: list[int] = []

    async def endless() -> AsyncIterator[bytes]:
        for _ in range(1000):
            received.append(4096)
            yield b"<html><title>Big</title>" + b"x" * 4096

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/html"}, content=endless())

    settings = CheckSettings(retries=0, canaries=(), max_body=16384)
    result = run_mock(handler, ["https://e.org/page"], settings)["https://e.org/page"]
    assert result.status is Status.OK and result.title == "Big"
    assert sum(received) <= 16384 + 2 * 4096


def test_mixed_chain_suggests_only_the_permanent_part() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/a":
            return httpx.Response(301, headers={"location": "/b"})
        if path == "/b":
            return httpx.Response(302, headers={"location": "/c"})
        return httpx.Response(200, html="<title>C</title>")

    result = run_mock(handler, ["https://e.org/a"])["https://e.org/a"]
    assert result.status is Status.REDIRECTED
    assert result.suggestion == "https://e.org/b"
    assert [h.status for h in result.chain] == [301, 302]
    assert result.final_url == "https://e.org/c"


def test_too_many_redirects_is_an_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        n = int(request.url.path.strip("/") or 0)
        return httpx.Response(302, headers={"location": f"/{n + 1}"})

    settings = CheckSettings(retries=0, canaries=(), max_redirects=3)
    result = run_mock(handler, ["https://e.org/0"], settings)["https://e.org/0"]
    assert result.status is Status.ERROR and result.error_kind == "too_many_redirects"
    assert len(result.chain) == 4


def test_persistent_5xx_is_error_not_dead_and_is_retried() -> None:
    attempts = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal attempts
        attempts += 1
        return httpx.Response(502)

    result = run_mock(handler, ["https://e.org/x"])["https://e.org/x"]
    assert result.status is Status.ERROR and result.http_status == 502 and result.transient
    assert attempts == 3  # 1 + retries


def test_walled_host_403_is_blocked_but_its_404_is_dead() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404 if request.url.path == "/missing" else 403)

    results = run_mock(handler, ["https://dl.acm.org/doi/10.1145/1", "https://dl.acm.org/missing"])
    assert results["https://dl.acm.org/doi/10.1145/1"].status is Status.BLOCKED
    assert "known to wall off" in results["https://dl.acm.org/doi/10.1145/1"].reason
    assert results["https://dl.acm.org/missing"].status is Status.DEAD


def test_per_host_headers_stay_on_their_host_across_redirects() -> None:
    seen: dict[str, str | None] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen[request.url.host] = request.headers.get("authorization")
        if request.url.host == "private.example.org":
            return httpx.Response(302, headers={"location": "https://elsewhere.example.org/"})
        return httpx.Response(200, html="<title>Elsewhere</title>")

    settings = CheckSettings(
        retries=0,
        canaries=(),
        hosts={"private.example.org": HostSettings(headers={"Authorization": "Bearer s3cret"})},
    )
    run_mock(handler, ["https://private.example.org/doc"], settings)
    assert seen["private.example.org"] == "Bearer s3cret"
    assert seen["elsewhere.example.org"] is None


def test_cookies_set_in_a_chain_are_sent_back_and_not_a_loop() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if "session=1" in request.headers.get("cookie", ""):
            return httpx.Response(200, html="<title>In</title>")
        return httpx.Response(302, headers={"location": "/p", "set-cookie": "session=1; Path=/"})

    result = run_mock(handler, ["https://e.org/p"])["https://e.org/p"]
    assert result.status is Status.OK and result.title == "In"


def test_results_are_keyed_by_normalised_url_and_checked_once() -> None:
    hits = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal hits
        hits += 1
        return httpx.Response(200, html="<title>x</title>")

    results = run_mock(handler, ["HTTPS://E.org/a#frag", "https://e.org:443/a", "https://e.org/a"])
    assert list(results) == ["https://e.org/a"]
    assert hits == 1


def test_user_agent_is_the_descriptive_one() -> None:
    agents: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        agents.append(request.headers["user-agent"])
        return httpx.Response(200, html="<title>x</title>")

    run_mock(handler, ["https://e.org/"])
    assert agents and agents[0].startswith("linkwarden/") and "https://" in agents[0]


def test_network_down_raises_after_the_first_checks_all_fail() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused")

    settings = CheckSettings(retries=0, canaries=("https://canary.example.org/",))
    started = time.monotonic()
    with pytest.raises(NetworkUnavailable, match="network unavailable"):
        run_mock(handler, [f"https://h{n}.example.org/" for n in range(30)], settings)
    assert time.monotonic() - started < 10


# --- DNS coalescing -------------------------------------------------------------------------


def test_concurrent_lookups_that_fail_temporarily_each_raise_the_failure() -> None:
    """Issue 12: with several connections waiting for one name whose lookup fails
    temporarily (SERVFAIL, a timeout), every waiter got the failure or tried again, and
    two retries deleted the same table entry (`KeyError` from the DNS table)."""
    from linkwarden.check._backend import GuardedBackend
    from linkwarden.check._netopts import NameNotResolved

    in_flight: list[int] = []
    most: list[int] = [0]

    class FlakyDns(GuardedBackend):
        async def _resolve(self, host: str, port: int, timeout: float | None) -> tuple[str, ...]:
            in_flight.append(1)
            most[0] = max(most[0], len(in_flight))
            await anyio.sleep(0.01)
            in_flight.pop()
            raise NameNotResolved(host, "temporary failure", permanent=False)

    backend = FlakyDns(NetworkOptions())
    failures: list[BaseException] = []

    async def connect() -> None:
        try:
            await backend._lookup("img.shields.io", 443, 1.0)
        except NameNotResolved as exc:
            failures.append(exc)

    async def main() -> None:
        async with anyio.create_task_group() as group:
            for _ in range(5):
                group.start_soon(connect)

    anyio.run(main)
    assert len(failures) == 5 and all(not f.permanent for f in failures)  # type: ignore[attr-defined]
    assert most[0] == 1  # still one lookup of a name at a time


def test_progress_totals_add_up_over_passes_and_a_stopped_run_has_no_tally() -> None:
    """Issue 12: each checker pass overwrote the total (`68/7 checked`), and an offline run
    printed `11/239 checked (11 dead)` before saying the network was down."""
    import io

    from linkwarden.check.progress import PlainProgress

    stream = io.StringIO()
    progress = PlainProgress(stream)
    progress.start(68)  # the first pass
    for n in range(70):
        if n == 68:
            progress.start(7)  # the APIs' leftovers
        progress.advance(LinkResult(f"https://a.org/{n}", Status.OK, f"https://a.org/{n}"))
    progress.finish()
    assert stream.getvalue().splitlines()[-1].startswith("linkwarden check: 70/75 checked")
    stopped = io.StringIO()
    progress = PlainProgress(stopped)
    progress.start(239)
    progress.advance(LinkResult("https://a.org/", Status.DEAD, "https://a.org/"))
    progress.finish(completed=False)
    assert "checked" not in stopped.getvalue()


def test_a_redirect_suggestion_is_the_end_of_the_permanent_prefix_only() -> None:
    """Issue 12: http://x/StyleHEAT/ -> 301 https://x/StyleHEAT/ -> 302
    https://x/session/StyleHEAT/ must suggest the 301 target, never the temporary hop."""
    from linkwarden.check._verdict import Fetched, Walk, verdict
    from linkwarden.model import Hop

    first = "http://x.example/StyleHEAT/"
    secure = "https://x.example/StyleHEAT/"
    session = "https://x.example/session/StyleHEAT/"
    answer = Fetched(session, "GET", 200, httpx.Headers({"content-type": "text/html"}))
    chain = (Hop(first, 301, secure), Hop(secure, 302, session))
    result = verdict(first, Walk(chain, session, answer=answer))
    assert (result.status, result.suggestion) == (Status.REDIRECTED, secure)
    moved = "https://x.example/new/StyleHEAT/"
    chain = (Hop(secure, 308, moved), Hop(moved, 302, session))
    result = verdict(secure, Walk(chain, session, answer=answer))
    assert (result.status, result.suggestion) == (Status.REDIRECTED, moved)
