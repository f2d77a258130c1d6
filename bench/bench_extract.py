"""Benchmark: extract a generated 20 MB list with 100,000 links; the target is under 5 s.

    .venv/bin/python bench/bench_extract.py [--megabytes 20] [--links 100000] [--repeat 3]

The list mixes the layouts of the real lists: GFM tables per year (title | accept | paper |
code | web/proj), `- [Venue] [Title](url), Affiliation, [ProjectPage](..), [Code](..)`
bullets with shields.io badges, numbered items with backtick venues and a title spanning two
lines, `### \\[VENUE] Title` heading entries with `- [paper](..)` bullets, HTML `<table>`
blocks with `<a href>`, fenced code and HTML comments. Filler prose pads it to size. It is
written to a temporary directory, read with `sources.read_source`, and timed around
extraction as the commands run it (`commands._inputs.extract_texts`: `extract.extract` with
the cycle collector paused), best of `--repeat`.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from linkwarden.commands._inputs import extract_texts
from linkwarden.model import SourceList, Upstream
from linkwarden.sources import read_source

_WORDS = (
    "talking", "head", "generation", "audio", "driven", "neural", "radiance", "field",
    "portrait", "animation", "lip", "sync", "diffusion", "identity", "preserving",
    "expressive", "one", "shot", "video", "synthesis", "gaussian", "avatar",
)  # fmt: skip
_VENUES = ("CVPR", "ICCV", "ECCV", "NeurIPS", "AAAI", "ICLR", "SIGGRAPH Asia", "ACM MM", "Arxiv")


def _title(rng: random.Random) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(6, 12))).title()


def _prose(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words))


class _Generator:
    def __init__(self, seed: int = 7):
        self.rng = random.Random(seed)
        self.links = 0
        self.n = 0

    def _id(self) -> str:
        self.n += 1
        return f"{2000 + self.n % 400}.{self.n % 99999:05d}"

    def table(self, rows: int) -> str:
        rng = self.rng
        out = ["| title | accept | paper | code | web/proj | keywords |",
               "| --- | --- | --- | --- | --- | --- |"]  # fmt: skip
        for _ in range(rows):
            venue = f"{rng.choice(_VENUES)}{rng.randint(2015, 2025)}"
            n = self.n
            out.append(
                f"|{_title(rng)}|{venue}|[paper](https://arxiv.org/abs/{self._id()})"
                f"|[code](https://github.com/owner{n}/repo-{n})"
                f"|[webpage](https://owner{n}.github.io/project/)|{_prose(rng, 8)}|"
            )
            self.links += 3
        return "\n".join(out) + "\n\n"

    def bullets(self, count: int) -> str:
        rng = self.rng
        out = []
        for _ in range(count):
            n = self.n
            year = rng.randint(2015, 2025)
            out.append(
                f"- [{rng.choice(_VENUES)} {year}] [{_title(rng)}]"
                f"(https://arxiv.org/abs/{self._id()}), {_prose(rng, 6)} University, "
                f"[ProjectPage](https://lab{n}.github.io/p/), [Code](https://github.com/lab{n}/p) "
                f"![Github stars](https://img.shields.io/github/stars/lab{n}/p.svg) "
                f"![Github forks](https://img.shields.io/github/forks/lab{n}/p.svg) "
                f"{_prose(rng, 40)}"
            )
            self.links += 5
        return "\n".join(out) + "\n\n"

    def numbered(self, count: int) -> str:
        rng = self.rng
        out = []
        for k in range(count):
            n = self.n
            out.append(
                f'{k + 1}. <span id="{n}">[Nick{n}] [{_title(rng)}\n   {_title(rng)}]'
                f"(https://openaccess.thecvf.com/content/{n}_paper.pdf), "
                f"`{rng.choice(_VENUES)} {rng.randint(2015, 2025)}`. "
                f"[[Code](https://github.com/u{n}/r{n})], [[Project](https://u{n}.github.io/)]."
            )
            self.n += 1
            self.links += 3
        return "\n".join(out) + "\n\n"

    def heading_entries(self, count: int) -> str:
        rng = self.rng
        out = []
        for _ in range(count):
            n = self.n
            out.append(
                f"### \\[{rng.choice(_VENUES)}] {_title(rng)}\nkeywords: {_prose(rng, 5)}\n"
                f"- [project page](https://p{n}.github.io/)\n"
                f"- [paper](https://arxiv.org/abs/{self._id()})\n"
                f"- [code](https://github.com/p{n}/code)\n\ncomment: {_prose(rng, 60)}\n"
            )
            self.links += 3
        return "\n".join(out) + "\n"

    def html_table(self, rows: int) -> str:
        rng = self.rng
        out = ["<table>", "\t<tr>", "\t    <td>Dataset name</td>", "\t    <td>Year</td>",
               "\t</tr>"]  # fmt: skip
        for _ in range(rows):
            n = self.n
            self.n += 1
            out += [
                "    <tr>",
                f'\t    <td ><a href="https://data{n}.example.org/set.html">Set{n}</a></td>',
                f"\t    <td>{rng.randint(2015, 2025)}</td>",
                "\t</tr >",
            ]
            self.links += 1
        out += ["\t<!-- <tr><td><a href='https://hidden.example.org/'>x</a></td></tr> -->",
                "</table>"]  # fmt: skip
        return "\n".join(out) + "\n\n"

    def filler(self) -> str:
        return (
            "```python\nurl = 'https://example.org/not-a-link'\n```\n\n"
            f"<!-- {_prose(self.rng, 30)} https://example.org/commented -->\n\n"
            f"{_prose(self.rng, 120)}\n\n"
        )


def generate(megabytes: float, links: int, seed: int = 7) -> tuple[str, int]:
    gen = _Generator(seed)
    parts: list[str] = ["# Generated list\n\n"]
    size = 0
    target = int(megabytes * 1_000_000)
    year = 2025
    while gen.links < links:
        parts.append(f"## {year}\n\n")
        year = year - 1 if year > 1990 else 2025
        for chunk in (
            gen.table(40),
            gen.bullets(20),
            gen.numbered(20),
            gen.heading_entries(10),
            gen.html_table(10),
        ):
            parts.append(chunk)
            size += len(chunk)
        # pad with prose so that the links end up spread over the whole target size
        share = target * gen.links // links - size
        while share > 0:
            chunk = gen.filler()
            parts.append(chunk)
            size += len(chunk)
            share -= len(chunk)
    return "".join(parts), gen.links


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=20.0)
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    text, planned = generate(args.megabytes, args.links)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.md"
        path.write_text(text, encoding="utf-8")
        source = SourceList(
            "generated", path, Upstream("example/generated", "main", "README.md"),
            display_path=str(path),
        )  # fmt: skip
        source_text = read_source(source)
        size_mb = path.stat().st_size / 1_000_000
    best = best_cpu = float("inf")
    result = None
    for _ in range(max(args.repeat, 1)):
        started, started_cpu = time.perf_counter(), time.process_time()
        (result,) = extract_texts([source_text])
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - started_cpu)
    assert result is not None
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"extract: {size_mb:.1f} MB, {len(result.links)} links "
        f"({planned} generated), {len(result.entries)} entries, best of {args.repeat}: "
        f"{best:.2f} s wall, {best_cpu:.2f} s CPU ({len(result.links) / best:,.0f} links/s; "
        f"{os.cpu_count()} CPUs, load {load:.1f})"
    )
    print("PASS (< 5 s)" if best < 5.0 else "FAIL (>= 5 s)")
    return 0 if best < 5.0 else 1


if __name__ == "__main__":
    sys.exit(main())
