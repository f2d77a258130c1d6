"""Enrichment against the fake arXiv and GitHub APIs on the simulated web (real sockets, TLS)."""

from __future__ import annotations

import dataclasses

from enrich_helpers import (
    TOKEN,
    fast_settings,
    link,
    listing,
    mount_fakes,
    real_lists,
    run_enrich,
)
from linkwarden.config import USER_AGENT, ArxivSettings, GithubSettings, Settings
from linkwarden.model import Role, Status
from simweb import SimWeb
from simweb.fake_arxiv import Paper
from simweb.fake_github import Repo

# --- arXiv --------------------------------------------------------------------------------


def test_every_arxiv_link_form_is_one_id_and_verified_through_the_api(simweb: SimWeb) -> None:
    arxiv, _ = mount_fakes(simweb)
    arxiv.add(Paper(id="hep-th/9901001", title="An Old-Style Paper", versions=1))
    forms = [
        "https://arxiv.org/abs/2301.01081",
        "https://arxiv.org/abs/2301.01081v2",
        "https://arxiv.org/pdf/2301.01081.pdf",
        "https://arxiv.org/pdf/2301.01081v1.pdf",
        "https://arxiv.org/html/2301.01081v2",
        "http://export.arxiv.org/abs/2301.01081",
        "https://www.google.com/url?sa=t&url=https%3A%2F%2Farxiv.org%2Fabs%2F2301.01081",
        "https://arxiv.org/abs/hep-th/9901001",
    ]
    from linkwarden.urls import unwrap_redirect

    links = [link(unwrap_redirect(u)[0]) for u in forms]
    out = run_enrich([listing(links)], simweb)
    assert len(arxiv.requests) == 1
    assert sorted(arxiv.requests[0].ids) == ["2301.01081", "hep-th/9901001"]
    assert arxiv.requests[0].max_results == 2
    record = out.enrichment.arxiv["2301.01081"]
    assert record is not None and record.title.startswith("StyleTalk")
    assert record.latest_version == 2 and record.journal_ref == "AAAI 2023"
    assert out.enrichment.arxiv["hep-th/9901001"] is not None
    # Every form is answered by the API: nothing is left for an arxiv.org page fetch.
    assert all(r.via == "arxiv-api" and r.status is Status.OK for r in out.results.values())
    assert len(out.results) == len(set(out.results))
    assert not simweb.requests("arxiv.org")


def test_arxiv_requests_carry_our_user_agent(simweb: SimWeb) -> None:
    arxiv, _ = mount_fakes(simweb)
    run_enrich([listing([link("https://arxiv.org/abs/2301.06281")])], simweb)
    assert arxiv.requests[0].user_agent == USER_AGENT
    assert "arxiv.py" not in arxiv.requests[0].user_agent


def test_unknown_and_impossible_arxiv_ids_are_dead(simweb: SimWeb) -> None:
    arxiv, _ = mount_fakes(simweb)
    out = run_enrich(
        [
            listing(
                [
                    link("https://arxiv.org/abs/2301.99999"),  # well-formed, never issued
                    link("https://arxiv.org/abs/2313.00001"),  # month 13 cannot exist
                    link("https://arxiv.org/abs/2211.12194v7"),  # a version that does not exist
                ]
            )
        ],
        simweb,
    )
    assert out.enrichment.arxiv["2301.99999"] is None
    assert "2313.00001" not in arxiv.requests[0].ids  # not worth a 400 for the whole batch
    by_url = out.results
    assert by_url["https://arxiv.org/abs/2301.99999"].status is Status.DEAD
    assert by_url["https://arxiv.org/abs/2313.00001"].status is Status.DEAD
    pinned = by_url["https://arxiv.org/abs/2211.12194v7"]
    assert pinned.status is Status.DEAD and pinned.suggestion == "https://arxiv.org/abs/2211.12194"
    assert len(arxiv.requests) == 1  # unknown IDs do not make the client page again


def test_arxiv_api_down_leaves_ids_unknown_for_the_http_checker(simweb: SimWeb) -> None:
    arxiv, _ = mount_fakes(simweb)
    arxiv.fail_with = 503
    out = run_enrich([listing([link("https://arxiv.org/abs/2301.06281")])], simweb)
    assert out.enrichment.arxiv == {}
    assert out.results == {}  # nothing verified: the HTTP checker looks at the link
    assert any("HTTP 503" in n for n in out.enrichment.notes)
    assert len(arxiv.requests) == 2  # one retry of a 5xx, no more


def test_real_lists_cost_two_arxiv_requests_in_batches_of_at_most_100(simweb: SimWeb) -> None:
    arxiv, _ = mount_fakes(simweb)
    out = run_enrich(real_lists(), simweb)
    assert len(arxiv.requests) <= 5
    assert all(len(r.ids) <= 100 and r.max_results == len(r.ids) for r in arxiv.requests)
    assert len(out.enrichment.arxiv) == sum(len(r.ids) for r in arxiv.requests)


def test_default_interval_keeps_arxiv_requests_three_seconds_apart(simweb: SimWeb) -> None:
    """The one test that runs the default 3 s gap: the five lists make two batches."""
    arxiv, _ = mount_fakes(simweb)
    run_enrich(real_lists(), simweb, settings=Settings())
    assert len(arxiv.requests) == 2
    assert arxiv.gaps and min(arxiv.gaps) >= 3.0


# --- GitHub -------------------------------------------------------------------------------


def test_with_a_token_the_real_lists_cost_at_most_ten_github_requests(simweb: SimWeb) -> None:
    _, github = mount_fakes(simweb)
    out = run_enrich(real_lists(), simweb)
    assert github.api_requests <= 10
    assert github.count("graphql") == 2  # ~125 repositories, 100 per query
    assert github.count("rest") == 0
    assert not out.enrichment.notes
    sadtalker = out.enrichment.repos["winfredy/sadtalker"]
    assert sadtalker is not None and sadtalker.full_name == "OpenTalker/SadTalker"
    assert out.enrichment.repos["miu200521358/neuralvoicepuppetrymmd"] is None


