"""The action end to end, in a maintainer's repository, on fresh runners, night after night.

Each "runner" is what GitHub gives a job: a fresh clone of the user's repository (a bare
remote stands in for GitHub), an empty `RUNNER_TEMP`, and the `GITHUB_*` variables, with
`GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` as files. The test reads action.yml and runs its
main step exactly: the step's `run` (action/run.sh) in bash, with the step's `env` mapping
expanded from the inputs. The `actions/cache/restore` and `save` steps around it are played
by a directory per cache key, restored by prefix as `restore-keys` does. The simulated web
is the internet: the links, the GitHub API (api.github.com) and the issues and comments API
(`GITHUB_API_URL`, as on GitHub Enterprise).

Night 1: a dead link (an error: the tracking issue is created), a link failing for the
first time (quarantine). Night 2, on a fresh clone: that link fails again (dead now), a
healthy one fails for the first time (suspect), a repository was renamed. Night 2 must find
night 1's state, for `state: cache` and for `state: branch`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from gitkit import git
from simweb import NotFound, Page, SimWeb, Status
from simweb.fake_github import FakeGithub, Repo
from simweb.fake_github_issues import FakeGitHubIssues

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS = ACTION["runs"]["steps"]
MAIN = next(s for s in STEPS if s.get("id") == "run")
RESTORE = next(s for s in STEPS if str(s.get("uses", "")).startswith("actions/cache/restore@"))
SAVE = next(s for s in STEPS if str(s.get("uses", "")).startswith("actions/cache/save@"))
SHIELDS = json.loads((ROOT / "docs/schema/shields-endpoint.schema.json").read_text("utf-8"))

OWNER_REPO = "maintainer/awesome-talking-heads"
TOKEN = "ghp_test_token"  # what the fake GitHub API and the fake issues API accept
FORK_TOKEN = "ghs_fork_read_only"
WEB = "papers.sim.test"
CANARY = "canary.sim.test"
STAYS = f"https://{WEB}/stays"
GONE = f"https://{WEB}/gone"  # 404 both nights: an error from night 1
TWICE = f"https://{WEB}/twice"  # 503 both nights: suspect, then dead
ONCE = f"https://{WEB}/once"  # fine, then 503: suspect on night 2
NEW_DEAD = f"https://{WEB}/new-dead"  # added by a pull request
RENAMED = "https://github.com/carol/three"

LIST = f"""# Awesome talking heads

## 2023

- [Stays Paper]({STAYS}) [Code]({RENAMED})
- [Gone Paper]({GONE})
- [Twice Paper]({TWICE})
- [Once Paper]({ONCE})
"""


# ----------------------------------------------------------------- the runner, simulated


@dataclass
class FakeActionsCache:
    """actions/cache for one repository: immutable entries by key, newest first by prefix."""

    root: Path
    keys: list[str] = field(default_factory=list)  # in the order they were saved

    def restore(self, key: str, restore_keys: str, path: Path) -> str | None:
        prefixes = [key] + [line.strip() for line in restore_keys.splitlines() if line.strip()]
        for prefix in prefixes:
            hits = [k for k in self.keys if k.startswith(prefix)]
            if hits:
                shutil.copytree(self.root / hits[-1], path, dirs_exist_ok=True)
                return hits[-1]
        return None

    def save(self, key: str, path: Path) -> None:
        assert key not in self.keys, "cache entries are immutable: a key is saved once"
        shutil.copytree(path, self.root / key)
        self.keys.append(key)


@dataclass
class Job:
    """The outcome of one run of the action's main step."""

    returncode: int
    outputs: dict[str, str]
    summary: str
    stdout: str
    stderr: str
    workdir: Path
    restored_key: str | None = None


