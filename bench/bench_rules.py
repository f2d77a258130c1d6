"""Benchmark: the offline rules (`linkwarden lint`) over a generated list with 100,000 links.

    .venv/bin/python bench/bench_rules.py [--megabytes 20] [--links 100000] [--repeat 3]

Uses the list generator of `bench_extract.py` (the real lists' layouts), extracts once, and
times `rules.evaluate` alone (best of `--repeat`): the target is under 5 s for 100,000
links. Then, for the corpus rules, the same list twice under two names: every URL is a
cross-list duplicate (the worst case for LW503, ~190,000 findings); it must stay linear,
under 10 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_extract import generate

from linkwarden.extract import extract
from linkwarden.model import ExtractedList, SourceList, Upstream
from linkwarden.rules import evaluate
from linkwarden.sources import read_source


def _best(lists: list[ExtractedList], repeat: int) -> tuple[float, int]:
    best, count = float("inf"), 0
    for _ in range(max(repeat, 1)):
        started = time.perf_counter()
        count = len(evaluate(lists))
        best = min(best, time.perf_counter() - started)
    return best, count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=20.0)
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    text, _planned = generate(args.megabytes, args.links)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.md"
        path.write_text(text, encoding="utf-8")
        source = SourceList(
            "generated", path, Upstream("example/generated", "main", "README.md"),
            display_path="generated.md",
        )  # fmt: skip
        listing = extract(read_source(source))

    one, found_one = _best([listing], args.repeat)
    twin = replace(listing, source=replace(listing.source, name="twin", display_path="twin.md"))
    two, found_two = _best([listing, twin], args.repeat)
    links = len(listing.links)
    print(
        f"rules: 1 list, {links} links, {len(listing.entries)} entries: {found_one} findings "
        f"in {one:.2f} s ({links / one:,.0f} links/s), best of {args.repeat}"
    )
    print(f"rules: 2 lists, {2 * links} links: {found_two} findings in {two:.2f} s")
    ok = one < 5.0 and two < 10.0
    print("PASS (< 5 s; twin lists < 10 s)" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
