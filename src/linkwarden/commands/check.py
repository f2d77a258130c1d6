"""`linkwarden check [PATHS] [--out DIR]`: check every link of the lists, write the report.

The stages, each its own function so that others can slot in between them::

    load_lists ─► link_urls ─► check_links ─► (enrichment) ─► evaluate_rules ─► persist

Exit codes: 0 nothing to fail on; 1 error-severity findings; 2 input/config errors;
3 network unavailable (nothing written: the previous report stays byte-identical);
4 another run is writing to the same `--out` (nothing written).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import importlib
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import anyio

from ..check import NetworkOptions, ProgressSink, check_urls
from ..config import CheckSettings, Settings
from ..errors import LinkwardenError, NetworkUnavailable, OutputBusy
from ..model import Enrichment, ExtractedList, Finding, LinkResult, Severity
from ..terminal import printable
from ..urls import checkable_urls, normalize
from ._inputs import selected_lists, settings_for

# What runs after the checks (rules, snapshot, diff, reports) is imported lazily: while the
# checks wait on the network, by `WarmUp`; the checks start sooner for it (docs/checker.md).
if TYPE_CHECKING:
    from ..persist import SavedRun
    from ..prmode import PrScope
    from ..state.snapshot import Snapshot

EXIT_OK = 0
EXIT_FINDINGS = 1
DEFAULT_OUT = Path("reports")


# --- settings -----------------------------------------------------------------------------


def effective_settings(args: argparse.Namespace, settings: Settings) -> Settings:
    """The config file's settings with the command-line flags laid over them."""
    check = settings.check
    overrides: dict[str, Any] = {}
    for flag in ("concurrency", "per_host", "timeout"):
        value = getattr(args, flag, None)
        if value is not None:
            overrides[flag] = value
    if getattr(args, "allow_private", False):
        overrides["allow_private"] = True
    if overrides:
        check = dataclasses.replace(check, **overrides)
    return dataclasses.replace(settings, check=check)


def network_options(args: argparse.Namespace, check: CheckSettings) -> NetworkOptions:
    return NetworkOptions.from_flags(
        resolve=getattr(args, "resolve", None) or (),
        connect_to=getattr(args, "connect_to", None) or (),
        cacert=getattr(args, "cacert", None),
        allow_private=check.allow_private,
        env=getattr(args, "env", None),  # SSL_CERT_FILE/DIR and the proxies, as cli.py read them
    )


# --- input --------------------------------------------------------------------------------


def load_lists(args: argparse.Namespace) -> list[ExtractedList]:
    return selected_lists(args)


def link_urls(lists: Sequence[ExtractedList]) -> list[str]:
    """Every checkable link URL, in list order, once per normalised form."""
    return checkable_urls(link.url for listing in lists for link in listing.links)


# --- checking -----------------------------------------------------------------------------


def check_links(
    urls: Sequence[str],
    settings: Settings,
    network: NetworkOptions,
    progress: ProgressSink | None,
) -> dict[str, LinkResult]:
    """The HTTP checks (raises NetworkUnavailable when the network is down)."""

    async def main() -> dict[str, LinkResult]:
        return await check_urls(urls, settings.check, network=network, progress=progress)

    return anyio.run(main)


def check_and_enrich_links(
    lists: Sequence[ExtractedList],
    urls: Sequence[str],
    settings: Settings,
    network: NetworkOptions,
    progress: ProgressSink | None,
    args: argparse.Namespace,
    *,
    everything: bool = True,
) -> tuple[dict[str, LinkResult], Enrichment]:
    """HTTP checks plus the arXiv/GitHub APIs (`--no-enrich`: HTTP only, no metadata).

    `everything`: ask the APIs about every link of the lists (metadata for the rules),
    not only about `urls` (PR mode asks about the changed lines only).
    """
    if getattr(args, "no_enrich", False):
        return (check_links(urls, settings, network, progress) if urls else {}), Enrichment()
    from ..enrich.pipeline import check_and_enrich

    token = github_token(args)

    async def check(
        some: Sequence[str], *, concurrency: int | None = None
    ) -> Mapping[str, LinkResult]:
        limits = settings.check
        if concurrency is not None:  # this run's share of the global limit (enrich/pipeline)
            limits = dataclasses.replace(limits, concurrency=concurrency)
        return await check_urls(some, limits, network=network, progress=progress)

    async def main() -> tuple[dict[str, LinkResult], Enrichment]:
        results, enrichment, _ = await check_and_enrich(
            lists, urls, settings, check, github_token=token, network=network,
            everything=everything,
        )  # fmt: skip
        return results, enrichment

    return anyio.run(main)


def registry_lookups(
    lists: Sequence[ExtractedList],
    results: Mapping[str, LinkResult],
    enrichment: Enrichment,
    settings: Settings,
    network: NetworkOptions,
    args: argparse.Namespace,
    previous: Snapshot | None,
    *,
    only: Sequence[str] | None = None,
) -> Enrichment:
    """The registries' answers added to `enrichment` (`only`: the links of these URLs)."""
    from ..clock import utc_now
    from .pastwall import past_walls, pr_scope_settings, with_links_of

    if only is not None:  # PR mode: no paper pages (an entry's code may stand unchanged)
        lists, settings = with_links_of(lists, only), pr_scope_settings(settings)
    outcome = past_walls(
        lists, results, enrichment, settings, network,
        github_token=github_token(args), previous=previous, now=utc_now(),
    )  # fmt: skip
    return outcome.enrichment