def _expand(text: str, context: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in context, f"the test does not know {name} (used by action.yml)"
        return context[name]

    return re.sub(r"\$\{\{\s*([\w.-]+)\s*\}\}", value, text)


@dataclass
class World:
    sim: SimWeb
    github: FakeGithub
    issues: FakeGitHubIssues
    remote: Path
    tmp: Path
    cache: FakeActionsCache
    runs: int = 0

    def run_action(
        self, inputs: dict[str, str], *, workdir: Path | None = None, token: str = TOKEN,
        event: dict[str, Any] | None = None,
    ) -> Job:  # fmt: skip
        """One job: a fresh clone (unless `workdir`), the cache restore, run.sh, the save."""
        self.runs += 1
        run_id = str(1000 + self.runs)
        if workdir is None:
            workdir = self.tmp / f"runner-{self.runs}" / "work"
            workdir.parent.mkdir(parents=True)
            git(workdir.parent, "clone", "-q", str(self.remote), str(workdir))
        temp = workdir.parent / f"temp-{self.runs}"
        temp.mkdir()
        given = {"token": token, "args": " ".join(self.sim.cli_args()), **inputs}
        context = {
            f"inputs.{name}": spec.get("default", "") for name, spec in ACTION["inputs"].items()
        }
        context.update({f"inputs.{name}": value for name, value in given.items()})
        context.update({
            "runner.temp": str(temp), "github.run_id": run_id, "github.run_attempt": "1",
            "steps.install.outputs.bin": str(Path(sys.executable).parent),
        })  # fmt: skip

        restored = None
        assert RESTORE["if"] == "${{ inputs.state == 'cache' }}"
        if context["inputs.state"] == "cache":
            w = RESTORE["with"]
            restored = self.cache.restore(
                _expand(w["key"], context), _expand(w["restore-keys"], context),
                Path(_expand(w["path"], context)),
            )  # fmt: skip

        output, summary = temp / "github_output", temp / "step_summary"
        event_file = temp / "event.json"
        event_file.write_text(json.dumps(event or {"schedule": "23 3 * * *"}), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "LW_"))}
        env.update({
            "GITHUB_ACTIONS": "true", "CI": "true", "RUNNER_TEMP": str(temp),
            "GITHUB_ACTION_PATH": str(ROOT), "GITHUB_WORKSPACE": str(workdir),
            "GITHUB_REPOSITORY": OWNER_REPO, "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_API_URL": f"https://127.0.0.1:{self.sim.tls_port}",
            "GITHUB_RUN_ID": run_id, "GITHUB_RUN_ATTEMPT": "1",
            "GITHUB_SHA": git(workdir, "rev-parse", "HEAD").strip(),
            "GITHUB_EVENT_NAME": "pull_request" if event else "schedule",
            "GITHUB_EVENT_PATH": str(event_file),
            "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary),
            "SSL_CERT_FILE": self.sim.ca_pem_path,  # the runner's CA: PyGithub trusts it too
        })  # fmt: skip
        env.update({name: _expand(str(value), context) for name, value in MAIN["env"].items()})
        done = subprocess.run(
            ["bash", "-c", MAIN["run"]], cwd=workdir, env=env, capture_output=True, text=True,
            timeout=180, check=False,
        )  # fmt: skip
        outputs = dict(
            line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines()
        ) if output.exists() else {}  # fmt: skip

        assert SAVE["if"] == "${{ !cancelled() && steps.run.outputs.state-saved == 'true' }}"
        if outputs.get("state-saved") == "true":
            w = SAVE["with"]
            self.cache.save(_expand(w["key"], context), Path(_expand(w["path"], context)))
        text = summary.read_text(encoding="utf-8") if summary.exists() else ""
        return Job(done.returncode, outputs, text, done.stdout, done.stderr, workdir, restored)


