"""The editing room's ASGI app (Starlette): one static page, a small JSON API, the takes and exports.

Routes:

* ``GET /`` the page; ``GET /static/…`` its script and style sheet.
* ``GET /api/status`` loading progress and the state's version (tabs poll it).
* ``GET /api/state`` everything the page shows (:meth:`EditingRoom.snapshot`).
* ``POST /api/settings`` ``{style, weights, params, pace, j_cut_frames, l_cut_frames}`` → new state.
* ``POST /api/pin`` ``{line, take}`` (``take: null`` unpins) → new state; ``POST /api/reset``.
* ``POST /api/export`` ``{formats: [...]}`` → the files written into the project's output folder.
* ``GET /media/takes/{n}`` a take's file (HTTP ranges, so the player can seek);
  ``GET /media/thumb?take=n[&line=id]`` a thumbnail; ``GET /files/{name}`` a file roughcut made in
  the output folder.

Every error is a JSON ``{"error": message}`` with a 4xx status (5xx only for a bug, without its
traceback).
"""

from __future__ import annotations

import json
import logging
import threading
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from roughcut.errors import RoughcutError
from roughcut.web.room import EditingRoom, RequestError

log = logging.getLogger(__name__)

STATIC = Path(str(files("roughcut.web") / "static"))
_NO_STORE = {"Cache-Control": "no-store"}


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=_NO_STORE)


async def _on_roughcut_error(request: Request, exc: Exception) -> Response:
    return _error(getattr(exc, "status", 400), str(exc))


async def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = {404: f"not found: {request.url.path}", 405: f"{request.method} not allowed here"}
    return _error(exc.status_code, message.get(exc.status_code, str(exc.detail)))


class _JsonErrors:
    """Any other exception (a bug) becomes a JSON 500 that names its type; the traceback goes to the
    server's log once, never to the browser."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            log.exception("editing room: %s %s failed", scope.get("method"), scope.get("path"))
            if not started:
                message = f"internal error ({type(exc).__name__}); the server's log has the details"
                await _error(500, message)(scope, receive, send)


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise RequestError("the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise RequestError("the request body must be a JSON object")
    return body


def _json(data: Any) -> JSONResponse:
    return JSONResponse(data, headers=_NO_STORE)


def create_app(project_dir: str | Path, *, room: EditingRoom | None = None) -> Starlette:
    """The editing room app for the project in ``project_dir``. The project loads in a background
    thread when the app starts (the page shows the progress); pass a loaded ``room`` to skip that."""
    room = room or EditingRoom(project_dir)

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", headers=_NO_STORE)

    async def status(request: Request) -> Response:
        return _json(room.status_json())

    async def state(request: Request) -> Response:
        return _json(await run_in_threadpool(room.snapshot))

    async def settings(request: Request) -> Response:
        body = await _body(request)
        return _json(await run_in_threadpool(room.change, body))

    async def pin(request: Request) -> Response:
        body = await _body(request)
        if "line" not in body or "take" not in body:
            raise RequestError('give {"line": id, "take": name} (take null to unpin)')
        return _json(await run_in_threadpool(room.pin, body["line"], body["take"]))

    async def reset(request: Request) -> Response:
        return _json(await run_in_threadpool(room.reset))

    async def export(request: Request) -> Response:
        body = await _body(request)
        return _json(await run_in_threadpool(room.export, body.get("formats")))

    async def take(request: Request) -> Response:
        path = room.take_path(_index(request.path_params["index"]))
        return FileResponse(path, headers={"Cache-Control": "private, max-age=3600"})

    async def thumb(request: Request) -> Response:
        index = _index(request.query_params.get("take", ""))
        path = await run_in_threadpool(room.thumbnail, index, request.query_params.get("line"))
        return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=60"})

    async def output_file(request: Request) -> Response:
        path = room.output_file(request.path_params["name"])
        return FileResponse(path, headers=_NO_STORE)

    @asynccontextmanager
    async def lifespan(app: Starlette):  # type: ignore[no-untyped-def]
        if room.status.state == "loading" and room.coverage is None:
            threading.Thread(target=room.load, name="roughcut-web-load", daemon=True).start()
        yield

    routes = [
        Route("/", index),
        Route("/api/status", status),
        Route("/api/state", state),
        Route("/api/settings", settings, methods=["POST"]),
        Route("/api/pin", pin, methods=["POST"]),
        Route("/api/reset", reset, methods=["POST"]),
        Route("/api/export", export, methods=["POST"]),
        Route("/media/takes/{index}", take),
        Route("/media/thumb", thumb),
        Route("/files/{name:path}", output_file),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            RoughcutError: _on_roughcut_error,
            HTTPException: _on_http_error,
        },
        middleware=[Middleware(_JsonErrors)],
    )
    app.state.room = room
    return app


def _index(text: str) -> int:
    if not text.isdigit():
        raise RequestError(f"a take number must be a whole number (got {text!r})", 404)
    return int(text)