def github_token(args: argparse.Namespace) -> str | None:
    env = getattr(args, "env", None) or {}
    return getattr(args, "github_token", None) or env.get("GITHUB_TOKEN") or None


# --- rules --------------------------------------------------------------------------------


# --- start-up and wind-down -------------------------------------------------------------

# Modules only the stages after the checks need (rules, snapshot, diff, reports, jinja2).
POST_CHECK_MODULES = (
    "linkwarden.rules",
    "linkwarden.persist",
    "linkwarden.report",
    "linkwarden.report.annotations",
)


class WarmUp:
    """Imports the post-check modules in a thread while the checks wait on the network.

    It starts once half the URLs are checked (a progress sink in front of the user's), not
    at once: the first second of a run is a burst of connection set-ups that needs the CPU
    (and the GIL) more. Importing is idempotent, so a failure here only means the import
    happens, and fails with its real message, where the module is used.
    """

    def __init__(self, inner: ProgressSink | None, modules: Sequence[str] = POST_CHECK_MODULES):
        self._inner = inner
        self._modules = tuple(modules)
        self._thread: threading.Thread | None = None
        self._total = 0
        self._done = 0

    def _import_all(self) -> None:
        for name in self._modules:
            try:
                importlib.import_module(name)
            except Exception:  # re-raised, with its message, by the real import later
                return

    def begin(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._import_all, name="linkwarden-warm-up", daemon=True
            )
            self._thread.start()

    def join(self) -> None:
        if self._thread is not None:
            self._thread.join()

    # ProgressSink, passing everything on to the user's sink
    def start(self, total: int) -> None:
        self._total += total
        if self._inner is not None:
            self._inner.start(total)

    def advance(self, result: LinkResult) -> None:
        self._done += 1
        if self._done * 2 >= self._total:
            self.begin()
        if self._inner is not None:
            self._inner.advance(result)

    def finish(self, *, completed: bool = True) -> None:
        if self._inner is not None:
            self._inner.finish(completed=completed)


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Leave what exists now (modules, the extracted lists) out of garbage collections.

    The checks allocate many short-lived objects; each full collection would otherwise walk
    every object of the lists too. Unfrozen afterwards (tests call `run` many times).
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def evaluate_rules(
    lists: Sequence[ExtractedList],
    results: Mapping[str, LinkResult],
    settings: Settings,
    enrichment: Enrichment | None = None,
) -> list[Finding]:
    """All rules over the lists and results; severities as configured."""
    from ..rules import evaluate, validate_overrides  # imported late: start-up time

    validate_overrides(settings.severity, settings.source)
    return evaluate(lists, results, enrichment, severity=settings.severity)


# --- persistence --------------------------------------------------------------------------


def persist(
    out_dir: Path,
    lists: Sequence[ExtractedList],
    results: Mapping[str, LinkResult],
    findings: Sequence[Finding],
    settings: Settings,
    *,
    enrichment: Enrichment | None = None,
    previous: Snapshot | None = None,
    duration_seconds: float | None = None,
) -> SavedRun:
    """Save the run (state.py/persist.py, helper E1): OUT/latest.json with quarantine and
    history carried from `previous` (default: OUT/latest.json), DIFF.md + diff.json when a
    previous snapshot exists, history.csv, and the reports. Every file written atomically;
    latest.json last."""
    from ..persist import save_run

    return save_run(
        out_dir,
        lists,
        results,
        findings,
        settings,
        enrichment=enrichment,
        previous=previous,
        duration_seconds=duration_seconds,
    )


# --- the previous run ---------------------------------------------------------------------


def load_previous(out_dir: Path) -> Snapshot | None:
    """OUT/latest.json, read before the checks so that a corrupt one fails fast (exit 2).

    Without one (a first run) the state modules are not even imported here.
    """
    if not os.path.lexists(out_dir / "latest.json"):
        return None
    from ..persist import previous_snapshot

    return previous_snapshot(out_dir)


def pr_scope(
    ref: str | None, lists: Sequence[ExtractedList], previous: Snapshot | None, out_dir: Path
) -> PrScope | None:
    if not ref:
        return None
    from .. import prmode

    return prmode.scope_for(ref, lists, previous, out_dir / "latest.json")


def reused_results(previous: Snapshot | None, max_age: Any) -> dict[str, LinkResult]:
    if max_age is None:
        return {}
    from ..clock import utc_now
    from ..persist import reuse_for_max_age

    return reuse_for_max_age(previous, max_age, utc_now())


# --- the command --------------------------------------------------------------------------


