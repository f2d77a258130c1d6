"""What `check` hands to GitHub Actions after a run: step outputs, the job summary, the PR
comment. Everything is keyed off the environment cli.py read (never os.environ here):

- `$GITHUB_OUTPUT` set → `dead`, `new`, `findings-error`, `findings-warning` and
  `findings-info` are appended as step outputs (the action's outputs);
- `$GITHUB_STEP_SUMMARY` set, full run → the run summary (`report.run_summary`);
  PR mode writes its own summary (prmode.py);
- `--comment` in PR mode → the one PR comment (prcomment.py), in the pull request named by
  `$GITHUB_EVENT_PATH` (or `$GITHUB_REF`), with `$GITHUB_TOKEN` on `$GITHUB_API_URL`.

Counting: `dead` is confirmed-dead URLs (after quarantine) in a full run, dead URLs on the
changed lines in PR mode; `new` is error findings new since the previous run (what
`--fail-on new` fails on) or, in PR mode, introduced by the change.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .diff import RunDiff
from .errors import LinkwardenError, StateError
from .model import Finding, Severity
from .state.snapshot import Snapshot
from .terminal import printable
from .tracking import DEFAULT_API_URL, GitHubTarget

if TYPE_CHECKING:
    from .check import NetworkOptions

DEAD_LINK_RULE = "dead-link"


@dataclass(frozen=True)
class RunCounts:
    dead: int
    new: int
    errors: int
    warnings: int
    infos: int

    def as_outputs(self) -> dict[str, str]:
        return {
            "dead": str(self.dead),
            "new": str(self.new),
            "findings-error": str(self.errors),
            "findings-warning": str(self.warnings),
            "findings-info": str(self.infos),
        }


def full_run_counts(snapshot: Snapshot, changes: RunDiff | None) -> RunCounts:
    by_severity = snapshot.totals.findings
    added = snapshot.findings if changes is None else changes.findings_added
    return RunCounts(
        dead=snapshot.totals.by_effective.get("dead", 0),
        new=sum(1 for f in added if f.severity is Severity.ERROR),
        errors=by_severity.get("error", 0),
        warnings=by_severity.get("warning", 0),
        infos=by_severity.get("info", 0),
    )


def pr_run_counts(findings: Sequence[Finding], introduced: Sequence[Finding]) -> RunCounts:
    def severity(level: Severity) -> int:
        return sum(1 for f in findings if f.severity is level)

    return RunCounts(
        dead=len({f.url for f in findings if f.rule == DEAD_LINK_RULE}),
        new=sum(1 for f in introduced if f.severity is Severity.ERROR),
        errors=severity(Severity.ERROR),
        warnings=severity(Severity.WARNING),
        infos=severity(Severity.INFO),
    )


def _append(path: str, text: str, what: str) -> None:
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise StateError(f"cannot write the {what}: {exc.strerror}", path=path) from None


def write_outputs(env: Mapping[str, str], values: Mapping[str, str]) -> None:
    """Append `name=value` lines to `$GITHUB_OUTPUT` (nothing outside Actions)."""
    path = env.get("GITHUB_OUTPUT")
    if not path:
        return
    lines = []
    for name, value in values.items():
        if "\n" in value or "\r" in value:  # outputs are one line each here; never split one
            raise ValueError(f"step output {name} must be one line")
        lines.append(f"{name}={value}\n")
    _append(path, "".join(lines), "step outputs")


def append_step_summary(env: Mapping[str, str], text: str) -> None:
    """GitHub shows the file at `$GITHUB_STEP_SUMMARY` on the run page; steps append to it."""
    path = env.get("GITHUB_STEP_SUMMARY")
    if path:
        _append(path, text, "step summary")


def run_url(env: Mapping[str, str]) -> str | None:
    """This Actions run's page (its artifacts hold the reports), when inside Actions."""
    repo, run_id = env.get("GITHUB_REPOSITORY"), env.get("GITHUB_RUN_ID")
    if not (repo and run_id):
        return None
    return f"{env.get('GITHUB_SERVER_URL') or 'https://github.com'}/{repo}/actions/runs/{run_id}"


