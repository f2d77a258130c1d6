"""Benchmark: PR mode on a change of 10 links, against the simulated web.

The goal (issue #6): a pull request that adds 10 links is answered in under 10 s. The
script builds a git repository with a 300-entry list (600 links over 30 hosts), runs the
full nightly check once to write and commit the snapshot, then adds 10 entries with 10
new links (one of them dead) and times `linkwarden check --changed-since HEAD
--annotations` in a fresh subprocess, as CI would run it: interpreter start-up, imports,
git, extraction of the whole list, the checks and the report all count.

Hosts answer after 50–250 ms, a realistic spread for paper and code hosts.

    .venv/bin/python bench/bench_pr_mode.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from simweb import NotFound, Page, SimWeb  # noqa: E402  (needs the sys.path line above)

GOAL_SECONDS = 10.0
ENTRIES = 300
HOSTS = 30
NEW_LINKS = 10
LATENCY = (0.05, 0.25)


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org",
         "-c", "commit.gpgsign=false", *args],
        cwd=repo, check=True, capture_output=True,
    )  # fmt: skip


def linkwarden(repo: Path, *args: str) -> tuple[int, float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "linkwarden", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env={
            k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GITHUB_STEP_SUMMARY")
        },
        check=False,
    )
    return done.returncode, time.perf_counter() - started, done.stdout + done.stderr


def build_world(sim: SimWeb) -> None:
    for h in range(HOSTS):
        sim.host(f"host{h}.sim.test", latency=LATENCY)
    for n in range(ENTRIES):
        host = f"host{n % HOSTS}.sim.test"
        sim.set(host, f"/paper/{n}", Page(title=f"Paper {n}"))
        sim.set(host, f"/code/{n}", Page(title=f"Code {n}"))
    sim.host("new.sim.test", latency=LATENCY)
    for n in range(NEW_LINKS - 1):
        sim.set("new.sim.test", f"/added/{n}", Page(title=f"Added {n}"))
    sim.set("new.sim.test", f"/added/{NEW_LINKS - 1}", NotFound())
    sim.set("canary.sim.test", "/", Page(title="canary"))


def list_text() -> str:
    rows = ["# Bench list", "", "## Papers", ""]
    for n in range(ENTRIES):
        host = f"host{n % HOSTS}.sim.test"
        rows.append(
            f"- [Paper {n}](https://{host}/paper/{n}) [code](https://{host}/code/{n}) - entry {n}."
        )
    return "\n".join(rows) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed PR-mode runs (default 3)")
    runs = parser.parse_args().runs
    with SimWeb() as sim, tempfile.TemporaryDirectory(prefix="bench-pr-") as tmp:
        build_world(sim)
        repo = Path(tmp)
        (repo / "linkwarden.yaml").write_text(
            "check:\n  timeout: 5\n  retries: 0\n  canaries: ['https://canary.sim.test/']\n",
            encoding="utf-8",
        )
        (repo / "awesome.md").write_text(list_text(), encoding="utf-8")
        git(repo, "init", "-q", "-b", "main")
        git(repo, "add", ".")
        git(repo, "commit", "-q", "-m", "list")
        net = sim.cli_args()
        code, nightly, output = linkwarden(repo, "check", "awesome.md", "--quiet", *net)
        if code not in (0, 1):
            print(output)
            return 2
        git(repo, "add", "reports")
        git(repo, "commit", "-q", "-m", "snapshot")
        added = "".join(
            f"- [Added {n}](https://new.sim.test/added/{n}) - new in this PR.\n"
            for n in range(NEW_LINKS)
        )
        with (repo / "awesome.md").open("a", encoding="utf-8") as handle:
            handle.write(added)
        timings: list[float] = []
        for _ in range(runs):
            sim.clear_log()
            code, seconds, output = linkwarden(
                repo, "check", "awesome.md", "--quiet", "--changed-since", "HEAD",
                "--annotations", *net,
            )  # fmt: skip
            fetched = {r.path for r in sim.requests() if r.host != "canary.sim.test"}
            errors = output.count("::error ")
            if code != 1 or errors != 1 or len(fetched) != NEW_LINKS:
                print(output)
                print(f"unexpected: exit {code}, {errors} annotation(s), {len(fetched)} URL(s)")
                return 2
            timings.append(seconds)
        best, worst = min(timings), max(timings)
        print(
            f"list: {ENTRIES} entries, {2 * ENTRIES} links on {HOSTS} hosts; "
            f"full nightly run {nightly:.2f} s"
        )
        print(
            f"PR mode, {NEW_LINKS} changed links (1 dead), {runs} run(s): "
            f"best {best:.2f} s, worst {worst:.2f} s (goal < {GOAL_SECONDS:.0f} s)"
        )
        print(f"only the {NEW_LINKS} changed URLs were fetched; exit 1 with 1 annotation")
        return 0 if worst < GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
