"""Two nights against the simulated web: the real `linkwarden check` CLI, world changed between.

Links die and recover, one fails once and recovers (never dead), one fails twice (dead on
the second night), a page starts redirecting, an entry is added and one removed, stars
move, a repository is archived, one is renamed, and a paper gets a new arXiv version (the
fake arXiv and GitHub APIs mounted on the simulated web). The diff must list exactly those.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from linkwarden.cli import main
from simweb import NotFound, Page, Redirect, SimWeb, Status
from simweb.fake_arxiv import FakeArxiv, Paper
from simweb.fake_github import FakeGithub, Repo

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "docs/schema/latest.schema.json").read_text(encoding="utf-8"))
WEB = "papers.sim.test"
CANARY = "canary.sim.test"

STAYS = f"https://{WEB}/stays"
DIES = f"https://{WEB}/dies"
BACK = f"https://{WEB}/back"
FLAKY_ONCE = f"https://{WEB}/flaky-once"
FLAKY_TWICE = f"https://{WEB}/flaky-twice"
MOVES = f"https://{WEB}/moves"
DROPPED = f"https://{WEB}/dropped"
ADDED = f"https://{WEB}/added"
PAPER = "https://arxiv.org/abs/2301.00001"
ONE = "https://github.com/alice/one"
TWO = "https://github.com/bob/two"
THREE = "https://github.com/carol/three"

FIRST_NIGHT = f"""# A list

## 2023

