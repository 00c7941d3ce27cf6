"""The narrow interface every per-frame analysis implements, the one pass that feeds them all, and
the registries of face and speaker analysers.

Like PySceneDetect's ``SceneDetector``: one required per-frame method and a ``post_process`` that
returns the result. :func:`run_pass` decodes a take once (in a background thread, so decoding and
analysis overlap on two cores) and hands each kept frame to every analyser in turn.

**Adding a face or speaker analyser** is one registration, here or from another package (a module
named in the ``roughcut.face_analysers`` or ``roughcut.speaker_analysers`` entry-point group, loaded
on first use):

* a *face analyser* is a factory ``factory(*, native_rate: float) -> FrameAnalyser`` (the take's
  frame rate in frames per second) whose analyser's ``post_process`` returns a
  :class:`roughcut.vision.faces.FaceResult`: face tracks (:class:`~roughcut.vision.faces.RawTrack`,
  per analysed frame a box, landmarks where found), the sharpness inside faces and, optionally,
  framings measured from the body. See :class:`FaceAnalyserFactory`; the built-in one is
  ``"mediapipe"`` (:class:`roughcut.vision.faces.FaceAnalyser`).
* a *speaker analyser* decides who speaks: ``analyser(path, tracks, *, frame_rate, frame_count,
  frame_size) -> (tracks, problems)`` returns the face tracks with ``speaking`` decided and the
  problems that limited it. See :class:`SpeakerAnalyser`; the built-in one is ``"light-asd"``
  (:func:`roughcut.vision.active_speaker.decide_speakers`).

``register_face_analyser("mine", "my_package.faces:MyAnalyser", default=True)`` makes
:func:`roughcut.vision.analyze_take` use it. Give a new analyser its own ``name``: the name is part
of what a cached analysis was made with (bump the vision stage's version when a built-in changes).
"""

from __future__ import annotations

import importlib
import queue
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from fractions import Fraction
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Protocol

from roughcut.errors import ConfigError
from roughcut.media import Frame

#: Decoded frames waiting for the analysers; bounds memory whatever the take's length.
QUEUE_FRAMES = 4


class FrameAnalyser(ABC):
    """One analysis fed frame by frame: ``process_frame`` for each kept frame, then ``post_process``."""

    @abstractmethod
    def process_frame(self, frame: Frame) -> None:
        """Look at one analysis frame (RGB uint8, ``frame.index`` the native frame number)."""

    @abstractmethod
    def post_process(self) -> Any:
        """The analysis result once every frame was seen."""


_END = object()


