"""The real CLI over the five real lists: `check` with the APIs, then `catalog`.

The simulated web serves every URL of the lists (`world_from_sources`) plus the seeded fake
arXiv and GitHub APIs; the CLI reaches them through `--connect-to` and `--cacert`, exactly
as a user maps hosts. One module-scoped run feeds several assertions.
"""

from __future__ import annotations

import csv
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
from simweb import SimWeb, world_from_sources
from simweb.fake_arxiv import FakeArxiv
from simweb.fake_github import FakeGithub

ROOT = Path(__file__).resolve().parent.parent
CONFIG = "arxiv:\n  interval: 0.05\n"


@dataclass
class Run:
    work: Path
    sim: SimWeb
    arxiv: FakeArxiv
    github: FakeGithub
    code: int
    stderr: str
    report: dict[str, Any]

    def findings(self, code: str) -> list[dict[str, Any]]:
        return [f for f in self.report["findings"] if f["code"] == code]


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    work = tmp_path_factory.mktemp("enrich-e2e")
    shutil.copytree(ROOT / "sources", work / "sources")
    (work / "linkwarden.yaml").write_text(CONFIG, encoding="utf-8")
    old = Path.cwd()
    os.chdir(work)
    try:
        with SimWeb(world_from_sources(latency=(0.0, 0.01))) as sim:
            arxiv, github = FakeArxiv.seeded(), FakeGithub.seeded()
            sim.mount("export.arxiv.org", arxiv)
            sim.mount("api.github.com", github)
            capture = io.StringIO()
            import contextlib

            with contextlib.redirect_stderr(capture):
                code = main(
                    [
                        "check",
                        "--quiet",
                        "--github-token",
                        TOKEN,
                        "--fail-on",
                        "none",
                        *sim.cli_args(),
                    ]
                )
            report = json.loads((work / "reports" / "latest.json").read_text(encoding="utf-8"))
            yield Run(work, sim, arxiv, github, code, capture.getvalue(), report)
    finally:
        os.chdir(old)


def test_check_stays_within_the_api_request_budget(checked: Run) -> None:
    assert checked.code == 0
    assert 1 <= len(checked.arxiv.requests) <= 5
    assert 1 <= checked.github.api_requests <= 10
    assert checked.github.count("rest") == 0  # a token means GraphQL only


def test_arxiv_links_are_not_fetched_from_arxiv_org(checked: Run) -> None:
    fetched = checked.sim.requests("arxiv.org")
    assert fetched == []
    records = [r for r in checked.report["links"] if "arxiv.org/" in r["url"]]
    assert records and all(r["via"] == "arxiv-api" for r in records)


def test_memory_augmented_entry_links_styletalk(checked: Run) -> None:
    hits = [
        f
        for f in checked.findings("LW302")
        if f["path"].endswith("face-reenactment-notes.md") and "2301.01081" in f["message"]
    ]
    assert len(hits) == 1
    assert "StyleTalk" in hits[0]["message"]
    assert "Memory-augmented Contrastive Learning" in hits[0]["message"]


def test_codetalker_link_points_to_dpe(checked: Run) -> None:
    hits = [f for f in checked.findings("LW302") if "CodeTalker" in f["message"]]
    assert len(hits) == 1
    assert hits[0]["path"].endswith("awesome-avatar.md") and "2301.06281" in hits[0]["message"]
    assert "DPE: Disentanglement of Pose and Expression" in hits[0]["message"]
    # The DPE links themselves (same ID, right title) are not accused.
    assert not [f for f in checked.findings("LW302") if 'list calls it "DPE' in f["message"]]


def test_sadtalker_badge_and_code_link_are_one_repository_after_the_rename(checked: Run) -> None:
    line = next(
        n
        for n, text in enumerate(
            (ROOT / "sources" / "awesome-avatar.md").read_text().splitlines(), 1
        )
        if "github.com/Winfredy/SadTalker" in text
    )
    at_line = [
        f
        for f in checked.report["findings"]
        if f["path"].endswith("awesome-avatar.md") and f["line"] == line
    ]
    codes = {f["code"] for f in at_line}
    assert "LW405" in codes  # renamed
    assert not codes & {"LW406", "LW114"}  # no badge mismatch once the rename is known
    renamed = next(f for f in at_line if f["code"] == "LW405")
    assert renamed["suggestion"] == "https://github.com/OpenTalker/SadTalker"
    record = next(
        r for r in checked.report["links"] if r["url"] == "https://github.com/Winfredy/SadTalker"
    )
    assert record["status"] == "redirected"


def test_catalog_from_the_snapshot_merges_papers_across_lists(checked: Run, capsys: Any) -> None:
    os.chdir(checked.work)
    try:
        assert main(["catalog"]) == 0
    finally:
        os.chdir(ROOT)
    papers = json.loads(capsys.readouterr().out)["papers"]
    sadtalker = [p for p in papers if p["arxiv_id"] == "2211.12194"]
    assert len(sadtalker) == 1  # one record, listed in four lists
    lists = {o["list"] for o in sadtalker[0]["occurrences"]}
    assert len(lists) >= 3
    assert sadtalker[0]["arxiv"]["latest_version"] == 2
    repos = {r["repo"]: r for r in sadtalker[0]["repos"]}
    assert repos["Winfredy/SadTalker"]["full_name"] == "OpenTalker/SadTalker"
    assert any(link["status"] == "redirected" for link in sadtalker[0]["links"])
    # The mislabelled entry is not merged into StyleTalk's record.
    memory = [p for p in papers if p["title"].startswith("Memory-augmented")]
    assert len(memory) == 1 and memory[0]["arxiv_id"] is None


def test_catalog_csv_fresh_through_the_apis(checked: Run, capsys: Any) -> None:
    os.chdir(checked.work)
    try:
        code = main(
            [
                "catalog",
                "--format",
                "csv",
                "--fresh",
                "--github-token",
                TOKEN,
                *checked.sim.cli_args(),
            ]
        )
    finally:
        os.chdir(ROOT)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    styletalk = [r for r in rows if r["arxiv_id"] == "2301.01081"]
    assert len(styletalk) == 1
    assert styletalk[0]["arxiv_title"].startswith("StyleTalk")
    assert "FuxiVirtualHuman/styletalk" in styletalk[0]["repos"]
    assert "ok=" in styletalk[0]["link_statuses"]


def test_without_a_token_the_cli_says_metadata_is_degraded(checked: Run, capsys: Any) -> None:
    before = checked.github.api_requests
    os.chdir(checked.work)
    try:
        code = main(["catalog", "--fresh", *checked.sim.cli_args()])
    finally:
        os.chdir(ROOT)
    assert code == 0
    err = capsys.readouterr().err
    assert "GitHub metadata unknown for" in err and "set GITHUB_TOKEN" in err
    spent = checked.github.api_requests - before
    assert 0 < spent <= checked.github.anonymous_limit
