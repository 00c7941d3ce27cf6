"""The editing room's ASGI app (Starlette): one static page, a small JSON API, the takes and exports.

Routes:

* ``GET /`` the page; ``GET /static/…`` its script and style sheet.
* ``GET /api/status`` loading progress and the state's version (tabs poll it).
* ``GET /api/state`` everything the page shows (:meth:`EditingRoom.snapshot`).
* ``POST /api/settings`` ``{style, weights, params, pace, j_cut_frames, l_cut_frames}`` → new state.
* ``POST /api/pin`` ``{line, take}`` (``take: null`` unpins) → new state; ``POST /api/reset``.
* ``POST /api/scene`` ``{scene: number}`` → the state with that scene being edited.
* ``POST /api/export`` ``{formats: [...]}`` → the files written into the project's output folder.
* ``GET /media/takes/{n}`` a take's file (HTTP ranges, so the player can seek);
  ``GET /media/thumb?take=n[&line=id]`` a thumbnail; ``GET /files/{name}`` a file roughcut made in
  the output folder.

Every error is a JSON ``{"error": message}`` with a 4xx status (5xx only for a bug, without its
traceback).

No other web page can drive the room (:class:`_Guard`): every request must name the room itself in
its ``Host`` (``127.0.0.1``, ``localhost`` or ``[::1]`` with the port it serves, so a DNS-rebound
name is refused), a ``POST`` must carry ``Content-Type: application/json`` (which a page of another
origin cannot send without a CORS preflight the room never answers) and, when the browser names its
``Origin``, that origin must be the room's own.
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


#: Names the room answers to; anything else in ``Host`` is refused (DNS rebinding).
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "[::1]"})
#: The largest request body accepted, bytes.
MAX_BODY = 1 << 20
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class _Guard:
    """Refuses requests that do not come from the room's own page: a ``Host`` that is not the
    loopback name and port served, a state change without ``Content-Type: application/json``, an
    ``Origin`` or a ``Sec-Fetch-Site`` of another site."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = self.problem(scope)
        if problem:
            await _error(*problem)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    @staticmethod
    def problem(scope: Scope) -> tuple[int, str] | None:
        """``(status, message)`` when the request is refused, else ``None``."""
        headers: dict[str, str] = {}
        for key, value in scope.get("headers", []):
            name = key.decode("latin-1").lower()
            if name in headers and name in ("host", "origin", "content-type"):
                return 400, f"more than one {name} header"
            headers[name] = value.decode("latin-1")
        host = headers.get("host", "")
        server = scope.get("server") or (None, None)
        hostname, _, port = host.rpartition(":") if not host.endswith("]") else (host, "", "")
        if not hostname:
            hostname, port = host, ""
        served = str(server[1]) if server[1] is not None else None
        if port == "" and served == "80":
            port = "80"
        if hostname.lower() not in LOOPBACK_NAMES or (served is not None and port != served):
            return 403, (
                f"refused: Host {host!r} is not this editing room; open it at "
                f"http://127.0.0.1:{served or '<port>'}/"
            )
        if headers.get("sec-fetch-site") == "cross-site" and scope.get("path", "/") != "/":
            return 403, "refused: a request from another web site"
        if scope.get("method", "GET") in _SAFE_METHODS:
            return None
        origin = headers.get("origin")
        if origin is not None and origin.lower() != f"http://{host}".lower():
            return 403, f"refused: a request from another origin ({origin})"
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return 415, "a change must be sent as JSON (Content-Type: application/json)"
        length = headers.get("content-length", "0")
        if not length.isdigit() or int(length) > MAX_BODY:
            return 413, f"the request body must be at most {MAX_BODY} bytes"
        return None


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise RequestError(f"the request body must be at most {MAX_BODY} bytes", 413)
    try:
        body = json.loads(raw or b"{}", parse_constant=_no_constants)
    except (ValueError, UnicodeDecodeError):
        raise RequestError("the request body is not valid JSON") from None
    except RecursionError:
        raise RequestError("the request body is nested too deeply") from None
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

    async def scene(request: Request) -> Response:
        body = await _body(request)
        if "scene" not in body:
            raise RequestError('give {"scene": number}, a number from the state\'s scenes')
        return _json(await run_in_threadpool(room.choose_scene, body["scene"]))

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
        Route("/api/scene", scene, methods=["POST"]),
        Route("/api/export", export, methods=["POST"]),
        Route("/media/takes/{index}", take),
        Route("/media/thumb", thumb),
        Route("/files/{name:path}", output_file),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    from roughcut.web.search import routes as search_routes  # the search box (web/search.py)

    routes[-1:-1] = search_routes(room.root)
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            RoughcutError: _on_roughcut_error,
            HTTPException: _on_http_error,
        },
        middleware=[Middleware(_JsonErrors), Middleware(_Guard)],
    )
    app.state.room = room
    return app


def _index(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise RequestError(f"a take number must be a whole number (got {text!r})", 404)
    return int(text)
