"""The walls between the stages (docs/internals.md) hold at run time, not only on paper.

`lint-imports` checks the static import graph (pyproject.toml `[tool.importlinter]`); these
tests check what importing a stage really loads, package `__init__` side effects included,
and that only cli.py reads argv and the environment.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "linkwarden"

NETWORK = ("httpx", "httpcore", "anyio", "requests", "github", "arxiv", "linkwarden.check")
API_CLIENTS = (
    "linkwarden.enrich.arxiv",
    "linkwarden.enrich.github",
    "linkwarden.enrich._transport",
)


def _loaded_after(module: str) -> set[str]:
    code = f"import json, sys; import {module}; print(json.dumps(sorted(sys.modules)))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(run.stdout))


def _hits(loaded: set[str], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(m for m in loaded if any(m == f or m.startswith(f + ".") for f in forbidden))


@pytest.mark.parametrize("module", ["linkwarden.rules", "linkwarden.extract"])
def test_pure_stages_load_no_network_or_state_module(module: str) -> None:
    loaded = _loaded_after(module)
    forbidden = (*NETWORK, *API_CLIENTS, "linkwarden.state", "linkwarden.report")
    assert _hits(loaded, forbidden) == []


def test_report_loads_neither_checker_nor_api_clients() -> None:
    assert _hits(_loaded_after("linkwarden.report"), (*NETWORK, *API_CLIENTS)) == []


def test_enrich_collect_is_light() -> None:
    """The pure half of enrich (which links name papers and repositories) loads no client."""
    assert _hits(_loaded_after("linkwarden.enrich.collect"), (*NETWORK, *API_CLIENTS)) == []


def _reads_process_state(tree: ast.AST) -> list[int]:
    lines: list[int] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            pair = (node.value.id, node.attr)
            if pair in {("os", "environ"), ("os", "getenv"), ("sys", "argv"), ("os", "environb")}:
                lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module in {"os", "sys"}:
            names = {alias.name for alias in node.names}
            if names & {"environ", "getenv", "argv", "environb"}:
                lines.append(node.lineno)
    return lines


def test_only_cli_reads_argv_and_environment() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "cli.py" or path.parent != PACKAGE
        if (lines := _reads_process_state(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert offenders == {}
    assert _reads_process_state(ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8")))


def test_import_contracts_hold() -> None:
    """The contracts in pyproject.toml, as .ci/run checks them."""
    lint_imports = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    run = subprocess.run(
        [lint_imports, "--no-logo", "--no-cache"], cwd=REPO, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "BROKEN" not in run.stdout
