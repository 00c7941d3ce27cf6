"""The editing room: a local web app to mix idioms, set the pace, pin takes, preview and export.

* :func:`load_scenes` is where the room gets a project's scenes and their coverage from.
* :class:`EditingRoom` is a project's one shared editing state (the scene, weights, pace, pins, the
  cut); :mod:`~roughcut.web.requests` checks what the page asks, :mod:`~roughcut.web.assets` serves
  and makes its files (takes, thumbnails, proxies), :mod:`~roughcut.web.view` is what the page sees;
  settings, their saving and the export are the application's (:mod:`roughcut.app.session`).
* :func:`create_app` is the ASGI app; :func:`serve` runs it on 127.0.0.1 (``roughcut serve``);
  :func:`background_server` runs it in a thread.
"""

from roughcut.web.app import create_app
from roughcut.web.coverage import load_coverage, load_scenes
from roughcut.web.room import EditingRoom, RequestError, Settings, Status
from roughcut.web.server import background_server, bind, serve

__all__ = [
    "EditingRoom",
    "RequestError",
    "Settings",
    "Status",
    "background_server",
    "bind",
    "create_app",
    "load_coverage",
    "load_scenes",
    "serve",
]
