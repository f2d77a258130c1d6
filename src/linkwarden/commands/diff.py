"""`linkwarden diff OLD NEW`: what changed between two snapshots (latest.json files).

Prints DIFF.md-style Markdown (default) or the JSON form. Exit code per `--fail-on`
(default `none`: the diff is information): `new` fails on error findings added in NEW,
`any` on every error finding in NEW. A missing or corrupt snapshot is an input error (2).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from ..diff import diff, dumps_diff, exit_code_for
from ..errors import StateError
from ..report.diff_markdown import render_diff_markdown
from ..state.codec import load_snapshot
from ..state.snapshot import Snapshot
from ..terminal import json_printable, printable_lines


def _load(path: Path) -> Snapshot:
    snapshot = load_snapshot(path)
    if snapshot is None:
        raise StateError("no such snapshot file", path=str(path))
    return snapshot


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    old = _load(Path(args.old))
    new = _load(Path(args.new))
    changes = diff(old, new, top_movers=args.top)
    # Titles and URLs come from lists and servers: no escape sequence reaches the terminal.
    if args.format == "json":
        out.write(json_printable(dumps_diff(changes)))
    else:
        out.write(printable_lines(render_diff_markdown(changes)))
    code = exit_code_for(changes, new.findings, args.fail_on)
    if code:
        added = sum(1 for f in changes.findings_added if f.severity.value == "error")
        what = f"{added} new error finding(s)" if args.fail_on == "new" else "error findings"
        err.write(f"linkwarden diff: failing per --fail-on {args.fail_on}: {what}\n")
    return code
