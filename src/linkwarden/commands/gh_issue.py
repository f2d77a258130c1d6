"""`linkwarden gh-issue`: keep the one tracking issue in line with the latest snapshot.

Reads `REPORT_DIR/latest.json` (written by `linkwarden check`), builds the summary (the
problems at or above `--min-severity`, linked to their lines; `DIFF.md` folded in when the
run wrote one) and lets `tracking.sync_issue` create, update, reopen or close the issue.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from ..check import NetworkOptions
from ..errors import ConfigError, InputError
from ..model import Severity, Upstream
from ..report.issue import fold_diff
from ..state.codec import load_snapshot
from ..state.snapshot import Snapshot
from ..tracking import (
    DEFAULT_API_URL,
    GitHubTarget,
    TrackingSummary,
    build_summary,
    connected,
    sync_issue,
    with_marker,
)

SNAPSHOT_NAME = "latest.json"
DIFF_NAME = "DIFF.md"
DIFF_FOLD_LIMIT = 20_000  # characters of DIFF.md worth folding into the issue


def _blob_links(snapshot: Snapshot, env: dict[str, str], repo: str) -> dict[str, str]:
    """ "path:line" → a URL that shows the line on GitHub.

    A list with an `upstream` in the registry links there. Otherwise, inside GitHub Actions,
    the list is a file of this repository at the commit that was checked.
    """
    server = env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    sha = env.get("GITHUB_SHA", "")
    by_path: dict[str, Upstream | None] = {}
    for source in snapshot.sources:
        up = source.upstream
        by_path[source.path] = Upstream(up.repo, up.branch, up.path) if up else None
    links: dict[str, str] = {}
    for finding in snapshot.findings:
        key = f"{finding.path}:{finding.line}"
        upstream = by_path.get(finding.path)
        if upstream is not None:
            links[key] = upstream.blob_url(finding.line)
        elif sha and not Path(finding.path).is_absolute() and ".." not in Path(finding.path).parts:
            links[key] = f"{server}/{repo}/blob/{sha}/{finding.path}#L{finding.line}"
    return links


def _run_url(env: dict[str, str]) -> str | None:
    """The Actions run that produced the report (its artifact holds report.html)."""
    server, repo, run = (
        env.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")
    )
    if server and repo and run:
        return f"{server.rstrip('/')}/{repo}/actions/runs/{run}"
    return None


def summary_from_reports(
    report_dir: Path, *, min_severity: Severity, env: dict[str, str], repo: str
) -> TrackingSummary:
    snapshot = load_snapshot(report_dir / SNAPSHOT_NAME)
    if snapshot is None:
        raise InputError(
            f"no snapshot here: run `linkwarden check` first (it writes {SNAPSHOT_NAME})",
            path=str(report_dir / SNAPSHOT_NAME),
        )
    sections: list[str] = []
    diff_path = report_dir / DIFF_NAME
    if diff_path.is_file():
        text = diff_path.read_text(encoding="utf-8", errors="replace").strip()
        if text and len(text) <= DIFF_FOLD_LIMIT:
            sections.append(fold_diff(text))
    return build_summary(
        snapshot.findings,
        min_severity=min_severity,
        blob_links=_blob_links(snapshot, env, repo),
        generated_at=snapshot.run.generated_at,
        extra_sections=sections,
        notes=snapshot.run.notes,
        report_url=_run_url(env),
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    env: dict[str, str] = args.env
    repo = args.repo or env.get("GITHUB_REPOSITORY", "")
    if not repo:
        raise ConfigError("--repo OWNER/NAME is required (or GITHUB_REPOSITORY in Actions)")
    summary = summary_from_reports(
        Path(args.report), min_severity=Severity(args.min_severity), env=env, repo=repo
    )
    if args.dry_run:
        print(f"# {summary.title}\n", file=out)
        print(with_marker(summary.body, summary.keys), file=out)
        return 0
    token = args.github_token or env.get("GITHUB_TOKEN", "")
    if not token:
        raise ConfigError(
            "gh-issue needs a token: set GITHUB_TOKEN (in a workflow: "
            "`env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}` with `permissions: issues: write`)"
        )
    api_url = args.api_url or env.get("GITHUB_API_URL") or DEFAULT_API_URL
    # The machine's trust and proxies (cli.py read the environment), --cacert and the
    # host mappings: the same network layer as `check` (docs/automation.md).
    network = NetworkOptions.from_flags(
        resolve=args.resolve or (), connect_to=args.connect_to or (), cacert=args.cacert, env=env
    )
    target = GitHubTarget(
        repo=repo,
        token=token,
        api_url=api_url,
        network=network,
        write_interval=args.write_interval,
    )
    with connected(target) as repository:
        outcome = sync_issue(repository, summary, args.label)
    print(f"linkwarden: {outcome.describe()}", file=out)
    return 0
