"""`linkwarden lint` through the real CLI: output formats, config severities, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from linkwarden.cli import main

REPO = Path(__file__).resolve().parents[1]

CLEAN = """# A small list

## 2020

- [CVPR 2020] [A Perfectly Ordinary Paper About Faces](https://arxiv.org/abs/2001.00001), [Code](https://github.com/someone/faces)
"""

WRAPPED = "https://www.google.com/url?sa=t&url=https%3A%2F%2Farxiv.org%2Fabs%2F2001.00002&usg=x"
WARNINGS_ONLY = f"""# A list

- [Wrapped Paper About Things]({WRAPPED}), [Code](https://arxiv.org/abs/2001.00002)
"""

ERRORS = """# A list

- [An Empty Link Paper]()
- [A Second Paper About Voices](https://arxiv.org/abs/2001.00003v1)
"""


def lint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], *argv: str
) -> tuple[int, str, str]:
    code = main(["lint", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory: no registry, no config unless a test writes one."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_clean_list_exits_0_with_summary(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(workdir / "clean.md", CLEAN)
    code, out, err = lint(workdir, capsys, "clean.md")
    assert code == 0
    assert out == ""
    assert "1 list(s), 1 entries, 2 links" in err and "0 finding(s)" in err


def test_warnings_do_not_fail(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(workdir / "warn.md", WARNINGS_ONLY)
    code, out, _ = lint(workdir, capsys, "warn.md")
    assert code == 0
    lines = out.splitlines()
    assert any(line.startswith("warn.md:3: LW106 [warning] ") for line in lines)
    assert any(line.startswith("warn.md:3: LW110 [warning] ") for line in lines)
    wrapped = next(line for line in lines if " LW106 " in line)
    assert wrapped.endswith(" -> https://arxiv.org/abs/2001.00002")


def test_an_error_finding_exits_1(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(workdir / "bad.md", ERRORS)
    code, out, err = lint(workdir, capsys, "bad.md")
    assert code == 1
    assert out.splitlines() == [
        'bad.md:3: LW101 [error] link "An Empty Link Paper" has no URL: readers click on nothing',
        "bad.md:4: LW108 [info] arXiv link pins version v1 of 2001.00003; readers miss later "
        "revisions. Link the unversioned ID -> https://arxiv.org/abs/2001.00003",
    ]
    assert "1 error, 0 warning, 1 info" in err


def test_config_severity_override_changes_the_exit_code(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(workdir / "bad.md", ERRORS)
    write(workdir / "linkwarden.yaml", "severity:\n  empty-link: warning\n  LW108: off\n")
    code, out, _ = lint(workdir, capsys, "bad.md")
    assert code == 0
    assert out.splitlines() == [
        'bad.md:3: LW101 [warning] link "An Empty Link Paper" has no URL: readers click on nothing'
    ]


def test_config_can_raise_a_rule_to_error(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(workdir / "warn.md", WARNINGS_ONLY)
    write(workdir / "strict.yaml", "severity:\n  redirect-wrapper: error\n")
    code, out, _ = lint(workdir, capsys, "--config", "strict.yaml", "warn.md")
    assert code == 1
    assert "warn.md:3: LW106 [error] " in out


def test_unknown_rule_in_config_exits_2(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(workdir / "clean.md", CLEAN)
    write(workdir / "linkwarden.yaml", "severity:\n  LW999: error\n")
    code, out, err = lint(workdir, capsys, "clean.md")
    assert code == 2 and out == ""
    assert "linkwarden.yaml" in err and "severity.LW999" in err and "Traceback" not in err


def test_bad_severity_value_exits_2(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(workdir / "clean.md", CLEAN)
    write(workdir / "linkwarden.yaml", "severity:\n  LW101: fatal\n")
    code, _, err = lint(workdir, capsys, "clean.md")
    assert code == 2 and "must be error, warning, info or off" in err


def test_missing_file_exits_2(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = lint(workdir, capsys, "nope.md")
    assert code == 2 and out == ""
    assert err.strip() == "linkwarden: error: nope.md: no such file or directory"


def test_binary_file_exits_2(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "blob.md").write_bytes(b"\x00\x01\x02binary")
    code, _, err = lint(workdir, capsys, "blob.md")
    assert code == 2 and "blob.md" in err and "binary" in err


def test_invalid_utf8_is_a_warning_finding_not_a_crash(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "latin.md").write_bytes(b"# L\n\n- caf\xe9 [A Paper](https://a.org/p)\n")
    code, out, _ = lint(workdir, capsys, "latin.md")
    assert code == 0
    assert "latin.md:3: LW100 [warning] invalid UTF-8" in out


def test_usage_error_exits_2(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["lint", "--format", "xml"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_json_format_is_stable(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(workdir / "bad.md", ERRORS)
    write(workdir / "warn.md", WARNINGS_ONLY)
    code1, out1, _ = lint(workdir, capsys, "--format", "json", "warn.md", "bad.md")
    code2, out2, _ = lint(workdir, capsys, "--format", "json", "bad.md", "warn.md")
    assert code1 == code2 == 1
    assert out1 == out2  # same findings, same order, whatever order the inputs came in
    doc = json.loads(out1)
    assert list(doc) == ["version", "summary", "findings"] and doc["version"] == 1
    assert doc["summary"] == {
        "lists": 2, "entries": 3, "links": 4, "skipped_links": 0, "findings": 4,
        "error": 1, "warning": 2, "info": 1,
    }  # fmt: skip
    assert [(f["path"], f["line"], f["code"]) for f in doc["findings"]] == [
        ("bad.md", 3, "LW101"),
        ("bad.md", 4, "LW108"),
        ("warn.md", 3, "LW106"),
        ("warn.md", 3, "LW110"),
    ]
    first = doc["findings"][0]
    assert first == {
        "code": "LW101",
        "rule": "empty-link",
        "severity": "error",
        "list": "bad",
        "path": "bad.md",
        "line": 3,
        "message": 'link "An Empty Link Paper" has no URL: readers click on nothing',
        "url": None,
        "suggestion": None,
        "entry": "An Empty Link Paper",
    }


def test_lint_on_the_bundled_lists_fails_on_their_errors(capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code = main(["lint", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    assert doc["summary"]["lists"] == 5
    where = {(Path(f["path"]).name, f["line"], f["code"]) for f in doc["findings"]}
    assert {
        ("awesome-talking-head-generation.md", 45, "LW110"),
        ("awesome-talking-face-generation.md", 217, "LW102"),
        ("awesome-avatar.md", 241, "LW103"),
        ("face-reenactment-notes.md", 30, "LW115"),
    } <= where


def test_python_dash_m_runs_lint_as_a_subprocess(tmp_path: Path) -> None:
    write(tmp_path / "bad.md", ERRORS)
    proc = subprocess.run(
        [sys.executable, "-m", "linkwarden", "lint", "bad.md"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stdout.startswith("bad.md:3: LW101 [error] ")
    assert "Traceback" not in proc.stderr and "1 error" in proc.stderr
