"""The tail: hosts that never answer cost about one timeout, not one per attempt per URL.

Before, a hung host's URLs went out `per_host` at a time and every attempt waited the full
timeout, retries one after another: 12 URLs, 2 at a time, 4 attempts of 1 s each took
24 s. Now the host is taken for hung once a request of it has timed out (or waited a
quarter of the timeout) without it ever answering: its other URLs go out at once and its
timeouts are not retried, so the run ends about one timeout after it started.
"""

from __future__ import annotations

import time

import anyio

from linkwarden.check import CheckRun, NetworkOptions
from linkwarden.config import CheckSettings
from linkwarden.model import Status
from simweb import Hang, Page, SimWeb

TIMEOUT = 1.0


def run(sim: SimWeb, urls: list[str]) -> tuple[dict[str, Status], float]:
    settings = CheckSettings(
        timeout=TIMEOUT, retries=3, retry_wait=0.05, per_host=2, canaries=(), deadline=60.0
    )
    args = sim.cli_args()
    pairs = list(zip(args[::2], args[1::2], strict=True))
    network = NetworkOptions.from_flags(
        connect_to=[v for k, v in pairs if k == "--connect-to"], cacert=sim.ca_pem_path
    )

    async def main() -> dict[str, Status]:
        results = await CheckRun(settings, network=network).run(urls)
        return {url: result.status for url, result in results.items()}

    started = time.monotonic()
    statuses = anyio.run(main)
    return statuses, time.monotonic() - started


def test_a_hung_host_costs_about_one_timeout(simweb: SimWeb) -> None:
    hung = [f"https://hung.sim.test/p{n}" for n in range(12)]
    for url in hung:
        simweb.set_url(url, Hang(seconds=30))
    simweb.set("fine.sim.test", "/ok", Page(title="fine"))
    statuses, elapsed = run(simweb, [*hung, "https://fine.sim.test/ok"])
    assert statuses["https://fine.sim.test/ok"] is Status.OK
    assert {statuses[u] for u in hung} == {Status.TIMEOUT}
    # Every URL asked (none skipped), most once: a host that never answers is not retried.
    asked = simweb.requests("hung.sim.test")
    assert {r.path for r in asked} == {f"/p{n}" for n in range(12)} and len(asked) <= 14
    assert elapsed < 5 * TIMEOUT, f"{elapsed:.1f}s"  # was 24 s


def test_one_hanging_page_on_a_healthy_host_is_retried_within_the_window(
    simweb: SimWeb,
) -> None:
    simweb.set("mixed.sim.test", "/ok", Page(title="fine"))
    simweb.set("mixed.sim.test", "/stuck", Hang(seconds=30))
    urls = ["https://mixed.sim.test/ok", "https://mixed.sim.test/stuck"]
    statuses, elapsed = run(simweb, urls)
    assert statuses == {urls[0]: Status.OK, urls[1]: Status.TIMEOUT}
    assert len(simweb.requests("mixed.sim.test", path="/stuck")) == 2  # one retry, cut short
    assert elapsed < 1.5 * TIMEOUT + 1.0, f"{elapsed:.1f}s"  # was 4 attempts: 4 s and more