@pytest.fixture
def world(simweb: SimWeb, tmp_path: Path) -> Any:
    github = FakeGithub()
    github.add(Repo("carol/three", 3, stars=10))
    issues = FakeGitHubIssues(
        base=f"https://127.0.0.1:{simweb.tls_port}", repos=(OWNER_REPO,), token=TOKEN,
        read_only_tokens=(FORK_TOKEN,),
    )  # fmt: skip
    simweb.mount("api.github.com", github)
    simweb.mount("127.0.0.1", issues)
    simweb.host(CANARY)
    simweb.set_url(STAYS, Page(title="stays"))
    simweb.set_url(GONE, NotFound())
    simweb.set_url(TWICE, Status(503))
    simweb.set_url(ONCE, Page(title="fine for now"))
    simweb.set_url(NEW_DEAD, NotFound())

    remote = tmp_path / "remote.git"  # the maintainer's repository on "GitHub"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "-q", str(remote), str(seed))
    (seed / "README.md").write_text(LIST, encoding="utf-8")
    config = {"check": {"timeout": 1.0, "retries": 0, "deadline": 10.0,
                        "canaries": [f"https://{CANARY}/"]}}  # fmt: skip
    (seed / "linkwarden.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git(seed, "add", ".")
    git(seed, "commit", "-q", "-m", "the list")
    git(seed, "push", "-q", "origin", "HEAD:main")
    cache_root = tmp_path / "actions-cache"
    cache_root.mkdir()
    try:
        yield World(simweb, github, issues, remote, tmp_path, FakeActionsCache(cache_root))
    finally:
        simweb.unmount("api.github.com")
        simweb.unmount("127.0.0.1")


def overnight(world: World) -> None:
    """Between the runs: one link fails for the first time, a repository is renamed."""
    world.sim.set_url(ONCE, Status(503))
    del world.github.repos["carol/three"]
    world.github.add(Repo("carol-lab/three", 3, stars=10))
    world.github.rename("carol/three", "carol-lab/three")


def links_of(job: Job) -> dict[str, dict[str, Any]]:
    snapshot = json.loads((job.workdir / "reports/latest.json").read_text(encoding="utf-8"))
    return {record["url"]: record for record in snapshot["links"]}


@pytest.mark.parametrize("state", ["cache", "branch"])
def test_two_nights_on_fresh_runners_keep_state_issue_and_report(world: World, state: str) -> None:
    nightly = {"paths": "README.md", "state": state, "issue": "true", "pages": "true"}
    main_before = git(world.remote, "rev-parse", "main")

    first = world.run_action(nightly)
    assert first.returncode == 0, first.stderr
    assert "this run starts fresh" in first.stderr
    assert first.outputs["exit-code"] == "1"  # the 404 is a new error: the job will fail
    assert first.outputs["dead"] == "1" and first.outputs["new"] == "1"
    assert links_of(first)[TWICE]["effective"] == "suspect"
    assert "First run" in first.summary
    [issue] = world.issues.all_issues(OWNER_REPO)
    assert GONE in issue["body"] and TWICE not in issue["body"].split("<!--")[0].split("## ")[1]

    overnight(world)
    second = world.run_action(nightly)  # a fresh clone: no reports/ in it
    assert second.returncode == 0, second.stderr
    assert "restored latest.json, history.csv, badge.json" in second.stderr
    links = links_of(second)
    assert links[TWICE]["effective"] == "dead" and links[TWICE]["consecutive_failures"] == 2
    assert links[ONCE]["effective"] == "suspect" and links[ONCE]["consecutive_failures"] == 1
    history = (second.workdir / "reports/history.csv").read_text(encoding="utf-8")
    assert len(history.strip().splitlines()) == 3  # a header and one row per night

    diff_md = (second.workdir / "reports/DIFF.md").read_text(encoding="utf-8")
    dead_section = diff_md.split("## Newly dead", 1)[1].split("\n## ", 1)[0]
    assert TWICE in dead_section and ONCE not in dead_section
    assert "carol/three → carol-lab/three" in diff_md
    summary_dead = second.summary.split("**Newly dead (1)**", 1)[1].split("**", 1)[0]
    assert TWICE.split("//")[1] in summary_dead
    assert "**Newly failing, in quarantine (1)**" in second.summary and "once" in second.summary
    assert "carol/three → [carol-lab/three](https://github.com/carol-lab/three)" in second.summary
    assert "(https://github.com/maintainer/awesome-talking-heads/actions/runs/" in second.summary

    assert second.outputs["exit-code"] == "1"  # TWICE is a new error tonight
    assert second.outputs["dead"] == "2" and second.outputs["new"] == "1"
    assert second.outputs["findings-error"] == "2"
    assert second.outputs["report-dir"] == "reports"

    # One tracking issue, updated in place, with a comment naming the new problem.
    [issue] = world.issues.all_issues(OWNER_REPO)
    assert TWICE in issue["body"] and issue["state"] == "open"
    creates = [
        r for r in world.issues.writes() if r.method == "POST" and r.path.endswith("/issues")
    ]
    assert len(creates) == 1
    assert TWICE in world.issues.comments_of(1, OWNER_REPO)[-1]

    badge = json.loads((second.workdir / "reports/badge.json").read_text(encoding="utf-8"))
    jsonschema.validate(badge, SHIELDS, cls=jsonschema.Draft202012Validator)
    assert badge["message"] == "50% healthy"  # stays + renamed repo vs gone + twice
    site = Path(second.outputs["pages-dir"])
    assert sorted(p.name for p in site.iterdir()) == ["badge.json", "index.html"]

    # Where the state lived: the default branch never moved.
    assert git(world.remote, "rev-parse", "main") == main_before
    if state == "cache":
        assert second.restored_key == world.cache.keys[0] and len(world.cache.keys) == 2
        assert git(world.remote, "for-each-ref", "--format=%(refname)").split() == [
            "refs/heads/main"
        ]
    else:
        assert world.cache.keys == []
        assert git(world.remote, "rev-list", "--count", "linkwarden-state").strip() == "2"
        stored = git(world.remote, "show", "linkwarden-state:badge.json")
        assert json.loads(stored) == badge


def test_state_none_forgets_and_a_network_error_fails_at_once(world: World) -> None:
    first = world.run_action({"paths": "README.md", "state": "none"})
    assert first.returncode == 0 and "nothing kept" in first.stderr
    second = world.run_action({"paths": "README.md", "state": "none"})
    assert links_of(second)[TWICE]["consecutive_failures"] == 1  # every night a first night
    for host in (WEB, CANARY, "api.github.com"):  # the network is down
        world.sim.refuse(host)
    broken = world.run_action({"paths": "README.md", "state": "cache", "issue": "true"})
    assert broken.returncode == 3 and broken.outputs["exit-code"] == "3"
    assert "network unavailable" in broken.stderr
    assert world.cache.keys == [] and "state-saved" not in broken.outputs  # nothing kept
    assert world.issues.writes() == []  # and the issue is left alone


def pull_request(world: World, base_job: Job, number: int, change: tuple[str, str]) -> Path:
    """A pull request's merge checkout: the default branch plus one commit editing the list."""
    work = world.tmp / f"pr-{number}-{world.runs}" / "work"
    work.parent.mkdir(parents=True)
    git(work.parent, "clone", "-q", str(world.remote), str(work))
    path = work / "README.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    git(work, "commit", "-q", "-am", "a contributor's change")
    return work


def test_pull_requests_keep_one_comment_and_forks_fall_back(world: World) -> None:
    nightly = world.run_action({"paths": "README.md", "state": "cache"})
    assert nightly.outputs["exit-code"] == "1"
    world.issues.add_pull_request(5, "Add a paper")
    base = git(world.remote, "rev-parse", "main").strip()
    pr_inputs = {"paths": "README.md", "changed-since": base, "comment": "true"}
    event = {"action": "synchronize", "pull_request": {"number": 5}}

    # Push 1 retitles the entry of a link known to be dead: reported as known, not failing.
    retitle = ("- [Gone Paper]", "- [Gone Paper (CVPR)]")
    first = world.run_action(pr_inputs, workdir=pull_request(world, nightly, 5, retitle),
                             event=event)  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert "restored latest.json" in first.stderr  # the nightly's state: GONE is known
    assert first.outputs["exit-code"] == "0" and first.outputs["mode"] == "pr"
    [comment] = world.issues.comments_of(5, OWNER_REPO)
    assert GONE in comment and "known" in comment

    # Push 2 also adds a dead link: the same comment, edited, now with a new problem.
    added = ("- [Once Paper]", f"- [New Paper]({NEW_DEAD})\n- [Once Paper]")
    work = pull_request(world, nightly, 5, retitle)
    path = work / "README.md"
    path.write_text(path.read_text("utf-8").replace(*added, 1), encoding="utf-8")
    second = world.run_action(pr_inputs, workdir=work, event=event)
    assert second.returncode == 0 and second.outputs["exit-code"] == "1"  # the job fails later
    [comment] = world.issues.comments_of(5, OWNER_REPO)
    assert NEW_DEAD in comment and "**new**" in comment
    assert "::error file=README.md" in second.stdout
    assert len(world.cache.keys) == 1  # pull requests never save state

    # A fork's pull request: read-only token. No comment, no failure: it says so.
    world.issues.add_pull_request(6, "From a fork")
    fork = world.run_action(
        pr_inputs, workdir=pull_request(world, nightly, 6, retitle), token=FORK_TOKEN,
        event={"action": "opened", "pull_request": {"number": 6}},
    )  # fmt: skip
    assert fork.returncode == 0 and fork.outputs["exit-code"] == "0", fork.stderr
    assert "could not comment on pull request #6" in fork.stderr
    assert "read-only token" in fork.summary and GONE.split("//")[1] in fork.summary
    assert world.issues.comments_of(6, OWNER_REPO) == []