def summary_line(
    results: Mapping[str, LinkResult], findings: Sequence[Finding], seconds: float
) -> str:
    counts = Counter(r.status.value for r in results.values())
    order = ("ok", "redirected", "dead", "blocked", "restricted", "timeout", "error", "skipped")
    parts = ", ".join(f"{counts[s]} {s}" for s in order if counts[s])
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    parts = parts or "nothing to check"
    return (
        f"linkwarden check: {len(results)} URL(s) in {seconds:.1f}s: {parts}; "
        f"{len(findings)} finding(s), {errors} error(s)"
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The command; a full run holds `--out` for itself (one writer per folder, exit 4
    for a second one). PR mode writes nothing there and takes no lock."""
    if getattr(args, "changed_since", None):
        return _run(args, out, err)
    from ..state.lock import exclusive_out

    try:
        with exclusive_out(Path(getattr(args, "out", None) or DEFAULT_OUT)):
            return _run(args, out, err)
    except OutputBusy as exc:
        say(err, f"linkwarden: error: {exc.describe()}")
        return exc.exit_code


def say(err: TextIO, line: str) -> None:
    """One note on stderr, every control character shown as an escape: paths, titles,
    URLs and server messages can carry an escape sequence or a newline (`terminal`)."""
    print(printable(line), file=err)


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    started = time.monotonic()
    progress: ProgressSink | None = getattr(args, "progress", None)
    out_dir = Path(getattr(args, "out", None) or DEFAULT_OUT)
    try:
        settings = effective_settings(args, settings_for(args))
        for key in settings.ignored:
            say(
                err,
                f"linkwarden: warning: {settings.source}: `{key}` ignored: in PR mode a "
                "config file found in the checked-out tree may not set it; use --config "
                "with a trusted file (docs/automation.md)",
            )
        network = network_options(args, settings.check)
        lists = load_lists(args)
        previous = load_previous(out_dir)
        # --changed-since REF (PR mode, prmode.py): only links on changed lines are checked.
        pr = pr_scope(getattr(args, "changed_since", None), lists, previous, out_dir)
        # --max-age: healthy results younger than that are reused; failures re-checked.
        reused = reused_results(previous, getattr(args, "max_age", None))
        wanted = link_urls(lists) if pr is None else pr.urls_to_check(lists)
        todo = [u for u in wanted if normalize(u) not in reused]
        # enrichment (docs/enrichment.md): the arXiv/GitHub APIs verify their links while
        # the HTTP checks run for the rest; API results override HTTP checks for those URLs.
        warm_up = WarmUp(progress)
        try:
            with frozen_heap():
                checked, enrichment = check_and_enrich_links(
                    lists, todo, settings, network, warm_up, args, everything=pr is None
                )
        except NetworkUnavailable:
            warm_up.finish(completed=False)
            raise
        warm_up.finish()
        warm_up.join()
        results = {**(pr.reused_results() if pr else {}), **reused, **checked}
        if not getattr(args, "no_enrich", False):
            # Past the walls (docs/enrichment.md): DOIs, OpenReview, archived copies of dead
            # links, code for papers listed without it; after the checks, whose verdicts
            # say which links are dead. PR mode: the changed links only.
            only = None if pr is None else wanted
            enrichment = registry_lookups(
                lists, results, enrichment, settings, network, args, previous, only=only
            )
        for note in enrichment.notes:
            say(err, f"linkwarden: {note}")
        enrichment = pr.with_snapshot_metadata(enrichment) if pr else enrichment
        findings = evaluate_rules(lists, results, settings, enrichment)
        if pr is not None:  # PR mode reports the changed lines only, never writes the snapshot
            from .. import prmode

            findings = pr.judged(findings, results, settings.quarantine_runs)  # quarantine
            return prmode.finish(
                pr, lists, findings, checked=len(todo), fail_on=getattr(args, "fail_on", None),
                annotations=getattr(args, "annotations", False), env=getattr(args, "env", {}),
                seconds=time.monotonic() - started, out=out, err=err,
                comment=getattr(args, "comment", False), network=network,
            )  # fmt: skip
        saved = persist(
            out_dir,
            lists,
            results,
            findings,
            settings,
            enrichment=enrichment,
            previous=previous,
            duration_seconds=time.monotonic() - started,
        )
        from ..ci import after_full_run  # job summary and step outputs inside Actions

        after_full_run(saved.snapshot, saved.diff, getattr(args, "env", None) or {})
    except NetworkUnavailable as exc:
        say(err, f"linkwarden: {exc.message}")
        say(
            err,
            "linkwarden: nothing was written; the previous report is unchanged "
            f"({out_dir / 'latest.json'})",
        )
        return exc.exit_code
    except LinkwardenError as exc:
        say(err, f"linkwarden: error: {exc.describe()}")
        return exc.exit_code
    say(err, summary_line(results, saved.snapshot.findings, time.monotonic() - started))
    say(err, f"linkwarden check: wrote {saved.path}")
    if getattr(args, "annotations", False):  # GitHub Actions annotations (docs/automation.md)
        from ..report.annotations import render_annotations

        out.write(render_annotations(saved.snapshot.findings))
    # --fail-on (default any): quarantine has turned errors of suspect links into warnings.
    return saved.exit_code(getattr(args, "fail_on", None) or "any")
