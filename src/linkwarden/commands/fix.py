"""`linkwarden fix [PATHS] [--write]`: safe rewrites of the lists, shown as a unified diff.

Evidence comes from the last snapshot (`--snapshot`, default reports/latest.json): a
missing snapshot leaves only the offline fix (redirect wrappers). Without `--write` nothing
is changed; with it each changed file is replaced atomically. Running it again changes
nothing more. Exit 0, or with `--check` 1 when a fix is pending (for CI).
"""

from __future__ import annotations

import argparse
from typing import TextIO

from ..errors import BadSourceFile, SourceNotFound
from ..fix import FilePlan, plan_file
from ..sources import SourceText, read_source, select_sources
from ..state.atomic import atomic_write_text
from ..state.codec import load_snapshot
from ._inputs import extract_texts


def _original_text(source: SourceText) -> str:
    """The file exactly as stored (line endings and BOM kept), for a byte-exact rewrite."""
    try:
        data = source.source.path.read_bytes()
    except OSError as exc:
        raise SourceNotFound(f"cannot read: {exc.strerror}", path=source.source.shown) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadSourceFile(
            "not valid UTF-8: fix leaves it alone (rewriting could not keep it byte for byte)",
            path=source.source.shown,
        ) from None


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    sources = select_sources(args.paths, args.registry)
    snapshot = load_snapshot(args.snapshot)
    if snapshot is None:
        err.write(
            f"linkwarden fix: no snapshot at {args.snapshot}: only redirect wrappers can be "
            "fixed (run `linkwarden check` first for redirects, renames and https)\n"
        )
    plans: list[FilePlan] = []
    texts = [read_source(source) for source in sources]
    for text, extracted in zip(texts, extract_texts(texts), strict=True):
        plan = plan_file(
            extracted, _original_text(text), snapshot,
            archive=getattr(args, "archive", False), add_code=getattr(args, "add_code", False),
        )  # fmt: skip
        for note in plan.notes:
            err.write(f"linkwarden fix: {note}\n")
        if plan.changed:
            plans.append(plan)
            out.write(plan.unified_diff())
    count = sum(len(p.fixes) for p in plans)
    if args.write:
        for source, plan in ((s, p) for s in sources for p in plans if p.path == s.shown):
            atomic_write_text(source.path, plan.fixed)
        err.write(f"linkwarden fix: applied {count} fix(es) in {len(plans)} file(s)\n")
    else:
        hint = " (use --write to apply)" if count else ""
        err.write(f"linkwarden fix: {count} fix(es) in {len(plans)} file(s){hint}\n")
    return 1 if args.check and count and not args.write else 0
