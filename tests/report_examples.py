"""Example reports made from the simulated web (not real runs), for docs/examples/.

`generate_examples(out_dir)` runs the real `linkwarden check` CLI twice over the five real
lists (`sources/`) against the simulated web: every URL answers 200 at first
(`world_from_sources`), with the seeded fake arXiv and GitHub APIs mounted. Between the two
runs the world changes — a few links die, one hangs, a repository is archived and loses
stars — so the second run has a diff, a history of two rows and findings of every kind.
The reports of the second run are copied to `out_dir` with a README saying what they are.

Run through the browser test, which then screenshots the HTML:

    LINKWARDEN_REGEN_EXAMPLES=1 .venv/bin/python -m pytest tests/test_report_browser.py
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import yaml

from linkwarden.cli import main
from simweb import Hang, NotFound, SimWeb, world_from_sources
from simweb.fake_arxiv import FakeArxiv
from simweb.fake_github import FakeGithub

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("REPORT.md", "report.html", "report.sarif", "DIFF.md")
TOKEN = "ghp_test_token"  # the fake GitHub API's test token, not a real one

README = """# Example reports (simulated web)

These files were made by `linkwarden check` over the five lists in `sources/`, run twice
against the **simulated web** of the test suite (`tests/simweb/`), not against the real
internet: every URL answered from a local test server, and the arXiv and GitHub answers
came from seeded fakes. Between the two runs the simulated world was changed on purpose
(a few links made dead, one made to hang, a repository archived and its stars moved), so
the reports show a diff, a trend and findings of every kind.

Real reports are written by the nightly workflow into `reports/`.

- `REPORT.md`, `report.html`, `report.sarif`, `DIFF.md`: the second run's reports.
- `report.png`: a screenshot of `report.html` in headless Chromium.

Regenerate with `LINKWARDEN_REGEN_EXAMPLES=1 .venv/bin/python -m pytest
tests/test_report_browser.py`.
"""


def _config(work: Path) -> Path:
    config = {
        "check": {"timeout": 2.0, "retries": 1, "retry_wait": 0.05, "deadline": 10.0,
                  "canaries": ["https://github.com/"]},
        "arxiv": {"interval": 0.0},
    }  # fmt: skip
    path = work / "linkwarden.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def _change_world(sim: SimWeb, github: FakeGithub) -> None:
    """Between the runs: links die or hang, a repository is archived and stars move."""
    urls = sorted(u for u in _source_urls() if "github.com" not in u and "arxiv.org" not in u)
    for url in urls[3:9]:
        sim.set_url(url, NotFound())
    sim.set_url(urls[12], Hang(seconds=30))
    repos = sorted(github.repos.values(), key=lambda r: -r.stars)
    if repos:
        repos[0].archived = True
        repos[0].stars += 120
    for repo in repos[1:6]:
        repo.stars += 37


def _source_urls() -> list[str]:
    from simweb.sources import source_urls

    return list(source_urls(None))


def generate_examples(out_dir: Path) -> Path:
    """Write the example reports into `out_dir`; return the path of report.html."""
    with tempfile.TemporaryDirectory(prefix="lw-examples-") as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "sources", work / "sources")
        config = _config(work)
        github = FakeGithub.seeded()
        old_cwd = Path.cwd()
        old_token = os.environ.get("GITHUB_TOKEN")
        os.environ["GITHUB_TOKEN"] = TOKEN
        try:
            os.chdir(work)
            with SimWeb(world_from_sources(latency=(0.0, 0.02))) as sim:
                sim.mount("export.arxiv.org", FakeArxiv.seeded())
                sim.mount("api.github.com", github)
                args = ["check", "--config", str(config), "--quiet", "--out", "reports"]
                main([*args, *sim.cli_args()])
                _change_world(sim, github)
                main([*args, *sim.cli_args()])
        finally:
            os.chdir(old_cwd)
            if old_token is None:
                os.environ.pop("GITHUB_TOKEN", None)
            else:
                os.environ["GITHUB_TOKEN"] = old_token
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in COPIED:
            source = work / "reports" / name
            if source.exists():
                shutil.copyfile(source, out_dir / name)
        (out_dir / "README.md").write_text(README, encoding="utf-8")
    return out_dir / "report.html"
