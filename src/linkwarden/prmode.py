"""PR mode: `linkwarden check --changed-since REF` checks only what a change touched.

A contributor who adds one paper should get an answer in seconds, about that paper, and
should never be failed for a link somebody else broke months ago. So:

1. `gitdiff.changed_lines` finds the lines of the list files added or changed since REF.
2. Only links standing on those lines are checked over HTTP (`PrScope.urls_to_check`).
3. Every other URL keeps the observation of the committed snapshot (`reports/latest.json`),
   so corpus-wide rules still see the whole list (`PrScope.reused_results`).
4. Link-health findings get the full run's quarantine verdict (`state.policy.judged_findings`):
   this run's failure extends the committed snapshot's streak, so a transient failure
   (timeout, 5xx, connection error) is a warning until it has failed `quarantine_runs`
   runs in a row, counting this one; a 404 or a deleted repository is an error at once.
5. Findings are kept only on changed lines; the run fails (exit 1) on error findings those
   lines *introduce*: with `--fail-on new` (the default here) a finding the committed
   snapshot already had is reported but does not fail; `any` fails on every error on a
   changed line; `none` never fails.
6. Annotations (`--annotations`) pin each finding to its line in the PR's diff view, and a
   short Markdown summary is appended to `$GITHUB_STEP_SUMMARY` when that is set.

PR mode never writes the snapshot: the committed one stays the nightly's record, and a
pull-request run must not advance quarantine counters (it reads them, step 4). No GitHub
token is needed; metadata comes from the snapshot, and a note says when a new repository's
metadata needed a token.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .clock import utc_now
from .findings import new_findings, sorted_findings
from .gitdiff import ChangedLines, changed_lines
from .model import (
    Enrichment,
    ExtractedList,
    Finding,
    Link,
    LinkResult,
    Severity,
    Via,
)
from .report.annotations import render_annotations
from .report.step_summary import render_step_summary
from .state.policy import judged_findings
from .state.snapshot import Snapshot
from .terminal import printable
from .urls import checkable_urls, github_repo

if TYPE_CHECKING:
    from .check import NetworkOptions

PR_FAIL_ON_DEFAULT = "new"


@dataclass(frozen=True)
class PrScope:
    """What a `--changed-since` run looks at, and what it knew before."""

    changed: ChangedLines
    previous: Snapshot | None
    snapshot_path: Path

    # ------------------------------------------------------------------ selection

    def _lines_of(self, listing: ExtractedList) -> frozenset[int]:
        return self.changed.of(listing.source.path)

    def changed_links(self, lists: Sequence[ExtractedList]) -> list[Link]:
        return [link for x in lists for link in x.links if link.line in self._lines_of(x)]

    def urls_to_check(self, lists: Sequence[ExtractedList]) -> list[str]:
        """Checkable URLs on changed lines, once per normalised form, in list order: the
        same test (`urls.is_checkable`) the full run applies to every line."""
        return checkable_urls(link.url for link in self.changed_links(lists))

    def reused_results(self) -> dict[str, LinkResult]:
        """The committed snapshot's observations, for every URL not re-checked."""
        if self.previous is None:
            return {}
        return {r.url: replace(r.result, via=Via.SNAPSHOT) for r in self.previous.links}

    def with_snapshot_metadata(self, enrichment: Enrichment) -> Enrichment:
        """arXiv and GitHub metadata this run did not fetch, taken from the snapshot.

        Without a token PR mode asks no API about unchanged links; the metadata rules still
        see what the nightly run learned. What this run fetched wins.
        """
        if self.previous is None:
            return enrichment
        known = self.previous.enrichment()
        return replace(
            enrichment,
            arxiv={**known.arxiv, **enrichment.arxiv},
            repos={**known.repos, **enrichment.repos},
        )

    # ------------------------------------------------------------------ findings

    def judged(
        self, findings: Sequence[Finding], results: Mapping[str, LinkResult], quarantine_runs: int
    ) -> list[Finding]:
        """The run's findings with the quarantine verdict a full run would give them, from
        the committed snapshot's streaks (read, never advanced: nothing is written)."""
        return judged_findings(findings, results, self.previous, quarantine_runs, utc_now())

    def _split(
        self, lists: Sequence[ExtractedList], findings: Sequence[Finding]
    ) -> tuple[list[Finding], list[tuple[Finding, ExtractedList]]]:
        """(findings on unchanged lines, findings on changed lines with their list)."""
        by_shown = {x.source.shown: x for x in lists}
        unchanged: list[Finding] = []
        changed: list[tuple[Finding, ExtractedList]] = []
        for f in findings:
            listing = by_shown.get(f.path)
            if listing is None or f.line not in self._lines_of(listing):
                unchanged.append(f)
            else:
                changed.append((f, listing))
        return unchanged, changed

    def _shown(self, found: Sequence[tuple[Finding, ExtractedList]]) -> list[Finding]:
        """Findings with paths relative to the repository root, in the one finding order."""
        return sorted_findings(
            replace(f, path=_relative(listing.source.path, self.changed.root))
            for f, listing in found
        )

    def in_scope(
        self, lists: Sequence[ExtractedList], findings: Sequence[Finding]
    ) -> list[Finding]:
        """Findings on changed lines, with paths relative to the repository root."""
        return self._shown(self._split(lists, findings)[1])

    def introduced(
        self, lists: Sequence[ExtractedList], findings: Sequence[Finding]
    ) -> list[Finding]:
        """Findings on changed lines that the committed snapshot did not have: what this
        change brought (`findings.new_findings`, the meaning DIFF.md and the tracking issue
        use). `findings` are the whole run's; the ones on unchanged lines are matched with
        the snapshot first, so a second copy of a known problem pasted into a changed line is
        the new one."""
        unchanged, changed = self._split(lists, findings)
        if self.previous is None:
            return self._shown(changed)
        ordered = sorted_findings(unchanged) + sorted_findings(f for f, _ in changed)
        fresh = set(new_findings(ordered, self.previous.findings))
        return self._shown([(f, listing) for f, listing in changed if f in fresh])

    def notes(self, lists: Sequence[ExtractedList], env: Mapping[str, str]) -> list[str]:
        """What the reader should know about the limits of this run."""
        notes: list[str] = []
        if self.previous is None:
            notes.append(
                f"no committed snapshot at {self.snapshot_path}: every problem on a changed "
                "line counts as new"
            )
        if not env.get("GITHUB_TOKEN"):
            known = set(self.previous.repos()) if self.previous else set()
            new_repos = {
                repo.lower()
                for link in self.changed_links(lists)
                if (repo := github_repo(link.url)) and repo.lower() not in known
            }
            if new_repos:
                notes.append(
                    f"{len(new_repos)} GitHub repositor{'y' if len(new_repos) == 1 else 'ies'} "
                    "on changed lines not in the snapshot: checked over HTTP only; their "
                    "metadata (archived, renamed, stars) needs GITHUB_TOKEN"
                )
        return notes


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return os.path.relpath(path)


