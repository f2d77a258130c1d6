"""A fake of GitHub's REST issues API, as an ASGI app to mount on the simulated web.

It serves what `linkwarden gh-issue` (through PyGithub) uses, with GitHub's JSON shapes,
status codes and `Link` pagination:

- ``GET  /repos/{owner}/{repo}``                      the repository
- ``GET  /repos/{owner}/{repo}/issues``               list (state, labels, sort, direction,
                                                      per_page, page); newest first
- ``POST /repos/{owner}/{repo}/issues``               create (title, body, labels) → 201
- ``GET  /repos/{owner}/{repo}/issues/{n}``           one issue
- ``PATCH /repos/{owner}/{repo}/issues/{n}``          edit (title, body, state, state_reason,
                                                      labels)
- ``GET|POST /repos/{owner}/{repo}/issues/{n}/comments``  list / add a comment → 201
                                                      (pull requests too: GitHub's PR
                                                      conversation is the issue comments API)
- ``GET|PATCH|DELETE /repos/{owner}/{repo}/issues/comments/{id}``  one comment: read, edit,
                                                      delete → 204

Every request needs ``Authorization: token T`` or ``Bearer T`` with the configured token
(else 401 "Bad credentials", like GitHub), or one of `read_only_tokens`: those may read,
and every write gets GitHub's 403 "Resource not accessible by integration" (the token a
pull request from a fork gets). Only the configured repositories exist (404 otherwise).
Pull requests are added with `add_pull_request` (an issue with a `pull_request` key).
Everything it did is inspectable: `issues`, `comments`, `requests`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_DOCS = "https://docs.github.com/rest"
_ROUTE = re.compile(r"^/repos/([^/]+)/([^/]+)(/issues(?:/(\d+)(/comments)?)?)?/?$")
_COMMENT_ROUTE = re.compile(r"^/repos/([^/]+)/([^/]+)/issues/comments/(\d+)/?$")


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: str
    body: Any


@dataclass
class FakeGitHubIssues:
    """State and behaviour of the fake. `base` is the URL it is mounted at (no slash)."""

    base: str
    repos: tuple[str, ...] = ("octo/lists",)
    token: str = "test-token"
    read_only_tokens: tuple[str, ...] = ()
    login: str = "github-actions[bot]"
    issues: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    comments: dict[tuple[str, int], list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)
    _clock: datetime = field(default_factory=lambda: datetime(2026, 1, 1, tzinfo=timezone.utc))
    _next_id: int = 1000

    # ---------------------------------------------------------------- inspection helpers

    def all_issues(self, repo: str = "octo/lists") -> list[dict[str, Any]]:
        return list(self.issues.get(repo.lower(), []))

    def comments_of(self, number: int, repo: str = "octo/lists") -> list[str]:
        return [c["body"] for c in self.comments.get((repo.lower(), number), [])]

    def writes(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method in ("POST", "PATCH", "DELETE")]

    def add_pull_request(self, number: int, title: str = "A pull request") -> None:
        """A pull request numbered `number` (issues and PRs share numbers on GitHub)."""
        full = self.repos[0]
        issues = self.issues.setdefault(full.lower(), [])
        while len(issues) < number - 1:  # fill the numbers before it with closed issues
            self._create(full, {"title": f"issue {len(issues) + 1}"})
            issues[-1]["state"] = "closed"
        status, issue, _ = self._create(full, {"title": title})
        assert status == 201 and issue["number"] == number, "that number is taken"
        issue["pull_request"] = {
            "url": f"{self.base}/repos/{full}/pulls/{number}",
            "html_url": f"https://github.com/{full}/pull/{number}",
        }
        issue["html_url"] = f"https://github.com/{full}/pull/{number}"

    # -------------------------------------------------------------------- JSON shapes

    def _tick(self) -> str:
        self._clock += timedelta(minutes=1)
        return self._clock.strftime("%Y-%m-%dT%H:%M:%SZ")

    def _id(self) -> int:
        self._next_id += 1
        return self._next_id

    def _user(self) -> dict[str, Any]:
        return {
            "login": self.login,
            "id": 41898282,
            "node_id": "MDM6Qm90NDE4OTgyODI=",
            "type": "Bot",
            "site_admin": False,
            "url": f"{self.base}/users/{self.login}",
            "html_url": f"https://github.com/apps/{self.login}",
        }

    def _repo_json(self, full: str) -> dict[str, Any]:
        owner, name = full.split("/")
        return {
            "id": 4242,
            "node_id": "R_kgDOfake",
            "name": name,
            "full_name": full,
            "private": False,
            "owner": {"login": owner, "id": 1, "type": "Organization"},
            "html_url": f"https://github.com/{full}",
            "url": f"{self.base}/repos/{full}",
            "issues_url": f"{self.base}/repos/{full}/issues{{/number}}",
            "default_branch": "main",
            "has_issues": True,
            "open_issues_count": sum(
                1 for i in self.issues.get(full.lower(), []) if i["state"] == "open"
            ),
        }

    def _label(self, full: str, name: str) -> dict[str, Any]:
        return {
            "id": abs(hash(name)) % 10**9,
            "node_id": "LA_fake",
            "url": f"{self.base}/repos/{full}/labels/{name}",
            "name": name,
            "color": "d73a4a",
            "default": False,
            "description": None,
        }

    # ------------------------------------------------------------------------ routing

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        raw = b""
        while True:
            message = await receive()
            raw += message.get("body", b"")
            if not message.get("more_body"):
                break
        method = scope["method"]
        path = scope["path"]
        query = scope.get("query_string", b"").decode("latin-1")
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = None
        self.requests.append(RecordedRequest(method, path, query, payload))
        status, body, headers = self.handle(method, path, query, payload, dict(scope["headers"]))
        data = json.dumps(body).encode("utf-8") if body is not None else b""
        out_headers = [
            (b"content-type", b"application/json; charset=utf-8"),
            (b"content-length", str(len(data)).encode()),
            (b"x-ratelimit-limit", b"5000"),
            (b"x-ratelimit-remaining", b"4999"),
            (b"x-ratelimit-reset", b"1893456000"),
            (b"x-github-media-type", b"github.v3; format=json"),
        ]
        out_headers += [(k.encode(), v.encode()) for k, v in headers.items()]
        await send({"type": "http.response.start", "status": status, "headers": out_headers})
        await send({"type": "http.response.body", "body": data})

    def handle(
        self,
        method: str,
        path: str,
        query: str,
        payload: Any,
        headers: dict[bytes, bytes],
    ) -> tuple[int, Any, dict[str, str]]:
        auth = headers.get(b"authorization", b"").decode("latin-1")
        token = auth.split(" ", 1)[-1] if auth.startswith(("token ", "Bearer ")) else ""
        if token != self.token and token not in self.read_only_tokens:
            return 401, {"message": "Bad credentials", "documentation_url": _DOCS}, {}
        if token != self.token and method != "GET":
            return (
                403,
                {"message": "Resource not accessible by integration", "documentation_url": _DOCS},
                {},
            )
        comment_match = _COMMENT_ROUTE.match(path)
        if comment_match:
            return self._one_comment(method, comment_match, payload)
        match = _ROUTE.match(path)
        known = {r.lower(): r for r in self.repos}
        if not match or f"{match.group(1)}/{match.group(2)}".lower() not in known:
            return 404, {"message": "Not Found", "documentation_url": _DOCS}, {}
        full = known[f"{match.group(1)}/{match.group(2)}".lower()]
        issues_part, number, comments_part = match.group(3), match.group(4), match.group(5)
        if issues_part is None:
            return (200, self._repo_json(full), {}) if method == "GET" else self._not_allowed()
        if number is None:
            if method == "GET":
                return self._list(full, path, parse_qs(query))
            if method == "POST":
                return self._create(full, payload)
            return self._not_allowed()
        issue = self._find(full, int(number))
        if issue is None:
            return 404, {"message": "Not Found", "documentation_url": _DOCS}, {}
        if comments_part:
            if method == "POST":
                return self._comment(full, issue, payload)
            if method == "GET":
                return 200, self.comments.get((full.lower(), issue["number"]), []), {}
            return self._not_allowed()
        if method == "GET":
            return 200, issue, {}
        if method == "PATCH":
            return self._edit(full, issue, payload)
        return self._not_allowed()

    @staticmethod
    def _not_allowed() -> tuple[int, Any, dict[str, str]]:
        return 404, {"message": "Not Found", "documentation_url": _DOCS}, {}

    @staticmethod
    def _invalid(message: str) -> tuple[int, Any, dict[str, str]]:
        return (
            422,
            {"message": "Validation Failed", "errors": [message], "documentation_url": _DOCS},
            {},
        )

    def _find(self, full: str, number: int) -> dict[str, Any] | None:
        return next((i for i in self.issues.get(full.lower(), []) if i["number"] == number), None)

    # ---------------------------------------------------------------------- handlers

    def _list(
        self, full: str, path: str, q: dict[str, list[str]]
    ) -> tuple[int, Any, dict[str, str]]:
        state = q.get("state", ["open"])[0]
        wanted = {n for v in q.get("labels", []) for n in v.split(",") if n}
        items = [
            i
            for i in self.issues.get(full.lower(), [])
            if (state == "all" or i["state"] == state)
            and wanted <= {label["name"] for label in i["labels"]}
        ]
        items.sort(key=lambda i: i["number"], reverse=q.get("direction", ["desc"])[0] == "desc")
        per_page = max(1, min(100, int(q.get("per_page", ["30"])[0])))
        page = max(1, int(q.get("page", ["1"])[0]))
        chunk = items[(page - 1) * per_page : page * per_page]
        headers: dict[str, str] = {}
        last = max(1, -(-len(items) // per_page))
        if page < last:
            keep = {k: v[0] for k, v in q.items() if k != "page"}
            base_query = "&".join(f"{k}={v}" for k, v in sorted(keep.items()))
            headers["link"] = (
                f'<{self.base}{path}?{base_query}&page={page + 1}>; rel="next", '
                f'<{self.base}{path}?{base_query}&page={last}>; rel="last"'
            )
        return 200, chunk, headers

    def _create(self, full: str, payload: Any) -> tuple[int, Any, dict[str, str]]:
        if not isinstance(payload, dict) or not payload.get("title"):
            return self._invalid("title is required")
        issues = self.issues.setdefault(full.lower(), [])
        number = len(issues) + 1
        stamp = self._tick()
        base = f"{self.base}/repos/{full}/issues/{number}"
        issue: dict[str, Any] = {
            "id": self._id(),
            "node_id": f"I_fake{number}",
            "url": base,
            "repository_url": f"{self.base}/repos/{full}",
            "labels_url": f"{base}/labels{{/name}}",
            "comments_url": f"{base}/comments",
            "events_url": f"{base}/events",
            "html_url": f"https://github.com/{full}/issues/{number}",
            "number": number,
            "state": "open",
            "state_reason": None,
            "title": str(payload["title"]),
            "body": payload.get("body"),
            "user": self._user(),
            "labels": [self._label(full, str(n)) for n in payload.get("labels", [])],
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "locked": False,
            "active_lock_reason": None,
            "comments": 0,
            "created_at": stamp,
            "updated_at": stamp,
            "closed_at": None,
            "closed_by": None,
            "author_association": "CONTRIBUTOR",
        }
        issues.append(issue)
        return 201, issue, {"location": base}

    def _edit(
        self, full: str, issue: dict[str, Any], payload: Any
    ) -> tuple[int, Any, dict[str, str]]:
        if not isinstance(payload, dict):
            return self._invalid("body must be a JSON object")
        if "state" in payload and payload["state"] not in ("open", "closed"):
            return self._invalid("state must be open or closed")
        for key in ("title", "body"):
            if key in payload:
                issue[key] = payload[key]
        if "labels" in payload:
            issue["labels"] = [self._label(full, str(n)) for n in payload["labels"]]
        stamp = self._tick()
        if payload.get("state") == "closed" and issue["state"] == "open":
            issue.update(state="closed", closed_at=stamp, closed_by=self._user())
            issue["state_reason"] = payload.get("state_reason", "completed")
        elif payload.get("state") == "open" and issue["state"] == "closed":
            issue.update(state="open", closed_at=None, closed_by=None, state_reason="reopened")
        issue["updated_at"] = stamp
        return 200, issue, {}

    def _comment(
        self, full: str, issue: dict[str, Any], payload: Any
    ) -> tuple[int, Any, dict[str, str]]:
        if not isinstance(payload, dict) or not payload.get("body"):
            return self._invalid("body is required")
        stamp = self._tick()
        cid = self._id()
        comment = {
            "id": cid,
            "node_id": f"IC_fake{cid}",
            "url": f"{self.base}/repos/{full}/issues/comments/{cid}",
            "html_url": f"{issue['html_url']}#issuecomment-{cid}",
            "issue_url": issue["url"],
            "body": str(payload["body"]),
            "user": self._user(),
            "created_at": stamp,
            "updated_at": stamp,
            "author_association": "CONTRIBUTOR",
        }
        self.comments.setdefault((full.lower(), issue["number"]), []).append(comment)
        issue["comments"] += 1
        issue["updated_at"] = stamp
        return 201, comment, {}

    def _one_comment(
        self, method: str, match: re.Match[str], payload: Any
    ) -> tuple[int, Any, dict[str, str]]:
        full = f"{match.group(1)}/{match.group(2)}".lower()
        if full not in {r.lower() for r in self.repos}:
            return 404, {"message": "Not Found", "documentation_url": _DOCS}, {}
        cid = int(match.group(3))
        for (repo, number), comments in self.comments.items():
            for comment in comments:
                if repo != full or comment["id"] != cid:
                    continue
                if method == "GET":
                    return 200, comment, {}
                if method == "DELETE":
                    comments.remove(comment)
                    issue = self._find(full, number)
                    if issue is not None:
                        issue["comments"] -= 1
                    return 204, None, {}
                if method == "PATCH":
                    if not isinstance(payload, dict) or not payload.get("body"):
                        return self._invalid("body is required")
                    comment["body"] = str(payload["body"])
                    comment["updated_at"] = self._tick()
                    return 200, comment, {}
                return self._not_allowed()
        return 404, {"message": "Not Found", "documentation_url": _DOCS}, {}