- [First Paper]({PAPER}) [Code]({ONE}) [Project]({STAYS})
- [Second Paper]({DIES}) [Code]({TWO})
- [Third Paper]({BACK}) [Code]({THREE})
- [Fourth Paper]({FLAKY_ONCE})
- [Fifth Paper]({FLAKY_TWICE})
- [Sixth Paper]({MOVES})
- [Dropped Paper]({DROPPED})
"""
SECOND_NIGHT = FIRST_NIGHT.replace(
    f"- [Dropped Paper]({DROPPED})\n", f"- [Brand New Paper]({ADDED})\n"
)


def _config(workdir: Path) -> None:
    config = {
        "check": {"timeout": 1.0, "retries": 1, "retry_wait": 0.01, "deadline": 10.0,
                  "canaries": [f"https://{CANARY}/"]},
        "arxiv": {"interval": 0.0},
    }  # fmt: skip
    (workdir / "linkwarden.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")


def _night(sim: SimWeb, workdir: Path, text: str, capsys: Any) -> tuple[int, str]:
    (workdir / "list.md").write_text(text, encoding="utf-8")
    capsys.readouterr()
    code = main(["check", "list.md", "--quiet", "--fail-on", "new", *sim.cli_args()])
    return code, capsys.readouterr().err


def test_two_nights_diff_lists_exactly_the_changes(
    simweb: SimWeb, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_test_token")
    _config(tmp_path)
    arxiv = FakeArxiv({"2301.00001": Paper("2301.00001", "First Paper", versions=1)})
    github = FakeGithub()
    for repo in (Repo("alice/one", 1, stars=100), Repo("bob/two", 2, stars=50),
                 Repo("carol/three", 3, stars=10)):  # fmt: skip
        github.add(repo)
    simweb.mount("export.arxiv.org", arxiv)
    simweb.mount("api.github.com", github)
    simweb.host(CANARY)
    try:
        for url in (STAYS, DIES, MOVES, DROPPED):
            simweb.set_url(url, Page(title="fine"))
        simweb.set_url(BACK, NotFound())
        simweb.set_url(FLAKY_ONCE, Status(503))
        simweb.set_url(FLAKY_TWICE, Status(503))

        code1, err1 = _night(simweb, tmp_path, FIRST_NIGHT, capsys)
        first = json.loads((tmp_path / "reports/latest.json").read_text(encoding="utf-8"))
        jsonschema.validate(first, SCHEMA, cls=jsonschema.Draft202012Validator)
        links1 = {r["url"]: r for r in first["links"]}
        assert links1[BACK]["effective"] == "dead"  # a 404 counts at once
        assert links1[FLAKY_ONCE]["effective"] == "suspect"  # a 503 waits
        assert links1[FLAKY_TWICE]["effective"] == "suspect"
        assert not (tmp_path / "reports/DIFF.md").exists()  # nothing to compare yet
        assert code1 == 1, err1  # first night: the dead BACK link is new

        # The world changes overnight.
        simweb.set_url(DIES, NotFound())
        simweb.set_url(BACK, Page(title="back again"))
        simweb.set_url(FLAKY_ONCE, Page(title="fine again"))
        simweb.set_url(MOVES, Redirect(f"https://{WEB}/moved", status=301))
        simweb.set_url(f"https://{WEB}/moved", Page(title="moved"))
        simweb.set_url(ADDED, Page(title="new"))
        arxiv.add(Paper("2301.00001", "First Paper", versions=2))
        github.repos["alice/one"].stars = 130
        github.repos["bob/two"].stars = 45
        github.repos["bob/two"].archived = True
        del github.repos["carol/three"]
        github.add(Repo("carol-lab/three", 3, stars=10))
        github.rename("carol/three", "carol-lab/three")

        code2, err2 = _night(simweb, tmp_path, SECOND_NIGHT, capsys)
    finally:
        simweb.unmount("export.arxiv.org")
        simweb.unmount("api.github.com")

    second = json.loads((tmp_path / "reports/latest.json").read_text(encoding="utf-8"))
    jsonschema.validate(second, SCHEMA, cls=jsonschema.Draft202012Validator)
    links2 = {r["url"]: r for r in second["links"]}
    assert links2[FLAKY_TWICE]["effective"] == "dead"  # failed twice: dead now
    assert links2[FLAKY_TWICE]["consecutive_failures"] == 2
    assert links2[FLAKY_ONCE]["effective"] == "ok"  # failed once, recovered: never dead
    never_dead = (links1[FLAKY_ONCE]["effective"], links2[FLAKY_ONCE]["effective"])
    assert "dead" not in never_dead
    assert code2 == 1, err2  # DIES and FLAKY_TWICE are new errors

    diff = json.loads((tmp_path / "reports/diff.json").read_text(encoding="utf-8"))
    urls = lambda key: sorted(c["url"] for c in diff[key])  # noqa: E731
    assert urls("newly_dead") == sorted([DIES, FLAKY_TWICE])
    assert urls("newly_suspect") == []
    assert urls("recovered") == sorted([BACK, FLAKY_ONCE])
    assert [(c["url"], c["after"]) for c in diff["redirects"] if c["url"] == MOVES] == [
        (MOVES, f"https://{WEB}/moved")
    ]
    assert [(r["before"], r["after"]) for r in diff["renames"]] == [
        ("carol/three", "carol-lab/three")
    ]
    assert [e["title"] for e in diff["entries_added"]] == ["Brand New Paper"]
    assert [e["title"] for e in diff["entries_removed"]] == ["Dropped Paper"]
    assert urls("links_added") == [ADDED]
    assert urls("links_removed") == [DROPPED]
    assert [(m["repo"], m["delta"]) for m in diff["star_movers"]] == [
        ("alice/one", 30),
        ("bob/two", -5),
    ]
    assert diff["star_totals"]["delta"] == 25
    assert [(v["arxiv_id"], v["before"], v["after"]) for v in diff["arxiv_versions"]] == [
        ("2301.00001", 1, 2)
    ]
    assert [a["repo"] for a in diff["newly_archived"]] == ["bob/two"]
    added = {(f["code"], f["url"]) for f in diff["findings_added"] if f["severity"] == "error"}
    assert {u for _, u in added} >= {DIES, FLAKY_TWICE}
    resolved_urls = {f["url"] for f in diff["findings_resolved"]}
    assert {BACK, FLAKY_ONCE} <= resolved_urls

    text = (tmp_path / "reports/DIFF.md").read_text(encoding="utf-8")
    assert "## Newly dead" in text and "## Recovered" in text and "## Star movers" in text

    rows = list(csv.DictReader(io.StringIO((tmp_path / "reports/history.csv").read_text("utf-8"))))
    assert len(rows) == 2 and rows[-1]["time"] == second["generated_at"]
    assert int(rows[-1]["effective_dead"]) == second["totals"]["by_effective"]["dead"]


def test_max_age_reuses_healthy_results_and_rechecks_failures(
    simweb: SimWeb, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _config(tmp_path)
    simweb.host(CANARY)
    simweb.set_url(STAYS, Page(title="fine"))
    simweb.set_url(DIES, NotFound())
    text = f"# L\n\n- [A]({STAYS})\n- [B]({DIES})\n"
    (tmp_path / "list.md").write_text(text, encoding="utf-8")
    base = ["check", "list.md", "--quiet", "--no-enrich", "--fail-on", "none", *simweb.cli_args()]
    assert main(base) == 0
    simweb.clear_log()
    assert main([*base, "--max-age", "1h"]) == 0
    assert simweb.requests(WEB, path="/stays") == []  # healthy and young: reused
    assert simweb.requests(WEB, path="/dies")  # a failure is always checked again
    snapshot = json.loads((tmp_path / "reports/latest.json").read_text(encoding="utf-8"))
    links = {r["url"]: r for r in snapshot["links"]}
    assert links[STAYS]["status"] == "ok"
    assert links[DIES]["consecutive_failures"] == 2
    simweb.clear_log()
    assert main([*base, "--max-age", "0s"]) == 0  # zero: nothing reused
    assert simweb.requests(WEB, path="/stays")
    capsys.readouterr()
