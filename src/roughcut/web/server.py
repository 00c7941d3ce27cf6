"""Running the editing room: uvicorn on 127.0.0.1 only, in the foreground (``roughcut serve``) or in
a background thread (tests, benchmarks)."""

from __future__ import annotations

import errno
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from roughcut.errors import RoughcutError
from roughcut.web.app import create_app
from roughcut.web.room import EditingRoom

HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def bind(port: int = DEFAULT_PORT) -> socket.socket:
    """A listening socket on 127.0.0.1:``port`` (0 picks a free port); a clear error when taken."""
    if not 0 <= port <= 65535:
        raise RoughcutError(f"port {port} is not a TCP port (0 to 65535)")
    # IPPROTO_TCP spelt out: asyncio sets TCP_NODELAY only on sockets that say so (else 40 ms stalls).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise RoughcutError(f"port {port} on {HOST} is in use; choose another with --port") from None
        raise RoughcutError(f"cannot listen on {HOST}:{port} ({exc.strerror})") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def address(sock: socket.socket) -> str:
    """The page's address for a bound socket."""
    host, port = sock.getsockname()[:2]
    return f"http://{host}:{port}/"


def make_server(project_dir: str | Path, *, room: EditingRoom | None = None) -> uvicorn.Server:
    """A uvicorn server for the project's editing room (not started)."""
    app = create_app(project_dir, room=room)
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=2
    )
    return uvicorn.Server(config)


def serve(project_dir: str | Path, *, port: int = DEFAULT_PORT) -> None:
    """Serve the project's editing room on 127.0.0.1:``port`` until interrupted (blocking)."""
    server = make_server(project_dir)
    sock = bind(port)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


@contextmanager
def background_server(
    project_dir: str | Path, *, port: int = 0, room: EditingRoom | None = None, timeout: float = 30.0
) -> Iterator[str]:
    """Run the editing room in a thread for the ``with`` block; yields its address. Waits at most
    ``timeout`` seconds for it to start, and stops it on leaving."""
    server = make_server(project_dir, room=room)
    sock = bind(port)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="roughcut-web")
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RoughcutError(f"the editing room did not start within {timeout:.0f} s")
        time.sleep(0.02)
    try:
        yield address(sock)
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()
