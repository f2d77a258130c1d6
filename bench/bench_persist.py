"""Benchmark: memory and time of what `check` does after the checks, on a large corpus.

    .venv/bin/python bench/bench_persist.py [--urls 100000] [--hosts 2000] [--lists 1]

The checker's part is `bench_check.py --only corpus` (run 2, minutes: real HTTP). This one
is offline and takes about a minute: the same generated corpus (N URLs over H hosts, one
Markdown list, or the same list under `--lists` names: then every URL is a cross-list
duplicate and the rules report one finding per link), results fabricated as the checker
makes them (every URL `ok`, a title, 200), then, in one process like `check`:

    extract ─► rules ─► save_run (first run: no previous snapshot)
            ─► load latest.json ─► save_run (second run: diff against the first)

For each stage: its time, the process's resident memory after it, and the peak resident
memory while it ran (Linux: the high-water mark is reset between stages through
/proc/self/clear_refs). The goal of issue #3 is the whole command under 500 MB; these are
the stages that are not the checker's.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from linkwarden.config import Settings  # noqa: E402
from linkwarden.extract import extract  # noqa: E402
from linkwarden.model import ExtractedList, LinkResult, SourceList, Status  # noqa: E402
from linkwarden.persist import previous_snapshot, save_run  # noqa: E402
from linkwarden.rules import evaluate  # noqa: E402
from linkwarden.sources import read_source  # noqa: E402
from linkwarden.urls import normalize  # noqa: E402
from simweb import synthetic_corpus, write_markdown  # noqa: E402  (tests/ on sys.path)

T = TypeVar("T")
CLEAR_REFS = Path("/proc/self/clear_refs")
PEAKS: list[float] = []  # each stage's peak (resetting the high-water mark resets ru_maxrss)


def resident_mb() -> tuple[float, float]:
    """(current, peak since the last reset) resident memory in MB."""
    status = Path("/proc/self/status")
    if not status.exists():  # not Linux: the peak of the whole process only
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return peak, peak
    fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def reset_peak() -> None:
    if CLEAR_REFS.exists():
        CLEAR_REFS.write_text("5")


def stage(name: str, action: Callable[[], T]) -> T:
    gc.collect()
    reset_peak()
    started = time.perf_counter()
    value = action()
    seconds = time.perf_counter() - started
    gc.collect()
    now, peak = resident_mb()
    PEAKS.append(peak)
    print(f"  {name:<28} {seconds:7.2f} s   resident after {now:7.1f} MB   peak {peak:7.1f} MB")
    return value


def fabricated_results(lists: list[ExtractedList]) -> dict[str, LinkResult]:
    """What the checker returns for the corpus: every URL ok, titled, one time stamp each."""
    results: dict[str, LinkResult] = {}
    for listing in lists:
        for link in listing.links:
            key = normalize(link.url)
            host = key.split("/")[2]
            results[key] = LinkResult(
                url=key,
                status=Status.OK,
                final_url=key,
                http_status=200,
                elapsed_ms=1.0,
                checked_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                content_type="text/html; charset=utf-8",
                title=f"Paper {key.rsplit('/', 1)[-1]} on {host}",
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=100_000)
    parser.add_argument("--hosts", type=int, default=2_000)
    parser.add_argument("--lists", type=int, default=1, help="the same list under N names")
    args = parser.parse_args()
    settings = Settings()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        _, corpus = synthetic_corpus(args.urls, args.hosts)
        listing = write_markdown(corpus, work / "corpus.md", title="Generated corpus")
        del corpus
        out = work / "reports"
        print(
            f"{args.urls} URLs over {args.hosts} hosts, {args.lists} list(s); "
            f"resident at start {resident_mb()[0]:.1f} MB"
        )

        def load() -> list[ExtractedList]:
            source = read_source(SourceList(name="corpus", path=listing))
            first = extract(source)
            names = [f"corpus-{i}" for i in range(1, args.lists)]
            return [first] + [
                extract(read_source(SourceList(name=name, path=listing))) for name in names
            ]

        lists = stage("extract", load)
        results = stage("fabricate results", lambda: fabricated_results(lists))
        findings = stage("rules", lambda: evaluate(lists, results))
        print(f"  ({len(results)} URLs, {len(findings)} findings)")
        stage(
            "save_run, first run",
            lambda: save_run(out, lists, results, findings, settings, load_previous=False),
        )
        sizes = ", ".join(
            f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in sorted(out.iterdir())
        )
        print(f"  files: {sizes}")
        previous = stage("load latest.json", lambda: previous_snapshot(out))
        stage(
            "save_run, second run",
            lambda: save_run(out, lists, results, findings, settings, previous=previous),
        )
    print(f"peak resident memory over the stages: {max(PEAKS):.1f} MB")


if __name__ == "__main__":
    main()
