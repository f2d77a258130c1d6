"""The command line: the only module that reads argv, the environment and the terminal.

Exit codes (docs/design.md): 0 nothing to fail on; 1 findings that fail the run;
2 usage, config or input error; 3 network unavailable (nothing written).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

from . import __version__
from .errors import LinkwardenError
from .sources import DEFAULT_REGISTRY

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_NETWORK = 3


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on usage errors already; keep its message on one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"linkwarden: error: {message}\n")


def _add_inputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        help="list files, directories or globs (default: every list in the registry)",
    )
    parser.add_argument(
        "--registry",
        type=Path,
        default=DEFAULT_REGISTRY,
        help="sources registry (default: %(default)s)",
    )
    parser.add_argument(
        "--config", type=Path, help="config file (default: linkwarden.yaml or pyproject.toml)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="linkwarden",
        description="Link health and metadata for curated research lists.",
    )
    parser.add_argument("--version", action="version", version=f"linkwarden {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("extract", help="print the entries and typed links of lists")
    _add_inputs(p)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=cmd_extract)

    p = sub.add_parser(
        "lint", help="offline rules: malformed, wrapped, mislabeled, duplicate links"
    )
    _add_inputs(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--select",
        action="append",
        metavar="RULES",
        help="run only these rules: codes, code prefixes (LW1) or names, comma separated; "
        "selects rules that are off by default (LW503)",
    )
    p.add_argument(
        "--ignore", action="append", metavar="RULES", help="do not run these rules (same keys)"
    )
    p.add_argument(
        "--min-severity",
        choices=("error", "warning", "info"),
        help="report only findings of this severity or higher",
    )
    p.set_defaults(handler=cmd_lint)

    _add_gh_issue(sub)
    _add_check(sub)
    _add_catalog(sub)
    _add_state_commands(sub)
    _add_state_sync(sub)

    return parser


def _add_state_sync(sub: argparse._SubParsersAction[_Parser]) -> None:
    """`state pull|push`: the run state kept between CI runs (docs/automation.md)."""
    p = sub.add_parser("state", help="restore or keep latest.json and history.csv between CI runs")
    p.add_argument("direction", choices=("pull", "push"), help="pull before check, push after")
    p.add_argument(
        "--mode",
        choices=("cache", "branch", "none"),
        default="cache",
        help="where the state lives between runs (default: %(default)s)",
    )
    p.add_argument(
        "--out", type=Path, default=Path("reports"), help="report folder (default: %(default)s)"
    )
    p.add_argument("--cache-dir", type=Path, help="cache mode: the directory the CI caches")
    p.add_argument(
        "--branch",
        default="linkwarden-state",
        help="branch mode: the branch (default: %(default)s)",
    )
    p.add_argument(
        "--remote", default="origin", help="branch mode: the remote (default: %(default)s)"
    )
    p.add_argument(
        "--repo-dir",
        type=Path,
        default=Path("."),
        help="branch mode: the git repository (default: .)",
    )
    p.add_argument(
        "--with-reports",
        action="store_true",
        help="keep the reports too (REPORT.md, report.html, DIFF.md, badge.json, ...)",
    )
    p.add_argument(
        "--with-badge",
        action="store_true",
        help="keep badge.json too (branch mode: a raw URL for a shields.io badge)",
    )
    p.set_defaults(handler=cmd_state)


def cmd_state(args: argparse.Namespace) -> int:
    from .commands.state_cmd import run

    return run(args, out=sys.stdout, err=sys.stderr)


def _add_gh_issue(sub: argparse._SubParsersAction[_Parser]) -> None:
    """`gh-issue`: the one tracking issue (docs/automation.md)."""
    p = sub.add_parser(
        "gh-issue",
        help="create, update in place, reopen or close the one tracking issue on GitHub",
    )
    p.add_argument("--repo", help="OWNER/NAME (default: $GITHUB_REPOSITORY)")
    p.add_argument(
        "--report", default="reports", help="folder with latest.json (default: %(default)s)"
    )
    p.add_argument(
        "--label", default="linkwarden", help="label that finds the issue (default: %(default)s)"
    )
    p.add_argument("--api-url", help="API URL (default: $GITHUB_API_URL or api.github.com)")
    p.add_argument("--github-token", help="token (default: $GITHUB_TOKEN); needs issues: write")
    p.add_argument("--cacert", type=Path, help="extra CA bundle to trust (GitHub Enterprise)")
    p.add_argument(
        "--resolve",
        action="append",
        metavar="HOST:PORT:ADDRESS",
        help="connect to ADDRESS for HOST:PORT, like curl (repeatable)",
    )
    p.add_argument(
        "--connect-to",
        action="append",
        metavar="HOST1:PORT1:HOST2:PORT2",
        help="connect to HOST2:PORT2 instead of HOST1:PORT1, like curl (repeatable)",
    )
    p.add_argument(
        "--min-severity",
        choices=("error", "warning", "info"),
        default="error",
        help="findings that count as problems (default: %(default)s)",
    )
    p.add_argument(
        "--write-interval",
        type=float,
        default=1.0,
        help="seconds between write calls, as GitHub asks (default: %(default)s)",
    )
    p.add_argument("--dry-run", action="store_true", help="print the issue body; change nothing")
    p.set_defaults(handler=cmd_gh_issue)


def _duration(text: str) -> timedelta:
    """argparse type for --max-age: 90s, 30m, 12h, 7d, 2w."""
    from .clock import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_state_commands(sub: argparse._SubParsersAction[_Parser]) -> None:
    """`diff` and `fix`: the run state between nights (docs/state.md)."""
    p = sub.add_parser("diff", help="what changed between two snapshots (latest.json files)")
    p.add_argument("old", help="the older snapshot")
    p.add_argument("new", help="the newer snapshot")
    p.add_argument("--format", choices=("md", "json"), default="md")
    p.add_argument("--top", type=int, default=10, help="star movers to list (default: %(default)s)")
    p.add_argument(
        "--fail-on",
        choices=("new", "any", "none"),
        default="none",
        help="exit 1 on error findings new in NEW, on any in NEW, or never (default: %(default)s)",
    )
    p.set_defaults(handler=cmd_diff)

    p = sub.add_parser("fix", help="safe rewrites of the lists (redirects, renames, wrappers)")
    _add_inputs(p)
    p.add_argument(
        "--snapshot",
        type=Path,
        default=Path("reports/latest.json"),
        help="the evidence: a snapshot from `check` (default: %(default)s)",
    )
    p.add_argument("--write", action="store_true", help="apply the fixes (default: print a diff)")
    p.add_argument("--check", action="store_true", help="exit 1 when a fix is pending")
    p.add_argument(
        "--archive",
        action="store_true",
        help="rewrite dead links to their Wayback Machine copies (from the snapshot)",
    )
    p.add_argument(
        "--add-code",
        action="store_true",
        help="add the code links LW408 found to entries listed without code",
    )
    p.set_defaults(handler=cmd_fix)


def cmd_diff(args: argparse.Namespace) -> int:
    from .commands.diff import run

    return run(args, out=sys.stdout, err=sys.stderr)


def cmd_fix(args: argparse.Namespace) -> int:
    from .commands.fix import run

    return run(args, out=sys.stdout, err=sys.stderr)


def cmd_gh_issue(args: argparse.Namespace) -> int:
    from .commands.gh_issue import run

    return run(args, out=sys.stdout, err=sys.stderr)


def _add_check(sub: argparse._SubParsersAction[_Parser]) -> None:
    """`check`: every link over HTTP, the rules, the report (docs/checker.md)."""
    p = sub.add_parser("check", help="check every link over HTTP and write reports/latest.json")
    _add_inputs(p)
    p.add_argument(
        "--out", type=Path, default=Path("reports"), help="report folder (default: %(default)s)"
    )
    p.add_argument(
        "--resolve",
        action="append",
        metavar="HOST:PORT:ADDRESS",
        help="connect to ADDRESS for HOST:PORT, like curl (repeatable; counts as permission)",
    )
    p.add_argument(
        "--connect-to",
        action="append",
        metavar="HOST1:PORT1:HOST2:PORT2",
        help="connect to HOST2:PORT2 instead of HOST1:PORT1, like curl (repeatable)",
    )
    p.add_argument("--cacert", type=Path, help="extra CA bundle to trust")
    p.add_argument(
        "--allow-private",
        action="store_true",
        help="allow loopback, private and link-local targets (intranet lists, test rigs)",
    )
    p.add_argument("--concurrency", type=int, help="requests in flight overall (default 64)")
    p.add_argument("--per-host", type=int, help="requests in flight per host (default 4)")
    p.add_argument("--timeout", type=float, help="seconds per request (default 20)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress output")
    _add_enrich_flags(p)
    p.add_argument(
        "--max-age",
        type=_duration,
        metavar="DURATION",
        help="reuse healthy results younger than this from the last snapshot (e.g. 12h, 7d)",
    )
    p.add_argument(
        "--fail-on",
        choices=("new", "any", "none"),
        default=None,  # None: `any`, but `new` in PR mode (--changed-since)
        help="exit 1 on error findings new since the last snapshot, on any, or never "
        "(default: any; nightly and --changed-since: new)",
    )
    _add_pr_mode(p)
    p.set_defaults(handler=cmd_check)


def _add_enrich_flags(p: argparse.ArgumentParser) -> None:
    """arXiv/GitHub API enrichment (docs/enrichment.md)."""
    p.add_argument(
        "--github-token",
        metavar="TOKEN",
        help="GitHub token for the GraphQL API (default: $GITHUB_TOKEN); without one, "
        "repository metadata comes from the anonymous REST quota as far as it goes",
    )
    p.add_argument(
        "--no-enrich",
        action="store_true",
        help="do not ask the arXiv and GitHub APIs: check those links over HTTP, no metadata",
    )


def _add_pr_mode(p: argparse.ArgumentParser) -> None:
    """PR mode and CI output for `check` (docs/automation.md)."""
    p.add_argument(
        "--changed-since",
        metavar="REF",
        help="PR mode: check only links on lines changed since this git ref; reuse the "
        "committed snapshot for the rest; never write it",
    )
    p.add_argument(
        "--annotations",
        action="store_true",
        help="print each finding as a GitHub Actions annotation (::error file=,line=::)",
    )
    p.add_argument(
        "--comment",
        action="store_true",
        help="PR mode in GitHub Actions: keep one comment on the pull request with the "
        "findings (needs pull-requests: write; a read-only token falls back, never fails)",
    )


def _add_catalog(sub: argparse._SubParsersAction[_Parser]) -> None:
    """`catalog`: one record per paper across the lists, with metadata (docs/enrichment.md)."""
    p = sub.add_parser("catalog", help="one record per paper across all lists, with metadata")
    _add_inputs(p)
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.add_argument(
        "--out",
        type=Path,
        default=Path("reports"),
        help="where the latest snapshot is read from (default: %(default)s)",
    )
    p.add_argument(
        "--fresh", action="store_true", help="ask the APIs now, ignore the latest snapshot"
    )
    p.add_argument("--connect-to", action="append", metavar="HOST1:PORT1:HOST2:PORT2")
    p.add_argument("--resolve", action="append", metavar="HOST:PORT:ADDRESS")
    p.add_argument("--cacert", type=Path, help="extra CA bundle to trust")
    p.add_argument("--github-token", metavar="TOKEN", help="default: $GITHUB_TOKEN")
    p.set_defaults(handler=cmd_catalog)


def cmd_catalog(args: argparse.Namespace) -> int:
    from .commands.catalog import run

    return run(args, out=sys.stdout, err=sys.stderr)


def cmd_check(args: argparse.Namespace) -> int:
    from .check.progress import PlainProgress, RichProgress
    from .commands.check import run

    if not getattr(args, "quiet", False):
        args.progress = RichProgress(sys.stderr) if args.is_tty else PlainProgress(sys.stderr)
    return run(args, out=sys.stdout, err=sys.stderr)


def cmd_extract(args: argparse.Namespace) -> int:
    from .commands.extract import run

    return run(args, out=sys.stdout, err=sys.stderr)


def cmd_lint(args: argparse.Namespace) -> int:
    from .commands.lint import run

    return run(args, out=sys.stdout, err=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.env = dict(os.environ)
    args.is_tty = sys.stderr.isatty()
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except LinkwardenError as exc:
        print(f"linkwarden: error: {exc.describe()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("linkwarden: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
