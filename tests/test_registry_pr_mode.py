"""PR mode past the walls: a pull request that adds a DOI link with a typo fails on it,
even though the publisher's page is walled; only the changed link's DOI is asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry_helpers import mount_registries
from simweb import CloudflareChallenge, SimWeb
from test_pr_mode import edit, line_of, pr_check, repo, web  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e

TYPO = "https://dl.acm.org/doi/pdf/10.1145/3394171.3413865g"


def test_a_typo_doi_added_by_a_pr_fails_on_its_line(
    repo: Path,  # noqa: F811
    web: SimWeb,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    fakes = mount_registries(web)
    web.set("dl.acm.org", "/doi/pdf/10.1145/3394171.3413865g", CloudflareChallenge())
    edit(repo, "- [Delta]", f"- [Mesh Guided One-shot Face Reenactment]({TYPO})\n- [Delta]")
    added = line_of(repo, "3413865g")
    code = pr_check(web, "--annotations")
    out, err = capsys.readouterr()
    assert code == 1, err
    errors = [line for line in out.splitlines() if line.startswith("::error ")]
    assert len(errors) == 1, out
    assert errors[0].startswith(f"::error file=awesome.md,line={added},")
    assert "LW305" in errors[0] and "resolves nowhere" in errors[0]
    assert fakes.crossref.dois_asked() == ["10.1145/3394171.3413865g"]
    assert fakes.hf.requests == []  # no paper pages in PR mode
