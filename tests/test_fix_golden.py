"""fix on all five real lists: golden diffs, only the intended lines change, and a round trip.

The evidence is a hand-built snapshot (which URLs redirect, which repositories were
renamed, which https URLs answer): no network, and no claim about the real web.
Regenerate the goldens after an intended change with LINKWARDEN_UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from linkwarden.cli import main
from linkwarden.extract import extract
from linkwarden.fix import plan_file
from linkwarden.model import Enrichment, Hop, Status
from linkwarden.sources import load_registry, read_source
from linkwarden.state.codec import write_snapshot
from linkwarden.state.snapshot import Snapshot
from statekit import night, repo, result, snap

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "fix"
UPDATE = os.environ.get("LINKWARDEN_UPDATE_GOLDEN") == "1"

# Hand-built evidence. Redirects: (url, final URL); https: (http url, how it was verified).
FACE2FACE = "openaccess.thecvf.com/content_cvpr_2016/html/" + (
    "Thies_Face2Face_Real-Time_Face_CVPR_2016_paper.html"
)
REDIRECTS = {
    "http://arxiv.org/abs/2001.04758": "https://arxiv.org/abs/2001.04758",
    f"http://{FACE2FACE}": f"https://{FACE2FACE}",
    # A redirect to a target that would break the Markdown: never written.
    "https://github.com/sindresorhus/awesome": "https://example.org/a b",
}
SUGGESTED_HTTPS = ["http://cnceleb.org/", "http://feiiyin.github.io/StyleHEAT/"]
HTTPS_OK = ["https://arxiv.org/pdf/2008.10010.pdf", "https://arxiv.org/abs/2008.10010"]
RENAMES = {
    "Rudrabha/Wav2Lip": "wav2lip-org/Wav2Lip",
    "deepbrainai-research/discohead": "deepbrain-ai/discohead",
}
DEAD = ["https://github.com/ondyari/FaceForensics"]
UNVERIFIED_HTTP = ["http://www.robots.ox.ac.uk/~vgg/publications/2018/Wiles18/wiles18.pdf"]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of sources/ to fix, with the working directory set so paths show as sources/..."""
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _extracted():
    return [extract(read_source(s)) for s in load_registry(Path("sources/sources.yaml"))]


def _evidence(lists) -> Snapshot:
    results = {}
    for url, final in REDIRECTS.items():
        results[url] = result(url, Status.REDIRECTED, night(0), final_url=final, http_status=301,
                              chain=(Hop(url, 301, final),))  # fmt: skip
    for url in SUGGESTED_HTTPS:
        results[url] = result(
            url, Status.OK, night(0), suggestion="https://" + url[len("http://") :]
        )
    for url in HTTPS_OK + UNVERIFIED_HTTP:
        results[url] = result(url, Status.OK, night(0))
    for url in DEAD:
        results[url] = result(url, Status.DEAD, night(0))
    enrichment = Enrichment(
        repos={old.lower(): repo(old, 100, full_name=new) for old, new in RENAMES.items()}
    )
    return snap(lists, results, None, night(0), enrichment=enrichment)


def _plans():
    lists = _extracted()
    snapshot = _evidence(lists)
    plans = {}
    for extracted in lists:
        original = extracted.source.path.read_bytes().decode("utf-8")
        plans[extracted.source.name] = plan_file(extracted, original, snapshot)
    return plans, snapshot


def test_golden_diffs_for_all_five_lists(workdir: Path) -> None:
    plans, _ = _plans()
    assert len(plans) == 5
    for name, plan in plans.items():
        golden = GOLDEN / f"{name}.diff"
        text = plan.unified_diff()
        if UPDATE:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(text, encoding="utf-8")
        assert text, f"{name}: expected at least one fix"
        assert text == golden.read_text(encoding="utf-8"), name


def test_only_the_intended_lines_change(workdir: Path) -> None:
    plans, _ = _plans()
    for plan in plans.values():
        before = plan.original.splitlines(keepends=True)
        after = plan.fixed.splitlines(keepends=True)
        assert len(before) == len(after)
        changed = {i + 1 for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b}
        assert changed == {f.line for f in plan.fixes}
        for fix in plan.fixes:
            line = after[fix.line - 1]
            assert fix.new in line
            # Outside the replaced URLs the line is byte for byte what it was.
            olds = [f for f in plan.fixes if f.line == fix.line]
            restored = line
            for f in olds:
                restored = restored.replace(f.new, f.old)
            assert restored == before[fix.line - 1]


def test_the_intended_fixes_and_nothing_unsafe(workdir: Path) -> None:
    plans, _ = _plans()
    fixes = [f for plan in plans.values() for f in plan.fixes]
    kinds = {f.kind for f in fixes}
    assert kinds == {"unwrap", "redirect", "rename", "https"}
    news = " ".join(f.new for f in fixes)
    assert "example.org/a b" not in news  # unsafe target refused
    assert all("FaceForensics" not in f.old for f in fixes)  # dead: no fix
    assert all("wiles18" not in f.old for f in fixes)  # https not verified: no fix
    avatar = [f for f in plans["awesome-avatar"].fixes if f.kind == "rename"]
    assert {f.new for f in avatar} >= {
        "https://github.com/wav2lip-org/Wav2Lip",
        "https://img.shields.io/github/stars/wav2lip-org/Wav2Lip.svg",
        "https://img.shields.io/github/forks/wav2lip-org/Wav2Lip.svg",
    }
    unwrap = [f for f in plans["awesome-talking-head-generation"].fixes if f.kind == "unwrap"]
    assert [f.line for f in unwrap] == [39, 40]
    assert all(re.match(r"https://www\.google\.com/url\?", f.old) for f in unwrap)


def test_fix_command_writes_then_changes_nothing_more(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plans, snapshot = _plans()
    write_snapshot(workdir / "latest.json", snapshot)
    args = ["fix", "--registry", "sources/sources.yaml", "--snapshot", "latest.json"]
    assert main(args) == 0
    shown = capsys.readouterr()
    expected = "".join(plans[n].unified_diff() for n in plans)
    assert shown.out == expected
    assert "(use --write to apply)" in shown.err
    untouched = {p.name: p.read_bytes() for p in (workdir / "sources").iterdir()}
    assert untouched == {p.name: p.read_bytes() for p in (ROOT / "sources").iterdir()}

    assert main([*args, "--write"]) == 0
    capsys.readouterr()
    for plan in plans.values():
        assert Path(plan.path).read_bytes() == plan.fixed.encode("utf-8")

    assert main([*args, "--check"]) == 0  # a second run: nothing more to change
    again = capsys.readouterr()
    assert again.out == "" and "0 fix(es)" in again.err


def test_fix_check_flags_pending_fixes(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["fix", "--registry", "sources/sources.yaml", "--snapshot", "missing.json", "--check"]
    assert main(args) == 1  # wrappers are fixable offline
    err = capsys.readouterr().err
    assert "only redirect wrappers" in err and "2 fix(es)" in err
