"""The report folder under stress: one writer per `--out`, history only after the snapshot,
temporaries of a killed run swept when the next run starts.

Real CLI runs against the simulated web; the lock is held from a second process (or a
second open file in this one: `flock` conflicts between open files, not just processes).
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

import linkwarden.persist as persist
import linkwarden.report as report
from linkwarden.cli import main
from linkwarden.errors import OutputBusy
from linkwarden.state.lock import exclusive, exclusive_out
from simweb import Page, SimWeb

pytestmark = pytest.mark.e2e

WEB = "papers.sim.test"
CANARY = "canary.sim.test"
PAGE = f"https://{WEB}/paper"


@pytest.fixture
def workdir(simweb: SimWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    config = {"check": {"timeout": 1.0, "retries": 0, "canaries": [f"https://{CANARY}/"]}}
    (tmp_path / "linkwarden.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (tmp_path / "list.md").write_text(f"# L\n\n- [A]({PAGE})\n", encoding="utf-8")
    simweb.host(CANARY)
    simweb.set_url(PAGE, Page(title="A paper"))
    return tmp_path


def check(simweb: SimWeb, *extra: str) -> list[str]:
    return ["check", "list.md", "--quiet", "--no-enrich", *extra, *simweb.cli_args()]


def history_rows(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out / "history.csv").read_text(encoding="utf-8"))))


def test_a_second_writer_to_the_same_out_stops_with_exit_4(
    simweb: SimWeb, workdir: Path, capsys: Any
) -> None:
    out = workdir / "reports"
    assert main(check(simweb)) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from linkwarden.state.lock import exclusive\n"
            "with exclusive(Path(sys.argv[1])):\n"
            "    print('held', flush=True); sys.stdin.read()",
            str(out),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        capsys.readouterr()
        assert main(check(simweb)) == 4
        err = capsys.readouterr().err
        assert "another linkwarden run is writing to this folder" in err
        assert err.startswith("linkwarden: error: reports: ") and "Traceback" not in err
        # Nothing of the first run's set was touched.
        assert {p.name: p.read_bytes() for p in out.iterdir()} == before
        # Another folder is free.
        assert main(check(simweb, "--out", "elsewhere")) == 0
    finally:
        holder.communicate("", timeout=30)
    assert main(check(simweb)) == 0  # the lock died with its holder
    assert len(history_rows(out)) == 2


def test_the_lock_conflicts_within_one_process_too(tmp_path: Path) -> None:
    with (
        exclusive(tmp_path / "out"),
        pytest.raises(OutputBusy) as info,
        exclusive(tmp_path / "out"),
    ):
        pass
    assert info.value.exit_code == 4
    with exclusive(tmp_path / "out"):  # released
        pass
    assert not (tmp_path / "out").exists()  # created for nothing: removed again


def test_pr_mode_takes_no_lock(simweb: SimWeb, workdir: Path) -> None:
    """PR mode writes nothing into --out, so a nightly run holding it does not block it."""
    subprocess.run(["git", "init", "-q"], cwd=workdir, check=True)
    subprocess.run(["git", "add", "list.md"], cwd=workdir, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"],
        cwd=workdir,
        check=True,
    )
    with exclusive(workdir / "reports"):
        assert main(check(simweb, "--changed-since", "HEAD")) == 0


def test_history_gets_its_row_only_once_the_snapshot_is_written(
    simweb: SimWeb, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = workdir / "reports"
    assert main(check(simweb)) == 0
    history = (out / "history.csv").read_bytes()
    snapshot = (out / "latest.json").read_bytes()

    def killed(path: Any, snap: Any) -> None:
        raise KeyboardInterrupt  # the run dies while the snapshot is being written

    written = persist.write_snapshot
    monkeypatch.setattr(persist, "write_snapshot", killed)
    assert main(check(simweb)) == 130  # "interrupted"
    assert (out / "history.csv").read_bytes() == history  # no row for an unwritten snapshot
    assert (out / "latest.json").read_bytes() == snapshot
    assert not list(out.glob(".*.tmp"))  # the staged history was discarded
    monkeypatch.setattr(persist, "write_snapshot", written)
    seen: list[str] = []
    write_reports = report.write_reports

    def spying(*args: Any, history_csv: Path, **kwargs: Any) -> Any:
        seen.append(history_csv.read_text(encoding="utf-8"))
        return write_reports(*args, history_csv=history_csv, **kwargs)

    monkeypatch.setattr(report, "write_reports", spying)
    assert main(check(simweb)) == 0
    rows = history_rows(out)
    assert len(rows) == 2
    # The reports of that run drew the trend with its own row already (the staged file).
    assert seen == [(out / "history.csv").read_text(encoding="utf-8")]


def test_temporaries_of_a_killed_run_are_swept_when_the_next_run_starts(
    simweb: SimWeb, workdir: Path
) -> None:
    out = workdir / "reports"
    out.mkdir()
    leftovers = [out / ".latest.json.k1ll3d.tmp", out / ".history.csv.x9.tmp"]
    for leftover in leftovers:
        leftover.write_text("half a file", encoding="utf-8")  # fresh, not an hour old
    keep = out / "notes.tmp"  # not one of ours: no leading dot
    keep.write_text("mine", encoding="utf-8")
    assert main(check(simweb)) == 0
    assert not any(p.exists() for p in leftovers)
    assert keep.exists()


def test_exclusive_out_yields_what_it_swept(tmp_path: Path) -> None:
    (tmp_path / ".report.html.abc.tmp").write_text("x", encoding="utf-8")
    started = time.time()
    with exclusive_out(tmp_path) as swept:
        assert [p.name for p in swept] == [".report.html.abc.tmp"]
    assert time.time() - started < 5