def scope_for(
    ref: str | None,
    lists: Sequence[ExtractedList],
    previous: Snapshot | None,
    snapshot_path: Path,
    *,
    cwd: Path | None = None,
) -> PrScope | None:
    """The PR-mode scope for `--changed-since REF`, or None for a full run.

    `previous` is the committed snapshot (None when there is none); git errors (not a
    repository, unknown ref) are InputErrors, exit 2.
    """
    if not ref:
        return None
    paths = [x.source.path for x in lists]
    # The repository is the one holding the lists, wherever the command runs from.
    where = cwd or (paths[0].parent if paths else Path.cwd())
    changed = changed_lines(ref, paths, cwd=where)
    return PrScope(changed, previous, snapshot_path)


# ------------------------------------------------------------------------ reporting


def failing_findings(
    scope: PrScope, lists: Sequence[ExtractedList], all_findings: Sequence[Finding], fail_on: str
) -> list[Finding]:
    """The error findings on changed lines that fail the run under `fail_on`."""
    if fail_on == "none":
        return []
    chosen = scope.in_scope if fail_on == "any" else scope.introduced
    return [f for f in chosen(lists, all_findings) if f.severity is Severity.ERROR]


def finish(
    scope: PrScope,
    lists: Sequence[ExtractedList],
    all_findings: Sequence[Finding],
    *,
    checked: int,
    fail_on: str | None,
    annotations: bool,
    env: Mapping[str, str],
    seconds: float,
    out: TextIO,
    err: TextIO,
    comment: bool = False,
    network: NetworkOptions | None = None,
) -> int:
    """Report a PR-mode run and return its exit code (0 or 1).

    Inside GitHub Actions also the step outputs and, with `comment`, the one PR comment
    (ci.py)."""
    from . import ci

    findings = scope.in_scope(lists, all_findings)
    failing = failing_findings(scope, lists, all_findings, fail_on or PR_FAIL_ON_DEFAULT)
    notes = scope.notes(lists, env)
    if annotations:
        out.write(render_annotations(findings))
    introduced = set(scope.introduced(lists, all_findings))
    for f in findings:
        # "new" but not failing: a warning (a link in quarantine) or `--fail-on none`.
        mark = "FAIL" if f in failing else "new" if f in introduced else "known"
        line = f"{f.path}:{f.line}: {f.code} [{f.severity}] {f.message} ({mark})"
        print(printable(line), file=err)  # titles and URLs may carry control characters
    for note in notes:
        print(printable(f"linkwarden: note: {note}"), file=err)
    summary = (
        f"linkwarden check --changed-since {scope.changed.ref}: {checked} link(s) on "
        f"{scope.changed.total} changed line(s) checked in {seconds:.1f}s; "
        f"{len(findings)} finding(s), {len(failing)} introduced error(s); snapshot not written"
    )
    print(printable(summary), file=err)
    if env.get("GITHUB_STEP_SUMMARY"):
        ci.append_step_summary(
            env,
            render_step_summary(
                scope.changed.ref, scope.changed.commit, lines_changed=scope.changed.total,
                files=len(scope.changed.lines), checked=checked, findings=findings,
                failing=failing, notes=notes, seconds=seconds,
            ),
        )  # fmt: skip
    run = ci.PrRun(
        scope.changed.ref, scope.changed.commit, checked, tuple(findings), tuple(failing),
        tuple(scope.introduced(lists, all_findings)), tuple(notes),
    )  # fmt: skip
    ci.after_pr_run(run, env, comment=comment, network=network, err=err)
    return 1 if failing else 0
