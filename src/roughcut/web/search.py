"""The editing room's search box: its routes.

* ``GET /api/search?q=QUERY[&who=&seen=&size=&emotion=&take=&scene=&kind=&limit=]`` → the hits,
  best first, each a time range in a take with its fields and a thumbnail address.
* ``GET /media/search-thumb?take=NAME&frame=N`` the JPEG of a take at a frame (made on first use in
  the project's output folder).

The project is indexed on the first search (its analysis comes from the store, as the room's own
does) and kept for the next ones.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from roughcut.errors import RoughcutError

_FILTERS = ("who", "seen", "size", "emotion", "take", "scene", "kind")
_NO_STORE = {"Cache-Control": "no-store"}


class SearchError(RoughcutError):
    """A search request the room refuses (``status`` is the HTTP status)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class RoomSearch:
    """A project's search, built once on first use (in a worker thread) and shared."""

    def __init__(self, project_dir: str | Path) -> None:
        self.project_dir = Path(project_dir)
        self._search: Any = None
        self._lock = threading.Lock()

    def get(self) -> Any:  # roughcut.app.search.ProjectSearch
        with self._lock:
            if self._search is None:
                from roughcut.app.search import ProjectSearch

                self._search = ProjectSearch(self.project_dir)
            return self._search

    def query(self, params: dict[str, str]) -> dict[str, Any]:
        """The JSON answer to a search with the query parameters ``params``."""
        from roughcut.search.bin import hit_metadata

        text = params.get("q", "")
        if len(text) > 500:
            raise SearchError("a query may be at most 500 characters")
        limit_text = params.get("limit", "50")
        if not (limit_text.isascii() and limit_text.isdigit()) or not 1 <= int(limit_text) <= 500:
            raise SearchError(f"limit must be a whole number from 1 to 500 (got {limit_text!r})")
        filters = {name: params[name] for name in _FILTERS if params.get(name)}
        result = self.get().search(text, limit=int(limit_text), **filters)
        hits = []
        for hit in result.hits:
            row = hit_metadata(hit.record, score=hit.score)
            middle = (hit.record.start_frame + hit.record.end_frame) // 2
            row["thumb"] = "/media/search-thumb?" + urlencode({"take": hit.record.take, "frame": middle})
            hits.append(row)
        widened = {word: list(variants[1:]) for word, variants in result.terms if len(variants) > 1}
        return {"query": text, "filters": result.filters, "widened": widened, "hits": hits}

    def thumbnail(self, take: str, frame: str) -> Path:
        if not (frame.isascii() and frame.isdigit()) or len(frame) > 9:
            raise SearchError(f"a frame must be a whole number (got {frame!r})", 404)
        search = self.get()
        if take not in search.paths:
            raise SearchError(f"no take named {take!r}", 404)
        return search.thumbnail(take, int(frame))


def routes(project_dir: str | Path) -> list[Route]:
    """The search routes of the room for the project in ``project_dir``."""
    room_search = RoomSearch(project_dir)

    async def search(request: Request) -> Response:
        answer = await run_in_threadpool(room_search.query, dict(request.query_params))
        return JSONResponse(answer, headers=_NO_STORE)

    async def thumb(request: Request) -> Response:
        params = request.query_params
        path = await run_in_threadpool(room_search.thumbnail, params.get("take", ""), params.get("frame", ""))
        return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=60"})

    return [Route("/api/search", search), Route("/media/search-thumb", thumb)]
