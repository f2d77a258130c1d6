"""A fake Hugging Face paper-page API for `sim.mount("huggingface.co", ..., prefix="/api/")`.

`GET /api/papers/{arxiv_id}`: the paper page (`id`, `title`, `githubRepo` when the page names
a repository), or 404 `{"error": ...}` when Hugging Face has no page for the paper. Mounted
under `/api/` only, so Spaces links on huggingface.co stay the world's pages.
"""

from __future__ import annotations

import json
from pathlib import Path

from .fake_api import ApiRequest, JsonApi, Reply

SEED = Path(__file__).parent / "data" / "registry_seed.json"


class FakeHf(JsonApi):
    def __init__(self, papers: dict[str, dict[str, str | None]] | None = None) -> None:
        super().__init__()
        self.papers = dict(papers or {})

    @classmethod
    def seeded(cls) -> FakeHf:
        return cls(json.loads(SEED.read_text(encoding="utf-8"))["huggingface"])

    def ids_asked(self) -> list[str]:
        prefix = "/api/papers/"
        return [r.path[len(prefix) :] for r in self.requests if r.path.startswith(prefix)]

    def answer(self, request: ApiRequest) -> Reply:
        prefix = "/api/papers/"
        if not request.path.startswith(prefix):
            return 404, {"error": "Not Found"}, {}
        arxiv_id = request.path[len(prefix) :]
        page = self.papers.get(arxiv_id)
        if page is None:
            return 404, {"error": "Entry not found"}, {}
        body: dict[str, object] = {"id": arxiv_id, "title": page.get("title"), "upvotes": 3}
        if page.get("githubRepo"):
            body["githubRepo"] = page["githubRepo"]
        return 200, body, {}
