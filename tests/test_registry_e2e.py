"""Issue 13 end to end: the real CLI over the five real lists, past the walls.

The simulated web serves every URL of the lists with a fifth of them broken
(`world_from_sources(faults=0.2)`), the seeded arXiv and GitHub fakes, and the registry
fakes (Crossref, doi.org, OpenReview, the Wayback Machine with captures of a share of the
lists' URLs, Hugging Face paper pages). `check` runs twice in the same directory; the second
run must not ask the Wayback Machine or the paper pages again. Expectations come from the
fakes' data and the world, never from linkwarden's own answers.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from enrich_helpers import TOKEN
from linkwarden.cli import main
from linkwarden.extract import extract
from linkwarden.sources import load_registry, read_source
from linkwarden.urls import arxiv_ref, badge_repo, github_repo, normalize
from registry_helpers import FAST_REGISTRIES, Registries, add_hf_repos, mount_registries
from simweb import Page, SimWeb, source_urls, world_from_sources
from simweb.fake_arxiv import FakeArxiv
from simweb.fake_github import FakeGithub
from simweb.fake_hf import SEED

ROOT = Path(__file__).resolve().parent.parent
CONFIG = "arxiv:\n  interval: 0.05\n" + FAST_REGISTRIES
TYPO = "10.1145/3394171.3413865g"


@dataclass
class Runs:
    work: Path
    sim: SimWeb
    fakes: Registries
    github: FakeGithub
    world_expected: dict[str, str]
    first: dict[str, Any]  # latest.json after the first run
    second: dict[str, Any]
    first_requests: dict[str, int]
    second_requests: dict[str, int]
    wayback_first: list[str]  # URLs the Wayback Machine was asked about, first run
    hf_first: list[str]
    annotations: str
    report_md: str
    stderr: str

    def findings(self, code: str, run: str = "first") -> list[dict[str, Any]]:
        report = self.first if run == "first" else self.second
        return [f for f in report["findings"] if f["code"] == code]


def _check(sim: SimWeb, *extra: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check", "--quiet", "--github-token", TOKEN, "--fail-on", "none",
                     *extra, *sim.cli_args()])  # fmt: skip
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    work = tmp_path_factory.mktemp("registry-e2e")
    shutil.copytree(ROOT / "sources", work / "sources")
    (work / "linkwarden.yaml").write_text(CONFIG, encoding="utf-8")
    old = Path.cwd()
    os.chdir(work)
    try:
        world = world_from_sources(latency=(0.0, 0.01), faults=0.2, seed=3)
        with SimWeb(world) as sim:
            github = FakeGithub.seeded()
            add_hf_repos(github)
            sim.mount("export.arxiv.org", FakeArxiv.seeded())
            sim.mount("api.github.com", github)
            fakes = mount_registries(sim, archived=source_urls())
            code, annotations, err = _check(sim, "--annotations")
            assert code == 0, err
            latest = work / "reports" / "latest.json"
            first = json.loads(latest.read_text(encoding="utf-8"))
            report_md = (work / "reports" / "REPORT.md").read_text(encoding="utf-8")
            first_requests = fakes.requests()
            wayback_first = fakes.wayback.urls_asked()
            hf_first = fakes.hf.ids_asked()
            code, _, err2 = _check(sim)
            assert code == 0, err2
            second = json.loads(latest.read_text(encoding="utf-8"))
            second_requests = {k: v - first_requests[k] for k, v in fakes.requests().items()}
            yield Runs(work, sim, fakes, github, dict(world.expected), first, second,
                       first_requests, second_requests, wayback_first, hf_first,
                       annotations, report_md, err)  # fmt: skip
    finally:
        os.chdir(old)


def test_the_typo_doi_behind_the_acm_wall_is_found(runs: Runs) -> None:
    hits = [f for f in runs.findings("LW305") if TYPO in f["message"]]
    assert len(hits) == 1
    assert hits[0]["path"].endswith("awesome-talking-head-generation.md")
    assert hits[0]["severity"] == "error"
    record = next(r for r in runs.first["links"] if r["url"].endswith("3413865g"))
    assert record["enrichment"]["doi"] == TYPO and record["enrichment"]["doi_record"] is None
    # Its observed status is the run's, unchanged by the registry's verdict.
    assert record["status"] in ("ok", "blocked", "dead")
    # The reports show the registries' verdicts beside the observed status.
    assert "## Papers behind walls" in runs.report_md
    row = next(line for line in runs.report_md.splitlines() if line.startswith(f"| DOI | `{TYPO}`"))
    assert "**resolves nowhere**" in row and f"{record['status']} (" in row
    verified = [line for line in runs.report_md.splitlines() if "verified (Crossref)" in line]
    assert len(verified) == 3
    html = (runs.work / "reports" / "report.html").read_text(encoding="utf-8")
    assert html.count("verified (Crossref)") == 3 and "resolves nowhere" in html


def test_every_wrong_paper_doi_is_found_and_no_other(runs: Runs) -> None:
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    flagged = {f["url"] for f in runs.findings("LW306")}
    wrong = set(seed["wrong_paper_dois"])
    assert wrong
    for doi in wrong:
        assert any(doi in url for url in flagged), doi
    assert all(any(doi in url for doi in wrong) for url in flagged)
    verified = [
        r for r in runs.first["links"]
        if (r.get("enrichment") or {}).get("doi_record")
    ]  # fmt: skip
    assert len(verified) >= 3  # the other ACM DOIs are verified through Crossref


def _dead_http_links(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        r["url"]: r
        for r in report["links"]
        if r["effective"] == "dead" and r["via"] not in ("arxiv-api", "github-api")
    }


def test_dead_links_get_their_archived_copy(runs: Runs) -> None:
    dead = _dead_http_links(runs.first)
    assert len(dead) >= 10
    with_copy = {u for u in dead if runs.fakes.wayback.has_capture(u)}
    suggested: dict[str, str] = {}
    for f in runs.findings("LW201"):
        if f["suggestion"] and f["suggestion"].startswith("https://web.archive.org/web/"):
            suggested[normalize(f["url"])] = f["suggestion"]
    print(f"\ndead links {len(dead)}, with a loadable copy {len(with_copy)}, "
          f"suggested {len(with_copy & set(suggested))}")  # fmt: skip
    assert len(with_copy & set(suggested)) >= 0.9 * len(with_copy)
    # None gets a copy that does not exist (the fake's stale captures included).
    for url, copy in suggested.items():
        assert runs.fakes.wayback.has_capture(url), url
        stamp, original = copy.split("/web/", 1)[1].split("/", 1)
        assert normalize(original) == url and stamp.isdigit()
    assert set(suggested) <= with_copy
    # In every report: REPORT.md and the annotations show the copy.
    some = next(iter(suggested.values()))
    assert some in runs.report_md
    assert some in runs.annotations


def test_the_wayback_machine_is_asked_only_about_dead_links(runs: Runs) -> None:
    dead = _dead_http_links(runs.first)
    asked = {normalize(u) for u in runs.wayback_first}
    assert asked == set(dead)
    assert len(runs.wayback_first) == len(asked)  # once each


def _entries_without_code() -> set[str]:
    """arXiv IDs of entries with an arXiv link and no repository or badge link."""
    without: set[str] = set()
    with_code: set[str] = set()
    for source in load_registry(ROOT / "sources" / "sources.yaml"):
        listing = extract(read_source(source))
        grouped: dict[int, list[str]] = {}
        for link in listing.links:
            if link.entry is not None:
                grouped.setdefault(link.entry, []).append(link.url)
        for links in grouped.values():
            ids = {ref.arxiv_id for u in links if (ref := arxiv_ref(u))}
            code = any(github_repo(u) or badge_repo(u) or "gitlab.com" in u for u in links)
            (with_code if code else without).update(ids)
    return without - with_code


def test_code_is_suggested_for_papers_whose_page_names_a_repository(runs: Runs) -> None:
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    without = _entries_without_code()
    named = {
        i: page["githubRepo"]
        for i, page in seed["huggingface"].items()
        if i in without and page.get("githubRepo")
    }
    assert len(named) >= 20
    suggested = {f["suggestion"] for f in runs.findings("LW408")}
    hits = [i for i, repo in named.items() if repo in suggested]
    print(f"\npapers whose page names a repository {len(named)}, suggested {len(hits)}")
    assert len(hits) >= 0.8 * len(named)
    # The deleted and the empty repository are never suggested.
    for bad in (seed["hf_deleted_repo"], seed["hf_empty_repo"]):
        assert f"https://github.com/{bad}" not in suggested
    # Paper pages were asked only for entries without code, once each.
    assert set(runs.hf_first) <= without
    assert len(runs.hf_first) == len(set(runs.hf_first))


def test_request_counts(runs: Runs) -> None:
    assert runs.first_requests["crossref"] <= 3
    print("\nregistry requests, first run:", runs.first_requests)
    print("registry requests, second run:", runs.second_requests)


def test_a_second_run_asks_neither_the_archive_nor_the_paper_pages_again(runs: Runs) -> None:
    assert runs.second_requests["wayback"] == 0
    assert runs.second_requests["web.archive.org"] == 0
    assert runs.second_requests["huggingface"] == 0
    # ... and still reports what it learned.
    assert len(runs.findings("LW408", "second")) == len(runs.findings("LW408"))
    archived = [
        f for f in runs.findings("LW201", "second") if "web.archive.org" in str(f["suggestion"])
    ]
    first = [f for f in runs.findings("LW201") if "web.archive.org" in str(f["suggestion"])]
    assert len(archived) == len(first)


def test_fix_archive_and_add_code_write_the_suggestions(runs: Runs) -> None:
    work = runs.work
    snapshot = work / "reports" / "latest.json"
    copy = work / "fixed"
    shutil.copytree(work / "sources", copy / "sources", dirs_exist_ok=True)
    os.chdir(copy)
    try:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            assert main(["fix", "--archive", "--add-code", "--snapshot", str(snapshot)]) == 0
        diff = out.getvalue()
        archived = {f["suggestion"] for f in runs.findings("LW201")
                    if str(f["suggestion"]).startswith("https://web.archive.org/")}  # fmt: skip
        assert archived and all(url in diff for url in archived)
        # The ROME row of the table gets its code in the (empty) Code column.
        assert "+|Realistic One-shot Mesh-based Head Avatars|ECCV2022|" in diff
        assert (
            "[paper](https://arxiv.org/pdf/2206.08343.pdf)|[Code](https://github.com/hf-sim/"
            in diff
        )
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            main(["fix", "--archive", "--add-code", "--write", "--snapshot", str(snapshot)])
        again = io.StringIO()
        with contextlib.redirect_stdout(again), contextlib.redirect_stderr(io.StringIO()):
            main(["fix", "--archive", "--add-code", "--snapshot", str(snapshot)])
        assert again.getvalue() == ""  # nothing more to do
        # Without the opt-in flags neither kind is applied.
        plain = io.StringIO()
        shutil.copytree(work / "sources", copy / "sources", dirs_exist_ok=True)
        with contextlib.redirect_stdout(plain), contextlib.redirect_stderr(io.StringIO()):
            main(["fix", "--snapshot", str(snapshot)])
        assert "web.archive.org" not in plain.getvalue()
        assert "hf-sim/" not in plain.getvalue()
    finally:
        os.chdir(runs.work)


def test_an_unreachable_registry_is_a_note_in_the_report(simweb: SimWeb, tmp_path: Path) -> None:
    fakes = mount_registries(simweb)
    fakes.crossref.fail_with = 503
    simweb.refuse("doi.org")
    # A canary the run can reach: with doi.org refused, the run's only HTTP attempt fails
    # to connect, and a run whose every attempt fails asks the canaries (issue 12).
    simweb.set("canary.sim.test", "/", Page(title="canary"))
    listing = tmp_path / "list.md"
    listing.write_text(
        "- [Mesh Guided One-shot Face Reenactment](https://dl.acm.org/doi/pdf/10.1145/3394171.3413865g)\n",
        encoding="utf-8",
    )
    canary = "check:\n  canaries: ['https://canary.sim.test/']\n"
    (tmp_path / "linkwarden.yaml").write_text(CONFIG + canary, encoding="utf-8")
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            main(["check", str(listing), "--quiet", "--fail-on", "none", "--out", "out",
                  *simweb.cli_args()])  # fmt: skip
    finally:
        os.chdir(old)
    report = (tmp_path / "out" / "REPORT.md").read_text(encoding="utf-8")
    assert "Crossref did not answer" in report and "doi.org did not answer" in report
    assert "Crossref did not answer" in err.getvalue()
    latest = json.loads((tmp_path / "out" / "latest.json").read_text(encoding="utf-8"))
    assert not [f for f in latest["findings"] if f["code"] in ("LW305", "LW306")]
