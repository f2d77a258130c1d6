"""Example reports made from the simulated web (not real runs), for docs/examples/.

`generate_examples(out_dir)` runs the real `linkwarden check` CLI twice over the five real
lists (`sources/`) against the simulated web: every URL answers 200 at first
(`world_from_sources`), with the seeded fake arXiv and GitHub APIs and the registry fakes
(Crossref, doi.org, OpenReview, the Wayback Machine, Hugging Face paper pages) mounted.
Between the two runs the world changes — a few links die, one hangs, a repository is
archived and loses stars — so the second run has a diff, a history of two rows and
findings of every kind.
The reports of the second run are copied to `out_dir` with a README saying what they are.

Regenerate docs/examples/ (and the README's screenshot, with headless Chromium) with

    .venv/bin/python scripts/regen_examples.py

`tests/test_examples_fresh.py` makes the examples again and fails when the committed ones
differ (time stamps and durations aside: `normalised`), so a change to the checker, the
rules or the renderers cannot leave them stale.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import yaml

from linkwarden.cli import main
from registry_helpers import add_hf_repos, mount_registries
from simweb import Hang, NotFound, SimWeb, world_from_sources
from simweb.fake_arxiv import FakeArxiv
from simweb.fake_github import FakeGithub

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
COPIED = ("REPORT.md", "report.html", "report.sarif", "DIFF.md")
COMPARED = (*COPIED, "README.md")  # report.png is a picture: made, not compared
# What differs between two generations of the same examples: when they ran, how long.
VOLATILE = (
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"), "<time>"),
    (re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC"), "<time> UTC"),
    (re.compile(r"run took [\d.]+ s"), "run took <seconds> s"),
    # the trend charts' axis labels: `03-01`, `03-01 02:00` or `02:00:00`, by the runs' spacing
    (re.compile(r">(?:\d{2}-\d{2}(?: \d{2}:\d{2})?|\d{2}:\d{2}:\d{2})<"), "><clock><"),
)
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

Regenerate with `.venv/bin/python scripts/regen_examples.py`; the test suite fails when
these files are stale (`tests/test_examples_fresh.py`).
"""


def _config(work: Path) -> Path:
    config = {
        "check": {"timeout": 2.0, "retries": 1, "retry_wait": 0.05, "deadline": 10.0,
                  "canaries": ["https://github.com/"]},
        "arxiv": {"interval": 0.0},
        **{name: {"interval": 0.0} for name in ("crossref", "openreview", "wayback",
                                                 "huggingface")},
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
                # The registries past the walls (docs/enrichment.md), seeded like the tests'.
                add_hf_repos(github)
                mount_registries(sim, archived=_source_urls())
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


def normalised(text: str) -> str:
    """`text` with the parts that change from one generation to the next replaced."""
    for pattern, placeholder in VOLATILE:
        text = pattern.sub(placeholder, text)
    return text


# --------------------------------------------------------------------- headless Chromium

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)


def find_chromium() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def run_chromium(binary: str, profile: Path, *args: str) -> str:
    proc = subprocess.run(
        [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert proc.returncode == 0, f"chromium failed ({proc.returncode}): {proc.stderr[-2000:]}"
    return proc.stdout


def screenshot(binary: str, page: Path, target: Path) -> None:
    """A 1280-pixel-wide picture of `page` (the README's, for the example report)."""
    with tempfile.TemporaryDirectory(prefix="lw-chromium-") as profile:
        run_chromium(
            binary,
            Path(profile),
            f"--screenshot={target}",
            "--window-size=1280,2000",
            page.as_uri(),
        )
