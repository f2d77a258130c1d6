"""Offline at any size: the real CLI with no network exits 3 and writes nothing.

A repository holds a list, a config and last night's report (made online, against the
simulated web). Then the network goes: every connection is sent to a closed port
(`--connect-to ::127.0.0.1:CLOSED`, canaries included), and for 1, 2, 10 and 500 URLs,
in a full run and in PR mode (`--changed-since`), `linkwarden check` must say the network
is down (exit 3), leave every file of `reports/` byte-identical, and print no
"N checked (N dead)" tally first. The smallest lists include an arXiv link: offline, the
arXiv API fails, the link is left to the HTTP checker, and that single failure must still
be checked against the canaries (issue 12: it was reported dead).

The last test runs the CLI in a network namespace of its own (`unshare -rn`): no interface
up, not even loopback, so every name lookup and every connection fails at once.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from linkwarden.cli import main
from simweb import Page, SimWeb

CANARY = "canary.sim.test"
HOSTS = 50
SIZES = (1, 2, 10, 500)
CONFIG = {
    "check": {
        "timeout": 1.0,
        "retries": 1,
        "retry_wait": 0.05,
        "deadline": 10.0,
        "canaries": [f"https://{CANARY}/"],
    },
    "arxiv": {"interval": 0.05},
}


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false",
         *args],
        cwd=repo, capture_output=True, text=True, check=True,
    )  # fmt: skip


def urls(count: int, tag: str) -> list[str]:
    """`count` URLs over up to HOSTS hosts; the first is an arXiv paper."""
    found = ["https://arxiv.org/abs/2301.06281"]
    found += [f"https://h{i % HOSTS}.sim.test/{tag}{i}" for i in range(1, count)]
    return found[:count]


def items(links: list[str]) -> str:
    return "".join(f"- [Link {n}]({u}) - words.\n" for n, u in enumerate(links))


def listing(links: list[str]) -> str:
    return "# A list\n\n" + items(links)


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def nightly(tmp_path_factory: pytest.TempPathFactory, simweb_server: SimWeb) -> Path:
    """A repository: the 500-URL list, the config, and the report of an online run."""
    sim = simweb_server
    if not sim.running:
        sim.start()
    sim.reset()
    sim.set(CANARY, "/", Page(title="canary"))
    for url in urls(500, "p"):
        host, _, path = url.removeprefix("https://").partition("/")
        sim.set(host, f"/{path}", Page(title=path))
    repo = tmp_path_factory.mktemp("offline-repo")
    git(repo, "init", "-q", "-b", "main")
    (repo / "linkwarden.yaml").write_text(yaml.safe_dump(CONFIG), encoding="utf-8")
    (repo / "awesome.md").write_text(listing(urls(500, "p")), encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "the list")
    old = Path.cwd()
    os.chdir(repo)
    try:
        code = main(["check", "awesome.md", "--quiet", "--no-enrich", *sim.cli_args(wildcard=True)])
    finally:
        os.chdir(old)
    assert code in (0, 1) and (repo / "reports" / "latest.json").is_file()
    git(repo, "add", "reports")
    git(repo, "commit", "-q", "-m", "reports: nightly")
    sim.reset()
    return repo


def offline_flags(sim: SimWeb) -> list[str]:
    return ["--connect-to", f"::127.0.0.1:{sim.closed_port}"]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("mode", ["full", "pr"])
def test_offline_exits_3_and_leaves_the_report_alone(
    nightly: Path,
    simweb_server: SimWeb,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    mode: str,
    size: int,
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(nightly, repo)
    monkeypatch.chdir(repo)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    before = digest(repo / "reports")
    if mode == "full":
        (repo / "small.md").write_text(listing(urls(size, "p")), encoding="utf-8")
        args = ["check", "small.md"]
    else:  # `size` new links on changed lines
        text = (repo / "awesome.md").read_text(encoding="utf-8")
        (repo / "awesome.md").write_text(text + items(urls(size, "new")), encoding="utf-8")
        args = ["check", "awesome.md", "--changed-since", "HEAD"]
    capsys.readouterr()
    code = main([*args, *offline_flags(simweb_server)])
    err = capsys.readouterr().err
    assert code == 3, err
    assert "network unavailable" in err and "nothing was written" in err
    assert "checked" not in err and "Traceback" not in err  # no tally before giving up
    assert digest(repo / "reports") == before


def test_no_interface_at_all_exits_3_without_a_traceback(nightly: Path, tmp_path: Path) -> None:
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a network namespace here: {probe.stderr.decode().strip()}")
    repo = tmp_path / "repo"
    shutil.copytree(nightly, repo)
    before = digest(repo / "reports")
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_TOKEN"}
    # The default canaries (real hosts): in an empty namespace nothing resolves at all.
    (repo / "linkwarden.yaml").write_text(
        yaml.safe_dump({"check": {"timeout": 2.0, "retries": 1}}), encoding="utf-8"
    )
    (repo / "two.md").write_text(listing(urls(2, "p")), encoding="utf-8")
    for args in (["check", "two.md"], ["check", "awesome.md"]):
        run = subprocess.run(
            ["unshare", "-rn", sys.executable, "-m", "linkwarden", *args, "--quiet"],
            cwd=repo, env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert run.returncode == 3, run.stderr
        assert "network unavailable" in run.stderr and "Traceback" not in run.stderr
    assert digest(repo / "reports") == before
