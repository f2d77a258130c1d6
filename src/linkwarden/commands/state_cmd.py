"""`linkwarden state pull|push`: keep the run state between CI runs (statesync.py).

    state pull --mode cache  --cache-dir DIR --out reports   # before check
    state push --mode branch --branch linkwarden-state        # after a full check

`pull` never fails for want of state (a first run starts fresh); `push` fails (exit 2) when
there is nothing to keep or the remote refuses the push.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from ..clock import now_stamp
from ..errors import ConfigError
from ..statesync import (
    GitBranchStore,
    Mode,
    SyncResult,
    files_to_keep,
    pull_cache,
    push_cache,
)


def commit_message(env: dict[str, str]) -> str:
    """One line naming the run, with a link to it inside GitHub Actions."""
    message = f"linkwarden state after the run of {now_stamp()}"
    run_id, repo = env.get("GITHUB_RUN_ID"), env.get("GITHUB_REPOSITORY")
    if run_id and repo:
        server = env.get("GITHUB_SERVER_URL", "https://github.com")
        message += f"\n\n{server}/{repo}/actions/runs/{run_id}"
    return message


def sync(args: argparse.Namespace) -> SyncResult:
    mode = Mode(args.mode)
    out_dir = Path(args.out)
    names = files_to_keep(args.with_reports, args.with_badge)
    pulling = args.direction == "pull"
    if mode is Mode.NONE:
        return SyncResult(mode, "skipped")
    if mode is Mode.CACHE:
        if args.cache_dir is None:
            raise ConfigError("state mode cache needs --cache-dir (the directory the CI caches)")
        cache_dir = Path(args.cache_dir)
        if pulling:
            return pull_cache(cache_dir, out_dir, names)
        return push_cache(out_dir, cache_dir, names)
    env = dict(getattr(args, "env", None) or {})
    store = GitBranchStore(Path(args.repo_dir), env, args.branch, args.remote)
    if pulling:
        return store.pull(out_dir, names)
    return store.push(out_dir, names, commit_message(env))


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..state.lock import exclusive

    # One writer per report folder: a check writing into it would race the copy (exit 4).
    with exclusive(Path(args.out)):
        result = sync(args)
    print(f"linkwarden: {result.describe()}", file=err)
    return 0
