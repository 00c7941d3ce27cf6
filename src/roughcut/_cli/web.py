"""``roughcut serve``: the editing room in the browser."""

from __future__ import annotations

from pathlib import Path

import click

from roughcut.errors import RoughcutError


@click.command()
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--port", default=8765, show_default=True, help="TCP port on 127.0.0.1 (0 picks a free one).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
def serve(project: Path, port: int, open_browser: bool) -> None:
    """Edit PROJECT in the browser: mix idioms, set the pace, pin takes, preview and export."""
    from roughcut.progress import LineConsole
    from roughcut.web.server import address, bind, make_server

    if not project.is_dir():
        raise RoughcutError(f"{project}: not a folder")
    server = make_server(project)
    sock = bind(port)
    url = address(sock)
    console = LineConsole()
    console.print(
        f"Editing room for {project.resolve()}: [bold]{url}[/bold]  (Ctrl+C to stop)", highlight=False
    )
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn stops cleanly, then passes Ctrl+C on
        pass
    finally:
        sock.close()
    console.print("Editing room closed.")


COMMANDS = [serve]
