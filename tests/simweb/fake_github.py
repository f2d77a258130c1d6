"""A fake GitHub API (REST + GraphQL) as an ASGI app, for `sim.mount("api.github.com", ...)`.

Real-shaped answers for what linkwarden asks: `GET /rate_limit` (free, like the real one),
`GET /repos/{owner}/{name}` (301 to `/repositories/{id}` for a renamed or transferred
repository, 404 with GitHub's JSON for a missing one), `GET /repositories/{id}`, and
`POST /graphql` with one `repository(owner:, name:)` alias per repository (renames followed,
`null` plus a NOT_FOUND error for a missing one). Every answer carries `x-ratelimit-*`
headers; anonymous callers get 60 requests, then 403 "API rate limit exceeded". Requests are
counted per kind and the Authorization header of each is kept, so tests can assert the
budget and that a token only ever reaches the API host.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

SEED = Path(__file__).parent / "data" / "enrich_seed.json"
RESET_AT = 1893456000  # x-ratelimit-reset: a fixed epoch second, far ahead
_ALIAS = re.compile(r"(\w+)\s*:\s*repository\(\s*owner:\s*\$(\w+)\s*,\s*name:\s*\$(\w+)\s*\)")


@dataclass
class Repo:
    full_name: str
    id: int
    stars: int = 0
    forks: int = 0
    archived: bool = False
    disabled: bool = False
    empty: bool = False
    pushed_at: str | None = "2024-05-01T08:00:00Z"
    license: str | None = "MIT"
    default_branch: str = "main"


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    kind: str  # rest | graphql | rate_limit | other
    authorization: str | None
    host: str


@dataclass
class FakeGithub:
    repos: dict[str, Repo] = field(default_factory=dict)  # by lower full name
    renames: dict[str, str] = field(default_factory=dict)  # lower old name -> new full name
    tokens: set[str] = field(default_factory=lambda: {"ghp_test_token"})
    anonymous_limit: int = 60
    token_limit: int = 5000
    seen: list[Seen] = field(default_factory=list)
    used: dict[str, int] = field(default_factory=dict)  # quota spent per caller

    @classmethod
    def seeded(cls) -> FakeGithub:
        """The repositories of the five real lists, with the SadTalker rename and friends."""
        data = json.loads(SEED.read_text(encoding="utf-8"))
        fake = cls()
        for item in data["repos"]:
            fake.add(Repo(**item))
        for old, new in data["renames"].items():
            fake.rename(old, new)
        return fake

    def add(self, repo: Repo) -> None:
        self.repos[repo.full_name.lower()] = repo

    def rename(self, old: str, new: str) -> None:
        self.renames[old.lower()] = new

    def count(self, kind: str) -> int:
        return sum(1 for s in self.seen if s.kind == kind)

    @property
    def api_requests(self) -> int:
        """Requests that count against a quota (everything but /rate_limit)."""
        return sum(1 for s in self.seen if s.kind in ("rest", "graphql"))

    def lookup(self, full_name: str) -> Repo | None:
        """The repository a name leads to now (following renames), or None."""
        key = full_name.lower()
        for _ in range(5):
            if key in self.repos:
                return self.repos[key]
            if key not in self.renames:
                return None
            key = self.renames[key].lower()
        return None

    # --- ASGI -----------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        method, path = scope["method"], scope["path"]
        auth = headers.get("authorization")
        host = headers.get("host", "api.github.com")
        kind = (
            "rate_limit"
            if path == "/rate_limit"
            else "graphql"
            if path == "/graphql"
            else "rest"
            if path.startswith(("/repos/", "/repositories/"))
            else "other"
        )
        self.seen.append(Seen(method, path, kind, auth, host))
        base = f"{scope.get('scheme', 'http')}://{host}"

        caller, limit = self._caller(auth)
        if caller is None:
            await _json(send, 401, {"message": "Bad credentials", "documentation_url": _DOCS})
            return
        if kind == "rate_limit":
            await _json(
                send, 200, self._rate_body(caller, limit), self._rate_headers(caller, limit)
            )
            return
        if kind == "graphql" and caller == "anonymous":
            await _json(
                send,
                401,
                {
                    "message": "This endpoint requires you to be authenticated.",
                    "documentation_url": _DOCS,
                },
            )
            return
        if kind in ("rest", "graphql"):
            if self.used.get(caller, 0) >= limit:
                await _json(
                    send,
                    403,
                    {
                        "message": "API rate limit exceeded for 127.0.0.1. "
                        "(But here's the good news: Authenticated requests get a higher "
                        "rate limit. Check out the documentation for more details.)",
                        "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
                    },
                    self._rate_headers(caller, limit),
                )
                return
            self.used[caller] = self.used.get(caller, 0) + 1
        rate = self._rate_headers(caller, limit)
        if kind == "graphql" and method == "POST":
            await _json(send, 200, self._graphql(json.loads(body or b"{}")), rate)
        elif kind == "rest" and method == "GET":
            await self._rest(send, path, base, rate)
        else:
            await _json(send, 404, {"message": "Not Found", "documentation_url": _DOCS}, rate)

    def _caller(self, auth: str | None) -> tuple[str | None, int]:
        if not auth:
            return "anonymous", self.anonymous_limit
        token = auth.split(" ", 1)[-1].strip()
        if token in self.tokens:
            return token, self.token_limit
        return None, 0

    def _rate_headers(self, caller: str, limit: int) -> dict[str, str]:
        used = self.used.get(caller, 0)
        return {
            "x-ratelimit-limit": str(limit),
            "x-ratelimit-remaining": str(max(0, limit - used)),
            "x-ratelimit-reset": str(RESET_AT),
            "x-ratelimit-used": str(used),
            "x-ratelimit-resource": "core",
        }

    def _rate_body(self, caller: str, limit: int) -> dict[str, Any]:
        used = self.used.get(caller, 0)
        core = {"limit": limit, "used": used, "remaining": max(0, limit - used), "reset": RESET_AT}
        graphql = (
            dict(core)
            if caller != "anonymous"
            else {"limit": 0, "used": 0, "remaining": 0, "reset": RESET_AT}
        )
        return {"resources": {"core": core, "graphql": graphql}, "rate": core}

    async def _rest(self, send: Send, path: str, base: str, rate: dict[str, str]) -> None:
        m = re.fullmatch(r"/repos/([\w.-]+)/([\w.-]+)", path)
        if m:
            name = f"{m.group(1)}/{m.group(2)}"
            repo = self.lookup(name)
            if repo is None:
                await _json(
                    send,
                    404,
                    {"message": "Not Found", "documentation_url": _DOCS_REPO, "status": "404"},
                    rate,
                )
            elif repo.full_name.lower() != name.lower():
                where = f"{base}/repositories/{repo.id}"
                await _json(
                    send,
                    301,
                    {"message": "Moved Permanently", "url": where, "documentation_url": _DOCS},
                    {**rate, "location": where},
                )
            else:
                await _json(send, 200, _rest_repo(repo, base), rate)
            return
        m = re.fullmatch(r"/repositories/(\d+)", path)
        found = [r for r in self.repos.values() if m and r.id == int(m.group(1))]
        if found:
            await _json(send, 200, _rest_repo(found[0], base), rate)
        else:
            await _json(
                send,
                404,
                {"message": "Not Found", "documentation_url": _DOCS, "status": "404"},
                rate,
            )

    def _graphql(self, request: dict[str, Any]) -> dict[str, Any]:
        query = str(request.get("query", ""))
        variables = request.get("variables") or {}
        data: dict[str, Any] = {}
        errors: list[dict[str, Any]] = []
        for alias, owner_var, name_var in _ALIAS.findall(query):
            owner, name = variables.get(owner_var, ""), variables.get(name_var, "")
            repo = self.lookup(f"{owner}/{name}")
            if repo is None:
                data[alias] = None
                errors.append(
                    {
                        "type": "NOT_FOUND",
                        "path": [alias],
                        "locations": [{"line": 2, "column": 3}],
                        "message": "Could not resolve to a Repository with the name "
                        f"'{owner}/{name}'.",
                    }
                )
            else:
                data[alias] = _graphql_repo(repo)
        if "rateLimit" in query:
            data["rateLimit"] = {"cost": 1, "remaining": 4999}
        answer: dict[str, Any] = {"data": data}
        if errors:
            answer["errors"] = errors
        return answer


_DOCS = "https://docs.github.com/rest"
_DOCS_REPO = "https://docs.github.com/rest/repos/repos#get-a-repository"


def _rest_repo(repo: Repo, base: str) -> dict[str, Any]:
    owner, name = repo.full_name.split("/", 1)
    return {
        "id": repo.id,
        "name": name,
        "full_name": repo.full_name,
        "owner": {"login": owner, "type": "User"},
        "private": False,
        "html_url": f"https://github.com/{repo.full_name}",
        "url": f"{base}/repos/{repo.full_name}",
        "fork": False,
        "size": 0 if repo.empty else 2048,
        "stargazers_count": repo.stars,
        "watchers_count": repo.stars,
        "forks_count": repo.forks,
        "archived": repo.archived,
        "disabled": repo.disabled,
        "pushed_at": repo.pushed_at,
        "default_branch": repo.default_branch,
        "license": {"key": repo.license.lower(), "spdx_id": repo.license, "name": repo.license}
        if repo.license
        else None,
    }


def _graphql_repo(repo: Repo) -> dict[str, Any]:
    return {
        "nameWithOwner": repo.full_name,
        "url": f"https://github.com/{repo.full_name}",
        "stargazerCount": repo.stars,
        "forkCount": repo.forks,
        "isArchived": repo.archived,
        "isDisabled": repo.disabled,
        "isEmpty": repo.empty,
        "pushedAt": repo.pushed_at,
        "licenseInfo": {"spdxId": repo.license, "name": repo.license} if repo.license else None,
        "defaultBranchRef": None if repo.empty else {"name": repo.default_branch},
    }


async def _json(
    send: Send, status: int, payload: Any, headers: dict[str, str] | None = None
) -> None:
    body = json.dumps(payload).encode("utf-8")
    raw = [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
    ]
    raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