# ------------------------------------------------------------------------------ full run


def after_full_run(snapshot: Snapshot, changes: RunDiff | None, env: Mapping[str, str]) -> None:
    """The job summary and the step outputs of a full run (each only inside Actions)."""
    if env.get("GITHUB_STEP_SUMMARY"):
        from .report.run_summary import render_run_summary

        append_step_summary(env, render_run_summary(snapshot, changes, report_url=run_url(env)))
    write_outputs(env, full_run_counts(snapshot, changes).as_outputs())


# ------------------------------------------------------------------------------- PR mode


def pull_request_number(env: Mapping[str, str]) -> int | None:
    """The pull request this run is for: the event payload, else `refs/pull/N/merge`."""
    event_path = env.get("GITHUB_EVENT_PATH")
    if event_path:
        try:
            event = json.loads(Path(event_path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            event = {}
        number = (event.get("pull_request") or {}).get("number") or event.get("number")
        if isinstance(number, int):
            return number
    match = re.fullmatch(r"refs/pull/(\d+)/(?:merge|head)", env.get("GITHUB_REF", ""))
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class PrRun:
    """What a PR-mode run found, as prmode.finish hands it over."""

    ref: str
    commit: str
    checked: int
    findings: tuple[Finding, ...]  # on changed lines
    failing: tuple[Finding, ...]  # those that fail the run (per --fail-on)
    introduced: tuple[Finding, ...]  # those the committed snapshot did not have
    notes: tuple[str, ...]


def after_pr_run(
    run: PrRun,
    env: Mapping[str, str],
    *,
    comment: bool,
    network: NetworkOptions | None,
    err: TextIO,
) -> None:
    """The step outputs and, with `comment`, the one PR comment (never fails the job for a
    read-only token: it says so instead). `network`: the run's trust, proxies and host
    mappings, which the comment's API client follows too."""
    write_outputs(env, pr_run_counts(run.findings, run.introduced).as_outputs())
    if comment:
        _comment(run, env, network, err)


def _comment(
    run: PrRun, env: Mapping[str, str], network: NetworkOptions | None, err: TextIO
) -> None:
    from .prcomment import comment_on_pr
    from .report.pr_comment import render_pr_comment

    number = pull_request_number(env)
    repo, token = env.get("GITHUB_REPOSITORY", ""), env.get("GITHUB_TOKEN", "")
    missing = [
        what
        for what, value in (("a pull request", number), ("GITHUB_REPOSITORY", repo),
                            ("GITHUB_TOKEN", token))
        if not value
    ]  # fmt: skip
    if missing:
        print(f"linkwarden: no PR comment: needs {', '.join(missing)}", file=err)
        return
    assert number is not None
    introduced = set(run.introduced)
    body = render_pr_comment(
        ref=run.ref, commit=run.commit, checked=run.checked,
        rows=[(f, f in introduced) for f in run.findings], notes=run.notes,
        run_url=run_url(env),
    )  # fmt: skip
    target = GitHubTarget(
        repo=repo,
        token=token,
        api_url=env.get("GITHUB_API_URL") or DEFAULT_API_URL,
        network=network,
    )
    try:
        outcome = comment_on_pr(target, number, body, clean=not run.findings)
    except LinkwardenError as exc:  # the check's verdict stands; the comment is extra
        # The API's own words: shown with control characters escaped (`terminal`).
        print(printable(f"linkwarden: warning: no PR comment: {exc.describe()}"), file=err)
        return
    print(printable(f"linkwarden: {outcome.describe()}"), file=err)
    if outcome.action == "fallback":
        append_step_summary(env, f"\n> Note: linkwarden {outcome.describe()}.\n")