def _prefetch(frames: Iterable[Frame]) -> Iterator[Frame]:
    """Iterate ``frames`` in a background thread, ``QUEUE_FRAMES`` ahead; re-raises its errors here."""
    buffer: queue.Queue[Any] = queue.Queue(maxsize=QUEUE_FRAMES)
    stop = threading.Event()

    def produce() -> None:
        try:
            for frame in frames:
                while not stop.is_set():
                    try:
                        buffer.put(frame, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            buffer.put(_END)
        except BaseException as exc:  # handed to the consumer
            buffer.put(exc)

    worker = threading.Thread(target=produce, name="roughcut-decode", daemon=True)
    worker.start()
    try:
        while True:
            item = buffer.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join(timeout=5)


def run_pass(
    frames: Iterable[Frame], analysers: Sequence[FrameAnalyser], *, prefetch: bool = True
) -> list[Any]:
    """Feed every frame to every analyser once; returns their ``post_process`` results in order."""
    source = _prefetch(frames) if prefetch else iter(frames)
    for frame in source:
        for analyser in analysers:
            analyser.process_frame(frame)
    return [analyser.post_process() for analyser in analysers]


# ----------------------------------------------------------------------------------------------
# Face and speaker analysers: the protocols and their registries


class FaceAnalyserFactory(Protocol):
    """Makes the face analyser of one take: its ``post_process`` returns a
    :class:`roughcut.vision.faces.FaceResult`. ``native_rate`` in frames per second."""

    def __call__(self, *, native_rate: float) -> FrameAnalyser: ...


class SpeakerAnalyser(Protocol):
    """Decides who speaks in one take: ``tracks`` (face tracks with lip-motion speaking already
    set) back with ``speaking`` decided, and the problems that limited the decision.
    ``frame_rate`` in frames per second (exact), ``frame_count`` native frames, ``frame_size``
    ``(width, height)`` in display pixels."""

    def __call__(
        self,
        path: str | Path,
        tracks: list,
        *,
        frame_rate: Fraction,
        frame_count: int,
        frame_size: tuple[int, int],
    ) -> tuple[list, list[str]]: ...


class _Registry:
    """Analysers of one kind by name (a callable, or ``"module:attribute"`` imported on first use)."""

    def __init__(self, kind: str, group: str, default: str) -> None:
        self.kind, self.group, self.default = kind, group, default
        self.entries: dict[str, Callable[..., Any] | str] = {}
        self._plugins_loaded = False

    def register(self, name: str, analyser: Callable[..., Any] | str, *, default: bool = False) -> None:
        if not name or name in self.entries:
            raise ConfigError(f"{self.kind} analyser {name!r}: a name, and not one registered already")
        if isinstance(analyser, str) and ":" not in analyser:
            raise ConfigError(f"{self.kind} analyser {name!r}: give a callable or 'module:attribute'")
        self.entries[name] = analyser
        if default:
            self.default = name

    def names(self) -> list[str]:
        if not self._plugins_loaded:
            self._plugins_loaded = True
            for entry in entry_points(group=self.group):
                entry.load()
        return list(self.entries)

    def get(self, name: str | None) -> Callable[..., Any]:
        names = self.names()
        name = name or self.default
        if name not in self.entries:
            raise ConfigError(
                f"unknown {self.kind} analyser {name!r}; {self.kind} analysers: {', '.join(names)}"
            )
        found = self.entries[name]
        if isinstance(found, str):
            module, _, attribute = found.partition(":")
            found = getattr(importlib.import_module(module), attribute)
            self.entries[name] = found
        return found


_FACES = _Registry("face", "roughcut.face_analysers", "mediapipe")
_SPEAKERS = _Registry("speaker", "roughcut.speaker_analysers", "light-asd")
_FACES.register("mediapipe", "roughcut.vision.faces:FaceAnalyser")
_SPEAKERS.register("light-asd", "roughcut.vision.active_speaker:decide_speakers")


def register_face_analyser(name: str, factory: FaceAnalyserFactory | str, *, default: bool = False) -> None:
    """Add face analyser ``name`` (a :class:`FaceAnalyserFactory`, or ``"module:attribute"``
    naming one); with ``default`` it is the one :func:`face_analyser` gives from now on."""
    _FACES.register(name, factory, default=default)


def register_speaker_analyser(name: str, analyser: SpeakerAnalyser | str, *, default: bool = False) -> None:
    """Add speaker analyser ``name`` (a :class:`SpeakerAnalyser`, or ``"module:attribute"``
    naming one); with ``default`` it is the one :func:`speaker_analyser` gives from now on."""
    _SPEAKERS.register(name, analyser, default=default)


def face_analyser(name: str | None = None) -> FaceAnalyserFactory:
    """The face analyser factory called ``name`` (default: the default one, ``"mediapipe"``)."""
    return _FACES.get(name)


def speaker_analyser(name: str | None = None) -> SpeakerAnalyser:
    """The speaker analyser called ``name`` (default: the default one, ``"light-asd"``)."""
    return _SPEAKERS.get(name)


def analysers() -> dict[str, list[str]]:
    """The registered analysers' names by kind, the default of each first."""
    return {
        registry.kind: sorted(registry.names(), key=lambda n: n != registry.default)
        for registry in (_FACES, _SPEAKERS)
    }