def test_renamed_repository_is_redirected_with_the_new_url(simweb: SimWeb) -> None:
    mount_fakes(simweb)
    code = link("https://github.com/Winfredy/SadTalker", "Code", Role.CODE)
    for token in (TOKEN, None):  # GraphQL and REST (301) agree
        out = run_enrich([listing([code])], simweb, token=token)
        result = out.results["https://github.com/Winfredy/SadTalker"]
        assert result.status is Status.REDIRECTED and result.via == "github-api"
        assert result.suggestion == "https://github.com/OpenTalker/SadTalker"


def test_deleted_repository_is_dead_and_files_in_live_ones_are_left_to_http(
    simweb: SimWeb,
) -> None:
    mount_fakes(simweb)
    out = run_enrich(
        [
            listing(
                [
                    link("https://github.com/nobody/gone", "code", Role.CODE),
                    link("https://github.com/nobody/gone/blob/main/a.py", "code", Role.CODE),
                    link("https://github.com/Carlyx/DPE/tree/main/x", "code", Role.CODE),
                    link("https://github.com/Carlyx/DPE.git", "code", Role.CODE),
                ]
            )
        ],
        simweb,
    )
    assert out.results["https://github.com/nobody/gone"].status is Status.DEAD
    assert out.results["https://github.com/nobody/gone/blob/main/a.py"].status is Status.DEAD
    assert "https://github.com/Carlyx/DPE/tree/main/x" not in out.results
    assert out.results["https://github.com/Carlyx/DPE.git"].status is Status.OK


def test_without_a_token_rest_stops_short_of_the_anonymous_limit(simweb: SimWeb) -> None:
    _, github = mount_fakes(simweb)
    out = run_enrich(real_lists(), simweb, token=None)
    assert github.api_requests <= github.anonymous_limit - fast_settings().github.reserve
    assert github.count("graphql") == 0
    notes = " ".join(out.enrichment.notes)
    assert "set GITHUB_TOKEN" in notes and "unknown for" in notes
    known = [k for k in out.enrichment.repos]
    assert 40 <= len(known) < 125  # what the quota allowed, the rest unknown (absent)


def test_no_quota_left_means_no_request_and_a_clear_note(simweb: SimWeb) -> None:
    _, github = mount_fakes(simweb)
    github.used["anonymous"] = 58  # someone else spent the hour's quota
    out = run_enrich(
        [listing([link("https://github.com/Carlyx/DPE", "code", Role.CODE)])], simweb, token=None
    )
    assert github.api_requests == 0
    assert out.enrichment.repos == {} and out.results == {}
    assert any("set GITHUB_TOKEN" in n for n in out.enrichment.notes)


def test_a_rejected_token_falls_back_to_anonymous_rest(simweb: SimWeb) -> None:
    _, github = mount_fakes(simweb)
    out = run_enrich(
        [listing([link("https://github.com/Carlyx/DPE", "code", Role.CODE)])],
        simweb,
        token="ghp_wrong",
    )
    assert any("401" in n for n in out.enrichment.notes)
    assert out.enrichment.repos["carlyx/dpe"] is not None
    assert github.count("rest") == 1


def test_the_token_only_ever_reaches_the_api_host(simweb: SimWeb) -> None:
    _, github = mount_fakes(simweb)
    run_enrich(real_lists(), simweb)
    assert all(s.authorization == f"token {TOKEN}" for s in github.seen)
    for request in simweb.requests():
        if request.host != "api.github.com":
            assert request.authorization is None


def test_graphql_metadata_fields_are_recorded(simweb: SimWeb) -> None:
    _, github = mount_fakes(simweb)
    github.add(
        Repo(
            "lab/frozen",
            id=7,
            stars=12,
            forks=3,
            archived=True,
            pushed_at="2021-02-03T00:00:00Z",
            license="Apache-2.0",
            default_branch="dev",
        )
    )
    out = run_enrich([listing([link("https://github.com/lab/frozen", "code", Role.CODE)])], simweb)
    record = out.enrichment.repos["lab/frozen"]
    assert record is not None
    assert (record.stars, record.forks, record.archived, record.license) == (
        12,
        3,
        True,
        "Apache-2.0",
    )
    assert (record.default_branch, record.pushed_at) == ("dev", "2021-02-03T00:00:00Z")


def test_the_private_address_guard_applies_to_the_api_clients(simweb: SimWeb) -> None:
    """One guard for every client: an API address that is private and not mapped by
    --resolve/--connect-to is refused by the arXiv and the GitHub client alike."""
    mount_fakes(simweb)
    private = f"https://127.0.0.1:{simweb.tls_port}"
    settings = dataclasses.replace(
        fast_settings(),
        arxiv=ArxivSettings(api_url=f"{private}/api/query", interval=0.05),
        github=dataclasses.replace(GithubSettings(), api_url=private),
    )
    lists = [
        listing(
            [
                link("https://arxiv.org/abs/2301.06281"),
                link("https://github.com/octo/tool", "code", Role.CODE),
            ]
        )
    ]
    for token in (TOKEN, None):  # GraphQL and anonymous REST
        out = run_enrich(lists, simweb, settings, token=token)
        assert not out.enrichment.arxiv and not out.enrichment.repos
        notes = " ".join(out.enrichment.notes)
        assert "127.0.0.1 is a loopback address" in notes  # the arXiv client's reason
        assert "GitHub API could not be reached" in notes
    assert not simweb.requests()  # nothing left the process
