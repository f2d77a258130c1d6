"""The GitHub conversations of `gh-issue` and `check --comment` on the machine's network.

Both talk to the fake issues API (`simweb/fake_github_issues.py`) through PyGithub, routed
by the network layer every other client uses (`enrich/_transport.py`): the CA comes only
from SSL_CERT_FILE (no `--cacert`), the proxy only from HTTPS_PROXY (no `--connect-to`),
exactly as on a runner behind a corporate proxy with its own CA. The API host itself is
named by the operator (`--api-url`, GITHUB_API_URL), so the private-address guard lets it
through even on loopback (docs/automation.md), and only it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linkwarden.check import NetworkOptions, TargetRefused
from linkwarden.cli import main
from linkwarden.report.pr_comment import MARKER
from simweb import SimWeb
from simweb.fake_github_issues import FakeGitHubIssues
from test_pr_mode import edit, repo, web  # noqa: F401  (fixtures: the repository and web)
from test_tracking import finding, write_night

pytestmark = pytest.mark.e2e

REPO = "octo/lists"
TOKEN = "test-token"
PR = 7
GHE = "ghe.sim.test"  # a GitHub Enterprise host the simulated web (and its proxy) serves
NETWORK_VARIABLES = (
    "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY",
)  # fmt: skip


@pytest.fixture(autouse=True)
def machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """No trust, proxy or GitHub setting but what each test gives."""
    for name in (*NETWORK_VARIABLES, "GITHUB_TOKEN", "GITHUB_SHA", "GITHUB_REPOSITORY",
                 "GITHUB_RUN_ID", "GITHUB_API_URL", "GITHUB_STEP_SUMMARY"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def issues_api(sim: SimWeb, host: str) -> tuple[FakeGitHubIssues, str]:
    """The fake mounted at `host` (port 443 for a name, the TLS port for the loopback)."""
    base = f"https://{host}:{sim.tls_port}" if host == "127.0.0.1" else f"https://{host}"
    fake = FakeGitHubIssues(base=base, repos=(REPO,), token=TOKEN)
    sim.mount(host, fake)
    return fake, base


def gh_issue(report_dir: Path, api_url: str, *extra: str) -> int:
    return main(
        ["gh-issue", "--report", str(report_dir), "--repo", REPO, "--api-url", api_url,
         "--github-token", TOKEN, "--write-interval", "0", *extra]
    )  # fmt: skip


# ------------------------------------------------------------------------- gh-issue


def test_gh_issue_trusts_a_ca_given_only_through_ssl_cert_file(
    simweb: SimWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    github, api = issues_api(simweb, "127.0.0.1")
    write_night(tmp_path, 1, [finding(12, "https://example.org/gone")])
    # The simulated web's CA is nobody's: without it the API's certificate is refused.
    assert gh_issue(tmp_path, api) == 3
    assert "TLS error talking to the GitHub API" in capsys.readouterr().err
    assert github.requests == []

    monkeypatch.setenv("SSL_CERT_FILE", simweb.ca_pem_path)
    assert gh_issue(tmp_path, api) == 0, capsys.readouterr().err
    assert "created tracking issue #1" in capsys.readouterr().out
    # On the loopback, and not refused: the API is the operator's, not a list's target.
    [issue] = github.all_issues()
    assert issue["title"] == "Link check: 1 problem in the lists"


def test_gh_issue_goes_through_a_proxy_given_only_through_https_proxy(
    simweb: SimWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    github, api = issues_api(simweb, GHE)  # a name only the proxy can resolve
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{simweb.proxy_port}")
    monkeypatch.setenv("SSL_CERT_FILE", simweb.ca_pem_path)
    write_night(tmp_path, 1, [finding(12, "https://example.org/gone")])
    assert gh_issue(tmp_path, api) == 0, capsys.readouterr().err
    assert "created tracking issue #1" in capsys.readouterr().out
    assert ("CONNECT", f"{GHE}:443") in simweb.proxy_log
    assert len(github.all_issues()) == 1

    # A host mapping beats the proxy, as in curl: straight to the mapped address.
    tunnels = len(simweb.proxy_log)
    write_night(tmp_path, 2, [])
    mapping = f"{GHE}:443:127.0.0.1:{simweb.tls_port}"
    assert gh_issue(tmp_path, api, "--connect-to", mapping) == 0
    assert "closed tracking issue #1" in capsys.readouterr().out
    assert simweb.proxy_log[tunnels:] == []


def test_the_guard_exempts_the_named_api_endpoint_and_nothing_else() -> None:
    network = NetworkOptions().trusting("https://ghe.corp.example:8443/api/v3")
    assert network.allowed("ghe.corp.example", ["10.1.2.3"], mapped=False, port=8443)
    assert network.allowed("GHE.corp.example.", ["10.1.2.3"], mapped=False, port=8443)
    network.guard_proxied("ghe.corp.example", ["10.1.2.3"], port=8443)
    with pytest.raises(TargetRefused, match="private"):  # the same host on another port
        network.allowed("ghe.corp.example", ["10.1.2.3"], mapped=False, port=443)
    with pytest.raises(TargetRefused, match="link-local"):  # another host (a redirect)
        network.allowed("evil.example", ["169.254.1.1"], mapped=False, port=8443)
    with pytest.raises(TargetRefused):
        network.guard_proxied("evil.example", ["127.0.0.1"], port=8443)
    loopback = NetworkOptions().trusting("https://127.0.0.1")
    assert loopback.endpoints == {("127.0.0.1", 443)}
    assert NetworkOptions().endpoints == frozenset()


# ------------------------------------------------------------------- the PR comment


def pull_request(repo_dir: Path, api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a runner sets for a `pull_request` event (the API at `api_url`)."""
    event = repo_dir / "event.json"
    event.write_text(json.dumps({"action": "synchronize", "pull_request": {"number": PR}}))
    for name, value in {
        "GITHUB_API_URL": api_url, "GITHUB_REPOSITORY": REPO, "GITHUB_EVENT_PATH": str(event),
        "GITHUB_TOKEN": TOKEN,
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    edit(repo_dir, "- [Delta]", "- [Eps](https://fresh.sim.test/missing) - new.\n- [Delta]")


def pr_run(*flags: str) -> int:
    return main(["check", "awesome.md", "--quiet", "--changed-since", "HEAD", "--comment",
                 *flags])  # fmt: skip


def mapping_only(sim: SimWeb) -> list[str]:
    """The simulated web's `--connect-to` flags without `--cacert`."""
    args = sim.cli_args()
    pairs = list(zip(args[::2], args[1::2], strict=True))
    return [x for flag, value in pairs if flag == "--connect-to" for x in (flag, value)]


@pytest.mark.parametrize("given", ["SSL_CERT_FILE", "HTTPS_PROXY"])
def test_the_pr_comment_follows_the_machines_trust_and_proxy(
    repo: Path,  # noqa: F811
    web: SimWeb,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    given: str,
) -> None:
    proxied = given == "HTTPS_PROXY"
    github, api = issues_api(web, GHE if proxied else "127.0.0.1")
    github.add_pull_request(PR, "Add a paper")
    pull_request(repo, api, monkeypatch)
    monkeypatch.setenv("SSL_CERT_FILE", web.ca_pem_path)  # never --cacert
    if proxied:  # no flags at all: the links and the API through the proxy
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{web.proxy_port}")
    assert pr_run(*([] if proxied else mapping_only(web))) == 1  # the new dead link
    err = capsys.readouterr().err
    assert f"commented on pull request #{PR}" in err, err
    [body] = github.comments_of(PR)
    assert body.startswith(MARKER) and "fresh.sim.test/missing" in body
    tunnels = {target for method, target in web.proxy_log if method == "CONNECT"}
    if proxied:
        assert {"fresh.sim.test:443", f"{GHE}:443"} <= tunnels  # the checker and PyGithub
    else:
        assert tunnels == set()
