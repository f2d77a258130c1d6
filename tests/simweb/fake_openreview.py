"""A fake OpenReview API for `sim.mount("api2.openreview.net", FakeOpenReview(v2, version=2))`
and `sim.mount("api.openreview.net", FakeOpenReview(v1, version=1))`.

`GET /notes?id=X`: API 2 wraps every content field (`{"title": {"value": ...}}`) and answers
404 NotFoundError for a note it does not hold; API 1 (legacy venues) has plain fields and an
empty `notes` list for an unknown ID.
"""

from __future__ import annotations

import json
from pathlib import Path

from .fake_api import ApiRequest, JsonApi, Reply

SEED = Path(__file__).parent / "data" / "registry_seed.json"


class FakeOpenReview(JsonApi):
    def __init__(self, notes: dict[str, str] | None = None, *, version: int = 2) -> None:
        super().__init__()
        self.notes = dict(notes or {})
        self.version = version

    @classmethod
    def seeded(cls, version: int) -> FakeOpenReview:
        data = json.loads(SEED.read_text(encoding="utf-8"))
        return cls(data[f"openreview_v{version}"], version=version)

    def answer(self, request: ApiRequest) -> Reply:
        if request.path != "/notes":
            return 404, {"name": "NotFoundError", "status": 404}, {}
        note_id = request.param("id") or ""
        title = self.notes.get(note_id)
        if title is None:
            if self.version == 2:
                message = f"The Note {note_id} was not found"
                return 404, {"name": "NotFoundError", "message": message, "status": 404}, {}
            return 200, {"notes": [], "count": 0}, {}
        content: dict[str, object] = (
            {"title": {"value": title}, "venue": {"value": "ICLR 2023"}}
            if self.version == 2
            else {"title": title, "venue": "ICLR 2022"}
        )
        note = {"id": note_id, "forum": note_id, "content": content}
        return 200, {"notes": [note], "count": 1}, {}
