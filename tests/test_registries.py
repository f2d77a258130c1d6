"""Unit tests of the registry clients (Crossref, doi.org, OpenReview, Wayback, Hugging Face)
and the pure DOI/OpenReview helpers. One function each, over httpx.MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anyio
import httpx
import pytest

from linkwarden.config import (
    CheckSettings,
    CrossrefSettings,
    HuggingFaceSettings,
    OpenReviewSettings,
    WaybackSettings,
    parse_settings,
)
from linkwarden.enrich._polite import Polite, registry_pool
from linkwarden.enrich.hfpapers import find_code
from linkwarden.enrich.registries import (
    crossref_agent,
    doi_batches,
    lookup_openreview,
    resolve_dois,
)
from linkwarden.enrich.wayback import find_snapshots, wayback_timestamp
from linkwarden.errors import ConfigError
from linkwarden.model import ArchivedCopy, PaperCode, RegistryRecord
from linkwarden.paperids import doi_of, normalize_doi, openreview_id

Handler = Callable[[httpx.Request], httpx.Response]


def polite(handler: Handler, seen: list[httpx.Request]) -> tuple[Polite, httpx.AsyncClient]:
    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    client = httpx.AsyncClient(transport=httpx.MockTransport(record))
    pool = registry_pool(CheckSettings(per_host=2), {})
    return Polite(client, pool, user_agent="linkwarden/test (+x)", backoff=0.01), client


def run(handler: Handler, work: Callable[[Polite], Any]) -> tuple[Any, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    async def main() -> Any:
        http, client = polite(handler, seen)
        async with client:
            return await work(http)

    return anyio.run(main), seen


def js(data: Any, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=data, headers=headers)


# --- pure helpers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "doi"),
    [
        ("https://dl.acm.org/doi/pdf/10.1145/3394171.3413865g", "10.1145/3394171.3413865g"),
        ("https://dl.acm.org/doi/abs/10.1145/3474085.3475318", "10.1145/3474085.3475318"),
        ("https://dl.acm.org/doi/10.1145/3474085.3475280", "10.1145/3474085.3475280"),
        ("https://doi.org/10.1109/CVPR.2019.00802", "10.1109/cvpr.2019.00802"),
        ("http://dx.doi.org/10.1007%2F978-3-030-58589-1_42", "10.1007/978-3-030-58589-1_42"),
        (
            "https://link.springer.com/content/pdf/10.1007/s11263-020-01.pdf",
            "10.1007/s11263-020-01",
        ),
        ("https://onlinelibrary.wiley.com/doi/10.1111/cgf.14022/abstract", "10.1111/cgf.14022"),
        ("https://www.nature.com/articles/s41586-021-03819-2", "10.1038/s41586-021-03819-2"),
        ("https://zenodo.org/records/7654321", "10.5281/zenodo.7654321"),
        ("https://papers.example.org/view?doi=10.1000/xyz.1", "10.1000/xyz.1"),
        ("https://ieeexplore.ieee.org/document/9102668", None),
        ("https://arxiv.org/abs/2211.12194", None),
        ("https://dl.acm.org/doi/book", None),
    ],
)
def test_doi_of(url: str, doi: str | None) -> None:
    assert doi_of(url) == doi


def test_normalize_doi_forms() -> None:
    assert normalize_doi("doi:10.1145/ABC.Def.") == "10.1145/abc.def"
    assert normalize_doi("https://doi.org/10.1145/x") == "10.1145/x"
    assert normalize_doi("11.1145/x") is None
    assert normalize_doi("10.1/x") is None  # registrant codes have at least 4 digits


def test_openreview_id() -> None:
    assert openreview_id("https://openreview.net/forum?id=YfwMIDhPccD") == "YfwMIDhPccD"
    assert openreview_id("https://openreview.net/pdf?id=7r6kDq0mK_") == "7r6kDq0mK_"
    assert openreview_id("https://openreview.net/group?id=ICLR.cc/2023/Conference") is None
    assert openreview_id("https://example.org/forum?id=YfwMIDhPccD") is None


def test_doi_batches_respect_size_and_url_length() -> None:
    dois = [f"10.1145/{n:07d}.{n:07d}" for n in range(120)]
    batches = doi_batches(dois, CrossrefSettings(batch_size=50))
    assert [len(b) for b in batches] == [50, 50, 20]
    long = [f"10.1145/{'x' * 300}{n}" for n in range(40)]
    for batch in doi_batches(long, CrossrefSettings(batch_size=50)):
        assert len(",".join(f"doi:{d}" for d in batch)) < 4000
    assert doi_batches(["10.1000/a,b", "10.1000/c"], CrossrefSettings()) == [
        ["10.1000/a,b"],
        ["10.1000/c"],
    ]


def test_crossref_agent_carries_the_contact() -> None:
    assert crossref_agent("lw/1 (+u)", "me@example.org") == "lw/1 (+u; mailto:me@example.org)"
    assert crossref_agent("lw/1", "") == "lw/1"


# --- Crossref and doi.org -----------------------------------------------------------------


def _registry(request: httpx.Request) -> httpx.Response:
    if request.url.host == "api.crossref.org":
        wanted = request.url.params["filter"].split(",")
        items = [
            {"DOI": "10.1145/3474085.3475318", "title": ["Towards Realistic Visual Dubbing"]},
            {"DOI": "10.1145/3474085.3475280", "title": ["Imitating Arbitrary Talking Style"]},
        ]
        return js({"message": {"items": [i for i in items if f"doi:{i['DOI']}" in wanted]}})
    if request.url.path.endswith("10.5281/zenodo.1"):
        return js(
            {"responseCode": 1, "values": [{"type": "URL", "data": {"value": "https://z/1"}}]}
        )
    return js({"responseCode": 100, "handle": request.url.path}, 404)


def test_resolve_dois_crossref_batch_then_handles() -> None:
    dois = [
        "10.1145/3474085.3475318",
        "10.1145/3474085.3475280",
        "10.5281/zenodo.1",
        "10.1145/3394171.3413865g",
    ]
    settings = CrossrefSettings(mailto="lists@example.org")
    outcome, seen = run(
        _registry, lambda http: resolve_dois(dois, settings, http, user_agent="lw (+u)")
    )
    assert outcome.records["10.1145/3474085.3475318"] == RegistryRecord(
        "10.1145/3474085.3475318", "crossref", "Towards Realistic Visual Dubbing"
    )
    assert outcome.records["10.5281/zenodo.1"] == RegistryRecord(
        "10.5281/zenodo.1", "handle", None, "https://z/1"
    )
    assert outcome.records["10.1145/3394171.3413865g"] is None  # resolves nowhere
    crossref = [r for r in seen if r.url.host == "api.crossref.org"]
    assert len(crossref) == 1  # one filter query for the four
    assert "mailto:lists@example.org" in crossref[0].headers["user-agent"]
    assert crossref[0].url.params["mailto"] == "lists@example.org"
    assert len(seen) == 3 and outcome.requests == 3 and outcome.notes == ()


def test_crossref_down_falls_back_to_handles_with_a_note() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "api.crossref.org":
            return httpx.Response(503)
        return js({"responseCode": 1, "values": []})

    outcome, seen = run(
        handler,
        lambda http: resolve_dois(
            ["10.1000/a", "10.1000/b"], CrossrefSettings(), http, user_agent="lw"
        ),
    )
    assert {r.registry for r in outcome.records.values() if r} == {"handle"}
    assert len([r for r in seen if r.url.host == "api.crossref.org"]) == 3  # 1 + 2 retries
    assert "Crossref did not answer" in outcome.notes[0]


def test_nothing_answers_means_unknown_never_missing() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    outcome, seen = run(
        handler,
        lambda http: resolve_dois(
            [f"10.1000/{n}" for n in range(5)], CrossrefSettings(), http, user_agent="lw"
        ),
    )
    assert outcome.records == {}
    assert any("doi.org did not answer" in n for n in outcome.notes)
    # A host that is down is marked so: five DOIs do not cost five times the retries.
    assert len([r for r in seen if r.url.host == "doi.org"]) <= 3 + 2 * 3


def test_retry_after_is_honoured() -> None:
    hits: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "h.test":
            return js({"responseCode": 100}, 404)
        hits.append(anyio.current_time())
        if len(hits) == 1:
            return httpx.Response(429, headers={"retry-after": "0.3"})
        return js({"message": {"items": []}})

    outcome, _ = run(
        handler,
        lambda http: resolve_dois(
            ["10.1000/a", "10.1000/b"],
            CrossrefSettings(handles_url="https://h.test"),
            http,
            user_agent="lw",
        ),
    )
    assert len(hits) == 2 and hits[1] - hits[0] >= 0.3
    assert outcome.notes == () and outcome.records == {"10.1000/a": None, "10.1000/b": None}


# --- OpenReview ---------------------------------------------------------------------------


def test_openreview_api2_then_api1() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        note = request.url.params["id"]
        if request.url.host == "api2.openreview.net":
            if note == "NEW":
                return js({"notes": [{"id": "NEW", "content": {"title": {"value": "New Paper"}}}]})
            return js({"name": "NotFoundError"}, 404)
        if note == "OLD":
            return js({"notes": [{"id": "OLD", "content": {"title": "Old  Paper"}}]})
        return js({"notes": []})

    outcome, seen = run(
        handler, lambda http: lookup_openreview(["NEW", "OLD", "GONE"], OpenReviewSettings(), http)
    )
    assert outcome.records == {
        "NEW": RegistryRecord("NEW", "openreview", "New Paper"),
        "OLD": RegistryRecord("OLD", "openreview", "Old Paper"),
        "GONE": None,
    }
    assert len(seen) == 5


# --- Wayback ------------------------------------------------------------------------------


def _wayback(request: httpx.Request) -> httpx.Response:
    if request.url.host == "archive.org":
        url = request.url.params["url"]
        if "none" in url:
            return js({"url": url, "archived_snapshots": {}})
        stamp = request.url.params.get("timestamp", "20200101000000")
        closest = {
            "status": "200",
            "available": True,
            "timestamp": stamp,
            "url": f"http://web.archive.org/web/{stamp}/{url}",
        }
        if "error" in url:
            closest["status"] = "404"
        return js({"url": url, "archived_snapshots": {"closest": closest}})
    assert request.method == "HEAD"
    return httpx.Response(404 if "stale" in str(request.url) else 200)


def test_find_snapshots() -> None:
    wanted = {
        "https://a.test/page": ("https://a.test/page", "2023-04-05T06:07:08Z"),
        "https://a.test/none": ("https://a.test/none", None),
        "https://a.test/stale": ("https://a.test/stale", None),
        "https://a.test/error": ("https://a.test/error", None),
    }
    outcome, seen = run(_wayback, lambda http: find_snapshots(wanted, WaybackSettings(), http))
    assert outcome.records == {
        "https://a.test/page": ArchivedCopy(
            "https://web.archive.org/web/20230405060708/https://a.test/page", "20230405060708"
        ),
        "https://a.test/none": None,
        "https://a.test/stale": None,  # the index names it, the page does not load
        "https://a.test/error": None,  # a capture of an error page
    }
    assert sum(1 for r in seen if r.url.host == "archive.org") == 4
    assert sum(1 for r in seen if r.url.host == "web.archive.org") == 2


def test_wayback_down_is_a_note() -> None:
    outcome, seen = run(
        lambda r: httpx.Response(503),
        lambda http: find_snapshots(
            {
                "https://a.test/x": ("https://a.test/x", None),
                "https://a.test/y": ("https://a.test/y", None),
            },
            WaybackSettings(),
            http,
        ),
    )
    assert outcome.records == {}
    assert "Wayback Machine did not answer" in outcome.notes[0]
    assert len(seen) <= 6


def test_wayback_timestamp() -> None:
    assert wayback_timestamp("2024-05-01T08:00:00Z") == "20240501080000"
    assert wayback_timestamp(None) is None and wayback_timestamp("soon") is None


# --- Hugging Face -------------------------------------------------------------------------


def test_find_code() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        arxiv_id = request.url.path.rsplit("/", 1)[-1]
        if arxiv_id == "2211.12194":
            return js({"id": arxiv_id, "githubRepo": "https://github.com/OpenTalker/SadTalker"})
        if arxiv_id == "2301.00001":
            return js({"id": arxiv_id, "githubRepo": None})
        if arxiv_id == "2301.00002":
            return httpx.Response(500)
        return js({"error": "Entry not found"}, 404)

    ids = ["2211.12194", "2301.00001", "2301.00002", "2301.00003"]
    outcome, _ = run(handler, lambda http: find_code(ids, HuggingFaceSettings(), http))
    assert outcome.records == {
        "2211.12194": PaperCode(
            "2211.12194", "https://github.com/OpenTalker/SadTalker", "OpenTalker/SadTalker"
        ),
        "2301.00001": None,
        "2301.00003": None,
    }
    assert "1 paper(s) without code not looked up" in outcome.notes[0]


# --- config -------------------------------------------------------------------------------


def test_registry_settings_are_validated() -> None:
    settings = parse_settings(
        {"wayback": {"enabled": False}, "huggingface": {"reask_days": 1}}, "f"
    )
    assert settings.wayback.enabled is False and settings.huggingface.reask_days == 1.0
    assert settings.crossref.enabled and settings.openreview.enabled  # defaults on
    for bad, words in [
        ({"crossref": {"enabled": "yes"}}, "crossref.enabled"),
        ({"crossref": {"mailto": "nobody"}}, "crossref.mailto"),
        ({"wayback": {"api_url": "archive.org"}}, "wayback.api_url"),
        ({"huggingface": {"reask_days": -1}}, "huggingface.reask_days"),
        ({"openreview": {"token": "x"}}, "openreview.token"),
    ]:
        with pytest.raises(ConfigError, match=words.replace(".", r"\.")):
            parse_settings(bad, "f")


def test_json_fixture_helper_is_json() -> None:
    assert json.loads(js({"a": 1}).content) == {"a": 1}


def test_an_untrusted_config_cannot_move_the_registries() -> None:
    data = {
        "crossref": {"api_url": "https://evil.example/crossref", "mailto": "a@b.org"},
        "wayback": {"api_url": "https://evil.example/wayback"},
        "huggingface": {"api_url": "https://evil.example/hf", "reask_days": 3},
    }
    settings = parse_settings(data, "pr-tree/linkwarden.yaml", trusted=False)
    assert settings.crossref.api_url == CrossrefSettings().api_url
    assert settings.wayback.api_url == WaybackSettings().api_url
    assert settings.huggingface.api_url == HuggingFaceSettings().api_url
    assert settings.crossref.mailto == "a@b.org" and settings.huggingface.reask_days == 3
    assert set(settings.ignored) == {"crossref.api_url", "wayback.api_url", "huggingface.api_url"}
